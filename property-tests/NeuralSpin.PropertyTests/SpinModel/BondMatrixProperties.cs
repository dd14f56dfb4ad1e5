using FsCheck;
using FsCheck.Fluent;
using NeuralSpin.PropertyTests.Support;
using NeuralSpin.SpinModel;
using PropertyAttribute = FsCheck.NUnit.PropertyAttribute;
using TestFixtureAttribute = NUnit.Framework.TestFixtureAttribute;

namespace NeuralSpin.PropertyTests.SpinModel;

/// <summary>BondMatrix (P1 1-4, docs/theory.md section 1) against naive dense computations.</summary>
[TestFixture]
public class BondMatrixProperties
{
    /// <summary>
    /// ToDenseRowMajor equals the naive assembly (exact: entries are copied); Multiply and MultiplySquared equal naive
    /// dense products and RowSquareSums the naive d_i; CouplingVariances equal N_{k-1} mean (J^(k)_ij)^2.
    /// Products sum at most 8 terms of size <= 1 * 1: rounding ~1e-15, so 1e-13 absolute is safe.
    /// </summary>
    [SeededProperty(Arbitrary = new[] { typeof(SpinArbitraries) })]
    public Property StructuredProducts_EqualNaiveDense(LayeredCase c)
    {
        var j = c.Coupling();
        int n = j.Size;
        var dense = Oracle.DenseJ(c.Widths, c.Blocks);
        bool denseOk = j.ToDenseRowMajor().SequenceEqual(dense);
        var x = Enumerable.Range(0, n).Select(i => ((i * 7 + c.Knob) % 11 - 5) / 4.0).ToArray();
        var y = new double[n];
        var y2 = new double[n];
        j.Multiply(x, y);
        j.MultiplySquared(x, y2);
        double worst = 0, worst2 = 0, worstD = 0;
        var d = j.RowSquareSums();
        for (int i = 0; i < n; i++)
        {
            double s = 0, s2 = 0, di = 0;
            for (int k = 0; k < n; k++)
            {
                double a = dense[i * n + k];
                s += a * x[k]; s2 += a * a * x[k]; di += a * a;
            }
            worst = Math.Max(worst, Math.Abs(s - y[i]));
            worst2 = Math.Max(worst2, Math.Abs(s2 - y2[i]));
            worstD = Math.Max(worstD, Math.Abs(di - d[i]));
        }
        var cv = j.CouplingVariances();
        double worstC = 0;
        for (int k = 1; k < c.Widths.Length; k++)
            worstC = Math.Max(worstC, Math.Abs(cv[k - 1] - c.Widths[k - 1] * c.Blocks[k - 1].Average(v => v * v)));
        return (denseOk && worst <= 1e-13 && worst2 <= 1e-13 && worstD <= 1e-13 && worstC <= 1e-13 && cv.Length == c.Widths.Length - 1)
            .Label($"dense equal {denseOk}, |Jx| err {worst:G3}, |(JoJ)x| err {worst2:G3}, d err {worstD:G3}, C err {worstC:G3}");
    }

    /// <summary>FromLinearWeights(LinearWeight(k) for all k) reproduces the blocks exactly (transposition is a copy), and
    /// LinearWeight(k) is W^(k) = J^(k)^T of shape N_k x N_{k-1}.</summary>
    [SeededProperty(Arbitrary = new[] { typeof(SpinArbitraries) })]
    public Property LinearWeights_RoundTrip(LayeredCase c)
    {
        var j = c.Coupling();
        var weights = Enumerable.Range(1, j.BlockCount).Select(j.LinearWeight).ToList();
        var back = BondMatrix.FromLinearWeights(weights);
        bool shapes = weights.Select((w, i) => w.Rows == c.Widths[i + 1] && w.Cols == c.Widths[i]).All(b => b);
        bool transposed = true;
        for (int k = 1; k < c.Widths.Length; k++)
        {
            int r = c.Widths[k - 1], cc = c.Widths[k];
            for (int i = 0; i < r; i++)
                for (int o = 0; o < cc; o++)
                    transposed &= weights[k - 1].Data[o * r + i] == c.Blocks[k - 1][i * cc + o];
        }
        bool same = back.Widths.SequenceEqual(c.Widths) && Enumerable.Range(1, j.BlockCount).All(k => back.BlockCopy(k).SequenceEqual(c.Blocks[k - 1]));
        return (shapes && transposed && same).Label($"shapes {shapes}, W = J^T {transposed}, round trip {same}");
    }

    /// <summary>
    /// Blocks stored in float32 (docs/theory.md section 4, "Storage of the blocks"): the case's entries rounded to float32
    /// and stored in float32 give bit for bit the products, d_i, C_k and dense matrix of the same values stored in float64
    /// (each weight is widened exactly and the float64 kernel's operations run in its order).
    /// </summary>
    [SeededProperty(Arbitrary = new[] { typeof(SpinArbitraries) })]
    public Property Float32Storage_EqualsFloat64StorageOfTheSameValues(LayeredCase c)
    {
        var singles = c.Blocks.Select(b => b.Select(v => (float)(v / 3)).ToArray()).ToList();
        var f = BondMatrix.FromSingleBlocks(c.Widths, singles);
        var d = new BondMatrix(c.Widths, singles.Select(b => b.Select(v => (double)v).ToArray()).ToList());
        int n = d.Size;
        var x = Enumerable.Range(0, n).Select(i => ((i * 7 + c.Knob) % 11 - 5) / 3.0).ToArray();
        static bool Same(double[] a, double[] b) => a.Select(BitConverter.DoubleToInt64Bits).SequenceEqual(b.Select(BitConverter.DoubleToInt64Bits));
        var y1 = new double[n];
        var y2 = new double[n];
        d.Multiply(x, y1);
        f.Multiply(x, y2);
        bool product = Same(y1, y2);
        d.MultiplySquared(x, y1);
        f.MultiplySquared(x, y2);
        bool squared = Same(y1, y2);
        bool rows = Same(d.RowSquareSums(), f.RowSquareSums());
        bool variances = Same(d.CouplingVariances(), f.CouplingVariances());
        bool dense = Same(d.ToDenseRowMajor(), f.ToDenseRowMajor());
        return (f.SinglePrecision && product && squared && rows && variances && dense)
            .Label($"J x {product}, (J o J) x {squared}, d {rows}, C {variances}, dense {dense}");
    }
}
