using NUnit.Framework;
using NeuralSpin.SpinModel;
using NeuralSpin.Tap;
using NeuralSpin.Tests.Support;

namespace NeuralSpin.Tests.Tap;

/// <summary>
/// Newton's method on the TAP equations (P1 20, docs/theory.md section 3) and the field continuation of its solutions
/// (<see cref="TapNewton"/>) on systems small enough to be solved by hand: two uncoupled spins, where
/// F_i = u_i - beta h_i is linear in u = atanh m, and two coupled spins J_01 = J in equal fields h, whose symmetric
/// solutions m_0 = m_1 = m = tanh u solve one equation (P1 20 with N = 2)
/// <code>G(u) = u - beta (h + J m) + beta^2 J^2 m (1 - m^2) = 0,   G'(u) = 1 - beta J w + beta^2 J^2 (w^2 - 2 m^2 w),  w = 1 - m^2.</code>
/// Newton's method started symmetrically stays symmetric (the two rows of F and of its Jacobian are the same), so each
/// of its steps is the one-dimensional Newton step d = -G/G' on both spins.
/// </summary>
[TestFixture]
public class TapNewtonTests
{
    /// <summary>Two uncoupled spins: F_i = u_i - beta h_i.</summary>
    static DenseCoupling Free2() => new(2, new double[4]);

    /// <summary>Two spins with J_01 = j.</summary>
    static DenseCoupling Pair(double j) => new(2, new[] { 0, j, j, 0 });

    static double Atanh(double m) => 0.5 * Math.Log((1 + m) / (1 - m));

    // ---------------------------------------------------------------- the symmetric two-spin reference

    /// <summary>G(u) of the class comment, written from P1 20 for two spins.</summary>
    static double G(double u, double beta, double j, double h)
    {
        double m = Math.Tanh(u), c = Math.Cosh(u), w = 1 / (c * c);
        return u - beta * (h + j * m) + beta * beta * j * j * m * w;
    }

    /// <summary>dG/du of the class comment.</summary>
    static double DG(double u, double beta, double j)
    {
        double m = Math.Tanh(u), c = Math.Cosh(u), w = 1 / (c * c);
        return 1 - beta * j * w + beta * beta * j * j * (w * w - 2 * m * m * w);
    }

    /// <summary>The trial point u + t d of a damped Newton step, kept in |u| &lt;= MaxField (documented clamp).</summary>
    static double Trial(double u, double t, double beta, double j, double h) =>
        Math.Clamp(u - t * G(u, beta, j, h) / DG(u, beta, j), -TapNewton.MaxField, TapNewton.MaxField);

    /// <summary>|G(u + t d)| / |G(u)|: the ratio the line search compares with 1 - 1e-4 t.</summary>
    static double Ratio(double u, double t, double beta, double j, double h) =>
        Math.Abs(G(Trial(u, t, beta, j, h), beta, j, h)) / Math.Abs(G(u, beta, j, h));

    /// <summary>A root of f in [a, b] (f(a), f(b) of opposite signs) by 200 bisections.</summary>
    static double Bisect(Func<double, double> f, double a, double b)
    {
        double fa = f(a);
        Assert.That(fa * f(b), Is.LessThan(0), "bracket");
        for (int k = 0; k < 200 && b - a > 0; k++)
        {
            double c = 0.5 * (a + b), fc = f(c);
            if (fc == 0) return c;
            if (fa * fc < 0) b = c; else { a = c; fa = fc; }
        }
        return 0.5 * (a + b);
    }

    /// <summary>The first grid point u in [a, b] (step 1e-3) where f changes sign, refined by bisection.</summary>
    static double FirstCrossing(Func<double, double> f, double a, double b)
    {
        for (double u = a; u < b; u += 1e-3)
            if (f(u) * f(u + 1e-3) < 0) return Bisect(f, u, u + 1e-3);
        Assert.Fail("no sign change");
        return double.NaN;
    }

    /// <summary>The symmetric two-spin pair of the tests: beta = 1, J = 2 (beta J = 2).</summary>
    const double Beta = 1, J = 2;

