using NeuralSpin.Ising;
using NeuralSpin.Ising.Inverse;
using NeuralSpin.Tests.Support;
using NUnit.Framework;
using static NeuralSpin.Tests.Support.ArgumentCheck;

namespace NeuralSpin.Tests.Ising.Inverse;

/// <summary>
/// The argument checks of the inverse Ising facade and its closed-form parts (<see cref="InverseIsing.Fit"/>,
/// <see cref="InverseFitJson.From"/>, <see cref="MeanFieldInversion"/>, <see cref="TapInversion"/>,
/// <see cref="ModelMoments"/>, <see cref="SampleMoments"/>, <see cref="PseudoLikelihood"/>), one row per condition: each
/// condition of a combined check is violated alone, so that every part of the check is needed. Each row checks the exact
/// exception type, its ParamName and what its message says. The boundary values that are valid (one spin, no
/// Boltzmann steps, the last spin index) are checked by the tests below the table.
/// </summary>
public class InverseArgumentCheckTests
{
    /// <summary>Two spins, all four configurations once: m = 0, C = I (non-singular for every inversion).</summary>
    static readonly sbyte[] Four = [1, 1, 1, -1, -1, 1, -1, -1];

    static void Fit(InverseFitOptions o) => InverseIsing.Fit(Four, 2, o);

    static IEnumerable<ArgumentCheck> FitChecks()
    {
        yield return Null("InverseIsing.Fit: the spins must not be null", "spins", () => InverseIsing.Fit(null!, 2));
        yield return Arg("InverseIsing.Fit: at least one spin", "spins", "need at least one sample of 0 spins; got 8 values",
            () => InverseIsing.Fit(Four, 0));
        yield return Arg("InverseIsing.Fit: at least one sample", "spins", "need at least one sample of 2 spins; got 0 values",
            () => InverseIsing.Fit([], 2));
        yield return Arg("InverseIsing.Fit: whole configurations", "spins", "need at least one sample of 2 spins; got 3 values",
            () => InverseIsing.Fit([1, 1, -1], 2));
        foreach (var (name, v) in new[] { ("negative", -0.1), ("infinite", double.PositiveInfinity), ("NaN", double.NaN) })
        {
            yield return Range($"InverseIsing.Fit: L1 must be finite and non-negative - {name}", "options", "L1 must be finite and >= 0",
                () => Fit(new InverseFitOptions { L1 = v }));
            yield return Range($"InverseIsing.Fit: L2 must be finite and non-negative - {name}", "options", "L2 must be finite and >= 0",
                () => Fit(new InverseFitOptions { L2 = v }));
        }
        foreach (var (name, v) in new[] { ("zero", 0.0), ("negative", -0.1), ("infinite", double.PositiveInfinity), ("NaN", double.NaN) })
            yield return Range($"InverseIsing.Fit: Eta must be positive and finite - {name}", "options", "Eta must be positive and finite",
                () => Fit(new InverseFitOptions { Eta = v }));
        yield return Range("InverseIsing.Fit: MaxSteps must be non-negative", "options", "MaxSteps must be >= 0",
            () => Fit(new InverseFitOptions { MaxSteps = -1 }));
        yield return Null("InverseFitJson.From: the fit must not be null", "fit", () => InverseFitJson.From(null!, "mf", 4, 2, "m.json"));
    }

    static IEnumerable<ArgumentCheck> InversionChecks()
    {
        double[] m2 = [0.1, 0.2], c2 = [1, 0.1, 0.1, 1];
        yield return Arg("MeanFieldInversion.Invert: C must be N x N", null, "C must be 2 x 2",
            () => MeanFieldInversion.Invert(m2, [1, 0.1, 0.1], 2));
        yield return Arg("MeanFieldInversion.Invert: the ridge must be non-negative", null, "ridge must be non-negative",
            () => MeanFieldInversion.Invert(m2, c2, 2, -1e-3));
        yield return Arg("MeanFieldInversion.Invert: the ridge must be non-negative - NaN", null, "ridge must be non-negative",
            () => MeanFieldInversion.Invert(m2, c2, 2, double.NaN));
        yield return Arg("MeanFieldInversion.Invert: m must be finite", null, "m[1] = NaN is not in [-1, 1]",
            () => MeanFieldInversion.Invert([0.1, double.NaN], c2, 2));
        yield return Arg("MeanFieldInversion.Invert: m must lie in [-1, 1] - above", null, "m[0] = 1.5 is not in [-1, 1]",
            () => MeanFieldInversion.Invert([1.5, 0.2], c2, 2));
        yield return Arg("MeanFieldInversion.Invert: m must lie in [-1, 1] - below", null, "m[1] = -1.5 is not in [-1, 1]",
            () => MeanFieldInversion.Invert([0.1, -1.5], c2, 2));
        yield return Arg("TapInversion.Invert: C must be N x N", null, "C must be 2 x 2",
            () => TapInversion.Invert(m2, [1, 0.1, 0.1, 1, 0], 2));
        yield return Arg("TapInversion.Invert: m must be finite", null, "m[0] = NaN is not in [-1, 1]",
            () => TapInversion.Invert([double.NaN, 0.2], c2, 2));
    }

    static IEnumerable<ArgumentCheck> MomentChecks()
    {
        yield return Null("ModelMoments.Estimate: the model must not be null", "model", () => ModelMoments.Estimate(null!));
        yield return Null("ModelMoments.Bp: the model must not be null", "model", () => ModelMoments.Bp(null!));
        yield return Null("ModelMoments.FromBp: the BP result must not be null", "bp", () => ModelMoments.FromBp(null!));
        yield return Arg("SampleMoments.From: at least one spin", null, "need at least one spin", () => SampleMoments.From(Four, 0));
        yield return Arg("SampleMoments.From: at least one configuration", null, "no configurations", () => SampleMoments.From([], 2));
        yield return Arg("SampleMoments.From: whole configurations", null, "3 values are not a whole number of 2-spin configurations",
            () => SampleMoments.From([1, 1, -1], 2));
        yield return Arg("SampleMoments.From: values +-1", null, "configuration 1, spin 0: value 0 is not +-1",
            () => SampleMoments.From([1, 1, 0, -1], 2));
    }

