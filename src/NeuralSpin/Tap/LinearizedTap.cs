using NeuralSpin.SpinModel;

namespace NeuralSpin.Tap;

/// <summary>
/// The linearized TAP operator I - M(beta) = I - beta J + beta^2 diag(d) at one inverse temperature
/// (P1 21-25, docs/theory.md section 4), with d_i = sum_l J_il^2 the row square sums of J.
/// <para>
/// Linearizing the TAP equations (P1 20) around m = 0 gives m = M m (P1 21), i.e. (I - M) m = 0 (P1 22) with
/// M_ij = beta J_ij - delta_ij beta^2 d_i (P1 23); M is the Jacobian at m = 0 of the map of
/// <see cref="TapSolver.Step"/> with zero fields. For a layered <see cref="BondMatrix"/> M is block
/// tridiagonal with off-diagonal blocks beta J^(k) and diagonal blocks beta R^(k),
/// R^(k) = -beta diag(d restricted to layer k) (P1 24-25; <b>erratum (P1 25)</b>: the printed J_ll reads
/// J^(1)_il for k = 0 and J^(k+1)_il for the outgoing block). The paramagnet m = 0 is the only solution
/// while I - M is positive definite.
/// </para>
/// Works with any <see cref="ISymmetricCoupling"/>; d is computed once on construction.
/// </summary>
public sealed class LinearizedTap
{
    readonly double[] _d;

    /// <summary>Builds I - M(beta) for coupling <paramref name="coupling"/>.</summary>
    /// <param name="coupling">Any symmetric zero-diagonal coupling.</param>
    /// <param name="beta">Inverse temperature, finite (beta = 0 gives the identity).</param>
    public LinearizedTap(ISymmetricCoupling coupling, double beta)
    {
        ArgumentNullException.ThrowIfNull(coupling);
        if (!double.IsFinite(beta)) throw new ArgumentOutOfRangeException(nameof(beta), beta, "beta must be finite");
        Coupling = coupling;
        Beta = beta;
        _d = coupling.RowSquareSums();
        if (_d.Length != coupling.Size) throw new ArgumentException("coupling returned row square sums of the wrong length", nameof(coupling));
    }

    /// <summary>The coupling J.</summary>
    public ISymmetricCoupling Coupling { get; }

    /// <summary>The inverse temperature beta.</summary>
    public double Beta { get; }

    /// <summary>Number of spins N.</summary>
    public int Size => Coupling.Size;

    /// <summary>d_i = sum_l J_il^2 (docs/theory.md section 1).</summary>
    public ReadOnlySpan<double> RowSquareSums => _d;

    /// <summary>y = (I - M) x = x - beta J x + beta^2 d o x, without forming the matrix.</summary>
    /// <param name="x">Input, length N.</param>
    /// <param name="y">Output, length N; must not overlap <paramref name="x"/>.</param>
    public void Apply(ReadOnlySpan<double> x, Span<double> y)
    {
        int n = Size;
        if (x.Length != n || y.Length != n) throw new ArgumentException($"vectors must have length {n}");
        if (x.Overlaps(y)) throw new ArgumentException("the output must not overlap the input", nameof(y));
        Apply(Coupling, _d, Beta, x, y);
    }

    /// <summary>y = (I - M(beta)) x for a coupling whose row square sums <paramref name="d"/> are known.</summary>
    internal static void Apply(ISymmetricCoupling coupling, ReadOnlySpan<double> d, double beta, ReadOnlySpan<double> x, Span<double> y)
    {
        coupling.Multiply(x, y);
        double b2 = beta * beta;
        for (int i = 0; i < y.Length; i++) y[i] = x[i] - beta * y[i] + b2 * d[i] * x[i];
    }

    /// <summary>Overwrites the dense row-major J (n x n) with I - beta J + beta^2 diag(d).</summary>
    internal static double[] DenseInPlace(double[] j, ReadOnlySpan<double> d, double beta)
    {
        DenseInPlace(j.AsSpan(), d, beta);
        return j;
    }

    /// <summary><see cref="DenseInPlace(double[], ReadOnlySpan{double}, double)"/> on a span of n x n entries.</summary>
    internal static void DenseInPlace(Span<double> j, ReadOnlySpan<double> d, double beta)
    {
        int n = d.Length;
        double b2 = beta * beta;
        for (int k = 0; k < j.Length; k++) j[k] = -beta * j[k];
        for (int i = 0; i < n; i++) j[i * n + i] += 1.0 + b2 * d[i];
    }

    /// <summary>I - beta J + beta^2 diag(d) from a dense row-major J (n x n, n the length of d), which is left unchanged.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="j"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="j"/> does not have n x n entries.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="beta"/> is NaN or infinite.</exception>
    public static double[] DenseFromJ(double[] j, ReadOnlySpan<double> d, double beta)
    {
        ArgumentNullException.ThrowIfNull(j);
        if (j.LongLength != (long)d.Length * d.Length)
            throw new ArgumentException($"expected {d.Length}x{d.Length} = {(long)d.Length * d.Length} entries (one row per d_i), got {j.LongLength}", nameof(j));
        if (!double.IsFinite(beta)) throw new ArgumentOutOfRangeException(nameof(beta), beta, "beta must be finite");
        return DenseInPlace((double[])j.Clone(), d, beta);
    }

    /// <summary>The dense N x N matrix I - beta J + beta^2 diag(d) (row-major, symmetric).</summary>
    public double[] Dense()
    {
        return DenseInPlace(Coupling.ToDenseRowMajor(), _d, Beta);
    }
}
