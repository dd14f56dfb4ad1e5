using System.Globalization;
using NeuralSpin.IO;
using NeuralSpin.Trajectory;
using NUnit.Framework;

namespace NeuralSpin.Tests.Trajectory;

/// <summary>
/// A run whose checkpoints' epoch and step disagree (epoch running backwards as the step grows, step 0 at a
/// later epoch) is refused with both files named, instead of being analysed silently.
/// </summary>
[TestFixture, NonParallelizable]
public sealed class InconsistentRunTests
{
    string _root = "";

    [SetUp]
    public void Create()
    {
        _root = Path.Combine(Path.GetTempPath(), "neuralspin-traj-inc-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(_root);
    }

    [TearDown]
    public void Remove()
    {
        if (Directory.Exists(_root)) Directory.Delete(_root, recursive: true);
    }

    static void SetMeta(string path, string key, string value)
    {
        var (tensors, meta) = SafeTensors.Read(path);
        var m = meta.ToDictionary(kv => kv.Key, kv => kv.Value);
        m[key] = value;
        SafeTensors.Write(path, tensors, m, "F32");
    }

    [Test]
    public void EpochRunningBackwardsAgainstTheStepIsRefused()
    {
        var paths = SyntheticRun.Write(_root, epochs: [0, 1, 2], widths: [12, 8, 4]);
        SetMeta(paths[2], "epoch", "0.5"); // step of epoch 2, epoch 0.5
        var e = Assert.Throws<RunDirectoryException>(() => RunDirectory.ListCheckpoints(_root))!;
        Assert.That(e.Message, Does.Contain(paths[1]).And.Contain(paths[2]).And.Contain("epoch"));
        Assert.Throws<RunDirectoryException>(() => TrajectoryAnalyzer.Run(_root));
    }

    [Test]
    public void StepZeroAtALaterEpochIsRefused()
    {
        var paths = SyntheticRun.Write(_root, epochs: [0, 1, 2], widths: [12, 8, 4]);
        SetMeta(paths[0], "epoch", "5");
        var e = Assert.Throws<RunDirectoryException>(() => RunDirectory.ListCheckpoints(_root))!;
        Assert.That(e.Message, Does.Contain(paths[0]).And.Contain("step 0").And.Contain("epoch 5"));
    }

    [Test]
    public void EpochZeroAtALaterStepIsRefused()
    {
        var paths = SyntheticRun.Write(_root, epochs: [0, 1, 2], widths: [12, 8, 4]);
        SetMeta(paths[0], "step", "7");
        SetMeta(paths[0], "epoch", "0");
        var e = Assert.Throws<RunDirectoryException>(() => RunDirectory.ListCheckpoints(_root))!;
        Assert.That(e.Message, Does.Contain(paths[0]));
    }

    [Test]
    public void EqualEpochsAtDifferentStepsAreRefused()
    {
        var paths = SyntheticRun.Write(_root, epochs: [0, 1, 2], widths: [12, 8, 4]);
        SetMeta(paths[2], "epoch", "1");
        Assert.Throws<RunDirectoryException>(() => RunDirectory.ListCheckpoints(_root));
    }

    [Test]
    public void StepsPerEpochDisagreeingWithEpochIsRefused()
    {
        var paths = SyntheticRun.Write(_root, epochs: [0, 1, 2], widths: [12, 8, 4]);
        var step = SafeTensors.ReadMetadata(paths[2])["step"];
        SetMeta(paths[2], "steps_per_epoch", (long.Parse(step, CultureInfo.InvariantCulture) / 4).ToString(CultureInfo.InvariantCulture));
        var e = Assert.Throws<RunDirectoryException>(() => RunDirectory.ListCheckpoints(_root))!;
        Assert.That(e.Message, Does.Contain(paths[2]).And.Contain("steps_per_epoch"));
    }

    [Test]
    public void AConsistentRunIsListed()
    {
        SyntheticRun.Write(_root, epochs: [0, 0.5, 1, 2], widths: [12, 8, 4]);
        Assert.That(RunDirectory.ListCheckpoints(_root).Select(c => c.Epoch), Is.EqualTo(new[] { 0, 0.5, 1, 2 }));
    }
}
