using MathNet.Numerics.LinearAlgebra;
using NUnit.Framework;
using NeuralSpin.Classic;
using NeuralSpin.Ising;
using NeuralSpin.Numerics;
using NeuralSpin.SpinModel;
using NeuralSpin.Tap;
using NeuralSpin.Tests.Support;

namespace NeuralSpin.Tests.Classic;

/// <summary>
/// <see cref="SkTapStates.Find"/> against a replay written here from its definition, and its invariance under the coupling
/// scale. Three of the eight instances of <see cref="SkTapStatesTests"/> (those with valid states: 1, 2, 6) at T = 0.4 and 0.6
/// J, with the same options, so each (instance, temperature) search draws the same Monte Carlo streams.
/// </summary>
[TestFixture]
public class SkTapStatesReferenceTests
{
    const int N = 100;
    static readonly int[] Picked = [1, 2, 6];
    static readonly double[] Temperatures = [0.4, 0.6];
    static readonly SkTapStateOptions Options = new() { Seed = Seeds.Derive(1, N, -3) };

    static SkInstance[] Instances(double scale) =>
        Picked.Select(k => SkInstances.Draw(N, scale, SkInstances.InstanceSeed(1, N, k))).ToArray();

    /// <summary>One run of the search replayed from the definition: a greedy quench from a uniform random configuration, heat-bath
    /// Monte Carlo at T (500 sweeps to equilibrate, 50 averaged), the seed m_i = mean of tanh(beta (J s)_i) (clamped inside
    /// (-1, 1)), Newton's method on the TAP equations (budget 30), and the end point characterised by q_EA, x_P, F_TAP / N
    /// and the smallest Hessian eigenvalue from MathNet's dense solver.</summary>
    sealed record Run(bool Converged, double Qea, double Plefka, double HessianMin, double FreeEnergyPerSpin, double SeedCosine);

    static Run Replay(SkInstance inst, double t, int temperatureIndex, int b, SkTapStateOptions options)
    {
        int n = inst.Size;
        double beta = 1 / t;
        var rng = new SplitMixSource(Seeds.Derive(Seeds.Derive(options.Seed, inst.Seed, temperatureIndex), n, b));
        var start = SkTapSolutions.Quench(inst, rng).Select(x => (sbyte)x).ToArray();
        var model = new IsingModel(n, inst.Coupling.ToDenseRowMajor(), new double[n], beta);
        var mc = MonteCarlo.Run(model, new MonteCarloOptions { BurnInSweeps = options.EquilibrationSweeps, Samples = options.AverageSweeps, Initial = start }, rng);
        var jm = Matrix<double>.Build.DenseOfRowMajor(n, n, inst.Coupling.ToDenseRowMajor());
        var seed = new double[n];
        for (int k = 0; k < mc.Samples.SampleCount; k++)
        {
            var s = Vector<double>.Build.Dense(n, i => mc.Samples.Sample(k)[i]);
            var field = jm * s;
            for (int i = 0; i < n; i++) seed[i] += Math.Tanh(beta * field[i]) / mc.Samples.SampleCount;
        }
        for (int i = 0; i < n; i++) seed[i] = Math.Clamp(seed[i], -(1 - 1e-9), 1 - 1e-9);
        var r = TapNewton.Solve(inst.Coupling, beta, seed, new TapNewtonOptions { MaxIterations = 30 });
        if (!r.Converged) return new Run(false, double.NaN, double.NaN, double.NaN, double.NaN, double.NaN);
        var m = r.Magnetizations;
        double q = m.Average(x => x * x), xp = 1 - beta * beta * m.Average(x => (1 - x * x) * (1 - x * x));
        double hmin = DenseReference.Eigenvalues(TapNewton.Hessian(inst.Coupling, beta, m), n)[0];
        double cos = seed.Zip(m, (a, c) => a * c).Sum() / Math.Sqrt(seed.Sum(a => a * a) * m.Sum(c => c * c));
        return new Run(true, q, xp, hmin, TapFreeEnergy.Evaluate(inst.Coupling, beta, m) / n, cos);
    }

