using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using NeuralSpin.BinaryNets;
using NeuralSpin.Data;
using NeuralSpin.Reporting;
using NeuralSpin.Reproduction;
using NeuralSpin.Reproduction.Published;
using NeuralSpin.Training;
using NeuralSpin.Trajectory;
using Spectre.Console;

namespace NeuralSpin.Cli.Commands;

/// <summary>
/// <c>neuralspin reproduce paper1 --quick|--full</c>: fetches MNIST, trains the programs of P1 Table 1,
/// analyses every checkpoint and writes the CSVs, the plots and a report of the paper's checkable claims.
/// Resumable: a run directory that already holds a run is continued (or, when finished, reused).
/// </summary>
public static class ReproduceCommand
{
    /// <summary>The library's defaults of a paper-1 reproduction and of its calibration study.</summary>
    static readonly Paper1Settings Paper1Defaults = new();
    static readonly CalibrationSettings CalibrationDefaults = new();

    /// <summary>Builds the command.</summary>
    public static Command Create(CliIO io)
    {
        var quick = new Option<bool>("--quick") { Description = $"A short schedule: {Programs(Paper1Report.Quick)}; about a quarter of an hour here." };
        var full = new Option<bool>("--full") { Description = $"Table 1's programs in full ({Programs(Paper1Report.Table1)}; hours); resumable." };
        var output = new Option<string?>("--out") { Description = "Output directory (default results/paper1-quick or results/paper1-full).", HelpName = "DIR" };
        var threads = ArgParsing.LibtorchThreadsOption();
        var seed = new Option<long>("--seed") { Description = "Seed of every training run.", DefaultValueFactory = _ => Paper1Defaults.Seed, HelpName = "S" };
        var dataDir = new Option<string?>("--data") { Description = "MNIST directory (default: $NEURALSPIN_DATA, else ~/.cache/neuralspin/mnist).", HelpName = "PATH" };
        var epochsScale = new Option<double>("--epochs-scale") { Description = "Multiply every program's epoch budget (e.g. 0.1 for a smoke run).", DefaultValueFactory = _ => Paper1Settings.DefaultEpochsScale, HelpName = "X" };
        var calibrate = new Option<bool>("--calibrate") { Description = FormattableString.Invariant($"The calibration study of the training convention against Table 1: the standard program at lr {CalibrationDefaults.LearningRate:G2} for {CalibrationDefaults.StandardEpochs} epochs under {CalibrationDefaults.Candidates.Count} conventions, then the best with {CalibrationDefaults.Seeds} seeds and the binarized program (hours; resumable).") };
        var workers = new Option<int>("--workers") { Description = $"Trainings run at once, each in its own process on --threads libtorch threads (default {CalibrationDefaults.Workers}: the programs of --quick/--full, the runs of --calibrate).", DefaultValueFactory = _ => CalibrationDefaults.Workers, HelpName = "W" };
        var finalists = new Option<int>("--finalists") { Description = "Conventions --calibrate takes to its second stage.", DefaultValueFactory = _ => CalibrationDefaults.Finalists, HelpName = "K" };
        var conventionOption = new Option<string?>("--convention") { Description = "Training convention of --quick/--full (default: the one the calibration study chose, sum-c_global); see 'train --help'.", HelpName = "ID" };
        var statusOnly = new Option<bool>("--report-only") { Description = "Train nothing: analyse the finished programs and write the report, summary and figures of what is done so far (for a run in progress)." };
        var worker = new Option<bool>("--worker") { Description = "Internal: a helper process of --calibrate --workers W (trains its share of the runs, writes no report).", Hidden = true };
        var seeds = new Option<int>("--seeds") { Description = "Seeds per finalist in --calibrate.", DefaultValueFactory = _ => CalibrationDefaults.Seeds, HelpName = "N" };
        var widthsOption = new Option<string?>("--widths") { Description = $"Layer widths of --quick/--full, {MnistDataset.PixelsPerImage} first and {MnistDataset.ClassCount} last (default Table 1's {string.Join("-", new Paper1Settings().Widths)}); smaller networks make a fast smoke run of the whole pipeline, not the paper's numbers.", HelpName = "N0,N1,..." };
        var paper1 = new Command("paper1", "Reproduce P1 (Barney, Winer, Galitski): train, analyse the trajectory, plot, and report each checkable claim.")
        {
            quick, full, calibrate, output, threads, seed, dataDir, epochsScale, widthsOption, workers, finalists, seeds, conventionOption, statusOnly, worker,
        };
        paper1.SetAction(parse =>
        {
            bool q = parse.GetValue(quick), f = parse.GetValue(full), c = parse.GetValue(calibrate);
            if ((q ? 1 : 0) + (f ? 1 : 0) + (c ? 1 : 0) != 1) throw new UsageException("give exactly one of --quick, --full or --calibrate.");
            if (c && parse.GetValue(widthsOption) is not null) throw new UsageException("--widths applies to --quick and --full; --calibrate trains Table 1's network.");
            if (c)
            {
                string calDir = parse.GetValue(output) ?? Path.Combine("results", "paper1-calibration");
                CliIO.CheckOutputPath(Path.Combine(calDir, "calibration.md"), "--out");
                CheckWorkers(parse.GetValue(workers));
                var settings = new CalibrationSettings
                {
                    Seed = parse.GetValue(seed),
                    Workers = parse.GetValue(workers),
                    Threads = TrainCommand.ThreadCount(parse.GetValue(threads)),
                    Seeds = parse.GetValue(seeds),
                }.WithFinalists(parse.GetValue(finalists));
                try { settings.Validate(); }
                catch (ArgumentException e) { throw new UsageException(e.Message.TrimEnd('.') + "."); }
                return RunCalibration(io, settings, calDir, parse.GetValue(dataDir), parse.GetValue(worker));
            }
            double scale = parse.GetValue(epochsScale);
            if (!(scale > 0) || !double.IsFinite(scale)) throw new UsageException(FormattableString.Invariant($"--epochs-scale must be positive and finite, got {scale}."));
            var programs = Paper1Settings.ScaleEpochs(q ? Paper1Report.Quick : Paper1Report.Table1, scale);
            string outDir = parse.GetValue(output) ?? Path.Combine("results", q ? "paper1-quick" : "paper1-full");
            CliIO.CheckOutputPath(Path.Combine(outDir, "report.md"), "--out");
            int w = parse.GetValue(workers);
            CheckWorkers(w);
            var conv = parse.GetValue(conventionOption) is string id ? TrainCommand.ConventionFrom(id, null, false, null, null) : Paper1Report.Convention;
            var p1 = new Paper1Settings
            {
                Mode = q ? "quick" : "full",
                Programs = programs,
                Convention = conv,
                Seed = parse.GetValue(seed),
                Threads = TrainCommand.ThreadCount(parse.GetValue(threads)),
            };
            if (parse.GetValue(widthsOption) is string widthsText)
            {
                var layerWidths = ArgParsing.Widths(widthsText);
                if (layerWidths[0] != MnistDataset.PixelsPerImage || layerWidths[^1] != MnistDataset.ClassCount)
                    throw new UsageException($"--widths must start with {MnistDataset.PixelsPerImage} (MNIST pixels) and end with {MnistDataset.ClassCount} (classes), got {widthsText}.");
                p1 = p1 with { Widths = layerWidths };
            }
            return Run(io, p1, outDir, w, parse.GetValue(dataDir), parse.GetValue(worker), parse.GetValue(statusOnly));
        });
        return new Command("reproduce", "Reproduce a paper's results with one command.") { paper1, CreatePaper2(io) };
    }

