using NUnit.Framework;
using NeuralSpin.Ising;
using NeuralSpin.Tests.Support;

namespace NeuralSpin.Tests.Ising;

/// <summary>Belief propagation (P2 14-16) and the Bethe free energy (docs/theory.md section 7) against 2^N enumeration.</summary>
[TestFixture]
public class BpTests
{
    const int TreeSeed = 3101;
    const int ForestSeed = 3102;
    const int SkSeed = 3103;
    const int DerivativeSeed = 3104;
    const int DampingSeed = 3105;
    const int FrustratedSeed = 3106;
    const int ScheduleSeed = 3107;

    // On a tree BP is exact and reaches its fixed point after (diameter) sweeps; we stop at a residual of 1e-13, so messages
    // carry ~1e-13 errors and the observables (sums of O(N) terms of size O(1)) carry ~N * 1e-15 rounding. 1e-10 leaves
    // three orders of margin while any wrong factor (beta, 1/2, a sign) shows at the 1e-2 level.
    const double TreeTolerance = 1e-10;

    static BpOptions Tight => new() { Tolerance = 1e-13, MaxIterations = 1000 };

    static void AssertMatchesEnumeration(IsingModel model, BpResult bp, BpTestSupport.Exact exact, double tol, string what)
    {
        Assert.That(bp.Converged, Is.True, $"{what}: BP did not converge (residual {bp.FinalChange:G3})");
        NumericAssert.AllEqual(exact.Magnetizations, bp.Magnetizations, tol, 0, $"{what}: m");
        foreach (var p in bp.Pairs)
        {
            NumericAssert.AreEqualAbsolute(exact.Correlation(p.I, p.J), p.Correlation, tol, $"{what}: <s_{p.I} s_{p.J}>");
            double conn = exact.Correlation(p.I, p.J) - exact.Magnetizations[p.I] * exact.Magnetizations[p.J];
            NumericAssert.AreEqualAbsolute(conn, p.Connected, tol, $"{what}: connected C_{p.I}{p.J}");
        }
        NumericAssert.AreEqualAbsolute(exact.LnZ, bp.LnZ, tol, $"{what}: ln Z");
        NumericAssert.AreEqualAbsolute(exact.Energy, bp.Energy, tol, $"{what}: <E>");
        NumericAssert.AreEqualAbsolute(exact.Entropy, bp.Entropy, tol, $"{what}: S");
    }

    [Test]
    public void CavityBias_EqualsAtanhOfTanhProduct_AndStaysFiniteWhenSaturated()
    {
        // u = atanh(tanh K tanh h) (P2 14); the log-cosh branch is used for |tanh K tanh h| >= 1/2.
        foreach (double k in new[] { -2.0, -0.7, -0.1, 0.0, 0.3, 1.1, 2.5 })
            foreach (double h in new[] { -3.0, -0.9, -0.05, 0.0, 0.4, 1.3, 4.0 })
                // atanh near |p| = 0.99 amplifies the rounding of p by 1/(1 - p^2) ~ 50: 1e-13 is safe.
                NumericAssert.AreEqual(Math.Atanh(Math.Tanh(k) * Math.Tanh(h)), BeliefPropagation.CavityBias(k, h), 1e-13, 1e-13, $"u({k},{h})");
        // Saturated: tanh(40) tanh(40) rounds to 1 and atanh would be infinite; the exact value is
        // [ln cosh 80 - ln cosh 0] / 2 = 40 - ln(2)/2 (and [ln cosh 20 - ln cosh 100] / 2 = -40 below, the ln 2 cancelling).
        Assert.That(BeliefPropagation.CavityBias(40, 40), Is.EqualTo(40.0 - Math.Log(2) / 2).Within(1e-12));
        Assert.That(BeliefPropagation.CavityBias(-40, 60), Is.EqualTo(-40.0).Within(1e-12));
        Assert.That(BeliefPropagation.LnCosh(1000), Is.EqualTo(1000 - Math.Log(2)).Within(1e-12));
    }

