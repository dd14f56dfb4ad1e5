using MathNet.Numerics.LinearAlgebra;
using NUnit.Framework;
using NeuralSpin.Classic;
using NeuralSpin.Ising;
using NeuralSpin.Numerics;
using NeuralSpin.SpinModel;
using NeuralSpin.Tap;
using NeuralSpin.Tests.Support;

namespace NeuralSpin.Tests.Classic;

/// <summary>TAP solutions of SK instances (docs/theory.md section 3) and the sequential TAP solver.</summary>
[TestFixture]
public class SkTapSolutionsTests
{
    const long TapSeed = 8301;

    [Test]
    public void AboveTc_OnlyTheParamagnetSurvives()
    {
        // T = 1.3 J, 1.6 J: every start of the damped TAP iteration (P2 24 with the correct Onsager term) converges to
        // m = 0 (q_EA = 0 to the iteration tolerance 1e-10), one distinct solution, Plefka's x_P = 1 - beta^2 (exact at m = 0,
        // 1e-12 for the clamp and rounding), RS q = 0.
        var inst = SkInstances.Draw(60, 1.0, TapSeed);
        var rows = SkTapSolutions.Scan(inst, new[] { 1.3, 1.6 }, new TapFixedPointOptions { Starts = 12, Seed = 5 }, parallelism: 2);
        foreach (var r in rows)
        {
            Assert.That(r.Converged, Is.EqualTo(12), $"T = {r.Temperature}: all starts converge");
            Assert.That(r.NotConverged, Is.EqualTo(0));
            Assert.That(r.Distinct, Is.EqualTo(1), "one solution");
            Assert.That(r.NonTrivial, Is.EqualTo(0), "the paramagnet");
            Assert.That(r.QeaLowest, Is.EqualTo(0.0));
            NumericAssert.AreEqualAbsolute(1 - 1 / (r.Temperature * r.Temperature), r.PlefkaLowest, 1e-12, "x_P at m = 0");
            Assert.That(r.ReplicaSymmetricQ, Is.EqualTo(0.0));
        }
    }

    [Test]
    public void BelowTc_TheParamagnetStaysLocallyStable_ButViolatesPlefka()
    {
        // At finite N the curve lambda_min(beta) of I - M stays positive (its minimum is O(N^-2/3) > 0 for most instances),
        // so m = 0 is a locally stable TAP solution also below T_c, and the parallel iteration reaching it there is no
        // bug; the TAP expansion, however, is valid only where x_P = 1 - beta^2 (1/N) sum (1 - m_i^2)^2 >= 0, and the
        // paramagnet has x_P = 1 - beta^2 < 0 for T < J. Checked on a seeded N = 60 instance at T = 0.9.
        var inst = SkInstances.Draw(60, 1.0, TapSeed);
        double beta = 1 / 0.9;
        var pt = SkLinearizedTap.Curve(inst, new[] { beta })[0];
        Assert.That(pt.Value, Is.GreaterThan(0), "I - M(beta) positive definite for this instance");
        var r = TapSolver.Solve(inst.Coupling, beta, new TapSolverOptions { InitialMagnetizations = Enumerable.Repeat(0.01, 60).ToArray(), Damping = 0.5 });
        Assert.That(r.Converged, Is.True);
        Assert.That(SkTapSolutions.EdwardsAnderson(r.Magnetizations), Is.LessThan(1e-16), "a small start decays to m = 0");
        NumericAssert.AreEqualAbsolute(1 - beta * beta, SkTapSolutions.Plefka(r.Magnetizations, beta), 1e-12, "x_P = 1 - beta^2 < 0");
    }

