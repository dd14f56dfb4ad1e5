using NUnit.Framework;
using NeuralSpin.Analysis;
using NeuralSpin.Numerics;
using NeuralSpin.SpinModel;
using NeuralSpin.Tap;
using NeuralSpin.Tests.Golden;

namespace NeuralSpin.Tests.SpinModel;

/// <summary>
/// Blocks stored in float32 (docs/theory.md section 4, "Storage of the blocks"): float32 weights are held exactly and every
/// product widens them to float64 and runs the float64 kernel's operations in its order, so a network of float32 values
/// gives bit for bit the results of the same values stored in float64; float64 weights rounded to float32 move a product
/// by at most 2^-24 sum_l |J_il| |x_l| per row (plus the float64 accumulation's own rounding).
/// </summary>
[TestFixture]
public class SinglePrecisionStorageTests
{
    /// <summary>The same values in float64 storage.</summary>
    static BondMatrix AsDouble(BondMatrix j) => new(j.Widths.ToArray(), Enumerable.Range(1, j.BlockCount).Select(j.BlockCopy).ToList());

    static double[] RandomVector(int n, int seed)
    {
        var rng = new SplitMixSource(seed);
        return Enumerable.Range(0, n).Select(_ => rng.NextDouble() - 0.5).ToArray();
    }

    static void SameBits(ReadOnlySpan<double> expected, ReadOnlySpan<double> actual, string what)
    {
        Assert.That(actual.Length, Is.EqualTo(expected.Length), what);
        for (int i = 0; i < expected.Length; i++)
            if (BitConverter.DoubleToInt64Bits(expected[i]) != BitConverter.DoubleToInt64Bits(actual[i]))
                Assert.Fail($"{what}: entry {i} is {actual[i]:R}, the float64 storage gives {expected[i]:R}");
    }

    /// <summary>nn.Linear(2 -> 3) in float32: W is 3 x 2, J^(1) = W^T is 2 x 3, stored in float32.</summary>
    [Test]
    public void FromSingleLinearWeights_BlockIsTransposeOfPyTorchWeight()
    {
        var j = BondMatrix.FromSingleLinearWeights([(3, 2, new float[] { 1, 2, 3, 4, 5, 6.5f })]);
        Assert.That(j.SinglePrecision, Is.True);
        Assert.That(j.Widths, Is.EqualTo(new[] { 2, 3 }));
        Assert.That(j.BlockCopy(1), Is.EqualTo(new double[] { 1, 3, 5, 2, 4, 6.5 }));
        Assert.That(j.LinearWeight(1).Data, Is.EqualTo(new double[] { 1, 2, 3, 4, 5, 6.5 }));
        Assert.Throws<ArgumentException>(() => BondMatrix.FromSingleBlocks([2, 1], [new[] { 1f, float.NaN }]));
    }

    /// <summary>Every length from 0 to 41 (every remainder of the float and float64 vector widths, an odd last float64
    /// vector, scalar tails): the float32-row kernels equal the float64 kernels on the widened values bit for bit.</summary>
    [Test]
    public void Kernels_OnFloatRows_EqualTheFloat64KernelsBitForBit([Range(0, 41)] int n)
    {
        var rng = new SplitMixSource(9100 + n);
        var a = Enumerable.Range(0, n).Select(_ => (float)(rng.NextDouble() - 0.5)).ToArray();
        var wide = a.Select(v => (double)v).ToArray();
        var b = RandomVector(n, 9200 + n);
        Assert.That(Blas.Dot(a, b), Is.EqualTo(Blas.Dot(wide, b)));
        Assert.That(Blas.Dot(a, b, square: true), Is.EqualTo(Blas.Dot(wide, b, square: true)));
        var y1 = RandomVector(n, 9300 + n);
        var y2 = (double[])y1.Clone();
        double s1 = Blas.DotAxpy(wide, b, 0.37, y1), s2 = Blas.DotAxpy(a, b, 0.37, y2);
        Assert.That(s2, Is.EqualTo(s1));
        SameBits(y1, y2, "y += alpha a");
    }

