using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using NeuralSpin.BinaryNets;
using NeuralSpin.IO;
using NeuralSpin.Ising;
using NeuralSpin.Numerics;
using NeuralSpin.Reporting;
using NeuralSpin.Training;

namespace NeuralSpin.Reproduction;

/// <summary>
/// One ensemble of the paper-2 reproduction (docs/theory.md section 7, "Collection rule"): which network is trained on which
/// images, and the threshold its configurations must reach.
/// </summary>
/// <param name="Name">"deep" (under-parameterized: the whole training set), "deep-over" (over-parameterized: the first
/// <paramref name="TrainImages"/> images) or "shallow"; it names the cached files and the parts' <see cref="Paper2Part.Architecture"/>.</param>
/// <param name="Widths">Layer widths of the network.</param>
/// <param name="Threshold">Keep a training's best draws at or above this test accuracy (lowered when too few reach it).</param>
/// <param name="Epochs">Epochs of each training.</param>
/// <param name="TrainImages">The first this many training images, the same for every training (null: the whole training set, or
/// <see cref="Paper2Options.TrainSubset"/> images per training).</param>
/// <param name="SeedStream">Stream of the master seed that seeds this ensemble's trainings.</param>
/// <param name="Label">Description for the report.</param>
public sealed record Paper2Setting(string Name, IReadOnlyList<int> Widths, double Threshold, int Epochs, int? TrainImages, ulong SeedStream, string Label)
{
    /// <summary>The ensembles of <paramref name="options"/>, in the order collected: deep, shallow, then deep-over when
    /// <see cref="Paper2Options.OverParamTrainImages"/> is set.</summary>
    public static IReadOnlyList<Paper2Setting> Of(Paper2Options options)
    {
        ArgumentNullException.ThrowIfNull(options);
        string Net(IReadOnlyList<int> w) => string.Join("-", w);
        var list = new List<Paper2Setting>
        {
            new("deep", options.DeepWidths, options.AccuracyThresholdDeep, options.Epochs, null, 21UL,
                $"deep {Net(options.DeepWidths)}, under-parameterized ({(options.TrainSubset is int s ? $"{s} images per training" : "the whole training set")})"),
            new("shallow", options.ShallowWidths, options.AccuracyThresholdShallow, options.Epochs, null, 22UL,
                $"shallow {Net(options.ShallowWidths)} ({(options.TrainSubset is int s2 ? $"{s2} images per training" : "the whole training set")})"),
        };
        if (options.OverParamTrainImages is int p)
            list.Add(new("deep-over", options.DeepWidths, options.AccuracyThresholdOverParam, options.OverParamEpochs, p, 23UL,
                $"deep {Net(options.DeepWidths)}, over-parameterized ({LrNet.WeightCountOf(options.DeepWidths)} weights, the first {p} training images)"));
        return list;
    }
}

/// <summary>One stored group of trainings of a collection (<see cref="Paper2Collection"/>).</summary>
/// <param name="First">Index of its first training.</param>
/// <param name="Count">Trainings in it.</param>
/// <param name="Candidates">Each training's best <see cref="Paper2Options.KeepPerTraining"/> draws, with their test accuracies and
/// (training, draw) indices, in the order of the trainings (no threshold applied).</param>
/// <param name="Drawn">Binary networks drawn.</param>
/// <param name="DrawnAccuracySum">Sum of the test accuracies of every draw.</param>
/// <param name="MeanNetworkAccuracySum">Sum over the trainings of the test accuracy of the trained mean network.</param>
/// <param name="Seconds">Wall time of its collection.</param>
/// <param name="CpuSeconds">CPU time of the process during its collection (all threads; its cost independent of the load from other processes).</param>
/// <param name="Reused">Read from the chunk directory instead of collected.</param>
public sealed record Paper2Chunk(int First, int Count, PackedConfigurations Candidates, long Drawn, double DrawnAccuracySum, double MeanNetworkAccuracySum,
    double Seconds, double CpuSeconds, bool Reused);

