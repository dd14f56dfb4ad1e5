using NeuralSpin.Reporting;
using NeuralSpin.Tests.Trajectory;
using NeuralSpin.Trajectory;
using NUnit.Framework;
using ScottPlot;
using ScottPlot.Plottables;

namespace NeuralSpin.Tests.Reporting;

/// <summary>
/// The content of the trajectory figures (P1 Figs. 4-9), read from the ScottPlot models before rendering: which
/// series each panel holds, that their points are the trajectory's numbers on the documented axes (epoch axis
/// <see cref="EpochAxis.Transform"/>, log10 values where the axis is logarithmic), the reference lines, labels and
/// ranges. A figure that drew the wrong column, dropped a series or mislabelled an axis fails here, where a check of
/// the PNG's existence would pass.
/// </summary>
[TestFixture, NonParallelizable]
public sealed class TrajectoryFigureTests
{
    string _run = "";
    TrajectoryResult _r = null!;
    IReadOnlyList<Figure> _figures = null!;

    [OneTimeSetUp]
    public void Build()
    {
        _run = Path.Combine(Path.GetTempPath(), "neuralspin-figures-" + Guid.NewGuid().ToString("N"));
        SyntheticRun.Write(_run, epochs: [0, 0.25, 0.5, 1, 2, 5, 10], widths: [24, 16, 10], withoutValError: [2]);
        _r = TrajectoryAnalyzer.Analyze(_run);
        _figures = TrajectoryPlots.Build(_r);
    }

    [OneTimeTearDown]
    public void Remove()
    {
        if (Directory.Exists(_run)) Directory.Delete(_run, true);
    }

    Figure Fig(string name) => _figures.Single(f => f.Name == name);

    static Scatter Series(Plot p, string legendStart) =>
        p.GetPlottables<Scatter>().Single(s => s.LegendText.StartsWith(legendStart, StringComparison.Ordinal));

    static (double X, double Y)[] Points(Scatter s) => s.Data.GetScatterPoints().Select(c => (c.X, c.Y)).ToArray();

    /// <summary>The expected points of an epoch series: rows with a finite positive value, (transformed epoch, log10 value).</summary>
    (double X, double Y)[] LogSeries(Func<TrajectoryRow, double?> f) =>
        _r.Rows.Where(x => f(x) is double v && double.IsFinite(v) && v > 0)
            .Select(x => (EpochAxis.Transform(x.Epoch), Math.Log10(f(x)!.Value))).ToArray();

    [Test]
    public void TheFiguresAreThoseTheRunSupports()
    {
        Assert.That(_figures.Select(f => f.Name), Is.EqualTo(new[]
            { "validation_error.png", "lambda_min_curve.png", "evolution.png", "tap_spectrum.png", "bond_spectrum.png", "layer_alpha.png" }));
        var noValError = _r with { Rows = _r.Rows.Select(x => x with { ValError = null }).ToList() };
        Assert.That(TrajectoryPlots.Build(noValError).Select(f => f.Name), Does.Not.Contain("validation_error.png"), "Fig. 4 needs recorded errors");
    }

    [Test]
    public void ValidationError_IsTheRecordedErrorOnALogAxis()
    {
        var p = Fig("validation_error.png").Panels.Single();
        Assert.That(Points(Series(p, "validation error")), Is.EqualTo(LogSeries(x => x.ValError)).Within(1e-12));
        Assert.That(_r.Rows.Count(x => x.ValError is null), Is.EqualTo(1), "the checkpoint without val_error is left out, not drawn at 0");
        Assert.That(p.Axes.Left.Label.Text, Is.EqualTo("validation error rate"));
        Assert.That(p.Axes.Bottom.Label.Text, Is.EqualTo(TrajectoryPlots.EpochLabelText));
    }

    [Test]
    public void LambdaMinCurve_HoldsBothCurvesTheLevelAndTheZeroLine()
    {
        var p = Fig("lambda_min_curve.png").Panels.Single();
        var before = Points(Series(p, "before training"));
        var after = Points(Series(p, "after training"));
        Assert.That(before.Select(q => q.X), Is.EqualTo(_r.InitialCurve.Beta));
        Assert.That(before.Select(q => q.Y), Is.EqualTo(_r.InitialCurve.LambdaMin));
        Assert.That(after.Select(q => q.X), Is.EqualTo(_r.FinalCurve.Beta));
        Assert.That(after.Select(q => q.Y), Is.EqualTo(_r.FinalCurve.LambdaMin));
        var lines = p.GetPlottables<HorizontalLine>().Select(h => h.Y).ToArray();
        Assert.That(lines, Is.EquivalentTo(new[] { 0, _r.Level }));
        var limits = p.Axes.GetLimits();
        Assert.That(limits.Left, Is.EqualTo(0));
        Assert.That(limits.Right, Is.EqualTo(_r.InitialCurve.Beta[^1]));
        Assert.That(limits.Bottom, Is.LessThanOrEqualTo(Math.Min(_r.Level, _r.FinalCurve.LambdaMin.Min())));
        Assert.That(limits.Top, Is.GreaterThanOrEqualTo(1), "lambda_min(0) = 1 is in view");
    }

