using NUnit.Framework;
using NeuralSpin.SpinModel;
using NeuralSpin.Tap;

namespace NeuralSpin.Tests.Tap;

/// <summary>The damped TAP iteration (P2 24 with correct time indexes) and its fixed points (P1 20).</summary>
[TestFixture]
public class TapSolverTests
{
    const int SkSeed = 2001;
    const int FieldSeed = 2002;
    const int FrustratedSeed = 2003;
    const int StartSeed = 2004;

    [Test]
    public void StepUsesPreviousIterateOnlyInTheReactionPrefactor()
    {
        // Two spins, J_12 = a: next_1 = tanh(beta (h_1 + a c_2) - beta^2 p_1 a^2 (1 - c_2^2)), and symmetrically.
        const double a = 0.7, beta = 1.3;
        var j = new DenseCoupling(2, new[] { 0.0, a, a, 0.0 });
        double[] h = { 0.1, -0.2 }, previous = { 0.3, -0.6 }, current = { -0.4, 0.5 };
        var next = new double[2];
        TapSolver.Step(j, beta, h, previous, current, next);
        double e1 = Math.Tanh(beta * (h[0] + a * current[1]) - beta * beta * previous[0] * a * a * (1 - current[1] * current[1]));
        double e2 = Math.Tanh(beta * (h[1] + a * current[0]) - beta * beta * previous[1] * a * a * (1 - current[0] * current[0]));
        // A few double operations and one tanh: agreement to rounding.
        Assert.That(next[0], Is.EqualTo(e1).Within(1e-15));
        Assert.That(next[1], Is.EqualTo(e2).Within(1e-15));
    }

    [Test]
    public void SkParamagnetWithSmallFieldsConvergesToTapSolution()
    {
        const int n = 60;
        const double beta = 0.5;
        var j = DenseCoupling.SherringtonKirkpatrick(n, 1.0, new Random(SkSeed));
        var h = TapTestSupport.Normal(new Random(FieldSeed), n, 0.1);
        // Tolerance 1e-12 on the step: the residual at the last iterate is bounded by the Lipschitz constant of the
        // tanh argument, beta max_i sum_j |J_ij| + 3 beta^2 max_i d_i = 0.5 * 7.2 + 0.75 * 1.41 < 5 for this instance,
        // times the last two changes, i.e. < 1e-11, two orders below the 1e-9 asserted.
        var r = TapSolver.Solve(j, beta, new TapSolverOptions { Fields = h, Tolerance = 1e-12 });
        Assert.That(r.Converged, Is.True, $"{r}");
        Assert.That(r.FinalChange, Is.LessThanOrEqualTo(1e-12));
        Assert.That(r.MaxResidual, Is.LessThan(1e-9));
        Assert.That(TapSolver.MaxResidual(j, beta, h, r.Magnetizations), Is.EqualTo(r.MaxResidual));
        // The fields make the solution nontrivial (|m| ~ beta |h| ~ 0.05), so the residual check is not vacuous.
        Assert.That(r.Magnetizations.Max(Math.Abs), Is.GreaterThan(0.01));
        AssertStationary(j, beta, h, r.Magnetizations);
    }

    [TestCase(0.0)]
    [TestCase(0.5)]
    public void CurieWeissFerromagnetWithSmallFieldConvergesToTapSolution(double damping)
    {
        const int n = 60;
        const double beta = 1.0, j0 = 1.5, field = 0.01;
        var j = TapTestSupport.CurieWeiss(n, j0);
        var h = Enumerable.Repeat(field, n).ToArray();
        // Same Lipschitz argument as for SK (beta sum_j |J_ij| < 1.5 here); with damping gamma the residual gains
        // gamma/(1-gamma) * change/(1 - m^2) <~ 4e-12. 1e-12 keeps both far below 1e-9.
        var r = TapSolver.Solve(j, beta, new TapSolverOptions { Fields = h, Tolerance = 1e-12, Damping = damping });
        Assert.That(r.Converged, Is.True, $"{r}");
        Assert.That(r.MaxResidual, Is.LessThan(1e-9));
        // Ordered phase (beta J0 = 1.5 > 1), selected by the positive field: m ~ 0.86, uniform.
        Assert.That(r.Magnetizations.Min(), Is.GreaterThan(0.8));
        Assert.That(r.Magnetizations.Max() - r.Magnetizations.Min(), Is.LessThan(1e-12));
        AssertStationary(j, beta, h, r.Magnetizations);
    }

