using NUnit.Framework;
using NeuralSpin.SpinModel;

namespace NeuralSpin.Tests.SpinModel;

/// <summary>
/// The products of <see cref="BondMatrix"/> with the rows split into parts on several threads, for every part count: the
/// size thresholds that choose the count in a run are far above these networks, so the split forms are reached here by
/// the overloads that take the count. The oracle is the product with the dense matrix written out from the blocks in the
/// test (J_il = J^(k)_{il} between consecutive layers, symmetric), summed in a plain loop.
/// <para>Tolerance: the parts add the same terms in another order, so the results agree with the plain sums to a few
/// ulps of the sum of |J_il x_l| (at most 40 terms of size below 4 here): 1e-13 absolute is a margin of about 100.</para>
/// </summary>
[TestFixture]
public class BondMatrixThreadingTests
{
    /// <summary>Widths with a layer of one spin (fewer rows than parts) and layers wider than any part count used.</summary>
    static readonly int[][] WidthSets = [[5, 3, 7, 1, 4], [1, 9, 2], [6, 6, 6, 6]];

    static double[] Dense(BondMatrix j)
    {
        int n = j.Size;
        var a = new double[n * n];
        for (int k = 1; k <= j.BlockCount; k++)
        {
            int r = j.Widths[k - 1], c = j.Widths[k], o0 = j.LayerOffset(k - 1), o1 = j.LayerOffset(k);
            var b = j.BlockCopy(k);
            for (int i = 0; i < r; i++)
                for (int l = 0; l < c; l++)
                    a[(o0 + i) * n + o1 + l] = a[(o1 + l) * n + o0 + i] = b[i * c + l];
        }
        return a;
    }

    static double[] Product(double[] a, double[] x, bool square)
    {
        int n = x.Length;
        var y = new double[n];
        for (int i = 0; i < n; i++)
            for (int l = 0; l < n; l++)
                y[i] += (square ? a[i * n + l] * a[i * n + l] : a[i * n + l]) * x[l];
        return y;
    }

    static double[] Vector(int n, int seed)
    {
        var rng = new Random(seed);
        return Enumerable.Range(0, n).Select(_ => rng.NextDouble() * 2 - 1).ToArray();
    }

    /// <summary>y = J x by the one-pass product in 1, 2, 3, 5 and 8 parts equals the dense product, twice in a row (the
    /// second call reuses pooled buffers the first one filled) and in both storages.</summary>
    [Test]
    public void OnePassProduct_InParts_EqualsTheDenseProduct([Values(0, 1, 2)] int set, [Values(1, 2, 3, 5, 8)] int parts,
        [Values(false, true)] bool singlePrecision)
    {
        var j = BondMatrix.Sample(WidthSets[set], [1.5], new Random(40 + set), singlePrecision);
        var a = Dense(j);
        for (int call = 0; call < 2; call++)
        {
            var x = Vector(j.Size, 100 * set + call);
            var y = Enumerable.Repeat(9.0, j.Size).ToArray(); // overwritten, not added to
            j.MultiplyOnePass(x, y, parts);
            Assert.That(y, Is.EqualTo(Product(a, x, square: false)).Within(1e-13), $"call {call}");
        }
    }

    /// <summary>Y_r = J X_r for three vectors in one pass, in 1, 2, 3, 5 and 8 parts, equals the dense products.</summary>
    [Test]
    public void SeveralVectorProduct_InParts_EqualsTheDenseProducts([Values(0, 1, 2)] int set, [Values(1, 2, 3, 5, 8)] int parts,
        [Values(false, true)] bool singlePrecision)
    {
        var j = BondMatrix.Sample(WidthSets[set], [0.7], new Random(50 + set), singlePrecision);
        var a = Dense(j);
        var xs = Enumerable.Range(0, 3).Select(r => Vector(j.Size, 10 * set + r)).ToArray();
        var ys = Enumerable.Range(0, 3).Select(_ => Enumerable.Repeat(-4.0, j.Size).ToArray()).ToArray();
        j.MultiplyOnePass(xs, ys, parts);
        for (int r = 0; r < 3; r++)
            Assert.That(ys[r], Is.EqualTo(Product(a, xs[r], square: false)).Within(1e-13), $"vector {r}");
    }

    /// <summary>y = J x and y = (J o J) x by the row-wise product in 1, 2, 3, 5 and 8 parts equal the dense products.</summary>
    [Test]
    public void RowProduct_InParts_EqualsTheDenseProducts([Values(0, 1, 2)] int set, [Values(1, 2, 3, 5, 8)] int parts,
        [Values(false, true)] bool square, [Values(false, true)] bool singlePrecision)
    {
        var j = BondMatrix.Sample(WidthSets[set], [1.1], new Random(60 + set), singlePrecision);
        var a = Dense(j);
        var x = Vector(j.Size, 70 + set);
        var y = Enumerable.Repeat(3.0, j.Size).ToArray();
        j.Apply(x, y, square, parts);
        Assert.That(y, Is.EqualTo(Product(a, x, square)).Within(1e-13));
    }

    /// <summary>A part count below one is refused by each product; the several-vector product refuses null lists and
    /// unequal numbers of inputs and outputs.</summary>
    [Test]
    public void Products_RefuseBadPartCountsAndVectorLists()
    {
        var j = BondMatrix.Sample([3, 4, 2], [1.0], new Random(5));
        int n = j.Size;
        Assert.Throws<ArgumentOutOfRangeException>(() => j.MultiplyOnePass(new double[n], new double[n], 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => j.MultiplyOnePass([new double[n]], [new double[n]], 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => j.Apply(new double[n], new double[n], false, 0));
        Assert.That(Assert.Throws<ArgumentNullException>(() => j.MultiplyOnePass(null!, [new double[n]]))!.ParamName, Is.EqualTo("xs"));
        Assert.That(Assert.Throws<ArgumentNullException>(() => j.MultiplyOnePass([new double[n]], null!))!.ParamName, Is.EqualTo("ys"));
        Assert.That(Assert.Throws<ArgumentException>(() => j.MultiplyOnePass([new double[n], new double[n]], [new double[n]]))!.ParamName,
            Is.EqualTo("ys"));
    }
}
