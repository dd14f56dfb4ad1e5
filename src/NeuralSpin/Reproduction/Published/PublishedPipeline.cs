using System.Diagnostics;
using System.Globalization;
using System.Text;
using NeuralSpin.IO;
using NeuralSpin.Ising;
using NeuralSpin.Numerics;
using NeuralSpin.Reporting;

namespace NeuralSpin.Reproduction.Published;

/// <summary>Settings of <see cref="PublishedPipeline"/>; the defaults are those of <c>reproduce paper2 --published</c>.</summary>
public sealed record PublishedOptions
{
    /// <summary>Coupling-field grid of the landscapes (a first look: -1 to 3 in steps of 0.1).</summary>
    public IReadOnlyList<double> LandscapeXs { get; init; } = Paper2Options.Grid(-1.0, 3.0, 0.1);

    /// <summary>Reference sets (first row of each) of models with at most <see cref="AllReferencesUpTo"/> spins.</summary>
    public IReadOnlyList<string> ReferenceSets { get; init; } = PublishedRepository.ReferenceSets;

    /// <summary>Models with more spins take the landscape around the Em reference only (a 300-spin landscape costs about two minutes here).</summary>
    public int AllReferencesUpTo { get; init; } = 200;

    /// <summary>Models with more spins get no landscape (the 675-weight pseudolikelihood models: about ten minutes each); their s(0) is the Bethe entropy.</summary>
    public int LandscapeUpTo { get; init; } = 300;

    /// <summary>BP of the landscape: undamped, tolerance 1e-8, at most this many sweeps per point.</summary>
    public int BpMaxIterations { get; init; } = 1000;

    /// <summary>BP message updates allowed for one landscape (sweeps times N(N-1)), as in <see cref="Paper2Options.BpTotalMessageUpdates"/>.</summary>
    public long BpTotalMessageUpdates { get; init; } = 1_000_000_000;

    /// <summary>MC landscape (where BP does not settle the verdict): burn-in sweeps per x.</summary>
    public int McLandscapeBurnIn { get; init; } = 200;

    /// <summary>MC landscape: measured sweeps per x.</summary>
    public int McLandscapeMeasure { get; init; } = 1000;

    /// <summary>TAP random starts.</summary>
    public int TapStarts { get; init; } = 60;

    /// <summary>TAP iteration budget per start.</summary>
    public int TapMaxIterations { get; init; } = 1000;

    /// <summary>MC dynamics: sweeps.</summary>
    public int McSweeps { get; init; } = 300;

    /// <summary>MC dynamics: record every this many sweeps.</summary>
    public int McRecordEvery { get; init; } = 10;

    /// <summary>Heat-bath sweeps from a random start that draw a reference for a scenario without published references (Fashion-MNIST).</summary>
    public int DrawnReferenceSweeps { get; init; } = 200;

    /// <summary>Boltzmann learning settings.</summary>
    public BoltzmannStageOptions Boltzmann { get; init; } = new();

    /// <summary>Master seed.</summary>
    public long Seed { get; init; } = 1;

    /// <summary>"default" or "full" (names the coverage in the report).</summary>
    public string Mode { get; init; } = "default";

    /// <summary>
    /// Full coverage (<c>reproduce paper2 --published DIR --full</c>): the landscape around the first configuration of every
    /// reference set (El, Em, Eh) for every model, the 675-weight pseudolikelihood models included, with ten times the BP
    /// message budget per landscape (1e10: about 20 sweeps per grid point of a 675-spin model), and Boltzmann learning up to
    /// 200 moment evaluations. Several hours on 2 cores.
    /// </summary>
    public static PublishedOptions Full => new()
    {
        Mode = "full",
        AllReferencesUpTo = int.MaxValue,
        LandscapeUpTo = int.MaxValue,
        BpTotalMessageUpdates = 10_000_000_000,
        Boltzmann = new BoltzmannStageOptions(MaxSteps: 200),
    };

    /// <summary>
    /// The reference sets whose landscape a model of <paramref name="n"/> spins gets: all of <see cref="ReferenceSets"/> up to
    /// <see cref="AllReferencesUpTo"/> spins, Em only up to <see cref="LandscapeUpTo"/>, none beyond.
    /// </summary>
    public IReadOnlyList<string> LandscapeSets(int n) => n > LandscapeUpTo ? [] : n > AllReferencesUpTo ? ["Em"] : ReferenceSets;
}

