namespace NeuralSpin.Spectra;

/// <summary>A histogram estimate of a spectral density: bin edges, counts and density (integrates to 1).</summary>
public sealed record Histogram(double[] Edges, int[] Counts, double[] Density);

/// <summary>Spectral-density histograms of eigenvalue lists (P1 Fig. 9).</summary>
public static class SpectralDensity
{
    /// <summary>
    /// Histogram of <paramref name="values"/> with <paramref name="bins"/> equal bins on [lo, hi]
    /// (default: the data range). Values outside are dropped, and so is NaN when both ends are given; the last bin is
    /// closed.
    /// </summary>
    /// <exception cref="ArgumentNullException"><paramref name="values"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="bins"/> is below 1, or <paramref name="lo"/> or
    /// <paramref name="hi"/> is NaN or infinite.</exception>
    /// <exception cref="ArgumentException">No values; an end taken from the data while a value is NaN or infinite; or a
    /// lower end above the upper end.</exception>
    public static Histogram Of(IReadOnlyList<double> values, int bins, double? lo = null, double? hi = null)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (bins < 1) throw new ArgumentOutOfRangeException(nameof(bins), "at least one bin");
        if (values.Count == 0) throw new ArgumentException("no values");
        if (lo is double l && !double.IsFinite(l)) throw new ArgumentOutOfRangeException(nameof(lo), l, "the lower end of the range must be finite");
        if (hi is double u && !double.IsFinite(u)) throw new ArgumentOutOfRangeException(nameof(hi), u, "the upper end of the range must be finite");
        if (lo is null || hi is null)
            for (int i = 0; i < values.Count; i++)
                if (!double.IsFinite(values[i]))
                    throw new ArgumentException($"value {i} is {values[i]}: a range taken from the data needs finite values (give lo and hi to drop the others)", nameof(values));
        double a = lo ?? values.Min(), b = hi ?? values.Max();
        if (a > b) throw new ArgumentException($"the range [{a}, {b}] is empty: its lower end lies above its upper end", lo is null ? nameof(hi) : nameof(lo));
        if (b <= a) { a -= 0.5; b += 0.5; }
        var edges = new double[bins + 1];
        // Stryker disable once Equality : an edge written at i = bins is overwritten by the next line
        for (int i = 0; i < bins; i++) edges[i] = a + (b - a) * i / bins;
        edges[bins] = b; // a + (b - a) can round below b: the last edge is the closed end itself
        var counts = new int[bins];
        int total = 0;
        foreach (var v in values)
        {
            if (v < a || v > b || double.IsNaN(v)) continue;
            int k = Math.Min(bins - 1, (int)((v - a) / (b - a) * bins));
            counts[k]++;
            total++;
        }
        double w = (b - a) / bins;
        var density = counts.Select(c => total == 0 ? 0 : c / (total * w)).ToArray();
        return new Histogram(edges, counts, density);
    }
}
