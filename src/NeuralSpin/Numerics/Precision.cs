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
    /// (||J|| (1 + 1e-12)): the solver's eigenvalues are accurate to a few ulps times ||J||, about 1e-15 relative, so
    /// the margin makes the bound rigorous with room to spare while changing nothing measurable.
    /// </summary>
    public const double SpectralNormMargin = 1e-12;

    /// <summary>A spectral norm computed by a dense eigensolver, widened by <see cref="SpectralNormMargin"/> into a bound.</summary>
    public static double SpectralNormBound(double norm) => norm * (1 + SpectralNormMargin);

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
}
