using NeuralSpin.SpinModel;
using NeuralSpin.Tap;
using NUnit.Framework;

namespace NeuralSpin.Tests.Tap;

/// <summary>
/// Beyond beta* = ||J|| / (2 min_i d_i) the curve lambda_min(beta) of I - M(beta) cannot fall
/// ((I - M(beta)) - (I - M(b)) = (beta - b)[(beta + b) diag(d) - J] is positive semidefinite for beta &gt;= b &gt;= beta*),
/// which lets the transition search stop there.
/// </summary>
[TestFixture, NonParallelizable]
public class MonotoneTailTests
{
    static readonly int[] Seeds = { 21, 22, 23, 24 };

    [Test]
    public void LambdaMin_IsNonDecreasing_BeyondMonotoneFrom([ValueSource(nameof(Seeds))] int seed)
    {
        var j = BondMatrix.Sample(new[] { 14, 11, 9, 6 }, new[] { 2.0 }, new Random(seed));
        using var curve = new LambdaMinCurve(j);
        double start = curve.MonotoneFrom;
        Assert.That(double.IsFinite(start) && start > 0, Is.True);
        double prev = double.NegativeInfinity;
        for (int i = 0; i <= 200; i++)
        {
            double beta = start * (1 + 2.0 * i / 200);
            double v = curve.Evaluate(beta).Value;
            // dense eigenvalues: rounding ~1e-13 ||I - M||; allow 1e-11 relative to the operator norm bound
            Assert.That(v, Is.GreaterThanOrEqualTo(prev - 1e-11 * curve.OperatorNormBound(beta)), $"beta = {beta}");
            prev = v;
        }
    }

    [Test]
    public void Searches_GiveTheSameAnswers_WithALargerBetaMax()
    {
        // beta_max far beyond beta*: the pruned search must find the same minimum and crossing
        var j = BondMatrix.Sample(new[] { 14, 11, 9, 6 }, new[] { 2.0 }, new Random(31));
        using var a = new LambdaMinCurve(j);
        using var b = new LambdaMinCurve(j);
        var minA = TransitionSearch.GlobalMinimum(a, a.MonotoneFrom);
        var minB = TransitionSearch.GlobalMinimum(b, 50 * b.MonotoneFrom);
        Assert.That(minB.Value, Is.EqualTo(minA.Value).Within(1e-12));
        double level = 0.5 * (minA.Value + 1);
        Assert.That(TransitionSearch.FirstCrossing(b, level, 50 * b.MonotoneFrom),
            Is.EqualTo(TransitionSearch.FirstCrossing(a, level, a.MonotoneFrom)).Within(1e-9));
    }
}
