using NUnit.Framework;
using NeuralSpin.Analysis;
using NeuralSpin.Numerics;
using NeuralSpin.SpinModel;
using NeuralSpin.Tap;
using NeuralSpin.Tests.Golden;
using NeuralSpin.Tests.Support;

namespace NeuralSpin.Tests.Tap;

/// <summary>
/// The certificate of <see cref="LambdaMinCurve"/> (docs/theory.md sections 4-5) where it matters: a network made of
/// two disconnected sub-networks, so that I - M(beta) is block diagonal and its eigenvectors live on one
/// sub-network or the other. Which sub-network holds the bottom of the spectrum changes with beta: the strongly
/// coupled one (A) at small beta, where its -beta J term dominates, the weakly coupled one (B) at larger beta, where
/// A's beta^2 d term has lifted its spectrum. Lanczos started from a vector supported on A only, without the random
/// part the library normally adds to a warm start (the internal seam <c>CurveOptions.StartVectorOverride</c>), stays
/// exactly in A's invariant subspace (the block-sparse product keeps B's components at exactly 0) and converges, with a
/// tiny residual, to A's bottom: theta - 2 rho is then no lower bound of lambda_min. This is the textbook Lanczos
/// failure (a start vector orthogonal to the bottom eigenvector); the random part makes it rare, not impossible. Only
/// the inertia count of the chi recurrence (is I - M - L I positive definite?) notices, and forces a restart from a
/// random vector.
/// The expected values come from MathNet's dense eigensolver on the dense matrix (<see cref="DenseReference"/>).
/// </summary>
[TestFixture, NonParallelizable]
public class CertificationTests
{
    const int SeedA = 7101;
    const int SeedB = 7102;

    /// <summary>A beta where A holds the bottom (its warm vector is cached first) and one where B does.</summary>
    const double BetaA = 0.25, BetaB = 1.6;

    /// <summary>The Lanczos path (no dense eigensolver), every first Lanczos run started from 1 on A's spins, 0 on B's.</summary>
    static CurveOptions MissingOptions(BondMatrix j)
    {
        var onB = OnB(j);
        var start = onB.Select(b => b ? 0.0 : 1.0).ToArray();
        return new CurveOptions { DenseThreshold = 0, StartVectorOverride = _ => (double[])start.Clone() };
    }

    /// <summary>
    /// Sub-network A: widths 10-10-10, C = 8 (strong); B: widths 16-6-16, C = 1 (weak, another shape, so the
    /// two curves are not rescaled copies of each other). Layer k of the whole network is A's layer k followed by
    /// B's; every block J^(k) is block diagonal.
    /// </summary>
    internal static BondMatrix TwoComponentNetwork()
    {
        var a = BondMatrix.Sample(new[] { 10, 10, 10 }, new[] { 8.0 }, new Random(SeedA));
        var b = BondMatrix.Sample(new[] { 16, 6, 16 }, new[] { 1.0 }, new Random(SeedB));
        var widths = new int[3];
        var blocks = new List<double[]>();
        for (int k = 0; k < 3; k++) widths[k] = a.Widths[k] + b.Widths[k];
        for (int k = 1; k <= 2; k++)
        {
            int rows = widths[k - 1], cols = widths[k];
            var block = new double[rows * cols];
            var ja = a.Block(k);
            var jb = b.Block(k);
            int ar = a.Widths[k - 1], ac = a.Widths[k], br = b.Widths[k - 1], bc = b.Widths[k];
            for (int i = 0; i < ar; i++)
                for (int j = 0; j < ac; j++) block[i * cols + j] = ja[i * ac + j];
            for (int i = 0; i < br; i++)
                for (int j = 0; j < bc; j++) block[(ar + i) * cols + ac + j] = jb[i * bc + j];
            blocks.Add(block);
        }
        return new BondMatrix(widths, blocks);
    }

    /// <summary>Indices of the spins of sub-network B in the whole network.</summary>
    static bool[] OnB(BondMatrix j)
    {
        var onB = new bool[j.Size];
        int[] aw = { 10, 10, 10 };
        for (int k = 0; k < 3; k++)
            for (int i = aw[k]; i < j.Widths[k]; i++) onB[j.LayerOffset(k) + i] = true;
        return onB;
    }

