using NeuralSpin.Numerics;
using System.Diagnostics;
using System.Globalization;
using NeuralSpin.Training;
using static TorchSharp.torch;

namespace NeuralSpin.BinaryNets;

/// <summary>How the trainings of an ensemble are computed.</summary>
public enum EnsembleKernel
{
    /// <summary>
    /// <see cref="LrNetBatchTrainer"/>: a group's trainings share one data order rotated by per-network random offsets
    /// (docs/theory.md section 7, "Many trainings at once"), stacked in TorchSharp batched products; each training
    /// equals its own training alone with the same seed to float rounding.
    /// </summary>
    Batched,

    /// <summary><see cref="LrNetTrainer.TrainMany"/>: every training has its own permutation of the data (the earlier scheme; slower).</summary>
    PerTraining,

    /// <summary>
    /// <see cref="LrNetLaneTrainer"/>: the scheme of <see cref="Batched"/> with one network per SIMD lane and groups
    /// of lanes on all cores (docs/theory.md section 7, "The lane layout"); a training's fields do not depend on its
    /// group (bitwise) and equal <see cref="Batched"/>'s to float rounding. The default.
    /// </summary>
    Lanes,
}

/// <summary>Configuration of an ensemble collection (P2 sec. II, App. D).</summary>
public sealed record EnsembleOptions
{
    /// <summary>How each training runs (its <see cref="LrNetTrainingOptions.Seed"/> is replaced by the per-training seed).</summary>
    public LrNetTrainingOptions Training { get; init; } = new();
    /// <summary>Number of trainings (random starts) of the whole ensemble, over all shards.</summary>
    public int Trainings { get; init; } = 1;
    /// <summary>
    /// K, the binary networks drawn from each trained set of fields. The default 50 is the number of weight draws whose
    /// best test accuracy the authors' LR-net script reports after a training.
    /// </summary>
    public int SamplesPerTraining { get; init; } = DefaultSamplesPerTraining;
    /// <summary>The default of <see cref="SamplesPerTraining"/>.</summary>
    public const int DefaultSamplesPerTraining = 50;
    /// <summary>A drawn network is kept when its test accuracy is at least this.</summary>
    public double AccuracyThreshold { get; init; }
    /// <summary>
    /// Keep at most this many draws per training: those of highest test accuracy among the draws at or above the
    /// threshold (ties: lower draw index first). The default 1 is P2's rule, "select the one with the optimal test
    /// accuracy" per training trial (one configuration per training); null keeps every draw at or above the threshold.
    /// </summary>
    public int? KeepPerTraining { get; init; } = 1;
    /// <summary>
    /// Trainings run together in one batched computation (<see cref="Kernel"/>): group g holds the
    /// trainings g G .. g G + G - 1. With <see cref="EnsembleKernel.PerTraining"/>, group size 1 trains each network
    /// with <see cref="LrNetTrainer.Train"/>'s noise; with <see cref="EnsembleKernel.Batched"/> the results do not
    /// depend on the grouping beyond float rounding, with <see cref="EnsembleKernel.Lanes"/> not at all (bitwise).
    /// </summary>
    public int TrainingsPerGroup { get; init; } = 1;
    /// <summary>How the trainings are computed (default <see cref="EnsembleKernel.Lanes"/>).</summary>
    public EnsembleKernel Kernel { get; init; } = EnsembleKernel.Lanes;
    /// <summary>Threads of the <see cref="EnsembleKernel.Lanes"/> kernel (its groups of lanes run in parallel); null: <see cref="Environment.ProcessorCount"/>.</summary>
    public int? MaxDegreeOfParallelism { get; init; }
    /// <summary>This process's shard i (0-based) of <see cref="ShardCount"/>: it runs the groups g with g mod n = i (with one training per group, the trainings t with t mod n = i).</summary>
    public int ShardIndex { get; init; }
    /// <summary>Number of shards n.</summary>
    public int ShardCount { get; init; } = 1;
    /// <summary>Seed of the ensemble; training t uses <see cref="EnsembleCollector.TrainingSeed"/>(seed, t).</summary>
    public long Seed { get; init; }

