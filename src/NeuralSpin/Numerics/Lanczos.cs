using System.Runtime.CompilerServices;
namespace NeuralSpin.Numerics;

/// <summary>Result of <see cref="Lanczos.SmallestEigenpair"/>.</summary>
/// <param name="Value">Smallest Ritz value theta (an upper bound on the smallest eigenvalue).</param>
/// <param name="Vector">Unit Ritz vector.</param>
/// <param name="Residual">||A v - theta v||: some eigenvalue lies within it of theta (Weyl).</param>
/// <param name="MatrixVectorProducts">Work done.</param>
/// <param name="Converged">Residual reached the requested tolerance.</param>
public sealed record LanczosResult(double Value, double[] Vector, double Residual, int MatrixVectorProducts, bool Converged);

/// <summary>
/// Lanczos iteration with full reorthogonalisation and explicit restarts for the smallest eigenpair
/// of a symmetric operator given by its matrix-vector product.
/// </summary>
public static class Lanczos
{
    /// <summary>
    /// The Krylov space is exhausted (an invariant subspace reached) when a new off-diagonal b_j is at most this times
    /// max(1, |a_j|): about a hundred ulps of the diagonal, below which b_j is rounding and the next Lanczos vector noise.
    /// </summary>
    public const double BreakdownTolerance = 1e-14;

    /// <summary>The default relative size of the random perturbation added to a given start vector (see the startNoise parameter).</summary>
    public const double DefaultStartNoise = 1e-4;

