using NUnit.Framework;
using NeuralSpin.Replica;
using NeuralSpin.Tests.Support;
using static NeuralSpin.Tests.Support.ArgumentCheck;

namespace NeuralSpin.Tests.Replica;

/// <summary>
/// The argument checks of <see cref="ReplicaHessian"/>, one row per throw site (the shared checks of widths and C_k once
/// through each public member that runs them): the call with one invalid argument, the exact exception type, its ParamName
/// and what its message says.
/// </summary>
public class ArgumentCheckTests
{
    static IEnumerable<ArgumentCheck> Checks()
    {
        yield return Range("CriticalTemperatureEqualLayers: at least two layers", "layerCount", "at least two layers",
            () => ReplicaHessian.CriticalTemperatureEqualLayers(1, 2.0));

        // widths and C_k, shared by Matrix, Eigenvalues and CriticalTemperature
        yield return Arg("Matrix: at least two layers", null, "at least two layers are needed",
            () => ReplicaHessian.Matrix(new[] { 3 }, new[] { 1.0 }, 0.5));
        yield return Arg("Eigenvalues: layer widths must be positive", null, "layer widths must be positive",
            () => ReplicaHessian.Eigenvalues(new[] { 3, 0 }, new[] { 1.0 }, 0.5));
        yield return Arg("CriticalTemperature: one C or one per block", null, "give one C or one per block (2), got 3",
            () => ReplicaHessian.CriticalTemperature(new[] { 3, 3, 3 }, new[] { 1.0, 1.0, 1.0 }));
        yield return Arg("CriticalTemperature: C_k must be finite and non-negative - negative", null, "C_k must be finite and non-negative",
            () => ReplicaHessian.CriticalTemperature(new[] { 3, 3 }, new[] { -1.0 }));
        yield return Arg("Matrix: C_k must be finite and non-negative - NaN", null, "C_k must be finite and non-negative",
            () => ReplicaHessian.Matrix(new[] { 3, 3, 3 }, new[] { 1.0, double.NaN }, 0.5));
        yield return Arg("Eigenvalues: C_k must be finite and non-negative - infinity", null, "C_k must be finite and non-negative",
            () => ReplicaHessian.Eigenvalues(new[] { 3, 3 }, new[] { double.PositiveInfinity }, 0.5));
    }

    /// <summary>Checks of null lists, beta, C and the equal-layer sizes.</summary>
    static IEnumerable<ArgumentCheck> MoreChecks()
    {
        yield return Null("Matrix: the widths must not be null", "widths", () => ReplicaHessian.Matrix(null!, new[] { 1.0 }, 0.5));
        yield return Null("CriticalTemperature: C must not be null", "c", () => ReplicaHessian.CriticalTemperature(new[] { 3, 3 }, null!));
        yield return Range("Matrix: beta must be finite and non-negative - negative", "beta", "beta must be finite and non-negative",
            () => ReplicaHessian.Matrix(new[] { 3, 3 }, new[] { 1.0 }, -0.5));
        yield return Range("Matrix: beta must be finite and non-negative - NaN", "beta", "beta must be finite and non-negative",
            () => ReplicaHessian.Matrix(new[] { 3, 3 }, new[] { 1.0 }, double.NaN));
        yield return Range("Eigenvalues: beta must be finite and non-negative - infinity", "beta", "beta must be finite and non-negative",
            () => ReplicaHessian.Eigenvalues(new[] { 3, 3 }, new[] { 1.0 }, double.PositiveInfinity));
        yield return Range("Eigenvalues: beta must be finite and non-negative - negative", "beta", "beta must be finite and non-negative",
            () => ReplicaHessian.Eigenvalues(new[] { 3, 3 }, new[] { 1.0 }, -1));
        yield return Range("CriticalTemperatureEqualLayers: C must be finite and non-negative - negative", "c", "C must be finite and non-negative",
            () => ReplicaHessian.CriticalTemperatureEqualLayers(3, -2.0));
        yield return Range("CriticalTemperatureEqualLayers: C must be finite and non-negative - NaN", "c", "C must be finite and non-negative",
            () => ReplicaHessian.CriticalTemperatureEqualLayers(3, double.NaN));
        yield return Range("EigenvaluesEqualLayers: at least two layers", "layerCount", "at least two layers",
            () => ReplicaHessian.EigenvaluesEqualLayers(1, 4, 2.0, 0.5));
        yield return Range("EigenvaluesEqualLayers: the width must be positive", "width", "the layer width must be positive",
            () => ReplicaHessian.EigenvaluesEqualLayers(3, 0, 2.0, 0.5));
        yield return Range("EigenvaluesEqualLayers: C must be finite and non-negative", "c", "C must be finite and non-negative",
            () => ReplicaHessian.EigenvaluesEqualLayers(3, 4, double.PositiveInfinity, 0.5));
        yield return Range("EigenvaluesEqualLayers: beta must be finite and non-negative", "beta", "beta must be finite and non-negative",
            () => ReplicaHessian.EigenvaluesEqualLayers(3, 4, 2.0, -0.5));
        yield return Range("CriticalTemperatureInfiniteDepth: C must be finite and non-negative - negative", "c", "C must be finite and non-negative",
            () => ReplicaHessian.CriticalTemperatureInfiniteDepth(-1e-9));
        yield return Range("CriticalTemperatureInfiniteDepth: C must be finite and non-negative - infinity", "c", "C must be finite and non-negative",
            () => ReplicaHessian.CriticalTemperatureInfiniteDepth(double.PositiveInfinity));
    }

    /// <summary>The new checks leave the edges of the valid range alone: beta = 0 and C = 0 still give the closed forms.</summary>
    [Test]
    public void ValidEdgesAreAccepted()
    {
        Assert.That(ReplicaHessian.Eigenvalues(new[] { 2, 5 }, new[] { 1.0 }, 0), Is.EqualTo(new[] { 2.0, 5.0 }).Within(1e-14), "H(0) = diag(N_k), by bisection to ~2e-16 of the scale 5");
        Assert.That(ReplicaHessian.Matrix(new[] { 2, 5 }, new[] { 1.0 }, 0), Is.EqualTo(new[] { 2.0, 0, 0, 5.0 }));
        Assert.That(ReplicaHessian.CriticalTemperatureEqualLayers(2, 0), Is.EqualTo(0));
        Assert.That(ReplicaHessian.CriticalTemperatureInfiniteDepth(0), Is.EqualTo(0));
        Assert.That(ReplicaHessian.EigenvaluesEqualLayers(2, 1, 0, 0), Is.EqualTo(new[] { 1.0, 1.0 }));
    }

    static IEnumerable<TestCaseData> Cases() => Checks().Concat(MoreChecks()).Select(c => c.ToCase());

    [TestCaseSource(nameof(Cases))]
    public void Rejects(ArgumentCheck check) => check.Verify();
}
