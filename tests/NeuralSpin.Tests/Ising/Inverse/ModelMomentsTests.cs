using NeuralSpin.Ising;
using NeuralSpin.Ising.Inverse;
using NeuralSpin.Tests.Support;
using NUnit.Framework;

namespace NeuralSpin.Tests.Ising.Inverse;

/// <summary>
/// <see cref="ModelMoments"/> and the <see cref="InverseIsing"/> facade against the test suite's own brute-force
/// enumeration (<see cref="ExactIsing"/>, written from the Boltzmann distribution and sharing no code with the library).
/// </summary>
public class ModelMomentsTests
{
    /// <summary>An open chain of 22 spins (above the exact-enumeration limit): a tree, where BP is exact.</summary>
    static IsingModel Chain(int n, Random rng)
    {
        var j = new double[n * n];
        for (int i = 0; i + 1 < n; i++) j[i * n + i + 1] = j[(i + 1) * n + i] = rng.NextDouble() - 0.5;
        var h = Enumerable.Range(0, n).Select(_ => 0.4 * (rng.NextDouble() - 0.5)).ToArray();
        return new IsingModel(n, j, h);
    }

    [Test]
    public void BpMoments_OnATree_EqualBruteForce_ForCoupledPairs()
    {
        // BP is exact on trees: m_i and <s_i s_j> of linked pairs agree with enumeration to BP's tolerance 1e-10
        // (the message residual) amplified by at most the chain length; 1e-8 leaves two orders of margin.
        var model = Chain(12, new Random(5));
        var bp = ModelMoments.Bp(model);
        var (m, c) = ExactIsing.Moments(model);
        Assert.That(bp.Method, Is.EqualTo(MomentMethod.BeliefPropagation));
        Assert.That(bp.Converged, Is.True);
        for (int i = 0; i < 12; i++) Assert.That(bp.Magnetizations[i], Is.EqualTo(m[i]).Within(1e-8), $"m_{i}");
        for (int i = 0; i + 1 < 12; i++) Assert.That(bp.Correlations[i * 12 + i + 1], Is.EqualTo(c[i * 12 + i + 1]).Within(1e-8), $"C_{i},{i + 1}");
        // an unlinked pair gets m_i m_j (the Bethe value for pairs BP does not link), the diagonal 1
        Assert.That(bp.Correlations[0 * 12 + 5], Is.EqualTo(bp.Magnetizations[0] * bp.Magnetizations[5]).Within(1e-15));
        Assert.That(bp.Correlations[3 * 12 + 3], Is.EqualTo(1.0));
    }

    [Test]
    public void Estimate_SwitchesToBpAboveTheExactLimit()
    {
        Assert.That(ModelMoments.Estimate(Chain(ModelMoments.ExactMaxSpins, new Random(1))).Method, Is.EqualTo(MomentMethod.Exact));
        Assert.That(ModelMoments.Estimate(Chain(ModelMoments.ExactMaxSpins + 1, new Random(1))).Method, Is.EqualTo(MomentMethod.BeliefPropagation));
        Assert.That(ModelMoments.Estimate(Chain(6, new Random(1)), exactIfSmall: false).Method, Is.EqualTo(MomentMethod.BeliefPropagation));
    }

    [Test]
    public void Fit_MeanField_EqualsTheInversionAndReportsTheBruteForceRms()
    {
        var planted = ExactIsing.RandomModel(6, 0.4, 0.2, new Random(11));
        var spins = ExactIsing.Sample(planted, 4000, new Random(12));
        var fit = InverseIsing.Fit(spins, 6, new InverseFitOptions { Method = InverseMethod.MeanField });
        var direct = MeanFieldInversion.Invert(SampleMoments.From(spins, 6));
        Assert.That(fit.Model.FieldsCopy(), Is.EqualTo(direct.FieldsCopy()));
        Assert.That(fit.MomentsBy, Is.EqualTo(MomentMethod.Exact));
        var mom = SampleMoments.From(spins, 6);
        var (m, c) = ExactIsing.Moments(fit.Model);
        Assert.That(fit.RmsMomentError, Is.EqualTo(BoltzmannLearning.RmsDeviation(mom.Magnetizations, mom.Correlations, m, c, 6)).Within(1e-12));
    }

    [Test]
    public void Fit_RefusesAnEmptySample() =>
        Assert.Throws<ArgumentException>(() => InverseIsing.Fit([], 4));

    /// <summary>
    /// Exact enumeration always reports Converged (the estimate's flag is false only when BP ran out of sweeps), with the
    /// brute-force moments (enumeration against enumeration, 1e-14).
    /// </summary>
    [Test]
    public void Estimate_Exact_IsConverged_AndEqualsBruteForce()
    {
        var model = Chain(6, new Random(2));
        var est = ModelMoments.Estimate(model);
        var (m, c) = ExactIsing.Moments(model);
        Assert.That(est.Method, Is.EqualTo(MomentMethod.Exact));
        Assert.That(est.Converged, Is.True);
        NumericAssert.AllEqual(m, est.Magnetizations, 1e-14, 0, "m");
        NumericAssert.AllEqual(c, est.Correlations, 1e-14, 0, "C");
    }

    /// <summary>
    /// The BP pair correlation of a linked pair (i, j), i &lt; j, is written into both C[i, j] and C[j, i]: on a chain (a tree,
    /// BP exact) the lower triangle equals brute force as the upper does, pairs (i, i + 1) with i &gt; 0 included, and
    /// <see cref="ModelMoments.BpPair"/> returns the same moments as <see cref="ModelMoments.Bp"/>. Tolerance as in
    /// <see cref="BpMoments_OnATree_EqualBruteForce_ForCoupledPairs"/>: 1e-8.
    /// </summary>
    [Test]
    public void BpMoments_WriteEachPairCorrelationIntoBothTriangles()
    {
        const int n = 7;
        var model = Chain(n, new Random(9));
        var (m, c) = ExactIsing.Moments(model);
        var bp = ModelMoments.Bp(model);
        var (pm, pc) = ModelMoments.BpPair(model);
        for (int i = 0; i + 1 < n; i++)
        {
            Assert.That(bp.Correlations[(i + 1) * n + i], Is.EqualTo(c[(i + 1) * n + i]).Within(1e-8), $"C_{i + 1},{i}");
            Assert.That(bp.Correlations[(i + 1) * n + i], Is.EqualTo(bp.Correlations[i * n + i + 1]), $"symmetric at {i}");
            Assert.That(pc[(i + 1) * n + i], Is.EqualTo(c[(i + 1) * n + i]).Within(1e-8), $"BpPair C_{i + 1},{i}");
        }
        NumericAssert.AllEqual(m, pm, 1e-8, 0, "BpPair m");
        NumericAssert.AllEqual(bp.Correlations, pc, 0, 0, "BpPair C = Bp C");
    }
}
