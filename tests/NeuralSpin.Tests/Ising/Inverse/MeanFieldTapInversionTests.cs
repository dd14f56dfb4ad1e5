using NeuralSpin.Ising;
using NeuralSpin.Ising.Inverse;
using NeuralSpin.Tests.Support;
using NUnit.Framework;

namespace NeuralSpin.Tests.Ising.Inverse;

/// <summary>
/// Naive mean-field and TAP inversion on exact (enumerated) moments, so that the only error is the
/// truncation of the Plefka expansion: for J = eps K the coupling error is O(eps^2) for mean field and
/// O(eps^3) for TAP (docs/theory.md section 7; Kappen and Rodriguez 1998, Tanaka 1998).
/// </summary>
public class MeanFieldTapInversionTests
{
    const int ModelSeed = 7;
    const int N = 6;

    /// <summary>K_ij ~ U(-1, 1), fields h_i ~ U(0.3, 0.8) so that m != 0 and the Onsager term is visible.</summary>
    static IsingModel Planted(double eps)
    {
        var rng = new Random(ModelSeed);
        var k = ExactIsing.RandomModel(N, 1.0, 0.0, rng);
        var j = k.CouplingsCopy();
        for (int q = 0; q < j.Length; q++) j[q] *= eps;
        var h = new double[N];
        for (int i = 0; i < N; i++) h[i] = 0.3 + 0.5 * rng.NextDouble();
        return new IsingModel(N, j, h);
    }

    static (double Mf, double Tap, double MfField, double TapField) Errors(double eps)
    {
        var model = Planted(eps);
        var (m, c) = ExactIsing.Moments(model);
        var conn = ExactIsing.Connected(m, c);
        var mf = MeanFieldInversion.Invert(m, conn, N);
        var tap = TapInversion.Invert(m, conn, N);
        Assert.That(tap.Clipped, Is.Zero);
        return (ExactIsing.MaxCouplingError(model, mf), ExactIsing.MaxCouplingError(model, tap.Model),
            ExactIsing.MaxFieldError(model, mf), ExactIsing.MaxFieldError(model, tap.Model));
    }

    [Test]
    public void CouplingError_ScalesAsEpsSquaredForMeanField_AndEpsCubedForTap()
    {
        const double eps1 = 0.04, eps2 = 0.02;
        var e1 = Errors(eps1);
        var e2 = Errors(eps2);
        double pMf = Math.Log2(e1.Mf / e2.Mf), pTap = Math.Log2(e1.Tap / e2.Tap);
        TestContext.Out.WriteLine($"MF {e1.Mf:E3} -> {e2.Mf:E3} (order {pMf:F3}); TAP {e1.Tap:E3} -> {e2.Tap:E3} (order {pTap:F3})");
        TestContext.Out.WriteLine($"fields: MF {e1.MfField:E3} -> {e2.MfField:E3}; TAP {e1.TapField:E3} -> {e2.TapField:E3}");
        // the next order contributes a relative eps correction (~ a few percent at eps = 0.04), so the
        // measured orders are within 0.25 of 2 and 3
        Assert.That(pMf, Is.EqualTo(2.0).Within(0.25), "mean-field order");
        Assert.That(pTap, Is.EqualTo(3.0).Within(0.25), "TAP order");
    }

    [TestCase(0.02)]
    [TestCase(0.05)]
    [TestCase(0.1)]
    public void Tap_BeatsMeanField_OnWeakCouplings(double eps)
    {
        var e = Errors(eps);
        Assert.That(e.Tap, Is.LessThan(e.Mf), "couplings");
        Assert.That(e.TapField, Is.LessThan(e.MfField), "fields");
    }

