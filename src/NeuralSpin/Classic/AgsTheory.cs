using MathNet.Numerics;
using NeuralSpin.Numerics;

namespace NeuralSpin.Classic;

/// <summary>A replica-symmetric saddle point of the Hopfield free energy (<see cref="AgsTheory"/>).</summary>
/// <param name="Alpha">Load alpha = P / N.</param>
/// <param name="Temperature">T = 1 / beta (0: the zero-temperature limit).</param>
/// <param name="M">Overlap m with the condensed pattern (0 on the spin-glass and paramagnetic branches).</param>
/// <param name="Q">Edwards-Anderson order parameter q (1 at T = 0).</param>
/// <param name="R">r = q / (1 - beta (1 - q))^2, the mean square overlap with the uncondensed patterns times N / P; at T = 0, 1 / (1 - C)^2.</param>
/// <param name="FreeEnergy">The RS free energy per spin f(m, q, r) (at T = 0 the energy per spin).</param>
/// <param name="Converged">Whether the fixed-point iteration met its tolerance (always true for the closed forms at T = 0).</param>
/// <param name="Iterations">Fixed-point iterations used (0 for the closed forms).</param>
public sealed record AgsState(double Alpha, double Temperature, double M, double Q, double R, double FreeEnergy, bool Converged, int Iterations);

/// <summary>A point of a phase boundary in the (alpha, T) plane.</summary>
public readonly record struct AgsBoundaryPoint(double Alpha, double Temperature);

/// <summary>The three AGS boundaries, each as points ordered by temperature (<see cref="AgsTheory.PhaseDiagram"/>).</summary>
/// <param name="Glass">T_g(alpha) = 1 + sqrt(alpha): paramagnet to spin glass.</param>
/// <param name="RetrievalLimit">T_M(alpha): above it (or at larger alpha) no retrieval solution exists; alpha_c = 0.138 at T = 0.</param>
/// <param name="RetrievalGlobal">T_c(alpha): below it the retrieval states have a lower free energy than the spin glass; alpha = 0.051 at T = 0.</param>
public sealed record AgsPhaseDiagram(IReadOnlyList<AgsBoundaryPoint> Glass, IReadOnlyList<AgsBoundaryPoint> RetrievalLimit, IReadOnlyList<AgsBoundaryPoint> RetrievalGlobal);

/// <summary>
/// The replica-symmetric mean-field theory of the Hopfield model (Amit, Gutfreund and Sompolinsky, Phys. Rev. Lett.
/// 55, 1530 (1985) and Ann. Phys. 173, 30 (1987); docs/theory.md section 8), for one condensed pattern at load alpha and
/// inverse temperature beta = 1 / T, with the zero-diagonal Hebbian couplings of <see cref="HopfieldNetwork"/>.
/// </summary>
/// <remarks>
/// <para>
/// Free energy used (per spin, RS, derived from the replicated partition function with E = -(N/2) sum_mu m_mu^2 + P/2:
/// the P - 1 uncondensed overlaps are Gaussian and integrated out, giving the -ln det term; q is the replica overlap
/// and r its conjugate):
/// f(m, q, r) = alpha/2 + m^2/2 + (alpha / (2 beta)) [ln(1 - beta(1 - q)) - beta q / (1 - beta(1 - q))]
///              + (alpha beta / 2) r (1 - q) - (1/beta) int Dz ln 2 cosh(beta (m + sqrt(alpha r) z)).
/// Its stationarity conditions are the AGS equations: df/dm = 0 gives m = int Dz tanh(beta(m + sqrt(alpha r) z)),
/// df/dr = 0 (Gaussian integration by parts) gives q = int Dz tanh^2(...), and df/dq = 0 gives
/// r = q / (1 - beta(1 - q))^2. Checks: at alpha = 0 it is the Curie-Weiss f = m^2/2 - (1/beta) ln 2 cosh(beta m);
/// at m = q = r = 0 it is the exact annealed paramagnet f = alpha/2 + (alpha/(2 beta)) ln(1 - beta) - ln 2 / beta.
/// </para>
/// <para>
/// T = 0 (beta -> infinity with C = beta(1 - q) finite): m = erf(y), C = sqrt(2 / (pi alpha r)) exp(-y^2), r = 1/(1 - C)^2
/// with y = m / sqrt(2 alpha r); eliminating r gives the one-variable form sqrt(2 alpha) = erf(y)/y - (2/sqrt(pi)) e^{-y^2},
/// whose maximum over y is alpha_c = 0.1379 (m = 0.967). The energy is e = alpha/2 - m^2/2 - alpha r / 2; on the
/// spin-glass branch (m = 0) r = (1 + a)^2 with a = sqrt(2 / (pi alpha)), e_SG = -1/pi - sqrt(2 alpha / pi).
/// </para>
/// <para>
/// Gaussian averages: a 128-node Gauss-Hermite rule when beta sqrt(alpha r) &lt; 1 (the integrand is then analytic in a
/// strip of half-width &gt;= pi/2 and the rule is accurate to ~1e-13); otherwise the step part (sign, 1 or |x|) is
/// integrated in closed form (erf) and the smooth, exponentially decaying remainder (tanh - sign, -sech^2,
/// ln(1 + e^{-2|x|})) by a 64-node Gauss-Laguerre rule in x = beta |m + sqrt(alpha r) z|, accurate to ~1e-13 at any
/// lower temperature (Gauss-Hermite alone would lose digits there: 1e-7 at beta s = 2, 1e-2 at 20). Tests compare
/// both branches with a fine trapezoid reference.
/// </para>
/// </remarks>
public static class AgsTheory
{
    /// <summary>alpha_c at T = 0 as Amit, Gutfreund and Sompolinsky (1985) quote it (three digits), the textbook value beside <see cref="CriticalLoad"/>.</summary>
    public const double PublishedCriticalLoad = 0.138;

