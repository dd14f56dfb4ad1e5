using System.Diagnostics;
using NeuralSpin.BinaryNets;
using NeuralSpin.Ising;
using NeuralSpin.Training;
using static TorchSharp.torch;

namespace NeuralSpin.Reproduction;

// The stages that analyse one effective Ising model of a network's weights (docs/theory.md section 7): its entropy landscape
// around a reference, its TAP free-energy distribution and MC dynamics from the reference. `reproduce paper2` runs them on the
// models it fits (Paper2Pipeline), `reproduce paper2 --published` on the authors' models (Published.PublishedPipeline).

/// <summary>Input of <see cref="LandscapeStage"/>: a model, a reference configuration of its spins and the settings.</summary>
/// <param name="Model">The Ising model (beta = 1).</param>
/// <param name="Reference">s*, ±1, one per spin.</param>
/// <param name="ReferenceLabel">e.g. "El row 0".</param>
/// <param name="Xs">The coupling-field grid (strictly increasing).</param>
/// <param name="Bp">BP landscape settings (their MaxTotalIterations bounds the work; <see cref="LandscapeStage.Options"/>).</param>
/// <param name="Mc">MC landscape settings.</param>
public sealed record LandscapeStageInput(IsingModel Model, sbyte[] Reference, string ReferenceLabel, IReadOnlyList<double> Xs,
    EntropyLandscapeOptions Bp, McLandscapeOptions Mc)
{
    /// <summary>BP settings of the refined grids across the coarse jumps (<see cref="LandscapeVerdict.RefineJumps"/>); null: <see cref="Bp"/>.</summary>
    public EntropyLandscapeOptions? Refine { get; init; }

    /// <summary>Run the MC landscape always (true), or only where BP leaves the verdict unresolved (false, the default).</summary>
    public bool AlwaysMc { get; init; }

    /// <summary>When no BP point of either sweep converged, solve BP once more, cold and without the work bound, at the largest x
    /// (a strong tilt, where BP converges easily) and use that point as the anchor of the MC thermodynamic integration of the down
    /// sweep (without any converged point the MC entropy has no anchor). Default false.</summary>
    public bool AnchorAtLargestX { get; init; }
}

/// <summary>Result of <see cref="LandscapeStage"/>.</summary>
/// <param name="ReferenceLabel">Which reference.</param>
/// <param name="Bp">BP sweeps up and down.</param>
/// <param name="Mc">The annealed MC landscape where it ran (<see cref="LandscapeStageInput.AlwaysMc"/>, or the BP verdict was
/// unresolved: BP converged at fewer than <see cref="LandscapeVerdict.MinConvergedFraction"/> of the points or failed across a jump), else null.</param>
/// <param name="Verdict">The shared verdict (<see cref="LandscapeVerdict.Decide"/>) on the BP sweeps, <see cref="Refinements"/> and the MC sweeps.</param>
/// <param name="EntropyAtZero">s at x = 0: BP's (down sweep first, i.e. from the reference's side) where it converged, else MC's by
/// thermodynamic integration (down sweep first), else NaN.</param>
/// <param name="DistanceAtZero">d at x = 0, from the same point.</param>
/// <param name="Seconds">Wall time.</param>
public sealed record LandscapeStageResult(string ReferenceLabel, LandscapeSweep Bp, McLandscapeSweep? Mc, LandscapeVerdictResult Verdict,
    double EntropyAtZero, double DistanceAtZero, double Seconds)
{
    /// <summary>The re-examinations of the coarse BP jumps on finer grids (up to three, largest first; empty when there was none).</summary>
    public IReadOnlyList<LandscapeRefinement> Refinements { get; init; } = [];

    /// <summary>Wall time of the BP sweeps and their refinements.</summary>
    public double BpSeconds { get; init; } = double.NaN;
}

