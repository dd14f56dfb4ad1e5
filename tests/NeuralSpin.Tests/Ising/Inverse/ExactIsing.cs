using NeuralSpin.Ising;

namespace NeuralSpin.Tests.Ising.Inverse;

/// <summary>
/// The slow, obviously correct reference of the inverse-Ising tests: all 2^N states of a model with
/// N &lt;= 12 enumerated, their Boltzmann weights exp(-beta E(s)) normalised, exact moments summed,
/// and i.i.d. samples drawn by inverse CDF (binary search) with a caller-seeded <see cref="Random"/>.
/// State index k has s_i = +1 when bit i of k is set, else -1. Independent of the library's own
/// enumeration, BP and Monte Carlo (written in parallel; deliberately not used).
/// </summary>
public static class ExactIsing
{
    public const int MaxSpins = 12;

    public static sbyte[] State(int k, int n)
    {
        var s = new sbyte[n];
        for (int i = 0; i < n; i++) s[i] = (sbyte)(((k >> i) & 1) == 1 ? 1 : -1);
        return s;
    }

    /// <summary>P(s) for every state k (sums to 1).</summary>
    public static double[] Probabilities(IsingModel model)
    {
        int n = model.Size;
        if (n > MaxSpins) throw new ArgumentException("too many spins to enumerate");
        int states = 1 << n;
        var logw = new double[states];
        double max = double.NegativeInfinity;
        for (int k = 0; k < states; k++)
        {
            logw[k] = -model.Beta * model.Energy(State(k, n));
            max = Math.Max(max, logw[k]);
        }
        double z = 0;
        var p = new double[states];
        for (int k = 0; k < states; k++) { p[k] = Math.Exp(logw[k] - max); z += p[k]; }
        for (int k = 0; k < states; k++) p[k] /= z;
        return p;
    }

    /// <summary>Exact m_i and raw &lt;s_i s_j&gt; (row-major), the moment delegate for Boltzmann learning.</summary>
    public static (double[] M, double[] C) Moments(IsingModel model)
    {
        int n = model.Size;
        var p = Probabilities(model);
        var m = new double[n];
        var c = new double[n * n];
        for (int k = 0; k < p.Length; k++)
        {
            var s = State(k, n);
            for (int i = 0; i < n; i++)
            {
                m[i] += p[k] * s[i];
                for (int j = 0; j < n; j++) c[i * n + j] += p[k] * s[i] * s[j];
            }
        }
        return (m, c);
    }

    /// <summary>Connected correlations C_ij - m_i m_j from exact moments.</summary>
    public static double[] Connected(double[] m, double[] c)
    {
        int n = m.Length;
        var r = new double[n * n];
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++) r[i * n + j] = c[i * n + j] - m[i] * m[j];
        return r;
    }

    /// <summary><paramref name="count"/> i.i.d. configurations (row-major count x N) by inverse CDF.</summary>
    public static sbyte[] Sample(IsingModel model, int count, Random rng)
    {
        int n = model.Size;
        var p = Probabilities(model);
        var cdf = new double[p.Length];
        double acc = 0;
        for (int k = 0; k < p.Length; k++) { acc += p[k]; cdf[k] = acc; }
        var result = new sbyte[count * n];
        for (int mu = 0; mu < count; mu++)
        {
            double u = rng.NextDouble() * acc;
            int k = Array.BinarySearch(cdf, u);
            if (k < 0) k = ~k;
            k = Math.Min(k, p.Length - 1);
            State(k, n).CopyTo(result, mu * n);
        }
        return result;
    }

    /// <summary>A dense planted model: J_ij ~ U(-jScale, jScale), h_i ~ U(-hScale, hScale).</summary>
    public static IsingModel RandomModel(int n, double jScale, double hScale, Random rng)
    {
        var j = new double[n * n];
        for (int a = 0; a < n; a++)
            for (int b = a + 1; b < n; b++)
            {
                double v = jScale * (2 * rng.NextDouble() - 1);
                j[a * n + b] = v; j[b * n + a] = v;
            }
        var h = new double[n];
        for (int a = 0; a < n; a++) h[a] = hScale * (2 * rng.NextDouble() - 1);
        return new IsingModel(n, j, h);
    }

    /// <summary>max_{i&lt;j} |J_ij - J'_ij|.</summary>
    public static double MaxCouplingError(IsingModel a, IsingModel b)
    {
        double e = 0;
        for (int i = 0; i < a.Size; i++)
            for (int j = i + 1; j < a.Size; j++) e = Math.Max(e, Math.Abs(a.Coupling(i, j) - b.Coupling(i, j)));
        return e;
    }

    /// <summary>max_i |h_i - h'_i|.</summary>
    public static double MaxFieldError(IsingModel a, IsingModel b)
    {
        double e = 0;
        for (int i = 0; i < a.Size; i++) e = Math.Max(e, Math.Abs(a.Field(i) - b.Field(i)));
        return e;
    }

    /// <summary>RMS over i&lt;j of J_ij - J'_ij.</summary>
    public static double RmsCouplingError(IsingModel a, IsingModel b)
    {
        double e = 0; int count = 0;
        for (int i = 0; i < a.Size; i++)
            for (int j = i + 1; j < a.Size; j++) { double d = a.Coupling(i, j) - b.Coupling(i, j); e += d * d; count++; }
        return Math.Sqrt(e / count);
    }
}
