using NeuralSpin.Numerics;
using System.Numerics;
using NeuralSpin.BinaryNets;

namespace NeuralSpin.Classic;

/// <summary>Options of <see cref="RbmDeviation.Compute"/>.</summary>
public sealed record RbmDeviationOptions
{
    /// <summary>The default of <see cref="MaxExhaustiveVisible"/>: 2^22 states, a few seconds per machine.</summary>
    public const int DefaultMaxExhaustiveVisible = 22;

    /// <summary>The most drawn visible states (<see cref="Samples"/>): the sampled pass costs O(N_v N_h) per state.</summary>
    public const int MaxSamples = 100_000_000;

    /// <summary>Enumerate all 2^N_v visible states when N_v is at most this (default <see cref="DefaultMaxExhaustiveVisible"/>, at most <see cref="RbmDeviation.MaxEnumerableVisible"/>).</summary>
    public int MaxExhaustiveVisible { get; init; } = DefaultMaxExhaustiveVisible;

    /// <summary>Number of uniformly drawn visible states when N_v is larger (default 100000, 1 to <see cref="MaxSamples"/>).</summary>
    public int Samples { get; init; } = 100_000;

    /// <summary>Seed of the drawn states (the result depends only on it, not on the thread count).</summary>
    public long Seed { get; init; } = 1;

    /// <summary>Run the enumeration chunks (or sample blocks) in parallel.</summary>
    public bool Parallel { get; init; } = true;
}

/// <summary>How far the quadratic model of an RBM is from its exact H_eff (see <see cref="RbmDeviation"/>).</summary>
/// <param name="StatesChecked">Visible states evaluated.</param>
/// <param name="Exhaustive">True when all 2^N_v states were enumerated; false for <see cref="RbmDeviationOptions.Samples"/> drawn ones.</param>
/// <param name="Seed">The seed of the drawn states (null when exhaustive).</param>
/// <param name="MaxAbsDeviation">max_v |H_eff(v) - H_quad(v)|, with the exact constant of <see cref="RbmQuadraticModel"/>.</param>
/// <param name="MinDeviation">min_v (H_eff - H_quad).</param>
/// <param name="MaxDeviation">max_v (H_eff - H_quad).</param>
/// <param name="KlDivergence">KL(P_eff || P_quad) in nats when exhaustive, else null.</param>
/// <param name="LogZExact">ln sum_v exp(-H_eff(v)) (the RBM's ln Z) when exhaustive.</param>
/// <param name="LogZQuadratic">ln sum_v exp(-H_quad(v)) when exhaustive.</param>
public sealed record RbmDeviationResult(long StatesChecked, bool Exhaustive, long? Seed, double MaxAbsDeviation, double MinDeviation, double MaxDeviation,
    double? KlDivergence, double? LogZExact, double? LogZQuadratic)
{
    /// <summary>The constant-free deviation max - min of H_eff - H_quad (what matters for probabilities).</summary>
    public double Spread => MaxDeviation - MinDeviation;
}

/// <summary>The exact and the quadratic H_eff of one visible state (see <see cref="RbmDeviation.Scatter"/>).</summary>
/// <param name="Exact">H_eff(v), the hidden units summed out.</param>
/// <param name="Quadratic">H_quad(v) of the pairwise expansion, with its constant.</param>
public readonly record struct RbmEnergyPair(double Exact, double Quadratic)
{
    /// <summary>H_eff(v) - H_quad(v).</summary>
    public double Difference => Exact - Quadratic;
}

/// <summary>
/// The deviation of the quadratic expansion H_quad (<see cref="Rbm.QuadraticExpansion"/>) from the exact marginal
/// H_eff of an RBM (docs/theory.md section 8): D(v) = H_eff(v) - H_quad(v) = -sum_mu r(c_mu, x_mu(v)) with the
/// cancellation-free remainder <see cref="Rbm.ExpansionRemainder(double, double)"/>, so D is accurate to relative
/// rounding even at 1e-12. Exhaustive for N_v up to <see cref="RbmDeviationOptions.MaxExhaustiveVisible"/>: the
/// 2^N_v states are split into 2^k chunks by the top k = min(6, N_v) units and each chunk is visited in Gray-code
/// order, updating x_mu and b.v in O(N_h) per state (Parallel.For over chunks; chunk results combined in a fixed
/// order, so the result does not depend on the thread count). Beyond that, seeded uniform visible states in blocks
/// of 1024, each block with its own SplitMix stream. KL(P_eff || P_quad) = -&lt;D&gt;_eff - ln &lt;e^{-D}&gt;_quad
/// is accumulated in the same pass with log-sum-exp rescaling.
/// </summary>
public static class RbmDeviation
{
    /// <summary>The largest N_v that may be enumerated (2^30 states).</summary>
    public const int MaxEnumerableVisible = 30;

    sealed class Acc
    {
        public double Ref = double.NegativeInfinity, S0, S1, S2, Min = double.PositiveInfinity, Max = double.NegativeInfinity;

