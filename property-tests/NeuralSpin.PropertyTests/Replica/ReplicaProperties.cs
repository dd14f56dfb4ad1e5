using FsCheck;
using FsCheck.Fluent;
using NeuralSpin.Replica;
using NeuralSpin.PropertyTests.Support;
using PropertyAttribute = FsCheck.NUnit.PropertyAttribute;
using TestFixtureAttribute = NUnit.Framework.TestFixtureAttribute;

namespace NeuralSpin.PropertyTests.Replica;

public sealed record EqualLayerCase(int LayerCount, int Width, double C, double Beta)
{
    public override string ToString() => $"{LayerCount} layers of width {Width}, C {C}, beta {Beta}";
}

public sealed record GeneralWidthCase(int[] Widths, double[] C)
{
    public override string ToString() => $"widths [{string.Join(",", Widths)}], C [{string.Join(",", C)}]";
}

/// <summary>Generators: layers 2..5, widths 1..8, C_k = k/20 for k in 1..60 (0.05..3), beta = k/20 for k in 1..40.</summary>
public static class ReplicaArbitraries
{
    public static Arbitrary<EqualLayerCase> EqualLayerCase() => Arb.From(
        from layers in Gen.Choose(2, 5)
        from width in Gen.Choose(1, 8)
        from c in SpinArbitraries.Grid(1, 60, 0.05)
        from beta in SpinArbitraries.Grid(1, 40, 0.05)
        select new EqualLayerCase(layers, width, c, beta));

    public static Arbitrary<GeneralWidthCase> GeneralWidthCase() => Arb.From(
        from layers in Gen.Choose(2, 5)
        from widths in Gen.Choose(1, 8).ArrayOf(layers)
        from c in SpinArbitraries.Grid(1, 60, 0.05).ArrayOf(layers - 1)
        select new GeneralWidthCase(widths, c));
}

/// <summary>Replica-symmetric stability (P1 15-18, docs/theory.md section 2).</summary>
[TestFixture]
public class ReplicaProperties
{
    /// <summary>P1 17: for equal layers the general T_c = sqrt(lambda_max(D^-1/2 B D^-1/2)) equals [2 C cos(pi/(L+2))]^(1/2).</summary>
    [SeededProperty(Arbitrary = new[] { typeof(ReplicaArbitraries) })]
    public Property EqualLayers_GeneralCriticalTemperature_EqualsClosedFormP1_17(EqualLayerCase e)
    {
        var widths = Enumerable.Repeat(e.Width, e.LayerCount).ToArray();
        double general = ReplicaHessian.CriticalTemperature(widths, new[] { e.C });
        double closed = ReplicaHessian.CriticalTemperatureEqualLayers(e.LayerCount, e.C);
        // Sturm bisection to ~2e-16 of the spectral scale (<= 2 C); sqrt halves the relative error: 1e-13 is safe.
        return (Math.Abs(general - closed) <= 1e-13 * closed).Label($"general {general:R}, P1 17 {closed:R}");
    }

    /// <summary>P1 16: for equal layers the eigenvalues of H(beta) are n [1 - 2 beta^2 C cos((k+1) pi/(L+2))].</summary>
    [SeededProperty(Arbitrary = new[] { typeof(ReplicaArbitraries) })]
    public Property EqualLayers_HessianEigenvalues_EqualP1_16(EqualLayerCase e)
    {
        var widths = Enumerable.Repeat(e.Width, e.LayerCount).ToArray();
        var actual = ReplicaHessian.Eigenvalues(widths, new[] { e.C }, e.Beta);
        var expected = ReplicaHessian.EigenvaluesEqualLayers(e.LayerCount, e.Width, e.C, e.Beta);
        var oracle = Oracle.Eigenvalues(ReplicaHessian.Matrix(widths, new[] { e.C }, e.Beta), e.LayerCount);
        // ||H|| <= n (1 + 2 beta^2 C) <= 8 * 25; bisection and MathNet both resolve ~1e-15 of that: 1e-12 * scale.
        double scale = e.Width * (1 + 2 * e.Beta * e.Beta * e.C);
        double worst = actual.Zip(expected, (a, b) => Math.Abs(a - b)).Max();
        double worstOracle = actual.Zip(oracle, (a, b) => Math.Abs(a - b)).Max();
        return (worst <= 1e-12 * scale && worstOracle <= 1e-12 * scale)
            .Label($"max |Sturm - P1 16| {worst:G3}, max |Sturm - MathNet| {worstOracle:G3}, scale {scale}");
    }

    /// <summary>
    /// General widths: H(beta) = D^1/2 (I - beta^2 A) D^1/2 with A = D^-1/2 B D^-1/2, so at beta = 1/T_c its smallest
    /// eigenvalue is 0; just above T_c (beta 1e-6 relative smaller) it is positive definite, just below indefinite.
    /// </summary>
    [SeededProperty(Arbitrary = new[] { typeof(ReplicaArbitraries) })]
    public Property GeneralWidths_HessianSingularAtTc_PositiveDefiniteAbove(GeneralWidthCase g)
    {
        double tc = ReplicaHessian.CriticalTemperature(g.Widths, g.C);
        int m = g.Widths.Length;
        double scale = g.Widths.Max();
        double AtBeta(double beta) => Oracle.Eigenvalues(ReplicaHessian.Matrix(g.Widths, g.C, beta), m)[0];
        double atTc = AtBeta(1 / tc);
        // At T_c the matrix entries are O(max N_k) and its eigenvalues are resolved to ~1e-15 of that; T_c itself
        // carries ~1e-16 relative, moving lambda_min by ~2 max N * 1e-16. 1e-12 * max N is safe.
        // Off T_c by a relative 1e-6 in beta, congruence gives |lambda_min| >= min N * (1 - (1 -+ 1e-6)^2) ~ 2e-6 min N >> 1e-12 max N.
        double above = AtBeta((1 - 1e-6) / tc), below = AtBeta((1 + 1e-6) / tc);
        return (Math.Abs(atTc) <= 1e-12 * scale && above > 0 && below < 0)
            .Label($"T_c {tc:R}: lambda_min at 1/T_c {atTc:G3}, above T_c {above:G3}, below T_c {below:G3}");
    }
}
