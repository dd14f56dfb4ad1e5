using MathNet.Numerics;
using NeuralSpin.Classic;
using NeuralSpin.Numerics;
using NeuralSpin.Tests.Support;
using NUnit.Framework;

namespace NeuralSpin.Tests.Classic;

/// <summary>
/// <see cref="AgsTheory"/>: the textbook numbers of Amit, Gutfreund and Sompolinsky (alpha_c = 0.138, m = 0.967 at
/// alpha_c, retrieval global minimum below alpha = 0.051 at T = 0, T_g = 1 + sqrt(alpha)), the AGS equations and the
/// stationarity of the RS free energy checked with an independent slow quadrature (trapezoid rule on a fine grid).
/// </summary>
[TestFixture]
public class AgsTheoryTests
{
    /// <summary>int Dz f(z) by the trapezoid rule on [-12, 12] with step 1e-3. The tails beyond 12 weigh &lt; 1e-32, and
    /// the integrands used (tanh, tanh^2, ln 2cosh of beta(m + s z)) are analytic in the strip |Im z| &lt; pi / (2 beta s),
    /// where the trapezoid rule on the line converges like exp(-pi^2 / (beta s h)): below 1e-40 for beta s &lt;= 60.</summary>
    internal static double SlowGaussian(Func<double, double> f)
    {
        const int Points = 24_001;
        const double L = 12;
        double h = 2 * L / (Points - 1), sum = 0;
        for (int k = 0; k < Points; k++)
        {
            double z = -L + k * h;
            double w = (k == 0 || k == Points - 1) ? 0.5 : 1;
            sum += w * Math.Exp(-0.5 * z * z) * f(z);
        }
        return sum * h / Math.Sqrt(2 * Math.PI);
    }

    static double LogTwoCosh(double x) => Math.Abs(x) + Math.Log(1 + Math.Exp(-2 * Math.Abs(x)));

    [Test]
    public void CriticalLoad_ZeroTemperature_Is0138_WithJumpOfMTo0967()
    {
        // AGS 1985: alpha_c = 0.138 and m(alpha_c) = 0.967 (three digits, so 5e-4); our closed form gives 0.13791 and 0.96742.
        NumericAssert.AreEqualAbsolute(0.138, AgsTheory.CriticalLoad, 5e-4, "alpha_c(T = 0)");
        NumericAssert.AreEqualAbsolute(0.967, AgsTheory.CriticalOverlap, 5e-4, "m at alpha_c");
        // the maximum really is one: alpha(y) is smaller on both sides, and no retrieval solution exists just above it
        double yStar = Enumerable.Range(1, 3000).Select(k => k * 1e-3).MaxBy(AgsTheory.ZeroTemperatureLoad);
        NumericAssert.AreEqualAbsolute(AgsTheory.CriticalLoad, AgsTheory.ZeroTemperatureLoad(yStar), 1e-6, "max over a 1e-3 grid of y (quadratic max: error ~1e-6)");
        Assert.That(AgsTheory.RetrievalZeroTemperature(AgsTheory.CriticalLoad * 1.001), Is.Null);
        Assert.That(AgsTheory.RetrievalZeroTemperature(AgsTheory.CriticalLoad * 0.999), Is.Not.Null);
    }

