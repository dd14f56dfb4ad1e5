using NeuralSpin.Classic;
using ScottPlot;

namespace NeuralSpin.Reporting;

/// <summary>
/// The figures of <c>classic rbm</c> (<see cref="RbmDeviation"/>, <see cref="RbmDemo"/>), as plot models and
/// <see cref="Width"/> x <see cref="Height"/> PNGs:
/// <list type="bullet">
/// <item><c>scatter.png</c> the quadratic H_quad(v) against the exact H_eff(v), state by state, with the diagonal;</item>
/// <item><c>scaling.png</c> (demo sweep only) log10 max |H_eff - H_quad| against log10 of the weight scale, with and
/// without hidden biases, and reference lines of the expected slopes through the smallest-scale points.</item>
/// </list>
/// </summary>
public static class RbmPlots
{
    /// <summary>Width of the PNGs in pixels.</summary>
    public const int Width = 900;

    /// <summary>Height of the PNGs in pixels.</summary>
    public const int Height = 600;

    /// <summary>The figures: the scatter, and the scaling figure when <paramref name="sweep"/> is given (plot models, not rendered).</summary>
    public static IReadOnlyList<Figure> Build(Rbm rbm, RbmDeviationResult deviation, IReadOnlyList<RbmEnergyPair> scatter, RbmScaleSweep? sweep = null)
    {
        var figures = new List<Figure>
        {
            new("scatter.png", "quadratic vs exact H_eff, state by state", [Scatter(rbm, deviation, scatter)], Height) { Width = Width },
        };
        if (sweep != null)
            figures.Add(new("scaling.png", "deviation of the quadratic expansion vs weight scale", [Scaling(sweep)], Height) { Width = Width });
        return figures;
    }

    /// <summary>The figures as PNGs (in memory).</summary>
    public static IReadOnlyList<PlotFile> Render(Rbm rbm, RbmDeviationResult deviation, IReadOnlyList<RbmEnergyPair> scatter, RbmScaleSweep? sweep = null) =>
        Build(rbm, deviation, scatter, sweep).Select(f => f.Render()).ToList();

    /// <summary>
    /// H_quad(v) against H_eff(v) as markers, the legend stating the deviation over the checked states, and the diagonal
    /// (dashed) over the range of both.
    /// </summary>
    public static Plot Scatter(Rbm rbm, RbmDeviationResult deviation, IReadOnlyList<RbmEnergyPair> points)
    {
        ArgumentNullException.ThrowIfNull(rbm);
        ArgumentNullException.ThrowIfNull(deviation);
        ArgumentNullException.ThrowIfNull(points);
        var plot = Figures.NewPlot($"RBM H_eff: exact vs quadratic (N_v = {rbm.Visible}, N_h = {rbm.Hidden}, {points.Count} states)", "exact H_eff(v)", "quadratic H_quad(v)");
        Figures.Line(plot, points.Select(q => q.Exact).ToArray(), points.Select(q => q.Quadratic).ToArray(), Colors.Blue,
            $"states; max |H_eff - H_quad| = {Figures.Num(deviation.MaxAbsDeviation)} over {deviation.StatesChecked} {(deviation.Exhaustive ? "(all)" : "random")} states", null, true);
        double lo = points.Min(q => Math.Min(q.Exact, q.Quadratic)), hi = points.Max(q => Math.Max(q.Exact, q.Quadratic));
        Figures.Line(plot, new[] { lo, hi }, new[] { lo, hi }, Colors.Gray, "diagonal", LinePattern.Dashed, false, 1);
        plot.ShowLegend();
        return plot;
    }

    /// <summary>
    /// log10 max |H_eff - H_quad| against log10 s at c = 0 (blue) and with the hidden biases (red), as markers with their
    /// fitted slopes in the legend, and dashed lines of slopes <see cref="RbmDemo.ExpectedExponentWithoutHiddenBias"/> and
    /// <see cref="RbmDemo.ExpectedExponentWithHiddenBias"/> through the smallest-scale points.
    /// </summary>
    public static Plot Scaling(RbmScaleSweep s)
    {
        ArgumentNullException.ThrowIfNull(s);
        var plot = Figures.NewPlot("Deviation of the quadratic expansion vs weight scale (log10-log10)", "log10 scale s (W -> s W)", "log10 max_v |H_eff - H_quad|");
        var lx = s.Scales.Select(Math.Log10).ToArray();
        Figures.Line(plot, lx, s.Zero.Select(r => Math.Log10(r.MaxAbsDeviation)).ToArray(), Colors.Blue, $"c = 0 (fitted slope {s.SlopeZero.Exponent:F3}, expected {RbmDemo.ExpectedExponentWithoutHiddenBias})", null, true);
        Figures.Line(plot, lx, s.Biased.Select(r => Math.Log10(r.MaxAbsDeviation)).ToArray(), Colors.Red, $"c != 0 (fitted slope {s.SlopeBiased.Exponent:F3}, expected {RbmDemo.ExpectedExponentWithHiddenBias})", null, true);
        // reference lines through the smallest-scale point with the expected slopes
        double x0 = lx[0];
        int p0 = RbmDemo.ExpectedExponentWithoutHiddenBias, p1 = RbmDemo.ExpectedExponentWithHiddenBias;
        Figures.Line(plot, lx, lx.Select(x => Math.Log10(s.Zero[0].MaxAbsDeviation) + p0 * (x - x0)).ToArray(), Colors.Blue, $"slope {p0}", LinePattern.Dashed, false, 1);
        Figures.Line(plot, lx, lx.Select(x => Math.Log10(s.Biased[0].MaxAbsDeviation) + p1 * (x - x0)).ToArray(), Colors.Red, $"slope {p1}", LinePattern.Dashed, false, 1);
        plot.ShowLegend();
        return plot;
    }
}
