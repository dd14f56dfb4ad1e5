using NUnit.Framework;
using NeuralSpin.Replica;
using NeuralSpin.Tests.Support;

namespace NeuralSpin.Tests.Replica;

/// <summary>
/// The argument checks of <see cref="ReplicaHessian"/>, one row per throw site (the shared checks of widths and C_k once
/// through each public member that runs them): the call with one invalid argument, the exact exception type, its ParamName
/// and what its message says.
/// </summary>
public class ArgumentCheckTests
{
    static ArgumentCheck Arg(string rule, string? param, string message, TestDelegate call) =>
        ArgumentCheck.Of<ArgumentException>(rule, param, message, call);

    static ArgumentCheck Range(string rule, string? param, string message, TestDelegate call) =>
        ArgumentCheck.Of<ArgumentOutOfRangeException>(rule, param, message, call);

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

    static IEnumerable<TestCaseData> Cases() => Checks().Select(c => c.ToCase());

    [TestCaseSource(nameof(Cases))]
    public void Rejects(ArgumentCheck check) => check.Verify();
}