/// <summary>The Bethe free energy and entropy per spin of a model at x = 0 (beta = 1), and whether its BP converged.</summary>
public sealed record BetheStageResult(double FreeEnergyPerSpin, double EntropyPerSpin, bool Converged);

/// <summary>Everything computed on one published model.</summary>
/// <param name="Model">The model.</param>
/// <param name="BetheFreeEnergyPerSpin">Bethe F/N at x = 0 (beta = 1).</param>
/// <param name="BetheEntropyPerSpin">Bethe S/N at x = 0.</param>
/// <param name="BetheConverged">Whether that BP converged.</param>
/// <param name="Landscapes">One per reference.</param>
/// <param name="Tap">TAP fixed points.</param>
/// <param name="Dynamics">MC dynamics with the test accuracy (null without references or test set).</param>
/// <param name="Boltzmann">Boltzmann learning from the data moments (null for pseudolikelihood models or without moments).</param>
/// <param name="Seconds">Wall time of the model.</param>
public sealed record PublishedModelResult(PublishedModel Model, double BetheFreeEnergyPerSpin, double BetheEntropyPerSpin, bool BetheConverged,
    IReadOnlyList<LandscapeStageResult> Landscapes, TapStageResult Tap, DynamicsStageResult? Dynamics, BoltzmannStageResult? Boltzmann, double Seconds)
{
    /// <summary>Largest BP hysteresis (degenerate x = 0 excluded) over the references.</summary>
    public double MaxHysteresis => Landscapes.Count == 0 ? double.NaN : Landscapes.Max(l => l.Verdict.MaxHysteresis);

    /// <summary>s(0) of the Em reference's landscape (else the first; the Bethe entropy at x = 0 for a model without landscape).</summary>
    public double EntropyAtZero => (Landscapes.FirstOrDefault(l => l.ReferenceLabel.StartsWith("Em", StringComparison.Ordinal)) ?? Landscapes.FirstOrDefault())?.EntropyAtZero
        ?? (BetheConverged ? BetheEntropyPerSpin : double.NaN);

    /// <summary>d(0) of the same landscape.</summary>
    public double DistanceAtZero => (Landscapes.FirstOrDefault(l => l.ReferenceLabel.StartsWith("Em", StringComparison.Ordinal)) ?? Landscapes.FirstOrDefault())?.DistanceAtZero ?? double.NaN;
}

/// <summary>The outcome of <see cref="PublishedPipeline.Run"/>.</summary>
/// <param name="Root">The directory read.</param>
/// <param name="Missing">Files of the layout that were absent.</param>
/// <param name="Models">Per model.</param>
/// <param name="ReferenceAccuracyCheck">Per scenario: the largest |published - recomputed| test accuracy over its references (NaN without a test set).</param>
/// <param name="Options">The settings.</param>
/// <param name="Elapsed">Wall time.</param>
public sealed record PublishedResult(string Root, IReadOnlyList<string> Missing, IReadOnlyList<PublishedModelResult> Models,
    IReadOnlyDictionary<string, double> ReferenceAccuracyCheck, PublishedOptions Options, TimeSpan Elapsed);

