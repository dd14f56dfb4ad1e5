using NeuralSpin.Numerics;
namespace NeuralSpin.Ising;

/// <summary>Quadrature rule over the beta grid.</summary>
public enum QuadratureRule
{
    /// <summary>Trapezoid rule (any increasing grid).</summary>
    Trapezoid,
    /// <summary>Composite Simpson rule (uniform grid, even number of intervals).</summary>
    Simpson,
}

/// <summary>The outcome of <see cref="HeatCapacityEntropy"/>.</summary>
/// <param name="Entropy">S(beta) in nats at the last grid point.</param>
/// <param name="StandardError">Statistical error of <paramref name="Entropy"/> from the per-point standard errors (independent runs).</param>
/// <param name="LogZ">ln Z(beta) = N ln 2 - integral of &lt;E&gt;.</param>
/// <param name="QuadratureErrorEstimate">An estimate of the discretization error (see <see cref="HeatCapacityEntropy.Integrate"/>).</param>
/// <param name="Betas">The grid, from 0 to beta.</param>
/// <param name="MeanEnergies">&lt;E&gt; at each grid point.</param>
/// <param name="EnergyErrors">The standard error of each &lt;E&gt;.</param>
public sealed record HeatCapacityEntropyResult(double Entropy, double StandardError, double LogZ, double QuadratureErrorEstimate,
    double[] Betas, double[] MeanEnergies, double[] EnergyErrors);

/// <summary>
/// Entropy by thermodynamic integration (P2 23; docs/theory.md section 7, natural logs, k_B = 1).
/// <para>
/// Derivation. Z(b) = sum_s e^{-b E(s)} gives d ln Z / db = -&lt;E&gt;_b and Z(0) = 2^N, so
/// ln Z(beta) = N ln 2 - integral_0^beta &lt;E&gt;_b db, and S = ln Z + beta &lt;E&gt;_beta (= beta(&lt;E&gt; - F)). Equivalently,
/// since d&lt;E&gt;/db = -Var_b(E) and the heat capacity is C = b^2 Var_b(E), dS/db = b d&lt;E&gt;/db = -C(b)/b, i.e.
/// S(beta) = N ln 2 - integral_0^beta C(b)/b db; integrating by parts turns this into the &lt;E&gt; form used here, which
/// needs only mean energies (lower variance than the energy fluctuations).
/// </para>
/// <para>
/// Error. With independent estimates E_k (errors sigma_k) and quadrature weights w_k,
/// S = N ln 2 - sum_{k &lt; K} w_k E_k + (beta - w_K) E_K, so Var S = sum_{k &lt; K} w_k^2 sigma_k^2 + (beta - w_K)^2 sigma_K^2
/// (the last point enters both the integral and beta &lt;E&gt;).
/// </para>
/// </summary>
public static class HeatCapacityEntropy
{
    /// <summary>
    /// S and ln Z from mean energies on a grid starting at beta = 0. The quadrature error estimate is
    /// |trapezoid - Simpson| for the trapezoid rule and |Simpson(h) - Simpson(2h)| / 15 (Richardson) for Simpson when
    /// the number of intervals is a multiple of 4 (else |trapezoid - Simpson|, a loose bound); NaN when no second rule applies.
    /// </summary>
    public static HeatCapacityEntropyResult Integrate(int spinCount, double[] betas, double[] meanEnergies, double[] standardErrors, QuadratureRule rule)
    {
        ArgumentNullException.ThrowIfNull(betas);
        ArgumentNullException.ThrowIfNull(meanEnergies);
        ArgumentNullException.ThrowIfNull(standardErrors);
        int count = betas.Length;
        if (count < 2) throw new ArgumentException("the grid needs at least two points");
        if (meanEnergies.Length != count || standardErrors.Length != count) throw new ArgumentException("one mean energy and one standard error per grid point");
        if (betas[0] != 0) throw new ArgumentException("the grid must start at beta = 0 (where S = N ln 2)");
        for (int k = 1; k < count; k++) if (!(betas[k] > betas[k - 1])) throw new ArgumentException("the grid must increase");

        var w = Weights(betas, rule) ?? throw new ArgumentException("Simpson's rule needs a uniform grid with an even number of intervals");
        double beta = betas[^1];
        double integral = 0;
        for (int k = 0; k < count; k++) integral += w[k] * meanEnergies[k];
        double logZ = spinCount * Math.Log(2) - integral;
        double s = logZ + beta * meanEnergies[^1];
        double variance = 0;
        for (int k = 0; k < count - 1; k++) variance += w[k] * w[k] * standardErrors[k] * standardErrors[k];
        variance += (beta - w[^1]) * (beta - w[^1]) * standardErrors[^1] * standardErrors[^1];

        double estimate = double.NaN;
        double Integral(double[] weights, double[] xs, double[] ys) => weights.Select((wk, k) => wk * ys[k]).Sum();
        var simpson = Weights(betas, QuadratureRule.Simpson);
        if (rule == QuadratureRule.Trapezoid && simpson is not null)
            estimate = Math.Abs(integral - Integral(simpson, betas, meanEnergies));
        else if (rule == QuadratureRule.Simpson)
        {
            int intervals = count - 1;
            if (intervals % 4 == 0)
            {
                var coarseB = betas.Where((_, k) => k % 2 == 0).ToArray();
                var coarseE = meanEnergies.Where((_, k) => k % 2 == 0).ToArray();
                estimate = Math.Abs(integral - Integral(Weights(coarseB, QuadratureRule.Simpson)!, coarseB, coarseE)) / 15;
            }
            else
                estimate = Math.Abs(integral - Integral(Weights(betas, QuadratureRule.Trapezoid)!, betas, meanEnergies));
        }
        return new HeatCapacityEntropyResult(s, Math.Sqrt(variance), logZ, estimate, betas, meanEnergies, standardErrors);
    }

