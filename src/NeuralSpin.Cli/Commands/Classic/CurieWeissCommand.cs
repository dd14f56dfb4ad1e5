using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using NeuralSpin.Classic;
using ScottPlot;
using Color = ScottPlot.Color;
using Spectre.Console;
using static NeuralSpin.Cli.Commands.Classic.ClassicOutputFiles;

namespace NeuralSpin.Cli.Commands.Classic;

/// <summary>
/// <c>neuralspin classic curie-weiss</c>: the Curie-Weiss ferromagnet E = -(J/2N) sum_{i != j} s_i s_j - h sum_i s_i
/// (docs/theory.md section 8; <see cref="CurieWeiss"/>, <see cref="CurieWeissFiniteSize"/>): every branch of
/// m = tanh(beta (J m + h)) with its stability, T_c = J, the fitted exponents beta (1/2) and gamma (1), and the exact
/// finite-N thermodynamics for the requested sizes, with CSV and PNG files of m(T), f(T), the exponent fit and P(m).
/// </summary>
public static class CurieWeissCommand
{
    /// <summary>Largest size accepted by --sizes (<see cref="CurieWeissStudyOptions.MaxSize"/>).</summary>
    public const int MaxSize = CurieWeissStudyOptions.MaxSize;

    /// <summary>P(M) is written to distribution.csv for sizes up to this.</summary>
    public const int MaxDistributionSize = 100_000;

    static string Inv(double v) => v.ToString("R", CultureInfo.InvariantCulture);

    /// <summary>The library's defaults of the study.</summary>
    static readonly CurieWeissStudyOptions Defaults = new();

