using MathNet.Numerics.LinearAlgebra;
using NUnit.Framework;
using NeuralSpin.Classic;
using NeuralSpin.Numerics;
using NeuralSpin.Tap;

namespace NeuralSpin.Tests.Classic;

/// <summary>
/// TAP states of SK instances below T_c found from Monte Carlo seeds and followed in temperature (<see cref="SkTapStates"/>,
/// P1 19-20, docs/theory.md sections 3 and 8). One seeded search serves all checks: the eight N = 100 instances of
/// <c>classic sk</c>'s defaults (master seed 1) at T = 0.4, 0.6 (below T_c = J = 1) and 1.3 (above).
/// </summary>
[TestFixture]
public class SkTapStatesTests
{
    const int N = 100;
    static readonly double[] Temperatures = [0.4, 0.6, 1.3];
    static readonly SkTapStateOptions Options = new() { Seed = Seeds.Derive(1, N, -3) };
    SkInstance[] _instances = null!;
    SkTapStateResult _result = null!;

    [OneTimeSetUp]
    public void Search()
    {
        _instances = Enumerable.Range(0, 8).Select(k => SkInstances.Draw(N, 1.0, SkInstances.InstanceSeed(1, N, k))).ToArray();
        _result = SkTapStates.Find(_instances, Temperatures, Options, parallelism: 2);
    }

    IEnumerable<(SkTapBranch Branch, SkTapStatePoint Point)> ValidPoints() =>
        _result.Branches.SelectMany(b => b.WithEnds.Where(p => p.Valid).Select(p => (b, p)));

    [Test]
    public void BelowTc_NonTrivialValidStatesAreFound()
    {
        // The seeded search must find physical TAP states below T_c: at T = 0.4 and 0.6 at least one instance has a
        // non-trivial solution with x_P >= 0 that is a minimum of F_TAP (seen: 2 of 8 instances at each temperature).
        foreach (var s in _result.Searches.Where(x => x.Temperature < 1))
        {
            Assert.That(s.Runs, Is.EqualTo(8 * Options.Starts));
            Assert.That(s.NotConverged + s.Trivial + s.PlefkaViolated + s.Saddles + s.Valid, Is.EqualTo(s.Runs), "every run classified once");
            Assert.That(s.Valid, Is.GreaterThan(0), $"T = {s.Temperature}: valid states");
            Assert.That(s.InstancesWithValid, Is.InRange(1, 8));
            Assert.That(s.QeaMean, Is.GreaterThan(s.ReplicaSymmetricQ), "finite-N states sit above the RS q (seen 0.55-0.78 vs 0.42-0.63)");
        }
        Assert.That(_result.Branches, Is.Not.Empty);
    }

    [Test]
    public void AboveTc_EveryRunEndsAtTheParamagnet()
    {
        // T = 1.3 J: m = 0 is the only TAP solution in the large-N limit; at N = 100 every Monte Carlo seed leads Newton there.
        var s = _result.Searches.Single(x => x.Temperature == 1.3);
        Assert.That(s.Trivial, Is.EqualTo(s.Runs));
        Assert.That(s.Valid + s.PlefkaViolated + s.Saddles, Is.Zero);
        Assert.That(_result.Branches.SelectMany(b => b.WithEnds).Max(p => p.Temperature), Is.LessThan(1.0), "no state survives to T_c at this size");
    }