    /// <summary>m at alpha_c (T = 0) as AGS (1985) quote it, the textbook value beside <see cref="CriticalOverlap"/>.</summary>
    public const double PublishedCriticalOverlap = 0.967;

    /// <summary>The load below which retrieval is the global minimum at T = 0 as AGS (1987) quote it (two digits), beside <see cref="GlobalStabilityLoadZeroTemperature"/>.</summary>
    public const double PublishedGlobalStabilityLoad = 0.051;

    /// <summary>Below this m a solution counts as non-retrieval (the spin-glass branch has m = 0 exactly by symmetry).</summary>
    public const double RetrievalThreshold = 1e-3;

    /// <summary>Tolerance on max(|dm|, |dq|) of the fixed-point iteration.</summary>
    public const double Tolerance = 1e-12;

    /// <summary>Iteration budget of <see cref="Solve"/>.</summary>
    public const int MaxIterations = 200_000;

    /// <summary>
    /// The low end of the bisections for the load where retrieval becomes the global minimum: a load at which retrieval
    /// is surely the global minimum (its advantage grows as alpha falls), yet positive, where the spin glass exists.
    /// </summary>
    const double SmallestLoad = 1e-4;

    /// <summary>
    /// The high end of that bisection at T &gt; 0 is the retrieval limit alpha_M(T) times (1 - this): just inside the region
    /// where the retrieval solution still exists (it vanishes at alpha_M).
    /// </summary>
    const double LimitBackoff = 1e-4;

    /// <summary>
    /// Floor of d = 1 - beta (1 - q) in r(q) = q/d^2: outside the physical region d &gt; 0 the floor keeps r finite, and
    /// the map then sends q back towards 1.
    /// </summary>
    const double PhysicalFloor = 1e-12;

    /// <summary>
    /// The scan for the symmetric solution ends this fraction of (1 - q_min) above q_min = 1 - T, where d = 0 and r(q)
    /// diverges, so that its last point is still inside the physical region.
    /// </summary>
    const double ScanInset = 1e-9;

    const int HermiteNodes = 128, LaguerreNodes = 64;
    const double SplitThreshold = 1.0;
    static readonly double SqrtPi = Math.Sqrt(Math.PI), InvSqrt2Pi = 1 / Math.Sqrt(2 * Math.PI);

    /// <summary>T_g(alpha) = 1 + sqrt(alpha): below it the spin-glass solution (q &gt; 0, m = 0) exists.</summary>
    public static double GlassTemperature(double alpha) => 1 + Math.Sqrt(CheckAlpha(alpha));

    // ------------------------------------------------------------------ T = 0

