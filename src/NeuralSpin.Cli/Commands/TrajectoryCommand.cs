using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using NeuralSpin.Numerics;
using NeuralSpin.Reporting;
using NeuralSpin.Trajectory;
using Spectre.Console;

namespace NeuralSpin.Cli.Commands;

/// <summary>
/// <c>neuralspin trajectory RUN_DIR</c>: analyses every checkpoint of a training run
/// (RUN_DIR/checkpoints/*.safetensors) with the level c_0 of its own t = 0 checkpoint
/// (TrajectoryAnalyzer), prints the rows and the power-law fit of T_c(t), and writes
/// RUN_DIR/trajectory.csv and the figures RUN_DIR/plots/*.png (P1 Figs. 4-9). With <c>--shard i/n</c> it analyses only
/// that shard's checkpoints into RUN_DIR/trajectory-shards/ and <c>--merge</c> then writes the same trajectory.csv and plots
/// from the shards (<see cref="TrajectoryShards"/>).
/// </summary>
public static class TrajectoryCommand
{
    /// <summary>At most this many rows are printed; longer runs are thinned (the CSV has them all).</summary>
    public const int MaxPrintedRows = 60;

    /// <summary>The library's defaults of a trajectory analysis.</summary>
    static readonly TrajectoryOptions Defaults = new();

    /// <summary>Builds the command.</summary>
    public static Command Create(CliIO io)
    {
        var runDir = new Argument<string>("RUN_DIR")
        {
            Description = "Training run directory: checkpoints/*.safetensors (or .pt/.pth/.onnx/.h5/.keras files, or sharded checkpoint directories) with metadata epoch, step (0 for the untrained network) and optionally val_error.",
        };
        var betaMax = ArgParsing.BetaMaxOption(Defaults.BetaMax);
        var fitFrom = new Option<double?>("--fit-from")
        {
            Description = "First epoch of the power-law fit T_c(t) ~ t^alpha (default: 1 if at least two checkpoints lie at t >= 1, else every t > 0).",
            HelpName = "E1",
        };
        var fitTo = new Option<double?>("--fit-to")
        {
            Description = "Last epoch of the power-law fit (default: the last checkpoint).",
            HelpName = "E2",
        };
        var skipBad = new Option<bool>("--skip-bad")
        {
            Description = "Leave out checkpoints that cannot be used (damaged, NaN or infinite weights, other widths) and list them, " +
                          "instead of stopping; the t = 0 checkpoint and one after it are still required.",
        };
        var threads = ArgParsing.LibtorchThreadsOption();
        var shard = new Option<string?>("--shard")
        {
            Description = "Analyse only shard i of n (the checkpoints k, in step order, with k mod n = i) and write their rows to " +
                          "RUN_DIR/trajectory-shards/shard-i-of-n.json; run i = 0..n-1 (e.g. as a Slurm job array), then --merge.",
            HelpName = "i/n",
        };
        var merge = new Option<bool>("--merge")
        {
            Description = "Merge the shards in RUN_DIR/trajectory-shards/ (all n present, of one run and one c_0) into trajectory.csv and the plots, as one process writes them.",
        };
        var cmd = new Command("trajectory",
            "Analyse every checkpoint of a training run with the level c_0 of its t = 0 checkpoint: T_c(t), corrected T_c(t), lambda_max(J), lambda_min(R), s_0/s_typ; " +
            "fit T_c(t) ~ t^alpha; write RUN_DIR/trajectory.csv and RUN_DIR/plots/*.png.")
        {
            runDir, betaMax, fitFrom, fitTo, skipBad, threads, shard, merge,
        };
        cmd.SetAction(parse => Run(io, new Settings(
            parse.GetValue(runDir)!,
            parse.GetValue(betaMax),
            parse.GetValue(fitFrom),
            parse.GetValue(fitTo),
            parse.GetValue(threads),
            parse.GetValue(skipBad),
            parse.GetValue(shard),
            parse.GetValue(merge))));
        return cmd;
    }

    /// <summary>The parsed options of one run.</summary>
    /// <param name="Shard">"i/n": analyse only that shard and write its file (<see cref="TrajectoryShards"/>).</param>
    /// <param name="Merge">Merge the shards into trajectory.csv and the plots.</param>
    public sealed record Settings(string RunDir, double BetaMax, double? FitFrom, double? FitTo, int? Threads, bool SkipBad = false,
        string? Shard = null, bool Merge = false);

