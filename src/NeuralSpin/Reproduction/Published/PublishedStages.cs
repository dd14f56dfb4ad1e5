using System.Diagnostics;
using NeuralSpin.Ising;
using NeuralSpin.Ising.Inverse;

namespace NeuralSpin.Reproduction.Published;

/// <summary>Settings of <see cref="BoltzmannStage"/>.</summary>
/// <param name="Eta">Initial learning rate (controlled: halved on a rejected step, times 1.2 on an accepted one).</param>
/// <param name="MaxSteps">Budget of BP moment evaluations (accepted and rejected steps).</param>
/// <param name="Tolerance">Stop once the RMS moment deviation is below this.</param>
public sealed record BoltzmannStageOptions(double Eta = 0.02, int MaxSteps = 20, double Tolerance = 1e-4);

/// <summary>Result of <see cref="BoltzmannStage"/>: our model learned from the published data moments against the published one.</summary>
/// <param name="Learned">Our model.</param>
/// <param name="Steps">Accepted steps (of at most <see cref="BoltzmannStageOptions.MaxSteps"/> evaluations).</param>
/// <param name="InitialMomentRms">RMS moment deviation of the independent-spin start.</param>
/// <param name="Converged">Whether the tolerance was met.</param>
/// <param name="CouplingCorrelation">Pearson correlation of J_ij (i &lt; j), ours vs theirs.</param>
/// <param name="CouplingRms">RMS of J_ij^ours - J_ij^theirs (i &lt; j).</param>
/// <param name="FieldRms">RMS of h_i^ours - h_i^theirs.</param>
/// <param name="MomentRmsLearned">RMS deviation (<see cref="BoltzmannLearning.RmsDeviation"/>) from the data moments of our model's BP moments at the
/// fixed point the learning followed (BP warm-started from the last accepted step's messages): the deviation the learning lowered.</param>
/// <param name="MomentRmsPublished">The same for the published model (BP from uniform messages, <see cref="BoltzmannStage.FinalBp"/>).</param>
/// <param name="BetheFreeEnergyLearned">Bethe free energy per spin of our model at the followed fixed point.</param>
/// <param name="BetheFreeEnergyPublished">Bethe free energy per spin of the published model.</param>
/// <param name="Seconds">Wall time.</param>
/// <param name="ColdStart">Our model's BP from uniform messages (<see cref="BoltzmannStage.FinalBp"/>): on a model with several BP fixed points it can
/// converge to another one than the learning followed, whose moments then deviate more.</param>
/// <param name="PublishedBpConverged">Whether the published model's BP converged within <see cref="BoltzmannStage.FinalBp"/>.</param>
public sealed record BoltzmannStageResult(IsingModel Learned, int Steps, double InitialMomentRms, bool Converged, double CouplingCorrelation, double CouplingRms, double FieldRms,
    double MomentRmsLearned, double MomentRmsPublished, double BetheFreeEnergyLearned, double BetheFreeEnergyPublished, double Seconds,
    BpFixedPointSummary ColdStart, bool PublishedBpConverged);

/// <summary>One BP run of a learned model judged against the data moments.</summary>
/// <param name="Converged">Whether BP converged within its sweep budget (if not, the other fields are those of the last sweep).</param>
/// <param name="Sweeps">Sweeps used.</param>
/// <param name="MomentRms">RMS deviation of its moments from the data moments.</param>
/// <param name="BetheFreeEnergy">Bethe free energy per spin.</param>
public sealed record BpFixedPointSummary(bool Converged, int Sweeps, double MomentRms, double BetheFreeEnergy);

/// <summary>
/// Boltzmann learning with BP moments (P2 5, 14-16; docs/theory.md section 7) from published data moments, compared with the
/// published model. Starts from independent spins (J = 0, h_i = atanh m_i, which already matches the magnetizations); every step's BP
/// is warm-started from the previous accepted step's messages, and the step size is controlled so that the moment deviation decreases
/// monotonically (BP of a model with two states can jump between fixed points under a fixed step).
/// </summary>
public static class BoltzmannStage
{
    /// <summary>BP of the moments: damping 0.5, tolerance 1e-7 (moments to ~1e-7, far below the 1e-2 deviations compared), at most 200 sweeps (a step whose BP does not converge is rejected).</summary>
    public static BpOptions Bp => new() { Damping = 0.5, Tolerance = 1e-7, MaxIterations = 200 };

    /// <summary>Revision of the stage's computation, part of its cache fingerprint (<see cref="PublishedStageCache"/>): 2 reports the followed BP fixed point and the cold start apart.</summary>
    public const int Revision = 2;

    /// <summary>
    /// BP of the final comparisons from uniform messages (the published model, and our model's cold start): as <see cref="Bp"/> with 5000 sweeps,
    /// since from uniform messages damped BP on these dense models can need over a thousand sweeps where a warm start needs tens.
    /// </summary>
    public static BpOptions FinalBp => Bp with { MaxIterations = 5000 };

