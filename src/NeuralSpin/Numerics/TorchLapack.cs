using System.Runtime.InteropServices;

namespace NeuralSpin.Numerics;

/// <summary>
/// Four BLAS/LAPACK routines called directly in the LAPACK library libtorch carries (MKL, linked into
/// <c>libtorch_cpu.so</c>, which exports its Fortran entry points dgemm_, dpotrf_, dtrsm_ and dsyevd_ with 32-bit
/// integers), on pinned managed arrays or native buffers in column-major order. A loop of small dense steps (the chi recurrence's product, Cholesky
/// factorisation and triangular solve per layer) spends as much time in libtorch's tensor bookkeeping as in the
/// arithmetic: the allocation of every intermediate, the zeroing of the upper triangle after each Cholesky factorisation,
/// the symmetrisation of each product. Called directly, the same routines run on reused buffers with none of it
/// (REPRODUCE.md, "Speed"). The library is the instance TorchSharp has loaded (found by its soname, never loaded a second
/// time), so the thread count set by <see cref="TorchLinalg.Configure"/> and MKL's reproducibility mode
/// (<see cref="NativeReproducibility"/>) hold for these calls too.
/// </summary>
internal static unsafe class TorchLapack
{
    const string Soname = "libtorch_cpu.so";
    const int RtldLazy = 0x1, RtldNoLoad = 0x4;

    static readonly object Gate = new();
    static delegate* unmanaged<byte*, byte*, int*, int*, int*, double*, double*, int*, double*, int*, double*, double*, int*, void> _dgemm;
    static delegate* unmanaged<byte*, int*, double*, int*, int*, void> _dpotrf;
    static delegate* unmanaged<byte*, byte*, byte*, byte*, int*, int*, double*, double*, int*, double*, int*, void> _dtrsm;
    static delegate* unmanaged<byte*, byte*, int*, double*, int*, double*, double*, int*, int*, int*, int*, void> _dsyevd;

    /// <summary>Finds the routines in the libtorch TorchSharp has loaded (loading it first through TorchSharp).</summary>
    static void Ensure()
    {
        if (_dtrsm != null) return;
        lock (Gate)
        {
            if (_dtrsm != null) return;
            TorchLinalg.EnsureConfigured();
            // RTLD_NOLOAD: the handle of the copy already in the process, matched by soname; never a second copy of MKL
            IntPtr lib = DlOpen(Soname, RtldLazy | RtldNoLoad);
            if (lib == IntPtr.Zero)
                throw new InvalidOperationException($"{Soname} is not loaded in this process although TorchSharp is initialised; the direct LAPACK calls need libtorch's CPU library");
            _dgemm = (delegate* unmanaged<byte*, byte*, int*, int*, int*, double*, double*, int*, double*, int*, double*, double*, int*, void>)NativeLibrary.GetExport(lib, "dgemm_");
            _dpotrf = (delegate* unmanaged<byte*, int*, double*, int*, int*, void>)NativeLibrary.GetExport(lib, "dpotrf_");
            _dsyevd = (delegate* unmanaged<byte*, byte*, int*, double*, int*, double*, double*, int*, int*, int*, int*, void>)NativeLibrary.GetExport(lib, "dsyevd_");
            _dtrsm = (delegate* unmanaged<byte*, byte*, byte*, byte*, int*, int*, double*, double*, int*, double*, int*, void>)NativeLibrary.GetExport(lib, "dtrsm_");
        }
    }

    [DllImport("libc", EntryPoint = "dlopen")]
    static extern IntPtr DlOpen([MarshalAs(UnmanagedType.LPUTF8Str)] string file, int mode);

    /// <summary>
    /// C = alpha A B^T + beta C for column-major A (m x k, leading dimension lda) and C (m x m); with B = A this is the
    /// Gram product A A^T (dgemm 'N', 'T').
    /// </summary>
    public static void GemmNT(int m, int k, double alpha, ReadOnlySpan<double> a, int lda, double beta, Span<double> c, int ldc)
    {
        CheckDims(m, k, lda, m, "A");
        CheckMatrix(a, lda, k, "A");
        CheckMatrix(c, ldc, m, "C");
        if (m == 0) return;
        Ensure();
        byte n = (byte)'N', t = (byte)'T';
        fixed (double* pa = a, pc = c)
            _dgemm(&n, &t, &m, &m, &k, &alpha, pa, &lda, pa, &lda, &beta, pc, &ldc);
    }

    /// <summary>
    /// Cholesky factorisation A = L L^T in place of the lower triangle of the column-major n x n matrix A (dpotrf 'L'; the
    /// strict upper triangle is neither read nor written). Returns false when A is not positive definite (a leading minor
    /// is not positive; LAPACK's info &gt; 0).
    /// </summary>
    public static bool CholeskyLower(int n, Span<double> a, int lda)
    {
        CheckDims(n, n, lda, n, "A");
        CheckMatrix(a, lda, n, "A");
        if (n == 0) return true;
        Ensure();
        byte lo = (byte)'L';
        int info;
        fixed (double* pa = a) _dpotrf(&lo, &n, pa, &lda, &info);
        if (info < 0) throw new InvalidOperationException($"dpotrf rejected argument {-info}");
        return info == 0;
    }

