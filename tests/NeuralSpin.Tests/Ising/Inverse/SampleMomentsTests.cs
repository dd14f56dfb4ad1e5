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
    [TestCase(65, 4)]
    [TestCase(130, 3)]
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

    /// <summary>
    /// The configurations are packed into ceil(M / 64) 64-bit words per spin (the remark of <see cref="SampleMoments"/>):
    /// for M = 4096, N = 64 the packed bits take 64 x 64 x 8 = 32 KiB and the moment arrays 3 x 64^2 x 8 = 96 KiB, so
    /// the call allocates (on this thread) well under 1 MiB; a packing of, e.g., (M + 63) x 64 words per spin would
    /// take over 100 MiB. The bound leaves a factor 8 for the runtime's own allocations.
    /// </summary>
    [Test]
    public void From_PacksCeilMOver64WordsPerSpin()
    {
        const int samples = 4096, n = 64;
        var x = new sbyte[samples * n];
        var rng = new Random(DataSeed);
        for (int k = 0; k < x.Length; k++) x[k] = (sbyte)(rng.Next(2) == 0 ? -1 : 1);
        SampleMoments.From(x, n);
        long before = GC.GetAllocatedBytesForCurrentThread();
        SampleMoments.From(x, n);
        long used = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.That(used, Is.LessThan(1L << 20), "bytes allocated");
    }
}
