using NUnit.Framework;
using NeuralSpin.Classic;
using NeuralSpin.Tap;
using NeuralSpin.Tests.Support;

namespace NeuralSpin.Tests.Classic;

/// <summary>Newton's method on the TAP equations (P1 20, docs/theory.md section 3) for SK instances.</summary>
[TestFixture]
public class SkTapNewtonTests
{
    const long Seed = 8301;

    [Test]
    public void Hessian_MatchesCentralDifferencesOfTheTapGradient()
    {
        // d^2 F_TAP / dm_i dm_k against central differences of TapFreeEnergy.Gradient (P1 19) with step 1e-5: the
        // truncation error is O(step^2 * third derivative) ~ 1e-9 for |m| <= 0.8, rounding ~ 1e-16 / 1e-5 = 1e-11; 1e-7 absolute.
        var inst = SkInstances.Draw(30, 1.0, Seed);
        double beta = 1 / 0.6;
        var m = Enumerable.Range(0, 30).Select(i => 0.8 * Math.Sin(1.7 * i + 0.3)).ToArray();
        var hess = TapNewton.Hessian(inst.Coupling, beta, m);
        const double step = 1e-5;
        for (int k = 0; k < 30; k++)
        {
            var plus = (double[])m.Clone(); plus[k] += step;
            var minus = (double[])m.Clone(); minus[k] -= step;
            var gp = TapFreeEnergy.Gradient(inst.Coupling, beta, plus);
            var gm = TapFreeEnergy.Gradient(inst.Coupling, beta, minus);
            for (int i = 0; i < 30; i++)
                NumericAssert.AreEqualAbsolute((gp[i] - gm[i]) / (2 * step), hess[i * 30 + k], 1e-7, $"H[{i},{k}]");
        }
        for (int i = 0; i < 30; i++)
            for (int k = 0; k < i; k++) Assert.That(hess[i * 30 + k], Is.EqualTo(hess[k * 30 + i]).Within(1e-14), "symmetric");
    }

    [Test]
    public void Newton_ReachesTheUniqueSolutionOfTheDampedIteration_InAStrongField()
    {
        // SK, N = 100, random field h_i ~ N(0, 1) at T = 2 J (paramagnetic side, a unique TAP solution that the damped
        // iteration P2 24 reaches): Newton from m = 0 meets max|F_i| <= 1e-12 in a few steps, and both agree to 1e-9
        // (the iteration stops at max|dm| <= 1e-10, amplified by the contraction factor < 10).
        var inst = SkInstances.Draw(100, 1.0, Seed, new SkField(SkFieldKind.Random, 1.0));
        var h = inst.FieldsCopy();
        var newton = TapNewton.Solve(inst.Coupling, 0.5, new double[100], new TapNewtonOptions { Fields = h });
        Assert.That(newton.Converged, Is.True);
        Assert.That(newton.Iterations, Is.LessThan(15), "quadratic convergence");
        Assert.That(TapSolver.Residuals(inst.Coupling, 0.5, h, newton.Magnetizations).Max(Math.Abs), Is.LessThan(1e-10), "P1 20 residual");
        var damped = TapSolver.SolveOrThrow(inst.Coupling, 0.5, new TapSolverOptions { Fields = h, Damping = 0.3 });
        NumericAssert.AllEqual(damped.Magnetizations, newton.Magnetizations, 1e-9, 0, "m Newton vs damped iteration");
    }

