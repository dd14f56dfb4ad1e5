using NUnit.Framework;
using NeuralSpin.SpinModel;
using NeuralSpin.Tap;
using NeuralSpin.Tests.Support;

namespace NeuralSpin.Tests.Tap;

/// <summary>The chi recurrence (P1 26-27 with the erratum of docs/theory.md section 5) against dense diagonalization.</summary>
[TestFixture, NonParallelizable]
public class ChiRecurrenceTests
{
    const int NetworkSeed = 5201;

    [Test]
    public void Inertia_ModerateNetwork_EqualsDenseEigenvalueCounts(
        [Values(0.4, 0.9, 1.3)] double beta,
        [Values(-0.5, 0.0, 0.3, 1.0, 1.7)] double shift)
    {
        // Widths 60-50-40-30 (N = 180), C = 2: large enough that the recurrence eliminates real blocks.
        var j = BondMatrix.Sample(new[] { 60, 50, 40, 30 }, new[] { 2.0 }, new Random(NetworkSeed));
        int n = j.Size;
        var a = DenseReference.IdentityMinusM(j.ToDenseRowMajor(), n, beta, shift);
        var w = DenseReference.Eigenvalues(a, n);
        using var chi = new ChiRecurrence(j);
        var inertia = chi.Evaluate(beta, shift);

        // docs/theory.md section 5: negatives of I - M - cI = sum of negatives of the Phi_k (Haynsworth). Guard: the dense
        // spectrum must keep a clear gap around zero, else the count is ill posed.
        double gap = w.Min(Math.Abs);
        Assert.That(gap, Is.GreaterThan(1e-6), "premise (fixed seed): a dense eigenvalue sits at the shift; choose another seed");
        Assert.That(inertia.Negative, Is.EqualTo(w.Count(x => x < 0)), "negative count");
        Assert.That(inertia.Zero, Is.EqualTo(0), "zero count");
        Assert.That(inertia.Positive, Is.EqualTo(w.Count(x => x > 0)), "positive count");
        // det(I - M - cI) = prod det Phi_k: log|det| from the eigenvalues. Each eigenvalue is backward-stable to
        // ~N eps ||A|| ~ 1e-13 absolute, so log|det| errs by <= sum_i 1e-13/|w_i| <= 180 * 1e-13 / gap; the
        // recurrence adds elimination error of the same order: twice that sum, computed from this spectrum, floored at
        // 1e-8. (It used to be a fixed 1e-8 behind Assume(gap > 1e-3), which left the case beta 0.9, shift 1.7 with
        // gap 5.4e-4 inconclusive, its check never run.)
        double logDetTolerance = Math.Max(1e-8, 2 * w.Sum(x => 1e-13 / Math.Abs(x)));
        NumericAssert.AreEqualAbsolute(w.Sum(x => Math.Log(Math.Abs(x))), inertia.LogAbsDeterminant, logDetTolerance, "log|det|");
        Assert.That(inertia.DeterminantSign, Is.EqualTo(w.Count(x => x < 0) % 2 == 0 ? 1 : -1), "sign of det");
        Assert.That(chi.IsPositiveDefinite(beta, shift), Is.EqualTo(w[0] > 0), "positive definiteness");
        // and the library's own dense oracle agrees
        var dense = DenseInertia.Of(a, n);
        Assert.That(dense.Negative, Is.EqualTo(inertia.Negative), "DenseInertia negative count");
    }
}
