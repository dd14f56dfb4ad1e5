using NeuralSpin.Classic;
using NeuralSpin.Tests.Support;
using NUnit.Framework;
using static NeuralSpin.Tests.Support.ArgumentCheck;

namespace NeuralSpin.Tests.Classic;

/// <summary>
/// The contract of <see cref="CurieWeiss"/> and <see cref="CurieWeissFiniteSize"/> written out (docs/theory.md section 8):
/// the argument checks one condition at a time with the boundary values that must pass; f(m), s(m), f''(m) and chi at
/// values worked out by hand; the T = 0 roots and their stability at the edges |h| = J; the fitted exponents' tabulated
/// points against a bisection of m = tanh(beta (J m + h)) written here; the exact finite-N sum at T = 0 (ground states,
/// the degeneracy tolerance on both sides) and at T &gt; 0 for N = 2 by hand.
/// </summary>
public class CurieWeissContractTests
{
    static IEnumerable<TestCaseData> Checks()
    {
        const string j = "the coupling J must be finite and > 0";
        yield return Range("CriticalTemperature: J > 0", "coupling", j, () => CurieWeiss.CriticalTemperature(0)).ToCase();
        yield return Range("CriticalTemperature: J finite", "coupling", j, () => CurieWeiss.CriticalTemperature(double.PositiveInfinity)).ToCase();
        yield return Range("CriticalTemperature: J not NaN", "coupling", j, () => CurieWeiss.CriticalTemperature(double.NaN)).ToCase();
        yield return Range("ForFiniteSize: J > 0", "coupling", j, () => CurieWeiss.ForFiniteSize(3, 1, 0, -1)).ToCase();
        yield return Range("ForFiniteSize: N >= 1", "n", "N must be at least 1", () => CurieWeiss.ForFiniteSize(0, 1, 0)).ToCase();
        yield return Range("ForFiniteSize: T > 0", "temperature", "an IsingModel needs a finite T > 0", () => CurieWeiss.ForFiniteSize(3, 0, 0)).ToCase();
        yield return Range("ForFiniteSize: T finite", "temperature", "an IsingModel needs a finite T > 0", () => CurieWeiss.ForFiniteSize(3, double.PositiveInfinity, 0)).ToCase();
        yield return Range("ForFiniteSize: T not NaN", "temperature", "an IsingModel needs a finite T > 0", () => CurieWeiss.ForFiniteSize(3, double.NaN, 0)).ToCase();
        yield return Range("Solve: T >= 0", "temperature", "T must be finite and >= 0", () => CurieWeiss.Solve(-1e-300, 0)).ToCase();
        yield return Range("Solve: T finite", "temperature", "T must be finite and >= 0", () => CurieWeiss.Solve(double.PositiveInfinity, 0)).ToCase();
        yield return Range("Solve: T not NaN", "temperature", "T must be finite and >= 0", () => CurieWeiss.Solve(double.NaN, 0)).ToCase();
        yield return Range("Solve: h finite", "field", "h must be finite", () => CurieWeiss.Solve(0.5, double.NegativeInfinity)).ToCase();
        yield return Range("Solve: h not NaN", "field", "h must be finite", () => CurieWeiss.Solve(0.5, double.NaN)).ToCase();
        yield return Range("Solve: J > 0", "coupling", j, () => CurieWeiss.Solve(0.5, 0, 0)).ToCase();
        yield return Range("Solve: J finite", "coupling", j, () => CurieWeiss.Solve(0.5, 0, double.PositiveInfinity)).ToCase();
        const string range = "need 0 < reducedMin < reducedMax < 1";
        yield return Range("FitBetaExponent: reducedMin > 0", "reducedMin", range, () => CurieWeiss.FitBetaExponent(1, 0, 1e-3)).ToCase();
        yield return Range("FitBetaExponent: reducedMax > reducedMin", "reducedMin", range, () => CurieWeiss.FitBetaExponent(1, 1e-3, 1e-3)).ToCase();
        yield return Range("FitBetaExponent: reducedMax < 1", "reducedMin", range, () => CurieWeiss.FitBetaExponent(1, 1e-3, 1)).ToCase();
        yield return Range("FitBetaExponent: reducedMax not NaN", "reducedMin", range, () => CurieWeiss.FitBetaExponent(1, 1e-3, double.NaN)).ToCase();
        yield return Range("FitBetaExponent: two points", "points", "need at least 2 points", () => CurieWeiss.FitBetaExponent(1, 1e-4, 1e-3, 1)).ToCase();
        yield return Range("FitBetaExponent: J > 0", "coupling", j, () => CurieWeiss.FitBetaExponent(0)).ToCase();
        yield return Range("FitGammaExponent: reducedMin > 0", "reducedMin", range, () => CurieWeiss.FitGammaExponent(1, -1e-3, 1e-2)).ToCase();
        yield return Range("FitGammaExponent: two points", "points", "need at least 2 points", () => CurieWeiss.FitGammaExponent(1, 1e-4, 1e-2, 1)).ToCase();
        yield return Range("FitGammaExponent: J > 0", "coupling", j, () => CurieWeiss.FitGammaExponent(-2)).ToCase();
        const string n = "N must lie in [1, 50000000]";
        yield return Range("FiniteSize.Compute: N >= 1", "n", n, () => CurieWeissFiniteSize.Compute(0, 1, 0)).ToCase();
        yield return Range("FiniteSize.Compute: N <= MaxSize", "n", n, () => CurieWeissFiniteSize.Compute(CurieWeissFiniteSize.MaxSize + 1, 1, 0)).ToCase();
        yield return Range("FiniteSize.Compute: T >= 0", "temperature", "T must be finite and >= 0", () => CurieWeissFiniteSize.Compute(3, -1, 0)).ToCase();
        yield return Range("FiniteSize.Compute: T finite", "temperature", "T must be finite and >= 0", () => CurieWeissFiniteSize.Compute(3, double.PositiveInfinity, 0)).ToCase();
        yield return Range("FiniteSize.Compute: T not NaN", "temperature", "T must be finite and >= 0", () => CurieWeissFiniteSize.Compute(3, double.NaN, 0)).ToCase();
        yield return Range("FiniteSize.Compute: h finite", "field", "h must be finite", () => CurieWeissFiniteSize.Compute(3, 1, double.PositiveInfinity)).ToCase();
        yield return Range("FiniteSize.Compute: h not NaN", "field", "h must be finite", () => CurieWeissFiniteSize.Compute(3, 1, double.NaN)).ToCase();
        yield return Range("FiniteSize.Compute: J > 0", "coupling", j, () => CurieWeissFiniteSize.Compute(3, 1, 0, 0)).ToCase();
        yield return Range("FiniteSize.Compute with log-binomials: N >= 1", "n", n, () => CurieWeissFiniteSize.Compute(0, 1, 0, 1, [0.0])).ToCase();
        yield return Arg("FiniteSize.Compute: N + 1 log-binomials", null, "need N + 1 = 4 log-binomials, got 3",
            () => CurieWeissFiniteSize.Compute(3, 1, 0, 1, [0.0, 1.0, 0.0])).ToCase();
        yield return Range("LogBinomials: N >= 0", "n", "N must lie in [0, 50000000]", () => CurieWeissFiniteSize.LogBinomials(-1)).ToCase();
        yield return Range("LogBinomials: N <= MaxSize", "n", "N must lie in [0, 50000000]", () => CurieWeissFiniteSize.LogBinomials(CurieWeissFiniteSize.MaxSize + 1)).ToCase();
        yield return Range("FreeEnergy: T >= 0", "temperature", "T must be >= 0", () => CurieWeiss.FreeEnergy(0.5, -1e-300, 0)).ToCase();
        yield return Range("FreeEnergy: T not NaN", "temperature", "T must be >= 0", () => CurieWeiss.FreeEnergy(0.5, double.NaN, 0)).ToCase();
        const string pairs = "need at least two (x, y) pairs of equal count";
        yield return Arg("PowerFit: equal counts", null, pairs, () => PowerFit.Fit([1.0, 2, 3], [1.0, 2])).ToCase();
        yield return Arg("PowerFit: equal counts (y longer)", null, pairs, () => PowerFit.Fit([1.0, 2], [1.0, 2, 3])).ToCase();
        yield return Arg("PowerFit: two pairs", null, pairs, () => PowerFit.Fit([1.0], [1.0])).ToCase();
        yield return Arg("PowerFit: x > 0 (zero)", null, "x must be > 0", () => PowerFit.Fit([1.0, 0], [1.0, 2])).ToCase();
        yield return Arg("PowerFit: x > 0 (negative)", null, "x must be > 0", () => PowerFit.Fit([-1.0, 2], [1.0, 2])).ToCase();
        yield return Arg("PowerFit: y > 0 (zero)", null, "y must be > 0", () => PowerFit.Fit([1.0, 2], [0.0, 2])).ToCase();
        yield return Arg("PowerFit: y > 0 (negative)", null, "y must be > 0", () => PowerFit.Fit([1.0, 2], [1.0, -2])).ToCase();
    }

