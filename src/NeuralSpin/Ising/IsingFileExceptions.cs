using NeuralSpin.IO;

namespace NeuralSpin.Ising;

/// <summary>
/// An Ising model file (J, h and optionally beta; see <see cref="IsingModelFile"/>) could not be read or is
/// not a valid model. The message is one paragraph: "model file '&lt;path&gt;': &lt;problem&gt;. &lt;remedy&gt;".
/// </summary>
public sealed class IsingFileException : InputFileException
{
    /// <summary>Creates the exception from its parts.</summary>
    public IsingFileException(string path, string problem, string remedy, Exception? inner = null)
        : base("model file", path, problem, remedy, inner)
    {
    }
}

/// <summary>
/// A file of spin configurations (<see cref="Configurations"/> .npy or <see cref="PackedConfigurations"/>)
/// could not be read or holds something other than +-1 spins. The message is one paragraph:
/// "configurations file '&lt;path&gt;': &lt;problem&gt;. &lt;remedy&gt;".
/// </summary>
public sealed class ConfigurationsFileException : InputFileException
{
    /// <summary>Creates the exception from its parts.</summary>
    public ConfigurationsFileException(string path, string problem, string remedy, Exception? inner = null)
        : base("configurations file", path, problem, remedy, inner)
    {
    }
}