    [TestCase(0.01)]
    [TestCase(0.05)]
    [TestCase(0.1)]
    [TestCase(0.137)]
    public void ZeroTemperatureRetrieval_SatisfiesAgsEquations(double alpha)
    {
        // m = erf(m / sqrt(2 alpha r)), C = sqrt(2/(pi alpha r)) exp(-m^2/(2 alpha r)), r = 1/(1 - C)^2 with C recovered
        // from r; the bisection in y converges to rounding, so the residuals are ~1e-15 (1e-12 allowed).
        var s = AgsTheory.RetrievalZeroTemperature(alpha)!;
        double c = 1 - 1 / Math.Sqrt(s.R);
        NumericAssert.AreEqualAbsolute(SpecialFunctions.Erf(s.M / Math.Sqrt(2 * alpha * s.R)), s.M, 1e-12, "m = erf(...)");
        NumericAssert.AreEqualAbsolute(Math.Sqrt(2 / (Math.PI * alpha * s.R)) * Math.Exp(-s.M * s.M / (2 * alpha * s.R)), c, 1e-12, "C");
        // the T = 0 limit of the free energy, e = alpha/2 - m^2/2 - alpha r / 2
        NumericAssert.AreEqualAbsolute(alpha / 2 - s.M * s.M / 2 - alpha * s.R / 2, s.FreeEnergy, 1e-15, "energy");
    }

    [Test]
    public void RetrievalBecomesGlobalMinimum_BelowAlpha0051_AtZeroTemperature()
    {
        // AGS 1987: retrieval states are the ground states for alpha < 0.051 (quoted to 2 significant digits; our crossing
        // is 0.05185, so 1e-3). At the crossing the two energies agree, with e_SG in the closed form -1/pi - sqrt(2 alpha/pi).
        double a = AgsTheory.GlobalStabilityLoadZeroTemperature();
        NumericAssert.AreEqualAbsolute(0.051, a, 1e-3, "alpha where e_R = e_SG");
        double eSg = -1 / Math.PI - Math.Sqrt(2 * a / Math.PI);
        NumericAssert.AreEqualAbsolute(eSg, AgsTheory.SpinGlassZeroTemperature(a).FreeEnergy, 1e-14, "e_SG closed form");
        NumericAssert.AreEqualAbsolute(eSg, AgsTheory.RetrievalZeroTemperature(a)!.FreeEnergy, 1e-12, "e_R = e_SG at the crossing");
        Assert.That(AgsTheory.RetrievalZeroTemperature(0.04)!.FreeEnergy, Is.LessThan(AgsTheory.SpinGlassZeroTemperature(0.04).FreeEnergy));
        Assert.That(AgsTheory.RetrievalZeroTemperature(0.1)!.FreeEnergy, Is.GreaterThan(AgsTheory.SpinGlassZeroTemperature(0.1).FreeEnergy));
    }

    [TestCase(0.9, 0.0, 3.0)]    // alpha = 0 limit: no noise
    [TestCase(0.9, 0.3, 1.5)]    // Gauss-Hermite branch (beta s < 1)
    [TestCase(0.2, 1.0, 0.95)]   // just below the switch
    [TestCase(0.2, 1.0, 1.05)]   // just above the switch: Gauss-Laguerre remainder
    [TestCase(0.2, 1.0, 2.0)]
    [TestCase(0.97, 0.4, 50.0)]  // low temperature, retrieval-like
    [TestCase(0.0, 1.2, 40.0)]   // spin-glass-like, low T
    [TestCase(-0.3, 0.5, 8.0)]
    public void GaussianAverages_MatchSlowQuadrature(double m, double s, double beta)
    {
        // both quadrature branches against the trapezoid reference: both are good to ~1e-13 (measured over beta s in
        // [0.3, 20]); 1e-11 leaves room for the reference's rounding over 24001 terms
        var (t1, t2, lc) = AgsTheory.GaussianAverages(m, s, beta);
        NumericAssert.AreEqualAbsolute(SlowGaussian(z => Math.Tanh(beta * (m + s * z))), t1, 1e-11, "<tanh>");
        NumericAssert.AreEqualAbsolute(SlowGaussian(z => Math.Pow(Math.Tanh(beta * (m + s * z)), 2)), t2, 1e-11, "<tanh^2>");
        NumericAssert.AreEqualAbsolute(SlowGaussian(z => LogTwoCosh(beta * (m + s * z))) / beta, lc, 1e-11, "<ln 2cosh>/beta");
    }

