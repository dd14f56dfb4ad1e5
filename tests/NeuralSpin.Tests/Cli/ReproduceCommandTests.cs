using System.Text.Json.Nodes;
using NUnit.Framework;

namespace NeuralSpin.Tests.Cli;

/// <summary><c>neuralspin reproduce paper1</c>: its modes, options and bad input (nothing trained: no MNIST needed).</summary>
[TestFixture, NonParallelizable]
public class ReproduceCommandTests : CliFixture
{
    [Test]
    public void Paper1_BadArguments_ExitWithCode2_AndCreateNothing()
    {
        AssertBadInput(Cli("reproduce", "paper1"), ["--quick", "--full", "--calibrate"]);
        AssertBadInput(Cli("reproduce", "paper1", "--quick", "--full"), ["exactly one"]);
        AssertBadInput(Cli("reproduce", "paper1", "--quick", "--calibrate"), ["exactly one"]);
        AssertBadInput(Cli("reproduce", "paper1", "--quick", "--workers", "0", "--out", PathOf("q")), ["--workers"]);
        AssertBadInput(Cli("reproduce", "paper1", "--quick", "--convention", "sum-c_rainbow", "--out", PathOf("q")), ["rainbow"]);
        AssertBadInput(Cli("reproduce", "paper1", "--calibrate", "--finalists", "0", "--out", PathOf("c")), ["finalists"]);
        AssertBadInput(Cli("reproduce", "paper1", "--calibrate", "--seeds", "0", "--out", PathOf("c")), ["seeds"]);
        AssertBadInput(Cli("reproduce", "paper1", "--quick", "--widths", "20,10", "--out", PathOf("q")), ["784", "20,10"]);
        AssertBadInput(Cli("reproduce", "paper1", "--quick", "--widths", "784,0,10", "--out", PathOf("q")), ["positive integer"]);
        AssertBadInput(Cli("reproduce", "paper1", "--calibrate", "--widths", "784,16,10", "--out", PathOf("c")), ["--widths"]);
        Assert.That(Directory.Exists(PathOf("q")) || Directory.Exists(PathOf("c")), Is.False);
    }

    [Test]
    public void Paper1_ReportOnly_OnAnEmptyFolder_ReportsEveryProgramInProgress()
    {
        // --report-only trains nothing: a reproduction that has not started yet has every program "in progress"
        string dir = PathOf("full");
        var r = Cli("reproduce", "paper1", "--full", "--report-only", "--out", dir);
        Assert.That(r.ExitCode, Is.EqualTo(0), r.Stderr);
        var summary = JsonNode.Parse(File.ReadAllText(Path.Combine(dir, "summary.json")))!;
        Assert.That((string?)summary["convention"]!["id"], Is.EqualTo("sum-c_global").Or.EqualTo("mean_global"));
        var programs = summary["programs"]!.AsObject().Select(kv => kv.Key).ToList();
        Assert.That(programs, Is.EquivalentTo(new[] { "binarized-lr1e-4", "binarized-lr1e-6", "standard-lr1e-4", "standard-lr1e-6" }));
        Assert.That(summary["programs"]!.AsObject().All(kv => (bool)kv.Value!["done"]! == false));
        Assert.That((int)summary["programs"]!["binarized-lr1e-4"]!["paper_epochs"]!, Is.EqualTo(500));
        string report = File.ReadAllText(Path.Combine(dir, "report.md"));
        Assert.That(report, Does.Contain("## Table 1 side by side").And.Contain("training not finished"));
        Assert.That(Directory.Exists(Path.Combine(dir, "standard-lr1e-4", "checkpoints")), Is.False, "nothing was trained");
    }

    /// <summary>
    /// The whole command end to end on a tiny schedule (issue: the CLI reproduction untested): <c>--quick</c> on a
    /// 784-16-10 network, each program cut to one epoch, on the real MNIST (fetched like every RealMnist test). Every
    /// program trains, is analysed and lands in summary.json, whose numbers are re-read from the programs'
    /// trajectory.csv files (the analysis writes those, the summary is built from the analysis results in memory);
    /// the report has its Table 1 section and every figure is written. About 30 s.
    /// </summary>
    [Test, Category("RealMnist")]
    public void Paper1_Quick_TinySchedule_RunsEndToEnd()
    {
        string dir = PathOf("tiny");
        var r = Cli("reproduce", "paper1", "--quick", "--widths", "784,16,10", "--epochs-scale", "0.01", "--workers", "1", "--out", dir);
        Assert.That(r.ExitCode, Is.EqualTo(0), r.Stderr);
        var summary = JsonNode.Parse(File.ReadAllText(Path.Combine(dir, "summary.json")))!;
        Assert.That(summary["widths"]!.AsArray().Select(n => (int)n!), Is.EqualTo(new[] { 784, 16, 10 }));
        var programs = summary["programs"]!.AsObject();
        Assert.That(programs.Select(kv => kv.Key), Is.EquivalentTo(new[] { "standard-lr1e-4", "binarized-lr1e-4", "standard-lr1e-5" }));
        foreach (var (name, p) in programs)
        {
            Assert.That((bool)p!["done"]!, Is.True, name);
            Assert.That((double)p["epochs"]!, Is.EqualTo(1), name);
            var rows = File.ReadAllLines(Path.Combine(dir, name, "trajectory.csv")).Skip(1).Select(l => l.Split(',')).ToList();
            Assert.That(rows, Has.Count.GreaterThanOrEqualTo(2), $"{name}: t = 0 and the end at least");
            double last = double.Parse(rows[^1][2], System.Globalization.CultureInfo.InvariantCulture);
            Assert.That((double)p["val_error"]!, Is.EqualTo(last), name);
            Assert.That(last, Is.LessThan(0.5), $"{name}: one epoch of a 784-16-10 network classifies MNIST far better than chance (0.9)");
        }
        string report = File.ReadAllText(Path.Combine(dir, "report.md"));
        Assert.That(report, Does.Contain("## Table 1 side by side").And.Contain("784-16-10"));
        foreach (string fig in new[] { "fig3_replica_vs_tap.png", "fig4_validation_error.png", "fig5_lambda_min_curves.png", "fig6_evolution_lr1e-4.png",
                     "fig7_tap_spectrum.png", "fig8_evolution_small_lr.png", "fig9_bond_spectrum.png" })
            Assert.That(Directory.EnumerateFiles(dir, fig, SearchOption.AllDirectories).Any(f => new FileInfo(f).Length > 1000), Is.True, fig);
    }
}
