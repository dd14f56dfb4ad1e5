using NeuralSpin.Ising;
using NeuralSpin.Tests.Support;
using NUnit.Framework;
using static NeuralSpin.Tests.Support.ArgumentCheck;

namespace NeuralSpin.Tests.Ising;

/// <summary>
/// The landscape verdict rule (docs/theory.md section 7, "The landscape verdict rule") clause by clause on constructed
/// evidence (<see cref="LandscapeVerdictTests"/> runs it on models): the BP hysteresis and its degenerate split at x = 0,
/// every branch of <see cref="LandscapeVerdict.Decide"/> with its boundary values (a gap of exactly the tolerance, a step
/// of exactly the threshold, exactly 80 % converged, a finest step of exactly half the coarse jump) and the numbers its
/// reason quotes; which coarse jumps are refined; and <see cref="LandscapeVerdict.Refine"/> on a single free spin, whose
/// landscape is the closed form d(x) = (1 - tanh(beta h + x)) / 2 (s* = +1), against the refinement written out here.
/// Constructed distances are dyadic, or 0.1 and 0.001 against 0 so that a step equals the constant exactly.
/// </summary>
public class LandscapeVerdictRuleTests
{
    const double Tol = LandscapeVerdict.HysteresisTolerance;

    static LandscapePoint P(double x, double d, bool converged = true) => new(x, 1, 1 - 2 * d, d, 0, 0, 0, 0, converged, 1);

    static LandscapeSweep S(double[] xs, double[] up, double[]? down = null, bool[]? upOk = null, bool[]? downOk = null) =>
        new(xs.Select((x, k) => P(x, up[k], upOk?[k] ?? true)).ToList(), xs.Select((x, k) => P(x, (down ?? up)[k], downOk?[k] ?? true)).ToList(), [], 0, 0, []);

    static McLandscapeSweep Mc(double area, double areaError, double maxGap, double maxStep) => new([], [], area, areaError, maxGap, 0, maxStep, 0, 0);

    static LandscapeRefinement Ref(double from, double to, double coarse, double finest, double converged = 1, double hysteresis = 0, int levels = 3) =>
        new(from, to, coarse, finest, levels, converged, hysteresis);

    static LandscapeVerdictResult Decide(LandscapeSweep sweep, LandscapeRefinement[]? refinements = null, McLandscapeSweep? mc = null) =>
        LandscapeVerdict.Decide(new LandscapeEvidence(sweep, refinements ?? [], mc));

    /// <summary>One free spin with h = 1/4 at beta = 1: BP is exact and d(x) = (1 - tanh(1/4 + x)) / 2 around s* = (+1).</summary>
    static readonly IsingModel FreeSpin = new(1, [0], [0.25], beta: 1);

    static readonly sbyte[] Up1 = [1];

    static double FreeD(double x) => (1 - Math.Tanh(0.25 + x)) / 2;

    const int CwSize = 100;

    /// <summary>A Curie-Weiss ferromagnet J_ij = K/N, N = 100, K = 3/2, h = 0 (BP on it is mean field with K (N - 1)/N up to
    /// O(1/N)): around the all-up state a loop between the spinodals ±0.21, m ≈ ±0.86 at x = 0 (mean field).</summary>
    static readonly IsingModel CurieWeiss = CurieWeissModel();

    static IsingModel CurieWeissModel()
    {
        var j = new double[CwSize * CwSize];
        for (int a = 0; a < CwSize; a++) for (int b = 0; b < CwSize; b++) if (a != b) j[a * CwSize + b] = 1.5 / CwSize;
        return new IsingModel(CwSize, j, new double[CwSize]);
    }

    static readonly sbyte[] AllUp = Enumerable.Repeat((sbyte)1, CwSize).ToArray();

    static readonly EntropyLandscapeOptions CwOptions = new() { Bp = new BpOptions { Tolerance = 1e-11, MaxIterations = 5000, Damping = 0.3 } };

    static IEnumerable<TestCaseData> Checks()
    {
        var sweep = S([0, 0.25], [0.5, 0.5]);
        yield return Null("Decide: evidence not null", "evidence", () => LandscapeVerdict.Decide(null!)).ToCase();
        yield return Null("Hysteresis: sweep not null", "sweep", () => LandscapeVerdict.Hysteresis(null!)).ToCase();
        yield return Null("RefineJumps: sweep not null", "sweep", () => LandscapeVerdict.RefineJumps(FreeSpin, Up1, null!)).ToCase();
        yield return Null("Judge: sweep not null", "sweep", () => LandscapeVerdict.Judge(FreeSpin, Up1, null!)).ToCase();
        yield return Null("Combine: kinds not null", "kinds", () => LandscapeVerdict.Combine(null!)).ToCase();
        yield return Null("Refine: model not null", "model", () => LandscapeVerdict.Refine(null!, Up1, 0, 1, 0.5)).ToCase();
        yield return Null("Refine: model not null, checked before the interval", "model", () => LandscapeVerdict.Refine(null!, Up1, 1, 0, 0.5)).ToCase();
        yield return Arg("Refine: b > a (equal)", "b", "the interval must have b > a", () => LandscapeVerdict.Refine(FreeSpin, Up1, 0.5, 0.5, 0.5)).ToCase();
        yield return Arg("Refine: b > a (reversed)", "b", "the interval must have b > a", () => LandscapeVerdict.Refine(FreeSpin, Up1, 0.5, 0.25, 0.5)).ToCase();
    }

