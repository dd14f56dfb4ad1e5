using NeuralSpin.Numerics;
using System.Diagnostics;
using NeuralSpin.Analysis;
using NeuralSpin.IO;
using NeuralSpin.SpinModel;
using NeuralSpin.Tap;

namespace NeuralSpin.Trajectory;

/// <summary>Options of <see cref="TrajectoryAnalyzer"/>.</summary>
public sealed record TrajectoryOptions
{
    /// <summary>Upper end of the beta range (0, B] searched for minima and transitions (default 10).</summary>
    public double BetaMax { get; init; } = 10;

    /// <summary>Smallest epoch of the power-law fit of T_c(t) (default: 1 if at least two checkpoints lie at t &gt;= 1, else all t &gt; 0).</summary>
    public double? FitFrom { get; init; }

    /// <summary>Largest epoch of the power-law fit (default: no limit).</summary>
    public double? FitTo { get; init; }

    /// <summary>Number of points of the lambda_min(beta) curves sampled for Fig. 5 (default 161).</summary>
    public int CurvePoints { get; init; } = 161;

    /// <summary>Options of the lambda_min(beta) evaluation.</summary>
    public CurveOptions Curve { get; init; } = new();

    /// <summary>
    /// Leave out the checkpoints that cannot be used (damaged file, missing or non-numeric epoch/step, NaN or
    /// infinite weights, widths other than the t = 0 checkpoint's) instead of failing, and list them in
    /// <see cref="TrajectoryResult.Skipped"/> (the CLI's <c>--skip-bad</c>; default false). The t = 0 checkpoint
    /// cannot be left out, and at least one checkpoint after it must remain.
    /// </summary>
    public bool SkipBad { get; init; }
}

/// <summary>Progress of a trajectory analysis: <see cref="Done"/> of <see cref="Total"/> checkpoints finished, <see cref="Current"/> being worked on (null at the end).</summary>
public sealed record TrajectoryProgress(int Done, int Total, Checkpoint? Current, string Stage);

/// <summary>
/// One row of <c>trajectory.csv</c>: the analysis of one checkpoint with the level c_0 of the run's own
/// t = 0 checkpoint. Null where a quantity does not exist (no crossing in (0, beta_max], no recorded
/// validation error, an undefined spacing ratio).
/// </summary>
/// <param name="Epoch">Training time t in epochs.</param>
/// <param name="Step">Optimizer steps.</param>
/// <param name="ValError">Validation error rate from the checkpoint metadata.</param>
/// <param name="Tc">1/beta_c, lambda_min(beta_c) = 0 (P1 sec. 3.2).</param>
/// <param name="TcCorrected">1/beta_c(c_0), lambda_min(beta_c(c_0)) = c_0 (finite-size corrected, P1 sec. 3.2).</param>
/// <param name="CurveMinLambda">min over beta of lambda_min(beta).</param>
/// <param name="LambdaMaxJ">Largest eigenvalue of the bond matrix J (P1 sec. 3.4).</param>
/// <param name="LambdaMinR">lambda_min(R) = -max_i d_i (docs/theory.md section 4).</param>
/// <param name="LambdaMinRChange">(lambda_min(R)(t) - lambda_min(R)(0)) / |lambda_min(R)(0)|.</param>
/// <param name="FirstLevelSpacingRatio">s_0 / s_typ of I - M at the transition (P1 sec. 3.3).</param>
public sealed record TrajectoryRow(double Epoch, long Step, double? ValError, double? Tc, double? TcCorrected,
    double CurveMinLambda, double LambdaMaxJ, double LambdaMinR, double LambdaMinRChange, double? FirstLevelSpacingRatio)
{
    /// <summary>The per-layer spectral metrics of this checkpoint's weights, layer k = <c>layers.{k}.weight</c> (docs/theory.md section 10).</summary>
    public IReadOnlyList<LayerPoint> Layers { get; init; } = [];

    /// <summary>
    /// Equal when every spin-model quantity is equal and the rows have the same layers with the same spike counts. The
    /// layers' fitted values are left out (the CSN scan of a spectrum computed elsewhere can move with its last bits);
    /// compare them with a tolerance, or the CSV text where the same computation must give the same bits.
    /// </summary>
    public bool Equals(TrajectoryRow? other) =>
        other is not null && Epoch.Equals(other.Epoch) && Step == other.Step && Nullable.Equals(ValError, other.ValError)
        && Nullable.Equals(Tc, other.Tc) && Nullable.Equals(TcCorrected, other.TcCorrected) && CurveMinLambda.Equals(other.CurveMinLambda)
        && LambdaMaxJ.Equals(other.LambdaMaxJ) && LambdaMinR.Equals(other.LambdaMinR) && LambdaMinRChange.Equals(other.LambdaMinRChange)
        && Nullable.Equals(FirstLevelSpacingRatio, other.FirstLevelSpacingRatio)
        && Layers.Select(l => (l.Layer, l.Spikes)).SequenceEqual(other.Layers.Select(l => (l.Layer, l.Spikes)));

    /// <summary>Hash of the spin-model quantities.</summary>
    public override int GetHashCode() => HashCode.Combine(Epoch, Step, Tc, TcCorrected, LambdaMaxJ, LambdaMinR, Layers.Count);
}

