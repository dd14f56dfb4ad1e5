using NeuralSpin.Ising;
using NeuralSpin.Numerics;
using NeuralSpin.Tests.Support;
using NUnit.Framework;
using static NeuralSpin.Tests.Support.ArgumentCheck;
using Raw = NeuralSpin.Ising.McLandscape.Raw;

namespace NeuralSpin.Tests.Ising;

/// <summary>
/// The MC landscape's parts written out (<see cref="McLandscapeTests"/> checks the whole against enumeration and exact BP
/// within statistical tolerances, which leaves its bookkeeping loosely pinned):
/// the annealed heat-bath chain against a reference chain written here from the equations and drawing the same stream
/// (so equal to rounding); the thermodynamic integration, its segments and its anchor choice on constructed sweeps with
/// values worked out by hand; the hysteresis statistics and the loop rule on constructed points; the argument checks.
/// Constructed values are dyadic fractions, so the boundary cases (a gap exactly at a threshold) are exact in float64.
/// </summary>
public class McLandscapeWrittenOutTests
{
    // ---- the chain ----

    /// <summary>
    /// The reference: heat bath on P_x(s) ∝ exp(-beta E(s) + x sum_i s_i s*_i), N updates per sweep, each at a site
    /// i = Next(N) with s_i = +1 if a uniform draw is below 1 / (1 + e^{-2 (beta H_i + x s*_i)}), H_i = h_i + sum_j J_ij s_j
    /// computed afresh; the grid visited up and then down from s*, at each x BurnIn sweeps and then batch x Batches
    /// measured sweeps (batch = MeasureSweeps / Batches); q = s.s*/N and e = E(s)/N, E = -1/2 s J s - h s, after every
    /// measured sweep; the errors the standard error of the batch means, sqrt(sum_b (m_b - m)^2 / (B (B - 1))).
    /// </summary>
    static (Raw[] Up, Raw[] Down) ReferenceAnneal(IsingModel model, sbyte[] sStar, double[] xs, McLandscapeOptions o)
    {
        int n = model.Size;
        var rng = new SplitMixSource(o.Seed);
        var s = (sbyte[])sStar.Clone();
        void Sweep(double x)
        {
            for (int step = 0; step < n; step++)
            {
                int i = rng.Next(n);
                double h = model.Field(i);
                for (int j = 0; j < n; j++) h += model.Coupling(i, j) * s[j];
                double pUp = 1 / (1 + Math.Exp(-2 * (model.Beta * h + x * sStar[i])));
                s[i] = rng.NextDouble() < pUp ? (sbyte)1 : (sbyte)-1;
            }
        }
        double Energy()
        {
            double e = 0;
            for (int i = 0; i < n; i++)
            {
                e -= model.Field(i) * s[i];
                for (int j = 0; j < n; j++) e -= 0.5 * s[i] * model.Coupling(i, j) * s[j];
            }
            return e;
        }
        static (double Mean, double Error) BatchMeans(List<double> series, int batch)
        {
            var means = series.Chunk(batch).Select(c => c.Average()).ToArray();
            double m = means.Average();
            return (series.Average(), Math.Sqrt(means.Sum(v => (v - m) * (v - m)) / (means.Length * (means.Length - 1.0))));
        }
        Raw Measure(double x)
        {
            for (int t = 0; t < o.BurnInSweeps; t++) Sweep(x);
            int batch = o.MeasureSweeps / o.Batches;
            var qs = new List<double>();
            var es = new List<double>();
            for (int t = 0; t < batch * o.Batches; t++)
            {
                Sweep(x);
                qs.Add(s.Zip(sStar, (a, b) => (double)(a * b)).Sum() / n);
                es.Add(Energy() / n);
            }
            var (q, qe) = BatchMeans(qs, batch);
            var (e, ee) = BatchMeans(es, batch);
            return new Raw(x, q, qe, e, ee);
        }
        var up = new Raw[xs.Length];
        var down = new Raw[xs.Length];
        for (int k = 0; k < xs.Length; k++) up[k] = Measure(xs[k]);
        for (int k = xs.Length - 1; k >= 0; k--) down[k] = Measure(xs[k]);
        return (up, down);
    }

