using NUnit.Framework;
using NeuralSpin.SpinModel;
using NeuralSpin.Tap;
using NeuralSpin.Tests.Support;

namespace NeuralSpin.Tests.Tap;

/// <summary>
/// The contract of <see cref="LambdaMinCurve"/> beyond its values on ordinary networks (docs/theory.md sections 4-5):
/// its bond sums and norm bounds against closed forms of hand-made couplings, the choice between the dense and the
/// Lanczos path, the products, the inertia counts of lambda_max(J), the refinement near a decision level, the cache and
/// its warm starts, the counters and the progress callback, the certificate's restart and its dense fallback, and the
/// interval bound against a brute-force minimisation of its three bounds. Expected values come from closed forms, hand
/// solutions, MathNet's dense eigensolver (<see cref="DenseReference"/>) or plain loops written here.
/// </summary>
[TestFixture, NonParallelizable]
public class LambdaMinCurveContractTests
{
    /// <summary>The fine tolerance of <see cref="CurveOptions"/> (relative to the norm bound).</summary>
    const double Fine = 1e-12;

    /// <summary>
    /// A chain of three spins, J_01 = 0.3, J_12 = 0.4: d = (0.09, 0.25, 0.16), the Frobenius norm sqrt(sum_i d_i) =
    /// sqrt(0.5), and the spectrum of J is {-0.5, 0, 0.5} (J^2 has the eigenvalue 0.3^2 + 0.4^2 on (0.3, 0, 0.4)), so ||J|| = 0.5.
    /// </summary>
    static DenseCoupling Chain() => new(3, new[] { 0, 0.3, 0, 0.3, 0, 0.4, 0, 0.4, 0 });

    static DenseCoupling Zero(int n) => new(n, new double[n * n]);

    /// <summary>A layered network of 200 spins (widths 80-70-50, C = 2): large enough that Lanczos stops at its tolerance
    /// before the Krylov space is exhausted.</summary>
    static BondMatrix Layered() => BondMatrix.Sample(new[] { 80, 70, 50 }, new[] { 2.0 }, new Random(8101));

    /// <summary>A coupling with no spins (an implementation of the interface may have none).</summary>
    sealed class NoSpins : ISymmetricCoupling
    {
        public int Size => 0;
        public void Multiply(ReadOnlySpan<double> x, Span<double> y) { }
        public void MultiplySquared(ReadOnlySpan<double> x, Span<double> y) { }
        public double[] RowSquareSums() => Array.Empty<double>();
        public double[] ToDenseRowMajor() => Array.Empty<double>();
    }

    /// <summary>
    /// A coupling whose product ignores J (y = 0) while its bond sums and dense matrix are those of <paramref name="inner"/>:
    /// Lanczos on it sees I + beta^2 diag(d) only, a stand-in for a Lanczos run that keeps missing the bottom of the
    /// spectrum, which only the inertia count of the dense matrix notices.
    /// </summary>
    sealed class BlindProduct(DenseCoupling inner) : ISymmetricCoupling
    {
        public int Size => inner.Size;
        public void Multiply(ReadOnlySpan<double> x, Span<double> y) => y.Clear();
        public void MultiplySquared(ReadOnlySpan<double> x, Span<double> y) => inner.MultiplySquared(x, y);
        public double[] RowSquareSums() => inner.RowSquareSums();
        public double[] ToDenseRowMajor() => inner.ToDenseRowMajor();
    }

    static double Rayleigh(double[] a, int n, double[] v)
    {
        var av = TapTestSupport.MatVec(a, n, v);
        double num = 0, den = 0;
        for (int i = 0; i < n; i++) { num += v[i] * av[i]; den += v[i] * v[i]; }
        return num / den;
    }

    static double ResidualNorm(double[] a, int n, double[] v, double theta)
    {
        var av = TapTestSupport.MatVec(a, n, v);
        double r = 0, vv = 0;
        for (int i = 0; i < n; i++) { r += (av[i] - theta * v[i]) * (av[i] - theta * v[i]); vv += v[i] * v[i]; }
        return Math.Sqrt(r / vv);
    }

    static double Width(CurvePoint p) => p.Value - p.LowerBound;

    [Test]
    public void NoSpins_ZeroBondSums_NoLargestBeta_NoMonotoneTail()
    {
        // d is empty: max d and min d are 0 by definition, so no beta makes I - M overflow and there is no tail.
        var j = new NoSpins();
        using var curve = new LambdaMinCurve(j);
        Assert.That(curve.DMax, Is.EqualTo(0));
        Assert.That(curve.DMin, Is.EqualTo(0));
        Assert.That(curve.BondSums, Is.EqualTo((0.0, 0.0)));
        Assert.That(curve.MaxBeta, Is.EqualTo(double.PositiveInfinity));
        Assert.That(LambdaMinCurve.MaxBetaOf(j), Is.EqualTo(double.PositiveInfinity));
        Assert.That(curve.MonotoneFrom, Is.EqualTo(double.PositiveInfinity));
    }

