using System.Buffers.Binary;
using Google.Protobuf;
using Onnx;

namespace NeuralSpin.IO;

/// <summary>
/// Reads the weights of an ONNX model: the initializer tensors of its graph, parsed with OnnxSharp (the ONNX protobuf
/// schema). Values stored inline (<c>raw_data</c> or the typed fields) and in external-data files
/// (<c>data_location = EXTERNAL</c> with <c>location</c>, <c>offset</c>, <c>length</c>, relative to the model's
/// directory) are both read; external data is read tensor by tensor on demand. Floating types FLOAT, DOUBLE, FLOAT16 and
/// BFLOAT16 are weights; integer initializers (shape constants) are kept with their type and are never layers.
/// Orientation follows the graph: a matrix used as input B of a <c>Gemm</c> with <c>transB = 1</c> (how PyTorch exports
/// <c>nn.Linear</c>) is already (out, in); one used as input B of a <c>MatMul</c>, or of a <c>Gemm</c> without transB, is
/// stored (in, out) and is transposed to (out, in).
/// </summary>
public static class OnnxFile
{
    const string Reexport = "Export the model again with torch.onnx.export (or onnx.save_model), or check that it is an ONNX file.";

    /// <summary>Opens an ONNX model.</summary>
    /// <exception cref="WeightFileException">The file is not an ONNX model, or an initializer or its external data is damaged or missing.</exception>
    public static ModelFile Open(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        ModelProto model;
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
            model = ModelProto.Parser.ParseFrom(stream);
        }
        catch (FileNotFoundException e) { throw SafeTensors.Missing(path, e); }
        catch (InvalidProtocolBufferException e)
        {
            throw new WeightFileException(path, $"it is not a valid ONNX protobuf ({e.Message})", Reexport, e);
        }
        catch (IOException e) { throw new WeightFileException(path, $"could not be read ({e.Message})", "Check that the file is readable.", e); }
        catch (UnauthorizedAccessException e) { throw new WeightFileException(path, $"could not be opened ({e.Message})", "Check the file's permissions.", e); }
        var graph = model.Graph;
        if (graph is null || graph.Initializer.Count == 0)
            throw new WeightFileException(path, graph is null ? "it holds no graph, so it is not an ONNX model" : "its graph has no initializers, so it holds no weights", Reexport);

