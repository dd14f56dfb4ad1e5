using NUnit.Framework;
using NeuralSpin.IO;
using NeuralSpin.Tests.IO;
using NeuralSpin.Training;

namespace NeuralSpin.Tests.Training;

/// <summary>Synthetic data for the trainer tests (no MNIST needed).</summary>
internal static class SyntheticData
{
    /// <summary>
    /// Four classes in 20 dimensions, linearly separable also after the binarized network's input step:
    /// each class has a random +-1 prototype p_c, and a sample is p_c with each coordinate scaled by a
    /// factor in [0.5, 1.5) and 2 of its 20 signs flipped, so it stays nearest (in Hamming distance) to
    /// its own prototype whenever the prototypes differ in more than 4 signs (checked).
    /// </summary>
    public static TrainingData Separable(int trainCount, int testCount, int seed, int dim = 20, int classes = 4)
    {
        var rng = new Random(seed);
        int[][] proto;
        do
        {
            proto = Enumerable.Range(0, classes).Select(_ => Enumerable.Range(0, dim).Select(_ => rng.Next(2) * 2 - 1).ToArray()).ToArray();
        } while (!WellSeparated(proto));
        (float[], byte[]) Make(int n)
        {
            var x = new float[n * dim];
            var y = new byte[n];
            for (int s = 0; s < n; s++)
            {
                int c = rng.Next(classes);
                y[s] = (byte)c;
                int f1 = rng.Next(dim), f2 = (f1 + 1 + rng.Next(dim - 1)) % dim;
                for (int j = 0; j < dim; j++)
                {
                    int sign = proto[c][j] * (j == f1 || j == f2 ? -1 : 1);
                    x[s * dim + j] = (float)(sign * (0.5 + rng.NextDouble()));
                }
            }
            return (x, y);
        }
        var (trX, trY) = Make(trainCount);
        var (teX, teY) = Make(testCount);
        return new TrainingData(trX, trY, teX, teY, dim);
    }

    static bool WellSeparated(int[][] p)
    {
        for (int a = 0; a < p.Length; a++)
            for (int b = a + 1; b < p.Length; b++)
                if (p[a].Zip(p[b]).Count(t => t.First != t.Second) <= 6) return false;
        return true;
    }

    /// <summary>Random N(0, 1) inputs and uniform labels, no structure (speed measurements, resume tests).</summary>
    public static TrainingData Random(int trainCount, int testCount, int dim, int classes, int seed)
    {
        var rng = new Random(seed);
        float Normal() => (float)(Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble()));
        var trX = new float[(long)trainCount * dim];
        for (long i = 0; i < trX.LongLength; i++) trX[i] = Normal();
        var teX = new float[(long)testCount * dim];
        for (long i = 0; i < teX.LongLength; i++) teX[i] = Normal();
        var trY = Enumerable.Range(0, trainCount).Select(_ => (byte)rng.Next(classes)).ToArray();
        var teY = Enumerable.Range(0, testCount).Select(_ => (byte)rng.Next(classes)).ToArray();
        return new TrainingData(trX, trY, teX, teY, dim);
    }
}

/// <summary>Reports synchronously (System.Progress posts to the thread pool, which would make tests racy).</summary>
internal sealed class SyncProgress(Action<TrainingProgress> onReport) : IProgress<TrainingProgress>
{
    public List<TrainingProgress> Reports { get; } = [];
    public void Report(TrainingProgress value)
    {
        Reports.Add(value);
        onReport(value);
    }
}

[TestFixture, NonParallelizable]
public class TrainerTests : TempDirFixture
{
    const int DataSeed = 31415;
    const long RunSeed = 2718;

    static TrainingOptions SmallOptions(TrainingProgram program) => new()
    {
        Program = program,
        Widths = [20, 16, 4],
        LearningRate = 0.01,
        Epochs = 3,
        Seed = RunSeed,
        Threads = 1,
        Schedule = "0,0.5,1,2,3",
        ProgressInterval = 4,
    };

    [TestCase(TrainingProgram.Binarized)]
    [TestCase(TrainingProgram.Standard)]
    public void LinearlySeparableProblem_LossAndErrorDecrease(TrainingProgram program)
    {
        var data = SyntheticData.Separable(512, 256, DataSeed);
        var options = SmallOptions(program) with { Epochs = 5, Schedule = "0,1,5" };
        var result = Trainer.Train(PathOf("run"), data, options);
        Assert.That(result.Completed, Is.True);
        Assert.That(result.Step, Is.EqualTo(5 * 16));
        var c = result.Checkpoints;
        Assert.That(c.Select(x => x.Step), Is.EqualTo(new long[] { 0, 16, 80 }));
        TestContext.Out.WriteLine(string.Join("; ", c.Select(x => $"step {x.Step}: val_error {x.ValidationError}, val_loss {x.ValidationLoss}, train_loss {x.TrainLoss}")));
        Assert.That(c[0].ValidationError, Is.GreaterThan(0.3), "an untrained 4-class network is near chance");
        Assert.That(c[^1].ValidationError, Is.LessThan(0.05), "the problem is separable after the input step");
        Assert.That(c[^1].ValidationLoss, Is.LessThan(c[0].ValidationLoss / 4));
        Assert.That(c[^1].TrainLoss, Is.LessThan(c[1].TrainLoss));
    }

