using MathNet.Numerics.LinearAlgebra;
using NeuralSpin.Ising.Inverse;
using NeuralSpin.Tests.Support;
using NUnit.Framework;

namespace NeuralSpin.Tests.Ising.Inverse;

/// <summary>
/// <see cref="Lbfgs.Minimize"/> iterate by iterate against a slow reference written from the textbook definition
/// (Nocedal and Wright, eq. 7.19): the inverse-Hessian approximation H_k built densely (MathNet matrices) from
/// H_k^0 = gamma_k I, gamma_k = s^T y / y^T y of the newest pair, by the BFGS update
/// H = (I - rho s y^T) H (I - rho y s^T) + rho s s^T over the stored pairs from the oldest to the newest, the direction
/// d = -H_k g_k (steepest descent when it is not a descent direction or no pair is stored, then with the first step
/// capped at 1 per coordinate), the backtracking Armijo search t = 1, 1/2, ... with c1 = 1e-4, and a pair kept only when
/// s^T y &gt; 1e-12 |s| |y|, the oldest dropped beyond the memory. The two-loop recursion computes the same H_k g_k in
/// another order, so the iterates agree to rounding (1e-10 relative over a dozen iterations of well-conditioned
/// problems, far below the change any wrong index, scaling, sign or memory rule makes: 1e-3 or more).
/// </summary>
public class LbfgsReferenceTests
{
    /// <summary>A convex quadratic 1/2 x^T A x - b^T x with A = Q diag(1, 2, 5, 10, 30) Q^T (fixed rotation).</summary>
    static (Lbfgs.Objective F, Matrix<double> A, Vector<double> B) Quadratic()
    {
        var rng = new Random(7);
        var q = Matrix<double>.Build.Dense(5, 5, (_, _) => rng.NextDouble() - 0.5).QR().Q;
        var a = q * Matrix<double>.Build.DiagonalOfDiagonalArray([1.0, 2, 5, 10, 30]) * q.Transpose();
        var b = Vector<double>.Build.DenseOfArray([1.0, -2, 0.5, 3, -1]);
        double F(ReadOnlySpan<double> x, Span<double> g)
        {
            var xv = Vector<double>.Build.DenseOfArray(x.ToArray());
            var ax = a * xv;
            for (int i = 0; i < 5; i++) g[i] = ax[i] - b[i];
            return 0.5 * xv.DotProduct(ax) - b.DotProduct(xv);
        }
        return (F, a, b);
    }

    /// <summary>A smooth strictly convex non-quadratic: sum_i log cosh(x_i - c_i) w_i + 1/2 (x_0 + x_1 + x_2)^2 / 4.</summary>
    static double LogCosh(ReadOnlySpan<double> x, Span<double> g)
    {
        double[] c = [3, -2, 0.5], w = [1, 2, 0.5];
        double sum = x[0] + x[1] + x[2], f = sum * sum / 8;
        for (int i = 0; i < 3; i++)
        {
            double u = x[i] - c[i];
            f += w[i] * (Math.Abs(u) + Math.Log(1 + Math.Exp(-2 * Math.Abs(u))) - Math.Log(2));
            g[i] = w[i] * Math.Tanh(u) + sum / 4;
        }
        return f;
    }

    /// <summary>The reference iterates x_1..x_count (dense H_k, as in the class summary).</summary>
    static List<double[]> ReferenceIterates(Lbfgs.Objective f, double[] x0, int memory, int count) =>
        ReferenceWithCounts(f, x0, memory, count).Iterates;