    /// <summary>dF/dm = T * residual is ~0, and F is flat to central differences (P1 19-20).</summary>
    static void AssertStationary(ISymmetricCoupling j, double beta, double[] h, double[] m)
    {
        var g = TapFreeEnergy.Gradient(j, beta, m, h);
        // dF/dm_i = T * (P1 20 residual) with T = 1/beta <= 2 and residual < 1e-9 (asserted above).
        Assert.That(g.Max(Math.Abs), Is.LessThan(1e-9 / beta));
        const double step = 1e-5;
        for (int i = 0; i < m.Length; i++)
        {
            var p = (double[])m.Clone(); p[i] += step;
            var q = (double[])m.Clone(); q[i] -= step;
            double fd = (TapFreeEnergy.Evaluate(j, beta, p, h) - TapFreeEnergy.Evaluate(j, beta, q, h)) / (2 * step);
            // |F| <~ 100 for N = 60 is rounded at ~1e-13, which over 2 step = 2e-5 is ~1e-8; truncation
            // step^2/6 |F'''| <~ 1e-10 * T * 2/(1 - m^2)^3 / 6 <~ 2e-9 for |m| < 0.87. So a stationary point shows |fd| < 1e-7.
            Assert.That(Math.Abs(fd), Is.LessThan(1e-7), $"component {i}");
        }
    }

    [Test]
    public void CurieWeissTapMagnetizationApproachesMeanFieldAtOrderOneOverN()
    {
        // J_ij = J0/N (i != j): the TAP solution is uniform and solves
        //   atanh m = beta (h + J0 (N-1)/N m) - beta^2 m J0^2 (N-1)/N^2 (1 - m^2),
        // which differs from mean field g(m) = atanh m - beta (h + J0 m) = 0 (docs/theory.md section 8) by
        // delta(m) = [beta J0 m + beta^2 J0^2 m (1 - m^2)]/N + O(1/N^2). Hence N (m_TAP - m_MF) -> c1 = -delta N / g'(m_MF).
        const double beta = 1.0, j0 = 1.5, field = 0.01;
        double mf = Bisect(m => Math.Atanh(m) - beta * (field + j0 * m), 0.3, 1 - 1e-12);
        double gPrime = 1 / (1 - mf * mf) - beta * j0;
        double c1 = -(beta * j0 * mf + beta * beta * j0 * j0 * mf * (1 - mf * mf)) / gPrime; // ~ -0.742

        var deviation = new Dictionary<int, double>();
        foreach (int n in new[] { 100, 400 })
        {
            var j = TapTestSupport.CurieWeiss(n, j0);
            var r = TapSolver.SolveOrThrow(j, beta, new TapSolverOptions
            {
                Fields = Enumerable.Repeat(field, n).ToArray(),
                InitialMagnetizations = Enumerable.Repeat(0.5, n).ToArray(),
                Tolerance = 1e-13,
            });
            double mTap = r.Magnetizations.Average();
            // The solver reproduces the exact scalar TAP root (Lipschitz bound as in the other fixed-point tests: < 1e-11).
            double scalarRoot = Bisect(m => Math.Atanh(m) - beta * (field + j0 * (n - 1.0) / n * m)
                                            + beta * beta * m * j0 * j0 * (n - 1.0) / ((double)n * n) * (1 - m * m), 0.3, 1 - 1e-12);
            Assert.That(mTap, Is.EqualTo(scalarRoot).Within(1e-10), $"N = {n}");
            deviation[n] = mTap - mf;
        }
        // Leading order: N (m_TAP - m_MF) = c1 (1 + O(1/N)); the next order is ~ +4.4/N relative (1.1% at N = 400, from
        // the second-order expansion), so 3% separates it from any O(1) mistake in the reaction or self-coupling terms.
        Assert.That(400 * deviation[400] / c1, Is.EqualTo(1.0).Within(0.03));
        // O(1/N) scaling: quadrupling N divides the deviation by 4 (times 1 + O(1/N): ~4.14 expected).
        Assert.That(deviation[100] / deviation[400], Is.InRange(3.7, 4.5));
    }

