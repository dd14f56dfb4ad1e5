using NeuralSpin.Classic;
using NeuralSpin.Ising;
using NeuralSpin.Numerics;
using NeuralSpin.Tap;
using NeuralSpin.Tests.Support;
using NUnit.Framework;
using static NeuralSpin.Tests.Support.ArgumentCheck;

namespace NeuralSpin.Tests.Classic;

/// <summary>
/// The contracts of the SK classes written out (docs/theory.md sections 3, 4 and 8): the argument checks of
/// <see cref="SkReplicaSymmetric"/>, <see cref="SkLinearizedTap"/>, <see cref="SkFiniteSize"/>, <see cref="SkTapSolutions"/> and
/// <see cref="SkTapStates"/> one condition at a time with the boundary values that must pass; the RS right-hand side against a
/// trapezoid rule at J != 1 and with a caller's quadrature; the finite-size statistics and the N^(-2/3) fit against formulas
/// worked out by hand; the greedy quench against a descent written here draw for draw; the TAP scans' summaries against the
/// fixed points and continuations they are built from; the TAP-state records' rules on constructed points.
/// </summary>
public class SkContractTests
{
    const long Seed = 8401;

    static IEnumerable<TestCaseData> Checks()
    {
        var inst = SkInstances.Draw(10, 1.0, Seed);
        var other = SkInstances.Draw(12, 1.0, Seed);
        const string t = "T must be positive and finite", j = "J must be positive and finite";
        yield return Range("SkReplicaSymmetric.OrderParameter: T > 0", "temperature", t, () => SkReplicaSymmetric.OrderParameter(0)).ToCase();
        yield return Range("SkReplicaSymmetric.OrderParameter: T finite", "temperature", t, () => SkReplicaSymmetric.OrderParameter(double.PositiveInfinity)).ToCase();
        yield return Range("SkReplicaSymmetric.OrderParameter: T not NaN", "temperature", t, () => SkReplicaSymmetric.OrderParameter(double.NaN)).ToCase();
        yield return Range("SkReplicaSymmetric.OrderParameter: J > 0", "couplingScale", j, () => SkReplicaSymmetric.OrderParameter(0.5, 0)).ToCase();
        yield return Range("SkReplicaSymmetric.OrderParameter: J finite", "couplingScale", j, () => SkReplicaSymmetric.OrderParameter(0.5, double.PositiveInfinity)).ToCase();
        yield return Range("SkReplicaSymmetric.OrderParameter: J not NaN", "couplingScale", j, () => SkReplicaSymmetric.OrderParameter(0.5, double.NaN)).ToCase();
        const string level = "the level must lie in [0, 1)";
        yield return Range("SkLinearizedTap.LargeSizeBetaAtLevel: level >= 0", "level", level, () => SkLinearizedTap.LargeSizeBetaAtLevel(-1e-300, 1)).ToCase();
        yield return Range("SkLinearizedTap.LargeSizeBetaAtLevel: level < 1", "level", level, () => SkLinearizedTap.LargeSizeBetaAtLevel(1, 1)).ToCase();
        yield return Range("SkLinearizedTap.LargeSizeBetaAtLevel: level not NaN", "level", level, () => SkLinearizedTap.LargeSizeBetaAtLevel(double.NaN, 1)).ToCase();
        yield return Null("SkLinearizedTap.Curve: the instance must not be null", "instance", () => SkLinearizedTap.Curve(null!, [1.0])).ToCase();
        yield return Null("SkLinearizedTap.Transition: the instance must not be null", "instance", () => SkLinearizedTap.Transition(null!, 2, 0.1)).ToCase();
        yield return Range("SkLinearizedTap.Transition: level >= 0", "level", level, () => SkLinearizedTap.Transition(inst, 2, -0.1)).ToCase();
        yield return Range("SkLinearizedTap.Transition: level < 1", "level", level, () => SkLinearizedTap.Transition(inst, 2, 1)).ToCase();
        yield return Null("SkFiniteSize.Run: sizes not null", "sizes", () => SkFiniteSize.Run(null!, 1, 1, 1, 2, 0.1)).ToCase();
        yield return Arg("SkFiniteSize.Run: at least one size", "sizes", "at least one size is needed", () => SkFiniteSize.Run([], 1, 1, 1, 2, 0.1)).ToCase();
        yield return Range("SkFiniteSize.Run: every size at least 2", "sizes", "every size must be at least 2", () => SkFiniteSize.Run([2, 1], 1, 1, 1, 2, 0.1)).ToCase();
        yield return Range("SkFiniteSize.Run: at least one instance", "instances", "at least one instance per size is needed", () => SkFiniteSize.Run([2], 0, 1, 1, 2, 0.1)).ToCase();
        yield return Range("SkFiniteSize.Run: parallelism >= 1", "parallelism", "parallelism must be at least 1", () => SkFiniteSize.Run([2], 1, 1, 1, 2, 0.1, 0)).ToCase();
        yield return Arg("SkFiniteSize.Extrapolate: two sizes", "sizes", "the extrapolation needs at least two sizes", () => SkFiniteSize.Extrapolate([Stats(8, 1, 0.1)])).ToCase();
        yield return Null("SkTapSolutions.Quench: instance not null", "instance", () => SkTapSolutions.Quench(null!, new Random(1))).ToCase();
        yield return Null("SkTapSolutions.Quench: rng not null", "rng", () => SkTapSolutions.Quench(inst, null!)).ToCase();
        yield return Arg("SkTapSolutions.Cosine: equal lengths", "b", "lengths differ: 2 and 1", () => SkTapSolutions.Cosine([1.0, 2.0], [1.0])).ToCase();
        const string temps = "temperatures must be positive and finite";
        yield return Null("SkTapSolutions.Continue: instance not null", "instance", () => SkTapSolutions.ContinueFromQuenchedStates(null!, [1.0], 1, 1)).ToCase();
        yield return Null("SkTapSolutions.Continue: temperatures not null", "temperatures", () => SkTapSolutions.ContinueFromQuenchedStates(inst, null!, 1, 1)).ToCase();
        yield return Range("SkTapSolutions.Continue: T > 0", "temperatures", temps, () => SkTapSolutions.ContinueFromQuenchedStates(inst, [1.0, 0.0], 1, 1)).ToCase();
        yield return Range("SkTapSolutions.Continue: T finite", "temperatures", temps, () => SkTapSolutions.ContinueFromQuenchedStates(inst, [double.PositiveInfinity], 1, 1)).ToCase();
        yield return Range("SkTapSolutions.Continue: T not NaN", "temperatures", temps, () => SkTapSolutions.ContinueFromQuenchedStates(inst, [double.NaN], 1, 1)).ToCase();
        yield return Range("SkTapSolutions.Continue: a branch", "branches", "at least one branch", () => SkTapSolutions.ContinueFromQuenchedStates(inst, [1.0], 0, 1)).ToCase();
        yield return Range("SkTapSolutions.Continue: parallelism >= 1", "parallelism", "parallelism must be at least 1", () => SkTapSolutions.ContinueFromQuenchedStates(inst, [1.0], 1, 1, parallelism: 0)).ToCase();
        yield return Null("SkTapSolutions.Scan: instance not null", "instance", () => SkTapSolutions.Scan(null!, [1.0])).ToCase();
        yield return Null("SkTapSolutions.Scan: temperatures not null", "temperatures", () => SkTapSolutions.Scan(inst, null!)).ToCase();
        yield return Range("SkTapSolutions.Scan: T > 0", "temperatures", temps, () => SkTapSolutions.Scan(inst, [1.0, 0.0])).ToCase();
        yield return Range("SkTapSolutions.Scan: T not negative", "temperatures", temps, () => SkTapSolutions.Scan(inst, [-1.0])).ToCase();
        yield return Range("SkTapSolutions.Scan: T finite", "temperatures", temps, () => SkTapSolutions.Scan(inst, [double.PositiveInfinity])).ToCase();
        yield return Range("SkTapSolutions.Scan: parallelism >= 1", "parallelism", "parallelism must be at least 1", () => SkTapSolutions.Scan(inst, [1.0], parallelism: 0)).ToCase();
        SkInstance[] one = [inst];
        SkTapStateOptions Opt(Func<SkTapStateOptions, SkTapStateOptions> f) => f(new SkTapStateOptions());
        yield return Null("SkTapStates.Find: instances not null", "instances", () => SkTapStates.Find(null!, [0.5])).ToCase();
        yield return Null("SkTapStates.Find: temperatures not null", "temperatures", () => SkTapStates.Find(one, null!)).ToCase();
        yield return Arg("SkTapStates.Find: an instance", "instances", "at least one instance", () => SkTapStates.Find([], [0.5])).ToCase();
        yield return Arg("SkTapStates.Find: one size", "instances", "all instances must have the same size", () => SkTapStates.Find([inst, other], [0.5])).ToCase();
        yield return Range("SkTapStates.Find: a temperature", "temperatures", temps, () => SkTapStates.Find(one, [])).ToCase();
        yield return Range("SkTapStates.Find: T > 0", "temperatures", temps, () => SkTapStates.Find(one, [0.5, 0.0])).ToCase();
        yield return Range("SkTapStates.Find: T finite", "temperatures", temps, () => SkTapStates.Find(one, [double.PositiveInfinity])).ToCase();
        yield return Range("SkTapStates.Find: T not NaN", "temperatures", temps, () => SkTapStates.Find(one, [double.NaN])).ToCase();
        yield return Range("SkTapStates.Find: Starts >= 1", "options", "Starts must be at least 1", () => SkTapStates.Find(one, [0.5], Opt(o => o with { Starts = 0 }))).ToCase();
        yield return Range("SkTapStates.Find: EquilibrationSweeps >= 0", "options", "EquilibrationSweeps must be >= 0", () => SkTapStates.Find(one, [0.5], Opt(o => o with { EquilibrationSweeps = -1 }))).ToCase();
        yield return Range("SkTapStates.Find: AverageSweeps >= 1", "options", "AverageSweeps must be at least 1", () => SkTapStates.Find(one, [0.5], Opt(o => o with { AverageSweeps = 0 }))).ToCase();
        const string step = "TemperatureStep must lie in (0, 0.1]";
        yield return Range("SkTapStates.Find: TemperatureStep > 0", "options", step, () => SkTapStates.Find(one, [0.5], Opt(o => o with { TemperatureStep = 0 }))).ToCase();
        yield return Range("SkTapStates.Find: TemperatureStep <= 0.1", "options", step, () => SkTapStates.Find(one, [0.5], Opt(o => o with { TemperatureStep = 0.10000000000000002 }))).ToCase();
        yield return Range("SkTapStates.Find: TemperatureStep not NaN", "options", step, () => SkTapStates.Find(one, [0.5], Opt(o => o with { TemperatureStep = double.NaN }))).ToCase();
        const string range = "need 0 < LowestTemperature < HighestTemperature < infinity";
        yield return Range("SkTapStates.Find: LowestTemperature > 0", "options", range, () => SkTapStates.Find(one, [0.5], Opt(o => o with { LowestTemperature = 0 }))).ToCase();
        yield return Range("SkTapStates.Find: HighestTemperature > LowestTemperature", "options", range, () => SkTapStates.Find(one, [0.5], Opt(o => o with { LowestTemperature = 0.7, HighestTemperature = 0.7 }))).ToCase();
        yield return Range("SkTapStates.Find: HighestTemperature finite", "options", range, () => SkTapStates.Find(one, [0.5], Opt(o => o with { HighestTemperature = double.PositiveInfinity }))).ToCase();
        yield return Range("SkTapStates.Find: parallelism >= 1", "parallelism", "parallelism must be at least 1", () => SkTapStates.Find(one, [0.5], null, 0)).ToCase();
    }

