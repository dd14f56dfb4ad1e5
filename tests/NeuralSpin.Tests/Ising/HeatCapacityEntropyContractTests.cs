using NeuralSpin.Ising;
using NeuralSpin.Tests.Support;
using NUnit.Framework;
using static NeuralSpin.Tests.Support.ArgumentCheck;

namespace NeuralSpin.Tests.Ising;

/// <summary>
/// <see cref="HeatCapacityEntropy"/> written out (<see cref="MonteCarloTests"/> checks it against enumeration within
/// quadrature and statistical tolerances): ln Z = N ln 2 - sum_k w_k E_k, S = ln Z + beta E_K,
/// Var S = sum_{k &lt; K} w_k^2 sigma_k^2 + (beta - w_K)^2 sigma_K^2 and the quadrature error estimates, each on a small grid
/// with the weights and sums worked out by hand in the doc comments; the argument checks one by one; and
/// <see cref="HeatCapacityEntropy.Estimate"/>'s grid and plumbing against the Monte Carlo runs it is made of.
/// Grids and energies are dyadic; the only rounding is in N ln 2 and in thirds (Simpson), hence 1e-14.
/// </summary>
public class HeatCapacityEntropyContractTests
{
    const double Tol = 1e-14;
    static readonly double Ln2 = Math.Log(2);

    static HeatCapacityEntropyResult Integrate(double[] betas, double[]? energies = null, double[]? errors = null,
        QuadratureRule rule = QuadratureRule.Trapezoid, int n = 2) =>
        HeatCapacityEntropy.Integrate(n, betas, energies ?? new double[betas.Length], errors ?? new double[betas.Length], rule);

    static IEnumerable<TestCaseData> Checks()
    {
        double[] two = [0, 1], zeros2 = [0, 0];
        yield return Null("Integrate: betas not null", "betas", () => HeatCapacityEntropy.Integrate(1, null!, zeros2, zeros2, QuadratureRule.Trapezoid)).ToCase();
        yield return Null("Integrate: mean energies not null", "meanEnergies", () => HeatCapacityEntropy.Integrate(1, two, null!, zeros2, QuadratureRule.Trapezoid)).ToCase();
        yield return Null("Integrate: standard errors not null", "standardErrors", () => HeatCapacityEntropy.Integrate(1, two, zeros2, null!, QuadratureRule.Trapezoid)).ToCase();
        yield return Arg("Integrate: at least two points", null, "at least two points", () => Integrate([0])).ToCase();
        yield return Arg("Integrate: one mean energy per point", null, "one mean energy and one standard error per grid point",
            () => HeatCapacityEntropy.Integrate(1, two, [0], zeros2, QuadratureRule.Trapezoid)).ToCase();
        yield return Arg("Integrate: one standard error per point", null, "one mean energy and one standard error per grid point",
            () => HeatCapacityEntropy.Integrate(1, two, zeros2, [0, 0, 0], QuadratureRule.Trapezoid)).ToCase();
        yield return Arg("Integrate: the grid starts at 0", null, "must start at beta = 0", () => Integrate([0.5, 1])).ToCase();
        yield return Arg("Integrate: the grid increases (a repeated point)", null, "the grid must increase", () => Integrate([0, 0.5, 0.5])).ToCase();
        yield return Arg("Integrate: the grid increases (the last step)", null, "the grid must increase", () => Integrate([0, 1, 0.5])).ToCase();
        yield return Arg("Integrate: the grid increases (NaN)", null, "the grid must increase", () => Integrate([0, double.NaN])).ToCase();
        yield return Arg("Integrate: Simpson needs an even number of intervals", null, "Simpson's rule needs a uniform grid",
            () => Integrate([0, 0.5, 1, 1.5], rule: QuadratureRule.Simpson)).ToCase();
        yield return Arg("Integrate: Simpson needs a uniform grid (the first interior point)", null, "Simpson's rule needs a uniform grid",
            () => Integrate([0, 0.375, 0.5, 0.75, 1], rule: QuadratureRule.Simpson)).ToCase();
        yield return Arg("Integrate: Simpson needs a uniform grid (the last interior point)", null, "Simpson's rule needs a uniform grid",
            () => Integrate([0, 0.25, 0.5, 0.875, 1], rule: QuadratureRule.Simpson)).ToCase();
        var model = new IsingModel(1, [0], [0.5], beta: 1);
        var options = new MonteCarloOptions { BurnInSweeps = 1, Samples = 20 };
        yield return Null("Estimate: model not null", "model", () => HeatCapacityEntropy.Estimate(null!, 2, options, new Random(1))).ToCase();
        yield return Arg("Estimate: at least one interval", null, "at least one interval", () => HeatCapacityEntropy.Estimate(model, 0, options, new Random(1))).ToCase();
        yield return Arg("Estimate: beta positive", null, "the model's beta must be positive",
            () => HeatCapacityEntropy.Estimate(model.WithBeta(0), 2, options, new Random(1))).ToCase();
    }