    [Test]
    public void ZeroMagnetization_TapEqualsMeanField_TwoSpinClosedForm()
    {
        // two spins, h = 0: m = 0, C = [[1, t], [t, 1]] with t = tanh J, so -(C^-1)_12 = t / (1 - t^2),
        // which is not J; instead check TAP == MF (m = 0 kills the Onsager term) and the closed form
        const double J = 0.3;
        var model = new IsingModel(2, new[] { 0, J, J, 0 }, new double[2]);
        var (m, c) = ExactIsing.Moments(model);
        var conn = ExactIsing.Connected(m, c);
        var mf = MeanFieldInversion.Invert(m, conn, 2);
        var tap = TapInversion.Invert(m, conn, 2).Model;
        double t = Math.Tanh(J);
        // enumeration rounding only: 1e-14
        NumericAssert.AreEqualAbsolute(t / (1 - t * t), mf.Coupling(0, 1), 1e-14, "MF closed form");
        NumericAssert.AreEqualAbsolute(mf.Coupling(0, 1), tap.Coupling(0, 1), 1e-14, "TAP = MF at m = 0");
    }

    [Test]
    public void FrozenSpin_NeedsRidge()
    {
        // spin 1 always +1: its connected row is zero, C is singular; with a ridge the inversion is finite
        var x = new sbyte[] { 1, 1, -1, 1, 1, 1, -1, 1 };
        var mom = SampleMoments.From(x, 2);
        Assert.Throws<ArgumentException>(() => MeanFieldInversion.Invert(mom));
        var mf = MeanFieldInversion.Invert(mom, ridge: 1e-3);
        Assert.That(double.IsFinite(mf.Field(1)), Is.True);
        // h_1 = atanh(1 - 1e-6) - J m_0 is large and finite (clip documented in MeanFieldInversion)
        Assert.That(mf.Field(1), Is.GreaterThan(5));
    }

    /// <summary>m and connected C of three spins (C symmetric positive definite, diagonal 1 - m^2), all m != 0 so the Onsager term counts.</summary>
    static readonly double[] M3 = [0.3, -0.4, 0.5];
    static readonly double[] C3 = [0.91, 0.1, -0.05, 0.1, 0.84, 0.08, -0.05, 0.08, 0.75];

    /// <summary>C^-1 of a 3 x 3 matrix by the adjugate (cofactors over the determinant), independent of the Cholesky solve.</summary>
    static double[] Inverse3(double[] c)
    {
        double Cof(int r, int k)
        {
            int r0 = (r + 1) % 3, r1 = (r + 2) % 3, k0 = (k + 1) % 3, k1 = (k + 2) % 3;
            return c[r0 * 3 + k0] * c[r1 * 3 + k1] - c[r0 * 3 + k1] * c[r1 * 3 + k0];
        }
        double det = c[0] * Cof(0, 0) + c[1] * Cof(0, 1) + c[2] * Cof(0, 2);
        var inv = new double[9];
        for (int r = 0; r < 3; r++)
            for (int k = 0; k < 3; k++) inv[k * 3 + r] = Cof(r, k) / det;
        return inv;
    }

    /// <summary>
    /// Naive mean field written out for three spins: J_ij = -(C^-1)_ij (i != j), h_i = atanh m_i - sum_j J_ij m_j
    /// (Kappen and Rodriguez 1998). C^-1 by the adjugate here, by Cholesky in the library: C has condition number ~1.5,
    /// so the two agree to ~1e-15; 1e-13 leaves margin.
    /// </summary>
    [Test]
    public void MeanField_ThreeSpins_EqualsTheWrittenOutInversion()
    {
        var inv = Inverse3(C3);
        var mf = MeanFieldInversion.Invert(M3, C3, 3);
        for (int i = 0; i < 3; i++)
        {
            double lin = 0;
            for (int j = 0; j < 3; j++)
                if (j != i)
                {
                    NumericAssert.AreEqualAbsolute(-inv[i * 3 + j], mf.Coupling(i, j), 1e-13, $"J_{i}{j}");
                    lin += -inv[i * 3 + j] * M3[j];
                }
            NumericAssert.AreEqualAbsolute(Math.Atanh(M3[i]) - lin, mf.Field(i), 1e-13, $"h_{i}");
        }
    }

