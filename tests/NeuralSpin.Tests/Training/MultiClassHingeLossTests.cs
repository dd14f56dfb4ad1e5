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

    // The two-sample example above under each convention: the per-sample sums are 4.25 and 0, so the
    // loss is 4.25 times 1/(n C), 1/C, 1/n or 1 (n = 2, C = 3).
    [TestCase(LossReduction.Mean, true, 4.25 / 6)]
    [TestCase(LossReduction.Sum, true, 4.25 / 3)]
    [TestCase(LossReduction.Mean, false, 4.25 / 2)]
    [TestCase(LossReduction.Sum, false, 4.25)]
    public void TwoSamples_EachConvention_MatchHandComputation(LossReduction reduction, bool divide, double expected)
    {
        using var scope = NewDisposeScope();
        var x = torch.tensor(new double[] { 1, 2, 0.5, 0.2, -1, 3 }, [2, 3]).requires_grad_();
        var y = torch.tensor(new long[] { 0, 2 });
        var loss = MultiClassHingeLoss.Squared(x, y, new TrainingConvention(reduction, divide, 1.0, NeuralSpin.Data.MnistNormalization.Standardized));
        Assert.That(loss.item<double>(), Is.EqualTo(expected).Within(1e-15), "float64, a handful of operations: rounding only");
        // d/dx of the hand computation: sample 1 has violations v_1 = 2 (j = 1) and v_2 = 0.5 (j = 2), each
        // term v^2 contributing +2v to x_j and -2v to x_y; sample 2 has none. Scaled by the same factor.
        loss.backward();
        double f = expected / 4.25;
        double[] grad = [-2 * (2 + 0.5) * f, 2 * 2 * f, 2 * 0.5 * f, 0, 0, 0];
        Assert.That(x.grad!.data<double>().ToArray(), Is.EqualTo(grad).Within(1e-15));
    }

    [TestCase(1.0)]
    [TestCase(0.7)]
    public void RandomBatch_MatchesNaiveLoopAndItsGradient(double margin) => RandomBatchCase(margin, LossReduction.Mean, true);

    [TestCase(1.0, LossReduction.Sum, true)]
    [TestCase(1.0, LossReduction.Mean, false)]
    [TestCase(0.5, LossReduction.Sum, false)]
    public void RandomBatch_OtherConventions_MatchNaiveLoopAndItsGradient(double margin, LossReduction reduction, bool divide) =>
        RandomBatchCase(margin, reduction, divide);

    static void RandomBatchCase(double margin, LossReduction reduction, bool divide)
    {
        const int n = 37, c = 10;
        var rng = new Random(Seed);
        var s = Enumerable.Range(0, n * c).Select(_ => rng.NextDouble() * 4 - 2).ToArray();
        var labels = Enumerable.Range(0, n).Select(_ => (long)rng.Next(c)).ToArray();

        // the naive loop's per-term weight: 1/C if divided by the classes, 1/n for the batch mean
        double w = (divide ? 1.0 / c : 1.0) * (reduction == LossReduction.Mean ? 1.0 / n : 1.0);
        double naive = 0;
        var naiveGrad = new double[n * c];
        for (int i = 0; i < n; i++)
        {
            int yi = (int)labels[i];
            for (int j = 0; j < c; j++)
            {
                if (j == yi) continue;
                double v = Math.Max(0, margin - s[i * c + yi] + s[i * c + j]);
                naive += v * v * w;
                naiveGrad[i * c + j] += 2 * v * w;
                naiveGrad[i * c + yi] -= 2 * v * w;
            }
        }

        using var scope = NewDisposeScope();
        var x = torch.tensor(s, [n, c]).requires_grad_();
        var loss = MultiClassHingeLoss.Squared(x, torch.tensor(labels), margin, reduction, divide);
        loss.backward();
        // float64 sums of 370 terms of order 1 (times at most n C = 370): relative rounding ~ 1e-14
        Assert.That(loss.item<double>(), Is.EqualTo(naive).Within(1e-13 * Math.Max(1, Math.Abs(naive))));
        var g = x.grad!.data<double>().ToArray();
        for (int i = 0; i < g.Length; i++)
            Assert.That(g[i], Is.EqualTo(naiveGrad[i]).Within(1e-14 * Math.Max(1, Math.Abs(naiveGrad[i]))), $"gradient index {i}");
    }
}
