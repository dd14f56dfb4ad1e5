using System.Text.Json;
using NeuralSpin.IO;
using NUnit.Framework;

namespace NeuralSpin.Tests.IO;

/// <summary>
/// The PyTorch, ONNX, Keras and sharded-safetensors readers against files written by the real producers:
/// tests/fixtures/models/ was written once by make_model_fixtures.py there (torch 1.13 for .pt/.pth/.bin and the ONNX
/// exports, onnx 1.12 for external data, h5py 3.7 for the Keras layouts, which follow Keras's documented layouts because
/// Keras itself is not installable here), and expected.npz holds every tensor as float64 written by numpy.savez from the
/// same torch modules. Property checked: every format reads to exactly the weights PyTorch holds, in PyTorch's (out, in)
/// orientation; float32 storage is exact in float64, float16/bfloat16 to their rounding.
/// </summary>
[NonParallelizable]
public sealed class ModelReaderTests : TempDirFixture
{
    static string FixtureDir
    {
        get
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir != null; dir = dir.Parent)
                if (File.Exists(Path.Combine(dir.FullName, "Verification.sln")))
                    return Path.Combine(dir.FullName, "tests", "fixtures", "models");
            throw new DirectoryNotFoundException($"no Verification.sln above {AppContext.BaseDirectory}; cannot locate tests/fixtures/models/");
        }
    }

    public static string Fixture(string name) => Path.Combine(FixtureDir, name);

    static Dictionary<string, NamedTensor> Expected(string prefix) =>
        Npz.Read(Fixture("expected.npz")).Where(t => t.Name.StartsWith(prefix + "/", StringComparison.Ordinal))
            .Select(t => t with { Name = t.Name[(prefix.Length + 1)..] }).ToDictionary(t => t.Name);

    static readonly string[] MlpWeights = ["0.weight", "2.weight", "4.weight"];

    /// <summary>Relative tolerance of a value stored in <paramref name="dtype"/>: half its unit roundoff (F32/F64 exact).</summary>
    static double Tolerance(string dtype) => dtype switch { "F16" => Math.Pow(2, -11), "BF16" => Math.Pow(2, -8), _ => 0 };

    static void AssertSame(NamedTensor expected, NamedTensor actual, string dtype)
    {
        Assert.That(actual.Shape, Is.EqualTo(expected.Shape), $"{actual.Name}: shape");
        double tol = Tolerance(dtype);
        for (int i = 0; i < expected.Data.Length; i++)
            Assert.That(actual.Data[i], Is.EqualTo(expected.Data[i]).Within(tol * Math.Abs(expected.Data[i])), $"{actual.Name}[{i}]");
    }

    [TestCase("mlp.pt", "F32")]
    [TestCase("mlp.bin", "F32")]
    [TestCase("mlp_f64.pt", "F64")]
    [TestCase("mlp_f16.pt", "F16")]
    [TestCase("mlp_bf16.pt", "BF16")]
    [TestCase("mlp_nested.pth", "F32")]
    public void PyTorch_state_dict_reads_to_the_torch_weights(string file, string dtype)
    {
        var expected = Expected("mlp");
        var loaded = WeightFile.Load(Fixture(file));
        Assert.That(loaded.Layers.Select(l => l.Name), Is.EqualTo(MlpWeights));
        Assert.That(loaded.Widths, Is.EqualTo(new[] { 12, 8, 6, 4 }));
        foreach (var l in loaded.Layers) AssertSame(expected[l.Name], l, dtype);
        Assert.That(loaded.Ignored.Select(t => t.Name), Is.EquivalentTo(new[] { "0.bias", "2.bias", "4.bias" }));
        foreach (var b in loaded.Ignored) AssertSame(expected[b.Name], b, dtype);
        Assert.That(loaded.Layers[0].DType, Is.EqualTo(dtype));
    }

    [Test]
    public void Nested_checkpoint_names_its_key_and_keeps_scalars_as_metadata()
    {
        using var m = ModelFile.Open(Fixture("mlp_nested.pth"));
        Assert.That(m.Notes, Has.Some.Contains("'model'"));
        Assert.That(m.Metadata["epoch"], Is.EqualTo("3"));
        Assert.That(m.Format, Is.EqualTo("pytorch"));
    }

    [Test]
    public void Legacy_torch_save_format_is_refused_with_how_to_resave()
    {
        string p = Fixture("mlp_legacy.pt");
        ExpectWeightFileError(p, () => WeightFile.Load(p), "legacy", "torch.save(torch.load(");
    }

    [Test]
    public void Pickled_whole_module_is_refused_with_how_to_resave()
    {
        string p = Fixture("mlp_module.pt");
        ExpectWeightFileError(p, () => WeightFile.Load(p), "whole module", "model.state_dict()");
    }

    [TestCase("mlp.onnx")]
    [TestCase("mlp_external.onnx")]
    public void Onnx_initializers_read_to_the_torch_weights(string file)
    {
        var expected = Expected("mlp");
        var loaded = WeightFile.Load(Fixture(file));
        Assert.That(loaded.Layers.Select(l => l.Name), Is.EqualTo(MlpWeights));
        foreach (var l in loaded.Layers) AssertSame(expected[l.Name], l, "F32");
    }

    [Test]
    public void Onnx_matmul_weights_stored_in_by_out_are_transposed_to_out_by_in()
    {
        // torch exports nn.Linear(bias=False) as MatMul with the weight stored (in, out)
        var expected = Expected("mlp_nobias");
        var loaded = WeightFile.Load(Fixture("mlp_nobias.onnx"));
        Assert.That(loaded.Widths, Is.EqualTo(new[] { 12, 8, 4 }));
        var byShape = expected.Values.ToList();
        for (int k = 0; k < 2; k++) AssertSame(byShape[k], loaded.Layers[k], "F32");
    }

    [Test]
    public void Onnx_external_data_missing_is_reported_with_its_location()
    {
        File.Copy(Fixture("mlp_external.onnx"), PathOf("m.onnx"));
        string p = PathOf("m.onnx");
        ExpectWeightFileError(p, () => WeightFile.Load(p), "mlp_external.onnx.data", "does not exist");
    }

    [TestCase("mlp_keras2.h5")]
    [TestCase("mlp_keras2_model.h5")]
    [TestCase("mlp.weights.h5")]
    [TestCase("mlp.keras")]
    public void Keras_layouts_read_to_the_torch_weights_in_torch_orientation(string file)
    {
        var expected = Expected("mlp");
        var loaded = WeightFile.Load(Fixture(file));
        Assert.That(loaded.Widths, Is.EqualTo(new[] { 12, 8, 6, 4 }), "Dense kernels (in, out) become (out, in)");
        for (int k = 0; k < 3; k++) AssertSame(expected[MlpWeights[k]], loaded.Layers[k], "F32");
        Assert.That(loaded.Ignored, Has.Count.EqualTo(3), "the three biases");
    }

    [Test]
    public void Keras_conv_kernels_become_out_in_kh_kw()
    {
        var expected = Expected("cnn");
        using var m = ModelFile.Open(Fixture("cnn_keras2.h5"));
        var convs = m.Tensors.Where(t => t.Rank == 4).ToList();
        Assert.That(convs, Has.Count.EqualTo(2));
        AssertSame(expected["0.weight"], convs[0].Load(), "F32");
        AssertSame(expected["2.weight"], convs[1].Load(), "F32");
    }

    [TestCase("cnn.pt")]
    [TestCase("cnn.onnx")]
    [TestCase("cnn_keras2.h5")]
    public void Conv_net_is_refused_by_the_spin_model_with_a_pointer_to_the_per_layer_analysis(string file)
    {
        string p = Fixture(file);
        ExpectWeightFileError(p, () => WeightFile.Load(p), "not couplings of the fully connected spin model", "neuralspin layers");
    }

    [Test]
    public void Layers_accepts_globs_in_numeric_name_order()
    {
        var loaded = WeightFile.Load(Fixture("mlp.pt"), ["*.weight"]);
        Assert.That(loaded.Layers.Select(l => l.Name), Is.EqualTo(MlpWeights));
        var two = WeightFile.Load(Fixture("mlp.pt"), ["0.weight", "2.w?ight"]);
        Assert.That(two.Layers.Select(l => l.Name), Is.EqualTo(new[] { "0.weight", "2.weight" }));
        string p = Fixture("mlp.pt");
        ExpectWeightFileError(p, () => WeightFile.Load(p, ["fc*"]), "pattern 'fc*' matches none", "'0.weight'");
        ExpectWeightFileError(p, () => WeightFile.Load(p, ["0.weight", "*.weight"]), "listed twice", "'*.weight'");
    }

    /// <summary>Writes the mlp as HuggingFace-style shards (the project's safetensors writer, which the safetensors tests
    /// check byte by byte against the format) with an index in save_pretrained's layout.</summary>
    string WriteSharded(Action<Dictionary<string, string>>? editMap = null)
    {
        var e = Expected("mlp");
        string dir = PathOf("sharded");
        Directory.CreateDirectory(dir);
        SafeTensors.Write(Path.Combine(dir, "model-00001-of-00002.safetensors"), [e["0.weight"], e["0.bias"], e["2.weight"]], null, "F32");
        SafeTensors.Write(Path.Combine(dir, "model-00002-of-00002.safetensors"), [e["2.bias"], e["4.weight"], e["4.bias"]], null, "F32");
        var map = new Dictionary<string, string>
        {
            ["0.weight"] = "model-00001-of-00002.safetensors", ["0.bias"] = "model-00001-of-00002.safetensors",
            ["2.weight"] = "model-00001-of-00002.safetensors", ["2.bias"] = "model-00002-of-00002.safetensors",
            ["4.weight"] = "model-00002-of-00002.safetensors", ["4.bias"] = "model-00002-of-00002.safetensors",
        };
        editMap?.Invoke(map);
        File.WriteAllText(Path.Combine(dir, ShardedSafeTensors.IndexName),
            JsonSerializer.Serialize(new { metadata = new { total_size = 1234 }, weight_map = map }));
        return dir;
    }

    [Test]
    public void Sharded_safetensors_directory_and_index_read_to_the_torch_weights()
    {
        var expected = Expected("mlp");
        string dir = WriteSharded();
        foreach (var p in new[] { dir, Path.Combine(dir, ShardedSafeTensors.IndexName) })
        {
            var loaded = WeightFile.Load(p);
            Assert.That(loaded.Layers.Select(l => l.Name), Is.EqualTo(MlpWeights));
            foreach (var l in loaded.Layers) AssertSame(expected[l.Name], l, "F32");
        }
    }

    [Test]
    public void Sharded_index_that_disagrees_with_its_shards_is_refused()
    {
        string dir = WriteSharded(m => m["4.weight"] = "model-00001-of-00002.safetensors");
        string index = Path.Combine(dir, ShardedSafeTensors.IndexName);
        ExpectWeightFileError(index, () => WeightFile.Load(dir), "'4.weight'");
    }

    [Test]
    public void Sharded_index_naming_a_missing_shard_is_refused()
    {
        string dir = WriteSharded(m => m["4.bias"] = "model-00003-of-00003.safetensors");
        string index = Path.Combine(dir, ShardedSafeTensors.IndexName);
        ExpectWeightFileError(index, () => WeightFile.Load(dir), "model-00003-of-00003.safetensors", "does not exist");
    }

    [TestCase("bin")]
    [TestCase("weights")]
    public void PyTorch_and_keras_files_are_recognised_from_their_content(string ext)
    {
        File.Copy(Fixture("mlp.pt"), PathOf("a." + ext));
        Assert.That(WeightFile.Load(PathOf("a." + ext)).Widths, Is.EqualTo(new[] { 12, 8, 6, 4 }));
        File.Copy(Fixture("mlp_keras2.h5"), PathOf("b." + ext));
        Assert.That(WeightFile.Load(PathOf("b." + ext)).Widths, Is.EqualTo(new[] { 12, 8, 6, 4 }));
        File.Copy(Fixture("mlp_legacy.pt"), PathOf("c." + ext));
        ExpectWeightFileError(PathOf("c." + ext), () => WeightFile.Load(PathOf("c." + ext)), "legacy");
    }
}