    [Test]
    public void EdwardsAndersonAndPlefka_Definitions()
    {
        var m = new[] { 0.5, -0.5, 1.0, 0.0 };
        NumericAssert.AreEqualAbsolute((0.25 + 0.25 + 1 + 0) / 4, SkTapSolutions.EdwardsAnderson(m), 1e-15, "q_EA = mean m^2");
        // (1 - m^2)^2 = 0.5625, 0.5625, 0, 1 -> mean 0.53125; x_P = 1 - 4 * 0.53125 at beta = 2
        NumericAssert.AreEqualAbsolute(1 - 4 * 0.53125, SkTapSolutions.Plefka(m, 2), 1e-15, "x_P");
        NumericAssert.AreEqualAbsolute(1 - 4 * 9 * 0.53125, SkTapSolutions.Plefka(m, 2, 3), 1e-13, "x_P carries J^2");
    }

    /// <summary>
    /// The homogeneous solution m_i = m of the TAP equations (P1 20) of <see cref="MeanFieldInstances.CurieWeissInstance"/>, found
    /// by bisection in [lo, hi] on g(m) = tanh(beta h + beta J0 (N-1)/N m - beta^2 m (N-1) (J0/N)^2 (1 - m^2)) - m: every spin
    /// sees the same local field when all m_j are equal. Written here from the equation, independently of the solvers.
    /// </summary>
    static double HomogeneousRoot(int n, double j0, double h, double beta, double lo, double hi)
    {
        double G(double m) => Math.Tanh(beta * h + beta * j0 * (n - 1) / n * m - beta * beta * m * (n - 1) * (j0 / n) * (j0 / n) * (1 - m * m)) - m;
        double glo = G(lo);
        Assert.That(glo * G(hi), Is.LessThan(0), "the bracket holds a root");
        for (int k = 0; k < 200 && hi - lo > 1e-15; k++)
        {
            double mid = 0.5 * (lo + hi), g = G(mid);
            if (g * glo > 0) { lo = mid; glo = g; } else hi = mid;
        }
        return 0.5 * (lo + hi);
    }

    [Test]
    public void Scan_BelowTheFerromagneticTransition_SummarisesTheSolutionsFound()
    {
        // Curie-Weiss J0 = 2, h = 0.05, T = 1, N = 50: the damped iteration from random starts ends at the two stable
        // homogeneous solutions, m+ along the field and the metastable m- against it (well inside the spinodal |h| < 0.53).
        // The summary against the bisection roots: two distinct non-trivial solutions, q_EA of the lowest-F one (m+) and the
        // largest q_EA both m+^2, the mean (m+^2 + m-^2)/2, F/N of m+ below that of m-, and x_P = 1 - beta^2 (1 - m+^2)^2.
        // 1e-9: the iteration stops at max|dm| <= 1e-10 and the map contracts by beta J0 (1 - m^2) < 0.2 there.
        const int n = 50;
        var inst = MeanFieldInstances.CurieWeissInstance(n, 2, 0.05);
        double mPlus = HomogeneousRoot(n, 2, 0.05, 1, 0.5, 0.999), mMinus = HomogeneousRoot(n, 2, 0.05, 1, -0.999, -0.5);
        var r = SkTapSolutions.Scan(inst, [1.0], new TapFixedPointOptions { Starts = 16, Seed = 5 })[0];
        Assert.That(r.Converged, Is.EqualTo(16));
        Assert.That(r.Distinct, Is.EqualTo(2), "m+ and m-");
        Assert.That(r.NonTrivial, Is.EqualTo(2));
        NumericAssert.AreEqualAbsolute(mPlus * mPlus, r.QeaLowest, 1e-9, "q_EA of the lowest F: m+");
        NumericAssert.AreEqualAbsolute(mPlus * mPlus, r.QeaMax, 1e-9, "largest q_EA");
        NumericAssert.AreEqualAbsolute((mPlus * mPlus + mMinus * mMinus) / 2, r.QeaMean, 1e-9, "mean q_EA");
        Assert.That(mMinus * mMinus, Is.LessThan(mPlus * mPlus - 1e-3), "the two q_EA differ");
        var field = Enumerable.Repeat(0.05, n).ToArray();
        double fPlus = TapFreeEnergy.Evaluate(inst.Coupling, 1, Enumerable.Repeat(mPlus, n).ToArray(), field) / n;
        double fMinus = TapFreeEnergy.Evaluate(inst.Coupling, 1, Enumerable.Repeat(mMinus, n).ToArray(), field) / n;
        NumericAssert.AreEqualAbsolute(fPlus, r.LowestFreeEnergyPerSpin, 1e-9, "F/N at m+ (stationary: error second order)");
        Assert.That(fPlus, Is.LessThan(fMinus), "the field-aligned solution is the lower");
        double u = 1 - mPlus * mPlus;
        NumericAssert.AreEqualAbsolute(1 - u * u, r.PlefkaLowest, 1e-9, "x_P at m+");
    }

