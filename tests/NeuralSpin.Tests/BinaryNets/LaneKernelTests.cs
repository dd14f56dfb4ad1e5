using NeuralSpin.BinaryNets;
using NeuralSpin.Numerics;
using NeuralSpin.Training;
using NUnit.Framework;
using System.Runtime.Intrinsics;
using TorchSharp;
using static TorchSharp.torch;

namespace NeuralSpin.Tests.BinaryNets;

/// <summary>
/// LrNetLaneTrainer, the lane kernel of ensemble collection (docs/theory.md section 7, "Many trainings at once"):
/// lanes never interact (a network's bits do not depend on its group, lane, thread count or lane width), the kernel
/// follows the scheme of LrNetBatchTrainer (equal to float tolerance after dozens of steps), and its hand-written
/// gradient equals libtorch's autograd.
/// </summary>
[TestFixture, NonParallelizable]
public class LaneKernelTests
{
    static TrainingData _blobs = null!;

    [OneTimeSetUp]
    public void MakeData() => _blobs = Synthetic.Blobs(20, 10, 1000, 400, separation: 1.0, 777);

    static IEnumerable<TestCaseData> Architectures()
    {
        yield return new TestCaseData(new[] { 20, 15, 15, 10 }).SetArgDisplayNames("deep 20-15-15-10");
        yield return new TestCaseData(new[] { 20, 10 }).SetArgDisplayNames("shallow 20-10");
    }

    // As BatchKernelTests: two epochs of Adam at lr 0.05, 18 steps of 50 per epoch on a 900-sample subset, 36 steps
    // and 9 noise blocks; here with a partial last batch too (TrainSubset 890: 17 steps of 50 and one of 40).
    static LrNetTrainingOptions Options(int[] widths) =>
        new() { Widths = widths, Epochs = 2, LearningRate = 0.05, BatchSize = 50, TrainSubset = 890 };

    static void AssertSameBits(BatchedTraining a, BatchedTraining b, string what)
    {
        Assert.That(a.Thetas.Length, Is.EqualTo(b.Thetas.Length));
        for (int k = 0; k < a.Thetas.Length; k++)
            Assert.That(a.Thetas[k].Select(BitConverter.SingleToInt32Bits), Is.EqualTo(b.Thetas[k].Select(BitConverter.SingleToInt32Bits)), $"{what}: layer {k}");
        Assert.That(BitConverter.DoubleToInt64Bits(a.TrainLoss), Is.EqualTo(BitConverter.DoubleToInt64Bits(b.TrainLoss)), $"{what}: loss");
        Assert.That(a.TestAccuracyMean, Is.EqualTo(b.TestAccuracyMean), $"{what}: accuracy");
    }

    [Test]
    public void Tanh_IsWithinAFewFloatUlpsOfMathTanh()
    {
        // the series (|x| < 0.55, truncated 5e-9 relative) and (1 - e)/(1 + e) (no cancellation) each cost a few roundings;
        // the float ulp of values in [0.5, 1) is 6e-8, so 3e-7 absolute (about five ulp near +-1) and 5 ulp relative for
        // small arguments bound them; both sides of the switch at 0.55 and tiny arguments are among the points.
        var xs = new List<float>();
        for (int i = -200_000; i <= 200_000; i++) xs.Add(i * 1e-4f);
        for (int i = 1; i < 2000; i++) { xs.Add(i * 1e-7f); xs.Add(-i * 3e-7f); }
        xs.AddRange([30f, -30f, 1e30f, -1e30f, 0f]);
        while (xs.Count % 16 != 0) xs.Add(0f);
        var values = xs.ToArray();
        var got = new float[values.Length];
        for (int i = 0; i < values.Length; i += 16)
        {
            var v = LaneMath<Vector512<float>, Lanes512>.Tanh(Vector512.LoadUnsafe(ref values[i]));
            v.StoreUnsafe(ref got[i]);
        }
        for (int i = 0; i < values.Length; i++)
        {
            double exact = Math.Tanh(values[i]);
            Assert.That(got[i], Is.EqualTo(exact).Within(Math.Max(3e-7, 5 * 1.2e-7 * Math.Abs(exact))), $"tanh({values[i]})");
            Assert.That(Math.Abs(got[i]), Is.LessThanOrEqualTo(1f));
        }
    }

