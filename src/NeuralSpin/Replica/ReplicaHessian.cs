using NeuralSpin.Numerics;

namespace NeuralSpin.Replica;

/// <summary>
/// Replica-symmetric stability of the paramagnet of the multi-layer SK model (P1 5-18, docs/theory.md
/// section 2). Up to a positive factor the Hessian is the (L+1) x (L+1) tridiagonal matrix
/// H_kk = N_k, H_{k-1,k} = H_{k,k-1} = -beta^2 N_k C_k (k = 1..L); erratum of P1 15: every
/// off-diagonal entry carries beta^2. The paramagnet is stable while H is positive definite, so
/// T_c^2 = lambda_max(D^-1/2 B D^-1/2) with D = diag(N_k), B_{k-1,k} = N_k C_k: the tridiagonal
/// matrix with zero diagonal and off-diagonal entries C_k sqrt(N_k / N_{k-1}).
/// </summary>
public static class ReplicaHessian
{
    /// <summary>The Hessian H(beta) as a dense row-major (L+1) x (L+1) matrix.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="widths"/> or <paramref name="c"/> is null.</exception>
    /// <exception cref="ArgumentException">Fewer than two layers, a width below 1, a count of C other than 1 or L, or a C_k
    /// that is negative, NaN or infinite.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="beta"/> is negative, NaN or infinite.</exception>
    public static double[] Matrix(IReadOnlyList<int> widths, IReadOnlyList<double> c, double beta)
    {
        var cs = Expand(widths, c);
        CheckBeta(beta);
        int n = widths.Count;
        var h = new double[n * n];
        for (int k = 0; k < n; k++) h[k * n + k] = widths[k];
        for (int k = 1; k < n; k++)
        {
            double v = -beta * beta * widths[k] * cs[k - 1];
            h[(k - 1) * n + k] = v;
            h[k * n + k - 1] = v;
        }
        return h;
    }

    /// <summary>Eigenvalues of H(beta), ascending (Sturm bisection on the tridiagonal matrix).</summary>
    /// <exception cref="ArgumentNullException"><paramref name="widths"/> or <paramref name="c"/> is null.</exception>
    /// <exception cref="ArgumentException">Fewer than two layers, a width below 1, a count of C other than 1 or L, or a C_k
    /// that is negative, NaN or infinite.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="beta"/> is negative, NaN or infinite.</exception>
    public static double[] Eigenvalues(IReadOnlyList<int> widths, IReadOnlyList<double> c, double beta)
    {
        var cs = Expand(widths, c);
        CheckBeta(beta);
        int n = widths.Count;
        var a = widths.Select(w => (double)w).ToArray();
        var b = new double[n];
        for (int k = 1; k < n; k++) b[k] = -beta * beta * widths[k] * cs[k - 1];
        return Enumerable.Range(0, n).Select(i => SymmetricTridiagonal.Eigenvalue(a, b, i)).ToArray();
    }

    /// <summary>T_c = sqrt(lambda_max(D^-1/2 B D^-1/2)) for any widths and C_k.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="widths"/> or <paramref name="c"/> is null.</exception>
    /// <exception cref="ArgumentException">Fewer than two layers, a width below 1, a count of C other than 1 or L, or a C_k
    /// that is negative, NaN or infinite.</exception>
    public static double CriticalTemperature(IReadOnlyList<int> widths, IReadOnlyList<double> c)
    {
        var cs = Expand(widths, c);
        int n = widths.Count;
        var a = new double[n];
        var b = new double[n];
        for (int k = 1; k < n; k++) b[k] = cs[k - 1] * Math.Sqrt((double)widths[k] / widths[k - 1]);
        double lmax = SymmetricTridiagonal.Eigenvalue(a, b, n - 1);
        return Math.Sqrt(Math.Max(lmax, 0));
    }

    /// <summary>Equal layers (N_k = n, C_k = C), L + 1 layers: T_c = [2 C cos(pi / (L + 2))]^(1/2) (P1 17).</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="layerCount"/> is below 2, or <paramref name="c"/> is
    /// negative, NaN or infinite.</exception>
    public static double CriticalTemperatureEqualLayers(int layerCount, double c)
    {
        if (layerCount < 2) throw new ArgumentOutOfRangeException(nameof(layerCount), "at least two layers");
        CheckC(c);
        int l = layerCount - 1;
        return Math.Sqrt(2 * c * Math.Cos(Math.PI / (l + 2)));
    }

    /// <summary>Equal layers: eigenvalues n [1 - 2 beta^2 C cos((k+1) pi / (L+2))], k = 0..L (P1 16), ascending.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="layerCount"/> is below 2, <paramref name="width"/>
    /// below 1, or <paramref name="c"/> or <paramref name="beta"/> negative, NaN or infinite.</exception>
    public static double[] EigenvaluesEqualLayers(int layerCount, int width, double c, double beta)
    {
        if (layerCount < 2) throw new ArgumentOutOfRangeException(nameof(layerCount), layerCount, "at least two layers");
        if (width < 1) throw new ArgumentOutOfRangeException(nameof(width), width, "the layer width must be positive");
        CheckC(c);
        CheckBeta(beta);
        int l = layerCount - 1;
        return Enumerable.Range(0, l + 1)
            .Select(k => width * (1 - 2 * beta * beta * c * Math.Cos((k + 1) * Math.PI / (l + 2))))
            .OrderBy(v => v).ToArray();
    }

    /// <summary>The infinite-depth limit T_c = sqrt(2 C) (P1 18).</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="c"/> is negative, NaN or infinite.</exception>
    public static double CriticalTemperatureInfiniteDepth(double c)
    {
        CheckC(c);
        return Math.Sqrt(2 * c);
    }

    static void CheckC(double c)
    {
        if (!(c >= 0) || !double.IsFinite(c)) throw new ArgumentOutOfRangeException(nameof(c), c, "C must be finite and non-negative");
    }

    static void CheckBeta(double beta)
    {
        if (!(beta >= 0) || !double.IsFinite(beta)) throw new ArgumentOutOfRangeException(nameof(beta), beta, "beta must be finite and non-negative");
    }

    static double[] Expand(IReadOnlyList<int> widths, IReadOnlyList<double> c)
    {
        ArgumentNullException.ThrowIfNull(widths);
        ArgumentNullException.ThrowIfNull(c);
        if (widths.Count < 2) throw new ArgumentException("at least two layers are needed");
        foreach (var w in widths) if (w < 1) throw new ArgumentException("layer widths must be positive");
        int l = widths.Count - 1;
        if (c.Count != 1 && c.Count != l) throw new ArgumentException($"give one C or one per block ({l}), got {c.Count}");
        var cs = new double[l];
        for (int k = 0; k < l; k++)
        {
            cs[k] = c.Count == 1 ? c[0] : c[k];
            if (!(cs[k] >= 0) || !double.IsFinite(cs[k])) throw new ArgumentException("C_k must be finite and non-negative");
        }
        return cs;
    }
}
