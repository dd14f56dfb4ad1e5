using NeuralSpin.Numerics;
using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using NeuralSpin.Data;
using NeuralSpin.IO;
using NeuralSpin.Reporting;
using NeuralSpin.Training;
using NeuralSpin.Trajectory;

namespace NeuralSpin.Reproduction;

/// <summary>One training of the calibration study.</summary>
/// <param name="Convention">The training convention.</param>
/// <param name="Program">Binarized or standard.</param>
/// <param name="LearningRate">SGD learning rate.</param>
/// <param name="Epochs">Epochs trained.</param>
/// <param name="Seed">Seed of initialisation and data order.</param>
public sealed record CalibrationRun(TrainingConvention Convention, TrainingProgram Program, double LearningRate, int Epochs, long Seed)
{
    /// <summary>Directory name: convention, program, learning rate, epochs and seed, e.g. <c>sum-c_global__standard-lr1E-04-e60-s1</c>.</summary>
    public string Id => string.Create(CultureInfo.InvariantCulture, $"{Convention.Id}__{Program.Name()}-lr{LearningRate:0E+00}-e{Epochs}-s{Seed}");
}

/// <summary>The validation-error curve of one calibration run (from its checkpoints' metadata).</summary>
/// <param name="Run">The run.</param>
/// <param name="Epochs">Checkpoint epochs, ascending.</param>
/// <param name="ValErrors">Validation error at each.</param>
/// <param name="Diverged">Null, or the message of the divergence that stopped the run.</param>
public sealed record CalibrationCurve(CalibrationRun Run, IReadOnlyList<double> Epochs, IReadOnlyList<double> ValErrors, string? Diverged)
{
    /// <summary>The validation error at a checkpoint epoch (to <see cref="Precision.EpochTolerance"/>), or null if the run has no checkpoint there.</summary>
    public double? ErrorAt(double epoch)
    {
        for (int i = 0; i < Epochs.Count; i++)
            if (Math.Abs(Epochs[i] - epoch) <= Precision.EpochTolerance) return ValErrors[i];
        return null;
    }
}

/// <summary>Mean, smallest and largest value over seeds.</summary>
public readonly record struct SeedSpread(double Mean, double Min, double Max, int Count)
{
    /// <summary>The spread of the values (NaN-free); null for none.</summary>
    public static SeedSpread? Of(IEnumerable<double?> values)
    {
        var v = values.OfType<double>().ToArray();
        return v.Length == 0 ? null : new SeedSpread(v.Average(), v.Min(), v.Max(), v.Length);
    }

    /// <summary>"mean (min-max, n seeds)".</summary>
    public override string ToString() => Count == 1
        ? Mean.ToString("F4", CultureInfo.InvariantCulture)
        : string.Create(CultureInfo.InvariantCulture, $"{Mean:F4} ({Min:F4}-{Max:F4}, {Count} seeds)");
}

/// <summary>One target of Table 1 the study compares with, and how it is predicted from a calibration curve.</summary>
/// <param name="Name">Table 1 program name, e.g. <c>standard-lr1e-6</c>.</param>
/// <param name="Program">The program whose lr 1e-4 curve predicts it.</param>
/// <param name="AtEpoch">Epoch of the lr 1e-4 curve read off (the paper's epochs times lr / 1e-4).</param>
/// <param name="PaperError">Table 1's validation error.</param>
/// <param name="Direct">True when the curve is the program itself (same lr, same epochs); false for the small-lr equivalence.</param>
public sealed record CalibrationTarget(string Name, TrainingProgram Program, double AtEpoch, double PaperError, bool Direct);

