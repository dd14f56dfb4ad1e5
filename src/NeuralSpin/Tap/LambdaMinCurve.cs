using System.Runtime.CompilerServices;
using NeuralSpin.Numerics;
using NeuralSpin.SpinModel;

namespace NeuralSpin.Tap;

/// <summary>
/// One point of the curve lambda_min(beta) of I - M(beta).
/// </summary>
/// <param name="Beta">Inverse temperature.</param>
/// <param name="Value">The computed smallest eigenvalue (a Ritz value: never below the true one by more than rounding).</param>
/// <param name="LowerBound">A lower bound on the smallest eigenvalue (theta minus twice the Ritz residual).</param>
/// <param name="Certified">The lower bound has been proven by an inertia count (or comes from a dense solver).</param>
public sealed record CurvePoint(double Beta, double Value, double LowerBound, bool Certified = true);

/// <summary>Options of <see cref="LambdaMinCurve"/>.</summary>
public sealed record CurveOptions
{
    /// <summary>Up to this many spins the smallest eigenvalue comes from a dense symmetric eigensolver.</summary>
    public int DenseThreshold { get; init; } = 700;

    /// <summary>Relative residual tolerance of a first Lanczos estimate (times an upper bound on ||I - M||).</summary>
    public double CoarseTolerance { get; init; } = 1e-7;

    /// <summary>Relative residual tolerance near a decision level (times an upper bound on ||I - M||).</summary>
    public double FineTolerance { get; init; } = 1e-12;

    /// <summary>Seed of the generator for Lanczos start vectors.</summary>
    public int Seed { get; init; } = 12345;

    /// <summary>
    /// The most evaluations of lambda_min(beta) one certified search may spend (<see cref="TransitionSearch.GlobalMinimum"/>,
    /// <see cref="TransitionSearch.FirstCrossing"/>); past it the search stops with <see cref="CurveSearchBudgetException"/>
    /// instead of running on. Networks of this project's scale need tens of evaluations; the interval bounds grow loose,
    /// and the count with them, only when the bonds' squared sums d_i differ by many orders of magnitude (a few weights
    /// far larger than the rest). Default 5,000 (a few seconds at N = 10, about 40 min at N = 2,330 on the dense path).
    /// </summary>
    public int SearchBudget { get; init; } = 5000;

    /// <summary>The largest <see cref="SearchBudget"/> the command line accepts: 200,000 (about a day of dense evaluations at N = 2,330).</summary>
    public const int MaxSearchBudget = 200_000;

    /// <summary>
    /// Testability seam: when set, the first Lanczos run at a beta starts from exactly this vector (no warm start from
    /// the cache, no random part). A start vector inside an invariant subspace keeps Lanczos there, so it converges to
    /// an eigenvalue that is not the smallest: the failure the inertia certificate exists to catch (tests only).
    /// </summary>
    internal Func<double, double[]>? StartVectorOverride { get; init; }

    /// <summary>
    /// Testability seam: when set, every Lanczos run of the estimates that precede a certificate (the Rayleigh-functional
    /// iteration 4.4 and the minimiser's secant search, docs/theory.md section 4) starts from exactly this vector, with no
    /// random part, so that an estimate can be steered to a wrong eigenvector (tests only).
    /// </summary>
    internal Func<double, double[]>? EstimateStartVectorOverride { get; init; }
}

/// <summary>
/// The curve lambda_min(beta) = smallest eigenvalue of I - M(beta) = I - beta J + beta^2 diag(d)
/// (linearized TAP, P1 21-25, docs/theory.md section 4) for any symmetric coupling J.
/// Small systems use a dense eigensolver. Large ones use Lanczos on the structured product
/// (block-sparse for a layered bond matrix), warm-started from the nearest evaluated beta, and every
/// value is certified: the Ritz value theta is an upper bound, and an inertia count of
/// I - M - (theta - rho) I (chi recurrence, docs/theory.md section 5) proves that no eigenvalue lies below
/// theta - rho, with rho at least the Ritz residual. Points are cached.
/// </summary>
public sealed class LambdaMinCurve : IDisposable
{
    /// <summary>
    /// The Ritz residual taken for a Lanczos point is at least this times the norm bound of I - M: the residual computed
    /// in float64 is itself no more accurate than rounding of the product, a few hundred ulps of the norm.
    /// </summary>
    const double ResidualFloor = 1e-13;