    [TestCaseSource(nameof(Checks))]
    public void BadArguments_AreRefused(ArgumentCheck check) => check.Verify();

    // ---- names and combination ----

    [Test]
    public void Names_AndCombination_FollowTheRule()
    {
        Assert.That(new[] { LandscapeKind.Smooth, LandscapeKind.SteepContinuous, LandscapeKind.FirstOrder, LandscapeKind.Unresolved }.Select(LandscapeVerdict.NameOf),
            Is.EqualTo(new[] { "smooth", "steep-continuous", "first-order", "unresolved" }).AsCollection);
        var first = new LandscapeVerdictResult(LandscapeKind.FirstOrder, "", 0, false, 0, 1, false);
        var unresolved = first with { Kind = LandscapeKind.Unresolved };
        Assert.That((first.Name, first.FirstOrder, first.Unresolved), Is.EqualTo(("first-order", true, false)));
        Assert.That((unresolved.Name, unresolved.FirstOrder, unresolved.Unresolved), Is.EqualTo(("unresolved", false, true)));
        // first-order if any is, else unresolved if any is, else steep-continuous if any is, else smooth; none: unresolved
        Assert.That(LandscapeVerdict.Combine([]), Is.EqualTo(LandscapeKind.Unresolved));
        Assert.That(LandscapeVerdict.Combine([LandscapeKind.Smooth, LandscapeKind.Smooth]), Is.EqualTo(LandscapeKind.Smooth));
        Assert.That(LandscapeVerdict.Combine([LandscapeKind.Smooth, LandscapeKind.SteepContinuous]), Is.EqualTo(LandscapeKind.SteepContinuous));
        Assert.That(LandscapeVerdict.Combine([LandscapeKind.SteepContinuous, LandscapeKind.Unresolved, LandscapeKind.Smooth]), Is.EqualTo(LandscapeKind.Unresolved));
        Assert.That(LandscapeVerdict.Combine([LandscapeKind.Unresolved, LandscapeKind.SteepContinuous, LandscapeKind.FirstOrder]), Is.EqualTo(LandscapeKind.FirstOrder));
    }

    // ---- BP hysteresis ----

    static IEnumerable<TestCaseData> HysteresisCases()
    {
        TestCaseData C(string name, LandscapeSweep s, double max, double[] at, bool degenerate) => new TestCaseData(s, max, at, degenerate).SetName("Hysteresis: " + name);
        double[] d5 = [0.5, 0.5, 0.5], d4 = [0, 0, 0, 0];
        yield return C("no split", S([-0.25, 0, 0.25], d5), 0, [], false);
        yield return C("a split at x = 0 alone, the neighbours at exactly the tolerance: degenerate",
            S([-0.25, 0, 0.25, 0.5], [0.001, 0.25, 0.001, 0], d4), 0.001, [], true);
        yield return C("a split at x = 0 next to an unconverged neighbour: a loop",
            S([-0.25, 0, 0.25], [0.5, 0.75, 0.5], d5, downOk: [true, true, false]), 0.25, [0], false);
        yield return C("a split at x = 1e-9 is at x = 0", S([-0.25, 1e-9, 0.25], [0.5, 0.75, 0.5], d5), 0, [], true);
        yield return C("a split at x = -2e-9 is not at x = 0", S([-0.25, -2e-9, 0.25], [0.5, 0.75, 0.5], d5), 0.25, [-2e-9], false);
        yield return C("a split at x = 0 as the first point has no left neighbour", S([0, 0.25, 0.5], [0.75, 0.5, 0.5], d5), 0.25, [0], false);
        yield return C("a split at x = 0 as the last point has no right neighbour", S([-0.5, -0.25, 0], [0.5, 0.5, 0.75], d5), 0.25, [0], false);
        yield return C("a split away from x = 0 alone is a loop", S([-0.25, 0, 0.25, 0.5], [0.5, 0.5, 0.75, 0.5], [0.5, 0.5, 0.5, 0.5]), 0.25, [0.25], false);
        yield return C("two splits, one at x = 0", S([-0.25, 0, 0.25, 0.5], [0.5, 0.75, 0.625, 0.5], [0.5, 0.5, 0.5, 0.5]), 0.25, [0, 0.25], false);
        yield return C("a difference where one sweep did not converge is no gap", S([-0.25, 0, 0.25], [0.5, 0.5, 1], d5, downOk: [true, true, false]), 0, [], false);
        yield return C("a gap of exactly the tolerance is no split", S([-0.25, 0.25], [0.001, 0], [0, 0]), 0.001, [], false);
        yield return C("the largest gap, every split in order", S([0.25, 0.5, 0.75], [0.625, 0.75, 0.5625], d5), 0.25, [0.25, 0.5, 0.75], false);
    }

