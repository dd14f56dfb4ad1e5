using System.Buffers.Binary;
using System.Text;
using NeuralSpin.IO;

namespace NeuralSpin.Ising;

/// <summary>
/// An ensemble of spin configurations s in {-1, +1}^N (docs/theory.md section 7), stored row-major as
/// <c>sbyte</c> (sample k, spin i at <c>k * N + i</c>). Read from a NumPy <c>.npy</c> array of shape
/// (samples, spins) whose values are exactly +-1 (any integer or float dtype), written as int8 <c>.npy</c>.
/// </summary>
public sealed class Configurations
{
    const string Remedy = "Save a 2-D array (samples x spins) of -1 and +1, e.g. numpy.save(path, S.astype(numpy.int8)); map 0/1 bits with 2*b - 1.";

    /// <summary>Wraps row-major spins (not copied).</summary>
    public Configurations(int spinCount, sbyte[] spins)
    {
        ArgumentNullException.ThrowIfNull(spins);
        if (spinCount < 1) throw new ArgumentException("configurations need at least one spin", nameof(spinCount));
        if (spins.Length % spinCount != 0) throw new ArgumentException($"{spins.Length} values are not a whole number of {spinCount}-spin configurations", nameof(spins));
        for (int k = 0; k < spins.Length; k++)
            if (spins[k] is not (1 or -1)) throw new ArgumentException($"value {spins[k]} at sample {k / spinCount}, spin {k % spinCount} is not +-1", nameof(spins));
        SpinCount = spinCount;
        SampleCount = spins.Length / spinCount;
        Spins = spins;
    }

    /// <summary>Number of spins N per configuration.</summary>
    public int SpinCount { get; }

    /// <summary>Number of configurations.</summary>
    public int SampleCount { get; }

    /// <summary>All spins, row-major (samples x N).</summary>
    public sbyte[] Spins { get; }

    /// <summary>Configuration <paramref name="k"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="k"/> is not in [0, <see cref="SampleCount"/>).</exception>
    public ReadOnlySpan<sbyte> Sample(int k)
    {
        if ((uint)k >= (uint)SampleCount) throw new ArgumentOutOfRangeException(nameof(k), k, $"a sample index must be in [0, {SampleCount})");
        return Spins.AsSpan(k * SpinCount, SpinCount);
    }

    /// <summary>Empirical magnetizations m_i = (1/M) sum_k s_i^k.</summary>
    public double[] Magnetizations()
    {
        var m = new double[SpinCount];
        for (int k = 0; k < SampleCount; k++)
        {
            var s = Sample(k);
            for (int i = 0; i < SpinCount; i++) m[i] += s[i];
        }
        for (int i = 0; i < SpinCount; i++) m[i] /= SampleCount;
        return m;
    }

    /// <summary>Empirical raw correlations (1/M) sum_k s_i^k s_j^k, row-major N x N (diagonal 1).</summary>
    public double[] Correlations()
    {
        int n = SpinCount;
        var c = new long[n * n];
        for (int k = 0; k < SampleCount; k++)
        {
            var s = Sample(k);
            // Stryker disable once Equality : at i = n the inner loop is empty
            for (int i = 0; i < n; i++)
                // Stryker disable once Arithmetic : spins are +-1, so s_i / s_j = s_i s_j
                for (int j = i; j < n; j++) c[i * n + j] += s[i] * s[j];
        }
        var r = new double[n * n];
        // Stryker disable once Equality : at i = n the inner loop is empty
        for (int i = 0; i < n; i++)
            for (int j = i; j < n; j++) r[i * n + j] = r[j * n + i] = (double)c[i * n + j] / SampleCount;
        return r;
    }

    /// <summary>How often each configuration occurs, keyed by <see cref="ConfigurationIndex.Of"/> (N &lt;= 63).</summary>
    public Dictionary<long, int> Histogram()
    {
        if (SpinCount > 63) throw new InvalidOperationException($"a histogram keyed by configuration index needs N <= 63, got {SpinCount}");
        var counts = new Dictionary<long, int>();
        for (int k = 0; k < SampleCount; k++)
        {
            long key = ConfigurationIndex.Of(Sample(k));
            counts[key] = counts.GetValueOrDefault(key) + 1;
        }
        return counts;
    }

