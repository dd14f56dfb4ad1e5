using NeuralSpin.IO;
using NeuralSpin.Spectra;
using NeuralSpin.Trajectory;
using ScottPlot;
using SkiaSharp;

namespace NeuralSpin.Reporting;

/// <summary>A rendered plot: file name (in the plots folder), PNG bytes and what it shows.</summary>
public sealed record PlotFile(string Name, byte[] Png, string Description);

/// <summary>
/// A figure before rendering: its file name, what it shows, and its panels (ScottPlot models, stacked top to bottom,
/// each <see cref="PanelHeight"/> pixels high and <see cref="Width"/> wide), so that its content (series, ranges,
/// labels) can be inspected.
/// </summary>
public sealed record Figure(string Name, string Description, IReadOnlyList<Plot> Panels, int PanelHeight = Figures.Height)
{
    /// <summary>Width of the PNG in pixels (default <see cref="Figures.Width"/>).</summary>
    public int Width { get; init; } = Figures.Width;

    /// <summary>The figure as a PNG: one panel as is, several stacked.</summary>
    public PlotFile Render() => new(Name, Panels.Count == 1 ? Figures.Png(Panels[0], Width, PanelHeight)
        : TrajectoryPlots.Stack(Panels, Width, PanelHeight), Description);
}

/// <summary>
/// The figures of P1 secs. 3.1-3.4 for one training run, as PNGs:
/// <list type="bullet">
/// <item><c>validation_error.png</c> (Fig. 4) validation error vs epoch (only if the checkpoints record it);</item>
/// <item><c>lambda_min_curve.png</c> (Fig. 5) lambda_min(beta) of I - M before and after training with the level c_0;</item>
/// <item><c>evolution.png</c> (Figs. 6/8) T_c and corrected T_c with the power-law fit, lambda_max(J) and s_0/s_typ vs epoch;</item>
/// <item><c>tap_spectrum.png</c> (Fig. 7) spectral density of I - M at the transition before and after;</item>
/// <item><c>bond_spectrum.png</c> (Fig. 9) spectral density of J before and after;</item>
/// <item><c>layer_alpha.png</c> the corrected T_c (top) and each layer's power-law exponent alpha of its ESD (bottom,
/// with WeightWatcher's bands alpha &lt; 2 and alpha &gt; 6) against the epoch: the two views of the network.</item>
/// </list>
/// Epoch axes are linear on [0, 1] and logarithmic beyond (<see cref="EpochAxis"/>); value axes of
/// Figs. 4, 6, 7 and 9 are logarithmic, as in the paper.
/// </summary>
public static class TrajectoryPlots
{
    internal static readonly Color Before = Colors.SteelBlue;
    internal static readonly Color After = Colors.OrangeRed;

    /// <summary>Renders every figure the result supports (in memory).</summary>
    public static IReadOnlyList<PlotFile> Render(TrajectoryResult r) => Build(r).Select(f => f.Render()).ToList();

    /// <summary>Every figure the result supports, as plot models (not rendered).</summary>
    public static IReadOnlyList<Figure> Build(TrajectoryResult r)
    {
        var figures = new List<Figure>();
        if (r.Rows.Any(x => x.ValError is > 0)) figures.Add(new("validation_error.png", "Fig. 4: validation error vs epoch", [ValidationError(r)]));
        figures.Add(new("lambda_min_curve.png", "Fig. 5: lambda_min(beta) of I - M before and after training",
            [LambdaMinPlot(r, $"Least eigenvalue of I - M(\u03b2) before and after training ({Subtitle(r)})")]));
        figures.Add(new("evolution.png", "Figs. 6/8: T_c, lambda_max(J), s_0/s_typ vs epoch", Evolution(r), 380));
        figures.Add(new("tap_spectrum.png", "Fig. 7: spectrum of I - M at T_c before and after", [TapSpectrum(r)]));
        figures.Add(new("bond_spectrum.png", "Fig. 9: spectral density of J before and after", [BondSpectrum(r)]));
        if (r.Rows.Count > 0 && r.Rows[0].Layers.Count > 0)
            figures.Add(new("layer_alpha.png", "per-layer power-law alpha vs epoch, below the corrected T_c", LayerAlpha(r), 420));
        return figures;
    }