    [Test]
    public void Scenario_BottomOfTheSpectrumMovesFromAToB()
    {
        // The premise of the tests below, checked with the dense reference: the eigenvector of the smallest
        // eigenvalue of I - M lies on A at BetaA and on B at BetaB (weight > 0.999 on that sub-network).
        var j = TwoComponentNetwork();
        var dense = j.ToDenseRowMajor();
        var onB = OnB(j);
        foreach (var (beta, wantB) in new[] { (BetaA, false), (BetaB, true) })
        {
            var m = MathNet.Numerics.LinearAlgebra.Matrix<double>.Build.DenseOfRowMajor(j.Size, j.Size, DenseReference.IdentityMinusM(dense, j.Size, beta));
            var evd = m.Evd(MathNet.Numerics.LinearAlgebra.Symmetricity.Symmetric);
            int bottom = Enumerable.Range(0, j.Size).MinBy(i => evd.EigenValues[i].Real);
            var v = evd.EigenVectors.Column(bottom);
            double weightB = Enumerable.Range(0, j.Size).Where(i => onB[i]).Sum(i => v[i] * v[i]);
            Assert.That(wantB ? weightB : 1 - weightB, Is.GreaterThan(0.999), $"bottom eigenvector at beta {beta}: weight on B {weightB}");
        }
    }

    [Test]
    public void WarmStartedLanczos_MissesTheBottom_AndTheCertificateRepairsIt()
    {
        // Forced Lanczos path (DenseThreshold 0) started on A only: at BetaB, uncertified, Lanczos converges to A's
        // bottom, far above the true lambda_min, and even its "lower bound" lies above it (the premise, asserted so the
        // test notices if the scenario stops exercising the certificate). Certifying the same point must then give
        // the true lambda_min (MathNet) with a lower bound below it. Tolerance 1e-9: the fine Lanczos tolerance after
        // a failed certificate is 1e-12 ||I - M|| (~1e-10 here) and the Ritz error is at most the residual.
        var j = TwoComponentNetwork();
        var dense = j.ToDenseRowMajor();
        double truthB = DenseReference.LambdaMin(dense, j.Size, BetaB);
        using var curve = new LambdaMinCurve(j, null, MissingOptions(j));
        var plain = curve.Evaluate(BetaB);
        Assert.That(plain.Certified, Is.False);
        Assert.That(plain.LowerBound - truthB, Is.GreaterThan(0.05),
            $"premise: warm-started Lanczos should miss B's bottom ({truthB}) at beta {BetaB}; it returned {plain.Value} >= {plain.LowerBound}");
        int countsBefore = curve.InertiaCounts;
        var certified = curve.Evaluate(BetaB, certify: true);
        Assert.That(certified.Certified, Is.True);
        Assert.That(curve.InertiaCounts, Is.GreaterThan(countsBefore + 1), "the first inertia count must have failed and been repeated");
        NumericAssert.AreEqualAbsolute(truthB, certified.Value, 1e-9, $"certified lambda_min at beta {BetaB}");
        NumericAssert.AtMost(truthB, certified.LowerBound, 1e-12, "certified lower bound");
    }

    [Test]
    public void UncertifiedLanczosPoint_LowerBoundIsRitzValueMinusTwiceTheResidual()
    {
        // CurvePoint.LowerBound of a Lanczos point is theta - 2 rho with rho >= max(||A v - theta v||, 1e-13 ||I - M||)
        // (a Ritz value is an upper bound; Weyl puts an eigenvalue within rho of it). So it lies strictly below theta, by at
        // least 2e-13 times the operator-norm bound, and below the true lambda_min (MathNet; 1e-12 covers the dense
        // reference's rounding). A bound equal to theta would be no bound at all.
        var j = BondMatrix.Sample(new[] { 30, 25, 20 }, new[] { 2.0 }, new Random(SeedA));
        var dense = j.ToDenseRowMajor();
        using var curve = new LambdaMinCurve(j, null, new CurveOptions { DenseThreshold = 0 });
        foreach (double beta in new[] { 0.3, 0.6, 1.1 })
        {
            var p = curve.Evaluate(beta);
            Assert.That(p.Certified, Is.False);
            NumericAssert.AtLeast(2e-13 * curve.OperatorNormBound(beta), p.Value - p.LowerBound, 0, $"theta - lower bound at beta {beta}");
            NumericAssert.AtMost(DenseReference.LambdaMin(dense, j.Size, beta), p.LowerBound, 1e-12, $"lower bound at beta {beta}");
            // a converged Lanczos point certifies at the first inertia count (its bound is a proven one)
            int before = curve.InertiaCounts;
            var c = curve.Evaluate(beta, certify: true);
            Assert.That(c.Certified, Is.True);
            Assert.That(curve.InertiaCounts - before, Is.EqualTo(1), $"inertia counts to certify beta {beta}");
        }
    }

