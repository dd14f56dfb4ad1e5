using System.CommandLine;

namespace NeuralSpin.Cli.Commands.Classic;

// SKELETON, to be replaced by the implementation of 'classic hopfield'.
public static class HopfieldCommand
{
    public static Command Create(CliIO io) => new("hopfield", "(not yet built)");
}
