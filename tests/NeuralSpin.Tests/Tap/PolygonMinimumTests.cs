using NUnit.Framework;
using NeuralSpin.SpinModel;
using NeuralSpin.Tap;
using NeuralSpin.Tests.Golden;

namespace NeuralSpin.Tests.Tap;

/// <summary>
/// The curve minimum from the joint numerical range (docs/theory.md section 4, equations 4.5-4.7): g of (4.6) in closed
/// form, the polygon bound (4.7) against a reference written here from the equations (the lower boundary
/// d = max(min_i d_i, max_i (beta_i a - 1 + L_i) / beta_i^2), its breakpoints found by bisection, g by comparing the ends
/// and the stationary point of the parabola), and the whole certificate against <see cref="IndependentReference"/>
/// (MathNet's dense eigensolver, the minimum by bisection on the Hellmann-Feynman slope to 1e-13 relative).
/// </summary>
[TestFixture, NonParallelizable]
public class PolygonMinimumTests
{
    /// <summary>Equation 4.6 from its definition: the least of 1 - beta a + beta^2 d at beta = 0, beta_max and the
    /// parabola's stationary point a / (2 d) when that lies inside.</summary>
    static double GReference(double a, double d, double betaMax)
    {
        double best = Math.Min(1, 1 - betaMax * a + betaMax * betaMax * d);
        if (d > 0 && a / (2 * d) > 0 && a / (2 * d) < betaMax) best = Math.Min(best, 1 - a * a / (4 * d));
        return best;
    }

    /// <summary>The lower boundary of P at a, written as in docs/theory.md (4.7); points with beta &lt;= 0 carry no
    /// constraint (the half-plane 1 &gt;= L).</summary>
    static double LowerBoundary(IReadOnlyList<(double Beta, double Lower)> points, double dMin, double a)
    {
        double d = Math.Max(dMin, 0);
        foreach (var (b, l) in points)
            if (b > 0) d = Math.Max(d, (b * a - 1 + l) / (b * b));
        return d;
    }

    /// <summary>The vertices of P's lower boundary in [0, Lambda]: 0, Lambda and every change of the maximising line,
    /// located on a grid of 4000 steps and bisected to rounding.</summary>
    static List<double> Vertices(IReadOnlyList<(double Beta, double Lower)> points, double dMin, double lambda)
    {
        var lines = new List<Func<double, double>> { _ => Math.Max(dMin, 0) };
        foreach (var (b, l) in points)
            if (b > 0) lines.Add(a => (b * a - 1 + l) / (b * b));
        int Top(double a)
        {
            int best = 0;
            for (int i = 1; i < lines.Count; i++) if (lines[i](a) > lines[best](a)) best = i;
            return best;
        }
        var vertices = new List<double> { 0, lambda };
        const int steps = 4000;
        for (int k = 0; k < steps; k++)
        {
            double lo = lambda * k / steps, hi = lambda * (k + 1) / steps;
            int i = Top(lo), j = Top(hi);
            if (i == j) continue;
            for (int it = 0; it < 200 && hi - lo > 1e-16 * lambda; it++)
            {
                double mid = 0.5 * (lo + hi);
                if (lines[i](mid) >= lines[j](mid)) lo = mid; else hi = mid;
            }
            vertices.Add(0.5 * (lo + hi));
        }
        return vertices;
    }

    /// <summary>Equation 4.6 in closed form: a &lt;= 0 gives g = 1 at beta = 0; otherwise b = min(a / (2 d), beta_max)
    /// (beta_max when d = 0) and g = 1 - b a + b^2 d. Exact in binary for these arguments.</summary>
    [Test]
    public void G_IsTheClosedFormOfEquation4_6()
    {
        Assert.That(PolygonMinimum.G(2, 1, 5), Is.EqualTo((0.0, 1.0)));      // b = a / (2 d) = 1: 1 - 2 + 1
        Assert.That(PolygonMinimum.G(2, 1, 0.5), Is.EqualTo((0.25, 0.5)));   // b = beta_max: 1 - 1 + 0.25
        Assert.That(PolygonMinimum.G(3, 0, 2), Is.EqualTo((-5.0, 2.0)));     // d = 0: b = beta_max, 1 - 6
        Assert.That(PolygonMinimum.G(-1, 2, 5), Is.EqualTo((1.0, 0.0)));     // a < 0: beta = 0
        // a = 0: the value is 1 at beta = 0 (line 4.6), also where d = 0 makes every beta attain it
        Assert.That(PolygonMinimum.G(0, 0, 5), Is.EqualTo((1.0, 0.0)));
        Assert.That(PolygonMinimum.G(0, 3, 5), Is.EqualTo((1.0, 0.0)));
    }

