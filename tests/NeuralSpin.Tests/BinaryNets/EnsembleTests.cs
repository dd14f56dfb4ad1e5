using NeuralSpin.Numerics;
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
        KeepPerTraining = null, // every draw at or above the threshold (the collector's default keeps the best one per training)
        AccuracyThreshold = threshold,
        Seed = 2024,
    };

    [TestCase(1)]
    [TestCase(63)]
    [TestCase(64)]
    [TestCase(65)]
    [TestCase(675)]
    public void File_RoundTrip_WithAccuracyAndIndices_AndUncompletedWriterLeavesNothing(int n)
    {
        string path = Path.Combine(_dir, "e.nspack");
        var rng = new SplitMixRandom(n);
        var samples = Enumerable.Range(0, 7).Select(i => new EnsembleSample(
            Enumerable.Range(0, n).Select(_ => rng.NextDouble() < 0.3 ? (sbyte)-1 : (sbyte)1).ToArray(), 0.5 + i / 100.0, i / 3, i % 3)).ToList();
        using (var w = new PackedEnsembleWriter(path, n))
        {
            foreach (var s in samples) w.Write(s);
            Assert.That(File.Exists(path), Is.False, "invisible until completed");
            w.Complete();
            Assert.That(w.Count, Is.EqualTo(7));
        }
        // PackedConfigurations layout: 32-byte header, words, float64 accuracies, (int32, int32) indices
        Assert.That(new FileInfo(path).Length, Is.EqualTo(32 + 7 * (8 * ((n + 63) / 64) + 8 + 8)));
        var back = PackedEnsembleFile.Read(path);
        Assert.That(back, Has.Count.EqualTo(7));
        for (int i = 0; i < 7; i++)
        {
            Assert.That(back[i].Weights, Is.EqualTo(samples[i].Weights));
            Assert.That(back[i].Accuracy, Is.EqualTo(samples[i].Accuracy));
            Assert.That((back[i].TrainingIndex, back[i].SampleIndex), Is.EqualTo((samples[i].TrainingIndex, samples[i].SampleIndex)));
        }
        // the same file is a configurations file for the Ising tools
        var configs = NeuralSpin.Ising.Configurations.Read(path);
        Assert.That((configs.SampleCount, configs.SpinCount), Is.EqualTo((7, n)));
        Assert.That(configs.Sample(3).ToArray(), Is.EqualTo(samples[3].Weights));
        string other = Path.Combine(_dir, "abandoned.nspack");
        using (var w = new PackedEnsembleWriter(other, n)) w.Write(samples[0]);
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

        // Each stored accuracy is that of the stored weights: the same count for the network alone in its lanes, and the
        // count of an evaluation in double precision except at test points whose two best scores lie within float
        // rounding of each other. (Two output units with identical weight rows, common in polarised draws, tie exactly;
        // the lanes sum both in the same order, so the first class wins as with torch.argmax on equal values, while
        // libtorch's single-network matmul may sum them in different orders and break such ties either way.)
        int[] widths = [20, 15, 15, 10];
        foreach (var s in kept.Samples)
        {
            var net = new BinaryNetwork(widths, s.Weights);
            Assert.That(LaneDraws.Accuracies([net], _blobs.TestX, _blobs.TestY)[0], Is.EqualTo(s.Accuracy), "the network alone");
            var (correct, nearTies) = DoubleCount(net, _blobs);
            Assert.That(Math.Abs(s.Accuracy * _blobs.TestCount - correct), Is.LessThanOrEqualTo(nearTies + 1e-9), $"training {s.TrainingIndex}, draw {s.SampleIndex}");
        }
    }

    /// <summary>
    /// Correct test points of a binary network evaluated in double precision (ties to the first class), and the points
    /// whose two best scores differ (but are not equal) by less than 1e-5 of their size, where float rounding may decide.
    /// </summary>
    static (int Correct, int NearTies) DoubleCount(BinaryNetwork net, TrainingData data)
    {
        var widths = net.Widths;
        int correct = 0, nearTies = 0, d = widths[0];
        for (int t = 0; t < data.TestCount; t++)
        {
            double[] a = Enumerable.Range(0, d).Select(i => (double)data.TestX[t * d + i]).ToArray();
            int offset = 0;
            for (int l = 0; l + 1 < widths.Count; l++)
            {
                var z = new double[widths[l + 1]];
                for (int o = 0; o < z.Length; o++)
                {
                    double sum = 0;
                    for (int i = 0; i < widths[l]; i++) sum += net.Weights[offset + o * widths[l] + i] * a[i];
                    z[o] = sum / Math.Sqrt(widths[l]);
                }
                offset += widths[l] * widths[l + 1];
                a = l + 2 < widths.Count ? z.Select(v => Math.Max(v, LrNet.LeakySlope * v)).ToArray() : z;
            }
            int best = 0;
            for (int c = 1; c < a.Length; c++) if (a[c] > a[best]) best = c;
            double second = Enumerable.Range(0, a.Length).Where(c => c != best).Max(c => a[c]);
            if (best == data.TestY[t]) correct++;
            double gap = a[best] - second;
            if (gap > 0 && gap < 1e-5 * Math.Max(1, Math.Abs(a[best]))) nearTies++;
        }
        return (correct, nearTies);
    }

    [Test]
    public void Shards_0of2_And_1of2_Merged_EqualTheUnshardedEnsemble_Bitwise()
    {
        var o = Options(0.5);
        int n = LrNet.WeightCountOf(o.Training.Widths);
        string whole = Path.Combine(_dir, "whole.nspack"), s0 = Path.Combine(_dir, "s0.nspack"), s1 = Path.Combine(_dir, "s1.nspack"), merged = Path.Combine(_dir, "merged.nspack");
        foreach (var (path, shard) in new[] { (whole, (0, 1)), (s0, (0, 2)), (s1, (1, 2)) })
        {
            using var w = new PackedEnsembleWriter(path, n);
            EnsembleCollector.Collect(_blobs, o with { ShardIndex = shard.Item1, ShardCount = shard.Item2 }, w);
            w.Complete();
        }
        Assert.That(PackedEnsembleFile.Read(s0).Select(s => s.TrainingIndex).Distinct(), Is.EqualTo(new[] { 0, 2, 4 }).Or.SubsetOf(new[] { 0, 2, 4 }));
        Assert.That(PackedEnsembleFile.Read(s1).Select(s => s.TrainingIndex).Distinct(), Is.SubsetOf(new[] { 1, 3 }));
        long count = PackedEnsembleFile.Merge([s1, s0], merged);
        Assert.That(count, Is.GreaterThan(0), "the threshold keeps some configurations");
        Assert.That(File.ReadAllBytes(merged), Is.EqualTo(File.ReadAllBytes(whole)));
        Assert.That(PackedEnsembleFile.Read(whole).Select(s => s.TrainingIndex).Distinct().Count(), Is.GreaterThan(1));
        Assert.Throws<NeuralSpin.Ising.ConfigurationsFileException>(() => PackedEnsembleFile.Merge([s0, s0], Path.Combine(_dir, "dup.nspack")), "the same shard twice");
    }

    [Test]
    public void Collect_BestPerTraining_IsTheMaxOfAllDraws_WhenAboveThreshold_AndGroupingKeepsShardsBitwise()
    {
        // Groups of 2 trainings run together (the default kernel). With threshold -inf and no cap every draw is kept; with a cap
        // of 1 the kept draw of training t is its best one (P2 sec. II), and only if it passes the threshold.
        var o = Options(double.NegativeInfinity) with { Trainings = 3, TrainingsPerGroup = 2, Training = Options(0).Training with { Epochs = 3 } };
        int n = LrNet.WeightCountOf(o.Training.Widths);
        var all = new EnsembleList(n);
        var progress = new List<EnsembleProgress>();
        EnsembleCollector.Collect(_blobs, o, all, new SyncProgress<EnsembleProgress>(progress.Add));
        Assert.That(all.Count, Is.EqualTo(36));
        Assert.That(progress.Select(p => p.TrainingIndex), Is.EqualTo(new[] { 0, 1, 2 }));
        var best = all.Samples.GroupBy(s => s.TrainingIndex).Select(g => g.OrderByDescending(s => s.Accuracy).ThenBy(s => s.SampleIndex).First()).ToList();
        for (int t = 0; t < 3; t++) Assert.That(progress[t].BestSampledAccuracy, Is.EqualTo(best[t].Accuracy));
        double threshold = best.Select(b => b.Accuracy).Order().ElementAt(1); // the two best trainings pass
        var one = new EnsembleList(n);
        var summary = EnsembleCollector.Collect(_blobs, o with { AccuracyThreshold = threshold, KeepPerTraining = 1 }, one);
        var expected = best.Where(b => b.Accuracy >= threshold).ToList();
        Assert.That(one.Samples.Select(s => (s.TrainingIndex, s.SampleIndex, s.Accuracy)), Is.EqualTo(expected.Select(s => (s.TrainingIndex, s.SampleIndex, s.Accuracy))));
        Assert.That(summary.Kept, Is.EqualTo(expected.Count));
        Assert.That(summary.Drawn, Is.EqualTo(36));

        // shards run whole groups: shard 0 of 2 has group 0 (trainings 0, 1), shard 1 group 1 (training 2)
        string whole = Path.Combine(_dir, "whole.nspack"), s0 = Path.Combine(_dir, "s0.nspack"), s1 = Path.Combine(_dir, "s1.nspack"), merged = Path.Combine(_dir, "merged.nspack");
        foreach (var (path, shard) in new[] { (whole, (0, 1)), (s0, (0, 2)), (s1, (1, 2)) })
        {
            using var w = new PackedEnsembleWriter(path, n);
            EnsembleCollector.Collect(_blobs, o with { ShardIndex = shard.Item1, ShardCount = shard.Item2 }, w);
            w.Complete();
        }
        Assert.That(PackedEnsembleFile.Read(s1).Select(s => s.TrainingIndex).Distinct(), Is.EqualTo(new[] { 2 }));
        PackedEnsembleFile.Merge([s0, s1], merged);
        Assert.That(File.ReadAllBytes(merged), Is.EqualTo(File.ReadAllBytes(whole)));
    }

    [Test]
    public void Collect_WithTheLaneKernel_DoesNotDependOnGroupingOrThreads_Bitwise()
    {
        // The lane kernel's networks never interact, so groups of 1, 2 or 5 trainings and 1 or 2 threads write the
        // same bytes (with the batched kernel the grouping changes the float rounding of the stacked products).
        var o = Options(0.3) with { Trainings = 5, Kernel = EnsembleKernel.Lanes };
        Assert.That(new EnsembleOptions().Kernel, Is.EqualTo(EnsembleKernel.Lanes), "the default kernel");
        int n = LrNet.WeightCountOf(o.Training.Widths);
        byte[]? first = null;
        foreach (var (group, threads) in new[] { (1, 2), (2, 1), (5, 2) })
        {
            string path = Path.Combine(_dir, $"lanes-{group}-{threads}.nspack");
            using (var w = new PackedEnsembleWriter(path, n))
            {
                EnsembleCollector.Collect(_blobs, o with { TrainingsPerGroup = group, MaxDegreeOfParallelism = threads }, w);
                w.Complete();
            }
            var bytes = File.ReadAllBytes(path);
            if (first is null) { first = bytes; Assert.That(PackedEnsembleFile.Read(path), Is.Not.Empty, "the threshold keeps some configurations"); }
            else Assert.That(bytes, Is.EqualTo(first), $"groups of {group}, {threads} thread(s)");
        }
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
