using System.Collections.Concurrent;

namespace NeuralSpin.Numerics;

/// <summary>An n-point Gauss rule: sum_k Weights[k] f(Nodes[k]) approximates the integral of f against the rule's measure.</summary>
/// <param name="Nodes">The nodes, ascending.</param>
/// <param name="Weights">The weights (positive, summing to the measure's total mass, 1 here), one per node.</param>
/// <exception cref="ArgumentNullException"><paramref name="Nodes"/> or <paramref name="Weights"/> is null.</exception>
/// <exception cref="ArgumentException">The counts of nodes and weights differ.</exception>
public sealed record GaussRule(double[] Nodes, double[] Weights)
{
    /// <summary>The nodes, ascending.</summary>
    public double[] Nodes { get; init; } = Nodes ?? throw new ArgumentNullException(nameof(Nodes));

    /// <summary>The weights, one per node.</summary>
    public double[] Weights { get; init; } = CheckWeights(Nodes, Weights);

    static double[] CheckWeights(double[] nodes, double[] weights)
    {
        ArgumentNullException.ThrowIfNull(weights, nameof(Weights));
        if (weights.Length != nodes.Length)
            throw new ArgumentException($"expected one weight per node ({nodes.Length}), got {weights.Length}", nameof(Weights));
        return weights;
    }

    /// <summary>sum_k w_k f(x_k).</summary>
    public double Integrate(Func<double, double> f)
    {
        ArgumentNullException.ThrowIfNull(f);
        double sum = 0;
        for (int k = 0; k < Nodes.Length; k++) sum += Weights[k] * f(Nodes[k]);
        return sum;
    }
}

/// <summary>
/// Gauss quadrature rules by the Golub-Welsch construction: the nodes are the eigenvalues of the Jacobi matrix
/// of the three-term recurrence (Sturm bisection, <see cref="SymmetricTridiagonal.Eigenvalue"/>), and the
/// weights the Christoffel numbers w_k = 1 / sum_{j &lt; n} p_j(x_k)^2 of the orthonormal polynomials p_j.
/// An n-point rule integrates polynomials of degree up to 2n - 1 exactly. Rules are cached.
/// </summary>
public static class GaussQuadrature
{
    static readonly ConcurrentDictionary<int, GaussRule> HermiteCache = new(), LaguerreCache = new();

    /// <summary>
    /// Gauss-Hermite rule for the standard normal measure Dz = e^{-z^2/2} dz / sqrt(2 pi) (probabilists' Hermite
    /// polynomials: Jacobi matrix with zero diagonal and off-diagonal sqrt(k)); the weights sum to 1.
    /// </summary>
    public static GaussRule Hermite(int n)
    {
        if (n < 1 || n > 400) throw new ArgumentOutOfRangeException(nameof(n), n, "1..400 nodes");
        return HermiteCache.GetOrAdd(n, k => Build(k, j => 0.0, j => Math.Sqrt(j)));
    }

    /// <summary>
    /// Gauss-Laguerre rule for the measure e^{-t} dt on [0, infinity) (Jacobi matrix with diagonal 2k + 1 and
    /// off-diagonal k); the weights sum to 1.
    /// </summary>
    public static GaussRule Laguerre(int n)
    {
        if (n < 1 || n > 200) throw new ArgumentOutOfRangeException(nameof(n), n, "1..200 nodes");
        return LaguerreCache.GetOrAdd(n, k => Build(k, j => 2.0 * j + 1, j => j));
    }

    // a(j), j = 0..n-1: diagonal; b(j), j = 1..n-1: off-diagonal coupling j-1 and j. The monic recurrence is
    // p_{j+1} = (x - a_j) p_j - b_j^2 p_{j-1}, the orthonormal one b_{j+1} q_{j+1} = (x - a_j) q_j - b_j q_{j-1}, q_0 = 1
    // (the measures have unit mass).
    static GaussRule Build(int n, Func<int, double> a, Func<int, double> b)
    {
        var diag = new double[n];
        var off = new double[n];
        for (int j = 0; j < n; j++) { diag[j] = a(j); off[j] = j == 0 ? 0 : b(j); }
        var nodes = new double[n];
        var weights = new double[n];
        for (int k = 0; k < n; k++)
        {
            double x = SymmetricTridiagonal.Eigenvalue(diag, off, k);
            double qPrev = 0, q = 1, sum = 1;
            for (int j = 0; j + 1 < n; j++)
            {
                double qNext = ((x - diag[j]) * q - (j == 0 ? 0 : off[j]) * qPrev) / off[j + 1];
                qPrev = q;
                q = qNext;
                sum += q * q;
            }
            nodes[k] = x;
            weights[k] = 1 / sum;
        }
        return new GaussRule(nodes, weights);
    }
}
