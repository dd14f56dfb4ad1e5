using NeuralSpin.Numerics;
using System.Diagnostics;
using NeuralSpin.BinaryNets;
using NeuralSpin.IO;
using NeuralSpin.Ising;
using NeuralSpin.Reporting;
using NeuralSpin.Training;

namespace NeuralSpin.Reproduction;

/// <summary>Sizes and settings of the paper-2 pipeline.</summary>
public sealed record Paper2Options
{
    /// <summary>"quick", "full" or "toy" (shown in the report).</summary>
    public string Mode { get; init; } = "quick";
    /// <summary>
    /// LR-net trainings (random starts, P2's "sampling trials") of each ensemble: the deep network on the whole training set,
    /// the deep network on <see cref="OverParamTrainImages"/> images and the shallow network (docs/theory.md section 7,
    /// "Collection rule").
    /// </summary>
    public int Trainings { get; init; } = 10_000;
    /// <summary>Layer widths of the deep network (P2's 20-15-15-10); its parts are its layers and, with <see cref="FitFullDeep"/>, all its weights.</summary>
    public IReadOnlyList<int> DeepWidths { get; init; } = LrNetTrainingOptions.Deep;
    /// <summary>Layer widths of the shallow network (P2's 20-10); one part, all its weights.</summary>
    public IReadOnlyList<int> ShallowWidths { get; init; } = LrNetTrainingOptions.Shallow;
    /// <summary>
    /// Trainings handed to the lane kernel at a time (<see cref="LrNetLaneTrainer"/>; the ensembles do not depend on it), each such
    /// group stored as one chunk of the collection (<see cref="Paper2Collection"/>): a rerun or another process skips the stored
    /// chunks, so an interrupted collection continues from its last finished chunk.
    /// </summary>
    public int TrainingsPerGroup { get; init; } = 500;
    /// <summary>K, the binary networks drawn from each trained set of fields (the authors' script reports the best test accuracy of 50
    /// draws after a training; <see cref="EnsembleOptions.DefaultSamplesPerTraining"/>).</summary>
    public int SamplesPerTraining { get; init; } = EnsembleOptions.DefaultSamplesPerTraining;
    /// <summary>
    /// At most this many draws of each training are kept: its best ones at or above the threshold. 1 is P2's rule, "the one with
    /// the optimal test accuracy" per trial: one configuration per training, and none from a training whose best draw misses the
    /// threshold. More than 1 makes each training contribute a cluster of draws from one product measure.
    /// </summary>
    public int KeepPerTraining { get; init; } = 1;
    /// <summary>Epochs of each training on the whole training set (the deep under-parameterized and the shallow ensembles).</summary>
    public int Epochs { get; init; } = 8;
    /// <summary>Training subset per training for the deep and shallow ensembles on the whole set (null: all of the training set; a
    /// seeded subset per training otherwise, for short test runs).</summary>
    public int? TrainSubset { get; init; }
    /// <summary>
    /// Training images of the over-parameterized deep ensemble: the first this many of the training set, the same for every
    /// training (the authors' deep LR-net script trains on the first 500 images, fewer than the 675 weights; docs/theory.md
    /// section 7, "Collection rule"); null: no over-parameterized ensemble.
    /// </summary>
    public int? OverParamTrainImages { get; init; } = 500;
    /// <summary>Epochs of each over-parameterized training (200, as the authors' script; 5 mini-batches per epoch at 500 images).</summary>
    public int OverParamEpochs { get; init; } = 200;
    /// <summary>Adam learning rate of the LR-net training.</summary>
    public double LearningRate { get; init; } = 0.1;
    /// <summary>Strength lambda of the L2 penalty lambda sum theta^2 on the fields during training (P2 App. D).</summary>
    public double L2 { get; init; } = 1e-4;
    /// <summary>Mini-batch size of the training.</summary>
    public int BatchSize { get; init; } = 100;
    /// <summary>Keep drawn networks of the deep 20-15-15-10 network with test accuracy at least this.</summary>
    public double AccuracyThresholdDeep { get; init; } = 0.80;
    /// <summary>The shallow 20-10 network's threshold: its binary networks top out near 0.74 on PCA-20 MNIST, so P2's deep
    /// threshold is out of reach and a lower one applies (P2 App. D sets a separate threshold for the shallow scenario).</summary>
    public double AccuracyThresholdShallow { get; init; } = 0.72;
    /// <summary>The over-parameterized deep network's threshold: the authors' published over-parameterized reference
    /// configurations have test accuracies 0.701-0.751 (the under-parameterized ones 0.802-0.831), so 0.70.</summary>
    public double AccuracyThresholdOverParam { get; init; } = 0.70;
    /// <summary>If fewer than this many configurations pass the threshold, the threshold is lowered to the accuracy of the
    /// <see cref="MinKept"/>-th best per-training candidate (stated in the report).</summary>
    public int MinKept { get; init; } = 200;
    /// <summary>At most this many kept configurations enter a pseudolikelihood fit (evenly thinned). The quick schedule's 6,000 keeps
    /// its fits (whose cost grows with the configurations) within its time budget; the full schedule fits all it keeps.</summary>
    public int MaxFitSamples { get; init; } = 6_000;
    /// <summary>L2 penalty of the pseudolikelihood fit.</summary>
    public double PlL2 { get; init; } = 1e-3;
    /// <summary>Iteration budget per spin of the fit.</summary>
    public int PlMaxIterations { get; init; } = 1000;
    /// <summary>Iteration budget per spin of a warm-started fit (the full deep network from its layers' fits); whether every
    /// spin met the tolerance within it is reported.</summary>
    public int PlWarmMaxIterations { get; init; } = 1000;
    /// <summary>Also fit and analyse the whole deep network (675 spins); its pseudolikelihood fit is warm-started from the
    /// three layers' fits (block-diagonal couplings, their fields).</summary>
    public bool FitFullDeep { get; init; } = true;
    /// <summary>Coupling-field grid of the entropy landscape (strictly increasing, includes 0).</summary>
    public IReadOnlyList<double> LandscapeXs { get; init; } = Grid(-1.0, 3.0, 0.1);
    /// <summary>BP iteration budget per landscape point (non-converged points are counted and reported).</summary>
    public int BpMaxIterations { get; init; } = 400;
    /// <summary>BP damping of the landscape points (and of the points after a non-converged one).</summary>
    public double BpDamping { get; init; } = 0.5;
    /// <summary>BP convergence tolerance of the landscape points (largest change of a cavity field in a sweep).</summary>
    public double BpTolerance { get; init; } = 1e-8;
    /// <summary>BP budget of a point that follows a non-converged one (random sequential updates, damping <see cref="BpDamping"/>), so that a
    /// region without a stable BP fixed point costs a bounded amount of work while BP can still recover beyond it.</summary>
    public int BpStuckIterations { get; init; } = 150;
    /// <summary>BP work allowed for one part's landscape, in message updates (a sweep updates the N(N-1) directed edges): the
    /// coarse up and down sweeps get this, the refined grid half of it; later points run on <see cref="BpStuckIterations"/>.
    /// 3e8 is 3,350 sweeps of the 300-spin input layer and 660 of the 675-spin network (about a minute each on a loaded 2-core machine).</summary>
    public long BpTotalMessageUpdates { get; init; } = 300_000_000;
    /// <summary>MC landscape: heat-bath sweeps discarded at each x (annealed from the previous x).</summary>
    public int McLandscapeBurnIn { get; init; } = 200;
    /// <summary>MC landscape: sweeps measured at each x (20 batches for the error bars).</summary>
    public int McLandscapeMeasure { get; init; } = 1000;
    /// <summary>TAP iteration budget per start.</summary>
    public int TapMaxIterations { get; init; } = 1000;
    /// <summary>Random starts of the TAP fixed-point search.</summary>
    public int TapStarts { get; init; } = 60;
    /// <summary>Monte-Carlo sweeps from the reference.</summary>
    public int McSweeps { get; init; } = 300;
    /// <summary>Record every this many sweeps.</summary>
    public int McRecordEvery { get; init; } = 10;
    /// <summary>Master seed.</summary>
    public long Seed { get; init; } = 1;
    /// <summary>Threads of the lane kernel's trainings and draws and of the pseudolikelihood fit (0: all processors); the ensembles do not depend on it.</summary>
    public int Threads { get; init; }

