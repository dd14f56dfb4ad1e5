using NeuralSpin.Ising;
using NeuralSpin.SpinModel;
using NeuralSpin.Tap;
using NUnit.Framework;

namespace NeuralSpin.Tests.Ising;

/// <summary><see cref="TapFixedPoints"/> and <see cref="McDynamics"/>.</summary>
[TestFixture]
public class TapFixedPointsTests
{
    /// <summary>A Curie-Weiss ferromagnet J_ij = J0 / N (i != j), no fields.</summary>
    public static IsingModel Ferromagnet(int n, double j0, double beta)
    {
        var j = new double[n * n];
        for (int a = 0; a < n; a++)
            for (int b = 0; b < n; b++)
                if (a != b) j[a * n + b] = j0 / n;
        return new IsingModel(n, j, new double[n], beta);
    }

    [Test]
    public void HighTemperature_OnlyTheParamagneticFixedPoint()
    {
        var r = TapFixedPoints.Find(Ferromagnet(8, 1.0, 0.5), new TapFixedPointOptions { Starts = 50, Seed = 1 });
        Assert.That(r.FixedPoints, Has.Count.EqualTo(1));
        Assert.That(r.Converged, Is.EqualTo(50));
        Assert.That(r.FixedPoints[0].Count, Is.EqualTo(50));
        foreach (var m in r.FixedPoints[0].Magnetizations) Assert.That(m, Is.EqualTo(0).Within(1e-8));
        // F(m = 0) = -(beta/4) sum_ij J_ij^2 - N T ln 2
        double sumJ2 = 8 * 7 * (1.0 / 64);
        Assert.That(r.FixedPoints[0].FreeEnergy, Is.EqualTo(-0.25 * 0.5 * sumJ2 - 8 * Math.Log(2) / 0.5).Within(1e-9));
    }

    [Test]
    public void LowTemperatureFerromagnet_SeveralFixedPoints_AllSolveTheTapEquations()
    {
        var model = Ferromagnet(8, 1.0, 2.0);
        var r = TapFixedPoints.Find(model, new TapFixedPointOptions { Starts = 60, Seed = 2 });
        Assert.That(r.FixedPoints.Count, Is.GreaterThanOrEqualTo(2), "the two magnetised states +-m*");
        var j = new DenseCoupling(8, model.CouplingsCopy());
        foreach (var p in r.FixedPoints)
        {
            Assert.That(TapSolver.MaxResidual(j, model.Beta, model.FieldsCopy(), p.Magnetizations), Is.LessThan(1e-8));
            Assert.That(p.FreeEnergy, Is.EqualTo(TapFreeEnergy.Evaluate(j, model.Beta, p.Magnetizations, model.FieldsCopy())).Within(1e-12));
        }
        // the lowest two are the symmetric magnetised states with equal free energy and opposite m
        var a = r.FixedPoints[0]; var b = r.FixedPoints[1];
        Assert.That(Math.Abs(a.Magnetizations.Average()), Is.GreaterThan(0.5));
        Assert.That(a.FreeEnergy, Is.EqualTo(b.FreeEnergy).Within(1e-9));
        Assert.That(a.Magnetizations.Average(), Is.EqualTo(-b.Magnetizations.Average()).Within(1e-8));
        Assert.That(r.FixedPoints.Sum(p => p.Count), Is.EqualTo(r.Converged));
        Assert.That(r.Converged + r.NotConverged, Is.EqualTo(60));
    }

    [Test]
    public void SameSeed_SameResult()
    {
        var model = Ferromagnet(6, 1.0, 1.5);
        var o = new TapFixedPointOptions { Starts = 20, Seed = 7 };
        var a = TapFixedPoints.Find(model, o);
        var b = TapFixedPoints.Find(model, o);
        Assert.That(a.FixedPoints.Select(p => p.FreeEnergy), Is.EqualTo(b.FixedPoints.Select(p => p.FreeEnergy)));
    }

    [Test]
    public void McDynamics_StartsAtReference_ZeroTemperatureStaysInGroundState()
    {
        var model = Ferromagnet(10, 1.0, 1.0);
        var up = Enumerable.Repeat((sbyte)1, 10).ToArray();
        int calls = 0;
        var trace = McDynamics.Run(model, up, new McDynamicsOptions { Sweeps = 20, Beta = 50, Seed = 3, RecordEvery = 5, Observer = s => { calls++; return s.Count(x => x == 1); } });
        Assert.That(trace.Select(p => p.Sweep), Is.EqualTo(new[] { 0, 5, 10, 15, 20 }));
        Assert.That(trace[0].Overlap, Is.EqualTo(1.0));
        Assert.That(trace[0].EnergyPerSpin, Is.EqualTo(model.Energy(up) / 10).Within(1e-14));
        Assert.That(calls, Is.EqualTo(5));
        foreach (var p in trace) { Assert.That(p.Overlap, Is.EqualTo(1.0)); Assert.That(p.Observed, Is.EqualTo(10)); }
    }

    [Test]
    public void McDynamics_InfiniteTemperatureDecorrelates()
    {
        var model = Ferromagnet(400, 1.0, 1.0);
        var up = Enumerable.Repeat((sbyte)1, 400).ToArray();
        var trace = McDynamics.Run(model, up, new McDynamicsOptions { Sweeps = 10, Beta = 0, Seed = 4 });
        Assert.That(trace, Has.Count.EqualTo(11));
        Assert.That(double.IsNaN(trace[^1].Observed), Is.True);
        // after 10 sweeps the chance a spin was never touched is e^-10, so q ~ N(0, 1/N): |q| < 0.25 at > 5 sigma
        Assert.That(Math.Abs(trace[^1].Overlap), Is.LessThan(0.25));
        Assert.Throws<ArgumentException>(() => McDynamics.Run(model, new sbyte[3]));
    }
}
