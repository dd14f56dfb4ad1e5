using System.Globalization;

namespace NeuralSpin.SpinModel;

/// <summary>
/// The safetensors <c>__metadata__</c> of a network drawn by <c>neuralspin init</c> (<see cref="BondMatrix.Sample"/> with
/// <c>System.Random(seed)</c>): what the file is and how to draw it again. The format keeps metadata as strings, in the
/// order of <see cref="ToSafeTensorsMetadata"/>.
/// </summary>
/// <param name="Widths">The widths N_0..N_L.</param>
/// <param name="C">The coupling variance C_k of each block.</param>
/// <param name="Seed">The seed of the generator.</param>
/// <param name="DType">The element type of the stored weights (F64, F32, F16 or BF16).</param>
public sealed record InitMetadata(IReadOnlyList<int> Widths, IReadOnlyList<double> C, int Seed, string DType)
{
    /// <summary>The value of the key <c>ensemble</c>.</summary>
    public const string Ensemble = "J^(k)_ij ~ N(0, C_k / N_{k-1}); W^(k) = J^(k)^T";

    /// <summary>
    /// The metadata as the file stores it: <c>format</c> (<c>pt</c>, PyTorch layout), <c>generator</c>
    /// (<c>neuralspin init</c>), <c>ensemble</c> (<see cref="Ensemble"/>), <c>widths</c> and <c>c</c> (comma-separated,
    /// C_k round-trip), <c>seed</c> and <c>dtype</c>.
    /// </summary>
    public IReadOnlyDictionary<string, string> ToSafeTensorsMetadata() => new Dictionary<string, string>
    {
        ["format"] = "pt",
        ["generator"] = "neuralspin init",
        ["ensemble"] = Ensemble,
        ["widths"] = string.Join(",", Widths),
        ["c"] = string.Join(",", C.Select(v => v.ToString("R", CultureInfo.InvariantCulture))),
        ["seed"] = Seed.ToString(CultureInfo.InvariantCulture),
        ["dtype"] = DType,
    };
}
