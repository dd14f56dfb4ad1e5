using NeuralSpin.Ising;

namespace NeuralSpin.Tests.Ising;

/// <summary>
/// The slow, obviously correct oracle of the BP tests: a 2^N enumeration (N &lt;= 16) of
/// P_a(s) ∝ exp(-beta E(s) + sum_i a_i s_i), in log-sum-exp form; plus generators of random trees, forests and SK models.
/// Kept private to the BP tests on purpose (the exact-enumeration engine of the library is developed elsewhere).
/// </summary>
public static class BpTestSupport
{
    /// <summary>Exact moments and thermodynamics of P_a.</summary>
    /// <param name="Magnetizations">&lt;s_i&gt;.</param>
    /// <param name="Correlations">Raw &lt;s_i s_j&gt;, row-major N x N (diagonal 1).</param>
    /// <param name="LnZ">ln sum_s exp(-beta E(s) + a.s).</param>
    /// <param name="Energy">&lt;E&gt; (model energy, without the a term).</param>
    /// <param name="Entropy">-sum_s P ln P (nats).</param>
    public sealed record Exact(double[] Magnetizations, double[] Correlations, double LnZ, double Energy, double Entropy)
    {
        public double Correlation(int i, int j) => Correlations[i * Magnetizations.Length + j];
    }

    public static Exact Enumerate(IsingModel model, double[]? extra = null)
    {
        int n = model.Size;
        if (n > 16) throw new ArgumentException("enumeration is for N <= 16");
        long count = 1L << n;
        var s = new sbyte[n];
        var logw = new double[count];
        var energies = new double[count];
        double top = double.NegativeInfinity;
        for (long c = 0; c < count; c++)
        {
            Fill(c, s);
            double e = model.Energy(s);
            double lw = -model.Beta * e;
            if (extra is not null) for (int i = 0; i < n; i++) lw += extra[i] * s[i];
            logw[c] = lw;
            energies[c] = e;
            top = Math.Max(top, lw);
        }
        double z = 0;
        for (long c = 0; c < count; c++) z += Math.Exp(logw[c] - top);
        double lnZ = top + Math.Log(z);
        var m = new double[n];
        var corr = new double[n * n];
        double energy = 0, entropy = 0;
        for (long c = 0; c < count; c++)
        {
            double p = Math.Exp(logw[c] - lnZ);
            if (p == 0) continue;
            Fill(c, s);
            energy += p * energies[c];
            entropy -= p * (logw[c] - lnZ);
            for (int i = 0; i < n; i++)
            {
                m[i] += p * s[i];
                for (int j = 0; j < n; j++) corr[i * n + j] += p * s[i] * s[j];
            }
        }
        return new Exact(m, corr, lnZ, energy, entropy);
    }

    static void Fill(long c, sbyte[] s)
    {
        for (int i = 0; i < s.Length; i++) s[i] = (sbyte)(((c >> i) & 1) == 0 ? 1 : -1);
    }

    static double Uniform(Random r, double lo, double hi) => lo + (hi - lo) * r.NextDouble();

    /// <summary>A random tree (spin k &gt; 0 attached to a uniformly chosen earlier spin, labels permuted), couplings
    /// uniform in ±[0.1, jMax] with random sign, fields uniform in [-hMax, hMax]. With dropEdges &gt; 0 that many edges are
    /// removed, giving a forest.</summary>
    public static IsingModel RandomTree(Random r, int n, double jMax, double hMax, double beta, int dropEdges = 0)
    {
        var perm = Enumerable.Range(0, n).OrderBy(_ => r.Next()).ToArray();
        var edges = new List<(int, int)>();
        for (int k = 1; k < n; k++) edges.Add((perm[k], perm[r.Next(k)]));
        for (int k = 0; k < dropEdges && edges.Count > 0; k++) edges.RemoveAt(r.Next(edges.Count));
        var j = new double[n * n];
        foreach (var (a, b) in edges)
        {
            double v = Uniform(r, 0.1, jMax) * (r.Next(2) == 0 ? 1 : -1);
            j[a * n + b] = v;
            j[b * n + a] = v;
        }
        var h = new double[n];
        for (int i = 0; i < n; i++) h[i] = Uniform(r, -hMax, hMax);
        return new IsingModel(n, j, h, beta);
    }

    /// <summary>Sherrington-Kirkpatrick couplings J_ij = (J / sqrt N) g_ij with standard normal g, fields uniform in [-hMax, hMax].</summary>
    public static IsingModel Sk(Random r, int n, double jScale, double hMax, double beta)
    {
        var j = new double[n * n];
        for (int a = 0; a < n; a++)
            for (int b = a + 1; b < n; b++)
            {
                double g = Math.Sqrt(-2 * Math.Log(1 - r.NextDouble())) * Math.Cos(2 * Math.PI * r.NextDouble());
                j[a * n + b] = j[b * n + a] = jScale / Math.Sqrt(n) * g;
            }
        var h = new double[n];
        for (int i = 0; i < n; i++) h[i] = Uniform(r, -hMax, hMax);
        return new IsingModel(n, j, h, beta);
    }

    /// <summary>A random 3-regular graph on n (even) spins by the configuration model with rejection of loops and
    /// multi-edges; all couplings equal to jValue, fields h.</summary>
    public static IsingModel RandomRegular3(Random r, int n, double jValue, double h, double beta)
    {
        while (true)
        {
            var stubs = Enumerable.Range(0, 3 * n).Select(k => k / 3).OrderBy(_ => r.Next()).ToArray();
            var j = new double[n * n];
            bool ok = true;
            for (int k = 0; k < stubs.Length && ok; k += 2)
            {
                int a = stubs[k], b = stubs[k + 1];
                if (a == b || j[a * n + b] != 0) ok = false;
                else j[a * n + b] = j[b * n + a] = jValue;
            }
            if (ok) return new IsingModel(n, j, Enumerable.Repeat(h, n).ToArray(), beta);
        }
    }
}