/// <summary>A convention's predictions of the Table 1 targets and its score.</summary>
/// <param name="Convention">The convention.</param>
/// <param name="Predictions">Per target name: the prediction's spread over seeds (null if not run, or diverged).</param>
/// <param name="DivergedRuns">Runs of this convention stopped by divergence.</param>
/// <param name="Score">max over predicted targets of |ln(mean / paper)| (infinite if a run diverged or nothing was predicted).</param>
/// <param name="Finalist">Whether the convention was taken to the second stage.</param>
public sealed record CalibrationScore(TrainingConvention Convention, IReadOnlyDictionary<string, SeedSpread?> Predictions, int DivergedRuns, double Score, bool Finalist)
{
    /// <summary>Whether every predicted target lies within <paramref name="tolerance"/> (relative) of Table 1.</summary>
    public bool WithinOfTable1(double tolerance) => double.IsFinite(Score) && Math.Exp(Score) <= 1 + tolerance;
}

/// <summary>Settings of the calibration study (defaults: the study as recorded in REPRODUCE.md).</summary>
public sealed record CalibrationSettings
{
    /// <summary>Conventions of the first stage (default: the twelve <see cref="TrainingConvention.Candidates"/>).</summary>
    public IReadOnlyList<TrainingConvention> Candidates { get; init; } = TrainingConvention.Candidates;
    /// <summary>Network widths.</summary>
    public IReadOnlyList<int> Widths { get; init; } = [784, 512, 512, 512, 10];
    /// <summary>Learning rate of every calibration run (Table 1's larger one).</summary>
    public double LearningRate { get; init; } = 1e-4;
    /// <summary>Epochs of the standard runs (Table 1: 60).</summary>
    public int StandardEpochs { get; init; } = 60;
    /// <summary>Epochs of the finalists' binarized runs: enough to read the lr 1e-6 prediction at 9.6 epochs.</summary>
    public int BinarizedEpochs { get; init; } = 10;
    /// <summary>How many of the best conventions after stage 1 get the binarized program (stage 2).</summary>
    public int Probes { get; init; } = 4;
    /// <summary>How many conventions go to the third stage (more seeds).</summary>
    public int Finalists { get; init; } = 2;
    /// <summary>Seeds per finalist (the first stage uses the first seed).</summary>
    public int Seeds { get; init; } = 3;
    /// <summary>First seed.</summary>
    public long Seed { get; init; } = 1;
    /// <summary>
    /// Processes that train at once (each on <see cref="Threads"/> libtorch threads). <see cref="Paper1Calibration.Run"/>
    /// itself trains one run at a time; the command line starts this many processes on the same folder, which
    /// share the runs through <see cref="RunLock"/>.
    /// </summary>
    public int Workers { get; init; } = 2;
    /// <summary>libtorch threads per training.</summary>
    public int Threads { get; init; } = 1;
    /// <summary>The Table 1 targets (default <see cref="Paper1Calibration.Targets"/>).</summary>
    public IReadOnlyList<CalibrationTarget> Targets { get; init; } = Paper1Calibration.Targets;

    /// <summary>
    /// These settings with <paramref name="finalists"/> conventions taken to the third stage and at least as many
    /// probed with the binarized program in the second (<see cref="Probes"/> raised to the finalists when it is smaller).
    /// </summary>
    public CalibrationSettings WithFinalists(int finalists) => this with { Finalists = finalists, Probes = Math.Max(Probes, finalists) };

    /// <summary>Throws <see cref="ArgumentException"/> naming the first invalid setting.</summary>
    public void Validate()
    {
        if (Candidates.Count == 0) throw new ArgumentException("no candidate conventions", nameof(Candidates));
        foreach (var c in Candidates) c.Validate();
        Mlp.CheckWidths(Widths);
        if (!(LearningRate > 0 && double.IsFinite(LearningRate))) throw new ArgumentException($"learning rate must be positive, got {LearningRate}", nameof(LearningRate));
        if (StandardEpochs < 1 || BinarizedEpochs < 1) throw new ArgumentException("epochs must be positive");
        if (Finalists < 1) throw new ArgumentException($"finalists must be at least 1, got {Finalists}", nameof(Finalists));
        if (Probes < Finalists) throw new ArgumentException($"probes ({Probes}) must be at least the finalists ({Finalists})", nameof(Probes));
        if (Seeds < 1) throw new ArgumentException($"seeds must be at least 1, got {Seeds}", nameof(Seeds));
        if (Workers < 1 || Threads < 1) throw new ArgumentException("workers and threads must be positive");
        foreach (var t in Targets)
            if (t.AtEpoch > (t.Program == TrainingProgram.Standard ? StandardEpochs : BinarizedEpochs) + Precision.EpochTolerance)
                throw new ArgumentException($"target {t.Name} is read at epoch {t.AtEpoch}, beyond the {t.Program.Name()} runs' epochs", nameof(Targets));
    }
}

