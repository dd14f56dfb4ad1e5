namespace NeuralSpin.Spectra;

/// <summary>A histogram estimate of a spectral density: bin edges, counts and density (integrates to 1).</summary>
public sealed record Histogram(double[] Edges, int[] Counts, double[] Density);

/// <summary>Spectral-density histograms of eigenvalue lists (P1 Fig. 9).</summary>
public static class SpectralDensity
{
    /// <summary>
    /// Histogram of <paramref name="values"/> with <paramref name="bins"/> equal bins on [lo, hi]
    /// (default: the data range). Values outside are dropped; the last bin is closed.
    /// </summary>
    public static Histogram Of(IReadOnlyList<double> values, int bins, double? lo = null, double? hi = null)
    {
        if (bins < 1) throw new ArgumentOutOfRangeException(nameof(bins), "at least one bin");
        if (values.Count == 0) throw new ArgumentException("no values");
        double a = lo ?? values.Min(), b = hi ?? values.Max();
        if (b <= a) { a -= 0.5; b += 0.5; }
        var edges = new double[bins + 1];
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
