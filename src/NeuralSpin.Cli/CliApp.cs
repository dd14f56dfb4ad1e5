using System.CommandLine;
using System.CommandLine.Help;
using NeuralSpin.Cli.Commands;
using NeuralSpin.IO;

namespace NeuralSpin.Cli;

/// <summary>
/// The <c>neuralspin</c> command line: builds the commands and runs one of them with the given output
/// streams. Exit codes: 0 success; 2 bad input (argument errors, unusable weight files, bad option
/// values), reported as one <c>error: ...</c> paragraph on stderr; 1 an unexpected internal error (the
/// stack trace only with NEURALSPIN_DEBUG=1).
/// </summary>
public static class CliApp
{
    /// <summary>Exit code of a successful run.</summary>
    public const int Ok = 0;

    /// <summary>Exit code of an unexpected internal error.</summary>
    public const int InternalError = 1;

    /// <summary>Exit code of bad input: argument errors, unusable files, bad values.</summary>
    public const int BadInput = 2;

    /// <summary>Runs the CLI in-process.</summary>
    /// <param name="args">The arguments after the program name.</param>
    /// <param name="stdout">Where results go (tables, notices, help).</param>
    /// <param name="stderr">Where errors go.</param>
    /// <returns>The exit code.</returns>
    public static int Run(string[] args, TextWriter stdout, TextWriter stderr)
    {
        var io = new CliIO(stdout, stderr);
        var root = BuildRoot(io);
        try
        {
            var parse = root.Parse(args);
            if (parse.Action is not HelpAction && parse.Errors.Count > 0)
            {
                var command = parse.CommandResult.Command;
                string cmd = CommandPath(command);
                string synopsis = string.Join(" ", new[] { cmd }
                    .Concat(command.Arguments.Select(a => $"<{a.Name}>"))
                    .Concat(command.Subcommands.Count > 0 ? ["<command>"] : [])
                    .Append("[options]"));
                var messages = parse.Errors.Select(e => e.Message.TrimEnd('.')).Distinct();
                io.Error($"{string.Join("; ", messages)}. Usage: {synopsis}; run '{cmd} --help' for details.");
                return BadInput;
            }
            return parse.Invoke(new InvocationConfiguration
            {
                Output = stdout,
                Error = stderr,
                EnableDefaultExceptionHandler = false,
            });
        }
        catch (UsageException e)
        {
            io.Error(e.Message);
            return BadInput;
        }
        catch (InputFileException e)
        {
            io.Error(e.Message);
            return BadInput;
        }
        catch (NeuralSpin.Tap.CurveSearchBudgetException e)
        {
            // commands that do not name the file themselves (analyze and trajectory do)
            io.Error(e.Message + ". Check the weights for a few values far larger than the rest (a damaged or diverged file).");
            return BadInput;
        }
        catch (Exception e)
        {
            bool debug = Environment.GetEnvironmentVariable("NEURALSPIN_DEBUG") == "1";
            io.Error($"internal error ({e.GetType().Name}): {OneLine(e.Message)}. This is a bug in NeuralSpin"
                     + (debug ? "." : "; set NEURALSPIN_DEBUG=1 to see the stack trace."));
            if (debug) stderr.WriteLine(e.ToString());
            return InternalError;
        }
    }

    /// <summary>The root command with its subcommands, writing to <paramref name="io"/>.</summary>
    public static Command BuildRoot(CliIO io)
    {
        // A plain command named like the script (RootCommand would take the assembly's name), with the
        // help option recursive so that every subcommand has --help.
        var root = new Command("neuralspin",
            "NeuralSpin: analyse the weights of a feed-forward network as a multi-layer spin model " +
            "(replica T_c, linearized TAP curve lambda_min(beta), transition, level spacing).");
        root.Add(new HelpOption { Recursive = true });
        root.Add(new VersionOption());
        root.Add(AnalyzeCommand.Create(io));
        root.Add(LayersCommand.Create(io));
        root.Add(ReplicaCommand.Create(io));
        root.Add(InitCommand.Create(io));
        root.Add(DataCommand.Create(io));
        root.Add(TrainCommand.Create(io));
        root.Add(TrajectoryCommand.Create(io));
        root.Add(ReproduceCommand.Create(io));
        root.Add(IsingCommand.Create(io));
        root.Add(EnsembleCommand.Create(io));
        root.Add(ClassicCommand.Create(io));
        ArgParsing.InvariantNumbers(root);
        return root;
    }

    static string CommandPath(Command command)
    {
        // the full path, e.g. "neuralspin ising fit" for a nested command
        var names = new List<string>();
        for (Symbol? s = command; s is Command c; s = c.Parents.FirstOrDefault()) names.Insert(0, c.Name);
        if (names.Count == 0 || names[0] != "neuralspin") names.Insert(0, "neuralspin");
        return string.Join(" ", names);
    }

    internal static string OneLine(string s) => string.Join(" ", s.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries).Select(x => x.Trim()));
}
