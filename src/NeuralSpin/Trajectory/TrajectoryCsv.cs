using NeuralSpin.IO;
using NeuralSpin.Reporting;

namespace NeuralSpin.Trajectory;

/// <summary>
/// <c>trajectory.csv</c>: a header line with <see cref="TrajectoryAnalyzer.AllColumns"/>, then one line per
/// checkpoint, written by the project's one CSV writer (<see cref="CsvText"/>: invariant round-trip numbers, an empty
/// field where a value does not exist, "\n" line ends). Infinite log norms (a zero matrix) are written empty.
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
        return CsvText.Write(TrajectoryAnalyzer.AllColumns(layers), list.Select(r => (IReadOnlyList<object?>)
        [
            r.Epoch, r.Step, r.ValError, r.Tc, r.TcCorrected,
            r.CurveMinLambda, r.LambdaMaxJ, r.LambdaMinR, r.LambdaMinRChange, r.FirstLevelSpacingRatio,
            .. r.Layers.SelectMany(l => new object?[]
            {
                l.Alpha, l.KsDistance, l.Spikes, l.AlphaWeighted,
                Finite(l.LogSpectralNorm), Finite(l.LogFrobeniusNorm), l.StableRank,
            }),
        ]));
    }

    static double? Finite(double v) => double.IsFinite(v) ? v : null;

    /// <summary>Writes the CSV atomically.</summary>
    public static void Write(string path, IEnumerable<TrajectoryRow> rows) => AtomicFile.WriteAllText(path, Format(rows));
}