/// <summary>Progress of the study: which run, its training progress.</summary>
public readonly record struct CalibrationProgress(string RunId, int RunIndex, int RunCount, TrainingProgress Training);

/// <summary>The study's outcome.</summary>
/// <param name="Curves">Every run's curve.</param>
/// <param name="Scores">Per convention, best score first.</param>
/// <param name="Chosen">The convention with the best score among the finalists.</param>
/// <param name="Settings">The settings used.</param>
public sealed record CalibrationResult(IReadOnlyList<CalibrationCurve> Curves, IReadOnlyList<CalibrationScore> Scores, TrainingConvention Chosen, CalibrationSettings Settings);

/// <summary>
/// The calibration study of P1's unstated training conventions against Table 1 (REPRODUCE.md, "Paper 1:
/// training convention"). Stage 1 trains the standard program at lr 1e-4 for 60 epochs under every candidate
/// convention; stage 2 trains the binarized program at lr 1e-4 for 10 epochs under the best
/// <see cref="CalibrationSettings.Probes"/> of them; stage 3 repeats both programs with more seeds for the best
/// <see cref="CalibrationSettings.Finalists"/> of the probed conventions, and the best of these is chosen. Table 1's lr 1e-6 programs (960 epochs) are predicted from the
/// lr 1e-4 curves at 9.6 epochs: for small learning rates SGD with momentum follows the gradient flow, so what
/// matters is lr x steps (the full reproduction checks this prediction directly). Every training is resumable; a
/// finished one is reused.
/// </summary>
public static class Paper1Calibration
{
    /// <summary>
    /// The Table 1 targets: standard lr 1e-4 after 60 epochs (read directly), standard and binarized lr 1e-6 after 960
    /// epochs (read at 9.6 epochs of the lr 1e-4 curves). Binarized lr 1e-4 after 500 epochs is too long for the
    /// study; the full reproduction compares it.
    /// </summary>
    public static IReadOnlyList<CalibrationTarget> Targets { get; } =
    [
        new("standard-lr1e-4", TrainingProgram.Standard, 60, 0.0189, true),
        new("standard-lr1e-6", TrainingProgram.Standard, 9.6, 0.0267, false),
        new("binarized-lr1e-6", TrainingProgram.Binarized, 9.6, 0.0742, false),
    ];

    /// <summary>Agreement asked of every target (relative): Table 1 within about 25 %.</summary>
    public const double Tolerance = 0.25;

    /// <summary>Checkpoint epochs of a calibration run of <paramref name="epochs"/> epochs (every target epoch included).</summary>
    public static string Schedule(int epochs, IEnumerable<double> extra)
    {
        double[] grid = [0, 0.25, 0.5, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 12, 15, 20, 25, 30, 40, 50, 60, 80, 100];
        var all = grid.Concat(extra).Where(e => e <= epochs + Precision.EpochTolerance).Append(epochs).Distinct().Order();
        return string.Join(",", all.Select(e => e.ToString("R", CultureInfo.InvariantCulture)));
    }

    /// <summary>The runs of stage 1: every candidate, standard program, first seed.</summary>
    public static IReadOnlyList<CalibrationRun> Stage1(CalibrationSettings s) =>
        [.. s.Candidates.Select(c => new CalibrationRun(c, TrainingProgram.Standard, s.LearningRate, s.StandardEpochs, s.Seed))];

