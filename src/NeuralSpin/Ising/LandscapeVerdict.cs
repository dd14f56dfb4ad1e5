using System.Globalization;

namespace NeuralSpin.Ising;

/// <summary>The four answers of the landscape verdict rule (docs/theory.md section 7, "The landscape verdict rule").</summary>
public enum LandscapeKind
{
    /// <summary>No hysteresis loop and no jump above the jump threshold on the grid.</summary>
    Smooth,
    /// <summary>A coarse jump that shrinks on refined grids: a steep but continuous curve.</summary>
    SteepContinuous,
    /// <summary>A hysteresis loop (MC loop area, or BP up/down sweeps apart over an interval), or a jump that keeps its size on refined grids.</summary>
    FirstOrder,
    /// <summary>Neither BP nor MC settles it (BP does not converge where it would have to, and no MC landscape decides).</summary>
    Unresolved,
}

/// <summary>What re-examining one coarse jump on finer grids gave (<see cref="LandscapeVerdict.Refine"/>).</summary>
/// <param name="XFrom">Left end of the coarse interval.</param>
/// <param name="XTo">Right end of the coarse interval.</param>
/// <param name="CoarseJump">|Δd| of the coarse jump.</param>
/// <param name="FinestStep">Largest |Δd| between neighbouring converged points of both sweeps on the last refined grid (the coarse jump when no level ran).</param>
/// <param name="Levels">Refinement levels run (each <see cref="LandscapeVerdict.RefineSteps"/> times finer than the one before; fewer than
/// <see cref="LandscapeVerdict.RefineLevels"/> also where an interval was too narrow to refine in float64).</param>
/// <param name="ConvergedFraction">Smallest fraction of converged BP points over the refined grids.</param>
/// <param name="Hysteresis">Largest |d_up - d_down| at points of the refined grids where both sweeps converged.</param>
public sealed record LandscapeRefinement(double XFrom, double XTo, double CoarseJump, double FinestStep, int Levels, double ConvergedFraction, double Hysteresis);

/// <summary>Everything the verdict rule looks at: the coarse BP sweeps, the refinements of their jumps, and the MC sweeps if any.</summary>
/// <param name="Bp">The coarse BP landscape (up and down).</param>
/// <param name="Refinements">One per re-examined coarse jump (empty when none was re-examined).</param>
/// <param name="Mc">The annealed MC landscape on the same grid, where it was run (null otherwise).</param>
public sealed record LandscapeEvidence(LandscapeSweep Bp, IReadOnlyList<LandscapeRefinement> Refinements, McLandscapeSweep? Mc = null);

/// <summary>The verdict and the numbers behind it.</summary>
/// <param name="Kind">smooth, steep-continuous, first-order or unresolved.</param>
/// <param name="Reason">One sentence with the deciding numbers.</param>
/// <param name="MaxHysteresis">Largest |d_up - d_down| at grid points where both BP sweeps converged, the degenerate x = 0 excluded.</param>
/// <param name="DegenerateAtZero">The sweeps split at x = 0 only (two BP fixed points with no pull from the reference) and agree on both neighbours.</param>
/// <param name="MaxJump">Largest |Δd| between neighbouring converged coarse points (steps into or out of a degenerate x = 0 excluded).</param>
/// <param name="ConvergedFraction">Fraction of converged coarse BP points (both sweeps).</param>
/// <param name="McLoop">Whether the MC loop rule fired (false without MC).</param>
public sealed record LandscapeVerdictResult(LandscapeKind Kind, string Reason, double MaxHysteresis, bool DegenerateAtZero, double MaxJump,
    double ConvergedFraction, bool McLoop)
{
    /// <summary>The verdict as written in reports and summaries: smooth, steep-continuous, first-order, unresolved.</summary>
    public string Name => LandscapeVerdict.NameOf(Kind);

    /// <summary>Kind is <see cref="LandscapeKind.FirstOrder"/>.</summary>
    public bool FirstOrder => Kind == LandscapeKind.FirstOrder;

    /// <summary>Kind is <see cref="LandscapeKind.Unresolved"/>.</summary>
    public bool Unresolved => Kind == LandscapeKind.Unresolved;
}

