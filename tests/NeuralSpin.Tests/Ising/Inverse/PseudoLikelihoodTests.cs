using NeuralSpin.Numerics;
using NeuralSpin.Ising;
using NeuralSpin.Ising.Inverse;
using NeuralSpin.Tests.Support;
using NUnit.Framework;

namespace NeuralSpin.Tests.Ising.Inverse;

/// <summary>
/// Pseudolikelihood (P2 21-22) on data sampled exactly from planted models (<see cref="ExactIsing"/>), in the
/// style of GraphicalModelLearning.jl's recovery tests: the error thresholds shrink with the sample size.
/// </summary>
public class PseudoLikelihoodTests
{
    const int ModelSeed = 2024;
    const int GradientSeed = 5;
    static readonly int[] SampleSeeds = { 11, 12, 13 };

    /// <summary>N = 6, J_ij ~ U(-0.5, 0.5), h_i ~ U(-0.3, 0.3): frustrated, moderately coupled.</summary>
    static IsingModel Planted() => ExactIsing.RandomModel(6, 0.5, 0.3, new Random(ModelSeed));

    [Test]
    public void Gradient_MatchesCentralFiniteDifferences([Values(0.0, 0.01)] double l2)
    {
        var model = Planted();
        var data = ExactIsing.Sample(model, 500, new Random(GradientSeed));
        var design = new PseudoLikelihood.Design(data, 6);
        var rng = new Random(GradientSeed);
        for (int r = 0; r < 6; r++)
        {
            var obj = new PseudoLikelihood.SpinObjective(design, r, l2);
            var theta = Enumerable.Range(0, 6).Select(_ => rng.NextDouble() - 0.5).ToArray();
            var g = new double[6];
            obj.Evaluate(theta, g);
            var scratch = new double[6];
            const double step = 1e-5;
            for (int k = 0; k < 6; k++)
            {
                var p = (double[])theta.Clone(); p[k] += step;
                var q = (double[])theta.Clone(); q[k] -= step;
                double fd = (obj.Evaluate(p, scratch) - obj.Evaluate(q, scratch)) / (2 * step);
                // central differences: truncation ~ step^2 f''' ~ 1e-10, rounding ~ 1e-16 / step ~ 1e-11
                NumericAssert.AreEqualAbsolute(fd, g[k], 1e-8, $"spin {r}, d/dtheta_{k}");
            }
        }
    }

    [TestCase(PlSolver.PerSpin)]
    [TestCase(PlSolver.Joint)]
    public void Model_IsTheSymmetrisedAverageOfThePerSpinRows(PlSolver solver)
    {
        // P2 21-22 / docs/theory.md section 7: spin r's regression gives its own J_rj^(r); the model is
        // J_ij = (J_ij^(i) + J_ji^(j)) / 2, symmetric, with h_i = h_i^(i). The premise: at M = 400 the two estimates of
        // a bond differ by their statistical error (~M^-1/2 = 0.05), so keeping one row or the other is visible.
        // Exact to rounding of one addition and halving (1e-15 at |J| < 1).
        var data = ExactIsing.Sample(Planted(), 400, new Random(SampleSeeds[0]));
        var fit = PseudoLikelihood.Fit(data, 6, new PlOptions(Solver: solver));
        const int n = 6;
        double largestAsymmetry = 0;
        for (int a = 0; a < n; a++)
            for (int b = 0; b < n; b++)
            {
                if (a == b) { Assert.That(fit.Model.Coupling(a, a), Is.EqualTo(0.0), "zero diagonal"); continue; }
                double ab = fit.RowCouplings[a * n + b], ba = fit.RowCouplings[b * n + a];
                largestAsymmetry = Math.Max(largestAsymmetry, Math.Abs(ab - ba));
                NumericAssert.AreEqualAbsolute(0.5 * (ab + ba), fit.Model.Coupling(a, b), 1e-15, $"J_{a}{b}");
            }
        Assert.That(largestAsymmetry, Is.GreaterThan(0.01), "premise: the per-spin rows differ at finite M");
    }

    [Test]
    public void Objective_EqualsNaiveConditionalLogLikelihood()
    {
        var model = Planted();
        var data = ExactIsing.Sample(model, 200, new Random(GradientSeed));
        var design = new PseudoLikelihood.Design(data, 6);
        const int r = 2;
        var theta = new[] { 0.1, -0.2, 0.05, 0.3, -0.4, 0.25 }; // theta_r = h_r
        double naive = 0;
        for (int mu = 0; mu < 200; mu++)
        {
            double H = theta[r];
            for (int j = 0; j < 6; j++) if (j != r) H += theta[j] * data[mu * 6 + j];
            double s = data[mu * 6 + r];
            naive -= Math.Log(Math.Exp(s * H) / (2 * Math.Cosh(H)));
        }
        naive /= 200;
        double f = new PseudoLikelihood.SpinObjective(design, r, 0).Evaluate(theta, new double[6]);
        NumericAssert.AreEqualAbsolute(naive, f, 1e-13, "ell_r"); // 200 terms of O(1): rounding ~1e-14
    }