/// <summary>
/// The per-layer metrics of one layer at one checkpoint (<see cref="NeuralSpin.Layers.LayerSpectrum"/>): the columns
/// <c>layer{k}_*</c> of <c>trajectory.csv</c>.
/// </summary>
/// <param name="Layer">Tensor name.</param>
/// <param name="Alpha">Power-law exponent of the ESD tail (null without a fit).</param>
/// <param name="KsDistance">KS distance of that fit.</param>
/// <param name="Spikes">Eigenvalues above the Marchenko-Pastur bulk.</param>
/// <param name="AlphaWeighted">alpha log10 lambda_max.</param>
/// <param name="LogSpectralNorm">log10 lambda_max.</param>
/// <param name="LogFrobeniusNorm">log10 sum lambda.</param>
/// <param name="StableRank">sum lambda / lambda_max.</param>
public sealed record LayerPoint(string Layer, double? Alpha, double? KsDistance, int Spikes, double? AlphaWeighted,
    double LogSpectralNorm, double LogFrobeniusNorm, double StableRank)
{
    /// <summary>The point of a layer's metrics.</summary>
    public static LayerPoint From(NeuralSpin.Layers.LayerMetrics m)
    {
        ArgumentNullException.ThrowIfNull(m);
        return new(m.Name, m.PowerLaw?.Alpha, m.PowerLaw?.KsDistance, m.MarchenkoPastur.Spikes, m.AlphaWeighted,
            m.LogSpectralNorm, m.LogFrobeniusNorm, m.StableRank);
    }
}

/// <summary>The result of <see cref="TrajectoryAnalyzer.Analyze"/>.</summary>
public sealed record TrajectoryResult
{
    /// <summary>The run directory.</summary>
    public required string RunDir { get; init; }

    /// <summary>The checkpoints analysed, sorted by step (without the <see cref="Skipped"/> ones).</summary>
    public required IReadOnlyList<Checkpoint> Checkpoints { get; init; }

    /// <summary>
    /// The checkpoints <see cref="TrajectoryOptions.SkipBad"/> left out, with the reason: first the files whose
    /// header could not be read (in file-name order), then the others in step order. Empty without SkipBad.
    /// </summary>
    public IReadOnlyList<SkippedCheckpoint> Skipped { get; init; } = [];

    /// <summary>One row per checkpoint, in the same order.</summary>
    public required IReadOnlyList<TrajectoryRow> Rows { get; init; }

    /// <summary>The level c_0: the minimum of the t = 0 checkpoint's curve.</summary>
    public required double Level { get; init; }

