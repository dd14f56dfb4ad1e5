using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using MathNet.Numerics.Distributions;
using NUnit.Framework;
using NeuralSpin.BinaryNets;
using NeuralSpin.Numerics;

namespace NeuralSpin.Tests.BinaryNets;

/// <summary>
/// The counter-based training noise of the ensemble kernels (docs/theory.md section 7, "The noise stream"): the lane-wise
/// Philox equals the scalar one (whose published answers Philox4x32Tests checks), the lane-wise log, cos and sin are
/// within a few float ulp of double precision over every input they can get, the normals pass a statistical test, and
/// a network's stream depends on its seed and the counters only (not on its lane or the vector width).
/// </summary>
[TestFixture]
public class TrainingNoiseTests
{
    static float Ulp(double x)
    {
        float a = Math.Abs((float)x);
        return MathF.BitIncrement(a) - a;
    }

    static V LoadBits<V, O>(uint[] bits, int at) where V : struct where O : struct, ILaneVector<V> =>
        O.Load(ref MemoryMarshal.Cast<uint, float>(bits.AsSpan())[at]);

    static uint[] StoreBits<V, O>(V v) where V : struct where O : struct, ILaneVector<V>
    {
        var bits = new uint[O.Width];
        O.Store(v, ref MemoryMarshal.Cast<uint, float>(bits.AsSpan())[0]);
        return bits;
    }

    static void LanePhiloxEqualsScalar<V, O>() where V : struct where O : struct, ILaneVector<V>
    {
        int w = O.Width;
        var rng = new SplitMixRandom(2718);
        for (int trial = 0; trial < 500; trial++)
        {
            var words = Enumerable.Range(0, 6).Select(_ => Enumerable.Range(0, w).Select(_ => (uint)rng.NextUInt64()).ToArray()).ToArray();
            if (trial == 0)
                for (int i = 0; i < 6; i++) { words[i][w - 1] = 0; words[i][w - 2] = uint.MaxValue; } // the extreme words in two lanes
            V c0 = LoadBits<V, O>(words[0], 0), c1 = LoadBits<V, O>(words[1], 0), c2 = LoadBits<V, O>(words[2], 0), c3 = LoadBits<V, O>(words[3], 0);
            LaneMath<V, O>.Philox(ref c0, ref c1, ref c2, ref c3, LoadBits<V, O>(words[4], 0), LoadBits<V, O>(words[5], 0));
            var got = new[] { StoreBits<V, O>(c0), StoreBits<V, O>(c1), StoreBits<V, O>(c2), StoreBits<V, O>(c3) };
            for (int l = 0; l < w; l++)
            {
                var x = Philox4x32.Block(words[0][l], words[1][l], words[2][l], words[3][l], words[4][l], words[5][l]);
                Assert.That(new[] { got[0][l], got[1][l], got[2][l], got[3][l] }, Is.EqualTo(new[] { x.X0, x.X1, x.X2, x.X3 }), $"{w} lanes, trial {trial}, lane {l}");
            }
        }
    }

    [Test]
    public void LanePhilox_EqualsTheScalarPhilox_InEveryLane()
    {
        // Integer arithmetic: exact equality, with every lane given its own counter and key (random words, and the
        // all-zero and all-one words of the published answers).
        LanePhiloxEqualsScalar<Vector256<float>, Lanes256>();
        if (Vector512.IsHardwareAccelerated) LanePhiloxEqualsScalar<Vector512<float>, Lanes512>();
    }

    [Test]
    public void LnUnit_IsWithinTwoUlpOfTheLog_ForEveryUniformOfBoxMuller()
    {
        // All 2^24 values u = k / 2^24, k = 1 .. 2^24, the inputs BoxMuller can give, against double precision: the
        // division s = (m - 1)/(m + 1) and the final additions cost about an ulp each (measured maximum in the output).
        var u = new float[16];
        var got = new float[16];
        double worst = 0;
        for (int k0 = 1; k0 <= 1 << 24; k0 += 16)
        {
            for (int i = 0; i < 16; i++) u[i] = Math.Min(k0 + i, 1 << 24) / 16777216f;
            LaneMath<Vector512<float>, Lanes512>.LnUnit(Vector512.LoadUnsafe(ref u[0])).StoreUnsafe(ref got[0]);
            for (int i = 0; i < 16; i++)
            {
                double exact = Math.Log(u[i]);
                if (exact == 0) { Assert.That(got[i], Is.EqualTo(0f), "ln 1"); continue; }
                worst = Math.Max(worst, Math.Abs(got[i] - exact) / Ulp(exact));
            }
        }
        TestContext.Out.WriteLine($"ln: worst {worst:F2} ulp");
        Assert.That(worst, Is.LessThanOrEqualTo(2.0));
    }