    /// <summary>gap_k = |d_up - d_down| where both sweeps converged; a split is a gap above 1e-3; a split at |x| &lt;= 1e-9 alone
    /// whose both neighbours exist and have gaps of at most 1e-3 is degenerate and left out of the largest gap.</summary>
    [TestCaseSource(nameof(HysteresisCases))]
    public void Hysteresis_ByTheRule(LandscapeSweep sweep, double max, double[] at, bool degenerate)
    {
        var (m, loopAt, deg) = LandscapeVerdict.Hysteresis(sweep);
        Assert.That(m, Is.EqualTo(max));
        Assert.That(loopAt, Is.EqualTo(at).AsCollection);
        Assert.That(deg, Is.EqualTo(degenerate));
    }

    // ---- loops ----

    /// <summary>A degenerate split is no loop, and its steps into and out of x = 0 are no jumps (up: 0.001, [0.25], 0.001, 0
    /// leaves steps 0.001 and 0.001); the reason says so. Without the split the reason does not mention it.</summary>
    [Test]
    public void DegenerateSplit_IsSmooth_AndSaidSo()
    {
        var v = Decide(S([-0.25, 0, 0.25, 0.5], [0.001, 0.25, 0.001, 0], [0, 0, 0, 0]));
        Assert.That(v.Kind, Is.EqualTo(LandscapeKind.Smooth), v.Reason);
        Assert.That((v.DegenerateAtZero, v.MaxHysteresis, v.MaxJump, v.ConvergedFraction, v.McLoop), Is.EqualTo((true, 0.001, 0.001, 1.0, false)));
        Assert.That(v.Reason, Does.EndWith("(two BP fixed points without pull from the reference: degenerate, not a loop)"));
        var plain = Decide(S([-0.25, 0, 0.25], [0.5, 0.5, 0.5]));
        Assert.That(plain.Reason, Is.EqualTo("no hysteresis (BP 0), largest step 0 ≤ 0.1"));
    }

    /// <summary>The point x = 0 is |x| &lt;= 1e-9, the boundary included, for the steps as for the hysteresis: a degenerate
    /// split at exactly x = 1e-9 (up 0.5, 0.75, 0.5) leaves no step into or out of it (else two steps of 1/4, a jump).</summary>
    [Test]
    public void DegenerateSplit_AtExactlyTheZeroTolerance_LeavesNoSteps()
    {
        var v = Decide(S([-0.25, LandscapeVerdict.ZeroTolerance, 0.25], [0.5, 0.75, 0.5], [0.5, 0.5, 0.5]));
        Assert.That((v.Kind, v.DegenerateAtZero, v.MaxHysteresis, v.MaxJump), Is.EqualTo((LandscapeKind.Smooth, true, 0.0, 0.0)), v.Reason);
    }

    /// <summary>A BP loop is first-order; the reason quotes the largest gap and at most six of the x where the sweeps split.</summary>
    [Test]
    public void BpLoop_IsFirstOrder_AndListsAtMostSixPoints()
    {
        double[] Seven(double v) => Enumerable.Repeat(v, 7).ToArray();
        double[] xs = [1, 2, 3, 4, 5, 6, 7];
        var seven = Decide(S(xs, Seven(0.75), Seven(0.5)));
        Assert.That((seven.Kind, seven.MaxHysteresis, seven.McLoop), Is.EqualTo((LandscapeKind.FirstOrder, 0.25, false)));
        Assert.That(seven.Reason, Is.EqualTo("BP up and down sweeps differ by up to 0.25 at x = 1, 2, 3, 4, 5, 6, ..."));
        var six = Decide(S(xs, Seven(0.75), [0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.75]));
        Assert.That(six.Reason, Is.EqualTo("BP up and down sweeps differ by up to 0.25 at x = 1, 2, 3, 4, 5, 6"));
    }

    /// <summary>A refined grid is a loop when its hysteresis exceeds 1e-3 and at least 80 % of it converged (the first such
    /// refinement is quoted); exactly 1e-3, or 75 % converged, is none (the smooth coarse sweep then decides).</summary>
    [Test]
    public void RefinedLoop_NeedsHysteresisAboveTheToleranceOnAConvergedGrid()
    {
        var smooth = S([0, 0.25, 0.5], [0.5, 0.5, 0.5]);
        Assert.That(Decide(smooth, [Ref(0, 0.25, 0, 0, hysteresis: Tol)]).Kind, Is.EqualTo(LandscapeKind.Smooth));
        Assert.That(Decide(smooth, [Ref(0, 0.25, 0, 0, converged: 0.75, hysteresis: 0.5)]).Kind, Is.EqualTo(LandscapeKind.Smooth));
        var v = Decide(smooth, [Ref(0, 0.25, 0, 0, converged: 0.75, hysteresis: 0.5), Ref(0.25, 0.5, 0, 0, converged: 0.8, hysteresis: 0.5),
            Ref(0.5, 0.75, 0, 0, hysteresis: 0.25)]);
        Assert.That(v.Kind, Is.EqualTo(LandscapeKind.FirstOrder));
        Assert.That(v.Reason, Is.EqualTo("BP up and down sweeps differ by 0.5 on the refined grid of [0.25, 0.5]"));
    }

