using NeuralSpin.Ising;
using NeuralSpin.Tests.Support;
using NUnit.Framework;
using static NeuralSpin.Tests.Support.ArgumentCheck;

namespace NeuralSpin.Tests.Ising;

/// <summary>
/// <see cref="EntropyLandscape"/>'s contract on small models where every number is known in closed form:
/// the argument checks; the BP budget of a plain sweep on an isolated pair, whose messages relax geometrically
/// (sweep counts worked out by hand); the iso-energy search on independent spins, whose energy per spin is
/// e(beta, x) = -(1/N) sum_i h_i tanh(beta h_i + x s*_i), against the documented bracketing and bisection written out here,
/// and at exact (dyadic) boundaries of its stop rules; the sweep diagnostics against their definitions.
/// </summary>
public class EntropyLandscapeContractTests
{
    static IsingModel Independent(double[] h, double beta) => new(h.Length, new double[h.Length * h.Length], h, beta);

    /// <summary>Two spins joined by J = 1, no fields, beta = 1, reference (+1, +1): BP has the two messages h_{0->1} and
    /// h_{1->0}, each of whose update is the tilt alone, h_new = b = x (a spin with one neighbour passes on only its own field).
    /// With damping 1/2 a sweep sets h &lt;- (h + x)/2 and measures |x - h|, so from a residual r0 = h - x sweep t measures
    /// |r0| 2^-(t-1); with tolerance 1e-9 (between 2^-30 = 0.93e-9 and 2^-29) a residual of 1 needs 31 sweeps. A cold start
    /// (h = b) or an unchanged x converges in one sweep.</summary>
    static IsingModel Pair() => new(2, [0, 1, 1, 0], [0, 0], 1.0);

    static readonly sbyte[] PairReference = [1, 1];

    static BpOptions PairBp(int maxIterations) => new() { Tolerance = 1e-9, MaxIterations = maxIterations, Damping = 0.5 };

    // ---- arguments ----