    /// <summary>A 7-spin SK model with fields (seed 5101) at beta = 0.7, three x values, 3 burn-in sweeps and 11 measured
    /// sweeps in 3 batches (3 x 3 = 9 used, the remainder dropped): every point of both sweeps equals the reference chain's
    /// to 1e-12 (the library keeps the local fields up to date instead of summing them afresh; the difference is
    /// rounding), d = (1 - q)/2 with half q's error, and the sweep count is 2 x 3 x (3 + 11).</summary>
    [Test]
    public void AnnealedChain_EqualsAReferenceHeatBathChain_DrawForDraw()
    {
        var model = BpTestSupport.Sk(new Random(5101), 7, 1.0, 0.4, 0.7);
        sbyte[] sStar = [1, -1, -1, 1, 1, -1, 1];
        double[] xs = [-0.4, 0.1, 0.5];
        var o = new McLandscapeOptions { BurnInSweeps = 3, MeasureSweeps = 11, Batches = 3, Seed = 5102 };
        var sweep = McLandscape.Sweep(model, sStar, xs, o);
        var (up, down) = ReferenceAnneal(model, sStar, xs, o);
        foreach (var (pts, refs, name) in new[] { (sweep.Up, up, "up"), (sweep.Down, down, "down") })
            for (int k = 0; k < xs.Length; k++)
            {
                var (p, r) = (pts[k], refs[k]);
                string at = $"{name} sweep at x={xs[k]}";
                Assert.That(p.X, Is.EqualTo(xs[k]), at);
                NumericAssert.AreEqualAbsolute(r.Q, p.Overlap, 1e-12, $"q, {at}");
                NumericAssert.AreEqualAbsolute(r.QError, p.OverlapError, 1e-12, $"error of q, {at}");
                NumericAssert.AreEqualAbsolute(r.E, p.EnergyDensity, 1e-12, $"e, {at}");
                NumericAssert.AreEqualAbsolute(r.EError, p.EnergyError, 1e-12, $"error of e, {at}");
                Assert.That(p.Distance, Is.EqualTo((1 - p.Overlap) / 2), $"d, {at}");
                Assert.That(p.DistanceError, Is.EqualTo(p.OverlapError / 2), $"error of d, {at}");
                Assert.That(p.LnZPerSpin, Is.NaN, $"no anchors, no ln Z, {at}");
                Assert.That(p.EntropyDensity, Is.NaN, $"no anchors, no entropy, {at}");
                Assert.That(p.Anchor, Is.NaN, $"no anchors, {at}");
            }
        Assert.That(sweep.TotalSweeps, Is.EqualTo(2L * 3 * (3 + 11)));
        Assert.That(up.Concat(down).Select(r => r.Q).Distinct().Count(), Is.GreaterThan(3), "the chain moves (the comparison is not between constants)");
    }

    // ---- segments and anchors ----

    static Raw R(double x, double q, double qError = 0, double e = 0) => new(x, q, qError, e, 0);

    static LandscapePoint Bp(double x, double distance, double lnZ, bool converged) =>
        new(x, 0.5, 1 - 2 * distance, distance, 0, 0, 0, lnZ, converged, 1);

    static LandscapeSweep Anchors(double[] xs, Func<int, LandscapePoint?> up, Func<int, LandscapePoint?> down)
    {
        LandscapePoint Or(LandscapePoint? p, int k) => p ?? Bp(xs[k], 0.5, double.NaN, false);
        return new LandscapeSweep(xs.Select((_, k) => Or(up(k), k)).ToList(), xs.Select((_, k) => Or(down(k), k)).ToList(), [], 0, 0, []);
    }