    [Test]
    public void CosSin2Pi_AreWithinTwoUlp_ForEveryAngleOfBoxMuller()
    {
        // All 2^24 angles 2 pi k / 2^24 against double precision, in ulps of the exact value (the reduction to the nearest
        // quarter turn is exact, so values near zero keep their relative accuracy).
        var k = new uint[16];
        double worstCos = 0, worstSin = 0;
        var c = new float[16];
        var s = new float[16];
        for (uint k0 = 0; k0 < 1u << 24; k0 += 16)
        {
            for (uint i = 0; i < 16; i++) k[i] = k0 + i;
            LaneMath<Vector512<float>, Lanes512>.CosSin2Pi(LoadBits<Vector512<float>, Lanes512>(k, 0), out var cv, out var sv);
            cv.StoreUnsafe(ref c[0]);
            sv.StoreUnsafe(ref s[0]);
            for (int i = 0; i < 16; i++)
            {
                double angle = 2 * Math.PI * k[i] / 16777216.0;
                double ec = Math.Cos(angle), es = Math.Sin(angle);
                // whole quarter turns (k a multiple of 2^22) give exactly 0 and +-1 (in double, 2 pi k / 2^24 is not exactly a
                // multiple of pi/2, so compare with the rounded values)
                if (k[i] % (1 << 22) == 0) Assert.That((c[i], s[i]), Is.EqualTo(((float)Math.Round(ec), (float)Math.Round(es))), $"k = {k[i]}");
                else { worstCos = Math.Max(worstCos, Math.Abs(c[i] - ec) / Ulp(ec)); worstSin = Math.Max(worstSin, Math.Abs(s[i] - es) / Ulp(es)); }
            }
        }
        TestContext.Out.WriteLine($"cos: worst {worstCos:F2} ulp, sin: worst {worstSin:F2} ulp");
        Assert.That(worstCos, Is.LessThanOrEqualTo(2.0));
        Assert.That(worstSin, Is.LessThanOrEqualTo(2.0));
    }

    [Test]
    public void Stream_EqualsTheDocumentedScheme_InDoublePrecision_ToAFewUlp()
    {
        // The library's values against NoiseReference (scalar Philox, Box-Muller in double): the log's error is halved by
        // the square root, so |z - z_ref| stays within a few ulp of r = |z|'s scale (measured maximum printed).
        double worst = 0;
        foreach (long seed in new long[] { 0, 1, 12345, -7 })
            foreach (long step in new long[] { 0, 1, 4095, 1L << 33 })
            {
                var got = new float[4000];
                TrainingNoise.Fill(TrainingNoise.Key(seed), step, got);
                var reference = NoiseReference.Step(seed, step, got.Length);
                for (int q = 0; q < got.Length; q += 2)
                {
                    double r = Math.Sqrt((double)reference[q] * reference[q] + (double)reference[q + 1] * reference[q + 1]);
                    for (int i = q; i < q + 2; i++)
                        worst = Math.Max(worst, Math.Abs(got[i] - reference[i]) / Math.Max(Ulp(r), Ulp(1e-3)));
                }
            }
        TestContext.Out.WriteLine($"worst |z - z_ref| = {worst:F2} ulp of r");
        Assert.That(worst, Is.LessThanOrEqualTo(4.0));
    }

    [Test]
    public void Normals_PassMoments_KolmogorovSmirnov_AndIndependenceChecks()
    {
        // 2^20 values of one network (256 steps of 4096), fixed seed. For a correct N(0, 1) stream the moment and
        // correlation checks are 5-sigma bounds (false alarm about 6e-7 each) and the Kolmogorov-Smirnov bound
        // sqrt(n) D < 1.95 has false-alarm rate 0.001 (the asymptotic Kolmogorov distribution, 2 exp(-2 x 1.95^2)).
        const int steps = 256, perStep = 4096, n = steps * perStep;
        var z = new float[n];
        var other = new float[n];
        ulong key = TrainingNoise.Key(2024), key2 = TrainingNoise.Key(2025);
        for (int t = 0; t < steps; t++)
        {
            TrainingNoise.Fill(key, t, z.AsSpan(t * perStep, perStep));
            TrainingNoise.Fill(key2, t, other.AsSpan(t * perStep, perStep));
        }
        double mean = z.Average(x => (double)x);
        double variance = z.Sum(x => ((double)x - mean) * ((double)x - mean)) / (n - 1);
        double fourth = z.Average(x => Math.Pow(x, 4));
        double tail = z.Count(x => Math.Abs(x) > 3) / (double)n, pTail = 2 * Normal.CDF(0, 1, -3);
        double lag1 = 0, cross = 0;
        for (int i = 0; i < n; i++)
        {
            if (i + 1 < n) lag1 += (double)z[i] * z[i + 1];
            cross += (double)z[i] * other[i];
        }
        lag1 /= n - 1;
        cross /= n;
        var sorted = z.Select(x => (double)x).Order().ToArray();
        double d = 0;
        for (int i = 0; i < n; i++)
        {
            double f = Normal.CDF(0, 1, sorted[i]);
            d = Math.Max(d, Math.Max((i + 1.0) / n - f, f - (double)i / n));
        }
        TestContext.Out.WriteLine($"mean {mean:E2}, variance {variance:F5}, E z^4 {fourth:F4}, P(|z| > 3) {tail:E3} (exact {pTail:E3}), lag-1 correlation {lag1:E2}, between networks {cross:E2}, sqrt(n) D = {Math.Sqrt(n) * d:F3}");
        double s = 1 / Math.Sqrt(n);
        Assert.That(Math.Abs(mean), Is.LessThan(5 * s), "mean");
        Assert.That(Math.Abs(variance - 1), Is.LessThan(5 * Math.Sqrt(2.0) * s), "variance (sd of the estimate sqrt(2/n))");
        Assert.That(Math.Abs(fourth - 3), Is.LessThan(5 * Math.Sqrt(96.0) * s), "fourth moment (sd sqrt((105 - 9)/n))");
        Assert.That(Math.Abs(tail - pTail), Is.LessThan(5 * Math.Sqrt(pTail * (1 - pTail)) * s), "tails beyond 3 sigma");
        Assert.That(Math.Abs(lag1), Is.LessThan(5 * s), "neighbouring values (Box-Muller partners and Philox words)");
        Assert.That(Math.Abs(cross), Is.LessThan(5 * s), "two networks at the same counters");
        Assert.That(Math.Sqrt(n) * d, Is.LessThan(1.95), "Kolmogorov-Smirnov against N(0, 1)");
    }

