using System.Diagnostics;
using System.Runtime;
using System.Globalization;
using System.Text;
using System.Text.Json.Serialization;
using NeuralSpin.IO;
using NeuralSpin.Trajectory;

namespace NeuralSpin.Layers;

/// <summary>Options of <see cref="LayerAnalysis"/>.</summary>
public sealed record LayerOptions
{
    /// <summary>Tensor names and globs of the layers (the CLI's <c>--layers</c>; <see cref="LayerPatterns"/>); null: every 2-D weight and convolution kernel.</summary>
    public IReadOnlyList<string>? Layers { get; init; }
}

/// <summary>Progress of <see cref="LayerAnalysis.Run(ModelFile, LayerOptions?, IProgress{LayerProgress}?, CancellationToken)"/>: <see cref="Done"/> of <see cref="Total"/> layers, <see cref="Current"/> being read and diagonalised.</summary>
public sealed record LayerProgress(int Done, int Total, string? Current);

/// <summary>A tensor of the file that is not a layer, and why.</summary>
public sealed record SkippedTensor(string Name, string Shape, string DType, string Reason);

/// <summary>
/// A layer's bias seen as the spin model's fields h (docs/theory.md section 10): its size against the typical local
/// field the couplings give a unit, the root mean square over units i of ||W_i||_2 = (sum_j W_ij^2)^(1/2) (the standard
/// deviation of sum_j W_ij s_j for independent +-1 spins).
/// </summary>
/// <param name="Name">The bias tensor.</param>
/// <param name="Rms">Root mean square of h.</param>
/// <param name="MaxAbs">Largest |h_i|.</param>
/// <param name="CouplingField">rms_i ||W_i||_2.</param>
/// <param name="Ratio">Rms / CouplingField.</param>
/// <param name="Large">Ratio above <see cref="LayerAnalysis.LargeFieldRatio"/>.</param>
public sealed record BiasField(string Name, double Rms, double MaxAbs, double CouplingField, double Ratio, bool Large);

/// <summary>One analysed layer: its metrics and its bias (if the file has one for it).</summary>
public sealed record LayerResult(LayerMetrics Metrics, BiasField? Bias);

/// <summary>The result of <see cref="LayerAnalysis"/>.</summary>
public sealed record LayersReport
{
    /// <summary>The model file.</summary>
    public required string Path { get; init; }

    /// <summary>Its format (<see cref="ModelFile.Format"/>).</summary>
    public required string Format { get; init; }

    /// <summary>The layers in forward (numeric name) order.</summary>
    public required IReadOnlyList<LayerResult> Layers { get; init; }

    /// <summary>Tensors that are not layers (biases matched to no layer, norms, integer counters, other ranks), with the reason.</summary>
    public required IReadOnlyList<SkippedTensor> Skipped { get; init; }

    /// <summary>True if the layers are 2-D and chain (out_k = in_{k+1}), so that the spin-model analysis applies.</summary>
    public required bool Chains { get; init; }

    /// <summary>Why the spin model does not apply (empty when <see cref="Chains"/>).</summary>
    public required string ChainMessage { get; init; }

    /// <summary>Reader notes and warnings (large biases).</summary>
    public required IReadOnlyList<string> Notes { get; init; }

    /// <summary>Wall time.</summary>
    public required double ElapsedSeconds { get; init; }
}

/// <summary>
/// The per-layer analysis of a model file: each weight matrix and convolution kernel is read, diagonalised and fitted
/// (<see cref="LayerSpectrum"/>) one at a time, so memory holds one layer's values (plus its ESD) at a time whatever the
/// model's size; biases are matched to their layer and reported as fields h; the layer chain is checked for the
/// spin-model analysis (docs/theory.md section 10).
/// </summary>
public static class LayerAnalysis
{
    /// <summary>
    /// Bias fields whose rms exceeds this fraction of the couplings' typical local field are flagged: the linearized TAP
    /// analysis expands around m = 0, a fixed point only at h = 0, and fields of this size move the paramagnetic state
    /// m ~ tanh(beta h) by as much as the couplings do (a heuristic threshold, not a derived one).
    /// </summary>
    public const double LargeFieldRatio = 0.5;

    /// <summary>Layers of at least this many values are released (full garbage collection) before the next is read.</summary>
    public const long LargeLayerValues = 1 << 22;

