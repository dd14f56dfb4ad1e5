using NUnit.Framework;
using NeuralSpin.SpinModel;
using NeuralSpin.Tap;
using NeuralSpin.Tests.Golden;

namespace NeuralSpin.Tests.Tap;

/// <summary>
/// The searches of <see cref="TransitionSearch"/> behind the certificates: the first crossing by grid, bisection and
/// Brent's root (the vertex certificate switched off), the tangential touch, the branch and bound of the curve minimum
/// (the polygon certificate switched off by certify: false), and the uncertified estimates, each against
/// <see cref="IndependentReference"/> (MathNet's dense eigensolver, inertia by a naive LDL^T, bisection to 1e-14; no code
/// shared with the library).
/// </summary>
[TestFixture, NonParallelizable]
public class TransitionSearchTests
{
    const double BetaMax = 10;

    /// <summary>The networks: a spiked 40-30-20 (its curve falls below 0) and a plain 30-20-10 with C = 2.</summary>
    static BondMatrix Network(int which) => which == 0
        ? VertexCrossingTests.Spiked([40, 30, 20], [1.0], 9601, 3)
        : BondMatrix.Sample([30, 20, 10], [2.0], new Random(77));

    static readonly Dictionary<int, (IndependentReference Ref, double MinBeta, double MinValue, double NormJ)> References = [];

    static (IndependentReference Ref, double MinBeta, double MinValue, double NormJ) Reference(int which)
    {
        if (References.TryGetValue(which, out var r)) return r;
        var j = Network(which);
        var reference = IndependentReference.Of(j);
        var (minBeta, minValue) = reference.CurveMinimum(BetaMax);
        // ||J|| from the reference's spectrum (a layered J's spectrum is symmetric), a hair above for rounding
        double normJ = reference.SpectrumJ()[^1] * (1 + 1e-12);
        return References[which] = (reference, minBeta, minValue, normJ);
    }

    static LambdaMinCurve Curve(int which, int denseThreshold, int budget = 5000) =>
        new(Network(which), Reference(which).NormJ, new CurveOptions { DenseThreshold = denseThreshold, SearchBudget = budget });

    /// <summary>
    /// The search's first crossing of levels between the curve minimum and 1 (a transversal crossing, guarantee of
    /// <see cref="TransitionSearch.FirstCrossing"/>): the answer is at or just past the reference crossing, root &lt;=
    /// beta &lt;= root (1 + relTol), with 1e-11 relative of slack below for the rounding of the two eigenvalue
    /// computations (1e-15 of the norm over a slope of order one). A coarse grid (2 intervals) leaves the crossing to the
    /// bisection; the dense and the Lanczos paths (DenseThreshold 0) must agree with the reference alike.
    /// </summary>
    [Test]
    public void SearchCrossing_IsTheReferenceCrossingFromAbove([Values(0, 1)] int which, [Values(0.02, 0.5)] double above,
        [Values(2, 16)] int grid, [Values(1e-6, 1e-10)] double relTol, [Values(10000, 0)] int denseThreshold)
    {
        var (reference, _, minValue, _) = Reference(which);
        // a level a fraction `above` of the way from the minimum up to lambda_min(0) = 1
        double level = minValue + above * (1 - minValue);
        double root = reference.FirstCrossing(level, BetaMax)!.Value;
        using var curve = Curve(which, denseThreshold);
        var r = TransitionSearch.FirstCrossingDetailed(curve, level, BetaMax, relTol, grid, vertexCertificate: false);
        Assert.That(r.Method, Is.EqualTo(CrossingMethod.Search));
        Assert.That(r.Beta, Is.Not.Null);
        Assert.That(r.Beta!.Value, Is.InRange(root * (1 - 1e-11), root * (1 + relTol) * (1 + 1e-11)), $"reference {root:R}");
        Assert.That(reference.LambdaMin(r.Beta.Value), Is.LessThanOrEqualTo(level + 1e-12), "the answer is at or below the level");
    }

    /// <summary>
    /// A level more than the slack (1e-9) below the curve minimum is never reached: null, from the search and from the
    /// tangency scan, which accepts a touch only within the slack.
    /// </summary>
    [Test]
    public void SearchCrossing_BelowTheMinimum_IsNull([Values(0, 1)] int which, [Values(1.5e-9, 1e-6, 0.1)] double below)
    {
        var (_, _, minValue, _) = Reference(which);
        using var curve = Curve(which, 10000);
        var r = TransitionSearch.FirstCrossingDetailed(curve, minValue - below, BetaMax, vertexCertificate: false);
        Assert.That(r.Beta, Is.Null);
    }

