using NeuralSpin.Ising;
using NeuralSpin.Tests.Support;
using NUnit.Framework;
using static NeuralSpin.Tests.Support.ArgumentCheck;

namespace NeuralSpin.Tests.Ising;

/// <summary>
/// The argument checks of <see cref="McDynamics.Run"/>, one row per condition (each violated alone, so every part of a
/// combined check is needed), and the boundary values that must pass: no sweeps (the trace is the start alone), beta 0.
/// </summary>
public class McDynamicsArgumentTests
{
    const int N = 4;

    static IsingModel Model() => new(N, new double[N * N], new double[N]);

    static readonly sbyte[] Reference = [1, -1, 1, 1];

    static IEnumerable<TestCaseData> Checks()
    {
        var model = Model();
        yield return Null("McDynamics.Run: the model must not be null", "model", () => McDynamics.Run(null!, Reference)).ToCase();
        yield return Null("McDynamics.Run: the reference must not be null", "reference", () => McDynamics.Run(model, null!)).ToCase();
        yield return Arg("McDynamics.Run: the reference has N spins", "reference", "the reference needs 4 spins, got 3",
            () => McDynamics.Run(model, [1, 1, 1])).ToCase();
        yield return Arg("McDynamics.Run: the last reference spin is +-1", "reference", "reference spin 3 is 0, not +-1",
            () => McDynamics.Run(model, [1, 1, 1, 0])).ToCase();
        yield return Range("McDynamics.Run: sweeps non-negative", "options", "Sweeps must be >= 0",
            () => McDynamics.Run(model, Reference, new McDynamicsOptions { Sweeps = -1 })).ToCase();
        yield return Range("McDynamics.Run: record every sweep at least", "options", "RecordEvery must be >= 1",
            () => McDynamics.Run(model, Reference, new McDynamicsOptions { RecordEvery = 0 })).ToCase();
        yield return Range("McDynamics.Run: beta non-negative", "options", "beta must be finite and >= 0",
            () => McDynamics.Run(model, Reference, new McDynamicsOptions { Beta = -0.5 })).ToCase();
        yield return Range("McDynamics.Run: beta finite", "options", "beta must be finite and >= 0",
            () => McDynamics.Run(model, Reference, new McDynamicsOptions { Beta = double.PositiveInfinity })).ToCase();
        yield return Range("McDynamics.Run: beta not NaN", "options", "beta must be finite and >= 0",
            () => McDynamics.Run(model, Reference, new McDynamicsOptions { Beta = double.NaN })).ToCase();
    }

    [TestCaseSource(nameof(Checks))]
    public void BadArguments_AreRefused(ArgumentCheck check) => check.Verify();

    /// <summary>No sweeps: the trace is the start alone, overlap 1 with itself and energy E(s*) / N = 0 on free spins.</summary>
    [Test]
    public void NoSweeps_TheTraceIsTheStart()
    {
        var trace = McDynamics.Run(Model(), Reference, new McDynamicsOptions { Sweeps = 0, Beta = 0 });
        Assert.That(trace, Has.Count.EqualTo(1));
        Assert.That(trace[0].Sweep, Is.EqualTo(0));
        Assert.That(trace[0].Overlap, Is.EqualTo(1.0));
        Assert.That(trace[0].EnergyPerSpin, Is.EqualTo(0.0));
    }
}
