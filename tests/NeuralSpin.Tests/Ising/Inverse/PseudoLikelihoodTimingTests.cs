using System.Diagnostics;
using NeuralSpin.Ising;
using NeuralSpin.Ising.Inverse;
using NUnit.Framework;

namespace NeuralSpin.Tests.Ising.Inverse;

/// <summary>
/// Wall-clock measurement of the L2 pseudolikelihood fit at the size the brief names (N = 200, M = 1e5).
/// Data: a 10 x 20 periodic square lattice, J = 0.3 (paramagnet, beta_c = 0.44), h = 0.05, sampled by
/// Gibbs sweeps (one recorded configuration per sweep; correlated samples are fine for timing).
/// Explicit: minutes of CPU; run in Release (Debug disables the JIT optimisations the SIMD kernels need):
/// dotnet test -c Release --filter "FullyQualifiedName~PseudoLikelihoodTimingTests".
/// Measured (Release, 2 cores shared with other jobs, load average 4-10): N = 200, M = 1e5, L2 = 1e-5:
/// moments 0.22 s; one objective+gradient evaluation 29 ms; PL fit 223 s, 30-36 L-BFGS iterations per spin,
/// all converged (|grad| &lt;= 1e-6), max coupling error 0.026. N = 100, M = 2e4: 5.8 s.
/// Those figures are of the default per-spin solver (<see cref="PlSolver.PerSpin"/>).
/// Both are compared by the BenchmarkDotNet case PseudoLikelihoodBenchmarks (figures in REPRODUCE.md, "Speed").
/// </summary>
[Explicit("timing benchmark (minutes)")]
public class PseudoLikelihoodTimingTests
{
    const int GibbsSeed = 77;

    [TestCase(200, 100000)]
    [TestCase(100, 100000)]
    [TestCase(200, 10000)]
    public void L2Fit_Timing(int n, int samples)
    {
        int rows = 10, cols = n / 10;
        var j = new double[n * n];
        for (int r = 0; r < rows; r++)
            for (int q = 0; q < cols; q++)
            {
                int i = r * cols + q, right = r * cols + (q + 1) % cols, down = ((r + 1) % rows) * cols + q;
                j[i * n + right] = j[right * n + i] = 0.3;
                j[i * n + down] = j[down * n + i] = 0.3;
            }
        var model = new IsingModel(n, j, Enumerable.Repeat(0.05, n).ToArray());
        var nbr = Enumerable.Range(0, n).Select(model.Neighbours).ToArray();
        var rng = new Random(GibbsSeed);
        var s = new sbyte[n];
        for (int i = 0; i < n; i++) s[i] = (sbyte)(rng.Next(2) * 2 - 1);
        var data = new sbyte[(long)samples * n];
        for (int sweep = -100; sweep < samples; sweep++)
        {
            for (int i = 0; i < n; i++)
            {
                double H = 0.05;
                foreach (int k in nbr[i]) H += 0.3 * s[k];
                s[i] = (sbyte)(rng.NextDouble() < 0.5 * (1 + Math.Tanh(H)) ? 1 : -1);
            }
            if (sweep >= 0) s.CopyTo(data, (long)sweep * n);
        }
        var sw = Stopwatch.StartNew();
        var mom = SampleMoments.From(data, n);
        double tMoments = sw.Elapsed.TotalSeconds;
        var fit = PseudoLikelihood.Fit(data, n, new PlOptions(L2: 1e-5));
        double err = ExactIsing.MaxCouplingError(model, fit.Model);
        TestContext.Out.WriteLine($"N = {n}, M = {samples}, threads {Environment.ProcessorCount}: moments {tMoments:F2} s, PL fit {fit.Elapsed.TotalSeconds:F1} s, iterations per spin {fit.Iterations.Min()}-{fit.Iterations.Max()} (mean {fit.Iterations.Average():F1}), converged {fit.Converged}, max |dJ| {err:F4}");
        Assert.That(fit.Converged, Is.True);
    }
}