    /// <summary>Disagreement at one x, |q_a - q_b|/2 &gt; tol + 1.5 sqrt(σ_a^2 + σ_b^2), with tol = 1/8 (cases in the names).</summary>
    [TestCase(0.5, 0.25, 0.0, 0.0, false, TestName = "Disagree: a gap of exactly tol is agreement")]
    [TestCase(0.5, 0.0, 0.0, 0.0, true, TestName = "Disagree: a gap of 1/4 > 1/8")]
    [TestCase(0.0, 0.5, 0.0, 0.0, true, TestName = "Disagree: the gap's sign does not matter")]
    [TestCase(0.5, 0.375, 0.0, 0.0, false, TestName = "Disagree: a gap of 1/16 < 1/8")]
    [TestCase(1.0, -1.0, 0.3, 0.4, true, TestName = "Disagree: gap 1 > 1/8 + 1.5 x 0.5")]
    [TestCase(1.0, -1.0, 2.0, 0.0, false, TestName = "Disagree: gap 1 < 1/8 + 1.5 x 2")]
    [TestCase(0.75, 0.25, 0.0, 0.5, false, TestName = "Disagree: gap 1/4 < 1/8 + 1.5 x 0.5 (the other sweep's error)")]
    public void Disagree_ComparesTheGapWithToleranceAndThreeErrorsOfD(double qa, double qb, double ea, double eb, bool expected)
    {
        var o = new McLandscapeOptions { AnchorTolerance = 0.125 };
        Assert.That(McLandscape.Disagree(R(0, qa, ea), R(0, qb, eb), o), Is.EqualTo(expected));
    }

    /// <summary>A segment ends between k and k + 1 when |q_{k+1} - q_k|/2 &gt; JumpThreshold (1/8 here) and the sweeps disagree at
    /// k or at k + 1 (tolerance 1/16, no errors). Columns: this sweep's q at k and k + 1, the other sweep's at k and k + 1.</summary>
    [TestCase(0.5, 0.25, 0.0, 0.25, false, TestName = "Breaks: a step of exactly the threshold is no jump")]
    [TestCase(0.5, 0.0, 0.5, 0.0, false, TestName = "Breaks: a jump where the sweeps agree at both ends")]
    [TestCase(0.5, 0.0, 0.0, 0.0, true, TestName = "Breaks: a jump, the sweeps disagree at k")]
    [TestCase(0.5, 0.0, 0.5, 0.5, true, TestName = "Breaks: a jump, the sweeps disagree at k + 1")]
    [TestCase(0.5, 0.0, 0.0, 0.5, true, TestName = "Breaks: a jump, the sweeps disagree at both ends")]
    [TestCase(0.5, 0.375, 0.0, 0.75, false, TestName = "Breaks: a step of 1/16 where the sweeps disagree is no jump")]
    [TestCase(0.25, 0.75, 0.25, 0.0, true, TestName = "Breaks: a rising jump")]
    public void Breaks_NeedsAJumpAndADisagreement(double q0, double q1, double other0, double other1, bool expected)
    {
        var o = new McLandscapeOptions { JumpThreshold = 0.125, AnchorTolerance = 0.0625 };
        Raw[] raw = [R(0, 1), R(1, q0), R(2, q1)];
        Raw[] other = [R(0, 1), R(1, other0), R(2, other1)];
        Assert.That(McLandscape.Breaks(raw, other, 1, o), Is.EqualTo(expected), "between grid points 1 and 2");
    }

