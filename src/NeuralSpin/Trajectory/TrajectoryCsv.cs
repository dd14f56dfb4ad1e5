using System.Globalization;
using System.Text;
using NeuralSpin.IO;

namespace NeuralSpin.Trajectory;

/// <summary>
/// <c>trajectory.csv</c>: a header line with <see cref="TrajectoryAnalyzer.Columns"/>, then one line per
/// checkpoint; numbers in the invariant culture, round-trip ("R"); an empty field where a value does not
/// exist; "\n" line ends.
/// </summary>
public static class TrajectoryCsv
{
    /// <summary>The CSV text of <paramref name="rows"/>.</summary>
    public static string Format(IEnumerable<TrajectoryRow> rows)
    {
        var list = rows.ToList();
        int layers = list.Count == 0 ? 0 : list[0].Layers.Count;
        if (list.Any(r => r.Layers.Count != layers))
            throw new ArgumentException("every row must have the same number of layers", nameof(rows));
        var sb = new StringBuilder();
        sb.Append(string.Join(",", TrajectoryAnalyzer.AllColumns(layers).Select(Escape))).Append('\n');
        foreach (var r in list)
        {
            string[] fields =
            [
                Num(r.Epoch), r.Step.ToString(CultureInfo.InvariantCulture), Num(r.ValError), Num(r.Tc), Num(r.TcCorrected),
                Num(r.CurveMinLambda), Num(r.LambdaMaxJ), Num(r.LambdaMinR), Num(r.LambdaMinRChange), Num(r.FirstLevelSpacingRatio),
                .. r.Layers.SelectMany(l => new[]
                {
                    Num(l.Alpha), Num(l.KsDistance), l.Spikes.ToString(CultureInfo.InvariantCulture), Num(l.AlphaWeighted),
                    Num(Finite(l.LogSpectralNorm)), Num(Finite(l.LogFrobeniusNorm)), Num(l.StableRank),
                }),
            ];
            sb.Append(string.Join(",", fields.Select(Escape))).Append('\n');
        }
        return sb.ToString();
    }

    static double? Finite(double v) => double.IsFinite(v) ? v : null;

    /// <summary>Writes the CSV atomically.</summary>
    public static void Write(string path, IEnumerable<TrajectoryRow> rows) => AtomicFile.WriteAllText(path, Format(rows));

    /// <summary>Round-trip invariant text of a number; empty for null or NaN.</summary>
    public static string Num(double? v) => v is double x && !double.IsNaN(x) ? x.ToString("R", CultureInfo.InvariantCulture) : "";

    /// <summary>RFC 4180 quoting where a field holds a comma, quote or line break.</summary>
    public static string Escape(string field) =>
        field.IndexOfAny([',', '"', '\n', '\r']) < 0 ? field : "\"" + field.Replace("\"", "\"\"") + "\"";
}
