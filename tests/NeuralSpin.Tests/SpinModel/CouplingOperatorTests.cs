using NUnit.Framework;
using NeuralSpin.SpinModel;
using NeuralSpin.Tests.Support;

namespace NeuralSpin.Tests.SpinModel;

/// <summary>
/// The coupling operators of docs/theory.md section 1 against matrices written out in the test: y = J x and y = (J o J) x of a
/// <see cref="BondMatrix"/> (block-tridiagonal J from its blocks J^(k), on the serial and the multi-threaded path) and of a
/// <see cref="DenseCoupling"/>, the row sums d_i = sum_j J_ij^2, the symmetrisation and checks of <see cref="DenseCoupling"/>,
/// and the ensembles of <see cref="BondMatrix.Sample"/> and <see cref="DenseCoupling.SherringtonKirkpatrick"/>.
/// </summary>
[TestFixture]
public class CouplingOperatorTests
{
    const int Seed = 20261205;

    /// <summary>The dense N x N J of a layered network written out from its blocks: J_{o_{k-1}+i, o_k+j} = J^(k)_ij and its mirror.</summary>
    static double[] DenseFromBlocks(int[] widths, double[][] blocks)
    {
        int n = widths.Sum();
        var j = new double[n * n];
        int offset = 0;
        for (int k = 1; k < widths.Length; k++)
        {
            int r = widths[k - 1], c = widths[k], next = offset + r;
            for (int a = 0; a < r; a++)
                for (int b = 0; b < c; b++)
                {
                    double v = blocks[k - 1][a * c + b];
                    j[(offset + a) * n + next + b] = v;
                    j[(next + b) * n + offset + a] = v;
                }
            offset = next;
        }
        return j;
    }

    static double[] Gemv(double[] j, int n, double[] x, bool square)
    {
        var y = new double[n];
        for (int a = 0; a < n; a++)
            for (int b = 0; b < n; b++) y[a] += (square ? j[a * n + b] * j[a * n + b] : j[a * n + b]) * x[b];
        return y;
    }

    static double[] Gaussians(Random r, long count)
    {
        var v = new double[count];
        for (long i = 0; i < count; i++) v[i] = r.NextDouble() * 2 - 1;
        return v;
    }

    // the serial path (below 200,000 block entries) with unequal widths and a width-1 layer, and the threaded path
    // (400 * 300 + 300 * 400 = 240,000 entries), whose rows are split over the processors
    [TestCase(new[] { 3, 5, 1, 4 })]
    [TestCase(new[] { 7, 2 })]
    [TestCase(new[] { 400, 300, 400 })]
    public void BondMatrixProducts_AreThoseOfTheWrittenOutMatrix(int[] widths)
    {
        var r = new Random(Seed + widths.Sum());
        var blocks = Enumerable.Range(1, widths.Length - 1).Select(k => Gaussians(r, (long)widths[k - 1] * widths[k])).ToArray();
        var bonds = new BondMatrix(widths, blocks);
        int n = widths.Sum();
        var dense = DenseFromBlocks(widths, blocks);
        Assert.That(bonds.ToDenseRowMajor(), Is.EqualTo(dense), "the dense form");
        var x = Gaussians(r, n);
        foreach (bool square in new[] { false, true, false }) // the third product reuses the cached transposes
        {
            var y = new double[n];
            if (square) bonds.MultiplySquared(x, y); else bonds.Multiply(x, y);
            var expected = Gemv(dense, n, x, square);
            // each entry is a sum of at most 700 products of magnitude <= 1 in another order: rounding <= 700 * 2^-52 ~ 2e-13
            for (int i = 0; i < n; i++) Assert.That(y[i], Is.EqualTo(expected[i]).Within(1e-12), $"row {i}, square {square}");
        }
        var d = bonds.RowSquareSums();
        for (int i = 0; i < n; i++)
            Assert.That(d[i], Is.EqualTo(Enumerable.Range(0, n).Sum(b => dense[i * n + b] * dense[i * n + b])).Within(1e-12), $"d_{i}");
    }