    /// <summary>
    /// A level within the slack (1e-9) of the curve minimum, above or below it, is a tangential touch: the search reports
    /// the touching minimiser, located to sqrt(2 slack / curvature) (about 1e-4 relative; guarantee of
    /// <see cref="TransitionSearch.FirstCrossing"/>), with lambda_min there within the slack of the level. (A minimum
    /// 5e-10 above the level was once missed: the tangency scan searched for level + slack, whose interval bound may clear
    /// everything above the level itself.)
    /// </summary>
    [Test]
    public void SearchCrossing_TangentialTouch_IsTheMinimiser([Values(0, 1)] int which, [Values(-5e-10, 0.0, 5e-10)] double offset,
        [Values(2, 16)] int grid)
    {
        var (reference, minBeta, minValue, _) = Reference(which);
        double level = minValue + offset;
        using var curve = Curve(which, 10000);
        var r = TransitionSearch.FirstCrossingDetailed(curve, level, BetaMax, 1e-10, grid, vertexCertificate: false);
        Assert.That(r.Beta, Is.Not.Null);
        Assert.That(r.Beta!.Value, Is.EqualTo(minBeta).Within(1e-4 * minBeta));
        Assert.That(reference.LambdaMin(r.Beta.Value), Is.LessThanOrEqualTo(level + 1e-9 + 1e-12));
    }

    /// <summary>
    /// The branch and bound (certify: false skips the polygon certificate) against the reference minimum: the value to
    /// 1e-12 (a polished minimiser off by sqrt(epsilon) relative changes lambda_min by curvature x 1e-16), the minimiser
    /// to 1e-6 relative (about sqrt(epsilon) is the limit of a minimiser), the certified lower bound at most the minimum
    /// and at least the minimum minus the tolerance, and the evaluations the call made.
    /// </summary>
    [Test]
    public void GlobalMinimum_BranchAndBound_IsTheReferenceMinimum([Values(0, 1)] int which, [Values(1e-5, 1e-3)] double tolerance,
        [Values(1, 4, 16)] int grid, [Values(10000, 0)] int denseThreshold)
    {
        var (_, minBeta, minValue, _) = Reference(which);
        using var curve = Curve(which, denseThreshold);
        curve.Evaluate(0.3 * minBeta); // evaluations before the call are not the call's
        int before = curve.Evaluations;
        var m = TransitionSearch.GlobalMinimum(curve, BetaMax, tolerance, grid, certify: false);
        Assert.That(m.Value, Is.EqualTo(minValue).Within(1e-12));
        Assert.That(m.Beta, Is.EqualTo(minBeta).Within(1e-6 * minBeta));
        Assert.That(m.CertifiedLowerBound, Is.InRange(minValue - tolerance - 1e-12, minValue + 1e-12));
        Assert.That(m.Evaluations, Is.EqualTo(curve.Evaluations - before));
    }

    /// <summary>
    /// A curve with two dips (<see cref="CertificationTests.TwoComponentNetwork"/>: A's at small beta, B's lower one at
    /// larger beta): the branch and bound finds B's, and the polish stays within the neighbours of the best point (a
    /// polish over a wider bracket may slide into A's dip, be rejected as worse and leave the minimiser at the branch and
    /// bound's resolution, about 1e-3 relative). Tolerances as in the single-dip case.
    /// </summary>
    [Test]
    public void GlobalMinimum_TwoDips_IsTheLowerOne([Values(4, 16)] int grid, [Values(10000, 0)] int denseThreshold)
    {
        var j = CertificationTests.TwoComponentNetwork();
        var reference = IndependentReference.Of(j);
        var (minBeta, minValue) = reference.CurveMinimum(4);
        using var curve = new LambdaMinCurve(j, null, new CurveOptions { DenseThreshold = denseThreshold });
        var m = TransitionSearch.GlobalMinimum(curve, 4, 1e-5, grid, certify: false);
        Assert.That(m.Value, Is.EqualTo(minValue).Within(1e-12));
        Assert.That(m.Beta, Is.EqualTo(minBeta).Within(1e-6 * minBeta));
        Assert.That(m.CertifiedLowerBound, Is.InRange(minValue - 1e-5 - 1e-12, minValue + 1e-12));
    }