    [TestCaseSource(nameof(Checks))]
    public void BadArguments_AreRefused(ArgumentCheck check) => check.Verify();

    // ---- SkReplicaSymmetric ----

    /// <summary>int Dz f(z) by the trapezoid rule on [-10, 10] with 50 001 points (as in <see cref="SkReplicaSymmetricTests"/>).</summary>
    static double Trapezoid(Func<double, double> f) => SkReplicaSymmetricTests.Trapezoid(f);

    /// <summary>
    /// F(q) = int Dz tanh^2(J sqrt(q) z / T) at J = 1.5, T = 2, q = 0.36 (a = 0.405) against the trapezoid rule (1e-12: both
    /// are exact to rounding for this smooth integrand); q &lt; 0 counts as 0 (F = 0).
    /// </summary>
    [Test]
    public void RightHandSide_AtOtherScales_IsTheGaussianAverage()
    {
        double a = 1.5 * 0.6 / 2;
        NumericAssert.AreEqualAbsolute(Trapezoid(z => Math.Pow(Math.Tanh(a * z), 2)), SkReplicaSymmetric.RightHandSide(0.36, 2, 1.5), 1e-12, "F(0.36)");
        Assert.That(SkReplicaSymmetric.RightHandSide(-0.5, 0.5), Is.EqualTo(0.0));
    }