    /// <summary>
    /// Every product and sum of a float32-stored network equals that of the same values stored in float64, bit for bit:
    /// a small network (one thread) and one above the parallel threshold of the one-pass product (1.1 x 10^6 weights).
    /// </summary>
    [TestCase(new[] { 13, 29, 7, 31, 5 })]
    [TestCase(new[] { 1100, 1001, 3 })]
    public void Products_OfFloat32Storage_EqualFloat64StorageOfTheSameValues(int[] widths)
    {
        var single = BondMatrix.Sample(widths, [2.0], new SplitMixSource(9401), singlePrecision: true);
        var dbl = AsDouble(single);
        Assert.That(single.SinglePrecision, Is.True);
        Assert.That(dbl.SinglePrecision, Is.False);
        Assert.That(single.BlockBytes * 2, Is.EqualTo(dbl.BlockBytes));
        int n = single.Size;
        var x = RandomVector(n, 9402);
        var y1 = new double[n];
        var y2 = new double[n];
        dbl.MultiplyOnePass(x, y1);
        single.MultiplyOnePass(x, y2);
        SameBits(y1, y2, "one-pass J x");
        var xs = new[] { x, RandomVector(n, 9403), RandomVector(n, 9404) };
        var ys1 = xs.Select(_ => new double[n]).ToArray();
        var ys2 = xs.Select(_ => new double[n]).ToArray();
        dbl.MultiplyOnePass(xs, ys1);
        single.MultiplyOnePass(xs, ys2);
        for (int v = 0; v < xs.Length; v++) SameBits(ys1[v], ys2[v], $"one-pass J X, vector {v}");
        dbl.Multiply(x, y1);
        single.Multiply(x, y2);
        SameBits(y1, y2, "J x");
        dbl.MultiplySquared(x, y1);
        single.MultiplySquared(x, y2);
        SameBits(y1, y2, "(J o J) x");
        SameBits(dbl.RowSquareSums(), single.RowSquareSums(), "d_i");
        SameBits(dbl.CouplingVariances(), single.CouplingVariances(), "C_k");
        for (int k = 1; k <= single.BlockCount; k++)
        {
            SameBits(dbl.Block(k), single.Block(k), $"J^({k})");
            SameBits(dbl.LinearWeight(k).Data, single.LinearWeight(k).Data, $"W^({k})");
        }
        if (n < 200) SameBits(dbl.ToDenseRowMajor(), single.ToDenseRowMajor(), "dense J");
        // the spectrum of J by both routes of docs/theory.md section 4 (the bipartite singular values and eq. 4.8's Gram
        // matrix): the float32 blocks are widened exactly, so the spectra are those of the same float64 values
        if (n < 3000)
        {
            var (gram1, bound1) = dbl.SpectrumFromGram();
            var (gram2, bound2) = single.SpectrumFromGram();
            SameBits(gram1, gram2, "spectrum of J from the Gram matrix");
            Assert.That(bound2, Is.EqualTo(bound1), "its error bound");
            SameBits(dbl.SpectrumFromBipartiteBlock(), single.SpectrumFromBipartiteBlock(), "spectrum of J from the singular values");
        }
    }

    /// <summary>
    /// The float32 draw is the float64 draw rounded (same generator, same seed), and its product is within the rounding
    /// bound of the float64 network's, computed independently (a plain loop over the dense matrix): per row
    /// |(J_32 x)_i - (J x)_i| &lt;= 2^-24 sum_l |J_il| |x_l| (each weight moves by at most half an ulp of float32, 2^-24
    /// relative) plus 2 gamma_m sum_l |J_il x_l| for the two float64 sums of m = N terms (gamma_m = m u / (1 - m u),
    /// u = 2^-53). The bound is reached within a factor of a few hundred (the roundings are of both signs), so it is
    /// not vacuous: the difference is not zero.
    /// </summary>
    [Test]
    public void Products_OfFloat64WeightsRoundedToFloat32_StayWithinTheRoundingBound()
    {
        int[] widths = [60, 50, 40, 10];
        var dbl = BondMatrix.Sample(widths, [2.0], new SplitMixSource(9501));
        var single = BondMatrix.Sample(widths, [2.0], new SplitMixSource(9501), singlePrecision: true);
        for (int k = 1; k <= dbl.BlockCount; k++)
            Assert.That(single.BlockCopy(k), Is.EqualTo(dbl.BlockCopy(k).Select(v => (double)(float)v).ToArray()), $"J^({k}) rounded");
        int n = dbl.Size;
        var dense = dbl.ToDenseRowMajor();
        var x = RandomVector(n, 9502);
        var y = new double[n];
        single.MultiplyOnePass(x, y);
        double u = Math.ScaleB(1, -53), gamma = n * u / (1 - n * u), largest = 0;
        for (int i = 0; i < n; i++)
        {
            double reference = 0, abs = 0;
            for (int l = 0; l < n; l++)
            {
                reference += dense[i * n + l] * x[l];
                abs += Math.Abs(dense[i * n + l] * x[l]);
            }
            double bound = Math.ScaleB(abs, -24) + 2 * gamma * abs;
            Assert.That(Math.Abs(y[i] - reference), Is.LessThanOrEqualTo(bound), $"row {i}");
            largest = Math.Max(largest, Math.Abs(y[i] - reference) / bound);
        }
        Assert.That(largest, Is.GreaterThan(1e-3), "the rounding shows in the products");
    }

