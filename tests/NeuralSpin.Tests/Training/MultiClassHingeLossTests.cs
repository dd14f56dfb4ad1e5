using NUnit.Framework;
using NeuralSpin.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace NeuralSpin.Tests.Training;

/// <summary>The L2 multi-class hinge loss of P1 sec. 3.1 (PyTorch MultiMarginLoss, p = 2).</summary>
[TestFixture, NonParallelizable]
public class MultiClassHingeLossTests
{
    const int Seed = 7;

    [Test]
    public void TwoSamples_MatchHandComputation()
    {
        // Sample 1, y = 0, scores (1, 2, 0.5), margin 1:
        //   j = 1: max(0, 1 - 1 + 2)^2 = 4; j = 2: max(0, 1 - 1 + 0.5)^2 = 0.25; sum / C = 4.25 / 3.
        // Sample 2, y = 2, scores (0.2, -1, 3): 1 - 3 + 0.2 < 0 and 1 - 3 - 1 < 0, so 0.
        // Mean over the two samples: 4.25 / 6.
        using var scope = NewDisposeScope();
        var x = torch.tensor(new double[] { 1, 2, 0.5, 0.2, -1, 3 }, [2, 3]);
        var y = torch.tensor(new long[] { 0, 2 });
        double loss = MultiClassHingeLoss.Squared(x, y).item<double>();
        Assert.That(loss, Is.EqualTo(4.25 / 6).Within(1e-15), "float64, a handful of operations: rounding only");
    }

    [Test]
    public void MarginIsUsed_HandComputation()
    {
        // y = 1, scores (0, 0): margin 0.5 gives max(0, 0.5 - 0 + 0)^2 / 2 = 0.125.
        using var scope = NewDisposeScope();
        var x = torch.tensor(new double[] { 0, 0 }, [1, 2]);
        var y = torch.tensor(new long[] { 1 });
        Assert.That(MultiClassHingeLoss.Squared(x, y, 0.5).item<double>(), Is.EqualTo(0.125).Within(1e-16));
    }

    [TestCase(1.0)]
    [TestCase(0.7)]
    public void RandomBatch_MatchesNaiveLoopAndItsGradient(double margin)
    {
        const int n = 37, c = 10;
        var rng = new Random(Seed);
        var s = Enumerable.Range(0, n * c).Select(_ => rng.NextDouble() * 4 - 2).ToArray();
        var labels = Enumerable.Range(0, n).Select(_ => (long)rng.Next(c)).ToArray();

        double naive = 0;
        var naiveGrad = new double[n * c];
        for (int i = 0; i < n; i++)
        {
            int yi = (int)labels[i];
            for (int j = 0; j < c; j++)
            {
                if (j == yi) continue;
                double v = Math.Max(0, margin - s[i * c + yi] + s[i * c + j]);
                naive += v * v / c / n;
                naiveGrad[i * c + j] += 2 * v / c / n;
                naiveGrad[i * c + yi] -= 2 * v / c / n;
            }
        }

        using var scope = NewDisposeScope();
        var x = torch.tensor(s, [n, c]).requires_grad_();
        var loss = MultiClassHingeLoss.Squared(x, torch.tensor(labels), margin);
        loss.backward();
        Assert.That(loss.item<double>(), Is.EqualTo(naive).Within(1e-13), "float64 sums of 370 terms of order 1");
        var g = x.grad!.data<double>().ToArray();
        for (int i = 0; i < g.Length; i++)
            Assert.That(g[i], Is.EqualTo(naiveGrad[i]).Within(1e-15), $"gradient index {i}");
    }
}
