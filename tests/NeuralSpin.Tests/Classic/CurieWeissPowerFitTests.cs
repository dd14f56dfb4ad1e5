using NeuralSpin.Classic;
using NeuralSpin.Tests.Support;
using NUnit.Framework;

namespace NeuralSpin.Tests.Classic;

/// <summary>
/// <see cref="PowerFit.Fit"/>, the least-squares line through (ln x, ln y) that gives the Curie-Weiss exponents, on data whose
/// fit is known in closed form.
/// </summary>
public class CurieWeissPowerFitTests
{
    /// <summary>
    /// ln x = 0, 1, 2, 3 and ln y = 1 + 2 ln x + d (1, -1, -1, 1): the residual pattern is orthogonal to 1 and to ln x, so the
    /// least-squares line is exactly slope 2 and intercept 1, the residuals are the pattern, RSS = 4 d^2, S_xx = 5 and the
    /// standard error of the slope is sqrt(RSS / (n - 2) / S_xx) = d sqrt(2/5). Tolerance 1e-13: a few roundings of ln and exp.
    /// </summary>
    [TestCase(0.1)]
    [TestCase(0.25)]
    public void Fit_OfAPerturbedLine_IsTheLineWithItsStandardError(double d)
    {
        double[] lx = [0, 1, 2, 3], pattern = [1, -1, -1, 1];
        var x = lx.Select(Math.Exp).ToArray();
        var y = lx.Select((v, i) => Math.Exp(1 + 2 * v + d * pattern[i])).ToArray();
        var fit = PowerFit.Fit(x, y);
        NumericAssert.AreEqualAbsolute(2, fit.Exponent, 1e-13, "slope");
        NumericAssert.AreEqualRelative(Math.E, fit.Amplitude, 1e-13, "amplitude e^intercept");
        NumericAssert.AreEqualRelative(d * Math.Sqrt(2.0 / 5), fit.ExponentStandardError, 1e-12, "standard error d sqrt(2/5)");
        Assert.That(fit.X, Is.SameAs(x));
        Assert.That(fit.Y, Is.SameAs(y));
    }

    /// <summary>Two points determine the line: slope ln(y2/y1) / ln(x2/x1), no residual degrees of freedom, standard error 0 (not 0/0).</summary>
    [Test]
    public void Fit_OfTwoPoints_IsTheirLineWithStandardErrorZero()
    {
        var fit = PowerFit.Fit([2.0, 8.0], [3.0, 48.0]);
        NumericAssert.AreEqualAbsolute(2, fit.Exponent, 1e-14, "slope ln 16 / ln 4");
        NumericAssert.AreEqualRelative(0.75, fit.Amplitude, 1e-14, "A = 3 / 2^2");
        Assert.That(fit.ExponentStandardError, Is.EqualTo(0.0));
    }

    /// <summary>Points exactly on a power law (y = 5 x^-1.5 at five x): zero residual, so the standard error is 0 to rounding.</summary>
    [Test]
    public void Fit_OfAnExactPowerLaw_HasNoResidual()
    {
        double[] x = [0.1, 0.3, 1, 4, 20];
        var fit = PowerFit.Fit(x, x.Select(v => 5 * Math.Pow(v, -1.5)).ToArray());
        NumericAssert.AreEqualAbsolute(-1.5, fit.Exponent, 1e-14, "exponent");
        NumericAssert.AreEqualRelative(5, fit.Amplitude, 1e-14, "amplitude");
        Assert.That(fit.ExponentStandardError, Is.LessThan(1e-14));
    }
}
