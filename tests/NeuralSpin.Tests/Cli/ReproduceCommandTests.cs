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
}
