using NUnit.Framework;
using NeuralSpin.Spectra;
using NeuralSpin.Tests.Support;

namespace NeuralSpin.Tests.Spectra;

/// <summary>
/// <see cref="SpectralDensity.Of"/> (the histograms of P1 Fig. 9) against a naive count written here from the
/// definition: bin k of B equal bins on [a, b] holds the values with a + k w &lt;= v &lt; a + (k + 1) w, the last bin
/// closed at b; values outside [a, b] and NaN are dropped; density = count / (kept * w), so it integrates to 1.
/// </summary>
public class SpectralDensityTests
{
    static int NaiveBin(double v, double a, double b, int bins)
    {
        if (v == b) return bins - 1;
        for (int k = 0; k < bins; k++)
        {
            double lo = a + (b - a) * k / bins, hi = a + (b - a) * (k + 1) / bins;
            if (v >= lo && v < hi) return k;
        }
        return -1;
    }

    [Test]
    public void Counts_MatchANaiveCount_AndTheDensityIntegratesToOne()
    {
        // semicircle-like sample: 5000 values of the sum of three uniforms, bins on the data range and on a narrower
        // explicit range (values outside dropped). Values sitting exactly on an interior edge are avoided by the draw
        // (probability 0), so the naive comparison of a + k w with the library's scaled index is exact.
        var rng = new Random(9501);
        var v = Enumerable.Range(0, 5000).Select(_ => rng.NextDouble() + rng.NextDouble() + rng.NextDouble() - 1.5).ToList();
        foreach (var (lo, hi, bins) in new (double?, double?, int)[] { (null, null, 40), (-0.5, 0.75, 17), (-1, 1, 1) })
        {
            var h = SpectralDensity.Of(v, bins, lo, hi);
            double a = lo ?? v.Min(), b = hi ?? v.Max(), w = (b - a) / bins;
            var expected = new int[bins];
            int kept = 0;
            foreach (var x in v) { int k = NaiveBin(x, a, b, bins); if (k >= 0) { expected[k]++; kept++; } }
            Assert.That(h.Counts, Is.EqualTo(expected), $"counts on [{a}, {b}] with {bins} bins");
            Assert.That(h.Edges, Has.Length.EqualTo(bins + 1));
            NumericAssert.AreEqualAbsolute(a, h.Edges[0], 0, "first edge");
            NumericAssert.AreEqualAbsolute(b, h.Edges[^1], 1e-15, "last edge");
            // interior edges a + k (b - a) / bins, equally spaced (rounding of one product and one quotient: 1e-15 of the range)
            for (int k = 1; k < bins; k++) NumericAssert.AreEqualAbsolute(a + k * w, h.Edges[k], 1e-15 * (b - a + Math.Abs(a)), $"edge {k}");
            NumericAssert.AreEqualAbsolute(1, h.Density.Sum() * w, 1e-12, "integral of the density");
            for (int k = 0; k < bins; k++) NumericAssert.AreEqualRelative((double)expected[k] / (kept * w), h.Density[k], 1e-14, $"density of bin {k}");
        }
    }

    [Test]
    public void EdgeCases_LastBinClosed_NaNAndOutsideDropped_DegenerateRangeWidened()
    {
        var h = SpectralDensity.Of(new[] { 0.0, 0.5, 1.0, 2.0, double.NaN, -0.1 }, 2, 0, 1);
        Assert.That(h.Counts, Is.EqualTo(new[] { 1, 2 }), "0 in bin 0; 0.5 and the closing edge 1 in bin 1; 2, -0.1, NaN dropped");
        // all values equal: the range becomes [v - 0.5, v + 0.5] so the histogram is still defined
        var flat = SpectralDensity.Of(new[] { 3.0, 3.0, 3.0 }, 4);
        Assert.That(flat.Edges[0], Is.EqualTo(2.5));
        Assert.That(flat.Edges[^1], Is.EqualTo(3.5));
        Assert.That(flat.Counts.Sum(), Is.EqualTo(3));
        NumericAssert.AreEqualAbsolute(1, flat.Density.Sum() * 0.25, 1e-15, "integral");
        // nothing kept: density 0, not NaN
        var none = SpectralDensity.Of(new[] { 5.0 }, 3, 0, 1);
        Assert.That(none.Density, Is.All.EqualTo(0.0));
        Assert.Throws<ArgumentOutOfRangeException>(() => SpectralDensity.Of(new[] { 1.0 }, 0));
        Assert.Throws<ArgumentException>(() => SpectralDensity.Of(Array.Empty<double>(), 3));
    }

    [Test]
    public void LevelSpacing_FromTheDefinition()
    {
        // docs/theory.md section 6: s_0 = e_1 - e_0 of the sorted spectrum over the median consecutive spacing.
        // Unsorted input {4, 0, 1, 2.5, 7}: spacings 1, 1.5, 1.5, 3 -> median 1.5, ratio 2/3. Even count: mean of the
        // two middle spacings. Fewer than two eigenvalues or a zero median: null.
        NumericAssert.AreEqualAbsolute(1.0 / 1.5, LevelSpacing.FirstSpacingRatio(new[] { 4, 0, 1, 2.5, 7 })!.Value, 1e-15, "ratio");
        Assert.That(LevelSpacing.Spacings(new[] { 4, 0, 1, 2.5, 7 }), Is.EqualTo(new[] { 1, 1.5, 1.5, 3 }));
        Assert.That(LevelSpacing.Median(new[] { 4.0, 1, 3 }), Is.EqualTo(3));
        Assert.That(LevelSpacing.Median(new[] { 4.0, 1, 3, 2 }), Is.EqualTo(2.5));
        Assert.That(LevelSpacing.FirstSpacingRatio(new[] { 1.0 }), Is.Null);
        Assert.That(LevelSpacing.FirstSpacingRatio(new[] { 1.0, 1, 1, 2 }), Is.Null, "median spacing 0");
        Assert.Throws<ArgumentException>(() => LevelSpacing.Median(Array.Empty<double>()));
    }

    // -1.1 + (0.3 - -1.1) * 7 / 7 is 0.30000000000000004 in doubles: the edges must still end exactly at hi (the last bin
    // is closed at hi), and start exactly at lo
    [Test]
    public void Edges_StartAtLoAndEndExactlyAtHi()
    {
        var h = SpectralDensity.Of([-1.1, 0.3, 0.0], 7, -1.1, 0.3);
        Assert.That(h.Edges[0], Is.EqualTo(-1.1));
        Assert.That(h.Edges[^1], Is.EqualTo(0.3));
        Assert.That(h.Counts.Sum(), Is.EqualTo(3), "both ends are inside");
    }
}
