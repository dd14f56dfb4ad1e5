using MathNet.Numerics.Distributions;
using MathNet.Numerics.LinearAlgebra;
using MathNet.Numerics.LinearAlgebra.Factorization;
using NeuralSpin.IO;
using NeuralSpin.Layers;
using NUnit.Framework;

namespace NeuralSpin.Tests.Layers;

/// <summary>
/// Known-answer tests of the per-layer metrics (docs/theory.md section 10): Gaussian matrices (Marchenko-Pastur edge,
/// no spike), planted low-rank spikes (counted), matrices with a prescribed power-law spectrum (alpha recovered), the
/// KS-selected xmin against a brute-force scan written here, and the ESD against a dense MathNet SVD.
/// </summary>
[NonParallelizable]
public sealed class LayerSpectrumTests
{
    const int Seed = 20261204;

    static double[] Gaussian(int rows, int cols, double sd, Random rng)
    {
        var normal = new Normal(0, sd, rng);
        var a = new double[rows * cols];
        for (int i = 0; i < a.Length; i++) a[i] = normal.Sample();
        return a;
    }

    static NamedTensor Tensor(string name, int rows, int cols, double[] data) => new(name, "F64", [rows, cols], data);

    [TestCase(1200, 400)]
    [TestCase(300, 900)]
    public void Gaussian_matrix_has_the_marchenko_pastur_edge_and_no_spike(int rows, int cols)
    {
        // entries N(0, s^2): X = W^T W / N has MP bulk [s^2 (1 - Q^-1/2)^2, s^2 (1 + Q^-1/2)^2], Q = N / M (closed form).
        const double s = 0.1;
        var w = Tensor("g", rows, cols, Gaussian(rows, cols, s, new Random(Seed)));
        var r = LayerSpectrum.Analyze(w);
        int n = Math.Max(rows, cols), m = Math.Min(rows, cols);
        double q = (double)n / m, edge = s * s * Math.Pow(1 + 1 / Math.Sqrt(q), 2);
        Assert.That(r.N, Is.EqualTo(n));
        Assert.That(r.Eigenvalues, Has.Length.EqualTo(m));
        // sigma^2 is the mean of N M squares: relative standard error sqrt(2 / (N M)) = 2.4e-3; 1 % is 4 standard errors.
        Assert.That(r.MarchenkoPastur.Sigma2, Is.EqualTo(s * s).Within(0.01 * s * s));
        Assert.That(r.MarchenkoPastur.Edge, Is.EqualTo(edge).Within(0.01 * edge));
        Assert.That(r.MarchenkoPastur.Spikes, Is.Zero, "no eigenvalue beyond the edge plus 4 Tracy-Widom scales");
        // the largest eigenvalue sits at the edge within a few Tracy-Widom scales (TW1 below -6 has probability ~1e-8)
        double tw = s * s * (Math.Sqrt(n) + Math.Sqrt(m)) * Math.Pow(1 / Math.Sqrt(n) + 1 / Math.Sqrt(m), 1.0 / 3) / n;
        Assert.That(r.LambdaMax, Is.InRange(edge - 6 * tw, edge + 4 * tw));
    }

    [Test]
    public void Planted_low_rank_spikes_are_counted()
    {
        // W = G + sqrt(N) sum_k theta_k a_k b_k^T with unit a_k, b_k: above the BBP threshold theta^2 > Q^-1/2 each rank-one
        // term gives one eigenvalue at (1 + theta^2)(theta^2 + 1/Q) / theta^2, far beyond the bulk edge (1 + Q^-1/2)^2.
        const int n = 1000, m = 500;
        var rng = new Random(Seed + 1);
        var w = Matrix<double>.Build.Dense(n, m, Gaussian(n, m, 1, rng));
        double[] theta2 = [3, 5, 8];
        var a = Matrix<double>.Build.Dense(n, 3, Gaussian(n, 3, 1, rng)).QR(QRMethod.Thin).Q;
        var b = Matrix<double>.Build.Dense(m, 3, Gaussian(m, 3, 1, rng)).QR(QRMethod.Thin).Q;
        for (int k = 0; k < 3; k++)
            w += Math.Sqrt(n * theta2[k]) * a.Column(k).OuterProduct(b.Column(k));
        var r = LayerSpectrum.Analyze(Tensor("spiked", n, m, w.ToRowMajorArray()));
        Assert.That(r.MarchenkoPastur.Spikes, Is.EqualTo(3));
        double q = (double)n / m;
        var top = r.Eigenvalues.TakeLast(3).ToArray();
        for (int k = 0; k < 3; k++)
        {
            double expected = (1 + theta2[k]) * (theta2[k] + 1 / q) / theta2[k];
            // finite-N fluctuation of an outlier is O(N^-1/2): 5 % covers it at N = 1000
            Assert.That(top[k], Is.EqualTo(expected).Within(0.05 * expected), $"spike {k}");
        }
        Assert.That(r.MarchenkoPastur.Sigma2, Is.EqualTo(1).Within(0.02), "the bulk variance once the spikes are removed");
    }

