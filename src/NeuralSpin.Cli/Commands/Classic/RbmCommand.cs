using NeuralSpin.Numerics;
using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using NeuralSpin.BinaryNets;
using NeuralSpin.Classic;
using NeuralSpin.Ising;
using NeuralSpin.Reporting;
using Spectre.Console;
using static NeuralSpin.Cli.Commands.Classic.ClassicOutputFiles;

namespace NeuralSpin.Cli.Commands.Classic;

/// <summary>
/// <c>neuralspin classic rbm</c>: an RBM's exact marginal H_eff(v) = -b.v - sum_mu ln 2cosh(c_mu + sum_i W_i mu v_i)
/// (docs/theory.md section 8) against its pairwise small-coupling expansion (<see cref="Rbm.QuadraticExpansion"/>: J = sum_mu
/// (1 - tanh^2 c_mu) W W^T off the diagonal, h = b + W tanh c), on all 2^N_v visible states when N_v &lt;= 22 and on
/// seeded random states beyond. With <c>--weights FILE</c> for a given machine; with <c>--demo</c> for a seeded random
/// machine whose weight scale is swept to show the O(W^4) (c = 0) and O(W^3) (c != 0) deviation.
/// </summary>
public static class RbmCommand
{
    static string Inv(double v) => v.ToString("R", CultureInfo.InvariantCulture);

    /// <summary>The library's defaults of the deviation and of the demo.</summary>
    static readonly RbmDeviationOptions DeviationDefaults = new();
    static readonly RbmDemoOptions DemoDefaults = new();

