using NeuralSpin.Numerics;
using NeuralSpin.SpinModel;

namespace NeuralSpin.Tap;

/// <summary>Settings of <see cref="TapNewton.Solve"/>. All members are optional.</summary>
public sealed record TapNewtonOptions
{
    /// <summary>External fields h; null means zero fields.</summary>
    public double[]? Fields { get; init; }

    /// <summary>Stop once the TAP residual max_i |F_i(m)| (P1 20) is at most this. Default 1e-12; must be &gt; 0.</summary>
    public double Tolerance { get; init; } = 1e-12;

    /// <summary>Largest number of Newton steps. Default 200; must be &gt;= 1.</summary>
    public int MaxIterations { get; init; } = 200;

    /// <summary>Largest step max_i |du_i| in the variables u = atanh m (a longer Newton step is scaled down). Default 1.</summary>
    public double MaxStep { get; init; } = 1.0;
}

/// <summary>The outcome of <see cref="TapNewton.Solve"/>.</summary>
/// <param name="Magnetizations">The last iterate m, every |m_i| &lt; 1.</param>
/// <param name="Converged">Whether max_i |F_i| fell to the tolerance within the budget.</param>
/// <param name="Iterations">Newton steps taken.</param>
/// <param name="MaxResidual">max_i |F_i(m)| at the last iterate (P1 20 residual, as in <see cref="TapResult.MaxResidual"/>).</param>
public sealed record TapNewtonResult(double[] Magnetizations, bool Converged, int Iterations, double MaxResidual);

/// <summary>The outcome of <see cref="TapNewton.ContinueInField"/>.</summary>
/// <param name="AtZeroField">The TAP solution at h = 0 reached along the branch (Newton-polished), or null when the branch never crossed h = 0.</param>
/// <param name="LowestField">The smallest field strength h0 reached on the branch.</param>
/// <param name="Steps">Accepted arclength steps.</param>
/// <param name="Folds">Turning points passed (sign changes of dh0/ds along the branch).</param>
/// <param name="FirstFold">The branch point at the first turning point (where the solution followed from the strong field
/// annihilates with a saddle), or null when the branch reached h0 = 0 without one.</param>
public sealed record TapFieldContinuationResult(TapNewtonResult? AtZeroField, double LowestField, int Steps, int Folds, TapBranchPoint? FirstFold);

/// <summary>A point of a solution branch followed in the field strength.</summary>
/// <param name="Field">h0.</param>
/// <param name="Magnetizations">The TAP solution m at that field.</param>
public sealed record TapBranchPoint(double Field, double[] Magnetizations);

/// <summary>
/// Newton's method on the TAP equations (P1 20, docs/theory.md section 3)
/// <code>F_i(m) = atanh m_i - beta (h_i + sum_j J_ij m_j) + beta^2 m_i sum_j J_ij^2 (1 - m_j^2) = 0</code>
/// for a dense symmetric zero-diagonal coupling (N up to a few hundred: one dense LU solve per step).
/// F = beta grad F_TAP (<see cref="TapFreeEnergy.Gradient"/>), so its Jacobian is beta times the Hessian of the TAP
/// free energy (<see cref="Hessian"/>):
/// <code>dF_i/dm_k = delta_ik [1/(1 - m_i^2) + beta^2 sum_j J_ij^2 (1 - m_j^2)] - beta J_ik - 2 beta^2 J_ik^2 m_i m_k.</code>
/// Unlike the damped iteration (<see cref="TapSolver"/>), Newton converges to every kind of stationary point of
/// F_TAP (minima and saddles), and to solutions where the iteration map is unstable (the SK model below T_c).
/// The unknowns are u = atanh m, so every iterate keeps |m_i| &lt; 1; each step solves (dF/dm) diag(1 - m^2) du = -F,
/// is capped at <see cref="TapNewtonOptions.MaxStep"/> and halved until ||F||_2 decreases (backtracking line search).
/// The linear solves go through LAPACK (<see cref="TorchLinalg.Solve"/>).
/// </summary>
public static class TapNewton
{
    /// <summary>|u| = |atanh m| is kept at or below this (1 - |m| &gt;= 2e-16 so that m stays representable below 1).</summary>
    public const double MaxField = 18;