    /// <summary>alpha(y) = (1/2) (erf(y)/y - (2/sqrt(pi)) e^{-y^2})^2: the load at which y = m / sqrt(2 alpha r) solves the T = 0 equations.</summary>
    public static double ZeroTemperatureLoad(double y)
    {
        if (!(y > 0)) throw new ArgumentOutOfRangeException(nameof(y), y, "y must be > 0");
        double g = SpecialFunctions.Erf(y) / y - 2 / SqrtPi * Math.Exp(-y * y);
        return 0.5 * g * g;
    }

    // d/dy of erf(y)/y - (2/sqrt pi) e^{-y^2}
    static double LoadSlope(double y) => 2 / SqrtPi * Math.Exp(-y * y) / y - SpecialFunctions.Erf(y) / (y * y) + 4 / SqrtPi * y * Math.Exp(-y * y);

    // y* = argmax alpha(y), the root of the slope; recomputed on each call (about 55 halvings, microseconds) rather than
    // cached, so that every caller's value comes from the code as it stands
    static double CriticalY() => Bisect(LoadSlope, 0.5, 3.0);

    /// <summary>alpha_c(T = 0) = max_y alpha(y) = 0.1379: the largest load with a retrieval solution at T = 0.</summary>
    public static double CriticalLoad => ZeroTemperatureLoad(CriticalY());

    /// <summary>m at alpha_c(T = 0) (= erf(y*) = 0.967): the size of the jump of m(alpha) to 0.</summary>
    public static double CriticalOverlap => SpecialFunctions.Erf(CriticalY());

    /// <summary>
    /// The T = 0 retrieval solution (the larger-m root of sqrt(2 alpha) = erf(y)/y - (2/sqrt pi) e^{-y^2}); null when
    /// alpha &gt; alpha_c. FreeEnergy is the energy per spin alpha/2 - m^2/2 - alpha r/2.
    /// </summary>
    public static AgsState? RetrievalZeroTemperature(double alpha)
    {
        CheckAlpha(alpha);
        if (alpha == 0) return new AgsState(0, 0, 1, 1, 1, -0.5, true, 0);
        double yStar = CriticalY();
        if (alpha > ZeroTemperatureLoad(yStar)) return null;
        double hi = 1 / Math.Sqrt(2 * alpha) + 1; // alpha(y) <= 1/(2 y^2) < alpha there
        double y = Bisect(t => ZeroTemperatureLoad(t) - alpha, yStar, hi);
        double m = SpecialFunctions.Erf(y);
        double c = 2 * y * Math.Exp(-y * y) / (SqrtPi * m);
        double r = 1 / ((1 - c) * (1 - c));
        return new AgsState(alpha, 0, m, 1, r, alpha / 2 - m * m / 2 - alpha * r / 2, true, 0);
    }

    /// <summary>The T = 0 spin-glass solution (m = 0, r = (1 + a)^2, a = sqrt(2/(pi alpha))), energy -1/pi - sqrt(2 alpha / pi).</summary>
    public static AgsState SpinGlassZeroTemperature(double alpha)
    {
        if (!(CheckAlpha(alpha) > 0)) throw new ArgumentOutOfRangeException(nameof(alpha), alpha, "the spin-glass branch needs alpha > 0");
        double a = Math.Sqrt(2 / (Math.PI * alpha));
        double r = (1 + a) * (1 + a);
        return new AgsState(alpha, 0, 0, 1, r, alpha / 2 - alpha * r / 2, true, 0);
    }

    /// <summary>The load below which the T = 0 retrieval state has a lower energy than the spin glass (alpha = 0.051).</summary>
    public static double GlobalStabilityLoadZeroTemperature() =>
        Bisect(a => RetrievalZeroTemperature(a)!.FreeEnergy - SpinGlassZeroTemperature(a).FreeEnergy, SmallestLoad, CriticalLoad);

    // ------------------------------------------------------------------ finite T

    /// <summary>
    /// Gaussian averages at field h = m + s z, z ~ N(0, 1): returns (int Dz tanh(beta h), int Dz tanh^2(beta h),
    /// (1/beta) int Dz ln 2 cosh(beta h)). See the remarks for the quadrature.
    /// </summary>
    public static (double Tanh, double TanhSquared, double LogCosh) GaussianAverages(double m, double s, double beta) => GaussianAverages(m, s, beta, true);

