using NUnit.Framework;
using NeuralSpin.Classic;
using NeuralSpin.Tap;
using NeuralSpin.Tests.Support;

namespace NeuralSpin.Tests.Classic;

/// <summary>Newton's method on the TAP equations (P1 20, NOTATION.md section 3) for SK instances.</summary>
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
