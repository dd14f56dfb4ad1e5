using NeuralSpin.SpinModel;

namespace NeuralSpin.Tap;

/// <summary>Settings of <see cref="TapSolver"/>. All members are optional.</summary>
public sealed record TapSolverOptions
{
    /// <summary>Starting magnetizations m(0) (also used as m(-1)); null means all zero. Entries are clamped into
    /// |m| &lt;= 1 - <see cref="TapSolver.MagnetizationClamp"/>.</summary>
    public double[]? InitialMagnetizations { get; init; }

    /// <summary>External fields h; null means zero fields.</summary>
    public double[]? Fields { get; init; }

    /// <summary>Stop once max_i |m_i(t+1) - m_i(t)| &lt;= Tolerance (after damping). Default 1e-10; must be &gt; 0.</summary>
    public double Tolerance { get; init; } = 1e-10;

    /// <summary>Largest number of iterations (applications of the map). Default 10 000; must be &gt;= 1.</summary>
    public int MaxIterations { get; init; } = 10_000;

    /// <summary>Damping gamma in [0, 1): m(t+1) = (1 - gamma) m_new + gamma m(t). Default 0 (no damping).</summary>
    public double Damping { get; init; }
}

/// <summary>The outcome of <see cref="TapSolver.Solve"/>.</summary>
/// <param name="Magnetizations">The last iterate m(t).</param>
/// <param name="Converged">Whether max_i |m_i(t) - m_i(t-1)| fell to the tolerance within the iteration budget.</param>
/// <param name="Iterations">Number of iterations performed.</param>
/// <param name="FinalChange">max_i |m_i(t) - m_i(t-1)| of the last iteration.</param>
/// <param name="MaxResidual">max_i |atanh m_i - beta (h_i + (J m)_i) + beta^2 m_i ((J o J)(1 - m^2))_i| at the last
/// iterate: the violation of the TAP equations (P1 20). Equals beta * max_i |dF/dm_i| (<see cref="TapFreeEnergy.Gradient"/>).</param>
public sealed record TapResult(double[] Magnetizations, bool Converged, int Iterations, double FinalChange, double MaxResidual);

/// <summary>Thrown by <see cref="TapSolver.SolveOrThrow"/> when the iteration does not converge.</summary>
public sealed class TapNotConvergedException : Exception
{
    /// <summary>Wraps the unconverged result.</summary>
    public TapNotConvergedException(TapResult result, double tolerance)
        : base($"TAP iteration did not converge: after {result.Iterations} iterations the last change max|m(t+1) - m(t)| = " +
               $"{result.FinalChange:G4} exceeds the tolerance {tolerance:G4} (TAP residual {result.MaxResidual:G4}); " +
               "increase the damping or the iteration budget, or the TAP equations may have no stable solution here")
    {
        Result = result;
    }

    /// <summary>The last iterate and its diagnostics.</summary>
    public TapResult Result { get; }
}

/// <summary>
/// Solves the TAP equations (P1 20, docs/theory.md section 3)
/// <code>atanh m_i = beta (h_i + sum_j J_ij m_j) - beta^2 m_i sum_j J_ij^2 (1 - m_j^2)</code>
/// for any symmetric zero-diagonal coupling by the damped iteration of P2 24 with the correct time indexes:
/// <code>m(t+1) = tanh(beta (h + J m(t)) - beta^2 m(t-1) o ((J o J)(1 - m(t)^2))),</code>
/// followed by m(t+1) &lt;- (1 - gamma) m(t+1) + gamma m(t). A fixed point of the iteration (m(t-1) = m(t) = m(t+1))
/// is a TAP solution and a stationary point of the TAP free energy (P1 19, <see cref="TapFreeEnergy"/>).
/// <para><b>erratum (docs/theory.md section 3):</b> the reaction term uses 1 - m^2, not (1 - m)^2, and the field h enters.</para>
/// Magnetizations are clamped to |m| &lt;= 1 - <see cref="MagnetizationClamp"/> so that atanh stays finite.
/// Non-convergence is never silent: <see cref="Solve"/> reports it in <see cref="TapResult.Converged"/>,
/// <see cref="SolveOrThrow"/> throws <see cref="TapNotConvergedException"/>.
/// </summary>
public static class TapSolver
{
    /// <summary>|m| is kept at or below 1 - 1e-15.</summary>
    public const double MagnetizationClamp = 1e-15;

    /// <summary>
    /// The scalar Newton iteration of one spin stops when its step is at most this times (1 + |x|): a few ulps, where the
    /// iterate no longer changes in float64.
    /// </summary>
    const double ScalarStepTolerance = 1e-15;

