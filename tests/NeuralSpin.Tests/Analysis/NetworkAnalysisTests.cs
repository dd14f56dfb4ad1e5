using NUnit.Framework;
using NeuralSpin.Analysis;
using NeuralSpin.SpinModel;
using NeuralSpin.Tap;
using NeuralSpin.Tests.Support;

namespace NeuralSpin.Tests.Analysis;

/// <summary>NetworkAnalysis.Run (the `analyze` command) against its definitions (docs/theory.md sections 2, 4, 6).</summary>
[TestFixture, NonParallelizable]
public class NetworkAnalysisTests
{
    const int NetworkSeed = 5401;
    const int ReferenceSeed = 5402;
    static readonly int[] Widths = { 12, 10, 8 };

    /// <summary>An untrained draw plus a ferromagnetic (rank-one, all-positive) part so that lambda_min dips below 0.</summary>
    static BondMatrix Ferromagnetic(double strength, int seed)
    {
        var rng = new Random(seed);
        var blocks = new List<double[]>();
        for (int k = 1; k < Widths.Length; k++)
        {
            int r = Widths[k - 1], c = Widths[k];
            var b = new double[r * c];
            for (int i = 0; i < b.Length; i++) b[i] = Math.Sqrt(2.0 / r) * Gaussian.Sample(rng) + strength / Math.Sqrt(r * c);
            blocks.Add(b);
        }
        return new BondMatrix(Widths, blocks);
    }

    [Test]
    public void Run_ReportsDefinitionsOfEachQuantity()
    {
        var j = Ferromagnetic(3.0, NetworkSeed);
        var r = NetworkAnalysis.Run(j, new AnalysisOptions { BetaMax = 5 });
        var dense = j.ToDenseRowMajor();
        var specJ = DenseReference.Eigenvalues(dense, j.Size);

        Assert.That(r.BetaC, Is.Not.Null, "the ferromagnetic part makes the curve cross 0");
        // tc = 1 / beta_c exactly (one division)
        Assert.That(r.Tc, Is.EqualTo(1 / r.BetaC!.Value));
        // spacing_beta rule: corrected ?? beta_c ?? curve minimum
        Assert.That(r.SpacingBeta, Is.EqualTo(r.BetaCCorrected ?? r.BetaC ?? r.CurveMinBeta));
        // lambda_min_r = -max_i d_i (P1 sec. 3.4 read beta-free); d summed naively; same sums in another order: 1e-13.
        double dmax = Enumerable.Range(0, j.Size).Max(i => Enumerable.Range(0, j.Size).Sum(k => dense[i * j.Size + k] * dense[i * j.Size + k]));
        NumericAssert.AreEqual(-dmax, r.LambdaMinR, 0, 1e-13, "lambda_min_r");
        // lambda_max_j = largest eigenvalue of J; LAPACK vs MathNet, both ~N eps ||J||: 1e-12.
        NumericAssert.AreEqualAbsolute(specJ[^1], r.LambdaMaxJ, 1e-12, "lambda_max_j");
        // beta_c is a root of lambda_min: the dense smallest eigenvalue there is 0 to the bracketing tolerance
        // (relative 1e-10 in beta times a slope |d lambda/d beta| of O(10)) plus the certification slack 1e-9.
        NumericAssert.AreEqualAbsolute(0, DenseReference.LambdaMin(dense, j.Size, r.BetaC!.Value), 2e-9, "lambda_min(beta_c)");
        // The spectrum used for the level spacing is that of I - M at spacing_beta.
        NumericAssert.AllEqual(DenseReference.Eigenvalues(DenseReference.IdentityMinusM(dense, j.Size, r.SpacingBeta), j.Size),
            r.SpectrumTap, 1e-11, 0, "spectrum of I - M at spacing_beta");
        Assert.That(r.Level, Is.Null);
        Assert.That(r.BetaCCorrected, Is.Null);
    }