    /// <summary>
    /// Hand solutions of (4.7). With no certified point, min_i d_i = 1, Lambda = 2: the vertices are a = 0 (g = 1) and
    /// (2, 1), where b = 1 and g = 1 - 2 + 1 = 0 (the curve (1 - beta)^2 of SK couplings, section 4). The vertex certificate
    /// as the special case of one point (beta_L, c), beta_L = 2 (1 - c) / Lambda, min_i d_i = 0, beta_max = beta_L: the
    /// line meets a = Lambda at d = Lambda^2 / (4 (1 - c)) and d = 0 at a = Lambda / 2, and g = c at both (docs/theory.md).
    /// </summary>
    [Test]
    public void PolygonBound_HandSolutions()
    {
        var (bound, beta) = PolygonMinimum.PolygonBound([], 2, 1, 10);
        Assert.That(bound, Is.EqualTo(0).Within(1e-15));
        Assert.That(beta, Is.EqualTo(1).Within(1e-15));
        const double c = 0.3, lambda = 2.5;
        double betaL = 2 * (1 - c) / lambda;
        (bound, beta) = PolygonMinimum.PolygonBound([(betaL, c)], lambda, 0, betaL);
        Assert.That(bound, Is.EqualTo(c).Within(1e-14));
        Assert.That(beta, Is.EqualTo(betaL).Within(1e-14));
    }

    /// <summary>
    /// (4.7) on 300 random polygons (1 to 5 certified points with beta_i in [0.1, 3] and L_i in [-1, 0.95], Lambda in
    /// [1, 3], min_i d_i either 0 or in [0.2, 1.5], beta_max in [0.5, 4]) against the reference vertices: the bound equals
    /// the least g over them, and the returned beta attains it, min over the vertices of 1 - beta a + beta^2 d being the
    /// bound (g is the minimum over beta of these affine functions, whose minimum over P lies at a vertex). The tolerance
    /// 1e-12 covers rounding: the bisected vertices are exact to 1e-16 Lambda and g is Lipschitz in a with constant at
    /// most beta_max + beta_max^2 / min_i beta_i = 164.
    /// </summary>
    [Test]
    public void PolygonBound_EqualsTheLeastGOverTheReferenceVertices()
    {
        var rng = new Random(4507);
        for (int trial = 0; trial < 300; trial++)
        {
            double lambda = 1 + 2 * rng.NextDouble();
            double dMin = rng.NextDouble() < 0.3 ? 0 : 0.2 + 1.3 * rng.NextDouble();
            double betaMax = 0.5 + 3.5 * rng.NextDouble();
            var points = Enumerable.Range(0, 1 + rng.Next(5)).Select(_ => (0.1 + 2.9 * rng.NextDouble(), -1 + 1.95 * rng.NextDouble())).ToList();
            var vertices = Vertices(points, dMin, lambda);
            double expected = vertices.Min(a => GReference(a, LowerBoundary(points, dMin, a), betaMax));
            var (bound, beta) = PolygonMinimum.PolygonBound(points, lambda, dMin, betaMax);
            string at = $"trial {trial}: Lambda {lambda:R}, dMin {dMin:R}, beta_max {betaMax:R}, points {string.Join(" ", points)}";
            Assert.That(bound, Is.EqualTo(expected).Within(1e-12), at);
            Assert.That(beta, Is.InRange(0, betaMax), at);
            double attained = vertices.Min(a => 1 - beta * a + beta * beta * LowerBoundary(points, dMin, a));
            Assert.That(attained, Is.EqualTo(bound).Within(1e-12), at);
        }
    }