    /// <summary>
    /// Sufficient-decrease constant of the damped Newton step on the residual: a step of length t (as a fraction of the
    /// full step) is accepted when |F(u + t d)| &lt; (1 - 1e-4 t) |F(u)|, the standard Armijo constant for Newton's method on
    /// nonlinear equations (as in Dennis and Schnabel's line search).
    /// </summary>
    public const double SufficientDecrease = 1e-4;

    /// <summary>The field continuation gives up when its arclength step has been halved below this.</summary>
    public const double MinArclengthStep = 1e-7;

    /// <summary>The default bound of the field continuation's corrector on max_i |F_i| and on the arclength defect.</summary>
    public const double DefaultCorrectorTolerance = 1e-11;

    /// <summary>
    /// A corrected point that lands beyond h0 = 0 by more than this below the previous field is refused and the step
    /// shortened, so that h0 = 0 is approached in short steps and the interpolation to it is accurate.
    /// </summary>
    const double ZeroFieldOvershoot = 1e-3;

    /// <summary>
    /// The Hessian d^2 F_TAP / dm_i dm_k of the TAP free energy (<see cref="TapFreeEnergy.Evaluate"/>, P1 19 with
    /// field term) as a row-major N x N array: T delta_ik / (1 - m_i^2) + beta delta_ik sum_j J_ij^2 (1 - m_j^2)
    /// - J_ik - 2 beta J_ik^2 m_i m_k. A TAP solution is a local minimum of F_TAP when its smallest eigenvalue is positive.
    /// </summary>
    /// <param name="j">Dense symmetric zero-diagonal coupling.</param>
    /// <param name="beta">Inverse temperature, finite and &gt; 0.</param>
    /// <param name="m">Magnetizations, each strictly inside (-1, 1).</param>
    public static double[] Hessian(DenseCoupling j, double beta, ReadOnlySpan<double> m)
    {
        var a = Jacobian(j, beta, m);
        double t = 1 / beta;
        for (int i = 0; i < a.Length; i++) a[i] *= t;
        return a;
    }

    /// <summary>The smallest eigenvalue of <see cref="Hessian"/> (dense symmetric eigensolver, <see cref="TorchLinalg"/>).</summary>
    public static double SmallestHessianEigenvalue(DenseCoupling j, double beta, ReadOnlySpan<double> m) =>
        TorchLinalg.SymmetricEigenvalues(Hessian(j, beta, m), j.Size)[0];

    /// <summary>dF_i/dm_k (row-major), beta times <see cref="Hessian"/>.</summary>
    static double[] Jacobian(DenseCoupling j, double beta, ReadOnlySpan<double> m)
    {
        ArgumentNullException.ThrowIfNull(j);
        if (!(beta > 0) || !double.IsFinite(beta)) throw new ArgumentOutOfRangeException(nameof(beta), beta, "beta must be finite and > 0");
        int n = j.Size;
        if (m.Length != n) throw new ArgumentException($"expected {n} magnetizations, got {m.Length}", nameof(m));
        var u = new double[n];
        for (int i = 0; i < n; i++)
        {
            if (!(Math.Abs(m[i]) < 1)) throw new ArgumentException($"magnetization m[{i}] = {m[i]} must lie strictly inside (-1, 1)", nameof(m));
            u[i] = 1 - m[i] * m[i];
        }
        var s = new double[n];
        j.MultiplySquared(u, s);
        double b2 = beta * beta;
        var a = new double[n * n];
        for (int i = 0; i < n; i++)
        {
            int row = i * n;
            double mi = m[i];
            for (int k = 0; k < n; k++)
            {
                double jik = j[i, k];
                a[row + k] = -beta * jik - 2 * b2 * jik * jik * mi * m[k];
            }
            a[row + i] += 1 / u[i] + b2 * s[i];
        }
        return a;
    }