    [Test]
    public void Exp_IsWithinTwoFloatUlpsOfMathExp()
    {
        // The kernel's arguments are z - max (softmax) and -2|x| (tanh), all <= 0; a sweep of [-87.3, 5] in steps of
        // 1e-4 and the ends. The reduction is exact to a float ulp of r and the Taylor series truncates at 8e-9 relative, so
        // the error is the Horner rounding and the final scaling: two ulp (measured maximum printed). Below -87.3 the
        // result is 0 (the exact value would be subnormal), and 0 at x = 0 gives exactly 1.
        var xs = new List<float>();
        for (int i = -873_000; i <= 50_000; i++) xs.Add(i * 1e-4f);
        xs.AddRange([0f, -0f, -87.29f, -88f, -100f, -1e30f, float.NegativeInfinity, 1e-30f, -1e-30f]);
        while (xs.Count % 16 != 0) xs.Add(0f);
        var values = xs.ToArray();
        var got = new float[values.Length];
        for (int i = 0; i < values.Length; i += 16)
            LaneMath<Vector512<float>, Lanes512>.Exp(Vector512.LoadUnsafe(ref values[i])).StoreUnsafe(ref got[i]);
        double worst = 0;
        for (int i = 0; i < values.Length; i++)
        {
            if (values[i] < -87.3f) { Assert.That(got[i], Is.EqualTo(0f), $"exp({values[i]})"); continue; }
            double exact = Math.Exp(values[i]);
            float a = (float)exact;
            double ulp = MathF.BitIncrement(a) - a;
            worst = Math.Max(worst, Math.Abs(got[i] - exact) / ulp);
        }
        TestContext.Out.WriteLine($"exp: worst {worst:F2} ulp");
        Assert.That(worst, Is.LessThanOrEqualTo(2.0));
        Assert.That(got[Array.IndexOf(values, 0f)], Is.EqualTo(1f));
    }

    [TestCaseSource(nameof(Architectures))]
    public void ANetwork_HasTheSameBitsInAnyGroupLaneOrThreadCount(int[] widths)
    {
        // Lanes never exchange values: network r's fields, loss and accuracy depend on its seed and the order seed only.
        var o = Options(widths);
        long order = LrNetBatchTrainer.SharedOrderSeed(5);
        var seeds = Enumerable.Range(0, 21).Select(i => 1000L + 7 * i).ToArray(); // one full group of 16 and a partial one (or three groups of 8)
        var all = LrNetLaneTrainer.Train(_blobs, o, seeds, order, maxDegreeOfParallelism: 2);
        var oneThread = LrNetLaneTrainer.Train(_blobs, o, seeds, order, maxDegreeOfParallelism: 1);
        for (int r = 0; r < seeds.Length; r++) AssertSameBits(all[r], oneThread[r], $"network {r}, 1 vs 2 threads");
        // network 3 alone (lane 0 of a padded group), network 17 and 3 (lanes swapped, 3 now in lane 1)
        AssertSameBits(all[3], LrNetLaneTrainer.Train(_blobs, o, [seeds[3]], order)[0], "network 3 alone");
        var pair = LrNetLaneTrainer.Train(_blobs, o, [seeds[17], seeds[3]], order);
        AssertSameBits(all[17], pair[0], "network 17 in lane 0");
        AssertSameBits(all[3], pair[1], "network 3 in lane 1");
        Assert.That(all[0].Thetas[0], Is.Not.EqualTo(all[1].Thetas[0]).Within(1e-2), "different seeds train differently");
    }

    [TestCaseSource(nameof(Architectures))]
    public void LaneWidths8And16_GiveTheSameBits(int[] widths)
    {
        // The same lane-wise operations on 256- and 512-bit vectors: identical per-lane results (the fallback path).
        if (!Vector512.IsHardwareAccelerated) Assert.Ignore("512-bit vectors are not accelerated on this machine");
        var o = Options(widths) with { Epochs = 1 };
        long order = LrNetBatchTrainer.SharedOrderSeed(6);
        long[] seeds = [11, 12, 13, 14, 15, 16, 17, 18, 19, 20];
        var wide = LrNetLaneTrainer.Train(_blobs, o, seeds, order, null, 16, default);
        var narrow = LrNetLaneTrainer.Train(_blobs, o, seeds, order, null, 8, default);
        for (int r = 0; r < seeds.Length; r++) AssertSameBits(wide[r], narrow[r], $"network {r}");
    }

    static IEnumerable<TestCaseData> ArchitecturesAndSubsets()
    {
        yield return new TestCaseData(new[] { 20, 15, 15, 10 }, 890).SetArgDisplayNames("deep 20-15-15-10, subset of 890");
        yield return new TestCaseData(new[] { 20, 10 }, 890).SetArgDisplayNames("shallow 20-10, subset of 890");
        // the whole training set: the lane kernel reads the epoch's permuted copy of the data instead of the subsets
        yield return new TestCaseData(new[] { 20, 15, 15, 10 }, null).SetArgDisplayNames("deep 20-15-15-10, whole set");
    }