    readonly ISymmetricCoupling _j;
    readonly double[] _d;
    readonly double[]? _dense;
    ChiRecurrence? _chi; // built on the first inertia count (its copies of the blocks are as large as the network)
    readonly CurveOptions _options;
    readonly SortedList<double, (CurvePoint Point, double[]? Vector)> _cache = new();
    readonly Random _rng;
    double _normJ;

    /// <summary>Prepares the curve of the coupling <paramref name="j"/>.</summary>
    /// <param name="j">The coupling.</param>
    /// <param name="spectralNormJ">An upper bound on ||J||_2 if known (tightens tolerances); else the Frobenius norm is used.</param>
    /// <param name="options">Options.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="spectralNormJ"/> is negative, NaN or infinite.</exception>
    public LambdaMinCurve(ISymmetricCoupling j, double? spectralNormJ = null, CurveOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(j);
        if (spectralNormJ is double s && !(s >= 0 && double.IsFinite(s)))
            throw new ArgumentOutOfRangeException(nameof(spectralNormJ), s, "the norm bound of J must be finite and non-negative");
        _j = j;
        _options = options ?? new CurveOptions();
        _d = j.RowSquareSums();
        DMax = _d.Length == 0 ? 0 : _d.Max();
        DMin = _d.Length == 0 ? 0 : _d.Min();
        _normJ = spectralNormJ ?? Math.Sqrt(_d.Sum());
        _rng = new SplitMixSource(_options.Seed);
        if (j.Size <= _options.DenseThreshold) _dense = j.ToDenseRowMajor();
        // a layered bond matrix is certified by the chi recurrence, built on the first inertia count; dense couplings by
        // the dense matrix
        else if (j is not BondMatrix) _dense = j.ToDenseRowMajor();
    }

    /// <summary>max_i d_i: bounds the curvature term of I - M (d^2/dbeta^2 (I - M) = 2 diag(d)).</summary>
    public double DMax { get; }

    /// <summary>min_i d_i.</summary>
    public double DMin { get; }

    /// <summary>Number of eigenvalue computations so far (cache misses).</summary>
    public int Evaluations { get; private set; }

    /// <summary><see cref="CurveOptions.SearchBudget"/> of this curve.</summary>
    public int SearchBudget => _options.SearchBudget;

    /// <summary>The smallest and the largest bond sum d_i = sum_j J_ij^2.</summary>
    public (double Min, double Max) BondSums => (DMin, DMax);

    /// <summary>Called with <see cref="Evaluations"/> and <see cref="InertiaCounts"/> after every evaluation that computed something (progress reports), or null.</summary>
    public Action<int, int>? Evaluated { get; set; }

    /// <summary>Number of spins.</summary>
    public int Size => _j.Size;

    /// <summary>Every point evaluated so far, in increasing beta.</summary>
    public IReadOnlyList<CurvePoint> Points => _cache.Values.Select(v => v.Point).ToList();

    /// <summary>
    /// A beta beyond which lambda_min(beta) is non-decreasing: for beta &gt;= b &gt;= ||J|| / (2 min_i d_i),
    /// (I - M(beta)) - (I - M(b)) = (beta - b)[(beta + b) diag(d) - J] is positive semidefinite, so no
    /// eigenvalue can fall. Infinite when some d_i = 0.
    /// </summary>
    public double MonotoneFrom => DMin > 0 ? Precision.SpectralNormBound(_normJ) / (2 * DMin) : double.PositiveInfinity;

    /// <summary>The largest beta at which this curve can be evaluated (<see cref="MaxBetaOf(ISymmetricCoupling)"/>).</summary>
    public double MaxBeta => MaxBetaFor(DMax, _normJ);

