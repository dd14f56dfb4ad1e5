using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using NeuralSpin.Analysis;
using NeuralSpin.IO;
using NeuralSpin.Numerics;
using NeuralSpin.SpinModel;
using NeuralSpin.Tap;
using Spectre.Console;

namespace NeuralSpin.Cli.Commands;

/// <summary>
/// <c>neuralspin analyze WEIGHTS</c>: the full spin-model analysis of a network (NetworkAnalysis.Run),
/// printed as a table, optionally written as JSON and with the curve lambda_min(beta) as CSV.
/// </summary>
public static class AnalyzeCommand
{
    /// <summary>The library's defaults of the analysis options.</summary>
    static readonly AnalysisOptions Defaults = new();

    /// <summary>Builds the command.</summary>
    public static Command Create(CliIO io)
    {
        var weights = new Argument<string>("WEIGHTS")
        {
            Description = "Weights file: " + ModelFile.Accepted + "; the nn.Linear weights W of shape (out, in) are the layers.",
        };
        var reference = new Option<string?>("--reference")
        {
            Description = "Untrained (t = 0) weights of the same architecture; the minimum of its curve lambda_min(beta) is the level c_0 of the corrected transition.",
            HelpName = "UNTRAINED_WEIGHTS",
        };
        var level = new Option<double?>("--level")
        {
            Description = "The level c_0 of the corrected transition, given directly (finite, < 1). Not with --reference.",
            HelpName = "C0",
        };
        var layers = new Option<string?>("--layers")
        {
            Description = "Comma-separated tensor names or globs (* and ?) of the weight matrices in forward order (default: every 2-D tensor in numeric name order). Also applied to --reference.",
            HelpName = "a,b,c",
        };
        var betaMax = ArgParsing.BetaMaxOption(Defaults.BetaMax);
        var json = new Option<string?>("--json")
        {
            Description = "Write the result as a JSON object to this file. Written only when the analysis succeeds, together with --curve (both or neither); it may not be an input file.",
            HelpName = "PATH",
        };
        var curve = new Option<string?>("--curve")
        {
            Description = "Write the curve lambda_min(beta) as CSV 'beta,lambda_min' on a uniform grid over [0, B] to this file (together with --json; it may not be an input file).",
            HelpName = "PATH",
        };
        var curvePoints = new Option<int>("--curve-points")
        {
            Description = $"Number of grid points of --curve (2 to {AnalysisOptions.MaxCurvePoints}).",
            DefaultValueFactory = _ => Defaults.CurvePoints,
            HelpName = "N",
        };
        var threads = ArgParsing.LibtorchThreadsOption();
        var memoryLimit = new Option<string?>("--memory-limit")
        {
            Description = "Memory the analysis may use, e.g. 4G or 800M (powers of 1000). Default: half of the memory available when the command starts. " +
                          "The dense path (exact level spacing) is taken when its estimate fits, else the matrix-free path (no N x N matrix, no level spacing), else the command refuses.",
            HelpName = "SIZE",
        };
        var matrixFree = new Option<bool>("--matrix-free")
        {
            Description = "Take the matrix-free path even when the dense one fits: lambda_max(J) by Lanczos, the curve by Lanczos certified by chi-recurrence inertia counts (estimated past layers 4096 wide), no level spacing unless --spacing-estimate.",
        };
        var spacingEstimate = new Option<bool>("--spacing-estimate")
        {
            Description = "On the matrix-free path, estimate the first level spacing ratio: s_0 from the two lowest eigenvalues, s_typ from the kernel-polynomial density (docs/theory.md section 6; within about 5 % of the exact median spacing on the networks measured).",
        };

        var searchBudget = new Option<int>("--search-budget")
        {
            Description = $"The most evaluations of lambda_min(beta) one certified search (the curve minimum, a crossing) may spend before the command stops with a message (1 to {CurveOptions.MaxSearchBudget:N0}). Trained and random networks need tens; only weights of very unequal scale need more.",
            DefaultValueFactory = _ => new CurveOptions().SearchBudget,
            HelpName = "N",
        };
        var cmd = new Command("analyze", "Analyse a network's weights as a multi-layer spin model: replica T_c, the linearized-TAP curve lambda_min(beta) and its minimum, beta_c, the corrected beta_c(c_0), lambda_max(J), lambda_min(R) and the first level spacing.")
        {
            weights, reference, level, layers, betaMax, json, curve, curvePoints, threads, memoryLimit, matrixFree, searchBudget, spacingEstimate,
        };
        cmd.SetAction(parse => Run(io, new Settings(
            parse.GetValue(weights)!,
            parse.GetValue(reference),
            parse.GetValue(level),
            parse.GetValue(layers),
            parse.GetValue(betaMax),
            parse.GetValue(json),
            parse.GetValue(curve),
            parse.GetValue(curvePoints),
            parse.GetValue(threads),
            parse.GetValue(memoryLimit),
            parse.GetValue(matrixFree),
            parse.GetValue(searchBudget),
            parse.GetValue(spacingEstimate))));
        return cmd;
    }

