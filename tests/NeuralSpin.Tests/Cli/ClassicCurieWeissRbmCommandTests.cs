using System.Text.Json;
using NeuralSpin.Classic;
using NeuralSpin.IO;
using NeuralSpin.Ising;
using NeuralSpin.Tests.Classic;
using NUnit.Framework;

namespace NeuralSpin.Tests.Cli;

/// <summary><c>neuralspin classic curie-weiss</c> and <c>classic rbm</c> end to end, against the library, plus the bad-input contract.</summary>
[TestFixture]
public class ClassicCurieWeissRbmCommandTests : CliFixture
{
    static JsonElement ReadJson(string path) => JsonDocument.Parse(File.ReadAllText(path)).RootElement;

    // ------------------------------------------------------------------ curie-weiss

    [Test]
    public void CurieWeiss_Json_HasStableSolution_Branches_Exponent_AndFiniteSizes()
    {
        // Values are the library's (same code path), so equality is to the last bit through JSON round-trip; the textbook
        // checks (exponent 1/2, T_c = J) carry the tolerances of CurieWeissTests.
        string json = PathOf("cw.json"), dir = PathOf("cw");
        var r = Cli("classic", "curie-weiss", "--temperature", "0.7", "--field", "0.05", "--sizes", "10,200", "--points", "21", "--json", json, "--out", dir);
        Assert.That(r.ExitCode, Is.EqualTo(0), r.Stderr);
        var j = ReadJson(json);
        var sol = CurieWeiss.Solve(0.7, 0.05);
        Assert.That(j.GetProperty("tc").GetDouble(), Is.EqualTo(1.0));
        Assert.That(j.GetProperty("magnetization").GetDouble(), Is.EqualTo(sol.Stable.M));
        Assert.That(j.GetProperty("free_energy").GetDouble(), Is.EqualTo(sol.Stable.FreeEnergy));
        var branches = j.GetProperty("branches").EnumerateArray().ToArray();
        Assert.That(branches.Select(b => b.GetProperty("stability").GetString()), Is.EqualTo(new[] { "metastable", "unstable", "stable" }));
        Assert.That(branches.Select(b => b.GetProperty("m").GetDouble()), Is.EqualTo(sol.Branches.Select(b => b.M)));
        Assert.That(j.GetProperty("critical_exponent_beta").GetDouble(), Is.EqualTo(0.5).Within(1e-3));
        Assert.That(j.GetProperty("critical_exponent_gamma").GetDouble(), Is.EqualTo(1.0).Within(1e-4));
        var fs = j.GetProperty("finite_size").EnumerateArray().ToArray();
        Assert.That(fs.Select(f => f.GetProperty("n").GetInt32()), Is.EqualTo(new[] { 10, 200 }));
        var exact = CurieWeissFiniteSize.Compute(200, 0.7, 0.05);
        Assert.That(fs[1].GetProperty("free_energy").GetDouble(), Is.EqualTo(exact.FreeEnergy));
        Assert.That(fs[1].GetProperty("mean_abs_m").GetDouble(), Is.EqualTo(exact.MeanAbsM));
        foreach (var f in new[] { "magnetization.csv", "finite_size.csv", "free_energy.csv", "exponents.csv", "distribution.csv",
                                  "magnetization.png", "free_energy.png", "exponents.png", "distribution.png" })
            Assert.That(new FileInfo(Path.Combine(dir, f)).Length, Is.GreaterThan(100), f);
        // m(T) CSV: 21 temperatures, three branches at T = 0 (|h| < J), one at T = 2
        var lines = File.ReadAllLines(Path.Combine(dir, "magnetization.csv"));
        Assert.That(lines[0], Is.EqualTo("temperature,branch,m,free_energy,stability"));
        Assert.That(lines.Count(l => l.StartsWith("0,")), Is.EqualTo(3));
        Assert.That(lines.Count(l => l.StartsWith("2,")), Is.EqualTo(1));
        Assert.That(r.Stdout, Does.Contain("wall time"));
    }

