using System.Text.Json.Serialization;

namespace NeuralSpin.Classic;

/// <summary>
/// The JSON document of a <see cref="HopfieldStudyResult"/> (<c>neuralspin classic hopfield --json</c>), written by
/// <see cref="NeuralSpin.Reporting.ResultJson"/>. A standard error of one sample and a crossing that does not happen are null.
/// </summary>
/// <param name="Seed">The seed every run derives its own from.</param>
/// <param name="Temperature">Temperature of the overlap-vs-load curves (0: asynchronous T = 0 dynamics).</param>
/// <param name="Sizes">Network sizes N of the overlap-vs-load curves.</param>
/// <param name="Alphas">Loads alpha = P/N of those curves.</param>
/// <param name="Samples">Pattern sets per point of those curves.</param>
/// <param name="FlipFraction">Fraction of the pattern's spins reversed in the start configuration.</param>
/// <param name="CrossingLevel">The overlap level that defines alpha_c(N).</param>
/// <param name="BurnInSweeps">Glauber sweeps before measuring (T &gt; 0).</param>
/// <param name="MeasureSweeps">Glauber sweeps over which the overlap is averaged (T &gt; 0).</param>
/// <param name="OverlapVsAlpha">The overlap-vs-load points, by size and load.</param>
/// <param name="AlphaCN">The finite-size estimates of alpha_c per size.</param>
/// <param name="OverlapVsTemperature">The overlap-vs-temperature curve at fixed load, with the AGS m(T).</param>
/// <param name="Ags">The AGS replica-symmetric theory.</param>
/// <param name="PhasePoints">The phase-diagram simulation grid, or null without the phase diagram.</param>
/// <param name="ElapsedSeconds">Wall time of the study in seconds.</param>
public sealed record HopfieldStudyJson(
    [property: JsonPropertyName("seed")] int Seed,
    [property: JsonPropertyName("temperature")] double Temperature,
    [property: JsonPropertyName("sizes")] IReadOnlyList<int> Sizes,
    [property: JsonPropertyName("alphas")] IReadOnlyList<double> Alphas,
    [property: JsonPropertyName("samples")] int Samples,
    [property: JsonPropertyName("flip_fraction")] double FlipFraction,
    [property: JsonPropertyName("crossing_level")] double CrossingLevel,
    [property: JsonPropertyName("burn_in_sweeps")] int BurnInSweeps,
    [property: JsonPropertyName("measure_sweeps")] int MeasureSweeps,
    [property: JsonPropertyName("overlap_vs_alpha")] IReadOnlyList<HopfieldPointJson> OverlapVsAlpha,
    [property: JsonPropertyName("alpha_c_n")] IReadOnlyList<HopfieldCapacityJson> AlphaCN,
    [property: JsonPropertyName("overlap_vs_temperature")] HopfieldTemperatureCurveJson OverlapVsTemperature,
    [property: JsonPropertyName("ags")] HopfieldAgsJson Ags,
    [property: JsonPropertyName("phase_points")] HopfieldPhasePointsJson? PhasePoints,
    [property: JsonPropertyName("elapsed_seconds")] double ElapsedSeconds)
{
    /// <summary>The document of <paramref name="r"/>.</summary>
    public static HopfieldStudyJson From(HopfieldStudyResult r)
    {
        ArgumentNullException.ThrowIfNull(r);
        var o = r.Options;
        var d = r.Diagram;
        return new(o.Seed, o.Temperature, o.Sizes, o.Alphas, o.Samples, o.Run.FlipFraction, o.Level, o.Run.BurnInSweeps, o.Run.MeasureSweeps,
            r.LoadPoints.Select(HopfieldPointJson.From).ToList(),
            r.Capacities.Select(c => new HopfieldCapacityJson(c.Size, Finite(c.AlphaAtMeanLevel), Finite(c.AlphaAtHalfSuccess))).ToList(),
            new HopfieldTemperatureCurveJson(o.PhaseSize, o.TemperatureCurveAlpha, o.PhaseSamples, r.TemperaturePoints.Select(HopfieldPointJson.From).ToList(),
                r.AgsOverlapVsTemperature.Select(q => new HopfieldAgsTemperatureJson(q.Temperature, q.M)).ToList()),
            new HopfieldAgsJson(r.CriticalLoad, r.CriticalOverlap, r.GlobalStabilityLoad,
                r.AgsOverlapZeroTemperature.Select(q => new HopfieldAgsLoadJson(q.Alpha, q.M)).ToList(),
                d == null ? null : new HopfieldBoundariesJson(Table(d.Glass), Table(d.RetrievalLimit), Table(d.RetrievalGlobal))),
            d == null ? null : new HopfieldPhasePointsJson(o.PhaseSize, o.PhaseSamples, o.PhaseLevel,
                r.PhasePoints.Select(q => new HopfieldPhasePointJson(q.Alpha, q.Temperature, q.MeanOverlap, Finite(q.StandardError), r.IsRetrieval(q))).ToList()),
            r.WallSeconds);
    }

    static IReadOnlyList<HopfieldBoundaryPointJson> Table(IEnumerable<AgsBoundaryPoint> pts) =>
        pts.Select(q => new HopfieldBoundaryPointJson(q.Alpha, q.Temperature)).ToList();

    internal static double? Finite(double v) => double.IsFinite(v) ? v : null;
}

