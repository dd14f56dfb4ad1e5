using NeuralSpin.Numerics;

namespace NeuralSpin.Tap;

/// <summary>Global minimum of lambda_min(beta) over (0, beta_max].</summary>
/// <param name="Beta">Where the minimum is attained (refined to about sqrt(machine epsilon) relative, the limit for a minimiser).</param>
/// <param name="Value">lambda_min at <paramref name="Beta"/>.</param>
/// <param name="CertifiedLowerBound">No beta in (0, beta_max] has lambda_min below this.</param>
/// <param name="Evaluations">Eigenvalue computations used.</param>
public sealed record CurveMinimum(double Beta, double Value, double CertifiedLowerBound, int Evaluations);

/// <summary>
/// A certified search of the curve lambda_min(beta) spent its budget of evaluations (<see cref="CurveOptions.SearchBudget"/>)
/// without finishing: the interval bounds, loose where the bond sums d_i span many orders of magnitude, could not settle
/// the search. The message says which search, the budget and the range of d_i.
/// </summary>
public sealed class CurveSearchBudgetException : Exception
{
    /// <summary>Creates the exception.</summary>
    public CurveSearchBudgetException(string search, int budget, double dMin, double dMax)
        : base(string.Create(System.Globalization.CultureInfo.InvariantCulture,
            $"the certified search for the {search} of lambda_min(beta) did not finish within {budget:N0} evaluations; the bond sums d_i = sum_j J_ij^2 range from {dMin:G3} to {dMax:G3}, which makes its interval bounds loose"))
    {
        Search = search;
        Budget = budget;
    }

    /// <summary>"curve minimum" or "first crossing".</summary>
    public string Search { get; }

    /// <summary>The budget that was spent.</summary>
    public int Budget { get; }
}

/// <summary>
/// Transition points of the linearized-TAP curve lambda_min(beta) (docs/theory.md section 4):
/// the global minimum over (0, beta_max] and the first beta at which the curve reaches a level c
/// (beta_c for c = 0; the finite-size-corrected beta_c(c_0) for c = c_0).
/// Both are certified by the interval bound of <see cref="LambdaMinCurve.IntervalLowerBound"/>, which
/// rests on the concavity of lambda_min and the exact quadratic dependence of I - M on beta: an interval
/// is discarded only when the bound proves the curve stays above the target on all of it, so no dip
/// between evaluation points can be missed.
/// </summary>
public static class TransitionSearch
{
    /// <summary>Curve values within this of the level count as not yet below it when certifying (absolute).</summary>
    public const double CertificationSlack = 1e-9;

    /// <summary>
    /// Relative tolerance of the Brent polish of a minimiser (the curve minimum and a tangential touch): 3e-9, a fifth
    /// of sqrt(machine epsilon) = 1.5e-8. Near a minimum the curve is flat to rounding within about sqrt(epsilon)
    /// relative in beta, so a minimiser is determined no better than that; asking for less lets Brent's method run to
    /// that limit instead of stopping short of it.
    /// </summary>
    public const double PolishTolerance = 3e-9;

    /// <summary>
    /// First step of the walk that brackets a tangential touch, relative to where the curve came within the slack
    /// (at least <see cref="TouchStepFloor"/>); the step doubles until the curve rises again.
    /// </summary>
    const double TouchStepRelative = 1e-6;

    /// <summary>The smallest first step of the touch walk, for a touch at beta near 0.</summary>
    const double TouchStepFloor = 1e-12;

    /// <summary>
    /// A bracket of a crossing is handed to Brent's root finder once it is at most this relative width: short enough that
    /// the interval bound can clear the stretch before the root without many more curve evaluations.
    /// </summary>
    const double RootBracketWidth = 1e-3;

    /// <summary>
    /// The branch and bound of the minimum stops splitting an interval narrower than this relative width: beta is then
    /// resolved to a few hundred ulps and a split would only repeat the end points.
    /// </summary>
    const double MinimumIntervalWidth = 1e-13;

