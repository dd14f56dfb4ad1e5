using NeuralSpin.Classic;
using NUnit.Framework;

namespace NeuralSpin.Tests.Classic;

/// <summary>
/// The documented limits of the classic studies' options (the ranges the command line states in its messages):
/// the last allowed value passes the library's validation, the next one is refused.
/// </summary>
public class OptionLimitsTests
{
    [Test]
    public void RbmDemoOptions_RefuseValuesPastTheirLimits()
    {
        Assert.DoesNotThrow(() => new RbmDemoOptions { Hidden = RbmDemoOptions.MaxHidden, Points = RbmDemoOptions.MaxPoints }.Validate());
        Assert.DoesNotThrow(() => new RbmDemoOptions { Visible = RbmDeviationOptions.DefaultMaxExhaustiveVisible, Points = RbmDemoOptions.MinPoints }.Validate());
        Assert.Throws<ArgumentOutOfRangeException>(() => new RbmDemoOptions { Hidden = RbmDemoOptions.MaxHidden + 1 }.Validate());
        Assert.Throws<ArgumentOutOfRangeException>(() => new RbmDemoOptions { Points = RbmDemoOptions.MaxPoints + 1 }.Validate());
        Assert.Throws<ArgumentOutOfRangeException>(() => new RbmDemoOptions { Points = RbmDemoOptions.MinPoints - 1 }.Validate());
        Assert.Throws<ArgumentOutOfRangeException>(() => new RbmDemoOptions { Visible = RbmDeviationOptions.DefaultMaxExhaustiveVisible + 1 }.Validate());
        Assert.Throws<ArgumentOutOfRangeException>(() => new RbmDemoOptions { ScaleMin = 2, ScaleMax = 1 }.Validate());
        Assert.Throws<ArgumentOutOfRangeException>(() => RbmDemo.Scales(new RbmDemoOptions { Points = RbmDemoOptions.MaxPoints + 1 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => RbmDemo.Machine(3, RbmDemoOptions.MaxHidden + 1, 1));
        Assert.That(new RbmDeviationOptions().MaxExhaustiveVisible, Is.EqualTo(RbmDeviationOptions.DefaultMaxExhaustiveVisible));
    }

    [Test]
    public void RbmDeviation_RefusesSampleCountsPastTheLimit()
    {
        var rbm = RbmDemo.Machine(3, 2, 1);
        Assert.Throws<ArgumentOutOfRangeException>(() => RbmDeviation.Compute(rbm, new RbmDeviationOptions { Samples = RbmDeviationOptions.MaxSamples + 1 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => RbmDeviation.Compute(rbm, new RbmDeviationOptions { Samples = 0 }));
    }

    [Test]
    public void CurieWeissStudy_RefusesMoreSweepPointsThanTheLimit()
    {
        var o = new CurieWeissStudyOptions { Temperature = 0.5, Sizes = [4], SweepPoints = CurieWeissStudyOptions.MaxSweepPoints + 1 };
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => CurieWeissStudy.Run(o));
        Assert.That(e!.ParamName, Is.EqualTo(nameof(CurieWeissStudyOptions.SweepPoints)));
    }

    [Test]
    public void SkStudyOptions_LimitsAreThoseOfValidate()
    {
        Assert.DoesNotThrow(() => new SkStudyOptions
        {
            N = SkStudyOptions.MaxN, Sizes = [SkStudyOptions.MinSize, SkStudyOptions.MaxSize], Instances = SkStudyOptions.MaxInstances, Starts = SkStudyOptions.MaxStarts,
            Branches = SkStudyOptions.MaxBranches, TapInstances = SkStudyOptions.MaxTapInstances, TapStarts = SkStudyOptions.MaxTapStarts,
        }.Validate());
        foreach (var bad in new[]
                 {
                     new SkStudyOptions { N = SkStudyOptions.MaxN + 1 }, new SkStudyOptions { N = SkStudyOptions.MinSize - 1 },
                     new SkStudyOptions { Sizes = [SkStudyOptions.MaxSize + 1] }, new SkStudyOptions { Instances = SkStudyOptions.MaxInstances + 1 },
                     new SkStudyOptions { Starts = SkStudyOptions.MaxStarts + 1 }, new SkStudyOptions { Branches = SkStudyOptions.MaxBranches + 1 },
                     new SkStudyOptions { TapInstances = SkStudyOptions.MaxTapInstances + 1 }, new SkStudyOptions { TapStarts = SkStudyOptions.MaxTapStarts + 1 },
                 })
            Assert.Throws<ArgumentOutOfRangeException>(() => bad.Validate());
    }

    [Test]
    public void HopfieldLimits_AreThoseOfTheValidation()
    {
        Assert.DoesNotThrow(() => new HopfieldRunSettings
        {
            FlipFraction = HopfieldRunSettings.MaxFlipFraction, BurnInSweeps = HopfieldRunSettings.MaxSweeps, MeasureSweeps = HopfieldRunSettings.MaxSweeps,
        }.Validate());
        Assert.Throws<ArgumentOutOfRangeException>(() => new HopfieldRunSettings { BurnInSweeps = HopfieldRunSettings.MaxSweeps + 1 }.Validate());
        Assert.Throws<ArgumentOutOfRangeException>(() => new HopfieldRunSettings { MeasureSweeps = HopfieldRunSettings.MaxSweeps + 1 }.Validate());
        Assert.Throws<ArgumentOutOfRangeException>(() => new HopfieldRunSettings { FlipFraction = HopfieldRunSettings.MaxFlipFraction + 0.01 }.Validate());
        foreach (var bad in new[]
                 {
                     new HopfieldStudyOptions { Sizes = [HopfieldStudyOptions.MaxSize + 1] }, new HopfieldStudyOptions { Sizes = [HopfieldStudyOptions.MinSize - 1] },
                     new HopfieldStudyOptions { Alphas = [HopfieldStudyOptions.MaxAlpha * 1.01] }, new HopfieldStudyOptions { Temperature = HopfieldStudyOptions.MaxTemperature * 1.01 },
                     new HopfieldStudyOptions { Samples = HopfieldStudyOptions.MaxSamples + 1 }, new HopfieldStudyOptions { PhaseSize = HopfieldStudyOptions.MaxSize + 1 },
                 })
            Assert.Throws<ArgumentOutOfRangeException>(() => HopfieldStudy.Run(bad));
    }

    [Test]
    public void AgsPublishedValues_AgreeWithTheComputedOnesToTheirDigits()
    {
        Assert.That(AgsTheory.CriticalLoad, Is.EqualTo(AgsTheory.PublishedCriticalLoad).Within(5e-4));
        Assert.That(AgsTheory.CriticalOverlap, Is.EqualTo(AgsTheory.PublishedCriticalOverlap).Within(5e-4));
        Assert.That(AgsTheory.GlobalStabilityLoadZeroTemperature(), Is.EqualTo(AgsTheory.PublishedGlobalStabilityLoad).Within(1e-3));
    }
}