    /// <summary>Runs the damped iteration; the result says whether it converged.</summary>
    /// <param name="j">Any symmetric zero-diagonal coupling.</param>
    /// <param name="beta">Inverse temperature, finite and &gt;= 0.</param>
    /// <param name="options">Start, fields, tolerance, budget and damping; null for the defaults.</param>
    public static TapResult Solve(ISymmetricCoupling j, double beta, TapSolverOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(j);
        options ??= new TapSolverOptions();
        int n = j.Size;
        // Stryker disable once Statement : MaxResidual at the end makes the same check with the same exception
        CheckBeta(beta);
        if (!(options.Tolerance > 0)) throw new ArgumentOutOfRangeException(nameof(options), options.Tolerance, "tolerance must be > 0");
        if (options.MaxIterations < 1) throw new ArgumentOutOfRangeException(nameof(options), options.MaxIterations, "at least one iteration is needed");
        double gamma = options.Damping;
        if (!(gamma >= 0 && gamma < 1)) throw new ArgumentOutOfRangeException(nameof(options), gamma, "damping must lie in [0, 1)");
        double[] h = options.Fields ?? new double[n];
        if (h.Length != n) throw new ArgumentException($"expected {n} fields, got {h.Length}", nameof(options));
        foreach (var v in h) if (!double.IsFinite(v)) throw new ArgumentException("fields must be finite", nameof(options));

        var current = new double[n];
        if (options.InitialMagnetizations is { } m0)
        {
            if (m0.Length != n) throw new ArgumentException($"expected {n} initial magnetizations, got {m0.Length}", nameof(options));
            for (int i = 0; i < n; i++)
            {
                if (!double.IsFinite(m0[i])) throw new ArgumentException("initial magnetizations must be finite", nameof(options));
                current[i] = Clamp(m0[i]);
            }
        }
        var previous = (double[])current.Clone();
        var next = new double[n];
        var scratch = new double[2 * n];

        int iterations = 0;
        double change = double.PositiveInfinity;
        bool converged = false;
        while (iterations < options.MaxIterations)
        {
            StepCore(j, beta, h, previous, current, next, scratch);
            change = 0;
            for (int i = 0; i < n; i++)
            {
                // Stryker disable once Conditional : next is clamped already, so Clamp(next) = next at gamma = 0
                double v = gamma == 0 ? next[i] : Clamp((1 - gamma) * next[i] + gamma * current[i]);
                next[i] = v;
                change = Math.Max(change, Math.Abs(v - current[i]));
            }
            iterations++;
            (previous, current, next) = (current, next, previous);
            // Stryker disable once Statement : NaN cannot arise from finite input; without the break the budget runs out and
            // the result is still not converged
            if (double.IsNaN(change)) break; // cannot happen for finite input; never report NaN as converged
            // Stryker disable once Equality : change = tolerance exactly is a point of measure zero
            if (change <= options.Tolerance) { converged = true; break; }
        }

        return new TapResult(current, converged, iterations, change, MaxResidual(j, beta, h, current));
    }

    /// <summary>As <see cref="Solve"/>, but throws <see cref="TapNotConvergedException"/> (carrying the result) when
    /// the iteration does not converge.</summary>
    public static TapResult SolveOrThrow(ISymmetricCoupling j, double beta, TapSolverOptions? options = null)
    {
        var r = Solve(j, beta, options);
        if (!r.Converged) throw new TapNotConvergedException(r, (options ?? new TapSolverOptions()).Tolerance);
        return r;
    }