    [Test]
    public void Continuation_FerromagnetReachesItsSpontaneousMagnetization_OneStateUpToSign()
    {
        // Curie-Weiss J0 = 2 at T = 1 without a field. The quenched states are all +1 or all -1 (both occur for seed 5), each
        // branch runs from h0 = 2 down to 0 without a fold and ends at the spontaneous m0 (bisection root at h = 0; Newton
        // polishes to residual 1e-12, so 1e-9): one state up to m -> -m, q_EA = m0^2, x_P = 1 - (1 - m0^2)^2, a minimum of
        // F_TAP whose smallest Hessian eigenvalue is the one MathNet's dense solver finds (1e-8 relative to the matrix norm).
        const int n = 50, branches = 4;
        var inst = MeanFieldInstances.CurieWeissInstance(n, 2, 0);
        var signs = Enumerable.Range(0, branches).Select(b => SkTapSolutions.Quench(inst, new SplitMixSource(Seeds.Derive(5, n, b)))).Select(s => s.Sum()).ToList();
        Assert.That(signs.Select(Math.Abs), Is.All.EqualTo(n), "quenched states are fully aligned");
        Assert.That(signs, Does.Contain((double)n).And.Contain((double)-n), "both signs occur");
        double m0 = HomogeneousRoot(n, 2, 0, 1, 0.5, 0.999);
        var r = SkTapSolutions.ContinueFromQuenchedStates(inst, [1.0], branches, 5)[0];
        Assert.That(r.ReachedZeroField, Is.EqualTo(branches));
        Assert.That(r.NonTrivial, Is.EqualTo(1), "m and -m are one state");
        NumericAssert.AreEqualAbsolute(m0 * m0, r.QeaNonTrivial, 1e-9, "q_EA = m0^2");
        NumericAssert.AreEqualAbsolute(1 - (1 - m0 * m0) * (1 - m0 * m0), r.PlefkaNonTrivial, 1e-9, "x_P");
        var hess = TapNewton.Hessian(inst.Coupling, 1, Enumerable.Repeat(m0, n).ToArray());
        double min = DenseReference.Eigenvalues(hess, n)[0];
        Assert.That(min, Is.GreaterThan(0), "a minimum");
        NumericAssert.AreEqualAbsolute(min, r.HessianMinNonTrivial, 1e-8 * Math.Max(1, Matrix<double>.Build.DenseOfRowMajor(n, n, hess).L1Norm()), "smallest Hessian eigenvalue");
        Assert.That(r.Folded, Is.EqualTo(0));
        Assert.That(r.FoldFieldMean, Is.NaN);
        Assert.That(r.FoldQeaMean, Is.NaN);
        Assert.That(r.FoldPlefkaMean, Is.NaN);
    }

