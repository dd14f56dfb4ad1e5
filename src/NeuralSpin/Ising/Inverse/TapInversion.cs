namespace NeuralSpin.Ising.Inverse;

/// <summary>
/// TAP (second-order Plefka) inversion of the moments (Kappen and Rodriguez 1998; Tanaka 1998), beta = 1.
/// The TAP equations atanh m_i = h_i + sum_j J_ij m_j - m_i sum_j J_ij^2 (1 - m_j^2) (docs/theory.md section 3,
/// P1 20) differentiated with respect to m_j give, for i != j,
/// (C^-1)_ij = -J_ij - 2 J_ij^2 m_i m_j, whose root that tends to the mean-field value as J -> 0 is
/// J_ij = -2 (C^-1)_ij / (1 + sqrt(1 - 8 (C^-1)_ij m_i m_j)).
/// The fields then follow from the TAP equations: h_i = atanh m_i - sum_j J_ij m_j + m_i sum_j J_ij^2 (1 - m_j^2).
/// </summary>
/// <remarks>
/// For weak couplings J = eps K the coupling error is O(eps^3) against O(eps^2) for
/// <see cref="MeanFieldInversion"/> (checked by the tests on exact moments); at m = 0 both coincide.
/// When 1 - 8 (C^-1)_ij m_i m_j &lt; 0 (strong correlations, no real TAP solution) the square root is
/// taken as 0, i.e. J_ij = -2 (C^-1)_ij, and the pair is counted in <see cref="Result.Clipped"/>.
/// Magnetizations are clipped as in <see cref="MeanFieldInversion.MagnetizationClip"/>.
/// </remarks>
public static class TapInversion
{
    /// <summary>The TAP model and the number of pairs i &lt; j whose square-root argument was negative.</summary>
    public sealed record Result(IsingModel Model, int Clipped);

    /// <summary>The TAP model from sample moments.</summary>
    public static Result Invert(SampleMoments moments, double ridge = 0) =>
        Invert(moments.Magnetizations, moments.Connected, moments.Size, ridge);

    /// <summary>The TAP model from m and the connected correlations (row-major N x N).</summary>
    public static Result Invert(double[] m, double[] connected, int n, double ridge = 0)
    {
        var inv = MeanFieldInversion.InverseConnected(connected, n, ridge);
        var mc = MeanFieldInversion.Clip(m);
        var j = new double[(long)n * n];
        int clipped = 0;
        // Stryker disable once Equality : at a = n the inner loop makes no pass
        for (int a = 0; a < n; a++)
            for (int b = a + 1; b < n; b++)
            {
                double cinv = inv[(long)a * n + b];
                double arg = 1 - 8 * cinv * mc[a] * mc[b];
                if (arg < 0) { clipped++; arg = 0; }
                double v = -2 * cinv / (1 + Math.Sqrt(arg));
                j[(long)a * n + b] = v; j[(long)b * n + a] = v;
            }
        var h = new double[n];
        for (int a = 0; a < n; a++)
        {
            double lin = 0, onsager = 0;
            for (int b = 0; b < n; b++)
            {
                double v = j[(long)a * n + b];
                lin += v * mc[b];
                onsager += v * v * (1 - mc[b] * mc[b]);
            }
            h[a] = Math.Atanh(mc[a]) - lin + mc[a] * onsager;
        }
        return new Result(new IsingModel(n, j, h), clipped);
    }
}
