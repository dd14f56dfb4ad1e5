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
    public DenseCoupling(int n, double[] rowMajor)
    {
        if (n < 1) throw new ArgumentOutOfRangeException(nameof(n), "a coupling matrix needs at least one spin");
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
    public double this[int i, int j] => _j[i * Size + j];

    /// <inheritdoc />
    public void Multiply(ReadOnlySpan<double> x, Span<double> y) => Blas.Gemv(_j, Size, Size, x, y, square: false);

    /// <inheritdoc />
    public void MultiplySquared(ReadOnlySpan<double> x, Span<double> y) => Blas.Gemv(_j, Size, Size, x, y, square: true);

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
    public static DenseCoupling SherringtonKirkpatrick(int n, double couplingScale, Random rng)
    {
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
