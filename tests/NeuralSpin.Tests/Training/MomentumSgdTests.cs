using NeuralSpin.Training;
using NUnit.Framework;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace NeuralSpin.Tests.Training;

/// <summary>
/// <see cref="MomentumSgd"/> against TorchSharp's own <c>optim.SGD</c> (an independent implementation of PyTorch's
/// update, b = g then b = mu b + g, p = p - lr b): the same gradients give the same parameters and buffers, bitwise,
/// over several steps (PyTorchOracleTests checks it against PyTorch's files); and its argument checks.
/// </summary>
public sealed class MomentumSgdTests
{
    [TestCase(0.05, 0.9)]
    [TestCase(1e-4, 0.0)]
    public void Steps_EqualTorchSharpsSgd_Bitwise(double lr, double momentum)
    {
        using var scope = NewDisposeScope();
        torch.random.manual_seed(3);
        var w0 = torch.randn(6, 5);
        var grads = Enumerable.Range(0, 4).Select(_ => torch.randn(6, 5)).ToArray();
        var a = new Parameter(w0.clone());
        var b = new Parameter(w0.clone());
        using var ours = new MomentumSgd([a], lr, momentum);
        using var theirs = optim.SGD([b], lr, momentum: momentum);
        OptimizerComparison.StepBoth(a, ours.ZeroGrad, ours.Step, b, theirs.zero_grad, () => theirs.step(), grads,
            (x, y) => Assert.That(x.data<float>().ToArray(), Is.EqualTo(y.data<float>().ToArray()), "parameters"));
        if (momentum > 0)
            Assert.That(ours.MomentumBuffer(0)!.data<float>().ToArray(),
                Is.EqualTo(((SGD.State)theirs.state_dict().State[0]).momentum_buffer!.data<float>().ToArray()), "momentum buffer");
        else
            Assert.That(ours.MomentumBuffer(0), Is.Null, "no buffer without momentum");
    }

    [Test]
    public void InvalidSettings_AreRefused()
    {
        var p = new Parameter(torch.zeros(2, 2));
        Assert.That(() => new MomentumSgd([p], 0, 0.9), Throws.TypeOf<ArgumentOutOfRangeException>().With.Property("ParamName").EqualTo("learningRate"));
        Assert.That(() => new MomentumSgd([p], double.NaN, 0.9), Throws.TypeOf<ArgumentOutOfRangeException>().With.Property("ParamName").EqualTo("learningRate"));
        Assert.That(() => new MomentumSgd([p], 0.1, 1.0), Throws.TypeOf<ArgumentOutOfRangeException>().With.Property("ParamName").EqualTo("momentum"));
        Assert.That(() => new MomentumSgd([p], 0.1, -0.1), Throws.TypeOf<ArgumentOutOfRangeException>().With.Property("ParamName").EqualTo("momentum"));
        using var o = new MomentumSgd([p], 0.1, 0.9);
        Assert.That(() => o.SetMomentumBuffer(0, torch.zeros(3)), Throws.ArgumentException.With.Message.Contains("shape"));
    }
}
