using System.Runtime.CompilerServices;

// Tests reach internal seams (e.g. MnistFetcher's checksum table) to exercise failure paths hermetically.
[assembly: InternalsVisibleTo("NeuralSpin.Tests")]
// The benchmarks time internal kernels on their own (e.g. the lane layout of the training noise).
[assembly: InternalsVisibleTo("NeuralSpin.Benchmarks")]
