using System.Text.Json;
using NeuralSpin.Ising;
using NeuralSpin.Tests.Support;
using NUnit.Framework;
using static NeuralSpin.Tests.Support.ArgumentCheck;

namespace NeuralSpin.Tests.Ising;

/// <summary>
/// The JSON documents of the Ising commands (<see cref="IsingThermoJson"/>, <see cref="TapFixedPointsJson"/>,
/// <see cref="LandscapeJson"/>) built from constructed results with distinct dyadic values, so that every field is seen to
/// carry its own source (per-spin values divided by N exactly), plus the null checks and the field names as written.
/// </summary>
public class IsingThermoJsonTests
{
    static IEnumerable<TestCaseData> Checks()
    {
        var model = new IsingModel(2, new double[4], [0, 0]);
        var sweep = new LandscapeSweep([], [], [], 0, 0, []);
        var verdict = new LandscapeVerdictResult(LandscapeKind.Smooth, "", 0, false, 0, 1, false);
        yield return Null("IsingThermoJson.From: the exact result not null", "r", () => IsingThermoJson.From((ExactResult)null!, 2)).ToCase();
        yield return Null("IsingThermoJson.From: the BP result not null", "r", () => IsingThermoJson.From((BpResult)null!, 2)).ToCase();
        yield return Null("TapFixedPointsJson.From: the result not null", "r", () => TapFixedPointsJson.From(null!, model, 1)).ToCase();
        yield return Null("TapFixedPointsJson.From: the model not null", "model", () => TapFixedPointsJson.From(new([], 0, 0), null!, 1)).ToCase();
        yield return Null("LandscapeJson.From: the sweep not null", "sweep", () => LandscapeJson.From(null!, verdict, 2, 3, false)).ToCase();
        yield return Null("LandscapeJson.From: the verdict not null", "verdict", () => LandscapeJson.From(sweep, null!, 2, 3, false)).ToCase();
    }

    [TestCaseSource(nameof(Checks))]
    public void BadArguments_AreRefused(ArgumentCheck check) => check.Verify();

    /// <summary>Exact enumeration, N = 4, beta = 2, ln Z = 16, &lt;E&gt; = -6: F = -ln Z / beta = -8, S = ln Z + beta &lt;E&gt; = 4,
    /// so the per-spin values are -2, -3/2 and 1; converged, no iterations; the magnetizations as given.</summary>
    [Test]
    public void Exact_IsConvergedWithPerSpinValues()
    {
        var model = new IsingModel(4, new double[16], new double[4], beta: 2);
        double[] m = [0.5, -0.25, 0, 1];
        var r = new ExactResult(model, 16, -6, 0, 0, 0, m, new double[16], null);
        var doc = IsingThermoJson.From(r, 4);
        Assert.That((doc.NSpins, doc.Converged, doc.Iterations), Is.EqualTo((4, true, 0)));
        Assert.That((doc.FreeEnergyPerSpin, doc.EnergyPerSpin, doc.EntropyPerSpin), Is.EqualTo((-2.0, -1.5, 1.0)));
        Assert.That(doc.Magnetizations, Is.EqualTo(m).AsCollection);
        string json = JsonSerializer.Serialize(doc);
        Assert.That(json, Is.EqualTo("{\"n_spins\":4,\"converged\":true,\"iterations\":0,\"free_energy_per_spin\":-2,\"energy_per_spin\":-1.5,"
            + "\"entropy_per_spin\":1,\"magnetizations\":[0.5,-0.25,0,1]}"));
    }

    /// <summary>BP, N = 4: F = -6, E = 2, S = 3 give -3/2, 1/2, 3/4 per spin; its convergence flag and sweeps are passed on.</summary>
    [Test]
    public void Bp_CarriesConvergenceAndIterations()
    {
        double[] m = [0.25, 0.5, -0.75, 0];
        var r = new BpResult(m, [], 1, -6, 2, 3, false, 17, 0.5, new BpMessages([], [], []));
        var doc = IsingThermoJson.From(r, 4);
        Assert.That((doc.NSpins, doc.Converged, doc.Iterations), Is.EqualTo((4, false, 17)));
        Assert.That((doc.FreeEnergyPerSpin, doc.EnergyPerSpin, doc.EntropyPerSpin), Is.EqualTo((-1.5, 0.5, 0.75)));
        Assert.That(doc.Magnetizations, Is.EqualTo(m).AsCollection);
    }