    [Test]
    public void CurieWeiss_ZeroFieldBelowTc_ReportsPositiveDegenerateSolution()
    {
        string json = PathOf("cw.json");
        var r = Cli("classic", "curie-weiss", "--temperature", "0.5", "--coupling", "2", "--points", "5", "--sizes", "4", "--json", json, "--out", PathOf("o"));
        Assert.That(r.ExitCode, Is.EqualTo(0), r.Stderr);
        var j = ReadJson(json);
        Assert.That(j.GetProperty("tc").GetDouble(), Is.EqualTo(2.0));
        Assert.That(j.GetProperty("degenerate").GetBoolean(), Is.True);
        double m = j.GetProperty("magnetization").GetDouble();
        Assert.That(m, Is.GreaterThan(0));
        Assert.That(j.GetProperty("stable_magnetizations").EnumerateArray().Select(x => x.GetDouble()), Is.EqualTo(new[] { -m, m }));
    }

    static IEnumerable<TestCaseData> CurieWeissBadOptions()
    {
        yield return new TestCaseData(new[] { "--temperature", "-1" }, "--temperature");
        yield return new TestCaseData(new[] { "--temperature", "NaN" }, "--temperature");
        yield return new TestCaseData(new[] { "--temperature", "1", "--coupling", "0" }, "--coupling");
        yield return new TestCaseData(new[] { "--temperature", "1", "--coupling", "-1" }, "--coupling");
        yield return new TestCaseData(new[] { "--temperature", "1", "--field", "Infinity" }, "--field");
        yield return new TestCaseData(new[] { "--temperature", "1", "--sizes", "10,0" }, "--sizes");
        yield return new TestCaseData(new[] { "--temperature", "1", "--sizes", "10,,20" }, "--sizes");
        yield return new TestCaseData(new[] { "--temperature", "1", "--sizes", "abc" }, "--sizes");
        yield return new TestCaseData(new[] { "--temperature", "1", "--t-min", "2", "--t-max", "1" }, "--t-max");
        yield return new TestCaseData(new[] { "--temperature", "1", "--t-min", "-0.5" }, "--t-min");
        yield return new TestCaseData(new[] { "--temperature", "1", "--points", "1" }, "--points");
    }

    [TestCaseSource(nameof(CurieWeissBadOptions))]
    public void CurieWeiss_BadOption_ExitsTwo_WritesNothing(string[] args, string fragment)
    {
        string json = PathOf("cw.json"), dir = PathOf("out");
        var r = Cli(["classic", "curie-weiss", .. args, "--json", json, "--out", dir]);
        AssertBadInput(r, [fragment], json, Path.Combine(dir, "magnetization.csv"));
        Assert.That(Directory.Exists(dir), Is.False, "no output directory");
    }

    // ------------------------------------------------------------------ rbm

    string WriteRbmNpz(Rbm rbm, string name, bool aliases = false)
    {
        string p = PathOf(name);
        var tensors = new List<NamedTensor>
        {
            new(aliases ? "weights" : "W", "<f8", [rbm.Visible, rbm.Hidden], rbm.Weights.ToArray()),
            new(aliases ? "visible_bias" : "b", "<f8", [rbm.Visible], rbm.VisibleBias.ToArray()),
            new(aliases ? "hidden_bias" : "c", "<f8", [rbm.Hidden], rbm.HiddenBias.ToArray()),
        };
        if (name.EndsWith(".safetensors")) SafeTensors.Write(p, tensors); else Npz.Write(p, tensors);
        return p;
    }

