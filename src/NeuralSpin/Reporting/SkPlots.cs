using NeuralSpin.Numerics;
using NeuralSpin.Reporting;
using NeuralSpin.Tap;
using ScottPlot;

using NeuralSpin.Classic;

namespace NeuralSpin.Reporting;

/// <summary>The figures of the SK study (ScottPlot PNG bytes, 960 x 620).</summary>
public static class SkPlots
{

    /// <summary>lambda_min(beta) of one instance per size next to the large-N curve (1 - beta J)^2 (docs/theory.md section 4).</summary>
    public static byte[] LambdaMin(IReadOnlyList<(int Size, CurvePoint[] Points)> curves, double couplingScale)
    {
        var plot = Figures.NewPlot($"SK linearized TAP: lambda_min(beta) of I - M(beta), J = {couplingScale:G4}", "beta", "lambda_min");
        double bMax = curves.SelectMany(c => c.Points).Max(p => p.Beta);
        var bx = Enumerable.Range(0, 401).Select(i => bMax * i / 400).ToArray();
        var limit = plot.Add.ScatterLine(bx, bx.Select(b => SkLinearizedTap.LargeSizeLimit(b, couplingScale)).ToArray(), Colors.Black);
        limit.LegendText = "(1 - beta J)^2, N -> infinity";
        limit.LinePattern = LinePattern.Dashed;
        limit.LineWidth = 2;
        for (int k = 0; k < curves.Count; k++)
        {
            var (n, pts) = curves[k];
            var sc = plot.Add.ScatterLine(pts.Select(p => p.Beta).ToArray(), pts.Select(p => p.Value).ToArray(), Figures.Palette[k % Figures.Palette.Length]);
            sc.LegendText = $"N = {n}";
            sc.LineWidth = 2;
        }
        plot.Add.HorizontalLine(0, 1, Colors.Gray);
        plot.ShowLegend(Alignment.UpperCenter);
        return Figures.Png(plot);
    }

    /// <summary>T*(N) = 1/beta*(N) (instance means with standard errors) against N^(-2/3), with the fitted line and T_c = J.</summary>
    public static byte[] FiniteSize(SkFiniteSizeResult result)
    {
        var plot = Figures.NewPlot("SK: curve-minimum temperature T*(N) vs N^(-2/3), extrapolated to N -> infinity", "N^(-2/3)", "T* = 1/beta*");
        var xs = result.Sizes.Select(s => s.ScalingVariable).ToArray();
        var ys = result.Sizes.Select(s => s.MeanTStar).ToArray();
        var es = result.Sizes.Select(s => double.IsFinite(s.TStarError) ? s.TStarError : 0).ToArray();
        Figures.Markers(plot, xs, ys, Colors.SteelBlue, "instance mean +- s.e.", 8);
        var eb = plot.Add.ErrorBar(xs, ys, es);
        eb.LineColor = Colors.SteelBlue;
        double xMax = xs.Max() * 1.05;
        var tc = plot.Add.ScatterLine(new[] { 0.0, xMax }, new[] { result.CouplingScale, result.CouplingScale }, Colors.Black);
        tc.LinePattern = LinePattern.Dashed;
        tc.LegendText = $"T_c = J = {result.CouplingScale:G4}";
        if (result.Extrapolation is { } ex)
        {
            var fit = plot.Add.ScatterLine(new[] { 0.0, xMax }, new[] { ex.TInfinity, ex.TInfinity + ex.Slope * xMax }, Colors.OrangeRed);
            fit.LegendText = $"fit: T_inf = {ex.TInfinity:F4} +- {ex.TInfinityError:F4}";
            var ie = plot.Add.ErrorBar(new[] { 0.0 }, new[] { ex.TInfinity }, new[] { ex.TInfinityError });
            ie.LineColor = Colors.OrangeRed;
        }
        plot.ShowLegend(Alignment.UpperLeft);
        return Figures.Png(plot);
    }

    /// <summary>q_EA(T) of the TAP solutions found (lowest free energy and largest) next to the replica-symmetric q(T); with
    /// <paramref name="continuation"/> also the h = 0 solutions reached by field continuation and q_EA where the branches fold.</summary>
    public static byte[] TapOrderParameter(IReadOnlyList<SkTapTemperature> rows, double couplingScale, int size, IReadOnlyList<SkTapContinuation>? continuation = null)
    {
        var plot = Figures.NewPlot($"SK, N = {size}: q_EA of TAP solutions vs the replica-symmetric q(T)", "T", "q");
        double tMax = rows.Max(r => r.Temperature) * 1.05;
        var tx = Enumerable.Range(1, 300).Select(i => tMax * i / 300).ToArray();
        var rs = plot.Add.ScatterLine(tx, tx.Select(t => SkReplicaSymmetric.OrderParameter(t, couplingScale)).ToArray(), Colors.Black);
        rs.LegendText = "replica-symmetric q(T) (Gauss-Hermite)";
        rs.LineWidth = 2;
        Figures.Markers(plot, rows.Select(r => r.Temperature).ToArray(), rows.Select(r => r.QeaLowest).ToArray(), Colors.OrangeRed, "TAP: q_EA of the lowest-F non-trivial solution (0: none found)", 9);
        Figures.Markers(plot, rows.Select(r => r.Temperature).ToArray(), rows.Select(r => r.QeaMax).ToArray(), Colors.SteelBlue, "TAP: largest q_EA found", 6, MarkerShape.OpenSquare);
        if (continuation != null)
        {
            var nt = continuation.Where(c => c.NonTrivial > 0).ToArray();
            if (nt.Length > 0)
            {
                Figures.Markers(plot, nt.Select(c => c.Temperature).ToArray(), nt.Select(c => c.QeaNonTrivial).ToArray(), Colors.ForestGreen, "field continuation: q_EA of the lowest-F h = 0 solution", 9, MarkerShape.FilledDiamond);
            }
            var fd = continuation.Where(c => c.Folded > 0).ToArray();
            if (fd.Length > 0)
            {
                Figures.Markers(plot, fd.Select(c => c.Temperature).ToArray(), fd.Select(c => c.FoldQeaMean).ToArray(), Colors.Purple, "field continuation: q_EA at the fold h* > 0 (branch ends, x_P there in the CSV)", 8, MarkerShape.OpenTriangleUp);
            }
        }
        var tc = plot.Add.VerticalLine(couplingScale, 1, Colors.Gray);
        tc.LinePattern = LinePattern.Dotted;
        plot.ShowLegend(Alignment.UpperRight);
        return Figures.Png(plot);
    }