    static IEnumerable<TestCaseData> Checks()
    {
        var model = Independent([1, 1, 1, 1], 1);
        sbyte[] s = [1, -1, 1, 1];
        double[] xs = [0.0, 0.5];
        yield return Null("EntropyLandscape.Sweep: the model must not be null", "model", () => EntropyLandscape.Sweep(null!, s, xs)).ToCase();
        yield return Null("EntropyLandscape.Sweep: the grid must not be null", "xs", () => EntropyLandscape.Sweep(model, s, null!)).ToCase();
        yield return Arg("EntropyLandscape.Sweep: the reference has N spins (fewer)", "reference", "the reference needs 4 spins, got 3",
            () => EntropyLandscape.Sweep(model, [1, 1, 1], xs)).ToCase();
        yield return Arg("EntropyLandscape.Sweep: the reference has N spins (more)", "reference", "the reference needs 4 spins, got 5",
            () => EntropyLandscape.Sweep(model, [1, 1, 1, 1, 1], xs)).ToCase();
        yield return Arg("EntropyLandscape.Sweep: reference spins are +-1", "reference", "reference spins must be +1 or -1",
            () => EntropyLandscape.Sweep(model, [1, 1, 2, 1], xs)).ToCase();
        yield return Arg("EntropyLandscape.Sweep: the grid is not empty", "xs", "the x grid is empty", () => EntropyLandscape.Sweep(model, s, [])).ToCase();
        yield return Arg("EntropyLandscape.Sweep: x is not NaN", "xs", "x values must be finite", () => EntropyLandscape.Sweep(model, s, [0.0, double.NaN])).ToCase();
        yield return Arg("EntropyLandscape.Sweep: x is finite", "xs", "x values must be finite",
            () => EntropyLandscape.Sweep(model, s, [double.NegativeInfinity, 0.0])).ToCase();
        yield return Arg("EntropyLandscape.Sweep: x does not repeat", "xs", "strictly increasing", () => EntropyLandscape.Sweep(model, s, [0.0, 0.5, 0.5])).ToCase();
        yield return Arg("EntropyLandscape.Sweep: x increases", "xs", "strictly increasing", () => EntropyLandscape.Sweep(model, s, [0.5, 0.0])).ToCase();
        yield return Range("EntropyLandscape.Sweep: JumpThreshold > 0", "options", "JumpThreshold must be > 0",
            () => EntropyLandscape.Sweep(model, s, xs, new EntropyLandscapeOptions { JumpThreshold = 0 })).ToCase();
        yield return Range("EntropyLandscape.Sweep: JumpThreshold is not NaN", "options", "JumpThreshold must be > 0",
            () => EntropyLandscape.Sweep(model, s, xs, new EntropyLandscapeOptions { JumpThreshold = double.NaN })).ToCase();
        yield return Range("EntropyLandscape.Sweep: HysteresisTolerance > 0", "options", "HysteresisTolerance must be > 0",
            () => EntropyLandscape.Sweep(model, s, xs, new EntropyLandscapeOptions { HysteresisTolerance = 0 })).ToCase();
        yield return Range("EntropyLandscape.Sweep: MaxTotalIterations >= 1", "options", "MaxTotalIterations must be >= 1",
            () => EntropyLandscape.Sweep(model, s, xs, new EntropyLandscapeOptions { MaxTotalIterations = 0 })).ToCase();
        yield return Arg("EntropyLandscape.IsoEnergy: the reference has N spins", "reference", "the reference needs 4 spins, got 3",
            () => EntropyLandscape.IsoEnergy(model, [1, 1, 1], xs)).ToCase();
        yield return Arg("EntropyLandscape.IsoEnergy: x is finite", "xs", "x values must be finite",
            () => EntropyLandscape.IsoEnergy(model, s, [0.0, double.PositiveInfinity])).ToCase();
        yield return Range("EntropyLandscape.IsoEnergy: HysteresisTolerance > 0", "options", "HysteresisTolerance must be > 0",
            () => EntropyLandscape.IsoEnergy(model, s, xs, new EntropyLandscapeOptions { HysteresisTolerance = -1 })).ToCase();
        foreach (var (name, maxBeta) in new[] { ("zero", 0.0), ("negative", -1.0), ("NaN", double.NaN), ("infinite", double.PositiveInfinity) })
            yield return Range($"EntropyLandscape.IsoEnergy: MaxBeta positive and finite ({name})", "options", "MaxBeta must be positive and finite",
                () => EntropyLandscape.IsoEnergy(model, s, xs, new EntropyLandscapeOptions { MaxBeta = maxBeta })).ToCase();
        yield return Range("EntropyLandscape.IsoEnergy: EnergyTolerance > 0", "options", "EnergyTolerance must be > 0",
            () => EntropyLandscape.IsoEnergy(model, s, xs, new EntropyLandscapeOptions { EnergyTolerance = 0 })).ToCase();
        yield return Range("EntropyLandscape.IsoEnergy: EnergyTolerance is not NaN", "options", "EnergyTolerance must be > 0",
            () => EntropyLandscape.IsoEnergy(model, s, xs, new EntropyLandscapeOptions { EnergyTolerance = double.NaN })).ToCase();
    }

    [TestCaseSource(nameof(Checks))]
    public void BadArguments_AreRefused(ArgumentCheck check) => check.Verify();

    /// <summary>The smallest valid settings run: a one-point grid, the smallest positive thresholds, tolerance and MaxBeta
    /// (a free spin at x = 0 has e(0) = 0 = the energy of the reference with h = 0, so the search ends at beta = 0).</summary>
    [Test]
    public void SmallestValidSettings_Run()
    {
        var model = Independent([0, 0], 1);
        var tiny = new EntropyLandscapeOptions
        {
            JumpThreshold = double.Epsilon, HysteresisTolerance = double.Epsilon, EnergyTolerance = double.Epsilon, MaxBeta = double.Epsilon,
        };
        var iso = EntropyLandscape.IsoEnergy(model, [1, -1], [0.0], tiny);
        Assert.That(iso.Up.Single().Beta, Is.EqualTo(0.0));
        Assert.That(iso.AllConverged, Is.True);
        var sweep = EntropyLandscape.Sweep(model, [1, -1], [0.0], tiny with { MaxTotalIterations = 1 });
        Assert.That(sweep.Up.Single().Distance, Is.EqualTo(0.5));
    }

