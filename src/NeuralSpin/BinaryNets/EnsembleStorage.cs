using System.Buffers.Binary;
using System.Security.Cryptography;

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
/// The bit-packed ensemble file (little-endian). Header, 24 bytes: magic <c>NSBWENS1</c> (8 ASCII
/// bytes), version (uint32, = 1), n_weights (uint32), count (uint64). Then count records, each
/// ceil(n_weights / 64) uint64 words, the accuracy (float64), the training index (int32) and the
/// sample index (int32). Weight i (in <see cref="BinaryNetwork"/>'s order) is bit i % 64 of word
/// i / 64, 1 for w = +1 and 0 for w = -1; unused high bits of the last word are 0.
/// </summary>
/// <remarks>
/// The two trailing indices go beyond the minimal layout (words + accuracy): they let shard files be
/// merged into exactly the order a single process writes (by training index, then sample index), and
/// keep the provenance of each configuration. To be unified with the project's PackedConfigurations.
/// </remarks>
public static class BitPackedEnsembleFile
{
    /// <summary>The 8-byte magic.</summary>
    public static ReadOnlySpan<byte> Magic => "NSBWENS1"u8;
    /// <summary>The format version written.</summary>
    public const uint Version = 1;
    /// <summary>Header size in bytes.</summary>
    public const int HeaderBytes = 24;

    /// <summary>Number of uint64 words per configuration.</summary>
    public static int WordsPerSample(int weightCount) => (weightCount + 63) / 64;

    /// <summary>Bytes per record.</summary>
    public static int RecordBytes(int weightCount) => WordsPerSample(weightCount) * 8 + 16;

    /// <summary>Packs +-1 weights into words (bit = 1 for +1).</summary>
    public static ulong[] Pack(ReadOnlySpan<sbyte> weights)
    {
        var words = new ulong[WordsPerSample(weights.Length)];
        for (int i = 0; i < weights.Length; i++)
        {
            if (weights[i] == 1) words[i >> 6] |= 1UL << (i & 63);
            else if (weights[i] != -1) throw new ArgumentException($"weight {i} is {weights[i]}, not +-1");
        }
        return words;
    }

    /// <summary>Unpacks <paramref name="weightCount"/> weights (+-1) from words.</summary>
    public static sbyte[] Unpack(ReadOnlySpan<ulong> words, int weightCount)
    {
        var w = new sbyte[weightCount];
        for (int i = 0; i < weightCount; i++) w[i] = (words[i >> 6] >> (i & 63) & 1) != 0 ? (sbyte)1 : (sbyte)-1;
        return w;
    }

    /// <summary>Reads the header: (n_weights, count).</summary>
    public static (int WeightCount, long Count) ReadHeader(string path)
    {
        using var s = File.OpenRead(path);
        return ReadHeader(s, path);
    }

    static (int WeightCount, long Count) ReadHeader(Stream s, string path)
    {
        Span<byte> h = stackalloc byte[HeaderBytes];
        if (s.ReadAtLeast(h, HeaderBytes, throwOnEndOfStream: false) < HeaderBytes)
            throw new InvalidDataException($"'{path}' is too short for an ensemble file header");
        if (!h[..8].SequenceEqual(Magic)) throw new InvalidDataException($"'{path}' is not a bit-packed ensemble file (bad magic)");
        uint version = BinaryPrimitives.ReadUInt32LittleEndian(h[8..]);
        if (version != Version) throw new InvalidDataException($"'{path}' has version {version}; this reader knows {Version}");
        uint n = BinaryPrimitives.ReadUInt32LittleEndian(h[12..]);
        ulong count = BinaryPrimitives.ReadUInt64LittleEndian(h[16..]);
        if (n == 0 || n > int.MaxValue || count > long.MaxValue) throw new InvalidDataException($"'{path}': implausible header (n_weights {n}, count {count})");
        long expected = HeaderBytes + (long)count * RecordBytes((int)n);
        if (s.CanSeek && s.Length != expected)
            throw new InvalidDataException($"'{path}' is {s.Length} bytes, its header ({n} weights, {count} configurations) says {expected}");
        return ((int)n, (long)count);
    }

    /// <summary>Reads every configuration.</summary>
    /// <exception cref="InvalidDataException">The file is not a complete ensemble file of this version.</exception>
    public static IReadOnlyList<EnsembleSample> Read(string path) => Enumerate(path).ToList();

    /// <summary>Streams the configurations in file order.</summary>
    public static IEnumerable<EnsembleSample> Enumerate(string path)
    {
        using var s = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        var (n, count) = ReadHeader(s, path);
        int words = WordsPerSample(n);
        var rec = new byte[RecordBytes(n)];
        var w = new ulong[words];
        for (long r = 0; r < count; r++)
        {
            s.ReadExactly(rec);
            for (int k = 0; k < words; k++) w[k] = BinaryPrimitives.ReadUInt64LittleEndian(rec.AsSpan(8 * k));
            if (n % 64 != 0 && (w[^1] >> (n % 64)) != 0) throw new InvalidDataException($"'{path}': record {r} has padding bits set");
            double acc = BinaryPrimitives.ReadDoubleLittleEndian(rec.AsSpan(8 * words));
            int t = BinaryPrimitives.ReadInt32LittleEndian(rec.AsSpan(8 * words + 8));
            int j = BinaryPrimitives.ReadInt32LittleEndian(rec.AsSpan(8 * words + 12));
            yield return new EnsembleSample(Unpack(w, n), acc, t, j);
        }
    }

