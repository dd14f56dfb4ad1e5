using NeuralSpin.Numerics;

namespace NeuralSpin.Spectra;

/// <summary>
/// The spectral density of a large symmetric operator by the kernel polynomial method (Weisse, Wellein, Alvermann and
/// Fehske, Rev. Mod. Phys. 78, 275 (2006)), and the typical level spacing read from it (docs/theory.md section 6,
/// "Without the full spectrum").
/// <para>
/// With the spectrum inside [lo, hi], A~ = (A - c)/h (c the centre, h the half width) has its spectrum in [-1, 1]; the
/// Chebyshev moments mu_n = tr T_n(A~) / N are estimated with R random +-1 probe vectors r as mean r^T T_n(A~) r / N,
/// two moments per product (mu_2k = 2 |t_k|^2 / N - mu_0, mu_2k+1 = 2 t_k+1 . t_k / N - mu_1 with t_k = T_k(A~) r), and
/// the density in x is phi(x) / (pi sqrt(1 - x^2)), phi(x) = g_0 mu_0 + 2 sum_n g_n mu_n T_n(x), with the Jackson kernel
/// g_n, which keeps it non-negative and resolves features wider than about pi h / M.
/// </para>
/// </summary>
public static class KernelPolynomial
{
    /// <summary>
    /// Chebyshev moments mu_0..mu_{M-1} of the spectral density of <paramref name="apply"/> (y = A x, size n), for a spectrum
    /// inside [<paramref name="lo"/>, <paramref name="hi"/>] (moments diverge if it is not), from <paramref name="probes"/>
    /// random +-1 vectors; M/2 products per probe.
    /// </summary>
    public static double[] Moments(Action<double[], double[]> apply, int n, double lo, double hi, int moments, int probes, Random rng)
    {
        ArgumentNullException.ThrowIfNull(apply);
        ArgumentNullException.ThrowIfNull(rng);
        if (!(hi > lo)) throw new ArgumentOutOfRangeException(nameof(hi), "the spectral interval must have hi > lo");
        if (moments < 2 || moments % 2 != 0) throw new ArgumentOutOfRangeException(nameof(moments), moments, "an even number of moments, at least 2");
        if (probes < 1) throw new ArgumentOutOfRangeException(nameof(probes), probes, "at least one probe");
        double c = 0.5 * (hi + lo), h = 0.5 * (hi - lo);
        var mu = new double[moments];
        var tPrev = new double[n];
        var t = new double[n];
        var tNext = new double[n];
        var ax = new double[n];
        void Scaled(double[] x, double[] y)
        {
            apply(x, ax);
            for (int i = 0; i < n; i++) y[i] = (ax[i] - c * x[i]) / h;
        }
        for (int r = 0; r < probes; r++)
        {
            for (int i = 0; i < n; i++) tPrev[i] = RademacherSign(rng);
            Scaled(tPrev, t);
            double mu0 = n, mu1 = Blas.Dot(tPrev, t);
            mu[0] += mu0;
            mu[1] += mu1;
            // t_{k-1} = tPrev, t_k = t
            for (int k = 1; 2 * k < moments; k++)
            {
                mu[2 * k] += 2 * Blas.Dot(t, t) - mu0;
                Scaled(t, tNext);
                for (int i = 0; i < n; i++) tNext[i] = 2 * tNext[i] - tPrev[i];
                mu[2 * k + 1] += 2 * Blas.Dot(tNext, t) - mu1; // 2k + 1 < M: M is even and 2k < M
                (tPrev, t, tNext) = (t, tNext, tPrev);
            }
        }
        for (int m = 0; m < moments; m++) mu[m] /= (double)probes * n;
        return mu;
    }

