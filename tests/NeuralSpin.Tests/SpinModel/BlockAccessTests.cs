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

/// <summary>Edges of the bond-matrix bookkeeping and factories that the products never reach (mutation-testing gaps).</summary>
[TestFixture]
public class BondMatrixEdgeTests
{
    /// <summary>Layer offsets are the running sums of the widths (0, 3, 7, 9 and N = 9 for 3-4-2); a sum past
    /// int.MaxValue throws OverflowException instead of wrapping to a negative spin index. (A network that large cannot be
    /// built in a test, so the offsets are checked by themselves.)</summary>
    [Test]
    public void Offsets_AreRunningSums_AndOverflowIsRefused()
    {
        var (offsets, size) = BondMatrix.Offsets([3, 4, 2]);
        Assert.That(offsets, Is.EqualTo(new[] { 0, 3, 7, 9 }));
        Assert.That(size, Is.EqualTo(9));
        Assert.Throws<OverflowException>(() => BondMatrix.Offsets([int.MaxValue, 1]));
        Assert.Throws<OverflowException>(() => BondMatrix.Offsets([int.MaxValue / 2 + 1, int.MaxValue / 2 + 1]));
    }

    /// <summary>All couplings zero: the Gram route gives N zeros and an error bound of exactly 0 (sigma = 0 with delta = 0
    /// contributes min(sqrt 0, 0 / 0) and must not turn the bound into NaN).</summary>
    [Test]
    public void Gram_OfZeroCouplings_IsZeroWithBoundZero([Values(false, true)] bool singlePrecision)
    {
        var j = BondMatrix.Sample([3, 2, 4], [0.0], new Random(1), singlePrecision);
        var (spectrum, bound) = j.SpectrumFromGram();
        Assert.That(spectrum, Has.Length.EqualTo(9).And.All.EqualTo(0.0));
        Assert.That(bound, Is.EqualTo(0.0));
    }

    /// <summary>Sample checks the generator first: a null generator is reported as such even when a C_k is also bad (no
    /// draw is made before the checks); one layer with two C given is refused for having one layer.</summary>
    [Test]
    public void Sample_ChecksTheGeneratorFirst_AndTheLayerCount()
    {
        var e = Assert.Throws<ArgumentNullException>(() => BondMatrix.Sample([2, 2], [-1.0], null!));
        Assert.That(e!.ParamName, Is.EqualTo("rng"));
        var one = Assert.Throws<ArgumentException>(() => BondMatrix.Sample([5], [1.0, 2.0], new Random(1)));
        Assert.That(one!.Message, Does.Contain("at least two layers"));
    }

    /// <summary>The SK sampler reports the spin count it refuses (the constructor's own check does not), and a null
    /// generator even for one spin, where no coupling is drawn.</summary>
    [Test]
    public void SherringtonKirkpatrick_ReportsTheRefusedSize_AndANullGeneratorForOneSpin()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => DenseCoupling.SherringtonKirkpatrick(-3, 1, new Random(1)));
        Assert.That(e!.ActualValue, Is.EqualTo(-3));
        Assert.That(Assert.Throws<ArgumentOutOfRangeException>(() => DenseCoupling.SherringtonKirkpatrick(0, 1, new Random(1)))!.ActualValue, Is.EqualTo(0));
        Assert.That(Assert.Throws<ArgumentNullException>(() => DenseCoupling.SherringtonKirkpatrick(1, 1, null!))!.ParamName, Is.EqualTo("rng"));
    }
}

/// <summary>The dense matrices written into caller memory equal the ones returned as arrays, bit for bit, whatever the
/// memory held before; the chi recurrence's kept buffers give every count the answer of a fresh recurrence.</summary>
[TestFixture]
public class DenseIntoBufferTests
{
    [Test]
    public void DenseJAndMatrixAt_IntoABuffer_EqualTheArrays([Values(false, true)] bool singlePrecision)
    {
        var j = BondMatrix.Sample([4, 3, 5, 2], [1.3], new Random(8), singlePrecision);
        int n = j.Size;
        var buffer = Enumerable.Repeat(double.NaN, n * n).ToArray();
        j.ToDenseRowMajor(buffer);
        Assert.That(buffer, Is.EqualTo(j.ToDenseRowMajor()));
        Assert.Throws<ArgumentException>(() => j.ToDenseRowMajor(new double[n * n - 1]));
        using var curve = new NeuralSpin.Tap.LambdaMinCurve(j);
        Array.Fill(buffer, 7.0);
        curve.WriteMatrixAt(0.8, buffer);
        Assert.That(buffer, Is.EqualTo(curve.MatrixAt(0.8)));
        Assert.Throws<ArgumentException>(() => curve.WriteMatrixAt(0.8, new double[n * n + 1]));
    }

    /// <summary>Counts at a grid of (beta, shift) on one recurrence, sequentially and from four threads at once, equal those
    /// of a fresh recurrence per count (each count either reuses the kept buffers or takes its own).</summary>
    [Test]
    public void ChiRecurrence_KeptBuffers_GiveTheFreshAnswers()
    {
        var j = BondMatrix.Sample([30, 20, 25, 5], [2.0], new Random(9));
        var grid = (from b in new[] { 0.2, 0.45, 0.7, 1.1 } from s in new[] { -0.5, 0.0, 0.05, 0.3 } select (b, s)).ToArray();
        var fresh = grid.Select(g => { using var c = new NeuralSpin.Tap.ChiRecurrence(j); return c.IsPositiveDefinite(g.b, g.s); }).ToArray();
        Assert.That(fresh, Does.Contain(true).And.Contain(false), "the grid has both answers");
        using var chi = new NeuralSpin.Tap.ChiRecurrence(j);
        Assert.That(grid.Select(g => chi.IsPositiveDefinite(g.b, g.s)).ToArray(), Is.EqualTo(fresh), "sequential");
        var parallel = new bool[grid.Length];
        Parallel.For(0, grid.Length, new ParallelOptions { MaxDegreeOfParallelism = 4 }, i => parallel[i] = chi.IsPositiveDefinite(grid[i].b, grid[i].s));
        Assert.That(parallel, Is.EqualTo(fresh), "four threads");
    }
}
