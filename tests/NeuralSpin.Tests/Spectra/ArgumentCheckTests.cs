using NUnit.Framework;
using NeuralSpin.Spectra;
using NeuralSpin.Tests.Support;
using static NeuralSpin.Tests.Support.ArgumentCheck;

namespace NeuralSpin.Tests.Spectra;

/// <summary>
/// The argument checks of <see cref="SpectralDensity"/> and <see cref="LevelSpacing"/>, one row per throw site: the call
/// with one invalid argument, the exact exception type, its ParamName and what its message says.
/// </summary>
public class ArgumentCheckTests
{
    static IEnumerable<ArgumentCheck> Checks()
    {
        yield return Range("SpectralDensity.Of: at least one bin", "bins", "at least one bin",
            () => SpectralDensity.Of(new[] { 1.0 }, 0));
        yield return Arg("SpectralDensity.Of: at least one value", null, "no values",
            () => SpectralDensity.Of(Array.Empty<double>(), 3));
        yield return Arg("LevelSpacing.Median: at least one value", null, "median of an empty list",
            () => LevelSpacing.Median(Array.Empty<double>()));
    }

    /// <summary>Checks of null lists, non-finite values and empty ranges.</summary>
    static IEnumerable<ArgumentCheck> MoreChecks()
    {
        yield return Null("SpectralDensity.Of: the values must not be null", "values", () => SpectralDensity.Of(null!, 3));
        yield return Range("SpectralDensity.Of: the lower end must be finite", "lo", "the lower end of the range must be finite",
            () => SpectralDensity.Of(new[] { 1.0 }, 3, double.NaN, 2));
        yield return Range("SpectralDensity.Of: the upper end must be finite", "hi", "the upper end of the range must be finite",
            () => SpectralDensity.Of(new[] { 1.0 }, 3, 0, double.PositiveInfinity));
        yield return Arg("SpectralDensity.Of: a range from the data needs finite values - NaN", "values",
            "value 1 is NaN: a range taken from the data needs finite values", () => SpectralDensity.Of(new[] { 1.0, double.NaN, 2 }, 3));
        yield return Arg("SpectralDensity.Of: a range from the data needs finite values - infinity", "values",
            "a range taken from the data needs finite values", () => SpectralDensity.Of(new[] { 1.0, 2, double.NegativeInfinity }, 3, lo: 0));
        yield return Arg("SpectralDensity.Of: the lower end must not lie above the upper end", "lo",
            "its lower end lies above its upper end", () => SpectralDensity.Of(new[] { 1.0 }, 3, 2, 1));
        yield return Arg("SpectralDensity.Of: a given lower end must not lie above the data", "lo",
            "its lower end lies above its upper end", () => SpectralDensity.Of(new[] { 1.0, 2 }, 3, lo: 5));
        yield return Arg("SpectralDensity.Of: a given upper end must not lie below the data", "hi",
            "its lower end lies above its upper end", () => SpectralDensity.Of(new[] { 1.0, 2 }, 3, hi: -5));

        yield return Null("LevelSpacing.Spacings: the eigenvalues must not be null", "eigenvalues", () => LevelSpacing.Spacings(null!));
        yield return Arg("LevelSpacing.Spacings: eigenvalues must be finite - NaN", "eigenvalues",
            "eigenvalue 2 is NaN: spacings need finite eigenvalues", () => LevelSpacing.Spacings(new[] { 0.0, 1, double.NaN }));
        yield return Arg("LevelSpacing.FirstSpacingRatio: eigenvalues must be finite - infinity", "eigenvalues",
            "spacings need finite eigenvalues", () => LevelSpacing.FirstSpacingRatio(new[] { double.PositiveInfinity, 0, 1 }));
        yield return Null("LevelSpacing.Median: the values must not be null", "values", () => LevelSpacing.Median(null!));
        yield return Arg("LevelSpacing.Median: no NaN", "values", "value 0 is NaN: the median needs ordered values",
            () => LevelSpacing.Median(new[] { double.NaN, 1, 2 }));
    }

    /// <summary>The new checks leave valid edges alone: equal ends, one end at the data's extreme, NaN dropped when both ends
    /// are given, infinite values in a median, an empty or single spectrum.</summary>
    [Test]
    public void ValidEdgesAreAccepted()
    {
        Assert.That(SpectralDensity.Of(new[] { 1.0, 2 }, 2, 1, 1).Counts.Sum(), Is.EqualTo(1), "lo = hi: widened to [0.5, 1.5]");
        Assert.That(SpectralDensity.Of(new[] { 1.0, 2 }, 2, lo: 2).Counts.Sum(), Is.EqualTo(1), "lo = data max");
        Assert.That(SpectralDensity.Of(new[] { 1.0, double.NaN, double.PositiveInfinity }, 2, 0, 2).Counts.Sum(), Is.EqualTo(1));
        Assert.That(LevelSpacing.Median(new[] { 1.0, double.PositiveInfinity, 2 }), Is.EqualTo(2));
        Assert.That(LevelSpacing.Spacings(Array.Empty<double>()), Is.Empty);
        Assert.That(LevelSpacing.FirstSpacingRatio(new[] { 3.0 }), Is.Null);
    }

    static IEnumerable<TestCaseData> Cases() => Checks().Concat(MoreChecks()).Select(c => c.ToCase());

    [TestCaseSource(nameof(Cases))]
    public void Rejects(ArgumentCheck check) => check.Verify();
}