    /// <summary>
    /// Five grid points x = 0, 1/2, 1, 3/2, 2; this sweep's q = 3/4, 1/2, 1/2, -1/2, -3/4, the other sweep's the same
    /// except 1/2 at x = 3/2, so the steps 1 -> 3/2 and 3/2 -> 2 (|Δd| = 1/2 and 1/8 &gt; 0.1) end segments: [0, 1], [3/2], [2].
    /// Anchors: a converged BP point at x = 1/2 with d = 1/4 (the MC d; ln Z/N = 2), none at x = 3/2 (not converged
    /// there), at x = 2 only the down sweep's, with d = 7/8 + 0.015 (within 0.02). By the trapezoid rule
    /// ln Z/N = 2 - (3/4 + 1/2)/2 x 1/2 = 1.6875 at 0 and 2 + 1/2 x 1/2 = 2.25 at 1; -1 at 2; NaN at 3/2. With beta = 1/2 and
    /// e = -1, -1/2, -1/4, 1/4, 1/2: s = ln Z/N + beta e - x q = 1.1875, 1.5, 1.625, NaN, 0.75.
    /// </summary>
    [Test]
    public void Integrate_SegmentsAndAnchors_WrittenOut()
    {
        double[] xs = [0, 0.5, 1, 1.5, 2];
        double[] q = [0.75, 0.5, 0.5, -0.5, -0.75];
        double[] e = [-1, -0.5, -0.25, 0.25, 0.5];
        var raw = xs.Select((x, k) => R(x, q[k], 0, e[k])).ToArray();
        var other = raw.Select((r, k) => k == 3 ? r with { Q = 0.5 } : r).ToArray();
        var anchors = Anchors(xs,
            k => k switch { 1 => Bp(0.5, 0.25, 2.0, true), 3 => Bp(1.5, 0.75, 5.0, false), _ => null },
            k => k == 4 ? Bp(2, 0.875 + 0.015, -1.0, true) : null);
        var pts = McLandscape.Integrate(xs, raw, other, 0.5, new McLandscapeOptions(), anchors);
        double[] lnZ = [1.6875, 2, 2.25, double.NaN, -1];
        double[] s = [1.1875, 1.5, 1.625, double.NaN, 0.75];
        double[] anchorX = [0.5, 0.5, 0.5, double.NaN, 2];
        for (int k = 0; k < xs.Length; k++)
        {
            Assert.That(pts[k].LnZPerSpin, Is.EqualTo(lnZ[k]).Within(1e-15), $"ln Z/N at x={xs[k]}");
            Assert.That(pts[k].EntropyDensity, Is.EqualTo(s[k]).Within(1e-15), $"s at x={xs[k]}");
            Assert.That(pts[k].Anchor, Is.EqualTo(anchorX[k]), $"anchor at x={xs[k]}");
            Assert.That((pts[k].X, pts[k].Overlap, pts[k].Distance, pts[k].EnergyDensity), Is.EqualTo((xs[k], q[k], (1 - q[k]) / 2, e[k])));
        }
    }

    /// <summary>One segment (the sweeps agree everywhere), q = 1/2 at x = 0, 1, 2, 3 (MC d = 1/4), anchor tolerance 1/8 and
    /// no MC error unless stated; the anchor chosen is the one of smallest |d_BP - d_MC| within the tolerance, the first
    /// (lowest x, up before down) on a tie. The chosen anchor's x is reported at every point.</summary>
    static IEnumerable<TestCaseData> AnchorChoices()
    {
        LandscapePoint P(double x, double d, bool converged = true, double lnZ = 1) => Bp(x, d, lnZ, converged);
        TestCaseData C(string name, double expected, Func<int, LandscapePoint?> up, Func<int, LandscapePoint?> down, double qError = 0, double tol = 0.125) =>
            new TestCaseData(up, down, qError, tol, expected).SetName("Anchor choice: " + name);
        yield return C("the only converged point, at the segment's first x", 0, k => k == 0 ? P(0, 0.25) : null, _ => null);
        yield return C("the only converged point, at the segment's last x", 3, k => k == 3 ? P(3, 0.25) : null, _ => null);
        yield return C("the closer of two", 2, k => k switch { 0 => P(0, 0.3125), 2 => P(2, 0.28125), _ => null }, _ => null);
        yield return C("the first of two equally close", 1, k => k switch { 1 => P(1, 0.3125), 3 => P(3, 0.1875), _ => null }, _ => null);
        yield return C("up before down at one x", 1, k => k == 1 ? P(1, 0.3125, lnZ: 1) : null, k => k == 1 ? P(1, 0.3125, lnZ: 7) : null);
        yield return C("a down point alone", 2, _ => null, k => k == 2 ? P(2, 0.25) : null);
        yield return C("a miss of exactly the tolerance is accepted", 1, k => k == 1 ? P(1, 0.375) : null, _ => null);
        yield return C("a miss beyond the tolerance is refused", double.NaN, k => k == 1 ? P(1, 0.4375) : null, _ => null);
        yield return C("a refused point does not block a later one", 3, k => k switch { 1 => P(1, 0.75), 3 => P(3, 0.3125), _ => null }, _ => null);
        yield return C("a point not converged is skipped", 2, k => k switch { 1 => P(1, 0.25, converged: false), 2 => P(2, 0.3125), _ => null }, _ => null);
        yield return C("a point without a finite ln Z is skipped", 2, k => k switch { 1 => P(1, 0.25, lnZ: double.NaN), 2 => P(2, 0.3125), _ => null }, _ => null);
        yield return C("three halves of the MC error of q widen the tolerance", 1, k => k == 1 ? P(1, 0.625) : null, _ => null, qError: 0.25, tol: 0);
        yield return C("but no further", double.NaN, k => k == 1 ? P(1, 0.75) : null, _ => null, qError: 0.25, tol: 0);
    }

