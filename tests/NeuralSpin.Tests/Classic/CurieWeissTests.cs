using NeuralSpin.Classic;
using NeuralSpin.Ising;
using NeuralSpin.Tests.Support;
using NUnit.Framework;

namespace NeuralSpin.Tests.Classic;

/// <summary>
/// <see cref="CurieWeiss"/> (mean field: m = tanh(beta (J m + h)), f(m), T_c = J, exponents; docs/theory.md section 8)
/// and <see cref="CurieWeissFiniteSize"/> (the binomial sum over M) against ExactEnumeration, closed forms and the
/// Laplace-method convergence rates.
/// </summary>
[TestFixture]
public class CurieWeissTests
{
    static readonly double[] Temperatures = [0.0, 1e-3, 0.05, 0.3, 0.7, 0.95, 0.999, 1.0, 1.001, 1.3, 2.5];
    static readonly double[] Fields = [-0.8, -0.1, -1e-3, 0.0, 1e-3, 0.1, 0.35, 1.5];
    static readonly double[] Couplings = [1.0, 0.4, 2.5];

    /// <summary>The spinodal field h_sp(T) = J m* - T atanh(m*), m* = sqrt(1 - T/J): three roots iff |h| &lt; h_sp.</summary>
    static double SpinodalField(double t, double j)
    {
        double ms = Math.Sqrt(1 - t / j);
        return j * ms - t * Math.Atanh(ms);
    }

    [Test]
    public void Solve_EveryBranch_SatisfiesMeanFieldEquation()
    {
        // Residual |m - tanh((J m + h)/T)|: bisection stops at adjacent doubles, so the residual is at most
        // |F'| ulp(m) + rounding of tanh, |F'| <= 1 + J/T. With T >= 1e-3 and |m| <= 1 that is <= ~2.5e3 * 2.2e-16 ~ 6e-13;
        // 1e-12 leaves a factor 2.
        foreach (var j in Couplings)
            foreach (var tr in Temperatures)
                foreach (var h in Fields)
                {
                    double t = tr * j;
                    var sol = CurieWeiss.Solve(t, h * j, j);
                    foreach (var b in sol.Branches)
                    {
                        Assert.That(Math.Abs(b.M), Is.LessThanOrEqualTo(1.0));
                        if (t > 0)
                            NumericAssert.AreEqualAbsolute(Math.Tanh((j * b.M + h * j) / t), b.M, 1e-12, $"root at T={t}, h={h * j}, J={j}");
                        else
                            Assert.That(Math.Abs(b.M) == 1 || Math.Abs(j * b.M + h * j) < 1e-15, $"T = 0 root {b.M} must be +-1 or -h/J");
                    }
                }
    }

    [Test]
    public void Solve_BranchCount_ThreeInsideSpinodal_OneOutside()
    {
        // Exact statement of the cubic-like shape of g(m) = T atanh m - J m - h: three roots iff T < T_c and |h| < h_sp(T),
        // one otherwise. Fields 10% inside / outside the spinodal keep clear of the tangency.
        foreach (var j in Couplings)
        {
            foreach (var tr in new[] { 0.05, 0.3, 0.7, 0.95 })
            {
                double t = tr * j, hs = SpinodalField(t, j);
                Assert.That(CurieWeiss.Solve(t, 0.9 * hs, j).Branches, Has.Count.EqualTo(3), $"T={t}, h=0.9 h_sp");
                Assert.That(CurieWeiss.Solve(t, -0.9 * hs, j).Branches, Has.Count.EqualTo(3), $"T={t}, h=-0.9 h_sp");
                Assert.That(CurieWeiss.Solve(t, 1.1 * hs, j).Branches, Has.Count.EqualTo(1), $"T={t}, h=1.1 h_sp");
                Assert.That(CurieWeiss.Solve(t, -1.1 * hs, j).Branches, Has.Count.EqualTo(1), $"T={t}, h=-1.1 h_sp");
            }
            foreach (var tr in new[] { 1.0, 1.2, 3.0 })
                foreach (var h in Fields)
                    Assert.That(CurieWeiss.Solve(tr * j, h, j).Branches, Has.Count.EqualTo(1), $"T={tr * j} >= T_c has one root");
            // T = 0: m = sign(J m + h), three roots for |h| < J
            Assert.That(CurieWeiss.Solve(0, 0.5 * j, j).Branches.Select(b => b.M), Is.EqualTo(new[] { -1.0, -0.5, 1.0 }));
            Assert.That(CurieWeiss.Solve(0, 1.5 * j, j).Branches.Select(b => b.M), Is.EqualTo(new[] { 1.0 }));
        }
    }

