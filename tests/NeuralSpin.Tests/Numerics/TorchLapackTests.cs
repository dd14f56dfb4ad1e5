using NUnit.Framework;
using NeuralSpin.Numerics;

namespace NeuralSpin.Tests.Numerics;

/// <summary>
/// The three routines called directly in libtorch's LAPACK (<see cref="TorchLapack"/>) against naive loops written from
/// their definitions, on column-major matrices with leading dimensions larger than the row count (so that a mixed-up
/// dimension reads the padding). Tolerances: a few hundred ulps of the entries' size, for sums of at most 9 products.
/// </summary>
[TestFixture]
public class TorchLapackTests
{
    static double[] Random(int count, int seed)
    {
        var rng = new Random(seed);
        return Enumerable.Range(0, count).Select(_ => rng.NextDouble() * 2 - 1).ToArray();
    }

    /// <summary>C = alpha A A^T + beta C, A column-major m x k with leading dimension lda &gt; m, C with ldc &gt; m: only
    /// the m x m part of C changes.</summary>
    [Test]
    public void GemmNT_IsAlphaTimesAATransposePlusBetaC()
    {
        const int m = 5, k = 9, lda = 7, ldc = 6;
        var a = Random(lda * k, 1);
        var c = Random(ldc * m, 2);
        var c0 = (double[])c.Clone();
        TorchLapack.GemmNT(m, k, -0.7, a, lda, 0.5, c, ldc);
        for (int col = 0; col < m; col++)
            for (int row = 0; row < ldc; row++)
            {
                double expected = c0[row + col * ldc];
                if (row < m)
                {
                    double s = 0;
                    for (int l = 0; l < k; l++) s += a[row + l * lda] * a[col + l * lda];
                    expected = -0.7 * s + 0.5 * expected;
                }
                Assert.That(c[row + col * ldc], Is.EqualTo(expected).Within(1e-13), $"C[{row},{col}]");
            }
    }

