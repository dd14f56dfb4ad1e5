using NUnit.Framework;

namespace NeuralSpin.Tests.Support;

/// <summary>
/// The one numeric-assert helper of the suite (after MathNet's AssertHelpers / Precision.Equality).
/// A value passes when |actual - expected| &lt;= max(absolute, relative * |expected|).
/// NaN rules: NaN equals only NaN. Infinities equal only the same infinity. Failure messages give the
/// index (for sequences), expected, actual, the difference and the tolerance in effect.
/// Every caller states in a comment why its tolerance is what it is.
/// </summary>
public static class NumericAssert
{
    /// <summary>True when <paramref name="actual"/> is within max(absolute, relative |expected|) of <paramref name="expected"/> (NaN/infinity rules above).</summary>
    public static bool Close(double expected, double actual, double absolute, double relative)
    {
        if (double.IsNaN(expected) || double.IsNaN(actual)) return double.IsNaN(expected) && double.IsNaN(actual);
        if (double.IsInfinity(expected) || double.IsInfinity(actual)) return expected == actual;
        return Math.Abs(actual - expected) <= Tolerance(expected, absolute, relative);
    }

    /// <summary>The tolerance in effect for <paramref name="expected"/>.</summary>
    public static double Tolerance(double expected, double absolute, double relative) =>
        Math.Max(absolute, relative * Math.Abs(expected));

    /// <summary>Asserts |actual - expected| &lt;= absolute.</summary>
    public static void AreEqualAbsolute(double expected, double actual, double absolute, string? what = null) =>
        AreEqual(expected, actual, absolute, 0, what);

    /// <summary>Asserts |actual - expected| &lt;= relative |expected|.</summary>
    public static void AreEqualRelative(double expected, double actual, double relative, string? what = null) =>
        AreEqual(expected, actual, 0, relative, what);

    /// <summary>Asserts |actual - expected| &lt;= max(absolute, relative |expected|).</summary>
    public static void AreEqual(double expected, double actual, double absolute, double relative, string? what = null)
    {
        if (!Close(expected, actual, absolute, relative))
            Assert.Fail(Message(what, null, expected, actual, absolute, relative));
    }

    /// <summary>Elementwise comparison of two sequences of equal length.</summary>
    public static void AllEqual(IReadOnlyList<double> expected, IReadOnlyList<double> actual, double absolute, double relative, string? what = null)
    {
        if (expected.Count != actual.Count)
            Assert.Fail($"{what ?? "sequence"}: expected length {expected.Count}, actual length {actual.Count}");
        for (int i = 0; i < expected.Count; i++)
            if (!Close(expected[i], actual[i], absolute, relative))
                Assert.Fail(Message(what, i, expected[i], actual[i], absolute, relative));
    }

    /// <summary>Asserts actual &lt;= bound + slack (a one-sided inequality, e.g. a variational bound).</summary>
    public static void AtMost(double bound, double actual, double slack, string? what = null)
    {
        if (double.IsNaN(actual) || !(actual <= bound + slack))
            Assert.Fail($"{what ?? "value"}: expected at most {bound:R} (+ slack {slack:G3}), actual {actual:R}, excess {actual - bound:G3}");
    }

    /// <summary>Asserts actual &gt;= bound - slack.</summary>
    public static void AtLeast(double bound, double actual, double slack, string? what = null)
    {
        if (double.IsNaN(actual) || !(actual >= bound - slack))
            Assert.Fail($"{what ?? "value"}: expected at least {bound:R} (- slack {slack:G3}), actual {actual:R}, shortfall {bound - actual:G3}");
    }

    static string Message(string? what, int? index, double expected, double actual, double absolute, double relative)
    {
        string where = index is int i ? $" at index {i}" : "";
        double tol = Tolerance(expected, absolute, relative);
        return $"{what ?? "value"}{where}: expected {expected:R}, actual {actual:R}, |difference| {Math.Abs(actual - expected):G3}, " +
               $"tolerance {tol:G3} (absolute {absolute:G3}, relative {relative:G3})";
    }
}