    [Test]
    public void DenseCouplingProducts_AreThoseOfTheMatrix()
    {
        const int n = 9;
        var r = new Random(Seed);
        var j = new double[n * n];
        for (int a = 0; a < n; a++)
            for (int b = a + 1; b < n; b++) j[a * n + b] = j[b * n + a] = r.NextDouble() - 0.5;
        var dense = new DenseCoupling(n, j);
        var x = Gaussians(r, n);
        foreach (bool square in new[] { false, true })
        {
            var y = new double[n];
            if (square) dense.MultiplySquared(x, y); else dense.Multiply(x, y);
            var expected = Gemv(j, n, x, square);
            for (int i = 0; i < n; i++) Assert.That(y[i], Is.EqualTo(expected[i]).Within(1e-14), $"row {i}, square {square}");
        }
        var d = dense.RowSquareSums();
        for (int i = 0; i < n; i++) Assert.That(d[i], Is.EqualTo(Enumerable.Range(0, n).Sum(b => j[i * n + b] * j[i * n + b])).Within(1e-14));
        for (int a = 0; a < n; a++)
            for (int b = 0; b < n; b++) Assert.That(dense[a, b], Is.EqualTo(j[a * n + b]), $"J_{a}{b}");
    }

    [Test]
    public void DenseCoupling_StoresTheMeanOfTheTwoTriangles_AndAcceptsRoundingAsymmetry()
    {
        // asymmetries of 1e-12 relative to the largest entry (below the 1e-9 tolerance) are accepted, and the stored matrix is
        // exactly symmetric: each pair is the mean of J_ij and J_ji (the tolerance is relative to the largest |J_ij|, 2 here,
        // not to the smallest entry, 0 on the diagonal)
        const int n = 3;
        var j = new double[] { 0, 1.0, -0.5, 1.0 + 2e-12, 0, 2.0, -0.5 - 1e-12, 2.0 - 3e-12, 0 };
        var d = new DenseCoupling(n, j);
        Assert.That(d.Size, Is.EqualTo(3));
        Assert.That(d[0, 1], Is.EqualTo(0.5 * (j[1] + j[3])));
        Assert.That(d[1, 0], Is.EqualTo(d[0, 1]));
        Assert.That(d[0, 2], Is.EqualTo(0.5 * (j[2] + j[6])));
        Assert.That(d[2, 0], Is.EqualTo(d[0, 2]));
        Assert.That(d[1, 2], Is.EqualTo(0.5 * (j[5] + j[7])));
        Assert.That(d[2, 1], Is.EqualTo(d[1, 2]));
        Assert.That(d.ToDenseRowMajor(), Is.EqualTo(new[] { 0, d[0, 1], d[0, 2], d[0, 1], 0, d[1, 2], d[0, 2], d[1, 2], 0 }));
    }

    [Test]
    public void DenseCoupling_OneSpinIsAMatrix_AndTheIndexerChecksBothIndices()
    {
        var one = new DenseCoupling(1, [0.0]);
        Assert.That(one.Size, Is.EqualTo(1));
        Assert.That(one[0, 0], Is.EqualTo(0));
        var two = new DenseCoupling(2, [0, 0.25, 0.25, 0]);
        Assert.Throws<ArgumentOutOfRangeException>(() => _ = two[2, 0]);
        Assert.Throws<ArgumentOutOfRangeException>(() => _ = two[0, 2]);
        Assert.Throws<ArgumentOutOfRangeException>(() => _ = two[-1, 0]);
        Assert.Throws<ArgumentOutOfRangeException>(() => _ = two[0, -1]);
    }

    [Test]
    public void DenseCoupling_RejectsAnAsymmetryBeyondRounding()
    {
        // the asymmetric pair is (0, 2); the other off-diagonal pairs are symmetric, so a check of the wrong pair passes it
        var j = new double[] { 0, 1, 0.3, 1, 0, 1, 0.4, 1, 0 };
        var e = Assert.Throws<ArgumentException>(() => new DenseCoupling(3, j));
        Assert.That(e!.Message, Does.Contain("not symmetric at (0,2)"));
    }

