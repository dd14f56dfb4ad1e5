using System.Diagnostics;
using System.Text.Json.Serialization;
using NeuralSpin.Numerics;
using NeuralSpin.Replica;
using NeuralSpin.Spectra;
using NeuralSpin.SpinModel;
using NeuralSpin.Tap;

namespace NeuralSpin.Analysis;

/// <summary>Options of <see cref="NetworkAnalysis.Run"/>.</summary>
public sealed record AnalysisOptions
{
    /// <summary>Upper end of the beta range searched (default 10).</summary>
    public double BetaMax { get; init; } = 10;

    /// <summary>The level c_0 of the corrected transition, given directly.</summary>
    public double? Level { get; init; }

    /// <summary>A reference (untrained) network whose curve minimum is taken as c_0.</summary>
    public BondMatrix? Reference { get; init; }

    /// <summary>Options of the lambda_min(beta) evaluation.</summary>
    public CurveOptions Curve { get; init; } = new();

    /// <summary>Progress messages (stage names, with the eigenvalue computations done in the long stages), or null.</summary>
    public Action<string>? Progress { get; init; }

    /// <summary>
    /// How the spectra are computed (default <see cref="AnalysisPath.Dense"/>); choose with
    /// <see cref="AnalysisCost.Choose"/> under a memory limit.
    /// </summary>
    public AnalysisPath Path { get; init; } = AnalysisPath.Dense;

    /// <summary>
    /// Points of the curve lambda_min(beta) sampled on the uniform grid over [0, <see cref="BetaMax"/>] by
    /// <see cref="NetworkAnalysis.SampleCurve"/> (the analyze command's <c>--curve</c> file); <see cref="NetworkAnalysis.Run"/>
    /// does not sample the curve. Default 201 (steps of BetaMax/200); between 2 and <see cref="MaxCurvePoints"/>.
    /// </summary>
    public int CurvePoints { get; init; } = 201;

    /// <summary>The largest <see cref="CurvePoints"/>: a grid finer than 100 000 points shows nothing more and only costs time.</summary>
    public const int MaxCurvePoints = 100_000;

    /// <summary>
    /// On the matrix-free path, the widest layer after the input up to which the curve is certified by chi-recurrence inertia counts
    /// (default 4096: one count costs about sum_k N_k^3, some 2e11 operations and seconds to a minute here at that width).
    /// Wider networks get estimates: the curve minimum and its minimiser from warm-started Lanczos (no certified lower
    /// bound), beta_c and beta_c(c_0) as the Rayleigh-functional roots, each a certified upper bound of a crossing
    /// (docs/theory.md section 4, equation 4.2) but not certified to be the first. <see cref="AnalysisResult.Certified"/>
    /// says which.
    /// </summary>
    public int CertifyUpToWidth { get; init; } = 4096;

    /// <summary>
    /// On the matrix-free path, estimate the normalized first level spacing (s_0 from the two lowest Lanczos eigenvalues,
    /// s_typ from the kernel-polynomial density under the GOE spacing law, docs/theory.md section 6, accuracy stated
    /// there); off by default, when the matrix-free path reports no level spacing. The dense path gives it exactly.
    /// </summary>
    public bool EstimateSpacing { get; init; }
}

