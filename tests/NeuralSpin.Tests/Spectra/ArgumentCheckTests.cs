using NUnit.Framework;
using NeuralSpin.Spectra;
using NeuralSpin.Tests.Support;

namespace NeuralSpin.Tests.Spectra;

/// <summary>
/// The argument checks of <see cref="SpectralDensity"/> and <see cref="LevelSpacing"/>, one row per throw site: the call
/// with one invalid argument, the exact exception type, its ParamName and what its message says.
/// </summary>
public class ArgumentCheckTests
{
    static ArgumentCheck Arg(string rule, string? param, string message, TestDelegate call) =>
        ArgumentCheck.Of<ArgumentException>(rule, param, message, call);

    static ArgumentCheck Range(string rule, string? param, string message, TestDelegate call) =>
        ArgumentCheck.Of<ArgumentOutOfRangeException>(rule, param, message, call);

    static IEnumerable<ArgumentCheck> Checks()
    {
        yield return Range("SpectralDensity.Of: at least one bin", "bins", "at least one bin",
            () => SpectralDensity.Of(new[] { 1.0 }, 0));
        yield return Arg("SpectralDensity.Of: at least one value", null, "no values",
            () => SpectralDensity.Of(Array.Empty<double>(), 3));
        yield return Arg("LevelSpacing.Median: at least one value", null, "median of an empty list",
            () => LevelSpacing.Median(Array.Empty<double>()));
    }

    static IEnumerable<TestCaseData> Cases() => Checks().Select(c => c.ToCase());

    [TestCaseSource(nameof(Cases))]
    public void Rejects(ArgumentCheck check) => check.Verify();
}