    /// <summary>
    /// TAP written out for three spins: J_ij = -2 (C^-1)_ij / (1 + sqrt(1 - 8 (C^-1)_ij m_i m_j)) and
    /// h_i = atanh m_i - sum_j J_ij m_j + m_i sum_j J_ij^2 (1 - m_j^2) (Kappen and Rodriguez 1998; Tanaka 1998). The Onsager
    /// term m_i sum_j J_ij^2 (1 - m_j^2) is ~1e-3 here, far above the tolerance 1e-13 (C^-1 by adjugate vs Cholesky, ~1e-15).
    /// </summary>
    [Test]
    public void Tap_ThreeSpins_EqualsTheWrittenOutInversion()
    {
        var inv = Inverse3(C3);
        var tap = TapInversion.Invert(M3, C3, 3);
        Assert.That(tap.Clipped, Is.Zero);
        var j = new double[9];
        for (int a = 0; a < 3; a++)
            for (int b = 0; b < 3; b++)
                if (a != b) j[a * 3 + b] = -2 * inv[a * 3 + b] / (1 + Math.Sqrt(1 - 8 * inv[a * 3 + b] * M3[a] * M3[b]));
        for (int a = 0; a < 3; a++)
        {
            double lin = 0, onsager = 0;
            for (int b = 0; b < 3; b++)
            {
                if (b != a) NumericAssert.AreEqualAbsolute(j[a * 3 + b], tap.Model.Coupling(a, b), 1e-13, $"J_{a}{b}");
                lin += j[a * 3 + b] * M3[b];
                onsager += j[a * 3 + b] * j[a * 3 + b] * (1 - M3[b] * M3[b]);
            }
            Assert.That(Math.Abs(M3[a] * onsager), Is.GreaterThan(1e-4), "the Onsager term is visible");
            NumericAssert.AreEqualAbsolute(Math.Atanh(M3[a]) - lin + M3[a] * onsager, tap.Model.Field(a), 1e-13, $"h_{a}");
        }
    }

    /// <summary>
    /// The TAP square-root argument 1 - 8 (C^-1)_12 m_1 m_2 at and beyond zero. C = [[1, 1/2], [1/2, 5/4]] has the Cholesky
    /// factor [[1, 0], [1/2, 1]] and C^-1 = [[5/4, -1/2], [-1/2, 1]], all dyadic, so the solve is exact. With m = (1/2, -1/2)
    /// the argument is exactly 0: a real root, not clipped, J = -2 (-1/2) / (1 + 0) = 1. With m = (0.6, -0.6) it is
    /// 1 - 1.44 &lt; 0: clipped (counted once), the root taken at sqrt 0, so again J = 1 (exactly: -2 (-1/2) / 1).
    /// </summary>
    [Test]
    public void Tap_SquareRootArgument_ZeroIsARoot_NegativeIsClippedAndCounted()
    {
        double[] c = [1, 0.5, 0.5, 1.25];
        var atZero = TapInversion.Invert([0.5, -0.5], c, 2);
        Assert.That(atZero.Clipped, Is.Zero, "argument exactly 0");
        Assert.That(atZero.Model.Coupling(0, 1), Is.EqualTo(1.0));
        var below = TapInversion.Invert([0.6, -0.6], c, 2);
        Assert.That(below.Clipped, Is.EqualTo(1), "argument -0.44");
        Assert.That(below.Model.Coupling(0, 1), Is.EqualTo(1.0));
        Assert.That(below.Model.Coupling(1, 0), Is.EqualTo(1.0));
    }