    /// <summary>Where MC ran, its loop rule replaces BP's: area 6 &gt; 5 x 1 with a gap of 0.05 is a loop (even with BP split);
    /// area 5 = 5 x 1 is none, and then a BP split does not count either (the reason quotes the MC numbers first).</summary>
    [Test]
    public void McLoop_ReplacesBpsLoopRule()
    {
        var split = S([0, 0.25], [0.75, 0.75], [0.5, 0.5]);
        var loop = Decide(split, mc: Mc(6, 1, 0.05, 0.5));
        Assert.That((loop.Kind, loop.McLoop), Is.EqualTo((LandscapeKind.FirstOrder, true)));
        Assert.That(loop.Reason, Is.EqualTo("MC hysteresis loop: area 6 ± 1 (6 σ), largest gap 0.05"));
        var none = Decide(split, mc: Mc(5, 1, 0.05, 0.0625));
        Assert.That((none.Kind, none.McLoop), Is.EqualTo((LandscapeKind.Smooth, false)));
        Assert.That(none.Reason, Is.EqualTo("no MC loop (area 5 ± 1, largest gap 0.05); no hysteresis (BP 0.25), largest step 0 ≤ 0.1"));
    }

    // ---- converged fraction ----

    /// <summary>
    /// Fewer than 80 % converged points: up 4 of 4, down 1 of 4 is 5/8 = 62.5 %: unresolved without MC; smooth with an MC
    /// curve whose largest step is exactly the threshold 0.1; unresolved with an MC step of 1/8. Exactly 8 of 10 is enough.
    /// No points at all is 0 % and unresolved.
    /// </summary>
    [Test]
    public void FewConvergedPoints_AreUnresolvedUnlessMcDecides()
    {
        double[] xs = [0, 0.25, 0.5, 0.75], d = [0.5, 0.5, 0.5, 0.5];
        bool[] one = [true, false, false, false];
        var bare = Decide(S(xs, d, downOk: one));
        Assert.That((bare.Kind, bare.ConvergedFraction), Is.EqualTo((LandscapeKind.Unresolved, 0.625)));
        Assert.That(bare.Reason, Is.EqualTo("BP converged at only 62.5 % of the points and no MC landscape was run"));
        var mcFlat = Decide(S(xs, d, downOk: one), mc: Mc(0, 1, 0, 0.1));
        Assert.That(mcFlat.Kind, Is.EqualTo(LandscapeKind.Smooth));
        Assert.That(mcFlat.Reason, Is.EqualTo("no MC loop (area 0 ± 1, largest gap 0); BP converged at 62.5 % of the points; the MC curve has no step above 0.1 (largest 0.1)"));
        var mcSteep = Decide(S(xs, d, downOk: one), mc: Mc(0, 1, 0, 0.125));
        Assert.That(mcSteep.Kind, Is.EqualTo(LandscapeKind.Unresolved));
        Assert.That(mcSteep.Reason, Does.EndWith("BP converged at only 62.5 % of the points and the MC curve steps by 0.125"));

        var eight = Decide(S([0, 0.25, 0.5, 0.75, 1], [0.5, 0.5, 0.5, 0.5, 0.5], downOk: [true, true, true, false, false]));
        Assert.That((eight.Kind, eight.ConvergedFraction), Is.EqualTo((LandscapeKind.Smooth, 0.8)));
        var empty = Decide(S([], []));
        Assert.That((empty.Kind, empty.ConvergedFraction), Is.EqualTo((LandscapeKind.Unresolved, 0.0)));
    }

    // ---- jumps ----

    /// <summary>A step of exactly the threshold (0 to 0.1) is no jump: smooth. Unconverged points carry no d: up
    /// 0, [0.9], 1/16, ... steps by 1/16 and down by 1/32 at most.</summary>
    [Test]
    public void Steps_UpToTheThreshold_BetweenConvergedPoints_AreSmooth()
    {
        var v = Decide(S([0, 0.25, 0.5], [0, 0.1, 0.1]));
        Assert.That((v.Kind, v.MaxJump), Is.EqualTo((LandscapeKind.Smooth, 0.1)));
        Assert.That(v.Reason, Is.EqualTo("no hysteresis (BP 0), largest step 0.1 ≤ 0.1"));
        var gaps = Decide(S([0, 0.25, 0.5, 0.75, 1], [0, 0.9, 0.0625, 0.0625, 0.0625], [0, 0.03125, 0.0625, 0.0625, 0.0625],
            upOk: [true, false, true, true, true]));
        Assert.That((gaps.Kind, gaps.MaxJump, gaps.ConvergedFraction), Is.EqualTo((LandscapeKind.Smooth, 0.0625, 0.9)));
    }

    /// <summary>A jump (here 1/4, in the down sweep only: up's last point did not converge) never refined is unresolved,
    /// unless an MC curve with steps of at most the threshold makes it steep-continuous.</summary>
    [Test]
    public void JumpNotRefined_IsUnresolvedUnlessMcIsFlat()
    {
        var sweep = S([0, 0.25, 0.5], [0.5, 0.5, 0.5], [0.5, 0.5, 0.25], upOk: [true, true, false]);
        var bare = Decide(sweep);
        Assert.That((bare.Kind, bare.MaxJump), Is.EqualTo((LandscapeKind.Unresolved, 0.25)));
        Assert.That(bare.Reason, Is.EqualTo("BP jump 0.25 was not re-examined on a finer grid"));
        var flat = Decide(sweep, mc: Mc(0, 1, 0, 0.1));
        Assert.That(flat.Kind, Is.EqualTo(LandscapeKind.SteepContinuous));
        Assert.That(flat.Reason, Does.EndWith("; BP jump 0.25 not refined; the MC curve steps by at most 0.1"));
        Assert.That(Decide(sweep, mc: Mc(0, 1, 0, 0.125)).Kind, Is.EqualTo(LandscapeKind.Unresolved));
    }

