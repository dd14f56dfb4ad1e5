using ScottPlot;

namespace NeuralSpin.Reporting;

/// <summary>
/// The project's common figure style (ScottPlot 5): titled plots with labelled axes, PNG bytes of a fixed size, and
/// one colour cycle, shared by every plot the library and the commands write.
/// </summary>
public static class Figures
{
    /// <summary>The smallest epoch at which a fitted power law is drawn (its fit range may start at t = 0, where t^alpha has no logarithm).</summary>
    public const double PowerLawMinEpoch = 1e-12;

    /// <summary>Points of the line of a fitted power law.</summary>
    public const int PowerLawPoints = 60;

    /// <summary>
    /// The epochs at which a fitted power law is drawn: <see cref="PowerLawPoints"/> geometrically spaced values from
    /// max(TMin, <see cref="PowerLawMinEpoch"/>) to TMax, t0 (t1/t0)^(i/(points - 1)).
    /// </summary>
    public static double[] PowerLawEpochs(NeuralSpin.Trajectory.PowerLaw fit)
    {
        ArgumentNullException.ThrowIfNull(fit);
        double t0 = Math.Max(fit.TMin, PowerLawMinEpoch), t1 = fit.TMax;
        return Enumerable.Range(0, PowerLawPoints).Select(i => t0 * Math.Pow(t1 / t0, i / (PowerLawPoints - 1.0))).ToArray();
    }

    /// <summary>Default PNG width in pixels.</summary>
    public const int Width = 960;

    /// <summary>Default PNG height in pixels.</summary>
    public const int Height = 620;

    /// <summary>The colour cycle for several series in one plot.</summary>
    public static readonly Color[] Palette = [Colors.SteelBlue, Colors.OrangeRed, Colors.ForestGreen, Colors.DarkViolet, Colors.DarkGoldenRod, Colors.Teal, Colors.Crimson, Colors.SaddleBrown];

    /// <summary>A plot with a title (smaller font for long titles) and axis labels.</summary>
    public static Plot NewPlot(string title, string xLabel, string yLabel)
    {
        var plot = new Plot();
        plot.Title(title, title.Length > 70 ? 14 : 18);
        plot.Axes.Title.Label.Text = FitTitle(plot.Axes.Title.Label, Width - TitleMargin);
        plot.XLabel(xLabel, 15);
        plot.YLabel(yLabel, 15);
        return plot;
    }

    /// <summary>Pixels of the figure's width a title leaves free (both sides together).</summary>
    public const int TitleMargin = 40;

    /// <summary>
    /// The text of <paramref name="label"/> broken into lines no wider than <paramref name="maxWidth"/> pixels in the
    /// label's own font: unchanged when it fits, else filled greedily, breaking after ", " or ": " (or at spaces where a
    /// piece alone is too wide). A long title would otherwise run past the figure's edge.
    /// </summary>
    public static string FitTitle(LabelStyle label, float maxWidth)
    {
        ArgumentNullException.ThrowIfNull(label);
        string text = label.Text;
        using var paint = Paint.NewDisposablePaint();
        float Measure(string s)
        {
            string keep = label.Text;
            label.Text = s;
            float w = label.Measure(paint).Width;
            label.Text = keep;
            return w;
        }
        if (text.Contains('\n') || Measure(text) <= maxWidth) return text;
        var pieces = System.Text.RegularExpressions.Regex.Split(text, @"(?<=, |: )").Where(p => p.Length > 0)
            .SelectMany(p => Measure(p) <= maxWidth ? [p] : System.Text.RegularExpressions.Regex.Split(p, @"(?<= )"))
            .Where(p => p.Length > 0).ToList();
        var lines = new List<string>();
        string line = "";
        foreach (string piece in pieces)
        {
            if (line.Length > 0 && Measure((line + piece).TrimEnd()) > maxWidth)
            {
                lines.Add(line.TrimEnd());
                line = "";
            }
            line += piece;
        }
        if (line.Length > 0) lines.Add(line.TrimEnd());
        return string.Join("\n", lines);
    }

    /// <summary>Points without connecting lines: a marker series with a legend entry.</summary>
    public static ScottPlot.Plottables.Scatter Markers(Plot plot, double[] xs, double[] ys, Color color, string legend, float size = 8, MarkerShape shape = MarkerShape.FilledCircle)
    {
        var sc = plot.Add.Scatter(xs, ys, color);
        sc.LineWidth = 0;
        sc.MarkerSize = size;
        sc.MarkerShape = shape;
        sc.LegendText = legend;
        return sc;
    }

    /// <summary>
    /// A line through the finite points of (x, y) only, with an optional legend and pattern; with
    /// <paramref name="markers"/> the points as markers (size 5) and no line. Nothing is added when no point is finite.
    /// </summary>
    public static void Line(Plot plot, IReadOnlyList<double> x, IReadOnlyList<double> y, Color color, string? legend, LinePattern? pattern = null, bool markers = false, float width = 2)
    {
        ArgumentNullException.ThrowIfNull(plot);
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(y);
        var ok = Enumerable.Range(0, x.Count).Where(i => double.IsFinite(x[i]) && double.IsFinite(y[i])).ToArray();
        if (ok.Length == 0) return;
        var sc = plot.Add.Scatter(ok.Select(i => x[i]).ToArray(), ok.Select(i => y[i]).ToArray(), color);
        if (legend is not null) sc.LegendText = legend;
        sc.LineWidth = markers ? 0 : width;
        sc.MarkerSize = markers ? 5 : 0;
        if (pattern is { } p) sc.LinePattern = p;
    }

    /// <summary>A number in a title or legend: invariant, 7 significant digits (as the command line's tables print it).</summary>
    public static string Num(double v) => v.ToString("G7", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>The plot rendered as PNG bytes.</summary>
    public static byte[] Png(Plot plot, int width = Width, int height = Height) => plot.GetImage(width, height).GetImageBytes(ImageFormat.Png);
}