    [Test]
    public void ZeroCoupling_CurveIsOne_BoundsNeverFall()
    {
        // J = 0: I - M(beta) = I, lambda_min = 1 at every beta (exact in float64); d = 0, ||J|| = 0, so MaxBeta and
        // MonotoneFrom are infinite (no d_i > 0) and the left Weyl bound (2) of a point is its own lower bound,
        // L_a + (beta - a)((beta + a) 0 - 0).
        var j = Zero(3);
        foreach (double? norm in new double?[] { null, 0.0, -0.0 })
        {
            using var curve = new LambdaMinCurve(j, norm);
            Assert.That(curve.MaxBeta, Is.EqualTo(double.PositiveInfinity), $"MaxBeta, norm bound {norm}");
            Assert.That(curve.MonotoneFrom, Is.EqualTo(double.PositiveInfinity), $"MonotoneFrom, norm bound {norm}");
            var p = curve.Evaluate(7.5);
            Assert.That(p.Value, Is.EqualTo(1.0).Within(1e-15), "lambda_min of I");
            Assert.That(curve.LeftWeylBound(p, 20), Is.EqualTo(p.LowerBound), "left Weyl bound with d = 0 and ||J|| = 0");
        }
        Assert.That(LambdaMinCurve.MaxBetaOf(j), Is.EqualTo(double.PositiveInfinity));
        // With a (loose, valid) norm bound 1 the Weyl bounds fall at slope 1 and bound (1) is min(L_a, L_b) (k = 0):
        // over [0.5, 1] with L = 1 and 0.9 the three bounds are 0.9, 1 - 0.5 and 0.9 - 0.5.
        using var loose = new LambdaMinCurve(j, 1.0);
        var a = new CurvePoint(0.5, 1, 1);
        var b = new CurvePoint(1.0, 0.9, 0.9);
        Assert.That(loose.IntervalLowerBound(a, b), Is.EqualTo(0.9).Within(1e-15));
        NumericAssert.AreEqualAbsolute(ReferenceIntervalBound(a, b, 0, 0, 1), loose.IntervalLowerBound(a, b), 1e-12, "brute force");
    }

    [Test]
    public void Chain_BondSumsAndNormBounds_MatchTheirClosedForms()
    {
        var j = Chain();
        using var curve = new LambdaMinCurve(j);
        Assert.That(curve.DMin, Is.EqualTo(0.09).Within(1e-16));
        Assert.That(curve.DMax, Is.EqualTo(0.25).Within(1e-16));
        Assert.That(curve.NormJBound, Is.EqualTo(Math.Sqrt(0.5)).Within(1e-15), "Frobenius norm sqrt(sum d)");
        // ||I - M(beta)|| <= 1 + beta ||J|| + beta^2 max d (triangle inequality), here with the Frobenius bound; it must
        // bound every |eigenvalue| of I - M (MathNet)
        foreach (double beta in new[] { 0.5, 2.0, 3.0 })
        {
            double bound = 1 + beta * Math.Sqrt(0.5) + beta * beta * 0.25;
            NumericAssert.AreEqualRelative(bound, curve.OperatorNormBound(beta), 1e-15, $"norm bound at beta {beta}");
            var eig = DenseReference.Eigenvalues(DenseReference.IdentityMinusM(j.ToDenseRowMajor(), 3, beta), 3);
            Assert.That(Math.Max(-eig[0], eig[^1]), Is.LessThanOrEqualTo(bound), $"||I - M|| at beta {beta}");
        }
        // MaxBeta: beta^2 max d <= 1e300 gives sqrt(1e300 / 0.25) = 2e150; beta ||J|| <= 1e300 binds only for a norm bound
        // above about 1e150 (a loose but valid one, 1e200, gives 1e300 / 1e200 = 1e100)
        NumericAssert.AreEqualRelative(2e150, LambdaMinCurve.MaxBetaOf(j), 1e-15, "MaxBetaOf");
        NumericAssert.AreEqualRelative(2e150, curve.MaxBeta, 1e-15, "MaxBeta");
        using (var loose = new LambdaMinCurve(j, 1e200))
            NumericAssert.AreEqualRelative(1e100, loose.MaxBeta, 1e-15, "MaxBeta with ||J|| <= 1e200");
        // MonotoneFrom = ||J|| / (2 min d) with ||J|| = 0.5 widened by the margin 1e-12: 0.5 / 0.18
        using (var exact = new LambdaMinCurve(j, 0.5))
            NumericAssert.AreEqualRelative(0.5 / 0.18, exact.MonotoneFrom, 1e-11, "MonotoneFrom");
    }

