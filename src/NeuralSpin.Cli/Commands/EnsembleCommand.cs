using System.CommandLine;
using System.Globalization;
using NeuralSpin.BinaryNets;
using NeuralSpin.Reporting;
using NeuralSpin.Data;
using NeuralSpin.Ising;
using NeuralSpin.Training;
using Spectre.Console;

namespace NeuralSpin.Cli.Commands;

/// <summary>
/// <c>neuralspin ensemble collect|merge</c>: ensembles of binary weight configurations of high test accuracy
/// (P2 sec. II) from LR-net trainings on MNIST projected to 20 principal components, written in the project's one
/// bit-packed format (PackedConfigurations with accuracy and (training, sample) indices), sharded i/n and merged
/// back into exactly the unsharded file.
/// </summary>
public static class EnsembleCommand
{
    /// <summary>Builds the <c>ensemble</c> command.</summary>
    public static Command Create(CliIO io)
    {
        var cmd = new Command("ensemble", "Collect ensembles of binary networks of high test accuracy (LR-net trainings on MNIST PCA-20) and merge shard files.");
        cmd.Add(Collect(io));
        cmd.Add(Merge(io));
        return cmd;
    }

    /// <summary>The parsed options of <c>ensemble collect</c>.</summary>
    public sealed record CollectSettings(int[] Widths, int Trainings, int SamplesPerTraining, double Threshold, int? TrainSize, int Epochs,
        double LearningRate, int ShardIndex, int ShardCount, long Seed, string Out, string? Json, int? KeepPerTraining = null, int TrainingsPerGroup = 1,
        EnsembleKernel Kernel = EnsembleKernel.Lanes);

    /// <summary>The library's settings of a stand-alone collection.</summary>
    static readonly EnsembleOptions Defaults = EnsembleOptions.Collection;

