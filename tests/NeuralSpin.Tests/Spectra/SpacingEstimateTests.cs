using NUnit.Framework;
using NeuralSpin.Spectra;

namespace NeuralSpin.Tests.Spectra;

/// <summary>
/// The pieces of <see cref="SpacingEstimate"/> that its accuracy test on the example cannot see (a margin of a
/// hundred-thousandth of the interval, or a ratio never formed with a zero spacing), checked against their
/// written-out definitions (docs/theory.md section 6, "Without the full spectrum").
/// </summary>
[TestFixture]
public class SpacingEstimateTests
{
    /// <summary>
    /// The density's interval is [e0 - r0 - 0.01 R, eMax + rMax + 0.01 R], R = eMax - e0: each end moved out by its own
    /// residual and by 1 % of the range. The values are written out by hand (e0 = -0.3, r0 = 0.002, eMax = 2.7,
    /// rMax = 0.05: R = 3, lo = -0.332, hi = 2.78); the tolerance is a few ulps of numbers of order 1. Residuals of
    /// different sizes at the two ends tell an end that takes the other end's residual, or adds it inward.
    /// </summary>
    [Test]
    public void DensityInterval_MovesEachEndOutByItsResidualAndOnePercentOfTheRange()
    {
        var (lo, hi) = SpacingEstimate.DensityInterval(-0.3, 0.002, 2.7, 0.05);
        Assert.That(lo, Is.EqualTo(-0.332).Within(1e-15), "lo");
        Assert.That(hi, Is.EqualTo(2.78).Within(1e-15), "hi");
        // a single level (range 0): the residuals alone
        var (lo1, hi1) = SpacingEstimate.DensityInterval(1.0, 0.25, 1.0, 0.125);
        Assert.That(lo1, Is.EqualTo(0.75), "lo, range 0");
        Assert.That(hi1, Is.EqualTo(1.125), "hi, range 0");
    }

    /// <summary>s_0 / s_typ = (E1 - E0) / s_typ for a positive s_typ (exact here: 0.5 / 0.25), and no ratio (null, not an
    /// infinity or NaN in the output) when the density gives no positive typical spacing.</summary>
    [Test]
    public void Ratio_IsTheFirstSpacingOverTheTypicalOne_AndNullWithoutATypicalSpacing()
    {
        Assert.That(new SpacingEstimate(1.0, 1.5, 0.25, 128, 4).Ratio, Is.EqualTo(2.0), "positive s_typ");
        Assert.That(new SpacingEstimate(1.0, 1.5, 0.0, 128, 4).Ratio, Is.Null, "s_typ = 0");
        Assert.That(new SpacingEstimate(1.0, 1.5, -0.25, 128, 4).Ratio, Is.Null, "negative s_typ");
        Assert.That(new SpacingEstimate(1.0, 1.0, 0.25, 128, 4).Ratio, Is.EqualTo(0.0), "degenerate lowest pair");
    }

    /// <summary>A null curve is refused with its name.</summary>
    [Test]
    public void At_RefusesANullCurve()
    {
        var e = Assert.Throws<ArgumentNullException>(() => SpacingEstimate.At(null!, 0.5, 1));
        Assert.That(e!.ParamName, Is.EqualTo("curve"));
    }
}
