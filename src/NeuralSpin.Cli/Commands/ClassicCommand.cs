using System.CommandLine;
using NeuralSpin.Cli.Commands.Classic;

namespace NeuralSpin.Cli.Commands;

/// <summary>
/// <c>neuralspin classic ...</c>: the classic models behind the network-as-spin-model picture
/// (docs/theory.md section 8): Curie-Weiss, Sherrington-Kirkpatrick, Hopfield and the RBM, each with CSV,
/// PNG plots and <c>--json</c>.
/// </summary>
public static class ClassicCommand
{
    /// <summary>Builds the <c>classic</c> command with its subcommands.</summary>
    public static Command Create(CliIO io)
    {
        var cmd = new Command("classic", "Classic models as oracles and demonstrations: Curie-Weiss, SK, Hopfield, RBM.");
        cmd.Add(CurieWeissCommand.Create(io));
        cmd.Add(SkCommand.Create(io));
        cmd.Add(HopfieldCommand.Create(io));
        cmd.Add(RbmCommand.Create(io));
        return cmd;
    }
}