    [Test]
    public void Checkpoints_AreReadableByWeightFile_WithWidthsAndMetadata()
    {
        var data = SyntheticData.Separable(512, 64, DataSeed);
        string run = PathOf("run");
        var progress = new SyncProgress(_ => { });
        Trainer.Train(run, data, SmallOptions(TrainingProgram.Binarized), progress);

        var files = RunFiles.ListCheckpoints(run);
        Assert.That(files.Select(Path.GetFileName), Is.EqualTo(new[]
        {
            "ckpt-s000000000-e0.000000.safetensors", "ckpt-s000000008-e0.500000.safetensors",
            "ckpt-s000000016-e1.000000.safetensors", "ckpt-s000000032-e2.000000.safetensors",
            "ckpt-s000000048-e3.000000.safetensors",
        }));
        foreach (var f in files)
        {
            var w = WeightFile.Load(f);
            Assert.That(w.Widths, Is.EqualTo(new[] { 20, 16, 4 }));
            Assert.That(w.Layers.Select(l => l.Name), Is.EqualTo(new[] { "layers.0.weight", "layers.1.weight" }));
            Assert.That(w.Layers[0].DType, Is.EqualTo("F32"));
            foreach (var key in new[] { "epoch", "step", "lr", "seed", "program", "widths", "val_error", "train_loss", "samples_per_second", "momentum", "batch_size", "margin" })
                Assert.That(w.Metadata.ContainsKey(key), $"{Path.GetFileName(f)} metadata has '{key}'");
            Assert.That(w.Metadata["widths"], Is.EqualTo("20,16,4"));
            Assert.That(w.Metadata["program"], Is.EqualTo("binarized"));
            Assert.That(w.Metadata["lr"], Is.EqualTo("0.01"));
        }
        var last = WeightFile.Load(files[^1]).Metadata;
        Assert.That(last["step"], Is.EqualTo("48"));
        Assert.That(double.Parse(last["epoch"], System.Globalization.CultureInfo.InvariantCulture), Is.EqualTo(3.0));
        Assert.That(double.IsNaN(double.Parse(WeightFile.Load(files[0]).Metadata["train_loss"], System.Globalization.CultureInfo.InvariantCulture)), "no step before t = 0");

        Assert.That(File.Exists(RunFiles.RunJson(run)));
        var (opts, sha, n, nt, dim) = RunFiles.ReadRunJson(run);
        Assert.That(opts with { Widths = [] }, Is.EqualTo(SmallOptions(TrainingProgram.Binarized) with { Widths = [] }));
        Assert.That(opts.Widths, Is.EqualTo(new[] { 20, 16, 4 }));
        Assert.That((sha, n, nt, dim), Is.EqualTo((data.Fingerprint(), 512, 64, 20)));

        Assert.That(progress.Reports, Is.Not.Empty);
        Assert.That(progress.Reports[^1].Step, Is.EqualTo(48));
        Assert.That(progress.Reports.Select(r => r.Step), Is.Ordered.Ascending);
        Assert.That(progress.Reports.All(r => r.TotalSteps == 48 && r.TotalEpochs == 3));
    }

    static (double[][] Weights, IReadOnlyDictionary<string, string> Meta) Final(string run)
    {
        var (tensors, meta) = SafeTensors.Read(RunFiles.ListCheckpoints(run)[^1]);
        return (tensors.Select(t => t.Data).ToArray(), meta);
    }

    static IReadOnlyList<NamedTensor> State(string run) => SafeTensors.Read(RunFiles.StateFile(run)).Tensors;

