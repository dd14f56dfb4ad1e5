using NeuralSpin.Numerics;

namespace NeuralSpin.Classic;

/// <summary>Stability of one solution of the Curie-Weiss mean-field equation, judged on f(m).</summary>
public enum BranchStability
{
    /// <summary>The global minimum of the mean-field free energy f(m) (both degenerate minima at h = 0 below T_c).</summary>
    Stable,
    /// <summary>A local, not global, minimum of f(m) (the branch magnetised against the field).</summary>
    Metastable,
    /// <summary>A local maximum of f(m) (the middle root, f''(m) &lt; 0).</summary>
    Unstable,
}

/// <summary>The names of <see cref="BranchStability"/> in output files and figure legends.</summary>
public static class BranchStabilityNames
{
    /// <summary>"stable", "metastable" or "unstable".</summary>
    public static string Name(this BranchStability stability) => stability switch
    {
        BranchStability.Stable => "stable",
        BranchStability.Metastable => "metastable",
        _ => "unstable",
    };
}

/// <summary>One root m of m = tanh(beta (J m + h)) with its mean-field free energy per spin and stability.</summary>
/// <param name="M">The magnetization per spin.</param>
/// <param name="FreeEnergy">f(m) = -J m^2/2 - h m - T s(m) at the root.</param>
/// <param name="Curvature">f''(m) = -J + T/(1 - m^2) (+infinity at |m| = 1; -J inside (-1, 1) at T = 0).</param>
/// <param name="Stability">Stable, metastable or unstable.</param>
public sealed record MeanFieldBranch(double M, double FreeEnergy, double Curvature, BranchStability Stability);

/// <summary>
/// All solutions of the Curie-Weiss mean-field equation at one (T, h, J), sorted by m, and the
/// thermodynamically stable one.
/// </summary>
/// <param name="Temperature">T &gt;= 0.</param>
/// <param name="Field">h.</param>
/// <param name="Coupling">J &gt; 0.</param>
/// <param name="Branches">One root (T &gt;= T_c, or |h| beyond the spinodal field) or three (T &lt; T_c, small |h|), sorted by m.</param>
public sealed record MeanFieldSolution(double Temperature, double Field, double Coupling, IReadOnlyList<MeanFieldBranch> Branches)
{
    /// <summary>
    /// The stable solution: the global minimum of f(m). At h = 0 below T_c the two minima +-m_0 are degenerate;
    /// the convention is to report m &gt;= 0, the limit h -&gt; 0+ (both are in <see cref="StableBranches"/>).
    /// </summary>
    public MeanFieldBranch Stable => StableBranches[^1];

    /// <summary>Every branch marked stable: one, or two (+-m_0) when degenerate at h = 0 below T_c.</summary>
    public IReadOnlyList<MeanFieldBranch> StableBranches => Branches.Where(b => b.Stability == BranchStability.Stable).ToList();

    /// <summary>True when two minima of f are degenerate (h = 0, T &lt; T_c).</summary>
    public bool Degenerate => StableBranches.Count > 1;
}

/// <summary>
/// The Curie-Weiss (fully connected Ising) ferromagnet (papers/002, "Curie-Weiss Model"; docs/theory.md section 8).
/// <para>
/// Convention: E(s) = -(J/2N) sum_{i != j} s_i s_j - h sum_i s_i, i.e. the <see cref="Ising.IsingModel"/>
/// E = -1/2 s^T J s - h^T s with J_ij = J/N off the diagonal and zero diagonal, at beta = 1/T (k_B = 1). In terms
/// of M = sum_i s_i, E = -(J/2N)(M^2 - N) - h M. <see cref="ForFiniteSize"/> builds that IsingModel;
/// <see cref="CurieWeissFiniteSize"/> is exact for it.
/// </para>
/// <para>
/// Mean field (N -&gt; infinity): m = tanh(beta (J m + h)), T_c = J, and the free energy per spin is the
/// minimum over m of f(m) = -J m^2/2 - h m - T s(m) with s(m) = ln 2 - [(1+m) ln(1+m) + (1-m) ln(1-m)]/2 the
/// binary entropy in nats; its stationary points are exactly the roots of the mean-field equation. Below T_c,
/// m_0 ~ sqrt(3 (T_c - T)/T_c) (critical exponent beta = 1/2); above T_c at h = 0 the susceptibility is
/// chi = dm/dh = 1/(T - T_c) (gamma = 1).
/// </para>
/// <para>
/// Root finding: with g(m) = T atanh(m) - J m - h, which has the sign of F(m) = m - tanh((J m + h)/T) on
/// (-1, 1), g'(m) = 0 at m* = +-sqrt(1 - T/J) when T &lt; J, so the roots are bracketed by [-1, -m*],
/// [-m*, m*], [m*, 1] according to the signs of F(+-m*) (one root when T &gt;= J). Each is found by bisection on
/// F, which is finite at m = +-1, down to adjacent doubles (no tolerance to tune; robust at T -&gt; 0, T = T_c,
/// h = 0 and |m| -&gt; 1, where the root may round to +-1). T = 0 is the limit m = sign(J m + h): +-1, and
/// m = -h/J (unstable) when |h| &lt; J.
/// </para>
/// </summary>
public static class CurieWeiss
{
    /// <summary>
    /// The field step of the central difference for chi, relative to T - T_c: small against the width T - T_c of the
    /// linear response, so that m(dh) = chi dh = 1e-4 and the cubic term of tanh leaves a relative error
    /// (chi dh)^2 / (3 t) = 3e-9 / t, t = (T - T_c)/T_c (3e-6 at t = 1e-3), and large enough that m(+dh) - m(-dh) keeps its digits.
    /// </summary>
    public const double SusceptibilityFieldStep = 1e-4;