    /// <summary>Writes the plots into <paramref name="dir"/> (created if needed), each atomically; returns the paths.</summary>
    public static IReadOnlyList<string> Write(IReadOnlyList<PlotFile> plots, string dir)
    {
        Directory.CreateDirectory(dir);
        var paths = new List<string>();
        foreach (var p in plots)
        {
            string path = Path.Combine(dir, p.Name);
            AtomicFile.WriteAllBytes(path, p.Png);
            paths.Add(path);
        }
        return paths;
    }

    static string Subtitle(TrajectoryResult r) =>
        $"{Path.GetFileName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(r.RunDir)))}, widths {string.Join("-", r.Initial.Widths)}";

    internal static void EpochTicks(Plot plot, double tMax)
    {
        var (major, minor) = EpochAxis.Ticks(tMax);
        var gen = new ScottPlot.TickGenerators.NumericManual();
        foreach (var (x, label) in major) gen.AddMajor(x, label);
        foreach (var x in minor) gen.AddMinor(x);
        plot.Axes.Bottom.TickGenerator = gen;
        plot.Axes.SetLimitsX(-0.03, EpochAxis.Transform(Math.Max(tMax, 1)) + 0.05);
    }

    /// <summary>Log10 y axis over the positive values (with a margin); returns false if there are none.</summary>
    internal static bool LogY(Plot plot, IEnumerable<double> values, ScottPlot.IAxis? axis = null)
    {
        var pos = values.Where(v => v > 0 && double.IsFinite(v)).ToList();
        if (pos.Count == 0) return false;
        double lo = pos.Min(), hi = pos.Max();
        double llo = Math.Log10(lo), lhi = Math.Log10(hi);
        double pad = Math.Max(0.05 * (lhi - llo), 0.02);
        var (major, minor) = LogAxis.Ticks(Math.Pow(10, llo - pad), Math.Pow(10, lhi + pad));
        var gen = new ScottPlot.TickGenerators.NumericManual();
        foreach (var (x, label) in major) gen.AddMajor(x, label);
        foreach (var x in minor) gen.AddMinor(x);
        (axis ?? plot.Axes.Left).TickGenerator = gen;
        plot.Axes.SetLimitsY(llo - pad, lhi + pad);
        return true;
    }

    internal static (double[] X, double[] Y) EpochSeries(TrajectoryResult r, Func<TrajectoryRow, double?> f, bool log)
    {
        var pts = r.Rows.Select(row => (x: EpochAxis.Transform(row.Epoch), y: f(row)))
            .Where(p => p.y is double v && double.IsFinite(v) && (!log || v > 0))
            .Select(p => (p.x, y: log ? Math.Log10(p.y!.Value) : p.y!.Value)).ToList();
        return (pts.Select(p => p.x).ToArray(), pts.Select(p => p.y).ToArray());
    }

    internal static void Series(Plot plot, (double[] X, double[] Y) s, Color color, string legend, MarkerShape marker = MarkerShape.FilledCircle)
    {
        if (s.X.Length == 0) return;
        var sc = plot.Add.Scatter(s.X, s.Y, color);
        sc.LegendText = legend;
        sc.LineWidth = 1.5f;
        sc.MarkerSize = 6;
        sc.MarkerShape = marker;
    }

    internal const string EpochLabel = "training time t (epochs; linear on [0, 1], logarithmic beyond)";

    /// <summary>The label of every epoch axis.</summary>
    public static string EpochLabelText => EpochLabel;