    /// <summary>"name for E epochs, ..." of a list of programs, for the help text.</summary>
    static string Programs(IEnumerable<Paper1Program> programs) => string.Join(", ", programs.Select(p => $"{p.Name} for {p.Epochs} epochs"));

    static Command CreatePaper2(CliIO io)
    {
        var quick = new Option<bool>("--quick") { Description = "Ensembles of 10,000 trainings each, one configuration per training (its best of 50 draws, if it reaches the accuracy threshold): the deep network on the whole training set and on its first 500 images (over-parameterized) and the shallow network; the shallow network, each deep ensemble's three layers and whole network analysed. Estimated 40 min at most on 2 whole cores (about 19 min of collection); resumable: the collection is stored in chunks, ensembles and fits are reused." };
        var full = new Option<bool>("--full") { Description = "Ensembles of 100,000 trainings each (about 3.2 h of collection on 2 cores), every kept configuration fitted, longer landscape, TAP and MC schedules (several hours more); resumable, and its collection can run as a Slurm array (--prepare, --collect-only --shard I/N)." };
        var output = new Option<string?>("--out") { Description = "Output directory (default results/paper2-quick or results/paper2-full).", HelpName = "DIR" };
        var threads = new Option<int?>("--threads") { Description = "Threads of libtorch and of the pseudolikelihood fit (default: $NEURALSPIN_THREADS, else 1 for libtorch; the fit uses all processors unless given).", HelpName = "T" };
        var seed = new Option<long>("--seed") { Description = "Master seed.", DefaultValueFactory = _ => 1, HelpName = "S" };
        var dataDir = new Option<string?>("--data") { Description = "MNIST directory (default: $NEURALSPIN_DATA, else ~/.cache/neuralspin/mnist).", HelpName = "PATH" };
        var published = new Option<string?>("--published") { Description = "Analyse the authors' published models instead of our ensembles: DIR is a clone of their repository (data/Ising_model, data/data_moments, task/Entropy/ref_sigma, task/DoubleDescent/testPCA50.npy); whatever subset is present is used. About 15-25 min on 2 cores; with --full every reference set around every model (the 675-weight models included) and longer Boltzmann learning, several hours. Resumable: stage results are kept in OUT/cache/ and a rerun reads them.", HelpName = "DIR" };
        var settings = new Option<string?>("--settings") { Description = $"A JSON file of settings that replace the schedule's (--quick or --full) values, e.g. {{\"trainings\": 16, \"epochs\": 2}}; the keys: {string.Join(", ", Paper2Settings.Keys)}.", HelpName = "FILE" };
        var collectOnly = new Option<bool>("--collect-only") { Description = "Only collect the ensembles' trainings into --out (chunks of trainings-per-group trainings, each stored as it finishes) and stop; a later run with the same options and --out reads them, puts the ensembles together and analyses them. With --shard, one shard's chunks." };
        var shard = new Option<string?>("--shard") { Description = "With --collect-only: collect the chunks c with c mod N = I of every ensemble (task I of a Slurm array of N over one shared --out; scripts/slurm/README.md).", HelpName = "I/N" };
        var prepare = new Option<bool>("--prepare") { Description = "Fetch MNIST, fit and store the PCA-20 projection in --out and record the settings there, then stop: run once before a Slurm array of --collect-only --shard tasks so that every task reads the same projection." };
        var paper2 = new Command("paper2", "Reproduce P2 (Zou, Huang): ensembles of binary networks, effective Ising models, entropy landscapes, TAP and MC; report each claim.")
        {
            quick, full, output, threads, seed, dataDir, published, settings, collectOnly, shard, prepare,
        };
        paper2.SetAction(parse =>
        {
            bool q = parse.GetValue(quick), f = parse.GetValue(full), only = parse.GetValue(collectOnly), prep = parse.GetValue(prepare);
            string? shardText = parse.GetValue(shard);
            if ((only || prep || shardText is not null) && parse.GetValue(published) is not null)
                throw new UsageException("--collect-only, --shard and --prepare apply to our own ensembles (--quick or --full); --published collects nothing.");
            if (shardText is not null && !only) throw new UsageException("--shard selects the chunks a --collect-only task collects: give it with --collect-only.");
            if (only && prep) throw new UsageException("--prepare and --collect-only are separate steps: run --prepare once, then the --collect-only tasks.");
            (int Index, int Count) sh = (0, 1);
            if (shardText is not null)
            {
                try { sh = EnsembleOptions.ParseShard(shardText); }
                catch (FormatException) { throw new UsageException($"--shard '{shardText}' is not I/N with 0 <= I < N, e.g. --shard 0/8."); }
            }
            if (parse.GetValue(published) is { } pubDir)
            {
                if (q) throw new UsageException("--published analyses the authors' models and trains nothing: give it without --quick (--full widens its coverage: every reference around every model).");
                if (parse.GetValue(settings) is not null) throw new UsageException("--settings changes the schedule of --quick or --full; --published has no training schedule.");
                string pubOut = parse.GetValue(output) ?? Path.Combine("results", "paper2-published");
                CliIO.CheckOutputPath(Path.Combine(pubOut, "report.md"), "--out");
                NeuralSpin.Numerics.TorchLinalg.Configure(TrainCommand.ThreadCount(parse.GetValue(threads)));
                return RunPublished(io, pubDir, (f ? PublishedOptions.Full : new PublishedOptions()) with { Seed = parse.GetValue(seed) }, pubOut);
            }
            if (q == f) throw new UsageException("give exactly one of --quick or --full (or --published DIR).");
            string outDir = parse.GetValue(output) ?? Path.Combine("results", q ? "paper2-quick" : "paper2-full");
            CliIO.CheckOutputPath(Path.Combine(outDir, "report.md"), "--out");
            int? t = parse.GetValue(threads);
            var options = (q ? Paper2Options.Quick : Paper2Options.Full) with { Seed = parse.GetValue(seed), Threads = t ?? 0 };
            if (parse.GetValue(settings) is string settingsFile)
                options = Paper2Settings.Apply(options, settingsFile) with { Mode = $"{options.Mode}, settings {Path.GetFileName(settingsFile)}" };
            var step = prep ? Paper2Step.Prepare : only ? Paper2Step.Collect : Paper2Step.All;
            return RunPaper2(io, options, outDir, TrainCommand.ThreadCount(t), parse.GetValue(dataDir), step, sh.Index, sh.Count);
        });
        return paper2;
    }

