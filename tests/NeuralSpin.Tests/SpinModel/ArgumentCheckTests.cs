using NUnit.Framework;
using NeuralSpin.SpinModel;
using NeuralSpin.Tests.Support;
using static NeuralSpin.Tests.Support.ArgumentCheck;

namespace NeuralSpin.Tests.SpinModel;

/// <summary>
/// The argument checks of <see cref="BondMatrix"/> and <see cref="DenseCoupling"/>, one row per throw site: the call with
/// one invalid argument, the exact exception type, its ParamName and what its message says.
/// </summary>
public class ArgumentCheckTests
{
    static IEnumerable<ArgumentCheck> Checks()
    {
        // BondMatrix(widths, blocks)
        yield return Arg("BondMatrix: a layered network needs at least two layers", null, "at least two layers",
            () => new BondMatrix(new[] { 3 }, Array.Empty<double[]>()));
        yield return Arg("BondMatrix: one block per pair of adjacent layers", null, "3 layers need 2 blocks, got 1",
            () => new BondMatrix(new[] { 2, 3, 4 }, new[] { new double[6] }));
        yield return Arg("BondMatrix: layer widths must be positive", null, "layer widths must be positive",
            () => new BondMatrix(new[] { 2, 0 }, new[] { Array.Empty<double>() }));
        yield return Arg("BondMatrix: block J^k must hold N_k-1 x N_k entries", null, "block J^(1) should have 2x3 entries, got 5",
            () => new BondMatrix(new[] { 2, 3 }, new[] { new double[5] }));
        yield return Arg("BondMatrix: block entries must be finite - NaN", null, "block J^(1) has a NaN or infinite entry",
            () => new BondMatrix(new[] { 1, 2 }, new[] { new[] { 1.0, double.NaN } }));
        yield return Arg("BondMatrix: block entries must be finite - infinity", null, "block J^(2) has a NaN or infinite entry",
            () => new BondMatrix(new[] { 1, 1, 1 }, new[] { new[] { 1.0 }, new[] { double.NegativeInfinity } }));

        // BondMatrix.FromSingleBlocks(widths, blocks): the same checks on float32 blocks
        yield return Arg("FromSingleBlocks: a layered network needs at least two layers", null, "at least two layers",
            () => BondMatrix.FromSingleBlocks(new[] { 3 }, Array.Empty<float[]>()));
        yield return Arg("FromSingleBlocks: one block per pair of adjacent layers", null, "3 layers need 2 blocks, got 1",
            () => BondMatrix.FromSingleBlocks(new[] { 2, 3, 4 }, new[] { new float[6] }));
        yield return Arg("FromSingleBlocks: layer widths must be positive", null, "layer widths must be positive",
            () => BondMatrix.FromSingleBlocks(new[] { 2, 0 }, new[] { Array.Empty<float>() }));
        yield return Arg("FromSingleBlocks: block J^k must hold N_k-1 x N_k entries", null, "block J^(1) should have 2x3 entries, got 7",
            () => BondMatrix.FromSingleBlocks(new[] { 2, 3 }, new[] { new float[7] }));
        yield return Arg("FromSingleBlocks: block entries must be finite - NaN", null, "block J^(1) has a NaN or infinite entry",
            () => BondMatrix.FromSingleBlocks(new[] { 1, 2 }, new[] { new[] { 1f, float.NaN } }));
        yield return Arg("FromSingleBlocks: block entries must be finite - infinity", null, "block J^(2) has a NaN or infinite entry",
            () => BondMatrix.FromSingleBlocks(new[] { 1, 1, 1 }, new[] { new[] { 1f }, new[] { float.PositiveInfinity } }));

        // BondMatrix.FromLinearWeights
        yield return Arg("FromLinearWeights: at least one weight matrix", null, "no weight matrices",
            () => BondMatrix.FromLinearWeights(Array.Empty<(int, int, double[])>()));
        yield return Arg("FromLinearWeights: each weight takes the previous layer's outputs", null,
            "layer chain broken: weight 1 has 2 inputs but the previous layer has 3 outputs",
            () => BondMatrix.FromLinearWeights(new[] { (3, 2, new double[6]), (4, 2, new double[8]) }));
        yield return Arg("FromLinearWeights: a weight must hold rows x cols entries", null, "weight 0 should have 3x2 entries, got 5",
            () => BondMatrix.FromLinearWeights(new[] { (3, 2, new double[5]) }));

        // BondMatrix.Sample
        yield return Arg("Sample: a layered network needs at least two layers", null, "at least two layers",
            () => BondMatrix.Sample(new[] { 3 }, new[] { 1.0 }, new Random(1)));
        yield return Arg("Sample: one C or one per block", null, "give one C or one per block (2), got 3",
            () => BondMatrix.Sample(new[] { 2, 3, 4 }, new[] { 1.0, 1.0, 1.0 }, new Random(1)));
        yield return Arg("Sample: C_k must be finite and non-negative - negative", null, "C_k must be finite and non-negative",
            () => BondMatrix.Sample(new[] { 2, 3 }, new[] { -1.0 }, new Random(1)));
        yield return Arg("Sample: C_k must be finite and non-negative - NaN", null, "C_k must be finite and non-negative",
            () => BondMatrix.Sample(new[] { 2, 3, 4 }, new[] { 1.0, double.NaN }, new Random(1)));
        yield return Arg("Sample: C_k must be finite and non-negative - infinity", null, "C_k must be finite and non-negative",
            () => BondMatrix.Sample(new[] { 2, 3 }, new[] { double.PositiveInfinity }, new Random(1)));

        // DenseCoupling(n, rowMajor)
        yield return Range("DenseCoupling: a coupling matrix needs at least one spin", "n", "at least one spin",
            () => new DenseCoupling(0, Array.Empty<double>()));
        yield return Arg("DenseCoupling: the matrix must hold n x n entries", null, "expected 2x2 = 4 entries, got 3",
            () => new DenseCoupling(2, new double[3]));
        yield return Arg("DenseCoupling: entries must be finite", null, "coupling matrix has a NaN or infinite entry",
            () => new DenseCoupling(2, new[] { 0, double.NaN, double.NaN, 0 }));
        yield return Arg("DenseCoupling: the diagonal must be zero", null, "nonzero diagonal entry at (1,1)",
            () => new DenseCoupling(2, new[] { 0, 0.5, 0.5, 1e-300 }));
        yield return Arg("DenseCoupling: the matrix must be symmetric", null, "coupling matrix is not symmetric at (0,1)",
            () => new DenseCoupling(2, new[] { 0, 1.0, 1.0 + 1e-6, 0 }));
    }

