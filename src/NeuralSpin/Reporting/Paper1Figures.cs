using NeuralSpin.Numerics;
using NeuralSpin.Replica;
using NeuralSpin.Reporting;
using NeuralSpin.Trajectory;
using ScottPlot;
using static NeuralSpin.Reporting.TrajectoryPlots;

using NeuralSpin.Reproduction;

namespace NeuralSpin.Reporting;

/// <summary>
/// The figures of P1 regenerated from a reproduction, each combining the programs as the paper does:
/// Fig. 3 (least eigenvalue of the replica Hessian of the ensemble and lambda_min of I - M of one untrained
/// network, against beta), Fig. 4 (validation error, lr 1e-4), Fig. 5 (lambda_min(beta) before and after, lr 1e-4),
/// Fig. 6 (T_c, lambda_max(J), s_0/s_typ along training, lr 1e-4), Fig. 7 (spectrum of I - M at the transition
/// before and after, lr 1e-4), Fig. 8 (as Fig. 6 for the smaller learning rate), Fig. 9 (spectral density of J
/// before and after, lr 1e-4). A figure whose programs are not (yet) done is left out.
/// </summary>
public static class Paper1Figures
{
    /// <summary>File names and what each shows.</summary>
    public static IReadOnlyList<(string Name, string What)> Descriptions { get; } =
    [
        ("fig3_replica_vs_tap.png", "Fig. 3: least eigenvalue of the replica Hessian (ensemble, C = 2) and lambda_min of I - M(beta) of one untrained network, against beta"),
        ("fig4_validation_error.png", "Fig. 4: validation error along training, learning rate 1e-4"),
        ("fig5_lambda_min_curves.png", "Fig. 5: lambda_min of I - M(beta) before and after training, learning rate 1e-4"),
        ("fig6_evolution_lr1e-4.png", "Fig. 6: corrected T_c, lambda_max(J) and s_0/s_typ along training, learning rate 1e-4"),
        ("fig7_tap_spectrum.png", "Fig. 7: spectrum of I - M at the transition before and after training, learning rate 1e-4"),
        ("fig8_evolution_small_lr.png", "Fig. 8: as Fig. 6 at the smaller learning rate (the delayed onset)"),
        ("fig9_bond_spectrum.png", "Fig. 9: spectral density of J before and after training, learning rate 1e-4"),
    ];

    static readonly Color[] ProgramColors = [Colors.SteelBlue, Colors.OrangeRed, Colors.ForestGreen, Colors.DarkViolet];

    /// <summary>Renders the figures the outcomes support (in memory).</summary>
    public static IReadOnlyList<PlotFile> Render(IReadOnlyList<Paper1Outcome> outcomes)
    {
        var done = outcomes.Where(o => o.Done).ToList();
        var files = new List<PlotFile>();
        if (done.Count == 0) return files;
        string What(string name) => Descriptions.First(d => d.Name == name).What;
        // the paper's larger learning rate is that of the run's programs, done or not: while only smaller-rate programs are done,
        // they appear in Fig. 8 and the larger-rate figures are left out rather than drawn from other programs
        double lrLarge = outcomes.Max(o => o.Program.LearningRate);
        var large = done.Where(o => o.Program.LearningRate == lrLarge).ToList();
        var small = done.Where(o => o.Program.LearningRate < lrLarge).ToList();

        files.Add(new("fig3_replica_vs_tap.png", Fig3(done[0].Trajectory!), What("fig3_replica_vs_tap.png")));
        if (large.Count == 0)
        {
            if (small.Count > 0) files.Add(new("fig8_evolution_small_lr.png", Evolution(small, SmallTitle(small)), What("fig8_evolution_small_lr.png")));
            return files;
        }
        if (large.Any(o => o.Trajectory!.Rows.Any(r => r.ValError is > 0)))
            files.Add(new("fig4_validation_error.png", Fig4(large), What("fig4_validation_error.png")));
        files.Add(new("fig5_lambda_min_curves.png", Panels(large, LambdaMinPanel, 430), What("fig5_lambda_min_curves.png")));
        files.Add(new("fig6_evolution_lr1e-4.png", Evolution(large, $"Spin model along training, lr {Fmt(lrLarge)}"), What("fig6_evolution_lr1e-4.png")));
        files.Add(new("fig7_tap_spectrum.png", Panels(large, TapPanel, 400), What("fig7_tap_spectrum.png")));
        if (small.Count > 0)
            files.Add(new("fig8_evolution_small_lr.png", Evolution(small, SmallTitle(small)), What("fig8_evolution_small_lr.png")));
        files.Add(new("fig9_bond_spectrum.png", Panels(large, BondPanel, 400), What("fig9_bond_spectrum.png")));
        return files;
    }

    static string SmallTitle(List<Paper1Outcome> small) =>
        $"Spin model along training, lr {string.Join(", ", small.Select(o => Fmt(o.Program.LearningRate)).Distinct())}";

    static string Label(Paper1Outcome o) => $"{o.Program.Program} (lr {Fmt(o.Program.LearningRate)})";