    static int RunPublished(CliIO io, string dir, PublishedOptions options, string outDir)
    {
        var total = Stopwatch.StartNew();
        var data = PublishedRepository.Read(dir);
        io.Out.WriteLine($"{data.Models.Count} published models: {string.Join(", ", data.Models.Select(m => m.Id))}");
        if (data.Missing.Count > 0) io.Notice($"absent, not analysed: {string.Join(", ", data.Missing)}");
        var cache = new PublishedStageCache(Path.Combine(outDir, PublishedStageCache.FolderName));
        var result = PublishedPipeline.Run(data, options, outDir, new NeuralSpin.Reporting.SyncProgress<Paper2Progress>(p =>
            io.Out.WriteLine(FormattableString.Invariant($"[{total.Elapsed:hh\\:mm\\:ss}] {p.Stage}: {p.Message}"))), cache);
        if (cache.Hits > 0) io.Notice($"{cache.Hits} stage result(s) read from {Path.Combine(outDir, PublishedStageCache.FolderName)} (computed by an earlier run with the same inputs and settings), {cache.Misses} computed now");
        var t = new Table().AddColumn("id").AddColumn("claim").AddColumn("verdict");
        t.Title = new TableTitle($"paper 2 on the published models: {Markup.Escape(Path.Combine(outDir, "report.md"))}");
        foreach (var c in PublishedClaims.Evaluate(result)) t.AddRow(new Text(c.Id), new Text(c.Claim), new Text(c.Verdict));
        io.Console_.Write(t);
        io.Console_.Write(new Text($"total {total.Elapsed.TotalMinutes.ToString("F1", CultureInfo.InvariantCulture)} min\n"));
        return CliApp.Ok;
    }

