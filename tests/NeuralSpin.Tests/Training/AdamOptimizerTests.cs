using NeuralSpin.Training;
using NUnit.Framework;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace NeuralSpin.Tests.Training;

/// <summary>
/// <see cref="AdamOptimizer"/> against TorchSharp's own <c>optim.Adam</c> (an independent implementation of PyTorch's
/// Adam): the same gradients give the same parameters, bitwise, over several steps, at the default and other settings;
/// and its argument checks.
/// </summary>
public sealed class AdamOptimizerTests
{
    [TestCase(1e-3, 0.9, 0.999, 1e-8)]
    [TestCase(0.05, 0.5, 0.9, 1e-4)]
    public void Steps_EqualTorchSharpsAdam_Bitwise(double lr, double beta1, double beta2, double eps)
    {
        using var scope = NewDisposeScope();
        torch.random.manual_seed(5);
        var w0 = torch.randn(7, 3);
        var grads = Enumerable.Range(0, 6).Select(_ => torch.randn(7, 3)).ToArray();
        var a = new Parameter(w0.clone());
        var b = new Parameter(w0.clone());
        using var ours = new AdamOptimizer([a], lr, beta1, beta2, eps);
        using var theirs = optim.Adam([b], lr, beta1, beta2, eps);
        OptimizerComparison.StepBoth(a, ours.ZeroGrad, ours.Step, b, theirs.zero_grad, () => theirs.step(), grads,
            (x, y) => Assert.That(x.data<float>().ToArray(), Is.EqualTo(y.data<float>().ToArray()), "parameters"));
    }

    [Test]
    public void InvalidSettings_AreRefused()
    {
        var p = new Parameter(torch.zeros(2));
        Assert.That(() => new AdamOptimizer([p], 0), Throws.TypeOf<ArgumentOutOfRangeException>().With.Property("ParamName").EqualTo("learningRate"));
        Assert.That(() => new AdamOptimizer([p], 1e-3, beta1: 1), Throws.TypeOf<ArgumentOutOfRangeException>().With.Property("ParamName").EqualTo("beta1"));
        Assert.That(() => new AdamOptimizer([p], 1e-3, beta2: -0.1), Throws.TypeOf<ArgumentOutOfRangeException>().With.Property("ParamName").EqualTo("beta2"));
        Assert.That(() => new AdamOptimizer([p], 1e-3, eps: 0), Throws.TypeOf<ArgumentOutOfRangeException>().With.Property("ParamName").EqualTo("eps"));
    }
}
