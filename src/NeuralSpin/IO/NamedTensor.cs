namespace NeuralSpin.IO;

/// <summary>
/// One array read from (or to be written to) a weights file: its name, the element type as the file
/// spells it, its shape, and its values converted to float64 in row-major (C) order.
/// </summary>
public sealed record NamedTensor : ITensorInfo
{
    /// <summary>Creates a tensor and checks that <paramref name="data"/> holds prod(shape) values.</summary>
    /// <param name="name">Name in the file (safetensors key, npz member without <c>.npy</c>, or the .npy file name).</param>
    /// <param name="dType">Element type as written in the file, e.g. <c>"F32"</c> (safetensors) or <c>"&lt;f8"</c> (npy).</param>
    /// <param name="shape">Dimensions, outermost first; empty for a scalar.</param>
    /// <param name="data">Values in row-major order.</param>
    public NamedTensor(string name, string dType, long[] shape, double[] data)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(dType);
        ArgumentNullException.ThrowIfNull(shape);
        ArgumentNullException.ThrowIfNull(data);
        long count = 1;
        foreach (var d in shape)
        {
            if (d < 0) throw new ArgumentException($"tensor '{name}': negative dimension {d}", nameof(shape));
            count = checked(count * d);
        }
        if (count != data.LongLength)
            throw new ArgumentException($"tensor '{name}': shape ({string.Join(", ", shape)}) needs {count} values, got {data.LongLength}", nameof(data));
        Name = name;
        DType = dType;
        Shape = shape;
        Data = data;
    }

    /// <summary>Name in the file.</summary>
    public string Name { get; init; }

    /// <summary>Element type as written in the file (e.g. <c>"F32"</c>, <c>"BF16"</c>, <c>"&lt;f8"</c>).</summary>
    public string DType { get; init; }

    /// <summary>Dimensions, outermost first.</summary>
    public long[] Shape { get; init; }

    /// <summary>Values converted to float64, row-major.</summary>
    public double[] Data { get; init; }

    /// <summary>Number of dimensions.</summary>
    public int Rank => Shape.Length;

    /// <summary>The shape written as in NumPy, e.g. <c>(64, 784)</c>.</summary>
    public string ShapeText => Shape.Length == 1 ? $"({Shape[0]},)" : $"({string.Join(", ", Shape)})";

    /// <summary>Deconstructs into the four stored parts.</summary>
    public void Deconstruct(out string name, out string dType, out long[] shape, out double[] data)
        => (name, dType, shape, data) = (Name, DType, Shape, Data);
}
