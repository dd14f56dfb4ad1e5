using FsCheck;
using FsCheck.Fluent;
using FsCheck.NUnit;
using NeuralSpin.PropertyTests.Support;
using NeuralSpin.SpinModel;
using NeuralSpin.Tap;
using PropertyAttribute = FsCheck.NUnit.PropertyAttribute;
using TestFixtureAttribute = NUnit.Framework.TestFixtureAttribute;

namespace NeuralSpin.PropertyTests.Tap;

/// <summary>A small layered network with grid-valued couplings, an inverse temperature, fields and a start point.</summary>
public sealed record LayeredTapCase(int[] Widths, double[][] Blocks, double Beta, double[] Fields, double[] Start)
{
    public BondMatrix Coupling() => new(Widths, Blocks);

    public override string ToString() =>
        $"widths [{string.Join(",", Widths)}], beta {Beta}, blocks [{string.Join(" | ", Blocks.Select(b => string.Join(",", b)))}], " +
        $"h [{string.Join(",", Fields)}], m0 [{string.Join(",", Start)}]";
}

/// <summary>Generators: widths 1..6, depths (number of layers) 2..4, J entries k/10 for k in -10..10,
/// beta = k/10 for k in 1..20 (a grid in (0, 2]), fields k/20 for k in -5..5, starts k/10 for k in -9..9.</summary>
public static class TapArbitraries
{
    public static Arbitrary<LayeredTapCase> LayeredTapCase()
    {
        static Gen<double> Grid(int lo, int hi, double scale) => Gen.Choose(lo, hi).Select(k => k * scale);

        var gen =
            from depth in Gen.Choose(2, 4)
            from widths in Gen.Choose(1, 6).ArrayOf(depth)
            from blocks in Gen.CollectToArray(Enumerable.Range(1, depth - 1), k => Grid(-10, 10, 0.1).ArrayOf(widths[k - 1] * widths[k]))
            from beta in Grid(1, 20, 0.1)
            from fields in Grid(-5, 5, 0.05).ArrayOf(widths.Sum())
            from start in Grid(-9, 9, 0.1).ArrayOf(widths.Sum())
            select new LayeredTapCase(widths, blocks, beta, fields, start);
        return Arb.From(gen);
    }
}

/// <summary>Properties of the TAP machinery (P1 19-23, docs/theory.md sections 3-4) on random layered couplings.</summary>
[TestFixture]
public class TapProperties
{
    /// <summary>
    /// P1 22-23: the Jacobian at m = 0 (zero fields) of m -> tanh(beta J m - beta^2 m o ((J o J)(1 - m^2))),
    /// by central differences through <see cref="TapSolver.Step"/>, equals M = beta J - beta^2 diag(d), and
    /// <see cref="LinearizedTap.Dense"/> equals I - M.
    /// </summary>
    [SeededProperty(Arbitrary = new[] { typeof(TapArbitraries) })]
    public Property JacobianOfTapMapAtZeroEqualsM(LayeredTapCase c)
    {
        var j = c.Coupling();
        int n = j.Size;
        double beta = c.Beta;
        var a = j.ToDenseRowMajor();
        // Step 1e-7: perturbing m_k alone, the k-th output is tanh(-beta^2 d_k eps) exactly (J_kk = 0) and the others
        // tanh(beta J_ik eps) plus O(eps^3); with beta^2 d_k <= 4 * 12 the central-difference truncation is at most
        // eps^2/6 * 2 (48)^3 ~ 4e-10; the outputs are O(1e-5) and rounded relatively, so rounding over 2 eps is ~1e-15.
        // 1e-8 absolute is therefore safe, while any wrong factor in M would show at the 1e-1 level (entries on a 0.1 grid).
        const double step = 1e-7, tolerance = 1e-8;
        var plus = new double[n];
        var minus = new double[n];
        var outPlus = new double[n];
        var outMinus = new double[n];
        var dense = new LinearizedTap(j, beta).Dense();
        double worst = 0, worstDense = 0;
        for (int k = 0; k < n; k++)
        {
            Array.Clear(plus); Array.Clear(minus);
            plus[k] = step; minus[k] = -step;
            TapSolver.Step(j, beta, default, plus, plus, outPlus);
            TapSolver.Step(j, beta, default, minus, minus, outMinus);
            for (int i = 0; i < n; i++)
            {
                double jac = (outPlus[i] - outMinus[i]) / (2 * step);
                double d = 0;
                for (int l = 0; l < n; l++) d += a[i * n + l] * a[i * n + l];
                double m = beta * a[i * n + k] - (i == k ? beta * beta * d : 0.0);
                worst = Math.Max(worst, Math.Abs(jac - m));
                worstDense = Math.Max(worstDense, Math.Abs(dense[i * n + k] - ((i == k ? 1.0 : 0.0) - jac)));
            }
        }
        return (worst <= tolerance && worstDense <= tolerance).Label($"max |Jacobian - M| = {worst:G3}, max |Dense - (I - Jacobian)| = {worstDense:G3}");
    }

