using NeuralSpin.SpinModel;

namespace NeuralSpin.IO;

/// <summary>
/// A network read by <see cref="WeightFile.LoadNetwork"/>: the bond matrix (blocks J^(k) = W^(k)^T, P1 1-4, in float32
/// when every weight is a float32 value), the names of the layers it was built from, and the tensors that were not used.
/// </summary>
public sealed class LoadedNetwork
{
    internal LoadedNetwork(string path, BondMatrix bonds, IReadOnlyList<string> layerNames, IReadOnlyList<double> layerSquareSums,
        IReadOnlyList<NamedTensor> ignored, IReadOnlyDictionary<string, string> metadata)
    {
        Path = path;
        Bonds = bonds;
        LayerNames = layerNames;
        LayerSquareSums = layerSquareSums;
        Ignored = ignored;
        Metadata = metadata;
    }

    /// <summary>The file the weights came from, as the caller named it.</summary>
    public string Path { get; }

    /// <summary>The bond matrix.</summary>
    public BondMatrix Bonds { get; }

    /// <summary>The names of the weight matrices W^(1)..W^(L), in forward order.</summary>
    public IReadOnlyList<string> LayerNames { get; }

    /// <summary>sum_ij (W^(k)_ij)^2 of each layer, in forward order.</summary>
    public IReadOnlyList<double> LayerSquareSums { get; }

    /// <summary>Tensors present in the file but not used, such as biases.</summary>
    public IReadOnlyList<NamedTensor> Ignored { get; }

    /// <summary>String metadata stored with the weights (safetensors <c>__metadata__</c>; empty otherwise).</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; }
}