    /// <summary>
    /// The quick schedule: 10,000 trainings per ensemble, one configuration each. Estimated at most 40 min on two whole cores
    /// (REPRODUCE.md, paper 2): about 19 min of collection at the lane kernel's measured rate (14 deep trainings per second;
    /// the shallow and over-parameterized trainings cost a third of a deep one) and about 18 min of fits and analyses.
    /// </summary>
    public static Paper2Options Quick { get; } = new();

    /// <summary>A larger schedule: 100,000 trainings per ensemble trained as in <see cref="Quick"/> (about 3.2 h of collection
    /// on two cores), every kept configuration fitted, longer landscape, TAP and MC schedules (several hours more).</summary>
    public static Paper2Options Full { get; } = new()
    {
        Mode = "full", Trainings = 100_000, TrainingsPerGroup = 1000, MaxFitSamples = 200_000, FitFullDeep = true,
        TapStarts = 200, McSweeps = 2000, McRecordEvery = 20, LandscapeXs = Grid(-1.0, 3.0, 0.025), BpMaxIterations = 3000, TapMaxIterations = 2000,
        BpTotalMessageUpdates = 5_000_000_000, McLandscapeBurnIn = 500, McLandscapeMeasure = 2000,
    };

    /// <summary>Grid lo, lo + step, ..., hi (rounded to 1e-9).</summary>
    public static double[] Grid(double lo, double hi, double step)
    {
        int n = (int)Math.Round((hi - lo) / step) + 1;
        return Enumerable.Range(0, n).Select(k => Math.Round(lo + k * step, 9)).ToArray();
    }
}

