using NUnit.Framework;
using NeuralSpin.SpinModel;

namespace NeuralSpin.Tests.SpinModel;

/// <summary>The block bookkeeping of <see cref="BondMatrix"/> against hand counts: the weight count W = sum_k N_{k-1} N_k,
/// the bytes of the stored blocks (4 or 8 per weight) and the allocation-free block copy.</summary>
[TestFixture]
public class BlockAccessTests
{
    /// <summary>Widths 3-4-2-5: W = 12 + 8 + 10 = 30 weights, 240 bytes in float64 and 120 in float32.</summary>
    [Test]
    public void WeightCountAndBlockBytes_AreTheHandCounts([Values(false, true)] bool singlePrecision)
    {
        var j = BondMatrix.Sample([3, 4, 2, 5], [1.0], new Random(3), singlePrecision);
        Assert.That(j.WeightCount, Is.EqualTo(30));
        Assert.That(j.BlockBytes, Is.EqualTo(singlePrecision ? 120 : 240));
    }

    /// <summary>CopyBlockTo writes block k exactly (as BlockCopy gives it) into the start of a longer span, leaves the rest,
    /// and refuses a span shorter than the block with the destination named.</summary>
    [Test]
    public void CopyBlockTo_WritesTheBlockAndRefusesAShortDestination([Values(false, true)] bool singlePrecision)
    {
        var j = BondMatrix.Sample([3, 4, 2, 5], [1.0], new Random(4), singlePrecision);
        for (int k = 1; k <= j.BlockCount; k++)
        {
            var expected = j.BlockCopy(k);
            var destination = Enumerable.Repeat(7.5, expected.Length + 3).ToArray();
            j.CopyBlockTo(k, destination);
            Assert.That(destination.Take(expected.Length), Is.EqualTo(expected), $"block {k}");
            Assert.That(destination.Skip(expected.Length), Is.All.EqualTo(7.5), $"block {k}: the rest untouched");
            var e = Assert.Throws<ArgumentException>(() => j.CopyBlockTo(k, new double[expected.Length - 1]));
            Assert.That(e!.ParamName, Is.EqualTo("destination"));
        }
        Assert.Throws<ArgumentOutOfRangeException>(() => j.CopyBlockTo(0, new double[100]));
        Assert.Throws<ArgumentOutOfRangeException>(() => j.CopyBlockTo(4, new double[100]));
    }

    /// <summary>The one-pass product refuses an input or an output of the wrong length, each on its own (the other one
    /// right), and an output on top of its input.</summary>
    [Test]
    public void OnePassProduct_RefusesAWrongLengthOnEitherSide()
    {
        var j = BondMatrix.Sample([3, 4, 2], [1.0], new Random(5));
        int n = j.Size;
        Assert.Throws<ArgumentException>(() => j.MultiplyOnePass(new double[n - 1], new double[n]), "short input");
        Assert.Throws<ArgumentException>(() => j.MultiplyOnePass(new double[n], new double[n + 1]), "long output");
        var v = new double[n];
        Assert.Throws<ArgumentException>(() => j.MultiplyOnePass(v, v), "output on the input");
    }
}
