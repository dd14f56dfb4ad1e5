namespace NeuralSpin.SpinModel;

/// <summary>
/// A general symmetric, zero-diagonal coupling matrix stored densely (row-major), for example a
/// fully connected Sherrington-Kirkpatrick instance. Validated on construction.
/// </summary>
public sealed class DenseCoupling : ISymmetricCoupling
{
    readonly double[] _j;

    /// <summary>Wraps a row-major N x N matrix; it must be finite, symmetric to rounding
    /// (<see cref="NeuralSpin.Numerics.Precision.SymmetryTolerance"/> relative) and zero on the diagonal; the stored copy is
    /// exactly symmetric (the mean of the two triangles).</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="n"/> is below 1.</exception>
    /// <exception cref="ArgumentNullException"><paramref name="rowMajor"/> is null.</exception>
    /// <exception cref="ArgumentException">The matrix does not have n x n entries, or has a NaN or infinite entry, a nonzero
    /// diagonal entry or an asymmetry beyond rounding.</exception>
    public DenseCoupling(int n, double[] rowMajor)
    {
        if (n < 1) throw new ArgumentOutOfRangeException(nameof(n), "a coupling matrix needs at least one spin");
        ArgumentNullException.ThrowIfNull(rowMajor);
        if (rowMajor.Length != (long)n * n) throw new ArgumentException($"expected {n}x{n} = {(long)n * n} entries, got {rowMajor.Length}");
        double scale = 0;
        foreach (var v in rowMajor)
        {
            if (!double.IsFinite(v)) throw new ArgumentException("coupling matrix has a NaN or infinite entry");
            scale = Math.Max(scale, Math.Abs(v));
        }
        for (int i = 0; i < n; i++)
        {
            if (rowMajor[i * n + i] != 0) throw new ArgumentException($"coupling matrix has a nonzero diagonal entry at ({i},{i})");
            for (int j = i + 1; j < n; j++)
                if (Math.Abs(rowMajor[i * n + j] - rowMajor[j * n + i]) > NeuralSpin.Numerics.Precision.SymmetryTolerance * scale)
                    throw new ArgumentException($"coupling matrix is not symmetric at ({i},{j})");
        }
        Size = n;
        _j = (double[])rowMajor.Clone();
        for (int i = 0; i < n; i++)
            for (int j = i + 1; j < n; j++)
                _j[i * n + j] = _j[j * n + i] = 0.5 * (rowMajor[i * n + j] + rowMajor[j * n + i]);
    }

    /// <inheritdoc />
    public int Size { get; }

    /// <summary>Entry J_ij.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="i"/> or <paramref name="j"/> lies outside 0..N-1.</exception>
    public double this[int i, int j]
    {
        get
        {
            if ((uint)i >= (uint)Size) throw new ArgumentOutOfRangeException(nameof(i), i, $"the spin index must lie in 0..{Size - 1}");
            if ((uint)j >= (uint)Size) throw new ArgumentOutOfRangeException(nameof(j), j, $"the spin index must lie in 0..{Size - 1}");
            return _j[i * Size + j];
        }
    }

    /// <inheritdoc />
    /// <exception cref="ArgumentException"><paramref name="x"/> or <paramref name="y"/> does not have length N, or
    /// <paramref name="y"/> overlaps <paramref name="x"/>.</exception>
    public void Multiply(ReadOnlySpan<double> x, Span<double> y)
    {
        CheckVectors(x, y);
        Blas.Gemv(_j, Size, Size, x, y, square: false);
    }

    /// <inheritdoc />
    /// <exception cref="ArgumentException"><paramref name="x"/> or <paramref name="y"/> does not have length N, or
    /// <paramref name="y"/> overlaps <paramref name="x"/>.</exception>
    public void MultiplySquared(ReadOnlySpan<double> x, Span<double> y)
    {
        CheckVectors(x, y);
        Blas.Gemv(_j, Size, Size, x, y, square: true);
    }

    /// <summary>The products write y row by row while reading x, so the two must be distinct.</summary>
    void CheckVectors(ReadOnlySpan<double> x, Span<double> y)
    {
        if (x.Length != Size) throw new ArgumentException($"expected {Size} entries in x, got {x.Length}", nameof(x));
        if (y.Length != Size) throw new ArgumentException($"expected {Size} entries in y, got {y.Length}", nameof(y));
        if (x.Overlaps(y)) throw new ArgumentException("the output must not overlap the input", nameof(y));
    }

    /// <inheritdoc />
    public double[] RowSquareSums()
    {
        var d = new double[Size];
        for (int i = 0; i < Size; i++)
        {
            double s = 0;
            var row = _j.AsSpan(i * Size, Size);
            foreach (var v in row) s += v * v;
            d[i] = s;
        }
        return d;
    }

    /// <inheritdoc />
    public double[] ToDenseRowMajor() => (double[])_j.Clone();

    /// <summary>
    /// A Sherrington-Kirkpatrick instance (docs/theory.md section 8): J_ij = J_ji ~ N(0, J^2/N) for i &lt; j,
    /// zero diagonal.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="n"/> is below 1, or <paramref name="couplingScale"/>
    /// is negative, NaN or infinite.</exception>
    /// <exception cref="ArgumentNullException"><paramref name="rng"/> is null.</exception>
    public static DenseCoupling SherringtonKirkpatrick(int n, double couplingScale, Random rng)
    {
        if (n < 1) throw new ArgumentOutOfRangeException(nameof(n), n, "a coupling matrix needs at least one spin");
        if (!(couplingScale >= 0) || !double.IsFinite(couplingScale))
            throw new ArgumentOutOfRangeException(nameof(couplingScale), couplingScale, "the coupling scale J must be finite and non-negative");
        ArgumentNullException.ThrowIfNull(rng);
        var a = new double[n * n];
        double sd = couplingScale / Math.Sqrt(n);
        for (int i = 0; i < n; i++)
            for (int j = i + 1; j < n; j++)
            {
                double v = sd * Gaussian.Sample(rng);
                a[i * n + j] = v;
                a[j * n + i] = v;
            }
        return new DenseCoupling(n, a);
    }
}
