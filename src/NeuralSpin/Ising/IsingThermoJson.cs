using System.Text.Json.Serialization;

namespace NeuralSpin.Ising;

/// <summary>
/// The JSON document of the thermodynamics of a model, exact (<see cref="ExactEnumeration"/>; <c>neuralspin ising enumerate --json</c>)
/// or Bethe (<see cref="BeliefPropagation"/>; <c>neuralspin ising bethe --json</c>), written by <see cref="NeuralSpin.Reporting.ResultJson"/>.
/// </summary>
/// <param name="NSpins">The number of spins N.</param>
/// <param name="Converged">Whether the computation converged (always true for enumeration).</param>
/// <param name="Iterations">BP sweeps (0 for enumeration).</param>
/// <param name="FreeEnergyPerSpin">F/N = -ln Z/(beta N).</param>
/// <param name="EnergyPerSpin">&lt;E&gt;/N.</param>
/// <param name="EntropyPerSpin">S/N.</param>
/// <param name="Magnetizations">&lt;s_i&gt; per spin.</param>
public sealed record IsingThermoJson(
    [property: JsonPropertyName("n_spins")] int NSpins,
    [property: JsonPropertyName("converged")] bool Converged,
    [property: JsonPropertyName("iterations")] int Iterations,
    [property: JsonPropertyName("free_energy_per_spin")] double FreeEnergyPerSpin,
    [property: JsonPropertyName("energy_per_spin")] double EnergyPerSpin,
    [property: JsonPropertyName("entropy_per_spin")] double EntropyPerSpin,
    [property: JsonPropertyName("magnetizations")] double[] Magnetizations)
{
    /// <summary>The document of the exact enumeration <paramref name="r"/> of a model of <paramref name="n"/> spins.</summary>
    public static IsingThermoJson From(ExactResult r, int n)
    {
        ArgumentNullException.ThrowIfNull(r);
        return Of(n, true, 0, r.FreeEnergy, r.MeanEnergy, r.Entropy, r.Magnetizations);
    }

    /// <summary>The document of the belief propagation <paramref name="r"/> of a model of <paramref name="n"/> spins.</summary>
    public static IsingThermoJson From(BpResult r, int n)
    {
        ArgumentNullException.ThrowIfNull(r);
        return Of(n, r.Converged, r.Iterations, r.FreeEnergy, r.Energy, r.Entropy, r.Magnetizations);
    }

    static IsingThermoJson Of(int n, bool converged, int iterations, double f, double e, double s, double[] m) =>
        new(n, converged, iterations, f / n, e / n, s / n, m);
}

/// <summary>
/// The JSON document of the TAP fixed points of a model (<see cref="TapFixedPoints"/>; <c>neuralspin ising tap --json</c>),
/// written by <see cref="NeuralSpin.Reporting.ResultJson"/>.
/// </summary>
/// <param name="NSpins">The number of spins N.</param>
/// <param name="Beta">The inverse temperature.</param>
/// <param name="Starts">Random starts.</param>
/// <param name="Converged">Starts that converged.</param>
/// <param name="NotConverged">Starts that did not.</param>
/// <param name="NFixedPoints">Distinct fixed points.</param>
/// <param name="FixedPoints">The distinct fixed points, in the order <see cref="TapFixedPointsResult.FixedPoints"/> lists them.</param>
public sealed record TapFixedPointsJson(
    [property: JsonPropertyName("n_spins")] int NSpins,
    [property: JsonPropertyName("beta")] double Beta,
    [property: JsonPropertyName("starts")] int Starts,
    [property: JsonPropertyName("converged")] int Converged,
    [property: JsonPropertyName("not_converged")] int NotConverged,
    [property: JsonPropertyName("n_fixed_points")] int NFixedPoints,
    [property: JsonPropertyName("fixed_points")] IReadOnlyList<TapFixedPointJson> FixedPoints)
{
    /// <summary>The document of <paramref name="r"/>, found from <paramref name="starts"/> starts on <paramref name="model"/>.</summary>
    public static TapFixedPointsJson From(TapFixedPointsResult r, IsingModel model, int starts)
    {
        ArgumentNullException.ThrowIfNull(r);
        ArgumentNullException.ThrowIfNull(model);
        return new(model.Size, model.Beta, starts, r.Converged, r.NotConverged, r.FixedPoints.Count,
            r.FixedPoints.Select(f => new TapFixedPointJson(f.FreeEnergyPerSpin, f.Count, f.Magnetizations.Average(), f.Magnetizations)).ToList());
    }
}

