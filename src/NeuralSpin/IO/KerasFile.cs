using System.Globalization;
using System.IO.Compression;
using PureHDF;
using PureHDF.VOL.Native;

namespace NeuralSpin.IO;

/// <summary>
/// Reads Keras weights through PureHDF (a managed HDF5 reader). Three layouts are recognised:
/// <list type="bullet">
/// <item>Keras 2 <c>Model.save_weights("w.h5")</c>: the root's attribute <c>layer_names</c> lists the layers in model
/// order; each layer's group has the attribute <c>weight_names</c> (e.g. <c>dense/kernel:0</c>, <c>dense/bias:0</c>),
/// the datasets' paths relative to that group;</item>
/// <item>Keras 2 <c>Model.save("m.h5")</c>: the same under the group <c>model_weights</c>;</item>
/// <item>Keras 3 (<c>*.weights.h5</c>, and the <c>model.weights.h5</c> member of a <c>.keras</c> zip archive): the
/// variables of each layer are the datasets <c>layers/&lt;name&gt;/vars/0, 1, ...</c> (kernel first, then bias).</item>
/// </list>
/// Any other HDF5 file is read as every dataset in path order. Before PureHDF opens the file, <see cref="Hdf5Precheck"/>
/// checks that no size its object headers claim reaches past the message or the file that holds it. Keras stores a Dense kernel as (in, out) and a
/// convolution kernel as (k..., in, out); they are turned into PyTorch's orientation, (out, in) and (out, in, k...), so
/// that every reader gives the same layers. Tensor names are the dataset paths (relative to <c>model_weights</c>).
/// </summary>
public static class KerasFile
{
    /// <summary>The weights member of a <c>.keras</c> archive.</summary>
    public const string ArchiveWeights = "model.weights.h5";

    /// <summary>
    /// A dataset may hold at most this many times the file's size (Keras stores weights uncompressed; HDF5 compression of
    /// float weights gains far less), so that a damaged header cannot make the reader allocate without bound.
    /// </summary>
    public const long MaxExpansion = 16;

    const string Resave = "Save the model again with model.save('model.keras') or model.save_weights('model.weights.h5'), or check that it is a Keras HDF5 file.";

    /// <summary>Opens a Keras <c>.h5</c> file or <c>.keras</c> archive.</summary>
    /// <exception cref="WeightFileException">The file is not HDF5 (or not a Keras archive), or a dataset is damaged.</exception>
    public static ModelFile Open(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        string h5Path = path;
        string? temp = null;
        if (IsZip(path))
        {
            temp = ExtractWeights(path);
            h5Path = temp;
        }
        try
        {
            return OpenHdf5(path, h5Path, temp);
        }
        catch
        {
            if (temp != null) TryDelete(temp);
            throw;
        }
    }

