namespace NeuralSpin.IO;

/// <summary>
/// A weights file could not be read or used. The message is one paragraph naming the file, saying
/// what is wrong with it and what to do about it.
/// </summary>
public sealed class WeightFileException : InputFileException
{
    /// <summary>Creates the exception from its three parts.</summary>
    /// <param name="path">The file as the user named it.</param>
    /// <param name="problem">What is wrong, without a final full stop (e.g. "header length 9 runs past the end of the file (8 bytes)").</param>
    /// <param name="remedy">What to do, one or more sentences.</param>
    /// <param name="inner">The low-level cause, if any.</param>
    public WeightFileException(string path, string problem, string remedy, Exception? inner = null)
        : base("weights file", path, problem, remedy, inner)
    {
    }

    /// <summary>Advice for a file that is damaged or of the wrong kind.</summary>
    internal const string ReExport =
        "Re-export it with safetensors.torch.save_file (or numpy.save / numpy.savez for NumPy arrays).";
}
