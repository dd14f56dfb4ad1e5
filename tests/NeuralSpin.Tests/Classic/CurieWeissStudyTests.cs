using NeuralSpin.Classic;
using NeuralSpin.Numerics;
using NUnit.Framework;

namespace NeuralSpin.Tests.Classic;

/// <summary><see cref="CurieWeissStudy"/>: the study equals its parts (the solver, the exponent fits, the exact sums on the sweep grid).</summary>
public class CurieWeissStudyTests
{
    [Test]
    public void Run_EqualsTheSolverTheFitsAndTheExactSumsOnTheGrid()
    {
        var o = new CurieWeissStudyOptions { Temperature = 0.7, Field = 0.05, Coupling = 1.3, Sizes = [5, 40], SweepMin = 0.2, SweepPoints = 9 };
        int reported = 0;
        var r = CurieWeissStudy.Run(o, new NeuralSpin.Reporting.SyncProgress<int>(d => reported = Math.Max(reported, d)));
        Assert.That(reported, Is.EqualTo(CurieWeissStudy.WorkUnits(o)));
        Assert.That(r.Solution.Stable.M, Is.EqualTo(CurieWeiss.Solve(0.7, 0.05, 1.3).Stable.M));
        Assert.That(r.Beta.Exponent, Is.EqualTo(CurieWeiss.FitBetaExponent(1.3).Exponent));
        Assert.That(r.Gamma.Exponent, Is.EqualTo(CurieWeiss.FitGammaExponent(1.3).Exponent));
        Assert.That(r.AtPoint[1].FreeEnergy, Is.EqualTo(CurieWeissFiniteSize.Compute(40, 0.7, 0.05, 1.3).FreeEnergy));
        Assert.That(r.AtPoint[0].Probabilities, Has.Length.EqualTo(6));
        Assert.That(Enumerable.Range(0, 6).Select(r.AtPoint[0].MagnetizationPerSpin), Is.EqualTo(new[] { -1, -0.6, -0.2, 0.2, 0.6, 1 }).Within(1e-15));
        // the sweep ends at the default 2 J and runs on the uniform grid
        Assert.That(o.SweepEnd, Is.EqualTo(CurieWeissStudyOptions.DefaultSweepMaxOverCoupling * 1.3));
        Assert.That(r.Sweep.Select(p => p.Temperature), Is.EqualTo(Precision.UniformGrid(0.2, 2.6, 9)).AsCollection);
        var mid = r.Sweep[4];
        Assert.That(mid.Solution.Stable.M, Is.EqualTo(CurieWeiss.Solve(mid.Temperature, 0.05, 1.3).Stable.M));
        Assert.That(mid.Finite[0].MeanAbsM, Is.EqualTo(CurieWeissFiniteSize.Compute(5, mid.Temperature, 0.05, 1.3).MeanAbsM));
        Assert.That(mid.Finite[0].Probabilities, Is.Empty);
    }

    [Test]
    public void SweepEnd_IsTheGivenEndOrTwiceTheCoupling()
    {
        Assert.That(new CurieWeissStudyOptions { Coupling = 0.5 }.SweepEnd, Is.EqualTo(1.0));
        Assert.That(new CurieWeissStudyOptions { Coupling = 0.5, SweepMax = 3 }.SweepEnd, Is.EqualTo(3.0));
    }

    [TestCase(-0.1, 1.0, 0.0, 2)]
    [TestCase(0.5, 0.0, 0.0, 2)]
    [TestCase(0.5, 1.0, 5.0, 2)]
    [TestCase(0.5, 1.0, 0.0, 1)]
    public void Run_RefusesBadSettings(double t, double j, double sweepMin, int points)
    {
        var o = new CurieWeissStudyOptions { Temperature = t, Coupling = j, SweepMin = sweepMin, SweepPoints = points, Sizes = [4] };
        Assert.Throws<ArgumentOutOfRangeException>(() => CurieWeissStudy.Run(o));
    }
}
