using NUnit.Framework;
using NeuralSpin.Spectra;
using NeuralSpin.Tests.Support;

namespace NeuralSpin.Tests.Spectra;

/// <summary>Known small examples of the normalized first level spacing (docs/theory.md section 6), worked by hand.</summary>
[TestFixture]
public class LevelSpacingTests
{
    [Test]
    public void FirstSpacingRatio_KnownExamples()
    {
        // {6, 0, 3, 1} sorted 0,1,3,6: spacings 1,2,3, median 2, s_0/s_typ = 1/2 (exact in binary).
        Assert.That(LevelSpacing.FirstSpacingRatio(new[] { 6.0, 0, 3, 1 }), Is.EqualTo(0.5));
        // 0,1,2,4,8: spacings 1,1,2,4, median (1+2)/2 = 1.5, ratio 2/3 (one rounding).
        NumericAssert.AreEqualRelative(2.0 / 3.0, LevelSpacing.FirstSpacingRatio(new[] { 0.0, 1, 2, 4, 8 })!.Value, 1e-15, "ratio");
        // two levels: one spacing, its own median: ratio 1
        Assert.That(LevelSpacing.FirstSpacingRatio(new[] { -1.0, 2.5 }), Is.EqualTo(1.0));
        // undefined: fewer than two levels, or a zero median spacing
        Assert.That(LevelSpacing.FirstSpacingRatio(new[] { 3.0 }), Is.Null);
        Assert.That(LevelSpacing.FirstSpacingRatio(Array.Empty<double>()), Is.Null);
        Assert.That(LevelSpacing.FirstSpacingRatio(new[] { 1.0, 1, 1, 2 }), Is.Null);
    }
}
