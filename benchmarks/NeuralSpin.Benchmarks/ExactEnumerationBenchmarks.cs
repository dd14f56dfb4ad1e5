using BenchmarkDotNet.Attributes;
using NeuralSpin.Ising;

namespace NeuralSpin.Benchmarks;

/// <summary>
/// Exact enumeration of all 2^N configurations (<see cref="ExactEnumeration.Compute"/>) on one thread, at N = 20 and 24, for
/// an SK-like model (J_ij ~ N(0, 1/N), h_i ~ U(-0.5, 0.5), seed 11) at beta = 1 and at beta = 8 (where the weights are
/// rescaled often). The inner loop is the cost: one Gray-code step, b = 10 local-field updates, an exp and the energy
/// moments per configuration; the figure to read is ns per configuration (the time over 2^N).
/// Run: dotnet run -c Release --project benchmarks/NeuralSpin.Benchmarks -- --filter '*ExactEnumeration*'
/// </summary>
public class ExactEnumerationBenchmarks
{
    IsingModel _model = null!;

    /// <summary>Spins N.</summary>
    [Params(20, 24)]
    public int N { get; set; } = 20;

    /// <summary>Inverse temperature.</summary>
    [Params(1.0, 8.0)]
    public double Beta { get; set; } = 1;

    [GlobalSetup]
    public void Setup()
    {
        var rng = new Random(11);
        var j = new double[N * N];
        for (int a = 0; a < N; a++)
            for (int b = a + 1; b < N; b++)
            {
                // Box-Muller normal, variance 1/N
                double g = Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble());
                j[a * N + b] = j[b * N + a] = g / Math.Sqrt(N);
            }
        var h = Enumerable.Range(0, N).Select(_ => rng.NextDouble() - 0.5).ToArray();
        _model = new IsingModel(N, j, h, Beta);
    }

    [Benchmark]
    public double Compute() => ExactEnumeration.Compute(_model, new ExactEnumerationOptions { Parallel = false }).EnergyVariance;
}
