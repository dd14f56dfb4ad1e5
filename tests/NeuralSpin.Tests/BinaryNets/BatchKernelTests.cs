using NeuralSpin.BinaryNets;
using NeuralSpin.Numerics;
using NeuralSpin.Training;
using NUnit.Framework;
using TorchSharp;
using static TorchSharp.torch;

namespace NeuralSpin.Tests.BinaryNets;

/// <summary>
/// LrNetBatchTrainer, the batched ensemble kernel (docs/theory.md section 7, "Many trainings at once"): a network
/// trained in a batch equals its training alone, and both equal a slow one-network reference written here from the
/// documented scheme (shared permutation rotated by a per-network offset, the counter-based noise stream of each step).
/// </summary>
[TestFixture, NonParallelizable]
public class BatchKernelTests
{
    static TrainingData _blobs = null!;

    [OneTimeSetUp]
    public void MakeData() => _blobs = Synthetic.Blobs(20, 10, 1000, 400, separation: 1.0, 777);

    static IEnumerable<TestCaseData> Architectures()
    {
        yield return new TestCaseData(new[] { 20, 15, 15, 10 }).SetArgDisplayNames("deep 20-15-15-10");
        yield return new TestCaseData(new[] { 20, 10 }).SetArgDisplayNames("shallow 20-10");
    }

    // Two epochs of Adam at lr 0.05 (18 steps of 50 on a 900-sample subset, the last batch of each epoch 0 samples
    // short: 900 = 18 x 50 exactly, so 2 x 18 = 36 steps, each with its own noise counters). Float32 rounding of the batched
    // vs single products differs by ~1e-7 per step and Adam's normalised steps keep it ~1e-5 after 36 steps; another
    // noise draw, offset or sample moves the fields by ~1e-2, so 1e-3 absolute separates the two cases.
    static LrNetTrainingOptions Options(int[] widths) =>
        new() { Widths = widths, Epochs = 2, LearningRate = 0.05, BatchSize = 50, TrainSubset = 900 };

    [TestCaseSource(nameof(Architectures))]
    public void SingleTraining_EqualsTheSameSeedInABatch(int[] widths)
    {
        var o = Options(widths);
        long[] seeds = [101, 102, 103, 104, 105];
        long order = LrNetBatchTrainer.SharedOrderSeed(9);
        var batch = LrNetBatchTrainer.Train(_blobs, o, seeds, order);
        for (int r = 0; r < seeds.Length; r += 2)
        {
            var alone = LrNetBatchTrainer.Train(_blobs, o, [seeds[r]], order)[0];
            for (int k = 0; k < widths.Length - 1; k++)
                Assert.That(batch[r].Thetas[k], Is.EqualTo(alone.Thetas[k]).Within(1e-3), $"network {r}, layer {k}");
            Assert.That(batch[r].TestAccuracyMean, Is.EqualTo(alone.TestAccuracyMean).Within(1.0 / 400), "at most one test sample may flip");
            Assert.That(batch[r].TrainLoss, Is.EqualTo(alone.TrainLoss).Within(1e-4));
        }
        Assert.That(batch[0].Thetas[0], Is.Not.EqualTo(batch[1].Thetas[0]).Within(1e-2), "different seeds train differently");
    }

    [TestCaseSource(nameof(Architectures))]
    public void BatchedTraining_EqualsSlowReferenceOfTheDocumentedScheme(int[] widths)
    {
        var o = Options(widths);
        long seed = 4242, order = LrNetBatchTrainer.SharedOrderSeed(3);
        var batched = LrNetBatchTrainer.Train(_blobs, o, [17, seed, 99], order)[1];
        var reference = Reference(_blobs, o, seed, order);
        for (int k = 0; k < widths.Length - 1; k++)
            Assert.That(batched.Thetas[k], Is.EqualTo(reference[k]).Within(1e-3), $"layer {k}");
    }

    [Test]
    public void EveryNetworkLearns()
    {
        // As for TrainMany: blobs 6 noise standard deviations apart, 1000 samples, 200 Adam steps; trained mean
        // networks reach ~0.85 (chance 0.1). Each of six batched trainings must pass 0.8.
        var o = new LrNetTrainingOptions { Widths = [20, 15, 15, 10], Epochs = 10, LearningRate = 0.05, BatchSize = 50 };
        var many = LrNetBatchTrainer.Train(_blobs, o, [1, 2, 3, 4, 5, 6], LrNetBatchTrainer.SharedOrderSeed(0));
        var untrained = LrNetBatchTrainer.Train(_blobs, o with { Epochs = 0 }, [1, 2, 3, 4, 5, 6], LrNetBatchTrainer.SharedOrderSeed(0));
        foreach (var m in untrained) Assert.That(m.TestAccuracyMean, Is.LessThan(0.5));
        foreach (var m in many) Assert.That(m.TestAccuracyMean, Is.GreaterThan(0.8));
        Assert.That(untrained.All(m => double.IsNaN(m.TrainLoss)), "no step, no loss");
    }

    /// <summary>
    /// One network, one step at a time, with LrNet's single-network moments (matmul, not bmm), torch's Adam on
    /// three separate parameters and the noise of <see cref="NoiseReference"/> (scalar Philox, Box-Muller in double): the
    /// scheme of docs/theory.md section 7 written out independently.
    /// </summary>
    static float[][] Reference(TrainingData data, LrNetTrainingOptions o, long seed, long orderSeed)
    {
        int layers = o.Widths.Count - 1, d = data.InputDim, b = o.BatchSize;
        int units = o.Widths.Skip(1).Sum();
        // the subset: the first TrainSubset entries of the permutation of stream 4, sorted
        var subset = DataOrder.Permutation(Seeds.Stream(seed, 4), 0, data.TrainCount).Take(o.TrainSubset!.Value).Order().ToArray();
        int n = subset.Length;
        using var net = new LrNet(o.Widths, Seeds.Stream(seed, 1), 0, o.InitStd);
        var offsets = new SplitMixRandom(Seeds.Stream(seed, 3));
        using var adam = optim.Adam(net.parameters(), o.LearningRate);
        long step = 0;
        for (int e = 0; e < o.Epochs; e++)
        {
            var pi = DataOrder.Permutation(orderSeed, e, n);
            int off = (int)offsets.NextBelow((ulong)n);
            for (int b0 = 0; b0 < n; b0 += b, step++)
            {
                using var scope = NewDisposeScope();
                int m = Math.Min(b, n - b0);
                var rows = Enumerable.Range(0, m).Select(i => subset[pi[(off + b0 + i) % n]]).ToArray();
                var x = torch.tensor(rows.SelectMany(r => data.TrainX.Skip(r * d).Take(d)).ToArray(), [m, d]);
                var y = torch.tensor(rows.Select(r => (long)data.TrainY[r]).ToArray());
                var eps = torch.tensor(NoiseReference.Step(seed, step, b * units), [b, units]).narrow(0, 0, m);
                adam.zero_grad();
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
                adam.step();
            }
        }
        return net.GetThetas();
    }
}
