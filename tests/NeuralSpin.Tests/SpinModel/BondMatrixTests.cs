using NUnit.Framework;
using NeuralSpin.SpinModel;
using NeuralSpin.Tests.Support;

namespace NeuralSpin.Tests.SpinModel;

/// <summary>BondMatrix layout and ensemble (docs/theory.md section 1).</summary>
[TestFixture]
public class BondMatrixTests
{
    const int SampleSeed = 5501;

    [Test]
    public void FromLinearWeights_BlockIsTransposeOfPyTorchWeight()
    {
        // nn.Linear(2 -> 3): W is 3 x 2, J^(1) = W^T is 2 x 3; global indices: layer 0 = {0,1}, layer 1 = {2,3,4}.
        var w = new double[] { 1, 2, 3, 4, 5, 6 }; // rows (out) [1,2],[3,4],[5,6]
        var j = BondMatrix.FromLinearWeights(new[] { (3, 2, w) });
        Assert.That(j.Widths, Is.EqualTo(new[] { 2, 3 }));
        Assert.That(j.BlockCopy(1), Is.EqualTo(new double[] { 1, 3, 5, 2, 4, 6 }));
        var dense = j.ToDenseRowMajor();
        Assert.That(dense[0 * 5 + 3], Is.EqualTo(3.0), "J_{0,3} = W_{1,0}"); // out 1, in 0
        Assert.That(dense[3 * 5 + 0], Is.EqualTo(3.0), "symmetric");
        Assert.That(dense[0 * 5 + 1], Is.EqualTo(0.0), "no bonds inside a layer");
    }

    [Test]
    public void Sample_CouplingVariancesEstimateC()
    {
        // C_k = N_{k-1} mean (J^(k)_ij)^2 of N_{k-1} N_k draws of N(0, C/N_{k-1}): the estimate is C * chi^2_m / m with
        // m = N_{k-1} N_k, relative sd sqrt(2/m); 5 sd (false-failure rate ~6e-7 per block) of m = 200*150 is 4.1%.
        var j = BondMatrix.Sample(new[] { 200, 150, 100 }, new[] { 2.0, 0.5 }, new Random(SampleSeed));
        var c = j.CouplingVariances();
        NumericAssert.AreEqualRelative(2.0, c[0], 5 * Math.Sqrt(2.0 / (200 * 150)), "C_1");
        NumericAssert.AreEqualRelative(0.5, c[1], 5 * Math.Sqrt(2.0 / (150 * 100)), "C_2");
    }
}
