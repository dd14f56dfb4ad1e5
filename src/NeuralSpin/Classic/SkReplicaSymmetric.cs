using NeuralSpin.Numerics;

namespace NeuralSpin.Classic;

/// <summary>
/// The replica-symmetric (Sherrington-Kirkpatrick 1975) order parameter of the SK model at zero field
/// (docs/theory.md section 8, J_ij ~ N(0, J^2/N)):
/// <code>q = integral Dz tanh^2(beta J sqrt(q) z),   Dz = exp(-z^2/2) dz / sqrt(2 pi).</code>
/// q = 0 is the only solution for T &gt;= J (tanh^2 x &lt; x^2 gives a right side below beta^2 J^2 q &lt;= q); below T = J a
/// second root q &gt; 0 appears, with q = (beta^2 J^2 - 1) / (2 beta^4 J^4) + O((1 - T/J)^2) ~ 1 - T/J near T_c
/// (from tanh^2 x = x^2 - 2x^4/3 + ...) and 1 - q ~ sqrt(2/pi) T/J as T -&gt; 0. The replica-symmetric solution is
/// not exact below T_c (de Almeida-Thouless: at h = 0 it is unstable for every T &lt; J; Parisi's broken solution is
/// the correct one), but it is the textbook first approximation and agrees with it to leading order in 1 - T/J.
/// <para>
/// The integral uses Gauss-Hermite quadrature (<see cref="GaussQuadrature.Hermite"/>); the positive root is found by bisection on
/// g(q) = integral Dz tanh^2(beta J sqrt(q) z) - q, which is positive just above q = 0 and non-positive at q = 1.
/// The integrand's kink of width ~T/J at z = 0 limits Gauss-Hermite accuracy at low T: with the default
/// 400 nodes the result agrees with a fine trapezoid rule to better than 1e-5 for T/J &gt;= 0.3 but only to 5e-3 at
/// T/J = 0.1 (node spacing ~0.1 near z = 0 against a kink of width 0.1; see the tests).
/// </para>
/// </summary>
public static class SkReplicaSymmetric
{
    /// <summary>
    /// The bisection for q(T) stops when its bracket is at most this wide: the midpoint is then within 5e-15 of the
    /// root of the quadrature's equation, well inside the 1e-13 the order parameter is stated to.
    /// </summary>
    const double BisectionWidth = 1e-14;

    /// <summary>Default number of quadrature nodes.</summary>
    public const int DefaultNodes = 400;

    static readonly Lazy<GaussRule> DefaultRule = new(() => GaussQuadrature.Hermite(DefaultNodes));

    /// <summary>The right-hand side F(q) = integral Dz tanh^2(beta J sqrt(q) z) of the RS equation.</summary>
    public static double RightHandSide(double q, double temperature, double couplingScale = 1, GaussRule? rule = null)
    {
        rule ??= DefaultRule.Value;
        double a = couplingScale * Math.Sqrt(Math.Max(q, 0)) / temperature;
        return rule.Integrate(z => { double t = Math.Tanh(a * z); return t * t; });
    }

    /// <summary>The RS order parameter q(T): 0 for T &gt;= J, else the positive root (to 1e-13 absolute).</summary>
    /// <param name="temperature">T &gt; 0, finite.</param>
    /// <param name="couplingScale">J &gt; 0.</param>
    /// <param name="rule">Quadrature rule (default <see cref="DefaultNodes"/> nodes).</param>
    public static double OrderParameter(double temperature, double couplingScale = 1, GaussRule? rule = null)
    {
        if (!(temperature > 0) || !double.IsFinite(temperature)) throw new ArgumentOutOfRangeException(nameof(temperature), temperature, "T must be positive and finite");
        if (!(couplingScale > 0) || !double.IsFinite(couplingScale)) throw new ArgumentOutOfRangeException(nameof(couplingScale), couplingScale, "J must be positive and finite");
        if (temperature >= couplingScale) return 0;
        rule ??= DefaultRule.Value;
        // g(q) = F(q) - q: g(q) ~ (beta^2 J^2 - 1) q > 0 for small q; g(1) = F(1) - 1 < 0
        double lo = 0, hi = 1;
        // Stryker disable once Equality : the bracket widths are powers of two, never exactly 1e-14
        while (hi - lo > BisectionWidth)
        {
            double mid = 0.5 * (lo + hi);
            double g = RightHandSide(mid, temperature, couplingScale, rule) - mid;
            if (g > 0 || mid <= Precision.Tiny) lo = mid; else hi = mid;
        }
        return 0.5 * (lo + hi);
    }

    /// <summary>The leading small-(1 - T/J) solution (beta^2 J^2 - 1) / (2 beta^4 J^4) = t^2 (1 - t^2) / 2, t = T/J.</summary>
    public static double NearCritical(double temperature, double couplingScale = 1)
    {
        double t = temperature / couplingScale;
        // Stryker disable once Equality : at t = 1 the formula gives 1 * 0 / 2 = 0 as well
        return t >= 1 ? 0 : t * t * (1 - t * t) / 2;
    }
}
