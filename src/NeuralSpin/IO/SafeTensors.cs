using System.Buffers.Binary;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace NeuralSpin.IO;

/// <summary>
/// Reads and writes the safetensors format: an 8-byte little-endian header length n, n bytes of UTF-8
/// JSON <c>{name: {"dtype", "shape", "data_offsets": [begin, end]}, "__metadata__": {str: str}}</c>,
/// then the byte buffer, with offsets relative to the start of the buffer. Floating dtypes F64, F32,
/// F16 and BF16 are supported. As the format specifies, the tensors' byte ranges, sorted by offset (the header's
/// order is free), must be contiguous from 0 and cover the data buffer exactly; overlaps, gaps and trailing bytes are
/// refused with the tensors named.
/// </summary>
public static class SafeTensors
{
    /// <summary>The dtypes this reader and writer support.</summary>
    public static IReadOnlyList<string> SupportedDTypes { get; } = ["F64", "F32", "F16", "BF16"];

    /// <summary>Headers longer than this are refused as implausible (the reference implementation's limit).</summary>
    public const long MaxHeaderLength = 100_000_000;

    const string MetadataKey = "__metadata__";

    // dtypes the format defines but this reader does not convert
    static readonly HashSet<string> KnownUnsupported =
        ["BOOL", "U8", "I8", "I16", "U16", "I32", "U32", "I64", "U64", "C64",
         "F8_E4M3", "F8_E5M2", "F8_E8M0", "F6_E2M3", "F6_E3M2", "F4"];