    static Plot ValidationError(TrajectoryResult r)
    {
        var plot = Figures.NewPlot($"Validation error during training ({Subtitle(r)})", EpochLabel, "validation error rate");
        double tMax = r.Rows.Max(x => x.Epoch);
        var s = EpochSeries(r, x => x.ValError, log: true);
        Series(plot, s, Colors.Black, "validation error");
        EpochTicks(plot, tMax);
        LogY(plot, r.Rows.Select(x => x.ValError ?? double.NaN));
        plot.ShowLegend(Alignment.UpperRight);
        return plot;
    }

    /// <summary>Fig. 5 for one run: lambda_min(beta) before and after training, the level c_0 and the corrected beta_c marks.</summary>
    internal static Plot LambdaMinPlot(TrajectoryResult r, string title)
    {
        var first = r.Rows[0];
        var last = r.Rows[^1];
        var plot = Figures.NewPlot(title, "inverse temperature \u03b2", "\u03bb_min(I - M(\u03b2))");
        var zero = plot.Add.HorizontalLine(0, 1, Colors.Gray);
        zero.LinePattern = LinePattern.Dotted;
        var level = plot.Add.HorizontalLine(r.Level, 2, Colors.Black);
        level.LinePattern = LinePattern.Dashed;
        level.LegendText = $"level c\u2080 = {Fmt(r.Level)} (t = 0 curve minimum)";
        var a = plot.Add.ScatterLine(r.InitialCurve.Beta, r.InitialCurve.LambdaMin, Before);
        a.LineWidth = 2.5f;
        a.LegendText = $"before training (t = {Fmt(first.Epoch)})";
        var b = plot.Add.ScatterLine(r.FinalCurve.Beta, r.FinalCurve.LambdaMin, After);
        b.LineWidth = 2.5f;
        b.LegendText = $"after training (t = {Fmt(last.Epoch)} epochs)";
        if (r.Initial.BetaCCorrected is double b0) Mark(plot, b0, r.Level, Before, $"\u03b2_c(c\u2080) = {Fmt(b0)} before");
        if (r.Final.BetaCCorrected is double b1) Mark(plot, b1, r.Level, After, $"\u03b2_c(c\u2080) = {Fmt(b1)} after");
        var ys = r.InitialCurve.LambdaMin.Concat(r.FinalCurve.LambdaMin).ToList();
        double lo = Math.Min(ys.Min(), r.Level), hi = Math.Max(ys.Max(), 1);
        plot.Axes.SetLimitsY(lo - 0.06 * (hi - lo), hi + 0.06 * (hi - lo));
        plot.Axes.SetLimitsX(0, r.InitialCurve.Beta[^1]);
        plot.ShowLegend(Alignment.LowerLeft);
        return plot;
    }

    internal static void Mark(Plot plot, double x, double y, Color color, string legend)
    {
        var m = plot.Add.Marker(x, y, MarkerShape.OpenDiamond, 14, color);
        m.LegendText = legend;
        m.MarkerLineWidth = 2;
    }

