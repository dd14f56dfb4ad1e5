using System.Diagnostics;
using System.Globalization;
using NeuralSpin.Numerics;

namespace NeuralSpin.Analysis;

/// <summary>How <see cref="NetworkAnalysis.Run"/> computes the spectral quantities.</summary>
public enum AnalysisPath
{
    /// <summary>
    /// Dense eigenvalue problems of size N for the spectrum of J and of I - M (exact level spacing, sec. 3.3);
    /// memory O(N^2), time O(N^3).
    /// </summary>
    Dense,

    /// <summary>
    /// Nothing of size N x N: lambda_max(J) by Lanczos on the block products, the curve by Lanczos certified by
    /// chi-recurrence inertia counts (cost sum_k N_k^3, memory max_k N_k^2), no level spacing.
    /// </summary>
    MatrixFree,
}

/// <summary>
/// An estimate, made before any work, of the memory and time of <see cref="NetworkAnalysis.Run"/> on a layered
/// network of widths N_0..N_L, for both paths. Memory counts the arrays the analysis allocates:
/// <list type="bullet">
/// <item>always: the blocks J^(k) once (the products read them in one pass, with no transposed copy), W = sum_k N_{k-1} N_k
/// weights of 4 bytes (float32 storage, <see cref="SpinModel.BondMatrix.SinglePrecision"/>) or 8, the Lanczos basis (at
/// most 301 float64 vectors of N) and a few vectors;</item>
/// <item>where the curve is certified (always on the dense path, up to a width on the matrix-free one): the buffers of the
/// chi recurrence's test of positive definiteness (docs/theory.md section 5), held while a count runs: two float64
/// buffers of the largest block (X = L^-1 J^(k) and the next block solved into) and one of the widest Phi_k, factorised in
/// place;</item>
/// <item>dense path only: 3 N^2 for the eigenvalue problem of I - M (the managed matrix, the libtorch copy and the copy
/// LAPACK overwrites; measured 3.5 GB at N = 12002 against 3.46 GB estimated) and the bipartite block of J
/// (N_even N_odd).</item>
/// </list>
/// Time counts floating-point operations: 4/3 N^3 for the eigenvalue problem of I - M and 4 m n^2 - 4/3 n^3 for the
/// singular values of the bipartite block (m x n, m &gt;= n), about <see cref="TypicalCertifiedInertiaCounts"/> inertia
/// counts of sum_k (2 N_{k-1} N_k^2 + N_k^3 / 3 + N_k^2 N_{k+1}) each where certified (the product X^T X, the Cholesky
/// factorisation and one triangular solve), and
/// <see cref="TypicalProducts"/> products with J (4 W each); seconds follow from two rates measured on this machine
/// (<see cref="MeasuredFlopRate"/> for the eigensolver, <see cref="MeasuredInertiaRate"/> for the recurrence and the
/// products). The time is an order-of-magnitude guide (within a factor of about 3 on the networks measured for
/// REPRODUCE.md, more when the load changes during the run), the memory a close estimate.
/// </summary>
public sealed record AnalysisCost
{
    /// <summary>Krylov vectors the curve's Lanczos keeps at most (restart dimension 300 plus one).</summary>
    public const int LanczosVectors = 301;

    /// <summary>
    /// Floating-point operations above which an analysis is long enough (seconds to minutes) for its estimated time to be
    /// announced before it starts (<see cref="IsLong"/>); below it, measuring the machine's rates (about 50 ms) is not worth it.
    /// </summary>
    public const double AnnounceFlops = 2e11;

    /// <summary>
    /// The shortest time a rate measurement is taken over (0.1 ms): a measurement below the timer's resolution would
    /// give an infinite rate; a floor makes the rate, and the time estimated from it, merely optimistic.
    /// </summary>
    const double MinimumTimedSeconds = 1e-4;

