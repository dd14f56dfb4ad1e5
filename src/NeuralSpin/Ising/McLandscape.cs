using System.Diagnostics;
using NeuralSpin.Numerics;

namespace NeuralSpin.Ising;

/// <summary>Settings of <see cref="McLandscape.Sweep"/>. All members are optional.</summary>
public sealed record McLandscapeOptions
{
    /// <summary>Heat-bath sweeps discarded at each x after moving to it (the chain starts from the previous x's final state). Default 100.</summary>
    public int BurnInSweeps { get; init; } = 100;

    /// <summary>Sweeps measured at each x (q and E recorded after every sweep). Default 400.</summary>
    public int MeasureSweeps { get; init; } = 400;

    /// <summary>Batches of the batch-means standard errors (each batch must be much longer than the autocorrelation time). Default 20.</summary>
    public int Batches { get; init; } = 20;

    /// <summary>Seed of the chain.</summary>
    public int Seed { get; init; }

    /// <summary>|Δd| between neighbouring grid points of one MC sweep above this splits the sweep into separate branches for
    /// the thermodynamic integration when the two sweeps disagree at either end of the step (beyond <see cref="AnchorTolerance"/>
    /// plus three standard errors): a metastable branch's integral belongs to no equilibrium ln Z. Where both sweeps agree the
    /// curve is the equilibrium one and ln Z(x) = ln Z(x_a) + N ∫ q dx' holds across steep steps too. Default 0.1.</summary>
    public double JumpThreshold { get; init; } = 0.1;

    /// <summary>A converged BP point anchors the integration of a branch segment only if its d agrees with the MC d at the same x
    /// to this plus three MC standard errors (the BP point then lies on the same branch). Default 0.02 (Bethe error and MC noise).</summary>
    public double AnchorTolerance { get; init; } = 0.02;
}

/// <summary>One MC point of the landscape (P2 6-8 on P_x(s) ∝ exp(-beta E(s) + x sum_i s_i s*_i), sampled).</summary>
/// <param name="X">Coupling field x (effective units, as in <see cref="EntropyLandscape"/>).</param>
/// <param name="Overlap">Sample mean of q = (1/N) sum_i s_i s*_i.</param>
/// <param name="OverlapError">Batch-means standard error of <paramref name="Overlap"/>.</param>
/// <param name="Distance">d = (1 - q)/2.</param>
/// <param name="DistanceError">Standard error of d (half that of q).</param>
/// <param name="EnergyDensity">Sample mean of E(s)/N (the x term excluded).</param>
/// <param name="EnergyError">Batch-means standard error of <paramref name="EnergyDensity"/>.</param>
/// <param name="LnZPerSpin">(1/N) ln Z(x) by thermodynamic integration from a BP anchor on the same branch (NaN without one).</param>
/// <param name="EntropyDensity">s = (1/N) ln Z(x) + beta e - x q (NaN without an anchor).</param>
/// <param name="Anchor">The x of the BP point the integration started from (NaN without one).</param>
public sealed record McLandscapePoint(double X, double Overlap, double OverlapError, double Distance, double DistanceError,
    double EnergyDensity, double EnergyError, double LnZPerSpin, double EntropyDensity, double Anchor);

/// <summary>An up and a down MC sweep with the hysteresis statistics that decide "first order vs smooth".</summary>
/// <param name="Up">Points of the up sweep, x increasing.</param>
/// <param name="Down">Points of the down sweep in increasing x (visited in decreasing x), so Down[k].X == Up[k].X.</param>
/// <param name="LoopArea">Signed hysteresis area A = ∫ (d_up - d_down) dx (trapezoid): positive when the up sweep lags behind
/// (stays far from s* while the down sweep stays close), the signature of a first-order switch crossed by a local dynamics.</param>
/// <param name="LoopAreaError">Standard error of A from the points' standard errors (independent chains segments).</param>
/// <param name="MaxGap">max_k (d_up - d_down).</param>
/// <param name="MaxGapError">Standard error of d_up - d_down at that x.</param>
/// <param name="MaxStep">Largest |Δd| between neighbouring grid points in either sweep.</param>
/// <param name="TotalSweeps">Heat-bath sweeps spent (burn-in included).</param>
/// <param name="Seconds">Wall time.</param>
public sealed record McLandscapeSweep(IReadOnlyList<McLandscapePoint> Up, IReadOnlyList<McLandscapePoint> Down, double LoopArea, double LoopAreaError,
    double MaxGap, double MaxGapError, double MaxStep, long TotalSweeps, double Seconds)
{
    /// <summary>The loop is significant: A &gt; <paramref name="sigmas"/> standard errors and the largest gap is at least
    /// <paramref name="minGap"/> (a loop of macroscopic size in d, not a lag of a steep but continuous curve).</summary>
    public bool HasLoop(double sigmas, double minGap) => LoopArea > sigmas * LoopAreaError && MaxGap >= minGap;

    /// <summary>A / its standard error: 0 when A = 0, +-infinity (the sign of A) when the error vanishes and A does not.</summary>
    public double LoopSignificance => LoopArea == 0 ? 0 : LoopArea / LoopAreaError;
}