    /// <summary>The reference iterates with the numbers of halved steps and of skipped pairs.</summary>
    static (List<double[]> Iterates, int Backtracks, int Skipped) ReferenceWithCounts(Lbfgs.Objective f, double[] x0, int memory, int count)
    {
        int backtracks = 0, skipped = 0;
        int n = x0.Length;
        var V = Vector<double>.Build;
        var M = Matrix<double>.Build;
        var x = V.DenseOfArray(x0);
        var gArr = new double[n];
        double fx = f(x.ToArray(), gArr);
        var g = V.DenseOfArray(gArr);
        var pairs = new List<(Vector<double> S, Vector<double> Y)>();
        var iterates = new List<double[]>();
        for (int k = 0; k < count; k++)
        {
            Vector<double> d;
            if (pairs.Count == 0) d = -g;
            else
            {
                var (sl, yl) = pairs[^1];
                var h = M.DenseIdentity(n) * (sl.DotProduct(yl) / yl.DotProduct(yl));
                foreach (var (s, y) in pairs)
                {
                    double rho = 1 / s.DotProduct(y);
                    var left = M.DenseIdentity(n) - rho * s.OuterProduct(y);
                    h = left * h * left.Transpose() + rho * s.OuterProduct(s);
                }
                d = -(h * g);
            }
            if (!(g.DotProduct(d) < 0)) { pairs.Clear(); d = -g; }
            double slope = g.DotProduct(d);
            double t = pairs.Count == 0 ? Math.Min(1, 1 / g.AbsoluteMaximum()) : 1;
            Vector<double> xn = x;
            double fn = double.NaN;
            var gn = new double[n];
            for (int ls = 0; ls < 60; ls++)
            {
                xn = x + t * d;
                fn = f(xn.ToArray(), gn);
                if (fn <= fx + 1e-4 * t * slope) break;
                t /= 2;
                backtracks++;
            }
            var gNew = V.DenseOfArray(gn);
            var sv = xn - x;
            var yv = gNew - g;
            if (sv.DotProduct(yv) > 1e-12 * sv.L2Norm() * yv.L2Norm())
            {
                pairs.Add((sv, yv));
                if (pairs.Count > memory) pairs.RemoveAt(0);
            }
            else skipped++;
            x = xn; g = gNew; fx = fn;
            iterates.Add(x.ToArray());
        }
        return (iterates, backtracks, skipped);
    }

    static void AssertIteratesMatch(Lbfgs.Objective f, double[] x0, int memory, int count)
    {
        var reference = ReferenceIterates(f, x0, memory, count);
        for (int k = 1; k <= count; k++)
        {
            var r = Lbfgs.Minimize(f, x0, maxIterations: k, tolerance: 1e-300, memory: memory);
            Assert.That(r.Iterations, Is.EqualTo(k), $"iteration {k}: one iteration per call of the budget");
            NumericAssert.AllEqual(reference[k - 1], r.X, 1e-12, 1e-10, $"x_{k} (memory {memory})");
            var g = new double[x0.Length];
            Assert.That(r.Value, Is.EqualTo(f(r.X, g)).Within(1e-14 * (1 + Math.Abs(r.Value))), $"f(x_{k}) reported");
            Assert.That(r.History, Has.Length.EqualTo(k + 1), "the start and one value per accepted step");
        }
    }

    [TestCase(10)]
    [TestCase(2)]
    public void Quadratic_IteratesAreTheReferenceLbfgsIterates(int memory)
    {
        var (f, _, _) = Quadratic();
        AssertIteratesMatch(f, [2, -1, 0, 1, 3], memory, 8);
    }

    [TestCase(10)]
    [TestCase(1)]
    public void LogCosh_IteratesAreTheReferenceLbfgsIterates(int memory)
        => AssertIteratesMatch(LogCosh, [-1, 4, 2], memory, 10);

    /// <summary>Rosenbrock's function (1 - x)^2 + 100 (y - x^2)^2: non-convex, so the line search backtracks and some
    /// step pairs have s.y &lt;= 0 and are skipped (both counted in the reference as premises).</summary>
    static double Rosenbrock(ReadOnlySpan<double> x, Span<double> g)
    {
        double a = 1 - x[0], b = x[1] - x[0] * x[0];
        g[0] = -2 * a - 400 * x[0] * b;
        g[1] = 200 * b;
        return a * a + 100 * b * b;
    }

    [TestCase(10)]
    [TestCase(3)]
    public void Rosenbrock_IteratesAreTheReferenceLbfgsIterates(int memory)
    {
        var (_, backtracks, skipped) = ReferenceWithCounts(Rosenbrock, [-1.2, 1], memory, 12);
        Assert.That(backtracks, Is.GreaterThan(0), "premise: some step is shortened by the Armijo test");
        Assert.That(skipped, Is.GreaterThan(0), "premise: a pair fails the curvature test and is not stored");
        AssertIteratesMatch(Rosenbrock, [-1.2, 1], memory, 12);
    }

    /// <summary>
    /// A line search that never finds a finite value (f = +infinity everywhere but at the start) is given up after its
    /// 60 halvings: the minimiser stops at the start after one iteration, not converged, f and the history unchanged,
    /// rather than moving to a point where f is infinite. The start is the origin, so every trial point x + t d with
    /// t = 2^-k / 2 differs from it (away from the origin the last trials would round back onto the start).
    /// </summary>
    [Test]
    public void LineSearchFindsNoFiniteValue_StopsAtTheLastAcceptedPoint()
    {
        static double F(ReadOnlySpan<double> x, Span<double> g)
        {
            g[0] = 2 * x[0] - 2; g[1] = 2 * x[1];
            return x[0] == 0 && x[1] == 0 ? 20 : double.PositiveInfinity;
        }
        var r = Lbfgs.Minimize(F, [0, 0], maxIterations: 50);
        Assert.That(r.Converged, Is.False);
        Assert.That(r.Iterations, Is.EqualTo(1));
        Assert.That(r.X, Is.EqualTo(new[] { 0.0, 0 }));
        Assert.That(r.Value, Is.EqualTo(20.0));
        Assert.That(r.History, Is.EqualTo(new[] { 20.0 }));
    }