/// <summary>One distinct TAP fixed point (<see cref="TapFixedPoint"/>).</summary>
/// <param name="FreeEnergyPerSpin">Its TAP free energy per spin.</param>
/// <param name="Count">Starts that reached it.</param>
/// <param name="MeanMagnetization">The mean of its magnetizations.</param>
/// <param name="Magnetizations">Its magnetizations m_i.</param>
public sealed record TapFixedPointJson(
    [property: JsonPropertyName("free_energy_per_spin")] double FreeEnergyPerSpin,
    [property: JsonPropertyName("count")] int Count,
    [property: JsonPropertyName("mean_magnetization")] double MeanMagnetization,
    [property: JsonPropertyName("magnetizations")] double[] Magnetizations);

/// <summary>
/// The JSON document of an entropy landscape and its verdict (<see cref="EntropyLandscape"/>, <see cref="LandscapeVerdict"/>;
/// <c>neuralspin ising landscape --json</c>), written by <see cref="NeuralSpin.Reporting.ResultJson"/>.
/// </summary>
/// <param name="NSpins">The number of spins N.</param>
/// <param name="IsoEnergy">Whether beta was solved at each x for the reference's energy (iso-energy curve).</param>
/// <param name="NPoints">Grid points of each sweep.</param>
/// <param name="AllConverged">Whether BP converged at every point of both sweeps.</param>
/// <param name="HasJump">Whether some neighbouring grid points differ in d by more than the jump threshold.</param>
/// <param name="MaxJump">The largest |Δd| between neighbouring grid points.</param>
/// <param name="HasHysteresis">Whether the up and down sweeps disagree somewhere.</param>
/// <param name="MaxHysteresis">max_k |d_up(x_k) - d_down(x_k)|.</param>
/// <param name="Verdict">The verdict's name (<see cref="LandscapeVerdict.NameOf"/>).</param>
/// <param name="VerdictReason">Why, in words.</param>
/// <param name="DegenerateAtX0">Whether the sweeps split at x = 0 only (a degenerate pair of BP fixed points).</param>
/// <param name="MaxHysteresisExcludingDegenerateX0">The largest hysteresis with that split left out.</param>
/// <param name="Jumps">Every jump, up sweep first.</param>
/// <param name="HysteresisAt">The x where the sweeps disagree.</param>
public sealed record LandscapeJson(
    [property: JsonPropertyName("n_spins")] int NSpins,
    [property: JsonPropertyName("iso_energy")] bool IsoEnergy,
    [property: JsonPropertyName("n_points")] int NPoints,
    [property: JsonPropertyName("all_converged")] bool AllConverged,
    [property: JsonPropertyName("has_jump")] bool HasJump,
    [property: JsonPropertyName("max_jump")] double MaxJump,
    [property: JsonPropertyName("has_hysteresis")] bool HasHysteresis,
    [property: JsonPropertyName("max_hysteresis")] double MaxHysteresis,
    [property: JsonPropertyName("verdict")] string Verdict,
    [property: JsonPropertyName("verdict_reason")] string VerdictReason,
    [property: JsonPropertyName("degenerate_at_x0")] bool DegenerateAtX0,
    [property: JsonPropertyName("max_hysteresis_excluding_degenerate_x0")] double MaxHysteresisExcludingDegenerateX0,
    [property: JsonPropertyName("jumps")] IReadOnlyList<LandscapeJumpJson> Jumps,
    [property: JsonPropertyName("hysteresis_at")] IReadOnlyList<double> HysteresisAt)
{
    /// <summary>The document of <paramref name="sweep"/> on a model of <paramref name="n"/> spins with <paramref name="points"/> grid points, and its <paramref name="verdict"/>.</summary>
    public static LandscapeJson From(LandscapeSweep sweep, LandscapeVerdictResult verdict, int n, int points, bool isoEnergy)
    {
        ArgumentNullException.ThrowIfNull(sweep);
        ArgumentNullException.ThrowIfNull(verdict);
        return new(n, isoEnergy, points, sweep.AllConverged, sweep.HasJump, sweep.MaxJump, sweep.HasHysteresis, sweep.MaxHysteresis,
            verdict.Name, verdict.Reason, verdict.DegenerateAtZero, verdict.MaxHysteresis,
            sweep.Jumps.Select(j => new LandscapeJumpJson(j.XFrom, j.XTo, j.DistanceFrom, j.DistanceTo, j.Upward)).ToList(), sweep.HysteresisAt);
    }
}

/// <summary>A jump in d between neighbouring grid points of one sweep (<see cref="LandscapeJump"/>).</summary>
/// <param name="XFrom">The x visited first.</param>
/// <param name="XTo">The x visited next.</param>
/// <param name="DFrom">d at x_from.</param>
/// <param name="DTo">d at x_to.</param>
/// <param name="Upward">True in the up sweep.</param>
public sealed record LandscapeJumpJson(
    [property: JsonPropertyName("x_from")] double XFrom,
    [property: JsonPropertyName("x_to")] double XTo,
    [property: JsonPropertyName("d_from")] double DFrom,
    [property: JsonPropertyName("d_to")] double DTo,
    [property: JsonPropertyName("upward")] bool Upward);