    [Test]
    public void Analysis_OnTheLanczosPath_AgreesWithTheDenseReference()
    {
        // End to end: NetworkAnalysis.Run with DenseThreshold 0 (Lanczos + certificate at every grid point) against an
        // independent reference: the curve minimum by MathNet dense eigenvalues on a grid of 201 points over (0, 4]
        // refined by golden section. Every first Lanczos run starts on A, so in B's regime it misses as above.
        // Tolerances: the minimum value 1e-7 (the search certifies 1e-5 below the best value found, and its value
        // comes from Lanczos at the coarse tolerance; the value at a minimum is second order in the location);
        // the location 1e-3 relative (a flat minimum: location error ~ sqrt(value error / curvature)).
        var j = TwoComponentNetwork();
        var dense = j.ToDenseRowMajor();
        var lanczos = NetworkAnalysis.Run(j, new AnalysisOptions { BetaMax = 4, Curve = MissingOptions(j) });
        var (betaStar, valueStar) = ReferenceMinimum(b => DenseReference.LambdaMin(dense, j.Size, b), 4);
        NumericAssert.AreEqualAbsolute(valueStar, lanczos.CurveMinLambda, 1e-7, "curve minimum value");
        NumericAssert.AreEqualRelative(betaStar, lanczos.CurveMinBeta, 1e-3, "curve minimum location");
        NumericAssert.AtMost(valueStar, lanczos.CurveCertifiedLowerBound, 1e-9, "certified lower bound of the curve");
    }

    /// <summary>
    /// The first crossing by the search alone (the vertex certificate off) on the Lanczos path whose first runs miss the
    /// bottom, against <see cref="IndependentReference"/> (MathNet's dense eigensolver, inertia by LDL^T, bisection), for
    /// levels 5 %, 20 % and 50 % of the way from the curve minimum up to 1 (crossings in A's regime) and one halfway between
    /// the curve minimum and A's own minimum (a crossing only B reaches, where every uncertified Lanczos value is A's and
    /// too high). The search's grid and bisection points are certified (a missed bottom is found and the point restarted),
    /// and once Brent's uncertified steps have led it past an earlier crossing it runs Brent again on certified values. The
    /// guarantee of <see cref="TransitionSearch.FirstCrossing"/>: lambda_min at the answer is at most the level, and no
    /// beta below it has lambda_min below level - slack (slack 1e-9), so the answer lies between the crossing of the
    /// level and that of level - slack widened by relTol = 1e-8 (with 1e-9 relative for the reference's rounding).
    /// </summary>
    [TestCase(0.05), TestCase(0.2), TestCase(0.5), TestCase(-1.0)]
    public void SearchCrossing_OnTheMissingLanczosPath_IsTheDenseCrossing(double above)
    {
        var j = TwoComponentNetwork();
        var reference = IndependentReference.Of(j);
        var (_, minValue) = reference.CurveMinimum(4);
        double level = minValue + above * (1 - minValue);
        if (above < 0)
        {
            // halfway between the curve minimum (B's) and A's own minimum
            var a = BondMatrix.Sample(new[] { 10, 10, 10 }, new[] { 8.0 }, new Random(SeedA));
            var referenceA = IndependentReference.Of(a);
            level = 0.5 * (referenceA.CurveMinimum(4).Value + minValue);
        }
        double root = reference.FirstCrossing(level, 4)!.Value;
        double rootBelow = reference.FirstCrossing(level - TransitionSearch.CertificationSlack, 4)!.Value;
        using var curve = new LambdaMinCurve(j, null, MissingOptions(j));
        var r = TransitionSearch.FirstCrossingDetailed(curve, level, 4, 1e-8, vertexCertificate: false);
        Assert.That(r.Beta, Is.Not.Null);
        Assert.That(r.Beta!.Value, Is.InRange(root * (1 - 1e-9), rootBelow * (1 + 1e-8) * (1 + 1e-9)), $"reference {root:R}");
    }

    /// <summary>Global minimum of f on (0, betaMax]: a 201-point grid, then golden section around the best point.</summary>
    internal static (double Beta, double Value) ReferenceMinimum(Func<double, double> f, double betaMax)
    {
        int n = 200;
        int best = 1;
        double bestValue = double.PositiveInfinity;
        for (int i = 1; i <= n; i++)
        {
            double v = f(betaMax * i / n);
            if (v < bestValue) { bestValue = v; best = i; }
        }
        double lo = betaMax * (best - 1) / n, hi = betaMax * Math.Min(best + 1, n) / n;
        const double g = 0.6180339887498949;
        double x1 = hi - g * (hi - lo), x2 = lo + g * (hi - lo);
        double f1 = f(x1), f2 = f(x2);
        for (int it = 0; it < 60; it++)
        {
            if (f1 < f2) { hi = x2; x2 = x1; f2 = f1; x1 = hi - g * (hi - lo); f1 = f(x1); }
            else { lo = x1; x1 = x2; f1 = f2; x2 = lo + g * (hi - lo); f2 = f(x2); }
        }
        double xm = 0.5 * (lo + hi), fm = f(xm);
        return fm < bestValue ? (xm, fm) : (betaMax * best / n, bestValue);
    }
}