    // ---- the sweep's diagnostics ----

    static LandscapePoint P(double x, bool converged) => new(x, 1, 0, 0.5, 0, 0, 0, 0, converged, 1);

    /// <summary>AllConverged needs every point of both sweeps: one failure in either sweep, alone, makes it false.</summary>
    [TestCase(true, true, true, true, true, TestName = "AllConverged: every point")]
    [TestCase(true, true, true, false, false, TestName = "AllConverged: one down point failed")]
    [TestCase(true, false, true, true, false, TestName = "AllConverged: one up point failed")]
    [TestCase(false, false, true, true, false, TestName = "AllConverged: the whole up sweep failed")]
    [TestCase(true, true, false, false, false, TestName = "AllConverged: the whole down sweep failed")]
    public void AllConverged_NeedsEveryPointOfBothSweeps(bool up0, bool up1, bool down0, bool down1, bool expected)
    {
        var sweep = new LandscapeSweep([P(0, up0), P(1, up1)], [P(0, down0), P(1, down1)], [], 0, 0, []);
        Assert.That(sweep.AllConverged, Is.EqualTo(expected));
    }

    // ---- the BP budget of a plain sweep ----

    /// <summary>MaxTotalIterations = 1 is valid; a one-point grid spends one sweep up (cold start, h = b) and then the down
    /// point starts with spent = 1 = the cap: the budget counts as exhausted exactly when it is reached (that point, at the
    /// same x, still converges in one sweep). With a cap of 2 it is not reached.</summary>
    [TestCase(1L, true, TestName = "Sweep budget: spending exactly the cap exhausts it")]
    [TestCase(2L, false, TestName = "Sweep budget: one sweep short of the cap does not")]
    public void Budget_IsExhaustedWhenSpentReachesTheCap(long cap, bool exhausted)
    {
        var sweep = EntropyLandscape.Sweep(Pair(), PairReference, [0.0], new EntropyLandscapeOptions { Bp = PairBp(50), MaxTotalIterations = cap });
        Assert.That(sweep.BudgetExhausted, Is.EqualTo(exhausted));
        Assert.That(sweep.TotalIterations, Is.EqualTo(2));
        Assert.That(sweep.AllConverged, Is.True);
    }

