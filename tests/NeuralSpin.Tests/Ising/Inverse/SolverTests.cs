using NeuralSpin.Ising.Inverse;
using NeuralSpin.Tests.Support;
using NUnit.Framework;

namespace NeuralSpin.Tests.Ising.Inverse;

/// <summary>The two optimisers behind the pseudolikelihood fit, on problems with closed-form minimisers.</summary>
public class SolverTests
{
    [Test]
    public void Lbfgs_MinimisesRosenbrock_Monotonically()
    {
        // f = (1 - x)^2 + 100 (y - x^2)^2, minimum at (1, 1)
        static double F(ReadOnlySpan<double> x, Span<double> g)
        {
            double a = 1 - x[0], b = x[1] - x[0] * x[0];
            g[0] = -2 * a - 400 * x[0] * b;
            g[1] = 200 * b;
            return a * a + 100 * b * b;
        }
        var r = Lbfgs.Minimize(F, new[] { -1.2, 1.0 }, 1000, 1e-10);
        Assert.That(r.Converged, Is.True);
        // gradient 1e-10 at a minimum with Hessian eigenvalues in [0.4, 1000] puts x within ~1e-9
        NumericAssert.AllEqual(new[] { 1.0, 1.0 }, r.X, 1e-8, 0, "argmin");
        for (int k = 1; k < r.History.Length; k++) Assert.That(r.History[k], Is.LessThanOrEqualTo(r.History[k - 1]), $"step {k}");
    }

    [Test]
    public void Fista_SolvesSeparableLasso_BySoftThresholding()
    {
        // f = 1/2 sum_k a_k (x_k - c_k)^2 + sum_k w |x_k| has argmin soft(c_k, w / a_k)
        var a = new[] { 1.0, 2.0, 0.5, 4.0 };
        var c = new[] { 0.3, -0.05, 1.0, -2.0 };
        var w = new[] { 0.1, 0.2, 0.1, 0.0 };
        double F(ReadOnlySpan<double> x, Span<double> g)
        {
            double f = 0;
            for (int k = 0; k < 4; k++) { double d = x[k] - c[k]; f += 0.5 * a[k] * d * d; g[k] = a[k] * d; }
            return f;
        }
        var r = ProximalGradient.Minimize(F, w, new double[4], 10000, 1e-12);
        Assert.That(r.Converged, Is.True);
        var expected = Enumerable.Range(0, 4).Select(k => ProximalGradient.SoftThreshold(c[k], w[k] / a[k])).ToArray();
        NumericAssert.AllEqual(expected, r.X, 1e-11, 0, "argmin");
        Assert.That(r.X[1], Is.EqualTo(0.0), "exact zero from the soft-threshold");
    }

    [Test]
    public void SoftThreshold_ZeroesInsideTheBand()
    {
        Assert.That(ProximalGradient.SoftThreshold(0.05, 0.1), Is.EqualTo(0.0));
        Assert.That(ProximalGradient.SoftThreshold(-0.1, 0.1), Is.EqualTo(0.0));
        Assert.That(ProximalGradient.SoftThreshold(0.3, 0.1), Is.EqualTo(0.2).Within(1e-16));
        Assert.That(ProximalGradient.SoftThreshold(-0.3, 0.1), Is.EqualTo(-0.2).Within(1e-16));
    }
}