    [TestCaseSource(nameof(Checks))]
    public void BadArguments_AreRefused(ArgumentCheck check) => check.Verify();

    /// <summary>Two points (one trapezoid interval, beta = 1, w = 1/2, 1/2): ln Z = N ln 2 - (E_0 + E_1)/2 and
    /// S = ln Z + E_1; with E = (-2, -4) and N = 3: ln Z = 3 ln 2 + 3, S = 3 ln 2 - 1; Var S = (1/2)^2 (1/2)^2 + (1 - 1/2)^2 (1/4)^2
    /// = 1/16 + 1/64 = 5/64. No second rule applies to one interval: the estimate is NaN.</summary>
    [Test]
    public void TwoPoints_AreTheSmallestGrid()
    {
        var r = HeatCapacityEntropy.Integrate(3, [0, 1], [-2, -4], [0.5, 0.25], QuadratureRule.Trapezoid);
        Assert.That(r.LogZ, Is.EqualTo(3 * Ln2 + 3).Within(Tol));
        Assert.That(r.Entropy, Is.EqualTo(3 * Ln2 - 1).Within(Tol));
        Assert.That(r.StandardError, Is.EqualTo(Math.Sqrt(5.0 / 64)).Within(Tol));
        Assert.That(r.QuadratureErrorEstimate, Is.NaN);
    }

    /// <summary>
    /// Trapezoid on the non-uniform grid 0, 1/2, 1, 2 (three intervals, so no Simpson rule and a NaN estimate), N = 3,
    /// E = (-1, -2, -4, -8), sigma = (1/2, 1/4, 1/2, 1/4). Weights h_k/2 to both ends: w = (1/4, 1/2, 3/4, 1/2);
    /// integral = -1/4 - 1 - 3 - 4 = -33/4; ln Z = 3 ln 2 + 33/4; S = ln Z + 2 (-8) = 3 ln 2 - 31/4;
    /// Var S = (1/16)(1/4) + (1/4)(1/16) + (9/16)(1/4) + (2 - 1/2)^2 (1/16) = 1/64 + 1/64 + 9/64 + 9/64 = 5/16.
    /// The result carries the inputs unchanged.
    /// </summary>
    [Test]
    public void Trapezoid_OnANonUniformGrid_ByHand()
    {
        double[] betas = [0, 0.5, 1, 2], e = [-1, -2, -4, -8], se = [0.5, 0.25, 0.5, 0.25];
        var r = HeatCapacityEntropy.Integrate(3, betas, e, se, QuadratureRule.Trapezoid);
        Assert.That(r.LogZ, Is.EqualTo(3 * Ln2 + 33.0 / 4).Within(Tol));
        Assert.That(r.Entropy, Is.EqualTo(3 * Ln2 - 31.0 / 4).Within(Tol));
        Assert.That(r.StandardError, Is.EqualTo(Math.Sqrt(5.0 / 16)).Within(Tol));
        Assert.That(r.QuadratureErrorEstimate, Is.NaN, "three intervals: no Simpson rule to compare with");
        Assert.That(r.Betas, Is.SameAs(betas));
        Assert.That(r.MeanEnergies, Is.SameAs(e));
        Assert.That(r.EnergyErrors, Is.SameAs(se));
        Assert.That(Integrate([0, 0.25, 1], [0, -1, -6]).QuadratureErrorEstimate, Is.NaN, "an even but non-uniform grid: no Simpson rule either");
    }

