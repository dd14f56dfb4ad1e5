using System.CommandLine;
using System.Globalization;
using System.Runtime.InteropServices;
using NeuralSpin.Data;
using NeuralSpin.Training;
using Spectre.Console;

namespace NeuralSpin.Cli.Commands;

/// <summary>
/// <c>neuralspin train</c>: trains the binarized or the standard (ReLU) MLP of P1 sec. 3.1 / Table 1 on
/// MNIST (docs/theory.md section 9) with TorchSharp, writing checkpoints along the training, and
/// <c>--resume RUN_DIR</c> to continue an interrupted run. Ctrl-C (SIGINT) or SIGTERM saves the state and exits
/// with 130, printing the <c>--resume</c> command; a second Ctrl-C aborts at once. The run's lock is taken first, so a
/// second trainer on the same directory fails at once (exit 2) naming the first.
/// </summary>
public static class TrainCommand
{
    /// <summary>The library's defaults of a training run.</summary>
    static readonly TrainingOptions Defaults = new();

    /// <summary>Builds the command.</summary>
    public static Command Create(CliIO io)
    {
        var program = new Option<string?>("--program") { Description = "binarized (step activations, straight-through hard-tanh gradient) or standard (ReLU hidden units, linear output).", HelpName = "binarized|standard" };
        var lr = new Option<double>("--lr") { Description = $"Learning rate of SGD with momentum {Defaults.Momentum.ToString(CultureInfo.InvariantCulture)} (Table 1: 1e-4 or 1e-6).", DefaultValueFactory = _ => Defaults.LearningRate, HelpName = "LR" };
        var epochs = new Option<int>("--epochs") { Description = "Number of epochs (Table 1: binarized 500 / standard 60 at lr 1e-4; 960 at lr 1e-6).", DefaultValueFactory = _ => Defaults.Epochs, HelpName = "E" };
        var output = new Option<string?>("--out") { Description = "Run directory (must not hold a run yet): checkpoints/, state/, run.json.", HelpName = "RUN_DIR" };
        var resume = new Option<string?>("--resume") { Description = "Continue the interrupted run in RUN_DIR from its last saved state (same data, same result as an uninterrupted run).", HelpName = "RUN_DIR" };
        var seed = new Option<long>("--seed") { Description = "Seed of the initialisation and of the data order.", DefaultValueFactory = _ => Defaults.Seed, HelpName = "S" };
        var widths = new Option<string>("--widths") { Description = "Layer widths, input first.", DefaultValueFactory = _ => string.Join(",", Defaults.Widths), HelpName = "N0,N1,..." };
        var checkpoints = new Option<string>("--checkpoints") { Description = "Checkpoint schedule: 'default' (t = 0, 1/64 ... 1/2 epoch, then integer epochs on a roughly logarithmic grid up to the last), a list of epochs like '0,0.5,1,2,5', or 'every:K'.", DefaultValueFactory = _ => Defaults.Schedule, HelpName = "SCHEDULE" };
        var threads = ArgParsing.LibtorchThreadsOption();
        var margin = new Option<double?>("--margin") { Description = $"Margin of the squared multi-class hinge loss (default {TrainingConvention.Default.Margin.ToString(CultureInfo.InvariantCulture)}).", HelpName = "M" };
        var reduction = new Option<string?>("--reduction") { Description = "Loss over the batch: mean (PyTorch's reduction='mean', the default) or sum (reduction='sum').", HelpName = "mean|sum" };
        var noClassDivision = new Option<bool>("--no-class-division") { Description = "Do not divide each sample's hinge terms by the number of classes C (PyTorch's MultiMarginLoss divides; this is C times it)." };
        var input = new Option<string?>("--input") { Description = $"Input preprocessing: global ((x/255 - {MnistDataset.Mean.ToString(CultureInfo.InvariantCulture)})/{MnistDataset.StdDev.ToString(CultureInfo.InvariantCulture)}, the default), unit (x/255) or pixel (per-pixel standardization with the training set's mean and deviation).", HelpName = "global|unit|pixel" };
        var convention = new Option<string?>("--convention") { Description = "All four at once as an identifier REDUCTION_INPUT[_mMARGIN], e.g. sum-c_global (reduction mean|sum, '-c' when divided by C); not together with the separate options.", HelpName = "ID" };
        var bias = new Option<bool>("--bias") { Description = "Give the linear layers biases (the spin Hamiltonian has none; analysis ignores them with a notice)." };
        var dataDir = new Option<string?>("--data") { Description = "MNIST directory (default: $NEURALSPIN_DATA, else ~/.cache/neuralspin/mnist); fetched on first use.", HelpName = "PATH" };
        var cmd = new Command("train", "Train the binarized or standard 784-512-512-512-10 MLP of the paper on MNIST, with checkpoints (safetensors) along the way.")
        {
            program, lr, epochs, output, resume, seed, widths, checkpoints, threads, margin, reduction, noClassDivision, input, convention, bias, dataDir,
        };
        cmd.SetAction(parse =>
        {
            string? resumeDir = parse.GetValue(resume);
            string? runDir = parse.GetValue(output);
            if (resumeDir != null)
            {
                if (runDir != null) throw new UsageException("give either --out RUN_DIR for a new run or --resume RUN_DIR to continue one, not both.");
                return Resume(io, resumeDir, parse.GetValue(dataDir));
            }
            if (runDir == null) throw new UsageException("--out RUN_DIR is required for a new run (or --resume RUN_DIR to continue one).");
            string? prog = parse.GetValue(program) ?? throw new UsageException("--program is required: binarized or standard.");
            TrainingProgram p;
            try { p = TrainingPrograms.Parse(prog); }
            catch (FormatException e) { throw new UsageException($"--program '{prog}': {e.Message.TrimEnd('.')}. Give binarized or standard."); }
            var options = new TrainingOptions
            {
                Program = p,
                Widths = ArgParsing.Widths(parse.GetValue(widths)!),
                LearningRate = parse.GetValue(lr),
                Epochs = parse.GetValue(epochs),
                Seed = parse.GetValue(seed),
                Schedule = parse.GetValue(checkpoints)!,
                Threads = ThreadCount(parse.GetValue(threads)),
                Convention = ConventionFrom(parse.GetValue(convention), parse.GetValue(reduction), parse.GetValue(noClassDivision), parse.GetValue(margin), parse.GetValue(input)),
                Bias = parse.GetValue(bias),
            };
            try { CheckpointSchedule.Parse(options.Schedule).Epochs(Math.Max(options.Epochs, 0)); }
            catch (Exception e) when (e is FormatException or ArgumentException)
            {
                throw new UsageException($"--checkpoints: {e.Message.TrimEnd('.')}. Give 'default', 'every:K' with K a positive whole number of epochs (e.g. every:5), " +
                    $"or a comma list of epochs between 0 and --epochs {options.Epochs} (decimals or fractions a/b), e.g. --checkpoints 0,0.5,1.", e);
            }
            try { options.Validate(); }
            catch (ArgumentException e) { throw new UsageException(OptionMessage(e)); }
            catch (FormatException e) { throw new UsageException(e.Message); }
            return Train(io, runDir, options, parse.GetValue(dataDir));
        });
        return cmd;
    }

