using FsCheck;
using FsCheck.Fluent;
using FsCheck.NUnit;
using NeuralSpin.PropertyTests.Support;
using TestFixtureAttribute = NUnit.Framework.TestFixtureAttribute;
using NeuralSpin.IO;
using NeuralSpin.SpinModel;

namespace NeuralSpin.PropertyTests.IO;

/// <summary>A layered network as PyTorch weights W^(k) (out, in), in forward order.</summary>
public sealed record LayeredNetwork(int[] Widths, double[][] Weights)
{
    public BondMatrix ToBondMatrix() =>
        BondMatrix.FromLinearWeights(Weights.Select((w, k) => (Widths[k + 1], Widths[k], w)).ToList());

    public override string ToString() =>
        $"widths [{string.Join(", ", Widths)}], weights [{string.Join(" | ", Weights.Select(w => string.Join(", ", w)))}]";
}

/// <summary>Small random networks: 1-4 weight layers of widths 1-6, entries on integer grids.</summary>
public static class NetworkArbitraries
{
    /// <summary>Widths and a weight generator for each layer.</summary>
    internal static Gen<LayeredNetwork> Networks(Gen<double> entry) =>
        from depth in Gen.Choose(1, 4)
        from widths in Gen.Choose(1, 6).ArrayOf(depth + 1)
        from flat in entry.ArrayOf(Enumerable.Range(0, depth).Sum(k => widths[k] * widths[k + 1]))
        select Split(widths, flat);

    static LayeredNetwork Split(int[] widths, double[] flat)
    {
        var weights = new double[widths.Length - 1][];
        int at = 0;
        for (int k = 0; k < weights.Length; k++)
        {
            int n = widths[k] * widths[k + 1];
            weights[k] = flat[at..(at + n)];
            at += n;
        }
        return new LayeredNetwork(widths, weights);
    }

    /// <summary>Entries i / 256 for |i| &lt;= 2^16: exact in float64 (and float32).</summary>
    public static Arbitrary<LayeredNetwork> Exact() =>
        Networks(Gen.Choose(-65536, 65536).Select(i => i / 256.0)).ToArbitrary();
}

/// <summary>Entries i / 1000: most are not representable in float32, so narrowing must round.</summary>
public static class DecimalNetworkArbitraries
{
    public static Arbitrary<LayeredNetwork> Decimal() =>
        NetworkArbitraries.Networks(Gen.Choose(-100000, 100000).Select(i => i / 1000.0)).ToArbitrary();
}

[TestFixture]
public class WeightFileProperties
{
    static string TempFile(string extension) =>
        Path.Combine(Path.GetTempPath(), $"neuralspin-prop-{Guid.NewGuid():N}{extension}");

    static bool SameBlocks(BondMatrix a, BondMatrix b)
    {
        if (!a.Widths.SequenceEqual(b.Widths)) return false;
        for (int k = 1; k <= a.BlockCount; k++)
            if (!a.Block(k).SequenceEqual(b.Block(k))) return false;
        return true;
    }

    static T WithFile<T>(string extension, Func<string, T> body)
    {
        string path = TempFile(extension);
        try { return body(path); }
        finally { File.Delete(path); }
    }

    [SeededProperty(Arbitrary = [typeof(NetworkArbitraries)])]
    public bool Saving_as_safetensors_F64_and_loading_reproduces_every_bond_block_exactly(LayeredNetwork net) =>
        WithFile(".safetensors", path =>
        {
            var bonds = net.ToBondMatrix();
            WeightFile.Save(path, bonds);
            return SameBlocks(bonds, WeightFile.Load(path).ToBondMatrix());
        });

    [SeededProperty(Arbitrary = [typeof(NetworkArbitraries)])]
    public bool Saving_as_npz_and_loading_reproduces_every_bond_block_exactly(LayeredNetwork net) =>
        WithFile(".npz", path =>
        {
            var bonds = net.ToBondMatrix();
            WeightFile.Save(path, bonds);
            return SameBlocks(bonds, WeightFile.Load(path).ToBondMatrix());
        });

    [SeededProperty(Arbitrary = [typeof(NetworkArbitraries)])]
    public bool Compressed_npz_of_the_raw_weights_loads_as_the_same_network(LayeredNetwork net) =>
        WithFile(".npz", path =>
        {
            // member names chosen so that plain string order would differ from forward order at depth >= 3
            var tensors = net.Weights.Select((w, k) => new NamedTensor($"fc.{new[] { 1, 2, 10, 11 }[k]}.weight", "F64",
                [net.Widths[k + 1], net.Widths[k]], w)).Reverse().ToList();
            Npz.Write(path, tensors, compressed: true);
            return SameBlocks(net.ToBondMatrix(), WeightFile.Load(path).ToBondMatrix());
        });

    [SeededProperty(Arbitrary = [typeof(DecimalNetworkArbitraries)])]
    public bool Saving_as_F32_stores_the_float_cast_of_every_weight(LayeredNetwork net) =>
        WithFile(".safetensors", path =>
        {
            WeightFile.Save(path, net.ToBondMatrix(), "F32");
            var layers = WeightFile.Load(path).Layers;
            return layers.Count == net.Weights.Length
                && layers.Select((l, k) => l.Data.SequenceEqual(net.Weights[k].Select(v => (double)(float)v))).All(ok => ok);
        });

    [SeededProperty(Arbitrary = [typeof(DecimalNetworkArbitraries)])]
    public bool Saving_as_F16_or_BF16_stores_the_nearest_representable_value(LayeredNetwork net, bool half) =>
        WithFile(".safetensors", path =>
        {
            string dtype = half ? "F16" : "BF16";
            WeightFile.Save(path, net.ToBondMatrix(), dtype);
            var layers = WeightFile.Load(path).Layers;
            return layers.Select((l, k) => l.Data.SequenceEqual(net.Weights[k].Select(v => half
                    ? (double)(Half)v
                    : FloatFormats.BFloat16BitsToDouble(FloatFormats.DoubleToBFloat16Bits(v)))))
                .All(ok => ok);
        });
}

[TestFixture]
public class FloatFormatProperties
{
    [SeededProperty]
    public bool Narrowing_to_half_agrees_with_System_Half_for_any_finite_double(NormalFloat x) =>
        FloatFormats.DoubleToHalfBits(x.Get) == BitConverter.HalfToUInt16Bits((Half)x.Get);

    [SeededProperty]
    public bool Narrowing_to_bfloat16_gives_a_neighbour_of_the_value_no_farther_than_the_other(NormalFloat x)
    {
        double v = x.Get;
        ushort b = FloatFormats.DoubleToBFloat16Bits(v);
        double r = FloatFormats.BFloat16BitsToDouble(b);
        if (double.IsInfinity(r)) return Math.Abs(v) >= 3.3961775292304611e+38; // max bf16 + half an ulp
        // the other candidate: the bf16 neighbour on the far side of v
        ushort other = (ushort)(Math.Abs(r) < Math.Abs(v) ? b + 1 : r == 0 ? b : b - 1);
        double o = FloatFormats.BFloat16BitsToDouble(other);
        return Math.Abs(v - r) <= Math.Abs(v - o);
    }

    [SeededProperty]
    public bool Numeric_name_order_sorts_layer_indices_as_numbers(int[] indices)
    {
        var distinct = indices.Select(Math.Abs).Distinct().ToArray();
        var sorted = distinct.Select(i => $"net.{i}.weight").Order(LayerNameComparer.Instance).ToArray();
        return sorted.SequenceEqual(distinct.Order().Select(i => $"net.{i}.weight"));
    }
}
