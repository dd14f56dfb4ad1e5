using NUnit.Framework;
using NeuralSpin.Tap;

namespace NeuralSpin.Tests.Tap;

/// <summary>
/// <see cref="TransitionSearch.BrentMinimize"/>, the one-dimensional minimiser that polishes the touching point and the
/// minimum of the lambda_min curve, on functions whose minimum is known in closed form.
/// </summary>
[TestFixture]
public class BrentMinimizeTests
{
    /// <summary>(function, bracket a, b, start, exact minimiser, accuracy allowed)</summary>
    static readonly (string Name, Func<double, double> F, double A, double B, double Start, double Min, double Accuracy)[] Cases =
    [
        // a parabola: f is exact near its minimum (f(x*) = 0), so x is resolved to the stopping tolerance
        ("(x - 0.7)^2", x => (x - 0.7) * (x - 0.7), 0, 2, 1.5, 0.7, 3e-8),
        // smooth, asymmetric: f(x) = f(x*) + f''(x*) (x - x*)^2 / 2 with f(x*) of order 1, so differences of f below
        // eps |f| hide x - x* below sqrt(2 eps |f| / f'') ~ 2e-8 (f'' = 1 at x = 1, 3 at ln 3)
        ("x - ln x", x => x - Math.Log(x), 0.1, 5, 4, 1, 1e-7),
        ("e^x - 3x", x => Math.Exp(x) - 3 * x, 0, 3, 0.2, Math.Log(3), 1e-7),
        // a quartic: flat minimum, f(x*) = 0, |x - x*| resolved to the tolerance's scale
        ("(x + 0.4)^4 + (x + 0.4)^2", x => Math.Pow(x + 0.4, 4) + (x + 0.4) * (x + 0.4), -2, 1, 0.9, -0.4, 3e-8),
    ];

    /// <summary>
    /// The minimiser lands on the closed-form minimum, and fast: Brent's parabolic steps converge superlinearly on smooth
    /// functions, so these cases take at most 20 evaluations at relTol = 1e-8, while golden-section steps alone shrink
    /// the bracket by 0.618 per evaluation and need at least 37 to bring a bracket of width 1.9 or more to 2e-8: the bound
    /// catches a parabolic step that is wrong (rejected, or accepted outside its safeguards) or never taken.
    /// </summary>
    [Test]
    public void FindsTheMinimumOfSmoothFunctionsInFewEvaluations([Range(0, 3)] int index)
    {
        var (name, f, a, b, start, min, accuracy) = Cases[index];
        int evaluations = 0;
        double x = TransitionSearch.BrentMinimize(t => { evaluations++; Assert.That(t, Is.InRange(a, b), $"{name}: evaluated outside the bracket"); return f(t); }, a, b, start, 1e-8);
        TestContext.Out.WriteLine($"{name}: {evaluations} evaluations, x - x* = {x - min:E2}");
        Assert.That(x, Is.EqualTo(min).Within(accuracy), name);
        Assert.That(evaluations, Is.LessThanOrEqualTo(20), $"{name}: evaluations");
    }

    /// <summary>
    /// A kink (|x - 0.3|) defeats the parabolic steps, and Brent falls back on golden-section steps, which still bracket
    /// the minimum: the result is within the stopping tolerance (2 relTol |x| plus rounding) of 0.3, and the budget
    /// maxIter bounds the evaluations (one at the start, one per iteration).
    /// </summary>
    [Test]
    public void AtAKink_FallsBackOnGoldenSections_WithinTheBudget()
    {
        int evaluations = 0;
        double x = TransitionSearch.BrentMinimize(t => { evaluations++; return Math.Abs(t - 0.3); }, -1, 2, 1.7, 1e-8);
        Assert.That(x, Is.EqualTo(0.3).Within(1e-7));
        Assert.That(evaluations, Is.LessThanOrEqualTo(101));
        evaluations = 0;
        TransitionSearch.BrentMinimize(t => { evaluations++; return Math.Abs(t - 0.3); }, -1, 2, 1.7, 1e-8, maxIter: 5);
        Assert.That(evaluations, Is.EqualTo(6), "the start and five iterations");
    }

    /// <summary>
    /// On an exact parabola (x - c)^2 the fitted parabola is the function itself: after the start and two golden-section
    /// steps (three distinct points) the parabolic step lands on c to rounding, and two steps of tol1 to either side close
    /// the bracket around it. So at most 8 evaluations (one spare), and x = c to 3e-8 relative; a wrong parabola (its
    /// terms, the sign convention of p and q, the step p / q) is rejected or lands off c and costs golden sections.
    /// </summary>
    [TestCase(0.7, 0.0, 2.0, 1.5)]
    [TestCase(0.3, 0.0, 1.0, 0.9)]
    [TestCase(0.3, 0.0, 1.0, 0.1)]
    [TestCase(0.9, 0.0, 1.0, 0.1)]
    [TestCase(-2.5, -3.0, 4.0, 3.5)]
    [TestCase(5.0, 4.0, 9.0, 8.5)]
    [TestCase(1e-3, -1.0, 1.0, 0.5)]
    public void ExactParabola_IsSolvedByOneParabolicStep(double c, double a, double b, double start)
    {
        int evaluations = 0;
        double x = TransitionSearch.BrentMinimize(t => { evaluations++; Assert.That(t, Is.InRange(a, b)); return (t - c) * (t - c); }, a, b, start, 1e-8);
        Assert.That(x, Is.EqualTo(c).Within(3e-8 * Math.Abs(c)));
        Assert.That(evaluations, Is.LessThanOrEqualTo(8));
    }

    /// <summary>
    /// A function that decreases towards an end of the bracket has its minimum there: x reaches the end to the stopping
    /// tolerance (2 relTol |x| plus rounding), and within 70 evaluations: golden sections alone bring a bracket of width
    /// 3.5 or less to 2e-8 in at most 40, and at the end the safeguard steps of tol1 point into the bracket, toward its
    /// middle. A step of tol1 that kept one direction would march on in steps of tol1 (one per evaluation) and spend
    /// the budget of 100.
    /// </summary>
    [TestCase(1.0, 0.5, 2.0, 1.9, 0.5)]          // f = x: the minimum at the left end
    [TestCase(1.78, -0.476, 2.079, 0.076, -0.476)]   // f = e^{k x} with k > 0: the left end, below 0
    [TestCase(1.80, -0.608, 1.434, 1.042, -0.608)]
    [TestCase(-1.0, 0.5, 2.0, 0.6, 2.0)]         // f = -x: the right end
    [TestCase(-0.7, -1.0, 2.5, 0.3, 2.5)]        // f = e^{-0.7 x}
    public void MonotoneFunction_EndsAtTheLowerEnd(double k, double a, double b, double start, double end)
    {
        int evaluations = 0;
        Func<double, double> f = k == 1.0 ? t => t : k == -1.0 ? t => -t : t => Math.Exp(k * t);
        double x = TransitionSearch.BrentMinimize(t => { evaluations++; Assert.That(t, Is.InRange(a, b)); return f(t); }, a, b, start, 1e-8);
        Assert.That(x, Is.EqualTo(end).Within(4e-8 * Math.Abs(end)));
        Assert.That(evaluations, Is.LessThanOrEqualTo(70));
    }
}