    [TestCaseSource(nameof(Checks))]
    public void BadArguments_AreRefused(ArgumentCheck check) => check.Verify();

    /// <summary>
    /// The size check shared by <see cref="CurieWeissFiniteSize.LogBinomials"/> (N &gt;= 0) and Compute (N &gt;= 1) at its upper
    /// end: N = MaxSize is accepted, MaxSize + 1 refused (checked directly: arrays of MaxSize + 1 entries would take 0.8 GB).
    /// </summary>
    [Test]
    public void FiniteSize_SizeCheck_AcceptsMaxSizeItself()
    {
        Assert.DoesNotThrow(() => CurieWeissFiniteSize.CheckSize(CurieWeissFiniteSize.MaxSize, 0));
        Assert.DoesNotThrow(() => CurieWeissFiniteSize.CheckSize(CurieWeissFiniteSize.MaxSize, 1));
        Assert.DoesNotThrow(() => CurieWeissFiniteSize.CheckSize(1, 1));
        Assert.DoesNotThrow(() => CurieWeissFiniteSize.CheckSize(0, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => CurieWeissFiniteSize.CheckSize(CurieWeissFiniteSize.MaxSize + 1, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => CurieWeissFiniteSize.CheckSize(0, 1));
    }

    /// <summary>
    /// At h = 0 below T_c, F(m) = m - tanh(J m / T) is odd, so the three roots are -m_0, 0, m_0 with the lower root exactly minus
    /// the upper one and the middle one exactly 0, bit for bit (the magnetised branches are degenerate and reported as such),
    /// on a grid of T / J from 0.02 to 0.98 and J from 0.3 to 4.
    /// </summary>
    [Test]
    public void Solve_AtZeroField_RootsAreExactlySymmetric()
    {
        int cases = 0;
        foreach (double j in new[] { 0.3, 1.0, 1.7, 4.0 })
            for (double r = 0.02; r < 0.99; r += 0.04)
            {
                var s = CurieWeiss.Solve(r * j, 0, j);
                Assert.That(s.Branches, Has.Count.EqualTo(3), $"T/J = {r}, J = {j}");
                Assert.That(s.Branches[0].M, Is.EqualTo(-s.Branches[2].M), $"lower root = -upper, T/J = {r}, J = {j}");
                Assert.That(s.Branches[1].M, Is.EqualTo(0.0), $"middle root, T/J = {r}, J = {j}");
                Assert.That(s.Branches[0].FreeEnergy, Is.EqualTo(s.Branches[2].FreeEnergy), "degenerate free energies");
                Assert.That(s.Degenerate, Is.True);
                cases++;
            }
        Assert.That(cases, Is.EqualTo(4 * 25));
    }

    /// <summary>The boundary values that must pass: T = 0 and N = 1, two fit points, reducedMax just below 1, ln binom(0, 0) = 0.</summary>
    [Test]
    public void BoundaryValues_AreAccepted()
    {
        Assert.That(CurieWeiss.Solve(0, 0).Branches, Has.Count.EqualTo(3));
        Assert.That(CurieWeiss.ForFiniteSize(1, 0.5, 0.2).Size, Is.EqualTo(1));
        Assert.That(CurieWeiss.FitBetaExponent(1, 1e-4, 1e-3, 2).X, Has.Length.EqualTo(2));
        Assert.That(CurieWeiss.FitGammaExponent(1, 0.5, 0.999, 2).X, Has.Length.EqualTo(2));
        Assert.That(CurieWeissFiniteSize.LogBinomials(0), Is.EqualTo(new[] { 0.0 }));
        Assert.That(CurieWeissFiniteSize.Compute(1, 0, 0).Probabilities, Is.EqualTo(new[] { 0.5, 0.5 }), "N = 1 at T = 0, h = 0: both spins states");
    }

    /// <summary>
    /// ForFiniteSize: J_ik = J/N off the diagonal, 0 on it, h_i = h, beta = 1/T (the class convention), read back from the
    /// model for N = 3, T = 0.25, h = -0.4, J = 1.5: J_ik = 0.5, beta = 4.
    /// </summary>
    [Test]
    public void ForFiniteSize_IsTheFullyConnectedModel()
    {
        var model = CurieWeiss.ForFiniteSize(3, 0.25, -0.4, 1.5);
        Assert.That(model.Beta, Is.EqualTo(4.0));
        for (int i = 0; i < 3; i++)
        {
            Assert.That(model.Field(i), Is.EqualTo(-0.4));
            for (int k = 0; k < 3; k++) Assert.That(model.Coupling(i, k), Is.EqualTo(i == k ? 0.0 : 0.5), $"J[{i},{k}]");
        }
    }

    /// <summary>
    /// s(m) = ln 2 - [(1+m) ln(1+m) + (1-m) ln(1-m)]/2 with plain logarithms: s(+-0.5) = 0.5623351446; s = 0 at and beyond
    /// |m| = 1 (0 ln 0 = 0); s(1e-20) = ln 2 (the correction m^2/2 is far below an ulp). Relative 1e-14 (a few roundings).
    /// </summary>
    [Test]
    public void BinaryEntropy_ByHand()
    {
        double half = Math.Log(2) - 0.5 * (1.5 * Math.Log(1.5) + 0.5 * Math.Log(0.5));
        NumericAssert.AreEqualRelative(half, CurieWeiss.BinaryEntropy(0.5), 1e-14, "s(0.5)");
        NumericAssert.AreEqualRelative(half, CurieWeiss.BinaryEntropy(-0.5), 1e-14, "s(-0.5)");
        NumericAssert.AreEqualRelative(0.5623351446188083, half, 1e-15, "the hand value");
        Assert.That(CurieWeiss.BinaryEntropy(1), Is.EqualTo(0.0));
        Assert.That(CurieWeiss.BinaryEntropy(-1), Is.EqualTo(0.0));
        Assert.That(CurieWeiss.BinaryEntropy(1.5), Is.EqualTo(0.0));
        NumericAssert.AreEqualRelative(Math.Log(2), CurieWeiss.BinaryEntropy(1e-20), 1e-15, "s(1e-20) = ln 2");
    }

    /// <summary>
    /// f(m) = -J m^2/2 - h m - T s(m) at m = 0.4, h = 0.3, J = 2: -0.16 - 0.12 = -0.28 at T = 0 (no entropy term), and
    /// -0.28 - 0.5 s(0.4) at T = 0.5, s from plain logarithms; at m = -0.4 the field term changes sign: -0.16 + 0.12 - 0.5 s(0.4).
    /// Relative 1e-14.
    /// </summary>
    [Test]
    public void FreeEnergy_ByHand()
    {
        Assert.That(CurieWeiss.FreeEnergy(0.4, 0, 0.3, 2), Is.EqualTo(-0.28).Within(1e-15));
        double s = Math.Log(2) - 0.5 * (1.4 * Math.Log(1.4) + 0.6 * Math.Log(0.6));
        NumericAssert.AreEqualRelative(-0.28 - 0.5 * s, CurieWeiss.FreeEnergy(0.4, 0.5, 0.3, 2), 1e-14, "f at T = 0.5");
        NumericAssert.AreEqualRelative(-0.16 + 0.12 - 0.5 * s, CurieWeiss.FreeEnergy(-0.4, 0.5, 0.3, 2), 1e-14, "m against the field");
    }

    /// <summary>
    /// f''(m) = -J + T/(1 - m^2): at m = 0.5, J = 2, T = 0.3 it is -2 + 0.3/0.75 = -1.6; at T = 0 inside (-1, 1) it is -J = -2;
    /// at |m| = 1 (either T) and beyond, +infinity.
    /// </summary>
    [Test]
    public void Curvature_ByHand()
    {
        NumericAssert.AreEqualAbsolute(-1.6, CurieWeiss.Curvature(0.5, 0.3, 2), 1e-15, "f''(0.5)");
        NumericAssert.AreEqualAbsolute(-1.6, CurieWeiss.Curvature(-0.5, 0.3, 2), 1e-15, "f''(-0.5)");
        Assert.That(CurieWeiss.Curvature(0.5, 0, 2), Is.EqualTo(-2.0));
        Assert.That(CurieWeiss.Curvature(1, 0, 2), Is.EqualTo(double.PositiveInfinity));
        Assert.That(CurieWeiss.Curvature(-1, 0.3, 2), Is.EqualTo(double.PositiveInfinity));
        Assert.That(CurieWeiss.Curvature(1.5, 0.3, 2), Is.EqualTo(double.PositiveInfinity));
    }

    /// <summary>
    /// chi = beta (1 - m^2)/(1 - beta J (1 - m^2)) = (1 - m^2)/(T - J (1 - m^2)): at m = 0.5, T = 2, J = 1.5 it is
    /// 0.75/(2 - 1.125) = 6/7; at T = 0 the branch is flat (chi = 0).
    /// </summary>
    [Test]
    public void Susceptibility_ByHand()
    {
        NumericAssert.AreEqualRelative(6.0 / 7.0, CurieWeiss.Susceptibility(0.5, 2, 1.5), 1e-15, "chi");
        NumericAssert.AreEqualRelative(6.0 / 7.0, CurieWeiss.Susceptibility(-0.5, 2, 1.5), 1e-15, "chi at -m");
        Assert.That(CurieWeiss.Susceptibility(0.5, 0, 1.5), Is.EqualTo(0.0));
    }

    /// <summary>
    /// T = 0, m = sign(J m + h): at h = -J both +-1 are roots (J m + h = 0 at m = 1 counts) and -h/J = 1 coincides with one of
    /// them; the field picks the stable one (-1 for h &lt; 0), f(+-1) = -J/2 -+ h. With J = 2: h = -2 gives f(-1) = -3,
    /// f(1) = 1; h = 2 the mirror; |h| &gt; J leaves the aligned root alone; at h = 0 the middle root 0 is a maximum (f'' = -J).
    /// </summary>
    [Test]
    public void Solve_ZeroTemperature_AtAndBeyondTheSpinodalField()
    {
        var down = CurieWeiss.Solve(0, -2, 2);
        Assert.That(down.Branches.Select(b => b.M), Is.EqualTo(new[] { -1.0, 1.0 }));
        Assert.That(down.Branches.Select(b => b.Stability), Is.EqualTo(new[] { BranchStability.Stable, BranchStability.Metastable }));
        Assert.That(down.Branches.Select(b => b.FreeEnergy), Is.EqualTo(new[] { -3.0, 1.0 }));
        var up = CurieWeiss.Solve(0, 2, 2);
        Assert.That(up.Branches.Select(b => b.M), Is.EqualTo(new[] { -1.0, 1.0 }));
        Assert.That(up.Branches.Select(b => b.Stability), Is.EqualTo(new[] { BranchStability.Metastable, BranchStability.Stable }));
        Assert.That(CurieWeiss.Solve(0, -3, 2).Branches.Select(b => b.M), Is.EqualTo(new[] { -1.0 }));
        Assert.That(CurieWeiss.Solve(0, 3, 2).Branches.Select(b => b.M), Is.EqualTo(new[] { 1.0 }));
        var zero = CurieWeiss.Solve(0, 0, 2);
        Assert.That(zero.Branches.Select(b => b.M), Is.EqualTo(new[] { -1.0, 0.0, 1.0 }));
        Assert.That(zero.Branches.Select(b => b.Stability), Is.EqualTo(new[] { BranchStability.Stable, BranchStability.Unstable, BranchStability.Stable }));
        Assert.That(zero.Branches[1].Curvature, Is.EqualTo(-2.0));
        Assert.That(zero.Degenerate, Is.True);
        Assert.That(zero.Stable.M, Is.EqualTo(1.0));
        Assert.That(BranchStability.Metastable.Name(), Is.EqualTo("metastable"));
    }

    /// <summary>
    /// At T = T_c = J the single root is bracketed by [-1, 1]; with h = 0.3, J = 2 it solves m = tanh((2 m + 0.3)/2), compared
    /// with a bisection written here to 1e-15. Below T_c with h &lt; 0 the stable branch is the one against +m: negative.
    /// </summary>
    [Test]
    public void Solve_AtTcInAField_AndTheStableBranchFollowsTheField()
    {
        double m = Root(2, 0.3, 2, 0, 1);
        var sol = CurieWeiss.Solve(2, 0.3, 2);
        Assert.That(sol.Branches, Has.Count.EqualTo(1));
        NumericAssert.AreEqualAbsolute(m, sol.Stable.M, 1e-15, "m at T_c, h = 0.3");
        var neg = CurieWeiss.Solve(0.5, -0.05, 1);
        Assert.That(neg.Branches, Has.Count.EqualTo(3));
        NumericAssert.AreEqualAbsolute(Root(0.5, -0.05, 1, -1, -0.5), neg.Stable.M, 1e-15, "stable m for h < 0");
        Assert.That(neg.Branches[2].Stability, Is.EqualTo(BranchStability.Metastable));
    }

    /// <summary>
    /// The bisection ends at adjacent doubles and returns the end with the smaller |F|, F(m) = m - tanh((J m + h)/T): the
    /// neighbour of the returned root on the other side of the sign change has |F| at least as large. Checked on the outer and
    /// middle roots of (T, h, J) = (0.6, 0.05, 1) and (1.5, 0.4, 2.5), F computed as written here.
    /// </summary>
    [Test]
    public void Solve_ReturnsTheBetterEndOfTheFinalBracket()
    {
        foreach (var (t, h, j) in new[] { (0.6, 0.05, 1.0), (1.5, 0.4, 2.5), (0.3, -0.1, 1.0) })
        {
            double F(double m) => m - Math.Tanh((j * m + h) / t);
            foreach (var b in CurieWeiss.Solve(t, h, j).Branches)
            {
                double m = b.M, fm = F(m);
                if (fm == 0) continue;
                double up = Math.BitIncrement(m), down = Math.BitDecrement(m);
                // the partner: the neighbour where F has the other sign
                double partner = Math.Sign(F(up)) != Math.Sign(fm) ? up : down;
                Assert.That(Math.Sign(F(partner)), Is.Not.EqualTo(Math.Sign(fm)), $"a sign change next to m = {m} at T={t}, h={h}");
                Assert.That(Math.Abs(fm), Is.LessThanOrEqualTo(Math.Abs(F(partner))), $"the better end at T={t}, h={h}, J={j}: m = {m}");
            }
        }
    }

    /// <summary>
    /// At the spinodal field the outer root at -m* (m* = sqrt(1 - T/J)) is a double root: F(m) = m - tanh((J m + h)/T) touches
    /// 0 there from below. Stepping h by ulps from h_sp = m* - T atanh(m*) (T = 0.05, J = 1, h_sp = 0.8658) finds a field where
    /// F(-m*) is exactly 0 in double (at T = 0.05 already h_sp itself; at T = 0.5 the rounded tanh happens to skip the double
    /// -m*); there the solutions are the tangent root -m* and the aligned root: two branches. A double root is fixed only to
    /// sqrt(rounding / F'') ~ 1e-8 (F vanishes in double over that width), so 1e-7 on it. The mirror field -h has the tangent
    /// root at +m*.
    /// </summary>
    [Test]
    public void Solve_AtTheSpinodalField_KeepsTheTangentRoot()
    {
        const double t = 0.05, j = 1;
        double ms = Math.Sqrt((j - t) / j);
        double F(double m, double h) => m - Math.Tanh((j * m + h) / t);
        double hs = ms - t * Math.Atanh(ms);
        int steps = 0;
        for (double down = hs, up = hs; steps < 300; steps++, down = Math.BitDecrement(down), up = Math.BitIncrement(up))
        {
            if (F(-ms, up) == 0) { hs = up; break; }
            if (F(-ms, down) == 0) { hs = down; break; }
        }
        Assert.That(steps, Is.LessThan(300), "a field with F(-m*) = 0 exactly");
        var sol = CurieWeiss.Solve(t, hs, j);
        Assert.That(sol.Branches, Has.Count.EqualTo(2), $"h = {hs:R}: the tangent root and the aligned one");
        NumericAssert.AreEqualAbsolute(-ms, sol.Branches[0].M, 1e-7, "the tangent root -m*");
        NumericAssert.AreEqualAbsolute(Root(t, hs, j, 0.5, 1), sol.Branches[1].M, 1e-15, "the aligned root");
        var mirror = CurieWeiss.Solve(t, -hs, j);
        Assert.That(mirror.Branches, Has.Count.EqualTo(2), "mirror field");
        NumericAssert.AreEqualAbsolute(ms, mirror.Branches[1].M, 1e-7, "the tangent root +m*");
    }

    /// <summary>The root of m = tanh((J m + h)/T) in [lo, hi] by 200 bisection steps (the sign of F changes there).</summary>
    static double Root(double t, double h, double j, double lo, double hi)
    {
        double F(double m) => m - Math.Tanh((j * m + h) / t);
        double flo = F(lo);
        for (int k = 0; k < 200; k++)
        {
            double mid = 0.5 * (lo + hi), fm = F(mid);
            if (mid <= lo || mid >= hi) break;
            if (Math.Sign(fm) == Math.Sign(flo)) { lo = mid; flo = fm; } else hi = mid;
        }
        return Math.Abs(F(lo)) <= Math.Abs(F(hi)) ? lo : hi;
    }

    /// <summary>
    /// The beta-exponent fit tabulates X = T_c - T = r J for r on the log grid {1e-4, 1e-3, 1e-2} (J = 2.5) and Y = m_0, the root
    /// of m = tanh(J m / T) (bisection here). Near T_c the root is ill-conditioned: F'(m_0) = 1 - (J/T) sech^2 ~ 2 r, so
    /// rounding of F (1e-16) moves it by ~1e-16 / (2 r) = 5e-13 at r = 1e-4: 1e-12 absolute. Exponent and amplitude are the
    /// least-squares line through (ln X, ln Y) computed here (3 points, slope = S_xy / S_xx), to 1e-9 (1e-12 / m_0 in ln Y).
    /// </summary>
    [Test]
    public void FitBetaExponent_TabulatesTheSolvedPoints()
    {
        const double j = 2.5;
        var fit = CurieWeiss.FitBetaExponent(j, 1e-4, 1e-2, 3);
        double[] x = [1e-4 * j, 1e-3 * j, 1e-2 * j];
        var y = x.Select(dt => Root(j - dt, 0, j, 1e-3, 1)).ToArray();
        NumericAssert.AllEqual(x, fit.X, 0, 1e-14, "X = (T_c - T)");
        NumericAssert.AllEqual(y, fit.Y, 1e-12, 0, "Y = m_0");
        var (slope, intercept) = Line(x.Select(v => Math.Log(v)).ToArray(), y.Select(v => Math.Log(v)).ToArray());
        NumericAssert.AreEqualAbsolute(slope, fit.Exponent, 1e-9, "exponent");
        NumericAssert.AreEqualRelative(Math.Exp(intercept), fit.Amplitude, 1e-9, "amplitude");
    }

    /// <summary>
    /// The gamma-exponent fit tabulates X = T - T_c = r J and Y = [m(dh) - m(-dh)] / (2 dh) with dh = 1e-4 (T - T_c), J = 2.5, on
    /// the grid r in {1e-3, 1e-2}: Y equals that central difference of roots bisected here (to adjacent doubles near
    /// m = chi dh = 1e-4: 1e-20 absolute in m, 1e-12 relative in Y), and the closed form chi = 1/(T - T_c) up to the cubic
    /// term of tanh, relative (chi dh)^2 / (3 r) = 1e-8 / (3 r) = 3.3e-6 at r = 1e-3 (2e-5 allowed); the fitted exponent is
    /// then 1 to 1e-5 and the amplitude 1 to 1e-4.
    /// </summary>
    [Test]
    public void FitGammaExponent_TabulatesTheCentralDifferences()
    {
        const double j = 2.5;
        var fit = CurieWeiss.FitGammaExponent(j, 1e-3, 1e-2, 2);
        double[] x = [1e-3 * j, 1e-2 * j];
        NumericAssert.AllEqual(x, fit.X, 0, 1e-14, "X = T - T_c");
        var y = x.Select(dt =>
        {
            double dh = 1e-4 * dt;
            return (Root(j + dt, dh, j, -1, 1) - Root(j + dt, -dh, j, -1, 1)) / (2 * dh);
        }).ToArray();
        NumericAssert.AllEqual(y, fit.Y, 0, 1e-12, "Y = central difference");
        NumericAssert.AllEqual(x.Select(v => 1 / v).ToArray(), fit.Y, 0, 2e-5, "Y = chi = 1/(T - T_c)");
        NumericAssert.AreEqualAbsolute(1, fit.Exponent, 1e-5, "gamma");
        NumericAssert.AreEqualRelative(1, fit.Amplitude, 1e-4, "amplitude");
    }

    static (double Slope, double Intercept) Line(double[] x, double[] y)
    {
        double mx = x.Average(), my = y.Average(), sxx = 0, sxy = 0;
        for (int i = 0; i < x.Length; i++) { sxx += (x[i] - mx) * (x[i] - mx); sxy += (x[i] - mx) * (y[i] - my); }
        return (sxy / sxx, my - sxy / sxx * mx);
    }

    /// <summary>
    /// T = 0, N = 4, h = 0, J = 1: the ground states are M = +-4 with E = -(1/8)(16 - 4) = -1.5, one configuration each:
    /// P(k = 0) = P(k = 4) = 1/2, ln Z = ln 2 (the degeneracy), f = E/N = -0.375, &lt;m&gt; = 0, &lt;|m|&gt; = &lt;m^2&gt; = 1, chi = 0.
    /// </summary>
    [Test]
    public void FiniteSize_ZeroTemperature_DegenerateGroundStates()
    {
        var r = CurieWeissFiniteSize.Compute(4, 0, 0, 1);
        Assert.That(r.Probabilities, Is.EqualTo(new[] { 0.5, 0, 0, 0, 0.5 }));
        NumericAssert.AreEqualAbsolute(Math.Log(2), r.LogZ, 1e-15, "ln Z = ln 2");
        NumericAssert.AreEqualAbsolute(-0.375, r.FreeEnergy, 1e-15, "f = E_min / N");
        NumericAssert.AreEqualAbsolute(-0.375, r.Energy, 1e-15, "<E>/N");
        Assert.That(r.MeanM, Is.EqualTo(0.0));
        Assert.That(r.MeanAbsM, Is.EqualTo(1.0));
        Assert.That(r.MeanM2, Is.EqualTo(1.0));
        Assert.That(r.Susceptibility, Is.EqualTo(0.0));
        Assert.That(r.MagnetizationPerSpin(1), Is.EqualTo(-0.5));
    }

    /// <summary>
    /// T = 0, N = 3, h = -2, J = 1 (|h| &gt; J): the single ground state is all down, E(-3) = -(1/6)(9 - 3) - (-2)(-3) = -7:
    /// P(k = 0) = 1, ln Z = 0, f = -7/3, &lt;m&gt; = -1.
    /// </summary>
    [Test]
    public void FiniteSize_ZeroTemperature_StrongNegativeField()
    {
        var r = CurieWeissFiniteSize.Compute(3, 0, -2, 1);
        Assert.That(r.Probabilities, Is.EqualTo(new[] { 1.0, 0, 0, 0 }));
        Assert.That(r.LogZ, Is.EqualTo(0.0));
        NumericAssert.AreEqualAbsolute(-7.0 / 3, r.FreeEnergy, 1e-15, "f");
        Assert.That(r.MeanM, Is.EqualTo(-1.0));
    }

    /// <summary>
    /// The ground-state tolerance, 1e-12 of the energy scale (J + |h|) N: N = 4, J = 1, h &gt; 0 puts M = -4 above M = 4 by
    /// 2 h N = 8 h. With h = 1e-13 that is 8e-13, inside 1e-12 x 4: both count (P = 1/2 each); with h = 1e-11 it is 8e-11,
    /// outside: all up alone.
    /// </summary>
    [Test]
    public void FiniteSize_ZeroTemperature_GroundStateTolerance()
    {
        Assert.That(CurieWeissFiniteSize.Compute(4, 0, 1e-13, 1).Probabilities, Is.EqualTo(new[] { 0.5, 0, 0, 0, 0.5 }));
        Assert.That(CurieWeissFiniteSize.Compute(4, 0, 1e-11, 1).Probabilities, Is.EqualTo(new[] { 0.0, 0, 0, 0, 1 }));
    }

    /// <summary>
    /// N = 2, T = 1/2, h = 1/4, J = 1 by hand: E(M) = -(1/4)(M^2 - 2) - M/4 is -1, 1/2, 0 for M = 2, 0, -2 with 1, 2, 1
    /// configurations, so Z = e^2 + 2 e^{-1} + 1; &lt;m&gt; = (e^2 - 1)/Z, &lt;m^2&gt; = &lt;|m|&gt; = (e^2 + 1)/Z,
    /// &lt;E&gt;/N = (-e^2 + e^{-1})/(2 Z), f = -T ln Z / N, chi = N (&lt;m^2&gt; - &lt;m&gt;^2)/T. Relative 1e-14.
    /// </summary>
    [Test]
    public void FiniteSize_TwoSpins_ByHand()
    {
        double e2 = Math.Exp(2), em1 = Math.Exp(-1), z = e2 + 2 * em1 + 1;
        var r = CurieWeissFiniteSize.Compute(2, 0.5, 0.25, 1);
        NumericAssert.AllEqual(new[] { 1 / z, 2 * em1 / z, e2 / z }, r.Probabilities, 0, 1e-14, "P(k)");
        NumericAssert.AreEqualRelative(Math.Log(z), r.LogZ, 1e-14, "ln Z");
        NumericAssert.AreEqualRelative(-0.5 * Math.Log(z) / 2, r.FreeEnergy, 1e-14, "f");
        double mm = (e2 - 1) / z, m2 = (e2 + 1) / z;
        NumericAssert.AreEqualRelative(mm, r.MeanM, 1e-14, "<m>");
        NumericAssert.AreEqualRelative(m2, r.MeanM2, 1e-14, "<m^2>");
        NumericAssert.AreEqualRelative(m2, r.MeanAbsM, 1e-14, "<|m|>");
        NumericAssert.AreEqualRelative((-e2 + em1) / (2 * z), r.Energy, 1e-14, "<E>/N");
        NumericAssert.AreEqualRelative(2 * (m2 - mm * mm) / 0.5, r.Susceptibility, 1e-13, "chi");
        Assert.That(r.MagnetizationPerSpin(0), Is.EqualTo(-1.0));
        Assert.That(r.MagnetizationPerSpin(2), Is.EqualTo(1.0));
    }
}