    /// <summary>Builds the command.</summary>
    public static Command Create(CliIO io)
    {
        var temperature = new Option<double>("--temperature") { Description = "Temperature T >= 0 (k_B = 1) of the reported solution.", Required = true, HelpName = "T" };
        var field = new Option<double>("--field") { Description = "External field h.", DefaultValueFactory = _ => Defaults.Field, HelpName = "H" };
        var coupling = new Option<double>("--coupling") { Description = "Coupling J > 0 (T_c = J).", DefaultValueFactory = _ => Defaults.Coupling, HelpName = "J" };
        var json = new Option<string?>("--json") { Description = "Write the results as JSON to this file (atomically).", HelpName = "PATH" };
        var outDir = OutOption("curie-weiss");
        var sizes = new Option<string>("--sizes") { Description = $"Finite sizes N for the exact binomial sums, comma-separated (1 <= N <= {MaxSize}).", DefaultValueFactory = _ => string.Join(",", Defaults.Sizes), HelpName = "N1,N2,..." };
        var tMin = new Option<double>("--t-min") { Description = "Lowest temperature of the m(T), f(T) sweep.", DefaultValueFactory = _ => Defaults.SweepMin, HelpName = "T" };
        var tMax = new Option<double?>("--t-max") { Description = $"Highest temperature of the sweep (default {Inv(CurieWeissStudyOptions.DefaultSweepMaxOverCoupling)} J).", HelpName = "T" };
        var points = new Option<int>("--points") { Description = "Temperatures in the sweep (2..100000).", DefaultValueFactory = _ => Defaults.SweepPoints, HelpName = "K" };
        var cmd = new Command("curie-weiss",
            "Curie-Weiss model: all branches of m = tanh(beta (J m + h)) with stability from f(m) = -J m^2/2 - h m - T s(m), T_c = J, " +
            "the fitted exponents beta = 1/2 and gamma = 1, and exact finite-N results (binomial sum over M) converging to mean field. " +
            "Writes magnetization.csv/png (m(T): stable solid, metastable dashed, unstable dotted, finite-N <|m|>), free_energy.csv/png, " +
            "exponents.csv/png (log-log fits), finite_size.csv and distribution.csv/png (P(m) at T, H) into --out.")
            { temperature, field, coupling, json, outDir, sizes, tMin, tMax, points };
        cmd.SetAction(p =>
        {
            var clock = Stopwatch.StartNew();
            string? jp = p.GetValue(json);
            string dir = p.GetValue(outDir)!;
            CheckOutputs(dir, FileNames, [], (jp, "--json"));
            double t = Finite(p.GetValue(temperature), "--temperature", "0.5");
            double h = Finite(p.GetValue(field), "--field", "0.1");
            double j = Finite(p.GetValue(coupling), "--coupling", "1");
            if (t < 0) throw new UsageException($"--temperature {Inv(t)} is negative. Give a temperature T >= 0, e.g. --temperature 0.5.");
            if (j <= 0) throw new UsageException($"--coupling {Inv(j)} is not allowed: the Curie-Weiss coupling must be J > 0 (ferromagnetic), e.g. --coupling 1.");
            var ns = Sizes(p.GetValue(sizes)!);
            double lo = Finite(p.GetValue(tMin), "--t-min", "0");
            double hi = Finite((Defaults with { Coupling = j, SweepMax = p.GetValue(tMax) }).SweepEnd, "--t-max", "2");
            int k = p.GetValue(points);
            if (lo < 0) throw new UsageException($"--t-min {Inv(lo)} is negative. Give a sweep start T >= 0, e.g. --t-min 0.");
            if (!(hi > lo)) throw new UsageException($"--t-max {Inv(hi)} must be larger than --t-min {Inv(lo)}. Give a sweep range, e.g. --t-min 0 --t-max 2.");
            if (k < 2 || k > 100_000) throw new UsageException($"--points {k} is not allowed: give between 2 and 100000 temperatures, e.g. --points 201.");

            var study = new CurieWeissStudyOptions { Temperature = t, Field = h, Coupling = j, Sizes = ns, SweepMin = lo, SweepMax = hi, SweepPoints = k };
            var result = CliIO.WithProgress(io, "Curie-Weiss sweep", CurieWeissStudy.WorkUnits(study), pr => CurieWeissStudy.Run(study, pr));
            var files = Files(dir, result);
            var dict = Json(result, files.Select(f => f.Path).ToList());
            dict["elapsed_seconds"] = clock.Elapsed.TotalSeconds;
            if (jp != null) files.Add((jp, CliIO.ToJson(dict, [])));
            var written = WriteAll(files);
            Print(io, result);
            io.Console_.Write(new Text(string.Concat(written.Select(w => $"wrote {w}\n")) +
                $"wall time {clock.Elapsed.TotalSeconds:F2} s\n"));
            return CliApp.Ok;
        });
        return cmd;
    }

    /// <summary>The files written into --out.</summary>
    static readonly string[] FileNames = ["magnetization.csv", "finite_size.csv", "free_energy.csv", "exponents.csv", "distribution.csv",
        "magnetization.png", "free_energy.png", "exponents.png", "distribution.png"];

    static int[] Sizes(string text)
    {
        var items = text.Split(',').Select(s => s.Trim()).ToArray();
        var ns = new int[items.Length];
        for (int i = 0; i < items.Length; i++)
            if (!int.TryParse(items[i], NumberStyles.None, CultureInfo.InvariantCulture, out ns[i]) || ns[i] < 1 || ns[i] > MaxSize)
                throw new UsageException($"--sizes '{text}': '{items[i]}' is not an integer between 1 and {MaxSize}. Give the system sizes as a comma list, e.g. --sizes 10,100,1000.");
        return ns.Distinct().Order().ToArray();
    }

    static string Stability(BranchStability s) => s switch
    {
        BranchStability.Stable => "stable",
        BranchStability.Metastable => "metastable",
        _ => "unstable",
    };