    [Test]
    public void Solve_Stability_MatchesGlobalMinimumOfFreeEnergyOnGrid()
    {
        // The stable branch is the global minimum of f(m) = -J m^2/2 - h m - T s(m): compared with a brute-force
        // minimum over 200001 grid points in [-1, 1] (spacing 1e-5). Near the minimum f rises by f''(m) dm^2/2 with
        // f'' <= J + T/(1 - m^2); 1e-8 bounds that for the cases here, and the location agrees to the spacing
        // unless two minima are degenerate (h = 0), where either one is at the grid minimum.
        const int grid = 200_000;
        foreach (var j in Couplings)
            foreach (var tr in new[] { 0.0, 0.3, 0.7, 0.95, 1.3 })
                foreach (var h in new[] { -0.1, -1e-2, 0.0, 0.05, 0.4 })
                {
                    double t = tr * j, hh = h * j;
                    var sol = CurieWeiss.Solve(t, hh, j);
                    double best = double.PositiveInfinity, argBest = 0;
                    for (int k = 0; k <= grid; k++)
                    {
                        double m = -1 + 2.0 * k / grid, f = CurieWeiss.FreeEnergy(m, t, hh, j);
                        if (f < best) { best = f; argBest = m; }
                    }
                    var st = sol.Stable;
                    NumericAssert.AtMost(best, st.FreeEnergy, 1e-12, $"stable f at T={t}, h={hh}");
                    NumericAssert.AtLeast(best, st.FreeEnergy, 1e-8, $"stable f at T={t}, h={hh}");
                    if (hh != 0) NumericAssert.AreEqualAbsolute(argBest, st.M, 2e-5, "stable m = argmin f");
                    foreach (var b in sol.Branches)
                    {
                        if (b.Stability == BranchStability.Unstable) Assert.That(b.Curvature, Is.LessThan(0), "unstable = local maximum");
                        else Assert.That(b.Curvature, Is.GreaterThanOrEqualTo(0), "stable/metastable = local minimum");
                        if (b.Stability == BranchStability.Metastable) Assert.That(b.FreeEnergy, Is.GreaterThan(st.FreeEnergy));
                    }
                }
    }

    [Test]
    public void Solve_ZeroField_BelowTc_DegenerateMinima_ReportsPositive()
    {
        // h = 0, T < T_c: the roots are -m0, 0, m0 exactly symmetric (bisection on an odd function); the convention reports +m0.
        var sol = CurieWeiss.Solve(0.5, 0);
        Assert.That(sol.Degenerate, Is.True);
        Assert.That(sol.StableBranches.Select(b => b.M), Is.EqualTo(new[] { -sol.Stable.M, sol.Stable.M }));
        Assert.That(sol.Stable.M, Is.GreaterThan(0));
        Assert.That(sol.Branches[1].M, Is.EqualTo(0.0));
        Assert.That(sol.Branches[1].Stability, Is.EqualTo(BranchStability.Unstable));
        // the h -> 0+ limit: a field of 1e-9 selects the same root to O(chi h) = O(1e-9)
        NumericAssert.AreEqualAbsolute(CurieWeiss.Solve(0.5, 1e-9).Stable.M, sol.Stable.M, 1e-8, "h -> 0+ limit");
        Assert.That(CurieWeiss.Solve(0.5, 1e-9).Degenerate, Is.False);
    }

