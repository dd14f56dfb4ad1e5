using NeuralSpin.Ising;
using NeuralSpin.Numerics;
using NeuralSpin.Tests.Support;
using NUnit.Framework;

namespace NeuralSpin.Tests.Ising;

/// <summary>
/// <see cref="McDynamics.Run"/> against a reference chain written here from its definition and drawing the same
/// SplitMix stream, so the two traces agree to rounding (the library keeps the local fields up to date, the reference
/// sums them afresh): a sweep is N heat-bath updates at sites i = Next(N), s_i = +1 when a uniform draw is below
/// 1 / (1 + e^{-2 beta H_i}), H_i = h_i + sum_j J_ij s_j; recorded are sweep 0 (the reference), every RecordEvery-th sweep
/// and the last, with E(s)/N (E = -1/2 s J s - h s) and q = s.s_ref/N. <see cref="McDynamicsEnumerationTests"/> checks the
/// stationary law; this pins the schedule (updates per sweep, recorded sweeps) that the law does not see.
/// </summary>
public class McDynamicsReferenceTests
{
    static List<McDynamicsPoint> Reference(IsingModel model, sbyte[] reference, int sweeps, double beta, int seed, int recordEvery)
    {
        int n = model.Size;
        var rng = new SplitMixSource(seed);
        var s = (sbyte[])reference.Clone();
        var trace = new List<McDynamicsPoint>();
        void Record(int sweep)
        {
            double e = 0, q = 0;
            for (int i = 0; i < n; i++)
            {
                q += s[i] * reference[i];
                e -= model.Field(i) * s[i];
                for (int j = 0; j < n; j++) e -= 0.5 * s[i] * model.Coupling(i, j) * s[j];
            }
            trace.Add(new McDynamicsPoint(sweep, e / n, q / n, double.NaN));
        }
        Record(0);
        for (int sweep = 1; sweep <= sweeps; sweep++)
        {
            for (int step = 0; step < n; step++)
            {
                int i = rng.Next(n);
                double h = model.Field(i);
                for (int j = 0; j < n; j++) h += model.Coupling(i, j) * s[j];
                s[i] = rng.NextDouble() < 1 / (1 + Math.Exp(-2 * beta * h)) ? (sbyte)1 : (sbyte)-1;
            }
            if (sweep % recordEvery == 0 || sweep == sweeps) Record(sweep);
        }
        return trace;
    }

    /// <summary>A 9-spin SK model with fields (seed 5201, model beta 0.8) run at its own beta and at another one given in the
    /// options, recording every sweep and every third (7 sweeps: 0, 3, 6 and the last, 7).</summary>
    [TestCase(null, 1, TestName = "McDynamics: the model's beta, every sweep recorded")]
    [TestCase(0.35, 3, TestName = "McDynamics: beta from the options, every third sweep and the last")]
    public void Trace_EqualsAReferenceChain_DrawForDraw(double? beta, int recordEvery)
    {
        var model = BpTestSupport.Sk(new Random(5201), 9, 1.2, 0.5, 0.8);
        sbyte[] reference = [1, 1, -1, 1, -1, -1, 1, -1, 1];
        var seen = new List<sbyte[]>();
        var trace = McDynamics.Run(model, reference, new McDynamicsOptions
        {
            Sweeps = 7, Beta = beta, Seed = 5202, RecordEvery = recordEvery,
            // the observer gets a copy: scribbling on it must not disturb the chain
            Observer = s => { seen.Add((sbyte[])s.Clone()); double v = s.Count(x => x == 1); Array.Fill(s, (sbyte)1); return v; },
        });
        var expected = Reference(model, reference, 7, beta ?? 0.8, 5202, recordEvery);
        Assert.That(trace.Select(p => p.Sweep), Is.EqualTo(expected.Select(p => p.Sweep)), "recorded sweeps");
        for (int k = 0; k < expected.Count; k++)
        {
            string at = $"sweep {expected[k].Sweep}";
            NumericAssert.AreEqualAbsolute(expected[k].EnergyPerSpin, trace[k].EnergyPerSpin, 1e-12, $"E/N, {at}");
            NumericAssert.AreEqualAbsolute(expected[k].Overlap, trace[k].Overlap, 1e-15, $"q, {at}");
            Assert.That(trace[k].Observed, Is.EqualTo(seen[k].Count(x => x == 1)), $"observer value, {at}");
            Assert.That(seen[k].Zip(reference, (a, b) => (double)(a * b)).Sum() / 9, Is.EqualTo(trace[k].Overlap), $"the observer saw the recorded configuration, {at}");
        }
        Assert.That(trace.Select(p => p.Overlap).Distinct().Count(), Is.GreaterThan(2), "the chain moves");
    }
}
