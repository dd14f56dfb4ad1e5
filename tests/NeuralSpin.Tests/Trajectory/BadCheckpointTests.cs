using System.Globalization;
using NeuralSpin.IO;
using NeuralSpin.Trajectory;
using NUnit.Framework;

namespace NeuralSpin.Tests.Trajectory;

/// <summary>
/// Checkpoints a trajectory cannot use (NaN or infinite weights left by a diverged run, damaged files, missing
/// metadata or tensors, other widths): without <see cref="TrajectoryOptions.SkipBad"/> the analysis names the file
/// and writes nothing; with it the others are analysed and the bad ones listed in <see cref="TrajectoryResult.Skipped"/>,
/// except that the t = 0 checkpoint and one checkpoint after it are required. Small networks (12-8-4).
/// </summary>
[TestFixture, NonParallelizable]
public sealed class BadCheckpointTests
{
    static readonly int[] Small = [12, 8, 4];
    static readonly TrajectoryOptions SkipBad = new() { SkipBad = true };

    string _root = "";

    string Csv => Path.Combine(_root, "trajectory.csv");

    [SetUp]
    public void Create()
    {
        _root = Path.Combine(Path.GetTempPath(), "neuralspin-traj-bad-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(_root);
    }

    [TearDown]
    public void Remove()
    {
        if (Directory.Exists(_root)) Directory.Delete(_root, recursive: true);
    }

    void AssertNothingWritten()
    {
        Assert.That(File.Exists(Csv), Is.False, "no trajectory.csv");
        Assert.That(Directory.GetFiles(_root, "trajectory.csv.tmp-*"), Is.Empty);
    }

    [TestCase(double.NaN, "a NaN")]
    [TestCase(double.PositiveInfinity, "+infinity")]
    [TestCase(double.NegativeInfinity, "-infinity")]
    public void NonFiniteWeightsNameTheFileTheTensorTheCountAndTheFirstIndex(double value, string what)
    {
        var paths = SyntheticRun.Write(_root, epochs: [0, 1, 5], widths: Small);
        SyntheticRun.Poison(paths[2], value, count: 4, first: 10); // layers.1.weight is (4, 8): index 10 is row 1, column 2
        var e = Assert.Throws<WeightFileException>(() => TrajectoryAnalyzer.Run(_root));
        Assert.That(e!.Path, Is.EqualTo(paths[2]));
        Assert.That(e.Message, Does.StartWith($"weights file '{paths[2]}': "));
        Assert.That(e.Message, Does.Contain($"tensor 'layers.1.weight' holds 4 non-finite values, the first {what} at flat index 10 (row 1, column 2)"));
        Assert.That(e.Message, Does.Contain("diverged").And.Contain("lower learning rate").And.Contain("--skip-bad"));
        AssertNothingWritten();
    }

    [Test]
    public void NonFiniteWeightsInSeveralTensorsAreAllCounted()
    {
        var paths = SyntheticRun.Write(_root, epochs: [0, 1], widths: Small);
        SyntheticRun.Poison(paths[1], double.PositiveInfinity, count: 3, tensor: "layers.1.weight", first: 0);
        SyntheticRun.Poison(paths[1], double.NaN, count: 1, tensor: "layers.0.weight", first: 5);
        var e = Assert.Throws<WeightFileException>(() => TrajectoryAnalyzer.Run(_root));
        Assert.That(e!.Message, Does.Contain(
            "tensor 'layers.0.weight' holds 1 non-finite value, a NaN at flat index 5 (row 0, column 5), and 'layers.1.weight' holds 3 more"));
        AssertNothingWritten();
    }

    [Test]
    public void SkipBadAnalysesTheOtherCheckpointsAndListsTheBadOnes()
    {
        var paths = SyntheticRun.Write(_root, epochs: [0, 0.5, 1, 2, 5], widths: Small);
        SyntheticRun.Poison(paths[1], double.NaN, count: 3);
        SyntheticRun.Poison(paths[3], double.NegativeInfinity);
        var r = TrajectoryAnalyzer.Run(_root, SkipBad);

        Assert.That(r.Skipped.Select(s => s.Path), Is.EqualTo(new[] { paths[1], paths[3] }));
        Assert.That(r.Skipped[0].Reason, Does.StartWith("tensor 'layers.1.weight' holds 3 non-finite values, the first a NaN"));
        Assert.That(r.Skipped[1].Reason, Does.StartWith("tensor 'layers.1.weight' holds 1 non-finite value, -infinity"));
        Assert.That(r.Checkpoints.Select(c => c.Path), Is.EqualTo(new[] { paths[0], paths[2], paths[4] }));
        Assert.That(r.Rows.Select(x => x.Epoch), Is.EqualTo(new[] { 0.0, 1, 5 }));
        var lines = File.ReadAllLines(Csv);
        Assert.That(lines.Skip(1).Select(l => double.Parse(l.Split(',')[0], CultureInfo.InvariantCulture)), Is.EqualTo(new[] { 0.0, 1, 5 }));

        // the rows are those of the same run without the bad checkpoints
        string clean = Path.Combine(_root, "clean");
        SyntheticRun.Write(clean, epochs: [0, 1, 5], widths: Small);
        var c = TrajectoryAnalyzer.Analyze(clean, SkipBad);
        Assert.That(c.Skipped, Is.Empty);
        Assert.That(r.Rows, Is.EqualTo(c.Rows));
        Assert.That(r.Level, Is.EqualTo(c.Level));
    }

    [Test]
    public void SkipBadLeavesOutDamagedFilesMissingMetadataMissingTensorsAndOtherWidths()
    {
        // file-name order: epoch-0, epoch-0.5, epoch-1, epoch-10, epoch-2, epoch-5
        var paths = SyntheticRun.Write(_root, epochs: [0, 0.5, 1, 2, 5, 10], widths: Small);
        var bytes = File.ReadAllBytes(paths[2]);
        File.WriteAllBytes(paths[2], bytes[..(bytes.Length / 2)]); // epoch 1: truncated
        var w = WeightFile.Load(paths[4]);
        WeightFile.Save(paths[4], w.ToBondMatrix(), "F32", new Dictionary<string, string> { ["step"] = "9375" }); // epoch 5: no 'epoch'
        var (tensors, meta) = SafeTensors.Read(paths[1]);
        SafeTensors.Write(paths[1], tensors.Where(t => t.Name != "layers.1.weight").ToList(), meta, "F32"); // epoch 0.5: a tensor missing
        SyntheticRun.Write(Path.Combine(_root, "other"), epochs: [2], widths: [12, 8, 3]);
        File.Copy(Path.Combine(_root, "other", "checkpoints", "epoch-2.safetensors"), paths[3], overwrite: true); // epoch 2: other widths

        var r = TrajectoryAnalyzer.Run(_root, SkipBad);
        Assert.That(r.Rows.Select(x => x.Epoch), Is.EqualTo(new[] { 0.0, 10 }));
        Assert.That(r.Skipped.Select(s => s.Path), Is.EqualTo(new[] { paths[2], paths[4], paths[1], paths[3] }),
            "unreadable files in name order, then the others by step");
        Assert.That(r.Skipped[0].Reason, Does.Contain("truncated"));
        Assert.That(r.Skipped[1].Reason, Does.Contain("no 'epoch' entry"));
        Assert.That(r.Skipped[2].Reason, Does.Contain("widths 12-8").And.Contain("12-8-4"));
        Assert.That(r.Skipped[3].Reason, Does.Contain("widths 12-8-3").And.Contain("12-8-4"));
        Assert.That(File.ReadAllLines(Csv).Length, Is.EqualTo(1 + 2));
    }

    [Test]
    public void WithoutSkipBadOtherWidthsPointToSkipBad()
    {
        var paths = SyntheticRun.Write(_root, epochs: [0, 1], widths: Small);
        var (tensors, meta) = SafeTensors.Read(paths[1]);
        SafeTensors.Write(paths[1], tensors.Where(t => t.Name != "layers.1.weight").ToList(), meta, "F32");
        var e = Assert.Throws<RunDirectoryException>(() => TrajectoryAnalyzer.Run(_root));
        Assert.That(e!.Message, Does.Contain($"'{paths[1]}' has widths 12-8,").And.Contain("--skip-bad"));
        AssertNothingWritten();
    }

    [Test]
    public void SkipBadCannotLeaveOutTheInitialCheckpoint()
    {
        var paths = SyntheticRun.Write(_root, epochs: [0, 1, 5], widths: Small);
        SyntheticRun.Poison(paths[0], double.NaN, count: 2);
        foreach (var options in new[] { SkipBad, new TrajectoryOptions() })
        {
            var e = Assert.Throws<WeightFileException>(() => TrajectoryAnalyzer.Run(_root, options));
            Assert.That(e!.Path, Is.EqualTo(paths[0]));
            Assert.That(e.Message, Does.Contain("2 non-finite values").And.Contain("t = 0 checkpoint (step 0), which cannot be skipped").And.Contain("c_0"));
            AssertNothingWritten();
        }
    }

    [Test]
    public void SkipBadWithAnUnreadableInitialCheckpointSaysItMayBeTheMissingOne()
    {
        var paths = SyntheticRun.Write(_root, epochs: [0, 1, 5], widths: Small);
        File.WriteAllBytes(paths[0], [1, 2, 3]);
        var e = Assert.Throws<RunDirectoryException>(() => TrajectoryAnalyzer.Run(_root, SkipBad));
        Assert.That(e!.Message, Does.Contain("no t = 0 checkpoint").And.Contain($"'{paths[0]}'").And.Contain("unreadable"));
        AssertNothingWritten();
    }

    [Test]
    public void SkipBadNeedsACheckpointAfterTheInitialOne()
    {
        var paths = SyntheticRun.Write(_root, epochs: [0, 1], widths: Small);
        SyntheticRun.Poison(paths[1], double.NaN);
        var e = Assert.Throws<RunDirectoryException>(() => TrajectoryAnalyzer.Run(_root, SkipBad));
        Assert.That(e!.Message, Does.Contain($"only the t = 0 checkpoint '{paths[0]}'").And.Contain("1 of 2").And.Contain($"'{paths[1]}'"));
        AssertNothingWritten();
    }

    [Test]
    public void SkipBadWithNoReadableCheckpoint()
    {
        var paths = SyntheticRun.Write(_root, epochs: [0, 1], widths: Small);
        foreach (var p in paths) File.WriteAllBytes(p, []);
        var e = Assert.Throws<RunDirectoryException>(() => TrajectoryAnalyzer.Run(_root, SkipBad));
        Assert.That(e!.Message, Does.Contain("none of the 2 checkpoints").And.Contain("empty"));
        AssertNothingWritten();
    }
}