    /// <summary>
    /// The first beta in (0, beta_max] with lambda_min(beta) &lt;= level, or null when the curve stays above
    /// the level. Guarantee: no beta below the returned one has lambda_min(beta) &lt; level - <see cref="CertificationSlack"/>;
    /// a transversal crossing is bracketed to relative width <paramref name="relativeTolerance"/> (the answer lies at or
    /// past the crossing of the level and at most that width past the crossing of level - slack). A curve that
    /// only touches the level (its minimum lies within the slack above it) gives the touching minimiser,
    /// located to about sqrt(slack / curvature) (about 1e-4 relative), the limit for a tangency.
    /// </summary>
    public static double? FirstCrossing(LambdaMinCurve curve, double level, double betaMax, double relativeTolerance = 1e-10, int gridIntervals = 16) =>
        FirstCrossingDetailed(curve, level, betaMax, relativeTolerance, gridIntervals).Beta;

    /// <summary>
    /// <see cref="FirstCrossing"/> with the method that settled it: first the vertex certificate (docs/theory.md section 4,
    /// "One inertia count for a first crossing": a Rayleigh-functional estimate, one inertia count, bracket of relative width
    /// <paramref name="relativeTolerance"/>), and where its vertex condition fails or it does not close, the search.
    /// Both give the guarantee of <see cref="FirstCrossing"/>.
    /// </summary>
    /// <param name="curve">The curve.</param>
    /// <param name="level">The level c (below 1).</param>
    /// <param name="betaMax">Upper end of the range.</param>
    /// <param name="relativeTolerance">Relative width of the bracket of a transversal crossing.</param>
    /// <param name="gridIntervals">Intervals of the search's initial grid.</param>
    /// <param name="vertexCertificate">Try the vertex certificate first (false: the search alone, as a reference).</param>
    public static CrossingResult FirstCrossingDetailed(LambdaMinCurve curve, double level, double betaMax, double relativeTolerance = 1e-10,
        int gridIntervals = 16, bool vertexCertificate = true)
    {
        ArgumentNullException.ThrowIfNull(curve);
        if (!(level < 1)) throw new ArgumentOutOfRangeException(nameof(level), $"the level must lie below lambda_min(0) = 1, got {level}");
        ValidateBetaMax(betaMax);
        if (!curve.NormProven) throw new InvalidOperationException("the curve's norm is an estimate (AssumeNormForEstimates): no certified search");
        int before = curve.Evaluations; // the search's budget counts the certificate's attempt too
        if (vertexCertificate && VertexCrossing.TryFind(curve, level, betaMax, relativeTolerance) is { } fast) return fast;
        return new CrossingResult(SearchCrossing(curve, level, betaMax, relativeTolerance, gridIntervals, before), null, CrossingMethod.Search);
    }

    static double? SearchCrossing(LambdaMinCurve curve, double level, double betaMax, double relativeTolerance, int gridIntervals, int before)
    {
        // beyond MonotoneFrom the curve cannot fall, so a first crossing lies at or before it
        betaMax = Math.Min(betaMax, curve.MonotoneFrom);
        var crossing = Scan(curve, level, betaMax, relativeTolerance, gridIntervals, before);
        if (crossing.HasValue) return crossing;
        // No point at or below the level. The curve may still touch it tangentially (for example when
        // the level is this curve's own minimum, as for a network analysed against itself): find where
        // it first comes within the slack of the level and return the local minimiser there. The scan looks for the
        // level + 2 slack, whose search clears only what lies provably above level + slack: a minimum within the slack
        // above the level cannot be cleared (a scan for level + slack would clear a minimum above the level itself).
        var near = Scan(curve, level + 2 * CertificationSlack, betaMax, relativeTolerance, gridIntervals, before);
        if (!near.HasValue) return null;
        double lo = near.Value, step = Math.Max(TouchStepRelative * lo, TouchStepFloor);
        double prev = curve.Evaluate(lo).Value, hi = lo;
        // Stryker disable once Logical : once hi reaches beta_max, further steps re-read the cached end point (no evaluation,
        // the same value), so running on to the 60 steps changes nothing
        for (int i = 0; i < 60 && hi < betaMax; i++)
        {
            double next = Math.Min(betaMax, hi + step);
            double v = curve.Evaluate(next).Value;
            hi = next;
            if (v > prev) break;
            prev = v;
            step *= 2;
        }
        double touch = BrentMinimize(b => curve.Evaluate(b).Value, lo, hi, 0.5 * (lo + hi), PolishTolerance);
        if (curve.Evaluate(touch).Value <= level + CertificationSlack) return touch;
        // the minimiser was not resolved within the slack: the first point found near the level, if it is within the slack
        return curve.Evaluate(near.Value).Value <= level + CertificationSlack ? near.Value : null;
    }

