using MathNet.Numerics.LinearAlgebra;
using MathNet.Numerics.LinearAlgebra.Factorization;

namespace NeuralSpin.Tests.Support;

/// <summary>
/// Slow, obviously correct references: MathNet's managed dense symmetric Evd (independent of libtorch/LAPACK)
/// and naive loops. Only for the small and moderate sizes of the tests.
/// </summary>
public static class DenseReference
{
    /// <summary>Ascending eigenvalues of a symmetric row-major n x n matrix (MathNet Evd).</summary>
    public static double[] Eigenvalues(double[] rowMajor, int n)
    {
        var m = Matrix<double>.Build.DenseOfRowMajor(n, n, rowMajor);
        var evd = m.Evd(Symmetricity.Symmetric);
        return evd.EigenValues.Select(z => z.Real).OrderBy(x => x).ToArray();
    }

    /// <summary>I - beta J + beta^2 diag(d) - shift I from a dense J (naive loops; docs/theory.md section 4).</summary>
    public static double[] IdentityMinusM(double[] j, int n, double beta, double shift = 0)
    {
        var a = new double[n * n];
        for (int i = 0; i < n; i++)
        {
            double d = 0;
            for (int k = 0; k < n; k++) d += j[i * n + k] * j[i * n + k];
            for (int k = 0; k < n; k++) a[i * n + k] = -beta * j[i * n + k];
            a[i * n + i] += 1 + beta * beta * d - shift;
        }
        return a;
    }

    /// <summary>Smallest eigenvalue of I - M(beta) by MathNet.</summary>
    public static double LambdaMin(double[] j, int n, double beta) => Eigenvalues(IdentityMinusM(j, n, beta), n)[0];
}
