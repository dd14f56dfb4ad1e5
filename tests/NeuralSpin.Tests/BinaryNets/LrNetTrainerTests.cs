using NeuralSpin.Numerics;
using NUnit.Framework;
using NeuralSpin.BinaryNets;
using NeuralSpin.Training;
using static TorchSharp.torch;

namespace NeuralSpin.Tests.BinaryNets;

[TestFixture, NonParallelizable]
public class LrNetTrainerTests
{
    const long DataSeed = 4242, RunSeed = 99;
    static TrainingData _blobs = null!;

    [OneTimeSetUp]
    public void MakeData() => _blobs = Synthetic.Blobs(20, 10, 3000, 1000, separation: 1.0, DataSeed);

    static IEnumerable<TestCaseData> Architectures()
    {
        yield return new TestCaseData(new[] { 20, 15, 15, 10 }).SetArgDisplayNames("deep 20-15-15-10");
        yield return new TestCaseData(new[] { 20, 10 }).SetArgDisplayNames("shallow 20-10");
    }

    [TestCaseSource(nameof(Architectures))]
    public void Training_OnSeparableBlobs_ReachesHighAccuracy_AndSampledNetworksAgree(int[] widths)
    {
        // 10 Gaussian blobs in 20 d, centres +-1 per coordinate (pairwise distance ~ 2 sqrt(10) ~ 6.3
        // noise standard deviations): a linear rule with sign weights classifies them almost perfectly.
        var o = new LrNetTrainingOptions { Widths = widths, Epochs = 15, LearningRate = 0.05, L2 = 1e-4, BatchSize = 100, Seed = RunSeed };
        var r = LrNetTrainer.Train(_blobs, o);
        TestContext.Out.WriteLine($"{string.Join("-", widths)}: {r.Elapsed.TotalSeconds:F2} s; " +
            string.Join("; ", r.History.Select(h => $"ep {h.Epoch} loss {h.TrainLoss:F3} train {h.TrainAccuracy:F3} test mean {h.TestAccuracyMean:F3} sampled {h.TestAccuracySampled:F3}")));
        Assert.That(r.History[0].TestAccuracyMean, Is.LessThan(0.5), "random fields are far from the solution");
        Assert.That(r.Final.TestAccuracyMean, Is.GreaterThan(0.9), "mean network");
        Assert.That(r.Final.TestAccuracySampled, Is.GreaterThan(0.85), "noisy LR-net forward");

        // Networks drawn from the trained fields: their mean accuracy is what the noisy forward
        // estimates (per input, the sampled pre-activations have mean G and variance Delta exactly;
        // the Gaussian form is the CLT over 10-20 inputs). 40 draws: the mean over draws has a
        // standard error below 0.01; the tolerance 0.05 also covers the CLT error.
        using var scope = NewDisposeScope();
        var vx = tensor(_blobs.TestX, [_blobs.TestCount, 20]);
        var vy = tensor(_blobs.TestY.Select(b => (long)b).ToArray());
        var rng = new SplitMixRandom(RunSeed);
        var accs = Enumerable.Range(0, 40).Select(_ => BinaryNetwork.Sample(widths, r.Thetas, ref rng).Accuracy(vx, vy)).ToArray();
        TestContext.Out.WriteLine($"sampled binary networks: mean {accs.Average():F4}, min {accs.Min():F4}, max {accs.Max():F4}");
        Assert.That(accs.Average(), Is.EqualTo(r.Final.TestAccuracySampled).Within(0.05));
        Assert.That(accs.Average(), Is.GreaterThan(0.85));
    }

    [Test]
    public void Training_IsReproducible_AndSubsetIsUsed()
    {
        var o = new LrNetTrainingOptions { Widths = [20, 10], Epochs = 2, Seed = RunSeed, TrainSubset = 100 };
        var a = LrNetTrainer.Train(_blobs, o);
        var b = LrNetTrainer.Train(_blobs, o with { EvaluateEveryEpoch = false });
        Assert.That(a.TrainCount, Is.EqualTo(100));
        Assert.That(b.Thetas[0], Is.EqualTo(a.Thetas[0]), "evaluation does not perturb training");
        Assert.That(a.History, Has.Count.EqualTo(3));
        Assert.That(b.History, Has.Count.EqualTo(2));
        var c = LrNetTrainer.Train(_blobs, o with { Seed = RunSeed + 1 });
        Assert.That(c.Thetas[0], Is.Not.EqualTo(a.Thetas[0]));
    }
}
