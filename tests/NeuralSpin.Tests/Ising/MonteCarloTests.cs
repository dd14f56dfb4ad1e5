using NeuralSpin.Ising;
using NeuralSpin.Tests.Support;
using NUnit.Framework;

namespace NeuralSpin.Tests.Ising;

/// <summary>
/// Statistical tests of <see cref="MonteCarlo"/> and <see cref="HeatCapacityEntropy"/> against <see cref="ExactEnumeration"/>.
/// Seeds are fixed, so each test is deterministic; the stated false-failure rates say how likely a correct sampler
/// would be to fail with a fresh seed.
/// </summary>
[TestFixture]
public class MonteCarloTests
{
    const int ModelSeed = 424242;
    const int ChainSeed = 1729;
    const int EntropySeed = 31337;

    // k-sigma bound for sample moments: P(|Z| > 5) = 5.7e-7 per comparison; 21 moments x 3 samplers give a family-wise
    // false-failure rate ~4e-5 (the batch-means sigma is itself uncertain by ~16% with 20 batches: still k >= 4.2).
    const double K = 5;

    static IEnumerable<TestCaseData> Samplers()
    {
        yield return new TestCaseData(SpinUpdate.Metropolis, SweepOrder.RandomSequential);
        yield return new TestCaseData(SpinUpdate.HeatBath, SweepOrder.RandomSequential);
        yield return new TestCaseData(SpinUpdate.HeatBath, SweepOrder.Sequential);
    }

    static IsingModel TestModel() => IsingReference.RandomModel(6, new Random(ModelSeed), scale: 0.6, fieldScale: 0.4, beta: 1);

    static MonteCarloResult Chain(IsingModel model, SpinUpdate update, SweepOrder order) =>
        // 10 sweeps between samples: with |J| <= 0.6 on 6 spins the chain decorrelates within a few sweeps, so the
        // 20000 samples are close to independent, which the chi^2 threshold assumes.
        MonteCarlo.Run(model, new MonteCarloOptions { Update = update, Order = order, BurnInSweeps = 500, Thinning = 10, Samples = 20000 },
            new Random(ChainSeed + (int)update * 10 + (int)order));

    [TestCaseSource(nameof(Samplers))]
    public void Histogram_PassesChiSquareAgainstEnumeration(SpinUpdate update, SweepOrder order)
    {
        var model = TestModel();
        var run = Chain(model, update, order);
        var (chi2, threshold, dof) = IsingStatistics.ChiSquare(run.Samples, ExactEnumeration.Probabilities(model), IsingStatistics.FalseFailureRate);
        Assert.That(chi2, Is.LessThan(threshold), $"chi^2 = {chi2:F1} with {dof} dof exceeds the 1e-4 upper quantile {threshold:F1}");
        Assert.That(run.AcceptanceRate, Is.InRange(0.05, 1.0));
    }

    [TestCaseSource(nameof(Samplers))]
    public void Moments_WithinFiveSigmaOfEnumeration(SpinUpdate update, SweepOrder order)
    {
        var model = TestModel();
        var exact = ExactEnumeration.Compute(model);
        var run = Chain(model, update, order);
        int n = model.Size, count = run.Samples.SampleCount;
        var series = new double[count];
        for (int i = 0; i < n; i++)
        {
            for (int k = 0; k < count; k++) series[k] = run.Samples.Sample(k)[i];
            double se = MonteCarlo.BatchMeansStandardError(series);
            NumericAssert.AreEqualAbsolute(exact.Magnetizations[i], run.Magnetizations[i], K * se, $"m_{i} ({update}, {order})");
            for (int j = i + 1; j < n; j++)
            {
                for (int k = 0; k < count; k++) series[k] = run.Samples.Sample(k)[i] * run.Samples.Sample(k)[j];
                se = MonteCarlo.BatchMeansStandardError(series);
                NumericAssert.AreEqualAbsolute(exact.Correlation(i, j), run.Correlations[i * n + j], K * se, $"<s_{i} s_{j}> ({update}, {order})");
            }
        }
        NumericAssert.AreEqualAbsolute(exact.MeanEnergy, run.Energy.Mean, K * run.EnergyStandardError(), "<E>");
        // the energy trace is E(s) of the recorded samples
        NumericAssert.AreEqualAbsolute(IsingReference.DefinitionEnergy(model, run.Samples.Sample(count - 1)), run.EnergyTrace[^1], 1e-12, "last energy");
    }

