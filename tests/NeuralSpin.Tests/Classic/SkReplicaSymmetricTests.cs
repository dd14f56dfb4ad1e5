using NUnit.Framework;
using NeuralSpin.Classic;
using NeuralSpin.Numerics;
using NeuralSpin.Tests.Support;

namespace NeuralSpin.Tests.Classic;

/// <summary>Gauss-Hermite quadrature and the replica-symmetric SK order parameter q = integral Dz tanh^2(beta J sqrt(q) z).</summary>
[TestFixture]
public class SkReplicaSymmetricTests
{
    /// <summary>Reference: integral Dz f(z) by the composite trapezoid rule on [-10, 10] with 50 001 points, h = 4e-4 (the
    /// Gaussian tail beyond 10 is below 1e-22; for these analytic integrands, whose narrowest feature has width
    /// T >= 0.1 = 250 h, the rule's error is far below 1e-9).</summary>
    internal static double Trapezoid(Func<double, double> f)
    {
        const int m = 50_000;
        const double a = -10, b = 10, h = (b - a) / m;
        double s = 0;
        for (int k = 0; k <= m; k++)
        {
            double z = a + k * h;
            double w = (k == 0 || k == m) ? 0.5 : 1;
            s += w * f(z) * Math.Exp(-z * z / 2);
        }
        return s * h / Math.Sqrt(2 * Math.PI);
    }

    /// <summary>Reference root of q = F(q) by bisection on the trapezoid integral.</summary>
    static double ReferenceQ(double t)
    {
        double lo = 0, hi = 1;
        for (int k = 0; k < 46; k++) // 2^-46 ~ 1.4e-14
        {
            double mid = 0.5 * (lo + hi);
            double a = Math.Sqrt(mid) / t;
            double g = Trapezoid(z => Math.Pow(Math.Tanh(a * z), 2)) - mid;
            if (g > 0) lo = mid; else hi = mid;
        }
        return 0.5 * (lo + hi);
    }

    [TestCase(1)]
    [TestCase(7)]
    [TestCase(40)]
    public void GaussHermite_IntegratesGaussianMomentsExactly(int n)
    {
        // integral Dz z^(2k) = (2k - 1)!!, exact for degree 2k <= 2n - 1; odd moments vanish by symmetry. Relative 1e-12:
        // the nodes and weights are accurate to a few ulp, the sums have up to 40 terms.
        var rule = GaussQuadrature.Hermite(n);
        NumericAssert.AreEqualRelative(1, rule.Weights.Sum(), 1e-13, "weights sum to 1");
        double dfact = 1;
        for (int k = 1; 2 * k <= 2 * n - 1; k++)
        {
            dfact *= 2 * k - 1;
            int p = 2 * k;
            NumericAssert.AreEqualRelative(dfact, rule.Integrate(z => Math.Pow(z, p)), 1e-11, $"E z^{p}");
            NumericAssert.AreEqualAbsolute(0, rule.Integrate(z => Math.Pow(z, p - 1)), 1e-11 * dfact, $"E z^{p - 1}");
        }
        Assert.That(rule.Nodes, Is.Ordered, "nodes ascending");
        Assert.That(rule.Weights, Is.All.Positive);
    }

    [TestCase(1.0)]
    [TestCase(1.2)]
    [TestCase(3.0)]
    public void OrderParameter_IsZeroAtAndAboveTc(double t)
    {
        // tanh^2 x < x^2 makes q = 0 the only solution for beta J <= 1. With J = 2 the same holds at T = 2 t.
        Assert.That(SkReplicaSymmetric.OrderParameter(t), Is.EqualTo(0.0));
        Assert.That(SkReplicaSymmetric.OrderParameter(2 * t, 2), Is.EqualTo(0.0));
    }

    [TestCase(0.1)]
    [TestCase(0.3)]
    [TestCase(0.6)]
    [TestCase(0.9)]
    public void OrderParameter_SolvesTheRsEquation_AgainstTrapezoidReference(double t)
    {
        // The 400-node rule against the trapezoid reference. The integrand has a kink of width ~T at z = 0 that the
        // nodes (spacing ~0.1 near 0) resolve only for T >~ 0.3: 1e-5 absolute there; at T = 0.1 the documented 5e-3
        // (measured 3.3e-3).
        double q = SkReplicaSymmetric.OrderParameter(t);
        NumericAssert.AreEqualAbsolute(ReferenceQ(t), q, t >= 0.3 ? 1e-5 : 5e-3, $"q({t})");
        // and it is a fixed point of its own right-hand side to the bisection tolerance
        NumericAssert.AreEqualAbsolute(q, SkReplicaSymmetric.RightHandSide(q, t), 1e-12, "q = F(q)");
        // scale invariance: q depends on T/J only
        NumericAssert.AreEqualAbsolute(q, SkReplicaSymmetric.OrderParameter(3 * t, 3), 1e-12, "q(T, J) = q(T/J, 1)");
    }

    [TestCase(0.99)]
    [TestCase(0.98)]
    [TestCase(0.95)]
    public void OrderParameter_NearTc_HasSlopeMinusOne(double t)
    {
        // Expansion tanh^2 x = x^2 - 2x^4/3 + 17x^6/45: q = t^2 (1 - t^2)/2 + O(tau^2) with tau = 1 - t, and
        // t^2 (1 - t^2)/2 = tau + O(tau^2): q / tau -> 1. Bounds: |q - t^2(1 - t^2)/2| <= 3 tau^2 (the next term is
        // ~2 tau^2 here) and |q/tau - 1| <= 4 tau.
        double tau = 1 - t;
        double q = SkReplicaSymmetric.OrderParameter(t);
        NumericAssert.AreEqualAbsolute(SkReplicaSymmetric.NearCritical(t), q, 3 * tau * tau, "leading-order solution");
        NumericAssert.AreEqualAbsolute(1, q / tau, 4 * tau, "slope dq/dT = -1 at T_c");
    }

    [Test]
    public void OrderParameter_TendsToOne_AsTGoesToZero()
    {
        // Low T: 1 - q = integral Dz sech^2(a z) with a = beta sqrt q; -> sqrt(2/pi) / a = sqrt(2/pi) T / sqrt q.
        // At T = 0.1 the relative correction is O(T^2) (the Gaussian's curvature over the sech^2 width); 5 % bound.
        double q01 = SkReplicaSymmetric.OrderParameter(0.1), q02 = SkReplicaSymmetric.OrderParameter(0.2);
        Assert.That(q01, Is.GreaterThan(q02), "q grows as T falls");
        NumericAssert.AreEqualRelative(Math.Sqrt(2 / Math.PI) * 0.1 / Math.Sqrt(q01), 1 - q01, 0.05, "1 - q ~ sqrt(2/pi) T");
    }
}