    /// <summary>The lower Cholesky factor L of an SPD matrix satisfies L L^T = A (lower triangle written, upper triangle
    /// untouched); an indefinite matrix gives false.</summary>
    [Test]
    public void CholeskyLower_FactorsAPositiveDefiniteMatrix_AndRefusesAnIndefiniteOne()
    {
        const int n = 6, lda = 8;
        var g = Random(n * n, 3);
        var a = new double[lda * n];
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++)
            {
                double s = i == j ? n : 0;
                for (int l = 0; l < n; l++) s += g[i * n + l] * g[j * n + l];
                a[i + j * lda] = s;
            }
        var original = (double[])a.Clone();
        Assert.That(TorchLapack.CholeskyLower(n, a, lda), Is.True);
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++)
            {
                if (j > i) { Assert.That(a[i + j * lda], Is.EqualTo(original[i + j * lda]), "upper triangle untouched"); continue; }
                double s = 0;
                for (int l = 0; l <= j; l++) s += a[i + l * lda] * a[j + l * lda];
                Assert.That(s, Is.EqualTo(original[i + j * lda]).Within(1e-12 * n), $"(L L^T)[{i},{j}]");
            }
        // diag(1, 1, -1): the third leading minor is negative
        var indefinite = new double[] { 1, 0, 0, 0, 1, 0, 0, 0, -1 };
        Assert.That(TorchLapack.CholeskyLower(3, indefinite, 3), Is.False);
    }

    /// <summary>B := B L^-T for column-major B (m x n, ldb &gt; m): the result X satisfies X L^T = B.</summary>
    [Test]
    public void SolveRightLowerTransposed_SolvesXLTransposeEqualsB()
    {
        const int m = 4, n = 5, ldl = 6, ldb = 7;
        var l = new double[ldl * n];
        var r = Random(ldl * n, 4);
        for (int i = 0; i < n; i++)
            for (int j = 0; j <= i; j++) l[i + j * ldl] = i == j ? 2 + Math.Abs(r[i + j * ldl]) : r[i + j * ldl];
        for (int i = 0; i < n; i++)
            for (int j = i + 1; j < n; j++) l[i + j * ldl] = 1e3; // the upper triangle is not read
        var b = Random(ldb * n, 5);
        var b0 = (double[])b.Clone();
        TorchLapack.SolveRightLowerTransposed(m, n, l, ldl, b, ldb);
        for (int row = 0; row < m; row++)
            for (int col = 0; col < n; col++)
            {
                // (X L^T)[row, col] = sum_j X[row, j] L[col, j]
                double s = 0;
                for (int j = 0; j <= col; j++) s += b[row + j * ldb] * l[col + j * ldl];
                Assert.That(s, Is.EqualTo(b0[row + col * ldb]).Within(1e-13), $"(X L^T)[{row},{col}]");
            }
        for (int col = 0; col < n; col++)
            for (int row = m; row < ldb; row++) Assert.That(b[row + col * ldb], Is.EqualTo(b0[row + col * ldb]), "padding untouched");
    }

    /// <summary>Too short a matrix or too small a leading dimension is refused before LAPACK is called.</summary>
    [Test]
    public void Routines_RefuseInconsistentDimensions()
    {
        Assert.Throws<ArgumentException>(() => TorchLapack.GemmNT(3, 4, 1, new double[11], 3, 0, new double[9], 3));
        Assert.Throws<ArgumentOutOfRangeException>(() => TorchLapack.GemmNT(3, 4, 1, new double[12], 2, 0, new double[9], 3));
        Assert.Throws<ArgumentException>(() => TorchLapack.CholeskyLower(3, new double[8], 3));
        Assert.Throws<ArgumentOutOfRangeException>(() => TorchLapack.CholeskyLower(-1, new double[8], 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => TorchLapack.SolveRightLowerTransposed(4, 3, new double[9], 3, new double[12], 3));
    }
    /// <summary>
    /// The in-place symmetric eigenvalues (dsyevd 'N', 'L') of symmetric matrices of orders 0, 1, 2, 7 and 60 equal
    /// torch.linalg.eigvalsh of the same matrix bit for bit (the same LAPACK routine and arguments under MKL's
    /// reproducibility mode), and MathNet's eigenvalues (an independent solver) within 1e-13 of the largest |entry| times
    /// n; only the lower triangle is read (the upper one is filled with garbage), and a padded leading dimension works.
    /// </summary>
    [TestCase(0)]
    [TestCase(1)]
    [TestCase(2)]
    [TestCase(7)]
    [TestCase(60)]
    public void SymmetricEigenvaluesInPlace_AreEigvalshBitForBit(int n)
    {
        var sym = Random(n * n, 10 + n);
        for (int i = 0; i < n; i++)
            for (int j = 0; j < i; j++) sym[j * n + i] = sym[i * n + j];
        var viaTorch = n == 0 ? Array.Empty<double>() : TorchLinalg.SymmetricEigenvalues(sym, n);
        var independent = n == 0 ? Array.Empty<double>() : NeuralSpin.Tests.Support.DenseReference.Eigenvalues(sym, n);
        int lda = n + 3;
        var a = new double[lda * Math.Max(n, 1)];
        for (int col = 0; col < n; col++)
            for (int row = 0; row < lda; row++)
                a[row + col * lda] = row >= n ? double.NaN : row >= col ? sym[row + col * n] : 1e300; // upper: never read
        var w = TorchLapack.SymmetricEigenvaluesInPlace(n, a, lda);
        Assert.That(w, Is.EqualTo(viaTorch), "bit for bit torch.linalg.eigvalsh");
        Assert.That(w, Is.EqualTo(independent).Within(1e-13 * Math.Max(1, n)), "MathNet");
        Assert.That(w, Is.Ordered.Ascending);
    }
    /// <summary>
    /// C = alpha op(A) op(B) + beta C for the four transpose combinations, against the naive triple loop; C a block inside
    /// a larger column-major matrix (leading dimension 9, starting at row 2, column 1), whose entries outside the block
    /// stay as they were. Sums of at most 6 products of entries below 1: 1e-13 absolute.
    /// </summary>
    [Test]
    public void Gemm_AllTransposes_IntoABlockOfALargerMatrix([Values(false, true)] bool transposeA, [Values(false, true)] bool transposeB)
    {
        const int m = 4, n = 3, k = 6, ldc = 9, row0 = 2, col0 = 1;
        int lda = (transposeA ? k : m) + 1, ldb = (transposeB ? n : k) + 2;
        var a = Random(lda * (transposeA ? m : k), 20);
        var b = Random(ldb * (transposeB ? k : n), 21);
        var c = Random(ldc * 5, 22);
        var c0 = (double[])c.Clone();
        double A(int i, int l) => transposeA ? a[l + i * lda] : a[i + l * lda];
        double B(int l, int j) => transposeB ? b[j + l * ldb] : b[l + j * ldb];
        TorchLapack.Gemm(transposeA, transposeB, m, n, k, 0.8, a, lda, b, ldb, -1.5, c.AsSpan(row0 + col0 * ldc), ldc);
        for (int col = 0; col < 5; col++)
            for (int row = 0; row < ldc; row++)
            {
                double expected = c0[row + col * ldc];
                int i = row - row0, j = col - col0;
                if (i >= 0 && i < m && j >= 0 && j < n)
                {
                    double s = 0;
                    for (int l = 0; l < k; l++) s += A(i, l) * B(l, j);
                    expected = 0.8 * s - 1.5 * expected;
                }
                Assert.That(c[row + col * ldc], Is.EqualTo(expected).Within(1e-13), $"C[{row},{col}]");
            }
        Assert.Throws<ArgumentException>(() => TorchLapack.Gemm(transposeA, transposeB, m, n, k, 1, a, lda, b, ldb, 0, new double[ldc * (n - 1) + m - 1], ldc),
            "a C span one entry short of the block");
    }

    /// <summary>A large-page buffer holds its length, can be written and read over all of it (above and below the 2 MB
    /// huge-page size), and refuses use after disposal and negative lengths.</summary>
    [TestCase(0)]
    [TestCase(5)]
    [TestCase(300_000)]
    public void LargePageBuffer_HoldsItsEntries(int length)
    {
        var buffer = new LargePageBuffer(length);
        var span = buffer.Span;
        Assert.That(span.Length, Is.EqualTo(length));
        for (int i = 0; i < length; i++) span[i] = i * 0.5;
        double sum = 0;
        foreach (var v in buffer.Span) sum += v;
        Assert.That(sum, Is.EqualTo(0.25 * length * (length - 1.0)));
        buffer.Dispose();
        buffer.Dispose();
        Assert.Throws<ObjectDisposedException>(() => _ = buffer.Span.Length);
        Assert.Throws<ArgumentOutOfRangeException>(() => new LargePageBuffer(-1));
    }
}
