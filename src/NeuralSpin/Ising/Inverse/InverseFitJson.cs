using System.Text.Json.Serialization;

namespace NeuralSpin.Ising.Inverse;

/// <summary>
/// The JSON document of an inverse Ising fit (<see cref="InverseFitResult"/>; <c>neuralspin ising fit --json</c>), written by
/// <see cref="NeuralSpin.Reporting.ResultJson"/>.
/// </summary>
/// <param name="Method">The method as the command line names it: <c>bp</c>, <c>pl</c>, <c>mf</c> or <c>tap</c>.</param>
/// <param name="NSamples">Configurations fitted.</param>
/// <param name="NSpins">Spins per configuration.</param>
/// <param name="RmsMomentError">The RMS deviation between the data's and the model's moments.</param>
/// <param name="MomentsBy">How the model's moments were computed: <c>exact</c> or <c>bp</c>.</param>
/// <param name="L1">The L1 penalty on the couplings.</param>
/// <param name="L2">The L2 penalty on the couplings.</param>
/// <param name="Model">The model file written.</param>
public sealed record InverseFitJson(
    [property: JsonPropertyName("method")] string Method,
    [property: JsonPropertyName("n_samples")] int NSamples,
    [property: JsonPropertyName("n_spins")] int NSpins,
    [property: JsonPropertyName("rms_moment_error")] double RmsMomentError,
    [property: JsonPropertyName("moments_by")] string MomentsBy,
    [property: JsonPropertyName("l1")] double L1,
    [property: JsonPropertyName("l2")] double L2,
    [property: JsonPropertyName("model")] string Model)
{
    /// <summary>
    /// The document of <paramref name="fit"/> by <paramref name="method"/> to <paramref name="samples"/> configurations of
    /// <paramref name="spins"/> spins, written to <paramref name="modelFile"/>.
    /// </summary>
    public static InverseFitJson From(InverseFitResult fit, string method, int samples, int spins, string modelFile)
    {
        ArgumentNullException.ThrowIfNull(fit);
        return new(method, samples, spins, fit.RmsMomentError, MomentsName(fit.MomentsBy), fit.Options.L1, fit.Options.L2, modelFile);
    }

    /// <summary>How <see cref="MomentsBy"/> names a moment method.</summary>
    public static string MomentsName(MomentMethod m) => m == MomentMethod.Exact ? "exact" : "bp";
}
