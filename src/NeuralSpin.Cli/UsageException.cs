namespace NeuralSpin.Cli;

/// <summary>
/// Bad command-line input (an option value out of range, conflicting options, an output path that cannot
/// be written). The message is one paragraph saying what is wrong and what to do; the CLI prints it as
/// <c>error: ...</c> and exits with code 2.
/// </summary>
public sealed class UsageException(string message, Exception? inner = null) : Exception(message, inner);