    /// <summary>Runs the stage.</summary>
    public static BoltzmannStageResult Run(IsingModel published, double[] dataM, double[] dataC, BoltzmannStageOptions options)
    {
        ArgumentNullException.ThrowIfNull(published);
        ArgumentNullException.ThrowIfNull(options);
        var sw = Stopwatch.StartNew();
        int n = published.Size;
        var h0 = dataM.Select(m => Math.Atanh(Math.Clamp(m, -1 + 1e-6, 1 - 1e-6))).ToArray();
        var start = new IsingModel(n, new double[(long)n * n], h0);
        BpMessages? messages = null;
        (double[] M, double[] C, bool Converged) Moments(IsingModel model)
        {
            // warm start from the previous accepted step's messages when the coupling graph is unchanged (the complete graph after step one)
            BpResult bp;
            try { bp = BeliefPropagation.Run(model, Bp with { InitialMessages = messages is { Count: > 0 } ? messages : null }); }
            catch (ArgumentException) { bp = BeliefPropagation.Run(model, Bp); }
            var (m, c) = ModelMoments.FromBp(bp);
            if (bp.Converged) messages = bp.Messages;
            return (m, c, bp.Converged);
        }
        // gradient ascent on the likelihood (the update of BoltzmannLearning.Fit) with step-size control: a step that does not lower
        // the RMS moment deviation, or whose BP does not converge, is undone and eta halved; an accepted step grows eta by 1.2
        var model = start;
        var (mm, mc, _) = Moments(model);
        double rms = BoltzmannLearning.RmsDeviation(dataM, dataC, mm, mc, n), initialRms = rms, eta = options.Eta;
        int evaluations = 0, accepted = 0;
        while (evaluations < options.MaxSteps && rms > options.Tolerance && eta > 1e-8)
        {
            var j = model.CouplingsCopy();
            var h = model.FieldsCopy();
            for (int p = 0; p < n; p++)
            {
                h[p] += eta * (dataM[p] - mm[p]);
                for (int q = p + 1; q < n; q++)
                {
                    double v = j[(long)p * n + q] + eta * (dataC[(long)p * n + q] - mc[(long)p * n + q]);
                    j[(long)p * n + q] = v; j[(long)q * n + p] = v;
                }
            }
            var trial = new IsingModel(n, j, h);
            var savedMessages = messages;
            var (tm, tc, ok) = Moments(trial);
            double trialRms = BoltzmannLearning.RmsDeviation(dataM, dataC, tm, tc, n);
            evaluations++;
            if (ok && trialRms < rms) { model = trial; (mm, mc, rms) = (tm, tc, trialRms); eta *= 1.2; accepted++; }
            else { messages = savedMessages; eta /= 2; }
        }
        var learned = model;
        // the fixed point the learning followed: BP warm-started from the last accepted messages (it reproduces the accepted moments)
        var bpOurs = BeliefPropagation.Run(learned, FinalBp with { InitialMessages = messages is { Count: > 0 } ? messages : null });
        var (om, oc) = ModelMoments.FromBp(bpOurs);
        double learnedRms = BoltzmannLearning.RmsDeviation(dataM, dataC, om, oc, n);
        var bpCold = BeliefPropagation.Run(learned, FinalBp);
        var (cm, cc) = ModelMoments.FromBp(bpCold);
        var cold = new BpFixedPointSummary(bpCold.Converged, bpCold.Iterations, BoltzmannLearning.RmsDeviation(dataM, dataC, cm, cc, n), bpCold.FreeEnergyPerSpin);
        var bpPub = BeliefPropagation.Run(published, FinalBp);
        var (pm, pc) = ModelMoments.FromBp(bpPub);
        var a = new List<double>();
        var b = new List<double>();
        for (int i = 0; i < n; i++)
            for (int j = i + 1; j < n; j++) { a.Add(learned.Coupling(i, j)); b.Add(published.Coupling(i, j)); }
        double fieldRms = Math.Sqrt(Enumerable.Range(0, n).Average(i => Math.Pow(learned.Field(i) - published.Field(i), 2)));
        return new BoltzmannStageResult(learned, accepted, initialRms, learnedRms <= options.Tolerance, Pearson(a, b), Math.Sqrt(a.Zip(b, (x, y) => (x - y) * (x - y)).Average()), fieldRms,
            learnedRms, BoltzmannLearning.RmsDeviation(dataM, dataC, pm, pc, n),
            bpOurs.FreeEnergyPerSpin, bpPub.FreeEnergyPerSpin, sw.Elapsed.TotalSeconds, cold, bpPub.Converged);
    }

    /// <summary>Pearson correlation (NaN when either side is constant).</summary>
    public static double Pearson(IReadOnlyList<double> a, IReadOnlyList<double> b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        int n = a.Count;
        if (n != b.Count || n < 2) return double.NaN;
        double ma = a.Average(), mb = b.Average(), sab = 0, saa = 0, sbb = 0;
        for (int k = 0; k < n; k++) { sab += (a[k] - ma) * (b[k] - mb); saa += (a[k] - ma) * (a[k] - ma); sbb += (b[k] - mb) * (b[k] - mb); }
        return saa > 0 && sbb > 0 ? sab / Math.Sqrt(saa * sbb) : double.NaN;
    }
}
