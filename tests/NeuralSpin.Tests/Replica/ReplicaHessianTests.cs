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

    [TestCase(4, 5, 2.0, 0.6)]
    [TestCase(3, 2, 0.5, 1.3)]
    public void EqualLayers_EigenvaluesAreThoseOfTheWrittenOutHessian_Ascending(int layerCount, int width, double c, double beta)
    {
        // P1 16: for N_k = n and C_k = C the eigenvalues are n [1 - 2 beta^2 C cos((k+1) pi / (L+2))]. Independent check:
        // MathNet's dense eigenvalues (ascending) of H written out from its definition (H_kk = n, H_{k-1,k} = -beta^2 n C).
        // Both are exact to a few ulps of ||H|| <= n (1 + 2 beta^2 C) ~ 12 (first case), so 1e-12 absolute.
        int n = layerCount;
        var h = new double[n * n];
        for (int k = 0; k < n; k++) h[k * n + k] = width;
        for (int k = 1; k < n; k++) h[(k - 1) * n + k] = h[k * n + k - 1] = -beta * beta * width * c;
        NumericAssert.AllEqual(DenseReference.Eigenvalues(h, n), ReplicaHessian.EigenvaluesEqualLayers(layerCount, width, c, beta),
            1e-12, 0, "P1 16, ascending");
    }

    [TestCase(1, 4, 1.5)]
    [TestCase(6, 1, 0.8)]
    public void TwoLayers_WidthOneIsALayer(int n0, int n1, double c)
    {
        // A layer of one unit (an output neuron) is a valid width: the bipartite closed form T_c^2 = C sqrt(N_1 / N_0)
        // (docs/theory.md section 2, check 2) holds for it as for any width, to the closed-form tolerance of the class.
        double tc = ReplicaHessian.CriticalTemperature(new[] { n0, n1 }, new[] { c });
        NumericAssert.AreEqualRelative(c * Math.Sqrt((double)n1 / n0), tc * tc, 2 * ClosedFormRelative, "T_c^2 with a width of 1");
    }

    [Test]
    public void UncoupledBlock_CZeroIsAccepted_AndDecouplesTheLayers()
    {
        // C_k = 0 (a block without couplings) is valid: with C = (0, 2) on widths 3-3-3 the first layer decouples and the
        // other two are the bipartite case, T_c^2 = 2 sqrt(3/3) = 2; with every C_k = 0 nothing orders, T_c = 0.
        NumericAssert.AreEqualRelative(Math.Sqrt(2.0), ReplicaHessian.CriticalTemperature(new[] { 3, 3, 3 }, new[] { 0.0, 2.0 }),
            ClosedFormRelative, "T_c(C = 0, 2)");
        Assert.That(ReplicaHessian.CriticalTemperature(new[] { 3, 3, 3 }, new[] { 0.0, 0.0 }), Is.EqualTo(0), "T_c(C = 0, 0)");
        Assert.That(ReplicaHessian.Eigenvalues(new[] { 2, 5 }, new[] { 0.0 }, 0.7), Is.EqualTo(new[] { 2.0, 5.0 }).Within(1e-14),
            "H = diag(N_k) when C = 0, by bisection to ~2e-16 of the scale 5");
    }
}
