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

    /// <summary>Widths whose layers grow and shrink (the buffers' leading dimensions change from layer to layer), one
    /// block, and layers of width 1.</summary>
    static readonly int[][] DecisionWidths = [[60, 50, 40, 30], [10, 40, 25, 60, 5], [1, 7, 1], [30, 3], [5, 1, 9, 2]];

    /// <summary>
    /// The positive-definiteness test (1 - c) I - beta J + w beta^2 diag(d) &gt; 0 (docs/theory.md sections 4-5) decides
    /// the certificates of the curve: it must say yes just below the smallest eigenvalue and no just above it, for every
    /// diagonal weight w the library uses (1: I - M; 0: lambda_max(J) &lt; 1 / beta) and one between, in both storages of
    /// the blocks. The reference is MathNet's managed eigensolver on the dense matrix written out with naive loops. The
    /// margin 1e-9 (relative to the matrix's largest eigenvalue) is far above the backward error of a Cholesky
    /// factorisation and of the eigensolver at N &lt;= 140 (about N eps = 3e-14 relative) and far below any spacing that
    /// would let a wrong block, a wrong leading dimension or a dropped term pass.
    /// </summary>
    [Test]
    public void PositiveDefinite_SaysYesJustBelowTheSmallestEigenvalueAndNoJustAbove(
        [Range(0, 4)] int widthsCase, [Values(false, true)] bool singlePrecision, [Values(1.0, 0.0, 0.5)] double weight)
    {
        var widths = DecisionWidths[widthsCase];
        var j = BondMatrix.Sample(widths, [2.0], new Random(NetworkSeed + widthsCase), singlePrecision);
        int n = j.Size;
        var dense = j.ToDenseRowMajor();
        using var chi = new ChiRecurrence(j);
        foreach (double beta in new[] { 0.3, 0.8, 1.6 })
        {
            var a = new double[n * n];
            for (int i = 0; i < n; i++)
            {
                double d = 0;
                for (int k = 0; k < n; k++) d += dense[i * n + k] * dense[i * n + k];
                for (int k = 0; k < n; k++) a[i * n + k] = -beta * dense[i * n + k];
                a[i * n + i] += 1 + weight * beta * beta * d;
            }
            var w = DenseReference.Eigenvalues(a, n);
            double scale = Math.Max(Math.Abs(w[0]), Math.Abs(w[^1])), margin = 1e-9 * scale;
            Assert.That(chi.IsPositiveDefinite(beta, w[0] - margin, weight), Is.True, $"beta {beta}: shift just below lambda_min {w[0]}");
            Assert.That(chi.IsPositiveDefinite(beta, w[0] + margin, weight), Is.False, $"beta {beta}: shift just above lambda_min {w[0]}");
            Assert.That(chi.IsPositiveDefinite(beta, w[0] - margin, weight), Is.True, $"beta {beta}: the same answer again (reused buffers)");
        }
    }
}