/// <summary>
/// The entropy landscape stage (P2 6-8; docs/theory.md section 7, "Entropy landscape" and "The landscape verdict rule"): BP swept
/// up and down the grid around the reference, its coarse jumps re-examined on finer grids, the annealed MC landscape (always, or
/// where BP does not settle the verdict), and the shared verdict rule on all of it; s and d at x = 0.
/// </summary>
public static class LandscapeStage
{
    /// <summary>BP settings of a landscape of <paramref name="spins"/> spins on <paramref name="points"/> grid points: <paramref name="bp"/>
    /// per point; after a non-converged point, <paramref name="stuckIterations"/> random sequential sweeps of damping
    /// <paramref name="stuckDamping"/> (seed 7); at most <paramref name="totalMessageUpdates"/> message updates for both sweeps (a sweep
    /// updates the N(N-1) directed edges; at least two sweeps per point); the verdict rule's jump threshold and hysteresis tolerance.</summary>
    public static EntropyLandscapeOptions Options(BpOptions bp, int stuckIterations, double stuckDamping, long totalMessageUpdates, int spins, int points)
    {
        ArgumentNullException.ThrowIfNull(bp);
        return new EntropyLandscapeOptions
        {
            Bp = bp,
            StuckBp = bp with { MaxIterations = stuckIterations, Damping = stuckDamping, Schedule = BpSchedule.RandomSequential, Seed = 7 },
            MaxTotalIterations = Math.Max(2L * points, totalMessageUpdates / Math.Max(1L, (long)spins * (spins - 1))),
            JumpThreshold = LandscapeVerdict.JumpThreshold,
            HysteresisTolerance = LandscapeVerdict.HysteresisTolerance,
        };
    }

    /// <summary>Runs the stage: the BP sweeps, the refinements of their coarse jumps (<see cref="LandscapeVerdict.RefineJumps"/>), the
    /// MC landscape where asked for or needed, the verdict (<see cref="LandscapeVerdict.Decide"/>) and the point x = 0.</summary>
    public static LandscapeStageResult Run(LandscapeStageInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var sw = Stopwatch.StartNew();
        var bp = EntropyLandscape.Sweep(input.Model, input.Reference, input.Xs, input.Bp);
        var refinements = LandscapeVerdict.RefineJumps(input.Model, input.Reference, bp, input.Refine ?? input.Bp);
        double bpSeconds = sw.Elapsed.TotalSeconds;
        var verdict = LandscapeVerdict.Decide(new LandscapeEvidence(bp, refinements));
        McLandscapeSweep? mc = null;
        if (input.AlwaysMc || verdict.Kind == LandscapeKind.Unresolved)
        {
            mc = McLandscape.Sweep(input.Model, input.Reference, input.Xs, input.Mc, Anchors(input, bp));
            verdict = LandscapeVerdict.Decide(new LandscapeEvidence(bp, refinements, mc));
        }
        int zero = Enumerable.Range(0, bp.Up.Count).OrderBy(k => Math.Abs(bp.Up[k].X)).First();
        // x = 0 seen from the reference's side first: the down sweep comes from large x, i.e. from the reference's basin
        var p0 = bp.Down[zero].Converged || !bp.Up[zero].Converged ? bp.Down[zero] : bp.Up[zero];
        double s0 = p0.Converged ? p0.EntropyDensity : double.NaN, d0 = p0.Converged ? p0.Distance : double.NaN;
        if (!p0.Converged && mc is not null)
        {
            var m0 = double.IsFinite(mc.Down[zero].EntropyDensity) || !double.IsFinite(mc.Up[zero].EntropyDensity) ? mc.Down[zero] : mc.Up[zero];
            (s0, d0) = (m0.EntropyDensity, m0.Distance);
        }
        return new LandscapeStageResult(input.ReferenceLabel, bp, mc, verdict, s0, d0, sw.Elapsed.TotalSeconds)
        {
            Refinements = refinements, BpSeconds = bpSeconds,
        };
    }

