using NeuralSpin.Classic;
using NeuralSpin.Ising;
using NeuralSpin.Tests.Support;
using NUnit.Framework;

namespace NeuralSpin.Tests.Classic;

/// <summary>
/// <see cref="Rbm"/>: the exact marginal H_eff (docs/theory.md section 8) against brute-force enumeration of the joint
/// (v, h), the quadratic expansion (J = sum_mu (1 - tanh^2 c_mu) W W^T, Hopfield form at c = 0) against its Taylor
/// definition, and <see cref="RbmDeviation"/> against a naive loop and the O(W^4) / O(W^3) scaling laws.
/// </summary>
[TestFixture]
public class RbmTests
{
    const int Seed = 20261122;

    /// <summary>A random machine: W ~ N(0, 1/N_v), b ~ N(0, 0.3^2), c ~ N(0, 0.8^2) (or zero).</summary>
    internal static Rbm RandomRbm(int nv, int nh, int seed, bool zeroHiddenBias = false, double scale = 1.0)
    {
        var r = new Random(seed);
        double Normal() => Math.Sqrt(-2 * Math.Log(1 - r.NextDouble())) * Math.Cos(2 * Math.PI * r.NextDouble());
        var w = Enumerable.Range(0, nv * nh).Select(_ => scale * Normal() / Math.Sqrt(nv)).ToArray();
        var b = Enumerable.Range(0, nv).Select(_ => 0.3 * Normal()).ToArray();
        var c = Enumerable.Range(0, nh).Select(_ => zeroHiddenBias ? 0.0 : 0.8 * Normal()).ToArray();
        return new Rbm(nv, nh, w, b, c);
    }

    static sbyte[] Spins(long index, int n)
    {
        var s = new sbyte[n];
        ConfigurationIndex.ToSpins(index, s);
        return s;
    }

    /// <summary>Naive reference: P(v) = sum_h exp(-E(v, h)) / sum_{v,h} exp(-E(v, h)) over all 2^(N_v + N_h) joint states.</summary>
    static double[] JointMarginal(Rbm rbm, out double logZ)
    {
        int nv = rbm.Visible, nh = rbm.Hidden;
        var p = new double[1 << nv];
        for (long v = 0; v < p.Length; v++)
        {
            var vs = Spins(v, nv);
            for (long h = 0; h < 1L << nh; h++) p[v] += Math.Exp(-rbm.Energy(vs, Spins(h, nh)));
        }
        double z = p.Sum();
        logZ = Math.Log(z);
        return p.Select(x => x / z).ToArray();
    }

    [Test]
    public void EffectiveEnergy_IsExactMarginalOfJointBoltzmann()
    {
        // exp(-H_eff(v))/Z vs the joint sum over hidden states: both sum <= 2^9 positive terms of size O(e^5) in double,
        // so 1e-12 (relative for ln Z, absolute for probabilities <= 1) has a margin of ~100.
        foreach (var (nv, nh, seed) in new[] { (1, 1, 1), (4, 2, 2), (5, 3, 3), (3, 6, 4) })
        {
            var rbm = RandomRbm(nv, nh, Seed + seed, scale: 1.5);
            var joint = JointMarginal(rbm, out double logZ);
            var heff = Enumerable.Range(0, 1 << nv).Select(v => -rbm.EffectiveEnergy(Spins(v, nv))).ToArray();
            double max = heff.Max(), z = heff.Sum(a => Math.Exp(a - max));
            var marg = heff.Select(a => Math.Exp(a - max) / z).ToArray();
            NumericAssert.AllEqual(joint, marg, 1e-12, 0, $"P(v), N_v={nv}, N_h={nh}");
            var dev = RbmDeviation.Compute(rbm);
            NumericAssert.AreEqualRelative(logZ, dev.LogZExact!.Value, 1e-12, "ln Z of the RBM");
        }
    }

