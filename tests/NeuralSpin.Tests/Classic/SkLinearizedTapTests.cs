using NUnit.Framework;
using NeuralSpin.Classic;
using NeuralSpin.Numerics;
using NeuralSpin.SpinModel;
using NeuralSpin.Tap;
using NeuralSpin.Tests.Support;

namespace NeuralSpin.Tests.Classic;

/// <summary>
/// The linearized-TAP curve of SK instances, lambda_min(beta) of I - M(beta) = I - beta J + beta^2 diag(d)
/// (docs/theory.md section 4), its approach to (1 - beta J)^2, and the finite-size transition study.
/// </summary>
[TestFixture, NonParallelizable]
public class SkLinearizedTapTests
{
    const long CurveSeed = 8201;
    const long StudySeed = 8202;
    static readonly double[] Betas = { 0.5, 1.0, 1.5, 2.0 };

    [TestCase(400)]
    [TestCase(800)]
    public void LambdaMin_ApproachesOneMinusBetaSquared_WithinEdgeFluctuations(int n)
    {
        // lambda_min(beta) = 1 - beta lambda_max(J) + beta^2 u^T D u + (second order in the d fluctuations), u the top
        // eigenvector of J. lambda_max(J) = 2 + N^(-2/3) chi with chi Tracy-Widom GOE (mean -1.21, sd 1.27);
        // |chi| <= 6 fails with probability ~1e-4 (left tail exp(-|s|^3/24), right tail far smaller).
        // u^T D u - 1 = (mean d - 1) + u^T (D - mean d) u: -1/N +- 2/N for mean d and ~sqrt(6)/N for the delocalised
        // u, so 10/N is ~3.5 sd. Tolerance beta 6 N^(-2/3) + beta^2 10/N; seed 8201 (false-failure rate ~1e-3).
        var inst = SkInstances.Draw(n, 1.0, CurveSeed);
        var pts = SkLinearizedTap.Curve(inst, Betas);
        double edge = Math.Pow(n, -2.0 / 3.0);
        foreach (var p in pts)
            NumericAssert.AreEqualAbsolute(SkLinearizedTap.LargeSizeLimit(p.Beta, 1), p.Value, p.Beta * 6 * edge + p.Beta * p.Beta * 10.0 / n, $"lambda_min({p.Beta}) at N = {n}");
    }

    [Test]
    public void LambdaMin_IsSandwichedByTheTopEigenpairOfJ()
    {
        // Rigorous bounds (Rayleigh quotients; D = diag(d) >= min d I):
        // 1 - beta lambda_max(J) + beta^2 min_i d_i <= lambda_min(beta) <= u^T (I - M) u = 1 - beta lambda_max(J) + beta^2 u^T D u.
        // 1e-10 covers the eigensolvers' rounding (~N eps ||I - M||).
        const int n = 300;
        var inst = SkInstances.Draw(n, 1.0, CurveSeed);
        var (w, v) = TorchLinalg.SymmetricEigen(inst.Coupling.ToDenseRowMajor(), n);
        double lmax = w[^1];
        var d = inst.Coupling.RowSquareSums();
        double uDu = 0;
        for (int i = 0; i < n; i++) { double ui = v[i * n + n - 1]; uDu += ui * ui * d[i]; }
        foreach (var p in SkLinearizedTap.Curve(inst, Betas))
        {
            NumericAssert.AtLeast(1 - p.Beta * lmax + p.Beta * p.Beta * d.Min(), p.Value, 1e-10, $"lower bound at beta {p.Beta}");
            NumericAssert.AtMost(1 - p.Beta * lmax + p.Beta * p.Beta * uDu, p.Value, 1e-10, $"upper bound at beta {p.Beta}");
        }
    }

    [Test]
    public void LambdaMin_ScalesWithTheCouplingScale()
    {
        // J -> c J multiplies the couplings by c and d by c^2, so I - M(beta; cJ) = I - M(c beta; J): the same seed at
        // scale 2 gives the scale-1 curve at twice the beta, to rounding (1e-11), i.e. (1 - beta J)^2 in units of J.
        var one = SkInstances.Draw(120, 1.0, CurveSeed);
        var two = SkInstances.Draw(120, 2.0, CurveSeed);
        var a = SkLinearizedTap.Curve(two, new[] { 0.25, 0.5, 0.75 });
        var b = SkLinearizedTap.Curve(one, new[] { 0.5, 1.0, 1.5 });
        for (int k = 0; k < 3; k++) NumericAssert.AreEqualAbsolute(b[k].Value, a[k].Value, 1e-11, $"point {k}");
    }

