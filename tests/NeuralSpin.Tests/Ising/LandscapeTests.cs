using NUnit.Framework;
using NeuralSpin.Ising;
using NeuralSpin.Tests.Support;

namespace NeuralSpin.Tests.Ising;

/// <summary>The entropy landscape around a reference (P2 6-8, 19-20; docs/theory.md section 7) and iso-energy curves.</summary>
[TestFixture]
public class LandscapeTests
{
    const int TreeSeed = 3201;
    const int ReferenceSeed = 3202;
    const int GraphSeed = 3203;
    const int SkSeed = 3204;

    static readonly EntropyLandscapeOptions Tight = new() { Bp = new BpOptions { Tolerance = 1e-13, MaxIterations = 2000 } };

    static double[] Grid(double lo, double hi, double step) =>
        Enumerable.Range(0, (int)Math.Round((hi - lo) / step) + 1).Select(k => lo + k * step).ToArray();

    static sbyte[] RandomReference(Random r, int n) => Enumerable.Range(0, n).Select(_ => (sbyte)(r.Next(2) == 0 ? 1 : -1)).ToArray();

    /// <summary>Exact q, e and s of P_x(s) ∝ exp(-beta E + x s.s*) by enumeration.</summary>
    static (double Q, double E, double S) ExactPoint(IsingModel model, sbyte[] sStar, double x)
    {
        int n = model.Size;
        var exact = BpTestSupport.Enumerate(model, sStar.Select(v => x * v).ToArray());
        double q = 0;
        for (int i = 0; i < n; i++) q += exact.Magnetizations[i] * sStar[i];
        return (q / n, exact.Energy / n, exact.Entropy / n);
    }

    [TestCase(1.0)]
    [TestCase(1.7)]
    public void OnATree_TheLandscapeEqualsTheExactEntropyOfTheTiltedMeasure(double beta)
    {
        // BP is exact on trees: q, d, e and s = (1/N) ln Z(x) + beta e - x q must equal the enumerated overlap, energy
        // density and Gibbs entropy of P_x (tolerance as for BP on trees: 1e-10, see BpTests), in both sweeps.
        var r = new Random(TreeSeed);
        var model = BpTestSupport.RandomTree(r, 11, 1.3, 0.7, beta);
        var sStar = RandomReference(new Random(ReferenceSeed), 11);
        var xs = Grid(-2, 2, 0.5);
        var sweep = EntropyLandscape.Sweep(model, sStar, xs, Tight);
        Assert.That(sweep.AllConverged, Is.True);
        foreach (var points in new[] { sweep.Up, sweep.Down })
            for (int k = 0; k < xs.Length; k++)
            {
                var p = points[k];
                Assert.That(p.X, Is.EqualTo(xs[k]));
                var (q, e, s) = ExactPoint(model, sStar, p.X);
                NumericAssert.AreEqualAbsolute(q, p.Overlap, 1e-10, $"q at x={p.X}");
                NumericAssert.AreEqualAbsolute((1 - q) / 2, p.Distance, 1e-10, $"d at x={p.X}");
                NumericAssert.AreEqualAbsolute(e, p.EnergyDensity, 1e-10, $"e at x={p.X}");
                NumericAssert.AreEqualAbsolute(s, p.EntropyDensity, 1e-10, $"s at x={p.X}");
                // the definition of s with beta restored
                NumericAssert.AreEqualAbsolute(p.LnZPerSpin + beta * p.EnergyDensity - p.X * p.Overlap, p.EntropyDensity, 1e-13, "s definition");
                NumericAssert.AtMost(p.EntropyBound, p.EntropyDensity, 1e-12, $"s <= H(d) at x={p.X}");
            }
        // A finite tree has a unique BP fixed point, smooth in x: no hysteresis. (The jump statistic is not asserted here:
        // on this coarse grid, Δx = 0.5, a smooth d(x) legitimately moves by more than the default threshold 0.1.)
        TestContext.Out.WriteLine($"max |Δd| {sweep.MaxJump:G3}, max hysteresis {sweep.MaxHysteresis:G3}");
        Assert.That(sweep.HasHysteresis, Is.False);
        Assert.That(sweep.MaxHysteresis, Is.LessThan(1e-10));
        // d decreases with x (dq/dx = (1/N) Var(s.s*) >= 0)
        for (int k = 1; k < xs.Length; k++) Assert.That(sweep.Up[k].Distance, Is.LessThanOrEqualTo(sweep.Up[k - 1].Distance));
    }