    /// <summary>Where the t = 0 curve has its minimum c_0.</summary>
    public required double LevelBeta { get; init; }

    /// <summary>Full analysis of the t = 0 checkpoint (with spectra).</summary>
    public required AnalysisResult Initial { get; init; }

    /// <summary>Full analysis of the last checkpoint (with spectra).</summary>
    public required AnalysisResult Final { get; init; }

    /// <summary>lambda_min(beta) of the t = 0 checkpoint (Fig. 5).</summary>
    public required CurveSample InitialCurve { get; init; }

    /// <summary>lambda_min(beta) of the last checkpoint (Fig. 5).</summary>
    public required CurveSample FinalCurve { get; init; }

    /// <summary>Epoch range of the power-law fits.</summary>
    public required double FitFrom { get; init; }

    /// <summary>Epoch range of the power-law fits.</summary>
    public required double FitTo { get; init; }

    /// <summary>Power-law fit of the corrected T_c(t), or null (see <see cref="TcCorrectedFitNote"/>).</summary>
    public PowerLaw? TcCorrectedFit { get; init; }

    /// <summary>Why there is no fit of the corrected T_c (empty if there is one).</summary>
    public string TcCorrectedFitNote { get; init; } = "";

    /// <summary>Power-law fit of T_c(t) (lambda_min = 0), or null.</summary>
    public PowerLaw? TcFit { get; init; }

    /// <summary>Why there is no fit of T_c (empty if there is one).</summary>
    public string TcFitNote { get; init; } = "";

    /// <summary>Wall time of the analysis.</summary>
    public required double ElapsedSeconds { get; init; }
}

/// <summary>
/// The evolution of the spin model along a training run (P1 secs. 3.2-3.4, Figs. 4-9): every checkpoint of
/// <c>RUN_DIR/checkpoints/</c> is analysed by <see cref="NetworkAnalysis.Run"/> with the level c_0 = minimum
/// of lambda_min(beta) of the run's own t = 0 checkpoint (the finite-size correction of sec. 3.2), giving
/// T_c(t), the corrected T_c(t), lambda_max(J)(t), lambda_min(R)(t) and s_0/s_typ(t); beside them, each layer's spectral
/// metrics (<see cref="NeuralSpin.Layers.LayerSpectrum"/>, docs/theory.md section 10), so that a run shows both views.
/// </summary>
public static class TrajectoryAnalyzer
{
    /// <summary>The per-layer columns that follow <see cref="Columns"/> for each layer k = 0..L-1, as <c>layer{k}_{name}</c>.</summary>
    public static IReadOnlyList<string> LayerColumnNames { get; } =
        ["alpha", "ks_distance", "num_spikes", "alpha_weighted", "log_spectral_norm", "log_frobenius_norm", "stable_rank"];

    /// <summary>The columns of <c>trajectory.csv</c> for a network of <paramref name="layers"/> layers: <see cref="Columns"/>, then <see cref="LayerColumnNames"/> per layer.</summary>
    public static IReadOnlyList<string> AllColumns(int layers) =>
        [.. Columns, .. Enumerable.Range(0, layers).SelectMany(k => LayerColumnNames.Select(c => $"layer{k}_{c}"))];

    /// <summary>The spin-model columns of <c>trajectory.csv</c>, in order (the per-layer columns follow, <see cref="AllColumns"/>).</summary>
    public static IReadOnlyList<string> Columns { get; } =
    [
        "epoch", "step", "val_error", "tc", "tc_corrected", "curve_min_lambda", "lambda_max_j", "lambda_min_r",
        "lambda_min_r_change", "first_level_spacing_ratio",
    ];

    /// <summary>Analyses the run and writes <c>RUN_DIR/trajectory.csv</c> (atomically, after all the work is done).</summary>
    public static TrajectoryResult Run(string runDir, TrajectoryOptions? options = null, IProgress<TrajectoryProgress>? progress = null,
        CancellationToken cancellation = default)
    {
        var result = Analyze(runDir, options, progress, cancellation);
        TrajectoryCsv.Write(Path.Combine(runDir, RunDirectory.CsvName), result.Rows);
        return result;
    }

