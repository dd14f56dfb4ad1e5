namespace NeuralSpin.Layers;

/// <summary>
/// The power-law fit of the tail of a sample, p(x) ~ x^(-alpha) for x &gt;= xmin, by the method of Clauset, Shalizi and
/// Newman (docs/theory.md section 10): for every candidate xmin among the sample's distinct values (with at least
/// <see cref="MinTail"/> values at or above it), the maximum-likelihood exponent of the continuous power law
/// alpha = 1 + m / sum_i ln(x_i / xmin) over the m tail values, and the Kolmogorov-Smirnov distance
/// D = max_x |S(x) - P(x)| between the tail's empirical CDF S and the fitted CDF P(x) = 1 - (x / xmin)^(1 - alpha);
/// the fit is the candidate of smallest D. The standard error of alpha is (alpha - 1) / sqrt(m).
/// Cost: O(n^2) for n values (a few tenths of a second at n = 4096).
/// </summary>
public static class PowerLawTail
{
    /// <summary>The smallest tail fitted: fewer values give no usable exponent.</summary>
    public const int MinTail = 10;

    /// <summary>Fits the tail of <paramref name="values"/> (positive; zeros and negatives are left out).</summary>
    /// <returns>The fit, or null when fewer than <paramref name="minTail"/> positive values remain.</returns>
    public static PowerLawFit? Fit(IEnumerable<double> values, int minTail = MinTail)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (minTail < 2) throw new ArgumentOutOfRangeException(nameof(minTail), "the tail needs at least 2 values");
        var x = values.Where(v => v > 0 && double.IsFinite(v)).Order().ToArray();
        int n = x.Length;
        if (n < minTail) return null;
        var logs = new double[n + 1]; // logs[k] = sum_{i >= k} ln x_i
        for (int i = n - 1; i >= 0; i--) logs[i] = logs[i + 1] + Math.Log(x[i]);

        double bestD = double.PositiveInfinity, bestAlpha = double.NaN, bestXmin = double.NaN;
        int bestM = 0;
        for (int k = 0; k <= n - minTail; k++)
        {
            if (k > 0 && x[k] == x[k - 1]) continue; // one candidate per distinct value
            int m = n - k;
            double xmin = x[k];
            double s = logs[k] - m * Math.Log(xmin);
            if (!(s > 0)) continue; // all tail values equal: no exponent
            double alpha = 1 + m / s;
            double d = Distance(x, k, xmin, alpha, bestD);
            if (d < bestD)
            {
                bestD = d;
                bestAlpha = alpha;
                bestXmin = xmin;
                bestM = m;
            }
        }
        if (bestM == 0) return null;
        return new PowerLawFit(bestAlpha, bestXmin, bestD, bestM, (bestAlpha - 1) / Math.Sqrt(bestM));
    }

    /// <summary>
    /// sup |S - P| over the tail x[k..]: S jumps from j/m to (j+1)/m at the j-th tail value, so both sides of every jump
    /// are compared with P there. Stops early once the distance exceeds <paramref name="stopAbove"/>.
    /// </summary>
    static double Distance(double[] x, int k, double xmin, double alpha, double stopAbove)
    {
        int m = x.Length - k;
        double d = 0;
        for (int j = 0; j < m; j++)
        {
            double p = 1 - Math.Pow(x[k + j] / xmin, 1 - alpha);
            double lo = Math.Abs(p - (double)j / m), hi = Math.Abs(p - (double)(j + 1) / m);
            d = Math.Max(d, Math.Max(lo, hi));
            if (d >= stopAbove) return d;
        }
        return d;
    }
}

/// <summary>A power-law tail fit (<see cref="PowerLawTail"/>).</summary>
/// <param name="Alpha">The exponent alpha of p(x) ~ x^(-alpha).</param>
/// <param name="XMin">The start of the tail, chosen by the smallest KS distance.</param>
/// <param name="KsDistance">The Kolmogorov-Smirnov distance D of the fit over the tail.</param>
/// <param name="TailCount">The number m of values at or above xmin.</param>
/// <param name="AlphaStandardError">(alpha - 1) / sqrt(m), the maximum-likelihood standard error.</param>
public sealed record PowerLawFit(double Alpha, double XMin, double KsDistance, int TailCount, double AlphaStandardError);
