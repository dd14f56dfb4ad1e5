using System.Globalization;
using System.Text.Json;
using NeuralSpin.Analysis;
using NeuralSpin.IO;
using NeuralSpin.Tap;
using NUnit.Framework;

namespace NeuralSpin.Tests.Cli;

[TestFixture, NonParallelizable]
public sealed class AnalyzeCommandTests : CliFixture
{
    static readonly string[] Keys =
    [
        "widths", "n_spins", "coupling_variance_c", "tc_replica", "beta_c", "tc", "level", "beta_c_corrected",
        "tc_corrected", "curve_min_beta", "curve_min_lambda", "lambda_max_j", "lambda_min_r",
        "first_level_spacing_ratio", "spacing_beta", "elapsed_seconds", "provenance",
    ];

    static JsonElement ReadJson(string path) => JsonDocument.Parse(File.ReadAllText(path)).RootElement;

    static double? Num(JsonElement root, string key) =>
        root.GetProperty(key).ValueKind == JsonValueKind.Null ? null : root.GetProperty(key).GetDouble();

    /// <summary>The invariants every result obeys: the 16 keys of the result and its provenance, T = 1/beta, and the spacing_beta rule.</summary>
    static void AssertConsistent(JsonElement root)
    {
        Assert.That(root.EnumerateObject().Select(p => p.Name).ToHashSet(), Is.EquivalentTo(Keys));
        double? bc = Num(root, "beta_c"), tc = Num(root, "tc");
        Assert.That(tc.HasValue, Is.EqualTo(bc.HasValue));
        if (bc is double b) Assert.That(tc!.Value, Is.EqualTo(1 / b).Within(1e-15).Percent);
        double? bcc = Num(root, "beta_c_corrected"), tcc = Num(root, "tc_corrected");
        Assert.That(tcc.HasValue, Is.EqualTo(bcc.HasValue));
        if (bcc is double b2) Assert.That(tcc!.Value, Is.EqualTo(1 / b2).Within(1e-15).Percent);
        double expected = bcc ?? bc ?? root.GetProperty("curve_min_beta").GetDouble();
        Assert.That(root.GetProperty("spacing_beta").GetDouble(), Is.EqualTo(expected));
        Assert.That(root.GetProperty("n_spins").GetInt32(), Is.EqualTo(root.GetProperty("widths").EnumerateArray().Sum(e => e.GetInt32())));
    }

    [Test]
    public void JsonHasExactlyTheSixteenKeysAndProvenanceAndConsistentValues()
    {
        string net = InitNetwork();
        string json = PathOf("out/r.json");
        var r = Cli("analyze", net, "--json", json);
        Assert.That(r.ExitCode, Is.EqualTo(0), r.Stderr);
        Assert.That(r.Stderr, Is.Empty);
        var root = ReadJson(json);
        AssertConsistent(root);
        Assert.That(root.GetProperty("widths").EnumerateArray().Select(e => e.GetInt32()), Is.EqualTo(new[] { 20, 15, 10 }));
        Assert.That(root.GetProperty("level").ValueKind, Is.EqualTo(JsonValueKind.Null));
        Assert.That(root.GetProperty("beta_c_corrected").ValueKind, Is.EqualTo(JsonValueKind.Null));
        Assert.That(r.Stdout, Does.Contain("T_c replica").And.Contain("lambda_max(J)").And.Contain("s_0 / s_typ"));

        // the JSON is the library's result, numbers round-trip
        var direct = NetworkAnalysis.Run(WeightFile.Load(net).ToBondMatrix());
        Assert.That(root.GetProperty("tc_replica").GetDouble(), Is.EqualTo(direct.TcReplica));
        Assert.That(root.GetProperty("lambda_max_j").GetDouble(), Is.EqualTo(direct.LambdaMaxJ));
        Assert.That(root.GetProperty("curve_min_lambda").GetDouble(), Is.EqualTo(direct.CurveMinLambda));
    }

    [Test]
    public void LevelGivesTheCorrectedTransition()
    {
        string net = InitNetwork();
        string json = PathOf("r.json");
        var r = Cli("analyze", net, "--level", "0.5", "--json", json);
        Assert.That(r.ExitCode, Is.EqualTo(0), r.Stderr);
        var root = ReadJson(json);
        AssertConsistent(root);
        Assert.That(Num(root, "level"), Is.EqualTo(0.5));
        double bcc = Num(root, "beta_c_corrected") ?? double.NaN;
        Assert.That(bcc, Is.GreaterThan(0).And.LessThan(root.GetProperty("curve_min_beta").GetDouble()));
        using var curve = new LambdaMinCurve(WeightFile.Load(net).ToBondMatrix());
        Assert.That(curve.Evaluate(bcc).Value, Is.EqualTo(0.5).Within(1e-6), "lambda_min(beta_c(c_0)) = c_0");
        Assert.That(r.Stdout, Does.Contain("from --level"));
    }

