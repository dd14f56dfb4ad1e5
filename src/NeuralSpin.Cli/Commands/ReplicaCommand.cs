using System.CommandLine;
using System.Globalization;
using NeuralSpin.Replica;
using NeuralSpin.Reporting;
using Spectre.Console;

namespace NeuralSpin.Cli.Commands;

/// <summary><c>neuralspin replica --widths ... --c ...</c>: the replica-symmetric T_c (P1 15-18, docs/theory.md section 2).</summary>
public static class ReplicaCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create(CliIO io)
    {
        var widths = ArgParsing.WidthsOption();
        var c = ArgParsing.CouplingVarianceOption();
        var json = new Option<string?>("--json")
        {
            Description = "Write {widths, c (per block), tc} as JSON to this file (atomically).",
            HelpName = "PATH",
        };
        var cmd = new Command("replica", "Replica-symmetric critical temperature T_c of the multi-layer SK model for given widths and C_k.")
        {
            widths, c, json,
        };
        cmd.SetAction(parse => Run(io, parse.GetValue(widths)!, parse.GetValue(c)!, parse.GetValue(json)));
        return cmd;
    }

    static int Run(CliIO io, string widthsText, string cText, string? json)
    {
        var w = ArgParsing.Widths(widthsText);
        var c = ArgParsing.CouplingVariances(cText, w.Length - 1);
        CliIO.CheckOutputPath(json, "--json");
        double tc = ReplicaHessian.CriticalTemperature(w, c);

        if (json != null)
            CliIO.WriteText(json, ResultJson.Text(new ReplicaJson(w, c, tc), []));

        var t = new Table().AddColumn("quantity").AddColumn("value");
        t.Title = new TableTitle("replica-symmetric transition");
        void Row(string q, string v) => t.AddRow(new Text(q), new Text(v));
        Row("widths N_0..N_L", string.Join("-", w));
        Row("C_k", string.Join(", ", c.Select(CliIO.Num)));
        Row("T_c = lambda_max(D^-1/2 B D^-1/2)^(1/2)", tc.ToString("R", CultureInfo.InvariantCulture));
        Row("beta_c = 1/T_c", tc > 0 ? CliIO.Num(1 / tc) : "none (T_c = 0)");
        if (w.All(x => x == w[0]) && c.All(x => x == c[0]))
        {
            double closed = ReplicaHessian.CriticalTemperatureEqualLayers(w.Length, c[0]);
            Row("equal layers: [2 C cos(pi/(L+2))]^(1/2) (P1 17)", closed.ToString("R", CultureInfo.InvariantCulture));
            Row("infinite depth: sqrt(2 C) (P1 18)", CliIO.Num(ReplicaHessian.CriticalTemperatureInfiniteDepth(c[0])));
        }
        io.Console_.Write(t);
        if (json != null) io.Console_.Write(new Text($"wrote {json}\n"));
        return CliApp.Ok;
    }
}