    /// <summary>
    /// Analyses every checkpoint of the run; writes nothing. The weights of every checkpoint are read and checked
    /// (finite, one network of the t = 0 checkpoint's widths) before the first one is analysed, so that a bad
    /// checkpoint fails the analysis at once, or, with <see cref="TrajectoryOptions.SkipBad"/>, is left out.
    /// </summary>
    /// <exception cref="RunDirectoryException">No checkpoints, no t = 0 (step 0) checkpoint, checkpoints of different widths
    /// (without SkipBad), or, with SkipBad, no checkpoint after t = 0 left.</exception>
    /// <exception cref="WeightFileException">A checkpoint cannot be read or holds NaN or infinite weights (without SkipBad, or
    /// the t = 0 checkpoint in any case); the message names the file.</exception>
    public static TrajectoryResult Analyze(string runDir, TrajectoryOptions? options = null, IProgress<TrajectoryProgress>? progress = null,
        CancellationToken cancellation = default)
    {
        options ??= new TrajectoryOptions();
        CheckOptions(options);
        var sw = Stopwatch.StartNew();
        var prepared = Prepare(runDir, options, 0, 1, progress, cancellation);
        var part = AnalyzeCheckpoints(prepared, options, progress, "curves for plots", cancellation);
        return Finish(runDir, options, prepared.Usable, [.. prepared.Unreadable, .. prepared.Skipped], part.Rows, prepared.Level,
            prepared.LevelBeta, prepared.Bonds0, part.First!, part.Last!, part.LastBonds!, sw);
    }

    internal static void CheckOptions(TrajectoryOptions options)
    {
        if (!(options.BetaMax > 0 && double.IsFinite(options.BetaMax)))
            throw new ArgumentOutOfRangeException(nameof(options), $"beta_max must be finite and positive, got {options.BetaMax}");
        if (options.CurvePoints < 2) throw new ArgumentOutOfRangeException(nameof(options), "at least two curve points");
    }

    /// <summary>
    /// What every shard (and the one-process analysis, shard 0 of 1) knows before analysing its checkpoints: the run's
    /// readable checkpoints in step order, the unreadable ones (with SkipBad), this shard's usable checkpoints and the ones
    /// it left out, the t = 0 network and its curve minimum c_0.
    /// </summary>
    internal sealed record Preparation(IReadOnlyList<Checkpoint> Listed, IReadOnlyList<SkippedCheckpoint> Unreadable,
        IReadOnlyList<Checkpoint> Usable, IReadOnlyList<SkippedCheckpoint> Skipped, BondMatrix Bonds0, double Level, double LevelBeta);

