using TorchSharp;
using static TorchSharp.torch;

namespace NeuralSpin.Numerics;

/// <summary>
/// Dense float64 linear algebra through libtorch (LAPACK underneath). At the sizes of the paper's
/// network (N = 2330) a symmetric eigenvalue problem takes about 0.5 s here, against about 33 s for
/// MathNet's managed Evd, so every dense spectrum of the project goes through this class. Inputs and
/// outputs are plain row-major arrays; no tensor escapes.
/// </summary>
public static class TorchLinalg
{
    static readonly object Gate = new();
    static bool _configured;

    /// <summary>Sets libtorch's intra-op thread count (default: <see cref="DefaultThreads"/>).</summary>
    public static void Configure(int? threads = null)
    {
        lock (Gate)
        {
            int t = threads ?? DefaultThreads();
            torch.set_num_threads(Math.Max(1, t));
            _configured = true;
        }
    }

    /// <summary>
    /// The thread count used when none is configured: $NEURALSPIN_THREADS, else 1. On a two-core machine
    /// libtorch's threads slow down badly as soon as another process competes for the cores (a 2330 x 2330
    /// eigvalsh: 1.6 s with two threads against 0.9 s with one), so one thread is the robust default.
    /// </summary>
    public static int DefaultThreads()
    {
        var env = Environment.GetEnvironmentVariable("NEURALSPIN_THREADS");
        if (int.TryParse(env, out int t) && t > 0) return t;
        return 1;
    }

    static void Ensure()
    {
        if (!_configured) Configure();
    }

    /// <summary>Ascending eigenvalues of the symmetric n x n matrix (row-major; the lower triangle is read).</summary>
    public static double[] SymmetricEigenvalues(double[] rowMajor, int n)
    {
        Ensure();
        using var scope = NewDisposeScope();
        var a = torch.tensor(rowMajor, new long[] { n, n }, ScalarType.Float64);
        var w = torch.linalg.eigvalsh(a);
        return w.data<double>().ToArray();
    }

    /// <summary>Solves A x = b for a square A (row-major n x n) by LU with partial pivoting (LAPACK gesv); null when A is
    /// exactly singular or the solution is not finite.</summary>
    public static double[]? Solve(double[] rowMajor, double[] rhs, int n)
    {
        Ensure();
        using var scope = NewDisposeScope();
        var a = torch.tensor(rowMajor, new long[] { n, n }, ScalarType.Float64);
        var b = torch.tensor(rhs, new long[] { n }, ScalarType.Float64);
        var (x, info) = torch.linalg.solve_ex(a, b, check_errors: false);
        if (info.item<int>() != 0) return null;
        var r = x.data<double>().ToArray();
        return r.All(double.IsFinite) ? r : null;
    }

    /// <summary>Ascending eigenvalues and the matching orthonormal eigenvectors (column j of the row-major result).</summary>
    public static (double[] Values, double[] VectorsRowMajor) SymmetricEigen(double[] rowMajor, int n)
    {
        Ensure();
        using var scope = NewDisposeScope();
        var a = torch.tensor(rowMajor, new long[] { n, n }, ScalarType.Float64);
        var (w, v) = torch.linalg.eigh(a);
        return (w.data<double>().ToArray(), v.contiguous().data<double>().ToArray());
    }

    internal static Tensor FromRowMajor(double[] data, int rows, int cols) =>
        torch.tensor(data, new long[] { rows, cols }, ScalarType.Float64);

    internal static void EnsureConfigured() => Ensure();
}