    [Test]
    public void Newton_ConvergesWithSaturatedSpins_BelowTc()
    {
        // T = 0.6 J, N = 120, field h_i = 2 xi_i along a random +-1 pattern xi: many spins have |u_i| = |atanh m_i| > 4, where
        // the residual evaluated through atanh(tanh u) loses digits; Newton works in u and still reaches max|F_i| <= 1e-12.
        // The solution is a minimum of F_TAP (smallest Hessian eigenvalue > 0, a strong field makes the solution unique)
        // and satisfies Plefka's condition x_P >= 0.
        var inst = SkInstances.Draw(120, 1.0, Seed);
        var rng = new Random(11);
        var h = Enumerable.Range(0, 120).Select(_ => rng.Next(2) == 0 ? -2.0 : 2.0).ToArray();
        double beta = 1 / 0.6;
        // start from the field alone, m = tanh(beta h) (from m = 0 the line search can stall where dF/du is singular)
        var r = TapNewton.Solve(inst.Coupling, beta, h.Select(x => Math.Tanh(beta * x)).ToArray(), new TapNewtonOptions { Fields = h });
        Assert.That(r.Converged, Is.True, $"residual {r.MaxResidual}");
        Assert.That(r.Magnetizations.All(x => Math.Abs(x) < 1), "|m_i| < 1");
        Assert.That(TapSolver.Residuals(inst.Coupling, beta, h, r.Magnetizations).Max(Math.Abs), Is.LessThan(1e-10), "P1 20 residual");
        Assert.That(TapNewton.SmallestHessianEigenvalue(inst.Coupling, beta, r.Magnetizations), Is.GreaterThan(0), "a minimum");
        Assert.That(SkTapSolutions.Plefka(r.Magnetizations, beta), Is.GreaterThanOrEqualTo(0), "x_P >= 0");
    }

    [Test]
    public void Newton_RejectsBadArguments()
    {
        var inst = SkInstances.Draw(10, 1.0, Seed);
        Assert.Throws<ArgumentOutOfRangeException>(() => TapNewton.Solve(inst.Coupling, 0, new double[10]));
        Assert.Throws<ArgumentException>(() => TapNewton.Solve(inst.Coupling, 1, new double[9]));
        Assert.Throws<ArgumentException>(() => TapNewton.Solve(inst.Coupling, 1, Enumerable.Repeat(1.5, 10).ToArray()));
        Assert.Throws<ArgumentOutOfRangeException>(() => TapNewton.Solve(inst.Coupling, 1, new double[10], new TapNewtonOptions { Tolerance = 0 }));
    }
}

/// <summary>Field continuation of TAP solutions (pseudo-arclength, <see cref="TapNewton.ContinueInField"/>) on SK instances.</summary>
[TestFixture]
public class SkTapContinuationTests
{
    const long Seed = 8301;

    [Test]
    public void AboveTc_EveryBranchReachesTheParamagnet_WithoutFolds()
    {
        // T = 1.3 J (h = 0 has only the paramagnet, docs/theory.md section 8): each branch followed from h0 = 2 J ends at m = 0
        // (q_EA <= 1e-8 threshold, residual < 1e-10 checked inside), with no turning point.
        var inst = SkInstances.Draw(60, 1.0, Seed);
        var r = SkTapSolutions.ContinueFromQuenchedStates(inst, new[] { 1.3 }, 3, 7)[0];
        Assert.That(r.ReachedZeroField, Is.EqualTo(3));
        Assert.That(r.NonTrivial, Is.EqualTo(0));
        Assert.That(r.Folded, Is.EqualTo(0));
        Assert.That(r.ReplicaSymmetricQ, Is.EqualTo(0.0));
    }

    [Test]
    public void LowTemperature_BranchesThatNeverReachZeroFieldAreLeftOut()
    {
        // T = 0.3 J (N = 100, instance 8301, seed 7): most branches followed from h0 = 2 J end before h0 = 0 (abandoned: back above
        // twice the start field, or the arclength step exhausted), so they have no h = 0 point and are not counted as reached.
        var inst = SkInstances.Draw(100, 1.0, Seed);
        var r = SkTapSolutions.ContinueFromQuenchedStates(inst, [0.3], 4, 7)[0];
        Assert.That(r.ReachedZeroField, Is.InRange(0, 3), "some branch abandoned (1 of 4 reached for this seed)");
        Assert.That(r.Branches, Is.EqualTo(4));
    }

