namespace NeuralSpin.Tap;

/// <summary>
/// The curve minimum min over (0, beta_max] of lambda_min(beta) with a certified lower bound from a few certified points
/// (docs/theory.md section 4, "The curve minimum from the joint numerical range", equations 4.5-4.7).
/// <para>
/// Every unit vector v gives the point (a, d) = (v^T J v, v^T diag(d) v) of the joint numerical range W of J and
/// diag(d), and v^T (I - M(beta)) v = 1 - beta a + beta^2 d. W lies in -Lambda &lt;= a &lt;= Lambda (Lambda &gt;= ||J||),
/// d &gt;= min_i d_i, and every certified point (beta_i, L_i) (lambda_min(beta_i) &gt;= L_i, proven by an inertia count) adds
/// the half-plane 1 - beta_i a + beta_i^2 d &gt;= L_i (4.5). So for beta in (0, beta_max],
/// lambda_min(beta) &gt;= min over the polygon P of g(a, d), g(a, d) = min over beta in [0, beta_max] of 1 - beta a + beta^2 d
/// (4.6). g is a minimum of affine functions, hence concave, and non-decreasing in d, so its minimum over P lies at a
/// vertex of P's lower boundary d = max(min_i d_i, max_i (beta_i a - 1 + L_i) / beta_i^2): a finite check (4.7).
/// </para>
/// <para>
/// The minimiser is the zero of the Hellmann-Feynman slope -a + 2 beta d of the lowest eigenvector, found by a step to the
/// fixed point beta = a / (2 d) and then secant steps; cutting planes then add a certified point at the beta where the lowest vertex of P
/// attains g, until the bound is within the tolerance of the best value. Any failure (no convergence, a lower point
/// than the estimate, a repeated cut) returns null and the caller runs the branch and bound.
/// </para>
/// </summary>
internal static class PolygonMinimum
{
    /// <summary>Most iterations of the minimiser's search (secant steps on the slope: five to eight on the networks measured).</summary>
    const int MaxIterations = 20;

    /// <summary>Most certified cutting planes before handing over to the branch and bound.</summary>
    const int MaxCuts = 40;

    /// <summary>
    /// Relative change of the minimiser at which the secant search stops (1e-7; the golden location tolerance is 1e-6, the
    /// secant's order 1.6 makes the last change an overestimate of the error, and the value at the minimum errs by the
    /// square of the location's error times the curvature, far below 1e-10). Below about 1e-9 the Hellmann-Feynman slope
    /// is rounding.
    /// </summary>
    const double LocationTolerance = 1e-7;

    /// <summary>
    /// The lower bound of equation 4.7 and the beta where its lowest vertex attains it: g over the vertices of the lower
    /// boundary of P = {-Lambda &lt;= a &lt;= Lambda, d &gt;= dMin, 1 - beta_i a + beta_i^2 d &gt;= L_i}.
    /// </summary>
    internal static (double Bound, double Beta) PolygonBound(IReadOnlyList<(double Beta, double Lower)> points, double lambda, double dMin, double betaMax)
    {
        // lines d >= s a + t: s = 1/beta_i, t = -(1 - L_i)/beta_i^2; and d >= dMin (s = 0)
        var s = new List<double> { 0 };
        var t = new List<double> { Math.Max(dMin, 0) };
        foreach (var (b, l) in points)
        {
            if (!(b > 0)) continue;
            s.Add(1 / b);
            t.Add(-(1 - l) / (b * b));
        }
        // a <= 0 gives g = 1 - 0 (beta = 0 minimises); the vertices with a in [0, Lambda] decide
        var candidates = new List<double> { 0, lambda };
        // Stryker disable once Equality : at i = s.Count the inner loop makes no pass
        for (int i = 0; i < s.Count; i++)
            for (int j = i + 1; j < s.Count; j++)
            {
                // Stryker disable once Statement : parallel lines give a = +-infinity or NaN, which the range test below rejects
                if (s[i] == s[j]) continue;
                double a = (t[j] - t[i]) / (s[i] - s[j]);
                // Stryker disable once Equality : a = 0 and a = Lambda are candidates already, so admitting them again adds nothing
                if (a > 0 && a < lambda) candidates.Add(a);
            }
        double bound = double.PositiveInfinity, at = 0;
        foreach (double a in candidates)
        {
            double d = double.NegativeInfinity;
            for (int i = 0; i < s.Count; i++) d = Math.Max(d, s[i] * a + t[i]);
            var (g, beta) = G(a, d, betaMax);
            // Stryker disable once Equality : two vertices with exactly equal g are a point of measure zero
            if (g < bound) { bound = g; at = beta; }
        }
        return (bound, at);
    }

    /// <summary>g(a, d) = min over beta in [0, beta_max] of 1 - beta a + beta^2 d, and the minimising beta (equation 4.6).</summary>
    internal static (double Value, double Beta) G(double a, double d, double betaMax)
    {
        if (a <= 0) return (1, 0);
        // Stryker disable once Equality,Conditional : d >= 0 on P (its lower boundary lies on or above d = max(min_i d_i, 0)),
        // and at d = 0 the quotient a / (2 d) is +infinity, so Min gives beta_max either way
        double beta = d > 0 ? Math.Min(a / (2 * d), betaMax) : betaMax;
        return (1 - beta * a + beta * beta * d, beta);
    }

