using TorchSharp;
using static TorchSharp.torch;

namespace NeuralSpin.Numerics;

/// <summary>
/// Dense float64 linear algebra through libtorch (LAPACK underneath). At the sizes of the paper's
/// network (N = 2330) a symmetric eigenvalue problem takes about 0.5 s here, against about 33 s for
/// MathNet's managed Evd, so every dense spectrum of the project goes through this class. Inputs and
/// outputs are plain row-major arrays; no tensor escapes.
/// </summary>
public static class TorchLinalg
{
    static readonly object Gate = new();
    static bool _configured;

    /// <summary>Sets libtorch's intra-op thread count (default: <see cref="DefaultThreads"/>).</summary>
    public static void Configure(int? threads = null)
    {
        lock (Gate)
        {
            int t = threads ?? DefaultThreads();
            torch.set_num_threads(Math.Max(1, t));
            _configured = true;
        }
    }

    /// <summary>
    /// The thread count used when none is configured: $NEURALSPIN_THREADS, else 1. On a two-core machine
    /// libtorch's threads slow down badly as soon as another process competes for the cores (a 2330 x 2330
    /// eigvalsh: 1.6 s with two threads against 0.9 s with one), so one thread is the robust default.
    /// </summary>
    public static int DefaultThreads()
    {
        var env = Environment.GetEnvironmentVariable("NEURALSPIN_THREADS");
        if (int.TryParse(env, out int t) && t > 0) return t;
        return 1;
    }

    static void Ensure()
    {
        if (!_configured) Configure();
    }

    /// <summary>Ascending eigenvalues of the symmetric n x n matrix (row-major; the lower triangle is read).</summary>
    /// <exception cref="ArgumentNullException"><paramref name="rowMajor"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="n"/> is negative.</exception>
    /// <exception cref="ArgumentException">The matrix does not have n x n entries, has a NaN or infinite entry, or is not
    /// symmetric to rounding (<see cref="Precision.SymmetryTolerance"/> relative to its largest entry).</exception>
    public static double[] SymmetricEigenvalues(double[] rowMajor, int n)
    {
        CheckSymmetric(rowMajor, n);
        Ensure();
        using var scope = NewDisposeScope();
        var a = torch.tensor(rowMajor, new long[] { n, n }, ScalarType.Float64);
        var w = torch.linalg.eigvalsh(a);
        return w.data<double>().ToArray();
    }

    /// <summary>Singular values of the rows x cols row-major matrix, descending (LAPACK gesdd without vectors).</summary>
    /// <exception cref="ArgumentNullException"><paramref name="rowMajor"/> is null.</exception>
    /// <exception cref="ArgumentException">The matrix does not have rows x cols entries or has a NaN or infinite entry.</exception>
    public static double[] SingularValues(double[] rowMajor, int rows, int cols)
    {
        ArgumentNullException.ThrowIfNull(rowMajor);
        if (rows < 0 || cols < 0) throw new ArgumentOutOfRangeException(nameof(rows), "the dimensions must not be negative");
        if (rowMajor.LongLength != (long)rows * cols) throw new ArgumentException($"expected {rows}x{cols} entries, got {rowMajor.LongLength}", nameof(rowMajor));
        foreach (var v in rowMajor) if (!double.IsFinite(v)) throw new ArgumentException("the matrix has a NaN or infinite entry", nameof(rowMajor));
        if (rows == 0 || cols == 0) return Array.Empty<double>();
        Ensure();
        using var scope = NewDisposeScope();
        var a = torch.tensor(rowMajor, new long[] { rows, cols }, ScalarType.Float64);
        return torch.linalg.svdvals(a).data<double>().ToArray();
    }

    /// <summary>Solves A x = b for a square A (row-major n x n) by LU with partial pivoting (LAPACK gesv); null when A is
    /// exactly singular or the solution is not finite.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="rowMajor"/> or <paramref name="rhs"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="n"/> is negative.</exception>
    /// <exception cref="ArgumentException">The matrix does not have n x n entries or the right-hand side n.</exception>
    public static double[]? Solve(double[] rowMajor, double[] rhs, int n)
    {
        CheckSquare(rowMajor, n);
        ArgumentNullException.ThrowIfNull(rhs);
        if (rhs.Length != n) throw new ArgumentException($"expected a right-hand side of length {n}, got {rhs.Length}", nameof(rhs));
        Ensure();
        using var scope = NewDisposeScope();
        var a = torch.tensor(rowMajor, new long[] { n, n }, ScalarType.Float64);
        var b = torch.tensor(rhs, new long[] { n }, ScalarType.Float64);
        var (x, info) = torch.linalg.solve_ex(a, b, check_errors: false);
        if (info.item<int>() != 0) return null;
        var r = x.data<double>().ToArray();
        return r.All(double.IsFinite) ? r : null;
    }