    /// <summary>A point at beta = 0 adds the half-plane 1 &gt;= L, no constraint on (a, d) (4.5): the bound and its beta
    /// are the same with or without it.</summary>
    [Test]
    public void PolygonBound_PointsAtBetaZeroAddNoConstraint()
    {
        var points = new List<(double, double)> { (0.6, 0.4), (1.1, 0.1) };
        var without = PolygonMinimum.PolygonBound(points, 2.2, 0.7, 3);
        var with = PolygonMinimum.PolygonBound([(0, 1), .. points, (0, 0.5)], 2.2, 0.7, 3);
        Assert.That(with, Is.EqualTo(without));
    }

    static IndependentReference Reference(BondMatrix j) => IndependentReference.Of(j);

    static IEnumerable<TestCaseData> Networks()
    {
        foreach (int dense in new[] { 10000, 0 })
        {
            yield return new TestCaseData("kaiming 40-40-40 C=2", dense);
            yield return new TestCaseData("kaiming 30-30-30 C=1", dense);
            yield return new TestCaseData("spiked 40-30-20", dense);
            yield return new TestCaseData("kaiming 20-25-15 C=3,1", dense);
        }
    }

    static BondMatrix Network(string name) => name switch
    {
        "kaiming 40-40-40 C=2" => BondMatrix.Sample([40, 40, 40], [2.0], new Random(11)),
        "kaiming 30-30-30 C=1" => BondMatrix.Sample([30, 30, 30], [1.0], new Random(5)),
        "spiked 40-30-20" => VertexCrossingTests.Spiked([40, 30, 20], [1.0], 9601, 3),
        _ => BondMatrix.Sample([20, 25, 15], [3.0, 1.0], new Random(3)),
    };

    static readonly Dictionary<string, (BondMatrix J, double Lambda, (double Beta, double Value) Minimum)> solved = new();

    /// <summary>The network, its norm bound lambda_max(J) (1 + 1e-12) and the reference minimum over (0, MonotoneFrom],
    /// computed once per network.</summary>
    static (BondMatrix J, double Lambda, (double Beta, double Value) Minimum) Solved(string name)
    {
        if (solved.TryGetValue(name, out var known)) return known;
        var j = Network(name);
        var reference = Reference(j);
        double lambda = reference.SpectrumJ()[^1] * (1 + 1e-12);
        using var curve = new LambdaMinCurve(j, lambda);
        return solved[name] = (j, lambda, reference.CurveMinimum(curve.MonotoneFrom));
    }

    /// <summary>
    /// The certificate on four networks (three untrained, whose curves dip above 0, and a spiked one below 0), on the
    /// dense path and on the Lanczos path with inertia counts, over (0, MonotoneFrom] (beyond it the curve cannot fall):
    /// it settles (no hand-over to the branch and bound), its value is the reference minimum to 1e-10 (the Lanczos fine
    /// residual is 1e-12 of the norm, and the value is stationary in the vector), its beta the reference minimiser to
    /// 1e-6 relative (the secant search stops at a change of 1e-7), its lower bound lies at or below the reference minimum
    /// (to rounding, 1e-12) and within the tolerance 1e-5 of the value (the cuts stop when (4.7) is that close), and at or
    /// below the proven bound of its own point. The lower bound follows from (4.7) with the certified points of the curve
    /// alone, evaluated with the reference vertices here, and the evaluations reported are those the certificate made.
    /// </summary>
    [TestCaseSource(nameof(Networks))]
    public void TryFind_SettlesAtTheReferenceMinimum(string name, int denseThreshold)
    {
        var (j, lambda, expected) = Solved(name);
        using var curve = new LambdaMinCurve(j, lambda, new CurveOptions { DenseThreshold = denseThreshold });
        double betaMax = curve.MonotoneFrom;
        const double tolerance = 1e-5;
        curve.Evaluate(0.5 * betaMax); // an evaluation before, which the count must leave out
        int before = curve.Evaluations;
        var r = PolygonMinimum.TryFind(curve, betaMax, tolerance);
        Assert.That(r, Is.Not.Null);
        Assert.That(r!.Value, Is.EqualTo(expected.Value).Within(1e-10));
        Assert.That(r.Beta, Is.EqualTo(expected.Beta).Within(1e-6 * expected.Beta));
        Assert.That(r.CertifiedLowerBound, Is.LessThanOrEqualTo(expected.Value + 1e-12).And.GreaterThanOrEqualTo(r.Value - tolerance));
        Assert.That(r.Evaluations, Is.EqualTo(curve.Evaluations - before));
        var own = curve.Points.Single(p => p.Beta == r.Beta);
        Assert.That(own.Certified, Is.True);
        Assert.That(r.CertifiedLowerBound, Is.LessThanOrEqualTo(own.LowerBound));
        var certified = curve.Points.Where(p => p.Certified && p.Beta > 0).Select(p => (p.Beta, p.LowerBound)).ToList();
        var vertices = Vertices(certified, curve.DMin, lambda);
        double proven = vertices.Min(a => GReference(a, LowerBoundary(certified, curve.DMin, a), betaMax));
        Assert.That(proven, Is.GreaterThanOrEqualTo(r.CertifiedLowerBound - 1e-12));
        if (denseThreshold == 0) Assert.That(curve.InertiaCounts, Is.EqualTo(certified.Count), "one inertia count per certified point");
    }

