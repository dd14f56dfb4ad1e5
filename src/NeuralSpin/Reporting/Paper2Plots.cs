using NeuralSpin.Ising;
using NeuralSpin.Reproduction;
using ScottPlot;

namespace NeuralSpin.Reporting;

/// <summary>The figures of the paper-2 reproduction (<see cref="Paper2Pipeline"/>; ScottPlot PNGs, the style of <see cref="TrajectoryPlots"/>).</summary>
public static class Paper2Plots
{

    static readonly Dictionary<string, Color> PartColors = new()
    {
        ["shallow"] = Colors.OrangeRed,
        ["deep-input"] = Colors.SteelBlue,
        ["deep-middle"] = Colors.ForestGreen,
        ["deep-output"] = Colors.DarkViolet,
        ["deep-full"] = Colors.Black,
        ["deep-over-input"] = Colors.DeepSkyBlue,
        ["deep-over-middle"] = Colors.LimeGreen,
        ["deep-over-output"] = Colors.Orchid,
        ["deep-over-full"] = Colors.DimGray,
    };

    static Color ColorOf(string name) => PartColors.TryGetValue(name, out var c) ? c : Colors.Gray;

    /// <summary>Renders s(d) with the bound, d(x) up and down, TAP free-energy histograms and MC traces.</summary>
    public static IReadOnlyList<PlotFile> Render(Paper2Result r) =>
    [
        new("entropy_landscape.png", EntropyVsDistance(r), "Fig. 5: entropy s(d) of every part: BP at converged points (lines: up sweep, open circles: down), MC with thermodynamic integration (filled triangles up, filled squares down), with the bound"),
        new("distance_vs_x.png", DistanceVsX(r), "Fig. 5: d(x) up and down sweeps, BP (lines, open circles) and annealed MC (filled markers; hysteresis shows as separate curves)"),
        new("middle_entropy.png", MiddleEntropy(r), "Sec. IV.1: the middle layer's entropy s(x) (BP and MC; under- and over-parameterized) against ln 2 and the bound"),
        new("tap_free_energy.png", TapHistograms(r), "Fig. 8: TAP free energies per spin of converged starts"),
        new("mc_dynamics.png", McTraces(r), "Fig. 9: MC dynamics from the reference: overlap and test accuracy"),
    ];

    /// <summary>Writes the plots into <paramref name="dir"/>.</summary>
    public static IReadOnlyList<string> Write(IReadOnlyList<PlotFile> plots, string dir) => TrajectoryPlots.Write(plots, dir);

    static void Line(Plot plot, double[] x, double[] y, Color color, string? legend, bool markers, LinePattern? pattern = null, MarkerShape shape = MarkerShape.OpenCircle)
    {
        var ok = Enumerable.Range(0, x.Length).Where(i => double.IsFinite(x[i]) && double.IsFinite(y[i])).ToArray();
        if (ok.Length == 0) return;
        var sc = plot.Add.Scatter(ok.Select(i => x[i]).ToArray(), ok.Select(i => y[i]).ToArray(), color);
        if (legend is not null) sc.LegendText = legend;
        sc.LineWidth = markers ? 0 : 2;
        sc.MarkerSize = markers ? 6 : 0;
        sc.MarkerShape = shape;
        if (pattern is { } p) sc.LinePattern = p;
    }

    static byte[] EntropyVsDistance(Paper2Result r)
    {
        var plot = Figures.NewPlot("Entropy landscape s(d) around the reference (converged BP points)", "distance d", "entropy per weight s (nats)");
        var d = Enumerable.Range(1, 399).Select(k => k / 400.0).ToArray();
        Line(plot, d, d.Select(EntropyLandscape.BinaryEntropy).ToArray(), Colors.Gray, "bound -d ln d - (1-d) ln(1-d)", false, LinePattern.Dashed);
        foreach (var p in r.Parts)
        {
            var c = ColorOf(p.Part.Name);
            var up = p.Landscape.Up.Where(q => q.Converged).ToList();
            var down = p.Landscape.Down.Where(q => q.Converged).ToList();
            Line(plot, up.Select(q => q.Distance).ToArray(), up.Select(q => q.EntropyDensity).ToArray(), c, $"{p.Part.Name} (up)", false);
            Line(plot, down.Select(q => q.Distance).ToArray(), down.Select(q => q.EntropyDensity).ToArray(), c, null, true);
            if (p.McLandscape is { } mc)
            {
                Line(plot, mc.Up.Select(q => q.Distance).ToArray(), mc.Up.Select(q => q.EntropyDensity).ToArray(), c, $"{p.Part.Name} (MC)", true, shape: MarkerShape.FilledTriangleUp);
                Line(plot, mc.Down.Select(q => q.Distance).ToArray(), mc.Down.Select(q => q.EntropyDensity).ToArray(), c, null, true, shape: MarkerShape.FilledSquare);
            }
        }
        plot.ShowLegend(Alignment.UpperLeft);
        return Figures.Png(plot);
    }

