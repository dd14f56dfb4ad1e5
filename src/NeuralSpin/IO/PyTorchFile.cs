using System.Collections;
using TorchSharp;
using TorchSharp.PyBridge;

namespace NeuralSpin.IO;

/// <summary>
/// Reads PyTorch files written by <c>torch.save</c> in the zip format (the default since PyTorch 1.6): the pickled
/// object is unpickled by TorchSharp.PyBridge's state-dict unpickler, which loads each tensor from the archive's
/// <c>data/</c> entries. Accepted content:
/// <list type="bullet">
/// <item>a state dict, <c>torch.save(model.state_dict(), path)</c>;</item>
/// <item>a dict holding the state dict under one key, as training scripts save checkpoints
/// (<c>{"model": model.state_dict(), "epoch": 3, ...}</c>): the keys <see cref="StateDictKeys"/> are looked at in that
/// order, else the single entry that is a dict of tensors; the other entries with a number or a string become metadata.</item>
/// </list>
/// Element types F32, F64, F16 and BF16 are converted to float64 (integer tensors, such as batch-norm counters, are kept
/// with their type and are never layers). The legacy (non-zip) format and pickled whole modules (<c>torch.save(model)</c>)
/// are refused with the way to re-save them. The unpickler is asked to describe the tensors without reading them
/// (<c>skipTensorRead</c>): each shape is checked against its stored bytes, and each tensor is read from the archive and
/// converted only when asked for, so memory holds one tensor at a time.
/// </summary>
public static class PyTorchFile
{
    /// <summary>The keys under which a training checkpoint's state dict is looked for, in order.</summary>
    public static IReadOnlyList<string> StateDictKeys { get; } = ["state_dict", "model_state_dict", "model", "module", "net", "network", "weights"];

    const string Resave = "Load it in Python and save the state dict in the zip format: torch.save(model.state_dict(), 'model.pt') (or safetensors.torch.save_file(model.state_dict(), 'model.safetensors')).";

    /// <summary>Opens a zip-format <c>torch.save</c> file of a state dict.</summary>
    /// <exception cref="WeightFileException">The file is in the legacy format, holds a pickled module, holds no state dict, or is damaged.</exception>
    public static ModelFile Open(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        Hashtable root;
        FileStream? stream = null;
        try
        {
            using (var head = File.OpenRead(path))
            {
                Span<byte> b = stackalloc byte[9];
                int n = head.ReadAtLeast(b, b.Length, throwOnEndOfStream: false);
                if (IsLegacyHead(b[..n])) throw Legacy(path);
                if (n < 4 || !b.StartsWith("PK\x03\x04"u8))
                    throw new WeightFileException(path, "it is not a zip-format torch.save file (it does not start with a zip header)", Resave);
            }
            stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
            CheckPickle(path, stream);
            Numerics.TorchLinalg.EnsureConfigured();
            var loaded = Unpickle(path, stream);
            root = loaded as Hashtable ?? throw new WeightFileException(path,
                $"the pickled object is a {Describe(loaded)}, not a state dict", Resave);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            stream?.Dispose();
            throw e switch
            {
                WeightFileException w => w,
                FileNotFoundException => SafeTensors.Missing(path, e),
                IOException => new WeightFileException(path, $"could not be read ({e.Message})", "Check that the file is readable.", e),
                UnauthorizedAccessException => new WeightFileException(path, $"could not be opened ({e.Message})", "Check the file's permissions.", e),
                _ => new WeightFileException(path, $"it cannot be read ({e.GetType().Name}: {FirstLine(e.Message)})", Resave, e),
            };
        }

        try
        {
            var notes = new List<string>();
            var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
            var stateDict = FindStateDict(path, root, notes, metadata);
            var tensors = new List<ModelTensor>();
            foreach (var key in stateDict.Keys.Cast<object>().Select(k => k?.ToString() ?? "").Order(LayerNameComparer.Instance))
            {
                if (!IsTensor(stateDict[key])) continue;
                var t = new PendingTensor(path, key, stateDict[key]!);
                tensors.Add(new ModelTensor(key, t.DTypeName, t.Shape, t.Read));
            }
            if (tensors.Count == 0)
                throw new WeightFileException(path, "the state dict holds no tensors", Resave);
            var open = stream;
            return new ModelFile(path, "pytorch", tensors, metadata, notes, () => open.Dispose());
        }
        catch
        {
            stream.Dispose();
            throw;
        }
    }

