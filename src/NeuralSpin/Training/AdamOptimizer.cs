using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace NeuralSpin.Training;

/// <summary>
/// Adam (Kingma and Ba), the update of PyTorch's <c>torch.optim.Adam(lr, betas = (0.9, 0.999), eps = 1e-8)</c> without
/// weight decay or AMSGrad: at step t, m = b1 m + (1 - b1) g, v = b2 v + (1 - b2) g^2,
/// p = p - lr / (1 - b1^t) m / (sqrt(v) / sqrt(1 - b2^t) + eps), with the libtorch operations of TorchSharp's
/// <c>optim.Adam</c> in the same order, so the result is the same to the bit (tests/.../AdamOptimizerTests).
/// </summary>
/// <remarks>
/// Held in the project, like <see cref="MomentumSgd"/>, because TorchSharp's optimizers pass their settings as
/// implicitly converted native <see cref="Scalar"/> temporaries that can be finalized while libtorch reads them. The
/// constant scalars here are fields; the per-step ones (bias corrections) live in locals disposed after the step.
/// </remarks>
public sealed class AdamOptimizer : IDisposable
{
    readonly Parameter[] _parameters;
    readonly Tensor[] _m, _v;
    readonly long[] _steps;
    readonly Scalar _beta1, _oneMinusBeta1, _beta2, _oneMinusBeta2, _eps;

    /// <summary>An optimizer over <paramref name="parameters"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The learning rate is not finite and positive, a beta not in [0, 1), or eps not positive.</exception>
    public AdamOptimizer(IEnumerable<Parameter> parameters, double learningRate, double beta1 = 0.9, double beta2 = 0.999, double eps = 1e-8)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        if (!(learningRate > 0) || !double.IsFinite(learningRate))
            throw new ArgumentOutOfRangeException(nameof(learningRate), learningRate, "the learning rate must be finite and positive");
        if (!(beta1 >= 0 && beta1 < 1)) throw new ArgumentOutOfRangeException(nameof(beta1), beta1, "beta1 must lie in [0, 1)");
        if (!(beta2 >= 0 && beta2 < 1)) throw new ArgumentOutOfRangeException(nameof(beta2), beta2, "beta2 must lie in [0, 1)");
        if (!(eps > 0) || !double.IsFinite(eps)) throw new ArgumentOutOfRangeException(nameof(eps), eps, "eps must be finite and positive");
        _parameters = parameters.ToArray();
        LearningRate = learningRate;
        Beta1 = beta1;
        Beta2 = beta2;
        Eps = eps;
        _m = _parameters.Select(p => zeros_like(p).DetachFromDisposeScope()).ToArray();
        _v = _parameters.Select(p => zeros_like(p).DetachFromDisposeScope()).ToArray();
        _steps = new long[_parameters.Length];
        _beta1 = beta1.ToScalar();
        _oneMinusBeta1 = (1 - beta1).ToScalar();
        _beta2 = beta2.ToScalar();
        _oneMinusBeta2 = (1 - beta2).ToScalar();
        _eps = eps.ToScalar();
    }

    /// <summary>The learning rate.</summary>
    public double LearningRate { get; }

    /// <summary>The decay rates of the first and second moments, and the denominator's eps.</summary>
    public double Beta1 { get; }

    /// <inheritdoc cref="Beta1"/>
    public double Beta2 { get; }

    /// <inheritdoc cref="Beta1"/>
    public double Eps { get; }

    /// <summary>Sets every gradient to zero.</summary>
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
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        for (int i = 0; i < _parameters.Length; i++)
        {
            var grad = _parameters[i].grad;
            if (grad is null) continue;
            long t = ++_steps[i];
            double biasCorrection1 = 1 - Math.Pow(Beta1, t);
            double biasCorrection2 = 1 - Math.Pow(Beta2, t);
            _m[i].mul_(_beta1).add_(grad, _oneMinusBeta1);
            _v[i].mul_(_beta2).addcmul_(grad, grad.conj(), _oneMinusBeta2);
            using var sqrtBias2 = Math.Sqrt(biasCorrection2).ToScalar();
            using var negativeStepSize = (-(LearningRate / biasCorrection1)).ToScalar();
            var denom = _v[i].sqrt().div(sqrtBias2).add_(_eps);
            _parameters[i].addcdiv_(_m[i], denom, negativeStepSize);
        }
        GC.KeepAlive(this);
    }

    /// <summary>Releases the moment estimates and the scalars.</summary>
    public void Dispose()
    {
        foreach (var t in _m.Concat(_v)) t.Dispose();
        _beta1.Dispose();
        _oneMinusBeta1.Dispose();
        _beta2.Dispose();
        _oneMinusBeta2.Dispose();
        _eps.Dispose();
    }
}