/// <summary>
/// The one landscape verdict rule of the project (docs/theory.md section 7, "The landscape verdict rule"), used by
/// <c>ising landscape</c>, <c>reproduce paper2</c> and <c>reproduce paper2 --published</c>:
/// <list type="number">
/// <item>Loop. Where an MC landscape ran, a hysteresis loop is the MC loop rule: signed area ∫ (d_up - d_down) dx above
/// <see cref="LoopSigmas"/> standard errors and largest gap at least <see cref="MinLoopGap"/>. Otherwise BP's: |d_up - d_down| above
/// <see cref="HysteresisTolerance"/> at a grid point where both sweeps converged (coarse or refined grid). A split at x = 0 alone,
/// with both neighbours' sweeps agreeing, is degenerate (the reference exerts no pull there and BP has two fixed points), not a loop.
/// A loop is <see cref="LandscapeKind.FirstOrder"/>.</item>
/// <item>Jumps. No step |Δd| above <see cref="JumpThreshold"/> between neighbouring converged points: <see cref="LandscapeKind.Smooth"/>.
/// Otherwise the jump is re-examined on grids <see cref="RefineSteps"/> times finer, up to <see cref="RefineLevels"/> times, each
/// level across the largest step of the last: once the largest step is at most the threshold it is
/// <see cref="LandscapeKind.SteepContinuous"/>; if after the last level it still exceeds both the threshold and
/// <see cref="KeptFraction"/> of the coarse jump, it is a discontinuity, <see cref="LandscapeKind.FirstOrder"/>; in between, steep-continuous.</item>
/// <item>Unresolved. Fewer than <see cref="MinConvergedFraction"/> of the BP points converged (coarse grid, or a refined grid
/// of a jump), and no MC landscape settles it (an MC landscape with no loop and no step above the threshold is smooth).</item>
/// </list>
/// </summary>
public static class LandscapeVerdict
{
    /// <summary>|Δd| between neighbouring grid points above this is a jump (BP and MC). With the paper's Δx = 0.1 a smooth curve
    /// moves by χ Δx / 2, so 0.1 flags slopes |dd/dx| above 1.</summary>
    public const double JumpThreshold = 0.1;

    /// <summary>BP: |d_up - d_down| above this where both sweeps converged is hysteresis (BP solved to 1e-8 agrees to ~1e-7 on a unique fixed point).</summary>
    public const double HysteresisTolerance = 1e-3;

    /// <summary>Each refinement level divides its interval into this many steps.</summary>
    public const int RefineSteps = 10;

    /// <summary>Refinement levels: a continuous curve whose crossover is wider than Δx / 10^3 resolves within them.</summary>
    public const int RefineLevels = 3;

    /// <summary>A discontinuity keeps more than this fraction of its coarse jump on the finest grid (a continuous curve's
    /// steps shrink about tenfold per level).</summary>
    public const double KeptFraction = 0.5;

    /// <summary>Below this fraction of converged BP points a BP verdict is not given.</summary>
    public const double MinConvergedFraction = 0.8;

    /// <summary>MC loop: the signed area must exceed this many standard errors (one-sided Gaussian false-alarm rate 3e-7).</summary>
    public const double LoopSigmas = 5;

    /// <summary>MC loop: the largest gap d_up - d_down must be at least this (a macroscopic loop, far above the ~1e-2 errors of d).</summary>
    public const double MinLoopGap = 0.05;

    /// <summary>|x| at most this is the point x = 0.</summary>
    public const double ZeroTolerance = 1e-9;

    /// <summary>smooth, steep-continuous, first-order, unresolved.</summary>
    public static string NameOf(LandscapeKind kind) => kind switch
    {
        LandscapeKind.Smooth => "smooth",
        LandscapeKind.SteepContinuous => "steep-continuous",
        LandscapeKind.FirstOrder => "first-order",
        _ => "unresolved",
    };

