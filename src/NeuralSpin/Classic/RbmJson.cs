using System.Text.Json.Serialization;

namespace NeuralSpin.Classic;

/// <summary>
/// The JSON document of an RBM against its quadratic expansion (<see cref="Rbm.QuadraticExpansion"/>,
/// <see cref="RbmDeviation"/>; <c>neuralspin classic rbm --json</c>), written by <see cref="NeuralSpin.Reporting.ResultJson"/>.
/// </summary>
/// <param name="Weights">The RBM file read, or null for the demo machine.</param>
/// <param name="NVisible">Visible units N_v.</param>
/// <param name="NHidden">Hidden units N_h.</param>
/// <param name="J">The pairwise couplings J of the expansion (N_v x N_v, zero diagonal).</param>
/// <param name="H">The fields h of the expansion.</param>
/// <param name="Constant">The constant of the expansion.</param>
/// <param name="MaxDeviation">The largest |H_eff - H_quad| over the states checked.</param>
/// <param name="DeviationMin">The smallest H_eff - H_quad.</param>
/// <param name="DeviationMax">The largest H_eff - H_quad.</param>
/// <param name="DeviationSpread">deviation_max - deviation_min (what matters for probabilities).</param>
/// <param name="StatesChecked">Visible states checked.</param>
/// <param name="Exhaustive">Whether all 2^N_v states were checked.</param>
/// <param name="SampleSeed">The seed of the random states, or null when exhaustive.</param>
/// <param name="KlDivergence">KL(P_eff || P_quad), or null when not enumerable.</param>
/// <param name="LogZExact">ln Z of the exact marginal, or null when not enumerable.</param>
/// <param name="LogZQuadratic">ln Z of the quadratic model, or null when not enumerable.</param>
/// <param name="Files">The files written (CSV, PNG and the model file).</param>
/// <param name="Demo">The weight-scale sweep of the demo machine; the key is absent for a machine read from a file.</param>
/// <param name="ElapsedSeconds">Wall time in seconds.</param>
public sealed record RbmJson(
    [property: JsonPropertyName("weights")] string? Weights,
    [property: JsonPropertyName("n_visible")] int NVisible,
    [property: JsonPropertyName("n_hidden")] int NHidden,
    [property: JsonPropertyName("J")] double[][] J,
    [property: JsonPropertyName("h")] double[] H,
    [property: JsonPropertyName("constant")] double Constant,
    [property: JsonPropertyName("max_deviation")] double MaxDeviation,
    [property: JsonPropertyName("deviation_min")] double DeviationMin,
    [property: JsonPropertyName("deviation_max")] double DeviationMax,
    [property: JsonPropertyName("deviation_spread")] double DeviationSpread,
    [property: JsonPropertyName("states_checked")] long StatesChecked,
    [property: JsonPropertyName("exhaustive")] bool Exhaustive,
    [property: JsonPropertyName("sample_seed")] long? SampleSeed,
    [property: JsonPropertyName("kl_divergence")] double? KlDivergence,
    [property: JsonPropertyName("log_z_exact")] double? LogZExact,
    [property: JsonPropertyName("log_z_quadratic")] double? LogZQuadratic,
    [property: JsonPropertyName("files")] IReadOnlyList<string> Files,
    [property: JsonPropertyName("demo"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] RbmDemoJson? Demo,
    [property: JsonPropertyName("elapsed_seconds")] double ElapsedSeconds)
{
    /// <summary>
    /// The document of <paramref name="rbm"/>, its expansion <paramref name="quad"/> and deviation <paramref name="dev"/>, with the
    /// demo's <paramref name="sweep"/> (or null), the <paramref name="weightsFile"/> read (null for the demo), the
    /// <paramref name="files"/> written and the <paramref name="elapsedSeconds"/>.
    /// </summary>
    public static RbmJson From(Rbm rbm, RbmQuadraticModel quad, RbmDeviationResult dev, IReadOnlyList<string> files, RbmScaleSweep? sweep,
        string? weightsFile, double elapsedSeconds)
    {
        ArgumentNullException.ThrowIfNull(rbm);
        ArgumentNullException.ThrowIfNull(quad);
        ArgumentNullException.ThrowIfNull(dev);
        int n = rbm.Visible;
        var j = Enumerable.Range(0, n).Select(i => Enumerable.Range(0, n).Select(k => quad.Model.Coupling(i, k)).ToArray()).ToArray();
        var demo = sweep is null ? null : new RbmDemoJson(rbm.HiddenBias.ToArray(), sweep.Scales,
            sweep.Zero.Select(r => r.MaxAbsDeviation).ToArray(), sweep.Biased.Select(r => r.MaxAbsDeviation).ToArray(),
            sweep.Zero.Select(r => r.KlDivergence).ToArray(), sweep.Biased.Select(r => r.KlDivergence).ToArray(),
            double.IsFinite(sweep.SlopeZero.Exponent) ? sweep.SlopeZero.Exponent : null,
            double.IsFinite(sweep.SlopeBiased.Exponent) ? sweep.SlopeBiased.Exponent : null);
        return new(weightsFile, n, rbm.Hidden, j, quad.Model.FieldsCopy(), quad.Constant, dev.MaxAbsDeviation, dev.MinDeviation, dev.MaxDeviation,
            dev.Spread, dev.StatesChecked, dev.Exhaustive, dev.Seed, dev.KlDivergence, dev.LogZExact, dev.LogZQuadratic, files, demo, elapsedSeconds);
    }
}

/// <summary>The demo's sweep of the weight scale (<see cref="RbmScaleSweep"/>), with zero (c0) and with random (c) hidden biases.</summary>
/// <param name="HiddenBias">The demo machine's hidden biases c.</param>
/// <param name="Scales">The weight scales s of the sweep.</param>
/// <param name="MaxDeviationC0">max |H_eff - H_quad| at each scale with c = 0.</param>
/// <param name="MaxDeviationC">The same with the biases c.</param>
/// <param name="KlC0">KL(P_eff || P_quad) at each scale with c = 0.</param>
/// <param name="KlC">The same with the biases c.</param>
/// <param name="SlopeC0">The fitted log-log slope with c = 0 (expected 4), or null.</param>
/// <param name="SlopeC">The fitted log-log slope with c (expected 3), or null.</param>
public sealed record RbmDemoJson(
    [property: JsonPropertyName("hidden_bias")] double[] HiddenBias,
    [property: JsonPropertyName("scales")] double[] Scales,
    [property: JsonPropertyName("max_deviation_c0")] double[] MaxDeviationC0,
    [property: JsonPropertyName("max_deviation_c")] double[] MaxDeviationC,
    [property: JsonPropertyName("kl_c0")] double?[] KlC0,
    [property: JsonPropertyName("kl_c")] double?[] KlC,
    [property: JsonPropertyName("slope_c0")] double? SlopeC0,
    [property: JsonPropertyName("slope_c")] double? SlopeC);
