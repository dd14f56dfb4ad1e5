using NeuralSpin.Numerics;
namespace NeuralSpin.Ising;

/// <summary>The order in which <see cref="BeliefPropagation"/> updates its messages.</summary>
public enum BpSchedule
{
    /// <summary>Every message of sweep t+1 is computed from the messages of sweep t (parallel / flooding update).</summary>
    Synchronous,

    /// <summary>Each sweep visits the spins in a fresh random order (from <see cref="BpOptions.Seed"/>) and updates all
    /// outgoing messages of a spin from the current values of its incoming ones.</summary>
    RandomSequential,
}

/// <summary>
/// The BP messages of a model: the cavity fields h_{i->j} (P2 14, effective units: beta is absorbed) on the directed
/// edges From[e] -&gt; To[e] of the coupling graph, in the canonical order of <see cref="BeliefPropagation.DirectedEdges"/>
/// (by source spin, then by target spin). Returned in <see cref="BpResult.Messages"/> and accepted as a warm start.
/// </summary>
public sealed record BpMessages(int[] From, int[] To, double[] CavityFields)
{
    /// <summary>Number of directed edges (twice the number of non-zero couplings i &lt; j).</summary>
    public int Count => CavityFields.Length;
}

/// <summary>Settings of <see cref="BeliefPropagation.Run"/>. All members are optional.</summary>
public sealed record BpOptions
{
    /// <summary>Stop once the fixed-point residual max_e |F(h)_e - h_e| of the cavity fields (the undamped update minus
    /// the current messages, so damping cannot fake convergence) is at most this. Default 1e-12; must be &gt; 0.</summary>
    public double Tolerance { get; init; } = 1e-12;

    /// <summary>Largest number of sweeps (each updates every message once). Default 10 000; must be &gt;= 1.</summary>
    public int MaxIterations { get; init; } = 10_000;

    /// <summary>Damping d in [0, 1): h_new = (1 - d) F(h) + d h_old for every message. Default 0.</summary>
    public double Damping { get; init; }

    /// <summary>Update order. Default <see cref="BpSchedule.Synchronous"/>.</summary>
    public BpSchedule Schedule { get; init; } = BpSchedule.Synchronous;

    /// <summary>Seed of the visiting order of <see cref="BpSchedule.RandomSequential"/> (unused otherwise).</summary>
    public int Seed { get; init; }

    /// <summary>Warm start (e.g. <see cref="BpResult.Messages"/> of a neighbouring run on the same coupling graph);
    /// null means all cavity fields start at beta h_i + <see cref="ExtraFields"/>_i (zero incoming biases).</summary>
    public BpMessages? InitialMessages { get; init; }

    /// <summary>
    /// Extra fields a_i in effective units (NOT multiplied by beta) added to beta h_i: BP then describes
    /// P_a(s) ∝ exp(-beta E(s) + sum_i a_i s_i). They tilt the measure but are not part of the model energy <see cref="BpResult.Energy"/>;
    /// the entropy is that of P_a (see <see cref="BpResult.Entropy"/>). Used by <see cref="EntropyLandscape"/> with a = x s*.
    /// Null means none.
    /// </summary>
    public double[]? ExtraFields { get; init; }
}

/// <summary>&lt;s_i s_j&gt; of a coupled pair i &lt; j from BP.</summary>
/// <param name="I">First spin (I &lt; J).</param>
/// <param name="J">Second spin.</param>
/// <param name="Correlation">Raw &lt;s_i s_j&gt; = (t + m_{i->j} m_{j->i}) / (1 + t m_{i->j} m_{j->i}), t = tanh(beta J_ij).</param>
/// <param name="Connected">&lt;s_i s_j&gt; - m_i m_j.</param>
public readonly record struct BpPairCorrelation(int I, int J, double Correlation, double Connected);

