using NeuralSpin.Ising;
using NUnit.Framework;
using NeuralSpin.Tests.Support;
using static NeuralSpin.Tests.Support.ArgumentCheck;

namespace NeuralSpin.Tests.Ising;

/// <summary>
/// The chain's schedule and bookkeeping, made deterministic: on spins without couplings or fields every flip costs
/// dE = 0, which Metropolis always accepts (min(1, e^0) = 1), so with the sequential order one sweep flips every spin exactly once and the configuration after
/// k sweeps is (-1)^k times the start. The sample recorded after B burn-in sweeps and then T sweeps per sample
/// (thinning) is therefore (-1)^(B + j T) s_0 for sample j = 1, 2, ...; a sweep too many or too few, the other update
/// rule (heat bath at zero field keeps a spin with probability 1/2) or the other order (random visits leave spins
/// unflipped or flipped twice) change it.
/// </summary>
public class MonteCarloScheduleTests
{
    const int N = 64;

    static IsingModel Free() => new(N, new double[N * N], new double[N]);

    static sbyte[] Start()
    {
        var s = new sbyte[N];
        for (int i = 0; i < N; i++) s[i] = (sbyte)(i % 3 == 0 ? -1 : 1);
        return s;
    }

    static MonteCarloOptions Flipping(int burnIn, int thinning, int samples) => new()
    {
        Update = SpinUpdate.Metropolis, Order = SweepOrder.Sequential, BurnInSweeps = burnIn, Thinning = thinning,
        Samples = samples, Initial = Start(), Seed = 1,
    };

    [TestCase(0, 1, 3)]
    [TestCase(1, 1, 3)]
    [TestCase(2, 3, 4)]
    [TestCase(3, 2, 2)]
    public void MetropolisAtZeroField_Sequential_FlipsEverySpinEverySweep(int burnIn, int thinning, int samples)
    {
        var r = MonteCarlo.Run(Free(), Flipping(burnIn, thinning, samples));
        Assert.That(r.Samples.SampleCount, Is.EqualTo(samples));
        var start = Start();
        for (int j = 1; j <= samples; j++)
        {
            int sign = (burnIn + j * thinning) % 2 == 0 ? 1 : -1;
            Assert.That(r.Samples.Sample(j - 1).ToArray(), Is.EqualTo(start.Select(v => (sbyte)(sign * v)).ToArray()), $"sample {j}");
        }
        Assert.That(r.AcceptanceRate, Is.EqualTo(1.0), "every Metropolis flip of dE = 0 is accepted");
    }

    /// <summary>Heat bath at zero field draws each visited spin afresh (up with probability 1/2), so after one sweep
    /// about half of the 64 spins differ from the flipped start; all 64 flipped has probability 2^-64.</summary>
    [Test]
    public void HeatBathAtZeroField_DoesNotFlipEverySpin()
    {
        var r = MonteCarlo.Run(Free(), Flipping(0, 1, 1) with { Update = SpinUpdate.HeatBath });
        var flipped = Start().Select(v => (sbyte)-v).ToArray();
        Assert.That(r.Samples.Sample(0).ToArray(), Is.Not.EqualTo(flipped));
    }

    /// <summary>Random visiting order: a spin is visited Binomial(64, 1/64) times in a sweep, an even number (and so left
    /// as it was) with probability (1 + (1 - 2/64)^64) / 2 = 0.57; all 64 flipped has probability about 0.43^64.</summary>
    [Test]
    public void RandomOrder_DoesNotVisitEverySpinOnce()
    {
        var r = MonteCarlo.Run(Free(), Flipping(0, 1, 1) with { Order = SweepOrder.RandomSequential });
        var flipped = Start().Select(v => (sbyte)-v).ToArray();
        Assert.That(r.Samples.Sample(0).ToArray(), Is.Not.EqualTo(flipped));
    }

