using NeuralSpin.Classic;
using NeuralSpin.Tests.Support;
using NUnit.Framework;

namespace NeuralSpin.Tests.Classic;

/// <summary>
/// The searches of <see cref="AgsTheory"/> (docs/theory.md section 8): its bisection, the retrieval limit alpha_M(T) to its
/// relative resolution (also as it vanishes towards T = 1), the global-stability load as the crossing of the two free
/// energies, the scan of the symmetric solution by its count of evaluations, and the flags of the closed forms at T = 0.
/// </summary>
public class AgsTheorySearchTests
{
    /// <summary>
    /// The bisection ends on the root to adjacent doubles, for an increasing and a decreasing f, also when the first midpoint
    /// is the root itself (f = 0 there moves the end whose sign differs from f(a), so the bracket keeps the root).
    /// </summary>
    [Test]
    public void Bisect_EndsOnTheRoot()
    {
        NumericAssert.AreEqualAbsolute(0.5, AgsTheory.Bisect(x => x - 0.5, 0, 1), 1.2e-16, "root at the first midpoint");
        NumericAssert.AreEqualAbsolute(0.3, AgsTheory.Bisect(x => 0.3 - x, 0, 1), 1.2e-16, "decreasing f");
        NumericAssert.AreEqualAbsolute(Math.Sqrt(2), AgsTheory.Bisect(x => x * x - 2, 1, 2), 4.5e-16, "sqrt 2");
    }

    /// <summary>
    /// A NaN value counts as beyond the root: f = x - 0.8 (negative) below 0.6 and NaN above, on [0, 1], so the bracket closes
    /// on the edge 0.6 of the region where f is defined (to adjacent doubles).
    /// </summary>
    [Test]
    public void Bisect_TreatsNaNAsBeyondTheRoot()
    {
        NumericAssert.AreEqualAbsolute(0.6, AgsTheory.Bisect(x => x < 0.6 ? x - 0.8 : double.NaN, 0, 1), 2.3e-16, "edge of the defined region");
    }

    /// <summary>
    /// alpha_M(T) is a load with a retrieval solution, and a load larger by 2e-6 (twice the documented relative resolution
    /// 1e-6) has none, at T = 0.4 and close to T = 1, where alpha_M vanishes like (1 - T)^2 (2.6e-5 at T = 0.99, 6.5e-6 at
    /// T = 0.995): an absolute resolution of 1.5e-7 there was 0.6 % of alpha_M and gave a limit above the true one.
    /// </summary>
    [TestCase(0.4, 0.05, 0.15)]
    [TestCase(0.99, 1e-5, 1e-4)]
    [TestCase(0.995, 1e-6, 1e-5)]
    public void RetrievalLimitLoad_BracketsTheLimitToItsRelativeResolution(double t, double low, double high)
    {
        double a = AgsTheory.RetrievalLimitLoad(t);
        Assert.That(a, Is.GreaterThan(low).And.LessThan(high));
        Assert.That(AgsTheory.Retrieval(a, t), Is.Not.Null, "retrieval at alpha_M");
        Assert.That(AgsTheory.Retrieval(a * (1 + 2 * AgsTheory.LimitResolution), t), Is.Null, "none just above");
    }

    /// <summary>
    /// alpha_c(T) is where the retrieval and spin-glass free energies cross: their difference changes sign across
    /// alpha_c (1 +- 1e-6) (the bisection ends on adjacent doubles; the difference is 2.6e-11 there at T = 0.99), with
    /// alpha_c inside (0, alpha_M); close to T = 1 too, where a limit above the true alpha_M used to give NaN.
    /// </summary>
    [TestCase(0.4)]
    [TestCase(0.9)]
    [TestCase(0.99)]
    public void GlobalStabilityLoad_IsTheCrossingOfTheFreeEnergies(double t)
    {
        double ac = AgsTheory.GlobalStabilityLoad(t), am = AgsTheory.RetrievalLimitLoad(t);
        Assert.That(ac, Is.GreaterThan(0).And.LessThan(am));
        double Gap(double a) => AgsTheory.Retrieval(a, t)!.FreeEnergy - AgsTheory.SpinGlass(a, t).FreeEnergy;
        Assert.That(Gap(ac * (1 - 1e-6)), Is.LessThan(0), "retrieval lower just below alpha_c");
        Assert.That(Gap(ac * (1 + 1e-6)), Is.GreaterThan(0), "spin glass lower just above alpha_c");
        Assert.That(AgsTheory.GlobalStabilityLoad(t, am), Is.EqualTo(ac), "the given limit is the computed one");
    }