    [TestCaseSource(nameof(AnchorChoices))]
    public void Integrate_ChoosesTheClosestAnchorWithinTolerance(Func<int, LandscapePoint?> up, Func<int, LandscapePoint?> down, double qError, double tol, double expected)
    {
        double[] xs = [0, 1, 2, 3];
        var raw = xs.Select(x => R(x, 0.5, qError)).ToArray();
        var pts = McLandscape.Integrate(xs, raw, raw, 1, new McLandscapeOptions { AnchorTolerance = tol }, Anchors(xs, up, down));
        foreach (var p in pts) Assert.That(p.Anchor, double.IsNaN(expected) ? Is.NaN : Is.EqualTo(expected), $"anchor at x={p.X}");
        if (!double.IsNaN(expected))
        {
            // ln Z/N at the anchor is its BP value (1 unless the up point at x = 1 wins over the down one's 7), then q/2 per unit of x
            int a = (int)expected;
            foreach (var p in pts) Assert.That(p.LnZPerSpin, Is.EqualTo(1 + 0.5 * (p.X - a)).Within(1e-15), $"ln Z/N at x={p.X}");
        }
        else
            Assert.That(pts.Select(p => p.LnZPerSpin), Is.All.NaN);
    }

    // ---- the hysteresis statistics and the loop rule ----

    static McLandscapePoint Pt(double x, double d, double dError) => new(x, 1 - 2 * d, 2 * dError, d, dError, 0, 0, double.NaN, double.NaN, double.NaN);

    /// <summary>x = 0, 1, 3: trapezoid weights 1/2, 3/2, 1. d_up = 1/2, 3/4, 1/4 with errors 0.1, 0.2, 0.3; d_down = 1/4, 1/4, 7/8
    /// with errors 0, 0, 0.4: gaps 1/4, 1/2, -5/8, A = 1/8 + 3/4 - 5/8 = 1/4, σ_A^2 = 1/4 x 0.01 + 9/4 x 0.04 + 1 x 0.25
    /// = 0.3425; the largest gap 1/2 (error 0.2); the largest step 5/8, of the down sweep from x = 1 to 3.</summary>
    [Test]
    public void LoopStatistics_WrittenOut()
    {
        double[] xs = [0, 1, 3];
        McLandscapePoint[] up = [Pt(0, 0.5, 0.1), Pt(1, 0.75, 0.2), Pt(3, 0.25, 0.3)];
        McLandscapePoint[] down = [Pt(0, 0.25, 0), Pt(1, 0.25, 0), Pt(3, 0.875, 0.4)];
        var (area, areaError, maxGap, maxGapError, maxStep) = McLandscape.LoopStatistics(xs, up, down);
        Assert.That(area, Is.EqualTo(0.25).Within(1e-15));
        Assert.That(areaError, Is.EqualTo(Math.Sqrt(0.3425)).Within(1e-15));
        Assert.That(maxGap, Is.EqualTo(0.5));
        Assert.That(maxGapError, Is.EqualTo(0.2).Within(1e-15));
        Assert.That(maxStep, Is.EqualTo(0.625));
    }

