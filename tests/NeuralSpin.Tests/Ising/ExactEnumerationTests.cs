using NeuralSpin.Ising;
using NeuralSpin.Tests.Support;
using NUnit.Framework;

namespace NeuralSpin.Tests.Ising;

/// <summary>
/// <see cref="ExactEnumeration"/> against the naive brute-force loop of <see cref="IsingReference"/> and against
/// closed forms (docs/theory.md section 7).
/// </summary>
[TestFixture]
public class ExactEnumerationTests
{
    const int ModelSeed = 20240611;

    // Tolerance 1e-12: both sides sum at most 2^13 positive weights in double (relative rounding <= 2^13 * 1.1e-16 ~ 1e-12
    // in the worst case, ~1e-14 typically); the Gray-code energies drift by at most ~2^13 rounding steps of |dE| <= 30.
    // Moments are bounded by 1, so they are compared absolutely; ln Z, F, <E> relatively; S = ln Z + beta <E> is a
    // difference, so it is compared absolutely at 1e-12 max(1, |ln Z|, beta |<E>|).
    const double Tol = 1e-12;

    static IEnumerable<TestCaseData> Layouts()
    {
        // (N, inner bits, chunk bits): every path of the kernel - inner only, inner + middle, inner + middle + chunks.
        yield return new TestCaseData(1, 10, null, 0.7);
        yield return new TestCaseData(2, 10, null, 1.3);
        yield return new TestCaseData(5, 10, null, 1.0);
        yield return new TestCaseData(8, 3, 2, 1.0);
        yield return new TestCaseData(9, 1, 0, 0.5);
        yield return new TestCaseData(10, 4, 3, 2.0);
        yield return new TestCaseData(12, 4, 3, 1.0);
        yield return new TestCaseData(13, 10, null, 0.8);
    }

    [TestCaseSource(nameof(Layouts))]
    public void Compute_EqualsBruteForce(int n, int inner, int? chunk, double beta)
    {
        var model = IsingReference.RandomModel(n, new Random(ModelSeed + n), beta: beta);
        var exact = ExactEnumeration.Compute(model, new ExactEnumerationOptions { InnerBits = inner, ChunkBits = chunk, ThreePoint = n <= 10 });
        var brute = IsingReference.Enumerate(model);
        AssertMatches(brute, exact, threePoint: n <= 10);
    }

    [Test]
    public void Compute_EqualsBruteForce_AtLowTemperatureWhereWeightsAreRescaled()
    {
        // beta = 60 with |J| up to 1: energies span ~20, so beta dE reaches ~1000 (far past the 32 rescaling threshold
        // and past double's exp range, e^709): exercises the log-sum-exp path in every chunk.
        var model = IsingReference.RandomModel(10, new Random(ModelSeed), beta: 60);
        var exact = ExactEnumeration.Compute(model, new ExactEnumerationOptions { InnerBits = 3, ChunkBits = 2, ThreePoint = true });
        AssertMatches(IsingReference.Enumerate(model), exact, threePoint: true);
        double ground = Enumerable.Range(0, 1 << 10).Select(x => IsingReference.DefinitionEnergy(model, ConfigurationIndex.ToSpins(x, 10))).Min();
        // Gray-code energies vs the definition: ~2^10 roundings of |dE| <= 20
        NumericAssert.AreEqualAbsolute(ground, exact.GroundStateEnergy, 1e-12, "ground-state energy");
        NumericAssert.AreEqualAbsolute(ground, IsingReference.DefinitionEnergy(model, exact.GroundState), 1e-12, "E(ground state)");
    }

