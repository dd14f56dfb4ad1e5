using NUnit.Framework;
using NeuralSpin.Numerics;
using NeuralSpin.SpinModel;
using NeuralSpin.Tests.Support;

namespace NeuralSpin.Tests.Numerics;

/// <summary>libtorch's symmetric eigensolver against MathNet's managed Evd (two independent implementations).</summary>
[TestFixture, NonParallelizable]
public class TorchLinalgTests
{
    const int MatrixSeed = 5101;

    static double[] RandomSymmetric(Random rng, int n)
    {
        var a = new double[n * n];
        for (int i = 0; i < n; i++)
            for (int k = 0; k <= i; k++)
                a[i * n + k] = a[k * n + i] = Gaussian.Sample(rng);
        return a;
    }

    [TestCase(1)]
    [TestCase(2)]
    [TestCase(7)]
    [TestCase(30)]
    [TestCase(64)]
    public void SymmetricEigenvalues_EqualMathNetEvd(int n)
    {
        var rng = new Random(MatrixSeed + n);
        for (int trial = 0; trial < 3; trial++)
        {
            var a = RandomSymmetric(rng, n);
            var expected = DenseReference.Eigenvalues(a, n);
            var actual = TorchLinalg.SymmetricEigenvalues(a, n);
            double norm = expected.Max(Math.Abs);
            // Both solvers are backward stable: each eigenvalue is within ~n eps ||A|| of the truth (n <= 64, so
            // < 1.5e-14 ||A||). 1e-10 relative to ||A|| (the brief's 1e-10 relative, measured against the spectral
            // scale because an eigenvalue near zero has no relative accuracy) is a loose, safe bound.
            NumericAssert.AllEqual(expected, actual, 1e-10 * norm, 1e-10, $"n = {n}, trial {trial}");
        }
    }

    [Test]
    public void SymmetricEigen_VectorsSatisfyAvEqualsLambdaV()
    {
        const int n = 12;
        var a = RandomSymmetric(new Random(MatrixSeed), n);
        var (w, v) = TorchLinalg.SymmetricEigen(a, n);
        double norm = w.Max(Math.Abs);
        for (int j = 0; j < n; j++)
        {
            // residual ||A v_j - w_j v_j|| of a backward-stable eigensolver: ~n eps ||A||; 1e-12 ||A|| is safe.
            double r2 = 0, v2 = 0;
            for (int i = 0; i < n; i++)
            {
                double s = 0;
                for (int k = 0; k < n; k++) s += a[i * n + k] * v[k * n + j];
                r2 += Math.Pow(s - w[j] * v[i * n + j], 2);
                v2 += v[i * n + j] * v[i * n + j];
            }
            NumericAssert.AtMost(0, Math.Sqrt(r2), 1e-12 * norm, $"residual of pair {j}");
            NumericAssert.AreEqualAbsolute(1, v2, 1e-13, $"norm of vector {j}");
        }
    }

    [TestCase(1)]
    [TestCase(5)]
    [TestCase(40)]
    public void Solve_EqualsMathNetLu_AndReportsSingularMatrices(int n)
    {
        // A general (non-symmetric) well-conditioned A = n I + G: LAPACK's gesv against MathNet's managed LU. Both are
        // backward stable, cond(A) is O(1), so the solutions agree to ~n eps |x|; 1e-11 relative is a safe bound.
        var rng = new Random(MatrixSeed + 100 + n);
        var a = new double[n * n];
        for (int i = 0; i < n * n; i++) a[i] = Gaussian.Sample(rng);
        for (int i = 0; i < n; i++) a[i * n + i] += 2 * Math.Sqrt(n) + 1;
        var b = Enumerable.Range(0, n).Select(_ => Gaussian.Sample(rng)).ToArray();
        var expected = MathNet.Numerics.LinearAlgebra.Matrix<double>.Build.DenseOfRowMajor(n, n, a).LU().Solve(MathNet.Numerics.LinearAlgebra.Vector<double>.Build.DenseOfArray(b)).ToArray();
        var actual = TorchLinalg.Solve(a, b, n);
        Assert.That(actual, Is.Not.Null);
        NumericAssert.AllEqual(expected, actual!, 1e-11 * expected.Max(Math.Abs), 1e-11, $"n = {n}");

        // an exactly singular matrix (a zero row) gives null, not a vector of infinities
        var singular = (double[])a.Clone();
        for (int k = 0; k < n; k++) singular[k] = 0;
        Assert.That(TorchLinalg.Solve(singular, b, n), Is.Null);
    }
}