    /// <summary>q_EA(T) along every TAP state followed in temperature (<see cref="SkTapStates"/>): solid where the state is valid
    /// (Plefka's x_P &gt;= 0 and a minimum of F_TAP), dotted where it is not, next to the replica-symmetric q(T) and T_c = J.</summary>
    public static byte[] TapStates(SkTapStateResult result, double couplingScale)
    {
        var plot = Figures.NewPlot($"SK, N = {result.Size}: TAP states from Monte Carlo seeds, followed in T ({result.Branches.Count} states, {result.Instances} instances)", "T", "q_EA");
        double tMax = 1.35 * couplingScale;
        var tx = Enumerable.Range(1, 300).Select(i => tMax * i / 300).ToArray();
        var rs = plot.Add.ScatterLine(tx, tx.Select(t => SkReplicaSymmetric.OrderParameter(t, couplingScale)).ToArray(), Colors.Black);
        rs.LegendText = "replica-symmetric q(T)";
        rs.LineWidth = 2;
        BranchLines(plot, result, p => p.Qea, "q_EA of a TAP state (solid: valid; dotted: x_P < 0 or saddle)");
        var found = result.Branches.Select(b => b.Points.First(p => Precision.AlmostEqualRelative(p.Temperature, b.FoundAt))).ToArray();
        if (found.Length > 0)
        {
            Figures.Markers(plot, found.Select(p => p.Temperature).ToArray(), found.Select(p => p.Qea).ToArray(), Colors.Black, "where Monte Carlo + Newton found the state", 8, MarkerShape.OpenCircle);
        }
        var tc = plot.Add.VerticalLine(couplingScale, 1, Colors.Gray);
        tc.LinePattern = LinePattern.Dotted;
        plot.Axes.SetLimits(0, tMax, 0, 1);
        plot.ShowLegend(Alignment.UpperRight);
        return Figures.Png(plot);
    }

    /// <summary>Plefka's x_P(T) and the smallest Hessian eigenvalue of F_TAP along every followed TAP state: both stay small
    /// (near-marginal states), and a branch ends where the eigenvalue goes to 0 (a fold) or continues past x_P = 0.</summary>
    public static byte[] TapMarginality(SkTapStateResult result, double couplingScale)
    {
        var plot = Figures.NewPlot($"SK, N = {result.Size}: stability of the TAP states along their branches", "T", "x_P (lines), smallest Hessian eigenvalue (dashed)");
        BranchLines(plot, result, p => p.Plefka, "Plefka x_P = 1 - beta^2 J^2 mean (1 - m_i^2)^2", dottedInvalid: false);
        for (int k = 0; k < result.Branches.Count; k++)
        {
            var b = result.Branches[k];
            var pts = b.WithEnds;
            var l = plot.Add.ScatterLine(pts.Select(p => p.Temperature).ToArray(), pts.Select(p => p.HessianMin).ToArray(), Figures.Palette[k % Figures.Palette.Length]);
            l.LinePattern = LinePattern.Dashed;
            l.LineWidth = 1.5f;
            if (k == 0) l.LegendText = "smallest eigenvalue of the F_TAP Hessian";
        }
        plot.Add.HorizontalLine(0, 1, Colors.Gray);
        var tc = plot.Add.VerticalLine(couplingScale, 1, Colors.Gray);
        tc.LinePattern = LinePattern.Dotted;
        plot.ShowLegend(Alignment.UpperRight);
        return Figures.Png(plot);
    }

    /// <summary>One line per branch of <paramref name="value"/>(T), in the palette's colours; with <paramref name="dottedInvalid"/> the
    /// invalid stretches are drawn dotted and the valid ones solid.</summary>
    static void BranchLines(Plot plot, SkTapStateResult result, Func<SkTapStatePoint, double> value, string legend, bool dottedInvalid = true)
    {
        for (int k = 0; k < result.Branches.Count; k++)
        {
            var b = result.Branches[k];
            var color = Figures.Palette[k % Figures.Palette.Length];
            var pts = b.WithEnds;
            var all = plot.Add.ScatterLine(pts.Select(p => p.Temperature).ToArray(), pts.Select(p => value(p)).ToArray(), color);
            all.LineWidth = dottedInvalid ? 1.5f : 2.5f;
            if (dottedInvalid) all.LinePattern = LinePattern.Dotted;
            if (k == 0) all.LegendText = legend;
            if (!dottedInvalid) continue;
            var valid = pts.Select(p => p.Valid ? value(p) : double.NaN).ToArray();
            var v = plot.Add.ScatterLine(pts.Select(p => p.Temperature).ToArray(), valid, color);
            v.LineWidth = 2.5f;
        }
    }
}