    /// <summary>Reads every tensor and the metadata of a safetensors file.</summary>
    /// <param name="path">The file.</param>
    /// <returns>The tensors in header order and the <c>__metadata__</c> map (empty if absent).</returns>
    /// <exception cref="WeightFileException">The file is missing, damaged, or holds an unsupported dtype.</exception>
    public static (IReadOnlyList<NamedTensor> Tensors, IReadOnlyDictionary<string, string> Metadata) Read(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
            return Read(stream, path);
        }
        catch (FileNotFoundException e) { throw Missing(path, e); }
        catch (DirectoryNotFoundException e) { throw Missing(path, e); }
        catch (IOException e) { throw new WeightFileException(path, $"could not be read ({e.Message})", "Check that the file is readable.", e); }
        catch (UnauthorizedAccessException e) { throw new WeightFileException(path, $"could not be opened ({e.Message})", "Check the file's permissions.", e); }
    }

    /// <summary>
    /// Reads only the header of a safetensors file and returns its <c>__metadata__</c> map (empty if
    /// absent). The header is checked as by <see cref="Read(string)"/>; the tensor data are not read.
    /// </summary>
    /// <exception cref="WeightFileException">The file is missing, damaged, or holds an unsupported dtype.</exception>
    public static IReadOnlyDictionary<string, string> ReadMetadata(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 12);
            return ReadHeader(stream, path).Metadata;
        }
        catch (FileNotFoundException e) { throw Missing(path, e); }
        catch (DirectoryNotFoundException e) { throw Missing(path, e); }
        catch (IOException e) { throw new WeightFileException(path, $"could not be read ({e.Message})", "Check that the file is readable.", e); }
        catch (UnauthorizedAccessException e) { throw new WeightFileException(path, $"could not be opened ({e.Message})", "Check the file's permissions.", e); }
    }

    /// <summary>
    /// Opens a safetensors file lazily: the header is read and checked as by <see cref="Read(string)"/>, and each
    /// tensor's bytes are read and decoded only when its <see cref="ModelTensor.Load"/> is called, so that memory holds
    /// one tensor at a time.
    /// </summary>
    /// <exception cref="WeightFileException">The file is missing or its header is damaged.</exception>
    public static ModelFile Open(string path)
    {
        var (tensors, metadata) = Describe(path, path);
        return new ModelFile(path, "safetensors", tensors, metadata);
    }

    /// <summary>The lazily read tensors and the metadata of <paramref name="path"/>; messages name <paramref name="shownPath"/>.</summary>
    internal static (List<ModelTensor> Tensors, IReadOnlyDictionary<string, string> Metadata) Describe(string path, string shownPath)
    {
        ArgumentNullException.ThrowIfNull(path);
        List<Entry> entries;
        IReadOnlyDictionary<string, string> metadata;
        long bufferStart;
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 12);
            (entries, metadata, bufferStart) = ReadHeader(stream, shownPath);
        }
        catch (FileNotFoundException e) { throw Missing(shownPath, e); }
        catch (DirectoryNotFoundException e) { throw Missing(shownPath, e); }
        catch (IOException e) { throw new WeightFileException(shownPath, $"could not be read ({e.Message})", "Check that the file is readable.", e); }
        catch (UnauthorizedAccessException e) { throw new WeightFileException(shownPath, $"could not be opened ({e.Message})", "Check the file's permissions.", e); }
        var tensors = entries.Select(e => new ModelTensor(e.Name, e.DType, e.Shape, () => ReadEntry(path, shownPath, bufferStart, e),
            FloatFormats.IsSingleExact(e.DType) ? () => ReadEntrySingle(path, shownPath, bufferStart, e) : null)).ToList();
        return (tensors, metadata);
    }

    static double[] ReadEntry(string path, string shownPath, long bufferStart, Entry e) =>
        ReadEntryAs<double>(path, shownPath, bufferStart, e, FloatFormats.DecodeLittleEndian);

    /// <summary>The values of an F32, F16 or BF16 entry as float32, decoded chunk by chunk (no float64 copy).</summary>
    static float[] ReadEntrySingle(string path, string shownPath, long bufferStart, Entry e) =>
        ReadEntryAs<float>(path, shownPath, bufferStart, e, FloatFormats.DecodeLittleEndian);

    delegate void Decoder<T>(string dtype, ReadOnlySpan<byte> src, Span<T> dst);

    /// <summary>An entry's values read chunk by chunk from the file and decoded into an array of T.</summary>
    static T[] ReadEntryAs<T>(string path, string shownPath, long bufferStart, Entry e, Decoder<T> decode)
    {
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
            if (stream.Length < bufferStart + e.End)
                throw new WeightFileException(shownPath, $"tensor '{e.Name}' ends past the end of the file, which changed after its header was read", "Do not modify the file while it is read.");
            var data = new T[e.Count];
            const int chunk = 1 << 16;
            int itemSize = FloatFormats.SafeTensorsItemSize(e.DType);
            var buf = new byte[chunk * itemSize];
            stream.Position = bufferStart + e.Begin;
            for (long i = 0; i < e.Count; i += chunk)
            {
                int m = (int)Math.Min(chunk, e.Count - i);
                stream.ReadExactly(buf, 0, m * itemSize);
                decode(e.DType, buf.AsSpan(0, m * itemSize), data.AsSpan((int)i, m));
            }
            return data;
        }
        catch (IOException ex) { throw new WeightFileException(shownPath, $"could not be read ({ex.Message})", "Check that the file is readable.", ex); }
        catch (UnauthorizedAccessException ex) { throw new WeightFileException(shownPath, $"could not be opened ({ex.Message})", "Check the file's permissions.", ex); }
    }


    internal static WeightFileException Missing(string path, Exception? e = null) =>
        new(path, "the file does not exist", "Check the path.", e);

    static (IReadOnlyList<NamedTensor>, IReadOnlyDictionary<string, string>) Read(FileStream stream, string path)
    {
        var (entries, metadata, bufferStart) = ReadHeader(stream, path);
        var tensors = new NamedTensor[entries.Count];
        byte[] scratch = [];
        foreach (var (e, index) in entries.Select((e, i) => (e, i)).OrderBy(p => p.e.Begin))
        {
            int bytes = checked((int)(e.End - e.Begin));
            if (scratch.Length < bytes) scratch = new byte[bytes];
            stream.Position = bufferStart + e.Begin;
            stream.ReadExactly(scratch, 0, bytes);
            var data = new double[e.Count];
            FloatFormats.DecodeLittleEndian(e.DType, scratch.AsSpan(0, bytes), data);
            tensors[index] = new NamedTensor(e.Name, e.DType, e.Shape, data);
        }
        return (tensors, metadata);
    }

    static (List<Entry> Entries, IReadOnlyDictionary<string, string> Metadata, long BufferStart) ReadHeader(FileStream stream, string path)
    {
        long fileLength = stream.Length;
        if (fileLength == 0)
            throw new WeightFileException(path, "the file is empty", WeightFileException.ReExport);
        if (fileLength < 8)
            throw new WeightFileException(path,
                $"the file is only {fileLength} bytes long, shorter than the 8-byte header length that starts a safetensors file; it is truncated or not a safetensors file",
                WeightFileException.ReExport);

        Span<byte> lenBytes = stackalloc byte[8];
        stream.ReadExactly(lenBytes);
        ulong n = BinaryPrimitives.ReadUInt64LittleEndian(lenBytes);
        if (n > (ulong)(fileLength - 8))
            throw new WeightFileException(path,
                $"header length {n} runs past the end of the file ({fileLength} bytes); the file is truncated or not a safetensors file",
                WeightFileException.ReExport);
        if (n > MaxHeaderLength)
            throw new WeightFileException(path,
                $"header length {n} is implausibly large (the limit is {MaxHeaderLength} bytes); the file is damaged or not a safetensors file",
                WeightFileException.ReExport);
        if (n < 2)
            throw new WeightFileException(path, $"header length {n} is too short to hold a JSON object; the file is damaged or not a safetensors file", WeightFileException.ReExport);

        var headerBytes = new byte[n];
        stream.ReadExactly(headerBytes);
        long bufferStart = 8 + (long)n;
        long bufferLength = fileLength - bufferStart;

        var entries = ParseHeader(headerBytes, path, bufferLength, out var metadata);
        return (entries, metadata, bufferStart);
    }

    sealed record Entry(string Name, string DType, long[] Shape, long Count, long Begin, long End);

    static List<Entry> ParseHeader(byte[] headerBytes, string path, long bufferLength, out IReadOnlyDictionary<string, string> metadata)
    {
        string json;
        try
        {
            json = new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(headerBytes);
        }
        catch (DecoderFallbackException e)
        {
            throw new WeightFileException(path, "the header is not valid UTF-8; the file is damaged or not a safetensors file", WeightFileException.ReExport, e);
        }

        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(json.TrimEnd(' '), new JsonDocumentOptions { MaxDepth = 16 });
        }
        catch (JsonException e)
        {
            throw new WeightFileException(path, $"the header is not valid JSON (parsing stopped at byte {e.BytePositionInLine ?? 0} of line {(e.LineNumber ?? 0) + 1}); the file is damaged or not a safetensors file", WeightFileException.ReExport, e);
        }

        using (doc)
        {
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
                throw Bad(path, $"the header is a JSON {Kind(root)}, not an object mapping tensor names to their descriptions");

            var meta = new Dictionary<string, string>(StringComparer.Ordinal);
            var entries = new List<Entry>();
            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (var prop in root.EnumerateObject())
            {
                if (!seen.Add(prop.Name))
                    throw Bad(path, $"the header names '{prop.Name}' twice");
                if (prop.Name == MetadataKey)
                {
                    if (prop.Value.ValueKind == JsonValueKind.Null) continue;
                    if (prop.Value.ValueKind != JsonValueKind.Object)
                        throw Bad(path, $"'{MetadataKey}' is a JSON {Kind(prop.Value)}, not an object of strings");
                    foreach (var m in prop.Value.EnumerateObject())
                    {
                        if (m.Value.ValueKind != JsonValueKind.String)
                            throw Bad(path, $"metadata entry '{m.Name}' is a JSON {Kind(m.Value)}; safetensors metadata values must be strings");
                        meta[m.Name] = m.Value.GetString()!;
                    }
                    continue;
                }
                entries.Add(ParseEntry(prop, path, bufferLength));
            }
            CheckLayout(entries, path, bufferLength);
            metadata = meta;
            return entries;
        }
    }

    static Entry ParseEntry(JsonProperty prop, string path, long bufferLength)
    {
        string name = prop.Name;
        var v = prop.Value;
        if (v.ValueKind != JsonValueKind.Object)
            throw Bad(path, $"tensor '{name}' is described by a JSON {Kind(v)}, not an object with dtype, shape and data_offsets");

        if (!v.TryGetProperty("dtype", out var dtypeEl))
            throw Bad(path, $"tensor '{name}' has no \"dtype\" field");
        if (dtypeEl.ValueKind != JsonValueKind.String)
            throw Bad(path, $"tensor '{name}' has a \"dtype\" that is a JSON {Kind(dtypeEl)}, not a string");
        string dtype = dtypeEl.GetString()!;
        int itemSize = FloatFormats.SafeTensorsItemSize(dtype);
        if (itemSize == 0)
        {
            string what = KnownUnsupported.Contains(dtype)
                ? $"tensor '{name}' has dtype {dtype}, which this reader does not support"
                : $"tensor '{name}' has dtype '{dtype}', which is not a safetensors dtype";
            throw new WeightFileException(path, $"{what}; supported dtypes are {string.Join(", ", SupportedDTypes)}",
                "Convert the weights to floating point (e.g. tensor.float()) before saving them.");
        }

        if (!v.TryGetProperty("shape", out var shapeEl))
            throw Bad(path, $"tensor '{name}' has no \"shape\" field");
        if (shapeEl.ValueKind != JsonValueKind.Array)
            throw Bad(path, $"tensor '{name}' has a \"shape\" that is a JSON {Kind(shapeEl)}, not an array");
        var shape = new long[shapeEl.GetArrayLength()];
        long count = 1;
        bool overflow = false;
        int d = 0;
        foreach (var s in shapeEl.EnumerateArray())
        {
            if (s.ValueKind != JsonValueKind.Number || !s.TryGetInt64(out long dim) || dim < 0)
                throw Bad(path, $"tensor '{name}' has shape entry {s.GetRawText()}, which is not a non-negative integer");
            shape[d++] = dim;
            if (!overflow)
            {
                try { count = checked(count * dim); }
                catch (OverflowException) { overflow = true; }
            }
        }
        if (overflow || count > Array.MaxLength || count * itemSize > int.MaxValue)
            throw new WeightFileException(path, $"tensor '{name}' of shape ({string.Join(", ", shape)}) is too large to load",
                "Split the weights into smaller tensors.");

        if (!v.TryGetProperty("data_offsets", out var offEl))
            throw Bad(path, $"tensor '{name}' has no \"data_offsets\" field");
        if (offEl.ValueKind != JsonValueKind.Array || offEl.GetArrayLength() != 2)
            throw Bad(path, $"tensor '{name}' has \"data_offsets\" {offEl.GetRawText()}, not a pair [begin, end]");
        long begin = Offset(offEl[0], name, path), end = Offset(offEl[1], name, path);
        if (end < begin)
            throw Bad(path, $"tensor '{name}' has data_offsets [{begin}, {end}] with end before begin");
        if (end > bufferLength)
            throw new WeightFileException(path,
                $"tensor '{name}' has data_offsets [{begin}, {end}] past the end of the data buffer ({bufferLength} bytes); the file is truncated",
                WeightFileException.ReExport);
        long expected = count * itemSize;
        if (end - begin != expected)
            throw Bad(path,
                $"tensor '{name}' occupies {end - begin} bytes but shape ({string.Join(", ", shape)}) of {dtype} needs {count} x {itemSize} = {expected} bytes");
        return new Entry(name, dtype, shape, count, begin, end);
    }

    /// <summary>
    /// The format's layout rule: the byte ranges, sorted by offset (the header's order is free), are contiguous from 0
    /// and cover the data buffer exactly: no overlap (two tensors sharing bytes), no gap, no trailing bytes.
    /// </summary>
    static void CheckLayout(List<Entry> entries, string path, long bufferLength)
    {
        var sorted = entries.OrderBy(e => e.Begin).ThenBy(e => e.End).ToList();
        long at = 0;
        Entry? previous = null;
        foreach (var e in sorted)
        {
            if (e.Begin < at)
                throw Bad(path, $"tensors '{previous!.Name}' [{previous.Begin}, {previous.End}] and '{e.Name}' [{e.Begin}, {e.End}] overlap in the data buffer (data_offsets must not share bytes)");
            if (e.Begin > at)
                throw Bad(path, previous is null
                    ? $"the data buffer starts at byte {e.Begin} with tensor '{e.Name}' [{e.Begin}, {e.End}], leaving bytes 0..{e.Begin} unused (the first tensor must start at offset 0)"
                    : $"there is a gap of {e.Begin - at} bytes between tensors '{previous.Name}' [{previous.Begin}, {previous.End}] and '{e.Name}' [{e.Begin}, {e.End}] (tensors must be contiguous)");
            at = e.End;
            previous = e;
        }
        if (at != bufferLength)
            throw Bad(path, previous is null
                ? $"it holds no tensors but a data buffer of {bufferLength} bytes"
                : $"there are {bufferLength - at} bytes after the last tensor '{previous.Name}' [{previous.Begin}, {previous.End}] (the tensors must cover the data buffer of {bufferLength} bytes exactly)");
    }

    static long Offset(JsonElement e, string name, string path)
    {
        if (e.ValueKind != JsonValueKind.Number || !e.TryGetInt64(out long o) || o < 0)
            throw Bad(path, $"tensor '{name}' has data offset {e.GetRawText()}, which is not a non-negative integer");
        return o;
    }

    static WeightFileException Bad(string path, string problem) =>
        new(path, problem + "; the safetensors header is malformed", WeightFileException.ReExport);

    static string Kind(JsonElement e) => e.ValueKind.ToString().ToLowerInvariant();

    /// <summary>
    /// Writes tensors and metadata as a safetensors file, atomically (see <see cref="AtomicFile"/>).
    /// Tensors are stored in the given order with consecutive offsets; the header is padded with
    /// spaces so that the data buffer starts at a multiple of 8 bytes.
    /// </summary>
    /// <param name="path">Destination.</param>
    /// <param name="tensors">Tensors with distinct names (their <see cref="NamedTensor.DType"/> is ignored).</param>
    /// <param name="metadata">Optional string metadata stored under <c>__metadata__</c>.</param>
    /// <param name="dtype">Element type of every stored tensor: F64, F32, F16 or BF16 (values are rounded to nearest, ties to even).</param>
    public static void Write(string path, IReadOnlyList<NamedTensor> tensors, IReadOnlyDictionary<string, string>? metadata = null, string dtype = "F64")
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(tensors);
        int itemSize = FloatFormats.SafeTensorsItemSize(dtype);
        if (itemSize == 0)
            throw new ArgumentException($"dtype '{dtype}' is not supported; use one of {string.Join(", ", SupportedDTypes)}", nameof(dtype));
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var t in tensors)
        {
            if (t.Name == MetadataKey) throw new ArgumentException($"'{MetadataKey}' is reserved and cannot name a tensor", nameof(tensors));
            if (!names.Add(t.Name)) throw new ArgumentException($"tensor name '{t.Name}' is used twice", nameof(tensors));
        }

        byte[] header = BuildHeader(tensors, metadata, dtype, itemSize);
        AtomicFile.Write(path, stream =>
        {
            Span<byte> len = stackalloc byte[8];
            BinaryPrimitives.WriteUInt64LittleEndian(len, (ulong)header.Length);
            stream.Write(len);
            stream.Write(header);
            const int chunk = 1 << 14;
            var buf = new byte[chunk * itemSize];
            foreach (var t in tensors)
                for (int i = 0; i < t.Data.Length; i += chunk)
                {
                    int m = Math.Min(chunk, t.Data.Length - i);
                    FloatFormats.EncodeLittleEndian(dtype, t.Data.AsSpan(i, m), buf);
                    stream.Write(buf, 0, m * itemSize);
                }
        });
    }

    static byte[] BuildHeader(IReadOnlyList<NamedTensor> tensors, IReadOnlyDictionary<string, string>? metadata, string dtype, int itemSize)
    {
        using var ms = new MemoryStream();
        using (var w = new Utf8JsonWriter(ms, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            w.WriteStartObject();
            if (metadata is { Count: > 0 })
            {
                w.WriteStartObject(MetadataKey);
                foreach (var (k, val) in metadata) w.WriteString(k, val);
                w.WriteEndObject();
            }
            long offset = 0;
            foreach (var t in tensors)
            {
                w.WriteStartObject(t.Name);
                w.WriteString("dtype", dtype);
                w.WriteStartArray("shape");
                foreach (var s in t.Shape) w.WriteNumberValue(s);
                w.WriteEndArray();
                long end = offset + t.Data.LongLength * itemSize;
                w.WriteStartArray("data_offsets");
                w.WriteNumberValue(offset);
                w.WriteNumberValue(end);
                w.WriteEndArray();
                w.WriteEndObject();
                offset = end;
            }
            w.WriteEndObject();
        }
        int pad = (int)((8 - ms.Length % 8) % 8);
        for (int i = 0; i < pad; i++) ms.WriteByte((byte)' ');
        return ms.ToArray();
    }
}