    /// <summary>The runs of stage 2: the binarized program, first seed, for each probed convention.</summary>
    public static IReadOnlyList<CalibrationRun> Stage2(CalibrationSettings s, IEnumerable<TrainingConvention> probed) =>
        [.. probed.Select(c => new CalibrationRun(c, TrainingProgram.Binarized, s.LearningRate, s.BinarizedEpochs, s.Seed))];

    /// <summary>The runs of stage 3 for the given finalists: the other seeds of both programs.</summary>
    public static IReadOnlyList<CalibrationRun> Stage3(CalibrationSettings s, IEnumerable<TrainingConvention> finalists)
    {
        var runs = new List<CalibrationRun>();
        foreach (var c in finalists)
            for (int k = 1; k < s.Seeds; k++)
            {
                runs.Add(new(c, TrainingProgram.Standard, s.LearningRate, s.StandardEpochs, s.Seed + k));
                runs.Add(new(c, TrainingProgram.Binarized, s.LearningRate, s.BinarizedEpochs, s.Seed + k));
            }
        return runs;
    }

    /// <summary>
    /// Scores conventions from curves: for each target, the spread over seeds of the error read at the target's epoch
    /// of the target's program; the score is the largest |ln(mean / paper)| over the targets with a prediction
    /// (infinite when a run of the convention diverged or no target is predicted). Ordered best first.
    /// </summary>
    public static IReadOnlyList<CalibrationScore> Score(IEnumerable<CalibrationCurve> curves, IReadOnlyList<CalibrationTarget> targets, ISet<TrainingConvention>? finalists = null)
    {
        var list = new List<CalibrationScore>();
        foreach (var g in curves.GroupBy(c => c.Run.Convention))
        {
            int diverged = g.Count(c => c.Diverged != null);
            var preds = new Dictionary<string, SeedSpread?>();
            double score = 0;
            bool any = false;
            foreach (var t in targets)
            {
                var spread = SeedSpread.Of(g.Where(c => c.Run.Program == t.Program && c.Diverged == null).Select(c => c.ErrorAt(t.AtEpoch)));
                preds[t.Name] = spread;
                if (spread is { } sp)
                {
                    any = true;
                    score = Math.Max(score, Math.Abs(Math.Log(sp.Mean / t.PaperError)));
                }
            }
            if (diverged > 0 || !any) score = double.PositiveInfinity;
            list.Add(new CalibrationScore(g.Key, preds, diverged, score, finalists?.Contains(g.Key) ?? false));
        }
        return [.. list.OrderBy(x => x.Score).ThenBy(x => x.Convention.Id, StringComparer.Ordinal)];
    }

    /// <summary>
    /// Trains (or resumes, or reuses) one calibration run in <c>root/run.Id</c> and returns its curve. A divergence is
    /// recorded in <c>diverged.txt</c> in the run directory, so that a rerun does not train it again.
    /// </summary>
    public static CalibrationCurve RunOne(string root, CalibrationRun run, CalibrationSettings s, Func<MnistNormalization, TrainingData> data,
        IProgress<TrainingProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        string dir = Path.Combine(root, run.Id);
        string marker = Path.Combine(dir, "diverged.txt");
        string? diverged = File.Exists(marker) ? File.ReadAllText(marker).Trim() : null;
        if (diverged == null && !RunFiles.IsComplete(dir))
        {
            try
            {
                var d = data(run.Convention.Input);
                if (File.Exists(RunFiles.RunJson(dir)))
                    Trainer.Resume(dir, d, progress, cancellationToken);
                else
                {
                    var extra = s.Targets.Where(t => t.Program == run.Program).Select(t => t.AtEpoch);
                    var options = new TrainingOptions
                    {
                        Program = run.Program,
                        Widths = s.Widths,
                        LearningRate = run.LearningRate,
                        Epochs = run.Epochs,
                        Seed = run.Seed,
                        Threads = s.Threads,
                        Convention = run.Convention,
                        Schedule = Schedule(run.Epochs, extra),
                        ProgressInterval = 200,
                    };
                    Trainer.Train(dir, d, options, progress, cancellationToken);
                }
            }
            catch (TrainingDivergedException e)
            {
                diverged = e.Message;
                AtomicFile.WriteAllText(marker, e.Message + "\n");
            }
        }
        var points = RunDirectory.ListCheckpoints(dir).Where(c => c.ValError is not null).ToList();
        return new CalibrationCurve(run, [.. points.Select(p => p.Epoch)], [.. points.Select(p => p.ValError!.Value)], diverged);
    }

