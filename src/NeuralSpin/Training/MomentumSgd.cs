using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace NeuralSpin.Training;

/// <summary>
/// Stochastic gradient descent with momentum, the update of PyTorch's <c>torch.optim.SGD(lr, momentum)</c> (no
/// dampening, weight decay or Nesterov): b = g at a parameter's first step, b = mu b + g afterwards, p = p - lr b,
/// computed with the same libtorch operations in the same order (<c>b.mul_(mu).add_(g, alpha: 1)</c>,
/// <c>p.add_(b, alpha: -lr)</c>), so the result is PyTorch's to the bit (tests/.../PyTorchOracleTests).
/// </summary>
/// <remarks>
/// Written here instead of using TorchSharp's <c>optim.SGD</c> for one reason: TorchSharp converts the learning rate and
/// momentum to native <see cref="Scalar"/> objects implicitly at every call, and such a temporary can be finalized (its
/// native value freed) while libtorch still reads it, since nothing keeps it alive past the handle's extraction. Long
/// runs here died of it in libtorch's scalar checks (toFloat, toLong) after about half a million steps, and a freed
/// scalar that does not fail the check would silently change one step. This optimizer holds its scalars in fields for
/// its whole life.
/// </remarks>
public sealed class MomentumSgd : IDisposable
{
    readonly Parameter[] _parameters;
    readonly Tensor?[] _buffers;
    readonly Scalar _momentum, _one, _negativeLearningRate;

    /// <summary>An optimizer over <paramref name="parameters"/> (in that order, which the momentum buffers follow).</summary>
    /// <exception cref="ArgumentException">The learning rate is not finite and positive, or the momentum not in [0, 1).</exception>
    public MomentumSgd(IEnumerable<Parameter> parameters, double learningRate, double momentum)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        if (!(learningRate > 0) || !double.IsFinite(learningRate))
            throw new ArgumentOutOfRangeException(nameof(learningRate), learningRate, "the learning rate must be finite and positive");
        if (!(momentum >= 0 && momentum < 1))
            throw new ArgumentOutOfRangeException(nameof(momentum), momentum, "the momentum must lie in [0, 1)");
        _parameters = parameters.ToArray();
        _buffers = new Tensor?[_parameters.Length];
        LearningRate = learningRate;
        Momentum = momentum;
        _momentum = momentum.ToScalar();
        _one = 1.0.ToScalar();
        _negativeLearningRate = (-learningRate).ToScalar();
    }

    /// <summary>The learning rate lr.</summary>
    public double LearningRate { get; }

    /// <summary>The momentum mu.</summary>
    public double Momentum { get; }

    /// <summary>The parameters, in the order of <see cref="MomentumBuffer"/>.</summary>
    public IReadOnlyList<Parameter> Parameters => _parameters;

    /// <summary>The momentum buffer b of parameter <paramref name="index"/> (null before its first step or without momentum).</summary>
    public Tensor? MomentumBuffer(int index) => _buffers[index];

    /// <summary>Replaces the momentum buffer of parameter <paramref name="index"/> (a resumed run's); the optimizer owns it then.</summary>
    public void SetMomentumBuffer(int index, Tensor? buffer)
    {
        if (buffer is not null && !buffer.shape.SequenceEqual(_parameters[index].shape))
            throw new ArgumentException($"the buffer's shape ({string.Join(", ", buffer.shape)}) is not the parameter's ({string.Join(", ", _parameters[index].shape)})", nameof(buffer));
        if (ReferenceEquals(_buffers[index], buffer)) return;
        _buffers[index]?.Dispose();
        _buffers[index] = buffer?.DetachFromDisposeScope();
    }

    /// <summary>Sets every gradient to zero (as TorchSharp's <c>zero_grad</c>).</summary>
    public void ZeroGrad()
    {
        foreach (var p in _parameters)
        {
            using var g = p.grad;
            g?.zero_();
        }
    }

    /// <summary>One update of every parameter that has a gradient.</summary>
    public void Step()
    {
        using var _ = no_grad();
        for (int i = 0; i < _parameters.Length; i++)
        {
            using var grad = _parameters[i].grad;
            if (grad is null) continue;
            Tensor direction = grad;
            if (Momentum != 0)
            {
                if (_buffers[i] is null) _buffers[i] = grad.clone().detach().DetachFromDisposeScope();
                else _buffers[i]!.mul_(_momentum).add_(grad, _one);
                direction = _buffers[i]!;
            }
            _parameters[i].add_(direction, _negativeLearningRate);
        }
        GC.KeepAlive(this);
    }

    /// <summary>Releases the momentum buffers and the scalars.</summary>
    public void Dispose()
    {
        foreach (var b in _buffers) b?.Dispose();
        Array.Clear(_buffers);
        _momentum.Dispose();
        _one.Dispose();
        _negativeLearningRate.Dispose();
    }
}
