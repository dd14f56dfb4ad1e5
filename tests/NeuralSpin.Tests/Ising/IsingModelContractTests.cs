using NeuralSpin.Ising;
using NeuralSpin.Tests.Support;
using NUnit.Framework;
using static NeuralSpin.Tests.Support.ArgumentCheck;

namespace NeuralSpin.Tests.Ising;

/// <summary>
/// The contract of <see cref="IsingModel"/>: every check of the constructor violated alone (the reported position pins
/// the index arithmetic), the boundary values that must pass, the symmetry tolerance relative to the largest |J_ij| and
/// the exactly symmetric storage, the accessors, and E(s) and the local fields against the definitions summed here.
/// All values are dyadic fractions, so every expected number below is exact in float64.
/// </summary>
public class IsingModelContractTests
{
    /// <summary>J of a 3-spin model: J_01 = 1/2, J_02 = -1/4, J_12 = 2 (distinct, so a wrong index is seen).</summary>
    static readonly double[] J3 = [0, 0.5, -0.25, 0.5, 0, 2, -0.25, 2, 0];

    static readonly double[] H3 = [1, -0.5, 0.25];

    static double[] With(double[] a, int k, double v)
    {
        var c = (double[])a.Clone();
        c[k] = v;
        return c;
    }

    static IEnumerable<TestCaseData> Checks()
    {
        var model = new IsingModel(3, J3, H3);
        yield return Null("IsingModel: J must not be null", "couplingsRowMajor", () => _ = new IsingModel(3, null!, H3)).ToCase();
        yield return Null("IsingModel: h must not be null", "fields", () => _ = new IsingModel(3, J3, null!)).ToCase();
        yield return Arg("IsingModel: at least one spin", null, "at least one spin", () => _ = new IsingModel(0, [], [])).ToCase();
        yield return Arg("IsingModel: J has N x N entries", null, "J must be 3 x 3 (9 entries), got 8", () => _ = new IsingModel(3, J3[..8], H3)).ToCase();
        yield return Arg("IsingModel: h has N entries", null, "h must have 3 entries, got 2", () => _ = new IsingModel(3, J3, H3[..2])).ToCase();
        yield return Arg("IsingModel: beta not NaN", null, "beta must be finite and non-negative", () => _ = new IsingModel(3, J3, H3, double.NaN)).ToCase();
        yield return Arg("IsingModel: beta not infinite", null, "beta must be finite and non-negative", () => _ = new IsingModel(3, J3, H3, double.PositiveInfinity)).ToCase();
        yield return Arg("IsingModel: beta not negative", null, "beta must be finite and non-negative", () => _ = new IsingModel(3, J3, H3, -0.5)).ToCase();
        yield return Arg("IsingModel: J finite (entry 5 is (1,2))", null, "J has a NaN or infinite entry at (1,2)", () => _ = new IsingModel(3, With(J3, 5, double.NaN), H3)).ToCase();
        yield return Arg("IsingModel: J finite (the last entry)", null, "J has a NaN or infinite entry at (2,2)", () => _ = new IsingModel(3, With(J3, 8, double.NegativeInfinity), H3)).ToCase();
        yield return Arg("IsingModel: h finite (the last entry)", null, "h has a NaN or infinite entry at 2", () => _ = new IsingModel(3, J3, With(H3, 2, double.NaN))).ToCase();
        yield return Arg("IsingModel: zero diagonal (the last entry)", null, "J has a non-zero diagonal entry at (2,2)", () => _ = new IsingModel(3, With(J3, 8, 0.5), H3)).ToCase();
        yield return Arg("IsingModel: J symmetric (the last pair)", null, "J is not symmetric at (1,2)", () => _ = new IsingModel(3, With(J3, 7, 1.5), H3)).ToCase();
        yield return Range("IsingModel.Coupling: i not negative", "i", "a spin index must be in [0, 3)", () => model.Coupling(-1, 0)).ToCase();
        yield return Range("IsingModel.Coupling: i below N", "i", "a spin index must be in [0, 3)", () => model.Coupling(3, 0)).ToCase();
        yield return Range("IsingModel.Coupling: j not negative", "j", "a spin index must be in [0, 3)", () => model.Coupling(0, -1)).ToCase();
        yield return Range("IsingModel.Coupling: j below N", "j", "a spin index must be in [0, 3)", () => model.Coupling(0, 3)).ToCase();
        yield return Arg("IsingModel.Energy: N spins", null, "a configuration needs 3 spins, got 2", () => model.Energy([1, 1])).ToCase();
    }

    [TestCaseSource(nameof(Checks))]
    public void BadArguments_AreRefused(ArgumentCheck check) => check.Verify();

    /// <summary>The boundary values pass: one spin, beta = 0, all couplings zero (no asymmetry at all: 0 is not above
    /// the tolerance times a zero scale), the first and the last spin index.</summary>
    [Test]
    public void BoundaryValues_AreAccepted()
    {
        var one = new IsingModel(1, [0], [0.5], beta: 0);
        Assert.That((one.Size, one.Beta, one.Field(0), one.Coupling(0, 0)), Is.EqualTo((1, 0.0, 0.5, 0.0)));
        var free = new IsingModel(2, new double[4], [0, 0], beta: 2);
        Assert.That(free.Couplings.ToArray(), Is.EqualTo(new double[4]).AsCollection);
        var model = new IsingModel(3, J3, H3);
        Assert.That(model.Coupling(0, 2), Is.EqualTo(-0.25));
        Assert.That(model.Coupling(2, 0), Is.EqualTo(-0.25));
    }

