using NUnit.Framework;
using NeuralSpin.Numerics;

namespace NeuralSpin.Tests.Numerics;

/// <summary>The shared tolerances and grids of <see cref="Precision"/>: edge cases of the equality tests, the grids against their formulas.</summary>
public class PrecisionTests
{
    [Test]
    public void AlmostEqualRelative_IsRelativeToTheReferenceAboveOneAndAbsoluteBelow()
    {
        Assert.That(Precision.AlmostEqualRelative(3.0, 3.0), Is.True);
        // |b| = 1000: the tolerance is 1e-6
        Assert.That(Precision.AlmostEqualRelative(1000 + 0.9e-6, 1000), Is.True);
        Assert.That(Precision.AlmostEqualRelative(1000 + 1.1e-6, 1000), Is.False);
        // |b| < 1: an absolute 1e-9
        Assert.That(Precision.AlmostEqualRelative(1e-3 + 0.9e-9, 1e-3), Is.True);
        Assert.That(Precision.AlmostEqualRelative(1e-3 + 1.1e-9, 1e-3), Is.False);
        Assert.That(Precision.AlmostEqualRelative(0.5e-9, 0), Is.True);
        Assert.That(Precision.AlmostEqualRelative(-2e-9, 0), Is.False);
        // the scale is that of the reference, negative values included
        Assert.That(Precision.AlmostEqualRelative(-1000 - 0.9e-6, -1000), Is.True);
        // exactly at the tolerance counts as equal
        Assert.That(Precision.AlmostEqualRelative(Precision.RelativeTolerance, 0), Is.True);
    }

    [Test]
    public void AlmostEqualRelative_TakesTheScaleFromTheSecondArgument()
    {
        // 1e6 vs 1e6 + 5e-4: equal relative to 1e6 (tolerance 1e-3)
        Assert.That(Precision.AlmostEqualRelative(1e6 + 5e-4, 1e6), Is.True);
        // 0.5 vs 0.5 + 2e-9: the scale is max(1, 0.5) = 1 either way
        Assert.That(Precision.AlmostEqualRelative(0.5 + 2e-9, 0.5), Is.False);
        // a large first argument against a small reference is judged on the reference's scale
        Assert.That(Precision.AlmostEqualRelative(1.0 + 1e-8, 1.0), Is.False);
    }

    [TestCase(double.NaN, 1.0)]
    [TestCase(1.0, double.NaN)]
    [TestCase(double.NaN, double.NaN)]
    [TestCase(double.PositiveInfinity, 1.0)]
    [TestCase(1.0, double.PositiveInfinity)]
    [TestCase(double.NegativeInfinity, double.PositiveInfinity)]
    public void AlmostEqualRelative_IsFalseForNaNAndForAFiniteValueAgainstAnInfinity(double a, double b)
    {
        // NaN compares false; a finite value is never within a tolerance of infinity (the scale |b| = inf would say so)
        Assert.That(Precision.AlmostEqualRelative(a, b), Is.False);
    }

    [Test]
    public void AlmostEqualRelative_AnInfinityEqualsItself()
    {
        Assert.That(Precision.AlmostEqualRelative(double.PositiveInfinity, double.PositiveInfinity), Is.True);
        Assert.That(Precision.AlmostEqualRelative(double.NegativeInfinity, double.NegativeInfinity), Is.True);
    }

    [Test]
    public void AlmostEqualOnScale_UsesTheGivenScale()
    {
        // points of a grid up to 100 compared at 1e-7 apart: equal on the scale 100, not on the scale of the points
        Assert.That(Precision.AlmostEqualOnScale(0.5 + 5e-8, 0.5, 100), Is.True);
        Assert.That(Precision.AlmostEqualOnScale(0.5 + 5e-8, 0.5, 0.5), Is.False);
        Assert.That(Precision.AlmostEqualOnScale(0.5 + 5e-8, 0.5, -100), Is.True);
        Assert.That(Precision.AlmostEqualOnScale(1, 1, double.NaN), Is.False);
    }

