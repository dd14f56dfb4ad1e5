using System.Text.Json.Serialization;
using NeuralSpin.Reporting;

namespace NeuralSpin.Layers;

/// <summary>
/// The JSON document of <c>layers --json</c>: a <see cref="LayersReport"/> without the ESDs, written by
/// <see cref="ResultJson"/> with <see cref="ResultJsonStyle.NamedFloatingPointLiterals"/> (a non-finite number, such as
/// the log norm of an all-zero layer, as a string: <c>"NaN"</c>, <c>"Infinity"</c>, <c>"-Infinity"</c>).
/// </summary>
/// <param name="Path">The model file.</param>
/// <param name="Format">Its format (<see cref="NeuralSpin.IO.ModelFile.Format"/>).</param>
/// <param name="Chains">True if the layers are 2-D and chain (out_k = in_{k+1}), so that the spin-model analysis applies.</param>
/// <param name="ChainMessage">Why the spin model does not apply (empty when it does).</param>
/// <param name="Notes">Reader notes and warnings (large biases).</param>
/// <param name="Skipped">Tensors that are not layers, with the reason.</param>
/// <param name="Layers">The layers in forward (numeric name) order.</param>
/// <param name="ElapsedSeconds">Wall time of the analysis.</param>
public sealed record LayersJson(
    [property: JsonPropertyName("path")] string Path,
    [property: JsonPropertyName("format")] string Format,
    [property: JsonPropertyName("chains")] bool Chains,
    [property: JsonPropertyName("chain_message")] string ChainMessage,
    [property: JsonPropertyName("notes")] IReadOnlyList<string> Notes,
    [property: JsonPropertyName("skipped")] IReadOnlyList<SkippedTensorJson> Skipped,
    [property: JsonPropertyName("layers")] IReadOnlyList<LayerJson> Layers,
    [property: JsonPropertyName("elapsed_seconds")] double ElapsedSeconds)
{
    /// <summary>The document of <paramref name="report"/>.</summary>
    public static LayersJson From(LayersReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        return new(report.Path, report.Format, report.Chains, report.ChainMessage, report.Notes,
            report.Skipped.Select(SkippedTensorJson.From).ToList(), report.Layers.Select(LayerJson.From).ToList(), report.ElapsedSeconds);
    }

    /// <summary>The JSON text of <paramref name="report"/> with the provenance of <paramref name="inputs"/>.</summary>
    public static string Text(LayersReport report, IEnumerable<string?> inputs) =>
        ResultJson.Text(From(report), inputs, ResultJsonStyle.NamedFloatingPointLiterals);
}

/// <summary>A tensor of the file that is not a layer (<see cref="SkippedTensor"/>).</summary>
/// <param name="Name">The tensor's name.</param>
/// <param name="Shape">Its shape as text.</param>
/// <param name="DType">Its element type.</param>
/// <param name="Reason">Why it is not a layer.</param>
public sealed record SkippedTensorJson(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("shape")] string Shape,
    [property: JsonPropertyName("d_type")] string DType,
    [property: JsonPropertyName("reason")] string Reason)
{
    /// <summary>The record of <paramref name="t"/>.</summary>
    public static SkippedTensorJson From(SkippedTensor t)
    {
        ArgumentNullException.ThrowIfNull(t);
        return new(t.Name, t.Shape, t.DType, t.Reason);
    }
}

/// <summary>One layer's metrics (<see cref="LayerMetrics"/> without its ESD) and its bias.</summary>
/// <param name="Name">Tensor name.</param>
/// <param name="Shape">Tensor shape, PyTorch orientation.</param>
/// <param name="N">N = max(out, in) of a slice.</param>
/// <param name="M">M = min(out, in) of a slice: eigenvalues per slice.</param>
/// <param name="Slices">Number of out x in slices.</param>
/// <param name="LambdaMax">Largest eigenvalue lambda_max of X = W^T W / N.</param>
/// <param name="LogSpectralNorm">log10 lambda_max.</param>
/// <param name="LogFrobeniusNorm">log10 sum lambda.</param>
/// <param name="StableRank">sum lambda / lambda_max.</param>
/// <param name="MarchenkoPastur">Marchenko-Pastur bulk fit and spike count.</param>
/// <param name="PowerLaw">Power-law tail fit (null without one).</param>
/// <param name="AlphaWeighted">alpha log10 lambda_max (null without a fit).</param>
/// <param name="Verdict">under-trained, over-trained, well-trained, or no fit.</param>
/// <param name="Bias">The layer's bias as fields h (null when the file has none for it).</param>
public sealed record LayerJson(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("shape")] IReadOnlyList<long> Shape,
    [property: JsonPropertyName("n")] int N,
    [property: JsonPropertyName("m")] int M,
    [property: JsonPropertyName("slices")] int Slices,
    [property: JsonPropertyName("lambda_max")] double LambdaMax,
    [property: JsonPropertyName("log_spectral_norm")] double LogSpectralNorm,
    [property: JsonPropertyName("log_frobenius_norm")] double LogFrobeniusNorm,
    [property: JsonPropertyName("stable_rank")] double StableRank,
    [property: JsonPropertyName("marchenko_pastur")] MarchenkoPasturJson MarchenkoPastur,
    [property: JsonPropertyName("power_law")] PowerLawJson? PowerLaw,
    [property: JsonPropertyName("alpha_weighted")] double? AlphaWeighted,
    [property: JsonPropertyName("verdict")] string Verdict,
    [property: JsonPropertyName("bias")] BiasFieldJson? Bias)
{
    /// <summary>The record of <paramref name="layer"/>.</summary>
    public static LayerJson From(LayerResult layer)
    {
        ArgumentNullException.ThrowIfNull(layer);
        var m = layer.Metrics;
        return new(m.Name, m.Shape, m.N, m.M, m.Slices, m.LambdaMax, m.LogSpectralNorm, m.LogFrobeniusNorm, m.StableRank,
            MarchenkoPasturJson.From(m.MarchenkoPastur), m.PowerLaw is { } p ? PowerLawJson.From(p) : null, m.AlphaWeighted, m.Verdict,
            layer.Bias is { } b ? BiasFieldJson.From(b) : null);
    }
}