    [Test]
    public void Solve_LowTemperature_ApproachesZeroTemperatureRoots()
    {
        // At T -> 0 the outer roots approach +-1 like 1 - 2 e^{-2(J +- h)/T} and the middle root -h/J + O(T):
        // at T = 1e-3, J = 1, h = 0.3 the middle root is within T atanh(0.3)/J ~ 3e-4 + higher orders of -0.3.
        var sol = CurieWeiss.Solve(1e-3, 0.3);
        Assert.That(sol.Branches, Has.Count.EqualTo(3));
        Assert.That(sol.Branches[2].M, Is.EqualTo(1.0), "1 - 2e^{-2600} rounds to 1");
        Assert.That(sol.Branches[0].M, Is.EqualTo(-1.0), "1 - 2e^{-1400} rounds to 1");
        NumericAssert.AreEqualAbsolute(-0.3, sol.Branches[1].M, 1e-3, "middle root -> -h/J");
        Assert.That(sol.Stable.M, Is.EqualTo(1.0));
        Assert.That(sol.Branches[0].Stability, Is.EqualTo(BranchStability.Metastable));
        // f(+-1) at T -> 0 is the energy -J/2 -+ h
        NumericAssert.AreEqualAbsolute(-0.5 - 0.3, sol.Stable.FreeEnergy, 1e-12, "f(1) = -J/2 - h");
    }

    [Test]
    public void Solve_NearTc_MatchesLandauExpansion()
    {
        // Landau expansion of m = tanh(m/T) at h = 0: m0^2 = 3 t (1 + O(t)), t = (T_c - T)/T_c; at t = 1e-6 the O(t)
        // correction and the bisection accuracy (relative 1e-16 / (2t) on the flat F) are far below 1e-5 relative.
        foreach (var j in Couplings)
        {
            double t = 1e-6, m0 = CurieWeiss.Solve(j * (1 - t), 0, j).Stable.M;
            NumericAssert.AreEqualRelative(Math.Sqrt(3 * t), m0, 1e-5, $"m0 ~ sqrt(3 t), J={j}");
        }
        Assert.That(CurieWeiss.Solve(1.0, 0).Branches.Single().M, Is.EqualTo(0.0), "T = T_c: the single root is 0");
        Assert.That(CurieWeiss.CriticalTemperature(2.5), Is.EqualTo(2.5), "T_c = J");
    }

    [Test]
    public void FitBetaExponent_IsOneHalf()
    {
        // ln m0 vs ln(T_c - T) on (T_c - T)/T_c in [1e-6, 1e-3]: the local slope is 1/2 + O(t) (m0^2 = 3t(1 + c t)), so the
        // fitted slope deviates from 1/2 by at most ~|c| t_max/2 ~ 1e-3 for |c| <= 2 (observed 4e-5); the amplitude of
        // m0 = A (T_c - T)^{1/2} is sqrt(3/T_c), sqrt(3) for J = 1, to O(t_max) relative.
        var fit = CurieWeiss.FitBetaExponent();
        NumericAssert.AreEqualAbsolute(0.5, fit.Exponent, 1e-3, "beta exponent");
        NumericAssert.AreEqualRelative(Math.Sqrt(3), fit.Amplitude, 1e-2, "amplitude m0 = sqrt(3 (T_c - T)/T_c)");
        var fit2 = CurieWeiss.FitBetaExponent(2.5);
        NumericAssert.AreEqualAbsolute(0.5, fit2.Exponent, 1e-3, "beta exponent at J = 2.5");
    }

    [Test]
    public void FitGammaExponent_IsOne()
    {
        // chi = 1/(T - T_c) exactly at h = 0; the central difference with dh = 1e-4 (T - T_c) is exact to O(dh^2 chi^3)
        // relative ~ 1e-8 plus bisection noise 1e-16/(dh) ~ 1e-10 relative: the slope is -1 to ~1e-5, amplitude 1.
        var fit = CurieWeiss.FitGammaExponent();
        NumericAssert.AreEqualAbsolute(1.0, fit.Exponent, 1e-4, "gamma exponent");
        NumericAssert.AreEqualRelative(1.0, fit.Amplitude, 1e-3, "chi = 1/(T - T_c)");
    }