    static double? Scan(LambdaMinCurve curve, double level, double betaMax, double relativeTolerance, int gridIntervals, int before)
    {
        var prev = curve.Evaluate(0);
        var grid = Precision.UniformGrid(betaMax, gridIntervals + 1);
        for (int i = 1; i <= gridIntervals; i++)
        {
            double beta = grid[i];
            // a stretch the Weyl bound from the last evaluated point already clears needs no evaluation
            // Stryker disable once all : the skip saves evaluations only: a grid point not evaluated leaves its stretch to the
            // next Find, which starts from the last evaluated point and clears or searches the longer interval alike
            if (i < gridIntervals && curve.LeftWeylBound(prev, beta) > level - CertificationSlack) continue;
            var next = Eval(curve, beta, level);
            var r = Find(curve, prev, next, level, relativeTolerance, before);
            if (r.HasValue) return r;
            prev = next;
        }
        return null;
    }

    static CurvePoint Eval(LambdaMinCurve curve, double beta, double level) => curve.Evaluate(beta, certify: true, level: level);

    /// <summary>
    /// First crossing of <paramref name="level"/> in [a, b], where nothing up to a lies below
    /// level - slack. Depth-first bisection, left half first, discarding halves the interval bound clears;
    /// once a point at or below the level brackets a crossing in a short interval, the root is found by
    /// Brent's method and the stretch before it is cleared by the same bound (or yields an earlier bracket).
    /// Brent's steps are uncertified evaluations; when the certified point just before its root is at or below the level
    /// too (an earlier crossing, or uncertified values that missed the bottom of the spectrum), Brent's method is run again
    /// on that shorter bracket and its parts with certified evaluations, so that a missed bottom cannot lead it astray twice.
    /// </summary>
    static double? Find(LambdaMinCurve curve, CurvePoint a, CurvePoint b, double level, double relTol, int spentBefore)
    {
        double target = level - CertificationSlack;
        var stack = new Stack<(CurvePoint A, CurvePoint B, bool Certified)>();
        stack.Push((a, b, false));
        while (stack.Count > 0)
        {
            var (pa, pb, certified) = stack.Pop();
            // Stryker disable once Equality : a bound exactly at the target is a tie of measure zero
            if (curve.IntervalLowerBound(pa, pb) > target) continue;
            Spend(curve, spentBefore, "first crossing");
            double h = pb.Beta - pa.Beta;
            // Stryker disable once Equality,Arithmetic : a value exactly at the level is a tie; the bracket width only decides
            // when Brent's method takes over (any width would do: its root is checked and the stretch before it cleared or
            // bisected), so it changes the work, not the answer
            if (pb.Value <= level && h <= RootBracketWidth * pb.Beta)
            {
                double root = pa.Value <= level
                    ? pa.Beta
                    : BrentRoot(beta => curve.Evaluate(beta, certify: certified, level: level).Value - level, pa.Beta, pa.Value - level, pb.Beta, pb.Value - level, relTol);
                double before = root * (1 - relTol);
                if (before <= pa.Beta) return root;
                var pr = Eval(curve, before, level);
                // Stryker disable once Equality : a value exactly at the level is a tie
                if (pr.Value <= level) { stack.Push((pa, pr, true)); continue; }
                // clear [a, root - tol]; an uncleared piece there holds an earlier crossing
                var earlier = Find(curve, pa, pr, level, relTol, spentBefore);
                return earlier ?? root;
            }
            if (h <= relTol * pb.Beta)
            {
                // not provably above the level, not below it: a tangential touch within rounding
                if (Math.Min(pa.Value, pb.Value) - level <= CertificationSlack) return pa.Value <= pb.Value ? pa.Beta : pb.Beta;
                continue;
            }
            var m = Eval(curve, pa.Beta + 0.5 * h, level);
            stack.Push((m, pb, certified));
            stack.Push((pa, m, certified));
        }
        return null;
    }