    /// <summary>A matrix W = U diag(sqrt(N lambda)) V^T with random orthonormal U, V, so that the ESD of X is exactly lambda.</summary>
    static double[] WithSpectrum(int n, int m, double[] lambda, Random rng)
    {
        var u = Matrix<double>.Build.Dense(n, m, Gaussian(n, m, 1, rng)).QR(QRMethod.Thin).Q;
        var v = Matrix<double>.Build.Dense(m, m, Gaussian(m, m, 1, rng)).QR().Q;
        var s = Matrix<double>.Build.DenseOfDiagonalArray(lambda.Select(l => Math.Sqrt(n * l)).ToArray());
        return (u * s * v.Transpose()).ToRowMajorArray();
    }

    [TestCase(2.5)]
    [TestCase(3.5)]
    [TestCase(5.0)]
    public void Heavy_tailed_matrix_with_known_tail_index_gives_alpha(double alpha)
    {
        // eigenvalues drawn from the Pareto density (alpha - 1) x^-alpha on [1, inf) by inversion x = u^(-1/(alpha - 1))
        const int n = 600, m = 400;
        var rng = new Random(Seed + (int)(10 * alpha));
        var lambda = Enumerable.Range(0, m).Select(_ => Math.Pow(1 - rng.NextDouble(), -1 / (alpha - 1))).ToArray();
        var r = LayerSpectrum.Analyze(Tensor("heavy", n, m, WithSpectrum(n, m, lambda, rng)));
        var fit = r.PowerLaw!;
        Assert.That(fit.TailCount, Is.GreaterThanOrEqualTo(100), "a pure power law: the tail is most of the sample");
        // maximum-likelihood standard error (alpha - 1)/sqrt(m_tail); 4 of them: false-failure rate ~6e-5 (normal approximation)
        Assert.That(fit.Alpha, Is.EqualTo(alpha).Within(4 * fit.AlphaStandardError));
        Assert.That(r.Eigenvalues, Is.EqualTo(lambda.Order().ToArray()).Within(1e-9).Percent, "the ESD is the spectrum put in");
        Assert.That(r.Verdict, Is.EqualTo(alpha > 6 ? "under-trained" : alpha < 2 ? "over-trained" : "well-trained"));
    }

    /// <summary>Brute force: every distinct value as xmin, alpha by the closed-form MLE, D by counting the tail below and at each point.</summary>
    static (double XMin, double Alpha, double D) BruteForce(double[] values, int minTail)
    {
        var best = (XMin: 0.0, Alpha: 0.0, D: double.MaxValue);
        foreach (var xmin in values.Distinct())
        {
            var tail = values.Where(v => v >= xmin).ToArray();
            if (tail.Length < minTail) continue;
            double alpha = 1 + tail.Length / tail.Sum(v => Math.Log(v / xmin));
            double d = 0;
            foreach (var x in tail)
            {
                double p = 1 - Math.Pow(x / xmin, 1 - alpha);
                double below = tail.Count(v => v < x) / (double)tail.Length, atOrBelow = tail.Count(v => v <= x) / (double)tail.Length;
                d = Math.Max(d, Math.Max(Math.Abs(p - below), Math.Abs(p - atOrBelow)));
            }
            if (d < best.D) best = (xmin, alpha, d);
        }
        return best;
    }