    [Test]
    public void FiniteSize_EqualsExactEnumerationOfIsingModel()
    {
        // The binomial sum against 2^N enumeration of the IsingModel J_ij = J/N (zero diagonal), h_i = h, beta = 1/T.
        // Tolerance 1e-12: both sides sum at most 2^12 positive terms in double; ln Z relative, moments (bounded by 1) absolute.
        foreach (var (n, t, h, j) in new[] { (1, 0.7, 0.2, 1.0), (2, 1.0, 0.0, 1.0), (5, 0.5, -0.1, 1.0), (8, 1.3, 0.05, 2.0), (12, 0.8, 0.0, 1.0), (12, 0.4, 0.02, 0.5) })
        {
            var model = CurieWeiss.ForFiniteSize(n, t, h, j);
            var exact = ExactEnumeration.Compute(model);
            var r = CurieWeissFiniteSize.Compute(n, t, h, j);
            string at = $"N={n}, T={t}, h={h}, J={j}";
            NumericAssert.AreEqualRelative(exact.LogZ, r.LogZ, 1e-12, "ln Z " + at);
            NumericAssert.AreEqualRelative(exact.FreeEnergy / n, r.FreeEnergy, 1e-12, "f_N " + at);
            NumericAssert.AreEqualAbsolute(exact.Magnetizations.Average(), r.MeanM, 1e-12, "<m> " + at);
            NumericAssert.AreEqualAbsolute(exact.Correlations.Sum() / ((double)n * n), r.MeanM2, 1e-12, "<m^2> " + at);
            NumericAssert.AreEqualAbsolute(exact.MeanEnergy / n, r.Energy, 1e-12, "<E>/N " + at);
            var p = ExactEnumeration.Probabilities(model);
            double absM = 0;
            var pk = new double[n + 1];
            for (long s = 0; s < p.Length; s++)
            {
                int up = System.Numerics.BitOperations.PopCount((ulong)s);
                absM += p[s] * Math.Abs(2 * up - n) / n;
                pk[up] += p[s];
            }
            NumericAssert.AreEqualAbsolute(absM, r.MeanAbsM, 1e-12, "<|m|> " + at);
            NumericAssert.AllEqual(pk, r.Probabilities, 1e-12, 0, "P(M) " + at);
        }
    }

    [Test]
    public void FiniteSize_ZeroTemperature_IsGroundStateLimit()
    {
        // T = 0: f_N = E_min/N; with h > 0 the ground state is all up: E = -J(N - 1)/2 - h N. At h = 0 the two ground
        // states +-N are equally likely, <|m|> = 1, <m> = 0. Small T must approach these (T = 1e-3: Boltzmann factors of
        // excitations e^{-O(1)/T} vanish).
        var up = CurieWeissFiniteSize.Compute(50, 0, 0.1);
        NumericAssert.AreEqualAbsolute((-0.5 * 49 - 0.1 * 50) / 50, up.FreeEnergy, 1e-14, "f_N(T=0)");
        Assert.That(up.MeanM, Is.EqualTo(1.0));
        var sym = CurieWeissFiniteSize.Compute(50, 0, 0);
        Assert.That(sym.MeanAbsM, Is.EqualTo(1.0));
        NumericAssert.AreEqualAbsolute(0, sym.MeanM, 1e-15, "<m> at h = 0");
        var cold = CurieWeissFiniteSize.Compute(50, 1e-3, 0.1);
        NumericAssert.AreEqualAbsolute(up.FreeEnergy, cold.FreeEnergy, 1e-12, "T -> 0+");
    }

    [Test]
    public void FiniteSize_FreeEnergy_ConvergesToMeanField_AsOneOverN_AwayFromTc()
    {
        // Laplace's method: ln Z_N = -N beta f_MF + O(1), so N (f_N - f_MF) tends to a constant c + O(1/N) away from
        // T_c. Check: N(f_N - f_MF) changes by less than 1% of its size (and less than 0.01 absolute) between N = 4000 and
        // 64000, while f_N - f_MF itself shrinks 16-fold; observed change ~ 1e-4 (an O(1/N) term with coefficient ~1).
        foreach (var (t, h) in new[] { (0.5, 0.0), (1.5, 0.0), (0.7, 0.1), (0.5, -0.05) })
        {
            double fmf = CurieWeiss.Solve(t, h).Stable.FreeEnergy;
            double a = 4000 * (CurieWeissFiniteSize.Compute(4000, t, h).FreeEnergy - fmf);
            double b = 64000 * (CurieWeissFiniteSize.Compute(64000, t, h).FreeEnergy - fmf);
            NumericAssert.AreEqual(a, b, 1e-2, 1e-2, $"N (f_N - f_MF) at T={t}, h={h}");
        }
    }

