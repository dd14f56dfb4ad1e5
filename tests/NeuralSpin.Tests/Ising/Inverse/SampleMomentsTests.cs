using NeuralSpin.Ising.Inverse;
using NeuralSpin.Tests.Support;
using NUnit.Framework;

namespace NeuralSpin.Tests.Ising.Inverse;

public class SampleMomentsTests
{
    const int DataSeed = 101;

    [TestCase(1, 3)]
    [TestCase(63, 7)]
    [TestCase(64, 5)]
    [TestCase(1000, 13)]
    public void Moments_EqualNaiveLoops(int samples, int n)
    {
        var rng = new Random(DataSeed);
        var x = new sbyte[samples * n];
        for (int k = 0; k < x.Length; k++) x[k] = (sbyte)(rng.NextDouble() < 0.3 ? -1 : 1);
        var mom = SampleMoments.From(x, n);
        var m = new double[n];
        var c = new double[n * n];
        for (int mu = 0; mu < samples; mu++)
            for (int i = 0; i < n; i++)
            {
                m[i] += x[mu * n + i];
                for (int j = 0; j < n; j++) c[i * n + j] += x[mu * n + i] * x[mu * n + j];
            }
        for (int i = 0; i < n; i++) m[i] /= samples;
        for (int k = 0; k < c.Length; k++) c[k] /= samples;
        // counts are exact integers; the only rounding is one division (1 ulp-level), hence 1e-15
        Assert.That(mom.Samples, Is.EqualTo(samples));
        NumericAssert.AllEqual(m, mom.Magnetizations, 1e-15, 0, "m");
        NumericAssert.AllEqual(c, mom.Correlations, 1e-15, 0, "C");
        NumericAssert.AllEqual(ExactIsing.Connected(m, c), mom.Connected, 1e-15, 0, "connected C");
    }

    [Test]
    public void From_RejectsValuesOtherThanPlusMinusOne()
    {
        Assert.Throws<ArgumentException>(() => SampleMoments.From(new sbyte[] { 1, 0, -1, 1 }, 2));
        Assert.Throws<ArgumentException>(() => SampleMoments.From(new sbyte[] { 1, 1, -1 }, 2));
    }
}
