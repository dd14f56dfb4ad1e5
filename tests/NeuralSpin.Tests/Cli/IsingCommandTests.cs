using System.Globalization;
using System.Text.Json;
using NeuralSpin.IO;
using NeuralSpin.Ising;
using NeuralSpin.Tests.Ising;
using NUnit.Framework;

namespace NeuralSpin.Tests.Cli;

/// <summary><c>neuralspin ising ...</c> end to end on small models (N &lt;= 10), against the library.</summary>
[TestFixture]
public class IsingCommandTests : CliFixture
{
    static readonly string[] ThermoKeys = ["n_spins", "converged", "iterations", "free_energy_per_spin", "energy_per_spin", "entropy_per_spin", "magnetizations", "provenance"];

    string WriteModel(IsingModel model, string name = "model.npz")
    {
        string p = PathOf(name);
        IsingModelFile.Write(p, model);
        return p;
    }

    static JsonElement ReadJson(string path) => JsonDocument.Parse(File.ReadAllText(path)).RootElement;

    static IsingModel Random6(int seed = 11, double beta = 1) => IsingReference.RandomModel(6, new Random(seed), scale: 0.5, fieldScale: 0.3, beta: beta);

    [Test]
    public void Enumerate_JsonHasExactlyTheKeys_AndMatchesExactEnumeration()
    {
        var model = Random6();
        string json = PathOf("out.json");
        var r = Cli("ising", "enumerate", "--model", WriteModel(model), "--beta", "0.8", "--json", json);
        Assert.That(r.ExitCode, Is.EqualTo(0), r.Stderr);
        var e = ExactEnumeration.Compute(model.WithBeta(0.8));
        var j = ReadJson(json);
        Assert.That(j.EnumerateObject().Select(p => p.Name), Is.EquivalentTo(ThermoKeys));
        Assert.That(j.GetProperty("n_spins").GetInt32(), Is.EqualTo(6));
        Assert.That(j.GetProperty("converged").GetBoolean(), Is.True);
        Assert.That(j.GetProperty("iterations").GetInt32(), Is.EqualTo(0));
        Assert.That(j.GetProperty("free_energy_per_spin").GetDouble(), Is.EqualTo(-e.LogZ / (0.8 * 6)).Within(1e-12));
        Assert.That(j.GetProperty("energy_per_spin").GetDouble(), Is.EqualTo(e.MeanEnergy / 6).Within(1e-12));
        Assert.That(j.GetProperty("entropy_per_spin").GetDouble(), Is.EqualTo(e.Entropy / 6).Within(1e-12));
        var m = j.GetProperty("magnetizations").EnumerateArray().Select(x => x.GetDouble()).ToArray();
        Assert.That(m, Is.EqualTo(e.Magnetizations).Within(1e-12));
    }

    [Test]
    public void Bethe_OnATree_EqualsEnumerate()
    {
        var tree = BpTestSupport.RandomTree(new Random(5), 8, 0.9, 0.4, beta: 1.0);
        string model = WriteModel(tree, "tree.safetensors");
        Assert.That(Cli("ising", "enumerate", "--model", model, "--json", PathOf("e.json")).ExitCode, Is.EqualTo(0));
        var r = Cli("ising", "bethe", "--model", model, "--damping", "0.2", "--max-iterations", "500", "--json", PathOf("b.json"));
        Assert.That(r.ExitCode, Is.EqualTo(0), r.Stderr);
        var e = ReadJson(PathOf("e.json")); var b = ReadJson(PathOf("b.json"));
        Assert.That(b.EnumerateObject().Select(p => p.Name), Is.EquivalentTo(ThermoKeys));
        Assert.That(b.GetProperty("converged").GetBoolean(), Is.True);
        Assert.That(b.GetProperty("iterations").GetInt32(), Is.GreaterThan(0));
        foreach (var k in new[] { "free_energy_per_spin", "energy_per_spin", "entropy_per_spin" })
            Assert.That(b.GetProperty(k).GetDouble(), Is.EqualTo(e.GetProperty(k).GetDouble()).Within(1e-9), k);
        Assert.That(b.GetProperty("magnetizations").EnumerateArray().Select(x => x.GetDouble()),
            Is.EqualTo(e.GetProperty("magnetizations").EnumerateArray().Select(x => x.GetDouble())).Within(1e-9));
    }

