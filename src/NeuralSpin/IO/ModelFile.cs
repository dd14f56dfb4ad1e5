using System.IO.Compression;

namespace NeuralSpin.IO;

/// <summary>
/// The tensors of a model file of any supported format, described up front and read on demand
/// (<see cref="ModelTensor.Load"/>). This is the single format dispatch of the project: <see cref="WeightFile.Load"/>
/// (the spin-model analysis) and the per-layer spectra both read through it.
/// <list type="table">
/// <item><term>safetensors</term><description><c>.safetensors</c>, <c>.st</c>: read lazily, tensor by tensor.</description></item>
/// <item><term>sharded safetensors</term><description>a directory holding <c>model.safetensors.index.json</c>, or that index file itself (<see cref="ShardedSafeTensors"/>).</description></item>
/// <item><term>NumPy</term><description><c>.npy</c> (one matrix) and <c>.npz</c>.</description></item>
/// <item><term>PyTorch</term><description><c>.pt</c>, <c>.pth</c>, <c>.ckpt</c> and zip-format <c>.bin</c>: <c>torch.save</c> of a state dict (<see cref="PyTorchFile"/>).</description></item>
/// <item><term>ONNX</term><description><c>.onnx</c>: the graph's initializers, external data included (<see cref="OnnxFile"/>).</description></item>
/// <item><term>Keras</term><description><c>.h5</c>, <c>.hdf5</c> and <c>.keras</c> archives (<see cref="KerasFile"/>).</description></item>
/// </list>
/// Any other extension is recognised from the content. Every reader gives weights in PyTorch's orientation: a linear
/// weight is (out, in), a convolution kernel (out, in, kh, kw).
/// </summary>
public sealed class ModelFile : IDisposable
{
    readonly Action? _dispose;

    internal ModelFile(string path, string format, IReadOnlyList<ModelTensor> tensors, IReadOnlyDictionary<string, string> metadata,
        IReadOnlyList<string>? notes = null, Action? dispose = null)
    {
        Path = path;
        Format = format;
        Tensors = tensors;
        Metadata = metadata;
        Notes = notes ?? [];
        _dispose = dispose;
    }

    /// <summary>The file (or sharded directory) as the caller named it.</summary>
    public string Path { get; }

    /// <summary>The format read: <c>safetensors</c>, <c>sharded safetensors</c>, <c>npy</c>, <c>npz</c>, <c>pytorch</c>, <c>onnx</c>, <c>keras h5</c> or <c>keras</c>.</summary>
    public string Format { get; }

    /// <summary>Every tensor of the file, in the file's order.</summary>
    public IReadOnlyList<ModelTensor> Tensors { get; }

    /// <summary>String metadata (safetensors <c>__metadata__</c>, scalar entries beside a nested PyTorch state dict, ONNX metadata_props).</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; }

    /// <summary>What the reader decided on the way, e.g. which key of a training checkpoint held the state dict.</summary>
    public IReadOnlyList<string> Notes { get; }

    /// <summary>Releases what the reader holds open (an HDF5 file, libtorch tensors, a temporary copy).</summary>
    public void Dispose() => _dispose?.Invoke();

    internal static readonly IReadOnlyDictionary<string, string> NoMetadata = new Dictionary<string, string>();

    /// <summary>The formats accepted, for messages.</summary>
    public const string Accepted =
        "safetensors (.safetensors, or a sharded directory with model.safetensors.index.json), NumPy .npy/.npz, PyTorch torch.save state dicts (.pt, .pth, .bin), ONNX (.onnx) and Keras (.h5, .keras)";

