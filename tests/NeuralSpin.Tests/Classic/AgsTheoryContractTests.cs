using NeuralSpin.Classic;
using NeuralSpin.Tests.Support;
using NUnit.Framework;
using static NeuralSpin.Tests.Support.ArgumentCheck;

namespace NeuralSpin.Tests.Classic;

/// <summary>
/// The contract of <see cref="AgsTheory"/> written out (Amit, Gutfreund and Sompolinsky; docs/theory.md section 8): the argument
/// checks one condition at a time and the boundary values that must pass; the RS free energy f(m, q, r) against its formula
/// with a trapezoid Gaussian average; the fixed-point iteration of the AGS equations step by step against the same iteration
/// written here (the budget, the early stop below a given m, the convergence test on both m and q, the floor of
/// 1 - beta (1 - q)); the symmetric solution against a bisection of q = int Dz tanh^2(beta sqrt(alpha r(q)) z) written here,
/// also just below T_g where q is small; and the alpha = 0 limit, the Curie-Weiss model.
/// </summary>
public class AgsTheoryContractTests
{
    static IEnumerable<TestCaseData> Checks()
    {
        const string a = "alpha must be finite and >= 0", g = "need finite m, s >= 0, beta > 0";
        yield return Range("GlassTemperature: alpha >= 0", "alpha", a, () => AgsTheory.GlassTemperature(-0.1)).ToCase();
        yield return Range("GlassTemperature: alpha finite", "alpha", a, () => AgsTheory.GlassTemperature(double.PositiveInfinity)).ToCase();
        yield return Range("GlassTemperature: alpha not NaN", "alpha", a, () => AgsTheory.GlassTemperature(double.NaN)).ToCase();
        yield return Range("ZeroTemperatureLoad: y > 0", "y", "y must be > 0", () => AgsTheory.ZeroTemperatureLoad(0)).ToCase();
        yield return Range("ZeroTemperatureLoad: y not NaN", "y", "y must be > 0", () => AgsTheory.ZeroTemperatureLoad(double.NaN)).ToCase();
        yield return Range("RetrievalZeroTemperature: alpha >= 0", "alpha", a, () => AgsTheory.RetrievalZeroTemperature(-1)).ToCase();
        yield return Range("SpinGlassZeroTemperature: alpha > 0", "alpha", "the spin-glass branch needs alpha > 0", () => AgsTheory.SpinGlassZeroTemperature(0)).ToCase();
        yield return Range("SpinGlassZeroTemperature: alpha >= 0", "alpha", a, () => AgsTheory.SpinGlassZeroTemperature(-1)).ToCase();
        yield return Range("GaussianAverages: m not NaN", "beta", g, () => AgsTheory.GaussianAverages(double.NaN, 1, 1)).ToCase();
        yield return Range("GaussianAverages: m finite", "beta", g, () => AgsTheory.GaussianAverages(double.PositiveInfinity, 1, 1)).ToCase();
        yield return Range("GaussianAverages: s >= 0", "beta", g, () => AgsTheory.GaussianAverages(0, -1e-300, 1)).ToCase();
        yield return Range("GaussianAverages: s not NaN", "beta", g, () => AgsTheory.GaussianAverages(0, double.NaN, 1)).ToCase();
        yield return Range("GaussianAverages: s finite", "beta", g, () => AgsTheory.GaussianAverages(0, double.PositiveInfinity, 1)).ToCase();
        yield return Range("GaussianAverages: beta > 0", "beta", g, () => AgsTheory.GaussianAverages(0, 1, 0)).ToCase();
        yield return Range("GaussianAverages: beta not NaN", "beta", g, () => AgsTheory.GaussianAverages(0, 1, double.NaN)).ToCase();
        yield return Range("GaussianAverages: beta finite", "beta", g, () => AgsTheory.GaussianAverages(0, 1, double.PositiveInfinity)).ToCase();
        yield return Range("FreeEnergy: alpha >= 0", "alpha", a, () => AgsTheory.FreeEnergy(-0.1, 1, 0, 0, 0)).ToCase();
        yield return Range("FreeEnergy: T > 0", "temperature", "T must be > 0", () => AgsTheory.FreeEnergy(0.1, 0, 0, 0, 0)).ToCase();
        yield return Range("FreeEnergy: T not NaN", "temperature", "T must be > 0", () => AgsTheory.FreeEnergy(0.1, double.NaN, 0, 0, 0)).ToCase();
        yield return Range("Solve: alpha finite", "alpha", a, () => AgsTheory.Solve(double.PositiveInfinity, 0.5, 1, 1)).ToCase();
        yield return Range("Solve: T > 0", "temperature", "T must be finite and > 0", () => AgsTheory.Solve(0.05, 0, 1, 1)).ToCase();
        yield return Range("Solve: T finite", "temperature", "T must be finite and > 0", () => AgsTheory.Solve(0.05, double.PositiveInfinity, 1, 1)).ToCase();
        yield return Range("Solve: T not NaN", "temperature", "T must be finite and > 0", () => AgsTheory.Solve(0.05, double.NaN, 1, 1)).ToCase();
        yield return Range("Solve: q0 >= 0", "q0", "q0 must lie in [0, 1]", () => AgsTheory.Solve(0.05, 0.5, 1, -1e-300)).ToCase();
        yield return Range("Solve: q0 <= 1", "q0", "q0 must lie in [0, 1]", () => AgsTheory.Solve(0.05, 0.5, 1, 1.0000000000000002)).ToCase();
        yield return Range("Solve: q0 not NaN", "q0", "q0 must lie in [0, 1]", () => AgsTheory.Solve(0.05, 0.5, 1, double.NaN)).ToCase();
        yield return Range("SpinGlass: alpha >= 0", "alpha", a, () => AgsTheory.SpinGlass(-0.1, 0.5)).ToCase();
        yield return Range("SpinGlass: T >= 0", "temperature", "T must be finite and >= 0", () => AgsTheory.SpinGlass(0.1, -1e-300)).ToCase();
        yield return Range("SpinGlass: T finite", "temperature", "T must be finite and >= 0", () => AgsTheory.SpinGlass(0.1, double.PositiveInfinity)).ToCase();
        yield return Range("SpinGlass: T not NaN", "temperature", "T must be finite and >= 0", () => AgsTheory.SpinGlass(0.1, double.NaN)).ToCase();
        yield return Range("RetrievalLimitLoad: T >= 0", "temperature", "T must be >= 0", () => AgsTheory.RetrievalLimitLoad(-1e-300)).ToCase();
        yield return Range("RetrievalLimitLoad: T not NaN", "temperature", "T must be >= 0", () => AgsTheory.RetrievalLimitLoad(double.NaN)).ToCase();
        yield return Range("GlobalStabilityLoad: T >= 0", "temperature", "T must be >= 0", () => AgsTheory.GlobalStabilityLoad(-1e-300)).ToCase();
        yield return Range("GlobalStabilityLoad: T not NaN", "temperature", "T must be >= 0", () => AgsTheory.GlobalStabilityLoad(double.NaN)).ToCase();
        yield return Range("PhaseDiagram: alphaMax > 0", "alphaMax", "alphaMax must be > 0", () => AgsTheory.PhaseDiagram(0)).ToCase();
        yield return Range("PhaseDiagram: alphaMax finite", "alphaMax", "alphaMax must be > 0", () => AgsTheory.PhaseDiagram(double.PositiveInfinity)).ToCase();
        yield return Range("PhaseDiagram: alphaMax not NaN", "alphaMax", "alphaMax must be > 0", () => AgsTheory.PhaseDiagram(double.NaN)).ToCase();
        yield return Range("PhaseDiagram: two points", "points", "at least two points", () => AgsTheory.PhaseDiagram(0.2, 1)).ToCase();
    }

