using System.Numerics;
using System.Runtime.CompilerServices;

namespace NeuralSpin.Ising;

/// <summary>Options of <see cref="ExactEnumeration.Compute"/>.</summary>
public sealed record ExactEnumerationOptions
{
    /// <summary>Enumerate the chunks in parallel (the result is bitwise the same either way: the chunking and the
    /// order in which chunk sums are combined depend only on N, <see cref="InnerBits"/> and <see cref="ChunkBits"/>).</summary>
    // Stryker disable once Boolean : either default gives bitwise the same result (the chunking and the combination order do not depend on it)
    public bool Parallel { get; init; } = true;

    /// <summary>Upper bound on threads (-1: the runtime's default).</summary>
    // Stryker disable once Unary : a thread count; the result is bitwise the same for any
    public int MaxDegreeOfParallelism { get; init; } = -1;

    /// <summary>Also compute the three-point correlations &lt;s_i s_j s_k&gt; (N^3 doubles per chunk).</summary>
    public bool ThreePoint { get; init; }

    /// <summary>Spins in the innermost Gray-code block whose weights are buffered (default 10, capped at N).</summary>
    public int InnerBits { get; init; } = 10;

    /// <summary>Top spins fixed per chunk; the enumeration runs as 2^ChunkBits independent Gray sequences
    /// (default: min(6, N - InnerBits)).</summary>
    public int? ChunkBits { get; init; }

    /// <summary>Receives the number of chunks done (out of <see cref="ExactEnumeration.ChunkCount"/>) as they finish; may be called from several threads.</summary>
    public IProgress<int>? Progress { get; init; }
}

/// <summary>
/// The exact thermodynamics of an <see cref="IsingModel"/> by enumerating all 2^N configurations
/// (docs/theory.md section 7: E(s) = -1/2 s^T J s - h^T s, P(s) = exp(-beta E)/Z, spins +-1; natural logs).
/// Values are stable for any beta and energy scale: weights are kept relative to a reference energy
/// (log-sum-exp), so ln Z = ln(sum_s e^{-beta (E(s) - E_ref)}) - beta E_ref never overflows.
/// </summary>
public sealed class ExactResult
{
    internal ExactResult(IsingModel model, double logZ, double meanEnergy, double energyVariance, double groundEnergy, long groundIndex,
        double[] m, double[] c, double[]? three)
    {
        Model = model;
        LogZ = logZ;
        MeanEnergy = meanEnergy;
        EnergyVariance = energyVariance;
        GroundStateEnergy = groundEnergy;
        GroundState = ConfigurationIndex.ToSpins(groundIndex, model.Size);
        Magnetizations = m;
        Correlations = c;
        int n = model.Size;
        var conn = new double[n * n];
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++) conn[i * n + j] = c[i * n + j] - m[i] * m[j];
        ConnectedCorrelations = conn;
        ThreePointCorrelations = three;
    }

    /// <summary>The model enumerated.</summary>
    public IsingModel Model { get; }

    /// <summary>Number of spins N.</summary>
    public int Size => Model.Size;

    /// <summary>Inverse temperature.</summary>
    public double Beta => Model.Beta;

    /// <summary>ln Z, Z = sum_s exp(-beta E(s)).</summary>
    public double LogZ { get; }

    /// <summary>Free energy F = -ln Z / beta (-infinity at beta = 0).</summary>
    public double FreeEnergy => -LogZ / Beta;

    /// <summary>Mean energy &lt;E&gt;.</summary>
    public double MeanEnergy { get; }

    /// <summary>Var(E) = &lt;E^2&gt; - &lt;E&gt;^2.</summary>
    public double EnergyVariance { get; }

    /// <summary>Heat capacity C = beta^2 Var(E) (k_B = 1).</summary>
    public double HeatCapacity => Beta * Beta * EnergyVariance;

    /// <summary>Entropy in nats, S = beta (&lt;E&gt; - F) = ln Z + beta &lt;E&gt;.</summary>
    public double Entropy => LogZ + Beta * MeanEnergy;

    /// <summary>The lowest energy min_s E(s).</summary>
    public double GroundStateEnergy { get; }

    /// <summary>A configuration with the lowest energy (the first in enumeration order among ties, up to rounding).</summary>
    public sbyte[] GroundState { get; }

    /// <summary>m_i = &lt;s_i&gt;.</summary>
    public double[] Magnetizations { get; }

    /// <summary>Raw correlations &lt;s_i s_j&gt;, row-major N x N (diagonal 1).</summary>
    public double[] Correlations { get; }

    /// <summary>Connected correlations &lt;s_i s_j&gt; - m_i m_j, row-major N x N.</summary>
    public double[] ConnectedCorrelations { get; }

    /// <summary>&lt;s_i s_j s_k&gt; at [(i N + j) N + k], when requested (<see cref="ExactEnumerationOptions.ThreePoint"/>); else null.
    /// Entries with repeated indices reduce (s_i^2 = 1): &lt;s_i s_i s_k&gt; = m_k.</summary>
    public double[]? ThreePointCorrelations { get; }

    /// <summary>&lt;s_i s_j&gt;.</summary>
    public double Correlation(int i, int j) => Correlations[i * Size + j];

    /// <summary>&lt;s_i s_j s_k&gt; (requires <see cref="ExactEnumerationOptions.ThreePoint"/>).</summary>
    public double ThreePoint(int i, int j, int k) =>
        (ThreePointCorrelations ?? throw new InvalidOperationException("three-point correlations were not requested (ExactEnumerationOptions.ThreePoint)"))[((long)i * Size + j) * Size + k];

    /// <summary>ln P(s) = -beta E(s) - ln Z.</summary>
    public double LogProbability(ReadOnlySpan<sbyte> s) => -Beta * Model.Energy(s) - LogZ;

    /// <summary>P(s) = exp(-beta E(s)) / Z.</summary>
    public double Probability(ReadOnlySpan<sbyte> s) => Math.Exp(LogProbability(s));
}