    [Test]
    public void QuadraticExpansion_IsSecondOrderTaylorOfLogCosh()
    {
        // H_quad(v) as the IsingModel + constant must equal -b.v - sum_mu [ln 2cosh c + t x + (1 - t^2) x^2/2] for every v
        // (the derivation uses only v_i^2 = 1). Terms are O(10), so 1e-12 absolute is ~100 ulps.
        var rbm = RandomRbm(7, 3, Seed + 10, scale: 0.7);
        var q = rbm.QuadraticExpansion();
        for (long s = 0; s < 1 << 7; s++)
        {
            var v = Spins(s, 7);
            var x = rbm.HiddenInputs(v);
            double direct = 0;
            for (int i = 0; i < 7; i++) direct -= rbm.VisibleBias[i] * v[i];
            for (int m = 0; m < 3; m++)
            {
                double c = rbm.HiddenBias[m], t = Math.Tanh(c);
                direct -= Rbm.LogTwoCosh(c) + t * x[m] + 0.5 * (1 - t * t) * x[m] * x[m];
            }
            NumericAssert.AreEqualAbsolute(direct, q.Energy(v), 1e-12, $"H_quad(v), state {s}");
        }
    }

    [Test]
    public void QuadraticExpansion_AtZeroHiddenBias_IsHopfieldWWT()
    {
        // c = 0: J_ij = (W W^T)_ij off the diagonal, h = b, const = -N_h ln 2 - |W|_F^2 / 2 (sums of a few products: 1e-14).
        var rbm = RandomRbm(6, 4, Seed + 11, zeroHiddenBias: true);
        var q = rbm.QuadraticExpansion();
        double frob = 0;
        for (int i = 0; i < 6; i++)
        {
            for (int k = 0; k < 6; k++)
            {
                double wwt = 0;
                for (int m = 0; m < 4; m++) wwt += rbm.Weight(i, m) * rbm.Weight(k, m);
                NumericAssert.AreEqualAbsolute(i == k ? 0 : wwt, q.Model.Coupling(i, k), 1e-14, $"J[{i},{k}]");
            }
            NumericAssert.AreEqualAbsolute(rbm.VisibleBias[i], q.Model.Field(i), 1e-14, $"h[{i}]");
            for (int m = 0; m < 4; m++) frob += rbm.Weight(i, m) * rbm.Weight(i, m);
        }
        NumericAssert.AreEqualAbsolute(-4 * Math.Log(2) - frob / 2, q.Constant, 1e-14, "constant");
        Assert.That(q.Model.Beta, Is.EqualTo(1.0));
    }

    [Test]
    public void ExpansionRemainder_MatchesTaylorSeries()
    {
        // r(c, u) = -t (1 - t^2) u^3/3 + (1 - t^2)(3 t^2 - 1) u^4/12 + O(u^5) (4th derivative of ln cosh: -2(1 - t^2)(1 - 3t^2)).
        // At u = 1e-3 the O(u^5) term is ~1e-15 against r ~ 1e-10 (c != 0) or 8e-14 (c = 0): relative 1e-4 / 1e-5.
        // A plain difference ln2cosh(c+u) - ... would carry absolute errors ~1e-16, i.e. relative 1e-3 at c = 0.
        foreach (var c in new[] { 0.0, 0.3, -1.2, 2.5 })
        {
            double t = Math.Tanh(c), g = 1 - t * t, u = 1e-3;
            double series = -t * g * u * u * u / 3 + g * (3 * t * t - 1) * u * u * u * u / 12;
            NumericAssert.AreEqualRelative(series, Rbm.ExpansionRemainder(c, u), c == 0 ? 1e-5 : 1e-4, $"r({c}, 1e-3)");
        }
        // large arguments: the remainder equals the plain difference (no cancellation there), to 1e-12 relative
        foreach (var (c, u) in new[] { (0.0, 5.0), (30.0, -45.0), (-3.0, 200.0) })
        {
            double t = Math.Tanh(c);
            double plain = Rbm.LogTwoCosh(c + u) - Rbm.LogTwoCosh(c) - t * u - 0.5 * (1 - t) * (1 + t) * u * u;
            NumericAssert.AreEqualRelative(plain, Rbm.ExpansionRemainder(c, u), 1e-12, $"r({c}, {u})");
        }
    }