    /// <summary>
    /// After a point that did not converge the next one runs on StuckBp, and the last converged messages stay the warm start
    /// (Pair: residual of a move by Δx is Δx; Bp budget 20, StuckBp budget 3, neither reaches the 31 sweeps a residual of 1 needs):
    /// up x = 0 cold, 1 sweep; x = 1 from the x = 0 messages, 20 sweeps, fails; x = 2 on StuckBp from the x = 0 messages, 3;
    /// down x = 2 and x = 1 on StuckBp, 3 each, failing; x = 0 from the x = 0 messages again: residual 0, one sweep, converged.
    /// The sweeps differ at x = 1 (20 against 3 sweeps from the same start), so the hysteresis and jump statistics are checked
    /// against their definitions on these points, and a tolerance equal to the largest gap is not exceeded by it.
    /// </summary>
    [Test]
    public void AfterAFailedPoint_StuckBpRuns_FromTheLastConvergedMessages()
    {
        var options = new EntropyLandscapeOptions { Bp = PairBp(20), StuckBp = PairBp(3) };
        double[] xs = [0.0, 1.0, 2.0];
        var sweep = EntropyLandscape.Sweep(Pair(), PairReference, xs, options);
        Assert.That(sweep.Up.Select(p => p.Iterations), Is.EqualTo(new[] { 1, 20, 3 }), "up");
        Assert.That(sweep.Down.Select(p => p.Iterations), Is.EqualTo(new[] { 1, 3, 3 }), "down (in increasing x)");
        Assert.That(sweep.Up.Select(p => p.Converged), Is.EqualTo(new[] { true, false, false }));
        Assert.That(sweep.Down.Select(p => p.Converged), Is.EqualTo(new[] { true, false, false }));
        Assert.That(sweep.TotalIterations, Is.EqualTo(31));
        Assert.That(sweep.BudgetExhausted, Is.False);

        // diagnostics by definition: max over both sweeps of the neighbour steps, max over x of the gap between sweeps
        double[] up = sweep.Up.Select(p => p.Distance).ToArray(), down = sweep.Down.Select(p => p.Distance).ToArray();
        double upMax = Enumerable.Range(0, 2).Max(k => Math.Abs(up[k + 1] - up[k]));
        double downMax = Enumerable.Range(0, 2).Max(k => Math.Abs(down[k + 1] - down[k]));
        double gap = Enumerable.Range(0, 3).Max(k => Math.Abs(up[k] - down[k]));
        TestContext.Out.WriteLine($"up steps max {upMax:R}, down steps max {downMax:R}, gap {gap:R}");
        Assert.That(gap, Is.GreaterThan(0), "the sweeps differ at x = 1");
        Assert.That(sweep.MaxHysteresis, Is.EqualTo(gap));
        Assert.That(sweep.MaxJump, Is.EqualTo(Math.Max(upMax, downMax)));
        Assert.That(sweep.HysteresisAt, Is.EqualTo(new[] { 1.0 }));
        var atGap = EntropyLandscape.Sweep(Pair(), PairReference, xs, options with { HysteresisTolerance = gap });
        Assert.That(atGap.MaxHysteresis, Is.EqualTo(gap));
        Assert.That(atGap.HasHysteresis, Is.False, "a gap of exactly the tolerance is no hysteresis");
    }

    /// <summary>Without StuckBp a point after a failure gets Bp with at most 10 sweeps: on the grid above with Bp budget 20,
    /// up x = 2 and down x = 2, 1 run 10 sweeps each (all short of the 31 needed).</summary>
    [Test]
    public void WithoutStuckBp_AFailedPointIsFollowedByTenSweepsOfBp()
    {
        var sweep = EntropyLandscape.Sweep(Pair(), PairReference, [0.0, 1.0, 2.0], new EntropyLandscapeOptions { Bp = PairBp(20) });
        Assert.That(sweep.Up.Select(p => p.Iterations), Is.EqualTo(new[] { 1, 20, 10 }));
        Assert.That(sweep.Down.Select(p => p.Iterations), Is.EqualTo(new[] { 1, 10, 10 }));
    }

    /// <summary>Once the budget is spent every point gets at most 10 sweeps even when StuckBp allows 50: cap 1, grid {0, 1};
    /// up x = 0 spends 1 (cap reached), up x = 1 and down x = 1 run 10 sweeps each from the x = 0 messages (31 would converge),
    /// down x = 0 one sweep.</summary>
    [Test]
    public void ExhaustedBudget_CapsEveryPointAtTenSweeps()
    {
        var options = new EntropyLandscapeOptions { Bp = PairBp(50), StuckBp = PairBp(50), MaxTotalIterations = 1 };
        var sweep = EntropyLandscape.Sweep(Pair(), PairReference, [0.0, 1.0], options);
        Assert.That(sweep.Up.Select(p => p.Iterations), Is.EqualTo(new[] { 1, 10 }));
        Assert.That(sweep.Down.Select(p => p.Iterations), Is.EqualTo(new[] { 1, 10 }));
        Assert.That(sweep.BudgetExhausted, Is.True);
        Assert.That(sweep.TotalIterations, Is.EqualTo(22));
        // the same budget unbounded: x = 1 converges in 31 sweeps, down x = 1 in one, down x = 0 (residual 1) in 31
        var free = EntropyLandscape.Sweep(Pair(), PairReference, [0.0, 1.0], options with { MaxTotalIterations = null });
        Assert.That(free.Up.Select(p => p.Iterations), Is.EqualTo(new[] { 1, 31 }));
        Assert.That(free.Down.Select(p => p.Iterations), Is.EqualTo(new[] { 31, 1 }));
    }

