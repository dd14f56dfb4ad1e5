namespace NeuralSpin.Numerics;

/// <summary>
/// A <see cref="Random"/> whose stream is SplitMix64 (<see cref="SplitMixRandom"/>): uniform doubles are
/// (next 64 bits &gt;&gt; 11) * 2^-53. Unlike <c>new Random(seed)</c>, whose algorithm the runtime does not
/// promise to keep, the sequence is fixed by this definition, so anything drawn through it (for example
/// with <see cref="Gaussian.Sample"/>) is a pure, documented function of the seed: bit-identical across runs
/// and thread counts on one platform.
/// </summary>
public sealed class SplitMixSource : Random
{
    SplitMixRandom _state;

    /// <summary>Seeds the stream (state_0 = Mix(seed), see <see cref="SplitMixRandom"/>).</summary>
    public SplitMixSource(long seed) : base(0) => _state = new SplitMixRandom(seed);

    /// <inheritdoc />
    protected override double Sample() => _state.NextDouble();

    /// <inheritdoc />
    public override double NextDouble() => _state.NextDouble();

    /// <inheritdoc />
    public override int Next() => (int)(_state.NextUInt64() >> 33);

    /// <inheritdoc />
    public override int Next(int maxValue)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(maxValue);
        return (int)(_state.NextDouble() * maxValue);
    }

    /// <inheritdoc />
    public override int Next(int minValue, int maxValue)
    {
        if (minValue > maxValue) throw new ArgumentOutOfRangeException(nameof(minValue), "minValue must not exceed maxValue");
        return (int)(minValue + (long)(_state.NextDouble() * ((long)maxValue - minValue)));
    }

    /// <inheritdoc />
    public override long NextInt64() => (long)(_state.NextUInt64() >> 1);

    /// <inheritdoc />
    public override void NextBytes(Span<byte> buffer)
    {
        for (int i = 0; i < buffer.Length; i += 8)
        {
            ulong v = _state.NextUInt64();
            for (int k = 0; k < 8 && i + k < buffer.Length; k++) buffer[i + k] = (byte)(v >> (8 * k));
        }
    }

    /// <inheritdoc />
    /// <exception cref="ArgumentNullException"><paramref name="buffer"/> is null.</exception>
    public override void NextBytes(byte[] buffer)
    {
        ArgumentNullException.ThrowIfNull(buffer);
        NextBytes(buffer.AsSpan());
    }
}