    [TestCase(10, 0.7)]
    [TestCase(11, 1.6)]
    [TestCase(12, 2.3)]
    public void Bp_OnRandomTrees_EqualsEnumeration(int n, double beta)
    {
        var r = new Random(TreeSeed + n);
        for (int rep = 0; rep < 3; rep++)
        {
            var model = BpTestSupport.RandomTree(r, n, jMax: 1.5, hMax: 1.0, beta);
            var exact = BpTestSupport.Enumerate(model);
            AssertMatchesEnumeration(model, BeliefPropagation.Run(model, Tight), exact, TreeTolerance, $"tree N={n} rep {rep} sync");
            var seq = BeliefPropagation.Run(model, Tight with { Schedule = BpSchedule.RandomSequential, Seed = rep });
            AssertMatchesEnumeration(model, seq, exact, TreeTolerance, $"tree N={n} rep {rep} random-sequential");
            // -beta F = ln Z and S = beta (<E> - F) (docs/theory.md section 7 with beta restored)
            var bp = BeliefPropagation.Run(model, Tight);
            NumericAssert.AreEqualAbsolute(-beta * bp.FreeEnergy, bp.LnZ, 1e-12, "-beta F = ln Z");
            NumericAssert.AreEqualAbsolute(beta * (bp.Energy - bp.FreeEnergy), bp.Entropy, 1e-11, "S = beta(<E> - F)");
            Assert.That(bp.Pairs, Has.Count.EqualTo(n - 1), "a tree has N - 1 coupled pairs");
        }
    }

    [Test]
    public void Bp_OnForests_EqualsEnumeration()
    {
        var r = new Random(ForestSeed);
        for (int rep = 0; rep < 4; rep++)
        {
            var model = BpTestSupport.RandomTree(r, 12, jMax: 2.0, hMax: 1.5, beta: 0.9, dropEdges: 1 + rep);
            AssertMatchesEnumeration(model, BeliefPropagation.Run(model, Tight), BpTestSupport.Enumerate(model), TreeTolerance, $"forest rep {rep}");
        }
    }

    [Test]
    public void Bp_OnTreeWithExtraFields_EqualsEnumerationOfTiltedMeasure()
    {
        // P_a(s) ∝ exp(-beta E + a.s): ln Z and S are those of P_a, <E> is the model energy.
        var r = new Random(TreeSeed);
        var model = BpTestSupport.RandomTree(r, 11, 1.2, 0.8, beta: 1.3);
        var a = Enumerable.Range(0, 11).Select(_ => 2 * r.NextDouble() - 1).ToArray();
        var bp = BeliefPropagation.Run(model, Tight with { ExtraFields = a });
        AssertMatchesEnumeration(model, bp, BpTestSupport.Enumerate(model, a), TreeTolerance, "tilted tree");
    }

    [Test]
    public void Bp_WithoutCouplings_IsIndependentSpins()
    {
        double[] h = { 0.3, -1.2, 0.0, 2.0 };
        var model = new IsingModel(4, new double[16], h, beta: 0.5);
        var bp = BeliefPropagation.RunOrThrow(model);
        Assert.That(bp.Iterations, Is.EqualTo(0));
        Assert.That(bp.Pairs, Is.Empty);
        for (int i = 0; i < 4; i++) Assert.That(bp.Magnetizations[i], Is.EqualTo(Math.Tanh(0.5 * h[i])).Within(1e-15));
        Assert.That(bp.LnZ, Is.EqualTo(h.Sum(v => Math.Log(2 * Math.Cosh(0.5 * v)))).Within(1e-14));
    }

    [Test]
    public void PairCorrelation_EqualsNotationClosedForm()
    {
        // <s_i s_j> = (t + m_{i->j} m_{j->i}) / (1 + t m_{i->j} m_{j->i}), t = tanh(beta J_ij), m_{i->j} = tanh h_{i->j} (P2 16)
        var r = new Random(SkSeed);
        var model = BpTestSupport.Sk(r, 8, 0.6, 0.5, beta: 1.4);
        var bp = BeliefPropagation.RunOrThrow(model, Tight);
        var msg = bp.Messages;
        int Edge(int from, int to) => Enumerable.Range(0, msg.Count).Single(e => msg.From[e] == from && msg.To[e] == to);
        foreach (var p in bp.Pairs)
        {
            double t = Math.Tanh(model.Beta * model.Coupling(p.I, p.J));
            double m1 = Math.Tanh(msg.CavityFields[Edge(p.I, p.J)]), m2 = Math.Tanh(msg.CavityFields[Edge(p.J, p.I)]);
            Assert.That(p.Correlation, Is.EqualTo((t + m1 * m2) / (1 + t * m1 * m2)).Within(1e-14));
        }
    }

