using NeuralSpin.Cli;

// The entry point only hands the process's streams to the CLI; the commands live in Commands/ and are
// wired in CliApp so that tests can run them in-process.
return CliApp.Run(args, Console.Out, Console.Error);