        public void Add(double a, double d)
        {
            if (d < Min) Min = d;
            if (d > Max) Max = d;
            if (a > Ref + 30)
            {
                double f = double.IsNegativeInfinity(Ref) ? 0 : Math.Exp(Ref - a);
                S0 *= f; S1 *= f; S2 *= f;
                Ref = a;
            }
            double w0 = Math.Exp(a - Ref), w1 = Math.Exp(a - d - Ref);
            S0 += w0; S1 += w1; S2 += w1 * d;
        }

        public void Merge(Acc o)
        {
            Min = Math.Min(Min, o.Min); Max = Math.Max(Max, o.Max);
            if (double.IsNegativeInfinity(o.Ref)) return;
            double r = Math.Max(Ref, o.Ref);
            double f = double.IsNegativeInfinity(Ref) ? 0 : Math.Exp(Ref - r), g = Math.Exp(o.Ref - r);
            S0 = S0 * f + o.S0 * g; S1 = S1 * f + o.S1 * g; S2 = S2 * f + o.S2 * g;
            Ref = r;
        }
    }

    /// <summary>Computes the deviation statistics (exhaustive or sampled, see the class remarks); reports chunks or blocks done.</summary>
    public static RbmDeviationResult Compute(Rbm rbm, RbmDeviationOptions? options = null, IProgress<int>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(rbm);
        var o = options ?? new RbmDeviationOptions();
        if (o.MaxExhaustiveVisible < 0 || o.MaxExhaustiveVisible > MaxEnumerableVisible)
            throw new ArgumentOutOfRangeException(nameof(options), $"MaxExhaustiveVisible must lie in [0, {MaxEnumerableVisible}]");
        if (o.Samples < 1 || o.Samples > RbmDeviationOptions.MaxSamples)
            throw new ArgumentOutOfRangeException(nameof(options), $"Samples must lie in [1, {RbmDeviationOptions.MaxSamples}]");
        return rbm.Visible <= o.MaxExhaustiveVisible ? Enumerate(rbm, o, progress) : Sample(rbm, o, progress);
    }

    /// <summary>The number of chunks (exhaustive) or blocks (sampled) that <see cref="Compute"/> reports progress on.</summary>
    public static int WorkUnits(Rbm rbm, RbmDeviationOptions? options = null)
    {
        var o = options ?? new RbmDeviationOptions();
        return rbm.Visible <= o.MaxExhaustiveVisible ? 1 << Math.Min(6, rbm.Visible) : (o.Samples + BlockSize - 1) / BlockSize;
    }

    const int BlockSize = 1024;

    /// <summary>-H_quad(v) and D(v) = H_eff - H_quad from bv = b.v and x_mu = sum_i W_i mu v_i.</summary>
    static (double A, double D) Evaluate(double bv, double[] x, double[] c, double[] t, double[] g, double[] l)
    {
        double a = bv, d = 0;
        for (int m = 0; m < x.Length; m++)
        {
            double u = x[m];
            a += l[m] + t[m] * u + 0.5 * g[m] * u * u;
            d -= Rbm.ExpansionRemainder(c[m], t[m], g[m], u);
        }
        return (a, d);
    }

    /// <summary>The machine's arrays and, per hidden unit, tanh c, 1 - tanh^2 c and ln 2cosh c (the expansion's coefficients).</summary>
    readonly record struct Coefficients(double[] W, double[] B, double[] C, double[] T, double[] G, double[] L)
    {
        public static Coefficients Of(Rbm rbm)
        {
            var c = rbm.HiddenBias.ToArray();
            var t = c.Select(Math.Tanh).ToArray();
            return new(rbm.Weights.ToArray(), rbm.VisibleBias.ToArray(), c, t, t.Select(x => (1 - x) * (1 + x)).ToArray(), c.Select(Rbm.LogTwoCosh).ToArray());
        }
    }

    static RbmDeviationResult Enumerate(Rbm rbm, RbmDeviationOptions o, IProgress<int>? progress)
    {
        int n = rbm.Visible, nh = rbm.Hidden, k = Math.Min(6, n), low = n - k, chunks = 1 << k;
        var (w, b, c, t, g, l) = Coefficients.Of(rbm);
        var accs = new Acc[chunks];
        int done = 0;
        void Chunk(int chunk)
        {
            var acc = new Acc();
            var v = new sbyte[n];
            for (int i = 0; i < n; i++) v[i] = (sbyte)(i >= low && ((chunk >> (i - low)) & 1) != 0 ? 1 : -1);
            var x = new double[nh];
            double bv = 0;
            for (int i = 0; i < n; i++)
            {
                bv += b[i] * v[i];
                for (int m = 0; m < nh; m++) x[m] += w[i * nh + m] * v[i];
            }
            long count = 1L << low;
            for (long s = 0; s < count; s++)
            {
                if (s > 0)
                {
                    int q = BitOperations.TrailingZeroCount(s);
                    v[q] = (sbyte)-v[q];
                    double twice = 2.0 * v[q];
                    bv += twice * b[q];
                    for (int m = 0; m < nh; m++) x[m] += twice * w[q * nh + m];
                }
                var (a, d) = Evaluate(bv, x, c, t, g, l);
                acc.Add(a, d);
            }
            accs[chunk] = acc;
            int now = Interlocked.Increment(ref done);
            progress?.Report(now);
        }
        if (o.Parallel) System.Threading.Tasks.Parallel.For(0, chunks, Chunk);
        else for (int ch = 0; ch < chunks; ch++) Chunk(ch);
        var total = new Acc();
        foreach (var a in accs) total.Merge(a);
        double kl = Math.Max(0, -total.S2 / total.S1 - Math.Log(total.S1 / total.S0));
        double maxAbs = Math.Max(Math.Abs(total.Min), Math.Abs(total.Max));
        return new RbmDeviationResult(1L << n, true, null, maxAbs, total.Min, total.Max, kl, total.Ref + Math.Log(total.S1), total.Ref + Math.Log(total.S0));
    }