/// <summary>
/// Exact enumeration of all 2^N configurations of an <see cref="IsingModel"/>, for N up to about 26.
/// <para>
/// Algorithm. The configurations are visited in Gray-code order, so consecutive ones differ by one spin and
/// the energy is updated in O(1) from the local field, dE = 2 s_q H_q with H_q = h_q + sum_j J_qj s_j
/// (docs/theory.md section 7). The top <see cref="ExactEnumerationOptions.ChunkBits"/> spins are fixed per chunk
/// and the 2^k chunks run as independent Gray sequences (Parallel.For). Within a chunk the lowest
/// b = <see cref="ExactEnumerationOptions.InnerBits"/> spins form an inner block: only their local fields are
/// maintained (O(b) per configuration), the block's Boltzmann weights are buffered by inner configuration,
/// and moments are formed per block: pairs and triples among the outer spins (fixed in the block) from the
/// block's partition sum, mixed ones from the block's inner magnetizations (and pair sums), and moments among
/// the inner spins from the weight of each inner configuration summed over all blocks, at the end. The cost is
/// O(2^N b) plus O(2^(N-b) N^2) (N^3 with three-point correlations).
/// </para>
/// <para>
/// Stability: weights are e^{-beta (E - E_ref)} with E_ref a visited energy per chunk, moved down (and all sums
/// rescaled) whenever a configuration lies more than 32/beta below it, so no weight exceeds e^32 and the
/// reference state has weight 1; chunks are combined relative to the lowest reference (log-sum-exp).
/// The energy moments are accumulated as a weighted running mean and sum of squared deviations (West's weighted
/// form of Welford's update, rescaled with the weights, chunks merged by Chan's pairwise formula), so Var(E) carries
/// no cancellation of &lt;E^2&gt; against &lt;E&gt;^2: it keeps its relative accuracy at low temperature, where it is
/// exponentially small beside E^2.
/// Tests: equal to a naive brute-force loop to 1e-12 (N &lt;= 13), parallel equal to serial bitwise.
/// </para>
/// </summary>
public static class ExactEnumeration
{
    /// <summary>The largest N accepted by <see cref="Compute"/> (2^30 configurations).</summary>
    public const int MaxSpins = 30;

    /// <summary>The largest N accepted by <see cref="Probabilities"/> and <see cref="Sample"/> (a 2^24 vector).</summary>
    public const int MaxProbabilitySpins = 24;

    const double RescaleThreshold = 32;

    /// <summary>The number of independent chunks <see cref="Compute"/> enumerates for <paramref name="spins"/> spins (the units of its progress).</summary>
    public static int ChunkCount(int spins, ExactEnumerationOptions? options = null)
    {
        options ??= new ExactEnumerationOptions();
        int b = Math.Min(spins, Math.Max(1, options.InnerBits));
        return 1 << (options.ChunkBits ?? Math.Min(6, spins - b));
    }