    /// <summary>
    /// A float32-stored network analysed on either path gives the same numbers as its values stored in float64, bit for
    /// bit: the dense path (spectra, certified curve) and the matrix-free path (Lanczos on the one-pass products,
    /// inertia counts) see the same weights and the same sums.
    /// </summary>
    [TestCase(AnalysisPath.Dense)]
    [TestCase(AnalysisPath.MatrixFree)]
    public void Analysis_OfFloat32Storage_EqualsFloat64Storage(AnalysisPath path)
    {
        var single = ToSingle(NeuralSpin.Tests.Tap.VertexCrossingTests.Spiked([40, 30, 20], [1.0], 9601, 3));
        var dbl = AsDouble(single);
        var options = new AnalysisOptions { Level = 0.3, Path = path, Curve = new CurveOptions { DenseThreshold = 0 } };
        var a = NetworkAnalysis.Run(dbl, options);
        var b = NetworkAnalysis.Run(single, options);
        Assert.That(b.CurveMinLambda, Is.EqualTo(a.CurveMinLambda));
        Assert.That(b.CurveMinBeta, Is.EqualTo(a.CurveMinBeta));
        Assert.That(b.CurveCertifiedLowerBound, Is.EqualTo(a.CurveCertifiedLowerBound));
        Assert.That(b.BetaC, Is.EqualTo(a.BetaC));
        Assert.That(b.BetaCCorrected, Is.EqualTo(a.BetaCCorrected));
        Assert.That(b.LambdaMaxJ, Is.EqualTo(a.LambdaMaxJ));
        Assert.That(b.LambdaMinR, Is.EqualTo(a.LambdaMinR));
        Assert.That(b.TcReplica, Is.EqualTo(a.TcReplica));
        Assert.That(b.FirstLevelSpacingRatio, Is.EqualTo(a.FirstLevelSpacingRatio));
        Assert.That(b.CurveProducts, Is.EqualTo(a.CurveProducts));
    }

    /// <summary>
    /// The certified matrix-free analysis of a network with float32 weights (Lanczos on the float32 blocks, as at scale)
    /// against the independent dense reference (MathNet eigenvalues and LDL^T bisection on the same values in float64):
    /// lambda_max(J) within its Lanczos residual (plus 1e-12 for the reference's own rounding); the curve minimum within
    /// the certification tolerance 1e-5, above its certified lower bound; beta_c(0.3) within its bracket's relative width
    /// 1e-10 (widened to 1e-9 for the reference bisection's LDL^T rounding).
    /// </summary>
    [Test]
    public void MatrixFree_OnFloat32Weights_AgreesWithTheDenseReference()
    {
        var j = ToSingle(NeuralSpin.Tests.Tap.VertexCrossingTests.Spiked([40, 30, 20], [1.0], 9601, 3));
        var reference = IndependentReference.Of(j);
        var r = NetworkAnalysis.Run(j, new AnalysisOptions { Level = 0.3, Path = AnalysisPath.MatrixFree, Curve = new CurveOptions { DenseThreshold = 0 } });
        Assert.That(r.Certified, Is.True);
        Assert.That(r.LambdaMaxJ, Is.EqualTo(reference.SpectrumJ()[^1]).Within(r.LambdaMaxJResidual + 1e-12));
        var min = reference.CurveMinimum(10);
        Assert.That(r.CurveMinLambda, Is.EqualTo(min.Value).Within(1e-5));
        Assert.That(r.CurveCertifiedLowerBound, Is.LessThanOrEqualTo(min.Value + 1e-12));
        double betaC03 = reference.FirstCrossing(0.3, 10, alsoTry: min.Beta)!.Value;
        Assert.That(r.BetaCCorrected!.Value, Is.EqualTo(betaC03).Within(1e-9 * betaC03));
    }

