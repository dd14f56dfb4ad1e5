using NeuralSpin.Classic;
using NeuralSpin.Reporting;
using NUnit.Framework;
using ScottPlot;
using ScottPlot.Plottables;

namespace NeuralSpin.Tests.Reporting;

/// <summary>
/// The content of the Curie-Weiss figures (<see cref="CurieWeissPlots"/>), read from the plot models: every series is
/// the study's numbers (the sweep's branches and exact finite-N values, the exponent fits, P(M) at the reported
/// point), with the reference lines, legends and labels, and the PNGs have the documented size.
/// </summary>
[TestFixture]
public sealed class CurieWeissFigureTests
{
    CurieWeissStudyResult _r = null!;
    IReadOnlyList<Figure> _figures = null!;

    [OneTimeSetUp]
    public void Build()
    {
        // below T_c in a small field: three branches (stable, metastable, unstable) at low T, one above T_c; one size
        // too large for the distribution figure
        _r = CurieWeissStudy.Run(new CurieWeissStudyOptions
        {
            Temperature = 0.7, Field = 0.05, Coupling = 1, Sizes = [10, 100, CurieWeissStudyResult.MaxDistributionSize + 1], SweepMin = 0.05, SweepPoints = 31,
        });
        _figures = CurieWeissPlots.Build(_r);
    }

    Plot Fig(string name) => _figures.Single(f => f.Name == name).Panels.Single();

    static Scatter Series(Plot p, string legend) => p.GetPlottables<Scatter>().Single(s => s.LegendText == legend);

    static (double X, double Y)[] Points(Scatter s) => s.Data.GetScatterPoints().Select(c => (c.X, c.Y)).ToArray();

