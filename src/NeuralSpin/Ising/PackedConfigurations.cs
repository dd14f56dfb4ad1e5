using System.Buffers.Binary;
using System.Runtime.InteropServices;
using NeuralSpin.IO;

namespace NeuralSpin.Ising;

/// <summary>
/// A bit-packed ensemble of +-1 configurations for large collections: each configuration of N spins is
/// ceil(N/64) <c>ulong</c> words, bit (i mod 64) of word (i / 64) set when s_i = +1 (the same convention
/// as <see cref="ConfigurationIndex"/>); unused high bits are zero. Optionally every configuration carries a
/// double "accuracy" (e.g. the test accuracy of a weight configuration) and, optionally, its provenance: an int32
/// training index and an int32 sample (draw) index, which let shard files of an ensemble collection be merged into
/// exactly the order of one unsharded run (<see cref="Merge"/>). Configurations are appended with
/// <see cref="Add(ReadOnlySpan{sbyte})"/>, <see cref="Add(ReadOnlySpan{sbyte}, double)"/> or
/// <see cref="Add(ReadOnlySpan{sbyte}, double, int, int)"/>. This is the project's one bit-packed ensemble format
/// (the ensemble collector of NeuralSpin.BinaryNets writes it through <c>PackedEnsembleWriter</c>).
/// <para>
/// File layout (little-endian), 32-byte header then data:
/// magic <c>"NSPACKCF"</c> (8 bytes); uint32 version (1); uint32 flags (bit 0: accuracies present; bit 1: indices
/// present, only together with bit 0); uint32 n_spins; uint32 reserved (0); uint64 n_samples; then
/// n_samples * ceil(n_spins/64) uint64 words; then, if flagged, n_samples float64 accuracies; then, if flagged,
/// n_samples pairs (int32 training index, int32 sample index).
/// </para>
/// </summary>
public sealed class PackedConfigurations
{
    /// <summary>The 8-byte magic at the start of a file.</summary>
    public static ReadOnlySpan<byte> Magic => "NSPACKCF"u8;

    /// <summary>The format version written and read.</summary>
    public const uint Version = 1;

    const int HeaderBytes = 32;
    const uint FlagAccuracy = 1;
    const uint FlagIndices = 2;
    const string Regenerate = "Regenerate the file with 'neuralspin ensemble collect' (and 'neuralspin ensemble merge' for shards).";

    readonly List<ulong> _words = [];
    readonly List<double>? _accuracy;
    readonly List<int>? _training;
    readonly List<int>? _sample;

    /// <summary>An empty ensemble of <paramref name="spinCount"/>-spin configurations, with or without per-configuration
    /// accuracies and (training, sample) indices; indices require accuracies.</summary>
    public PackedConfigurations(int spinCount, bool hasAccuracy = false, bool hasIndices = false)
    {
        if (spinCount < 1) throw new ArgumentException("configurations need at least one spin", nameof(spinCount));
        if (hasIndices && !hasAccuracy) throw new ArgumentException("(training, sample) indices are stored only together with accuracies", nameof(hasIndices));
        SpinCount = spinCount;
        WordsPerSample = (spinCount + 63) / 64;
        if (hasAccuracy) _accuracy = [];
        if (hasIndices) { _training = []; _sample = []; }
    }

    /// <summary>Whether each configuration carries its (training index, sample index).</summary>
    public bool HasIndices => _training is not null;

    /// <summary>The training index of configuration <paramref name="k"/>.</summary>
    public int TrainingIndex(int k) => _training is null ? throw new InvalidOperationException("these configurations carry no indices") : _training[k];

    /// <summary>The sample (draw) index of configuration <paramref name="k"/> within its training.</summary>
    public int SampleIndex(int k) => _sample is null ? throw new InvalidOperationException("these configurations carry no indices") : _sample[k];

    /// <summary>Number of spins N.</summary>
    public int SpinCount { get; }

    /// <summary>ceil(N / 64).</summary>
    public int WordsPerSample { get; }

    /// <summary>Whether each configuration carries an accuracy.</summary>
    public bool HasAccuracy => _accuracy is not null;

