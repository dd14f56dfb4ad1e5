namespace NeuralSpin.Ising.Inverse;

/// <summary>
/// A compact limited-memory BFGS minimiser (Nocedal and Wright, Numerical Optimization, Alg. 7.4/7.5)
/// with the two-loop recursion, the initial scaling gamma = s^T y / y^T y, and a backtracking Armijo line
/// search (c1 = 1e-4, halving). Pairs with s^T y &lt;= 1e-12 |s| |y| are skipped, so the inverse-Hessian
/// model stays positive definite and every step is a descent step: the accepted objective values are
/// non-increasing (checked by the tests). Meant for smooth convex objectives such as the L2-penalised
/// pseudolikelihood, where the Armijo condition alone suffices.
/// </summary>
public static class Lbfgs
{
    /// <summary>Objective value at x, writing the gradient into <c>gradient</c>.</summary>
    public delegate double Objective(ReadOnlySpan<double> x, Span<double> gradient);

    /// <summary>
    /// Sufficient-decrease (Armijo) constant c1 of the backtracking line search: a step t is accepted when
    /// f(x + t d) &lt;= f(x) + c1 t grad f . d. 1e-4 is the standard value (Nocedal and Wright, Numerical Optimization,
    /// sec. 3.1): any decrease of a small fraction of the linear prediction, so the full quasi-Newton step is nearly always taken.
    /// </summary>
    public const double ArmijoConstant = 1e-4;

    /// <summary>
    /// A step pair (s, y) enters the memory only when s.y &gt; this times |s| |y|: the curvature condition with a
    /// relative margin, so that pairs whose s.y is rounding noise (or negative, on a non-convex stretch) cannot make
    /// the inverse-Hessian approximation indefinite or blow it up.
    /// </summary>
    public const double CurvatureTolerance = 1e-12;

    /// <summary>Minimiser, its value, iterations, whether max |gradient| fell below the tolerance, and the
    /// objective after every accepted step (entry 0 is the start).</summary>
    public sealed record Result(double[] X, double Value, int Iterations, bool Converged, double[] History);

    /// <summary>Minimises <paramref name="f"/> from <paramref name="x0"/> until max |grad| &lt;= <paramref name="tolerance"/>.</summary>
    /// <remarks>The tolerance must be reachable: the decrease near the optimum, ~ |g|^2 / curvature, has to exceed
    /// the rounding of f. If a step cannot decrease f at working precision the minimiser stops (stalled) and
    /// reports convergence only if the gradient criterion holds.</remarks>
    public static Result Minimize(Objective f, double[] x0, int maxIterations = 500, double tolerance = 1e-6, int memory = 10)
    {
        int n = x0.Length;
        var x = (double[])x0.Clone();
        var g = new double[n];
        double fx = f(x, g);
        var history = new List<double> { fx };
        var s = new double[memory][];
        var y = new double[memory][];
        var rho = new double[memory];
        var alpha = new double[memory];
        int stored = 0, head = 0;
        var d = new double[n];
        var xNew = new double[n];
        var gNew = new double[n];
        int it = 0;
        // Stryker disable once Equality : a gradient exactly at the tolerance is a point of measure zero
        bool converged = MaxAbs(g) <= tolerance;
        while (!converged && it < maxIterations)
        {
            // two-loop recursion: d = -H g
            for (int k = 0; k < n; k++) d[k] = -g[k];
            for (int q = 0; q < stored; q++)
            {
                int idx = (head - 1 - q + memory) % memory;
                alpha[idx] = rho[idx] * Dot(s[idx], d);
                Axpy(-alpha[idx], y[idx], d);
            }
            if (stored > 0)
            {
                int last = (head - 1 + memory) % memory;
                double gamma = Dot(s[last], y[last]) / Dot(y[last], y[last]);
                for (int k = 0; k < n; k++) d[k] *= gamma;
            }
            for (int q = stored - 1; q >= 0; q--)
            {
                int idx = (head - 1 - q + memory) % memory;
                double beta = rho[idx] * Dot(y[idx], d);
                Axpy(alpha[idx] - beta, s[idx], d);
            }
            double slope = Dot(g, d);
            // Stryker disable all : a safeguard against rounding: the curvature test keeps every stored pair's s.y > 0, so H
            // is positive definite and d = -H g a descent direction for every finite g != 0 (g = 0 has converged); the
            // reset is reached only through rounding at extreme conditioning or a NaN gradient (then every form fails alike)
            if (!(slope < 0))
            {
                stored = 0;
                for (int k = 0; k < n; k++) d[k] = -g[k];
                slope = Dot(g, d);
            }
            // Stryker restore all
            // first step without curvature information: move at most 1 in any coordinate
            double t = stored == 0 ? Math.Min(1.0, 1.0 / MaxAbs(g)) : 1.0;
            double fNew = double.NaN;
            bool accepted = false;
            // Stryker disable once Equality : a 61st halving matters only where the step is accepted at exactly t = 2^-60 of
            // its first length (not constructed: 1e-18 of the step); the test of a search that never succeeds kills an
            // unbounded loop
            for (int ls = 0; ls < 60; ls++)
            {
                for (int k = 0; k < n; k++) xNew[k] = x[k] + t * d[k];
                fNew = f(xNew, gNew);
                // Stryker disable once Equality : a value exactly at the Armijo bound is a point of measure zero
                if (double.IsFinite(fNew) && fNew <= fx + ArmijoConstant * t * slope) { accepted = true; break; }
                t *= 0.5;
            }
            it++;
            if (!accepted || fNew == fx) break; // no decrease possible at working precision: stalled
            var sv = new double[n];
            var yv = new double[n];
            for (int k = 0; k < n; k++) { sv[k] = xNew[k] - x[k]; yv[k] = gNew[k] - g[k]; }
            double sy = Dot(sv, yv);
            // Stryker disable once Equality,Arithmetic : the threshold's form matters only for s.y between 0 and about 1e-12 |s| |y|
            // (rounding noise); pairs of negative curvature (the Rosenbrock test) fail every form, and a pair of s.y exactly
            // at the threshold is a point of measure zero
            if (sy > CurvatureTolerance * Math.Sqrt(Dot(sv, sv) * Dot(yv, yv)))
            {
                s[head] = sv; y[head] = yv; rho[head] = 1 / sy;
                head = (head + 1) % memory;
                stored = Math.Min(stored + 1, memory);
            }
            (x, xNew) = (xNew, x);
            (g, gNew) = (gNew, g);
            fx = fNew;
            history.Add(fx);
            // Stryker disable once Equality : a gradient exactly at the tolerance is a point of measure zero
            converged = MaxAbs(g) <= tolerance;
        }
        return new Result(x, fx, it, converged, history.ToArray());
    }

    internal static double Dot(ReadOnlySpan<double> a, ReadOnlySpan<double> b) => Blas.Dot(a, b);

    static void Axpy(double alpha, double[] x, double[] y) => Blas.Axpy(alpha, x, y);

    internal static double MaxAbs(ReadOnlySpan<double> v)
    {
        double m = 0;
        foreach (var e in v) m = Math.Max(m, Math.Abs(e));
        return m;
    }
}