/// <summary>
/// Paper 2 on the authors' published models (<c>reproduce paper2 --published</c>; docs/theory.md section 7, "Published models"):
/// for every model found by <see cref="PublishedRepository"/>, the Bethe free energy, the entropy landscape around the published
/// reference configurations (<see cref="LandscapeStage"/>, the shared verdict rule), the TAP free-energy distribution
/// (<see cref="TapStage"/>), MC dynamics with the whole network's test accuracy (<see cref="DynamicsStage"/>) and Boltzmann learning
/// from the published data moments (<see cref="BoltzmannStage"/>); then the claims (<see cref="PublishedClaims"/>), report.md,
/// summary.json and plots.
/// </summary>
public static class PublishedPipeline
{
    /// <summary>
    /// Analyses every model of <paramref name="data"/> and writes report.md, summary.json and plots/ into <paramref name="outDir"/>.
    /// With a <paramref name="cache"/>, every stage result is read from it when it holds one computed from the same inputs and
    /// settings, and stored in it otherwise (<see cref="PublishedStageCache"/>): a rerun after an interruption continues where it
    /// stopped.
    /// </summary>
    public static PublishedResult Run(PublishedData data, PublishedOptions options, string outDir, IProgress<Paper2Progress>? progress = null,
        PublishedStageCache? cache = null)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(options);
        cache ??= new PublishedStageCache(null);
        var total = Stopwatch.StartNew();
        var results = new List<PublishedModelResult>();
        var check = new Dictionary<string, double>();
        if (data.TestSet is { } ts)
            foreach (var (folder, refs) in data.References)
            {
                var sc = data.Scenarios.Single(s => s.Folder == folder);
                check[folder] = refs.Max(r => Math.Abs(r.Accuracy - DynamicsStage.Accuracy(sc.Widths, r.Weights, ts.Examples)));
            }
        for (int index = 0; index < data.Models.Count; index++)
        {
            var pm = data.Models[index];
            var model = pm.Model;
            int n = model.Size;
            var sw = Stopwatch.StartNew();
            void Report(string stage, string message) => progress?.Report(new Paper2Progress(stage, (index + 0.5) / data.Models.Count, $"{pm.Id}: {message}"));
            ulong stream = 100UL * (ulong)(index + 1);

            var bpOptions = new BpOptions { Tolerance = 1e-8, MaxIterations = options.BpMaxIterations };
            var betheOptions = bpOptions with { MaxIterations = 5000 };
            var bethe = cache.GetOrCompute(pm.Id, "bethe", PublishedStageCache.Fingerprint(model, betheOptions), () =>
            {
                var bp = BeliefPropagation.Run(model, betheOptions);
                return new BetheStageResult(bp.FreeEnergyPerSpin, bp.EntropyPerSpin, bp.Converged);
            });
            Report("bethe", FormattableString.Invariant($"{n} spins, Bethe f = {bethe.FreeEnergyPerSpin:F4}, s = {bethe.EntropyPerSpin:F4} ({(bethe.Converged ? "converged" : "not converged")})"));

            // references: the first row of each published set, or one drawn by MC where none is published
            var references = new List<(string Label, sbyte[] Network, sbyte[] Spins)>();
            if (data.References.TryGetValue(pm.Scenario.Folder, out var refs))
            {
                foreach (var set in options.LandscapeSets(n))
                    if (refs.FirstOrDefault(r => r.Set == set) is { } r)
                        references.Add(($"{set} row {r.Row}", r.Weights, r.Weights.AsSpan(pm.Segment.Offset, pm.Segment.Count).ToArray()));
            }
            if (references.Count == 0 && !data.References.ContainsKey(pm.Scenario.Folder) && n <= options.LandscapeUpTo) references.Add(("MC draw", [], DrawReference(model, options.DrawnReferenceSweeps, unchecked((int)Seeds.Stream(options.Seed, stream + 1)))));

            var landscapes = new List<LandscapeStageResult>();
            var lo = LandscapeStage.Options(bpOptions, stuckIterations: 150, stuckDamping: 0.5, options.BpTotalMessageUpdates, n, options.LandscapeXs.Count);
            foreach (var (label, _, spins) in references)
            {
                var mcOptions = new McLandscapeOptions
                {
                    BurnInSweeps = options.McLandscapeBurnIn, MeasureSweeps = options.McLandscapeMeasure, JumpThreshold = LandscapeVerdict.JumpThreshold,
                    Seed = unchecked((int)Seeds.Stream(options.Seed, stream + 2 + (ulong)landscapes.Count)),
                };
                var input = new LandscapeStageInput(model, spins, label, options.LandscapeXs, lo, mcOptions);
                var l = cache.GetOrCompute(pm.Id, $"landscape {label}", PublishedStageCache.Fingerprint(model, spins, label, options.LandscapeXs, lo, lo.Bp, lo.StuckBp, mcOptions),
                    () => LandscapeStage.Run(input));
                landscapes.Add(l);
                Report("landscape", FormattableString.Invariant($"landscape around {label}: {l.Verdict.Name} ({l.Seconds:F0} s{(l.Mc is null ? "" : ", with MC")})"));
            }

            var tapOptions = TapStage.Options(options.TapStarts, options.TapMaxIterations, unchecked((int)Seeds.Stream(options.Seed, stream + 10)));
            var tap = cache.GetOrCompute(pm.Id, "tap", PublishedStageCache.Fingerprint(model, tapOptions), () => TapStage.Run(model, tapOptions));
            Report("tap", $"TAP: {tap.Search.Converged}/{options.TapStarts} starts converged, {tap.Search.FixedPoints.Count} fixed points, {tap.Peaks} peak(s)");

            DynamicsStageResult? dyn = null;
            var dynRef = refs?.FirstOrDefault(r => r.Set == "Em") ?? refs?.FirstOrDefault();
            if (data.TestSet is { } test && dynRef is not null)
            {
                var dynInput = new DynamicsStageInput(model, pm.Segment.Offset, pm.Scenario.Widths, dynRef.Weights, test.Examples, new McDynamicsOptions
                {
                    Sweeps = options.McSweeps, RecordEvery = options.McRecordEvery, Seed = unchecked((int)Seeds.Stream(options.Seed, stream + 20)),
                });
                dyn = cache.GetOrCompute(pm.Id, "dynamics", PublishedStageCache.Fingerprint(model, dynInput.Offset, dynInput.Widths, dynInput.Reference,
                    dynInput.TestSet.X, dynInput.TestSet.Y, dynInput.TestSet.Features, dynInput.Options), () => DynamicsStage.Run(dynInput));
                Report("dynamics", FormattableString.Invariant($"MC dynamics: overlap {dyn.Trace[^1].Overlap:F3}, accuracy {dyn.Trace[0].Observed:F3} -> {dyn.Trace[^1].Observed:F3}"));
            }

            BoltzmannStageResult? bm = null;
            if (pm.Method == "bm" && data.Moments.TryGetValue(pm.Scenario.Folder, out var moments))
            {
                var (m, c) = moments.Block(pm.Segment);
                bm = cache.GetOrCompute(pm.Id, "boltzmann", PublishedStageCache.Fingerprint(model, m, c, options.Boltzmann, BoltzmannStage.Revision), () => BoltzmannStage.Run(model, m, c, options.Boltzmann));
                Report("boltzmann", FormattableString.Invariant($"Boltzmann learning: {bm.Steps} steps, J correlation {bm.CouplingCorrelation:F3}, moment RMS ours {bm.MomentRmsLearned:G3} (from uniform messages {bm.ColdStart.MomentRms:G3}) vs theirs {bm.MomentRmsPublished:G3}"));
            }
            results.Add(new PublishedModelResult(pm, bethe.FreeEnergyPerSpin, bethe.EntropyPerSpin, bethe.Converged, landscapes, tap, dyn, bm, sw.Elapsed.TotalSeconds));
        }
        var result = new PublishedResult(data.Root, data.Missing, results, check, options, total.Elapsed);
        Write(result, outDir);
        return result with { Elapsed = total.Elapsed };
    }

    /// <summary>A configuration of the model after <paramref name="sweeps"/> heat-bath sweeps from a random start.</summary>
    public static sbyte[] DrawReference(IsingModel model, int sweeps, int seed)
    {
        ArgumentNullException.ThrowIfNull(model);
        var rng = new SplitMixSource(seed);
        var start = new sbyte[model.Size];
        for (int i = 0; i < start.Length; i++) start[i] = rng.NextDouble() < 0.5 ? (sbyte)-1 : (sbyte)1;
        sbyte[] last = start;
        McDynamics.Run(model, start, new McDynamicsOptions { Sweeps = sweeps, RecordEvery = Math.Max(1, sweeps), Seed = seed + 1, Observer = s => { last = (sbyte[])s.Clone(); return 0; } });
        return last;
    }

    /// <summary>Writes report.md, summary.json and plots/ (each file atomically).</summary>
    public static void Write(PublishedResult result, string outDir)
    {
        ArgumentNullException.ThrowIfNull(result);
        Directory.CreateDirectory(outDir);
        var claims = PublishedClaims.Evaluate(result);
        var plots = PublishedPlots.Render(result);
        TrajectoryPlots.Write(plots, Path.Combine(outDir, "plots"));
        AtomicFile.WriteAllText(Path.Combine(outDir, "summary.json"), Summary(result, claims));
        AtomicFile.WriteAllText(Path.Combine(outDir, "report.md"), PublishedReport.Render(result, claims, plots));
    }

    /// <summary>summary.json (<see cref="PublishedSummaryJson"/>, whose keys are documented there): per model n_spins,
    /// bethe_free_energy_per_spin, bethe_entropy_per_spin, landscape_verdict, max_hysteresis, entropy_at_x0, tap_peaks; per claim
    /// holds (true, false, null) and reason; and the provenance. Non-finite numbers are written as null.</summary>
    public static string Summary(PublishedResult result, IReadOnlyList<Paper2Claim> claims)
    {
        ArgumentNullException.ThrowIfNull(result);
        ArgumentNullException.ThrowIfNull(claims);
        // provenance: the build, and the SHA-256 of every file under the repository's data/ and task/ folders (what is read)
        var inputs = new[] { Path.Combine(result.Root, "data"), Path.Combine(result.Root, "task") };
        return ResultJson.Text(PublishedSummaryJson.From(result, claims), inputs, ResultJsonStyle.RelaxedEscaping);
    }
}