    static double Bisect(Func<double, double> f, double lo, double hi)
    {
        double flo = f(lo);
        Assert.That(flo * f(hi), Is.LessThan(0), "bisection needs a sign change");
        for (int k = 0; k < 200 && hi - lo > 1e-15; k++)
        {
            double mid = 0.5 * (lo + hi), fm = f(mid);
            if (flo * fm <= 0) hi = mid;
            else { lo = mid; flo = fm; }
        }
        return 0.5 * (lo + hi);
    }

    [Test]
    public void FrustratedSkWithTinyBudgetReportsNonConvergence()
    {
        const int n = 60;
        const double beta = 3.0;
        var j = DenseCoupling.SherringtonKirkpatrick(n, 1.0, new Random(FrustratedSeed));
        var options = new TapSolverOptions
        {
            InitialMagnetizations = TapTestSupport.Uniform(new Random(StartSeed), n, 0.5),
            MaxIterations = 5,
            Damping = 0,
        };
        var r = TapSolver.Solve(j, beta, options);
        Assert.That(r.Converged, Is.False);
        Assert.That(r.Iterations, Is.EqualTo(5));
        Assert.That(r.FinalChange, Is.GreaterThan(options.Tolerance));
        Assert.That(r.MaxResidual, Is.GreaterThan(1e-6));

        var ex = Assert.Throws<TapNotConvergedException>(() => TapSolver.SolveOrThrow(j, beta, options))!;
        Assert.That(ex.Message, Does.Contain("did not converge"));
        Assert.That(ex.Result.Converged, Is.False);
        Assert.That(ex.Result.Iterations, Is.EqualTo(5));

        // Not just a small budget: undamped, this instance settles into an oscillation (changes ~2 per step) and a
        // generous budget is reported as unconverged too.
        var longRun = TapSolver.Solve(j, beta, options with { MaxIterations = 2000 });
        Assert.That(longRun.Converged, Is.False);
        Assert.That(longRun.FinalChange, Is.GreaterThan(0.1));
    }

    [Test]
    public void DefaultsFromZeroWithoutFieldsStayAtParamagnet()
    {
        var j = TapTestSupport.SmallBondMatrix(SkSeed);
        var r = TapSolver.SolveOrThrow(j, 2.0);
        Assert.That(r.Converged, Is.True);
        Assert.That(r.Iterations, Is.EqualTo(1));
        Assert.That(r.Magnetizations, Is.All.EqualTo(0.0));
        Assert.That(r.MaxResidual, Is.EqualTo(0.0));
    }

    [Test]
    public void MagnetizationsStayInsideTheClamp()
    {
        // A huge field would give tanh = 1 exactly in double; the clamp keeps atanh (and the residual) finite.
        var j = new DenseCoupling(2, new[] { 0.0, 1.0, 1.0, 0.0 });
        var r = TapSolver.Solve(j, 1.0, new TapSolverOptions { Fields = new[] { 100.0, -100.0 } });
        Assert.That(r.Magnetizations.Max(Math.Abs), Is.LessThanOrEqualTo(1 - TapSolver.MagnetizationClamp));
        Assert.That(double.IsFinite(r.MaxResidual), Is.True);
    }

