using NeuralSpin.Ising;
using NeuralSpin.Ising.Inverse;
using NeuralSpin.Tests.Support;
using NUnit.Framework;

namespace NeuralSpin.Tests.Ising.Inverse;

/// <summary>Boltzmann learning (P2 5) with exact model moments from <see cref="ExactIsing.Moments"/> as the delegate.</summary>
public class BoltzmannLearningTests
{
    const int ModelSeed = 2024;
    const int SampleSeed = 31;

    static IsingModel Planted() => ExactIsing.RandomModel(6, 0.5, 0.3, new Random(ModelSeed));

    [Test]
    public void ExactMoments_ReproducesDataMoments_AndRecoversPlantedModel()
    {
        var model = Planted();
        const int samples = 20000;
        var mom = SampleMoments.From(ExactIsing.Sample(model, samples, new Random(SampleSeed)), 6);
        const double tol = 1e-7;
        var fit = BoltzmannLearning.Fit(mom.Magnetizations, mom.Correlations, 6, ExactIsing.Moments,
            new BoltzmannOptions(Eta: 0.3, Tolerance: tol, MaxSteps: 20000));
        TestContext.Out.WriteLine($"steps {fit.Steps}, rms {fit.RmsDeviation:E2}, max |dJ| {ExactIsing.MaxCouplingError(model, fit.Model):F4}, max |dh| {ExactIsing.MaxFieldError(model, fit.Model):F4}");
        Assert.That(fit.Converged, Is.True);
        // independent check of the learned model's moments against the data
        var (m, c) = ExactIsing.Moments(fit.Model);
        Assert.That(BoltzmannLearning.RmsDeviation(mom.Magnetizations, mom.Correlations, m, c, 6), Is.LessThan(tol));
        // maximum likelihood at M = 20,000: standard error ~0.6 / sqrt(M) ~ 0.004 per coupling (as for PL,
        // measured in PseudoLikelihoodTests), so 0.04 is ~10 standard errors for the max over 15 couplings
        Assert.That(ExactIsing.MaxCouplingError(model, fit.Model), Is.LessThan(0.04));
        Assert.That(ExactIsing.MaxFieldError(model, fit.Model), Is.LessThan(0.04));
        // the RMS deviation trace decreases overall (gradient ascent on a concave log-likelihood)
        Assert.That(fit.History[^1], Is.LessThan(1e-3 * fit.History[0]));
    }

    [Test]
    public void ExactModelMoments_AsData_ReturnPlantedModelToHighAccuracy()
    {
        // with exact moments as data the maximum-likelihood model is the planted one; moment tolerance
        // 1e-10 translates through the Fisher matrix (eigenvalues ~0.1-3 here) into ~1e-9 in the parameters
        var model = Planted();
        var (m, c) = ExactIsing.Moments(model);
        var fit = BoltzmannLearning.Fit(m, c, 6, ExactIsing.Moments, new BoltzmannOptions(Eta: 0.3, Tolerance: 1e-10, MaxSteps: 50000));
        Assert.That(fit.Converged, Is.True);
        Assert.That(ExactIsing.MaxCouplingError(model, fit.Model), Is.LessThan(1e-8));
        Assert.That(ExactIsing.MaxFieldError(model, fit.Model), Is.LessThan(1e-8));
    }

    [Test]
    public void L1ProximalStep_ZeroesSmallCouplings_AndShrinksTheRest()
    {
        // data = the initial model's own moments, so the gradient vanishes and one step is the pure
        // proximal map: |J| <= eta lambda_1 = 0.02 becomes exactly 0, larger |J| shrink by 0.02
        var j = new double[16];
        void Set(int a, int b, double v) { j[a * 4 + b] = v; j[b * 4 + a] = v; }
        Set(0, 1, 0.5); Set(1, 2, -0.01); Set(2, 3, 0.015); Set(0, 3, -0.3);
        var init = new IsingModel(4, j, new[] { 0.1, 0.0, -0.2, 0.05 });
        var (m, c) = ExactIsing.Moments(init);
        var fit = BoltzmannLearning.Fit(m, c, 4, ExactIsing.Moments,
            new BoltzmannOptions(Eta: 0.1, L1: 0.2, Tolerance: 0, MaxSteps: 1, Initial: init));
        Assert.That(fit.Steps, Is.EqualTo(1));
        Assert.That(fit.Model.Coupling(1, 2), Is.EqualTo(0.0));
        Assert.That(fit.Model.Coupling(2, 3), Is.EqualTo(0.0));
        NumericAssert.AreEqualAbsolute(0.48, fit.Model.Coupling(0, 1), 1e-15, "shrunk by eta lambda_1");
        NumericAssert.AreEqualAbsolute(-0.28, fit.Model.Coupling(0, 3), 1e-15, "shrunk by eta lambda_1");
        for (int i = 0; i < 4; i++) NumericAssert.AreEqualAbsolute(init.Field(i), fit.Model.Field(i), 1e-15, $"h_{i} unchanged");
    }

    [Test]
    public void L1_ZeroesDistantNonEdgesOfAChain_WhereL2DoesNot()
    {
        // Exact moments of a 5-spin open chain. The L1-penalised maximum-likelihood model has a non-edge
        // J_ij = 0 exactly when |<s_i s_j>_data - <s_i s_j>_model| <= lambda_1 there. Shrinking the edges by
        // O(lambda_1) shifts the second-neighbour correlations by more than lambda_1, so the optimum keeps
        // second-neighbour couplings of order lambda_1 (measured ~0.4 lambda_1, identical after 3,000 and
        // 20,000 steps, i.e. converged); the pairs at distance >= 3 are exactly zero. L2 leaves no exact zeros.
        const int n = 5;
        const double lambda1 = 0.02;
        var j = new double[n * n];
        for (int i = 0; i + 1 < n; i++) { j[i * n + i + 1] = 0.7; j[(i + 1) * n + i] = 0.7; }
        var chain = new IsingModel(n, j, new double[] { 0.2, -0.1, 0.0, 0.1, 0.3 });
        var (m, c) = ExactIsing.Moments(chain);
        var l1 = BoltzmannLearning.Fit(m, c, n, ExactIsing.Moments, new BoltzmannOptions(Eta: 0.2, L1: lambda1, Tolerance: 0, MaxSteps: 3000)).Model;
        var l2 = BoltzmannLearning.Fit(m, c, n, ExactIsing.Moments, new BoltzmannOptions(Eta: 0.2, L2: 0.05, Tolerance: 0, MaxSteps: 3000)).Model;
        int zerosL2 = 0;
        for (int a = 0; a < n; a++)
            for (int b = a + 2; b < n; b++)
            {
                if (b - a >= 3) Assert.That(l1.Coupling(a, b), Is.EqualTo(0.0), $"L1, distant pair ({a},{b})");
                else Assert.That(Math.Abs(l1.Coupling(a, b)), Is.LessThan(lambda1), $"L1, second neighbours ({a},{b})");
                if (l2.Coupling(a, b) == 0) zerosL2++;
            }
        Assert.That(zerosL2, Is.Zero, "L2 gives no exact zeros");
        for (int i = 0; i + 1 < n; i++) Assert.That(l1.Coupling(i, i + 1), Is.GreaterThan(0.6), $"edge {i} kept (0.7 shrunk by O(lambda_1))");
    }
}
