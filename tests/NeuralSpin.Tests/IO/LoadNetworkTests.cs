using NUnit.Framework;
using NeuralSpin.IO;
using NeuralSpin.Layers;
using NeuralSpin.Numerics;
using NeuralSpin.SpinModel;

namespace NeuralSpin.Tests.IO;

/// <summary>
/// <see cref="WeightFile.LoadNetwork"/>: the layers of a file go one at a time into the blocks, in float32 when every
/// weight is a float32 value (docs/theory.md section 4, "Storage of the blocks"), and give the same bond matrix, value for
/// value, as <see cref="WeightFile.Load"/> and <see cref="LoadedWeights.ToBondMatrix"/>.
/// </summary>
public class LoadNetworkTests : TempDirFixture
{
    static NamedTensor Random(string name, int rows, int cols, int seed, bool single)
    {
        var rng = new SplitMixSource(seed);
        return new(name, "F64", [rows, cols], Enumerable.Range(0, rows * cols).Select(_ =>
        {
            double v = (rng.NextDouble() - 0.5) / Math.Sqrt(cols);
            return single ? (float)v : v;
        }).ToArray());
    }

    static void SameBlocks(BondMatrix expected, BondMatrix actual)
    {
        Assert.That(actual.Widths, Is.EqualTo(expected.Widths));
        for (int k = 1; k <= expected.BlockCount; k++) Assert.That(actual.BlockCopy(k), Is.EqualTo(expected.BlockCopy(k)), $"J^({k})");
    }

    /// <summary>F32, F16 and BF16 files give float32 blocks (read as float32, no float64 copy), an F64 file of values that are
    /// not float32 values float64 blocks; every block equals the float64 loader's.</summary>
    [TestCase("F32", true)]
    [TestCase("F16", true)]
    [TestCase("BF16", true)]
    [TestCase("F64", false)]
    public void Safetensors_GiveTheBlocksOfTheFloat64Loader(string dtype, bool single)
    {
        string p = PathOf($"m-{dtype}.safetensors");
        SafeTensors.Write(p, [Random("fc1.weight", 7, 5, 1, false), Random("fc2.weight", 3, 7, 2, false), new("fc1.bias", "F64", [7], new double[7])], null, dtype);
        var network = WeightFile.LoadNetwork(p);
        var reference = WeightFile.Load(p);
        Assert.That(network.Bonds.SinglePrecision, Is.EqualTo(single));
        SameBlocks(reference.ToBondMatrix(), network.Bonds);
        Assert.That(network.LayerNames, Is.EqualTo(new[] { "fc1.weight", "fc2.weight" }));
        Assert.That(network.Ignored.Select(t => t.Name), Is.EqualTo(new[] { "fc1.bias" }));
        Assert.That(network.Path, Is.EqualTo(p));
    }

    /// <summary>An npz of float64 members: float32 blocks when every value is a float32 value; one layer with a value that
    /// is not makes every block float64 (the layers read as float32 before it are widened, exactly).</summary>
    [Test]
    public void Npz_FloatStorageFollowsTheValues()
    {
        string exact = PathOf("exact.npz"), mixed = PathOf("mixed.npz");
        Npz.Write(exact, [Random("a.weight", 6, 4, 3, true), Random("b.weight", 5, 6, 4, true)]);
        Npz.Write(mixed, [Random("a.weight", 6, 4, 3, true), Random("b.weight", 5, 6, 4, false)]);
        var e = WeightFile.LoadNetwork(exact);
        Assert.That(e.Bonds.SinglePrecision, Is.True);
        SameBlocks(WeightFile.Load(exact).ToBondMatrix(), e.Bonds);
        var m = WeightFile.LoadNetwork(mixed);
        Assert.That(m.Bonds.SinglePrecision, Is.False);
        SameBlocks(WeightFile.Load(mixed).ToBondMatrix(), m.Bonds);
    }

    /// <summary>The layer list, the chain check and the finite-value check are those of <see cref="WeightFile.Load"/>,
    /// with the same messages.</summary>
    [Test]
    public void Errors_AreThoseOfTheFloat64Loader()
    {
        string p = PathOf("nan.safetensors");
        var bad = Random("fc2.weight", 3, 7, 2, false);
        bad.Data[4] = double.NaN;
        SafeTensors.Write(p, [Random("fc1.weight", 7, 5, 1, false), bad], null, "F32");
        var expected = Assert.Throws<WeightFileException>(() => WeightFile.Load(p))!.Message;
        Assert.That(Assert.Throws<WeightFileException>(() => WeightFile.LoadNetwork(p))!.Message, Is.EqualTo(expected));
        Assert.That(expected, Does.Contain("NaN weight at flat index 4"));

        string broken = PathOf("broken.safetensors");
        SafeTensors.Write(broken, [Random("fc1.weight", 7, 5, 1, false), Random("fc2.weight", 3, 6, 2, false)], null, "F32");
        Assert.That(Assert.Throws<WeightFileException>(() => WeightFile.LoadNetwork(broken))!.Message,
            Is.EqualTo(Assert.Throws<WeightFileException>(() => WeightFile.Load(broken))!.Message));

        string named = PathOf("named.safetensors");
        SafeTensors.Write(named, [Random("b", 4, 3, 5, false), Random("a", 3, 2, 6, false), Random("unused", 5, 5, 7, false)], null, "F32");
        var n = WeightFile.LoadNetwork(named, ["a", "b"]);
        Assert.That(n.LayerNames, Is.EqualTo(new[] { "a", "b" }));
        Assert.That(n.Ignored.Select(t => t.Name), Is.EqualTo(new[] { "unused" }));
        SameBlocks(WeightFile.Load(named, ["a", "b"]).ToBondMatrix(), n.Bonds);
    }

    /// <summary>The bias fields from the sums of squares kept while reading equal those of the float64 loader (the same
    /// sums in another order: 1e-12).</summary>
    [Test]
    public void BiasFields_AgreeWithTheFloat64Loader()
    {
        string p = PathOf("bias.safetensors");
        var bias = new NamedTensor("fc1.bias", "F64", [7], Enumerable.Range(0, 7).Select(i => 0.1 * (i - 3)).ToArray());
        SafeTensors.Write(p, [Random("fc1.weight", 7, 5, 1, false), Random("fc2.weight", 3, 7, 2, false), bias], null, "F32");
        var a = LayerAnalysis.BiasFields(WeightFile.Load(p));
        var b = LayerAnalysis.BiasFields(WeightFile.LoadNetwork(p));
        Assert.That(b.Select(f => f.Layer), Is.EqualTo(a.Select(f => f.Layer)));
        Assert.That(a, Has.Count.EqualTo(1));
        Assert.That(b[0].Field.CouplingField, Is.EqualTo(a[0].Field.CouplingField).Within(1e-12 * a[0].Field.CouplingField));
        Assert.That(b[0].Field.Rms, Is.EqualTo(a[0].Field.Rms));
    }
}
