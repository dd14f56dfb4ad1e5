namespace NeuralSpin.IO;

/// <summary>
/// An input file (weights, data set) could not be read, verified or used. The message is one paragraph
/// naming the file, saying what is wrong and what to do about it: "&lt;kind&gt; '&lt;path&gt;': &lt;problem&gt;. &lt;remedy&gt;".
/// Front ends report it as bad input.
/// </summary>
public abstract class InputFileException : Exception
{
    /// <summary>Creates the exception from its parts.</summary>
    /// <param name="kind">What the file is, e.g. "weights file".</param>
    /// <param name="path">The file concerned, as the user named it (or where it was expected).</param>
    /// <param name="problem">What is wrong, without a final full stop.</param>
    /// <param name="remedy">What to do, one or more sentences.</param>
    /// <param name="inner">The low-level cause, if any.</param>
    protected InputFileException(string kind, string path, string problem, string remedy, Exception? inner)
        : base($"{kind} '{path}': {Printable(problem)}. {remedy}", inner)
    {
        Path = path;
        Problem = Printable(problem);
        Remedy = remedy;
    }

    /// <summary>
    /// The problem as printed: control characters (line breaks, binary bytes quoted from a damaged header) shown as
    /// \xNN, so that the message stays one printable paragraph whatever the file holds.
    /// </summary>
    static string Printable(string problem)
    {
        if (!problem.Any(char.IsControl)) return problem;
        var sb = new System.Text.StringBuilder(problem.Length + 16);
        foreach (char c in problem)
            if (char.IsControl(c)) sb.Append(System.Globalization.CultureInfo.InvariantCulture, $"\\x{(int)c:X2}");
            else sb.Append(c);
        return sb.ToString();
    }

    /// <summary>The file concerned.</summary>
    public string Path { get; }

    /// <summary>What is wrong.</summary>
    public string Problem { get; }

    /// <summary>What the user can do about it.</summary>
    public string Remedy { get; }

    /// <summary>
    /// Runs <paramref name="read"/> on <paramref name="path"/> and reports every failure as one exception of the caller's
    /// kind, made by <paramref name="make"/>(problem, remedy, cause): a lower-level <see cref="InputFileException"/>
    /// (e.g. of the .npy reader) keeps its problem and remedy, and file-system failures are named as such. Exceptions
    /// already of type <typeparamref name="TException"/> pass unchanged.
    /// </summary>
    public static T Relabel<T, TException>(string path, Func<T> read, Func<string, string, Exception, TException> make)
        where TException : InputFileException
    {
        ArgumentNullException.ThrowIfNull(read);
        ArgumentNullException.ThrowIfNull(make);
        try
        {
            return read();
        }
        catch (InputFileException e) when (e is not TException)
        {
            throw make(e.Problem, e.Remedy, e);
        }
        catch (IOException e)
        {
            throw make($"could not be read ({e.Message})", "Check that the file is readable.", e);
        }
        catch (UnauthorizedAccessException e)
        {
            throw make($"could not be opened ({e.Message})", "Check the file's permissions.", e);
        }
    }
}