    /// <summary>The parsed options of one run.</summary>
    public sealed record Settings(string Weights, string? Reference, double? Level, string? Layers, double BetaMax,
        string? Json, string? Curve, int CurvePoints, int? Threads, string? MemoryLimit = null, bool MatrixFree = false, int? SearchBudget = null,
        bool SpacingEstimate = false);

    static void Validate(Settings s)
    {
        if (s.Reference != null && s.Level.HasValue)
            throw new UsageException("--reference and --level both set the level c_0 of the corrected transition; give only one of them.");
        if (s.Level is double lv && !(double.IsFinite(lv) && lv < 1))
            throw new UsageException($"--level {lv.ToString(CultureInfo.InvariantCulture)} is not allowed: the level c_0 must be finite and below lambda_min(0) = 1. Give e.g. --level 0.05, or use --reference UNTRAINED_WEIGHTS.");
        if (!(double.IsFinite(s.BetaMax) && s.BetaMax > 0))
            throw new UsageException($"--beta-max {s.BetaMax.ToString(CultureInfo.InvariantCulture)} is not allowed: it must be finite and positive (default {Defaults.BetaMax.ToString(CultureInfo.InvariantCulture)}).");
        if (s.CurvePoints < 2)
            throw new UsageException($"--curve-points {s.CurvePoints} is too small: the grid over [0, beta_max] needs at least 2 points (default {Defaults.CurvePoints}).");
        if (s.CurvePoints > AnalysisOptions.MaxCurvePoints)
            throw new UsageException($"--curve-points {s.CurvePoints} is too large: give at most {AnalysisOptions.MaxCurvePoints} points (default {Defaults.CurvePoints}); a finer grid shows nothing more.");
        if (s.SearchBudget is < 1 or > CurveOptions.MaxSearchBudget)
            throw new UsageException($"--search-budget {s.SearchBudget} is not allowed: give 1 to {CurveOptions.MaxSearchBudget} evaluations (default {new CurveOptions().SearchBudget}).");
        ArgParsing.ThreadCount(s.Threads);
        if (s.MemoryLimit != null) ArgParsing.MemorySize(s.MemoryLimit);
        CliIO.CheckFiles([(s.Weights, "WEIGHTS"), (s.Reference, "--reference")], [(s.Json, "--json"), (s.Curve, "--curve")]);
    }

    /// <summary>Runs the analysis with parsed settings.</summary>
    public static int Run(CliIO io, Settings s)
    {
        var total = Stopwatch.StartNew();
        Validate(s);
        var layerNames = s.Layers is null ? null : ArgParsing.Layers(s.Layers);
        TorchLinalg.Configure(ArgParsing.ThreadCount(s.Threads));

        // layer by layer into the blocks (float32 when the weights are float32 values): no float64 copy of the network
        var loaded = WeightFile.LoadNetwork(s.Weights, layerNames);
        NoticeIgnored(io, loaded);
        var bonds = loaded.Bonds;
        CheckBetaMax(s.BetaMax, s.Weights, bonds);
        BondMatrix? refBonds = null;
        if (s.Reference != null)
        {
            var refLoaded = WeightFile.LoadNetwork(s.Reference, layerNames);
            NoticeIgnored(io, refLoaded);
            refBonds = refLoaded.Bonds;
            CheckBetaMax(s.BetaMax, s.Reference, refBonds);
            if (!refBonds.Widths.SequenceEqual(bonds.Widths))
                io.Notice($"the reference '{s.Reference}' has widths {Dash(refBonds.Widths)}, the network {Dash(bonds.Widths)}; its curve minimum is used as c_0 all the same.");
        }

        var path = ChoosePath(io, s, bonds, refBonds);
        var options = new AnalysisOptions
        {
            BetaMax = s.BetaMax, Level = s.Level, Reference = refBonds, Path = path, EstimateSpacing = s.SpacingEstimate,
            Curve = s.SearchBudget is int budget ? new CurveOptions { SearchBudget = budget } : new CurveOptions(),
        };
        AnalysisResult result;
        string? curveCsv;
        try { (result, curveCsv) = Analyse(io, s, bonds, options); }
        catch (CurveSearchBudgetException e)
        {
            throw new WeightFileException(s.Weights, e.Message + (s.Reference is null ? "" : $" (for the network or for its reference '{s.Reference}')"),
                "Check the weights for a few values far larger than the rest (a damaged or diverged file); if they are meant, raise --search-budget.", e);
        }
        if (s.Curve != null && curveCsv == null)
            curveCsv = CliIO.WithProgress(io, "--curve grid", s.CurvePoints, pr => CurveCsv(bonds, result, options.Curve, s.BetaMax, s.CurvePoints, pr));

        // Files only at the end, together: a failed run leaves no output, not even one of the two.
        using (var outputs = new OutputSet())
        {
            if (s.Json != null) outputs.AddText(s.Json, ToJson(result, [s.Weights, s.Reference]));
            if (curveCsv != null) outputs.AddText(s.Curve!, curveCsv);
            outputs.Commit();
        }

        io.Console_.Write(Summary(s, result, total.Elapsed.TotalSeconds));
        if (s.Json != null) io.Console_.Write(new Text($"wrote {s.Json}\n"));
        if (s.Curve != null) io.Console_.Write(new Text($"wrote {s.Curve} ({s.CurvePoints} points)\n"));
        return CliApp.Ok;
    }

