using FsCheck.NUnit;

namespace NeuralSpin.PropertyTests.Support;

/// <summary>
/// An FsCheck property run from a fixed, printed seed, so that every run (CI included) draws the same cases and a
/// failure replays exactly: the seed is <see cref="Seed"/>, which the environment variable
/// <c>NEURALSPIN_FSCHECK_SEED</c> ("seed,gamma", gamma odd) replaces for a run with other cases; <c>.ci/run</c> prints
/// it. FsCheck counts only accepted cases towards <c>MaxTest</c> (default 100), so a property with <c>.When(...)</c>
/// still checks that many cases, and one whose condition rejects more than <c>MaxFail</c> cases in a row ends
/// exhausted, which FsCheck.NUnit reports as a failed test.
/// </summary>
public sealed class SeededPropertyAttribute : PropertyAttribute
{
    /// <summary>The default replay seed of FsCheck's generator, "seed,gamma".</summary>
    public const string DefaultSeed = "20261204,2654435769";

    /// <summary>The seed of this run: <c>NEURALSPIN_FSCHECK_SEED</c> when set, else <see cref="DefaultSeed"/>.</summary>
    public static string Seed { get; } = Environment.GetEnvironmentVariable("NEURALSPIN_FSCHECK_SEED") is { Length: > 0 } s ? s : DefaultSeed;

    public SeededPropertyAttribute()
    {
        Replay = Seed;
    }
}