    /// <summary>
    /// The Armijo test asks for a decrease: for f = x^2 from x = 1/4 the first step (t = min(1, 1 / |g|) = 1, d = -g = -1/2)
    /// lands on the mirror point -1/4 with the same value, which it must refuse (f(x + t d) &lt;= f(x) + 1e-4 t g d fails by
    /// 2.5e-5); the halved step reaches the minimum 0 exactly, where the gradient vanishes.
    /// </summary>
    [Test]
    public void StepWithoutDecrease_IsHalved()
    {
        static double F(ReadOnlySpan<double> x, Span<double> g) { g[0] = 2 * x[0]; return x[0] * x[0]; }
        var r = Lbfgs.Minimize(F, [0.25]);
        Assert.That(r.X, Is.EqualTo(new[] { 0.0 }));
        Assert.That(r.Iterations, Is.EqualTo(1));
        Assert.That(r.Converged, Is.True);
        Assert.That(r.History, Is.EqualTo(new[] { 0.0625, 0 }));
    }

    [Test]
    public void Quadratic_ConvergesToTheSolutionOfAxEqualsB()
    {
        var (f, a, b) = Quadratic();
        // a tolerance the decrease can resolve (|g|^2 / lambda ~ 1e-14 against the rounding of f ~ 1e-16, see the remarks)
        var r = Lbfgs.Minimize(f, [2, -1, 0, 1, 3], tolerance: 1e-7);
        TestContext.Out.WriteLine($"iterations {r.Iterations}");
        Assert.That(r.Converged, Is.True);
        // |x - x*| <= |g|_2 / lambda_min(A) <= 1e-7 sqrt(5) / 1
        NumericAssert.AllEqual(a.Solve(b).ToArray(), r.X, 2.3e-7, 0, "x* = A^-1 b");
        // L-BFGS with memory 10 on a 5-dimensional quadratic: a few dozen iterations at most (steepest descent with the
        // same line search needs hundreds at condition number 30)
        Assert.That(r.Iterations, Is.LessThanOrEqualTo(30));
    }

    [Test]
    public void StartAtTheMinimum_ReportsConvergenceWithoutAStep()
    {
        static double F(ReadOnlySpan<double> x, Span<double> g) { g[0] = 2 * (x[0] - 1); g[1] = 4 * x[1]; return (x[0] - 1) * (x[0] - 1) + 2 * x[1] * x[1]; }
        var r = Lbfgs.Minimize(F, [1, 0]);
        Assert.That(r.Converged, Is.True);
        Assert.That(r.Iterations, Is.EqualTo(0));
        Assert.That(r.History, Is.EqualTo(new[] { 0.0 }));
        Assert.That(r.X, Is.EqualTo(new[] { 1.0, 0 }));
    }

    [Test]
    public void BudgetExhausted_ReportsNotConverged()
    {
        var (f, _, _) = Quadratic();
        var r = Lbfgs.Minimize(f, [2, -1, 0, 1, 3], maxIterations: 3, tolerance: 1e-10);
        Assert.That(r.Converged, Is.False);
        Assert.That(r.Iterations, Is.EqualTo(3));
    }

    /// <summary>
    /// An objective with a floor that f cannot go below (f = max(q, 10) for a quadratic q): once on
    /// the floor no step decreases f, so the minimiser stops (stalled) after that iteration, not at the budget, and
    /// reports convergence only by the gradient criterion (the gradient of q there is not small: not converged).
    /// </summary>
    [Test]
    public void Stalled_StopsBeforeTheBudgetAndIsNotConverged()
    {
        static double F(ReadOnlySpan<double> x, Span<double> g)
        {
            double q = x[0] * x[0] + 4 * x[1] * x[1];
            g[0] = 2 * x[0]; g[1] = 8 * x[1];
            return Math.Max(q, 10);
        }
        var r = Lbfgs.Minimize(F, [3, 4], maxIterations: 200, tolerance: 1e-8);
        Assert.That(r.Converged, Is.False);
        Assert.That(r.Iterations, Is.LessThan(200), "stopped when no step decreased f");
        Assert.That(r.Value, Is.EqualTo(10.0));
    }
}