    /// <summary>
    /// The training convention from <c>--convention ID</c> or from the separate options (each defaulting to
    /// <see cref="TrainingConvention.Default"/>'s value); giving both forms is refused.
    /// </summary>
    public static TrainingConvention ConventionFrom(string? id, string? reduction, bool noClassDivision, double? margin, string? input)
    {
        try
        {
            if (id != null)
            {
                if (reduction != null || noClassDivision || margin != null || input != null)
                    throw new UsageException("give either --convention ID or the separate --reduction/--no-class-division/--margin/--input options, not both.");
                var c = TrainingConvention.Parse(id);
                c.Validate();
                return c;
            }
            var d = TrainingConvention.Default;
            var result = new TrainingConvention(
                reduction != null ? TrainingConvention.ParseReduction(reduction) : d.Reduction,
                noClassDivision ? false : d.DivideByClasses,
                margin ?? d.Margin,
                input != null ? TrainingConvention.ParseInput(input) : d.Input);
            result.Validate();
            return result;
        }
        catch (Exception e) when (e is FormatException or ArgumentException)
        {
            throw new UsageException(e.Message.TrimEnd('.') + ".");
        }
    }

    /// <summary>The thread count: the option, else $NEURALSPIN_THREADS, else 1, within the bounds of <see cref="ArgParsing.ThreadCount"/>.</summary>
    public static int ThreadCount(int? option) => ArgParsing.ThreadCount(option);