    [Test]
    public void ValidStates_SolveTheTapEquations_AreMinima_AndSatisfyPlefka()
    {
        // Every valid point, recomputed from its magnetizations: the P1 20 residual <= 1e-10 (Newton stops at 1e-12; one
        // residual evaluation adds rounding ~ 1e-13), q_EA and x_P as reported to 1e-12, x_P >= 0, and the smallest eigenvalue
        // of the F_TAP Hessian positive and equal to the reported one (MathNet's managed solver against libtorch's, 1e-8).
        int checkedPoints = 0;
        foreach (var (b, p) in ValidPoints().Where((_, i) => i % 5 == 0))
        {
            var inst = _instances[b.Instance];
            double beta = 1 / p.Temperature;
            var m = p.Magnetizations;
            Assert.That(TapSolver.Residuals(inst.Coupling, beta, default, m).Max(Math.Abs), Is.LessThan(1e-10), $"T = {p.Temperature}");
            Assert.That(SkTapSolutions.EdwardsAnderson(m), Is.EqualTo(p.Qea).Within(1e-12));
            Assert.That(p.Qea, Is.GreaterThan(0.3), "non-trivial");
            double xp = SkTapSolutions.Plefka(m, beta);
            Assert.That(xp, Is.EqualTo(p.Plefka).Within(1e-12));
            Assert.That(xp, Is.GreaterThanOrEqualTo(0));
            var h = Matrix<double>.Build.DenseOfRowMajor(N, N, TapNewton.Hessian(inst.Coupling, beta, m));
            double min = h.Evd(MathNet.Numerics.LinearAlgebra.Symmetricity.Symmetric).EigenValues.Min(z => z.Real);
            Assert.That(min, Is.GreaterThan(0), "a local minimum of F_TAP");
            Assert.That(min, Is.EqualTo(p.HessianMin).Within(1e-8 * Math.Max(1, h.L1Norm())));
            checkedPoints++;
        }
        Assert.That(checkedPoints, Is.GreaterThan(3));
    }

    [Test]
    public void TheTapStateIsTheMonteCarloState()
    {
        // A TAP state is the thermal average inside one ergodic component: the solution Newton reaches lies along the
        // Monte Carlo average that seeded it. The seed averages 50 sweeps, so each m_i carries sampling noise of order
        // sqrt((1 - m_i^2) tau / 50); seen cosines 0.94-0.99. An unrelated state would have cosine |q_ab| / q_EA, far below.
        foreach (var b in _result.Branches)
            Assert.That(b.SeedCosine, Is.GreaterThan(0.85), $"instance {b.Instance}, T = {b.FoundAt}");
    }

    [Test]
    public void Branches_AreContinuous_AndEndAtFolds()
    {
        // Points on the 0.01 J grid through the found temperature, each solution continuing the previous one (cosine > 0.95).
        // Where a state vanishes the end is located to 1/4096 of a step; near a fold the smallest Hessian eigenvalue goes as
        // sqrt|T - T_fold|, so there it is far below its largest value on the branch (< 0.2 of it; seen < 0.02).
        foreach (var b in _result.Branches)
        {
            var pts = b.Points;
            Assert.That(pts.Any(p => Math.Abs(p.Temperature - b.FoundAt) < 1e-9), "the found point is on the branch");
            for (int i = 1; i < pts.Count; i++)
            {
                Assert.That(pts[i].Temperature - pts[i - 1].Temperature, Is.EqualTo(Options.TemperatureStep).Within(1e-9));
                Assert.That(SkTapSolutions.Cosine(pts[i].Magnetizations, pts[i - 1].Magnetizations), Is.GreaterThan(0.95));
            }
            double lamMax = b.WithEnds.Max(p => p.HessianMin);
            Assert.That(lamMax, Is.GreaterThan(0));
            foreach (var (end, point) in new[] { (b.LowEnd, b.LowEndPoint), (b.HighEnd, b.HighEndPoint) })
                if (end == SkTapBranchEnd.Vanished)
                    Assert.That(point.HessianMin, Is.LessThan(0.2 * lamMax), $"instance {b.Instance}: fold at T = {point.Temperature}");
            Assert.That(b.LowEndPoint.Temperature, Is.LessThanOrEqualTo(pts[0].Temperature));
            Assert.That(b.HighEndPoint.Temperature, Is.GreaterThanOrEqualTo(pts[^1].Temperature));
        }
    }

