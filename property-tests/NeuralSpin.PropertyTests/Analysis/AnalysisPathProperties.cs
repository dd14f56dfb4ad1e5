using FsCheck;
using FsCheck.Fluent;
using NeuralSpin.Analysis;
using NeuralSpin.PropertyTests.Support;
using NeuralSpin.Tap;
using NonParallelizableAttribute = NUnit.Framework.NonParallelizableAttribute;
using PropertyAttribute = FsCheck.NUnit.PropertyAttribute;
using TestFixtureAttribute = NUnit.Framework.TestFixtureAttribute;

namespace NeuralSpin.PropertyTests.Analysis;

/// <summary>
/// The matrix-free path of NetworkAnalysis.Run (no N x N matrix: lambda_max(J) by Lanczos, the curve by Lanczos certified
/// by chi-recurrence inertia counts, docs/theory.md sections 4-5) against the dense reference on random small networks
/// (widths 1..8, 2..5 layers, entries k/10). The matrix-free run uses CurveOptions.DenseThreshold = 0 so that even these
/// small networks go through Lanczos and the chi recurrence; the dense reference uses a dense eigensolver at every curve
/// point and MathNet for the spectrum of J. beta_max = 4 / ||J||_2 and, as in TransitionProperties, a level strictly between
/// the dense scan minimum of the curve and 1.
/// </summary>
[TestFixture, NonParallelizable]
public class AnalysisPathProperties
{
    /// <summary>
    /// lambda_max(J) within 1e-8 (1 + ||J||) of the MathNet spectrum (Lanczos residual tolerance 1e-10 ||J||_F, and
    /// ||J||_F &lt;= sqrt(40) ||J||); the curve minimum within 1e-5 of the dense path's (the certificate tolerance of
    /// TransitionSearch.GlobalMinimum on both paths); beta_c and beta_c(level) within 1e-8 relative of the dense path's or
    /// both absent (both bracket a transversal root to 1e-10 relative); lambda_min(R) identical (same row sums); no level
    /// spacing and the path recorded.
    /// </summary>
    [SeededProperty(Arbitrary = new[] { typeof(SpinArbitraries) }, MaxTest = 25)]
    public Property MatrixFreeAnalysis_AgreesWithTheDenseReference(LayeredCase c)
    {
        var j = c.Coupling();
        int n = j.Size;
        var denseJ = Oracle.DenseJ(c.Widths, c.Blocks);
        var specJ = Oracle.Eigenvalues(denseJ, n);
        double normJ = specJ.Max(Math.Abs);
        if (normJ == 0) return true.When(false);
        double betaMax = 4 / normJ;
        double scanMin = Enumerable.Range(1, 400).Min(i => Oracle.LambdaMin(denseJ, n, betaMax * i / 400));
        double level = scanMin + (1 + c.Knob % 9) / 10.0 * (1 - scanMin);

        var reference = NetworkAnalysis.Run(j, new AnalysisOptions { BetaMax = betaMax, Level = level });
        var free = NetworkAnalysis.Run(j, new AnalysisOptions
        {
            BetaMax = betaMax, Level = level, Path = AnalysisPath.MatrixFree, Curve = new CurveOptions { DenseThreshold = 0 },
        });

        static bool Close(double? a, double? b, double rel) =>
            a is null && b is null || a is double x && b is double y && Math.Abs(x - y) <= rel * Math.Abs(y);
        bool ok = Math.Abs(free.LambdaMaxJ - specJ[^1]) <= 1e-8 * (1 + normJ)
                  && Math.Abs(free.CurveMinLambda - reference.CurveMinLambda) <= 1e-5
                  && Close(free.BetaC, reference.BetaC, 1e-8)
                  && Close(free.BetaCCorrected, reference.BetaCCorrected, 1e-8)
                  && free.LambdaMinR == reference.LambdaMinR
                  && free.FirstLevelSpacingRatio is null && free.Path == AnalysisPath.MatrixFree
                  && reference.Path == AnalysisPath.Dense;
        return ok.Label($"lambda_max(J): MathNet {specJ[^1]:R}, matrix-free {free.LambdaMaxJ:R}; curve min: dense {reference.CurveMinLambda:R}, " +
                        $"matrix-free {free.CurveMinLambda:R}; beta_c {reference.BetaC:R} / {free.BetaC:R}; corrected {reference.BetaCCorrected:R} / {free.BetaCCorrected:R}");
    }
}