    /// <summary>Whether the path costs more than <see cref="AnnounceFlops"/>.</summary>
    public bool IsLong(AnalysisPath path) => Flops(path) > AnnounceFlops;

    /// <summary>Number of spins N.</summary>
    public required int Spins { get; init; }

    /// <summary>Number of weights W = sum_k N_{k-1} N_k.</summary>
    public required long Weights { get; init; }

    /// <summary>Bytes of the dense path.</summary>
    public required long DenseBytes { get; init; }

    /// <summary>Bytes of the matrix-free path.</summary>
    public required long MatrixFreeBytes { get; init; }

    /// <summary>Floating-point operations of the dense path's eigenvalue problem of I - M (4/3 N^3) and singular values of
    /// the bipartite block of J.</summary>
    public required double DenseEigenFlops { get; init; }

    /// <summary>Floating-point operations of the curve on either path (inertia counts and Lanczos products).</summary>
    public required double CurveFlops { get; init; }

    /// <summary>Floating-point operations of the dense path (its dense problems plus the curve).</summary>
    public double DenseFlops => DenseEigenFlops + CurveFlops;

    /// <summary>Floating-point operations of the matrix-free path: its products, and its inertia counts where the widths
    /// allow certification.</summary>
    public double MatrixFreeFlops => MatrixFreeCurveFlops;

    /// <summary>Floating-point operations of the curve on the matrix-free path (no inertia counts past the certified width).</summary>
    public required double MatrixFreeCurveFlops { get; init; }

    /// <summary>Bytes of the given path.</summary>
    public long Bytes(AnalysisPath path) => path == AnalysisPath.Dense ? DenseBytes : MatrixFreeBytes;

    /// <summary>Floating-point operations of the given path.</summary>
    public double Flops(AnalysisPath path) => path == AnalysisPath.Dense ? DenseFlops : MatrixFreeFlops;

    /// <summary>
    /// Estimated seconds of the given path: the dense eigenvalue problems at <paramref name="eigenFlopsPerSecond"/>, the
    /// curve at <paramref name="curveFlopsPerSecond"/> (matrix products and Cholesky factorizations run several times
    /// faster per operation than a symmetric eigensolver).
    /// </summary>
    public double Seconds(AnalysisPath path, double eigenFlopsPerSecond, double curveFlopsPerSecond) =>
        path == AnalysisPath.Dense ? DenseEigenFlops / eigenFlopsPerSecond + CurveFlops / curveFlopsPerSecond : MatrixFreeCurveFlops / curveFlopsPerSecond;

    /// <summary>Estimated seconds of the given path at the rates measured on this machine (<see cref="MeasuredFlopRate"/>, <see cref="MeasuredInertiaRate"/>).</summary>
    public double EstimatedSeconds(AnalysisPath path) => Seconds(path, MeasuredFlopRate(), MeasuredInertiaRate());

    /// <summary>Inertia counts of a typical certified analysis: the curve minimum's few cutting planes and one per first
    /// crossing (docs/theory.md section 4), plus one for ||J|| on the matrix-free path (5 to 10 counted on the
    /// 784-h-h-h-10 networks of 1,001 to 10,001 spins).</summary>
    public const int TypicalCertifiedInertiaCounts = 7;

    /// <summary>
    /// Products with J of a typical analysis: 900 to 2,100 were counted on the 784-h-h-h-10 networks of 1,001 to 20,000
    /// spins (18 to 25 warm-started Lanczos runs of the curve's estimates, the run of lambda_max(J) on the matrix-free
    /// path, and there the spacing estimate's runs and 4 x 64 kernel-polynomial products when asked for).
    /// </summary>
    public const int TypicalProducts = 1500;

