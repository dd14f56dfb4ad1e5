using NeuralSpin.Numerics;
using NUnit.Framework;
using NeuralSpin.Classic;
using NeuralSpin.Reporting;
using NeuralSpin.Training;

namespace NeuralSpin.Tests.Classic;

/// <summary>
/// <see cref="HopfieldStudy"/> from the library: each grid equals <see cref="HopfieldRetrieval.Scan"/> on the seed stream
/// the doc comment names (0 load curve, 1 temperature curve, 2 phase grid), so a script gets the command's numbers.
/// </summary>
public class HopfieldStudyTests
{
    static readonly HopfieldStudyOptions Small = new()
    {
        Sizes = [40], Alphas = [0.05, 0.3], Samples = 2, Temperatures = [0, 0.5], PhaseSize = 40, PhaseSamples = 1,
        PhaseAlphas = [0.05], PhaseTemperatures = [0.3], Seed = 7,
        Run = new HopfieldRunSettings { BurnInSweeps = 5, MeasureSweeps = 5 },
    };

    [Test]
    public void Study_EqualsItsGridsOnTheDocumentedSeedStreams()
    {
        var stages = new List<string>();
        var r = HopfieldStudy.Run(Small, new SyncProgress<StageProgress>(p => { if (p.Done == 0) stages.Add(p.Stage); }));
        Assert.That(stages, Is.EqualTo(new[] { "overlap vs load", "overlap vs temperature", "phase-diagram simulations", "AGS boundaries" }));

        var load = HopfieldRetrieval.Scan([(40, 0.05, 0.0), (40, 0.3, 0.0)], 2, Small.Run, 7, Small.Level);
        Assert.That(r.LoadPoints.Select(p => p.MeanOverlap), Is.EqualTo(load.Select(p => p.MeanOverlap)));
        var temp = HopfieldRetrieval.Scan([(40, 0.05, 0.0), (40, 0.05, 0.5)], 1, Small.Run, Seeds.Stream(7, 1), Small.PhaseLevel);
        Assert.That(r.TemperaturePoints.Select(p => p.MeanOverlap), Is.EqualTo(temp.Select(p => p.MeanOverlap)));
        var phase = HopfieldRetrieval.Scan([(40, 0.05, 0.3)], 1, Small.Run, Seeds.Stream(7, 2), Small.PhaseLevel);
        Assert.That(r.PhasePoints.Select(p => p.MeanOverlap), Is.EqualTo(phase.Select(p => p.MeanOverlap)));
        Assert.That(r.Capacities, Has.Count.EqualTo(1));
        Assert.That(r.Diagram, Is.Not.Null);
    }

    [Test]
    public void WithoutPhaseDiagram_NoPhaseStages()
    {
        var r = HopfieldStudy.Run(Small with { PhaseDiagram = false });
        Assert.That(r.PhasePoints, Is.Empty);
        Assert.That(r.Diagram, Is.Null);
    }

    [Test]
    public void BadLevel_IsRefusedByName()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => HopfieldStudy.Run(Small with { Level = 1.5 }));
        Assert.That(e!.ParamName, Is.EqualTo("Level"));
    }

    [Test]
    public void RetrievalHelpers_AreTheirRules()
    {
        var r = HopfieldStudy.Run(Small);
        Assert.That(r.AgsRetrievalLimitOnGrid,
            Is.EqualTo(r.AgsOverlapVsTemperature.Where(q => q.M > 0).Select(q => q.Temperature).DefaultIfEmpty(0).Last()));
        Assert.That(r.PhasePoints, Is.Not.Empty);
        foreach (var p in r.PhasePoints) Assert.That(r.IsRetrieval(p), Is.EqualTo(p.MeanOverlap >= Small.PhaseLevel));
    }
}
