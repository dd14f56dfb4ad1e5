using System.CommandLine;

namespace NeuralSpin.Cli.Commands.Classic;

// SKELETON, to be replaced by the implementation of 'classic rbm'.
public static class RbmCommand
{
    public static Command Create(CliIO io) => new("rbm", "(not yet built)");
}
