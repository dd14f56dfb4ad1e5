using NUnit.Framework;
using NeuralSpin.Ising;

namespace NeuralSpin.Tests.Ising;

/// <summary>
/// The shared landscape verdict rule (docs/theory.md section 7, "The landscape verdict rule") on models whose answer is known:
/// Curie-Weiss all-to-all models on both sides of the first-order line x = 0, K > 1 (mean field: m = tanh(K m + x), a loop
/// between the spinodals ±x_s, x_s = K m_s - atanh m_s, m_s = sqrt(1 - 1/K)) and K &lt; 1 (unique, continuous solution; steep
/// near K = 1, where dm/dx = 1/(1 - K) at x = 0), a tree (BP exact, checked against enumeration) and a weak SK model.
/// </summary>
[TestFixture]
public class LandscapeVerdictTests
{
    const int TreeSeed = 4101, SkSeed = 4102, ReferenceSeed = 4103;
    /// <summary>Spins of the Curie-Weiss models: BP on N all-to-all spins is mean field with K (N - 1)/N, so N = 100 keeps
    /// K = 0.95 below 1 and the spinodal within O(1/N) = 0.01 of mean field, at a quarter of the cost of N = 200.</summary>
    const int CwSize = 100;

    static readonly EntropyLandscapeOptions Bp = new() { Bp = new BpOptions { Tolerance = 1e-11, MaxIterations = 5000, Damping = 0.3 } };

    static double[] Grid(double lo, double hi, double step) =>
        Enumerable.Range(0, (int)Math.Round((hi - lo) / step) + 1).Select(k => Math.Round(lo + k * step, 9)).ToArray();

    /// <summary>All-to-all ferromagnet J_ij = K/N, h = 0: the Curie-Weiss model (BP on it is mean field up to O(1/N)).</summary>
    static IsingModel CurieWeiss(int n, double k)
    {
        var j = new double[n * n];
        for (int a = 0; a < n; a++) for (int b = 0; b < n; b++) if (a != b) j[a * n + b] = k / n;
        return new IsingModel(n, j, new double[n]);
    }

    static sbyte[] AllUp(int n) => Enumerable.Repeat((sbyte)1, n).ToArray();

    /// <summary>The mean-field magnetization: the root of m = tanh(K m + x) reached from m0 (unique for K &lt; 1).</summary>
    static double MeanField(double k, double x, double m0 = 0)
    {
        double m = m0;
        for (int t = 0; t < 100_000; t++) m = 0.5 * m + 0.5 * Math.Tanh(k * m + x);
        return m;
    }

    [Test]
    public void CurieWeiss_OrderedSide_IsFirstOrder_WithTheLoopBetweenTheSpinodals()
    {
        const double k = 1.5;
        double ms = Math.Sqrt(1 - 1 / k), xs = k * ms - Math.Atanh(ms); // 0.2075 (mean-field spinodal field)
        var model = CurieWeiss(CwSize, k);
        var sweep = EntropyLandscape.Sweep(model, AllUp(CwSize), Grid(-1, 1, 0.05), Bp);
        var v = LandscapeVerdict.Judge(model, AllUp(CwSize), sweep, Bp);
        Assert.That(v.Kind, Is.EqualTo(LandscapeKind.FirstOrder), v.Reason);
        Assert.That(v.DegenerateAtZero, Is.False);
        var (_, loopAt, _) = LandscapeVerdict.Hysteresis(sweep);
        // the loop lies between the spinodals (BP's differs from mean field by O(1/N) = 0.01; the grid points next to x_s = 0.2075 are 0.2 and 0.25) and spans most of it: next to a
        // spinodal the metastable fixed point is barely stable, BP converges ever more slowly and the last grid point or two
        // before it may not converge (such points carry no d), hence 0.1 of slack inside
        Assert.That(loopAt.Max(), Is.InRange(xs - 0.1, xs + 0.01), $"x_s = {xs:F4}");
        Assert.That(loopAt.Min(), Is.InRange(-xs - 0.01, -xs + 0.1));
        Assert.That(v.MaxHysteresis, Is.GreaterThan(0.5), "the sweeps sit on opposite branches, d ≈ (1 ∓ m)/2 with m ≈ 0.86");
    }