/// <summary>The outcome of <see cref="BeliefPropagation.Run"/>. If <see cref="Converged"/> is false every quantity is
/// evaluated at the last iterate and is not a BP fixed-point value.</summary>
/// <param name="Magnetizations">m_i = tanh(beta h_i + a_i + sum_k u_{k->i}) (P2 15).</param>
/// <param name="Pairs">&lt;s_i s_j&gt; and connected correlations for every coupled pair i &lt; j (P2 16), ordered by i then j.</param>
/// <param name="LnZ">Bethe ln Z = sum_i ln Z_i - sum_{i&lt;j} ln Z_ij = -beta F (docs/theory.md section 7).</param>
/// <param name="FreeEnergy">F = -ln Z / beta in model energy units (-infinity at beta = 0).</param>
/// <param name="Energy">&lt;E&gt; = -sum_{i&lt;j} J_ij &lt;s_i s_j&gt; - sum_i h_i m_i in model units (extra fields excluded).</param>
/// <param name="Entropy">Gibbs entropy in nats, S = ln Z + beta &lt;E&gt; - sum_i a_i m_i; with no extra fields S = beta (&lt;E&gt; - F).</param>
/// <param name="Converged">Whether the residual fell to the tolerance within the budget.</param>
/// <param name="Iterations">Sweeps performed.</param>
/// <param name="FinalChange">Fixed-point residual max_e |F(h)_e - h_e| of the last sweep (undamped).</param>
/// <param name="Messages">The final cavity fields, for warm starts.</param>
public sealed record BpResult(
    double[] Magnetizations,
    IReadOnlyList<BpPairCorrelation> Pairs,
    double LnZ,
    double FreeEnergy,
    double Energy,
    double Entropy,
    bool Converged,
    int Iterations,
    double FinalChange,
    BpMessages Messages)
{
    /// <summary>Number of spins.</summary>
    public int Size => Magnetizations.Length;

    /// <summary>F / N.</summary>
    public double FreeEnergyPerSpin => FreeEnergy / Size;

    /// <summary>&lt;E&gt; / N.</summary>
    public double EnergyPerSpin => Energy / Size;

    /// <summary>S / N (nats).</summary>
    public double EntropyPerSpin => Entropy / Size;

    /// <summary>ln Z / N.</summary>
    public double LnZPerSpin => LnZ / Size;
}

/// <summary>Thrown by <see cref="BeliefPropagation.RunOrThrow"/> when BP does not converge.</summary>
public sealed class BpNotConvergedException : Exception
{
    /// <summary>Wraps the unconverged result.</summary>
    public BpNotConvergedException(BpResult result, double tolerance)
        : base($"belief propagation did not converge: after {result.Iterations} sweeps the residual max|F(h) - h| = " +
               $"{result.FinalChange:G4} exceeds the tolerance {tolerance:G4}; increase the damping or the budget, " +
               "or BP may have no stable fixed point here (strong frustration or a low temperature)")
    {
        Result = result;
    }

    /// <summary>The last iterate and its diagnostics.</summary>
    public BpResult Result { get; }
}

/// <summary>
/// Belief propagation for a pairwise Ising model (P2 14-16, docs/theory.md section 7) at inverse temperature beta with
/// beta absorbed: effective couplings K_ij = beta J_ij and fields b_i = beta h_i (+ optional extra fields a_i).
/// Messages are the cavity fields on the directed edges of the graph of non-zero couplings (sparse neighbour lists):
/// <code>h_{i->j} = b_i + sum_{k in di \ j} u_{k->i},   u_{k->i} = atanh(tanh K_ki tanh h_{k->i}),</code>
/// with m_i = tanh(b_i + sum_k u_{k->i}), and the Bethe free energy
/// <code>ln Z = -beta F = sum_i ln Z_i - sum_{i&lt;j} ln Z_ij,
/// Z_i = sum_s e^{b_i s} prod_k cosh K_ki (1 + tanh K_ki s m_{k->i}),  Z_ij = cosh K_ij (1 + tanh K_ij m_{i->j} m_{j->i}).</code>
/// Exact on trees and forests (tests: enumeration to 1e-10). For saturated arguments the same quantities are evaluated
/// in log-sum-exp form (u = [ln cosh(K + h) - ln cosh(K - h)] / 2, ln cosh K (1 + t s m) = ln cosh(K + s h) - ln cosh h),
/// which is algebraically identical. Damping is real: h = (1 - d) F(h) + d h_old.
/// Non-convergence is never silent: <see cref="Run"/> reports it, <see cref="RunOrThrow"/> throws.
/// </summary>
public static class BeliefPropagation
{
    /// <summary>Directed edges from which a synchronous sweep runs its spins in parallel (same arithmetic, same result).</summary>
    public const int ParallelEdgeThreshold = 20_000;

