using System.Numerics;

namespace NeuralSpin.Ising.Inverse;

/// <summary>
/// Empirical moments of M configurations of N spins s_i = +-1 (docs/theory.md section 7): magnetizations
/// m_i = &lt;s_i&gt;, raw correlations C_ij = &lt;s_i s_j&gt; (diagonal 1) and connected correlations
/// C_ij - m_i m_j, all row-major N x N and exactly symmetric.
/// </summary>
/// <remarks>
/// Counting is exact in integers: each spin's column is packed into bits (bit set for s = -1), and
/// &lt;s_i s_j&gt; = 1 - 2 popcount(b_i xor b_j) / M. For M = 1e5 and N = 300 this is ~7e7 popcounts,
/// a fraction of a second, so no floating-point matrix product (or libtorch) is needed.
/// </remarks>
public sealed class SampleMoments
{
    SampleMoments(int samples, int n, double[] m, double[] c, double[] connected)
    {
        Samples = samples; Size = n; Magnetizations = m; Correlations = c; Connected = connected;
    }

    /// <summary>Number of configurations M.</summary>
    public int Samples { get; }

    /// <summary>Number of spins N.</summary>
    public int Size { get; }

    /// <summary>m_i = (1/M) sum_mu s_i^mu.</summary>
    public double[] Magnetizations { get; }

    /// <summary>Raw C_ij = (1/M) sum_mu s_i^mu s_j^mu, row-major, diagonal 1.</summary>
    public double[] Correlations { get; }

    /// <summary>Connected C_ij - m_i m_j, row-major (diagonal 1 - m_i^2).</summary>
    public double[] Connected { get; }

    /// <summary>Moments of <paramref name="configs"/>, row-major M x <paramref name="nSpins"/> values +-1.</summary>
    /// <exception cref="ArgumentException">Empty data, a length that is not a multiple of N, or a value other than +-1.</exception>
    public static SampleMoments From(sbyte[] configs, int nSpins)
    {
        int samples = ValidateConfigs(configs, nSpins);
        int n = nSpins;
        int words = (samples + 63) / 64;
        // column-packed bit sets: bit mu of spin i set when s_i^mu = -1
        var bits = new ulong[(long)n * words];
        var down = new long[n];
        for (int mu = 0; mu < samples; mu++)
        {
            long row = (long)mu * n;
            // Stryker disable once Bitwise : mu >= 0, where the arithmetic and the logical shift agree
            int w = mu >> 6;
            ulong bit = 1UL << (mu & 63);
            for (int i = 0; i < n; i++)
                // Stryker disable once Equality,Assignment : the values were checked to be +-1 (never 0); each bit is set at most once in a word that starts at 0, so xor sets it as or does
                if (configs[row + i] < 0) { bits[(long)i * words + w] |= bit; down[i]++; }
        }
        var m = new double[n];
        for (int i = 0; i < n; i++) m[i] = (samples - 2.0 * down[i]) / samples;
        var c = new double[(long)n * n];
        Parallel.For(0, n, i =>
        {
            var bi = bits.AsSpan((int)((long)i * words), words);
            c[(long)i * n + i] = 1;
            for (int j = i + 1; j < n; j++)
            {
                var bj = bits.AsSpan((int)((long)j * words), words);
                long differ = 0;
                for (int k = 0; k < words; k++) differ += BitOperations.PopCount(bi[k] ^ bj[k]);
                double v = (samples - 2.0 * differ) / samples;
                c[(long)i * n + j] = v;
                c[(long)j * n + i] = v;
            }
        });
        var connected = new double[(long)n * n];
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++)
                connected[(long)i * n + j] = c[(long)i * n + j] - m[i] * m[j];
        return new SampleMoments(samples, n, m, c, connected);
    }

    /// <summary>Checks shape and +-1 values; returns M.</summary>
    internal static int ValidateConfigs(sbyte[] configs, int nSpins)
    {
        if (nSpins < 1) throw new ArgumentException("need at least one spin");
        if (configs.Length == 0) throw new ArgumentException("no configurations");
        if (configs.Length % nSpins != 0) throw new ArgumentException($"{configs.Length} values are not a whole number of {nSpins}-spin configurations");
        for (int k = 0; k < configs.Length; k++)
            if (configs[k] != 1 && configs[k] != -1)
                throw new ArgumentException($"configuration {k / nSpins}, spin {k % nSpins}: value {configs[k]} is not +-1");
        return configs.Length / nSpins;
    }
}
