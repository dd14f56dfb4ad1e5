using NeuralSpin.IO;
using NeuralSpin.Numerics;
using TorchSharp;
using static TorchSharp.torch;

namespace NeuralSpin.Layers;

/// <summary>
/// The per-layer spectral metrics of one weight tensor in WeightWatcher's manner (docs/theory.md section 10).
/// A linear weight W (out, in) is one slice; a convolution kernel (out, in, k...) is kh x kw (or k) slices of out x in,
/// whose eigenvalues are pooled. For each slice with N = max(out, in), M = min(out, in), the empirical spectral
/// density (ESD) is the M eigenvalues of X = W^T W / N (of W W^T / N when out &lt; in: the same nonzero spectrum).
/// </summary>
public static class LayerSpectrum
{
    /// <summary>alpha above this: under-trained (WeightWatcher's reading).</summary>
    public const double UnderTrainedAlpha = 6;

    /// <summary>alpha below this: over-trained (WeightWatcher's reading).</summary>
    public const double OverTrainedAlpha = 2;

    /// <summary>The pooled ESD of a weight tensor of rank 2 (out, in) or 3-4 (out, in, k...), ascending.</summary>
    /// <returns>The eigenvalues and the slice sizes N &gt;= M and slice count.</returns>
    public static (double[] Eigenvalues, int N, int M, int Slices) Esd(NamedTensor w)
    {
        ArgumentNullException.ThrowIfNull(w);
        if (w.Rank is < 2 or > 4) throw new ArgumentException($"'{w.Name}' {w.ShapeText}: a layer is 2-D (out, in) or a convolution kernel (out, in, k...)", nameof(w));
        int outC = checked((int)w.Shape[0]), inC = checked((int)w.Shape[1]);
        int k = (int)(w.Data.LongLength / Math.Max(1L, (long)outC * inC));
        int n = Math.Max(outC, inC), m = Math.Min(outC, inC);
        TorchLinalg.EnsureConfigured();
        using var scope = NewDisposeScope();
        // (out, in, K) -> K slices of (out, in)
        // cloned into libtorch's own (aligned) memory: the product's kernel depends on the alignment of its input, and a
        // tensor over the managed array would make the ESD differ in the last bits from call to call
        var t = torch.tensor(w.Data, [outC, inC, k], ScalarType.Float64).clone().permute(2, 0, 1);
        var gram = outC >= inC ? t.transpose(1, 2).bmm(t) : t.bmm(t.transpose(1, 2));
        using var nScalar = n.ToScalar(); // explicit: an implicit Scalar can be freed during the call
        gram = gram.div(nScalar);
        var ev = torch.linalg.eigvalsh(gram).flatten();
        var values = ev.data<double>().ToArray();
        for (int i = 0; i < values.Length; i++) if (values[i] < 0) values[i] = 0; // rounding of a positive semidefinite X
        Array.Sort(values);
        return (values, n, m, k);
    }

    /// <summary>The metrics of a weight tensor (<see cref="Esd"/>, then <see cref="FromEigenvalues"/>).</summary>
    public static LayerMetrics Analyze(NamedTensor w)
    {
        var (ev, n, m, slices) = Esd(w);
        return FromEigenvalues(w.Name, w.Shape, ev, n, m, slices);
    }

    /// <summary>The metrics from a pooled ESD: MP bulk fit, power-law tail fit, norms, stable rank and verdict.</summary>
    public static LayerMetrics FromEigenvalues(string name, long[] shape, double[] eigenvalues, int n, int m, int slices)
    {
        ArgumentNullException.ThrowIfNull(eigenvalues);
        var sorted = eigenvalues.Order().ToArray();
        double lmax = sorted.Length == 0 ? 0 : sorted[^1];
        double sum = sorted.Sum();
        var mp = MarchenkoPasturBulk.Fit(sorted, n, m);
        var pl = PowerLawTail.Fit(sorted);
        double? alpha = pl?.Alpha;
        string verdict = alpha switch
        {
            null => "no fit",
            > UnderTrainedAlpha => "under-trained",
            < OverTrainedAlpha => "over-trained",
            _ => "well-trained",
        };
        return new LayerMetrics
        {
            Name = name,
            Shape = shape,
            N = n,
            M = m,
            Slices = slices,
            Eigenvalues = sorted,
            LambdaMax = lmax,
            LogSpectralNorm = lmax > 0 ? Math.Log10(lmax) : double.NegativeInfinity,
            LogFrobeniusNorm = sum > 0 ? Math.Log10(sum) : double.NegativeInfinity,
            StableRank = lmax > 0 ? sum / lmax : 0,
            MarchenkoPastur = mp,
            PowerLaw = pl,
            AlphaWeighted = pl is null || !(lmax > 0) ? null : pl.Alpha * Math.Log10(lmax),
            Verdict = verdict,
        };
    }
}

/// <summary>The per-layer metrics of <see cref="LayerSpectrum"/> (docs/theory.md section 10).</summary>
public sealed record LayerMetrics
{
    /// <summary>Tensor name.</summary>
    public required string Name { get; init; }

    /// <summary>Tensor shape, PyTorch orientation.</summary>
    public required long[] Shape { get; init; }

    /// <summary>N = max(out, in) of a slice.</summary>
    public required int N { get; init; }

    /// <summary>M = min(out, in) of a slice: eigenvalues per slice.</summary>
    public required int M { get; init; }

    /// <summary>Number of out x in slices (kh kw for a convolution kernel, 1 for a linear weight).</summary>
    public required int Slices { get; init; }

    /// <summary>The pooled ESD, ascending.</summary>
    public required double[] Eigenvalues { get; init; }

    /// <summary>Largest eigenvalue lambda_max of X.</summary>
    public required double LambdaMax { get; init; }

    /// <summary>log10 lambda_max = log10(||W||_2^2 / N).</summary>
    public required double LogSpectralNorm { get; init; }

    /// <summary>log10 sum lambda = log10(||W||_F^2 / N).</summary>
    public required double LogFrobeniusNorm { get; init; }

    /// <summary>Stable rank sum lambda / lambda_max = ||W||_F^2 / ||W||_2^2 (pooled).</summary>
    public required double StableRank { get; init; }

    /// <summary>Marchenko-Pastur bulk fit and spike count.</summary>
    public required MarchenkoPasturFit MarchenkoPastur { get; init; }

    /// <summary>Power-law tail fit, or null if the ESD has fewer than <see cref="PowerLawTail.MinTail"/> positive eigenvalues.</summary>
    public PowerLawFit? PowerLaw { get; init; }

    /// <summary>alpha log10 lambda_max, or null without a fit.</summary>
    public double? AlphaWeighted { get; init; }

    /// <summary>under-trained (alpha &gt; 6), over-trained (alpha &lt; 2), well-trained, or no fit.</summary>
    public required string Verdict { get; init; }
}