    /// <summary>
    /// Brent's root finder (bisection with secant and inverse quadratic interpolation steps) for g(x) = 0 on a bracket
    /// [a, b] with g(a) = <paramref name="fa"/> &gt; 0 &gt;= g(b) = <paramref name="fb"/>: the end of the final bracket at which
    /// g &lt;= 0, the bracket at most <paramref name="relTol"/> |x| wide (100 steps at most). For lambda_min(beta) - level it
    /// returns a beta at or just past the crossing.
    /// </summary>
    internal static double BrentRoot(Func<double, double> g, double a, double fa, double b, double fb, double relTol)
    {
        double c = a, fc = fa, d = b - a, e = d;
        for (int iter = 0; iter < 100; iter++)
        {
            // Stryker disable once Equality,Arithmetic : fb fc and fb / fc have one sign; at fb fc = 0 either fb = 0 (the loop
            // stops below with b) or fc = 0 (c is a root, kept or replaced by a, which brackets it too)
            if (fb * fc > 0) { c = a; fc = fa; d = b - a; e = d; }
            // Stryker disable once Equality : a tie |fc| = |fb| may keep either end as the best
            if (Math.Abs(fc) < Math.Abs(fb)) { a = b; b = c; c = a; fa = fb; fb = fc; fc = fa; }
            double tol = 0.5 * relTol * Math.Abs(b);
            double m = 0.5 * (c - b);
            // Stryker disable once Equality : a half-width of exactly tol may stop or take one more step inside the bracket
            if (Math.Abs(m) <= tol || fb == 0) break;
            // Stryker disable once Equality : ties |e| = tol, |fa| = |fb| choose between two safe steps (interpolation or bisection)
            if (Math.Abs(e) >= tol && Math.Abs(fa) > Math.Abs(fb))
            {
                double s = fb / fa, p, q;
                if (a == c) { p = 2 * m * s; q = 1 - s; }
                else
                {
                    double qq = fa / fc, r = fb / fc;
                    p = s * (2 * m * qq * (qq - r) - (b - a) * (r - 1));
                    q = (qq - 1) * (r - 1) * (s - 1);
                }
                // Stryker disable once Equality : at p = 0 (an interpolated step of 0) either sign of q leads to a safe step: tol
                // towards c, or a bisection
                if (p > 0) q = -q; else p = -p;
                if (2 * p < Math.Min(3 * m * q - Math.Abs(tol * q), Math.Abs(e * q))) { e = d; d = p / q; }
                else { d = m; e = m; }
            }
            else { d = m; e = m; }
            a = b; fa = fb;
            b += Math.Abs(d) > tol ? d : (m > 0 ? tol : -tol);
            fb = g(b);
        }
        // return the end of the final bracket that is at or below the level
        return fb <= 0 ? b : c;
    }