    /// <summary>
    /// Each end follows its rule (options: step 0.01 J, range [0.3, 1.5] J): a Range end is the last grid point T0 + k step
    /// inside the range (1e-12 slack for the grid's rounding), the next one outside; a Paramagnet or Range end point is the
    /// branch's last grid point; a Vanished end point lies between the last grid point and the next one (located by 12
    /// halvings: at a multiple of step/4096 from the last point, 1e-9). Every point's q_EA and x_P are those of its
    /// magnetizations (1e-12) and every point is non-trivial.
    /// </summary>
    [Test]
    public void Branches_EndsFollowTheirRules()
    {
        double step = Options.TemperatureStep;
        foreach (var b in _result.Branches)
        {
            var pts = b.Points;
            foreach (var (end, point, last, limit, dir) in new[] { (b.LowEnd, b.LowEndPoint, pts[0], Options.LowestTemperature, -1), (b.HighEnd, b.HighEndPoint, pts[^1], Options.HighestTemperature, 1) })
            {
                if (end == SkTapBranchEnd.Vanished)
                {
                    double gap = dir * (point.Temperature - last.Temperature);
                    Assert.That(gap, Is.GreaterThanOrEqualTo(0).And.LessThan(step), $"instance {b.Instance}: located end beyond the last point");
                    double units = gap / (step / 4096);
                    Assert.That(units, Is.EqualTo(Math.Round(units)).Within(1e-6), "a multiple of step / 4096");
                }
                else
                {
                    Assert.That(point, Is.SameAs(last), $"instance {b.Instance}: the end point of a {end} end is the last grid point");
                    if (end == SkTapBranchEnd.Range)
                    {
                        Assert.That(dir * (last.Temperature - limit), Is.LessThanOrEqualTo(1e-12), "inside the range");
                        Assert.That(dir * (last.Temperature + dir * step - limit), Is.GreaterThan(1e-12), "the next grid point is outside");
                    }
                }
            }
            foreach (var p in b.WithEnds)
            {
                Assert.That(SkTapSolutions.EdwardsAnderson(p.Magnetizations), Is.EqualTo(p.Qea).Within(1e-12));
                Assert.That(SkTapSolutions.Plefka(p.Magnetizations, 1 / p.Temperature), Is.EqualTo(p.Plefka).Within(1e-12));
                Assert.That(p.Qea, Is.GreaterThan(SkTapSolutions.NonTrivialThreshold));
            }
        }
        Assert.That(_result.Branches.Select(b => b.LowEnd).Concat(_result.Branches.Select(b => b.HighEnd)).Distinct().Count(), Is.GreaterThan(1), "more than one kind of end seen");
    }

    [Test]
    public void DistinctBranches_AreDifferentStates()
    {
        // Two branches of one instance are never the same solution (up to m -> -m) at a shared temperature.
        foreach (var g in _result.Branches.GroupBy(b => b.Instance))
        {
            var list = g.ToList();
            for (int a = 0; a < list.Count; a++)
                for (int c = a + 1; c < list.Count; c++)
                    foreach (var p in list[a].Points)
                        foreach (var q in list[c].Points.Where(q => Math.Abs(q.Temperature - p.Temperature) < 1e-9))
                            Assert.That(Math.Abs(SkTapSolutions.Cosine(p.Magnetizations, q.Magnetizations)), Is.LessThan(1 - 1e-6));
        }
    }

    [Test]
    public void Result_DoesNotDependOnParallelism()
    {
        var serial = SkTapStates.Find(_instances.Take(3).ToArray(), [0.4], Options, parallelism: 1);
        var parallel = SkTapStates.Find(_instances.Take(3).ToArray(), [0.4], Options, parallelism: 2);
        Assert.That(parallel.Searches[0], Is.EqualTo(serial.Searches[0]));
        Assert.That(parallel.Branches.Count, Is.EqualTo(serial.Branches.Count));
        for (int k = 0; k < serial.Branches.Count; k++)
            Assert.That(parallel.Branches[k].Points.Select(p => p.Qea), Is.EqualTo(serial.Branches[k].Points.Select(p => p.Qea)));
    }

    [Test]
    public void InvalidArguments_Throw()
    {
        var one = _instances.Take(1).ToArray();
        Assert.Throws<ArgumentException>(() => SkTapStates.Find([], [0.5]));
        Assert.Throws<ArgumentOutOfRangeException>(() => SkTapStates.Find(one, [0.0]));
        Assert.Throws<ArgumentOutOfRangeException>(() => SkTapStates.Find(one, [0.5], new SkTapStateOptions { Starts = 0 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => SkTapStates.Find(one, [0.5], new SkTapStateOptions { AverageSweeps = 0 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => SkTapStates.Find(one, [0.5], new SkTapStateOptions { TemperatureStep = 0.2 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => SkTapStates.Find(one, [0.5], new SkTapStateOptions { LowestTemperature = 1, HighestTemperature = 0.5 }));
        Assert.Throws<ArgumentException>(() => SkTapStates.Find([one[0], SkInstances.Draw(50, 1.0, 3)], [0.5]));
    }

}