    [TestCaseSource(nameof(ArchitecturesAndSubsets))]
    public void LaneKernel_EqualsTheBatchedKernel(int[] widths, int? subset)
    {
        // Same scheme, different float32 arithmetic: LrNetBatchTrainer sums the products in libtorch's order with
        // libtorch's tanh/exp/log, the lane kernel in input order with fused multiply-adds and a rational tanh, so the
        // gradients differ by ~1e-7 relative at the first step. Adam's update is lr m / sqrt(v): a relative change of
        // ~1e-7 in g moves a field by ~lr 1e-7, but where |g| is tiny m / sqrt(v) amplifies it, and the training
        // feeds the difference back; over 36 steps the fields drift apart by ~1e-6 (measured here: max |difference|
        // 1.5e-6 deep, 1.2e-6 shallow over all fields). A different noise draw, offset, sample or Adam formula moves
        // fields by ~1e-2 after one step, so 1e-4 absolute (30x the measured drift, 100x below a mismatch) separates
        // agreement from a scheme mismatch.
        var o = Options(widths) with { TrainSubset = subset };
        long order = LrNetBatchTrainer.SharedOrderSeed(9);
        long[] seeds = [101, 102, 103, 104, 105];
        var lanes = LrNetLaneTrainer.Train(_blobs, o, seeds, order);
        var batched = LrNetBatchTrainer.Train(_blobs, o, seeds, order);
        double maxDiff = 0;
        for (int r = 0; r < seeds.Length; r++)
        {
            for (int k = 0; k < widths.Length - 1; k++)
            {
                Assert.That(lanes[r].Thetas[k], Is.EqualTo(batched[r].Thetas[k]).Within(1e-4), $"network {r}, layer {k}");
                for (int e = 0; e < lanes[r].Thetas[k].Length; e++) maxDiff = Math.Max(maxDiff, Math.Abs(lanes[r].Thetas[k][e] - batched[r].Thetas[k][e]));
            }
            // the loss: a mean of 36 x 50 cross-entropies, each within ~1e-6 of the other kernel's
            Assert.That(lanes[r].TrainLoss, Is.EqualTo(batched[r].TrainLoss).Within(1e-4), $"network {r}: loss");
            // a test sample whose two largest scores lie within the fields' difference may flip: at most one of 400
            Assert.That(lanes[r].TestAccuracyMean, Is.EqualTo(batched[r].TestAccuracyMean).Within(1.0 / 400 + 1e-12), $"network {r}: accuracy");
            Assert.That(lanes[r].TrainCount, Is.EqualTo(batched[r].TrainCount));
            Assert.That(lanes[r].TrainCount, Is.EqualTo(subset ?? _blobs.TrainCount));
        }
        TestContext.Out.WriteLine($"max |theta_lanes - theta_batched| = {maxDiff:E2}");
    }

    [TestCaseSource(nameof(Architectures))]
    public void FirstStepGradient_EqualsAutograd(int[] widths)
    {
        // The hand-written gradient of the first step's penalised loss (mean cross-entropy + lambda sum theta^2) against
        // libtorch's autograd on the same batch and noise. Both are float32 sums of at most 50 x 20 terms with
        // different summation order: relative differences ~1e-6 of the gradient's scale; 1e-5 of the largest component
        // per layer (plus 1e-7 absolute for layers whose gradient is near zero) bounds the rounding, while a wrong
        // term (a factor of 2, a missing chain factor) changes components by their own size.
        var o = Options(widths) with { L2 = 1e-2 };
        long order = LrNetBatchTrainer.SharedOrderSeed(4);
        long[] seeds = [31, 32, 33];
        var lanes = LrNetLaneTrainer.FirstStepGradients(_blobs, o, seeds, order);
        for (int r = 0; r < seeds.Length; r++)
        {
            var reference = AutogradFirstStep(_blobs, o, seeds[r], order);
            for (int k = 0; k < widths.Length - 1; k++)
            {
                double scale = reference[k].Max(Math.Abs);
                Assert.That(scale, Is.GreaterThan(1e-4), "a layer with a gradient to compare");
                Assert.That(lanes[r][k], Is.EqualTo(reference[k]).Within(1e-5 * scale + 1e-7), $"network {r}, layer {k}");
            }
        }
    }