    static (double Tanh, double TanhSquared, double LogCosh) GaussianAverages(double m, double s, double beta, bool withLogCosh)
    {
        if (!double.IsFinite(m) || !(s >= 0) || !double.IsFinite(s) || !(beta > 0) || !double.IsFinite(beta))
            throw new ArgumentOutOfRangeException(nameof(beta), $"need finite m, s >= 0, beta > 0; got m = {m}, s = {s}, beta = {beta}");
        return beta * s < SplitThreshold ? HermiteAverages(m, s, beta, withLogCosh) : SplitAverages(m, s, beta, withLogCosh);
    }

    /// <summary>The Gauss-Hermite branch of <see cref="GaussianAverages(double, double, double)"/>.</summary>
    internal static (double Tanh, double TanhSquared, double LogCosh) HermiteAverages(double m, double s, double beta, bool withLogCosh = true)
    {
        double t1 = 0, t2 = 0, lc = 0;
        var rule = GaussQuadrature.Hermite(HermiteNodes);
        for (int k = 0; k < rule.Nodes.Length; k++)
        {
            double x = beta * (m + s * rule.Nodes[k]);
            double th = Math.Tanh(x), w = rule.Weights[k];
            t1 += w * th;
            t2 += w * th * th;
            // Stryker disable once Statement : the log-cosh sum is only skipped for speed; callers passing false discard it
            if (!withLogCosh) continue;
            double ax = Math.Abs(x);
            lc += w * (ax + Math.Log(1 + Math.Exp(-2 * ax)));
        }
        return (t1, t2, lc / beta);
    }

    /// <summary>The closed-form step part plus Gauss-Laguerre remainder branch of <see cref="GaussianAverages(double, double, double)"/> (s &gt; 0).</summary>
    internal static (double Tanh, double TanhSquared, double LogCosh) SplitAverages(double m, double s, double beta, bool withLogCosh = true)
    {
        double t1, t2, lc;
        // step parts in closed form
        double ratio = m / (s * Math.Sqrt(2));
        double e = SpecialFunctions.Erf(ratio);
        t1 = e;
        t2 = 1;
        lc = m * e + s * Math.Sqrt(2 / Math.PI) * Math.Exp(-ratio * ratio);
        // remainders: int Dz g(beta h) = (1/(beta s)) int_0^inf dx g(x) [phi((x/beta - m)/s) +- phi((x/beta + m)/s)],
        // with x = t/2 and the weight e^{-t} of the Laguerre rule taken out of g.
        var lag = GaussQuadrature.Laguerre(LaguerreNodes);
        double pref = 0.5 / (beta * s);
        double r1 = 0, r2 = 0, r3 = 0;
        for (int k = 0; k < lag.Nodes.Length; k++)
        {
            double t = lag.Nodes[k], w = lag.Weights[k];
            double u = t / (2 * beta);
            double zm = (u - m) / s, zp = (u + m) / s;
            double phiM = InvSqrt2Pi * Math.Exp(-0.5 * zm * zm), phiP = InvSqrt2Pi * Math.Exp(-0.5 * zp * zp);
            double en = Math.Exp(-t);
            double g1 = -2 / (1 + en);                 // e^t (tanh x - 1)
            double g2 = -4 / ((1 + en) * (1 + en));    // e^t (tanh^2 x - 1)
            r1 += w * g1 * (phiM - phiP);
            r2 += w * g2 * (phiM + phiP);
            // Stryker disable once Statement : the log-cosh sum is only skipped for speed; callers passing false discard it
            if (!withLogCosh) continue;
            double g3 = Elementary.Log1p(en) / en; // e^t ln(1 + e^{-t}), accurate also where 1 + e^{-t} rounds to 1
            r3 += w * g3 * (phiM + phiP);
        }
        return (t1 + pref * r1, t2 + pref * r2, lc + pref * r3 / beta);
    }