    static readonly LandscapeSweep Jump = S([0, 0.25, 0.5], [0.5, 0.5, 0]);

    /// <summary>
    /// A refined jump is a discontinuity when the refined grid converged (at least 80 %) and its finest step exceeds both
    /// 0.1 and half the coarse jump: 0.3 of 0.5 at exactly 80 % is; 0.1 of 1/8 (the threshold) and 1/4 of 1/2 (exactly half)
    /// are not, and are steep-continuous. With several, the first discontinuity is quoted.
    /// </summary>
    [Test]
    public void RefinedJump_KeepingItsSize_IsFirstOrder()
    {
        var v = Decide(Jump, [Ref(0.25, 0.5, 0.5, 0.3, converged: 0.8)]);
        Assert.That((v.Kind, v.MaxJump), Is.EqualTo((LandscapeKind.FirstOrder, 0.5)));
        Assert.That(v.Reason, Is.EqualTo("a discontinuity: the jump 0.5 in [0.25, 0.5] keeps a step of 0.3 after 3 refinement levels"));
        Assert.That(Decide(Jump, [Ref(0.25, 0.5, 0.125, 0.1)]).Kind, Is.EqualTo(LandscapeKind.SteepContinuous));
        Assert.That(Decide(Jump, [Ref(0.25, 0.5, 0.5, 0.25)]).Kind, Is.EqualTo(LandscapeKind.SteepContinuous));
        var two = Decide(Jump, [Ref(0.5, 0.75, 0.5, 0.3), Ref(0.25, 0.5, 0.5, 0.4, levels: 2)]);
        Assert.That(two.Reason, Is.EqualTo("a discontinuity: the jump 0.5 in [0.5, 0.75] keeps a step of 0.3 after 3 refinement levels"));
    }

    /// <summary>A refined grid where fewer than 80 % of the points converged (75 %) decides nothing: unresolved, or
    /// steep-continuous when an MC curve steps by at most 0.1; exactly 80 % is a converged grid.</summary>
    [Test]
    public void RefinedGridThatFailed_IsUnresolvedUnlessMcIsFlat()
    {
        var failed = Ref(0.25, 0.5, 0.5, 0.3, converged: 0.75);
        var bare = Decide(Jump, [failed]);
        Assert.That(bare.Kind, Is.EqualTo(LandscapeKind.Unresolved));
        Assert.That(bare.Reason, Is.EqualTo("BP converged at only 75 % of the refined grid of [0.25, 0.5]"));
        var flat = Decide(Jump, [failed], Mc(0, 1, 0, 0.1));
        Assert.That(flat.Kind, Is.EqualTo(LandscapeKind.SteepContinuous));
        Assert.That(flat.Reason, Does.EndWith("; BP failed on the refined grid of [0.25, 0.5]; the MC curve steps by at most 0.1"));
        Assert.That(Decide(Jump, [failed], Mc(0, 1, 0, 0.125)).Kind, Is.EqualTo(LandscapeKind.Unresolved));
        Assert.That(Decide(Jump, [Ref(0.25, 0.5, 0.5, 0.05, converged: 0.8)]).Kind, Is.EqualTo(LandscapeKind.SteepContinuous));
    }

    /// <summary>Steep-continuous quotes the refinement that shrank least, the largest finest / coarse: 0.05 / 0.2 = 1/4 against
    /// 0.04 / 0.4 = 1/10 and 0.06 / 0.8 = 3/40 (neither the largest finest step nor the largest product), on a grid
    /// 10^2 = 100 times finer for two levels.</summary>
    [Test]
    public void SteepContinuous_QuotesTheRefinementThatShrankLeast()
    {
        var v = Decide(Jump, [Ref(-1, -0.5, 0.4, 0.04), Ref(0, 0.25, 0.2, 0.05, levels: 2), Ref(0.5, 0.75, 0.8, 0.06)]);
        Assert.That(v.Kind, Is.EqualTo(LandscapeKind.SteepContinuous));
        Assert.That(v.Reason, Is.EqualTo("the jump 0.2 in [0, 0.25] shrinks to steps of 0.05 on a grid 100 times finer: continuous"));
    }

    // ---- which jumps are refined ----