    static Dictionary<string, object?> Json(CurieWeissStudyResult r, List<string> files)
    {
        var st = r.Solution.Stable;
        return new Dictionary<string, object?>
        {
            ["tc"] = CurieWeiss.CriticalTemperature(r.J),
            ["temperature"] = r.T,
            ["field"] = r.H,
            ["coupling"] = r.J,
            ["magnetization"] = st.M,
            ["free_energy"] = st.FreeEnergy,
            ["degenerate"] = r.Solution.Degenerate,
            ["stable_magnetizations"] = r.Solution.StableBranches.Select(b => b.M).ToArray(),
            ["stable_choice"] = "global minimum of f(m); at h = 0 below T_c the two minima +-m0 tie and m >= 0 (the h -> 0+ limit) is reported",
            ["branches"] = r.Solution.Branches.Select(b => new Dictionary<string, object?>
            {
                ["m"] = b.M, ["free_energy"] = b.FreeEnergy, ["curvature"] = double.IsFinite(b.Curvature) ? b.Curvature : null,
                ["stability"] = Stability(b.Stability),
            }).ToList(),
            ["critical_exponent_beta"] = r.Beta.Exponent,
            ["critical_exponent_beta_standard_error"] = r.Beta.ExponentStandardError,
            ["critical_exponent_beta_amplitude"] = r.Beta.Amplitude,
            ["critical_exponent_beta_fit_range"] = new[] { r.Beta.X.Min(), r.Beta.X.Max() },
            ["critical_exponent_gamma"] = r.Gamma.Exponent,
            ["critical_exponent_gamma_fit_range"] = new[] { r.Gamma.X.Min(), r.Gamma.X.Max() },
            ["finite_size"] = r.AtPoint.Select(f => new Dictionary<string, object?>
            {
                ["n"] = f.Size, ["free_energy"] = f.FreeEnergy, ["free_energy_minus_mean_field"] = f.FreeEnergy - st.FreeEnergy,
                ["mean_m"] = f.MeanM, ["mean_abs_m"] = f.MeanAbsM, ["mean_m2"] = f.MeanM2, ["energy"] = f.Energy,
                ["susceptibility"] = f.Susceptibility, ["log_z"] = f.LogZ,
            }).ToList(),
            ["files"] = files,
        };
    }

    static List<(string Path, object Content)> Files(string dir, CurieWeissStudyResult r)
    {
        var files = new List<(string, object)>();
        // CSV: every branch at every swept temperature
        files.Add((Path.Combine(dir, "magnetization.csv"), Csv(["temperature", "branch", "m", "free_energy", "stability"],
            r.Sweep.SelectMany(s => s.Solution.Branches.Select((b, i) => new object[] { s.Temperature, i, b.M, b.FreeEnergy, Stability(b.Stability) })))));
        files.Add((Path.Combine(dir, "finite_size.csv"), Csv(["temperature", "n", "mean_m", "mean_abs_m", "mean_m2", "free_energy", "energy"],
            r.Sweep.SelectMany(s => s.Finite.Select(f => new object[] { s.Temperature, f.Size, f.MeanM, f.MeanAbsM, f.MeanM2, f.FreeEnergy, f.Energy })))));
        files.Add((Path.Combine(dir, "free_energy.csv"), Csv(["temperature", "mean_field_free_energy", .. r.Sizes.Select(n => $"f_N{n}")],
            r.Sweep.Select(s => new object[] { s.Temperature, s.Solution.Stable.FreeEnergy }.Concat(s.Finite.Select(f => (object)f.FreeEnergy)).ToArray()))));
        files.Add((Path.Combine(dir, "exponents.csv"), Csv(["exponent", "x", "y"],
            r.Beta.X.Select((x, i) => new object[] { "beta: x = T_c - T, y = m0", x, r.Beta.Y[i] })
                .Concat(r.Gamma.X.Select((x, i) => new object[] { "gamma: x = T - T_c, y = chi", x, r.Gamma.Y[i] })))));
        files.Add((Path.Combine(dir, "distribution.csv"), Csv(["n", "M", "m", "probability"],
            r.AtPoint.Where(f => f.Size <= MaxDistributionSize).SelectMany(f => f.Probabilities.Select((pk, kk) => new object[] { f.Size, 2 * kk - f.Size, f.MagnetizationPerSpin(kk), pk })))));
        files.Add((Path.Combine(dir, "magnetization.png"), Png(MagnetizationPlot(r))));
        files.Add((Path.Combine(dir, "free_energy.png"), Png(FreeEnergyPlot(r))));
        files.Add((Path.Combine(dir, "exponents.png"), Png(ExponentPlot(r))));
        files.Add((Path.Combine(dir, "distribution.png"), Png(DistributionPlot(r))));
        return files;
    }

