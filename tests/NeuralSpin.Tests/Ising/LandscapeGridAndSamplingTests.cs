using NeuralSpin.Ising;
using NeuralSpin.Numerics;
using NeuralSpin.Tests.Support;
using NUnit.Framework;
using static NeuralSpin.Tests.Support.ArgumentCheck;

namespace NeuralSpin.Tests.Ising;

/// <summary><see cref="LandscapeGrid"/> against its formula, and the seeded overload and sampling settings of <see cref="MonteCarlo"/>.</summary>
public class LandscapeGridAndSamplingTests
{
    [Test]
    public void LandscapeGrid_IsItsFormula()
    {
        var g = new LandscapeGrid { XMin = -1, XMax = 3, Points = 41 }.Xs();
        Assert.That(g, Has.Length.EqualTo(41));
        for (int i = 0; i < 41; i++) Assert.That(g[i], Is.EqualTo(-1 + 4.0 * i / 40), $"point {i}");
        var d = new LandscapeGrid().Xs();
        Assert.That(d[0], Is.EqualTo(0.0));
        Assert.That(d[^1], Is.EqualTo(2.0));
        Assert.That(d, Has.Length.EqualTo(41));
        // from 0 it is the uniform grid
        Assert.That(d, Is.EqualTo(Precision.UniformGrid(2.0, 41)).AsCollection);
    }

    [Test]
    public void LandscapeGrid_RefusesBadGrids()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new LandscapeGrid { Points = 1 }.Xs());
        Assert.Throws<ArgumentOutOfRangeException>(() => new LandscapeGrid { XMin = 2, XMax = 1 }.Xs());
        Assert.Throws<ArgumentOutOfRangeException>(() => new LandscapeGrid { XMax = 2 * LandscapeGrid.MaxTilt }.Xs());
    }

    static IEnumerable<TestCaseData> GridChecks()
    {
        yield return Range("LandscapeGrid.Xs: at least two points", "Points", "at least two points", () => new LandscapeGrid { Points = 1 }.Xs()).ToCase();
        yield return Range("LandscapeGrid.Xs: XMax > XMin", "XMax", "finite ends with XMax > XMin", () => new LandscapeGrid { XMin = 2, XMax = 1 }.Xs()).ToCase();
        yield return Range("LandscapeGrid.Xs: XMax != XMin", "XMax", "finite ends with XMax > XMin", () => new LandscapeGrid { XMin = 1, XMax = 1 }.Xs()).ToCase();
        yield return Range("LandscapeGrid.Xs: XMin finite", "XMax", "finite ends with XMax > XMin",
            () => new LandscapeGrid { XMin = double.NegativeInfinity, XMax = 1 }.Xs()).ToCase();
        yield return Range("LandscapeGrid.Xs: XMax finite", "XMax", "finite ends with XMax > XMin",
            () => new LandscapeGrid { XMin = 0, XMax = double.PositiveInfinity }.Xs()).ToCase();
        yield return Range("LandscapeGrid.Xs: XMin not NaN", "XMax", "finite ends with XMax > XMin", () => new LandscapeGrid { XMin = double.NaN, XMax = 1 }.Xs()).ToCase();
        yield return Range("LandscapeGrid.Xs: |XMax| at most MaxTilt", "XMax", "|x| must be at most",
            () => new LandscapeGrid { XMax = 2 * LandscapeGrid.MaxTilt }.Xs()).ToCase();
        yield return Range("LandscapeGrid.Xs: |XMin| at most MaxTilt", "XMax", "|x| must be at most",
            () => new LandscapeGrid { XMin = -LandscapeGrid.MaxTilt - 1, XMax = 0 }.Xs()).ToCase();
    }

    [TestCaseSource(nameof(GridChecks))]
    public void LandscapeGrid_BadGrids_AreRefused(ArgumentCheck check) => check.Verify();

    /// <summary>The boundary grids that must pass: two points, ends at exactly ±MaxTilt (then x_1 = +MaxTilt exactly).</summary>
    [Test]
    public void LandscapeGrid_BoundaryGrids_Pass()
    {
        Assert.That(new LandscapeGrid { XMin = 0, XMax = 1, Points = 2 }.Xs(), Is.EqualTo(new[] { 0.0, 1.0 }));
        Assert.That(new LandscapeGrid { XMin = -LandscapeGrid.MaxTilt, XMax = LandscapeGrid.MaxTilt, Points = 2 }.Xs(),
            Is.EqualTo(new[] { -LandscapeGrid.MaxTilt, LandscapeGrid.MaxTilt }));
    }

    [Test]
    public void MonteCarlo_SeededOverload_IsTheRunOnASplitMixSourceOfTheSeed()
    {
        var model = IsingReference.RandomModel(5, new Random(11), scale: 0.5, fieldScale: 0.3, beta: 1);
        var o = MonteCarloOptions.Sampling with { Samples = 50, BurnInSweeps = 20, Seed = 99 };
        var a = MonteCarlo.Run(model, o);
        var b = MonteCarlo.Run(model, o, new SplitMixSource(99));
        Assert.That(a.Samples.Spins, Is.EqualTo(b.Samples.Spins).AsCollection);
        Assert.That(a.Energy.Mean, Is.EqualTo(b.Energy.Mean));
    }

    [Test]
    public void SampleMemory_IsOneByteASpinAndOneDoubleASample_WithinTheLimits()
    {
        Assert.That(MonteCarloOptions.SampleBytes(1000, 10), Is.EqualTo(1000L * 18));
        Assert.That(MonteCarloOptions.MaxSampleBytes, Is.EqualTo(8L * 1024 * 1024 * 1024));
        // one spin: the byte limit binds; from three spins on, one array of Array.MaxLength spins
        long m1 = MonteCarloOptions.MaxSamples(1);
        Assert.That(m1, Is.EqualTo(MonteCarloOptions.MaxSampleBytes / 9));
        Assert.That(MonteCarloOptions.SampleBytes((int)m1, 1), Is.LessThanOrEqualTo(MonteCarloOptions.MaxSampleBytes));
        Assert.That(MonteCarloOptions.SampleBytes((int)m1 + 1, 1), Is.GreaterThan(MonteCarloOptions.MaxSampleBytes));
        Assert.That(MonteCarloOptions.MaxSamples(10), Is.EqualTo(Array.MaxLength / 10));
        Assert.Throws<ArgumentOutOfRangeException>(() => MonteCarloOptions.MaxSamples(0));
    }

    [Test]
    public void Sampling_IsTheDefaultsWithTenSweepsBetweenSamples()
    {
        var d = new MonteCarloOptions();
        var s = MonteCarloOptions.Sampling;
        Assert.That(s.Thinning, Is.EqualTo(10));
        Assert.That(s with { Thinning = d.Thinning }, Is.EqualTo(d));
    }
}
