namespace NeuralSpin.Numerics;

/// <summary>
/// Seed derivation, in one place: every seeded computation of the library draws from a stream derived from the user's
/// master seed by one of the two functions here, both built on SplitMix64's finaliser
/// (<see cref="SplitMixRandom.Mix"/>), so that nearby seeds and stream numbers give unrelated streams and adding a
/// stream never shifts another. The named streams are listed in <see cref="SeedStreams"/>.
/// </summary>
/// <remarks>
/// Randomness policy: seeded draws go through <see cref="SplitMixRandom"/> or <see cref="SplitMixSource"/> (a
/// <see cref="System.Random"/> subclass for APIs that take one), never through <c>new System.Random(int)</c>, whose
/// algorithm the runtime does not promise to keep across versions. The one exception is <c>init</c>'s documented weight
/// generator (its outputs are bundled and golden), and libtorch's generator for the Kaiming initialisation of trained
/// networks, whose seed is derived here.
/// </remarks>
public static class Seeds
{
    /// <summary>
    /// The seed of sub-stream (<paramref name="a"/>, <paramref name="b"/>) of <paramref name="seed"/>:
    /// Mix(Mix(Mix(seed) + a + inc) + b + inc), inc = <see cref="SplitMixRandom.Increment"/>. Used where a stream is
    /// indexed by two numbers (for example an SK instance by its size and index).
    /// </summary>
    public static long Derive(long seed, long a, long b)
    {
        unchecked
        {
            ulong z = SplitMixRandom.Mix((ulong)seed);
            z = SplitMixRandom.Mix(z + (ulong)a + SplitMixRandom.Increment);
            z = SplitMixRandom.Mix(z + (ulong)b + SplitMixRandom.Increment);
            return (long)z;
        }
    }

    /// <summary>
    /// The seed of named stream <paramref name="stream"/> of <paramref name="seed"/> (non-negative):
    /// Mix(Mix(seed) XOR (stream inc)) &gt;&gt; 1. Used for the streams of <see cref="SeedStreams"/>.
    /// </summary>
    public static long Stream(long seed, ulong stream) =>
        unchecked((long)(SplitMixRandom.Mix(SplitMixRandom.Mix((ulong)seed) ^ (stream * SplitMixRandom.Increment)) >> 1));
}

/// <summary>The named streams of <see cref="Seeds.Stream"/> and <see cref="Seeds.Derive"/>, one list for the library.</summary>
public static class SeedStreams
{
    /// <summary>Weight initialisation of a trained MLP, and initial fields of a binary network (<c>Seeds.Stream(seed, 1)</c>).</summary>
    public const ulong Initialisation = 1;

    /// <summary>Training noise of a binary network (local reparameterisation).</summary>
    public const ulong Noise = 2;

    /// <summary>Data order of a binary network's training.</summary>
    public const ulong Order = 3;

    /// <summary>Training subset of a binary network (over-parameterized setting).</summary>
    public const ulong Subset = 4;

    /// <summary>Evaluation draws of a binary network.</summary>
    public const ulong Evaluation = 5;

    /// <summary>Draws of binary weights from a trained network's fields in an ensemble.</summary>
    public const ulong EnsembleDraw = 101;

    /// <summary>The data order shared by all trainings of an ensemble under the batched kernel (docs/theory.md section 7).</summary>
    public const ulong SharedOrder = 102;

    /// <summary>Training t of an ensemble uses stream <c>EnsembleTrainingBase + t</c>.</summary>
    public const ulong EnsembleTrainingBase = 1_000_000;

    /// <summary>Hopfield study: the overlap-vs-temperature grid (the load grid uses the master seed itself).</summary>
    public const ulong HopfieldTemperatureCurve = 1;

    /// <summary>Hopfield study: the phase-diagram grid.</summary>
    public const ulong HopfieldPhaseGrid = 2;

    /// <summary>SK study: random starts of the TAP iteration, <c>Seeds.Derive(seed, N, SkTapStarts)</c>.</summary>
    public const long SkTapStarts = -1;

    /// <summary>SK study: quenched states of the field continuation.</summary>
    public const long SkQuenchedStates = -2;

    /// <summary>SK study: Monte Carlo seeds of the TAP-state search.</summary>
    public const long SkStateSearch = -3;
}