    [Test]
    public void BelowTc_TheStrongFieldBranchFolds_AtAPointViolatingPlefka()
    {
        // T = 0.6 J, N = 100, seeded (instance 8301, quenched states seed 7): the solution followed from h0 = 2 J along a
        // quenched state (for most states) turns back at a field h* > 0 (a minimum annihilating with a saddle); at the fold q_EA is of the order of
        // the RS q(0.6) = 0.424 (band 0.15..0.7: finite N and a field-polarised state) and Plefka's x_P there is negative,
        // i.e. the branch leaves the region where the TAP expansion is valid. Each branch still reaches h0 = 0 (at m = 0) after
        // its folds. The points are exact solutions (Newton corrector residual <= 1e-11), so the bands only reflect the instance.
        var inst = SkInstances.Draw(100, 1.0, Seed);
        var r = SkTapSolutions.ContinueFromQuenchedStates(inst, new[] { 0.6 }, 3, 7)[0];
        Assert.That(r.Folded, Is.GreaterThanOrEqualTo(1), "branches fold (2 of the 3 for this seed)");
        Assert.That(r.FoldFieldMean, Is.InRange(0.02, 0.5), "h* > 0");
        Assert.That(r.FoldQeaMean, Is.InRange(0.15, 0.7));
        Assert.That(r.FoldPlefkaMean, Is.LessThan(0), "x_P < 0 at the fold");
        Assert.That(r.ReachedZeroField, Is.EqualTo(3));
    }

    [Test]
    public void ContinueInField_FirstFoldIsATapSolutionWithASingularHessian()
    {
        // At a turning point of the branch h0 -> m(h0) the Hessian of F_TAP is singular (dF/du cannot be inverted along the
        // branch tangent): its smallest eigenvalue in absolute value is small compared with its typical scale O(1) (bound
        // 0.05: the fold is located to within one arclength step, not exactly), and the point solves the TAP equations in
        // the field h* xi (Newton corrector tolerance 1e-11).
        var inst = SkInstances.Draw(80, 1.0, Seed);
        var xi = SkTapSolutions.Quench(inst, new Random(3));
        double beta = 1 / 0.6;
        var c = TapNewton.ContinueInField(inst.Coupling, beta, xi, 2.0);
        Assert.That(c.FirstFold, Is.Not.Null);
        var fold = c.FirstFold!;
        var h = xi.Select(x => fold.Field * x).ToArray();
        Assert.That(TapSolver.Residuals(inst.Coupling, beta, h, fold.Magnetizations).Max(Math.Abs), Is.LessThan(1e-10), "TAP residual at the fold");
        var eig = NeuralSpin.Numerics.TorchLinalg.SymmetricEigenvalues(TapNewton.Hessian(inst.Coupling, beta, fold.Magnetizations), 80);
        Assert.That(eig.Min(Math.Abs), Is.LessThan(0.05), "near-singular Hessian at the fold");
    }

    [TestCase(0.0)]
    [TestCase(0.8)]
    public void Quench_EndsInASingleFlipStableState(double fieldStrength)
    {
        // greedy descent of H = -1/2 s^T J s - h^T s ends where no single flip lowers H: s_i (h_i + (J s)_i) >= 0 for all i
        // (with a random field of strength 0.8 many spins are held by their field)
        var inst = SkInstances.Draw(50, 1.0, Seed, fieldStrength > 0 ? new SkField(SkFieldKind.Random, fieldStrength) : null);
        var h = inst.FieldsCopy();
        var s = SkTapSolutions.Quench(inst, new Random(5));
        var local = new double[50];
        inst.Coupling.Multiply(s, local);
        for (int i = 0; i < 50; i++) Assert.That(s[i] * (h[i] + local[i]), Is.GreaterThanOrEqualTo(0), $"spin {i}");
    }
}
