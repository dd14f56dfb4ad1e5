using NeuralSpin.Reporting;
using System.CommandLine;
using System.Globalization;
using System.Text;
using NeuralSpin.Classic;
using NeuralSpin.IO;
using NeuralSpin.Ising;
using NeuralSpin.Numerics;
using NeuralSpin.Tap;
using Spectre.Console;

namespace NeuralSpin.Cli.Commands.Classic;

/// <summary>
/// <c>neuralspin classic sk</c>: the Sherrington-Kirkpatrick model (docs/theory.md sections 3, 4 and 8). Seeded instances
/// J_ij ~ N(0, J^2/N); the linearized-TAP curve lambda_min(beta) of one instance per size next to (1 - beta J)^2; the
/// curve minimum beta*(N) and the first crossing of a small level over several instances per size, with the
/// N^(-2/3) extrapolation of T* = 1/beta* to N -&gt; infinity (expected T_c = J); the TAP solutions of one instance
/// against temperature from random starts and by field continuation; and the TAP states below T_c found from Monte Carlo
/// seeds on several instances (<see cref="SkTapStates"/>), classified and followed in T to where they vanish, their q_EA
/// next to the replica-symmetric q(T). Writes CSV and PNG files into --out and, with --json, the numbers as JSON.
/// </summary>
public static class SkCommand
{
    sealed record Settings(int N, int[] Sizes, int Instances, double Coupling, long Seed, double BetaMax, double Level, int Starts,
        int Branches, int TapInstances, int TapStarts, string Out, string? Json, int? Threads);

    /// <summary>The library's defaults of the study.</summary>
    static readonly SkStudyOptions Defaults = new();

    /// <summary>Builds the command.</summary>
    public static Command Create(CliIO io)
    {
        var n = new Option<int>("--n") { Description = "Spins of the instance whose TAP solutions are scanned over T.", DefaultValueFactory = _ => Defaults.N, HelpName = "N" };
        var sizes = new Option<string>("--sizes") { Description = "Sizes N of the finite-size study and of the lambda_min curves, comma-separated.", DefaultValueFactory = _ => string.Join(",", Defaults.Sizes), HelpName = "N1,N2,..." };
        var instances = new Option<int>("--instances") { Description = "Instances (seeds) per size.", DefaultValueFactory = _ => Defaults.Instances, HelpName = "K" };
        var coupling = new Option<double>("--coupling") { Description = "Coupling scale J: J_ij ~ N(0, J^2/N); T_c = J.", DefaultValueFactory = _ => Defaults.Coupling, HelpName = "J" };
        var seed = new Option<long>("--seed") { Description = "Master seed (instance seeds derive from it, the size and the index).", DefaultValueFactory = _ => Defaults.Seed, HelpName = "S" };
        var betaMax = ArgParsing.BetaMaxOption(Defaults.BetaMax);
        var level = new Option<double>("--level") { Description = "Small level c in [0, 1): the first beta with lambda_min(beta) = c is reported per instance (large N: (1 - sqrt c)/J).", DefaultValueFactory = _ => Defaults.Level, HelpName = "C" };
        var starts = new Option<int>("--starts") { Description = "Random starts of the TAP iteration at each temperature.", DefaultValueFactory = _ => Defaults.Starts, HelpName = "K" };
        var branches = new Option<int>("--branches") { Description = $"Field-continuation branches per temperature: each follows the TAP solution in a field h0 xi along a zero-temperature quenched state xi from h0 = {Defaults.ContinuationStartField.ToString(CultureInfo.InvariantCulture)} J to h0 = 0 (Newton, through folds).", DefaultValueFactory = _ => Defaults.Branches, HelpName = "K" };
        var tapInstances = new Option<int>("--tap-instances") { Description = "Instances of size --n searched for TAP states with Monte Carlo seeds (each state then followed in T).", DefaultValueFactory = _ => Defaults.TapInstances, HelpName = "K" };
        var tapStarts = new Option<int>("--tap-starts") { Description = "Monte Carlo runs per instance and temperature, each seeding one Newton solve of the TAP equations.", DefaultValueFactory = _ => Defaults.TapStarts, HelpName = "K" };
        var output = new Option<string>("--out") { Description = "Output directory for the CSV and PNG files (created as needed).", DefaultValueFactory = _ => Path.Combine("results", "classic", "sk"), HelpName = "DIR" };
        var json = new Option<string?>("--json") { Description = "Write the results as JSON to this file (atomically).", HelpName = "PATH" };
        var threads = ArgParsing.LibtorchThreadsOption();
        var cmd = new Command("sk", "Sherrington-Kirkpatrick: linearized-TAP curve lambda_min(beta) -> (1 - beta J)^2, the transition T_c = J from instances at growing N (N^-2/3 extrapolation), TAP solutions and TAP states below T_c (Monte Carlo seeds, followed in T), q_EA vs the replica-symmetric q(T).")
            { n, sizes, instances, coupling, seed, betaMax, level, starts, branches, tapInstances, tapStarts, output, json, threads };
        cmd.SetAction(p => Run(io, new Settings(p.GetValue(n), ParseSizes(p.GetValue(sizes)!), p.GetValue(instances), p.GetValue(coupling), p.GetValue(seed),
            p.GetValue(betaMax), p.GetValue(level), p.GetValue(starts), p.GetValue(branches), p.GetValue(tapInstances), p.GetValue(tapStarts), p.GetValue(output)!, p.GetValue(json), p.GetValue(threads))));
        return cmd;
    }

