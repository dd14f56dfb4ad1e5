using NeuralSpin.Numerics;
using NUnit.Framework;
using NeuralSpin.Classic;
using NeuralSpin.Reporting;

namespace NeuralSpin.Tests.Classic;

/// <summary>
/// <see cref="SkStudy"/> from the library: the study equals its stages called one by one with the seed streams its doc
/// comment states (so a script gets the numbers of <c>classic sk</c>), reports every stage, and refuses bad settings.
/// </summary>
public class SkStudyTests
{
    static readonly SkStudyOptions Small = new()
    {
        N = 16, Sizes = [16, 32], Instances = 2, Starts = 3, Branches = 2, BetaMax = 3, TapInstances = 2, TapStarts = 2, Parallelism = 1,
    };

    [Test]
    public void Study_EqualsItsStagesWithTheDocumentedSeedStreams()
    {
        var stages = new List<string>();
        var r = SkStudy.Run(Small, new SyncProgress<StageProgress>(p => { if (p.Done == 0) stages.Add(p.Stage); }));
        Assert.That(stages, Has.Count.EqualTo(5), "five stages, each announced once");
        Assert.That(r.Sizes, Is.EqualTo(new[] { 16, 32 }));

        // stage 1: instance 0 of each size, on an even grid of 101 points over [0, min(BetaMax, 2.5/J)]
        var inst = SkInstances.Draw(32, 1.0, SkInstances.InstanceSeed(1, 32, 0));
        var betas = Enumerable.Range(0, 101).Select(i => 2.5 * i / 100).ToArray();
        var curve = SkLinearizedTap.Curve(inst, betas);
        Assert.That(r.Curves[1].Points.Select(p => p.Value), Is.EqualTo(curve.Select(p => p.Value)), "same instance and grid: identical values");

        // stage 2: the finite-size study with the master seed
        var fs = SkFiniteSize.Run([16, 32], 2, 1.0, 1, 3, 0.05, 1);
        Assert.That(r.FiniteSize.Instances.Select(x => x.BetaStar), Is.EqualTo(fs.Instances.Select(x => x.BetaStar)));

        // stage 5 runs on TapInstances instances and every state temperature
        Assert.That(r.States.Instances, Is.EqualTo(2));
        Assert.That(r.States.Searches, Has.Count.EqualTo(Small.StateTemperatures.Count));
        Assert.That(r.Tap, Has.Count.EqualTo(Small.TapTemperatures.Count));
    }

    [TestCase(nameof(SkStudyOptions.N))]
    [TestCase(nameof(SkStudyOptions.BetaMax))]
    [TestCase(nameof(SkStudyOptions.Level))]
    [TestCase(nameof(SkStudyOptions.Sizes))]
    public void BadSetting_IsRefusedByName(string field)
    {
        var bad = field switch
        {
            nameof(SkStudyOptions.N) => Small with { N = 2 },
            nameof(SkStudyOptions.BetaMax) => Small with { BetaMax = 0.5 },   // below the transition at beta = 1/J
            nameof(SkStudyOptions.Level) => Small with { Level = 1 },
            _ => Small with { Sizes = [] },
        };
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => SkStudy.Run(bad));
        Assert.That(e!.ParamName, Is.EqualTo(field));
    }

    [Test]
    public void ContinuationStartField_MustBePositiveAndFinite()
    {
        Assert.That(new SkStudyOptions().ContinuationStartField, Is.EqualTo(2));
        Assert.Throws<ArgumentOutOfRangeException>(() => new SkStudyOptions { ContinuationStartField = 0 }.Validate());
        Assert.Throws<ArgumentOutOfRangeException>(() => new SkStudyOptions { ContinuationStartField = double.PositiveInfinity }.Validate());
    }
}