        var transposed = StoredInputMajor(graph);
        var metadata = model.MetadataProps.GroupBy(p => p.Key).ToDictionary(g => g.Key, g => g.Last().Value, StringComparer.Ordinal);
        string dir = Path.GetDirectoryName(Path.GetFullPath(path)) ?? ".";
        var tensors = new List<ModelTensor>();
        var names = new HashSet<string>(StringComparer.Ordinal);
        int flipped = 0;
        foreach (var init in graph.Initializer)
        {
            string name = init.Name;
            if (!names.Add(name))
                throw new WeightFileException(path, $"initializer '{name}' appears twice", Reexport);
            var (dtype, itemSize) = TypeOf(init.DataType);
            if (dtype is null) continue; // strings, complex and 4/8-bit types are not weights
            var dims = init.Dims.ToArray();
            if (dims.Any(d => d < 0))
                throw new WeightFileException(path, $"initializer '{name}' has a negative dimension ({string.Join(", ", dims)})", Reexport);
            long count;
            try { count = dims.Aggregate(1L, (a, b) => checked(a * b)); }
            catch (OverflowException) { throw new WeightFileException(path, $"initializer '{name}' of shape ({string.Join(", ", dims)}) is too large to load", "Split the weights into smaller tensors."); }
            if (count > Array.MaxLength || count * itemSize > int.MaxValue)
                throw new WeightFileException(path, $"initializer '{name}' of shape ({string.Join(", ", dims)}) is too large to load", "Split the weights into smaller tensors.");
            bool flip = dims.Length == 2 && transposed.Contains(name);
            if (flip) flipped++;
            long[] shape = flip ? [dims[1], dims[0]] : dims;
            var proto = init;
            tensors.Add(new ModelTensor(name, dtype, shape, () =>
            {
                var values = Values(path, dir, proto, dtype, itemSize, count);
                return flip ? Transpose(values, (int)dims[0], (int)dims[1]) : values;
            }));
        }
        if (tensors.Count == 0)
            throw new WeightFileException(path, "none of its initializers is a numeric tensor", Reexport);
        var notes = flipped > 0 ? new List<string> { $"{flipped} matrix initializer(s) used by MatMul (stored (in, out)) transposed to (out, in)" } : null;
        return new ModelFile(path, "onnx", tensors, metadata, notes);
    }

    /// <summary>Names of the initializers the graph multiplies from the right without transposing (stored (in, out)).</summary>
    static HashSet<string> StoredInputMajor(GraphProto graph)
    {
        var set = new HashSet<string>(StringComparer.Ordinal);
        foreach (var node in graph.Node)
        {
            if (node.Input.Count < 2) continue;
            if (node.OpType == "MatMul")
                set.Add(node.Input[1]);
            else if (node.OpType == "Gemm")
            {
                long transB = node.Attribute.FirstOrDefault(a => a.Name == "transB")?.I ?? 0;
                if (transB == 0) set.Add(node.Input[1]);
            }
        }
        return set;
    }

    static (string? DType, int ItemSize) TypeOf(int dataType) => dataType switch
    {
        (int)TensorProto.Types.DataType.Float => ("F32", 4),
        (int)TensorProto.Types.DataType.Double => ("F64", 8),
        (int)TensorProto.Types.DataType.Float16 => ("F16", 2),
        (int)TensorProto.Types.DataType.Bfloat16 => ("BF16", 2),
        (int)TensorProto.Types.DataType.Int64 => ("I64", 8),
        (int)TensorProto.Types.DataType.Int32 => ("I32", 4),
        (int)TensorProto.Types.DataType.Int16 => ("I16", 2),
        (int)TensorProto.Types.DataType.Int8 => ("I8", 1),
        (int)TensorProto.Types.DataType.Uint8 => ("U8", 1),
        (int)TensorProto.Types.DataType.Bool => ("BOOL", 1),
        _ => (null, 0),
    };

    static double[] Values(string path, string dir, TensorProto t, string dtype, int itemSize, long count)
    {
        if (t.DataLocation == TensorProto.Types.DataLocation.External)
        {
            var bytes = ReadExternal(path, dir, t, count * itemSize);
            var ext = new double[count];
            Decode(dtype, bytes, ext);
            return ext;
        }
        if (!t.RawData.IsEmpty)
        {
            if (t.RawData.Length != count * itemSize)
                throw new WeightFileException(path, $"initializer '{t.Name}' holds {t.RawData.Length} bytes of raw data, but shape ({string.Join(", ", t.Dims)}) of {dtype} needs {count * itemSize}", Reexport);
            var raw = new double[count];
            Decode(dtype, t.RawData.Span, raw);
            return raw;
        }
        int stored = dtype switch
        {
            "F32" => t.FloatData.Count,
            "F64" => t.DoubleData.Count,
            "I64" => t.Int64Data.Count,
            _ => t.Int32Data.Count,
        };
        if (stored != count)
            throw new WeightFileException(path, $"initializer '{t.Name}' holds {stored} values, but its shape ({string.Join(", ", t.Dims)}) needs {count}", Reexport);
        var data = new double[count];
        for (int i = 0; i < count; i++)
        {
            data[i] = dtype switch
            {
                "F32" => t.FloatData[i],
                "F64" => t.DoubleData[i],
                "I64" => t.Int64Data[i],
                "F16" => FloatFormats.HalfBitsToDouble((ushort)t.Int32Data[i]),
                "BF16" => FloatFormats.BFloat16BitsToDouble((ushort)t.Int32Data[i]),
                _ => t.Int32Data[i],
            };
        }
        return data;
    }

    static byte[] ReadExternal(string path, string dir, TensorProto t, long expected)
    {
        string? location = null;
        long offset = 0, length = -1;
        foreach (var kv in t.ExternalData)
        {
            switch (kv.Key)
            {
                case "location": location = kv.Value; break;
                case "offset" when !long.TryParse(kv.Value, out offset) || offset < 0:
                case "length" when !long.TryParse(kv.Value, out length) || length < 0:
                    throw new WeightFileException(path, $"initializer '{t.Name}' has external-data {kv.Key} '{kv.Value}', which is not a non-negative integer", Reexport);
            }
        }
        if (string.IsNullOrEmpty(location))
            throw new WeightFileException(path, $"initializer '{t.Name}' is stored externally but names no location", Reexport);
        if (location.IndexOfAny(['\0', '\n', '\r']) >= 0 || location.Any(char.IsControl))
            throw new WeightFileException(path, $"initializer '{t.Name}' has an external-data location with control characters, which is not a file name", "The model file is damaged; export it again with onnx.save_model.");
        if (Path.IsPathRooted(location) || location.Split('/', '\\').Contains(".."))
            throw new WeightFileException(path, $"initializer '{t.Name}' has external-data location '{location}' outside the model's directory", "Keep the external-data file beside the model, as onnx.save_model writes it.");
        if (length >= 0 && length != expected)
            throw new WeightFileException(path, $"initializer '{t.Name}' has external-data length {length}, but its shape ({string.Join(", ", t.Dims)}) needs {expected} bytes", Reexport);
        string file = Path.Combine(dir, location);
        try
        {
            using var s = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
            if (offset + expected > s.Length)
                throw new WeightFileException(path, $"initializer '{t.Name}' needs bytes {offset}..{offset + expected} of external-data file '{location}', which has {s.Length} bytes", "The external-data file is truncated or belongs to another export; copy it again beside the model.");
            var bytes = new byte[expected];
            s.Position = offset;
            s.ReadExactly(bytes);
            return bytes;
        }
        catch (FileNotFoundException e)
        {
            throw new WeightFileException(path, $"initializer '{t.Name}' is stored in the external-data file '{location}', which does not exist beside the model", "Copy the model's external-data file(s) into the model's directory.", e);
        }
        catch (IOException e) { throw new WeightFileException(path, $"external-data file '{location}' could not be read ({e.Message})", "Check that the file is readable.", e); }
        catch (UnauthorizedAccessException e) { throw new WeightFileException(path, $"external-data file '{location}' could not be opened ({e.Message})", "Check the file's permissions.", e); }
    }

    static void Decode(string dtype, ReadOnlySpan<byte> src, double[] dst)
    {
        switch (dtype)
        {
            case "F64" or "F32" or "F16" or "BF16": FloatFormats.DecodeLittleEndian(dtype, src, dst); break;
            case "I64": for (int i = 0; i < dst.Length; i++) dst[i] = BinaryPrimitives.ReadInt64LittleEndian(src[(8 * i)..]); break;
            case "I32": for (int i = 0; i < dst.Length; i++) dst[i] = BinaryPrimitives.ReadInt32LittleEndian(src[(4 * i)..]); break;
            case "I16": for (int i = 0; i < dst.Length; i++) dst[i] = BinaryPrimitives.ReadInt16LittleEndian(src[(2 * i)..]); break;
            case "I8": for (int i = 0; i < dst.Length; i++) dst[i] = (sbyte)src[i]; break;
            default: for (int i = 0; i < dst.Length; i++) dst[i] = src[i]; break;
        }
    }

    internal static double[] Transpose(double[] a, int rows, int cols)
    {
        var t = new double[a.Length];
        for (int i = 0; i < rows; i++)
            for (int j = 0; j < cols; j++)
                t[(long)j * rows + i] = a[(long)i * cols + j];
        return t;
    }
}
