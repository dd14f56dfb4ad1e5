using NeuralSpin.Ising;
using NeuralSpin.Ising.Inverse;
using NeuralSpin.Tests.Support;
using NUnit.Framework;

namespace NeuralSpin.Tests.Ising.Inverse;

/// <summary>
/// Boltzmann learning's update step by step (P2 5, docs/theory.md section 7) with a scripted moment delegate, so that every
/// quantity is written out: h_a += eta (m_a^data - m_a^model), J_ab += eta (C_ab^data - C_ab^model) - eta lambda_2 J_ab,
/// then soft-thresholded by eta lambda_1 (the proximal step of the L1 penalty), symmetric; the stopping rule is the rms
/// deviation over the N fields and the N (N - 1) / 2 pairs (upper triangle) below the tolerance, or the step budget.
/// </summary>
public class BoltzmannStepTests
{
    const int N = 3;
    static readonly double[] DataM = [0.2, -0.1, 0.4];
    // upper triangle: C01 = 0.3, C02 = -0.2, C12 = 0.1; the lower triangle holds different values that must not be read
    static readonly double[] DataC = [1, 0.3, -0.2, 9, 1, 0.1, 9, 9, 1];
    static readonly double[] ModelM = [0.1, 0.1, 0.1];
    static readonly double[] ModelC = [1, 0.1, 0.1, 7, 1, 0.1, 7, 7, 1];

    /// <summary>A delegate that always returns the same model moments and records the models it was asked about.</summary>
    static Func<IsingModel, (double[] M, double[] C)> Constant(List<IsingModel> seen) =>
        model => { seen.Add(model); return ((double[])ModelM.Clone(), (double[])ModelC.Clone()); };

    /// <summary>The rms deviation written out: fields and the upper triangle only, over N + N (N - 1) / 2 = 6 terms.</summary>
    static double Rms(double[] m1, double[] c1, double[] m2, double[] c2)
    {
        double s = 0;
        for (int a = 0; a < N; a++) s += (m1[a] - m2[a]) * (m1[a] - m2[a]);
        foreach (var (a, b) in new[] { (0, 1), (0, 2), (1, 2) }) s += Math.Pow(c1[a * N + b] - c2[a * N + b], 2);
        return Math.Sqrt(s / 6);
    }

    [Test]
    public void RmsDeviation_IsOverTheFieldsAndTheUpperTriangle()
    {
        // (0.1^2 + 0.2^2 + 0.3^2 + 0.2^2 + 0.3^2 + 0) / 6 = 0.27 / 6
        Assert.That(BoltzmannLearning.RmsDeviation(DataM, DataC, ModelM, ModelC, N), Is.EqualTo(Math.Sqrt(0.27 / 6)).Within(1e-15));
        Assert.That(BoltzmannLearning.RmsDeviation(DataM, DataC, DataM, DataC, N), Is.EqualTo(0.0));
        // one spin: the field alone
        Assert.That(BoltzmannLearning.RmsDeviation([0.5], [1], [0.2], [1], 1), Is.EqualTo(0.3).Within(1e-15));
    }

    [TestCase(0.0, 0.0)]
    [TestCase(0.5, 0.0)]
    [TestCase(0.0, 0.15)]
    [TestCase(0.5, 0.15)]
    public void OneStep_IsTheWrittenOutUpdate(double l2, double l1)
    {
        const double eta = 0.4;
        double[] j0 = [0, 0.5, -0.05, 0.5, 0, 0.2, -0.05, 0.2, 0];
        double[] h0 = [0.1, -0.3, 0.05];
        var seen = new List<IsingModel>();
        var r = BoltzmannLearning.Fit(DataM, DataC, N, Constant(seen),
            new BoltzmannOptions(Eta: eta, L2: l2, L1: l1, Tolerance: 1e-12, MaxSteps: 1, Initial: new IsingModel(N, j0, h0)));
        var expectedH = new double[N];
        for (int a = 0; a < N; a++) expectedH[a] = h0[a] + eta * (DataM[a] - ModelM[a]);
        var expectedJ = new double[N * N];
        foreach (var (a, b) in new[] { (0, 1), (0, 2), (1, 2) })
        {
            double v = j0[a * N + b] + eta * (DataC[a * N + b] - ModelC[a * N + b]) - eta * l2 * j0[a * N + b];
            v = Math.Sign(v) * Math.Max(Math.Abs(v) - eta * l1, 0);
            expectedJ[a * N + b] = expectedJ[b * N + a] = v;
        }
        Assert.That(r.Steps, Is.EqualTo(1));
        NumericAssert.AllEqual(expectedH, r.Model.FieldsCopy(), 1e-15, 0, "h after one step");
        NumericAssert.AllEqual(expectedJ, r.Model.CouplingsCopy(), 1e-15, 0, "J after one step");
        Assert.That(r.Model.Beta, Is.EqualTo(1.0));
        // the delegate saw the start and the stepped model; the history holds the rms of both
        Assert.That(seen, Has.Count.EqualTo(2));
        double rms = Rms(DataM, DataC, ModelM, ModelC);
        Assert.That(r.History, Is.EqualTo(new[] { rms, rms }).Within(1e-15));
        Assert.That(r.RmsDeviation, Is.EqualTo(rms).Within(1e-15));
        Assert.That(r.Converged, Is.False, "rms 0.21 is above the tolerance");
    }