    /// <summary>
    /// The largest beta at which I - M(beta) = I - beta J + beta^2 diag(d) stays representable in float64 with room to
    /// spare: beta^2 max_i d_i &lt;= 1e300 and beta ||J|| &lt;= 1e300 (||J|| bounded by the Frobenius norm). Past it the
    /// matrix overflows and the eigensolver fails (it did, with a libtorch error); <see cref="Evaluate"/> refuses such
    /// a beta. Infinite for J = 0.
    /// </summary>
    public static double MaxBetaOf(ISymmetricCoupling j)
    {
        ArgumentNullException.ThrowIfNull(j);
        var d = j.RowSquareSums();
        double dMax = d.Length == 0 ? 0 : d.Max();
        // Stryker disable once Linq : the Frobenius term never binds: 1e300 / sqrt(sum d) >= 1e300 / sqrt(N max d) exceeds
        // sqrt(1e300 / max d) for every N below 1e300
        double frobenius = Math.Sqrt(d.Sum());
        return MaxBetaFor(dMax, frobenius);
    }

    // max d is a largest sum of squares, +0 for J = 0, where the square root of 1e300 / +0 is +infinity; the norm bound
    // keeps its test, since a caller's bound of -0 would make 1e300 / normJ -infinity
    static double MaxBetaFor(double dMax, double normJ) =>
        Math.Min(Math.Sqrt(1e300 / dMax), normJ > 0 ? 1e300 / normJ : double.PositiveInfinity);

    /// <summary>An upper bound on ||I - M(beta)||_2.</summary>
    public double OperatorNormBound(double beta) => 1 + beta * _normJ + beta * beta * DMax;

    /// <summary>Products (I - M(beta)) x computed so far (Lanczos and the spacing estimate; a block of k vectors counts k).</summary>
    public long Products { get; private set; }

    /// <summary>Number of inertia counts (chi recurrences or dense factorizations) so far.</summary>
    public int InertiaCounts { get; private set; }

    /// <summary>
    /// The smallest eigenvalue of I - M(beta) with a lower bound; with <paramref name="certify"/> the
    /// lower bound is proven by an inertia count of I - M(beta) - L I (positive definite).
    /// </summary>
    /// <param name="beta">Inverse temperature (non-negative).</param>
    /// <param name="certify">Prove the lower bound by an inertia count.</param>
    /// <param name="level">A decision level: if the value lies within 100 residuals of it, the eigenpair is
    /// refined to the fine tolerance so that comparisons with the level are exact to rounding.</param>
    public CurvePoint Evaluate(double beta, bool certify = false, double? level = null)
    {
        if (!(beta >= 0) || !double.IsFinite(beta)) throw new ArgumentOutOfRangeException(nameof(beta), "beta must be finite and non-negative");
        if (beta > MaxBeta) throw new ArgumentOutOfRangeException(nameof(beta), beta, $"beta is past {MaxBeta:G3}, where I - M(beta) overflows float64 (MaxBeta)");
        if (_cache.TryGetValue(beta, out var hit))
        {
            var entry = hit;
            if (level is double lv && entry.Vector != null && NeedsRefinement(entry.Point, lv))
            {
                Evaluations++;
                var (rp, rv) = LanczosPoint(beta, entry.Vector, fine: true);
                entry = (rp, rv);
            }
            if (certify && !entry.Point.Certified) entry = Certify(beta, entry.Point, entry.Vector);
            _cache[beta] = entry;
            return entry.Point;
        }
        if (beta == 0)
        {
            var p0 = new CurvePoint(0, 1, 1); // I - M(0) = I
            _cache[0] = (p0, null);
            return p0;
        }
        Evaluations++;
        CurvePoint p;
        double[]? vec = null;
        if (_dense != null && _j.Size <= _options.DenseThreshold)
        {
            var a = MatrixAt(beta);
            var w = TorchLinalg.SymmetricEigenvalues(a, _j.Size);
            // LAPACK's backward-stable eigensolver: error well below SpectralNormMargin ||A|| at these sizes
            double err = Precision.SpectralNormMargin * OperatorNormBound(beta);
            p = new CurvePoint(beta, w[0], w[0] - err);
        }
        else
        {
            if (_options.StartVectorOverride is { } startAt) (p, vec) = LanczosPoint(beta, startAt(beta), fine: false, forced: true);
            else (p, vec) = LanczosPoint(beta, NearestVector(beta), fine: false);
            if (level is double lv && NeedsRefinement(p, lv)) (p, vec) = LanczosPoint(beta, vec, fine: true);
            if (certify) (p, vec) = Certify(beta, p, vec);
        }
        _cache[beta] = (p, vec);
        Evaluated?.Invoke(Evaluations, InertiaCounts);
        return p;
    }