    [Test]
    public void LbfgsObjective_DecreasesMonotonically_AndReachesTheTolerance()
    {
        // 1e-7 is reachable at M = 2,000 (measured: converged in 10-12 iterations per spin); 1e-8 is at the
        // rounding floor of f and stalls for some spins (documented in Lbfgs.Minimize)
        var data = ExactIsing.Sample(Planted(), 2000, new Random(SampleSeeds[0]));
        var design = new PseudoLikelihood.Design(data, 6);
        var opts = new PlOptions(L2: 1e-3, Tolerance: 1e-7);
        for (int r = 0; r < 6; r++)
        {
            var fit = PseudoLikelihood.FitSpin(design, r, opts);
            Assert.That(fit.Converged, Is.True, $"spin {r}");
            for (int k = 1; k < fit.History.Length; k++)
                Assert.That(fit.History[k], Is.LessThanOrEqualTo(fit.History[k - 1]), $"spin {r}, step {k}");
        }
    }

    /// <summary>
    /// Recovery with thresholds shrinking with M. For this model the per-coupling standard error of PL,
    /// measured as the RMS error over seeds, is about 0.6 / sqrt(M) (0.019 at M = 1,000, 0.006 at 10,000), so
    /// the thresholds 0.15 and 0.05 are ~8 standard errors above zero for the maximum over 15 couplings:
    /// a false failure has probability far below 1e-6 per run. The seeds are fixed, so the run is deterministic.
    /// </summary>
    [TestCase(1000, 0.15)]
    [TestCase(10000, 0.05)]
    public void Recovery_MaxCouplingError_BelowThresholdThatShrinksWithSamples(int samples, double threshold)
    {
        var model = Planted();
        foreach (int seed in SampleSeeds)
        {
            var data = ExactIsing.Sample(model, samples, new Random(seed));
            var fit = PseudoLikelihood.Fit(data, 6, new PlOptions());
            Assert.That(fit.Converged, Is.True);
            double err = ExactIsing.MaxCouplingError(model, fit.Model);
            double herr = ExactIsing.MaxFieldError(model, fit.Model);
            TestContext.Out.WriteLine($"M = {samples}, seed {seed}: max |dJ| = {err:F4}, rms {ExactIsing.RmsCouplingError(model, fit.Model):F4}, max |dh| = {herr:F4}");
            Assert.That(err, Is.LessThan(threshold), $"seed {seed}");
            Assert.That(herr, Is.LessThan(threshold), $"fields, seed {seed}");
        }
    }

    [Test]
    public void Recovery_ErrorFallsLikeInverseSqrtSamples()
    {
        // RMS error averaged over seeds: the ratio between M = 1,000 and 16,000 should be ~1/4 (M^-1/2);
        // with 3 seeds x 15 couplings the RMS is known to ~10%, so 0.4 is a safe upper bound for the ratio
        var model = Planted();
        double Err(int m) => SampleSeeds.Average(seed =>
            ExactIsing.RmsCouplingError(model, PseudoLikelihood.Fit(ExactIsing.Sample(model, m, new Random(seed)), 6).Model));
        double e1 = Err(1000), e2 = Err(16000);
        TestContext.Out.WriteLine($"rms error {e1:F4} (M = 1000) -> {e2:F4} (M = 16000), ratio {e2 / e1:F3}");
        Assert.That(e2 / e1, Is.LessThan(0.4).And.GreaterThan(0.12));
    }

    [Test]
    public void L1_RecoversZeroPatternOfSparseModel_BetterThanL2()
    {
        // N = 8 ring, |J| = 0.6 with alternating signs, h = 0.1: 8 edges, 20 zero pairs
        const int n = 8;
        var j = new double[n * n];
        for (int i = 0; i < n; i++)
        {
            int k = (i + 1) % n;
            double v = i % 2 == 0 ? 0.6 : -0.6;
            j[i * n + k] = v; j[k * n + i] = v;
        }
        var h = Enumerable.Repeat(0.1, n).ToArray();
        var model = new IsingModel(n, j, h);
        var data = ExactIsing.Sample(model, 2000, new Random(SampleSeeds[0]));
        var l2 = PseudoLikelihood.Fit(data, n, new PlOptions(L2: 1e-3)).Model;
        // lambda_1 ~ sqrt(ln N / M) ~ 0.03 (Ravikumar et al. 2010) 
        var l1 = PseudoLikelihood.Fit(data, n, new PlOptions(L1: 0.03, Tolerance: 1e-8)).Model;
        int zerosL1 = 0, zerosL2 = 0, edgesKeptL1 = 0;
        double massL1 = 0, massL2 = 0;
        for (int a = 0; a < n; a++)
            for (int b = a + 1; b < n; b++)
            {
                bool edge = model.Coupling(a, b) != 0;
                if (edge) { if (l1.Coupling(a, b) * model.Coupling(a, b) > 0) edgesKeptL1++; continue; }
                if (l1.Coupling(a, b) == 0) zerosL1++;
                if (l2.Coupling(a, b) == 0) zerosL2++;
                massL1 += Math.Abs(l1.Coupling(a, b));
                massL2 += Math.Abs(l2.Coupling(a, b));
            }
        TestContext.Out.WriteLine($"exact zeros on 20 non-edges: L1 {zerosL1}, L2 {zerosL2}; |J| mass on non-edges: L1 {massL1:F4}, L2 {massL2:F4}; edges with the right sign under L1: {edgesKeptL1}/8");
        Assert.That(edgesKeptL1, Is.EqualTo(8), "L1 keeps every edge with its sign");
        Assert.That(zerosL1, Is.GreaterThan(zerosL2));
        Assert.That(zerosL1, Is.GreaterThanOrEqualTo(14), "most non-edges exactly zero");
        Assert.That(massL1, Is.LessThan(0.5 * massL2));
    }