    /// <summary>
    /// The minimiser estimate alone (the zero of the Hellmann-Feynman slope -a + 2 beta d, docs/theory.md section 4) is
    /// the reference minimiser to 1e-6 relative at the default tolerances (location 1e-7) on both paths, and to 1e-4
    /// relative at the estimate's tolerances 1e-5 (the uncertified path of wide networks).
    /// </summary>
    [TestCaseSource(nameof(Networks))]
    public void EstimateMinimiser_IsTheReferenceMinimiser(string name, int denseThreshold)
    {
        var (j, lambda, expected) = Solved(name);
        using var curve = new LambdaMinCurve(j, lambda, new CurveOptions { DenseThreshold = denseThreshold });
        double betaMax = curve.MonotoneFrom;
        Assert.That(PolygonMinimum.EstimateMinimiser(curve, betaMax), Is.EqualTo(expected.Beta).Within(1e-6 * expected.Beta));
        using var fresh = new LambdaMinCurve(j, lambda, new CurveOptions { DenseThreshold = denseThreshold });
        Assert.That(PolygonMinimum.EstimateMinimiser(fresh, betaMax, 1e-5, 1e-5), Is.EqualTo(expected.Beta).Within(1e-4 * expected.Beta));
    }

    /// <summary>A minimum past beta_max: the curve of the spiked network falls until its minimiser 0.966, so over (0, 0.8]
    /// its minimum is the end point (the slope there is negative, checked on the reference); the estimate stops at
    /// beta_max and the certificate returns lambda_min(0.8).</summary>
    [Test]
    public void MinimumAtBetaMax_IsTheEndPoint()
    {
        var j = Network("spiked 40-30-20");
        var reference = Reference(j);
        double lambda = reference.SpectrumJ()[^1] * (1 + 1e-12);
        const double betaMax = 0.8;
        Assert.That(reference.LambdaMinWithSlope(betaMax).Slope, Is.LessThan(0), "precondition: the curve still falls at beta_max");
        using var curve = new LambdaMinCurve(j, lambda);
        Assert.That(PolygonMinimum.EstimateMinimiser(curve, betaMax), Is.EqualTo(betaMax));
        var r = PolygonMinimum.TryFind(curve, betaMax, 1e-5);
        Assert.That(r, Is.Not.Null);
        Assert.That(r!.Beta, Is.EqualTo(betaMax));
        Assert.That(r.Value, Is.EqualTo(reference.LambdaMin(betaMax)).Within(1e-12));
        Assert.That(r.CertifiedLowerBound, Is.LessThanOrEqualTo(r.Value).And.GreaterThanOrEqualTo(r.Value - 1e-5));
    }

    /// <summary>A norm taken as an estimate (<see cref="LambdaMinCurve.AssumeNormForEstimates"/>) cannot carry the
    /// strip -Lambda &lt;= a &lt;= Lambda of (4.7): the certificate declines.</summary>
    [Test]
    public void UnprovenNorm_Declines()
    {
        var j = Network("kaiming 30-30-30 C=1");
        using var curve = new LambdaMinCurve(j);
        curve.AssumeNormForEstimates(Reference(j).SpectrumJ()[^1]);
        Assert.That(PolygonMinimum.TryFind(curve, 2, 1e-5), Is.Null);
    }
}
