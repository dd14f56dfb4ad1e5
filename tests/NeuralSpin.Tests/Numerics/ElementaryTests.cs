using NUnit.Framework;
using NeuralSpin.Tests.Support;
using NeuralSpin.Numerics;

namespace NeuralSpin.Tests.Numerics;

/// <summary><see cref="Elementary.Log1p"/> against the Taylor series ln(1 + x) = x - x^2/2 + x^3/3 - ... and plain logarithms.</summary>
public class ElementaryTests
{
    /// <summary>
    /// Exact below an ulp of 1 (returns x); the series where the plain ln(1 + x) has lost digits: at x = 3e-16 (1 + x
    /// rounds to 1 + 2^-52, so ln(1 + x) computed plainly is 26 % low) and x = 1e-10, 1e-6 (the first omitted term,
    /// x^4/4, is below 1e-15 relative); ln 1.5 and ln 0.5 at x = +-0.5 and ln 3 at x = 2, where 1 + x is exact. Relative
    /// 1e-15: a few ulps.
    /// </summary>
    [Test]
    public void Log1p_AgreesWithTheSeriesAndPlainLogarithms()
    {
        Assert.That(Elementary.Log1p(1e-20), Is.EqualTo(1e-20));
        Assert.That(Elementary.Log1p(-1e-20), Is.EqualTo(-1e-20));
        Assert.That(Elementary.Log1p(0.0), Is.EqualTo(0.0));
        foreach (double x in new[] { 3e-16, -3e-16, 1e-10, -1e-10, 1e-6, -1e-6 })
            NumericAssert.AreEqualRelative(x - x * x / 2 + x * x * x / 3, Elementary.Log1p(x), 1e-15, $"series at {x}");
        NumericAssert.AreEqualRelative(Math.Log(1.5), Elementary.Log1p(0.5), 1e-15, "ln 1.5");
        NumericAssert.AreEqualRelative(Math.Log(0.5), Elementary.Log1p(-0.5), 1e-15, "ln 0.5");
        NumericAssert.AreEqualRelative(Math.Log(3), Elementary.Log1p(2), 1e-15, "ln 3");
    }
}