    [Test]
    public void Rbm_Weights_JsonMatchesLibrary_AndModelOutFeedsIsingEnumerate()
    {
        // J, h, constant and deviations are the library's; the model written by --model-out, enumerated by 'ising enumerate',
        // must reproduce ln Z_quad + const = ln Z_Ising (relative 1e-12: both are 2^8-term sums).
        var rbm = RbmTests.RandomRbm(8, 3, 99, scale: 0.5);
        string w = WriteRbmNpz(rbm, "rbm.npz"), json = PathOf("rbm.json"), model = PathOf("eff.npz");
        var r = Cli("classic", "rbm", "--weights", w, "--json", json, "--out", PathOf("o"), "--model-out", model);
        Assert.That(r.ExitCode, Is.EqualTo(0), r.Stderr);
        var j = ReadJson(json);
        var q = rbm.QuadraticExpansion();
        var dev = RbmDeviation.Compute(rbm);
        Assert.That(j.GetProperty("n_visible").GetInt32(), Is.EqualTo(8));
        Assert.That(j.GetProperty("n_hidden").GetInt32(), Is.EqualTo(3));
        var jj = j.GetProperty("J").EnumerateArray().Select(row => row.EnumerateArray().Select(x => x.GetDouble()).ToArray()).ToArray();
        Assert.That(jj, Has.Length.EqualTo(8));
        for (int i = 0; i < 8; i++) Assert.That(jj[i], Is.EqualTo(Enumerable.Range(0, 8).Select(k => q.Model.Coupling(i, k)).ToArray()));
        Assert.That(j.GetProperty("h").EnumerateArray().Select(x => x.GetDouble()), Is.EqualTo(q.Model.FieldsCopy()));
        Assert.That(j.GetProperty("constant").GetDouble(), Is.EqualTo(q.Constant));
        Assert.That(j.GetProperty("max_deviation").GetDouble(), Is.EqualTo(dev.MaxAbsDeviation));
        Assert.That(j.GetProperty("kl_divergence").GetDouble(), Is.EqualTo(dev.KlDivergence!.Value));
        Assert.That(j.GetProperty("exhaustive").GetBoolean(), Is.True);
        Assert.That(j.GetProperty("states_checked").GetInt64(), Is.EqualTo(256));
        Assert.That(IsingModelFile.Read(model).CouplingsCopy(), Is.EqualTo(q.Model.CouplingsCopy()));
        var e = Cli("ising", "enumerate", "--model", model, "--json", PathOf("e.json"));
        Assert.That(e.ExitCode, Is.EqualTo(0), e.Stderr);
        double f = ReadJson(PathOf("e.json")).GetProperty("free_energy_per_spin").GetDouble();
        Assert.That(-f * 8 - q.Constant, Is.EqualTo(dev.LogZQuadratic!.Value).Within(1e-12 * Math.Abs(dev.LogZQuadratic!.Value)));
        Assert.That(File.Exists(Path.Combine(PathOf("o"), "scatter.png")), Is.True);
    }

    [Test]
    public void Rbm_AliasNames_Safetensors_AndNpy_AreRead()
    {
        var rbm = RbmTests.RandomRbm(5, 2, 7);
        foreach (var path in new[] { WriteRbmNpz(rbm, "a.safetensors", aliases: true), WriteRbmNpz(rbm, "b.npz", aliases: true) })
        {
            var read = RbmFile.Read(path);
            Assert.That(read.Weights.ToArray(), Is.EqualTo(rbm.Weights.ToArray()));
            Assert.That(read.VisibleBias.ToArray(), Is.EqualTo(rbm.VisibleBias.ToArray()));
            Assert.That(read.HiddenBias.ToArray(), Is.EqualTo(rbm.HiddenBias.ToArray()));
        }
        string npy = PathOf("w.npy");
        Npy.Write(npy, new NamedTensor("anything", "<f8", [5, 2], rbm.Weights.ToArray()));
        var fromNpy = RbmFile.Read(npy);
        Assert.That(fromNpy.Weights.ToArray(), Is.EqualTo(rbm.Weights.ToArray()));
        Assert.That(fromNpy.VisibleBias.ToArray(), Is.EqualTo(new double[5]));
        var r = Cli("classic", "rbm", "--weights", npy, "--json", PathOf("n.json"), "--out", PathOf("o"));
        Assert.That(r.ExitCode, Is.EqualTo(0), r.Stderr);
    }

