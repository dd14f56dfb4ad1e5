using NeuralSpin.Ising;
using NeuralSpin.Numerics;
using NeuralSpin.SpinModel;
using NeuralSpin.Tap;
using NeuralSpin.Tests.Support;
using NUnit.Framework;
using static NeuralSpin.Tests.Support.ArgumentCheck;

namespace NeuralSpin.Tests.Ising;

/// <summary>
/// <see cref="TapFixedPoints.Find"/>'s contract: the argument checks and the smallest valid settings; starts that do not
/// converge are counted and kept out of the fixed points; and the bookkeeping written out — the starts m0_i = 2 u - 1 drawn
/// in order from a SplitMix stream of the seed, each solved by <see cref="TapSolver"/> (damped parallel, or sequential without
/// damping), a converged end point joining the first fixed point found within the distinct tolerance (max norm, strictly
/// below) or else opening a new one with its TAP free energy, the list sorted by F — compared with Find to the last bit.
/// </summary>
public class TapFixedPointsContractTests
{
    /// <summary>A 3-spin ferromagnet J_ij = 1/3 with small unequal fields (1/16, 0, -1/32) at beta = 3: two magnetised TAP states
    /// of different F (the fields break the up-down symmetry).</summary>
    static IsingModel Model(double beta = 3) =>
        new(3, [0, 1.0 / 3, 1.0 / 3, 1.0 / 3, 0, 1.0 / 3, 1.0 / 3, 1.0 / 3, 0], [1.0 / 16, 0, -1.0 / 32], beta);

    sealed record WrittenOut(List<(double[] M, double F, int Count)> Points, int Converged, int NotConverged, int MultipleMatches, int Ties, List<double[]> Ends);

    static double MaxDistance(double[] a, double[] b) => a.Zip(b, (u, v) => Math.Abs(u - v)).Max();

    static WrittenOut FindWrittenOut(IsingModel model, TapFixedPointOptions o)
    {
        int n = model.Size;
        var j = new DenseCoupling(n, model.CouplingsCopy());
        var h = model.FieldsCopy();
        var rng = new SplitMixSource(o.Seed);
        var points = new List<(double[] M, double F, int Count)>();
        var ends = new List<double[]>();
        int converged = 0, notConverged = 0, multiple = 0, ties = 0;
        for (int k = 0; k < o.Starts; k++)
        {
            var m0 = new double[n];
            for (int i = 0; i < n; i++) m0[i] = 2 * rng.NextDouble() - 1;
            var so = new TapSolverOptions
            {
                InitialMagnetizations = m0, Fields = h, Tolerance = o.Tolerance, MaxIterations = o.MaxIterations, Damping = o.Sequential ? 0 : o.Damping,
            };
            var r = o.Sequential ? TapSolver.SolveSequential(j, model.Beta, so) : TapSolver.Solve(j, model.Beta, so);
            if (!r.Converged) { notConverged++; continue; }
            converged++;
            ends.Add(r.Magnetizations);
            var near = Enumerable.Range(0, points.Count).Where(p => MaxDistance(points[p].M, r.Magnetizations) < o.DistinctTolerance).ToList();
            if (near.Count > 1) multiple++;
            ties += points.Count(p => MaxDistance(p.M, r.Magnetizations) == o.DistinctTolerance);
            if (near.Count > 0) points[near[0]] = (points[near[0]].M, points[near[0]].F, points[near[0]].Count + 1);
            else points.Add((r.Magnetizations, TapFreeEnergy.Evaluate(j, model.Beta, r.Magnetizations, h), 1));
        }
        return new WrittenOut(points.OrderBy(p => p.F).ToList(), converged, notConverged, multiple, ties, ends);
    }

    static void AssertEqualsWrittenOut(TapFixedPointsResult r, WrittenOut w)
    {
        Assert.That(r.Converged, Is.EqualTo(w.Converged), "converged starts");
        Assert.That(r.NotConverged, Is.EqualTo(w.NotConverged), "starts that did not converge");
        Assert.That(r.FixedPoints, Has.Count.EqualTo(w.Points.Count), "distinct fixed points");
        for (int p = 0; p < w.Points.Count; p++)
        {
            Assert.That(r.FixedPoints[p].Magnetizations, Is.EqualTo(w.Points[p].M).AsCollection, $"m of point {p}");
            Assert.That(r.FixedPoints[p].FreeEnergy, Is.EqualTo(w.Points[p].F), $"F of point {p}");
            Assert.That(r.FixedPoints[p].Count, Is.EqualTo(w.Points[p].Count), $"starts of point {p}");
        }
    }

