using System.Diagnostics;
using NeuralSpin.BinaryNets;
using NeuralSpin.Ising;
using NeuralSpin.Ising.Inverse;
using NeuralSpin.Numerics;
using NeuralSpin.Reporting;
using NeuralSpin.Training;

namespace NeuralSpin.Reproduction;

/// <summary>Input of <see cref="Paper2Stages.Ensemble"/>.</summary>
/// <param name="Data">Training and test data with the network's input width (PCA-20 MNIST in the reproduction); the setting takes its
/// training images from it (<see cref="Paper2Collection.DataOf"/>).</param>
/// <param name="Setting">The ensemble: network, training images, epochs, threshold, seed stream.</param>
public sealed record Paper2EnsembleInput(TrainingData Data, Paper2Setting Setting);

/// <summary>Result of <see cref="Paper2Stages.Ensemble"/>.</summary>
/// <param name="Info">What the collection gave (sizes, threshold used, accuracies, note), as the report shows it.</param>
/// <param name="Weights">The kept configurations, one row of N = <c>LrNet.WeightCountOf(Widths)</c> weights (±1) each.</param>
/// <param name="Accuracies">Their test accuracies, one per row.</param>
/// <param name="Widths">Layer widths of the network.</param>
/// <param name="Seconds">Wall time of the stage.</param>
public sealed record Paper2EnsembleStageResult(Paper2Ensemble Info, sbyte[] Weights, double[] Accuracies, int[] Widths, double Seconds);

/// <summary>The reference configuration of an ensemble (<see cref="Paper2Stages.Reference"/>).</summary>
/// <param name="Index">Its row in the ensemble.</param>
/// <param name="Weights">The whole network's weights.</param>
/// <param name="Accuracy">Its test accuracy.</param>
public sealed record Paper2Reference(int Index, sbyte[] Weights, double Accuracy);

/// <summary>Input of <see cref="Paper2Stages.Fit"/>.</summary>
/// <param name="Part">The block of weights to model.</param>
/// <param name="Ensemble">The ensemble of the part's architecture.</param>
/// <param name="Fitted">Parts fitted before, with their models (the warm start of a part that they tile, <see cref="Paper2Pipeline.WarmStart"/>).</param>
public sealed record Paper2FitInput(Paper2Part Part, Paper2EnsembleStageResult Ensemble, IReadOnlyList<(Paper2Part Part, IsingModel Model)> Fitted);

/// <summary>Result of <see cref="Paper2Stages.Fit"/>.</summary>
/// <param name="Model">The fitted Ising model of the part's spins (beta = 1).</param>
/// <param name="Samples">Configurations the fit used (the ensemble thinned evenly to at most <see cref="Paper2Options.MaxFitSamples"/>).</param>
/// <param name="Converged">Every spin's fit met the gradient tolerance within its budget (true for a model read from the cache).</param>
/// <param name="Reused">The model was read from the cache directory instead of fitted.</param>
/// <param name="Seconds">Wall time of the stage.</param>
public sealed record Paper2FitStageResult(IsingModel Model, int Samples, bool Converged, bool Reused, double Seconds);