    /// <summary>
    /// The ridge adds ridge I to C before inverting. C = [[1, 1/2], [1/2, 1]] at m = 0: J_12 = -(C^-1)_12 =
    /// (1/2) / det. Without a ridge det = 3/4; with ridge 1/4 the matrix is [[5/4, 1/2], [1/2, 5/4]], det = 21/16.
    /// Fields are 0 at m = 0. Tolerance: a 2 x 2 Cholesky solve, 1e-15.
    /// </summary>
    [Test]
    public void MeanField_Ridge_IsAddedToTheDiagonalBeforeInverting()
    {
        double[] c = [1, 0.5, 0.5, 1];
        NumericAssert.AreEqualAbsolute(0.5 / 0.75, MeanFieldInversion.Invert([0, 0], c, 2).Coupling(0, 1), 1e-15, "ridge 0");
        NumericAssert.AreEqualAbsolute(0.5 / (21.0 / 16), MeanFieldInversion.Invert([0, 0], c, 2, 0.25).Coupling(0, 1), 1e-15, "ridge 1/4");
        NumericAssert.AreEqualAbsolute(0.5 / (21.0 / 16), TapInversion.Invert([0, 0], c, 2, 0.25).Model.Coupling(0, 1), 1e-15, "TAP, ridge 1/4");
    }

    /// <summary>
    /// A frozen spin, m = -1 or m = +1, is clipped to -+(1 - 1e-6) before atanh (<see cref="MeanFieldInversion.MagnetizationClip"/>),
    /// so one spin gets h = atanh(-+(1 - 1e-6)) (finite, ~ -+7.25), not -+infinity; the same clip in TAP. One atanh: 1e-12 relative.
    /// </summary>
    [TestCase(-1.0)]
    [TestCase(1.0)]
    public void FrozenMagnetization_IsClippedBeforeAtanh(double m)
    {
        double expected = Math.Atanh(m * (1 - MeanFieldInversion.MagnetizationClip));
        NumericAssert.AreEqualRelative(expected, MeanFieldInversion.Invert([m], [0.5], 1).Field(0), 1e-12, "mean field");
        NumericAssert.AreEqualRelative(expected, TapInversion.Invert([m], [0.5], 1).Model.Field(0), 1e-12, "TAP");
    }

    /// <summary>
    /// (C + ridge I)^-1 is returned exactly symmetric (its doc): the Cholesky solve alone leaves the two triangles different
    /// in the last bits for a generic 8 x 8 matrix (checked here, so that the test is not vacuous), the result is their mean,
    /// within 1e-12 of the raw solve (condition number ~10).
    /// </summary>
    [Test]
    public void InverseConnected_IsExactlySymmetric()
    {
        const int n = 8;
        var rng = new Random(3);
        var b = new double[n * n];
        for (int k = 0; k < b.Length; k++) b[k] = rng.NextDouble() - 0.5;
        var c = new double[n * n];
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++)
            {
                double s = i == j ? 0.5 : 0;
                for (int k = 0; k < n; k++) s += b[i * n + k] * b[j * n + k] / n;
                c[i * n + j] = s;
            }
        var raw = MathNet.Numerics.LinearAlgebra.Matrix<double>.Build.DenseOfRowMajor(n, n, c).Cholesky()
            .Solve(MathNet.Numerics.LinearAlgebra.Matrix<double>.Build.DenseIdentity(n)).ToRowMajorArray();
        int asymmetric = 0;
        for (int i = 0; i < n; i++)
            for (int j = i + 1; j < n; j++)
                if (raw[i * n + j] != raw[j * n + i]) asymmetric++;
        Assert.That(asymmetric, Is.GreaterThan(0), "the raw solve is not symmetric");
        var inv = MeanFieldInversion.InverseConnected(c, n, 0);
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++)
            {
                Assert.That(inv[i * n + j], Is.EqualTo(inv[j * n + i]), $"({i},{j})");
                NumericAssert.AreEqualAbsolute(raw[i * n + j], inv[i * n + j], 1e-12, $"({i},{j})");
            }
    }
}
