using NeuralSpin.BinaryNets;
using NeuralSpin.Ising;

namespace NeuralSpin.Reproduction;

/// <summary>One TAP fixed point: magnetisations and its TAP free energy.</summary>
public sealed record TapPoint(double[] M, double FreeEnergy, double FreeEnergyPerSpin);

/// <summary>TAP fixed points reached from random starts (P2 App. I).</summary>
public sealed record TapSearch(IReadOnlyList<TapPoint> FixedPoints, int Converged, int NotConverged, IReadOnlyList<double> StartFreeEnergiesPerSpin);

/// <summary>One recorded point of a Monte-Carlo dynamics run from a reference configuration.</summary>
public sealed record McTracePoint(int Sweep, double EnergyPerSpin, double Overlap, double Observer);

/// <summary>
/// The TAP fixed-point search and the Monte-Carlo dynamics of P2 sec. IV.4, small self-contained versions used by the
/// paper-2 pipeline (the same equations as NOTATION.md section 7; beta = 1 as in P2).
/// </summary>
public static class Paper2Physics
{
    /// <summary>
    /// TAP free energy F(m) = -sum_i h_i m_i - 1/2 sum_ij J_ij m_i m_j - 1/4 sum_ij J_ij^2 (1-m_i^2)(1-m_j^2)
    /// + sum_i [(1+m_i)/2 ln((1+m_i)/2) + (1-m_i)/2 ln((1-m_i)/2)] (beta = 1; sums over ordered pairs i != j).
    /// </summary>
    public static double TapFreeEnergy(IsingModel model, ReadOnlySpan<double> m)
    {
        int n = model.Size;
        var j = model.Couplings;
        double f = 0;
        for (int i = 0; i < n; i++)
        {
            double mi = m[i];
            f -= model.Field(i) * mi;
            double a = 0, b = 0;
            var row = j.Slice(i * n, n);
            for (int k = 0; k < n; k++)
            {
                if (k == i) continue;
                a += row[k] * m[k];
                b += row[k] * row[k] * (1 - m[k] * m[k]);
            }
            f -= 0.5 * mi * a + 0.25 * (1 - mi * mi) * b;
            double p = (1 + mi) / 2, q = (1 - mi) / 2;
            if (p > 0) f += p * Math.Log(p);
            if (q > 0) f += q * Math.Log(q);
        }
        return f;
    }

    /// <summary>
    /// Iterates m_i &lt;- (1 - damping) m_i + damping tanh(h_i + sum_j J_ij m_j - m_i sum_j J_ij^2 (1 - m_j^2)) from
    /// <paramref name="starts"/> random starts m_i ~ U(-1, 1); converged points (max change &lt; tolerance) closer than
    /// <paramref name="distinctTolerance"/> (root-mean-square difference of m) are merged.
    /// </summary>
    public static TapSearch FindTapFixedPoints(IsingModel model, int starts, long seed, double damping = 0.5,
        double tolerance = 1e-8, int maxIterations = 2000, double distinctTolerance = 1e-3)
    {
        int n = model.Size;
        var j = model.Couplings.ToArray();
        var rng = new Random(unchecked((int)(seed ^ (seed >> 32))));
        var points = new List<TapPoint>();
        int conv = 0, notConv = 0;
        var all = new List<double>();
        var m = new double[n];
        for (int s = 0; s < starts; s++)
        {
            for (int i = 0; i < n; i++) m[i] = 2 * rng.NextDouble() - 1;
            bool ok = false;
            for (int it = 0; it < maxIterations && !ok; it++)
            {
                double maxChange = 0;
                for (int i = 0; i < n; i++)
                {
                    double a = model.Field(i), b = 0;
                    int o = i * n;
                    for (int k = 0; k < n; k++)
                    {
                        if (k == i) continue;
                        double jk = j[o + k];
                        a += jk * m[k];
                        b += jk * jk * (1 - m[k] * m[k]);
                    }
                    double next = (1 - damping) * m[i] + damping * Math.Tanh(a - m[i] * b);
                    maxChange = Math.Max(maxChange, Math.Abs(next - m[i]));
                    m[i] = next;
                }
                ok = maxChange < tolerance;
            }
            if (!ok) { notConv++; continue; }
            conv++;
            double fs = TapFreeEnergy(model, m) / n;
            all.Add(fs);
            bool seen = false;
            foreach (var p in points)
            {
                double d = 0;
                for (int i = 0; i < n; i++) d += (p.M[i] - m[i]) * (p.M[i] - m[i]);
                if (Math.Sqrt(d / n) < distinctTolerance) { seen = true; break; }
            }
            if (!seen)
            {
                double f = TapFreeEnergy(model, m);
                points.Add(new TapPoint((double[])m.Clone(), f, f / n));
            }
        }
        return new TapSearch(points.OrderBy(p => p.FreeEnergy).ToList(), conv, notConv, all);
    }

    /// <summary>
    /// Metropolis dynamics at beta = model.Beta from <paramref name="reference"/> (random sequential updates), recording
    /// every <paramref name="recordEvery"/> sweeps the energy per spin, the overlap q = s.s*/N and
    /// <paramref name="observer"/>(s) (e.g. the test accuracy of the network with these weights; NaN if null).
    /// </summary>
    public static IReadOnlyList<McTracePoint> McDynamics(IsingModel model, sbyte[] reference, int sweeps, long seed, int recordEvery,
        Func<sbyte[], double>? observer)
    {
        int n = model.Size;
        var s = (sbyte[])reference.Clone();
        var rng = new Random(unchecked((int)(seed ^ (seed >> 32))));
        var j = model.Couplings.ToArray();
        var field = new double[n];
        for (int i = 0; i < n; i++) field[i] = model.LocalField(s, i);
        double beta = model.Beta;
        var trace = new List<McTracePoint>();
        void Record(int sweep)
        {
            int dot = 0;
            for (int i = 0; i < n; i++) dot += s[i] * reference[i];
            trace.Add(new McTracePoint(sweep, model.Energy(s) / n, dot / (double)n, observer is null ? double.NaN : observer(s)));
        }
        Record(0);
        for (int sweep = 1; sweep <= sweeps; sweep++)
        {
            for (int step = 0; step < n; step++)
            {
                int i = rng.Next(n);
                double dE = 2 * s[i] * field[i];
                if (dE <= 0 || rng.NextDouble() < Math.Exp(-beta * dE))
                {
                    int delta = -2 * s[i];
                    s[i] = (sbyte)-s[i];
                    int o = i * n;
                    for (int k = 0; k < n; k++) field[k] += j[o + k] * delta;
                }
            }
            if (sweep % recordEvery == 0 || sweep == sweeps) Record(sweep);
        }
        return trace;
    }

    /// <summary>Extracts the columns [offset, offset + count) of M row-major configurations of width <paramref name="width"/>.</summary>
    public static sbyte[] Slice(sbyte[] configs, int width, int offset, int count)
    {
        int m = configs.Length / width;
        var r = new sbyte[(long)m * count];
        for (int a = 0; a < m; a++) Array.Copy(configs, (long)a * width + offset, r, (long)a * count, count);
        return r;
    }
}