    [TestCaseSource(nameof(Checks))]
    public void BadArguments_AreRefused(ArgumentCheck check) => check.Verify();

    /// <summary>
    /// Boundary values that pass: s = 0 (no noise: the averages are tanh(beta m), tanh^2(beta m), ln 2 cosh(beta m) / beta
    /// exactly, 1e-14 for the weights' sum), q0 = 0 and 1, alpha = 0 and alpha = alpha_c at T = 0, T = 1 where the retrieval
    /// limit is 0 and the global-stability load does not exist, and alpha = 0 in GlassTemperature (T_g = 1).
    /// </summary>
    [Test]
    public void BoundaryValues_AreAccepted()
    {
        var (t1, t2, lc) = AgsTheory.GaussianAverages(0.3, 0, 5);
        NumericAssert.AreEqualAbsolute(Math.Tanh(1.5), t1, 1e-14, "<tanh>");
        NumericAssert.AreEqualAbsolute(Math.Tanh(1.5) * Math.Tanh(1.5), t2, 1e-14, "<tanh^2>");
        NumericAssert.AreEqualAbsolute(Math.Log(2 * Math.Cosh(1.5)) / 5, lc, 1e-14, "<ln 2cosh>/beta");
        Assert.That(AgsTheory.Solve(0.05, 0.5, 1, 0, maxIterations: 1).Iterations, Is.EqualTo(1));
        Assert.That(AgsTheory.Solve(0.05, 0.5, 1, 1, maxIterations: 1).Iterations, Is.EqualTo(1));
        Assert.That(AgsTheory.GlassTemperature(0), Is.EqualTo(1.0));
        Assert.That(AgsTheory.RetrievalLimitLoad(1), Is.EqualTo(0.0));
        Assert.That(AgsTheory.RetrievalLimitLoad(2), Is.EqualTo(0.0));
        Assert.That(AgsTheory.GlobalStabilityLoad(1), Is.NaN);
        var critical = AgsTheory.RetrievalZeroTemperature(AgsTheory.CriticalLoad);
        Assert.That(critical, Is.Not.Null, "alpha = alpha_c itself still has the retrieval solution");
        NumericAssert.AreEqualAbsolute(AgsTheory.PublishedCriticalOverlap, critical!.M, 5e-4, "m = 0.967 at alpha_c (AGS 1985)");
    }