    /// <summary>
    /// <see cref="Moments"/> with all probes advanced together by a product that takes several vectors at once
    /// (<paramref name="applyMany"/>: Y_r = A X_r), so that a memory-bound operator is read once per step for all probes.
    /// The same probes and the same moments as the one-vector form, to rounding.
    /// </summary>
    public static double[] MomentsBlock(Action<double[][], double[][]> applyMany, int n, double lo, double hi, int moments, int probes, Random rng)
    {
        ArgumentNullException.ThrowIfNull(applyMany);
        ArgumentNullException.ThrowIfNull(rng);
        if (!(hi > lo)) throw new ArgumentOutOfRangeException(nameof(hi), "the spectral interval must have hi > lo");
        if (moments < 2 || moments % 2 != 0) throw new ArgumentOutOfRangeException(nameof(moments), moments, "an even number of moments, at least 2");
        if (probes < 1) throw new ArgumentOutOfRangeException(nameof(probes), probes, "at least one probe");
        double c = 0.5 * (hi + lo), h = 0.5 * (hi - lo);
        double[][] New() => Enumerable.Range(0, probes).Select(_ => new double[n]).ToArray();
        var tPrev = New();
        var t = New();
        var tNext = New();
        var ax = New();
        void Scaled(double[][] x, double[][] y)
        {
            applyMany(x, ax);
            for (int r = 0; r < probes; r++)
                for (int i = 0; i < n; i++) y[r][i] = (ax[r][i] - c * x[r][i]) / h;
        }
        var mu = new double[moments];
        for (int r = 0; r < probes; r++)
            for (int i = 0; i < n; i++) tPrev[r][i] = RademacherSign(rng);
        Scaled(tPrev, t);
        var mu1 = new double[probes];
        for (int r = 0; r < probes; r++)
        {
            mu1[r] = Blas.Dot(tPrev[r], t[r]);
            mu[0] += n;
            mu[1] += mu1[r];
        }
        for (int k = 1; 2 * k < moments; k++)
        {
            for (int r = 0; r < probes; r++) mu[2 * k] += 2 * Blas.Dot(t[r], t[r]) - n;
            Scaled(t, tNext);
            for (int r = 0; r < probes; r++)
            {
                for (int i = 0; i < n; i++) tNext[r][i] = 2 * tNext[r][i] - tPrev[r][i];
                mu[2 * k + 1] += 2 * Blas.Dot(tNext[r], t[r]) - mu1[r]; // 2k + 1 < M: M is even and 2k < M
            }
            (tPrev, t, tNext) = (t, tNext, tPrev);
        }
        for (int m = 0; m < moments; m++) mu[m] /= (double)probes * n;
        return mu;
    }

    /// <summary>-1 or +1 with probability 1/2 each (a Rademacher probe entry).</summary>
    // Stryker disable once Equality : either sign convention draws -1 and +1 with probability 1/2 each
    static double RademacherSign(Random rng) => rng.Next(2) == 0 ? -1 : 1;

    /// <summary>The Jackson kernel g_0..g_{M-1}.</summary>
    public static double[] Jackson(int moments)
    {
        var g = new double[moments];
        double q = Math.PI / (moments + 1);
        for (int m = 0; m < moments; m++)
            g[m] = ((moments - m + 1) * Math.Cos(q * m) + Math.Sin(q * m) / Math.Tan(q)) / (moments + 1);
        return g;
    }

    /// <summary>
    /// phi at the P Chebyshev nodes x_j = cos(pi (j + 1/2) / P) (clipped at 0): the density there is
    /// phi(x_j) / (pi sqrt(1 - x_j^2)) per unit x, and (1/P) sum_j phi(x_j) f(x_j) approximates the integral of f against it.
    /// </summary>
    public static (double[] X, double[] Phi) OnChebyshevNodes(double[] mu, int points)
    {
        ArgumentNullException.ThrowIfNull(mu);
        var g = Jackson(mu.Length);
        var x = new double[points];
        var phi = new double[points];
        for (int j = 0; j < points; j++)
        {
            double theta = Math.PI * (j + 0.5) / points;
            x[j] = Math.Cos(theta);
            double s = g[0] * mu[0];
            for (int m = 1; m < mu.Length; m++) s += 2 * g[m] * mu[m] * Math.Cos(m * theta);
            phi[j] = Math.Max(0, s);
        }
        return (x, phi);
    }

    /// <summary>
    /// The median of the N - 1 consecutive spacings of N eigenvalues with the density given by the moments
    /// <paramref name="mu"/> on [lo, hi], assuming locally the spacing statistics of the Gaussian orthogonal ensemble: near
    /// energy e the spacings are xi / (N rho(e)) with xi distributed by the Wigner surmise, P(xi &lt;= x) = 1 - exp(-pi x^2 / 4).
    /// The median s solves  integral rho(e) P(xi &lt;= s N rho(e)) de = 1/2  (docs/theory.md section 6, equation 6.1).
    /// </summary>
    public static double MedianSpacing(double[] mu, double lo, double hi, int n, int points = 4000)
    {
        double h = 0.5 * (hi - lo);
        var (x, phi) = OnChebyshevNodes(mu, points);
        var rho = new double[points]; // density per unit energy at the nodes
        for (int j = 0; j < points; j++) rho[j] = phi[j] / (Math.PI * Math.Sqrt(1 - x[j] * x[j]) * h);
        double total = phi.Sum() / points;
        double Fraction(double s)
        {
            double f = 0;
            for (int j = 0; j < points; j++)
            {
                double z = s * n * rho[j];
                f += phi[j] * (1 - Math.Exp(-Math.PI * z * z / 4));
            }
            return f / points / total;
        }
        double a = 1e-6 * (hi - lo) / n, b = 1e3 * (hi - lo) / n;
        for (int it = 0; it < 200 && b - a > 1e-12 * b; it++)
        {
            double m = Math.Sqrt(a * b);
            if (Fraction(m) < 0.5) a = m; else b = m;
        }
        return Math.Sqrt(a * b);
    }
}
