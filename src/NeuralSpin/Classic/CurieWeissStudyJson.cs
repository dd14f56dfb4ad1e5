using System.Text.Json.Serialization;

namespace NeuralSpin.Classic;

/// <summary>
/// The JSON document of a <see cref="CurieWeissStudyResult"/> (<c>neuralspin classic curie-weiss --json</c>), written by
/// <see cref="NeuralSpin.Reporting.ResultJson"/>.
/// </summary>
/// <param name="Tc">The critical temperature T_c = J.</param>
/// <param name="Temperature">T of the reported point.</param>
/// <param name="Field">h of the reported point.</param>
/// <param name="Coupling">J.</param>
/// <param name="Magnetization">m of the stable solution.</param>
/// <param name="FreeEnergy">Its mean-field free energy per spin f(m).</param>
/// <param name="Degenerate">True when two stable minima tie (h = 0 below T_c).</param>
/// <param name="StableMagnetizations">m of every stable branch, increasing.</param>
/// <param name="StableChoice">Which stable solution is reported, in words.</param>
/// <param name="Branches">Every root of m = tanh(beta (J m + h)), sorted by m.</param>
/// <param name="CriticalExponentBeta">The fitted exponent beta (expected 1/2).</param>
/// <param name="CriticalExponentBetaStandardError">Its standard error.</param>
/// <param name="CriticalExponentBetaAmplitude">The amplitude of the fit m0 = A (T_c - T)^beta.</param>
/// <param name="CriticalExponentBetaFitRange">The smallest and largest T_c - T of the fit.</param>
/// <param name="CriticalExponentGamma">The fitted exponent gamma (expected 1).</param>
/// <param name="CriticalExponentGammaFitRange">The smallest and largest T - T_c of the fit.</param>
/// <param name="FiniteSize">The exact finite-N results at the reported point, by size.</param>
/// <param name="Files">The CSV and PNG files written.</param>
/// <param name="ElapsedSeconds">Wall time in seconds.</param>
public sealed record CurieWeissStudyJson(
    [property: JsonPropertyName("tc")] double Tc,
    [property: JsonPropertyName("temperature")] double Temperature,
    [property: JsonPropertyName("field")] double Field,
    [property: JsonPropertyName("coupling")] double Coupling,
    [property: JsonPropertyName("magnetization")] double Magnetization,
    [property: JsonPropertyName("free_energy")] double FreeEnergy,
    [property: JsonPropertyName("degenerate")] bool Degenerate,
    [property: JsonPropertyName("stable_magnetizations")] double[] StableMagnetizations,
    [property: JsonPropertyName("stable_choice")] string StableChoice,
    [property: JsonPropertyName("branches")] IReadOnlyList<CurieWeissBranchJson> Branches,
    [property: JsonPropertyName("critical_exponent_beta")] double CriticalExponentBeta,
    [property: JsonPropertyName("critical_exponent_beta_standard_error")] double CriticalExponentBetaStandardError,
    [property: JsonPropertyName("critical_exponent_beta_amplitude")] double CriticalExponentBetaAmplitude,
    [property: JsonPropertyName("critical_exponent_beta_fit_range")] double[] CriticalExponentBetaFitRange,
    [property: JsonPropertyName("critical_exponent_gamma")] double CriticalExponentGamma,
    [property: JsonPropertyName("critical_exponent_gamma_fit_range")] double[] CriticalExponentGammaFitRange,
    [property: JsonPropertyName("finite_size")] IReadOnlyList<CurieWeissFiniteSizeJson> FiniteSize,
    [property: JsonPropertyName("files")] IReadOnlyList<string> Files,
    [property: JsonPropertyName("elapsed_seconds")] double ElapsedSeconds)
{
    /// <summary>The value of <see cref="StableChoice"/>.</summary>
    public const string StableChoiceText = "global minimum of f(m); at h = 0 below T_c the two minima +-m0 tie and m >= 0 (the h -> 0+ limit) is reported";

    /// <summary>The document of <paramref name="r"/>, naming the <paramref name="files"/> written, after <paramref name="elapsedSeconds"/>.</summary>
    public static CurieWeissStudyJson From(CurieWeissStudyResult r, IReadOnlyList<string> files, double elapsedSeconds)
    {
        ArgumentNullException.ThrowIfNull(r);
        var st = r.Solution.Stable;
        return new(CurieWeiss.CriticalTemperature(r.J), r.T, r.H, r.J, st.M, st.FreeEnergy, r.Solution.Degenerate,
            r.Solution.StableBranches.Select(b => b.M).ToArray(), StableChoiceText,
            r.Solution.Branches.Select(b => new CurieWeissBranchJson(b.M, b.FreeEnergy, double.IsFinite(b.Curvature) ? b.Curvature : null, b.Stability.Name())).ToList(),
            r.Beta.Exponent, r.Beta.ExponentStandardError, r.Beta.Amplitude, [r.Beta.X.Min(), r.Beta.X.Max()],
            r.Gamma.Exponent, [r.Gamma.X.Min(), r.Gamma.X.Max()],
            r.AtPoint.Select(f => new CurieWeissFiniteSizeJson(f.Size, f.FreeEnergy, f.FreeEnergy - st.FreeEnergy, f.MeanM, f.MeanAbsM, f.MeanM2, f.Energy,
                f.Susceptibility, f.LogZ)).ToList(),
            files, elapsedSeconds);
    }
}

/// <summary>One root of the mean-field equation (<see cref="MeanFieldBranch"/>).</summary>
/// <param name="M">The magnetization per spin.</param>
/// <param name="FreeEnergy">f(m).</param>
/// <param name="Curvature">f''(m), or null where it is infinite (|m| = 1).</param>
/// <param name="Stability"><c>stable</c>, <c>metastable</c> or <c>unstable</c>.</param>
public sealed record CurieWeissBranchJson(
    [property: JsonPropertyName("m")] double M,
    [property: JsonPropertyName("free_energy")] double FreeEnergy,
    [property: JsonPropertyName("curvature")] double? Curvature,
    [property: JsonPropertyName("stability")] string Stability);

/// <summary>The exact result of one size N at the reported point (<see cref="FiniteSizeResult"/>).</summary>
/// <param name="N">The size.</param>
/// <param name="FreeEnergy">The free energy per spin f_N.</param>
/// <param name="FreeEnergyMinusMeanField">f_N - f(m) of the stable mean-field solution.</param>
/// <param name="MeanM">&lt;m&gt;.</param>
/// <param name="MeanAbsM">&lt;|m|&gt;.</param>
/// <param name="MeanM2">&lt;m^2&gt;.</param>
/// <param name="Energy">&lt;E&gt;/N.</param>
/// <param name="Susceptibility">chi_N = N (&lt;m^2&gt; - &lt;m&gt;^2)/T (0 at T = 0).</param>
/// <param name="LogZ">ln Z_N.</param>
public sealed record CurieWeissFiniteSizeJson(
    [property: JsonPropertyName("n")] int N,
    [property: JsonPropertyName("free_energy")] double FreeEnergy,
    [property: JsonPropertyName("free_energy_minus_mean_field")] double FreeEnergyMinusMeanField,
    [property: JsonPropertyName("mean_m")] double MeanM,
    [property: JsonPropertyName("mean_abs_m")] double MeanAbsM,
    [property: JsonPropertyName("mean_m2")] double MeanM2,
    [property: JsonPropertyName("energy")] double Energy,
    [property: JsonPropertyName("susceptibility")] double Susceptibility,
    [property: JsonPropertyName("log_z")] double LogZ);