    static List<Plot> Evolution(TrajectoryResult r)
    {
        double tMax = r.Rows.Max(x => x.Epoch);
        var panels = new List<Plot>();

        var p1 = Figures.NewPlot($"Spin-model evolution during training ({Subtitle(r)})", "", "melting temperature T_c");
        Series(p1, EpochSeries(r, x => x.TcCorrected, true), After, "T_c(c\u2080) corrected (\u03bb_min = c\u2080)");
        Series(p1, EpochSeries(r, x => x.Tc, true), Before, "T_c (\u03bb_min = 0)", MarkerShape.OpenSquare);
        if (r.TcCorrectedFit is PowerLaw fit)
        {
            var xs = Figures.PowerLawEpochs(fit);
            var line = p1.Add.ScatterLine(xs.Select(EpochAxis.Transform).ToArray(), xs.Select(t => Math.Log10(fit.At(t))).ToArray(), Colors.Black);
            line.LinePattern = LinePattern.Dashed;
            line.LineWidth = 2;
            line.LegendText = $"fit T_c(c\u2080) = {Fmt(fit.Prefactor)} t^{Fmt(fit.Exponent)} (R\u00b2 = {fit.RSquared:F3}, t \u2208 [{Fmt(fit.TMin)}, {Fmt(fit.TMax)}])";
        }
        LogY(p1, r.Rows.SelectMany(x => new[] { x.Tc ?? double.NaN, x.TcCorrected ?? double.NaN }));
        p1.ShowLegend(Alignment.UpperLeft);
        panels.Add(p1);

        var p2 = Figures.NewPlot("", "", "largest eigenvalue \u03bb_max(J)");
        Series(p2, EpochSeries(r, x => x.LambdaMaxJ, true), Colors.DarkGreen, "\u03bb_max(J)");
        LogY(p2, r.Rows.Select(x => x.LambdaMaxJ));
        p2.ShowLegend(Alignment.UpperLeft);
        panels.Add(p2);

        var p3 = Figures.NewPlot("", EpochLabel, "first level spacing s\u2080 / s_typ");
        Series(p3, EpochSeries(r, x => x.FirstLevelSpacingRatio, true), Colors.Purple, "s\u2080 / s_typ of I - M at the transition");
        if (!LogY(p3, r.Rows.Select(x => x.FirstLevelSpacingRatio ?? double.NaN))) p3.Axes.SetLimitsY(0, 1);
        p3.ShowLegend(Alignment.UpperLeft);
        panels.Add(p3);

        foreach (var p in panels)
        {
            EpochTicks(p, tMax);
            // equal left margins so that the three epoch axes line up
            p.Layout.Fixed(new PixelPadding(100, 30, 60, 50));
        }
        return panels;
    }

    static List<Plot> LayerAlpha(TrajectoryResult r)
    {
        double tMax = r.Rows.Max(x => x.Epoch);
        var top = Figures.NewPlot($"Spin model and per-layer spectra during training ({Subtitle(r)})", "", "T_c(c\u2080) corrected");
        Series(top, EpochSeries(r, x => x.TcCorrected, true), After, "T_c(c\u2080) (spin model)");
        LogY(top, r.Rows.Select(x => x.TcCorrected ?? double.NaN));
        top.ShowLegend(Alignment.UpperLeft);

        var bottom = Figures.NewPlot("", EpochLabel, "power-law \u03b1 of the layer's ESD");
        int layers = r.Rows[0].Layers.Count;
        for (int k = 0; k < layers; k++)
        {
            int kk = k;
            Series(bottom, EpochSeries(r, x => kk < x.Layers.Count ? x.Layers[kk].Alpha : null, false),
                Figures.Palette[(k + 1) % Figures.Palette.Length], $"\u03b1 of {r.Rows[0].Layers[k].Layer}");
        }
        foreach (var (y, label) in new[] { (2.0, "\u03b1 = 2 (below: over-trained)"), (6.0, "\u03b1 = 6 (above: under-trained)") })
        {
            var h = bottom.Add.HorizontalLine(y, 1, Colors.Gray);
            h.LinePattern = LinePattern.Dashed;
            h.LegendText = label;
        }
        var alphas = r.Rows.SelectMany(x => x.Layers.Select(l => l.Alpha ?? double.NaN)).Where(double.IsFinite).ToList();
        double lo = Math.Min(1.5, alphas.DefaultIfEmpty(2).Min() - 0.5), hi = Math.Max(6.5, alphas.DefaultIfEmpty(6).Max() + 0.5);
        bottom.Axes.SetLimitsY(lo, hi);
        bottom.ShowLegend(Alignment.UpperRight);
        foreach (var p in new[] { top, bottom })
        {
            EpochTicks(p, tMax);
            p.Layout.Fixed(new PixelPadding(100, 30, 60, 50));
        }
        return [top, bottom];
    }