    /// <summary>Width and height of a PNG, from its IHDR chunk.</summary>
    internal static (int Width, int Height) PngSize(byte[] png) =>
        (System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(16)), System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(20)));

    [Test]
    public void TheFourFigures_RenderAtTheirSize()
    {
        Assert.That(_figures.Select(f => f.Name), Is.EqualTo(new[] { "magnetization.png", "free_energy.png", "exponents.png", "distribution.png" }));
        foreach (var png in CurieWeissPlots.Render(_r))
            Assert.That(PngSize(png.Png), Is.EqualTo((CurieWeissPlots.Width, CurieWeissPlots.Height)), png.Name);
    }

    [Test]
    public void Magnetization_HoldsEveryBranchTheExactMeanAbsMAndTc()
    {
        var p = Fig("magnetization.png");
        Assert.That(p.Axes.Title.Label.Text, Is.EqualTo("Curie-Weiss m(T) at h = 0.05, J = 1 (T_c = J)"));
        Assert.That(p.Axes.Bottom.Label.Text, Is.EqualTo("temperature T"));
        Assert.That(p.Axes.Left.Label.Text, Is.EqualTo("magnetization m"));
        for (int s = 0; s < _r.Sizes.Length; s++)
            Assert.That(Points(Series(p, $"exact <|m|>, N = {_r.Sizes[s]}")), Is.EqualTo(_r.Sweep.Select(q => (q.Temperature, q.Finite[s].MeanAbsM))));
        var tc = p.GetPlottables<VerticalLine>().Single();
        Assert.That(tc.X, Is.EqualTo(_r.J));
        Assert.That(tc.LegendText, Is.EqualTo("T_c"));
        AssertBranches(p, b => b.M);
    }

    [Test]
    public void FreeEnergy_HoldsEveryBranchAndTheExactFreeEnergies()
    {
        var p = Fig("free_energy.png");
        Assert.That(p.Axes.Title.Label.Text, Is.EqualTo("Curie-Weiss free energy per spin at h = 0.05"));
        Assert.That(p.Axes.Left.Label.Text, Is.EqualTo("f (per spin)"));
        for (int s = 0; s < _r.Sizes.Length; s++)
            Assert.That(Points(Series(p, $"exact f_N, N = {_r.Sizes[s]}")), Is.EqualTo(_r.Sweep.Select(q => (q.Temperature, q.Finite[s].FreeEnergy))));
        AssertBranches(p, b => b.FreeEnergy);
    }

    /// <summary>
    /// The branch lines: one legend per stability, every branch of every sweep temperature on a line, and the stable
    /// branch on a solid blue one.
    /// </summary>
    void AssertBranches(Plot p, Func<MeanFieldBranch, double> value)
    {
        var branchLines = p.GetPlottables<Scatter>().Where(s => !s.LegendText.StartsWith("exact", StringComparison.Ordinal)).ToList();
        Assert.That(branchLines.Where(s => s.LegendText != "").Select(s => s.LegendText),
            Is.EquivalentTo(new[] { "stable mean field", "metastable mean field", "unstable mean field" }));
        var drawn = branchLines.SelectMany(Points).ToHashSet();
        var stable = branchLines.Where(s => s.Color == Colors.Blue && s.LinePattern.Equals(LinePattern.Solid)).SelectMany(Points).ToHashSet();
        foreach (var q in _r.Sweep)
        {
            foreach (var b in q.Solution.Branches) Assert.That(drawn, Does.Contain((q.Temperature, value(b))), $"T = {q.Temperature}");
            Assert.That(stable, Does.Contain((q.Temperature, value(q.Solution.Stable))), $"stable branch at T = {q.Temperature}");
        }
        Assert.That(_r.Sweep.Any(q => q.Solution.Branches.Count == 3), "the sweep reaches the three-branch region");
    }

    [Test]
    public void Exponents_AreTheLogLogFitPointsWithTheirFittedLines()
    {
        var p = Fig("exponents.png");
        Assert.That(p.Axes.Bottom.Label.Text, Is.EqualTo("ln |T - T_c|"));
        var beta = Series(p, $"m0 below T_c: fitted beta = {_r.Beta.Exponent:F5}");
        Assert.That(Points(beta), Is.EqualTo(_r.Beta.X.Select((x, i) => (Math.Log(x), Math.Log(_r.Beta.Y[i])))));
        Assert.That((beta.LineWidth, beta.MarkerSize), Is.EqualTo((0f, 5f)), "points as markers");
        var gamma = Series(p, $"chi above T_c: fitted gamma = {_r.Gamma.Exponent:F5}");
        Assert.That(Points(gamma), Is.EqualTo(_r.Gamma.X.Select((x, i) => (Math.Log(x), Math.Log(_r.Gamma.Y[i])))));
        var fits = p.GetPlottables<Scatter>().Where(s => s.LegendText == "").ToList();
        Assert.That(fits, Has.Count.EqualTo(2));
        Assert.That(fits.All(f => f.LinePattern.Equals(LinePattern.Dashed)));
        var betaLine = Points(fits.Single(f => f.Color == Colors.Blue));
        foreach (var (x, y) in betaLine) Assert.That(y, Is.EqualTo(Math.Log(_r.Beta.Amplitude) + _r.Beta.Exponent * x).Within(1e-12));
        var gammaLine = Points(fits.Single(f => f.Color == Colors.Red));
        foreach (var (x, y) in gammaLine) Assert.That(y, Is.EqualTo(Math.Log(_r.Gamma.Amplitude) - _r.Gamma.Exponent * x).Within(1e-12));
        Assert.That(_r.Beta.Exponent, Is.EqualTo(0.5).Within(0.01));
    }

    [Test]
    public void Distribution_IsTheExactDensityOfEachWrittenSize_WithTheStableMagnetization()
    {
        var p = Fig("distribution.png");
        Assert.That(p.Axes.Title.Label.Text, Is.EqualTo("Exact P(m) at T = 0.7, h = 0.05 (density N P(M)/2)"));
        Assert.That(p.Axes.Bottom.Label.Text, Is.EqualTo("m = M/N"));
        var series = p.GetPlottables<Scatter>().ToList();
        Assert.That(series.Select(s => s.LegendText), Is.EqualTo(new[] { "N = 10", "N = 100" }), $"sizes above {CurieWeissStudyResult.MaxDistributionSize} are left out");
        foreach (var f in _r.AtPoint.Take(2))
        {
            var s = Series(p, $"N = {f.Size}");
            var pts = Points(s);
            Assert.That(pts, Is.EqualTo(Enumerable.Range(0, f.Size + 1).Select(k => (f.MagnetizationPerSpin(k), f.Probabilities[k] * f.Size / 2))));
            Assert.That(pts.Sum(q => q.Y) * 2.0 / f.Size, Is.EqualTo(1).Within(1e-12), "a density over m with spacing 2/N");
            Assert.That(s.MarkerSize > 0, Is.EqualTo(f.Size <= CurieWeissPlots.MaxMarkerSize));
        }
        Assert.That(p.GetPlottables<VerticalLine>().Select(v => v.X), Is.EqualTo(_r.Solution.StableBranches.Select(b => b.M)));
    }
}