/// <summary>An analysed block of weights: an architecture and a range of its weight vector.</summary>
/// <param name="Name">Short name (shallow, deep-input, deep-middle, deep-output, deep-full).</param>
/// <param name="Architecture">"deep" or "shallow".</param>
/// <param name="Offset">First weight index.</param>
/// <param name="Count">Number of weights (spins).</param>
/// <param name="Label">Description for the report.</param>
public sealed record Paper2Part(string Name, string Architecture, int Offset, int Count, string Label);

/// <summary>What the collection of one ensemble gave (<see cref="Paper2Stages.Ensemble"/>); <paramref name="Architecture"/> is the
/// setting's name (<see cref="Paper2Setting.Name"/>: deep, deep-over or shallow), <paramref name="Threshold"/> the threshold used
/// (<see cref="NominalThreshold"/> unless it was lowered).</summary>
public sealed record Paper2Ensemble(string Architecture, int[] Widths, int Trainings, long Drawn, long Kept, double Threshold,
    double MeanKeptAccuracy, double MeanDrawnAccuracy, double Seconds, string Note, bool Resumed)
{
    /// <summary>Lowest test accuracy among the kept configurations.</summary>
    public double KeptAccuracyMin { get; init; } = double.NaN;
    /// <summary>Median test accuracy of the kept configurations.</summary>
    public double KeptAccuracyMedian { get; init; } = double.NaN;
    /// <summary>Highest test accuracy among the kept configurations.</summary>
    public double KeptAccuracyMax { get; init; } = double.NaN;
    /// <summary>Trainings with at least one kept configuration (-1: unknown, e.g. a reused ensemble).</summary>
    public int Contributing { get; init; } = -1;
    /// <summary>Training images each training saw.</summary>
    public int TrainImages { get; init; }
    /// <summary>Epochs of each training.</summary>
    public int Epochs { get; init; }
    /// <summary>The setting's threshold before any lowering.</summary>
    public double NominalThreshold { get; init; } = double.NaN;
    /// <summary>Trainings whose best draw reached <see cref="NominalThreshold"/> (-1: unknown, e.g. a reused ensemble).</summary>
    public int Reached { get; init; } = -1;
    /// <summary>Mean test accuracy of the trained mean networks (NaN: unknown).</summary>
    public double MeanNetworkAccuracy { get; init; } = double.NaN;
    /// <summary>Chunks of the collection, and how many of them were read from an earlier run (<see cref="Paper2Collection"/>).</summary>
    public int Chunks { get; init; }
    /// <summary>Chunks read from an earlier (interrupted or sharded) run instead of collected.</summary>
    public int ChunksReused { get; init; }
}

