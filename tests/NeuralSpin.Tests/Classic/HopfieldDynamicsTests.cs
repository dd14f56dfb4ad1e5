using NeuralSpin.Classic;
using NeuralSpin.Tests.Ising;
using NeuralSpin.Tests.Support;
using NUnit.Framework;

namespace NeuralSpin.Tests.Classic;

/// <summary>
/// <see cref="HopfieldDynamics"/> and <see cref="HopfieldRetrieval"/>: fixed points checked with the dense couplings,
/// Glauber equilibrium against 2^N enumeration, and retrieval below / loss above alpha_c (AGS 0.138) at T = 0.
/// Seeds are fixed named constants; each statistical test states its false-failure rate for a fresh seed.
/// </summary>
[TestFixture]
public class HopfieldDynamicsTests
{
    const int NetworkSeed = 2718;
    const int DynamicsSeed = 3141;
    const long ScanSeed = 42;

    /// <summary>N h_i = sum_{j != i} sum_mu xi_i^mu xi_j^mu s_j in exact integer arithmetic (the definition, no rounding,
    /// so zero fields are exactly zero).</summary>
    static long ScaledField(HopfieldNetwork net, sbyte[] s, int i)
    {
        long sum = 0;
        for (int j = 0; j < net.Size; j++)
        {
            if (j == i) continue;
            for (int mu = 0; mu < net.PatternCount; mu++) sum += net.Pattern(mu)[i] * net.Pattern(mu)[j] * s[j];
        }
        return sum;
    }

    static sbyte[] RandomSpins(int n, Random rng) => Enumerable.Range(0, n).Select(_ => rng.Next(2) == 0 ? (sbyte)-1 : (sbyte)1).ToArray();

    [Test]
    public void ZeroTemperatureAsynchronous_EndsAtFixedPoint_WithNonIncreasingEnergy()
    {
        // from random starts at a glassy load (alpha = 0.3): the end state must satisfy s_i h_i >= 0 for every i with the
        // dense J of the definition, and E(s)/N after each sweep must never increase (each flip lowers E by 2|h_i|)
        var net = HopfieldNetwork.Random(120, 36, NetworkSeed);
        var model = net.ToIsingModel();
        // (h_i = 0 keeps s_i: stability is s_i h_i >= 0, checked exactly in integers)
        var rng = new Random(DynamicsSeed);
        for (int t = 0; t < 5; t++)
        {
            var run = HopfieldDynamics.Asynchronous(net, RandomSpins(net.Size, rng), rng);
            Assert.That(run.Converged, Is.True);
            for (int i = 0; i < net.Size; i++)
                Assert.That(run.Final[i] * ScaledField(net, run.Final, i), Is.GreaterThanOrEqualTo(0), $"run {t}: spin {i} is stable");
            for (int k = 1; k < run.EnergyPerSpin.Length; k++)
                Assert.That(run.EnergyPerSpin[k], Is.LessThanOrEqualTo(run.EnergyPerSpin[k - 1]), $"run {t}: E/N after sweep {k}");
            // the trace is exact (integer overlaps): the last entry equals the definition's energy to rounding
            NumericAssert.AreEqualAbsolute(IsingReference.DefinitionEnergy(model, run.Final) / net.Size, run.EnergyPerSpin[^1], 1e-12, "final E/N");
        }
    }

    [Test]
    public void ZeroTemperatureSynchronous_EndsInFixedPointOrTwoCycle()
    {
        // Goles: parallel dynamics with symmetric J has period 1 or 2. Check the reported cycle with the definition's fields.
        var net = HopfieldNetwork.Random(80, 24, NetworkSeed + 1);
        var rng = new Random(DynamicsSeed + 1);
        sbyte[] Map(sbyte[] s) => Enumerable.Range(0, s.Length).Select(i =>
        {
            long h = ScaledField(net, s, i);
            return h > 0 ? (sbyte)1 : h < 0 ? (sbyte)-1 : s[i];
        }).ToArray();
        int twoCycles = 0;
        for (int t = 0; t < 10; t++)
        {
            var run = HopfieldDynamics.Synchronous(net, RandomSpins(net.Size, rng));
            Assert.That(run.CycleLength, Is.AnyOf(1, 2), $"run {t}");
            var once = Map(run.Final);
            if (run.CycleLength == 1) Assert.That(once, Is.EqualTo(run.Final), "fixed point");
            else { Assert.That(once, Is.Not.EqualTo(run.Final)); Assert.That(Map(once), Is.EqualTo(run.Final), "two-cycle"); twoCycles++; }
        }
        // from the stored pattern at low load the parallel dynamics stays put
        var small = HopfieldNetwork.Random(300, 6, NetworkSeed);
        var fromPattern = HopfieldDynamics.Synchronous(small, small.Pattern(0));
        Assert.That(fromPattern.CycleLength, Is.EqualTo(1));
        Assert.That(fromPattern.Overlap, Is.EqualTo(1.0));
        TestContext.Out.WriteLine($"{twoCycles} of 10 random starts ended in a two-cycle");
    }