    /// <summary>TAP: two fixed points of a 4-spin model at beta = 1/2 from 7 starts (5 converged, 2 not): F = -2 and 4 give
    /// -1/2 and 1 per spin; the mean magnetizations are (3/4 - 1/4 + 1/2 + 0)/4 = 1/4 and (-1 - 1 - 1/2 + 1/2)/4 = -1/2.</summary>
    [Test]
    public void Tap_ListsEveryFixedPointWithItsMeanMagnetization()
    {
        var model = new IsingModel(4, new double[16], new double[4], beta: 0.5);
        double[] a = [0.75, -0.25, 0.5, 0], b = [-1, -1, -0.5, 0.5];
        var r = new TapFixedPointsResult([new TapFixedPoint(a, -2, 3), new TapFixedPoint(b, 4, 2)], 5, 2);
        var doc = TapFixedPointsJson.From(r, model, 7);
        Assert.That((doc.NSpins, doc.Beta, doc.Starts, doc.Converged, doc.NotConverged, doc.NFixedPoints), Is.EqualTo((4, 0.5, 7, 5, 2, 2)));
        Assert.That(doc.FixedPoints, Has.Count.EqualTo(2));
        Assert.That((doc.FixedPoints[0].FreeEnergyPerSpin, doc.FixedPoints[0].Count, doc.FixedPoints[0].MeanMagnetization), Is.EqualTo((-0.5, 3, 0.25)));
        Assert.That((doc.FixedPoints[1].FreeEnergyPerSpin, doc.FixedPoints[1].Count, doc.FixedPoints[1].MeanMagnetization), Is.EqualTo((1.0, 2, -0.5)));
        Assert.That(doc.FixedPoints[0].Magnetizations, Is.EqualTo(a).AsCollection);
        Assert.That(doc.FixedPoints[1].Magnetizations, Is.EqualTo(b).AsCollection);
    }

    static LandscapePoint P(double x, double d, bool converged = true) => new(x, 1, 1 - 2 * d, d, 0, 0, 0, 0, converged, 1);

    /// <summary>Landscape: the sweep's own diagnostics (one point unconverged, so not all converged; two jumps, one per
    /// direction; hysteresis at x = 1/2, largest 1/4) and the verdict's (first-order, degenerate at 0, its own largest
    /// hysteresis 1/8) go to their fields; the jumps keep their order, ends and direction.</summary>
    [Test]
    public void Landscape_TakesTheSweepsDiagnosticsAndTheVerdicts()
    {
        var sweep = new LandscapeSweep([P(0, 0.5), P(0.5, 0.125)], [P(0, 0.5, converged: false), P(0.5, 0.375)],
            [new LandscapeJump(0, 0.5, 0.5, 0.125, true), new LandscapeJump(0.5, 0, 0.375, 0.5, false)], 0.375, 0.25, [0.5]);
        var verdict = new LandscapeVerdictResult(LandscapeKind.FirstOrder, "because", 0.125, true, 0.0625, 0.75, false);
        var doc = LandscapeJson.From(sweep, verdict, 6, 2, isoEnergy: true);
        Assert.That((doc.NSpins, doc.IsoEnergy, doc.NPoints, doc.AllConverged), Is.EqualTo((6, true, 2, false)));
        Assert.That((doc.HasJump, doc.MaxJump, doc.HasHysteresis, doc.MaxHysteresis), Is.EqualTo((true, 0.375, true, 0.25)));
        Assert.That((doc.Verdict, doc.VerdictReason, doc.DegenerateAtX0, doc.MaxHysteresisExcludingDegenerateX0), Is.EqualTo(("first-order", "because", true, 0.125)));
        Assert.That(doc.Jumps, Is.EqualTo(new[] { new LandscapeJumpJson(0, 0.5, 0.5, 0.125, true), new LandscapeJumpJson(0.5, 0, 0.375, 0.5, false) }).AsCollection);
        Assert.That(doc.HysteresisAt, Is.EqualTo(new[] { 0.5 }).AsCollection);

        var smooth = LandscapeJson.From(new LandscapeSweep([P(0, 0.5)], [P(0, 0.5)], [], 0, 0, []),
            new LandscapeVerdictResult(LandscapeKind.Smooth, "", 0, false, 0, 1, false), 1, 1, isoEnergy: false);
        Assert.That((smooth.IsoEnergy, smooth.AllConverged, smooth.HasJump, smooth.HasHysteresis, smooth.Verdict), Is.EqualTo((false, true, false, false, "smooth")));
        Assert.That(smooth.Jumps, Is.Empty);
    }
}
