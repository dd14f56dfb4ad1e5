using System.Runtime.CompilerServices;
namespace NeuralSpin.Numerics;

/// <summary>
/// Extreme eigenpairs of a real symmetric tridiagonal matrix with diagonal a[0..m-1] and
/// off-diagonal b[1..m-1] (b[i] couples i-1 and i; b has length m, b[0] is not read): Sturm-sequence bisection for the
/// eigenvalue, inverse iteration (LU with partial pivoting) for its eigenvector. The entries read must be finite.
/// </summary>
public static class SymmetricTridiagonal
{
    /// <summary>
    /// Bisection for an eigenvalue stops when the bracket is at most this times the Gershgorin scale: about one ulp
    /// (2.2e-16), machine precision for an eigenvalue of a matrix of that norm.
    /// </summary>
    const double BisectionTolerance = 2e-16;

    /// <summary>
    /// Inverse iteration runs on T - (lambda - 1e-13 scale) I: a shift just off the eigenvalue keeps the LU factors finite
    /// while the eigenvalue still dominates by a factor of about 1e13 against the rest of the spectrum.
    /// </summary>
    const double InverseIterationOffset = 1e-13;

    /// <summary>Number of eigenvalues strictly below x (Sturm count, LDL^T pivots).</summary>
    /// <exception cref="ArgumentException"><paramref name="b"/> is not as long as <paramref name="a"/>, or an entry read is
    /// NaN or infinite.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="x"/> is NaN.</exception>
    public static int CountBelow(ReadOnlySpan<double> a, ReadOnlySpan<double> b, double x)
    {
        Check(a, b);
        if (double.IsNaN(x)) throw new ArgumentOutOfRangeException(nameof(x), x, "the point x must not be NaN");
        return Count(a, b, x);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    static int Count(ReadOnlySpan<double> a, ReadOnlySpan<double> b, double x)
    {
        int count = 0;
        double q = 1;
        for (int i = 0; i < a.Length; i++)
        {
            double bb = i == 0 ? 0 : b[i] * b[i];
            q = a[i] - x - (i == 0 ? 0 : bb / q);
            if (q == 0) q = -Precision.Tiny;
            if (q < 0) count++;
        }
        return count;
    }

    /// <summary>The k-th smallest eigenvalue (k = 0 is the smallest), to about machine precision.</summary>
    /// <exception cref="ArgumentException">The matrix is empty, <paramref name="b"/> is not as long as <paramref name="a"/>,
    /// or an entry read is NaN or infinite.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="k"/> lies outside 0..m-1.</exception>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static double Eigenvalue(ReadOnlySpan<double> a, ReadOnlySpan<double> b, int k)
    {
        CheckNonEmpty(a, b);
        int m = a.Length;
        if (k < 0 || k >= m) throw new ArgumentOutOfRangeException(nameof(k), k, $"the eigenvalue index must lie in 0..{m - 1}");
        double lo = double.PositiveInfinity, hi = double.NegativeInfinity;
        for (int i = 0; i < m; i++)
        {
            double r = (i > 0 ? Math.Abs(b[i]) : 0) + (i + 1 < m ? Math.Abs(b[i + 1]) : 0);
            lo = Math.Min(lo, a[i] - r);
            hi = Math.Max(hi, a[i] + r);
        }
        double scale = Math.Max(Math.Abs(lo), Math.Abs(hi));
        for (int it = 0; it < 200 && hi - lo > BisectionTolerance * scale + Precision.Tiny; it++)
        {
            double mid = 0.5 * (lo + hi);
            if (mid <= lo || mid >= hi) break;
            if (Count(a, b, mid) > k) hi = mid; else lo = mid;
        }
        return 0.5 * (lo + hi);
    }

    /// <summary>Unit eigenvector for the eigenvalue <paramref name="lambda"/> by inverse iteration.</summary>
    /// <exception cref="ArgumentException">The matrix is empty, <paramref name="b"/> is not as long as <paramref name="a"/>,
    /// or an entry read is NaN or infinite.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="lambda"/> is NaN or infinite, or
    /// <paramref name="iterations"/> is below 1.</exception>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static double[] Eigenvector(ReadOnlySpan<double> a, ReadOnlySpan<double> b, double lambda, int iterations = 3)
    {
        CheckNonEmpty(a, b);
        if (!double.IsFinite(lambda)) throw new ArgumentOutOfRangeException(nameof(lambda), lambda, "the eigenvalue must be finite");
        if (iterations < 1) throw new ArgumentOutOfRangeException(nameof(iterations), iterations, "at least one iteration");
        int m = a.Length;
        var y = new double[m];
        if (m == 1) { y[0] = 1; return y; }
        double scale = 0;
        for (int i = 0; i < m; i++) scale = Math.Max(scale, Math.Abs(a[i]) + (i > 0 ? Math.Abs(b[i]) : 0));
        double shift = lambda - InverseIterationOffset * Math.Max(scale, Precision.Tiny);
        // LU with partial pivoting of the tridiagonal T - shift I (as in LAPACK dgttrf)
        var d = new double[m]; var du = new double[m]; var du2 = new double[m]; var dl = new double[m];
        var piv = new bool[m];
        for (int i = 0; i < m; i++) d[i] = a[i] - shift;
        for (int i = 0; i + 1 < m; i++) { du[i] = b[i + 1]; dl[i] = b[i + 1]; }
        for (int i = 0; i + 1 < m; i++)
        {
            if (Math.Abs(d[i]) >= Math.Abs(dl[i]))
            {
                if (d[i] == 0) d[i] = Precision.Tiny;
                double f = dl[i] / d[i];
                dl[i] = f;
                d[i + 1] -= f * du[i];
                du2[i] = 0;
            }
            else
            {
                double f = d[i] / dl[i];
                d[i] = dl[i];
                dl[i] = f;
                double t = du[i];
                du[i] = d[i + 1];
                d[i + 1] = t - f * d[i + 1];
                if (i + 2 < m) { du2[i] = du[i + 1]; du[i + 1] = -f * du[i + 1]; }
                piv[i] = true;
            }
        }
        if (d[m - 1] == 0) d[m - 1] = Precision.Tiny;
        for (int i = 0; i < m; i++) y[i] = 1.0 / Math.Sqrt(m) * (1 + 0.01 * ((i * 7919) % 13));
        for (int it = 0; it < iterations; it++)
        {
            // forward: apply L^{-1} P
            for (int i = 0; i + 1 < m; i++)
            {
                if (piv[i]) { double t = y[i]; y[i] = y[i + 1]; y[i + 1] = t - dl[i] * y[i + 1]; }
                else y[i + 1] -= dl[i] * y[i];
            }
            // backward: U^{-1}
            y[m - 1] /= d[m - 1];
            if (m > 1) y[m - 2] = (y[m - 2] - du[m - 2] * y[m - 1]) / d[m - 2];
            for (int i = m - 3; i >= 0; i--) y[i] = (y[i] - du[i] * y[i + 1] - du2[i] * y[i + 2]) / d[i];
            double nrm = 0;
            foreach (var v in y) nrm += v * v;
            nrm = Math.Sqrt(nrm);
            if (!(nrm > 0) || !double.IsFinite(nrm)) break;
            for (int i = 0; i < m; i++) y[i] /= nrm;
        }
        return y;
    }

    static void Check(ReadOnlySpan<double> a, ReadOnlySpan<double> b)
    {
        if (b.Length != a.Length)
            throw new ArgumentException($"the off-diagonal must have the diagonal's length {a.Length} (b[0] is not read), got {b.Length}", nameof(b));
        for (int i = 0; i < a.Length; i++)
            if (!double.IsFinite(a[i])) throw new ArgumentException($"diagonal entry a[{i}] is {a[i]}: entries must be finite", nameof(a));
        for (int i = 1; i < b.Length; i++)
            if (!double.IsFinite(b[i])) throw new ArgumentException($"off-diagonal entry b[{i}] is {b[i]}: entries must be finite", nameof(b));
    }

    static void CheckNonEmpty(ReadOnlySpan<double> a, ReadOnlySpan<double> b)
    {
        if (a.IsEmpty) throw new ArgumentException("an empty matrix has no eigenpairs", nameof(a));
        Check(a, b);
    }
}
