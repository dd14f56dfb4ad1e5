using NeuralSpin.SpinModel;
using NeuralSpin.Tap;
using NUnit.Framework;

namespace NeuralSpin.Tests.Tap;

/// <summary>
/// One test per known slip of the paper's public code (docs/theory.md section 3 errata). Each compares the library with a
/// hand-written formula and asserts that the slipped formula gives a different number, so re-introducing the slip fails.
/// Slip (c), BP damping that never damps, is BpTests.KnownSlip_BpDampingNeverDamps_OneDampedSweepIsHalfUndampedPlusHalfStart.
/// </summary>
[TestFixture]
public class KnownSlipTests
{
    // A 3-spin dense coupling with fields, at an m far from 0 so that 1 - m^2 and (1 - m)^2 differ strongly.
    static readonly double[] JRows = [0, 0.7, -0.4, 0.7, 0, 0.9, -0.4, 0.9, 0];
    static readonly double[] H = [0.2, -0.1, 0.3];
    static readonly double[] M = [0.6, -0.3, 0.45];
    const double Beta = 1.3;

    static double J(int i, int j) => JRows[i * 3 + j];

    /// <summary>Hand formula of one undamped TAP step with previous = current = m and the Onsager factor <paramref name="onsager"/>(m_j).</summary>
    static double[] HandStep(Func<double, double> onsager)
    {
        var next = new double[3];
        for (int i = 0; i < 3; i++)
        {
            double local = H[i], reaction = 0;
            for (int j = 0; j < 3; j++)
            {
                local += J(i, j) * M[j];
                reaction += J(i, j) * J(i, j) * onsager(M[j]);
            }
            next[i] = Math.Tanh(Beta * local - Beta * Beta * M[i] * reaction);
        }
        return next;
    }

    /// <summary>
    /// KNOWN SLIP (a): the TAP Onsager (reaction) term written with (1 - m_j)^2 instead of 1 - m_j^2. One
    /// <see cref="TapSolver.Step"/> and the <see cref="TapSolver.Residuals"/> at m != 0 must match the hand formula with
    /// 1 - m^2 to rounding, and the (1 - m)^2 version must differ from it by far more than rounding.
    /// </summary>
    [Test]
    public void KnownSlip_TapOnsagerTermUsesOneMinusMSquared_NotOneMinusMAllSquared()
    {
        var j = new DenseCoupling(3, JRows);
        var next = new double[3];
        TapSolver.Step(j, Beta, H, M, M, next);
        var correct = HandStep(m => 1 - m * m);
        var slipped = HandStep(m => (1 - m) * (1 - m));
        for (int i = 0; i < 3; i++)
        {
            Assert.That(next[i], Is.EqualTo(correct[i]).Within(1e-14), $"step, spin {i}");
            Assert.That(Math.Abs(next[i] - slipped[i]), Is.GreaterThan(1e-3), $"the (1-m)^2 slip must be distinguishable, spin {i}");
        }

        var r = TapSolver.Residuals(j, Beta, H, M);
        for (int i = 0; i < 3; i++)
        {
            double local = H[i], good = 0, bad = 0;
            for (int k = 0; k < 3; k++)
            {
                local += J(i, k) * M[k];
                good += J(i, k) * J(i, k) * (1 - M[k] * M[k]);
                bad += J(i, k) * J(i, k) * (1 - M[k]) * (1 - M[k]);
            }
            double expected = Math.Atanh(M[i]) - Beta * local + Beta * Beta * M[i] * good;
            double slip = Math.Atanh(M[i]) - Beta * local + Beta * Beta * M[i] * bad;
            Assert.That(r[i], Is.EqualTo(expected).Within(1e-14), $"residual, spin {i}");
            Assert.That(Math.Abs(r[i] - slip), Is.GreaterThan(1e-3), $"residual slip distinguishable, spin {i}");
        }
    }

    /// <summary>
    /// KNOWN SLIP (b): the TAP free energy written without the field term. Adding fields h must change
    /// <see cref="TapFreeEnergy.Evaluate"/> by exactly -sum_i h_i m_i (the other terms do not depend on h).
    /// </summary>
    [Test]
    public void KnownSlip_TapFreeEnergyIncludesFieldTerm_AddingFieldsShiftsByMinusHDotM()
    {
        var j = new DenseCoupling(3, JRows);
        double without = TapFreeEnergy.Evaluate(j, Beta, M);
        double with = TapFreeEnergy.Evaluate(j, Beta, M, H);
        double hm = 0;
        for (int i = 0; i < 3; i++) hm += H[i] * M[i];
        Assert.That(hm, Is.Not.EqualTo(0).Within(1e-3), "the test point must have a non-zero h.m");
        Assert.That(with - without, Is.EqualTo(-hm).Within(1e-14));
    }
}
