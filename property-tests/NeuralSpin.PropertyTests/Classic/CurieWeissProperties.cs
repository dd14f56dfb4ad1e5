using FsCheck;
using FsCheck.Fluent;
using FsCheck.NUnit;
using NeuralSpin.PropertyTests.Support;
using NeuralSpin.Classic;
using PropertyAttribute = FsCheck.NUnit.PropertyAttribute;
using TestFixtureAttribute = NUnit.Framework.TestFixtureAttribute;

namespace NeuralSpin.PropertyTests.Classic;

/// <summary>A point (T, h, J) of the Curie-Weiss phase diagram on integer grids.</summary>
public sealed record CurieWeissPoint(double Temperature, double Field, double Coupling)
{
    public override string ToString() => $"T {Temperature}, h {Field}, J {Coupling}";
}

/// <summary>Generators: J = k/4 for k in 1..12, T = k J/50 for k in 0..100 (so T/T_c in [0, 2] including 0 and 1),
/// h = k J/100 for k in -60..60.</summary>
public static class CurieWeissArbitraries
{
    public static Arbitrary<CurieWeissPoint> CurieWeissPoint() => Arb.From(
        from kj in Gen.Choose(1, 12)
        from kt in Gen.Choose(0, 100)
        from kh in Gen.Choose(-60, 60)
        select new CurieWeissPoint(kt * (kj / 4.0) / 50, kh * (kj / 4.0) / 100, kj / 4.0));
}

/// <summary>Properties of the Curie-Weiss mean-field solver (docs/theory.md section 8: m = tanh(beta (J m + h)), T_c = J).</summary>
[TestFixture]
public class CurieWeissProperties
{
    /// <summary>
    /// Every branch solves the mean-field equation (residual &lt;= 1e-12: bisection to adjacent doubles, |F'| &lt;= 1 + J/T
    /// &lt;= 51 on this grid away from T = 0), the count is three exactly inside the spinodal |h| &lt; h_sp(T) and one
    /// outside (points within 1e-9 of the spinodal are skipped, where the count is decided by rounding), and the stable
    /// branch has the lowest f among the branches and the sign of h when h != 0.
    /// </summary>
    [SeededProperty(Arbitrary = new[] { typeof(CurieWeissArbitraries) })]
    public Property BranchesSolveEquation_CountMatchesSpinodal_StableIsLowest(CurieWeissPoint p)
    {
        var sol = CurieWeiss.Solve(p.Temperature, p.Field, p.Coupling);
        double t = p.Temperature, h = p.Field, j = p.Coupling;
        bool residual = sol.Branches.All(b => t == 0
            ? Math.Abs(b.M) == 1 || Math.Abs(j * b.M + h) < 1e-15
            : Math.Abs(b.M - Math.Tanh((j * b.M + h) / t)) <= 1e-12);
        bool countOk = true;
        if (t < j)
        {
            double ms = Math.Sqrt((j - t) / j), hs = t == 0 ? j : j * ms - t * Math.Atanh(ms);
            if (Math.Abs(Math.Abs(h) - hs) > 1e-9) countOk = sol.Branches.Count == (Math.Abs(h) < hs ? 3 : 1);
        }
        else countOk = sol.Branches.Count == 1;
        double fmin = sol.Branches.Min(b => b.FreeEnergy);
        bool stableLowest = sol.Stable.FreeEnergy <= fmin + 1e-12 * (1 + Math.Abs(fmin));
        bool sign = h == 0 || Math.Sign(sol.Stable.M) == Math.Sign(h);
        return (residual && countOk && stableLowest && sign).Label($"{p}: branches {string.Join(", ", sol.Branches.Select(b => $"{b.M:R} ({b.Stability})"))}");
    }
}
