namespace NeuralSpin.Tap;

/// <summary>How <see cref="TransitionSearch.FirstCrossing"/> settled a first crossing.</summary>
public enum CrossingMethod
{
    /// <summary>
    /// The vertex certificate of docs/theory.md section 4 (equations 4.1-4.4): a Rayleigh-functional estimate, one inertia
    /// count above it for the lower end of the bracket, the Ritz vector's scalar quadratic for the upper end.
    /// </summary>
    VertexCertificate,

    /// <summary>The branch-and-bound search over beta with interval bounds (docs/theory.md section 4, "The curve").</summary>
    Search,
}

/// <summary>
/// A first crossing with how it was found.
/// </summary>
/// <param name="Beta">The first beta with lambda_min(beta) &lt;= level (the upper end of the certified bracket), or null
/// when there is none in (0, beta_max].</param>
/// <param name="CertifiedBelow">A beta below which lambda_min stays above the level (the lower end of the bracket), when the
/// method gives one separately.</param>
/// <param name="Method">The method that settled it.</param>
public sealed record CrossingResult(double? Beta, double? CertifiedBelow, CrossingMethod Method);

/// <summary>
/// The first crossing beta_c(c) of lambda_min(beta) = c with one inertia count (docs/theory.md section 4, "One inertia
/// count for a first crossing", equations 4.1-4.4). In T = 1/beta, I - M(beta) - c I = beta^2 Q_c(T) with
/// Q_c(T) = (1 - c) T^2 I - T J + diag(d), and for a unit vector v with a = v^T J v, d = v^T diag(d) v the scalar
/// v^T Q_c(T) v = (1 - c) T^2 - a T + d (4.1).
/// <list type="bullet">
/// <item>Upper end (4.2): a vector whose quadratic has the real larger root T_v has v^T (I - M(1/T_v) - c) v = 0, so
/// lambda_min(1/T_v) &lt;= c and beta_c(c) &lt;= 1/T_v.</item>
/// <item>Lower end (4.3): if 2 (1 - c) T* &gt;= Lambda &gt;= lambda_max(J) and I - M(1/T*) - c I is positive semidefinite
/// (one inertia count), then Q_c(T) - Q_c(T*) = (T - T*)[(1 - c)(T + T*) I - J] is positive definite for T &gt; T*, so
/// lambda_min(beta) &gt; c on (0, 1/T*) and beta_c(c) &gt;= 1/T*.</item>
/// </list>
/// The estimate T_v comes from the safeguarded Rayleigh-functional iteration T_{k+1} = T_v(v_k) with v_k the lowest
/// eigenvector of I - M(1/T_k) (4.4), which rises to the largest root from below and converges quadratically; only the two
/// bounds above carry the guarantee. When the vertex condition fails or the certificate does not close, the caller falls
/// back to the search.
/// </summary>
internal static class VertexCrossing
{
    /// <summary>Most iterations of the Rayleigh-functional estimate (it converges in three to five on the networks measured).</summary>
    const int MaxIterations = 12;

    /// <summary>Most inertia counts spent on the certificate before giving up (each failure refines the estimate first).</summary>
    const int MaxCertificateAttempts = 3;

    /// <summary>
    /// Residual of the first eigenvector estimates relative to the norm bound of I - M (1e-4): enough to place the next
    /// iterate within about 1e-8 relative (the iteration is quadratic in the eigenvector's error).
    /// </summary>
    const double CoarseTolerance = 1e-4;

    /// <summary>
    /// Residual of the final eigenvector relative to the norm bound (1e-9): the Rayleigh functional's error is of second
    /// order in the eigenvector's angle, so a residual of 1e-9 puts the root within about 1e-12 relative on the networks
    /// measured, well inside a bracket of 1e-10.
    /// </summary>
    const double FineTolerance = 1e-9;

    /// <summary>
    /// The larger root of (1 - c) T^2 - a T + d (equation 4.1), or null when the roots are not real or not positive.
    /// </summary>
    internal static double? LargerRoot(double oneMinusC, double a, double d)
    {
        // complex roots (disc < 0) give NaN, and a <= 0 with d >= 0 a root <= 0: the test below rejects both
        double disc = a * a - 4 * oneMinusC * d;
        // (a + sqrt(disc)) / (2 (1 - c)), without cancellation when a > 0
        double root = (a + Math.Sqrt(disc)) / (2 * oneMinusC);
        return root > 0 && double.IsFinite(root) ? root : null;
    }

