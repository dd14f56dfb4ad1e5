using NeuralSpin.Numerics;

namespace NeuralSpin.Classic;

/// <summary>Settings of <see cref="CurieWeissStudy.Run"/>: the reported point (T, h, J), the finite sizes and the temperature sweep.</summary>
public sealed record CurieWeissStudyOptions
{
    /// <summary>Temperature T &gt;= 0 (k_B = 1) of the reported solution.</summary>
    public double Temperature { get; init; }

    /// <summary>External field h.</summary>
    public double Field { get; init; }

    /// <summary>Coupling J &gt; 0 (T_c = J).</summary>
    public double Coupling { get; init; } = 1.0;

    /// <summary>Finite sizes N of the exact binomial sums, each 1 to <see cref="MaxSize"/>.</summary>
    public IReadOnlyList<int> Sizes { get; init; } = [10, 100, 1000];

    /// <summary>Lowest temperature of the m(T), f(T) sweep.</summary>
    public double SweepMin { get; init; }

    /// <summary>Highest temperature of the sweep; null for <see cref="DefaultSweepMaxOverCoupling"/> J (see <see cref="SweepEnd"/>).</summary>
    public double? SweepMax { get; init; }

    /// <summary>Temperatures of the sweep, evenly spaced from <see cref="SweepMin"/> to <see cref="SweepEnd"/> (<see cref="Precision.UniformGrid(double, double, int)"/>).</summary>
    public int SweepPoints { get; init; } = 201;

    /// <summary>The default end of the sweep in units of J: 2, twice T_c, so that the sweep shows the ordered phase and as much of the paramagnet.</summary>
    public const double DefaultSweepMaxOverCoupling = 2;

    /// <summary>The largest size of <see cref="Sizes"/> (the exact sums hold N + 1 log-binomials per size and sweep point).</summary>
    public const int MaxSize = 10_000_000;

    /// <summary>The fewest temperatures of the sweep (<see cref="SweepPoints"/>): its two ends.</summary>
    public const int MinSweepPoints = 2;

    /// <summary>The most temperatures of the sweep (<see cref="SweepPoints"/>): each holds every branch and the exact sums of every size.</summary>
    public const int MaxSweepPoints = 100_000;

    /// <summary>The end of the sweep: <see cref="SweepMax"/>, else <see cref="DefaultSweepMaxOverCoupling"/> J.</summary>
    public double SweepEnd => SweepMax ?? DefaultSweepMaxOverCoupling * Coupling;
}

/// <summary>One temperature of the sweep: every mean-field branch and the exact finite-N results (without P(M)).</summary>
/// <param name="Temperature">T.</param>
/// <param name="Solution">The mean-field branches at T.</param>
/// <param name="Finite">The exact results for each size, in the order of <see cref="CurieWeissStudyResult.Sizes"/>, their probabilities left out.</param>
public sealed record CurieWeissSweepPoint(double Temperature, MeanFieldSolution Solution, FiniteSizeResult[] Finite);

/// <summary>Everything <see cref="CurieWeissStudy.Run"/> computes.</summary>
/// <param name="Options">The settings it ran with.</param>
/// <param name="Solution">The mean-field branches at the reported point.</param>
/// <param name="Beta">The fitted exponent beta (<see cref="CurieWeiss.FitBetaExponent"/>, expected 1/2).</param>
/// <param name="Gamma">The fitted exponent gamma (<see cref="CurieWeiss.FitGammaExponent"/>, expected 1).</param>
/// <param name="Sizes">The finite sizes.</param>
/// <param name="AtPoint">The exact finite-N results at the reported point, P(M) included.</param>
/// <param name="Sweep">The sweep, in increasing temperature.</param>
public sealed record CurieWeissStudyResult(CurieWeissStudyOptions Options, MeanFieldSolution Solution, PowerFit Beta, PowerFit Gamma,
    int[] Sizes, FiniteSizeResult[] AtPoint, IReadOnlyList<CurieWeissSweepPoint> Sweep)
{
    /// <summary>T of the reported point.</summary>
    public double T => Options.Temperature;

    /// <summary>h of the reported point.</summary>
    public double H => Options.Field;

    /// <summary>J.</summary>
    public double J => Options.Coupling;

    /// <summary>
    /// P(M) at the reported point is written out (the distribution table and figure) for sizes up to this; larger sizes
    /// keep it in <see cref="AtPoint"/> but would add N + 1 rows each.
    /// </summary>
    public const int MaxDistributionSize = 100_000;
}