    /// <summary>
    /// B := B L^-T in place, for the column-major m x n matrix B and the lower triangular n x n factor L of
    /// <see cref="CholeskyLower"/> (dtrsm 'R', 'L', 'T', 'N'). Read row-major, B is n x m and the result is L^-1 B.
    /// </summary>
    public static void SolveRightLowerTransposed(int m, int n, ReadOnlySpan<double> l, int ldl, Span<double> b, int ldb)
    {
        CheckDims(n, n, ldl, n, "L");
        CheckDims(m, n, ldb, m, "B");
        CheckMatrix(l, ldl, n, "L");
        CheckMatrix(b, ldb, n, "B");
        if (m == 0 || n == 0) return;
        Ensure();
        byte r = (byte)'R', lo = (byte)'L', t = (byte)'T', nd = (byte)'N';
        double one = 1;
        fixed (double* pl = l, pb = b) _dtrsm(&r, &lo, &t, &nd, &m, &n, &one, pl, &ldl, pb, &ldb);
    }

    /// <summary>
    /// The ascending eigenvalues of the symmetric column-major n x n matrix A from its lower triangle, computed in place
    /// (dsyevd 'N', 'L', the routine and arguments of torch.linalg.eigvalsh; A is destroyed). For a row-major symmetric
    /// matrix the same array is its own column-major form, so a caller that owns the array saves eigvalsh's two copies
    /// of it (into a tensor, then into LAPACK's column-major working copy).
    /// </summary>
    /// <exception cref="InvalidOperationException">LAPACK reports an argument error or no convergence.</exception>
    public static double[] SymmetricEigenvaluesInPlace(int n, Span<double> a, int lda)
    {
        CheckDims(n, n, lda, n, "A");
        CheckMatrix(a, lda, n, "A");
        var w = new double[n];
        if (n == 0) return w;
        Ensure();
        byte job = (byte)'N', lo = (byte)'L';
        int info, lwork = -1, liwork = -1, iworkQuery;
        double workQuery;
        fixed (double* pa = a, pw = w)
        {
            _dsyevd(&job, &lo, &n, pa, &lda, pw, &workQuery, &lwork, &iworkQuery, &liwork, &info);
            if (info != 0) throw new InvalidOperationException($"dsyevd's workspace query failed (info {info})");
            lwork = (int)workQuery;
            liwork = iworkQuery;
            var work = new double[Math.Max(1, lwork)];
            var iwork = new int[Math.Max(1, liwork)];
            fixed (double* pwork = work)
            fixed (int* piwork = iwork)
                _dsyevd(&job, &lo, &n, pa, &lda, pw, pwork, &lwork, piwork, &liwork, &info);
        }
        if (info < 0) throw new InvalidOperationException($"dsyevd rejected argument {-info}");
        if (info > 0) throw new InvalidOperationException($"dsyevd did not converge ({info} off-diagonal elements of the tridiagonal form did not reach zero)");
        return w;
    }

    static void CheckDims(int rows, int cols, int ld, int minLd, string name)
    {
        if (rows < 0 || cols < 0) throw new ArgumentOutOfRangeException(name, $"{name}: negative dimension {rows} x {cols}");
        if (ld < Math.Max(1, minLd)) throw new ArgumentOutOfRangeException(name, $"{name}: leading dimension {ld} below {Math.Max(1, minLd)}");
    }

    /// <summary>A column-major matrix of <paramref name="cols"/> columns with leading dimension ld needs ld (cols - 1) + rows
    /// entries; checked against ld cols, the size every caller allocates.</summary>
    static void CheckMatrix(ReadOnlySpan<double> m, int ld, int cols, string name)
    {
        if ((long)ld * cols > m.Length) throw new ArgumentException($"{name}: {m.Length} entries, needs {(long)ld * cols}", name);
    }

    /// <summary>The exact need of a rows x cols column-major matrix with leading dimension ld: ld (cols - 1) + rows entries
    /// (a block inside a larger matrix, whose last column ends before the larger one's).</summary>
    static void CheckSubMatrix(ReadOnlySpan<double> m, int rows, int ld, int cols, string name)
    {
        long need = cols == 0 || rows == 0 ? 0 : (long)ld * (cols - 1) + rows;
        if (need > m.Length) throw new ArgumentException($"{name}: {m.Length} entries, needs {need}", name);
    }

    /// <summary>
    /// C = alpha op(A) op(B) + beta C (dgemm) for column-major matrices: op(A) m x k, op(B) k x n, C m x n with leading
    /// dimension ldc; op is the transpose where <paramref name="transposeA"/> or <paramref name="transposeB"/> says so.
    /// C may be a block of a larger matrix (its span starting at the block's first entry).
    /// </summary>
    public static void Gemm(bool transposeA, bool transposeB, int m, int n, int k, double alpha, ReadOnlySpan<double> a, int lda,
        ReadOnlySpan<double> b, int ldb, double beta, Span<double> c, int ldc)
    {
        int aRows = transposeA ? k : m, aCols = transposeA ? m : k, bRows = transposeB ? n : k, bCols = transposeB ? k : n;
        CheckDims(aRows, aCols, lda, aRows, "A");
        CheckDims(bRows, bCols, ldb, bRows, "B");
        CheckDims(m, n, ldc, m, "C");
        CheckSubMatrix(a, aRows, lda, aCols, "A");
        CheckSubMatrix(b, bRows, ldb, bCols, "B");
        CheckSubMatrix(c, m, ldc, n, "C");
        if (m == 0 || n == 0) return;
        Ensure();
        byte ta = (byte)(transposeA ? 'T' : 'N'), tb = (byte)(transposeB ? 'T' : 'N');
        fixed (double* pa = a, pb = b, pc = c)
            _dgemm(&ta, &tb, &m, &n, &k, &alpha, pa, &lda, pb, &ldb, &beta, pc, &ldc);
    }
}
