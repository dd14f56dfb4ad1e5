using NUnit.Framework;
using System.IO.Compression;
using NeuralSpin.IO;
using NeuralSpin.SpinModel;

namespace NeuralSpin.Tests.IO;

public class WeightFileTests : TempDirFixture
{
    static NamedTensor W(string name, int rows, int cols, double start = 1) =>
        new(name, "F64", [rows, cols], Enumerable.Range(0, rows * cols).Select(i => start + i).ToArray());

    static NamedTensor Bias(string name, int n) => new(name, "F64", [n], new double[n]);

    string SafeFile(string fileName, params NamedTensor[] tensors)
    {
        string p = PathOf(fileName);
        SafeTensors.Write(p, tensors);
        return p;
    }

    [Test]
    public void Two_dimensional_tensors_become_layers_in_numeric_name_order_and_biases_are_ignored()
    {
        // widths 2 -> 3 -> 4 -> ... ; written out of order so that plain string order would be wrong
        var tensors = new List<NamedTensor>();
        for (int k = 0; k <= 10; k++) tensors.Add(W($"net.{k}.weight", k + 3, k + 2, 10 * k));
        tensors.Add(Bias("net.0.bias", 3));
        tensors.Reverse();
        string p = SafeFile("m.safetensors", [.. tensors]);

        var loaded = WeightFile.Load(p);

        Assert.That(loaded.Layers.Select(l => l.Name), Is.EqualTo(Enumerable.Range(0, 11).Select(k => $"net.{k}.weight")));
        Assert.That(loaded.Ignored.Select(t => t.Name), Is.EqualTo(new[] { "net.0.bias" }));
        Assert.That(loaded.Widths, Is.EqualTo(Enumerable.Range(2, 12)));
        Assert.That(loaded.Path, Is.EqualTo(p));
    }

    [Test]
    public void Bond_matrix_blocks_are_the_transposed_weights()
    {
        string p = SafeFile("m.safetensors", W("fc1.weight", 3, 2), W("fc2.weight", 1, 3, 7));
        BondMatrix b = WeightFile.Load(p).ToBondMatrix();

        Assert.That(b.Widths, Is.EqualTo(new[] { 2, 3, 1 }));
        // W1 = [[1,2],[3,4],[5,6]] (out 3, in 2) -> J1 = W1^T = [[1,3,5],[2,4,6]]
        Assert.That(b.Block(1).ToArray(), Is.EqualTo(new double[] { 1, 3, 5, 2, 4, 6 }));
        Assert.That(b.Block(2).ToArray(), Is.EqualTo(new double[] { 7, 8, 9 }));
    }

    [Test]
    public void Explicit_layer_list_sets_the_order_and_ignores_the_rest()
    {
        string p = SafeFile("m.safetensors", W("b", 4, 3), W("a", 3, 2), W("unused", 5, 5), Bias("a.bias", 3));
        var loaded = WeightFile.Load(p, ["a", "b"]);
        Assert.That(loaded.Layers.Select(l => l.Name), Is.EqualTo(new[] { "a", "b" }));
        Assert.That(loaded.Ignored.Select(t => t.Name), Is.EquivalentTo(new[] { "unused", "a.bias" }));
    }

    [Test]
    public void Explicit_layer_list_with_an_unknown_name_lists_the_available_matrices()
    {
        string p = SafeFile("m.safetensors", W("l.10", 2, 2), W("l.2", 2, 2), Bias("bias", 2));
        ExpectWeightFileError(p, () => WeightFile.Load(p, ["l.2", "l.3"]), "no tensor named 'l.3'", "'l.2', 'l.10'", "--layers");
    }

    [Test]
    public void Explicit_layer_that_is_not_a_matrix_is_refused()
    {
        string p = SafeFile("m.safetensors", W("w", 2, 2), Bias("bias", 2));
        ExpectWeightFileError(p, () => WeightFile.Load(p, ["w", "bias"]), "'bias'", "(2,)", "not a 2-D");
    }

    [Test]
    public void Broken_layer_chain_names_both_layers_and_their_shapes()
    {
        string p = SafeFile("m.safetensors", W("fc1.weight", 3, 2), W("fc2.weight", 4, 5));
        var e = ExpectWeightFileError(p, () => WeightFile.Load(p), "chain is broken", "'fc2.weight' (4, 5) takes 5 inputs", "'fc1.weight' (3, 2) has 3 outputs");
        Assert.That(e.Remedy, Does.Contain("--layers"));
    }