    /// <summary>Number of configurations.</summary>
    public int Count => _words.Count / WordsPerSample;

    /// <summary>The packed words, configuration after configuration.</summary>
    public ReadOnlySpan<ulong> Words => CollectionsMarshal.AsSpan(_words);

    /// <summary>The accuracy of configuration <paramref name="k"/>.</summary>
    public double Accuracy(int k) => _accuracy is null ? throw new InvalidOperationException("these configurations carry no accuracies") : _accuracy[k];

    /// <summary>Appends a configuration (only when the ensemble carries no accuracies).</summary>
    public void Add(ReadOnlySpan<sbyte> s)
    {
        if (HasAccuracy) throw new InvalidOperationException("this ensemble carries accuracies; use Add(s, accuracy)");
        Pack(s);
    }

    /// <summary>Appends a configuration with its accuracy (only when the ensemble carries accuracies).</summary>
    public void Add(ReadOnlySpan<sbyte> s, double accuracy)
    {
        if (_accuracy is null) throw new InvalidOperationException("this ensemble carries no accuracies; use Add(s)");
        if (HasIndices) throw new InvalidOperationException("this ensemble carries indices; use Add(s, accuracy, trainingIndex, sampleIndex)");
        Pack(s);
        _accuracy.Add(accuracy);
    }

    /// <summary>Appends a configuration with its accuracy and (training, sample) indices (only when the ensemble carries both).</summary>
    public void Add(ReadOnlySpan<sbyte> s, double accuracy, int trainingIndex, int sampleIndex)
    {
        // Stryker disable once Logical : indices come only with accuracies, and the two index lists exist together
        if (_accuracy is null || _training is null || _sample is null)
            throw new InvalidOperationException("this ensemble carries no indices; use Add(s) or Add(s, accuracy)");
        Pack(s);
        _accuracy.Add(accuracy);
        _training.Add(trainingIndex);
        _sample.Add(sampleIndex);
    }

    void Pack(ReadOnlySpan<sbyte> s)
    {
        if (s.Length != SpinCount) throw new ArgumentException($"a configuration needs {SpinCount} spins, got {s.Length}");
        for (int w = 0; w < WordsPerSample; w++)
        {
            ulong word = 0;
            int end = Math.Min(SpinCount, 64 * (w + 1));
            for (int i = 64 * w; i < end; i++)
            {
                if (s[i] == 1) word |= 1UL << (i - 64 * w);
                else if (s[i] != -1) throw new ArgumentException($"spin {i} is {s[i]}, not +-1");
            }
            _words.Add(word);
        }
    }

    /// <summary>Unpacks configuration <paramref name="k"/> into <paramref name="s"/> (length N).</summary>
    public void Get(int k, Span<sbyte> s)
    {
        if ((uint)k >= (uint)Count) throw new ArgumentOutOfRangeException(nameof(k));
        if (s.Length != SpinCount) throw new ArgumentException($"a configuration needs {SpinCount} spins, got {s.Length}");
        var words = Words.Slice(k * WordsPerSample, WordsPerSample);
        // Stryker disable once Bitwise : i and the words' low bits are what is read; >> and >>> agree on them
        for (int i = 0; i < SpinCount; i++) s[i] = (sbyte)(((words[i >> 6] >> (i & 63)) & 1) != 0 ? 1 : -1);
    }

    /// <summary>All configurations unpacked, row-major.</summary>
    public Configurations ToConfigurations()
    {
        // Stryker disable once Equality : the boundary Count x N = Array.MaxLength needs a 2 GB array
        if ((long)Count * SpinCount > Array.MaxLength)
            throw new InvalidOperationException($"{Count} configurations of {SpinCount} spins exceed the largest array; read them with Get");
        var spins = new sbyte[Count * SpinCount];
        for (int k = 0; k < Count; k++) Get(k, spins.AsSpan(k * SpinCount, SpinCount));
        return new Configurations(SpinCount, spins);
    }