    /// <summary>The rule in one paragraph, with its tolerances (for reports).</summary>
    public static string Describe() => FormattableString.Invariant(
        $"Landscape verdict rule: a hysteresis loop is first-order (where MC ran: signed loop area above {LoopSigmas} standard errors and largest gap d_up - d_down at least {MinLoopGap}; elsewhere: BP sweeps apart by more than {HysteresisTolerance} where both converged, a split at x = 0 alone being degenerate, not a loop). Without a loop: no step |Δd| above {JumpThreshold} is smooth; a jump is re-examined on grids {RefineSteps} times finer (up to {RefineLevels} levels): shrinking to at most {JumpThreshold} is steep-continuous, keeping more than {KeptFraction} of its size and {JumpThreshold} is a discontinuity (first-order). Fewer than {MinConvergedFraction:P0} converged BP points with no MC landscape to decide is unresolved.");

    /// <summary>One verdict for several landscapes of one model (around different references): first-order if any is, else
    /// unresolved if any is, else steep-continuous if any is, else smooth; unresolved when there is none.</summary>
    public static LandscapeKind Combine(IEnumerable<LandscapeKind> kinds)
    {
        ArgumentNullException.ThrowIfNull(kinds);
        // an array (Length, not Count) so that a Stryker Count -> Sum mutation does not take the comparison's mutants with it
        var list = kinds.ToArray();
        if (list.Length == 0) return LandscapeKind.Unresolved;
        foreach (var k in new[] { LandscapeKind.FirstOrder, LandscapeKind.Unresolved, LandscapeKind.SteepContinuous })
            if (list.Contains(k)) return k;
        return LandscapeKind.Smooth;
    }

    /// <summary>Runs the BP refinements of <paramref name="sweep"/>'s coarse jumps (at most <paramref name="maxJumps"/>, largest first) and decides.</summary>
    public static LandscapeVerdictResult Judge(IsingModel model, ReadOnlySpan<sbyte> reference, LandscapeSweep sweep, EntropyLandscapeOptions? options = null,
        McLandscapeSweep? mc = null, int maxJumps = 3)
    {
        // Stryker disable once Statement : without it a null sweep reaches RefineJumps' or (with an MC loop) Hysteresis' check, the same ArgumentNullException for sweep
        ArgumentNullException.ThrowIfNull(sweep);
        var refinements = mc is not null && mc.HasLoop(LoopSigmas, MinLoopGap) ? [] : RefineJumps(model, reference, sweep, options, maxJumps);
        return Decide(new LandscapeEvidence(sweep, refinements, mc));
    }

    /// <summary>Refines the distinct coarse jumps of <paramref name="sweep"/> (at most <paramref name="maxJumps"/>, largest first).</summary>
    public static IReadOnlyList<LandscapeRefinement> RefineJumps(IsingModel model, ReadOnlySpan<sbyte> reference, LandscapeSweep sweep, EntropyLandscapeOptions? options = null, int maxJumps = 3)
    {
        // Stryker disable once Statement : without it a null sweep reaches Hysteresis' check on the next line, the same ArgumentNullException for sweep
        ArgumentNullException.ThrowIfNull(sweep);
        var refinements = new List<LandscapeRefinement>();
        var (_, _, degenerate) = Hysteresis(sweep);
        var seen = new HashSet<(double, double)>();
        foreach (var (a, b, jump) in CoarseJumps(sweep, degenerate).OrderByDescending(j => j.Jump))
        {
            if (refinements.Count >= maxJumps) break;
            if (!seen.Add((a, b))) continue;
            refinements.Add(Refine(model, reference, a, b, jump, options, skipZero: degenerate));
        }
        return refinements;
    }

