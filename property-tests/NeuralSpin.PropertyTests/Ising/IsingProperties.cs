using FsCheck;
using FsCheck.Fluent;
using FsCheck.NUnit;
using NeuralSpin.PropertyTests.Support;
using NeuralSpin.Ising;
using PropertyAttribute = FsCheck.NUnit.PropertyAttribute;
using TestFixtureAttribute = NUnit.Framework.TestFixtureAttribute;

namespace NeuralSpin.PropertyTests.Ising;

/// <summary>A small dense Ising model on grids, with an enumeration layout (inner bits, chunk bits) and a configuration index.</summary>
public sealed record IsingCase(int N, double[] Upper, double[] Fields, double Beta, int InnerBits, int ChunkBits, int Config)
{
    public IsingModel Model()
    {
        var j = new double[N * N];
        int k = 0;
        for (int i = 0; i < N; i++)
            for (int q = i + 1; q < N; q++) j[i * N + q] = j[q * N + i] = Upper[k++];
        return new IsingModel(N, j, Fields, Beta);
    }

    public override string ToString() =>
        $"N {N}, beta {Beta}, inner {InnerBits}, chunk {ChunkBits}, config {Config}, J upper [{string.Join(",", Upper)}], h [{string.Join(",", Fields)}]";
}

/// <summary>Generators: N 1..8, J_ij = k/10 (k in -15..15), h_i = k/20 (k in -10..10), beta = k/10 (k in 0..30),
/// inner bits 1..N, chunk bits 0..N - inner, a configuration index below 2^N. 2^8 configurations keep the oracle cheap.</summary>
public static class IsingArbitraries
{
    static Gen<double> Grid(int lo, int hi, double scale) => Gen.Choose(lo, hi).Select(k => k * scale);

    public static Arbitrary<IsingCase> IsingCase()
    {
        var gen =
            from n in Gen.Choose(1, 8)
            from upper in Grid(-15, 15, 0.1).ArrayOf(n * (n - 1) / 2)
            from fields in Grid(-10, 10, 0.05).ArrayOf(n)
            from beta in Grid(0, 30, 0.1)
            from inner in Gen.Choose(1, n)
            from chunk in Gen.Choose(0, n - inner)
            from config in Gen.Choose(0, (1 << n) - 1)
            select new IsingCase(n, upper, fields, beta, inner, chunk, config);
        return Arb.From(gen);
    }
}

/// <summary>Properties of <see cref="ExactEnumeration"/> and <see cref="IsingModel.Energy"/> (docs/theory.md section 7).</summary>
[TestFixture]
public class IsingProperties
{
    static double DefinitionEnergy(IsingModel m, sbyte[] s)
    {
        double e = 0;
        for (int i = 0; i < m.Size; i++)
        {
            e -= m.Field(i) * s[i];
            for (int j = 0; j < m.Size; j++) e -= 0.5 * m.Coupling(i, j) * s[i] * s[j];
        }
        return e;
    }

    /// <summary>E(s) = -1/2 sum_ij J_ij s_i s_j - sum_i h_i s_i. Both sides sum at most 8 + 64 grid values of size
    /// &lt;= 1.5: rounding below 1e-13.</summary>
    [SeededProperty(Arbitrary = new[] { typeof(IsingArbitraries) })]
    public bool EnergyEqualsDefinition(IsingCase c)
    {
        var model = c.Model();
        var s = ConfigurationIndex.ToSpins(c.Config, c.N);
        return Math.Abs(model.Energy(s) - DefinitionEnergy(model, s)) <= 1e-12;
    }

    /// <summary>The Gray-code enumeration (any inner/chunk layout) equals a naive loop over 2^N configurations:
    /// ln Z (relative 1e-12), &lt;E&gt;, m, &lt;s_i s_j&gt; and &lt;s_i s_j s_k&gt; (absolute 1e-12; at most 256 positive terms).</summary>
    [SeededProperty(Arbitrary = new[] { typeof(IsingArbitraries) })]
    public Property GrayCodeEnumerationEqualsBruteForce(IsingCase c)
    {
        var model = c.Model();
        int n = c.N;
        var r = ExactEnumeration.Compute(model, new ExactEnumerationOptions { InnerBits = c.InnerBits, ChunkBits = c.ChunkBits, ThreePoint = true, Parallel = false });
        int count = 1 << n;
        var e = new double[count];
        for (int x = 0; x < count; x++) e[x] = DefinitionEnergy(model, ConfigurationIndex.ToSpins(x, n));
        double min = e.Min(), z = 0;
        var w = e.Select(v => Math.Exp(-model.Beta * (v - min))).ToArray();
        z = w.Sum();
        double logZ = Math.Log(z) - model.Beta * min, mean = 0;
        var m = new double[n];
        var c2 = new double[n * n];
        var t3 = new double[n * n * n];
        for (int x = 0; x < count; x++)
        {
            double p = w[x] / z;
            var s = ConfigurationIndex.ToSpins(x, n);
            mean += p * e[x];
            for (int i = 0; i < n; i++)
            {
                m[i] += p * s[i];
                for (int j = 0; j < n; j++)
                {
                    c2[i * n + j] += p * s[i] * s[j];
                    for (int k = 0; k < n; k++) t3[(i * n + j) * n + k] += p * s[i] * s[j] * s[k];
                }
            }
        }
        bool Close(double a, double b, double tol) => Math.Abs(a - b) <= tol;
        bool ok = Close(logZ, r.LogZ, 1e-12 * Math.Max(1, Math.Abs(logZ)))
                  && Close(mean, r.MeanEnergy, 1e-12 * Math.Max(1, Math.Abs(mean)))
                  && m.Select((v, i) => Close(v, r.Magnetizations[i], 1e-12)).All(b => b)
                  && c2.Select((v, i) => Close(v, r.Correlations[i], 1e-12)).All(b => b)
                  && t3.Select((v, i) => Close(v, r.ThreePointCorrelations![i], 1e-12)).All(b => b);
        return ok.Label($"ln Z {logZ} vs {r.LogZ}, <E> {mean} vs {r.MeanEnergy}");
    }
}