    [TestCase(1)]
    [TestCase(2)]
    [TestCase(3)]
    public void Ks_selected_xmin_equals_a_brute_force_scan(int seed)
    {
        // a log-normal body with a Pareto tail of index 3: xmin is not at the bottom of the sample
        var rng = new Random(seed);
        var body = new LogNormal(0, 0.4, rng);
        var values = Enumerable.Range(0, 300).Select(i => i % 3 == 0 ? 2 * Math.Pow(1 - rng.NextDouble(), -0.5) : body.Sample()).ToArray();
        var fit = PowerLawTail.Fit(values)!;
        var (xmin, alpha, d) = BruteForce(values, PowerLawTail.MinTail);
        Assert.That(fit.XMin, Is.EqualTo(xmin));
        Assert.That(fit.Alpha, Is.EqualTo(alpha).Within(1e-9).Percent);
        Assert.That(fit.KsDistance, Is.EqualTo(d).Within(1e-12));
        Assert.That(fit.TailCount, Is.EqualTo(values.Count(v => v >= xmin)));
    }

    [Test]
    public void Conv_kernel_esd_pools_the_kh_kw_slices_and_matches_a_dense_svd()
    {
        // (out, in, kh, kw) = (6, 4, 2, 3): six slices of 6 x 4, each with eigenvalues sigma_i^2 / 6 (MathNet SVD)
        const int o = 6, c = 4, kh = 2, kw = 3;
        var data = Gaussian(o * c * kh * kw, 1, 1, new Random(Seed + 7));
        var w = new NamedTensor("conv.weight", "F64", [o, c, kh, kw], data);
        var (ev, n, m, slices) = LayerSpectrum.Esd(w);
        Assert.That((n, m, slices), Is.EqualTo((6, 4, 6)));
        var expected = new List<double>();
        for (int i = 0; i < kh; i++)
            for (int j = 0; j < kw; j++)
            {
                var s = Matrix<double>.Build.Dense(o, c, (r, col) => data[((r * c + col) * kh + i) * kw + j]);
                expected.AddRange(s.Svd(false).S.Select(x => x * x / o));
            }
        Assert.That(ev, Is.EqualTo(expected.Order().ToArray()).Within(1e-10));
    }

    [Test]
    public void Norms_and_stable_rank_follow_from_the_spectrum()
    {
        // ||W||_F^2 / N = sum lambda and ||W||_2^2 / N = lambda_max (closed forms from the definition of X)
        var data = Gaussian(30, 20, 1, new Random(Seed + 9));
        var r = LayerSpectrum.Analyze(Tensor("w", 30, 20, data));
        double frob = data.Sum(x => x * x) / 30;
        double spec = Math.Pow(Matrix<double>.Build.Dense(20, 30, data).Svd(false).S[0], 2) / 30; // column-major (20, 30) is W^T
        Assert.That(r.LogFrobeniusNorm, Is.EqualTo(Math.Log10(frob)).Within(1e-12));
        Assert.That(r.LogSpectralNorm, Is.EqualTo(Math.Log10(spec)).Within(1e-12));
        Assert.That(r.StableRank, Is.EqualTo(frob / spec).Within(1e-9));
        Assert.That(r.AlphaWeighted, Is.EqualTo(r.PowerLaw!.Alpha * Math.Log10(spec)).Within(1e-9));
    }

    [TestCase(20, 30)]
    [TestCase(30, 20)]
    public void The_esd_is_the_same_on_every_call(int rows, int cols)
    {
        // the matrix product's kernel depends on the alignment of its input: the ESD is computed from a copy in
        // libtorch's own memory, so that copies of the weights at any address give the same bits (trajectory shards
        // merge into exactly the one-process trajectory.csv); 30 calls on fresh copies saw two results before
        var data = Gaussian(rows, cols, 1, new Random(Seed + 11));
        var first = LayerSpectrum.Esd(Tensor("w", rows, cols, data)).Eigenvalues;
        for (int call = 0; call < 30; call++)
        {
            var padding = new double[call % 4 + 1]; // moves the next array's address
            var copy = (double[])data.Clone();
            Assert.That(LayerSpectrum.Esd(Tensor("w", rows, cols, copy)).Eigenvalues, Is.EqualTo(first), $"call {call} ({padding.Length})");
        }
    }
}