    [Test]
    public void EntropyBound_HoldsOnAWeaklyCoupledLoopyModel()
    {
        // For the exact measure s <= H(d) always; BP on a weak SK model (J0 = 0.5, N = 60) has a Bethe error far below the
        // gap H(d) - s (which is O(1) in the interior), so the bound must hold with no slack beyond rounding.
        var model = BpTestSupport.Sk(new Random(SkSeed), 60, 0.5, 0.5, beta: 1.0);
        var sStar = RandomReference(new Random(ReferenceSeed), 60);
        var sweep = EntropyLandscape.Sweep(model, sStar, Grid(-3, 3, 0.25), Tight);
        Assert.That(sweep.AllConverged, Is.True);
        foreach (var p in sweep.Up.Concat(sweep.Down)) NumericAssert.AtMost(p.EntropyBound, p.EntropyDensity, 1e-12, $"s <= H(d) at x={p.X}");
        Assert.That(sweep.HasJump || sweep.HasHysteresis, Is.False);
    }

    /// <summary>
    /// A ferromagnet on a random 3-regular graph (N = 200, J = 1, h = 0) at beta = 1 &gt; atanh(1/2) ≈ 0.549 has two ordered
    /// BP states (the Bethe-lattice ferromagnet); with s* = all +1, x selects between them. Sweeping x up from -1 the
    /// "anti-reference" state persists past x = 0 until its spinodal, then d jumps from ~1 to ~0; sweeping down the
    /// reverse happens at -x_spinodal: a jump of order 0.9 and a hysteresis loop. The same graph at beta = 0.2
    /// (paramagnet) must show neither: there |Δd| per step 0.05 is at most χ Δx / 2 with χ = (1 + t)/(1 - 2t) ≈ 2,
    /// t = tanh 0.2, i.e. about 0.05, far below the threshold 0.2.
    /// </summary>
    [Test]
    public void FerromagnetOnRegularGraph_ShowsFirstOrderJumpAndHysteresis_ParamagnetDoesNot()
    {
        var graph = BpTestSupport.RandomRegular3(new Random(GraphSeed), 200, 1.0, 0.0, beta: 1.0);
        var sStar = Enumerable.Repeat((sbyte)1, 200).ToArray();
        var xs = Grid(-1, 1, 0.05);
        var options = Tight with { JumpThreshold = 0.2, HysteresisTolerance = 1e-4 };

        var cold = EntropyLandscape.Sweep(graph, sStar, xs, options);
        Assert.That(cold.AllConverged, Is.True);
        Assert.That(cold.HasJump && cold.HasHysteresis, Is.True, $"max jump {cold.MaxJump:G3}, max hysteresis {cold.MaxHysteresis:G3}");
        var upJump = cold.Jumps.Single(j => j.Upward);
        var downJump = cold.Jumps.Single(j => !j.Upward);
        TestContext.Out.WriteLine($"up jump {upJump}, down jump {downJump}, loop width at {cold.HysteresisAt.Min()}..{cold.HysteresisAt.Max()}");
        Assert.That(upJump.XTo, Is.GreaterThan(0), "up sweep: the anti-aligned state is metastable past x = 0");
        Assert.That(downJump.XTo, Is.LessThan(0), "down sweep: the aligned state is metastable below x = 0");
        Assert.That(upJump.DistanceFrom - upJump.DistanceTo, Is.GreaterThan(0.5));
        // the loop is symmetric under x -> -x (s -> -s symmetry of the zero-field ferromagnet)
        Assert.That(upJump.XTo, Is.EqualTo(-downJump.XTo).Within(1e-9));
        // at x = 0 the two sweeps sit in opposite states: d_up(0) + d_down(0) = 1
        int zero = Array.FindIndex(xs, x => Math.Abs(x) < 1e-12);
        Assert.That(cold.Up[zero].Distance + cold.Down[zero].Distance, Is.EqualTo(1.0).Within(1e-8));

        var hot = EntropyLandscape.Sweep(graph.WithBeta(0.2), sStar, xs, options);
        Assert.That(hot.AllConverged, Is.True);
        Assert.That(hot.HasJump || hot.HasHysteresis, Is.False, $"max jump {hot.MaxJump:G3}, max hysteresis {hot.MaxHysteresis:G3}");
        Assert.That(hot.MaxJump, Is.LessThan(0.06));
        Assert.That(hot.MaxHysteresis, Is.LessThan(1e-9));
    }

