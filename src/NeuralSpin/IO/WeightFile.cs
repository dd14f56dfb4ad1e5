using System.Numerics;
using NeuralSpin.SpinModel;

namespace NeuralSpin.IO;

/// <summary>
/// Loads the weight matrices of a feed-forward network from a safetensors, .npy or .npz file and
/// saves a <see cref="BondMatrix"/> back. See <see cref="Load"/> for the rules that pick the layers.
/// </summary>
public static class WeightFile
{
    /// <summary>
    /// Reads a weights file and picks its layers.
    /// <list type="bullet">
    /// <item>Every format of <see cref="ModelFile"/> is read (safetensors, sharded safetensors, .npy, .npz, PyTorch, ONNX,
    /// Keras); the format follows the extension, and any other extension is recognised from the content.</item>
    /// <item>Without <paramref name="layers"/>, every 2-D tensor is a layer, ordered by
    /// <see cref="LayerNameComparer"/> (<c>net.2.weight</c> before <c>net.10.weight</c>); 1-D tensors
    /// (biases), scalars and integer tensors go to <see cref="LoadedWeights.Ignored"/>; a floating tensor of rank 3 or
    /// more (a convolution kernel) is an error, since the spin model is that of a fully connected network.</item>
    /// <item>With <paramref name="layers"/>, exactly the named tensors are the layers, in that order; an entry may be a glob
    /// (<see cref="LayerPatterns"/>) that selects the matching 2-D tensors in numeric name order; every other tensor is ignored.</item>
    /// <item>Each layer is a PyTorch weight W of shape (out, in); out_k must equal in_{k+1}.
    /// All entries must be finite.</item>
    /// </list>
    /// A single <c>.npy</c> file holds one 2-D matrix, a one-layer network.
    /// </summary>
    /// <param name="path">The file.</param>
    /// <param name="layers">Optional explicit layer names in forward order (the CLI's <c>--layers a,b,c</c>).</param>
    /// <exception cref="WeightFileException">Whatever is wrong with the file, with a message naming it.</exception>
    public static LoadedWeights Load(string path, IReadOnlyList<string>? layers = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        var (tensors, metadata) = ReadAll(path);
        return Choose(path, tensors, metadata, layers);
    }

    /// <summary>
    /// Picks and checks the layers among tensors already read from <paramref name="path"/>, by the rules of
    /// <see cref="Load"/> (for readers that look at the tensors first, e.g. the trajectory's checkpoints).
    /// </summary>
    /// <exception cref="WeightFileException">The tensors do not make a network, with a message naming <paramref name="path"/>.</exception>
    internal static LoadedWeights Choose(string path, IReadOnlyList<NamedTensor> tensors, IReadOnlyDictionary<string, string> metadata,
        IReadOnlyList<string>? layers = null)
    {
        if (tensors.Count == 0)
            throw new WeightFileException(path, "the file holds no tensors", WeightFileException.ReExport);
        var (chosen, ignored) = layers is null ? ChooseByRank(path, tensors) : ChooseByName(path, tensors, layers);
        foreach (var t in chosen) CheckLayer(path, t);
        CheckChain(path, chosen, explicitOrder: layers is not null);
        return new LoadedWeights(path, chosen, ignored, metadata);
    }

