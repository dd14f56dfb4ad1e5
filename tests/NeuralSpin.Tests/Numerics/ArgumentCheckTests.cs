using NUnit.Framework;
using NeuralSpin.Numerics;
using NeuralSpin.Tests.Support;
using static NeuralSpin.Tests.Support.ArgumentCheck;

namespace NeuralSpin.Tests.Numerics;

/// <summary>
/// The argument checks of the numerical kernels (Gauss rules, the SplitMix generators, the grids of Precision), one row per
/// throw site: the call with one invalid argument, the exact exception type, its ParamName and what its message says.
/// </summary>
public class ArgumentCheckTests
{
    static IEnumerable<ArgumentCheck> Checks()
    {
        // Gauss quadrature
        yield return Null("GaussRule.Integrate: the integrand must not be null", "f", () => GaussQuadrature.Hermite(3).Integrate(null!));
        yield return Range("GaussQuadrature.Hermite: at least one node", "n", "1..400 nodes", () => GaussQuadrature.Hermite(0));
        yield return Range("GaussQuadrature.Hermite: at most 400 nodes", "n", "1..400 nodes", () => GaussQuadrature.Hermite(401));
        yield return Range("GaussQuadrature.Laguerre: at least one node", "n", "1..200 nodes", () => GaussQuadrature.Laguerre(0));
        yield return Range("GaussQuadrature.Laguerre: at most 200 nodes", "n", "1..200 nodes", () => GaussQuadrature.Laguerre(201));

        // SplitMix generators
        yield return Range("SplitMixSource.Next: the bound must be non-negative", "maxValue", "must be a non-negative value",
            () => new SplitMixSource(1).Next(-1));
        yield return Range("SplitMixSource.Next: minValue must not exceed maxValue", "minValue", "minValue must not exceed maxValue",
            () => new SplitMixSource(1).Next(5, 4));
        yield return Range("SplitMixRandom.NextBelow: the bound must be nonzero", "bound", "must be a non-zero value",
            () => new SplitMixRandom(1).NextBelow(0));

        // Precision.UniformGrid
        yield return Range("Precision.UniformGrid: at least two points", "points", "a grid needs at least two points",
            () => Precision.UniformGrid(1.0, 1));
        yield return Range("Precision.UniformGrid: the end must be finite - NaN", "max", "the end of the grid must be finite",
            () => Precision.UniformGrid(double.NaN, 5));
        yield return Range("Precision.UniformGrid: the end must be finite - infinity", "max", "the end of the grid must be finite",
            () => Precision.UniformGrid(double.PositiveInfinity, 5));
        yield return Range("Precision.UniformGrid from min: at least two points", "points", "a grid needs at least two points",
            () => Precision.UniformGrid(0.5, 1.0, 1));
        yield return Range("Precision.UniformGrid from min: the start must be finite", "min", "the start of the grid must be finite",
            () => Precision.UniformGrid(double.NegativeInfinity, 1.0, 3));
        yield return Range("Precision.UniformGrid from min: the end must be finite", "max", "the end of the grid must be finite",
            () => Precision.UniformGrid(0.5, double.NaN, 3));

        // Precision.LogGrid
        yield return Range("Precision.LogGrid: at least one point", "points", "a grid needs at least one point",
            () => Precision.LogGrid(1, 10, 0));
        yield return Range("Precision.LogGrid: the start must be positive and finite - zero", "min",
            "the start of a logarithmic grid must be positive and finite", () => Precision.LogGrid(0, 10, 3));
        yield return Range("Precision.LogGrid: the start must be positive and finite - NaN", "min",
            "the start of a logarithmic grid must be positive and finite", () => Precision.LogGrid(double.NaN, 10, 3));
        yield return Range("Precision.LogGrid: the end must be positive and finite - negative", "max",
            "the end of a logarithmic grid must be positive and finite", () => Precision.LogGrid(1, -10, 3));
        yield return Range("Precision.LogGrid: the end must be positive and finite - infinity", "max",
            "the end of a logarithmic grid must be positive and finite", () => Precision.LogGrid(1, double.PositiveInfinity, 3));
    }

    static void Identity(double[] x, double[] y) => Array.Copy(x, y, x.Length);

    static LanczosResult Lanczos3(double[]? start = null, double tolerance = 1e-10, int maxDimension = 10, int maxRestarts = 2,
        double startNoise = 1e-4, int n = 3) =>
        Lanczos.SmallestEigenpair(Identity, n, start, new Random(1), tolerance, maxDimension, maxRestarts, startNoise);

