using MathNet.Numerics.LinearAlgebra;
using NeuralSpin.Ising.Inverse;
using NeuralSpin.Tests.Support;
using NUnit.Framework;

namespace NeuralSpin.Tests.Ising.Inverse;

/// <summary>
/// <see cref="ProximalGradient.Minimize"/> (FISTA with backtracking and adaptive restart) on the lasso
/// 1/2 |A x - b|^2 + sum_k w_k |x_k|, iterate by iterate against a slow reference written from Beck and Teboulle (2009,
/// FISTA with backtracking) and O'Donoghue and Candes (2015, function-value restart) with MathNet vectors: at y the
/// Lipschitz estimate L doubles until f(z) &lt;= f(y) + g.(z - y) + L/2 |z - y|^2 (+ 1e-12 |f(y)|) for
/// z = soft(y - g / L, w / L); stop when L |z - y|_inf &lt;= tolerance (keeping z only if it does not raise F); restart
/// (t = 1, y = x) when F(z) &gt; F(x) and t &gt; 1; otherwise t' = (1 + (1 + 4 t^2)^(1/2)) / 2,
/// y = z + (t - 1) / t' (z - x), x = z. The same arithmetic in another order agrees to rounding (1e-10 relative over 120
/// iterations of a problem with |x| of order 1, five doublings and one restart among them); a wrong momentum, restart or
/// doubling rule moves the iterates by 1e-3 or more. The converged minimiser is checked against coordinate descent, an independent algorithm.
/// </summary>
public class FistaReferenceTests
{
    static (Matrix<double> A, Vector<double> B, double[] W) Problem()
    {
        var rng = new Random(11);
        // columns of very different scales: condition number of A^T A about 1e3, so momentum overshoots and restarts
        var a = Matrix<double>.Build.Dense(6, 4, (_, j) => (rng.NextDouble() - 0.5) * new[] { 6.0, 2, 1, 0.3 }[j]);
        var b = Vector<double>.Build.DenseOfArray([1.0, -2, 0.5, 3, -1, 2]);
        return (a, b, [0.05, 0.3, 0.0, 0.02]);
    }

    static Lbfgs.Objective Smooth(Matrix<double> a, Vector<double> b) => (x, g) =>
    {
        var r = a * Vector<double>.Build.DenseOfArray(x.ToArray()) - b;
        var grad = a.TransposeThisAndMultiply(r);
        for (int k = 0; k < grad.Count; k++) g[k] = grad[k];
        return 0.5 * r.DotProduct(r);
    };

    static double Composite(Lbfgs.Objective f, Vector<double> x, double[] w)
    {
        double p = 0;
        for (int k = 0; k < w.Length; k++) p += w[k] * Math.Abs(x[k]);
        return f(x.ToArray(), new double[x.Count]) + p;
    }

    static Vector<double> Soft(Vector<double> v, double[] w, double l) =>
        Vector<double>.Build.Dense(v.Count, k => Math.Sign(v[k]) * Math.Max(Math.Abs(v[k]) - w[k] / l, 0));

    /// <summary>The reference's x after each iteration, with the numbers of doublings and restarts.</summary>
    static (List<double[]> Iterates, int Doublings, int Restarts) Reference(Lbfgs.Objective f, double[] w, int count, double tolerance)
    {
        int n = w.Length;
        var x = Vector<double>.Build.Dense(n);
        var y = x.Clone();
        double l = 1, t = 1, fx = Composite(f, x, w);
        int doublings = 0, restarts = 0;
        var iterates = new List<double[]>();
        for (int it = 0; it < count; it++)
        {
            var gy = new double[n];
            double fy = f(y.ToArray(), gy);
            var g = Vector<double>.Build.DenseOfArray(gy);
            Vector<double> z;
            while (true)
            {
                z = Soft(y - g / l, w, l);
                var d = z - y;
                if (f(z.ToArray(), new double[n]) <= fy + g.DotProduct(d) + 0.5 * l * d.DotProduct(d) + 1e-12 * Math.Abs(fy)) break;
                l *= 2;
                doublings++;
            }
            double fz = Composite(f, z, w);
            if (l * (z - y).AbsoluteMaximum() <= tolerance)
            {
                if (fz <= fx) x = z;
                iterates.Add(x.ToArray());
                break;
            }
            if (fz > fx && t > 1)
            {
                t = 1;
                y = x.Clone();
                restarts++;
                iterates.Add(x.ToArray());
                continue;
            }
            double tn = (1 + Math.Sqrt(1 + 4 * t * t)) / 2;
            y = z + (t - 1) / tn * (z - x);
            x = z;
            t = tn;
            fx = fz;
            iterates.Add(x.ToArray());
        }
        return (iterates, doublings, restarts);
    }

