using System.Text.Json.Serialization;
using NeuralSpin.Ising;
using NeuralSpin.Reporting;

namespace NeuralSpin.Reproduction.Published;

/// <summary>
/// <c>summary.json</c> of <c>reproduce paper2 --published</c> (<see cref="PublishedPipeline.Summary"/>), written by
/// <see cref="ResultJson"/> with <see cref="ResultJsonStyle.RelaxedEscaping"/>; non-finite numbers are null.
/// </summary>
/// <param name="Models">Per model, keyed by its identifier (scenario/block), in the order analysed.</param>
/// <param name="Claims">Per claim, keyed by its identifier, in the order evaluated.</param>
public sealed record PublishedSummaryJson(
    [property: JsonPropertyName("models")] IReadOnlyDictionary<string, PublishedModelJson> Models,
    [property: JsonPropertyName("claims")] IReadOnlyDictionary<string, PublishedClaimJson> Claims)
{
    /// <summary>The summary of <paramref name="result"/> and its <paramref name="claims"/>.</summary>
    public static PublishedSummaryJson From(PublishedResult result, IReadOnlyList<Paper2Claim> claims)
    {
        ArgumentNullException.ThrowIfNull(result);
        ArgumentNullException.ThrowIfNull(claims);
        static double? N(double v) => double.IsFinite(v) ? v : null;
        var models = new OrderedDictionary<string, PublishedModelJson>(StringComparer.Ordinal);
        foreach (var m in result.Models)
            models[m.Model.Id] = new PublishedModelJson(m.Model.Model.Size, N(m.BetheFreeEnergyPerSpin), N(m.BetheEntropyPerSpin),
                LandscapeVerdict.NameOf(PublishedClaims.Verdict(m)), N(m.MaxHysteresis), N(m.EntropyAtZero), m.Tap.Peaks);
        var cl = new OrderedDictionary<string, PublishedClaimJson>(StringComparer.Ordinal);
        foreach (var c in claims) cl[c.Id] = new PublishedClaimJson(c.Holds, c.Note.Length > 0 ? $"{c.Obtained} ({c.Note})" : c.Obtained);
        return new(models, cl);
    }
}

/// <summary>One published model in <see cref="PublishedSummaryJson"/>.</summary>
/// <param name="Spins">Number of spins (weights) of the model.</param>
/// <param name="BetheFreeEnergyPerSpin">Bethe F/N at x = 0 (beta = 1).</param>
/// <param name="BetheEntropyPerSpin">Bethe S/N at x = 0.</param>
/// <param name="LandscapeVerdict">The landscape verdict, the worst over the references (smooth, steep-continuous, first-order, unresolved).</param>
/// <param name="MaxHysteresis">Largest BP hysteresis over the references (null without a landscape).</param>
/// <param name="EntropyAtX0">s(0) of the Em reference's landscape (else the first; the Bethe entropy without a landscape).</param>
/// <param name="TapPeaks">Peaks of the TAP free energies per spin of the converged starts.</param>
public sealed record PublishedModelJson(
    [property: JsonPropertyName("n_spins")] int Spins,
    [property: JsonPropertyName("bethe_free_energy_per_spin")] double? BetheFreeEnergyPerSpin,
    [property: JsonPropertyName("bethe_entropy_per_spin")] double? BetheEntropyPerSpin,
    [property: JsonPropertyName("landscape_verdict")] string LandscapeVerdict,
    [property: JsonPropertyName("max_hysteresis")] double? MaxHysteresis,
    [property: JsonPropertyName("entropy_at_x0")] double? EntropyAtX0,
    [property: JsonPropertyName("tap_peaks")] int TapPeaks);

/// <summary>One claim in <see cref="PublishedSummaryJson"/>.</summary>
/// <param name="Holds">True, false, or null where it is not judged.</param>
/// <param name="Reason">What was obtained, with the note if any.</param>
public sealed record PublishedClaimJson(
    [property: JsonPropertyName("holds")] bool? Holds,
    [property: JsonPropertyName("reason")] string Reason);