    /// <summary>
    /// Runs the study (both stages; resumable) in <paramref name="root"/>. Several processes may call it on the same
    /// folder with the same settings: they share the trainings (see <see cref="RunAll"/>) and reach the same result.
    /// </summary>
    /// <param name="root">Folder of the runs.</param>
    /// <param name="s">Settings.</param>
    /// <param name="data">The training data for an input preprocessing (called once per preprocessing, from several threads).</param>
    /// <param name="progress">Progress of each training.</param>
    /// <param name="cancellationToken">Stops every training at its next step (states saved).</param>
    public static CalibrationResult Run(string root, CalibrationSettings s, Func<MnistNormalization, TrainingData> data,
        IProgress<CalibrationProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(s);
        ArgumentNullException.ThrowIfNull(data);
        s.Validate();
        Directory.CreateDirectory(root);
        var cache = new ConcurrentDictionary<MnistNormalization, Lazy<TrainingData>>();
        TrainingData Data(MnistNormalization n) => cache.GetOrAdd(n, k => new Lazy<TrainingData>(() => data(k))).Value;

        var stage1 = Stage1(s);
        var curves1 = RunAll(root, stage1, s, Data, progress, 0, cancellationToken);
        var probed = Score(curves1, s.Targets).Where(x => double.IsFinite(x.Score)).Take(s.Probes).Select(x => x.Convention).ToList();
        if (probed.Count == 0) probed = [stage1[0].Convention];
        var stage2 = Stage2(s, probed);
        var curves2 = RunAll(root, stage2, s, Data, progress, stage1.Count, cancellationToken);
        // finalists: the best of the probed conventions once the binarized program is scored too
        var finalists = Score(curves1.Concat(curves2), s.Targets).Where(x => probed.Contains(x.Convention)).Take(s.Finalists).Select(x => x.Convention).ToList();
        var stage3 = Stage3(s, finalists);
        var curves3 = RunAll(root, stage3, s, Data, progress, stage1.Count + stage2.Count, cancellationToken);
        var curves = curves1.Concat(curves2).Concat(curves3).ToList();
        var scores = Score(curves, s.Targets, new HashSet<TrainingConvention>(finalists));
        var chosen = scores.First(x => x.Finalist).Convention;
        return new CalibrationResult(curves, scores, chosen, s);
    }

    /// <summary>
    /// Trains the runs not yet finished, taking each under its <see cref="RunLock"/>: several processes calling
    /// <see cref="Run"/> on the same folder share the work (each run is trained by one of them) and each returns
    /// once every run is finished, waiting (polling every few seconds) for runs that others hold.
    /// </summary>
    static List<CalibrationCurve> RunAll(string root, IReadOnlyList<CalibrationRun> runs, CalibrationSettings s, Func<MnistNormalization, TrainingData> data,
        IProgress<CalibrationProgress>? progress, int offset, CancellationToken ct)
    {
        int total = offset + runs.Count;
        var pending = new List<int>(Enumerable.Range(0, runs.Count));
        while (pending.Count > 0)
        {
            bool worked = false;
            foreach (int i in pending.ToList())
            {
                ct.ThrowIfCancellationRequested();
                var run = runs[i];
                string dir = Path.Combine(root, run.Id);
                if (IsFinished(dir)) { pending.Remove(i); continue; }
                using var held = RunLock.TryAcquire(dir);
                if (held is null) continue; // another process trains it
                var p = progress is null ? null : new NeuralSpin.Reporting.SyncProgress<TrainingProgress>(tp => progress.Report(new CalibrationProgress(run.Id, offset + i + 1, total, tp)));
                RunOne(root, run, s, data, p, ct);
                pending.Remove(i);
                worked = true;
            }
            if (!worked && pending.Count > 0) Task.Delay(TimeSpan.FromSeconds(PollSeconds), ct).Wait(ct);
        }
        return [.. runs.Select(r => RunOne(root, r, s, data, null, ct))];
    }