/// <summary>One point of an overlap curve (<see cref="HopfieldOverlapPoint"/>).</summary>
/// <param name="N">The network size.</param>
/// <param name="Patterns">Stored patterns P.</param>
/// <param name="Alpha">The load P/N.</param>
/// <param name="Temperature">T.</param>
/// <param name="MeanOverlap">Mean overlap with the retrieved pattern.</param>
/// <param name="StandardError">Its standard error over the pattern sets, or null for one set.</param>
/// <param name="SuccessFraction">Fraction of runs whose overlap reaches the level.</param>
public sealed record HopfieldPointJson(
    [property: JsonPropertyName("n")] int N,
    [property: JsonPropertyName("patterns")] int Patterns,
    [property: JsonPropertyName("alpha")] double Alpha,
    [property: JsonPropertyName("temperature")] double Temperature,
    [property: JsonPropertyName("mean_overlap")] double MeanOverlap,
    [property: JsonPropertyName("standard_error")] double? StandardError,
    [property: JsonPropertyName("success_fraction")] double SuccessFraction)
{
    /// <summary>The JSON of <paramref name="q"/>.</summary>
    public static HopfieldPointJson From(HopfieldOverlapPoint q) =>
        new(q.Size, q.Patterns, q.Alpha, q.Temperature, q.MeanOverlap, HopfieldStudyJson.Finite(q.StandardError), q.SuccessFraction);
}

/// <summary>The finite-size capacity estimates of one size (<see cref="HopfieldCapacityEstimate"/>); null where the curve does not cross.</summary>
/// <param name="N">The network size.</param>
/// <param name="AlphaMeanCrossing">The load where the mean overlap falls through the level.</param>
/// <param name="AlphaHalfSuccess">The load where the fraction of runs reaching the level falls through 1/2.</param>
public sealed record HopfieldCapacityJson(
    [property: JsonPropertyName("n")] int N,
    [property: JsonPropertyName("alpha_mean_crossing")] double? AlphaMeanCrossing,
    [property: JsonPropertyName("alpha_half_success")] double? AlphaHalfSuccess);

/// <summary>The overlap-vs-temperature curve at fixed load.</summary>
/// <param name="N">The network size.</param>
/// <param name="Alpha">The load.</param>
/// <param name="Samples">Pattern sets per point.</param>
/// <param name="Points">The simulated points.</param>
/// <param name="Ags">The AGS m(T) at that load.</param>
public sealed record HopfieldTemperatureCurveJson(
    [property: JsonPropertyName("n")] int N,
    [property: JsonPropertyName("alpha")] double Alpha,
    [property: JsonPropertyName("samples")] int Samples,
    [property: JsonPropertyName("points")] IReadOnlyList<HopfieldPointJson> Points,
    [property: JsonPropertyName("ags")] IReadOnlyList<HopfieldAgsTemperatureJson> Ags);