    [Test]
    public void Evolution_HasTcLambdaMaxAndSpacingPanels_WithTheTrajectorysNumbers()
    {
        var f = Fig("evolution.png");
        Assert.That(f.Panels, Has.Count.EqualTo(3));
        Assert.That(Points(Series(f.Panels[0], "T_c(c\u2080) corrected")), Is.EqualTo(LogSeries(x => x.TcCorrected)).Within(1e-12));
        Assert.That(Points(Series(f.Panels[1], "\u03bb_max(J)")), Is.EqualTo(LogSeries(x => x.LambdaMaxJ)).Within(1e-12));
        Assert.That(Points(Series(f.Panels[2], "s\u2080 / s_typ")), Is.EqualTo(LogSeries(x => x.FirstLevelSpacingRatio)).Within(1e-12));
        if (_r.TcCorrectedFit is { } fit)
        {
            var line = Points(Series(f.Panels[0], "fit T_c(c\u2080)"));
            Assert.That(line[0].X, Is.EqualTo(EpochAxis.Transform(fit.TMin)).Within(1e-12));
            Assert.That(line[^1].X, Is.EqualTo(EpochAxis.Transform(fit.TMax)).Within(1e-12));
            Assert.That(line[^1].Y, Is.EqualTo(Math.Log10(fit.Prefactor * Math.Pow(fit.TMax, fit.Exponent))).Within(1e-12));
        }
        // every panel shows all of its points
        foreach (var panel in f.Panels)
        {
            var lim = panel.Axes.GetLimits();
            foreach (var (x, y) in panel.GetPlottables<Scatter>().SelectMany(Points))
            {
                Assert.That(x, Is.InRange(lim.Left, lim.Right));
                Assert.That(y, Is.InRange(lim.Bottom, lim.Top));
            }
        }
        Assert.That(f.Panels[2].Axes.Bottom.Label.Text, Is.EqualTo(TrajectoryPlots.EpochLabelText));
    }

    [Test]
    public void LayerAlpha_OneSeriesPerLayer_AndTheBandsAtTwoAndSix()
    {
        var f = Fig("layer_alpha.png");
        Assert.That(f.Panels, Has.Count.EqualTo(2));
        var bottom = f.Panels[1];
        int layers = _r.Rows[0].Layers.Count;
        var alphaSeries = bottom.GetPlottables<Scatter>().Where(s => s.LegendText.StartsWith("\u03b1 of ", StringComparison.Ordinal)).ToList();
        int withAlpha = Enumerable.Range(0, layers).Count(k => _r.Rows.Any(x => x.Layers[k].Alpha is double));
        Assert.That(alphaSeries, Has.Count.EqualTo(withAlpha));
        for (int k = 0; k < layers; k++)
        {
            if (!_r.Rows.Any(x => x.Layers[k].Alpha is double)) continue;
            var s = Series(bottom, $"\u03b1 of {_r.Rows[0].Layers[k].Layer}");
            var expected = _r.Rows.Where(x => x.Layers[k].Alpha is double).Select(x => (EpochAxis.Transform(x.Epoch), x.Layers[k].Alpha!.Value));
            Assert.That(Points(s), Is.EqualTo(expected));
        }
        Assert.That(bottom.GetPlottables<HorizontalLine>().Select(h => h.Y), Is.EquivalentTo(new[] { 2.0, 6.0 }));
        var lim = bottom.Axes.GetLimits();
        Assert.That(lim.Bottom, Is.LessThan(2));
        Assert.That(lim.Top, Is.GreaterThan(6));
    }

    [Test]
    public void BondSpectrum_StepLinesAreNormalisedDensitiesOfJ()
    {
        var p = Fig("bond_spectrum.png").Panels.Single();
        foreach (var (legend, spectrum) in new[] { ("before training", _r.Initial.SpectrumJ), ("after training", _r.Final.SpectrumJ) })
        {
            var pts = Points(Series(p, legend));
            // the step line: (edge_0, floor), then (edge_i, y_i), (edge_i+1, y_i) per bin, then (edge_last, floor)
            double integral = 0;
            double floor = pts[0].Y;
            for (int i = 1; i + 1 < pts.Length - 1; i += 2)
                if (pts[i].Y > floor) integral += Math.Pow(10, pts[i].Y) * (pts[i + 1].X - pts[i].X);
            Assert.That(integral, Is.EqualTo(1).Within(1e-9), $"{legend}: the density integrates to 1");
            Assert.That(pts[0].X, Is.LessThanOrEqualTo(spectrum.Min()));
            Assert.That(pts[^1].X, Is.GreaterThanOrEqualTo(spectrum.Max()));
        }
    }
}
