using NeuralSpin.Tests.Support;
using NUnit.Framework;
using NeuralSpin.Numerics;

namespace NeuralSpin.Tests.Numerics;

/// <summary>
/// The library's one generator and its seed derivation: SplitMix64 against its published reference outputs, and the
/// derivation formulas of <see cref="Seeds"/> against a transcription written here from their doc comments.
/// </summary>
public class SeedsTests
{

    [Test]
    public void Mix_GivesTheReferenceSplitMix64Outputs()
    {
        // the first three outputs of the reference splitmix64 generator seeded with state 0: Mix(k * 0x9E3779B97F4A7C15)
        ulong[] expected = [0xE220A8397B1DCDAFUL, 0x6E789E6AA1B965F4UL, 0x06C45D188009454FUL];
        for (int k = 0; k < 3; k++)
            Assert.That(SplitMixRandom.Mix(unchecked((ulong)(k + 1) * SplitMixRandom.Increment)), Is.EqualTo(expected[k]), $"output {k + 1}");
    }

    [Test]
    public void Generator_StartsFromMixOfTheSeed()
    {
        // state_0 = Mix(seed); output k = Mix(state_0 + k inc)
        var g = new SplitMixRandom(42);
        ulong s0 = ReferenceSplitMix.Mix(42);
        for (ulong k = 1; k <= 5; k++) Assert.That(g.NextUInt64(), Is.EqualTo(ReferenceSplitMix.Mix(unchecked(s0 + k * 0x9E3779B97F4A7C15UL))));
    }

    [TestCase(0L, 0L, 0L)]
    [TestCase(1L, 100L, -1L)]
    [TestCase(-7L, 2330L, 5L)]
    public void Derive_IsTheDocumentedComposition(long seed, long a, long b)
    {
        const ulong inc = 0x9E3779B97F4A7C15UL;
        ulong z = unchecked(ReferenceSplitMix.Mix(ReferenceSplitMix.Mix(ReferenceSplitMix.Mix((ulong)seed) + (ulong)a + inc) + (ulong)b + inc));
        Assert.That(Seeds.Derive(seed, a, b), Is.EqualTo(unchecked((long)z)));
    }

    [TestCase(1L, 1UL)]
    [TestCase(12345L, 1_000_007UL)]
    public void Stream_IsTheDocumentedComposition_AndNonNegative(long seed, ulong stream)
    {
        long expected = unchecked((long)(ReferenceSplitMix.Mix(ReferenceSplitMix.Mix((ulong)seed) ^ (stream * 0x9E3779B97F4A7C15UL)) >> 1));
        Assert.That(Seeds.Stream(seed, stream), Is.EqualTo(expected));
        Assert.That(Seeds.Stream(seed, stream), Is.GreaterThanOrEqualTo(0));
    }

    [Test]
    public void NextBelow_IsUniformAndInRange()
    {
        // 60,000 draws in 6 cells: chi^2 with 5 degrees of freedom; 20.5 is its 0.999 quantile (false alarm 1e-3)
        var g = new SplitMixRandom(9);
        var counts = new int[6];
        for (int i = 0; i < 60000; i++) counts[(int)g.NextBelow(6)]++;
        double chi2 = counts.Sum(c => (c - 10000.0) * (c - 10000.0) / 10000.0);
        Assert.That(chi2, Is.LessThan(20.5), string.Join(",", counts));
        Assert.Throws<ArgumentOutOfRangeException>(() => new SplitMixRandom(1).NextBelow(0));
    }
}
