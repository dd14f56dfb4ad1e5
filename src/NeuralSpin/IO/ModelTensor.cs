namespace NeuralSpin.IO;

/// <summary>
/// One tensor of a model file, described by its name, element type and shape before its values are read.
/// <see cref="Load"/> reads and converts the values (to float64, row-major) only when asked, so that a
/// caller working layer by layer holds one layer's values at a time (docs/theory.md section 10).
/// </summary>
public sealed class ModelTensor : ITensorInfo
{
    readonly Func<double[]> _read;
    readonly Func<float[]>? _readSingle;

    /// <summary>Describes a tensor whose values <paramref name="read"/> produces on demand.</summary>
    /// <param name="name">Name in the file.</param>
    /// <param name="dType">Element type, spelled as in safetensors (<c>F64</c>, <c>F32</c>, <c>F16</c>, <c>BF16</c>; integer types <c>I64</c>, <c>I32</c>, ...).</param>
    /// <param name="shape">Dimensions, outermost first, in PyTorch's orientation (a linear weight is (out, in)).</param>
    /// <param name="read">Reads the prod(shape) values in row-major order.</param>
    public ModelTensor(string name, string dType, long[] shape, Func<double[]> read) : this(name, dType, shape, read, null)
    {
    }

    /// <summary>As the public constructor, with a reader of the values as float32 for a tensor stored in float32 or
    /// narrower (F32, F16, BF16: every value a float32 value), which skips the float64 copy.</summary>
    internal ModelTensor(string name, string dType, long[] shape, Func<double[]> read, Func<float[]>? readSingle)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(dType);
        ArgumentNullException.ThrowIfNull(shape);
        ArgumentNullException.ThrowIfNull(read);
        Name = name;
        DType = dType;
        Shape = shape;
        _read = read;
        _readSingle = readSingle;
    }

    /// <summary>A tensor whose values are already in memory.</summary>
    public static ModelTensor InMemory(NamedTensor t)
    {
        ArgumentNullException.ThrowIfNull(t);
        return new ModelTensor(t.Name, t.DType, t.Shape, () => t.Data);
    }

    /// <summary>Name in the file.</summary>
    public string Name { get; }

    /// <summary>Element type as in safetensors (<c>F32</c>, ...).</summary>
    public string DType { get; }

    /// <summary>Dimensions, outermost first.</summary>
    public long[] Shape { get; }

    /// <summary>Number of dimensions.</summary>
    public int Rank => Shape.Length;

    /// <summary>Number of values, prod(shape).</summary>
    public long Count => Shape.Aggregate(1L, (a, b) => a * b);

    /// <summary>True for floating-point element types (weights); integer and boolean tensors (ONNX shape constants, counters) are not weights.</summary>
    public bool IsFloating => IsFloatingType(DType);

    /// <summary>The shape written as in NumPy, e.g. <c>(64, 784)</c>.</summary>
    public string ShapeText => Shape.Length == 1 ? $"({Shape[0]},)" : $"({string.Join(", ", Shape)})";

    /// <summary>Reads the values.</summary>
    /// <exception cref="WeightFileException">The values cannot be read (the message names the file).</exception>
    public NamedTensor Load() => new(Name, DType, Shape, _read());

    /// <summary>
    /// The values as float32, read straight from the file with no float64 copy, where the reader can (safetensors F32, F16
    /// and BF16, whose values are all float32 values); null otherwise (then <see cref="Load"/> gives them in float64).
    /// </summary>
    /// <exception cref="WeightFileException">The values cannot be read (the message names the file).</exception>
    public float[]? LoadSingle() => _readSingle?.Invoke();

    /// <summary>True for the floating element types of safetensors and NumPy (<c>F64</c>, <c>F32</c>, <c>F16</c>, <c>BF16</c>, <c>&lt;f8</c>, ...).</summary>
    public static bool IsFloatingType(string dType) =>
        dType is "F64" or "F32" or "F16" or "BF16" || (dType.Length >= 2 && dType[^2] == 'f');
}

/// <summary>What the layer choice of <see cref="WeightFile"/> reads of a tensor: its name, element type and shape.</summary>
internal interface ITensorInfo
{
    string Name { get; }
    string DType { get; }
    long[] Shape { get; }
    int Rank { get; }
    string ShapeText { get; }
}