    /// <summary>The dense matrix I - M(beta), row-major.</summary>
    public double[] MatrixAt(double beta)
    {
        var a = new double[(long)_j.Size * _j.Size];
        WriteMatrixAt(beta, a);
        return a;
    }

    /// <summary><see cref="MatrixAt"/> written into <paramref name="destination"/> (N x N entries, any content before):
    /// the same values, into memory the caller provides (a buffer on huge pages, for the eigenvalues in place).</summary>
    /// <exception cref="ArgumentException"><paramref name="destination"/> does not have N x N entries.</exception>
    internal void WriteMatrixAt(double beta, Span<double> destination)
    {
        int n = _j.Size;
        if (destination.Length != (long)n * n) throw new ArgumentException($"expected {(long)n * n} entries, got {destination.Length}", nameof(destination));
        if (_dense != null) _dense.CopyTo(destination);
        else ((BondMatrix)_j).ToDenseRowMajor(destination); // the constructor keeps the dense matrix of every other coupling
        LinearizedTap.DenseInPlace(destination, _d, beta);
    }

    /// <summary>y = (I - M(beta)) x using the structured product of J.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Apply(double beta, ReadOnlySpan<double> x, Span<double> y)
    {
        Products++;
        if (_j is BondMatrix b)
        {
            // one pass over the blocks (BondMatrix.MultiplyOnePass): the Krylov iterations' products
            b.MultiplyOnePass(x, y);
            double b2 = beta * beta;
            for (int i = 0; i < y.Length; i++) y[i] = x[i] - beta * y[i] + b2 * _d[i] * x[i];
        }
        else LinearizedTap.Apply(_j, _d, beta, x, y);
    }

    /// <summary>Y_r = (I - M(beta)) X_r for several vectors, in one pass over the blocks of a layered J.</summary>
    internal void ApplyMany(double beta, double[][] xs, double[][] ys)
    {
        Products += xs.Length;
        if (_j is BondMatrix b) b.MultiplyOnePass(xs, ys);
        else for (int r = 0; r < xs.Length; r++) _j.Multiply(xs[r], ys[r]);
        double b2 = beta * beta;
        for (int r = 0; r < xs.Length; r++)
        {
            var x = xs[r];
            var y = ys[r];
            for (int i = 0; i < y.Length; i++) y[i] = x[i] - beta * y[i] + b2 * _d[i] * x[i];
        }
    }

    bool NeedsRefinement(CurvePoint p, double level)
    {
        double uncertainty = p.Value - p.LowerBound;
        // Stryker disable once Equality : a width of exactly 4 fine tolerances, or a level exactly 50 widths away, is a point
        // of measure zero
        return uncertainty > 4 * _options.FineTolerance * OperatorNormBound(p.Beta) && Math.Abs(p.Value - level) < 50 * uncertainty;
    }

    (CurvePoint, double[]?) LanczosPoint(double beta, double[]? start, bool fine, int attempt = 0, bool forced = false)
    {
        double norm = OperatorNormBound(beta);
        double tol = (fine ? _options.FineTolerance : _options.CoarseTolerance) * norm;
        var r = Lanczos.SmallestEigenpair((x, y) => Apply(beta, x, y), _j.Size, start, _rng, tol,
            maxDimension: attempt == 0 ? 120 : 300, maxRestarts: 30, startNoise: forced ? 0 : Lanczos.DefaultStartNoise);
        double rho = Math.Max(r.Residual, ResidualFloor * norm);
        return (new CurvePoint(beta, r.Value, r.Value - 2 * rho, Certified: false), r.Vector);
    }