    [Test]
    public void InvalidOptionsAreRejected()
    {
        var j = TapTestSupport.SmallBondMatrix(SkSeed);
        Assert.Throws<ArgumentOutOfRangeException>(() => TapSolver.Solve(j, 1, new TapSolverOptions { Damping = 1.0 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => TapSolver.Solve(j, 1, new TapSolverOptions { Damping = -0.1 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => TapSolver.Solve(j, 1, new TapSolverOptions { Tolerance = 0 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => TapSolver.Solve(j, 1, new TapSolverOptions { MaxIterations = 0 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => TapSolver.Solve(j, double.NaN));
        Assert.Throws<ArgumentException>(() => TapSolver.Solve(j, 1, new TapSolverOptions { Fields = new double[3] }));
        Assert.Throws<ArgumentException>(() => TapSolver.Solve(j, 1, new TapSolverOptions { InitialMagnetizations = new double[2] }));
    }

    /// <summary>The root of f(x) = x + c tanh x - b by plain bisection (f is increasing: f' = 1 + c (1 - tanh^2 x) &gt;= 1),
    /// 200 halvings of [b - c - 1, b + c + 1], far past float64 resolution: the reference for one spin's update.</summary>
    static double SingleSpinRootByBisection(double b, double c)
    {
        double lo = b - c - 1, hi = b + c + 1;
        for (int i = 0; i < 200; i++)
        {
            double mid = 0.5 * (lo + hi);
            if (mid + c * Math.Tanh(mid) - b > 0) hi = mid; else lo = mid;
        }
        return Math.Clamp(Math.Tanh(0.5 * (lo + hi)), -(1 - TapSolver.MagnetizationClamp), 1 - TapSolver.MagnetizationClamp);
    }

    /// <summary>
    /// One spin's update in the sequential solver solves atanh m + c m = b (P1 20 with the other spins held fixed) to
    /// float64 accuracy, quickly. Expected: the bisection root above; m = tanh x with |dm/dx| = 1 - m^2 &lt;= 1, so the
    /// solver's stopping rule (step &lt;= 1e-15 (1 + |x|)) and tanh's rounding leave |m - m_ref| within 4e-15 (1 + |x|)
    /// at |x| &lt;= |b| + c. Speed: Newton converges quadratically once close, and the safeguard (bisection when a step
    /// leaves the bracket or fails to halve the step before) cuts its cycles between the flat tails of tanh: at most 15
    /// steps in 50,000 random cases (|b| from 0.01 to 100, c from 0.1 to 300, log-uniform; starts at the clamp or
    /// anywhere), 20,000 of which are drawn here besides the grid. Bisection alone needs about 50 (log2 of the bracket
    /// width 2c &gt;= 0.6 over 1e-15 is at least 49); without the halving test Newton cycles (c = 5 from the clamp: 100
    /// steps); with an open bracket, the saturated cases (b = 17.2 or -17.7, c = 0.4, root within an ulp of b -+ c)
    /// bisect for 44 steps; a halving test against the wrong step (b = 0.23, c = 193.54) takes 18, and one against the
    /// reciprocal step (b = -80.27, c = 67.24) cycles. The bound 16 catches a Newton step that is wrong or never taken and
    /// a safeguard that is missing or misplaced.
    /// </summary>
    [Test]
    public void SolveSingle_ConvergesToTheRootInAFewNewtonSteps()
    {
        const double edge = 1 - TapSolver.MagnetizationClamp;
        var cases = (from b in new[] { -20, -3, -0.5, 0, 0.1, 2, 30 }
                     from c in new[] { 0.3, 1, 5, 50 }
                     from start in new[] { -edge, -0.5, 0, 0.7, edge }
                     select (b, c, start))
            .Concat([(17.2, 0.4, edge), (-17.7, 0.4, -edge), (0.23, 193.54, -edge), (-80.27, 67.24, -edge)])
            .Concat(RandomSingleSpinCases(new Random(2005), 20_000));
        int worst = 0;
        foreach (var (b, c, start) in cases)
        {
            double m = TapSolver.SolveSingle(b, c, start, out int iterations);
            double expected = SingleSpinRootByBisection(b, c);
            Assert.That(m, Is.EqualTo(expected).Within(4e-15 * (1 + Math.Abs(b) + c)), $"b {b}, c {c}, start {start}");
            Assert.That(iterations, Is.LessThanOrEqualTo(16), $"b {b}, c {c}, start {start}: Newton steps");
            // a start that is not the root (f != 0 at the start clamped into the bracket [b - c, b + c]) takes at least
            // one step, and the count reports it
            double x0 = Math.Clamp(Math.Atanh(start), b - c, b + c);
            if (x0 + c * Math.Tanh(x0) - b != 0)
                Assert.That(iterations, Is.GreaterThanOrEqualTo(1), $"b {b}, c {c}, start {start}: a step was taken");
            worst = Math.Max(worst, iterations);
        }
        TestContext.Out.WriteLine($"most steps: {worst}");
        Assert.That(worst, Is.GreaterThanOrEqualTo(5), "the hard cases (c of a few, starts at the far edge) take several steps");
        Assert.That(TapSolver.SolveSingle(0.4, 0, 0.9, out _), Is.EqualTo(Math.Tanh(0.4)).Within(1e-16), "c = 0: m = tanh b");
    }

    static IEnumerable<(double B, double C, double Start)> RandomSingleSpinCases(Random rng, int count)
    {
        const double edge = 1 - TapSolver.MagnetizationClamp;
        for (int i = 0; i < count; i++)
        {
            double b = (rng.Next(2) == 0 ? -1 : 1) * Math.Pow(10, -2 + 4 * rng.NextDouble());
            double c = Math.Pow(10, -1 + 3.5 * rng.NextDouble());
            double start = rng.Next(3) switch { 0 => -edge, 1 => edge, _ => (2 * rng.NextDouble() - 1) * edge };
            yield return (b, c, start);
        }
    }

    /// <summary>
    /// One sweep of the sequential solver on two spins, J_01 = J, h = (0, h1), from m = (0, 0): spin 0 sees no field
    /// (b = 0) and stays at 0; spin 1 then solves atanh m + beta^2 J^2 (1 - 0^2) m = beta h1, its reaction term carrying
    /// spin 0's 1 - m_0^2 = 1 although spin 0 did not move. Expected: that root by bisection (the reference above),
    /// to 1e-14. Run to convergence, the sweeps end well inside the budget at a TAP solution (residual below 1e-9).
    /// </summary>
    [Test]
    public void Sequential_OneSweepOnTwoSpins_SolvesEachSpinsOwnEquation()
    {
        double coupling = 0.8, h1 = 0.6, beta = 1.2;
        var j = new DenseCoupling(2, [0, coupling, coupling, 0]);
        var one = TapSolver.SolveSequential(j, beta, new TapSolverOptions { Fields = [0, h1], MaxIterations = 1 });
        Assert.That(one.Magnetizations[0], Is.EqualTo(0), "spin 0: no field, no move");
        double expected = SingleSpinRootByBisection(beta * h1, beta * beta * coupling * coupling);
        Assert.That(one.Magnetizations[1], Is.EqualTo(expected).Within(1e-14), "spin 1: its own equation with 1 - m_0^2 = 1");
        var full = TapSolver.SolveSequential(j, beta, new TapSolverOptions { Fields = [0, h1] });
        Assert.That(full.Converged, Is.True);
        Assert.That(full.Iterations, Is.LessThan(100), "a contraction on two spins converges in tens of sweeps, not the 10,000 budget");
        Assert.That(full.MaxResidual, Is.LessThan(1e-9), "a TAP solution (P1 20)");
    }

    /// <summary>The documented valid edges: beta = 0 (m = tanh 0 = 0 whatever the fields, since atanh m = 0 at a TAP
    /// solution) and a budget of one iteration; a zero tolerance is rejected by both solvers.</summary>
    [Test]
    public void ValidEdges_BetaZeroAndOneIteration_AreAccepted()
    {
        var j = TapTestSupport.SmallBondMatrix(SkSeed);
        var h = Enumerable.Range(0, j.Size).Select(i => 0.1 * (i - 4)).ToArray();
        var par = TapSolver.Solve(j, 0, new TapSolverOptions { Fields = h });
        var seq = TapSolver.SolveSequential(j, 0, new TapSolverOptions { Fields = h });
        Assert.That(par.Magnetizations, Is.All.EqualTo(0), "parallel, beta = 0");
        Assert.That(seq.Magnetizations, Is.All.EqualTo(0), "sequential, beta = 0");
        Assert.That(TapSolver.Solve(j, 1, new TapSolverOptions { MaxIterations = 1 }).Iterations, Is.EqualTo(1));
        Assert.That(TapSolver.SolveSequential(j, 1, new TapSolverOptions { MaxIterations = 1 }).Iterations, Is.EqualTo(1));
        Assert.Throws<ArgumentOutOfRangeException>(() => TapSolver.SolveSequential(j, 1, new TapSolverOptions { Tolerance = 0 }));
    }
}
