using System.Text.Json.Nodes;
using NeuralSpin.Reporting;
using NeuralSpin.Tests.Cli;
using NeuralSpin.Trajectory;
using NUnit.Framework;

namespace NeuralSpin.Tests.Trajectory;

/// <summary>
/// A trajectory split into shards (<see cref="TrajectoryShards"/>, <c>trajectory --shard i/n</c>) and merged
/// (<c>trajectory --merge</c>) on a synthetic run: the merged trajectory.csv and plots are byte for byte the one-process
/// ones, with and without --skip-bad, and a missing, damaged or inconsistent shard exits 2 with one message and writes
/// nothing. Uses libtorch.
/// </summary>
[TestFixture, NonParallelizable]
public sealed class TrajectoryShardTests : CliFixture
{
    static string _root = "";
    static string _run = "";
    static byte[] _csv = [];
    static IReadOnlyList<PlotFile> _plots = [];
    static TrajectoryResult _one = null!;

    /// <summary>The one-process trajectory of the synthetic run, and its 3 shards (computed once, copied per test).</summary>
    [OneTimeSetUp]
    public void OneProcessAndShards()
    {
        _root = Path.Combine(Path.GetTempPath(), "neuralspin-shards-" + Guid.NewGuid().ToString("N"));
        string reference = Path.Combine(_root, "reference");
        SyntheticRun.Write(reference, withoutValError: [2]);
        var sw = System.Diagnostics.Stopwatch.StartNew();
        _one = TrajectoryAnalyzer.Run(reference, new TrajectoryOptions());
        _csv = File.ReadAllBytes(Path.Combine(reference, RunDirectory.CsvName));
        _plots = TrajectoryPlots.Render(_one);
        double oneSeconds = sw.Elapsed.TotalSeconds;

        // the same run in another directory, so that the plots' subtitle (the run's folder name) is the same
        _run = Path.Combine(_root, "sharded", "reference");
        SyntheticRun.Write(_run, withoutValError: [2]);
        sw.Restart();
        foreach (int i in new[] { 2, 0, 1 }) TrajectoryShards.RunShard(_run, i, 3);
        TestContext.Progress.WriteLine($"synthetic trajectory: one process {oneSeconds:F2} s, three shards one after another {sw.Elapsed.TotalSeconds:F2} s");
    }

    [OneTimeTearDown]
    public void Remove()
    {
        if (Directory.Exists(_root)) Directory.Delete(_root, recursive: true);
    }

    /// <summary>A copy of the sharded run (checkpoints and shard files) named "reference" inside this test's directory.</summary>
    string CopyOfShardedRun()
    {
        string run = Path.Combine(Dir, "reference");
        CopyDirectory(_run, run);
        return run;
    }

