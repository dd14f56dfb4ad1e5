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
        : base($"{kind} '{path}': {problem}. {remedy}", inner)
    {
        Path = path;
        Problem = problem;
        Remedy = remedy;
    }

    /// <summary>The file concerned.</summary>
    public string Path { get; }

    /// <summary>What is wrong.</summary>
    public string Problem { get; }

    /// <summary>What the user can do about it.</summary>
    public string Remedy { get; }
}