    static float[] Lanes<V, O>(IReadOnlyList<long> seeds, long step, int count) where V : struct where O : struct, ILaneVector<V>
    {
        var buffer = new float[TrainingNoise.Padded(count) * O.Width];
        var (k0, k1) = TrainingNoise.LaneKeys<V, O>(seeds);
        TrainingNoise.FillLanes<V, O>(buffer, count, k0, k1, step);
        return buffer;
    }

    static float[] Column(float[] lanes, int width, int lane, int count) => Enumerable.Range(0, count).Select(q => lanes[q * width + lane]).ToArray();

    static int[] Bits(float[] x) => x.Select(BitConverter.SingleToInt32Bits).ToArray();

    [Test]
    public void ANetworksStream_DependsOnItsSeedAndTheCountersOnly_NotOnItsLaneOrTheVectorWidth()
    {
        // The same seed in lane 0 and lane 7 (and alone through Fill, whose lanes hold consecutive blocks instead of
        // networks) gives the same bits; so do 8- and 16-lane vectors. 1283 values: a partial last Philox block.
        const int count = 1283;
        long[] seeds = [41, 42, 43, 44, 45, 46, 47, 41];
        foreach (long step in new long[] { 0, 17, 1L << 32 })
        {
            var narrow = Lanes<Vector256<float>, Lanes256>(seeds, step, count);
            Assert.That(Bits(Column(narrow, 8, 7, count)), Is.EqualTo(Bits(Column(narrow, 8, 0, count))), "lane 0 and lane 7, same seed");
            Assert.That(Bits(Column(narrow, 8, 1, count)), Is.Not.EqualTo(Bits(Column(narrow, 8, 0, count))), "other seeds, other streams");
            for (int r = 0; r < seeds.Length; r++)
            {
                var alone = new float[count];
                TrainingNoise.Fill(TrainingNoise.Key(seeds[r]), step, alone);
                Assert.That(Bits(Column(narrow, 8, r, count)), Is.EqualTo(Bits(alone)), $"step {step}, lane {r} vs Fill");
                var viaNarrow = new float[count];
                TrainingNoise.FillOne<Vector256<float>, Lanes256>(TrainingNoise.Key(seeds[r]), step, viaNarrow);
                Assert.That(Bits(viaNarrow), Is.EqualTo(Bits(alone)), "Fill on 8 lanes");
            }
            if (Vector512.IsHardwareAccelerated)
            {
                long[] wide = [.. seeds.Reverse(), 99, 41];
                var w16 = Lanes<Vector512<float>, Lanes512>(wide, step, count);
                for (int r = 0; r < wide.Length; r++)
                {
                    int inNarrow = Array.IndexOf(seeds, wide[r]);
                    var expected = new float[count];
                    if (inNarrow >= 0) expected = Column(narrow, 8, inNarrow, count);
                    else TrainingNoise.FillOne<Vector256<float>, Lanes256>(TrainingNoise.Key(wide[r]), step, expected);
                    Assert.That(Bits(Column(w16, 16, r, count)), Is.EqualTo(Bits(expected)), $"16 lanes, lane {r}");
                }
                var viaWide = new float[count];
                TrainingNoise.FillOne<Vector512<float>, Lanes512>(TrainingNoise.Key(seeds[2]), step, viaWide);
                Assert.That(Bits(viaWide), Is.EqualTo(Bits(Column(narrow, 8, 2, count))), "Fill on 16 lanes");
            }
        }
        var shorter = new float[37];
        var longer = new float[40];
        TrainingNoise.Fill(TrainingNoise.Key(5), 3, shorter);
        TrainingNoise.Fill(TrainingNoise.Key(5), 3, longer);
        Assert.That(Bits(shorter), Is.EqualTo(Bits(longer[..37])), "a shorter fill is a prefix");
    }
}