    /// <summary>
    /// A converged damped TAP iteration (damping 0.5, beta reduced until the iteration contracts) satisfies the TAP
    /// equations P1 20 to 1e-8.
    /// </summary>
    [SeededProperty(Arbitrary = new[] { typeof(TapArbitraries) })]
    public Property ConvergedFixedPointSolvesTapEquations(LayeredTapCase c)
    {
        var (_, beta, r) = SolveAtSmallEnoughBeta(c);
        // Residual at the last damped iterate: |atanh m(t+1) - atanh G| <= change/(1 - m^2) with |m| <= tanh 0.9
        // (see SmallEnoughBeta), plus the Lipschitz constant (< 1) times the last two changes: < 1e-11 << 1e-8.
        return (r.Converged && r.MaxResidual <= 1e-8)
            .Label($"beta {beta}: converged {r.Converged} after {r.Iterations}, residual {r.MaxResidual:G3}");
    }

    /// <summary>
    /// The gradient of the TAP free energy (P1 19 with fields) vanishes at converged fixed points of the iteration.
    /// </summary>
    [SeededProperty(Arbitrary = new[] { typeof(TapArbitraries) })]
    public Property FreeEnergyGradientVanishesAtFixedPoints(LayeredTapCase c)
    {
        var (j, beta, r) = SolveAtSmallEnoughBeta(c);
        double maxGradient = TapFreeEnergy.Gradient(j, beta, r.Magnetizations, c.Fields).Max(Math.Abs);
        // dF/dm_i = T * (P1 20 residual) (TapFreeEnergy), T = 1/beta, and the residual is < 1e-8 as above.
        return (r.Converged && maxGradient <= 1e-8 / beta)
            .Label($"beta {beta}: converged {r.Converged} after {r.Iterations}, max |grad F| {maxGradient:G3}");
    }

    static (BondMatrix J, double Beta, TapResult Result) SolveAtSmallEnoughBeta(LayeredTapCase c)
    {
        var j = c.Coupling();
        double beta = SmallEnoughBeta(j, c.Beta);
        var r = TapSolver.Solve(j, beta, new TapSolverOptions
        {
            Fields = c.Fields,
            InitialMagnetizations = c.Start,
            Damping = 0.5,
            Tolerance = 1e-12,
        });
        return (j, beta, r);
    }

    /// <summary>
    /// Reduces beta so that the P2 24 iteration is a contraction: with rho = max_i sum_j |J_ij| and rho2 = max_i d_i,
    /// beta rho &lt;= 0.3 and beta^2 rho2 &lt;= 0.1 bound the derivative of the tanh argument by 0.3 + 2 * 0.1 with
    /// respect to m(t) and by 0.1 with respect to m(t-1); with damping 0.5 the error obeys
    /// e(t+1) &lt;= 0.75 e(t) + 0.05 e(t-1), a geometric decay at rate ~0.81. Also |tanh argument| &lt;= 2 * 0.25 + 0.3 + 0.1,
    /// so |m| &lt;= tanh 0.9.
    /// </summary>
    static double SmallEnoughBeta(BondMatrix j, double beta)
    {
        int n = j.Size;
        var a = j.ToDenseRowMajor();
        double rho = 0;
        for (int i = 0; i < n; i++)
        {
            double s = 0;
            for (int k = 0; k < n; k++) s += Math.Abs(a[i * n + k]);
            rho = Math.Max(rho, s);
        }
        double rho2 = j.RowSquareSums().Max();
        if (rho > 0) beta = Math.Min(beta, 0.3 / rho);
        if (rho2 > 0) beta = Math.Min(beta, Math.Sqrt(0.1 / rho2));
        return beta;
    }
}