    static string Inv(double v) => v.ToString("R", CultureInfo.InvariantCulture);

    static int[] ParseSizes(string text)
    {
        var items = text.Split(',').Select(s => s.Trim()).ToArray();
        var r = new int[items.Length];
        for (int i = 0; i < items.Length; i++)
            if (!int.TryParse(items[i], NumberStyles.None, CultureInfo.InvariantCulture, out r[i]) || r[i] < SkStudyOptions.MinSize || r[i] > SkStudyOptions.MaxSize)
                throw new UsageException($"--sizes '{text}': '{items[i]}' is not an integer size between {SkStudyOptions.MinSize} and {SkStudyOptions.MaxSize}. Give a comma-separated list of sizes, e.g. --sizes 50,100,200,400.");
        return r;
    }

    static void Validate(Settings s)
    {
        if (s.N < SkStudyOptions.MinSize || s.N > SkStudyOptions.MaxN) throw new UsageException($"--n {s.N} is not allowed: give the TAP instance size between {SkStudyOptions.MinSize} and {SkStudyOptions.MaxN}, e.g. --n 100.");
        if (s.Instances < 1 || s.Instances > SkStudyOptions.MaxInstances) throw new UsageException($"--instances {s.Instances} is not allowed: give between 1 and {SkStudyOptions.MaxInstances} instances per size, e.g. --instances 6.");
        if (!(s.Coupling > 0) || !double.IsFinite(s.Coupling)) throw new UsageException($"--coupling {Inv(s.Coupling)} is not allowed: the coupling scale J must be positive and finite, e.g. --coupling 1.");
        if (!(s.BetaMax > 0) || !double.IsFinite(s.BetaMax)) throw new UsageException($"--beta-max {Inv(s.BetaMax)} is not allowed: give a positive, finite upper end of the beta range, e.g. --beta-max 3.");
        if (s.BetaMax * s.Coupling <= 1) throw new UsageException($"--beta-max {Inv(s.BetaMax)} does not reach the transition at beta = 1/J = {Inv(1 / s.Coupling)}: give a larger value, e.g. --beta-max {Inv(3 / s.Coupling)}.");
        if (!(s.Level >= 0 && s.Level < 1)) throw new UsageException($"--level {Inv(s.Level)} is not allowed: the level must lie in [0, 1), e.g. --level 0.05.");
        if (s.Starts < 1 || s.Starts > SkStudyOptions.MaxStarts) throw new UsageException($"--starts {s.Starts} is not allowed: give between 1 and {SkStudyOptions.MaxStarts} random starts, e.g. --starts 20.");
        if (s.Branches < 1 || s.Branches > SkStudyOptions.MaxBranches) throw new UsageException($"--branches {s.Branches} is not allowed: give between 1 and {SkStudyOptions.MaxBranches} field-continuation branches, e.g. --branches 8.");
        if (s.TapInstances < 1 || s.TapInstances > SkStudyOptions.MaxTapInstances) throw new UsageException($"--tap-instances {s.TapInstances} is not allowed: give between 1 and {SkStudyOptions.MaxTapInstances} instances for the TAP-state search, e.g. --tap-instances 8.");
        if (s.TapStarts < 1 || s.TapStarts > SkStudyOptions.MaxTapStarts) throw new UsageException($"--tap-starts {s.TapStarts} is not allowed: give between 1 and {SkStudyOptions.MaxTapStarts} Monte Carlo runs per instance and temperature, e.g. --tap-starts 4.");
        ArgParsing.ThreadCount(s.Threads);
        ClassicOutputFiles.CheckOutputs(s.Out, FileNames, [], (s.Json, "--json"));
    }