    /// <summary>
    /// The global minimum of lambda_min over (0, beta_max]: first the polygon certificate of the joint numerical range
    /// (docs/theory.md section 4, equations 4.5-4.7: a secant search for the minimiser and a few certified cutting planes);
    /// where it does not settle, branch and bound: an interval is split while its certified lower bound lies more than
    /// <paramref name="tolerance"/> below the best value found, then the best point is polished with Brent's minimiser.
    /// The branch and bound stops with <see cref="CurveSearchBudgetException"/> past the curve's budget, which counts the
    /// polygon's evaluations (at most 20 search steps and 40 cuts) too.
    /// </summary>
    /// <param name="curve">The curve.</param>
    /// <param name="betaMax">Upper end of the range.</param>
    /// <param name="tolerance">Absolute tolerance of the certificate: no value below (minimum - tolerance) is missed.</param>
    /// <param name="gridIntervals">Intervals of the initial uniform grid over [0, beta_max] (<see cref="Precision.UniformGrid(double, int)"/>; at least 1).</param>
    /// <param name="certify">Prove every lower bound used by an inertia count (else Lanczos residual bounds are trusted).</param>
    public static CurveMinimum GlobalMinimum(LambdaMinCurve curve, double betaMax, double tolerance = 1e-5, int gridIntervals = 16, bool certify = true)
    {
        ArgumentNullException.ThrowIfNull(curve);
        ValidateBetaMax(betaMax);
        if (!curve.NormProven) throw new InvalidOperationException("the curve's norm is an estimate (AssumeNormForEstimates): no certified search");
        // beyond MonotoneFrom the curve cannot fall: its minimum over (0, beta_max] lies in (0, MonotoneFrom]
        betaMax = Math.Min(betaMax, curve.MonotoneFrom);
        // first the polygon certificate of the joint numerical range (a few certified points); the branch and bound below
        // where it does not settle, within the same budget (counted from here)
        int before = curve.Evaluations;
        if (certify && PolygonMinimum.TryFind(curve, betaMax, tolerance) is { } fast) return fast;
        var pts = new List<CurvePoint> { curve.Evaluate(0) };
        var grid = Precision.UniformGrid(betaMax, gridIntervals + 1);
        for (int i = 1; i <= gridIntervals; i++) pts.Add(curve.Evaluate(grid[i], certify));
        // Stryker disable once Linq : the starting best only sets how soon intervals are discarded; splitting improves it
        CurvePoint best = pts.Skip(1).MinBy(p => p.Value)!;
        var queue = new PriorityQueue<(CurvePoint A, CurvePoint B), double>();
        for (int i = 0; i + 1 < pts.Count; i++) queue.Enqueue((pts[i], pts[i + 1]), curve.IntervalLowerBound(pts[i], pts[i + 1]));
        double globalLower = double.PositiveInfinity;
        while (queue.TryDequeue(out var iv, out double lb))
        {
            if (lb >= best.Value - tolerance) { globalLower = Math.Min(globalLower, lb); break; }
            double h = iv.B.Beta - iv.A.Beta;
            if (h <= MinimumIntervalWidth * iv.B.Beta) { globalLower = Math.Min(globalLower, lb); continue; }
            Spend(curve, before, "curve minimum");
            var m = curve.Evaluate(iv.A.Beta + 0.5 * h, certify);
            // Stryker disable once Equality : a tie between two points of equal value
            if (m.Value < best.Value) best = m;
            queue.Enqueue((iv.A, m), curve.IntervalLowerBound(iv.A, m));
            queue.Enqueue((m, iv.B), curve.IntervalLowerBound(m, iv.B));
        }
        // (the queue pops its least bound first, so the intervals left in it have bounds at or above the last one taken)
        // polish: Brent's minimiser inside the neighbouring evaluated points
        var all = curve.Points;
        int idx = 0;
        while (all[idx].Beta != best.Beta) idx++; // best is one of the curve's points
        double lo = idx > 0 ? all[idx - 1].Beta : 0;
        double hi = idx + 1 < all.Count ? Math.Min(all[idx + 1].Beta, betaMax) : betaMax;
        var polished = BrentMinimize(b => curve.Evaluate(b).Value, lo, hi, best.Beta, PolishTolerance);
        var pb = curve.Evaluate(polished, certify);
        if (pb.Value < best.Value) best = pb;
        globalLower = Math.Min(globalLower, best.LowerBound);
        return new CurveMinimum(best.Beta, best.Value, globalLower, curve.Evaluations - before);
    }

