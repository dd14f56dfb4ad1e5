using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using NeuralSpin.Numerics;

namespace NeuralSpin.BinaryNets;

/// <summary>
/// The training noise eps of the ensemble kernels (<see cref="LrNetLaneTrainer"/>, <see cref="LrNetBatchTrainer"/>;
/// docs/theory.md section 7, "The noise stream"): a counter-based Gaussian stream, so that every value is a pure
/// function of the network's seed, the training step and the value's index, never of the network's lane, group or
/// thread. Normal q of step t of the network with key (k0, k1) is
/// <code>
/// (x0, x1, x2, x3) = Philox-4x32-10(counter (q div 4, t mod 2^32, t div 2^32, 0), key (k0, k1))
/// (z0, z1) = BoxMuller(x0, x1),  (z2, z3) = BoxMuller(x2, x3),  eps_q = z_(q mod 4)
/// </code>
/// with the key the two 32-bit halves (low, high) of <see cref="Key"/>, Philox as <see cref="Philox4x32"/>, and
/// BoxMuller as <see cref="LaneMath{V, O}.BoxMuller"/> (24-bit uniforms, the project's own log, cos and sin within a few
/// float ulp). At step t the kernels use the values q = b U + u for sample b of the batch and unit u (the units of all
/// layers numbered 0..U-1, layer by layer).
/// </summary>
/// <remarks>
/// Both ways of computing the stream use the same lane-wise operations: <see cref="FillLanes{V, O}"/> puts one network
/// per lane (the lanes differ in the key), <see cref="Fill"/> one network's consecutive blocks in the lanes (the lanes
/// differ in the counter); since every operation acts lane by lane with IEEE float arithmetic, the two give the same bits,
/// and 8- and 16-lane vectors give the same bits.
/// </remarks>
public static class TrainingNoise
{
    /// <summary>The noise key of the network of seed <paramref name="seed"/>: <c>Seeds.Stream(seed, SeedStreams.Noise)</c> (low half k0, high half k1).</summary>
    public static ulong Key(long seed) => unchecked((ulong)Seeds.Stream(seed, SeedStreams.Noise));

    /// <summary>The values of a step that the kernels draw, rounded up to whole Philox blocks of four.</summary>
    public static int Padded(int count) => (count + 3) & ~3;

    /// <summary>Normals 0 .. <paramref name="destination"/>.Length - 1 of step <paramref name="step"/> of the stream of <paramref name="key"/>.</summary>
    public static void Fill(ulong key, long step, Span<float> destination)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(step);
        if (LrNetLaneTrainer.LaneWidth == 16) FillOne<Vector512<float>, Lanes512>(key, step, destination);
        else FillOne<Vector256<float>, Lanes256>(key, step, destination);
    }

    /// <summary><see cref="Fill"/> computed on vectors of O.Width lanes (lane l holds block j0 + l).</summary>
    internal static void FillOne<V, O>(ulong key, long step, Span<float> destination) where V : struct where O : struct, ILaneVector<V>
    {
        int w = O.Width, count = destination.Length, blocks = Padded(count) / 4;
        Span<uint> iota = stackalloc uint[w];
        for (int l = 0; l < w; l++) iota[l] = (uint)l;
        var lanes = O.Load(ref MemoryMarshal.Cast<uint, float>(iota)[0]);
        var k0 = O.SplatBits((uint)key);
        var k1 = O.SplatBits((uint)(key >> 32));
        var tLo = O.SplatBits((uint)step);
        var tHi = O.SplatBits((uint)((ulong)step >> 32));
        Span<float> z = stackalloc float[4 * w];
        for (int j0 = 0; j0 < blocks; j0 += w)
        {
            V c0 = O.AddBits(O.SplatBits((uint)j0), lanes), c1 = tLo, c2 = tHi, c3 = O.SplatBits(0);
            LaneMath<V, O>.Philox(ref c0, ref c1, ref c2, ref c3, k0, k1);
            LaneMath<V, O>.BoxMuller(c0, c1, out var z0, out var z1);
            LaneMath<V, O>.BoxMuller(c2, c3, out var z2, out var z3);
            O.Store(z0, ref z[0]);
            O.Store(z1, ref z[w]);
            O.Store(z2, ref z[2 * w]);
            O.Store(z3, ref z[3 * w]);
            for (int l = 0; l < w && j0 + l < blocks; l++)
                for (int i = 0; i < 4; i++)
                {
                    int q = 4 * (j0 + l) + i;
                    if (q < count) destination[q] = z[i * w + l];
                }
        }
    }

    /// <summary>
    /// The lane layout of the lane kernel: normal q of step <paramref name="step"/> of lane l's key (k0, k1) goes to
    /// destination[q W + l], for q &lt; <see cref="Padded"/>(<paramref name="count"/>).
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    internal static void FillLanes<V, O>(float[] destination, int count, V k0, V k1, long step) where V : struct where O : struct, ILaneVector<V>
    {
        int w = O.Width, blocks = Padded(count) / 4;
        if (destination.Length < blocks * 4 * w) throw new ArgumentException("the destination holds fewer than the padded count of vectors");
        var tLo = O.SplatBits((uint)step);
        var tHi = O.SplatBits((uint)((ulong)step >> 32));
        var zero = O.SplatBits(0);
        ref float d = ref MemoryMarshal.GetArrayDataReference(destination);
        for (int j = 0; j < blocks; j++)
        {
            V c0 = O.SplatBits((uint)j), c1 = tLo, c2 = tHi, c3 = zero;
            LaneMath<V, O>.Philox(ref c0, ref c1, ref c2, ref c3, k0, k1);
            LaneMath<V, O>.BoxMuller(c0, c1, out var z0, out var z1);
            LaneMath<V, O>.BoxMuller(c2, c3, out var z2, out var z3);
            ref float p = ref Unsafe.Add(ref d, 4 * j * w);
            O.Store(z0, ref p);
            O.Store(z1, ref Unsafe.Add(ref p, w));
            O.Store(z2, ref Unsafe.Add(ref p, 2 * w));
            O.Store(z3, ref Unsafe.Add(ref p, 3 * w));
        }
    }

    /// <summary>The keys of up to O.Width networks as the lane vectors (k0, k1); lanes without a network get key 0.</summary>
    internal static (V K0, V K1) LaneKeys<V, O>(IReadOnlyList<long> seeds) where V : struct where O : struct, ILaneVector<V>
    {
        int w = O.Width;
        if (seeds.Count > w) throw new ArgumentException($"at most {w} networks per vector");
        var lo = new uint[w];
        var hi = new uint[w];
        for (int r = 0; r < seeds.Count; r++)
        {
            ulong key = Key(seeds[r]);
            lo[r] = (uint)key;
            hi[r] = (uint)(key >> 32);
        }
        return (O.Load(ref MemoryMarshal.Cast<uint, float>(lo.AsSpan())[0]), O.Load(ref MemoryMarshal.Cast<uint, float>(hi.AsSpan())[0]));
    }
}
