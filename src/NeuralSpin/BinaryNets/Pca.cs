using System.Globalization;
using System.Security.Cryptography;
using NeuralSpin.IO;
using TorchSharp;
using static TorchSharp.torch;

namespace NeuralSpin.BinaryNets;

/// <summary>
/// A fitted principal-component projection (P2 sec. II: MNIST reduced to its top principal components
/// before the binary networks see it): y = V (x - mean), V the k x d matrix whose rows are the unit
/// eigenvectors of the training covariance with the k largest eigenvalues, in descending order.
/// </summary>
/// <remarks>
/// Sign convention: each component is flipped so that its entry of largest magnitude is positive (the
/// first such entry on ties), so the projection is a deterministic function of the data.
/// Explained variances are the eigenvalues of the sample covariance (divisor n - 1).
/// </remarks>
public sealed class PcaProjection
{
    /// <summary>Wraps the arrays (not copied) after checking their shapes.</summary>
    public PcaProjection(int inputDim, int componentCount, double[] mean, double[] components, double[] explainedVariance, double totalVariance, string dataSha256)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(inputDim);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(componentCount);
        if (componentCount > inputDim) throw new ArgumentException($"{componentCount} components asked of {inputDim}-dimensional data");
        if (mean.Length != inputDim) throw new ArgumentException($"the mean has {mean.Length} entries, expected {inputDim}");
        if (components.Length != (long)componentCount * inputDim) throw new ArgumentException($"the components hold {components.Length} values, expected {componentCount} x {inputDim}");
        if (explainedVariance.Length != componentCount) throw new ArgumentException($"{explainedVariance.Length} explained variances for {componentCount} components");
        InputDim = inputDim;
        ComponentCount = componentCount;
        Mean = mean;
        Components = components;
        ExplainedVariance = explainedVariance;
        TotalVariance = totalVariance;
        DataSha256 = dataSha256;
    }

    /// <summary>Dimension d of the raw inputs (784 for MNIST).</summary>
    public int InputDim { get; }
    /// <summary>Number k of retained components.</summary>
    public int ComponentCount { get; }
    /// <summary>Training mean, d entries.</summary>
    public double[] Mean { get; }
    /// <summary>Components, k x d row-major; row c is the c-th principal direction (unit norm).</summary>
    public double[] Components { get; }
    /// <summary>Variance along each component (eigenvalue of the sample covariance), descending.</summary>
    public double[] ExplainedVariance { get; }
    /// <summary>Trace of the sample covariance (total variance of the data).</summary>
    public double TotalVariance { get; }
    /// <summary>SHA-256 (hex) of the float32 training inputs the projection was fitted on.</summary>
    public string DataSha256 { get; }

    /// <summary>Fraction of the total variance the k components explain.</summary>
    public double ExplainedFraction => TotalVariance > 0 ? ExplainedVariance.Sum() / TotalVariance : double.NaN;

    /// <summary>Projects n = x.Length / d samples (row-major) to n x k coordinates (float64 arithmetic, float32 result).</summary>
    public float[] Project(float[] x)
    {
        ArgumentNullException.ThrowIfNull(x);
        if (x.Length % InputDim != 0) throw new ArgumentException($"{x.Length} values are not a whole number of {InputDim}-dimensional samples");
        long n = x.Length / InputDim;
        using var scope = NewDisposeScope();
        var tx = torch.tensor(x, [n, InputDim]).to(ScalarType.Float64);
        var y = tx.sub(MeanTensor()).matmul(ComponentTensor().t()).to(ScalarType.Float32).contiguous();
        return y.data<float>().ToArray();
    }

    /// <summary>Maps n x k coordinates back to the input space, mean + y V (the best rank-k reconstruction).</summary>
    public float[] Reconstruct(float[] y)
    {
        ArgumentNullException.ThrowIfNull(y);
        if (y.Length % ComponentCount != 0) throw new ArgumentException($"{y.Length} values are not a whole number of {ComponentCount}-dimensional samples");
        long n = y.Length / ComponentCount;
        using var scope = NewDisposeScope();
        var ty = torch.tensor(y, [n, ComponentCount]).to(ScalarType.Float64);
        var x = ty.matmul(ComponentTensor()).add(MeanTensor()).to(ScalarType.Float32).contiguous();
        return x.data<float>().ToArray();
    }

    Tensor MeanTensor() => torch.tensor(Mean, [1, InputDim], ScalarType.Float64);
    Tensor ComponentTensor() => torch.tensor(Components, [ComponentCount, InputDim], ScalarType.Float64);
}