/// <summary>
/// The Curie-Weiss study behind <c>neuralspin classic curie-weiss</c> (docs/theory.md section 8): every branch of
/// m = tanh(beta (J m + h)) with its stability at one point, the fitted exponents beta and gamma, the exact finite-N
/// thermodynamics at that point, and both along a temperature sweep.
/// </summary>
public static class CurieWeissStudy
{
    /// <summary>Work units of <see cref="Run"/> for a progress bar: one per size and one for the mean field at each sweep temperature.</summary>
    public static int WorkUnits(CurieWeissStudyOptions options) => options.SweepPoints * (options.Sizes.Count + 1);

    /// <summary>
    /// Runs the study; the sweep temperatures run in parallel (each point is independent and deterministic, so the
    /// result does not depend on the thread count), reporting the work units done.
    /// </summary>
    public static CurieWeissStudyResult Run(CurieWeissStudyOptions options, IProgress<int>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        Validate(options);
        double t = options.Temperature, h = options.Field, j = options.Coupling;
        var ns = options.Sizes.ToArray();
        int k = options.SweepPoints;
        var sol = CurieWeiss.Solve(t, h, j);
        var beta = CurieWeiss.FitBetaExponent(j);
        var gamma = CurieWeiss.FitGammaExponent(j);
        var logB = ns.Select(CurieWeissFiniteSize.LogBinomials).ToArray();
        var at = ns.Select((n, i) => CurieWeissFiniteSize.Compute(n, t, h, j, logB[i])).ToArray();
        var temps = Precision.UniformGrid(options.SweepMin, options.SweepEnd, k);
        var sweep = new CurieWeissSweepPoint[k];
        int done = 0;
        Parallel.For(0, k, i =>
        {
            var fin = new FiniteSizeResult[ns.Length];
            for (int s = 0; s < ns.Length; s++) fin[s] = CurieWeissFiniteSize.Compute(ns[s], temps[i], h, j, logB[s]) with { Probabilities = [] };
            sweep[i] = new CurieWeissSweepPoint(temps[i], CurieWeiss.Solve(temps[i], h, j), fin);
            progress?.Report(Interlocked.Add(ref done, ns.Length + 1));
        });
        return new CurieWeissStudyResult(options, sol, beta, gamma, ns, at, sweep);
    }

    static void Validate(CurieWeissStudyOptions o)
    {
        if (!(o.Temperature >= 0 && double.IsFinite(o.Temperature))) throw new ArgumentOutOfRangeException(nameof(o.Temperature), o.Temperature, "T must be finite and >= 0");
        if (!double.IsFinite(o.Field)) throw new ArgumentOutOfRangeException(nameof(o.Field), o.Field, "h must be finite");
        if (!(o.Coupling > 0 && double.IsFinite(o.Coupling))) throw new ArgumentOutOfRangeException(nameof(o.Coupling), o.Coupling, "J must be positive and finite");
        if (o.Sizes is null || o.Sizes.Count == 0 || o.Sizes.Any(n => n < 1 || n > CurieWeissStudyOptions.MaxSize))
            throw new ArgumentOutOfRangeException(nameof(o.Sizes), o.Sizes?.Count ?? 0, $"one or more sizes, each between 1 and {CurieWeissStudyOptions.MaxSize}");
        if (!(o.SweepMin >= 0 && double.IsFinite(o.SweepMin))) throw new ArgumentOutOfRangeException(nameof(o.SweepMin), o.SweepMin, "the sweep starts at a finite T >= 0");
        if (!(o.SweepEnd > o.SweepMin && double.IsFinite(o.SweepEnd))) throw new ArgumentOutOfRangeException(nameof(o.SweepMax), o.SweepEnd, "the sweep ends at a finite T above its start");
        if (o.SweepPoints < CurieWeissStudyOptions.MinSweepPoints || o.SweepPoints > CurieWeissStudyOptions.MaxSweepPoints)
            throw new ArgumentOutOfRangeException(nameof(o.SweepPoints), o.SweepPoints, $"between {CurieWeissStudyOptions.MinSweepPoints} and {CurieWeissStudyOptions.MaxSweepPoints} temperatures");
    }
}
