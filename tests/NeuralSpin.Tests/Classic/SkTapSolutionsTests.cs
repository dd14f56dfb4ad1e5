using NUnit.Framework;
using NeuralSpin.Classic;
using NeuralSpin.Ising;
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

    static DenseCoupling CurieWeiss(int n)
    {
        var a = new double[n * n];
        for (int i = 0; i < n; i++) for (int k = 0; k < n; k++) if (i != k) a[i * n + k] = 1.0 / n;
        return new DenseCoupling(n, a);
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
        var cw = CurieWeiss(100);
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