    /// <summary>
    /// alpha = 0 at T = 0: the pattern is retrieved perfectly, m = q = r = 1, and the energy is -1/2 (E = -(N/2) m^2);
    /// the spin-glass branch at alpha = 0.1: m = 0, q = 1, r = (1 + a)^2 with a = sqrt(2/(pi alpha)), energy
    /// -1/pi - sqrt(2 alpha / pi); SpinGlass at T = 0 is that closed form.
    /// </summary>
    [Test]
    public void ZeroTemperature_ClosedForms()
    {
        Assert.That(AgsTheory.RetrievalZeroTemperature(0), Is.EqualTo(new AgsState(0, 0, 1, 1, 1, -0.5, true, 0)));
        double a = Math.Sqrt(2 / (Math.PI * 0.1));
        foreach (var s in new[] { AgsTheory.SpinGlassZeroTemperature(0.1), AgsTheory.SpinGlass(0.1, 0) })
        {
            Assert.That((s.M, s.Q, s.Temperature, s.Converged), Is.EqualTo((0.0, 1.0, 0.0, true)));
            NumericAssert.AreEqualRelative((1 + a) * (1 + a), s.R, 1e-15, "r = (1 + a)^2");
            NumericAssert.AreEqualAbsolute(-1 / Math.PI - Math.Sqrt(0.2 / Math.PI), s.FreeEnergy, 1e-15, "e_SG");
        }
    }

    /// <summary>int Dz f(z) by the trapezoid rule on [-12, 12] with step 1e-3 (see <see cref="AgsTheoryTests"/>; exact to
    /// rounding for these analytic integrands with beta s &lt;= 60).</summary>
    static double SlowGaussian(Func<double, double> f) => AgsTheoryTests.SlowGaussian(f);