    /// <summary>Packs an unpacked ensemble (with optional accuracies, one per configuration).</summary>
    public static PackedConfigurations From(Configurations configurations, IReadOnlyList<double>? accuracy = null)
    {
        ArgumentNullException.ThrowIfNull(configurations);
        if (accuracy is not null && accuracy.Count != configurations.SampleCount)
            throw new ArgumentException($"{configurations.SampleCount} configurations but {accuracy.Count} accuracies", nameof(accuracy));
        var p = new PackedConfigurations(configurations.SpinCount, accuracy is not null);
        for (int k = 0; k < configurations.SampleCount; k++)
            if (accuracy is null) p.Add(configurations.Sample(k));
            else p.Add(configurations.Sample(k), accuracy[k]);
        return p;
    }

    /// <summary>Writes the ensemble in the format above, atomically.</summary>
    public void Write(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        AtomicFile.Write(path, s =>
        {
            Span<byte> h = stackalloc byte[HeaderBytes];
            // Stryker disable once Statement : stackalloc memory is zeroed already (the assembly keeps locals init); kept for the reserved field
            h.Clear();
            Magic.CopyTo(h);
            BinaryPrimitives.WriteUInt32LittleEndian(h[8..], Version);
            BinaryPrimitives.WriteUInt32LittleEndian(h[12..], (HasAccuracy ? FlagAccuracy : 0) | (HasIndices ? FlagIndices : 0));
            BinaryPrimitives.WriteUInt32LittleEndian(h[16..], (uint)SpinCount);
            BinaryPrimitives.WriteUInt64LittleEndian(h[24..], (ulong)Count);
            s.Write(h);
            var buf = new byte[8 * 4096];
            WriteWords(s, Words, buf);
            if (_accuracy is not null)
                // Stryker disable once Equality : at i = Count (a multiple of 4096) the extra pass writes 0 bytes
                for (int i = 0; i < _accuracy.Count; i += 4096)
                {
                    int m = Math.Min(4096, _accuracy.Count - i);
                    for (int k = 0; k < m; k++) BinaryPrimitives.WriteDoubleLittleEndian(buf.AsSpan(8 * k), _accuracy[i + k]);
                    s.Write(buf, 0, 8 * m);
                }
            if (_training is not null)
                // Stryker disable once Equality : at i = Count (a multiple of 4096) the extra pass writes 0 bytes
                for (int i = 0; i < _training.Count; i += 4096)
                {
                    int m = Math.Min(4096, _training.Count - i);
                    for (int k = 0; k < m; k++)
                    {
                        BinaryPrimitives.WriteInt32LittleEndian(buf.AsSpan(8 * k), _training[i + k]);
                        BinaryPrimitives.WriteInt32LittleEndian(buf.AsSpan(8 * k + 4), _sample![i + k]);
                    }
                    s.Write(buf, 0, 8 * m);
                }
        });
    }

    static void WriteWords(Stream s, ReadOnlySpan<ulong> words, byte[] buf)
    {
        // Stryker disable once Equality : at i = Count (a multiple of 4096) the extra pass writes 0 bytes
        for (int i = 0; i < words.Length; i += 4096)
        {
            int m = Math.Min(4096, words.Length - i);
            for (int k = 0; k < m; k++) BinaryPrimitives.WriteUInt64LittleEndian(buf.AsSpan(8 * k), words[i + k]);
            s.Write(buf, 0, 8 * m);
        }
    }

