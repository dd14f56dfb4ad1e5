namespace NeuralSpin.Numerics;

/// <summary>
/// Philox-4x32-10, the counter-based generator of Salmon, Moraes, Dror and Shaw ("Parallel random numbers: as easy as
/// 1, 2, 3", SC11; the Random123 library): a keyed bijection of 128-bit counters (four 32-bit words) under a 64-bit key
/// (two words), so the output for a counter is a pure function of (counter, key) and any element of a stream can be
/// computed without the others. Used for the training noise of the LR-nets (docs/theory.md section 7, "The noise
/// stream"; <see cref="NeuralSpin.BinaryNets.TrainingNoise"/>). This scalar form is the reference; the lane kernel
/// computes the same rounds lane-wise.
/// </summary>
/// <remarks>
/// One round maps (c0, c1, c2, c3) with key (k0, k1) to (hi(M1 c2) ^ c1 ^ k0, lo(M1 c2), hi(M0 c0) ^ c3 ^ k1, lo(M0 c0)),
/// where hi and lo are the upper and lower 32 bits of the 64-bit product; between rounds the key is bumped by the Weyl
/// constants (k0 += W0, k1 += W1, modulo 2^32). Ten rounds (<see cref="Rounds"/>) are the published default.
/// </remarks>
public static class Philox4x32
{
    /// <summary>The round multipliers.</summary>
    public const uint M0 = 0xD2511F53, M1 = 0xCD9E8D57;

    /// <summary>The key increments between rounds (the golden ratio and sqrt(3) - 1 in 32-bit fixed point).</summary>
    public const uint W0 = 0x9E3779B9, W1 = 0xBB67AE85;

    /// <summary>Rounds of Philox-4x32-10.</summary>
    public const int Rounds = 10;

    /// <summary>The four output words of counter (c0, c1, c2, c3) under key (k0, k1).</summary>
    public static (uint X0, uint X1, uint X2, uint X3) Block(uint c0, uint c1, uint c2, uint c3, uint k0, uint k1) =>
        Block(c0, c1, c2, c3, k0, k1, Rounds);

    /// <summary>As <see cref="Block(uint, uint, uint, uint, uint, uint)"/> with another number of rounds (the 7-round variant has published answers too).</summary>
    internal static (uint X0, uint X1, uint X2, uint X3) Block(uint c0, uint c1, uint c2, uint c3, uint k0, uint k1, int rounds)
    {
        unchecked
        {
            for (int round = 0; round < rounds; round++)
            {
                if (round > 0) { k0 += W0; k1 += W1; }
                ulong p0 = (ulong)M0 * c0, p1 = (ulong)M1 * c2;
                (c0, c1, c2, c3) = ((uint)(p1 >> 32) ^ c1 ^ k0, (uint)p1, (uint)(p0 >> 32) ^ c3 ^ k1, (uint)p0);
            }
            return (c0, c1, c2, c3);
        }
    }
}