    /// <summary>Opens a model file and describes its tensors.</summary>
    /// <exception cref="WeightFileException">The path is missing, empty, of an unrecognised format, or damaged; the message names it.</exception>
    public static ModelFile Open(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        FileInfo info;
        try { info = new FileInfo(path); }
        catch (Exception e) when (e is ArgumentException or NotSupportedException or PathTooLongException)
        {
            throw new WeightFileException(path, $"the path is not valid ({e.Message})", "Check the path.", e);
        }
        if (Directory.Exists(path))
        {
            if (File.Exists(System.IO.Path.Combine(path, ShardedSafeTensors.IndexName)))
                return ShardedSafeTensors.Open(path);
            throw new WeightFileException(path, $"the path is a directory without a {ShardedSafeTensors.IndexName}",
                "Give the weights file itself, or the directory of a sharded safetensors model.");
        }
        if (!info.Exists) throw SafeTensors.Missing(path);
        if (info.Length == 0)
            throw new WeightFileException(path, "the file is empty", WeightFileException.ReExport);
        if (info.Name.EndsWith(".safetensors.index.json", StringComparison.OrdinalIgnoreCase))
            return ShardedSafeTensors.Open(path);

        switch (System.IO.Path.GetExtension(path).ToLowerInvariant())
        {
            case ".safetensors" or ".st": return SafeTensors.Open(path);
            case ".npy": return Eager(path, "npy", [Npy.Read(path)]);
            case ".npz": return Eager(path, "npz", Npz.Read(path));
            case ".pt" or ".pth" or ".ckpt": return PyTorchFile.Open(path);
            case ".onnx": return OnnxFile.Open(path);
            case ".h5" or ".hdf5" or ".keras": return KerasFile.Open(path);
        }
        return Sniff(path) switch
        {
            Kind.Npy => Eager(path, "npy", [Npy.Read(path)]),
            Kind.Npz => Eager(path, "npz", Npz.Read(path)),
            Kind.SafeTensors => SafeTensors.Open(path),
            Kind.PyTorch => PyTorchFile.Open(path),
            Kind.PyTorchLegacy => throw PyTorchFile.Legacy(path),
            Kind.Keras or Kind.Hdf5 => KerasFile.Open(path),
            _ => throw new WeightFileException(path,
                "its format is not recognised (it is not a safetensors file, a .npy array or an .npz archive, nor a PyTorch, ONNX or Keras file by its extension or content)",
                "Save the weights with safetensors.torch.save_file, numpy.save or numpy.savez, or give a PyTorch (.pt), ONNX (.onnx) or Keras (.h5, .keras) file its usual extension."),
        };
    }

    static ModelFile Eager(string path, string format, IReadOnlyList<NamedTensor> tensors) =>
        new(path, format, tensors.Select(ModelTensor.InMemory).ToList(), NoMetadata);

    enum Kind { Unknown, SafeTensors, Npy, Npz, PyTorch, PyTorchLegacy, Keras, Hdf5 }

    static Kind Sniff(string path)
    {
        Span<byte> head = stackalloc byte[9];
        int n;
        try
        {
            using var s = File.OpenRead(path);
            n = s.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new WeightFileException(path, $"could not be read ({e.Message})", "Check that the file is readable.", e);
        }
        head = head[..n];
        if (head.StartsWith((ReadOnlySpan<byte>)[0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y'])) return Kind.Npy;
        if (head.StartsWith((ReadOnlySpan<byte>)[0x89, (byte)'H', (byte)'D', (byte)'F', (byte)'\r', (byte)'\n', 0x1A, (byte)'\n'])) return Kind.Hdf5;
        if (PyTorchFile.IsLegacyHead(head)) return Kind.PyTorchLegacy;
        if (head.StartsWith("PK\x03\x04"u8) || head.StartsWith("PK\x05\x06"u8)) return ZipKind(path);
        if (n == 9 && head[8] == (byte)'{') return Kind.SafeTensors;
        return Kind.Unknown;
    }

    /// <summary>A zip archive is a PyTorch file if it holds <c>*/data.pkl</c>, a Keras archive if it holds <c>model.weights.h5</c>, else an npz.</summary>
    static Kind ZipKind(string path)
    {
        try
        {
            using var zip = ZipFile.OpenRead(path);
            if (zip.Entries.Any(e => e.FullName.EndsWith("data.pkl", StringComparison.Ordinal))) return Kind.PyTorch;
            if (zip.Entries.Any(e => e.FullName == KerasFile.ArchiveWeights)) return Kind.Keras;
        }
        catch (Exception e) when (e is InvalidDataException or IOException or UnauthorizedAccessException or ArgumentException)
        {
            // Not a readable zip directory: let the npz reader say what is wrong.
        }
        return Kind.Npz;
    }
}
