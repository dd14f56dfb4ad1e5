namespace NeuralSpin.BinaryNets;

/// <summary>
/// SplitMix64 (Steele, Lea and Flood 2014) as a small value-type generator: the sampling of binary
/// weights from trained fields uses it so that an ensemble is a pure function of its seeds,
/// independent of libtorch's generators and thread count. Same finaliser as
/// <see cref="NeuralSpin.Training.DataOrder"/>; state_0 = Mix(seed), next() adds 0x9E3779B97F4A7C15 and returns Mix(state).
/// </summary>
public struct SplitMixRandom
{
    private ulong _state;

    /// <summary>Seeds the generator.</summary>
    public SplitMixRandom(long seed) => _state = Mix(unchecked((ulong)seed));

    /// <summary>The next 64 random bits.</summary>
    public ulong NextUInt64()
    {
        unchecked { _state += 0x9E3779B97F4A7C15UL; }
        return Mix(_state);
    }

    /// <summary>A uniform double in [0, 1) with 53 random bits.</summary>
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    internal static ulong Mix(ulong z)
    {
        unchecked
        {
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
            return z ^ (z >> 31);
        }
    }
}
