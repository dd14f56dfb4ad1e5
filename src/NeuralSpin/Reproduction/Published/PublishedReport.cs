using System.Globalization;
using System.Text;
using NeuralSpin.Ising;
using NeuralSpin.Reporting;

namespace NeuralSpin.Reproduction.Published;

/// <summary>report.md of <see cref="PublishedPipeline"/>.</summary>
public static class PublishedReport
{
    static string F(double v, string fmt = "F4") => double.IsFinite(v) ? v.ToString(fmt, CultureInfo.InvariantCulture) : "n/a";

    /// <summary>Which reference sets get a landscape (<see cref="PublishedOptions.LandscapeSets"/>), in words.</summary>
    public static string Coverage(PublishedOptions o)
    {
        ArgumentNullException.ThrowIfNull(o);
        string sets = string.Join(", ", o.ReferenceSets);
        const string beyond = "no landscape beyond: there s(0) is the Bethe entropy at x = 0";
        if (o.AllReferencesUpTo >= o.LandscapeUpTo)
            return o.LandscapeUpTo == int.MaxValue ? $"{sets} for every model" : FormattableString.Invariant($"{sets} for models of at most {o.LandscapeUpTo} spins, {beyond}");
        return o.LandscapeUpTo == int.MaxValue
            ? FormattableString.Invariant($"{sets} for models of at most {o.AllReferencesUpTo} spins, Em only beyond")
            : FormattableString.Invariant($"{sets} for models of at most {o.AllReferencesUpTo} spins, Em only up to {o.LandscapeUpTo} spins, {beyond}");
    }