    /// <summary>Opens <paramref name="path"/> (any <see cref="ModelFile"/> format) and analyses it.</summary>
    /// <exception cref="WeightFileException">The file cannot be read, has no layer, or --layers selects nothing or a non-layer.</exception>
    public static LayersReport Run(string path, LayerOptions? options = null, IProgress<LayerProgress>? progress = null, CancellationToken cancellation = default)
    {
        using var model = ModelFile.Open(path);
        return Run(model, options, progress, cancellation);
    }

    /// <summary>Analyses an open model file.</summary>
    public static LayersReport Run(ModelFile model, LayerOptions? options = null, IProgress<LayerProgress>? progress = null, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        options ??= new LayerOptions();
        var sw = Stopwatch.StartNew();
        var (layers, skipped) = Select(model, options.Layers);
        var biases = MatchBiases(layers, model.Tensors, skipped);
        var (chains, chainMessage) = CheckChain(layers);

        var results = new List<LayerResult>(layers.Count);
        var notes = new List<string>(model.Notes);
        for (int i = 0; i < layers.Count; i++)
        {
            cancellation.ThrowIfCancellationRequested();
            progress?.Report(new LayerProgress(i, layers.Count, layers[i].Name));
            var w = layers[i].Load();
            CheckFinite(model.Path, w);
            var metrics = LayerSpectrum.Analyze(w);
            BiasField? field = null;
            if (biases.TryGetValue(w.Name, out var b))
            {
                var h = b.Load();
                CheckFinite(model.Path, h);
                field = Field(w.Shape[0], SquareSum(w), h);
                if (field.Large)
                    notes.Add(string.Create(CultureInfo.InvariantCulture,
                        $"warning: layer '{w.Name}' has bias fields '{h.Name}' of rms {field.Rms:G3}, {field.Ratio:G3} times the couplings' typical local field {field.CouplingField:G3}; the linearized TAP analysis around m = 0 assumes h = 0, so read its transition with care"));
            }
            results.Add(new LayerResult(metrics, field));
            if (w.Data.LongLength >= LargeLayerValues)
            {
                // hand a large layer's arrays back before the next one is read, so that the peak stays one layer
                w = null!;
                GCSettings.LargeObjectHeapCompactionMode = GCLargeObjectHeapCompactionMode.CompactOnce;
                GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
            }
        }
        progress?.Report(new LayerProgress(layers.Count, layers.Count, null));
        return new LayersReport
        {
            Path = model.Path, Format = model.Format, Layers = results, Skipped = skipped, Chains = chains,
            ChainMessage = chainMessage, Notes = notes, ElapsedSeconds = sw.Elapsed.TotalSeconds,
        };
    }

    static bool IsLayer(ModelTensor t) => t.IsFloating && t.Rank is >= 2 and <= 4;

    static (List<ModelTensor>, List<SkippedTensor>) Select(ModelFile model, IReadOnlyList<string>? patterns)
    {
        var skipped = new List<SkippedTensor>();
        List<ModelTensor> layers;
        if (patterns is null)
            layers = model.Tensors.Where(IsLayer).OrderBy(t => t.Name, LayerNameComparer.Instance).ToList();
        else
        {
            if (patterns.Count == 0)
                throw new WeightFileException(model.Path, "the list of layers to use is empty", "Give at least one tensor name or glob to --layers.");
            layers = [];
            var used = new HashSet<string>(StringComparer.Ordinal);
            foreach (var (entry, selected) in LayerPatterns.Expand(patterns, model.Tensors, model.Tensors.Where(IsLayer), t => t.Name))
            {
                if (selected.Count == 0)
                    throw new WeightFileException(model.Path, LayerPatterns.IsPattern(entry)
                            ? $"the pattern '{entry}' matches none of its weight tensors, which are {Names(model.Tensors.Where(IsLayer))}"
                            : $"it has no tensor named '{entry}'; its weight tensors are {Names(model.Tensors.Where(IsLayer))}",
                        "Correct the names or globs given to --layers.");
                foreach (var t in selected)
                {
                    if (!used.Add(t.Name))
                        throw new WeightFileException(model.Path, $"layer '{t.Name}' is listed twice", "Name each layer once in --layers.");
                    if (!IsLayer(t))
                        throw new WeightFileException(model.Path, $"'{t.Name}' {t.ShapeText} of type {t.DType} is not a weight matrix or convolution kernel", "Name only 2-D weights or (out, in, k...) kernels in --layers.");
                    layers.Add(t);
                }
            }
            foreach (var t in model.Tensors.Where(t => IsLayer(t) && !used.Contains(t.Name)))
                skipped.Add(new SkippedTensor(t.Name, t.ShapeText, t.DType, "not selected by --layers"));
        }
        if (layers.Count == 0)
            throw new WeightFileException(model.Path, $"it holds no weight matrix or convolution kernel (found {Names(model.Tensors)})",
                "Give a file with the network's weights, e.g. torch.save(model.state_dict(), 'model.pt').");
        foreach (var t in model.Tensors.Where(t => !IsLayer(t)))
        {
            string reason = !t.IsFloating ? $"{t.DType} values are not weights"
                : t.Rank == 1 ? "1-D: a bias with no layer of its size, or a normalisation parameter"
                : t.Rank == 0 ? "a scalar"
                : $"rank {t.Rank}: not a matrix or a convolution kernel";
            skipped.Add(new SkippedTensor(t.Name, t.ShapeText, t.DType, reason));
        }
        foreach (var t in layers)
            if (t.Shape.Any(d => d == 0) || t.Shape[0] > int.MaxValue || t.Shape[1] > int.MaxValue)
                throw new WeightFileException(model.Path, $"layer '{t.Name}' has shape {t.ShapeText}, with no units or too many on one side", "Remove empty layers from the file or from --layers.");
        return (layers, skipped);
    }