    /// <summary>An initial model at beta != 1 enters as beta J and beta h (the learned model is at beta = 1).</summary>
    [Test]
    public void InitialModelAtAnotherBeta_IsAbsorbedIntoTheParameters()
    {
        double[] j0 = [0, 0.5, -0.05, 0.5, 0, 0.2, -0.05, 0.2, 0];
        double[] h0 = [0.1, -0.3, 0.05];
        var seen = new List<IsingModel>();
        var r = BoltzmannLearning.Fit(DataM, DataC, N, Constant(seen),
            new BoltzmannOptions(MaxSteps: 0, Initial: new IsingModel(N, j0, h0, beta: 2)));
        Assert.That(r.Steps, Is.EqualTo(0));
        Assert.That(r.Model.Beta, Is.EqualTo(1.0));
        NumericAssert.AllEqual(j0.Select(v => 2 * v).ToArray(), r.Model.CouplingsCopy(), 1e-15, 0, "2 J");
        NumericAssert.AllEqual(h0.Select(v => 2 * v).ToArray(), r.Model.FieldsCopy(), 1e-15, 0, "2 h");
        NumericAssert.AllEqual(j0.Select(v => 2 * v).ToArray(), seen[0].CouplingsCopy(), 1e-15, 0, "the delegate sees 2 J");
    }

    /// <summary>
    /// The tolerance stops the loop: with model moments equal to the data the rms is 0 at the start, so no step is taken
    /// and the fit has converged; with MaxSteps = 0 and moments that differ, it stops at the budget, not converged.
    /// </summary>
    [Test]
    public void StoppingRules_ToleranceAndBudget()
    {
        var exact = BoltzmannLearning.Fit(DataM, DataC, N, _ => ((double[])DataM.Clone(), (double[])DataC.Clone()));
        Assert.That(exact.Steps, Is.EqualTo(0));
        Assert.That(exact.Converged, Is.True);
        Assert.That(exact.History, Is.EqualTo(new[] { 0.0 }));
        var budget = BoltzmannLearning.Fit(DataM, DataC, N, Constant([]), new BoltzmannOptions(MaxSteps: 0));
        Assert.That(budget.Steps, Is.EqualTo(0));
        Assert.That(budget.Converged, Is.False);
        // the default model is all zeros
        Assert.That(budget.Model.CouplingsCopy(), Is.All.EqualTo(0.0));
        Assert.That(budget.Model.FieldsCopy(), Is.All.EqualTo(0.0));
        // rms just below the tolerance converges, just above does not (the rule is rms < tolerance)
        double rms = Rms(DataM, DataC, ModelM, ModelC);
        Assert.That(BoltzmannLearning.Fit(DataM, DataC, N, Constant([]), new BoltzmannOptions(Tolerance: rms * (1 + 1e-12), MaxSteps: 3)).Converged, Is.True);
        Assert.That(BoltzmannLearning.Fit(DataM, DataC, N, Constant([]), new BoltzmannOptions(Tolerance: rms * (1 - 1e-12), MaxSteps: 3)).Steps, Is.EqualTo(3));
    }

    [Test]
    public void BadInput_IsRefusedWithAMessage()
    {
        var seen = new List<IsingModel>();
        Assert.That(() => BoltzmannLearning.Fit([0.1, 0.2], DataC, N, Constant(seen)), Throws.ArgumentException.With.Message.Contains("moments must be of length 3"));
        Assert.That(() => BoltzmannLearning.Fit(DataM, [1.0], N, Constant(seen)), Throws.ArgumentException.With.Message.Contains("moments must be of length 3"));
        foreach (var o in new[] { new BoltzmannOptions(Eta: 0), new BoltzmannOptions(Eta: double.NaN), new BoltzmannOptions(L2: -1e-9), new BoltzmannOptions(L1: -1e-9) })
            Assert.That(() => BoltzmannLearning.Fit(DataM, DataC, N, Constant(seen), o),
                Throws.ArgumentException.With.Message.Contains("eta must be positive and penalties non-negative"), o.ToString());
        Assert.That(() => BoltzmannLearning.Fit(DataM, DataC, N, Constant(seen), new BoltzmannOptions(Initial: new IsingModel(2, new double[4], new double[2]))),
            Throws.ArgumentException.With.Message.Contains("initial model has the wrong size"));
        Assert.That(() => BoltzmannLearning.Fit(DataM, DataC, N, _ => (new double[2], new double[9])),
            Throws.InvalidOperationException.With.Message.Contains("wrong shapes"));
        Assert.That(() => BoltzmannLearning.Fit(DataM, DataC, N, _ => (new double[3], new double[8])),
            Throws.InvalidOperationException.With.Message.Contains("wrong shapes"));
        Assert.That(seen, Is.Empty, "nothing is evaluated before the arguments are checked");
    }
}