    static IEnumerable<ArgumentCheck> PseudoLikelihoodChecks()
    {
        yield return Arg("PseudoLikelihood.Fit: L2 must be non-negative", null, "penalties must be non-negative",
            () => PseudoLikelihood.Fit(Four, 2, new PlOptions(L2: -0.1)));
        yield return Arg("PseudoLikelihood.Fit: L1 must be non-negative", null, "penalties must be non-negative",
            () => PseudoLikelihood.Fit(Four, 2, new PlOptions(L1: -0.1)));
        yield return Arg("PseudoLikelihood.Fit: L2 must be non-negative - NaN", null, "penalties must be non-negative",
            () => PseudoLikelihood.Fit(Four, 2, new PlOptions(L2: double.NaN)));
        foreach (var solver in new[] { PlSolver.PerSpin, PlSolver.Joint })
            yield return Arg($"PseudoLikelihood.Fit: the warm start must be finite - {solver}", "options", "the warm start must be finite",
                () => PseudoLikelihood.Fit(Four, 2, new PlOptions(Initial: [0, 0, double.NaN, 0], Solver: solver)));
        yield return Arg("PseudoLikelihood.FitSpin: the warm start must be finite", "options", "the warm start must be finite",
            () => PseudoLikelihood.FitSpin(new PseudoLikelihood.Design(Four, 2), 1, new PlOptions(Initial: [0, 0, double.NaN, 0])));
        yield return Range("PseudoLikelihood.SpinObjective: r must not be negative", "r", "out of the range",
            () => _ = new PseudoLikelihood.SpinObjective(new PseudoLikelihood.Design(Four, 2), -1, 0));
        yield return Range("PseudoLikelihood.SpinObjective: r must be below N", "r", "out of the range",
            () => _ = new PseudoLikelihood.SpinObjective(new PseudoLikelihood.Design(Four, 2), 2, 0));
    }

    static IEnumerable<TestCaseData> Cases() =>
        FitChecks().Concat(InversionChecks()).Concat(MomentChecks()).Concat(PseudoLikelihoodChecks()).Select(c => c.ToCase());

    [TestCaseSource(nameof(Cases))]
    public void Rejects(ArgumentCheck check) => check.Verify();

    /// <summary>
    /// The valid boundary values: one spin (the smallest N) with the closed form of a single free spin,
    /// h = atanh m (m = 1/2 from three up and one down), and MaxSteps = 0 (Boltzmann learning returns its TAP start,
    /// whose value for this data is J = 0, h = 0 since m = 0 and C = I). The closed-form methods always report
    /// Converged. Tolerance: atanh and one division, 1e-15.
    /// </summary>
    [Test]
    public void Fit_AcceptsTheBoundaryValues()
    {
        var one = InverseIsing.Fit([1, -1, 1, 1], 1, new InverseFitOptions { Method = InverseMethod.MeanField });
        Assert.That(one.Model.Size, Is.EqualTo(1));
        NumericAssert.AreEqualAbsolute(Math.Atanh(0.5), one.Model.Field(0), 1e-15, "h = atanh m");
        Assert.That(one.Converged, Is.True, "closed form");
        var tap = InverseIsing.Fit(Four, 2, new InverseFitOptions { Method = InverseMethod.Tap });
        Assert.That(tap.Converged, Is.True, "closed form");
        var none = InverseIsing.Fit(Four, 2, new InverseFitOptions { MaxSteps = 0 });
        Assert.That(none.Steps, Is.Zero);
        Assert.That(none.Model.CouplingsCopy(), Is.EqualTo(new double[4]).Within(1e-15), "J of m = 0, C = I");
        Assert.That(none.Model.FieldsCopy(), Is.EqualTo(new double[2]).Within(1e-15), "h of m = 0");
    }

    /// <summary>The last spin index r = N - 1 is valid: its objective at theta = 0 is ln 2 (P(s_r | rest) = 1/2 for every sample).</summary>
    [Test]
    public void SpinObjective_AcceptsTheLastSpin()
    {
        var obj = new PseudoLikelihood.SpinObjective(new PseudoLikelihood.Design(Four, 2), 1, 0);
        // ln 2 cosh 0 - 0 = ln 2 per sample; one log, 1e-15
        NumericAssert.AreEqualAbsolute(Math.Log(2), obj.Evaluate(new double[2], new double[2]), 1e-15, "ell at theta = 0");
    }

    /// <summary>The moment method's name in the JSON document: exact enumeration is "exact", belief propagation "bp".</summary>
    [Test]
    public void FitJson_NamesTheMomentMethod()
    {
        Assert.That(InverseFitJson.MomentsName(MomentMethod.Exact), Is.EqualTo("exact"));
        Assert.That(InverseFitJson.MomentsName(MomentMethod.BeliefPropagation), Is.EqualTo("bp"));
        var fit = InverseIsing.Fit(Four, 2, new InverseFitOptions { Method = InverseMethod.MeanField, L2 = 0.25 });
        var doc = InverseFitJson.From(fit, "mf", 4, 2, "m.json");
        Assert.That(doc, Is.EqualTo(new InverseFitJson("mf", 4, 2, fit.RmsMomentError, "exact", 0, 0.25, "m.json")));
    }
}
