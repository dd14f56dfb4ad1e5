using NeuralSpin.Ising;
using NeuralSpin.Numerics;
using NeuralSpin.Tests.Support;
using NUnit.Framework;
using static NeuralSpin.Tests.Support.ArgumentCheck;

namespace NeuralSpin.Tests.Ising;

/// <summary>
/// BP's iteration itself (<see cref="BpTests"/> checks its fixed points, which do not depend on the damping or the
/// visiting order): the first sweeps of both schedules against a reference written here from the update
/// h_{i->j} = b_i + sum_{k in di \ j} atanh(tanh K_ki tanh h_{k->i}), damped as (1 - d) F(h) + d h_old, started from
/// h_{i->j} = b_i; the random-sequential order is a Fisher-Yates shuffle of the previous sweep's order drawn from the
/// SplitMix stream of the seed (k = N-1 down to 1, swap k with Next(k + 1)), each visited spin's outgoing messages
/// computed from the current incoming ones. The couplings are small, so the reference's plain atanh form is accurate.
/// Also: the argument checks, the per-spin quantities, a NaN iterate.
/// </summary>
public class BpSweepReferenceTests
{
    /// <summary>A triangle 0-1-2 with a pendant spin 3 on spin 2 and a free spin 4, fields on every spin.</summary>
    static IsingModel Loopy(double beta)
    {
        const int n = 5;
        var j = new double[n * n];
        void Set(int a, int b, double v) { j[a * n + b] = v; j[b * n + a] = v; }
        Set(0, 1, 0.4); Set(1, 2, -0.3); Set(0, 2, 0.25); Set(2, 3, 0.5);
        return new IsingModel(n, j, [0.1, -0.2, 0.3, 0.15, -0.05], beta);
    }

    static (int From, int To)[] Edges(IsingModel model)
    {
        var edges = new List<(int, int)>();
        for (int i = 0; i < model.Size; i++)
            for (int k = 0; k < model.Size; k++)
                if (k != i && model.Coupling(i, k) != 0) edges.Add((i, k));
        return [.. edges];
    }

    /// <summary>The messages after <paramref name="sweeps"/> sweeps, by the reference described above.</summary>
    static double[] ReferenceSweeps(IsingModel model, int sweeps, double damping, int? seed)
    {
        var edges = Edges(model);
        double beta = model.Beta;
        double[] b = Enumerable.Range(0, model.Size).Select(i => beta * model.Field(i)).ToArray();
        var h = edges.Select(e => b[e.From]).ToArray();
        int Index(int from, int to) => Array.IndexOf(edges, (from, to));
        double Fresh(double[] msgs, int i, int j)
        {
            double f = b[i];
            for (int k = 0; k < model.Size; k++)
                if (k != i && k != j && model.Coupling(k, i) != 0)
                    f += Math.Atanh(Math.Tanh(beta * model.Coupling(k, i)) * Math.Tanh(msgs[Index(k, i)]));
            return f;
        }
        var rng = seed is { } s ? new SplitMixSource(s) : null;
        var order = Enumerable.Range(0, model.Size).ToArray();
        for (int t = 0; t < sweeps; t++)
        {
            if (rng is null)
            {
                var old = (double[])h.Clone();
                for (int e = 0; e < edges.Length; e++) h[e] = (1 - damping) * Fresh(old, edges[e].From, edges[e].To) + damping * old[e];
            }
            else
            {
                for (int k = order.Length - 1; k > 0; k--)
                {
                    int r = rng.Next(k + 1);
                    (order[k], order[r]) = (order[r], order[k]);
                }
                foreach (int i in order)
                {
                    // all outgoing messages of i from the incoming ones as they are when i is visited
                    var outgoing = Enumerable.Range(0, edges.Length).Where(e => edges[e].From == i).ToArray();
                    var fresh = outgoing.Select(e => Fresh(h, i, edges[e].To)).ToArray();
                    for (int a = 0; a < outgoing.Length; a++) h[outgoing[a]] = (1 - damping) * fresh[a] + damping * h[outgoing[a]];
                }
            }
        }
        return h;
    }

