using NeuralSpin.Ising;

namespace NeuralSpin.Tests.Ising;

/// <summary>
/// Slow, obviously correct references for the Ising tests: a naive loop over all 2^N configurations with the
/// energy written straight from the definition E(s) = -1/2 sum_ij J_ij s_i s_j - sum_i h_i s_i (docs/theory.md
/// section 7), two passes (minimum energy, then weights e^{-beta (E - E_min)}), and random models.
/// </summary>
public static class IsingReference
{
    public sealed record BruteForce(double LogZ, double MeanEnergy, double EnergyVariance, double Entropy, double FreeEnergy,
        double[] M, double[] C, double[] T, double[] P);

    public static double DefinitionEnergy(IsingModel model, ReadOnlySpan<sbyte> s)
    {
        int n = model.Size;
        double pair = 0, field = 0;
        for (int i = 0; i < n; i++)
        {
            field += model.Field(i) * s[i];
            for (int j = 0; j < n; j++) pair += model.Coupling(i, j) * s[i] * s[j];
        }
        return -0.5 * pair - field;
    }

    public static BruteForce Enumerate(IsingModel model)
    {
        int n = model.Size;
        long count = 1L << n;
        var e = new double[count];
        var s = new sbyte[n];
        for (long x = 0; x < count; x++)
        {
            for (int i = 0; i < n; i++) s[i] = (sbyte)(((x >> i) & 1) == 1 ? 1 : -1);
            e[x] = DefinitionEnergy(model, s);
        }
        double min = e.Min(), beta = model.Beta;
        double z = 0, se = 0, se2 = 0;
        var m = new double[n];
        var c = new double[n * n];
        var t = new double[n * n * n];
        var w = new double[count];
        for (long x = 0; x < count; x++)
        {
            w[x] = Math.Exp(-beta * (e[x] - min));
            z += w[x];
        }
        for (long x = 0; x < count; x++)
        {
            double p = w[x] / z;
            for (int i = 0; i < n; i++) s[i] = (sbyte)(((x >> i) & 1) == 1 ? 1 : -1);
            se += p * e[x];
            for (int i = 0; i < n; i++)
            {
                m[i] += p * s[i];
                for (int j = 0; j < n; j++)
                {
                    c[i * n + j] += p * s[i] * s[j];
                    for (int k = 0; k < n; k++) t[(i * n + j) * n + k] += p * s[i] * s[j] * s[k];
                }
            }
        }
        for (long x = 0; x < count; x++) se2 += w[x] / z * (e[x] - se) * (e[x] - se);
        double logZ = Math.Log(z) - beta * min;
        return new BruteForce(logZ, se, se2, logZ + beta * se, -logZ / beta, m, c, t, w.Select(v => v / z).ToArray());
    }

    /// <summary>A dense random model: J_ij uniform in [-scale, scale] (symmetric, zero diagonal), h_i uniform in [-fieldScale, fieldScale].</summary>
    public static IsingModel RandomModel(int n, Random rng, double scale = 1, double fieldScale = 0.5, double beta = 1)
    {
        var j = new double[n * n];
        var h = new double[n];
        for (int i = 0; i < n; i++)
        {
            h[i] = fieldScale * (2 * rng.NextDouble() - 1);
            for (int k = i + 1; k < n; k++) j[i * n + k] = j[k * n + i] = scale * (2 * rng.NextDouble() - 1);
        }
        return new IsingModel(n, j, h, beta);
    }
}
