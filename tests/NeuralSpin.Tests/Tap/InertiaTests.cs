using NUnit.Framework;
using NeuralSpin.SpinModel;
using NeuralSpin.Tap;
using NeuralSpin.Tests.Support;

namespace NeuralSpin.Tests.Tap;

/// <summary>
/// The inertia count at its edges: zero eigenvalues, the zero tolerance relative to a block's largest |eigenvalue|, the
/// sign and log|det|, and the chi recurrence where a pivot block Phi_k is singular (docs/theory.md section 5). Expected
/// values are closed forms (diagonal matrices, beta = 0) or MathNet's eigenvalues of the dense matrix.
/// </summary>
[TestFixture, NonParallelizable]
public class InertiaTests
{
    [Test]
    public void PositiveDefinite_OnlyWithoutNegativeAndZeroEigenvalues()
    {
        Assert.That(new Inertia(0, 0, 3, 0, 1).PositiveDefinite, Is.True);
        Assert.That(new Inertia(1, 0, 2, 0, -1).PositiveDefinite, Is.False, "a negative eigenvalue");
        Assert.That(new Inertia(0, 1, 2, double.NegativeInfinity, 0).PositiveDefinite, Is.False, "a zero eigenvalue");
    }

    static double[] Diagonal(params double[] entries)
    {
        int n = entries.Length;
        var a = new double[n * n];
        for (int i = 0; i < n; i++) a[i * n + i] = entries[i];
        return a;
    }

    /// <summary>
    /// A diagonal matrix's eigenvalues are its entries (exactly, for the symmetric eigensolver: there is nothing to
    /// reduce). Zero means |v| &lt;= tolerance * max |v|: with entries -1000, v, 1 and the default 1e-13 the bound is 1e-10,
    /// so v = 5e-11 is zero and v = 5e-10 is not; a bound taken from the smallest entry instead (1e-13) or divided by the
    /// scale (1e-16) would call 5e-11 nonzero.
    /// </summary>
    [TestCase(5e-11, -1000.0, 1, 1, 1)]
    [TestCase(-5e-11, -1000.0, 1, 1, 1)]
    [TestCase(5e-10, -1000.0, 1, 2, 0)]
    [TestCase(-5e-10, -1000.0, 2, 1, 0)]
    [TestCase(5e-11, 1000.0, 0, 2, 1)]
    public void DenseInertia_ZeroIsRelativeToTheLargestEigenvalue(double v, double big, int negative, int positive, int zero)
    {
        var inertia = DenseInertia.Of(Diagonal(big, v, 1), 3);
        Assert.That((inertia.Negative, inertia.Positive, inertia.Zero), Is.EqualTo((negative, positive, zero)));
        if (zero > 0)
        {
            Assert.That(inertia.DeterminantSign, Is.EqualTo(0), "det = 0");
            Assert.That(inertia.LogAbsDeterminant, Is.EqualTo(double.NegativeInfinity), "log|det| = log 0");
        }
        else
        {
            Assert.That(inertia.DeterminantSign, Is.EqualTo(Math.Sign(big * v)), "sign of det = sign of the product of the entries");
            Assert.That(inertia.LogAbsDeterminant, Is.EqualTo(Math.Log(Math.Abs(big * v))).Within(1e-12), "log|det| = log|product|");
        }
    }

    [Test]
    public void DenseInertia_SignAndLogDeterminantOfDiagonalMatrices()
    {
        var two = DenseInertia.Of(Diagonal(-3, -2, 5), 3);
        Assert.That(two, Is.EqualTo(new Inertia(2, 0, 1, Math.Log(30), 1)).Using<Inertia>(Close), "two negatives: det > 0");
        var one = DenseInertia.Of(Diagonal(-3, 2, 5), 3);
        Assert.That(one, Is.EqualTo(new Inertia(1, 0, 2, Math.Log(30), -1)).Using<Inertia>(Close), "one negative: det < 0");
        var exactZero = DenseInertia.Of(Diagonal(0, 4), 2, zeroTolerance: 0);
        Assert.That(exactZero, Is.EqualTo(new Inertia(0, 1, 1, double.NegativeInfinity, 0)), "tolerance 0: an exact zero is still zero");
        var tiny = DenseInertia.Of(Diagonal(1e-300, 4), 2, zeroTolerance: 0);
        Assert.That((tiny.Zero, tiny.Positive, tiny.DeterminantSign), Is.EqualTo((0, 2, 1)), "tolerance 0: 1e-300 is not zero");
        Assert.That(DenseInertia.Of([], 0), Is.EqualTo(new Inertia(0, 0, 0, 0, 1)), "the empty matrix: det = 1");
    }

    static bool Close(Inertia a, Inertia b) =>
        (a.Negative, a.Zero, a.Positive, a.DeterminantSign) == (b.Negative, b.Zero, b.Positive, b.DeterminantSign)
        && (a.LogAbsDeterminant == b.LogAbsDeterminant || Math.Abs(a.LogAbsDeterminant - b.LogAbsDeterminant) <= 1e-12);

