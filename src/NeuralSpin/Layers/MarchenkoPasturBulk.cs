namespace NeuralSpin.Layers;

/// <summary>
/// The Marchenko-Pastur fit of the bulk of the eigenvalues of X = W^T W / N (W of N x M, N &gt;= M, Q = N / M;
/// docs/theory.md section 10). For i.i.d. entries of variance sigma^2 the eigenvalues fill [lambda_-, lambda_+] with
/// lambda_+- = sigma^2 (1 +- 1/sqrt(Q))^2 and mean sigma^2. The fit takes sigma^2 as the mean of the bulk, counts as
/// spikes the eigenvalues above lambda_+ plus <see cref="TracyWidomMargin"/> Tracy-Widom scales
/// sigma^2 (sqrt N + sqrt M)(1/sqrt N + 1/sqrt M)^(1/3) / N (the fluctuation of the largest eigenvalue, Johnstone 2001),
/// removes them from the bulk and repeats until the spike count is stable.
/// </summary>
public static class MarchenkoPasturBulk
{
    /// <summary>
    /// Tracy-Widom scales above the edge before an eigenvalue counts as a spike: the TW1 law exceeds 4 with probability
    /// below 1e-4, so a matrix of i.i.d. entries shows no spike except with that probability (per slice).
    /// </summary>
    public const double TracyWidomMargin = 4;

    /// <summary>Fits the bulk of <paramref name="eigenvalues"/> (pooled over slices of N x M each).</summary>
    public static MarchenkoPasturFit Fit(IReadOnlyList<double> eigenvalues, int n, int m)
    {
        ArgumentNullException.ThrowIfNull(eigenvalues);
        if (n < m || m < 1) throw new ArgumentOutOfRangeException(nameof(n), $"need N >= M >= 1, got N = {n}, M = {m}");
        if (eigenvalues.Count == 0) throw new ArgumentException("no eigenvalues", nameof(eigenvalues));
        double q = (double)n / m;
        double shape = Math.Pow(1 + 1 / Math.Sqrt(q), 2);
        double tw = (Math.Sqrt(n) + Math.Sqrt(m)) * Math.Pow(1 / Math.Sqrt(n) + 1 / Math.Sqrt(m), 1.0 / 3) / n;
        int spikes = -1;
        double sigma2 = 0, threshold = double.PositiveInfinity;
        for (int iter = 0; iter < eigenvalues.Count + 1; iter++)
        {
            double sum = 0;
            int count = 0;
            foreach (var v in eigenvalues)
                if (v <= threshold) { sum += v; count++; }
            sigma2 = count > 0 ? sum / count : 0;
            threshold = sigma2 * (shape + TracyWidomMargin * tw);
            int now = eigenvalues.Count(v => v > threshold);
            if (now == spikes) break;
            spikes = now;
        }
        return new MarchenkoPasturFit(q, sigma2, sigma2 * shape, threshold, spikes);
    }
}

/// <summary>The Marchenko-Pastur bulk fit (<see cref="MarchenkoPasturBulk"/>).</summary>
/// <param name="Q">The aspect ratio N / M &gt;= 1.</param>
/// <param name="Sigma2">The fitted entry variance sigma^2 (mean of the bulk).</param>
/// <param name="Edge">The bulk edge lambda_+ = sigma^2 (1 + 1/sqrt(Q))^2.</param>
/// <param name="SpikeThreshold">The edge plus the Tracy-Widom margin: eigenvalues above it are spikes.</param>
/// <param name="Spikes">The number of eigenvalues above <paramref name="SpikeThreshold"/>.</param>
public sealed record MarchenkoPasturFit(double Q, double Sigma2, double Edge, double SpikeThreshold, int Spikes);
