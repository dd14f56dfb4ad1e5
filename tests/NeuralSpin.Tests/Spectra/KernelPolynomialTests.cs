using NUnit.Framework;
using NeuralSpin.IO;
using NeuralSpin.Numerics;
using NeuralSpin.Spectra;
using NeuralSpin.Tap;
using NeuralSpin.Tests.Support;

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
    /// moments equal the closed form mu_n = (1/N) sum_i T_n(x_i) = (1/N) sum_i cos(n arccos x_i), x_i = (e_i - c)/h with
    /// c = (hi + lo)/2 and h = (hi - lo)/2, to rounding (1e-12): on [0, 3] and on an interval that does not start at 0
    /// ([-1.5, 2.5]), so that the centre and the half-width are both tested; one-vector and block forms (all probes
    /// advanced together, as the spacing estimate runs it).
    /// </summary>
    [TestCase(0.0, 3.0, 50, 16, 2)]
    [TestCase(-1.5, 2.5, 40, 12, 1)]
    public void Moments_OfADiagonalOperator_AreTheChebyshevAverages(double lo, double hi, int n, int moments, int probes)
    {
        var e = Enumerable.Range(0, n).Select(i => lo + 0.1 + (hi - lo - 0.2) * i * i / ((n - 1.0) * (n - 1.0))).ToArray();
        double c = 0.5 * (hi + lo), h = 0.5 * (hi - lo);
        var mu = KernelPolynomial.Moments((x, y) => { for (int i = 0; i < n; i++) y[i] = e[i] * x[i]; }, n, lo, hi, moments, probes, new Random(5));
        var block = KernelPolynomial.MomentsBlock((xs, ys) =>
        {
            for (int r = 0; r < xs.Length; r++)
                for (int i = 0; i < n; i++) ys[r][i] = e[i] * xs[r][i];
        }, n, lo, hi, moments, probes + 1, new Random(6));
        for (int m = 0; m < moments; m++)
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

    /// <summary>Bad arguments of both moment forms are refused with the argument named: hi &lt;= lo, an odd or too small
    /// number of moments, no probe, a null operator or generator.</summary>
    [Test]
    public void Moments_RefuseBadArguments()
    {
        Action<double[], double[]> one = (x, y) => x.CopyTo(y, 0);
        Action<double[][], double[][]> many = (xs, ys) => { for (int r = 0; r < xs.Length; r++) xs[r].CopyTo(ys[r], 0); };
        var cases = new (string Name, double Lo, double Hi, int Moments, int Probes)[]
        {
            ("hi", 1, 1, 4, 1), ("hi", 2, 1, 4, 1), ("moments", 0, 1, 3, 1), ("moments", 0, 1, 0, 1), ("probes", 0, 1, 4, 0),
        };
        foreach (var (name, lo, hi, moments, probes) in cases)
        {
            var a = Assert.Throws<ArgumentOutOfRangeException>(() => KernelPolynomial.Moments(one, 3, lo, hi, moments, probes, new Random(1)));
            Assert.That(a!.ParamName, Is.EqualTo(name), $"one-vector form, {name}");
            var b = Assert.Throws<ArgumentOutOfRangeException>(() => KernelPolynomial.MomentsBlock(many, 3, lo, hi, moments, probes, new Random(1)));
            Assert.That(b!.ParamName, Is.EqualTo(name), $"block form, {name}");
        }
        Assert.Throws<ArgumentNullException>(() => KernelPolynomial.Moments(null!, 3, 0, 1, 4, 1, new Random(1)));
        Assert.Throws<ArgumentNullException>(() => KernelPolynomial.Moments(one, 3, 0, 1, 4, 1, null!));
        Assert.Throws<ArgumentNullException>(() => KernelPolynomial.MomentsBlock(null!, 3, 0, 1, 4, 1, new Random(1)));
        Assert.Throws<ArgumentNullException>(() => KernelPolynomial.MomentsBlock(many, 3, 0, 1, 4, 1, null!));
    }

    /// <summary>
    /// The Jackson kernel g_m = [(M - m + 1) cos(pi m/(M + 1)) + sin(pi m/(M + 1)) cot(pi/(M + 1))]/(M + 1) (Weisse et al.,
    /// Rev. Mod. Phys. 78, 275, eq. 71): g_0 = 1 and g_1 = cos(pi/(M + 1)) exactly by the formula, the kernel decreasing
    /// in m, and every g_m against the formula written out here, to rounding (1e-14).
    /// </summary>
    [TestCase(2)]
    [TestCase(8)]
    [TestCase(64)]
    public void Jackson_IsTheWrittenOutKernel(int moments)
    {
        var g = KernelPolynomial.Jackson(moments);
        Assert.That(g, Has.Length.EqualTo(moments));
        Assert.That(g[0], Is.EqualTo(1).Within(1e-14));
        Assert.That(g[1], Is.EqualTo(Math.Cos(Math.PI / (moments + 1))).Within(1e-14));
        double big = moments + 1.0;
        for (int m = 0; m < moments; m++)
        {
            double a = Math.PI * m / big;
            double expected = ((big - m) * Math.Cos(a) + Math.Sin(a) * Math.Cos(Math.PI / big) / Math.Sin(Math.PI / big)) / big;
            Assert.That(g[m], Is.EqualTo(expected).Within(1e-14), $"g_{m}");
            if (m > 0) Assert.That(g[m], Is.LessThan(g[m - 1]), $"g_{m} below g_{m - 1}");
        }
    }

    /// <summary>
    /// The median spacing of a flat density on [lo, hi] = [2, 5] (its Chebyshev moments in closed form: mu_n = 1/(1 - n^2)
    /// for even n, 0 for odd n) with N = 1000 levels: under the Wigner surmise P(xi &lt;= x) = 1 - exp(-pi x^2/4) the median
    /// xi is sqrt(4 ln 2/pi) = 0.93944, so s = 0.93944 (hi - lo)/N (equation 6.1 with a constant density). Within 2 %: the
    /// Jackson kernel at M = 256 smooths the density's edges over about pi/M of the interval, which moves a few per cent of
    /// its weight to lower densities near the edges.
    /// </summary>
    [Test]
    public void MedianSpacing_OfAFlatDensity_IsTheWignerMedian()
    {
        const int moments = 256, n = 1000;
        double lo = 2, hi = 5;
        var mu = Enumerable.Range(0, moments).Select(k => k % 2 == 0 ? 1.0 / (1.0 - (double)k * k) : 0.0).ToArray();
        double expected = Math.Sqrt(4 * Math.Log(2) / Math.PI) * (hi - lo) / n;
        Assert.That(KernelPolynomial.MedianSpacing(mu, lo, hi, n), Is.EqualTo(expected).Within(0.02 * expected));
    }

    /// <summary>
    /// On a non-diagonal operator the moments are Hutchinson estimates: with Rademacher probes r, r^T T_m(X) r / N is an
    /// unbiased estimate of mu_m = tr T_m(X) / N (X = (A - c)/h), with variance 2 sum_{i != j} T_m(X)_ij^2 / N^2 per probe.
    /// A 6 x 6 symmetric matrix with positive couplings, 20,000 probes: every moment within 5 standard errors of the
    /// exact one, in the one-vector and the block form (from MathNet's eigenvalues; T_m(X) formed by the recurrence in the
    /// test); a false failure has probability below 1e-5 over the 16 comparisons (normal approximation). Probes of one sign, or of a fixed pattern, are biased by
    /// sum_{i != j} T_m(X)_ij / N, many standard errors here.
    /// </summary>
    [Test]
    public void Moments_OfACoupledOperator_AreUnbiasedHutchinsonEstimates()
    {
        const int n = 6, moments = 8, probes = 20_000;
        var a = new double[n * n];
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++) a[i * n + j] = i == j ? 0.3 * i : 0.25 / (1 + Math.Abs(i - j));
        double lo = -2, hi = 3, c = 0.5, h = 2.5;
        var mu = KernelPolynomial.Moments((x, y) =>
        {
            for (int i = 0; i < n; i++) { double s = 0; for (int j = 0; j < n; j++) s += a[i * n + j] * x[j]; y[i] = s; }
        }, n, lo, hi, moments, probes, new Random(11));
        var block = KernelPolynomial.MomentsBlock((xs, ys) =>
        {
            for (int r = 0; r < xs.Length; r++)
                for (int i = 0; i < n; i++) { double s = 0; for (int j = 0; j < n; j++) s += a[i * n + j] * xs[r][j]; ys[r][i] = s; }
        }, n, lo, hi, moments, probes, new Random(12));
        var eig = DenseReference.Eigenvalues(a, n);
        // T_m(X) by T_0 = I, T_1 = X, T_{m+1} = 2 X T_m - T_{m-1}
        var x = new double[n, n];
        for (int i = 0; i < n; i++) for (int j = 0; j < n; j++) x[i, j] = (a[i * n + j] - (i == j ? c : 0)) / h;
        var tPrev = new double[n, n];
        var t = (double[,])x.Clone();
        for (int i = 0; i < n; i++) tPrev[i, i] = 1;
        for (int m = 0; m < moments; m++)
        {
            var tm = m == 0 ? tPrev : t;
            double exact = eig.Average(v => Math.Cos(m * Math.Acos((v - c) / h)));
            double off2 = 0;
            for (int i = 0; i < n; i++) for (int j = 0; j < n; j++) if (i != j) off2 += tm[i, j] * tm[i, j];
            double se = Math.Sqrt(2 * off2 / ((double)n * n) / probes);
            Assert.That(mu[m], Is.EqualTo(exact).Within(5 * se + 1e-12), $"moment {m} (standard error {se:G3})");
            Assert.That(block[m], Is.EqualTo(exact).Within(5 * se + 1e-12), $"moment {m}, block form (standard error {se:G3})");
            if (m >= 1)
            {
                var next = new double[n, n];
                for (int i = 0; i < n; i++)
                    for (int j = 0; j < n; j++)
                    {
                        double s = 0;
                        for (int k = 0; k < n; k++) s += x[i, k] * t[k, j];
                        next[i, j] = 2 * s - tPrev[i, j];
                    }
                (tPrev, t) = (t, next);
            }
        }
    }
}