    static string Inv(double v) => v.ToString(CultureInfo.InvariantCulture);

    static void Validate(Settings s)
    {
        if (!(double.IsFinite(s.BetaMax) && s.BetaMax > 0))
            throw new UsageException($"--beta-max {Inv(s.BetaMax)} is not allowed: it must be finite and positive (default {Inv(Defaults.BetaMax)}).");
        if (s.FitFrom is double a && !(double.IsFinite(a) && a >= 0))
            throw new UsageException($"--fit-from {Inv(a)} is not allowed: give a finite epoch >= 0, e.g. --fit-from 1.");
        if (s.FitTo is double b && !(double.IsFinite(b) && b > 0))
            throw new UsageException($"--fit-to {Inv(b)} is not allowed: give a finite positive epoch, e.g. --fit-to 100.");
        if (s.FitFrom is double f && s.FitTo is double t && !(t > f))
            throw new UsageException($"--fit-from {Inv(f)} and --fit-to {Inv(t)} give an empty fit range; --fit-to must be larger than --fit-from.");
        ArgParsing.ThreadCount(s.Threads);
        if (ValidateShard(s) is var (i, n))
        {
            if (Directory.Exists(s.RunDir)) CliIO.CheckOutputPath(TrajectoryShards.PathOf(s.RunDir, i, n), "RUN_DIR");
            return;
        }
        if (Directory.Exists(s.RunDir))
        {
            CliIO.CheckOutputPath(Path.Combine(s.RunDir, RunDirectory.CsvName), "RUN_DIR");
            CliIO.CheckOutputDirectory(Path.Combine(s.RunDir, RunDirectory.PlotsFolder), "RUN_DIR");
        }
    }

    /// <summary>Runs the command with parsed settings.</summary>
    public static int Run(CliIO io, Settings s)
    {
        var total = Stopwatch.StartNew();
        Validate(s);
        TorchLinalg.Configure(ArgParsing.ThreadCount(s.Threads));
        var options = new TrajectoryOptions { BetaMax = s.BetaMax, FitFrom = s.FitFrom, FitTo = s.FitTo, SkipBad = s.SkipBad };
        if (s.Shard != null) return RunShard(io, s, options);
        TrajectoryMerge? merged = null;
        var (result, plots, csv, plotDir, written) = AnalyzeAndWrite(io, s.RunDir, options,
            s.Merge ? () => (merged = TrajectoryShards.Merge(s.RunDir, options)).Result : null);

        // ten numeric columns: let a log or a pipe have a wider table than the default 110 columns
        if (!io.IsTerminal) io.Console_.Profile.Width = Math.Max(io.Console_.Profile.Width, 150);
        io.Console_.Write(Table(s, result));
        io.Console_.Write(new Text(FitText(result) + "\n"));
        if (!plots.Any(p => p.Name == "validation_error.png"))
            io.Notice("no checkpoint records val_error, so there is no validation-error plot (Fig. 4).");
        if (result.Skipped.Count > 0)
        {
            int all = result.Skipped.Count + result.Checkpoints.Count;
            io.Notice($"--skip-bad skipped {result.Skipped.Count} of {all} checkpoints; the table, {RunDirectory.CsvName} and the plots cover the other {result.Checkpoints.Count}:");
            foreach (var x in result.Skipped) io.Notice($"skipped '{x.Path}': {x.Reason}.");
        }
        io.Console_.Write(new Text($"wrote {csv} ({result.Rows.Count} rows)\n"));
        io.Console_.Write(new Text($"wrote {written.Count} plots to {plotDir}: {string.Join(", ", plots.Select(p => p.Name))}\n"));
        if (merged != null)
            io.Console_.Write(new Text($"merged {merged.ShardCount} shards of {TrajectoryShards.Folder}/ (their analyses: {merged.ShardSeconds.Sum():F2} s in all, the longest {merged.ShardSeconds.Max():F2} s)\n"));
        io.Console_.Write(new Text($"elapsed {result.ElapsedSeconds:F2} s {(merged != null ? "merge" : "analysis")}, {total.Elapsed.TotalSeconds:F2} s in total\n"));
        return CliApp.Ok;
    }