    /// <summary>The zeros u_a &lt; u_b of G' in u &gt; 0 (the folds of the symmetric branch m(h)), found by a grid scan and
    /// bisection; between them G decreases, so h(u) = [u - beta J m + beta^2 J^2 m w] / beta has a local maximum at u_a
    /// and a local minimum at u_b.</summary>
    static (double Ua, double Ub) FoldsInU()
    {
        double ua = FirstCrossing(u => DG(u, Beta, J), 0.01, 5);
        double ub = FirstCrossing(u => DG(u, Beta, J), ua + 1e-2, 5);
        return (ua, ub);
    }

    /// <summary>The field h on each spin at which tanh u solves the symmetric equation G = 0.</summary>
    static double FieldOf(double u) => G(u, Beta, J, 0) / Beta;

    // ---------------------------------------------------------------- Solve

    [Test]
    public void Solve_StepCap_LimitsEveryNewtonStepOfALinearSystem()
    {
        // Two uncoupled spins: F_i = u_i - beta h_i, Jacobian = identity, so the full Newton step from u = 0 is d = beta h =
        // (1, -0.3). Capped at MaxStep = 0.25 (d scaled by 0.25 / max_i |d_i|), step k lands on u = min(0.25 k, 1) (1, -0.3);
        // the residual falls by 0.25 per step (ratio 1 - t < 1 - 1e-4 t: every capped step is accepted), so the solver
        // needs exactly 4 steps. Running it with MaxIterations = k returns iterate k. Tolerance 1e-15: each u is a sum
        // of at most 4 doubles of size <= 1, rounding < 1e-15; atanh of the result is exact to a few ulp.
        var h = new[] { 1.0, -0.3 };
        for (int k = 1; k <= 5; k++)
        {
            var r = TapNewton.Solve(Free2(), 1, new double[2], new TapNewtonOptions { Fields = h, MaxStep = 0.25, MaxIterations = k });
            double frac = Math.Min(0.25 * k, 1);
            Assert.That(r.Iterations, Is.EqualTo(Math.Min(k, 4)), $"k = {k}: at most MaxIterations steps");
            Assert.That(Atanh(r.Magnetizations[0]), Is.EqualTo(frac * 1.0).Within(1e-15), $"u_0 after {k}");
            Assert.That(Atanh(r.Magnetizations[1]), Is.EqualTo(frac * -0.3).Within(1e-15), $"u_1 after {k}");
            Assert.That(r.Converged, Is.EqualTo(k >= 4));
        }
    }

    [Test]
    public void Solve_ResidualEqualToTheTolerance_Converges()
    {
        // The tolerance is inclusive ("stop once max_i |F_i| is at most this"): two uncoupled spins from m = 0 with
        // beta h = (0.5, 0) start at F = (-0.5, 0) exactly, so Tolerance = 0.5 is met before any step.
        var r = TapNewton.Solve(Free2(), 1, new double[2], new TapNewtonOptions { Fields = new[] { 0.5, 0 }, Tolerance = 0.5 });
        Assert.That(r.Iterations, Is.EqualTo(0));
        Assert.That(r.Converged, Is.True);
        Assert.That(r.MaxResidual, Is.EqualTo(0.5));
        Assert.That(r.Magnetizations, Is.EqualTo(new[] { 0.0, 0.0 }));
    }

    [Test]
    public void Solve_StartsOnTheEdgeOfTheUnitInterval()
    {
        // Starting magnetizations may be +-1 (documented range [-1, 1]; atanh is clamped to +-MaxField). Two uncoupled
        // spins in beta h = (0.7, -0.2) have the solution m = tanh(beta h); Newton in u is exact in one step
        // (linear F) after the capped steps from |u| = 18, so the result agrees with tanh(beta h) to rounding (1e-14).
        var r = TapNewton.Solve(Free2(), 1, new[] { -1.0, 1.0 }, new TapNewtonOptions { Fields = new[] { 0.7, -0.2 } });
        Assert.That(r.Converged, Is.True);
        Assert.That(r.Magnetizations[0], Is.EqualTo(Math.Tanh(0.7)).Within(1e-14));
        Assert.That(r.Magnetizations[1], Is.EqualTo(Math.Tanh(-0.2)).Within(1e-14));
        // from |u| = MaxField = 18 with MaxStep 1: the start u_0 = -18 is 18.7 from 0.7, so 19 capped steps
        Assert.That(r.Iterations, Is.EqualTo(19));
    }