    static void AssertMatches(IsingReference.BruteForce brute, ExactResult exact, bool threePoint)
    {
        int n = exact.Size;
        NumericAssert.AreEqualRelative(brute.LogZ, exact.LogZ, Tol, "ln Z");
        NumericAssert.AreEqualRelative(brute.FreeEnergy, exact.FreeEnergy, Tol, "F");
        NumericAssert.AreEqual(brute.MeanEnergy, exact.MeanEnergy, Tol, Tol, "<E>");
        double sScale = Math.Max(1, Math.Max(Math.Abs(brute.LogZ), exact.Beta * Math.Abs(brute.MeanEnergy)));
        NumericAssert.AreEqualAbsolute(brute.Entropy, exact.Entropy, Tol * sScale, "S");
        // Var(E) = sum p (E - <E>)^2 against a one-pass accumulation: relative cancellation ~ eps (E scale)^2 / Var
        NumericAssert.AreEqual(brute.EnergyVariance, exact.EnergyVariance, 1e-10, 1e-9, "Var E");
        NumericAssert.AllEqual(brute.M, exact.Magnetizations, Tol, 0, "m");
        NumericAssert.AllEqual(brute.C, exact.Correlations, Tol, 0, "<s_i s_j>");
        var connected = new double[n * n];
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++) connected[i * n + j] = brute.C[i * n + j] - brute.M[i] * brute.M[j];
        NumericAssert.AllEqual(connected, exact.ConnectedCorrelations, 2 * Tol, 0, "connected C");
        if (threePoint) NumericAssert.AllEqual(brute.T, exact.ThreePointCorrelations!, Tol, 0, "<s_i s_j s_k>");
        for (long x = 0; x < brute.P.Length; x++)
            NumericAssert.AreEqual(brute.P[x], exact.Probability(ConfigurationIndex.ToSpins(x, n)), 1e-300, 1e-11, $"P(config {x})");
    }

    [Test]
    public void Probabilities_EqualBruteForce()
    {
        var model = IsingReference.RandomModel(9, new Random(ModelSeed), beta: 1.5);
        // per-entry relative 1e-12: one exp and one division each side, energies from Gray updates (see Tol)
        NumericAssert.AllEqual(IsingReference.Enumerate(model).P, ExactEnumeration.Probabilities(model), 0, 1e-12, "P");
    }

    [Test]
    public void Parallel_IsBitwiseEqualToSerial()
    {
        var model = IsingReference.RandomModel(16, new Random(ModelSeed), beta: 0.9);
        var options = new ExactEnumerationOptions { InnerBits = 6, ChunkBits = 4, ThreePoint = true };
        var serial = ExactEnumeration.Compute(model, options with { Parallel = false });
        var parallel = ExactEnumeration.Compute(model, options with { Parallel = true, MaxDegreeOfParallelism = 4 });
        Assert.That(parallel.LogZ, Is.EqualTo(serial.LogZ));
        Assert.That(parallel.MeanEnergy, Is.EqualTo(serial.MeanEnergy));
        Assert.That(parallel.EnergyVariance, Is.EqualTo(serial.EnergyVariance));
        Assert.That(parallel.Magnetizations, Is.EqualTo(serial.Magnetizations).AsCollection);
        Assert.That(parallel.Correlations, Is.EqualTo(serial.Correlations).AsCollection);
        Assert.That(parallel.ThreePointCorrelations, Is.EqualTo(serial.ThreePointCorrelations).AsCollection);
    }

    [Test]
    public void DifferentChunkings_AgreeToRounding()
    {
        var model = IsingReference.RandomModel(16, new Random(ModelSeed + 1), beta: 0.9);
        var a = ExactEnumeration.Compute(model);
        var b = ExactEnumeration.Compute(model, new ExactEnumerationOptions { InnerBits = 2, ChunkBits = 1 });
        // the same 2^16 positive terms summed in another order: relative difference ~ sqrt(2^16) eps ~ 3e-14
        NumericAssert.AreEqualRelative(a.LogZ, b.LogZ, 1e-12, "ln Z");
        NumericAssert.AreEqualRelative(a.MeanEnergy, b.MeanEnergy, 1e-12, "<E>");
        NumericAssert.AllEqual(a.Magnetizations, b.Magnetizations, 1e-12, 0, "m");
        NumericAssert.AllEqual(a.Correlations, b.Correlations, 1e-12, 0, "C");
    }

    [Test]
    public void IndependentSpins_MatchClosedForms()
    {
        // J = 0: P factorizes, m_i = tanh(beta h_i), <s_i s_j> = m_i m_j, <s_i s_j s_k> = m_i m_j m_k (distinct),
        // ln Z = sum ln(2 cosh(beta h_i)), S = sum of binary entropies of p_i = (1 + m_i)/2.
        const int n = 12;
        var rng = new Random(ModelSeed);
        var h = Enumerable.Range(0, n).Select(_ => 2 * rng.NextDouble() - 1).ToArray();
        const double beta = 1.7;
        var model = new IsingModel(n, new double[n * n], h, beta);
        var r = ExactEnumeration.Compute(model, new ExactEnumerationOptions { InnerBits = 5, ThreePoint = true });
        var m = h.Select(x => Math.Tanh(beta * x)).ToArray();
        double logZ = h.Sum(x => Math.Log(2 * Math.Cosh(beta * x)));
        double s = m.Sum(mi => { double p = (1 + mi) / 2; return -p * Math.Log(p) - (1 - p) * Math.Log(1 - p); });
        double e = -h.Zip(m, (a, b) => a * b).Sum();
        // closed forms are evaluated with a handful of roundings: 1e-12 as for the brute force (see Tol)
        NumericAssert.AreEqualRelative(logZ, r.LogZ, Tol, "ln Z");
        NumericAssert.AreEqualRelative(e, r.MeanEnergy, Tol, "<E>");
        NumericAssert.AreEqualRelative(s, r.Entropy, Tol, "S");
        NumericAssert.AllEqual(m, r.Magnetizations, Tol, 0, "m");
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++)
            {
                NumericAssert.AreEqualAbsolute(i == j ? 1 : m[i] * m[j], r.Correlation(i, j), Tol, $"C[{i},{j}]");
                for (int k = 0; k < n; k++)
                    if (i != j && j != k && i != k)
                        NumericAssert.AreEqualAbsolute(m[i] * m[j] * m[k], r.ThreePoint(i, j, k), Tol, $"T[{i},{j},{k}]");
            }
    }

    /// <summary>
    /// Var(E) keeps its relative accuracy at low temperature, where it is exponentially small beside E^2: for independent
    /// spins (J = 0) Var(E) = sum_i h_i^2 sech^2(beta h_i) exactly. At beta = 12 with |h_i| in [1, 2] it is about 1e-9 while
    /// E^2 is about 300, so a difference &lt;E^2&gt; - &lt;E&gt;^2 (or sums of (E - E_0)^2 about a reference E_0 far from
    /// the ground state, as all spins -1 is for positive fields) would lose every digit (eps E^2 ~ 7e-14 against 1e-9:
    /// relative error ~1e-4 and worse). Tolerance 1e-10 relative: each excited configuration's deviation from the mean is a
    /// sum of 2 h_i computed to a few eps, and the closed form has a few roundings per term.
    /// Ground states: all +1 (positive fields, the case above), all -1 (negative fields), mixed signs; with chunks and rescaling.
    /// </summary>
    [TestCase(1.0, 12, 4, 3)]
    [TestCase(-1.0, 12, 4, 3)]
    [TestCase(0.0, 12, 10, null)]
    [TestCase(1.0, 14, 3, 2)]
    public void EnergyVariance_AtLowTemperature_HasItsRelativeAccuracy(double sign, int n, int inner, int? chunk)
    {
        const double beta = 12;
        var rng = new Random(ModelSeed + n);
        var h = Enumerable.Range(0, n).Select(i => (sign == 0 ? (i % 2 == 0 ? 1 : -1) : sign) * (1 + rng.NextDouble())).ToArray();
        var model = new IsingModel(n, new double[n * n], h, beta);
        var r = ExactEnumeration.Compute(model, new ExactEnumerationOptions { InnerBits = inner, ChunkBits = chunk });
        double varE = h.Sum(x => { double c = Math.Cosh(beta * x); return x * x / (c * c); });
        double meanE = -h.Sum(x => x * Math.Tanh(beta * x));
        NumericAssert.AreEqualRelative(varE, r.EnergyVariance, 1e-10, "Var(E) = sum h^2 sech^2(beta h)");
        NumericAssert.AreEqualRelative(beta * beta * varE, r.HeatCapacity, 1e-10, "C = beta^2 Var(E)");
        NumericAssert.AreEqualRelative(meanE, r.MeanEnergy, Tol, "<E> = -sum h tanh(beta h)");
    }

    /// <summary>The pairwise merge of weighted moments (Chan, Golub and LeVeque): the union of {1, 3} (weights 1, 3) and {5}
    /// (weight 4) has weight 8, mean (1 + 9 + 20) / 8 = 3.75 and sum of squared deviations
    /// 1 (2.75)^2 + 3 (0.75)^2 + 4 (1.25)^2 = 15.5; each part as given by its own definition: {1, 3}: weight 4, mean 2.5,
    /// M2 = 1 (1.5)^2 + 3 (0.5)^2 = 3; {5}: weight 4, mean 5, M2 = 0. All values dyadic, so the comparison is exact.</summary>
    [Test]
    public void MergeMoments_IsTheMomentsOfTheUnion()
    {
        Assert.That(ExactEnumeration.MergeMoments(4, 2.5, 3, 4, 5, 0), Is.EqualTo((8.0, 3.75, 15.5)));
        Assert.That(ExactEnumeration.MergeMoments(4, 5, 0, 4, 2.5, 3), Is.EqualTo((8.0, 3.75, 15.5)), "either order");
        Assert.That(ExactEnumeration.MergeMoments(0, 7, 9, 4, 2.5, 3), Is.EqualTo((4.0, 2.5, 3.0)), "an empty first set");
        Assert.That(ExactEnumeration.MergeMoments(4, 2.5, 3, 0, 7, 9), Is.EqualTo((4.0, 2.5, 3.0)), "an empty second set");
        // an empty set leaves the other exactly as it was (0.1 + (1e-17 - 0.1) would round to 0)
        Assert.That(ExactEnumeration.MergeMoments(0, 0.1, 0, 4, 1e-17, 3), Is.EqualTo((4.0, 1e-17, 3.0)), "an empty first set, exactly");
    }

    [TestCase(12, 1.0, 0.0, 0.8)]
    [TestCase(12, 1.0, 0.1, 1.5)]
    [TestCase(14, -0.5, 0.3, 1.0)]
    public void CurieWeiss_MatchesBinomialSum(int n, double coupling, double field, double beta)
    {
        // J_ij = J/N (i != j), h_i = h: with M = sum s_i, E = -J/(2N) (M^2 - N) - h M, and the number of configurations
        // with k up-spins is C(N, k). Z = sum_k C(N,k) e^{-beta E(2k - N)}; m = <M>/N; <s_i s_j> = (<M^2> - N)/(N(N-1)).
        var j = new double[n * n];
        for (int a = 0; a < n; a++)
            for (int b = 0; b < n; b++) if (a != b) j[a * n + b] = coupling / n;
        var model = new IsingModel(n, j, Enumerable.Repeat(field, n).ToArray(), beta);
        var r = ExactEnumeration.Compute(model);

        var logTerms = new double[n + 1];
        var energy = new double[n + 1];
        for (int k = 0; k <= n; k++)
        {
            int mTotal = 2 * k - n;
            energy[k] = -coupling / (2.0 * n) * ((double)mTotal * mTotal - n) - field * mTotal;
            logTerms[k] = MathNet.Numerics.SpecialFunctions.BinomialLn(n, k) - beta * energy[k];
        }
        double max = logTerms.Max();
        double z = logTerms.Sum(t => Math.Exp(t - max));
        double logZ = max + Math.Log(z);
        double mean(Func<int, double> f) => Enumerable.Range(0, n + 1).Sum(k => Math.Exp(logTerms[k] - logZ) * f(k));
        double mMean = mean(k => 2 * k - n) / n;
        double pair = (mean(k => (2.0 * k - n) * (2 * k - n)) - n) / (n * (n - 1.0));
        double e = mean(k => energy[k]);
        // BinomialLn is accurate to ~1e-15 relative (MathNet's factorial table for n <= 170); 1e-12 as elsewhere
        NumericAssert.AreEqualRelative(logZ, r.LogZ, Tol, "ln Z");
        NumericAssert.AreEqual(e, r.MeanEnergy, Tol, Tol, "<E>");
        NumericAssert.AreEqualAbsolute(logZ + beta * e, r.Entropy, Tol * Math.Max(1, Math.Abs(logZ)), "S");
        foreach (var mi in r.Magnetizations) NumericAssert.AreEqualAbsolute(mMean, mi, Tol, "m_i");
        NumericAssert.AreEqualAbsolute(pair, r.Correlation(0, n - 1), Tol, "<s_0 s_N-1>");
        NumericAssert.AreEqualAbsolute(pair, r.Correlation(3, 7), Tol, "<s_3 s_7>");
    }

    [Test]
    public void Sample_FollowsTheEnumeratedDistribution()
    {
        const int sampleSeed = 77;
        var model = IsingReference.RandomModel(6, new Random(ModelSeed), beta: 1);
        var samples = ExactEnumeration.Sample(model, 20000, new Random(sampleSeed));
        var (chi2, threshold, dof) = IsingStatistics.ChiSquare(samples, ExactEnumeration.Probabilities(model), IsingStatistics.FalseFailureRate);
        Assert.That(chi2, Is.LessThan(threshold), $"chi^2 = {chi2:F1} with {dof} dof exceeds the 1e-4 upper quantile {threshold:F1}");
    }

    [Test]
    public void Compute_RejectsTooManySpins()
    {
        var model = new IsingModel(31, new double[31 * 31], new double[31]);
        Assert.Throws<ArgumentException>(() => ExactEnumeration.Compute(model));
    }

    // IsingModel.EnergyScale = sum |h_i| + sum_{i<j} |J_ij| bounds |E(s)|; checked by hand and against every state.
    [Test]
    public void EnergyScale_IsTheSumOfAbsoluteTerms_AndBoundsEveryEnergy()
    {
        double[] j = [0, 0.5, -0.2, 0.5, 0, 0.3, -0.2, 0.3, 0];
        var m = new IsingModel(3, j, [-1, 0, -0.1]);
        Assert.That(m.EnergyScale, Is.EqualTo(2.1).Within(1e-15), "1 + 0 + 0.1 + 0.5 + 0.2 + 0.3");
        double largest = 0;
        for (int c = 0; c < 8; c++)
        {
            sbyte[] s = [(sbyte)((c & 1) == 0 ? 1 : -1), (sbyte)((c & 2) == 0 ? 1 : -1), (sbyte)((c & 4) == 0 ? 1 : -1)];
            largest = Math.Max(largest, Math.Abs(m.Energy(s)));
        }
        Assert.That(largest, Is.LessThanOrEqualTo(m.EnergyScale + 1e-15));
    }
}