    /// <summary>Builds the command.</summary>
    public static Command Create(CliIO io)
    {
        var weights = new Option<string?>("--weights")
        {
            Description = "RBM file: .npz or .safetensors with W (N_v x N_h; or 'weights'), optional b (N_v; or 'visible_bias') and c (N_h; or 'hidden_bias'); or a .npy with W alone.",
            HelpName = "FILE",
        };
        var demo = new Option<bool>("--demo") { Description = $"Draw a random RBM (W ~ N(0, 1/N_v), b ~ N(0, {Inv(RbmDemo.VisibleBiasScale)}^2), c ~ N(0, 1)) and sweep its weight scale." };
        var json = new Option<string?>("--json") { Description = "Write the results as JSON to this file (atomically).", HelpName = "PATH" };
        var outDir = OutOption("rbm");
        var modelOut = new Option<string?>("--model-out")
        {
            Description = "Write the effective pairwise model (J, h, beta = 1) as an Ising model file (.npz, .safetensors or .txt) for 'ising enumerate|bethe'.",
            HelpName = "MODEL",
        };
        var samples = new Option<int>("--samples") { Description = $"Random visible states checked when N_v > {DeviationDefaults.MaxExhaustiveVisible} (no KL then).", DefaultValueFactory = _ => DeviationDefaults.Samples, HelpName = "K" };
        var seed = new Option<int>("--seed") { Description = "Seed of the demo machine and of the random states.", DefaultValueFactory = _ => (int)DeviationDefaults.Seed, HelpName = "S" };
        var visible = new Option<int>("--visible") { Description = $"Demo: visible units N_v (1..{DeviationDefaults.MaxExhaustiveVisible}).", DefaultValueFactory = _ => DemoDefaults.Visible, HelpName = "NV" };
        var hidden = new Option<int>("--hidden") { Description = $"Demo: hidden units N_h (1..{RbmDemoOptions.MaxHidden}).", DefaultValueFactory = _ => DemoDefaults.Hidden, HelpName = "NH" };
        var scale = new Option<double>("--scale") { Description = "Demo: weight scale s of the reported machine (W -> s W).", DefaultValueFactory = _ => DemoDefaults.Scale, HelpName = "S" };
        var scaleMin = new Option<double>("--scale-min") { Description = "Demo: smallest scale of the sweep.", DefaultValueFactory = _ => DemoDefaults.ScaleMin, HelpName = "S" };
        var scaleMax = new Option<double>("--scale-max") { Description = "Demo: largest scale of the sweep.", DefaultValueFactory = _ => DemoDefaults.ScaleMax, HelpName = "S" };
        var points = new Option<int>("--points") { Description = $"Demo: log-spaced scales in the sweep ({RbmDemoOptions.MinPoints}..{RbmDemoOptions.MaxPoints}).", DefaultValueFactory = _ => DemoDefaults.Points, HelpName = "K" };
        var cmd = new Command("rbm",
            "RBM with +-1 units: exact H_eff(v) by summing out the hidden units vs its quadratic (pairwise Ising) expansion " +
            "J = sum_mu (1 - tanh^2 c_mu) W W^T, h = b + W tanh c (Hopfield form J = W W^T at c = 0). Reports the largest |H_eff - H_quad| over " +
            $"all visible states (N_v <= {RbmDeviationOptions.DefaultMaxExhaustiveVisible}; else over --samples seeded random states) and KL(P_eff || P_quad). Writes scatter.csv/png " +
            $"(exact vs quadratic H_eff) and, with --demo, scaling.csv/png (deviation vs weight scale, slopes {RbmDemo.ExpectedExponentWithoutHiddenBias} and {RbmDemo.ExpectedExponentWithHiddenBias}) into --out. " +
            "Give exactly one of --weights FILE and --demo.")
            { weights, demo, json, outDir, modelOut, samples, seed, visible, hidden, scale, scaleMin, scaleMax, points };
        cmd.SetAction(p =>
        {
            var clock = Stopwatch.StartNew();
            string? jp = p.GetValue(json), mo = p.GetValue(modelOut), wf = p.GetValue(weights);
            string dir = p.GetValue(outDir)!;
            bool isDemo = p.GetValue(demo);
            CheckOutputs(dir, ["scatter.csv", "scatter.png", "scaling.csv", "scaling.png"], [(wf, "--weights")], (jp, "--json"), (mo, "--model-out"));
            if (mo != null && Path.GetExtension(mo).ToLowerInvariant() is not (".npz" or ".safetensors" or ".txt"))
                throw new UsageException($"--model-out '{mo}' has no model extension: use .npz, .safetensors or .txt.");
            if ((wf == null) == !isDemo)
                throw new UsageException(wf == null
                    ? "give either --weights FILE (an RBM to analyse) or --demo (a random RBM and a sweep of its weight scale)."
                    : "--weights and --demo exclude each other: give one of them.");
            int k = p.GetValue(samples), sd = p.GetValue(seed);
            if (k < 1 || k > RbmDeviationOptions.MaxSamples) throw new UsageException($"--samples {k} is not allowed: give between 1 and {RbmDeviationOptions.MaxSamples} random states, e.g. --samples 100000.");
            var options = new RbmDeviationOptions { Samples = k, Seed = sd };

            Rbm rbm;
            RbmScaleSweep? sweep = null;
            if (isDemo)
            {
                int nv = p.GetValue(visible), nh = p.GetValue(hidden), pts = p.GetValue(points);
                double s = p.GetValue(scale), lo = p.GetValue(scaleMin), hi = p.GetValue(scaleMax);
                if (nv < 1 || nv > DeviationDefaults.MaxExhaustiveVisible)
                    throw new UsageException($"--visible {nv} is not allowed: the demo enumerates all 2^N_v states, so give 1..{DeviationDefaults.MaxExhaustiveVisible}, e.g. --visible {DemoDefaults.Visible}.");
                if (nh < 1 || nh > RbmDemoOptions.MaxHidden) throw new UsageException($"--hidden {nh} is not allowed: give 1..{RbmDemoOptions.MaxHidden} hidden units, e.g. --hidden 3.");
                if (!(double.IsFinite(s) && s > 0)) throw new UsageException($"--scale {Inv(s)} is not allowed: give a finite positive weight scale, e.g. --scale 0.5.");
                if (!(double.IsFinite(lo) && double.IsFinite(hi) && lo > 0 && hi > lo))
                    throw new UsageException($"--scale-min {Inv(lo)} and --scale-max {Inv(hi)} must be finite with 0 < --scale-min < --scale-max, e.g. --scale-min 0.01 --scale-max 2.");
                if (pts < RbmDemoOptions.MinPoints || pts > RbmDemoOptions.MaxPoints) throw new UsageException($"--points {pts} is not allowed: give {RbmDemoOptions.MinPoints}..{RbmDemoOptions.MaxPoints} scales, e.g. --points 15.");
                var demoOptions = new RbmDemoOptions { Visible = nv, Hidden = nh, Scale = s, ScaleMin = lo, ScaleMax = hi, Points = pts };
                var unit = RbmDemo.Machine(nv, nh, sd);
                rbm = unit.WithWeightScale(s);
                var scales = RbmDemo.Scales(demoOptions);
                sweep = CliIO.WithProgress(io, "scale sweep", RbmDemo.WorkUnits(scales), pr => RbmDemo.Sweep(unit, scales, options, pr));
            }
            else
            {
                rbm = RbmFile.Read(wf!);
            }
            var quad = rbm.QuadraticExpansion();
            var dev = CliIO.WithProgress(io, rbm.Visible <= options.MaxExhaustiveVisible ? $"enumerating 2^{rbm.Visible} visible states" : $"{k} random visible states",
                RbmDeviation.WorkUnits(rbm, options), pr => RbmDeviation.Compute(rbm, options, pr));
            var scatter = RbmDeviation.Scatter(rbm, quad, sd);
            var plots = RbmPlots.Render(rbm, dev, scatter, sweep).ToDictionary(f => f.Name, f => f.Png);

            var files = new List<(string Path, object Content)>
            {
                (Path.Combine(dir, "scatter.csv"), Csv(["h_eff_exact", "h_eff_quadratic", "difference"], scatter.Select(q => new object[] { q.Exact, q.Quadratic, q.Difference }))),
                (Path.Combine(dir, "scatter.png"), plots["scatter.png"]),
            };
            if (sweep != null)
            {
                files.Add((Path.Combine(dir, "scaling.csv"), Csv(["scale", "max_deviation_c0", "spread_c0", "kl_c0", "max_deviation_c", "spread_c", "kl_c"],
                    sweep.Scales.Select((s, i) => new object[] { s, sweep.Zero[i].MaxAbsDeviation, sweep.Zero[i].Spread, sweep.Zero[i].KlDivergence!.Value,
                        sweep.Biased[i].MaxAbsDeviation, sweep.Biased[i].Spread, sweep.Biased[i].KlDivergence!.Value }))));
                files.Add((Path.Combine(dir, "scaling.png"), plots["scaling.png"]));
            }
            var document = RbmJson.From(rbm, quad, dev, files.Select(f => f.Path).Concat(mo != null ? [mo] : []).ToList(), sweep, isDemo ? null : wf,
                clock.Elapsed.TotalSeconds);
            List<string> written;
            using (var outputs = new OutputSet())
            {
                foreach (var (path, content) in files)
                {
                    if (content is string text) outputs.AddText(path, text); else outputs.AddBytes(path, (byte[])content);
                }
                if (mo != null) outputs.Add(mo, tmp => IsingModelFile.Write(tmp, quad.Model));
                if (jp != null) outputs.AddText(jp, ResultJson.Text(document, [wf]));
                written = outputs.Commit().ToList();
            }
            Print(io, rbm, dev, quad, sweep);
            io.Console_.Write(new Text(string.Concat(written.Select(w => $"wrote {w}\n")) +
                $"wall time {clock.Elapsed.TotalSeconds:F2} s\n"));
            return CliApp.Ok;
        });
        return cmd;
    }

