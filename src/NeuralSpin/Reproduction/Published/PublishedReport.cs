using System.Globalization;
using System.Text;
using NeuralSpin.Ising;
using NeuralSpin.Reporting;
using ScottPlot;

namespace NeuralSpin.Reproduction.Published;

/// <summary>report.md of <see cref="PublishedPipeline"/>.</summary>
public static class PublishedReport
{
    static string F(double v, string fmt = "F4") => double.IsFinite(v) ? v.ToString(fmt, CultureInfo.InvariantCulture) : "n/a";

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
        sb.AppendLine("## Settings").AppendLine();
        sb.AppendLine(FormattableString.Invariant($"Landscape: x from {o.LandscapeXs[0]} to {o.LandscapeXs[^1]} ({o.LandscapeXs.Count} points), BP (undamped, tolerance 1e-8, at most {o.BpMaxIterations} sweeps per point, {o.BpTotalMessageUpdates:G3} message updates per landscape) swept up then down with warm-started messages, around the first configuration of each published set ({string.Join(", ", o.ReferenceSets)} for models of at most {o.AllReferencesUpTo} spins, Em only up to {o.LandscapeUpTo} spins, no landscape beyond: there s(0) is the Bethe entropy at x = 0; a configuration drawn by {o.DrawnReferenceSweeps} heat-bath sweeps where no reference is published); the annealed MC landscape ({o.McLandscapeBurnIn} + {o.McLandscapeMeasure} heat-bath sweeps per x) where BP leaves the verdict unresolved. TAP: {o.TapStarts} random starts, at most {o.TapMaxIterations} iterations. MC dynamics: {o.McSweeps} heat-bath sweeps from the Em reference, the test accuracy of the whole network (other layers at the reference) every {o.McRecordEvery}. Boltzmann learning: BP moments (warm-started), initial eta {o.Boltzmann.Eta} with step-size control (halved on a step that does not lower the moment deviation, times 1.2 otherwise), at most {o.Boltzmann.MaxSteps} moment evaluations, from independent spins (J = 0, h = atanh m)."));
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
        sb.AppendLine("Our model learned with BP moments from the matching block of the authors' `mi_data`/`Ca_data`, against their published J and h: the correlation and RMS difference of the couplings (i < j) and fields, the RMS deviation of the BP moments of each model from the data moments (N magnetizations and N(N-1)/2 correlations), and the Bethe free energy per spin of each.").AppendLine();
        sb.AppendLine("| model | accepted steps | converged | J correlation | J RMS diff | h RMS diff | moment RMS start -> ours | moment RMS theirs | Bethe f/N ours | Bethe f/N theirs | time |");
        sb.AppendLine("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |");
        foreach (var m in r.Models.Where(m => m.Boltzmann is not null))
        {
            var b = m.Boltzmann!;
            sb.AppendLine($"| {m.Model.Id} | {b.Steps} | {b.Converged} | {F(b.CouplingCorrelation, "F3")} | {F(b.CouplingRms, "G3")} | {F(b.FieldRms, "G3")} | {F(b.InitialMomentRms, "G3")} -> {F(b.MomentRmsLearned, "G3")} | {F(b.MomentRmsPublished, "G3")} | {F(b.BetheFreeEnergyLearned)} | {F(b.BetheFreeEnergyPublished)} | {F(b.Seconds, "F0")} s |");
        }
        sb.AppendLine();
        sb.AppendLine("## Plots").AppendLine();
        foreach (var p in plots) sb.AppendLine($"![{p.Description}](plots/{p.Name})").AppendLine();
        return sb.ToString();
    }

    static string Cell(string s) => s.Replace("|", "\\|", StringComparison.Ordinal).Replace("\n", " ", StringComparison.Ordinal);
}

/// <summary>The figures of <see cref="PublishedPipeline"/> (ScottPlot PNGs).</summary>
public static class PublishedPlots
{
    /// <summary>s(d), d(x), TAP histograms, MC dynamics, and our couplings against the published ones.</summary>
    public static IReadOnlyList<PlotFile> Render(PublishedResult r)
    {
        ArgumentNullException.ThrowIfNull(r);
        return
        [
            new("entropy_landscape.png", EntropyVsDistance(r), "Entropy s(d) around the Em reference (BP, converged points; up sweep lines, down sweep markers) with the bound"),
            new("distance_vs_x.png", DistanceVsX(r), "d(x) up and down sweeps around the Em reference (BP, converged points)"),
            new("tap_free_energy.png", Tap(r), "TAP free energies per spin of converged starts"),
            new("mc_dynamics.png", Dynamics(r), "MC dynamics from the Em reference: overlap (solid) and test accuracy (dashed)"),
            new("boltzmann_couplings.png", Couplings(r), "Our Boltzmann-learned couplings against the published ones"),
        ];
    }

    static Color ColorOf(int k) => Figures.Palette[k % Figures.Palette.Length];

    static LandscapeStageResult? Em(PublishedModelResult m) => m.Landscapes.FirstOrDefault(l => l.ReferenceLabel.StartsWith("Em", StringComparison.Ordinal)) ?? m.Landscapes.FirstOrDefault();

    static void Line(Plot plot, IEnumerable<(double X, double Y)> pts, Color c, string? legend, LinePattern? pattern = null, bool markersOnly = false)
    {
        var p = pts.Where(q => double.IsFinite(q.X) && double.IsFinite(q.Y)).ToArray();
        if (p.Length == 0) return;
        var sc = plot.Add.Scatter(p.Select(q => q.X).ToArray(), p.Select(q => q.Y).ToArray(), c);
        if (legend is not null) sc.LegendText = legend;
        if (markersOnly) { sc.LineWidth = 0; sc.MarkerShape = MarkerShape.OpenCircle; sc.MarkerSize = 5; }
        else sc.MarkerSize = 0;
        if (pattern is { } lp) sc.LinePattern = lp;
    }