/// <summary>
/// The computing stages of the paper-2 reproduction (docs/theory.md section 7), each a function of its inputs and the
/// <see cref="Paper2Options"/>: <see cref="Ensemble"/> (binary networks of high test accuracy), <see cref="Fit"/> (the effective
/// Ising model of a part by pseudolikelihood), <see cref="Landscape"/>, <see cref="Tap"/> and <see cref="Dynamics"/> (the stages
/// shared with the published-models reproduction, <see cref="LandscapeStage"/>, <see cref="TapStage"/>, <see cref="DynamicsStage"/>,
/// with paper 2's settings), and <see cref="PartResult"/>, which puts a part's results together. The verdicts are
/// <see cref="Paper2Verdicts"/>, the files <see cref="Paper2Files"/>; <see cref="Paper2Pipeline.Compute"/> runs the stages in order.
/// A stage writes nothing, except that with a cache directory the ensemble and fit stages reuse and store their products there.
/// </summary>
public static class Paper2Stages
{
    /// <summary>
    /// The ensemble stage (P2 sec. II and App. A; docs/theory.md section 7, "The binary networks behind the ensembles" and
    /// "Collection rule"): <see cref="Paper2Options.Trainings"/> LR-net trainings from random starts (the lane kernel,
    /// <see cref="LrNetLaneTrainer"/>), collected in chunks (<see cref="Paper2Collection"/>: stored in the cache directory as they
    /// finish and read on a rerun), <see cref="Paper2Options.SamplesPerTraining"/> binary networks drawn from each trained set of
    /// fields, of which the training's best <see cref="Paper2Options.KeepPerTraining"/> (by default its single best) are kept if they
    /// reach the setting's threshold; a training whose best draw misses it contributes nothing. When fewer than
    /// <see cref="Paper2Options.MinKept"/> candidates reach it, the threshold is lowered to the accuracy of the MinKept-th best candidate
    /// (stated in the note). With <paramref name="cacheDir"/>, the finished ensemble is read from <c>ensemble-SETTING.bin</c> there when
    /// present, else written there (<see cref="Paper2Pipeline.WriteEnsemble"/>). <paramref name="progress"/> receives fractions of this stage.
    /// </summary>
    public static Paper2EnsembleStageResult Ensemble(Paper2EnsembleInput input, Paper2Options options, string? cacheDir = null,
        IProgress<Paper2Progress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(options);
        var sw = Stopwatch.StartNew();
        var setting = input.Setting;
        string arch = setting.Name;
        var widths = setting.Widths.ToArray();
        double threshold = setting.Threshold;
        int n = LrNet.WeightCountOf(widths);
        int images = setting.TrainImages ?? options.TrainSubset ?? input.Data.TrainCount;
        string? path = cacheDir is null ? null : Path.Combine(cacheDir, $"ensemble-{arch}.bin");
        if (path is not null && File.Exists(path))
        {
            var (cw, cacc, cnote) = Paper2Pipeline.ReadEnsemble(path, n);
            var reused = new Paper2Ensemble(arch, widths, options.Trainings, -1, cacc.Length, double.NaN, cacc.Average(), double.NaN, 0, cnote, true)
            {
                KeptAccuracyMin = cacc.Min(), KeptAccuracyMedian = Median(cacc), KeptAccuracyMax = cacc.Max(),
                TrainImages = images, Epochs = setting.Epochs, NominalThreshold = threshold,
            };
            progress?.Report(new Paper2Progress("ensemble", 1, $"ensemble {arch}: reused {cacc.Length} configurations from {path}"));
            return new Paper2EnsembleStageResult(reused, cw, cacc, widths, sw.Elapsed.TotalSeconds);
        }
        // P2 sec. II: per training, draw binary networks from the trained fields and keep the best one if it reaches the
        // threshold. The chunks hold each training's best KeepPerTraining draws (the candidates); the threshold is applied
        // here, so that a shortfall can be reported and handled.
        var summary = Paper2Collection.Collect(input.Data, setting, options, cacheDir, 0, 1, out var chunks, progress, cancellationToken);
        if (chunks.Count != summary.Chunks) throw new InvalidOperationException($"{summary.Chunks - chunks.Count} chunks of the {arch} ensemble are missing after its collection");
        int total = chunks.Sum(c => c.Candidates.Count);
        var candAcc = new double[total];
        var candTraining = new int[total];
        int row = 0;
        foreach (var c in chunks)
            for (int k = 0; k < c.Candidates.Count; k++, row++) { candAcc[row] = c.Candidates.Accuracy(k); candTraining[row] = c.Candidates.TrainingIndex(k); }
        long drawn = chunks.Sum(c => c.Drawn);
        double drawnSum = chunks.Sum(c => c.DrawnAccuracySum), meanNetSum = chunks.Sum(c => c.MeanNetworkAccuracySum);
        int reached = chunks.Sum(c => Paper2Collection.Reached(c.Candidates, threshold));
        double bestDraw = total > 0 ? candAcc.Max() : double.NaN;
        double used = threshold;
        int pass = candAcc.Count(a => a >= threshold);
        int k1 = options.KeepPerTraining;
        string rule = k1 == 1
            ? FormattableString.Invariant($"each training's best of {options.SamplesPerTraining} draws, kept if at or above it: {reached} of {options.Trainings} trainings reached it, the other {options.Trainings - reached} contribute nothing")
            : FormattableString.Invariant($"the best {k1} of {options.SamplesPerTraining} draws per training at or above it; {reached} of {options.Trainings} trainings reached it");
        string note = FormattableString.Invariant($"threshold {threshold:F3} on the test accuracy; {rule}");
        int minKept = Math.Min(options.MinKept, total);
        if (pass < minKept)
        {
            used = candAcc.OrderDescending().ElementAt(minKept - 1);
            note = FormattableString.Invariant($"only {pass} candidates (the best {(k1 == 1 ? "draw" : $"{k1} draws")} of each of {options.Trainings} trainings) reached the threshold {threshold:F3} (best draw {bestDraw:F4}); the threshold was lowered to {used:F4}, the accuracy of the {minKept}-th best of the {total} per-training candidates");
        }
        var keptRows = Enumerable.Range(0, total).Where(r => candAcc[r] >= used).ToArray();
        var w = new sbyte[(long)keptRows.Length * n];
        var acc = new double[keptRows.Length];
        int next = 0, offset = 0;
        foreach (var c in chunks)
        {
            int end = offset + c.Candidates.Count;
            for (; next < keptRows.Length && keptRows[next] < end; next++)
            {
                c.Candidates.Get(keptRows[next] - offset, w.AsSpan((int)((long)next * n), n));
                acc[next] = candAcc[keptRows[next]];
            }
            offset = end;
        }
        if (path is not null) Paper2Pipeline.WriteEnsemble(path, n, w, acc, note);
        var info = new Paper2Ensemble(arch, widths, options.Trainings, drawn, acc.Length, used, acc.Average(), drawn > 0 ? drawnSum / drawn : double.NaN,
            sw.Elapsed.TotalSeconds, note, false)
        {
            KeptAccuracyMin = acc.Min(), KeptAccuracyMedian = Median(acc), KeptAccuracyMax = acc.Max(),
            Contributing = keptRows.Select(r => candTraining[r]).Distinct().Count(),
            TrainImages = images, Epochs = setting.Epochs, NominalThreshold = threshold, Reached = reached,
            MeanNetworkAccuracy = options.Trainings > 0 ? meanNetSum / options.Trainings : double.NaN,
            ChunksReused = summary.Reused, Chunks = summary.Chunks,
        };
        return new Paper2EnsembleStageResult(info, w, acc, widths, sw.Elapsed.TotalSeconds);
    }