    /// <summary>The estimate for widths N_0..N_L (at least two layers), the matrix-free path certified up to
    /// <paramref name="certifyUpToWidth"/> (<see cref="AnalysisOptions.CertifyUpToWidth"/>), the blocks stored with
    /// <paramref name="bytesPerWeight"/> bytes per weight (4 in float32 storage, <see cref="SpinModel.BondMatrix.BlockBytes"/>;
    /// 8 in float64).</summary>
    public static AnalysisCost Of(IReadOnlyList<int> widths, int certifyUpToWidth = 4096, int bytesPerWeight = 8)
    {
        ArgumentNullException.ThrowIfNull(widths);
        if (widths.Count < 2) throw new ArgumentException("a layered network needs at least two layers", nameof(widths));
        if (bytesPerWeight is not (4 or 8)) throw new ArgumentOutOfRangeException(nameof(bytesPerWeight), bytesPerWeight, "the blocks take 4 (float32) or 8 (float64) bytes per weight");
        double n = 0, w = 0, chiX = 0, chiPhi = 0, chiFlops = 0, even = 0, odd = 0;
        for (int k = 0; k < widths.Count; k++)
        {
            double nk = widths[k];
            n += nk;
            if (k % 2 == 0) even += nk; else odd += nk;
            double prev = k > 0 ? widths[k - 1] : 0, next = k + 1 < widths.Count ? widths[k + 1] : 0;
            if (k > 0) w += prev * nk;
            if (k == 0) continue; // Phi_0 is diagonal
            chiX = Math.Max(chiX, prev * nk);
            chiPhi = Math.Max(chiPhi, nk * nk);
            chiFlops += 2 * prev * nk * nk + nk * nk * nk / 3 + nk * nk * next;
        }
        bool certifyMatrixFree = widths.Skip(1).Max() <= certifyUpToWidth;
        // the blocks once (products in one pass, no transposed copy), the Lanczos basis and a few vectors
        double baseBytes = bytesPerWeight * w + 8 * LanczosVectors * n + 16 * 8 * n;
        // the chi recurrence's test of positive definiteness (the one the analysis uses) holds, while it runs, two buffers of
        // the largest block and one of the widest Phi_k, in float64
        double certifiedBytes = 8 * (2 * chiX + chiPhi);
        double productFlops = TypicalProducts * 4 * w;
        double denseOne = 4.0 / 3 * n * n * n;
        double small = Math.Min(even, odd), large = Math.Max(even, odd);
        return new AnalysisCost
        {
            Spins = (int)n,
            Weights = (long)w,
            // plus three N x N matrices of the eigenvalue problem of I - M and the bipartite block of the spectrum of J,
            // and float32 blocks widened to float64 for the dense path's curve (NetworkAnalysis)
            DenseBytes = (long)(baseBytes + certifiedBytes + 3 * 8 * n * n + 8 * even * odd + (bytesPerWeight == 4 ? 8 * w : 0)),
            MatrixFreeBytes = (long)(baseBytes + (certifyMatrixFree ? certifiedBytes : 0)),
            // the eigenvalue problem of I - M and the singular values of the bipartite block (4 m n^2 - 4 n^3 / 3)
            DenseEigenFlops = denseOne + 4 * large * small * small - 4.0 / 3 * small * small * small,
            CurveFlops = TypicalCertifiedInertiaCounts * chiFlops + productFlops,
            MatrixFreeCurveFlops = (certifyMatrixFree ? TypicalCertifiedInertiaCounts * chiFlops : 0) + productFlops,
        };
    }

    /// <summary>
    /// The path under a memory limit: dense when it fits (it gives the exact level spacing), else matrix-free when
    /// that fits, else null (the analysis cannot be done within the limit).
    /// </summary>
    public AnalysisPath? Choose(long memoryLimitBytes) =>
        DenseBytes <= memoryLimitBytes ? AnalysisPath.Dense
        : MatrixFreeBytes <= memoryLimitBytes ? AnalysisPath.MatrixFree
        : null;

    static double _rate;

