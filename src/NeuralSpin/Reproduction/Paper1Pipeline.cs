using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using NeuralSpin.Data;
using NeuralSpin.IO;
using NeuralSpin.Reporting;
using NeuralSpin.Training;
using NeuralSpin.Trajectory;

namespace NeuralSpin.Reproduction;

/// <summary>Settings of a paper-1 reproduction (<see cref="Paper1Pipeline"/>).</summary>
public sealed record Paper1Settings
{
    /// <summary>"quick" or "full" (names the report).</summary>
    public string Mode { get; init; } = "quick";
    /// <summary>The programs to train and analyse.</summary>
    public IReadOnlyList<Paper1Program> Programs { get; init; } = Paper1Report.Quick;
    /// <summary>The training convention of every program (default: the one the calibration study chose, <see cref="Paper1Report.Convention"/>).</summary>
    public TrainingConvention Convention { get; init; } = Paper1Report.Convention;
    /// <summary>Seed of every training.</summary>
    public long Seed { get; init; } = 1;
    /// <summary>libtorch threads of each training.</summary>
    public int Threads { get; init; } = 1;
    /// <summary>Network widths (Table 1: 784-512-512-512-10).</summary>
    public IReadOnlyList<int> Widths { get; init; } = [784, 512, 512, 512, 10];
    /// <summary>Options of the trajectory analysis.</summary>
    public TrajectoryOptions Analysis { get; init; } = new();

    /// <summary>The factor on every program's epoch budget when none is given: 1, the budgets as listed.</summary>
    public const double DefaultEpochsScale = 1;

    /// <summary>
    /// The programs with their epoch budgets multiplied by <paramref name="scale"/> (&gt; 0; e.g. 0.1 for a smoke run),
    /// rounded to whole epochs and at least one.
    /// </summary>
    public static IReadOnlyList<Paper1Program> ScaleEpochs(IEnumerable<Paper1Program> programs, double scale)
    {
        ArgumentNullException.ThrowIfNull(programs);
        if (!(scale > 0) || !double.IsFinite(scale)) throw new ArgumentOutOfRangeException(nameof(scale), scale, "the epoch scale must be positive and finite");
        return programs.Select(p => p with { Epochs = Math.Max(1, (int)Math.Round(p.Epochs * scale)) }).ToList();
    }
}

/// <summary>What a paper-1 program reached: its training state and, once trained, its analysed trajectory.</summary>
/// <param name="Program">The program.</param>
/// <param name="Step">Optimizer steps done.</param>
/// <param name="TotalSteps">Steps of the whole program.</param>
/// <param name="Trajectory">The analysed trajectory (null until the training has finished).</param>
/// <param name="TrainSeconds">Wall time of this call's training (0 when it was already trained).</param>
/// <param name="AnalysisSeconds">Wall time of the analysis.</param>
public sealed record Paper1Outcome(Paper1Program Program, long Step, long TotalSteps, TrajectoryResult? Trajectory, double TrainSeconds, double AnalysisSeconds)
{
    /// <summary>Whether the training finished and was analysed.</summary>
    public bool Done => Trajectory is not null;
}

/// <summary>Progress of the reproduction: stage, program and a message.</summary>
public readonly record struct Paper1Progress(string Stage, string Program, string Message, TrainingProgress? Training);

/// <summary>
/// The reproduction of P1 (docs/theory.md; REPRODUCE.md "Paper 1"): trains each program under one training
/// convention (resumable; programs are taken under a <see cref="RunLock"/>, so several processes can share a
/// reproduction folder), analyses every checkpoint (<see cref="TrajectoryAnalyzer"/>), and writes per program
/// <c>PROGRAM/trajectory.csv</c> and <c>PROGRAM/plots/</c>, and for the whole reproduction <c>report.md</c>,
/// <c>summary.json</c> and the paper's figures <c>figures/fig3..fig9</c> (<see cref="Paper1Figures"/>).
/// </summary>
public static class Paper1Pipeline
{
    /// <summary>How often a process waiting for programs trained by others looks again.</summary>
    public const double PollSeconds = 10;