    [Test]
    public void ReferenceGivesItsCurveMinimumAsLevel()
    {
        string net = InitNetwork("trained.safetensors", seed: 1);
        string reference = InitNetwork("untrained.safetensors", seed: 2);
        string json = PathOf("r.json");
        var r = Cli("analyze", net, "--reference", reference, "--json", json);
        Assert.That(r.ExitCode, Is.EqualTo(0), r.Stderr);
        var root = ReadJson(json);
        AssertConsistent(root);
        double expected = NetworkAnalysis.CurveMinimum(WeightFile.Load(reference).ToBondMatrix(), 10).Value;
        Assert.That(Num(root, "level"), Is.EqualTo(expected));
        Assert.That(r.Stdout, Does.Contain("curve minimum of reference"));
    }

    // A reference of other widths (an untrained network of another architecture) still gives its curve minimum as c_0,
    // with a notice naming both widths; the level is checked against the slow independent reference (dense MathNet
    // spectra, a grid then bisection of the Hellmann-Feynman slope), within 1e-9: the value at a smooth minimum is second
    // order in the location (GoldenTolerances.MinimumValueAbsolute allows 1e-10).
    [Test]
    public void ReferenceOfOtherWidths_GivesItsOwnCurveMinimum_WithANotice()
    {
        string net = InitNetwork("trained.safetensors", seed: 1, widths: "20,15,10");
        string reference = InitNetwork("other.safetensors", seed: 2, widths: "12,9,6,4");
        string json = PathOf("r.json");
        var r = Cli("analyze", net, "--reference", reference, "--json", json);
        Assert.That(r.ExitCode, Is.EqualTo(0), r.Stderr);
        string said = System.Text.RegularExpressions.Regex.Replace(r.Stdout + r.Stderr, @"\s+", " "); // notices are wrapped
        Assert.That(said, Does.Contain("has widths 12-9-6-4, the network 20-15-10"));
        var (_, expected) = Golden.IndependentReference.FromSafeTensors(reference).CurveMinimum(10);
        Assert.That(Num(ReadJson(json), "level"), Is.EqualTo(expected).Within(1e-9));
    }

    [Test]
    public void CurveCsvHasTheGrid()
    {
        string net = InitNetwork();
        string csv = PathOf("curve.csv");
        var r = Cli("analyze", net, "--curve", csv, "--curve-points", "11", "--beta-max", "2");
        Assert.That(r.ExitCode, Is.EqualTo(0), r.Stderr);
        var lines = File.ReadAllLines(csv);
        Assert.That(lines[0], Is.EqualTo("beta,lambda_min"));
        Assert.That(lines, Has.Length.EqualTo(12));
        var rows = lines.Skip(1).Select(l => l.Split(',').Select(x => double.Parse(x, CultureInfo.InvariantCulture)).ToArray()).ToList();
        Assert.That(rows[0], Is.EqualTo(new[] { 0.0, 1.0 }), "lambda_min(0) = 1");
        Assert.That(rows[^1][0], Is.EqualTo(2.0));
        for (int i = 0; i < rows.Count; i++) Assert.That(rows[i][0], Is.EqualTo(0.2 * i).Within(1e-12));
        using var curve = new LambdaMinCurve(WeightFile.Load(net).ToBondMatrix());
        Assert.That(rows[5][1], Is.EqualTo(curve.Evaluate(rows[5][0]).Value).Within(1e-9));
    }

    [Test]
    public void IgnoredBiasesAreANoticeAndLayersCanBeNamed()
    {
        var rng = new Random(3);
        double[] Rand(int n) => Enumerable.Range(0, n).Select(_ => rng.NextDouble() - 0.5).ToArray();
        string p = PathOf("mlp.safetensors");
        SafeTensors.Write(p,
        [
            new NamedTensor("fc1.weight", "F64", [8, 12], Rand(96)),
            new NamedTensor("fc1.bias", "F64", [8], Rand(8)),
            new NamedTensor("fc2.weight", "F64", [5, 8], Rand(40)),
        ]);
        var r = Cli("analyze", p, "--json", PathOf("a.json"));
        Assert.That(r.ExitCode, Is.EqualTo(0), r.Stderr);
        Assert.That(r.Stdout, Does.Contain("notice:").And.Contain("fc1.bias"));
        Assert.That(ReadJson(PathOf("a.json")).GetProperty("widths").EnumerateArray().Select(e => e.GetInt32()), Is.EqualTo(new[] { 12, 8, 5 }));

        r = Cli("analyze", p, "--layers", "fc1.weight", "--json", PathOf("b.json"));
        Assert.That(r.ExitCode, Is.EqualTo(0), r.Stderr);
        Assert.That(ReadJson(PathOf("b.json")).GetProperty("widths").EnumerateArray().Select(e => e.GetInt32()), Is.EqualTo(new[] { 12, 8 }));
    }

    [Test]
    public void HelpListsTheOptions()
    {
        var r = Cli("analyze", "--help");
        Assert.That(r.ExitCode, Is.EqualTo(0));
        foreach (var o in new[] { "--reference", "--level", "--layers", "--beta-max", "--json", "--curve", "--curve-points", "--threads" })
            Assert.That(r.Stdout, Does.Contain(o));
        Assert.That(Cli("replica", "--help").Stdout, Does.Contain("--widths"));
        Assert.That(Cli("init", "--help").Stdout, Does.Contain("--dtype"));
    }
}
