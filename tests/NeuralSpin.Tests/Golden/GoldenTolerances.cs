using System.Text.Json;

namespace NeuralSpin.Tests.Golden;

/// <summary>
/// One tolerance stored in expected.json: how far the library's value of a field may lie from the reference's.
/// <list type="bullet">
/// <item><c>exact</c>: equal.</item>
/// <item><c>relative</c>: |actual - expected| &lt;= value |expected| (per entry for arrays).</item>
/// <item><c>absolute</c>: |actual - expected| &lt;= value (per entry for arrays).</item>
/// <item><c>absolute+weyl</c>: value plus the Weyl bound |db| ||J|| + |b_a^2 - b_e^2| max_i d_i of the shift db between the
/// run's spacing_beta b_a and the stored one b_e (the spectrum of I - M is taken at the run's own spacing_beta).</item>
/// <item><c>propagated</c>: 2 t (1 + r) / (s_typ - 2 t), t the spectrum_tap tolerance, s_typ the stored median spacing
/// (every spacing and their median move by at most 2 t).</item>
/// </list>
/// </summary>
public sealed record GoldenTolerance(string Kind, double Value, string Why)
{
    /// <summary>The absolute tolerance for <paramref name="expected"/> (not for <c>propagated</c>; <c>absolute+weyl</c> without the Weyl part).</summary>
    public double AbsoluteFor(double expected) => Kind switch
    {
        "exact" => 0,
        "relative" => Value * Math.Abs(expected),
        "absolute" or "absolute+weyl" => Value,
        _ => throw new InvalidOperationException($"tolerance kind {Kind} has no fixed absolute value"),
    };
}

/// <summary>
/// The tolerances of the untrained golden cases: the library's <c>NetworkAnalysis.Run</c> against the values of
/// <see cref="IndependentReference"/> stored in expected.json. Regeneration writes them into expected.json
/// (<see cref="For"/>), GoldenTests compare with the committed ones, and a test checks that the committed ones are
/// still the ones these rules give. golden/README.md repeats them.
/// </summary>
public static class GoldenTolerances
{
    /// <summary>
    /// Spectra of J and of I - M: LAPACK (library, via libtorch) and MathNet's managed tridiagonal QL (reference) are both
    /// backward stable, eigenvalue errors ~ n eps ||A|| (4e-14 ||A|| at n = 200); 1e-10 of the spectral radius leaves room
    /// for another LAPACK/BLAS build or thread count and still catches any change of the matrix.
    /// </summary>
    public const double SpectrumRelative = 1e-10;

    /// <summary>
    /// Crossings beta_c, beta_c(c_0) (and T = 1/beta): the library brackets them to 1e-10 relative; the reference bisects the
    /// inertia to 1e-14, and rounding moves its root by ~ n eps ||I - M|| / |slope| ~ 1e-13 (slope O(0.1-1)).
    /// </summary>
    public const double CrossingRelative = 1e-9;

    /// <summary>
    /// The location of the curve minimum: the reference's (slope bisection) is good to ~1e-12; the library's Brent search
    /// compares values, which at a smooth minimum fixes the location only to ~ sqrt(value rounding / curvature) ~ 1e-7
    /// relative (Brent polished to 3e-9). 1e-6 relative.
    /// </summary>
    public const double MinimumLocationRelative = 1e-6;

    /// <summary>
    /// The value at the curve minimum: second order in the location (curvature O(1) x (1e-6 beta)^2 ~ 1e-12) plus eigenvalue
    /// rounding ~1e-14 ||I - M||. 1e-10 absolute.
    /// </summary>
    public const double MinimumValueAbsolute = 1e-10;

    /// <summary>
    /// C_k and lambda_min(R) (sums of at most N^2 squares in another order) and the replica T_c (library: Sturm bisection
    /// of the tridiagonal to 2e-16; reference: MathNet eigenvalues of the (L+1) x (L+1) matrix): errors ~ N eps. 1e-12 relative.
    /// </summary>
    public const double ManagedSumsRelative = 1e-12;

    /// <summary>The text written into expected.json as "origin".</summary>
    public const string Origin =
        "IndependentReference (tests/NeuralSpin.Tests/Golden/IndependentReference.cs): written from docs/theory.md sections 1, 2, 4 and 6, " +
        "no NeuralSpin code; its own safetensors reader; C_k and d_i as sums of squares; MathNet.Numerics' managed dense symmetric " +
        "eigensolver for the spectra of J and I - M and for the replica matrix A; the curve minimum by bisection on the sign of the " +
        "Hellmann-Feynman slope; crossings by bisection on the LDL^T inertia of I - M(beta) - c I; s_0 / s_typ from the full spectrum";