    [Test]
    public void Run_LevelFromReference_IsTheReferenceCurveMinimum()
    {
        var j = Ferromagnetic(3.0, NetworkSeed);
        var reference = BondMatrix.Sample(Widths, new[] { 2.0 }, new Random(ReferenceSeed));
        var options = new AnalysisOptions { BetaMax = 5, Reference = reference };
        var r = NetworkAnalysis.Run(j, options);
        var refMin = NetworkAnalysis.CurveMinimum(reference, options.BetaMax, options.Curve);
        Assert.That(r.LevelSource, Is.EqualTo("reference"));
        // Same deterministic computation: identical.
        Assert.That(r.Level, Is.EqualTo(refMin.Value));
        // And independently: a dense MathNet scan of the reference curve on 1000 points of (0, 5] never lies below it
        // (1e-9: the minimiser is polished, and its value is an eigenvalue to ~1e-13), and comes within the scan's
        // discretisation (curvature <~ 2 max d ~ 10, half-step 2.5e-3: 10/2 * (2.5e-3)^2 ~ 3e-5) of it.
        var dense = reference.ToDenseRowMajor();
        double gridMin = Enumerable.Range(1, 1000).Min(i => DenseReference.LambdaMin(dense, reference.Size, 5.0 * i / 1000));
        NumericAssert.AtMost(gridMin, r.Level!.Value, 1e-9, "level <= scan minimum");
        NumericAssert.AtLeast(gridMin, r.Level.Value, 1e-4, "level ~ scan minimum");
        Assert.That(r.BetaCCorrected, Is.Not.Null);
        Assert.That(r.TcCorrected, Is.EqualTo(1 / r.BetaCCorrected!.Value));
        Assert.That(r.SpacingBeta, Is.EqualTo(r.BetaCCorrected.Value));
    }

    /// <summary>
    /// P1 sec. 3.2 with the network as its own reference: c_0 is its own curve minimum, reached tangentially,
    /// so beta_c_corrected is the minimiser (a replay of a case that once returned null). A 1e-9 slack in
    /// lambda allows sqrt(2e-9 / curvature) in beta, about 1e-4 relative: that is the tolerance.
    /// </summary>
    [Test]
    public void Run_AgainstItselfAsReference_CorrectedBetaCIsCurveMinimumBeta()
    {
        // P1 sec. 3.2: with c_0 = min lambda_min of the same network, the first beta reaching c_0 is the minimiser.
        var j = BondMatrix.Sample(Widths, new[] { 2.0 }, new Random(ReferenceSeed));
        var r = NetworkAnalysis.Run(j, new AnalysisOptions { BetaMax = 5, Reference = j });
        Assert.That(r.Level, Is.EqualTo(r.CurveMinLambda), "level is the own curve minimum");
        Assert.That(r.BetaCCorrected, Is.Not.Null, "a curve touching its own minimum must report a crossing");
        double rel = Math.Abs(r.BetaCCorrected!.Value - r.CurveMinBeta) / r.CurveMinBeta;
        TestContext.Out.WriteLine($"beta_c_corrected {r.BetaCCorrected:R}, curve_min_beta {r.CurveMinBeta:R}, relative difference {rel:G3}");
        NumericAssert.AreEqualRelative(r.CurveMinBeta, r.BetaCCorrected.Value, 1e-4, "beta_c_corrected vs curve_min_beta");
    }

