using NeuralSpin.IO;

namespace NeuralSpin.Data;

/// <summary>
/// A data-set file could not be read, verified or obtained. The message is one paragraph naming the
/// file, saying what is wrong and what to do about it.
/// </summary>
public sealed class DataFileException : InputFileException
{
    /// <summary>Creates the exception from its three parts.</summary>
    /// <param name="path">The file concerned (for a file that could not be obtained, where it was expected).</param>
    /// <param name="problem">What is wrong, without a final full stop (e.g. "the file ends after 12 of 784 data bytes").</param>
    /// <param name="remedy">What to do, one or more sentences.</param>
    /// <param name="inner">The low-level cause, if any.</param>
    public DataFileException(string path, string problem, string remedy, Exception? inner = null)
        : base("data file", path, problem, remedy, inner)
    {
    }
}
