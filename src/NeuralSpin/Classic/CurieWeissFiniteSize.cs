namespace NeuralSpin.Classic;

/// <summary>Exact thermodynamics of the N-spin Curie-Weiss model at one (T, h, J) (see <see cref="CurieWeissFiniteSize"/>).</summary>
/// <param name="Size">N.</param>
/// <param name="Temperature">T &gt;= 0.</param>
/// <param name="Field">h.</param>
/// <param name="Coupling">J.</param>
/// <param name="LogZ">ln Z_N (at T = 0: the log of the ground-state degeneracy; the energy part is in <see cref="FreeEnergy"/>).</param>
/// <param name="FreeEnergy">f_N = -T ln Z_N / N (at T = 0: the ground-state energy per spin).</param>
/// <param name="MeanM">&lt;m&gt;, m = M/N.</param>
/// <param name="MeanAbsM">&lt;|m|&gt;.</param>
/// <param name="MeanM2">&lt;m^2&gt;.</param>
/// <param name="Energy">&lt;E&gt;/N.</param>
/// <param name="Probabilities">P(M = 2k - N) for k = 0..N (index k = number of up spins).</param>
public sealed record FiniteSizeResult(int Size, double Temperature, double Field, double Coupling, double LogZ, double FreeEnergy,
    double MeanM, double MeanAbsM, double MeanM2, double Energy, double[] Probabilities)
{
    /// <summary>The susceptibility per spin chi_N = N (&lt;m^2&gt; - &lt;m&gt;^2)/T (T &gt; 0); at h = 0 above T_c it tends to 1/(T - T_c).</summary>
    public double Susceptibility => Temperature > 0 ? Size * (MeanM2 - MeanM * MeanM) / Temperature : 0;

    /// <summary>The magnetization per spin m = M/N = (2k - N)/N of index <paramref name="k"/> of <see cref="Probabilities"/>.</summary>
    public double MagnetizationPerSpin(int k) => (2.0 * k - Size) / Size;
}

/// <summary>
/// The exact finite-N Curie-Weiss model through its magnetization (papers/002; docs/theory.md section 8), with the
/// convention of <see cref="CurieWeiss"/>: E(M) = -(J/2N)(M^2 - N) - h M, M = 2k - N, and
/// Z_N = sum_k binom(N, k) exp(-E(M)/T). Everything is in log space: ln binom(N, k) from cumulative sums of ln i,
/// log weights w_k = ln binom(N, k) - E(M)/T shifted by their maximum (log-sum-exp), so any N up to
/// <see cref="MaxSize"/> and any T &gt;= 0 works without overflow. Cost O(N). At T = 0 the distribution is the
/// limit T -&gt; 0+: uniform over the ground-state configurations, i.e. P(k) proportional to binom(N, k) on the
/// k of lowest energy.
/// <para>
/// Convergence to mean field (<see cref="CurieWeiss.Solve"/>): by Laplace's method f_N - f_MF = O(1/N) away from
/// T_c (the Gaussian prefactor of Z_N is O(1)) and -T ln N/(4N) + O(1/N) at T = T_c, h = 0 (quartic minimum);
/// &lt;|m|&gt;_N -&gt; m_0 below T_c; N &lt;m^2&gt;_N -&gt; T/(T - T_c) above T_c at h = 0 (so &lt;m^2&gt; ~ chi/N).
/// Tests: equal to <see cref="Ising.ExactEnumeration"/> on <see cref="CurieWeiss.ForFiniteSize"/> to 1e-12 for small N.
/// </para>
/// </summary>
public static class CurieWeissFiniteSize
{
    /// <summary>The largest N accepted (the O(N) arrays stay below a gigabyte).</summary>
    public const int MaxSize = 50_000_000;

    /// <summary>
    /// At T = 0 the magnetizations whose energy lies within this fraction of the energy scale (J + |h|) N above the
    /// minimum are the ground states: degenerate energies (M and -M at h = 0) computed along different roundings differ
    /// by a few ulps of that scale.
    /// </summary>
    const double GroundStateTolerance = 1e-12;