    /// <summary>
    /// Reads a weights file straight into the bond matrix, one layer at a time, by the rules of <see cref="Load"/>: memory
    /// holds the blocks built so far and one layer being read, never a float64 copy of the whole network. The blocks are
    /// stored in float32 when every weight is a float32 value (files of F32, F16 or BF16 weights, which safetensors files
    /// give as float32 with no float64 copy at all; other formats' float32 weights are recognised from their values) and
    /// in float64 otherwise (<see cref="BondMatrix.SinglePrecision"/>); either way the analysis gives the same numbers as
    /// on <see cref="LoadedWeights.ToBondMatrix"/>.
    /// </summary>
    /// <param name="path">The file.</param>
    /// <param name="layers">Optional explicit layer names in forward order (the CLI's <c>--layers a,b,c</c>).</param>
    /// <exception cref="WeightFileException">Whatever is wrong with the file, with a message naming it.</exception>
    public static LoadedNetwork LoadNetwork(string path, IReadOnlyList<string>? layers = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        using var model = ModelFile.Open(path);
        var tensors = model.Tensors;
        if (tensors.Count == 0)
            throw new WeightFileException(path, "the file holds no tensors", WeightFileException.ReExport);
        var (chosen, ignoredInfo) = layers is null ? ChooseByRank(path, tensors) : ChooseByName(path, tensors, layers);
        foreach (var t in chosen) CheckShape(path, t);
        CheckChain(path, chosen, explicitOrder: layers is not null);
        var ignored = ignoredInfo.Select(t => t.Load()).ToList();
        var widths = new List<int> { (int)chosen[0].Shape[1] };
        var singles = new List<float[]>();
        List<double[]>? doubles = null;
        var squares = new List<double>();
        foreach (var t in chosen)
        {
            int rows = (int)t.Shape[0], cols = (int)t.Shape[1];
            widths.Add(rows);
            var f = doubles is null ? t.LoadSingle() : null;
            if (f != null)
            {
                squares.Add(CheckValues<float>(path, t.Name, cols, f));
                singles.Add(BondMatrix.TransposeSingle(f, rows, cols));
                continue;
            }
            var d = t.Load().Data;
            squares.Add(CheckValues<double>(path, t.Name, cols, d));
            if (doubles is null && AllSingle(d))
            {
                singles.Add(BondMatrix.TransposeSingle(d.Select(v => (float)v).ToArray(), rows, cols));
                continue;
            }
            // a weight that is not a float32 value: float64 storage for all blocks
            doubles ??= singles.Select(b => b.Select(v => (double)v).ToArray()).ToList();
            singles.Clear();
            doubles.Add(BondMatrix.TransposeDouble(d, rows, cols));
        }
        var bonds = doubles is null ? BondMatrix.FromSingleBlocksKept(widths, singles) : BondMatrix.FromBlocksKept(widths, doubles);
        return new LoadedNetwork(path, bonds, chosen.Select(t => t.Name).ToList(), squares, ignored, model.Metadata);
    }

    static bool AllSingle(double[] d)
    {
        foreach (var v in d) if ((double)(float)v != v) return false;
        return true;
    }

    /// <summary>
    /// Saves the weights W^(k) = J^(k)^T of a bond matrix, named <c>layers.{k}.weight</c> for
    /// k = 0..L-1 in forward order, atomically. A path ending in <c>.npz</c> gives an npz archive
    /// (float64 only); any other path a safetensors file.
    /// </summary>
    /// <param name="path">Destination.</param>
    /// <param name="bonds">The model to save.</param>
    /// <param name="dtype">safetensors element type: F64, F32, F16 or BF16.</param>
    /// <param name="metadata">Optional string metadata (safetensors only).</param>
    public static void Save(string path, BondMatrix bonds, string dtype = "F64", IReadOnlyDictionary<string, string>? metadata = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(bonds);
        var tensors = new List<NamedTensor>();
        for (int k = 1; k <= bonds.BlockCount; k++)
        {
            var (rows, cols, data) = bonds.LinearWeight(k);
            tensors.Add(new NamedTensor($"layers.{k - 1}.weight", dtype, [rows, cols], data));
        }
        if (string.Equals(Path.GetExtension(path), ".npz", StringComparison.OrdinalIgnoreCase))
        {
            if (dtype != "F64") throw new ArgumentException($"npz files are written as float64; dtype '{dtype}' needs a safetensors file", nameof(dtype));
            if (metadata is { Count: > 0 }) throw new ArgumentException("npz files cannot hold metadata; use a safetensors file", nameof(metadata));
            Npz.Write(path, tensors);
        }
        else
        {
            SafeTensors.Write(path, tensors, metadata, dtype);
        }
    }