    /// <summary>
    /// Solves the TAP equations (P1 20) by sequential updates: spins i = 0..N-1 in turn are set to the unique root of
    /// their own equation <c>atanh m_i + beta^2 m_i sum_j J_ij^2 (1 - m_j^2) = beta (h_i + sum_j J_ij m_j)</c> with the
    /// other magnetizations held fixed (the left side is strictly increasing in m_i, and J_ii = 0 keeps m_i out of the
    /// right side and of its own reaction term). The TAP free energy F of P1 19 (<see cref="TapFreeEnergy"/>) is strictly
    /// convex in each m_i separately (d^2F/dm_i^2 = T/(1 - m_i^2) + sum_j J_ij^2 (1 - m_j^2) &gt; 0) and dF/dm_i = T r_i with
    /// r_i the residual, so every update is an exact coordinate minimisation: F never increases and the sweeps settle on a
    /// stationary point, a TAP solution. Unlike the parallel iteration of <see cref="Solve"/>, whose end point below a
    /// spin-glass transition is typically the paramagnet m = 0 (a local minimum of F there as well), the descent keeps
    /// the non-trivial solutions reachable from a non-trivial start.
    /// Options: <see cref="TapSolverOptions.MaxIterations"/> counts sweeps; <see cref="TapSolverOptions.Tolerance"/>
    /// bounds max_i |m_i change| over a sweep; <see cref="TapSolverOptions.Damping"/> must be 0 (each update is exact).
    /// Needs the dense J (one copy is made). Non-convergence is reported in <see cref="TapResult.Converged"/>.
    /// </summary>
    public static TapResult SolveSequential(ISymmetricCoupling j, double beta, TapSolverOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(j);
        options ??= new TapSolverOptions();
        int n = j.Size;
        // Stryker disable once Statement : MaxResidual at the end makes the same check with the same exception
        CheckBeta(beta);
        if (!(options.Tolerance > 0)) throw new ArgumentOutOfRangeException(nameof(options), options.Tolerance, "tolerance must be > 0");
        if (options.MaxIterations < 1) throw new ArgumentOutOfRangeException(nameof(options), options.MaxIterations, "at least one sweep is needed");
        if (options.Damping != 0) throw new ArgumentException("sequential updates are exact coordinate minimisations and take no damping; set Damping = 0", nameof(options));
        double[] h = options.Fields ?? new double[n];
        if (h.Length != n) throw new ArgumentException($"expected {n} fields, got {h.Length}", nameof(options));
        foreach (var v in h) if (!double.IsFinite(v)) throw new ArgumentException("fields must be finite", nameof(options));
        var m = new double[n];
        if (options.InitialMagnetizations is { } m0)
        {
            if (m0.Length != n) throw new ArgumentException($"expected {n} initial magnetizations, got {m0.Length}", nameof(options));
            for (int i = 0; i < n; i++)
            {
                if (!double.IsFinite(m0[i])) throw new ArgumentException("initial magnetizations must be finite", nameof(options));
                m[i] = Clamp(m0[i]);
            }
        }
        var a = j.ToDenseRowMajor();
        var field = new double[n]; // h + J m
        j.Multiply(m, field);
        for (int i = 0; i < n; i++) field[i] += h[i];
        var reaction = new double[n]; // (J o J)(1 - m^2), kept up to date by the change of 1 - m_i^2 at each update
        j.MultiplySquared(m.Select(x => 1 - x * x).ToArray(), reaction);
        double b2 = beta * beta;
        int sweeps = 0;
        double change = double.PositiveInfinity;
        bool converged = false;
        while (sweeps < options.MaxIterations)
        {
            change = 0;
            for (int i = 0; i < n; i++)
            {
                double mi = SolveSingle(beta * field[i], b2 * reaction[i], m[i], out _);
                double dm = mi - m[i];
                // Stryker disable once Statement : a zero step adds zeros to the field and the reaction term
                if (dm == 0) continue;
                double du = (m[i] - mi) * (m[i] + mi); // (1 - mi^2) - (1 - m_i^2)
                var row = a.AsSpan(i * n, n);
                for (int k = 0; k < n; k++)
                {
                    double jk = row[k];
                    field[k] += jk * dm;
                    reaction[k] += jk * jk * du;
                }
                m[i] = mi;
                change = Math.Max(change, Math.Abs(dm));
            }
            sweeps++;
            // Stryker disable once Statement : as in Solve, NaN cannot arise from finite input
            if (double.IsNaN(change)) break;
            // Stryker disable once Equality : change = tolerance exactly is a point of measure zero
            if (change <= options.Tolerance) { converged = true; break; }
        }
        return new TapResult(m, converged, sweeps, change, MaxResidual(j, beta, h, m));
    }

