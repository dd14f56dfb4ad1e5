using NUnit.Framework;
using NeuralSpin.Classic;
using NeuralSpin.Tests.Support;

namespace NeuralSpin.Tests.Classic;

/// <summary>SK instances (docs/theory.md section 8: J_ij ~ N(0, J^2/N), symmetric, zero diagonal) and their generator.</summary>
[TestFixture]
public class SkInstancesTests
{
    const long MomentSeed = 8101;
    const long FieldSeed = 8102;

    [Test]
    public void Couplings_AreSymmetric_WithZeroDiagonal_AndMatchTheIsingModel()
    {
        var inst = SkInstances.Draw(37, 1.3, MomentSeed);
        var model = inst.ToIsingModel(0.7);
        for (int i = 0; i < 37; i++)
        {
            Assert.That(inst.Coupling[i, i], Is.EqualTo(0.0), $"J_{i}{i}");
            for (int j = 0; j < 37; j++)
            {
                Assert.That(inst.Coupling[i, j], Is.EqualTo(inst.Coupling[j, i]), $"J_{i}{j} = J_{j}{i} exactly");
                Assert.That(model.Coupling(i, j), Is.EqualTo(inst.Coupling[i, j]), "the Ising model carries the same J");
            }
        }
        Assert.That(model.Beta, Is.EqualTo(0.7));
    }

    [TestCase(1.0)]
    [TestCase(2.5)]
    public void Couplings_HaveMeanZero_AndVarianceJSquaredOverN(double scale)
    {
        // M = N(N-1)/2 = 79 800 independent entries of N(0, J^2/N) at N = 400 (seed 8101).
        // mean: standard error J/sqrt(N M); bound 4.5 standard errors (two-sided false-failure rate 7e-6).
        // variance: the sample variance of M normals has relative sd sqrt(2/M) = 0.0050; bound 4.5 of those (7e-6).
        const int n = 400;
        var inst = SkInstances.Draw(n, scale, MomentSeed);
        var v = new List<double>();
        for (int i = 0; i < n; i++) for (int j = i + 1; j < n; j++) v.Add(inst.Coupling[i, j]);
        double m = v.Average();
        double var = v.Sum(x => (x - m) * (x - m)) / (v.Count - 1);
        double sigma2 = scale * scale / n;
        NumericAssert.AreEqualAbsolute(0, m, 4.5 * Math.Sqrt(sigma2 / v.Count), "mean of J_ij");
        NumericAssert.AreEqualRelative(sigma2, var, 4.5 * Math.Sqrt(2.0 / v.Count), "variance of J_ij = J^2/N");
    }

    [Test]
    public void SameSeed_IsBitIdentical_OtherSeedDiffers()
    {
        var a = SkInstances.Draw(60, 1, 42).Coupling.ToDenseRowMajor();
        var b = SkInstances.Draw(60, 1, 42).Coupling.ToDenseRowMajor();
        var c = SkInstances.Draw(60, 1, 43).Coupling.ToDenseRowMajor();
        Assert.That(b, Is.EqualTo(a).AsCollection, "same seed: identical bits");
        Assert.That(c.Zip(a).Count(p => p.First != p.Second), Is.GreaterThan(3000), "another seed: (almost) every entry differs");
    }

    [Test]
    public void Generator_FollowsItsDocumentedDefinition()
    {
        // An independent implementation of the documented generator: SplitMix64 (state_0 = ReferenceSplitMix.Mix(seed), state += golden
        // gamma, output ReferenceSplitMix.Mix(state)), uniforms (bits >> 11) 2^-53, Box-Muller cosine branch with u1 = 1 - U, u2 = U,
        // upper triangle row by row, entry (J / sqrt N) z. Bitwise equality is expected (same operations in the same order).
        const int n = 9;
        const double scale = 1.7;
        const long seed = 20260101;
        ulong state = ReferenceSplitMix.Mix(unchecked((ulong)seed));
        double Uniform() { unchecked { state += 0x9E3779B97F4A7C15UL; } return (ReferenceSplitMix.Mix(state) >> 11) * (1.0 / (1UL << 53)); }
        var inst = SkInstances.Draw(n, scale, seed);
        double sd = scale / Math.Sqrt(n);
        for (int i = 0; i < n; i++)
            for (int j = i + 1; j < n; j++)
            {
                double u1 = 1.0 - Uniform(), u2 = Uniform();
                double z = Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
                Assert.That(inst.Coupling[i, j], Is.EqualTo(sd * z), $"J_{i}{j}");
            }
    }


    [Test]
    public void Fields_UniformAndRandom()
    {
        // Uniform: h_i = H exactly. Random: N = 2000 draws of N(0, H^2): mean within 4.5 H/sqrt(N), variance within
        // 4.5 sqrt(2/N) relative (each false-failure rate 7e-6; seed 8102).
        var u = SkInstances.Draw(10, 1, FieldSeed, new SkField(SkFieldKind.Uniform, 0.3));
        Assert.That(u.FieldsCopy(), Is.All.EqualTo(0.3));
        Assert.That(SkInstances.Draw(10, 1, FieldSeed).FieldsCopy(), Is.All.EqualTo(0.0), "no field by default");
        const int n = 2000;
        var r = SkInstances.Draw(n, 1, FieldSeed, new SkField(SkFieldKind.Random, 0.5)).FieldsCopy();
        double m = r.Average();
        double var = r.Sum(x => (x - m) * (x - m)) / (n - 1);
        NumericAssert.AreEqualAbsolute(0, m, 4.5 * 0.5 / Math.Sqrt(n), "mean of h");
        NumericAssert.AreEqualRelative(0.25, var, 4.5 * Math.Sqrt(2.0 / n), "variance of h = H^2");
    }

    [Test]
    public void InstanceSeeds_AreDistinct_AndIndependentOfOtherSizes()
    {
        var seeds = new HashSet<long>();
        foreach (int n in new[] { 50, 100, 200 }) for (int k = 0; k < 20; k++) seeds.Add(SkInstances.InstanceSeed(1, n, k));
        Assert.That(seeds, Has.Count.EqualTo(60));
        Assert.That(SkInstances.InstanceSeed(1, 100, 3), Is.EqualTo(SkInstances.InstanceSeed(1, 100, 3)));
        Assert.That(SkInstances.InstanceSeed(2, 100, 3), Is.Not.EqualTo(SkInstances.InstanceSeed(1, 100, 3)));
    }

    [Test]
    public void Draw_RejectsBadArguments()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => SkInstances.Draw(1, 1, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => SkInstances.Draw(10, 0, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => SkInstances.Draw(10, double.NaN, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => SkInstances.Draw(10, 1, 0, new SkField(SkFieldKind.Uniform, double.PositiveInfinity)));
    }
}
