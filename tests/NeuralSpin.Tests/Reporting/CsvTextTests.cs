using System.Globalization;
using Microsoft.VisualBasic.FileIO;
using NUnit.Framework;
using NeuralSpin.Reporting;

namespace NeuralSpin.Tests.Reporting;

/// <summary>
/// <see cref="CsvText"/>: read back with .NET's own RFC 4180 parser (Microsoft.VisualBasic.FileIO.TextFieldParser), every
/// double round-trips bit for bit, missing values are empty fields, and text with commas, quotes and line breaks survives.
/// </summary>
public class CsvTextTests
{
    static List<string[]> Parse(string text)
    {
        using var parser = new TextFieldParser(new StringReader(text)) { TextFieldType = FieldType.Delimited, HasFieldsEnclosedInQuotes = true };
        parser.SetDelimiters(",");
        var rows = new List<string[]>();
        while (!parser.EndOfData) rows.Add(parser.ReadFields()!);
        return rows;
    }

    [Test]
    public void Fields_RoundTrip_ThroughAnIndependentParser()
    {
        double[] values = [0.1, -1e-300, Math.PI, 1.0 / 3, double.MaxValue, 5e-324];
        var text = CsvText.Write(["name", "x", "flag", "missing", "nan", "n"],
            values.Select((v, i) => new object?[] { $"row {i}, \"quoted\"\nline", v, i % 2 == 0, null, double.NaN, (long)i * 1_000_000_007 }));
        Assert.That(text, Does.Not.Contain("\r"), "\\n line ends");
        var rows = Parse(text);
        Assert.That(rows[0], Is.EqualTo(new[] { "name", "x", "flag", "missing", "nan", "n" }));
        for (int i = 0; i < values.Length; i++)
        {
            var r = rows[i + 1];
            Assert.That(r[0], Is.EqualTo($"row {i}, \"quoted\"\nline"));
            Assert.That(BitConverter.DoubleToInt64Bits(double.Parse(r[1], CultureInfo.InvariantCulture)), Is.EqualTo(BitConverter.DoubleToInt64Bits(values[i])));
            Assert.That(r[2], Is.EqualTo(i % 2 == 0 ? "true" : "false"));
            Assert.That(r[3], Is.Empty);
            Assert.That(r[4], Is.Empty, "NaN is a missing value");
            Assert.That(long.Parse(r[5], CultureInfo.InvariantCulture), Is.EqualTo((long)i * 1_000_000_007));
        }
    }

    [Test]
    public void InvariantCulture_EvenUnderACommaDecimalCulture()
    {
        var saved = CultureInfo.CurrentCulture;
        try
        {
            CultureInfo.CurrentCulture = new CultureInfo("de-DE");
            Assert.That(CsvText.Write(["x"], [new object?[] { 2.5 }]), Is.EqualTo("x\n2.5\n"));
        }
        finally { CultureInfo.CurrentCulture = saved; }
    }

    [Test]
    public void ARowOfTheWrongLength_IsRefused() =>
        Assert.Throws<ArgumentException>(() => CsvText.Write(["a", "b"], [new object?[] { 1 }]));
}