    /// <summary>
    /// The settings of a stand-alone collection (<c>neuralspin ensemble collect</c>) where they depart from the defaults:
    /// Adam at learning rate 0.1, the rate of paper 2's pipeline (<see cref="NeuralSpin.Reproduction.Paper2Options.LearningRate"/>),
    /// and 256 trainings per group on the lane kernel, whose networks do not depend on the grouping (bitwise; with the
    /// batched kernel beyond float rounding), so that the group size only sets the throughput.
    /// </summary>
    public static EnsembleOptions Collection { get; } = new() { Training = new LrNetTrainingOptions { LearningRate = 0.1 }, TrainingsPerGroup = 256 };

    /// <summary>Parses "i/n" (e.g. "0/2") into (i, n).</summary>
    public static (int Index, int Count) ParseShard(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var parts = text.Split('/');
        if (parts.Length != 2 || !int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out int i)
            || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out int n) || n < 1 || i >= n)
            throw new FormatException($"shard '{text}' is not i/n with 0 <= i < n");
        return (i, n);
    }

    /// <summary>Throws on an invalid configuration.</summary>
    public void Validate()
    {
        ArgumentNullException.ThrowIfNull(Training);
        Training.Validate();
        if (Trainings < 0) throw new ArgumentException($"the number of trainings must be >= 0, got {Trainings}");
        if (SamplesPerTraining < 0) throw new ArgumentException($"samples per training must be >= 0, got {SamplesPerTraining}");
        if (double.IsNaN(AccuracyThreshold)) throw new ArgumentException("the accuracy threshold is NaN");
        if (KeepPerTraining is < 1) throw new ArgumentException($"the draws kept per training must be at least 1, got {KeepPerTraining}");
        if (TrainingsPerGroup < 1) throw new ArgumentException($"the trainings per group must be at least 1, got {TrainingsPerGroup}");
        if (MaxDegreeOfParallelism is < 1) throw new ArgumentException($"the kernel's threads must be at least 1, got {MaxDegreeOfParallelism}");
        if (ShardCount < 1 || ShardIndex < 0 || ShardIndex >= ShardCount) throw new ArgumentException($"shard {ShardIndex}/{ShardCount} is not i/n with 0 <= i < n");
    }
}

/// <summary>Progress after one training of a collection.</summary>
/// <param name="TrainingIndex">Global index t of the training just finished.</param>
/// <param name="Done">Trainings this shard has finished.</param>
/// <param name="Total">Trainings this shard runs.</param>
/// <param name="TestAccuracyMean">Test accuracy of the trained mean network.</param>
/// <param name="Kept">Configurations of this training that passed the threshold.</param>
/// <param name="MeanSampledAccuracy">Mean test accuracy of the drawn networks (kept or not).</param>
/// <param name="Elapsed">Wall time since the collection started.</param>
/// <param name="BestSampledAccuracy">Highest test accuracy among this training's draws.</param>
public sealed record EnsembleProgress(int TrainingIndex, int Done, int Total, double TestAccuracyMean, int Kept, double MeanSampledAccuracy, TimeSpan Elapsed,
    double BestSampledAccuracy = double.NaN);

/// <summary>What a collection did.</summary>
public sealed record EnsembleSummary(int TrainingsRun, long Drawn, long Kept, TimeSpan Elapsed);

