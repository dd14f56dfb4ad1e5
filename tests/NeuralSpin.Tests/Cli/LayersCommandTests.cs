using System.Globalization;
using System.Text.Json;
using NeuralSpin.Layers;
using NeuralSpin.Tests.IO;
using NUnit.Framework;

namespace NeuralSpin.Tests.Cli;

/// <summary>
/// <c>neuralspin layers</c> on the producers' fixtures (tests/fixtures/models): table, JSON, CSV and plots agree with the
/// library, conv nets get the per-layer analysis with the spin-model message, biases are reported as fields, and bad
/// input exits 2 with nothing written.
/// </summary>
[TestFixture, NonParallelizable]
public sealed class LayersCommandTests : CliFixture
{
    [TestCase("mlp.pt")]
    [TestCase("mlp.onnx")]
    [TestCase("mlp_keras2.h5")]
    [TestCase("mlp.keras")]
    public void Every_format_gives_the_same_metrics_table_json_csv_and_plots(string file)
    {
        string json = PathOf("out/l.json"), csv = PathOf("out/l.csv"), plots = PathOf("out/plots");
        var r = Cli("layers", ModelReaderTests.Fixture(file), "--json", json, "--csv", csv, "--plots", plots);
        Assert.That(r.ExitCode, Is.EqualTo(0), r.Stderr + r.Stdout);
        Assert.That(r.Stdout, Does.Contain("Per-layer spectra").And.Contain("spin model: the 3 matrices chain (widths 12-8-6-4)"));
        var root = JsonDocument.Parse(File.ReadAllText(json)).RootElement;
        var layers = root.GetProperty("layers").EnumerateArray().ToList();
        Assert.That(layers, Has.Count.EqualTo(3));
        Assert.That(layers.All(l => l.GetProperty("bias").ValueKind == JsonValueKind.Object), "each Linear's bias is its field h");
        // the same weights in every format: the spectral norm of the first layer equals the torch state dict's
        var reference = LayerAnalysis.Run(ModelReaderTests.Fixture("mlp.pt"));
        Assert.That(layers[0].GetProperty("log_spectral_norm").GetDouble(), Is.EqualTo(reference.Layers[0].Metrics.LogSpectralNorm).Within(1e-12));
        var lines = File.ReadAllLines(csv);
        Assert.That(lines[0], Is.EqualTo(string.Join(",", LayerAnalysis.CsvColumns)));
        Assert.That(lines, Has.Length.EqualTo(4));
        Assert.That(Directory.GetFiles(plots, "esd_*.png"), Has.Length.EqualTo(3));
    }

    [Test]
    public void Conv_net_gets_the_per_layer_analysis_and_the_spin_model_message()
    {
        var r = Cli("layers", ModelReaderTests.Fixture("cnn.pt"));
        Assert.That(r.ExitCode, Is.EqualTo(0), r.Stderr);
        Assert.That(r.Stdout, Does.Contain("spin model: not applicable").And.Contain("convolution kernel"));
        Assert.That(r.Stdout, Does.Contain("4x1x3x3").And.Contain("6x4x3x3").And.Contain("5x96"));
    }

    [Test]
    public void Layers_globs_select_and_skipped_tensors_are_reported()
    {
        var r = Cli("layers", ModelReaderTests.Fixture("mlp.pt"), "--layers", "?.weight");
        Assert.That(r.ExitCode, Is.EqualTo(0), r.Stderr);
        Assert.That(r.Stdout, Does.Contain("3 layers"));
        var one = Cli("layers", ModelReaderTests.Fixture("mlp.pt"), "--layers", "4.*");
        Assert.That(one.ExitCode, Is.EqualTo(0), one.Stderr);
        Assert.That(one.Stdout, Does.Contain("1 layers").And.Contain("not selected by --layers"));
    }

    [Test]
    public void Large_biases_are_flagged_against_the_couplings()
    {
        // a layer whose bias is 3x the couplings' typical local field: rms(h) = 3, rms_i ||W_i|| = 1
        var w = new NeuralSpin.IO.NamedTensor("fc.weight", "F64", [4, 4], [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1]);
        var h = new NeuralSpin.IO.NamedTensor("fc.bias", "F64", [4], [3, -3, 3, -3]);
        string p = PathOf("b.safetensors");
        NeuralSpin.IO.SafeTensors.Write(p, [w, h]);
        var report = LayerAnalysis.Run(p);
        var b = report.Layers.Single().Bias!;
        Assert.That((b.Rms, b.CouplingField, b.Ratio, b.Large), Is.EqualTo((3.0, 1.0, 3.0, true)));
        var r = Cli("layers", p);
        Assert.That(r.Stdout, Does.Contain("warning: layer 'fc.weight' has bias fields 'fc.bias'").And.Contain("assumes h = 0"));
    }

    [Test]
    public void Legacy_pytorch_file_exits_2_with_nothing_written()
    {
        string json = PathOf("out/l.json"), csv = PathOf("out/l.csv");
        var r = Cli("layers", ModelReaderTests.Fixture("mlp_legacy.pt"), "--json", json, "--csv", csv);
        AssertBadInput(r, ["legacy", "torch.save"], json, csv);
    }

    [Test]
    public void Analyze_reads_pytorch_onnx_and_keras_to_the_same_transition()
    {
        double? Tc(string file)
        {
            string json = PathOf($"out/{file}.json");
            var r = Cli("analyze", ModelReaderTests.Fixture(file), "--json", json);
            Assert.That(r.ExitCode, Is.EqualTo(0), r.Stderr);
            return JsonDocument.Parse(File.ReadAllText(json)).RootElement.GetProperty("tc_replica").GetDouble();
        }
        double pt = Tc("mlp.pt")!.Value;
        Assert.That(Tc("mlp.onnx"), Is.EqualTo(pt), "float32 weights: identical in every format");
        Assert.That(Tc("mlp.weights.h5"), Is.EqualTo(pt));
    }
}