    [Test]
    public void Deviation_Exhaustive_EqualsNaiveLoopAndEnumeratedKl()
    {
        // Max |H_eff - H_quad|, min, max over all states by direct subtraction (absolute rounding ~1e-14 on O(5) terms, so
        // 1e-12 absolute), and KL(P_eff || P_quad) from ExactEnumeration.Probabilities of the quadratic IsingModel
        // (relative 1e-9: the KL ~ 1e-3 is a sum of p ln(p/q) with cancellations of size 1e-16 / 1e-3 per term).
        var rbm = RandomRbm(10, 3, Seed + 12, scale: 0.6);
        var q = rbm.QuadraticExpansion();
        var dev = RbmDeviation.Compute(rbm);
        Assert.That(dev.Exhaustive, Is.True);
        Assert.That(dev.StatesChecked, Is.EqualTo(1024));
        double min = double.PositiveInfinity, max = double.NegativeInfinity;
        var heff = new double[1024];
        for (long s = 0; s < 1024; s++)
        {
            var v = Spins(s, 10);
            heff[s] = rbm.EffectiveEnergy(v);
            double d = heff[s] - q.Energy(v);
            min = Math.Min(min, d); max = Math.Max(max, d);
        }
        NumericAssert.AreEqualAbsolute(min, dev.MinDeviation, 1e-12, "min D");
        NumericAssert.AreEqualAbsolute(max, dev.MaxDeviation, 1e-12, "max D");
        NumericAssert.AreEqualAbsolute(Math.Max(-min, max), dev.MaxAbsDeviation, 1e-12, "max |D|");
        var pq = ExactEnumeration.Probabilities(q.Model);
        double hmin = heff.Min(), z = heff.Sum(e => Math.Exp(-(e - hmin)));
        double kl = 0;
        for (int s = 0; s < 1024; s++)
        {
            double p = Math.Exp(-(heff[s] - hmin)) / z;
            kl += p * Math.Log(p / pq[s]);
        }
        NumericAssert.AreEqualRelative(kl, dev.KlDivergence!.Value, 1e-9, "KL");
        var ex = ExactEnumeration.Compute(q.Model);
        NumericAssert.AreEqualRelative(ex.LogZ - q.Constant, dev.LogZQuadratic!.Value, 1e-12, "ln Z_quad = ln Z_Ising - const");
    }

    [Test]
    public void Deviation_ParallelAndSerial_AreBitwiseEqual()
    {
        // Chunks are fixed by N_v and combined in order, so threads cannot change a single bit; the same for sampled blocks.
        var rbm = RandomRbm(14, 4, Seed + 13);
        Assert.That(RbmDeviation.Compute(rbm, new RbmDeviationOptions { Parallel = false }),
            Is.EqualTo(RbmDeviation.Compute(rbm, new RbmDeviationOptions { Parallel = true })));
        var so = new RbmDeviationOptions { MaxExhaustiveVisible = 0, Samples = 5000, Seed = 7 };
        Assert.That(RbmDeviation.Compute(rbm, so with { Parallel = false }), Is.EqualTo(RbmDeviation.Compute(rbm, so)));
    }

    [Test]
    public void Deviation_Sampled_IsBoundedByExhaustive_AndSaysSo()
    {
        // Sampled states are a subset of all states: their max |D| cannot exceed the exhaustive one (exact inequality up to
        // the 1e-13 drift of the Gray-code updates of x); with 20000 draws of 2^12 states almost every state is hit
        // (P(miss a given state) = e^{-4.9}), so the sampled maximum equals the exhaustive one unless the maximiser is missed.
        var rbm = RandomRbm(12, 3, Seed + 14, scale: 0.8);
        var full = RbmDeviation.Compute(rbm);
        var part = RbmDeviation.Compute(rbm, new RbmDeviationOptions { MaxExhaustiveVisible = 0, Samples = 20000, Seed = 3 });
        Assert.That(part.Exhaustive, Is.False);
        Assert.That(part.KlDivergence, Is.Null);
        Assert.That(part.StatesChecked, Is.EqualTo(20000));
        Assert.That(part.Seed, Is.EqualTo(3));
        NumericAssert.AtMost(full.MaxAbsDeviation, part.MaxAbsDeviation, 1e-13, "sampled max <= exhaustive max");
        NumericAssert.AtLeast(full.MinDeviation, part.MinDeviation, 1e-13, "sampled min >= exhaustive min");
        Assert.That(part.MaxAbsDeviation, Is.GreaterThan(0.5 * full.MaxAbsDeviation));
    }

    static double MaxDeviation(Rbm rbm) => RbmDeviation.Compute(rbm).MaxAbsDeviation;