    static int Run(CliIO io, Settings s)
    {
        Validate(s);
        TorchLinalg.Configure(ArgParsing.ThreadCount(s.Threads));
        var options = new SkStudyOptions
        {
            N = s.N, Sizes = s.Sizes, Instances = s.Instances, Coupling = s.Coupling, Seed = s.Seed, BetaMax = s.BetaMax, Level = s.Level,
            Starts = s.Starts, Branches = s.Branches, TapInstances = s.TapInstances, TapStarts = s.TapStarts,
        };
        var r = CliIO.WithStages(io, "classic sk", prog => SkStudy.Run(options, prog));
        var curves = r.Curves.Select(c => (c.Size, c.Points)).ToArray();
        var (study, tap, continuation, states) = (r.FiniteSize, r.Tap, r.Continuation, r.States);

        // render everything before writing anything
        var files = new List<(string Name, byte[] Bytes)>
        {
            ("lambda_min.csv", Encoding.UTF8.GetBytes(CurveCsv(curves, s.Coupling))),
            ("lambda_min.png", SkPlots.LambdaMin(curves, s.Coupling)),
            ("finite_size_instances.csv", Encoding.UTF8.GetBytes(InstancesCsv(study))),
            ("finite_size.csv", Encoding.UTF8.GetBytes(SizesCsv(study))),
            ("finite_size.png", SkPlots.FiniteSize(study)),
            ("tap_qea.csv", Encoding.UTF8.GetBytes(TapCsv(tap))),
            ("tap_continuation.csv", Encoding.UTF8.GetBytes(ContinuationCsv(continuation))),
            ("tap_qea.png", SkPlots.TapOrderParameter(tap, s.Coupling, s.N, continuation)),
            ("tap_states.csv", Encoding.UTF8.GetBytes(StatesCsv(states))),
            ("tap_branches.csv", Encoding.UTF8.GetBytes(BranchesCsv(states))),
            ("tap_states.png", SkPlots.TapStates(states, s.Coupling)),
            ("tap_marginality.png", SkPlots.TapMarginality(states, s.Coupling)),
        };
        double wall = r.WallSeconds;
        string? jsonText = s.Json != null ? ResultJson.Text(SkStudyJson.From(r), []) : null;
        using (var outputs = new OutputSet())
        {
            foreach (var (name, bytes) in files) outputs.AddBytes(Path.Combine(s.Out, name), bytes);
            if (jsonText != null) outputs.AddText(s.Json!, jsonText);
            outputs.Commit();
        }

        Print(io, s, study, tap, continuation, states);
        io.Console_.Write(new Text($"wrote {files.Count} files into {s.Out}" + (s.Json != null ? $" and {s.Json}" : "") + $"\nwall time {wall:F1} s\n"));
        return CliApp.Ok;
    }

    /// <summary>The files written into --out.</summary>
    static readonly string[] FileNames = ["lambda_min.csv", "lambda_min.png", "finite_size_instances.csv", "finite_size.csv", "finite_size.png", "tap_qea.csv",
        "tap_continuation.csv", "tap_qea.png", "tap_states.csv", "tap_branches.csv", "tap_states.png", "tap_marginality.png"];

    static string Csv(string[] header, IEnumerable<object?[]> rows) => CsvText.Write(header, rows);

    static string CurveCsv(IReadOnlyList<(int Size, CurvePoint[] Points)> curves, double coupling) => Csv(["n", "beta", "lambda_min", "large_n_limit"],
        curves.SelectMany(c => c.Points.Select(p => new object?[] { c.Size, p.Beta, p.Value, SkLinearizedTap.LargeSizeLimit(p.Beta, coupling) })));

    static string InstancesCsv(SkFiniteSizeResult r) => Csv(["n", "seed", "beta_star", "t_star", "lambda_min_at_beta_star", "beta_at_level", "beta_zero"],
        r.Instances.Select(x => new object?[] { x.Size, x.Seed, x.BetaStar, x.TStar, x.MinValue, x.BetaAtLevel, x.BetaZero }));

