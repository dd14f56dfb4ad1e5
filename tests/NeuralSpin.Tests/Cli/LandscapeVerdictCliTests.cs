using System.Text.Json;
using NeuralSpin.Ising;
using NUnit.Framework;

namespace NeuralSpin.Tests.Cli;

/// <summary><c>ising landscape</c> reports the shared verdict (docs/theory.md section 7): a steep but continuous curve is not first order.</summary>
[TestFixture]
public class LandscapeVerdictCliTests : CliFixture
{
    [Test]
    public void Landscape_SteepContinuousCurve_IsNotCalledFirstOrder()
    {
        // Curie-Weiss, J_ij = K/N with K = 0.95 < 1: one continuous mean-field solution m = tanh(K m + x), but dm/dx = 1/(1 - K) = 20
        // at x = 0, so the grid of 0.1 shows a step of d above 0.1 across x = 0 (LandscapeVerdictTests checks this by mean field)
        const int n = 60;
        var j = new double[n * n];
        for (int a = 0; a < n; a++) for (int b = 0; b < n; b++) if (a != b) j[a * n + b] = 0.95 / n;
        string model = PathOf("cw.npz"), reference = PathOf("ref.npy"), json = PathOf("land.json");
        IsingModelFile.Write(model, new IsingModel(n, j, new double[n]));
        new Configurations(n, Enumerable.Repeat((sbyte)1, n).ToArray()).Write(reference);
        var r = Cli("ising", "landscape", "--model", model, "--reference", reference, "--x-min", "-1", "--x-max", "1", "--x-steps", "21",
            "--out", PathOf("land.csv"), "--json", json);
        Assert.That(r.ExitCode, Is.EqualTo(0), r.Stderr);
        using var doc = JsonDocument.Parse(File.ReadAllText(json));
        Assert.That(doc.RootElement.GetProperty("has_jump").GetBoolean(), Is.True, "the coarse grid must show the steep step");
        Assert.That(doc.RootElement.GetProperty("verdict").GetString(), Is.EqualTo("steep-continuous"), r.Stdout);
        Assert.That(r.Stdout, Does.Contain("verdict: steep-continuous"));
        Assert.That(r.Stdout, Does.Not.Contain("FIRST-ORDER"));
    }
}
