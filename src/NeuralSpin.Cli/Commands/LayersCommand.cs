using NeuralSpin.Reporting;
using System.CommandLine;
using System.Globalization;
using NeuralSpin.IO;
using NeuralSpin.Layers;
using NeuralSpin.Numerics;
using Spectre.Console;

namespace NeuralSpin.Cli.Commands;

/// <summary>
/// <c>neuralspin layers MODEL</c>: the per-layer spectral metrics of any model file (LayerAnalysis.Run), printed as a
/// table, optionally written as JSON and CSV, with one ESD plot per layer.
/// </summary>
public static class LayersCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create(CliIO io)
    {
        var model = new Argument<string>("MODEL")
        {
            Description = "Model file: " + ModelFile.Accepted + ".",
        };
        var layers = new Option<string?>("--layers")
        {
            Description = "Comma-separated tensor names or globs (* and ?) of the layers (default: every 2-D weight and (out, in, k...) convolution kernel, in numeric name order).",
            HelpName = "a,b,c",
        };
        var json = new Option<string?>("--json") { Description = "Write the metrics as JSON to this file.", HelpName = "PATH" };
        var csv = new Option<string?>("--csv") { Description = "Write one CSV row of metrics per layer to this file.", HelpName = "PATH" };
        var plots = new Option<string?>("--plots") { Description = "Write one log-log ESD plot per layer (esd_<layer>.png) into this directory.", HelpName = "DIR" };
        var threads = ArgParsing.LibtorchThreadsOption();
        var cmd = new Command("layers", "Per-layer spectral metrics in WeightWatcher's manner: the ESD of X = W^T W / N, Marchenko-Pastur bulk and spikes, power-law alpha (xmin by KS distance), norms, stable rank and verdict; biases as fields h; whether the layers chain for the spin model.")
        {
            model, layers, json, csv, plots, threads,
        };
        cmd.SetAction(parse => Run(io, new Settings(parse.GetValue(model)!, parse.GetValue(layers), parse.GetValue(json), parse.GetValue(csv),
            parse.GetValue(plots), parse.GetValue(threads))));
        return cmd;
    }

    /// <summary>The parsed options of one run.</summary>
    public sealed record Settings(string Model, string? Layers, string? Json, string? Csv, string? Plots, int? Threads);

    /// <summary>Runs the command.</summary>
    public static int Run(CliIO io, Settings s)
    {
        ArgParsing.ThreadCount(s.Threads);
        CliIO.CheckFiles([(s.Model, "MODEL")], [(s.Json, "--json"), (s.Csv, "--csv")]);
        CliIO.CheckOutputDirectory(s.Plots, "--plots");
        var patterns = s.Layers is null ? null : ArgParsing.Layers(s.Layers);
        TorchLinalg.Configure(ArgParsing.ThreadCount(s.Threads));

        LayersReport report;
        using (var plain = new PlainProgress(io.Err, $"layers {s.Model}", 0))
        {
            var progress = new NeuralSpin.Reporting.SyncProgress<LayerProgress>(p =>
            {
                plain.Stage(p.Current is null ? "done" : $"layer {p.Current}", p.Total);
                plain.Report(p.Done);
            });
            report = LayerAnalysis.Run(s.Model, new LayerOptions { Layers = patterns }, progress);
        }

        using (var outputs = new OutputSet())
        {
            if (s.Json != null) outputs.AddText(s.Json, LayersJson.Text(report, [s.Model]));
            if (s.Csv != null) outputs.AddText(s.Csv, LayerAnalysis.ToCsv(report));
            if (s.Plots != null)
                foreach (var l in report.Layers)
                    outputs.AddBytes(Path.Combine(s.Plots, EsdPlot.FileName(l.Metrics.Name)), EsdPlot.Render(l.Metrics, Path.GetFileName(s.Model)));
            outputs.Commit();
        }

        if (!io.IsTerminal) io.Console_.Profile.Width = Math.Max(io.Console_.Profile.Width, 160);
        io.Console_.Write(Table(s.Model, report));
        foreach (var n in report.Notes) io.Notice(n);
        if (report.Skipped.Count > 0)
        {
            var names = report.Skipped.Take(8).Select(t => $"{t.Name} {t.Shape} ({t.Reason})").ToList();
            if (report.Skipped.Count > 8) names.Add($"and {report.Skipped.Count - 8} more");
            io.Notice($"skipped {report.Skipped.Count} tensor(s) that are not layers: {string.Join("; ", names)}.");
        }
        io.Console_.Write(new Text(report.Chains
            ? $"spin model: the {report.Layers.Count} matrices chain (widths {string.Join("-", Widths(report))}); 'neuralspin analyze {s.Model}' gives its analysis.\n"
            : $"spin model: not applicable, {report.ChainMessage}.\n"));
        if (s.Json != null) io.Console_.Write(new Text($"wrote {s.Json}\n"));
        if (s.Csv != null) io.Console_.Write(new Text($"wrote {s.Csv} ({report.Layers.Count} rows)\n"));
        if (s.Plots != null) io.Console_.Write(new Text($"wrote {report.Layers.Count} ESD plots to {s.Plots}\n"));
        io.Console_.Write(new Text($"elapsed {report.ElapsedSeconds:F2} s\n"));
        return CliApp.Ok;
    }

    static IEnumerable<long> Widths(LayersReport r) => [r.Layers[0].Metrics.Shape[1], .. r.Layers.Select(l => l.Metrics.Shape[0])];

    static string N(double? v, string f = "G4") => v is double x && double.IsFinite(x) ? x.ToString(f, CultureInfo.InvariantCulture) : "-";

    static Table Table(string model, LayersReport r)
    {
        var t = new Table().Border(TableBorder.Simple);
        t.Title = new TableTitle(Markup.Escape($"Per-layer spectra of {model} ({r.Format}, {r.Layers.Count} layers)"));
        foreach (var h in new[] { "layer", "shape", "alpha", "D (KS)", "xmin", "spikes", "MP edge", "lambda_max", "alpha_w", "log ||W||_F^2/N", "stable rank", "verdict", "bias rms / field" })
            t.AddColumn(new TableColumn(Markup.Escape(h)));
        foreach (var l in r.Layers)
        {
            var m = l.Metrics;
            string alpha = m.PowerLaw is { } f ? $"{N(f.Alpha, "F2")} +- {N(f.AlphaStandardError, "F2")}" : "-";
            t.AddRow(new Text(m.Name), new Text(string.Join("x", m.Shape)), new Text(alpha), new Text(N(m.PowerLaw?.KsDistance, "F3")),
                new Text(N(m.PowerLaw?.XMin)), new Text(m.MarchenkoPastur.Spikes.ToString(CultureInfo.InvariantCulture)), new Text(N(m.MarchenkoPastur.Edge)),
                new Text(N(m.LambdaMax)), new Text(N(m.AlphaWeighted, "F3")), new Text(N(m.LogFrobeniusNorm, "F3")), new Text(N(m.StableRank, "F2")),
                new Text(m.Verdict), new Text(l.Bias is { } b ? $"{N(b.Rms, "G3")} / {N(b.Ratio, "G2")}{(b.Large ? " (large)" : "")}" : "-"));
        }
        return t;
    }
}
