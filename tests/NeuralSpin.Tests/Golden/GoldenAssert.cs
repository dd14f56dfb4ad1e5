using System.Globalization;
using NUnit.Framework;

namespace NeuralSpin.Tests.Golden;

/// <summary>
/// Numeric comparison of a golden value: |actual - expected| &lt;= tolerance, where the caller states the
/// tolerance in absolute terms (relative ones are converted by the caller, who knows the scale) and why.
/// NaN never matches; infinities match only themselves. Failure messages name the case, the quantity,
/// the index (for arrays), both values in round-trip form, the difference and the tolerance.
/// </summary>
public static class GoldenAssert
{
    static string R(double x) => x.ToString("R", CultureInfo.InvariantCulture);

    /// <summary>Whether <paramref name="actual"/> is within <paramref name="tolerance"/> of <paramref name="expected"/>.</summary>
    public static bool Within(double expected, double actual, double tolerance)
    {
        if (double.IsNaN(expected) || double.IsNaN(actual)) return false;
        if (double.IsInfinity(expected) || double.IsInfinity(actual)) return expected == actual;
        return Math.Abs(actual - expected) <= tolerance;
    }

    /// <summary>Asserts |actual - expected| &lt;= tolerance (absolute).</summary>
    public static void Close(string caseName, string quantity, double expected, double actual, double tolerance, string why, int? index = null)
    {
        if (Within(expected, actual, tolerance)) return;
        string at = index is int i ? $"[{i}]" : "";
        Assert.Fail($"{caseName}: {quantity}{at}: expected {R(expected)}, actual {R(actual)}, |difference| {R(Math.Abs(actual - expected))} > tolerance {R(tolerance)} ({why})");
    }

    /// <summary>Asserts |actual - expected| &lt;= relative * |expected|.</summary>
    public static void CloseRelative(string caseName, string quantity, double expected, double actual, double relative, string why, int? index = null) =>
        Close(caseName, quantity, expected, actual, relative * Math.Abs(expected), $"{R(relative)} relative: {why}", index);

    /// <summary>Asserts that both are null or both are values within <paramref name="tolerance"/>.</summary>
    public static void CloseOrBothNull(string caseName, string quantity, double? expected, double? actual, Func<double, double> tolerance, string why)
    {
        if (expected is null || actual is null)
        {
            if (expected is null && actual is null) return;
            Assert.Fail($"{caseName}: {quantity}: expected {(expected is double e ? R(e) : "null (does not exist)")}, actual {(actual is double a ? R(a) : "null (does not exist)")}");
            return;
        }
        Close(caseName, quantity, expected.Value, actual.Value, tolerance(expected.Value), why);
    }

    /// <summary>Asserts equal lengths and every entry within <paramref name="tolerance"/> (absolute), stopping at the first bad index.</summary>
    public static void AllClose(string caseName, string quantity, double[] expected, double[] actual, double tolerance, string why)
    {
        if (expected.Length != actual.Length)
        {
            Assert.Fail($"{caseName}: {quantity}: expected {expected.Length} values, actual {actual.Length}");
            return; // inside Assert.Multiple a failure is recorded and execution continues
        }
        for (int i = 0; i < expected.Length; i++)
            if (!Within(expected[i], actual[i], tolerance))
            {
                Close(caseName, quantity, expected[i], actual[i], tolerance, why, i);
                return;
            }
    }
}
