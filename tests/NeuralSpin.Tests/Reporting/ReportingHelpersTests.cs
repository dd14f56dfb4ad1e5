using NeuralSpin.Reporting;
using NUnit.Framework;

namespace NeuralSpin.Tests.Reporting;

/// <summary><see cref="BarHistogram"/> against hand computations, and the progress and row-selection helpers.</summary>
public class ReportingHelpersTests
{
    [Test]
    public void BarHistogram_FiveValues_HandComputed()
    {
        // n = 5: ceil(sqrt 5) = 3, times 2 = 6 bins on [0, 4], width 2/3; 0 -> bin 0, 1 -> 1.5 -> 1, 2 -> 3, 3 -> 4.5 -> 4,
        // 4 -> 6, the last bin 5
        var h = BarHistogram.Of([4.0, 0.0, 2.0, 1.0, 3.0]);
        Assert.That(h.Bins, Is.EqualTo(6));
        Assert.That(h.Low, Is.EqualTo(0.0));
        Assert.That(h.Width, Is.EqualTo(4.0 / 6));
        Assert.That(h.Counts, Is.EqualTo(new double[] { 1, 1, 0, 1, 1, 1 }).AsCollection);
        Assert.That(h.Center(0), Is.EqualTo(0.5 * 4.0 / 6));
        Assert.That(h.Center(5), Is.EqualTo(5.5 * 4.0 / 6));
    }

    [Test]
    public void BarHistogram_NegativeValues_HandComputed()
    {
        // n = 3: ceil(sqrt 3) = 2, 4 bins on [-1.5, -0.5], width 0.25: -1.5 -> 0, -1.2 -> 1.2 -> 1, -0.5 -> 4 -> 3
        var h = BarHistogram.Of([-1.2, -0.5, -1.5]);
        Assert.That(h.Bins, Is.EqualTo(4));
        Assert.That(h.Low, Is.EqualTo(-1.5));
        Assert.That(h.Width, Is.EqualTo(0.25));
        Assert.That(h.Counts, Is.EqualTo(new double[] { 1, 1, 0, 1 }).AsCollection);
    }

    [Test]
    public void BarHistogram_EqualValues_OneNarrowBin()
    {
        // all -2: width max(2e-3, 1e-3) = 2e-3; n = 2 gives 2 ceil(sqrt 2) = 4 bins, everything in the first
        var h = BarHistogram.Of([-2.0, -2.0]);
        Assert.That(h.Width, Is.EqualTo(2e-3));
        Assert.That(h.Counts, Is.EqualTo(new double[] { 2, 0, 0, 0 }).AsCollection);
        // all zero: the floor width 1e-3; one value: 2 bins
        var z = BarHistogram.Of([0.0]);
        Assert.That(z.Width, Is.EqualTo(1e-3));
        Assert.That(z.Counts, Is.EqualTo(new double[] { 1, 0 }).AsCollection);
    }

    [Test]
    public void BarHistogram_ManyValues_AtMostFortyBins_NoValues_NoBins()
    {
        var many = Enumerable.Range(0, 1000).Select(i => i * 0.001).ToArray();
        var h = BarHistogram.Of(many);
        Assert.That(h.Bins, Is.EqualTo(BarHistogram.MaxBins));
        Assert.That(h.Counts.Sum(), Is.EqualTo(1000));
        Assert.That(BarHistogram.Of([]).Bins, Is.EqualTo(0));
    }

    [Test]
    public void ProgressRate_GuardsAZeroElapsedTime()
    {
        Assert.That(ProgressRate.PerSecond(10, 2.0), Is.EqualTo(5.0));
        Assert.That(ProgressRate.PerSecond(3, 0.0), Is.EqualTo(3 / ProgressRate.MinimumSeconds));
        Assert.That(double.IsFinite(ProgressRate.PerSecond(3, 0.0)), Is.True);
        Assert.That(ProgressRate.RemainingSeconds(0, 10, 5.0), Is.Null);
        Assert.That(ProgressRate.RemainingSeconds(4, 10, 2.0), Is.EqualTo(3.0));
        Assert.That(ProgressRate.RemainingSeconds(10, 10, 2.0), Is.EqualTo(0.0));
    }

    [Test]
    public void RowSelection_KeepsShortTables_SpreadsLongOnes()
    {
        Assert.That(RowSelection.Evenly(5, 60), Is.EqualTo(new[] { 0, 1, 2, 3, 4 }).AsCollection);
        Assert.That(RowSelection.Evenly(0, 60), Is.Empty);
        // 11 rows, at most 3: round(0), round(5), round(10)
        Assert.That(RowSelection.Evenly(11, 3), Is.EqualTo(new[] { 0, 5, 10 }).AsCollection);
        var r = RowSelection.Evenly(1000, 60);
        Assert.That(r, Has.Count.EqualTo(60));
        Assert.That(r[0], Is.EqualTo(0));
        Assert.That(r[^1], Is.EqualTo(999));
        Assert.That(r, Is.Ordered.Ascending);
        Assert.Throws<ArgumentOutOfRangeException>(() => RowSelection.Evenly(10, 1));
    }

    // Figures.FitTitle: a title wider than the figure (the per-layer ESD plot's, 117 characters, ran past the right edge
    // at 960 px) is broken into lines that each fit, measured by ScottPlot in the title's own font; no character is lost.
    [Test]
    public void NewPlot_LongTitle_IsBrokenIntoLinesThatFitTheFigure()
    {
        const string title = "ESD of layers.2.weight (512 x 512), ckpt-s000112500-e60.000000.safetensors: alpha = 4.95 +- 0.45, D = 0.133, well-trained";
        var plot = Figures.NewPlot(title, "x", "y");
        var label = plot.Axes.Title.Label;
        var lines = label.Text.Split('\n');
        Assert.That(lines, Has.Length.GreaterThanOrEqualTo(2));
        Assert.That(string.Concat(lines.Select((l, i) => i < lines.Length - 1 ? l + " " : l)), Is.EqualTo(title), "only the spaces after the breaks are replaced");
        using var paint = ScottPlot.Paint.NewDisposablePaint();
        foreach (string line in lines)
        {
            var single = new ScottPlot.LabelStyle { Text = line, FontSize = label.FontSize, Bold = label.Bold, FontName = label.FontName };
            Assert.That(single.Measure(paint).Width, Is.LessThanOrEqualTo(Figures.Width - Figures.TitleMargin), line);
        }
    }

    [Test]
    public void NewPlot_ShortTitle_IsKeptAsGiven()
    {
        Assert.That(Figures.NewPlot("Entropy landscape s(d)", "x", "y").Axes.Title.Label.Text, Is.EqualTo("Entropy landscape s(d)"));
    }
}
