using NeuralSpin.Tests.Trajectory;
using NeuralSpin.Trajectory;
using NUnit.Framework;

namespace NeuralSpin.Tests.Cli;

/// <summary><c>neuralspin trajectory RUN_DIR</c>: outputs on a synthetic run, and the bad-input contract (exit 2, nothing written).</summary>
[TestFixture, NonParallelizable]
public sealed class TrajectoryCommandTests : CliFixture
{
    string Run => PathOf("run");
    string Csv => Path.Combine(Run, "trajectory.csv");
    string Plots => Path.Combine(Run, "plots");

    void AssertNoOutputs()
    {
        Assert.That(File.Exists(Csv), Is.False, "no trajectory.csv");
        Assert.That(Directory.Exists(Plots), Is.False, "no plots folder");
        if (Directory.Exists(Run)) Assert.That(Directory.GetFiles(Run, "*.tmp-*"), Is.Empty);
    }

    [Test]
    public void WritesCsvPlotsAndPrintsTheTableAndFit()
    {
        SyntheticRun.Write(Run);
        var r = Cli("trajectory", Run, "--fit-from", "2", "--fit-to", "100", "--threads", "2");
        TestContext.Progress.WriteLine(r.Stdout);
        Assert.That(r.ExitCode, Is.EqualTo(0), r.Stderr);
        Assert.That(r.Stderr, Is.Empty);
        var lines = File.ReadAllLines(Csv);
        Assert.That(lines[0], Is.EqualTo(string.Join(",", TrajectoryAnalyzer.AllColumns(2))));
        Assert.That(lines.Length, Is.EqualTo(1 + SyntheticRun.DefaultEpochs.Length));
        foreach (var name in new[] { "validation_error.png", "lambda_min_curve.png", "evolution.png", "tap_spectrum.png", "bond_spectrum.png" })
        {
            var bytes = File.ReadAllBytes(Path.Combine(Plots, name));
            Assert.That(bytes[..4], Is.EqualTo(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G' }), name);
            Assert.That(bytes.Length, Is.GreaterThan(15_000), name);
        }
        // plain progress lines (not a terminal), one per checkpoint
        Assert.That(r.Stdout, Does.Contain($"[0/{SyntheticRun.DefaultEpochs.Length}]").And.Contain("checkpoints/s"));
        Assert.That(r.Stdout, Does.Contain("T_c(c_0)").And.Contain("lambda_max(J)").And.Contain("s_0/s_typ"));
        Assert.That(r.Stdout, Does.Contain("fit range t in [2, 100]").And.Contain("power law T_c(c_0) = A t^alpha: alpha = "));
        Assert.That(r.Stdout, Does.Contain("n = 6 (t = 2..100)"), "corrected T_c at epochs 2, 5, 10, 20, 50, 100");
        Assert.That(r.Stdout, Does.Contain("n = 5 (t = 5..100)"), "T_c (lambda_min = 0) exists from epoch 5 on");
    }

    [Test]
    public void MissingRunDirectory() =>
        AssertBadInput(Cli("trajectory", Run), [$"'{Run}'", "does not exist"], Csv);

    [Test]
    public void NoCheckpoints()
    {
        Directory.CreateDirectory(Path.Combine(Run, "checkpoints"));
        AssertBadInput(Cli("trajectory", Run), ["no *.safetensors"], Csv);
        AssertNoOutputs();
    }

    [Test]
    public void NoInitialCheckpoint()
    {
        SyntheticRun.Write(Run, epochs: [1, 5]);
        AssertBadInput(Cli("trajectory", Run), ["t = 0", "step 0"], Csv);
        AssertNoOutputs();
    }

    [Test]
    public void DamagedCheckpoint()
    {
        var paths = SyntheticRun.Write(Run, epochs: [0, 1, 5]);
        var bytes = File.ReadAllBytes(paths[2]);
        File.WriteAllBytes(paths[2], bytes[..(bytes.Length / 2)]);
        AssertBadInput(Cli("trajectory", Run), [$"'{paths[2]}'"], Csv);
        AssertNoOutputs();
    }

    [Test]
    public void EmptyCheckpointFile()
    {
        var paths = SyntheticRun.Write(Run, epochs: [0, 1]);
        File.WriteAllBytes(paths[1], []);
        AssertBadInput(Cli("trajectory", Run), [$"'{paths[1]}'", "empty"], Csv);
        AssertNoOutputs();
    }

    [Test]
    public void CheckpointWithoutStep()
    {
        var paths = SyntheticRun.Write(Run, epochs: [0, 1]);
        var bonds = NeuralSpin.IO.WeightFile.Load(paths[1]).ToBondMatrix();
        NeuralSpin.IO.WeightFile.Save(paths[1], bonds, "F32", new Dictionary<string, string> { ["epoch"] = "1", ["val_error"] = "" });
        AssertBadInput(Cli("trajectory", Run), [$"'{paths[1]}'", "no 'step' entry"], Csv);
        AssertNoOutputs();
    }

    /// <summary>Small networks (24 spins) for the bad-checkpoint cases.</summary>
    static readonly int[] Small = [12, 8, 4];

    /// <summary>Stdout with every run of white space made one space (notices wrap at the console width).</summary>
    static string Flat(string text) => System.Text.RegularExpressions.Regex.Replace(text, @"\s+", " ");

    [TestCase(double.NaN, "NaN")]
    [TestCase(double.PositiveInfinity, "+infinity")]
    [TestCase(double.NegativeInfinity, "-infinity")]
    public void NonFiniteCheckpointIsNamedAndNothingIsWritten(double value, string what)
    {
        var paths = SyntheticRun.Write(Run, epochs: [0, 1, 5], widths: Small);
        SyntheticRun.Poison(paths[1], value, count: 7);
        AssertBadInput(Cli("trajectory", Run),
            [$"'{paths[1]}'", "'layers.1.weight'", "7 non-finite values", what, "flat index 3", "lower learning rate", "--skip-bad"], Csv);
        AssertNoOutputs();
    }

    [Test]
    public void SkipBadAnalysesTheRestAndListsWhatWasSkipped()
    {
        var paths = SyntheticRun.Write(Run, epochs: [0, 1, 2, 5], widths: Small);
        SyntheticRun.Poison(paths[2], double.NaN, count: 5);
        var r = Cli("trajectory", Run, "--skip-bad");
        TestContext.Progress.WriteLine(r.Stdout);
        Assert.That(r.ExitCode, Is.EqualTo(0), r.Stderr);
        Assert.That(r.Stderr, Is.Empty);
        var lines = File.ReadAllLines(Csv);
        Assert.That(lines[0], Is.EqualTo(string.Join(",", TrajectoryAnalyzer.AllColumns(2))));
        Assert.That(lines.Skip(1).Select(l => l.Split(',')[1]), Is.EqualTo(new[] { "0", "1875", "9375" }), "the good checkpoints' steps, without epoch 2's 3750");
        foreach (var name in new[] { "validation_error.png", "lambda_min_curve.png", "evolution.png", "tap_spectrum.png", "bond_spectrum.png" })
            Assert.That(File.Exists(Path.Combine(Plots, name)), name);
        string flat = Flat(r.Stdout);
        Assert.That(flat, Does.Contain("skipped 1 of 4 checkpoints"));
        Assert.That(flat, Does.Contain($"'{paths[2]}'").And.Contain("'layers.1.weight' holds 5 non-finite values"));
        Assert.That(flat, Does.Contain("(3 checkpoints,"), "the table covers the good checkpoints");
    }

    [Test]
    public void SkipBadListsDamagedAndMismatchedCheckpointsToo()
    {
        var paths = SyntheticRun.Write(Run, epochs: [0, 1, 2, 5], widths: Small);
        var bytes = File.ReadAllBytes(paths[1]);
        File.WriteAllBytes(paths[1], bytes[..(bytes.Length / 2)]);
        SyntheticRun.Write(PathOf("other"), epochs: [2], widths: [12, 8, 3]);
        File.Copy(Path.Combine(PathOf("other"), "checkpoints", "epoch-2.safetensors"), paths[2], overwrite: true);
        var r = Cli("trajectory", Run, "--skip-bad");
        Assert.That(r.ExitCode, Is.EqualTo(0), r.Stderr);
        Assert.That(File.ReadAllLines(Csv).Skip(1).Select(l => l.Split(',')[1]), Is.EqualTo(new[] { "0", "9375" }));
        string flat = Flat(r.Stdout);
        Assert.That(flat, Does.Contain("skipped 2 of 4 checkpoints"));
        Assert.That(flat, Does.Contain($"'{paths[1]}'").And.Contain("truncated"));
        Assert.That(flat, Does.Contain($"'{paths[2]}'").And.Contain("12-8-3").And.Contain("12-8-4"));
    }

    [Test]
    public void SkipBadCannotSkipTheInitialCheckpoint()
    {
        var paths = SyntheticRun.Write(Run, epochs: [0, 1, 5], widths: Small);
        SyntheticRun.Poison(paths[0], double.PositiveInfinity, count: 2);
        AssertBadInput(Cli("trajectory", Run, "--skip-bad"),
            [$"'{paths[0]}'", "2 non-finite values", "t = 0", "cannot be skipped", "--skip-bad", "c_0"], Csv);
        AssertNoOutputs();
    }

    [Test]
    public void SkipBadNeedsACheckpointBesidesTheInitialOne()
    {
        var paths = SyntheticRun.Write(Run, epochs: [0, 1, 5], widths: Small);
        SyntheticRun.Poison(paths[1], double.NaN);
        SyntheticRun.Poison(paths[2], double.NaN);
        AssertBadInput(Cli("trajectory", Run, "--skip-bad"),
            ["only the t = 0 checkpoint", "2 of 3", $"'{paths[1]}'", $"'{paths[2]}'", "non-finite"], Csv);
        AssertNoOutputs();
    }

    [TestCase("--beta-max", "-1", "--beta-max")]
    [TestCase("--fit-from", "-2", "--fit-from")]
    [TestCase("--fit-to", "0", "--fit-to")]
    [TestCase("--threads", "0", "--threads")]
    public void BadOptionValues(string option, string value, string fragment)
    {
        SyntheticRun.Write(Run, epochs: [0, 1]);
        AssertBadInput(Cli("trajectory", Run, option, value), [fragment], Csv);
        AssertNoOutputs();
    }

    [Test]
    public void EmptyFitRange()
    {
        SyntheticRun.Write(Run, epochs: [0, 1]);
        AssertBadInput(Cli("trajectory", Run, "--fit-from", "10", "--fit-to", "5"), ["--fit-from", "--fit-to"], Csv);
        AssertNoOutputs();
    }

    [Test]
    public void MissingArgumentIsAParseError() => AssertBadInput(Cli("trajectory"), ["RUN_DIR"]);
}