    static RbmDeviationResult Sample(Rbm rbm, RbmDeviationOptions o, IProgress<int>? progress)
    {
        if (o.Samples < 1) throw new ArgumentOutOfRangeException(nameof(o), "Samples must be at least 1");
        int n = rbm.Visible, nh = rbm.Hidden, blocks = (o.Samples + BlockSize - 1) / BlockSize;
        var (w, b, c, t, g, l) = Coefficients.Of(rbm);
        var accs = new Acc[blocks];
        int done = 0;
        void Block(int blk)
        {
            var acc = new Acc();
            var rng = new SplitMixRandom(o.Seed * 1_000_003L + blk);
            var x = new double[nh];
            int count = Math.Min(BlockSize, o.Samples - blk * BlockSize);
            for (int s = 0; s < count; s++)
            {
                Array.Clear(x);
                double bv = 0;
                ulong bits = 0;
                for (int i = 0; i < n; i++)
                {
                    if ((i & 63) == 0) bits = rng.NextUInt64();
                    double vi = ((bits >> (i & 63)) & 1) != 0 ? 1.0 : -1.0;
                    bv += b[i] * vi;
                    for (int m = 0; m < nh; m++) x[m] += w[i * nh + m] * vi;
                }
                var (a, d) = Evaluate(bv, x, c, t, g, l);
                acc.Add(a, d);
            }
            accs[blk] = acc;
            progress?.Report(Interlocked.Increment(ref done));
        }
        if (o.Parallel) System.Threading.Tasks.Parallel.For(0, blocks, Block);
        else for (int blk = 0; blk < blocks; blk++) Block(blk);
        var total = new Acc();
        foreach (var a in accs) total.Merge(a);
        double maxAbs = Math.Max(Math.Abs(total.Min), Math.Abs(total.Max));
        return new RbmDeviationResult(o.Samples, false, o.Seed, maxAbs, total.Min, total.Max, null, null, null);
    }

    /// <summary>Visible states in the comparison of exact and quadratic H_eff state by state (<see cref="Scatter"/>): all of them up to N_v = 12.</summary>
    public const int ScatterStates = 4096;

    /// <summary>
    /// Exact H_eff(v) and quadratic H_quad(v) of <paramref name="quadratic"/> (the machine's <see cref="Rbm.QuadraticExpansion"/>)
    /// on the visible states of <see cref="States"/>: all 2^N_v when at most <paramref name="states"/>, else that many
    /// uniform ones drawn with <paramref name="seed"/>.
    /// </summary>
    public static RbmEnergyPair[] Scatter(Rbm rbm, RbmQuadraticModel quadratic, long seed, int states = ScatterStates)
    {
        ArgumentNullException.ThrowIfNull(rbm);
        ArgumentNullException.ThrowIfNull(quadratic);
        return States(rbm.Visible, states, seed).Select(v => new RbmEnergyPair(rbm.EffectiveEnergy(v), quadratic.Energy(v))).ToArray();
    }

    /// <summary>
    /// Visible states as +-1 rows (for scatter plots): all 2^N_v of them (row s has v_i = +1 where bit i of s is set) when
    /// 2^N_v &lt;= <paramref name="maxEnumerated"/>, else <paramref name="maxEnumerated"/> uniform ones drawn with <paramref name="seed"/>.
    /// </summary>
    public static sbyte[][] States(int visible, int maxEnumerated, long seed)
    {
        if (visible < 1) throw new ArgumentOutOfRangeException(nameof(visible));
        if (maxEnumerated < 1) throw new ArgumentOutOfRangeException(nameof(maxEnumerated));
        if (visible < 31 && (1L << visible) <= maxEnumerated)
        {
            var all = new sbyte[1 << visible][];
            for (int s = 0; s < all.Length; s++)
            {
                all[s] = new sbyte[visible];
                Ising.ConfigurationIndex.ToSpins(s, all[s]);
            }
            return all;
        }
        var rng = new SplitMixRandom(seed);
        var rows = new sbyte[maxEnumerated][];
        for (int s = 0; s < rows.Length; s++)
        {
            rows[s] = new sbyte[visible];
            for (int i = 0; i < visible; i++) rows[s][i] = (sbyte)((rng.NextUInt64() >> 63) != 0 ? 1 : -1);
        }
        return rows;
    }
}