/// <summary>Principal component analysis of a training set (see <see cref="PcaProjection"/>).</summary>
public static class Pca
{
    /// <summary>The paper's number of components for MNIST (P2 sec. II).</summary>
    public const int PaperComponentCount = 20;

    /// <summary>
    /// Fits the top <paramref name="k"/> components of the n x d samples <paramref name="x"/> (row-major):
    /// the d x d sample covariance is formed in float64 and diagonalised with <c>torch.linalg.eigh</c>.
    /// </summary>
    public static PcaProjection Fit(float[] x, int inputDim, int k = PaperComponentCount)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(inputDim);
        if (k < 1 || k > inputDim) throw new ArgumentOutOfRangeException(nameof(k), k, $"need 1 <= k <= {inputDim}");
        if (x.Length % inputDim != 0) throw new ArgumentException($"{x.Length} values are not a whole number of {inputDim}-dimensional samples");
        long n = x.Length / inputDim;
        if (n < 2) throw new ArgumentException("PCA needs at least two samples");
        using var scope = NewDisposeScope();
        var tx = torch.tensor(x, [n, inputDim]).to(ScalarType.Float64);
        var mean = tx.mean([0L], keepdim: true);
        var xc = tx.sub(mean);
        var cov = xc.t().matmul(xc).div(n - 1);
        cov = cov.add(cov.t()).mul(0.5); // exactly symmetric
        var (w, v) = torch.linalg.eigh(cov); // ascending eigenvalues, eigenvectors in columns
        var values = w.data<double>().ToArray();
        var vectors = v.contiguous().data<double>().ToArray(); // row-major d x d, column j = vector j
        double total = cov.diagonal().sum().item<double>();
        var comps = new double[(long)k * inputDim];
        var explained = new double[k];
        for (int c = 0; c < k; c++)
        {
            int j = inputDim - 1 - c;
            explained[c] = Math.Max(values[j], 0.0);
            int arg = 0;
            double best = -1;
            for (int i = 0; i < inputDim; i++)
            {
                double a = Math.Abs(vectors[(long)i * inputDim + j]);
                if (a > best) { best = a; arg = i; }
            }
            double sign = vectors[(long)arg * inputDim + j] < 0 ? -1.0 : 1.0;
            for (int i = 0; i < inputDim; i++) comps[(long)c * inputDim + i] = sign * vectors[(long)i * inputDim + j];
        }
        return new PcaProjection(inputDim, k, mean.contiguous().data<double>().ToArray(), comps, explained, total, Fingerprint(x));
    }

    /// <summary>
    /// Reads the projection stored at <paramref name="path"/> if it exists, else fits it on
    /// <paramref name="trainX"/> and writes it there (atomically, <see cref="PcaFile"/>).
    /// </summary>
    /// <exception cref="InvalidDataException">The stored projection was fitted on other data (its SHA-256 differs), or has another d or k.</exception>
    public static PcaProjection LoadOrFit(string path, float[] trainX, int inputDim, int k = PaperComponentCount)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(trainX);
        if (File.Exists(path))
        {
            var stored = PcaFile.Read(path);
            if (stored.InputDim != inputDim || stored.ComponentCount != k)
                throw new InvalidDataException($"'{path}' holds a {stored.ComponentCount}-component projection of {stored.InputDim}-dimensional data, not {k} of {inputDim}; delete it or choose another path");
            string sha = Fingerprint(trainX);
            if (!string.Equals(sha, stored.DataSha256, StringComparison.Ordinal))
                throw new InvalidDataException($"'{path}' was fitted on other data (SHA-256 {stored.DataSha256}, these are {sha}); delete it or choose another path");
            return stored;
        }
        var fitted = Fit(trainX, inputDim, k);
        string? dir = Path.GetDirectoryName(Path.GetFullPath(path));
        if (dir is not null) Directory.CreateDirectory(dir);
        PcaFile.Write(path, fitted);
        return fitted;
    }

    /// <summary>SHA-256 (lower-case hex) of the float32 values' little-endian bytes.</summary>
    public static string Fingerprint(float[] x)
    {
        ArgumentNullException.ThrowIfNull(x);
        var bytes = System.Runtime.InteropServices.MemoryMarshal.AsBytes(x.AsSpan());
        if (!BitConverter.IsLittleEndian) throw new PlatformNotSupportedException("big-endian hosts are not supported");
        return Convert.ToHexStringLower(SHA256.HashData(bytes));
    }
}

