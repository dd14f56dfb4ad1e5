using NeuralSpin.Tap;

namespace NeuralSpin.Classic;

/// <summary>Instance averages of the linearized-TAP transition at one size N (errors are standard errors of the mean).</summary>
public sealed record SkSizeStatistics
{
    /// <summary>N.</summary>
    public required int Size { get; init; }

    /// <summary>Number of instances.</summary>
    public required int Instances { get; init; }

    /// <summary>Mean of beta*(N).</summary>
    public required double MeanBetaStar { get; init; }

    /// <summary>Standard error of that mean (NaN for one instance).</summary>
    public required double BetaStarError { get; init; }

    /// <summary>Mean of T*(N) = 1/beta*(N).</summary>
    public required double MeanTStar { get; init; }

    /// <summary>Its standard error.</summary>
    public required double TStarError { get; init; }

    /// <summary>Mean curve minimum lambda_min(beta*).</summary>
    public required double MeanMinimum { get; init; }

    /// <summary>Its standard error.</summary>
    public required double MinimumError { get; init; }

    /// <summary>Instances whose curve reaches the level.</summary>
    public required int ReachedLevel { get; init; }

    /// <summary>Mean first crossing of the level over those instances (NaN if none).</summary>
    public required double MeanBetaAtLevel { get; init; }

    /// <summary>Its standard error.</summary>
    public required double BetaAtLevelError { get; init; }

    /// <summary>Instances whose curve reaches 0 (a finite-N beta_c exists).</summary>
    public required int ReachedZero { get; init; }

    /// <summary>N^(-2/3), the abscissa of the finite-size fit.</summary>
    public double ScalingVariable => Math.Pow(Size, -2.0 / 3.0);
}

/// <summary>The fit T*(N) = T_inf + a N^(-2/3).</summary>
/// <param name="TInfinity">The extrapolated T* (N -&gt; infinity).</param>
/// <param name="TInfinityError">Its standard error (scaled by sqrt(chi^2/dof) when that exceeds 1).</param>
/// <param name="Slope">a.</param>
/// <param name="SlopeError">Standard error of a.</param>
/// <param name="ChiSquarePerDof">chi^2 per degree of freedom of the weighted fit (NaN without weights or degrees of freedom).</param>
/// <param name="Weighted">Whether the per-size standard errors were used as weights.</param>
public sealed record SkExtrapolation(double TInfinity, double TInfinityError, double Slope, double SlopeError, double ChiSquarePerDof, bool Weighted);

/// <summary>The outcome of <see cref="SkFiniteSize.Run"/>.</summary>
/// <param name="CouplingScale">J.</param>
/// <param name="Level">The level c of the crossings.</param>
/// <param name="Instances">Every instance's transition points, ordered by size then instance index.</param>
/// <param name="Sizes">Per-size statistics in increasing N.</param>
/// <param name="Extrapolation">The N^(-2/3) extrapolation of T*, or null with fewer than two sizes.</param>
public sealed record SkFiniteSizeResult(double CouplingScale, double Level, IReadOnlyList<SkCurveMinimum> Instances,
    IReadOnlyList<SkSizeStatistics> Sizes, SkExtrapolation? Extrapolation);

/// <summary>
/// The paramagnet-to-glass temperature of SK recovered from instances at growing N (docs/theory.md sections 4 and 8):
/// for each N and instance, the minimum beta*(N) of the linearized-TAP curve lambda_min(beta) and the first crossing
/// of a small level (<see cref="SkLinearizedTap.Transition"/>); instance averages with standard errors; and the
/// weighted least-squares extrapolation T*(N) = T_inf + a N^(-2/3). The exponent 2/3 is that of the Tracy-Widom
/// fluctuations of the largest eigenvalue of the GOE-like matrix J at its spectral edge, which set beta* at finite N
/// (see <see cref="SkLinearizedTap"/>); T_inf should equal T_c = J.
/// Instances are drawn with <see cref="SkInstances.InstanceSeed"/> and computed independently, so the result does not
/// depend on the order of the sizes or on other instances. With parallelism 1 it is bit-for-bit reproducible; with
/// concurrent instances the dense eigensolver's rounding can differ in the last digits (about 1e-11 relative).
/// </summary>
public static class SkFiniteSize
{
    /// <summary>Runs the study.</summary>
    /// <param name="sizes">Sizes N (each at least 2), any order; reported in increasing order.</param>
    /// <param name="instances">Instances per size, at least 1.</param>
    /// <param name="couplingScale">J.</param>
    /// <param name="seed">Master seed.</param>
    /// <param name="betaMax">Upper end of the beta range searched.</param>
    /// <param name="level">The level c in [0, 1) of the reported crossings.</param>
    /// <param name="parallelism">Instances computed at once (at least 1).</param>
    /// <param name="progress">Receives the number of finished instances.</param>
    /// <param name="options">Curve options (default <see cref="SkLinearizedTap.DefaultCurveOptions"/>).</param>
    public static SkFiniteSizeResult Run(IReadOnlyList<int> sizes, int instances, double couplingScale, long seed, double betaMax, double level,
        int parallelism = 1, IProgress<int>? progress = null, CurveOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(sizes);
        if (sizes.Count == 0) throw new ArgumentException("at least one size is needed", nameof(sizes));
        if (sizes.Any(n => n < 2)) throw new ArgumentOutOfRangeException(nameof(sizes), "every size must be at least 2");
        if (instances < 1) throw new ArgumentOutOfRangeException(nameof(instances), instances, "at least one instance per size is needed");
        if (parallelism < 1) throw new ArgumentOutOfRangeException(nameof(parallelism), parallelism, "parallelism must be at least 1");
        var ordered = sizes.Distinct().OrderBy(n => n).ToArray();
        var jobs = ordered.SelectMany(n => Enumerable.Range(0, instances).Select(k => (N: n, K: k))).ToArray();
        var results = new SkCurveMinimum[jobs.Length];
        int done = 0;
        // largest first so that the long jobs do not end up alone at the tail
        // Stryker disable once Linq : the order of computation only; each result is stored at its job's index
        var order = Enumerable.Range(0, jobs.Length).OrderByDescending(i => jobs[i].N).ToArray();
        // Stryker disable once Initializer : the degree of parallelism changes only the speed; each result is stored at its job's index
        Parallel.For(0, order.Length, new ParallelOptions { MaxDegreeOfParallelism = parallelism }, (int t) =>
        {
            int i = order[t];
            var inst = SkInstances.Draw(jobs[i].N, couplingScale, SkInstances.InstanceSeed(seed, jobs[i].N, jobs[i].K));
            results[i] = SkLinearizedTap.Transition(inst, betaMax, level, options);
            progress?.Report(Interlocked.Increment(ref done));
        });
        var stats = ordered.Select(n => Statistics(n, results.Where(r => r.Size == n).ToList())).ToList();
        return new SkFiniteSizeResult(couplingScale, level, results, stats, stats.Count >= 2 ? Extrapolate(stats) : null);
    }

