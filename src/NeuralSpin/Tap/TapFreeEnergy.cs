using NeuralSpin.SpinModel;

namespace NeuralSpin.Tap;

/// <summary>
/// The TAP (Thouless-Anderson-Palmer) mean-field free energy of a pairwise Ising model with any
/// symmetric, zero-diagonal coupling J (P1 19, docs/theory.md section 3), with an external-field term:
/// <code>
/// F(m) = -1/2 sum_ij J_ij m_i m_j - (beta/4) sum_ij J_ij^2 (1 - m_i^2)(1 - m_j^2)
///        + (T/2) sum_i [(1 + m_i) ln((1 + m_i)/2) + (1 - m_i) ln((1 - m_i)/2)] - sum_i h_i m_i,
/// </code>
/// T = 1/beta. The entropy term uses 0 ln 0 = 0, so it is finite (zero for that spin) at |m_i| = 1.
/// <para>
/// <b>erratum (docs/theory.md section 3, P2 repository):</b> the reaction (Onsager) term carries
/// 1 - m_i^2, not (1 - m_i)^2, and the field term -sum_i h_i m_i is present.
/// </para>
/// <para>
/// Stationary points of F are the solutions of the TAP equations (P1 20). Differentiating, with J
/// symmetric and zero on the diagonal:
/// <list type="bullet">
/// <item>d/dm_i of -1/2 sum_kl J_kl m_k m_l = -sum_j J_ij m_j (the i appears as k and as l);</item>
/// <item>d/dm_i of -(beta/4) sum_kl J_kl^2 (1 - m_k^2)(1 - m_l^2) = -(beta/4) * 2 * sum_j J_ij^2 (-2 m_i)(1 - m_j^2)
///   = +beta m_i sum_j J_ij^2 (1 - m_j^2);</item>
/// <item>d/dm of (1 + m) ln((1 + m)/2) + (1 - m) ln((1 - m)/2) = ln((1 + m)/(1 - m)) = 2 atanh m, so the
///   entropy term gives T atanh m_i;</item>
/// <item>the field term gives -h_i.</item>
/// </list>
/// Hence dF/dm_i = -(h_i + sum_j J_ij m_j) + beta m_i sum_j J_ij^2 (1 - m_j^2) + T atanh m_i
/// = T [atanh m_i - beta (h_i + (J m)_i) + beta^2 m_i ((J o J)(1 - m^2))_i], i.e. T times the P1 20
/// residual that <see cref="TapSolver"/> reports. The gradient vanishes exactly at TAP solutions.
/// </para>
/// </summary>
public static class TapFreeEnergy
{
    /// <summary>
    /// F(m) of P1 19 plus -sum_i h_i m_i (docs/theory.md section 3).
    /// </summary>
    /// <param name="j">Any symmetric zero-diagonal coupling (a layered <see cref="BondMatrix"/>, a dense SK instance, ...).</param>
    /// <param name="beta">Inverse temperature, finite and &gt; 0 (T = 1/beta multiplies the entropy term).</param>
    /// <param name="m">Magnetizations, length N, each in [-1, 1].</param>
    /// <param name="h">External fields, length N; empty (the default) means zero fields.</param>
    public static double Evaluate(ISymmetricCoupling j, double beta, ReadOnlySpan<double> m, ReadOnlySpan<double> h = default)
    {
        int n = Validate(j, beta, m, h, allowUnit: true);
        double t = 1.0 / beta;

        var jm = new double[n];
        j.Multiply(m, jm);
        var u = new double[n]; // 1 - m_i^2
        for (int i = 0; i < n; i++) u[i] = 1.0 - m[i] * m[i];
        var j2u = new double[n];
        j.MultiplySquared(u, j2u);

        double energy = 0, reaction = 0, entropy = 0, field = 0;
        for (int i = 0; i < n; i++)
        {
            energy += m[i] * jm[i];
            reaction += u[i] * j2u[i];
            entropy += XLogHalfX(1.0 + m[i]) + XLogHalfX(1.0 - m[i]);
            if (!h.IsEmpty) field += h[i] * m[i];
        }
        return -0.5 * energy - 0.25 * beta * reaction + 0.5 * t * entropy - field;
    }

    /// <summary>
    /// The analytic gradient dF/dm_i = -(h_i + sum_j J_ij m_j) + beta m_i sum_j J_ij^2 (1 - m_j^2) + T atanh m_i
    /// of <see cref="Evaluate"/> (derivation in the type summary). It equals T times the P1 20 residual and
    /// is zero exactly at TAP solutions. Requires |m_i| &lt; 1 (the entropy derivative diverges at |m_i| = 1).
    /// </summary>
    /// <param name="j">Any symmetric zero-diagonal coupling.</param>
    /// <param name="beta">Inverse temperature, finite and &gt; 0.</param>
    /// <param name="m">Magnetizations, length N, each strictly inside (-1, 1).</param>
    /// <param name="h">External fields, length N; empty means zero fields.</param>
    /// <returns>A fresh array of length N.</returns>
    public static double[] Gradient(ISymmetricCoupling j, double beta, ReadOnlySpan<double> m, ReadOnlySpan<double> h = default)
    {
        Validate(j, beta, m, h, allowUnit: false);
        // dF/dm_i = T [atanh m_i - beta (h_i + (J m)_i) + beta^2 m_i ((J o J)(1 - m^2))_i] = T times the P1 20 residual
        var g = TapSolver.Residuals(j, beta, h, m);
        for (int i = 0; i < g.Length; i++) g[i] /= beta;
        return g;
    }

    /// <summary>x ln(x/2) with the continuous extension 0 ln 0 = 0.</summary>
    static double XLogHalfX(double x) => x == 0.0 ? 0.0 : x * Math.Log(0.5 * x);

    static int Validate(ISymmetricCoupling j, double beta, ReadOnlySpan<double> m, ReadOnlySpan<double> h, bool allowUnit)
    {
        ArgumentNullException.ThrowIfNull(j);
        if (!(beta > 0) || !double.IsFinite(beta))
            throw new ArgumentOutOfRangeException(nameof(beta), beta, "the TAP free energy needs a finite beta > 0 (T = 1/beta)");
        int n = j.Size;
        if (m.Length != n) throw new ArgumentException($"expected {n} magnetizations, got {m.Length}", nameof(m));
        if (!h.IsEmpty && h.Length != n) throw new ArgumentException($"expected {n} fields (or none), got {h.Length}", nameof(h));
        for (int i = 0; i < n; i++)
        {
            double a = Math.Abs(m[i]);
            if (!(allowUnit ? a <= 1.0 : a < 1.0))
                throw new ArgumentException(allowUnit
                    ? $"magnetization m[{i}] = {m[i]} is outside [-1, 1]"
                    : $"magnetization m[{i}] = {m[i]} must lie strictly inside (-1, 1) for the gradient", nameof(m));
            if (!h.IsEmpty && !double.IsFinite(h[i])) throw new ArgumentException($"field h[{i}] is not finite", nameof(h));
        }
        return n;
    }
}