    /// <summary>Without a start configuration the chain starts from a uniformly random one: after one flipping sweep the
    /// sample is its negative, which among 64 spins holds both signs (a constant start has probability 2^-63).</summary>
    [Test]
    public void NoInitialConfiguration_StartsFromARandomOne()
    {
        var r = MonteCarlo.Run(Free(), Flipping(0, 1, 1) with { Initial = null });
        var sample = r.Samples.Sample(0).ToArray();
        Assert.That(sample, Has.Some.EqualTo((sbyte)1).And.Some.EqualTo((sbyte)-1));
    }

    /// <summary>No samples: the moments are zeros (not the NaN of an empty average) and, with no burn-in either, no
    /// update was attempted, so the acceptance rate is NaN.</summary>
    [Test]
    public void NoSamples_GivesZeroMomentsAndNoAcceptanceRate()
    {
        var r = MonteCarlo.Run(Free(), Flipping(0, 1, 0));
        Assert.That(r.Samples.SampleCount, Is.EqualTo(0));
        Assert.That(r.Magnetizations, Is.EqualTo(new double[N]));
        Assert.That(r.Correlations, Is.EqualTo(new double[N * N]));
        Assert.That(r.AcceptanceRate, Is.NaN);
    }

    static IEnumerable<TestCaseData> Checks()
    {
        var model = Free();
        var ok = Flipping(0, 1, 1);
        yield return Null("MonteCarlo.Run: the model must not be null", "model", () => MonteCarlo.Run(null!, ok)).ToCase();
        yield return Null("MonteCarlo.Run: the options must not be null", "options", () => MonteCarlo.Run(model, null!)).ToCase();
        yield return Null("MonteCarlo.Run: the options must not be null (with a generator)", "options", () => MonteCarlo.Run(model, null!, new Random(1))).ToCase();
        yield return Null("MonteCarlo.Run: the generator must not be null", "random", () => MonteCarlo.Run(model, ok, null!)).ToCase();
        yield return Arg("MonteCarlo.Run: thinning at least 1", null, "Thinning must be at least 1", () => MonteCarlo.Run(model, ok with { Thinning = 0 })).ToCase();
        yield return Arg("MonteCarlo.Run: burn-in non-negative", null, "BurnInSweeps and Samples must be non-negative",
            () => MonteCarlo.Run(model, ok with { BurnInSweeps = -1 })).ToCase();
        yield return Arg("MonteCarlo.Run: samples non-negative", null, "BurnInSweeps and Samples must be non-negative",
            () => MonteCarlo.Run(model, ok with { Samples = -1 })).ToCase();
        yield return Arg("MonteCarlo.Run: the start has N spins", null, "the initial configuration needs 64 spins, got 3",
            () => MonteCarlo.Run(model, ok with { Initial = [1, -1, 1] })).ToCase();
        // Array.MaxLength / 64 = 33,554,431 samples fit; one more is 2^31 spins (an int product would wrap to a negative size),
        // int.MaxValue samples would wrap to a small positive one
        yield return Arg("MonteCarlo.Run: the samples fit in one array", null, "33554432 samples of 64 spins exceed the largest array",
            () => MonteCarlo.Run(model, ok with { Samples = Array.MaxLength / N + 1 })).ToCase();
        yield return Arg("MonteCarlo.Run: the samples fit in one array (a product beyond int)", null, $"{int.MaxValue} samples of 64 spins exceed the largest array",
            () => MonteCarlo.Run(model, ok with { Samples = int.MaxValue })).ToCase();
        var zero = Start();
        zero[5] = 0;
        yield return Arg("MonteCarlo.Run: the start's spins are +-1", null, "initial spin 5 is 0, not +-1",
            () => MonteCarlo.Run(model, ok with { Initial = zero })).ToCase();
        yield return Null("MonteCarlo.BatchMeansStandardError: the series must not be null", "series", () => MonteCarlo.BatchMeansStandardError(null!)).ToCase();
        yield return Arg("MonteCarlo.BatchMeansStandardError: two batches at least", null, "at least two batches are needed",
            () => MonteCarlo.BatchMeansStandardError(new double[10], 1)).ToCase();
        yield return Arg("MonteCarlo.BatchMeansStandardError: a value per batch", null, "3 values cannot form 4 batches",
            () => MonteCarlo.BatchMeansStandardError(new double[3], 4)).ToCase();
    }

