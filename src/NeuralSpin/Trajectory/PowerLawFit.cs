namespace NeuralSpin.Trajectory;

/// <summary>A fitted power law y = prefactor * t^exponent.</summary>
/// <param name="Exponent">alpha of y ~ t^alpha (slope on log-log axes).</param>
/// <param name="Prefactor">A = y(t = 1).</param>
/// <param name="RSquared">Coefficient of determination of the straight line in (ln t, ln y).</param>
/// <param name="N">Number of points used.</param>
/// <param name="TMin">Smallest t used.</param>
/// <param name="TMax">Largest t used.</param>
public sealed record PowerLaw(double Exponent, double Prefactor, double RSquared, int N, double TMin, double TMax)
{
    /// <summary>The fitted value at <paramref name="t"/>.</summary>
    public double At(double t) => Prefactor * Math.Pow(t, Exponent);
}

/// <summary>
/// Least-squares fit of a power law y = A t^alpha on log-log axes (ln y = ln A + alpha ln t), used for
/// T_c(t) ~ t^alpha (P1 sec. 3.2, Figs. 6 and 8).
/// </summary>
public static class PowerLawFit
{
    /// <summary>
    /// Fits the points with tMin &lt;= t &lt;= tMax, t &gt; 0, y &gt; 0 and both finite (others are skipped).
    /// </summary>
    /// <exception cref="ArgumentException">Fewer than two usable points, or all usable t equal.</exception>
    public static PowerLaw Fit(IReadOnlyList<double> ts, IReadOnlyList<double> ys, double tMin = 0, double tMax = double.PositiveInfinity)
    {
        return TryFit(ts, ys, tMin, tMax, out var why) ?? throw new ArgumentException(why);
    }

    /// <summary>As <see cref="Fit"/>, but null (with the reason) where no fit exists.</summary>
    public static PowerLaw? TryFit(IReadOnlyList<double> ts, IReadOnlyList<double> ys, double tMin, double tMax, out string reason)
    {
        ArgumentNullException.ThrowIfNull(ts);
        ArgumentNullException.ThrowIfNull(ys);
        if (ts.Count != ys.Count) throw new ArgumentException($"{ts.Count} times but {ys.Count} values");
        var xs = new List<double>();
        var ls = new List<double>();
        double lo = double.PositiveInfinity, hi = double.NegativeInfinity;
        for (int i = 0; i < ts.Count; i++)
        {
            double t = ts[i], y = ys[i];
            if (!(t > 0 && y > 0 && double.IsFinite(t) && double.IsFinite(y) && t >= tMin && t <= tMax)) continue;
            xs.Add(Math.Log(t));
            ls.Add(Math.Log(y));
            lo = Math.Min(lo, t);
            hi = Math.Max(hi, t);
        }
        int n = xs.Count;
        if (n < 2)
        {
            reason = $"a power-law fit needs at least two points with t > 0 and y > 0 in [{tMin}, {tMax}], found {n}";
            return null;
        }
        double mx = xs.Average(), my = ls.Average();
        double sxx = 0, sxy = 0, syy = 0;
        for (int i = 0; i < n; i++)
        {
            double dx = xs[i] - mx, dy = ls[i] - my;
            sxx += dx * dx;
            sxy += dx * dy;
            syy += dy * dy;
        }
        if (!(sxx > 0))
        {
            reason = "a power-law fit needs at least two different times t";
            return null;
        }
        double slope = sxy / sxx;
        double intercept = my - slope * mx;
        double ssRes = 0;
        for (int i = 0; i < n; i++)
        {
            double r = ls[i] - (intercept + slope * xs[i]);
            ssRes += r * r;
        }
        double r2 = syy > 0 ? 1 - ssRes / syy : 1;
        reason = "";
        return new PowerLaw(slope, Math.Exp(intercept), r2, n, lo, hi);
    }
}
