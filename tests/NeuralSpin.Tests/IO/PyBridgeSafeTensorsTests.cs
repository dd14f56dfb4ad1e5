using System.Text.Json;
using NeuralSpin.IO;
using NUnit.Framework;
using TorchSharp;
using TorchSharp.PyBridge;
using static TorchSharp.torch;

namespace NeuralSpin.Tests.IO;

/// <summary>
/// Safetensors files and HuggingFace-style sharded checkpoints against a second, independent implementation of the
/// format: TorchSharp.PyBridge (its <c>Safetensors.SaveStateDict</c> writes the files, its <c>load_checkpoint</c> reads a
/// sharded directory through <c>model.safetensors.index.json</c>). No Python safetensors producer installs here, so this is
/// the real producer and consumer the sharded layout gets. Properties: (1) files PyBridge writes read through our readers to
/// exactly the tensors written (float32 and float64 exact, float16 and bfloat16 to their rounding of the written values);
/// (2) the committed sharded fixtures (tests/fixtures/models/run_sharded, written by make_model_fixtures.py) and a directory of
/// PyBridge-written shards load through PyBridge to the same weights our reader gives, bit for bit.
/// </summary>
[NonParallelizable]
public sealed class PyBridgeSafeTensorsTests : TempDirFixture
{
    static Dictionary<string, NamedTensor> Expected(string prefix) =>
        Npz.Read(ModelReaderTests.Fixture("expected.npz")).Where(t => t.Name.StartsWith(prefix + "/", StringComparison.Ordinal))
            .Select(t => t with { Name = t.Name[(prefix.Length + 1)..] }).ToDictionary(t => t.Name);

    static Tensor ToTorch(NamedTensor t, ScalarType dtype) =>
        tensor(t.Data, t.Shape.Select(d => (long)d).ToArray(), ScalarType.Float64).to_type(dtype);

    /// <summary>The fixture MLP 12-8-6-4 with biases, as torch.nn.Sequential names its parameters (0, 2, 4; ReLUs between).</summary>
    static nn.Module<Tensor, Tensor> Mlp(bool bias, params int[] widths)
    {
        var layers = new List<(string, nn.Module<Tensor, Tensor>)>();
        for (int k = 0; k + 1 < widths.Length; k++)
        {
            if (k > 0) layers.Add(((2 * k - 1).ToString(System.Globalization.CultureInfo.InvariantCulture), nn.ReLU()));
            layers.Add(((2 * k).ToString(System.Globalization.CultureInfo.InvariantCulture), nn.Linear(widths[k], widths[k + 1], hasBias: bias)));
        }
        return nn.Sequential(layers);
    }

    static double[] Values(Tensor t) => t.to_type(ScalarType.Float64).contiguous().data<double>().ToArray();

    [TestCase(ScalarType.Float32, "F32")]
    [TestCase(ScalarType.Float64, "F64")]
    [TestCase(ScalarType.Float16, "F16")]
    [TestCase(ScalarType.BFloat16, "BF16")]
    public void Safetensors_file_written_by_PyBridge_reads_to_the_written_tensors(ScalarType dtype, string name)
    {
        // the expected values are the written tensors themselves (already rounded to dtype by torch), so the reader's
        // widening to float64 must be exact for every dtype
        var e = Expected("mlp");
        using var scope = NewDisposeScope();
        var dict = e.Values.ToDictionary(t => t.Name, t => ToTorch(t, dtype));
        string path = PathOf($"pybridge-{name}.safetensors");
        Safetensors.SaveStateDict(path, dict);

        var loaded = WeightFile.Load(path);
        Assert.That(loaded.Layers.Select(l => l.Name), Is.EqualTo(new[] { "0.weight", "2.weight", "4.weight" }));
        Assert.That(loaded.Layers[0].DType, Is.EqualTo(name));
        foreach (var l in loaded.Layers.Concat(loaded.Ignored))
        {
            Assert.That(l.Shape, Is.EqualTo(e[l.Name].Shape), l.Name);
            Assert.That(l.Data, Is.EqualTo(Values(dict[l.Name])), l.Name);
        }
    }

    [Test]
    public void Sharded_directory_of_PyBridge_written_shards_reads_the_same_through_PyBridge_and_through_ours()
    {
        var e = Expected("mlp");
        using var scope = NewDisposeScope();
        string dir = PathOf("sharded");
        Directory.CreateDirectory(dir);
        string[][] shards = [["0.weight", "0.bias", "2.weight"], ["2.bias", "4.weight", "4.bias"]];
        var map = new Dictionary<string, string>();
        for (int s = 0; s < shards.Length; s++)
        {
            string file = $"model-{s + 1:00000}-of-{shards.Length:00000}.safetensors";
            Safetensors.SaveStateDict(Path.Combine(dir, file), shards[s].ToDictionary(n => n, n => ToTorch(e[n], ScalarType.Float32)));
            foreach (var n in shards[s]) map[n] = file;
        }
        // the index in save_pretrained's layout (the one part no installed producer writes)
        File.WriteAllText(Path.Combine(dir, ShardedSafeTensors.IndexName),
            JsonSerializer.Serialize(new { metadata = new { total_size = e.Values.Sum(t => 4L * t.Data.Length) }, weight_map = map }));

        AssertSameThroughBoth(dir, Mlp(bias: true, 12, 8, 6, 4), expectIgnored: 3);
        var ours = WeightFile.Load(dir);
        foreach (var l in ours.Layers)
            Assert.That(l.Data, Is.EqualTo(e[l.Name].Data.Select(v => (double)(float)v).ToArray()), $"{l.Name}: the float32 rounding of the written weights");
    }

    static IEnumerable<string> ShardedFixtureCheckpoints() =>
        Directory.GetDirectories(Path.Combine(ModelReaderTests.Fixture("run_sharded"), "checkpoints")).Order(StringComparer.Ordinal);

    [TestCaseSource(nameof(ShardedFixtureCheckpoints))]
    public void Committed_sharded_fixture_reads_the_same_through_PyBridge_and_through_ours(string checkpointDir)
    {
        var ours = WeightFile.Load(checkpointDir);
        using var scope = NewDisposeScope();
        AssertSameThroughBoth(checkpointDir, Mlp(bias: false, [.. ours.Widths]), expectIgnored: 0);
    }

    /// <summary>Loads <paramref name="dir"/> with PyBridge's load_checkpoint (strict: every parameter of the module must be
    /// in the checkpoint and nothing else) and with our reader, and compares every weight matrix bit for bit.</summary>
    static void AssertSameThroughBoth(string dir, nn.Module<Tensor, Tensor> module, int expectIgnored)
    {
        foreach (var p in module.parameters()) using (no_grad()) p.zero_();
        module.load_checkpoint(dir, null, true, null, null, false);
        var theirs = module.state_dict();
        var ours = WeightFile.Load(dir);
        Assert.That(ours.Ignored, Has.Count.EqualTo(expectIgnored));
        Assert.That(ours.Layers.Select(l => l.Name), Is.EquivalentTo(theirs.Keys.Where(k => k.EndsWith(".weight", StringComparison.Ordinal))));
        foreach (var l in ours.Layers.Concat(ours.Ignored))
        {
            Assert.That(l.Shape, Is.EqualTo(theirs[l.Name].shape), l.Name);
            Assert.That(l.Data, Is.EqualTo(Values(theirs[l.Name])), $"{l.Name}: our reader against PyBridge's load_checkpoint");
        }
    }
}