    /// <summary>
    /// The asymmetry allowed is SymmetryTolerance x max |J_ij| = 1e-9 x 4: a pair 1 vs 1 + 2^-29 (1.86e-9 apart, above
    /// 1e-9 and above 1e-9 / 4 but below 4e-9) passes and is stored as its mean 1 + 2^-30 on both sides; 1 vs 1 + 2^-27
    /// (7.45e-9) is refused.
    /// </summary>
    [Test]
    public void Asymmetry_IsMeasuredAgainstTheLargestCoupling_AndStoredAsTheMean()
    {
        double[] j = [0, 4, 0, 4, 0, 1, 0, 1 + Math.Pow(2, -29), 0];
        var model = new IsingModel(3, j, [0, 0, 0]);
        Assert.That(model.Coupling(1, 2), Is.EqualTo(1 + Math.Pow(2, -30)));
        Assert.That(model.Coupling(2, 1), Is.EqualTo(1 + Math.Pow(2, -30)));
        Assert.That(model.Coupling(0, 1), Is.EqualTo(4.0));
        Assert.That(j[7], Is.EqualTo(1 + Math.Pow(2, -29)), "the caller's array is not symmetrized in place");
        j[7] = 1 + Math.Pow(2, -27);
        Assert.Throws<ArgumentException>(() => _ = new IsingModel(3, j, [0, 0, 0]));
    }

    /// <summary>Accessors: J_ij and h_i by index, the spans, copies that do not alias the model, and the caller's arrays
    /// copied on construction; WithBeta and WithFields change only what they name.</summary>
    [Test]
    public void Accessors_ReturnTheModelsValues_AndNeverAlias()
    {
        var j = (double[])J3.Clone();
        var h = (double[])H3.Clone();
        var model = new IsingModel(3, j, h, beta: 0.75);
        j[1] = 7;
        h[0] = 7;
        for (int a = 0; a < 3; a++)
        {
            Assert.That(model.Field(a), Is.EqualTo(H3[a]));
            for (int b = 0; b < 3; b++) Assert.That(model.Coupling(a, b), Is.EqualTo(J3[a * 3 + b]), $"J_{a}{b}");
        }
        Assert.That(model.Couplings.ToArray(), Is.EqualTo(J3).AsCollection);
        Assert.That(model.Fields.ToArray(), Is.EqualTo(H3).AsCollection);
        var jc = model.CouplingsCopy();
        var hc = model.FieldsCopy();
        Assert.That(jc, Is.EqualTo(J3).AsCollection);
        Assert.That(hc, Is.EqualTo(H3).AsCollection);
        jc[1] = 9;
        hc[0] = 9;
        Assert.That((model.Coupling(0, 1), model.Field(0)), Is.EqualTo((0.5, 1.0)));

        var hot = model.WithBeta(2);
        Assert.That((hot.Size, hot.Beta), Is.EqualTo((3, 2.0)));
        Assert.That(hot.Couplings.ToArray(), Is.EqualTo(J3).AsCollection);
        Assert.That(hot.Fields.ToArray(), Is.EqualTo(H3).AsCollection);
        var shifted = model.WithFields([0.5, 0.25, -1]);
        Assert.That(shifted.Beta, Is.EqualTo(0.75));
        Assert.That(shifted.Couplings.ToArray(), Is.EqualTo(J3).AsCollection);
        Assert.That(shifted.Fields.ToArray(), Is.EqualTo(new[] { 0.5, 0.25, -1 }).AsCollection);
    }

    /// <summary>
    /// E(s) = -1/2 sum_{i,j} s_i J_ij s_j - sum_i h_i s_i and H_i = h_i + sum_j J_ij s_j, summed here from the arrays
    /// over all 8 configurations (dyadic, so equal exactly). By hand for s = (+1, -1, +1): the pair terms J_01 s_0 s_1 +
    /// J_02 s_0 s_2 + J_12 s_1 s_2 = -1/2 - 1/4 - 2 = -11/4 and h.s = 1 + 1/2 + 1/4 = 7/4, so E = 11/4 - 7/4 = 1.
    /// </summary>
    [Test]
    public void EnergyAndLocalFields_AreTheDefinitions()
    {
        var model = new IsingModel(3, J3, H3);
        Assert.That(model.Energy([1, -1, 1]), Is.EqualTo(1.0));
        for (int c = 0; c < 8; c++)
        {
            var s = Enumerable.Range(0, 3).Select(i => (sbyte)((c >> i & 1) == 1 ? 1 : -1)).ToArray();
            double e = 0;
            for (int i = 0; i < 3; i++)
            {
                e -= H3[i] * s[i];
                for (int k = 0; k < 3; k++) e -= 0.5 * s[i] * J3[i * 3 + k] * s[k];
            }
            Assert.That(model.Energy(s), Is.EqualTo(e), $"E of configuration {c}");
            for (int i = 0; i < 3; i++)
            {
                double f = H3[i];
                for (int k = 0; k < 3; k++) f += J3[i * 3 + k] * s[k];
                Assert.That(model.LocalField(s, i), Is.EqualTo(f), $"H_{i} of configuration {c}");
            }
        }
    }
}