    /// <summary>The reference configuration of an ensemble: the kept member of median test accuracy (ties by row).</summary>
    public static Paper2Reference Reference(Paper2EnsembleStageResult ensemble)
    {
        ArgumentNullException.ThrowIfNull(ensemble);
        var acc = ensemble.Accuracies;
        var order = Enumerable.Range(0, acc.Length).OrderBy(i => acc[i]).ThenBy(i => i).ToArray();
        int r = order[order.Length / 2];
        int n = LrNet.WeightCountOf(ensemble.Widths);
        return new Paper2Reference(r, ensemble.Weights.AsSpan(r * n, n).ToArray(), acc[r]);
    }

    /// <summary>The rows of an ensemble of <paramref name="count"/> configurations that enter a fit: at most <paramref name="max"/>,
    /// evenly spaced (row k * count / take for k &lt; take).</summary>
    public static int[] ThinnedRows(int count, int max)
    {
        int take = Math.Min(count, max);
        return Enumerable.Range(0, take).Select(k => (int)((long)k * count / take)).ToArray();
    }

    /// <summary>
    /// The fit stage (P2 21-22; docs/theory.md section 7, "Pseudolikelihood"): the part's weights of the ensemble, thinned evenly to
    /// <see cref="Paper2Options.MaxFitSamples"/> configurations, fitted by L2-penalised pseudolikelihood (<see cref="PseudoLikelihood"/>,
    /// <see cref="Paper2Options.PlL2"/>), warm-started from the parts fitted before that tile it (<see cref="Paper2Pipeline.WarmStart"/>:
    /// the whole deep network from its layers). With <paramref name="cacheDir"/>, the model is read from <c>models/NAME.npz</c> there
    /// when present, else written there. <paramref name="progress"/> receives fractions of this stage.
    /// </summary>
    public static Paper2FitStageResult Fit(Paper2FitInput input, Paper2Options options, string? cacheDir = null, IProgress<Paper2Progress>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(options);
        var sw = Stopwatch.StartNew();
        var part = input.Part;
        var rows = ThinnedRows(input.Ensemble.Accuracies.Length, options.MaxFitSamples);
        string? modelPath = cacheDir is null ? null : Path.Combine(cacheDir, "models", $"{part.Name}.npz");
        if (modelPath is not null && File.Exists(modelPath))
        {
            var cached = IsingModelFile.Read(modelPath);
            progress?.Report(new Paper2Progress("fit", 0.2, $"{part.Name}: reused the fitted model {modelPath}"));
            return new Paper2FitStageResult(cached, rows.Length, true, true, sw.Elapsed.TotalSeconds);
        }
        int nAll = LrNet.WeightCountOf(input.Ensemble.Widths);
        var w = input.Ensemble.Weights;
        var sub = new sbyte[(long)rows.Length * part.Count];
        for (int k = 0; k < rows.Length; k++) Array.Copy(w, (long)rows[k] * nAll + part.Offset, sub, (long)k * part.Count, part.Count);
        var warm = Paper2Pipeline.WarmStart(part, input.Fitted);
        progress?.Report(new Paper2Progress("fit", 0, $"{part.Name}: pseudolikelihood fit, {part.Count} spins, {rows.Length} configurations{(warm is null ? "" : ", warm-started from the layers' fits")}"));
        var fit = PseudoLikelihood.Fit(sub, part.Count, new PlOptions(L2: options.PlL2, MaxIterations: warm is null ? options.PlMaxIterations : options.PlWarmMaxIterations, Threads: options.Threads, Initial: warm));
        if (modelPath is not null)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(modelPath)!);
            IsingModelFile.Write(modelPath, fit.Model);
        }
        return new Paper2FitStageResult(fit.Model, rows.Length, fit.Converged, false, sw.Elapsed.TotalSeconds);
    }

