using NUnit.Framework;
using NeuralSpin.BinaryNets;
using NeuralSpin.Training;

namespace NeuralSpin.Tests.BinaryNets;

[TestFixture, NonParallelizable]
public class EnsembleTests
{
    string _dir = "";
    static TrainingData _blobs = null!;

    [OneTimeSetUp]
    public void MakeData() => _blobs = Synthetic.Blobs(20, 10, 600, 300, separation: 1.0, 31337);

    [SetUp]
    public void SetUp() => _dir = Directory.CreateTempSubdirectory("neuralspin-ensemble-").FullName;

    [TearDown]
    public void TearDown()
    {
        if (Directory.Exists(_dir)) Directory.Delete(_dir, true);
    }

    static EnsembleOptions Options(double threshold) => new()
    {
        Training = new LrNetTrainingOptions { Widths = [20, 15, 15, 10], Epochs = 10, LearningRate = 0.05, BatchSize = 50 },
        Trainings = 5,
        SamplesPerTraining = 12,
        AccuracyThreshold = threshold,
        Seed = 2024,
    };

    [TestCase(1)]
    [TestCase(63)]
    [TestCase(64)]
    [TestCase(65)]
    [TestCase(675)]
    public void Pack_Unpack_RoundTrip(int n)
    {
        var rng = new SplitMixRandom(n);
        var w = Enumerable.Range(0, n).Select(_ => rng.NextDouble() < 0.5 ? (sbyte)-1 : (sbyte)1).ToArray();
        var words = BitPackedEnsembleFile.Pack(w);
        Assert.That(words, Has.Length.EqualTo((n + 63) / 64));
        Assert.That(BitPackedEnsembleFile.Unpack(words, n), Is.EqualTo(w));
        if (n % 64 != 0) Assert.That(words[^1] >> (n % 64), Is.Zero, "padding bits are zero");
        Assert.That(BitPackedEnsembleFile.Pack(Enumerable.Repeat((sbyte)1, n).ToArray()).Sum(x => (long)System.Numerics.BitOperations.PopCount(x)), Is.EqualTo(n));
    }

    [Test]
    public void File_RoundTrip_AndHeader_AndUncompletedWriterLeavesNothing()
    {
        string path = Path.Combine(_dir, "e.bin");
        var rng = new SplitMixRandom(1);
        var samples = Enumerable.Range(0, 7).Select(i => new EnsembleSample(
            Enumerable.Range(0, 130).Select(_ => rng.NextDouble() < 0.3 ? (sbyte)-1 : (sbyte)1).ToArray(), 0.5 + i / 100.0, i / 3, i % 3)).ToList();
        using (var w = new BitPackedEnsembleWriter(path, 130))
        {
            foreach (var s in samples) w.Write(s);
            Assert.That(File.Exists(path), Is.False, "invisible until completed");
            w.Complete();
        }
        Assert.That(BitPackedEnsembleFile.ReadHeader(path), Is.EqualTo((130, 7L)));
        Assert.That(new FileInfo(path).Length, Is.EqualTo(24 + 7 * (3 * 8 + 16)));
        var back = BitPackedEnsembleFile.Read(path);
        Assert.That(back, Has.Count.EqualTo(7));
        for (int i = 0; i < 7; i++)
        {
            Assert.That(back[i].Weights, Is.EqualTo(samples[i].Weights));
            Assert.That(back[i].Accuracy, Is.EqualTo(samples[i].Accuracy));
            Assert.That((back[i].TrainingIndex, back[i].SampleIndex), Is.EqualTo((samples[i].TrainingIndex, samples[i].SampleIndex)));
        }
        string other = Path.Combine(_dir, "abandoned.bin");
        using (var w = new BitPackedEnsembleWriter(other, 130)) w.Write(samples[0]);
        Assert.That(Directory.GetFiles(_dir), Is.EqualTo(new[] { path }), "no file or temporary from the abandoned writer");
    }

