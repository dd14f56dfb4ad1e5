using NeuralSpin.Reporting;
using ScottPlot;

using NeuralSpin.Classic;

namespace NeuralSpin.Reporting;

/// <summary>The PNG figures of <c>classic hopfield</c> (ScottPlot 5): overlap vs load, overlap vs temperature, phase diagram.</summary>
public static class HopfieldPlots
{

    static void Curve(Plot plot, double[] x, double[] y, Color color, string? legend, LinePattern? pattern = null, float width = 2)
    {
        var ok = Enumerable.Range(0, x.Length).Where(i => double.IsFinite(x[i]) && double.IsFinite(y[i])).ToArray();
        if (ok.Length == 0) return;
        var sc = plot.Add.ScatterLine(ok.Select(i => x[i]).ToArray(), ok.Select(i => y[i]).ToArray(), color);
        sc.LineWidth = width;
        if (pattern is { } p) sc.LinePattern = p;
        if (legend is not null) sc.LegendText = legend;
    }

    static void PointsWithErrors(Plot plot, IReadOnlyList<double> x, IReadOnlyList<HopfieldOverlapPoint> pts, Color color, string legend)
    {
        var xs = x.ToArray();
        var ys = pts.Select(p => p.MeanOverlap).ToArray();
        var sc = plot.Add.Scatter(xs, ys, color);
        sc.LineWidth = 1.5f;
        sc.MarkerSize = 6;
        sc.LegendText = legend;
        var err = pts.Select(p => double.IsFinite(p.StandardError) ? p.StandardError : 0).ToArray();
        var eb = plot.Add.ErrorBar(xs, ys, err);
        eb.LineColor = color;
    }

    /// <summary>
    /// Mean final overlap vs alpha for each N (error bars: standard error over pattern sets), the AGS T = 0 retrieval
    /// overlap m(alpha) up to alpha_c with its jump, and the crossing level used for alpha_c(N).
    /// </summary>
    public static byte[] OverlapVsLoad(IReadOnlyList<HopfieldOverlapPoint> points, double temperature, double level)
    {
        ArgumentNullException.ThrowIfNull(points);
        var plot = Figures.NewPlot($"Hopfield retrieval at T = {temperature:G3}: overlap with the start pattern vs load", "load alpha = P/N", "overlap m");
        int c = 0;
        foreach (var g in points.GroupBy(p => p.Size).OrderBy(g => g.Key))
        {
            var pts = g.OrderBy(p => p.Alpha).ToList();
            PointsWithErrors(plot, pts.Select(p => p.Alpha).ToList(), pts, Figures.Palette[c++ % Figures.Palette.Length], $"N = {g.Key}");
        }
        if (temperature == 0)
        {
            double ac = AgsTheory.CriticalLoad;
            var a = Enumerable.Range(1, 200).Select(k => ac * k / 200).ToArray();
            Curve(plot, a, a.Select(x => AgsTheory.RetrievalZeroTemperature(x)!.M).ToArray(), Colors.Black, $"AGS m(alpha), T = 0 (alpha_c = {ac:F4})");
            Curve(plot, [ac, ac], [AgsTheory.CriticalOverlap, 0], Colors.Black, null, LinePattern.Dashed);
        }
        double xMax = points.Count > 0 ? points.Max(p => p.Alpha) : 0.25;
        Curve(plot, [0, xMax], [level, level], Colors.Gray, $"crossing level {level:G3}", LinePattern.Dotted, 1);
        plot.Axes.SetLimitsY(-0.05, 1.05);
        plot.ShowLegend(Alignment.LowerLeft);
        return Figures.Png(plot, Figures.Width, 640);
    }

    /// <summary>Mean overlap vs T at fixed alpha (Glauber dynamics from the pattern) next to the AGS retrieval m(T) (0 above T_M).</summary>
    public static byte[] OverlapVsTemperature(IReadOnlyList<HopfieldOverlapPoint> points, double alpha, IReadOnlyList<(double T, double M)> ags)
    {
        ArgumentNullException.ThrowIfNull(points);
        ArgumentNullException.ThrowIfNull(ags);
        var plot = Figures.NewPlot($"Hopfield retrieval at alpha = {alpha:G3}: overlap vs temperature", "temperature T", "overlap m");
        var pts = points.OrderBy(p => p.Temperature).ToList();
        if (pts.Count > 0)
            PointsWithErrors(plot, pts.Select(p => p.Temperature).ToList(), pts, Colors.SteelBlue, $"Glauber, N = {pts[0].Size}");
        Curve(plot, ags.Select(p => p.T).ToArray(), ags.Select(p => p.M).ToArray(), Colors.Black, "AGS retrieval m(T)");
        plot.Axes.SetLimitsY(-0.05, 1.05);
        plot.ShowLegend(Alignment.LowerLeft);
        return Figures.Png(plot, Figures.Width, 640);
    }

    /// <summary>The AGS boundaries T_g, T_M, T_c with the simulation points (filled: retrieval, open: none).</summary>
    public static byte[] PhaseDiagram(AgsPhaseDiagram diagram, IReadOnlyList<HopfieldOverlapPoint> points, double level)
    {
        ArgumentNullException.ThrowIfNull(diagram);
        ArgumentNullException.ThrowIfNull(points);
        var plot = Figures.NewPlot("Hopfield phase diagram: AGS boundaries and Glauber simulations from the pattern", "load alpha = P/N", "temperature T");
        Curve(plot, diagram.Glass.Select(p => p.Alpha).ToArray(), diagram.Glass.Select(p => p.Temperature).ToArray(), Colors.DarkViolet, "T_g = 1 + sqrt(alpha) (PM / SG)");
        Curve(plot, diagram.RetrievalLimit.Select(p => p.Alpha).ToArray(), diagram.RetrievalLimit.Select(p => p.Temperature).ToArray(), Colors.OrangeRed, "T_M (retrieval states cease)");
        Curve(plot, diagram.RetrievalGlobal.Select(p => p.Alpha).ToArray(), diagram.RetrievalGlobal.Select(p => p.Temperature).ToArray(), Colors.ForestGreen, "T_c (retrieval = global minimum)", LinePattern.Dashed);
        var yes = points.Where(p => p.MeanOverlap >= level).ToList();
        var no = points.Where(p => p.MeanOverlap < level).ToList();
        if (yes.Count > 0)
        {
            var m = plot.Add.Markers(yes.Select(p => p.Alpha).ToArray(), yes.Select(p => p.Temperature).ToArray(), MarkerShape.FilledCircle, 8, Colors.SteelBlue);
            m.LegendText = $"simulation: m >= {level:G3}";
        }
        if (no.Count > 0)
        {
            var m = plot.Add.Markers(no.Select(p => p.Alpha).ToArray(), no.Select(p => p.Temperature).ToArray(), MarkerShape.OpenCircle, 8, Colors.Gray);
            m.LegendText = $"simulation: m < {level:G3}";
        }
        plot.Axes.SetLimitsY(0, 1.5);
        plot.ShowLegend(Alignment.UpperRight);
        return Figures.Png(plot, Figures.Width, 640);
    }
}