    /// <summary>
    /// A caller's quadrature is used: with the 6-node Gauss-Hermite rule the RS equation is q = sum_k w_k tanh^2(sqrt(q) x_k / T),
    /// whose root at T = 0.5 is bisected here on the same nodes (to 1e-13), and it differs from the 400-node q by far more
    /// (6 nodes cannot resolve the kink of width T).
    /// </summary>
    [Test]
    public void OrderParameter_UsesTheGivenRule()
    {
        var rule = GaussQuadrature.Hermite(6);
        double Sum(double q) => rule.Nodes.Select((x, k) => rule.Weights[k] * Math.Pow(Math.Tanh(Math.Sqrt(q) * x / 0.5), 2)).Sum();
        double lo = 1e-6, hi = 1;
        for (int k = 0; k < 60; k++)
        {
            double mid = 0.5 * (lo + hi);
            if (Sum(mid) > mid) lo = mid; else hi = mid;
        }
        double q6 = SkReplicaSymmetric.OrderParameter(0.5, 1, rule);
        NumericAssert.AreEqualAbsolute(lo, q6, 1e-13, "q with 6 nodes");
        NumericAssert.AreEqualAbsolute(Sum(0.3), SkReplicaSymmetric.RightHandSide(0.3, 0.5, 1, rule), 1e-15, "F with 6 nodes");
        Assert.That(Math.Abs(q6 - SkReplicaSymmetric.OrderParameter(0.5)), Is.GreaterThan(1e-4), "a different rule gives a different q");
    }

    /// <summary>
    /// The near-critical solution t^2 (1 - t^2)/2, t = T/J: at T = 0.5, J = 1 and at T = 1, J = 2 it is 0.25 x 0.75 / 2 = 0.09375;
    /// 0 at and above T_c.
    /// </summary>
    [Test]
    public void NearCritical_ByHand()
    {
        Assert.That(SkReplicaSymmetric.NearCritical(0.5), Is.EqualTo(0.09375));
        Assert.That(SkReplicaSymmetric.NearCritical(1, 2), Is.EqualTo(0.09375));
        Assert.That(SkReplicaSymmetric.NearCritical(1.5), Is.EqualTo(0.0));
        Assert.That(SkReplicaSymmetric.NearCritical(2, 2), Is.EqualTo(0.0));
    }

    // ---- SkLinearizedTap ----

    /// <summary>
    /// The large-N crossing (1 - sqrt c)/J: level 0.25 at J = 2 gives 0.25; level 0 gives 1/J (boundary value, accepted).
    /// </summary>
    [Test]
    public void LargeSizeBetaAtLevel_ByHand()
    {
        Assert.That(SkLinearizedTap.LargeSizeBetaAtLevel(0.25, 2), Is.EqualTo(0.25));
        Assert.That(SkLinearizedTap.LargeSizeBetaAtLevel(0, 2), Is.EqualTo(0.5));
    }

    /// <summary>
    /// A curve that stays above the level: on (0, 0.3] lambda_min(beta) of I - beta J + beta^2 diag(d) decreases from 1 and is
    /// still ~0.5 at 0.3 for an N = 30 instance (semicircle edge 2: 1 - 0.6 + 0.09), so neither the level 0.2 nor 0 is
    /// crossed; the minimum sits at beta_max with the smallest eigenvalue of that matrix (built and diagonalised here, 1e-9).
    /// </summary>
    [Test]
    public void Transition_AboveTheLevel_HasNoCrossings()
    {
        const int n = 30;
        var inst = SkInstances.Draw(n, 1.0, Seed);
        var r = SkLinearizedTap.Transition(inst, 0.3, 0.2);
        Assert.That(r.BetaAtLevel, Is.Null);
        Assert.That(r.BetaZero, Is.Null);
        Assert.That((r.Size, r.Seed), Is.EqualTo((n, Seed)));
        NumericAssert.AreEqualAbsolute(0.3, r.BetaStar, 1e-6, "minimum at beta_max");
        var a = inst.Coupling.ToDenseRowMajor();
        var d = inst.Coupling.RowSquareSums();
        var m = new double[n * n];
        for (int i = 0; i < n; i++)
            for (int k = 0; k < n; k++) m[i * n + k] = (i == k ? 1 + 0.09 * d[i] : 0) - 0.3 * a[i * n + k];
        NumericAssert.AreEqualAbsolute(TorchLinalg.SymmetricEigenvalues(m, n).Min(), r.MinValue, 1e-9, "lambda_min(beta_max)");
        Assert.That(r.MinValue, Is.GreaterThan(0.3));
    }

    // ---- SkFiniteSize ----

    static SkSizeStatistics Stats(int n, double tStar, double error) => new()
    {
        Size = n, Instances = 4, MeanBetaStar = 1 / tStar, BetaStarError = error, MeanTStar = tStar, TStarError = error, MeanMinimum = 0, MinimumError = 0,
        ReachedLevel = 0, MeanBetaAtLevel = double.NaN, BetaAtLevelError = double.NaN, ReachedZero = 0,
    };

    /// <summary>Mean and standard error sd/sqrt(n) by hand: [1, 3] gives (2, sqrt(2)/sqrt(2) = 1); [1, 2, 4] gives (7/3, sqrt((42/9)/2/3)); one value has no error, none no mean.</summary>
    [Test]
    public void MeanAndError_ByHand()
    {
        Assert.That(SkFiniteSize.MeanAndError([1.0, 3.0]), Is.EqualTo((2.0, 1.0)));
        var (m, e) = SkFiniteSize.MeanAndError([1.0, 2.0, 4.0]);
        NumericAssert.AreEqualAbsolute(7.0 / 3, m, 1e-15, "mean");
        NumericAssert.AreEqualAbsolute(Math.Sqrt(42.0 / 9 / 2 / 3), e, 1e-15, "standard error");
        var (m1, e1) = SkFiniteSize.MeanAndError([2.5]);
        Assert.That(m1, Is.EqualTo(2.5));
        Assert.That(e1, Is.NaN);
        var (m0, e0) = SkFiniteSize.MeanAndError([]);
        Assert.That(m0, Is.NaN);
        Assert.That(e0, Is.NaN);
    }