    [Test]
    public void GaussRules_IntegrateMomentsExactly()
    {
        // a 20-point Gauss rule is exact for degree <= 39: E z^{2k} = (2k-1)!! under N(0,1), int t^k e^{-t} = k!;
        // relative 1e-12 allows rounding in sums of terms up to ~1e20
        var h = GaussQuadrature.Hermite(20);
        var l = GaussQuadrature.Laguerre(20);
        for (int k = 0; k <= 19; k++)
        {
            double dbl = 1;
            for (int j = 2 * k - 1; j > 1; j -= 2) dbl *= j;
            NumericAssert.AreEqual(dbl, h.Integrate(z => Math.Pow(z, 2 * k)), 1e-12, 1e-12, $"E z^{2 * k}");
            NumericAssert.AreEqual(0, h.Integrate(z => Math.Pow(z, 2 * k + 1)), 1e-9 * Math.Max(1, dbl), 0, $"E z^{2 * k + 1}");
            NumericAssert.AreEqual(SpecialFunctions.Factorial(k), l.Integrate(t => Math.Pow(t, k)), 1e-12, 1e-12, $"int t^{k} e^-t");
        }
    }

    [TestCase(0.0, 0.5)]
    [TestCase(0.05, 0.3)]
    [TestCase(0.1, 0.1)]
    [TestCase(0.03, 0.6)]
    public void FiniteTemperatureRetrieval_SolvesAgsEquations_AndIsStationaryPointOfFreeEnergy(double alpha, double t)
    {
        var s = AgsTheory.Retrieval(alpha, t)!;
        Assert.That(s.Converged, Is.True);
        double beta = 1 / t, sd = Math.Sqrt(alpha * s.R);
        // the iteration stopped at a step < 1e-12 and contracts at a rate well below 0.9 at these points (error < 1e-11);
        // the quadratures are good to ~1e-13: 1e-10
        NumericAssert.AreEqualAbsolute(SlowGaussian(z => Math.Tanh(beta * (s.M + sd * z))), s.M, 1e-10, "m equation");
        NumericAssert.AreEqualAbsolute(SlowGaussian(z => Math.Pow(Math.Tanh(beta * (s.M + sd * z)), 2)), s.Q, 1e-10, "q equation");
        NumericAssert.AreEqualAbsolute(s.Q / Math.Pow(1 - beta * (1 - s.Q), 2), s.R, 1e-12, "r equation");
        if (alpha == 0) NumericAssert.AreEqualAbsolute(Math.Tanh(beta * s.M), s.M, 1e-11, "Curie-Weiss m = tanh(beta m)");
        // df/dm = df/dq = df/dr = 0: central differences with step 1e-5 (truncation ~1e-10 x f''' ~ 1e-9, rounding 1e-16/1e-5)
        const double H = 1e-5;
        double F(double m, double q, double r) => AgsTheory.FreeEnergy(alpha, t, m, q, r);
        NumericAssert.AreEqualAbsolute(0, (F(s.M + H, s.Q, s.R) - F(s.M - H, s.Q, s.R)) / (2 * H), 1e-7, "df/dm");
        if (alpha > 0)
        {
            NumericAssert.AreEqualAbsolute(0, (F(s.M, s.Q + H, s.R) - F(s.M, s.Q - H, s.R)) / (2 * H), 1e-7, "df/dq");
            NumericAssert.AreEqualAbsolute(0, (F(s.M, s.Q, s.R + H) - F(s.M, s.Q, s.R - H)) / (2 * H), 1e-7, "df/dr");
        }
    }