    [TestCase(0.5)]
    [TestCase(2.0)]
    [TestCase(3.0)]
    public void LargeSizeLimit_AtOtherCouplingScales_MatchesAFiniteInstance(double scale)
    {
        // docs/theory.md section 4: J_ij ~ N(0, J^2/N) gives lambda_min(beta) -> (1 - beta J)^2. A finite instance at scale
        // J (N = 400) must lie within the edge fluctuations of the scale-1 test above taken at x = beta J:
        // x 6 N^(-2/3) + x^2 10/N (same seed, so the same false-failure rate ~1e-3). The betas put x at 0.25..1, so a
        // limit that ignored the scale (1 - beta)^2 would be off by up to 0.56 at J = 3, 0.19 at J = 0.5.
        const int n = 400;
        var inst = SkInstances.Draw(n, scale, CurveSeed);
        double edge = Math.Pow(n, -2.0 / 3.0);
        var betas = new[] { 0.25, 0.5, 0.75, 1.0 }.Select(x => x / scale).ToArray();
        foreach (var p in SkLinearizedTap.Curve(inst, betas))
        {
            double x = p.Beta * scale;
            NumericAssert.AreEqualAbsolute(SkLinearizedTap.LargeSizeLimit(p.Beta, scale), p.Value, x * 6 * edge + x * x * 10.0 / n,
                $"lambda_min({p.Beta}) at J = {scale}");
        }
        // the closed forms agree with each other: the limit vanishes at beta = 1/J and equals c at the large-N crossing
        NumericAssert.AreEqualAbsolute(0, SkLinearizedTap.LargeSizeLimit(1 / scale, scale), 1e-15, "limit at beta = 1/J");
        foreach (double c in new[] { 0.0, 0.1, 0.5 })
            NumericAssert.AreEqualAbsolute(c, SkLinearizedTap.LargeSizeLimit(SkLinearizedTap.LargeSizeBetaAtLevel(c, scale), scale), 1e-14,
                $"limit at the large-N crossing of {c}");
    }

    [Test]
    public void Transition_MinimumAndCrossings_AreConsistent()
    {
        // beta* is a minimiser: neighbours 1e-3 away are not lower (beyond rounding); the level crossing lies before beta*
        // and has lambda_min = level to the search tolerance (1e-9 relative in beta, slope O(1)).
        var inst = SkInstances.Draw(200, 1.0, CurveSeed);
        var r = SkLinearizedTap.Transition(inst, 3, 0.2);
        var around = SkLinearizedTap.Curve(inst, new[] { r.BetaStar - 1e-3, r.BetaStar + 1e-3 });
        Assert.That(around.Select(p => p.Value), Is.All.GreaterThanOrEqualTo(r.MinValue - 1e-12));
        Assert.That(r.BetaAtLevel, Is.Not.Null.And.LessThan(r.BetaStar));
        NumericAssert.AreEqualAbsolute(0.2, SkLinearizedTap.Curve(inst, new[] { r.BetaAtLevel!.Value })[0].Value, 1e-8, "lambda_min at the crossing");
        Assert.That(r.BetaZero.HasValue, Is.EqualTo(r.MinValue <= 0), "a zero exists exactly when the minimum is not positive");
    }

    [Test]
    public void Transition_AtTheLevelZero_AndAtALevelTheCurveOnlyTouches()
    {
        // Over (0, 0.5] the curve of an N = 200 instance only falls (about (1 - beta)^2), so its minimum, about 0.3, is at
        // beta_max: level 0 is admissible and neither it nor zero is reached. A level equal to that minimum is touched at
        // beta_max: the certified lower bound lies within the slack of the level, so the crossing is searched for and the
        // touching minimiser returned (1e-6: the end point, located well within the search's relative width).
        var inst = SkInstances.Draw(200, 1.0, CurveSeed);
        var atZero = SkLinearizedTap.Transition(inst, 0.5, 0);
        Assert.That(atZero.MinValue, Is.InRange(0.2, 0.4), "the minimum at beta_max = 0.5");
        Assert.That(atZero.BetaAtLevel, Is.Null);
        Assert.That(atZero.BetaZero, Is.Null);
        var touching = SkLinearizedTap.Transition(inst, 0.5, atZero.MinValue);
        Assert.That(touching.BetaAtLevel, Is.Not.Null, "a level the curve touches at its minimum is reached");
        NumericAssert.AreEqualAbsolute(0.5, touching.BetaAtLevel!.Value, 1e-6, "the touching point");
    }