    /// <summary>Enumerates the model (see the class remarks).</summary>
    public static ExactResult Compute(IsingModel model, ExactEnumerationOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        options ??= new ExactEnumerationOptions();
        int n = model.Size;
        if (n > MaxSpins) throw new ArgumentException($"exact enumeration is limited to N <= {MaxSpins} spins, got {n}");
        if (options.InnerBits < 1) throw new ArgumentException("InnerBits must be at least 1");
        int b = Math.Min(n, options.InnerBits);
        int k = options.ChunkBits ?? Math.Min(6, n - b);
        if (k < 0 || k > n - b) throw new ArgumentException($"ChunkBits must be in 0..{n - b} for N = {n} and {b} inner bits, got {k}");
        var layout = new Layout(n, b, n - b - k, k, options.ThreePoint);
        var j = model.CouplingsCopy();
        var h = model.FieldsCopy();
        double beta = model.Beta;

        int chunks = 1 << k;
        var results = new Chunk[chunks];
        int done = 0;
        var progress = options.Progress;
        // Stryker disable once Logical,Equality,Boolean : both branches run the same chunks and store them by index; the combination order is fixed
        if (options.Parallel && chunks > 1)
            // Stryker disable once Initializer : the thread count only
            System.Threading.Tasks.Parallel.For(0, chunks, new ParallelOptions { MaxDegreeOfParallelism = options.MaxDegreeOfParallelism }, c =>
            {
                results[c] = Chunk.Run(layout, j, h, beta, c);
                progress?.Report(Interlocked.Increment(ref done));
            });
        else
            for (int c = 0; c < chunks; c++)
            {
                results[c] = Chunk.Run(layout, j, h, beta, c);
                progress?.Report(++done);
            }

        return Combine(model, layout, results);
    }

    sealed record Layout(int N, int Inner, int Middle, int Top, bool Three)
    {
        public int Low => Inner + Middle;
    }

    /// <summary>Sums of one chunk, all relative to e^{-beta (E - ERef)}; the energy's weighted mean and sum of squared
    /// deviations with their weight sum (EWeight, EMean, EM2).</summary>
    sealed class Chunk
    {
        public double ERef, Z, EWeight, EMean, EM2, GroundE = double.PositiveInfinity;
        public long GroundIndex;
        public double[] W = [], M = [], C = [];
        public double[]? T;