    /// <summary>
    /// On a loopy graph BP is not exact. For SK couplings J_ij = J0 g_ij / sqrt(N) the error of m and of ln Z comes from
    /// the shortest loops (triangles, weight t_ij t_jk t_ki) and is O(J0^3); the raw correlation of a coupled pair misses
    /// the two-step paths i-k-j that close a loop with the direct edge, an O(J0^2) error. We check absolute bounds at
    /// J0 = 0.2 and the scaling on halving J0: ratio ~8 for m and ln Z (accepted 5.5..11), ~4 for the correlations
    /// (accepted 3..5.5). A wrong factor in the messages would give an O(J0) error (ratio 2).
    /// </summary>
    [Test]
    public void Bp_OnWeaklyCoupledSk_IsCloseWithLoopSizedErrors()
    {
        var r = new Random(SkSeed);
        const int n = 12;
        var shape = BpTestSupport.Sk(r, n, 1.0, 0.5, beta: 1.0);
        (double M, double LnZ, double C) Errors(double j0)
        {
            var j = shape.CouplingsCopy().Select(v => v * j0).ToArray();
            var model = new IsingModel(n, j, shape.FieldsCopy(), beta: 1.0);
            var bp = BeliefPropagation.RunOrThrow(model, Tight);
            var exact = BpTestSupport.Enumerate(model);
            double em = 0, ec = 0;
            for (int i = 0; i < n; i++) em = Math.Max(em, Math.Abs(bp.Magnetizations[i] - exact.Magnetizations[i]));
            foreach (var p in bp.Pairs) ec = Math.Max(ec, Math.Abs(p.Correlation - exact.Correlation(p.I, p.J)));
            return (em, Math.Abs(bp.LnZ - exact.LnZ), ec);
        }
        var e2 = Errors(0.2);
        var e1 = Errors(0.1);
        TestContext.Out.WriteLine($"SK N={n}, J0=0.2: |dm| {e2.M:G3}, |dlnZ| {e2.LnZ:G3}, |dC| {e2.C:G3}; " +
                                  $"ratios to J0=0.1: {e2.M / e1.M:G3}, {e2.LnZ / e1.LnZ:G3}, {e2.C / e1.C:G3}");
        // Scale of the bounds: J_ij ~ 0.06; a triangle weighs ~2e-4 and a spin sits in 55 triangles with random signs;
        // a two-step path weighs ~3.5e-3 and a pair has 10 of them.
        Assert.That(e2.M, Is.LessThan(2e-3), "m");
        Assert.That(e2.LnZ, Is.LessThan(2e-3), "ln Z");
        Assert.That(e2.C, Is.LessThan(5e-2), "<s_i s_j>");
        Assert.That(e2.M / e1.M, Is.InRange(5.5, 11.0), "m error ~ J0^3");
        Assert.That(e2.LnZ / e1.LnZ, Is.InRange(5.5, 11.0), "ln Z error ~ J0^3");
        Assert.That(e2.C / e1.C, Is.InRange(3.0, 5.5), "correlation error ~ J0^2");
    }

    /// <summary>
    /// At a BP fixed point the Bethe free energy is stationary in the messages, so its total derivative in a parameter is
    /// the explicit one: dF/dh_i = -m_i and dF/dJ_ij = -&lt;s_i s_j&gt;_BP exactly, on loopy graphs too. Central differences
    /// with step 1e-5: truncation F''' eps^2 / 6 ~ 1e-10 for O(1) third derivatives (beta &lt;= 1, N = 10), rounding
    /// |F| 1e-16 / 1e-5 ~ 1e-10, message error (1e-14 residual) enters at second order; tolerance 1e-7.
    /// </summary>
    [TestCase(false)]
    [TestCase(true)]
    public void BetheFreeEnergy_DerivativesAreMinusMagnetizationsAndCorrelations(bool loopy)
    {
        var r = new Random(DerivativeSeed);
        const int n = 10;
        const double beta = 0.8, eps = 1e-5;
        var model = loopy ? BpTestSupport.Sk(r, n, 0.9, 0.6, beta) : BpTestSupport.RandomTree(r, n, 1.2, 0.6, beta);
        var opts = new BpOptions { Tolerance = 1e-14, MaxIterations = 5000 };
        var bp = BeliefPropagation.RunOrThrow(model, opts);
        var warm = opts with { InitialMessages = bp.Messages };
        for (int i = 0; i < n; i++)
        {
            var hp = model.FieldsCopy(); hp[i] += eps;
            var hm = model.FieldsCopy(); hm[i] -= eps;
            double fp = BeliefPropagation.RunOrThrow(model.WithFields(hp), warm).FreeEnergy;
            double fm = BeliefPropagation.RunOrThrow(model.WithFields(hm), warm).FreeEnergy;
            NumericAssert.AreEqualAbsolute(-bp.Magnetizations[i], (fp - fm) / (2 * eps), 1e-7, $"dF/dh_{i}");
        }
        foreach (var p in bp.Pairs.Take(12))
        {
            double Shifted(double delta)
            {
                var j = model.CouplingsCopy();
                j[p.I * n + p.J] += delta; j[p.J * n + p.I] += delta;
                return BeliefPropagation.RunOrThrow(new IsingModel(n, j, model.FieldsCopy(), beta), warm).FreeEnergy;
            }
            NumericAssert.AreEqualAbsolute(-p.Correlation, (Shifted(eps) - Shifted(-eps)) / (2 * eps), 1e-7, $"dF/dJ_{p.I}{p.J}");
        }
    }

