using MathNet.Numerics.LinearAlgebra;

namespace NeuralSpin.Ising.Inverse;

/// <summary>
/// Naive mean-field inversion of the moments (the independent-pair / "nMF" estimate; Kappen and
/// Rodriguez 1998; the inverse problem of docs/theory.md section 7 with beta = 1):
/// J_ij = -(C^-1)_ij for i != j, with C the connected correlation matrix, and
/// h_i = atanh(m_i) - sum_j J_ij m_j (the mean-field equation m_i = tanh(h_i + sum_j J_ij m_j) solved for h).
/// </summary>
/// <remarks>
/// A cheap baseline and initialiser. Exact to first order in the couplings: for weak couplings J = eps K
/// the error of J is O(eps^2) (the neglected Onsager term -2 J_ij^2 m_i m_j of <see cref="TapInversion"/>),
/// which the tests check as a scaling law on exact moments.
/// Magnetizations are clipped to |m| &lt;= 1 - <see cref="MagnetizationClip"/> so atanh stays finite for
/// a spin that never flipped in the sample; the inverse is a Cholesky solve of C + ridge I, which must be
/// positive definite (a frozen spin makes C singular: pass a small ridge).
/// </remarks>
public static class MeanFieldInversion
{
    /// <summary>epsilon: |m_i| is clipped to 1 - epsilon before atanh (atanh(1 - 1e-6) ~ 7.25).</summary>
    public const double MagnetizationClip = 1e-6;

    /// <summary>The naive mean-field model from sample moments.</summary>
    public static IsingModel Invert(SampleMoments moments, double ridge = 0) =>
        Invert(moments.Magnetizations, moments.Connected, moments.Size, ridge);

    /// <summary>The naive mean-field model from m and the connected correlations (row-major N x N).</summary>
    public static IsingModel Invert(double[] m, double[] connected, int n, double ridge = 0)
    {
        var inv = InverseConnected(connected, n, ridge);
        var j = new double[(long)n * n];
        for (int a = 0; a < n; a++)
            for (int b = 0; b < n; b++)
                if (a != b) j[(long)a * n + b] = -inv[(long)a * n + b];
        var mc = Clip(m);
        var h = new double[n];
        for (int a = 0; a < n; a++)
        {
            double s = 0;
            for (int b = 0; b < n; b++) s += j[(long)a * n + b] * mc[b];
            h[a] = Math.Atanh(mc[a]) - s;
        }
        return new IsingModel(n, Symmetrise(j, n), h);
    }

    /// <summary>(C + ridge I)^-1 by Cholesky (MathNet, managed), symmetrised.</summary>
    /// <exception cref="ArgumentException">Wrong shape, or C + ridge I not positive definite.</exception>
    internal static double[] InverseConnected(double[] connected, int n, double ridge)
    {
        if (connected.LongLength != (long)n * n) throw new ArgumentException($"C must be {n} x {n}");
        if (!(ridge >= 0)) throw new ArgumentException("ridge must be non-negative");
        var c = Matrix<double>.Build.DenseOfRowMajor(n, n, connected);
        // Stryker disable once Equality : at ridge = 0 the added matrix is 0 I, which leaves every entry of C unchanged
        if (ridge > 0) c = c + ridge * Matrix<double>.Build.DenseIdentity(n);
        // assigned in the try; initialised so that mutants removing the try's statement still compile
        Matrix<double> inv = c;
        try { inv = c.Cholesky().Solve(Matrix<double>.Build.DenseIdentity(n)); }
        catch (ArgumentException e)
        {
            throw new ArgumentException("the connected correlation matrix is not positive definite (a frozen spin or too few samples?); pass a small ridge", e);
        }
        var r = inv.ToRowMajorArray();
        return Symmetrise(r, n);
    }

    internal static double[] Clip(double[] m)
    {
        var r = new double[m.Length];
        for (int i = 0; i < m.Length; i++)
        {
            if (!double.IsFinite(m[i]) || Math.Abs(m[i]) > 1) throw new ArgumentException($"m[{i}] = {m[i]} is not in [-1, 1]");
            r[i] = Math.Clamp(m[i], -1 + MagnetizationClip, 1 - MagnetizationClip);
        }
        return r;
    }

    internal static double[] Symmetrise(double[] a, int n)
    {
        // Stryker disable once Equality : at i = n the inner loop makes no pass (no pass at all, i > n, leaves the inverse asymmetric: InverseConnected_IsExactlySymmetric)
        for (int i = 0; i < n; i++)
            for (int k = i + 1; k < n; k++)
            {
                double v = 0.5 * (a[(long)i * n + k] + a[(long)k * n + i]);
                a[(long)i * n + k] = v; a[(long)k * n + i] = v;
            }
        return a;
    }
}
