using NeuralSpin.Numerics;
namespace NeuralSpin.Training;

/// <summary>
/// The order in which an epoch visits the training samples: a Fisher-Yates shuffle driven by
/// SplitMix64 (Steele, Lea and Flood 2014), seeded from (seed, epoch) alone. The permutation of epoch
/// e is therefore a pure function of the run's seed and e, independent of libtorch's generators and of
/// the thread count, and resuming needs only the step counter (no generator state to serialize).
/// </summary>
/// <remarks>
/// Definition: state_0 = Mix(seed XOR (0xD1B54A32D192ED03 * (epoch + 1))); next() adds 0x9E3779B97F4A7C15
/// to the state and returns Mix(state); Mix is SplitMix64's finaliser. For i = n-1 down to 1, j is
/// drawn uniformly from 0..i by rejection (no modulo bias) and entries i and j are swapped, starting
/// from the identity.
/// </remarks>
public static class DataOrder
{
    /// <summary>The permutation of 0..n-1 for epoch <paramref name="epoch"/> (0-based) of a run seeded with <paramref name="seed"/>.</summary>
    public static int[] Permutation(long seed, long epoch, int n)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(n);
        ArgumentOutOfRangeException.ThrowIfNegative(epoch);
        var p = new int[n];
        for (int i = 0; i < n; i++) p[i] = i;
        var rng = new NeuralSpin.Numerics.SplitMixRandom(unchecked(seed ^ (long)(0xD1B54A32D192ED03UL * (ulong)(epoch + 1))));
        for (int i = n - 1; i > 0; i--)
        {
            int j = (int)rng.NextBelow((ulong)i + 1);
            (p[i], p[j]) = (p[j], p[i]);
        }
        return p;
    }
}