    /// <summary>
    /// With a given retrieval limit below the crossing (half of alpha_c(T)), retrieval is the global minimum on the whole
    /// search interval: no crossing, NaN; with a given limit above the true one (1.5 alpha_M) there is no retrieval solution
    /// at the top of the interval to compare: NaN as well. (Close to T = 1 the search starts at a quarter of the limit, below
    /// the smallest load 1e-4: the T = 0.99 case of <see cref="GlobalStabilityLoad_IsTheCrossingOfTheFreeEnergies"/>.)
    /// </summary>
    [Test]
    public void GlobalStabilityLoad_WithoutACrossingBelowTheLimit_IsNaN()
    {
        double ac = AgsTheory.GlobalStabilityLoad(0.5), am = AgsTheory.RetrievalLimitLoad(0.5);
        Assert.That(AgsTheory.GlobalStabilityLoad(0.5, ac / 2), Is.NaN, "limit below the crossing");
        Assert.That(AgsTheory.Retrieval(1.5 * am * (1 - 1e-4), 0.5), Is.Null);
        Assert.That(AgsTheory.GlobalStabilityLoad(0.5, 1.5 * am), Is.NaN, "limit above the true one");
    }

    /// <summary>
    /// The symmetric solution's scan from q = 1 down in 400 steps of (1 - q_min)/400 stops at the first sign change of
    /// G(q) - q and bisects that cell: its evaluation count is 1 (q = 1) + k* (the scan points down to the cell of the root,
    /// k* = ceil((1 - q)/(1 - q_min) 400)) + 1 (the bisection's first end) + the halvings from a cell of width
    /// (1 - q_min)/400 to adjacent doubles (40 to 55 here; at most 64).
    /// </summary>
    [TestCase(0.05, 0.5)]
    [TestCase(0.1, 0.2)]
    [TestCase(0.01, 0.9)]
    [TestCase(0.05, 1.1)]
    [TestCase(0.3, 1.2)]
    public void SpinGlass_Scan_StopsAtTheFirstSignChange(double alpha, double t)
    {
        var s = AgsTheory.SpinGlass(alpha, t);
        double qMin = Math.Max(0, 1 - t);
        int kStar = (int)Math.Ceiling((1 - s.Q) / (1 - qMin) * 400);
        Assert.That(s.Q, Is.GreaterThan(qMin));
        Assert.That(s.Iterations, Is.InRange(kStar + 2 + 30, kStar + 2 + 64), $"evaluations, k* = {kStar}");
    }

    /// <summary>The closed forms at T = 0 report themselves converged with no iterations (alpha = 0.1, and alpha = 0 for retrieval).</summary>
    [Test]
    public void ZeroTemperatureClosedForms_AreConvergedWithoutIterations()
    {
        foreach (var s in new[] { AgsTheory.RetrievalZeroTemperature(0.1)!, AgsTheory.RetrievalZeroTemperature(0)!, AgsTheory.SpinGlassZeroTemperature(0.1) })
            Assert.That((s.Converged, s.Iterations, s.Temperature), Is.EqualTo((true, 0, 0.0)), $"alpha = {s.Alpha}");
    }

    /// <summary>RetrievalOverlap is m of the retrieval branch where it exists (0.05, T = 0.2: m near 1) and 0 where it does not (alpha = 0.1 above alpha_M(0.8) = 0.0101).</summary>
    [Test]
    public void RetrievalOverlap_IsTheBranchOverlapOrZero()
    {
        double m = AgsTheory.RetrievalOverlap(0.05, 0.2);
        Assert.That(m, Is.EqualTo(AgsTheory.Retrieval(0.05, 0.2)!.M));
        Assert.That(m, Is.GreaterThan(0.9));
        Assert.That(AgsTheory.Retrieval(0.1, 0.8), Is.Null);
        Assert.That(AgsTheory.RetrievalOverlap(0.1, 0.8), Is.EqualTo(0.0));
    }
}
