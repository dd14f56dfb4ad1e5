namespace NeuralSpin.Numerics;

/// <summary>
/// Elementary functions the runtime does not provide to full accuracy. (.NET's <c>double.LogP1</c> evaluates
/// ln(x + 1) after rounding x + 1, losing every digit of x below an ulp of 1.)
/// </summary>
internal static class Elementary
{
    /// <summary>
    /// ln(1 + x) for x &gt; -1, accurate to a few ulps also for small |x|: with u = fl(1 + x), ln(u) x / (u - 1) divides
    /// out the rounding of 1 + x (the correction of D. Goldberg, "What every computer scientist should know about
    /// floating-point arithmetic", 1991, Theorem 4); x itself where u rounds to 1.
    /// </summary>
    internal static double Log1p(double x)
    {
        double u = 1 + x;
        if (u == 1) return x;
        return Math.Log(u) * x / (u - 1);
    }
}