        // AggressiveOptimization: the hot loop runs once per call, so tiered compilation would leave it in
        // on-stack-replacement code (measured 5x slower at N = 20).
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public static Chunk Run(Layout lay, double[] j, double[] h, double beta, int chunk)
        {
            int n = lay.N, b = lay.Inner, low = lay.Low;
            int blockSize = 1 << b;
            var r = new Chunk { W = new double[blockSize], M = new double[n], C = new double[n * n], T = lay.Three ? new double[n * n * n] : null };
            var s = new double[n];
            for (int i = 0; i < n; i++) s[i] = i >= low && ((chunk >> (i - low)) & 1) != 0 ? 1 : -1;
            double e = 0;
            for (int i = 0; i < n; i++)
            {
                double row = 0;
                for (int q = i + 1; q < n; q++) row += j[i * n + q] * s[q];
                e -= s[i] * (row + h[i]);
            }
            var hin = new double[b];
            for (int i = 0; i < b; i++)
            {
                double f = h[i];
                for (int q = 0; q < n; q++) f += j[i * n + q] * s[q];
                hin[i] = f;
            }
            // column q of J restricted to the inner spins, contiguous: jin[q * b + i] = J_iq
            var jin = new double[n * b];
            for (int q = 0; q < n; q++)
                for (int i = 0; i < b; i++) jin[q * b + i] = j[i * n + q];

            r.ERef = e;
            var wb = new double[blockSize];
            var mIn = new double[b];
            var q2 = lay.Three ? new double[b * b] : null;
            long middleIndex = 0;
            int inner = 0;
            long topIndex = (long)chunk << low;
            long blocks = 1L << lay.Middle;
            // the energy's running weighted mean and sum of squared deviations (Welford's update with weights): the
            // reference configuration's weight 1 stays in eW (scaled only when a new reference of weight 1 arrives),
            // so eW >= 1 after the first configuration and the division is safe
            double eW = 0, eMean = 0, eM2 = 0;
            for (long u = 0; u < blocks; u++)
            {
                if (u > 0)
                {
                    int p = b + BitOperations.TrailingZeroCount(u);
                    double f = h[p];
                    for (int q = 0; q < n; q++) f += j[p * n + q] * s[q];
                    e += 2 * s[p] * f;
                    s[p] = -s[p];
                    middleIndex ^= 1L << p;
                    // Stryker disable once Arithmetic : s_p = +-1, so 2 s_p = 2 / s_p exactly
                    double d = 2 * s[p];
                    var col = jin.AsSpan(p * b, b);
                    for (int i = 0; i < b; i++) hin[i] += d * col[i];
                }
                double zb = 0;
                for (int t = 0; t < blockSize; t++)
                {
                    if (t > 0)
                    {
                        int qf = BitOperations.TrailingZeroCount(t);
                        e += 2 * s[qf] * hin[qf];
                        s[qf] = -s[qf];
                        inner ^= 1 << qf;
                        // Stryker disable once Arithmetic : s_q = +-1, so 2 s_q = 2 / s_q exactly
                        double d = 2 * s[qf];
                        var col = jin.AsSpan(qf * b, b);
                        for (int i = 0; i < b; i++) hin[i] += d * col[i];
                    }
                    if (e < r.GroundE)
                    {
                        r.GroundE = e;
                        r.GroundIndex = topIndex | middleIndex | (uint)inner;
                    }
                    double x = beta * (e - r.ERef);
                    if (x < -RescaleThreshold)
                    {
                        double factor = Math.Exp(x);
                        r.Rescale(factor);
                        for (int i = 0; i < blockSize; i++) wb[i] *= factor;
                        zb *= factor; eW *= factor; eM2 *= factor;
                        r.ERef = e;
                        x = 0;
                    }
                    double w = Math.Exp(-x);
                    wb[inner] = w;
                    zb += w;
                    // M2 += w (E - mean_old)(E - mean_new), written as W_old (w / W) (E - mean_old)^2: the factor
                    // E - mean_new would be a difference of two nearly equal energies (absolute error eps |E|), which
                    // at low temperature is all of Var(E)
                    double wOld = eW, dev = e - eMean;
                    eW += w;
                    double share = w / eW;
                    eMean += dev * share;
                    eM2 += wOld * share * dev * dev;
                }
                r.Z += zb;
                r.EndBlock(lay, wb, zb, s, mIn, q2);
            }
            r.EWeight = eW; r.EMean = eMean; r.EM2 = eM2;
            return r;
        }

        void Rescale(double f)
        {
            Z *= f;
            Scale(W, f); Scale(M, f); Scale(C, f);
            if (T is not null) Scale(T, f);
        }

        static void Scale(double[] a, double f)
        {
            for (int i = 0; i < a.Length; i++) a[i] *= f;
        }

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        void EndBlock(Layout lay, double[] wb, double zb, double[] s, double[] mIn, double[]? q2)
        {
            int n = lay.N, b = lay.Inner;
            for (int t = 0; t < wb.Length; t++) W[t] += wb[t];
            // Stryker disable once Statement : without the return the loops over the outer spins o = b..N-1 are empty
            if (b == n) return; // no outer spins: everything comes from W at the end
            Array.Clear(mIn);
            if (q2 is not null) Array.Clear(q2);
            for (int t = 0; t < wb.Length; t++)
            {
                double w = wb[t];
                for (int i = 0; i < b; i++) mIn[i] += ((t >> i) & 1) != 0 ? w : -w;
                if (q2 is not null)
                    for (int i = 0; i < b; i++)
                    {
                        double wi = ((t >> i) & 1) != 0 ? w : -w;
                        for (int q = i + 1; q < b; q++) q2[i * b + q] += ((t >> q) & 1) != 0 ? wi : -wi;
                    }
            }
            for (int o = b; o < n; o++)
            {
                double so = s[o];
                // Stryker disable once Arithmetic : so = +-1, so zb so = zb / so exactly
                M[o] += zb * so;
                for (int i = 0; i < b; i++) C[i * n + o] += mIn[i] * so;
                for (int o2 = o + 1; o2 < n; o2++) C[o * n + o2] += zb * so * s[o2];
            }
            // Stryker disable once Logical : T and q2 are both allocated (three-point correlations requested) or both null
        if (T is null || q2 is null) return;
            for (int i = 0; i < b; i++)
                for (int q = i + 1; q < b; q++)
                {
                    double v = q2[i * b + q];
                    int baseIq = (i * n + q) * n;
                    for (int o = b; o < n; o++) T[baseIq + o] += v * s[o];
                }
            for (int o = b; o < n; o++)
                for (int o2 = o + 1; o2 < n; o2++)
                {
                    // Stryker disable once Arithmetic : s = +-1, so s_o s_o2 = s_o / s_o2 exactly
                    double ss = s[o] * s[o2];
                    for (int i = 0; i < b; i++) T[(i * n + o) * n + o2] += mIn[i] * ss;
                    // Stryker disable once Arithmetic : ss = +-1, so zb ss = zb / ss exactly
                    double zss = zb * ss;
                    int baseOo = (o * n + o2) * n;
                    for (int o3 = o2 + 1; o3 < n; o3++) T[baseOo + o3] += zss * s[o3];
                }
        }
    }