/// <summary>Everything computed on one part (<see cref="Paper2Stages.PartResult"/>); its landscape verdict is <see cref="Paper2Verdicts.Landscape"/>.</summary>
public sealed record Paper2PartResult(Paper2Part Part, int FitSamples, bool FitConverged, double FitSeconds, double MaxAbsField, double MeanAbsCoupling,
    double ReferenceAccuracy, double ReferenceEnergyPerSpin, LandscapeSweep Landscape, double ConvergedHysteresis, int NonConvergedPoints,
    double EntropyAtZero, double DistanceAtZero, double BoundAtZero, TapFixedPointsResult Tap, IReadOnlyList<McDynamicsPoint> Mc, double AnalysisSeconds,
    double RefinedJump = double.NaN, double RefinedConvergedFraction = double.NaN, McLandscapeSweep? McLandscape = null,
    IReadOnlyList<LandscapeRefinement>? Refinements = null);

/// <summary>The whole outcome (<see cref="Paper2Pipeline.Compute"/>): the options, the PCA's explained variance, the ensembles, every
/// part's results, wall times per stage and the total; the verdicts follow from it (<see cref="Paper2Verdicts.Run"/>).</summary>
public sealed record Paper2Result(Paper2Options Options, double PcaExplained, IReadOnlyList<Paper2Ensemble> Ensembles,
    IReadOnlyList<Paper2PartResult> Parts, IReadOnlyDictionary<string, double> StageSeconds, TimeSpan Elapsed);

/// <summary>Progress of the pipeline: the stage, the fraction of the whole run done and a message.</summary>
public sealed record Paper2Progress(string Stage, double Fraction, string Message);

/// <summary>
/// Reproduces Zou and Huang (P2; docs/theory.md section 7): ensembles of binary networks of high test accuracy (LR-net trainings
/// from random starts, each training's best draw kept if it reaches an accuracy threshold) for the deep network under- and
/// over-parameterized and the shallow network, effective Ising models by pseudolikelihood for the shallow network, each deep
/// ensemble's three layers and whole network, entropy landscapes by BP and by annealed MC
/// (<see cref="McLandscape"/>), TAP free-energy distributions and Monte-Carlo dynamics.
/// The work is done by stages, each a function of its inputs and the options: <see cref="Paper2Stages"/> (ensemble, fit,
/// landscape, TAP, dynamics), <see cref="Paper2Verdicts"/> (verdicts) and <see cref="Paper2Files"/> (files). <see cref="Compute"/>
/// runs the computing stages and writes nothing (unless given a cache directory for the ensembles and fitted models);
/// <see cref="Run"/> is <see cref="Compute"/> with the output directory as the cache, then the files stage. Ensembles, their
/// collections' chunks (<see cref="Paper2Collection"/>) and fitted models found in the cache are reused (resumable);
/// <see cref="Collect"/> runs only the collections, or one shard of them.
/// </summary>
public static class Paper2Pipeline
{
    /// <summary>|d_up - d_down| above this at converged points counts as hysteresis (<see cref="LandscapeVerdict.HysteresisTolerance"/>).</summary>
    public const double HysteresisTolerance = LandscapeVerdict.HysteresisTolerance;

    /// <summary>Verdict rule constants, defined once in <see cref="LandscapeVerdict"/>.</summary>
    public const double LoopSigmas = LandscapeVerdict.LoopSigmas, MinLoopGap = LandscapeVerdict.MinLoopGap, JumpThreshold = LandscapeVerdict.JumpThreshold;