    /// <summary>
    /// The landscape stage of a part (<see cref="LandscapeStage"/> with paper 2's settings; docs/theory.md section 7, "Entropy
    /// landscape"): around <paramref name="reference"/> (the part's spins of the reference), BP up and down the grid
    /// <see cref="Paper2Options.LandscapeXs"/> (damping <see cref="Paper2Options.BpDamping"/>, tolerance <see cref="Paper2Options.BpTolerance"/>,
    /// at most <see cref="Paper2Options.BpMaxIterations"/> sweeps per point, <see cref="Paper2Options.BpTotalMessageUpdates"/> in all), its
    /// jumps refined with half the sweeps per point, the annealed MC landscape always (its seed from <paramref name="partIndex"/>, the
    /// part's position in <see cref="Paper2Pipeline.Parts"/>), anchored by one BP solve at the largest x when no BP point converged.
    /// </summary>
    public static LandscapeStageResult Landscape(IsingModel model, sbyte[] reference, Paper2Part part, int partIndex, Paper2Options options)
    {
        ArgumentNullException.ThrowIfNull(part);
        ArgumentNullException.ThrowIfNull(options);
        var bp = new BpOptions { Tolerance = options.BpTolerance, MaxIterations = options.BpMaxIterations, Damping = options.BpDamping };
        var lo = LandscapeStage.Options(bp, options.BpStuckIterations, options.BpDamping, options.BpTotalMessageUpdates, part.Count, options.LandscapeXs.Count);
        var mc = new McLandscapeOptions
        {
            BurnInSweeps = options.McLandscapeBurnIn, MeasureSweeps = options.McLandscapeMeasure, JumpThreshold = LandscapeVerdict.JumpThreshold,
            Seed = unchecked((int)Seeds.Stream(options.Seed, 51UL + (ulong)partIndex)),
        };
        return LandscapeStage.Run(new LandscapeStageInput(model, reference, part.Name, options.LandscapeXs, lo, mc)
        {
            Refine = lo with { Bp = bp with { MaxIterations = Math.Max(1, options.BpMaxIterations / 2) } },
            AlwaysMc = true,
            AnchorAtLargestX = true,
        });
    }

    /// <summary>The TAP stage of a part (<see cref="TapStage"/>; docs/theory.md section 7, "TAP free-energy distribution"):
    /// <see cref="Paper2Options.TapStarts"/> random starts of at most <see cref="Paper2Options.TapMaxIterations"/> iterations (seed from
    /// <paramref name="partIndex"/>).</summary>
    public static TapStageResult Tap(IsingModel model, int partIndex, Paper2Options options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return TapStage.Run(model, TapStage.Options(options.TapStarts, options.TapMaxIterations, unchecked((int)Seeds.Stream(options.Seed, 31UL + (ulong)partIndex))));
    }