    /// <summary>The tolerance 1e-300 keeps BP from stopping; the messages after 1, 2 and 3 sweeps equal the reference's to
    /// 1e-14 (sums of a few atanh terms of size &lt; 1).</summary>
    [TestCase(0.0, null, TestName = "BP sweeps: synchronous, undamped")]
    [TestCase(0.5, null, TestName = "BP sweeps: synchronous, damping 1/2")]
    [TestCase(0.25, 7, TestName = "BP sweeps: random sequential (seed 7), damping 1/4")]
    [TestCase(0.0, 8, TestName = "BP sweeps: random sequential (seed 8), undamped")]
    public void FirstSweeps_EqualTheReference(double damping, int? seed)
    {
        var model = Loopy(1.3);
        var edges = Edges(model);
        for (int sweeps = 1; sweeps <= 3; sweeps++)
        {
            var r = BeliefPropagation.Run(model, new BpOptions
            {
                Tolerance = 1e-300, MaxIterations = sweeps, Damping = damping,
                Schedule = seed is null ? BpSchedule.Synchronous : BpSchedule.RandomSequential, Seed = seed ?? 0,
            });
            Assert.That(r.Iterations, Is.EqualTo(sweeps));
            Assert.That(r.Converged, Is.False);
            Assert.That(r.Messages.From.Zip(r.Messages.To), Is.EqualTo(edges.Select(e => (e.From, e.To))), "the canonical edge order");
            NumericAssert.AllEqual(ReferenceSweeps(model, sweeps, damping, seed), r.Messages.CavityFields, 1e-14, 0, $"messages after {sweeps} sweeps");
        }
    }

    /// <summary>The two seeds give different orders, and so different messages after two sweeps (the reference agrees with
    /// each, above): the seed reaches the shuffle.</summary>
    [Test]
    public void RandomSequential_TheSeedChangesTheOrder()
    {
        var model = Loopy(1.3);
        BpResult Two(int seed) => BeliefPropagation.Run(model, new BpOptions { Tolerance = 1e-300, MaxIterations = 2, Schedule = BpSchedule.RandomSequential, Seed = seed });
        Assert.That(Two(7).Messages.CavityFields, Is.Not.EqualTo(Two(8).Messages.CavityFields));
    }

    /// <summary>Per-spin values are totals over N: two independent spins with beta h = (0.6, -0.2) have
    /// ln Z = ln(2 cosh 0.6) + ln(2 cosh 0.2), F = -ln Z / beta, &lt;E&gt; = -sum h tanh(beta h), S = ln Z + beta &lt;E&gt;.</summary>
    [Test]
    public void PerSpinValues_OfIndependentSpins()
    {
        var model = new IsingModel(2, new double[4], [0.3, -0.1], beta: 2);
        var r = BeliefPropagation.Run(model);
        double lnZ = Math.Log(2 * Math.Cosh(0.6)) + Math.Log(2 * Math.Cosh(0.2));
        double e = -(0.3 * Math.Tanh(0.6) - 0.1 * Math.Tanh(-0.2));
        Assert.That(r.Converged, Is.True, "no edges: nothing to iterate");
        Assert.That(r.Iterations, Is.EqualTo(0));
        NumericAssert.AreEqualRelative(lnZ / 2, r.LnZPerSpin, 1e-15, "ln Z / N");
        NumericAssert.AreEqualRelative(-lnZ / 2 / 2, r.FreeEnergyPerSpin, 1e-15, "F / N");
        NumericAssert.AreEqualRelative(e / 2, r.EnergyPerSpin, 1e-15, "<E> / N");
        NumericAssert.AreEqualRelative((lnZ + 2 * e) / 2, r.EntropyPerSpin, 1e-15, "S / N");
        Assert.That(r.Size, Is.EqualTo(2));
    }

    /// <summary>beta h beyond float64 (1e200 x 1e200 = infinity) makes a cavity field infinite and the residual
    /// |inf - inf| NaN: BP stops after that sweep and does not call it converged.</summary>
    [Test]
    public void NanResidual_StopsWithoutConvergence()
    {
        var model = new IsingModel(2, [0, 1e-3, 1e-3, 0], [1e200, 0], beta: 1e200);
        var r = BeliefPropagation.Run(model, new BpOptions { MaxIterations = 50 });
        Assert.That(r.Converged, Is.False);
        Assert.That(r.Iterations, Is.EqualTo(1));
        Assert.That(r.FinalChange, Is.NaN);
    }

