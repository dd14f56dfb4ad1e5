using NeuralSpin.Ising;

namespace NeuralSpin.BinaryNets;

/// <summary>One stored weight configuration of an ensemble.</summary>
/// <param name="Weights">The binary weights, +-1, in <see cref="BinaryNetwork"/>'s order (layer by layer, row-major (out, in)).</param>
/// <param name="Accuracy">Its test accuracy.</param>
/// <param name="TrainingIndex">Index of the training (random start) it was sampled from.</param>
/// <param name="SampleIndex">Index of the draw within that training (counting rejected draws too).</param>
public sealed record EnsembleSample(sbyte[] Weights, double Accuracy, int TrainingIndex, int SampleIndex);

/// <summary>Receives the configurations of an ensemble in order.</summary>
public interface IEnsembleWriter : IDisposable
{
    /// <summary>Weights per configuration.</summary>
    int WeightCount { get; }

    /// <summary>Configurations written so far.</summary>
    long Count { get; }

    /// <summary>Appends one configuration.</summary>
    void Write(EnsembleSample sample);

    /// <summary>Finishes the ensemble (for files: makes it visible under its name). Writers disposed without it leave nothing behind.</summary>
    void Complete();
}

/// <summary>An in-memory ensemble (tests, small runs).</summary>
public sealed class EnsembleList(int weightCount) : IEnsembleWriter
{
    private readonly List<EnsembleSample> _samples = [];

    /// <inheritdoc/>
    public int WeightCount { get; } = weightCount;
    /// <inheritdoc/>
    public long Count => _samples.Count;
    /// <summary>The configurations written.</summary>
    public IReadOnlyList<EnsembleSample> Samples => _samples;

    /// <inheritdoc/>
    public void Write(EnsembleSample sample)
    {
        ArgumentNullException.ThrowIfNull(sample);
        if (sample.Weights.Length != WeightCount) throw new ArgumentException($"{sample.Weights.Length} weights, expected {WeightCount}");
        _samples.Add(sample);
    }

    /// <inheritdoc/>
    public void Complete() { }
    /// <inheritdoc/>
    public void Dispose() { }
}

/// <summary>
/// Ensemble files: the project's one bit-packed format, <see cref="PackedConfigurations"/>, with per-configuration
/// accuracy and (training index, sample index). Weight i (in <see cref="BinaryNetwork"/>'s order) is bit i % 64 of
/// word i / 64, 1 for w = +1. The indices let shard files be merged into exactly the order a single process writes
/// (<see cref="Merge"/>), byte for byte, and keep the provenance of each configuration. The same file is a
/// configurations file for the Ising tools (<c>Configurations</c>, <c>neuralspin ising fit --configs</c>).
/// </summary>
public static class PackedEnsembleFile
{
    /// <summary>Reads every configuration of an ensemble file (it must carry accuracies and indices).</summary>
    /// <exception cref="ConfigurationsFileException">The file cannot be read, is damaged, or carries no accuracies/indices.</exception>
    public static IReadOnlyList<EnsembleSample> Read(string path) => ToSamples(PackedConfigurations.Read(path), path);

    /// <summary>The samples of an in-memory ensemble.</summary>
    public static IReadOnlyList<EnsembleSample> ToSamples(PackedConfigurations p, string path = "")
    {
        ArgumentNullException.ThrowIfNull(p);
        if (!p.HasIndices)
            throw new ConfigurationsFileException(path, "it carries no per-configuration accuracies and (training, sample) indices, so it is not an ensemble file",
                "Collect the ensemble with 'neuralspin ensemble collect' (EnsembleCollector with a PackedEnsembleWriter).");
        var list = new List<EnsembleSample>(p.Count);
        for (int k = 0; k < p.Count; k++)
        {
            var w = new sbyte[p.SpinCount];
            p.Get(k, w);
            list.Add(new EnsembleSample(w, p.Accuracy(k), p.TrainingIndex(k), p.SampleIndex(k)));
        }
        return list;
    }

    /// <summary>
    /// Merges shard files into one ensemble ordered by (training index, sample index), i.e. the order of a single
    /// unsharded process, and writes it atomically. Returns the number of configurations.
    /// </summary>
    /// <exception cref="ConfigurationsFileException">A shard cannot be read, the shards differ in size or flags, or a
    /// (training, sample) pair occurs twice.</exception>
    public static long Merge(IReadOnlyList<string> shardPaths, string outputPath)
    {
        ArgumentNullException.ThrowIfNull(shardPaths);
        if (shardPaths.Count == 0) throw new ArgumentException("no shard files to merge");
        var merged = PackedConfigurations.Merge(shardPaths);
        if (!merged.HasIndices) ToSamples(merged, shardPaths[0]); // reports a non-ensemble file
        merged.Write(outputPath);
        return merged.Count;
    }
}

/// <summary>
/// Collects an ensemble in memory (bit-packed, 1 bit per weight) and writes it as a <see cref="PackedConfigurations"/>
/// file with accuracies and (training, sample) indices when <see cref="Complete"/> is called, atomically (readers never
/// see a partial ensemble). Disposing without completing writes nothing.
/// </summary>
public sealed class PackedEnsembleWriter : IEnsembleWriter
{
    private readonly string _path;
    private PackedConfigurations? _data;

    /// <summary>Starts an ensemble of <paramref name="weightCount"/>-weight configurations to be written to <paramref name="path"/>.</summary>
    public PackedEnsembleWriter(string path, int weightCount)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(weightCount);
        _path = path;
        WeightCount = weightCount;
        _data = new PackedConfigurations(weightCount, hasAccuracy: true, hasIndices: true);
    }

    /// <inheritdoc/>
    public int WeightCount { get; }
    /// <inheritdoc/>
    public long Count => _data?.Count ?? _written;
    private long _written;

    /// <inheritdoc/>
    public void Write(EnsembleSample sample)
    {
        ArgumentNullException.ThrowIfNull(sample);
        if (_data is null) throw new InvalidOperationException("the ensemble writer is closed");
        if (sample.Weights.Length != WeightCount) throw new ArgumentException($"{sample.Weights.Length} weights, expected {WeightCount}");
        _data.Add(sample.Weights, sample.Accuracy, sample.TrainingIndex, sample.SampleIndex);
    }

    /// <inheritdoc/>
    public void Complete()
    {
        if (_data is null) throw new InvalidOperationException("the ensemble writer is closed");
        _data.Write(_path);
        _written = _data.Count;
        _data = null;
    }

    /// <inheritdoc/>
    public void Dispose() => _data = null;
}