    [Test]
    public void Lasso_IteratesAreTheReferenceFistaIterates()
    {
        var (a, b, w) = Problem();
        var f = Smooth(a, b);
        const int count = 120;
        var (reference, doublings, restarts) = Reference(f, w, count, 1e-300);
        Assert.That(doublings, Is.GreaterThan(0), "premise: the Lipschitz estimate is doubled from 1");
        TestContext.Out.WriteLine($"doublings {doublings}, restarts {restarts}, iterations {reference.Count}");
        Assert.That(restarts, Is.GreaterThan(0), "premise: the momentum is restarted within the window");
        Assert.That(reference, Has.Count.EqualTo(count), "premise: not converged within the window");
        for (int k = 1; k <= count; k++)
        {
            var r = ProximalGradient.Minimize(f, w, new double[4], maxIterations: k, tolerance: 1e-300);
            Assert.That(r.Iterations, Is.EqualTo(k));
            Assert.That(r.Converged, Is.False);
            NumericAssert.AllEqual(reference[k - 1], r.X, 1e-12, 1e-10, $"x after iteration {k}");
            Assert.That(r.Value, Is.EqualTo(Composite(f, Vector<double>.Build.DenseOfArray(r.X), w)).Within(1e-12), "F(x) reported");
            Assert.That(r.History, Has.Length.EqualTo(k + 1));
        }
    }

    /// <summary>The lasso minimiser by cyclic coordinate descent (exact minimisation in one coordinate at a time:
    /// x_k = soft(a_k . r_k, w_k) / |a_k|^2 with r_k the residual without coordinate k), run to a fixed point.</summary>
    static double[] CoordinateDescent(Matrix<double> a, Vector<double> b, double[] w)
    {
        int n = a.ColumnCount;
        var x = new double[n];
        for (int sweep = 0; sweep < 200_000; sweep++)
        {
            double change = 0;
            for (int k = 0; k < n; k++)
            {
                var col = a.Column(k);
                var r = b - a * Vector<double>.Build.DenseOfArray(x) + col * x[k];
                double rho = col.DotProduct(r), norm = col.DotProduct(col);
                double next = Math.Sign(rho) * Math.Max(Math.Abs(rho) - w[k], 0) / norm;
                change = Math.Max(change, Math.Abs(next - x[k]));
                x[k] = next;
            }
            if (change < 1e-15) break;
        }
        return x;
    }

    [Test]
    public void Lasso_ConvergesToTheCoordinateDescentMinimiser()
    {
        var (a, b, w) = Problem();
        var f = Smooth(a, b);
        var r = ProximalGradient.Minimize(f, w, new double[4], maxIterations: 20_000, tolerance: 1e-10);
        Assert.That(r.Converged, Is.True);
        // the gradient mapping below 1e-10 puts x within 1e-10 / lambda_min(A^T A) of the minimiser (strong convexity)
        var lambdaMin = a.TransposeThisAndMultiply(a).Evd().EigenValues.Real().Minimum();
        var expected = CoordinateDescent(a, b, w);
        NumericAssert.AllEqual(expected, r.X, 1e-10 / lambdaMin * 4, 0, "argmin");
        // the history is the composite objective per iteration; after a restart it repeats the value, never rises
        for (int k = 1; k < r.History.Length; k++)
            Assert.That(r.History[k], Is.LessThanOrEqualTo(r.History[k - 1] + 1e-12), $"iteration {k}");
        for (int k = 0; k < 4; k++)
            if (expected[k] == 0) Assert.That(r.X[k], Is.EqualTo(0.0), $"exact zero at {k}");
    }

    /// <summary>
    /// An objective that is not smooth breaks the quadratic upper bound for every L: f(x) = x for x &gt;= 0 and x + 1 below
    /// (gradient 1) at y = 0 has z = -1/L (representable for every L, unlike a step away from a nonzero y, which rounds to
    /// y once L passes 2^53) and f(z) = 1 - 1/L above f(y) + g (z - y) + L/2 (z - y)^2 = -1/(2L) (the slack 1e-12 |f(y)|
    /// is 0) however large L. The estimate doubles past 1e30 (about 100 doublings from 1) and the minimiser says so
    /// instead of looping.
    /// </summary>
    [Test]
    public void NonSmoothObjective_TheLipschitzEstimateDivergesWithAMessage()
    {
        static double F(ReadOnlySpan<double> x, Span<double> g) { g[0] = 1; return x[0] < 0 ? x[0] + 1 : x[0]; }
        var ex = Assert.Throws<InvalidOperationException>(() => ProximalGradient.Minimize(F, [0.0], [0.0]));
        Assert.That(ex!.Message, Does.Contain("Lipschitz estimate diverged"));
    }

    [Test]
    public void MismatchedWeights_AreRefused()
    {
        var (a, b, _) = Problem();
        var ex = Assert.Throws<ArgumentException>(() => ProximalGradient.Minimize(Smooth(a, b), [0.1, 0.1], new double[4]));
        Assert.That(ex!.Message, Does.Contain("one L1 weight per coordinate"));
    }
}