    [Test]
    public void Evaluate_AtMaxBetaItself_IsAllowed()
    {
        // beta = MaxBeta is the last beta allowed (beta^2 max d = 1e300 exactly to rounding): the curve evaluates it. There
        // I - M is diag(1 + beta^2 d) up to off-diagonal entries beta J_ij ~ 1e150, which move the smallest eigenvalue
        // 1 + beta^2 0.09 = 3.6e299 by about (0.3 beta)^2 / (beta^2 (0.25 - 0.09)) < 1, far below the 1e-12 relative tolerance
        // (the dense solver's backward error is ~1e-16 of ||I - M|| = 1e300).
        var j = Chain();
        using var curve = new LambdaMinCurve(j);
        double beta = curve.MaxBeta;
        var p = curve.Evaluate(beta);
        NumericAssert.AreEqualRelative(1 + beta * beta * 0.09, p.Value, 1e-12, "lambda_min at MaxBeta");
    }

    [TestCase(9, true, false)]
    [TestCase(8, false, false)]
    [TestCase(9, true, true)]
    [TestCase(8, false, true)]
    public void DenseOrLanczos_ChosenBySizeAgainstTheThreshold(int threshold, bool dense, bool layered)
    {
        // Nine spins: a layered 3-4-2 network or a Curie-Weiss coupling (dense). At N <= DenseThreshold the point comes from
        // the dense eigensolver: certified, with the lower bound Value - 1e-12 ||I - M|| (the solver's backward error
        // margin); above it from Lanczos: uncertified. The values agree with MathNet either way (N = 9: the Krylov space
        // is exhausted, so Lanczos is exact to rounding; 1e-9 is far above rounding and far below the eigenvalue gaps).
        ISymmetricCoupling j = layered ? TapTestSupport.SmallBondMatrix(8102) : TapTestSupport.CurieWeiss(9, 1.5);
        var a = j.ToDenseRowMajor();
        using var curve = new LambdaMinCurve(j, null, new CurveOptions { DenseThreshold = threshold });
        var calls = new List<(int, int)>();
        curve.Evaluated = (e, c) => calls.Add((e, c));
        const double beta = 0.7;
        var p = curve.Evaluate(beta);
        Assert.That(curve.Evaluations, Is.EqualTo(1));
        Assert.That(p.Certified, Is.EqualTo(dense), "a dense point is certified, a Lanczos point is not");
        NumericAssert.AreEqualAbsolute(DenseReference.LambdaMin(a, 9, beta), p.Value, 1e-9, "lambda_min");
        if (dense)
            NumericAssert.AreEqualRelative(1e-12 * curve.OperatorNormBound(beta), Width(p), 1e-3, "width of a dense point");
        // the lowest eigenpair (estimate) takes the same path and keeps its point in the cache
        const double beta2 = 1.1;
        var (value, vector) = curve.LowestEigenpair(beta2, null, 1e-10);
        Assert.That(curve.Evaluations, Is.EqualTo(2));
        var m = DenseReference.IdentityMinusM(a, 9, beta2);
        NumericAssert.AreEqualAbsolute(DenseReference.LambdaMin(a, 9, beta2), value, 1e-9, "lowest eigenvalue");
        Assert.That(ResidualNorm(m, 9, vector, value), Is.LessThan(1e-8), "its vector is an eigenvector");
        var cached = curve.Points.Single(q => q.Beta == beta2);
        Assert.That(cached.Value, Is.EqualTo(value));
        Assert.That(cached.Certified, Is.EqualTo(dense));
        Assert.That(calls, Is.EqualTo(new[] { (1, 0), (2, 0) }), "one progress report per computation");
    }

    [TestCase(false)]
    [TestCase(true)]
    public void MatrixAt_ApplyMany_EqualTheMatrixFromItsDefinition(bool layered)
    {
        // I - M(beta) = I - beta J + beta^2 diag(d) (plain loops, DenseReference), for a layered J without a dense copy
        // (DenseThreshold 0) and a dense one; ApplyMany against the dense product, into buffers holding garbage, and
        // counted as one product per vector. 1e-13: sums of ~10 terms of size ~1.
        ISymmetricCoupling j = layered ? TapTestSupport.SmallBondMatrix(8103) : TapTestSupport.CurieWeiss(9, 1.5);
        const double beta = 1.3;
        var reference = DenseReference.IdentityMinusM(j.ToDenseRowMajor(), 9, beta);
        using var curve = new LambdaMinCurve(j, null, new CurveOptions { DenseThreshold = 0 });
        NumericAssert.AllEqual(reference, curve.MatrixAt(beta), 1e-13, 0, "MatrixAt");
        var rng = new Random(8104);
        var xs = Enumerable.Range(0, 3).Select(_ => TapTestSupport.Normal(rng, 9, 1)).ToArray();
        var ys = Enumerable.Range(0, 3).Select(_ => Enumerable.Repeat(double.NaN, 9).ToArray()).ToArray();
        long before = curve.Products;
        curve.ApplyMany(beta, xs, ys);
        Assert.That(curve.Products - before, Is.EqualTo(3));
        for (int r = 0; r < 3; r++)
            NumericAssert.AllEqual(TapTestSupport.MatVec(reference, 9, xs[r]), ys[r], 1e-13, 0, $"ApplyMany, vector {r}");
    }

