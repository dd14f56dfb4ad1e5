using NeuralSpin.Numerics;
using System.Diagnostics;
using NeuralSpin.Reporting;
using NeuralSpin.Training;

namespace NeuralSpin.Classic;

/// <summary>
/// Settings of <see cref="HopfieldStudy.Run"/>, with the defaults of <c>neuralspin classic hopfield</c> (whose options map
/// one to one onto these fields).
/// </summary>
public sealed record HopfieldStudyOptions
{
    /// <summary>Network sizes N of the overlap-vs-load curves.</summary>
    public IReadOnlyList<int> Sizes { get; init; } = [250, 500, 1000, 2000];

    /// <summary>Loads alpha = P/N of the overlap-vs-load curves (P = round(alpha N)).</summary>
    public IReadOnlyList<double> Alphas { get; init; } = [0.02, 0.04, 0.06, 0.08, 0.1, 0.11, 0.12, 0.13, 0.14, 0.15, 0.16, 0.17, 0.18, 0.2, 0.22, 0.24];

    /// <summary>Temperature of the overlap-vs-load curves: 0 runs asynchronous T = 0 dynamics to a fixed point, T &gt; 0 Glauber dynamics.</summary>
    public double Temperature { get; init; }

    /// <summary>Independent pattern sets per point of the overlap-vs-load curves.</summary>
    public int Samples { get; init; } = 20;

    /// <summary>Overlap level defining alpha_c(N) (the mean overlap falls through it; the fraction of runs reaching it falls through 1/2).</summary>
    public double Level { get; init; } = 0.8;

    /// <summary>Load of the overlap-vs-temperature curve.</summary>
    public double TemperatureCurveAlpha { get; init; } = 0.05;

    /// <summary>Temperatures of the overlap-vs-temperature curve.</summary>
    public IReadOnlyList<double> Temperatures { get; init; } = [0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1, 1.1, 1.2];

    /// <summary>N of the overlap-vs-temperature curve and of the phase-diagram points.</summary>
    public int PhaseSize { get; init; } = 1000;

    /// <summary>Pattern sets per point of the overlap-vs-temperature curve and of the phase diagram.</summary>
    public int PhaseSamples { get; init; } = 3;

    /// <summary>Loads of the phase-diagram simulation grid.</summary>
    public IReadOnlyList<double> PhaseAlphas { get; init; } = [0.02, 0.04, 0.06, 0.08, 0.1, 0.12, 0.14, 0.16, 0.18];

    /// <summary>Temperatures (&gt; 0) of the phase-diagram simulation grid.</summary>
    public IReadOnlyList<double> PhaseTemperatures { get; init; } = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1, 1.1];

    /// <summary>Whether to compute the phase diagram (AGS boundaries and its simulation grid).</summary>
    public bool PhaseDiagram { get; init; } = true;

    /// <summary>Start configuration and sweeps of every run.</summary>
    public HopfieldRunSettings Run { get; init; } = new();

    /// <summary>Seed; every run derives its own seed from it, so results do not depend on the thread count.</summary>
    public int Seed { get; init; } = 1;

    /// <summary>Level of the phase-diagram points: a run counts as retrieval when its mean overlap is at least this.</summary>
    public double PhaseLevel { get; init; } = 0.3;

    /// <summary>Points of the AGS m(T) curve drawn beside the overlap-vs-temperature simulation.</summary>
    public int AgsCurvePoints { get; init; } = 121;

    /// <summary>The smallest network size (<see cref="Sizes"/>, <see cref="PhaseSize"/>).</summary>
    public const int MinSize = 8;

    /// <summary>The largest network size (<see cref="Sizes"/>, <see cref="PhaseSize"/>): the Hebbian couplings are a dense N x N matrix.</summary>
    public const int MaxSize = 20_000;

    /// <summary>The largest load alpha = P/N (<see cref="Alphas"/>, <see cref="TemperatureCurveAlpha"/>, <see cref="PhaseAlphas"/>), far past alpha_c = 0.138.</summary>
    public const double MaxAlpha = 2;

    /// <summary>The largest temperature (<see cref="Temperature"/>, <see cref="Temperatures"/>, <see cref="PhaseTemperatures"/>), far past T_g = 1 + sqrt(alpha).</summary>
    public const double MaxTemperature = 10;

    /// <summary>The most pattern sets per point (<see cref="Samples"/>, <see cref="PhaseSamples"/>).</summary>
    public const int MaxSamples = 10_000;
}

/// <summary>Everything <see cref="HopfieldStudy.Run"/> computes.</summary>
public sealed record HopfieldStudyResult
{
    /// <summary>The settings it ran with.</summary>
    public required HopfieldStudyOptions Options { get; init; }

    /// <summary>Overlap against load, for every size (seed stream 0).</summary>
    public required IReadOnlyList<HopfieldOverlapPoint> LoadPoints { get; init; }