    [Test]
    public void Transition_FindsTheZero_OfACouplingWithAClosedFormCurve()
    {
        // J = (theta/N)(1 1^T - I): the uniform vector is an eigenvector of J (eigenvalue a = theta (N - 1)/N, the others
        // -theta/N) and d_i = (N - 1) theta^2/N^2 = a^2/(N - 1) for every i, so I - M(beta) = (1 + beta^2 d) I - beta J and
        // lambda_min(beta) = 1 - a beta + a^2 beta^2/(N - 1) exactly, whose first zero is
        // beta_0 = (N - 1)/(2a) (1 - sqrt(1 - 4/(N - 1))). N = 40, theta = 1.5: beta_0 = 0.7049, and over (0, 2] the
        // curve only falls (its vertex is at (N - 1)/(2a) = 13.3), so beta* = 2 with lambda_min(2) = -1.71. SK curves
        // of small instances stay positive (the edge of J's spectrum lies below 2), hence this coupling. 1e-9 relative: the
        // search's tolerance.
        const int n = 40;
        const double theta = 1.5;
        var j = new double[n * n];
        for (int a = 0; a < n; a++)
            for (int b = 0; b < n; b++)
                if (a != b) j[a * n + b] = theta / n;
        var inst = new SkInstance(new DenseCoupling(n, j), new double[n], theta, 0, SkField.Zero);
        double top = theta * (n - 1) / n;
        double beta0 = (n - 1) / (2 * top) * (1 - Math.Sqrt(1 - 4.0 / (n - 1)));
        var r = SkLinearizedTap.Transition(inst, 2, 0.2);
        NumericAssert.AreEqualAbsolute(2, r.BetaStar, 1e-6, "beta* at the end of the range");
        NumericAssert.AreEqualRelative(1 - 2 * top + 4 * top * top / (n - 1), r.MinValue, 1e-9, "lambda_min(2)");
        Assert.That(r.BetaZero, Is.Not.Null, "a negative minimum has a first zero");
        NumericAssert.AreEqualRelative(beta0, r.BetaZero!.Value, 1e-9, "the first zero");
        double c = 0.2, betaC = (n - 1) / (2 * top) * (1 - Math.Sqrt(1 - 4 * (1 - c) / (n - 1)));
        NumericAssert.AreEqualRelative(betaC, r.BetaAtLevel!.Value, 1e-9, "the first crossing of 0.2");
    }

    [Test]
    public void Transition_UsesTheOptionsItIsGiven()
    {
        // A search budget of 2 evaluations cannot locate a minimum (the initial grid alone needs more): the search stops
        // with the budget's exception instead of running on under the default budget of 5,000.
        var inst = SkInstances.Draw(60, 1.0, CurveSeed);
        Assert.Throws<CurveSearchBudgetException>(() => SkLinearizedTap.Transition(inst, 3, 0.2, new CurveOptions { SearchBudget = 2 }));
        Assert.That(SkLinearizedTap.Transition(inst, 3, 0.2).BetaAtLevel, Is.Not.Null, "the default budget suffices");
    }

    [Test]
    public void Curve_UsesTheOptionsItIsGiven()
    {
        // The default options take the dense eigensolver up to 2000 spins, whose points are certified (LambdaMinCurve.Evaluate).
        // A dense threshold of 10 sends N = 60 to Lanczos, whose points are uncertified unless asked (certify = false) and
        // whose Ritz value is an upper bound on lambda_min: at or above the dense value (up to the dense error,
        // 1e-12 ||I - M||), and within the coarse Lanczos tolerance 1e-7 ||I - M|| (||I - M|| <= 1 + 2 beta + beta^2 < 10 here)
        // of it, so 1e-5 is loose.
        var inst = SkInstances.Draw(60, 1.0, CurveSeed);
        var dense = SkLinearizedTap.Curve(inst, Betas);
        var lanczos = SkLinearizedTap.Curve(inst, Betas, new CurveOptions { DenseThreshold = 10 });
        for (int i = 0; i < Betas.Length; i++)
        {
            Assert.That(dense[i].Certified, Is.True, $"dense point at beta {Betas[i]}");
            Assert.That(lanczos[i].Certified, Is.False, $"Lanczos point at beta {Betas[i]}");
            Assert.That(lanczos[i].Value, Is.GreaterThanOrEqualTo(dense[i].Value - 1e-10), "a Ritz value bounds lambda_min from above");
            NumericAssert.AreEqualAbsolute(dense[i].Value, lanczos[i].Value, 1e-5, $"lambda_min at beta {Betas[i]}");
        }
    }

