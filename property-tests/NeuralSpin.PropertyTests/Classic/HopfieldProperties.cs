using FsCheck;
using FsCheck.Fluent;
using FsCheck.NUnit;
using NeuralSpin.PropertyTests.Support;
using NeuralSpin.Classic;
using PropertyAttribute = FsCheck.NUnit.PropertyAttribute;
using TestFixtureAttribute = NUnit.Framework.TestFixtureAttribute;

namespace NeuralSpin.PropertyTests.Classic;

/// <summary>A small Hopfield network (patterns as +-1 rows), a start configuration and a seed of the visiting order.</summary>
public sealed record HopfieldCase(sbyte[][] Patterns, sbyte[] Start, int Seed)
{
    public HopfieldNetwork Network() => new(Patterns);

    public override string ToString() =>
        $"N {Start.Length}, P {Patterns.Length}, seed {Seed}, patterns [{string.Join(" | ", Patterns.Select(p => string.Concat(p.Select(x => x > 0 ? '+' : '-'))))}], " +
        $"start {string.Concat(Start.Select(x => x > 0 ? '+' : '-'))}";
}

/// <summary>Generators: N in 2..30, P in 1..8 (loads up to 4, deep in the glassy regime), uniform +-1 entries.</summary>
public static class HopfieldArbitraries
{
    public static Arbitrary<HopfieldCase> HopfieldCase()
    {
        var spin = Gen.Elements((sbyte)-1, (sbyte)1);
        var gen =
            from n in Gen.Choose(2, 30)
            from p in Gen.Choose(1, 8)
            from patterns in spin.ArrayOf(n).ArrayOf(p)
            from start in spin.ArrayOf(n)
            from seed in Gen.Choose(0, 1_000_000)
            select new HopfieldCase(patterns, start, seed);
        return Arb.From(gen);
    }
}

/// <summary>Properties of the zero-temperature Hopfield dynamics (docs/theory.md section 8, papers/002 eq. 16).</summary>
[TestFixture]
public class HopfieldProperties
{
    /// <summary>
    /// Under T = 0 asynchronous dynamics the energy E(s) = -1/2 sum_{i != j} J_ij s_i s_j never increases (each flip
    /// changes it by -2|h_i| &lt; 0), the run ends at a fixed point (s_i h_i &gt;= 0 with the dense J), and its recorded energy
    /// equals the dense-J definition. Energies are exact rationals with denominator N of size &lt;= N P / 2 = 120: 1e-12.
    /// </summary>
    [SeededProperty(Arbitrary = new[] { typeof(HopfieldArbitraries) })]
    public Property ZeroTemperatureDynamics_LowersEnergy_AndEndsAtFixedPoint(HopfieldCase c)
    {
        var net = c.Network();
        var model = net.ToIsingModel();
        var run = HopfieldDynamics.Asynchronous(net, c.Start, new Random(c.Seed));
        bool monotone = run.EnergyPerSpin.Zip(run.EnergyPerSpin.Skip(1), (a, b) => b <= a).All(x => x);
        bool fixedPoint = Enumerable.Range(0, net.Size).All(i => run.Final[i] * model.LocalField(run.Final, i) >= -1e-12);
        double eDense = model.Energy(run.Final) / net.Size;
        bool energy = Math.Abs(eDense - run.EnergyPerSpin[^1]) <= 1e-12 && Math.Abs(model.Energy(c.Start) / net.Size - run.EnergyPerSpin[0]) <= 1e-12;
        return (run.Converged && monotone && fixedPoint && energy)
            .Label($"converged {run.Converged}, monotone {monotone}, fixed point {fixedPoint}, E/N {run.EnergyPerSpin[^1]} vs dense {eDense}");
    }

    /// <summary>The overlap identity h_i = sum_mu xi_i^mu m_mu - alpha s_i equals sum_j J_ij s_j of the dense Hebbian J (rounding only: 1e-12).</summary>
    [SeededProperty(Arbitrary = new[] { typeof(HopfieldArbitraries) })]
    public bool LocalFieldFromOverlaps_EqualsDenseField(HopfieldCase c)
    {
        var net = c.Network();
        var model = net.ToIsingModel();
        return Enumerable.Range(0, net.Size).All(i => Math.Abs(net.LocalField(c.Start, i) - model.LocalField(c.Start, i)) <= 1e-12);
    }
}