    /// <summary>T_c = J (docs/theory.md section 8).</summary>
    public static double CriticalTemperature(double coupling = 1.0)
    {
        CheckCoupling(coupling);
        return coupling;
    }

    /// <summary>The pairwise model E(s) = -(J/2N) sum_{i != j} s_i s_j - h sum_i s_i as an IsingModel (J_ij = J/N, beta = 1/T; T &gt; 0).</summary>
    public static Ising.IsingModel ForFiniteSize(int n, double temperature, double field, double coupling = 1.0)
    {
        CheckCoupling(coupling);
        if (n < 1) throw new ArgumentOutOfRangeException(nameof(n), "N must be at least 1");
        if (!(temperature > 0 && double.IsFinite(temperature))) throw new ArgumentOutOfRangeException(nameof(temperature), "an IsingModel needs a finite T > 0");
        var j = new double[(long)n * n];
        for (int i = 0; i < n; i++)
            for (int k = 0; k < n; k++)
                if (i != k) j[(long)i * n + k] = coupling / n;
        return new Ising.IsingModel(n, j, Enumerable.Repeat(field, n).ToArray(), 1.0 / temperature);
    }

    /// <summary>Binary entropy in nats, s(m) = ln 2 - [(1+m) ln(1+m) + (1-m) ln(1-m)]/2 for |m| &lt;= 1 (0 at |m| = 1).</summary>
    public static double BinaryEntropy(double m)
    {
        double a = Math.Abs(m);
        if (a >= 1) return 0;
        // (1+a) log1p(a) + (1-a) log1p(-a), accurate for small a
        return Math.Log(2) - 0.5 * ((1 + a) * Elementary.Log1p(a) + (1 - a) * Elementary.Log1p(-a));
    }

    /// <summary>
    /// The mean-field free energy per spin f(m) = -J m^2/2 - h m - T s(m) (the Landau function of the Curie-Weiss model;
    /// T &gt;= 0: at T = 0 the entropy term is 0 s(m) = 0, s being finite for every m).
    /// </summary>
    public static double FreeEnergy(double m, double temperature, double field, double coupling = 1.0)
    {
        if (!(temperature >= 0)) throw new ArgumentOutOfRangeException(nameof(temperature), $"T must be >= 0, got {temperature}");
        return -0.5 * coupling * m * m - field * m - temperature * BinaryEntropy(m);
    }

    /// <summary>
    /// f''(m) = -J + T/(1 - m^2), +infinity at |m| = 1 (for T &gt; 0 the entropy's slope diverges there; at T = 0 the
    /// constraint |m| &lt;= 1 makes m = +-1 boundary minima), and -J inside (-1, 1) at T = 0.
    /// </summary>
    public static double Curvature(double m, double temperature, double coupling = 1.0)
    {
        if (Math.Abs(m) >= 1) return double.PositiveInfinity;
        // Stryker disable once Equality : at T = 0 the general form is -J + 0 / q = -J as well (q > 0 inside (-1, 1))
        if (temperature <= 0) return -coupling;
        // |m| < 1 here, so both factors are at least 2^-53 and q = (1 - m)(1 + m) > 0
        return -coupling + temperature / ((1 - m) * (1 + m));
    }

