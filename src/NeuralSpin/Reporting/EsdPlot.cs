using NeuralSpin.Layers;
using ScottPlot;

namespace NeuralSpin.Reporting;

/// <summary>
/// The log-log plot of a layer's empirical spectral density (docs/theory.md section 10): a histogram of the eigenvalues
/// of X in logarithmic bins (density per unit lambda), the fitted power law (alpha, from xmin) scaled to the tail's share
/// of the eigenvalues, the Marchenko-Pastur density of the fitted bulk, and vertical lines at xmin and the bulk edge.
/// </summary>
public static class EsdPlot
{
    /// <summary>
    /// The Marchenko-Pastur density is drawn up to log10(edge) minus this, so that 10^(log10 x) cannot round beyond the
    /// edge, where the square root of the density would see a negative argument.
    /// </summary>
    const double EdgeInset = 1e-9;

    /// <summary>Logarithmic bins of the histogram.</summary>
    public const int Bins = 60;

    /// <summary>A file name for the layer's plot: <c>esd_&lt;name&gt;.png</c> with characters other than letters, digits, '.', '-', '_' replaced by '_'.</summary>
    public static string FileName(string layer) =>
        "esd_" + new string(layer.Select(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '_' ? c : '_').ToArray()) + ".png";

    /// <summary>Renders the plot as PNG bytes.</summary>
    public static byte[] Render(LayerMetrics m, string? source = null)
    {
        ArgumentNullException.ThrowIfNull(m);
        var pos = m.Eigenvalues.Where(v => v > 0).ToArray();
        string alphaText = m.PowerLaw is { } f ? $"alpha = {f.Alpha:F2} +- {f.AlphaStandardError:F2}, D = {f.KsDistance:F3}" : "no power-law fit";
        var plot = Figures.NewPlot($"ESD of {m.Name} ({string.Join(" x ", m.Shape)}){(source is null ? "" : $", {source}")}: {alphaText}, {m.Verdict}",
            "eigenvalue lambda of X = W^T W / N", "density");
        if (pos.Length < 2 || pos[0] == pos[^1])
            return Figures.Png(plot);
        double lo = Math.Log10(pos[0]), hi = Math.Log10(pos[^1]);
        double width = (hi - lo) / Bins;
        var counts = new int[Bins];
        foreach (var v in pos) counts[Math.Min(Bins - 1, (int)((Math.Log10(v) - lo) / width))]++;
        var xs = new List<double>();
        var ys = new List<double>();
        for (int b = 0; b < Bins; b++)
        {
            if (counts[b] == 0) continue;
            double a = Math.Pow(10, lo + b * width), z = Math.Pow(10, lo + (b + 1) * width);
            xs.Add(Math.Log10(Math.Sqrt(a * z)));
            ys.Add(Math.Log10(counts[b] / (m.Eigenvalues.Length * (z - a))));
        }
        Figures.Markers(plot, xs.ToArray(), ys.ToArray(), Figures.Palette[0], "ESD (histogram)", 7);

        if (m.PowerLaw is { } fit)
        {
            double share = (double)fit.TailCount / m.Eigenvalues.Length;
            var px = Grid(Math.Log10(fit.XMin), hi, 50);
            var py = px.Select(l => Math.Log10(share * (fit.Alpha - 1) / fit.XMin * Math.Pow(Math.Pow(10, l) / fit.XMin, -fit.Alpha))).ToArray();
            var line = plot.Add.Scatter(px, py, Figures.Palette[1]);
            line.MarkerSize = 0;
            line.LineWidth = 2;
            line.LegendText = $"power law, alpha = {fit.Alpha:F2}";
            var v = plot.Add.VerticalLine(Math.Log10(fit.XMin), 1, Figures.Palette[1]);
            v.LinePattern = LinePattern.Dashed;
            v.LegendText = "xmin";
        }
        var mp = m.MarchenkoPastur;
        if (mp.Sigma2 > 0)
        {
            double lm = mp.Sigma2 * Math.Pow(1 - 1 / Math.Sqrt(mp.Q), 2), lp = mp.Edge;
            double bulkShare = (double)(m.Eigenvalues.Length - mp.Spikes) / m.Eigenvalues.Length;
            double from = Math.Max(lm, pos[0]);
            if (lp > from)
            {
                var mx = Grid(Math.Log10(from), Math.Log10(lp), 80).Select(l => Math.Min(l, Math.Log10(lp) - EdgeInset)).ToArray();
                var my = mx.Select(l =>
                {
                    double x = Math.Pow(10, l);
                    double d = mp.Q / (2 * Math.PI * mp.Sigma2 * x) * Math.Sqrt(Math.Max(0, (lp - x) * (x - lm)));
                    return d > 0 ? Math.Log10(bulkShare * d) : double.NaN;
                }).ToArray();
                var keep = Enumerable.Range(0, mx.Length).Where(i => double.IsFinite(my[i])).ToArray();
                if (keep.Length > 1)
                {
                    var c = plot.Add.Scatter(keep.Select(i => mx[i]).ToArray(), keep.Select(i => my[i]).ToArray(), Figures.Palette[2]);
                    c.MarkerSize = 0;
                    c.LineWidth = 2;
                    c.LegendText = $"Marchenko-Pastur bulk, {mp.Spikes} spike(s)";
                }
            }
            var e = plot.Add.VerticalLine(Math.Log10(lp), 1, Figures.Palette[2]);
            e.LinePattern = LinePattern.Dotted;
            e.LegendText = "bulk edge lambda_+";
        }
        LogTicks(plot, plot.Axes.Bottom, lo, hi);
        var finite = ys.Where(double.IsFinite).ToList();
        if (finite.Count > 0) LogTicks(plot, plot.Axes.Left, finite.Min(), finite.Max());
        plot.Axes.SetLimitsX(lo - 0.05 * (hi - lo), hi + 0.05 * (hi - lo));
        if (finite.Count > 0) plot.Axes.SetLimitsY(finite.Min() - 0.5, finite.Max() + 0.5);
        plot.ShowLegend(Alignment.LowerLeft);
        return Figures.Png(plot);
    }

    static double[] Grid(double a, double b, int n) => Enumerable.Range(0, n).Select(i => a + (b - a) * i / (n - 1)).ToArray();

    static void LogTicks(Plot plot, IAxis axis, double log10Lo, double log10Hi)
    {
        double lo = Math.Pow(10, log10Lo - 0.5), hi = Math.Pow(10, log10Hi + 0.5);
        var (major, minor) = LogAxis.Ticks(lo, hi);
        var gen = new ScottPlot.TickGenerators.NumericManual();
        foreach (var (x, label) in major) gen.AddMajor(x, label);
        foreach (var x in minor) gen.AddMinor(x);
        axis.TickGenerator = gen;
    }
}