    [Test]
    public void CurieWeiss_DisorderedSide_IsSmooth()
    {
        // K = 0.5: |dd/dx| = (1 - m²) / (2 (1 - K (1 - m²))) <= 1, so steps of the 0.05 grid are at most 0.05 < JumpThreshold
        var model = CurieWeiss(CwSize, 0.5);
        var sweep = EntropyLandscape.Sweep(model, AllUp(CwSize), Grid(-1, 1, 0.05), Bp);
        var v = LandscapeVerdict.Judge(model, AllUp(CwSize), sweep, Bp);
        Assert.That(v.Kind, Is.EqualTo(LandscapeKind.Smooth), v.Reason);
        Assert.That(v.MaxHysteresis, Is.LessThan(1e-8));
    }

    [Test]
    public void CurieWeiss_NearTheCriticalPoint_IsSteepContinuous_NotFirstOrder()
    {
        // K = 0.95 < 1: one continuous solution, but dm/dx = 1/(1 - K) = 20 at x = 0, so on the grid of 0.1 the step of d
        // across x = 0 exceeds the jump threshold (mean field, computed here independently of BP) and must be resolved by refinement
        const double k = 0.95;
        double coarseStep = (MeanField(k, 0.0) - MeanField(k, -0.1, -0.5)) / 2;
        Assert.That(coarseStep, Is.GreaterThan(LandscapeVerdict.JumpThreshold), "the model must present a coarse jump for the test to mean anything");
        var model = CurieWeiss(CwSize, k);
        var sweep = EntropyLandscape.Sweep(model, AllUp(CwSize), Grid(-1, 1, 0.1), Bp);
        Assert.That(sweep.HasJump, Is.True, $"max jump {sweep.MaxJump}");
        var v = LandscapeVerdict.Judge(model, AllUp(CwSize), sweep, Bp);
        Assert.That(v.Kind, Is.EqualTo(LandscapeKind.SteepContinuous), v.Reason);
    }

    [Test]
    public void Tree_IsSmooth_AndBpIsTheExactLandscape()
    {
        // a random tree with |J| <= 0.5: BP is exact, so the verdict's d(x) is the enumerated one; the enumerated curve has
        // no step above the threshold on this grid, so the expected answer is smooth
        var model = BpTestSupport.RandomTree(new Random(TreeSeed), 12, 0.5, 0.3, beta: 1.0);
        var r = new Random(ReferenceSeed);
        var sStar = Enumerable.Range(0, 12).Select(_ => (sbyte)(r.Next(2) == 0 ? 1 : -1)).ToArray();
        var xs = Grid(-1, 3, 0.1);
        var exact = xs.Select(x => (1 - BpTestSupport.Enumerate(model, sStar.Select(s => x * s).ToArray()).Magnetizations.Select((m, i) => m * sStar[i]).Average()) / 2).ToArray();
        for (int k = 1; k < xs.Length; k++) Assert.That(Math.Abs(exact[k] - exact[k - 1]), Is.LessThanOrEqualTo(LandscapeVerdict.JumpThreshold));
        var sweep = EntropyLandscape.Sweep(model, sStar, xs, Bp);
        for (int k = 0; k < xs.Length; k++) Assert.That(sweep.Up[k].Distance, Is.EqualTo(exact[k]).Within(1e-8), $"x = {xs[k]}");
        var v = LandscapeVerdict.Judge(model, sStar, sweep, Bp);
        Assert.That(v.Kind, Is.EqualTo(LandscapeKind.Smooth), v.Reason);
    }

