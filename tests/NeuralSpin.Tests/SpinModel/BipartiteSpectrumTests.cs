using NUnit.Framework;
using NeuralSpin.Analysis;
using NeuralSpin.SpinModel;
using NeuralSpin.Tests.Golden;
using NeuralSpin.Tests.Tap;

namespace NeuralSpin.Tests.SpinModel;

/// <summary>
/// The spectrum of a layered J from the singular values of its bipartite block (docs/theory.md section 4: J = [[0, B],
/// [B^T, 0]] in even/odd layer order, eigenvalues +-sigma_i(B) and |N_even - N_odd| zeros) against MathNet's dense
/// eigensolver on the assembled J (<see cref="IndependentReference.SpectrumJ"/>).
/// </summary>
[TestFixture]
public class BipartiteSpectrumTests
{
    /// <summary>
    /// Every eigenvalue agrees to 1e-12 ||J|| (both solvers are backward stable: errors of a few ulps times ||J|| times a
    /// small power of N at these sizes, about 1e-14 ||J||), for even and odd depths, unequal widths (zero modes) and a spike.
    /// </summary>
    [TestCase(new[] { 40, 30, 20 }, 0.0)]
    [TestCase(new[] { 24, 28, 20, 30, 22, 26, 24 }, 0.0)]
    [TestCase(new[] { 60, 45, 30, 10 }, 3.0)]
    [TestCase(new[] { 7, 1 }, 0.0)]
    public void EqualsDenseEigenvalues(int[] widths, double spike)
    {
        var j = VertexCrossingTests.Spiked(widths, [2.0], 4242, spike);
        var reference = IndependentReference.Of(j).SpectrumJ();
        var fromSvd = j.SpectrumFromBipartiteBlock();
        double norm = Math.Max(-reference[0], reference[^1]);
        Assert.That(fromSvd, Has.Length.EqualTo(reference.Length));
        for (int i = 0; i < reference.Length; i++)
            Assert.That(fromSvd[i], Is.EqualTo(reference[i]).Within(1e-12 * norm), $"eigenvalue {i}");
    }

    /// <summary>
    /// The Gram route (docs/theory.md equation 4.8: sigma_i^2 as the eigenvalues of the smaller of B^T B and B B^T) against
    /// MathNet's dense eigensolver on the assembled J: every eigenvalue within the route's own error bound
    /// min(sqrt(delta), delta / sigma_i), delta = m eps sigma_max^2 (<see cref="BondMatrix.GramErrorFactor"/>), plus 1e-12 ||J||
    /// for the reference's own rounding (backward stable, about 1e-14 ||J|| here). The cases take both parities for the Gram
    /// matrix (N_odd &lt; N_even in the first five, N_even &lt; N_odd in the last three), depth 6 with blocks between layers p and p + 2, and a spike.
    /// </summary>
    [TestCase(new[] { 40, 30, 20 }, 0.0)]
    [TestCase(new[] { 20, 45, 30 }, 0.0)]
    [TestCase(new[] { 24, 28, 20, 30, 22, 26, 24 }, 0.0)]
    [TestCase(new[] { 60, 45, 30, 10 }, 3.0)]
    [TestCase(new[] { 7, 1 }, 0.0)]
    [TestCase(new[] { 10, 45, 10 }, 0.0)]
    [TestCase(new[] { 5, 20, 5, 20 }, 2.0)]
    [TestCase(new[] { 1, 7 }, 0.0)]
    public void Gram_EqualsDenseEigenvalues_WithinItsBound(int[] widths, double spike)
    {
        var j = VertexCrossingTests.Spiked(widths, [2.0], 4242, spike);
        var reference = IndependentReference.Of(j).SpectrumJ();
        var (gram, bound) = j.SpectrumFromGram();
        double norm = Math.Max(-reference[0], reference[^1]);
        Assert.That(gram, Has.Length.EqualTo(reference.Length));
        for (int i = 0; i < reference.Length; i++)
            Assert.That(gram[i], Is.EqualTo(reference[i]).Within(bound + 1e-12 * norm), $"eigenvalue {i}");
        // the top one (||J||, on which the certificates rest) to m eps relative, inside the curve's 1e-12 norm margin
        Assert.That(gram[^1], Is.EqualTo(reference[^1]).Within(j.BipartiteGramOrder * Math.Pow(2, -52) * norm + 1e-13 * norm), "lambda_max(J)");
    }

