using NUnit.Framework;
using NeuralSpin.SpinModel;
using NeuralSpin.Tap;

namespace NeuralSpin.Tests.Tap;

/// <summary>The TAP free energy F(m) of P1 19 plus the field term (docs/theory.md section 3) and its gradient.</summary>
[TestFixture]
public class TapFreeEnergyTests
{
    const int BondSeed = 1901;
    const int SkSeed = 1902;
    const int PointSeed = 1903;

    /// <summary>(1 + m) ln((1 + m)/2) + (1 - m) ln((1 - m)/2), written out, with 0 ln 0 = 0 spelled as a case.</summary>
    static double Entropy(double m)
    {
        if (m == 1.0 || m == -1.0) return 0.0; // 2 ln 1 + 0 ln 0 = 0
        return (1 + m) * Math.Log((1 + m) / 2) + (1 - m) * Math.Log((1 - m) / 2);
    }

    // F written by hand for two spins, J_12 = J_21 = a: each double sum over (i, j) runs over both (1,2) and (2,1).
    [TestCase(0.7, 0.3, -0.4, 0.05, -0.02, 1.3)]
    [TestCase(-1.2, 0.9, 0.1, 0.0, 0.0, 0.4)]
    [TestCase(0.5, 1.0, -0.6, 0.3, 0.1, 2.0)]   // |m_1| = 1: 0 ln 0 = 0
    [TestCase(2.0, -1.0, 1.0, 0.0, 0.2, 0.75)]  // both |m| = 1: the entropy and the reaction term vanish
    public void TwoSpinFreeEnergyMatchesHandFormula(double a, double m1, double m2, double h1, double h2, double beta)
    {
        var j = new DenseCoupling(2, new[] { 0.0, a, a, 0.0 });
        double t = 1 / beta, u1 = 1 - m1 * m1, u2 = 1 - m2 * m2;
        double expected = -a * m1 * m2 - beta / 2 * a * a * u1 * u2 + t / 2 * (Entropy(m1) + Entropy(m2)) - h1 * m1 - h2 * m2;
        double f = TapFreeEnergy.Evaluate(j, beta, new[] { m1, m2 }, new[] { h1, h2 });
        // A handful of O(1) terms: agreement to a few ulps of |F| ~ 1; 1e-13 leaves room for different summation order.
        Assert.That(f, Is.EqualTo(expected).Within(1e-13));
    }

    // Three spins, J_12 = a, J_13 = b, J_23 = c.
    [TestCase(0.4, -0.8, 1.1, 0.2, -0.5, 0.9, 0.1, -0.1, 0.03, 0.8)]
    [TestCase(-0.3, 0.6, 0.2, -1.0, 0.0, 0.35, 0.0, 0.0, 0.0, 1.7)]
    public void ThreeSpinFreeEnergyMatchesHandFormula(double a, double b, double c, double m1, double m2, double m3,
                                                     double h1, double h2, double h3, double beta)
    {
        var j = new DenseCoupling(3, new[] { 0.0, a, b, a, 0.0, c, b, c, 0.0 });
        double t = 1 / beta, u1 = 1 - m1 * m1, u2 = 1 - m2 * m2, u3 = 1 - m3 * m3;
        double expected = -(a * m1 * m2 + b * m1 * m3 + c * m2 * m3)
                          - beta / 2 * (a * a * u1 * u2 + b * b * u1 * u3 + c * c * u2 * u3)
                          + t / 2 * (Entropy(m1) + Entropy(m2) + Entropy(m3))
                          - (h1 * m1 + h2 * m2 + h3 * m3);
        double f = TapFreeEnergy.Evaluate(j, beta, new[] { m1, m2, m3 }, new[] { h1, h2, h3 });
        // As above: O(1) terms, double rounding only.
        Assert.That(f, Is.EqualTo(expected).Within(1e-13));
    }

    [Test]
    public void FreeEnergyAtZeroIsReactionPlusEntropyOfFreeSpins()
    {
        // F(0) = -(beta/4) sum_i d_i - N T ln 2 (only the Onsager and entropy terms survive).
        var j = TapTestSupport.SmallBondMatrix(BondSeed);
        const double beta = 1.3;
        double sumD = j.RowSquareSums().Sum();
        double f = TapFreeEnergy.Evaluate(j, beta, new double[j.Size]);
        // N = 9 terms of order 1: rounding at the 1e-15 level, 1e-12 is ample.
        Assert.That(f, Is.EqualTo(-beta / 4 * sumD - j.Size / beta * Math.Log(2)).Within(1e-12));
    }