    /// <summary>
    /// The RS free energy per spin f(m, q, r) of the remarks at T &gt; 0; NaN outside the physical region 1 - beta (1 - q) &gt; 0
    /// when alpha &gt; 0 (at alpha = 0 the q and r terms vanish and f is the Curie-Weiss m^2/2 - (1/beta) ln 2 cosh(beta m)).
    /// </summary>
    public static double FreeEnergy(double alpha, double temperature, double m, double q, double r)
    {
        CheckAlpha(alpha);
        if (!(temperature > 0)) throw new ArgumentOutOfRangeException(nameof(temperature), temperature, "T must be > 0 (use the zero-temperature methods at T = 0)");
        double beta = 1 / temperature;
        double d = 1 - beta * (1 - q);
        if (alpha > 0 && !(d > 0)) return double.NaN;
        var (_, _, lc) = GaussianAverages(m, Math.Sqrt(alpha * r), beta);
        if (alpha == 0) return m * m / 2 - lc;
        return alpha / 2 + m * m / 2 + alpha / (2 * beta) * (Math.Log(d) - beta * q / d) + alpha * beta / 2 * r * (1 - q) - lc;
    }

    /// <summary>
    /// Iterates the AGS equations m = int Dz tanh(beta(m + sqrt(alpha r) z)), q = int Dz tanh^2(...),
    /// r = q / (1 - beta(1 - q))^2 from (m0, q0) until max(|dm|, |dq|) &lt; <see cref="Tolerance"/>, or until m falls
    /// below <paramref name="stopBelowM"/> (the retrieval branch has then been left). Used for the retrieval branch
    /// (start m0 = q0 = 1); the symmetric branch is found by <see cref="SpinGlass"/>.
    /// </summary>
    public static AgsState Solve(double alpha, double temperature, double m0, double q0, double stopBelowM = double.NegativeInfinity, int maxIterations = MaxIterations)
    {
        CheckAlpha(alpha);
        if (!(temperature > 0) || !double.IsFinite(temperature)) throw new ArgumentOutOfRangeException(nameof(temperature), temperature, "T must be finite and > 0");
        if (!(q0 >= 0 && q0 <= 1)) throw new ArgumentOutOfRangeException(nameof(q0), q0, "q0 must lie in [0, 1]");
        double beta = 1 / temperature;
        double m = m0, q = q0;
        int it = 0;
        bool converged = false;
        while (it < maxIterations)
        {
            it++;
            double r = RFrom(q, beta);
            // Stryker disable once Boolean : the log-cosh average is discarded here, computing it changes only the speed
            var (t1, t2, _) = GaussianAverages(m, Math.Sqrt(alpha * r), beta, withLogCosh: false);
            double change = Math.Max(Math.Abs(t1 - m), Math.Abs(t2 - q));
            m = t1;
            q = t2;
            // Stryker disable once Equality : a step exactly equal to the tolerance 1e-12 only moves the stop by one iteration within the tolerance
            if (change < Tolerance) { converged = true; break; }
            if (m < stopBelowM) break;
        }
        double rFinal = RFrom(q, beta);
        return new AgsState(alpha, temperature, m, q, rFinal, FreeEnergy(alpha, temperature, m, q, rFinal), converged, it);
    }

    static double RFrom(double q, double beta)
    {
        double d = Math.Max(1 - beta * (1 - q), PhysicalFloor);
        return q / (d * d);
    }

    /// <summary>
    /// The symmetric (m = 0) solution at (alpha, T &gt; 0): the largest root of q = G(q) = int Dz tanh^2(beta sqrt(alpha r(q)) z)
    /// in the physical region 1 - beta(1 - q) &gt; 0, found by scanning q down from 1 for a sign change of G(q) - q and
    /// bisecting (G(q) - q &lt; 0 at q = 1 and &gt; 0 just above q = 1 - T for T &lt; 1). Below T_g = 1 + sqrt(alpha) this is
    /// the spin glass (q &gt; 0); above it the paramagnet q = 0. Iterations counts the evaluations of G.
    /// </summary>
    static AgsState SymmetricSolution(double alpha, double temperature)
    {
        double beta = 1 / temperature;
        int evaluations = 0;
        double Excess(double q)
        {
            evaluations++;
            // Stryker disable once Boolean : the log-cosh average is discarded here, computing it changes only the speed
            var (_, t2, _) = GaussianAverages(0, Math.Sqrt(alpha * RFrom(q, beta)), beta, withLogCosh: false);
            return t2 - q;
        }
        double qMin = Math.Max(0, 1 - temperature);
        double q = 0;
        if (alpha > 0)
        {
            const int Steps = 400;
            double hi = 1, gHi = Excess(hi);
            for (int k = 1; k <= Steps; k++)
            {
                double lo = 1 - (1 - qMin) * k / Steps;
                if (k == Steps) lo = qMin + (1 - qMin) * ScanInset;
                double gLo = Excess(lo);
                if (gLo > 0 && gHi <= 0) { q = Bisect(Excess, lo, hi); break; }
                (hi, gHi) = (lo, gLo);
            }
        }
        double r = q == 0 ? 0 : RFrom(q, beta);
        return new AgsState(alpha, temperature, 0, q, r, FreeEnergy(alpha, temperature, 0, q, r), true, evaluations);
    }

