using NeuralSpin.Ising;
using NeuralSpin.Ising.Inverse;
using NeuralSpin.Tests.Support;
using NUnit.Framework;

namespace NeuralSpin.Tests.Ising.Inverse;

/// <summary>
/// The joint pseudolikelihood path (<see cref="JointPlObjective"/>, <see cref="PlSolver.Joint"/>) against the per-spin
/// path (<see cref="PseudoLikelihood.SpinObjective"/>, <see cref="PlSolver.PerSpin"/>), which serves as the reference.
/// </summary>
public class JointPseudoLikelihoodTests
{
    [Test]
    public void JointObjectiveAndGradient_EqualTheSumOfPerSpinObjectives([Values(0.0, 0.01)] double l2)
    {
        // P2 21-22: L(Theta) = sum_r ell_r(theta_r), gradient row r = grad ell_r; M = 500 terms of O(1) per spin,
        // so both sums round at ~1e-14; 1e-12 leaves a margin for the different summation orders
        const int n = 7, m = 500;
        var data = ExactIsing.Sample(ExactIsing.RandomModel(n, 0.5, 0.3, new Random(31)), m, new Random(32));
        var rng = new Random(33);
        var theta = Enumerable.Range(0, n * n).Select(_ => 2 * rng.NextDouble() - 1).ToArray();
        var design = new PseudoLikelihood.Design(data, n);
        using var joint = new JointPlObjective(data, n, l2);
        var g = new double[n * n];
        var perSpin = new double[n];
        double total = joint.Evaluate(theta, g, perSpin);
        double sum = 0;
        for (int r = 0; r < n; r++)
        {
            var gr = new double[n];
            double fr = new PseudoLikelihood.SpinObjective(design, r, l2).Evaluate(theta.AsSpan(r * n, n), gr);
            sum += fr;
            NumericAssert.AreEqualAbsolute(fr, perSpin[r], 1e-12, $"ell_{r}");
            for (int j = 0; j < n; j++) NumericAssert.AreEqualAbsolute(gr[j], g[r * n + j], 1e-12, $"d ell_{r} / d theta_{j}");
        }
        NumericAssert.AreEqualAbsolute(sum, total, 1e-12, "L");
    }

    /// <summary>
    /// The joint objective sums over chunks of samples; chunks of 1, 3 and 4 rows (10 samples: the last chunk shorter) give
    /// the per-spin objectives and gradients of the unchunked reference (<see cref="PseudoLikelihood.SpinObjective"/>),
    /// within the rounding of sums of 10 terms of O(1) (1e-13).
    /// </summary>
    [TestCase(1)]
    [TestCase(3)]
    [TestCase(4)]
    public void ChunkedSums_EqualThePerSpinObjectives(int rowsPerChunk)
    {
        const int n = 5, m = 10;
        var data = ExactIsing.Sample(ExactIsing.RandomModel(n, 0.5, 0.3, new Random(41)), m, new Random(42));
        var rng = new Random(43);
        var theta = Enumerable.Range(0, n * n).Select(_ => 2 * rng.NextDouble() - 1).ToArray();
        var design = new PseudoLikelihood.Design(data, n);
        using var joint = new JointPlObjective(data, n, 0.01, rowsPerChunk * n);
        var g = new double[n * n];
        var perSpin = new double[n];
        joint.Evaluate(theta, g, perSpin);
        for (int r = 0; r < n; r++)
        {
            var gr = new double[n];
            double fr = new PseudoLikelihood.SpinObjective(design, r, 0.01).Evaluate(theta.AsSpan(r * n, n), gr);
            NumericAssert.AreEqualAbsolute(fr, perSpin[r], 1e-13, $"ell_{r}");
            for (int j = 0; j < n; j++) NumericAssert.AreEqualAbsolute(gr[j], g[r * n + j], 1e-13, $"d ell_{r} / d theta_{j}");
        }
    }

    [Test]
    public void NegativePenalty_IsRefused()
    {
        var data = new sbyte[] { 1, -1, -1, 1 };
        Assert.That(() => new JointPlObjective(data, 2, -1e-9), Throws.ArgumentException.With.Message.Contains("penalties must be non-negative"));
        Assert.That(() => new JointPlObjective(data, 2, double.NaN), Throws.ArgumentException.With.Message.Contains("penalties must be non-negative"));
    }

    /// <summary>
    /// A planted 30-spin model (every spin coupled to 4 random others, J = +-0.3, h ~ U(-0.2, 0.2)) sampled by heat-bath
    /// sweeps, one configuration per sweep after 200 sweeps of burn-in (seed <paramref name="seed"/>). Both solvers see the
    /// same data, so its correlations do not matter for their agreement.
    /// </summary>
    static sbyte[] PlantedData(int n, int samples, int seed)
    {
        var rng = new Random(seed);
        var j = new double[n * n];
        for (int i = 0; i < n; i++)
            for (int k = 0; k < 2; k++)
            {
                int b = rng.Next(n);
                if (b == i) continue;
                j[i * n + b] = j[b * n + i] = rng.Next(2) == 0 ? 0.3 : -0.3;
            }
        var h = Enumerable.Range(0, n).Select(_ => 0.4 * rng.NextDouble() - 0.2).ToArray();
        var s = Enumerable.Range(0, n).Select(_ => (sbyte)(rng.Next(2) * 2 - 1)).ToArray();
        var data = new sbyte[samples * n];
        for (int sweep = -200; sweep < samples; sweep++)
        {
            for (int i = 0; i < n; i++)
            {
                double field = h[i];
                for (int b = 0; b < n; b++) field += j[i * n + b] * s[b];
                s[i] = (sbyte)(rng.NextDouble() < 0.5 * (1 + Math.Tanh(field)) ? 1 : -1);
            }
            if (sweep >= 0) s.CopyTo(data, sweep * n);
        }
        return data;
    }