    /// <summary>
    /// The estimates without certificate: the minimum by secant steps on the Hellmann-Feynman slope (about 1e-5 relative in
    /// beta; its value is an eigenvalue at that beta, so at least the minimum, and above it by curvature x (1e-5 beta)^2),
    /// the crossing by the Rayleigh-functional iteration (about 1e-6 relative), null past beta_max.
    /// </summary>
    [Test]
    public void Estimates_MatchTheReference([Values(0, 1)] int which)
    {
        var (reference, minBeta, minValue, _) = Reference(which);
        using (var curve = Curve(which, 0))
        {
            curve.Evaluate(0.5 * minBeta);
            int before = curve.Evaluations;
            var m = TransitionSearch.MinimumEstimate(curve, BetaMax);
            Assert.That(m.Beta, Is.EqualTo(minBeta).Within(2e-5 * minBeta));
            Assert.That(m.Value, Is.InRange(minValue - 1e-12, minValue + 1e-7));
            Assert.That(m.CertifiedLowerBound, Is.NaN);
            Assert.That(m.Evaluations, Is.EqualTo(curve.Evaluations - before));
        }
        double level = minValue + 0.3 * (1 - minValue);
        double root = reference.FirstCrossing(level, BetaMax)!.Value;
        using (var curve = Curve(which, 0))
        {
            double? estimate = TransitionSearch.CrossingEstimate(curve, level, BetaMax);
            Assert.That(estimate, Is.Not.Null);
            Assert.That(estimate!.Value, Is.EqualTo(root).Within(5e-6 * root));
            Assert.That(TransitionSearch.CrossingEstimate(curve, level, 0.5 * root), Is.Null, "past beta_max");
        }
    }

    /// <summary>
    /// beta_max bounds the searches: a crossing past it is not reported (null), one just before it is (the grid's last
    /// interval), and below the minimiser the minimum over
    /// (0, beta_max] is the end point, where the curve is still falling: lambda_min(beta_max) from the reference.
    /// </summary>
    [Test]
    public void BetaMax_BoundsTheSearches([Values(0, 1)] int which, [Values(10000, 0)] int denseThreshold)
    {
        var (reference, minBeta, minValue, _) = Reference(which);
        double level = minValue + 0.3 * (1 - minValue);
        double root = reference.FirstCrossing(level, BetaMax)!.Value;
        using var curve = Curve(which, denseThreshold);
        Assert.That(TransitionSearch.FirstCrossingDetailed(curve, level, 0.9 * root, vertexCertificate: false).Beta, Is.Null);
        // a crossing in the last interval of the grid, just before beta_max
        foreach (int grid in new[] { 2, 16 })
            Assert.That(TransitionSearch.FirstCrossingDetailed(curve, level, 1.01 * root, 1e-10, grid, vertexCertificate: false).Beta,
                Is.EqualTo(root).Within(2e-10 * root), $"grid {grid}");
        double end = 0.5 * minBeta;
        var m = TransitionSearch.GlobalMinimum(curve, end, certify: false);
        Assert.That(m.Beta, Is.EqualTo(end).Within(1e-9 * end));
        Assert.That(m.Value, Is.EqualTo(reference.LambdaMin(end)).Within(1e-12));
        var e = TransitionSearch.MinimumEstimate(curve, end);
        Assert.That(e.Beta, Is.EqualTo(end).Within(1e-9 * end));
    }

    /// <summary>
    /// The search's budget counts from the start of the search, not from the curve's first evaluation: a curve that has
    /// already spent more than the budget elsewhere still finishes a search that needs less than the budget.
    /// </summary>
    [Test]
    public void Budget_CountsFromTheStartOfTheSearch([Values(0, 1)] int which)
    {
        var (reference, minBeta, minValue, _) = Reference(which);
        double level = minValue + 0.3 * (1 - minValue);
        using var curve = Curve(which, 10000, budget: 150);
        for (int i = 1; i <= 200; i++) curve.Evaluate(i * BetaMax / 200.5);
        Assert.That(curve.Evaluations, Is.GreaterThan(150));
        var r = TransitionSearch.FirstCrossingDetailed(curve, level, BetaMax, vertexCertificate: false);
        Assert.That(r.Beta!.Value, Is.EqualTo(reference.FirstCrossing(level, BetaMax)!.Value).Within(1e-9 * minBeta));
        var m = TransitionSearch.GlobalMinimum(curve, BetaMax, certify: false);
        Assert.That(m.Value, Is.EqualTo(minValue).Within(1e-12));
    }
}
