namespace NeuralSpin.Reporting;

/// <summary>
/// An equal-width histogram of a handful of values for a bar chart (e.g. the free energies of the distinct TAP fixed
/// points of a model): <see cref="Counts"/>[i] values fall in [<see cref="Low"/> + i <see cref="Width"/>, Low + (i + 1) Width),
/// the largest value in the last bin.
/// </summary>
/// <param name="Low">Left edge of the first bin: the smallest value.</param>
/// <param name="Width">Width of every bin.</param>
/// <param name="Counts">Values per bin.</param>
public sealed record BarHistogram(double Low, double Width, double[] Counts)
{
    /// <summary>At most this many bins.</summary>
    public const int MaxBins = 40;

    /// <summary>Bins per square root of the number of values (2 sqrt(n), rounded up, bins: finer than the square-root rule, for a few dozen values).</summary>
    public const int BinsPerSqrtCount = 2;

    /// <summary>
    /// When every value is the same, the one occupied bin is this fraction of |value| wide (at least <see cref="DegenerateMinWidth"/>):
    /// narrow enough to read as one value, wide enough to be drawn.
    /// </summary>
    public const double DegenerateRelativeWidth = 1e-3;

    /// <summary>The smallest bin width of a degenerate histogram (all values equal, e.g. all zero).</summary>
    public const double DegenerateMinWidth = 1e-3;

    /// <summary>Number of bins.</summary>
    public int Bins => Counts.Length;

    /// <summary>The centre of bin <paramref name="i"/>.</summary>
    public double Center(int i) => Low + (i + 0.5) * Width;

    /// <summary>
    /// The histogram of <paramref name="values"/> (finite): min(<see cref="MaxBins"/>, 2 ceil(sqrt n)) bins from the
    /// smallest to the largest value; no bins for no values.
    /// </summary>
    public static BarHistogram Of(IReadOnlyList<double> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (values.Count == 0) return new BarHistogram(0, 0, []);
        double lo = values.Min(), hi = values.Max();
        int bins = Math.Clamp((int)Math.Ceiling(Math.Sqrt(values.Count)) * BinsPerSqrtCount, 1, MaxBins);
        double width = hi > lo ? (hi - lo) / bins : Math.Max(Math.Abs(lo) * DegenerateRelativeWidth, DegenerateMinWidth);
        var counts = new double[bins];
        foreach (var v in values) counts[Math.Min(bins - 1, (int)((v - lo) / width))]++;
        return new BarHistogram(lo, width, counts);
    }
}