    /// <summary>Smallest eigenpair of the symmetric operator <paramref name="apply"/> (y = A x) of size n.</summary>
    /// <param name="apply">The product y = A x.</param>
    /// <param name="n">Dimension.</param>
    /// <param name="start">Start vector (for example the Ritz vector of a nearby operator), or null.</param>
    /// <param name="rng">Generator for the random part of the start vector.</param>
    /// <param name="tolerance">Stop when the residual is below this (absolute).</param>
    /// <param name="maxDimension">Krylov dimension per restart.</param>
    /// <param name="maxRestarts">Number of restarts.</param>
    /// <param name="startNoise">Size, relative to ||start||, of the random vector added to a given start vector so that
    /// every eigenvector has a component in it (default <see cref="DefaultStartNoise"/>). 0 keeps the start vector as it is: the iteration then stays
    /// in any invariant subspace the start vector lies in (tests use this to make Lanczos miss an eigenvalue on purpose).</param>
    /// <exception cref="ArgumentNullException"><paramref name="apply"/> or <paramref name="rng"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="n"/> or <paramref name="maxDimension"/> is below 1,
    /// <paramref name="maxRestarts"/> negative, or <paramref name="tolerance"/> or <paramref name="startNoise"/> negative or
    /// NaN (the noise also infinite).</exception>
    /// <exception cref="ArgumentException"><paramref name="start"/> is not of length n, or is zero, or has a NaN or infinite
    /// entry.</exception>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static LanczosResult SmallestEigenpair(Action<double[], double[]> apply, int n, double[]? start, Random rng,
        double tolerance, int maxDimension = 200, int maxRestarts = 20, double startNoise = DefaultStartNoise)
    {
        ArgumentNullException.ThrowIfNull(apply);
        if (n < 1) throw new ArgumentOutOfRangeException(nameof(n), n, "the operator needs at least one dimension");
        ArgumentNullException.ThrowIfNull(rng);
        if (start != null)
        {
            if (start.Length != n) throw new ArgumentException($"expected a start vector of length {n}, got {start.Length}", nameof(start));
            bool nonzero = false;
            foreach (var v in start)
            {
                if (!double.IsFinite(v)) throw new ArgumentException("the start vector has a NaN or infinite entry", nameof(start));
                nonzero |= v != 0;
            }
            if (!nonzero) throw new ArgumentException("the start vector must not be zero", nameof(start));
        }
        if (!(tolerance >= 0)) throw new ArgumentOutOfRangeException(nameof(tolerance), tolerance, "the tolerance must be non-negative");
        if (maxDimension < 1) throw new ArgumentOutOfRangeException(nameof(maxDimension), maxDimension, "the Krylov dimension must be at least 1");
        if (maxRestarts < 0) throw new ArgumentOutOfRangeException(nameof(maxRestarts), maxRestarts, "the number of restarts must not be negative");
        if (!(startNoise >= 0) || !double.IsFinite(startNoise))
            throw new ArgumentOutOfRangeException(nameof(startNoise), startNoise, "the start noise must be finite and non-negative");
        int mMax = Math.Min(maxDimension, n);
        var q = RentBasis(n, mMax + 1);
        try
        {
            return Run(apply, n, start, rng, tolerance, maxRestarts, startNoise, mMax, q);
        }
        finally
        {
            ReturnBasis(q, n);
        }
    }

    static LanczosResult Run(Action<double[], double[]> apply, int n, double[]? start, Random rng, double tolerance, int maxRestarts,
        double startNoise, int mMax, double[][] q)
    {
        var w = new double[n];
        var alpha = new double[mMax];
        var beta = new double[mMax + 1];
        var v0 = new double[n];
        if (start != null)
        {
            Array.Copy(start, v0, n);
            double ns = Blas.Norm(v0);
            // keep every direction present so no eigenvector is missed
            if (startNoise > 0)
                for (int i = 0; i < n; i++) v0[i] += startNoise * ns / Math.Sqrt(n) * Gaussian.Sample(rng);
        }
        else
            for (int i = 0; i < n; i++) v0[i] = Gaussian.Sample(rng);
        int products = 0;
        double theta = double.NaN, resid = double.PositiveInfinity;
        double[] ritz = v0;
        for (int restart = 0; restart <= maxRestarts; restart++)
        {
            double nrm = Blas.Norm(v0);
            q[0] ??= new double[n];
            for (int i = 0; i < n; i++) q[0][i] = v0[i] / nrm;
            int m = 0;
            bool done = false;
            double[]? y = null;
            for (int j = 0; j < mMax; j++)
            {
                apply(q[j], w);
                products++;
                double aj = Blas.Dot(q[j], w);
                alpha[j] = aj;
                // the three-term recurrence first, so that the full reorthogonalisation only removes rounding and one
                // pass of it usually suffices; then Gram-Schmidt against every Lanczos vector, repeated when the norm
                // drops by more than 1/sqrt(2) (the Daniel-Gragg-Kaufman-Stewart criterion)
                Blas.Axpy(-aj, q[j], w);
                if (j > 0) Blas.Axpy(-beta[j], q[j - 1], w);
                double before = Blas.Norm(w), bj = before;
                for (int pass = 0; pass < 3; pass++)
                {
                    for (int i = 0; i <= j; i++)
                    {
                        double c = Blas.Dot(q[i], w);
                        Blas.Axpy(-c, q[i], w);
                    }
                    bj = Blas.Norm(w);
                    if (bj > 0.7071 * before) break;
                    before = bj;
                }
                beta[j + 1] = bj;
                m = j + 1;
                bool breakdown = bj <= BreakdownTolerance * Math.Max(1.0, Math.Abs(aj));
                if (breakdown || m == mMax || m % 8 == 0 || m == n)
                {
                    var a = alpha.AsSpan(0, m);
                    var b = beta.AsSpan(0, m);
                    theta = SymmetricTridiagonal.Eigenvalue(a, b, 0);
                    y = SymmetricTridiagonal.Eigenvector(a, b, theta);
                    resid = Math.Abs(bj * y[m - 1]);
                    if (breakdown || resid <= tolerance || m == n) { done = true; break; }
                }
                q[j + 1] ??= new double[n];
                for (int i = 0; i < n; i++) q[j + 1][i] = w[i] / bj;
            }
            ritz = new double[n];
            for (int i = 0; i < m; i++) Blas.Axpy(y![i], q[i], ritz);
            Blas.Scale(1.0 / Blas.Norm(ritz), ritz);
            if (done) break;
            v0 = ritz;
        }
        // true residual of the final pair
        apply(ritz, w);
        products++;
        theta = Blas.Dot(ritz, w);
        Blas.Axpy(-theta, ritz, w);
        resid = Blas.Norm(w);
        return new LanczosResult(theta, ritz, resid, products, resid <= tolerance * 1.5);
    }

    // The Krylov vectors of the last run, kept for the next run of the same length (the curve's runs follow one another):
    // a run at 10^5 spins fills up to 301 vectors (0.24 GB), and fresh ones for each run would leave that much garbage per
    // run, which the runtime collects late, growing the heap around the blocks. Held weakly, so a full collection may take
    // them; every vector is written before it is read, so reuse changes no result.
    static readonly WeakReference<double[][]?> Spare = new(null);
    static readonly object SpareLock = new();

    static double[][] RentBasis(int n, int count)
    {
        lock (SpareLock)
        {
            if (Spare.TryGetTarget(out var s) && s != null && s.Length >= count && LengthOf(s) is var len && (len == 0 || len == n))
            {
                Spare.SetTarget(null);
                return s;
            }
        }
        return new double[count][];
    }

    static void ReturnBasis(double[][] q, int n)
    {
        lock (SpareLock)
        {
            if (!Spare.TryGetTarget(out var s) || s == null || s.Length <= q.Length || LengthOf(s) != n) Spare.SetTarget(q);
        }
    }

    /// <summary>The length of the vectors of a basis (0 when none is allocated yet).</summary>
    static int LengthOf(double[][]? basis)
    {
        if (basis == null) return -1;
        foreach (var v in basis) if (v != null) return v.Length;
        return 0;
    }
}