    [Test]
    public void Extrapolate_RecoversAnExactLine()
    {
        // y = 1 + 0.6 x at x = N^(-2/3): intercept and slope to rounding (1e-12); chi^2 = 0.
        var stats = new[] { 50, 100, 200, 400 }.Select(n =>
        {
            double x = Math.Pow(n, -2.0 / 3.0);
            return new SkSizeStatistics { Size = n, Instances = 4, MeanBetaStar = 1 / (1 + 0.6 * x), BetaStarError = 0.01, MeanTStar = 1 + 0.6 * x, TStarError = 0.01 * (1 + x), MeanMinimum = 0, MinimumError = 0, ReachedLevel = 0, MeanBetaAtLevel = double.NaN, BetaAtLevelError = double.NaN, ReachedZero = 0 };
        }).ToList();
        var ex = SkFiniteSize.Extrapolate(stats);
        NumericAssert.AreEqualAbsolute(1, ex.TInfinity, 1e-12, "intercept");
        NumericAssert.AreEqualAbsolute(0.6, ex.Slope, 1e-10, "slope");
        Assert.That(ex.Weighted, Is.True);
        NumericAssert.AreEqualAbsolute(0, ex.ChiSquarePerDof, 1e-18, "chi^2");
        Assert.That(ex.TInfinityError, Is.GreaterThan(0).And.LessThan(0.05));
    }

    [Test]
    public void FiniteSize_ExtrapolatedTc_AgreesWithJ_FastSeededRun()
    {
        // Sizes 50..400, 4 instances each (seed 8202). T*(N) = J (1 - chi N^(-2/3)/2 - 1/N + ...): the fit in N^(-2/3)
        // leaves a 1/N bias of ~0.003 over this range. Bound: 3 fit standard errors + 0.01 (false-failure rate ~0.3 %).
        // Also: results do not depend on the parallelism (each instance is computed on its own).
        var sizes = new[] { 50, 100, 200, 400 };
        var r = SkFiniteSize.Run(sizes, 4, 1.0, StudySeed, 3.0, 0.05, parallelism: 2);
        Assert.That(r.Sizes.Select(s => s.Size), Is.EqualTo(sizes));
        var ex = r.Extrapolation!;
        TestContext.Out.WriteLine($"T_inf = {ex.TInfinity:F4} +- {ex.TInfinityError:F4}, slope {ex.Slope:F3}; T*(N) = {string.Join(", ", r.Sizes.Select(s => $"{s.Size}: {s.MeanTStar:F4}"))}");
        NumericAssert.AreEqualAbsolute(1.0, ex.TInfinity, 3 * ex.TInfinityError + 0.01, "extrapolated T_c = J");
        // Serial runs are bit-identical whatever the size order; concurrent instances may differ from them only in
        // the eigensolver's rounding: ~1e-15 noise in the values moves the minimiser of a curve of curvature ~1 by up to
        // sqrt(1e-15) ~ 3e-8, hence 1e-6 relative for beta* and 1e-12 for the minimum value.
        var serial = SkFiniteSize.Run(new[] { 50, 100 }, 2, 1.0, StudySeed, 3.0, 0.05, parallelism: 1);
        var reordered = SkFiniteSize.Run(new[] { 100, 50 }, 2, 1.0, StudySeed, 3.0, 0.05, parallelism: 1);
        Assert.That(reordered.Instances, Is.EqualTo(serial.Instances).AsCollection, "serial: bit-identical, independent of size order");
        var parallel = r.Instances.Where(i => i.Size <= 100).GroupBy(i => i.Size).SelectMany(g => g.Take(2)).ToList();
        for (int k = 0; k < serial.Instances.Count; k++)
        {
            Assert.That(parallel[k].Seed, Is.EqualTo(serial.Instances[k].Seed), "adding instances keeps the others' seeds");
            NumericAssert.AreEqualRelative(serial.Instances[k].BetaStar, parallel[k].BetaStar, 1e-6, "beta* serial vs parallel");
            NumericAssert.AreEqualAbsolute(serial.Instances[k].MinValue, parallel[k].MinValue, 1e-12, "minimum serial vs parallel");
        }
    }

    [Test, Category("Slow")]
    public void FiniteSize_ExtrapolatedTc_AgreesWithJ_UpToN1600()
    {
        // The full study of the brief: N = 50..1600, 8 instances each. Same bound as the fast version with the 1/N bias
        // allowance 0.005 (false-failure rate ~0.3 %).
        var r = SkFiniteSize.Run(new[] { 50, 100, 200, 400, 800, 1600 }, 8, 1.0, StudySeed, 3.0, 0.05, parallelism: Environment.ProcessorCount);
        var ex = r.Extrapolation!;
        TestContext.Out.WriteLine($"T_inf = {ex.TInfinity:F4} +- {ex.TInfinityError:F4}, slope {ex.Slope:F3}");
        NumericAssert.AreEqualAbsolute(1.0, ex.TInfinity, 3 * ex.TInfinityError + 0.005, "extrapolated T_c = J");
    }
}