    /// <summary>
    /// Coarse jumps above 0.1 between converged neighbours, largest first, each interval once, at most maxJumps: up
    /// 1/2, 1/2, 1/8, 0.1, 0 and down 3/4, 1/2, 1/8, 0.1, 0 on x = -1/2 .. 1/2 have the jump 3/8 on [-1/4, 0] in both sweeps
    /// and 1/4 on [-1/2, -1/4] in the down sweep; the step 0.1 is no jump. The refinements keep the interval and the coarse jump.
    /// </summary>
    [Test]
    public void RefineJumps_TakesTheDistinctJumpsLargestFirst()
    {
        var sweep = S([-0.5, -0.25, 0, 0.25, 0.5], [0.5, 0.5, 0.125, 0.1, 0], [0.75, 0.5, 0.125, 0.1, 0]);
        var all = LandscapeVerdict.RefineJumps(FreeSpin, Up1, sweep);
        Assert.That(all.Select(r => (r.XFrom, r.XTo, r.CoarseJump)), Is.EqualTo(new[] { (-0.25, 0.0, 0.375), (-0.5, -0.25, 0.25) }).AsCollection);
        Assert.That(LandscapeVerdict.RefineJumps(FreeSpin, Up1, sweep, maxJumps: 1).Select(r => r.XFrom), Is.EqualTo(new[] { -0.25 }).AsCollection);
        Assert.That(LandscapeVerdict.RefineJumps(FreeSpin, Up1, sweep, maxJumps: 0), Is.Empty);
        var descending = new LandscapeSweep([P(0.5, 0), P(0.25, 0), P(0, 0.5)], [P(0.5, 0), P(0.25, 0), P(0, 0.5)], [], 0, 0, []);
        Assert.That(LandscapeVerdict.RefineJumps(FreeSpin, Up1, descending).Select(r => (r.XFrom, r.XTo)), Is.EqualTo(new[] { (0.0, 0.25) }).AsCollection,
            "an interval is written low end first whatever the order of the points");
        Assert.That(LandscapeVerdict.RefineJumps(FreeSpin, Up1, S([-0.25, 0, 0.25], [0.5, 0.75, 0.5], [0.5, 0.5, 0.5])), Is.Empty,
            "steps into and out of a degenerate x = 0 are no jumps");
    }

    /// <summary>Judge refines only without an MC loop: with one, a null model is never used; without one, the jump on
    /// [-1/4, 0] of a constructed sweep is refined on the free spin, whose d moves by at most 1/2 x 1/40 per refined step
    /// (steep-continuous, where without the refinement the MC step 1/2 would leave it unresolved); maxJumps = 0 refines none.</summary>
    [Test]
    public void Judge_RefinesUnlessMcHasALoop()
    {
        var sweep = S([-0.5, -0.25, 0, 0.25], [0.5, 0.5, 0.125, 0.125]);
        var loop = LandscapeVerdict.Judge(null!, Up1, sweep, mc: Mc(6, 1, 0.5, 0.5));
        Assert.That((loop.Kind, loop.McLoop), Is.EqualTo((LandscapeKind.FirstOrder, true)));
        var refined = LandscapeVerdict.Judge(FreeSpin, Up1, sweep, mc: Mc(0, 1, 0, 0.5));
        Assert.That(refined.Kind, Is.EqualTo(LandscapeKind.SteepContinuous), refined.Reason);
        Assert.That(LandscapeVerdict.Judge(FreeSpin, Up1, sweep, maxJumps: 0).Kind, Is.EqualTo(LandscapeKind.Unresolved));
    }

    // ---- refinement on a free spin ----

    /// <summary>The refinement written out: grids of 11 points lo + (hi - lo) k / 10, the largest step of d between
    /// neighbours, the next level across it, at most 3 levels, stopping once the step is at most 0.1.</summary>
    static (double Step, int Levels) ReferenceRefine(double a, double b)
    {
        double lo = a, hi = b, step = 0;
        int levels = 0;
        while (levels < 3)
        {
            var xs = Enumerable.Range(0, 11).Select(k => lo + (hi - lo) * k / 10).ToArray();
            levels++;
            (step, double x0, double x1) = (0.0, 0.0, 0.0);
            for (int k = 1; k < xs.Length; k++)
            {
                double s = Math.Abs(FreeD(xs[k]) - FreeD(xs[k - 1]));
                if (s > step) (step, x0, x1) = (s, xs[k - 1], xs[k]);
            }
            if (step <= 0.1) break;
            (lo, hi) = (x0, x1);
        }
        return (step, levels);
    }

    /// <summary>
    /// On [-2, 2] the first grid (steps of 0.4) steps by about 0.2 across the centre x = -1/4 and the second (0.04) by about
    /// 0.02: two levels. On [-320, 320] the steps are 64, 6.4 and 0.64, and the third still steps by about 0.31 (more
    /// than 0.1): all three levels, no more. A single spin has one BP fixed point: both sweeps agree and converge.
    /// FinestStep to 1e-8 (BP solved to 1e-10 on a curve of slope at most 1/2).
    /// </summary>
    [TestCase(-2.0, 2.0, 2)]
    [TestCase(-320.0, 320.0, 3)]
    public void Refine_OnAFreeSpin_FollowsTheLargestStep(double a, double b, int levels)
    {
        var (step, expectedLevels) = ReferenceRefine(a, b);
        Assert.That(expectedLevels, Is.EqualTo(levels), "the reference itself");
        var r = LandscapeVerdict.Refine(FreeSpin, Up1, a, b, 0.625);
        Assert.That((r.XFrom, r.XTo, r.CoarseJump, r.Levels, r.ConvergedFraction), Is.EqualTo((a, b, 0.625, levels, 1.0)));
        Assert.That(r.FinestStep, Is.EqualTo(step).Within(1e-8));
        Assert.That(r.Hysteresis, Is.LessThan(1e-9));
    }

