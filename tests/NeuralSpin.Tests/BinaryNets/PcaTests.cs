using NeuralSpin.Numerics;
using NUnit.Framework;
using NeuralSpin.BinaryNets;
using NeuralSpin.Tests.Support;

namespace NeuralSpin.Tests.BinaryNets;

[TestFixture, NonParallelizable]
public class PcaTests
{
    const long Seed = 20240611;
    const int Dim = 10;
    static readonly double[] Variances = [9.0, 4.0, 1.0];

    /// <summary>An orthonormal basis of R^d (rows), Gram-Schmidt on Gaussian vectors.</summary>
    static double[][] RandomBasis(int d, ref SplitMixRandom rng)
    {
        var q = new double[d][];
        for (int r = 0; r < d; r++)
        {
            var v = new double[d];
            for (int i = 0; i < d; i++) v[i] = Synthetic.Normal(ref rng);
            for (int p = 0; p < r; p++)
            {
                double dot = 0;
                for (int i = 0; i < d; i++) dot += v[i] * q[p][i];
                for (int i = 0; i < d; i++) v[i] -= dot * q[p][i];
            }
            double norm = Math.Sqrt(v.Sum(a => a * a));
            q[r] = v.Select(a => a / norm).ToArray();
        }
        return q;
    }

    /// <summary>n samples mean + sum_c sqrt(var_c) g_c q_c (+ isotropic noise of variance <paramref name="noise"/>).</summary>
    static float[] Data(int n, double[][] q, double noise, ref SplitMixRandom rng, out double[] mean)
    {
        mean = Enumerable.Range(0, Dim).Select(i => 0.5 + 0.1 * i).ToArray();
        var x = new float[n * Dim];
        for (int s = 0; s < n; s++)
        {
            var v = (double[])mean.Clone();
            for (int c = 0; c < Variances.Length; c++)
            {
                double g = Math.Sqrt(Variances[c]) * Synthetic.Normal(ref rng);
                for (int i = 0; i < Dim; i++) v[i] += g * q[c][i];
            }
            for (int i = 0; i < Dim; i++) x[s * Dim + i] = (float)(v[i] + Math.Sqrt(noise) * Synthetic.Normal(ref rng));
        }
        return x;
    }

    [Test]
    public void Fit_RecoversKnownDirections_InOrderOfVariance_WithSignConvention()
    {
        var rng = new SplitMixRandom(Seed);
        var q = RandomBasis(Dim, ref rng);
        const int n = 20000;
        var x = Data(n, q, noise: 0.01, ref rng, out _);
        var p = Pca.Fit(x, Dim, k: 3);
        for (int c = 0; c < 3; c++)
        {
            var v = p.Components.AsSpan(c * Dim, Dim).ToArray();
            double dot = Math.Abs(v.Zip(q[c], (a, b) => a * b).Sum());
            // Sampling error of an eigenvector ~ sqrt(lambda_c lambda_c' / n) / (lambda_c - lambda_c') <= 0.01 here; 0.999 in |cos| is a 4.5-degree cone.
            Assert.That(dot, Is.GreaterThan(0.999), $"component {c} vs the planted direction");
            Assert.That(v.Sum(a => a * a), Is.EqualTo(1).Within(1e-12), "unit norm");
            int arg = Array.IndexOf(v, v.MaxBy(Math.Abs));
            Assert.That(v[arg], Is.GreaterThan(0), "largest-|entry| positive");
            // Eigenvalue = planted variance + noise 0.01; relative standard error sqrt(2/n) = 1%, 5% is 5 SE.
            NumericAssert.AreEqualRelative(Variances[c] + 0.01, p.ExplainedVariance[c], 0.05, $"explained variance {c}");
        }
        Assert.That(p.ExplainedVariance, Is.Ordered.Descending);
        Assert.That(p.ExplainedFraction, Is.GreaterThan(0.99).And.LessThanOrEqualTo(1.0));
    }

    [Test]
    public void ProjectThenReconstruct_IsIdentity_OnRankKData()
    {
        var rng = new SplitMixRandom(Seed + 1);
        var q = RandomBasis(Dim, ref rng);
        var x = Data(500, q, noise: 0.0, ref rng, out var mean);
        var p = Pca.Fit(x, Dim, k: 3);
        NumericAssert.AreEqual(mean.Average(), p.Mean.Average(), 0.1, 0, "fitted mean near the planted one (SE ~ 3/sqrt(500))");
        var y = p.Project(x);
        Assert.That(y.Length, Is.EqualTo(500 * 3));
        var back = p.Reconstruct(y);
        // float32 storage of data of magnitude <= ~15: rounding 1e-6 relative; 1e-4 absolute leaves a wide margin.
        for (int i = 0; i < x.Length; i++)
            if (Math.Abs(back[i] - x[i]) > 1e-4) Assert.Fail($"entry {i}: {x[i]} -> {back[i]}");
        // The projections are centred and uncorrelated with variances = explained variances.
        for (int c = 0; c < 3; c++)
        {
            double m = Enumerable.Range(0, 500).Average(s => (double)y[s * 3 + c]);
            double v = Enumerable.Range(0, 500).Sum(s => (y[s * 3 + c] - m) * (y[s * 3 + c] - m)) / 499;
            NumericAssert.AreEqualAbsolute(0, m, 1e-4, $"mean of coordinate {c}");
            NumericAssert.AreEqualRelative(p.ExplainedVariance[c], v, 1e-4, $"variance of coordinate {c}");
        }
    }

    [Test]
    public void LoadOrFit_WritesOnce_ThenReusesTheFile_AndRejectsOtherData()
    {
        string dir = Directory.CreateTempSubdirectory("neuralspin-pca-").FullName;
        try
        {
            string path = Path.Combine(dir, "sub", "pca.safetensors");
            var rng = new SplitMixRandom(Seed + 2);
            var q = RandomBasis(Dim, ref rng);
            var x = Data(300, q, 0.01, ref rng, out _);
            var a = Pca.LoadOrFit(path, x, Dim, 3);
            Assert.That(File.Exists(path));
            var stamp = File.GetLastWriteTimeUtc(path);
            var bytes = File.ReadAllBytes(path);
            var b = Pca.LoadOrFit(path, x, Dim, 3);
            Assert.That(File.ReadAllBytes(path), Is.EqualTo(bytes), "not rewritten");
            Assert.That(File.GetLastWriteTimeUtc(path), Is.EqualTo(stamp));
            Assert.That(b.Components, Is.EqualTo(a.Components));
            Assert.That(b.Mean, Is.EqualTo(a.Mean));
            Assert.That(b.ExplainedVariance, Is.EqualTo(a.ExplainedVariance));
            Assert.That(b.TotalVariance, Is.EqualTo(a.TotalVariance));
            Assert.That(b.Project(x), Is.EqualTo(a.Project(x)));
            var other = (float[])x.Clone();
            other[0] += 1;
            Assert.Throws<InvalidDataException>(() => Pca.LoadOrFit(path, other, Dim, 3));
            Assert.Throws<InvalidDataException>(() => Pca.LoadOrFit(path, x, Dim, 4));
            Assert.That(Directory.GetFiles(Path.GetDirectoryName(path)!), Has.Length.EqualTo(1), "no temporaries left");
        }
        finally { Directory.Delete(dir, true); }
    }
}