    /// <summary>
    /// The root m of atanh m + c m = b (c &gt;= 0): safeguarded Newton on x = atanh m, f(x) = x + c tanh x - b, increasing
    /// (f' = 1 + c (1 - tanh^2 x) &gt;= 1) with the root in [b - c, b + c] since |tanh| &lt;= 1. The bracket shrinks with every
    /// f evaluated; a Newton step that leaves it, or is more than half the step before (Newton cycling between the two
    /// flat tails of tanh, which it does for c of a few), is replaced by bisection. The bracket is closed: where tanh
    /// saturates (|b| - c of about 17 or more) the root lies within an ulp of an end, and Newton lands on that end.
    /// The start is a clamped magnetization (|start| &lt;= 1 - <see cref="MagnetizationClamp"/>), so atanh is finite.
    /// </summary>
    /// <param name="b">The right side, beta times the local field.</param>
    /// <param name="c">The reaction coefficient beta^2 ((J o J)(1 - m^2))_i, at least 0.</param>
    /// <param name="start">The spin's magnetization before the update.</param>
    /// <param name="iterations">The Newton or bisection steps taken.</param>
    internal static double SolveSingle(double b, double c, double start, out int iterations)
    {
        double lo = b - c, hi = b + c;
        double x = Math.Clamp(Math.Atanh(start), lo, hi), previousStep = double.PositiveInfinity;
        iterations = 0;
        // Stryker disable once Equality,Update : the budget is never reached (at most 15 steps in 50,000 random cases), so
        // a larger one or none changes nothing
        for (int it = 0; it < 100; it++)
        {
            double t = Math.Tanh(x);
            double f = x + c * t - b;
            // Stryker disable once Statement : at f = 0 the Newton step is 0 and the step test below stops the loop
            if (f == 0) break;
            // Stryker disable once Equality : f = 0 has left the loop above
            if (f > 0) hi = x; else lo = x;
            iterations++;
            double next = x - f / (1 + c * (1 - t * t));
            // Stryker disable once Logical : Newton's step is at most |f| long (f' >= 1), so a step leaving the bracket lands
            // where f still bounds the root, and the halving test takes over; no case of the 50,000 needs this test
            bool inBracket = next >= lo && next <= hi;
            // Stryker disable once Equality : a step of exactly half the one before is a point of measure zero
            bool halves = Math.Abs(next - x) <= 0.5 * Math.Abs(previousStep);
            if (!(inBracket && halves)) next = 0.5 * (lo + hi);
            previousStep = next - x;
            // Stryker disable once Equality,Arithmetic : next to the root the step falls to 0 (or f does) within a step of
            // this test, so a tighter or looser threshold only adds or drops a last step that changes x by a few ulps
            if (Math.Abs(next - x) <= ScalarStepTolerance * (1 + Math.Abs(x))) { x = next; break; }
            x = next;
        }
        return Clamp(Math.Tanh(x));
    }

    /// <summary>
    /// One undamped application of the P2 24 map:
    /// next = tanh(beta (h + J current) - beta^2 previous o ((J o J)(1 - current^2))), clamped to |next| &lt;= 1 - 1e-15.
    /// With previous = current = m this is the TAP map whose fixed points solve P1 20; its Jacobian at m = 0, h = 0 is
    /// M = beta J - beta^2 diag(d) (P1 22-23, see <see cref="LinearizedTap"/>).
    /// </summary>
    /// <param name="j">Any symmetric zero-diagonal coupling.</param>
    /// <param name="beta">Inverse temperature.</param>
    /// <param name="h">Fields, length N; empty means zero.</param>
    /// <param name="previous">m(t-1), length N.</param>
    /// <param name="current">m(t), length N.</param>
    /// <param name="next">Receives m(t+1), length N; must not overlap the inputs.</param>
    /// <exception cref="ArgumentNullException"><paramref name="j"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="beta"/> is negative, NaN or infinite.</exception>
    /// <exception cref="ArgumentException">A vector is not of length N (fields: N or empty), a field is NaN or infinite,
    /// or <paramref name="next"/> overlaps an input.</exception>
    public static void Step(ISymmetricCoupling j, double beta, ReadOnlySpan<double> h, ReadOnlySpan<double> previous,
                            ReadOnlySpan<double> current, Span<double> next)
    {
        ArgumentNullException.ThrowIfNull(j);
        int n = j.Size;
        if (previous.Length != n || current.Length != n || next.Length != n || (!h.IsEmpty && h.Length != n))
            throw new ArgumentException($"all vectors must have length {n} (fields may be empty)");
        if (next.Overlaps(previous) || next.Overlaps(current) || next.Overlaps(h))
            throw new ArgumentException("the output must not overlap the inputs", nameof(next));
        CheckBetaAndFields(beta, h);
        StepCore(j, beta, h, previous, current, next, new double[2 * n]);
    }

    /// <summary>
    /// max_i |atanh m_i - beta (h_i + (J m)_i) + beta^2 m_i ((J o J)(1 - m^2))_i|, the violation of the TAP
    /// equations P1 20 at m (|m_i| &lt; 1 required for a finite value).
    /// </summary>
    /// <exception cref="ArgumentNullException"><paramref name="j"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="beta"/> is negative, NaN or infinite.</exception>
    /// <exception cref="ArgumentException">A vector is not of length N (fields: N or empty), or a field is NaN or infinite.</exception>
    public static double MaxResidual(ISymmetricCoupling j, double beta, ReadOnlySpan<double> h, ReadOnlySpan<double> m)
    {
        double worst = 0;
        foreach (var r in Residuals(j, beta, h, m))
        {
            if (double.IsNaN(r)) return double.NaN;
            worst = Math.Max(worst, Math.Abs(r));
        }
        return worst;
    }