    /// <summary>
    /// Of equal largest steps the first found is refined (the up sweep's before the down sweep's, each in increasing x). Two
    /// free spins, s* = (+1, +1), h = (-2450, -6455): m_i = tanh(x + h_i) is exactly ±1 in float64 more than 20 away from
    /// its crossing, so on [0, 10^4] (steps of 1000) d = (2 - m_1 - m_2) / 4 falls by exactly 1/2 on [2000, 3000] and
    /// again on [6000, 7000]. The first is refined: steps of 100, again 1/2 on [2400, 2500], then steps of 10, where the
    /// crossing 2450 is a grid point and the largest step is (tanh 10 - tanh 0) / 4 (to float64 rounding, 1e-15). The
    /// second would have ended with its crossing 6455 midway between grid points, a step of 2 tanh 5 / 4.
    /// </summary>
    [Test]
    public void Refine_OfEqualLargestSteps_FollowsTheFirst()
    {
        var model = new IsingModel(2, new double[4], [-2450, -6455]);
        var r = LandscapeVerdict.Refine(model, [1, 1], 0, 10_000, 0.5);
        Assert.That(r.Levels, Is.EqualTo(3));
        Assert.That(r.FinestStep, Is.EqualTo(Math.Tanh(10) / 4).Within(1e-15));
    }

    /// <summary>
    /// An interval too narrow for 11 distinct float64 points is not refined (a landscape sweep refuses a grid with repeated
    /// points): [1, 1 + 2^-52] is one ulp wide, so no level runs and the coarse jump stands as the finest step, which the
    /// rule reads as a discontinuity. [1, 1 + 10 x 2^-52] holds the 11 points 1 + k 2^-52 and is refined (one level: the free
    /// spin's d moves by less than 1e-15 across it).
    /// </summary>
    [Test]
    public void Refine_AnIntervalTooNarrowForAFinerGrid_KeepsItsStep()
    {
        double ulp = Math.Pow(2, -52);
        var r = LandscapeVerdict.Refine(FreeSpin, Up1, 1, 1 + ulp, 0.5);
        Assert.That((r.XFrom, r.XTo, r.CoarseJump, r.FinestStep, r.Levels, r.ConvergedFraction, r.Hysteresis), Is.EqualTo((1.0, 1 + ulp, 0.5, 0.5, 0, 1.0, 0.0)));
        Assert.That(LandscapeVerdict.Decide(new LandscapeEvidence(Jump, [r])).Kind, Is.EqualTo(LandscapeKind.FirstOrder));
        Assert.That(LandscapeVerdict.Refine(FreeSpin, Up1, 1, 1 + 10 * ulp, 0.5).Levels, Is.EqualTo(1));
    }

    /// <summary>A total BP budget of one sweep is halved per level but never below two sweeps per grid point (a budget of
    /// zero would be refused): the refinement runs and, with one fixed point reached in a sweep or two, converges.</summary>
    [Test]
    public void Refine_KeepsABudgetOfAtLeastTwoSweepsPerPoint()
    {
        var r = LandscapeVerdict.Refine(FreeSpin, Up1, -2, 2, 0.625, new EntropyLandscapeOptions { MaxTotalIterations = 1 });
        Assert.That(r.Levels, Is.EqualTo(2));
        Assert.That(r.ConvergedFraction, Is.EqualTo(1.0));
    }

    /// <summary>
    /// Each level's sweep gets half the caller's total BP budget (MaxTotalIterations / 2, at least two sweeps per point). A
    /// two-spin chain with damping 0.9 needs about 200 sweeps per point; T, the sweeps of the 11-point grid of [-2, 2]
    /// without a cap, is counted here. With a budget of T / 2 the level runs on T / 4, where BP converges at exactly the points
    /// of a sweep capped at T / 4 (fewer than 80 %, so one level); a cap of T would have let every point converge. The
    /// hysteresis counts only points where both sweeps converged: the chain is a tree with one BP fixed point, so those
    /// agree to BP's residual of 1e-10 (the unconverged ones, stopped after 10 damped sweeps, do not).
    /// </summary>
    [Test]
    public void Refine_GivesEachLevelHalfTheCallersBudget()
    {
        var pair = new IsingModel(2, [0, 0.5, 0.5, 0], [0, 0]);
        var options = new EntropyLandscapeOptions { Bp = new BpOptions { Damping = 0.9, Tolerance = 1e-10, MaxIterations = 5000 } };
        var xs = Enumerable.Range(0, 11).Select(k => -2 + 4.0 * k / 10).ToArray();
        int Converged(LandscapeSweep s) => s.Up.Count(p => p.Converged) + s.Down.Count(p => p.Converged);
        long total = EntropyLandscape.Sweep(pair, [1, 1], xs, options).TotalIterations;
        Assert.That(Converged(EntropyLandscape.Sweep(pair, [1, 1], xs, options with { MaxTotalIterations = total })), Is.EqualTo(22), "a cap of T");
        var quarter = EntropyLandscape.Sweep(pair, [1, 1], xs, options with { MaxTotalIterations = total / 4 });
        Assert.That(Converged(quarter), Is.LessThan(0.8 * 22), "a cap of T / 4");
        var r = LandscapeVerdict.Refine(pair, [1, 1], -2, 2, 0.625, options with { MaxTotalIterations = total / 2 });
        Assert.That((r.Levels, r.ConvergedFraction), Is.EqualTo((1, Converged(quarter) / 22.0)));
        Assert.That(r.Hysteresis, Is.LessThan(1e-9));
    }