    static void Print(CliIO io, Rbm rbm, RbmDeviationResult dev, RbmQuadraticModel quad, RbmScaleSweep? sweep)
    {
        var t = new Table().Title($"RBM N_v = {rbm.Visible}, N_h = {rbm.Hidden}: exact H_eff vs quadratic expansion").AddColumn("quantity").AddColumn("value");
        t.AddRow("states checked", $"{dev.StatesChecked} ({(dev.Exhaustive ? "all, exhaustive" : $"random, seed {dev.Seed}")})");
        t.AddRow("max |H_eff - H_quad|", CliIO.Num(dev.MaxAbsDeviation));
        t.AddRow("spread max - min", CliIO.Num(dev.Spread));
        t.AddRow("KL(P_eff || P_quad)", dev.KlDivergence is double kl ? CliIO.Num(kl) : "not enumerable");
        t.AddRow("constant", CliIO.Num(quad.Constant));
        t.AddRow("max |J_ij|", CliIO.Num(quad.MaxAbsCoupling));
        if (sweep != null)
        {
            t.AddRow("slope, c = 0", $"{sweep.SlopeZero.Exponent:F3} (expected {RbmDemo.ExpectedExponentWithoutHiddenBias})");
            t.AddRow("slope, c != 0", $"{sweep.SlopeBiased.Exponent:F3} (expected {RbmDemo.ExpectedExponentWithHiddenBias})");
        }
        io.Console_.Write(t);
        if (!dev.Exhaustive) io.Notice($"N_v = {rbm.Visible} > {DeviationDefaults.MaxExhaustiveVisible}: the deviation is the maximum over {dev.StatesChecked} random states (seed {dev.Seed}), a lower bound on the true maximum; no KL.");
    }
}