    /// <summary>--shard i/n as (i, n), or null; --shard with --merge or a fit range is a usage error.</summary>
    static (int Index, int Count)? ValidateShard(Settings s)
    {
        if (s.Shard is null) return null;
        if (s.Merge)
            throw new UsageException("--shard and --merge are two steps: run 'trajectory RUN_DIR --shard i/n' for i = 0..n-1, then 'trajectory RUN_DIR --merge'.");
        if (s.FitFrom.HasValue || s.FitTo.HasValue)
            throw new UsageException("--fit-from and --fit-to apply to the merge ('trajectory RUN_DIR --merge'), not to a shard, which writes rows only.");
        try { return NeuralSpin.BinaryNets.EnsembleOptions.ParseShard(s.Shard); }
        catch (FormatException) { throw new UsageException($"--shard '{s.Shard}' is not i/n with 0 <= i < n, e.g. --shard 0/2."); }
    }

    /// <summary>Analyses one shard and writes its file (<see cref="TrajectoryShards.RunShard"/>).</summary>
    static int RunShard(CliIO io, Settings s, TrajectoryOptions options)
    {
        var (i, n) = ValidateShard(s)!.Value;
        TrajectoryShard shard;
        try { shard = TrajectoryShards.RunShard(s.RunDir, i, n, options, new PlainProgress(io)); }
        catch (RunDirectoryException e) { throw new UsageException(e.Message, e); }
        io.Console_.Write(new Text(
            $"shard {i}/{n}: {shard.Rows.Count} of the run's {shard.Checkpoints.Count} checkpoints analysed" +
            (shard.Skipped.Count > 0 ? $", {shard.Skipped.Count} skipped" : "") +
            $" with c_0 = {CliIO.Num(shard.Level)} of the t = 0 checkpoint in {shard.ElapsedSeconds:F2} s\n" +
            $"wrote {TrajectoryShards.PathOf(s.RunDir, i, n)}\n"));
        return CliApp.Ok;
    }

    /// <summary>
    /// Analyses the run (progress bar on a terminal, plain lines otherwise), or takes the result of <paramref name="analyze"/>
    /// (the merge of the run's shards) when given, renders the plots, and only then
    /// writes trajectory.csv and plots/*.png, together (<see cref="OutputSet"/>). Run-directory problems become usage errors.
    /// </summary>
    public static (TrajectoryResult Result, IReadOnlyList<PlotFile> Plots, string Csv, string PlotDir, IReadOnlyList<string> Written)
        AnalyzeAndWrite(CliIO io, string runDir, TrajectoryOptions options, Func<TrajectoryResult>? analyze = null)
    {
        TrajectoryResult result;
        IReadOnlyList<PlotFile> plots;
        try
        {
            result = analyze != null ? analyze()
                : io.IsTerminal ? AnalyzeWithBar(io, runDir, options) : TrajectoryAnalyzer.Analyze(runDir, options, new PlainProgress(io));
            plots = TrajectoryPlots.Render(result);
        }
        catch (RunDirectoryException e)
        {
            throw new UsageException(e.Message, e);
        }
        string csv = Path.Combine(runDir, RunDirectory.CsvName);
        string plotDir = Path.Combine(runDir, RunDirectory.PlotsFolder);
        // the CSV and the plots together, or none of them
        using var outputs = new OutputSet();
        outputs.Add(csv, tmp => TrajectoryCsv.Write(tmp, result.Rows));
        foreach (var p in plots) outputs.AddBytes(Path.Combine(plotDir, p.Name), p.Png);
        var written = outputs.Commit().Skip(1).ToList();
        return (result, plots, csv, plotDir, written);
    }