    /// <summary>The caller's options are used: BP limited to one sweep per point on a two-spin chain converges only where its
    /// warm start already is the fixed point (the fields change from point to point, so elsewhere the one sweep moves the
    /// messages), far fewer than 80 % of the points, so the refinement stops after its first level (with the default
    /// options every point converges: see the free spin).</summary>
    [Test]
    public void Refine_UsesTheCallersOptions_AndStopsWhereBpFails()
    {
        var pair = new IsingModel(2, [0, 0.5, 0.5, 0], [0, 0]);
        var r = LandscapeVerdict.Refine(pair, [1, 1], -2, 2, 0.625, new EntropyLandscapeOptions { Bp = new BpOptions { MaxIterations = 1, Tolerance = 1e-12 } });
        Assert.That(r.Levels, Is.EqualTo(1));
        Assert.That(r.ConvergedFraction, Is.LessThan(LandscapeVerdict.MinConvergedFraction));
    }

    /// <summary>
    /// A Curie-Weiss ferromagnet (J_ij = K/N, N = 100, K = 3/2) around the all-up state has a loop between the spinodals
    /// ±0.21 (mean field): on the grid of [-1/2, 1/2] the up sweep stays near d = (1 + 0.86)/2 and the down sweep near
    /// (1 - 0.86)/2 over part of it, so the hysteresis exceeds 1/2 and the refinement stops after its first level.
    /// </summary>
    [Test]
    public void Refine_StopsAtHysteresis()
    {
        var r = LandscapeVerdict.Refine(CurieWeiss, AllUp, -0.5, 0.5, 0.8, CwOptions);
        Assert.That(r.Levels, Is.EqualTo(1));
        Assert.That(r.Hysteresis, Is.GreaterThan(0.5));
    }

    /// <summary>
    /// skipZero leaves out only the point x = 0: on [-0.45, 0.55] (no grid point within 1e-9 of 0) the Curie-Weiss loop is
    /// all there, the sweeps apart by about 0.86 at -0.15 ... 0.15 and each stepping by about 0.86 where it leaves its
    /// metastable branch beyond a spinodal ±0.2 (mean field 0.21, BP's within O(1/N)): hysteresis and step above 1/2, one level.
    /// </summary>
    [Test]
    public void Refine_SkipZero_KeepsEveryOtherPoint()
    {
        var r = LandscapeVerdict.Refine(CurieWeiss, AllUp, -0.45, 0.55, 0.8, CwOptions, skipZero: true);
        Assert.That(r.Levels, Is.EqualTo(1));
        Assert.That(r.Hysteresis, Is.GreaterThan(0.5));
        Assert.That(r.FinestStep, Is.GreaterThan(0.5));
    }

    /// <summary>
    /// skipZero leaves out the point x = 0, |x| &lt;= 1e-9 with the boundary included, from the refined steps and hysteresis.
    /// The Curie-Weiss model on [1e-9, 4] (steps of 0.4), the up sweep seeded with the messages of x = -1/2 (the branch
    /// opposite to s*): at its first point x = 1e-9 the up sweep stays on that branch, d ≈ (1 + 0.86)/2, while the down
    /// sweep arrives on the aligned one, d ≈ (1 - 0.86)/2; from x = 0.4 on, beyond the spinodal, there is one fixed point and
    /// d ≈ (1 - m)/2 with m ≥ 0.95 moves by less than 0.03 per step. Without skipZero that split is hysteresis (above 1/2, one
    /// level); with it what is left is the aligned branch, one fixed point at every x: no hysteresis (below 1e-6, where BP
    /// solved to a residual of 1e-11 agrees to ~1e-10), steps of at most 0.1, one level.
    /// </summary>
    [Test]
    public void Refine_SkipZero_LeavesOutXZero_UpToTheZeroTolerance()
    {
        var anti = BeliefPropagation.Run(CurieWeiss, CwOptions.Bp with { ExtraFields = Enumerable.Repeat(-0.5, CwSize).ToArray() }).Messages;
        var seeded = CwOptions with { Bp = CwOptions.Bp with { InitialMessages = anti } };
        var split = LandscapeVerdict.Refine(CurieWeiss, AllUp, LandscapeVerdict.ZeroTolerance, 4, 0.8, seeded);
        Assert.That(split.Levels, Is.EqualTo(1));
        Assert.That(split.Hysteresis, Is.GreaterThan(0.5), "the split at x = 1e-9");
        var r = LandscapeVerdict.Refine(CurieWeiss, AllUp, LandscapeVerdict.ZeroTolerance, 4, 0.8, seeded, skipZero: true);
        Assert.That(r.Levels, Is.EqualTo(1));
        Assert.That(r.Hysteresis, Is.LessThan(1e-6));
        Assert.That(r.FinestStep, Is.LessThanOrEqualTo(LandscapeVerdict.JumpThreshold));
    }
}