    /// <summary>alpha_c(N) per size from <see cref="LoadPoints"/>.</summary>
    public required IReadOnlyList<HopfieldCapacityEstimate> Capacities { get; init; }

    /// <summary>Overlap against temperature at <see cref="HopfieldStudyOptions.TemperatureCurveAlpha"/> (seed stream 1).</summary>
    public required IReadOnlyList<HopfieldOverlapPoint> TemperaturePoints { get; init; }

    /// <summary>The phase-diagram simulation grid (seed stream 2; empty without the phase diagram).</summary>
    public required IReadOnlyList<HopfieldOverlapPoint> PhasePoints { get; init; }

    /// <summary>The AGS boundaries T_g, T_M, T_c (null without the phase diagram).</summary>
    public required AgsPhaseDiagram? Diagram { get; init; }

    /// <summary>AGS m(T) at the curve's load, on an even grid from 0 to the largest simulated T.</summary>
    public required IReadOnlyList<(double Temperature, double M)> AgsOverlapVsTemperature { get; init; }

    /// <summary>AGS m(alpha) at T = 0 up to alpha_c.</summary>
    public required IReadOnlyList<(double Alpha, double M)> AgsOverlapZeroTemperature { get; init; }

    /// <summary>Wall time.</summary>
    public required double WallSeconds { get; init; }

    /// <summary>AGS alpha_c at T = 0 (0.138).</summary>
    public double CriticalLoad => AgsTheory.CriticalLoad;

    /// <summary>AGS m at alpha_c (0.967).</summary>
    public double CriticalOverlap => AgsTheory.CriticalOverlap;

    /// <summary>AGS load below which retrieval is the global minimum at T = 0 (0.051).</summary>
    public double GlobalStabilityLoad => AgsTheory.GlobalStabilityLoadZeroTemperature();

    /// <summary>
    /// T_M at the curve's load as the grid of <see cref="AgsOverlapVsTemperature"/> resolves it: the last temperature with
    /// m &gt; 0 (0 when there is none).
    /// </summary>
    public double AgsRetrievalLimitOnGrid => AgsOverlapVsTemperature.LastOrDefault(q => q.M > 0).Temperature;

    /// <summary>Whether a phase-diagram point counts as retrieval: its mean overlap is at least <see cref="HopfieldStudyOptions.PhaseLevel"/>.</summary>
    public bool IsRetrieval(HopfieldOverlapPoint point) => point.MeanOverlap >= Options.PhaseLevel;
}

/// <summary>
/// The Hopfield study behind <c>neuralspin classic hopfield</c> (docs/theory.md section 8), callable from the library:
/// retrieval of a stored pattern with Hebbian couplings against load at finite N (alpha_c(N)), against temperature, and on
/// a grid of (alpha, T) next to the AGS replica-symmetric phase diagram. The three simulation grids use the seed streams
/// 0, 1 and 2 of <see cref="HopfieldStudyOptions.Seed"/> (<see cref="Seeds.Stream"/>, <see cref="SeedStreams"/>), so each is reproducible alone.
/// </summary>
public static class HopfieldStudy
{
    /// <summary>Runs the study, reporting each stage on <paramref name="progress"/>.</summary>
    public static HopfieldStudyResult Run(HopfieldStudyOptions? options = null, IProgress<StageProgress>? progress = null)
    {
        var o = options ?? new HopfieldStudyOptions();
        Validate(o);
        var clock = Stopwatch.StartNew();
        var ns = o.Sizes.Distinct().OrderBy(x => x).ToArray();
        var loads = o.Alphas.Distinct().OrderBy(x => x).ToArray();
        var temps = o.Temperatures.Distinct().OrderBy(x => x).ToArray();
        var loadGrid = ns.SelectMany(n => loads.Select(a => (n, a, o.Temperature))).ToList();
        var tGrid = temps.Select(t => (o.PhaseSize, o.TemperatureCurveAlpha, t)).ToList();
        var phaseGrid = o.PhaseDiagram
            ? o.PhaseAlphas.Distinct().OrderBy(x => x).SelectMany(a => o.PhaseTemperatures.Distinct().OrderBy(x => x).Select(t => (o.PhaseSize, a, t))).ToList()
            : [];
        var loadPoints = StageProgress.Run(progress, "overlap vs load", loadGrid.Count * o.Samples,
            pr => HopfieldRetrieval.Scan(loadGrid, o.Samples, o.Run, o.Seed, o.Level, pr));
        var tPoints = StageProgress.Run(progress, "overlap vs temperature", tGrid.Count * o.PhaseSamples,
            pr => HopfieldRetrieval.Scan(tGrid, o.PhaseSamples, o.Run, Seeds.Stream(o.Seed, SeedStreams.HopfieldTemperatureCurve), o.PhaseLevel, pr));
        var phasePoints = o.PhaseDiagram
            ? StageProgress.Run(progress, "phase-diagram simulations", phaseGrid.Count * o.PhaseSamples,
                pr => HopfieldRetrieval.Scan(phaseGrid, o.PhaseSamples, o.Run, Seeds.Stream(o.Seed, SeedStreams.HopfieldPhaseGrid), o.PhaseLevel, pr))
            : [];
        var diagram = o.PhaseDiagram ? StageProgress.Run(progress, "AGS boundaries", 20, pr => AgsTheory.PhaseDiagram(0.2, 20, pr)) : null;
        var capacities = ns.Select(n => HopfieldRetrieval.Capacity(loadPoints.Where(q => q.Size == n).ToList(), o.Level)).ToList();
        double tMax = temps.Max();
        var agsT = Enumerable.Range(0, o.AgsCurvePoints).Select(i => tMax * i / (o.AgsCurvePoints - 1))
            .Select(t => (t, AgsTheory.RetrievalOverlap(o.TemperatureCurveAlpha, t))).ToList();
        double alphaC = AgsTheory.CriticalLoad;
        var agsM = Enumerable.Range(1, 50).Select(i => alphaC * i / 50).Select(a => (a, AgsTheory.RetrievalZeroTemperature(a)!.M)).ToList();
        return new HopfieldStudyResult { Options = o, LoadPoints = loadPoints, Capacities = capacities, TemperaturePoints = tPoints, PhasePoints = phasePoints, Diagram = diagram, AgsOverlapVsTemperature = agsT, AgsOverlapZeroTemperature = agsM, WallSeconds = clock.Elapsed.TotalSeconds };
    }