    [Test]
    public void Glauber_SamplesBoltzmannDistribution_MeanSquareOverlapMatchesEnumeration()
    {
        // N = 8, P = 2, T = 1: 4000 independent chains of 25 sweeps each from pattern 1; the end states are draws from
        // P(s) ~ e^{-E(s)/T} up to a relaxation error far below the noise (|beta J| <= 0.25, a few sweeps decorrelate).
        // <m_1^2> and <E>/N are compared with 2^8 enumeration at 5 standard errors: false-failure rate ~1e-6.
        var net = HopfieldNetwork.Random(8, 2, NetworkSeed);
        var exact = IsingReference.Enumerate(net.ToIsingModel(beta: 1.0));
        double m2Exact = 0, eExact = exact.MeanEnergy / net.Size;
        var s = new sbyte[8];
        for (int x = 0; x < 256; x++)
        {
            for (int i = 0; i < 8; i++) s[i] = (sbyte)(((x >> i) & 1) == 1 ? 1 : -1);
            double m = net.Overlap(0, s);
            m2Exact += exact.P[x] * m * m;
        }
        var rng = new Random(DynamicsSeed + 2);
        const int Chains = 4000;
        var m2 = new NeuralSpin.Ising.RunningMoments();
        var e = new NeuralSpin.Ising.RunningMoments();
        for (int c = 0; c < Chains; c++)
        {
            var r = HopfieldDynamics.Glauber(net, net.Pattern(0), 1.0, 24, 1, rng);
            m2.Add(r.FinalOverlap * r.FinalOverlap);
            e.Add(net.Energy(r.Final) / net.Size);
        }
        NumericAssert.AreEqualAbsolute(m2Exact, m2.Mean, 5 * m2.StandardError, "<m_1^2>");
        NumericAssert.AreEqualAbsolute(eExact, e.Mean, 5 * e.StandardError, "<E>/N");
    }

    [Test]
    public void ZeroTemperatureRetrieval_N400_HighOverlapAtAlpha005_LowAtAlpha025()
    {
        // 20 pattern sets each, seed fixed. alpha = 0.05 is far below alpha_c = 0.138 (AGS m = 0.99999): a single run ending
        // below 0.9 has never been seen in the scans (N = 250..2000, 20 sets per point), so the mean > 0.9 fails with
        // negligible probability. alpha = 0.25 is far above: in the scans at N = 250-500 and alpha = 0.24 at most 15%
        // of runs retrieve and the others end near m = 0.35-0.45; the mean of 20 exceeds 0.6 only if >= 8 retrieve,
        // binomial(20, 0.15) probability 6e-3 at the worst observed rate and ~1e-5 at the N = 500 rate (<= 5%).
        var grid = new List<(int, double, double)> { (400, 0.05, 0.0), (400, 0.25, 0.0) };
        var pts = HopfieldRetrieval.Scan(grid, 20, new HopfieldRunSettings(), ScanSeed, 0.8);
        Assert.That(pts[0].MeanOverlap, Is.GreaterThan(0.9), "alpha = 0.05: retrieval");
        Assert.That(pts[1].MeanOverlap, Is.LessThan(0.6), "alpha = 0.25: retrieval lost");
        Assert.That(pts[0].Patterns, Is.EqualTo(20));
        Assert.That(pts[1].Patterns, Is.EqualTo(100));
    }

    [Test]
    [Category("Slow")]
    public void FiniteSize_RetrievalLostNearAlpha014_SharpeningWithN()
    {
        // T = 0, 40 pattern sets per point, seed fixed. From the default scan (20 sets per point): at N = 2000 the mean
        // overlap is 0.989 +- 0.002 at alpha = 0.13 and 0.37 +- 0.05 at 0.17, both > 8 SE from the level 0.8, so the
        // first fall through 0.8 lies in [0.13, 0.17] (false-failure rate < 1e-9); at N = 250 the mean stays above 0.8
        // up to alpha = 0.16 (0.949 +- 0.029, 5 SE) so its crossing lies above 0.15 (false-failure ~1e-6). The sharpening:
        // at alpha = 0.2 the N = 2000 mean (0.30 +- 0.01) lies far below the N = 250 one (0.75 +- 0.06), 7 SE.
        double[] alphas = [0.1, 0.12, 0.13, 0.14, 0.15, 0.16, 0.17, 0.18, 0.2, 0.24];
        var grid = new[] { 250, 2000 }.SelectMany(n => alphas.Select(a => (n, a, 0.0))).ToList();
        var pts = HopfieldRetrieval.Scan(grid, 40, new HopfieldRunSettings(), ScanSeed, 0.8);
        var small = HopfieldRetrieval.Capacity(pts.Where(p => p.Size == 250).ToList(), 0.8);
        var large = HopfieldRetrieval.Capacity(pts.Where(p => p.Size == 2000).ToList(), 0.8);
        Assert.That(large.AlphaAtMeanLevel, Is.InRange(0.13, 0.17), "alpha_c(2000)");
        Assert.That(small.AlphaAtMeanLevel, Is.GreaterThan(0.15), "alpha_c(250)");
        double At(int n, double a) => pts.Single(p => p.Size == n && Math.Abs(p.Alpha - a) < 1e-9).MeanOverlap;
        Assert.That(At(2000, 0.2), Is.LessThan(At(250, 0.2) - 0.2), "the drop sharpens with N");
        TestContext.Out.WriteLine($"alpha_c(250) = {small.AlphaAtMeanLevel}, alpha_c(2000) = {large.AlphaAtMeanLevel}");
    }