    /// <summary>
    /// The three SK instances at both temperatures, and two Curie-Weiss blocks of 20 spins (J_ij = 3/40 within a block,
    /// 0.2/40 across) at T = 0.6: each block is magnetised (|m| ~ 0.98) and the weak coupling across leaves two valid states
    /// up to m -> -m, blocks aligned (lower F) and opposed, with slightly different q_EA, so the choice of the lowest-F state
    /// is seen.
    /// </summary>
    static IEnumerable<TestCaseData> SearchCases()
    {
        yield return new TestCaseData(Instances(1), Temperatures, Options).SetArgDisplayNames("SK N=100, instances 1 2 6");
        yield return new TestCaseData(new[] { MeanFieldInstances.TwoBlocks(40, 3.0, 0.2, seed: 77) }, new[] { 0.6 }, Options with { Starts = 8 }).SetArgDisplayNames("two ferromagnetic blocks");
    }

    [TestCaseSource(nameof(SearchCases))]
    public void Searches_AgreeWithTheReplayedRuns(SkInstance[] inst, double[] temperatures, SkTapStateOptions options)
    {
        // Counts per class (not converged; trivial q_EA <= 1e-8; x_P < 0; saddle; valid = x_P >= 0 and a positive definite
        // Hessian) exact; the means over instances of the lowest-F valid state's q_EA, x_P and seed cosine to 1e-9 (the same
        // Newton end points; the Hessian's eigenvalues only decide the class, and no valid state here is near 0: checked; the
        // seed cosine within the range its ties allow).
        var result = SkTapStates.Find(inst, temperatures, options, parallelism: 2);
        for (int ti = 0; ti < temperatures.Length; ti++)
        {
            double t = temperatures[ti];
            var runs = Enumerable.Range(0, inst.Length).Select(i => Enumerable.Range(0, options.Starts).Select(b => Replay(inst[i], t, ti, b, options)).ToArray()).ToArray();
            var all = runs.SelectMany(r => r).ToArray();
            bool Trivial(Run r) => r.Converged && r.Qea <= SkTapSolutions.NonTrivialThreshold;
            bool Physical(Run r) => r.Converged && !Trivial(r) && r.Plefka >= 0;
            bool Valid(Run r) => Physical(r) && r.HessianMin > 0;
            Assert.That(all.Where(Physical).Select(r => Math.Abs(r.HessianMin)), Is.All.GreaterThan(1e-6), "no class decided by rounding");
            var s = result.Searches[ti];
            Assert.That(s.Temperature, Is.EqualTo(t));
            Assert.That(s.Runs, Is.EqualTo(all.Length));
            Assert.That(s.NotConverged, Is.EqualTo(all.Count(r => !r.Converged)), $"T = {t}: not converged");
            Assert.That(s.Trivial, Is.EqualTo(all.Count(Trivial)), "trivial");
            Assert.That(s.PlefkaViolated, Is.EqualTo(all.Count(r => r.Converged && !Trivial(r) && r.Plefka < 0)), "x_P < 0");
            Assert.That(s.Saddles, Is.EqualTo(all.Count(r => Physical(r) && !Valid(r))), "saddles");
            Assert.That(s.Valid, Is.EqualTo(all.Count(Valid)), "valid");
            var best = runs.Where(r => r.Any(Valid)).Select(r => r.Where(Valid).MinBy(x => x.FreeEnergyPerSpin)!).ToArray();
            Assert.That(best, Is.Not.Empty, $"T = {t}: a valid state (these instances have them)");
            Assert.That(s.InstancesWithValid, Is.EqualTo(best.Length));
            NumericAssert.AreEqualAbsolute(best.Average(x => x.Qea), s.QeaMean, 1e-9, "mean q_EA of the lowest-F valid states");
            NumericAssert.AreEqualAbsolute(best.Average(x => x.Plefka), s.PlefkaMean, 1e-9, "mean x_P");
            // runs that reach the same state (F equal to 1e-12) tie for the lowest F; each brings its own seed cosine
            var tied = runs.Where(r => r.Any(Valid)).Select(r => r.Where(x => Valid(x) && x.FreeEnergyPerSpin <= r.Where(Valid).Min(y => y.FreeEnergyPerSpin) + 1e-12).Select(x => x.SeedCosine).ToArray()).ToArray();
            Assert.That(s.SeedCosineMean, Is.InRange(tied.Average(c => c.Min()) - 1e-9, tied.Average(c => c.Max()) + 1e-9), "mean seed cosine of the lowest-F valid states");
            if (inst[0].Size == 40)
                Assert.That(runs[0].Where(Valid).Max(x => x.FreeEnergyPerSpin) - runs[0].Where(Valid).Min(x => x.FreeEnergyPerSpin), Is.GreaterThan(1e-6), "both block states found");
            NumericAssert.AreEqualAbsolute(SkReplicaSymmetric.OrderParameter(t), s.ReplicaSymmetricQ, 1e-12, "RS q");
        }
    }

