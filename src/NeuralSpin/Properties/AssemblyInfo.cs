using System.Runtime.CompilerServices;

// Tests reach internal seams (e.g. MnistFetcher's checksum table) to exercise failure paths hermetically.
[assembly: InternalsVisibleTo("NeuralSpin.Tests")]