    /// <summary>
    /// Floating-point operations per second of a dense symmetric eigenvalue problem of 600 spins on this machine,
    /// measured once per process (about 30 ms); used to turn <see cref="Flops"/> into seconds. Larger problems
    /// run faster per operation, so the seconds are on the safe side.
    /// </summary>
    public static double MeasuredFlopRate()
    {
        if (_rate > 0) return _rate;
        const int m = 600;
        var rng = new SplitMixSource(7);
        var a = new double[m * m];
        for (int i = 0; i < m; i++)
            for (int j = 0; j <= i; j++)
                a[i * m + j] = a[j * m + i] = rng.NextDouble() - 0.5;
        TorchLinalg.SymmetricEigenvalues(a, m); // warm-up (library loading, thread pool)
        var sw = Stopwatch.StartNew();
        TorchLinalg.SymmetricEigenvalues(a, m);
        double s = Math.Max(sw.Elapsed.TotalSeconds, MinimumTimedSeconds);
        _rate = 4.0 / 3 * m * m * (double)m / s;
        return _rate;
    }

    static double _inertiaRate;

    /// <summary>
    /// Floating-point operations per second of the chi recurrence (docs/theory.md section 5) on this machine, measured
    /// once per process on a positive-definite 400-400-400 network (about 20 ms) and counted as in <see cref="Of"/>.
    /// </summary>
    public static double MeasuredInertiaRate()
    {
        if (_inertiaRate > 0) return _inertiaRate;
        var j = SpinModel.BondMatrix.Sample(new[] { 400, 400, 400 }, new[] { 2.0 }, new SplitMixSource(7));
        using var chi = new Tap.ChiRecurrence(j);
        chi.IsPositiveDefinite(0.05); // warm-up
        var sw = Stopwatch.StartNew();
        chi.IsPositiveDefinite(0.05);
        double s = Math.Max(sw.Elapsed.TotalSeconds, MinimumTimedSeconds);
        double n = 400;
        double flops = (2 * n * n * n + n * n * n / 3 + n * n * n) + (2 * n * n * n + n * n * n / 3);
        _inertiaRate = flops / s;
        return _inertiaRate;
    }

    /// <summary>
    /// A memory limit suggested to the user for a computation that needs a given number of bytes is that need times this
    /// (20% headroom for the runtime and the rest of the process).
    /// </summary>
    public const double SuggestedLimitHeadroom = 1.2;

    /// <summary>Bytes as text with one decimal: "3.5 GB", "120.0 MB".</summary>
    public static string FormatBytes(double bytes) =>
        bytes >= 1e9 ? string.Create(CultureInfo.InvariantCulture, $"{bytes / 1e9:F1} GB")
        : string.Create(CultureInfo.InvariantCulture, $"{bytes / 1e6:F1} MB");
}

/// <summary>The memory this machine can give a new computation.</summary>
public static class MachineMemory
{
    /// <summary>The largest memory limit accepted (10^15 bytes, 1000 TB, beyond any machine): a larger one is a typing error.</summary>
    public const double MaxLimitBytes = 1e15;

    /// <summary>
    /// Bytes available now: MemAvailable of /proc/meminfo on Linux (free memory plus reclaimable caches), else the
    /// runtime's total available memory; never more than the runtime's limit (a container's cgroup limit).
    /// </summary>
    public static long AvailableBytes()
    {
        long runtime = GC.GetGCMemoryInfo().TotalAvailableMemoryBytes;
        try
        {
            if (File.Exists("/proc/meminfo"))
                foreach (var line in File.ReadLines("/proc/meminfo"))
                {
                    if (!line.StartsWith("MemAvailable:", StringComparison.Ordinal)) continue;
                    var parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                    if (parts.Length >= 2 && long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out long kb))
                        return runtime > 0 ? Math.Min(runtime, kb * 1024) : kb * 1024;
                }
        }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
        return runtime;
    }

    /// <summary>The default limit of an analysis: half of <see cref="AvailableBytes"/> (room for the runtime and other work).</summary>
    public static long DefaultAnalysisLimit() => AvailableBytes() / 2;
}