    /// <summary>
    /// The standard error of values far from zero: 1e8 + [1, 2, 4] has the deviations of [1, 2, 4], so the same error
    /// sqrt((42/9)/2/3). The sum of squared deviations is taken about the mean (two passes); the algebraically equal
    /// sum v^2 - n mean^2 cancels 1e16-sized terms and is 64 % off here, while the deviations about the computed mean carry
    /// only its rounding (1e-8 each, squared: 1e-16 relative), so 1e-12 relative is loose.
    /// </summary>
    [Test]
    public void MeanAndError_FarFromZero_SumsDeviationsAboutTheMean()
    {
        var (m, e) = SkFiniteSize.MeanAndError([1e8 + 1, 1e8 + 2, 1e8 + 4]);
        NumericAssert.AreEqualRelative(1e8 + 7.0 / 3, m, 1e-15, "mean");
        NumericAssert.AreEqualRelative(Math.Sqrt(42.0 / 9 / 2 / 3), e, 1e-12, "standard error");
    }

    /// <summary>
    /// Two sizes, N = 1 and 8 (x = N^(-2/3) = 1 and 0.25), T* = 1.3 +- 0.02 and 1.0 +- 0.01: the line through both has slope
    /// 0.3/0.75 = 0.4 and intercept 0.9; by error propagation var(c) = (x2^2 s1^2 + x1^2 s2^2)/(x1 - x2)^2 = 1.25e-4/0.5625 and
    /// var(a) = (s1^2 + s2^2)/(x1 - x2)^2 = 5e-4/0.5625; no degrees of freedom: chi^2/dof NaN, no rescaling.
    /// </summary>
    [Test]
    public void Extrapolate_TwoSizes_ByErrorPropagation()
    {
        var ex = SkFiniteSize.Extrapolate([Stats(1, 1.3, 0.02), Stats(8, 1.0, 0.01)]);
        NumericAssert.AreEqualAbsolute(0.9, ex.TInfinity, 1e-14, "intercept");
        NumericAssert.AreEqualAbsolute(0.4, ex.Slope, 1e-14, "slope");
        NumericAssert.AreEqualRelative(Math.Sqrt(1.25e-4 / 0.5625), ex.TInfinityError, 1e-12, "intercept error");
        NumericAssert.AreEqualRelative(Math.Sqrt(5e-4 / 0.5625), ex.SlopeError, 1e-12, "slope error");
        Assert.That(ex.ChiSquarePerDof, Is.NaN);
        Assert.That(ex.Weighted, Is.True);
        NumericAssert.AreEqualAbsolute(0.25, Stats(8, 1, 1).ScalingVariable, 1e-15, "8^(-2/3)");
    }

    // x = 1, 1/4, 1/16 (N = 1, 8, 64); e is orthogonal to (1, 1, 1) and to x, so a line fit to 1 + 0.6 x + k e returns
    // intercept 1 and slope 0.6 exactly and leaves the residuals k e, |e|^2 = 1.4765625.
    static readonly int[] Ns = [1, 8, 64];
    static readonly double[] Xs = [1, 0.25, 0.0625], E = [-0.1875, 0.9375, -0.75];
    const double Sxx = 1 + 0.0625 + 0.00390625, Sx = 1.3125, Det = 3 * Sxx - Sx * Sx; // n sum x^2 - (sum x)^2 = 1.4765625

    static SkSizeStatistics[] Three(double k, double error) => OnTheLine(Ns, Xs, E, k, error);

    /// <summary>Sizes ns at x = N^(-2/3) = xs with T* = 1 + 0.6 x + k e and equal errors.</summary>
    static SkSizeStatistics[] OnTheLine(int[] ns, double[] xs, double[] e, double k, double error) =>
        Enumerable.Range(0, ns.Length).Select(i => Stats(ns[i], 1 + 0.6 * xs[i] + k * e[i], error)).ToArray();

    /// <summary>
    /// Three sizes with equal errors s: the ordinary least-squares variances var(c) = s^2 sum x^2 / Det and var(a) = s^2 n / Det
    /// (Det = n sum x^2 - (sum x)^2); chi^2 = k^2 |e|^2 / s^2 with one degree of freedom. With k = 0.01, s = 0.001 chi^2 = 147.66
    /// and the errors are scaled by sqrt(chi^2); with k = 1e-5 chi^2 = 1.5e-4 &lt; 1 and they are not scaled down.
    /// </summary>
    [Test]
    public void Extrapolate_ThreeSizes_ScalesErrorsByChiSquareAboveOne()
    {
        foreach (var (k, scaled) in new[] { (0.01, true), (1e-5, false) })
        {
            const double s = 0.001;
            var ex = SkFiniteSize.Extrapolate(Three(k, s));
            double chi2 = k * k * 1.4765625 / (s * s), scale = scaled ? Math.Sqrt(chi2) : 1;
            NumericAssert.AreEqualAbsolute(1, ex.TInfinity, 1e-12, "intercept");
            NumericAssert.AreEqualAbsolute(0.6, ex.Slope, 1e-12, "slope");
            NumericAssert.AreEqualRelative(chi2, ex.ChiSquarePerDof, 1e-9, "chi^2 / dof");
            NumericAssert.AreEqualRelative(s * Math.Sqrt(Sxx / Det) * scale, ex.TInfinityError, 1e-9, "intercept error");
            NumericAssert.AreEqualRelative(s * Math.Sqrt(3 / Det) * scale, ex.SlopeError, 1e-9, "slope error");
            Assert.That(ex.Weighted, Is.True);
        }
    }