    /// <summary>Reads a packed file.</summary>
    /// <exception cref="ConfigurationsFileException">The file is missing, not a packed-configurations file, of another version, truncated, or has bits set beyond N.</exception>
    public static PackedConfigurations Read(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        ConfigurationsFileException Fail(string problem, string remedy = Regenerate) => new(path, problem, remedy);
        try
        {
            // Stryker disable once Bitwise : the buffer size only changes the speed (0 reads unbuffered)
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
            Span<byte> h = stackalloc byte[HeaderBytes];
            int got = stream.ReadAtLeast(h, HeaderBytes, throwOnEndOfStream: false);
            if (got < 8 || !h[..8].SequenceEqual(Magic))
                throw Fail("it does not start with the magic \"NSPACKCF\"; it is not a packed-configurations file", "Check the path: give an ensemble file written by 'neuralspin ensemble collect' or a .npy of +-1 spins.");
            if (got < HeaderBytes) throw Fail($"the {HeaderBytes}-byte header is truncated ({got} bytes)");
            uint version = BinaryPrimitives.ReadUInt32LittleEndian(h[8..]);
            if (version != Version) throw Fail($"format version {version} is not supported (only {Version})", "Read it with the NeuralSpin version that wrote it, or regenerate it.");
            uint flags = BinaryPrimitives.ReadUInt32LittleEndian(h[12..]);
            if ((flags & ~(FlagAccuracy | FlagIndices)) != 0) throw Fail($"unknown flags 0x{flags:x8} in the header");
            if ((flags & FlagIndices) != 0 && (flags & FlagAccuracy) == 0) throw Fail("the header flags indices without accuracies");
            uint n = BinaryPrimitives.ReadUInt32LittleEndian(h[16..]);
            ulong samples = BinaryPrimitives.ReadUInt64LittleEndian(h[24..]);
            if (n < 1 || n > int.MaxValue) throw Fail($"the header gives {n} spins");
            var p = new PackedConfigurations((int)n, (flags & FlagAccuracy) != 0, (flags & FlagIndices) != 0);
            long perSample = 8L * p.WordsPerSample + (p.HasAccuracy ? 8 : 0) + (p.HasIndices ? 8 : 0);
            if (samples > (ulong)(long.MaxValue / perSample) || (long)samples * p.WordsPerSample > Array.MaxLength)
                throw Fail($"the header gives an implausible {samples} configurations");
            long expected = HeaderBytes + (long)samples * perSample;
            if (stream.Length != expected)
                throw Fail($"the file is {stream.Length} bytes, but {samples} configurations of {n} spins{(p.HasAccuracy ? " with accuracies" : "")} need {expected}{(p.HasIndices ? " (with indices)" : "")}; it is truncated or damaged");
            // Stryker disable once Checked : the product was bounded by Array.MaxLength just above
            int wordCount = checked((int)samples * p.WordsPerSample);
            var bytes = new byte[8 * Math.Min(wordCount, 1 << 16)];
            int topBits = (int)(n % 64);
            ulong unused = topBits == 0 ? 0 : ~((1UL << topBits) - 1);
            for (int done = 0; done < wordCount;)
            {
                int m = Math.Min(wordCount - done, bytes.Length / 8);
                stream.ReadExactly(bytes, 0, 8 * m);
                for (int k = 0; k < m; k++)
                {
                    ulong w = BinaryPrimitives.ReadUInt64LittleEndian(bytes.AsSpan(8 * k));
                    int index = done + k;
                    if (index % p.WordsPerSample == p.WordsPerSample - 1 && (w & unused) != 0)
                        throw Fail($"configuration {index / p.WordsPerSample} has bits set beyond spin {n - 1}; the file is damaged");
                    p._words.Add(w);
                }
                done += m;
            }
            if (p._accuracy is not null)
            {
                var ab = new byte[8];
                for (ulong k = 0; k < samples; k++)
                {
                    stream.ReadExactly(ab);
                    p._accuracy.Add(BinaryPrimitives.ReadDoubleLittleEndian(ab));
                }
            }
            if (p._training is not null)
            {
                var ib = new byte[8];
                for (ulong k = 0; k < samples; k++)
                {
                    stream.ReadExactly(ib);
                    p._training.Add(BinaryPrimitives.ReadInt32LittleEndian(ib));
                    p._sample!.Add(BinaryPrimitives.ReadInt32LittleEndian(ib.AsSpan(4)));
                }
            }
            return p;
        }
        catch (FileNotFoundException e) { throw new ConfigurationsFileException(path, "the file does not exist", "Check the path.", e); }
        catch (DirectoryNotFoundException e) { throw new ConfigurationsFileException(path, "the file does not exist", "Check the path.", e); }
        catch (EndOfStreamException e) { throw new ConfigurationsFileException(path, "the data are truncated", Regenerate, e); }
        catch (IOException e) { throw new ConfigurationsFileException(path, $"could not be read ({e.Message})", "Check that the file is readable.", e); }
        catch (UnauthorizedAccessException e) { throw new ConfigurationsFileException(path, $"could not be opened ({e.Message})", "Check the file's permissions.", e); }
    }

