using System.Text.Json.Serialization;
using NeuralSpin.Reporting;

namespace NeuralSpin.Reproduction;

/// <summary>
/// <c>summary.json</c> of <c>reproduce paper2 --quick|--full</c> (<see cref="Paper2Files.Summary"/>), written by <see cref="ResultJson"/>
/// with <see cref="ResultJsonStyle.RelaxedEscaping"/>; non-finite numbers are null.
/// </summary>
/// <param name="Mode">The schedule (quick, full, with the settings file's name when one was given).</param>
/// <param name="Ensembles">Per ensemble, keyed by its name (deep, shallow, deep-over), in the order collected.</param>
/// <param name="Parts">Per analysed part, keyed by its name, in the order analysed.</param>
/// <param name="Claims">Per claim, keyed by its identifier.</param>
/// <param name="StageSeconds">Wall time of every stage, in the order run.</param>
/// <param name="TotalSeconds">Wall time of the whole computation.</param>
public sealed record Paper2SummaryJson(
    [property: JsonPropertyName("mode")] string Mode,
    [property: JsonPropertyName("ensembles")] IReadOnlyDictionary<string, Paper2EnsembleJson> Ensembles,
    [property: JsonPropertyName("parts")] IReadOnlyDictionary<string, Paper2PartJson> Parts,
    [property: JsonPropertyName("claims")] IReadOnlyDictionary<string, Paper2ClaimJson> Claims,
    [property: JsonPropertyName("stage_seconds")] IReadOnlyDictionary<string, double> StageSeconds,
    [property: JsonPropertyName("total_seconds")] double TotalSeconds)
{
    static double? N(double v) => double.IsFinite(v) ? v : null;

    /// <summary>The summary of <paramref name="result"/> with its <paramref name="verdicts"/>.</summary>
    public static Paper2SummaryJson From(Paper2Result result, Paper2VerdictsResult verdicts)
    {
        ArgumentNullException.ThrowIfNull(result);
        ArgumentNullException.ThrowIfNull(verdicts);
        var o = result.Options;
        var ensembles = new OrderedDictionary<string, Paper2EnsembleJson>(StringComparer.Ordinal);
        foreach (var e in result.Ensembles)
            ensembles[e.Architecture] = new Paper2EnsembleJson(e.Widths, e.TrainImages, e.Epochs, e.Trainings, o.SamplesPerTraining, o.KeepPerTraining,
                e.Drawn >= 0 ? e.Drawn : null, e.Kept, e.Reached >= 0 ? e.Reached : null, e.Contributing >= 0 ? e.Contributing : null, N(e.NominalThreshold), N(e.Threshold),
                N(e.KeptAccuracyMin), N(e.KeptAccuracyMedian), N(e.KeptAccuracyMax), N(e.MeanDrawnAccuracy), N(e.MeanNetworkAccuracy), e.Resumed, e.Note);
        var parts = new OrderedDictionary<string, Paper2PartJson>(StringComparer.Ordinal);
        foreach (var (p, v) in result.Parts.Zip(verdicts.Parts))
            parts[p.Part.Name] = new Paper2PartJson(p.Part.Architecture, p.Part.Count, p.FitSamples, p.FitConverged, N(p.MeanAbsCoupling), N(p.ReferenceAccuracy),
                N(p.EntropyAtZero), N(p.DistanceAtZero), v.Landscape.Name, p.Tap.FixedPoints.Count, TapStage.Peaks(p.Tap.StartFreeEnergiesPerSpin),
                N(p.Mc[^1].Overlap), N(p.Mc[^1].Observed));
        var claims = new OrderedDictionary<string, Paper2ClaimJson>(StringComparer.Ordinal);
        foreach (var c in verdicts.Claims) claims[c.Id] = new Paper2ClaimJson(c.Holds, c.Note.Length > 0 ? $"{c.Obtained} ({c.Note})" : c.Obtained);
        var stages = new OrderedDictionary<string, double>(StringComparer.Ordinal);
        foreach (var (k, s) in result.StageSeconds) stages[k] = s;
        return new Paper2SummaryJson(o.Mode, ensembles, parts, claims, stages, result.Elapsed.TotalSeconds);
    }
}