    /// <summary>At beta = 0, I - M - cI = (1 - c) I: N positive eigenvalues for c &lt; 1, N negative for c &gt; 1 (det sign
    /// (-1)^N), all zero at c = 1, and log|det| = N log|1 - c|.</summary>
    [TestCase(0.5)]
    [TestCase(1.5)]
    [TestCase(1.0)]
    public void ChiRecurrence_AtBetaZero_IsTheScaledIdentity(double shift)
    {
        var j = BondMatrix.Sample([4, 3, 5], [1.5], new Random(17));
        int n = j.Size;
        using var chi = new ChiRecurrence(j);
        var expected = shift switch
        {
            < 1 => new Inertia(0, 0, n, n * Math.Log(1 - shift), 1),
            > 1 => new Inertia(n, 0, 0, n * Math.Log(shift - 1), n % 2 == 0 ? 1 : -1),
            _ => new Inertia(0, n, 0, double.NegativeInfinity, 0),
        };
        Assert.That(chi.Evaluate(0, shift), Is.EqualTo(expected).Using<Inertia>(Close), "default tolerance");
        Assert.That(chi.Evaluate(0, shift, zeroTolerance: 0), Is.EqualTo(expected).Using<Inertia>(Close), "tolerance 0");
        Assert.That(chi.IsPositiveDefinite(0, shift), Is.EqualTo(shift < 1), "positive definite iff c < 1");
        Assert.That(chi.IsPositiveDefinite(0, shift, 0), Is.EqualTo(shift < 1), "and so with the diagonal weight 0");
    }

    /// <summary>
    /// A chain of three spins, J_01 = 1.25, J_12 = 0.75, at beta = 1 and c = 1.5625: Phi_0 = 1 and
    /// Phi_1 = 1 - c + 1.25^2 + 0.75^2 - 1.25^2 / Phi_0 = 0 exactly (all the numbers are dyadic), while
    /// I - M - cI = [[1, -1.25, 0], [-1.25, 1.5625, -0.75], [0, -0.75, 0]] has det = -0.5625: nonsingular, one negative and
    /// two positive eigenvalues. A pseudo-inverse of the singular pivot would count two zeros; the recurrence must count
    /// the rest of the matrix densely (Haynsworth with the nonsingular leading block Phi_0).
    /// </summary>
    [Test]
    public void ChiRecurrence_SingularIntermediatePivot_CountsTheNonsingularMatrix()
    {
        var j = new BondMatrix([1, 1, 1], [[1.25], [0.75]]);
        using var chi = new ChiRecurrence(j);
        var inertia = chi.Evaluate(1, 1.5625);
        var w = DenseReference.Eigenvalues(DenseReference.IdentityMinusM(j.ToDenseRowMajor(), 3, 1, 1.5625), 3);
        Assert.That(w.Count(x => x < 0), Is.EqualTo(1), "premise: the dense matrix has one negative eigenvalue");
        Assert.That(inertia, Is.EqualTo(new Inertia(1, 0, 2, Math.Log(0.5625), -1)).Using<Inertia>(Close));
        Assert.That(DenseInertia.Of(DenseReference.IdentityMinusM(j.ToDenseRowMajor(), 3, 1, 1.5625), 3),
            Is.EqualTo(inertia).Using<Inertia>(Close), "the dense count agrees");
    }

    /// <summary>
    /// Networks with dyadic weights (multiples of 1/4) and a shift that makes Phi_0's first entry exactly zero,
    /// 1 - c + beta^2 d_0 = 0 at beta = 1: the recurrence cannot divide by Phi_0 and must count the whole matrix densely.
    /// Expected: MathNet's eigenvalues of the dense matrix (nonsingular for these seeds, asserted as a premise with a gap
    /// far above rounding).
    /// </summary>
    [TestCase(11)]
    [TestCase(12)]
    [TestCase(13)]
    public void ChiRecurrence_ZeroInTheFirstLayer_EqualsTheDenseCount(int seed)
    {
        var rng = new Random(seed);
        int[] widths = [3, 4, 3, 2];
        var blocks = Enumerable.Range(1, widths.Length - 1)
            .Select(k => Enumerable.Range(0, widths[k - 1] * widths[k]).Select(_ => (rng.Next(9) - 4) / 4.0).ToArray()).ToArray();
        var j = new BondMatrix(widths, blocks);
        int n = j.Size;
        double shift = 1 + j.RowSquareSums()[0];
        using var chi = new ChiRecurrence(j);
        var inertia = chi.Evaluate(1, shift);
        var a = DenseReference.IdentityMinusM(j.ToDenseRowMajor(), n, 1, shift);
        var w = DenseReference.Eigenvalues(a, n);
        Assert.That(w.Min(Math.Abs), Is.GreaterThan(1e-6), "premise (fixed seed): the matrix is clearly nonsingular");
        Assert.That((inertia.Negative, inertia.Zero, inertia.Positive), Is.EqualTo((w.Count(x => x < 0), 0, w.Count(x => x > 0))));
        Assert.That(inertia.LogAbsDeterminant, Is.EqualTo(w.Sum(x => Math.Log(Math.Abs(x)))).Within(1e-9), "log|det|");
        Assert.That(inertia.DeterminantSign, Is.EqualTo(w.Count(x => x < 0) % 2 == 0 ? 1 : -1), "sign of det");
        Assert.That(chi.IsPositiveDefinite(1, shift), Is.False, "a zero diagonal entry of Phi_0: not positive definite");
    }
}