/// <summary>The Marchenko-Pastur bulk fit (<see cref="MarchenkoPasturFit"/>).</summary>
/// <param name="Q">The aspect ratio N / M.</param>
/// <param name="Sigma2">The fitted entry variance sigma^2.</param>
/// <param name="Edge">The bulk edge lambda_+.</param>
/// <param name="SpikeThreshold">The edge plus the Tracy-Widom margin.</param>
/// <param name="Spikes">The number of eigenvalues above the threshold.</param>
public sealed record MarchenkoPasturJson(
    [property: JsonPropertyName("q")] double Q,
    [property: JsonPropertyName("sigma2")] double Sigma2,
    [property: JsonPropertyName("edge")] double Edge,
    [property: JsonPropertyName("spike_threshold")] double SpikeThreshold,
    [property: JsonPropertyName("spikes")] int Spikes)
{
    /// <summary>The record of <paramref name="f"/>.</summary>
    public static MarchenkoPasturJson From(MarchenkoPasturFit f)
    {
        ArgumentNullException.ThrowIfNull(f);
        return new(f.Q, f.Sigma2, f.Edge, f.SpikeThreshold, f.Spikes);
    }
}

/// <summary>The power-law tail fit (<see cref="PowerLawFit"/>).</summary>
/// <param name="Alpha">The exponent alpha of p(x) ~ x^(-alpha).</param>
/// <param name="XMin">The start of the tail.</param>
/// <param name="KsDistance">The Kolmogorov-Smirnov distance of the fit over the tail.</param>
/// <param name="TailCount">The number of values at or above xmin.</param>
/// <param name="AlphaStandardError">The maximum-likelihood standard error of alpha.</param>
public sealed record PowerLawJson(
    [property: JsonPropertyName("alpha")] double Alpha,
    [property: JsonPropertyName("x_min")] double XMin,
    [property: JsonPropertyName("ks_distance")] double KsDistance,
    [property: JsonPropertyName("tail_count")] int TailCount,
    [property: JsonPropertyName("alpha_standard_error")] double AlphaStandardError)
{
    /// <summary>The record of <paramref name="f"/>.</summary>
    public static PowerLawJson From(PowerLawFit f)
    {
        ArgumentNullException.ThrowIfNull(f);
        return new(f.Alpha, f.XMin, f.KsDistance, f.TailCount, f.AlphaStandardError);
    }
}

/// <summary>A layer's bias as the spin model's fields h (<see cref="BiasField"/>).</summary>
/// <param name="Name">The bias tensor.</param>
/// <param name="Rms">Root mean square of h.</param>
/// <param name="MaxAbs">Largest |h_i|.</param>
/// <param name="CouplingField">rms_i ||W_i||_2.</param>
/// <param name="Ratio">Rms / CouplingField.</param>
/// <param name="Large">Ratio above <see cref="LayerAnalysis.LargeFieldRatio"/>.</param>
public sealed record BiasFieldJson(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("rms")] double Rms,
    [property: JsonPropertyName("max_abs")] double MaxAbs,
    [property: JsonPropertyName("coupling_field")] double CouplingField,
    [property: JsonPropertyName("ratio")] double Ratio,
    [property: JsonPropertyName("large")] bool Large)
{
    /// <summary>The record of <paramref name="b"/>.</summary>
    public static BiasFieldJson From(BiasField b)
    {
        ArgumentNullException.ThrowIfNull(b);
        return new(b.Name, b.Rms, b.MaxAbs, b.CouplingField, b.Ratio, b.Large);
    }
}