    /// <summary>The layer a tensor belongs to: its name without the last component (<c>fc1.weight</c> -> <c>fc1</c>, <c>dense/dense/kernel:0</c> -> <c>dense/dense</c>).</summary>
    static string Owner(string name)
    {
        int i = name.LastIndexOfAny(['.', '/']);
        return i < 0 ? "" : name[..i];
    }

    /// <summary>1-D floating tensors of the same owner as a layer and of its output size are its bias (one per layer; a name containing "bias" wins).</summary>
    static Dictionary<string, ModelTensor> MatchBiases(List<ModelTensor> layers, IReadOnlyList<ModelTensor> all, List<SkippedTensor> skipped)
    {
        var result = new Dictionary<string, ModelTensor>(StringComparer.Ordinal);
        foreach (var l in layers)
        {
            string owner = Owner(l.Name);
            var candidates = all.Where(t => t.IsFloating && t.Rank == 1 && t.Shape[0] == l.Shape[0] && Owner(t.Name) == owner && !ReferenceEquals(t, l)).ToList();
            if (candidates.Count == 0) continue;
            var b = candidates.FirstOrDefault(t => t.Name.Contains("bias", StringComparison.OrdinalIgnoreCase)) ?? candidates[0];
            result[l.Name] = b;
            skipped.RemoveAll(s => s.Name == b.Name);
        }
        return result;
    }

    static (bool, string) CheckChain(List<ModelTensor> layers)
    {
        var conv = layers.Where(l => l.Rank != 2).ToList();
        if (conv.Count > 0)
            return (false, $"the model has {conv.Count} convolution kernel(s) ('{conv[0].Name}' {conv[0].ShapeText}{(conv.Count > 1 ? ", ..." : "")}), which are not couplings of the fully connected spin model: per-layer analysis only");
        for (int k = 1; k < layers.Count; k++)
        {
            ModelTensor prev = layers[k - 1], cur = layers[k];
            if (cur.Shape[1] != prev.Shape[0])
                return (false, $"the matrices do not chain: '{cur.Name}' {cur.ShapeText} takes {cur.Shape[1]} inputs but '{prev.Name}' {prev.ShapeText} has {prev.Shape[0]} outputs: per-layer analysis only (give --layers in forward order if the order is wrong)");
        }
        return (true, "");
    }

    /// <summary>
    /// The bias fields of the spin-model layers of <paramref name="weights"/>: each ignored 1-D tensor of the same owner
    /// and output size as a layer (<c>fc1.bias</c> for <c>fc1.weight</c>) is that layer's field h.
    /// </summary>
    public static IReadOnlyList<(string Layer, BiasField Field)> BiasFields(LoadedWeights weights)
    {
        ArgumentNullException.ThrowIfNull(weights);
        return BiasFields(weights.Layers.Select(l => (l.Name, l.Shape[0], (Func<double>)(() => SquareSum(l)))).ToList(), weights.Ignored);
    }

    /// <summary>The bias fields of the layers of a network read by <see cref="WeightFile.LoadNetwork"/> (as for
    /// <see cref="BiasFields(LoadedWeights)"/>, from the layers' sums of squares kept when they were read).</summary>
    public static IReadOnlyList<(string Layer, BiasField Field)> BiasFields(LoadedNetwork network)
    {
        ArgumentNullException.ThrowIfNull(network);
        return BiasFields(network.LayerNames.Select((name, k) => (name, (long)network.Bonds.Widths[k + 1], (Func<double>)(() => network.LayerSquareSums[k]))).ToList(),
            network.Ignored);
    }