    static ExactResult Combine(IsingModel model, Layout lay, Chunk[] chunks)
    {
        int n = lay.N, b = lay.Inner;
        double beta = model.Beta;
        double eRef = chunks.Min(c => c.ERef);
        double z = 0, eW = 0, eMean = 0, eM2 = 0, ground = double.PositiveInfinity;
        long groundIndex = 0;
        var w = new double[1 << b];
        var m = new double[n];
        var c2 = new double[n * n];
        var t3 = lay.Three ? new double[n * n * n] : null;
        foreach (var ch in chunks)
        {
            double f = Math.Exp(-beta * (ch.ERef - eRef));
            z += f * ch.Z;
            (eW, eMean, eM2) = MergeMoments(eW, eMean, eM2, f * ch.EWeight, ch.EMean, f * ch.EM2);
            if (ch.GroundE < ground) { ground = ch.GroundE; groundIndex = ch.GroundIndex; }
            for (int i = 0; i < w.Length; i++) w[i] += f * ch.W[i];
            for (int i = 0; i < n; i++) m[i] += f * ch.M[i];
            for (int i = 0; i < c2.Length; i++) c2[i] += f * ch.C[i];
            if (t3 is not null) for (int i = 0; i < t3.Length; i++) t3[i] += f * ch.T![i];
        }
        // moments among the inner spins from the summed weight of each inner configuration
        for (int t = 0; t < w.Length; t++)
        {
            double wt = w[t];
            for (int i = 0; i < b; i++)
            {
                double wi = ((t >> i) & 1) != 0 ? wt : -wt;
                m[i] += wi;
                for (int q = i + 1; q < b; q++)
                {
                    double wiq = ((t >> q) & 1) != 0 ? wi : -wi;
                    c2[i * n + q] += wiq;
                    if (t3 is not null)
                        for (int r = q + 1; r < b; r++) t3[(i * n + q) * n + r] += ((t >> r) & 1) != 0 ? wiq : -wiq;
                }
            }
        }
        double inv = 1 / z;
        for (int i = 0; i < n; i++) m[i] *= inv;
        for (int i = 0; i < n; i++)
        {
            c2[i * n + i] = 1;
            for (int q = i + 1; q < n; q++) c2[q * n + i] = c2[i * n + q] *= inv;
        }
        if (t3 is not null)
        {
            for (int i = 0; i < n; i++)
                for (int q = i + 1; q < n; q++)
                    for (int r = q + 1; r < n; r++)
                    {
                        double v = t3[(i * n + q) * n + r] * inv;
                        foreach (var (x, y, zz) in new[] { (i, q, r), (i, r, q), (q, i, r), (q, r, i), (r, i, q), (r, q, i) })
                            t3[(x * n + y) * n + zz] = v;
                    }
            for (int i = 0; i < n; i++)
                for (int q = 0; q < n; q++)
                {
                    // repeated indices: s_i^2 = 1
                    t3[(i * n + i) * n + q] = m[q];
                    t3[(i * n + q) * n + i] = m[q];
                    t3[(q * n + i) * n + i] = m[q];
                }
        }
        double variance = eM2 / eW; // a sum of non-negative terms over a positive weight
        double logZ = Math.Log(z) - beta * eRef;
        return new ExactResult(model, logZ, eMean, variance, ground, groundIndex, m, c2, t3);
    }