    [Test]
    public void Continuation_StartFieldIsInUnitsOfTheCouplingScale()
    {
        // SK with J = 4 at T = 0.6 J (N = 100, seeds as in SkTapContinuationTests): the branches start at h0 = 2 J = 8, above the
        // folds, which appear at h* ~ 0.02-0.5 J as for J = 1 (the bands of BelowTc_TheStrongFieldBranchFolds_AtAPointViolatingPlefka;
        // the fold is located to within an arclength step, so its place differs between scales, not its band).
        const double scale = 4;
        var inst = SkInstances.Draw(100, scale, 8301);
        var r = SkTapSolutions.ContinueFromQuenchedStates(inst, [0.6 * scale], 3, 7)[0];
        Assert.That(r.ReachedZeroField, Is.EqualTo(3));
        Assert.That(r.Folded, Is.GreaterThanOrEqualTo(1), "the branches fold below the start");
        Assert.That(r.FoldFieldMean / scale, Is.InRange(0.02, 0.5), "h* / J");
        Assert.That(r.FoldQeaMean, Is.InRange(0.15, 0.7));
        Assert.That(r.FoldPlefkaMean, Is.LessThan(0), "x_P carries J^2 beta^2 = 1/0.36");
        NumericAssert.AreEqualAbsolute(SkReplicaSymmetric.OrderParameter(0.6), r.ReplicaSymmetricQ, 1e-12, "RS q depends on T/J only");
    }

    [Test]
    public void Continuation_ReachesASaturatedFerromagnet_WhereTheAtanhResidualLosesDigits()
    {
        // Curie-Weiss J0 = 2.5 at T = 0.25: beta J0 m0 ~ 10, so 1 - m0 ~ 4e-9 and atanh m0 carries a rounding of about
        // 1e-16 e^{20} / 4 ~ 1e-8, far above the 1e-10 acceptance bound; the tanh form of P1 20 is exact to rounding. Branches
        // start at h0 = 0.5 (beta (h0 + J0) = 12 stays inside Newton's domain |u| <= 18) and every one reaches the spontaneous
        // m0 (bisection root; q_EA to 1e-12).
        const int n = 40, branches = 4;
        var inst = MeanFieldInstances.CurieWeissInstance(n, 2.5, 0);
        double beta = 1 / 0.25, m0 = HomogeneousRoot(n, 2.5, 0, beta, 0.5, 1 - 1e-15);
        var m = Enumerable.Repeat(m0, n).ToArray();
        Assert.That(TapSolver.MapResiduals(inst.Coupling, beta, default, m).Max(Math.Abs), Is.LessThan(1e-14), "tanh form at the root");
        Assert.That(TapSolver.Residuals(inst.Coupling, beta, default, m).Max(Math.Abs), Is.GreaterThan(1e-10), "the atanh form has lost its digits");
        var r = SkTapSolutions.ContinueFromQuenchedStates(inst, [0.25], branches, 5, startField: 0.5)[0];
        Assert.That(r.ReachedZeroField, Is.EqualTo(branches));
        Assert.That(r.NonTrivial, Is.EqualTo(1));
        NumericAssert.AreEqualAbsolute(m0 * m0, r.QeaNonTrivial, 1e-12, "q_EA = m0^2");
    }

    [Test]
    public void MapResiduals_AreTheTanhFormOfTheAtanhResiduals()
    {
        // r_i = atanh m_i - a_i and r'_i = m_i - tanh a_i for the same a_i: r' = m - tanh(atanh m - r), checked to 1e-13 at
        // |m_i| <= 0.9 (no digits lost there) on an SK instance in a random field.
        var inst = SkInstances.Draw(30, 1.0, TapSeed, new SkField(SkFieldKind.Random, 0.5));
        var h = inst.FieldsCopy();
        var m = Enumerable.Range(0, 30).Select(i => 0.9 * Math.Sin(2.3 * i + 0.4)).ToArray();
        var r = TapSolver.Residuals(inst.Coupling, 1.7, h, m);
        var rp = TapSolver.MapResiduals(inst.Coupling, 1.7, h, m);
        for (int i = 0; i < 30; i++)
            NumericAssert.AreEqualAbsolute(m[i] - Math.Tanh(Math.Atanh(m[i]) - r[i]), rp[i], 1e-13, $"spin {i}");
        Assert.That(rp.Max(Math.Abs), Is.GreaterThan(0.01), "not a solution");
        Assert.Throws<ArgumentException>(() => TapSolver.MapResiduals(inst.Coupling, 1.7, h, m.Take(29).ToArray()));
    }