    /// <summary>
    /// On the uniform grid 0, 1/2, 1 with E = (0, -1, -6), N = 2: trapezoid w = (1/4, 1/2, 1/4), integral -2; Simpson
    /// w = (1, 4, 1)/6, integral -10/6 = -5/3. Trapezoid: ln Z = 2 ln 2 + 2, S = 2 ln 2 - 4, estimate |T - S| = 1/3.
    /// Simpson (two intervals, not a multiple of four): ln Z = 2 ln 2 + 5/3, S = 2 ln 2 - 13/3, estimate |S - T| = 1/3.
    /// Simpson's Var S with sigma = (1/2, 1/2, 1/2): (1/36 + 16/36) / 4 + (1 - 1/6)^2 / 4 = 17/144 + 25/144 = 42/144.
    /// </summary>
    [Test]
    public void TwoIntervals_TrapezoidAndSimpson_EstimateEachOther()
    {
        double[] betas = [0, 0.5, 1], e = [0, -1, -6], se = [0.5, 0.5, 0.5];
        var t = HeatCapacityEntropy.Integrate(2, betas, e, se, QuadratureRule.Trapezoid);
        Assert.That(t.LogZ, Is.EqualTo(2 * Ln2 + 2).Within(Tol));
        Assert.That(t.Entropy, Is.EqualTo(2 * Ln2 - 4).Within(Tol));
        Assert.That(t.QuadratureErrorEstimate, Is.EqualTo(1.0 / 3).Within(Tol));
        var s = HeatCapacityEntropy.Integrate(2, betas, e, se, QuadratureRule.Simpson);
        Assert.That(s.LogZ, Is.EqualTo(2 * Ln2 + 5.0 / 3).Within(Tol));
        Assert.That(s.Entropy, Is.EqualTo(2 * Ln2 - 13.0 / 3).Within(Tol));
        Assert.That(s.QuadratureErrorEstimate, Is.EqualTo(1.0 / 3).Within(Tol));
        Assert.That(s.StandardError, Is.EqualTo(Math.Sqrt(42.0 / 144)).Within(Tol));
    }

    /// <summary>
    /// Simpson with four intervals (h = 1/4, w = (1, 4, 2, 4, 1)/12), N = 2, E = (0, -1, -3, -4, -6): integral
    /// (0 - 4 - 6 - 16 - 6)/12 = -8/3 (swapping the 4s and 2s would give -28/12); ln Z = 2 ln 2 + 8/3, S = ln Z - 6.
    /// Richardson: the coarse grid 0, 1/2, 1 with E = (0, -3, -6) gives (0 - 12 - 6)/6 = -3, so the estimate is
    /// |-8/3 + 3| / 15 = 1/45. Var S with sigma = (1/2, 1/4, 1/2, 1/4, 1/2):
    /// (1 (1/4) + 16 (1/16) + 4 (1/4) + 16 (1/16) + 11^2 (1/4)) / 144 = (1/4 + 1 + 1 + 1 + 121/4) / 144 = 33.5 / 144.
    /// </summary>
    [Test]
    public void Simpson_FourIntervals_RichardsonEstimate()
    {
        var r = HeatCapacityEntropy.Integrate(2, [0, 0.25, 0.5, 0.75, 1], [0, -1, -3, -4, -6], [0.5, 0.25, 0.5, 0.25, 0.5], QuadratureRule.Simpson);
        Assert.That(r.LogZ, Is.EqualTo(2 * Ln2 + 8.0 / 3).Within(Tol));
        Assert.That(r.Entropy, Is.EqualTo(2 * Ln2 + 8.0 / 3 - 6).Within(Tol));
        Assert.That(r.QuadratureErrorEstimate, Is.EqualTo(1.0 / 45).Within(Tol));
        Assert.That(r.StandardError, Is.EqualTo(Math.Sqrt(33.5 / 144)).Within(Tol));
    }