/// <summary>
/// The result of analysing one network: exactly the quantities of the `analyze` command's JSON
/// (null where a quantity does not exist), plus the spectra for plots (not serialised).
/// </summary>
public sealed record AnalysisResult
{
    [JsonPropertyName("widths")] public required int[] Widths { get; init; }
    [JsonPropertyName("n_spins")] public required int NSpins { get; init; }
    [JsonPropertyName("coupling_variance_c")] public required double[] CouplingVarianceC { get; init; }
    [JsonPropertyName("tc_replica")] public required double TcReplica { get; init; }
    [JsonPropertyName("beta_c")] public double? BetaC { get; init; }
    [JsonPropertyName("tc")] public double? Tc { get; init; }
    [JsonPropertyName("level")] public double? Level { get; init; }
    [JsonPropertyName("beta_c_corrected")] public double? BetaCCorrected { get; init; }
    [JsonPropertyName("tc_corrected")] public double? TcCorrected { get; init; }
    [JsonPropertyName("curve_min_beta")] public required double CurveMinBeta { get; init; }
    [JsonPropertyName("curve_min_lambda")] public required double CurveMinLambda { get; init; }
    [JsonPropertyName("lambda_max_j")] public required double LambdaMaxJ { get; init; }
    [JsonPropertyName("lambda_min_r")] public required double LambdaMinR { get; init; }
    [JsonPropertyName("first_level_spacing_ratio")] public double? FirstLevelSpacingRatio { get; init; }
    [JsonPropertyName("spacing_beta")] public required double SpacingBeta { get; init; }
    [JsonPropertyName("elapsed_seconds")] public required double ElapsedSeconds { get; init; }

    /// <summary>Ascending eigenvalues of J.</summary>
    [JsonIgnore] public double[] SpectrumJ { get; init; } = Array.Empty<double>();

    /// <summary>Ascending eigenvalues of I - M at <see cref="SpacingBeta"/>.</summary>
    [JsonIgnore] public double[] SpectrumTap { get; init; } = Array.Empty<double>();

    /// <summary>Where the reference level came from: "level", "reference" or null.</summary>
    [JsonIgnore] public string? LevelSource { get; init; }

    /// <summary>Eigenvalue computations spent on the curve.</summary>
    [JsonIgnore] public int CurveEvaluations { get; init; }

    /// <summary>Products (I - M) x of the curve's Lanczos runs and the spacing estimate.</summary>
    [JsonIgnore] public long CurveProducts { get; init; }

    /// <summary>Inertia counts of the curve's certificates.</summary>
    [JsonIgnore] public int InertiaCounts { get; init; }

    /// <summary>A certified lower bound of the curve over (0, beta_max].</summary>
    [JsonIgnore] public double CurveCertifiedLowerBound { get; init; }

    /// <summary>The path the spectra were computed on.</summary>
    [JsonIgnore] public AnalysisPath Path { get; init; } = AnalysisPath.Dense;

    /// <summary>
    /// An eigenvalue of J lies within this of <see cref="LambdaMaxJ"/> (0 on the dense path, where it is exact to
    /// rounding; the Lanczos residual on the matrix-free path, where it is not certified to be the largest).
    /// </summary>
    [JsonIgnore] public double LambdaMaxJResidual { get; init; }

    /// <summary>
    /// Whether the curve minimum's lower bound, beta_c and beta_c(c_0) are certified (the dense path, and the matrix-free
    /// path up to <see cref="AnalysisOptions.CertifyUpToWidth"/>); when false they are estimates (see that option).
    /// </summary>
    [JsonIgnore] public bool Certified { get; init; } = true;

    /// <summary>The level spacing ratio is an estimate from the spectral density (matrix-free path), not exact.</summary>
    [JsonIgnore] public bool SpacingEstimated { get; init; }

    /// <summary>The typical spacing s_typ used for the ratio (exact median or its estimate).</summary>
    [JsonIgnore] public double? TypicalSpacing { get; init; }
}

/// <summary>lambda_min(beta) on a grid of beta.</summary>
public sealed record CurveSample(double[] Beta, double[] LambdaMin);

