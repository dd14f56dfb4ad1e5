namespace NeuralSpin.Ising;

/// <summary>
/// The grid of coupling fields x over which an entropy landscape is swept up and down (<see cref="EntropyLandscape.Sweep"/>,
/// <see cref="EntropyLandscape.IsoEnergy"/>; <c>neuralspin ising landscape</c>).
/// </summary>
public sealed record LandscapeGrid
{
    /// <summary>Smallest x.</summary>
    public double XMin { get; init; }

    /// <summary>Largest x.</summary>
    public double XMax { get; init; } = 2.0;

    /// <summary>Grid points, at least 2.</summary>
    public int Points { get; init; } = 41;

    /// <summary>
    /// The largest |x| allowed: the tilt x pins every spin to the reference long before (tanh x = 1 in float64 beyond
    /// |x| = 19), and past 1e6 the entropy s = ln Z - beta e - x q loses all its digits to cancellation.
    /// </summary>
    public const double MaxTilt = 1e6;

    /// <summary>The points x_k = XMin + (XMax - XMin) k/(Points - 1), k = 0 .. Points - 1, increasing.</summary>
    public double[] Xs()
    {
        if (Points < 2) throw new ArgumentOutOfRangeException(nameof(Points), Points, "a landscape grid needs at least two points");
        if (!(double.IsFinite(XMin) && double.IsFinite(XMax) && XMax > XMin))
            throw new ArgumentOutOfRangeException(nameof(XMax), XMax, "the grid needs finite ends with XMax > XMin");
        if (Math.Max(Math.Abs(XMin), Math.Abs(XMax)) > MaxTilt)
            throw new ArgumentOutOfRangeException(nameof(XMax), XMax, $"|x| must be at most {MaxTilt}");
        var xs = new double[Points];
        for (int i = 0; i < Points; i++) xs[i] = XMin + (XMax - XMin) * i / (Points - 1);
        return xs;
    }
}
