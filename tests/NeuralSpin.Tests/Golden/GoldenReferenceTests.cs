using NUnit.Framework;
using NeuralSpin.Analysis;
using NeuralSpin.SpinModel;
using NeuralSpin.Tests.Support;

namespace NeuralSpin.Tests.Golden;

/// <summary>
/// The golden expectations checked against an origin independent of the library: <see cref="IndependentReference"/>
/// (own safetensors reader, MathNet dense eigenvalues, LDL^T inertia with bisection, golden section, the level spacing
/// of the full spectrum) recomputes each committed expected.json from its input.safetensors. expected.json itself was
/// written by the library (a regression guard); this fixture is what makes it an oracle. The spike cases add untrained
/// networks where beta_c exists and the crossing search runs at several levels (computed on the fly, both sides).
/// Tolerances (the golden README's, where they apply):
/// spectrum of J 1e-10 x spectral radius (both solvers backward stable, ~n eps ||J||);
/// C_k, lambda_min(R) 1e-12 relative (sums of squares);
/// curve minimum value 1e-9 absolute (second order in the location; eigenvalue rounding ~1e-13);
/// curve minimum location 1e-5 relative (a flat minimum is determined to ~sqrt(1e-12 / curvature));
/// crossings 1e-9 relative (the library brackets to 1e-10, the reference bisects the inertia to 1e-14; slope O(1));
/// the spacing ratio at the stored beta 1e-8 relative (spacings >~ 1e-3, eigenvalue errors ~1e-13).
/// </summary>
[TestFixture, NonParallelizable]
public class GoldenReferenceTests
{
    public static IEnumerable<string> Cases => GoldenCases.Names;

    [TestCaseSource(nameof(Cases))]
    public void ExpectedJson_AgreesWithTheIndependentReference(string name)
    {
        var expected = GoldenFiles.ReadExpected(name);
        var meta = GoldenFiles.ReadMeta(name);
        var r = IndependentReference.FromSafeTensors(GoldenFiles.InputPath(name));
        Assert.That(r.Widths, Is.EqualTo(expected.Widths), "widths");
        Assert.That(r.N, Is.EqualTo(expected.NSpins), "n_spins");

        var specJ = r.SpectrumJ();
        double radius = Math.Max(Math.Abs(specJ[0]), Math.Abs(specJ[^1]));
        NumericAssert.AllEqual(specJ, expected.SpectrumJ, 1e-10 * radius, 0, "spectrum_j");
        NumericAssert.AreEqualAbsolute(specJ[^1], expected.LambdaMaxJ, 1e-10 * radius, "lambda_max_j");
        NumericAssert.AllEqual(r.C, expected.CouplingVarianceC, 0, 1e-12, "coupling_variance_c");
        NumericAssert.AreEqualRelative(-r.D.Max(), expected.LambdaMinR, 1e-12, "lambda_min_r");

        var (betaStar, valueStar) = r.CurveMinimum(meta.BetaMax);
        NumericAssert.AreEqualAbsolute(valueStar, expected.CurveMinLambda, 1e-9, "curve_min_lambda");
        NumericAssert.AreEqualRelative(betaStar, expected.CurveMinBeta, 1e-5, "curve_min_beta");

        double? betaC = r.FirstCrossing(0, meta.BetaMax);
        AssertSame(betaC, expected.BetaC, "beta_c");
        if (meta.Level is double c0) AssertSame(r.FirstCrossing(c0, meta.BetaMax), expected.BetaCCorrected, "beta_c_corrected");
        else Assert.That(expected.BetaCCorrected, Is.Null, "beta_c_corrected without a level");

        // the spectrum of I - M and its first spacing ratio at the stored spacing_beta
        var tap = r.SpectrumTap(expected.SpacingBeta);
        double tapRadius = Math.Max(Math.Abs(tap[0]), Math.Abs(tap[^1]));
        NumericAssert.AllEqual(tap, expected.SpectrumTap, 1e-10 * tapRadius, 0, "spectrum_tap at spacing_beta");
        NumericAssert.AreEqualRelative(IndependentReference.SpacingRatio(tap)!.Value, expected.FirstLevelSpacingRatio!.Value, 1e-8, "first_level_spacing_ratio");
    }

    static void AssertSame(double? reference, double? actual, string what)
    {
        Assert.That(actual.HasValue, Is.EqualTo(reference.HasValue), $"{what}: reference {reference}, stored {actual}");
        if (reference is double rv) NumericAssert.AreEqualRelative(rv, actual!.Value, 1e-9, what);
    }

    /// <summary>
    /// An untrained network with a planted outlier: widths 40-30-20, C = 1, plus theta u v^T (unit u, v; theta = 3) in
    /// J^(1). The outlier pushes lambda_max(J) past the bulk edge, so the curve dips below 0 and beta_c exists (a uniform
    /// C would only rescale beta and never produce a zero at this size).
    /// </summary>
    static BondMatrix Spiked(int seed, double theta)
    {
        var b = BondMatrix.Sample(new[] { 40, 30, 20 }, new[] { 1.0 }, new Random(seed));
        var rng = new Random(seed + 1);
        var u = Enumerable.Range(0, 40).Select(_ => rng.NextDouble() - 0.5).ToArray();
        var v = Enumerable.Range(0, 30).Select(_ => rng.NextDouble() - 0.5).ToArray();
        double nu = Math.Sqrt(u.Sum(x => x * x)), nv = Math.Sqrt(v.Sum(x => x * x));
        var j1 = b.BlockCopy(1);
        for (int i = 0; i < 40; i++) for (int k = 0; k < 30; k++) j1[i * 30 + k] += theta * u[i] / nu * v[k] / nv;
        return new BondMatrix(new[] { 40, 30, 20 }, new[] { j1, b.BlockCopy(2) });
    }

    [TestCase(9601, 0.3)]
    [TestCase(9601, 0.05)]
    [TestCase(9601, -0.1)]
    [TestCase(9602, 0.2)]
    public void SpikedNetwork_BetaCAndLevelCrossings_AgreeWithTheIndependentReference(int seed, double level)
    {
        var j = Spiked(seed, 3.0);
        var blocks = new[] { j.BlockCopy(1), j.BlockCopy(2) };
        var r = new IndependentReference(j.Widths.ToArray(), blocks);
        var a = NetworkAnalysis.Run(j, new AnalysisOptions { Level = level, BetaMax = 10 });
        double? betaC = r.FirstCrossing(0, 10);
        Assert.That(betaC, Is.Not.Null, "premise: the spike makes beta_c exist");
        AssertSame(betaC, a.BetaC, "beta_c");
        AssertSame(r.FirstCrossing(level, 10), a.BetaCCorrected, $"beta_c({level})");
        var (betaStar, valueStar) = r.CurveMinimum(10);
        NumericAssert.AreEqualAbsolute(valueStar, a.CurveMinLambda, 1e-9, "curve minimum");
        NumericAssert.AreEqualRelative(betaStar, a.CurveMinBeta, 1e-5, "curve minimum location");
        NumericAssert.AreEqualRelative(IndependentReference.SpacingRatio(r.SpectrumTap(a.SpacingBeta))!.Value, a.FirstLevelSpacingRatio!.Value, 1e-8, "spacing ratio");
    }
}