    /// <summary>
    /// The message of a <see cref="TrainingOptions.Validate"/> failure in the CLI's terms: the option named instead of
    /// the property (ArgumentException's " (Parameter 'LearningRate')" never reaches the user).
    /// </summary>
    public static string OptionMessage(ArgumentException e)
    {
        string text = e.Message;
        if (e.ParamName != null) text = text.Replace($" (Parameter '{e.ParamName}')", "");
        string? option = e.ParamName switch
        {
            nameof(TrainingOptions.LearningRate) => "--lr",
            nameof(TrainingOptions.Epochs) => "--epochs",
            nameof(TrainingOptions.Threads) => "--threads",
            nameof(TrainingOptions.Program) => "--program",
            nameof(TrainingOptions.Schedule) => "--checkpoints",
            nameof(TrainingOptions.Widths) => "--widths",
            nameof(TrainingOptions.Seed) => "--seed",
            _ => null,
        };
        text = text.TrimEnd('.');
        return option != null ? $"{option}: {text}." : text + ".";
    }

    /// <summary>MNIST as training data, preprocessed as <paramref name="input"/> says (default: globally standardized pixels, so that the binarized input sign(x) marks ink).</summary>
    public static TrainingData LoadMnist(CliIO io, string? dataDir, MnistNormalization input = MnistNormalization.Standardized)
    {
        var dir = DataCommand.EnsureMnist(io, dataDir);
        return TrainingData.FromMnist(MnistDataset.Load(dir), input);
    }

    /// <summary>
    /// The run's lock, taken before anything else (and held through the training, which then finds it held by this
    /// process): a second trainer on the directory fails at once, naming the holder.
    /// </summary>
    static RunLock LockRun(string runDir)
    {
        try { return RunLock.TryAcquire(runDir) ?? throw new RunLockedException(runDir, RunLock.ReadHolder(runDir)); }
        catch (RunLockedException e) { throw new UsageException(e.Message + ".", e); }
    }

    static int Train(CliIO io, string runDir, TrainingOptions options, string? dataDir)
    {
        CliIO.CheckOutputDirectory(runDir, "--out");
        using var held = LockRun(runDir);
        if (File.Exists(Path.Combine(runDir, "run.json")))
            throw new UsageException($"'{runDir}' already holds a training run; continue it with --resume {runDir} or choose another --out directory.");
        if (options.Widths[0] != MnistDataset.PixelsPerImage || options.Widths[^1] != MnistDataset.ClassCount)
            throw new UsageException($"--widths must start with {MnistDataset.PixelsPerImage} (MNIST pixels) and end with {MnistDataset.ClassCount} (classes), got {string.Join(",", options.Widths)}.");
        var data = LoadMnist(io, dataDir, options.Convention.Input);
        return Interruptible(io, runDir, $"train {options.Program.Name()} lr {options.LearningRate.ToString("G3", CultureInfo.InvariantCulture)}",
            (progress, ct) => Trainer.Train(runDir, data, options, progress, ct));
    }

    static int Resume(CliIO io, string runDir, string? dataDir)
    {
        CliIO.CheckOutputDirectory(runDir, "--resume");
        if (!File.Exists(Path.Combine(runDir, "run.json")))
            throw new UsageException($"'{runDir}' holds no training run (no run.json); start one with --out {runDir}.");
        using var held = LockRun(runDir);
        TrainingOptions recorded;
        try { recorded = RunFiles.ReadRunJson(runDir).Options; }
        catch (InvalidDataException e) { throw new UsageException(e.Message.TrimEnd('.') + ".", e); }
        var data = LoadMnist(io, dataDir, recorded.Convention.Input);
        return Interruptible(io, runDir, $"resume {runDir}", (progress, ct) => Trainer.Resume(runDir, data, progress, ct));
    }

    /// <summary>Exit code of a training stopped by SIGINT (Ctrl-C) or SIGTERM after saving its state (128 + SIGINT, as shells report it).</summary>
    public const int Interrupted = 130;