/// <summary>
/// The full spin-model analysis of a network (the `analyze` command): replica T_c from the estimated
/// C_k (P1 15-18), the linearized-TAP curve lambda_min(beta) with its minimum, beta_c and the corrected
/// beta_c(c_0) (P1 21-25, sec. 3.2), lambda_max(J), lambda_min(R) = -max_i d_i (sec. 3.4) and the
/// normalized first level spacing of I - M (sec. 3.3).
/// Two paths (<see cref="AnalysisPath"/>): the dense one computes the spectrum of I - M exactly and that of J to
/// <see cref="SpectrumOfJTolerance"/> ||J|| (lambda_max(J) to rounding); the
/// matrix-free one forms no N x N matrix (lambda_max(J) by Lanczos with its residual, ||J|| bounded by the
/// Frobenius norm, the curve by Lanczos certified by chi-recurrence inertia counts as on the dense path, so the
/// minimum, beta_c and beta_c(c_0) carry the same guarantees) and reports no level spacing.
/// <see cref="AnalysisCost"/> estimates both before any work.
/// </summary>
public static class NetworkAnalysis
{
    /// <summary>The minimum of the curve of a network over (0, beta_max] (used as c_0 for a reference network).</summary>
    /// <param name="j">The coupling.</param>
    /// <param name="betaMax">Upper end of the range.</param>
    /// <param name="options">Curve options.</param>
    /// <param name="path">Dense: ||J|| from the dense spectrum; matrix-free: bounded by the Frobenius norm (no N x N matrix).</param>
    /// <param name="certifyUpToWidth">Matrix-free path: wider layered networks get the uncertified estimate
    /// (<see cref="AnalysisOptions.CertifyUpToWidth"/>).</param>
    public static CurveMinimum CurveMinimum(ISymmetricCoupling j, double betaMax, CurveOptions? options = null, AnalysisPath path = AnalysisPath.Dense,
        int certifyUpToWidth = int.MaxValue)
    {
        if (path == AnalysisPath.Dense)
        {
            using var denseCurve = BuildCurve(j, options, out _);
            return TransitionSearch.GlobalMinimum(denseCurve, betaMax);
        }
        using var curve = new LambdaMinCurve(j, null, options);
        bool certify = j is not BondMatrix b || b.Widths.Skip(1).Max() <= certifyUpToWidth;
        if (certify && j is BondMatrix)
        {
            var (top, residual) = LargestEigenvalueMatrixFree(j, options?.Seed ?? 12345);
            curve.TightenNormBound((top + residual) * (1 + 1e-9) + Precision.Tiny);
        }
        if (!certify)
        {
            var (top, residual) = LargestEigenvalueMatrixFree(j, options?.Seed ?? 12345, 1e-7);
            curve.AssumeNormForEstimates(top + residual);
            return TransitionSearch.MinimumEstimate(curve, betaMax);
        }
        return TransitionSearch.GlobalMinimum(curve, betaMax);
    }

    /// <summary>
    /// The curve of <paramref name="j"/> with ||J|| taken from its dense spectrum (ascending, returned), so
    /// that a network and its reference are searched in exactly the same way.
    /// </summary>
    static LambdaMinCurve BuildCurve(ISymmetricCoupling j, CurveOptions? options, out double[] spectrum)
    {
        // the dense path holds N x N matrices: float32 blocks widened to float64 once (exact, at most a few per cent more
        // memory) make the curve's products, the inertia counts' block copies and the dense matrices faster, with the same
        // results bit for bit (the float32-row kernels equal the float64 ones; docs/theory.md section 4, "Storage")
        if (j is BondMatrix b) j = b.WithDoubleBlocks();
        spectrum = SpectrumOfJ(j);
        return Curve(j, spectrum, options);
    }

    /// <summary>
    /// The accuracy of <see cref="SpectrumOfJ"/> for a layered bond matrix, relative to ||J||: 1e-9. The Gram route
    /// (<see cref="BondMatrix.SpectrumFromGram"/>) is taken when its error bound is within it, else the singular values.
    /// Far below anything the spectrum of J is used for (||J|| and lambda_max(J), which the Gram route gives to about
    /// m eps relative, the densities of the plots, the count of eigenvalues past a reference's lambda_max).
    /// </summary>
    public const double SpectrumOfJTolerance = 1e-9;

    /// <summary>
    /// The largest Gram order m for the Gram route: the top eigenvalue then errs by at most m eps ||J|| &lt;= 5e-13 ||J||,
    /// inside <see cref="Precision.SpectralNormMargin"/>, so that the curve's norm bound max |lambda(J)| (1 + 1e-12) stays an
    /// upper bound of ||J|| (the certificates rest on it).
    /// </summary>
    public const int MaxGramOrder = 2250;