    /// <summary>
    /// Lists the run and checks the weights of the checkpoints of shard <paramref name="shardIndex"/> of
    /// <paramref name="shardCount"/> (the checkpoints k, in step order, with k mod n = i; the t = 0 checkpoint is k = 0),
    /// then computes c_0 from the t = 0 checkpoint. Shard 0 of 1 is the whole run.
    /// </summary>
    internal static Preparation Prepare(string runDir, TrajectoryOptions options, int shardIndex, int shardCount,
        IProgress<TrajectoryProgress>? progress, CancellationToken cancellation)
    {
        var unreadable = new List<SkippedCheckpoint>();
        var skipped = new List<SkippedCheckpoint>();
        IReadOnlyList<Checkpoint> listed;
        if (options.SkipBad)
        {
            listed = RunDirectory.ListCheckpoints(runDir, out var bad);
            unreadable.AddRange(bad);
            if (listed.Count == 0)
                throw new RunDirectoryException(
                    $"none of the {unreadable.Count} checkpoints of run directory '{runDir}' can be read: {Describe(unreadable)}. " +
                    "There is nothing to analyse, even with --skip-bad; restore the checkpoints or train the network again.");
        }
        else
        {
            try { listed = RunDirectory.ListCheckpoints(runDir); }
            catch (WeightFileException e) { throw WithRemedy(e, e.Remedy + " " + SkipHintUnknownStep); }
        }
        var first = listed[0];
        if (!first.IsInitial)
            throw new RunDirectoryException(
                $"run directory '{runDir}' has no t = 0 checkpoint (step 0); its first checkpoint '{first.Path}' is at step {first.Step}, epoch {first.Epoch}. " +
                (unreadable.Count > 0
                    ? $"--skip-bad left out {unreadable.Count} unreadable {(unreadable.Count == 1 ? "file" : "files")} whose step is unknown ({Describe(unreadable)}); if the t = 0 checkpoint is among them, restore it. "
                    : "") +
                "The level c_0 of the corrected transition is the curve minimum of the run's own untrained network; save the network before training as a step-0 checkpoint.");

        // read and check the weights of this shard's checkpoints before the (slow) analysis
        var mine = listed.Where((_, k) => k % shardCount == shardIndex).ToList();
        progress?.Report(new TrajectoryProgress(0, mine.Count, null, $"checking the weights of {mine.Count} checkpoints"));
        BondMatrix bonds0;
        try { bonds0 = Load(first); }
        catch (WeightFileException e) { throw WithRemedy(e, InitialRequired + " " + e.Remedy); }
        var widths0 = bonds0.Widths.ToArray();
        var checkpoints = new List<Checkpoint>();
        if (shardIndex == 0) checkpoints.Add(first);
        foreach (var cp in mine.Where(c => !ReferenceEquals(c, first)))
        {
            cancellation.ThrowIfCancellationRequested();
            IReadOnlyList<int> widths;
            try { widths = RunDirectory.LoadWeights(cp).Widths; }
            catch (WeightFileException e) when (options.SkipBad)
            {
                skipped.Add(new SkippedCheckpoint(cp.Path, e.Problem));
                continue;
            }
            catch (WeightFileException e) { throw WithRemedy(e, e.Remedy + " " + SkipHint); }
            if (!widths.SequenceEqual(widths0))
            {
                string problem = $"has widths {string.Join("-", widths)}, but the t = 0 checkpoint '{first.Path}' has {string.Join("-", widths0)}";
                if (!options.SkipBad)
                    throw new RunDirectoryException(
                        $"checkpoint '{cp.Path}' {problem}. A trajectory follows one network; keep only that run's checkpoints in the folder, or pass --skip-bad to leave this one out.");
                skipped.Add(new SkippedCheckpoint(cp.Path, "it " + problem));
                continue;
            }
            checkpoints.Add(cp);
        }
        if (shardCount == 1) CheckEnoughLeft(runDir, first, checkpoints.Count, [.. unreadable, .. skipped]);

        progress?.Report(new TrajectoryProgress(0, checkpoints.Count, first, "reference curve minimum (t = 0)"));
        CurveMinimum min0;
        try { min0 = NetworkAnalysis.CurveMinimum(bonds0, options.BetaMax, options.Curve); }
        catch (CurveSearchBudgetException e) { throw BudgetSpent(first, e); }
        if (!(min0.Value < 1))
            throw new RunDirectoryException($"the t = 0 checkpoint '{first.Path}' has a flat curve lambda_min(beta) = 1 (no couplings), so there is no level c_0; check that it holds the initial weights.");
        return new Preparation(listed, unreadable, checkpoints, skipped, bonds0, min0.Value, min0.Beta);
    }

    /// <summary>A checkpoint whose curve search spent its budget, as bad input naming the file.</summary>
    static WeightFileException BudgetSpent(Checkpoint cp, CurveSearchBudgetException e) =>
        new(cp.Path, e.Message, "Check the checkpoint for a few weights far larger than the rest (a damaged file or a diverged run).", e);

