using System.CommandLine;

namespace NeuralSpin.Cli.Commands.Classic;

// SKELETON, to be replaced by the implementation of 'classic sk'.
public static class SkCommand
{
    public static Command Create(CliIO io) => new("sk", "(not yet built)");
}