    static Command Collect(CliIO io)
    {
        var widths = new Option<string>("--widths") { Description = $"LR-net widths, input ({Pca.PaperComponentCount} principal components) first.", DefaultValueFactory = _ => string.Join(",", Defaults.Training.Widths), HelpName = "20,15,15,10" };
        var trainings = new Option<int>("--trainings") { Description = "Trainings (random starts) of the whole ensemble, over all shards.", Required = true, HelpName = "K" };
        var spt = new Option<int>("--samples-per-training") { Description = $"K, the binary networks drawn from each trained set of fields (default {Defaults.SamplesPerTraining}: the draws whose best test accuracy the authors' LR-net script reports).", DefaultValueFactory = _ => Defaults.SamplesPerTraining, HelpName = "K" };
        var threshold = new Option<double>("--threshold") { Description = "Keep a drawn network when its test accuracy is at least this (in [0, 1]).", Required = true, HelpName = "A" };
        var trainSize = new Option<int?>("--train-size") { Description = "Train on this many MNIST training images, a seeded subset per training (default: all 60 000, the under-parameterized setting; a few hundred for an over-parameterized one; 'reproduce paper2' trains its over-parameterized ensemble on the same first 500 images instead).", HelpName = "N" };
        var epochs = new Option<int>("--epochs") { Description = "Epochs per training.", DefaultValueFactory = _ => Defaults.Training.Epochs, HelpName = "E" };
        var lr = new Option<double>("--lr", "--learning-rate") { Description = "Adam learning rate of the LR-net trainings (--learning-rate is the old name of this option).", DefaultValueFactory = _ => Defaults.Training.LearningRate, HelpName = "LR" };
        var keep = new Option<int?>("--keep-per-training") { Description = $"Keep at most this many draws per training, those of highest test accuracy at or above the threshold (default {Defaults.KeepPerTraining}: P2's rule, one configuration per training, the best of its K draws).", DefaultValueFactory = _ => Defaults.KeepPerTraining, HelpName = "M" };
        var keepAll = new Option<bool>("--keep-all") { Description = "Keep every draw at or above the threshold instead of the best per training." };
        var group = new Option<int>("--trainings-per-group") { Description = "Trainings run together in one computation of the kernel (faster; each network equals its single training).", DefaultValueFactory = _ => Defaults.TrainingsPerGroup, HelpName = "G" };
        var kernel = new Option<string>("--kernel") { Description = "lanes: the trainings of a group share one data order rotated by per-network random offsets, one network per SIMD lane, groups of lanes on all cores (the default, fastest; docs/theory.md section 7); batched: the same scheme in TorchSharp batched products; per-training: each training has its own permutation (the earlier, slower scheme).", DefaultValueFactory = _ => KernelName(Defaults.Kernel), HelpName = "lanes|batched|per-training" };
        kernel.AcceptOnlyFromAmong("lanes", "batched", "per-training");
        var shard = new Option<string>("--shard") { Description = "Run shard i of n (the groups of trainings g with g mod n = i; with one training per group the trainings t with t mod n = i); merge the shards with 'ensemble merge'.", DefaultValueFactory = _ => $"{Defaults.ShardIndex}/{Defaults.ShardCount}", HelpName = "i/n" };
        var seed = new Option<long>("--seed") { Description = "Seed of the ensemble (training t derives its seed from (seed, t)).", DefaultValueFactory = _ => Defaults.Seed, HelpName = "S" };
        var output = new Option<string>("--out") { Description = "Ensemble file to write when the collection finishes (together with --json).", Required = true, HelpName = "ENSEMBLE" };
        var json = new Option<string?>("--json") { Description = "Write a JSON summary to this file.", HelpName = "PATH" };
        var dataDir = new Option<string?>("--data") { Description = "MNIST directory (default: $NEURALSPIN_DATA, else ~/.cache/neuralspin/mnist); fetched on first use; the PCA-20 projection is cached there as pca20.safetensors.", HelpName = "PATH" };
        var cmd = new Command("collect", "Run LR-net trainings on MNIST PCA-20, draw binary networks from each, keep those with test accuracy >= the threshold.")
            { widths, trainings, spt, threshold, keep, keepAll, group, kernel, trainSize, epochs, lr, shard, seed, output, json, dataDir };
        cmd.SetAction(p =>
        {
            if (p.GetResult(lr)?.IdentifierToken?.Value == "--learning-rate")
                io.Notice("--learning-rate is now called --lr (as in 'train'); the old name still works.");
            bool all = p.GetValue(keepAll);
            if (all && p.GetResult(keep) is { Implicit: false })
                throw new UsageException("--keep-all and --keep-per-training contradict each other: give one of them (--keep-all keeps every draw at or above the threshold, --keep-per-training M the best M of each training).");
            var s = Parse(p.GetValue(widths)!, p.GetValue(trainings), p.GetValue(spt), p.GetValue(threshold), p.GetValue(trainSize), p.GetValue(epochs),
                p.GetValue(lr), p.GetValue(shard)!, p.GetValue(seed), p.GetValue(output)!, p.GetValue(json), all ? null : p.GetValue(keep), p.GetValue(group),
                ParseKernel(p.GetValue(kernel)!));
            var data = LoadMnistPca20(io, p.GetValue(dataDir));
            return RunCollect(io, s, data, CliIO.MnistInputs(p.GetValue(dataDir)).ToList());
        });
        return cmd;
    }

    /// <summary>The <c>--kernel</c> name of a kernel.</summary>
    public static string KernelName(EnsembleKernel kernel) => kernel switch
    {
        EnsembleKernel.Lanes => "lanes",
        EnsembleKernel.Batched => "batched",
        _ => "per-training",
    };

    static EnsembleKernel ParseKernel(string name) => name switch
    {
        "lanes" => EnsembleKernel.Lanes,
        "batched" => EnsembleKernel.Batched,
        _ => EnsembleKernel.PerTraining,
    };

