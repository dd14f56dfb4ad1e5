using NeuralSpin.Tap;

namespace NeuralSpin.Classic;

/// <summary>The linearized-TAP transition points of one SK instance.</summary>
/// <param name="Size">N.</param>
/// <param name="Seed">The instance seed.</param>
/// <param name="BetaStar">beta*(N): where lambda_min(beta) of I - M(beta) is smallest on (0, beta_max].</param>
/// <param name="MinValue">lambda_min(beta*), the curve minimum (O(N^-2/3), of either sign, at finite N).</param>
/// <param name="BetaAtLevel">The first beta with lambda_min(beta) = level (TransitionSearch.FirstCrossing), or null when the curve stays above it.</param>
/// <param name="BetaZero">beta_c proper, the first zero of lambda_min, or null (at finite N the curve often stays above 0).</param>
public sealed record SkCurveMinimum(int Size, long Seed, double BetaStar, double MinValue, double? BetaAtLevel, double? BetaZero)
{
    /// <summary>T*(N) = 1 / beta*(N).</summary>
    public double TStar => 1 / BetaStar;
}

/// <summary>
/// The linearized TAP operator of SK instances (P1 21-25, docs/theory.md section 4):
/// I - M(beta) = I - beta J + beta^2 diag(d), d_i = sum_j J_ij^2, computed with the project's
/// <see cref="LambdaMinCurve"/> and <see cref="TransitionSearch"/> on the instance's <see cref="SkInstance.Coupling"/>.
/// <para>
/// For J_ij ~ N(0, J^2/N) the spectrum of J is the semicircle on [-2J, 2J] and d_i -&gt; J^2, so
/// lambda_min(beta) -&gt; 1 - 2 beta J + beta^2 J^2 = (1 - beta J)^2 (docs/theory.md section 4), touching 0 at
/// beta = 1/J: the paramagnet-to-glass transition T_c = J (section 8). At finite N,
/// lambda_min(beta) ~ 1 - beta lambda_max(J) + beta^2 mean(d) with lambda_max(J) = J (2 + N^-2/3 chi),
/// chi Tracy-Widom (GOE, mean -1.21, sd 1.27), and mean(d) = J^2 (1 - 1/N) + O(J^2/N); the minimum then sits at
/// beta* = lambda_max / (2 mean d), i.e. T*(N) = J (1 - chi N^-2/3 / 2 - 1/N + ...), which is why the
/// finite-size corrections of T* are fitted in N^-2/3 (<see cref="SkFiniteSize"/>).
/// </para>
/// </summary>
public static class SkLinearizedTap
{
    /// <summary>
    /// Absolute tolerance of the certified minimum of an instance's curve: 1e-7, far below the differences between
    /// instances and sizes (of order N^(-2/3)) that the finite-size study averages and extrapolates.
    /// </summary>
    public const double MinimumTolerance = 1e-7;

    /// <summary>
    /// Curve options for SK: the dense symmetric eigensolver up to 2000 spins. For a dense coupling the
    /// Lanczos path certifies each value by a full dense spectrum anyway (<see cref="Tap.DenseInertia"/>), so
    /// the direct eigensolver is both exact and cheaper.
    /// </summary>
    public static CurveOptions DefaultCurveOptions { get; } = new() { DenseThreshold = 2000 };

    /// <summary>The large-N curve (1 - beta J)^2 (docs/theory.md section 4, in units of the coupling scale J).</summary>
    public static double LargeSizeLimit(double beta, double couplingScale)
    {
        double x = 1 - beta * couplingScale;
        return x * x;
    }

    /// <summary>The large-N first crossing of a level c in [0, 1): (1 - sqrt c) / J.</summary>
    public static double LargeSizeBetaAtLevel(double level, double couplingScale)
    {
        if (!(level >= 0 && level < 1)) throw new ArgumentOutOfRangeException(nameof(level), level, "the level must lie in [0, 1)");
        return (1 - Math.Sqrt(level)) / couplingScale;
    }

    /// <summary>lambda_min(beta) of I - M(beta) at each beta of <paramref name="betas"/> (dense eigensolver).</summary>
    public static CurvePoint[] Curve(SkInstance instance, IReadOnlyList<double> betas, CurveOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(instance);
        using var curve = new LambdaMinCurve(instance.Coupling, null, options ?? DefaultCurveOptions);
        var pts = new CurvePoint[betas.Count];
        for (int i = 0; i < pts.Length; i++) pts[i] = curve.Evaluate(betas[i]);
        return pts;
    }

    /// <summary>
    /// The certified global minimum of lambda_min over (0, beta_max] (<see cref="TransitionSearch.GlobalMinimum"/>),
    /// the first crossing of <paramref name="level"/> and the first zero (<see cref="TransitionSearch.FirstCrossing"/>).
    /// </summary>
    /// <param name="instance">The instance.</param>
    /// <param name="betaMax">Upper end of the beta range, positive and finite.</param>
    /// <param name="level">The level c in [0, 1).</param>
    /// <param name="options">Curve options (default <see cref="DefaultCurveOptions"/>).</param>
    public static SkCurveMinimum Transition(SkInstance instance, double betaMax, double level, CurveOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(instance);
        if (!(level >= 0 && level < 1)) throw new ArgumentOutOfRangeException(nameof(level), level, "the level must lie in [0, 1)");
        using var curve = new LambdaMinCurve(instance.Coupling, null, options ?? DefaultCurveOptions);
        var min = TransitionSearch.GlobalMinimum(curve, betaMax, tolerance: MinimumTolerance);
        // the certified lower bound decides: above the level (beyond the slack) no crossing can exist, and the search would
        // return none either, so the tests save only time; a bound exactly at the level plus the slack is a tie
        double? atLevel = min.CertifiedLowerBound <= level + TransitionSearch.CertificationSlack ? TransitionSearch.FirstCrossing(curve, level, betaMax) : null;
        double? zero = min.CertifiedLowerBound <= TransitionSearch.CertificationSlack ? TransitionSearch.FirstCrossing(curve, 0, betaMax) : null;
        return new SkCurveMinimum(instance.Size, instance.Seed, min.Beta, min.Value, atLevel, zero);
    }
}
