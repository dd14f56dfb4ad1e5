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
        Assert.That(lines[0], Is.EqualTo(string.Join(",", TrajectoryAnalyzer.Columns)));
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