    /// <summary>With checkpoints left out, at least one after t = 0 must remain.</summary>
    internal static void CheckEnoughLeft(string runDir, Checkpoint first, int usable, IReadOnlyList<SkippedCheckpoint> skipped)
    {
        if (skipped.Count > 0 && usable < 2)
            throw new RunDirectoryException(
                $"only the t = 0 checkpoint '{first.Path}' of run directory '{runDir}' is usable: --skip-bad left out the other {skipped.Count} of {skipped.Count + 1} checkpoints ({Describe(skipped)}). " +
                "A trajectory needs at least one checkpoint after t = 0, so there is nothing to analyse; if the run diverged, train it again with a lower learning rate.");
    }

    /// <summary>The rows of a shard's usable checkpoints, with the full analyses (spectra included) of its first and last one.</summary>
    internal sealed record AnalysedPart(IReadOnlyList<TrajectoryRow> Rows, AnalysisResult? First, AnalysisResult? Last, BondMatrix? LastBonds);

    /// <summary>Analyses the usable checkpoints of <paramref name="prepared"/> with its level c_0, in step order.</summary>
    internal static AnalysedPart AnalyzeCheckpoints(Preparation prepared, TrajectoryOptions options, IProgress<TrajectoryProgress>? progress,
        string nextStage, CancellationToken cancellation)
    {
        var checkpoints = prepared.Usable;
        var first = prepared.Listed[0];
        var widths0 = prepared.Bonds0.Widths.ToArray();
        var analysisOptions = new AnalysisOptions { BetaMax = options.BetaMax, Level = prepared.Level, Curve = options.Curve };
        // lambda_min(R) of the t = 0 network, -max_i d_i, as NetworkAnalysis.Run computes it
        double lmr0 = LambdaMinR(prepared.Bonds0);
        int total = checkpoints.Count;
        var rows = new List<TrajectoryRow>(total);
        AnalysisResult? firstResult = null, last = null;
        BondMatrix? lastBonds = null;
        for (int i = 0; i < total; i++)
        {
            cancellation.ThrowIfCancellationRequested();
            var cp = checkpoints[i];
            progress?.Report(new TrajectoryProgress(i, total, cp, "analysing"));
            var weights = RunDirectory.LoadWeights(cp);
            var bonds = ReferenceEquals(cp, first) ? prepared.Bonds0 : weights.ToBondMatrix();
            var layerPoints = weights.Layers.Select(l => LayerPoint.From(NeuralSpin.Layers.LayerSpectrum.Analyze(l))).ToList();
            // (checked above already; this guards against a file replaced in the meantime)
            if (!bonds.Widths.SequenceEqual(widths0))
                throw new RunDirectoryException(
                    $"checkpoint '{cp.Path}' has widths {string.Join("-", bonds.Widths)}, but the t = 0 checkpoint '{first.Path}' has {string.Join("-", widths0)}. " +
                    "A trajectory follows one network; keep only that run's checkpoints in the folder.");
            AnalysisResult r;
            try { r = NetworkAnalysis.Run(bonds, analysisOptions); }
            catch (CurveSearchBudgetException e) { throw BudgetSpent(cp, e); }
            if (i == 0) firstResult = r;
            if (i == total - 1) { last = r; lastBonds = bonds; }
            double change = lmr0 == 0 ? (r.LambdaMinR == 0 ? 0 : double.NaN) : (r.LambdaMinR - lmr0) / Math.Abs(lmr0);
            rows.Add(new TrajectoryRow(cp.Epoch, cp.Step, cp.ValError, r.Tc, r.TcCorrected, r.CurveMinLambda, r.LambdaMaxJ,
                r.LambdaMinR, change, r.FirstLevelSpacingRatio) { Layers = layerPoints });
        }
        progress?.Report(new TrajectoryProgress(total, total, null, nextStage));
        return new AnalysedPart(rows, firstResult, last, lastBonds);
    }