    [Test]
    public void RunningMoments_MergeEqualsSequential()
    {
        var rng = new Random(ChainSeed);
        var xs = Enumerable.Range(0, 1000).Select(_ => rng.NextDouble() * 10 - 3).ToArray();
        var all = new RunningMoments();
        var a = new RunningMoments();
        var b = new RunningMoments();
        foreach (var x in xs) all.Add(x);
        foreach (var x in xs[..400]) a.Add(x);
        foreach (var x in xs[400..]) b.Add(x);
        a.Merge(b);
        double mean = xs.Average(), variance = xs.Sum(x => (x - mean) * (x - mean)) / (xs.Length - 1);
        // Welford vs two-pass on 1000 values of size ~10: rounding ~1e-13
        NumericAssert.AreEqualRelative(mean, all.Mean, 1e-12, "mean");
        NumericAssert.AreEqualRelative(variance, all.Variance, 1e-12, "variance");
        NumericAssert.AreEqualRelative(mean, a.Mean, 1e-12, "merged mean");
        NumericAssert.AreEqualRelative(variance, a.Variance, 1e-12, "merged variance");
    }

    [Test]
    public void ThermodynamicIntegration_WithExactEnergies_ConvergesToExactEntropy()
    {
        // Quadrature only: <E>(b) from enumeration. Simpson with h = 1/32 on a smooth <E>(b): error ~ h^4 max|E''''|/180
        // ~ 1e-8; the Richardson estimate must be of the same order as the actual error.
        var model = TestModel().WithBeta(1.0);
        const int intervals = 32;
        var betas = Enumerable.Range(0, intervals + 1).Select(k => k / (double)intervals).ToArray();
        var energies = betas.Select(b => ExactEnumeration.Compute(model.WithBeta(b)).MeanEnergy).ToArray();
        var r = HeatCapacityEntropy.Integrate(model.Size, betas, energies, new double[betas.Length], QuadratureRule.Simpson);
        var exact = ExactEnumeration.Compute(model);
        NumericAssert.AreEqualAbsolute(exact.Entropy, r.Entropy, 1e-6, "S (Simpson, h = 1/32)");
        NumericAssert.AreEqualAbsolute(exact.LogZ, r.LogZ, 1e-6, "ln Z (Simpson, h = 1/32)");
        Assert.That(Math.Abs(r.Entropy - exact.Entropy), Is.LessThan(10 * r.QuadratureErrorEstimate + 1e-12), "the quadrature error estimate is of the right order");
        Assert.That(r.StandardError, Is.EqualTo(0));
        var trap = HeatCapacityEntropy.Integrate(model.Size, betas, energies, new double[betas.Length], QuadratureRule.Trapezoid);
        // trapezoid error ~ h^2 max|E''|/12 ~ 1e-4: bounded by a few times its estimate |T - S|
        Assert.That(Math.Abs(trap.Entropy - exact.Entropy), Is.LessThan(2 * trap.QuadratureErrorEstimate + 1e-10));
    }

    [Test]
    public void ThermodynamicIntegration_WithMonteCarlo_MatchesExactEntropyWithinError()
    {
        var model = TestModel().WithBeta(1.2);
        var exact = ExactEnumeration.Compute(model);
        var options = new MonteCarloOptions { Update = SpinUpdate.HeatBath, BurnInSweeps = 200, Thinning = 2, Samples = 16000 };
        var r = HeatCapacityEntropy.Estimate(model, 8, options, new Random(EntropySeed));
        // bound: 5 sigma (two-sided 5.7e-7; with 20-batch sigma estimates effectively >= 4.2 sigma, 3e-5) plus the
        // quadrature bias, taken as 5x the same rule's error with exact energies on this grid (Simpson, h = 0.15: ~1e-5)
        var exactEnergies = r.Betas.Select(b => ExactEnumeration.Compute(model.WithBeta(b)).MeanEnergy).ToArray();
        var quadrature = HeatCapacityEntropy.Integrate(model.Size, r.Betas, exactEnergies, new double[r.Betas.Length], QuadratureRule.Simpson);
        double bias = Math.Abs(quadrature.Entropy - exact.Entropy);
        NumericAssert.AreEqualAbsolute(exact.Entropy, r.Entropy, K * r.StandardError + 5 * bias, "S by thermodynamic integration");
        Assert.That(r.StandardError, Is.GreaterThan(0).And.LessThan(0.05), $"the error estimate is finite and useful (S = {r.Entropy}, exact {exact.Entropy})");
    }
}