    [Test]
    public void FiniteSize_FreeEnergy_AtTc_HasLogCorrection()
    {
        // At T = T_c, h = 0 the minimum is quartic (beta f = -ln 2 + m^4/12): ln Z_N = N ln 2 + (1/4) ln N + O(1), so
        // N (f_N - f_MF) = -(T/4) ln N + c + O(N^{-1/2}). Between N = 16000 and 256000 the change is -(1/4) ln 16 =
        // -0.6931; the O(N^{-1/2}) remainder is ~0.006 there (observed -0.6918), so 0.01 absolute.
        double fmf = CurieWeiss.Solve(1, 0).Stable.FreeEnergy;
        NumericAssert.AreEqualAbsolute(-Math.Log(2), fmf, 1e-15, "f_MF(T_c) = -T ln 2");
        double a = 16000 * (CurieWeissFiniteSize.Compute(16000, 1, 0).FreeEnergy - fmf);
        double b = 256000 * (CurieWeissFiniteSize.Compute(256000, 1, 0).FreeEnergy - fmf);
        NumericAssert.AreEqualAbsolute(-0.25 * Math.Log(16), b - a, 1e-2, "ln N / (4N) correction at T_c");
    }

    [Test]
    public void FiniteSize_MeanAbsM_ConvergesToMeanField_BelowTc()
    {
        // <|m|>_N = m0 + a/N + O(N^-2) below T_c (Gaussian peaks at +-m0 with O(1/N) shifts): the error falls 4-fold per
        // 4-fold N; accepted ratio [3.5, 4.5] (the O(N^-2) term changes it by ~1e-3 relative at N >= 1000).
        foreach (var (t, h) in new[] { (0.5, 0.0), (0.8, 0.0), (0.7, 0.1) })
        {
            double m0 = Math.Abs(CurieWeiss.Solve(t, h).Stable.M);
            double e1 = Math.Abs(CurieWeissFiniteSize.Compute(1000, t, h).MeanAbsM - m0);
            double e2 = Math.Abs(CurieWeissFiniteSize.Compute(4000, t, h).MeanAbsM - m0);
            Assert.That(e1 / e2, Is.InRange(3.5, 4.5), $"1/N convergence of <|m|> at T={t}, h={h}: {e1:G4} -> {e2:G4}");
            Assert.That(e2, Is.LessThan(2e-3));
        }
    }

    [Test]
    public void FiniteSize_MeanM2_AboveTc_IsChiOverN()
    {
        // Above T_c at h = 0: N <m^2>_N -> T/(T - T_c) (Gaussian fluctuations with variance 1/(N (1 - beta J))) with an O(1/N)
        // correction: the error falls 4-fold per 4-fold N (accepted [3.5, 4.5]) and is below 2e-3 relative at N = 16000.
        foreach (var t in new[] { 1.5, 2.0, 4.0 })
        {
            double limit = t / (t - 1);
            double e1 = 4000 * CurieWeissFiniteSize.Compute(4000, t, 0).MeanM2 - limit;
            double e2 = 16000 * CurieWeissFiniteSize.Compute(16000, t, 0).MeanM2 - limit;
            Assert.That(e1 / e2, Is.InRange(3.5, 4.5), $"O(1/N) correction at T={t}");
            NumericAssert.AreEqualRelative(limit, limit + e2, 2e-3, $"N <m^2> -> T/(T - T_c) at T={t}");
            NumericAssert.AreEqualRelative(1 / (t - 1), CurieWeissFiniteSize.Compute(16000, t, 0).Susceptibility, 2e-3, "chi_N -> 1/(T - T_c)");
        }
    }