    /// <summary>lambda_min(R) = -max_i d_i of a network (<see cref="AnalysisResult.LambdaMinR"/>).</summary>
    internal static double LambdaMinR(BondMatrix bonds) => -bonds.RowSquareSums().Max();

    /// <summary>
    /// The result from the rows of every usable checkpoint: the lambda_min(beta) curves of the t = 0 and the last network
    /// for Fig. 5 and the power-law fits.
    /// </summary>
    internal static TrajectoryResult Finish(string runDir, TrajectoryOptions options, IReadOnlyList<Checkpoint> checkpoints,
        IReadOnlyList<SkippedCheckpoint> skipped, IReadOnlyList<TrajectoryRow> rows, double level, double levelBeta, BondMatrix bonds0,
        AnalysisResult initial, AnalysisResult final, BondMatrix finalBonds, Stopwatch sw)
    {
        double betaHi = Math.Min(options.BetaMax, 2 * Math.Max(levelBeta, final.CurveMinBeta));
        if (!(betaHi > 0)) betaHi = options.BetaMax;
        var initialCurve = Sample(bonds0, initial, betaHi, options);
        var finalCurve = rows.Count == 1 ? initialCurve : Sample(finalBonds, final, betaHi, options);

        var ts = rows.Select(r => r.Epoch).ToList();
        double fitFrom = options.FitFrom ?? (rows.Count(r => r.Epoch >= 1 && r.TcCorrected.HasValue) >= 2 ? 1 : 0);
        double fitTo = options.FitTo ?? double.PositiveInfinity;
        var fitCorr = PowerLawFit.TryFit(ts, rows.Select(r => r.TcCorrected ?? double.NaN).ToList(), fitFrom, fitTo, out var noteCorr);
        var fitTc = PowerLawFit.TryFit(ts, rows.Select(r => r.Tc ?? double.NaN).ToList(), fitFrom, fitTo, out var noteTc);

        return new TrajectoryResult
        {
            RunDir = runDir,
            Checkpoints = checkpoints,
            Skipped = skipped,
            Rows = rows,
            Level = level,
            LevelBeta = levelBeta,
            Initial = initial,
            Final = final,
            InitialCurve = initialCurve,
            FinalCurve = finalCurve,
            FitFrom = fitFrom,
            FitTo = fitTo,
            TcCorrectedFit = fitCorr,
            TcCorrectedFitNote = noteCorr,
            TcFit = fitTc,
            TcFitNote = noteTc,
            ElapsedSeconds = sw.Elapsed.TotalSeconds,
        };
    }

    internal static BondMatrix Load(Checkpoint cp) => RunDirectory.LoadWeights(cp).ToBondMatrix();

    const string SkipHint = "To analyse the run without this checkpoint, pass --skip-bad.";

    const string SkipHintUnknownStep =
        "To analyse the run without this file, pass --skip-bad; only the t = 0 checkpoint cannot be left out.";

    const string InitialRequired =
        "It is the run's t = 0 checkpoint (step 0), which cannot be skipped, not even with --skip-bad: " +
        "the level c_0 is the curve minimum of the run's untrained network.";

    static WeightFileException WithRemedy(WeightFileException e, string remedy) => new(e.Path, e.Problem, remedy, e);

    /// <summary>"'path': reason; ..." for at most five checkpoints, then how many more.</summary>
    internal static string Describe(IReadOnlyList<SkippedCheckpoint> skipped)
    {
        const int shown = 5;
        string text = string.Join("; ", skipped.Take(shown).Select(s => $"'{s.Path}': {s.Reason}"));
        return skipped.Count > shown ? $"{text}; and {skipped.Count - shown} more" : text;
    }

    static CurveSample Sample(BondMatrix bonds, AnalysisResult r, double betaHi, TrajectoryOptions options) =>
        NetworkAnalysis.SampleCurve(bonds, r.SpectrumJ, betaHi, options.CurvePoints, options.Curve);
}
