using NeuralSpin.SpinModel;

namespace NeuralSpin.IO;

/// <summary>
/// The weight matrices taken from a file, in forward order, with the tensors that were not used.
/// Every layer is a finite 2-D PyTorch <c>nn.Linear</c> weight W^(k) of shape (out, in), and the
/// chain out_k == in_{k+1} holds (docs/theory.md section 1).
/// </summary>
public sealed class LoadedWeights
{
    internal LoadedWeights(string path, IReadOnlyList<NamedTensor> layers, IReadOnlyList<NamedTensor> ignored, IReadOnlyDictionary<string, string> metadata)
    {
        Path = path;
        Layers = layers;
        Ignored = ignored;
        Metadata = metadata;
    }

    /// <summary>The file the weights came from, as the caller named it.</summary>
    public string Path { get; }

    /// <summary>The weight matrices W^(1)..W^(L), in forward order.</summary>
    public IReadOnlyList<NamedTensor> Layers { get; }

    /// <summary>Tensors present in the file but not used, such as biases.</summary>
    public IReadOnlyList<NamedTensor> Ignored { get; }

    /// <summary>String metadata stored with the weights (safetensors <c>__metadata__</c>; empty otherwise).</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; }

    /// <summary>Layer widths N_0..N_L implied by the weights.</summary>
    public IReadOnlyList<int> Widths =>
        [(int)Layers[0].Shape[1], .. Layers.Select(l => (int)l.Shape[0])];

    /// <summary>The bond matrix with blocks J^(k) = W^(k)^T (P1 1-4).</summary>
    public BondMatrix ToBondMatrix() =>
        BondMatrix.FromLinearWeights(Layers.Select(l => ((int)l.Shape[0], (int)l.Shape[1], l.Data)).ToList());
}
