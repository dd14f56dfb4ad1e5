// Placeholder entry point until the command-line front end lands; it referenced a type that does not exist.
System.Console.WriteLine("NeuralSpin");