    /// <summary>A grid of decimals 0, 0.1, 0.2, 0.3, 0.4 (0.3 is one ulp below 3 x 0.1 in float64) is uniform for
    /// Simpson within rounding; constant E = -1 integrates to -0.4 exactly up to rounding, so ln Z = N ln 2 + 0.4.</summary>
    [Test]
    public void Simpson_AcceptsAGridUniformUpToRounding()
    {
        double[] betas = [0, 0.1, 0.2, 0.3, 0.4];
        var r = Integrate(betas, [-1, -1, -1, -1, -1], rule: QuadratureRule.Simpson, n: 1);
        Assert.That(r.LogZ, Is.EqualTo(Ln2 + 0.4).Within(Tol));
    }

    /// <summary>
    /// Estimate: intervals + 1 independent chains at beta_k = beta k / intervals (here 0, 1/4, 1/2: exact), each the
    /// <see cref="MonteCarlo.Run(IsingModel, MonteCarloOptions, Random)"/> of the model at beta_k drawing in turn from the one
    /// random source, with its energy mean and its batch-means error for the given batch count; then the rule on them:
    /// Simpson S = N ln 2 - (h/3)(E_0 + 4 E_1 + E_2) + beta E_2 and trapezoid S = N ln 2 - (h/2)(E_0 + 2 E_1 + E_2) + beta E_2, h = 1/4.
    /// The expected means come from the same chains run here directly (the integration is the part under test).
    /// </summary>
    [Test]
    public void Estimate_RunsOneChainPerGridPoint_AndIntegratesThem()
    {
        var model = new IsingModel(2, [0, 0.5, 0.5, 0], [0.25, -0.5], beta: 0.5);
        var options = new MonteCarloOptions { BurnInSweeps = 5, Samples = 200 };
        const int batches = 10;
        double[] betas = [0, 0.25, 0.5];
        var rng = new Random(2026);
        var runs = betas.Select(b => MonteCarlo.Run(model.WithBeta(b), options, rng)).ToArray();
        var e = runs.Select(r => r.Energy.Mean).ToArray();
        var se = runs.Select(r => r.EnergyStandardError(batches)).ToArray();
        Assert.That(e.Distinct().Count(), Is.EqualTo(3), "the chains differ (the comparison is not between constants)");

        var simpson = HeatCapacityEntropy.Estimate(model, 2, options, new Random(2026), batches: batches);
        Assert.That(simpson.Betas, Is.EqualTo(betas).AsCollection);
        Assert.That(simpson.MeanEnergies, Is.EqualTo(e).AsCollection);
        Assert.That(simpson.EnergyErrors, Is.EqualTo(se).AsCollection);
        Assert.That(simpson.Entropy, Is.EqualTo(2 * Ln2 - 0.25 / 3 * (e[0] + 4 * e[1] + e[2]) + 0.5 * e[2]).Within(Tol));
        var trapezoid = HeatCapacityEntropy.Estimate(model, 2, options, new Random(2026), QuadratureRule.Trapezoid, batches);
        Assert.That(trapezoid.Entropy, Is.EqualTo(2 * Ln2 - 0.125 * (e[0] + 2 * e[1] + e[2]) + 0.5 * e[2]).Within(Tol));
    }

    /// <summary>One interval is enough (with the trapezoid rule): betas 0 and beta.</summary>
    [Test]
    public void Estimate_OneInterval_IsAccepted()
    {
        var model = new IsingModel(1, [0], [0.5], beta: 0.5);
        var r = HeatCapacityEntropy.Estimate(model, 1, new MonteCarloOptions { BurnInSweeps = 1, Samples = 40 }, new Random(3), QuadratureRule.Trapezoid);
        Assert.That(r.Betas, Is.EqualTo(new[] { 0, 0.5 }).AsCollection);
    }
}