    [Test]
    public void SherringtonKirkpatrick_IsSymmetricZeroDiagonal_WithVarianceJSquaredOverN()
    {
        // J_ij ~ N(0, J^2/N) for i < j: N mean_{i<j} J_ij^2 / J^2 is chi^2_m / m with m = N(N-1)/2, relative sd sqrt(2/m);
        // 5 sd (false-failure rate ~6e-7) at N = 300, J = 1.7 is 2.4 %
        const int n = 300;
        const double scale = 1.7;
        var sk = DenseCoupling.SherringtonKirkpatrick(n, scale, new Random(Seed));
        var j = sk.ToDenseRowMajor();
        double sum = 0;
        for (int a = 0; a < n; a++)
        {
            Assert.That(j[a * n + a], Is.EqualTo(0));
            for (int b = a + 1; b < n; b++)
            {
                Assert.That(j[b * n + a], Is.EqualTo(j[a * n + b]));
                sum += j[a * n + b] * j[a * n + b];
            }
        }
        double m = n * (n - 1) / 2.0;
        NumericAssert.AreEqualRelative(scale * scale, n * sum / m, 5 * Math.Sqrt(2 / m), "N mean J_ij^2");
        Assert.Throws<ArgumentOutOfRangeException>(() => DenseCoupling.SherringtonKirkpatrick(0, 1, new Random(1)));
        Assert.Throws<ArgumentOutOfRangeException>(() => DenseCoupling.SherringtonKirkpatrick(3, -1, new Random(1)));
        Assert.Throws<ArgumentOutOfRangeException>(() => DenseCoupling.SherringtonKirkpatrick(3, double.NaN, new Random(1)));
        Assert.That(DenseCoupling.SherringtonKirkpatrick(4, 0, new Random(1)).ToDenseRowMajor(), Is.All.EqualTo(0), "J = 0 is valid");
    }

    [Test]
    public void Sample_ChecksWidthsAndTheCountOfC_AndAcceptsAnUncoupledBlock()
    {
        Assert.Throws<ArgumentException>(() => BondMatrix.Sample([2, 0, 3], [1.0], new Random(1)), "a width of 0");
        Assert.Throws<ArgumentException>(() => BondMatrix.Sample([2, 3, 4], [1.0, 1.0, 1.0], new Random(1)), "three C for two blocks");
        Assert.Throws<ArgumentException>(() => BondMatrix.Sample([2, 3, 4, 5], [1.0, 1.0], new Random(1)), "two C for three blocks");
        // C_k = 0: an uncoupled block, all zeros; the other block keeps its variance
        var b = BondMatrix.Sample([50, 40, 30], [0.0, 2.0], new Random(Seed));
        Assert.That(b.BlockCopy(1), Is.All.EqualTo(0));
        Assert.That(b.BlockCopy(2).Count(v => v != 0), Is.EqualTo(40 * 30));
        // one C per block and one for all give the same draws when the Cs agree
        var perBlock = BondMatrix.Sample([5, 4, 3], [1.5, 1.5], new Random(Seed)).ToDenseRowMajor();
        var shared = BondMatrix.Sample([5, 4, 3], [1.5], new Random(Seed)).ToDenseRowMajor();
        Assert.That(perBlock, Is.EqualTo(shared));
    }

    [Test]
    public void InitMetadata_WritesEveryKeyAsTheFileStoresIt()
    {
        var m = new InitMetadata([784, 512, 10], [2.0, 0.1], 7, "F32").ToSafeTensorsMetadata();
        Assert.That(m, Is.EquivalentTo(new Dictionary<string, string>
        {
            ["format"] = "pt",
            ["generator"] = "neuralspin init",
            ["ensemble"] = "J^(k)_ij ~ N(0, C_k / N_{k-1}); W^(k) = J^(k)^T",
            ["widths"] = "784,512,10",
            ["c"] = "2,0.1",
            ["seed"] = "7",
            ["dtype"] = "F32",
        }));
    }

    [Test]
    public void DenseCoupling_SymmetryToleranceIsRelativeToTheLargestEntry()
    {
        // entries of order 1000: an asymmetry of 1e-8 is 1e-11 of the largest entry, within the relative tolerance 1e-9 (an
        // absolute 1e-6 here), and accepted; one of 1e-5 (1e-8 relative) is not
        var ok = new double[] { 0, 1000, 1000 + 1e-8, 0 };
        Assert.That(new DenseCoupling(2, ok)[0, 1], Is.EqualTo(0.5 * (ok[1] + ok[2])));
        Assert.Throws<ArgumentException>(() => new DenseCoupling(2, [0, 1000, 1000 + 1e-5, 0]));
    }

    [Test]
    public void Samplers_RejectANullGenerator()
    {
        Assert.Throws<ArgumentNullException>(() => BondMatrix.Sample([2, 3], [1.0], null!));
        Assert.Throws<ArgumentNullException>(() => DenseCoupling.SherringtonKirkpatrick(3, 1.0, null!));
    }
}