    /// <summary>Re-examines the coarse interval [a, b] on grids <see cref="RefineSteps"/> times finer, up to <see cref="RefineLevels"/> levels,
    /// each across the largest step of the level before (of equal largest steps the first found, the up sweep's before the down
    /// sweep's, each in increasing x; BP up and down on every level; cold start at its left end). With
    /// <paramref name="skipZero"/> (the coarse sweeps were degenerate at x = 0) the point x = 0 is left out of steps and hysteresis.
    /// An interval too narrow for <see cref="RefineSteps"/> + 1 distinct float64 points is not refined: the step across it
    /// stands (the coarse jump, with no level run, when that is [a, b] itself).</summary>
    public static LandscapeRefinement Refine(IsingModel model, ReadOnlySpan<sbyte> reference, double a, double b, double coarseJump, EntropyLandscapeOptions? options = null,
        bool skipZero = false)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (!(b > a)) throw new ArgumentException("the interval must have b > a", nameof(b));
        options ??= new EntropyLandscapeOptions();
        double lo = a, hi = b, step = coarseJump, minConverged = 1, hyst = 0;
        int levels = 0;
        var sStar = reference.ToArray();
        while (levels < RefineLevels)
        {
            var xs = Enumerable.Range(0, RefineSteps + 1).Select(k => lo + (hi - lo) * k / RefineSteps).ToArray();
            if (!StrictlyIncreasing(xs)) break;
            var fine = EntropyLandscape.Sweep(model, sStar, xs, options with { MaxTotalIterations = options.MaxTotalIterations is long c ? Math.Max(2L * xs.Length, c / 2) : null });
            levels++;
            int converged = fine.Up.Count(p => p.Converged) + fine.Down.Count(p => p.Converged);
            minConverged = Math.Min(minConverged, converged / (2.0 * xs.Length));
            for (int k = 0; k < xs.Length; k++)
                if (fine.Up[k].Converged && fine.Down[k].Converged && !(skipZero && Math.Abs(xs[k]) <= ZeroTolerance))
                    hyst = Math.Max(hyst, Math.Abs(fine.Up[k].Distance - fine.Down[k].Distance));
            var (s, x0, x1) = LargestStep(fine, skipZero);
            step = s;
            if (minConverged < MinConvergedFraction || hyst > HysteresisTolerance || step <= JumpThreshold) break;
            (lo, hi) = (x0, x1);
        }
        return new LandscapeRefinement(a, b, coarseJump, step, levels, minConverged, hyst);
    }

    /// <summary>The rule on given evidence (no computation beyond it).</summary>
    public static LandscapeVerdictResult Decide(LandscapeEvidence evidence)
    {
        ArgumentNullException.ThrowIfNull(evidence);
        var sweep = evidence.Bp;
        var (maxHyst, loopAt, degenerate) = Hysteresis(sweep);
        int total = sweep.Up.Count + sweep.Down.Count;
        double convergedFraction = total == 0 ? 0 : (sweep.Up.Count(p => p.Converged) + sweep.Down.Count(p => p.Converged)) / (double)total;
        double maxJump = 0;
        foreach (var j in CoarseJumps(sweep, degenerate, threshold: 0)) maxJump = Math.Max(maxJump, j.Jump);
        string I(double v) => v.ToString("G3", CultureInfo.InvariantCulture);
        string zero = degenerate ? "; the sweeps split at x = 0 only (two BP fixed points without pull from the reference: degenerate, not a loop)" : "";
        LandscapeVerdictResult R(LandscapeKind k, string why, bool mcLoop = false) => new(k, why + zero, maxHyst, degenerate, maxJump, convergedFraction, mcLoop);

        // 1. loops
        if (evidence.Mc is { } mc)
        {
            if (mc.HasLoop(LoopSigmas, MinLoopGap))
                return R(LandscapeKind.FirstOrder, $"MC hysteresis loop: area {I(mc.LoopArea)} ± {I(mc.LoopAreaError)} ({I(mc.LoopSignificance)} σ), largest gap {I(mc.MaxGap)}", true);
        }
        else
        {
            if (loopAt.Count > 0)
                return R(LandscapeKind.FirstOrder, $"BP up and down sweeps differ by up to {I(maxHyst)} at x = {string.Join(", ", loopAt.Take(6).Select(I))}{(loopAt.Count > 6 ? ", ..." : "")}");
            var refinedLoop = evidence.Refinements.FirstOrDefault(r => r.Hysteresis > HysteresisTolerance && r.ConvergedFraction >= MinConvergedFraction);
            if (refinedLoop is not null)
                return R(LandscapeKind.FirstOrder, $"BP up and down sweeps differ by {I(refinedLoop.Hysteresis)} on the refined grid of [{I(refinedLoop.XFrom)}, {I(refinedLoop.XTo)}]");
        }
        string mcPart = evidence.Mc is { } m0 ? $"no MC loop (area {I(m0.LoopArea)} ± {I(m0.LoopAreaError)}, largest gap {I(m0.MaxGap)}); " : "";

        // 3. unresolved coarse grid: only MC can settle it
        if (convergedFraction < MinConvergedFraction)
        {
            if (evidence.Mc is { } m && m.MaxStep <= JumpThreshold)
                return R(LandscapeKind.Smooth, $"{mcPart}BP converged at {I(100 * convergedFraction)} % of the points; the MC curve has no step above {I(JumpThreshold)} (largest {I(m.MaxStep)})");
            return R(LandscapeKind.Unresolved, $"{mcPart}BP converged at only {I(100 * convergedFraction)} % of the points{(evidence.Mc is { } m2 ? $" and the MC curve steps by {I(m2.MaxStep)}" : " and no MC landscape was run")}");
        }

        // 2. jumps
        if (maxJump <= JumpThreshold) return R(LandscapeKind.Smooth, $"{mcPart}no hysteresis (BP {I(maxHyst)}), largest step {I(maxJump)} ≤ {I(JumpThreshold)}");
        if (evidence.Refinements.Count == 0)
            return evidence.Mc is { } m3 && m3.MaxStep <= JumpThreshold
                ? R(LandscapeKind.SteepContinuous, $"{mcPart}BP jump {I(maxJump)} not refined; the MC curve steps by at most {I(m3.MaxStep)}")
                : R(LandscapeKind.Unresolved, $"{mcPart}BP jump {I(maxJump)} was not re-examined on a finer grid");
        var byShrinkage = evidence.Refinements.OrderByDescending(r => r.FinestStep / Math.Max(r.CoarseJump, 1e-300));
        // Stryker disable once Linq : Refinements is not empty here (an empty list returned above), so First and FirstOrDefault agree
        var worst = byShrinkage.First();
        foreach (var r in evidence.Refinements)
            if (r.ConvergedFraction >= MinConvergedFraction && r.FinestStep > JumpThreshold && r.FinestStep > KeptFraction * r.CoarseJump)
                return R(LandscapeKind.FirstOrder, $"{mcPart}a discontinuity: the jump {I(r.CoarseJump)} in [{I(r.XFrom)}, {I(r.XTo)}] keeps a step of {I(r.FinestStep)} after {r.Levels} refinement levels");
        var failed = evidence.Refinements.FirstOrDefault(r => r.ConvergedFraction < MinConvergedFraction);
        if (failed is not null)
            return evidence.Mc is { } m4 && m4.MaxStep <= JumpThreshold
                ? R(LandscapeKind.SteepContinuous, $"{mcPart}BP failed on the refined grid of [{I(failed.XFrom)}, {I(failed.XTo)}]; the MC curve steps by at most {I(m4.MaxStep)}")
                : R(LandscapeKind.Unresolved, $"{mcPart}BP converged at only {I(100 * failed.ConvergedFraction)} % of the refined grid of [{I(failed.XFrom)}, {I(failed.XTo)}]");
        return R(LandscapeKind.SteepContinuous, $"{mcPart}the jump {I(worst.CoarseJump)} in [{I(worst.XFrom)}, {I(worst.XTo)}] shrinks to steps of {I(worst.FinestStep)} on a grid {I(Math.Pow(RefineSteps, worst.Levels))} times finer: continuous");
    }

    /// <summary>BP hysteresis at points where both sweeps converged: the largest gap (x = 0 excluded when degenerate), the x of the
    /// gaps above the tolerance (likewise), and whether the only split is a degenerate one at x = 0.</summary>
    public static (double Max, IReadOnlyList<double> LoopAt, bool DegenerateAtZero) Hysteresis(LandscapeSweep sweep)
    {
        ArgumentNullException.ThrowIfNull(sweep);
        int n = sweep.Up.Count;
        var gap = new double[n];
        for (int k = 0; k < n; k++)
            gap[k] = sweep.Up[k].Converged && sweep.Down[k].Converged ? Math.Abs(sweep.Up[k].Distance - sweep.Down[k].Distance) : double.NaN;
        // an array (Length, not Count) so that a Stryker Count -> Sum mutation does not take the comparison's mutants with it
        var over = Enumerable.Range(0, n).Where(k => gap[k] > HysteresisTolerance).ToArray();
        bool degenerate = false;
        if (over.Length == 1)
        {
            int k = over[0];
            bool Agrees(int i) => i >= 0 && i < n && gap[i] <= HysteresisTolerance;
            degenerate = Math.Abs(sweep.Up[k].X) <= ZeroTolerance && Agrees(k - 1) && Agrees(k + 1);
        }
        double max = 0;
        var at = new List<double>();
        for (int k = 0; k < n; k++)
        {
            if (double.IsNaN(gap[k]) || (degenerate && k == over[0])) continue;
            max = Math.Max(max, gap[k]);
            if (gap[k] > HysteresisTolerance) at.Add(sweep.Up[k].X);
        }
        return (max, at, degenerate);
    }

    /// <summary>Steps |Δd| above <paramref name="threshold"/> between neighbouring converged points of each sweep, as (x_lo, x_hi, |Δd|);
    /// steps into or out of a degenerate x = 0 are skipped.</summary>
    static IEnumerable<(double XFrom, double XTo, double Jump)> CoarseJumps(LandscapeSweep sweep, bool degenerate, double threshold = JumpThreshold)
    {
        foreach (var points in new[] { sweep.Up, sweep.Down })
        {
            LandscapePoint? last = null;
            foreach (var p in points)
            {
                if (!p.Converged) continue;
                if (degenerate && Math.Abs(p.X) <= ZeroTolerance) continue;
                if (last is not null)
                {
                    double jump = Math.Abs(p.Distance - last.Distance);
                    if (jump > threshold) yield return (Math.Min(last.X, p.X), Math.Max(last.X, p.X), jump);
                }
                last = p;
            }
        }
    }

    /// <summary>Whether the points of a refined grid are distinct: lo + (hi - lo) k / RefineSteps rounds to repeated values on
    /// an interval of fewer than about RefineSteps ulps, which no landscape sweep accepts.</summary>
    static bool StrictlyIncreasing(double[] xs)
    {
        for (int k = 1; k < xs.Length; k++)
            if (!(xs[k] > xs[k - 1])) return false;
        return true;
    }

    /// <summary>The largest |Δd| between neighbouring converged points of either sweep (x = 0 left out with <paramref name="skipZero"/>)
    /// and its interval, low end first; of equal steps the first found. (0, 0, 0) when there is no step.</summary>
    static (double Step, double X0, double X1) LargestStep(LandscapeSweep fine, bool skipZero)
    {
        double best = 0, x0 = 0, x1 = 0;
        foreach (var points in new[] { fine.Up, fine.Down })
        {
            LandscapePoint? last = null;
            foreach (var p in points)
            {
                if (!p.Converged || (skipZero && Math.Abs(p.X) <= ZeroTolerance)) continue;
                if (last is not null && Math.Abs(p.Distance - last.Distance) > best) { best = Math.Abs(p.Distance - last.Distance); x0 = last.X; x1 = p.X; }
                last = p;
            }
        }
        return (best, Math.Min(x0, x1), Math.Max(x0, x1));
    }
}