    /// <summary>
    /// Same estimator, same optimum (P2 21-22): the joint and the per-spin solvers agree on every row estimate, field and
    /// per-spin objective. Both stop at max |gradient| (L2) or max |gradient mapping| (L1) &lt;= 1e-7 (1e-8 is at the rounding
    /// floor of f, see Lbfgs.Minimize). With lambda_2 = 0.05 every spin's objective is 0.1-strongly convex, so each solution
    /// lies within |g|_2 / 0.1 &lt;= sqrt(30) 1e-7 / 0.1 = 5.5e-6 of the optimum (for FISTA the gradient mapping bounds the
    /// distance by twice that); two solutions then differ by at most 2.2e-5, the tolerance used. The objectives differ by
    /// at most |g|_2^2 / (2 mu) ~ 1e-12 per solution; 1e-10 leaves room for rounding.
    /// </summary>
    [TestCase(0.0)]
    [TestCase(0.02)]
    public void JointSolver_MatchesPerSpinSolver_OnPlanted30SpinModel(double l1)
    {
        const int n = 30;
        var data = PlantedData(n, 4000, 41);
        var opts = new PlOptions(L2: 0.05, L1: l1, Tolerance: 1e-7, MaxIterations: 5000);
        var joint = PseudoLikelihood.Fit(data, n, opts with { Solver = PlSolver.Joint });
        var perSpin = PseudoLikelihood.Fit(data, n, opts with { Solver = PlSolver.PerSpin });
        Assert.That(joint.Converged && perSpin.Converged, Is.True);
        double maxJ = 0, maxH = 0;
        for (int r = 0; r < n; r++)
        {
            maxH = Math.Max(maxH, Math.Abs(joint.Model.Field(r) - perSpin.Model.Field(r)));
            for (int c = 0; c < n; c++) maxJ = Math.Max(maxJ, Math.Abs(joint.RowCouplings[r * n + c] - perSpin.RowCouplings[r * n + c]));
            NumericAssert.AreEqualAbsolute(perSpin.Objective[r], joint.Objective[r], 1e-10, $"objective of spin {r}");
        }
        TestContext.Out.WriteLine($"L1 = {l1}: max |dJ_row| {maxJ:E2}, max |dh| {maxH:E2}; iterations joint {joint.Iterations[0]}, per spin {perSpin.Iterations.Min()}-{perSpin.Iterations.Max()}");
        Assert.That(maxJ, Is.LessThan(2.2e-5), "row couplings");
        Assert.That(maxH, Is.LessThan(2.2e-5), "fields");
        if (l1 > 0)
        {
            // soft-thresholding gives exact zeros on both paths; away from the threshold boundary they coincide
            int zerosJoint = joint.RowCouplings.Count(v => v == 0) - n, zerosPerSpin = perSpin.RowCouplings.Count(v => v == 0) - n;
            Assert.That(zerosJoint, Is.GreaterThan(0));
            Assert.That(Math.Abs(zerosJoint - zerosPerSpin), Is.LessThanOrEqualTo(2), "exact zeros of the L1 fit");
        }
    }

    [Test]
    public void JointSolver_WarmStartAtTheOptimum_NeedsNoIterations_AndRejectsBadStarts()
    {
        // a start whose rows already meet the tolerance is returned as is (the joint stopping rule is the per-spin one)
        const int n = 30;
        var data = PlantedData(n, 2000, 43);
        var opts = new PlOptions(L2: 0.05, Tolerance: 1e-7);
        var cold = PseudoLikelihood.Fit(data, n, opts with { Solver = PlSolver.PerSpin });
        var start = (double[])cold.RowCouplings.Clone();
        for (int r = 0; r < n; r++) start[r * n + r] = cold.Model.Field(r);
        var warm = PseudoLikelihood.Fit(data, n, opts with { Initial = start, Solver = PlSolver.Joint });
        Assert.That(warm.Converged, Is.True);
        Assert.That(warm.Iterations.Max(), Is.EqualTo(0));
        Assert.That(warm.RowCouplings, Is.EqualTo(cold.RowCouplings));
        var bad = (double[])start.Clone();
        bad[5] = double.NaN;
        Assert.Throws<ArgumentException>(() => PseudoLikelihood.Fit(data, n, opts with { Initial = bad, Solver = PlSolver.Joint }));
        Assert.Throws<ArgumentException>(() => PseudoLikelihood.Fit(data, n, opts with { Initial = new double[n * n - 1], Solver = PlSolver.Joint }));
    }
}
