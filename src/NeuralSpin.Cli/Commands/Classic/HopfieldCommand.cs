using NeuralSpin.Reporting;
using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using NeuralSpin.Classic;
using Spectre.Console;

namespace NeuralSpin.Cli.Commands.Classic;

/// <summary>
/// <c>neuralspin classic hopfield</c>: retrieval in random Hopfield networks (docs/theory.md section 8) next to the AGS
/// replica-symmetric theory: overlap vs load for several N with alpha_c(N), overlap vs T at fixed load, and the
/// (alpha, T) phase diagram with the T_g, T_M, T_c boundaries and Glauber simulation points. CSV + PNG into --out,
/// --json for the numbers.
/// </summary>
public static class HopfieldCommand
{
    /// <summary>The library's defaults of the study.</summary>
    static readonly HopfieldStudyOptions Defaults = new();

    /// <summary>A default list of the library as the comma-separated text of the option.</summary>
    static string List(IEnumerable<double> values) => string.Join(",", values.Select(Inv));

    /// <summary>Builds the command.</summary>
    public static Command Create(CliIO io)
    {
        var sizes = new Option<string>("--sizes") { Description = "Network sizes N of the overlap-vs-load curves, comma-separated.", DefaultValueFactory = _ => string.Join(",", Defaults.Sizes), HelpName = "N1,N2,..." };
        var alphas = new Option<string>("--alphas") { Description = "Loads alpha = P/N of the overlap-vs-load curves (P = round(alpha N)).", DefaultValueFactory = _ => List(Defaults.Alphas), HelpName = "A1,A2,..." };
        var temperature = new Option<double>("--temperature") { Description = "Temperature of the overlap-vs-load curves: 0 runs asynchronous T = 0 dynamics to a fixed point, T > 0 Glauber dynamics.", DefaultValueFactory = _ => Defaults.Temperature, HelpName = "T" };
        var samples = new Option<int>("--samples") { Description = "Independent pattern sets per point of the overlap-vs-load curves (error bars are standard errors over them).", DefaultValueFactory = _ => Defaults.Samples, HelpName = "K" };
        var level = new Option<double>("--level") { Description = "Overlap level defining alpha_c(N): where the mean overlap falls through it, and where the fraction of runs reaching it falls through 1/2.", DefaultValueFactory = _ => Defaults.Level, HelpName = "L" };
        var flip = new Option<double>("--flip-fraction") { Description = $"Fraction of the pattern's spins reversed in the start configuration, in [0, {Inv(HopfieldRunSettings.MaxFlipFraction)}].", DefaultValueFactory = _ => Defaults.Run.FlipFraction, HelpName = "F" };
        var tAlpha = new Option<double>("--t-alpha") { Description = "Load of the overlap-vs-temperature curve.", DefaultValueFactory = _ => Defaults.TemperatureCurveAlpha, HelpName = "A" };
        var temps = new Option<string>("--temperatures") { Description = "Temperatures of the overlap-vs-temperature curve.", DefaultValueFactory = _ => List(Defaults.Temperatures), HelpName = "T1,T2,..." };
        var phaseSize = new Option<int>("--phase-size") { Description = "N of the overlap-vs-temperature curve and of the phase-diagram points.", DefaultValueFactory = _ => Defaults.PhaseSize, HelpName = "N" };
        var phaseSamples = new Option<int>("--phase-samples") { Description = "Pattern sets per point of the overlap-vs-temperature curve and of the phase diagram.", DefaultValueFactory = _ => Defaults.PhaseSamples, HelpName = "K" };
        var phaseAlphas = new Option<string>("--phase-alphas") { Description = "Loads of the phase-diagram simulation grid.", DefaultValueFactory = _ => List(Defaults.PhaseAlphas), HelpName = "A1,A2,..." };
        var phaseTemps = new Option<string>("--phase-temperatures") { Description = "Temperatures (> 0) of the phase-diagram simulation grid.", DefaultValueFactory = _ => List(Defaults.PhaseTemperatures), HelpName = "T1,T2,..." };
        var burnIn = new Option<int>("--burn-in") { Description = "Glauber sweeps before measuring (T > 0 runs).", DefaultValueFactory = _ => Defaults.Run.BurnInSweeps, HelpName = "SWEEPS" };
        var measure = new Option<int>("--measure") { Description = "Glauber sweeps over which the overlap is averaged (T > 0 runs).", DefaultValueFactory = _ => Defaults.Run.MeasureSweeps, HelpName = "SWEEPS" };
        var noPhase = new Option<bool>("--no-phase-diagram") { Description = "Skip the phase diagram (AGS boundaries and its simulation grid)." };
        var seed = new Option<int>("--seed") { Description = "Seed; every run derives its own seed from it, so results do not depend on the thread count.", DefaultValueFactory = _ => Defaults.Seed, HelpName = "S" };
        var json = new Option<string?>("--json") { Description = "Write the curves, the alpha_c(N) estimates, the AGS alpha_c and the boundary tables as JSON (atomically).", HelpName = "PATH" };
        var outDir = new Option<string>("--out") { Description = "Output directory for the CSV and PNG files (created as needed).", DefaultValueFactory = _ => Path.Combine("results", "classic", "hopfield"), HelpName = "DIR" };

        var cmd = new Command("hopfield",
            "Hopfield retrieval vs load and temperature (Hebbian couplings, T = 0 asynchronous and Glauber dynamics from a stored pattern) " +
            $"next to the AGS replica-symmetric theory: finite-size overlap curves and alpha_c(N), AGS alpha_c = {Inv(AgsTheory.PublishedCriticalLoad)}, and the phase diagram (T_g, T_M, T_c) with simulation points.")
        {
            sizes, alphas, temperature, samples, level, flip, tAlpha, temps, phaseSize, phaseSamples, phaseAlphas, phaseTemps, burnIn, measure, noPhase, seed, json, outDir,
        };
        cmd.SetAction(p =>
        {
            var total = Stopwatch.StartNew();
            string? jp = p.GetValue(json);
            string dir = p.GetValue(outDir)!;
            ClassicOutputFiles.CheckOutputs(dir, FileNames, [], (jp, "--json"));

            var ns = PositiveInts(p.GetValue(sizes)!, "--sizes", HopfieldStudyOptions.MinSize, HopfieldStudyOptions.MaxSize, "250,500,1000,2000");
            var loads = Numbers(p.GetValue(alphas)!, "--alphas", 0, HopfieldStudyOptions.MaxAlpha, false, "0.05,0.1,0.15");
            double t0 = p.GetValue(temperature);
            if (!(t0 >= 0 && t0 <= HopfieldStudyOptions.MaxTemperature)) throw new UsageException($"--temperature {Inv(t0)} is not allowed: give a temperature in [0, {Inv(HopfieldStudyOptions.MaxTemperature)}], e.g. --temperature 0.");
            int k = p.GetValue(samples);
            if (k < 1 || k > HopfieldStudyOptions.MaxSamples) throw new UsageException($"--samples {k} is not allowed: give between 1 and {HopfieldStudyOptions.MaxSamples} pattern sets per point.");
            double lvl = p.GetValue(level);
            if (!(lvl > 0 && lvl < 1)) throw new UsageException($"--level {Inv(lvl)} is not allowed: give an overlap level strictly between 0 and 1, e.g. --level 0.8.");
            double ff = p.GetValue(flip);
            if (!(ff >= 0 && ff <= HopfieldRunSettings.MaxFlipFraction)) throw new UsageException($"--flip-fraction {Inv(ff)} is not allowed: give a fraction in [0, {Inv(HopfieldRunSettings.MaxFlipFraction)}], e.g. --flip-fraction 0.1.");
            double ta = p.GetValue(tAlpha);
            if (!(ta > 0 && ta <= HopfieldStudyOptions.MaxAlpha)) throw new UsageException($"--t-alpha {Inv(ta)} is not allowed: give a load in (0, {Inv(HopfieldStudyOptions.MaxAlpha)}], e.g. --t-alpha 0.05.");
            var tList = Numbers(p.GetValue(temps)!, "--temperatures", 0, HopfieldStudyOptions.MaxTemperature, true, "0,0.5,1");
            int pn = p.GetValue(phaseSize);
            if (pn < HopfieldStudyOptions.MinSize || pn > HopfieldStudyOptions.MaxSize) throw new UsageException($"--phase-size {pn} is not allowed: give N between {HopfieldStudyOptions.MinSize} and {HopfieldStudyOptions.MaxSize}, e.g. --phase-size 1000.");
            int pk = p.GetValue(phaseSamples);
            if (pk < 1 || pk > HopfieldStudyOptions.MaxSamples) throw new UsageException($"--phase-samples {pk} is not allowed: give between 1 and {HopfieldStudyOptions.MaxSamples} pattern sets per point.");
            bool phase = !p.GetValue(noPhase);
            var paList = Numbers(p.GetValue(phaseAlphas)!, "--phase-alphas", 0, HopfieldStudyOptions.MaxAlpha, false, "0.05,0.1,0.15");
            var ptList = Numbers(p.GetValue(phaseTemps)!, "--phase-temperatures", 0, HopfieldStudyOptions.MaxTemperature, false, "0.2,0.5,0.8");
            int bi = p.GetValue(burnIn), ms = p.GetValue(measure);
            if (bi < 0 || bi > HopfieldRunSettings.MaxSweeps) throw new UsageException($"--burn-in {bi} is not allowed: give a number of sweeps in [0, {HopfieldRunSettings.MaxSweeps}].");
            if (ms < 1 || ms > HopfieldRunSettings.MaxSweeps) throw new UsageException($"--measure {ms} is not allowed: give a number of sweeps in [1, {HopfieldRunSettings.MaxSweeps}].");
            int s = p.GetValue(seed);
            var r = CliIO.WithStages(io, "classic hopfield", pr => HopfieldStudy.Run(new HopfieldStudyOptions
            {
                Sizes = ns, Alphas = loads, Temperature = t0, Samples = k, Level = lvl, TemperatureCurveAlpha = ta, Temperatures = tList,
                PhaseSize = pn, PhaseSamples = pk, PhaseAlphas = paList, PhaseTemperatures = ptList, PhaseDiagram = phase, Seed = s,
                Run = new HopfieldRunSettings { FlipFraction = ff, BurnInSweeps = bi, MeasureSweeps = ms },
            }, pr));
            var (loadPoints, tPoints, phasePoints, diagram, capacities) = (r.LoadPoints, r.TemperaturePoints, r.PhasePoints, r.Diagram, r.Capacities);
            var agsT = r.AgsOverlapVsTemperature.Select(q => (T: q.Temperature, q.M)).ToList();
            var agsM = r.AgsOverlapZeroTemperature;
            double alphaC = r.CriticalLoad, mC = r.CriticalOverlap, alphaGlobal = r.GlobalStabilityLoad;

            // render everything before writing anything
            var files = new List<(string Name, object Content)>
            {
                ("overlap_vs_alpha.csv", PointsCsv(loadPoints)),
                ("overlap_vs_alpha.png", HopfieldPlots.OverlapVsLoad(loadPoints, t0, lvl)),
                ("alpha_c_vs_n.csv", ClassicOutputFiles.Csv(["n", "alpha_mean_crossing", "alpha_half_success"],
                    capacities.Select(c => new object[] { c.Size, c.AlphaAtMeanLevel, c.AlphaAtHalfSuccess }))),
                ("ags_overlap_t0.csv", ClassicOutputFiles.Csv(["alpha", "m"], agsM.Select(q => new object[] { q.Alpha, q.M }))),
                ("overlap_vs_temperature.csv", PointsCsv(tPoints)),
                ("overlap_vs_temperature.png", HopfieldPlots.OverlapVsTemperature(tPoints, ta, agsT)),
            };
            if (diagram != null)
            {
                files.Add(("phase_points.csv", PointsCsv(phasePoints)));
                files.Add(("ags_boundaries.csv", ClassicOutputFiles.Csv(["boundary", "alpha", "temperature"],
                    diagram.Glass.Select(q => new object[] { "T_g", q.Alpha, q.Temperature })
                        .Concat(diagram.RetrievalLimit.Select(q => new object[] { "T_M", q.Alpha, q.Temperature }))
                        .Concat(diagram.RetrievalGlobal.Select(q => new object[] { "T_c", q.Alpha, q.Temperature })))));
                files.Add(("phase_diagram.png", HopfieldPlots.PhaseDiagram(diagram, phasePoints, r.Options.PhaseLevel)));
            }
            var all = files.Select(f => (Path.Combine(dir, f.Name), f.Content)).ToList();
            if (jp != null) all.Add((jp, ResultJson.Text(HopfieldStudyJson.From(r), [])));
            var written = ClassicOutputFiles.WriteAll(all);

            var table = new Table().Title($"Hopfield retrieval (T = {Inv(t0)}, {k} pattern sets per point, seed {s})")
                .AddColumn("N").AddColumn($"alpha_c(N): mean m = {Inv(lvl)}").AddColumn("alpha_c(N): half succeed").AddColumn("m at smallest / largest alpha");
            foreach (var c in capacities)
            {
                var pts = loadPoints.Where(q => q.Size == c.Size).OrderBy(q => q.Alpha).ToList();
                table.AddRow(c.Size.ToString(CultureInfo.InvariantCulture), CliIO.Num(c.AlphaAtMeanLevel), CliIO.Num(c.AlphaAtHalfSuccess),
                    $"{CliIO.Num(pts[0].MeanOverlap)} / {CliIO.Num(pts[^1].MeanOverlap)}");
            }
            io.Console_.Write(table);
            var ags = new Table().Title("AGS replica-symmetric theory").AddColumn("quantity").AddColumn("value").AddColumn("textbook");
            ags.AddRow("alpha_c (T = 0, retrieval states cease)", CliIO.Num(alphaC), Inv(AgsTheory.PublishedCriticalLoad));
            ags.AddRow("m at alpha_c (T = 0)", CliIO.Num(mC), Inv(AgsTheory.PublishedCriticalOverlap));
            ags.AddRow("alpha where retrieval becomes the global minimum (T = 0)", CliIO.Num(alphaGlobal), Inv(AgsTheory.PublishedGlobalStabilityLoad));
            ags.AddRow($"m(T = 0) at alpha = {Inv(ta)}", CliIO.Num(AgsTheory.RetrievalOverlap(ta, 0)), "");
            ags.AddRow($"T_M at alpha = {Inv(ta)} (last T of the AGS m(T) grid with m > 0)", CliIO.Num(r.AgsRetrievalLimitOnGrid), "");
            io.Console_.Write(ags);
            if (capacities.Any(c => double.IsNaN(c.AlphaAtMeanLevel)))
                io.Notice($"for some N the mean overlap never falls through {Inv(lvl)} inside the --alphas range; extend the range (e.g. up to {Inv(Defaults.Alphas.Max())}) to locate alpha_c(N).");
            io.Console_.Write(new Text(string.Concat(written.Select(w => $"wrote {w}\n")) + $"wall time {total.Elapsed.TotalSeconds.ToString("F1", CultureInfo.InvariantCulture)} s\n"));
            return CliApp.Ok;
        });
        return cmd;
    }