    static readonly Color[] SizeColors = [Colors.Green, Colors.Purple, Colors.Brown, Colors.Teal, Colors.Magenta, Colors.Olive, Colors.Navy];

    static (Color, LinePattern) Style(BranchStability s) => s switch
    {
        BranchStability.Stable => (Colors.Blue, LinePattern.Solid),
        BranchStability.Metastable => (Colors.Orange, LinePattern.Dashed),
        _ => (Colors.Gray, LinePattern.Dotted),
    };

    /// <summary>
    /// Splits the branches into three continuous families (lower, middle, upper root; a single root belongs to the
    /// family aligned with h, and to both outer ones at h = 0) and draws each in runs of equal stability.
    /// </summary>
    static void Branches(Plot plot, CurieWeissStudyResult r, Func<MeanFieldBranch, double> value)
    {
        var seen = new HashSet<BranchStability>();
        for (int family = 0; family < 3; family++)
        {
            var run = new List<(double T, double V)>();
            BranchStability? current = null;
            void Flush()
            {
                if (run.Count > 0 && current is { } c)
                {
                    var (color, pattern) = Style(c);
                    Line(plot, run.Select(q => q.T).ToArray(), run.Select(q => q.V).ToArray(), color, seen.Add(c) ? Stability(c) + " mean field" : null, pattern);
                }
                run.Clear();
            }
            foreach (var s in r.Sweep)
            {
                var bs = s.Solution.Branches;
                MeanFieldBranch? b = bs.Count == 3 ? bs[family]
                    : family == 2 && r.H >= 0 || family == 0 && r.H <= 0 ? bs[0] : null;
                if (b is null) { Flush(); current = null; continue; }
                if (current != b.Stability && run.Count > 0)
                {
                    var last = run[^1];
                    Flush();
                    run.Add(last); // keep the curve connected across a change of stability
                }
                current = b.Stability;
                run.Add((s.Temperature, value(b)));
            }
            Flush();
        }
    }

    static Plot MagnetizationPlot(CurieWeissStudyResult r)
    {
        var plot = NewPlot($"Curie-Weiss m(T) at h = {CliIO.Num(r.H)}, J = {CliIO.Num(r.J)} (T_c = J)", "temperature T", "magnetization m");
        Branches(plot, r, b => b.M);
        for (int s = 0; s < r.Sizes.Length; s++)
            Line(plot, r.Sweep.Select(q => q.Temperature).ToArray(), r.Sweep.Select(q => q.Finite[s].MeanAbsM).ToArray(), SizeColors[s % SizeColors.Length],
                $"exact <|m|>, N = {r.Sizes[s]}", null, false, 1.5f);
        var tc = plot.Add.VerticalLine(r.J, 1, Colors.Black);
        tc.LinePattern = LinePattern.Dotted;
        tc.LegendText = "T_c";
        plot.ShowLegend();
        return plot;
    }

    static Plot FreeEnergyPlot(CurieWeissStudyResult r)
    {
        var plot = NewPlot($"Curie-Weiss free energy per spin at h = {CliIO.Num(r.H)}", "temperature T", "f (per spin)");
        Branches(plot, r, b => b.FreeEnergy);
        for (int s = 0; s < r.Sizes.Length; s++)
            Line(plot, r.Sweep.Select(q => q.Temperature).ToArray(), r.Sweep.Select(q => q.Finite[s].FreeEnergy).ToArray(), SizeColors[s % SizeColors.Length],
                $"exact f_N, N = {r.Sizes[s]}", null, false, 1.5f);
        plot.ShowLegend();
        return plot;
    }