    static IReadOnlyList<(string Layer, BiasField Field)> BiasFields(IReadOnlyList<(string Name, long Rows, Func<double> SquareSum)> layers, IReadOnlyList<NamedTensor> ignored)
    {
        var result = new List<(string, BiasField)>();
        foreach (var l in layers)
        {
            var candidates = ignored.Where(t => ModelTensor.IsFloatingType(t.DType) && t.Rank == 1 && t.Shape[0] == l.Rows && Owner(t.Name) == Owner(l.Name)).ToList();
            if (candidates.Count == 0) continue;
            var b = candidates.FirstOrDefault(t => t.Name.Contains("bias", StringComparison.OrdinalIgnoreCase)) ?? candidates[0];
            if (b.Data.All(double.IsFinite)) result.Add((l.Name, Field(l.Rows, l.SquareSum(), b)));
        }
        return result;
    }

    /// <summary>sum_ij W_ij^2, row by row.</summary>
    static double SquareSum(NamedTensor w)
    {
        long rows = w.Shape[0];
        var data = w.Data;
        long per = data.LongLength / rows;
        double rowSq = 0;
        for (long i = 0; i < rows; i++)
        {
            double s = 0;
            for (long j = 0; j < per; j++) { double v = data[i * per + j]; s += v * v; }
            rowSq += s;
        }
        return rowSq;
    }

    static BiasField Field(long rows, double rowSq, NamedTensor h)
    {
        double coupling = Math.Sqrt(rowSq / rows);
        double rms = Math.Sqrt(h.Data.Sum(v => v * v) / Math.Max(1, h.Data.Length));
        double max = h.Data.Length == 0 ? 0 : h.Data.Max(Math.Abs);
        double ratio = coupling > 0 ? rms / coupling : (rms > 0 ? double.PositiveInfinity : 0);
        return new BiasField(h.Name, rms, max, coupling, ratio, ratio > LargeFieldRatio);
    }

    static void CheckFinite(string path, NamedTensor t)
    {
        int i = Array.FindIndex(t.Data, v => !double.IsFinite(v));
        if (i < 0) return;
        throw new WeightFileException(path, $"tensor '{t.Name}' has a {(double.IsNaN(t.Data[i]) ? "NaN" : "infinite")} value at flat index {i}",
            "The network diverged or the export is broken; analyse a checkpoint with finite weights.");
    }

    static string Names(IEnumerable<ModelTensor> ts)
    {
        var list = ts.Take(8).Select(t => $"'{t.Name}' {t.ShapeText}").ToList();
        return list.Count == 0 ? "none" : string.Join(", ", list) + (ts.Count() > 8 ? $" and {ts.Count() - 8} more" : "");
    }

    /// <summary>The CSV columns of <see cref="ToCsv"/>, in order.</summary>
    public static IReadOnlyList<string> CsvColumns { get; } =
    [
        "layer", "shape", "n", "m", "slices", "q", "lambda_max", "log_spectral_norm", "log_frobenius_norm", "stable_rank",
        "mp_sigma2", "mp_edge", "num_spikes", "alpha", "alpha_se", "xmin", "ks_distance", "tail_count", "alpha_weighted",
        "verdict", "bias", "bias_rms", "field_ratio",
    ];

    /// <summary>One CSV row per layer (round-trip numbers, empty where a value does not exist, "\n" line ends).</summary>
    public static string ToCsv(LayersReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        static double? F(double? v) => v is double x && double.IsFinite(x) ? x : null;
        return NeuralSpin.Reporting.CsvText.Write(CsvColumns, report.Layers.Select(r =>
        {
            var m = r.Metrics;
            return new object?[]
            {
                m.Name, "(" + string.Join(" x ", m.Shape) + ")", m.N, m.M, m.Slices, F(m.MarchenkoPastur.Q), F(m.LambdaMax),
                F(m.LogSpectralNorm), F(m.LogFrobeniusNorm), F(m.StableRank), F(m.MarchenkoPastur.Sigma2), F(m.MarchenkoPastur.Edge),
                m.MarchenkoPastur.Spikes, F(m.PowerLaw?.Alpha), F(m.PowerLaw?.AlphaStandardError), F(m.PowerLaw?.XMin),
                F(m.PowerLaw?.KsDistance), m.PowerLaw?.TailCount, F(m.AlphaWeighted), m.Verdict,
                r.Bias?.Name, F(r.Bias?.Rms), F(r.Bias?.Ratio),
            };
        }));
    }
}