/// <summary>
/// Collects an ensemble of binary weight configurations of high test accuracy (P2 sec. II): many
/// LR-net trainings from random starts (<see cref="EnsembleOptions.Kernel"/>, <see cref="EnsembleOptions.TrainingsPerGroup"/>
/// at a time); from each trained set of fields, <see cref="EnsembleOptions.SamplesPerTraining"/> binary networks are
/// drawn (<see cref="BinaryNetwork.Sample"/>) and those whose test accuracy is at least the threshold are kept, at most
/// <see cref="EnsembleOptions.KeepPerTraining"/> of the best per training; they are written in order of training index,
/// then draw index.
/// </summary>
/// <remarks>
/// Sharding: shard i of n runs the groups g = i, i + n, i + 2n, ... Everything about group g (the
/// trainings' initial fields, noise, data order, subset, the draws) derives from (seed, g, group size) alone,
/// so merging the shards with <see cref="PackedEnsembleFile.Merge"/> gives exactly the ensemble of one
/// unsharded process with the same group size (bitwise, given the same libtorch thread count; tested single-threaded).
/// </remarks>
public static class EnsembleCollector
{
    /// <summary>Seed stream of the binary draws within a training (relative to the training's seed).</summary>
    public const ulong DrawStream = SeedStreams.EnsembleDraw;

    /// <summary>The seed of training t: DeriveSeed(seed, 1_000_000 + t).</summary>
    public static long TrainingSeed(long seed, int trainingIndex) => Seeds.Stream(seed, SeedStreams.EnsembleTrainingBase + (ulong)trainingIndex);

    /// <summary>The noise seed of the group whose first training is t: DeriveSeed(TrainingSeed(seed, t), NoiseStream), the training noise of t alone.</summary>
    public static long GroupNoiseSeed(long seed, int firstTraining) => Seeds.Stream(TrainingSeed(seed, firstTraining), LrNetTrainer.NoiseStream);

    /// <summary>
    /// The draws kept from one training: indices (ascending) of the at most <paramref name="keep"/> highest accuracies
    /// at or above <paramref name="threshold"/> (ties broken by the lower index); all of those if <paramref name="keep"/> is null.
    /// </summary>
    public static int[] SelectKept(IReadOnlyList<double> accuracies, double threshold, int? keep)
    {
        ArgumentNullException.ThrowIfNull(accuracies);
        var pass = Enumerable.Range(0, accuracies.Count).Where(j => accuracies[j] >= threshold);
        if (keep is { } k) pass = pass.OrderByDescending(j => accuracies[j]).ThenBy(j => j).Take(k);
        return pass.Order().ToArray();
    }

    /// <summary>
    /// The draws of one training: <paramref name="nets"/>.Length binary networks drawn from <paramref name="fields"/>
    /// with the training's draw stream (<see cref="DrawStream"/> of <paramref name="trainingSeed"/>), and their test
    /// accuracies: with <see cref="LaneDraws"/> for <see cref="EnsembleKernel.Lanes"/>, else with libtorch's batched
    /// products (<see cref="BinaryNetwork.Accuracies"/>; the same correct counts).
    /// </summary>
    internal static double[] DrawAccuracies(TrainingData data, Tensor testX, Tensor testY, IReadOnlyList<int> widths, float[][] fields, long trainingSeed,
        BinaryNetwork[] nets, EnsembleKernel kernel, int? maxDegreeOfParallelism)
    {
        var rng = new SplitMixRandom(Seeds.Stream(trainingSeed, DrawStream));
        for (int j = 0; j < nets.Length; j++) nets[j] = BinaryNetwork.Sample(widths, fields, ref rng);
        return kernel == EnsembleKernel.Lanes
            ? LaneDraws.Accuracies(nets, data.TestX, data.TestY, maxDegreeOfParallelism)
            : BinaryNetwork.Accuracies(nets, testX, testY);
    }