    (CurvePoint, double[]?) Certify(double beta, CurvePoint p, double[]? vec)
    {
        for (int attempt = 1; attempt <= 3; attempt++)
        {
            InertiaCounts++;
            if (IsPositiveDefinite(beta, p.LowerBound)) return (p with { Certified = true }, vec);
            // Lanczos missed the bottom of the spectrum: restart from a random vector with a larger space
            Evaluations++;
            (p, vec) = LanczosPoint(beta, null, fine: true, attempt);
        }
        Evaluations++;
        var w = TorchLinalg.SymmetricEigenvalues(MatrixAt(beta), _j.Size);
        return (new CurvePoint(beta, w[0], w[0] - Precision.SpectralNormMargin * OperatorNormBound(beta)), null);
    }

    /// <summary>
    /// The upper bound on ||J||_2 the curve was built with; it bounds lambda_max(J) from above (for a layered bond matrix,
    /// whose spectrum is symmetric about 0, it is lambda_max(J) itself widened by the margin).
    /// </summary>
    public double NormJBound => _normJ;

    /// <summary>
    /// Restarts of a Lanczos run of an estimate (8, so at most 9 x 120 products): an estimate that has not reached its
    /// residual by then is used as it is; a certificate checks it, and uncertified estimates on very wide networks are
    /// stated as such.
    /// </summary>
    const int EstimateRestarts = 8;

    /// <summary>
    /// The lowest eigenpair of I - M(beta) without certification (kept as an uncertified point; counted in <see cref="Evaluations"/>): a dense
    /// eigendecomposition up to <see cref="CurveOptions.DenseThreshold"/> spins, else Lanczos on the structured product
    /// started from <paramref name="start"/> with residual at most <paramref name="relativeTolerance"/> times the norm bound.
    /// </summary>
    internal (double Value, double[] Vector) LowestEigenpair(double beta, double[]? start, double relativeTolerance)
    {
        Evaluations++;
        if (_dense != null && _j.Size <= _options.DenseThreshold)
        {
            var (w, vecs) = TorchLinalg.SymmetricEigen(MatrixAt(beta), _j.Size);
            int n = _j.Size;
            var v = new double[n];
            for (int i = 0; i < n; i++) v[i] = vecs[(long)i * n];
            if (!_cache.ContainsKey(beta)) _cache[beta] = (new CurvePoint(beta, w[0], w[0] - Precision.SpectralNormMargin * OperatorNormBound(beta)), null);
            Evaluated?.Invoke(Evaluations, InertiaCounts);
            return (w[0], v);
        }
        double noise = Lanczos.DefaultStartNoise;
        if (_options.EstimateStartVectorOverride is { } startAt) (start, noise) = (startAt(beta), 0); // tests only: see the option
        var r = Lanczos.SmallestEigenpair((x, y) => Apply(beta, x, y), _j.Size, start, _rng, relativeTolerance * OperatorNormBound(beta),
            maxDimension: 120, maxRestarts: EstimateRestarts, startNoise: noise);
        // kept as an uncertified point: a later Evaluate at this beta certifies it with one inertia count, and its vector
        // warm-starts Lanczos at neighbouring beta
        double rho = Math.Max(r.Residual, ResidualFloor * OperatorNormBound(beta));
        // Stryker disable once Equality : an old width equal to 2 rho to the last bit (theta - 2 rho rounded exactly back) is a
        // point of measure zero, and either of two equally wide estimates is as good
        if (!_cache.TryGetValue(beta, out var old) || (!old.Point.Certified && old.Point.Value - old.Point.LowerBound > 2 * rho))
            _cache[beta] = (new CurvePoint(beta, r.Value, r.Value - 2 * rho, Certified: false), r.Vector);
        Evaluated?.Invoke(Evaluations, InertiaCounts);
        return (r.Value, r.Vector);
    }