    [Test]
    public void LambdaMaxBelow_DenseCoupling_CountsTheInertiaOfIMinusJOverBound()
    {
        // Curie-Weiss J_ij = 1/5 (i != j), N = 5: J = (1 1^T - I)/5 has lambda_max = 4/5 and lambda_min = -1/5 (four
        // times), an asymmetric spectrum. lambda_max(J) < bound exactly when I - J / bound is positive definite.
        var j = TapTestSupport.CurieWeiss(5, 1.0);
        using var curve = new LambdaMinCurve(j);
        foreach (var (bound, below) in new[] { (0.81, true), (2.0, true), (0.79, false), (0.5, false), (0.1, false) })
            Assert.That(curve.LambdaMaxBelow(bound), Is.EqualTo(below), $"lambda_max = 0.8 < {bound}");
        Assert.That(curve.InertiaCounts, Is.EqualTo(5), "one inertia count each");
        // the dense norm bound cannot be tightened (only a layered J, whose spectrum is symmetric, may be)
        Assert.That(curve.TightenNormBound(0.81), Is.False);
        Assert.That(curve.NormJBound, Is.EqualTo(Math.Sqrt(20 * 0.04)).Within(1e-15), "Frobenius norm unchanged");
        Assert.That(curve.InertiaCounts, Is.EqualTo(5));
    }

    [TestCase(0)]
    [TestCase(1000)]
    public void LambdaMaxBelow_AndTightenNormBound_OnALayeredCoupling(int threshold)
    {
        // Layered J (3-4-2): lambda_max(J) from MathNet; the count is right on either side of it (1e-6 relative, far
        // beyond rounding), by the chi recurrence (DenseThreshold 0) or the dense matrix. TightenNormBound takes a bound
        // only if it is below the current one (the Frobenius norm) and proven above lambda_max.
        var j = TapTestSupport.SmallBondMatrix(8105);
        double lambdaMax = DenseReference.Eigenvalues(j.ToDenseRowMajor(), 9)[^1];
        using var curve = new LambdaMinCurve(j, null, new CurveOptions { DenseThreshold = threshold });
        double frobenius = curve.NormJBound;
        Assert.That(lambdaMax, Is.LessThan(0.9 * frobenius), "premise: the Frobenius norm is a loose bound");
        Assert.That(curve.LambdaMaxBelow(lambdaMax * (1 + 1e-6)), Is.True);
        Assert.That(curve.LambdaMaxBelow(lambdaMax * (1 - 1e-6)), Is.False);
        Assert.That(curve.InertiaCounts, Is.EqualTo(2));
        Assert.That(curve.TightenNormBound(frobenius), Is.False, "not below the current bound");
        Assert.That(curve.TightenNormBound(2 * frobenius), Is.False, "above the current bound");
        Assert.That(curve.InertiaCounts, Is.EqualTo(2), "no count for a bound that is not lower");
        Assert.That(curve.TightenNormBound(lambdaMax * (1 - 1e-6)), Is.False, "below lambda_max: not proven");
        Assert.That(curve.NormJBound, Is.EqualTo(frobenius));
        Assert.That(curve.InertiaCounts, Is.EqualTo(3));
        double tight = lambdaMax * (1 + 1e-6);
        Assert.That(curve.TightenNormBound(tight), Is.True);
        Assert.That(curve.NormJBound, Is.EqualTo(tight));
        Assert.That(curve.InertiaCounts, Is.EqualTo(4));
        NumericAssert.AreEqualRelative(1 + 2 * tight + 4 * curve.DMax, curve.OperatorNormBound(2), 1e-15, "norm bound with the tightened ||J||");
        Assert.That(curve.NormProven, Is.True);
    }

    [Test]
    public void AssumeNormForEstimates_ReplacesTheNorm_AndMarksItUnproven()
    {
        using var curve = new LambdaMinCurve(Chain());
        Assert.That(curve.NormProven, Is.True);
        curve.AssumeNormForEstimates(0.75);
        Assert.That(curve.NormProven, Is.False);
        Assert.That(curve.NormJBound, Is.EqualTo(0.75));
        NumericAssert.AreEqualRelative(1 + 0.75 + 0.25, curve.OperatorNormBound(1), 1e-15, "1 + beta ||J|| + beta^2 max d at beta 1");
    }

