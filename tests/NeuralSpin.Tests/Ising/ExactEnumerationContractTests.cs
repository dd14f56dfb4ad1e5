using NeuralSpin.Ising;
using NeuralSpin.Tests.Support;
using NUnit.Framework;
using static NeuralSpin.Tests.Support.ArgumentCheck;

namespace NeuralSpin.Tests.Ising;

/// <summary>
/// The contract of <see cref="ExactEnumeration"/> around its numerics (which <see cref="ExactEnumerationTests"/> checks
/// against brute force): the argument checks with the boundary values that must pass, the progress reports and
/// <see cref="ExactEnumeration.ChunkCount"/>, the derived quantities of <see cref="ExactResult"/>, and the inverse-CDF
/// search of <see cref="ExactEnumeration.Sample"/> driven by scripted uniform draws.
/// </summary>
public class ExactEnumerationContractTests
{
    static IsingModel Free(int n) => new(n, new double[n * n], new double[n]);

    static IEnumerable<TestCaseData> Checks()
    {
        var small = Free(3);
        var big = Free(25);
        yield return Null("ExactEnumeration.Compute: the model must not be null", "model", () => ExactEnumeration.Compute(null!)).ToCase();
        yield return Arg("ExactEnumeration.Compute: at most 30 spins", null, "exact enumeration is limited to N <= 30 spins, got 31",
            () => ExactEnumeration.Compute(Free(31))).ToCase();
        yield return Arg("ExactEnumeration.Compute: at least one inner bit", null, "InnerBits must be at least 1",
            () => ExactEnumeration.Compute(small, new ExactEnumerationOptions { InnerBits = 0 })).ToCase();
        yield return Arg("ExactEnumeration.Compute: chunk bits non-negative", null, "ChunkBits must be in 0..1 for N = 3 and 2 inner bits, got -1",
            () => ExactEnumeration.Compute(small, new ExactEnumerationOptions { InnerBits = 2, ChunkBits = -1 })).ToCase();
        yield return Arg("ExactEnumeration.Compute: chunk bits at most N - inner bits", null, "ChunkBits must be in 0..1 for N = 3 and 2 inner bits, got 2",
            () => ExactEnumeration.Compute(small, new ExactEnumerationOptions { InnerBits = 2, ChunkBits = 2 })).ToCase();
        yield return Null("ExactEnumeration.Probabilities: the model must not be null", "model", () => ExactEnumeration.Probabilities(null!)).ToCase();
        yield return Arg("ExactEnumeration.Probabilities: at most 24 spins", null, "the probability vector is limited to N <= 24 spins, got 25",
            () => ExactEnumeration.Probabilities(big)).ToCase();
        yield return Null("ExactEnumeration.Energies: the model must not be null", "model", () => ExactEnumeration.Energies(null!)).ToCase();
        yield return Arg("ExactEnumeration.Energies: at most 24 spins", null, "the energy vector is limited to N <= 24 spins, got 25",
            () => ExactEnumeration.Energies(big)).ToCase();
        yield return Null("ExactEnumeration.Sample: the model must not be null", "model", () => ExactEnumeration.Sample(null!, 1, new Random(1))).ToCase();
        yield return Null("ExactEnumeration.Sample: the generator must not be null", "random", () => ExactEnumeration.Sample(small, 1, null!)).ToCase();
        yield return Range("ExactEnumeration.Sample: count non-negative", "count", "count must be >= 0",
            () => ExactEnumeration.Sample(small, -1, new Random(1))).ToCase();
        yield return Range("ExactEnumeration.Sample: the samples fit in one array", "count", $"{int.MaxValue} samples of 3 spins exceed the largest array",
            () => ExactEnumeration.Sample(small, int.MaxValue, new Random(1))).ToCase();
        yield return Arg("ExactEnumeration.Sample: at most 24 spins", null, "the probability vector is limited to N <= 24 spins, got 25",
            () => ExactEnumeration.Sample(big, 1, new Random(1))).ToCase();
        yield return Of<InvalidOperationException>("ExactResult.ThreePoint: only when requested", null, "three-point correlations were not requested",
            () => ExactEnumeration.Compute(small).ThreePoint(0, 1, 2)).ToCase();
    }

    [TestCaseSource(nameof(Checks))]
    public void BadArguments_AreRefused(ArgumentCheck check) => check.Verify();