    /// <summary>Validates the raw option values.</summary>
    public static CollectSettings Parse(string widths, int trainings, int samplesPerTraining, double threshold, int? trainSize, int epochs,
        double learningRate, string shard, long seed, string output, string? json, int? keepPerTraining = null, int trainingsPerGroup = 1,
        EnsembleKernel kernel = EnsembleKernel.Lanes)
    {
        CliIO.CheckFiles([], [(output, "--out"), (json, "--json")]);
        var w = ArgParsing.Widths(widths);
        if (w[0] != Pca.PaperComponentCount || w[^1] != MnistDataset.ClassCount)
            throw new UsageException($"--widths '{widths}' must start with {Pca.PaperComponentCount} (the MNIST principal components) and end with {MnistDataset.ClassCount} (the classes), e.g. --widths 20,15,15,10.");
        if (trainings < 1) throw new UsageException($"--trainings {trainings} is not allowed: give at least one training.");
        if (samplesPerTraining < 1) throw new UsageException($"--samples-per-training {samplesPerTraining} is not allowed: give at least one draw per training.");
        if (!(threshold >= 0 && threshold <= 1)) throw new UsageException($"--threshold {threshold.ToString(CultureInfo.InvariantCulture)} is not allowed: give a test accuracy in [0, 1], e.g. --threshold 0.8.");
        if (trainSize is int n && n < 1) throw new UsageException($"--train-size {n} is not allowed: give a positive number of training images.");
        if (epochs < 1) throw new UsageException($"--epochs {epochs} is not allowed: give at least one epoch.");
        if (!(learningRate > 0 && double.IsFinite(learningRate))) throw new UsageException($"--lr {learningRate.ToString(CultureInfo.InvariantCulture)} is not allowed: give a positive finite learning rate, e.g. --lr 0.1.");
        if (keepPerTraining is int k && k < 1) throw new UsageException($"--keep-per-training {k} is not allowed: give at least 1 (1 keeps each training's best draw), or leave it out to keep every draw that passes.");
        if (trainingsPerGroup < 1) throw new UsageException($"--trainings-per-group {trainingsPerGroup} is not allowed: give at least 1.");
        (int Index, int Count) sh;
        try { sh = EnsembleOptions.ParseShard(shard); }
        catch (FormatException) { throw new UsageException($"--shard '{shard}' is not i/n with 0 <= i < n, e.g. --shard 0/2."); }
        return new CollectSettings(w, trainings, samplesPerTraining, threshold, trainSize, epochs, learningRate, sh.Index, sh.Count, seed, output, json,
            keepPerTraining, trainingsPerGroup, kernel);
    }

    /// <summary>MNIST (pixels in [0, 1]) projected on its top 20 principal components, fitted on the training images and cached in the data directory.</summary>
    public static TrainingData LoadMnistPca20(CliIO io, string? dataDir)
    {
        var dir = DataCommand.EnsureMnist(io, dataDir);
        var ds = MnistDataset.Load(dir);
        var trainX = ds.TrainImagesAsFloat(MnistNormalization.UnitInterval);
        var testX = ds.TestImagesAsFloat(MnistNormalization.UnitInterval);
        PcaProjection pca;
        try { pca = Pca.LoadOrFit(Path.Combine(dir, "pca20.safetensors"), trainX, MnistDataset.PixelsPerImage, Pca.PaperComponentCount); }
        catch (InvalidDataException e) { throw new UsageException(e.Message, e); }
        return new TrainingData(pca.Project(trainX), ds.TrainLabels, pca.Project(testX), ds.TestLabels, Pca.PaperComponentCount);
    }