    [Test]
    public void WeakRandomModel_IsSmooth()
    {
        // SK with J ~ N(0, 0.5²/N) at beta = 1: the paramagnetic, replica-symmetric phase (beta J < 1), a unique BP fixed point
        var model = BpTestSupport.Sk(new Random(SkSeed), 60, 0.5, 0.5, beta: 1.0);
        var r = new Random(ReferenceSeed);
        var sStar = Enumerable.Range(0, 60).Select(_ => (sbyte)(r.Next(2) == 0 ? 1 : -1)).ToArray();
        var sweep = EntropyLandscape.Sweep(model, sStar, Grid(-1, 3, 0.1), Bp);
        var v = LandscapeVerdict.Judge(model, sStar, sweep, Bp);
        Assert.That(v.Kind, Is.EqualTo(LandscapeKind.Smooth), v.Reason);
    }

    static LandscapeSweep Constructed(double[] xs, Func<double, double> up, Func<double, double> down, Func<double, bool>? converged = null)
    {
        LandscapePoint P(double x, double d) => new(x, 1, 1 - 2 * d, d, 0, 0, 0, 0, converged?.Invoke(x) ?? true, 1);
        return new LandscapeSweep(xs.Select(x => P(x, up(x))).ToList(), xs.Select(x => P(x, down(x))).ToList(), [], 0, 0, []);
    }

    [Test]
    public void SplitAtZeroOnly_IsDegenerate_ButALoopOverAnIntervalIsFirstOrder()
    {
        // the rule as stated: a split confined to x = 0 with both neighbours agreeing is not a loop; one more split point is
        var xs = Grid(-1, 1, 0.1);
        double Smooth(double x) => 0.5 - 0.2 * Math.Tanh(x);
        var zeroOnly = Constructed(xs, Smooth, x => Math.Abs(x) < 1e-12 ? Smooth(x) - 0.017 : Smooth(x));
        var v = LandscapeVerdict.Decide(new LandscapeEvidence(zeroOnly, []));
        Assert.That(v.Kind, Is.EqualTo(LandscapeKind.Smooth), v.Reason);
        Assert.That(v.DegenerateAtZero, Is.True);
        Assert.That(v.MaxHysteresis, Is.EqualTo(0).Within(1e-15), "x = 0 is excluded from the hysteresis when degenerate");

        var interval = Constructed(xs, Smooth, x => x is > -1e-12 and < 0.15 ? Smooth(x) - 0.017 : Smooth(x));
        var w = LandscapeVerdict.Decide(new LandscapeEvidence(interval, []));
        Assert.That(w.Kind, Is.EqualTo(LandscapeKind.FirstOrder), w.Reason);
        Assert.That(w.DegenerateAtZero, Is.False);
    }

    [Test]
    public void Jumps_AreJudgedByTheirRefinement_AndFailedBpIsUnresolved()
    {
        var xs = Grid(-1, 1, 0.1);
        double Step(double x) => x < 0.05 ? 0.45 : 0.05;
        var sweep = Constructed(xs, Step, Step);
        LandscapeRefinement R(double finest, double converged) => new(0, 0.1, 0.4, finest, 3, converged, 0);
        Assert.That(LandscapeVerdict.Decide(new(sweep, [])).Kind, Is.EqualTo(LandscapeKind.Unresolved), "a jump never re-examined");
        Assert.That(LandscapeVerdict.Decide(new(sweep, [R(0.02, 1)])).Kind, Is.EqualTo(LandscapeKind.SteepContinuous));
        Assert.That(LandscapeVerdict.Decide(new(sweep, [R(0.39, 1)])).Kind, Is.EqualTo(LandscapeKind.FirstOrder), "a discontinuity keeps its size");
        Assert.That(LandscapeVerdict.Decide(new(sweep, [R(0.39, 0.5)])).Kind, Is.EqualTo(LandscapeKind.Unresolved), "BP failed on the refined grid");
        var failing = Constructed(xs, Step, Step, x => x < 0.3);
        Assert.That(LandscapeVerdict.Decide(new(failing, [])).Kind, Is.EqualTo(LandscapeKind.Unresolved), "BP converged at fewer than 80 % of the points");
    }
}