    /// <summary>
    /// Trains and analyses every program not yet done, then returns every program's outcome. A program whose
    /// run another process holds is skipped when <paramref name="wait"/> is false (its outcome says how far it
    /// is), or waited for when true.
    /// </summary>
    /// <param name="outDir">The reproduction folder (one run folder per program).</param>
    /// <param name="s">Settings.</param>
    /// <param name="data">MNIST preprocessed as the convention says (called at most once, and only if something is trained).</param>
    /// <param name="progress">Training and analysis progress.</param>
    /// <param name="wait">Wait for programs that other processes train (else report how far they are).</param>
    /// <param name="analyse">Analyse the finished programs (a helper process that only trains passes false).</param>
    /// <param name="ct">Stops training at the next step (state saved).</param>
    /// <param name="skipTraining">Train nothing; report what is done (the report of a run in progress).</param>
    public static IReadOnlyList<Paper1Outcome> Run(string outDir, Paper1Settings s, Func<MnistNormalization, TrainingData> data,
        IProgress<Paper1Progress>? progress = null, bool wait = true, bool analyse = true, CancellationToken ct = default, bool skipTraining = false)
    {
        ArgumentNullException.ThrowIfNull(s);
        ArgumentNullException.ThrowIfNull(data);
        s.Convention.Validate();
        Directory.CreateDirectory(outDir);
        TrainingData? loaded = null;
        TrainingData Data() => loaded ??= data(s.Convention.Input);
        var trainSeconds = new Dictionary<string, double>();
        var pending = skipTraining ? [] : s.Programs.ToList();
        while (pending.Count > 0)
        {
            bool worked = false;
            foreach (var p in pending.ToList())
            {
                ct.ThrowIfCancellationRequested();
                string runDir = Path.Combine(outDir, p.Name);
                if (RunFiles.IsComplete(runDir)) { pending.Remove(p); continue; }
                using var held = RunLock.TryAcquire(runDir);
                if (held is null) continue;
                var sw = Stopwatch.StartNew();
                var relay = progress is null ? null : new NeuralSpin.Reporting.SyncProgress<TrainingProgress>(tp => progress.Report(new Paper1Progress("train", p.Name, "", tp)));
                if (File.Exists(RunFiles.RunJson(runDir)))
                {
                    var recorded = RunFiles.ReadRunJson(runDir).Options;
                    if (recorded.Convention != s.Convention)
                        throw new ArgumentException($"run '{runDir}' was started with the training convention {recorded.Convention.Id}, not {s.Convention.Id}; finish it with that convention or choose another output folder");
                    Trainer.Resume(runDir, Data(), relay, ct);
                }
                else
                    Trainer.Train(runDir, Data(), Options(p, s), relay, ct);
                trainSeconds[p.Name] = sw.Elapsed.TotalSeconds;
                pending.Remove(p);
                worked = true;
            }
            if (pending.Count == 0 || !wait) break;
            if (!worked) Task.Delay(TimeSpan.FromSeconds(PollSeconds), ct).Wait(ct);
        }

        var outcomes = new List<Paper1Outcome>();
        foreach (var p in s.Programs)
        {
            string runDir = Path.Combine(outDir, p.Name);
            var (step, total) = RunFiles.Progress(runDir) ?? (0, -1);
            if (!RunFiles.IsComplete(runDir) || !analyse)
            {
                outcomes.Add(new Paper1Outcome(p, step, total, null, trainSeconds.GetValueOrDefault(p.Name), 0));
                continue;
            }
            var sw = Stopwatch.StartNew();
            var tp = progress is null ? null : new NeuralSpin.Reporting.SyncProgress<TrajectoryProgress>(x => progress.Report(new Paper1Progress("analyse", p.Name,
                $"checkpoint {x.Done}/{x.Total}{(x.Current is { } c ? $" (epoch {c.Epoch.ToString("G4", CultureInfo.InvariantCulture)})" : "")}", null)));
            var result = AnalyzeCached(runDir, s.Analysis, tp, ct);
            outcomes.Add(new Paper1Outcome(p, step, step, result, trainSeconds.GetValueOrDefault(p.Name), sw.Elapsed.TotalSeconds));
        }
        return outcomes;
    }

