using System.Globalization;
using System.Text;
using CsvHelper;
using ScottPlot;

namespace NeuralSpin.Cli.Commands.Classic;

/// <summary>Output helpers of the classic-model commands: the --out directory, CSV text, PNG plots, all written atomically.</summary>
internal static class ClassicOutputFiles
{
    /// <summary>The <c>--out DIR</c> option with its default <c>results/classic/&lt;command&gt;</c>.</summary>
    public static System.CommandLine.Option<string> OutOption(string command) => new("--out")
    {
        Description = "Output directory for the CSV and PNG files (created as needed).",
        DefaultValueFactory = _ => Path.Combine("results", "classic", command),
        HelpName = "DIR",
    };

    /// <summary>
    /// Checks, before any work, the --out directory (not a file, writable or creatable), the other output files and
    /// the input files (<see cref="CliIO.CheckFiles"/>): <paramref name="names"/> are the files the command writes
    /// into the directory.
    /// </summary>
    public static void CheckOutputs(string dir, IEnumerable<string> names, IEnumerable<(string? Path, string Option)> inputs, params (string? Path, string Option)[] outputs)
    {
        CliIO.CheckOutputDirectory(dir, "--out");
        CliIO.CheckFiles(inputs, outputs.Concat(names.Select(n => ((string?)Path.Combine(dir, n), "--out"))));
    }

    /// <summary>CSV text with a header (<see cref="NeuralSpin.Reporting.CsvText"/>: invariant round-trip numbers, empty fields for missing values).</summary>
    public static string Csv(string[] header, IEnumerable<object[]> rows) => NeuralSpin.Reporting.CsvText.Write(header, rows);

    /// <summary>A plot with title and axis labels.</summary>
    public static Plot NewPlot(string title, string xLabel, string yLabel) => NeuralSpin.Reporting.Figures.NewPlot(title, xLabel, yLabel);

    /// <summary>Adds a line (finite points only) with an optional legend and pattern; markers instead of a line when asked.</summary>
    public static void Line(Plot plot, IReadOnlyList<double> x, IReadOnlyList<double> y, Color color, string? legend, LinePattern? pattern = null, bool markers = false, float width = 2)
    {
        var ok = Enumerable.Range(0, x.Count).Where(i => double.IsFinite(x[i]) && double.IsFinite(y[i])).ToArray();
        if (ok.Length == 0) return;
        var sc = plot.Add.Scatter(ok.Select(i => x[i]).ToArray(), ok.Select(i => y[i]).ToArray(), color);
        if (legend is not null) sc.LegendText = legend;
        sc.LineWidth = markers ? 0 : width;
        sc.MarkerSize = markers ? 5 : 0;
        if (pattern is { } p) sc.LinePattern = p;
    }

    /// <summary>The PNG bytes of a plot (900 x 600).</summary>
    public static byte[] Png(Plot plot) => NeuralSpin.Reporting.Figures.Png(plot, 900, 600);

    /// <summary>
    /// Writes text and PNG files (path -&gt; content) together through an <see cref="OutputSet"/> (all of them or none)
    /// and returns the paths.
    /// </summary>
    public static List<string> WriteAll(IEnumerable<(string Path, object Content)> files)
    {
        using var outputs = new OutputSet();
        foreach (var (path, content) in files)
        {
            if (content is string text) outputs.AddText(path, text);
            else if (content is byte[] bytes) outputs.AddBytes(path, bytes);
            else throw new ArgumentException($"unsupported content for {path}");
        }
        return outputs.Commit().ToList();
    }

    /// <summary>Parses a finite double option value (System.CommandLine already parsed it; this checks finiteness and a bound).</summary>
    public static double Finite(double v, string option, string example)
    {
        if (!double.IsFinite(v)) throw new UsageException($"{option} {v.ToString(CultureInfo.InvariantCulture)} is not a finite number. Give a finite value, e.g. {option} {example}.");
        return v;
    }
}