    [Test]
    public void Deviation_ZeroHiddenBias_ScalesAsW4()
    {
        // c = 0: D = sum_mu [x^4/12 - x^6/45 + ...], so halving W divides max |D| by 16 (1 + O(x^2)); with max |x| <= ~0.1
        // at scale 0.05 the O(x^2) correction is ~ (12/45) 0.01 ~ 0.3%; accepted [15.5, 16.5] (3%).
        var rbm = RandomRbm(10, 3, Seed + 15, zeroHiddenBias: true);
        double a = MaxDeviation(rbm.WithWeightScale(0.05)), b = MaxDeviation(rbm.WithWeightScale(0.025));
        Assert.That(a / b, Is.InRange(15.5, 16.5), $"O(W^4): {a:G4} -> {b:G4}");
        // the KL is ~ Var(D)/2 = O(W^8): 256-fold per halving within 5% (O(x^2) corrections doubled and squared).
        double ka = RbmDeviation.Compute(rbm.WithWeightScale(0.05)).KlDivergence!.Value, kb = RbmDeviation.Compute(rbm.WithWeightScale(0.025)).KlDivergence!.Value;
        Assert.That(ka / kb, Is.InRange(256 * 0.95, 256 * 1.05), $"KL O(W^8): {ka:G4} -> {kb:G4}");
    }

    [Test]
    public void Deviation_NonzeroHiddenBias_ScalesAsW3()
    {
        // c != 0: D = sum_mu t(1 - t^2) x^3/3 + O(x^4): halving divides by 8 (1 + O(x/t)); at scale 0.02 (max |x| ~ 0.04,
        // |t| >= 0.2 here) the relative O(x) term is <= ~0.05, so [7.6, 8.4].
        var rbm = RandomRbm(10, 3, Seed + 16);
        double a = MaxDeviation(rbm.WithWeightScale(0.02)), b = MaxDeviation(rbm.WithWeightScale(0.01));
        Assert.That(a / b, Is.InRange(7.6, 8.4), $"O(W^3): {a:G4} -> {b:G4}");
        Assert.That(rbm.HiddenBias.ToArray().Select(Math.Abs).Min(), Is.GreaterThan(0.2), "the |t| >= 0.2 premise of the tolerance");
    }

    [Test]
    public void QuadraticIsingModel_Enumerated_ApproachesExactMarginal_ToExpectedOrder()
    {
        // Magnetizations of the quadratic IsingModel (ExactEnumeration) vs those of the exact marginal: they differ by
        // O(D) = O(W^4) at c = 0 and O(W^3) at c != 0, so halving W shrinks the largest difference ~16-fold resp. ~8-fold
        // (accepted [14, 18] and [7, 9]: the next orders change the ratio by ~1-5% at these scales).
        foreach (var (zero, scale, lo, hi) in new[] { (true, 0.05, 14.0, 18.0), (false, 0.02, 7.0, 9.0) })
        {
            var rbm = RandomRbm(9, 3, Seed + 17, zeroHiddenBias: zero);
            double Diff(Rbm r)
            {
                var me = ExactEnumeration.Compute(r.QuadraticExpansion().Model).Magnetizations;
                var heff = Enumerable.Range(0, 1 << 9).Select(s => r.EffectiveEnergy(Spins(s, 9))).ToArray();
                double hmin = heff.Min(), z = heff.Sum(e => Math.Exp(hmin - e));
                double worst = 0;
                for (int i = 0; i < 9; i++)
                {
                    double m = 0;
                    for (int s = 0; s < heff.Length; s++) m += Math.Exp(hmin - heff[s]) / z * (((s >> i) & 1) != 0 ? 1 : -1);
                    worst = Math.Max(worst, Math.Abs(m - me[i]));
                }
                return worst;
            }
            double a = Diff(rbm.WithWeightScale(scale)), b = Diff(rbm.WithWeightScale(scale / 2));
            Assert.That(a / b, Is.InRange(lo, hi), $"c {(zero ? "= 0" : "!= 0")}: {a:G4} -> {b:G4}");
        }
    }

    [Test]
    public void Constructor_RejectsBadShapesAndValues()
    {
        Assert.Throws<ArgumentException>(() => new Rbm(2, 2, new double[3]));
        Assert.Throws<ArgumentException>(() => new Rbm(2, 2, new double[4], new double[3]));
        Assert.Throws<ArgumentException>(() => new Rbm(2, 2, new double[4], null, new double[1]));
        Assert.Throws<ArgumentException>(() => new Rbm(2, 2, [0, double.NaN, 0, 0]));
        Assert.Throws<ArgumentException>(() => new Rbm(0, 2, []));
    }
}
