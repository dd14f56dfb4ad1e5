namespace NeuralSpin.Tests.Support;

/// <summary>SplitMix64's finaliser transcribed from Steele, Lea and Flood (2014), for tests that check the library's
/// seeded streams against their definition without using the library's code.</summary>
public static class ReferenceSplitMix
{
    /// <summary>Mix(z) = the SplitMix64 finaliser.</summary>
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