    /// <summary>The archive's <c>data.pkl</c> must pass its CRC-32 check before the unpickler reads lengths out of it.</summary>
    static void CheckPickle(string path, Stream stream)
    {
        try
        {
            using var zip = new System.IO.Compression.ZipArchive(stream, System.IO.Compression.ZipArchiveMode.Read, leaveOpen: true);
            var pkl = zip.Entries.FirstOrDefault(e => e.FullName.EndsWith("data.pkl", StringComparison.Ordinal))
                ?? throw new WeightFileException(path, "the zip archive has no data.pkl, so it is not a torch.save file", Resave);
            if (pkl.Length > stream.Length * 64)
                throw new WeightFileException(path, $"its data.pkl claims {pkl.Length} bytes, implausible for a {stream.Length}-byte file; the file is damaged", Resave);
            ZipCrc.Check(pkl);
        }
        catch (InvalidDataException e)
        {
            throw new WeightFileException(path, $"the zip archive is damaged ({FirstLine(e.Message)})", Resave, e);
        }
        stream.Position = 0;
    }

    static object Unpickle(string path, Stream stream)
    {
        try
        {
            // skipTensorRead: the unpickler describes each tensor (shape, stride, storage stream) without reading it, so
            // that the shapes are checked against the stored bytes first and each tensor is read only when asked for.
            return PyTorchUnpickler.UnpickleStateDict(stream, leaveOpen: true, skipTensorRead: true);
        }
        catch (NotImplementedException e) when (e.Message.Contains("entire model", StringComparison.Ordinal))
        {
            throw new WeightFileException(path, "it holds a pickled whole module (torch.save(model)), not a state dict; a module can only be unpickled with its Python class", Resave, e);
        }
        catch (Exception e) when (e is not (OutOfMemoryException or WeightFileException))
        {
            // The unpickler reports damage through many exception types (zip, pickle, casts, missing entries).
            throw new WeightFileException(path, $"it cannot be read as a torch.save state dict ({e.GetType().Name}: {FirstLine(e.Message)}); it is damaged or holds objects other than tensors and plain containers", Resave, e);
        }
    }

    /// <summary>A tensor as the unpickler describes it before reading (PyBridge's TensorConstructorArgs, read through its public members).</summary>
    static bool IsTensor(object? o) => o is torch.Tensor || o?.GetType().Name == "TensorConstructorArgs";

    /// <summary>
    /// One tensor of the state dict, described by the unpickler: its storage stream, element type, shape, stride and
    /// storage offset. The shape and strides are checked against the storage's length before anything is allocated.
    /// </summary>
    sealed class PendingTensor
    {
        readonly string _path, _name;
        readonly object _args;
        readonly torch.ScalarType _dtype;

        public PendingTensor(string path, string name, object args)
        {
            _path = path;
            _name = name;
            _args = args;
            if (args is torch.Tensor t)
            {
                _dtype = t.dtype;
                Shape = t.shape;
                DTypeName = PyTorchFile.DTypeName(_dtype);
                return;
            }
            var type = args.GetType();
            T Get<T>(string member) => (T)(type.GetProperty(member)?.GetValue(args)
                ?? throw new WeightFileException(path, $"tensor '{name}' has no {member} (unexpected unpickler)", Resave));
            _dtype = Get<torch.ScalarType>("DType");
            Shape = Get<long[]>("Shape");
            long[] stride = Get<long[]>("Stride");
            long offset = Get<int>("StorageOffset");
            var data = Get<Stream>("Data");
            DTypeName = PyTorchFile.DTypeName(_dtype);
            int itemSize = ItemSize(_dtype);
            if (Shape.Length != stride.Length || Shape.Any(d => d < 0) || stride.Any(d => d < 0) || offset < 0)
                throw new WeightFileException(path, $"tensor '{name}' has shape ({string.Join(", ", Shape)}), stride ({string.Join(", ", stride)}) and offset {offset}, which do not describe a tensor", Resave);
            long extent = 0; // elements of storage the view reaches
            try
            {
                if (Shape.All(d => d > 0))
                {
                    extent = offset + 1;
                    for (int i = 0; i < Shape.Length; i++) extent = checked(extent + (Shape[i] - 1) * stride[i]);
                }
                long count = Shape.Aggregate(1L, (a, b) => checked(a * b));
                long storageBytes = data.Length;
                if (itemSize == 0 || checked(extent * itemSize) > storageBytes || count > Array.MaxLength)
                    throw new WeightFileException(path, $"tensor '{name}' of shape ({string.Join(", ", Shape)}) and type {DTypeName} reaches {extent} elements, beyond its storage of {storageBytes} bytes", Resave);
            }
            catch (OverflowException e)
            {
                throw new WeightFileException(path, $"tensor '{name}' of shape ({string.Join(", ", Shape)}) is too large", Resave, e);
            }
            catch (NotSupportedException e)
            {
                throw new WeightFileException(path, $"tensor '{name}' has a storage of unknown length ({e.Message})", Resave, e);
            }
        }

        public long[] Shape { get; }

        public string DTypeName { get; }

        bool _read;