    static byte[] EntropyVsDistance(PublishedResult r)
    {
        var plot = Figures.NewPlot("Entropy landscape s(d) of the published models", "distance d", "entropy per weight s (nats)");
        var bx = Enumerable.Range(1, 199).Select(i => i / 200.0).ToArray();
        Line(plot, bx.Select(d => (d, EntropyLandscape.BinaryEntropy(d))), Colors.Gray, "bound");
        for (int k = 0; k < r.Models.Count; k++)
            if (Em(r.Models[k]) is { } l)
            {
                Line(plot, l.Bp.Up.Where(p => p.Converged).Select(p => (p.Distance, p.EntropyDensity)), ColorOf(k), r.Models[k].Model.Id);
                Line(plot, l.Bp.Down.Where(p => p.Converged).Select(p => (p.Distance, p.EntropyDensity)), ColorOf(k), null, markersOnly: true);
            }
        plot.ShowLegend(Alignment.UpperLeft);
        return Figures.Png(plot);
    }

    static byte[] DistanceVsX(PublishedResult r)
    {
        var plot = Figures.NewPlot("Distance to the reference vs coupling field x", "coupling field x", "distance d");
        for (int k = 0; k < r.Models.Count; k++)
            if (Em(r.Models[k]) is { } l)
            {
                Line(plot, l.Bp.Up.Where(p => p.Converged).Select(p => (p.X, p.Distance)), ColorOf(k), $"{r.Models[k].Model.Id} ({l.Verdict.Name})");
                Line(plot, l.Bp.Down.Where(p => p.Converged).Select(p => (p.X, p.Distance)), ColorOf(k), null, markersOnly: true);
            }
        plot.ShowLegend(Alignment.UpperRight);
        return Figures.Png(plot);
    }

    static byte[] Tap(PublishedResult r)
    {
        var plot = Figures.NewPlot("TAP free energy per spin of converged random starts", "f_TAP / N", "fraction of starts");
        for (int k = 0; k < r.Models.Count; k++)
        {
            var f = r.Models[k].Tap.Search.StartFreeEnergiesPerSpin.Where(double.IsFinite).ToArray();
            if (f.Length == 0) continue;
            double lo = f.Min(), hi = f.Max();
            if (hi - lo < 1e-6) { lo -= 0.005; hi += 0.005; }
            const int bins = 30;
            var counts = new double[bins];
            foreach (var v in f) counts[Math.Min(bins - 1, (int)((v - lo) / (hi - lo) * bins))]++;
            var pts = new List<(double, double)>();
            for (int b = 0; b < bins; b++)
            {
                pts.Add((lo + (hi - lo) * b / bins, counts[b] / f.Length));
                pts.Add((lo + (hi - lo) * (b + 1) / bins, counts[b] / f.Length));
            }
            Line(plot, pts, ColorOf(k), $"{r.Models[k].Model.Id} ({r.Models[k].Tap.Peaks} peak{(r.Models[k].Tap.Peaks == 1 ? "" : "s")})");
        }
        plot.ShowLegend(Alignment.UpperRight);
        return Figures.Png(plot);
    }

    static byte[] Dynamics(PublishedResult r)
    {
        var plot = Figures.NewPlot("Heat-bath MC dynamics from the Em reference", "MC sweeps", "overlap q / test accuracy");
        for (int k = 0; k < r.Models.Count; k++)
            if (r.Models[k].Dynamics is { } d)
            {
                Line(plot, d.Trace.Select(t => ((double)t.Sweep, t.Overlap)), ColorOf(k), $"{r.Models[k].Model.Id} q");
                Line(plot, d.Trace.Select(t => ((double)t.Sweep, t.Observed)), ColorOf(k), null, LinePattern.Dashed);
            }
        plot.ShowLegend(Alignment.LowerLeft);
        return Figures.Png(plot);
    }

    static byte[] Couplings(PublishedResult r)
    {
        var plot = Figures.NewPlot("Boltzmann learning from the published moments: our J_ij vs the published J_ij", "published J_ij", "our J_ij");
        double lo = 0, hi = 0;
        for (int k = 0; k < r.Models.Count; k++)
        {
            if (r.Models[k].Boltzmann is not { } b) continue;
            var pub = r.Models[k].Model.Model;
            int n = pub.Size, stride = Math.Max(1, n * (n - 1) / 2 / 3000);
            var pts = new List<(double, double)>();
            int idx = 0;
            for (int i = 0; i < n; i++)
                for (int j = i + 1; j < n; j++, idx++)
                    if (idx % stride == 0) pts.Add((pub.Coupling(i, j), b.Learned.Coupling(i, j)));
            lo = Math.Min(lo, pts.Min(p => Math.Min(p.Item1, p.Item2)));
            hi = Math.Max(hi, pts.Max(p => Math.Max(p.Item1, p.Item2)));
            Line(plot, pts, ColorOf(k), FormattableString.Invariant($"{r.Models[k].Model.Id} (r = {b.CouplingCorrelation:F2})"), markersOnly: true);
        }
        Line(plot, [(lo, lo), (hi, hi)], Colors.Gray, "y = x", LinePattern.Dashed);
        plot.ShowLegend(Alignment.UpperLeft);
        return Figures.Png(plot);
    }
}
