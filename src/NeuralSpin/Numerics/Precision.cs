namespace NeuralSpin.Numerics;

/// <summary>
/// Tolerances and small numerical settings shared by several parts of the library, in one place (in the manner of
/// MathNet.Numerics' <c>Precision</c>), each with the reason for its value. Settings that belong to one algorithm stay
/// on that algorithm's options record with their documented defaults.
/// </summary>
public static class Precision
{
    /// <summary>
    /// Relative asymmetry of a coupling matrix accepted as rounding: |J_ij - J_ji| &lt;= 1e-9 max |J|. Matrices
    /// assembled or stored in float32 (PyTorch's default) and widened are symmetric to a few ulps of float64 when they
    /// were built symmetric; 1e-9 is far above that and far below any asymmetry that means a wrong matrix. Accepted
    /// matrices are stored exactly symmetric (the mean of the two triangles), so every symmetric solver sees one operator.
    /// </summary>
    public const double SymmetryTolerance = 1e-9;

    /// <summary>
    /// Relative margin added to a spectral norm computed by a dense eigensolver before it is used as a bound
    /// (||J|| (1 + 1e-12)), and the error bar of an eigenvalue of a dense symmetric matrix A from that solver
    /// (lambda - 1e-12 ||A|| is a lower bound): the solver's eigenvalues are accurate to a few ulps times the norm, about
    /// 1e-15 relative, so the margin makes the bound rigorous with room to spare while changing nothing measurable.
    /// </summary>
    public const double SpectralNormMargin = 1e-12;

    /// <summary>A spectral norm computed by a dense eigensolver, widened by <see cref="SpectralNormMargin"/> into a bound.</summary>
    public static double SpectralNormBound(double norm) => norm * (1 + SpectralNormMargin);

    /// <summary>
    /// Relative tolerance of <see cref="AlmostEqualRelative"/> and <see cref="AlmostEqualOnScale"/>: 1e-9. Two values
    /// that are the same quantity reached by different float64 operations (an epoch as step/steps-per-epoch and as a
    /// parsed decimal, a grid point recomputed from its index, a temperature carried through a continuation) differ by a
    /// few ulps, about 1e-15 relative; values that are meant to differ (neighbouring grid points, checkpoints, followed
    /// temperatures) differ by far more than 1e-9 relative. The floor 1 on the scale makes it an absolute 1e-9 near zero.
    /// </summary>
    public const double RelativeTolerance = 1e-9;

    /// <summary>
    /// Whether <paramref name="a"/> equals the reference value <paramref name="b"/> to <see cref="RelativeTolerance"/>
    /// relative to |b| (absolute below |b| = 1): |a - b| &lt;= 1e-9 max(1, |b|). False when either is NaN; an infinity
    /// equals only itself.
    /// </summary>
    public static bool AlmostEqualRelative(double a, double b) => AlmostEqualOnScale(a, b, b);

    /// <summary>
    /// Whether <paramref name="a"/> and <paramref name="b"/> agree to <see cref="RelativeTolerance"/> relative to a
    /// given <paramref name="scale"/> (e.g. the largest value of a grid whose points are compared): |a - b| &lt;= 1e-9 max(1, |scale|).
    /// False when any of them is NaN; an infinity equals only itself.
    /// </summary>
    public static bool AlmostEqualOnScale(double a, double b, double scale) =>
        double.IsInfinity(a) || double.IsInfinity(b) ? a == b : Math.Abs(a - b) <= RelativeTolerance * Math.Max(1, Math.Abs(scale));

    /// <summary>
    /// Absolute tolerance of comparisons of training epochs: 1e-9 epochs. Epochs are fractions step/steps-per-epoch or
    /// decimals of a checkpoint schedule (at most about 1e3), exact or a few ulps (1e-13) off, while two different
    /// checkpoints are at least one optimizer step apart, 1/1875 of an epoch for MNIST in batches of 32.
    /// </summary>
    public const double EpochTolerance = 1e-9;

    /// <summary>
    /// A positive number negligible against every scale the library computes with (1e-300, far above the smallest normal
    /// double 2.2e-308, so that dividing a value of order one by it stays finite): the floor of a divisor or of a scale
    /// that may be exactly zero (a zero matrix, a zero pivot of a Sturm or LU recurrence, the absolute term of a relative
    /// tolerance at x = 0). It only replaces an exact zero or adds to a positive scale; it never changes a result that
    /// does not divide by zero.
    /// </summary>
    public const double Tiny = 1e-300;

    /// <summary>
    /// <paramref name="points"/> evenly spaced values from 0 to <paramref name="max"/>, the last exactly
    /// <paramref name="max"/> (i max/(points - 1) can round below it): the sampling of every plotted or written curve.
    /// </summary>
    public static double[] UniformGrid(double max, int points)
    {
        if (points < 2) throw new ArgumentOutOfRangeException(nameof(points), points, "a grid needs at least two points");
        if (!double.IsFinite(max)) throw new ArgumentOutOfRangeException(nameof(max), max, "the end of the grid must be finite");
        var g = new double[points];
        for (int i = 0; i < points; i++) g[i] = i == points - 1 ? max : max * i / (points - 1);
        return g;
    }

    /// <summary>
    /// <paramref name="points"/> evenly spaced values from <paramref name="min"/> to <paramref name="max"/>:
    /// min + (max - min) i/(points - 1), the last exactly <paramref name="max"/> (min + (max - min) can round off it).
    /// With min = 0 the values are those of <see cref="UniformGrid(double, int)"/>.
    /// </summary>
    public static double[] UniformGrid(double min, double max, int points)
    {
        if (points < 2) throw new ArgumentOutOfRangeException(nameof(points), points, "a grid needs at least two points");
        if (!double.IsFinite(min)) throw new ArgumentOutOfRangeException(nameof(min), min, "the start of the grid must be finite");
        if (!double.IsFinite(max)) throw new ArgumentOutOfRangeException(nameof(max), max, "the end of the grid must be finite");
        var g = new double[points];
        for (int i = 0; i < points; i++) g[i] = i == points - 1 ? max : min + (max - min) * i / (points - 1);
        return g;
    }

    /// <summary>
    /// <paramref name="points"/> logarithmically spaced values from <paramref name="min"/> to <paramref name="max"/>
    /// (both positive): exp(ln min + (ln max - ln min) i/(points - 1)); a single point is <paramref name="min"/>. The
    /// ends are min and max to a few ulps (exp(ln x) need not return x exactly).
    /// </summary>
    public static double[] LogGrid(double min, double max, int points)
    {
        if (points < 1) throw new ArgumentOutOfRangeException(nameof(points), points, "a grid needs at least one point");
        if (!(min > 0 && double.IsFinite(min))) throw new ArgumentOutOfRangeException(nameof(min), min, "the start of a logarithmic grid must be positive and finite");
        if (!(max > 0 && double.IsFinite(max))) throw new ArgumentOutOfRangeException(nameof(max), max, "the end of a logarithmic grid must be positive and finite");
        var g = new double[points];
        for (int i = 0; i < points; i++) g[i] = points == 1 ? min : Math.Exp(Math.Log(min) + (Math.Log(max) - Math.Log(min)) * i / (points - 1));
        return g;
    }
}