    /// <summary>
    /// Planted N = 6 model, M = 40 000 exact samples. Pseudolikelihood is consistent; its coupling error is
    /// O(1/sqrt(M)) ~ 0.005-0.01 per entry here, so max |J_fit - J| &lt; 0.06 and max |h_fit - h| &lt; 0.06 hold with a wide margin.
    /// </summary>
    [Test]
    public void Fit_PlRecoversAPlantedModel_AndEveryMethodRuns()
    {
        var planted = Random6(21);
        var samples = ExactEnumeration.Sample(planted, 40_000, new Random(22));
        string configs = PathOf("configs.npy");
        samples.Write(configs);
        var r = Cli("ising", "fit", "--configs", configs, "--method", "pl", "--out", PathOf("pl.npz"), "--json", PathOf("pl.json"));
        Assert.That(r.ExitCode, Is.EqualTo(0), r.Stderr);
        var fit = IsingModelFile.Read(PathOf("pl.npz"));
        for (int i = 0; i < 6; i++)
        {
            Assert.That(fit.Field(i), Is.EqualTo(planted.Field(i)).Within(0.06), $"h_{i}");
            for (int k = 0; k < 6; k++) Assert.That(fit.Coupling(i, k), Is.EqualTo(planted.Coupling(i, k)).Within(0.06), $"J_{i}{k}");
        }
        var j = ReadJson(PathOf("pl.json"));
        Assert.That(j.GetProperty("method").GetString(), Is.EqualTo("pl"));
        Assert.That(j.GetProperty("n_samples").GetInt32(), Is.EqualTo(40_000));
        Assert.That(j.GetProperty("n_spins").GetInt32(), Is.EqualTo(6));
        Assert.That(j.GetProperty("rms_moment_error").GetDouble(), Is.LessThan(0.02));

        // mf/tap are approximate (error O(J^2), O(J^3)) and bp exact only on trees: check them on a weakly coupled planted model
        var weak = IsingReference.RandomModel(6, new Random(23), scale: 0.15, fieldScale: 0.3);
        ExactEnumeration.Sample(weak, 40_000, new Random(24)).Write(configs);
        foreach (var method in new[] { "mf", "tap", "bp", "pl" })
        {
            var rr = Cli("ising", "fit", "--configs", configs, "--method", method, "--out", PathOf(method + ".txt"), "--json", PathOf(method + ".json"));
            Assert.That(rr.ExitCode, Is.EqualTo(0), method + ": " + rr.Stderr);
            Assert.That(File.Exists(PathOf(method + ".txt")), Is.True);
            double rms = ReadJson(PathOf(method + ".json")).GetProperty("rms_moment_error").GetDouble();
            TestContext.Out.WriteLine($"{method}: rms {rms}");
            Assert.That(rms, Is.LessThan(0.03), method);
        }
    }

    [Test]
    public void Fit_AcceptsThePackedEnsembleFormat()
    {
        var planted = Random6(31);
        var samples = ExactEnumeration.Sample(planted, 2000, new Random(32));
        string packed = PathOf("configs.nspack");
        PackedConfigurations.From(samples).Write(packed);
        var r = Cli("ising", "fit", "--configs", packed, "--method", "mf", "--out", PathOf("mf.npz"), "--json", PathOf("mf.json"));
        Assert.That(r.ExitCode, Is.EqualTo(0), r.Stderr);
        Assert.That(ReadJson(PathOf("mf.json")).GetProperty("n_samples").GetInt32(), Is.EqualTo(2000));
    }