    /// <summary>
    /// Loose convergence (1e-2) scatters the end points around each TAP state, so with a distinct tolerance of 3e-3 several
    /// points lie near one state and some end points are within the tolerance of more than one earlier point (the first found
    /// takes them), and there are several free energies to sort. Parallel: damping 0.3 at beta = 3, where most starts do not
    /// converge within 5000 iterations (counted, kept out); sequential: no damping is passed (the option's 0.3 is not used).
    /// </summary>
    [TestCase(false, TestName = "TapFixedPoints: damped parallel starts grouped and sorted as written out")]
    [TestCase(true, TestName = "TapFixedPoints: sequential starts grouped and sorted as written out")]
    public void Find_IsTheBookkeepingWrittenOut(bool sequential)
    {
        var o = new TapFixedPointOptions { Starts = 40, Seed = 7, Tolerance = 1e-2, DistinctTolerance = 3e-3, Damping = 0.3, Sequential = sequential };
        var w = FindWrittenOut(Model(), o);
        Assert.That(w.MultipleMatches, Is.GreaterThan(0), "some end point is near two fixed points");
        Assert.That(w.Points.Select(p => p.F).Distinct().Count(), Is.GreaterThan(1), "free energies to sort");
        if (!sequential) Assert.That(w.NotConverged, Is.GreaterThan(0), "some parallel starts fail");
        var r = TapFixedPoints.Find(Model(), o);
        AssertEqualsWrittenOut(r, w);
        for (int p = 1; p < r.FixedPoints.Count; p++) Assert.That(r.FixedPoints[p].FreeEnergy, Is.GreaterThanOrEqualTo(r.FixedPoints[p - 1].FreeEnergy));
        Assert.That(r.FixedPoints.Sum(p => p.Count), Is.EqualTo(r.Converged));
        Assert.That(r.Converged + r.NotConverged, Is.EqualTo(40));
    }

    /// <summary>Two end points at a distance of exactly the distinct tolerance are distinct (the rule is strictly below): the
    /// tolerance is set to the distance between the first two end points of one state (sequential, tolerance 1e-3).</summary>
    [Test]
    public void Find_EndPointsExactlyTheToleranceApart_AreDistinct()
    {
        var o = new TapFixedPointOptions { Starts = 40, Seed = 7, Tolerance = 1e-3, DistinctTolerance = 1, Sequential = true, Damping = 0 };
        var ends = FindWrittenOut(Model(), o).Ends;
        double gap = Enumerable.Range(1, ends.Count - 1).Select(b => MaxDistance(ends[0], ends[b])).Where(d => d > 0 && d < 0.1).First();
        var at = o with { DistinctTolerance = gap };
        var w = FindWrittenOut(Model(), at);
        Assert.That(w.Ties, Is.GreaterThan(0), "an end point at exactly the tolerance from a fixed point");
        AssertEqualsWrittenOut(TapFixedPoints.Find(Model(), at), w);
    }

    /// <summary>One iteration cannot bring max|m(1) - m(0)| to 1e-10 from a random start: every start is counted as not
    /// converged and none makes a fixed point.</summary>
    [Test]
    public void Find_StartsThatDoNotConverge_AreCountedAndLeftOut()
    {
        var r = TapFixedPoints.Find(Model(), new TapFixedPointOptions { Starts = 5, Seed = 1, MaxIterations = 1 });
        Assert.That(r.NotConverged, Is.EqualTo(5));
        Assert.That(r.Converged, Is.EqualTo(0));
        Assert.That(r.FixedPoints, Is.Empty);
    }

    /// <summary>F / N by definition: F = 2, N = 4 gives 1/2; the per-start sample repeats it Count times.</summary>
    [Test]
    public void FreeEnergyPerSpin_IsFOverN()
    {
        var p = new TapFixedPoint(new double[4], 2.0, 3);
        Assert.That(p.FreeEnergyPerSpin, Is.EqualTo(0.5));
        Assert.That(new TapFixedPointsResult([p], 3, 0).StartFreeEnergiesPerSpin, Is.EqualTo(new[] { 0.5, 0.5, 0.5 }));
    }

    static IEnumerable<TestCaseData> Checks()
    {
        var model = Model();
        yield return Null("TapFixedPoints.Find: the model must not be null", "model", () => TapFixedPoints.Find(null!)).ToCase();
        yield return Null("TapFixedPoints.Find: the model must not be null (with options)", "model",
            () => TapFixedPoints.Find(null!, new TapFixedPointOptions { Starts = 0 })).ToCase();
        yield return Range("TapFixedPoints.Find: at least one start", "options", "at least one start is needed",
            () => TapFixedPoints.Find(model, new TapFixedPointOptions { Starts = 0 })).ToCase();
        yield return Range("TapFixedPoints.Find: DistinctTolerance > 0", "options", "DistinctTolerance must be > 0",
            () => TapFixedPoints.Find(model, new TapFixedPointOptions { DistinctTolerance = 0 })).ToCase();
        yield return Range("TapFixedPoints.Find: DistinctTolerance is not NaN", "options", "DistinctTolerance must be > 0",
            () => TapFixedPoints.Find(model, new TapFixedPointOptions { DistinctTolerance = double.NaN })).ToCase();
        yield return Arg("TapFixedPoints.Find: beta > 0", "model", "the TAP free energy needs beta > 0", () => TapFixedPoints.Find(Model(0))).ToCase();
    }

    [TestCaseSource(nameof(Checks))]
    public void BadArguments_AreRefused(ArgumentCheck check) => check.Verify();

    /// <summary>The smallest valid settings run: one start, the smallest positive distinct tolerance, the smallest positive beta
    /// (at beta = 5e-324 the TAP map sends every m to tanh(beta h_i + ...) = 0 in float64; damped by 1/2 the iterate halves
    /// each time, so when the change is at most the tolerance 1e-10 so is |m|).</summary>
    [Test]
    public void SmallestValidSettings_Run()
    {
        var r = TapFixedPoints.Find(Model(double.Epsilon), new TapFixedPointOptions { Starts = 1, DistinctTolerance = double.Epsilon });
        Assert.That(r.Converged + r.NotConverged, Is.EqualTo(1));
        Assert.That(r.Converged, Is.EqualTo(1));
        Assert.That(r.FixedPoints.Single().Magnetizations, Is.All.EqualTo(0.0).Within(1e-10));
    }
}