    [Test]
    public void IsoEnergy_OnATree_MatchesTheReferenceEnergyAndTheExactEntropy()
    {
        // At each x the solved beta must give e = E(s*)/N; the entropy there must equal the enumerated entropy of
        // P_x at that beta (tree: exact, 1e-9 allowing for the 1e-11 energy tolerance propagated through ds/de ~ beta).
        var r = new Random(TreeSeed + 1);
        var model = BpTestSupport.RandomTree(r, 10, 1.0, 0.5, beta: 1.0);
        // choose a reference of low energy so that beta > 0 solves the iso-energy condition for x near 0
        var ground = Enumerable.Range(0, 1 << 10).Select(c => Enumerable.Range(0, 10).Select(i => (sbyte)(((c >> i) & 1) == 0 ? 1 : -1)).ToArray())
                               .OrderBy(s => model.Energy(s)).Skip(3).First();
        double target = model.Energy(ground) / 10;
        var xs = Grid(-0.5, 1.0, 0.5);
        var iso = EntropyLandscape.IsoEnergy(model, ground, xs, Tight with { EnergyTolerance = 1e-11 });
        foreach (var p in iso.Up.Concat(iso.Down))
        {
            Assert.That(p.Converged, Is.True, $"x={p.X}");
            NumericAssert.AreEqualAbsolute(target, p.EnergyDensity, 1e-11, $"e at x={p.X}");
            var (q, e, s) = ExactPoint(model.WithBeta(p.Beta), ground, p.X);
            NumericAssert.AreEqualAbsolute(e, p.EnergyDensity, 1e-10, $"exact e at x={p.X}, beta={p.Beta}");
            NumericAssert.AreEqualAbsolute(q, p.Overlap, 1e-9, $"q at x={p.X}");
            NumericAssert.AreEqualAbsolute(s, p.EntropyDensity, 1e-9, $"s at x={p.X}");
            TestContext.Out.WriteLine($"x={p.X}: beta={p.Beta:F6} d={p.Distance:F6} s={p.EntropyDensity:F6}");
        }
        // beta(x) decreases as x grows: the tilt toward a low-energy reference already lowers the energy
        for (int k = 1; k < xs.Length; k++) Assert.That(iso.Up[k].Beta, Is.LessThan(iso.Up[k - 1].Beta));
    }