        public double[] Read()
        {
            if (_read) throw new InvalidOperationException($"tensor '{_name}' is read once; keep the values");
            _read = true;
            try
            {
                using var scope = torch.NewDisposeScope();
                var t = _args as torch.Tensor ?? (torch.Tensor)_args.GetType().GetMethod("ReadTensorFromStream")!.Invoke(_args, null)!;
                return t.to(torch.ScalarType.Float64).contiguous().data<double>().ToArray();
            }
            catch (Exception e) when (e is not (OutOfMemoryException or WeightFileException))
            {
                var inner = e is System.Reflection.TargetInvocationException { InnerException: { } ie } ? ie : e;
                throw new WeightFileException(_path, $"tensor '{_name}' of type {DTypeName} cannot be read ({inner.GetType().Name}: {FirstLine(inner.Message)})", Resave, inner);
            }
        }

        static int ItemSize(torch.ScalarType t) => t switch
        {
            torch.ScalarType.Float64 or torch.ScalarType.Int64 => 8,
            torch.ScalarType.Float32 or torch.ScalarType.Int32 => 4,
            torch.ScalarType.Float16 or torch.ScalarType.BFloat16 or torch.ScalarType.Int16 => 2,
            torch.ScalarType.Int8 or torch.ScalarType.Byte or torch.ScalarType.Bool => 1,
            _ => 0,
        };
    }

    static Hashtable FindStateDict(string path, Hashtable root, List<string> notes, Dictionary<string, string> metadata)
    {
        if (root.Values.Cast<object?>().Any(IsTensor)) return root;
        foreach (DictionaryEntry e in root)
        {
            if (e.Value is string or int or long or double or bool)
                metadata[e.Key?.ToString() ?? ""] = Convert.ToString(e.Value, System.Globalization.CultureInfo.InvariantCulture) ?? "";
        }
        foreach (var key in StateDictKeys)
        {
            if (root[key] is Hashtable h && h.Values.Cast<object?>().Any(IsTensor))
            {
                notes.Add($"the state dict is the entry '{key}' of the saved dict");
                return h;
            }
        }
        var candidates = root.Cast<DictionaryEntry>().Where(e => e.Value is Hashtable h && h.Values.Cast<object?>().Any(IsTensor)).ToList();
        if (candidates.Count == 1)
        {
            notes.Add($"the state dict is the entry '{candidates[0].Key}' of the saved dict");
            return (Hashtable)candidates[0].Value!;
        }
        string keys = string.Join(", ", root.Keys.Cast<object>().Select(k => $"'{k}'").Take(12));
        throw new WeightFileException(path, candidates.Count == 0
                ? $"it holds a dict without tensors (keys {keys}); the state dict was looked for at the top level, under the keys {string.Join(", ", StateDictKeys.Select(k => $"'{k}'"))}, and in any entry that is a dict of tensors"
                : $"it holds several dicts of tensors ({string.Join(", ", candidates.Select(c => $"'{c.Key}'"))}) and none under the keys {string.Join(", ", StateDictKeys.Select(k => $"'{k}'"))}, so the model's state dict is ambiguous",
            "Save the model's state dict alone: torch.save(model.state_dict(), 'model.pt').");
    }

    /// <summary>The safetensors spelling of a libtorch element type.</summary>
    static string DTypeName(torch.ScalarType t) => t switch
    {
        torch.ScalarType.Float64 => "F64",
        torch.ScalarType.Float32 => "F32",
        torch.ScalarType.Float16 => "F16",
        torch.ScalarType.BFloat16 => "BF16",
        torch.ScalarType.Int64 => "I64",
        torch.ScalarType.Int32 => "I32",
        torch.ScalarType.Int16 => "I16",
        torch.ScalarType.Int8 => "I8",
        torch.ScalarType.Byte => "U8",
        torch.ScalarType.Bool => "BOOL",
        _ => t.ToString().ToUpperInvariant(),
    };

    /// <summary>
    /// True if the bytes start a legacy (pre-1.6, non-zip) <c>torch.save</c> file: pickle protocol 2 followed by
    /// PyTorch's magic number 0x1950a86a20f9469cfc6c as a 10-byte LONG1.
    /// </summary>
    internal static bool IsLegacyHead(ReadOnlySpan<byte> head) =>
        head.Length >= 9 && head[0] == 0x80 && head[2] == 0x8A && head[3] == 0x0A
        && head[4] == 0x6C && head[5] == 0xFC && head[6] == 0x9C && head[7] == 0x46 && head[8] == 0xF9;

    internal static WeightFileException Legacy(string path) => new(path,
        "it was written in PyTorch's legacy (non-zip) torch.save format, which this reader does not read",
        "Re-save it with PyTorch 1.6 or later: torch.save(torch.load('old.pt'), 'model.pt') writes the zip format (or save it with safetensors.torch.save_file).");

    static string Describe(object? o) => o switch
    {
        null => "None",
        ArrayList or object[] => "list",
        torch.Tensor => "single tensor",
        _ => o.GetType().Name,
    };

    static string FirstLine(string s)
    {
        int i = s.IndexOfAny(['\r', '\n']);
        s = i < 0 ? s : s[..i];
        return s.Length > 200 ? s[..200] + "..." : s;
    }
}