    /// <summary>The boundary values that pass: one inner bit, the largest chunk count (N - inner bits), no chunks, no samples.</summary>
    [Test]
    public void BoundaryValues_AreAccepted()
    {
        var model = IsingReference.RandomModel(5, new Random(5301), beta: 0.9);
        var brute = IsingReference.Enumerate(model);
        foreach (var o in new[]
                 {
                     new ExactEnumerationOptions { InnerBits = 1, ChunkBits = 4, Parallel = false },
                     new ExactEnumerationOptions { InnerBits = 1, ChunkBits = 0 },
                     new ExactEnumerationOptions { InnerBits = 5, ChunkBits = 0 },
                 })
            NumericAssert.AreEqualRelative(brute.LogZ, ExactEnumeration.Compute(model, o).LogZ, 1e-12, $"ln Z with {o}");
        Assert.That(ExactEnumeration.Sample(model, 0, new Random(1)).SampleCount, Is.EqualTo(0));
        Assert.That(ExactEnumeration.Probabilities(Free(1)), Is.EqualTo(new[] { 0.5, 0.5 }));
    }

    /// <summary>The largest sizes of the energy and probability vectors are accepted: N = 24 (2^24 entries, 128 MB each).
    /// Independent spins (J = 0) in fields h_i = (-1)^i (1 + i / 8): E(x) = -sum_i h_i s_i, with s_i = +1 where bit i of x is
    /// set, and P(x) = prod_i e^{beta h_i s_i} / (2 cosh(beta h_i)). Checked at the first, the last and a scattered set of
    /// indices; the Gray-code energies are sums of 2^24 updates of size |2 h_i| &lt;= 8 (drift &lt;= ~1e-9 absolute).</summary>
    [Test]
    public void TheLargestVectors_N24_AreAccepted()
    {
        const int n = ExactEnumeration.MaxProbabilitySpins;
        const double beta = 0.25;
        var h = Enumerable.Range(0, n).Select(i => (i % 2 == 0 ? 1 : -1) * (1 + i / 8.0)).ToArray();
        var model = new IsingModel(n, new double[n * n], h, beta);
        double Energy(long x) => -Enumerable.Range(0, n).Sum(i => h[i] * (((x >> i) & 1) != 0 ? 1 : -1));
        double Probability(long x) => Enumerable.Range(0, n).Aggregate(1.0, (p, i) =>
            p * Math.Exp(beta * h[i] * (((x >> i) & 1) != 0 ? 1 : -1)) / (2 * Math.Cosh(beta * h[i])));
        long[] at = [0, 1, 12345, 1L << 23, 0xABCDEF, (1L << n) - 1];
        var energies = ExactEnumeration.Energies(model);
        Assert.That(energies.LongLength, Is.EqualTo(1L << n));
        foreach (long x in at) NumericAssert.AreEqualAbsolute(Energy(x), energies[x], 1e-9, $"E({x})");
        energies = null;
        var p = ExactEnumeration.Probabilities(model);
        Assert.That(p.LongLength, Is.EqualTo(1L << n));
        foreach (long x in at) NumericAssert.AreEqualRelative(Probability(x), p[x], 1e-9, $"P({x})");
    }

    /// <summary>The ground state is the configuration of lowest energy: for independent spins in fields h_i it is s_i =
    /// sign(h_i), checked for all 2^6 sign patterns in a layout with inner, middle and chunk spins (2 + 3 + 1), serially and
    /// in parallel; E_0 = -sum |h_i|.</summary>
    [TestCase(false)]
    [TestCase(true)]
    public void GroundState_IsTheSignsOfTheFields_ForEveryPattern(bool parallel)
    {
        const int n = 6;
        for (int pattern = 0; pattern < 1 << n; pattern++)
        {
            var h = Enumerable.Range(0, n).Select(i => (((pattern >> i) & 1) != 0 ? 1 : -1) * (1 + i / 4.0)).ToArray();
            var r = ExactEnumeration.Compute(new IsingModel(n, new double[n * n], h, 1),
                new ExactEnumerationOptions { InnerBits = 2, ChunkBits = 1, Parallel = parallel });
            Assert.That(r.GroundState, Is.EqualTo(h.Select(v => (sbyte)Math.Sign(v)).ToArray()), $"fields pattern {pattern}");
            NumericAssert.AreEqualAbsolute(-h.Sum(Math.Abs), r.GroundStateEnergy, 1e-14, $"E_0, pattern {pattern}");
        }
    }

    /// <summary>Among tied lowest energies the ground state is the first in enumeration order: with J = 0 and h = 0 every
    /// configuration has E = 0, and the first one enumerated (chunk 0, all middle and inner spins at their start) is all
    /// spins -1, whatever the layout (inner only, inner + middle, chunks) and serially or in parallel.</summary>
    [TestCase(5, 10, null, false)]
    [TestCase(7, 2, 0, false)]
    [TestCase(7, 2, 3, false)]
    [TestCase(7, 2, 3, true)]
    public void GroundState_AmongTies_IsTheFirstEnumerated(int n, int inner, int? chunk, bool parallel)
    {
        var r = ExactEnumeration.Compute(Free(n), new ExactEnumerationOptions { InnerBits = inner, ChunkBits = chunk, Parallel = parallel });
        Assert.That(r.GroundState, Is.EqualTo(Enumerable.Repeat((sbyte)-1, n).ToArray()));
        Assert.That(r.GroundStateEnergy, Is.EqualTo(0.0));
    }