    /// <summary>ln binom(N, k) for k = 0..N (cumulative sums of ln i; absolute error about 1e-16 N ln N).</summary>
    public static double[] LogBinomials(int n)
    {
        CheckSize(n, 0);
        var lf = new double[n + 1];
        for (int i = 2; i <= n; i++) lf[i] = lf[i - 1] + Math.Log(i);
        var lb = new double[n + 1];
        for (int k = 0; k <= n; k++) lb[k] = lf[n] - lf[k] - lf[n - k];
        return lb;
    }

    /// <summary>E(M) = -(J/2N)(M^2 - N) - h M, the energy of any configuration with magnetization M.</summary>
    public static double EnergyOf(int n, int magnetization, double field, double coupling) =>
        -coupling / (2.0 * n) * ((double)magnetization * magnetization - n) - field * magnetization;

    /// <summary>The exact thermodynamics at (T, h, J) for N spins (T &gt;= 0; see the class remarks).</summary>
    public static FiniteSizeResult Compute(int n, double temperature, double field, double coupling = 1.0) =>
        Compute(n, temperature, field, coupling, LogBinomials(Check(n, temperature, field, coupling)));

    /// <summary>As <see cref="Compute(int, double, double, double)"/> with precomputed <see cref="LogBinomials"/> (for temperature sweeps).</summary>
    public static FiniteSizeResult Compute(int n, double temperature, double field, double coupling, double[] logBinomials)
    {
        Check(n, temperature, field, coupling);
        if (logBinomials.Length != n + 1) throw new ArgumentException($"need N + 1 = {n + 1} log-binomials, got {logBinomials.Length}");
        var logw = new double[n + 1];
        double minE = double.PositiveInfinity;
        for (int k = 0; k <= n; k++) minE = Math.Min(minE, EnergyOf(n, 2 * k - n, field, coupling));
        double scale = coupling * n + Math.Abs(field) * n;
        for (int k = 0; k <= n; k++)
        {
            double de = EnergyOf(n, 2 * k - n, field, coupling) - minE;
            logw[k] = temperature > 0
                ? logBinomials[k] - de / temperature
                : de <= GroundStateTolerance * scale ? logBinomials[k] : double.NegativeInfinity;
        }
        double max = logw.Max();
        var p = new double[n + 1];
        double z = 0;
        for (int k = 0; k <= n; k++) z += p[k] = Math.Exp(logw[k] - max);
        double inv = 1 / z, mm = 0, ma = 0, m2 = 0, e = 0;
        for (int k = 0; k <= n; k++)
        {
            double pk = p[k] *= inv;
            double m = (2.0 * k - n) / n;
            mm += pk * m; ma += pk * Math.Abs(m); m2 += pk * m * m;
            e += pk * EnergyOf(n, 2 * k - n, field, coupling);
        }
        double logZ = max + Math.Log(z); // ln of sum_k binom e^{-(E - E_min)/T}
        double f = (minE - temperature * logZ) / n; // at T = 0, E_min / N (ln Z is finite: the largest weight is 1)
        double lnZ = temperature > 0 ? logZ - minE / temperature : logZ;
        return new FiniteSizeResult(n, temperature, field, coupling, lnZ, f, mm, ma, m2, e / n, p);
    }

    /// <summary>Refuses N outside [<paramref name="smallest"/>, <see cref="MaxSize"/>].</summary>
    internal static void CheckSize(int n, int smallest)
    {
        if (n < smallest || n > MaxSize) throw new ArgumentOutOfRangeException(nameof(n), $"N must lie in [{smallest}, {MaxSize}], got {n}");
    }

    static int Check(int n, double temperature, double field, double coupling)
    {
        CheckSize(n, 1);
        if (!(temperature >= 0 && double.IsFinite(temperature))) throw new ArgumentOutOfRangeException(nameof(temperature), $"T must be finite and >= 0, got {temperature}");
        if (!double.IsFinite(field)) throw new ArgumentOutOfRangeException(nameof(field), $"h must be finite, got {field}");
        CurieWeiss.CheckCoupling(coupling);
        return n;
    }
}
