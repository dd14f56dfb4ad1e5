using System.Numerics;

namespace NeuralSpin.Classic;

/// <summary>The outcome of <see cref="HopfieldDynamics.Asynchronous"/>.</summary>
/// <param name="Final">The final configuration (a fixed point when <paramref name="Converged"/>).</param>
/// <param name="Overlap">m = (1/N) xi^mu . s of the final configuration with the tracked pattern.</param>
/// <param name="Sweeps">Sweeps done, the last one without a flip when converged.</param>
/// <param name="Flips">Spins flipped in total.</param>
/// <param name="Converged">True when a whole sweep flipped no spin (every s_i h_i &gt;= 0).</param>
/// <param name="EnergyPerSpin">E(s)/N at the start and after each sweep (non-increasing).</param>
public sealed record ZeroTemperatureResult(sbyte[] Final, double Overlap, int Sweeps, long Flips, bool Converged, double[] EnergyPerSpin);

/// <summary>The outcome of <see cref="HopfieldDynamics.Synchronous"/>.</summary>
/// <param name="Final">The configuration after the last step.</param>
/// <param name="Overlap">m = (1/N) xi^mu . s of <paramref name="Final"/> with the tracked pattern.</param>
/// <param name="Steps">Parallel updates done.</param>
/// <param name="CycleLength">1 for a fixed point, 2 for a two-cycle, 0 when neither was reached within the budget.</param>
public sealed record SynchronousResult(sbyte[] Final, double Overlap, int Steps, int CycleLength);

/// <summary>The outcome of <see cref="HopfieldDynamics.Glauber"/>.</summary>
/// <param name="Final">The configuration after the last sweep.</param>
/// <param name="MeanOverlap">The overlap with the tracked pattern averaged over the measurement sweeps (one value after each).</param>
/// <param name="OverlapStandardError">Batch-means standard error of <paramref name="MeanOverlap"/> (NaN with fewer than 10 measurement sweeps).</param>
/// <param name="FinalOverlap">The overlap after the last sweep.</param>
/// <param name="AcceptanceRate">Fraction of single-spin updates that changed the spin.</param>
public sealed record GlauberResult(sbyte[] Final, double MeanOverlap, double OverlapStandardError, double FinalOverlap, double AcceptanceRate);