    static readonly double[] A3 = { 1, 2, 3 }, B3 = { 0, 0.5, 0.5 };

    /// <summary>Checks of the kernels, the Lanczos iteration, the tridiagonal eigensolver and the dense solvers.</summary>
    static IEnumerable<ArgumentCheck> MoreChecks()
    {
        // Gauss rules built by hand
        yield return Null("GaussRule: the nodes must not be null", "Nodes", () => _ = new GaussRule(null!, new double[2]));
        yield return Null("GaussRule: the weights must not be null", "Weights", () => _ = new GaussRule(new double[2], null!));
        yield return Arg("GaussRule: one weight per node", "Weights", "expected one weight per node (2), got 3",
            () => _ = new GaussRule(new double[2], new double[3]));

        // Blas and Gaussian
        yield return Null("Blas.Gemv: the matrix must not be null", "a", () => Blas.Gemv(null!, 1, 1, new double[1], new double[1], false));
        yield return Range("Blas.Gemv: the row count must not be negative", "rows", "the row count must not be negative",
            () => Blas.Gemv(new double[4], -1, 2, new double[2], new double[2], false));
        yield return Range("Blas.Gemv: the column count must not be negative", "cols", "the column count must not be negative",
            () => Blas.Gemv(new double[4], 2, -2, new double[2], new double[2], false));
        yield return Arg("Blas.Gemv: the matrix holds rows x cols entries", "a", "a 2x3 matrix needs 6 entries, got 5",
            () => Blas.Gemv(new double[5], 2, 3, new double[3], new double[2], false));
        yield return Arg("Blas.Gemv: x holds cols entries", "x", "x needs at least 3 entries, got 2",
            () => Blas.Gemv(new double[6], 2, 3, new double[2], new double[2], true));
        yield return Arg("Blas.Gemv: y holds rows entries", "y", "y needs at least 2 entries, got 1",
            () => Blas.Gemv(new double[6], 2, 3, new double[3], new double[1], false));
        yield return Arg("Blas.Dot: b must not be shorter than a", "b", "b has 2 entries, fewer than the 3 of a",
            () => Blas.Dot(new double[3], new double[2]));
        yield return Arg("Blas.Dot squared: b must not be shorter than a", "b", "b has 4 entries, fewer than the 9 of a",
            () => Blas.Dot(new double[9], new double[4], square: true));
        yield return Arg("Blas.Axpy: y must not be shorter than x", "y", "y has 1 entries, fewer than the 2 of x",
            () => Blas.Axpy(1, new double[2], new double[1]));
        yield return Null("Gaussian.Sample: the generator must not be null", "rng", () => Gaussian.Sample(null!));
        yield return Null("SplitMixSource.NextBytes: the buffer must not be null", "buffer", () => new SplitMixSource(1).NextBytes((byte[])null!));

        // Lanczos
        yield return Null("Lanczos: the operator must not be null", "apply",
            () => Lanczos.SmallestEigenpair(null!, 3, null, new Random(1), 1e-10));
        yield return Range("Lanczos: at least one dimension", "n", "the operator needs at least one dimension", () => Lanczos3(n: 0));
        yield return Null("Lanczos: the generator must not be null", "rng",
            () => Lanczos.SmallestEigenpair(Identity, 3, null, null!, 1e-10));
        yield return Arg("Lanczos: the start vector has length n", "start", "expected a start vector of length 3, got 2",
            () => Lanczos3(start: new double[] { 1, 1 }));
        yield return Arg("Lanczos: the start vector must be finite", "start", "the start vector has a NaN or infinite entry",
            () => Lanczos3(start: new[] { 1, double.NaN, 0 }));
        yield return Arg("Lanczos: the start vector must not be zero", "start", "the start vector must not be zero",
            () => Lanczos3(start: new double[3]));
        yield return Range("Lanczos: the tolerance must be non-negative - negative", "tolerance", "the tolerance must be non-negative",
            () => Lanczos3(tolerance: -1e-10));
        yield return Range("Lanczos: the tolerance must be non-negative - NaN", "tolerance", "the tolerance must be non-negative",
            () => Lanczos3(tolerance: double.NaN));
        yield return Range("Lanczos: the Krylov dimension must be at least one", "maxDimension", "the Krylov dimension must be at least 1",
            () => Lanczos3(maxDimension: 0));
        yield return Range("Lanczos: the restart count must not be negative", "maxRestarts", "the number of restarts must not be negative",
            () => Lanczos3(maxRestarts: -1));
        yield return Range("Lanczos: the start noise must be finite and non-negative - negative", "startNoise",
            "the start noise must be finite and non-negative", () => Lanczos3(startNoise: -1e-4));
        yield return Range("Lanczos: the start noise must be finite and non-negative - infinity", "startNoise",
            "the start noise must be finite and non-negative", () => Lanczos3(startNoise: double.PositiveInfinity));

        // SymmetricTridiagonal
        yield return Arg("SymmetricTridiagonal.CountBelow: the off-diagonal has the diagonal's length", "b",
            "the off-diagonal must have the diagonal's length 3 (b[0] is not read), got 2",
            () => SymmetricTridiagonal.CountBelow(A3, new double[] { 0, 1 }, 0));
        yield return Arg("SymmetricTridiagonal.CountBelow: diagonal entries must be finite", "a", "diagonal entry a[1] is NaN: entries must be finite",
            () => SymmetricTridiagonal.CountBelow(new[] { 1, double.NaN, 3 }, B3, 0));
        yield return Arg("SymmetricTridiagonal.CountBelow: off-diagonal entries must be finite", "b", "off-diagonal entry b[2] is",
            () => SymmetricTridiagonal.CountBelow(A3, new[] { 0, 1, double.PositiveInfinity }, 0));
        yield return Range("SymmetricTridiagonal.CountBelow: the point must not be NaN", "x", "the point x must not be NaN",
            () => SymmetricTridiagonal.CountBelow(A3, B3, double.NaN));
        yield return Arg("SymmetricTridiagonal.Eigenvalue: the matrix must not be empty", "a", "an empty matrix has no eigenpairs",
            () => SymmetricTridiagonal.Eigenvalue(Array.Empty<double>(), Array.Empty<double>(), 0));
        yield return Arg("SymmetricTridiagonal.Eigenvalue: the off-diagonal has the diagonal's length", "b", "the off-diagonal must have the diagonal's length 3",
            () => SymmetricTridiagonal.Eigenvalue(A3, new double[4], 0));
        yield return Range("SymmetricTridiagonal.Eigenvalue: the index must not be negative", "k", "the eigenvalue index must lie in 0..2",
            () => SymmetricTridiagonal.Eigenvalue(A3, B3, -1));
        yield return Range("SymmetricTridiagonal.Eigenvalue: the index must lie below m", "k", "the eigenvalue index must lie in 0..2",
            () => SymmetricTridiagonal.Eigenvalue(A3, B3, 3));
        yield return Arg("SymmetricTridiagonal.Eigenvector: the matrix must not be empty", "a", "an empty matrix has no eigenpairs",
            () => SymmetricTridiagonal.Eigenvector(Array.Empty<double>(), Array.Empty<double>(), 0));
        yield return Arg("SymmetricTridiagonal.Eigenvector: off-diagonal entries must be finite", "b", "off-diagonal entry b[1] is NaN",
            () => SymmetricTridiagonal.Eigenvector(A3, new[] { 0, double.NaN, 1 }, 1));
        yield return Range("SymmetricTridiagonal.Eigenvector: the eigenvalue must be finite", "lambda", "the eigenvalue must be finite",
            () => SymmetricTridiagonal.Eigenvector(A3, B3, double.NaN));
        yield return Range("SymmetricTridiagonal.Eigenvector: at least one iteration", "iterations", "at least one iteration",
            () => SymmetricTridiagonal.Eigenvector(A3, B3, 1, iterations: 0));

        // TorchLinalg
        yield return Null("TorchLinalg.SymmetricEigenvalues: the matrix must not be null", "rowMajor", () => TorchLinalg.SymmetricEigenvalues(null!, 2));
        yield return Range("TorchLinalg.SymmetricEigenvalues: the order must not be negative", "n", "the order of the matrix must not be negative",
            () => TorchLinalg.SymmetricEigenvalues(new double[1], -1));
        yield return Arg("TorchLinalg.SymmetricEigenvalues: the matrix holds n x n entries", "rowMajor", "expected 2x2 = 4 entries, got 3",
            () => TorchLinalg.SymmetricEigenvalues(new double[3], 2));
        yield return Arg("TorchLinalg.SymmetricEigenvalues: entries must be finite", "rowMajor", "the matrix has a NaN or infinite entry",
            () => TorchLinalg.SymmetricEigenvalues(new[] { 1, double.NaN, double.NaN, 1 }, 2));
        yield return Arg("TorchLinalg.SymmetricEigenvalues: the matrix must be symmetric", "rowMajor", "the matrix is not symmetric at (0,1)",
            () => TorchLinalg.SymmetricEigenvalues(new[] { 1, 2, 0, 1.0 }, 2));
        yield return Arg("TorchLinalg.SymmetricEigen: the matrix must be symmetric", "rowMajor", "the matrix is not symmetric at (1,2)",
            () => TorchLinalg.SymmetricEigen(new[] { 1, 0, 0, 0, 1, 1, 0, 1 + 1e-6, 1.0 }, 3));
        yield return Arg("TorchLinalg.SymmetricEigen: the matrix holds n x n entries", "rowMajor", "expected 3x3 = 9 entries, got 4",
            () => TorchLinalg.SymmetricEigen(new double[4], 3));
        yield return Null("TorchLinalg.Solve: the matrix must not be null", "rowMajor", () => TorchLinalg.Solve(null!, new double[2], 2));
        yield return Arg("TorchLinalg.Solve: the matrix holds n x n entries", "rowMajor", "expected 2x2 = 4 entries, got 5",
            () => TorchLinalg.Solve(new double[5], new double[2], 2));
        yield return Null("TorchLinalg.Solve: the right-hand side must not be null", "rhs", () => TorchLinalg.Solve(new double[4], null!, 2));
        yield return Arg("TorchLinalg.Solve: the right-hand side has length n", "rhs", "expected a right-hand side of length 2, got 3",
            () => TorchLinalg.Solve(new double[4], new double[3], 2));
    }