    /// <summary>Equal largest gaps (1/4 at both points): the first one's error is reported, sqrt(0.3^2 + 0.4^2) = 0.5, not the
    /// second's, sqrt(0.6^2 + 0.8^2) = 1. The largest step is the up sweep's 1/4 (the down sweep's is 1/8).</summary>
    [Test]
    public void LoopStatistics_TiedGaps_TheFirstOneCounts()
    {
        double[] xs = [0, 0.5];
        McLandscapePoint[] up = [Pt(0, 0.5, 0.3), Pt(0.5, 0.25, 0.6)];
        McLandscapePoint[] down = [Pt(0, 0.25, 0.4), Pt(0.5, 0.0, 0.8)];
        var (area, _, maxGap, maxGapError, maxStep) = McLandscape.LoopStatistics(xs, up, down);
        Assert.That(maxGap, Is.EqualTo(0.25));
        Assert.That(maxGapError, Is.EqualTo(0.5).Within(1e-15));
        Assert.That(area, Is.EqualTo(0.25 * 0.25 + 0.25 * 0.25).Within(1e-15), "weights 1/4 at both ends of one step of 1/2");
        Assert.That(maxStep, Is.EqualTo(0.25));
    }

    /// <summary>A single grid point has no width: A = 0 with error 0, the gap is the one point's, no step.</summary>
    [Test]
    public void LoopStatistics_OnePoint_HasNoArea()
    {
        var (area, areaError, maxGap, maxGapError, maxStep) =
            McLandscape.LoopStatistics([0.5], [Pt(0.5, 0.75, 0.3)], [Pt(0.5, 0.25, 0.4)]);
        Assert.That((area, areaError, maxGap, maxStep), Is.EqualTo((0.0, 0.0, 0.5, 0.0)));
        Assert.That(maxGapError, Is.EqualTo(0.5).Within(1e-15));
    }

    static McLandscapeSweep Loop(double area, double areaError, double maxGap) => new([], [], area, areaError, maxGap, 0, 0, 0, 0);

    /// <summary>HasLoop(5 σ, minimum gap 0.05): A &gt; 5 σ_A strictly and the largest gap at least 0.05 (dyadic values: 5 x 0.25 = 1.25).</summary>
    [TestCase(1.25, 0.25, 0.5, false, TestName = "HasLoop: A at exactly 5 sigma is no loop")]
    [TestCase(1.5, 0.25, 0.5, true, TestName = "HasLoop: A above 5 sigma with a large gap")]
    [TestCase(1.5, 0.25, 0.05, true, TestName = "HasLoop: a gap of exactly the minimum suffices")]
    [TestCase(1.5, 0.25, 0.04, false, TestName = "HasLoop: a significant area with a small gap is no loop")]
    [TestCase(1.0, 0.25, 0.5, false, TestName = "HasLoop: a large gap with an area below 5 sigma is no loop")]
    [TestCase(-1.5, 0.25, 0.5, false, TestName = "HasLoop: a negative area is no loop")]
    public void HasLoop_NeedsASignificantAreaAndAMacroscopicGap(double area, double areaError, double maxGap, bool expected) =>
        Assert.That(Loop(area, areaError, maxGap).HasLoop(5, 0.05), Is.EqualTo(expected));

    [TestCase(1.5, 0.5, 3.0, TestName = "LoopSignificance: A / sigma")]
    [TestCase(-1.5, 0.5, -3.0, TestName = "LoopSignificance: a negative area")]
    [TestCase(0.0, 0.5, 0.0, TestName = "LoopSignificance: no area")]
    [TestCase(0.0, 0.0, 0.0, TestName = "LoopSignificance: no area and no error")]
    [TestCase(1.0, 0.0, double.PositiveInfinity, TestName = "LoopSignificance: an area without error")]
    [TestCase(-1.0, 0.0, double.NegativeInfinity, TestName = "LoopSignificance: a negative area without error")]
    public void LoopSignificance_IsTheAreaInStandardErrors(double area, double areaError, double expected) =>
        Assert.That(Loop(area, areaError, 0).LoopSignificance, Is.EqualTo(expected));

    // ---- arguments ----