/// <summary>Closed forms of small models for members the enumeration tests above do not reach.</summary>
[TestFixture]
public class SmallModelClosedFormTests
{
    [TestCase(0.8, 1.0)]
    [TestCase(2.0, -0.6)]
    public void HeatCapacity_OfTwoCoupledSpins_IsBetaJSechSquared(double beta, double j)
    {
        // E = -J s1 s2: Z = 4 cosh(beta J), <E> = -J tanh(beta J), Var E = J^2 sech^2(beta J), C = beta^2 Var E
        var model = new IsingModel(2, [0, j, j, 0], [0, 0], beta);
        var r = ExactEnumeration.Compute(model);
        double sech = 1 / Math.Cosh(beta * j);
        Assert.That(r.HeatCapacity, Is.EqualTo(beta * beta * j * j * sech * sech).Within(1e-12));
    }

    [Test]
    public void Neighbours_AreTheSpinsWithNonZeroCouplings()
    {
        // a path 0 - 1 - 2 and an isolated spin 3
        var j = new double[16];
        j[0 * 4 + 1] = j[1 * 4 + 0] = 0.5;
        j[1 * 4 + 2] = j[2 * 4 + 1] = -0.25;
        var model = new IsingModel(4, j, new double[4]);
        Assert.That(model.Neighbours(0), Is.EqualTo(new[] { 1 }));
        Assert.That(model.Neighbours(1), Is.EqualTo(new[] { 0, 2 }));
        Assert.That(model.Neighbours(2), Is.EqualTo(new[] { 1 }));
        Assert.That(model.Neighbours(3), Is.Empty);
    }
}