    /// <summary>
    /// The certified minimum, or null when this method does not settle it (the caller then runs the branch and bound).
    /// </summary>
    internal static CurveMinimum? TryFind(LambdaMinCurve curve, double betaMax, double tolerance)
    {
        if (!curve.NormProven) return null;
        double lambda = curve.NormJBound; // positive when the estimate below settles
        int before = curve.Evaluations;
        if (EstimateMinimiser(curve, betaMax) is not double beta) return null;
        var best = curve.Evaluate(beta, certify: true);
        var points = new List<(double Beta, double Lower)> { (best.Beta, best.LowerBound) };
        for (int cut = 0; cut < MaxCuts; cut++)
        {
            var (bound, at) = PolygonBound(points, lambda, curve.DMin, betaMax);
            // Stryker disable once Equality : a bound exactly at best - tolerance is a point of measure zero
            if (bound >= best.Value - tolerance)
                return new CurveMinimum(best.Beta, best.Value, Math.Min(bound, best.LowerBound), curve.Evaluations - before);
            // the lowest vertex has a > 0 (g < 1 at a = Lambda, g = 1 for a <= 0), so at > 0; a repeated cut gains nothing
            // Stryker disable once Equality : a distance of exactly 1e-12 at is a point of measure zero
            if (points.Any(p => Math.Abs(p.Beta - at) <= 1e-12 * at)) return null;
            var p = CertifiedPoint(curve, at, best.Value - tolerance);
            if (p.Value < best.Value - tolerance) return null; // a deeper dip elsewhere: the branch and bound finds it
            if (p.Value < best.Value) best = p;
            points.Add((p.Beta, p.LowerBound));
        }
        return null;
    }

    /// <summary>
    /// A certified point at <paramref name="beta"/> for a cut that has to clear <paramref name="target"/>: a coarse Lanczos
    /// run first (residual 1e-4 of the norm), refined only when its slack 2 rho exceeds 1e-3 of the margin theta - target
    /// (a loose line costs more cuts); then one inertia count. Far from the minimum the coarse run is tight enough relative
    /// to the wide margin there, and the refinement is saved.
    /// </summary>
    static CurvePoint CertifiedPoint(LambdaMinCurve curve, double beta, double target)
    {
        var (theta, v) = curve.LowestEigenpair(beta, curve.NearestCachedVector(beta), 1e-4);
        var coarse = curve.Evaluate(beta);
        if (theta > target && theta - coarse.LowerBound > 1e-3 * (theta - target))
            curve.LowestEigenpair(beta, v, Math.Max(1e-9, 1e-4 * (theta - target) / curve.OperatorNormBound(beta)));
        return curve.Evaluate(beta, certify: true);
    }

    /// <summary>
    /// The minimiser estimate alone (a local minimum of the curve, uncertified), or null when the search does not settle.
    /// </summary>
    internal static double? EstimateMinimiser(LambdaMinCurve curve, double betaMax, double fineTolerance = 1e-9, double locationTolerance = LocationTolerance)
    {
        double lambda = curve.NormJBound;
        // Stryker disable once Equality : lambda = 0 bounds ||J|| = 0, so a = v^T J v = 0 and the first step below returns null
        if (!(lambda > 0)) return null;
        // the zero of the Hellmann-Feynman slope s(beta) = -a + 2 beta d of the lowest eigenvector: a first step to the
        // fixed point beta = a / (2 d) (which converges only linearly, with rate 1 - lambda'' / (2 d)), then secant steps on
        // s, started where the scalar quadratic of the top of J would have its minimum
        double beta = Math.Min(betaMax, 2 / lambda);
        double[]? v = null;
        double tol = Math.Max(1e-4, fineTolerance);
        bool converged = false;
        double prevBeta = double.NaN, prevSlope = double.NaN;
        for (int iter = 0; iter < MaxIterations; iter++)
        {
            (_, v) = curve.LowestEigenpair(beta, v ?? curve.NearestCachedVector(beta), tol); // warm start from the curve's points
            var (a, d) = curve.QuadraticCoefficients(v);
            if (!(a > 0) || !(d > 0)) return null;
            double slope = -a + 2 * beta * d;
            double next = a / (2 * d);
            if (!double.IsNaN(prevSlope) && slope != prevSlope)
            {
                double secant = beta - slope * (beta - prevBeta) / (slope - prevSlope);
                // the secant of an increasing slope (a convex stretch) steps toward its zero; else keep the fixed point
                if ((slope - prevSlope) / (beta - prevBeta) > 0 && secant > 0) next = secant;
            }
            next = Math.Min(betaMax, next);
            double change = Math.Abs(next - beta) / next;
            (prevBeta, prevSlope) = (beta, slope);
            beta = next;
            if (tol <= fineTolerance && change <= locationTolerance) { converged = true; break; }
            tol = change <= 1e-6 ? fineTolerance : Math.Max(fineTolerance, Math.Min(tol, 1e-2 * change));
            if (beta == betaMax && prevBeta == betaMax) { converged = tol <= fineTolerance; if (converged) break; }
        }
        return converged ? beta : null;
    }
}