    // x = 1, 1/4, 1/16, 1/64 (N = 1, 8, 64, 512); e4 = (0, 1, -5, 4) is orthogonal to (1, 1, 1, 1) and to x, |e4|^2 = 42:
    // two degrees of freedom, so that chi^2 / dof differs from chi^2 dof (with three sizes, dof = 1, they agree)
    static readonly int[] Ns4 = [1, 8, 64, 512];
    static readonly double[] Xs4 = [1, 0.25, 0.0625, 0.015625], E4 = [0, 1, -5, 4];
    const double Sxx4 = 1 + 0.0625 + 0.00390625 + 0.000244140625, Sx4 = 1.328125, Det4 = 4 * Sxx4 - Sx4 * Sx4;

    /// <summary>
    /// Four sizes, T* = 1 + 0.6 x + k e4: the fit returns 1 and 0.6 and leaves RSS = 42 k^2 over two degrees of freedom.
    /// Weighted (equal errors s = 0.001, k = 0.01): chi^2/dof = 21 k^2 / s^2 = 2100, the errors
    /// s sqrt(sum x^2 / Det) (intercept) and s sqrt(n / Det) (slope) scaled by sqrt(chi^2/dof); unweighted (one error NaN):
    /// the same errors with s^2 replaced by the residual variance RSS/dof = 21 k^2.
    /// </summary>
    [Test]
    public void Extrapolate_FourSizes_DividesChiSquareByTheDegreesOfFreedom()
    {
        const double k = 0.01, s = 0.001;
        var stats = OnTheLine(Ns4, Xs4, E4, k, s);
        var w = SkFiniteSize.Extrapolate(stats);
        double perDof = 21 * k * k / (s * s);
        Assert.That(w.Weighted, Is.True);
        NumericAssert.AreEqualAbsolute(1, w.TInfinity, 1e-12, "intercept");
        NumericAssert.AreEqualAbsolute(0.6, w.Slope, 1e-12, "slope");
        NumericAssert.AreEqualRelative(perDof, w.ChiSquarePerDof, 1e-9, "chi^2 / dof");
        NumericAssert.AreEqualRelative(s * Math.Sqrt(Sxx4 / Det4) * Math.Sqrt(perDof), w.TInfinityError, 1e-9, "intercept error");
        NumericAssert.AreEqualRelative(s * Math.Sqrt(4 / Det4) * Math.Sqrt(perDof), w.SlopeError, 1e-9, "slope error");

        stats[2] = stats[2] with { TStarError = double.NaN };
        var u = SkFiniteSize.Extrapolate(stats);
        double sigma = Math.Sqrt(21 * k * k);
        Assert.That(u.Weighted, Is.False);
        NumericAssert.AreEqualAbsolute(1, u.TInfinity, 1e-12, "unweighted intercept");
        NumericAssert.AreEqualRelative(sigma * Math.Sqrt(Sxx4 / Det4), u.TInfinityError, 1e-9, "unweighted intercept error");
        NumericAssert.AreEqualRelative(sigma * Math.Sqrt(4 / Det4), u.SlopeError, 1e-9, "unweighted slope error");
    }

    /// <summary>
    /// Without usable errors (one of them NaN, 0 or infinite) the fit is unweighted and its errors come from the residual
    /// variance RSS / dof = k^2 |e|^2 (k = 0.01): var(c) = (RSS/dof) sum x^2 / Det; chi^2/dof is NaN. With two such sizes
    /// there is no residual variance: the errors are NaN.
    /// </summary>
    [Test]
    public void Extrapolate_WithoutErrors_IsUnweighted()
    {
        foreach (var bad in new[] { double.NaN, 0.0, double.PositiveInfinity })
        {
            var stats = Three(0.01, 0.001);
            stats[1] = stats[1] with { TStarError = bad };
            var ex = SkFiniteSize.Extrapolate(stats);
            double sigma = 0.01 * Math.Sqrt(1.4765625);
            Assert.That(ex.Weighted, Is.False, $"error {bad}");
            NumericAssert.AreEqualAbsolute(1, ex.TInfinity, 1e-12, "intercept");
            NumericAssert.AreEqualAbsolute(0.6, ex.Slope, 1e-12, "slope");
            NumericAssert.AreEqualRelative(sigma * Math.Sqrt(Sxx / Det), ex.TInfinityError, 1e-9, $"intercept error, error {bad}");
            NumericAssert.AreEqualRelative(sigma * Math.Sqrt(3 / Det), ex.SlopeError, 1e-9, "slope error");
            Assert.That(ex.ChiSquarePerDof, Is.NaN);
        }
        var two = SkFiniteSize.Extrapolate([Stats(1, 1.3, double.NaN), Stats(8, 1.0, double.NaN)]);
        NumericAssert.AreEqualAbsolute(0.9, two.TInfinity, 1e-14, "intercept");
        Assert.That(two.TInfinityError, Is.NaN);
        Assert.That(two.SlopeError, Is.NaN);
    }