    /// <summary>Chan, Golub and LeVeque's pairwise update: the weight, mean and sum of squared deviations of the union of
    /// two weighted sets from those of each; a set of weight zero (an underflowed chunk) leaves the other unchanged.</summary>
    internal static (double Weight, double Mean, double M2) MergeMoments(double wA, double meanA, double m2A, double wB, double meanB, double m2B)
    {
        if (wB == 0) return (wA, meanA, m2A);
        if (wA == 0) return (wB, meanB, m2B);
        double w = wA + wB, delta = meanB - meanA;
        return (w, meanA + delta * (wB / w), m2A + m2B + delta * delta * (wA * wB / w));
    }

    /// <summary>P(s) for every configuration, indexed by <see cref="ConfigurationIndex"/> (bit i set when s_i = +1); N &lt;= 24.</summary>
    public static double[] Probabilities(IsingModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        int n = model.Size;
        if (n > MaxProbabilitySpins) throw new ArgumentException($"the probability vector is limited to N <= {MaxProbabilitySpins} spins, got {n}");
        var energies = Energies(model);
        double beta = model.Beta, min = energies.Min();
        var p = new double[energies.Length];
        double z = 0;
        for (int i = 0; i < p.Length; i++) z += p[i] = Math.Exp(-beta * (energies[i] - min));
        for (int i = 0; i < p.Length; i++) p[i] /= z;
        return p;
    }

    /// <summary>E(s) for every configuration, indexed by <see cref="ConfigurationIndex"/>; N &lt;= 24. Gray-code order, O(N) per configuration.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static double[] Energies(IsingModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        int n = model.Size;
        if (n > MaxProbabilitySpins) throw new ArgumentException($"the energy vector is limited to N <= {MaxProbabilitySpins} spins, got {n}");
        var j = model.Couplings;
        var s = new sbyte[n];
        s.AsSpan().Fill(-1);
        double e = model.Energy(s);
        var f = new double[n];
        for (int i = 0; i < n; i++) f[i] = model.LocalField(s, i);
        var energies = new double[1L << n];
        long index = 0;
        energies[0] = e;
        for (long t = 1; t < energies.LongLength; t++)
        {
            int q = BitOperations.TrailingZeroCount(t);
            e += 2 * s[q] * f[q];
            s[q] = (sbyte)-s[q];
            index ^= 1L << q;
            // Stryker disable once Arithmetic : s_q = +-1, so 2 s_q = 2 / s_q exactly
            double d = 2 * s[q];
            var col = j.Slice(q * n, n);
            for (int i = 0; i < n; i++) f[i] += d * col[i];
            energies[index] = e;
        }
        return energies;
    }

    /// <summary>
    /// Draws <paramref name="count"/> independent configurations exactly from P(s) by inverse CDF over the
    /// enumerated distribution (N &lt;= 24; memory 2^N doubles): for a draw u uniform in [0, c_last), the configuration is the
    /// first index x with c_x &gt; u, c the cumulative sums of P in index order. Such an x has P(x) = c_x - c_{x-1} &gt; 0, so a
    /// configuration of probability zero (an underflowed weight) is never drawn, even where u lands exactly on a plateau of c.
    /// </summary>
    public static Configurations Sample(IsingModel model, int count, Random random)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(random);
        if (count < 0) throw new ArgumentOutOfRangeException(nameof(count), count, "count must be >= 0");
        int n = model.Size;
        if ((long)count * n > Array.MaxLength)
            throw new ArgumentOutOfRangeException(nameof(count), count, $"{count} samples of {n} spins exceed the largest array ({Array.MaxLength} spins)");
        var p = Probabilities(model);
        var cdf = new double[p.Length];
        double acc = 0;
        int lastPositive = 0;
        for (int i = 0; i < p.Length; i++)
        {
            cdf[i] = acc += p[i];
            if (p[i] > 0) lastPositive = i;
        }
        var spins = new sbyte[count * n];
        for (int k = 0; k < count; k++)
        {
            // Stryker disable once Arithmetic : acc, the sum of the normalized P, is 1 to rounding: u acc and u / acc differ by a rounding of u
            double u = random.NextDouble() * acc;
            // the first index with cdf > u, by bisection on [lo, hi]
            int lo = 0, hi = cdf.Length;
            while (lo < hi)
            {
                int mid = (lo + hi) >>> 1;
                if (cdf[mid] > u) hi = mid;
                else lo = mid + 1;
            }
            // u = acc is only reachable through the rounding of NextDouble() * acc: the last configuration drawn is then the last possible one
            ConfigurationIndex.ToSpins(lo < cdf.Length ? lo : lastPositive, spins.AsSpan(k * n, n));
        }
        return new Configurations(n, spins);
    }
}