    [Test]
    public void QuadraticCoefficients_AreTheRayleighQuotientsOfJAndDiagD()
    {
        // equation 4.3: v^T (I - M) v / v^T v = 1 - beta a + beta^2 d with a = v^T J v / v^T v, d = v^T diag(d) v / v^T v.
        // Chain, v = (1, 2, 0): v^T v = 5, v^T J v = 2 * 0.3 * 2 = 1.2, v^T diag(d) v = 0.09 + 4 * 0.25 = 1.09.
        using var curve = new LambdaMinCurve(Chain());
        var (a, d) = curve.QuadraticCoefficients(new[] { 1.0, 2.0, 0.0 });
        Assert.That(a, Is.EqualTo(1.2 / 5).Within(1e-15));
        Assert.That(d, Is.EqualTo(1.09 / 5).Within(1e-15));
    }

    [Test]
    public void Evaluated_ReportsEveryComputation_WithTheCounters()
    {
        // Lanczos path (DenseThreshold 0) with the chi recurrence: the callback receives (Evaluations, InertiaCounts)
        // after each computation (a cache hit and beta = 0 compute nothing). The inertia counts are checked against
        // MathNet's lambda_min: I - M - s I is positive definite exactly when s < lambda_min (0.01 away either side).
        var j = TapTestSupport.SmallBondMatrix(8106);
        double lambda = DenseReference.LambdaMin(j.ToDenseRowMajor(), 9, 0.5);
        using var curve = new LambdaMinCurve(j, null, new CurveOptions { DenseThreshold = 0 });
        var calls = new List<(int, int)>();
        curve.Evaluated = (e, c) => calls.Add((e, c));
        curve.Evaluate(0.5);
        curve.Evaluate(0.5);
        curve.Evaluate(0.7, certify: true);
        curve.LowestEigenpair(0.9, null, 1e-8);
        Assert.That(curve.CountedPositiveDefinite(0.5, lambda - 0.01), Is.True);
        Assert.That(curve.CountedPositiveDefinite(0.5, lambda + 0.01), Is.False);
        curve.Evaluate(0);
        Assert.That(calls, Is.EqualTo(new[] { (1, 0), (2, 1), (3, 1), (3, 2), (3, 3) }));
        Assert.That((curve.Evaluations, curve.InertiaCounts), Is.EqualTo((3, 3)));
    }

    /// <summary>A beta of <see cref="Layered"/> where lambda_min is well away from 0 (about 0.6), so that a level equal to
    /// it is far from its negative.</summary>
    const double LevelBeta = 0.3;

    [Test]
    public void CoarseEstimate_IsRefinedToTheFineTolerance_OnlyNearALevel()
    {
        // docs/theory.md section 4: a first Lanczos estimate stops at the coarse tolerance 1e-7 ||I - M|| (so its width
        // theta - L = 2 rho is above 4 fine tolerances, the point at which refinement stops); near a decision level (within
        // 50 widths) the eigenpair is refined to the fine tolerance 1e-12 ||I - M||, which counts as one evaluation. The
        // width after refinement is 2 rho <= 2 * 1.5 * 1e-12 ||I - M|| (the true residual of the final Ritz pair may exceed
        // the recurrence's estimate a little; 1.5 is Lanczos' own convergence slack), checked with a further factor 2.
        var j = Layered();
        double truth = DenseReference.LambdaMin(j.ToDenseRowMajor(), j.Size, LevelBeta);
        Assert.That(truth, Is.GreaterThan(0.3), "premise: lambda_min away from 0");
        using var curve = new LambdaMinCurve(j, null, new CurveOptions { DenseThreshold = 0 });
        double norm = curve.OperatorNormBound(LevelBeta);
        Assert.That(norm, Is.GreaterThan(5), "premise: a norm bound well above 1");
        var coarse = curve.Evaluate(LevelBeta);
        Assert.That(coarse.Certified, Is.False);
        Assert.That(Width(coarse), Is.GreaterThan(4 * Fine * norm), "a first estimate stops at the coarse tolerance");
        Assert.That(Width(coarse), Is.LessThan(2 * 3 * 1e-7 * norm), "... and reaches it");
        Assert.That(50 * Width(coarse), Is.LessThan(0.1), "premise: the far level lies beyond 50 widths");

        // a repeated call without a level or certificate returns the cached point as it is
        Assert.That(curve.Evaluate(LevelBeta), Is.EqualTo(coarse));
        Assert.That((curve.Evaluations, curve.InertiaCounts), Is.EqualTo((1, 0)));
        // a level farther than 50 widths: no refinement
        Assert.That(curve.Evaluate(LevelBeta, level: coarse.Value - 0.1), Is.EqualTo(coarse));
        Assert.That(curve.Evaluations, Is.EqualTo(1));
        // a level at the value: refined
        var refined = curve.Evaluate(LevelBeta, level: truth);
        Assert.That(curve.Evaluations, Is.EqualTo(2));
        Assert.That(Width(refined), Is.LessThanOrEqualTo(2 * 2 * 1.5 * Fine * norm), "width after refinement");
        NumericAssert.AreEqualAbsolute(truth, refined.Value, 1e-10, "refined lambda_min");
        NumericAssert.AtMost(truth, refined.LowerBound, 1e-12, "refined lower bound");
        // once fine, the level asks for nothing more
        Assert.That(curve.Evaluate(LevelBeta, level: truth), Is.EqualTo(refined));
        Assert.That(curve.Evaluations, Is.EqualTo(2));
        Assert.That(curve.InertiaCounts, Is.EqualTo(0));
    }

