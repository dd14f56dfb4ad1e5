using NeuralSpin.Reproduction;
using NeuralSpin.Training;
using ScottPlot;

namespace NeuralSpin.Reporting;

/// <summary>The plots of the paper-1 calibration study (<see cref="Paper1Calibration"/>).</summary>
public static class CalibrationPlots
{
    /// <summary>The plots: stage-1 standard curves, and the finalists' curves of both programs.</summary>
    public static IReadOnlyList<PlotFile> Plots(CalibrationResult r)
    {
        var files = new List<PlotFile>
        {
            new("calibration_standard.png", CurvePlot(r, r.Curves.Where(c => c.Run.Program == TrainingProgram.Standard && c.Run.Seed == r.Settings.Seed).ToList(),
                "Calibration: standard program, lr 1e-4, one seed per convention"), "validation error of the standard program under each convention"),
            new("calibration_finalists.png", CurvePlot(r, r.Curves.Where(c => r.Scores.Any(x => x.Finalist && x.Convention == c.Run.Convention)).ToList(),
                "Calibration finalists: every seed, standard (solid) and binarized (dashed), lr 1e-4"), "finalists' validation error, every seed"),
        };
        return files;
    }

    static byte[] CurvePlot(CalibrationResult r, IReadOnlyList<CalibrationCurve> curves, string title)
    {
        var plot = Figures.NewPlot(title, "epoch (linear to 1, log beyond)", "validation error (log)");
        var conventions = curves.Select(c => c.Run.Convention).Distinct().ToList();
        double lo = 1, hi = 0.01;
        foreach (var c in curves)
        {
            var pts = c.Epochs.Zip(c.ValErrors).Where(p => p.Second > 0).ToArray();
            if (pts.Length == 0) continue;
            var color = Figures.Palette[conventions.IndexOf(c.Run.Convention) % Figures.Palette.Length];
            var line = plot.Add.Scatter(pts.Select(p => EpochAxis.Transform(p.First)).ToArray(), pts.Select(p => Math.Log10(p.Second)).ToArray(), color);
            line.MarkerSize = 3;
            line.LinePattern = c.Run.Program == TrainingProgram.Binarized ? LinePattern.Dashed : LinePattern.Solid;
            line.LegendText = c.Run.Seed == r.Settings.Seed && c.Run.Program == TrainingProgram.Standard ? c.Run.Convention.Id + (c.Diverged != null ? " (diverged)" : "") : "";
            lo = Math.Min(lo, pts.Min(p => p.Second));
            hi = Math.Max(hi, pts.Max(p => p.Second));
        }
        foreach (var t in r.Settings.Targets)
        {
            var m = Figures.Markers(plot, [EpochAxis.Transform(t.AtEpoch)], [Math.Log10(t.PaperError)], Colors.Black, $"Table 1 {t.Name}{(t.Direct ? "" : " (at lr x steps)")}", 11,
                t.Program == TrainingProgram.Standard ? MarkerShape.FilledDiamond : MarkerShape.FilledSquare);
            lo = Math.Min(lo, t.PaperError);
        }
        var (major, minor) = EpochAxis.Ticks(curves.Count == 0 ? 60 : curves.Max(c => c.Run.Epochs));
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericManual(major.Select(m => new Tick(m.X, m.Label)).Concat(minor.Select(x => new Tick(x, "", false))).ToArray());
        var (ymaj, ymin) = LogAxis.Ticks(lo * 0.9, Math.Min(1, hi * 1.1));
        plot.Axes.Left.TickGenerator = new ScottPlot.TickGenerators.NumericManual(ymaj.Select(m => new Tick(m.X, m.Label)).Concat(ymin.Select(x => new Tick(x, "", false))).ToArray());
        plot.ShowLegend(Alignment.UpperRight);
        return Figures.Png(plot);
    }
}