    /// <summary>Reads a (samples, spins) <c>.npy</c> array of +-1 values, or a bit-packed ensemble file
    /// (<see cref="PackedConfigurations"/>, recognised by its magic whatever the extension).</summary>
    /// <exception cref="ConfigurationsFileException">The file is missing or damaged, not 2-D, or holds a value other than +-1.</exception>
    public static Configurations Read(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (IsPacked(path)) return PackedConfigurations.Read(path).ToConfigurations();
        NamedTensor t;
        try
        {
            t = Npy.Read(path);
        }
        catch (InputFileException e)
        {
            throw new ConfigurationsFileException(path, e.Problem, e.Remedy, e);
        }
        if (t.Rank != 2)
            throw new ConfigurationsFileException(path, $"the array has shape {t.ShapeText}, but configurations must be a 2-D array (samples, spins)", Remedy);
        if (t.Shape[1] < 1)
            throw new ConfigurationsFileException(path, $"the array has shape {t.ShapeText}: there are no spins", Remedy);
        if (t.Shape[1] > int.MaxValue)
            throw new ConfigurationsFileException(path, $"the array has shape {t.ShapeText}: more than {int.MaxValue} spins per configuration", Remedy);
        int n = (int)t.Shape[1];
        var spins = new sbyte[t.Data.Length];
        for (long k = 0; k < t.Data.LongLength; k++)
        {
            double v = t.Data[k];
            if (v == 1) spins[k] = 1;
            else if (v == -1) spins[k] = -1;
            else
                throw new ConfigurationsFileException(path,
                    $"value {v.ToString("R", System.Globalization.CultureInfo.InvariantCulture)} at sample {k / n}, spin {k % n} is not -1 or +1 (dtype '{t.DType}')", Remedy);
        }
        return new Configurations(n, spins);
    }

    static bool IsPacked(string path)
    {
        try
        {
            if (!File.Exists(path)) return false;
            Span<byte> head = stackalloc byte[8];
            using var f = File.OpenRead(path);
            return f.ReadAtLeast(head, 8, throwOnEndOfStream: false) == 8 && head.SequenceEqual(PackedConfigurations.Magic);
        }
        catch (IOException) { return false; }           // Npy.Read reports the problem
        catch (UnauthorizedAccessException) { return false; }
    }

    /// <summary>Writes the configurations as an int8 (<c>|i1</c>) <c>.npy</c> array of shape (samples, spins), atomically.</summary>
    public void Write(string path) => WriteInt8Npy(path, Spins, SampleCount, SpinCount);

    /// <summary>Writes row-major +-1 spins as an int8 <c>.npy</c> array of shape (<paramref name="rows"/>, <paramref name="columns"/>), atomically.</summary>
    public static void WriteInt8Npy(string path, sbyte[] values, int rows, int columns)
    {
        ArgumentNullException.ThrowIfNull(values);
        if ((long)rows * columns != values.LongLength) throw new ArgumentException($"shape ({rows}, {columns}) needs {(long)rows * columns} values, got {values.Length}");
        string dict = $"{{'descr': '|i1', 'fortran_order': False, 'shape': ({rows}, {columns}), }}";
        int unpadded = 10 + dict.Length + 1;
        // Stryker disable once Arithmetic : the outer % 64 only acts when unpadded is a multiple of 64, i.e. a dict of 53 or 117
        // characters; this dict has 59 to 79 (two int shape entries), so it never does
        int pad = (64 - unpadded % 64) % 64;
        var header = Encoding.Latin1.GetBytes(dict + new string(' ', pad) + "\n");
        AtomicFile.Write(path, s =>
        {
            Span<byte> pre = [0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y', 1, 0, 0, 0];
            BinaryPrimitives.WriteUInt16LittleEndian(pre[8..], (ushort)header.Length);
            s.Write(pre);
            s.Write(header);
            s.Write(System.Runtime.InteropServices.MemoryMarshal.AsBytes(values.AsSpan()));
        });
    }
}

/// <summary>
/// The index of a configuration in the enumeration order used throughout (<see cref="ExactEnumeration"/>):
/// bit i of the index is 1 when s_i = +1 and 0 when s_i = -1.
/// </summary>
public static class ConfigurationIndex
{
    /// <summary>The index of <paramref name="s"/> (N &lt;= 63).</summary>
    public static long Of(ReadOnlySpan<sbyte> s)
    {
        if (s.Length > 63) throw new ArgumentException($"an index needs N <= 63, got {s.Length}");
        long key = 0;
        // Stryker disable once Equality,Assignment : spins are +-1 (>= 0 is > 0), and each bit is set once (^= is |=)
        for (int i = 0; i < s.Length; i++) if (s[i] > 0) key |= 1L << i;
        return key;
    }

    /// <summary>Writes the configuration with index <paramref name="index"/> into <paramref name="s"/>.</summary>
    public static void ToSpins(long index, Span<sbyte> s)
    {
        // Stryker disable once Bitwise : for shifts below 64, >> and >>> leave the same lowest bit
        for (int i = 0; i < s.Length; i++) s[i] = (sbyte)(((index >> i) & 1) != 0 ? 1 : -1);
    }

    /// <summary>The configuration with index <paramref name="index"/> on <paramref name="n"/> spins.</summary>
    public static sbyte[] ToSpins(long index, int n)
    {
        var s = new sbyte[n];
        ToSpins(index, s);
        return s;
    }
}
