using NeuralSpin.Classic;
using NeuralSpin.Reporting;
using NUnit.Framework;
using ScottPlot;
using ScottPlot.Plottables;

namespace NeuralSpin.Tests.Reporting;

/// <summary>
/// The content of the RBM figures (<see cref="RbmPlots"/>), read from the plot models: the scatter holds exactly the
/// (exact, quadratic) H_eff pairs with the diagonal over their range; the scaling figure holds log10 of the sweep's
/// deviations against log10 of its scales, with reference lines of the expected slopes through the first points.
/// </summary>
[TestFixture]
public sealed class RbmFigureTests
{
    Rbm _rbm = null!;
    RbmDeviationResult _dev = null!;
    RbmEnergyPair[] _scatter = null!;
    RbmScaleSweep _sweep = null!;

    [OneTimeSetUp]
    public void Build()
    {
        var unit = RbmDemo.Machine(6, 2, 3);
        _rbm = unit.WithWeightScale(0.5);
        _dev = RbmDeviation.Compute(_rbm);
        _scatter = RbmDeviation.Scatter(_rbm, _rbm.QuadraticExpansion(), 1);
        _sweep = RbmDemo.Sweep(unit, RbmDemo.Scales(new RbmDemoOptions { ScaleMin = 0.05, ScaleMax = 1, Points = 6 }));
    }

    static Scatter Series(Plot p, string legendStart) =>
        p.GetPlottables<Scatter>().Single(s => s.LegendText.StartsWith(legendStart, StringComparison.Ordinal));

    static (double X, double Y)[] Points(Scatter s) => s.Data.GetScatterPoints().Select(c => (c.X, c.Y)).ToArray();

    [Test]
    public void Figures_AreTheScatterAndWithASweepTheScaling_AtTheirSize()
    {
        Assert.That(RbmPlots.Build(_rbm, _dev, _scatter).Select(f => f.Name), Is.EqualTo(new[] { "scatter.png" }));
        var all = RbmPlots.Render(_rbm, _dev, _scatter, _sweep);
        Assert.That(all.Select(f => f.Name), Is.EqualTo(new[] { "scatter.png", "scaling.png" }));
        foreach (var f in all) Assert.That(CurieWeissFigureTests.PngSize(f.Png), Is.EqualTo((RbmPlots.Width, RbmPlots.Height)), f.Name);
    }

    [Test]
    public void Scatter_HoldsEveryStatesPairAndTheDiagonal()
    {
        var p = RbmPlots.Scatter(_rbm, _dev, _scatter);
        Assert.That(_scatter, Has.Length.EqualTo(64), "all 2^6 states");
        Assert.That(p.Axes.Title.Label.Text, Is.EqualTo("RBM H_eff: exact vs quadratic (N_v = 6, N_h = 2, 64 states)"));
        Assert.That(p.Axes.Bottom.Label.Text, Is.EqualTo("exact H_eff(v)"));
        Assert.That(p.Axes.Left.Label.Text, Is.EqualTo("quadratic H_quad(v)"));
        var states = Series(p, "states");
        Assert.That(states.LegendText, Is.EqualTo($"states; max |H_eff - H_quad| = {Figures.Num(_dev.MaxAbsDeviation)} over 64 (all) states"));
        Assert.That(Points(states), Is.EqualTo(_scatter.Select(q => (q.Exact, q.Quadratic))));
        Assert.That(states.LineWidth, Is.EqualTo(0), "markers only");
        double lo = _scatter.Min(q => Math.Min(q.Exact, q.Quadratic)), hi = _scatter.Max(q => Math.Max(q.Exact, q.Quadratic));
        var diagonal = Series(p, "diagonal");
        Assert.That(Points(diagonal), Is.EqualTo(new[] { (lo, lo), (hi, hi) }));
        Assert.That(diagonal.LinePattern, Is.EqualTo(LinePattern.Dashed));
        // the deviation the legend states is the largest difference of the pairs drawn (all states here)
        Assert.That(_scatter.Max(q => Math.Abs(q.Difference)), Is.EqualTo(_dev.MaxAbsDeviation).Within(1e-12));
    }

    [Test]
    public void Scaling_IsLog10OfTheSweepWithTheExpectedSlopesThroughTheFirstPoints()
    {
        var p = RbmPlots.Scaling(_sweep);
        Assert.That(p.Axes.Bottom.Label.Text, Is.EqualTo("log10 scale s (W -> s W)"));
        Assert.That(p.Axes.Left.Label.Text, Is.EqualTo("log10 max_v |H_eff - H_quad|"));
        var lx = _sweep.Scales.Select(Math.Log10).ToArray();
        var zero = Series(p, "c = 0 ");
        Assert.That(zero.LegendText, Is.EqualTo($"c = 0 (fitted slope {_sweep.SlopeZero.Exponent:F3}, expected {RbmDemo.ExpectedExponentWithoutHiddenBias})"));
        Assert.That(Points(zero), Is.EqualTo(lx.Select((x, i) => (x, Math.Log10(_sweep.Zero[i].MaxAbsDeviation)))));
        var biased = Series(p, "c != 0 ");
        Assert.That(Points(biased), Is.EqualTo(lx.Select((x, i) => (x, Math.Log10(_sweep.Biased[i].MaxAbsDeviation)))));
        foreach (var (legend, first, slope) in new[]
                 {
                     ("slope 4", Points(zero)[0], RbmDemo.ExpectedExponentWithoutHiddenBias),
                     ("slope 3", Points(biased)[0], RbmDemo.ExpectedExponentWithHiddenBias),
                 })
        {
            var line = Series(p, legend);
            Assert.That(line.LinePattern, Is.EqualTo(LinePattern.Dashed));
            var pts = Points(line);
            Assert.That(pts[0], Is.EqualTo(first), $"{legend} passes through the smallest-scale point");
            for (int i = 1; i < pts.Length; i++) Assert.That((pts[i].Y - pts[0].Y) / (pts[i].X - pts[0].X), Is.EqualTo(slope).Within(1e-9), legend);
        }
    }

    [Test]
    public void Scatter_OfMoreVisibleUnitsThanItsStatesAllow_IsSeededRandomStates()
    {
        var rbm = RbmDemo.Machine(13, 2, 5);
        var quad = rbm.QuadraticExpansion();
        var pairs = RbmDeviation.Scatter(rbm, quad, 7);
        Assert.That(pairs, Has.Length.EqualTo(RbmDeviation.ScatterStates), "2^13 states exceed the scatter's 4096");
        var states = RbmDeviation.States(13, RbmDeviation.ScatterStates, 7);
        Assert.That(pairs, Is.EqualTo(states.Select(v => new RbmEnergyPair(rbm.EffectiveEnergy(v), quad.Energy(v)))));
        Assert.That(RbmDeviation.Scatter(rbm, quad, 7), Is.EqualTo(pairs), "the same seed draws the same states");
    }
}