    /// <summary>
    /// Every root of m = tanh(beta (J m + h)) at temperature T &gt;= 0 (beta = 1/T), classified from f(m): the
    /// global minimum stable (both at a degeneracy), other minima metastable, maxima unstable.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">T negative or not finite, h not finite, J not a finite positive number.</exception>
    public static MeanFieldSolution Solve(double temperature, double field, double coupling = 1.0)
    {
        if (!(temperature >= 0 && double.IsFinite(temperature))) throw new ArgumentOutOfRangeException(nameof(temperature), $"T must be finite and >= 0, got {temperature}");
        if (!double.IsFinite(field)) throw new ArgumentOutOfRangeException(nameof(field), $"h must be finite, got {field}");
        CheckCoupling(coupling);
        double t = temperature, h = field, j = coupling;
        var roots = new List<double>(3);
        if (t == 0)
        {
            if (j + h >= 0) roots.Add(1);
            if (h - j <= 0) roots.Add(-1);
            // Stryker disable once Equality : at |h| = J, -h/J = -+1 is already a root and the duplicate is removed below
            if (Math.Abs(h) < j) roots.Add(-h / j);
        }
        else
        {
            double F(double m) => m - Math.Tanh((j * m + h) / t);
            if (t >= j)
            {
                roots.Add(Bisect(F, -1, 1, increasing: true));
            }
            else
            {
                double ms = Math.Sqrt((j - t) / j);
                double fLo = F(-ms), fHi = F(ms); // local max and local min of g
                if (fHi <= 0) roots.Add(Bisect(F, ms, 1, increasing: true));
                // at h = 0, F is odd: the lower root is exactly minus the upper one (set so, bit for bit)
                if (fLo >= 0) roots.Add(h == 0 && roots.Count == 1 ? -roots[0] : Bisect(F, -1, -ms, increasing: true));
                // the middle root exists when both outer ones do; at a tangency (F(+-m*) = 0, the spinodal) it has
                // merged with the outer root at +-m*, which the bisection above returns (at h = 0 the first midpoint of the
                // symmetric bracket is 0 exactly, a root of the odd F, so the middle root is 0 bit for bit)
                if (fHi < 0 && fLo > 0) roots.Add(Bisect(F, -ms, ms, increasing: false));
            }
        }
        roots.Sort();
        for (int i = roots.Count - 1; i > 0; i--)
            if (roots[i] == roots[i - 1]) roots.RemoveAt(i);
        var fs = roots.Select(m => FreeEnergy(m, t, h, j)).ToArray();
        var curv = roots.Select(m => Curvature(m, t, j)).ToArray();
        // Minima of f: f'' >= 0 (the single root always). With two minima, f_h(m) = f_0(m) - h m and f_0 even give
        // f_h(m_+) <= f_h(-m_-) < f_h(m_-) for h > 0: the minimum aligned with h is the global one; at h = 0 they tie.
        var minima = Enumerable.Range(0, roots.Count).Where(i => roots.Count == 1 || curv[i] >= 0).ToList();
        var stable = new HashSet<int>();
        if (minima.Count == 1 || h > 0) stable.Add(minima[^1]);
        else if (h < 0) stable.Add(minima[0]);
        else stable.UnionWith(minima);
        var branches = new MeanFieldBranch[roots.Count];
        for (int i = 0; i < roots.Count; i++)
        {
            var st = stable.Contains(i) ? BranchStability.Stable : minima.Contains(i) ? BranchStability.Metastable : BranchStability.Unstable;
            branches[i] = new MeanFieldBranch(roots[i], fs[i], curv[i], st);
        }
        return new MeanFieldSolution(t, h, j, branches);
    }

    /// <summary>
    /// The susceptibility chi = dm/dh of a branch by the implicit-function theorem on m = tanh(beta (J m + h)):
    /// chi = beta (1 - m^2) / (1 - beta J (1 - m^2)); at h = 0 above T_c chi = 1/(T - T_c).
    /// </summary>
    public static double Susceptibility(double m, double temperature, double coupling = 1.0)
    {
        if (temperature <= 0) return 0;
        double q = (1 - m) * (1 + m);
        return q / (temperature - coupling * q);
    }

    /// <summary>
    /// The critical exponent beta fitted as the least-squares slope of ln m_0 against ln(T_c - T) at h = 0 on
    /// <paramref name="points"/> temperatures with (T_c - T)/T_c log-spaced in [<paramref name="reducedMin"/>,
    /// <paramref name="reducedMax"/>], m_0 the stable root of <see cref="Solve"/>. Since m_0^2 = 3 t (1 + O(t)) with
    /// t = (T_c - T)/T_c, the fitted slope is 1/2 + O(reducedMax).
    /// </summary>
    public static PowerFit FitBetaExponent(double coupling = 1.0, double reducedMin = 1e-6, double reducedMax = 1e-3, int points = 25)
    {
        CheckRange(reducedMin, reducedMax, points);
        double tc = CriticalTemperature(coupling);
        var x = new double[points];
        var y = new double[points];
        var reduced = Precision.LogGrid(reducedMin, reducedMax, points);
        for (int k = 0; k < points; k++)
        {
            double r = reduced[k];
            double dt = r * tc;
            double m = Solve(tc - dt, 0, coupling).Stable.M;
            x[k] = dt; y[k] = m;
        }
        return PowerFit.Fit(x, y);
    }