/// <summary>
/// The entropy landscape by Monte Carlo, for where BP does not converge (P2 6-8; docs/theory.md section 7): heat-bath
/// sampling of P_x(s) ∝ exp(-beta E(s) + x sum_i s_i s*_i), P(s_i = +1 | rest) = 1 / (1 + e^{-2 (beta H_i + x s*_i)}),
/// H_i = h_i + sum_j J_ij s_j, annealed in x: the grid is swept up and then down, each x starting from the previous x's
/// final state (the analogue of BP's warm-started messages), so that a chain stuck in a metastable state shows as a
/// hysteresis loop between the sweeps. At each x: q, d = (1 - q)/2 and e = &lt;E&gt;/N with batch-means errors.
/// The entropy follows by thermodynamic integration in x, since d ln Z / dx = N q:
/// <code>(1/N) ln Z(x) = (1/N) ln Z(x_a) + ∫_{x_a}^{x} q(x') dx',   s = (1/N) ln Z + beta e - x q,</code>
/// from an anchor x_a where BP converged on the same branch (trapezoid rule within each branch segment, a segment ending
/// at a jump where the sweeps disagree; a segment without an anchor gets NaN). Tests: enumeration on small models, exact BP on trees.
/// </summary>
public static class McLandscape
{
    /// <summary>Sweeps the grid (strictly increasing) up and then down; <paramref name="anchors"/> (optional, e.g. an
    /// <see cref="EntropyLandscape"/> sweep on the same grid) supplies (1/N) ln Z at converged BP points.</summary>
    public static McLandscapeSweep Sweep(IsingModel model, ReadOnlySpan<sbyte> reference, IReadOnlyList<double> xs,
        McLandscapeOptions? options = null, LandscapeSweep? anchors = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(xs);
        options ??= new McLandscapeOptions();
        double[] grid = EntropyLandscape.CheckReferenceAndGrid(model, reference, xs);
        if (options.BurnInSweeps < 0) throw new ArgumentOutOfRangeException(nameof(options), options.BurnInSweeps, "BurnInSweeps must be >= 0");
        if (options.Batches < 2 || options.MeasureSweeps < options.Batches)
            throw new ArgumentOutOfRangeException(nameof(options), options.MeasureSweeps, "MeasureSweeps must be at least Batches >= 2");
        if (anchors is not null && (anchors.Up.Count != grid.Length || anchors.Down.Count != grid.Length)) throw new ArgumentException("the anchor sweep must use the same grid", nameof(anchors));

        var sw = Stopwatch.StartNew();
        var sStar = reference.ToArray();
        var chain = new Chain(model, sStar, options.Seed);
        long total = 0;
        var up = new Raw[grid.Length];
        var down = new Raw[grid.Length];
        for (int k = 0; k < grid.Length; k++) { up[k] = chain.Measure(grid[k], options); total += options.BurnInSweeps + options.MeasureSweeps; }
        for (int k = grid.Length - 1; k >= 0; k--) { down[k] = chain.Measure(grid[k], options); total += options.BurnInSweeps + options.MeasureSweeps; }

        var upPoints = Integrate(grid, up, down, model.Beta, options, anchors);
        var downPoints = Integrate(grid, down, up, model.Beta, options, anchors);

        var (area, areaError, maxGap, maxGapError, maxStep) = LoopStatistics(grid, upPoints, downPoints);
        return new McLandscapeSweep(upPoints, downPoints, area, areaError, maxGap, maxGapError, maxStep, total, sw.Elapsed.TotalSeconds);
    }