    /// <summary>
    /// A hidden neuron with no bonds makes B rank deficient: sigma = 0, for which squaring leaves only sqrt(delta) (about
    /// 1e-7 ||J|| here), past <see cref="NetworkAnalysis.SpectrumOfJTolerance"/>. The bound says so, and
    /// <see cref="NetworkAnalysis.SpectrumOfJ"/> then takes the singular values: the dense reference to 1e-12 ||J|| again.
    /// </summary>
    [Test]
    public void SpectrumOfJ_FallsBackToSingularValues_WhenTheGramBoundIsTooLoose()
    {
        var widths = new[] { 40, 30, 20 };
        var sampled = BondMatrix.Sample(widths, [2.0], new Random(77));
        var blocks = Enumerable.Range(1, sampled.BlockCount).Select(sampled.BlockCopy).ToArray();
        // neuron 3 of layer 1: no bonds to layer 0 (column 3 of J^(1)) nor to layer 2 (row 3 of J^(2))
        for (int i = 0; i < 40; i++) blocks[0][i * 30 + 3] = 0;
        for (int k = 0; k < 20; k++) blocks[1][3 * 20 + k] = 0;
        var j = new BondMatrix(widths, blocks);
        var reference = new IndependentReference(widths, blocks.ToList()).SpectrumJ();
        double norm = Math.Max(-reference[0], reference[^1]);
        var (_, bound) = j.SpectrumFromGram();
        Assert.That(bound, Is.GreaterThan(NetworkAnalysis.SpectrumOfJTolerance * norm), "the Gram bound flags the zero singular value");
        var w = NetworkAnalysis.SpectrumOfJ(j);
        for (int i = 0; i < reference.Length; i++)
            Assert.That(w[i], Is.EqualTo(reference[i]).Within(1e-12 * norm), $"eigenvalue {i}");
    }

    /// <summary>
    /// The Gram route's order and stated bound themselves, not only that the spectrum lies inside the bound: the order is
    /// min(N_even, N_odd) (the odd layers on a tie), and the bound is max_i min(sqrt(delta), delta / sigma_i) with delta =
    /// m eps sigma_max^2, written out here from the reference's singular values (the positive eigenvalues of the assembled
    /// J, MathNet). The reference's sigma_i differ from the route's by at most the bound itself, far below sigma_i here, so
    /// the two bounds agree to 1e-6 relative; a bound inflated or deflated by any factor, or taken over the larger Gram
    /// matrix (whose extra zero eigenvalues give sqrt(delta)), fails.
    /// </summary>
    [TestCase(new[] { 40, 30, 20 })]
    [TestCase(new[] { 20, 45, 30 })]
    [TestCase(new[] { 30, 30 })]
    [TestCase(new[] { 24, 28, 20, 30, 22, 26, 24 })]
    [TestCase(new[] { 10, 45, 10 })]
    [TestCase(new[] { 5, 20, 5, 20 })]
    public void Gram_OrderAndBound_AreTheStatedOnes(int[] widths)
    {
        var j = VertexCrossingTests.Spiked(widths, [2.0], 4343, 0);
        int even = widths.Where((_, k) => k % 2 == 0).Sum(), odd = widths.Where((_, k) => k % 2 == 1).Sum();
        int m = Math.Min(even, odd);
        Assert.That(j.BipartiteGramOrder, Is.EqualTo(m));
        var reference = IndependentReference.Of(j).SpectrumJ();
        var sigma = reference.Reverse().Take(m).ToArray(); // the m largest eigenvalues of J are the singular values (full rank here)
        Assert.That(sigma[^1], Is.GreaterThan(1e-3 * sigma[0]), "the blocks have full rank, so no singular value is near zero");
        double delta = BondMatrix.GramErrorFactor * m * Math.Pow(2, -52) * sigma[0] * sigma[0];
        double expected = sigma.Max(x => Math.Min(Math.Sqrt(delta), delta / x));
        var (_, bound) = j.SpectrumFromGram();
        Assert.That(bound, Is.EqualTo(expected).Within(1e-6 * expected));
    }
}