    static void CopyDirectory(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var f in Directory.GetFiles(from)) File.Copy(f, Path.Combine(to, Path.GetFileName(f)));
        foreach (var d in Directory.GetDirectories(from)) CopyDirectory(d, Path.Combine(to, Path.GetFileName(d)));
    }

    static string Csv(string run) => Path.Combine(run, RunDirectory.CsvName);

    static string Plots(string run) => Path.Combine(run, RunDirectory.PlotsFolder);

    static string Shard(string run, int i, int n) => TrajectoryShards.PathOf(run, i, n);

    [Test]
    public void MergedShards_GiveTheOneProcessCsvAndPlots_ByteForByte()
    {
        var merge = TrajectoryShards.Merge(_run);
        Assert.That(merge.ShardCount, Is.EqualTo(3));
        Assert.That(merge.ShardSeconds, Has.Count.EqualTo(3).And.All.GreaterThan(0));
        var r = merge.Result;
        Assert.That(TrajectoryCsv.Format(r.Rows), Is.EqualTo(System.Text.Encoding.UTF8.GetString(_csv)), "trajectory.csv text");
        Assert.That(r.Rows, Is.EqualTo(_one.Rows));
        Assert.That(r.Level, Is.EqualTo(_one.Level));
        Assert.That(r.LevelBeta, Is.EqualTo(_one.LevelBeta));
        Assert.That(r.Checkpoints.Select(c => Path.GetFileName(c.Path)), Is.EqualTo(_one.Checkpoints.Select(c => Path.GetFileName(c.Path))));
        Assert.That(r.InitialCurve.LambdaMin, Is.EqualTo(_one.InitialCurve.LambdaMin));
        Assert.That(r.FinalCurve.LambdaMin, Is.EqualTo(_one.FinalCurve.LambdaMin));
        Assert.That(r.TcCorrectedFit, Is.EqualTo(_one.TcCorrectedFit));
        var plots = TrajectoryPlots.Render(r);
        Assert.That(plots.Select(p => p.Name), Is.EqualTo(_plots.Select(p => p.Name)));
        for (int k = 0; k < plots.Count; k++) Assert.That(plots[k].Png, Is.EqualTo(_plots[k].Png), plots[k].Name);

        // each shard holds the checkpoints k with k mod 3 = i, in step order
        var steps = _one.Rows.Select(x => x.Step).ToList();
        for (int i = 0; i < 3; i++)
        {
            var s = TrajectoryShards.Read(Shard(_run, i, 3));
            Assert.That(s.Rows.Select(x => x.Step), Is.EqualTo(steps.Where((_, k) => k % 3 == i)), $"shard {i}");
            Assert.That(s.Level, Is.EqualTo(_one.Level), "every shard computes c_0 itself");
        }
    }

    [Test]
    public void MergeFromTheCommandLine_WritesTheOneProcessFiles()
    {
        // the command line end to end: two shards, then the merge, against the one-process command
        string run = Path.Combine(Dir, "a", "reference"), one = Path.Combine(Dir, "b", "reference");
        SyntheticRun.Write(run, withoutValError: [2]);
        SyntheticRun.Write(one, withoutValError: [2]);
        var s1 = Cli("trajectory", run, "--shard", "1/2", "--threads", "1");
        Assert.That(s1.ExitCode, Is.EqualTo(0), s1.Stderr);
        Assert.That(s1.Stdout, Does.Contain("shard 1/2: 5 of the run's 10 checkpoints analysed").And.Contain(Shard(run, 1, 2)));
        Assert.That(File.Exists(Csv(run)), Is.False, "a shard writes no trajectory.csv");
        Assert.That(Cli("trajectory", run, "--shard", "0/2", "--threads", "1").ExitCode, Is.EqualTo(0));
        var m = Cli("trajectory", run, "--merge", "--fit-from", "1", "--threads", "1");
        Assert.That(m.ExitCode, Is.EqualTo(0), m.Stderr);
        Assert.That(m.Stdout, Does.Contain("merged 2 shards").And.Contain("power law T_c(c_0)"));
        var o = Cli("trajectory", one, "--fit-from", "1", "--threads", "1");
        Assert.That(o.ExitCode, Is.EqualTo(0), o.Stderr);
        Assert.That(File.ReadAllBytes(Csv(run)), Is.EqualTo(File.ReadAllBytes(Csv(one))));
        var names = Directory.GetFiles(Plots(one)).Select(Path.GetFileName).Order().ToList();
        Assert.That(Directory.GetFiles(Plots(run)).Select(Path.GetFileName).Order(), Is.EqualTo(names));
        foreach (var name in names)
            Assert.That(File.ReadAllBytes(Path.Combine(Plots(run), name!)), Is.EqualTo(File.ReadAllBytes(Path.Combine(Plots(one), name!))), name);
    }

    [Test]
    public void SkipBad_ShardsLeaveOutTheSameCheckpoints_AndMergeLikeOneProcess()
    {
        string run = Path.Combine(Dir, "s", "reference"), one = Path.Combine(Dir, "o", "reference");
        foreach (var d in new[] { run, one })
        {
            var paths = SyntheticRun.Write(d);
            SyntheticRun.Poison(paths[4], double.NaN, count: 2);
            File.WriteAllText(Path.Combine(d, "checkpoints", "broken.safetensors"), "not a checkpoint");
        }
        var options = new TrajectoryOptions { SkipBad = true };
        var whole = TrajectoryAnalyzer.Analyze(one, options);
        Assert.That(whole.Skipped, Has.Count.EqualTo(2));
        for (int i = 0; i < 2; i++) TrajectoryShards.RunShard(run, i, 2, options);
        var merged = TrajectoryShards.Merge(run, options).Result;
        Assert.That(TrajectoryCsv.Format(merged.Rows), Is.EqualTo(TrajectoryCsv.Format(whole.Rows)));
        Assert.That(merged.Skipped.Select(s => (Path.GetFileName(s.Path), s.Reason)), Is.EqualTo(whole.Skipped.Select(s => (Path.GetFileName(s.Path), s.Reason))));

        // the merge must be asked with the shards' options
        var ex = Assert.Throws<RunDirectoryException>(() => TrajectoryShards.Merge(run, new TrajectoryOptions()));
        Assert.That(ex!.Message, Does.Contain("--skip-bad"));
        // and without --skip-bad the shard owning the damaged checkpoint stops, as one process does
        Assert.Throws<NeuralSpin.IO.WeightFileException>(() => TrajectoryShards.Analyze(run, 0, 2));
    }

    [Test]
    public void MissingShard_ExitsTwo_NamingIt_AndWritesNothing()
    {
        string run = CopyOfShardedRun();
        File.Delete(Shard(run, 1, 3));
        AssertBadInput(Cli("trajectory", run, "--merge"), ["shard 1/3", "missing", "shard-1-of-3.json", "--shard 1/3"], Csv(run));
        Assert.That(Directory.Exists(Plots(run)), Is.False);
    }

    [Test]
    public void NoShards_ExitsTwo()
    {
        string run = Path.Combine(Dir, "none");
        SyntheticRun.Write(run, epochs: [0, 1]);
        AssertBadInput(Cli("trajectory", run, "--merge"), ["no trajectory shards", "--shard I/N"], Csv(run));
        AssertBadInput(Cli("trajectory", Path.Combine(Dir, "missing"), "--merge"), ["does not exist"]);
    }

    [Test]
    public void ShardsOfTwoSplits_ExitTwo()
    {
        string run = CopyOfShardedRun();
        File.Copy(Shard(run, 0, 3), Shard(run, 0, 2));
        AssertBadInput(Cli("trajectory", run, "--merge"), ["different splits", "n = 2 and n = 3", "shard-0-of-2.json"], Csv(run));
    }

    static void Edit(string path, Action<JsonObject> edit)
    {
        var json = JsonNode.Parse(File.ReadAllText(path))!.AsObject();
        edit(json);
        File.WriteAllText(path, json.ToJsonString());
    }

    [TestCase("level", "another level c_0")]
    [TestCase("options", "other options (--beta-max 8")]
    [TestCase("checkpoints", "another list of checkpoints")]
    [TestCase("index", "says it is shard 2/3, not 1/3")]
    [TestCase("rows", "does not hold exactly its checkpoints")]
    [TestCase("twice", "is in trajectory shards 0/3 and 1/3")]
    [TestCase("damaged", "is damaged")]
    [TestCase("format", "is not a trajectory shard file")]
    public void InconsistentShard_ExitsTwo_WithAClearMessage(string change, string fragment)
    {
        string run = CopyOfShardedRun();
        string path = Shard(run, 1, 3);
        switch (change)
        {
            case "level": Edit(path, j => j["level"] = j["level"]!.GetValue<double>() * (1 + 1e-15)); break;
            case "options": Edit(path, j => j["options"]!["beta_max"] = 8.0); break;
            case "checkpoints": Edit(path, j => j["checkpoints"]!.AsArray().RemoveAt(9)); break;
            case "index": Edit(path, j => j["shard_index"] = 2); break;
            case "rows":
                Edit(path, j =>
                {
                    j["rows"]!.AsArray().RemoveAt(0);
                    j["row_files"]!.AsArray().RemoveAt(0);
                });
                break;
            case "twice":
                // shard 1 claims shard 0's first checkpoint after t = 0 (k = 3) as well
                var zero = JsonNode.Parse(File.ReadAllText(Shard(run, 0, 3)))!;
                Edit(path, j =>
                {
                    j["rows"]!.AsArray().Add(zero["rows"]![1]!.DeepClone());
                    j["row_files"]!.AsArray().Add(zero["row_files"]![1]!.DeepClone());
                });
                break;
            case "damaged": File.WriteAllText(path, File.ReadAllText(path)[..200]); break;
            case "format": Edit(path, j => j["format"] = "something else"); break;
        }
        AssertBadInput(Cli("trajectory", run, "--merge"), [fragment], Csv(run));
        Assert.That(Directory.Exists(Plots(run)), Is.False);
    }

    [Test]
    public void CheckpointAddedAfterTheShards_ExitsTwo()
    {
        string run = CopyOfShardedRun();
        string extra = Path.Combine(Dir, "extra");
        var paths = SyntheticRun.Write(extra, epochs: [0, 200]);
        File.Copy(paths[1], Path.Combine(run, "checkpoints", "epoch-200.safetensors"));
        AssertBadInput(Cli("trajectory", run, "--merge"), ["changed since", "new: epoch-200.safetensors"], Csv(run));
    }

    [Test]
    public void MergeWithOtherBetaMax_ExitsTwo()
    {
        string run = CopyOfShardedRun();
        AssertBadInput(Cli("trajectory", run, "--merge", "--beta-max", "5"), ["--beta-max 10", "--beta-max 5", "same --beta-max"], Csv(run));
    }

    [TestCase("3/3", "--shard '3/3'")]
    [TestCase("1", "--shard '1'")]
    [TestCase("a/b", "--shard 'a/b'")]
    public void BadShard_ExitsTwo(string shard, string fragment)
    {
        string run = Path.Combine(Dir, "r");
        SyntheticRun.Write(run, epochs: [0, 1]);
        AssertBadInput(Cli("trajectory", run, "--shard", shard), [fragment, "i/n"]);
        Assert.That(Directory.Exists(Path.Combine(run, TrajectoryShards.Folder)), Is.False);
    }

    [Test]
    public void ShardWithMergeOrAFitRange_ExitsTwo()
    {
        string run = Path.Combine(Dir, "r");
        SyntheticRun.Write(run, epochs: [0, 1]);
        AssertBadInput(Cli("trajectory", run, "--shard", "0/2", "--merge"), ["--shard and --merge"]);
        AssertBadInput(Cli("trajectory", run, "--shard", "0/2", "--fit-from", "1"), ["--fit-from and --fit-to apply to the merge"]);
        Assert.That(Directory.Exists(Path.Combine(run, TrajectoryShards.Folder)), Is.False);
    }

    [Test]
    public void MoreShardsThanCheckpoints_TheExtraShardsAreEmpty_AndTheMergeIsTheSame()
    {
        string run = Path.Combine(Dir, "few", "reference"), one = Path.Combine(Dir, "one", "reference");
        SyntheticRun.Write(run, epochs: [0, 1, 4]);
        SyntheticRun.Write(one, epochs: [0, 1, 4]);
        for (int i = 0; i < 4; i++) TrajectoryShards.RunShard(run, i, 4);
        Assert.That(TrajectoryShards.Read(Shard(run, 3, 4)).Rows, Is.Empty);
        var merged = TrajectoryShards.Merge(run).Result;
        Assert.That(TrajectoryCsv.Format(merged.Rows), Is.EqualTo(TrajectoryCsv.Format(TrajectoryAnalyzer.Analyze(one).Rows)));
    }
}
