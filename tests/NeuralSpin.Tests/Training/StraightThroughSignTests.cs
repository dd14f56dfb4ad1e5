using NUnit.Framework;
using NeuralSpin.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace NeuralSpin.Tests.Training;

/// <summary>P1 28-29: forward step, backward hard-tanh derivative (docs/theory.md section 9).</summary>
[TestFixture, NonParallelizable]
public class StraightThroughSignTests
{
    const int Seed = 20240601;

    static float[] Probes()
    {
        var rng = new Random(Seed);
        var list = new List<float>
        {
            0f, -0f, 1f, -1f, float.Epsilon, -float.Epsilon, 1e-30f, -1e-30f, 0.3f, -0.3f, 0.5f, -0.5f,
            0.49999997f, -0.49999997f, 0.99999994f, -0.99999994f, 1.0000001f, -1.0000001f, 2f, -2f, 1e30f, -1e30f,
            float.MaxValue, float.MinValue, 1e-8f, -1e-8f, 5.9604645e-8f, -5.9604645e-8f,
        };
        for (int i = 0; i < 20000; i++) list.Add((float)((rng.NextDouble() * 2 - 1) * Math.Pow(10, rng.Next(-12, 4))));
        return [.. list];
    }

    [Test]
    public void Forward_IsExactlyMinusOneBelowZeroAndPlusOneFromZeroOn()
    {
        var x = Probes();
        using var scope = NewDisposeScope();
        var y = StraightThroughSign.Apply(torch.tensor(x)).data<float>().ToArray();
        for (int i = 0; i < x.Length; i++)
        {
            float expected = x[i] < 0 ? -1f : 1f; // -0f < 0 is false: step(-0) = +1
            Assert.That(y[i], Is.EqualTo(expected), $"index {i}, x = {x[i]:R}: forward must be exactly +-1, not within a tolerance");
        }
    }

    [Test]
    public void Backward_EqualsIncomingGradientTimesIndicatorOfAbsAtMostOne()
    {
        var x = Probes();
        var rng = new Random(Seed + 1);
        var g = x.Select(_ => (float)(rng.NextDouble() + 0.5)).ToArray();
        using var scope = NewDisposeScope();
        var tx = torch.tensor(x).requires_grad_();
        StraightThroughSign.Apply(tx).mul(torch.tensor(g)).sum().backward();
        var grad = tx.grad!.data<float>().ToArray();
        for (int i = 0; i < x.Length; i++)
        {
            float expected = Math.Abs(x[i]) <= 1f ? g[i] : 0f;
            Assert.That(grad[i], Is.EqualTo(expected), $"index {i}, x = {x[i]:R}: gradient passes exactly where |x| <= 1 (boundaries included)");
        }
    }

    [Test]
    public void Forward_WorksInFloat64AndStepAgrees()
    {
        using var scope = NewDisposeScope();
        var x = torch.tensor(new double[] { -3, -1, -1e-300, 0, 1e-300, 1, 3 });
        var y = StraightThroughSign.Apply(x).data<double>().ToArray();
        Assert.That(y, Is.EqualTo(new double[] { -1, -1, -1, 1, 1, 1, 1 }));
        Assert.That(StraightThroughSign.Step(x).data<double>().ToArray(), Is.EqualTo(y));
    }
}