    /// <summary>The analysed parts for the deep 20-15-15-10 and shallow 20-10 architectures (generalised to any widths): the shallow
    /// network, the deep network's layers (deep-input, deep-middle, deep-output) and with <paramref name="fullDeep"/> all its weights
    /// (deep-full); with <paramref name="overParam"/> the same deep parts again for the over-parameterized ensemble (deep-over-input, ...,
    /// deep-over-full), after those of the under-parameterized one.</summary>
    public static IReadOnlyList<Paper2Part> Parts(IReadOnlyList<int> deep, IReadOnlyList<int> shallow, bool fullDeep, bool overParam = false)
    {
        ArgumentNullException.ThrowIfNull(deep);
        ArgumentNullException.ThrowIfNull(shallow);
        var parts = new List<Paper2Part> { new("shallow", "shallow", 0, shallow[0] * shallow[1], $"shallow {string.Join("-", shallow)}, all {shallow[0] * shallow[1]} weights") };
        void Deep(string arch, string what)
        {
            string[] names = ["input", "middle", "output"];
            int o = 0;
            for (int k = 0; k < deep.Count - 1; k++)
            {
                int c = deep[k] * deep[k + 1];
                string name = k == 0 ? names[0] : k == deep.Count - 2 ? names[2] : deep.Count == 4 ? names[1] : $"hidden{k}";
                parts.Add(new($"{arch}-{name}", arch, o, c, $"{what} layer {k + 1} ({deep[k]}x{deep[k + 1]} = {c} weights)"));
                o += c;
            }
            if (fullDeep) parts.Add(new($"{arch}-full", arch, 0, o, $"{what}, all {o} weights"));
        }
        Deep("deep", "deep");
        if (overParam) Deep("deep-over", "deep over-parameterized");
        return parts;
    }

    /// <summary>Projects MNIST (standardised pixels) onto its top-20 principal components, fitted on the training set
    /// (stored at <paramref name="pcaPath"/> and reused).</summary>
    public static (TrainingData Data, double Explained) ProjectMnist(NeuralSpin.Data.MnistDataset mnist, string pcaPath)
    {
        var trainX = mnist.TrainImagesAsFloat(NeuralSpin.Data.MnistNormalization.Standardized);
        var testX = mnist.TestImagesAsFloat(NeuralSpin.Data.MnistNormalization.Standardized);
        int d = NeuralSpin.Data.MnistDataset.PixelsPerImage;
        var pca = Pca.LoadOrFit(pcaPath, trainX, d);
        float[] Project(float[] x, int n)
        {
            var r = new float[(long)n * pca.ComponentCount];
            var row = new float[d];
            for (int i = 0; i < n; i++)
            {
                Array.Copy(x, (long)i * d, row, 0, d);
                Array.Copy(pca.Project(row), 0, r, (long)i * pca.ComponentCount, pca.ComponentCount);
            }
            return r;
        }
        var data = new TrainingData(Project(trainX, mnist.TrainCount), mnist.TrainLabels, Project(testX, mnist.TestCount), mnist.TestLabels, pca.ComponentCount);
        return (data, pca.ExplainedFraction);
    }

    /// <summary>
    /// The compute-only entry: runs the stages in order on <paramref name="data"/> and returns every number of the reproduction,
    /// writing no CSV, plot or report. (b) Ensembles: <see cref="Paper2Stages.Ensemble"/> for every setting of <see cref="Paper2Setting.Of"/>
    /// (the deep network on the whole training set, the shallow network, the deep network on <see cref="Paper2Options.OverParamTrainImages"/>
    /// images); the reference of each is its kept member of
    /// median accuracy (<see cref="Paper2Stages.Reference"/>). Then for every part of <see cref="Parts"/>: (c) <see cref="Paper2Stages.Fit"/>,
    /// (d) <see cref="Paper2Stages.Landscape"/>, (f) <see cref="Paper2Stages.Tap"/>, (g) <see cref="Paper2Stages.Dynamics"/>, put together by
    /// <see cref="Paper2Stages.PartResult"/>. The verdicts follow from the result (<see cref="Paper2Verdicts.Run"/>), the files from
    /// <see cref="Paper2Files.Write"/>.
    /// </summary>
    /// <param name="data">Training and test data (PCA-20 MNIST in the reproduction, <see cref="ProjectMnist"/>).</param>
    /// <param name="options">Sizes and settings.</param>
    /// <param name="progress">Receives the stage, the fraction of the whole computation done and a message.</param>
    /// <param name="cancellationToken">Checked between the trainings of the ensembles and between stages.</param>
    /// <param name="cacheDir">Where the ensembles (<c>ensemble-SETTING.bin</c>), their chunks (<c>ensembles/SETTING/</c>) and the fitted models (<c>models/PART.npz</c>) are reused
    /// from when present and stored otherwise, so that a rerun resumes; null: nothing is read or written. The directory records the
    /// settings it was made with (<see cref="Paper2Cache"/>) and refuses a run with other ones.</param>
    /// <param name="pcaExplained">Fraction of the pixel variance the PCA keeps (reported; NaN when the data are not PCA-projected).</param>
    public static Paper2Result Compute(TrainingData data, Paper2Options options, IProgress<Paper2Progress>? progress = null,
        CancellationToken cancellationToken = default, string? cacheDir = null, double pcaExplained = double.NaN)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(options);
        var total = Stopwatch.StartNew();
        if (cacheDir is not null) Paper2Cache.Claim(cacheDir, options);
        var stageSeconds = new Dictionary<string, double>();
        var settings = Paper2Setting.Of(options);
        var parts = Parts(options.DeepWidths, options.ShallowWidths, options.FitFullDeep, options.OverParamTrainImages is not null);
        // rough shares of the run time for the progress fraction: 0.3 for the ensembles, 0.7 for the parts
        double done = 0;
        void Report(string stage, double share, string message) { progress?.Report(new Paper2Progress(stage, Math.Min(1, done + share), message)); }
        IProgress<Paper2Progress>? Within(double share)
        {
            if (progress is not { } target) return null;
            double from = done;
            return new SyncProgress<Paper2Progress>(p => target.Report(p with { Fraction = Math.Min(1, from + share * p.Fraction) }));
        }