    [Test]
    public void OmittedFieldsEqualZeroFields()
    {
        var j = TapTestSupport.SmallBondMatrix(BondSeed);
        var m = TapTestSupport.Uniform(new Random(PointSeed), j.Size, 0.7);
        Assert.That(TapFreeEnergy.Evaluate(j, 0.9, m), Is.EqualTo(TapFreeEnergy.Evaluate(j, 0.9, m, new double[j.Size])));
        Assert.That(TapFreeEnergy.Gradient(j, 0.9, m), Is.EqualTo(TapFreeEnergy.Gradient(j, 0.9, m, new double[j.Size])));
    }

    static IEnumerable<TestCaseData> Couplings()
    {
        yield return new TestCaseData(TapTestSupport.SmallBondMatrix(BondSeed), 1.4).SetArgDisplayNames("BondMatrix 3-4-2", "beta 1.4");
        yield return new TestCaseData(DenseCoupling.SherringtonKirkpatrick(12, 1.0, new Random(SkSeed)), 0.6).SetArgDisplayNames("SK n=12", "beta 0.6");
    }

    [TestCaseSource(nameof(Couplings))]
    public void GradientMatchesCentralFiniteDifferences(ISymmetricCoupling j, double beta)
    {
        const double step = 1e-6;
        var rng = new Random(PointSeed);
        var m = TapTestSupport.Uniform(rng, j.Size, 0.8);
        var h = TapTestSupport.Uniform(rng, j.Size, 0.3);
        var g = TapFreeEnergy.Gradient(j, beta, m, h);
        for (int i = 0; i < j.Size; i++)
        {
            var p = (double[])m.Clone(); p[i] += step;
            var q = (double[])m.Clone(); q[i] -= step;
            double fd = (TapFreeEnergy.Evaluate(j, beta, p, h) - TapFreeEnergy.Evaluate(j, beta, q, h)) / (2 * step);
            // Central differences: truncation step^2/6 |d^3F/dm_i^3|; the largest third derivative is the entropy's
            // T (2 + 6 m^2)/(1 - m^2)^3 <= 125 T for |m| <= 0.8, i.e. <= 1e-12 * 125 * 1.7 / 6 ~ 4e-11. Rounding:
            // |F| <~ 10 evaluated to ~1e-15, divided by 2 step = 2e-6, gives ~1e-9. Both are far below 1e-7 relative
            // (to max(1, |g_i|)), which would still catch any wrong factor in the analytic gradient.
            Assert.That(Math.Abs(fd - g[i]), Is.LessThanOrEqualTo(1e-7 * Math.Max(1.0, Math.Abs(g[i]))), $"component {i}");
        }
    }

    [Test]
    public void GradientIsTemperatureTimesTapResidual()
    {
        // dF/dm_i = T [atanh m_i - beta (h_i + (J m)_i) + beta^2 m_i ((J o J)(1 - m^2))_i] (derivation in TapFreeEnergy).
        var j = TapTestSupport.SmallBondMatrix(BondSeed);
        const double beta = 0.8;
        var rng = new Random(PointSeed);
        var m = TapTestSupport.Uniform(rng, j.Size, 0.9);
        var h = TapTestSupport.Uniform(rng, j.Size, 0.2);
        var g = TapFreeEnergy.Gradient(j, beta, m, h);
        double maxAbsGradient = g.Max(Math.Abs);
        double expected = TapSolver.MaxResidual(j, beta, h, m) / beta;
        // Both sides are O(1) sums of a few terms: they agree to rounding, 1e-12 relative.
        Assert.That(maxAbsGradient, Is.EqualTo(expected).Within(1e-12 * expected));
    }

    [Test]
    public void InvalidArgumentsAreRejected()
    {
        var j = new DenseCoupling(2, new[] { 0.0, 1.0, 1.0, 0.0 });
        Assert.Throws<ArgumentException>(() => TapFreeEnergy.Evaluate(j, 1, new[] { 1.2, 0.0 }));
        Assert.Throws<ArgumentException>(() => TapFreeEnergy.Evaluate(j, 1, new[] { double.NaN, 0.0 }));
        Assert.Throws<ArgumentException>(() => TapFreeEnergy.Evaluate(j, 1, new[] { 0.0 }));
        Assert.Throws<ArgumentException>(() => TapFreeEnergy.Evaluate(j, 1, new[] { 0.0, 0.0 }, new[] { 0.1 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => TapFreeEnergy.Evaluate(j, 0, new[] { 0.0, 0.0 }));
        // The gradient diverges at |m| = 1 (T atanh m), so it is refused there.
        Assert.Throws<ArgumentException>(() => TapFreeEnergy.Gradient(j, 1, new[] { 1.0, 0.0 }));
    }
}