    /// <summary>The hysteresis statistics of <see cref="McLandscapeSweep"/>: the signed area A = ∫ (d_up - d_down) dx by the
    /// trapezoid rule (weight w_k = (x_{k+1} - x_{k-1})/2 inside, half a step at either end, 0 for a single point) with
    /// its standard error sqrt(sum_k w_k^2 (σ_up,k^2 + σ_down,k^2)); the largest gap d_up - d_down (the first where it is
    /// largest) with its error; the largest |Δd| between neighbouring grid points of either sweep.</summary>
    internal static (double Area, double AreaError, double MaxGap, double MaxGapError, double MaxStep) LoopStatistics(
        double[] grid, IReadOnlyList<McLandscapePoint> up, IReadOnlyList<McLandscapePoint> down)
    {
        double area = 0, areaVar = 0, maxGap = double.NegativeInfinity, maxGapErr = 0, maxStep = 0;
        for (int k = 0; k < grid.Length; k++)
        {
            double w = 0.5 * ((k > 0 ? grid[k] - grid[k - 1] : 0) + (k + 1 < grid.Length ? grid[k + 1] - grid[k] : 0));
            double gap = up[k].Distance - down[k].Distance;
            double var = up[k].DistanceError * up[k].DistanceError + down[k].DistanceError * down[k].DistanceError;
            area += w * gap;
            areaVar += w * w * var;
            if (gap > maxGap) { maxGap = gap; maxGapErr = Math.Sqrt(var); }
            if (k > 0)
                maxStep = Math.Max(maxStep, Math.Max(Math.Abs(up[k].Distance - up[k - 1].Distance), Math.Abs(down[k].Distance - down[k - 1].Distance)));
        }
        return (area, Math.Sqrt(areaVar), maxGap, maxGapErr, maxStep);
    }

    /// <summary>One sweep's measurement at one x: mean overlap and energy density with their batch-means errors.</summary>
    internal readonly record struct Raw(double X, double Q, double QError, double E, double EError);

    /// <summary>The two sweeps disagree at one x: |q_a - q_b|/2 (the gap in d) exceeds
    /// <see cref="McLandscapeOptions.AnchorTolerance"/> plus three standard errors of the gap, 3 sqrt(σ_a^2 + σ_b^2)/2.</summary>
    internal static bool Disagree(Raw a, Raw b, McLandscapeOptions options) =>
        Math.Abs(a.Q - b.Q) / 2 > options.AnchorTolerance + 1.5 * Math.Sqrt(a.QError * a.QError + b.QError * b.QError);

    /// <summary>A sweep's segment ends between grid points k and k + 1: |Δd| there exceeds
    /// <see cref="McLandscapeOptions.JumpThreshold"/> and the sweeps disagree at either end.</summary>
    internal static bool Breaks(Raw[] raw, Raw[] other, int k, McLandscapeOptions options) =>
        Math.Abs(raw[k + 1].Q - raw[k].Q) / 2 > options.JumpThreshold
        && (Disagree(raw[k], other[k], options) || Disagree(raw[k + 1], other[k + 1], options));

    /// <summary>Thermodynamic integration within each segment of one sweep (segments end where <see cref="Breaks"/> holds),
    /// from a matching BP anchor: among the converged BP points with finite ln Z of the segment's grid points (up and down
    /// sweep of <paramref name="anchors"/>), the one whose d is closest to the MC d there, within
    /// <see cref="McLandscapeOptions.AnchorTolerance"/> + 3 σ_q/2 (the first one on a tie); from it the trapezoid rule
    /// runs both ways, ln Z_k = ln Z_{k-1} + (q_k + q_{k-1})(x_k - x_{k-1})/2. A segment without an anchor gets NaN.</summary>
    internal static McLandscapePoint[] Integrate(double[] grid, Raw[] raw, Raw[] other, double beta, McLandscapeOptions options, LandscapeSweep? anchors)
    {
        int count = grid.Length;
        var lnZ = new double[count];
        var anchorX = new double[count];
        Array.Fill(lnZ, double.NaN);
        Array.Fill(anchorX, double.NaN);
        int start = 0;
        while (start < count)
        {
            int end = start;
            while (end + 1 < count && !Breaks(raw, other, end, options)) end++;
            // segment [start, end]: find the anchor whose BP d agrees best with the MC d
            int best = -1;
            double bestMiss = double.PositiveInfinity, bestLnZ = double.NaN;
            if (anchors is not null)
                for (int k = start; k <= end; k++)
                {
                    double dMc = (1 - raw[k].Q) / 2, tol = options.AnchorTolerance + 3 * raw[k].QError / 2;
                    foreach (var p in new[] { anchors.Up[k], anchors.Down[k] })
                    {
                        if (!p.Converged || !double.IsFinite(p.LnZPerSpin)) continue;
                        double miss = Math.Abs(p.Distance - dMc);
                        if (miss <= tol && miss < bestMiss) { best = k; bestMiss = miss; bestLnZ = p.LnZPerSpin; }
                    }
                }
            if (best >= 0)
            {
                lnZ[best] = bestLnZ;
                anchorX[best] = grid[best];
                for (int k = best + 1; k <= end; k++) { lnZ[k] = lnZ[k - 1] + 0.5 * (raw[k].Q + raw[k - 1].Q) * (grid[k] - grid[k - 1]); anchorX[k] = grid[best]; }
                for (int k = best - 1; k >= start; k--) { lnZ[k] = lnZ[k + 1] - 0.5 * (raw[k].Q + raw[k + 1].Q) * (grid[k + 1] - grid[k]); anchorX[k] = grid[best]; }
            }
            start = end + 1;
        }
        var points = new McLandscapePoint[count];
        for (int k = 0; k < count; k++)
        {
            var r = raw[k];
            double s = lnZ[k] + beta * r.E - r.X * r.Q;
            points[k] = new McLandscapePoint(r.X, r.Q, r.QError, (1 - r.Q) / 2, r.QError / 2, r.E, r.EError, lnZ[k], s, anchorX[k]);
        }
        return points;
    }

