using System.Text.Json;
using NeuralSpin.IO;
using NeuralSpin.Replica;
using NUnit.Framework;

namespace NeuralSpin.Tests.Cli;

[TestFixture, NonParallelizable]
public sealed class ReplicaCommandTests : CliFixture
{
    [Test]
    public void PaperNetworkWithC2GivesTheNotationValue()
    {
        // docs/theory.md section 2: widths 784-512-512-512-10 with C = 2 give T_c = 1.757516.
        string json = PathOf("rep.json");
        var r = Cli("replica", "--widths", "784,512,512,512,10", "--c", "2", "--json", json);
        Assert.That(r.ExitCode, Is.EqualTo(0), r.Stderr);
        using var doc = JsonDocument.Parse(File.ReadAllText(json));
        var root = doc.RootElement;
        Assert.That(root.EnumerateObject().Select(p => p.Name), Is.EquivalentTo(new[] { "widths", "c", "tc", "provenance" }));
        Assert.That(root.GetProperty("widths").EnumerateArray().Select(e => e.GetInt32()), Is.EqualTo(new[] { 784, 512, 512, 512, 10 }));
        Assert.That(root.GetProperty("c").EnumerateArray().Select(e => e.GetDouble()), Is.EqualTo(new[] { 2.0, 2, 2, 2 }), "C expanded per block");
        Assert.That(root.GetProperty("tc").GetDouble(), Is.EqualTo(1.757516).Within(5e-7));
        Assert.That(r.Stdout, Does.Contain("1.7575158"));
    }

    [Test]
    public void TwoEqualLayersGiveTcSquaredEqualToC()
    {
        // docs/theory.md section 2: L = 1 (two layers of equal width) gives T_c^2 = C.
        string json = PathOf("rep.json");
        var r = Cli("replica", "--widths", "300,300", "--c", "0.7", "--json", json);
        Assert.That(r.ExitCode, Is.EqualTo(0), r.Stderr);
        double tc = JsonDocument.Parse(File.ReadAllText(json)).RootElement.GetProperty("tc").GetDouble();
        Assert.That(tc * tc, Is.EqualTo(0.7).Within(1e-12));
        Assert.That(r.Stdout, Does.Contain("equal layers"), "the closed form is shown for equal widths");
    }

    [Test]
    public void PerBlockCIsUsedAsGiven()
    {
        string json = PathOf("rep.json");
        var r = Cli("replica", "--widths", "50,40,30", "--c", "1,3", "--json", json);
        Assert.That(r.ExitCode, Is.EqualTo(0), r.Stderr);
        var root = JsonDocument.Parse(File.ReadAllText(json)).RootElement;
        Assert.That(root.GetProperty("c").EnumerateArray().Select(e => e.GetDouble()), Is.EqualTo(new[] { 1.0, 3.0 }));
        Assert.That(root.GetProperty("tc").GetDouble(), Is.EqualTo(ReplicaHessian.CriticalTemperature([50, 40, 30], [1.0, 3.0])));
        Assert.That(r.Stdout, Does.Not.Contain("equal layers"));
    }
}

[TestFixture, NonParallelizable]
public sealed class InitCommandTests : CliFixture
{
    [Test]
    public void WritesASeededNetworkWithMetadata()
    {
        string a = InitNetwork("a.safetensors", seed: 7);
        string b = InitNetwork("b.safetensors", seed: 7);
        Assert.That(File.ReadAllBytes(a), Is.EqualTo(File.ReadAllBytes(b)), "same seed, same file");
        var w = WeightFile.Load(a);
        Assert.That(w.Widths, Is.EqualTo(new[] { 20, 15, 10 }));
        Assert.That(w.Metadata["widths"], Is.EqualTo("20,15,10"));
        Assert.That(w.Metadata["c"], Is.EqualTo("2,2"));
        Assert.That(w.Metadata["seed"], Is.EqualTo("7"));
    }

    [Test]
    public void NpzAndNarrowDTypes()
    {
        string npz = PathOf("n.npz");
        var r = Cli("init", "--widths", "6,5,4", "--c", "1", "--seed", "2", "--out", npz);
        Assert.That(r.ExitCode, Is.EqualTo(0), r.Stderr);
        Assert.That(WeightFile.Load(npz).Widths, Is.EqualTo(new[] { 6, 5, 4 }));
        string bf = PathOf("b.safetensors");
        r = Cli("init", "--widths", "6,5,4", "--c", "1", "--seed", "2", "--out", bf, "--dtype", "BF16");
        Assert.That(r.ExitCode, Is.EqualTo(0), r.Stderr);
        Assert.That(WeightFile.Load(bf).Layers[0].DType, Is.EqualTo("BF16"));
    }

    [TestCase("--dtype", "I32", "I32")]
    [TestCase("--widths", "20", "--widths")]
    [TestCase("--c", "-1", "--c")]
    public void BadValuesAreUsageErrors(string option, string value, string fragment)
    {
        string outFile = PathOf("x.safetensors");
        var args = new List<string> { "init", "--widths", "20,10", "--c", "2", "--seed", "1", "--out", outFile };
        int i = args.IndexOf(option);
        if (i >= 0) args[i + 1] = value; else args.AddRange([option, value]);
        AssertBadInput(Cli([.. args]), [fragment], outFile);
    }

    [Test]
    public void NpzOnlyTakesF64()
    {
        string outFile = PathOf("x.npz");
        AssertBadInput(Cli("init", "--widths", "20,10", "--c", "2", "--seed", "1", "--out", outFile, "--dtype", "F32"), [outFile], outFile);
    }
}