    [Test]
    public void Rbm_LargeVisible_IsSampled_AndSaysSo()
    {
        // N_v = 24 > 22: seeded random states, exhaustive false, no KL, a notice on stdout; reproducible for a seed.
        var rbm = RbmTests.RandomRbm(24, 2, 5, scale: 0.3);
        string w = WriteRbmNpz(rbm, "big.npz");
        var r = Cli("classic", "rbm", "--weights", w, "--samples", "3000", "--seed", "4", "--json", PathOf("a.json"), "--out", PathOf("o"));
        Assert.That(r.ExitCode, Is.EqualTo(0), r.Stderr);
        Assert.That(r.Stdout, Does.Contain("random states"));
        var j = ReadJson(PathOf("a.json"));
        Assert.That(j.GetProperty("exhaustive").GetBoolean(), Is.False);
        Assert.That(j.GetProperty("states_checked").GetInt64(), Is.EqualTo(3000));
        Assert.That(j.GetProperty("kl_divergence").ValueKind, Is.EqualTo(JsonValueKind.Null));
        Assert.That(j.GetProperty("max_deviation").GetDouble(),
            Is.EqualTo(RbmDeviation.Compute(rbm, new RbmDeviationOptions { Samples = 3000, Seed = 4 }).MaxAbsDeviation));
    }

    [Test]
    public void Rbm_Demo_SlopesAreFourAndThree()
    {
        // The demo sweep (N_v = 8, seed 1, scales 1e-3..0.03 where higher orders are below 1%): the fitted log-log slopes of
        // max |H_eff - H_quad| are 4 (c = 0) and 3 (c != 0) to within 0.05 (next-order relative corrections ~ scale^2 resp. scale).
        string json = PathOf("d.json"), dir = PathOf("demo");
        var r = Cli("classic", "rbm", "--demo", "--visible", "8", "--hidden", "2", "--scale-min", "0.001", "--scale-max", "0.03", "--points", "6",
            "--json", json, "--out", dir);
        Assert.That(r.ExitCode, Is.EqualTo(0), r.Stderr);
        var d = ReadJson(json).GetProperty("demo");
        Assert.That(d.GetProperty("slope_c0").GetDouble(), Is.EqualTo(4).Within(0.05));
        Assert.That(d.GetProperty("slope_c").GetDouble(), Is.EqualTo(3).Within(0.05));
        Assert.That(File.ReadAllLines(Path.Combine(dir, "scaling.csv")), Has.Length.EqualTo(7));
        Assert.That(new FileInfo(Path.Combine(dir, "scaling.png")).Length, Is.GreaterThan(1000));
        // bit-for-bit reproducible for a seed
        var again = Cli("classic", "rbm", "--demo", "--visible", "8", "--hidden", "2", "--scale-min", "0.001", "--scale-max", "0.03", "--points", "6",
            "--json", PathOf("d2.json"), "--out", PathOf("demo2"));
        Assert.That(again.ExitCode, Is.EqualTo(0));
        Assert.That(File.ReadAllText(Path.Combine(PathOf("demo2"), "scaling.csv")), Is.EqualTo(File.ReadAllText(Path.Combine(dir, "scaling.csv"))));
    }