    /// <summary>
    /// Runs an independent Monte Carlo chain at each of <paramref name="intervals"/> + 1 equally spaced betas in
    /// [0, model.Beta] (model.Beta &gt; 0), estimates &lt;E&gt; and its batch-means standard error there, and integrates.
    /// </summary>
    public static HeatCapacityEntropyResult Estimate(IsingModel model, int intervals, MonteCarloOptions options, Random random,
        QuadratureRule rule = QuadratureRule.Simpson, int batches = 20)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (intervals < 1) throw new ArgumentException("at least one interval is needed");
        if (!(model.Beta > 0)) throw new ArgumentException("the model's beta must be positive");
        var betas = new double[intervals + 1];
        var means = new double[intervals + 1];
        var errors = new double[intervals + 1];
        for (int k = 0; k <= intervals; k++)
        {
            betas[k] = model.Beta * k / intervals;
            var run = MonteCarlo.Run(model.WithBeta(betas[k]), options, random);
            means[k] = run.Energy.Mean;
            errors[k] = run.EnergyStandardError(batches);
        }
        return Integrate(model.Size, betas, means, errors, rule);
    }

    static double[]? Weights(double[] x, QuadratureRule rule)
    {
        int count = x.Length;
        var w = new double[count];
        if (rule == QuadratureRule.Trapezoid)
        {
            for (int k = 0; k < count - 1; k++)
            {
                double h = x[k + 1] - x[k];
                w[k] += h / 2;
                w[k + 1] += h / 2;
            }
            return w;
        }
        int intervals = count - 1;
        if (intervals % 2 != 0) return null;
        // Stryker disable once Arithmetic : x[0] is 0 here (Integrate refuses other grids, and the coarse grid keeps the first point), so x[^1] - x[0] == x[^1] + x[0]
        double span = x[^1] - x[0];
        double step = span / intervals;
        for (int k = 0; k < count; k++)
            if (!Precision.AlmostEqualOnScale(x[k], x[0] + k * step, x[^1])) return null;
        for (int k = 0; k < count; k++)
            w[k] = step / 3 * (k == 0 || k == intervals ? 1 : k % 2 == 1 ? 4 : 2);
        return w;
    }
}
