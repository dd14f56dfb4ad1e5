using System.Text.Json;
using NeuralSpin.Classic;
using NeuralSpin.Tests.Cli;
using NeuralSpin.Tests.Support;
using NUnit.Framework;

namespace NeuralSpin.Tests.Classic;

/// <summary><c>neuralspin classic hopfield</c>: files, JSON keys and values, reproducibility, and the bad-input contract.</summary>
[TestFixture]
public class HopfieldCommandTests : CliFixture
{
    // a small, fast configuration: 2 sizes x 3 loads x 3 sets at T = 0, 3 temperatures, no phase diagram
    static readonly string[] Small =
    [
        "classic", "hopfield", "--sizes", "100,200", "--alphas", "0.05,0.15,0.3", "--samples", "3", "--temperatures", "0,0.5,1.5",
        "--phase-size", "100", "--phase-samples", "2", "--burn-in", "5", "--measure", "5", "--no-phase-diagram", "--seed", "7",
    ];

    [Test]
    public void SmallRun_WritesCsvPngJson_WithAgsNumbers()
    {
        string outDir = PathOf("out"), json = PathOf("r.json");
        var r = Cli([.. Small, "--out", outDir, "--json", json]);
        Assert.That(r.ExitCode, Is.EqualTo(0), r.Stderr);
        foreach (var f in new[] { "overlap_vs_alpha.csv", "overlap_vs_alpha.png", "alpha_c_vs_n.csv", "ags_overlap_t0.csv", "overlap_vs_temperature.csv", "overlap_vs_temperature.png" })
            Assert.That(File.Exists(Path.Combine(outDir, f)), Is.True, f);
        Assert.That(File.Exists(Path.Combine(outDir, "phase_diagram.png")), Is.False, "--no-phase-diagram");
        Assert.That(r.Stdout, Does.Contain("wall time"));
        using var doc = JsonDocument.Parse(File.ReadAllText(json));
        var root = doc.RootElement;
        // the JSON carries the library's numbers unchanged (round-trip doubles)
        Assert.That(root.GetProperty("ags").GetProperty("alpha_c").GetDouble(), Is.EqualTo(AgsTheory.CriticalLoad));
        Assert.That(root.GetProperty("ags").GetProperty("m_at_alpha_c").GetDouble(), Is.EqualTo(AgsTheory.CriticalOverlap));
        Assert.That(root.GetProperty("ags").GetProperty("boundaries").ValueKind, Is.EqualTo(JsonValueKind.Null));
        var curve = root.GetProperty("overlap_vs_alpha").EnumerateArray().ToList();
        Assert.That(curve, Has.Count.EqualTo(6));
        Assert.That(root.GetProperty("alpha_c_n").GetArrayLength(), Is.EqualTo(2));
        // P = round(alpha N): 0.15 x 200 = 30
        Assert.That(curve.Single(p => p.GetProperty("n").GetInt32() == 200 && p.GetProperty("patterns").GetInt32() == 30).GetProperty("alpha").GetDouble(), Is.EqualTo(0.15));
        // alpha = 0.05 retrieves (AGS m = 0.99999; failures essentially impossible at this load, see HopfieldDynamicsTests)
        foreach (var p in curve.Where(p => p.GetProperty("alpha").GetDouble() == 0.05))
            Assert.That(p.GetProperty("mean_overlap").GetDouble(), Is.GreaterThan(0.9));
        var csv = File.ReadAllLines(Path.Combine(outDir, "overlap_vs_alpha.csv"));
        Assert.That(csv[0], Is.EqualTo("n,patterns,alpha,temperature,mean_overlap,standard_error,success_fraction,samples"));
        Assert.That(csv, Has.Length.EqualTo(7));
    }

    [Test]
    public void SameSeed_GivesIdenticalCurves()
    {
        string a = PathOf("a.json"), b = PathOf("b.json");
        Assert.That(Cli([.. Small, "--out", PathOf("oa"), "--json", a]).ExitCode, Is.EqualTo(0));
        Assert.That(Cli([.. Small, "--out", PathOf("ob"), "--json", b]).ExitCode, Is.EqualTo(0));
        Assert.That(File.ReadAllText(Path.Combine(PathOf("oa"), "overlap_vs_alpha.csv")), Is.EqualTo(File.ReadAllText(Path.Combine(PathOf("ob"), "overlap_vs_alpha.csv"))));
        Assert.That(File.ReadAllText(Path.Combine(PathOf("oa"), "overlap_vs_temperature.csv")), Is.EqualTo(File.ReadAllText(Path.Combine(PathOf("ob"), "overlap_vs_temperature.csv"))));
    }

    [TestCase("--sizes", "100,,200", "--sizes")]
    [TestCase("--sizes", "1", "--sizes")]
    [TestCase("--alphas", "0.1,-0.2", "--alphas")]
    [TestCase("--alphas", "abc", "--alphas")]
    [TestCase("--level", "1.5", "--level")]
    [TestCase("--samples", "0", "--samples")]
    [TestCase("--flip-fraction", "0.7", "--flip-fraction")]
    [TestCase("--temperature", "-1", "--temperature")]
    [TestCase("--phase-temperatures", "0,0.5", "--phase-temperatures")]
    [TestCase("--measure", "0", "--measure")]
    public void BadOption_ExitsTwo_WritesNothing(string option, string value, string named)
    {
        string outDir = PathOf("out"), json = PathOf("r.json");
        var r = Cli("classic", "hopfield", option, value, "--out", outDir, "--json", json);
        AssertBadInput(r, [named], json, Path.Combine(outDir, "overlap_vs_alpha.csv"));
        Assert.That(Directory.Exists(outDir), Is.False, "no output directory created");
    }

    [Test]
    public void JsonPathIsDirectory_OrOutIsFile_ExitsTwo()
    {
        AssertBadInput(Cli("classic", "hopfield", "--json", Dir), ["--json", "directory"]);
        string file = PathOf("existing.txt");
        File.WriteAllText(file, "x");
        AssertBadInput(Cli("classic", "hopfield", "--out", file), ["--out", "existing file"]);
    }
}