    /// <summary>The Markdown report.</summary>
    public static string Render(PublishedResult r, IReadOnlyList<Paper2Claim> claims, IReadOnlyList<PlotFile> plots)
    {
        ArgumentNullException.ThrowIfNull(r);
        ArgumentNullException.ThrowIfNull(claims);
        ArgumentNullException.ThrowIfNull(plots);
        var o = r.Options;
        var sb = new StringBuilder();
        sb.AppendLine("# Paper 2 on the authors' published models").AppendLine();
        sb.AppendLine("The Ising models, data moments, reference configurations and PCA test set that the authors of P2 (Zou and Huang) published, analysed with the project's machinery (`reproduce paper2 --published`). Nothing is fitted to our own ensembles here: this separates \"is our analysis right?\" from \"are our ensembles like theirs?\".").AppendLine();
        sb.AppendLine(FormattableString.Invariant($"Environment: {Environment.ProcessorCount} cores, .NET {Environment.Version}, seed {o.Seed}; total {r.Elapsed.TotalMinutes:F1} min."));
        sb.AppendLine();
        if (r.Missing.Count > 0) sb.AppendLine($"Absent from the directory (not analysed): {string.Join(", ", r.Missing.Select(m => $"`{m}`"))}.").AppendLine();
        foreach (var (folder, diff) in r.ReferenceAccuracyCheck)
            sb.AppendLine($"Reference check ({folder}): the published test accuracies of the reference configurations and ours on the published PCA test set (first 20 features) differ by at most {F(diff, "G3")}.");
        sb.AppendLine();
        sb.AppendLine($"## Settings ({o.Mode} coverage)").AppendLine();
        sb.AppendLine(FormattableString.Invariant($"Landscape: x from {o.LandscapeXs[0]} to {o.LandscapeXs[^1]} ({o.LandscapeXs.Count} points), BP (undamped, tolerance 1e-8, at most {o.BpMaxIterations} sweeps per point, {o.BpTotalMessageUpdates:G3} message updates per landscape) swept up then down with warm-started messages, around the first configuration of each published set ({Coverage(o)}; a configuration drawn by {o.DrawnReferenceSweeps} heat-bath sweeps where no reference is published); the annealed MC landscape ({o.McLandscapeBurnIn} + {o.McLandscapeMeasure} heat-bath sweeps per x) where BP leaves the verdict unresolved. TAP: {o.TapStarts} random starts, at most {o.TapMaxIterations} iterations. MC dynamics: {o.McSweeps} heat-bath sweeps from the Em reference, the test accuracy of the whole network (other layers at the reference) every {o.McRecordEvery}. Boltzmann learning: BP moments (warm-started), initial eta {o.Boltzmann.Eta} with step-size control (halved on a step that does not lower the moment deviation, times 1.2 otherwise), at most {o.Boltzmann.MaxSteps} moment evaluations, from independent spins (J = 0, h = atanh m)."));
        sb.AppendLine();
        sb.AppendLine(LandscapeVerdict.Describe()).AppendLine();
        sb.AppendLine("## Claims").AppendLine();
        sb.AppendLine("| id | claim | obtained | paper | verdict | note |");
        sb.AppendLine("| --- | --- | --- | --- | --- | --- |");
        foreach (var c in claims)
            sb.AppendLine($"| {c.Id} | {c.Claim} | {Cell(c.Obtained)} | {c.Paper} | {(c.Holds == false ? "**not reproduced**" : c.Verdict)} | {Cell(c.Note)} |");
        sb.AppendLine();
        sb.AppendLine("## Models").AppendLine();
        sb.AppendLine("| model | method | spins | Bethe f/N | Bethe s/N | verdict | max hysteresis | s(0) | s(0)/ln 2 | d(0) | TAP converged | TAP fixed points | TAP peaks | MC final overlap | accuracy start -> end | time |");
        sb.AppendLine("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |");
        foreach (var m in r.Models)
        {
            var d = m.Dynamics;
            sb.AppendLine($"| {m.Model.Id} | {(m.Model.Method == "bm" ? "Boltzmann (BP)" : "pseudolikelihood")} | {m.Model.Model.Size} | {F(m.BetheFreeEnergyPerSpin)}{(m.BetheConverged ? "" : " (BP not converged)")} | {F(m.BetheEntropyPerSpin)} | {LandscapeVerdict.NameOf(PublishedClaims.Verdict(m))} | {F(m.MaxHysteresis, "G3")} | {F(m.EntropyAtZero)} | {F(m.EntropyAtZero / Math.Log(2), "F3")} | {F(m.DistanceAtZero, "F3")} | {m.Tap.Search.Converged}/{m.Tap.Search.Converged + m.Tap.Search.NotConverged} | {m.Tap.Search.FixedPoints.Count} | {m.Tap.Peaks} | {(d is null ? "-" : F(d.Trace[^1].Overlap, "F3"))} | {(d is null ? "-" : $"{F(d.Trace[0].Observed, "F3")} -> {F(d.Trace[^1].Observed, "F3")}")} | {F(m.Seconds, "F0")} s |");
        }
        sb.AppendLine();
        sb.AppendLine("### Landscapes").AppendLine();
        sb.AppendLine("| model | reference | verdict | reason | BP converged | MC run | s(0) | d(0) | time |");
        sb.AppendLine("| --- | --- | --- | --- | --- | --- | --- | --- | --- |");
        foreach (var m in r.Models)
            foreach (var l in m.Landscapes)
                sb.AppendLine($"| {m.Model.Id} | {l.ReferenceLabel} | {l.Verdict.Name} | {Cell(l.Verdict.Reason)} | {F(100 * l.Verdict.ConvergedFraction, "F0")} % | {(l.Mc is null ? "no" : "yes")} | {F(l.EntropyAtZero)} | {F(l.DistanceAtZero, "F3")} | {F(l.Seconds, "F0")} s |");
        sb.AppendLine();
        sb.AppendLine("### Boltzmann learning from the published data moments").AppendLine();
        sb.AppendLine("Our model learned with BP moments from the matching block of the authors' `mi_data`/`Ca_data`, against their published J and h: the correlation and RMS difference of the couplings (i < j) and fields, the RMS deviation of the BP moments of each model from the data moments (N magnetizations and N(N-1)/2 correlations), and the Bethe free energy per spin of each. Ours is given at the BP fixed point the learning followed (warm-started from step to step) and, in the next column, from uniform messages: where the two differ, BP has several fixed points on our model and the learning matched the moments of one of them.").AppendLine();
        sb.AppendLine("| model | accepted steps | converged | J correlation | J RMS diff | h RMS diff | moment RMS start -> ours | ours from uniform messages (f/N, sweeps) | moment RMS theirs | Bethe f/N ours | Bethe f/N theirs | time |");
        sb.AppendLine("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |");
        foreach (var m in r.Models.Where(m => m.Boltzmann is not null))
        {
            var b = m.Boltzmann!;
            sb.AppendLine($"| {m.Model.Id} | {b.Steps} | {b.Converged} | {F(b.CouplingCorrelation, "F3")} | {F(b.CouplingRms, "G3")} | {F(b.FieldRms, "G3")} | {F(b.InitialMomentRms, "G3")} -> {F(b.MomentRmsLearned, "G3")} | {F(b.ColdStart.MomentRms, "G3")} ({F(b.ColdStart.BetheFreeEnergy)}, {b.ColdStart.Sweeps}{(b.ColdStart.Converged ? "" : ", not converged")}) | {F(b.MomentRmsPublished, "G3")}{(b.PublishedBpConverged ? "" : " (BP not converged)")} | {F(b.BetheFreeEnergyLearned)} | {F(b.BetheFreeEnergyPublished)} | {F(b.Seconds, "F0")} s |");
        }
        sb.AppendLine();
        sb.AppendLine("## Plots").AppendLine();
        foreach (var p in plots) sb.AppendLine($"![{p.Description}](plots/{p.Name})").AppendLine();
        return sb.ToString();
    }

    static string Cell(string s) => s.Replace("|", "\\|", StringComparison.Ordinal).Replace("\n", " ", StringComparison.Ordinal);
}
