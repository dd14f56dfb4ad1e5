using NUnit.Framework;
using NeuralSpin.SpinModel;
using NeuralSpin.Spectra;
using NeuralSpin.Tap;
using NeuralSpin.Tests.Support;

namespace NeuralSpin.Tests.Spectra;

/// <summary>
/// The kernel polynomial method at the edges its accuracy tests do not reach (docs/theory.md section 6, equation 6.1):
/// the smallest admitted moment and probe counts, the density on the Chebyshev nodes written out, and the median spacing's
/// invariances (the normalisation of the density, and the scaling of the spacing with the spectral interval).
/// </summary>
[TestFixture]
public class KernelPolynomialEdgeTests
{
    /// <summary>M = 2 moments and one probe are admitted by both forms. For a diagonal operator the +-1 probe gives the
    /// trace exactly: mu_0 = 1 and mu_1 = (1/N) sum_i (e_i - c)/h, to rounding.</summary>
    [Test]
    public void Moments_AcceptTwoMomentsAndOneProbe()
    {
        double[] e = [0.5, 1.25, 2.0, 2.75];
        int n = e.Length;
        double lo = 0, hi = 3, c = 1.5, h = 1.5;
        double mu1 = e.Average(v => (v - c) / h);
        var one = KernelPolynomial.Moments((x, y) => { for (int i = 0; i < n; i++) y[i] = e[i] * x[i]; }, n, lo, hi, 2, 1, new Random(3));
        var block = KernelPolynomial.MomentsBlock((xs, ys) => { for (int i = 0; i < n; i++) ys[0][i] = e[i] * xs[0][i]; }, n, lo, hi, 2, 1, new Random(3));
        Assert.That(one, Is.EqualTo(new[] { 1.0, mu1 }).Within(1e-14));
        Assert.That(block, Is.EqualTo(new[] { 1.0, mu1 }).Within(1e-14));
    }

    /// <summary>
    /// The nodes are x_j = cos(pi (j + 1/2) / P) and phi(x_j) = max(0, g_0 mu_0 + 2 sum_{m>=1} g_m mu_m cos(m theta_j)) with
    /// the Jackson kernel g written out here (its own test checks the library's), for moments that are not normalised
    /// (mu_0 = 2) and a point where the sum is negative (clipped to 0). To rounding (1e-14).
    /// </summary>
    [Test]
    public void OnChebyshevNodes_IsTheWrittenOutSum()
    {
        double[] mu = [2.0, 3.0, -0.1, 0.05, -1.6, 0.2];
        const int points = 7;
        int mCount = mu.Length;
        double big = mCount + 1.0;
        var g = Enumerable.Range(0, mCount).Select(m =>
            ((big - m) * Math.Cos(Math.PI * m / big) + Math.Sin(Math.PI * m / big) * Math.Cos(Math.PI / big) / Math.Sin(Math.PI / big)) / big).ToArray();
        var (x, phi) = KernelPolynomial.OnChebyshevNodes(mu, points);
        bool clipped = false;
        for (int j = 0; j < points; j++)
        {
            double theta = Math.PI * (j + 0.5) / points;
            Assert.That(x[j], Is.EqualTo(Math.Cos(theta)).Within(1e-15), $"node {j}");
            double s = g[0] * mu[0];
            for (int m = 1; m < mCount; m++) s += 2 * g[m] * mu[m] * Math.Cos(m * theta);
            clipped |= s < 0;
            Assert.That(phi[j], Is.EqualTo(Math.Max(0, s)).Within(1e-14), $"phi at node {j}");
        }
        Assert.That(clipped, "one node has a negative sum (the clipping is exercised)");
        Assert.That(Assert.Throws<ArgumentNullException>(() => KernelPolynomial.OnChebyshevNodes(null!, 4))!.ParamName, Is.EqualTo("mu"));
    }

    static double[] FlatMoments(int moments) =>
        Enumerable.Range(0, moments).Select(k => k % 2 == 0 ? 1.0 / (1.0 - (double)k * k) : 0.0).ToArray();

    /// <summary>
    /// Equation 6.1 in its two scalings. The median scales with the interval: on [c - h, c + h] it is h times the median on
    /// [-1, 1], whatever the centre c (a symmetric interval, c = 0, a narrow one far from 0, a wide one, a shifted one). And
    /// moments scaled by a (mu_0 = a: a times as many levels per unit energy, N rho -> a N rho) divide it by a: the
    /// fraction of spacings below s, weighted by the density and divided by its total, depends on s a only. The
    /// bisection stops at a relative width of 1e-12, so 1e-10 relative is a margin of a hundred.
    /// </summary>
    [TestCase(0.0, 1.0)]
    [TestCase(5.0, 1e-4)]
    [TestCase(-3.0, 50.0)]
    [TestCase(1e3, 2.0)]
    public void MedianSpacing_ScalesWithTheIntervalAndInverselyWithTheMoments(double centre, double half)
    {
        const int n = 300;
        var mu = FlatMoments(64);
        mu[1] = 0.2; // an asymmetric density: the centre matters if it is mishandled
        mu[3] = -0.05;
        double unit = KernelPolynomial.MedianSpacing(mu, -1, 1, n);
        Assert.That(unit, Is.GreaterThan(0));
        double s = KernelPolynomial.MedianSpacing(mu, centre - half, centre + half, n);
        Assert.That(s, Is.EqualTo(half * unit).Within(1e-10 * half * unit), "scaled interval");
        var scaled = mu.Select(v => 2.5 * v).ToArray();
        Assert.That(KernelPolynomial.MedianSpacing(scaled, centre - half, centre + half, n), Is.EqualTo(s / 2.5).Within(1e-10 * s), "scaled moments");
    }

    /// <summary>
    /// The two lowest eigenvalues of the spacing estimate on a network with strong couplings (C = 200, so that the norm
    /// bound of I - M(beta) is about 10^2 and the deflation shift 2 ||A|| must be scaled by it) equal the two lowest of the
    /// dense matrix (MathNet) within the Lanczos residual tolerances they are computed to (1e-7 and 1e-5 of the norm bound;
    /// for a symmetric matrix an eigenvalue lies within the residual norm of its Ritz value).
    /// </summary>
    [Test]
    public void SpacingEstimate_LowestPair_MatchesTheDenseSpectrum_AtALargeNorm()
    {
        var j = BondMatrix.Sample([30, 20, 20, 5], [200.0], new Random(21));
        using var curve = new LambdaMinCurve(j);
        const double beta = 0.5;
        double norm = curve.OperatorNormBound(beta);
        Assert.That(norm, Is.GreaterThan(50), "a norm bound far from 1");
        var exact = DenseReference.Eigenvalues(curve.MatrixAt(beta), j.Size);
        var est = SpacingEstimate.At(curve, beta, 7);
        Assert.That(exact[1] - exact[0], Is.GreaterThan(1e-3 * norm), "a gap the deflation has to resolve");
        Assert.That(est.E0, Is.EqualTo(exact[0]).Within(1e-7 * norm), "E0");
        Assert.That(est.E1, Is.EqualTo(exact[1]).Within(1e-5 * norm), "E1");
    }
}