    [Test]
    public void Tiny_IsANormalPositiveNumberWhoseReciprocalIsFinite()
    {
        Assert.That(Precision.Tiny, Is.GreaterThan(0));
        Assert.That(double.IsNormal(Precision.Tiny), Is.True);
        Assert.That(double.IsFinite(1 / Precision.Tiny), Is.True);
        Assert.That(1.0 + Precision.Tiny, Is.EqualTo(1.0));
    }

    [Test]
    public void UniformGrid_FromZeroIsTheTwoArgumentGridBitwise()
    {
        foreach (double max in new[] { 10.0, 2.5, 0.7, 1.35 })
            foreach (int n in new[] { 2, 3, 17, 161, 201 })
                Assert.That(Precision.UniformGrid(0, max, n), Is.EqualTo(Precision.UniformGrid(max, n)).AsCollection, $"max {max}, {n} points");
    }

    [Test]
    public void UniformGrid_IsTheFormulaWithTheLastPointExactlyTheEnd()
    {
        // 0.2 + (0.9 - 0.2) rounds to 0.8999999999999999: the grid ends at 0.9 itself
        Assert.That(0.2 + (0.9 - 0.2), Is.Not.EqualTo(0.9));
        var g = Precision.UniformGrid(0.2, 0.9, 8);
        Assert.That(g, Has.Length.EqualTo(8));
        Assert.That(g[0], Is.EqualTo(0.2));
        Assert.That(g[^1], Is.EqualTo(0.9));
        for (int i = 0; i < 7; i++) Assert.That(g[i], Is.EqualTo(0.2 + (0.9 - 0.2) * i / 7), $"point {i}");
        // a decreasing grid is allowed
        Assert.That(Precision.UniformGrid(1.0, -1.0, 3), Is.EqualTo(new[] { 1.0, 0.0, -1.0 }).AsCollection);
    }

    [Test]
    public void UniformGrid_RefusesFewerThanTwoPointsAndInfiniteEnds()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Precision.UniformGrid(0, 1, 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => Precision.UniformGrid(double.NegativeInfinity, 1, 3));
        Assert.Throws<ArgumentOutOfRangeException>(() => Precision.UniformGrid(0, double.NaN, 3));
        Assert.Throws<ArgumentOutOfRangeException>(() => Precision.UniformGrid(double.PositiveInfinity, 3));
    }

    [Test]
    public void LogGrid_IsTheFormulaAndASinglePointIsTheStart()
    {
        var g = Precision.LogGrid(0.01, 2.0, 15);
        for (int i = 0; i < 15; i++)
            Assert.That(g[i], Is.EqualTo(Math.Exp(Math.Log(0.01) + (Math.Log(2.0) - Math.Log(0.01)) * i / 14)), $"point {i}");
        Assert.That(g[0], Is.EqualTo(0.01).Within(1e-16));
        Assert.That(g[^1], Is.EqualTo(2.0).Within(1e-15));
        for (int i = 1; i < 15; i++) Assert.That(g[i] / g[i - 1], Is.EqualTo(g[1] / g[0]).Within(1e-12));
        Assert.That(Precision.LogGrid(0.3, 5, 1), Is.EqualTo(new[] { 0.3 }).AsCollection);
    }

    [Test]
    public void LogGrid_RefusesNonPositiveEndsAndNoPoints()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Precision.LogGrid(0, 1, 3));
        Assert.Throws<ArgumentOutOfRangeException>(() => Precision.LogGrid(1, -1, 3));
        Assert.Throws<ArgumentOutOfRangeException>(() => Precision.LogGrid(1, 2, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => Precision.LogGrid(1, double.PositiveInfinity, 3));
    }

    [Test]
    public void SpectralNormBound_WidensByTheMargin()
    {
        Assert.That(Precision.SpectralNormBound(2.0), Is.EqualTo(2.0 * (1 + 1e-12)));
        Assert.That(Precision.SpectralNormBound(2.0), Is.GreaterThan(2.0));
    }
}