    [Test]
    public void SampleCurve_IsTheCurveWithTheSpectralNormBoundOnTheUniformGrid()
    {
        var j = BondMatrix.Sample(Widths, new[] { 2.0 }, new Random(ReferenceSeed));
        var r = NetworkAnalysis.Run(j, new AnalysisOptions { BetaMax = 3 });
        int reported = 0;
        var sample = NetworkAnalysis.SampleCurve(j, r.SpectrumJ, 3, 7, progress: new NeuralSpin.Reporting.SyncProgress<int>(d => reported = d));
        Assert.That(reported, Is.EqualTo(7));
        Assert.That(sample.Beta, Is.EqualTo(NeuralSpin.Numerics.Precision.UniformGrid(3.0, 7)).AsCollection);
        double normJ = Math.Max(Math.Abs(r.SpectrumJ[0]), Math.Abs(r.SpectrumJ[^1])) * (1 + 1e-12);
        using var curve = new LambdaMinCurve(j, normJ);
        for (int i = 0; i < 7; i++) Assert.That(sample.LambdaMin[i], Is.EqualTo(curve.Evaluate(sample.Beta[i]).Value), $"beta {sample.Beta[i]}");
        // without a spectrum (the matrix-free path) the curve takes the Frobenius bound
        using var frobenius = new LambdaMinCurve(j);
        using var fromEmpty = NetworkAnalysis.Curve(j, []);
        Assert.That(fromEmpty.MonotoneFrom, Is.EqualTo(frobenius.MonotoneFrom));
    }

    [Test]
    public void AnalysisCost_IsLongAboveTheAnnouncedFlops()
    {
        var small = AnalysisCost.Of([12, 10, 8]);
        Assert.That(small.IsLong(AnalysisPath.Dense), Is.False);
        Assert.That(small.Flops(AnalysisPath.Dense), Is.LessThan(AnalysisCost.AnnounceFlops));
        var large = AnalysisCost.Of([4000, 4000, 4000]);
        Assert.That(large.IsLong(AnalysisPath.Dense), Is.EqualTo(large.Flops(AnalysisPath.Dense) > AnalysisCost.AnnounceFlops));
        Assert.That(large.IsLong(AnalysisPath.Dense), Is.True);
    }

    /// <summary>
    /// The matrix-free path past <see cref="AnalysisOptions.CertifyUpToWidth"/> (forced here with a width limit of 1 on a
    /// spiked 40-30-20 network) gives estimates and says so (<see cref="AnalysisResult.Certified"/> false): the curve
    /// minimum and its location, beta_c and beta_c(0.3) agree with the independent dense reference (MathNet, LDL^T
    /// bisection) to 1e-6 (value, absolute) and 1e-5 (locations, relative), the accuracy of Lanczos residuals of 1e-5 of the
    /// norm (docs/theory.md section 4: second order in the eigenvector's error for the values and the crossings); and
    /// lambda_min at each reported crossing is at or below the level (equation 4.2: an upper bound of a crossing).
    /// </summary>
    [Test]
    public void MatrixFreeEstimates_PastTheCertifiedWidth_AgreeWithTheDenseReference()
    {
        var j = NeuralSpin.Tests.Tap.VertexCrossingTests.Spiked([40, 30, 20], [1.0], 9601, 3);
        var reference = NeuralSpin.Tests.Golden.IndependentReference.Of(j);
        var r = NetworkAnalysis.Run(j, new AnalysisOptions
        {
            Level = 0.3, Path = AnalysisPath.MatrixFree, CertifyUpToWidth = 1, Curve = new CurveOptions { DenseThreshold = 0 }, // Lanczos, as at scale
        });
        Assert.That(r.Certified, Is.False);
        var min = reference.CurveMinimum(10);
        Assert.That(r.CurveMinLambda, Is.EqualTo(min.Value).Within(1e-6));
        Assert.That(r.CurveMinBeta, Is.EqualTo(min.Beta).Within(1e-5 * min.Beta));
        double betaC = reference.FirstCrossing(0, 10, alsoTry: min.Beta)!.Value;
        double betaC03 = reference.FirstCrossing(0.3, 10, alsoTry: min.Beta)!.Value;
        Assert.That(r.BetaC!.Value, Is.EqualTo(betaC).Within(1e-5 * betaC));
        Assert.That(r.BetaCCorrected!.Value, Is.EqualTo(betaC03).Within(1e-5 * betaC03));
        Assert.That(reference.LambdaMin(r.BetaC.Value), Is.LessThanOrEqualTo(1e-9));
        Assert.That(reference.LambdaMin(r.BetaCCorrected.Value), Is.LessThanOrEqualTo(0.3 + 1e-9));
    }
}