    /// <summary>How often a process waiting for runs held by others looks again.</summary>
    public const double PollSeconds = 5;

    static bool IsFinished(string dir) => File.Exists(Path.Combine(dir, "diverged.txt")) || RunFiles.IsComplete(dir);


    static string F(double v, string fmt = "F4") => v.ToString(fmt, CultureInfo.InvariantCulture);

    /// <summary>CSV of every curve: <c>convention,program,lr,seed,epoch,val_error,diverged</c>.</summary>
    public static string CurvesCsv(IEnumerable<CalibrationCurve> curves) =>
        NeuralSpin.Reporting.CsvText.Write(["convention", "program", "lr", "seed", "epoch", "val_error", "diverged"], curves.SelectMany(c =>
            c.Epochs.Count == 0
                ? [new object?[] { c.Run.Convention.Id, c.Run.Program.Name(), c.Run.LearningRate, c.Run.Seed, null, null, c.Diverged != null }]
                : Enumerable.Range(0, c.Epochs.Count).Select(i => new object?[] { c.Run.Convention.Id, c.Run.Program.Name(), c.Run.LearningRate, c.Run.Seed, c.Epochs[i], c.ValErrors[i], c.Diverged != null })));

    /// <summary>CSV of the scores: one line per convention with each target's mean, min, max, seeds and the ratio to Table 1.</summary>
    public static string ScoresCsv(CalibrationResult r)
    {
        var header = new List<string> { "convention", "pytorch_loss", "loss_scale", "input", "finalist", "diverged_runs", "score" };
        foreach (var t in r.Settings.Targets) header.AddRange([$"{t.Name}_mean", $"{t.Name}_min", $"{t.Name}_max", $"{t.Name}_seeds", $"{t.Name}_ratio"]);
        return NeuralSpin.Reporting.CsvText.Write(header, r.Scores.Select(x =>
        {
            var row = new List<object?> { x.Convention.Id, x.Convention.PyTorchLoss, x.Convention.LossScale(32, 10), TrainingConvention.InputToken(x.Convention.Input),
                x.Finalist, x.DivergedRuns, double.IsFinite(x.Score) ? x.Score : null };
            foreach (var t in r.Settings.Targets)
                row.AddRange(x.Predictions[t.Name] is { } p ? [p.Mean, p.Min, p.Max, p.Count, p.Mean / t.PaperError] : [null, null, null, 0, null]);
            return (IReadOnlyList<object?>)row;
        }));
    }