        // (b) ensembles
        var ensembles = new List<Paper2EnsembleStageResult>();
        foreach (var setting in settings)
        {
            cancellationToken.ThrowIfCancellationRequested();
            double share = 0.3 / settings.Count;
            var ensemble = Paper2Stages.Ensemble(new Paper2EnsembleInput(data, setting), options, cacheDir, Within(share), cancellationToken);
            ensembles.Add(ensemble);
            done += share;
            stageSeconds[$"ensemble {setting.Name}"] = ensemble.Seconds;
        }
        var byArchitecture = ensembles.ToDictionary(e => e.Info.Architecture);
        var references = ensembles.ToDictionary(e => e.Info.Architecture, Paper2Stages.Reference);
        var testSet = TestExamples.Of(data);

        // (c)-(g) per part
        var results = new List<Paper2PartResult>();
        var fitted = new List<(Paper2Part Part, IsingModel Model)>();
        double perPart = 0.7 / parts.Count;
        foreach (var part in parts)
        {
            cancellationToken.ThrowIfCancellationRequested();
            int index = results.Count;
            var ensemble = byArchitecture[part.Architecture];
            var reference = references[part.Architecture];
            var sw = Stopwatch.StartNew();

            // (c) fit
            var fit = Paper2Stages.Fit(new Paper2FitInput(part, ensemble, fitted), options, cacheDir, Within(perPart * 0.5));
            fitted.Add((part, fit.Model));
            Report("fit", perPart * 0.5, FormattableString.Invariant($"{part.Name}: fitted in {fit.Seconds:F0} s"));

            // (d) landscape: BP up and down, its jumps refined, the MC landscape (the shared stage and verdict rule)
            cancellationToken.ThrowIfCancellationRequested();
            Report("landscape", perPart * 0.5, $"{part.Name}: entropy landscape by BP, {options.LandscapeXs.Count} points up and down, and by MC");
            var land = Paper2Stages.Landscape(fit.Model, reference.Weights.AsSpan(part.Offset, part.Count).ToArray(), part, index, options);
            var mcLand = land.Mc!;
            stageSeconds[$"landscape BP {part.Name}"] = land.BpSeconds;
            Report("landscape", perPart * 0.6, FormattableString.Invariant($"{part.Name}: BP landscape done in {land.BpSeconds:F0} s ({land.Bp.TotalIterations} BP sweeps{(land.Bp.BudgetExhausted ? ", budget exhausted" : "")}), s(x=0) = {land.EntropyAtZero:F4}"));
            stageSeconds[$"landscape MC {part.Name}"] = mcLand.Seconds;
            Report("landscape", perPart * 0.7, FormattableString.Invariant($"{part.Name}: MC landscape done in {mcLand.Seconds:F0} s, loop area {mcLand.LoopArea:G3} +- {mcLand.LoopAreaError:G2}, largest gap {mcLand.MaxGap:F3}"));

            // (f) TAP
            cancellationToken.ThrowIfCancellationRequested();
            var tap = Paper2Stages.Tap(fit.Model, index, options);
            stageSeconds[$"TAP {part.Name}"] = tap.Seconds;
            Report("tap", perPart * 0.8, $"{part.Name}: TAP {tap.Search.Converged} converged starts, {tap.Search.FixedPoints.Count} distinct fixed points");

            // (g) MC dynamics, observing the test accuracy with the other weights held at the reference
            cancellationToken.ThrowIfCancellationRequested();
            var dynamics = Paper2Stages.Dynamics(fit.Model, part, index, ensemble.Widths, reference, testSet, options);
            stageSeconds[$"MC dynamics {part.Name}"] = dynamics.Seconds;

            var result = Paper2Stages.PartResult(part, fit, reference, land, tap, dynamics, sw.Elapsed.TotalSeconds);
            results.Add(result);
            stageSeconds[$"fit {part.Name}"] = fit.Seconds;
            stageSeconds[$"analysis {part.Name}"] = sw.Elapsed.TotalSeconds;
            done += perPart;
            Report("analysis", 0, FormattableString.Invariant($"{part.Name}: MC final overlap {result.Mc[^1].Overlap:F3}, accuracy {result.Mc[^1].Observed:F3}"));
        }
        return new Paper2Result(options, pcaExplained, ensembles.Select(e => e.Info).ToList(), results, stageSeconds, total.Elapsed);
    }

    /// <summary>
    /// Runs the reproduction and writes it: <see cref="Compute"/> with <paramref name="outDir"/> as the cache directory (ensembles and
    /// fitted models are written there as they are made and reused on a rerun), then the files stage (<see cref="Paper2Files.Write"/>:
    /// report.md, CSVs and plots).
    /// </summary>
    /// <param name="data">PCA-projected data.</param>
    /// <param name="options">Sizes and settings.</param>
    /// <param name="outDir">Output (and cache) directory.</param>
    /// <param name="pcaExplained">Fraction of the pixel variance the PCA keeps.</param>
    /// <param name="deepWidths">Overrides <see cref="Paper2Options.DeepWidths"/>.</param>
    /// <param name="shallowWidths">Overrides <see cref="Paper2Options.ShallowWidths"/>.</param>
    /// <param name="progress">Receives the stage, the fraction done and a message.</param>
    public static Paper2Result Run(TrainingData data, Paper2Options options, string outDir, double pcaExplained,
        IReadOnlyList<int>? deepWidths = null, IReadOnlyList<int>? shallowWidths = null, IProgress<Paper2Progress>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(outDir);
        var total = Stopwatch.StartNew();
        Directory.CreateDirectory(outDir);
        var o = options with { DeepWidths = deepWidths ?? options.DeepWidths, ShallowWidths = shallowWidths ?? options.ShallowWidths };
        var result = Compute(data, o, progress, CancellationToken.None, outDir, pcaExplained);
        var files = Paper2Files.Write(result, outDir);
        progress?.Report(new Paper2Progress("report", 1, $"report written to {files.ReportPath}"));
        return result with { Elapsed = total.Elapsed };
    }

    /// <summary>
    /// Runs only the collections, or shard <paramref name="shardIndex"/> of <paramref name="shardCount"/> of them: for every setting of
    /// <see cref="Paper2Setting.Of"/> whose finished ensemble (<c>ensemble-SETTING.bin</c>) is not in <paramref name="cacheDir"/> yet, the
    /// chunks c with c mod n = i that are not stored there (<see cref="Paper2Collection.Collect"/>). Shards run as separate processes
    /// (e.g. the tasks of a Slurm array) on one shared directory; a later <see cref="Run"/> on it finds every chunk, puts the ensembles
    /// together and analyses them, collecting any chunk still missing itself. The directory is claimed for <paramref name="options"/>
    /// (<see cref="Paper2Cache"/>) first.
    /// </summary>
    /// <returns>Per setting: chunks collected now, found stored, and missing (those of other shards); nothing for a finished ensemble.</returns>
    public static IReadOnlyList<Paper2CollectionSummary> Collect(TrainingData data, Paper2Options options, string cacheDir, int shardIndex = 0, int shardCount = 1,
        IProgress<Paper2Progress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(cacheDir);
        Paper2Cache.Claim(cacheDir, options);
        var list = new List<Paper2CollectionSummary>();
        foreach (var setting in Paper2Setting.Of(options))
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (File.Exists(Path.Combine(cacheDir, $"ensemble-{setting.Name}.bin")))
            {
                progress?.Report(new Paper2Progress("ensemble", 1, $"ensemble {setting.Name}: finished earlier, nothing to collect"));
                continue;
            }
            list.Add(Paper2Collection.Collect(data, setting, options, cacheDir, shardIndex, shardCount, out _, progress, cancellationToken));
        }
        return list;
    }

    /// <summary>The warm start of a part's pseudolikelihood fit from already fitted parts that tile it (the deep network from its
    /// layers): their couplings on the diagonal blocks, their fields on the diagonal, zero elsewhere; null when none lies inside.</summary>
    public static double[]? WarmStart(Paper2Part part, IReadOnlyList<(Paper2Part Part, IsingModel Model)> fitted)
    {
        ArgumentNullException.ThrowIfNull(part);
        ArgumentNullException.ThrowIfNull(fitted);
        int n = part.Count;
        double[]? init = null;
        foreach (var (p, m) in fitted)
        {
            if (p.Architecture != part.Architecture || p == part || p.Offset < part.Offset || p.Offset + p.Count > part.Offset + part.Count || p.Count == n) continue;
            init ??= new double[(long)n * n];
            int o = p.Offset - part.Offset;
            for (int i = 0; i < p.Count; i++)
            {
                for (int j = 0; j < p.Count; j++) if (i != j) init[(long)(o + i) * n + o + j] = m.Coupling(i, j);
                init[(long)(o + i) * n + o + i] = m.Field(i);
            }
        }
        return init;
    }

    /// <summary>Largest |Δd| between consecutive converged points of one sweep (non-converged BP points carry no valid d).</summary>
    public static double ConvergedMaxStep(IReadOnlyList<LandscapePoint> points)
    {
        double max = 0;
        LandscapePoint? last = null;
        foreach (var p in points)
        {
            if (!p.Converged) continue;
            if (last is not null) max = Math.Max(max, Math.Abs(p.Distance - last.Distance));
            last = p;
        }
        return max;
    }

    /// <summary>
    /// Writes an ensemble of the pipeline in the project's one ensemble format, <see cref="PackedConfigurations"/> (bit-packed
    /// weights with each configuration's test accuracy; readable by <c>ising fit --configs</c>), and its collection note
    /// beside it (<c>PATH.note.txt</c>, written first, so that an ensemble file never lacks its note).
    /// </summary>
    public static void WriteEnsemble(string path, int n, sbyte[] w, double[] acc, string note)
    {
        ArgumentNullException.ThrowIfNull(w);
        ArgumentNullException.ThrowIfNull(acc);
        if (w.LongLength != (long)acc.Length * n) throw new ArgumentException($"{acc.Length} accuracies need {(long)acc.Length * n} weights, got {w.LongLength}");
        var packed = new PackedConfigurations(n, hasAccuracy: true);
        for (int i = 0; i < acc.Length; i++) packed.Add(w.AsSpan(i * n, n), acc[i]);
        AtomicFile.WriteAllText(NotePath(path), note);
        packed.Write(path);
    }

    static string NotePath(string path) => path + ".note.txt";

    /// <summary>Reads an ensemble of <see cref="WriteEnsemble"/> (its note, when present, marked as reused).</summary>
    /// <exception cref="InvalidDataException">The file holds configurations of another size or no accuracies.</exception>
    public static (sbyte[] W, double[] Acc, string Note) ReadEnsemble(string path, int n)
    {
        var packed = PackedConfigurations.Read(path);
        if (packed.SpinCount != n) throw new InvalidDataException($"'{path}' holds {packed.SpinCount}-weight configurations, {n} expected; delete it to recollect");
        if (!packed.HasAccuracy) throw new InvalidDataException($"'{path}' carries no test accuracies; delete it to recollect");
        var w = packed.ToConfigurations().Spins;
        var acc = new double[packed.Count];
        for (int i = 0; i < acc.Length; i++) acc[i] = packed.Accuracy(i);
        string note = File.Exists(NotePath(path)) ? File.ReadAllText(NotePath(path)).Trim() : "";
        return (w, acc, (note.Length > 0 ? note + " " : "") + "(reused from an earlier run)");
    }

}
