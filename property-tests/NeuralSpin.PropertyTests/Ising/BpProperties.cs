using FsCheck;
using FsCheck.Fluent;
using FsCheck.NUnit;
using NeuralSpin.PropertyTests.Support;
using NeuralSpin.Ising;
using PropertyAttribute = FsCheck.NUnit.PropertyAttribute;
using TestFixtureAttribute = NUnit.Framework.TestFixtureAttribute;

namespace NeuralSpin.PropertyTests.Ising;

/// <summary>A random tree (spin k &gt; 0 hangs from Parents[k-1] &lt; k) with grid-valued couplings (a zero coupling cuts
/// the edge, giving a forest), fields and an inverse temperature.</summary>
public sealed record BpTreeCase(int[] Parents, double[] Couplings, double[] Fields, double Beta)
{
    public int Size => Fields.Length;

    public IsingModel Model()
    {
        int n = Size;
        var j = new double[n * n];
        for (int k = 1; k < n; k++)
        {
            int p = Parents[k - 1];
            j[k * n + p] = j[p * n + k] = Couplings[k - 1];
        }
        return new IsingModel(n, j, Fields, Beta);
    }

    public override string ToString() =>
        $"N {Size}, beta {Beta}, parents [{string.Join(",", Parents)}], J [{string.Join(",", Couplings)}], h [{string.Join(",", Fields)}]";
}

/// <summary>Generators: N in 1..10 (2^10 enumeration stays cheap), parent of spin k uniform in 0..k-1, couplings k/10 for
/// k in -15..15, fields k/10 for k in -10..10, beta k/10 for k in 1..25.</summary>
public static class BpArbitraries
{
    public static Arbitrary<BpTreeCase> BpTreeCase()
    {
        static Gen<double> Grid(int lo, int hi, double scale) => Gen.Choose(lo, hi).Select(k => k * scale);
        var gen =
            from n in Gen.Choose(1, 10)
            from parents in Gen.CollectToArray(Enumerable.Range(1, n - 1), k => Gen.Choose(0, k - 1))
            from couplings in Grid(-15, 15, 0.1).ArrayOf(n - 1)
            from fields in Grid(-10, 10, 0.1).ArrayOf(n)
            from beta in Grid(1, 25, 0.1)
            select new BpTreeCase(parents, couplings, fields, beta);
        return Arb.From(gen);
    }
}

/// <summary>BP (P2 14-16) is exact on trees and forests: every output equals 2^N enumeration.</summary>
[TestFixture]
public class BpProperties
{
    /// <summary>
    /// m, &lt;s_i s_j&gt; of coupled pairs, ln Z = -beta F, &lt;E&gt; and S from BP equal the enumerated values. BP is solved
    /// to a residual of 1e-13; observables are sums of at most 2N O(1) terms (|beta J| &lt;= 3.75, |beta h| &lt;= 2.5, so no
    /// saturation), giving ~1e-13 errors; tolerance 1e-9.
    /// </summary>
    [SeededProperty(Arbitrary = new[] { typeof(BpArbitraries) }, MaxTest = 200)]
    public Property BpOnTreesEqualsEnumeration(BpTreeCase c)
    {
        bool ok = Check(c, out string label);
        return ok.Label(label);
    }

    static bool Check(BpTreeCase c, out string label)
    {
        var model = c.Model();
        var bp = BeliefPropagation.Run(model, new BpOptions { Tolerance = 1e-13, MaxIterations = 1000 });
        var (m, corr, lnZ, energy, entropy) = NeuralSpin.Tests.Ising.BpTestSupport.Enumerate(model);
        int n = model.Size;
        const double tol = 1e-9;
        bool ok = bp.Converged
                  && Math.Abs(bp.LnZ - lnZ) <= tol
                  && Math.Abs(-model.Beta * bp.FreeEnergy - lnZ) <= tol
                  && Math.Abs(bp.Energy - energy) <= tol
                  && Math.Abs(bp.Entropy - entropy) <= tol
                  && Enumerable.Range(0, n).All(i => Math.Abs(bp.Magnetizations[i] - m[i]) <= tol)
                  && bp.Pairs.All(p => Math.Abs(p.Correlation - corr[p.I * n + p.J]) <= tol)
                  && bp.Pairs.Count == c.Couplings.Count(v => v != 0);
        label = ($"converged {bp.Converged}, ln Z {bp.LnZ:R} vs {lnZ:R}, <E> {bp.Energy:R} vs {energy:R}, S {bp.Entropy:R} vs {entropy:R}, " +
                        $"max |dm| {Enumerable.Range(0, n).Max(i => Math.Abs(bp.Magnetizations[i] - m[i])):G3}");
        return ok;
    }

    /// <summary>Replay: a single spin (no edges) and a two-spin chain with a zero coupling (an empty forest).</summary>
    [NUnit.Framework.Test]
    public void Replay_DegenerateForests()
    {
        foreach (var c in new[]
                 {
                     new BpTreeCase(Array.Empty<int>(), Array.Empty<double>(), new[] { 0.7 }, 1.3),
                     new BpTreeCase(new[] { 0 }, new[] { 0.0 }, new[] { -0.4, 1.0 }, 2.5),
                 })
            NUnit.Framework.Assert.That(Check(c, out string label), NUnit.Framework.Is.True, $"{c}: {label}");
    }
}