    // ---- iso-energy ----

    /// <summary>
    /// The documented search written out for independent spins: target e* = -(1/N) sum h_i s*_i; e(beta) in closed form (summed
    /// in the order of the spins, as BP sums its energy, so the comparisons with e* fall the same way); beta = 0 if
    /// |e(0) - e*| &lt;= tol; failure if e(0) &lt; e*; else hi = min(previous beta, MaxBeta), doubled (capped at MaxBeta) while
    /// e(hi) &gt; e*, failure once hi = MaxBeta; then at most 200 bisections while the best |e - e*| &gt; tol and
    /// hi - lo &gt; 1e-14 hi, the best being the strictly closest energy seen (the bracket's upper end first).
    /// </summary>
    static (double Beta, double Energy, bool Ok) SearchWrittenOut(double[] h, sbyte[] s, double x, double start, double maxBeta, double tol)
    {
        int n = h.Length;
        double target = 0;
        for (int i = 0; i < n; i++) target -= h[i] * s[i];
        target /= n;
        double E(double beta)
        {
            double e = 0;
            for (int i = 0; i < n; i++) e -= h[i] * Math.Tanh(beta * h[i] + x * s[i]);
            return e / n;
        }
        double lo = 0, hi = Math.Min(start, maxBeta), eLo = E(0);
        if (Math.Abs(eLo - target) <= tol) return (0, eLo, true);
        if (eLo < target) return (double.NaN, eLo, false);
        double eHi = E(hi);
        while (eHi > target)
        {
            if (hi == maxBeta) return (double.NaN, eHi, false);
            lo = hi;
            hi = Math.Min(2 * hi, maxBeta);
            eHi = E(hi);
        }
        double best = hi, eBest = eHi;
        for (int k = 0; k < 200 && Math.Abs(eBest - target) > tol && hi - lo > 1e-14 * hi; k++)
        {
            double mid = 0.5 * (lo + hi), eMid = E(mid);
            if (eMid > target) lo = mid; else hi = mid;
            if (Math.Abs(eMid - target) < Math.Abs(eBest - target)) (best, eBest) = (mid, eMid);
        }
        return (best, eBest, Math.Abs(eBest - target) <= tol);
    }

    static readonly double[] FourFields = [1, 0.5, -0.75, 0.125];

    /// <summary>Reference (+1, +1, -1, -1) against the fields (1, 1/2, -3/4, 1/8): e* = -(1 + 1/2 + 3/4 - 1/8)/4 = -17/32, between
    /// e(0) and the ground state -19/32; at x = 1/2 the root is beta* ≈ 1.949, at x = 5/8 beta* ≈ 1.895.</summary>
    static readonly sbyte[] FourReference = [1, 1, -1, -1];