    /// <summary>
    /// The per-size statistics are the instance averages: for J = 2 and level 0.5, each size's means and standard errors (sd /
    /// sqrt(count), computed here) of beta*, T* = 1/beta*, the minimum and the level crossings over the instances that reach the
    /// level; the counts; each instance is the transition of its own seeded draw. One size (given twice: counted once) gives no
    /// extrapolation, one instance no errors (boundary values, accepted).
    /// </summary>
    [Test]
    public void Run_StatisticsAreTheInstanceAverages()
    {
        var r = SkFiniteSize.Run([12, 8], 3, 2.0, Seed, 1.5, 0.5);
        Assert.That((r.CouplingScale, r.Level), Is.EqualTo((2.0, 0.5)));
        Assert.That(r.Instances.Select(i => i.Size), Is.EqualTo(new[] { 8, 8, 8, 12, 12, 12 }));
        var first = SkLinearizedTap.Transition(SkInstances.Draw(8, 2.0, SkInstances.InstanceSeed(Seed, 8, 0)), 1.5, 0.5);
        Assert.That(r.Instances[0], Is.EqualTo(first));
        foreach (var s in r.Sizes)
        {
            var own = r.Instances.Where(i => i.Size == s.Size).ToList();
            static (double, double) MeanSe(IList<double> v)
            {
                double m = v.Average();
                return (m, Math.Sqrt(v.Sum(x => (x - m) * (x - m)) / (v.Count - 1) / v.Count));
            }
            Assert.That(s.Instances, Is.EqualTo(3));
            var (b, be) = MeanSe(own.Select(i => i.BetaStar).ToList());
            var (t, te) = MeanSe(own.Select(i => 1 / i.BetaStar).ToList());
            var (mv, me) = MeanSe(own.Select(i => i.MinValue).ToList());
            NumericAssert.AreEqualRelative(b, s.MeanBetaStar, 1e-14, "mean beta*");
            NumericAssert.AreEqualRelative(be, s.BetaStarError, 1e-12, "beta* error");
            NumericAssert.AreEqualRelative(t, s.MeanTStar, 1e-14, "mean T*");
            NumericAssert.AreEqualRelative(te, s.TStarError, 1e-12, "T* error");
            NumericAssert.AreEqualAbsolute(mv, s.MeanMinimum, 1e-14, "mean minimum");
            NumericAssert.AreEqualRelative(me, s.MinimumError, 1e-12, "minimum error");
            var levels = own.Where(i => i.BetaAtLevel.HasValue).Select(i => i.BetaAtLevel!.Value).ToList();
            Assert.That(s.ReachedLevel, Is.EqualTo(levels.Count));
            Assert.That(levels, Is.Not.Empty, "this seed: the level 0.5 is crossed (3 of 3 at N = 8, 1 of 3 at N = 12)");
            NumericAssert.AreEqualRelative(levels.Average(), s.MeanBetaAtLevel, 1e-14, "mean crossing");
            if (levels.Count > 1) NumericAssert.AreEqualRelative(MeanSe(levels).Item2, s.BetaAtLevelError, 1e-12, "crossing error");
            else Assert.That(s.BetaAtLevelError, Is.NaN, "one crossing: no error");
            Assert.That(s.ReachedZero, Is.EqualTo(own.Count(i => i.BetaZero.HasValue)));
        }
        Assert.That(r.Extrapolation, Is.Not.Null);
        var single = SkFiniteSize.Run([2, 2], 1, 1.0, Seed, 2, 0.1);
        Assert.That(single.Sizes, Has.Count.EqualTo(1), "a repeated size counts once");
        Assert.That(single.Instances, Has.Count.EqualTo(1));
        Assert.That(single.Extrapolation, Is.Null);
        Assert.That(single.Sizes[0].TStarError, Is.NaN);
        Assert.That(single.Sizes[0].MeanTStar, Is.EqualTo(single.Instances[0].TStar));
    }

    // ---- SkTapSolutions ----

    /// <summary>q_EA and x_P of no spins: q_EA = 0 (no spins, no order) and x_P = 1 (an empty sum; the divisor is at least 1).</summary>
    [Test]
    public void EdwardsAndersonAndPlefka_OfNoSpins()
    {
        Assert.That(SkTapSolutions.EdwardsAnderson([]), Is.EqualTo(0.0));
        Assert.That(SkTapSolutions.Plefka([], 2), Is.EqualTo(1.0));
    }

    /// <summary>The quench as documented: s_i = -1 if rng.Next(2) == 0 else +1 for i = 0..N-1, then sequential sweeps that flip
    /// s_i while s_i (h_i + sum_k J_ik s_k) &lt; 0 (the local field computed afresh here), until a sweep flips nothing.</summary>
    static double[] ReferenceQuench(SkInstance inst, Random rng)
    {
        int n = inst.Size;
        var h = inst.FieldsCopy();
        var s = new double[n];
        for (int i = 0; i < n; i++) s[i] = rng.Next(2) == 0 ? -1 : 1;
        for (bool changed = true; changed;)
        {
            changed = false;
            for (int i = 0; i < n; i++)
            {
                double f = h[i];
                for (int k = 0; k < n; k++) f += inst.Coupling[i, k] * s[k];
                if (s[i] * f < 0) { s[i] = -s[i]; changed = true; }
            }
        }
        return s;
    }

    /// <summary>
    /// The quench equals the reference descent draw for draw (same seed), with and without a random field (N = 40, field
    /// strength 0.8: h enters the stability condition), and ends single-flip stable.
    /// </summary>
    [Test]
    public void Quench_IsTheGreedyDescentFromTheDrawnConfiguration()
    {
        foreach (var inst in new[] { SkInstances.Draw(40, 1.0, Seed), SkInstances.Draw(40, 1.0, Seed, new SkField(SkFieldKind.Random, 0.8)) })
            for (int seed = 1; seed <= 3; seed++)
                Assert.That(SkTapSolutions.Quench(inst, new SplitMixSource(seed)), Is.EqualTo(ReferenceQuench(inst, new SplitMixSource(seed))), $"seed {seed}");
    }

    /// <summary>
    /// The scan's summary at each temperature is that of the fixed points found by <see cref="TapFixedPoints.Find"/> with the
    /// same options (computed here; the sequential solver, which converges for this instance where the default damped
    /// iteration does not): distinct count, the non-trivial ones (q_EA &gt; 1e-8) sorted by F: q_EA of the first, mean and
    /// largest q_EA, lowest F per spin, x_P = 1 - beta^2 J^2 mean (1 - m_i^2)^2 of the lowest; J = 2 and a random field of
    /// strength 0.4 (so the solutions are polarised); the RS q at T = 0.5 J against the trapezoid root (1e-5, the 400-node
    /// accuracy at T/J &gt;= 0.3, section 8) and 0 above T_c.
    /// </summary>
    [Test]
    public void Scan_SummarisesTheFixedPoints()
    {
        const double scale = 2;
        var inst = SkInstances.Draw(30, scale, Seed, new SkField(SkFieldKind.Random, 0.4));
        var options = new TapFixedPointOptions { Starts = 16, Seed = 3, Sequential = true, Damping = 0 };
        double[] temps = [0.5 * scale, 1.5 * scale];
        var rows = SkTapSolutions.Scan(inst, temps, options, parallelism: 2);
        for (int i = 0; i < temps.Length; i++)
        {
            double t = temps[i], beta = 1 / t;
            var found = TapFixedPoints.Find(inst.ToIsingModel(beta), options);
            var nonTrivial = found.FixedPoints.Where(p => p.Magnetizations.Average(x => x * x) > 1e-8).ToList();
            var qs = nonTrivial.Select(p => p.Magnetizations.Average(x => x * x)).ToList();
            var row = rows[i];
            Assert.That((row.Temperature, row.Starts, row.Converged, row.NotConverged, row.Distinct, row.NonTrivial),
                Is.EqualTo((t, 16, found.Converged, found.NotConverged, found.FixedPoints.Count, nonTrivial.Count)));
            Assert.That(qs, Is.Not.Empty);
            NumericAssert.AreEqualAbsolute(qs[0], row.QeaLowest, 1e-15, "q_EA of the lowest");
            NumericAssert.AreEqualAbsolute(qs.Average(), row.QeaMean, 1e-15, "mean q_EA");
            NumericAssert.AreEqualAbsolute(qs.Max(), row.QeaMax, 1e-15, "largest q_EA");
            NumericAssert.AreEqualAbsolute(found.FixedPoints[0].FreeEnergyPerSpin, row.LowestFreeEnergyPerSpin, 1e-15, "lowest F / N");
            double plefka = 1 - beta * beta * scale * scale * found.FixedPoints[0].Magnetizations.Average(x => (1 - x * x) * (1 - x * x));
            NumericAssert.AreEqualAbsolute(plefka, row.PlefkaLowest, 1e-13, "x_P of the lowest");
        }
        Assert.That(rows[1].ReplicaSymmetricQ, Is.EqualTo(0.0));
        // the default damped iteration converges from no start at T = 0.6 J for this instance: no solutions, NaN summaries
        var none = SkTapSolutions.Scan(inst, [0.6 * scale], new TapFixedPointOptions { Starts = 4, Seed = 3 })[0];
        Assert.That((none.Converged, none.NotConverged, none.Distinct, none.NonTrivial, none.QeaLowest, none.QeaMean, none.QeaMax), Is.EqualTo((0, 4, 0, 0, 0.0, 0.0, 0.0)));
        Assert.That(none.LowestFreeEnergyPerSpin, Is.NaN);
        Assert.That(none.PlefkaLowest, Is.NaN);
        NumericAssert.AreEqualAbsolute(ReferenceRsQ(0.5), rows[0].ReplicaSymmetricQ, 1e-5, "RS q(T/J = 0.5)");
    }