    static IEnumerable<TestCaseData> Checks()
    {
        var model = new IsingModel(4, new double[16], new double[4]);
        sbyte[] s = [1, -1, 1, 1];
        double[] xs = [0.0, 0.5];
        var anchors = Anchors([0.0], _ => null, _ => null);
        yield return Null("McLandscape.Sweep: the model must not be null", "model", () => McLandscape.Sweep(null!, s, xs)).ToCase();
        yield return Null("McLandscape.Sweep: the grid must not be null", "xs", () => McLandscape.Sweep(model, s, null!)).ToCase();
        yield return Arg("McLandscape.Sweep: the reference has N spins", "reference", "the reference needs 4 spins, got 2",
            () => McLandscape.Sweep(model, [1, 1], xs)).ToCase();
        yield return Arg("McLandscape.Sweep: reference spins are +-1", "reference", "reference spins must be +1 or -1",
            () => McLandscape.Sweep(model, [1, 1, 1, 0], xs)).ToCase();
        yield return Arg("McLandscape.Sweep: the grid is not empty", "xs", "the x grid is empty", () => McLandscape.Sweep(model, s, [])).ToCase();
        yield return Arg("McLandscape.Sweep: x is not NaN", "xs", "x values must be finite", () => McLandscape.Sweep(model, s, [0.0, double.NaN])).ToCase();
        yield return Arg("McLandscape.Sweep: x is finite", "xs", "x values must be finite",
            () => McLandscape.Sweep(model, s, [double.NegativeInfinity, 0.0])).ToCase();
        yield return Arg("McLandscape.Sweep: x does not repeat", "xs", "strictly increasing", () => McLandscape.Sweep(model, s, [0.0, 0.5, 0.5])).ToCase();
        yield return Arg("McLandscape.Sweep: x increases", "xs", "strictly increasing", () => McLandscape.Sweep(model, s, [0.5, 0.0])).ToCase();
        yield return Range("McLandscape.Sweep: burn-in non-negative", "options", "BurnInSweeps must be >= 0",
            () => McLandscape.Sweep(model, s, xs, new McLandscapeOptions { BurnInSweeps = -1 })).ToCase();
        yield return Range("McLandscape.Sweep: at least two batches", "options", "MeasureSweeps must be at least Batches >= 2",
            () => McLandscape.Sweep(model, s, xs, new McLandscapeOptions { Batches = 1 })).ToCase();
        yield return Range("McLandscape.Sweep: at least one sweep per batch", "options", "MeasureSweeps must be at least Batches >= 2",
            () => McLandscape.Sweep(model, s, xs, new McLandscapeOptions { Batches = 20, MeasureSweeps = 19 })).ToCase();
        yield return Arg("McLandscape.Sweep: anchors on the same grid", "anchors", "the anchor sweep must use the same grid",
            () => McLandscape.Sweep(model, s, xs, null, anchors)).ToCase();
        var full = Anchors(xs, _ => null, _ => null);
        var shortDown = full with { Down = [full.Down[0]] };
        yield return Arg("McLandscape.Sweep: anchors on the same grid (down sweep)", "anchors", "the anchor sweep must use the same grid",
            () => McLandscape.Sweep(model, s, xs, null, shortDown)).ToCase();
    }

    [TestCaseSource(nameof(Checks))]
    public void BadArguments_AreRefused(ArgumentCheck check) => check.Verify();

    /// <summary>The boundary values that must pass: no burn-in, two batches of one sweep each, a one-point grid with anchors on it.</summary>
    [Test]
    public void SmallestValidSettings_Run()
    {
        var model = new IsingModel(4, new double[16], new double[4]);
        var sweep = McLandscape.Sweep(model, [1, -1, 1, 1], [0.25], new McLandscapeOptions { BurnInSweeps = 0, MeasureSweeps = 2, Batches = 2 },
            Anchors([0.25], _ => null, _ => null));
        Assert.That(sweep.Up, Has.Count.EqualTo(1));
        Assert.That(sweep.TotalSweeps, Is.EqualTo(2L * 2));
    }
}