    /// <summary>
    /// The machine and software a reproduction ran on, as its report states it: cores, worker processes and libtorch
    /// threads, .NET, TorchSharp and libtorch versions (read from the loaded assemblies), and the seed.
    /// </summary>
    public static string DescribeEnvironment(Paper1Settings s, int workers) => FormattableString.Invariant(
        $"{Environment.ProcessorCount} cores, {workers} worker process(es) with {s.Threads} libtorch thread(s) each, .NET {Environment.Version}, TorchSharp {typeof(TorchSharp.torch).Assembly.GetName().Version} (libtorch {TorchSharp.torch.__version__}), seed {s.Seed}");

    /// <summary>The training options of a program under the settings (default checkpoint schedule, F32 checkpoints).</summary>
    public static TrainingOptions Options(Paper1Program p, Paper1Settings s) => new()
    {
        Program = TrainingPrograms.Parse(p.Program),
        Widths = s.Widths,
        LearningRate = p.LearningRate,
        Epochs = p.Epochs,
        Seed = s.Seed,
        Threads = s.Threads,
        Convention = s.Convention,
        ProgressInterval = 200,
    };

    /// <summary>
    /// Analyses a finished run and writes its trajectory.csv and plots, unless they are already there and newer than
    /// every checkpoint (then the analysis is still redone in memory: the CSV does not hold the spectra the figures need).
    /// </summary>
    static TrajectoryResult AnalyzeCached(string runDir, TrajectoryOptions options, IProgress<TrajectoryProgress>? progress, CancellationToken ct)
    {
        var result = TrajectoryAnalyzer.Analyze(runDir, options, progress, ct);
        var plots = TrajectoryPlots.Render(result);
        TrajectoryCsv.Write(Path.Combine(runDir, RunDirectory.CsvName), result.Rows);
        TrajectoryPlots.Write(plots, Path.Combine(runDir, RunDirectory.PlotsFolder));
        return result;
    }

    /// <summary>
    /// <c>summary.json</c> without its provenance, as a JSON object (<see cref="Paper1SummaryJson"/>, whose keys are documented there):
    /// per program (keyed by name) epochs, val_error, tc_start, tc_end (null without a zero), tc_corrected_start/end,
    /// lambda_max_j_start/end, outliers_end (eigenvalues of the final J above the initial lambda_max(J), the bulk edge of the
    /// untrained network), spacing_ratio_start, spacing_ratio_max, the paper's epochs and error, and the training convention.
    /// Unfinished programs have "done": false and their step.
    /// </summary>
    public static JsonObject Summary(IReadOnlyList<Paper1Outcome> outcomes, Paper1Settings s) =>
        JsonSerializer.SerializeToNode(Paper1SummaryJson.From(outcomes, s))!.AsObject();

    /// <summary>
    /// Writes report.md, summary.json (with the provenance of <paramref name="inputs"/>, the data files read) and
    /// figures/*.png for the outcomes (rendered first, then written, each file atomically); returns the paths.
    /// </summary>
    public static IReadOnlyList<string> WriteOutputs(string outDir, IReadOnlyList<Paper1Outcome> outcomes, Paper1Settings s, string environment,
        IEnumerable<string>? inputs = null)
    {
        string report = Paper1Report.Render($"Paper 1 reproduction ({s.Mode})", outcomes, s, environment);
        string summary = ResultJson.Text(Paper1SummaryJson.From(outcomes, s), inputs ?? [], ResultJsonStyle.RelaxedEscaping);
        var figures = Paper1Figures.Render(outcomes);
        var paths = new List<string>();
        Directory.CreateDirectory(outDir);
        string rp = Path.Combine(outDir, "report.md");
        AtomicFile.WriteAllText(rp, report);
        paths.Add(rp);
        string sp = Path.Combine(outDir, "summary.json");
        AtomicFile.WriteAllText(sp, summary);
        paths.Add(sp);
        paths.AddRange(TrajectoryPlots.Write(figures, Path.Combine(outDir, "figures")));
        return paths;
    }

}