    static ModelFile OpenHdf5(string path, string h5Path, string? temp)
    {
        NativeFile file;
        try
        {
            // PureHDF allocates the sizes an object header's messages claim before reading them: check them first
            if (Hdf5Precheck.Check(h5Path) is { } problem)
                throw new WeightFileException(path, $"its HDF5 structure is damaged: {problem}", Resave);
            file = H5File.OpenRead(h5Path);
        }
        catch (WeightFileException) { throw; }
        catch (FileNotFoundException e) { throw SafeTensors.Missing(path, e); }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            throw new WeightFileException(path, $"it is not a readable HDF5 file ({e.GetType().Name}: {FirstLine(e.Message)})", Resave, e);
        }
        try
        {
            long fileLength = new FileInfo(h5Path).Length;
            var (datasets, layout) = Datasets(file);
            var tensors = new List<ModelTensor>();
            foreach (var (name, ds) in datasets)
            {
                var dims = ds.Space.Dimensions;
                if (dims.Any(d => d > int.MaxValue))
                    throw new WeightFileException(path, $"dataset '{name}' of shape ({string.Join(", ", dims)}) is too large to load", "Split the weights into smaller tensors.");
                long[] stored = dims.Select(d => (long)d).ToArray();
                long count = stored.Aggregate(1L, (a, b) => checked(a * b));
                if (count > Array.MaxLength)
                    throw new WeightFileException(path, $"dataset '{name}' of shape ({string.Join(", ", dims)}) is too large to load", "Split the weights into smaller tensors.");
                string? dtype = DTypeOf(ds.Type);
                if (dtype is null) continue; // strings, compounds: not weights
                if (count * ds.Type.Size > MaxExpansion * fileLength)
                    throw new WeightFileException(path, $"dataset '{name}' of shape ({string.Join(", ", dims)}) needs {count * ds.Type.Size} bytes, more than {MaxExpansion} times the file's {fileLength} bytes; its header is damaged", Resave);
                long[] shape = TorchShape(stored);
                var dataset = ds;
                tensors.Add(new ModelTensor(name, dtype, shape, () => ToTorchOrder(Read(path, name, dataset, dtype, count), stored)));
            }
            if (tensors.Count == 0)
                throw new WeightFileException(path, "it holds no numeric dataset, so there are no weights", Resave);
            var notes = new List<string> { $"Keras layout: {layout}; kernels turned from Keras's (in, out) and (k..., in, out) into (out, in) and (out, in, k...)" };
            return new ModelFile(path, temp is null ? "keras h5" : "keras", tensors, RootScalars(file), notes, () =>
            {
                file.Dispose();
                if (temp != null) TryDelete(temp);
            });
        }
        catch (WeightFileException)
        {
            file.Dispose();
            throw;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            file.Dispose();
            throw new WeightFileException(path, $"its HDF5 structure cannot be read ({e.GetType().Name}: {FirstLine(e.Message)}); it is damaged", Resave, e);
        }
    }

    /// <summary>The weight datasets in model order, named by their path, and the layout recognised.</summary>
    static (List<(string Name, IH5Dataset Dataset)>, string) Datasets(NativeFile file)
    {
        IH5Group root = file;
        string layout = "Keras 2 save_weights (layer_names)";
        if (file.LinkExists("model_weights") && file.Get("model_weights") is IH5Group mw)
        {
            root = mw;
            layout = "Keras 2 model (model_weights/layer_names)";
        }
        var list = new List<(string, IH5Dataset)>();
        if (root.AttributeExists("layer_names"))
        {
            foreach (var layer in ReadStrings(root.Attribute("layer_names")))
            {
                if (!root.LinkExists(layer) || root.Get(layer) is not IH5Group g) continue;
                var names = g.AttributeExists("weight_names") ? ReadStrings(g.Attribute("weight_names")) : [];
                foreach (var wn in names)
                    if (g.Get(wn) is IH5Dataset ds) list.Add(($"{layer}/{wn}", ds));
            }
            return (list, layout);
        }
        if (file.LinkExists("layers") && file.Get("layers") is IH5Group layers)
        {
            Keras3(layers, "layers", list);
            return (list, "Keras 3 (layers/<name>/vars/<i>)");
        }
        All(file, "", list);
        return (list.OrderBy(x => x.Item1, LayerNameComparer.Instance).ToList(), "generic HDF5 (every dataset, in path order)");
    }

    static void Keras3(IH5Group group, string prefix, List<(string, IH5Dataset)> list)
    {
        var children = group.Children().OrderBy(c => c.Name, LayerNameComparer.Instance).ToList();
        var vars = children.FirstOrDefault(c => c.Name == "vars") as IH5Group;
        if (vars != null)
            foreach (var d in vars.Children().OfType<IH5Dataset>().OrderBy(c => c.Name, LayerNameComparer.Instance))
                list.Add(($"{prefix}/vars/{d.Name}", d));
        foreach (var c in children.OfType<IH5Group>().Where(c => c.Name != "vars"))
            Keras3(c, $"{prefix}/{c.Name}", list);
    }

    static void All(IH5Group group, string prefix, List<(string, IH5Dataset)> list)
    {
        foreach (var c in group.Children())
        {
            string name = prefix.Length == 0 ? c.Name : $"{prefix}/{c.Name}";
            if (c is IH5Dataset d) list.Add((name, d));
            else if (c is IH5Group g) All(g, name, list);
        }
    }

    static string[] ReadStrings(IH5Attribute a) => a.Read<string[]>();

    /// <summary>
    /// The file's metadata: every attribute of the HDF5 root that holds one number or one string (Keras's own
    /// <c>keras_version</c>, <c>backend</c>, and what a training script adds, e.g. <c>f.attrs["epoch"] = 3</c>), numbers
    /// as invariant round-trip text. Attributes that hold arrays (<c>layer_names</c>) are not metadata.
    /// </summary>
    static Dictionary<string, string> RootScalars(NativeFile file)
    {
        var md = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var a in file.Attributes())
        {
            bool scalar = a.Space.Type == H5DataspaceType.Scalar;
            if (!scalar && !(a.Space.Type == H5DataspaceType.Simple && a.Space.Dimensions.All(d => d == 1))) continue;
            string? value = (a.Type.Class, a.Type.Size) switch
            {
                (H5DataTypeClass.FloatingPoint, 8) => a.Read<double>().ToString("R", CultureInfo.InvariantCulture),
                (H5DataTypeClass.FloatingPoint, 4) => ((double)a.Read<float>()).ToString("R", CultureInfo.InvariantCulture),
                (H5DataTypeClass.FixedPoint, 8) => a.Read<long>().ToString(CultureInfo.InvariantCulture),
                (H5DataTypeClass.FixedPoint, 4) => a.Read<int>().ToString(CultureInfo.InvariantCulture),
                (H5DataTypeClass.String or H5DataTypeClass.VariableLength, _) when scalar => a.Read<string>(),
                _ => null,
            };
            if (value is not null) md[a.Name] = value;
        }
        return md;
    }

    static string? DTypeOf(IH5DataType t) => (t.Class, t.Size) switch
    {
        (H5DataTypeClass.FloatingPoint, 8) => "F64",
        (H5DataTypeClass.FloatingPoint, 4) => "F32",
        (H5DataTypeClass.FloatingPoint, 2) => "F16",
        (H5DataTypeClass.FixedPoint, 8) => "I64",
        (H5DataTypeClass.FixedPoint, 4) => "I32",
        _ => null,
    };

    static double[] Read(string path, string name, IH5Dataset ds, string dtype, long count)
    {
        double[] data;
        try
        {
            data = dtype switch
            {
                "F64" => ds.Read<double[]>(),
                "F32" => Array.ConvertAll(ds.Read<float[]>(), v => (double)v),
                "F16" => Array.ConvertAll(ds.Read<Half[]>(), v => (double)v),
                "I64" => Array.ConvertAll(ds.Read<long[]>(), v => (double)v),
                _ => Array.ConvertAll(ds.Read<int[]>(), v => (double)v),
            };
        }
        catch (Exception e) when (e is not (OutOfMemoryException or WeightFileException))
        {
            throw new WeightFileException(path, $"dataset '{name}' cannot be read ({e.GetType().Name}: {FirstLine(e.Message)}); the file is damaged", Resave, e);
        }
        if (data.LongLength != count)
            throw new WeightFileException(path, $"dataset '{name}' holds {data.LongLength} values, but its shape needs {count}", Resave);
        return data;
    }

    /// <summary>Keras (in, out) -> (out, in); (k..., in, out) -> (out, in, k...); other ranks unchanged.</summary>
    static long[] TorchShape(long[] s) => s.Length switch
    {
        2 => [s[1], s[0]],
        >= 3 => [s[^1], s[^2], .. s[..^2]],
        _ => s,
    };

    static double[] ToTorchOrder(double[] a, long[] s)
    {
        if (s.Length < 2) return a;
        if (s.Length == 2) return OnnxFile.Transpose(a, (int)s[0], (int)s[1]);
        // stored index ((k * in) + i) * out + o  ->  torch index (o * in + i) * K + k, with K = prod(kernel dims)
        long inC = s[^2], outC = s[^1], k = a.LongLength / (inC * outC);
        var t = new double[a.Length];
        for (long kk = 0; kk < k; kk++)
            for (long i = 0; i < inC; i++)
                for (long o = 0; o < outC; o++)
                    t[(o * inC + i) * k + kk] = a[(kk * inC + i) * outC + o];
        return t;
    }

    static bool IsZip(string path)
    {
        try
        {
            using var s = File.OpenRead(path);
            Span<byte> b = stackalloc byte[4];
            return s.ReadAtLeast(b, 4, throwOnEndOfStream: false) == 4 && b.SequenceEqual("PK\x03\x04"u8);
        }
        catch (FileNotFoundException e) { throw SafeTensors.Missing(path, e); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new WeightFileException(path, $"could not be read ({e.Message})", "Check that the file is readable.", e);
        }
    }

    /// <summary>Copies the archive's <c>model.weights.h5</c> to a temporary file (HDF5 needs random access).</summary>
    static string ExtractWeights(string path)
    {
        string temp = Path.Combine(Path.GetTempPath(), $"neuralspin-keras-{Guid.NewGuid():N}.h5");
        try
        {
            using var zip = ZipFile.OpenRead(path);
            var entry = zip.GetEntry(ArchiveWeights)
                ?? throw new WeightFileException(path, $"the zip archive has no '{ArchiveWeights}', so it is not a Keras 3 .keras file", Resave);
            if (entry.Length > new FileInfo(path).Length * MaxExpansion)
                throw new WeightFileException(path, $"its '{ArchiveWeights}' claims {entry.Length} bytes, implausible for the archive's size; it is damaged", Resave);
            using (var copy = new FileStream(temp, FileMode.CreateNew, FileAccess.Write))
                ZipCrc.Check(entry, copy);
            return temp;
        }
        catch (WeightFileException) { TryDelete(temp); throw; }
        catch (Exception e) when (e is InvalidDataException or IOException or UnauthorizedAccessException or NotSupportedException)
        {
            TryDelete(temp);
            throw new WeightFileException(path, $"the .keras zip archive cannot be read ({FirstLine(e.Message)}); it is damaged", Resave, e);
        }
    }

    static void TryDelete(string p)
    {
        try { File.Delete(p); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }

    static string FirstLine(string s)
    {
        int i = s.IndexOfAny(['\r', '\n']);
        s = i < 0 ? s : s[..i];
        return s.Length > 200 ? s[..200] + "..." : s;
    }
}
