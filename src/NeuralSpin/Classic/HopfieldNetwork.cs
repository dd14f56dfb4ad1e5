using NeuralSpin.Numerics;
using System.Numerics;
using NeuralSpin.Ising;

namespace NeuralSpin.Classic;

/// <summary>
/// The Hopfield network (papers/002 eq. 16, docs/theory.md section 8): P patterns xi^mu in {-1, +1}^N stored by
/// the Hebbian rule J_ij = (1/N) sum_mu xi_i^mu xi_j^mu for i != j, J_ii = 0, at load alpha = P / N, with
/// energy E(s) = -1/2 sum_{i != j} J_ij s_i s_j (the <see cref="IsingModel"/> convention, h = 0).
/// </summary>
/// <remarks>
/// The couplings are never needed as a matrix by the dynamics: with the pattern overlaps
/// m_mu(s) = (1/N) sum_j xi_j^mu s_j the local field is h_i = sum_j J_ij s_j = sum_mu xi_i^mu m_mu - alpha s_i
/// (the second term removes the diagonal P/N), and the energy is E(s) = -(N/2) sum_mu m_mu^2 + P/2.
/// <see cref="Couplings"/> and <see cref="ToIsingModel"/> build the dense N x N matrix when it is wanted.
/// </remarks>
public sealed class HopfieldNetwork
{
    readonly sbyte[] _patterns;   // P x N, pattern-major
    readonly double[] _byNeuron;  // N x P, neuron-major: xi_i^mu as doubles for the overlap form of the field

    /// <summary>Stores the given patterns (P rows of N values +-1, pattern-major).</summary>
    /// <exception cref="ArgumentException">No pattern, rows of unequal or zero length, or an entry that is not +-1.</exception>
    public HopfieldNetwork(IReadOnlyList<sbyte[]> patterns)
    {
        ArgumentNullException.ThrowIfNull(patterns);
        if (patterns.Count == 0) throw new ArgumentException("a Hopfield network needs at least one pattern", nameof(patterns));
        int n = patterns[0].Length;
        if (n < 2) throw new ArgumentException("a Hopfield network needs at least two neurons", nameof(patterns));
        var flat = new sbyte[checked(patterns.Count * n)];
        for (int mu = 0; mu < patterns.Count; mu++)
        {
            var row = patterns[mu] ?? throw new ArgumentException($"pattern {mu} is null", nameof(patterns));
            if (row.Length != n) throw new ArgumentException($"pattern {mu} has {row.Length} entries, pattern 0 has {n}", nameof(patterns));
            for (int i = 0; i < n; i++)
                flat[mu * n + i] = row[i] is 1 or -1 ? row[i] : throw new ArgumentException($"pattern {mu} entry {i} is {row[i]}, not +-1", nameof(patterns));
        }
        (_patterns, _byNeuron) = (flat, Transpose(flat, patterns.Count, n));
        (PatternCount, Size) = (patterns.Count, n);
    }

    HopfieldNetwork(sbyte[] flat, int p, int n)
    {
        (_patterns, _byNeuron) = (flat, Transpose(flat, p, n));
        (PatternCount, Size) = (p, n);
    }

    /// <summary>
    /// P independent uniformly random patterns (each entry +-1 with probability 1/2) of N neurons, drawn from
    /// <paramref name="random"/> (64 entries per 64 random bits: Random.NextInt64 gives 63, Random.Next(2) the 64th; pattern by pattern, neuron by neuron).
    /// </summary>
    public static HopfieldNetwork Random(int neurons, int patterns, Random random)
    {
        ArgumentNullException.ThrowIfNull(random);
        if (neurons < 2) throw new ArgumentOutOfRangeException(nameof(neurons), neurons, "at least two neurons");
        if (patterns < 1) throw new ArgumentOutOfRangeException(nameof(patterns), patterns, "at least one pattern");
        var flat = new sbyte[checked(neurons * patterns)];
        ulong bits = 0;
        int left = 0;
        for (int k = 0; k < flat.Length; k++)
        {
            if (left == 0) { bits = (ulong)random.NextInt64() ^ ((ulong)random.Next(2) << 63); left = 64; }
            flat[k] = (bits & 1) == 0 ? (sbyte)-1 : (sbyte)1;
            bits >>= 1;
            left--;
        }
        return new HopfieldNetwork(flat, patterns, neurons);
    }

    /// <summary>P random patterns of N neurons from a generator seeded with <paramref name="seed"/>.</summary>
    public static HopfieldNetwork Random(int neurons, int patterns, int seed) => Random(neurons, patterns, new SplitMixSource(seed));

    /// <summary>Number of neurons N.</summary>
    public int Size { get; }

    /// <summary>Number of stored patterns P.</summary>
    public int PatternCount { get; }

    /// <summary>The load alpha = P / N.</summary>
    public double Alpha => (double)PatternCount / Size;

    /// <summary>Pattern xi^mu (N entries +-1).</summary>
    public ReadOnlySpan<sbyte> Pattern(int mu) => _patterns.AsSpan(checked(mu * Size), Size);

