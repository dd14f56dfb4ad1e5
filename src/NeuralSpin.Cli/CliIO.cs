using System.Globalization;
using System.Text;
using NeuralSpin.IO;
using Spectre.Console;

namespace NeuralSpin.Cli;

/// <summary>
/// The output side of one CLI run: a Spectre console on the standard output writer (ANSI and colours only
/// on a real terminal), the error writer, and atomic writers for result files.
/// </summary>
public sealed class CliIO
{
    /// <summary>Wraps the two writers.</summary>
    public CliIO(TextWriter stdout, TextWriter stderr)
    {
        Out = stdout;
        Err = stderr;
        IsTerminal = ReferenceEquals(stdout, Console.Out) && !Console.IsOutputRedirected;
        Console_ = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(stdout),
            Ansi = IsTerminal ? AnsiSupport.Detect : AnsiSupport.No,
            ColorSystem = IsTerminal ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors,
            Interactive = IsTerminal ? InteractionSupport.Detect : InteractionSupport.No,
        });
        if (!IsTerminal) Console_.Profile.Width = 110;
    }

    /// <summary>Standard output.</summary>
    public TextWriter Out { get; }

    /// <summary>Standard error.</summary>
    public TextWriter Err { get; }

    /// <summary>True when standard output is an interactive terminal (spinners and colours allowed).</summary>
    public bool IsTerminal { get; }

    /// <summary>The Spectre console on standard output.</summary>
    public IAnsiConsole Console_ { get; }

    /// <summary>Prints one <c>error: ...</c> paragraph to standard error.</summary>
    public void Error(string message) => Err.WriteLine("error: " + CliApp.OneLine(message));

    /// <summary>Prints a <c>notice: ...</c> line to standard output.</summary>
    public void Notice(string message) => Console_.Write(new Text("notice: " + message + "\n"));

    /// <summary>Invariant, compact formatting of a number for tables.</summary>
    public static string Num(double v) => v.ToString("G7", CultureInfo.InvariantCulture);

    /// <summary>Invariant, round-trip formatting of a number for files.</summary>
    public static string Exact(double v) => v.ToString("R", CultureInfo.InvariantCulture);

    /// <summary>
    /// Checks, before any work is done, that <paramref name="path"/> can be an output file: not empty and
    /// not an existing directory.
    /// </summary>
    public static void CheckOutputPath(string? path, string option)
    {
        if (path is null) return;
        if (string.IsNullOrWhiteSpace(path))
            throw new UsageException($"{option} needs a file path, got an empty string. Give the file to write, e.g. {option} results/out.json.");
        if (Directory.Exists(path))
            throw new UsageException($"{option} '{path}' is a directory, not a file. Give a file name inside it, e.g. {Path.Combine(path, "out")}.");
    }

    /// <summary>Writes <paramref name="text"/> to <paramref name="path"/> atomically, creating its directory.</summary>
    public static void WriteText(string path, string text) => WriteFile(path, () => AtomicFile.WriteAllText(path, text));

    /// <summary>Runs a write to <paramref name="path"/> (creating its directory first), turning file-system failures into usage errors.</summary>
    public static void WriteFile(string path, Action write)
    {
        try
        {
            string? dir = Path.GetDirectoryName(Path.GetFullPath(path));
            if (!string.IsNullOrEmpty(dir)) Directory.CreateDirectory(dir);
            write();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new UsageException($"could not write '{path}' ({e.Message}). Check that its directory can be created and written to.", e);
        }
    }

    /// <summary>Indented JSON of <paramref name="o"/> with a final newline (the form of every <c>--json</c> file).</summary>
    public static string ToJson(object o) =>
        System.Text.Json.JsonSerializer.Serialize(o, new System.Text.Json.JsonSerializerOptions { WriteIndented = true }) + "\n";

    /// <summary>
    /// Runs <paramref name="work"/> with a Spectre progress bar (description, bar, percentage, elapsed,
    /// remaining time) on a terminal, plainly otherwise; <paramref name="work"/> reports steps done out of
    /// <paramref name="total"/>.
    /// </summary>
    public static T WithProgress<T>(CliIO io, string label, int total, Func<IProgress<int>?, T> work)
    {
        if (!io.IsTerminal) return work(null);
        T result = default!;
        io.Console_.Progress().AutoClear(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(),
                     new RemainingTimeColumn(), new SpinnerColumn())
            .Start(ctx =>
            {
                var task = ctx.AddTask(Markup.Escape(label), maxValue: Math.Max(total, 1));
                result = work(new Progress<int>(d => task.Value = d));
                task.Value = task.MaxValue;
            });
        return result;
    }

    /// <summary>UTF-8 without a byte-order mark.</summary>
    public static readonly Encoding Utf8 = new UTF8Encoding(false);
}