    /// <summary>The RS root q = int Dz tanh^2(sqrt(q) z / t) by bisection on the trapezoid rule (40 halvings, 1e-12).</summary>
    static double ReferenceRsQ(double t)
    {
        double lo = 0, hi = 1;
        for (int k = 0; k < 40; k++)
        {
            double mid = 0.5 * (lo + hi), a = Math.Sqrt(mid) / t;
            if (Trapezoid(z => Math.Pow(Math.Tanh(a * z), 2)) > mid) lo = mid; else hi = mid;
        }
        return 0.5 * (lo + hi);
    }

    /// <summary>
    /// The continuation summary is that of the branches followed here: quenched states xi_b from SplitMixSource(Seeds.Derive(seed,
    /// N, b)) (the reference descent), each continued by <see cref="TapNewton.ContinueInField"/> from h0 = startField J; the
    /// folds' mean field, q_EA and x_P (with J^2); the h = 0 end points with residual &lt; 1e-10 counted, the non-trivial ones
    /// grouped up to sign (|cos| &gt; 1 - 1e-6), and the lowest-F one's q_EA, x_P and smallest Hessian eigenvalue. J = 2,
    /// start field 1.5, T = 0.6 J.
    /// </summary>
    [Test]
    public void ContinueFromQuenchedStates_SummarisesTheBranches()
    {
        const double scale = 2, startField = 1.5;
        const int n = 40, branches = 3;
        const long seed = 5;
        var inst = SkInstances.Draw(n, scale, Seed);
        double t = 0.6 * scale, beta = 1 / t;
        var row = SkTapSolutions.ContinueFromQuenchedStates(inst, [t], branches, seed, startField)[0];
        var j = inst.Coupling;
        int reached = 0;
        var nonTrivial = new List<double[]>();
        var folds = new List<TapBranchPoint>();
        for (int b = 0; b < branches; b++)
        {
            var xi = ReferenceQuench(inst, new SplitMixSource(Seeds.Derive(seed, n, b)));
            var c = TapNewton.ContinueInField(j, beta, xi, startField * scale);
            if (c.FirstFold is { } f) folds.Add(f);
            if (c.AtZeroField is not { Converged: true } z) continue;
            if (TapSolver.Residuals(j, beta, default, z.Magnetizations).Max(Math.Abs) >= 1e-10) continue;
            reached++;
            double q = z.Magnetizations.Average(x => x * x);
            if (q <= 1e-8) continue;
            if (!nonTrivial.Any(o => Math.Abs(Cos(o, z.Magnetizations)) > 1 - 1e-6)) nonTrivial.Add(z.Magnetizations);
        }
        double Plefka(double[] m) => 1 - beta * beta * scale * scale * m.Average(x => (1 - x * x) * (1 - x * x));
        Assert.That((row.Temperature, row.Branches, row.ReachedZeroField, row.NonTrivial, row.Folded), Is.EqualTo((t, branches, reached, nonTrivial.Count, folds.Count)));
        Assert.That(folds, Is.Not.Empty, "this seed: a branch folds");
        NumericAssert.AreEqualAbsolute(folds.Average(f => f.Field), row.FoldFieldMean, 1e-14, "mean fold field");
        NumericAssert.AreEqualAbsolute(folds.Average(f => f.Magnetizations.Average(x => x * x)), row.FoldQeaMean, 1e-14, "mean q_EA at the folds");
        NumericAssert.AreEqualAbsolute(folds.Average(f => Plefka(f.Magnetizations)), row.FoldPlefkaMean, 1e-12, "mean x_P at the folds");
        if (nonTrivial.Count == 0)
        {
            Assert.That(row.QeaNonTrivial, Is.NaN);
            Assert.That(row.PlefkaNonTrivial, Is.NaN);
            Assert.That(row.HessianMinNonTrivial, Is.NaN);
        }
        else
        {
            var best = nonTrivial.OrderBy(m => TapFreeEnergy.Evaluate(j, beta, m)).First();
            NumericAssert.AreEqualAbsolute(best.Average(x => x * x), row.QeaNonTrivial, 1e-14, "q_EA");
            NumericAssert.AreEqualAbsolute(Plefka(best), row.PlefkaNonTrivial, 1e-12, "x_P");
            NumericAssert.AreEqualAbsolute(TapNewton.SmallestHessianEigenvalue(j, beta, best), row.HessianMinNonTrivial, 1e-12, "Hessian");
        }
        NumericAssert.AreEqualAbsolute(ReferenceRsQ(0.6), row.ReplicaSymmetricQ, 1e-5, "RS q(T/J = 0.6)");
    }

