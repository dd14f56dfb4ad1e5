using System.Diagnostics;
using System.Globalization;
using NUnit.Framework;

namespace NeuralSpin.Tests.Golden;

/// <summary>
/// The committed expected.json of the trained golden cases (the library's own output) checked against
/// <see cref="IndependentReference"/>: c_0 = the reference's curve minimum of checkpoint-t0, then the reference's whole
/// analysis of checkpoint-final at that level. The tolerances are those of <see cref="TrainedGoldenTests"/> (the library
/// takes these curves from certified Lanczos, 826-890 spins); the reference's own errors are far below them (dense
/// spectra, slope bisection, inertia bisection). Slow: a few hundred dense eigendecompositions and LDL^T factorisations
/// of 826-890 spins in managed code, several minutes per case.
/// </summary>
[TestFixture, NonParallelizable, Category("Slow")]
public class TrainedGoldenReferenceTests
{
    static string R(double x) => x.ToString("R", CultureInfo.InvariantCulture);

    [Test, TestCaseSource(typeof(TrainedGoldenCases), nameof(TrainedGoldenCases.Names))]
    public void Expected_AgreesWithTheIndependentReference(string caseName)
    {
        var c = TrainedGoldenCases.Get(caseName);
        var e = GoldenFiles.ReadExpected(caseName);
        var n = caseName;
        var watch = Stopwatch.StartNew();
        var (_, c0) = IndependentReference.FromSafeTensors(TrainedGoldenFiles.InitialPath(caseName)).CurveMinimum(c.BetaMax);
        TestContext.Progress.WriteLine($"[trained-reference] {n}: c_0 = {R(c0)} after {watch.Elapsed.TotalSeconds:F0} s");
        var reference = IndependentReference.FromSafeTensors(TrainedGoldenFiles.FinalPath(caseName));
        var r = reference.Analyse(c0, c.BetaMax);
        TestContext.Progress.WriteLine($"[trained-reference] {n}: analysis after {watch.Elapsed.TotalSeconds:F0} s");

        double rhoJ = Math.Max(Math.Abs(r.SpectrumJ[0]), Math.Abs(r.SpectrumJ[^1]));
        double rhoTap = Math.Max(Math.Abs(r.SpectrumTap[0]), Math.Abs(r.SpectrumTap[^1]));
        // the stored beta_c(c_0) answers the stored level; a level shift dc moves the crossing by dc / |lambda_min'|
        double slope = Math.Abs(reference.LambdaMinWithSlope(r.BetaCCorrected!.Value).Slope);
        double levelShift = Math.Abs(e.Level!.Value - c0) / slope;
        double CorrectedTol(double beta) => GoldenTests.CrossingRelative * beta + levelShift;
        double db = Math.Abs(e.SpacingBeta - r.SpacingBeta);
        double tapTol = GoldenTests.SpectrumRelative * rhoTap + db * rhoJ + Math.Abs(e.SpacingBeta * e.SpacingBeta - r.SpacingBeta * r.SpacingBeta) * -r.LambdaMinR;

        TestContext.Out.WriteLine($"{n}: measured |stored - reference|: level {R(Math.Abs(e.Level.Value - c0))}, curve_min_lambda {R(Math.Abs(e.CurveMinLambda - r.CurveMinLambda))}, " +
            $"curve_min_beta {R(Math.Abs(e.CurveMinBeta - r.CurveMinBeta) / r.CurveMinBeta)} relative, beta_c {R(Math.Abs(e.BetaC!.Value - r.BetaC!.Value) / r.BetaC.Value)} relative, " +
            $"beta_c_corrected {R(Math.Abs(e.BetaCCorrected!.Value - r.BetaCCorrected.Value) / r.BetaCCorrected.Value)} relative, " +
            $"spectrum_j {R(e.SpectrumJ.Zip(r.SpectrumJ).Max(p => Math.Abs(p.First - p.Second)) / rhoJ)} of the radius, " +
            $"spectrum_tap {R(e.SpectrumTap.Zip(r.SpectrumTap).Max(p => Math.Abs(p.First - p.Second)) / rhoTap)} of the radius, " +
            $"ratio {R(Math.Abs(e.FirstLevelSpacingRatio!.Value - r.FirstLevelSpacingRatio!.Value) / r.FirstLevelSpacingRatio.Value)} relative");

        Assert.Multiple(() =>
        {
            Assert.That(e.NSpins, Is.EqualTo(r.NSpins), $"{n}: n_spins");
            Assert.That(e.Widths, Is.EqualTo(r.Widths), $"{n}: widths");
            GoldenAssert.AllClose(n, "coupling_variance_c", r.CouplingVarianceC, e.CouplingVarianceC, GoldenTests.ManagedSumsRelative * r.CouplingVarianceC.Max(), "sums of squares");
            GoldenAssert.CloseRelative(n, "tc_replica", r.TcReplica, e.TcReplica, GoldenTests.ManagedSumsRelative, "tridiagonal bisection against MathNet");
            GoldenAssert.CloseRelative(n, "lambda_min_r", r.LambdaMinR, e.LambdaMinR, GoldenTests.ManagedSumsRelative, "sums of squares");
            GoldenAssert.Close(n, "lambda_max_j", r.LambdaMaxJ, e.LambdaMaxJ, GoldenTests.SpectrumRelative * rhoJ, "two backward-stable eigensolvers");
            GoldenAssert.AllClose(n, "spectrum_j", r.SpectrumJ, e.SpectrumJ, GoldenTests.SpectrumRelative * rhoJ, "two backward-stable eigensolvers");

            GoldenAssert.Close(n, "level (t = 0 curve minimum)", c0, e.Level!.Value, TrainedGoldenTests.LanczosMinimumAbsolute, "Lanczos Ritz value at the coarse residual");
            GoldenAssert.Close(n, "curve_min_lambda", r.CurveMinLambda, e.CurveMinLambda, TrainedGoldenTests.LanczosMinimumAbsolute, "Lanczos Ritz value at the coarse residual");
            GoldenAssert.CloseRelative(n, "curve_min_beta", r.CurveMinBeta, e.CurveMinBeta, TrainedGoldenTests.LanczosMinimumLocationRelative, "minimiser of the Lanczos curve");
            GoldenAssert.CloseOrBothNull(n, "beta_c", r.BetaC, e.BetaC, v => GoldenTests.CrossingRelative * v, "crossing bracketed to 1e-10 relative");
            GoldenAssert.CloseOrBothNull(n, "tc", r.Tc, e.Tc, v => GoldenTests.CrossingRelative * v, "1/beta_c");
            GoldenAssert.CloseOrBothNull(n, "beta_c_corrected", r.BetaCCorrected, e.BetaCCorrected, CorrectedTol, $"1e-9 relative + level shift / slope = {R(levelShift)}");
            GoldenAssert.CloseOrBothNull(n, "tc_corrected", r.TcCorrected, e.TcCorrected, v => v * v * CorrectedTol(1 / v), "T^2 times the beta tolerance");
            GoldenAssert.Close(n, "spacing_beta", r.SpacingBeta, e.SpacingBeta, CorrectedTol(r.SpacingBeta), "beta_c(c_0)");
            GoldenAssert.AllClose(n, "spectrum_tap", r.SpectrumTap, e.SpectrumTap, tapTol, "1e-10 x the radius plus the Weyl bound of the spacing_beta shift");
            GoldenAssert.CloseOrBothNull(n, "first_level_spacing_ratio", r.FirstLevelSpacingRatio, e.FirstLevelSpacingRatio,
                v =>
                {
                    double sTyp = IndependentReference.SpacingRatio(r.SpectrumTap) is double ratio ? (r.SpectrumTap[1] - r.SpectrumTap[0]) / ratio : double.NaN;
                    return 2 * tapTol * (1 + v) / (sTyp - 2 * tapTol);
                },
                "propagated from the spectrum_tap tolerance");
        });
    }
}