    /// <summary>Mean and standard error of the mean (sample sd / sqrt count; NaN for fewer than two values).</summary>
    public static (double Mean, double Error) MeanAndError(IReadOnlyList<double> values)
    {
        if (values.Count == 0) return (double.NaN, double.NaN);
        double mean = values.Average();
        if (values.Count < 2) return (mean, double.NaN);
        double ss = values.Sum(v => (v - mean) * (v - mean));
        return (mean, Math.Sqrt(ss / (values.Count - 1) / values.Count));
    }

    static SkSizeStatistics Statistics(int n, IReadOnlyList<SkCurveMinimum> r)
    {
        var (bs, bse) = MeanAndError(r.Select(x => x.BetaStar).ToList());
        var (ts, tse) = MeanAndError(r.Select(x => x.TStar).ToList());
        var (mv, mve) = MeanAndError(r.Select(x => x.MinValue).ToList());
        var lv = r.Where(x => x.BetaAtLevel.HasValue).Select(x => x.BetaAtLevel!.Value).ToList();
        var (bl, ble) = MeanAndError(lv);
        return new SkSizeStatistics { Size = n, Instances = r.Count, MeanBetaStar = bs, BetaStarError = bse, MeanTStar = ts, TStarError = tse, MeanMinimum = mv, MinimumError = mve, ReachedLevel = lv.Count, MeanBetaAtLevel = bl, BetaAtLevelError = ble, ReachedZero = r.Count(x => x.BetaZero.HasValue) };
    }

    /// <summary>
    /// Least-squares fit of T*(N) = T_inf + a N^(-2/3) to the per-size means, weighted by 1/error^2 when every size
    /// has a positive standard error (else unweighted, errors from the residual variance). The intercept error is
    /// sqrt of the covariance entry, multiplied by sqrt(chi^2/dof) when the fit is worse than its error bars claim.
    /// </summary>
    public static SkExtrapolation Extrapolate(IReadOnlyList<SkSizeStatistics> sizes)
    {
        if (sizes.Count < 2) throw new ArgumentException("the extrapolation needs at least two sizes", nameof(sizes));
        var x = sizes.Select(s => s.ScalingVariable).ToArray();
        var y = sizes.Select(s => s.MeanTStar).ToArray();
        bool weighted = sizes.All(s => s.TStarError > 0 && double.IsFinite(s.TStarError));
        var w = sizes.Select(s => weighted ? 1 / (s.TStarError * s.TStarError) : 1.0).ToArray();
        var (c, m, cov00, cov11, chi2) = LinearFit(x, y, w);
        int dof = sizes.Count - 2;
        double chiPerDof = dof > 0 ? chi2 / dof : double.NaN;
        double scale;
        if (weighted) scale = dof > 0 ? Math.Max(1, Math.Sqrt(chiPerDof)) : 1;
        else scale = dof > 0 ? Math.Sqrt(chi2 / dof) : double.NaN; // unweighted: residual variance as the error scale
        return new SkExtrapolation(c, Math.Sqrt(cov00) * scale, m, Math.Sqrt(cov11) * scale, weighted ? chiPerDof : double.NaN, weighted);
    }

    /// <summary>Weighted straight-line fit y = c + m x: returns c, m, their variances (for unit-scale weights) and chi^2.</summary>
    internal static (double C, double M, double VarC, double VarM, double ChiSquare) LinearFit(double[] x, double[] y, double[] w)
    {
        double s = 0, sx = 0, sy = 0, sxx = 0, sxy = 0;
        for (int i = 0; i < x.Length; i++)
        {
            s += w[i]; sx += w[i] * x[i]; sy += w[i] * y[i]; sxx += w[i] * x[i] * x[i]; sxy += w[i] * x[i] * y[i];
        }
        double det = s * sxx - sx * sx;
        double m = (s * sxy - sx * sy) / det;
        double c = (sxx * sy - sx * sxy) / det;
        double chi2 = 0;
        for (int i = 0; i < x.Length; i++) { double r = y[i] - c - m * x[i]; chi2 += w[i] * r * r; }
        return (c, m, sxx / det, s / det, chi2);
    }
}