    [Test]
    public void Continuation_TwoStates_TheLowerFreeEnergyIsReported()
    {
        // Two Curie-Weiss blocks of 20 spins (J_ij = 3/40 within, 0.2/40 across) at T = 0.6: the quenched states are blocks
        // aligned or opposed (both occur for seed 3), and each branch ends at that state, so two states up to m -> -m are
        // reached; the reported q_EA is that of the aligned one, whose TAP free energy is the lower (both computed here by
        // Newton's method from the two block patterns at h = 0; 1e-10).
        const int n = 40, branches = 6;
        var inst = MeanFieldInstances.TwoBlocks(n, 3.0, 0.2);
        double beta = 1 / 0.6;
        var states = new[] { 1.0, -1.0 }.Select(sb => TapNewton.Solve(inst.Coupling, beta, Enumerable.Range(0, n).Select(i => i < n / 2 ? 0.9 : 0.9 * sb).ToArray())).ToArray();
        Assert.That(states.All(x => x.Converged));
        double fAligned = TapFreeEnergy.Evaluate(inst.Coupling, beta, states[0].Magnetizations), fOpposed = TapFreeEnergy.Evaluate(inst.Coupling, beta, states[1].Magnetizations);
        Assert.That(fAligned, Is.LessThan(fOpposed - 1e-6));
        double qAligned = SkTapSolutions.EdwardsAnderson(states[0].Magnetizations), qOpposed = SkTapSolutions.EdwardsAnderson(states[1].Magnetizations);
        Assert.That(Math.Abs(qAligned - qOpposed), Is.GreaterThan(1e-6), "the two q_EA differ");
        var r = SkTapSolutions.ContinueFromQuenchedStates(inst, [0.6], branches, 3)[0];
        Assert.That(r.ReachedZeroField, Is.EqualTo(branches));
        Assert.That(r.NonTrivial, Is.EqualTo(2), "aligned and opposed");
        NumericAssert.AreEqualAbsolute(qAligned, r.QeaNonTrivial, 1e-10, "q_EA of the lower F");
    }

    [Test]
    public void Progress_ReportsEachTemperatureOnce()
    {
        // one report per finished temperature, the count so far: a permutation of 1..K when temperatures run in parallel
        var inst = SkInstances.Draw(20, 1.0, TapSeed);
        double[] temps = [1.2, 1.5, 2.0];
        var scan = new ProgressRecorder();
        SkTapSolutions.Scan(inst, temps, new TapFixedPointOptions { Starts = 2, Seed = 1 }, parallelism: 2, progress: scan);
        Assert.That(scan.Reports.Order(), Is.EqualTo(new[] { 1, 2, 3 }), "Scan");
        var cont = new ProgressRecorder();
        SkTapSolutions.ContinueFromQuenchedStates(inst, temps, 1, 3, parallelism: 2, progress: cont);
        Assert.That(cont.Reports.Order(), Is.EqualTo(new[] { 1, 2, 3 }), "ContinueFromQuenchedStates");
    }

    [Test]
    public void Sequential_AgreesWithParallelIteration_WhereTheSolutionIsUnique()
    {
        // SK in a random field at T = 2 J (high temperature: the TAP solution is unique and the damped iteration
        // converges): both solvers reach the same m to 1e-8 (the tolerance 1e-10 of each, amplified by the
        // contraction factor), with TAP residuals (P1 20) below 1e-8.
        var inst = SkInstances.Draw(80, 1.0, TapSeed, new SkField(SkFieldKind.Random, 0.7));
        var h = inst.FieldsCopy();
        var par = TapSolver.SolveOrThrow(inst.Coupling, 0.5, new TapSolverOptions { Fields = h, Damping = 0.3 });
        var seq = TapSolver.SolveSequential(inst.Coupling, 0.5, new TapSolverOptions { Fields = h });
        Assert.That(seq.Converged, Is.True);
        NumericAssert.AllEqual(par.Magnetizations, seq.Magnetizations, 1e-8, 0, "m sequential vs parallel");
        Assert.That(seq.MaxResidual, Is.LessThan(1e-8));
        // Curie-Weiss couplings J_ij = 1/N at beta = 2: the ferromagnetic solution m ~ 0.955 from a positive start.
        var cw = MeanFieldInstances.CurieWeiss(100);
        var start = new TapSolverOptions { InitialMagnetizations = Enumerable.Repeat(0.3, 100).ToArray() };
        var a = TapSolver.SolveSequential(cw, 2, start);
        var b = TapSolver.SolveOrThrow(cw, 2, start with { Damping = 0.5 });
        NumericAssert.AllEqual(b.Magnetizations, a.Magnetizations, 1e-8, 0, "Curie-Weiss m");
        Assert.That(a.Magnetizations[0], Is.GreaterThan(0.9));
    }

