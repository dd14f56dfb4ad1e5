using NeuralSpin.Classic;
using ScottPlot;

namespace NeuralSpin.Reporting;

/// <summary>
/// The figures of the Curie-Weiss study (<see cref="CurieWeissStudy"/>, <c>classic curie-weiss</c>), as plot models and
/// <see cref="Width"/> x <see cref="Height"/> PNGs:
/// <list type="bullet">
/// <item><c>magnetization.png</c> m(T) of every mean-field branch (stable solid, metastable dashed, unstable dotted)
/// with the exact finite-N &lt;|m|&gt; and T_c = J;</item>
/// <item><c>free_energy.png</c> f(T) of every branch with the exact f_N;</item>
/// <item><c>exponents.png</c> the log-log fits of m0 below T_c (beta) and chi above T_c (gamma);</item>
/// <item><c>distribution.png</c> the exact P(m) at the reported point (as the density N P(M)/2) for the sizes up to
/// <see cref="CurieWeissStudyResult.MaxDistributionSize"/>, with the stable mean-field m.</item>
/// </list>
/// </summary>
public static class CurieWeissPlots
{
    /// <summary>Width of the PNGs in pixels.</summary>
    public const int Width = 900;

    /// <summary>Height of the PNGs in pixels.</summary>
    public const int Height = 600;

    /// <summary>P(m) of sizes up to this is drawn as markers (each M visible), of larger sizes as a line.</summary>
    public const int MaxMarkerSize = 40;

    /// <summary>The colours of the finite sizes, in the order of <see cref="CurieWeissStudyResult.Sizes"/> (cycled).</summary>
    public static readonly Color[] SizeColors = [Colors.Green, Colors.Purple, Colors.Brown, Colors.Teal, Colors.Magenta, Colors.Olive, Colors.Navy];

    /// <summary>Every figure of the study, as plot models (not rendered).</summary>
    public static IReadOnlyList<Figure> Build(CurieWeissStudyResult r)
    {
        ArgumentNullException.ThrowIfNull(r);
        return
        [
            Sized("magnetization.png", "m(T) of every mean-field branch and the exact finite-N <|m|>", Magnetization(r)),
            Sized("free_energy.png", "f(T) of every mean-field branch and the exact finite-N f_N", FreeEnergy(r)),
            Sized("exponents.png", "log-log fits of the exponents beta and gamma", Exponents(r)),
            Sized("distribution.png", "exact P(m) at the reported point", Distribution(r)),
        ];
    }

    /// <summary>Every figure of the study as a PNG (in memory).</summary>
    public static IReadOnlyList<PlotFile> Render(CurieWeissStudyResult r) => Build(r).Select(f => f.Render()).ToList();

    static Figure Sized(string name, string description, Plot plot) => new(name, description, [plot], Height) { Width = Width };

    /// <summary>The colour and line pattern of a branch of the given stability.</summary>
    public static (Color Color, LinePattern Pattern) Style(BranchStability s) => s switch
    {
        BranchStability.Stable => (Colors.Blue, LinePattern.Solid),
        BranchStability.Metastable => (Colors.Orange, LinePattern.Dashed),
        _ => (Colors.Gray, LinePattern.Dotted),
    };

    /// <summary>
    /// Splits the branches into three continuous families (lower, middle, upper root; a single root belongs to the
    /// family aligned with h, and to both outer ones at h = 0) and draws each in runs of equal stability, the first run
    /// of each stability with the legend "&lt;stability&gt; mean field".
    /// </summary>
    static void Branches(Plot plot, CurieWeissStudyResult r, Func<MeanFieldBranch, double> value)
    {
        var seen = new HashSet<BranchStability>();
        for (int family = 0; family < 3; family++)
        {
            var run = new List<(double T, double V)>();
            BranchStability? current = null;
            void Flush()
            {
                if (run.Count > 0 && current is { } c)
                {
                    var (color, pattern) = Style(c);
                    Figures.Line(plot, run.Select(q => q.T).ToArray(), run.Select(q => q.V).ToArray(), color, seen.Add(c) ? c.Name() + " mean field" : null, pattern);
                }
                run.Clear();
            }
            foreach (var s in r.Sweep)
            {
                var bs = s.Solution.Branches;
                MeanFieldBranch? b = bs.Count == 3 ? bs[family]
                    : family == 2 && r.H >= 0 || family == 0 && r.H <= 0 ? bs[0] : null;
                if (b is null) { Flush(); current = null; continue; }
                if (current != b.Stability && run.Count > 0)
                {
                    var last = run[^1];
                    Flush();
                    run.Add(last); // keep the curve connected across a change of stability
                }
                current = b.Stability;
                run.Add((s.Temperature, value(b)));
            }
            Flush();
        }
    }

