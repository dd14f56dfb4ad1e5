using NUnit.Framework;
using NeuralSpin.Reproduction;

namespace NeuralSpin.Tests.Reproduction;

/// <summary>The settings helpers of the paper-1 reproduction and its calibration study.</summary>
public class Paper1SettingsTests
{
    [Test]
    public void ScaleEpochs_RoundsToWholeEpochsAndKeepsAtLeastOne()
    {
        var scaled = Paper1Settings.ScaleEpochs(Paper1Report.Table1, 0.1);
        Assert.That(scaled.Select(p => p.Epochs), Is.EqualTo(new[] { 6, 50, 96, 96 }).AsCollection);
        Assert.That(scaled.Select(p => p.Name), Is.EqualTo(Paper1Report.Table1.Select(p => p.Name)).AsCollection);
        Assert.That(Paper1Settings.ScaleEpochs(Paper1Report.Quick, 0.001).Select(p => p.Epochs), Is.All.EqualTo(1));
        Assert.That(Paper1Settings.ScaleEpochs(Paper1Report.Quick, Paper1Settings.DefaultEpochsScale), Is.EqualTo(Paper1Report.Quick).AsCollection);
        Assert.Throws<ArgumentOutOfRangeException>(() => Paper1Settings.ScaleEpochs(Paper1Report.Quick, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => Paper1Settings.ScaleEpochs(Paper1Report.Quick, double.NaN));
    }

    [Test]
    public void WithFinalists_RaisesTheProbesToTheFinalists()
    {
        var d = new CalibrationSettings();
        Assert.That(d.WithFinalists(1), Is.EqualTo(d with { Finalists = 1 }));
        Assert.That(d.WithFinalists(d.Probes + 2), Is.EqualTo(d with { Finalists = d.Probes + 2, Probes = d.Probes + 2 }));
        Assert.DoesNotThrow(() => d.WithFinalists(9).Validate());
    }
}