    /// <summary>
    /// The ascending eigenvalues of J: for a layered bond matrix from the eigenvalues of the Gram matrix of its bipartite
    /// block (<see cref="BondMatrix.SpectrumFromGram"/>, docs/theory.md equation 4.8: about a fifth of the dense eigenvalue
    /// problem at 2,330 spins) when its error bound is within <see cref="SpectrumOfJTolerance"/> ||J|| and the Gram order at
    /// most <see cref="MaxGramOrder"/>, else from the singular values of the block
    /// (<see cref="BondMatrix.SpectrumFromBipartiteBlock"/>, about a quarter of the dense problem, backward stable); for
    /// any other coupling by the dense symmetric eigensolver.
    /// </summary>
    public static double[] SpectrumOfJ(ISymmetricCoupling j)
    {
        ArgumentNullException.ThrowIfNull(j);
        if (j is not BondMatrix b) return TorchLinalg.SymmetricEigenvalues(j.ToDenseRowMajor(), j.Size);
        if (b.BipartiteGramOrder <= MaxGramOrder)
        {
            var (w, error) = b.SpectrumFromGram();
            double norm = w.Length == 0 ? 0 : Math.Max(-w[0], w[^1]);
            if (error <= SpectrumOfJTolerance * norm) return w;
        }
        return b.SpectrumFromBipartiteBlock();
    }

    /// <summary>
    /// The curve lambda_min(beta) of <paramref name="j"/> given the dense spectrum of J (ascending, e.g.
    /// <see cref="AnalysisResult.SpectrumJ"/>): ||J|| is the larger of |lambda_min(J)| and |lambda_max(J)| widened into a
    /// bound by <see cref="Precision.SpectralNormBound"/>. An empty spectrum (the matrix-free path) leaves ||J|| to the
    /// curve's Frobenius bound. The caller disposes the curve.
    /// </summary>
    public static LambdaMinCurve Curve(ISymmetricCoupling j, IReadOnlyList<double> spectrumJ, CurveOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(j);
        ArgumentNullException.ThrowIfNull(spectrumJ);
        double? normJ = spectrumJ.Count == 0 ? null : Precision.SpectralNormBound(Math.Max(Math.Abs(spectrumJ[0]), Math.Abs(spectrumJ[^1])));
        return new LambdaMinCurve(j, normJ, options);
    }

    /// <summary>
    /// lambda_min(beta) of <paramref name="j"/> on <paramref name="points"/> uniform points over [0, <paramref name="betaMax"/>]
    /// (<see cref="Precision.UniformGrid(double, int)"/>), on the curve of <see cref="Curve"/>; reports the points done.
    /// </summary>
    public static CurveSample SampleCurve(ISymmetricCoupling j, IReadOnlyList<double> spectrumJ, double betaMax, int points, CurveOptions? options = null,
        IProgress<int>? progress = null)
    {
        using var curve = Curve(j, spectrumJ, options);
        var b = Precision.UniformGrid(betaMax, points);
        var l = new double[points];
        for (int i = 0; i < points; i++)
        {
            l[i] = curve.Evaluate(b[i]).Value;
            progress?.Report(i + 1);
        }
        return new CurveSample(b, l);
    }

    /// <summary>
    /// Residual tolerance of the matrix-free lambda_max(J), relative to the Frobenius norm of J (an upper bound on
    /// ||J||): 1e-10, so that the value carries ten significant digits, beyond anything the analysis reports.
    /// </summary>
    public const double MatrixFreeEigenTolerance = 1e-10;