/// <summary>One point of the AGS retrieval overlap against temperature.</summary>
/// <param name="Temperature">T.</param>
/// <param name="M">The retrieval overlap m (0 where retrieval states do not exist).</param>
public sealed record HopfieldAgsTemperatureJson(
    [property: JsonPropertyName("temperature")] double Temperature,
    [property: JsonPropertyName("m")] double M);

/// <summary>One point of the AGS retrieval overlap against load at T = 0.</summary>
/// <param name="Alpha">The load.</param>
/// <param name="M">The retrieval overlap m.</param>
public sealed record HopfieldAgsLoadJson(
    [property: JsonPropertyName("alpha")] double Alpha,
    [property: JsonPropertyName("m")] double M);

/// <summary>The AGS replica-symmetric numbers.</summary>
/// <param name="AlphaC">alpha_c at T = 0, where retrieval states cease.</param>
/// <param name="MAtAlphaC">The overlap m at alpha_c.</param>
/// <param name="AlphaGlobalT0">The load below which retrieval is the global minimum at T = 0.</param>
/// <param name="MT0">m(alpha) at T = 0.</param>
/// <param name="Boundaries">The phase boundaries, or null without the phase diagram.</param>
public sealed record HopfieldAgsJson(
    [property: JsonPropertyName("alpha_c")] double AlphaC,
    [property: JsonPropertyName("m_at_alpha_c")] double MAtAlphaC,
    [property: JsonPropertyName("alpha_global_t0")] double AlphaGlobalT0,
    [property: JsonPropertyName("m_t0")] IReadOnlyList<HopfieldAgsLoadJson> MT0,
    [property: JsonPropertyName("boundaries")] HopfieldBoundariesJson? Boundaries);

/// <summary>The AGS phase boundaries (<see cref="AgsPhaseDiagram"/>) as (alpha, T) tables.</summary>
/// <param name="TG">The spin-glass temperature T_g(alpha).</param>
/// <param name="TM">T_M(alpha), where retrieval states cease.</param>
/// <param name="TC">T_c(alpha), below which retrieval is the global minimum.</param>
public sealed record HopfieldBoundariesJson(
    [property: JsonPropertyName("t_g")] IReadOnlyList<HopfieldBoundaryPointJson> TG,
    [property: JsonPropertyName("t_m")] IReadOnlyList<HopfieldBoundaryPointJson> TM,
    [property: JsonPropertyName("t_c")] IReadOnlyList<HopfieldBoundaryPointJson> TC);

/// <summary>One point of a phase boundary.</summary>
/// <param name="Alpha">The load.</param>
/// <param name="Temperature">The temperature of the boundary there.</param>
public sealed record HopfieldBoundaryPointJson(
    [property: JsonPropertyName("alpha")] double Alpha,
    [property: JsonPropertyName("temperature")] double Temperature);

/// <summary>The phase-diagram simulation grid.</summary>
/// <param name="N">The network size.</param>
/// <param name="Samples">Pattern sets per point.</param>
/// <param name="Level">The mean overlap from which a point counts as retrieval.</param>
/// <param name="Points">The grid points.</param>
public sealed record HopfieldPhasePointsJson(
    [property: JsonPropertyName("n")] int N,
    [property: JsonPropertyName("samples")] int Samples,
    [property: JsonPropertyName("level")] double Level,
    [property: JsonPropertyName("points")] IReadOnlyList<HopfieldPhasePointJson> Points);

/// <summary>One simulated point of the phase diagram.</summary>
/// <param name="Alpha">The load.</param>
/// <param name="Temperature">T.</param>
/// <param name="MeanOverlap">Mean overlap with the retrieved pattern.</param>
/// <param name="StandardError">Its standard error, or null for one pattern set.</param>
/// <param name="Retrieval">Whether the mean overlap reaches the level.</param>
public sealed record HopfieldPhasePointJson(
    [property: JsonPropertyName("alpha")] double Alpha,
    [property: JsonPropertyName("temperature")] double Temperature,
    [property: JsonPropertyName("mean_overlap")] double MeanOverlap,
    [property: JsonPropertyName("standard_error")] double? StandardError,
    [property: JsonPropertyName("retrieval")] bool Retrieval);