    [Test]
    public void Solve_NoFiniteNewtonStep_StopsUnconverged()
    {
        // beta h = 2 * 1e308 overflows: F_0 = -inf, the Newton system has no finite solution, and the iteration stops
        // after its first attempt and reports no convergence (instead of failing).
        var r = TapNewton.Solve(Free2(), 2, new double[2], new TapNewtonOptions { Fields = new[] { 1e308, 0 } });
        Assert.That(r.Converged, Is.False);
        Assert.That(r.Iterations, Is.EqualTo(1));
        Assert.That(r.Magnetizations, Is.EqualTo(new[] { 0.0, 0.0 }));
    }

    /// <summary>The symmetric start u0 in [2.0, 2.2] (right of the fold u_b, field h = 2 J) where the full Newton step's
    /// ratio |G(u0 + d)| / |G(u0)| equals <paramref name="target"/> with step fraction t.</summary>
    static double StartWithRatio(double t, double target, double lo, double hi) =>
        Bisect(u => Ratio(u, t, Beta, J, 2) - target, lo, hi);

    /// <summary>Runs <see cref="TapNewton.Solve"/> from the symmetric start tanh u0 in the field h = 2 on both spins.</summary>
    static TapNewtonResult SolvePair(double u0, TapNewtonOptions options)
    {
        double m0 = Math.Tanh(u0);
        return TapNewton.Solve(Pair(J), Beta, new[] { m0, m0 }, options with { Fields = new[] { 2.0, 2 } });
    }

    [Test]
    public void Solve_LineSearch_RejectsAnInsufficientDecrease_AndHalves()
    {
        // Sufficient decrease (Armijo, Dennis and Schnabel): a step fraction t is accepted when
        // |F(u + t d)| < (1 - 1e-4 t) |F(u)|, t = 1, 1/2, 1/4, ... The start u0 is placed (bisection on the hand-written G)
        // where the full step decreases |F| by only 0.5e-4 relative: too little, so the solver must take the first halved
        // fraction that passes, computed here from G. Tolerance 1e-9 on u: the start passes through tanh and atanh
        // (relative error ~ 1e-16 / (1 - m^2) ~ 1e-14) and the step d = -G/G' amplifies it by |d'| ~ 10^2.
        double u0 = StartWithRatio(1, 1 - 0.5e-4, 2.04, 2.14);
        Assert.That(Ratio(u0, 1, Beta, J, 2), Is.InRange(1 - 1e-4, 1), "the full step decreases |F|, but not enough");
        double t = 1;
        while (!(Ratio(u0, t, Beta, J, 2) < 1 - TapNewton.SufficientDecrease * t)) t /= 2;
        Assert.That(t, Is.LessThan(1));
        var r = SolvePair(u0, new TapNewtonOptions { MaxIterations = 1, MaxStep = 100 });
        double expected = Trial(u0, t, Beta, J, 2);
        Assert.That(r.Iterations, Is.EqualTo(1));
        Assert.That(Atanh(r.Magnetizations[0]), Is.EqualTo(expected).Within(1e-9), $"accepted fraction t = {t}");
        Assert.That(Atanh(r.Magnetizations[1]), Is.EqualTo(expected).Within(1e-9));
    }

