using NeuralSpin.Trajectory;
using NUnit.Framework;

namespace NeuralSpin.Tests.Trajectory;

/// <summary>PowerLawFit: least squares on log-log axes (used for T_c(t) ~ t^alpha, P1 sec. 3.2).</summary>
[TestFixture]
public sealed class PowerLawFitTests
{
    static double[] LogSpaced(double a, double b, int n) =>
        Enumerable.Range(0, n).Select(i => a * Math.Pow(b / a, i / (n - 1.0))).ToArray();

    [Test]
    public void RecoversAnExactPowerLaw()
    {
        var ts = LogSpaced(0.5, 500, 25);
        var ys = ts.Select(t => 3 * Math.Pow(t, 0.7)).ToArray();
        var fit = PowerLawFit.Fit(ts, ys);
        Assert.That(fit.Exponent, Is.EqualTo(0.7).Within(1e-12));
        Assert.That(fit.Prefactor, Is.EqualTo(3).Within(1e-12));
        Assert.That(fit.RSquared, Is.EqualTo(1).Within(1e-12));
        Assert.That(fit.N, Is.EqualTo(25));
        Assert.That(fit.At(10), Is.EqualTo(3 * Math.Pow(10, 0.7)).Within(1e-10));
    }

    /// <summary>
    /// Multiplicative log-normal noise of sigma = 0.05 on 50 log-spaced points over [1, 1000]: the slope's
    /// standard error is sigma / sqrt(sum (ln t - mean)^2) = 0.05 / sqrt(50 * 3.97) ~ 0.0036; the bound
    /// 0.02 on the exponent is 5.6 standard errors (0.1 on ln A similarly), with a fixed seed.
    /// </summary>
    [Test]
    public void RecoversTheExponentUnderNoise()
    {
        var rng = new Random(2024);
        var ts = LogSpaced(1, 1000, 50);
        var ys = ts.Select(t => 3 * Math.Pow(t, 0.7) * Math.Exp(0.05 * Gauss(rng))).ToArray();
        var fit = PowerLawFit.Fit(ts, ys);
        Assert.That(fit.Exponent, Is.EqualTo(0.7).Within(0.02));
        Assert.That(Math.Log(fit.Prefactor), Is.EqualTo(Math.Log(3)).Within(0.1));
        Assert.That(fit.RSquared, Is.GreaterThan(0.99));
    }

    [Test]
    public void UsesOnlyTheRangeAndSkipsUnusablePoints()
    {
        // two regimes: t^1 below t = 10, t^0.3 above (continuous at 10)
        var ts = LogSpaced(0.1, 1000, 41).Append(0).Append(double.NaN).ToArray();
        var ys = ts.Select(t => t <= 10 ? t : 10 * Math.Pow(t / 10, 0.3)).ToArray();
        var early = PowerLawFit.Fit(ts, ys, 0.1, 10);
        var late = PowerLawFit.Fit(ts, ys, 10, 1000);
        Assert.That(early.Exponent, Is.EqualTo(1).Within(1e-12));
        Assert.That(late.Exponent, Is.EqualTo(0.3).Within(1e-12));
        Assert.That(early.N + late.N, Is.EqualTo(42), "t = 10 is in both ranges; t = 0 and NaN in neither");
        Assert.That(late.TMin, Is.EqualTo(10).Within(1e-9));
        Assert.That(late.TMax, Is.EqualTo(1000).Within(1e-9));
    }

    [Test]
    public void TooFewPointsIsAnError()
    {
        Assert.Throws<ArgumentException>(() => PowerLawFit.Fit([1.0], [2.0]));
        Assert.Throws<ArgumentException>(() => PowerLawFit.Fit([2.0, 2.0], [1.0, 3.0]));
        Assert.Throws<ArgumentException>(() => PowerLawFit.Fit([1.0, 2.0], [-1.0, 3.0]));
        Assert.That(PowerLawFit.TryFit([1.0, 2.0, 3.0], [1.0, 2.0, 3.0], 5, 10, out var why), Is.Null);
        Assert.That(why, Does.Contain("at least two"));
    }

    static double Gauss(Random r) => Math.Sqrt(-2 * Math.Log(1 - r.NextDouble())) * Math.Cos(2 * Math.PI * r.NextDouble());
}

/// <summary>The epoch axis of Figs. 4, 6 and 8 and the log-axis ticks.</summary>
[TestFixture]
public sealed class PlotAxisTests
{
    [Test]
    public void EpochAxisIsLinearToOneThenLogarithmic()
    {
        Assert.That(NeuralSpin.Reporting.EpochAxis.Transform(0.5), Is.EqualTo(0.5));
        Assert.That(NeuralSpin.Reporting.EpochAxis.Transform(1), Is.EqualTo(1));
        Assert.That(NeuralSpin.Reporting.EpochAxis.Transform(100), Is.EqualTo(3).Within(1e-15));
        foreach (double t in new[] { 0, 0.3, 1, 2.5, 60, 960 })
            Assert.That(NeuralSpin.Reporting.EpochAxis.Inverse(NeuralSpin.Reporting.EpochAxis.Transform(t)), Is.EqualTo(t).Within(1e-12 * Math.Max(1, t)));
        var (major, _) = NeuralSpin.Reporting.EpochAxis.Ticks(500);
        Assert.That(major.Select(m => m.Label), Is.EqualTo(new[] { "0", "0.5", "1", "10", "100", "1000" }));
    }

    [Test]
    public void LogTicksUseOneTwoFiveWithinTwoDecades()
    {
        var (major, _) = NeuralSpin.Reporting.LogAxis.Ticks(0.04, 1.1);
        Assert.That(major.Select(m => m.Label), Is.EqualTo(new[] { "0.05", "0.1", "0.2", "0.5", "1" }));
        var (wide, _) = NeuralSpin.Reporting.LogAxis.Ticks(1e-3, 20);
        Assert.That(wide.Select(m => m.Label), Is.EqualTo(new[] { "0.001", "0.01", "0.1", "1", "10" }));
    }

    [Test]
    public void LogTicks_NarrowRange_FallsBackToEvenlySpacedNiceValues()
    {
        // T_c over a short training run: 1.78 .. 1.90 holds no 1-2-5 nor integer mantissa tick
        var (major, _) = NeuralSpin.Reporting.LogAxis.Ticks(1.78, 1.90);
        Assert.That(major.Select(m => m.Label), Is.EqualTo(new[] { "1.80", "1.85", "1.90" }), "step: the nice value above (1.90 - 1.78)/4");
        Assert.That(major.All(m => m.X >= Math.Log10(1.78) - 1e-12 && m.X <= Math.Log10(1.90) + 1e-12), Is.True);
    }
}