    /// <summary>
    /// The certified first crossing of <paramref name="level"/> in (0, <paramref name="betaMax"/>], or null when this
    /// method cannot settle it (vertex condition fails, no real root, certificate not closed): the caller then searches.
    /// </summary>
    internal static CrossingResult? TryFind(LambdaMinCurve curve, double level, double betaMax, double relativeTolerance)
    {
        if (!curve.NormProven) return null;
        double lambda = curve.NormJBound;
        double oneMinusC = 1 - level; // Estimate returns null unless lambda > 0 and 1 - c > 0
        if (Estimate(curve, level, betaMax, relativeTolerance) is not { } estimate) return null;
        var (t, v) = estimate;
        for (int attempt = 0; attempt < MaxCertificateAttempts; attempt++)
        {
            double tStar = t * (1 + 0.5 * relativeTolerance);
            // Stryker disable once Equality : 2 (1 - c) T* = Lambda exactly is a point of measure zero
            if (2 * oneMinusC * tStar < lambda) return null; // vertex condition (4.3) fails: search instead
            double betaLow = 1 / tStar;
            if (curve.CountedPositiveDefinite(betaLow, level))
            {
                double betaHigh = 1 / t;
                // Stryker disable once Equality : 1/T* = beta_max exactly is a point of measure zero
                if (betaLow > betaMax) return new CrossingResult(null, betaLow, CrossingMethod.VertexCertificate);
                // Stryker disable once Equality : 1/T = beta_max exactly is a point of measure zero
                if (betaHigh > betaMax) return null; // beta_max inside the bracket: the search decides
                return new CrossingResult(betaHigh, betaLow, CrossingMethod.VertexCertificate);
            }
            // not positive definite at 1/T*: T_c(c) > T*, the estimate stopped short; refine from the last vector
            (_, v) = curve.LowestEigenpair(1 / tStar, v, FineTolerance * 1e-2);
            var (a2, d2) = curve.QuadraticCoefficients(v);
            if (LargerRoot(oneMinusC, a2, d2) is not double refined || refined <= t) return null;
            t = refined;
        }
        return null;
    }

    /// <summary>
    /// The Rayleigh-functional iteration (4.4) alone: the largest root T reached and the last eigenvector, or null when a
    /// vector's quadratic has no real root or the iteration does not settle. 1/T is an upper bound of beta_c(c) by (4.2)
    /// whatever happens after; that it is the first crossing needs the certificate.
    /// </summary>
    internal static (double T, double[] Vector)? Estimate(LambdaMinCurve curve, double level, double betaMax, double relativeTolerance,
        double fineTolerance = FineTolerance, double? startBeta = null)
    {
        double lambda = curve.NormJBound;
        double oneMinusC = 1 - level;
        // Stryker disable once Logical,Equality : the cases let through return null below anyway: lambda = 0 bounds ||J|| = 0,
        // so a = 0 and LargerRoot has no positive root; 1 - c = 0 makes the root infinite and 1 - c < 0 negative
        if (!(lambda > 0) || !(oneMinusC > 0)) return null;
        // the vertex condition 2 (1 - c) T >= Lambda holds for beta <= 2 (1 - c) / Lambda: start there unless told
        double betaVertex = 2 * oneMinusC / lambda;
        double beta = Math.Min(startBeta ?? betaVertex, Math.Min(betaMax, curve.MaxBeta));
        double[]? v = null;
        double t = double.NaN;
        double tol = Math.Max(CoarseTolerance, fineTolerance);
        for (int iter = 0; iter < MaxIterations; iter++)
        {
            (_, v) = curve.LowestEigenpair(beta, v ?? curve.NearestCachedVector(beta), tol); // warm start from the curve's points
            var (a, d) = curve.QuadraticCoefficients(v);
            if (LargerRoot(oneMinusC, a, d) is not double next) return null;
            double change = double.IsNaN(t) ? double.PositiveInfinity : Math.Abs(next - t) / next;
            t = Math.Max(double.IsNaN(t) ? next : t, next); // every root is a lower bound of T_c(c): keep the largest
            beta = 1 / t;
            // the iteration is quadratic: after a change of delta the new root errs by about delta^2 (times a constant of
            // order one), so a fine run whose change is below sqrt(relTol / 100) needs no confirming run; a root that
            // stopped short makes the inertia count fail, and the certificate refines (the bracket is never wrong)
            if (tol <= fineTolerance && (change <= 0.1 * relativeTolerance || change * change <= 0.01 * relativeTolerance)) return (t, v);
            // the next eigenvector only needs to be as good as the iterate it serves
            tol = change <= 1e-5 ? fineTolerance : Math.Max(fineTolerance, Math.Min(tol, 1e-2 * change));
        }
        return null;
    }
}