    [Test]
    public void Solve_LineSearch_AcceptsACappedHalfStepWithSufficientDecrease()
    {
        // The step cap sets the first fraction: MaxStep = |d| / 2 gives t = 1/2, accepted when
        // |F(u + d/2)| < (1 - 0.5e-4) |F(u)|. At the start placed where that ratio is 1 - 1e-4 (sufficient, by a margin
        // 0.5e-4 far above the 1e-12 error of the ratio) the capped step is taken as it is. Tolerance as above.
        double u0 = StartWithRatio(0.5, 1 - 1e-4, 1.84, 2.04);
        double d = -G(u0, Beta, J, 2) / DG(u0, Beta, J);
        var r = SolvePair(u0, new TapNewtonOptions { MaxIterations = 1, MaxStep = Math.Abs(d) / 2 });
        Assert.That(Atanh(r.Magnetizations[0]), Is.EqualTo(u0 + d / 2).Within(1e-9));
        Assert.That(Atanh(r.Magnetizations[1]), Is.EqualTo(u0 + d / 2).Within(1e-9));
    }

    [Test]
    public void Solve_LineSearch_AcceptsAStepThatMeetsTheTolerance()
    {
        // A step that decreases |F| without the sufficient decrease is still accepted when it meets the tolerance
        // (max_i |F_i| <= Tolerance). With the start of the rejection test and a tolerance between |G(u0 + d)| and
        // |G(u0)| (their geometric mean; the two differ by 0.5e-4 relative, far above rounding), the full step is taken and
        // the solver stops converged after one step. Then again with the tolerance set to exactly the reported residual
        // of that step: the tolerance is inclusive, so the same step is accepted and no second step follows.
        double u0 = StartWithRatio(1, 1 - 0.5e-4, 2.04, 2.14);
        double g0 = Math.Abs(G(u0, Beta, J, 2)), g1 = Math.Abs(G(Trial(u0, 1, Beta, J, 2), Beta, J, 2));
        double expected = Trial(u0, 1, Beta, J, 2);
        var r = SolvePair(u0, new TapNewtonOptions { Tolerance = Math.Sqrt(g0 * g1), MaxStep = 100 });
        Assert.That(r.Converged, Is.True);
        Assert.That(r.Iterations, Is.EqualTo(1));
        Assert.That(Atanh(r.Magnetizations[0]), Is.EqualTo(expected).Within(1e-9));
        var again = SolvePair(u0, new TapNewtonOptions { Tolerance = r.MaxResidual, MaxStep = 100 });
        Assert.That(again.Converged, Is.True);
        Assert.That(again.Iterations, Is.EqualTo(1));
        Assert.That(again.MaxResidual, Is.EqualTo(r.MaxResidual));
    }

    // ---------------------------------------------------------------- ContinueInField