    /// <summary>
    /// KNOWN SLIP (c) of the paper's public code: BP damping that is accepted but never applied. One damped sweep must
    /// give exactly 0.5 * (undamped sweep) + 0.5 * (start); code that ignores the damping fails the first assertion.
    /// </summary>
    [Test]
    public void KnownSlip_BpDampingNeverDamps_OneDampedSweepIsHalfUndampedPlusHalfStart()
    {
        var r = new Random(DampingSeed);
        var model = BpTestSupport.Sk(r, 10, 0.8, 0.5, beta: 1.0);
        var start = BeliefPropagation.Run(model, new BpOptions { MaxIterations = 1 }).Messages; // non-trivial start
        // One sweep from the same start: the damped messages must be exactly (1 - d) F(h) + d h. A damping parameter that is
        // accepted but never applied (the slip in the paper's public code) fails here.
        var undamped = BeliefPropagation.Run(model, new BpOptions { MaxIterations = 1, InitialMessages = start });
        var damped = BeliefPropagation.Run(model, new BpOptions { MaxIterations = 1, InitialMessages = start, Damping = 0.5 });
        double maxDiff = 0;
        for (int e = 0; e < start.Count; e++)
        {
            double expected = 0.5 * undamped.Messages.CavityFields[e] + 0.5 * start.CavityFields[e];
            Assert.That(damped.Messages.CavityFields[e], Is.EqualTo(expected).Within(1e-15), $"edge {e}");
            maxDiff = Math.Max(maxDiff, Math.Abs(damped.Messages.CavityFields[e] - undamped.Messages.CavityFields[e]));
        }
        Assert.That(maxDiff, Is.GreaterThan(1e-3), "damping must change the trajectory");
        // The residual is measured before damping, so it is the same for both after one sweep from the same start.
        Assert.That(damped.FinalChange, Is.EqualTo(undamped.FinalChange).Within(1e-15));

        // Both converge to the same fixed point; damping slows this contracting iteration down.
        var full0 = BeliefPropagation.RunOrThrow(model, Tight);
        var full5 = BeliefPropagation.RunOrThrow(model, Tight with { Damping = 0.5 });
        Assert.That(full5.Iterations, Is.Not.EqualTo(full0.Iterations));
        // Residual 1e-13 and a contraction rate bounded away from 1: the two limits agree to ~1e-12.
        NumericAssert.AllEqual(full0.Messages.CavityFields, full5.Messages.CavityFields, 1e-11, 0, "fixed point");
        NumericAssert.AllEqual(full0.Magnetizations, full5.Magnetizations, 1e-11, 0, "m");
    }

    [Test]
    public void NonConvergence_IsReported_AndRunOrThrowThrows()
    {
        // A strongly frustrated dense model (SK, J0 = 3, small fields so that m = 0 is not a fixed point) with a budget of
        // 5 sweeps and tolerance 1e-12.
        var model = BpTestSupport.Sk(new Random(FrustratedSeed), 12, 3.0, 0.3, beta: 1.0);
        var opts = new BpOptions { MaxIterations = 5, Tolerance = 1e-12 };
        var r = BeliefPropagation.Run(model, opts);
        Assert.That(r.Converged, Is.False);
        Assert.That(r.Iterations, Is.EqualTo(5));
        Assert.That(r.FinalChange, Is.GreaterThan(opts.Tolerance));
        var ex = Assert.Throws<BpNotConvergedException>(() => BeliefPropagation.RunOrThrow(model, opts))!;
        Assert.That(ex.Result.Converged, Is.False);
        Assert.That(ex.Message, Does.Contain("did not converge"));
    }

