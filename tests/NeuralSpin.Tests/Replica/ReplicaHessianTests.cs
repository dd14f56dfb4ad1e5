using NUnit.Framework;
using NeuralSpin.Replica;
using NeuralSpin.Tests.Support;

namespace NeuralSpin.Tests.Replica;

/// <summary>The checks listed in docs/theory.md section 2 for the replica-symmetric T_c (P1 15-18).</summary>
[TestFixture]
public class ReplicaHessianTests
{
    // Sturm bisection resolves lambda_max(D^-1/2 B D^-1/2) to ~2e-16 of its scale and the square root halves the
    // relative error: 1e-13 relative leaves a wide margin for the few ulps of the closed forms.
    const double ClosedFormRelative = 1e-13;

    [TestCase(0.5)]
    [TestCase(1.0)]
    [TestCase(2.0)]
    [TestCase(1.0 / 3.0)]
    public void SingleBlock_L1_CriticalTemperatureIsSqrtC(double c)
    {
        // docs/theory.md section 2, check 1: L = 1 (two layers, equal widths) gives T_c = sqrt(C); also P1 17 with L = 1:
        // [2 C cos(pi/3)]^(1/2) = sqrt(C).
        NumericAssert.AreEqualRelative(Math.Sqrt(c), ReplicaHessian.CriticalTemperature(new[] { 7, 7 }, new[] { c }), ClosedFormRelative, "T_c(7-7)");
        NumericAssert.AreEqualRelative(Math.Sqrt(c), ReplicaHessian.CriticalTemperatureEqualLayers(2, c), ClosedFormRelative, "P1 17, L = 1");
    }

    [TestCase(784, 10, 2.0)]
    [TestCase(10, 784, 2.0)]
    [TestCase(100, 400, 1.0)]
    [TestCase(3, 5, 0.7)]
    public void TwoLayers_CriticalTemperatureSquaredIsCTimesSqrtWidthRatio(int n0, int n1, double c)
    {
        // docs/theory.md section 2, check 2: widths N_0, N_1 give T_c^2 = C sqrt(N_1 / N_0) (bipartite SK).
        double tc = ReplicaHessian.CriticalTemperature(new[] { n0, n1 }, new[] { c });
        NumericAssert.AreEqualRelative(c * Math.Sqrt((double)n1 / n0), tc * tc, 2 * ClosedFormRelative, "T_c^2");
    }

    [Test]
    public void PaperNetwork_784_512_512_512_10_C2_CriticalTemperatureIs1_757516()
    {
        // docs/theory.md section 2, check 3: the paper's MLP with Kaiming C = 2 gives T_c = 1.757516 (6 digits quoted,
        // so half a unit in the 6th decimal is the tolerance); the equal-layer formula (P1 17, L = 4) would say 1.861210.
        var widths = new[] { 784, 512, 512, 512, 10 };
        double tc = ReplicaHessian.CriticalTemperature(widths, new[] { 2.0 });
        NumericAssert.AreEqualAbsolute(1.757516, tc, 5e-7, "T_c general widths");
        double equal = ReplicaHessian.CriticalTemperatureEqualLayers(5, 2.0);
        NumericAssert.AreEqualAbsolute(1.861210, equal, 5e-7, "P1 17, L = 4");
        Assert.That(Math.Abs(tc - equal), Is.GreaterThan(0.1), "general widths must differ from the equal-layer formula here");
    }

    [Test]
    public void InfiniteDepth_EqualLayerFormulaTendsToSqrt2C()
    {
        // P1 18: cos(pi/(L+2)) -> 1. At L = 2000, 1 - cos(pi/2002) ~ 1.2e-6, so T_c is within 1e-6 relative.
        NumericAssert.AreEqualRelative(ReplicaHessian.CriticalTemperatureInfiniteDepth(2.0),
            ReplicaHessian.CriticalTemperatureEqualLayers(2001, 2.0), 1e-6, "P1 18");
    }

    [Test]
    public void Matrix_HasPrintedEntriesWithBetaSquaredOnEveryOffDiagonal()
    {
        // docs/theory.md 2 (erratum P1 15): H_kk = N_k, H_{k-1,k} = -beta^2 N_k C_k for every k including the last.
        var widths = new[] { 4, 3, 2 };
        var c = new[] { 0.5, 2.0 };
        const double beta = 0.7;
        var h = ReplicaHessian.Matrix(widths, c, beta);
        var expected = new double[]
        {
            4, -beta * beta * 3 * 0.5, 0,
            -beta * beta * 3 * 0.5, 3, -beta * beta * 2 * 2.0,
            0, -beta * beta * 2 * 2.0, 2,
        };
        // Same floating-point operations as the definition: exact up to the order of the product (1 ulp).
        NumericAssert.AllEqual(expected, h, 0, 1e-15, "H(beta)");
        // And Eigenvalues agrees with MathNet on that matrix (Sturm bisection to ~1e-16 of ||H|| ~ 4).
        NumericAssert.AllEqual(DenseReference.Eigenvalues(h, 3), ReplicaHessian.Eigenvalues(widths, c, beta), 1e-13, 0, "eigenvalues of H");
    }
}
