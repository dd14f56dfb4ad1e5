using NUnit.Framework;
using NeuralSpin.Training;

namespace NeuralSpin.Tests.Training;

public class CheckpointScheduleTests
{
    static readonly double[] FirstEpoch = [0, 1.0 / 64, 1.0 / 32, 1.0 / 16, 1.0 / 8, 1.0 / 4, 1.0 / 2];

    [Test]
    public void Default_For60Epochs_IsFractionsThenLogGridThenLast()
    {
        var e = CheckpointSchedule.Parse("default").Epochs(60);
        Assert.That(e, Is.EqualTo(FirstEpoch.Concat([1, 2, 3, 5, 8, 13, 20, 30, 50, 60])));
    }

    [Test]
    public void Default_For500And960Epochs_EndsAtTheLastEpoch()
    {
        var s = CheckpointSchedule.Parse("Default");
        Assert.That(s.Epochs(500).TakeLast(4), Is.EqualTo(new double[] { 120, 200, 300, 500 }));
        Assert.That(s.Epochs(960).TakeLast(3), Is.EqualTo(new double[] { 500, 800, 960 }));
        Assert.That(s.Epochs(0), Is.EqualTo(new double[] { 0 }));
    }

    [Test]
    public void IntegerGrid_ContinuesTheRoughlyLogarithmicPattern()
    {
        Assert.That(CheckpointSchedule.IntegerGrid().Take(22),
            Is.EqualTo(new long[] { 1, 2, 3, 5, 8, 13, 20, 30, 50, 80, 120, 200, 300, 500, 800, 1200, 2000, 3000, 5000, 8000, 12000, 20000 }));
    }

    [Test]
    public void Steps_AreRoundedEpochTimesStepsPerEpoch()
    {
        // MNIST with batch 32: 1875 steps per epoch; 1/64 epoch = 29.3 steps -> 29, 1/32 -> 58.6 -> 59.
        var steps = CheckpointSchedule.Parse("default").Steps(2, 1875);
        Assert.That(steps, Is.EqualTo(new long[] { 0, 29, 59, 117, 234, 469, 938, 1875, 3750 }));
    }

    [Test]
    public void ExplicitList_WithFractions_IsTakenAsGiven()
    {
        var s = CheckpointSchedule.Parse(" 0, 0.5 ,1,2,5, 1/64 ");
        Assert.That(s.Epochs(5), Is.EqualTo(new[] { 0, 1.0 / 64, 0.5, 1, 2, 5 }));
        Assert.That(s.Steps(5, 16), Is.EqualTo(new long[] { 0, 8, 16, 32, 80 }), "1/64 of 16 steps rounds to 0 and merges with t = 0");
    }

    [Test]
    public void Every_GivesZeroMultiplesAndLast()
    {
        Assert.That(CheckpointSchedule.Parse("every:3").Epochs(10), Is.EqualTo(new double[] { 0, 3, 6, 9, 10 }));
    }

    [TestCase("")]
    [TestCase("abc")]
    [TestCase("1,,2")]
    [TestCase("-1")]
    [TestCase("1/0")]
    [TestCase("NaN")]
    [TestCase("every:0")]
    [TestCase("every:x")]
    public void Malformed_IsRejectedWithFormatException(string text)
    {
        Assert.Throws<FormatException>(() => CheckpointSchedule.Parse(text));
    }

    [Test]
    public void ExplicitEpochAfterTheLast_IsRejected()
    {
        var s = CheckpointSchedule.Parse("0,1,7");
        var e = Assert.Throws<ArgumentException>(() => s.Epochs(5))!;
        Assert.That(e.Message, Does.Contain("epoch 7"));
    }
}

public class DataOrderTests
{
    [Test]
    public void Permutation_IsAPermutation_DeterministicAndDifferentPerEpoch()
    {
        var p0 = DataOrder.Permutation(42, 0, 1000);
        Assert.That(p0.Order(), Is.EqualTo(Enumerable.Range(0, 1000)));
        Assert.That(DataOrder.Permutation(42, 0, 1000), Is.EqualTo(p0));
        Assert.That(DataOrder.Permutation(42, 1, 1000), Is.Not.EqualTo(p0));
        Assert.That(DataOrder.Permutation(43, 0, 1000), Is.Not.EqualTo(p0));
    }

    [Test]
    public void FirstElement_IsUniform_ChiSquare()
    {
        // 8 positions, 16000 epochs: chi-square with 7 degrees of freedom; 24.32 is its 0.999 quantile,
        // so a correct shuffle fails this test with probability 1e-3 (the seeds are fixed, so it either
        // always passes or always fails).
        const int n = 8, trials = 16000;
        var counts = new int[n];
        for (int e = 0; e < trials; e++) counts[DataOrder.Permutation(2024, e, n)[0]]++;
        double expected = trials / (double)n;
        double chi2 = counts.Sum(c => (c - expected) * (c - expected) / expected);
        Assert.That(chi2, Is.LessThan(24.32), $"counts {string.Join(",", counts)}");
    }
}