    /// <summary>m(T) of every branch, the exact &lt;|m|&gt; of each size, and T_c = J as a dotted vertical line.</summary>
    public static Plot Magnetization(CurieWeissStudyResult r)
    {
        ArgumentNullException.ThrowIfNull(r);
        var plot = Figures.NewPlot($"Curie-Weiss m(T) at h = {Figures.Num(r.H)}, J = {Figures.Num(r.J)} (T_c = J)", "temperature T", "magnetization m");
        Branches(plot, r, b => b.M);
        for (int s = 0; s < r.Sizes.Length; s++)
            Figures.Line(plot, r.Sweep.Select(q => q.Temperature).ToArray(), r.Sweep.Select(q => q.Finite[s].MeanAbsM).ToArray(), SizeColors[s % SizeColors.Length],
                $"exact <|m|>, N = {r.Sizes[s]}", null, false, 1.5f);
        var tc = plot.Add.VerticalLine(r.J, 1, Colors.Black);
        tc.LinePattern = LinePattern.Dotted;
        tc.LegendText = "T_c";
        plot.ShowLegend();
        return plot;
    }

    /// <summary>f(T) of every branch and the exact f_N of each size.</summary>
    public static Plot FreeEnergy(CurieWeissStudyResult r)
    {
        ArgumentNullException.ThrowIfNull(r);
        var plot = Figures.NewPlot($"Curie-Weiss free energy per spin at h = {Figures.Num(r.H)}", "temperature T", "f (per spin)");
        Branches(plot, r, b => b.FreeEnergy);
        for (int s = 0; s < r.Sizes.Length; s++)
            Figures.Line(plot, r.Sweep.Select(q => q.Temperature).ToArray(), r.Sweep.Select(q => q.Finite[s].FreeEnergy).ToArray(), SizeColors[s % SizeColors.Length],
                $"exact f_N, N = {r.Sizes[s]}", null, false, 1.5f);
        plot.ShowLegend();
        return plot;
    }

    /// <summary>
    /// ln m0 against ln (T_c - T) and ln chi against ln (T - T_c) as markers, each with its fitted line
    /// ln A +- exponent ln |T - T_c| (dashed).
    /// </summary>
    public static Plot Exponents(CurieWeissStudyResult r)
    {
        ArgumentNullException.ThrowIfNull(r);
        var plot = Figures.NewPlot("Critical exponents from the mean-field solution (h = 0)", "ln |T - T_c|", "ln m0   /   ln chi");
        var lxb = r.Beta.X.Select(v => Math.Log(v)).ToArray();
        Figures.Line(plot, lxb, r.Beta.Y.Select(v => Math.Log(v)).ToArray(), Colors.Blue, $"m0 below T_c: fitted beta = {r.Beta.Exponent:F5}", null, true);
        Figures.Line(plot, lxb, lxb.Select(x => Math.Log(r.Beta.Amplitude) + r.Beta.Exponent * x).ToArray(), Colors.Blue, null, LinePattern.Dashed, false, 1);
        var lxg = r.Gamma.X.Select(v => Math.Log(v)).ToArray();
        Figures.Line(plot, lxg, r.Gamma.Y.Select(v => Math.Log(v)).ToArray(), Colors.Red, $"chi above T_c: fitted gamma = {r.Gamma.Exponent:F5}", null, true);
        Figures.Line(plot, lxg, lxg.Select(x => Math.Log(r.Gamma.Amplitude) - r.Gamma.Exponent * x).ToArray(), Colors.Red, null, LinePattern.Dashed, false, 1);
        plot.ShowLegend();
        return plot;
    }

    /// <summary>
    /// The exact density N P(M)/2 against m = M/N for each size up to <see cref="CurieWeissStudyResult.MaxDistributionSize"/>
    /// (markers up to <see cref="MaxMarkerSize"/>), and the stable mean-field magnetizations as dashed vertical lines.
    /// </summary>
    public static Plot Distribution(CurieWeissStudyResult r)
    {
        ArgumentNullException.ThrowIfNull(r);
        var plot = Figures.NewPlot($"Exact P(m) at T = {Figures.Num(r.T)}, h = {Figures.Num(r.H)} (density N P(M)/2)", "m = M/N", "probability density");
        for (int s = 0; s < r.AtPoint.Length; s++)
        {
            var f = r.AtPoint[s];
            if (f.Size > CurieWeissStudyResult.MaxDistributionSize) continue;
            Figures.Line(plot, Enumerable.Range(0, f.Size + 1).Select(f.MagnetizationPerSpin).ToArray(), f.Probabilities.Select(pk => pk * f.Size / 2).ToArray(),
                SizeColors[s % SizeColors.Length], $"N = {f.Size}", null, f.Size <= MaxMarkerSize, 1.5f);
        }
        foreach (var b in r.Solution.StableBranches)
        {
            var v = plot.Add.VerticalLine(b.M, 1, Colors.Blue);
            v.LinePattern = LinePattern.Dashed;
        }
        plot.ShowLegend();
        return plot;
    }
}
