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
    /// The whole command end to end on a tiny schedule (the CLI reproduction, run as a user runs it): <c>--quick</c> on a
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

    [Test]
    public void Paper2_BadSettings_ExitWithCode2_BeforeAnyWork()
    {
        string bad = PathOf("bad.json");
        File.WriteAllText(bad, """{"trainings": 0}""");
        string outDir = PathOf("p2");
        AssertBadInput(Cli("reproduce", "paper2", "--quick", "--settings", bad, "--out", outDir), ["bad.json", "trainings must be at least 1"]);
        AssertBadInput(Cli("reproduce", "paper2", "--quick", "--settings", PathOf("absent.json"), "--out", outDir), ["absent.json"]);
        AssertBadInput(Cli("reproduce", "paper2", "--published", PathOf("repo"), "--settings", bad, "--out", outDir), ["--settings"]);
        Assert.That(Directory.Exists(outDir), Is.False, "nothing created");
        // the steps of a sharded collection: --shard only with --collect-only, a valid I/N, --prepare on its own
        AssertBadInput(Cli("reproduce", "paper2", "--quick", "--shard", "0/2", "--out", outDir), ["--shard", "--collect-only"]);
        AssertBadInput(Cli("reproduce", "paper2", "--quick", "--collect-only", "--shard", "2/2", "--out", outDir), ["--shard '2/2'"]);
        AssertBadInput(Cli("reproduce", "paper2", "--quick", "--collect-only", "--prepare", "--out", outDir), ["--prepare", "--collect-only"]);
        AssertBadInput(Cli("reproduce", "paper2", "--published", PathOf("repo"), "--collect-only", "--out", outDir), ["--published"]);
        Assert.That(Directory.Exists(outDir), Is.False, "nothing created");
        // an output folder made with other settings is refused before the data are loaded
        NeuralSpin.Reproduction.Paper2Cache.Claim(outDir, NeuralSpin.Reproduction.Paper2Options.Quick with { Trainings = 5 });
        AssertBadInput(Cli("reproduce", "paper2", "--quick", "--out", outDir), ["other settings", "trainings 5 there, 10000 now"]);
    }

    /// <summary>
    /// <c>reproduce paper2 --quick</c> end to end from the command line on a tiny schedule given by a settings file (eight
    /// trainings per ensemble on 2,000 images, the over-parameterized one on the first 500 images for two epochs, a four-point
    /// landscape, short TAP and MC), on the real MNIST, in the steps of a Slurm array: --prepare (the PCA and the settings
    /// record), two --collect-only shards, then the run that puts the ensembles together from their chunks and analyses them,
    /// writing the claims table and the files. The numbers mean nothing at this size; the test checks that every step runs and
    /// reports, one configuration per training, and the over-parameterized ensemble in the report and summary.json. About two
    /// minutes.
    /// </summary>
    [Test, Category("RealMnist")]
    public void Paper2_Quick_TinySettings_ShardedCollection_RunsEndToEnd()
    {
        string settings = PathOf("tiny.json");
        File.WriteAllText(settings, """
            {
              "trainings": 8, "trainings_per_group": 4, "samples_per_training": 10, "min_kept": 4,
              "epochs": 1, "train_subset": 2000, "over_param_epochs": 2,
              "max_fit_samples": 40, "pl_max_iterations": 20, "pl_warm_max_iterations": 20,
              "landscape_xs": [-0.5, 0, 0.5, 1], "bp_max_iterations": 40, "bp_stuck_iterations": 10, "bp_total_message_updates": 2000000,
              "mc_landscape_burn_in": 5, "mc_landscape_measure": 20, "tap_starts": 3, "tap_max_iterations": 50, "mc_sweeps": 4, "mc_record_every": 2
            }
            """);
        string outDir = PathOf("p2tiny");
        string[] common = ["reproduce", "paper2", "--quick", "--settings", settings, "--threads", "1", "--out", outDir];
        var prep = Cli([.. common, "--prepare"]);
        Assert.That(prep.ExitCode, Is.EqualTo(0), prep.Stderr);
        Assert.That(File.Exists(Path.Combine(outDir, "pca-20.json")) && File.Exists(Path.Combine(outDir, NeuralSpin.Reproduction.Paper2Cache.FileName)));
        foreach (string shard in new[] { "1/2", "0/2" })
        {
            var s = Cli([.. common, "--collect-only", "--shard", shard]);
            Assert.That(s.ExitCode, Is.EqualTo(0), s.Stderr);
            Assert.That(s.Stdout, Does.Contain("ensemble deep-over: trainings"), shard);
            Assert.That(s.Stdout, Does.Contain("1 chunks collected now"), $"{shard}: one of the two chunks of each ensemble");
        }
        Assert.That(File.Exists(Path.Combine(outDir, "report.md")), Is.False, "the collection steps analyse nothing");
        var r = Cli(common);
        Assert.That(r.ExitCode, Is.EqualTo(0), r.Stderr);
        Assert.That(r.Stdout, Does.Contain("ensemble deep: 2 of 2 chunks (8 trainings) read from"));
        string report = File.ReadAllText(Path.Combine(outDir, "report.md"));
        Assert.That(report, Does.Contain("# Paper 2 reproduction (quick, settings tiny.json)"));
        Assert.That(report, Does.Contain("| deep-over | 20-15-15-10 | 500 | 2 |"));
        foreach (string id in new[] { "C1", "C2", "C3", "C4", "C5", "C6", "C7", "C8", "C9", "C10", "C11", "C12" })
            Assert.That(r.Stdout, Does.Contain(id), $"claim {id} in the printed table");
        var summary = JsonNode.Parse(File.ReadAllText(Path.Combine(outDir, "summary.json")))!;
        foreach (var (name, e) in summary["ensembles"]!.AsObject())
        {
            Assert.That((long)e!["kept"]!, Is.LessThanOrEqualTo(8), name);
            Assert.That((long)e["kept"]!, Is.EqualTo((long)e["trainings_contributing"]!), $"{name}: one configuration per training");
        }
        Assert.That(summary["parts"]!.AsObject().Select(kv => kv.Key), Does.Contain("deep-over-full"));
        Assert.That(File.Exists(Path.Combine(outDir, "ensemble-deep.bin")) && File.Exists(Path.Combine(outDir, "ensemble-shallow.bin")) && File.Exists(Path.Combine(outDir, "ensemble-deep-over.bin")));
        Assert.That(Directory.EnumerateFiles(outDir, "*.png", SearchOption.AllDirectories).Count(), Is.GreaterThanOrEqualTo(3));
        // the same settings again reuse the ensembles and fits of the folder
        var again = Cli(common);
        Assert.That(again.ExitCode, Is.EqualTo(0), again.Stderr);
        Assert.That(again.Stdout, Does.Contain("reused"));
    }
}