    [Test]
    public void FreeEnergy_AtZeroOrderParameters_IsAnnealedParamagnet()
    {
        // f(0, 0, 0) = alpha/2 + (alpha/(2 beta)) ln(1 - beta) - ln 2 / beta (exact paramagnet of the zero-diagonal model);
        // only rounding separates the two expressions
        foreach (var (alpha, t) in new[] { (0.1, 1.5), (0.3, 2.0), (0.05, 1.1) })
        {
            double beta = 1 / t;
            NumericAssert.AreEqualAbsolute(alpha / 2 + alpha / (2 * beta) * Math.Log(1 - beta) - Math.Log(2) / beta, AgsTheory.FreeEnergy(alpha, t, 0, 0, 0), 1e-14, $"alpha {alpha}, T {t}");
        }
    }

    [Test]
    public void LowTemperatureLimit_ApproachesZeroTemperatureClosedForms()
    {
        // at T = 0.005 the finite-T solution differs from the T = 0 one by O(T^2) in m and O(T) in f (the RS entropy is
        // O(1e-2) here), so 1e-4 on m and 5e-4 on f; the same for the spin glass. The boundaries are continuous at T -> 0.
        foreach (var alpha in new[] { 0.05, 0.12 })
        {
            var hot = AgsTheory.Retrieval(alpha, 0.005)!;
            var cold = AgsTheory.RetrievalZeroTemperature(alpha)!;
            NumericAssert.AreEqualAbsolute(cold.M, hot.M, 1e-4, $"m, alpha {alpha}");
            NumericAssert.AreEqualAbsolute(cold.FreeEnergy, hot.FreeEnergy, 5e-4, $"f, alpha {alpha}");
            NumericAssert.AreEqualAbsolute(AgsTheory.SpinGlassZeroTemperature(alpha).FreeEnergy, AgsTheory.SpinGlass(alpha, 0.005).FreeEnergy, 5e-4, $"f_SG, alpha {alpha}");
        }
    }

    [Test]
    public void SpinGlassSolution_AppearsBelowGlassTemperature_1PlusSqrtAlpha()
    {
        // q is continuous at T_g (q ~ (T_g - T) just below): q > 1e-3 at T_g - 0.05, q = 0 at T_g + 0.01
        foreach (var alpha in new[] { 0.05, 0.1, 0.2 })
        {
            double tg = AgsTheory.GlassTemperature(alpha);
            Assert.That(tg, Is.EqualTo(1 + Math.Sqrt(alpha)));
            Assert.That(AgsTheory.SpinGlass(alpha, tg - 0.05).Q, Is.GreaterThan(1e-3), $"below T_g, alpha {alpha}");
            Assert.That(AgsTheory.SpinGlass(alpha, tg + 0.01).Q, Is.EqualTo(0.0), $"above T_g, alpha {alpha}");
            Assert.That(AgsTheory.SpinGlass(alpha, tg - 0.05).M, Is.EqualTo(0.0));
        }
    }

    [Test]
    public void Boundaries_AtOneTemperature_AreOrdered_AndContinuousWithZeroTemperature()
    {
        // at T = 0.3: 0 < alpha_c(T) (T_c line) < alpha_M(T) (T_M line) < alpha_c(T = 0); retrieval exists just below
        // alpha_M and not just above; at the T_c load the two free energies agree (bisection to 1e-10 relative in f).
        double am = AgsTheory.RetrievalLimitLoad(0.3);
        double ac = AgsTheory.GlobalStabilityLoad(0.3);
        Assert.That(ac, Is.GreaterThan(0).And.LessThan(am));
        Assert.That(am, Is.LessThan(AgsTheory.CriticalLoad));
        NumericAssert.AreEqualAbsolute(AgsTheory.SpinGlass(ac, 0.3).FreeEnergy, AgsTheory.Retrieval(ac, 0.3)!.FreeEnergy, 1e-10, "f_R = f_SG on the T_c line");
        Assert.That(AgsTheory.Retrieval(am * 0.99, 0.3), Is.Not.Null);
        Assert.That(AgsTheory.Retrieval(am * 1.01, 0.3), Is.Null);
        // T -> 0: alpha_M(0.02) within 2e-3 of alpha_c(0) = 0.138 (the RS line bends to slightly larger alpha at low T)
        NumericAssert.AreEqualAbsolute(AgsTheory.CriticalLoad, AgsTheory.RetrievalLimitLoad(0.02), 2e-3, "alpha_M(0.02)");
    }
}