    /// <summary>Runs BP; the result says whether it converged.</summary>
    public static BpResult Run(IsingModel model, BpOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        options ??= new BpOptions();
        if (!(options.Tolerance > 0)) throw new ArgumentOutOfRangeException(nameof(options), options.Tolerance, "tolerance must be > 0");
        if (options.MaxIterations < 1) throw new ArgumentOutOfRangeException(nameof(options), options.MaxIterations, "at least one sweep is needed");
        double d = options.Damping;
        if (!(d >= 0 && d < 1)) throw new ArgumentOutOfRangeException(nameof(options), d, "damping must lie in [0, 1)");

        var g = new Graph(model);
        int n = g.N;
        var b = new double[n];
        for (int i = 0; i < n; i++) b[i] = model.Beta * model.Field(i);
        if (options.ExtraFields is { } a)
        {
            if (a.Length != n) throw new ArgumentException($"expected {n} extra fields, got {a.Length}", nameof(options));
            for (int i = 0; i < n; i++)
            {
                if (!double.IsFinite(a[i])) throw new ArgumentException("extra fields must be finite", nameof(options));
                b[i] += a[i];
            }
        }

        var h = new double[g.EdgeCount];
        if (options.InitialMessages is { } init)
        {
            if (!g.Matches(init)) throw new ArgumentException("the initial messages belong to another coupling graph", nameof(options));
            for (int e = 0; e < h.Length; e++)
            {
                if (!double.IsFinite(init.CavityFields[e])) throw new ArgumentException("initial messages must be finite", nameof(options));
                h[e] = init.CavityFields[e];
            }
        }
        else
        {
            for (int i = 0; i < n; i++)
                for (int e = g.Offset[i]; e < g.Offset[i + 1]; e++) h[e] = b[i];
        }

        var fresh = new double[g.EdgeCount];
        var uIn = new double[Math.Max(1, g.MaxDegree)];
        var order = new int[n];
        for (int i = 0; i < n; i++) order[i] = i;
        var rng = options.Schedule == BpSchedule.RandomSequential ? new SplitMixSource(options.Seed) : null;
        // a parallel sweep pays once a sweep is long (dense models of a few hundred spins); the result is identical
        // Stryker disable once Equality : either path computes the same messages (same arithmetic per spin)
        bool parallel = g.EdgeCount >= ParallelEdgeThreshold && Environment.ProcessorCount > 1;

        int iterations = 0;
        double change = g.EdgeCount == 0 ? 0 : double.PositiveInfinity;
        bool converged = g.EdgeCount == 0;
        while (!converged && iterations < options.MaxIterations)
        {
            change = 0;
            if (rng is null)
            {
                // synchronous: all new messages from the old ones (spins in parallel on large graphs), then damp
                if (parallel)
                    Parallel.For(0, n, () => new double[Math.Max(1, g.MaxDegree)], (i, _, buffer) => { ComputeOutgoing(g, b, h, i, buffer, fresh); return buffer; }, _ => { });
                else
                    for (int i = 0; i < n; i++) ComputeOutgoing(g, b, h, i, uIn, fresh);
                for (int e = 0; e < h.Length; e++)
                {
                    change = Math.Max(change, Math.Abs(fresh[e] - h[e]));
                    h[e] = (1 - d) * fresh[e] + d * h[e];
                }
            }
            else
            {
                Shuffle(order, rng);
                foreach (int i in order)
                {
                    ComputeOutgoing(g, b, h, i, uIn, fresh);
                    for (int e = g.Offset[i]; e < g.Offset[i + 1]; e++)
                    {
                        change = Math.Max(change, Math.Abs(fresh[e] - h[e]));
                        h[e] = (1 - d) * fresh[e] + d * h[e];
                    }
                }
            }
            iterations++;
            if (double.IsNaN(change)) break; // never report NaN as converged
            if (change <= options.Tolerance) converged = true;
        }

        return Observables(model, g, b, options.ExtraFields, h, converged, iterations, change);
    }