    /// <summary>Row i of the neuron-major pattern matrix: xi_i^1..xi_i^P as doubles.</summary>
    internal ReadOnlySpan<double> NeuronRow(int i) => _byNeuron.AsSpan(i * PatternCount, PatternCount);

    /// <summary>J_ij = (1/N) sum_mu xi_i^mu xi_j^mu for i != j, 0 on the diagonal.</summary>
    public double Coupling(int i, int j)
    {
        if (i == j) return 0;
        int sum = 0;
        for (int mu = 0; mu < PatternCount; mu++) sum += _patterns[mu * Size + i] * _patterns[mu * Size + j];
        return (double)sum / Size;
    }

    /// <summary>The dense Hebbian matrix J (row-major N x N, zero diagonal, exactly symmetric): O(N^2 P) work.</summary>
    public double[] Couplings()
    {
        int n = Size, p = PatternCount;
        var j = new double[checked(n * n)];
        Parallel.For(0, n, i =>
        {
            var xi = NeuronRow(i);
            for (int k = i + 1; k < n; k++)
            {
                double v = Dot(xi, NeuronRow(k)) / n;
                j[i * n + k] = v;
            }
        });
        for (int i = 0; i < n; i++)
            for (int k = i + 1; k < n; k++) j[k * n + i] = j[i * n + k];
        return j;
    }

    /// <summary>The network as a pairwise <see cref="IsingModel"/> with couplings J, no fields, at beta = 1 / T.</summary>
    public IsingModel ToIsingModel(double beta = 1.0) => new(Size, Couplings(), new double[Size], beta);

    /// <summary>The overlaps m_mu(s) = (1/N) sum_i xi_i^mu s_i of a configuration with every pattern.</summary>
    public double[] Overlaps(ReadOnlySpan<sbyte> s)
    {
        CheckConfiguration(s);
        var m = new double[PatternCount];
        for (int mu = 0; mu < PatternCount; mu++) m[mu] = (double)PatternSum(mu, s) / Size;
        return m;
    }

    /// <summary>The overlap m_mu(s) = (1/N) sum_i xi_i^mu s_i with one pattern.</summary>
    public double Overlap(int mu, ReadOnlySpan<sbyte> s)
    {
        CheckConfiguration(s);
        return (double)PatternSum(mu, s) / Size;
    }

    /// <summary>E(s) = -1/2 sum_{i != j} J_ij s_i s_j = -(N/2) sum_mu m_mu^2 + P/2, computed from the overlaps (exact integer sums).</summary>
    public double Energy(ReadOnlySpan<sbyte> s)
    {
        CheckConfiguration(s);
        double sq = 0;
        for (int mu = 0; mu < PatternCount; mu++) { double c = PatternSum(mu, s); sq += c * c; }
        return -0.5 * sq / Size + 0.5 * PatternCount;
    }

    /// <summary>The local field h_i = sum_{j != i} J_ij s_j = sum_mu xi_i^mu m_mu(s) - alpha s_i.</summary>
    public double LocalField(ReadOnlySpan<sbyte> s, int i)
    {
        CheckConfiguration(s);
        var c = new double[PatternCount];
        for (int mu = 0; mu < PatternCount; mu++) c[mu] = PatternSum(mu, s);
        return FieldFromSums(i, c, s[i]);
    }

    /// <summary>h_i from the un-normalised overlaps c_mu = N m_mu (exact integers held as doubles).</summary>
    internal double FieldFromSums(int i, ReadOnlySpan<double> sums, sbyte si) =>
        (Dot(NeuronRow(i), sums) - PatternCount * si) / Size;

    internal int PatternSum(int mu, ReadOnlySpan<sbyte> s)
    {
        var row = _patterns.AsSpan(mu * Size, Size);
        int sum = 0;
        for (int i = 0; i < row.Length; i++) sum += row[i] * s[i];
        return sum;
    }

    internal void CheckConfiguration(ReadOnlySpan<sbyte> s)
    {
        if (s.Length != Size) throw new ArgumentException($"a configuration needs {Size} spins, got {s.Length}");
    }

    /// <summary>Sum_k a_k b_k, vectorised (exact for the integer-valued operands used here).</summary>
    internal static double Dot(ReadOnlySpan<double> a, ReadOnlySpan<double> b)
    {
        int k = 0;
        double sum = 0;
        if (Vector.IsHardwareAccelerated && a.Length >= 2 * Vector<double>.Count)
        {
            var acc = Vector<double>.Zero;
            for (; k <= a.Length - Vector<double>.Count; k += Vector<double>.Count)
                acc += new Vector<double>(a.Slice(k)) * new Vector<double>(b.Slice(k));
            sum = Vector.Sum(acc);
        }
        for (; k < a.Length; k++) sum += a[k] * b[k];
        return sum;
    }

    static double[] Transpose(sbyte[] flat, int p, int n)
    {
        var t = new double[checked(n * p)];
        for (int mu = 0; mu < p; mu++)
            for (int i = 0; i < n; i++) t[i * p + mu] = flat[mu * n + i];
        return t;
    }
}