    /// <summary>
    /// The path of the analysis from the estimate made before any work (<see cref="AnalysisCost"/>): dense when it fits
    /// the memory limit (and --matrix-free is not given), else matrix-free when that fits, else a refusal naming N, the
    /// memory needed and the option that raises the limit. A run estimated to take long says so on standard error.
    /// </summary>
    static AnalysisPath ChoosePath(CliIO io, Settings s, BondMatrix bonds, BondMatrix? refBonds)
    {
        var cost = AnalysisCost.Of(bonds.Widths.ToArray(), bytesPerWeight: bonds.SinglePrecision ? 4 : 8);
        long limit = s.MemoryLimit != null ? ArgParsing.MemorySize(s.MemoryLimit) : MachineMemory.DefaultAnalysisLimit();
        string limitText = s.MemoryLimit != null
            ? $"the limit --memory-limit {s.MemoryLimit} ({AnalysisCost.FormatBytes(limit)})"
            : $"the default limit of {AnalysisCost.FormatBytes(limit)} (half of the memory available now)";
        var chosen = s.MatrixFree ? (cost.MatrixFreeBytes <= limit ? AnalysisPath.MatrixFree : (AnalysisPath?)null) : cost.Choose(limit);
        if (chosen is not AnalysisPath path)
            throw new UsageException(
                $"the network in '{s.Weights}' has N = {cost.Spins.ToString(CultureInfo.InvariantCulture)} spins (widths {Dash(bonds.Widths)}): " +
                (s.MatrixFree ? "" : $"the dense analysis needs about {AnalysisCost.FormatBytes(cost.DenseBytes)} and ") +
                $"the matrix-free one about {AnalysisCost.FormatBytes(cost.MatrixFreeBytes)} (its widest layer, {bonds.Widths.Max().ToString(CultureInfo.InvariantCulture)} spins, costs O(N_k^2) in the inertia counts), more than {limitText}. " +
                $"Give a larger --memory-limit (e.g. --memory-limit {AnalysisCost.FormatBytes(s.MatrixFree ? cost.MatrixFreeBytes * AnalysisCost.SuggestedLimitHeadroom : Math.Min(cost.DenseBytes, cost.MatrixFreeBytes) * AnalysisCost.SuggestedLimitHeadroom).Replace(" ", "").Replace("B", "")}) if the machine has that much memory free, or analyse a smaller network.");
        if (refBonds != null)
        {
            // the reference's curve minimum is computed on the same path's curve machinery (dense spectrum of J on the dense path)
            var refCost = AnalysisCost.Of(refBonds.Widths.ToArray(), bytesPerWeight: refBonds.SinglePrecision ? 4 : 8);
            if (refCost.Bytes(path) > limit)
                throw new UsageException(
                    $"the reference '{s.Reference}' has N = {refCost.Spins.ToString(CultureInfo.InvariantCulture)} spins and its curve needs about {AnalysisCost.FormatBytes(refCost.Bytes(path))}, more than {limitText}. Give a larger --memory-limit, or --level C0 instead of --reference.");
        }
        if (path == AnalysisPath.MatrixFree && !s.MatrixFree)
            io.Notice($"N = {cost.Spins.ToString(CultureInfo.InvariantCulture)} spins: the dense analysis would need about {AnalysisCost.FormatBytes(cost.DenseBytes)}, more than {limitText}; taking the matrix-free path (about {AnalysisCost.FormatBytes(cost.MatrixFreeBytes)}; no level spacing). Give --memory-limit {AnalysisCost.FormatBytes(cost.DenseBytes * AnalysisCost.SuggestedLimitHeadroom).Replace(" ", "").Replace("B", "")} for the dense path.");
        if (cost.IsLong(path))
        {
            double seconds = cost.EstimatedSeconds(path);
            io.Err.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"estimate: N = {cost.Spins} spins, {(path == AnalysisPath.Dense ? "dense" : "matrix-free")} path, about {AnalysisCost.FormatBytes(cost.Bytes(path))} and {seconds:G2} s (order of magnitude)."));
        }
        return path;
    }

    /// <summary>Refuses a --beta-max past which the weights' TAP matrix overflows float64 (<see cref="LambdaMinCurve.MaxBetaOf"/>).</summary>
    /// <summary>The analysis with progress (a status line on a terminal, plain lines otherwise); off a terminal also the --curve grid.</summary>
    static (AnalysisResult Result, string? CurveCsv) Analyse(CliIO io, Settings s, BondMatrix bonds, AnalysisOptions options)
    {
        if (io.IsTerminal)
        {
            AnalysisResult? r = null;
            io.Console_.Status().Start("analysing", ctx =>
            {
                r = NetworkAnalysis.Run(bonds, options with { Progress = stage => ctx.Status(Markup.Escape(stage)) });
            });
            return (r!, null);
        }
        using var plain = new PlainProgress(io.Err, $"analyze {s.Weights} ({bonds.Widths.Sum()} spins)", 0);
        var result = NetworkAnalysis.Run(bonds, options with { Progress = stage => plain.Stage(stage) });
        if (s.Curve != null) plain.Stage("--curve grid", s.CurvePoints);
        return (result, s.Curve != null ? CurveCsv(bonds, result, options.Curve, s.BetaMax, s.CurvePoints, plain) : null);
    }

    static void CheckBetaMax(double betaMax, string file, BondMatrix bonds)
    {
        double limit = LambdaMinCurve.MaxBetaOf(bonds);
        if (betaMax <= limit) return;
        throw new UsageException(string.Create(CultureInfo.InvariantCulture,
            $"--beta-max {betaMax:R} is too large for the weights in '{file}': past beta = {limit:G3} the linearized TAP matrix I - beta J + beta^2 diag(d) overflows float64. Give a smaller --beta-max (at most {limit:G3}), or rescale the weights."));
    }

    /// <summary>The JSON object of the result: the 16 snake_case keys of <see cref="AnalysisResult"/> (nulls kept, numbers
    /// round-trip) and the provenance of <paramref name="inputs"/>.</summary>
    public static string ToJson(AnalysisResult result, IEnumerable<string?> inputs) => NeuralSpin.Reporting.ResultJson.Text(result, inputs);

    /// <summary>CSV <c>beta,lambda_min</c> of <see cref="NetworkAnalysis.SampleCurve"/> on <paramref name="points"/> uniform points over [0, betaMax].</summary>
    static string CurveCsv(BondMatrix bonds, AnalysisResult result, CurveOptions curveOptions, double betaMax, int points, IProgress<int>? progress)
    {
        var sample = NetworkAnalysis.SampleCurve(bonds, result.SpectrumJ, betaMax, points, curveOptions, progress);
        return NeuralSpin.Reporting.CsvText.Write(["beta", "lambda_min"], Enumerable.Range(0, points).Select(i => new object?[] { sample.Beta[i], sample.LambdaMin[i] }));
    }

    static void NoticeIgnored(CliIO io, LoadedNetwork loaded)
    {
        if (loaded.Ignored.Count == 0) return;
        var names = loaded.Ignored.Take(6).Select(t => $"{t.Name} {t.ShapeText}").ToList();
        if (loaded.Ignored.Count > 6) names.Add($"and {loaded.Ignored.Count - 6} more");
        io.Notice($"'{loaded.Path}': ignored {loaded.Ignored.Count} tensor(s) that are not layers (biases are not part of H): {string.Join(", ", names)}.");
        foreach (var (layer, f) in NeuralSpin.Layers.LayerAnalysis.BiasFields(loaded))
        {
            if (f.Large)
                io.Notice(string.Create(CultureInfo.InvariantCulture, $"warning: layer '{layer}' has bias fields '{f.Name}' of rms {f.Rms:G3}, {f.Ratio:G3} times the couplings' typical local field {f.CouplingField:G3}; the linearized TAP around m = 0 assumes h = 0, so read the transition with care."));
            else
                io.Notice(string.Create(CultureInfo.InvariantCulture, $"layer '{layer}': bias fields '{f.Name}' of rms {f.Rms:G3}, {f.Ratio:G3} times the couplings' typical local field (small; the analysis takes h = 0)."));
        }
    }

    static string Dash(IEnumerable<int> w) => string.Join("-", w);

    static string BetaT(double beta) => $"beta = {CliIO.Num(beta)}, T = {CliIO.Num(1 / beta)}";

    static Table Summary(Settings s, AnalysisResult r, double totalSeconds)
    {
        string none = $"none in (0, {CliIO.Num(s.BetaMax)}]";
        var t = new Table().AddColumn("quantity").AddColumn("value");
        t.Title = new TableTitle($"NeuralSpin analysis of {Markup.Escape(s.Weights)}");
        void Row(string q, string v) => t.AddRow(new Text(q), new Text(v));

        Row("widths N_0..N_L", Dash(r.Widths));
        Row("N (spins)", r.NSpins.ToString(CultureInfo.InvariantCulture));
        Row("C_k = N_{k-1} mean J^2", string.Join(", ", r.CouplingVarianceC.Select(CliIO.Num)));
        Row("T_c replica (P1 15-18)", CliIO.Num(r.TcReplica));
        Row("beta_c / T_c (lambda_min = 0)", r.BetaC is double bc ? BetaT(bc) : none);
        string levelText = r.LevelSource switch
        {
            "level" => $"{CliIO.Num(r.Level!.Value)} (from --level)",
            "reference" => $"{CliIO.Num(r.Level!.Value)} (curve minimum of reference {s.Reference})",
            _ => "not given (use --level or --reference)",
        };
        Row("level c_0", levelText);
        Row("corrected beta_c / T_c (lambda_min = c_0)", r.Level is null ? "-" : r.BetaCCorrected is double bcc ? BetaT(bcc) : none);
        Row("curve minimum", $"lambda_min = {CliIO.Num(r.CurveMinLambda)} at beta = {CliIO.Num(r.CurveMinBeta)}");
        Row("lambda_max(J)", r.Path == AnalysisPath.Dense ? CliIO.Num(r.LambdaMaxJ)
            : $"{CliIO.Num(r.LambdaMaxJ)} (Lanczos; an eigenvalue within {CliIO.Num(r.LambdaMaxJResidual)}, not certified the largest)");
        Row("lambda_min(R) = -max_i d_i", CliIO.Num(r.LambdaMinR));
        string where = r.BetaCCorrected.HasValue ? "corrected beta_c" : r.BetaC.HasValue ? "beta_c" : "curve minimum";
        Row("s_0 / s_typ (I - M)", r.Path == AnalysisPath.Dense
            ? $"{(r.FirstLevelSpacingRatio is double q ? CliIO.Num(q) : "undefined")} at beta = {CliIO.Num(r.SpacingBeta)} ({where})"
            : r.SpacingEstimated
                ? $"{(r.FirstLevelSpacingRatio is double qe ? CliIO.Num(qe) : "undefined")} at beta = {CliIO.Num(r.SpacingBeta)} ({where}; estimated: s_typ from the kernel-polynomial density, docs/theory.md section 6)"
                : "not computed on the matrix-free path (null in the JSON)");
        Row("path", r.Path == AnalysisPath.Dense
            ? "dense (exact spectra of J and I - M; curve certified by inertia counts)"
            : r.Certified
                ? "matrix-free (no N x N matrix; curve minimum, beta_c and corrected beta_c certified by chi-recurrence inertia counts)"
                : "matrix-free (no N x N matrix; layers too wide for inertia counts: nothing certified; the curve minimum is a local minimum by Lanczos, " +
                  "beta_c and corrected beta_c are Rayleigh-functional roots, each an upper bound of a crossing but not certified to be the first)");
        Row("elapsed", $"{r.ElapsedSeconds:F2} s analysis, {totalSeconds:F2} s in total");
        return t;
    }
}
