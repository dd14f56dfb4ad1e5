using BenchmarkDotNet.Attributes;
using NeuralSpin.Ising.Inverse;
using NeuralSpin.Numerics;

namespace NeuralSpin.Benchmarks;

/// <summary>
/// The L2 pseudolikelihood fit (P2 21-22, lambda_2 = 1e-3 as in the Paper 2 pipeline) at the sizes that matter: the deep
/// network's full model (N = 675 spins, M = 12,000 configurations) and N = 200, M = 10^5, by the joint solver (all spins
/// by matrix products) and the per-spin solver. Data: a planted sparse model (every spin coupled to 6 random others,
/// J = +-J0 with J0 = 0.15, or 0.35 for a strongly correlated, worse-conditioned case, h ~ U(-0.1, 0.1), seed 7) sampled by heat-bath sweeps, one configuration per sweep after 100 sweeps of
/// burn-in (correlated samples are fine for timing). One fit takes seconds to minutes, so run each case once:
/// NEURALSPIN_BENCH_JOB=once dotnet run -c Release --project benchmarks/NeuralSpin.Benchmarks -- --filter '*PseudoLikelihood*'
/// </summary>
public class PseudoLikelihoodBenchmarks
{
    sbyte[] _data = null!;

    /// <summary>Spins N, samples M and coupling strength J0, as N x M x J0.</summary>
    [Params("675x12000x0.15", "675x12000x0.35", "200x100000x0.15")]
    public string Shape { get; set; } = "675x12000x0.15";

    /// <summary>Solver.</summary>
    [Params(PlSolver.Joint, PlSolver.PerSpin)]
    public PlSolver Solver { get; set; }

    int N => int.Parse(Shape.Split('x')[0]);

    [GlobalSetup]
    public void Setup()
    {
        TorchLinalg.Configure(1);
        int n = N, m = int.Parse(Shape.Split('x')[1]);
        double j0 = double.Parse(Shape.Split('x')[2], System.Globalization.CultureInfo.InvariantCulture);
        var rng = new Random(7);
        var nbr = Enumerable.Range(0, n).Select(_ => new List<(int, double)>()).ToArray();
        for (int i = 0; i < n; i++)
            for (int k = 0; k < 3; k++)
            {
                int j = rng.Next(n);
                if (j == i) continue;
                double v = rng.Next(2) == 0 ? j0 : -j0;
                nbr[i].Add((j, v)); nbr[j].Add((i, v));
            }
        var h = Enumerable.Range(0, n).Select(_ => 0.2 * rng.NextDouble() - 0.1).ToArray();
        var s = Enumerable.Range(0, n).Select(_ => (sbyte)(rng.Next(2) * 2 - 1)).ToArray();
        _data = new sbyte[(long)m * n];
        for (int sweep = -100; sweep < m; sweep++)
        {
            for (int i = 0; i < n; i++)
            {
                double field = h[i];
                foreach (var (j, v) in nbr[i]) field += v * s[j];
                s[i] = (sbyte)(rng.NextDouble() < 0.5 * (1 + Math.Tanh(field)) ? 1 : -1);
            }
            if (sweep >= 0) s.CopyTo(_data, (long)sweep * n);
        }
    }

    /// <summary>One full fit (all spins, tolerance 1e-6).</summary>
    [Benchmark]
    public PlResult Fit()
    {
        var fit = PseudoLikelihood.Fit(_data, N, new PlOptions(L2: 1e-3, Solver: Solver));
        Console.WriteLine($"// PL {Shape} {Solver}: {fit.Elapsed.TotalSeconds:F1} s, iterations {fit.Iterations.Min()}-{fit.Iterations.Max()} (mean {fit.Iterations.Average():F1}), converged {fit.Converged}");
        return fit;
    }
}