    [Test]
    public void Collect_KeepsExactlyTheDrawsAboveThreshold()
    {
        var all = new EnsembleList(LrNet.WeightCountOf([20, 15, 15, 10]));
        var summary = EnsembleCollector.Collect(_blobs, Options(double.NegativeInfinity) with { Trainings = 2 }, all);
        Assert.That(all.Count, Is.EqualTo(24), "threshold -inf keeps every draw");
        Assert.That(summary.Drawn, Is.EqualTo(24));
        var accs = all.Samples.Select(s => s.Accuracy).Order().ToArray();
        double threshold = accs[accs.Length / 2]; // the median: about half pass
        var kept = new EnsembleList(all.WeightCount);
        var progress = new List<EnsembleProgress>();
        var s2 = EnsembleCollector.Collect(_blobs, Options(threshold) with { Trainings = 2 }, kept, new SyncProgress<EnsembleProgress>(progress.Add));
        var expected = all.Samples.Where(s => s.Accuracy >= threshold).ToList();
        Assert.That(kept.Samples.Select(s => (s.TrainingIndex, s.SampleIndex, s.Accuracy)), Is.EqualTo(expected.Select(s => (s.TrainingIndex, s.SampleIndex, s.Accuracy))));
        Assert.That(kept.Samples.All(s => s.Accuracy >= threshold));
        Assert.That(kept.Count, Is.GreaterThan(0).And.LessThan(24));
        Assert.That(s2.Kept, Is.EqualTo(kept.Count));
        Assert.That(progress.Select(p => p.TrainingIndex), Is.EqualTo(new[] { 0, 1 }));
        TestContext.Out.WriteLine($"threshold {threshold:F4}: kept {kept.Count}/24; per training: " + string.Join(", ", progress.Select(p => $"t{p.TrainingIndex} mean-net {p.TestAccuracyMean:F3} sampled {p.MeanSampledAccuracy:F3} kept {p.Kept}")));

        // Each stored accuracy is that of the stored weights.
        using var scope = TorchSharp.torch.NewDisposeScope();
        var vx = TorchSharp.torch.tensor(_blobs.TestX, [_blobs.TestCount, 20]);
        var vy = TorchSharp.torch.tensor(_blobs.TestY.Select(b => (long)b).ToArray());
        foreach (var s in kept.Samples)
            Assert.That(new BinaryNetwork([20, 15, 15, 10], s.Weights).Accuracy(vx, vy), Is.EqualTo(s.Accuracy));
    }

    [Test]
    public void Shards_0of2_And_1of2_Merged_EqualTheUnshardedEnsemble_Bitwise()
    {
        var o = Options(0.5);
        int n = LrNet.WeightCountOf(o.Training.Widths);
        string whole = Path.Combine(_dir, "whole.bin"), s0 = Path.Combine(_dir, "s0.bin"), s1 = Path.Combine(_dir, "s1.bin"), merged = Path.Combine(_dir, "merged.bin");
        foreach (var (path, shard) in new[] { (whole, (0, 1)), (s0, (0, 2)), (s1, (1, 2)) })
        {
            using var w = new BitPackedEnsembleWriter(path, n);
            EnsembleCollector.Collect(_blobs, o with { ShardIndex = shard.Item1, ShardCount = shard.Item2 }, w);
            w.Complete();
        }
        Assert.That(BitPackedEnsembleFile.Read(s0).Select(s => s.TrainingIndex).Distinct(), Is.EqualTo(new[] { 0, 2, 4 }).Or.SubsetOf(new[] { 0, 2, 4 }));
        Assert.That(BitPackedEnsembleFile.Read(s1).Select(s => s.TrainingIndex).Distinct(), Is.SubsetOf(new[] { 1, 3 }));
        long count = BitPackedEnsembleFile.Merge([s1, s0], merged);
        Assert.That(count, Is.GreaterThan(0), "the threshold keeps some configurations");
        Assert.That(File.ReadAllBytes(merged), Is.EqualTo(File.ReadAllBytes(whole)));
        Assert.That(BitPackedEnsembleFile.Read(whole).Select(s => s.TrainingIndex).Distinct().Count(), Is.GreaterThan(1));
        Assert.Throws<InvalidDataException>(() => BitPackedEnsembleFile.Merge([s0, s0], Path.Combine(_dir, "dup.bin")), "the same shard twice");
    }

    [Test]
    public void ParseShard_AcceptsIOverN_RejectsOthers()
    {
        Assert.That(EnsembleOptions.ParseShard("1/4"), Is.EqualTo((1, 4)));
        foreach (var bad in new[] { "4/4", "-1/2", "1", "a/b", "0/0" })
            Assert.Throws<FormatException>(() => EnsembleOptions.ParseShard(bad), bad);
    }

    sealed class SyncProgress<T>(Action<T> report) : IProgress<T>
    {
        public void Report(T value) => report(value);
    }
}
