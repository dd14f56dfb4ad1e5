using NeuralSpin.Numerics;
using System.Diagnostics;
using NeuralSpin.Cli;
using NUnit.Framework;

namespace NeuralSpin.Tests.Fuzzing;

/// <summary>
/// The commands that read user files, on mutated inputs (<see cref="ReaderFuzzTests.BuildFormats"/>): the exit code
/// is 0 or 2 (never 1, "internal error"), a refusal is one <c>error:</c> paragraph without a stack trace, and a
/// refused run leaves no output file (nor a temporary one) behind.
/// </summary>
[TestFixture, NonParallelizable]
public sealed class CliFuzzTests
{
    public const int FastCases = 120;
    public const int SlowCases = 3000;
    string _seeds = "";
    Dictionary<string, FuzzFormat> _formats = new();

    [OneTimeSetUp]
    public void Seeds()
    {
        _seeds = Path.Combine(Path.GetTempPath(), "neuralspin-clifuzz-seeds-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(_seeds);
        _formats = ReaderFuzzTests.BuildFormats(_seeds).ToDictionary(f => f.Name);
    }

    [OneTimeTearDown]
    public void Remove()
    {
        if (Directory.Exists(_seeds)) Directory.Delete(_seeds, true);
    }

    /// <summary>The command per format: its arguments for an input (file or run directory) and the outputs it would write.</summary>
    static (string[] Args, string[] Outputs) Command(string format, string target, string dir) => format switch
    {
        "safetensors" or "npy" or "npz" => (["analyze", target, "--json", Path.Combine(dir, "a.json"), "--curve", Path.Combine(dir, "c.csv"), "--curve-points", "3"],
            [Path.Combine(dir, "a.json"), Path.Combine(dir, "c.csv")]),
        "ising-model" => (["ising", "enumerate", "--model", target, "--json", Path.Combine(dir, "e.json")], [Path.Combine(dir, "e.json")]),
        "configurations-npy" or "packed-configurations" => (["ising", "fit", "--configs", target, "--method", "mf", "--l2", "0.1", "--out", Path.Combine(dir, "fit.npz")],
            [Path.Combine(dir, "fit.npz")]),
        "checkpoints" => (["trajectory", target], [Path.Combine(target, "trajectory.csv")]),
        _ => throw new ArgumentOutOfRangeException(nameof(format)),
    };

    public static IEnumerable<string> CliFormats => ["safetensors", "npy", "npz", "ising-model", "configurations-npy", "packed-configurations", "checkpoints"];

    [TestCaseSource(nameof(CliFormats))]
    public void Fast(string format) => Run(format, format == "checkpoints" ? FastCases / 3 : FastCases, 99);

    [TestCaseSource(nameof(CliFormats)), Category("Slow")]
    public void Slow(string format) => Run(format, SlowCases, 12345);

    void Run(string formatName, int cases, int seed)
    {
        var format = _formats[formatName];
        string root = Path.Combine(Path.GetTempPath(), $"neuralspin-clifuzz-{formatName}-{Guid.NewGuid():N}");
        var violations = new List<string>();
        int ok = 0, refused = 0;
        var sw = Stopwatch.StartNew();
        try
        {
            for (int i = 0; i < cases && violations.Count < 10; i++)
            {
                var rng = FuzzHarness.CaseRandom(seed, i);
                var s = format.Seeds[rng.Next(format.Seeds.Count)];
                var bytes = format.Mutate(s.Bytes, rng);
                string caseDir = Path.Combine(root, $"case-{i}");
                Directory.CreateDirectory(caseDir);
                var (target, file) = format.Place(caseDir, bytes, s);
                var (args, outputs) = Command(formatName, target, caseDir);
                var o = new StringWriter(); var e = new StringWriter();
                int code = -1;
                var task = Task.Run(() => code = CliApp.Run(args, o, e));
                string? problem = null;
                if (!task.Wait(TimeSpan.FromSeconds(60))) problem = "no answer within 60 s";
                else if (code == 0) ok++;
                else if (code != 2) problem = $"exit {code}: {e}";
                else
                {
                    string err = e.ToString();
                    if (!err.StartsWith("error: ", StringComparison.Ordinal) || err.TrimEnd('\n', '\r').Contains('\n') || err.Contains("   at "))
                        problem = $"refusal is not one paragraph: {err}";
                    foreach (var f in outputs)
                    {
                        if (File.Exists(f)) problem = $"refused but wrote {f}";
                        string d = Path.GetDirectoryName(f)!;
                        if (Directory.Exists(d) && Directory.GetFiles(d, Path.GetFileName(f) + ".tmp-*").Length > 0) problem = $"left a temporary of {f}";
                    }
                    string plots = Path.Combine(target, "plots");
                    if (formatName == "checkpoints" && Directory.Exists(plots) && Directory.EnumerateFiles(plots).Any()) problem = "refused but wrote plots";
                    if (problem is null) refused++;
                }
                if (problem != null)
                {
                    string saved = Path.Combine(TestContext.CurrentContext.WorkDirectory, "fuzz-failures", $"cli-{formatName}-s{seed}-c{i}{Path.GetExtension(s.Extension)}");
                    Directory.CreateDirectory(Path.GetDirectoryName(saved)!);
                    File.WriteAllBytes(saved, bytes);
                    violations.Add($"cli {formatName} seed {seed} case {i} (saved as {saved}): {problem}");
                }
                if (task.IsCompleted) Directory.Delete(caseDir, true);
            }
        }
        finally
        {
            try { Directory.Delete(root, true); } catch (IOException) { }
        }
        TestContext.Out.WriteLine($"cli fuzz {formatName} ({string.Join(" ", Command(formatName, "IN", "DIR").Args.Take(2))}): {cases} cases in {sw.Elapsed.TotalSeconds:F2} s: {ok} exit 0, {refused} exit 2, {violations.Count} violations");
        foreach (var v in violations) TestContext.Out.WriteLine("  " + v);
        Assert.That(violations, Is.Empty, violations.FirstOrDefault());
    }
}
