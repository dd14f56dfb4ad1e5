namespace NeuralSpin.Numerics;

/// <summary>
/// Gauss-Hermite quadrature for the Gaussian measure Dz = exp(-z^2/2) dz / sqrt(2 pi) (probabilists' Hermite
/// polynomials He_k): integral Dz f(z) ~ sum_k w_k f(z_k), exact for polynomials of degree up to 2n - 1.
/// Nodes are the eigenvalues of the Jacobi matrix of the orthonormal polynomials (zero diagonal, off-diagonal
/// sqrt k, Golub-Welsch), found by Sturm bisection (<see cref="SymmetricTridiagonal.Eigenvalue"/>); the weights are
/// the Christoffel numbers w_k = 1 / sum_{j&lt;n} p_j(z_k)^2 of the orthonormal polynomials
/// p_0 = 1, p_{j+1} = (z p_j - sqrt j p_{j-1}) / sqrt(j + 1), which keeps the tiny outer weights accurate.
/// </summary>
public sealed class GaussHermite
{
    /// <summary>Builds the n-point rule (1 &lt;= n &lt;= 1000).</summary>
    public GaussHermite(int n)
    {
        if (n < 1 || n > 1000) throw new ArgumentOutOfRangeException(nameof(n), n, "the number of nodes must lie in [1, 1000]");
        var a = new double[n];
        var b = new double[n];
        for (int i = 1; i < n; i++) b[i] = Math.Sqrt(i);
        Nodes = new double[n];
        Weights = new double[n];
        for (int k = 0; k < n; k++)
        {
            // nodes are symmetric: compute the non-negative half and mirror
            if (k < n / 2) continue;
            double z = SymmetricTridiagonal.Eigenvalue(a, b, k);
            if (n % 2 == 1 && k == n / 2) z = 0;
            Nodes[k] = z;
            Nodes[n - 1 - k] = -z;
        }
        for (int k = 0; k < n; k++)
        {
            double z = Nodes[k], pPrev = 0, p = 1, sum = 1;
            for (int j = 0; j + 1 < n; j++)
            {
                double next = (z * p - Math.Sqrt(j) * pPrev) / Math.Sqrt(j + 1);
                pPrev = p;
                p = next;
                sum += p * p;
            }
            Weights[k] = 1 / sum;
        }
    }

    /// <summary>Number of nodes.</summary>
    public int Count => Nodes.Length;

    /// <summary>Nodes z_k, ascending.</summary>
    public double[] Nodes { get; }

    /// <summary>Weights w_k (positive, summing to 1).</summary>
    public double[] Weights { get; }

    /// <summary>sum_k w_k f(z_k), the approximation of integral Dz f(z).</summary>
    public double Integrate(Func<double, double> f)
    {
        double s = 0;
        for (int k = 0; k < Nodes.Length; k++) s += Weights[k] * f(Nodes[k]);
        return s;
    }
}