/// <summary>
/// Retrieval dynamics of a <see cref="HopfieldNetwork"/> (docs/theory.md section 8). Local fields come from the
/// pattern overlaps, h_i = sum_mu xi_i^mu m_mu - alpha s_i, with the un-normalised overlaps N m_mu kept as exact
/// integers and updated in O(P) per flip, so a sweep costs O(N P) and no N x N matrix is built. Each run is
/// sequential and a pure function of its start and its generator; parallelism belongs to the caller, over
/// independent runs.
/// </summary>
public static class HopfieldDynamics
{
    /// <summary>
    /// Pattern <paramref name="mu"/> with round(<paramref name="flipFraction"/> N) distinct spins, chosen uniformly,
    /// reversed (a corrupted cue; flip fraction 0 returns the pattern itself without drawing).
    /// </summary>
    public static sbyte[] StartNear(HopfieldNetwork network, int mu, double flipFraction, Random random)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(random);
        if (!(flipFraction >= 0 && flipFraction <= 1)) throw new ArgumentOutOfRangeException(nameof(flipFraction), flipFraction, "the flip fraction must lie in [0, 1]");
        var s = network.Pattern(mu).ToArray();
        int flips = (int)Math.Round(flipFraction * s.Length);
        if (flips == 0) return s;
        var idx = new int[s.Length];
        for (int i = 0; i < idx.Length; i++) idx[i] = i;
        for (int k = 0; k < flips; k++)
        {
            int r = k + random.Next(idx.Length - k);
            (idx[k], idx[r]) = (idx[r], idx[k]);
            s[idx[k]] = (sbyte)-s[idx[k]];
        }
        return s;
    }

    /// <summary>
    /// Zero-temperature asynchronous dynamics: sweeps visit the N spins in a fresh uniformly random order and set
    /// s_i = sign(h_i) (a spin with h_i = 0 keeps its value), until a whole sweep flips nothing or
    /// <paramref name="maxSweeps"/> is reached. Each flip lowers E by 2 |h_i| &gt; 0, so the dynamics ends at a
    /// fixed point (a local minimum of E under single flips).
    /// </summary>
    /// <param name="network">The network.</param>
    /// <param name="start">Start configuration (+-1; not modified).</param>
    /// <param name="random">Generator of the visiting orders.</param>
    /// <param name="pattern">Index of the pattern whose overlap is reported.</param>
    /// <param name="maxSweeps">Sweep budget.</param>
    public static ZeroTemperatureResult Asynchronous(HopfieldNetwork network, ReadOnlySpan<sbyte> start, Random random, int pattern = 0, int maxSweeps = 10_000)
    {
        ArgumentNullException.ThrowIfNull(random);
        if (maxSweeps < 1) throw new ArgumentOutOfRangeException(nameof(maxSweeps), maxSweeps, "at least one sweep");
        var st = new State(network, start, pattern);
        int n = network.Size;
        var order = new int[n];
        for (int i = 0; i < n; i++) order[i] = i;
        var energies = new List<double> { st.EnergyPerSpin() };
        long flips = 0;
        int sweeps = 0;
        bool converged = false;
        while (sweeps < maxSweeps)
        {
            for (int k = n - 1; k > 0; k--)
            {
                int r = random.Next(k + 1);
                (order[k], order[r]) = (order[r], order[k]);
            }
            long before = flips;
            foreach (int i in order)
            {
                double h = st.Field(i);
                if (st.S[i] * h < 0) { st.Flip(i); flips++; }
            }
            sweeps++;
            energies.Add(st.EnergyPerSpin());
            if (flips == before) { converged = true; break; }
        }
        return new ZeroTemperatureResult(st.S, st.Overlap(), sweeps, flips, converged, energies.ToArray());
    }

    /// <summary>
    /// Zero-temperature synchronous (parallel) dynamics s_i(t+1) = sign(h_i(s(t))) (h_i = 0 keeps s_i), for at most
    /// <paramref name="maxSteps"/> steps. With symmetric couplings the parallel dynamics ends in a fixed point or
    /// a two-cycle (Goles: L(t) = -sum_i s_i(t) h_i(s(t-1)) never increases), both of which are detected.
    /// </summary>
    public static SynchronousResult Synchronous(HopfieldNetwork network, ReadOnlySpan<sbyte> start, int pattern = 0, int maxSteps = 10_000)
    {
        if (maxSteps < 1) throw new ArgumentOutOfRangeException(nameof(maxSteps), maxSteps, "at least one step");
        int n = network.Size;
        var st = new State(network, start, pattern);
        var previous = st.S.ToArray(); // s(t-1)
        var next = new sbyte[n];
        for (int step = 1; step <= maxSteps; step++)
        {
            for (int i = 0; i < n; i++)
            {
                double h = st.Field(i);
                next[i] = h > 0 ? (sbyte)1 : h < 0 ? (sbyte)-1 : st.S[i];
            }
            var before = st.S.ToArray();
            for (int i = 0; i < n; i++) if (next[i] != st.S[i]) st.Flip(i);
            if (st.S.AsSpan().SequenceEqual(before)) return new SynchronousResult(st.S, st.Overlap(), step, 1);
            if (step >= 2 && st.S.AsSpan().SequenceEqual(previous)) return new SynchronousResult(st.S, st.Overlap(), step, 2);
            previous = before;
        }
        return new SynchronousResult(st.S, st.Overlap(), maxSteps, 0);
    }

    /// <summary>
    /// Glauber (heat-bath) dynamics at temperature T: a sweep is N updates of uniformly random spins, each set to
    /// +1 with probability 1 / (1 + e^{-2 h_i / T}) (at T = 0: to sign(h_i), a random sign when h_i = 0). After
    /// <paramref name="burnInSweeps"/> sweeps the overlap with the tracked pattern is recorded after each of
    /// <paramref name="measureSweeps"/> sweeps and averaged.
    /// </summary>
    public static GlauberResult Glauber(HopfieldNetwork network, ReadOnlySpan<sbyte> start, double temperature, int burnInSweeps, int measureSweeps, Random random, int pattern = 0)
    {
        ArgumentNullException.ThrowIfNull(random);
        if (!(temperature >= 0) || !double.IsFinite(temperature)) throw new ArgumentOutOfRangeException(nameof(temperature), temperature, "T must be finite and >= 0");
        if (burnInSweeps < 0) throw new ArgumentOutOfRangeException(nameof(burnInSweeps), burnInSweeps, "burn-in must be >= 0");
        if (measureSweeps < 1) throw new ArgumentOutOfRangeException(nameof(measureSweeps), measureSweeps, "at least one measurement sweep");
        int n = network.Size;
        var st = new State(network, start, pattern);
        double twoBeta = temperature > 0 ? 2 / temperature : double.PositiveInfinity;
        long accepted = 0, attempted = 0;
        var trace = new double[measureSweeps];
        for (int sweep = 0; sweep < burnInSweeps + measureSweeps; sweep++)
        {
            for (int step = 0; step < n; step++)
            {
                int i = random.Next(n);
                double h = st.Field(i);
                double u = random.NextDouble();
                sbyte target;
                if (double.IsPositiveInfinity(twoBeta)) target = h > 0 ? (sbyte)1 : h < 0 ? (sbyte)-1 : u < 0.5 ? (sbyte)1 : (sbyte)-1;
                else target = u * (1 + Math.Exp(-twoBeta * h)) < 1 ? (sbyte)1 : (sbyte)-1;
                attempted++;
                if (target != st.S[i]) { st.Flip(i); accepted++; }
            }
            if (sweep >= burnInSweeps) trace[sweep - burnInSweeps] = st.Overlap();
        }
        double mean = trace.Average();
        double se = measureSweeps >= 10 ? NeuralSpin.Ising.MonteCarlo.BatchMeansStandardError(trace, Math.Min(10, measureSweeps)) : double.NaN;
        return new GlauberResult(st.S, mean, se, trace[^1], (double)accepted / attempted);
    }

    /// <summary>The running state: spins and the un-normalised overlaps c_mu = sum_i xi_i^mu s_i (exact integers).</summary>
    sealed class State
    {
        readonly HopfieldNetwork _net;
        readonly double[] _sums;
        readonly int _pattern;
        public readonly sbyte[] S;

        public State(HopfieldNetwork net, ReadOnlySpan<sbyte> start, int pattern)
        {
            ArgumentNullException.ThrowIfNull(net);
            net.CheckConfiguration(start);
            if (pattern < 0 || pattern >= net.PatternCount) throw new ArgumentOutOfRangeException(nameof(pattern), pattern, $"pattern index must lie in 0..{net.PatternCount - 1}");
            for (int i = 0; i < start.Length; i++)
                if (start[i] is not (1 or -1)) throw new ArgumentException($"start spin {i} is {start[i]}, not +-1", nameof(start));
            _net = net;
            _pattern = pattern;
            S = start.ToArray();
            _sums = new double[net.PatternCount];
            for (int mu = 0; mu < _sums.Length; mu++) _sums[mu] = net.PatternSum(mu, S);
        }

        public double Field(int i) => _net.FieldFromSums(i, _sums, S[i]);

        public void Flip(int i)
        {
            S[i] = (sbyte)-S[i];
            double d = 2 * S[i];
            var row = _net.NeuronRow(i);
            var c = _sums.AsSpan();
            int k = 0;
            if (Vector.IsHardwareAccelerated)
            {
                var dv = new Vector<double>(d);
                for (; k <= c.Length - Vector<double>.Count; k += Vector<double>.Count)
                    (new Vector<double>(c.Slice(k)) + dv * new Vector<double>(row.Slice(k))).CopyTo(c.Slice(k));
            }
            for (; k < c.Length; k++) c[k] += d * row[k];
        }

        public double Overlap() => _sums[_pattern] / _net.Size;

        public double EnergyPerSpin()
        {
            double sq = 0;
            foreach (var c in _sums) sq += c * c;
            return (-0.5 * sq / _net.Size + 0.5 * _net.PatternCount) / _net.Size;
        }
    }
}