    static (IReadOnlyList<NamedTensor>, IReadOnlyDictionary<string, string>) ReadAll(string path)
    {
        using var model = ModelFile.Open(path);
        return (model.Tensors.Select(t => t.Load()).ToList(), model.Metadata);
    }

    static bool IsWeight<T>(T t) where T : ITensorInfo => ModelTensor.IsFloatingType(t.DType);

    static (List<T>, List<T>) ChooseByRank<T>(string path, IReadOnlyList<T> tensors) where T : ITensorInfo
    {
        var bad = tensors.Where(t => IsWeight(t) && t.Rank >= 3).ToList();
        if (bad.Count > 0)
            throw new WeightFileException(path,
                $"{Describe(bad)} {(bad.Count == 1 ? "is" : "are")} neither a 2-D weight matrix nor a 1-D bias (convolution kernels and other tensors of rank 3 or more are not couplings of the fully connected spin model), so the spin-model layers are ambiguous",
                "This model gets the per-layer analysis only: run 'neuralspin layers FILE'. For the spin model, pass --layers with the names (or globs) of 2-D weight matrices in forward order, or save only the nn.Linear weights.");
        var matrices = tensors.Where(t => IsWeight(t) && t.Rank == 2).OrderBy(t => t.Name, LayerNameComparer.Instance).ToList();
        if (matrices.Count == 0)
            throw new WeightFileException(path,
                $"it holds no 2-D tensor of floating-point weights (found {Describe(tensors)}), so there is no weight matrix to analyse",
                "Save the nn.Linear weight matrices, e.g. safetensors.torch.save_file(model.state_dict(), path).");
        var used = matrices.ToHashSet();
        return (matrices, tensors.Where(t => !used.Contains(t)).ToList());
    }