    static double LogTwoCosh(double x) => Math.Abs(x) + Math.Log(1 + Math.Exp(-2 * Math.Abs(x)));

    /// <summary>f(m, q, r) = alpha/2 + m^2/2 + (alpha/(2 beta)) [ln d - beta q / d] + (alpha beta/2) r (1 - q) - (1/beta) int Dz ln 2cosh(beta(m + sqrt(alpha r) z)), d = 1 - beta(1 - q).</summary>
    static double ReferenceFreeEnergy(double alpha, double t, double m, double q, double r)
    {
        double beta = 1 / t, d = 1 - beta * (1 - q), s = Math.Sqrt(alpha * r);
        return alpha / 2 + m * m / 2 + alpha / (2 * beta) * (Math.Log(d) - beta * q / d) + alpha * beta / 2 * r * (1 - q)
            - SlowGaussian(z => LogTwoCosh(beta * (m + s * z))) / beta;
    }

    /// <summary>
    /// The RS free energy against its formula (the AGS remarks) at points off the saddle, where every term counts: both
    /// quadrature branches (beta sqrt(alpha r) = 0.26 and 1.17); 1e-11 (quadratures good to 1e-13, the trapezoid sum's
    /// rounding). Outside the physical region (d = 1 - beta (1 - q) &lt;= 0, here exactly 0 and negative) f is NaN.
    /// </summary>
    [Test]
    public void FreeEnergy_IsTheRsFormula()
    {
        foreach (var (alpha, t, m, q, r) in new[] { (0.2, 2.0, 0.1, 0.3, 0.35), (0.1, 0.5, 0.3, 0.8, 3.4), (0.05, 0.9, -0.6, 0.5, 1.2) })
            NumericAssert.AreEqualAbsolute(ReferenceFreeEnergy(alpha, t, m, q, r), AgsTheory.FreeEnergy(alpha, t, m, q, r), 1e-11, $"f({alpha}, {t}, {m}, {q}, {r})");
        Assert.That(AgsTheory.FreeEnergy(0.1, 0.5, 0.3, 0.5, 1), Is.NaN, "d = 1 - 2 (1 - 0.5) = 0");
        Assert.That(AgsTheory.FreeEnergy(0.1, 0.5, 0.3, 0.2, 1), Is.NaN, "d < 0");
    }

    /// <summary>
    /// alpha = 0 is the Curie-Weiss model: f = m^2/2 - (1/beta) ln 2 cosh(beta m) whatever q and r (their terms carry alpha),
    /// also where 1 - beta (1 - q) &lt;= 0: at T = 0.5, m = 0.3, q = 0.2 it is 0.045 - ln(2 cosh 0.6) / 2; the symmetric
    /// solution at alpha = 0 is q = 0 with f = -T ln 2 and needs no evaluation of the q equation.
    /// </summary>
    [Test]
    public void FreeEnergy_AtZeroLoad_IsCurieWeiss()
    {
        NumericAssert.AreEqualAbsolute(0.045 - Math.Log(2 * Math.Cosh(0.6)) / 2, AgsTheory.FreeEnergy(0, 0.5, 0.3, 0.2, 1), 1e-15, "f at alpha = 0");
        var s = AgsTheory.SpinGlass(0, 0.5);
        Assert.That((s.M, s.Q, s.R, s.Iterations), Is.EqualTo((0.0, 0.0, 0.0, 0)));
        NumericAssert.AreEqualAbsolute(-0.5 * Math.Log(2), s.FreeEnergy, 1e-15, "f = -T ln 2");
    }

    /// <summary>One step of the AGS iteration as documented: r = q / d^2 with d = max(1 - beta (1 - q), 1e-12), then
    /// m = int Dz tanh(beta (m + sqrt(alpha r) z)), q = int Dz tanh^2(...) (trapezoid here).</summary>
    static (double M, double Q) Step(double alpha, double t, double m, double q)
    {
        double beta = 1 / t, s = Math.Sqrt(alpha * R(q, t));
        return (SlowGaussian(z => Math.Tanh(beta * (m + s * z))), SlowGaussian(z => Math.Pow(Math.Tanh(beta * (m + s * z)), 2)));
    }