    static IEnumerable<TestCaseData> Checks()
    {
        var model = Loopy(1);
        int edges = Edges(model).Length;
        var own = BeliefPropagation.Run(model, new BpOptions { MaxIterations = 1 }).Messages;
        var nanMessages = own with { CavityFields = own.CavityFields.Select((v, e) => e == edges - 1 ? double.NaN : v).ToArray() };
        var infMessages = own with { CavityFields = own.CavityFields.Select((v, e) => e == 0 ? double.PositiveInfinity : v).ToArray() };
        yield return Null("BeliefPropagation.Run: the model must not be null", "model", () => BeliefPropagation.Run(null!)).ToCase();
        yield return Null("BeliefPropagation.DirectedEdges: the model must not be null", "model", () => BeliefPropagation.DirectedEdges(null!)).ToCase();
        yield return Range("BeliefPropagation.Run: tolerance > 0", "options", "tolerance must be > 0", () => BeliefPropagation.Run(model, new BpOptions { Tolerance = 0 })).ToCase();
        yield return Range("BeliefPropagation.Run: tolerance not NaN", "options", "tolerance must be > 0",
            () => BeliefPropagation.Run(model, new BpOptions { Tolerance = double.NaN })).ToCase();
        yield return Range("BeliefPropagation.Run: at least one sweep", "options", "at least one sweep is needed",
            () => BeliefPropagation.Run(model, new BpOptions { MaxIterations = 0 })).ToCase();
        yield return Range("BeliefPropagation.Run: damping below 1", "options", "damping must lie in [0, 1)", () => BeliefPropagation.Run(model, new BpOptions { Damping = 1 })).ToCase();
        yield return Range("BeliefPropagation.Run: damping not negative", "options", "damping must lie in [0, 1)",
            () => BeliefPropagation.Run(model, new BpOptions { Damping = -0.25 })).ToCase();
        yield return Range("BeliefPropagation.Run: damping not NaN", "options", "damping must lie in [0, 1)",
            () => BeliefPropagation.Run(model, new BpOptions { Damping = double.NaN })).ToCase();
        yield return Arg("BeliefPropagation.Run: N extra fields", "options", "expected 5 extra fields, got 4",
            () => BeliefPropagation.Run(model, new BpOptions { ExtraFields = new double[4] })).ToCase();
        yield return Arg("BeliefPropagation.Run: finite extra fields (last one)", "options", "extra fields must be finite",
            () => BeliefPropagation.Run(model, new BpOptions { ExtraFields = [0, 0, 0, 0, double.NaN] })).ToCase();
        yield return Arg("BeliefPropagation.Run: finite extra fields (infinite)", "options", "extra fields must be finite",
            () => BeliefPropagation.Run(model, new BpOptions { ExtraFields = [double.NegativeInfinity, 0, 0, 0, 0] })).ToCase();
        yield return Arg("BeliefPropagation.Run: initial messages of the same graph", "options", "belong to another coupling graph",
            () => BeliefPropagation.Run(model, new BpOptions { InitialMessages = own with { CavityFields = [.. own.CavityFields, 0] } })).ToCase();
        yield return Arg("BeliefPropagation.Run: finite initial messages (last one NaN)", "options", "initial messages must be finite",
            () => BeliefPropagation.Run(model, new BpOptions { InitialMessages = nanMessages })).ToCase();
        yield return Arg("BeliefPropagation.Run: finite initial messages (first one infinite)", "options", "initial messages must be finite",
            () => BeliefPropagation.Run(model, new BpOptions { InitialMessages = infMessages })).ToCase();
    }

    [TestCaseSource(nameof(Checks))]
    public void BadArguments_AreRefused(ArgumentCheck check) => check.Verify();

    /// <summary>The boundary values that pass: damping 0 and just below 1, one sweep, the smallest positive tolerance.</summary>
    [Test]
    public void BoundaryValues_AreAccepted()
    {
        var model = Loopy(1);
        Assert.That(BeliefPropagation.Run(model, new BpOptions { Damping = 0, MaxIterations = 1 }).Iterations, Is.EqualTo(1));
        Assert.That(BeliefPropagation.Run(model, new BpOptions { Damping = Math.BitDecrement(1.0), MaxIterations = 1 }).Iterations, Is.EqualTo(1));
        Assert.That(BeliefPropagation.Run(model, new BpOptions { Tolerance = double.Epsilon, MaxIterations = 1 }).Iterations, Is.EqualTo(1));
    }
}