    static (List<T>, List<T>) ChooseByName<T>(string path, IReadOnlyList<T> tensors, IReadOnlyList<string> names) where T : ITensorInfo
    {
        if (names.Count == 0)
            throw new WeightFileException(path, "the list of layers to use is empty", "Give at least one tensor name or glob to --layers.");
        var chosen = new List<T>();
        var used = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (entry, selected) in LayerPatterns.Expand(names, tensors, tensors.Where(t => IsWeight(t) && t.Rank == 2), t => t.Name))
        {
            if (selected.Count == 0)
                throw new WeightFileException(path, LayerPatterns.IsPattern(entry)
                        ? $"the pattern '{entry}' matches none of its 2-D tensors, which are {Available(tensors)}"
                        : $"it has no tensor named '{entry}'; its 2-D tensors are {Available(tensors)}",
                    "Correct the names or globs given to --layers.");
            foreach (var t in selected)
            {
                if (!used.Add(t.Name))
                    throw new WeightFileException(path, $"layer '{t.Name}' is listed twice{(LayerPatterns.IsPattern(entry) ? $" (again by the pattern '{entry}')" : "")}", "Name each layer once in --layers.");
                if (t.Rank != 2 || !IsWeight(t))
                    throw new WeightFileException(path, $"layer '{t.Name}' has shape {t.ShapeText}{(IsWeight(t) ? "" : $" and type {t.DType}")}, not a 2-D weight matrix; its 2-D tensors are {Available(tensors)}",
                        "Name only 2-D nn.Linear weights in --layers.");
                chosen.Add(t);
            }
        }
        return (chosen, tensors.Where(t => !used.Contains(t.Name)).ToList());
    }

    static void CheckLayer(string path, NamedTensor t)
    {
        CheckShape(path, t);
        CheckValues<double>(path, t.Name, t.Shape[1], t.Data);
    }

    static void CheckShape<T>(string path, T t) where T : ITensorInfo
    {
        long rows = t.Shape[0], cols = t.Shape[1];
        if (rows == 0 || cols == 0)
            throw new WeightFileException(path, $"layer '{t.Name}' has shape {t.ShapeText}, with no units on one side",
                "Remove empty layers from the file or from --layers.");
        if (rows > int.MaxValue || cols > int.MaxValue)
            throw new WeightFileException(path, $"layer '{t.Name}' of shape {t.ShapeText} is too wide", "Use layers of fewer than 2^31 units.");
    }

    /// <summary>Refuses a NaN or infinite weight and a sum of squares past <see cref="MaxSquareSum"/>; returns the sum of
    /// squares (in float64).</summary>
    static double CheckValues<T>(string path, string name, long cols, ReadOnlySpan<T> d) where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int i = 0; i < d.Length; i++)
        {
            if (T.IsFinite(d[i])) continue;
            string what = T.IsNaN(d[i]) ? "NaN" : d[i] > T.Zero ? "+infinity" : "-infinity";
            throw new WeightFileException(path,
                $"layer '{name}' has a {what} weight at flat index {i} (row {i / cols}, column {i % cols})",
                "The network diverged or the export is broken; analyse a checkpoint with finite weights.");
        }
        double squares = 0, largest = 0;
        for (int i = 0; i < d.Length; i++)
        {
            double v = double.CreateTruncating(d[i]);
            squares += v * v;
            largest = Math.Max(largest, Math.Abs(v));
        }
        if (!(squares <= MaxSquareSum))
            throw new WeightFileException(path,
                $"layer '{name}' holds finite weights so large (largest |w| = {largest.ToString("G3", System.Globalization.CultureInfo.InvariantCulture)}) that their squares sum to {squares.ToString("G3", System.Globalization.CultureInfo.InvariantCulture)}, beyond the {MaxSquareSum:G0} the spin-model analysis can represent in float64 (C_k, d_i and beta^2 d_i would overflow)",
                "Rescale the weights (the model of c W at beta is that of W at c beta), or check the export: weights of a trained network are of order 1/sqrt(N).");
        return squares;
    }

    /// <summary>
    /// Largest sum of squares of one layer's weights: beyond it C_k, the row sums d_i = sum_j J_ij^2 and the
    /// TAP matrix I - beta J + beta^2 diag(d) overflow float64. Such layers are refused as bad input.
    /// </summary>
    public const double MaxSquareSum = 1e300;

    static void CheckChain<T>(string path, List<T> layers, bool explicitOrder) where T : ITensorInfo
    {
        for (int k = 1; k < layers.Count; k++)
        {
            T prev = layers[k - 1], cur = layers[k];
            if (cur.Shape[1] == prev.Shape[0]) continue;
            string order = explicitOrder ? "in the order given by --layers" : "in numeric name order";
            throw new WeightFileException(path,
                $"the layer chain is broken {order}: '{cur.Name}' {cur.ShapeText} takes {cur.Shape[1]} inputs but the previous layer '{prev.Name}' {prev.ShapeText} has {prev.Shape[0]} outputs (weights are PyTorch nn.Linear matrices of shape (out, in))",
                "Pass --layers to give the forward order explicitly, and transpose any matrix stored as (in, out). A model whose matrices do not chain gets the per-layer analysis only: run 'neuralspin layers FILE'.");
        }
    }

    static string Describe<T>(IEnumerable<T> tensors) where T : ITensorInfo
    {
        var parts = tensors.Take(8).Select(t => $"'{t.Name}' {t.ShapeText}").ToList();
        int more = tensors.Count() - parts.Count;
        return string.Join(", ", parts) + (more > 0 ? $" and {more} more" : "");
    }

    static string Available<T>(IEnumerable<T> tensors) where T : ITensorInfo
    {
        var names = tensors.Where(t => t.Rank == 2 && IsWeight(t)).Select(t => t.Name).Order(LayerNameComparer.Instance).ToList();
        return names.Count == 0 ? "none" : string.Join(", ", names.Select(n => $"'{n}'"));
    }
}