    /// <summary>The BP points that anchor the MC thermodynamic integration (<see cref="LandscapeStageInput.AnchorAtLargestX"/>).</summary>
    static LandscapeSweep Anchors(LandscapeStageInput input, LandscapeSweep bp)
    {
        if (!input.AnchorAtLargestX || bp.Up.Concat(bp.Down).Any(q => q.Converged)) return bp;
        var top = EntropyLandscape.Sweep(input.Model, input.Reference, [input.Xs[^1]], input.Bp with { MaxTotalIterations = null });
        return top.Up[0].Converged ? bp with { Down = bp.Down.Take(bp.Down.Count - 1).Append(top.Up[0]).ToList() } : bp;
    }
}

/// <summary>Result of <see cref="TapStage"/>: the fixed points and the number of peaks of their free-energy distribution.</summary>
/// <param name="Search">Distinct fixed points, converged and non-converged starts.</param>
/// <param name="Peaks">Peaks of the free energies per spin of the converged starts (<see cref="TapStage.Peaks"/>).</param>
/// <param name="Seconds">Wall time.</param>
public sealed record TapStageResult(TapFixedPointsResult Search, int Peaks, double Seconds);

/// <summary>The TAP free-energy distribution stage (P2 24-25, App. I; docs/theory.md section 7, "TAP free-energy distribution"):
/// the TAP iteration from random starts, the distinct fixed points and the peaks of their free energies.</summary>
public static class TapStage
{
    /// <summary>Damping gamma of the TAP iteration (m &lt;- (1 - gamma) m_new + gamma m), its tolerance (max |dm|), and the max-norm
    /// distance under which two solutions are one fixed point.</summary>
    public const double Damping = 0.7, Tolerance = 1e-6, DistinctTolerance = 1e-3;

    /// <summary>TAP free energies per spin further apart than this count as separate peaks.</summary>
    public const double PeakGap = 1e-3;

    /// <summary>The search settings of both reproductions: <paramref name="starts"/> random starts of at most <paramref name="maxIterations"/>
    /// iterations, <see cref="Damping"/>, <see cref="Tolerance"/>, <see cref="DistinctTolerance"/>.</summary>
    public static TapFixedPointOptions Options(int starts, int maxIterations, int seed) => new()
    {
        Starts = starts, Seed = seed, Damping = Damping, Tolerance = Tolerance, MaxIterations = maxIterations, DistinctTolerance = DistinctTolerance,
    };

    /// <summary>Number of separate groups of TAP free energies per spin (sorted finite values split at gaps above <see cref="PeakGap"/>).</summary>
    public static int Peaks(IEnumerable<double> freeEnergiesPerSpin)
    {
        ArgumentNullException.ThrowIfNull(freeEnergiesPerSpin);
        var f = freeEnergiesPerSpin.Where(double.IsFinite).OrderBy(v => v).ToArray();
        if (f.Length == 0) return 0;
        int peaks = 1;
        for (int i = 1; i < f.Length; i++) if (f[i] - f[i - 1] > PeakGap) peaks++;
        return peaks;
    }

    /// <summary>Runs <see cref="TapFixedPoints.Find"/> and counts the peaks of the converged starts' free energies.</summary>
    public static TapStageResult Run(IsingModel model, TapFixedPointOptions options)
    {
        ArgumentNullException.ThrowIfNull(model);
        var sw = Stopwatch.StartNew();
        var found = TapFixedPoints.Find(model, options);
        return new TapStageResult(found, Peaks(found.StartFreeEnergiesPerSpin), sw.Elapsed.TotalSeconds);
    }
}

/// <summary>Examples on which a network's test accuracy is measured.</summary>
/// <param name="X">Inputs, Count x <paramref name="Features"/>, row-major (a network with fewer inputs takes the first features).</param>
/// <param name="Y">Labels.</param>
/// <param name="Features">Features per example.</param>
public sealed record TestExamples(float[] X, long[] Y, int Features)
{
    /// <summary>Number of examples.</summary>
    public int Count => Y.Length;