    /// <summary>What a <c>reproduce paper2</c> run does: everything, only the collections (or a shard of them), or only the preparation.</summary>
    enum Paper2Step { All, Collect, Prepare }

    static int RunPaper2(CliIO io, Paper2Options options, string outDir, int torchThreads, string? dataDir, Paper2Step step = Paper2Step.All,
        int shardIndex = 0, int shardCount = 1)
    {
        var total = Stopwatch.StartNew();
        Paper2Cache.Check(outDir, options); // before any work: a folder made with other settings is refused at once
        Directory.CreateDirectory(outDir);
        NeuralSpin.Numerics.TorchLinalg.Configure(torchThreads);
        var dir = DataCommand.EnsureMnist(io, dataDir);
        var mnist = NeuralSpin.Data.MnistDataset.Load(dir);
        var (data, explained) = Paper2Pipeline.ProjectMnist(mnist, Path.Combine(outDir, "pca-20.json"));
        string Elapsed() => FormattableString.Invariant($"[{total.Elapsed:hh\\:mm\\:ss}]");
        if (step == Paper2Step.Prepare)
        {
            Paper2Cache.Claim(outDir, options);
            io.Console_.Write(new Text($"prepared {outDir}: MNIST projected on 20 principal components ({Path.Combine(outDir, "pca-20.json")}), settings recorded ({Path.Combine(outDir, Paper2Cache.FileName)}); {Paper2Collection.ChunkCount(options)} chunks of {options.TrainingsPerGroup} trainings per ensemble\n"));
            return CliApp.Ok;
        }
        if (step == Paper2Step.Collect)
        {
            var summaries = Paper2Pipeline.Collect(data, options, outDir, shardIndex, shardCount, new NeuralSpin.Reporting.SyncProgress<Paper2Progress>(p =>
                io.Out.WriteLine($"{Elapsed()} {p.Stage}: {p.Message}")));
            foreach (var c in summaries)
                io.Out.WriteLine($"{Elapsed()} ensemble {c.Setting}: {c.Collected} chunks collected now, {c.Reused} found stored, {c.Missing} of {c.Chunks} left to other shards");
            io.Console_.Write(new Text($"shard {shardIndex}/{shardCount} of the collections done in {total.Elapsed.TotalMinutes.ToString("F1", CultureInfo.InvariantCulture)} min; "
                + $"'reproduce paper2' with the same options and --out {outDir} puts the ensembles together and analyses them\n"));
            return CliApp.Ok;
        }
        Paper2Result result = null!;
        if (io.IsTerminal)
        {
            io.Console_.Progress()
                .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new SpinnerColumn())
                .Start(ctx =>
                {
                    var task = ctx.AddTask("paper 2", maxValue: 1);
                    result = Paper2Pipeline.Run(data, options, outDir, explained, progress: new NeuralSpin.Reporting.SyncProgress<Paper2Progress>(p =>
                    {
                        task.Value = p.Fraction;
                        task.Description = Markup.Escape(p.Message.Length > 90 ? p.Message[..90] : p.Message);
                        ctx.Refresh();
                    }));
                });
        }
        else
        {
            result = Paper2Pipeline.Run(data, options, outDir, explained, progress: new NeuralSpin.Reporting.SyncProgress<Paper2Progress>(p =>
                io.Out.WriteLine(FormattableString.Invariant($"[{total.Elapsed:hh\\:mm\\:ss}] {100 * p.Fraction:F0}% {p.Stage}: {p.Message}"))));
        }
        var t = new Table().AddColumn("id").AddColumn("claim").AddColumn("obtained").AddColumn("verdict");
        string reportPath = Path.Combine(outDir, "report.md");
        t.Title = new TableTitle($"paper 2 ({options.Mode}): {Markup.Escape(reportPath)}");
        foreach (var c in Paper2Verdicts.Claims(result))
            t.AddRow(new Text(c.Id), new Text(c.Claim), new Text(c.Obtained), new Text(c.Verdict));
        io.Console_.Write(t);
        io.Console_.Write(new Text($"total {total.Elapsed.TotalMinutes.ToString("F1", CultureInfo.InvariantCulture)} min\n"));
        return CliApp.Ok;
    }

    /// <summary>--workers: 1 to the number of processors (each worker trains on at least one of them).</summary>
    static void CheckWorkers(int w)
    {
        int cores = Environment.ProcessorCount;
        if (w < 1 || w > cores)
            throw new UsageException($"--workers {w} is not allowed: give 1 to {cores} (the processors of this machine; each worker process trains one program on --threads libtorch threads).");
    }

    /// <summary>
    /// Starts <paramref name="count"/> helper processes running this same command line with <c>--worker</c> added,
    /// each logging to <c>OUT/worker-K.log</c>. libtorch is not safe to drive from several threads of one process,
    /// so parallel trainings are separate processes sharing the run folder through run locks.
    /// </summary>
    static List<(Process Process, string Log)> StartWorkers(string outDir, int count)
    {
        var list = new List<(Process, string)>();
        var args = Environment.GetCommandLineArgs();
        string dll = typeof(ReproduceCommand).Assembly.Location;
        for (int k = 1; k <= count; k++)
        {
            string log = Path.Combine(outDir, $"worker-{k}.log");
            var psi = new ProcessStartInfo(Environment.ProcessPath ?? "dotnet") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
            if (!string.Equals(Path.GetFileNameWithoutExtension(Environment.ProcessPath), Path.GetFileNameWithoutExtension(dll), StringComparison.Ordinal))
                psi.ArgumentList.Add(dll);
            foreach (var a in args.Skip(1)) psi.ArgumentList.Add(a);
            psi.ArgumentList.Add("--worker");
            var p = Process.Start(psi)!;
            var writer = new StreamWriter(log, append: true) { AutoFlush = true };
            p.OutputDataReceived += (_, e) => { if (e.Data != null) lock (writer) writer.WriteLine(e.Data); };
            p.ErrorDataReceived += (_, e) => { if (e.Data != null) lock (writer) writer.WriteLine(e.Data); };
            p.Exited += (_, _) => { lock (writer) writer.Dispose(); };
            p.EnableRaisingEvents = true;
            p.BeginOutputReadLine();
            p.BeginErrorReadLine();
            list.Add((p, log));
        }
        return list;
    }

    static int RunCalibration(CliIO io, CalibrationSettings settings, string outDir, string? dataDir, bool isWorker)
    {
        var total = Stopwatch.StartNew();
        Directory.CreateDirectory(outDir);
        var workers = isWorker ? [] : StartWorkers(outDir, settings.Workers - 1);
        foreach (var (p, log) in workers) io.Out.WriteLine($"worker process {p.Id} started; its progress goes to {log}");
        var dir = DataCommand.EnsureMnist(io, dataDir);
        var mnist = NeuralSpin.Data.MnistDataset.Load(dir);
        TrainingData Data(NeuralSpin.Data.MnistNormalization n) => TrainingData.FromMnist(mnist, n);
        var last = new System.Collections.Concurrent.ConcurrentDictionary<string, DateTime>();
        var lockObj = new object();
        var progress = new NeuralSpin.Reporting.SyncProgress<CalibrationProgress>(p =>
        {
            // plain periodic lines (one per run every 30 s), also on a terminal: several trainings report at once
            var now = DateTime.UtcNow;
            if (last.TryGetValue(p.RunId, out var t) && (now - t).TotalSeconds < 30 && p.Training.Step != p.Training.TotalSteps) return;
            last[p.RunId] = now;
            lock (lockObj)
                io.Out.WriteLine(FormattableString.Invariant(
                    $"[{total.Elapsed:hh\\:mm\\:ss}] run {p.RunIndex}/{p.RunCount} {p.RunId}: epoch {p.Training.Epoch:F2}/{p.Training.TotalEpochs} loss {p.Training.TrainLoss:G4} {p.Training.SamplesPerSecond:F0} samples/s")
                    + (p.Training.ValidationError is double v ? FormattableString.Invariant($" val err {v:F4}") : ""));
        });
        CalibrationResult result;
        try { result = Paper1Calibration.Run(Path.Combine(outDir, "runs"), settings, Data, progress); }
        catch (Exception e) when (e is InvalidDataException or ArgumentException)
        {
            foreach (var (p, _) in workers) { try { p.Kill(); } catch (InvalidOperationException) { } }
            throw new UsageException(e.Message.TrimEnd('.') + $". The runs are in '{Path.Combine(outDir, "runs")}'; remove a damaged run's folder to train it again.", e);
        }
        foreach (var (p, log) in workers)
        {
            p.WaitForExit();
            if (p.ExitCode != 0) io.Notice($"worker process {p.Id} ended with exit code {p.ExitCode}; see {log}.");
        }
        if (isWorker) return CliApp.Ok;
        var paths = Paper1Calibration.Write(result, outDir);
        var t = new Table().AddColumn("convention").AddColumn("finalist");
        foreach (var target in settings.Targets) t.AddColumn($"{target.Name} (Table 1 {target.PaperError:F4})");
        t.AddColumn("score");
        t.Title = new TableTitle($"paper 1 calibration: chosen {result.Chosen.Id} ({Markup.Escape(Path.Combine(outDir, "calibration.md"))})");
        foreach (var x in result.Scores)
        {
            var cells = new List<string> { x.Convention.Id, x.Finalist ? "yes" : "" };
            cells.AddRange(settings.Targets.Select(target => x.Predictions[target.Name]?.ToString() ?? ""));
            cells.Add(double.IsFinite(x.Score) ? x.Score.ToString("F3", CultureInfo.InvariantCulture) : (x.DivergedRuns > 0 ? "diverged" : ""));
            t.AddRow(cells.Select(cell => new Text(cell)).ToArray());
        }
        io.Console_.Write(t);
        io.Console_.Write(new Text($"wrote {paths.Count} files to {outDir}; total {total.Elapsed.TotalMinutes.ToString("F1", CultureInfo.InvariantCulture)} min\n"));
        return CliApp.Ok;
    }


    static int Run(CliIO io, Paper1Settings s, string outDir, int workerCount, string? dataDir, bool isWorker, bool reportOnly)
    {
        var total = Stopwatch.StartNew();
        Directory.CreateDirectory(outDir);
        var workers = isWorker || reportOnly ? [] : StartWorkers(outDir, Math.Min(workerCount, s.Programs.Count) - 1);
        foreach (var (p, log) in workers) io.Out.WriteLine($"worker process {p.Id} started; its progress goes to {log}");
        NeuralSpin.Numerics.TorchLinalg.Configure(s.Threads);
        NeuralSpin.Data.MnistDataset? mnist = null;
        TrainingData Data(NeuralSpin.Data.MnistNormalization n)
        {
            mnist ??= NeuralSpin.Data.MnistDataset.Load(DataCommand.EnsureMnist(io, dataDir));
            return TrainingData.FromMnist(mnist, n);
        }
        var last = new Dictionary<string, DateTime>();
        var progress = new NeuralSpin.Reporting.SyncProgress<Paper1Progress>(p =>
        {
            var now = DateTime.UtcNow;
            string key = p.Stage + p.Program;
            bool final = p.Training is { } f && f.Step == f.TotalSteps;
            if (last.TryGetValue(key, out var t) && (now - t).TotalSeconds < 30 && !final) return;
            last[key] = now;
            io.Out.WriteLine(p.Training is { } tp
                ? FormattableString.Invariant($"[{total.Elapsed:hh\\:mm\\:ss}] train {p.Program}: epoch {tp.Epoch:F2}/{tp.TotalEpochs} loss {tp.TrainLoss:G4} {tp.SamplesPerSecond:F0} samples/s") + (tp.ValidationError is double v ? FormattableString.Invariant($" val err {v:F4}") : "")
                : FormattableString.Invariant($"[{total.Elapsed:hh\\:mm\\:ss}] {p.Stage} {p.Program}: {p.Message}"));
        });
        IReadOnlyList<Paper1Outcome> outcomes;
        try
        {
            if (reportOnly)
            {
                // nothing is trained: programs still running elsewhere (or interrupted) are reported as in progress
                outcomes = Paper1Pipeline.Run(outDir, s with { }, _ => throw new InvalidOperationException("--report-only trains nothing"), progress, wait: false, analyse: true,
                    skipTraining: true);
            }
            else
                outcomes = Paper1Pipeline.Run(outDir, s, Data, progress, wait: true, analyse: !isWorker);
        }
        catch (Exception e) when (e is ArgumentException or InvalidDataException or NeuralSpin.Trajectory.RunDirectoryException)
        {
            foreach (var (p, _) in workers) { try { p.Kill(); } catch (InvalidOperationException) { } }
            throw new UsageException(e.Message.TrimEnd('.') + ".", e);
        }
        foreach (var (p, log) in workers)
        {
            p.WaitForExit();
            if (p.ExitCode != 0) io.Notice($"worker process {p.Id} ended with exit code {p.ExitCode}; see {log}.");
        }
        if (isWorker) return CliApp.Ok;
        string env = Paper1Pipeline.DescribeEnvironment(s, workerCount) + FormattableString.Invariant($"; this call {total.Elapsed.TotalMinutes:F1} min");
        var paths = Paper1Pipeline.WriteOutputs(outDir, outcomes, s, env, CliIO.MnistInputs(dataDir));

        var t = new Table().AddColumn("run").AddColumn("claim").AddColumn("obtained").AddColumn("holds");
        t.Title = new TableTitle($"paper 1 ({s.Mode}, {s.Convention.Id}): {Markup.Escape(Path.Combine(outDir, "report.md"))}");
        foreach (var o in outcomes)
        {
            if (!o.Done) { t.AddRow(new Text(o.Program.Name), new Text("(training not finished)"), new Text(o.TotalSteps < 0 ? "not started" : $"step {o.Step} of {o.TotalSteps}"), new Text("not judged")); continue; }
            foreach (var c in Paper1Report.Evaluate(o.Program, o.Trajectory!))
                t.AddRow(new Text(o.Program.Name), new Text(c.Claim), new Text(c.Obtained), new Text(c.Holds is bool h ? (h ? "yes" : "no") : "not judged"));
        }
        io.Console_.Write(t);
        io.Console_.Write(new Text($"wrote {paths.Count} files to {outDir}; total {total.Elapsed.TotalMinutes.ToString("F1", CultureInfo.InvariantCulture)} min\n"));
        return CliApp.Ok;
    }
}
