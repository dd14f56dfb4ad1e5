using System.CommandLine;

namespace NeuralSpin.Cli.Commands.Classic;

// SKELETON, to be replaced by the implementation of 'classic curie-weiss'.
public static class CurieWeissCommand
{
    public static Command Create(CliIO io) => new("curie-weiss", "(not yet built)");
}