    /// <summary>The coefficients a = v^T J v and d = v^T diag(d) v of the scalar quadratic v^T (I - M(beta)) v = 1 - beta a + beta^2 d (docs/theory.md section 4, equation 4.3).</summary>
    internal (double A, double D) QuadraticCoefficients(double[] v)
    {
        var y = new double[v.Length];
        if (_j is BondMatrix b) b.MultiplyOnePass(v, y);
        else _j.Multiply(v, y);
        double a = 0, d = 0, norm = 0;
        for (int i = 0; i < v.Length; i++) { a += v[i] * y[i]; d += v[i] * v[i] * _d[i]; norm += v[i] * v[i]; }
        return (a / norm, d / norm);
    }

    /// <summary><see cref="IsPositiveDefinite"/> counted in <see cref="InertiaCounts"/>.</summary>
    internal bool CountedPositiveDefinite(double beta, double shift)
    {
        InertiaCounts++;
        bool pd = IsPositiveDefinite(beta, shift);
        Evaluated?.Invoke(Evaluations, InertiaCounts);
        return pd;
    }

    /// <summary>
    /// Whether lambda_max(J) &lt; <paramref name="bound"/>, by one inertia count of I - J / bound (chi recurrence with no
    /// diagonal term, or the dense matrix), counted in <see cref="InertiaCounts"/>. For a layered J, whose spectrum is
    /// symmetric, a true answer bounds ||J|| too.
    /// </summary>
    public bool LambdaMaxBelow(double bound)
    {
        if (!(bound > 0) || !double.IsFinite(bound)) throw new ArgumentOutOfRangeException(nameof(bound), bound, "the bound must be positive and finite");
        InertiaCounts++;
        if (_dense == null && _j is BondMatrix bonds)
        {
            // Stryker disable once Assignment : a recurrence built afresh on the same blocks gives the same count; only the
            // build is repeated
            _chi ??= new ChiRecurrence(bonds, _d);
            return _chi.IsPositiveDefinite(1 / bound, 0, 0);
        }
        int n = _j.Size;
        var a = (double[])_dense!.Clone(); // kept by the constructor for every coupling the branch above did not take
        for (long k = 0; k < a.LongLength; k++) a[k] = -a[k] / bound;
        for (int i = 0; i < n; i++) a[(long)i * n + i] += 1;
        return DenseInertia.Of(a, n).PositiveDefinite;
    }

    /// <summary>
    /// Replaces the norm bound of a layered J by <paramref name="bound"/> when one inertia count proves lambda_max(J) &lt;
    /// bound (<see cref="LambdaMaxBelow"/>; the spectrum of a layered J is symmetric, so ||J|| = lambda_max(J)); returns
    /// whether it did. The matrix-free path's Frobenius bound is far above ||J|| and would defeat the vertex certificate.
    /// </summary>
    public bool TightenNormBound(double bound)
    {
        if (_j is not BondMatrix || !(bound < _normJ) || !LambdaMaxBelow(bound)) return false;
        _normJ = bound;
        return true;
    }

    /// <summary>
    /// False after <see cref="AssumeNormForEstimates"/>: the norm the curve uses is then an estimate, and the certificates
    /// that rest on it (the vertex certificate, the polygon, the interval bounds) must not be used.
    /// </summary>
    public bool NormProven { get; private set; } = true;

    /// <summary>
    /// For uncertified estimates on networks too wide for inertia counts: takes <paramref name="norm"/> (a Lanczos value of
    /// lambda_max(J) plus its residual) as the scale of tolerances and start points instead of the Frobenius bound, which
    /// at 20,000 spins is some fifty times ||J|| and would loosen every relative tolerance as much. Marks the norm as not
    /// proven (<see cref="NormProven"/>).
    /// </summary>
    internal void AssumeNormForEstimates(double norm)
    {
        if (!(norm > 0) || !double.IsFinite(norm)) throw new ArgumentOutOfRangeException(nameof(norm), norm, "the norm must be positive and finite");
        _normJ = norm;
        NormProven = false;
    }

