using MathNet.Numerics.Distributions;
using NUnit.Framework;
using NeuralSpin.Ising;

namespace NeuralSpin.Tests.Ising;

/// <summary>
/// <see cref="McDynamics"/> at an intermediate temperature: after leaving its reference the heat-bath chain samples
/// P(s) = e^{-beta E(s)} / Z (docs/theory.md section 7), checked by Pearson's chi-square of the visited configurations
/// against the 2^N enumeration of <see cref="IsingReference"/> (written from the definition of E, no library code).
/// The existing tests only cover beta = 0 and beta = 50, where a wrong temperature (e.g. beta/2) cannot show.
/// </summary>
public class McDynamicsEnumerationTests
{
    const int ModelSeed = 9301;
    const int ChainSeed = 9302;
    const int N = 5;
    const int Records = 20000;
    const int RecordEvery = 4;  // 20 single-spin updates between records: the chain forgets (see below)
    const int BurnRecords = 50; // the first 200 sweeps are dropped: the chain starts at the reference

    static IsingModel Model(double beta) => IsingReference.RandomModel(N, new Random(ModelSeed), scale: 1, fieldScale: 0.5, beta: beta);

    /// <summary>Index of a configuration as in <see cref="IsingReference.Enumerate"/>: bit i set means s_i = +1.</summary>
    static int Index(sbyte[] s)
    {
        int x = 0;
        for (int i = 0; i < s.Length; i++) if (s[i] == 1) x |= 1 << i;
        return x;
    }

    static (double Chi2, double Threshold, int Dof) ChiSquare(IReadOnlyList<int> visited, double[] p, double rate)
    {
        var hist = new double[p.Length];
        foreach (int x in visited) hist[x]++;
        double chi2 = 0, pooledE = 0, pooledO = 0;
        int cells = 0;
        for (int x = 0; x < p.Length; x++)
        {
            double e = visited.Count * p[x];
            if (e < 5) { pooledE += e; pooledO += hist[x]; continue; }
            chi2 += (hist[x] - e) * (hist[x] - e) / e;
            cells++;
        }
        if (pooledE > 0) { chi2 += (pooledO - pooledE) * (pooledO - pooledE) / pooledE; cells++; }
        return (chi2, ChiSquared.InvCDF(cells - 1, 1 - rate), cells - 1);
    }

    /// <summary>
    /// Chi-square at false-failure rate 1e-4 (for independent records; the records are 4 sweeps apart on 5 spins with
    /// |J| &lt;= 1 at beta &lt;= 0.8, where one heat-bath sweep already mixes almost completely, so the serial correlation
    /// adds at most a few per cent to chi^2). At beta/2 the same chain gives chi^2 in the thousands.
    /// </summary>
    [TestCase(0.6, false, TestName = "Heatbath_AtModelBeta0.6_SamplesBoltzmann")]
    [TestCase(0.8, true, TestName = "Heatbath_AtOptionBeta0.8_SamplesBoltzmann")]
    public void Heatbath_SamplesTheBoltzmannDistribution(double beta, bool viaOption)
    {
        var model = viaOption ? Model(1.0) : Model(beta);
        var reference = new sbyte[] { 1, -1, 1, 1, -1 };
        var visited = new List<int>();
        var trace = McDynamics.Run(model, reference, new McDynamicsOptions
        {
            Sweeps = (Records + BurnRecords) * RecordEvery,
            RecordEvery = RecordEvery,
            Beta = viaOption ? beta : null,
            Seed = ChainSeed,
            Observer = s => { visited.Add(Index(s)); return 0; },
        });
        Assert.That(trace, Has.Count.EqualTo(Records + BurnRecords + 1));
        var p = IsingReference.Enumerate(Model(beta)).P;
        var (chi2, threshold, dof) = ChiSquare(visited.Skip(BurnRecords + 1).ToList(), p, 1e-4);
        Assert.That(chi2, Is.LessThan(threshold), $"chi^2 = {chi2:F1} on {dof} degrees of freedom at beta {beta}");
        // the energy trace is consistent with the visited configurations: its mean is the Boltzmann mean within 5 sigma
        double exactMean = IsingReference.Enumerate(Model(beta)).MeanEnergy / N;
        var energies = trace.Skip(BurnRecords + 1).Select(t => t.EnergyPerSpin).ToList();
        double se = MonteCarlo.BatchMeansStandardError(energies, 20);
        Assert.That(Math.Abs(energies.Average() - exactMean), Is.LessThan(5 * se), $"mean energy per spin vs enumeration {exactMean}");
    }
}