    [TestCaseSource(nameof(Architectures))]
    public void LaneDraws_GiveTheCorrectCountsOfLibtorchProducts_Exactly(int[] widths)
    {
        // Binary weights make every product +-a exact, so both computations are float sums of the same terms; libtorch's
        // float32 products accumulate over the inner index in order, as LaneDraws does, so the scores, argmaxes and
        // correct counts agree exactly (integer counts over 4000 test points; any difference fails). Draws from
        // trained fields (polarised, near-tied scores are common) and uniformly random networks, more than one group
        // of lanes with a partial last one.
        var data = Synthetic.Blobs(20, 10, 1000, 4000, separation: 1.0, 778);
        var o = Options(widths) with { Epochs = 1 };
        var trained = LrNetLaneTrainer.Train(data, o, [5, 6, 7], LrNetBatchTrainer.SharedOrderSeed(1));
        var nets = new List<BinaryNetwork>();
        for (int r = 0; r < trained.Length; r++)
        {
            var rng = new SplitMixRandom(Seeds.Stream(r + 50, 9));
            for (int j = 0; j < 30; j++) nets.Add(BinaryNetwork.Sample(widths, trained[r].Thetas, ref rng));
        }
        var flat = new SplitMixRandom(99);
        var zeros = Enumerable.Range(0, widths.Length - 1).Select(k => new float[widths[k] * widths[k + 1]]).ToArray();
        for (int j = 0; j < 21; j++) nets.Add(BinaryNetwork.Sample(widths, zeros, ref flat));
        using var vx = torch.tensor(data.TestX, [data.TestCount, data.InputDim]);
        using var vy = torch.tensor(data.TestY.Select(b => (long)b).ToArray());
        var reference = BinaryNetwork.Accuracies(nets, vx, vy);
        var lanes = LaneDraws.Accuracies(nets, data.TestX, data.TestY);
        Assert.That(lanes, Is.EqualTo(reference));
        Assert.That(LaneDraws.Accuracies(nets, data.TestX, data.TestY, maxDegreeOfParallelism: 1), Is.EqualTo(lanes));
        Assert.That(reference.Distinct().Count(), Is.GreaterThan(10), "the draws differ");
    }

    /// <summary>The first step of network <paramref name="seed"/> under the scheme of docs/theory.md section 7, with LrNet's moments, autograd and the noise of <see cref="NoiseReference"/>.</summary>
    static float[][] AutogradFirstStep(TrainingData data, LrNetTrainingOptions o, long seed, long orderSeed)
    {
        int layers = o.Widths.Count - 1, d = data.InputDim, b = o.BatchSize;
        int units = o.Widths.Skip(1).Sum();
        var subset = DataOrder.Permutation(Seeds.Stream(seed, 4), 0, data.TrainCount).Take(o.TrainSubset!.Value).Order().ToArray();
        int n = subset.Length;
        using var net = new LrNet(o.Widths, Seeds.Stream(seed, 1), 0, o.InitStd);
        var offsets = new SplitMixRandom(Seeds.Stream(seed, 3));
        var pi = DataOrder.Permutation(orderSeed, 0, n);
        int off = (int)offsets.NextBelow((ulong)n);
        using var scope = NewDisposeScope();
        int m = Math.Min(b, n);
        var rows = Enumerable.Range(0, m).Select(i => subset[pi[(off + i) % n]]).ToArray();
        var x = torch.tensor(rows.SelectMany(r => data.TrainX.Skip(r * d).Take(d)).ToArray(), [m, d]);
        var y = torch.tensor(rows.Select(r => (long)data.TrainY[r]).ToArray());
        var eps = torch.tensor(NoiseReference.Step(seed, 0, b * units), [b, units]).narrow(0, 0, m);
        Tensor a = x;
        long u0 = 0;
        for (int k = 0; k < layers; k++)
        {
            var (g, delta) = net.Moments(k, a);
            var z = g + (delta + LrNet.DeltaFloor).sqrt() * eps.narrow(1, u0, o.Widths[k + 1]);
            u0 += o.Widths[k + 1];
            a = k + 1 < layers ? LrNet.LeakyRelu(z) : z;
        }
        var loss = nn.functional.cross_entropy(a, y);
        for (int k = 0; k < layers; k++) loss = loss + net.Theta(k).square().sum() * o.L2;
        loss.backward();
        return Enumerable.Range(0, layers).Select(k => net.Theta(k).grad!.contiguous().data<float>().ToArray()).ToArray();
    }
}