    static byte[] DistanceVsX(Paper2Result r)
    {
        var plot = Figures.NewPlot("Distance to the reference vs coupling field x", "coupling field x", "distance d");
        foreach (var p in r.Parts)
        {
            var c = ColorOf(p.Part.Name);
            var up = p.Landscape.Up.Where(q => q.Converged).ToList();
            var down = p.Landscape.Down.Where(q => q.Converged).ToList();
            Line(plot, up.Select(q => q.X).ToArray(), up.Select(q => q.Distance).ToArray(), c, $"{p.Part.Name} (up)", false);
            Line(plot, down.Select(q => q.X).ToArray(), down.Select(q => q.Distance).ToArray(), c, null, true);
            if (p.McLandscape is { } mc)
            {
                Line(plot, mc.Up.Select(q => q.X).ToArray(), mc.Up.Select(q => q.Distance).ToArray(), c, $"{p.Part.Name} (MC up/down)", true, shape: MarkerShape.FilledTriangleUp);
                Line(plot, mc.Down.Select(q => q.X).ToArray(), mc.Down.Select(q => q.Distance).ToArray(), c, null, true, shape: MarkerShape.FilledSquare);
            }
        }
        plot.ShowLegend(Alignment.UpperRight);
        return Figures.Png(plot);
    }

    static byte[] MiddleEntropy(Paper2Result r)
    {
        var plot = Figures.NewPlot("Middle layer: entropy per weight vs x, against ln 2 and the bound", "coupling field x", "entropy per weight (nats)");
        double lo = r.Options.LandscapeXs[0], hi = r.Options.LandscapeXs[^1];
        Line(plot, [lo, hi], [Math.Log(2), Math.Log(2)], Colors.Gray, "ln 2", false, LinePattern.Dashed);
        foreach (var p in r.Parts.Where(q => q.Part.Name is "deep-middle" or "deep-over-middle"))
        {
            var c = ColorOf(p.Part.Name);
            string who = p.Part.Name == "deep-middle" ? "" : "over-param. ";
            var up = p.Landscape.Up.Where(q => q.Converged).ToList();
            Line(plot, up.Select(q => q.X).ToArray(), up.Select(q => q.EntropyDensity).ToArray(), c, $"{who}BP s(x) (converged, up)", false);
            Line(plot, up.Select(q => q.X).ToArray(), up.Select(q => q.EntropyBound).ToArray(), who.Length == 0 ? Colors.Black : Colors.DimGray, $"{who}bound H(d(x)) (BP)", false, LinePattern.Dotted);
            if (p.McLandscape is { } mc)
            {
                Line(plot, mc.Up.Select(q => q.X).ToArray(), mc.Up.Select(q => q.EntropyDensity).ToArray(), c, $"{who}MC s(x) (up)", true, shape: MarkerShape.FilledTriangleUp);
                Line(plot, mc.Down.Select(q => q.X).ToArray(), mc.Down.Select(q => q.EntropyDensity).ToArray(), c, $"{who}MC s(x) (down)", true, shape: MarkerShape.FilledSquare);
            }
        }
        plot.ShowLegend(Alignment.UpperRight);
        return Figures.Png(plot);
    }

    static byte[] TapHistograms(Paper2Result r)
    {
        var plot = Figures.NewPlot("TAP free energy per spin of converged random starts", "f_TAP / N", "fraction of starts");
        foreach (var p in r.Parts)
        {
            var f = p.Tap.StartFreeEnergiesPerSpin.Where(double.IsFinite).ToArray();
            if (f.Length == 0) continue;
            double lo = f.Min(), hi = f.Max();
            if (hi - lo < 1e-6) { lo -= 0.005; hi += 0.005; }
            int bins = 30;
            var counts = new double[bins];
            foreach (var v in f) counts[Math.Min(bins - 1, (int)((v - lo) / (hi - lo) * bins))]++;
            var xs = new List<double>();
            var ys = new List<double>();
            for (int b = 0; b < bins; b++)
            {
                double x0 = lo + (hi - lo) * b / bins, x1 = lo + (hi - lo) * (b + 1) / bins;
                xs.Add(x0); ys.Add(counts[b] / f.Length);
                xs.Add(x1); ys.Add(counts[b] / f.Length);
            }
            Line(plot, xs.ToArray(), ys.ToArray(), ColorOf(p.Part.Name), $"{p.Part.Name} ({f.Length} starts)", false);
        }
        plot.ShowLegend(Alignment.UpperRight);
        return Figures.Png(plot);
    }

    static byte[] McTraces(Paper2Result r)
    {
        var plot = Figures.NewPlot("Heat-bath MC dynamics from the reference (solid: overlap q, dashed: test accuracy)", "MC sweeps", "overlap / accuracy");
        foreach (var p in r.Parts)
        {
            var c = ColorOf(p.Part.Name);
            var x = p.Mc.Select(t => (double)t.Sweep).ToArray();
            Line(plot, x, p.Mc.Select(t => t.Overlap).ToArray(), c, $"{p.Part.Name} q", false);
            Line(plot, x, p.Mc.Select(t => t.Observed).ToArray(), c, $"{p.Part.Name} accuracy", false, LinePattern.Dashed);
        }
        plot.ShowLegend(Alignment.LowerLeft);
        return Figures.Png(plot);
    }
}