    [TestCase(0.0)]
    [TestCase(-1.0)]
    [TestCase(double.PositiveInfinity)]
    public void ContinueInField_ChecksBetaBeforeTheStepBudget(double beta)
    {
        // With both beta and maxSteps invalid the first failing check (beta) is reported.
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => TapNewton.ContinueInField(Pair(J), beta, new[] { 1.0, 1 }, 1, maxSteps: 0))!;
        Assert.That(ex.ParamName, Is.EqualTo("beta"));
    }

    /// <summary>
    /// Two uncoupled spins: the branch is the straight line u = beta h0 xi, so every predictor lies on it, the corrector
    /// has nothing to do and each accepted step lowers h0 by exactly ds / kappa, kappa = (1 + beta^2 |xi|^2 / N)^(1/2) (the
    /// metric |u|^2 / N + h0^2). The documented step control then fixes the whole run: ds starts at
    /// 0.05 (1 + h0^2)^(1/2), grows by 1.3 per step up to 0.5, and a step that would cross h0 = 0 by more than 1e-3 in h0 is
    /// retried with a quarter of ds; the crossing step is interpolated linearly to h0 = 0, which on a straight branch is
    /// the solution u = 0 itself, so the polish needs no Newton step. Expected: the step count from that schedule.
    /// </summary>
    [Test]
    public void ContinueInField_StraightBranch_FollowsTheDocumentedStepControl()
    {
        double[] xi = [1, 0.5];
        const double beta = 1, start = 2;
        var c = TapNewton.ContinueInField(Free2(), beta, xi, start);
        double kappa = Math.Sqrt(1 + beta * beta * (1 + 0.25) / 2), h = start, ds = 0.05 * Math.Sqrt(1 + start * start);
        int steps = 0;
        while (true)
        {
            double next = h - ds / kappa;
            if (next <= 0 && h - next > 1e-3) { ds *= 0.25; continue; }
            steps++;
            if (next <= 0) break;
            h = next;
            ds = Math.Min(1.3 * ds, 0.5);
        }
        Assert.That(c.Steps, Is.EqualTo(steps), "accepted steps");
        Assert.That(c.Folds, Is.EqualTo(0), "a straight branch has no fold");
        Assert.That(c.LowestField, Is.EqualTo(0));
        Assert.That(c.AtZeroField, Is.Not.Null);
        Assert.That(c.AtZeroField!.Magnetizations, Is.EqualTo(new[] { 0.0, 0.0 }).Within(1e-12), "m = tanh 0 at h0 = 0");
        Assert.That(c.AtZeroField.Iterations, Is.EqualTo(0), "the interpolated start is already the solution");
    }

    /// <summary>
    /// maxSteps = 1 is allowed and stops after one accepted arclength step: the branch from h0 = 6 (field 3 per spin, far
    /// above the upper fold) moves down in h0 without reaching 0, to the point the pseudo-arclength step defines. On the
    /// symmetric branch (xi = (1/2, 1/2), field h = h0 / 2 per spin) the tangent at the start u_0 solves
    /// G'(u_0) du = beta dh0 / 2: t = -(z, z, 1) / sqrt(1 + z^2) with z = beta / (2 G'(u_0)) in the metric |u|^2 / N + h0^2,
    /// pointing to decreasing h0; the predictor is P = (u_0, 6) + ds t with ds = 0.05 sqrt(1 + 6^2); the corrector lands
    /// where G(u; h0 / 2) = 0 on the line through P orthogonal to t, h0 = h0_P - z (u - u_P). Expected: that point by
    /// bisection. The corrector stops at residuals of 1e-11 with |G'| of order 1 on this part of the branch, so the field
    /// agrees to 1e-9; a tangent taken at the wrong point, in the wrong direction or not normalised moves it by 1e-3 or more.
    /// </summary>
    [Test]
    public void ContinueInField_OneStep_IsThePseudoArclengthStepOnTheBranch()
    {
        var xi = new[] { 0.5, 0.5 };
        var c = TapNewton.ContinueInField(Pair(J), Beta, xi, 6, maxSteps: 1);
        Assert.That(c.Steps, Is.EqualTo(1));
        Assert.That(c.AtZeroField, Is.Null);
        double u0 = Bisect(u => G(u, Beta, J, 3), 0, 10);
        double z = Beta / (2 * DG(u0, Beta, J)), norm = Math.Sqrt(1 + z * z), ds = 0.05 * Math.Sqrt(37);
        double uP = u0 - ds * z / norm, hP = 6 - ds / norm;
        double u1 = Bisect(u => G(u, Beta, J, 0.5 * (hP - z * (u - uP))), uP - 0.5, uP + 0.5);
        double h1 = hP - z * (u1 - uP);
        Assert.That(h1, Is.LessThan(6).And.GreaterThan(0), "premise: one step down the branch");
        Assert.That(c.LowestField, Is.EqualTo(h1).Within(1e-9), "h0 after the first pseudo-arclength step");
    }

    /// <summary>
    /// A corrector tolerance far below rounding (1e-300: max |F_i| and the arclength defect of a double-precision iterate
    /// stay near 1e-16) is never met, so every corrector runs its twelve steps and fails, the arclength step is halved from
    /// 0.05 (1 + 6^2)^(1/2) until it falls below <see cref="TapNewton.MinArclengthStep"/> (22 halvings), and the branch is
    /// given up where it started: no accepted step, no fold, no zero-field solution, the lowest field the start field. A
    /// corrector without its bound of twelve steps would never return.
    /// </summary>
    [Test]
    public void ContinueInField_UnreachableTolerance_GivesUpAtTheStartAfterBoundedCorrectors()
    {
        var c = TapNewton.ContinueInField(Pair(J), Beta, new[] { 0.5, 0.5 }, 6, tolerance: 1e-300);
        Assert.That(c.Steps, Is.EqualTo(0));
        Assert.That(c.Folds, Is.EqualTo(0));
        Assert.That(c.AtZeroField, Is.Null);
        Assert.That(c.FirstFold, Is.Null);
        Assert.That(c.LowestField, Is.EqualTo(6));
        // the default tolerance on the same branch reaches h0 = 0 (the S-curve test below)
        Assert.That(TapNewton.ContinueInField(Pair(J), Beta, new[] { 0.5, 0.5 }, 6).AtZeroField, Is.Not.Null);
    }

    /// <summary>
    /// Strong couplings (|J_ij| up to 15 at beta = 1) drive branches into saturation, where a corrector step can take some
    /// |u_i| = |atanh m_i| beyond <see cref="TapNewton.MaxField"/> = 18 and m_i to 1 in double precision. Such a step fails
    /// (documented), so every point the continuation reports stays in the domain of <see cref="TapNewton.Solve"/>:
    /// |m_i| &lt; 1 and |atanh m_i| &lt;= 18 up to the rounding of m next to 1 (tanh 18 = 1 - 4.6e-16 rounds to
    /// 1 - 4.4e-16, whose atanh is 18.02; the next doubles up, 1 - 3.3e-16 and above, give 18.16 or more, so 18.1 separates
    /// them). Five of these 400 seeded instances saturate (counted with an instrumented build when the test was written);
    /// followed past the edge, two of them report a point at |m_i| = 1 or beyond |atanh m_i| = 18.1.
    /// </summary>
    [Test]
    public void ContinueInField_SaturatingBranches_ReportOnlyPointsInsideTheDomain()
    {
        var rng = new Random(1);
        int reported = 0;
        for (int trial = 0; trial < 400; trial++)
        {
            int n = 2 + rng.Next(3);
            var jj = new double[n * n];
            double scale = 15 * rng.NextDouble();
            for (int a = 0; a < n; a++)
                for (int b = a + 1; b < n; b++) jj[a * n + b] = jj[b * n + a] = (2 * rng.NextDouble() - 1) * scale;
            var xi = Enumerable.Range(0, n).Select(_ => Math.Round(2 * rng.NextDouble() - 1, 2)).ToArray();
            double start = 1 + 15 * rng.NextDouble();
            var c = TapNewton.ContinueInField(new DenseCoupling(n, jj), 1, xi, start);
            foreach (var m in new[] { c.FirstFold?.Magnetizations, c.AtZeroField?.Magnetizations })
            {
                if (m == null) continue;
                reported++;
                foreach (var mi in m)
                {
                    Assert.That(Math.Abs(mi), Is.LessThan(1), $"instance {trial}: |m| < 1");
                    Assert.That(Math.Abs(Math.Atanh(mi)), Is.LessThanOrEqualTo(TapNewton.MaxField + 0.1), $"instance {trial}: |u| <= MaxField");
                }
            }
        }
        Assert.That(reported, Is.GreaterThan(100), "premise: many reported points");
    }

    [Test]
    public void ContinueInField_SCurveOfTwoSpins_PassesTwoFoldsAndReachesZeroField()
    {
        // The symmetric solutions of two spins with beta J = 2 trace the S-shaped curve h(u) = G(u; h = 0) / beta:
        // increasing on (0, u_a), decreasing on (u_a, u_b), increasing beyond u_b, with h(u_b) > 0 (checked below). Followed
        // from h0 = 6 along xi = (1/2, 1/2) (field h = h0 / 2 per spin), the branch passes the lower fold h0 = 2 h(u_b),
        // turns back up along the middle part to the upper fold h0 = 2 h(u_a), and then falls to h0 = 0 at m = 0, the only
        // symmetric solution at zero field (h(u) > 0 for u > 0): exactly 2 folds. The first point past the first turning
        // point lies on the middle part, u_a < u < u_b and 2 h(u_b) < h0 < 2 h(u_a), and solves the TAP equations.
        var (ua, ub) = FoldsInU();
        double lower = 2 * FieldOf(ub), upper = 2 * FieldOf(ua);
        Assert.That(lower, Is.GreaterThan(0), "the lower fold lies at a positive field");
        var xi = new[] { 0.5, 0.5 };
        var c = TapNewton.ContinueInField(Pair(J), Beta, xi, 6);
        Assert.That(c.Folds, Is.EqualTo(2));
        Assert.That(c.Steps, Is.GreaterThanOrEqualTo(3), "two fold points and the crossing of h0 = 0 are accepted steps");
        Assert.That(c.LowestField, Is.EqualTo(0));
        var fold = c.FirstFold!;
        Assert.That(fold.Field, Is.InRange(lower, upper), "on the middle part");
        double uf = Atanh(fold.Magnetizations[0]);
        Assert.That(uf, Is.InRange(ua, ub));
        var h = xi.Select(x => fold.Field * x).ToArray();
        // the corrector stops at max |F_i| <= 1e-11; F through m = tanh u loses ~ 1e-16 / (1 - m^2) ~ 1e-15
        Assert.That(TapSolver.Residuals(Pair(J), Beta, h, fold.Magnetizations).Max(Math.Abs), Is.LessThan(1e-10), "TAP residual at the fold");
        var zero = c.AtZeroField!;
        Assert.That(zero.Converged, Is.True);
        Assert.That(zero.Magnetizations, Is.EqualTo(new[] { 0.0, 0.0 }).Within(1e-12), "m = 0 at h0 = 0");
        // The step that crosses h0 = 0 spans at most 1e-3 in h0 (longer ones are refused and shortened), and u(h0) is odd
        // near m = 0 (G is odd in u), so the linear interpolation to h0 = 0 errs by O(1e-9) and Newton's polish needs at
        // most one step (quadratic convergence: 1e-9 -> ~1e-18 < 1e-12) - a seed off by a fraction of the last step
        // (~ 1e-3 du/dh0 ~ 1e-4) would need more.
        Assert.That(zero.Iterations, Is.LessThanOrEqualTo(1), "accurate interpolation to h0 = 0");
    }

    [Test]
    public void ContinueInField_FromTheMiddlePart_FoldsOnceAndIsAbandonedAboveTwiceTheStartField()
    {
        // At beta J = 2 the start guess m = tanh(beta h) solves G = 0 exactly when beta J m (1 - beta J (1 - m^2)) = 0,
        // i.e. m^2 = 1 - 1/(beta J) = 1/2: with h0 = 2 atanh(sqrt(1/2)) (field h = atanh(sqrt(1/2)) per spin) the start is
        // the solution on the middle part (u_a < u < u_b, checked). Decreasing h0 there moves toward the lower fold, after
        // which the branch rises along the upper part without bound: one fold, h0 = 0 is never reached, and the branch is
        // abandoned once above 2 h0. Its lowest field is the lowest sampled point near the lower fold, 2 h(u_b) or above,
        // and below the start field; the fold point lies on the upper part (u > u_b) and solves the TAP equations.
        var (ua, ub) = FoldsInU();
        double um = Atanh(Math.Sqrt(0.5));
        Assert.That(um, Is.InRange(ua, ub), "the start is on the middle part");
        double lower = 2 * FieldOf(ub), start = 2 * um;
        var xi = new[] { 0.5, 0.5 };
        var c = TapNewton.ContinueInField(Pair(J), Beta, xi, start);
        Assert.That(c.AtZeroField, Is.Null);
        Assert.That(c.Folds, Is.EqualTo(1));
        Assert.That(c.LowestField, Is.InRange(lower, start));
        Assert.That(c.Steps, Is.LessThan(400), "abandoned once above 2 h0, not when the budget of 400 steps runs out");
        var fold = c.FirstFold!;
        Assert.That(Atanh(fold.Magnetizations[0]), Is.GreaterThan(ub), "past the fold on the upper part");
        Assert.That(fold.Field, Is.GreaterThanOrEqualTo(lower));
        var h = xi.Select(x => fold.Field * x).ToArray();
        Assert.That(TapSolver.Residuals(Pair(J), Beta, h, fold.Magnetizations).Max(Math.Abs), Is.LessThan(1e-10), "TAP residual at the fold");
    }
}