    /// <summary>The test set of <paramref name="data"/>.</summary>
    public static TestExamples Of(TrainingData data)
    {
        ArgumentNullException.ThrowIfNull(data);
        return new TestExamples(data.TestX, data.TestY.Select(b => (long)b).ToArray(), data.InputDim);
    }
}

/// <summary>Input of <see cref="DynamicsStage"/>.</summary>
/// <param name="Model">The model of a block of the network's weights.</param>
/// <param name="Offset">Index of the block's first weight in the network's weight vector (the block has <c>Model.Size</c> weights).</param>
/// <param name="Widths">The network's layer widths.</param>
/// <param name="Reference">The whole network's weights at the reference (the weights outside the block stay there).</param>
/// <param name="TestSet">Inputs and labels on which the test accuracy is measured.</param>
/// <param name="Options">Sweeps, recording interval, seed (its observer is replaced by the test accuracy).</param>
public sealed record DynamicsStageInput(IsingModel Model, int Offset, int[] Widths, sbyte[] Reference, TestExamples TestSet, McDynamicsOptions Options);

/// <summary>Result of <see cref="DynamicsStage"/>.</summary>
/// <param name="Trace">Energy per spin, overlap with the reference and the whole network's test accuracy (<see cref="McDynamicsPoint.Observed"/>) along the run.</param>
/// <param name="ReferenceAccuracy">Test accuracy of the reference network, recomputed.</param>
/// <param name="Seconds">Wall time.</param>
public sealed record DynamicsStageResult(IReadOnlyList<McDynamicsPoint> Trace, double ReferenceAccuracy, double Seconds);

/// <summary>MC dynamics from a reference (docs/theory.md section 7, "Monte Carlo dynamics from a reference"): heat-bath sweeps of the
/// block's model started at the reference, observing the test accuracy of the whole network with the other weights held at the reference.</summary>
public static class DynamicsStage
{
    /// <summary>Runs the stage.</summary>
    public static DynamicsStageResult Run(DynamicsStageInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var sw = Stopwatch.StartNew();
        int offset = input.Offset, count = input.Model.Size;
        using var vx = Inputs(input.TestSet, input.Widths[0]);
        using var vy = tensor(input.TestSet.Y);
        var full = (sbyte[])input.Reference.Clone();
        double refAcc = new BinaryNetwork(input.Widths, full).Accuracy(vx, vy);
        double Observe(sbyte[] s)
        {
            Array.Copy(s, 0, full, offset, count);
            return new BinaryNetwork(input.Widths, full).Accuracy(vx, vy);
        }
        var start = input.Reference.AsSpan(offset, count).ToArray();
        var trace = McDynamics.Run(input.Model, start, input.Options with { Observer = Observe });
        return new DynamicsStageResult(trace, refAcc, sw.Elapsed.TotalSeconds);
    }

    /// <summary>Test accuracy of a whole network on a test set.</summary>
    public static double Accuracy(int[] widths, sbyte[] weights, TestExamples testSet)
    {
        ArgumentNullException.ThrowIfNull(testSet);
        ArgumentNullException.ThrowIfNull(widths);
        using var vx = Inputs(testSet, widths[0]);
        using var vy = tensor(testSet.Y);
        return new BinaryNetwork(widths, weights).Accuracy(vx, vy);
    }

    /// <summary>The first <paramref name="features"/> features of every example as a float32 (count x features) tensor.</summary>
    static TorchSharp.torch.Tensor Inputs(TestExamples t, int features)
    {
        if (features > t.Features) throw new ArgumentException($"the network takes {features} inputs, the test set has {t.Features} features");
        var x = new float[(long)t.Count * features];
        for (int r = 0; r < t.Count; r++) Array.Copy(t.X, (long)r * t.Features, x, (long)r * features, features);
        return tensor(x, [t.Count, features]);
    }
}