    /// <summary>Chunks whose weight references lie far apart are combined relative to the lowest one: a field of 20 on
    /// the top (chunk) spin puts the chunks' lowest energies 40 apart, e^{60 * 40} beyond double's range, while ln Z =
    /// sum_i ln(2 cosh(beta h_i)) stays finite (J = 0), as does &lt;E&gt; = -sum_i h_i tanh(beta h_i). Tolerance 1e-12
    /// relative (a few roundings per chunk).</summary>
    [Test]
    public void ChunksFarApartInEnergy_AreCombinedRelativeToTheLowest()
    {
        const int n = 8;
        const double beta = 60;
        double[] h = [0.3, -0.2, 0.25, 0.1, -0.15, 0.05, -0.35, 20];
        var r = ExactEnumeration.Compute(new IsingModel(n, new double[n * n], h, beta),
            new ExactEnumerationOptions { InnerBits = 3, ChunkBits = 2, Parallel = false });
        double lnZ = h.Sum(v => Math.Abs(beta * v) + Math.Log(1 + Math.Exp(-2 * Math.Abs(beta * v))));
        NumericAssert.AreEqualRelative(lnZ, r.LogZ, 1e-12, "ln Z = sum ln(2 cosh(beta h))");
        NumericAssert.AreEqualRelative(-h.Sum(v => v * Math.Tanh(beta * v)), r.MeanEnergy, 1e-12, "<E> = -sum h tanh(beta h)");
    }

    /// <summary>Chunks: 2^ChunkBits, by default 2^min(6, N - b) with b = min(N, max(1, InnerBits)).</summary>
    [TestCase(16, 10, null, 64, TestName = "ChunkCount: N = 16, the default inner block of 10 leaves 6 chunk bits")]
    [TestCase(14, 10, null, 16, TestName = "ChunkCount: N = 14, 4 bits left above the inner block")]
    [TestCase(8, 10, null, 1, TestName = "ChunkCount: N = 8 fits in the inner block")]
    [TestCase(20, 0, null, 64, TestName = "ChunkCount: inner bits 0 count as 1, at most 6 chunk bits")]
    [TestCase(4, 0, null, 8, TestName = "ChunkCount: inner bits 0 count as 1, N - 1 = 3 chunk bits")]
    [TestCase(16, 10, 2, 4, TestName = "ChunkCount: explicit chunk bits")]
    public void ChunkCount_IsTwoToTheChunkBits(int n, int inner, int? chunkBits, int expected) =>
        Assert.That(ExactEnumeration.ChunkCount(n, new ExactEnumerationOptions { InnerBits = inner, ChunkBits = chunkBits }), Is.EqualTo(expected));

    [Test]
    public void ChunkCount_WithoutOptions_UsesTheDefaults() => Assert.That(ExactEnumeration.ChunkCount(13), Is.EqualTo(8));

    /// <summary>Progress: one report per chunk, the number done so far; in order when serial, a permutation of 1..C in
    /// parallel (Interlocked counts), C = ChunkCount.</summary>
    [TestCase(false)]
    [TestCase(true)]
    public void Progress_ReportsEachChunkOnce(bool parallel)
    {
        var model = IsingReference.RandomModel(9, new Random(5302), beta: 0.5);
        var rec = new ProgressRecorder();
        var o = new ExactEnumerationOptions { InnerBits = 4, ChunkBits = 3, Parallel = parallel, MaxDegreeOfParallelism = 2, Progress = rec };
        ExactEnumeration.Compute(model, o);
        int chunks = ExactEnumeration.ChunkCount(9, o);
        Assert.That(chunks, Is.EqualTo(8));
        if (parallel) Assert.That(rec.Reports.Order(), Is.EqualTo(Enumerable.Range(1, chunks)));
        else Assert.That(rec.Reports, Is.EqualTo(Enumerable.Range(1, chunks)));
    }

