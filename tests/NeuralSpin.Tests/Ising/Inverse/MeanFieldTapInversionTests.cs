using NeuralSpin.Ising;
using NeuralSpin.Ising.Inverse;
using NeuralSpin.Tests.Support;
using NUnit.Framework;

namespace NeuralSpin.Tests.Ising.Inverse;

/// <summary>
/// Naive mean-field and TAP inversion on exact (enumerated) moments, so that the only error is the
/// truncation of the Plefka expansion: for J = eps K the coupling error is O(eps^2) for mean field and
/// O(eps^3) for TAP (docs/theory.md section 7; Kappen and Rodriguez 1998, Tanaka 1998).
/// </summary>
public class MeanFieldTapInversionTests
{
    const int ModelSeed = 7;
    const int N = 6;

    /// <summary>K_ij ~ U(-1, 1), fields h_i ~ U(0.3, 0.8) so that m != 0 and the Onsager term is visible.</summary>
    static IsingModel Planted(double eps)
    {
        var rng = new Random(ModelSeed);
        var k = ExactIsing.RandomModel(N, 1.0, 0.0, rng);
        var j = k.CouplingsCopy();
        for (int q = 0; q < j.Length; q++) j[q] *= eps;
        var h = new double[N];
        for (int i = 0; i < N; i++) h[i] = 0.3 + 0.5 * rng.NextDouble();
        return new IsingModel(N, j, h);
    }

    static (double Mf, double Tap, double MfField, double TapField) Errors(double eps)
    {
        var model = Planted(eps);
        var (m, c) = ExactIsing.Moments(model);
        var conn = ExactIsing.Connected(m, c);
        var mf = MeanFieldInversion.Invert(m, conn, N);
        var tap = TapInversion.Invert(m, conn, N);
        Assert.That(tap.Clipped, Is.Zero);
        return (ExactIsing.MaxCouplingError(model, mf), ExactIsing.MaxCouplingError(model, tap.Model),
            ExactIsing.MaxFieldError(model, mf), ExactIsing.MaxFieldError(model, tap.Model));
    }

    [Test]
    public void CouplingError_ScalesAsEpsSquaredForMeanField_AndEpsCubedForTap()
    {
        const double eps1 = 0.04, eps2 = 0.02;
        var e1 = Errors(eps1);
        var e2 = Errors(eps2);
        double pMf = Math.Log2(e1.Mf / e2.Mf), pTap = Math.Log2(e1.Tap / e2.Tap);
        TestContext.Out.WriteLine($"MF {e1.Mf:E3} -> {e2.Mf:E3} (order {pMf:F3}); TAP {e1.Tap:E3} -> {e2.Tap:E3} (order {pTap:F3})");
        TestContext.Out.WriteLine($"fields: MF {e1.MfField:E3} -> {e2.MfField:E3}; TAP {e1.TapField:E3} -> {e2.TapField:E3}");
        // the next order contributes a relative eps correction (~ a few percent at eps = 0.04), so the
        // measured orders are within 0.25 of 2 and 3
        Assert.That(pMf, Is.EqualTo(2.0).Within(0.25), "mean-field order");
        Assert.That(pTap, Is.EqualTo(3.0).Within(0.25), "TAP order");
    }

    [TestCase(0.02)]
    [TestCase(0.05)]
    [TestCase(0.1)]
    public void Tap_BeatsMeanField_OnWeakCouplings(double eps)
    {
        var e = Errors(eps);
        Assert.That(e.Tap, Is.LessThan(e.Mf), "couplings");
        Assert.That(e.TapField, Is.LessThan(e.MfField), "fields");
    }

    [Test]
    public void ZeroMagnetization_TapEqualsMeanField_TwoSpinClosedForm()
    {
        // two spins, h = 0: m = 0, C = [[1, t], [t, 1]] with t = tanh J, so -(C^-1)_12 = t / (1 - t^2),
        // which is not J; instead check TAP == MF (m = 0 kills the Onsager term) and the closed form
        const double J = 0.3;
        var model = new IsingModel(2, new[] { 0, J, J, 0 }, new double[2]);
        var (m, c) = ExactIsing.Moments(model);
        var conn = ExactIsing.Connected(m, c);
        var mf = MeanFieldInversion.Invert(m, conn, 2);
        var tap = TapInversion.Invert(m, conn, 2).Model;
        double t = Math.Tanh(J);
        // enumeration rounding only: 1e-14
        NumericAssert.AreEqualAbsolute(t / (1 - t * t), mf.Coupling(0, 1), 1e-14, "MF closed form");
        NumericAssert.AreEqualAbsolute(mf.Coupling(0, 1), tap.Coupling(0, 1), 1e-14, "TAP = MF at m = 0");
    }

    [Test]
    public void FrozenSpin_NeedsRidge()
    {
        // spin 1 always +1: its connected row is zero, C is singular; with a ridge the inversion is finite
        var x = new sbyte[] { 1, 1, -1, 1, 1, 1, -1, 1 };
        var mom = SampleMoments.From(x, 2);
        Assert.Throws<ArgumentException>(() => MeanFieldInversion.Invert(mom));
        var mf = MeanFieldInversion.Invert(mom, ridge: 1e-3);
        Assert.That(double.IsFinite(mf.Field(1)), Is.True);
        // h_1 = atanh(1 - 1e-6) - J m_0 is large and finite (clip documented in MeanFieldInversion)
        Assert.That(mf.Field(1), Is.GreaterThan(5));
    }
}