    /// <summary>Runs the collection on prepared data (MNIST PCA-20 from the command; any data of the right input size in tests).</summary>
    public static int RunCollect(CliIO io, CollectSettings s, TrainingData data, IEnumerable<string>? inputs = null)
    {
        var options = new EnsembleOptions
        {
            Training = new LrNetTrainingOptions { Widths = s.Widths, Epochs = s.Epochs, LearningRate = s.LearningRate, TrainSubset = s.TrainSize },
            Trainings = s.Trainings, SamplesPerTraining = s.SamplesPerTraining, AccuracyThreshold = s.Threshold,
            ShardIndex = s.ShardIndex, ShardCount = s.ShardCount, Seed = s.Seed,
            KeepPerTraining = s.KeepPerTraining, TrainingsPerGroup = s.TrainingsPerGroup, Kernel = s.Kernel,
        };
        int n = LrNet.WeightCountOf(s.Widths);
        int mine = 0;
        int groups = (s.Trainings + s.TrainingsPerGroup - 1) / s.TrainingsPerGroup;
        for (int g = s.ShardIndex; g < groups; g += s.ShardCount) mine += Math.Min(s.TrainingsPerGroup, s.Trainings - g * s.TrainingsPerGroup);
        EnsembleSummary summary;
        // the ensemble and the JSON summary appear together, or neither
        using var outputs = new OutputSet();
        string staged = outputs.Stage(s.Out);
        using (var writer = new PackedEnsembleWriter(staged, n))
        {
            if (io.IsTerminal)
            {
                EnsembleSummary? result = null;
                io.Console_.Progress().AutoClear(false)
                    .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new RemainingTimeColumn(), new SpinnerColumn())
                    .Start(ctx =>
                    {
                        var task = ctx.AddTask("trainings", maxValue: Math.Max(mine, 1));
                        result = EnsembleCollector.Collect(data, options, writer, new NeuralSpin.Reporting.SyncProgress<EnsembleProgress>(pr =>
                        {
                            task.Value = pr.Done;
                            task.Description = Markup.Escape($"training {pr.TrainingIndex}: kept {pr.Kept}/{s.SamplesPerTraining} (mean net {pr.TestAccuracyMean:F3})");
                        }));
                    });
                summary = result!;
            }
            else
                summary = EnsembleCollector.Collect(data, options, writer, new NeuralSpin.Reporting.SyncProgress<EnsembleProgress>(pr =>
                    io.Out.WriteLine($"training {pr.TrainingIndex} ({pr.Done}/{pr.Total}): mean-net test accuracy {pr.TestAccuracyMean:F4}, sampled {pr.MeanSampledAccuracy:F4}, kept {pr.Kept}")));
            try { writer.Complete(); }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new UsageException($"could not write '{s.Out}' ({e.Message.TrimEnd('.')}). Check that its directory can be written to and that the disk has room.", e);
            }
        }
        if (s.Json != null)
            outputs.AddText(s.Json, ResultJson.Text(EnsembleJson.From(summary, options, data.TrainCount), inputs ?? []));
        outputs.Commit();
        io.Console_.Write(new Text($"shard {s.ShardIndex}/{s.ShardCount}: {summary.TrainingsRun} trainings, kept {summary.Kept} of {summary.Drawn} drawn networks ({n} weights each) in {summary.Elapsed.TotalSeconds:F1} s\nwrote {s.Out}\n"));
        return CliApp.Ok;
    }

    static Command Merge(CliIO io)
    {
        var output = new Argument<string>("OUT") { Description = "The merged ensemble file (written atomically)." };
        var inputs = new Argument<string[]>("IN") { Description = "Shard files (any order); merged by (training, sample) into the unsharded order.", Arity = ArgumentArity.OneOrMore };
        var cmd = new Command("merge", "Merge ensemble shard files into exactly the file one unsharded collection writes.") { output, inputs };
        cmd.SetAction(p =>
        {
            string o = p.GetValue(output)!;
            var ins = p.GetValue(inputs)!;
            CliIO.CheckFiles(ins.Select(i => ((string?)i, "IN")), [(o, "OUT")]);
            var merged = PackedConfigurations.Merge(ins);
            if (!merged.HasIndices)
                throw new ConfigurationsFileException(ins[0], "it carries no (training, sample) indices, so it is not an ensemble shard",
                    "Merge files written by 'neuralspin ensemble collect'.");
            CliIO.WriteFile(o, () => merged.Write(o));
            io.Console_.Write(new Text($"merged {ins.Length} files: {merged.Count} configurations of {merged.SpinCount} weights\nwrote {o}\n"));
            return CliApp.Ok;
        });
        return cmd;
    }
}