    [Test]
    public void Find_IsInvariantUnderTheCouplingScale()
    {
        // J -> 2 J with T -> 2 T leaves beta J_ij, hence the Monte Carlo runs, the TAP equations and every solution, unchanged;
        // the temperature step and range are in units of J. So the J = 2 result is the J = 1 result with T, F_TAP and the
        // Hessian doubled (1e-9 relative: scaling by 2 is exact in floating point, the slack covers the eigensolver).
        // T = 0.604 J lies between grid points of the branch found at 0.4 J: a state found there is recognised as on that branch
        // by continuing the nearest branch point (within one step, in units of J) to it.
        double[] temps = [0.4, 0.604];
        var one = SkTapStates.Find(Instances(1), temps, Options, parallelism: 2);
        var two = SkTapStates.Find(Instances(2), temps.Select(t => 2 * t).ToArray(), Options, parallelism: 2);
        for (int ti = 0; ti < temps.Length; ti++)
        {
            var (a, b) = (one.Searches[ti], two.Searches[ti]);
            Assert.That(b, Is.EqualTo(a with { Temperature = 2 * a.Temperature }), $"search at T = {a.Temperature} J");
        }
        Assert.That(one.Branches, Is.Not.Empty);
        Assert.That(two.Branches.Count, Is.EqualTo(one.Branches.Count), "branches");
        Assert.That(one.Branches.Select(x => x.LowEnd).Concat(one.Branches.Select(x => x.HighEnd)), Does.Contain(SkTapBranchEnd.Range), "a branch reaches the range's end");
        for (int k = 0; k < one.Branches.Count; k++)
        {
            var (a, b) = (one.Branches[k], two.Branches[k]);
            Assert.That((b.Instance, b.LowEnd, b.HighEnd), Is.EqualTo((a.Instance, a.LowEnd, a.HighEnd)), $"branch {k}");
            Assert.That(b.FoundAt, Is.EqualTo(2 * a.FoundAt).Within(1e-12));
            NumericAssert.AreEqualAbsolute(a.SeedCosine, b.SeedCosine, 1e-12, "seed cosine");
            var (pa, pb) = (a.WithEnds, b.WithEnds);
            Assert.That(pb.Count, Is.EqualTo(pa.Count), $"branch {k}: points");
            for (int i = 0; i < pa.Count; i++)
            {
                Assert.That(pb[i].Temperature, Is.EqualTo(2 * pa[i].Temperature).Within(1e-12), "T");
                Assert.That(pb[i].Qea, Is.EqualTo(pa[i].Qea).Within(1e-9), "q_EA");
                Assert.That(pb[i].Plefka, Is.EqualTo(pa[i].Plefka).Within(1e-9), "x_P");
                Assert.That(pb[i].HessianMin, Is.EqualTo(2 * pa[i].HessianMin).Within(1e-9 * Math.Max(1, Math.Abs(pa[i].HessianMin))), "Hessian");
                Assert.That(pb[i].FreeEnergyPerSpin, Is.EqualTo(2 * pa[i].FreeEnergyPerSpin).Within(1e-9 * Math.Abs(pa[i].FreeEnergyPerSpin)), "F / N");
            }
        }
    }
}