    static string Inv(double v) => v.ToString("G", CultureInfo.InvariantCulture);

    /// <summary>The files written into --out (the last three only with the phase diagram).</summary>
    static readonly string[] FileNames = ["overlap_vs_alpha.csv", "overlap_vs_alpha.png", "alpha_c_vs_n.csv", "ags_overlap_t0.csv", "overlap_vs_temperature.csv",
        "overlap_vs_temperature.png", "phase_points.csv", "ags_boundaries.csv", "phase_diagram.png"];

    static string PointsCsv(IEnumerable<HopfieldOverlapPoint> pts) =>
        ClassicOutputFiles.Csv(["n", "patterns", "alpha", "temperature", "mean_overlap", "standard_error", "success_fraction", "samples"],
            pts.Select(q => new object[] { q.Size, q.Patterns, q.Alpha, q.Temperature, q.MeanOverlap, q.StandardError, q.SuccessFraction, q.Overlaps.Length }));

    static string[] Items(string text, string option, string example)
    {
        var items = text.Split(',').Select(x => x.Trim()).ToArray();
        if (items.Any(x => x.Length == 0))
            throw new UsageException($"{option} '{text}' has an empty entry. Give a comma-separated list, e.g. {option} {example}.");
        return items;
    }

    static int[] PositiveInts(string text, string option, int min, int max, string example)
    {
        var items = Items(text, option, example);
        var v = new int[items.Length];
        for (int i = 0; i < items.Length; i++)
            if (!int.TryParse(items[i], NumberStyles.None, CultureInfo.InvariantCulture, out v[i]) || v[i] < min || v[i] > max)
                throw new UsageException($"{option} '{text}': '{items[i]}' is not an integer between {min} and {max}. Give a comma-separated list, e.g. {option} {example}.");
        return v.Distinct().OrderBy(x => x).ToArray();
    }

    // values in (lo, hi] (or [lo, hi] with includeLow), sorted, duplicates removed
    static double[] Numbers(string text, string option, double lo, double hi, bool includeLow, string example)
    {
        var items = Items(text, option, example);
        var v = new double[items.Length];
        string range = includeLow ? $"[{Inv(lo)}, {Inv(hi)}]" : $"({Inv(lo)}, {Inv(hi)}]";
        for (int i = 0; i < items.Length; i++)
        {
            if (!double.TryParse(items[i], NumberStyles.Float, CultureInfo.InvariantCulture, out v[i]) || !double.IsFinite(v[i])
                || v[i] > hi || v[i] < lo || (!includeLow && v[i] == lo))
                throw new UsageException($"{option} '{text}': '{items[i]}' is not a number in {range}. Give a comma-separated list, e.g. {option} {example}.");
        }
        return v.Distinct().OrderBy(x => x).ToArray();
    }
}
