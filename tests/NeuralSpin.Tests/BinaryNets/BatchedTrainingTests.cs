using NeuralSpin.Numerics;
using NUnit.Framework;
using NeuralSpin.BinaryNets;
using NeuralSpin.Training;
using static TorchSharp.torch;

namespace NeuralSpin.Tests.BinaryNets;

/// <summary>
/// LrNetTrainer.TrainMany (K LR-nets of P2 App. A trained in one batched computation), the batched accuracies of
/// binary networks, and the per-training selection of draws (P2 sec. II: the best draw of each training trial).
/// </summary>
[TestFixture, NonParallelizable]
public class BatchedTrainingTests
{
    static TrainingData _blobs = null!;

    [OneTimeSetUp]
    public void MakeData() => _blobs = Synthetic.Blobs(20, 10, 1000, 400, separation: 1.0, 777);

    static IEnumerable<TestCaseData> Architectures()
    {
        yield return new TestCaseData(new[] { 20, 15, 15, 10 }).SetArgDisplayNames("deep 20-15-15-10");
        yield return new TestCaseData(new[] { 20, 10 }).SetArgDisplayNames("shallow 20-10");
    }

    [TestCaseSource(nameof(Architectures))]
    public void TrainMany_OneNetwork_WithItsNoiseSeed_EqualsTrain(int[] widths)
    {
        // Same initial fields, data order, subset and noise stream; only the batched products (bmm vs matmul) may
        // round differently. Two epochs of Adam (20 steps at lr 0.05) keep float32 rounding differences ~1e-6; 1e-4
        // absolute on fields of size ~1-3 fails for any real difference (another noise draw or data order moves
        // fields by ~1e-2).
        var o = new LrNetTrainingOptions { Widths = widths, Epochs = 2, LearningRate = 0.05, BatchSize = 100, Seed = 31, TrainSubset = 900 };
        var single = LrNetTrainer.Train(_blobs, o);
        var many = LrNetTrainer.TrainMany(_blobs, o, [31], Seeds.Stream(31, LrNetTrainer.NoiseStream));
        Assert.That(many, Has.Length.EqualTo(1));
        Assert.That(many[0].TrainCount, Is.EqualTo(900));
        for (int k = 0; k < widths.Length - 1; k++)
            Assert.That(many[0].Thetas[k], Is.EqualTo(single.Thetas[k]).Within(1e-4), $"layer {k}");
        Assert.That(many[0].Final.TestAccuracyMean, Is.EqualTo(single.Final.TestAccuracyMean).Within(1.0 / 400), "at most one test sample may flip");
        Assert.That(many[0].Final.TrainLoss, Is.EqualTo(single.Final.TrainLoss).Within(1e-4), "mean penalised loss of the last epoch");
    }

    [Test]
    public void TrainMany_ZeroEpochs_GivesEachSeedsInitialFields()
    {
        // The initial fields of network r are LrNet's N(0, s^2) draw for DeriveSeed(seeds[r], InitStream), exactly.
        var o = new LrNetTrainingOptions { Widths = [20, 15, 15, 10], Epochs = 0, InitStd = 0.7 };
        long[] seeds = [5, 6, 7];
        var many = LrNetTrainer.TrainMany(_blobs, o, seeds, 1);
        for (int r = 0; r < seeds.Length; r++)
        {
            using var net = new LrNet(o.Widths, Seeds.Stream(seeds[r], LrNetTrainer.InitStream), 0, 0.7);
            var init = net.GetThetas();
            for (int k = 0; k < 3; k++) Assert.That(many[r].Thetas[k], Is.EqualTo(init[k]), $"network {r}, layer {k}");
        }
        Assert.That(many[0].Thetas[0], Is.Not.EqualTo(many[1].Thetas[0]), "different seeds, different starts");
    }

    [Test]
    public void TrainMany_EveryNetworkLearns_AndNetworksDiffer()
    {
        // Blobs separated by ~6 noise standard deviations, 1000 training samples, 200 Adam steps: the four mean
        // networks reach 0.85-0.88 (measured; chance 0.1), untrained ones stay below 0.5. Every one of the batched
        // trainings must pass 0.8, so no network is left untrained or corrupted by the batching.
        var o = new LrNetTrainingOptions { Widths = [20, 15, 15, 10], Epochs = 10, LearningRate = 0.05, BatchSize = 50 };
        var many = LrNetTrainer.TrainMany(_blobs, o, [1, 2, 3, 4], 9);
        var untrained = LrNetTrainer.TrainMany(_blobs, o with { Epochs = 0 }, [1, 2, 3, 4], 9);
        TestContext.Out.WriteLine(string.Join("; ", many.Select(m => $"mean net {m.Final.TestAccuracyMean:F3}, sampled {m.Final.TestAccuracySampled:F3}")));
        foreach (var m in untrained) Assert.That(m.Final.TestAccuracyMean, Is.LessThan(0.5));
        foreach (var m in many) Assert.That(m.Final.TestAccuracyMean, Is.GreaterThan(0.8));
        Assert.That(many[1].Thetas[1], Is.Not.EqualTo(many[0].Thetas[1]));
    }

    [TestCaseSource(nameof(Architectures))]
    public void Accuracies_Batched_EqualOneByOne(int[] widths)
    {
        // The same sums of +-x terms in another order: a test sample may flip only on a float32 near-tie of two
        // scores, so allow one sample in 400 (in practice they are equal).
        using var scope = NewDisposeScope();
        var vx = tensor(_blobs.TestX, [_blobs.TestCount, 20]);
        var vy = tensor(_blobs.TestY.Select(b => (long)b).ToArray());
        var thetas = Enumerable.Range(0, widths.Length - 1).Select(k => Enumerable.Range(0, widths[k] * widths[k + 1]).Select(i => (float)Math.Sin(i + k)).ToArray()).ToArray();
        var rng = new SplitMixRandom(3);
        var nets = Enumerable.Range(0, 37).Select(_ => BinaryNetwork.Sample(widths, thetas, ref rng)).ToArray();
        var batched = BinaryNetwork.Accuracies(nets, vx, vy, chunk: 8);
        var single = nets.Select(n => n.Accuracy(vx, vy)).ToArray();
        Assert.That(batched, Is.EqualTo(single).Within(1.0 / 400));
        Assert.That(single.Distinct().Count(), Is.GreaterThan(5), "the draws differ, so the comparison is not trivial");
    }

    [Test]
    public void SelectKept_TopKAboveThreshold_TiesByLowerIndex_ReturnedAscending()
    {
        double[] acc = [0.70, 0.82, 0.81, 0.82, 0.79, 0.85, 0.80];
        Assert.That(EnsembleCollector.SelectKept(acc, 0.80, null), Is.EqualTo(new[] { 1, 2, 3, 5, 6 }), "all at or above the threshold");
        Assert.That(EnsembleCollector.SelectKept(acc, 0.80, 1), Is.EqualTo(new[] { 5 }), "the best draw (P2: the one of optimal accuracy)");
        Assert.That(EnsembleCollector.SelectKept(acc, 0.80, 2), Is.EqualTo(new[] { 1, 5 }), "0.85, then the first 0.82");
        Assert.That(EnsembleCollector.SelectKept(acc, 0.80, 3), Is.EqualTo(new[] { 1, 3, 5 }));
        Assert.That(EnsembleCollector.SelectKept(acc, 0.86, 1), Is.Empty, "the best draw below the threshold is not kept");
        Assert.That(EnsembleCollector.SelectKept(acc, double.NegativeInfinity, 10), Is.EqualTo(Enumerable.Range(0, 7)));
    }
}