    [Test]
    public void LevelAtAFreshBeta_RefinesInTheSameEvaluation()
    {
        // As above, with the level given on the first call: one evaluation, fine width (same bound and reasons).
        var j = Layered();
        double truth = DenseReference.LambdaMin(j.ToDenseRowMajor(), j.Size, LevelBeta);
        using var curve = new LambdaMinCurve(j, null, new CurveOptions { DenseThreshold = 0 });
        double norm = curve.OperatorNormBound(LevelBeta);
        var p = curve.Evaluate(LevelBeta, level: truth);
        Assert.That(curve.Evaluations, Is.EqualTo(1));
        Assert.That(Width(p), Is.LessThanOrEqualTo(2 * 2 * 1.5 * Fine * norm), "width");
        NumericAssert.AreEqualAbsolute(truth, p.Value, 1e-10, "lambda_min");
    }

    [Test]
    public void LowestEigenpair_CachesItsPoint_KeepingTheNarrowerOrTheCertifiedOne()
    {
        // An estimate is kept as an uncertified point theta - 2 rho; a later estimate at the same beta replaces it only
        // when it is narrower, and never replaces a certified point. Values against MathNet: 1e-8 is above the error of
        // a Ritz value with residual 1e-10 ||I - M|| (its square over the gap) and the reference's rounding.
        var j = Layered();
        var dense = j.ToDenseRowMajor();
        using var curve = new LambdaMinCurve(j, null, new CurveOptions { DenseThreshold = 0 });
        const double b1 = 0.4, b2 = 0.5;
        var (v1, _) = curve.LowestEigenpair(b1, null, 1e-4);
        Assert.That(curve.Evaluations, Is.EqualTo(1));
        var p1 = curve.Points.Single();
        Assert.That((p1.Beta, p1.Value, p1.Certified), Is.EqualTo((b1, v1, false)));
        var (v2, _) = curve.LowestEigenpair(b1, null, 1e-10);
        NumericAssert.AreEqualAbsolute(DenseReference.LambdaMin(dense, j.Size, b1), v2, 1e-8, "tight estimate");
        var p2 = curve.Points.Single();
        Assert.That(p2.Value, Is.EqualTo(v2), "the narrower estimate replaces the wider");
        Assert.That(Width(p2), Is.LessThan(Width(p1)));
        curve.LowestEigenpair(b1, null, 1e-4);
        Assert.That(curve.Points.Single(), Is.EqualTo(p2), "a wider estimate does not replace a narrower one");
        var certified = curve.Evaluate(b2, certify: true);
        Assert.That(certified.Certified, Is.True);
        curve.LowestEigenpair(b2, null, 1e-10);
        Assert.That(curve.Points.Single(q => q.Beta == b2), Is.EqualTo(certified), "an estimate never replaces a certified point");
        Assert.That(curve.Evaluations, Is.EqualTo(5));
    }

    [Test]
    public void NearestCachedVector_IsTheRitzVectorOfTheNearestLanczosPoint()
    {
        // Lanczos path on 9 spins (exact to rounding): the warm start for beta is the Ritz vector of the nearest point that
        // has one; the point at beta = 0 (I - M = I) has none. Each vector's Rayleigh quotient at its own beta is
        // lambda_min there (MathNet, 1e-10), and the two lambda_min differ by far more.
        var j = TapTestSupport.SmallBondMatrix(8107);
        var a = j.ToDenseRowMajor();
        using var curve = new LambdaMinCurve(j, null, new CurveOptions { DenseThreshold = 0 });
        curve.Evaluate(0);
        Assert.That(curve.NearestCachedVector(0.1), Is.Null, "no point with a vector yet");
        curve.Evaluate(0.5);
        curve.Evaluate(1.0);
        double l05 = DenseReference.LambdaMin(a, 9, 0.5), l10 = DenseReference.LambdaMin(a, 9, 1.0);
        Assert.That(Math.Abs(l05 - l10), Is.GreaterThan(1e-3), "premise");
        var near0 = curve.NearestCachedVector(0.1);
        Assert.That(near0, Is.Not.Null);
        NumericAssert.AreEqualAbsolute(l05, Rayleigh(DenseReference.IdentityMinusM(a, 9, 0.5), 9, near0!), 1e-10, "vector nearest 0.1");
        var near1 = curve.NearestCachedVector(0.9);
        NumericAssert.AreEqualAbsolute(l10, Rayleigh(DenseReference.IdentityMinusM(a, 9, 1.0), 9, near1!), 1e-10, "vector nearest 0.9");
        // the dense path keeps no vectors
        using var densePath = new LambdaMinCurve(j);
        densePath.Evaluate(0.5);
        Assert.That(densePath.NearestCachedVector(0.5), Is.Null);
    }