    /// <summary>The new checks leave valid input alone: longer x, y and b in the kernels (their prefixes are used), a
    /// rounding-level asymmetry, a 1 x 1 tridiagonal matrix, zero tolerance and noise, one restart-free Krylov step.</summary>
    [Test, NonParallelizable]
    public void ValidEdgesAreAccepted()
    {
        var y = new double[3];
        Blas.Gemv(new double[] { 1, 2, 3, 4 }, 2, 2, new double[] { 1, 1, 99 }, y, square: false);
        Assert.That(y, Is.EqualTo(new double[] { 3, 7, 0 }));
        Assert.That(Blas.Dot(new double[] { 1, 2 }, new double[] { 3, 4, 5 }), Is.EqualTo(11));
        var z = new double[] { 1, 1, 1 };
        Blas.Axpy(2, new double[] { 1, 1 }, z);
        Assert.That(z, Is.EqualTo(new double[] { 3, 3, 1 }));
        Assert.That(SymmetricTridiagonal.Eigenvalue(new[] { 2.5 }, new[] { 0.0 }, 0), Is.EqualTo(2.5).Within(1e-15));
        Assert.That(SymmetricTridiagonal.Eigenvector(new[] { 2.5 }, new[] { 0.0 }, 2.5), Is.EqualTo(new[] { 1.0 }));
        Assert.That(SymmetricTridiagonal.CountBelow(Array.Empty<double>(), Array.Empty<double>(), 1), Is.EqualTo(0));
        Assert.That(SymmetricTridiagonal.CountBelow(A3, new[] { double.NaN, 0.5, 0.5 }, double.PositiveInfinity), Is.EqualTo(3), "b[0] is not read");
        var w = TorchLinalg.SymmetricEigenvalues(new[] { 2, 1, 1 + 1e-15, 2.0 }, 2);
        Assert.That(w, Is.EqualTo(new[] { 1.0, 3.0 }).Within(1e-14), "asymmetry at rounding accepted");
        Assert.That(TorchLinalg.SymmetricEigenvalues(Array.Empty<double>(), 0), Is.Empty);
        var r = Lanczos.SmallestEigenpair(Identity, 3, new double[] { 1, 0, 0 }, new Random(1), 0, maxDimension: 1, maxRestarts: 0, startNoise: 0);
        Assert.That(r.Value, Is.EqualTo(1).Within(1e-15));
        Assert.That(new GaussRule(new[] { 0.0 }, new[] { 1.0 }).Integrate(x => x + 2), Is.EqualTo(2));
    }

    static IEnumerable<TestCaseData> Cases() => Checks().Concat(MoreChecks()).Select(c => c.ToCase());

    [TestCaseSource(nameof(Cases))]
    public void Rejects(ArgumentCheck check) => check.Verify();
}