    static string SizesCsv(SkFiniteSizeResult r) => Csv(["n", "n_pow_minus_2_3", "instances", "beta_star_mean", "beta_star_se", "t_star_mean", "t_star_se", "min_mean", "min_se",
            "reached_level", "beta_at_level_mean", "beta_at_level_se", "reached_zero"],
        r.Sizes.Select(x => new object?[] { x.Size, x.ScalingVariable, x.Instances, x.MeanBetaStar, x.BetaStarError, x.MeanTStar, x.TStarError, x.MeanMinimum,
            x.MinimumError, x.ReachedLevel, x.MeanBetaAtLevel, x.BetaAtLevelError, x.ReachedZero }));

    static string TapCsv(IReadOnlyList<SkTapTemperature> rows) => Csv(["temperature", "starts", "converged", "not_converged", "distinct", "non_trivial", "q_ea_lowest_f",
            "q_ea_mean", "q_ea_max", "lowest_f_per_spin", "plefka_lowest_f", "rs_q"],
        rows.Select(x => new object?[] { x.Temperature, x.Starts, x.Converged, x.NotConverged, x.Distinct, x.NonTrivial, x.QeaLowest, x.QeaMean, x.QeaMax,
            x.LowestFreeEnergyPerSpin, x.PlefkaLowest, x.ReplicaSymmetricQ }));

    static string ContinuationCsv(IReadOnlyList<SkTapContinuation> rows) => Csv(["temperature", "branches", "reached_zero_field", "non_trivial", "q_ea_non_trivial",
            "plefka_non_trivial", "hessian_min_non_trivial", "folded", "fold_field_mean", "fold_q_ea_mean", "fold_plefka_mean", "rs_q"],
        rows.Select(x => new object?[] { x.Temperature, x.Branches, x.ReachedZeroField, x.NonTrivial, Finite(x.QeaNonTrivial), Finite(x.PlefkaNonTrivial),
            Finite(x.HessianMinNonTrivial), x.Folded, Finite(x.FoldFieldMean), Finite(x.FoldQeaMean), Finite(x.FoldPlefkaMean), x.ReplicaSymmetricQ }));

    static double? Finite(double v) => double.IsFinite(v) ? v : null;

    static string EndName(SkTapBranchEnd e) => SkStudyJson.EndName(e);

    static string StatesCsv(SkTapStateResult r) => Csv(["temperature", "runs", "not_converged", "trivial", "plefka_violated", "saddles", "valid", "instances_with_valid",
            "q_ea_mean", "plefka_mean", "seed_cosine_mean", "rs_q"],
        r.Searches.Select(x => new object?[] { x.Temperature, x.Runs, x.NotConverged, x.Trivial, x.PlefkaViolated, x.Saddles, x.Valid, x.InstancesWithValid,
            Finite(x.QeaMean), Finite(x.PlefkaMean), Finite(x.SeedCosineMean), x.ReplicaSymmetricQ }));

    static string BranchesCsv(SkTapStateResult r) => Csv(["branch", "instance", "found_at", "temperature", "q_ea", "plefka", "hessian_min", "f_per_spin", "valid",
            "low_end", "high_end"],
        r.Branches.SelectMany((b, k) => b.WithEnds.Select(p => new object?[] { k, b.Instance, b.FoundAt, p.Temperature, p.Qea, p.Plefka, p.HessianMin,
            p.FreeEnergyPerSpin, p.Valid ? 1 : 0, EndName(b.LowEnd), EndName(b.HighEnd) })));