    /// <summary>
    /// The iso-energy point on independent spins equals the written-out search to the last bit (the same comparisons on the
    /// same float64 energies): the up point starts its bracket at the model's beta (0 counts as 1, a beta above MaxBeta as
    /// MaxBeta), the down point at the up point's solution; the energy is the closed form at the solved beta; a search that
    /// ends on the bracket's resolution instead of the tolerance (tolerance 5e-324; at x = 5/8 no bisection point meets e*
    /// exactly, and the down point, started from the up point's beta, ends elsewhere) reports Converged = false.
    /// Cases: from 0.7 the bracket doubles to [1.4, 2.8] (tolerance 1e-6); from 0 it starts at 1; from 3 with MaxBeta 2.5 at 2.5; from 2.5 the first bracket [0, 2.5] holds the root.
    /// </summary>
    [TestCase(0.7, 50.0, 1e-6, 0.5, TestName = "IsoEnergy search: the bracket doubles from the model's beta")]
    [TestCase(0.0, 50.0, 1e-6, 0.5, TestName = "IsoEnergy search: beta = 0 starts the bracket at 1")]
    [TestCase(3.0, 2.5, double.Epsilon, 0.625, TestName = "IsoEnergy search: MaxBeta caps the first bracket; the resolution stop")]
    [TestCase(2.5, 50.0, 1e-12, 0.5, TestName = "IsoEnergy search: the first bracket holds the root; a tight tolerance")]
    public void IsoEnergy_OnIndependentSpins_IsTheSearchWrittenOut(double modelBeta, double maxBeta, double tol, double x)
    {
        var model = Independent(FourFields, modelBeta);
        var iso = EntropyLandscape.IsoEnergy(model, FourReference, [x], new EntropyLandscapeOptions { MaxBeta = maxBeta, EnergyTolerance = tol });
        var up = SearchWrittenOut(FourFields, FourReference, x, modelBeta > 0 ? modelBeta : 1.0, maxBeta, tol);
        var down = SearchWrittenOut(FourFields, FourReference, x, up.Beta, maxBeta, tol);
        TestContext.Out.WriteLine($"up beta {iso.Up[0].Beta:R} (written out {up.Beta:R}), down beta {iso.Down[0].Beta:R} (written out {down.Beta:R})");
        foreach (var (p, w, name) in new[] { (iso.Up[0], up, "up"), (iso.Down[0], down, "down") })
        {
            Assert.That(p.Beta, Is.EqualTo(w.Beta), $"beta, {name}");
            Assert.That(p.EnergyDensity, Is.EqualTo(w.Energy), $"e, {name}");
            Assert.That(p.Converged, Is.EqualTo(w.Ok), $"converged, {name}");
            Assert.That(p.Iterations, Is.EqualTo(0), "independent spins: BP has no messages to iterate");
        }
        Assert.That(up.Beta, Is.InRange(1.85, 2.0), "the root is beta* ≈ 1.949 (x = 1/2), 1.895 (x = 5/8)");
        Assert.That(up.Ok, Is.EqualTo(tol > double.Epsilon), "only the tolerance stop converges");
    }

    /// <summary>
    /// Exact boundaries of the stop rules with dyadic energies: 8 free spins with h = 1, reference 7 up and 1 down, so
    /// e* = -6/8 = -3/4; at x = 0, e(0) = 0 and e(24) = -tanh 24 = -1 exactly in float64 (1 - tanh 24 ≈ 2e-21).
    /// Tolerance 3/4: |e(0) - e*| = 3/4 is within it, beta = 0. Tolerance 1/4: the bracket's upper end 24 (the model's beta)
    /// has |e - e*| = 1/4, within it, no bisection: beta = 24, converged.
    /// </summary>
    [TestCase(0.75, 0.0, 0.0, TestName = "IsoEnergy stop: |e(0) - e*| equal to the tolerance ends at beta = 0")]
    [TestCase(0.25, 24.0, -1.0, TestName = "IsoEnergy stop: |e(hi) - e*| equal to the tolerance ends at hi")]
    public void IsoEnergy_AnEnergyExactlyAtTheTolerance_IsAccepted(double tol, double beta, double energy)
    {
        var model = Independent([1, 1, 1, 1, 1, 1, 1, 1], 24);
        var iso = EntropyLandscape.IsoEnergy(model, [1, 1, 1, 1, 1, 1, 1, -1], [0.0], new EntropyLandscapeOptions { EnergyTolerance = tol });
        foreach (var p in new[] { iso.Up[0], iso.Down[0] })
        {
            Assert.That(p.Beta, Is.EqualTo(beta));
            Assert.That(p.EnergyDensity, Is.EqualTo(energy));
            Assert.That(p.Converged, Is.True);
        }
    }

