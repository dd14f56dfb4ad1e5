using NUnit.Framework;
using NeuralSpin.Tap;

namespace NeuralSpin.Tests.Tap;

/// <summary>
/// <see cref="TransitionSearch.BrentRoot"/>, the root finder that settles a bracketed crossing of the lambda_min curve, on
/// decreasing functions whose root is known in closed form: the side of the answer (g &lt;= 0, so a crossing is never
/// reported early), the bracket width, and the speed that sets it apart from bisection.
/// </summary>
[TestFixture]
public class BrentRootTests
{
    /// <summary>(g, a, b, root): g(a) &gt; 0 &gt;= g(b), g decreasing with a simple root.</summary>
    static readonly (string Name, Func<double, double> G, double A, double B, double Root)[] Simple =
    [
        ("1 - x^2", x => 1 - x * x, 0.5, 3, 1),
        ("e^-x - 1/4", x => Math.Exp(-x) - 0.25, 0, 4, Math.Log(4)),
        ("cos x", Math.Cos, 0.3, 3, Math.PI / 2),
        ("1 - sqrt x", x => 1 - Math.Sqrt(x), 0.1, 5, 1),
        ("0.2 - x^3", x => 0.2 - x * x * x, 0.05, 1, Math.Cbrt(0.2)),
        ("atan(2 - x)", x => Math.Atan(2 - x), 1.9, 8, 2),
        ("e^(1-x) - 1 + (1-x)/10", x => Math.Exp(1 - x) - 1 + 0.1 * (1 - x), 0.2, 1.4, 1),
        // steep on one side, flat on the other: interpolation alone would creep, the safeguards bisect
        ("e^(8(1-x)) - 1", x => Math.Exp(8 * (1 - x)) - 1, 0, 3, 1),
        ("1/x - 1", x => 1 / x - 1, 0.01, 10, 1),
        ("tanh(20 (0.7 - x))", x => Math.Tanh(20 * (0.7 - x)), 0.1, 0.9, 0.7),
    ];

    /// <summary>
    /// The answer x has g(x) &lt;= 0 and lies within relTol of the root above it: root &lt;= x &lt;= root (1 + relTol) (four
    /// ulps of slack below for the rounding of g near its root). And at most 15 evaluations: bisection alone needs
    /// log2(width / (relTol root)) &gt;= 20 of them at relTol = 1e-6 on these brackets, while the interpolation steps
    /// converge superlinearly on a simple root.
    /// </summary>
    [Test]
    public void SimpleRoot_IsBracketedFromAboveInFewerStepsThanBisection([Range(0, 9)] int index, [Values(1e-6, 1e-10)] double relTol)
    {
        var (name, g, a, b, root) = Simple[index];
        int evaluations = 0;
        double x = TransitionSearch.BrentRoot(t => { evaluations++; Assert.That(t, Is.InRange(a, b), name); return g(t); }, a, g(a), b, g(b), relTol);
        Assert.That(g(x), Is.LessThanOrEqualTo(0), $"{name}: g(x) at the answer");
        Assert.That(x, Is.InRange(root * (1 - 4.5e-16), root * (1 + relTol) + 1e-300), name);
        Assert.That(evaluations, Is.LessThanOrEqualTo(15), $"{name}: evaluations");
    }

    /// <summary>
    /// Inverse quadratic interpolation is exact when x is a quadratic function of g: x(g) = r + B g + C g^2 (B &lt; 0), whose
    /// inverse g(x) = (-B - sqrt(B^2 - 4 C (r - x))) / (2 C) is decreasing with g(r) = 0. The first step is a secant through
    /// the bracket's ends, the next interpolates the three points exactly and lands on r to rounding: at most 3 evaluations.
    /// </summary>
    [TestCase(1.0, -1.0, 0.3, 0.2, 2.0)]
    [TestCase(2.0, -0.5, -0.1, 1.2, 2.5)]
    [TestCase(0.7, -2.0, 0.5, 0.1, 1.5)]
    public void InverseQuadratic_IsSolvedByOneInterpolation(double r, double bCoef, double cCoef, double a, double b)
    {
        double G(double x) => (-bCoef - Math.Sqrt(bCoef * bCoef - 4 * cCoef * (r - x))) / (2 * cCoef);
        Assert.That(G(a), Is.Positive, "the bracket");
        Assert.That(G(b), Is.Negative, "the bracket");
        int evaluations = 0;
        double x = TransitionSearch.BrentRoot(t => { evaluations++; return G(t); }, a, G(a), b, G(b), 1e-10);
        Assert.That(x, Is.EqualTo(r).Within(4.5e-16 * r));
        Assert.That(evaluations, Is.LessThanOrEqualTo(3));
    }

    /// <summary>A linear g is solved by the first (secant) step: one evaluation, exact.</summary>
    [Test]
    public void Linear_IsSolvedByTheSecant()
    {
        int evaluations = 0;
        double x = TransitionSearch.BrentRoot(t => { evaluations++; return 0.5 - t; }, 0, 0.5, 2, -1.5, 1e-10);
        Assert.That(x, Is.EqualTo(0.5));
        Assert.That(evaluations, Is.EqualTo(1));
    }

    /// <summary>
    /// A triple root (g = (1 - x)^3) defeats the interpolation, whose steps shrink only linearly there; the safeguards
    /// still bracket the root from above to relTol = 1e-6 within the budget of 100 steps. At relTol = 1e-10 the budget
    /// binds: 100 evaluations and no more, and the answer is still on the side g &lt;= 0, at or above the root.
    /// </summary>
    [Test]
    public void TripleRoot_IsStillBracketedWithinTheBudget()
    {
        int evaluations = 0;
        static double G(double t) => (1 - t) * (1 - t) * (1 - t);
        double x = TransitionSearch.BrentRoot(t => { evaluations++; return G(t); }, 0, 1, 3, -8, 1e-6);
        Assert.That(G(x), Is.LessThanOrEqualTo(0));
        Assert.That(x, Is.InRange(1.0, 1 + 1e-6));
        Assert.That(evaluations, Is.LessThanOrEqualTo(100));
        evaluations = 0;
        x = TransitionSearch.BrentRoot(t => { evaluations++; return G(t); }, 0, 1, 3, -8, 1e-10);
        Assert.That(evaluations, Is.EqualTo(100), "the budget binds");
        Assert.That(G(x), Is.LessThanOrEqualTo(0));
        Assert.That(x, Is.GreaterThanOrEqualTo(1.0));
    }
}