    /// <summary>Renders plots one below the other into one PNG.</summary>
    internal static byte[] Stack(IReadOnlyList<Plot> plots, int width, int panelHeight)
    {
        var info = new SKImageInfo(width, panelHeight * plots.Count);
        using var surface = SKSurface.Create(info);
        surface.Canvas.Clear(SKColors.White);
        for (int i = 0; i < plots.Count; i++)
        {
            // a plot clears the whole canvas it renders on, so each panel gets its own surface
            using var panel = SKSurface.Create(new SKImageInfo(width, panelHeight));
            plots[i].Render(panel);
            using var snapshot = panel.Snapshot();
            surface.Canvas.DrawImage(snapshot, 0, i * panelHeight);
        }
        using var image = surface.Snapshot();
        using var data = image.Encode(SKEncodedImageFormat.Png, 100);
        return data.ToArray();
    }

    static Plot TapSpectrum(TrajectoryResult r)
    {
        var plot = Figures.NewPlot($"Spectrum of I - M at the transition ({Subtitle(r)})", "eigenvalue of I - M(\u03b2_c)", "spectral density (log scale)");
        Densities(plot, r.Initial.SpectrumTap, r.Final.SpectrumTap,
            $"before training, \u03b2 = {Fmt(r.Initial.SpacingBeta)}", $"after training, \u03b2 = {Fmt(r.Final.SpacingBeta)}");
        var v = plot.Add.VerticalLine(r.Level, 1.5f, Colors.Black);
        v.LinePattern = LinePattern.Dashed;
        v.LegendText = $"c\u2080 = {Fmt(r.Level)}";
        plot.ShowLegend(Alignment.UpperRight);
        return plot;
    }

    static Plot BondSpectrum(TrajectoryResult r)
    {
        var plot = Figures.NewPlot($"Spectral density of the bond matrix J ({Subtitle(r)})", "eigenvalue of J", "spectral density (log scale)");
        Densities(plot, r.Initial.SpectrumJ, r.Final.SpectrumJ, "before training", "after training");
        plot.ShowLegend(Alignment.UpperRight);
        return plot;
    }

    /// <summary>Two histograms on common bins as step lines, log10 density; empty bins drop below the axis.</summary>
    internal static void Densities(Plot plot, double[] a, double[] b, string la, string lb)
    {
        int n = Math.Max(a.Length, b.Length);
        int bins = Math.Clamp((int)Math.Round(2 * Math.Sqrt(n)), 10, 80);
        double lo = Math.Min(a.Min(), b.Min()), hi = Math.Max(a.Max(), b.Max());
        var ha = SpectralDensity.Of(a, bins, lo, hi);
        var hb = SpectralDensity.Of(b, bins, lo, hi);
        double minPos = ha.Density.Concat(hb.Density).Where(d => d > 0).DefaultIfEmpty(1).Min();
        double maxD = ha.Density.Concat(hb.Density).Max();
        double floor = minPos / 10; // below the axis: empty bins drop off the bottom edge
        Steps(plot, ha, floor, Before, la, 4); // wider, so that it shows where the two coincide
        Steps(plot, hb, floor, After, lb, 2);
        LogY(plot, [minPos, maxD]);
        double pad = 0.03 * (hi - lo);
        plot.Axes.SetLimitsX(lo - pad, hi + pad);
    }

    static void Steps(Plot plot, Histogram h, double floor, Color color, string legend, float width)
    {
        var xs = new List<double> { h.Edges[0] };
        var ys = new List<double> { Math.Log10(floor) };
        for (int i = 0; i < h.Counts.Length; i++)
        {
            double y = Math.Log10(Math.Max(h.Density[i], floor));
            xs.Add(h.Edges[i]); ys.Add(y);
            xs.Add(h.Edges[i + 1]); ys.Add(y);
        }
        xs.Add(h.Edges[^1]); ys.Add(Math.Log10(floor));
        var line = plot.Add.ScatterLine(xs.ToArray(), ys.ToArray(), color);
        line.LineWidth = width;
        line.LegendText = legend;
    }

    internal static string Fmt(double v) => v.ToString("G4", System.Globalization.CultureInfo.InvariantCulture);
}