    /// <summary>F = -ln Z / beta, C = beta^2 Var(E), S = ln Z + beta &lt;E&gt;, ln P(s) = -beta E(s) - ln Z, connected
    /// correlations, and &lt;s_i s_j&gt; by index, for two independent spins in fields h = (0.3, -0.7) at beta = 2, where
    /// m_i = tanh(beta h_i), ln Z = sum ln(2 cosh(beta h_i)), &lt;E&gt; = -sum h_i m_i, Var(E) = sum h_i^2 (1 - m_i^2).</summary>
    [Test]
    public void DerivedQuantities_OfTwoIndependentSpins()
    {
        double[] h = [0.3, -0.7];
        const double beta = 2;
        var model = new IsingModel(2, new double[4], h, beta);
        var r = ExactEnumeration.Compute(model);
        double[] m = h.Select(v => Math.Tanh(beta * v)).ToArray();
        double lnZ = h.Sum(v => Math.Log(2 * Math.Cosh(beta * v)));
        double e = -(h[0] * m[0] + h[1] * m[1]);
        double varE = h[0] * h[0] * (1 - m[0] * m[0]) + h[1] * h[1] * (1 - m[1] * m[1]);
        NumericAssert.AreEqualRelative(lnZ, r.LogZ, 1e-14, "ln Z");
        NumericAssert.AreEqualRelative(-lnZ / beta, r.FreeEnergy, 1e-14, "F");
        NumericAssert.AreEqualRelative(e, r.MeanEnergy, 1e-14, "<E>");
        NumericAssert.AreEqualRelative(beta * beta * varE, r.HeatCapacity, 1e-13, "C");
        NumericAssert.AreEqualRelative(lnZ + beta * e, r.Entropy, 1e-14, "S");
        NumericAssert.AreEqualRelative(m[0] * m[1], r.Correlation(0, 1), 1e-14, "<s_0 s_1>");
        NumericAssert.AreEqualAbsolute(0, r.ConnectedCorrelations[1], 1e-15, "connected <s_0 s_1>");
        NumericAssert.AreEqualRelative(1 - m[1] * m[1], r.ConnectedCorrelations[3], 1e-14, "connected <s_1 s_1>");
        sbyte[] s = [1, -1];
        double logP = beta * (h[0] - h[1]) - lnZ;
        NumericAssert.AreEqualRelative(logP, r.LogProbability(s), 1e-14, "ln P(+1, -1)");
        NumericAssert.AreEqualRelative(Math.Exp(logP), r.Probability(s), 1e-14, "P(+1, -1)");
        Assert.That(r.GroundState, Is.EqualTo(new sbyte[] { 1, -1 }));
        NumericAssert.AreEqualRelative(-1.0, r.GroundStateEnergy, 1e-15, "E_0 = -(0.3 + 0.7)");
        Assert.That((r.Size, r.Beta, r.Model), Is.EqualTo((2, beta, model)));
    }

    /// <summary>A <see cref="Random"/> whose uniform draws are given.</summary>
    sealed class ScriptedRandom(params double[] draws) : Random
    {
        int _next;
        public override double NextDouble() => draws[_next++];
        protected override double Sample() => NextDouble();
    }

    /// <summary>
    /// Inverse CDF with scripted draws on two spins whose configurations with a field of -800 on one spin have weight
    /// e^{-1600} = 0 in float64 (index bit i set when s_i = +1; P of the others exactly 1/2):
    /// spin 1 held down, P = (1/2, 1/2, 0, 0), c = (1/2, 1, 1, 1); spin 0 held down, P = (1/2, 0, 1/2, 0),
    /// c = (1/2, 1/2, 1, 1). A draw u gives the first x with c_x &gt; u: u = c_x exactly moves on to the next x of positive
    /// probability (over a plateau of c), and the draw 1 (u = c_last, reachable only by rounding) gives the last possible
    /// configuration, never one of probability zero.
    /// </summary>
    [TestCase(1, new[] { 0.0, 0.25, 0.5, 0.75, 1.0 }, new[] { 0, 0, 1, 1, 1 }, TestName = "Sample: spin 1 held down")]
    [TestCase(0, new[] { 0.0, 0.49, 0.5, 0.51, 0.99, 1.0 }, new[] { 0, 0, 2, 2, 2, 2 }, TestName = "Sample: spin 0 held down, over the plateau")]
    public void Sample_FirstIndexAboveTheDraw(int heldDown, double[] draws, int[] expected)
    {
        var h = new double[2];
        h[heldDown] = -800;
        var model = new IsingModel(2, new double[4], h, 1);
        var p = ExactEnumeration.Probabilities(model);
        Assert.That(p.Count(v => v == 0.5), Is.EqualTo(2), "two configurations of probability 1/2");
        Assert.That(p.Count(v => v == 0), Is.EqualTo(2), "two of probability 0");
        var samples = ExactEnumeration.Sample(model, draws.Length, new ScriptedRandom(draws));
        for (int k = 0; k < draws.Length; k++)
            Assert.That(ConfigurationIndex.Of(samples.Sample(k)), Is.EqualTo(expected[k]), $"draw {draws[k]}");
    }
}