    [Test]
    public void Explicit_order_that_breaks_the_chain_is_reported_as_such()
    {
        string p = SafeFile("m.safetensors", W("a", 3, 2), W("b", 4, 3));
        ExpectWeightFileError(p, () => WeightFile.Load(p, ["b", "a"]), "order given by --layers");
    }

    [Test]
    public void NaN_weight_is_reported_with_the_tensor_and_index_of_the_first_bad_entry()
    {
        var w = W("fc2.weight", 2, 3);
        w.Data[4] = double.NaN;
        w.Data[5] = double.NaN;
        string p = SafeFile("m.safetensors", W("fc1.weight", 3, 3), w);
        ExpectWeightFileError(p, () => WeightFile.Load(p), "'fc2.weight'", "NaN", "flat index 4", "row 1, column 1");
    }

    [Test]
    public void Infinite_weight_is_reported_with_the_tensor_and_index()
    {
        var w = W("w", 2, 2);
        w.Data[1] = double.NegativeInfinity;
        string p = SafeFile("m.safetensors", w);
        ExpectWeightFileError(p, () => WeightFile.Load(p), "'w'", "-infinity", "flat index 1");
    }

    [Test]
    public void Infinity_from_a_half_precision_file_is_caught_too()
    {
        string p = WriteBytes("h.safetensors", RawFiles.SafeTensors(
            """{"w":{"dtype":"F16","shape":[1,2],"data_offsets":[0,4]}}""", RawFiles.LittleU16(0x3C00, 0x7C00)));
        ExpectWeightFileError(p, () => WeightFile.Load(p), "+infinity", "flat index 1");
    }

    [Test]
    public void File_without_a_two_dimensional_tensor_is_refused()
    {
        string p = SafeFile("b.safetensors", Bias("bias", 3));
        ExpectWeightFileError(p, () => WeightFile.Load(p), "no 2-D tensor", "'bias' (3,)");
    }

    [Test]
    public void File_with_no_tensors_at_all_is_refused()
    {
        string p = WriteBytes("n.safetensors", RawFiles.SafeTensors("{}      ", []));
        ExpectWeightFileError(p, () => WeightFile.Load(p), "no tensors");
    }

    [Test]
    public void Tensor_of_rank_three_is_refused_by_name_unless_layers_are_given()
    {
        var conv = new NamedTensor("conv.weight", "F64", [2, 1, 3], new double[6]);
        string p = SafeFile("c.safetensors", conv, W("fc.weight", 2, 2));
        ExpectWeightFileError(p, () => WeightFile.Load(p), "'conv.weight' (2, 1, 3)", "--layers");
        var loaded = WeightFile.Load(p, ["fc.weight"]);
        Assert.That(loaded.Ignored.Single().Name, Is.EqualTo("conv.weight"));
    }

    [Test]
    public void Empty_file_is_refused()
    {
        string p = WriteBytes("e.safetensors", []);
        ExpectWeightFileError(p, () => WeightFile.Load(p), "empty");
    }

    [Test]
    public void Missing_file_is_refused()
    {
        string p = PathOf("missing.safetensors");
        ExpectWeightFileError(p, () => WeightFile.Load(p), "does not exist");
    }

    [Test]
    public void Directory_is_refused()
    {
        ExpectWeightFileError(Dir, () => WeightFile.Load(Dir), "directory");
    }

    [Test]
    public void Single_npy_matrix_is_a_one_layer_network()
    {
        string p = PathOf("w.npy");
        Npy.Write(p, W("ignored", 3, 2));
        var loaded = WeightFile.Load(p);
        Assert.That(loaded.Layers.Single().Name, Is.EqualTo("w"));
        Assert.That(loaded.ToBondMatrix().Widths, Is.EqualTo(new[] { 2, 3 }));
        Assert.That(loaded.Metadata, Is.Empty);
    }

    [Test]
    public void Npz_archive_is_loaded_with_the_same_rules()
    {
        string p = PathOf("w.npz");
        Npz.Write(p, [W("layer10", 1, 4), W("layer2", 4, 3), Bias("layer2_b", 4)], compressed: true);
        var loaded = WeightFile.Load(p);
        Assert.That(loaded.Layers.Select(l => l.Name), Is.EqualTo(new[] { "layer2", "layer10" }));
        Assert.That(loaded.Ignored.Select(l => l.Name), Is.EqualTo(new[] { "layer2_b" }));
    }