    [Test]
    public void Landscape_WritesCsvPngAndJson()
    {
        var model = Random6(41);
        var reference = ExactEnumeration.Compute(model).GroundState;
        string refPath = PathOf("ref.npy");
        new Configurations(6, reference).Write(refPath);
        string csv = PathOf("land.csv"), png = PathOf("land.png"), json = PathOf("land.json");
        var r = Cli("ising", "landscape", "--model", WriteModel(model), "--reference", refPath, "--x-min", "0", "--x-max", "3", "--x-steps", "7",
            "--out", csv, "--plot", png, "--json", json);
        Assert.That(r.ExitCode, Is.EqualTo(0), r.Stderr);
        var lines = File.ReadAllLines(csv);
        Assert.That(lines[0], Does.StartWith("x,q,d,e,s,bound,direction"));
        Assert.That(lines.Length, Is.EqualTo(1 + 2 * 7));
        Assert.That(lines.Count(l => l.Contains(",up,")), Is.EqualTo(7));
        Assert.That(lines.Count(l => l.Contains(",down,")), Is.EqualTo(7));
        var bytes = File.ReadAllBytes(png);
        Assert.That(bytes.Take(4), Is.EqualTo(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G' }));
        var j = ReadJson(json);
        Assert.That(j.GetProperty("n_points").GetInt32(), Is.EqualTo(7));
        Assert.That(j.TryGetProperty("has_hysteresis", out _), Is.True);
        // d at the largest x is small: the tilt pulls the measure onto the reference
        var last = lines[7].Split(',');
        Assert.That(double.Parse(last[2], CultureInfo.InvariantCulture), Is.LessThan(0.1));

        var iso = Cli("ising", "landscape", "--model", WriteModel(model), "--reference", refPath, "--x-steps", "3", "--iso-energy", "--out", PathOf("iso.csv"));
        Assert.That(iso.ExitCode, Is.EqualTo(0), iso.Stderr);
    }

    [Test]
    public void Tap_HighTemperatureOneParamagneticPoint_LowTemperatureFerromagnetSeveral()
    {
        string model = WriteModel(TapFixedPointsTests.Ferromagnet(8, 1.0, 1.0), "ferro.npz");
        string json = PathOf("hot.json"), png = PathOf("hot.png");
        var r = Cli("ising", "tap", "--model", model, "--beta", "0.5", "--starts", "40", "--seed", "1", "--json", json, "--plot", png);
        Assert.That(r.ExitCode, Is.EqualTo(0), r.Stderr);
        var j = ReadJson(json);
        Assert.That(j.GetProperty("n_fixed_points").GetInt32(), Is.EqualTo(1));
        var fp = j.GetProperty("fixed_points")[0];
        Assert.That(fp.GetProperty("count").GetInt32(), Is.EqualTo(40));
        foreach (var m in fp.GetProperty("magnetizations").EnumerateArray()) Assert.That(m.GetDouble(), Is.EqualTo(0).Within(1e-8));
        Assert.That(File.Exists(png), Is.True);

        var cold = Cli("ising", "tap", "--model", model, "--beta", "2", "--starts", "40", "--seed", "1", "--json", PathOf("cold.json"));
        Assert.That(cold.ExitCode, Is.EqualTo(0), cold.Stderr);
        var c = ReadJson(PathOf("cold.json"));
        Assert.That(c.GetProperty("n_fixed_points").GetInt32(), Is.GreaterThanOrEqualTo(2));
        Assert.That(Math.Abs(c.GetProperty("fixed_points")[0].GetProperty("mean_magnetization").GetDouble()), Is.GreaterThan(0.5));
    }

    [Test]
    public void Sample_WritesPlusMinusOneNpyOfTheRightShape()
    {
        string outPath = PathOf("s.npy");
        var r = Cli("ising", "sample", "--model", WriteModel(Random6()), "--samples", "50", "--sampler", "metropolis", "--burn-in", "10", "--thin", "2", "--seed", "3", "--out", outPath);
        Assert.That(r.ExitCode, Is.EqualTo(0), r.Stderr);
        var c = Configurations.Read(outPath);
        Assert.That(c.SampleCount, Is.EqualTo(50));
        Assert.That(c.SpinCount, Is.EqualTo(6));
    }

    [Test]
    public void HelpForEverySubcommand()
    {
        foreach (var sub in new[] { "enumerate", "bethe", "fit", "landscape", "tap", "sample" })
        {
            var r = Cli("ising", sub, "--help");
            Assert.That(r.ExitCode, Is.EqualTo(0), sub);
            Assert.That(r.Stdout, Does.Contain("--"), sub);
        }
    }

    // ------------------------------------------------------------------ bad input

    string TextModel(string name, string text)
    {
        string p = PathOf(name);
        File.WriteAllText(p, text);
        return p;
    }

    [TestCase("asym.txt", "2 1\n0 1\n0.5 0\n0 0\n", "symmetric")]
    [TestCase("diag.txt", "2 1\n0.3 1\n1 0\n0 0\n", "diagonal")]
    [TestCase("shape.txt", "3 1\n0 1\n1 0\n0 0\n", "")]
    [TestCase("nan.txt", "2 1\n0 NaN\nNaN 0\n0 0\n", "")]
    public void MalformedModel_ExitsTwo(string name, string text, string fragment)
    {
        string model = TextModel(name, text);
        string json = PathOf("out.json");
        var r = Cli("ising", "enumerate", "--model", model, "--json", json);
        AssertBadInput(r, fragment == "" ? ["model file"] : ["model file", fragment], json);
        var b = Cli("ising", "bethe", "--model", model, "--json", json);
        AssertBadInput(b, ["model file"], json);
    }

    [Test]
    public void MissingModel_ExitsTwo()
    {
        string json = PathOf("out.json");
        AssertBadInput(Cli("ising", "tap", "--model", PathOf("nope.npz"), "--json", json), ["model file", "does not exist"], json);
    }

    [Test]
    public void ConfigsWithValuesOtherThanPlusMinusOne_ExitTwo()
    {
        string configs = PathOf("bad.npy");
        Configurations.WriteInt8Npy(configs, [1, -1, 0, 1, 1, -1], 2, 3);
        string outPath = PathOf("fit.npz");
        AssertBadInput(Cli("ising", "fit", "--configs", configs, "--method", "mf", "--out", outPath), ["configurations file", "not -1 or +1"], outPath);
    }

    [Test]
    public void ConfigsOfTheWrongShape_ExitTwo()
    {
        string configs = PathOf("flat.npy");
        Npy.Write(configs, new NamedTensor("x", "<f8", [4], [1, -1, 1, 1]));
        string outPath = PathOf("fit.npz");
        AssertBadInput(Cli("ising", "fit", "--configs", configs, "--method", "pl", "--out", outPath), ["configurations file", "2-D"], outPath);

        // a reference whose length is not the model's
        string refPath = PathOf("ref.npy");
        Configurations.WriteInt8Npy(refPath, [1, -1, 1], 1, 3);
        string csv = PathOf("land.csv");
        AssertBadInput(Cli("ising", "landscape", "--model", WriteModel(Random6()), "--reference", refPath, "--out", csv), ["3 spins", "6"], csv);
    }

    [Test]
    public void BadOptionValues_ExitTwo()
    {
        string model = WriteModel(Random6());
        string json = PathOf("o.json");
        AssertBadInput(Cli("ising", "bethe", "--model", model, "--damping", "1", "--json", json), ["--damping"], json);
        AssertBadInput(Cli("ising", "tap", "--model", model, "--starts", "0", "--json", json), ["--starts"], json);
        AssertBadInput(Cli("ising", "fit", "--configs", PathOf("x.npy"), "--method", "magic", "--out", PathOf("m.npz")), ["magic"], PathOf("m.npz"));
        AssertBadInput(Cli("ising", "sample", "--model", model, "--samples", "0", "--out", PathOf("s.npy")), ["--samples"], PathOf("s.npy"));
    }
}