    static IEnumerable<TestCaseData> MalformedRbmFiles()
    {
        double[] w6 = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6];
        yield return new TestCaseData("nw.npz", new NamedTensor[] { new("b", "<f8", [3], [0, 0, 0]) }, "no weight matrix 'W'").SetName("Rbm_File_MissingW");
        yield return new TestCaseData("rank.npz", new NamedTensor[] { new("W", "<f8", [6], w6) }, "must be a non-empty N_v x N_h matrix").SetName("Rbm_File_WrongRank");
        yield return new TestCaseData("rank3.safetensors", new NamedTensor[] { new("W", "F64", [1, 2, 3], w6) }, "must be a non-empty N_v x N_h matrix").SetName("Rbm_File_Rank3");
        yield return new TestCaseData("nan.npz", new NamedTensor[] { new("W", "<f8", [3, 2], [0.1, double.NaN, 0, 0, 0, 0]) }, "W[0, 1] is NaN").SetName("Rbm_File_NaN");
        yield return new TestCaseData("inf.npz", new NamedTensor[] { new("W", "<f8", [3, 2], w6), new("c", "<f8", [2], [double.PositiveInfinity, 0]) }, "c[0] is").SetName("Rbm_File_InfBias");
        yield return new TestCaseData("b.npz", new NamedTensor[] { new("W", "<f8", [3, 2], w6), new("b", "<f8", [2], [0, 0]) }, "must have shape (3,)").SetName("Rbm_File_VisibleBiasLength");
        yield return new TestCaseData("c.npz", new NamedTensor[] { new("W", "<f8", [3, 2], w6), new("hidden_bias", "<f8", [3], [0, 0, 0]) }, "must have shape (2,)").SetName("Rbm_File_HiddenBiasLength");
        yield return new TestCaseData("two.npz", new NamedTensor[] { new("W", "<f8", [3, 2], w6), new("weights", "<f8", [3, 2], w6) }, "both 'W' and 'weights'").SetName("Rbm_File_TwoNames");
    }

    [TestCaseSource(nameof(MalformedRbmFiles))]
    public void Rbm_MalformedFile_ExitsTwo_WritesNothing(string name, NamedTensor[] tensors, string fragment)
    {
        string p = PathOf(name);
        if (name.EndsWith(".safetensors")) SafeTensors.Write(p, tensors); else Npz.Write(p, tensors);
        string json = PathOf("r.json"), model = PathOf("m.npz"), dir = PathOf("out");
        var r = Cli("classic", "rbm", "--weights", p, "--json", json, "--model-out", model, "--out", dir);
        AssertBadInput(r, [name, fragment], json, model, Path.Combine(dir, "scatter.csv"));
    }

    [Test]
    public void Rbm_UnreadableFiles_ExitTwo()
    {
        string json = PathOf("r.json");
        AssertBadInput(Cli("classic", "rbm", "--weights", PathOf("missing.npz"), "--json", json), ["missing.npz", "does not exist"], json);
        File.WriteAllText(PathOf("junk.npz"), "not a zip");
        AssertBadInput(Cli("classic", "rbm", "--weights", PathOf("junk.npz"), "--json", json), ["junk.npz"], json);
        File.WriteAllText(PathOf("w.csv"), "1,2");
        AssertBadInput(Cli("classic", "rbm", "--weights", PathOf("w.csv"), "--json", json), ["w.csv", ".npz"], json);
    }

    static IEnumerable<TestCaseData> RbmBadOptions()
    {
        yield return new TestCaseData(new string[0], "--demo");
        yield return new TestCaseData(new[] { "--demo", "--weights", "x.npz" }, "exclude");
        yield return new TestCaseData(new[] { "--demo", "--visible", "23" }, "--visible");
        yield return new TestCaseData(new[] { "--demo", "--visible", "0" }, "--visible");
        yield return new TestCaseData(new[] { "--demo", "--hidden", "0" }, "--hidden");
        yield return new TestCaseData(new[] { "--demo", "--scale", "0" }, "--scale");
        yield return new TestCaseData(new[] { "--demo", "--scale-min", "1", "--scale-max", "0.5" }, "--scale-max");
        yield return new TestCaseData(new[] { "--demo", "--points", "1" }, "--points");
        yield return new TestCaseData(new[] { "--demo", "--samples", "0" }, "--samples");
        yield return new TestCaseData(new[] { "--demo", "--model-out", "m.csv" }, "--model-out");
    }

    [TestCaseSource(nameof(RbmBadOptions))]
    public void Rbm_BadOption_ExitsTwo_WritesNothing(string[] args, string fragment)
    {
        string json = PathOf("r.json"), dir = PathOf("out");
        var r = Cli(["classic", "rbm", .. args, "--json", json, "--out", dir]);
        AssertBadInput(r, [fragment], json);
        Assert.That(Directory.Exists(dir), Is.False, "no output directory");
    }
}