    static double Cos(double[] a, double[] b)
    {
        double ab = 0, aa = 0, bb = 0;
        for (int i = 0; i < a.Length; i++) { ab += a[i] * b[i]; aa += a[i] * a[i]; bb += b[i] * b[i]; }
        return ab / Math.Sqrt(aa * bb);
    }

    // ---- SkTapStates ----

    static SkTapStatePoint Point(double t, double plefka, double hessian) => new(t, 0.5, plefka, hessian, -1, [0.5]);

    /// <summary>A valid TAP state: x_P &gt;= 0 (0 included) and a positive smallest Hessian eigenvalue (0 excluded).</summary>
    [Test]
    public void StatePoint_ValidIsPlefkaAndMinimum()
    {
        Assert.That(Point(0.5, 0, 1e-300).Valid, Is.True);
        Assert.That(Point(0.5, -1e-300, 1).Valid, Is.False);
        Assert.That(Point(0.5, 0.2, 0).Valid, Is.False);
        Assert.That(Point(0.5, -0.2, -1).Valid, Is.False);
    }

    /// <summary>
    /// A branch on the grid 0.50, 0.51, 0.52 whose low end was located at 0.495 (beyond the grid: added) and whose high end is
    /// its last point (not added twice); valid at 0.50 and 0.51 only, so the valid range is [0.50, 0.51]; a branch valid nowhere
    /// has the range (NaN, NaN).
    /// </summary>
    [Test]
    public void Branch_WithEndsAndValidRange()
    {
        var pts = new[] { Point(0.50, 0.1, 1), Point(0.51, 0.1, 1), Point(0.52, -0.1, 1) };
        var low = Point(0.495, 0.1, 1e-3);
        var b = new SkTapBranch(0, 0.51, 0.9, pts, SkTapBranchEnd.Vanished, SkTapBranchEnd.Range, low, pts[^1]);
        Assert.That(b.WithEnds.Select(p => p.Temperature), Is.EqualTo(new[] { 0.495, 0.50, 0.51, 0.52 }));
        Assert.That(b.ValidRange, Is.EqualTo((0.50, 0.51)));
        var high = Point(0.53, -0.1, 1);
        var c = new SkTapBranch(0, 0.52, 0.9, [pts[2]], SkTapBranchEnd.Range, SkTapBranchEnd.Vanished, pts[2], high);
        Assert.That(c.WithEnds.Select(p => p.Temperature), Is.EqualTo(new[] { 0.52, 0.53 }));
        Assert.That(double.IsNaN(c.ValidRange.Low) && double.IsNaN(c.ValidRange.High), Is.True);
    }

    /// <summary>
    /// The Monte Carlo seed as documented: the quench (reference descent) from the stream, heat-bath Monte Carlo from there on the
    /// zero-field model with the same stream (EquilibrationSweeps burn-in, AverageSweeps samples), m_i the sample mean of
    /// tanh(beta sum_k J_ik s_k), clamped to +-(1 - 1e-9). At T = 0.05 J (beta H_i ~ 20) tanh rounds to +-1 for most spins, so
    /// the clamp is active; 1e-14 covers the order of the field sums.
    /// </summary>
    [Test]
    public void MonteCarloSeed_IsTheImprovedAverageFromTheQuench()
    {
        const int n = 20;
        var inst = SkInstances.Draw(n, 1.0, Seed);
        var options = new SkTapStateOptions { EquilibrationSweeps = 5, AverageSweeps = 3 };
        const double t = 0.05, beta = 1 / t;
        var rng = new SplitMixSource(9);
        var start = ReferenceQuench(inst, rng).Select(x => (sbyte)x).ToArray();
        var model = new IsingModel(n, inst.Coupling.ToDenseRowMajor(), new double[n], beta);
        var run = MonteCarlo.Run(model, new MonteCarloOptions { BurnInSweeps = 5, Samples = 3, Initial = start }, rng);
        var expected = new double[n];
        for (int k = 0; k < run.Samples.SampleCount; k++)
        {
            var sample = run.Samples.Sample(k).ToArray();
            for (int i = 0; i < n; i++)
            {
                double h = 0;
                for (int l = 0; l < n; l++) h += inst.Coupling[i, l] * sample[l];
                expected[i] += Math.Tanh(beta * h) / 3;
            }
        }
        Assert.That(run.Samples.SampleCount, Is.EqualTo(3));
        expected = expected.Select(x => Math.Clamp(x, -(1 - 1e-9), 1 - 1e-9)).ToArray();
        Assert.That(expected.Count(x => Math.Abs(x) == 1 - 1e-9), Is.GreaterThan(0), "the clamp is active");
        NumericAssert.AllEqual(expected, SkTapStates.MonteCarloSeed(inst, t, options, new SplitMixSource(9)), 1e-14, 0, "seed m_i");
    }

    /// <summary>
    /// Boundary values that pass (no equilibration sweeps, the step 0.1, two starts on two N = 12 instances) above T_c: the
    /// search makes instances x starts = 4 runs, each classified once; the RS q is 0 there; with no valid state the means are NaN.
    /// </summary>
    [Test]
    public void Find_BoundaryOptions_AboveTc()
    {
        var instances = new[] { SkInstances.Draw(12, 1.0, Seed), SkInstances.Draw(12, 1.0, Seed + 1) };
        var options = new SkTapStateOptions { Starts = 2, EquilibrationSweeps = 0, AverageSweeps = 1, TemperatureStep = 0.1, Seed = 2 };
        var r = SkTapStates.Find(instances, [1.4], options);
        var s = r.Searches.Single();
        Assert.That((r.Instances, r.Size, s.Temperature, s.Runs), Is.EqualTo((2, 12, 1.4, 4)));
        Assert.That(s.NotConverged + s.Trivial + s.PlefkaViolated + s.Saddles + s.Valid, Is.EqualTo(4));
        Assert.That(s.ReplicaSymmetricQ, Is.EqualTo(0.0));
        if (s.InstancesWithValid == 0)
        {
            Assert.That(s.QeaMean, Is.NaN);
            Assert.That(s.PlefkaMean, Is.NaN);
            Assert.That(s.SeedCosineMean, Is.NaN);
        }
    }
}