    /// <summary>
    /// Runs a training that the first SIGINT (Ctrl-C) or SIGTERM stops cleanly: the trainer saves its state at the next
    /// step, the command prints how to resume and returns <see cref="Interrupted"/>. A second signal is left to the
    /// runtime's default, which ends the process at once (the state of the last save stays usable).
    /// </summary>
    static int Interruptible(CliIO io, string runDir, string label, Func<IProgress<TrainingProgress>, CancellationToken, TrainingResult> run)
    {
        using var cts = new CancellationTokenSource();
        int signals = 0;
        bool First()
        {
            if (Interlocked.Increment(ref signals) != 1) return false;
            io.Err.WriteLine($"interrupt: saving the state of '{runDir}' at the next step (interrupt again to abort at once)");
            cts.Cancel();
            return true;
        }
        ConsoleCancelEventHandler onCancel = (_, e) => e.Cancel = First();
        Console.CancelKeyPress += onCancel;
        using var term = PosixSignalRegistration.Create(PosixSignal.SIGTERM, ctx => ctx.Cancel = First());
        try
        {
            return RunWithProgress(io, label, p => run(p, cts.Token));
        }
        catch (OperationCanceledException) when (cts.IsCancellationRequested)
        {
            string at = RunFiles.Progress(runDir) is var (step, total) ? $" at step {step}/{total}" : "";
            io.Err.WriteLine($"interrupted: the training state{at} is saved in '{RunFiles.StateDirectory(runDir)}'; continue it with: neuralspin train --resume {runDir}");
            return Interrupted;
        }
        finally
        {
            Console.CancelKeyPress -= onCancel;
        }
    }

    /// <summary>Runs a training call with a Spectre progress bar (plain lines when not on a terminal).</summary>
    public static int RunWithProgress(CliIO io, string label, Func<IProgress<TrainingProgress>, TrainingResult> run)
    {
        TrainingResult result;
        try
        {
            if (io.IsTerminal)
            {
                result = null!;
                io.Console_.Progress()
                    .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn(), new SpinnerColumn())
                    .Start(ctx =>
                    {
                        var task = ctx.AddTask(label, maxValue: 1);
                        void Update(TrainingProgress p)
                        {
                            task.MaxValue = p.TotalSteps;
                            task.Value = p.Step;
                            task.Description = $"{label}: epoch {p.Epoch:F2}/{p.TotalEpochs} step {p.Step}/{p.TotalSteps} loss {p.TrainLoss:G4} {p.SamplesPerSecond:F0} samples/s"
                                + (p.ValidationError is double v ? $" val err {v:F4}" : "");
                            ctx.Refresh();
                        }
                        result = run(new NeuralSpin.Reporting.SyncProgress<TrainingProgress>(Update));
                    });
            }
            else
            {
                DateTime last = DateTime.MinValue;
                result = run(new NeuralSpin.Reporting.SyncProgress<TrainingProgress>(p =>
                {
                    if ((DateTime.UtcNow - last).TotalSeconds < 10 && p.Step != p.TotalSteps) return;
                    last = DateTime.UtcNow;
                    io.Out.WriteLine(FormattableString.Invariant(
                        $"{label}: epoch {p.Epoch:F3}/{p.TotalEpochs} step {p.Step}/{p.TotalSteps} loss {p.TrainLoss:G4} {p.SamplesPerSecond:F0} samples/s ETA {(p.Eta is TimeSpan e ? e.ToString(@"hh\:mm\:ss") : "?")}"));
                }));
            }
        }
        catch (Exception e) when (e is InvalidOperationException or ArgumentException or InvalidDataException)
        {
            throw new UsageException(e.Message.TrimEnd('.') + ".", e);
        }
        var t = new Table().AddColumn("epoch").AddColumn("step").AddColumn("val error").AddColumn("train loss").AddColumn("samples/s").AddColumn("file");
        t.Title = new TableTitle($"{label}: {(result.Completed ? "done" : "stopped")} at step {result.Step}/{result.TotalSteps}, {result.SamplesPerSecond:F0} samples/s");
        foreach (var c in result.Checkpoints)
            t.AddRow(CliIO.Num(c.Epoch), c.Step.ToString(CultureInfo.InvariantCulture), c.ValidationError.ToString("F4", CultureInfo.InvariantCulture),
                double.IsNaN(c.TrainLoss) ? "" : c.TrainLoss.ToString("G5", CultureInfo.InvariantCulture),
                double.IsNaN(c.SamplesPerSecond) ? "" : c.SamplesPerSecond.ToString("F0", CultureInfo.InvariantCulture), Path.GetFileName(c.Path));
        io.Console_.Write(t);
        return CliApp.Ok;
    }

}