    /// <summary>
    /// The residuals r_i = atanh m_i - beta (h_i + (J m)_i) + beta^2 m_i ((J o J)(1 - m^2))_i of the TAP
    /// equations P1 20 (zero at a solution; T r is the gradient of the TAP free energy).
    /// </summary>
    /// <exception cref="ArgumentNullException"><paramref name="j"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="beta"/> is negative, NaN or infinite.</exception>
    /// <exception cref="ArgumentException">A vector is not of length N (fields: N or empty), or a field is NaN or infinite.</exception>
    public static double[] Residuals(ISymmetricCoupling j, double beta, ReadOnlySpan<double> h, ReadOnlySpan<double> m)
    {
        var r = EffectiveFields(j, beta, h, m);
        for (int i = 0; i < r.Length; i++) r[i] = Math.Atanh(m[i]) - r[i];
        return r;
    }

    /// <summary>
    /// The residuals of the TAP equations P1 20 in their tanh form, r_i = m_i - tanh(beta (h_i + (J m)_i) - beta^2 m_i ((J o J)(1 - m^2))_i):
    /// zero at the same solutions as <see cref="Residuals"/>, but each carries a rounding of about 1e-16 however close |m_i| is to 1,
    /// where atanh m_i loses digits (for m_i = tanh u_i its rounding is amplified by e^{2|u_i|}/4: 2e-10 at |u_i| = 8).
    /// </summary>
    /// <exception cref="ArgumentNullException"><paramref name="j"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="beta"/> is negative, NaN or infinite.</exception>
    /// <exception cref="ArgumentException">A vector is not of length N (fields: N or empty), or a field is NaN or infinite.</exception>
    public static double[] MapResiduals(ISymmetricCoupling j, double beta, ReadOnlySpan<double> h, ReadOnlySpan<double> m)
    {
        var r = EffectiveFields(j, beta, h, m);
        for (int i = 0; i < r.Length; i++) r[i] = m[i] - Math.Tanh(r[i]);
        return r;
    }

    /// <summary>beta (h_i + (J m)_i) - beta^2 m_i ((J o J)(1 - m^2))_i, the argument of tanh in P1 20.</summary>
    static double[] EffectiveFields(ISymmetricCoupling j, double beta, ReadOnlySpan<double> h, ReadOnlySpan<double> m)
    {
        ArgumentNullException.ThrowIfNull(j);
        int n = j.Size;
        if (m.Length != n || (!h.IsEmpty && h.Length != n)) throw new ArgumentException($"vectors must have length {n}");
        CheckBetaAndFields(beta, h);
        var jm = new double[n];
        j.Multiply(m, jm);
        var u = new double[n];
        for (int i = 0; i < n; i++) u[i] = 1.0 - m[i] * m[i];
        var j2u = new double[n];
        j.MultiplySquared(u, j2u);
        var a = new double[n];
        for (int i = 0; i < n; i++)
        {
            double hi = h.IsEmpty ? 0.0 : h[i];
            a[i] = beta * (hi + jm[i]) - beta * beta * m[i] * j2u[i];
        }
        return a;
    }

    static void CheckBetaAndFields(double beta, ReadOnlySpan<double> h)
    {
        CheckBeta(beta);
        foreach (var v in h) if (!double.IsFinite(v)) throw new ArgumentException("fields must be finite", nameof(h));
    }

    static void StepCore(ISymmetricCoupling j, double beta, ReadOnlySpan<double> h, ReadOnlySpan<double> previous,
                         ReadOnlySpan<double> current, Span<double> next, Span<double> scratch)
    {
        int n = j.Size;
        var jm = scratch[..n];
        var u = scratch.Slice(n, n);
        j.Multiply(current, jm);
        for (int i = 0; i < n; i++) u[i] = 1.0 - current[i] * current[i];
        j.MultiplySquared(u, next); // next temporarily holds (J o J)(1 - m(t)^2)
        double b2 = beta * beta;
        for (int i = 0; i < n; i++)
        {
            double hi = h.IsEmpty ? 0.0 : h[i];
            next[i] = Clamp(Math.Tanh(beta * (hi + jm[i]) - b2 * previous[i] * next[i]));
        }
    }

    static void CheckBeta(double beta)
    {
        if (!(beta >= 0) || !double.IsFinite(beta)) throw new ArgumentOutOfRangeException(nameof(beta), beta, "beta must be finite and >= 0");
    }

    static double Clamp(double m) => Math.Clamp(m, -(1 - MagnetizationClamp), 1 - MagnetizationClamp);
}