    /// <summary>A target met exactly: one spin h = 1 with reference +1 has e* = -1 = e(24) (tanh 24 = 1 in float64), e(0) = 0:
    /// the first bracket [0, 24] ends the search at 24 with no expansion.</summary>
    [Test]
    public void IsoEnergy_TargetMetExactlyAtTheBracketEnd_StopsThere()
    {
        var iso = EntropyLandscape.IsoEnergy(Independent([1], 24), [1], [0.0]);
        Assert.That(iso.Up[0].Beta, Is.EqualTo(24.0));
        Assert.That(iso.Up[0].EnergyDensity, Is.EqualTo(-1.0));
        Assert.That(iso.AllConverged, Is.True);
    }

    /// <summary>With x = 30 a reference (7 up, 1 down, h = 1) pins every spin at beta = 0 already (tanh 30 = 1 in float64):
    /// e(0) = -3/4 = e*, so the point is beta = 0 exactly (a search from the model's beta 1 would find e(1) = e* too).</summary>
    [Test]
    public void IsoEnergy_TargetMetAtInfiniteTemperature_IsBetaZero()
    {
        var iso = EntropyLandscape.IsoEnergy(Independent([1, 1, 1, 1, 1, 1, 1, 1], 1), [1, 1, 1, 1, 1, 1, 1, -1], [30.0]);
        Assert.That(iso.Up[0].Beta, Is.EqualTo(0.0));
        Assert.That(iso.Up[0].EnergyDensity, Is.EqualTo(-0.75));
        Assert.That(iso.AllConverged, Is.True);
    }

    /// <summary>A target below e(MaxBeta): one spin, h = 1, reference +1, e* = -1, MaxBeta 3: the bracket grows 1, 2, 3 and
    /// fails at MaxBeta, reporting beta = NaN, the energy there, -tanh 3, and no entropy or ln Z.</summary>
    [Test]
    public void IsoEnergy_TargetBeyondMaxBeta_FailsAtMaxBeta()
    {
        var iso = EntropyLandscape.IsoEnergy(Independent([1], 1), [1], [0.0], new EntropyLandscapeOptions { MaxBeta = 3 });
        foreach (var p in new[] { iso.Up[0], iso.Down[0] })
        {
            Assert.That(p.Beta, Is.NaN);
            Assert.That(p.Converged, Is.False);
            Assert.That(p.EnergyDensity, Is.EqualTo(-Math.Tanh(3)).Within(1e-15));
            Assert.That(p.EntropyDensity, Is.NaN);
            Assert.That(p.LnZPerSpin, Is.NaN);
        }
    }

    /// <summary>
    /// The BP sweeps of an iso-energy point add up, and a BP failure anywhere marks the point: Pair with a one-sweep budget,
    /// no damping and tolerance 10 in energy (every point ends at beta = 0 after one BP call). Up x = 0 cold: 1 sweep, converged;
    /// up x = 1 from the x = 0 messages: residual 1 after 1 sweep, not converged; down x = 1 from those messages (already x):
    /// converged; down x = 0 from x = 1: not converged.
    /// </summary>
    [Test]
    public void IsoEnergy_CountsBpSweeps_AndReportsBpFailure()
    {
        var options = new EntropyLandscapeOptions { Bp = new BpOptions { Tolerance = 1e-9, MaxIterations = 1 }, EnergyTolerance = 10 };
        var iso = EntropyLandscape.IsoEnergy(Pair(), PairReference, [0.0, 1.0], options);
        Assert.That(iso.Up.Concat(iso.Down).Select(p => p.Iterations), Is.All.EqualTo(1));
        Assert.That(iso.Up.Concat(iso.Down).Select(p => p.Beta), Is.All.EqualTo(0.0));
        Assert.That(iso.Up.Select(p => p.Converged), Is.EqualTo(new[] { true, false }));
        Assert.That(iso.Down.Select(p => p.Converged), Is.EqualTo(new[] { false, true }));
    }
}