/// <summary>What a (shard of a) collection did: its chunks collected now and found stored, and the other shards' chunks still missing.</summary>
/// <param name="Setting">The ensemble's name.</param>
/// <param name="Chunks">Chunks of the whole collection.</param>
/// <param name="Collected">Chunks collected by this call.</param>
/// <param name="Reused">Chunks of the shard found stored.</param>
/// <param name="Missing">Chunks of other shards not stored yet (with 0 of 1 always 0).</param>
/// <param name="Seconds">Wall time of the call.</param>
public sealed record Paper2CollectionSummary(string Setting, int Chunks, int Collected, int Reused, int Missing, double Seconds);

/// <summary>
/// The collection of a paper-2 ensemble in chunks (docs/theory.md section 7, "Collection rule"): chunk c holds the trainings
/// c G .. c G + G - 1 (G = <see cref="Paper2Options.TrainingsPerGroup"/>), one call of the lane kernel (<see cref="EnsembleCollector"/>
/// with groups of G: the chunk is its group c). Each training's <see cref="Paper2Options.SamplesPerTraining"/> draws are reduced to its
/// best <see cref="Paper2Options.KeepPerTraining"/> (the candidates; the threshold is applied when the chunks are put together,
/// <see cref="Paper2Stages.Ensemble"/>). With a cache directory every chunk is stored as it finishes, in
/// <c>DIR/ensembles/SETTING/trainings-A-B.nspack</c> (the project's ensemble format, with accuracies and (training, draw) indices)
/// and <c>trainings-A-B.json</c> (the draws' statistics, written first), and a stored chunk is read instead of collected. Since a
/// lane-kernel training depends only on its seed and the ensemble's shared data order, never on its group, a collection
/// interrupted and resumed, or split over processes by <c>shard i/n</c> (the chunks c with c mod n = i), gives the same
/// candidates bit for bit as one uninterrupted run.
/// </summary>
public static class Paper2Collection
{
    static readonly JsonSerializerOptions Json = new() { WriteIndented = true };

    /// <summary>The chunks of a collection: ceil(<see cref="Paper2Options.Trainings"/> / <see cref="Paper2Options.TrainingsPerGroup"/>).</summary>
    public static int ChunkCount(Paper2Options options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return (int)(((long)options.Trainings + options.TrainingsPerGroup - 1) / options.TrainingsPerGroup);
    }

    /// <summary>The folder of an ensemble's chunks inside a cache directory.</summary>
    public static string Folder(string cacheDir, string setting) => Path.Combine(cacheDir, "ensembles", setting);

    /// <summary>The file of the chunk of trainings first .. first + count - 1 (the statistics file is the same name with <c>.json</c>).</summary>
    public static string ChunkPath(string folder, int first, int count) =>
        Path.Combine(folder, string.Create(CultureInfo.InvariantCulture, $"trainings-{first}-{first + count - 1}.nspack"));