    [TestCase(TrainingProgram.Binarized, 20)]
    [TestCase(TrainingProgram.Standard, 16)]
    public void StoppedAndResumed_EndsWithBitwiseTheSameWeights(TrainingProgram program, long stopAfter)
    {
        var data = SyntheticData.Random(512, 64, 20, 4, DataSeed);
        var options = SmallOptions(program);
        string a = PathOf("a"), b = PathOf("b");
        Trainer.Train(a, data, options);

        var first = Trainer.Train(b, data, options, stopAfterStep: stopAfter);
        Assert.That(first.Completed, Is.False);
        Assert.That(first.Step, Is.EqualTo(stopAfter));
        var second = Trainer.Resume(b, data);
        Assert.That(second.Completed, Is.True);
        Assert.That(second.Checkpoints.Select(c => c.Step), Is.EqualTo(new long[] { 32, 48 }));

        var (wa, ma) = Final(a);
        var (wb, mb) = Final(b);
        Assert.That(wb, Is.EqualTo(wa), "final weights bitwise equal (exact double comparison of the F32 values)");
        foreach (var key in new[] { "val_error", "val_loss", "train_loss", "step" })
            Assert.That(mb[key], Is.EqualTo(ma[key]), key);
        var sa = State(a);
        var sb = State(b);
        Assert.That(sb.Select(t => t.Name), Is.EqualTo(sa.Select(t => t.Name)));
        Assert.That(sb.Select(t => t.Data), Is.EqualTo(sa.Select(t => t.Data)), "momentum buffers too");
        Assert.That(sa.Any(t => t.Name.StartsWith("momentum.")), "the state holds SGD momentum buffers");
    }

    [Test]
    public void CancelledThenResumed_EndsWithBitwiseTheSameWeights()
    {
        var data = SyntheticData.Random(500, 64, 20, 4, DataSeed); // 16 steps per epoch, the last batch of 20
        var options = SmallOptions(TrainingProgram.Binarized);
        string a = PathOf("a"), b = PathOf("b");
        Trainer.Train(a, data, options);

        using var cts = new CancellationTokenSource();
        var progress = new SyncProgress(r => { if (r.Step >= 24) cts.Cancel(); });
        Assert.Throws<OperationCanceledException>(() => Trainer.Train(b, data, options, progress, cts.Token));
        var stateMeta = SafeTensors.Read(RunFiles.StateFile(b)).Metadata;
        Assert.That(stateMeta["step"], Is.EqualTo("24"), "state saved at cancellation");
        Trainer.Resume(b, data);
        Assert.That(Final(b).Weights, Is.EqualTo(Final(a).Weights));
    }

    [Test]
    public void InterruptedCheckpointWrite_LeavesNoPartialFile_AndResumeRecovers()
    {
        var data = SyntheticData.Random(512, 64, 20, 4, DataSeed);
        var options = SmallOptions(TrainingProgram.Standard);
        string a = PathOf("a"), b = PathOf("b");
        Trainer.Train(a, data, options);

        // Make the write of the step-16 checkpoint fail at its final rename: a directory occupies its name.
        string blocked = Path.Combine(RunFiles.CheckpointDirectory(b), RunFiles.CheckpointFileName(16, 1.0));
        Directory.CreateDirectory(blocked);
        Assert.Throws<IOException>(() => Trainer.Train(b, data, options));
        var entries = Directory.GetFileSystemEntries(RunFiles.CheckpointDirectory(b)).Select(Path.GetFileName).Order().ToArray();
        Assert.That(entries, Is.EqualTo(new[]
        {
            "ckpt-s000000000-e0.000000.safetensors", "ckpt-s000000008-e0.500000.safetensors", "ckpt-s000000016-e1.000000.safetensors",
        }), "no temporary file is left, and the failed checkpoint's name is still the blocking directory");
        Assert.That(Directory.Exists(blocked));
        foreach (var f in Directory.GetFiles(RunFiles.CheckpointDirectory(b)))
            Assert.DoesNotThrow(() => WeightFile.Load(f), "every checkpoint file present is complete");

        // A crash mid-write leaves a temporary file beside the complete ones; resume removes it.
        Directory.Delete(blocked);
        File.WriteAllBytes(blocked + ".tmp-0123456789ab", new byte[100]);
        File.WriteAllBytes(RunFiles.StateFile(b) + ".tmp-0123456789ab", new byte[7]);
        Trainer.Resume(b, data);
        Assert.That(Directory.GetFiles(b, "*.tmp-*", SearchOption.AllDirectories), Is.Empty);
        Assert.That(Final(b).Weights, Is.EqualTo(Final(a).Weights), "resumed from the step-8 state, same end point");
        Assert.That(RunFiles.ListCheckpoints(b).Select(Path.GetFileName), Is.EqualTo(RunFiles.ListCheckpoints(a).Select(Path.GetFileName)));
    }

    [Test]
    public void Resume_WithOtherData_IsRefused_AndTrainWillNotOverwriteARun()
    {
        var data = SyntheticData.Random(64, 16, 20, 4, DataSeed);
        string run = PathOf("run");
        Trainer.Train(run, data, SmallOptions(TrainingProgram.Standard), stopAfterStep: 1);
        var other = SyntheticData.Random(64, 16, 20, 4, DataSeed + 1);
        Assert.Throws<ArgumentException>(() => Trainer.Resume(run, other));
        Assert.Throws<InvalidOperationException>(() => Trainer.Train(run, data, SmallOptions(TrainingProgram.Standard)));
        Assert.Throws<InvalidDataException>(() => Trainer.Resume(PathOf("nothing"), data));
    }
}
