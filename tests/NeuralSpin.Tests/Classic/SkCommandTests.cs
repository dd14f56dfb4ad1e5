using System.Text.Json;
using NUnit.Framework;
using NeuralSpin.Tests.Cli;

namespace NeuralSpin.Tests.Classic;

/// <summary><c>neuralspin classic sk</c>: outputs, reproducibility and the bad-input contract.</summary>
[TestFixture, NonParallelizable]
public class SkCommandTests : CliFixture
{
    static readonly string[] Small = { "classic", "sk", "--sizes", "16,32", "--instances", "2", "--n", "16", "--starts", "3", "--branches", "2", "--beta-max", "3",
        "--tap-instances", "2", "--tap-starts", "2" };

    [Test]
    public void SmallRun_WritesCsvPngAndJson_Reproducibly()
    {
        string outDir = PathOf("out"), json = PathOf("sk.json"), json2 = PathOf("sk2.json");
        var r = Cli(Small.Concat(new[] { "--out", outDir, "--json", json }).ToArray());
        Assert.That(r.ExitCode, Is.EqualTo(0), r.Stderr);
        foreach (var f in new[] { "lambda_min.csv", "lambda_min.png", "finite_size.csv", "finite_size_instances.csv", "finite_size.png", "tap_qea.csv", "tap_continuation.csv", "tap_qea.png",
            "tap_states.csv", "tap_branches.csv", "tap_states.png", "tap_marginality.png" })
            Assert.That(File.Exists(Path.Combine(outDir, f)), Is.True, f);
        var png = File.ReadAllBytes(Path.Combine(outDir, "finite_size.png"));
        Assert.That(png.Take(4), Is.EqualTo(new byte[] { 0x89, 0x50, 0x4E, 0x47 }), "PNG signature");
        Assert.That(File.ReadLines(Path.Combine(outDir, "lambda_min.csv")).First(), Is.EqualTo("n,beta,lambda_min,large_n_limit"));
        Assert.That(r.Stdout, Does.Contain("extrapolated T_c").And.Contain("wall time"));

        using var doc = JsonDocument.Parse(File.ReadAllText(json));
        var root = doc.RootElement;
        Assert.That(root.GetProperty("lambda_min_curves").GetArrayLength(), Is.EqualTo(2));
        Assert.That(root.GetProperty("per_size").GetArrayLength(), Is.EqualTo(2));
        Assert.That(root.GetProperty("extrapolation").GetProperty("t_c").GetDouble(), Is.GreaterThan(0));
        Assert.That(root.GetProperty("tap").GetArrayLength(), Is.EqualTo(10));
        Assert.That(root.GetProperty("tap_continuation").GetArrayLength(), Is.EqualTo(10));
        Assert.That(root.GetProperty("tap_continuation")[0].GetProperty("branches").GetInt32(), Is.EqualTo(2));
        var states = root.GetProperty("tap_states");
        Assert.That(states.GetProperty("instances").GetInt32(), Is.EqualTo(2));
        Assert.That(states.GetProperty("searches").GetArrayLength(), Is.EqualTo(8), "eight search temperatures");
        foreach (var x in states.GetProperty("searches").EnumerateArray())
            Assert.That(x.GetProperty("runs").GetInt32(), Is.EqualTo(4), "2 instances x 2 runs");
        Assert.That(File.ReadLines(Path.Combine(outDir, "tap_states.csv")).Count(), Is.EqualTo(9), "header + 8 temperatures");
        Assert.That(File.ReadLines(Path.Combine(outDir, "tap_branches.csv")).First(), Does.StartWith("branch,instance,found_at,temperature,q_ea,plefka"));
        // lambda_min(0) = 1 exactly (I - M(0) = I)
        Assert.That(root.GetProperty("lambda_min_curves")[0].GetProperty("points")[0].GetProperty("lambda_min").GetDouble(), Is.EqualTo(1.0));

        // same seed and thread count: identical numbers (wall time aside)
        var again = Cli(Small.Concat(new[] { "--out", PathOf("out2"), "--json", json2 }).ToArray());
        Assert.That(again.ExitCode, Is.EqualTo(0), again.Stderr);
        Assert.That(WithoutWall(File.ReadAllText(json2)), Is.EqualTo(WithoutWall(File.ReadAllText(json))));
        Assert.That(File.ReadAllText(Path.Combine(PathOf("out2"), "finite_size_instances.csv")), Is.EqualTo(File.ReadAllText(Path.Combine(outDir, "finite_size_instances.csv"))));
    }

    static string WithoutWall(string json) => string.Join("\n", json.Split('\n').Where(l => !l.Contains("\"wall_seconds\"")));

    [TestCase("--sizes", "16,x", "--sizes")]
    [TestCase("--sizes", "2", "--sizes")]
    [TestCase("--coupling", "0", "--coupling")]
    [TestCase("--coupling", "nan", "--coupling")]
    [TestCase("--level", "1", "--level")]
    [TestCase("--instances", "0", "--instances")]
    [TestCase("--n", "3", "--n")]
    [TestCase("--starts", "0", "--starts")]
    [TestCase("--beta-max", "0.5", "--beta-max")]
    [TestCase("--branches", "0", "--branches")]
    [TestCase("--tap-instances", "0", "--tap-instances")]
    [TestCase("--tap-starts", "0", "--tap-starts")]
    [TestCase("--threads", "0", "--threads")]
    public void BadOption_ExitsTwo_WritingNothing(string option, string value, string fragment)
    {
        string outDir = PathOf("out"), json = PathOf("sk.json");
        var args = Small.Where((a, i) => a != option && (i == 0 || Small[i - 1] != option)).Concat(new[] { option, value, "--out", outDir, "--json", json }).ToArray();
        var r = Cli(args);
        AssertBadInput(r, new[] { fragment }, json, Path.Combine(outDir, "lambda_min.csv"));
        Assert.That(Directory.Exists(outDir), Is.False, "no output directory created");
    }

    [Test]
    public void OutIsAFile_ExitsTwo()
    {
        string file = PathOf("occupied");
        File.WriteAllText(file, "x");
        var r = Cli(Small.Concat(new[] { "--out", file }).ToArray());
        AssertBadInput(r, new[] { "--out", "existing file" });
        Assert.That(File.ReadAllText(file), Is.EqualTo("x"));
    }
}
