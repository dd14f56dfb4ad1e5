using NUnit.Framework;
using NeuralSpin.Numerics;
using NeuralSpin.Tests.Support;

namespace NeuralSpin.Tests.Numerics;

/// <summary>
/// The argument checks of the numerical kernels (Gauss rules, the SplitMix generators, the uniform grid), one row per
/// throw site: the call with one invalid argument, the exact exception type, its ParamName and what its message says.
/// </summary>
public class ArgumentCheckTests
{
    static ArgumentCheck Arg(string rule, string? param, string message, TestDelegate call) =>
        ArgumentCheck.Of<ArgumentException>(rule, param, message, call);

    static ArgumentCheck Range(string rule, string? param, string message, TestDelegate call) =>
        ArgumentCheck.Of<ArgumentOutOfRangeException>(rule, param, message, call);

    static ArgumentCheck Null(string rule, string param, TestDelegate call) =>
        ArgumentCheck.Of<ArgumentNullException>(rule, param, "Value cannot be null", call);

    static IEnumerable<ArgumentCheck> Checks()
    {
        // Gauss quadrature
        yield return Null("GaussRule.Integrate: the integrand must not be null", "f", () => GaussQuadrature.Hermite(3).Integrate(null!));
        yield return Range("GaussQuadrature.Hermite: at least one node", "n", "1..400 nodes", () => GaussQuadrature.Hermite(0));
        yield return Range("GaussQuadrature.Hermite: at most 400 nodes", "n", "1..400 nodes", () => GaussQuadrature.Hermite(401));
        yield return Range("GaussQuadrature.Laguerre: at least one node", "n", "1..200 nodes", () => GaussQuadrature.Laguerre(0));
        yield return Range("GaussQuadrature.Laguerre: at most 200 nodes", "n", "1..200 nodes", () => GaussQuadrature.Laguerre(201));

        // SplitMix generators
        yield return Range("SplitMixSource.Next: the bound must be non-negative", "maxValue", "must be a non-negative value",
            () => new SplitMixSource(1).Next(-1));
        yield return Range("SplitMixSource.Next: minValue must not exceed maxValue", "minValue", "minValue must not exceed maxValue",
            () => new SplitMixSource(1).Next(5, 4));
        yield return Range("SplitMixRandom.NextBelow: the bound must be nonzero", "bound", "must be a non-zero value",
            () => new SplitMixRandom(1).NextBelow(0));

        // Precision.UniformGrid
        yield return Range("Precision.UniformGrid: at least two points", "points", "a grid needs at least two points",
            () => Precision.UniformGrid(1.0, 1));
        yield return Range("Precision.UniformGrid: the end must be finite - NaN", "max", "the end of the grid must be finite",
            () => Precision.UniformGrid(double.NaN, 5));
        yield return Range("Precision.UniformGrid: the end must be finite - infinity", "max", "the end of the grid must be finite",
            () => Precision.UniformGrid(double.PositiveInfinity, 5));
    }

    static IEnumerable<TestCaseData> Cases() => Checks().Select(c => c.ToCase());

    [TestCaseSource(nameof(Cases))]
    public void Rejects(ArgumentCheck check) => check.Verify();
}
