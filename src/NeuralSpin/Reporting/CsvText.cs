using System.Globalization;
using System.Text;
using CsvHelper;

namespace NeuralSpin.Reporting;

/// <summary>
/// The one CSV writer of NeuralSpin's outputs (through CsvHelper): a header line, then one line per row; RFC 4180
/// quoting where needed; "\n" line ends; numbers in the invariant culture, doubles round-trip ("R"); an empty field
/// where a value does not exist (null, or a double that is NaN); booleans as <c>true</c>/<c>false</c>.
/// </summary>
public static class CsvText
{
    /// <summary>The CSV text of <paramref name="rows"/> under <paramref name="header"/>.</summary>
    public static string Write(IReadOnlyList<string> header, IEnumerable<IReadOnlyList<object?>> rows)
    {
        ArgumentNullException.ThrowIfNull(header);
        ArgumentNullException.ThrowIfNull(rows);
        var sb = new StringBuilder();
        using (var w = new StringWriter(sb, CultureInfo.InvariantCulture))
        using (var csv = CsvWriter.Create(w, new CsvWriterOptions { NewLine = "\n", FormatProvider = CultureInfo.InvariantCulture }, true))
        {
            csv.WriteHeader(header.ToArray());
            foreach (var row in rows)
            {
                if (row.Count != header.Count)
                    throw new ArgumentException($"a row has {row.Count} fields but the header {header.Count}", nameof(rows));
                foreach (var v in row) WriteField(csv, v);
                csv.EndRecord();
            }
            csv.Flush();
        }
        return sb.ToString();
    }

    /// <summary>One field by the rules of <see cref="CsvText"/>.</summary>
    static void WriteField(CsvWriter csv, object? v)
    {
        switch (v)
        {
            case null: csv.WriteField(""); break;
            case double d when double.IsNaN(d): csv.WriteField(""); break;
            case double d: csv.WriteField(d.ToString("R", CultureInfo.InvariantCulture)); break;
            case float f when float.IsNaN(f): csv.WriteField(""); break;
            case float f: csv.WriteField(f.ToString("R", CultureInfo.InvariantCulture)); break;
            case bool b: csv.WriteField(b ? "true" : "false"); break;
            case IFormattable x: csv.WriteField(x.ToString(null, CultureInfo.InvariantCulture)); break;
            default: csv.WriteField(v.ToString() ?? ""); break;
        }
    }
}