    [Test]
    public void Sequential_NeverIncreasesTheTapFreeEnergy()
    {
        // Each update minimises F (P1 19, field term included) exactly in one coordinate, so F after k sweeps is
        // non-increasing in k (1e-12 relative slack for rounding). SK at T = 0.6 J from a random start, seed 8301.
        var inst = SkInstances.Draw(50, 1.0, TapSeed, new SkField(SkFieldKind.Random, 0.1));
        var h = inst.FieldsCopy();
        var rng = new Random(3);
        var m0 = Enumerable.Range(0, 50).Select(_ => 2 * rng.NextDouble() - 1).ToArray();
        double beta = 1 / 0.6;
        double prev = TapFreeEnergy.Evaluate(inst.Coupling, beta, m0, h);
        for (int k = 1; k <= 12; k++)
        {
            var r = TapSolver.SolveSequential(inst.Coupling, beta, new TapSolverOptions { InitialMagnetizations = m0, Fields = h, MaxIterations = k, Tolerance = 1e-300 });
            double f = TapFreeEnergy.Evaluate(inst.Coupling, beta, r.Magnetizations, h);
            NumericAssert.AtMost(prev, f, 1e-12 * Math.Abs(prev), $"F after {k} sweeps");
            prev = f;
        }
    }

    [Test]
    public void Sequential_RejectsDamping_AndReportsNonConvergence()
    {
        var inst = SkInstances.Draw(20, 1.0, TapSeed);
        Assert.Throws<ArgumentException>(() => TapSolver.SolveSequential(inst.Coupling, 1, new TapSolverOptions { Damping = 0.5 }));
        var m0 = Enumerable.Range(0, 20).Select(i => i % 2 == 0 ? 0.9 : -0.9).ToArray();
        var r = TapSolver.SolveSequential(inst.Coupling, 2, new TapSolverOptions { InitialMagnetizations = m0, MaxIterations = 1 });
        Assert.That(r.Converged, Is.False, "one sweep from a far start cannot meet the 1e-10 tolerance");
        Assert.That(r.Iterations, Is.EqualTo(1));
    }

    [Test]
    public void Cosine_IsTheNormalisedOverlap()
    {
        double[] a = [0.5, -0.2, 0.9], b = [0.2, 0.5, 0.0];
        Assert.That(SkTapSolutions.Cosine(a, a), Is.EqualTo(1).Within(1e-15));
        Assert.That(SkTapSolutions.Cosine(a, a.Select(x => -x).ToArray()), Is.EqualTo(-1).Within(1e-15));
        Assert.That(SkTapSolutions.Cosine(a, b), Is.EqualTo(0).Within(1e-15), "orthogonal");
        Assert.That(SkTapSolutions.Cosine(a, new double[3]), Is.EqualTo(0), "the paramagnet has no direction");
        Assert.That(SkTapSolutions.Cosine(a, [1.0, 1.0, 1.0]), Is.EqualTo(1.2 / Math.Sqrt(1.1 * 3)).Within(1e-15));
        Assert.Throws<ArgumentException>(() => SkTapSolutions.Cosine(a, [1.0]));
    }
}