    /// <summary>Ascending eigenvalues and the matching orthonormal eigenvectors (column j of the row-major result).</summary>
    /// <exception cref="ArgumentNullException"><paramref name="rowMajor"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="n"/> is negative.</exception>
    /// <exception cref="ArgumentException">The matrix does not have n x n entries, has a NaN or infinite entry, or is not
    /// symmetric to rounding (<see cref="Precision.SymmetryTolerance"/> relative to its largest entry).</exception>
    public static (double[] Values, double[] VectorsRowMajor) SymmetricEigen(double[] rowMajor, int n)
    {
        CheckSymmetric(rowMajor, n);
        Ensure();
        using var scope = NewDisposeScope();
        var a = torch.tensor(rowMajor, new long[] { n, n }, ScalarType.Float64);
        var (w, v) = torch.linalg.eigh(a);
        return (w.data<double>().ToArray(), v.contiguous().data<double>().ToArray());
    }

    static void CheckSquare(double[] rowMajor, int n)
    {
        ArgumentNullException.ThrowIfNull(rowMajor);
        if (n < 0) throw new ArgumentOutOfRangeException(nameof(n), n, "the order of the matrix must not be negative");
        if (rowMajor.LongLength != (long)n * n)
            throw new ArgumentException($"expected {n}x{n} = {(long)n * n} entries, got {rowMajor.LongLength}", nameof(rowMajor));
    }

    /// <summary>The symmetric solvers read one triangle: an asymmetric matrix would be answered for another matrix.</summary>
    static void CheckSymmetric(double[] rowMajor, int n)
    {
        CheckSquare(rowMajor, n);
        double scale = 0;
        foreach (var v in rowMajor)
        {
            if (!double.IsFinite(v)) throw new ArgumentException("the matrix has a NaN or infinite entry", nameof(rowMajor));
            scale = Math.Max(scale, Math.Abs(v));
        }
        double tol = Precision.SymmetryTolerance * scale;
        for (int i = 0; i < n; i++)
            for (int j = i + 1; j < n; j++)
                if (Math.Abs(rowMajor[(long)i * n + j] - rowMajor[(long)j * n + i]) > tol)
                    throw new ArgumentException($"the matrix is not symmetric at ({i},{j})", nameof(rowMajor));
    }

    /// <summary>
    /// Ascending eigenvalues of the Gram matrix G = B^T B of the bipartite block B of a layered coupling, restricted to the
    /// layers of one parity (docs/theory.md section 4, equation 4.8): with J^(k) the N_{k-1} x N_k block between layers
    /// k - 1 and k, G has the diagonal blocks J^(p)^T J^(p) + J^(p+1) J^(p+1)^T and the blocks J^(p+1) J^(p+2) between
    /// layers p and p + 2 of that parity (terms with a missing block omitted). The products are formed block by block,
    /// so no zero block of B is multiplied.
    /// </summary>
    /// <param name="blocks">J^(1)..J^(L), row-major.</param>
    /// <param name="widths">N_0..N_L.</param>
    /// <param name="parity">0: the even layers, 1: the odd ones.</param>
    internal static double[] LayerGramEigenvalues(IReadOnlyList<double[]> blocks, IReadOnlyList<int> widths, int parity)
    {
        int layers = widths.Count;
        var offset = new int[layers];
        int m = 0;
        for (int p = parity; p < layers; p += 2) { offset[p] = m; m += widths[p]; }
        if (m == 0) return Array.Empty<double>();
        // G column-major (symmetric, so also row-major) in a buffer on huge pages, its lower triangle filled by dgemm on
        // the row-major blocks read as column-major transposes (J^(k) row-major is J^(k)^T column-major, leading
        // dimension N_k), then its eigenvalues in place: no tensor copies of the blocks, of G, or of G for LAPACK
        using var buffer = new LargePageBuffer((long)m * m);
        var g = buffer.Span;
        g.Clear();
        int last = layers - 1;
        for (int p = parity; p < layers; p += 2)
        {
            int np = widths[p], o = offset[p];
            var gpp = g[(o + o * m)..];
            // J^(p)^T J^(p) = X X^T with X = J^(p)^T (N_p x N_{p-1})
            if (p >= 1) TorchLapack.Gemm(false, true, np, np, widths[p - 1], 1, blocks[p - 1], np, blocks[p - 1], np, 1, gpp, m);
            // J^(p+1) J^(p+1)^T = Y^T Y with Y = J^(p+1)^T (N_{p+1} x N_p)
            if (p + 1 <= last) TorchLapack.Gemm(true, false, np, np, widths[p + 1], 1, blocks[p], widths[p + 1], blocks[p], widths[p + 1], 1, gpp, m);
            // the block below the diagonal, rows of layer p + 2 and columns of layer p: (J^(p+1) J^(p+2))^T = Z Y with
            // Z = J^(p+2)^T (N_{p+2} x N_{p+1})
            if (p + 2 <= last)
                TorchLapack.Gemm(false, false, widths[p + 2], np, widths[p + 1], 1, blocks[p + 1], widths[p + 2], blocks[p], widths[p + 1], 0,
                    g[(offset[p + 2] + o * m)..], m);
        }
        return TorchLapack.SymmetricEigenvaluesInPlace(m, g, m);
    }

    internal static Tensor FromRowMajor(double[] data, int rows, int cols) =>
        torch.tensor(data, new long[] { rows, cols }, ScalarType.Float64);

    internal static void EnsureConfigured() => Ensure();
}