    /// <summary>
    /// AnalysisCost counts the blocks at 4 bytes per weight in float32 storage: past the certified width (no float64 copies
    /// for the chi recurrence) the matrix-free estimate is 4 W bytes below that of float64 storage, W the weight count
    /// (784-6250 x 16-10: 2.36 GB of blocks, as measured for REPRODUCE.md); the dense path, which widens float32 blocks to
    /// float64 for its curve, holds both: 4 W bytes more than in float64 storage.
    /// </summary>
    [Test]
    public void AnalysisCost_CountsFourBytesPerWeightInFloat32Storage()
    {
        int[] widths = [784, .. Enumerable.Repeat(6250, 16), 10];
        var f64 = AnalysisCost.Of(widths);
        var f32 = AnalysisCost.Of(widths, bytesPerWeight: 4);
        long w = 784L * 6250 + 15L * 6250 * 6250 + 6250L * 10;
        Assert.That(f32.Weights, Is.EqualTo(w));
        Assert.That(f64.MatrixFreeBytes - f32.MatrixFreeBytes, Is.EqualTo(4 * w).Within(1));
        Assert.That(f32.DenseBytes - f64.DenseBytes, Is.EqualTo(4 * w).Within(1));
        Assert.That(f32.MatrixFreeBytes, Is.InRange(2.5e9, 2.7e9));
        Assert.Throws<ArgumentOutOfRangeException>(() => AnalysisCost.Of(widths, bytesPerWeight: 2));
    }

    static BondMatrix ToSingle(BondMatrix j) =>
        BondMatrix.FromSingleBlocks(j.Widths.ToArray(), Enumerable.Range(1, j.BlockCount).Select(k => j.BlockCopy(k).Select(v => (float)v).ToArray()).ToList());

    /// <summary>
    /// The public constructors copy the caller's blocks (float64 and float32 alike): changing the arrays afterwards leaves
    /// J as it was built; the internal "kept" factories, for blocks nothing else holds, keep them.
    /// </summary>
    [Test]
    public void PublicConstructors_CopyTheBlocks_KeptFactoriesDoNot()
    {
        var d = new[] { 1.0, 2.0, 3.0, 4.0, 5.0, 6.0 };
        var f = new[] { 1f, 2f, 3f, 4f, 5f, 6f };
        var jd = new BondMatrix(new[] { 2, 3 }, new[] { d });
        var jf = BondMatrix.FromSingleBlocks(new[] { 2, 3 }, new[] { f });
        var kd = BondMatrix.FromBlocksKept(new[] { 2, 3 }, new[] { d });
        var kf = BondMatrix.FromSingleBlocksKept(new[] { 2, 3 }, new[] { f });
        d[1] = 20; f[1] = 20;
        Assert.That(jd.BlockCopy(1)[1], Is.EqualTo(2.0), "float64 blocks copied");
        Assert.That(jf.BlockCopy(1)[1], Is.EqualTo(2.0), "float32 blocks copied");
        Assert.That(kd.BlockCopy(1)[1], Is.EqualTo(20.0), "float64 blocks kept");
        Assert.That(kf.BlockCopy(1)[1], Is.EqualTo(20.0), "float32 blocks kept");
    }

    /// <summary>The float32 and float64 transposes of a row-major 3 x 4 matrix against the transpose written out, entry by entry.</summary>
    [Test]
    public void Transposes_AreTheWrittenOutTranspose()
    {
        const int rows = 3, cols = 4;
        var b = Enumerable.Range(0, rows * cols).Select(i => (float)(i * i - 5)).ToArray();
        var t = BondMatrix.TransposeSingle(b, rows, cols);
        var td = BondMatrix.TransposeDouble(b.Select(v => (double)v).ToArray(), rows, cols);
        Assert.That(t, Has.Length.EqualTo(rows * cols));
        for (int i = 0; i < rows; i++)
            for (int j = 0; j < cols; j++)
            {
                Assert.That(t[j * rows + i], Is.EqualTo(b[i * cols + j]), $"float32 ({j},{i})");
                Assert.That(td[j * rows + i], Is.EqualTo(b[i * cols + j]), $"float64 ({j},{i})");
            }
    }
}
