using NeuralSpin.Numerics;
using NeuralSpin.Ising;
using NeuralSpin.Training;

namespace NeuralSpin.Classic;

/// <summary>How one retrieval run is done (<see cref="HopfieldRetrieval.RunOnce"/>).</summary>
public sealed record HopfieldRunSettings
{
    /// <summary>Fraction of the pattern's spins reversed in the start configuration (0: start at the pattern).</summary>
    public double FlipFraction { get; init; }

    /// <summary>Glauber sweeps before the overlap is measured (T &gt; 0 only).</summary>
    public int BurnInSweeps { get; init; } = 50;

    /// <summary>Glauber sweeps over which the overlap is averaged (T &gt; 0 only).</summary>
    public int MeasureSweeps { get; init; } = 50;

    /// <summary>The largest <see cref="FlipFraction"/>: beyond 1/2 the start is nearer the reversed pattern -xi than xi.</summary>
    public const double MaxFlipFraction = 0.5;

    /// <summary>The most sweeps of <see cref="BurnInSweeps"/> and of <see cref="MeasureSweeps"/>.</summary>
    public const int MaxSweeps = 1_000_000;

    /// <summary>Checks the values.</summary>
    public void Validate()
    {
        if (!(FlipFraction >= 0 && FlipFraction <= MaxFlipFraction)) throw new ArgumentOutOfRangeException(nameof(FlipFraction), FlipFraction, $"the flip fraction must lie in [0, {MaxFlipFraction.ToString(System.Globalization.CultureInfo.InvariantCulture)}]");
        if (BurnInSweeps < 0 || BurnInSweeps > MaxSweeps) throw new ArgumentOutOfRangeException(nameof(BurnInSweeps), BurnInSweeps, $"burn-in must lie in [0, {MaxSweeps}]");
        if (MeasureSweeps < 1 || MeasureSweeps > MaxSweeps) throw new ArgumentOutOfRangeException(nameof(MeasureSweeps), MeasureSweeps, $"measurement sweeps must lie in [1, {MaxSweeps}]");
    }
}

/// <summary>Mean retrieval overlap at one (N, alpha, T) point over independent pattern sets.</summary>
/// <param name="Size">N.</param>
/// <param name="Patterns">P = max(1, round(alpha N)).</param>
/// <param name="Alpha">The realised load P / N.</param>
/// <param name="Temperature">T (0: asynchronous zero-temperature dynamics to a fixed point).</param>
/// <param name="MeanOverlap">Mean of the per-sample overlaps.</param>
/// <param name="StandardError">Standard error of the mean over samples (independent pattern sets).</param>
/// <param name="SuccessFraction">Fraction of samples whose overlap reached the success level.</param>
/// <param name="Overlaps">The per-sample overlaps, in sample order.</param>
public sealed record HopfieldOverlapPoint(int Size, int Patterns, double Alpha, double Temperature, double MeanOverlap, double StandardError, double SuccessFraction, double[] Overlaps);

/// <summary>Finite-size estimates of the retrieval capacity at one N (NaN when the curve does not cross the level).</summary>
/// <param name="Size">N.</param>
/// <param name="AlphaAtMeanLevel">Load where the mean overlap falls through the crossing level (linear interpolation).</param>
/// <param name="AlphaAtHalfSuccess">Load where the fraction of successful retrievals falls through 1/2.</param>
public sealed record HopfieldCapacityEstimate(int Size, double AlphaAtMeanLevel, double AlphaAtHalfSuccess);

/// <summary>
/// Retrieval experiments on random Hopfield networks (docs/theory.md section 8): start at (or near) pattern 1 of a fresh
/// random pattern set and measure the overlap m = (1/N) xi^1 . s, at T = 0 after asynchronous dynamics to a fixed
/// point, at T &gt; 0 averaged over Glauber sweeps. Every sample has its own seed derived from (seed, N, point, sample)
/// (<see cref="Seeds.Stream"/>), and samples run in parallel with results stored by index, so results are
/// bit-for-bit reproducible for a given seed whatever the thread count.
/// </summary>
public static class HopfieldRetrieval
{
    /// <summary>P = max(1, round(alpha N)).</summary>
    public static int PatternsFor(int size, double alpha) => Math.Max(1, (int)Math.Round(alpha * size, MidpointRounding.AwayFromZero));

    /// <summary>The seed of one sample: DeriveSeed(seed, stream) with the stream built from N, the point index and the sample index.</summary>
    public static int SampleSeed(long seed, int size, int point, int sample) =>
        unchecked((int)Seeds.Stream(seed, ((ulong)(uint)size << 40) ^ ((ulong)(uint)point << 20) ^ (uint)sample));

