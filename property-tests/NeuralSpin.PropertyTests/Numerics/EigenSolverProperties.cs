using FsCheck;
using FsCheck.Fluent;
using NeuralSpin.Numerics;
using NeuralSpin.PropertyTests.Support;
using PropertyAttribute = FsCheck.NUnit.PropertyAttribute;
using TestFixtureAttribute = NUnit.Framework.TestFixtureAttribute;

namespace NeuralSpin.PropertyTests.Numerics;

public sealed record SymmetricCase(int N, double[] Upper, int Seed, int MaxDimension)
{
    public double[] Dense()
    {
        var a = new double[N * N];
        int t = 0;
        for (int i = 0; i < N; i++)
            for (int k = i; k < N; k++) a[i * N + k] = a[k * N + i] = Upper[t++];
        return a;
    }

    public override string ToString() => $"n {N}, seed {Seed}, maxDimension {MaxDimension}, upper [{string.Join(",", Upper)}]";
}

/// <summary>Generators: n 1..30, entries k/4 for k in -8..8 (upper triangle), Krylov dimension 6, 16 or 200.</summary>
public static class EigenArbitraries
{
    public static Arbitrary<SymmetricCase> SymmetricCase() => Arb.From(
        from n in Gen.Choose(1, 30)
        from upper in SpinArbitraries.Grid(-8, 8, 0.25).ArrayOf(n * (n + 1) / 2)
        from seed in Gen.Choose(0, 1000)
        from dim in Gen.Elements(6, 16, 200)
        select new SymmetricCase(n, upper, seed, dim));
}

/// <summary>Lanczos and the tridiagonal Sturm solver against MathNet's dense Evd.</summary>
[TestFixture]
public class EigenSolverProperties
{
    /// <summary>
    /// Lanczos.SmallestEigenpair: the reported residual is the true ||A v - theta v|| (v unit), theta is never below
    /// lambda_min (Rayleigh quotient), and when converged theta is within the residual of lambda_min (Weyl, with the
    /// random start containing the bottom eigenvector). Tolerances: 1e-12 ||A|| for rounding (n <= 30, entries <= 2).
    /// </summary>
    [SeededProperty(Arbitrary = new[] { typeof(EigenArbitraries) })]
    public Property Lanczos_SmallestEigenpair_EqualsMathNetEvd(SymmetricCase s)
    {
        var a = s.Dense();
        int n = s.N;
        var w = Oracle.Eigenvalues(a, n);
        double norm = Math.Max(1e-300, w.Max(Math.Abs));
        double round = 1e-12 * Math.Max(norm, 1);
        var r = Lanczos.SmallestEigenpair((x, y) =>
        {
            for (int i = 0; i < n; i++) { double t = 0; for (int k = 0; k < n; k++) t += a[i * n + k] * x[k]; y[i] = t; }
        }, n, null, new Random(s.Seed), 1e-10 * Math.Max(norm, 1), s.MaxDimension, 30);
        double vn = Math.Sqrt(r.Vector.Sum(v => v * v));
        double res = 0;
        for (int i = 0; i < n; i++)
        {
            double t = 0; for (int k = 0; k < n; k++) t += a[i * n + k] * r.Vector[k];
            res += Math.Pow(t - r.Value * r.Vector[i], 2);
        }
        res = Math.Sqrt(res);
        bool ok = Math.Abs(vn - 1) <= 1e-12 && Math.Abs(res - r.Residual) <= round && r.Value >= w[0] - round
                  && (!r.Converged || r.Value - w[0] <= r.Residual + round)
                  && (s.MaxDimension < n || r.Converged); // a full Krylov space must converge
        return ok.Label($"theta {r.Value:R} vs lambda_min {w[0]:R}, residual {r.Residual:G3} (recomputed {res:G3}), converged {r.Converged}, |v| {vn:R}");
    }

    /// <summary>SymmetricTridiagonal.Eigenvalue(k) equals MathNet's k-th eigenvalue (bisection to ~2e-16 scale: 1e-12
    /// scale is safe) and the inverse-iteration eigenvector has residual &lt;= 1e-9 scale (shift 1e-13 from lambda).</summary>
    [SeededProperty(Arbitrary = new[] { typeof(EigenArbitraries) })]
    public Property SymmetricTridiagonal_Eigenvalues_EqualMathNet(SymmetricCase s)
    {
        int m = s.N;
        var diag = s.Upper.Take(m).ToArray();
        var off = new double[m];
        for (int i = 1; i < m; i++) off[i] = s.Upper[m + i - 1 < s.Upper.Length ? m + i - 1 : 0];
        var t = new double[m * m];
        for (int i = 0; i < m; i++) t[i * m + i] = diag[i];
        for (int i = 1; i < m; i++) t[i * m + i - 1] = t[(i - 1) * m + i] = off[i];
        var w = Oracle.Eigenvalues(t, m);
        double scale = Math.Max(1, w.Max(Math.Abs));
        double worst = 0, worstRes = 0;
        for (int k = 0; k < m; k++)
        {
            double e = SymmetricTridiagonal.Eigenvalue(diag, off, k);
            worst = Math.Max(worst, Math.Abs(e - w[k]));
            var y = SymmetricTridiagonal.Eigenvector(diag, off, e);
            double res = 0;
            for (int i = 0; i < m; i++)
            {
                double v = diag[i] * y[i] + (i > 0 ? off[i] * y[i - 1] : 0) + (i + 1 < m ? off[i + 1] * y[i + 1] : 0) - e * y[i];
                res += v * v;
            }
            worstRes = Math.Max(worstRes, Math.Sqrt(res));
        }
        return (worst <= 1e-12 * scale && worstRes <= 1e-9 * scale).Label($"max eigenvalue error {worst:G3}, max residual {worstRes:G3}, scale {scale}");
    }
}