/// <summary><see cref="AgsTheory.PhaseDiagram"/>: its three boundaries against the closed form and the point solvers.</summary>
public class AgsPhaseDiagramTests
{
    [Test]
    public void PhaseDiagram_BoundariesAreTheClosedFormAndThePointSolvers()
    {
        // T_g = 1 + sqrt(alpha) exactly (AGS 1987) on 5 points + 1 quadratically spaced loads in [0, alpha_max]; T_M and T_c
        // on the temperatures k / points, each equal to RetrievalLimitLoad / GlobalStabilityLoad at that T (the diagram
        // only tabulates them; same code path, so equal to 1e-12), starting at the T = 0 values alpha_c = 0.138 and 0.051
        // (AGS, three and two digits) and closing at (0, 1).
        const int points = 2;
        var d = AgsTheory.PhaseDiagram(0.2, points);
        Assert.That(d.Glass, Has.Count.EqualTo(5 * points + 1));
        NumericAssert.AreEqualAbsolute(0.2, d.Glass[^1].Alpha, 1e-15, "alpha_max");
        foreach (var p in d.Glass) NumericAssert.AreEqualAbsolute(1 + Math.Sqrt(p.Alpha), p.Temperature, 1e-15, $"T_g({p.Alpha})");
        for (int k = 0; k <= 5 * points; k++)
            NumericAssert.AreEqualAbsolute(0.2 * k * k / (25.0 * points * points), d.Glass[k].Alpha, 1e-16, $"load {k}: alpha_max (k / 5 points)^2");
        Assert.That(d.Glass.Select(p => p.Alpha), Is.Ordered.Ascending);
        Assert.That(d.RetrievalLimit, Has.Count.EqualTo(points + 1));
        for (int k = 0; k < points; k++)
        {
            double t = (double)k / points;
            NumericAssert.AreEqualAbsolute(t, d.RetrievalLimit[k].Temperature, 0, "temperature grid");
            NumericAssert.AreEqualAbsolute(AgsTheory.RetrievalLimitLoad(t), d.RetrievalLimit[k].Alpha, 1e-12, $"alpha_M({t})");
        }
        NumericAssert.AreEqualAbsolute(0.138, d.RetrievalLimit[0].Alpha, 5e-4, "alpha_c at T = 0");
        NumericAssert.AreEqualAbsolute(0.051, d.RetrievalGlobal[0].Alpha, 1e-3, "alpha where retrieval is global at T = 0");
        foreach (var p in d.RetrievalGlobal.Take(d.RetrievalGlobal.Count - 1))
            NumericAssert.AreEqualAbsolute(AgsTheory.GlobalStabilityLoad(p.Temperature), p.Alpha, 1e-9, $"alpha_c({p.Temperature})");
        Assert.That(d.RetrievalLimit[^1], Is.EqualTo(new AgsBoundaryPoint(0, 1)));
        Assert.That(d.RetrievalGlobal[^1], Is.EqualTo(new AgsBoundaryPoint(0, 1)));
        // the retrieval limit shrinks with temperature; the global-stability line lies inside it
        Assert.That(d.RetrievalLimit.Select(p => p.Alpha), Is.Ordered.Descending);
        foreach (var p in d.RetrievalGlobal.Take(d.RetrievalGlobal.Count - 1))
            Assert.That(p.Alpha, Is.LessThan(d.RetrievalLimit.First(q => q.Temperature == p.Temperature).Alpha));
        Assert.Throws<ArgumentOutOfRangeException>(() => AgsTheory.PhaseDiagram(0, points));
        Assert.Throws<ArgumentOutOfRangeException>(() => AgsTheory.PhaseDiagram(0.2, 1));
    }
}
