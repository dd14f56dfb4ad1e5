using NeuralSpin.Numerics;
using TorchSharp;
using static TorchSharp.torch;

namespace NeuralSpin.BinaryNets;

/// <summary>
/// A network of binary weights w_ij = +-1 (P2 sec. II): z = N_in^{-1/2} W a at every layer, leaky ReLU
/// (slope 0.1) on hidden layers, the class is the argmax of the output.
/// </summary>
/// <remarks>
/// Weight order (also that of the ensemble files): layer by layer in forward order, each layer's
/// matrix row-major with shape (out, in), i.e. flat index = offset_k + i N_k + j for w^(k)_ij
/// connecting unit j of layer k to unit i of layer k + 1.
/// </remarks>
public sealed class BinaryNetwork
{
    /// <summary>Wraps the weights (not copied); every entry must be -1 or +1.</summary>
    public BinaryNetwork(IReadOnlyList<int> widths, sbyte[] weights)
    {
        NeuralSpin.Training.Mlp.CheckWidths(widths);
        ArgumentNullException.ThrowIfNull(weights);
        int n = LrNet.WeightCountOf(widths);
        if (weights.Length != n) throw new ArgumentException($"{weights.Length} weights for widths {string.Join("-", widths)}, which have {n}");
        foreach (var w in weights)
            if (w != 1 && w != -1) throw new ArgumentException($"binary weights must be -1 or +1, got {w}");
        Widths = widths.ToArray();
        Weights = weights;
    }

    /// <summary>Layer widths N_0..N_L.</summary>
    public IReadOnlyList<int> Widths { get; }

    /// <summary>All weights, +-1, in the documented order.</summary>
    public sbyte[] Weights { get; }

    /// <summary>
    /// Draws w_ij = +1 with probability (1 + tanh theta_ij) / 2 = e^theta / (2 cosh theta), else -1, one
    /// uniform double per weight in the documented order.
    /// </summary>
    public static BinaryNetwork Sample(IReadOnlyList<int> widths, IReadOnlyList<float[]> thetas, ref SplitMixRandom rng)
    {
        ArgumentNullException.ThrowIfNull(thetas);
        var w = new sbyte[LrNet.WeightCountOf(widths)];
        int o = 0;
        for (int k = 0; k < thetas.Count; k++)
            foreach (var t in thetas[k])
            {
                double pPlus = 0.5 * (1.0 + Math.Tanh(t));
                w[o++] = rng.NextDouble() < pPlus ? (sbyte)1 : (sbyte)-1;
            }
        if (o != w.Length) throw new ArgumentException($"the fields hold {o} values, the widths need {w.Length}");
        return new BinaryNetwork(widths, w);
    }

    /// <summary>Layer k's weights as a float32 (out, in) tensor.</summary>
    public Tensor LayerTensor(int k)
    {
        int offset = 0;
        for (int l = 0; l < k; l++) offset += Widths[l] * Widths[l + 1];
        int count = Widths[k] * Widths[k + 1];
        var f = new float[count];
        for (int i = 0; i < count; i++) f[i] = Weights[offset + i];
        return torch.tensor(f, [Widths[k + 1], Widths[k]]);
    }

    /// <summary>Output scores (batch x N_L) of inputs (batch x N_0).</summary>
    public Tensor Forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        var a = x;
        int layers = Widths.Count - 1;
        for (int k = 0; k < layers; k++)
        {
            var z = a.matmul(LayerTensor(k).t()).div(Math.Sqrt(Widths[k]));
            a = k + 1 < layers ? LrNet.LeakyRelu(z) : z;
        }
        return a.MoveToOuterDisposeScope();
    }

    /// <summary>
    /// The test accuracies of many networks of the same widths at once (the same numbers as <see cref="Accuracy"/> one
    /// by one, up to float rounding of the batched products): the networks are evaluated <paramref name="chunk"/> at a
    /// time with batched matrix products.
    /// </summary>
    public static double[] Accuracies(IReadOnlyList<BinaryNetwork> networks, Tensor x, Tensor y, int chunk = 100)
    {
        ArgumentNullException.ThrowIfNull(networks);
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(y);
        ArgumentOutOfRangeException.ThrowIfLessThan(chunk, 1);
        var result = new double[networks.Count];
        if (networks.Count == 0) return result;
        var widths = networks[0].Widths;
        foreach (var net in networks)
            if (!net.Widths.SequenceEqual(widths)) throw new ArgumentException("the networks have different widths");
        long n = y.shape[0];
        if (n == 0) { Array.Fill(result, double.NaN); return result; }
        int layers = widths.Count - 1;
        using var _ = no_grad();
        for (int c0 = 0; c0 < networks.Count; c0 += chunk)
        {
            using var scope = NewDisposeScope();
            int m = Math.Min(chunk, networks.Count - c0);
            Tensor a = x;
            int offset = 0;
            for (int k = 0; k < layers; k++)
            {
                int count = widths[k] * widths[k + 1];
                var f = new float[m * count];
                for (int r = 0; r < m; r++)
                {
                    var w = networks[c0 + r].Weights;
                    for (int i = 0; i < count; i++) f[r * count + i] = w[offset + i];
                }
                var wt = torch.tensor(f, [m, widths[k + 1], widths[k]]);
                // the first layer: the shared inputs times all m networks' weights in one product (n x N_0 by N_0 x m N_1)
                var z = k == 0
                    ? x.mm(wt.view(m * widths[1], widths[0]).t()).view(n, m, widths[1]).permute(1, 0, 2)
                    : a.bmm(wt.transpose(1, 2));
                z = z.div(Math.Sqrt(widths[k]));
                a = k + 1 < layers ? LrNet.LeakyRelu(z) : z;
                offset += count;
            }
            var correct = a.argmax(2).eq(y.unsqueeze(0)).sum(1).data<long>().ToArray();
            for (int r = 0; r < m; r++) result[c0 + r] = correct[r] / (double)n;
        }
        return result;
    }

    /// <summary>Fraction of samples whose argmax score equals the label (x: n x N_0 float32, y: n int64).</summary>
    public double Accuracy(Tensor x, Tensor y)
    {
        using var _ = no_grad();
        using var scope = NewDisposeScope();
        long n = y.shape[0];
        if (n == 0) return double.NaN;
        return Forward(x).argmax(1).eq(y).sum().item<long>() / (double)n;
    }
}