    static Plot ExponentPlot(CurieWeissStudyResult r)
    {
        var plot = NewPlot("Critical exponents from the mean-field solution (h = 0)", "ln |T - T_c|", "ln m0   /   ln chi");
        var lxb = r.Beta.X.Select(v => Math.Log(v)).ToArray();
        Line(plot, lxb, r.Beta.Y.Select(v => Math.Log(v)).ToArray(), Colors.Blue, $"m0 below T_c: fitted beta = {r.Beta.Exponent:F5}", null, true);
        Line(plot, lxb, lxb.Select(x => Math.Log(r.Beta.Amplitude) + r.Beta.Exponent * x).ToArray(), Colors.Blue, null, LinePattern.Dashed, false, 1);
        var lxg = r.Gamma.X.Select(v => Math.Log(v)).ToArray();
        Line(plot, lxg, r.Gamma.Y.Select(v => Math.Log(v)).ToArray(), Colors.Red, $"chi above T_c: fitted gamma = {r.Gamma.Exponent:F5}", null, true);
        Line(plot, lxg, lxg.Select(x => Math.Log(r.Gamma.Amplitude) - r.Gamma.Exponent * x).ToArray(), Colors.Red, null, LinePattern.Dashed, false, 1);
        plot.ShowLegend();
        return plot;
    }

    static Plot DistributionPlot(CurieWeissStudyResult r)
    {
        var plot = NewPlot($"Exact P(m) at T = {CliIO.Num(r.T)}, h = {CliIO.Num(r.H)} (density N P(M)/2)", "m = M/N", "probability density");
        for (int s = 0; s < r.AtPoint.Length; s++)
        {
            var f = r.AtPoint[s];
            if (f.Size > MaxDistributionSize) continue;
            Line(plot, Enumerable.Range(0, f.Size + 1).Select(f.MagnetizationPerSpin).ToArray(), f.Probabilities.Select(pk => pk * f.Size / 2).ToArray(),
                SizeColors[s % SizeColors.Length], $"N = {f.Size}", null, f.Size <= 40, 1.5f);
        }
        foreach (var b in r.Solution.StableBranches)
        {
            var v = plot.Add.VerticalLine(b.M, 1, Colors.Blue);
            v.LinePattern = LinePattern.Dashed;
        }
        plot.ShowLegend();
        return plot;
    }

    static void Print(CliIO io, CurieWeissStudyResult r)
    {
        var t = new Table().Title($"Curie-Weiss at T = {CliIO.Num(r.T)}, h = {CliIO.Num(r.H)}, J = {CliIO.Num(r.J)}").AddColumn("quantity").AddColumn("value");
        t.AddRow("T_c", CliIO.Num(r.J));
        t.AddRow("stable m", CliIO.Num(r.Solution.Stable.M) + (r.Solution.Degenerate ? " (degenerate with -m; m >= 0 reported)" : ""));
        t.AddRow("free energy f(m)", CliIO.Num(r.Solution.Stable.FreeEnergy));
        foreach (var b in r.Solution.Branches)
            t.AddRow("branch", $"m = {CliIO.Num(b.M)}, f = {CliIO.Num(b.FreeEnergy)}, {Stability(b.Stability)}");
        t.AddRow("exponent beta (fit)", $"{r.Beta.Exponent:F5} ± {r.Beta.ExponentStandardError:G2} (textbook 1/2)");
        t.AddRow("exponent gamma (fit)", $"{r.Gamma.Exponent:F5} (textbook 1)");
        io.Console_.Write(t);
        var f = new Table().Title("exact finite N (binomial sum over M)").AddColumn("N").AddColumn("f_N").AddColumn("f_N - f_MF").AddColumn("<m>").AddColumn("<|m|>").AddColumn("<m^2>");
        foreach (var x in r.AtPoint)
            f.AddRow(x.Size.ToString(CultureInfo.InvariantCulture), CliIO.Num(x.FreeEnergy), CliIO.Num(x.FreeEnergy - r.Solution.Stable.FreeEnergy),
                CliIO.Num(x.MeanM), CliIO.Num(x.MeanAbsM), CliIO.Num(x.MeanM2));
        io.Console_.Write(f);
    }
}
