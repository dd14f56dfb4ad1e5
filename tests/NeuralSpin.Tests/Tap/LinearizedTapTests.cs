using NUnit.Framework;
using NeuralSpin.SpinModel;
using NeuralSpin.Tap;

namespace NeuralSpin.Tests.Tap;

/// <summary>The linearized TAP operator I - M(beta) = I - beta J + beta^2 diag(d) (P1 21-25, docs/theory.md section 4).</summary>
[TestFixture]
public class LinearizedTapTests
{
    const int BondSeed = 2101;
    const int SkSeed = 2102;
    const int VectorSeed = 2103;

    static IEnumerable<TestCaseData> Couplings()
    {
        foreach (double beta in new[] { 0.3, 1.0, 1.9 })
        {
            yield return new TestCaseData(TapTestSupport.SmallBondMatrix(BondSeed), beta).SetArgDisplayNames("BondMatrix 3-4-2", $"beta {beta}");
            yield return new TestCaseData(BondMatrix.Sample(new[] { 2, 5, 3, 1 }, new[] { 2.0, 1.0, 0.5 }, new Random(BondSeed + 1)), beta)
                .SetArgDisplayNames("BondMatrix 2-5-3-1", $"beta {beta}");
            yield return new TestCaseData(DenseCoupling.SherringtonKirkpatrick(10, 1.0, new Random(SkSeed)), beta).SetArgDisplayNames("SK n=10", $"beta {beta}");
        }
    }

    [TestCaseSource(nameof(Couplings))]
    public void TapMapJacobianAtZeroEqualsM(ISymmetricCoupling j, double beta)
    {
        // P1 22-23: d/dm_k of tanh(beta (J m)_i - beta^2 m_i ((J o J)(1 - m^2))_i) at m = 0 is beta J_ik - delta_ik beta^2 d_i.
        int n = j.Size;
        var jac = TapTestSupport.TapMapJacobianAtZero(j, beta, 1e-6);
        var m = TapTestSupport.ReferenceM(j, beta);
        // The map is odd in m (h = 0), so the central difference has no even-order error; truncation is
        // step^2/6 |third derivative| <= 1e-12/6 * (2 (beta |J|)^3 + O(beta^3 |J| d)) < 1e-10 for the entries here,
        // rounding is ~1e-16 / 1e-6 = 1e-10. 1e-8 absolute is thus safe and far below the O(beta^2 d) ~ 0.1-4
        // diagonal term that a wrong reaction term would leave.
        for (int i = 0; i < n; i++)
            for (int k = 0; k < n; k++)
                Assert.That(jac[i * n + k], Is.EqualTo(m[i * n + k]).Within(1e-8), $"entry ({i},{k})");
        // The library operator is I - (that Jacobian).
        var dense = new LinearizedTap(j, beta).Dense();
        for (int i = 0; i < n; i++)
            for (int k = 0; k < n; k++)
                Assert.That(dense[i * n + k], Is.EqualTo((i == k ? 1.0 : 0.0) - jac[i * n + k]).Within(1e-8), $"entry ({i},{k})");
    }

    [TestCaseSource(nameof(Couplings))]
    public void DenseIsIdentityMinusBetaJPlusBetaSquaredDiagD(ISymmetricCoupling j, double beta)
    {
        int n = j.Size;
        var a = j.ToDenseRowMajor();
        var dense = new LinearizedTap(j, beta).Dense();
        for (int i = 0; i < n; i++)
        {
            double d = 0;
            for (int k = 0; k < n; k++) d += a[i * n + k] * a[i * n + k];
            for (int k = 0; k < n; k++)
            {
                double expected = (i == k ? 1.0 + beta * beta * d : 0.0) - beta * a[i * n + k];
                // Same O(1) arithmetic in a different order: rounding only.
                Assert.That(dense[i * n + k], Is.EqualTo(expected).Within(1e-13), $"entry ({i},{k})");
            }
        }
        // Symmetric, as I - M must be.
        for (int i = 0; i < n; i++)
            for (int k = 0; k < i; k++)
                Assert.That(dense[i * n + k], Is.EqualTo(dense[k * n + i]));
    }

    [TestCaseSource(nameof(Couplings))]
    public void ApplyEqualsDenseTimesVector(ISymmetricCoupling j, double beta)
    {
        var op = new LinearizedTap(j, beta);
        var rng = new Random(VectorSeed);
        for (int trial = 0; trial < 3; trial++)
        {
            var x = TapTestSupport.Normal(rng, j.Size, 1.0);
            var y = new double[j.Size];
            op.Apply(x, y);
            var expected = TapTestSupport.MatVec(op.Dense(), j.Size, x);
            // Sums of <= 10 products of O(1) numbers: rounding ~1e-15; 1e-12 absolute.
            Assert.That(y, Is.EqualTo(expected).Within(1e-12));
        }
    }

    [Test]
    public void BetaZeroIsIdentity()
    {
        var j = TapTestSupport.SmallBondMatrix(BondSeed);
        var dense = new LinearizedTap(j, 0.0).Dense();
        int n = j.Size;
        for (int i = 0; i < n; i++)
            for (int k = 0; k < n; k++)
                Assert.That(dense[i * n + k], Is.EqualTo(i == k ? 1.0 : 0.0));
    }

    [Test]
    public void RowSquareSumsArePrecomputedFromTheCoupling()
    {
        var j = TapTestSupport.SmallBondMatrix(BondSeed);
        var op = new LinearizedTap(j, 0.7);
        Assert.That(op.RowSquareSums.ToArray(), Is.EqualTo(j.RowSquareSums()));
        Assert.That(op.Beta, Is.EqualTo(0.7));
        Assert.That(op.Size, Is.EqualTo(9));
    }

    [Test]
    public void ApplyRejectsAliasedOrMissizedVectors()
    {
        var op = new LinearizedTap(TapTestSupport.SmallBondMatrix(BondSeed), 1.0);
        var x = new double[9];
        Assert.Throws<ArgumentException>(() => op.Apply(x, x));
        Assert.Throws<ArgumentException>(() => op.Apply(new double[8], new double[9]));
    }
}
