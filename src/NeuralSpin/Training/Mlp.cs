using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace NeuralSpin.Training;

/// <summary>
/// A fully connected network of widths N_0..N_L whose layers are <c>nn.Linear</c> modules registered as
/// <c>layers.{k}</c>, so the weights are named <c>layers.{k}.weight</c> with PyTorch's (out, in) shape
/// (docs/theory.md section 1). Weights are initialised Kaiming-normal with fan-in and ReLU gain,
/// W ~ N(0, 2 / N_{k-1}) (C_k = 2 in docs/theory.md section 1), from an explicit generator; biases, if
/// any, start at zero. Parameters are float32 on the CPU. For one layer the draws are those of PyTorch's
/// <c>w.normal_(0, std, generator=g)</c> with the same seeded CPU generator.
/// </summary>
public abstract class Mlp : nn.Module<Tensor, Tensor>
{
    // The field name fixes the parameter names: layers.{k}.weight, layers.{k}.bias.
    private readonly ModuleList<Linear> layers;

    /// <summary>Builds the layers and initialises them from <paramref name="generator"/>.</summary>
    protected Mlp(string name, IReadOnlyList<int> widths, bool bias, Generator generator) : base(name)
    {
        ArgumentNullException.ThrowIfNull(widths);
        ArgumentNullException.ThrowIfNull(generator);
        CheckWidths(widths);
        Widths = widths.ToArray();
        HasBias = bias;
        layers = new ModuleList<Linear>();
        for (int k = 0; k + 1 < widths.Count; k++)
            layers.Add(nn.Linear(widths[k], widths[k + 1], hasBias: bias));
        RegisterComponents();
        InitializeKaimingNormal(generator);
    }

    /// <summary>Layer widths N_0 (input) .. N_L (classes).</summary>
    public IReadOnlyList<int> Widths { get; }

    /// <summary>Whether the linear layers have biases.</summary>
    public bool HasBias { get; }

    /// <summary>The training program this network belongs to.</summary>
    public abstract TrainingProgram Program { get; }

    /// <summary>Number of linear layers L.</summary>
    public int LayerCount => layers.Count;

    /// <summary>Linear layer k (0-based, forward order).</summary>
    public Linear Layer(int k) => layers[k];

    /// <summary>
    /// Redraws every weight as W^(k)_ij ~ N(0, 2 / N_{k-1}) (Kaiming normal, fan-in, gain sqrt 2) from
    /// <paramref name="generator"/>, layer by layer in forward order; zeroes the biases.
    /// </summary>
    public void InitializeKaimingNormal(Generator generator)
    {
        ArgumentNullException.ThrowIfNull(generator);
        using var _ = no_grad();
        foreach (var layer in layers)
        {
            long fanIn = layer.weight!.shape[1];
            // Tensor.normal_ honours the generator; TorchSharp 0.107's nn.init.normal_ silently ignores it
            // and draws from the global generator (checked; see MlpTests).
            layer.weight.normal_(0.0, Math.Sqrt(2.0 / fanIn), generator);
            layer.bias?.zero_();
        }
    }

    /// <summary>Creates the network of <paramref name="program"/>, initialised from a generator seeded with <paramref name="initSeed"/>.</summary>
    public static Mlp Create(TrainingProgram program, IReadOnlyList<int> widths, bool bias, long initSeed)
    {
        using var generator = new Generator(unchecked((ulong)initSeed), CPU);
        return program switch
        {
            TrainingProgram.Binarized => new BinarizedMlp(widths, bias, generator),
            TrainingProgram.Standard => new StandardMlp(widths, bias, generator),
            _ => throw new ArgumentOutOfRangeException(nameof(program), program, null),
        };
    }

    /// <summary>Throws unless there are at least two widths, all positive.</summary>
    public static void CheckWidths(IReadOnlyList<int> widths)
    {
        ArgumentNullException.ThrowIfNull(widths);
        if (widths.Count < 2) throw new ArgumentException($"a network needs at least two widths (input and output), got {widths.Count}", nameof(widths));
        for (int k = 0; k < widths.Count; k++)
            if (widths[k] <= 0) throw new ArgumentException($"width {k} is {widths[k]}; widths must be positive", nameof(widths));
    }

    /// <summary>The linear layers in forward order, for subclasses' forward passes.</summary>
    protected IList<Linear> Layers => layers;
}

/// <summary>
/// The binarized network of P1 sec. 3.1: x -> ste(x) -> ste(W1 x) -> ... -> ste(W_{L-1} .) -> W_L (.)
/// with <see cref="StraightThroughSign"/> on the (normalized) input and after every hidden layer, and a
/// linear output (no step on the scores). Linear layers have no bias by default.
/// </summary>
public sealed class BinarizedMlp : Mlp
{
    /// <summary>Creates the network and initialises it Kaiming-normal from <paramref name="generator"/>.</summary>
    public BinarizedMlp(IReadOnlyList<int> widths, bool bias, Generator generator) : base(nameof(BinarizedMlp), widths, bias, generator) { }

    /// <inheritdoc/>
    public override TrainingProgram Program => TrainingProgram.Binarized;

    /// <inheritdoc/>
    public override Tensor forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        var h = StraightThroughSign.Apply(input);
        var ls = Layers;
        for (int k = 0; k < ls.Count - 1; k++)
            h = StraightThroughSign.Apply(ls[k].forward(h));
        return ls[ls.Count - 1].forward(h).MoveToOuterDisposeScope();
    }
}

/// <summary>The standard network of P1 sec. 3.1: ReLU hidden units (P1 30), linear output layer.</summary>
public sealed class StandardMlp : Mlp
{
    /// <summary>Creates the network and initialises it Kaiming-normal from <paramref name="generator"/>.</summary>
    public StandardMlp(IReadOnlyList<int> widths, bool bias, Generator generator) : base(nameof(StandardMlp), widths, bias, generator) { }

    /// <inheritdoc/>
    public override TrainingProgram Program => TrainingProgram.Standard;

    /// <inheritdoc/>
    public override Tensor forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        var h = input;
        var ls = Layers;
        for (int k = 0; k < ls.Count - 1; k++)
            h = nn.functional.relu(ls[k].forward(h));
        return ls[ls.Count - 1].forward(h).MoveToOuterDisposeScope();
    }
}
