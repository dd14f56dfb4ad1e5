using NeuralSpin.Numerics;
using NeuralSpin.SpinModel;
using TorchSharp;
using static TorchSharp.torch;

namespace NeuralSpin.Tap;

/// <summary>
/// Inertia and determinant of a symmetric matrix: how many eigenvalues are negative, zero (to rounding) and positive, and
/// log|det| with the sign of det. A matrix with a zero eigenvalue has det = 0: sign 0 and log|det| = -infinity.
/// </summary>
public sealed record Inertia(int Negative, int Zero, int Positive, double LogAbsDeterminant, int DeterminantSign)
{
    /// <summary>
    /// The default size, relative to the largest |eigenvalue|, below which an eigenvalue counts as zero: 1e-13, a few
    /// hundred ulps, the accuracy of a backward-stable symmetric eigensolver on the matrices counted.
    /// </summary>
    public const double DefaultZeroTolerance = 1e-13;

    /// <summary>All eigenvalues positive.</summary>
    public bool PositiveDefinite => Negative == 0 && Zero == 0;
}

/// <summary>
/// The running count of an inertia over diagonal blocks of a block-diagonal (or, by Haynsworth's additivity, block
/// eliminated) matrix: each block's eigenvalues are sorted into negative, zero and positive, a zero being an eigenvalue of
/// at most tolerance times the block's largest |eigenvalue| (at least <see cref="Precision.Tiny"/>, so that a zero block
/// counts as zero).
/// </summary>
struct InertiaTally(double zeroTolerance)
{
    int _negative, _zero, _positive;
    bool _oddNegatives;
    double _logAbsDeterminant;

    /// <summary>Counts one block's eigenvalues; true when one of them is zero.</summary>
    public bool Add(ReadOnlySpan<double> eigenvalues)
    {
        double scale = 0;
        foreach (var v in eigenvalues) scale = Math.Max(scale, Math.Abs(v));
        double bound = zeroTolerance * Math.Max(scale, Precision.Tiny);
        int zerosBefore = _zero;
        foreach (var v in eigenvalues)
        {
            if (Math.Abs(v) <= bound) _zero++;
            else
            {
                // Stryker disable once Equality : v = 0 has been counted as zero above (the bound is at least 0)
                if (v < 0) { _negative++; _oddNegatives = !_oddNegatives; }
                else _positive++;
                _logAbsDeterminant += Math.Log(Math.Abs(v));
            }
        }
        // Stryker disable once Equality : true on every block sends the count to Trailing, whose dense Schur complement
        // has the same inertia and determinant (Haynsworth): only slower
        return _zero > zerosBefore;
    }

    /// <summary>Adds n positive eigenvalues whose log product is known (a Cholesky factorisation succeeded).</summary>
    public void AddPositive(int n, double logDeterminant)
    {
        _positive += n;
        _logAbsDeterminant += logDeterminant;
    }

    public readonly Inertia ToInertia() => _zero > 0
        ? new Inertia(_negative, _zero, _positive, double.NegativeInfinity, 0)
        : new Inertia(_negative, 0, _positive, _logAbsDeterminant, _oddNegatives ? -1 : 1);
}

/// <summary>
/// The chi recurrence of P1 26-27 as corrected in docs/theory.md section 5 (erratum: with Phi_k = -chi_k,
/// I - M is positive definite iff every Phi_k is, and det(I - M) = prod_k det Phi_k):
/// Phi_0 = (1 - c) I + beta^2 diag(d^(0)),
/// Phi_k = (1 - c) I + beta^2 diag(d^(k)) - beta^2 J^(k)^T Phi_{k-1}^{-1} J^(k), k = 1..L.
/// This is block Gaussian elimination of I - M(beta) - c I (block tridiagonal, off-diagonal blocks
/// -beta J^(k)), so by Haynsworth's inertia additivity the negative (zero, positive) eigenvalue counts
/// of I - M - cI are the sums of those of the Phi_k. Only the layer blocks are used; the dense N x N
/// matrix is never formed. Dense work runs in float64 through libtorch.
/// </summary>
public sealed class ChiRecurrence : IDisposable
{
    readonly BondMatrix _bonds;
    readonly double[][] _d; // d restricted to layer k
    readonly object _tensorGate = new();
    (Tensor[] Blocks, Tensor[] D)? _tensors; // J^(k) (N_{k-1} x N_k) and d^(k), for Evaluate (made at its first call)
    bool _disposed;