    /// <summary>
    /// The curve minimum without certificate, for networks too wide for inertia counts: the zero of the Hellmann-Feynman
    /// slope by secant steps on warm-started Lanczos (docs/theory.md section 4), located to about 1e-5 relative (Lanczos residuals 1e-5 of the norm). A local
    /// minimum; its value is an eigenvalue of I - M there (an upper bound of the global minimum), and the certified lower
    /// bound is NaN. When the search does not settle, the lowest of 17 uniform points of (0, beta_max] is returned.
    /// </summary>
    public static CurveMinimum MinimumEstimate(LambdaMinCurve curve, double betaMax)
    {
        ArgumentNullException.ThrowIfNull(curve);
        ValidateBetaMax(betaMax);
        betaMax = Math.Min(betaMax, curve.MonotoneFrom);
        int before = curve.Evaluations;
        double? beta = PolygonMinimum.EstimateMinimiser(curve, betaMax, fineTolerance: 1e-5, locationTolerance: 1e-5);
        CurvePoint best;
        if (beta is double b) best = curve.Evaluate(b);
        else best = Precision.UniformGrid(betaMax, 17).Skip(1).Select(x => curve.Evaluate(x)).MinBy(p => p.Value)!;
        return new CurveMinimum(best.Beta, best.Value, double.NaN, curve.Evaluations - before);
    }

    /// <summary>
    /// A crossing of <paramref name="level"/> without certificate (docs/theory.md section 4, equations 4.2 and 4.4): 1/T
    /// of the Rayleigh-functional iteration, settled to about 1e-6 relative (Lanczos residuals 1e-5 of the norm). lambda_min(1/T) &lt;= level holds (4.2), so a
    /// crossing lies at or before it, but no inertia count proves that none lies earlier. Null when the iteration finds no
    /// real root or the root lies past beta_max.
    /// </summary>
    /// <param name="curve">The curve.</param>
    /// <param name="level">The level c (below 1).</param>
    /// <param name="betaMax">Upper end of the range.</param>
    /// <param name="startBeta">Where the iteration starts: a beta with lambda_min at or below the level (the curve
    /// minimum's) gives a real first root; by default the vertex limit 2 (1 - c) / ||J|| of the curve's norm bound.</param>
    public static double? CrossingEstimate(LambdaMinCurve curve, double level, double betaMax, double? startBeta = null)
    {
        ArgumentNullException.ThrowIfNull(curve);
        if (!(level < 1)) throw new ArgumentOutOfRangeException(nameof(level), $"the level must lie below lambda_min(0) = 1, got {level}");
        ValidateBetaMax(betaMax);
        if (VertexCrossing.Estimate(curve, level, betaMax, 1e-6, fineTolerance: 1e-5, startBeta: startBeta) is not { } e) return null;
        double beta = 1 / e.T;
        return beta <= betaMax ? beta : null;
    }

    /// <summary>Stops a search that has spent more than the curve's budget since <paramref name="before"/> evaluations.</summary>
    static void Spend(LambdaMinCurve curve, int before, string search)
    {
        // Stryker disable once Equality : a budget of n or n + 1 evaluations is a convention (the check runs before each step)
        if (curve.Evaluations - before > curve.SearchBudget)
            throw new CurveSearchBudgetException(search, curve.SearchBudget, curve.BondSums.Min, curve.BondSums.Max);
    }