/// <summary>One ensemble in <see cref="Paper2SummaryJson"/>.</summary>
/// <param name="Widths">Layer widths of the network.</param>
/// <param name="TrainImages">Training images each training saw.</param>
/// <param name="Epochs">Epochs of each training.</param>
/// <param name="Trainings">Trainings (random starts).</param>
/// <param name="SamplesPerTraining">K, draws per training.</param>
/// <param name="KeepPerTraining">Draws kept at most per training (1: P2's rule).</param>
/// <param name="Drawn">Binary networks drawn (null for an ensemble reused from an earlier run).</param>
/// <param name="Kept">Configurations kept.</param>
/// <param name="Reached">Trainings whose best draw reached the nominal threshold (null when reused).</param>
/// <param name="Contributing">Trainings with a kept configuration (null when reused).</param>
/// <param name="NominalThreshold">The setting's threshold.</param>
/// <param name="Threshold">The threshold used (lower than the nominal one when too few configurations reached it).</param>
/// <param name="KeptAccuracyMin">Lowest test accuracy kept.</param>
/// <param name="KeptAccuracyMedian">Median test accuracy kept.</param>
/// <param name="KeptAccuracyMax">Highest test accuracy kept.</param>
/// <param name="MeanDrawnAccuracy">Mean test accuracy of every draw.</param>
/// <param name="MeanNetworkAccuracy">Mean test accuracy of the trained mean networks.</param>
/// <param name="Reused">The ensemble was read from an earlier run.</param>
/// <param name="Note">The collection note (threshold, shortfall).</param>
public sealed record Paper2EnsembleJson(
    [property: JsonPropertyName("widths")] IReadOnlyList<int> Widths,
    [property: JsonPropertyName("train_images")] int TrainImages,
    [property: JsonPropertyName("epochs")] int Epochs,
    [property: JsonPropertyName("trainings")] int Trainings,
    [property: JsonPropertyName("samples_per_training")] int SamplesPerTraining,
    [property: JsonPropertyName("keep_per_training")] int KeepPerTraining,
    [property: JsonPropertyName("drawn")] long? Drawn,
    [property: JsonPropertyName("kept")] long Kept,
    [property: JsonPropertyName("trainings_reaching_threshold")] int? Reached,
    [property: JsonPropertyName("trainings_contributing")] int? Contributing,
    [property: JsonPropertyName("nominal_threshold")] double? NominalThreshold,
    [property: JsonPropertyName("threshold")] double? Threshold,
    [property: JsonPropertyName("kept_accuracy_min")] double? KeptAccuracyMin,
    [property: JsonPropertyName("kept_accuracy_median")] double? KeptAccuracyMedian,
    [property: JsonPropertyName("kept_accuracy_max")] double? KeptAccuracyMax,
    [property: JsonPropertyName("mean_drawn_accuracy")] double? MeanDrawnAccuracy,
    [property: JsonPropertyName("mean_network_accuracy")] double? MeanNetworkAccuracy,
    [property: JsonPropertyName("reused")] bool Reused,
    [property: JsonPropertyName("note")] string Note);

/// <summary>One analysed part in <see cref="Paper2SummaryJson"/>.</summary>
/// <param name="Ensemble">The ensemble it belongs to.</param>
/// <param name="Spins">Weights (spins) of the part.</param>
/// <param name="FitSamples">Configurations the pseudolikelihood fit used.</param>
/// <param name="FitConverged">Every spin's fit met its tolerance.</param>
/// <param name="MeanAbsCoupling">Mean |J_ij| of the fitted model.</param>
/// <param name="ReferenceAccuracy">Test accuracy of the reference configuration.</param>
/// <param name="EntropyAtX0">s(0) (null when neither BP nor MC gave it).</param>
/// <param name="DistanceAtX0">d(0).</param>
/// <param name="LandscapeVerdict">The shared rule's verdict (smooth, steep-continuous, first-order, unresolved).</param>
/// <param name="TapFixedPoints">Distinct TAP fixed points.</param>
/// <param name="TapPeaks">Peaks of the TAP free energies per spin of the converged starts.</param>
/// <param name="McFinalOverlap">Overlap with the reference after the MC dynamics.</param>
/// <param name="McFinalAccuracy">Test accuracy after the MC dynamics.</param>
public sealed record Paper2PartJson(
    [property: JsonPropertyName("ensemble")] string Ensemble,
    [property: JsonPropertyName("n_spins")] int Spins,
    [property: JsonPropertyName("fit_samples")] int FitSamples,
    [property: JsonPropertyName("fit_converged")] bool FitConverged,
    [property: JsonPropertyName("mean_abs_coupling")] double? MeanAbsCoupling,
    [property: JsonPropertyName("reference_accuracy")] double? ReferenceAccuracy,
    [property: JsonPropertyName("entropy_at_x0")] double? EntropyAtX0,
    [property: JsonPropertyName("distance_at_x0")] double? DistanceAtX0,
    [property: JsonPropertyName("landscape_verdict")] string LandscapeVerdict,
    [property: JsonPropertyName("tap_fixed_points")] int TapFixedPoints,
    [property: JsonPropertyName("tap_peaks")] int TapPeaks,
    [property: JsonPropertyName("mc_final_overlap")] double? McFinalOverlap,
    [property: JsonPropertyName("mc_final_accuracy")] double? McFinalAccuracy);

/// <summary>One claim in <see cref="Paper2SummaryJson"/>.</summary>
/// <param name="Holds">True, false, or null where it is not judged.</param>
/// <param name="Reason">What was obtained, with the note if any.</param>
public sealed record Paper2ClaimJson(
    [property: JsonPropertyName("holds")] bool? Holds,
    [property: JsonPropertyName("reason")] string Reason);