    /// <summary>
    /// The susceptibility exponent gamma: minus the least-squares slope of ln chi against ln(T - T_c) at h = 0
    /// above T_c, chi the central difference [m(+dh) - m(-dh)]/(2 dh) of the solver's stable root with
    /// dh = <see cref="SusceptibilityFieldStep"/> (T - T_c) (so chi is exact to O(dh^2) relative). Expected 1.
    /// </summary>
    public static PowerFit FitGammaExponent(double coupling = 1.0, double reducedMin = 1e-4, double reducedMax = 1e-2, int points = 25)
    {
        CheckRange(reducedMin, reducedMax, points);
        double tc = CriticalTemperature(coupling);
        var x = new double[points];
        var y = new double[points];
        var reduced = Precision.LogGrid(reducedMin, reducedMax, points);
        for (int k = 0; k < points; k++)
        {
            double dt = reduced[k] * tc;
            double dh = SusceptibilityFieldStep * dt;
            double mp = Solve(tc + dt, dh, coupling).Stable.M, mm = Solve(tc + dt, -dh, coupling).Stable.M;
            x[k] = dt; y[k] = (mp - mm) / (2 * dh);
        }
        var fit = PowerFit.Fit(x, y);
        return fit with { Exponent = -fit.Exponent };
    }

    static void CheckRange(double reducedMin, double reducedMax, int points)
    {
        if (!(reducedMin > 0 && reducedMax > reducedMin && reducedMax < 1)) throw new ArgumentOutOfRangeException(nameof(reducedMin), "need 0 < reducedMin < reducedMax < 1");
        if (points < 2) throw new ArgumentOutOfRangeException(nameof(points), "need at least 2 points");
    }

    internal static void CheckCoupling(double coupling)
    {
        if (!(coupling > 0 && double.IsFinite(coupling))) throw new ArgumentOutOfRangeException(nameof(coupling), $"the coupling J must be finite and > 0, got {coupling}");
    }

    /// <summary>Bisection to adjacent doubles on a bracket with f(lo) &lt;= 0 &lt;= f(hi) (increasing) or the reverse.</summary>
    static double Bisect(Func<double, double> f, double lo, double hi, bool increasing)
    {
        for (int it = 0; it < 2200; it++)
        {
            double mid = lo + 0.5 * (hi - lo);
            // Stryker disable once Logical,Equality,Statement : mid equals an end only once the bracket is two adjacent doubles; further steps set that end to itself, and 2200 steps exceed the ~1130 that reach adjacency from [-1, 1] even through the subnormals
            if (mid <= lo || mid >= hi) break;
            double v = f(mid);
            if (v == 0) return mid;
            if ((v < 0) == increasing) lo = mid; else hi = mid;
        }
        return Math.Abs(f(lo)) <= Math.Abs(f(hi)) ? lo : hi;
    }
}

/// <summary>A least-squares power law y = A x^Exponent fitted as a line in (ln x, ln y).</summary>
/// <param name="Exponent">The slope of ln y against ln x.</param>
/// <param name="Amplitude">A = exp(intercept).</param>
/// <param name="ExponentStandardError">The standard error of the slope from the residuals (0 for two points).</param>
/// <param name="X">The x values used.</param>
/// <param name="Y">The y values used.</param>
public sealed record PowerFit(double Exponent, double Amplitude, double ExponentStandardError, double[] X, double[] Y)
{
    /// <summary>Fits ln y = ln A + p ln x by ordinary least squares (all x, y must be &gt; 0).</summary>
    public static PowerFit Fit(double[] x, double[] y)
    {
        if (x.Length != y.Length || x.Length < 2) throw new ArgumentException("need at least two (x, y) pairs of equal count");
        int n = x.Length;
        var lx = x.Select(v => v > 0 ? Math.Log(v) : throw new ArgumentException("x must be > 0")).ToArray();
        var ly = y.Select(v => v > 0 ? Math.Log(v) : throw new ArgumentException("y must be > 0")).ToArray();
        double mx = lx.Average(), my = ly.Average(), sxx = 0, sxy = 0;
        for (int i = 0; i < n; i++) { sxx += (lx[i] - mx) * (lx[i] - mx); sxy += (lx[i] - mx) * (ly[i] - my); }
        double p = sxy / sxx, a = my - p * mx, rss = 0;
        for (int i = 0; i < n; i++) { double r = ly[i] - a - p * lx[i]; rss += r * r; }
        double se = n > 2 ? Math.Sqrt(rss / (n - 2) / sxx) : 0;
        return new PowerFit(p, Math.Exp(a), se, x, y);
    }
}