    static ArgumentCheck Null(string rule, string param, string message, TestDelegate call) =>
        ArgumentCheck.Of<ArgumentNullException>(rule, param, message, call);

    /// <summary>Widths 2-3-1: blocks J^(1) (2 x 3) and J^(2) (3 x 1), N = 6.</summary>
    static BondMatrix Bonds() => BondMatrix.Sample(new[] { 2, 3, 1 }, new[] { 1.0 }, new Random(7));

    static DenseCoupling J2() => new(2, new[] { 0, 0.3, 0.3, 0 });

    /// <summary>Checks of null arguments, index ranges and vector lengths.</summary>
    static IEnumerable<ArgumentCheck> MoreChecks()
    {
        yield return Null("BondMatrix: the widths must not be null", "widths", "Value cannot be null",
            () => new BondMatrix(null!, new[] { new double[6] }));
        yield return Null("BondMatrix: the blocks must not be null", "blocks", "Value cannot be null",
            () => new BondMatrix(new[] { 2, 3 }, null!));
        yield return Null("BondMatrix: no block may be null", "blocks", "block J^(2) is null",
            () => new BondMatrix(new[] { 2, 3, 1 }, new[] { new double[6], null! }));
        yield return Null("FromSingleBlocks: the widths must not be null", "widths", "Value cannot be null",
            () => BondMatrix.FromSingleBlocks(null!, new[] { new float[6] }));
        yield return Null("FromSingleBlocks: the blocks must not be null", "blocks", "Value cannot be null",
            () => BondMatrix.FromSingleBlocks(new[] { 2, 3 }, null!));
        yield return Null("FromSingleBlocks: no block may be null", "blocks", "block J^(2) is null",
            () => BondMatrix.FromSingleBlocks(new[] { 2, 3, 1 }, new[] { new float[6], null! }));
        yield return Null("FromLinearWeights: the weights must not be null", "weights", "Value cannot be null",
            () => BondMatrix.FromLinearWeights(null!));
        yield return Null("FromLinearWeights: every weight must have data", "weights", "weight 0 has no data",
            () => BondMatrix.FromLinearWeights(new[] { (3, 2, (double[])null!) }));
        yield return Null("Sample: the widths must not be null", "widths", "Value cannot be null",
            () => BondMatrix.Sample(null!, new[] { 1.0 }, new Random(1)));
        yield return Null("Sample: C must not be null", "c", "Value cannot be null",
            () => BondMatrix.Sample(new[] { 2, 3 }, null!, new Random(1)));
        yield return Null("Sample: the generator must not be null", "rng", "Value cannot be null",
            () => BondMatrix.Sample(new[] { 2, 3 }, new[] { 1.0 }, null!));
        yield return Arg("Sample: layer widths must be positive - zero", null, "layer widths must be positive",
            () => BondMatrix.Sample(new[] { 2, 0 }, new[] { 1.0 }, new Random(1)));
        yield return Arg("Sample: layer widths must be positive - negative", null, "layer widths must be positive",
            () => BondMatrix.Sample(new[] { -2, 3 }, new[] { 1.0 }, new Random(1)));
        yield return Range("BondMatrix.LayerOffset: the layer index must not be negative", "k", "the layer index must lie in 0..3",
            () => Bonds().LayerOffset(-1));
        yield return Range("BondMatrix.LayerOffset: the layer index must not pass L + 1", "k", "the layer index must lie in 0..3",
            () => Bonds().LayerOffset(4));
        yield return Range("BondMatrix.Block: blocks are numbered from 1", "k", "the block index must lie in 1..2",
            () => Bonds().Block(0));
        yield return Range("BondMatrix.BlockCopy: the block index must not pass L", "k", "the block index must lie in 1..2",
            () => Bonds().BlockCopy(3));
        yield return Range("BondMatrix.LinearWeight: the block index must lie in 1..L", "k", "the block index must lie in 1..2",
            () => Bonds().LinearWeight(0));
        yield return Arg("BondMatrix.Multiply: x has length N", "x", "expected 6 entries in x, got 5",
            () => Bonds().Multiply(new double[5], new double[6]));
        yield return Arg("BondMatrix.Multiply: y has length N", "y", "expected 6 entries in y, got 7",
            () => Bonds().Multiply(new double[6], new double[7]));
        yield return Arg("BondMatrix.MultiplySquared: x has length N", "x", "expected 6 entries in x, got 7",
            () => Bonds().MultiplySquared(new double[7], new double[6]));
        yield return Arg("BondMatrix.Multiply: the output must not overlap the input", "y", "the output must not overlap the input",
            () => { var x = new double[6]; x[0] = 1; Bonds().Multiply(x, x); });

        yield return Null("DenseCoupling: the matrix must not be null", "rowMajor", "Value cannot be null",
            () => new DenseCoupling(2, null!));
        yield return Range("DenseCoupling indexer: the row index must lie in 0..N-1", "i", "the spin index must lie in 0..1",
            () => _ = J2()[2, 0]);
        yield return Range("DenseCoupling indexer: the column index must lie in 0..N-1", "j", "the spin index must lie in 0..1",
            () => _ = J2()[0, -1]);
        yield return Arg("DenseCoupling.Multiply: x has length N", "x", "expected 2 entries in x, got 3",
            () => J2().Multiply(new double[3], new double[2]));
        yield return Arg("DenseCoupling.Multiply: y has length N", "y", "expected 2 entries in y, got 1",
            () => J2().Multiply(new double[2], new double[1]));
        yield return Arg("DenseCoupling.MultiplySquared: the output must not overlap the input", "y", "the output must not overlap the input",
            () => { var x = new double[2]; J2().MultiplySquared(x, x); });
        yield return Range("SherringtonKirkpatrick: at least one spin", "n", "at least one spin",
            () => DenseCoupling.SherringtonKirkpatrick(-3, 1, new Random(1)));
        yield return Range("SherringtonKirkpatrick: the coupling scale must be finite and non-negative - NaN", "couplingScale",
            "the coupling scale J must be finite and non-negative", () => DenseCoupling.SherringtonKirkpatrick(3, double.NaN, new Random(1)));
        yield return Range("SherringtonKirkpatrick: the coupling scale must be finite and non-negative - negative", "couplingScale",
            "the coupling scale J must be finite and non-negative", () => DenseCoupling.SherringtonKirkpatrick(3, -1, new Random(1)));
        yield return Range("SherringtonKirkpatrick: the coupling scale must be finite and non-negative - infinity", "couplingScale",
            "the coupling scale J must be finite and non-negative", () => DenseCoupling.SherringtonKirkpatrick(1, double.PositiveInfinity, new Random(1)));
        yield return Null("SherringtonKirkpatrick: the generator must not be null", "rng", "Value cannot be null",
            () => DenseCoupling.SherringtonKirkpatrick(3, 1, null!));
    }

    /// <summary>The bounds of the new index and length checks are exact: the first and last valid values still work.</summary>
    [Test]
    public void ValidEdgesAreAccepted()
    {
        var j = Bonds();
        Assert.That(j.LayerOffset(0), Is.EqualTo(0));
        Assert.That(j.LayerOffset(3), Is.EqualTo(6), "L + 1 gives N");
        Assert.That(j.Block(1).Length, Is.EqualTo(6));
        Assert.That(j.BlockCopy(2), Has.Length.EqualTo(3));
        Assert.That(j.LinearWeight(2).Rows, Is.EqualTo(1));
        var d = J2();
        Assert.That(d[1, 0], Is.EqualTo(0.3));
        Assert.That(DenseCoupling.SherringtonKirkpatrick(3, 0, new Random(1)).ToDenseRowMajor(), Is.All.EqualTo(0));
    }

    static IEnumerable<TestCaseData> Cases() => Checks().Concat(MoreChecks()).Select(c => c.ToCase());

    [TestCaseSource(nameof(Cases))]
    public void Rejects(ArgumentCheck check) => check.Verify();
}