    static void ValidateBetaMax(double betaMax)
    {
        if (!(betaMax > 0) || !double.IsFinite(betaMax)) throw new ArgumentOutOfRangeException(nameof(betaMax), $"beta_max must be positive and finite, got {betaMax}");
    }

    /// <summary>Brent's method (golden section with parabolic steps) for a minimum of f in [a, b] started at x.</summary>
    public static double BrentMinimize(Func<double, double> f, double a, double b, double x, double relTol, int maxIter = 100)
    {
        const double cgold = 0.3819660112501051;
        double w = x, v = x, fx = f(x), fw = fx, fv = fx;
        double d = 0, e = 0;
        for (int iter = 0; iter < maxIter; iter++)
        {
            double xm = 0.5 * (a + b);
            double tol1 = relTol * Math.Abs(x) + Precision.Tiny, tol2 = 2 * tol1;
            // Stryker disable once Equality : at equality one more step inside the closed bracket, same result to tolerance
            if (Math.Abs(x - xm) <= tol2 - 0.5 * (b - a)) break;
            bool golden = true;
            // Stryker disable once Equality : |e| = tol1 exactly is a tie; either choice keeps the bracket
            if (Math.Abs(e) > tol1)
            {
                double r = (x - w) * (fx - fv);
                double q = (x - v) * (fx - fw);
                double p = (x - v) * q - (x - w) * r;
                q = 2 * (q - r);
                // Stryker disable once Equality : at q = 0 either branch leaves q = 0, and the test below rejects the step (|p| >= 0)
                if (q > 0) p = -p; else q = -q;
                double etemp = e;
                e = d;
                // Stryker disable once all : the tests that the step stays inside (a, b) are backed by the edge test two lines
                // down (a step that lands within tol2 of an end or beyond it is replaced by tol1 towards the middle), and the
                // step is at most half the one before last; weakening one of them changes which safe step is taken, never
                // the bracket or the lowest point
                if (!(Math.Abs(p) >= Math.Abs(0.5 * q * etemp) || p <= q * (a - x) || p >= q * (b - x)))
                {
                    d = p / q;
                    double u0 = x + d;
                    // Stryker disable once Equality : ties (a step exactly tol2 from an end, x exactly at the middle)
                    if (u0 - a < tol2 || b - u0 < tol2) d = xm - x >= 0 ? tol1 : -tol1;
                    golden = false;
                }
            }
            if (golden)
            {
                // Stryker disable once Equality : x exactly at the middle: either half is a golden-section step of the same length
                e = x >= xm ? a - x : b - x;
                d = cgold * e;
            }
            // Stryker disable once Equality : |d| = tol1 gives u = x + d either way; d = 0 (a parabola's vertex at x) may probe
            // either side of x, both inside the bracket
            double u = Math.Abs(d) >= tol1 ? x + d : x + (d >= 0 ? tol1 : -tol1);
            double fu = f(u);
            // Stryker disable Equality : a tie fu = fx (or u = x, which |d| >= tol1 rules out) may go either way: both keep a
            // bracket [a, b] around the lowest point found
            if (fu <= fx)
            {
                if (u >= x) a = x; else b = x;
                v = w; fv = fw; w = x; fw = fx; x = u; fx = fu;
            }
            else
            {
                if (u < x) a = u; else b = u;
                // Stryker restore Equality
                // Stryker disable all : which earlier points (w, v) the next parabola is fitted through: it changes the
                // path and the number of evaluations (by a few per cent over smooth, monotone and kinked test functions),
                // never the bracket [a, b] or the lowest point x, which the stopping test and the result rest on
                if (fu <= fw || w == x) { v = w; fv = fw; w = u; fw = fu; }
                else if (fu <= fv || v == x || v == w) { v = u; fv = fu; }
                // Stryker restore all
            }
        }
        return x;
    }
}