    /// <summary>Prepares the layer blocks of <paramref name="bonds"/> for repeated evaluation.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="bonds"/> is null.</exception>
    public ChiRecurrence(BondMatrix bonds) : this(bonds, null) { }

    /// <summary>As the public constructor, with d = <see cref="BondMatrix.RowSquareSums"/> given when the caller has it
    /// already (the curve does), so that it is not computed twice.</summary>
    internal ChiRecurrence(BondMatrix bonds, double[]? rowSquareSums)
    {
        ArgumentNullException.ThrowIfNull(bonds);
        // Stryker disable once Statement : the configuration (one libtorch thread) changes the speed, not the values
        TorchLinalg.EnsureConfigured();
        _bonds = bonds;
        // Stryker disable once NullCoalescing : recomputing d gives the same values
        var d = rowSquareSums ?? bonds.RowSquareSums();
        if (d.Length != bonds.Size) throw new ArgumentException($"expected {bonds.Size} row square sums, got {d.Length}", nameof(rowSquareSums));
        _d = new double[bonds.BlockCount + 1][];
        for (int k = 0; k <= bonds.BlockCount; k++) _d[k] = d.AsSpan(bonds.LayerOffset(k), bonds.Widths[k]).ToArray();
    }

    /// <summary>The blocks and the layers' d as float64 tensors for <see cref="Evaluate"/>, made once at its first call (the
    /// positive-definiteness test reads the blocks from the bond matrix and does not need them).</summary>
    (Tensor[] Blocks, Tensor[] D) Tensors()
    {
        lock (_tensorGate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_tensors is { } made) return made;
            int l = _bonds.BlockCount;
            var blocks = new Tensor[l];
            for (int k = 1; k <= l; k++)
                blocks[k - 1] = TorchLinalg.FromRowMajor(_bonds.BlockCopy(k), _bonds.Widths[k - 1], _bonds.Widths[k]).DetachFromDisposeScope();
            var dLayer = new Tensor[l + 1];
            for (int k = 0; k <= l; k++) dLayer[k] = torch.tensor(_d[k], ScalarType.Float64).DetachFromDisposeScope();
            _tensors = (blocks, dLayer);
            return (blocks, dLayer);
        }
    }

    /// <summary>The coupling the recurrence runs on.</summary>
    public BondMatrix Bonds => _bonds;

    /// <summary>
    /// Inertia and determinant of I - M(beta) - shift I from the Phi_k.
    /// </summary>
    /// <remarks>
    /// A zero is an eigenvalue of at most <paramref name="zeroTolerance"/> times the largest |eigenvalue| of the Phi_k
    /// it belongs to. A Phi_k before the last with a zero eigenvalue cannot be eliminated: it has no inverse, and a
    /// pseudo-inverse would miscount (the matrix can be nonsingular while a pivot is singular). Then the leading layers,
    /// whose Phi_0..Phi_{k-1} are nonsingular, are counted by the recurrence and the rest by the dense spectrum of their
    /// Schur complement: the block-tridiagonal matrix of layers k..L whose first diagonal block is Phi_k (Haynsworth,
    /// In(A) = In(A_11) + In(A / A_11)); zeros there are relative to its largest |eigenvalue|.
    /// </remarks>
    /// <param name="beta">Inverse temperature, finite (as for <see cref="LinearizedTap"/>).</param>
    /// <param name="shift">The level c subtracted from the diagonal (0 for I - M itself).</param>
    /// <param name="zeroTolerance">Relative size below which an eigenvalue of a Phi_k counts as zero.</param>
    /// <exception cref="ObjectDisposedException">The recurrence has been disposed.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="beta"/> or <paramref name="shift"/> is NaN or infinite,
    /// or <paramref name="zeroTolerance"/> negative, NaN or infinite.</exception>
    public Inertia Evaluate(double beta, double shift = 0, double zeroTolerance = Inertia.DefaultZeroTolerance)
    {
        CheckBetaAndShift(beta, shift);
        CheckZeroTolerance(zeroTolerance);
        var (blocks, dLayer) = Tensors();
        using var scope = NewDisposeScope();
        // explicit scalars held to the end of the method: TorchSharp's implicitly converted Scalars can be finalized
        // while libtorch reads them (Training/MomentumSgd's remarks)
        using var b2Scalar = (beta * beta).ToScalar();
        using var diagonalScalar = (1 - shift).ToScalar();
        using var halfScalar = 0.5.ToScalar();
        // the diagonal block (1 - shift) I + beta^2 diag(d^(j)) of layer j
        Tensor DiagonalBlock(int j) => torch.diag(dLayer[j].mul(b2Scalar).Plus(diagonalScalar));
        var tally = new InertiaTally(zeroTolerance);
        int layers = blocks.Length; // at least 1: a bond matrix has two layers or more
        // Phi_0 is diagonal: its eigenvalues are its entries, its inverse their reciprocals
        var phi0 = dLayer[0].mul(b2Scalar).Plus(diagonalScalar);
        var trial = tally;
        if (trial.Add(phi0.data<double>().ToArray()))
            return Trailing(tally, 0, torch.diag(phi0), beta, DiagonalBlock, blocks);
        tally = trial;
        var prevInvTimesBlock = blocks[0] / phi0.unsqueeze(1); // Phi_{k-1}^{-1} J^(k)
        for (int k = 1; ; k++)
        {
            var jk = blocks[k - 1];
            var phi = DiagonalBlock(k) - jk.t().matmul(prevInvTimesBlock).mul(b2Scalar);
            phi = (phi + phi.t()).mul(halfScalar);
            if (k == layers)
            {
                tally.Add(torch.linalg.eigvalsh(phi).data<double>().ToArray());
                return tally.ToInertia();
            }
            var next = blocks[k];
            var (l, info) = torch.linalg.cholesky_ex(phi);
            if (info.item<int>() == 0)
            {
                tally.AddPositive(_bonds.Widths[k], 2 * l.diagonal().log().sum().item<double>());
                prevInvTimesBlock = torch.cholesky_solve(next, l);
                continue;
            }
            var (w, v) = torch.linalg.eigh(phi);
            trial = tally;
            if (trial.Add(w.data<double>().ToArray())) return Trailing(tally, k, phi, beta, DiagonalBlock, blocks);
            tally = trial;
            prevInvTimesBlock = v.matmul(w.reciprocal().unsqueeze(1) * v.t().matmul(next));
        }
    }

    /// <summary>Completes <paramref name="tally"/> with the dense spectrum of the Schur complement left after layers
    /// 0..k-1: layers k..L, block-tridiagonal, its first diagonal block <paramref name="phiK"/>, the others
    /// (1 - shift) I + beta^2 diag(d^(j)) (<paramref name="diagonalBlock"/>), the off-diagonal blocks -beta J^(j).</summary>
    Inertia Trailing(InertiaTally tally, int k, Tensor phiK, double beta, Func<int, Tensor> diagonalBlock, Tensor[] blocks)
    {
        var widths = _bonds.Widths;
        int m = 0;
        for (int j = k; j < widths.Count; j++) m += widths[j];
        var s = torch.zeros(m, m, ScalarType.Float64);
        s.narrow(0, 0, widths[k]).narrow(1, 0, widths[k]).copy_(phiK);
        // Stryker disable once Unary : the sign of every off-diagonal block of a block-tridiagonal matrix is
        // a gauge (D S D with D = +-I alternating by layer): the spectrum is the same with +beta J
        using var minusBeta = (-beta).ToScalar();
        for (int j = k + 1, row = 0; j < widths.Count; j++)
        {
            int col = row + widths[j - 1];
            s.narrow(0, col, widths[j]).narrow(1, col, widths[j]).copy_(diagonalBlock(j));
            // the lower triangle only: eigvalsh reads nothing else (UPLO 'L')
            s.narrow(0, col, widths[j]).narrow(1, row, widths[j - 1]).copy_(blocks[j - 1].mul(minusBeta).t());
            row = col;
        }
        tally.Add(torch.linalg.eigvalsh(s, UPLO: 'L').data<double>().ToArray());
        return tally.ToInertia();
    }

    /// <summary>True when I - M(beta) - shift I is positive definite (stops at the first indefinite Phi_k).</summary>
    /// <exception cref="ObjectDisposedException">The recurrence has been disposed.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="beta"/> or <paramref name="shift"/> is NaN or infinite.</exception>
    public bool IsPositiveDefinite(double beta, double shift = 0) => IsPositiveDefinite(beta, shift, 1);

    /// <summary>
    /// True when (1 - shift) I - beta J + w beta^2 diag(d) is positive definite: the same block elimination with the
    /// diagonal blocks (1 - shift) I + w beta^2 diag(d^(k)). With w = 0 and beta = 1 / Lambda it tells whether
    /// Lambda I - J is positive definite, that is lambda_max(J) &lt; Lambda (docs/theory.md section 4).
    /// </summary>
    /// <remarks>
    /// Each step writes J^(k)^T Phi_{k-1}^-1 J^(k) as X^T X with X = L^-1 J^(k) and Phi_{k-1} = L L^T (for k = 1,
    /// L = Phi_0^(1/2), diagonal), so a layer costs one product (dgemm, with the diagonal block added in the same call),
    /// one Cholesky factorisation (dpotrf, which reads the lower triangle only, so the product needs no symmetrisation)
    /// and one triangular solve (dtrsm), called directly in libtorch's LAPACK on two buffers reused from layer to layer
    /// (<see cref="TorchLapack"/>); it stops at the first Phi_k that is not positive definite.
    /// </remarks>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="beta"/>, <paramref name="shift"/> or
    /// <paramref name="diagonalWeight"/> is NaN or infinite.</exception>
    public bool IsPositiveDefinite(double beta, double shift, double diagonalWeight)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        CheckBetaAndShift(beta, shift);
        if (!double.IsFinite(diagonalWeight)) throw new ArgumentOutOfRangeException(nameof(diagonalWeight), diagonalWeight, "the weight must be finite");
        double b2 = beta * beta, dw = diagonalWeight * b2, diagonal = 1 - shift;
        var widths = _bonds.Widths;
        int layers = _bonds.BlockCount;
        var d0 = _d[0];
        // Stryker disable all : an early answer only: a non-positive entry of Phi_0 that passed would make X's row
        // 1/sqrt(entry) NaN or infinite, and the next Cholesky factorisation would meet a NaN or -infinite pivot and fail
        // (dpotrf rejects both), answering false as well (seen by hand with InertiaTests' zero entry of Phi_0)
        for (int i = 0; i < d0.Length; i++)
            if (!(d0[i] * dw + diagonal > 0)) return false;
        // Stryker restore all
        // the buffers: X (and the next block being solved into) as row-major N_{k-1} x N_k, i.e. column-major X^T
        // (N_k x N_{k-1}, leading dimension N_k), and Phi_k column-major N_k x N_k
        int xLength = 0, phiLength = 0;
        for (int k = 1; k <= layers; k++)
        {
            // Stryker disable Checked : an overflow needs a block of 2^31 entries (16 GB), beyond what a count is run on
            xLength = Math.Max(xLength, checked(widths[k - 1] * widths[k]));
            phiLength = Math.Max(phiLength, checked(widths[k] * widths[k]));
            // Stryker restore Checked
        }
        // native buffers on huge pages. Up to KeptBufferBytes they are kept for the next count (taken and put back, so
        // that concurrent counts each get their own): fresh buffers cost a page fault per 4 KB page on every count, about
        // a fifth of a count at 2,330 spins. Larger ones are freed as soon as the count is done: a curve holds its
        // recurrence for its lifetime, and buffers kept that long would add up to three N_k^2 arrays to the peak of its
        // Lanczos runs.
        // Stryker disable once all : buffers made afresh hold the same numbers once written (every count writes X, the next
        // block and Phi_k before reading them); a kept buffer always has this recurrence's sizes
        var buffers = Interlocked.Exchange(ref _kept, null) ?? new CountBuffers(xLength, phiLength);
        try
        {
            Span<double> x = buffers.X.Span[..xLength], next = buffers.Next.Span[..xLength], phi = buffers.Phi.Span[..phiLength];
            int n1 = widths[1];
            _bonds.CopyBlockTo(1, x);
            for (int i = 0; i < d0.Length; i++)
            {
                double s = 1 / Math.Sqrt(d0[i] * dw + diagonal);
                var row = x.Slice(i * n1, n1);
                for (int j = 0; j < row.Length; j++) row[j] *= s;
            }
            for (int k = 1; k <= layers; k++)
            {
                int nk = widths[k], np = widths[k - 1];
                var p = phi[..(nk * nk)];
                p.Clear();
                var dk = _d[k];
                for (int i = 0; i < nk; i++) p[i * nk + i] = dk[i] * dw + diagonal;
                // Phi_k = diag - beta^2 X^T X: column-major X^T times its transpose
                TorchLapack.GemmNT(nk, np, -b2, x, nk, 1, p, nk);
                if (!TorchLapack.CholeskyLower(nk, p, nk)) return false;
                if (k == layers) break;
                int nn = widths[k + 1];
                _bonds.CopyBlockTo(k + 1, next);
                // X_{k+1} = L^-1 J^(k+1); column-major X_{k+1}^T = J^(k+1)^T L^-T
                TorchLapack.SolveRightLowerTransposed(nn, nk, p, nk, next, nn);
                var swap = x;
                x = next;
                next = swap;
            }
            return true;
        }
        // Stryker disable once Block : which buffers are kept and which freed changes memory and time, never a count
        finally
        {
            // Stryker disable once all : which buffers are kept and which freed changes memory and time, never a count
            if (8L * (2L * xLength + phiLength) > KeptBufferBytes || _disposed || Interlocked.CompareExchange(ref _kept, buffers, null) != null)
                buffers.Dispose();
        }
    }

    /// <summary>Count buffers of at most this many bytes in all (64 MB) are kept between counts.</summary>
    internal const long KeptBufferBytes = 64L << 20;

    CountBuffers? _kept;

    /// <summary>The three buffers of a count: X and the next block (row-major N_{k-1} x N_k at most) and Phi_k.</summary>
    sealed class CountBuffers(int xLength, int phiLength) : IDisposable
    {
        public readonly LargePageBuffer X = new(xLength), Next = new(xLength), Phi = new(phiLength);

        // Stryker disable all : freeing native memory; no count reads a buffer after it is freed
        public void Dispose()
        {
            X.Dispose();
            Next.Dispose();
            Phi.Dispose();
        }
        // Stryker restore all
    }

    /// <summary>A NaN beta or shift makes every pivot comparison false, and the count would call the matrix positive.</summary>
    static void CheckBetaAndShift(double beta, double shift)
    {
        if (!double.IsFinite(beta)) throw new ArgumentOutOfRangeException(nameof(beta), beta, "beta must be finite");
        if (!double.IsFinite(shift)) throw new ArgumentOutOfRangeException(nameof(shift), shift, "the shift must be finite");
    }

    internal static void CheckZeroTolerance(double zeroTolerance)
    {
        if (!(zeroTolerance >= 0) || !double.IsFinite(zeroTolerance))
            throw new ArgumentOutOfRangeException(nameof(zeroTolerance), zeroTolerance, "the zero tolerance must be finite and non-negative");
    }

    /// <inheritdoc />
    public void Dispose()
    {
        // Stryker disable once Statement : a second disposal finds nothing left to free (the kept buffers are taken out once,
        // and disposing a tensor twice is allowed)
        if (_disposed) return;
        lock (_tensorGate)
        {
            _disposed = true;
            // Stryker disable all : freeing native memory and tensors; the results of the calls before are unchanged and
            // every call after throws (the flag above, tested)
            Interlocked.Exchange(ref _kept, null)?.Dispose();
            if (_tensors is var (blocks, d))
                foreach (var t in blocks.Concat(d)) t.Dispose();
            // Stryker restore all
        }
    }
}

/// <summary>Inertia of dense symmetric matrices (the oracle for <see cref="ChiRecurrence"/> and the path for dense couplings).</summary>
public static class DenseInertia
{
    /// <summary>Inertia and log|det| of the symmetric n x n row-major matrix from its eigenvalues.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="rowMajor"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="n"/> is negative, or <paramref name="zeroTolerance"/>
    /// negative, NaN or infinite.</exception>
    /// <exception cref="ArgumentException">The matrix does not have n x n entries, has a NaN or infinite entry, or is not
    /// symmetric to rounding (<see cref="TorchLinalg.SymmetricEigenvalues"/>).</exception>
    public static Inertia Of(double[] rowMajor, int n, double zeroTolerance = Inertia.DefaultZeroTolerance)
    {
        ChiRecurrence.CheckZeroTolerance(zeroTolerance);
        var tally = new InertiaTally(zeroTolerance);
        tally.Add(TorchLinalg.SymmetricEigenvalues(rowMajor, n));
        return tally.ToInertia();
    }
}
