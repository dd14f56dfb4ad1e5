using System.Globalization;
using System.Text.Json.Serialization;

namespace NeuralSpin.BinaryNets;

/// <summary>
/// The JSON summary of an ensemble collection (<see cref="EnsembleCollector"/>; <c>neuralspin ensemble collect --json</c>),
/// written by <see cref="NeuralSpin.Reporting.ResultJson"/>.
/// </summary>
/// <param name="NWeights">Weights (spins) of each network.</param>
/// <param name="TrainingsRun">Trainings this shard ran.</param>
/// <param name="Drawn">Binary networks drawn.</param>
/// <param name="Kept">Networks kept (test accuracy at least the threshold).</param>
/// <param name="Threshold">The test-accuracy threshold.</param>
/// <param name="SamplesPerTraining">Networks drawn per training.</param>
/// <param name="KeepPerTraining">The most kept per training (a number), or the string <c>all</c>.</param>
/// <param name="Kernel">How trainings run: <c>lanes</c>, <c>batched</c> or <c>per-training</c>.</param>
/// <param name="TrainSize">Training images used.</param>
/// <param name="Shard">The shard, as <c>i/n</c>.</param>
/// <param name="Seed">The seed of the whole ensemble.</param>
/// <param name="ElapsedSeconds">Wall time of the collection in seconds.</param>
public sealed record EnsembleJson(
    [property: JsonPropertyName("n_weights")] int NWeights,
    [property: JsonPropertyName("trainings_run")] int TrainingsRun,
    [property: JsonPropertyName("drawn")] long Drawn,
    [property: JsonPropertyName("kept")] long Kept,
    [property: JsonPropertyName("threshold")] double Threshold,
    [property: JsonPropertyName("samples_per_training")] int SamplesPerTraining,
    [property: JsonPropertyName("keep_per_training")] object KeepPerTraining,
    [property: JsonPropertyName("kernel")] string Kernel,
    [property: JsonPropertyName("train_size")] int TrainSize,
    [property: JsonPropertyName("shard")] string Shard,
    [property: JsonPropertyName("seed")] long Seed,
    [property: JsonPropertyName("elapsed_seconds")] double ElapsedSeconds)
{
    /// <summary>The summary of a collection with <paramref name="options"/> on data of <paramref name="trainCount"/> training images.</summary>
    public static EnsembleJson From(EnsembleSummary summary, EnsembleOptions options, int trainCount)
    {
        ArgumentNullException.ThrowIfNull(summary);
        ArgumentNullException.ThrowIfNull(options);
        return new(LrNet.WeightCountOf(options.Training.Widths), summary.TrainingsRun, summary.Drawn, summary.Kept, options.AccuracyThreshold,
            options.SamplesPerTraining, options.KeepPerTraining is int k ? k : "all", options.Kernel switch { EnsembleKernel.Lanes => "lanes", EnsembleKernel.Batched => "batched", _ => "per-training" },
            options.Training.TrainSubset is int ts ? Math.Min(ts, trainCount) : trainCount,
            string.Create(CultureInfo.InvariantCulture, $"{options.ShardIndex}/{options.ShardCount}"), options.Seed, summary.Elapsed.TotalSeconds);
    }
}