    /// <summary>Runs Newton's method from <paramref name="initial"/> (entries clamped into |m| &lt;= tanh <see cref="MaxField"/>).</summary>
    /// <param name="j">Dense symmetric zero-diagonal coupling.</param>
    /// <param name="beta">Inverse temperature, finite and &gt; 0.</param>
    /// <param name="initial">Starting magnetizations, length N, in [-1, 1].</param>
    /// <param name="options">Fields, tolerance, budget and step cap.</param>
    public static TapNewtonResult Solve(DenseCoupling j, double beta, ReadOnlySpan<double> initial, TapNewtonOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(j);
        options ??= new TapNewtonOptions();
        int n = j.Size;
        if (!(beta > 0) || !double.IsFinite(beta)) throw new ArgumentOutOfRangeException(nameof(beta), beta, "beta must be finite and > 0");
        if (initial.Length != n) throw new ArgumentException($"expected {n} starting magnetizations, got {initial.Length}", nameof(initial));
        if (!(options.Tolerance > 0)) throw new ArgumentOutOfRangeException(nameof(options), options.Tolerance, "Tolerance must be > 0");
        if (options.MaxIterations < 1) throw new ArgumentOutOfRangeException(nameof(options), options.MaxIterations, "MaxIterations must be >= 1");
        if (!(options.MaxStep > 0)) throw new ArgumentOutOfRangeException(nameof(options), options.MaxStep, "MaxStep must be > 0");
        var h = options.Fields ?? new double[n];
        if (h.Length != n) throw new ArgumentException($"expected {n} fields, got {h.Length}", nameof(options));
        foreach (var v in h) if (!double.IsFinite(v)) throw new ArgumentException("fields must be finite", nameof(options));

        var u = new double[n];
        for (int i = 0; i < n; i++)
        {
            if (!(Math.Abs(initial[i]) <= 1)) throw new ArgumentException($"starting magnetization m[{i}] = {initial[i]} is outside [-1, 1]", nameof(initial));
            u[i] = Math.Clamp(Math.Atanh(initial[i]), -MaxField, MaxField); // atanh(+-1) = +-inf is clamped to +-MaxField
        }
        var m = new double[n];
        var w = new double[n]; // 1 - m_i^2 = sech^2 u_i, computed without cancellation
        var s = new double[n]; // ((J o J) w)_i
        var jm = new double[n];
        var f = new double[n];
        ResidualInU(j, beta, h, u, m, w, s, jm, f);
        double norm = Norm2(f);
        var trialU = new double[n];
        var trialM = new double[n];
        var trialW = new double[n];
        var trialS = new double[n];
        var trialF = new double[n];
        var a = new double[n * n];
        var rhs = new double[n];
        int it = 0;
        while (MaxAbs(f) > options.Tolerance && it < options.MaxIterations)
        {
            it++;
            JacobianInU(j, beta, m, w, s, a, n);
            for (int i = 0; i < n; i++) rhs[i] = -f[i];
            var d = TorchLinalg.Solve(a, rhs, n); // LAPACK: ~20x MathNet's managed LU at N = 400
            if (d == null) break;
            double dmax = MaxAbs(d);
            // Stryker disable once Equality : at dmax = MaxStep both branches give the fraction 1 (MaxStep / dmax is exactly 1)
            double scale = dmax > options.MaxStep ? options.MaxStep / dmax : 1;
            bool accepted = false;
            for (int halving = 0; halving < 40; halving++, scale *= 0.5)
            {
                for (int i = 0; i < n; i++) trialU[i] = Math.Clamp(u[i] + scale * d[i], -MaxField, MaxField);
                ResidualInU(j, beta, h, trialU, trialM, trialW, trialS, jm, trialF);
                double tn = Norm2(trialF);
                if (tn < (1 - SufficientDecrease * scale) * norm || (tn <= norm && MaxAbs(trialF) <= options.Tolerance)) { accepted = true; norm = tn; break; }
            }
            if (!accepted) break;
            (u, trialU) = (trialU, u);
            (m, trialM) = (trialM, m);
            (w, trialW) = (trialW, w);
            (s, trialS) = (trialS, s);
            (f, trialF) = (trialF, f);
        }
        double res = MaxAbs(f);
        return new TapNewtonResult(m, res <= options.Tolerance, it, res);
    }

