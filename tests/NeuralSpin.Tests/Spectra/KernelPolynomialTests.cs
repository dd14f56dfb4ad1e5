using NUnit.Framework;
using NeuralSpin.IO;
using NeuralSpin.Numerics;
using NeuralSpin.Spectra;
using NeuralSpin.Tap;

namespace NeuralSpin.Tests.Spectra;

/// <summary>
/// The kernel polynomial method and the level spacing estimate of docs/theory.md section 6 ("Without the full spectrum",
/// equation 6.1).
/// </summary>
[TestFixture]
public class KernelPolynomialTests
{
    /// <summary>
    /// For a diagonal operator the +-1 probes give the trace exactly (r^T D r = sum_i D_ii since r_i^2 = 1), so the
    /// moments equal the closed form mu_n = (1/N) sum_i T_n(x_i) = (1/N) sum_i cos(n arccos x_i), x_i = (e_i - c)/h, to
    /// rounding (1e-12).
    /// </summary>
    [Test]
    public void Moments_OfADiagonalOperator_AreTheChebyshevAverages()
    {
        const int n = 50;
        var e = Enumerable.Range(0, n).Select(i => 0.1 + 2.8 * i * i / ((n - 1.0) * (n - 1.0))).ToArray();
        double lo = 0, hi = 3, c = 1.5, h = 1.5;
        var mu = KernelPolynomial.Moments((x, y) => { for (int i = 0; i < n; i++) y[i] = e[i] * x[i]; }, n, lo, hi, 16, 2, new Random(5));
        // the block form (all probes advanced together, as the spacing estimate runs it) gives the same closed form
        var block = KernelPolynomial.MomentsBlock((xs, ys) =>
        {
            for (int r = 0; r < xs.Length; r++)
                for (int i = 0; i < n; i++) ys[r][i] = e[i] * xs[r][i];
        }, n, lo, hi, 16, 3, new Random(6));
        for (int m = 0; m < 16; m++)
        {
            double expected = e.Average(v => Math.Cos(m * Math.Acos((v - c) / h)));
            Assert.That(mu[m], Is.EqualTo(expected).Within(1e-12), $"moment {m}");
            Assert.That(block[m], Is.EqualTo(expected).Within(1e-12), $"moment {m}, block form");
        }
    }

    /// <summary>
    /// On the bundled 784-512-512-512-10 example at beta = 0.45: s_0 from the two lowest Lanczos eigenvalues equals the
    /// dense e_1 - e_0 to 1e-3 relative (e_1 from a run to a residual of 1e-5 of the norm or 300 products: its error is
    /// about the residual squared over the gap above it, 8e-5 relative here; 1e-3 is still fifty times below the
    /// accuracy of s_typ), and s_typ from the density is
    /// within 5 % of the exact median spacing of the dense spectrum (the accuracy measured on 784-h-h-h-10 networks of
    /// 1,562 to 4,994 spins, REPRODUCE.md; -2.6 % here).
    /// </summary>
    [Test]
    public void SpacingEstimate_OnTheExample_IsWithinTheStatedAccuracy()
    {
        var d = new DirectoryInfo(TestContext.CurrentContext.TestDirectory);
        while (d != null && !File.Exists(Path.Combine(d.FullName, "Verification.sln"))) d = d.Parent;
        Assert.That(d, Is.Not.Null, "repository root not found");
        var j = WeightFile.Load(Path.Combine(d!.FullName, "examples", "kaiming-784-512-512-512-10.safetensors")).ToBondMatrix();
        using var curve = new LambdaMinCurve(j);
        const double beta = 0.45;
        var exact = TorchLinalg.SymmetricEigenvalues(curve.MatrixAt(beta), j.Size);
        double median = LevelSpacing.Median(LevelSpacing.Spacings(exact));
        var est = SpacingEstimate.At(curve, beta, 12345);
        Assert.That(est.E1 - est.E0, Is.EqualTo(exact[1] - exact[0]).Within(1e-3 * (exact[1] - exact[0])));
        Assert.That(est.TypicalSpacing, Is.EqualTo(median).Within(0.05 * median));
    }
}
