using NeuralSpin.Numerics;
using NeuralSpin.Tap;

namespace NeuralSpin.Spectra;

/// <summary>
/// The normalized first level spacing s_0 / s_typ of I - M(beta) without the full spectrum (docs/theory.md section 6,
/// "Without the full spectrum"): s_0 = e_1 - e_0 from the two lowest eigenvalues by Lanczos (the second on the operator
/// with the first eigenvector deflated), s_typ from the kernel-polynomial density (<see cref="KernelPolynomial"/>) under
/// the local spacing law of the Gaussian orthogonal ensemble (equation 6.1). Memory O(N), time a few hundred products.
/// </summary>
/// <param name="E0">The lowest eigenvalue (a Ritz value).</param>
/// <param name="E1">The second lowest.</param>
/// <param name="TypicalSpacing">The estimated median spacing s_typ.</param>
/// <param name="Moments">Chebyshev moments used.</param>
/// <param name="Probes">Random probe vectors used.</param>
public sealed record SpacingEstimate(double E0, double E1, double TypicalSpacing, int Moments, int Probes)
{
    /// <summary>s_0 / s_typ, or null for a zero s_typ.</summary>
    public double? Ratio => TypicalSpacing > 0 ? (E1 - E0) / TypicalSpacing : null;

    /// <summary>Chebyshev moments by default (128: the density resolved to about 2.5 % of the spectral half width).</summary>
    public const int DefaultMoments = 128;

    /// <summary>Random probe vectors by default (4).</summary>
    public const int DefaultProbes = 4;

    /// <summary>
    /// Relative residual of the two lowest eigenpairs (times the norm bound of I - M): 1e-7; a Ritz value errs by about
    /// the residual squared over the gap to the next level, so s_0 carries far more digits than s_typ's estimate; each run
    /// stops after 9 x 120 products at most.
    /// </summary>
    const double EigenTolerance = 1e-7;

    /// <summary>
    /// The interval [lo, hi] of the kernel-polynomial density, which must hold the whole spectrum: the lowest Ritz value
    /// <paramref name="e0"/> and the highest <paramref name="eMax"/> lie within their residuals <paramref name="r0"/> and
    /// <paramref name="rMax"/> of eigenvalues (the lowest eigenvalue may sit up to r0 below e0; the highest Ritz value of a
    /// short run lies below the top eigenvalue, and the residual only bounds its distance to some eigenvalue), so each end
    /// is moved out by its residual and by 1 % of eMax - e0: lo = e0 - r0 - 0.01 (eMax - e0), hi = eMax + rMax + 0.01 (eMax - e0).
    /// </summary>
    internal static (double Lo, double Hi) DensityInterval(double e0, double r0, double eMax, double rMax)
    {
        double range = eMax - e0;
        return (e0 - r0 - 0.01 * range, eMax + rMax + 0.01 * range);
    }

    /// <summary>The estimate for I - M(<paramref name="beta"/>) of <paramref name="curve"/>.</summary>
    public static SpacingEstimate At(LambdaMinCurve curve, double beta, int seed, int moments = DefaultMoments, int probes = DefaultProbes)
    {
        ArgumentNullException.ThrowIfNull(curve);
        int n = curve.Size;
        var rng = new SplitMixSource(seed);
        double norm = curve.OperatorNormBound(beta);
        void A(double[] x, double[] y) => curve.Apply(beta, x, y);
        // warm-started from the curve's nearest evaluated point (the crossing's or the minimum's eigenvector)
        var low = Lanczos.SmallestEigenpair(A, n, curve.NearestCachedVector(beta), rng, EigenTolerance * norm, maxDimension: 120, maxRestarts: 8);
        var v0 = low.Vector;
        // e_1: the lowest eigenvalue of A + sigma v0 v0^T with sigma beyond the spectrum moves e_0 to the top; from a random
        // start, to a residual of 1e-5 of the norm or 300 products (its Ritz value errs by about the residual squared over
        // the gap above it, far below the accuracy of s_typ)
        double sigma = 2 * norm;
        var second = Lanczos.SmallestEigenpair((x, y) =>
        {
            A(x, y);
            double c = sigma * Blas.Dot(v0, x);
            Blas.Axpy(c, v0, y);
        }, n, null, rng, 100 * EigenTolerance * norm, maxDimension: 150, maxRestarts: 1);
        // the top of the spectrum only bounds the interval of the density: a short run, its residual and a margin suffice
        var top = Lanczos.SmallestEigenpair((x, y) =>
        {
            A(x, y);
            for (int i = 0; i < n; i++) y[i] = -y[i];
        }, n, null, rng, 1e-3 * norm, maxDimension: 40, maxRestarts: 2);
        double e0 = low.Value, e1 = Math.Max(e0, second.Value), eMax = -top.Value;
        var (lo, hi) = DensityInterval(e0, low.Residual, eMax, top.Residual);
        var mu = KernelPolynomial.MomentsBlock((xs, ys) => curve.ApplyMany(beta, xs, ys), n, lo, hi, moments, probes, rng);
        double typical = KernelPolynomial.MedianSpacing(mu, lo, hi, n);
        return new SpacingEstimate(e0, e1, typical, moments, probes);
    }
}