    /// <summary>
    /// The largest eigenvalue of J by Lanczos on the block products (the smallest of -J), with its residual: an
    /// eigenvalue of J lies within the residual of the value (Weyl). Memory O(N), no N x N matrix.
    /// </summary>
    /// <param name="j">The coupling.</param>
    /// <param name="seed">Seed of the start vector.</param>
    /// <param name="relativeTolerance">Residual tolerance relative to the Frobenius norm (default <see cref="MatrixFreeEigenTolerance"/>).</param>
    public static (double Value, double Residual) LargestEigenvalueMatrixFree(ISymmetricCoupling j, int seed = 12345, double relativeTolerance = MatrixFreeEigenTolerance)
    {
        ArgumentNullException.ThrowIfNull(j);
        double frob = Math.Sqrt(j.RowSquareSums().Sum());
        if (frob == 0) return (0, 0);
        var r = Lanczos.SmallestEigenpair((x, y) =>
        {
            if (j is BondMatrix b) b.MultiplyOnePass(x, y); // one pass over the blocks, no transposed copy
            else j.Multiply(x, y);
            for (int i = 0; i < y.Length; i++) y[i] = -y[i];
        }, j.Size, null, new SplitMixSource(seed), relativeTolerance * frob, maxDimension: 200, maxRestarts: 20);
        return (-r.Value, r.Residual);
    }

