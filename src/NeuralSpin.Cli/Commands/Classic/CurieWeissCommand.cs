using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using NeuralSpin.Classic;
using NeuralSpin.Reporting;
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
        var points = new Option<int>("--points") { Description = $"Temperatures in the sweep ({CurieWeissStudyOptions.MinSweepPoints}..{CurieWeissStudyOptions.MaxSweepPoints}).", DefaultValueFactory = _ => Defaults.SweepPoints, HelpName = "K" };
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
            if (k < CurieWeissStudyOptions.MinSweepPoints || k > CurieWeissStudyOptions.MaxSweepPoints)
                throw new UsageException($"--points {k} is not allowed: give between {CurieWeissStudyOptions.MinSweepPoints} and {CurieWeissStudyOptions.MaxSweepPoints} temperatures, e.g. --points 201.");

            var study = new CurieWeissStudyOptions { Temperature = t, Field = h, Coupling = j, Sizes = ns, SweepMin = lo, SweepMax = hi, SweepPoints = k };
            var result = CliIO.WithProgress(io, "Curie-Weiss sweep", CurieWeissStudy.WorkUnits(study), pr => CurieWeissStudy.Run(study, pr));
            var files = Files(dir, result);
            var document = CurieWeissStudyJson.From(result, files.Select(f => f.Path).ToList(), clock.Elapsed.TotalSeconds);
            if (jp != null) files.Add((jp, ResultJson.Text(document, [])));
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

    static List<(string Path, object Content)> Files(string dir, CurieWeissStudyResult r)
    {
        var files = new List<(string, object)>();
        // CSV: every branch at every swept temperature
        files.Add((Path.Combine(dir, "magnetization.csv"), Csv(["temperature", "branch", "m", "free_energy", "stability"],
            r.Sweep.SelectMany(s => s.Solution.Branches.Select((b, i) => new object[] { s.Temperature, i, b.M, b.FreeEnergy, b.Stability.Name() })))));
        files.Add((Path.Combine(dir, "finite_size.csv"), Csv(["temperature", "n", "mean_m", "mean_abs_m", "mean_m2", "free_energy", "energy"],
            r.Sweep.SelectMany(s => s.Finite.Select(f => new object[] { s.Temperature, f.Size, f.MeanM, f.MeanAbsM, f.MeanM2, f.FreeEnergy, f.Energy })))));
        files.Add((Path.Combine(dir, "free_energy.csv"), Csv(["temperature", "mean_field_free_energy", .. r.Sizes.Select(n => $"f_N{n}")],
            r.Sweep.Select(s => new object[] { s.Temperature, s.Solution.Stable.FreeEnergy }.Concat(s.Finite.Select(f => (object)f.FreeEnergy)).ToArray()))));
        files.Add((Path.Combine(dir, "exponents.csv"), Csv(["exponent", "x", "y"],
            r.Beta.X.Select((x, i) => new object[] { "beta: x = T_c - T, y = m0", x, r.Beta.Y[i] })
                .Concat(r.Gamma.X.Select((x, i) => new object[] { "gamma: x = T - T_c, y = chi", x, r.Gamma.Y[i] })))));
        files.Add((Path.Combine(dir, "distribution.csv"), Csv(["n", "M", "m", "probability"],
            r.AtPoint.Where(f => f.Size <= CurieWeissStudyResult.MaxDistributionSize).SelectMany(f => f.Probabilities.Select((pk, kk) => new object[] { f.Size, 2 * kk - f.Size, f.MagnetizationPerSpin(kk), pk })))));
        files.AddRange(CurieWeissPlots.Render(r).Select(f => (Path.Combine(dir, f.Name), (object)f.Png)));
        return files;
    }

    static void Print(CliIO io, CurieWeissStudyResult r)
    {
        var t = new Table().Title($"Curie-Weiss at T = {CliIO.Num(r.T)}, h = {CliIO.Num(r.H)}, J = {CliIO.Num(r.J)}").AddColumn("quantity").AddColumn("value");
        t.AddRow("T_c", CliIO.Num(r.J));
        t.AddRow("stable m", CliIO.Num(r.Solution.Stable.M) + (r.Solution.Degenerate ? " (degenerate with -m; m >= 0 reported)" : ""));
        t.AddRow("free energy f(m)", CliIO.Num(r.Solution.Stable.FreeEnergy));
        foreach (var b in r.Solution.Branches)
            t.AddRow("branch", $"m = {CliIO.Num(b.M)}, f = {CliIO.Num(b.FreeEnergy)}, {b.Stability.Name()}");
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