    /// <summary>The Markdown report of the study.</summary>
    public static string Report(CalibrationResult r)
    {
        var sb = new StringBuilder();
        var s = r.Settings;
        sb.AppendLine("# Paper 1: calibration of the training convention against Table 1").AppendLine();
        sb.AppendLine(string.Create(CultureInfo.InvariantCulture,
            $"Stage 1: the standard program at lr {s.LearningRate:G2} for {s.StandardEpochs} epochs under each of {s.Candidates.Count} conventions (seed {s.Seed}). Stage 2: the binarized program at lr {s.LearningRate:G2} for {s.BinarizedEpochs} epochs under the best {s.Probes}. Stage 3: the best {s.Finalists} of those with both programs again for seeds {s.Seed + 1}..{s.Seed + s.Seeds - 1}. The lr 1e-6 programs of Table 1 (960 epochs) are predicted by the lr 1e-4 curves at 9.6 epochs (equal lr x steps; SGD with momentum follows the gradient flow at small learning rates). Score: the largest |ln(obtained / Table 1)| over the predicted targets; Table 1 is reproduced within {100 * Tolerance:F0} % when exp(score) <= {1 + Tolerance:F2}. Every number below is the mean over seeds with (min-max) where there are several."));
        sb.AppendLine();
        sb.Append("| convention | PyTorch loss | input | gradient scale vs MultiMarginLoss(p=2) |");
        foreach (var t in s.Targets) sb.Append(CultureInfo.InvariantCulture, $" {t.Name}: {(t.Direct ? "" : "predicted, ")}Table 1 {t.PaperError:F4} |");
        sb.AppendLine(" score | within 25 % |");
        sb.Append("| --- | --- | --- | --- |");
        foreach (var _ in s.Targets) sb.Append(" --- |");
        sb.AppendLine(" --- | --- |");
        foreach (var x in r.Scores)
        {
            string name = x.Convention == r.Chosen ? $"**{x.Convention.Id}** (chosen)" : x.Convention.Id + (x.Finalist ? " (finalist)" : "");
            sb.Append(CultureInfo.InvariantCulture, $"| {name} | `{x.Convention.PyTorchLoss}` | {TrainingConvention.InputToken(x.Convention.Input)} | {x.Convention.LossScale(32, 10):G4} |");
            foreach (var t in s.Targets)
                sb.Append(x.Predictions[t.Name] is { } p ? $" {p} (x{F(p.Mean / t.PaperError, "F2")}) |" : " |");
            sb.AppendLine(x.DivergedRuns > 0 ? $" diverged ({x.DivergedRuns} run(s)) | no |" : $" {F(x.Score, "F3")} | {(x.WithinOfTable1(Tolerance) ? "yes" : "no")} |");
        }
        sb.AppendLine();
        var best = r.Scores.First(x => x.Convention == r.Chosen);
        sb.AppendLine(best.WithinOfTable1(Tolerance)
            ? $"Chosen: `{r.Chosen.Id}` ({r.Chosen.PyTorchLoss}, input {TrainingConvention.InputToken(r.Chosen.Input)}): every predicted Table 1 error within {F(100 * Tolerance, "F0")} %."
            : $"No candidate reproduces every predicted Table 1 error within {F(100 * Tolerance, "F0")} %; the closest is `{r.Chosen.Id}` (largest deviation a factor {F(Math.Exp(best.Score), "F2")}).");
        sb.AppendLine();
        foreach (var c in r.Curves.Where(c => c.Diverged != null))
            sb.AppendLine($"- `{c.Run.Id}`: {c.Diverged}");
        sb.AppendLine();
        sb.AppendLine("Plots: `calibration_standard.png` (stage-1 curves with Table 1's targets), `calibration_finalists.png` (finalists, every seed, both programs). Data: `calibration_curves.csv`, `calibration_scores.csv`.");
        return sb.ToString();
    }

    /// <summary>Writes the report, the two CSVs and the plots into <paramref name="dir"/> (all rendered first, then written).</summary>
    public static IReadOnlyList<string> Write(CalibrationResult r, string dir)
    {
        string report = Report(r), curves = CurvesCsv(r.Curves), scores = ScoresCsv(r);
        var plots = CalibrationPlots.Plots(r);
        Directory.CreateDirectory(dir);
        var paths = new List<string>();
        void Text(string name, string text) { var p = Path.Combine(dir, name); AtomicFile.WriteAllText(p, text); paths.Add(p); }
        Text("calibration.md", report);
        Text("calibration_curves.csv", curves);
        Text("calibration_scores.csv", scores);
        paths.AddRange(TrajectoryPlots.Write(plots, dir));
        return paths;
    }
}
