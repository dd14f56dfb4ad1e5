using System.Globalization;

namespace NeuralSpin.Reporting;

/// <summary>
/// The horizontal axis of P1 Figs. 4, 6 and 8: linear on [0, 1] epochs, logarithmic beyond. Plotted
/// against x' = t for t &lt;= 1 and x' = 1 + log10(t) for t &gt; 1 (continuous at t = 1), with tick labels
/// in epochs.
/// </summary>
public static class EpochAxis
{
    /// <summary>
    /// Slack subtracted from log10(tMax) before rounding up to whole decades: log10 of an exact power of ten (100
    /// epochs) can come out a few ulps above the integer, which must not add an empty decade to the axis.
    /// </summary>
    const double DecadeRounding = 1e-12;

    /// <summary>x'(t).</summary>
    public static double Transform(double t) => t <= 1 ? t : 1 + Math.Log10(t);

    /// <summary>t(x'), the inverse of <see cref="Transform"/>.</summary>
    public static double Inverse(double x) => x <= 1 ? x : Math.Pow(10, x - 1);

    /// <summary>Major ticks (position x', label) and minor tick positions for epochs up to <paramref name="tMax"/>.</summary>
    public static (List<(double X, string Label)> Major, List<double> Minor) Ticks(double tMax)
    {
        var major = new List<(double, string)> { (0, "0"), (0.5, "0.5"), (1, "1") };
        var minor = new List<double> { 0.25, 0.75 };
        if (tMax > 1)
        {
            int decades = Math.Max(1, (int)Math.Ceiling(Math.Log10(tMax) - DecadeRounding));
            for (int k = 0; k < decades; k++)
            {
                for (int m = 2; m <= 9; m++) minor.Add(Transform(m * Math.Pow(10, k)));
                major.Add((1 + k + 1, Math.Pow(10, k + 1).ToString("0", CultureInfo.InvariantCulture)));
            }
        }
        return (major, minor);
    }
}

/// <summary>Ticks of a log10-scaled axis (values are plotted as log10 y).</summary>
public static class LogAxis
{
    /// <summary>
    /// Relative slack of the range test of a tick value m 10^k: the value is computed with a rounding of a few ulps, so
    /// a tick that equals an end of the range (lo = 1e-3, hi = 2) must still count as inside it.
    /// </summary>
    const double RangeSlack = 1e-9;

    /// <summary>
    /// Slack of the rounding of -log10(step) to the decimals of a label: log10 of an exact power of ten (0.01) can come
    /// out a few ulps off the integer, which must not add a spurious decimal.
    /// </summary>
    const double DecimalsRounding = 1e-9;

    /// <summary>
    /// Relative slack of the comparisons of an accumulated tick value or a nice step with the range end and the raw
    /// step: the values v = v0 + k step and m 10^p carry a rounding of a few ulps, so an end that a tick meets exactly
    /// still gets its tick, and a raw step that is exactly 1, 2 or 5 times a power of ten picks that step.
    /// </summary>
    const double StepRounding = 1e-12;

    /// <summary>
    /// Major ticks (position log10 y, label) covering [lo, hi] (in y), at least three where possible: decades,
    /// else 1-2-5 mantissas, else every integer mantissa; minor ticks at the remaining mantissas.
    /// </summary>
    public static (List<(double X, string Label)> Major, List<double> Minor) Ticks(double lo, double hi)
    {
        if (!(lo > 0) || !(hi >= lo)) throw new ArgumentOutOfRangeException(nameof(lo), "a log axis needs 0 < lo <= hi");
        int k0 = (int)Math.Floor(Math.Log10(lo)) - 1, k1 = (int)Math.Ceiling(Math.Log10(hi)) + 1;
        int[][] sets = [[1], [1, 2, 5], [1, 2, 3, 4, 5, 6, 7, 8, 9]];
        foreach (var mant in sets)
        {
            var major = new List<(double, string)>();
            var minor = new List<double>();
            for (int k = k0; k <= k1; k++)
            {
                for (int m = 1; m <= 9; m++)
                {
                    double v = m * Math.Pow(10, k);
                    if (v < lo * (1 - RangeSlack) || v > hi * (1 + RangeSlack)) continue;
                    if (mant.Contains(m)) major.Add((Math.Log10(v), Label(v)));
                    else minor.Add(Math.Log10(v));
                }
            }
            if (major.Count >= 3) return (major, minor);
        }
        // a range narrower than one integer mantissa step (e.g. 1.78 .. 1.90): evenly spaced "nice" values
        double step = NiceStep((hi - lo) / 4);
        int decimals = Math.Max(0, (int)Math.Ceiling(-Math.Log10(step) - DecimalsRounding));
        var fine = new List<(double, string)>();
        for (double v = Math.Ceiling(lo / step) * step; v <= hi * (1 + StepRounding); v += step)
            if (v > 0) fine.Add((Math.Log10(v), v.ToString("F" + decimals, CultureInfo.InvariantCulture)));
        return (fine, new List<double>());
    }

    /// <summary>The smallest of 1, 2, 5 times a power of ten that is at least <paramref name="raw"/>.</summary>
    static double NiceStep(double raw)
    {
        double p = Math.Pow(10, Math.Floor(Math.Log10(raw)));
        foreach (var m in new[] { 1.0, 2.0, 5.0, 10.0 })
            if (m * p >= raw * (1 - StepRounding)) return m * p;
        return 10 * p;
    }

    static string Label(double v) => v.ToString(v >= 1e-3 && v < 1e5 ? "0.####" : "0.#E+0", CultureInfo.InvariantCulture);
}
