using NeuralSpin.Ising;
using NeuralSpin.Numerics;
using ScottPlot;

namespace NeuralSpin.Reporting;

/// <summary>
/// The figures of the Ising toolkit (<c>ising landscape --plot</c>, <c>ising tap --plot</c>), as plot models and
/// <see cref="Width"/> x <see cref="Height"/> PNGs: the entropy landscape s(d) of an up and down sweep with the bound
/// -d ln d - (1-d) ln(1-d), and the histogram of the TAP free energies of the distinct fixed points.
/// </summary>
public static class IsingPlots
{
    /// <summary>Width of the PNGs in pixels.</summary>
    public const int Width = 800;

    /// <summary>Height of the PNGs in pixels.</summary>
    public const int Height = 600;

    /// <summary>Points of the bound's grid on [0, 1/2]; its two ends (d = 0, where the bound is 0, and d = 1/2) are left out.</summary>
    public const int BoundPoints = 201;

    /// <summary>Fraction of its bin that a histogram bar fills (the rest is the gap between bars).</summary>
    public const double BarFill = 0.9;

    /// <summary>The entropy landscape s(d) of <paramref name="sweep"/> (see <see cref="Landscape"/>), not rendered.</summary>
    public static Figure LandscapeFigure(LandscapeSweep sweep) =>
        new("landscape.png", "entropy landscape s(d): up and down sweep with the binary-entropy bound", [Landscape(sweep)], Height) { Width = Width };

    /// <summary>The histogram of the fixed points' TAP free energies (see <see cref="TapFreeEnergies"/>), not rendered.</summary>
    public static Figure TapFreeEnergiesFigure(TapFixedPointsResult result) =>
        new("tap_free_energies.png", "histogram of the TAP free energies per spin of the distinct fixed points", [TapFreeEnergies(result)], Height) { Width = Width };

    /// <summary>
    /// The entropy s against the distance d of the up sweep (blue) and the down sweep (red, dashed), with the bound
    /// -d ln d - (1-d) ln(1-d) (<see cref="EntropyLandscape.BinaryEntropy"/>) on d in (0, 1/2) in gray.
    /// </summary>
    public static Plot Landscape(LandscapeSweep sweep)
    {
        ArgumentNullException.ThrowIfNull(sweep);
        var plot = new Plot();
        var bx = Precision.UniformGrid(0.5, BoundPoints)[1..^1]; // d in (0, 1/2)
        var bound = plot.Add.ScatterLine(bx, bx.Select(EntropyLandscape.BinaryEntropy).ToArray(), Colors.Gray);
        bound.LegendText = "bound -d ln d - (1-d) ln(1-d)";
        var up = plot.Add.Scatter(sweep.Up.Select(q => q.Distance).ToArray(), sweep.Up.Select(q => q.EntropyDensity).ToArray(), Colors.Blue);
        up.LegendText = "up sweep";
        var down = plot.Add.Scatter(sweep.Down.Select(q => q.Distance).ToArray(), sweep.Down.Select(q => q.EntropyDensity).ToArray(), Colors.Red);
        down.LegendText = "down sweep";
        down.LinePattern = LinePattern.Dashed;
        plot.XLabel("distance d");
        plot.YLabel("entropy s (nats per spin)");
        plot.Title("Entropy landscape");
        plot.ShowLegend();
        return plot;
    }

    /// <summary>
    /// Bars of the distinct fixed points per bin of their TAP free energy per spin (<see cref="BarHistogram.Of"/>), each
    /// <see cref="BarFill"/> of its bin wide; no bars when there are no fixed points.
    /// </summary>
    public static Plot TapFreeEnergies(TapFixedPointsResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        var plot = new Plot();
        var h = BarHistogram.Of(result.FixedPoints.Select(x => x.FreeEnergyPerSpin).ToArray());
        if (h.Bins > 0)
        {
            var bars = plot.Add.Bars(Enumerable.Range(0, h.Bins).Select(h.Center).ToArray(), h.Counts);
            foreach (var b in bars.Bars) b.Size = h.Width * BarFill;
        }
        plot.XLabel("TAP free energy per spin");
        plot.YLabel("distinct fixed points");
        plot.Title($"{result.FixedPoints.Count} TAP fixed points");
        return plot;
    }
}