    /// <summary>The draws of one training as <see cref="Collect"/> makes them with <paramref name="kernel"/> (<paramref name="draws"/> networks and their test accuracies on <paramref name="data"/>'s test set).</summary>
    public static double[] DrawAccuracies(TrainingData data, IReadOnlyList<int> widths, float[][] fields, long trainingSeed, int draws, out BinaryNetwork[] networks,
        EnsembleKernel kernel = EnsembleKernel.Lanes, int? maxDegreeOfParallelism = null)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentOutOfRangeException.ThrowIfNegative(draws);
        using var vx = tensor(data.TestX, [data.TestCount, data.InputDim]);
        using var vy = tensor(data.TestY.Select(b => (long)b).ToArray());
        networks = new BinaryNetwork[draws];
        return DrawAccuracies(data, vx, vy, widths, fields, trainingSeed, networks, kernel, maxDegreeOfParallelism);
    }

    /// <summary>Runs this shard's trainings and writes the kept configurations to <paramref name="writer"/> (not completed: the caller calls <see cref="IEnsembleWriter.Complete"/>).</summary>
    public static EnsembleSummary Collect(TrainingData data, EnsembleOptions options, IEnsembleWriter writer,
        IProgress<EnsembleProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(writer);
        options.Validate();
        var widths = options.Training.Widths;
        if (writer.WeightCount != LrNet.WeightCountOf(widths))
            throw new ArgumentException($"the writer takes {writer.WeightCount}-weight configurations, the network has {LrNet.WeightCountOf(widths)}");
        var watch = Stopwatch.StartNew();
        using var vx = tensor(data.TestX, [data.TestCount, data.InputDim]);
        using var vy = tensor(data.TestY.Select(b => (long)b).ToArray());
        int groupSize = options.TrainingsPerGroup;
        int groups = (options.Trainings + groupSize - 1) / groupSize;
        int total = 0;
        for (int g = options.ShardIndex; g < groups; g += options.ShardCount) total += Math.Min(groupSize, options.Trainings - g * groupSize);
        int done = 0;
        long drawn = 0, kept = 0;
        var nets = new BinaryNetwork[options.SamplesPerTraining];
        for (int g = options.ShardIndex; g < groups; g += options.ShardCount)
        {
            cancellationToken.ThrowIfCancellationRequested();
            int first = g * groupSize, count = Math.Min(groupSize, options.Trainings - first);
            var seeds = Enumerable.Range(first, count).Select(t => TrainingSeed(options.Seed, t)).ToArray();
            float[][][] fields;
            double[] meanAccuracies;
            if (options.Kernel == EnsembleKernel.Lanes)
            {
                var results = LrNetLaneTrainer.Train(data, options.Training, seeds, LrNetBatchTrainer.SharedOrderSeed(options.Seed), options.MaxDegreeOfParallelism, cancellationToken);
                fields = results.Select(x => x.Thetas).ToArray();
                meanAccuracies = results.Select(x => x.TestAccuracyMean).ToArray();
            }
            else if (options.Kernel == EnsembleKernel.Batched)
            {
                var results = LrNetBatchTrainer.Train(data, options.Training, seeds, LrNetBatchTrainer.SharedOrderSeed(options.Seed), cancellationToken);
                fields = results.Select(x => x.Thetas).ToArray();
                meanAccuracies = results.Select(x => x.TestAccuracyMean).ToArray();
            }
            else
            {
                var results = LrNetTrainer.TrainMany(data, options.Training, seeds, GroupNoiseSeed(options.Seed, first), cancellationToken);
                fields = results.Select(x => x.Thetas).ToArray();
                meanAccuracies = results.Select(x => x.Final.TestAccuracyMean).ToArray();
            }
            for (int r = 0; r < count; r++)
            {
                int t = first + r;
                var accs = DrawAccuracies(data, vx, vy, widths, fields[r], seeds[r], nets, options.Kernel, options.MaxDegreeOfParallelism);
                drawn += options.SamplesPerTraining;
                var keep = SelectKept(accs, options.AccuracyThreshold, options.KeepPerTraining);
                foreach (int j in keep) writer.Write(new EnsembleSample(nets[j].Weights, accs[j], t, j));
                kept += keep.Length;
                done++;
                progress?.Report(new EnsembleProgress(t, done, total, meanAccuracies[r], keep.Length,
                    options.SamplesPerTraining > 0 ? accs.Average() : double.NaN, watch.Elapsed,
                    options.SamplesPerTraining > 0 ? accs.Max() : double.NaN));
            }
        }
        return new EnsembleSummary(done, drawn, kept, watch.Elapsed);
    }
}