    [Test]
    public void WarmStart_ReachesTheSameOptimum_InFewerIterations()
    {
        // The PL objective is strictly convex with L2 > 0, so a warm start changes the path, not the optimum: cold and warm
        // fits agree to the solver's accuracy (gradient tolerance 1e-7 over curvature >= 2 L2 = 0.02: 5e-6 per estimate;
        // 2e-5 allows for the symmetrisation of two rows). Starting at the optimum itself needs (almost) no iterations.
        var data = ExactIsing.Sample(Planted(), 2000, new Random(SampleSeeds[0]));
        var opts = new PlOptions(L2: 1e-2, Tolerance: 1e-7, Threads: 1);
        var cold = PseudoLikelihood.Fit(data, 6, opts);
        var start = new double[36];
        for (int i = 0; i < 6; i++)
        {
            for (int j = 0; j < 6; j++) if (i != j) start[i * 6 + j] = 0.5 * cold.Model.Coupling(i, j);
            start[i * 6 + i] = cold.Model.Field(i);
        }
        var warm = PseudoLikelihood.Fit(data, 6, opts with { Initial = start });
        Assert.That(cold.Converged && warm.Converged, Is.True);
        for (int i = 0; i < 6; i++)
        {
            NumericAssert.AreEqualAbsolute(cold.Model.Field(i), warm.Model.Field(i), 2e-5, $"h {i}");
            for (int j = 0; j < 6; j++) NumericAssert.AreEqualAbsolute(cold.Model.Coupling(i, j), warm.Model.Coupling(i, j), 2e-5, $"J {i}{j}");
        }
        var again = PseudoLikelihood.Fit(data, 6, opts with { Initial = cold.RowCouplings.Select((v, k) => k % 7 == 0 ? cold.Model.Field(k / 7) : v).ToArray() });
        Assert.That(again.Iterations.Max(), Is.LessThanOrEqualTo(1), "started at the per-spin optima");
        Assert.Throws<ArgumentException>(() => PseudoLikelihood.Fit(data, 6, opts with { Initial = new double[35] }));
    }

    /// <summary>
    /// Converged holds only when every spin met the tolerance. Eight configurations with m_0 = 0, m_1 = 1/2 and
    /// &lt;s_0 s_1&gt; = 0: spin 0's gradient at theta = 0, (-m_0 field, -&lt;s_0 s_1&gt; coupling), is zero, so it has converged
    /// before any iteration; spin 1's field gradient is -m_1 = -1/2 and after one L-BFGS step (to h_1 = 1/2) it is
    /// tanh(1/2) - 1/2 = -0.038, far above the tolerance 1e-6, so with MaxIterations = 1 the fit has not converged; with the
    /// default budget both spins converge.
    /// </summary>
    [Test]
    public void Converged_IsFalse_WhenASingleSpinFails()
    {
        sbyte[] x = [1, 1, 1, 1, 1, 1, 1, -1, -1, 1, -1, 1, -1, 1, -1, -1];
        var once = new PlOptions(MaxIterations: 1);
        var design = new PseudoLikelihood.Design(x, 2);
        var spin0 = PseudoLikelihood.FitSpin(design, 0, once);
        Assert.That((spin0.Converged, spin0.Iterations), Is.EqualTo((true, 0)), "spin 0 starts at its optimum");
        Assert.That(PseudoLikelihood.FitSpin(design, 1, once).Converged, Is.False, "spin 1 after one step");
        Assert.That(PseudoLikelihood.Fit(x, 2, once).Converged, Is.False, "one spin failed");
        Assert.That(PseudoLikelihood.Fit(x, 2).Converged, Is.True, "both spins converge with the default budget");
    }
}
