using NeuralSpin.Classic;
using NeuralSpin.Numerics;
using NUnit.Framework;

namespace NeuralSpin.Tests.Classic;

/// <summary><see cref="RbmDemo"/>: the demo machine against its documented draws, the sweep's scales and slopes.</summary>
public class RbmDemoTests
{
    [Test]
    public void Machine_IsTheDocumentedDrawsInOrder()
    {
        var rbm = RbmDemo.Machine(4, 2, 7);
        // W ~ N(0, 1/N_v), then b ~ N(0, 0.1^2), then c ~ N(0, 1), one Box-Muller cosine per draw of one SplitMix stream
        var rng = new SplitMixRandom(7);
        double Normal()
        {
            double u = 1 - rng.NextDouble(), v = rng.NextDouble();
            return Math.Sqrt(-2 * Math.Log(u)) * Math.Cos(2 * Math.PI * v);
        }
        for (int i = 0; i < 4; i++)
            for (int m = 0; m < 2; m++)
                Assert.That(rbm.Weight(i, m), Is.EqualTo(Normal() / 2), $"W[{i},{m}]");
        for (int i = 0; i < 4; i++) Assert.That(rbm.VisibleBias[i], Is.EqualTo(RbmDemo.VisibleBiasScale * Normal()), $"b[{i}]");
        for (int m = 0; m < 2; m++) Assert.That(rbm.HiddenBias[m], Is.EqualTo(Normal()), $"c[{m}]");
        Assert.Throws<ArgumentOutOfRangeException>(() => RbmDemo.Machine(0, 2, 7));
    }

    [Test]
    public void Scales_AreTheLogGridOfTheOptions()
    {
        var o = new RbmDemoOptions { ScaleMin = 0.05, ScaleMax = 1.5, Points = 7 };
        Assert.That(RbmDemo.Scales(o), Is.EqualTo(Precision.LogGrid(0.05, 1.5, 7)).AsCollection);
        Assert.That(RbmDemo.Scales(new RbmDemoOptions()), Has.Length.EqualTo(new RbmDemoOptions().Points));
    }

    [Test]
    public void Sweep_SlopesAreFourWithoutAndThreeWithHiddenBiases()
    {
        var unit = RbmDemo.Machine(8, 3, 1);
        var scales = Precision.LogGrid(0.01, 0.5, 8);
        int reported = 0;
        var sweep = RbmDemo.Sweep(unit, scales, new RbmDeviationOptions(), new NeuralSpin.Reporting.SyncProgress<int>(d => reported = d));
        Assert.That(reported, Is.EqualTo(RbmDemo.WorkUnits(scales)));
        Assert.That(sweep.Scales, Is.EqualTo(scales).AsCollection);
        Assert.That(sweep.Zero[3].MaxAbsDeviation, Is.EqualTo(RbmDeviation.Compute(unit.WithHiddenBias(new double[3]).WithWeightScale(scales[3])).MaxAbsDeviation));
        Assert.That(sweep.Biased[3].MaxAbsDeviation, Is.EqualTo(RbmDeviation.Compute(unit.WithWeightScale(scales[3])).MaxAbsDeviation));
        Assert.That(sweep.SlopeZero.Exponent, Is.EqualTo(4).Within(0.1));
        Assert.That(sweep.SlopeBiased.Exponent, Is.EqualTo(3).Within(0.1));
        Assert.That(RbmDemo.ExpectedExponentWithoutHiddenBias, Is.EqualTo(4));
        Assert.That(RbmDemo.ExpectedExponentWithHiddenBias, Is.EqualTo(3));
        // the fit uses the small-scale half, points above the floor only
        Assert.That(sweep.SlopeZero.X, Is.SubsetOf(scales.Take(4)));
        Assert.That(sweep.SlopeZero.Y.All(y => y > RbmDemo.FitFloor), Is.True);
    }

    [Test]
    public void Sweep_DeviationsAtTheRoundingFloor_AreLeftOutOfTheFit()
    {
        // at scale 1e-5 the c = 0 deviation is ~ s^4 = 1e-20, far below the floor: no slope from fewer than two points
        var unit = RbmDemo.Machine(6, 2, 3);
        var sweep = RbmDemo.Sweep(unit, [1e-5, 2e-5, 4e-5, 8e-5]);
        Assert.That(sweep.Zero.All(r => r.MaxAbsDeviation <= RbmDemo.FitFloor), Is.True);
        Assert.That(double.IsNaN(sweep.SlopeZero.Exponent), Is.True);
        Assert.That(sweep.SlopeZero.X, Is.Empty);
    }
}