    /// <summary>
    /// Follows a TAP solution in the field h = h0 xi from a strong field h0 = <paramref name="startField"/>, where the solution is
    /// unique, down to h0 = 0 by pseudo-arclength continuation in (u, h0) (u = atanh m): Euler predictor along the tangent,
    /// Newton corrector on the TAP equations bordered by the arclength condition, tangents from the bordered system, so the
    /// branch is followed through turning points (folds, where the solution at fixed h0 annihilates with a saddle). When h0
    /// changes sign the solution at h0 = 0 is polished by <see cref="Solve"/>. The branch is abandoned when it returns above
    /// twice the start field, when the step falls below <see cref="MinArclengthStep"/> or after <paramref name="maxSteps"/> steps.
    /// A corrector step that takes some |u_i| beyond <see cref="MaxField"/> (the domain of <see cref="Solve"/>) fails like one
    /// that does not converge in twelve steps: the arclength step is halved, so a branch that saturates ends at the edge.
    /// </summary>
    /// <param name="j">Dense symmetric zero-diagonal coupling.</param>
    /// <param name="beta">Inverse temperature, finite and &gt; 0.</param>
    /// <param name="direction">The field direction xi, length N.</param>
    /// <param name="startField">h0 at the start, &gt; 0 (large enough for a unique solution).</param>
    /// <param name="maxSteps">Largest number of arclength steps.</param>
    /// <param name="tolerance">The corrector's bound on max_i |F_i| and on the arclength defect, positive and finite.</param>
    public static TapFieldContinuationResult ContinueInField(DenseCoupling j, double beta, double[] direction, double startField, int maxSteps = 400,
        double tolerance = DefaultCorrectorTolerance)
    {
        ArgumentNullException.ThrowIfNull(j);
        ArgumentNullException.ThrowIfNull(direction);
        int n = j.Size;
        if (direction.Length != n) throw new ArgumentException($"expected {n} field directions, got {direction.Length}", nameof(direction));
        foreach (var x in direction) if (!double.IsFinite(x)) throw new ArgumentException("the field direction must be finite", nameof(direction));
        if (!(startField > 0) || !double.IsFinite(startField)) throw new ArgumentOutOfRangeException(nameof(startField), startField, "the start field must be positive and finite");
        if (!(beta > 0) || !double.IsFinite(beta)) throw new ArgumentOutOfRangeException(nameof(beta), beta, "beta must be finite and > 0");
        if (maxSteps < 1) throw new ArgumentOutOfRangeException(nameof(maxSteps), maxSteps, "at least one step");
        if (!(tolerance > 0) || !double.IsFinite(tolerance)) throw new ArgumentOutOfRangeException(nameof(tolerance), tolerance, "the tolerance must be positive and finite");
        double[] Field(double h0) => direction.Select(x => h0 * x).ToArray();
        // Stryker disable once Arithmetic : the guess only seeds Newton at the start field, where the solution is unique (the
        // documented precondition); any guess Newton brings there gives the same start of the branch
        var first = Solve(j, beta, direction.Select(x => Math.Tanh(beta * startField * x)).ToArray(), new TapNewtonOptions { Fields = Field(startField) });
        if (!first.Converged) return new TapFieldContinuationResult(null, startField, 0, 0, null);

        var u = first.Magnetizations.Select(Math.Atanh).ToArray();
        double lambda = startField, lowest = startField;
        var m = new double[n]; var w = new double[n]; var sq = new double[n]; var jm = new double[n]; var f = new double[n];
        var a = new double[(n + 1) * (n + 1)];

        // bordered matrix [[dF/du, -beta xi], [t_u / N, t_lambda]] at (u, lambda)
        void Bordered(double[] uu, double lam, double[] tu, double tl)
        {
            ResidualInU(j, beta, Field(lam), uu, m, w, sq, jm, f);
            JacobianInU(j, beta, m, w, sq, a, n + 1);
            for (int i = 0; i < n; i++) { a[i * (n + 1) + n] = -beta * direction[i]; a[n * (n + 1) + i] = tu[i] / n; }
            a[n * (n + 1) + n] = tl;
        }

        // initial tangent: dF/du du = beta xi dlambda, pointing to decreasing lambda
        ResidualInU(j, beta, Field(lambda), u, m, w, sq, jm, f);
        var jac = new double[n * n];
        JacobianInU(j, beta, m, w, sq, jac, n);
        var z = TorchLinalg.Solve(jac, direction.Select(x => beta * x).ToArray(), n);
        if (z == null) return new TapFieldContinuationResult(null, startField, 0, 0, null);
        var tU = z.Select(x => -x).ToArray();
        double tL = -1;
        Normalize(tU, ref tL);

        double ds = 0.05 * Math.Sqrt(1 + startField * startField), maxDs = 0.5;
        int steps = 0, folds = 0;
        TapBranchPoint? firstFold = null;
        var rhs = new double[n + 1];
        // Stryker disable once Equality : ds is a product of powers of 1.3, 0.5 and 0.25 with 0.05 (1 + startField^2)^(1/2) or
        // 0.5; that it equals MinArclengthStep exactly is a point of measure zero
        while (steps < maxSteps && ds > MinArclengthStep)
        {
            var uP = new double[n];
            for (int i = 0; i < n; i++) uP[i] = u[i] + ds * tU[i];
            double lP = lambda + ds * tL;
            var uC = (double[])uP.Clone();
            double lC = lP;
            bool ok = false;
            // Stryker disable once Equality : a thirteenth corrector step is only taken where twelve did not converge, and Newton
            // that has not converged in twelve steps from a predictor this close does not in thirteen (the step is then halved)
            for (int it = 0; it < 12; it++)
            {
                Bordered(uC, lC, tU, tL);
                double arc = tL * (lC - lP);
                for (int i = 0; i < n; i++) arc += tU[i] * (uC[i] - uP[i]) / n;
                // Stryker disable once Equality : a residual or arclength defect exactly at the tolerance is a point of measure zero
                if (MaxAbs(f) <= tolerance && Math.Abs(arc) <= tolerance)
                {
                    ok = true;
                    // Stryker disable once Statement : further corrector steps at a converged point move it by rounding only
                    break;
                }
                for (int i = 0; i < n; i++) rhs[i] = -f[i];
                // Stryker disable once Unary : arc is linear in (u, lambda) and zero at the predictor, and every Newton step
                // keeps the linear condition, so arc is at rounding level and its sign changes nothing
                rhs[n] = -arc;
                var d = TorchLinalg.Solve(a, rhs, n + 1);
                if (d == null || MaxAbs(d) > 5) break;
                bool inside = true;
                for (int i = 0; i < n; i++) { uC[i] += d[i]; if (Math.Abs(uC[i]) > MaxField) inside = false; }
                lC += d[n];
                if (!inside) break;
            }
            // new tangent from the bordered system at the corrected point, oriented along the old one; a failed corrector or
            // a bordered matrix that cannot be solved there halves the step
            var unit = new double[n + 1];
            unit[n] = 1;
            var t = ok ? TorchLinalg.Solve(a, unit, n + 1) : null;
            if (t == null) { ds *= 0.5; continue; }
            // Stryker disable once Equality : a corrected field exactly 0 is a point of measure zero
            bool crossed = lC <= 0;
            if (crossed && lambda - lC > ZeroFieldOvershoot) { ds *= 0.25; continue; }
            var nU = t.Take(n).ToArray();
            double nL = t[n];
            // Stryker disable once Statement : the bordered tangent has unit projection on the old unit tangent, so its length
            // is 1 / cos of the turn; left unnormalised it lengthens or shortens the next predictor step, which the corrector
            // and the step control absorb, never the branch followed, its folds (signs of t_lambda) or the polished end point
            Normalize(nU, ref nL);
            if (Math.Sign(nL) != Math.Sign(tL) && nL != 0)
            {
                folds++;
                firstFold ??= new TapBranchPoint(lC, uC.Select(Math.Tanh).ToArray());
            }
            steps++;
            if (crossed)
            {
                double frac = lambda / (lambda - lC);
                var start = new double[n];
                for (int i = 0; i < n; i++) start[i] = Math.Tanh(u[i] + frac * (uC[i] - u[i]));
                var polished = Solve(j, beta, start, new TapNewtonOptions());
                return new TapFieldContinuationResult(polished, 0, steps, folds, firstFold);
            }
            u = uC; lambda = lC; tU = nU; tL = nL;
            lowest = Math.Min(lowest, lambda);
            // Stryker disable once Equality : a field exactly twice the start field is a point of measure zero
            if (lambda > 2 * startField) break;
            ds = Math.Min(ds * 1.3, maxDs);
        }
        return new TapFieldContinuationResult(null, lowest, steps, folds, firstFold);
    }