    [Test]
    public void FiniteSize_AtTc_MagnetizationScalesAsNToMinusQuarter()
    {
        // At T_c, h = 0, P(m) ~ exp(-N m^4/12): <m^2> = sqrt(12/N) Gamma(3/4)/Gamma(1/4), so N^{1/2} <m^2> tends to that
        // constant 1.1710 (3.4641 * 0.33799) with an O(N^{-1/2}) correction; at N = 10^6 the correction is ~1e-3 relative.
        double limit = Math.Sqrt(12) * 1.2254167024651776 / 3.6256099082219083; // Gamma(3/4), Gamma(1/4) (tabulated)
        var r = CurieWeissFiniteSize.Compute(1_000_000, 1, 0);
        NumericAssert.AreEqualRelative(limit, Math.Sqrt(1e6) * r.MeanM2, 5e-3, "N^{1/2} <m^2> at T_c");
    }

    [Test]
    public void LogBinomials_MatchPascal()
    {
        // Exact binomials from Pascal's triangle (integers below 2^53 for N = 60); relative 1e-13 covers the
        // cumulative-sum rounding (~60 ulps of ln 60!).
        const int n = 60;
        var row = new double[n + 1];
        row[0] = 1;
        for (int r = 1; r <= n; r++)
            for (int k = r; k >= 1; k--) row[k] += row[k - 1];
        var lb = CurieWeissFiniteSize.LogBinomials(n);
        for (int k = 0; k <= n; k++) NumericAssert.AreEqual(Math.Log(row[k]), lb[k], 1e-13, 1e-13, $"ln binom(60, {k})");
    }
}

/// <summary>
/// <see cref="CurieWeiss.Susceptibility"/>, chi = beta (1 - m^2) / (1 - beta J (1 - m^2)) (docs/theory.md section 8), against a
/// central difference of the branch m(h) solved in the test by bisection on m = tanh(beta (J m + h)).
/// </summary>
[TestFixture]
public class CurieWeissSusceptibilityTests
{
    /// <summary>The root of m = tanh((J m + h)/T) in (lo, hi) by bisection (the function g(m) = tanh((J m + h)/T) - m changes sign there).</summary>
    static double Branch(double t, double h, double j, double lo, double hi)
    {
        double G(double m) => Math.Tanh((j * m + h) / t) - m;
        double glo = G(lo);
        for (int k = 0; k < 200; k++)
        {
            double mid = 0.5 * (lo + hi), gm = G(mid);
            if (Math.Sign(gm) == Math.Sign(glo)) { lo = mid; glo = gm; } else hi = mid;
        }
        return 0.5 * (lo + hi);
    }

    // (T, h, J, bracket of the branch): paramagnet, ordered phase on the aligned branch, and the metastable branch against the field
    [TestCase(1.5, 0.1, 1.0, 0.0, 1.0)]
    [TestCase(0.7, 0.05, 1.0, 0.3, 1.0)]
    [TestCase(0.7, 0.05, 1.0, -1.0, -0.5)]
    [TestCase(3.0, -0.4, 2.5, -1.0, 0.0)]
    public void Susceptibility_IsTheSlopeOfTheBranch(double t, double h, double j, double lo, double hi)
    {
        // central difference with step dh: error (dh^2 / 6) m''' ~ 1e-8 at dh = 1e-4 (m''' of order 1 away from T_c), while the
        // bisection's 200 halvings leave m exact to rounding (1e-16 / dh = 1e-12 in the quotient)
        const double dh = 1e-4;
        double m = Branch(t, h, j, lo, hi);
        double slope = (Branch(t, h + dh, j, lo, hi) - Branch(t, h - dh, j, lo, hi)) / (2 * dh);
        Assert.That(CurieWeiss.Susceptibility(m, t, j), Is.EqualTo(slope).Within(1e-6 * Math.Max(1, Math.Abs(slope))));
    }

    [Test]
    public void Susceptibility_AtZeroFieldAboveTc_IsCurieWeiss() =>
        // m = 0 above T_c: chi = 1/(T - J)
        Assert.That(CurieWeiss.Susceptibility(0, 1.25, 1.0), Is.EqualTo(4.0).Within(1e-12));
}
