using NUnit.Framework;
using NeuralSpin.SpinModel;
using NeuralSpin.Tests.Support;

namespace NeuralSpin.Tests.SpinModel;

/// <summary>
/// The argument checks of <see cref="BondMatrix"/> and <see cref="DenseCoupling"/>, one row per throw site: the call with
/// one invalid argument, the exact exception type, its ParamName and what its message says.
/// </summary>
public class ArgumentCheckTests
{
    static ArgumentCheck Arg(string rule, string? param, string message, TestDelegate call) =>
        ArgumentCheck.Of<ArgumentException>(rule, param, message, call);

    static ArgumentCheck Range(string rule, string? param, string message, TestDelegate call) =>
        ArgumentCheck.Of<ArgumentOutOfRangeException>(rule, param, message, call);

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

    static IEnumerable<TestCaseData> Cases() => Checks().Select(c => c.ToCase());

    [TestCaseSource(nameof(Cases))]
    public void Rejects(ArgumentCheck check) => check.Verify();
}
