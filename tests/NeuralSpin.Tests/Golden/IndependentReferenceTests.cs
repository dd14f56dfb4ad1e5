using NUnit.Framework;
using NeuralSpin.Tests.Support;

namespace NeuralSpin.Tests.Golden;

/// <summary>
/// The independent reference against closed forms, so that the golden expectations it writes rest on checked
/// ground: the replica T_c checks of docs/theory.md section 2, and a network whose curve is known exactly.
/// </summary>
[TestFixture]
public class IndependentReferenceTests
{
    // docs/theory.md section 2, "Checks": the replica T_c in closed form. A (L+1) x (L+1) eigenproblem in double
    // precision: 1e-14 relative.
    [TestCase(new[] { 30, 30 }, 2.0)]
    [TestCase(new[] { 10, 10 }, 0.5)]
    public void TcReplica_OneBlockOfEqualWidths_IsSqrtC(int[] widths, double c) =>
        NumericAssert.AreEqualRelative(Math.Sqrt(c), IndependentReference.TcReplica(widths, [c]), 1e-14);

    [TestCase(100, 25, 1.5)]
    [TestCase(20, 80, 2.0)]
    public void TcReplica_TwoLayers_IsCSqrtOfTheWidthRatio(int n0, int n1, double c) =>
        NumericAssert.AreEqualRelative(Math.Sqrt(c * Math.Sqrt((double)n1 / n0)), IndependentReference.TcReplica([n0, n1], [c]), 1e-14);

    [TestCase(3, 2.0)]
    [TestCase(6, 1.5)]
    public void TcReplica_EqualLayers_IsP1Equation17(int blocks, double c)
    {
        var widths = Enumerable.Repeat(40, blocks + 1).ToArray();
        var cs = Enumerable.Repeat(c, blocks).ToArray();
        NumericAssert.AreEqualRelative(Math.Sqrt(2 * c * Math.Cos(Math.PI / (blocks + 2))), IndependentReference.TcReplica(widths, cs), 1e-14);
    }

    // docs/theory.md section 2 gives T_c = 1.757516 (7 digits) for P1's 784-512-512-512-10 with C = 2.
    [Test]
    public void TcReplica_PaperArchitecture_Is1point757516() =>
        NumericAssert.AreEqualAbsolute(1.757516, IndependentReference.TcReplica([784, 512, 512, 512, 10], [2.0, 2.0, 2.0, 2.0]), 5e-7);

    /// <summary>
    /// Widths n-n with J^(1) = a I: every spin has d = a^2, and I - M splits into n copies of
    /// [[1 + b^2 a^2, -b a], [-b a, 1 + b^2 a^2]], so lambda_min(b) = 1 - b a + b^2 a^2 (n-fold): minimum 3/4 at b = 1/(2a),
    /// crossing of a level c (above 3/4) at b a = (1 - sqrt(4c - 3)) / 2, no crossing of 0. The lowest eigenvalue is
    /// n-fold degenerate, which the slope bisection must survive.
    /// </summary>
    [TestCase(1, 0.8)]
    [TestCase(5, 1.7)]
    public void CurveOfDecoupledPairs_IsKnownExactly(int n, double a)
    {
        var j1 = new double[n * n];
        for (int i = 0; i < n; i++) j1[i * n + i] = a;
        var r = new IndependentReference([n, n], [j1]);
        var (beta, value) = r.CurveMinimum(10);
        // the slope is rounded at ~1e-15 and the curvature is 2 a^2: location to ~1e-14; value second order
        NumericAssert.AreEqualRelative(1 / (2 * a), beta, 1e-12, "curve minimum location");
        NumericAssert.AreEqualAbsolute(0.75, value, 1e-14, "curve minimum value");
        Assert.That(r.FirstCrossing(0, 10, alsoTry: beta), Is.Null, "lambda_min >= 3/4: no crossing of 0");
        const double level = 0.8;
        // the inertia bisection stops at 1e-14 relative; the root of a slope-O(1) quadratic moves by rounding ~1e-16
        NumericAssert.AreEqualRelative((1 - Math.Sqrt(4 * level - 3)) / 2 / a, r.FirstCrossing(level, 10, alsoTry: beta)!.Value, 1e-13, "crossing of 0.8");

        var e = r.Analyse(level, 10);
        Assert.That(e.BetaC, Is.Null);
        Assert.That(e.SpacingBeta, Is.EqualTo(e.BetaCCorrected), "spacing at beta_c(c_0)");
        NumericAssert.AreEqualRelative(1 / e.BetaCCorrected!.Value, e.TcCorrected!.Value, 0, "T = 1/beta");
        NumericAssert.AreEqualRelative(Math.Sqrt(a * a), e.TcReplica, 1e-14, "one block of equal widths: T_c = sqrt(C), C = a^2");
        NumericAssert.AreEqualRelative(-a * a, e.LambdaMinR, 1e-15, "lambda_min(R) = -max d");
        NumericAssert.AreEqualRelative(a, e.LambdaMaxJ, 1e-14, "lambda_max(J)");
        NumericAssert.AreEqualAbsolute(level, e.SpectrumTap[0], 1e-12, "lambda_min at beta_c(c_0) is the level");
    }

    /// <summary>s_0 / s_typ (docs/theory.md section 6) of a small spectrum by hand: spacings 1, 3, 2, 2 -> median 2, ratio 1/2.</summary>
    [Test]
    public void SpacingRatio_ByHand()
    {
        Assert.That(IndependentReference.SpacingRatio([0, 1, 4, 6, 8]), Is.EqualTo(0.5));
        Assert.That(IndependentReference.SpacingRatio([0, 1, 4]), Is.EqualTo(0.5)); // spacings 1, 3: median 2
        Assert.That(IndependentReference.SpacingRatio([1]), Is.Null);
        Assert.That(IndependentReference.SpacingRatio([0, 0, 0, 5]), Is.Null); // median spacing 0
    }
}