    /// <summary>
    /// Merges shard files into one ensemble ordered by (training index, sample index), i.e. the order
    /// of a single unsharded process. All shards must have the same n_weights and each (training,
    /// sample) pair may occur once. Loads the shards into memory.
    /// </summary>
    public static long Merge(IReadOnlyList<string> shardPaths, string outputPath)
    {
        ArgumentNullException.ThrowIfNull(shardPaths);
        if (shardPaths.Count == 0) throw new ArgumentException("no shard files to merge");
        int n = -1;
        var all = new List<EnsembleSample>();
        foreach (var p in shardPaths)
        {
            var (wn, _) = ReadHeader(p);
            if (n < 0) n = wn;
            else if (wn != n) throw new InvalidDataException($"'{p}' holds {wn}-weight configurations, '{shardPaths[0]}' {n}-weight ones");
            all.AddRange(Enumerate(p));
        }
        var sorted = all.OrderBy(s => s.TrainingIndex).ThenBy(s => s.SampleIndex).ToList();
        for (int i = 1; i < sorted.Count; i++)
            if (sorted[i].TrainingIndex == sorted[i - 1].TrainingIndex && sorted[i].SampleIndex == sorted[i - 1].SampleIndex)
                throw new InvalidDataException($"training {sorted[i].TrainingIndex}, sample {sorted[i].SampleIndex} occurs in more than one shard");
        using var writer = new BitPackedEnsembleWriter(outputPath, n);
        foreach (var s in sorted) writer.Write(s);
        writer.Complete();
        return writer.Count;
    }
}

/// <summary>
/// Writes a <see cref="BitPackedEnsembleFile"/> as configurations arrive, to a temporary file beside
/// <c>path</c>; <see cref="Complete"/> fills in the count, flushes to disk and renames it over
/// <c>path</c>, so readers never see a partial ensemble. Disposing without completing deletes it.
/// </summary>
public sealed class BitPackedEnsembleWriter : IEnsembleWriter
{
    private readonly string _path;
    private readonly string _temp;
    private FileStream? _stream;
    private readonly byte[] _record;
    private bool _completed;

    /// <summary>Starts an ensemble of <paramref name="weightCount"/>-weight configurations at <paramref name="path"/>.</summary>
    public BitPackedEnsembleWriter(string path, int weightCount)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(weightCount);
        _path = path;
        WeightCount = weightCount;
        Span<byte> r = stackalloc byte[6];
        RandomNumberGenerator.Fill(r);
        _temp = path + ".tmp-" + Convert.ToHexStringLower(r);
        _stream = new FileStream(_temp, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 1 << 16);
        _record = new byte[BitPackedEnsembleFile.RecordBytes(weightCount)];
        WriteHeader(0);
    }

    /// <inheritdoc/>
    public int WeightCount { get; }
    /// <inheritdoc/>
    public long Count { get; private set; }

    void WriteHeader(long count)
    {
        Span<byte> h = stackalloc byte[BitPackedEnsembleFile.HeaderBytes];
        BitPackedEnsembleFile.Magic.CopyTo(h);
        BinaryPrimitives.WriteUInt32LittleEndian(h[8..], BitPackedEnsembleFile.Version);
        BinaryPrimitives.WriteUInt32LittleEndian(h[12..], (uint)WeightCount);
        BinaryPrimitives.WriteUInt64LittleEndian(h[16..], (ulong)count);
        _stream!.Write(h);
    }

    /// <inheritdoc/>
    public void Write(EnsembleSample sample)
    {
        ArgumentNullException.ThrowIfNull(sample);
        if (_stream is null || _completed) throw new InvalidOperationException("the ensemble writer is closed");
        if (sample.Weights.Length != WeightCount) throw new ArgumentException($"{sample.Weights.Length} weights, expected {WeightCount}");
        var words = BitPackedEnsembleFile.Pack(sample.Weights);
        for (int k = 0; k < words.Length; k++) BinaryPrimitives.WriteUInt64LittleEndian(_record.AsSpan(8 * k), words[k]);
        BinaryPrimitives.WriteDoubleLittleEndian(_record.AsSpan(8 * words.Length), sample.Accuracy);
        BinaryPrimitives.WriteInt32LittleEndian(_record.AsSpan(8 * words.Length + 8), sample.TrainingIndex);
        BinaryPrimitives.WriteInt32LittleEndian(_record.AsSpan(8 * words.Length + 12), sample.SampleIndex);
        _stream.Write(_record);
        Count++;
    }

    /// <inheritdoc/>
    public void Complete()
    {
        if (_stream is null || _completed) throw new InvalidOperationException("the ensemble writer is closed");
        _stream.Seek(0, SeekOrigin.Begin);
        WriteHeader(Count);
        _stream.Flush(flushToDisk: true);
        _stream.Dispose();
        _stream = null;
        File.Move(_temp, _path, overwrite: true);
        _completed = true;
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        if (_stream is not null)
        {
            _stream.Dispose();
            _stream = null;
        }
        if (!_completed)
        {
            try { File.Delete(_temp); }
            catch (IOException) { }
            catch (UnauthorizedAccessException) { }
        }
    }
}