    [Test]
    public void IsoEnergy_UnreachableTarget_IsReportedNotSilent()
    {
        // The highest-energy configuration of a ferromagnetic tree lies above the beta = 0 energy of P_x for x >= 0:
        // reaching it would need beta < 0, so the point reports Converged = false and Beta = NaN.
        var j = new double[36];
        for (int k = 1; k < 6; k++) j[k * 6 + k - 1] = j[(k - 1) * 6 + k] = 1.0; // a chain
        var model = new IsingModel(6, j, new double[6], 1.0);
        var alternating = Enumerable.Range(0, 6).Select(i => (sbyte)(i % 2 == 0 ? 1 : -1)).ToArray();
        var iso = EntropyLandscape.IsoEnergy(model, alternating, new[] { 0.0, 0.5 }, Tight);
        Assert.That(iso.Up.All(p => !p.Converged && double.IsNaN(p.Beta)), Is.True);
        Assert.That(iso.AllConverged, Is.False);
    }

    [Test]
    public void InvalidArguments_AreRejected()
    {
        var model = BpTestSupport.RandomTree(new Random(1), 4, 1, 1, 1);
        sbyte[] ok = { 1, -1, 1, 1 };
        Assert.Throws<ArgumentException>(() => EntropyLandscape.Sweep(model, new sbyte[] { 1, -1, 1 }, new[] { 0.0 }));
        Assert.Throws<ArgumentException>(() => EntropyLandscape.Sweep(model, new sbyte[] { 1, 0, 1, 1 }, new[] { 0.0 }));
        Assert.Throws<ArgumentException>(() => EntropyLandscape.Sweep(model, ok, new[] { 0.0, 0.0 }));
        Assert.Throws<ArgumentException>(() => EntropyLandscape.Sweep(model, ok, Array.Empty<double>()));
        Assert.That(EntropyLandscape.BinaryEntropy(0), Is.EqualTo(0));
        Assert.That(EntropyLandscape.BinaryEntropy(0.5), Is.EqualTo(Math.Log(2)).Within(1e-15));
    }

    [Test]
    public void BoundedSweep_SpendsAtMostItsBudget_AndIsUnchangedWhenTheBudgetSuffices()
    {
        // The total BP budget bounds the work: once spent, every point runs on the reduced options (here 3 sweeps, at most 10),
        // so the total is at most the cap plus one full point's budget plus 3 per remaining point. A budget that is never reached
        // leaves the sweep identical to the unbounded one (same messages, same arithmetic: equality to the last bit).
        var model = BpTestSupport.Sk(new Random(SkSeed), 30, 0.5, 0.3, 1.0);
        var sStar = RandomReference(new Random(ReferenceSeed), 30);
        var xs = Grid(-1, 1, 0.25);
        var baseOptions = new EntropyLandscapeOptions { Bp = new BpOptions { Tolerance = 1e-13, MaxIterations = 500, Damping = 0.3 } };
        var free = EntropyLandscape.Sweep(model, sStar, xs, baseOptions);
        Assert.That(free.AllConverged, Is.True);
        Assert.That(free.TotalIterations, Is.EqualTo(free.Up.Concat(free.Down).Sum(p => (long)p.Iterations)));
        var roomy = EntropyLandscape.Sweep(model, sStar, xs, baseOptions with { MaxTotalIterations = free.TotalIterations + 1 });
        Assert.That(roomy.BudgetExhausted, Is.False);
        Assert.That(roomy.Up.Select(p => p.Distance), Is.EqualTo(free.Up.Select(p => p.Distance)));
        Assert.That(roomy.Down.Select(p => p.EntropyDensity), Is.EqualTo(free.Down.Select(p => p.EntropyDensity)));
        long cap = 40;
        var tight = EntropyLandscape.Sweep(model, sStar, xs, baseOptions with { MaxTotalIterations = cap, StuckBp = baseOptions.Bp with { MaxIterations = 3 } });
        Assert.That(tight.BudgetExhausted, Is.True);
        Assert.That(tight.TotalIterations, Is.LessThanOrEqualTo(cap + 500 + 3L * 2 * xs.Length));
        Assert.That(tight.Up.Concat(tight.Down).Count(p => !p.Converged), Is.GreaterThan(0), "3 sweeps cannot reach 1e-13 from a neighbour's messages");
    }
}
