using FsCheck;
using FsCheck.Fluent;
using NeuralSpin.PropertyTests.Support;
using NeuralSpin.Spectra;
using PropertyAttribute = FsCheck.NUnit.PropertyAttribute;
using TestFixtureAttribute = NUnit.Framework.TestFixtureAttribute;

namespace NeuralSpin.PropertyTests.Spectra;

public sealed record SpectrumCase(double[] Values, double Shift, double Scale)
{
    public override string ToString() => $"values [{string.Join(",", Values)}], shift {Shift}, scale {Scale}";
}

/// <summary>Generators: 0..30 eigenvalues k/10 for k in -50..50 (ties allowed), shifts k/4 (-20..20), scales k/2 (1..8).</summary>
public static class SpectrumArbitraries
{
    public static Arbitrary<SpectrumCase> SpectrumCase() => Arb.From(
        from n in Gen.Choose(0, 30)
        from v in SpinArbitraries.Grid(-50, 50, 0.1).ArrayOf(n)
        from shift in SpinArbitraries.Grid(-20, 20, 0.25)
        from scale in SpinArbitraries.Grid(1, 8, 0.5)
        select new SpectrumCase(v, shift, scale));
}

/// <summary>The normalized first level spacing s_0 / s_typ (P1 sec. 3.3, docs/theory.md section 6).</summary>
[TestFixture]
public class LevelSpacingProperties
{
    /// <summary>
    /// s_0 / s_typ is invariant under e -> a e + b (a &gt; 0) and under reordering the input; it exists in both or neither.
    /// Rounding of a e + b is ~1e-15 * 30 absolute against spacings &gt;= 0.05 (the grid, halved by the median's mean),
    /// so the ratio agrees to 1e-12 relative. Exact ties stay exact ties (same operation on equal numbers).
    /// </summary>
    [SeededProperty(Arbitrary = new[] { typeof(SpectrumArbitraries) })]
    public Property FirstSpacingRatio_InvariantUnderShiftAndPositiveScaling(SpectrumCase s)
    {
        var r0 = LevelSpacing.FirstSpacingRatio(s.Values);
        var r1 = LevelSpacing.FirstSpacingRatio(s.Values.Select(e => s.Scale * e + s.Shift).Reverse().ToArray());
        bool ok = r0.HasValue == r1.HasValue && (!r0.HasValue || Math.Abs(r0.Value - r1!.Value) <= 1e-12 * Math.Max(1, r0.Value));
        return ok.Label($"ratio {r0} vs transformed {r1}");
    }
}
