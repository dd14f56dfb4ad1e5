namespace NeuralSpin.Numerics;

/// <summary>
/// SplitMix64 (Steele, Lea and Flood 2014) as a small value-type generator, the one generator behind every seeded
/// stream of the library (<see cref="Seeds"/>, <see cref="SplitMixSource"/>, the data order of training, the sampling of
/// binary weights): state_0 = Mix(seed); next() adds the golden-ratio increment 0x9E3779B97F4A7C15 and returns
/// Mix(state), Mix being SplitMix64's finaliser. Its output is a pure, documented function of the seed, independent of
/// the runtime, of libtorch's generators and of thread counts.
/// </summary>
public struct SplitMixRandom
{
    /// <summary>SplitMix64's increment (2^64 / golden ratio, odd).</summary>
    public const ulong Increment = 0x9E3779B97F4A7C15UL;

    private ulong _state;

    /// <summary>Seeds the generator: state_0 = Mix(seed).</summary>
    public SplitMixRandom(long seed) => _state = Mix(unchecked((ulong)seed));

    /// <summary>The next 64 random bits.</summary>
    public ulong NextUInt64()
    {
        unchecked { _state += Increment; }
        return Mix(_state);
    }

    /// <summary>A uniform double in [0, 1) with 53 random bits: (next &gt;&gt; 11) 2^-53.</summary>
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    /// <summary>A uniform integer in [0, <paramref name="bound"/>) by rejection (no modulo bias): draws until the 64 bits
    /// are at least 2^64 mod bound, then returns them mod bound.</summary>
    public ulong NextBelow(ulong bound)
    {
        ArgumentOutOfRangeException.ThrowIfZero(bound);
        ulong threshold = unchecked(0UL - bound) % bound; // 2^64 mod bound
        while (true)
        {
            ulong r = NextUInt64();
            if (r >= threshold) return r % bound;
        }
    }

    /// <summary>SplitMix64's finaliser (a bijection of 64-bit words with full avalanche), the library's one mixer.</summary>
    public static ulong Mix(ulong z)
    {
        unchecked
        {
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
            return z ^ (z >> 31);
        }
    }
}