    /// <summary>A heat-bath chain on P_x with local fields kept up to date (O(N) per flip).</summary>
    sealed class Chain
    {
        readonly IsingModel _model;
        readonly sbyte[] _sStar;
        readonly sbyte[] _s;
        readonly double[] _j;
        readonly double[] _field;
        readonly double _beta;
        readonly Random _rng;
        readonly int _n;

        public Chain(IsingModel model, sbyte[] sStar, int seed)
        {
            _model = model;
            _sStar = sStar;
            _n = model.Size;
            _s = (sbyte[])sStar.Clone();
            _j = model.Couplings.ToArray();
            _field = new double[_n];
            for (int i = 0; i < _n; i++) _field[i] = model.LocalField(_s, i);
            _beta = model.Beta;
            _rng = new SplitMixSource(seed);
        }

        void SweepOnce(double x)
        {
            int n = _n;
            for (int step = 0; step < n; step++)
            {
                int i = _rng.Next(n);
                // Stryker disable once Arithmetic : s*_i = +-1, so x / s*_i = x s*_i
                double pUp = 1 / (1 + Math.Exp(-2 * (_beta * _field[i] + x * _sStar[i])));
                // Stryker disable once Equality : a uniform draw exactly at pUp has probability zero
                sbyte target = _rng.NextDouble() < pUp ? (sbyte)1 : (sbyte)-1;
                if (target == _s[i]) continue;
                _s[i] = target;
                // Stryker disable once Arithmetic : the new s_i = +-1, so 2 / s_i = 2 s_i
                Blas.Axpy(2 * target, _j.AsSpan(i * n, n), _field);
            }
        }

        public Raw Measure(double x, McLandscapeOptions o)
        {
            for (int t = 0; t < o.BurnInSweeps; t++) SweepOnce(x);
            int batch = o.MeasureSweeps / o.Batches, used = batch * o.Batches;
            var qMeans = new RunningMoments();
            var eMeans = new RunningMoments();
            double qSum = 0, eSum = 0, qb = 0, eb = 0;
            for (int t = 0; t < used; t++)
            {
                SweepOnce(x);
                int overlap = 0;
                // Stryker disable once Arithmetic : s*_i = +-1, so s_i / s*_i = s_i s*_i
                for (int i = 0; i < _n; i++) overlap += _s[i] * _sStar[i];
                double q = (double)overlap / _n;
                // E = -1/2 sum_i s_i (H_i - h_i) - sum_i h_i s_i from the maintained local fields
                double e = 0;
                // Stryker disable once Arithmetic : s_i = +-1, so 0.5 / s_i = 0.5 s_i
                for (int i = 0; i < _n; i++) e -= 0.5 * _s[i] * (_field[i] + _model.Field(i));
                e /= _n;
                qSum += q; eSum += e;
                // Stryker disable once Assignment : subtracting negates every batch mean, which leaves their spread unchanged
                qb += q;
                // Stryker disable once Assignment : subtracting negates every batch mean, which leaves their spread unchanged
                eb += e;
                if ((t + 1) % batch == 0) { qMeans.Add(qb / batch); eMeans.Add(eb / batch); qb = 0; eb = 0; }
            }
            return new Raw(x, qSum / used, qMeans.StandardError, eSum / used, eMeans.StandardError);
        }
    }
}