    /// <summary>As <see cref="Run"/>, but throws <see cref="BpNotConvergedException"/> (carrying the result) when BP does not converge.</summary>
    public static BpResult RunOrThrow(IsingModel model, BpOptions? options = null)
    {
        var r = Run(model, options);
        if (!r.Converged) throw new BpNotConvergedException(r, (options ?? new BpOptions()).Tolerance);
        return r;
    }

    /// <summary>The directed edges (From[e], To[e]) of the graph of non-zero couplings in the canonical message order.</summary>
    public static (int[] From, int[] To) DirectedEdges(IsingModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        var g = new Graph(model);
        return ((int[])g.From.Clone(), (int[])g.To.Clone());
    }

    /// <summary>The cavity bias u = atanh(tanh K tanh h) (P2 14), in the equivalent form [ln cosh(K + h) - ln cosh(K - h)] / 2
    /// when |tanh K tanh h| &gt;= 1/2, so that it stays finite and accurate for saturated arguments.</summary>
    public static double CavityBias(double k, double h)
    {
        double p = Math.Tanh(k) * Math.Tanh(h);
        if (Math.Abs(p) < 0.5) return Math.Atanh(p);
        return 0.5 * (LnCosh(k + h) - LnCosh(k - h));
    }

    /// <summary>ln cosh x, without overflow: |x| + ln(1 + e^{-2|x|}) - ln 2.</summary>
    public static double LnCosh(double x)
    {
        double ax = Math.Abs(x);
        return ax + Math.Log(1 + Math.Exp(-2 * ax)) - Math.Log(2);
    }

    static void ComputeOutgoing(Graph g, double[] b, double[] h, int i, double[] uIn, double[] fresh)
    {
        int start = g.Offset[i], deg = g.Offset[i + 1] - start;
        double total = b[i];
        for (int a = 0; a < deg; a++)
        {
            int e = start + a;
            double hk = h[g.Reverse[e]];
            // CavityBias with tanh K precomputed: atanh(tanh K tanh h) unless saturated
            double p = g.TanhK[e] * Math.Tanh(hk);
            double u = Math.Abs(p) < 0.5 ? Math.Atanh(p) : 0.5 * (LnCosh(g.K[e] + hk) - LnCosh(g.K[e] - hk));
            uIn[a] = u;
            total += u;
        }
        for (int a = 0; a < deg; a++) fresh[start + a] = total - uIn[a];
    }

    static void Shuffle(int[] order, Random rng)
    {
        for (int k = order.Length - 1; k > 0; k--)
        {
            int r = rng.Next(k + 1);
            (order[k], order[r]) = (order[r], order[k]);
        }
    }