    /// <summary>Scales (t_u, t_lambda) to unit length in the metric |u|^2 / N + lambda^2.</summary>
    static void Normalize(double[] tu, ref double tl)
    {
        double s = tl * tl;
        foreach (var x in tu) s += x * x / tu.Length;
        s = Math.Sqrt(s);
        for (int i = 0; i < tu.Length; i++) tu[i] /= s;
        tl /= s;
    }

    /// <summary>dF_i/du_k = (dF_i/dm_k)(1 - m_k^2): off-diagonal -(beta J_ik + 2 beta^2 J_ik^2 m_i m_k) w_k, diagonal 1 + beta^2 s_i w_i
    /// with w = 1 - m^2 and s = (J o J) w (the 1/(1 - m_i^2) of dF_i/dm_i cancels exactly against w_i). Written into the
    /// top-left N x N block of the row-major array <paramref name="a"/> with row length <paramref name="stride"/>.</summary>
    static void JacobianInU(DenseCoupling j, double beta, double[] m, double[] w, double[] s, double[] a, int stride)
    {
        int n = m.Length;
        double b2 = beta * beta;
        for (int i = 0; i < n; i++)
        {
            double mi = m[i];
            for (int k = 0; k < n; k++)
            {
                double jik = j[i, k];
                a[i * stride + k] = -(beta * jik + 2 * b2 * jik * jik * mi * m[k]) * w[k];
            }
            a[i * stride + i] = 1 + b2 * s[i] * w[i];
        }
    }

    /// <summary>F_i in the variables u = atanh m: u_i - beta (h_i + (J m)_i) + beta^2 m_i ((J o J)(1 - m^2))_i, with
    /// 1 - m_i^2 = sech^2 u_i (no loss of precision for saturated spins, where atanh(tanh u) would amplify rounding).</summary>
    static void ResidualInU(DenseCoupling j, double beta, double[] h, double[] u, double[] m, double[] w, double[] s, double[] jm, double[] f)
    {
        int n = u.Length;
        for (int i = 0; i < n; i++)
        {
            m[i] = Math.Tanh(u[i]);
            double c = Math.Cosh(u[i]);
            w[i] = 1 / (c * c);
        }
        j.Multiply(m, jm);
        j.MultiplySquared(w, s);
        double b2 = beta * beta;
        for (int i = 0; i < n; i++) f[i] = u[i] - beta * (h[i] + jm[i]) + b2 * m[i] * s[i];
    }

    static double Norm2(double[] v)
    {
        double s = 0;
        foreach (var x in v) s += x * x;
        return Math.Sqrt(s);
    }

    static double MaxAbs(double[] v)
    {
        double s = 0;
        foreach (var x in v) s = Math.Max(s, Math.Abs(x));
        return s;
    }
}
