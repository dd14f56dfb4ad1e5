using NeuralSpin.Ising;
using NeuralSpin.Reproduction;
using NeuralSpin.Reproduction.Published;
using ScottPlot;

namespace NeuralSpin.Reporting;

/// <summary>The figures of <see cref="PublishedPipeline"/> (ScottPlot PNGs).</summary>
public static class PublishedPlots
{
    /// <summary>s(d), d(x), TAP histograms, MC dynamics, and our couplings against the published ones.</summary>
    public static IReadOnlyList<PlotFile> Render(PublishedResult r)
    {
        ArgumentNullException.ThrowIfNull(r);
        return
        [
            new("entropy_landscape.png", EntropyVsDistance(r), "Entropy s(d) around the Em reference (BP, converged points; up sweep lines, down sweep markers) with the bound"),
            new("distance_vs_x.png", DistanceVsX(r), "d(x) up and down sweeps around the Em reference (BP, converged points)"),
            new("tap_free_energy.png", Tap(r), "TAP free energies per spin of converged starts"),
            new("mc_dynamics.png", Dynamics(r), "MC dynamics from the Em reference: overlap (solid) and test accuracy (dashed)"),
            new("boltzmann_couplings.png", Couplings(r), "Our Boltzmann-learned couplings against the published ones"),
        ];
    }

    static Color ColorOf(int k) => Figures.Palette[k % Figures.Palette.Length];

    static LandscapeStageResult? Em(PublishedModelResult m) => m.Landscapes.FirstOrDefault(l => l.ReferenceLabel.StartsWith("Em", StringComparison.Ordinal)) ?? m.Landscapes.FirstOrDefault();

    static void Line(Plot plot, IEnumerable<(double X, double Y)> pts, Color c, string? legend, LinePattern? pattern = null, bool markersOnly = false)
    {
        var p = pts.Where(q => double.IsFinite(q.X) && double.IsFinite(q.Y)).ToArray();
        if (p.Length == 0) return;
        var sc = plot.Add.Scatter(p.Select(q => q.X).ToArray(), p.Select(q => q.Y).ToArray(), c);
        if (legend is not null) sc.LegendText = legend;
        if (markersOnly) { sc.LineWidth = 0; sc.MarkerShape = MarkerShape.OpenCircle; sc.MarkerSize = 5; }
        else sc.MarkerSize = 0;
        if (pattern is { } lp) sc.LinePattern = lp;
    }

    static byte[] EntropyVsDistance(PublishedResult r)
    {
        var plot = Figures.NewPlot("Entropy landscape s(d) of the published models", "distance d", "entropy per weight s (nats)");
        var bx = Enumerable.Range(1, 199).Select(i => i / 200.0).ToArray();
        Line(plot, bx.Select(d => (d, EntropyLandscape.BinaryEntropy(d))), Colors.Gray, "bound");
        for (int k = 0; k < r.Models.Count; k++)
            if (Em(r.Models[k]) is { } l)
            {
                Line(plot, l.Bp.Up.Where(p => p.Converged).Select(p => (p.Distance, p.EntropyDensity)), ColorOf(k), r.Models[k].Model.Id);
                Line(plot, l.Bp.Down.Where(p => p.Converged).Select(p => (p.Distance, p.EntropyDensity)), ColorOf(k), null, markersOnly: true);
            }
        plot.ShowLegend(Alignment.UpperLeft);
        return Figures.Png(plot);
    }

    static byte[] DistanceVsX(PublishedResult r)
    {
        var plot = Figures.NewPlot("Distance to the reference vs coupling field x", "coupling field x", "distance d");
        for (int k = 0; k < r.Models.Count; k++)
            if (Em(r.Models[k]) is { } l)
            {
                Line(plot, l.Bp.Up.Where(p => p.Converged).Select(p => (p.X, p.Distance)), ColorOf(k), $"{r.Models[k].Model.Id} ({l.Verdict.Name})");
                Line(plot, l.Bp.Down.Where(p => p.Converged).Select(p => (p.X, p.Distance)), ColorOf(k), null, markersOnly: true);
            }
        plot.ShowLegend(Alignment.UpperRight);
        return Figures.Png(plot);
    }

    static byte[] Tap(PublishedResult r)
    {
        var plot = Figures.NewPlot("TAP free energy per spin of converged random starts", "f_TAP / N", "fraction of starts");
        for (int k = 0; k < r.Models.Count; k++)
        {
            var f = r.Models[k].Tap.Search.StartFreeEnergiesPerSpin.Where(double.IsFinite).ToArray();
            if (f.Length == 0) continue;
            double lo = f.Min(), hi = f.Max();
            if (hi - lo < 1e-6) { lo -= 0.005; hi += 0.005; }
            const int bins = 30;
            var counts = new double[bins];
            foreach (var v in f) counts[Math.Min(bins - 1, (int)((v - lo) / (hi - lo) * bins))]++;
            var pts = new List<(double, double)>();
            for (int b = 0; b < bins; b++)
            {
                pts.Add((lo + (hi - lo) * b / bins, counts[b] / f.Length));
                pts.Add((lo + (hi - lo) * (b + 1) / bins, counts[b] / f.Length));
            }
            Line(plot, pts, ColorOf(k), $"{r.Models[k].Model.Id} ({r.Models[k].Tap.Peaks} peak{(r.Models[k].Tap.Peaks == 1 ? "" : "s")})");
        }
        plot.ShowLegend(Alignment.UpperRight);
        return Figures.Png(plot);
    }

    static byte[] Dynamics(PublishedResult r)
    {
        var plot = Figures.NewPlot("Heat-bath MC dynamics from the Em reference", "MC sweeps", "overlap q / test accuracy");
        for (int k = 0; k < r.Models.Count; k++)
            if (r.Models[k].Dynamics is { } d)
            {
                Line(plot, d.Trace.Select(t => ((double)t.Sweep, t.Overlap)), ColorOf(k), $"{r.Models[k].Model.Id} q");
                Line(plot, d.Trace.Select(t => ((double)t.Sweep, t.Observed)), ColorOf(k), null, LinePattern.Dashed);
            }
        plot.ShowLegend(Alignment.LowerLeft);
        return Figures.Png(plot);
    }

    static byte[] Couplings(PublishedResult r)
    {
        var plot = Figures.NewPlot("Boltzmann learning from the published moments: our J_ij vs the published J_ij", "published J_ij", "our J_ij");
        double lo = 0, hi = 0;
        for (int k = 0; k < r.Models.Count; k++)
        {
            if (r.Models[k].Boltzmann is not { } b) continue;
            var pub = r.Models[k].Model.Model;
            int n = pub.Size, stride = Math.Max(1, n * (n - 1) / 2 / 3000);
            var pts = new List<(double, double)>();
            int idx = 0;
            for (int i = 0; i < n; i++)
                for (int j = i + 1; j < n; j++, idx++)
                    if (idx % stride == 0) pts.Add((pub.Coupling(i, j), b.Learned.Coupling(i, j)));
            lo = Math.Min(lo, pts.Min(p => Math.Min(p.Item1, p.Item2)));
            hi = Math.Max(hi, pts.Max(p => Math.Max(p.Item1, p.Item2)));
            Line(plot, pts, ColorOf(k), FormattableString.Invariant($"{r.Models[k].Model.Id} (r = {b.CouplingCorrelation:F2})"), markersOnly: true);
        }
        Line(plot, [(lo, lo), (hi, hi)], Colors.Gray, "y = x", LinePattern.Dashed);
        plot.ShowLegend(Alignment.UpperLeft);
        return Figures.Png(plot);
    }
}
