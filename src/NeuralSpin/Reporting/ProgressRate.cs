namespace NeuralSpin.Reporting;

/// <summary>Rates and remaining times of a computation that reports steps done out of a total, for progress lines.</summary>
public static class ProgressRate
{
    /// <summary>
    /// The shortest elapsed time a rate is taken over (1 ns): a report can arrive within the clock's resolution after
    /// the start, and the rate is then large but finite instead of infinite or NaN.
    /// </summary>
    public const double MinimumSeconds = 1e-9;

    /// <summary>Steps per second so far: done / max(elapsed, <see cref="MinimumSeconds"/>).</summary>
    public static double PerSecond(int done, double elapsedSeconds) => done / Math.Max(elapsedSeconds, MinimumSeconds);

    /// <summary>The time left at the rate so far, (total - done) elapsed / done; null before the first step is done.</summary>
    public static double? RemainingSeconds(int done, int total, double elapsedSeconds) => done > 0 ? (total - done) * elapsedSeconds / done : null;
}

/// <summary>Which rows of a long table to print.</summary>
public static class RowSelection
{
    /// <summary>
    /// At most <paramref name="max"/> (&gt;= 2) of the indices 0 .. <paramref name="count"/> - 1, evenly spread with the first and
    /// the last included: round(i (count - 1)/(max - 1)) for i = 0 .. max - 1, duplicates removed; every index when
    /// count &lt;= max.
    /// </summary>
    public static IReadOnlyList<int> Evenly(int count, int max)
    {
        if (count < 0) throw new ArgumentOutOfRangeException(nameof(count), count, "the count must be >= 0");
        if (max < 2) throw new ArgumentOutOfRangeException(nameof(max), max, "at least two rows (the first and the last)");
        if (count <= max) return Enumerable.Range(0, count).ToList();
        return Enumerable.Range(0, max).Select(i => (int)Math.Round(i * (count - 1.0) / (max - 1))).Distinct().ToList();
    }
}