    static double R(double q, double t)
    {
        double d = Math.Max(1 - (1 - q) / t, 1e-12);
        return q / (d * d);
    }

    /// <summary>
    /// The budget: three steps from m = q = 1 at alpha = 0.05, T = 0.5 are the third iterate of the iteration written here
    /// (1e-11: three steps of quadratures good to 1e-13), not converged, with r = r(q) and f(m, q, r) at that point.
    /// </summary>
    [Test]
    public void Solve_StopsAtTheIterationBudget()
    {
        double m = 1, q = 1;
        for (int k = 0; k < 3; k++) (m, q) = Step(0.05, 0.5, m, q);
        var s = AgsTheory.Solve(0.05, 0.5, 1, 1, maxIterations: 3);
        Assert.That((s.Iterations, s.Converged), Is.EqualTo((3, false)));
        NumericAssert.AreEqualAbsolute(m, s.M, 1e-11, "m after 3 steps");
        NumericAssert.AreEqualAbsolute(q, s.Q, 1e-11, "q after 3 steps");
        NumericAssert.AreEqualRelative(R(q, 0.5), s.R, 1e-9, "r(q)");
        NumericAssert.AreEqualAbsolute(ReferenceFreeEnergy(0.05, 0.5, s.M, s.Q, s.R), s.FreeEnergy, 1e-11, "f");
    }

    /// <summary>
    /// The early stop: at alpha = 0.2, T = 0.5 (beyond the retrieval limit) m decays from 1; the iteration stops at the first
    /// step with m below the given 0.5, the step found by the iteration written here (whose iterates are checked to stay
    /// 1e-6 clear of 0.5, so the quadratures' 1e-13 cannot change the step), not converged.
    /// </summary>
    [Test]
    public void Solve_StopsWhenMFallsBelowTheGivenValue()
    {
        double m = 1, q = 1;
        int steps = 0;
        while (m >= 0.5 && steps < 500)
        {
            (m, q) = Step(0.2, 0.5, m, q);
            steps++;
            Assert.That(Math.Abs(m - 0.5), Is.GreaterThan(1e-6), "iterates clear of the threshold");
        }
        Assert.That(steps, Is.GreaterThan(1).And.LessThan(500));
        var s = AgsTheory.Solve(0.2, 0.5, 1, 1, stopBelowM: 0.5);
        Assert.That((s.Iterations, s.Converged), Is.EqualTo((steps, false)));
        NumericAssert.AreEqualAbsolute(m, s.M, 1e-9, "m at the stop");
        Assert.That(AgsTheory.Retrieval(0.2, 0.5), Is.Null, "no retrieval solution there");
    }

    /// <summary>
    /// The symmetric solution: the largest root of q = G(q) = int Dz tanh^2(beta sqrt(alpha r(q)) z), r = q/(1 - beta(1 - q))^2,
    /// bisected here on [q_min + 1e-9, 1] (G - q &gt; 0 just above q_min = max(0, 1 - T), &lt; 0 at 1; 60 halvings).
    /// </summary>
    static double SymmetricQ(double alpha, double t, double hi = 1)
    {
        double beta = 1 / t;
        double Excess(double q) => SlowGaussian(z => Math.Pow(Math.Tanh(beta * Math.Sqrt(alpha * R(q, t)) * z), 2)) - q;
        double lo = Math.Max(0, 1 - t) + 1e-9;
        Assert.That(Excess(lo), Is.GreaterThan(0));
        Assert.That(Excess(hi), Is.LessThan(0));
        for (int k = 0; k < 60; k++)
        {
            double mid = 0.5 * (lo + hi);
            if (Excess(mid) > 0) lo = mid; else hi = mid;
        }
        return 0.5 * (lo + hi);
    }