    /// <summary>The training data of a setting: the first <see cref="Paper2Setting.TrainImages"/> training images (and the whole
    /// test set), or <paramref name="data"/> itself.</summary>
    /// <exception cref="ArgumentException">The data hold fewer training images than the setting asks for.</exception>
    public static TrainingData DataOf(TrainingData data, Paper2Setting setting)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(setting);
        if (setting.TrainImages is not int p) return data;
        if (p > data.TrainCount)
            throw new ArgumentException($"the {setting.Name} ensemble trains on the first {p} training images, but the data hold {data.TrainCount}");
        return new TrainingData(data.TrainX.AsSpan(0, p * data.InputDim).ToArray(), data.TrainY.AsSpan(0, p).ToArray(), data.TestX, data.TestY, data.InputDim);
    }

    /// <summary>The collector's configuration of a setting (every chunk): the lane kernel, groups of
    /// <see cref="Paper2Options.TrainingsPerGroup"/>, each training's best <see cref="Paper2Options.KeepPerTraining"/> draws, no threshold.</summary>
    public static EnsembleOptions CollectorOptions(Paper2Setting setting, Paper2Options options)
    {
        ArgumentNullException.ThrowIfNull(setting);
        ArgumentNullException.ThrowIfNull(options);
        return new EnsembleOptions
        {
            Training = new LrNetTrainingOptions
            {
                Widths = setting.Widths.ToArray(), Epochs = setting.Epochs, LearningRate = options.LearningRate, L2 = options.L2, BatchSize = options.BatchSize,
                TrainSubset = setting.TrainImages is null ? options.TrainSubset : null,
            },
            Trainings = options.Trainings, TrainingsPerGroup = options.TrainingsPerGroup, SamplesPerTraining = options.SamplesPerTraining,
            KeepPerTraining = options.KeepPerTraining, AccuracyThreshold = double.NegativeInfinity,
            Seed = Seeds.Stream(options.Seed, setting.SeedStream),
            // the lane kernel (docs/theory.md section 7, "The lane layout"): a training's fields do not depend on its group or the threads
            Kernel = EnsembleKernel.Lanes,
            MaxDegreeOfParallelism = options.Threads > 0 ? options.Threads : null,
        };
    }

    /// <summary>
    /// Collects the chunks of one setting that belong to shard <paramref name="shardIndex"/> of <paramref name="shardCount"/> (chunk c
    /// when c mod n = i; 0 of 1: all of them), reading those stored already. Chunks of other shards are neither collected nor read
    /// (only counted when missing). <paramref name="progress"/> gets one report per chunk collected (the fraction of the shard's
    /// trainings available, a line with the chunk's wall and CPU seconds, the rate and the time left) and one for the chunks found
    /// stored.
    /// </summary>
    /// <param name="data">The whole data (the setting takes its images, <see cref="DataOf"/>).</param>
    /// <param name="setting">The ensemble.</param>
    /// <param name="options">Sizes and settings.</param>
    /// <param name="cacheDir">Where the chunks are stored and read (null: in memory only).</param>
    /// <param name="shardIndex">This process's shard i.</param>
    /// <param name="shardCount">Shards n.</param>
    /// <param name="chunks">The shard's chunks (with 0 of 1, every chunk), in the order of their trainings.</param>
    /// <param name="progress">Receives the stage "ensemble", the fraction done and a message.</param>
    /// <param name="cancellationToken">Checked between chunks and between the kernel's groups.</param>
    /// <exception cref="InvalidDataException">A stored chunk of the shard does not hold what its name and the settings say (delete it to recollect).</exception>
    public static Paper2CollectionSummary Collect(TrainingData data, Paper2Setting setting, Paper2Options options, string? cacheDir, int shardIndex, int shardCount,
        out IReadOnlyList<Paper2Chunk> chunks, IProgress<Paper2Progress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(setting);
        ArgumentNullException.ThrowIfNull(options);
        if (shardCount < 1 || shardIndex < 0 || shardIndex >= shardCount) throw new ArgumentException($"shard {shardIndex}/{shardCount} is not i/n with 0 <= i < n");
        var sw = Stopwatch.StartNew();
        var sub = DataOf(data, setting);
        var eo = CollectorOptions(setting, options);
        int n = LrNet.WeightCountOf(setting.Widths);
        int count = ChunkCount(options), g = options.TrainingsPerGroup;
        int First(int c) => c * g;
        int Size(int c) => Math.Min(g, options.Trainings - c * g);
        string? folder = cacheDir is null ? null : Folder(cacheDir, setting.Name);
        if (folder is not null) Directory.CreateDirectory(folder);
        var own = Enumerable.Range(0, count).Where(c => c % shardCount == shardIndex).ToList();
        int othersMissing = folder is null ? count - own.Count
            : Enumerable.Range(0, count).Count(c => c % shardCount != shardIndex && !Stored(ChunkPath(folder, First(c), Size(c))));
        var slots = new SortedDictionary<int, Paper2Chunk>();
        foreach (int c in own)
            if (folder is not null && TryRead(ChunkPath(folder, First(c), Size(c)), First(c), Size(c), n, options) is { } stored) slots[c] = stored;
        int reused = slots.Count, scope = own.Sum(Size), available = slots.Values.Sum(x => x.Count);
        int reached = slots.Values.Sum(x => Reached(x.Candidates, setting.Threshold));
        string F(double v, string fmt) => v.ToString(fmt, CultureInfo.InvariantCulture);
        string where = shardCount > 1 ? $" of shard {shardIndex}/{shardCount}" : "";
        var todo = own.Where(c => !slots.ContainsKey(c)).ToList();
        if (reused > 0)
            progress?.Report(new Paper2Progress("ensemble", (double)available / scope,
                $"ensemble {setting.Name}: {reused} of {own.Count} chunks{where} ({available} trainings) read from {folder}; {todo.Count} to collect"));
        int collected = 0, trainingsNow = 0, left = todo.Sum(Size);
        var now = Stopwatch.StartNew();
        foreach (int c in todo)
        {
            cancellationToken.ThrowIfCancellationRequested();
            int first = First(c), k = Size(c);
            var chunk = Run(sub, eo with { ShardIndex = c, ShardCount = count }, first, k, n, cancellationToken);
            if (folder is not null) Store(ChunkPath(folder, first, k), chunk);
            slots[c] = chunk;
            collected++;
            trainingsNow += k;
            available += k;
            left -= k;
            reached += Reached(chunk.Candidates, setting.Threshold);
            double rate = ProgressRate.PerSecond(trainingsNow, now.Elapsed.TotalSeconds);
            progress?.Report(new Paper2Progress("ensemble", (double)available / scope,
                $"ensemble {setting.Name}: trainings {first}-{first + k - 1} in {F(chunk.Seconds, "F0")} s, {F(chunk.CpuSeconds, "F0")} CPU-s (chunk {c + 1} of {count}); "
                + $"{available} of {scope} trainings{where} done, {reached} reached {F(setting.Threshold, "F2")}; {F(rate, "F1")} trainings/s, about {F(left / Math.Max(rate, 1e-9) / 60, "F0")} min left"));
        }
        chunks = slots.Values.ToList();
        return new Paper2CollectionSummary(setting.Name, count, collected, reused, othersMissing, sw.Elapsed.TotalSeconds);
    }

    /// <summary>Whether the chunk at <paramref name="path"/> is stored (its candidates and its statistics), without reading it.</summary>
    static bool Stored(string path) => File.Exists(path) && File.Exists(StatsPath(path));

    /// <summary>Trainings whose best candidate reaches <paramref name="threshold"/>.</summary>
    public static int Reached(PackedConfigurations candidates, double threshold)
    {
        ArgumentNullException.ThrowIfNull(candidates);
        var best = new Dictionary<int, double>();
        for (int k = 0; k < candidates.Count; k++)
        {
            int t = candidates.TrainingIndex(k);
            double a = candidates.Accuracy(k);
            best[t] = best.TryGetValue(t, out double b) ? Math.Max(a, b) : a;
        }
        return best.Values.Count(a => a >= threshold);
    }

    /// <summary>Runs one chunk: the collector with <paramref name="eo"/> (its shard is the chunk), the candidates kept in memory.</summary>
    static Paper2Chunk Run(TrainingData data, EnsembleOptions eo, int first, int count, int n, CancellationToken cancellationToken)
    {
        var sw = Stopwatch.StartNew();
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        var packed = new PackedConfigurations(n, hasAccuracy: true, hasIndices: true);
        using var writer = new CandidateWriter(packed);
        double drawnSum = 0, meanSum = 0;
        var summary = EnsembleCollector.Collect(data, eo, writer, new SyncProgress<EnsembleProgress>(p =>
        {
            drawnSum += p.MeanSampledAccuracy * eo.SamplesPerTraining;
            meanSum += p.TestAccuracyMean;
        }), cancellationToken);
        if (summary.TrainingsRun != count) throw new InvalidOperationException($"chunk of trainings {first}-{first + count - 1} ran {summary.TrainingsRun} trainings");
        double cpuSeconds = (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalSeconds;
        return new Paper2Chunk(first, count, packed, summary.Drawn, drawnSum, meanSum, sw.Elapsed.TotalSeconds, cpuSeconds, false);
    }

    sealed class CandidateWriter(PackedConfigurations packed) : IEnsembleWriter
    {
        public int WeightCount => packed.SpinCount;
        public long Count => packed.Count;
        public void Write(EnsembleSample s) => packed.Add(s.Weights, s.Accuracy, s.TrainingIndex, s.SampleIndex);
        public void Complete() { }
        public void Dispose() { }
    }

    /// <summary>The statistics file of a chunk (<c>trainings-A-B.json</c>).</summary>
    sealed record ChunkStats(
        [property: JsonPropertyName("first_training")] int First,
        [property: JsonPropertyName("trainings")] int Count,
        [property: JsonPropertyName("drawn")] long Drawn,
        [property: JsonPropertyName("drawn_accuracy_sum")] double DrawnAccuracySum,
        [property: JsonPropertyName("mean_network_accuracy_sum")] double MeanNetworkAccuracySum,
        [property: JsonPropertyName("seconds")] double Seconds,
        [property: JsonPropertyName("cpu_seconds")] double CpuSeconds);

    static string StatsPath(string chunkPath) => Path.ChangeExtension(chunkPath, ".json");

    /// <summary>Stores a chunk: its statistics first, then its candidates (each atomically), so that a stored chunk file always has its statistics.</summary>
    static void Store(string path, Paper2Chunk chunk)
    {
        AtomicFile.WriteAllText(StatsPath(path), JsonSerializer.Serialize(new ChunkStats(chunk.First, chunk.Count, chunk.Drawn, chunk.DrawnAccuracySum,
            chunk.MeanNetworkAccuracySum, chunk.Seconds, chunk.CpuSeconds), Json) + "\n");
        chunk.Candidates.Write(path);
    }

    /// <summary>The stored chunk at <paramref name="path"/>, or null when it (or its statistics) is absent.</summary>
    /// <exception cref="InvalidDataException">It holds other trainings, another network size or another number of candidates per training than the settings give.</exception>
    static Paper2Chunk? TryRead(string path, int first, int count, int n, Paper2Options options)
    {
        string stats = StatsPath(path);
        if (!File.Exists(path) || !File.Exists(stats)) return null;
        string Bad(string what) => $"'{path}' {what}; delete it (and {Path.GetFileName(stats)}) to recollect that chunk";
        ChunkStats s;
        try { s = JsonSerializer.Deserialize<ChunkStats>(File.ReadAllText(stats)) ?? throw new InvalidDataException(Bad("has an empty statistics file")); }
        catch (JsonException e) { throw new InvalidDataException(Bad($"has an unreadable statistics file ({e.Message})"), e); }
        PackedConfigurations p;
        try { p = PackedConfigurations.Read(path); }
        catch (ConfigurationsFileException e) { throw new InvalidDataException(Bad($"cannot be read ({e.Message})"), e); }
        if (p.SpinCount != n) throw new InvalidDataException(Bad($"holds {p.SpinCount}-weight configurations, {n} expected"));
        if (!p.HasAccuracy || !p.HasIndices) throw new InvalidDataException(Bad("carries no accuracies and indices"));
        int perTraining = Math.Min(options.KeepPerTraining, options.SamplesPerTraining);
        if (s.First != first || s.Count != count || p.Count != (long)count * perTraining)
            throw new InvalidDataException(Bad($"holds {p.Count} candidates of trainings from {s.First} ({s.Count} trainings), {count * (long)perTraining} of {first}-{first + count - 1} expected"));
        for (int k = 0; k < p.Count; k++)
            if (p.TrainingIndex(k) != first + k / perTraining)
                throw new InvalidDataException(Bad($"holds training {p.TrainingIndex(k)} at row {k}"));
        return new Paper2Chunk(first, count, p, s.Drawn, s.DrawnAccuracySum, s.MeanNetworkAccuracySum, s.Seconds, s.CpuSeconds, true);
    }
}