    /// <summary>
    /// One run: P random patterns of N neurons and the start (pattern 0 with the flip fraction reversed) from one generator
    /// seeded with <paramref name="seed"/>, then T = 0 asynchronous dynamics (final overlap) or Glauber dynamics at T
    /// (overlap averaged over the measurement sweeps).
    /// </summary>
    public static double RunOnce(int size, int patterns, double temperature, HopfieldRunSettings settings, int seed)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var rng = new SplitMixSource(seed);
        var net = HopfieldNetwork.Random(size, patterns, rng);
        var start = HopfieldDynamics.StartNear(net, 0, settings.FlipFraction, rng);
        return temperature == 0
            ? HopfieldDynamics.Asynchronous(net, start, rng).Overlap
            : HopfieldDynamics.Glauber(net, start, temperature, settings.BurnInSweeps, settings.MeasureSweeps, rng).MeanOverlap;
    }

    /// <summary>
    /// Mean overlaps on a grid of (N, alpha, T) points, <paramref name="samples"/> independent pattern sets each, all runs in
    /// parallel. Point k of the grid uses point index k in <see cref="SampleSeed"/>. Progress reports runs done.
    /// </summary>
    public static HopfieldOverlapPoint[] Scan(IReadOnlyList<(int Size, double Alpha, double Temperature)> grid, int samples, HopfieldRunSettings settings,
        long seed, double successLevel, IProgress<int>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(grid);
        ArgumentNullException.ThrowIfNull(settings);
        settings.Validate();
        if (samples < 1) throw new ArgumentOutOfRangeException(nameof(samples), samples, "at least one sample");
        foreach (var (n, a, t) in grid)
        {
            if (n < 2) throw new ArgumentOutOfRangeException(nameof(grid), n, "N must be >= 2");
            if (!(a > 0) || !double.IsFinite(a)) throw new ArgumentOutOfRangeException(nameof(grid), a, "alpha must be > 0");
            if (!(t >= 0) || !double.IsFinite(t)) throw new ArgumentOutOfRangeException(nameof(grid), t, "T must be >= 0");
        }
        var overlaps = new double[grid.Count * samples];
        // largest work first (N P sweeps), so the parallel loop ends evenly
        var order = Enumerable.Range(0, overlaps.Length)
            .OrderByDescending(k => (double)grid[k / samples].Size * PatternsFor(grid[k / samples].Size, grid[k / samples].Alpha)).ToArray();
        int done = 0;
        Parallel.For(0, order.Length, idx =>
        {
            int k = order[idx], point = k / samples, sample = k % samples;
            var (n, a, t) = grid[point];
            overlaps[k] = RunOnce(n, PatternsFor(n, a), t, settings, SampleSeed(seed, n, point, sample));
            progress?.Report(Interlocked.Increment(ref done));
        });
        var result = new HopfieldOverlapPoint[grid.Count];
        for (int point = 0; point < grid.Count; point++)
        {
            var (n, a, t) = grid[point];
            var o = overlaps.AsSpan(point * samples, samples).ToArray();
            var mom = new RunningMoments();
            foreach (var v in o) mom.Add(v);
            int p = PatternsFor(n, a);
            result[point] = new HopfieldOverlapPoint(n, p, (double)p / n, t, mom.Mean, samples > 1 ? mom.StandardError : double.NaN,
                o.Count(v => v >= successLevel) / (double)samples, o);
        }
        return result;
    }

    /// <summary>
    /// alpha_c(N) estimates from a load scan at one N: where the mean overlap first falls from &gt;= <paramref name="level"/> to
    /// &lt; level, and where the success fraction first falls from &gt;= 1/2 to &lt; 1/2, each by linear interpolation in alpha
    /// between the two bracketing loads (NaN when there is no such pair).
    /// </summary>
    public static HopfieldCapacityEstimate Capacity(IReadOnlyList<HopfieldOverlapPoint> pointsOfOneSize, double level)
    {
        ArgumentNullException.ThrowIfNull(pointsOfOneSize);
        if (pointsOfOneSize.Count == 0) throw new ArgumentException("no points", nameof(pointsOfOneSize));
        var pts = pointsOfOneSize.OrderBy(p => p.Alpha).ToArray();
        if (pts.Any(p => p.Size != pts[0].Size)) throw new ArgumentException("all points must have the same N", nameof(pointsOfOneSize));
        return new HopfieldCapacityEstimate(pts[0].Size,
            Crossing(pts.Select(p => p.Alpha).ToArray(), pts.Select(p => p.MeanOverlap).ToArray(), level),
            Crossing(pts.Select(p => p.Alpha).ToArray(), pts.Select(p => p.SuccessFraction).ToArray(), 0.5));
    }

    /// <summary>The first x where y falls from &gt;= level to &lt; level, linearly interpolated; NaN if it never does.</summary>
    public static double Crossing(IReadOnlyList<double> x, IReadOnlyList<double> y, double level)
    {
        for (int k = 0; k + 1 < x.Count; k++)
            if (y[k] >= level && y[k + 1] < level)
                return x[k] + (x[k + 1] - x[k]) * (y[k] - level) / (y[k] - y[k + 1]);
        return double.NaN;
    }
}
