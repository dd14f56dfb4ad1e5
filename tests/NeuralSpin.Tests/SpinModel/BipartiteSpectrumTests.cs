using NUnit.Framework;
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
        var reference = new IndependentReference(j.Widths.ToArray(), Enumerable.Range(1, j.BlockCount).Select(j.BlockCopy).ToList()).SpectrumJ();
        var fromSvd = j.SpectrumFromBipartiteBlock();
        double norm = Math.Max(-reference[0], reference[^1]);
        Assert.That(fromSvd, Has.Length.EqualTo(reference.Length));
        for (int i = 0; i < reference.Length; i++)
            Assert.That(fromSvd[i], Is.EqualTo(reference[i]).Within(1e-12 * norm), $"eigenvalue {i}");
    }
}