    /// <summary>True when I - M(beta) - shift I is positive definite (inertia count).</summary>
    public bool IsPositiveDefinite(double beta, double shift)
    {
        if (_dense == null && _j is BondMatrix bonds)
        {
            _chi ??= new ChiRecurrence(bonds, _d);
            return _chi.IsPositiveDefinite(beta, shift);
        }
        var a = MatrixAt(beta);
        int n = _j.Size;
        for (int i = 0; i < n; i++) a[(long)i * n + i] -= shift;
        return DenseInertia.Of(a, n).PositiveDefinite;
    }

    /// <summary>The Ritz vector of the evaluated point nearest to <paramref name="beta"/> (a warm start), or null.</summary>
    internal double[]? NearestCachedVector(double beta) => NearestVector(beta);

    double[]? NearestVector(double beta)
    {
        double best = double.PositiveInfinity;
        double[]? v = null;
        foreach (var kv in _cache)
        {
            if (kv.Value.Vector == null) continue;
            double dist = Math.Abs(kv.Key - beta);
            if (dist < best) { best = dist; v = kv.Value.Vector; }
        }
        return v;
    }

    /// <summary>
    /// Certified lower bound of lambda_min over [a.Beta, b.Beta] from the two endpoint bounds: the largest of three
    /// bounds, each valid on its own.
    /// (1) For beta = t a + (1 - t) b: I - M(beta) = t (I - M(a)) + (1 - t)(I - M(b)) - t (1 - t)(b - a)^2 diag(d)
    /// (the linear terms cancel), and lambda_min is concave, so
    /// lambda_min(beta) &gt;= t L_a + (1 - t) L_b - t (1 - t)(b - a)^2 max_i d_i; minimised over t in [0, 1].
    /// (2) Weyl from the left end: I - M(beta) = I - M(a) + (beta - a)[(beta + a) diag(d) - J], so
    /// lambda_min(beta) &gt;= L_a + (beta - a)((beta + a) min_i d_i - ||J||); minimised over [a, b] (convex in beta).
    /// (3) Weyl from the right end: I - M(beta) = I - M(b) - (b - beta)[(b + beta) diag(d) - J], so
    /// lambda_min(beta) &gt;= L_b - (b - beta)((b + beta) max_i d_i + ||J||), smallest at beta = a.
    /// ||J|| is the upper bound the curve was built with. (2) is what clears long stretches where the curve falls
    /// steadily (the approach to a crossing, docs/theory.md section 4); (1) is sharp on short intervals.
    /// </summary>
    public double IntervalLowerBound(CurvePoint a, CurvePoint b)
    {
        double h = b.Beta - a.Beta;
        double k = h * h * DMax;
        double la = a.LowerBound, lb = b.LowerBound;
        double concave;
        if (k <= 0) concave = Math.Min(la, lb);
        else
        {
            double t = Math.Clamp((k - (la - lb)) / (2 * k), 0, 1);
            concave = t * la + (1 - t) * lb - t * (1 - t) * k;
        }
        return Math.Max(concave, Math.Max(LeftWeylBound(a, b.Beta), RightWeylBound(a.Beta, b)));
    }

    /// <summary>Bound (2) of <see cref="IntervalLowerBound"/>: lambda_min on [a.Beta, b] from a's certified lower bound alone.</summary>
    public double LeftWeylBound(CurvePoint a, double b)
    {
        double x = a.Beta;
        double stationary = DMin > 0 ? _normJ / (2 * DMin) : double.PositiveInfinity;
        double beta = Math.Clamp(stationary, x, b);
        return a.LowerBound + (beta - x) * ((beta + x) * DMin - _normJ);
    }

    double RightWeylBound(double a, CurvePoint b) =>
        b.LowerBound - (b.Beta - a) * ((b.Beta + a) * DMax + _normJ);

    /// <inheritdoc />
    public void Dispose() => _chi?.Dispose();
}