    static BpResult Observables(IsingModel model, Graph g, double[] b, double[]? extra, double[] h,
                                bool converged, int iterations, double change)
    {
        int n = g.N;
        double beta = model.Beta;
        var m = new double[n];
        double lnZ = 0;
        for (int i = 0; i < n; i++)
        {
            // m_i = tanh(b_i + sum_k u_{k->i}); ln Z_i = ln sum_s exp(s b_i + sum_k [ln cosh(K + s h_{k->i}) - ln cosh h_{k->i}])
            double field = b[i], plus = b[i], minus = -b[i];
            for (int e = g.Offset[i]; e < g.Offset[i + 1]; e++)
            {
                double hk = h[g.Reverse[e]], k = g.K[e], lc = LnCosh(hk);
                field += CavityBias(k, hk);
                plus += LnCosh(k + hk) - lc;
                minus += LnCosh(k - hk) - lc;
            }
            m[i] = Math.Tanh(field);
            lnZ += LogSumExp(plus, minus);
        }

        var pairs = new List<BpPairCorrelation>(g.EdgeCount / 2);
        double energy = 0;
        for (int i = 0; i < n; i++)
        {
            energy -= model.Field(i) * m[i];
            for (int e = g.Offset[i]; e < g.Offset[i + 1]; e++)
            {
                int j = g.To[e];
                if (j < i) continue;
                double k = g.K[e], h1 = h[e], h2 = h[g.Reverse[e]];
                // the pair's two-spin measure w(s1, s2) ∝ exp(K s1 s2 + h1 s1 + h2 s2) with h1 = h_{i->j}, h2 = h_{j->i}:
                // Z_ij = cosh K (1 + t m1 m2) = sum w / (4 cosh h1 cosh h2), <s_i s_j> = (t + m1 m2)/(1 + t m1 m2) = sum s1 s2 w / sum w
                double wpp = k + h1 + h2, wmm = k - h1 - h2, wpm = -k + h1 - h2, wmp = -k - h1 + h2;
                double top = Math.Max(Math.Max(wpp, wmm), Math.Max(wpm, wmp));
                double epp = Math.Exp(wpp - top), emm = Math.Exp(wmm - top), epm = Math.Exp(wpm - top), emp = Math.Exp(wmp - top);
                double sum = epp + emm + epm + emp;
                double c = (epp + emm - epm - emp) / sum;
                lnZ -= top + Math.Log(sum) - Math.Log(4) - LnCosh(h1) - LnCosh(h2);
                pairs.Add(new BpPairCorrelation(i, j, c, c - m[i] * m[j]));
                energy -= model.Coupling(i, j) * c;
            }
        }

        double entropy = lnZ + beta * energy;
        if (extra is not null) for (int i = 0; i < n; i++) entropy -= extra[i] * m[i];
        double free = -lnZ / beta;
        var messages = new BpMessages((int[])g.From.Clone(), (int[])g.To.Clone(), (double[])h.Clone());
        return new BpResult(m, pairs, lnZ, free, energy, entropy, converged, iterations, change, messages);
    }

    static double LogSumExp(double a, double b)
    {
        double top = Math.Max(a, b);
        return top + Math.Log(Math.Exp(a - top) + Math.Exp(b - top));
    }

    /// <summary>The coupling graph in compressed form: directed edge e = i -> To[e] for e in [Offset[i], Offset[i+1]),
    /// Reverse[e] the edge To[e] -> i, K[e] = beta J_{i,To[e]}.</summary>
    sealed class Graph
    {
        public readonly int N;
        public readonly int[] Offset;
        public readonly int[] From;
        public readonly int[] To;
        public readonly int[] Reverse;
        public readonly double[] K;
        public readonly double[] TanhK;
        public readonly int MaxDegree;

        public Graph(IsingModel model)
        {
            N = model.Size;
            var j = model.Couplings;
            Offset = new int[N + 1];
            var to = new List<int>();
            var k = new List<double>();
            for (int i = 0; i < N; i++)
            {
                Offset[i] = to.Count;
                for (int l = 0; l < N; l++)
                {
                    double v = j[i * N + l];
                    if (l == i || v == 0) continue;
                    to.Add(l);
                    k.Add(model.Beta * v);
                }
                MaxDegree = Math.Max(MaxDegree, to.Count - Offset[i]);
            }
            Offset[N] = to.Count;
            To = to.ToArray();
            K = k.ToArray();
            TanhK = K.Select(Math.Tanh).ToArray();
            From = new int[To.Length];
            for (int i = 0; i < N; i++) for (int e = Offset[i]; e < Offset[i + 1]; e++) From[e] = i;
            Reverse = new int[To.Length];
            for (int e = 0; e < To.Length; e++)
            {
                int target = To[e];
                int r = Array.BinarySearch(To, Offset[target], Offset[target + 1] - Offset[target], From[e]);
                Reverse[e] = r;
            }
        }

        public int EdgeCount => To.Length;

        public bool Matches(BpMessages msg) =>
            msg.From is not null && msg.To is not null && msg.CavityFields is not null &&
            msg.From.AsSpan().SequenceEqual(From) && msg.To.AsSpan().SequenceEqual(To) && msg.CavityFields.Length == To.Length;
    }
}