    [TestCaseSource(nameof(Checks))]
    public void BadArguments_AreRefused(ArgumentCheck check) => check.Verify();

    /// <summary>The boundary values that are allowed: thinning 1, no burn-in, no samples, two batches of one value.</summary>
    [Test]
    public void BoundaryValues_AreAccepted()
    {
        Assert.That(() => MonteCarlo.Run(Free(), Flipping(0, 1, 0)), Throws.Nothing);
        // two batches of one value each: the batch means are the values, sd = |a - b| / sqrt 2, error sd / sqrt 2
        Assert.That(MonteCarlo.BatchMeansStandardError([1.0, 3.0], 2), Is.EqualTo(1.0).Within(1e-15));
        // batches of two values: means 2 and 6, sd = 4 / sqrt 2, error 2
        Assert.That(MonteCarlo.BatchMeansStandardError([1.0, 3, 5, 7], 2), Is.EqualTo(2.0).Within(1e-15));
    }

    /// <summary>Welford's accumulator: NaN mean when empty, NaN variance with one value, the unbiased variance from two.</summary>
    [Test]
    public void RunningMoments_EmptyAndSmallCounts()
    {
        var m = new RunningMoments();
        Assert.That(m.Mean, Is.NaN);
        Assert.That(m.Variance, Is.NaN);
        m.Add(2);
        Assert.That(m.Mean, Is.EqualTo(2.0));
        Assert.That(m.Variance, Is.NaN);
        m.Add(4);
        Assert.That(m.Variance, Is.EqualTo(2.0).Within(1e-15), "((2 - 3)^2 + (4 - 3)^2) / (2 - 1)");
        var empty = new RunningMoments();
        m.Merge(empty);
        Assert.That(m.Count, Is.EqualTo(2));
        Assert.That(m.Mean, Is.EqualTo(3.0));
        Assert.That(m.Variance, Is.EqualTo(2.0).Within(1e-15));
    }

    /// <summary>Merging (Chan et al.) is adding the other values: {1, 2, 3} merged with {10, 20} has the moments of the five
    /// values, mean 36/5 = 7.2 and variance (6.2^2 + 5.2^2 + 4.2^2 + 2.8^2 + 12.8^2) / 4 = 254.8 / 4 = 63.7; merged into an
    /// empty accumulator it is a copy; an empty one merged with an empty one stays empty and
    /// keeps working.</summary>
    [Test]
    public void RunningMoments_Merge_EqualsAddingTheValues()
    {
        static RunningMoments Of(params double[] values) { var m = new RunningMoments(); foreach (var v in values) m.Add(v); return m; }
        var a = Of(1, 2, 3);
        a.Merge(Of(10, 20));
        Assert.That(a.Count, Is.EqualTo(5));
        Assert.That(a.Mean, Is.EqualTo(7.2).Within(1e-14));
        Assert.That(a.Variance, Is.EqualTo(63.7).Within(1e-13));
        var copy = new RunningMoments();
        copy.Merge(Of(10, 20));
        Assert.That(copy.Count, Is.EqualTo(2));
        Assert.That(copy.Mean, Is.EqualTo(15.0));
        Assert.That(copy.Variance, Is.EqualTo(50.0).Within(1e-13), "((10 - 15)^2 + (20 - 15)^2) / 1");
        var empty = new RunningMoments();
        empty.Merge(new RunningMoments());
        Assert.That(empty.Count, Is.EqualTo(0));
        Assert.That(empty.Mean, Is.NaN);
        empty.Add(2);
        empty.Add(4);
        Assert.That((empty.Mean, empty.Variance), Is.EqualTo((3.0, 2.0)), "still a working accumulator (no 0 / 0 left in its sums)");
    }
}