    static void Print(CliIO io, Settings s, SkFiniteSizeResult study, IReadOnlyList<SkTapTemperature> tap, IReadOnlyList<SkTapContinuation> continuation, SkTapStateResult states)
    {
        var t = new Table().Title($"SK linearized TAP, J = {CliIO.Num(s.Coupling)}: curve minimum beta*(N), T* = 1/beta*, level c = {CliIO.Num(s.Level)}")
            .AddColumn("N").AddColumn("instances").AddColumn("T* (mean +- se)").AddColumn("min lambda_min").AddColumn("beta at level (reached)").AddColumn("reach 0");
        foreach (var x in study.Sizes)
            t.AddRow(x.Size.ToString(), x.Instances.ToString(), $"{CliIO.Num(x.MeanTStar)} +- {CliIO.Num(x.TStarError)}", CliIO.Num(x.MeanMinimum),
                x.ReachedLevel > 0 ? $"{CliIO.Num(x.MeanBetaAtLevel)} ({x.ReachedLevel})" : "-", x.ReachedZero.ToString());
        io.Console_.Write(t);
        if (study.Extrapolation is { } ex)
            io.Console_.Write(new Text($"extrapolated T_c (fit T* = T_inf + a N^-2/3): {CliIO.Num(ex.TInfinity)} +- {CliIO.Num(ex.TInfinityError)}  (expected J = {CliIO.Num(s.Coupling)}; a = {CliIO.Num(ex.Slope)})\n"));
        var tt = new Table().Title($"TAP solutions of one instance, N = {s.N}, {s.Starts} random starts per T")
            .AddColumn("T").AddColumn("converged").AddColumn("distinct").AddColumn("non-trivial").AddColumn("q_EA (lowest F)").AddColumn("RS q").AddColumn("Plefka x_P");
        foreach (var x in tap)
            tt.AddRow(CliIO.Num(x.Temperature), $"{x.Converged}/{x.Starts}", x.Distinct.ToString(), x.NonTrivial.ToString(), CliIO.Num(x.QeaLowest),
                CliIO.Num(x.ReplicaSymmetricQ), CliIO.Num(x.PlefkaLowest));
        io.Console_.Write(tt);
        var ct = new Table().Title($"TAP solutions at h = 0 by field continuation (Newton, through folds), N = {s.N}, {s.Branches} branches per T")
            .AddColumn("T").AddColumn("reached h = 0").AddColumn("non-trivial").AddColumn("q_EA (lowest F)").AddColumn("x_P").AddColumn("folded")
            .AddColumn("fold field h*").AddColumn("q_EA at fold").AddColumn("x_P at fold").AddColumn("RS q");
        string N(double v) => double.IsFinite(v) ? CliIO.Num(v) : "-";
        foreach (var x in continuation)
            ct.AddRow(CliIO.Num(x.Temperature), $"{x.ReachedZeroField}/{x.Branches}", x.NonTrivial.ToString(), N(x.QeaNonTrivial), N(x.PlefkaNonTrivial),
                x.Folded.ToString(), N(x.FoldFieldMean), N(x.FoldQeaMean), N(x.FoldPlefkaMean), CliIO.Num(x.ReplicaSymmetricQ));
        io.Console_.Write(ct);
        var st = new Table().Title($"TAP states from Monte Carlo seeds (Newton), N = {s.N}, {states.Instances} instances x {s.TapStarts} runs per T; valid = x_P >= 0 and a minimum of F_TAP")
            .AddColumn("T").AddColumn("none").AddColumn("m = 0").AddColumn("x_P<0").AddColumn("saddle").AddColumn("valid")
            .AddColumn("inst.").AddColumn("q_EA").AddColumn("x_P").AddColumn("cos MC").AddColumn("RS q");
        foreach (var x in states.Searches)
            st.AddRow(CliIO.Num(x.Temperature), x.NotConverged.ToString(), x.Trivial.ToString(), x.PlefkaViolated.ToString(), x.Saddles.ToString(), x.Valid.ToString(),
                $"{x.InstancesWithValid}/{states.Instances}", N(x.QeaMean), N(x.PlefkaMean), N(x.SeedCosineMean), CliIO.Num(x.ReplicaSymmetricQ));
        io.Console_.Write(st);
        var bt = new Table().Title($"Each state followed in T (Newton, step {CliIO.Num(new SkTapStateOptions().TemperatureStep)} J): where it exists, where it is valid, how it ends")
            .AddColumn("instance").AddColumn("found at T").AddColumn("exists for T in").AddColumn("valid for T in").AddColumn("q_EA at the ends").AddColumn("ends (low / high)")
            .AddColumn("Hessian min at the ends");
        foreach (var b in states.Branches)
        {
            var (lo, hi) = b.ValidRange;
            bt.AddRow(b.Instance.ToString(), CliIO.Num(b.FoundAt), $"{b.LowEndPoint.Temperature:F4} - {b.HighEndPoint.Temperature:F4}",
                double.IsFinite(lo) ? $"{lo:F2} - {hi:F2}" : "-", $"{b.LowEndPoint.Qea:F3} / {b.HighEndPoint.Qea:F3}",
                $"{EndName(b.LowEnd)} / {EndName(b.HighEnd)}", $"{b.LowEndPoint.HessianMin:E1} / {b.HighEndPoint.HessianMin:E1}");
        }
        io.Console_.Write(bt);
    }
}