    static void Validate(HopfieldStudyOptions o)
    {
        static void Check(bool ok, string name, object value, string rule)
        {
            if (!ok) throw new ArgumentOutOfRangeException(name, value, rule);
        }
        const int minN = HopfieldStudyOptions.MinSize, maxN = HopfieldStudyOptions.MaxSize, maxK = HopfieldStudyOptions.MaxSamples;
        const double maxA = HopfieldStudyOptions.MaxAlpha, maxT = HopfieldStudyOptions.MaxTemperature;
        Check(o.Sizes is { Count: > 0 } && o.Sizes.All(n => n is >= minN and <= maxN), nameof(o.Sizes), o.Sizes?.Count ?? 0, $"one or more sizes between {minN} and {maxN}");
        Check(o.Alphas is { Count: > 0 } && o.Alphas.All(a => a > 0 && a <= maxA), nameof(o.Alphas), o.Alphas?.Count ?? 0, $"one or more loads in (0, {maxA}]");
        Check(o.Temperature is >= 0 and <= maxT, nameof(o.Temperature), o.Temperature, $"in [0, {maxT}]");
        Check(o.Samples is >= 1 and <= maxK, nameof(o.Samples), o.Samples, $"between 1 and {maxK}");
        Check(o.Level is > 0 and < 1, nameof(o.Level), o.Level, "strictly between 0 and 1");
        Check(o.TemperatureCurveAlpha is > 0 and <= maxA, nameof(o.TemperatureCurveAlpha), o.TemperatureCurveAlpha, $"in (0, {maxA}]");
        Check(o.Temperatures is { Count: > 0 } && o.Temperatures.All(t => t is >= 0 and <= maxT), nameof(o.Temperatures), o.Temperatures?.Count ?? 0, $"one or more temperatures in [0, {maxT}]");
        Check(o.PhaseSize is >= minN and <= maxN, nameof(o.PhaseSize), o.PhaseSize, $"between {minN} and {maxN}");
        Check(o.PhaseSamples is >= 1 and <= maxK, nameof(o.PhaseSamples), o.PhaseSamples, $"between 1 and {maxK}");
        Check(o.PhaseAlphas is { Count: > 0 } && o.PhaseAlphas.All(a => a > 0 && a <= maxA), nameof(o.PhaseAlphas), o.PhaseAlphas?.Count ?? 0, $"one or more loads in (0, {maxA}]");
        Check(o.PhaseTemperatures is { Count: > 0 } && o.PhaseTemperatures.All(t => t > 0 && t <= maxT), nameof(o.PhaseTemperatures), o.PhaseTemperatures?.Count ?? 0, $"one or more temperatures in (0, {maxT}]");
        Check(o.PhaseLevel is > 0 and < 1, nameof(o.PhaseLevel), o.PhaseLevel, "strictly between 0 and 1");
        Check(o.AgsCurvePoints >= 2, nameof(o.AgsCurvePoints), o.AgsCurvePoints, "at least 2");
        ArgumentNullException.ThrowIfNull(o.Run, nameof(o.Run));
    }
}
