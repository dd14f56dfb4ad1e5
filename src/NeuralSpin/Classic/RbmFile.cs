using System.Globalization;
using NeuralSpin.IO;

namespace NeuralSpin.Classic;

/// <summary>
/// An RBM weights file could not be read or does not hold a valid machine. The message is one paragraph:
/// "RBM weights file '&lt;path&gt;': &lt;problem&gt;. &lt;remedy&gt;".
/// </summary>
public sealed class RbmFileException : InputFileException
{
    /// <summary>Creates the exception from its parts.</summary>
    public RbmFileException(string path, string problem, string remedy, Exception? inner = null)
        : base("RBM weights file", path, problem, remedy, inner)
    {
    }
}

/// <summary>
/// Reads an <see cref="Rbm"/> (E(v, h) = -b.v - c.h - v^T W h) from a file, through the project's NumPy and
/// safetensors readers:
/// <list type="bullet">
/// <item><c>.npz</c> or <c>.safetensors</c> with <c>W</c> (N_v x N_h; also accepted under the name <c>weights</c>),
/// optionally <c>b</c> (N_v; or <c>visible_bias</c>) and <c>c</c> (N_h; or <c>hidden_bias</c>); missing biases are 0,
/// other tensors are ignored;</item>
/// <item><c>.npy</c>: W alone (zero biases).</item>
/// </list>
/// A missing W, a W that is not a matrix, biases of the wrong length, two names for the same tensor, or NaN/infinite
/// entries are reported as an <see cref="RbmFileException"/> (any reader failure is rewrapped as one).
/// </summary>
public static class RbmFile
{
    const string ReSave = "Save the weights as an N_v x N_h matrix W with optional biases b (N_v) and c (N_h), e.g. numpy.savez(path, W=W, b=b, c=c).";

    /// <summary>Reads the machine in <paramref name="path"/>.</summary>
    /// <exception cref="RbmFileException">The file is missing, unreadable, damaged or does not hold a valid RBM.</exception>
    public static Rbm Read(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (!File.Exists(path)) throw new RbmFileException(path, "the file does not exist", "Check the path.");
        string ext = Path.GetExtension(path).ToLowerInvariant();
        var tensors = InputFileException.Relabel<IReadOnlyList<NamedTensor>, RbmFileException>(path, () => ext switch
        {
            ".npz" => Npz.Read(path),
            ".safetensors" => SafeTensors.Read(path).Tensors,
            ".npy" => [Npy.Read(path) with { Name = "W" }],
            _ => throw new RbmFileException(path, $"the extension '{ext}' is not one of .npz, .safetensors, .npy", ReSave),
        },
            (problem, remedy, cause) => new RbmFileException(path, problem, remedy, cause));
        return FromTensors(path, tensors);
    }

    static NamedTensor? Find(string path, IReadOnlyList<NamedTensor> tensors, string name, string alias)
    {
        var a = tensors.FirstOrDefault(t => t.Name == name);
        var b = tensors.FirstOrDefault(t => t.Name == alias);
        if (a != null && b != null)
            throw new RbmFileException(path, $"the file holds both '{name}' and '{alias}', two names for the same tensor", $"Keep only one of them. {ReSave}");
        return a ?? b;
    }

    static Rbm FromTensors(string path, IReadOnlyList<NamedTensor> tensors)
    {
        string have = tensors.Count == 0 ? "no tensors" : "tensors " + string.Join(", ", tensors.Select(t => $"'{t.Name}' {t.ShapeText}"));
        var w = Find(path, tensors, "W", "weights")
            ?? throw new RbmFileException(path, $"there is no weight matrix 'W' (or 'weights'); the file holds {have}", ReSave);
        if (w.Rank != 2 || w.Shape[0] < 1 || w.Shape[1] < 1)
            throw new RbmFileException(path, $"'{w.Name}' has shape {w.ShapeText}, but it must be a non-empty N_v x N_h matrix", ReSave);
        int nv = checked((int)w.Shape[0]), nh = checked((int)w.Shape[1]);
        var b = Find(path, tensors, "b", "visible_bias");
        var c = Find(path, tensors, "c", "hidden_bias");
        if (b != null && (b.Rank != 1 || b.Shape[0] != nv))
            throw new RbmFileException(path, $"the visible bias '{b.Name}' has shape {b.ShapeText}, but W is {nv} x {nh}, so it must have shape ({nv},)", ReSave);
        if (c != null && (c.Rank != 1 || c.Shape[0] != nh))
            throw new RbmFileException(path, $"the hidden bias '{c.Name}' has shape {c.ShapeText}, but W is {nv} x {nh}, so it must have shape ({nh},)", ReSave);
        CheckFinite(path, w, nh);
        if (b != null) CheckFinite(path, b, 1);
        if (c != null) CheckFinite(path, c, 1);
        CheckScale(path, w, nv, nh);
        return new Rbm(nv, nh, w.Data, b?.Data, c?.Data);
    }

    /// <summary>Largest sum over the hidden units of W_{i mu}^2 for one visible unit: beyond it the pairwise expansion's couplings overflow float64.</summary>
    public const double MaxRowSquareSum = 1e300;

    static void CheckScale(string path, NamedTensor w, int nv, int nh)
    {
        for (int i = 0; i < nv; i++)
        {
            double s = 0;
            for (int m = 0; m < nh; m++) { double x = w.Data[(long)i * nh + m]; s += x * x; }
            if (s <= MaxRowSquareSum) continue;
            throw new RbmFileException(path,
                string.Create(CultureInfo.InvariantCulture, $"{w.Name} holds finite weights so large that the squares of row {i} sum to {s:G3}, beyond the {MaxRowSquareSum:G0} float64 allows for the couplings J_ik = sum_mu (1 - tanh^2 c_mu) W_i mu W_k mu of the pairwise expansion"),
                "Rescale the weights; an RBM's weights are normally of order 1/sqrt(N_v).");
        }
    }

    static void CheckFinite(string path, NamedTensor t, int columns)
    {
        for (long k = 0; k < t.Data.LongLength; k++)
            if (!double.IsFinite(t.Data[k]))
            {
                string at = t.Rank == 2 ? $"[{k / columns}, {k % columns}]" : $"[{k}]";
                throw new RbmFileException(path, $"{t.Name}{at} is {t.Data[k].ToString(CultureInfo.InvariantCulture)}; all weights and biases must be finite", "Fix or regenerate the weights.");
            }
    }
}