    [TestCase("weights.bin", "safetensors")]
    [TestCase("weights.dat", "npy")]
    [TestCase("weights", "npz")]
    public void Unknown_extension_is_recognised_from_the_content(string fileName, string format)
    {
        string p = PathOf(fileName);
        var w = W("w", 2, 2);
        switch (format)
        {
            case "safetensors": SafeTensors.Write(p, [w]); break;
            case "npy": Npy.Write(p, w); break;
            default: Npz.Write(p, [w]); break;
        }
        Assert.That(WeightFile.Load(p).Layers.Single().Data, Is.EqualTo(w.Data));
    }

    [Test]
    public void Unrecognised_content_is_refused_with_the_formats_that_are_accepted()
    {
        string p = WriteBytes("weights.txt", "1 2 3\n4 5 6\n"u8.ToArray());
        ExpectWeightFileError(p, () => WeightFile.Load(p), "not recognised", "safetensors", ".npy", ".npz");
    }

    [Test]
    public void Malformed_json_header_is_reported_through_the_loader()
    {
        string p = WriteBytes("j.safetensors", RawFiles.SafeTensors("{\"w\": [1, 2,}   ", []));
        ExpectWeightFileError(p, () => WeightFile.Load(p), "not valid JSON");
    }

    [Test]
    public void Bad_npy_magic_and_truncated_npy_are_reported_through_the_loader()
    {
        string bad = WriteBytes("bad.npy", "PK not numpy at all"u8.ToArray());
        ExpectWeightFileError(bad, () => WeightFile.Load(bad), "magic");
        var full = RawFiles.Npy("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 2), }", RawFiles.LittleF32(1, 2, 3, 4));
        string cut = WriteBytes("cut.npy", full[..^1]);
        ExpectWeightFileError(cut, () => WeightFile.Load(cut), "truncated", "16 bytes", "only 15");
    }

    [TestCase("F64")]
    [TestCase("F32")]
    [TestCase("F16")]
    [TestCase("BF16")]
    public void Saved_bond_matrix_reloads_with_layers_named_in_forward_order(string dtype)
    {
        // values on a coarse grid are exact in every dtype
        var b = BondMatrix.FromLinearWeights([(3, 2, [1, -2, 0.5, 4, -0.25, 8]), (2, 3, [1, 2, 3, -4, -5, -6])]);
        string p = PathOf("saved.safetensors");
        WeightFile.Save(p, b, dtype, new Dictionary<string, string> { ["source"] = "test" });

        var loaded = WeightFile.Load(p);
        Assert.That(loaded.Layers.Select(l => l.Name), Is.EqualTo(new[] { "layers.0.weight", "layers.1.weight" }));
        Assert.That(loaded.Layers.Select(l => l.DType), Is.All.EqualTo(dtype));
        Assert.That(loaded.Metadata["source"], Is.EqualTo("test"));
        var back = loaded.ToBondMatrix();
        Assert.That(back.Widths, Is.EqualTo(b.Widths));
        for (int k = 1; k <= b.BlockCount; k++) Assert.That(back.Block(k).ToArray(), Is.EqualTo(b.Block(k).ToArray()));
    }

    [Test]
    public void Saving_to_npz_writes_float64_members_named_like_safetensors_layers()
    {
        var b = BondMatrix.FromLinearWeights([(2, 2, [1, 2, 3, 4])]);
        string p = PathOf("saved.npz");
        WeightFile.Save(p, b);
        using (var zip = ZipFile.OpenRead(p))
            Assert.That(zip.Entries.Select(e => e.FullName), Is.EqualTo(new[] { "layers.0.weight.npy" }));
        Assert.That(WeightFile.Load(p).ToBondMatrix().Block(1).ToArray(), Is.EqualTo(b.Block(1).ToArray()));
        Assert.Throws<ArgumentException>(() => WeightFile.Save(PathOf("x.npz"), b, "F32"));
    }

    [Test]
    public void Saving_over_an_existing_file_replaces_it_and_leaves_no_temporary_file()
    {
        string p = PathOf("w.safetensors");
        File.WriteAllText(p, "old");
        WeightFile.Save(p, BondMatrix.FromLinearWeights([(1, 1, [2.0])]));
        Assert.That(WeightFile.Load(p).Layers.Single().Data, Is.EqualTo(new[] { 2.0 }));
        Assert.That(Directory.GetFiles(Dir), Is.EqualTo(new[] { p }));
    }
}
