using System.Globalization;
using System.Text;
using NeuralSpin.IO;
using Spectre.Console;

namespace NeuralSpin.Cli;

/// <summary>
/// The output side of one CLI run: a Spectre console on the standard output writer (ANSI and colours only
/// on a real terminal), the error writer, the checks of input and output files before a command's work, and
/// atomic writers for result files (several files of one command together through <see cref="OutputSet"/>).
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
    public void Error(string message)
    {
        lock (Err) Err.WriteLine("error: " + UserText(CliApp.OneLine(message)));
    }

    /// <summary>
    /// A message in the user's terms: without the " (Parameter 'Name')" that ArgumentException appends and without
    /// .NET type names such as System.Nullable`1[System.Double].
    /// </summary>
    public static string UserText(string message)
    {
        message = System.Text.RegularExpressions.Regex.Replace(message, @"\s*\(Parameter '[^']*'\)", "");
        message = System.Text.RegularExpressions.Regex.Replace(message, @"(?:System\.Nullable`1\[)?System\.(\w+)\]?", m => m.Groups[1].Value switch
        {
            "Double" or "Single" or "Decimal" => "number",
            "Int32" or "Int64" or "Int16" or "Byte" => "whole number",
            "Boolean" => "true or false",
            "String" => "text",
            _ => m.Value,
        });
        return message.Replace("expected type 'number'", "a number").Replace("expected type 'whole number'", "a whole number")
            .Replace("expected type 'true or false'", "true or false").Replace("expected type 'text'", "text");
    }

    /// <summary>Prints a <c>notice: ...</c> line to standard output.</summary>
    public void Notice(string message) => Console_.Write(new Text("notice: " + message + "\n"));

    /// <summary>Invariant, compact formatting of a number for tables.</summary>
    public static string Num(double v) => v.ToString("G7", CultureInfo.InvariantCulture);

    /// <summary>Invariant, round-trip formatting of a number for files.</summary>
    public static string Exact(double v) => v.ToString("R", CultureInfo.InvariantCulture);

    /// <summary>
    /// Checks, before any work is done, that <paramref name="path"/> can be an output file: not empty, not an
    /// existing directory, and in a directory that exists and can be written to, or can be created.
    /// </summary>
    public static void CheckOutputPath(string? path, string option)
    {
        if (path is null) return;
        if (string.IsNullOrWhiteSpace(path))
            throw new UsageException($"{option} needs a file path, got an empty string. Give the file to write, e.g. {option} results/out.json.");
        if (Directory.Exists(path))
            throw new UsageException($"{option} '{path}' is a directory, not a file. Give a file name inside it, e.g. {Path.Combine(path, "out")}.");
        CheckWritableLocation(path, Path.GetDirectoryName(Path.GetFullPath(path)), option, "file");
    }

    /// <summary>
    /// Checks, before any work is done, that <paramref name="dir"/> can be an output directory: not empty, not an
    /// existing file, and existing and writable, or creatable.
    /// </summary>
    public static void CheckOutputDirectory(string? dir, string option)
    {
        if (dir is null) return;
        if (string.IsNullOrWhiteSpace(dir))
            throw new UsageException($"{option} needs a directory, got an empty string. Give the directory to write into, e.g. {option} results/out.");
        if (File.Exists(dir))
            throw new UsageException($"{option} '{dir}' is an existing file, not a directory. Give a directory to write the files into.");
        CheckWritableLocation(dir, Path.GetFullPath(dir), option, "directory");
    }

    /// <summary>
    /// Checks that an input file named by <paramref name="option"/> is not a directory, unless it is the directory of a
    /// sharded safetensors model (a missing file is left to the reader, which says what it expected).
    /// </summary>
    public static void CheckInputFile(string? path, string option)
    {
        if (path is null) return;
        if (Directory.Exists(path) && !File.Exists(Path.Combine(path, ShardedSafeTensors.IndexName)))
            throw new UsageException($"{option} '{path}' is a directory, not a file. Give the file itself, e.g. {Path.Combine(path, "FILE")}.");
    }

    /// <summary>
    /// The one check of a command's files before its work starts: every input is not a directory; every output can
    /// be written (<see cref="CheckOutputPath"/>), is none of the inputs (the same file by identity: hard and
    /// symbolic links included, see <see cref="FileIdentity"/>) and no other output. Null entries are skipped.
    /// </summary>
    public static void CheckFiles(IEnumerable<(string? Path, string Option)> inputs, IEnumerable<(string? Path, string Option)> outputs)
    {
        var ins = inputs.Where(i => i.Path != null).ToList();
        var outs = outputs.Where(o => o.Path != null).ToList();
        foreach (var (path, option) in ins) CheckInputFile(path, option);
        foreach (var (path, option) in outs) CheckOutputPath(path, option);
        CheckNotInputs(outs, ins);
        for (int a = 0; a < outs.Count; a++)
            for (int b = a + 1; b < outs.Count; b++)
                if (FileIdentity.Same(outs[a].Path!, outs[b].Path!))
                    throw new UsageException(outs[a].Option == outs[b].Option
                        ? $"{outs[a].Option} names '{outs[a].Path}' twice; give different files."
                        : $"{outs[a].Option} and {outs[b].Option} both name '{outs[b].Path}'; give two different files.");
    }

    /// <summary>Refuses any output that is the same file as an input (by identity, see <see cref="FileIdentity"/>).</summary>
    public static void CheckNotInputs(IEnumerable<(string? Path, string Option)> outputs, IEnumerable<(string? Path, string Option)> inputs)
    {
        var ins = inputs.Where(i => i.Path != null && File.Exists(i.Path)).ToList();
        foreach (var (o, oOpt) in outputs)
        {
            if (o is null || !File.Exists(o) && ins.All(i => FileIdentity.Canonical(i.Path!) != FileIdentity.Canonical(o))) continue;
            foreach (var (i, iOpt) in ins)
                if (FileIdentity.Same(o, i!))
                    throw new UsageException($"{oOpt} '{o}' is the input {iOpt} '{i}'" + (Path.GetFullPath(o) == Path.GetFullPath(i!) ? "" : " (the same file through a link)") +
                                             $"; writing it would destroy the input. Give {oOpt} a new file name.");
        }
    }

    static void CheckWritableLocation(string given, string? dir, string option, string kind)
    {
        if (string.IsNullOrEmpty(dir)) return;
        // the nearest directory that exists must be writable (the rest is created when the output is written)
        string? existing = dir;
        while (existing != null && !Directory.Exists(existing))
        {
            if (File.Exists(existing))
                throw new UsageException($"{option} '{given}' cannot be written: '{existing}' is a file, so the directory '{dir}' cannot be created. Give a path in a directory, e.g. {option} results/{(kind == "file" ? Path.GetFileName(given) : "out")}.");
            existing = Path.GetDirectoryName(existing);
        }
        if (existing == null) return;
        string probe = Path.Combine(existing, ".neuralspin-write-test-" + Guid.NewGuid().ToString("N"));
        try
        {
            using (new FileStream(probe, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1, FileOptions.DeleteOnClose)) { }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            string why = e switch
            {
                UnauthorizedAccessException => "permission denied",
                FileNotFoundException or DirectoryNotFoundException => "it accepts no new files",
                _ => e.Message.Replace(probe, existing).TrimEnd('.'),
            };
            throw new UsageException($"{option} '{given}' cannot be written: no file can be created in '{existing}' ({why}). Give a {kind} in a directory you can write to; nothing was computed.");
        }
        finally
        {
            try { if (File.Exists(probe)) File.Delete(probe); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
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

    /// <summary>The MNIST files a command read from <paramref name="dataDir"/> (or the default data directory), for its provenance.</summary>
    public static IEnumerable<string> MnistInputs(string? dataDir)
    {
        string dir = dataDir ?? NeuralSpin.Data.MnistFetcher.DefaultDirectory();
        foreach (var name in NeuralSpin.Data.MnistFetcher.Sha256.Keys.Order(StringComparer.Ordinal))
        {
            string raw = Path.Combine(dir, name);
            if (File.Exists(raw)) yield return raw;
            else if (File.Exists(raw + ".gz")) yield return raw + ".gz";
        }
    }

    /// <summary>
    /// Runs <paramref name="work"/> with a Spectre progress bar (description, bar, percentage, elapsed,
    /// remaining time) on a terminal, and otherwise with plain periodic lines on standard error
    /// (<see cref="PlainProgress"/>: label, done/total, elapsed, ETA); <paramref name="work"/> reports steps done
    /// out of <paramref name="total"/>.
    /// </summary>
    public static T WithProgress<T>(CliIO io, string label, int total, Func<IProgress<int>?, T> work)
    {
        if (!io.IsTerminal)
        {
            using var plain = new PlainProgress(io.Err, label, total);
            return work(plain);
        }
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

    /// <summary>
    /// Runs a library study that reports <see cref="NeuralSpin.Reporting.StageProgress"/>: on a terminal one Spectre bar per
    /// stage, otherwise plain periodic lines on standard error naming the stage (<see cref="PlainProgress"/>).
    /// </summary>
    public static T WithStages<T>(CliIO io, string label, Func<IProgress<NeuralSpin.Reporting.StageProgress>, T> work)
    {
        if (!io.IsTerminal)
        {
            using var plain = new PlainProgress(io.Err, label, 0);
            string? current = null;
            return work(new NeuralSpin.Reporting.SyncProgress<NeuralSpin.Reporting.StageProgress>(p =>
            {
                lock (plain)
                {
                    if (p.Stage != current) { current = p.Stage; plain.Stage(p.Stage, p.Total); }
                    plain.Report(p.Done);
                }
            }));
        }
        T result = default!;
        io.Console_.Progress().AutoClear(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(),
                     new RemainingTimeColumn(), new SpinnerColumn())
            .Start(ctx =>
            {
                var tasks = new Dictionary<string, ProgressTask>();
                var gate = new object();
                result = work(new NeuralSpin.Reporting.SyncProgress<NeuralSpin.Reporting.StageProgress>(p =>
                {
                    lock (gate)
                    {
                        if (!tasks.TryGetValue(p.Stage, out var task))
                            tasks[p.Stage] = task = ctx.AddTask(Markup.Escape(p.Stage), maxValue: Math.Max(p.Total, 1));
                        task.Value = Math.Max(task.Value, p.Done);
                    }
                }));
                foreach (var t in tasks.Values) t.Value = t.MaxValue;
            });
        return result;
    }

    /// <summary>UTF-8 without a byte-order mark.</summary>
    public static readonly Encoding Utf8 = new UTF8Encoding(false);
}