    [Test]
    public void CorruptedCue_IsCleanedUp_AtLowLoad()
    {
        // alpha = 0.05, 20% of spins reversed (start overlap 0.6): well inside the basin of attraction at this load, the
        // T = 0 dynamics returns to the pattern up to the few percent of spins that are unstable there (AGS m = 0.99999).
        var net = HopfieldNetwork.Random(500, 25, NetworkSeed);
        var rng = new Random(DynamicsSeed + 3);
        var start = HopfieldDynamics.StartNear(net, 0, 0.2, rng);
        Assert.That(net.Overlap(0, start), Is.EqualTo(0.6).Within(1e-12), "exactly 100 of 500 spins reversed");
        var run = HopfieldDynamics.Asynchronous(net, start, rng);
        Assert.That(run.Overlap, Is.GreaterThan(0.97));
    }

    [Test]
    public void Glauber_RetainsPatternAtLowT_ForgetsItAboveTg()
    {
        // alpha = 0.05: AGS retrieval m(T = 0.2) = 0.999; at T = 1.6 > T_g = 1.22 the paramagnet has <m> = 0 with
        // N var(m) = 1/(1 - beta) = 2.7 per snapshot (sd 0.082 at N = 400), so the 50-sweep average stays below 0.25
        // (3 sd of one snapshot): false-failure rate < 3e-3 even for fully correlated snapshots, far less for the average.
        var net = HopfieldNetwork.Random(400, 20, NetworkSeed);
        var cold = HopfieldDynamics.Glauber(net, net.Pattern(0), 0.2, 50, 50, new Random(DynamicsSeed + 4));
        var hot = HopfieldDynamics.Glauber(net, net.Pattern(0), 1.6, 50, 50, new Random(DynamicsSeed + 5));
        Assert.That(cold.MeanOverlap, Is.GreaterThan(0.97));
        Assert.That(Math.Abs(hot.MeanOverlap), Is.LessThan(0.25));
    }

    [Test]
    public void Scan_IsReproducible_AndEqualsIndependentRuns()
    {
        // each sample depends only on its derived seed: the parallel scan equals sequential RunOnce calls bit for bit
        var grid = new List<(int, double, double)> { (60, 0.1, 0.0), (60, 0.2, 0.5) };
        var settings = new HopfieldRunSettings { BurnInSweeps = 5, MeasureSweeps = 5, FlipFraction = 0.1 };
        var a = HopfieldRetrieval.Scan(grid, 4, settings, ScanSeed, 0.8);
        var b = HopfieldRetrieval.Scan(grid, 4, settings, ScanSeed, 0.8);
        for (int p = 0; p < grid.Count; p++)
        {
            Assert.That(a[p].Overlaps, Is.EqualTo(b[p].Overlaps));
            for (int k = 0; k < 4; k++)
            {
                var (n, alpha, t) = grid[p];
                double single = HopfieldRetrieval.RunOnce(n, HopfieldRetrieval.PatternsFor(n, alpha), t, settings, HopfieldRetrieval.SampleSeed(ScanSeed, n, p, k));
                Assert.That(a[p].Overlaps[k], Is.EqualTo(single), $"point {p}, sample {k}");
            }
        }
    }

    [Test]
    public void Crossing_InterpolatesFirstFallThroughLevel()
    {
        // y falls through 0.8 between x = 0.14 (0.9) and 0.16 (0.7): linear interpolation gives 0.15 (exact up to rounding)
        NumericAssert.AreEqualAbsolute(0.15, HopfieldRetrieval.Crossing([0.1, 0.12, 0.14, 0.16, 0.18], [1, 0.95, 0.9, 0.7, 0.85], 0.8), 1e-15);
        Assert.That(HopfieldRetrieval.Crossing([0.1, 0.2], [0.9, 0.85], 0.8), Is.NaN);
    }
}
