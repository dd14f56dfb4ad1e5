using System.Globalization;
using System.Text;

namespace NeuralSpin.Cli.Commands.Classic;

/// <summary>Output helpers of the classic-model commands: the --out directory, CSV text, and the files (CSV and the PNGs of the library's figures) written atomically.</summary>
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