    /// <summary>The retrieval solution at (alpha, T), iterated from m = q = 1 (the T = 0 closed form at T = 0); null when it has fallen to m &lt; <see cref="RetrievalThreshold"/>.</summary>
    public static AgsState? Retrieval(double alpha, double temperature)
    {
        if (temperature == 0) return RetrievalZeroTemperature(alpha);
        var s = Solve(alpha, temperature, 1, 1, stopBelowM: RetrievalThreshold);
        return s.M >= RetrievalThreshold ? s : null;
    }

    /// <summary>The symmetric (m = 0) solution at (alpha, T): the spin glass below T_g (largest physical root q &gt; 0), the paramagnet (q = 0) above.</summary>
    public static AgsState SpinGlass(double alpha, double temperature)
    {
        CheckAlpha(alpha);
        if (!(temperature >= 0) || !double.IsFinite(temperature)) throw new ArgumentOutOfRangeException(nameof(temperature), temperature, "T must be finite and >= 0");
        return temperature == 0 ? SpinGlassZeroTemperature(alpha) : SymmetricSolution(alpha, temperature);
    }

    /// <summary>m(alpha, T) of the retrieval branch, 0 where it does not exist.</summary>
    public static double RetrievalOverlap(double alpha, double temperature) => Retrieval(alpha, temperature)?.M ?? 0;

    /// <summary>
    /// alpha_M(T): the largest load with a retrieval solution at temperature T (the T_M line read along alpha), 0 for T &gt;= 1
    /// (and where no load in (0, 0.16 / 2^<see cref="LimitHalvings"/>] has one). The answer is the lower end of a bracket
    /// [lo, hi] halved from [0, 0.16] until hi - lo &lt;= <see cref="LimitResolution"/> hi: a load with a retrieval solution,
    /// within that relative distance of the first load without one. A relative resolution keeps alpha_M(T) resolved as it
    /// vanishes like (1 - T)^2 towards T = 1 (6.5e-6 at T = 0.995).
    /// </summary>
    public static double RetrievalLimitLoad(double temperature)
    {
        if (!(temperature >= 0)) throw new ArgumentOutOfRangeException(nameof(temperature), temperature, "T must be >= 0");
        if (temperature == 0) return CriticalLoad;
        if (temperature >= 1) return 0;
        double lo = 0, hi = 0.16;
        for (int k = 0; k < LimitHalvings && hi - lo > LimitResolution * hi; k++)
        {
            double mid = 0.5 * (lo + hi);
            if (Retrieval(mid, temperature) is not null) lo = mid; else hi = mid;
        }
        return lo;
    }

    /// <summary>The relative resolution of <see cref="RetrievalLimitLoad"/>: 1e-6, far inside the <see cref="LimitBackoff"/> of the global-stability search.</summary>
    public const double LimitResolution = 1e-6;

    /// <summary>The most halvings of <see cref="RetrievalLimitLoad"/>: its bracket is then below 0.16 / 2^64 = 9e-21.</summary>
    public const int LimitHalvings = 64;

    /// <summary>
    /// alpha_c(T) of the T_c line: the load at which the retrieval and spin-glass free energies are equal (retrieval
    /// is the global minimum below it); NaN when no crossing lies inside (0, alpha_M(T)).
    /// </summary>
    public static double GlobalStabilityLoad(double temperature) => GlobalStabilityLoad(temperature, null);