    static double Radius(double[] ascending) => ascending.Length == 0 ? 0 : Math.Max(Math.Abs(ascending[0]), Math.Abs(ascending[^1]));

    /// <summary>The tolerance of every field of <paramref name="e"/>, in the order of expected.json.</summary>
    public static IReadOnlyList<(string Field, GoldenTolerance Tolerance)> For(GoldenExpected e)
    {
        const string eig = "eigenvalues from two backward-stable solvers (LAPACK, MathNet): 1e-10 x the spectral radius";
        const string crossing = "crossing bracketed to 1e-10 relative by the library, bisected to 1e-14 by the reference";
        const string sums = "sums of squares in another order, errors ~ N eps";
        bool fromCrossing = e.BetaCCorrected.HasValue || e.BetaC.HasValue;
        return
        [
            ("n_spins", new("exact", 0, "an integer")),
            ("widths", new("exact", 0, "integers")),
            ("coupling_variance_c", new("relative", ManagedSumsRelative, sums)),
            ("tc_replica", new("relative", ManagedSumsRelative, "library: Sturm bisection of the tridiagonal to 2e-16; reference: MathNet eigenvalues of A; both from C_k, errors ~ N eps")),
            ("beta_c", new("relative", CrossingRelative, crossing + "; null must stay null")),
            ("tc", new("relative", CrossingRelative, "1/beta_c; null must stay null")),
            ("level", new("exact", 0, "the given level, copied")),
            ("beta_c_corrected", new("relative", CrossingRelative, crossing + "; null must stay null")),
            ("tc_corrected", new("relative", CrossingRelative, "1/beta_c_corrected; null must stay null")),
            ("curve_min_beta", new("relative", MinimumLocationRelative, "the library's minimiser compares values: ~sqrt(rounding / curvature); the reference's slope bisection is good to ~1e-12")),
            ("curve_min_lambda", new("absolute", MinimumValueAbsolute, "second order in the location error, plus eigenvalue rounding")),
            ("lambda_max_j", new("absolute", SpectrumRelative * Radius(e.SpectrumJ), eig)),
            ("lambda_min_r", new("relative", ManagedSumsRelative, sums)),
            ("first_level_spacing_ratio", new("propagated", 0, "2 t (1 + r) / (s_typ - 2 t), t the spectrum_tap tolerance: every spacing and their median move by at most 2 t")),
            ("spacing_beta", fromCrossing
                ? new("relative", CrossingRelative, "beta_c(c_0), else beta_c: " + crossing)
                : new("relative", MinimumLocationRelative, "no crossing: the curve minimum's location")),
            ("spectrum_j", new("absolute", SpectrumRelative * Radius(e.SpectrumJ), eig)),
            ("spectrum_tap", new("absolute+weyl", SpectrumRelative * Radius(e.SpectrumTap),
                eig + ", plus the Weyl bound |db| ||J|| + |b_a^2 - b_e^2| max_i d_i of the run's spacing_beta shift db")),
        ];
    }

    /// <summary>Writes the "tolerances" object.</summary>
    public static void Write(Utf8JsonWriter w, GoldenExpected e)
    {
        w.WriteStartObject("tolerances");
        foreach (var (field, t) in For(e))
        {
            w.WriteStartObject(field);
            w.WriteString("kind", t.Kind);
            w.WriteNumber("value", t.Value);
            w.WriteString("why", t.Why);
            w.WriteEndObject();
        }
        w.WriteEndObject();
    }

    /// <summary>Reads the "tolerances" object of an expected.json.</summary>
    public static IReadOnlyList<(string Field, GoldenTolerance Tolerance)> Read(string expectedJsonPath)
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(expectedJsonPath));
        if (!doc.RootElement.TryGetProperty("tolerances", out var tol))
            throw new InvalidDataException($"{expectedJsonPath} has no tolerances; regenerate it ({GoldenFiles.RegenerateCommand})");
        return tol.EnumerateObject().Select(p => (p.Name, new GoldenTolerance(
            p.Value.GetProperty("kind").GetString()!, p.Value.GetProperty("value").GetDouble(), p.Value.GetProperty("why").GetString()!))).ToList();
    }
}