    /// <summary>Runs the analysis.</summary>
    public static AnalysisResult Run(BondMatrix j, AnalysisOptions? options = null)
    {
        options ??= new AnalysisOptions();
        var sw = Stopwatch.StartNew();
        if (options.Level.HasValue && options.Reference != null)
            throw new ArgumentException("give either a level or a reference network, not both");
        if (options.Level is double lv && !(lv < 1 && double.IsFinite(lv)))
            throw new ArgumentOutOfRangeException(nameof(options), $"the level c_0 must be finite and below lambda_min(0) = 1, got {lv}");

        var widths = j.Widths.ToArray();
        var c = j.CouplingVariances();
        double tcReplica = ReplicaHessian.CriticalTemperature(widths, c);

        bool dense = options.Path == AnalysisPath.Dense;
        // the chi recurrence's cost is in the layers after the input (Phi_0 is diagonal)
        bool certify = dense || j.Widths.Skip(1).Max() <= options.CertifyUpToWidth;
        double[] specJ;
        double lambdaMaxJ, lambdaMaxJResidual = 0;
        LambdaMinCurve curve;
        if (dense)
        {
            options.Progress?.Invoke("spectrum of J");
            curve = BuildCurve(j, options.Curve, out specJ);
            lambdaMaxJ = specJ[^1];
        }
        else
        {
            options.Progress?.Invoke("lambda_max(J) by Lanczos");
            // certified: to 1e-10 of the Frobenius norm, as the ||J|| certificate needs; else to 1e-7 (the Ritz value's
            // error is of the order of the residual squared over the gap to the next eigenvalue, far smaller)
            (lambdaMaxJ, lambdaMaxJResidual) = LargestEigenvalueMatrixFree(j, options.Curve.Seed, certify ? MatrixFreeEigenTolerance : 1e-7);
            specJ = Array.Empty<double>();
            curve = new LambdaMinCurve(j, null, options.Curve);
            if (certify)
            {
                // one inertia count proves ||J|| = lambda_max(J) < the Lanczos value plus its residual (docs/theory.md
                // section 4); the Frobenius bound otherwise left in the curve is far too loose for the vertex certificate
                options.Progress?.Invoke("||J|| certified by an inertia count");
                curve.TightenNormBound((lambdaMaxJ + lambdaMaxJResidual) * (1 + 1e-9) + Precision.Tiny);
            }
            else curve.AssumeNormForEstimates(lambdaMaxJ + lambdaMaxJResidual);
        }
        using var curveScope = curve;
        string stage = "";
        if (options.Progress is { } report)
            curve.Evaluated = (evaluations, inertia) => report($"{stage} ({evaluations} eigenvalue computations, {inertia} inertia counts so far)");
        var d = j.RowSquareSums();
        double lambdaMinR = -d.Max();
        stage = "curve minimum";
        options.Progress?.Invoke(stage);
        var min = certify ? TransitionSearch.GlobalMinimum(curve, options.BetaMax) : TransitionSearch.MinimumEstimate(curve, options.BetaMax);

        stage = "beta_c";
        options.Progress?.Invoke(stage);
        double? betaC = certify
            ? (min.Value > 0 && min.CertifiedLowerBound > 0 ? null : TransitionSearch.FirstCrossing(curve, 0, options.BetaMax))
            : (min.Value > 0 ? null : TransitionSearch.CrossingEstimate(curve, 0, options.BetaMax, min.Beta));

        double? level = options.Level;
        string? source = level.HasValue ? "level" : null;
        if (options.Reference != null)
        {
            options.Progress?.Invoke("reference curve");
            level = CurveMinimum(options.Reference, options.BetaMax, options.Curve, options.Path, options.CertifyUpToWidth).Value;
            source = "reference";
        }
        double? betaCorr = null;
        if (level is double c0)
        {
            stage = "corrected beta_c";
            options.Progress?.Invoke(stage);
            betaCorr = certify
                ? (c0 < min.CertifiedLowerBound - TransitionSearch.CertificationSlack ? null : TransitionSearch.FirstCrossing(curve, c0, options.BetaMax))
                : (c0 < min.Value - TransitionSearch.CertificationSlack ? null : TransitionSearch.CrossingEstimate(curve, c0, options.BetaMax, min.Beta));
        }

        double spacingBeta = betaCorr ?? betaC ?? min.Beta;
        double[] specTap = Array.Empty<double>();
        double? ratio = null, typical = null;
        bool spacingEstimated = false;
        if (dense)
        {
            options.Progress?.Invoke("spectrum of I - M");
            // in place on the matrix built into a buffer on huge pages (symmetric by construction): the LAPACK call of
            // eigvalsh without its two copies of the N x N matrix and without most of the first touch's page faults
            using (var matrix = new LargePageBuffer((long)j.Size * j.Size))
            {
                curve.WriteMatrixAt(spacingBeta, matrix.Span);
                specTap = TorchLapack.SymmetricEigenvaluesInPlace(j.Size, matrix.Span, j.Size);
            }
            ratio = LevelSpacing.FirstSpacingRatio(specTap);
            typical = specTap.Length >= 2 ? LevelSpacing.Median(LevelSpacing.Spacings(specTap)) : null;
        }
        else if (options.EstimateSpacing)
        {
            options.Progress?.Invoke("level spacing estimate (two lowest eigenvalues, kernel-polynomial density)");
            var est = SpacingEstimate.At(curve, spacingBeta, options.Curve.Seed);
            ratio = est.Ratio;
            typical = est.TypicalSpacing;
            spacingEstimated = true;
        }

        return new AnalysisResult
        {
            Widths = widths,
            NSpins = j.Size,
            CouplingVarianceC = c,
            TcReplica = tcReplica,
            BetaC = betaC,
            Tc = betaC is double bc ? 1 / bc : null,
            Level = level,
            BetaCCorrected = betaCorr,
            TcCorrected = betaCorr is double bcc ? 1 / bcc : null,
            CurveMinBeta = min.Beta,
            CurveMinLambda = min.Value,
            LambdaMaxJ = lambdaMaxJ,
            LambdaMinR = lambdaMinR,
            FirstLevelSpacingRatio = ratio,
            SpacingBeta = spacingBeta,
            ElapsedSeconds = sw.Elapsed.TotalSeconds,
            SpectrumJ = specJ,
            SpectrumTap = specTap,
            LevelSource = source,
            CurveEvaluations = curve.Evaluations,
            CurveProducts = curve.Products,
            InertiaCounts = curve.InertiaCounts,
            CurveCertifiedLowerBound = min.CertifiedLowerBound,
            Path = options.Path,
            LambdaMaxJResidual = lambdaMaxJResidual,
            Certified = certify,
            SpacingEstimated = spacingEstimated,
            TypicalSpacing = typical,
        };
    }
}
