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
/// RUN_DIR/trajectory.csv and the figures RUN_DIR/plots/*.png (P1 Figs. 4-9).
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
        var cmd = new Command("trajectory",
            "Analyse every checkpoint of a training run with the level c_0 of its t = 0 checkpoint: T_c(t), corrected T_c(t), lambda_max(J), lambda_min(R), s_0/s_typ; " +
            "fit T_c(t) ~ t^alpha; write RUN_DIR/trajectory.csv and RUN_DIR/plots/*.png.")
        {
            runDir, betaMax, fitFrom, fitTo, skipBad, threads,
        };
        cmd.SetAction(parse => Run(io, new Settings(
            parse.GetValue(runDir)!,
            parse.GetValue(betaMax),
            parse.GetValue(fitFrom),
            parse.GetValue(fitTo),
            parse.GetValue(threads),
            parse.GetValue(skipBad))));
        return cmd;
    }

    /// <summary>The parsed options of one run.</summary>
    public sealed record Settings(string RunDir, double BetaMax, double? FitFrom, double? FitTo, int? Threads, bool SkipBad = false);

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
        var (result, plots, csv, plotDir, written) = AnalyzeAndWrite(io, s.RunDir, options);

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
        io.Console_.Write(new Text($"elapsed {result.ElapsedSeconds:F2} s analysis, {total.Elapsed.TotalSeconds:F2} s in total\n"));
        return CliApp.Ok;
    }

    /// <summary>
    /// Analyses the run (progress bar on a terminal, plain lines otherwise), renders the plots, and only then
    /// writes trajectory.csv and plots/*.png, together (<see cref="OutputSet"/>). Run-directory problems become usage errors.
    /// </summary>
    public static (TrajectoryResult Result, IReadOnlyList<PlotFile> Plots, string Csv, string PlotDir, IReadOnlyList<string> Written)
        AnalyzeAndWrite(CliIO io, string runDir, TrajectoryOptions options)
    {
        TrajectoryResult result;
        IReadOnlyList<PlotFile> plots;
        try
        {
            result = io.IsTerminal ? AnalyzeWithBar(io, runDir, options) : TrajectoryAnalyzer.Analyze(runDir, options, new PlainProgress(io));
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
