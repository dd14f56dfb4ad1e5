using System.Security.Cryptography;
using System.Text.Json;
using NUnit.Framework;

namespace NeuralSpin.Tests.Cli;

/// <summary>
/// Every JSON output carries its provenance: the NeuralSpin version and the commit of the build, the schema version,
/// and the SHA-256 and size of each input file (hashed here independently with System.Security.Cryptography).
/// </summary>
[TestFixture, NonParallelizable]
public sealed class ProvenanceTests : CliFixture
{
    static JsonElement Provenance(string json) => JsonDocument.Parse(File.ReadAllText(json)).RootElement.GetProperty("provenance");

    static void AssertBuild(JsonElement p)
    {
        Assert.That(p.GetProperty("neuralspin_version").GetString(), Does.Match(@"^\d+\.\d+\.\d+"));
        // the build stamps the git revision it was made from (a 40-hex-digit SHA-1) into the assembly
        Assert.That(p.GetProperty("commit").GetString(), Does.Match("^[0-9a-f]{40}$"));
        Assert.That(p.GetProperty("schema_version").GetInt32(), Is.EqualTo(NeuralSpin.Reporting.Provenance.CurrentSchemaVersion));
    }

    [Test]
    public void Analyze_NamesBothInputsWithTheirHashes()
    {
        string net = InitNetwork("a.safetensors", seed: 1), reference = InitNetwork("b.safetensors", seed: 2), json = PathOf("r.json");
        var r = Cli("analyze", net, "--reference", reference, "--json", json);
        Assert.That(r.ExitCode, Is.EqualTo(0), r.Stderr);
        var p = Provenance(json);
        AssertBuild(p);
        var inputs = p.GetProperty("inputs").EnumerateArray().ToList();
        Assert.That(inputs.Select(i => i.GetProperty("path").GetString()), Is.EqualTo(new[] { net, reference }));
        foreach (var i in inputs)
        {
            string path = i.GetProperty("path").GetString()!;
            Assert.That(i.GetProperty("sha256").GetString(), Is.EqualTo(Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(path)))));
            Assert.That(i.GetProperty("bytes").GetInt64(), Is.EqualTo(new FileInfo(path).Length));
        }
    }

    [Test]
    public void Replica_WithoutInputFiles_HasAnEmptyInputList()
    {
        string json = PathOf("replica.json");
        var r = Cli("replica", "--widths", "10,10", "--c", "1", "--json", json);
        Assert.That(r.ExitCode, Is.EqualTo(0), r.Stderr);
        var p = Provenance(json);
        AssertBuild(p);
        Assert.That(p.GetProperty("inputs").GetArrayLength(), Is.EqualTo(0));
        // the result's own keys are kept beside it
        Assert.That(JsonDocument.Parse(File.ReadAllText(json)).RootElement.GetProperty("tc").GetDouble(), Is.EqualTo(1.0).Within(1e-12),
            "two equal layers with C = 1: T_c = sqrt(C) = 1");
    }
}