    [Test]
    public void RandomSequential_IsSeeded_AndReachesTheSynchronousFixedPoint()
    {
        var model = BpTestSupport.Sk(new Random(ScheduleSeed), 12, 0.7, 0.4, beta: 1.0);
        var sync = BeliefPropagation.RunOrThrow(model, Tight);
        var a = BeliefPropagation.RunOrThrow(model, Tight with { Schedule = BpSchedule.RandomSequential, Seed = 7 });
        var b = BeliefPropagation.RunOrThrow(model, Tight with { Schedule = BpSchedule.RandomSequential, Seed = 7 });
        Assert.That(a.Messages.CavityFields, Is.EqualTo(b.Messages.CavityFields), "same seed, same result (bitwise)");
        NumericAssert.AllEqual(sync.Magnetizations, a.Magnetizations, 1e-11, 0, "m");
    }

    [Test]
    public void LargeDenseModel_ParallelSynchronousSweep_ReachesTheSequentialFixedPoint()
    {
        // 150 spins, all pairs coupled: 22,350 directed edges, above ParallelEdgeThreshold, so the synchronous sweep runs its
        // spins in parallel while the random sequential schedule runs serially. Both must land on the same BP fixed point
        // (weak SK couplings, J = 0.3: unique and attracting), m to 1e-10 (tolerance 1e-12 on the messages, times the
        // O(1) Lipschitz constant of tanh), and the returned messages must satisfy P2 14 recomputed here edge by edge.
        var model = BpTestSupport.Sk(new Random(ScheduleSeed + 1), 150, 0.3, 0.4, beta: 1.0);
        var edges = BeliefPropagation.DirectedEdges(model);
        Assert.That(edges.From.Length, Is.GreaterThanOrEqualTo(BeliefPropagation.ParallelEdgeThreshold));
        var sync = BeliefPropagation.RunOrThrow(model, Tight);
        var seq = BeliefPropagation.RunOrThrow(model, Tight with { Schedule = BpSchedule.RandomSequential, Seed = 3 });
        NumericAssert.AllEqual(seq.Magnetizations, sync.Magnetizations, 1e-10, 0, "m");
        var h = sync.Messages.CavityFields;
        var index = new Dictionary<(int, int), int>();
        for (int e = 0; e < h.Length; e++) index[(edges.From[e], edges.To[e])] = e;
        double worst = 0;
        for (int e = 0; e < h.Length; e++)
        {
            int i = edges.From[e], j = edges.To[e];
            double field = model.Field(i);
            for (int k = 0; k < model.Size; k++)
                if (k != i && k != j) field += BeliefPropagation.CavityBias(model.Coupling(k, i), h[index[(k, i)]]);
            worst = Math.Max(worst, Math.Abs(field - h[e]));
        }
        Assert.That(worst, Is.LessThan(1e-10), "fixed-point residual of P2 14");
    }

    [Test]
    public void WarmStart_FromFixedPoint_ConvergesInOneSweep()
    {
        var model = BpTestSupport.Sk(new Random(ScheduleSeed), 12, 0.7, 0.4, beta: 1.0);
        var cold = BeliefPropagation.RunOrThrow(model, Tight);
        var warm = BeliefPropagation.RunOrThrow(model, Tight with { InitialMessages = cold.Messages });
        Assert.That(cold.Iterations, Is.GreaterThan(3));
        Assert.That(warm.Iterations, Is.EqualTo(1));
    }

    [Test]
    public void InvalidOptions_AreRejected()
    {
        var model = BpTestSupport.Sk(new Random(ScheduleSeed), 5, 0.7, 0.4, beta: 1.0);
        Assert.Throws<ArgumentOutOfRangeException>(() => BeliefPropagation.Run(model, new BpOptions { Damping = 1.0 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => BeliefPropagation.Run(model, new BpOptions { Damping = -0.1 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => BeliefPropagation.Run(model, new BpOptions { Tolerance = 0 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => BeliefPropagation.Run(model, new BpOptions { MaxIterations = 0 }));
        Assert.Throws<ArgumentException>(() => BeliefPropagation.Run(model, new BpOptions { ExtraFields = new double[4] }));
        var other = BpTestSupport.RandomTree(new Random(1), 5, 1, 1, 1);
        var foreign = BeliefPropagation.Run(other).Messages;
        Assert.Throws<ArgumentException>(() => BeliefPropagation.Run(model, new BpOptions { InitialMessages = foreign }));
    }
}