    /// <summary>The dynamics stage of a part (<see cref="DynamicsStage"/>; docs/theory.md section 7, "Monte Carlo dynamics from a
    /// reference"): <see cref="Paper2Options.McSweeps"/> heat-bath sweeps of the part's model from the reference, recorded every
    /// <see cref="Paper2Options.McRecordEvery"/>, observing the test accuracy of the whole network on <paramref name="testSet"/> with
    /// the weights outside the part held at the reference (seed from <paramref name="partIndex"/>).</summary>
    public static DynamicsStageResult Dynamics(IsingModel model, Paper2Part part, int partIndex, int[] widths, Paper2Reference reference,
        TestExamples testSet, Paper2Options options)
    {
        ArgumentNullException.ThrowIfNull(part);
        ArgumentNullException.ThrowIfNull(reference);
        ArgumentNullException.ThrowIfNull(options);
        return DynamicsStage.Run(new DynamicsStageInput(model, part.Offset, widths, reference.Weights, testSet, new McDynamicsOptions
        {
            Sweeps = options.McSweeps, RecordEvery = options.McRecordEvery,
            Seed = unchecked((int)Seeds.Stream(options.Seed, 41UL + (ulong)partIndex)),
        }));
    }

    /// <summary>A part's results put together: the fit's size and the model's largest |h| and mean |J|, the reference's accuracy and
    /// energy per spin, the landscape with its summaries (largest BP hysteresis at converged points, coarse and refined; non-converged
    /// BP points; the refinement of the largest jump), s, d and the bound at x = 0, the TAP search and the dynamics trace.</summary>
    public static Paper2PartResult PartResult(Paper2Part part, Paper2FitStageResult fit, Paper2Reference reference, LandscapeStageResult landscape,
        TapStageResult tap, DynamicsStageResult dynamics, double seconds)
    {
        ArgumentNullException.ThrowIfNull(part);
        ArgumentNullException.ThrowIfNull(fit);
        ArgumentNullException.ThrowIfNull(reference);
        ArgumentNullException.ThrowIfNull(landscape);
        ArgumentNullException.ThrowIfNull(tap);
        ArgumentNullException.ThrowIfNull(dynamics);
        var model = fit.Model;
        var refSpins = reference.Weights.AsSpan(part.Offset, part.Count).ToArray();
        double refEnergy = model.Energy(refSpins) / part.Count;
        var sweep = landscape.Bp;
        double hyst = 0;
        int nonConv = 0;
        for (int k = 0; k < sweep.Up.Count; k++)
        {
            if (!sweep.Up[k].Converged) nonConv++;
            if (!sweep.Down[k].Converged) nonConv++;
            if (sweep.Up[k].Converged && sweep.Down[k].Converged) hyst = Math.Max(hyst, Math.Abs(sweep.Up[k].Distance - sweep.Down[k].Distance));
        }
        var largest = landscape.Refinements.OrderByDescending(r => r.CoarseJump).FirstOrDefault();
        double refined = largest?.FinestStep ?? double.NaN, refinedConverged = largest?.ConvergedFraction ?? double.NaN;
        foreach (var r in landscape.Refinements) hyst = Math.Max(hyst, r.Hysteresis);
        var j = model.Couplings;
        double meanAbsJ = 0;
        for (int i = 0; i < j.Length; i++) meanAbsJ += Math.Abs(j[i]);
        meanAbsJ /= Math.Max(1, (double)part.Count * (part.Count - 1));
        double maxH = 0;
        for (int i = 0; i < part.Count; i++) maxH = Math.Max(maxH, Math.Abs(model.Field(i)));
        double d0 = landscape.DistanceAtZero;
        return new Paper2PartResult(part, fit.Samples, fit.Converged, fit.Seconds, maxH, meanAbsJ, reference.Accuracy, refEnergy, sweep, hyst, nonConv,
            landscape.EntropyAtZero, d0, EntropyLandscape.BinaryEntropy(d0), tap.Search, dynamics.Trace, seconds, refined, refinedConverged, landscape.Mc,
            landscape.Refinements);
    }

    static double Median(double[] v)
    {
        if (v.Length == 0) return double.NaN;
        var s = v.Order().ToArray();
        return s.Length % 2 == 1 ? s[s.Length / 2] : 0.5 * (s[s.Length / 2 - 1] + s[s.Length / 2]);
    }
}
