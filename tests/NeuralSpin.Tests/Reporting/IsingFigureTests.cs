using NeuralSpin.Ising;
using NeuralSpin.Reporting;
using NeuralSpin.Tests.Ising;
using NUnit.Framework;
using ScottPlot;
using ScottPlot.Plottables;

namespace NeuralSpin.Tests.Reporting;

/// <summary>
/// The content of the Ising figures (<see cref="IsingPlots"/>), read from the plot models: the landscape holds the
/// sweep's (d, s) points up and down next to the binary-entropy bound; the TAP histogram's bars count the distinct
/// fixed points per bin of their free energy.
/// </summary>
[TestFixture]
public sealed class IsingFigureTests
{
    static (double X, double Y)[] Points(Scatter s) => s.Data.GetScatterPoints().Select(c => (c.X, c.Y)).ToArray();

    static Scatter Series(Plot p, string legend) => p.GetPlottables<Scatter>().Single(s => s.LegendText == legend);

    [Test]
    public void Landscape_HoldsBothSweepsAndTheBound()
    {
        var model = TapFixedPointsTests.Ferromagnet(6, 1.0, 1.5);
        var sStar = Enumerable.Repeat((sbyte)1, 6).ToArray();
        var sweep = EntropyLandscape.Sweep(model, sStar, new LandscapeGrid { XMin = -1, XMax = 1, Points = 9 }.Xs());
        var figure = IsingPlots.LandscapeFigure(sweep);
        var p = figure.Panels.Single();
        Assert.That(p.Axes.Title.Label.Text, Is.EqualTo("Entropy landscape"));
        Assert.That(p.Axes.Bottom.Label.Text, Is.EqualTo("distance d"));
        Assert.That(p.Axes.Left.Label.Text, Is.EqualTo("entropy s (nats per spin)"));
        Assert.That(Points(Series(p, "up sweep")), Is.EqualTo(sweep.Up.Select(q => (q.Distance, q.EntropyDensity))));
        var down = Series(p, "down sweep");
        Assert.That(Points(down), Is.EqualTo(sweep.Down.Select(q => (q.Distance, q.EntropyDensity))));
        Assert.That(down.LinePattern, Is.EqualTo(LinePattern.Dashed));
        var bound = Points(Series(p, "bound -d ln d - (1-d) ln(1-d)"));
        Assert.That(bound, Has.Length.EqualTo(IsingPlots.BoundPoints - 2), "the grid on [0, 1/2] without its ends");
        Assert.That(bound.All(q => q.X > 0 && q.X < 0.5));
        foreach (var (d, s) in bound) Assert.That(s, Is.EqualTo(-d * Math.Log(d) - (1 - d) * Math.Log(1 - d)).Within(1e-14));
        Assert.That(CurieWeissFigureTests.PngSize(figure.Render().Png), Is.EqualTo((IsingPlots.Width, IsingPlots.Height)));
    }

    [Test]
    public void TapFreeEnergies_BarsCountTheFixedPointsPerBin()
    {
        var r = TapFixedPoints.Find(TapFixedPointsTests.Ferromagnet(8, 1.0, 2.0), new TapFixedPointOptions { Starts = 60, Seed = 2 });
        Assume.That(r.FixedPoints.Count, Is.GreaterThanOrEqualTo(2));
        var figure = IsingPlots.TapFreeEnergiesFigure(r);
        var p = figure.Panels.Single();
        Assert.That(p.Axes.Title.Label.Text, Is.EqualTo($"{r.FixedPoints.Count} TAP fixed points"));
        Assert.That(p.Axes.Bottom.Label.Text, Is.EqualTo("TAP free energy per spin"));
        Assert.That(p.Axes.Left.Label.Text, Is.EqualTo("distinct fixed points"));
        var h = BarHistogram.Of(r.FixedPoints.Select(x => x.FreeEnergyPerSpin).ToArray());
        var bars = p.GetPlottables<BarPlot>().Single().Bars.ToList();
        Assert.That(bars.Select(b => b.Position), Is.EqualTo(Enumerable.Range(0, h.Bins).Select(h.Center)));
        Assert.That(bars.Select(b => b.Value), Is.EqualTo(h.Counts));
        Assert.That(bars.Sum(b => b.Value), Is.EqualTo(r.FixedPoints.Count));
        Assert.That(bars.All(b => b.Size == h.Width * IsingPlots.BarFill));
        foreach (var f in r.FixedPoints)
            Assert.That(bars.Any(b => Math.Abs(f.FreeEnergyPerSpin - b.Position) <= h.Width / 2 * (1 + 1e-12) && b.Value > 0), $"F/N = {f.FreeEnergyPerSpin} lies in a counted bin");
        Assert.That(CurieWeissFigureTests.PngSize(figure.Render().Png), Is.EqualTo((IsingPlots.Width, IsingPlots.Height)));
    }

    [Test]
    public void TapFreeEnergies_WithoutFixedPoints_HasNoBars()
    {
        var p = IsingPlots.TapFreeEnergies(new TapFixedPointsResult([], 0, 3));
        Assert.That(p.GetPlottables<BarPlot>(), Is.Empty);
        Assert.That(p.Axes.Title.Label.Text, Is.EqualTo("0 TAP fixed points"));
    }

    [Test]
    public void Line_DrawsTheFinitePointsOnly_AndNothingWithoutThem()
    {
        var p = new Plot();
        Figures.Line(p, [0, 1, 2, 3], [1, double.NaN, 3, double.PositiveInfinity], Colors.Black, "x");
        Assert.That(Points(Series(p, "x")), Is.EqualTo(new[] { (0.0, 1.0), (2.0, 3.0) }));
        Figures.Line(p, [0, 1], [double.NaN, double.NaN], Colors.Black, "none");
        Assert.That(p.GetPlottables<Scatter>().Count(), Is.EqualTo(1));
    }
}