    /// <summary>
    /// Two disconnected parts: spins 0 and 1 with J_01 = 0.5, and 200 spins of a Sherrington-Kirkpatrick coupling
    /// N(0, 1/200). The pair's vector (1, 1, 0, ..., 0) is an eigenvector of I - M(beta) with the eigenvalue
    /// 1 + beta^2 0.25 - beta 0.5 (0.75 at beta = 1), far above the bottom, which lies on the SK part near (1 - beta)^2.
    /// </summary>
    static DenseCoupling PairAndSk()
    {
        const int n = 202;
        var sk = DenseCoupling.SherringtonKirkpatrick(200, 1.0, new Random(8108)).ToDenseRowMajor();
        var a = new double[n * n];
        a[1] = a[n] = 0.5;
        for (int i = 0; i < 200; i++)
            for (int k = 0; k < 200; k++) a[(i + 2) * n + k + 2] = sk[i * 200 + k];
        return new DenseCoupling(n, a);
    }

    [Test]
    public void StartOnAnEigenvectorAboveTheBottom_IsCaughtByTheCertificate_AndRestartedFine()
    {
        // The first Lanczos run starts from exactly the pair's eigenvector (no random part): the Krylov space is that one
        // vector and the Ritz value its eigenvalue 0.75 (hand solution, to rounding). Certifying fails once (the inertia
        // count finds an eigenvalue below), costs one more evaluation, and the restart from a random vector runs to the
        // fine tolerance (width 2 rho <= 2 * 1.5 * 1e-12 ||I - M||, checked with a factor 2), at MathNet's lambda_min.
        var j = PairAndSk();
        const double beta = 1.0;
        double truth = DenseReference.LambdaMin(j.ToDenseRowMajor(), j.Size, beta);
        Assert.That(truth, Is.LessThan(0.5), "premise: the bottom lies well below the pair's 0.75");
        var start = new double[j.Size];
        start[0] = start[1] = 1;
        using var curve = new LambdaMinCurve(j, null, new CurveOptions { DenseThreshold = 0, StartVectorOverride = _ => (double[])start.Clone() });
        double norm = curve.OperatorNormBound(beta);
        var p = curve.Evaluate(beta);
        Assert.That(p.Value, Is.EqualTo(0.75).Within(1e-13), "Lanczos stays on the start vector's eigenvalue");
        var c = curve.Evaluate(beta, certify: true);
        Assert.That(c.Certified, Is.True);
        Assert.That((curve.Evaluations, curve.InertiaCounts), Is.EqualTo((2, 2)), "one failed count, one restart");
        NumericAssert.AreEqualAbsolute(truth, c.Value, 1e-10, "certified lambda_min");
        NumericAssert.AtMost(truth, c.LowerBound, 1e-12, "certified lower bound");
        Assert.That(Width(c), Is.LessThanOrEqualTo(2 * 2 * 1.5 * Fine * norm), "the restart runs to the fine tolerance");
    }

    [Test]
    public void LanczosThatKeepsMissing_FallsBackToTheDenseEigensolver()
    {
        // Lanczos sees only I + beta^2 diag(d) (BlindProduct): its bottom 1 + 4 * 0.09 = 1.36 at beta = 2 lies above the
        // chain's lambda_min (MathNet), so all three inertia counts fail; the point then comes from the dense eigensolver
        // of the true matrix, certified, with the dense width 1e-12 ||I - M||. Evaluations: the first estimate, three
        // restarts and the dense solve.
        var chain = Chain();
        const double beta = 2.0;
        double truth = DenseReference.LambdaMin(chain.ToDenseRowMajor(), 3, beta);
        Assert.That(truth, Is.LessThan(1.3), "premise: the blind bottom 1.36 is no lower bound");
        using var curve = new LambdaMinCurve(new BlindProduct(chain), null, new CurveOptions { DenseThreshold = 0 });
        var p = curve.Evaluate(beta, certify: true);
        Assert.That((curve.Evaluations, curve.InertiaCounts), Is.EqualTo((5, 3)));
        Assert.That(p.Certified, Is.True);
        NumericAssert.AreEqualAbsolute(truth, p.Value, 1e-13, "lambda_min from the dense fallback");
        NumericAssert.AreEqualRelative(1e-12 * curve.OperatorNormBound(beta), Width(p), 1e-3, "dense width");
    }