    /// <summary>
    /// Reads several packed files and merges them. All must have the same N and the same accuracy and index flags.
    /// Without indices the files are concatenated in the given order; with indices the configurations are ordered by
    /// (training index, sample index), i.e. the order of one unsharded ensemble collection, whatever the order of the
    /// shard files, and a (training, sample) pair occurring twice is reported.
    /// </summary>
    /// <exception cref="ConfigurationsFileException">A file cannot be read, its N or flags differ from the first file's,
    /// or (with indices) a (training, sample) pair occurs more than once.</exception>
    public static PackedConfigurations Merge(IReadOnlyList<string> paths)
    {
        ArgumentNullException.ThrowIfNull(paths);
        if (paths.Count == 0) throw new ArgumentException("nothing to merge", nameof(paths));
        var first = Read(paths[0]);
        for (int f = 1; f < paths.Count; f++)
        {
            var next = Read(paths[f]);
            if (next.SpinCount != first.SpinCount)
                throw new ConfigurationsFileException(paths[f], $"it holds configurations of {next.SpinCount} spins, but '{paths[0]}' holds {first.SpinCount}",
                    "Merge only ensembles of the same network.");
            if (next.HasAccuracy != first.HasAccuracy)
                throw new ConfigurationsFileException(paths[f], $"it {(next.HasAccuracy ? "carries" : "carries no")} accuracies, but '{paths[0]}' {(first.HasAccuracy ? "does" : "does not")}",
                    "Merge only ensembles collected with the same settings.");
            if (next.HasIndices != first.HasIndices)
                throw new ConfigurationsFileException(paths[f], $"it {(next.HasIndices ? "carries" : "carries no")} (training, sample) indices, but '{paths[0]}' {(first.HasIndices ? "does" : "does not")}",
                    "Merge only shards of the same ensemble collection.");
            first.Append(next);
        }
        if (!first.HasIndices) return first;
        var order = Enumerable.Range(0, first.Count).OrderBy(k => first._training![k]).ThenBy(k => first._sample![k]).ToArray();
        for (int i = 1; i < order.Length; i++)
            if (first._training![order[i]] == first._training[order[i - 1]] && first._sample![order[i]] == first._sample[order[i - 1]])
                throw new ConfigurationsFileException(paths[0], $"training {first._training[order[i]]}, sample {first._sample[order[i]]} occurs more than once among the merged files",
                    "Give each shard once; shards i/n of one collection never overlap.");
        var sorted = new PackedConfigurations(first.SpinCount, true, true);
        var words = first.Words;
        foreach (int k in order)
        {
            for (int w = 0; w < first.WordsPerSample; w++) sorted._words.Add(words[k * first.WordsPerSample + w]);
            sorted._accuracy!.Add(first._accuracy![k]);
            sorted._training!.Add(first._training![k]);
            sorted._sample!.Add(first._sample![k]);
        }
        return sorted;
    }

    /// <summary>Appends every configuration of <paramref name="other"/> (same N and accuracy flag).</summary>
    public void Append(PackedConfigurations other)
    {
        ArgumentNullException.ThrowIfNull(other);
        if (other.SpinCount != SpinCount || other.HasAccuracy != HasAccuracy || other.HasIndices != HasIndices)
            throw new ArgumentException($"cannot append {other.SpinCount}-spin configurations (accuracies: {other.HasAccuracy}, indices: {other.HasIndices}) to {SpinCount}-spin ones (accuracies: {HasAccuracy}, indices: {HasIndices})");
        _words.AddRange(other._words);
        if (_accuracy is not null) _accuracy.AddRange(other._accuracy!);
        if (_training is not null) { _training.AddRange(other._training!); _sample!.AddRange(other._sample!); }
    }
}