    /// <summary>As <see cref="GlobalStabilityLoad(double)"/> with alpha_M(T) given (the phase diagram has it already); NaN when the free
    /// energies do not cross between the smallest load and that limit, or when no retrieval solution exists at the limit.</summary>
    internal static double GlobalStabilityLoad(double temperature, double? retrievalLimit)
    {
        if (!(temperature >= 0)) throw new ArgumentOutOfRangeException(nameof(temperature), temperature, "T must be >= 0");
        if (temperature == 0) return GlobalStabilityLoadZeroTemperature();
        if (temperature >= 1) return double.NaN;
        double top = (retrievalLimit ?? RetrievalLimitLoad(temperature)) * (1 - LimitBackoff);
        double Gap(double a)
        {
            var r = Retrieval(a, temperature);
            return r is null ? double.NaN : r.FreeEnergy - SpinGlass(a, temperature).FreeEnergy;
        }
        double lo = Math.Min(SmallestLoad, top / 4);
        double gLo = Gap(lo), gHi = Gap(top);
        if (!(gLo < 0 && gHi > 0)) return double.NaN;
        return Bisect(Gap, lo, top);
    }

    /// <summary>
    /// The three boundaries: T_g on 5 <paramref name="points"/> + 1 loads in [0, <paramref name="alphaMax"/>] (quadratically spaced), T_M and
    /// T_c on <paramref name="points"/> temperatures in [0, 1) (closing at (0, 1)), computed in parallel over
    /// temperatures (each point is independent, so the result does not depend on the thread count).
    /// </summary>
    public static AgsPhaseDiagram PhaseDiagram(double alphaMax = 0.2, int points = 20, IProgress<int>? progress = null)
    {
        if (!(alphaMax > 0) || !double.IsFinite(alphaMax)) throw new ArgumentOutOfRangeException(nameof(alphaMax), alphaMax, "alphaMax must be > 0");
        if (points < 2) throw new ArgumentOutOfRangeException(nameof(points), points, "at least two points");
        // quadratic spacing in alpha resolves the square root at alpha -> 0
        var glass = Enumerable.Range(0, 5 * points + 1).Select(k => alphaMax * k * k / (25.0 * points * points)).Select(a => new AgsBoundaryPoint(a, GlassTemperature(a))).ToList();
        var temps = Enumerable.Range(0, points).Select(k => (double)k / points).ToArray();
        var limit = new double[points];
        var global = new double[points];
        int done = 0;
        Parallel.For(0, points, k =>
        {
            limit[k] = RetrievalLimitLoad(temps[k]);
            global[k] = GlobalStabilityLoad(temps[k], limit[k]);
            progress?.Report(Interlocked.Increment(ref done));
        });
        var tm = temps.Select((t, k) => new AgsBoundaryPoint(limit[k], t)).Append(new AgsBoundaryPoint(0, 1)).ToList();
        var tc = temps.Select((t, k) => new AgsBoundaryPoint(global[k], t)).Where(p => double.IsFinite(p.Alpha)).Append(new AgsBoundaryPoint(0, 1)).ToList();
        return new AgsPhaseDiagram(glass, tm, tc);
    }

    static double CheckAlpha(double alpha)
    {
        if (!(alpha >= 0) || !double.IsFinite(alpha)) throw new ArgumentOutOfRangeException(nameof(alpha), alpha, "alpha must be finite and >= 0");
        return alpha;
    }

    /// <summary>
    /// A root of f on [a, b] with f(a), f(b) of opposite signs (or f(b) NaN), to adjacent doubles: the end whose sign f(mid)
    /// shares moves to mid; a NaN value counts as beyond the root (b moves).
    /// </summary>
    internal static double Bisect(Func<double, double> f, double a, double b)
    {
        double fa = f(a);
        for (int k = 0; k < 200; k++)
        {
            double mid = 0.5 * (a + b);
            // Stryker disable once Logical,Equality,Statement : mid equals an end only once the bracket is two adjacent doubles; further steps set that end to itself (200 steps exceed the ~60 that reach adjacency on these brackets)
            if (mid <= a || mid >= b) break;
            double fm = f(mid);
            // Stryker disable once Block : the only bisected function that can be NaN is the free-energy gap, bisected with gap(a) < 0, where the comparison below also sets b = mid for NaN
            if (double.IsNaN(fm)) { b = mid; continue; }
            if ((fm < 0) == (fa < 0)) { a = mid; fa = fm; } else b = mid;
        }
        return 0.5 * (a + b);
    }
}
