using MathNet.Numerics.Distributions;
using NeuralSpin.Ising;

namespace NeuralSpin.Tests.Ising;

/// <summary>Goodness-of-fit helpers for the stochastic Ising tests.</summary>
public static class IsingStatistics
{
    /// <summary>The false-failure rate of each chi-square test: the threshold is the 1 - 1e-4 quantile.</summary>
    public const double FalseFailureRate = 1e-4;

    /// <summary>
    /// Pearson's chi^2 of the configuration histogram against exact probabilities p (indexed by
    /// <see cref="ConfigurationIndex"/>). Cells with expected count below 5 are pooled into one cell (the usual
    /// validity condition for the chi^2 approximation); dof = cells - 1. Returns chi^2, the (1 - rate) quantile of
    /// chi^2_dof (MathNet ChiSquared.InvCDF) and dof. For independent samples P(chi^2 &gt; threshold) ~ rate.
    /// </summary>
    public static (double Chi2, double Threshold, int Dof) ChiSquare(Configurations samples, double[] p, double rate)
    {
        var hist = samples.Histogram();
        int total = samples.SampleCount;
        double chi2 = 0, pooledExpected = 0, pooledObserved = 0;
        int cells = 0;
        for (int x = 0; x < p.Length; x++)
        {
            double expected = total * p[x];
            double observed = hist.GetValueOrDefault(x);
            if (expected < 5) { pooledExpected += expected; pooledObserved += observed; continue; }
            chi2 += (observed - expected) * (observed - expected) / expected;
            cells++;
        }
        if (pooledExpected > 0)
        {
            chi2 += (pooledObserved - pooledExpected) * (pooledObserved - pooledExpected) / pooledExpected;
            cells++;
        }
        int dof = cells - 1;
        return (chi2, ChiSquared.InvCDF(dof, 1 - rate), dof);
    }
}