    /// <summary>
    /// The interval bound of <see cref="LambdaMinCurve.IntervalLowerBound"/> by brute force: each of its three bounds
    /// (concavity, Weyl from the left end, Weyl from the right end; docs/theory.md section 4) minimised over 100,001 grid
    /// points of t or beta, and the largest taken. Each is a quadratic in the grid variable with curvature at most
    /// 2 h^2 max d (or 2 min d, 2 max d per unit beta^2), so the grid minimum exceeds the true one by at most
    /// curvature/2 * (step/2)^2, below 1e-10 for the cases here.
    /// </summary>
    static double ReferenceIntervalBound(CurvePoint a, CurvePoint b, double dMin, double dMax, double normJ)
    {
        var (concave, left, right) = ReferenceBounds(a, b, dMin, dMax, normJ);
        return Math.Max(concave, Math.Max(left, right));
    }

    static (double Concave, double Left, double Right) ReferenceBounds(CurvePoint a, CurvePoint b, double dMin, double dMax, double normJ)
    {
        const int steps = 100_000;
        double h = b.Beta - a.Beta;
        double concave = double.PositiveInfinity, left = double.PositiveInfinity, right = double.PositiveInfinity;
        for (int i = 0; i <= steps; i++)
        {
            double t = (double)i / steps;
            concave = Math.Min(concave, t * a.LowerBound + (1 - t) * b.LowerBound - t * (1 - t) * h * h * dMax);
            double beta = a.Beta + t * h;
            left = Math.Min(left, a.LowerBound + (beta - a.Beta) * ((beta + a.Beta) * dMin - normJ));
            right = Math.Min(right, b.LowerBound - (b.Beta - beta) * ((b.Beta + beta) * dMax + normJ));
        }
        return (concave, left, right);
    }

    [TestCase(1.0, 0.5, 1.1, 0.5, TestName = "IntervalLowerBound: concavity binds (short interval, t inside)")]
    [TestCase(2.0, 0.5, 3.0, 0.5, TestName = "IntervalLowerBound: left Weyl binds (stationary point inside)")]
    [TestCase(1.0, -1.0, 1.2, 0.5, TestName = "IntervalLowerBound: right Weyl binds (low left end)")]
    [TestCase(0.2, 0.9, 0.6, 0.7, TestName = "IntervalLowerBound: a falling stretch")]
    public void IntervalLowerBound_IsTheLargestOfItsThreeBounds(double betaA, double la, double betaB, double lb)
    {
        // Chain with ||J|| = 0.5 given: min d = 0.09, max d = 0.25; the end points are made up (the bound is a formula in
        // them). 1e-9 covers the grid error of the reference (above).
        using var curve = new LambdaMinCurve(Chain(), 0.5);
        var a = new CurvePoint(betaA, la, la);
        var b = new CurvePoint(betaB, lb, lb);
        NumericAssert.AreEqualAbsolute(ReferenceIntervalBound(a, b, 0.09, 0.25, 0.5), curve.IntervalLowerBound(a, b), 1e-9, "interval bound");
        NumericAssert.AreEqualAbsolute(ReferenceBounds(a, b, 0.09, 0.25, 0.5).Left, curve.LeftWeylBound(a, betaB), 1e-9, "left Weyl bound");
        // an interval of zero length: the point's own bound
        Assert.That(curve.IntervalLowerBound(a, a), Is.EqualTo(a.LowerBound));
    }

    [Test]
    public void IntervalLowerBound_OfCertifiedPoints_LiesBelowTheCurve()
    {
        // Soundness: from two certified points of the chain, the bound lies below lambda_min (MathNet) on 201 points of
        // the interval; the grid minimum is at least the true minimum, and 1e-12 covers the reference's rounding.
        var j = Chain();
        var a3 = j.ToDenseRowMajor();
        using var curve = new LambdaMinCurve(j, 0.5);
        foreach (var (x, y) in new[] { (0.5, 1.5), (1.5, 4.0), (0.1, 0.4) })
        {
            double bound = curve.IntervalLowerBound(curve.Evaluate(x, certify: true), curve.Evaluate(y, certify: true));
            double min = Enumerable.Range(0, 201).Min(i => DenseReference.LambdaMin(a3, 3, x + (y - x) * i / 200.0));
            NumericAssert.AtMost(min, bound, 1e-12, $"bound on [{x}, {y}]");
        }
    }
}