    static TrajectoryResult AnalyzeWithBar(CliIO io, string runDir, TrajectoryOptions options)
    {
        TrajectoryResult? result = null;
        io.Console_.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(),
                new ElapsedTimeColumn(), new RemainingTimeColumn(), new SpinnerColumn())
            .Start(ctx =>
            {
                var task = ctx.AddTask("checkpoints", maxValue: 1);
                var sw = Stopwatch.StartNew();
                var progress = new SyncProgress(p =>
                {
                    task.MaxValue = p.Total;
                    task.Value = p.Done;
                    double rate = ProgressRate.PerSecond(p.Done, sw.Elapsed.TotalSeconds);
                    string what = p.Current is { } c ? $"epoch {CliIO.Num(c.Epoch)}" : p.Stage;
                    task.Description = Markup.Escape($"{p.Done}/{p.Total} {what} ({rate:F2} checkpoints/s)");
                });
                result = TrajectoryAnalyzer.Analyze(runDir, options, progress);
                task.Value = task.MaxValue;
            });
        return result!;
    }

    /// <summary>One plain line per checkpoint (output that is not a terminal, e.g. logs and tests).</summary>
    sealed class PlainProgress(CliIO io) : IProgress<TrajectoryProgress>
    {
        readonly Stopwatch _sw = Stopwatch.StartNew();

        public void Report(TrajectoryProgress p)
        {
            double elapsed = _sw.Elapsed.TotalSeconds;
            string rate = ProgressRate.RemainingSeconds(p.Done, p.Total, elapsed) is double eta
                ? $", {ProgressRate.PerSecond(p.Done, elapsed):F2} checkpoints/s, ETA {eta:F1} s" : "";
            string what = p.Current is { } c ? $"epoch {CliIO.Num(c.Epoch)}, step {c.Step}: {p.Stage}" : p.Stage;
            io.Out.WriteLine($"[{p.Done}/{p.Total}] {what} (elapsed {elapsed:F1} s{rate})");
        }
    }

    sealed class SyncProgress(Action<TrajectoryProgress> report) : IProgress<TrajectoryProgress>
    {
        public void Report(TrajectoryProgress value) => report(value);
    }

    static string Opt(double? v) => v is double x && !double.IsNaN(x) ? Short(x) : "-";

    static string Short(double v) => v.ToString("G6", CultureInfo.InvariantCulture);

    static Table Table(Settings s, TrajectoryResult r)
    {
        var t = new Table().Border(TableBorder.Simple);
        t.Title = new TableTitle(Markup.Escape(
            $"Trajectory of {s.RunDir} ({r.Rows.Count} checkpoints, widths {string.Join("-", r.Initial.Widths)}, c_0 = {CliIO.Num(r.Level)} at beta = {CliIO.Num(r.LevelBeta)})"));
        foreach (var h in new[] { "epoch", "step", "val_error", "T_c", "T_c(c_0)", "min lambda_min", "lambda_max(J)", "lambda_min(R)", "lambda_min(R) rel. change", "s_0/s_typ" })
            t.AddColumn(new TableColumn(Markup.Escape(h)).RightAligned());
        var indices = RowSelection.Evenly(r.Rows.Count, MaxPrintedRows);
        foreach (int i in indices)
        {
            var x = r.Rows[i];
            t.AddRow(new Text(Short(x.Epoch)), new Text(x.Step.ToString(CultureInfo.InvariantCulture)), new Text(Opt(x.ValError)),
                new Text(Opt(x.Tc)), new Text(Opt(x.TcCorrected)), new Text(Short(x.CurveMinLambda)), new Text(Short(x.LambdaMaxJ)),
                new Text(Short(x.LambdaMinR)), new Text(Opt(x.LambdaMinRChange)), new Text(Opt(x.FirstLevelSpacingRatio)));
        }
        if (indices.Count < r.Rows.Count)
            t.Caption = new TableTitle($"{indices.Count} of {r.Rows.Count} rows shown; all are in trajectory.csv");
        return t;
    }

    /// <summary>The power-law fits as text.</summary>
    public static string FitText(TrajectoryResult r)
    {
        string range = $"t in [{CliIO.Num(r.FitFrom)}, {(double.IsPositiveInfinity(r.FitTo) ? "last" : CliIO.Num(r.FitTo))}]";
        static string One(string name, PowerLaw? f, string note) => f is null
            ? $"power law {name}: no fit ({note})"
            : $"power law {name} = A t^alpha: alpha = {CliIO.Num(f.Exponent)}, A = {CliIO.Num(f.Prefactor)}, R^2 = {f.RSquared:F4}, n = {f.N} (t = {CliIO.Num(f.TMin)}..{CliIO.Num(f.TMax)})";
        return $"fit range {range}\n{One("T_c(c_0)", r.TcCorrectedFit, r.TcCorrectedFitNote)}\n{One("T_c", r.TcFit, r.TcFitNote)}";
    }
}