/// <summary>
/// The safetensors file of a <see cref="PcaProjection"/> (written atomically, float64): tensors
/// <c>mean</c> (d), <c>components</c> (k, d), <c>explained_variance</c> (k); metadata <c>format</c>
/// (<c>neuralspin-pca-1</c>), <c>total_variance</c> ("R" text), <c>data_sha256</c>.
/// </summary>
public static class PcaFile
{
    /// <summary>Value of the <c>format</c> metadata entry.</summary>
    public const string Format = "neuralspin-pca-1";

    /// <summary>Writes the projection.</summary>
    public static void Write(string path, PcaProjection p)
    {
        ArgumentNullException.ThrowIfNull(p);
        SafeTensors.Write(path,
        [
            new NamedTensor("mean", "F64", [p.InputDim], p.Mean),
            new NamedTensor("components", "F64", [p.ComponentCount, p.InputDim], p.Components),
            new NamedTensor("explained_variance", "F64", [p.ComponentCount], p.ExplainedVariance),
        ], new Dictionary<string, string>
        {
            ["format"] = Format,
            ["total_variance"] = p.TotalVariance.ToString("R", CultureInfo.InvariantCulture),
            ["data_sha256"] = p.DataSha256,
        });
    }

    /// <summary>Reads a projection written by <see cref="Write"/>.</summary>
    /// <exception cref="InvalidDataException">The file is not such a projection.</exception>
    public static PcaProjection Read(string path)
    {
        var (tensors, meta) = SafeTensors.Read(path);
        if (!meta.TryGetValue("format", out var f) || f != Format)
            throw new InvalidDataException($"'{path}' is not a PCA projection file (format '{f}', expected '{Format}')");
        NamedTensor Get(string name) => tensors.FirstOrDefault(t => t.Name == name)
            ?? throw new InvalidDataException($"'{path}' has no tensor '{name}'");
        var mean = Get("mean");
        var comps = Get("components");
        var ev = Get("explained_variance");
        if (comps.Rank != 2 || mean.Rank != 1 || ev.Rank != 1 || comps.Shape[1] != mean.Shape[0] || comps.Shape[0] != ev.Shape[0])
            throw new InvalidDataException($"'{path}': inconsistent shapes mean {mean.ShapeText}, components {comps.ShapeText}, explained_variance {ev.ShapeText}");
        double total = double.Parse(meta.GetValueOrDefault("total_variance") ?? "NaN", NumberStyles.Float, CultureInfo.InvariantCulture);
        return new PcaProjection((int)comps.Shape[1], (int)comps.Shape[0], mean.Data, comps.Data, ev.Data, total, meta.GetValueOrDefault("data_sha256") ?? "");
    }
}