    /// <summary>
    /// The spin glass at alpha = 0.1, T = 0.5 (below T_g = 1.316): q is the root bisected here (1e-10: the flat excess
    /// amplifies the quadratures' 1e-13 by less than 1e3), r = r(q), f(0, q, r) the formula.
    /// </summary>
    [Test]
    public void SpinGlass_IsTheSymmetricRoot()
    {
        double q = SymmetricQ(0.1, 0.5);
        var sg = AgsTheory.SpinGlass(0.1, 0.5);
        NumericAssert.AreEqualAbsolute(q, sg.Q, 1e-10, "q_SG");
        Assert.That(sg.M, Is.EqualTo(0.0));
        NumericAssert.AreEqualRelative(R(sg.Q, 0.5), sg.R, 1e-12, "r(q)");
        NumericAssert.AreEqualAbsolute(ReferenceFreeEnergy(0.1, 0.5, 0, sg.Q, sg.R), sg.FreeEnergy, 1e-11, "f_SG");
    }

    /// <summary>
    /// Convergence needs both m and q settled: at alpha = 0 (no noise, the Curie-Weiss m = tanh(beta m), q = m^2) a start at
    /// the root m* (bisected here, T = 0.5) with q0 = 0.3 changes m by ~1e-16 but q by ~0.6 in the first step, so the
    /// iteration takes a second step (where both changes are at rounding level) and ends with q = m*^2.
    /// </summary>
    [Test]
    public void Solve_ConvergesOnlyWhenBothMAndQHaveSettled()
    {
        double lo = 0.5, hi = 1;
        for (int k = 0; k < 200; k++)
        {
            double mid = 0.5 * (lo + hi);
            if (Math.Tanh(2 * mid) > mid) lo = mid; else hi = mid;
        }
        var s = AgsTheory.Solve(0, 0.5, lo, 0.3);
        Assert.That((s.Iterations, s.Converged), Is.EqualTo((2, true)));
        NumericAssert.AreEqualAbsolute(lo, s.M, 1e-15, "m*");
        NumericAssert.AreEqualAbsolute(lo * lo, s.Q, 1e-15, "q = m*^2");
    }

    /// <summary>
    /// Just below T_g = 1 + sqrt(alpha) (alpha = 0.1, T = T_g - 1e-3) q is small (below 1/400, so the root lies in the last
    /// interval of the scan from q = 1, which ends just above q = 0 where G(q) - q = 0 too); compared with the root bisected
    /// here on [1e-9, 0.01] to 1e-6 relative (near T_g the excess is flat: slope ~ (T_g - T)).
    /// </summary>
    [Test]
    public void SpinGlass_JustBelowTg_HasASmallPositiveQ()
    {
        double t = AgsTheory.GlassTemperature(0.1) - 1e-3;
        double q = SymmetricQ(0.1, t, 0.01);
        Assert.That(q, Is.GreaterThan(1e-6).And.LessThan(1.0 / 400));
        NumericAssert.AreEqualRelative(q, AgsTheory.SpinGlass(0.1, t).Q, 1e-6, "q just below T_g");
    }

    /// <summary>
    /// A start at the edge of the physical region, q0 = 0.5 at T = 0.5 (d = 1 - beta (1 - q0) = 0 exactly): r is floored at
    /// q0 / 1e-24 (finite), so the noise sqrt(alpha r) ~ 1.6e11 swamps m: one step gives m = erf(m / (s sqrt 2)) + O(1/(beta s))
    /// ~ 1e-11 and q = 1 - O(1/(beta s)) ~ 1 - 1e-11, instead of failing on an infinite r.
    /// </summary>
    [Test]
    public void Solve_FromTheEdgeOfThePhysicalRegion_FloorsR()
    {
        var s = AgsTheory.Solve(0.05, 0.5, 1, 0.5, maxIterations: 1);
        Assert.That(s.Iterations, Is.EqualTo(1));
        Assert.That(Math.Abs(s.M), Is.LessThan(1e-10));
        NumericAssert.AreEqualAbsolute(1, s.Q, 1e-10, "q back near 1");
    }
}