    /// <summary>Fig. 3: replica Hessian least eigenvalue (widths of the network, C = 2) and the untrained network's lambda_min(I - M), against beta.</summary>
    static byte[] Fig3(TrajectoryResult r)
    {
        var widths = r.Initial.Widths;
        var plot = Figures.NewPlot($"Replica Hessian vs linearized TAP before training (widths {string.Join("-", widths)})",
            "inverse temperature \u03b2", "least eigenvalue");
        double betaMax = r.InitialCurve.Beta[^1];
        var betas = Precision.UniformGrid(betaMax, 200);
        var hess = betas.Select(b => ReplicaHessian.Eigenvalues(widths, [2.0], b).Min()).ToArray();
        var h = plot.Add.ScatterLine(betas, hess, Colors.Black);
        h.LineWidth = 2.5f;
        h.LegendText = "replica Hessian (ensemble, C = 2): least eigenvalue";
        var t = plot.Add.ScatterLine(r.InitialCurve.Beta, r.InitialCurve.LambdaMin, Before);
        t.LineWidth = 2.5f;
        t.LegendText = "\u03bb_min(I - M(\u03b2)) of the untrained network (t = 0)";
        double betaRep = 1 / ReplicaHessian.CriticalTemperature(widths, [2.0]);
        var v = plot.Add.VerticalLine(betaRep, 1.5f, Colors.Gray);
        v.LinePattern = LinePattern.Dashed;
        v.LegendText = $"replica \u03b2_c = {Fmt(betaRep)}";
        var zero = plot.Add.HorizontalLine(0, 1, Colors.Gray);
        zero.LinePattern = LinePattern.Dotted;
        plot.Axes.SetLimitsX(0, betaMax);
        plot.ShowLegend(Alignment.LowerLeft);
        return Figures.Png(plot);
    }

    static byte[] Fig4(IReadOnlyList<Paper1Outcome> outs)
    {
        var plot = Figures.NewPlot("Validation error during training", EpochLabel, "validation error rate");
        double tMax = outs.Max(o => o.Trajectory!.Rows[^1].Epoch);
        for (int i = 0; i < outs.Count; i++)
            Series(plot, EpochSeries(outs[i].Trajectory!, x => x.ValError, log: true), ProgramColors[i % ProgramColors.Length], Label(outs[i]));
        EpochTicks(plot, tMax);
        LogY(plot, outs.SelectMany(o => o.Trajectory!.Rows.Select(x => x.ValError ?? double.NaN)));
        plot.ShowLegend(Alignment.UpperRight);
        return Figures.Png(plot);
    }

    static byte[] Evolution(IReadOnlyList<Paper1Outcome> outs, string title)
    {
        double tMax = outs.Max(o => o.Trajectory!.Rows[^1].Epoch);
        var p1 = Figures.NewPlot(title, "", "melting temperature T_c(c\u2080)");
        var p2 = Figures.NewPlot("", "", "largest eigenvalue \u03bb_max(J)");
        var p3 = Figures.NewPlot("", EpochLabel, "first level spacing s\u2080 / s_typ");
        for (int i = 0; i < outs.Count; i++)
        {
            var r = outs[i].Trajectory!;
            var c = ProgramColors[i % ProgramColors.Length];
            Series(p1, EpochSeries(r, x => x.TcCorrected, true), c, Label(outs[i]));
            if (r.TcCorrectedFit is { } fit)
            {
                var xs = Figures.PowerLawEpochs(fit);
                var line = p1.Add.ScatterLine(xs.Select(EpochAxis.Transform).ToArray(), xs.Select(t => Math.Log10(fit.At(t))).ToArray(), c);
                line.LinePattern = LinePattern.Dashed;
                line.LegendText = $"fit ~ t^{Fmt(fit.Exponent)} (t \u2208 [{Fmt(fit.TMin)}, {Fmt(fit.TMax)}])";
            }
            Series(p2, EpochSeries(r, x => x.LambdaMaxJ, true), c, Label(outs[i]));
            Series(p3, EpochSeries(r, x => x.FirstLevelSpacingRatio, true), c, Label(outs[i]));
        }
        LogY(p1, outs.SelectMany(o => o.Trajectory!.Rows.Select(x => x.TcCorrected ?? double.NaN)));
        LogY(p2, outs.SelectMany(o => o.Trajectory!.Rows.Select(x => x.LambdaMaxJ)));
        if (!LogY(p3, outs.SelectMany(o => o.Trajectory!.Rows.Select(x => x.FirstLevelSpacingRatio ?? double.NaN)))) p3.Axes.SetLimitsY(0, 1);
        var panels = new[] { p1, p2, p3 };
        foreach (var p in panels)
        {
            EpochTicks(p, tMax);
            p.Layout.Fixed(new PixelPadding(100, 30, 60, 50));
            p.ShowLegend(Alignment.UpperLeft);
        }
        return Stack(panels, Figures.Width, 380);
    }

    static byte[] Panels(IReadOnlyList<Paper1Outcome> outs, Func<Paper1Outcome, Plot> panel, int height) =>
        Stack(outs.Select(panel).ToList(), Figures.Width, height);

    static Plot LambdaMinPanel(Paper1Outcome o) =>
        LambdaMinPlot(o.Trajectory!, $"\u03bb_min of I - M(\u03b2) before and after training: {Label(o)}");

    static Plot TapPanel(Paper1Outcome o)
    {
        var r = o.Trajectory!;
        var plot = Figures.NewPlot($"Spectrum of I - M at the transition: {Label(o)}", "eigenvalue of I - M(\u03b2_c)", "spectral density (log)");
        Densities(plot, r.Initial.SpectrumTap, r.Final.SpectrumTap, $"before, \u03b2 = {Fmt(r.Initial.SpacingBeta)}", $"after, \u03b2 = {Fmt(r.Final.SpacingBeta)}");
        plot.ShowLegend(Alignment.UpperRight);
        return plot;
    }

    static Plot BondPanel(Paper1Outcome o)
    {
        var r = o.Trajectory!;
        var plot = Figures.NewPlot($"Spectral density of J: {Label(o)}", "eigenvalue of J", "spectral density (log)");
        Densities(plot, r.Initial.SpectrumJ, r.Final.SpectrumJ, "before training", $"after {Fmt(r.Rows[^1].Epoch)} epochs");
        plot.ShowLegend(Alignment.UpperRight);
        return plot;
    }
}
