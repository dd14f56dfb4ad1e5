using NeuralSpin.Numerics;
using System.CommandLine;
using System.Globalization;
using NeuralSpin.Ising;
using NeuralSpin.Ising.Inverse;
using NeuralSpin.Reporting;
using Spectre.Console;

namespace NeuralSpin.Cli.Commands;

/// <summary>
/// <c>neuralspin ising ...</c>: the pairwise Ising toolkit (docs/theory.md sections 3 and 7) on model files
/// (IsingModelFile: .npz, .safetensors, .txt) and configuration files (.npy of +-1, or PackedConfigurations):
/// enumerate, bethe, fit, landscape, tap, sample. Bad model or configuration files exit 2 with one message.
/// </summary>
public static class IsingCommand
{
    /// <summary>Builds the <c>ising</c> command with its subcommands.</summary>
    public static Command Create(CliIO io)
    {
        var cmd = new Command("ising", "Pairwise Ising models: exact enumeration, Bethe/BP, inverse fits, entropy landscape, TAP fixed points, sampling.");
        cmd.Add(Enumerate(io));
        cmd.Add(Bethe(io));
        cmd.Add(Fit(io));
        cmd.Add(Landscape(io));
        cmd.Add(Tap(io));
        cmd.Add(Sample(io));
        return cmd;
    }

    static string Inv(double v) => v.ToString("R", CultureInfo.InvariantCulture);

    static Option<string> ModelOption() => new("--model")
    {
        Description = "Ising model file: .npz / .safetensors with J (N x N), h (N) and optional beta, or the .txt format.",
        Required = true, HelpName = "MODEL",
    };

    static Option<double?> BetaOption() => new("--beta")
    {
        Description = "Inverse temperature (default: the model file's beta, else 1).", HelpName = "B",
    };

    static Option<string?> JsonOption(bool required) => new("--json")
    {
        Description = "Write the results as JSON to this file (atomically).", Required = required, HelpName = "PATH",
    };

    /// <summary>Reads the model and applies --beta.</summary>
    public static IsingModel LoadModel(string path, double? beta)
    {
        var model = IsingModelFile.Read(path);
        if (beta is double b)
        {
            if (!(double.IsFinite(b) && b >= 0)) throw new UsageException($"--beta {Inv(b)} is not allowed: give a finite beta >= 0, e.g. --beta 1.");
            model = model.WithBeta(b);
        }
        double scale = model.Beta * model.EnergyScale;
        if (!(scale <= IsingModel.MaxReducedEnergyScale))
            throw new IsingFileException(path,
                $"its energies are too large for float64 thermodynamics: beta (sum |h_i| + sum |J_ij|) = {Inv(scale)}, above {Inv(IsingModel.MaxReducedEnergyScale)}",
                "Check the model for a damaged value, or rescale the couplings and fields (or lower --beta).");
        return model;
    }

    /// <summary>Reads configurations from a .npy of +-1 or a PackedConfigurations (ensemble) file (Configurations.Read sniffs the format).</summary>
    public static Configurations LoadConfigurations(string path) => Configurations.Read(path);

    static void PrintThermo(CliIO io, string title, IsingThermoJson d)
    {
        var t = new Table().Title(title).AddColumn("quantity").AddColumn("value");
        t.AddRow("n_spins", d.NSpins.ToString());
        t.AddRow("converged", d.Converged.ToString());
        t.AddRow("iterations", d.Iterations.ToString());
        t.AddRow("free_energy_per_spin", CliIO.Num(d.FreeEnergyPerSpin));
        t.AddRow("energy_per_spin", CliIO.Num(d.EnergyPerSpin));
        t.AddRow("entropy_per_spin", CliIO.Num(d.EntropyPerSpin));
        io.Console_.Write(t);
    }

    // ---------------------------------------------------------------- enumerate
    static Command Enumerate(CliIO io)
    {
        var model = ModelOption(); var beta = BetaOption(); var json = JsonOption(true);
        var cmd = new Command("enumerate", $"Exact 2^N enumeration (N <= {ExactEnumeration.MaxSpins}): F/N = -ln Z/(beta N), <E>/N, S/N, magnetizations.") { model, beta, json };
        cmd.SetAction(p =>
        {
            string? jp = p.GetValue(json);
            CliIO.CheckFiles([(p.GetValue(model), "--model")], [(jp, "--json")]);
            var m = LoadModel(p.GetValue(model)!, p.GetValue(beta));
            if (m.Size > ExactEnumeration.MaxSpins)
                throw new UsageException($"the model has {m.Size} spins, more than the {ExactEnumeration.MaxSpins} that exact enumeration handles; use 'neuralspin ising bethe' instead.");
            if (!(m.Beta > 0)) throw new UsageException("beta must be > 0 for the free energy -ln Z / beta; give --beta 1 for example.");
            var r = CliIO.WithProgress(io, $"enumerating 2^{m.Size} states (chunks)", ExactEnumeration.ChunkCount(m.Size),
                pr => ExactEnumeration.Compute(m, new ExactEnumerationOptions { Progress = pr }));
            var d = IsingThermoJson.From(r, m.Size);
            CliIO.WriteText(jp!, ResultJson.Text(d, [p.GetValue(model)]));
            PrintThermo(io, "exact enumeration", d);
            io.Console_.Write(new Text($"wrote {jp}\n"));
            return CliApp.Ok;
        });
        return cmd;
    }

    // ---------------------------------------------------------------- bethe
    static Command Bethe(CliIO io)
    {
        var model = ModelOption(); var beta = BetaOption(); var json = JsonOption(true);
        var bpDefaults = new BpOptions();
        var damping = new Option<double>("--damping") { Description = "BP damping in [0, 1): h <- (1 - d) F(h) + d h.", DefaultValueFactory = _ => bpDefaults.Damping, HelpName = "D" };
        var maxIt = new Option<int>("--max-iterations") { Description = "BP sweep budget.", DefaultValueFactory = _ => bpDefaults.MaxIterations, HelpName = "K" };
        var cmd = new Command("bethe", "Belief propagation and the Bethe free energy: F/N = -ln Z_Bethe/(beta N), <E>/N, S/N, magnetizations (exact on trees).")
            { model, beta, damping, maxIt, json };
        cmd.SetAction(p =>
        {
            string? jp = p.GetValue(json);
            CliIO.CheckFiles([(p.GetValue(model), "--model")], [(jp, "--json")]);
            double d = p.GetValue(damping); int k = p.GetValue(maxIt);
            if (!(d >= 0 && d < 1)) throw new UsageException($"--damping {Inv(d)} is not allowed: it must lie in [0, 1), e.g. --damping 0.5.");
            if (k < 1) throw new UsageException($"--max-iterations {k} is not allowed: give a positive sweep budget.");
            var m = LoadModel(p.GetValue(model)!, p.GetValue(beta));
            if (!(m.Beta > 0)) throw new UsageException("beta must be > 0 for the free energy -ln Z / beta; give --beta 1 for example.");
            var r = BeliefPropagation.Run(m, new BpOptions { Damping = d, MaxIterations = k });
            var thermo = IsingThermoJson.From(r, m.Size);
            CliIO.WriteText(jp!, ResultJson.Text(thermo, [p.GetValue(model)]));
            PrintThermo(io, "belief propagation (Bethe)", thermo);
            if (!r.Converged) io.Notice($"BP did not converge in {r.Iterations} sweeps (residual {CliIO.Num(r.FinalChange)}); the values are at the last iterate. Try --damping 0.5.");
            io.Console_.Write(new Text($"wrote {jp}\n"));
            return CliApp.Ok;
        });
        return cmd;
    }

    // ---------------------------------------------------------------- fit
    static Command Fit(CliIO io)
    {
        var configs = new Option<string>("--configs") { Description = "Configurations: .npy (samples x spins) of +-1, or a packed ensemble file.", Required = true, HelpName = "CONFIGS" };
        var method = new Option<string>("--method") { Description = "bp (Boltzmann learning with BP moments, started from the TAP inversion), pl (pseudolikelihood), mf (mean-field inversion), tap (TAP inversion).", Required = true, HelpName = "bp|pl|mf|tap" };
        method.AcceptOnlyFromAmong("bp", "pl", "mf", "tap");
        var fitDefaults = new InverseFitOptions();
        var l1 = new Option<double>("--l1") { Description = "L1 penalty on couplings (pl, bp).", DefaultValueFactory = _ => fitDefaults.L1, HelpName = "LAMBDA" };
        var l2 = new Option<double>("--l2") { Description = "L2 penalty on couplings (pl, bp; ridge for mf, tap).", DefaultValueFactory = _ => fitDefaults.L2, HelpName = "LAMBDA" };
        var eta = new Option<double>("--eta") { Description = "Learning rate of Boltzmann learning (bp).", DefaultValueFactory = _ => fitDefaults.Eta, HelpName = "ETA" };
        var steps = new Option<int>("--max-steps") { Description = "Step budget of Boltzmann learning (bp).", DefaultValueFactory = _ => fitDefaults.MaxSteps, HelpName = "K" };
        var output = new Option<string>("--out") { Description = "Model file to write the fitted model to (.npz, .safetensors or .txt); written together with --json.", Required = true, HelpName = "MODEL" };
        var json = JsonOption(false);
        var cmd = new Command("fit", "Inverse Ising: fit (J, h) at beta = 1 to configurations; reports the RMS deviation between data moments and the model's moments (exact for N <= 20, else BP).")
            { configs, method, l1, l2, eta, steps, output, json };
        cmd.SetAction(p =>
        {
            string outPath = p.GetValue(output)!; string? jp = p.GetValue(json);
            CliIO.CheckFiles([(p.GetValue(configs), "--configs")], [(outPath, "--out"), (jp, "--json")]);
            double a1 = p.GetValue(l1), a2 = p.GetValue(l2), e = p.GetValue(eta); int k = p.GetValue(steps);
            if (!(a1 >= 0 && double.IsFinite(a1))) throw new UsageException($"--l1 {Inv(a1)} is not allowed: give a finite penalty >= 0.");
            if (!(a2 >= 0 && double.IsFinite(a2))) throw new UsageException($"--l2 {Inv(a2)} is not allowed: give a finite penalty >= 0.");
            if (!(e > 0 && double.IsFinite(e))) throw new UsageException($"--eta {Inv(e)} is not allowed: give a positive learning rate, e.g. --eta 0.1.");
            if (k < 0) throw new UsageException($"--max-steps {k} is not allowed: give a step budget >= 0.");
            string ext = Path.GetExtension(outPath).ToLowerInvariant();
            if (ext is not (".npz" or ".safetensors" or ".txt"))
                throw new UsageException($"--out '{outPath}' has no model extension: use .npz, .safetensors or .txt.");
            var data = LoadConfigurations(p.GetValue(configs)!);
            if (data.SampleCount < 1) throw new UsageException($"--configs '{p.GetValue(configs)}' holds no samples.");
            string mth = p.GetValue(method)!;
            int n = data.SpinCount;
            var inverse = mth switch
            {
                "mf" => InverseMethod.MeanField, "tap" => InverseMethod.Tap, "pl" => InverseMethod.PseudoLikelihood, _ => InverseMethod.BoltzmannBp,
            };
            if (mth != "pl" && a2 == 0) CheckInvertible(p.GetValue(configs)!, data, SampleMoments.From(data.Spins, n).Magnetizations, mth);
            InverseFitResult fit;
            try
            {
                fit = CliIO.WithProgress(io, inverse switch
                {
                    InverseMethod.PseudoLikelihood => "pseudolikelihood", InverseMethod.BoltzmannBp => "Boltzmann learning (BP moments)", _ => $"{mth} inversion",
                }, 1, pr => InverseIsing.Fit(data.Spins, n, new InverseFitOptions { Method = inverse, L1 = a1, L2 = a2, Eta = e, MaxSteps = k }, pr));
            }
            catch (ArgumentException ex) when (mth != "pl" && ex.Message.Contains("not positive definite", StringComparison.Ordinal))
            {
                throw new ConfigurationsFileException(p.GetValue(configs)!,
                    $"the connected correlation matrix of its {n} spins over {data.SampleCount} samples is singular (fewer samples than spins, or spins that copy each other), so the {mth} inversion C^-1 is undefined",
                    "Give a small ridge (e.g. --l2 1e-3), more samples, or use --method pl.", ex);
            }
            var fitted = fit.Model;
            double rms = fit.RmsMomentError;
            string extra = fit.Converged ? "" : inverse switch
            {
                InverseMethod.PseudoLikelihood => "pseudolikelihood: not every spin's optimisation converged within the budget.",
                _ => $"Boltzmann learning stopped after {fit.Steps} steps above its RMS tolerance {CliIO.Num(fit.Options.Tolerance)} (final RMS with the reported moments: {CliIO.Num(rms)}).",
            };
            var document = InverseFitJson.From(fit, mth, data.SampleCount, n, outPath);
            using (var outputs = new OutputSet())
            {
                outputs.Add(outPath, tmp => IsingModelFile.Write(tmp, fitted));
                if (jp != null) outputs.AddText(jp, ResultJson.Text(document, [p.GetValue(configs)]));
                outputs.Commit();
            }
            var t = new Table().Title($"ising fit --method {mth}").AddColumn("quantity").AddColumn("value");
            t.AddRow("samples", data.SampleCount.ToString()); t.AddRow("spins", n.ToString());
            t.AddRow($"RMS moment error ({document.MomentsBy})", CliIO.Num(rms));
            io.Console_.Write(t);
            if (extra != "") io.Notice(extra);
            io.Console_.Write(new Text($"wrote {outPath}\n" + (jp != null ? $"wrote {jp}\n" : "")));
            return CliApp.Ok;
        });
        return cmd;
    }

    /// <summary>
    /// The mean-field and TAP inversions (and bp, which starts from TAP) invert the connected correlation matrix:
    /// a spin that never changes (or a single sample, where none does) makes it singular. Named up front, with the
    /// spins, instead of the inversion's bare "not positive definite".
    /// </summary>
    static void CheckInvertible(string path, Configurations data, IReadOnlyList<double> m, string method)
    {
        const string remedy = "Give a small ridge (e.g. --l2 1e-3), drop the frozen spins, or use --method pl.";
        if (data.SampleCount == 1)
            throw new ConfigurationsFileException(path,
                $"it holds only 1 sample, so every spin is frozen and the connected correlations all vanish; the {method} inversion C^-1 is undefined",
                "Give more samples, a small ridge (e.g. --l2 1e-3), or use --method pl.");
        var frozen = Enumerable.Range(0, m.Count).Where(i => Math.Abs(m[i]) == 1).ToList();
        if (frozen.Count == 0) return;
        string list = string.Join(", ", frozen.Take(10).Select(i => $"spin {i} ({(m[i] > 0 ? "+1" : "-1")} in all {data.SampleCount} samples)"))
                      + (frozen.Count > 10 ? $" and {frozen.Count - 10} more" : "");
        throw new ConfigurationsFileException(path,
            $"{frozen.Count} of its {m.Count} spins never change: {list}; their connected correlations vanish, so the {method} inversion C^-1 is undefined", remedy);
    }

    // ---------------------------------------------------------------- landscape
    /// <summary>Largest |x| of the landscape's grid (<see cref="LandscapeGrid.MaxTilt"/>; see the message where it is refused).</summary>
    const double MaxTilt = LandscapeGrid.MaxTilt;

    static Command Landscape(CliIO io)
    {
        var model = ModelOption(); var beta = BetaOption();
        var gridDefaults = new LandscapeGrid();
        var reference = new Option<string>("--reference") { Description = "Reference configuration s*: .npy of +-1 with one row (the first row is used).", Required = true, HelpName = "CONFIG.npy" };
        var xMin = new Option<double>("--x-min") { Description = "Smallest coupling field x.", DefaultValueFactory = _ => gridDefaults.XMin, HelpName = "X" };
        var xMax = new Option<double>("--x-max") { Description = "Largest coupling field x.", DefaultValueFactory = _ => gridDefaults.XMax, HelpName = "X" };
        var xSteps = new Option<int>("--x-steps") { Description = "Number of grid points (>= 2).", DefaultValueFactory = _ => gridDefaults.Points, HelpName = "K" };
        var iso = new Option<bool>("--iso-energy") { Description = "At each x solve for the beta at which <E>/N equals E(s*)/N (iso-energy curve)." };
        var output = new Option<string>("--out") { Description = "CSV file to write: x, q, d, e, s, bound, direction (up sweep, then down sweep).", Required = true, HelpName = "CSV" };
        var plot = new Option<string?>("--plot") { Description = "PNG of s(d) with the bound -d ln d - (1-d) ln(1-d).", HelpName = "PNG" };
        var json = JsonOption(false);
        var cmd = new Command("landscape", "Entropy landscape around a reference (P2): BP on exp(-beta E + x s.s*), swept up and down in x; reports jumps and hysteresis.")
            { model, beta, reference, xMin, xMax, xSteps, iso, output, plot, json };
        cmd.SetAction(p =>
        {
            string outPath = p.GetValue(output)!; string? png = p.GetValue(plot); string? jp = p.GetValue(json);
            CliIO.CheckFiles([(p.GetValue(model), "--model"), (p.GetValue(reference), "--reference")], [(outPath, "--out"), (png, "--plot"), (jp, "--json")]);
            double lo = p.GetValue(xMin), hi = p.GetValue(xMax); int steps = p.GetValue(xSteps);
            if (!(double.IsFinite(lo) && double.IsFinite(hi) && hi > lo)) throw new UsageException($"--x-min {Inv(lo)} and --x-max {Inv(hi)} must be finite with --x-max > --x-min.");
            if (Math.Max(Math.Abs(lo), Math.Abs(hi)) > MaxTilt)
                throw new UsageException($"--x-min {Inv(lo)} and --x-max {Inv(hi)} must lie in [-{Inv(MaxTilt)}, {Inv(MaxTilt)}]: the tilt x pins every spin to s* long before (tanh x = 1 in float64 beyond |x| = 19), and past {Inv(MaxTilt)} the entropy s = ln Z - beta e - x q loses all its digits to cancellation. Give e.g. --x-max 2.");
            if (steps < 2) throw new UsageException($"--x-steps {steps} is not allowed: give at least 2 grid points.");
            var m = LoadModel(p.GetValue(model)!, p.GetValue(beta));
            var refs = Configurations.Read(p.GetValue(reference)!);
            if (refs.SampleCount < 1) throw new UsageException($"--reference '{p.GetValue(reference)}' holds no configuration.");
            if (refs.SpinCount != m.Size)
                throw new UsageException($"--reference '{p.GetValue(reference)}' has {refs.SpinCount} spins but the model has {m.Size}; give a reference of the model's size.");
            var sStar = refs.Sample(0).ToArray();
            var xs = new LandscapeGrid { XMin = lo, XMax = hi, Points = steps }.Xs();
            bool isIso = p.GetValue(iso);
            var sweep = io.IsTerminal
                ? io.Console_.Status().Start("sweeping x up and down", _ => isIso ? EntropyLandscape.IsoEnergy(m, sStar, xs) : EntropyLandscape.Sweep(m, sStar, xs))
                : isIso ? EntropyLandscape.IsoEnergy(m, sStar, xs) : EntropyLandscape.Sweep(m, sStar, xs);
            // the shared verdict rule (docs/theory.md section 7): coarse jumps re-examined on finer grids, x = 0 splits degenerate
            var verdict = isIso ? LandscapeVerdict.Decide(new LandscapeEvidence(sweep, [])) : LandscapeVerdict.Judge(m, sStar, sweep);
            // a point where the iso-energy solve failed keeps NaN written out as "NaN" (its 'converged' column is false)
            static object Value(double v) => double.IsNaN(v) ? "NaN" : v;
            static IEnumerable<object?[]> Rows(IEnumerable<LandscapePoint> pts, string dir) => pts.Select(pt => new object?[]
            {
                Value(pt.X), Value(pt.Overlap), Value(pt.Distance), Value(pt.EnergyDensity), Value(pt.EntropyDensity), Value(pt.EntropyBound), dir,
                Value(pt.Beta), pt.Converged,
            });
            string csv = CsvText.Write(["x", "q", "d", "e", "s", "bound", "direction", "beta", "converged"], Rows(sweep.Up, "up").Concat(Rows(sweep.Down.Reverse(), "down")));
            byte[]? image = png != null ? IsingPlots.LandscapeFigure(sweep).Render().Png : null;
            var document = LandscapeJson.From(sweep, verdict, m.Size, steps, isIso);
            using (var outputs = new OutputSet())
            {
                outputs.AddText(outPath, csv);
                if (image != null) outputs.AddBytes(png!, image);
                if (jp != null) outputs.AddText(jp, ResultJson.Text(document, [p.GetValue(model), p.GetValue(reference)]));
                outputs.Commit();
            }
            io.Console_.Write(new Text($"{steps} points, up and down: max jump |Δd| = {CliIO.Num(sweep.MaxJump)}, max hysteresis = {CliIO.Num(sweep.MaxHysteresis)}; " +
                $"verdict: {verdict.Name} ({verdict.Reason})\n"));
            if (!sweep.AllConverged) io.Notice("BP did not converge at some points (see the 'converged' column).");
            io.Console_.Write(new Text($"wrote {outPath}\n" + (png != null ? $"wrote {png}\n" : "") + (jp != null ? $"wrote {jp}\n" : "")));
            return CliApp.Ok;
        });
        return cmd;
    }

    // ---------------------------------------------------------------- tap
    static Command Tap(CliIO io)
    {
        var model = ModelOption(); var beta = BetaOption();
        var tapDefaults = new TapFixedPointOptions();
        var starts = new Option<int>("--starts") { Description = "Random starts m0 ~ U(-1, 1).", DefaultValueFactory = _ => tapDefaults.Starts, HelpName = "K" };
        var seed = new Option<int>("--seed") { Description = "Seed of the starts.", DefaultValueFactory = _ => tapDefaults.Seed, HelpName = "S" };
        var damping = new Option<double>("--damping") { Description = "Damping of the TAP iteration in [0, 1).", DefaultValueFactory = _ => tapDefaults.Damping, HelpName = "D" };
        var json = JsonOption(true);
        var plot = new Option<string?>("--plot") { Description = "PNG histogram of the fixed points' TAP free energies per spin.", HelpName = "PNG" };
        var cmd = new Command("tap", "TAP fixed points from random starts (correct Onsager term, fields included): distinct solutions, their TAP free energies and how many starts reach each.")
            { model, beta, starts, seed, damping, json, plot };
        cmd.SetAction(p =>
        {
            string? jp = p.GetValue(json); string? png = p.GetValue(plot);
            CliIO.CheckFiles([(p.GetValue(model), "--model")], [(jp, "--json"), (png, "--plot")]);
            int k = p.GetValue(starts); double d = p.GetValue(damping);
            if (k < 1) throw new UsageException($"--starts {k} is not allowed: give at least one start.");
            if (!(d >= 0 && d < 1)) throw new UsageException($"--damping {Inv(d)} is not allowed: it must lie in [0, 1).");
            var m = LoadModel(p.GetValue(model)!, p.GetValue(beta));
            if (!(m.Beta > 0)) throw new UsageException("beta must be > 0 for the TAP free energy; give --beta 1 for example.");
            var o = new TapFixedPointOptions { Starts = k, Seed = p.GetValue(seed), Damping = d };
            var r = CliIO.WithProgress(io, "TAP starts", k, pr => TapFixedPoints.Find(m, o, pr));
            var document = TapFixedPointsJson.From(r, m, k);
            byte[]? image = png != null ? IsingPlots.TapFreeEnergiesFigure(r).Render().Png : null;
            using (var outputs = new OutputSet())
            {
                outputs.AddText(jp!, ResultJson.Text(document, [p.GetValue(model)]));
                if (image != null) outputs.AddBytes(png!, image);
                outputs.Commit();
            }
            var t = new Table().Title($"{r.FixedPoints.Count} distinct TAP fixed points ({r.Converged}/{k} starts converged)")
                .AddColumn("#").AddColumn("F/N").AddColumn("count").AddColumn("mean m");
            int shown = 0;
            foreach (var f in r.FixedPoints)
            {
                if (++shown > 30) break;
                t.AddRow(shown.ToString(), CliIO.Num(f.FreeEnergyPerSpin), f.Count.ToString(), CliIO.Num(f.Magnetizations.Average()));
            }
            io.Console_.Write(t);
            if (r.NotConverged > 0) io.Notice($"{r.NotConverged} starts did not converge (try a larger --damping).");
            io.Console_.Write(new Text($"wrote {jp}\n" + (png != null ? $"wrote {png}\n" : "")));
            return CliApp.Ok;
        });
        return cmd;
    }

    // ---------------------------------------------------------------- sample
    /// <summary>The samples are kept in memory (<see cref="MonteCarloOptions.SampleBytes"/>, at most <see cref="MonteCarloOptions.MaxSampleBytes"/>).</summary>
    static void CheckSampleSize(int samples, int spins)
    {
        long values = (long)samples * spins, bytes = MonteCarloOptions.SampleBytes(samples, spins);
        if (values <= Array.MaxLength && bytes <= MonteCarloOptions.MaxSampleBytes) return;
        throw new UsageException(string.Create(CultureInfo.InvariantCulture,
            $"--samples {samples} with {spins} spins would hold {values:N0} spins and {bytes:N0} bytes in memory, more than sample keeps ({Array.MaxLength:N0} spins, {MonteCarloOptions.MaxSampleBytes:N0} bytes). Give a smaller --samples (at most {MonteCarloOptions.MaxSamples(spins):N0} for this model), or draw several files with different --seed."));
    }

    static Command Sample(CliIO io)
    {
        var model = ModelOption(); var beta = BetaOption();
        var samples = new Option<int>("--samples") { Description = "Number of configurations M.", Required = true, HelpName = "M" };
        var mcDefaults = MonteCarloOptions.Sampling;
        var sampler = new Option<string>("--sampler") { Description = "Single-spin update.", DefaultValueFactory = _ => mcDefaults.Update == SpinUpdate.Metropolis ? "metropolis" : "heat-bath", HelpName = "metropolis|heat-bath" };
        sampler.AcceptOnlyFromAmong("metropolis", "heat-bath");
        var burn = new Option<int>("--burn-in") { Description = "Burn-in sweeps.", DefaultValueFactory = _ => mcDefaults.BurnInSweeps, HelpName = "SWEEPS" };
        var thin = new Option<int>("--thin") { Description = "Sweeps between samples.", DefaultValueFactory = _ => mcDefaults.Thinning, HelpName = "SWEEPS" };
        var seed = new Option<int>("--seed") { Description = "Seed of the chain.", DefaultValueFactory = _ => (int)mcDefaults.Seed, HelpName = "S" };
        var output = new Option<string>("--out") { Description = "Configurations file to write: an int8 .npy of shape (M, N) with +-1 spins (atomically).", Required = true, HelpName = "CONFIGS.npy" };
        var cmd = new Command("sample", "Monte Carlo samples of the model (Metropolis or heat-bath single-spin updates).") { model, beta, samples, sampler, burn, thin, seed, output };
        cmd.SetAction(p =>
        {
            string outPath = p.GetValue(output)!;
            CliIO.CheckFiles([(p.GetValue(model), "--model")], [(outPath, "--out")]);
            int mCount = p.GetValue(samples), b = p.GetValue(burn), t = p.GetValue(thin);
            if (mCount < 1) throw new UsageException($"--samples {mCount} is not allowed: give at least one sample.");
            if (b < 0) throw new UsageException($"--burn-in {b} is not allowed: give a number of sweeps >= 0.");
            if (t < 1) throw new UsageException($"--thin {t} is not allowed: give at least 1 sweep between samples.");
            var m = LoadModel(p.GetValue(model)!, p.GetValue(beta));
            CheckSampleSize(mCount, m.Size);
            var o = MonteCarloOptions.Sampling with
            {
                Update = p.GetValue(sampler) == "metropolis" ? SpinUpdate.Metropolis : SpinUpdate.HeatBath,
                BurnInSweeps = b, Thinning = t, Samples = mCount, Seed = p.GetValue(seed),
            };
            var r = io.IsTerminal ? io.Console_.Status().Start("sampling", _ => MonteCarlo.Run(m, o)) : MonteCarlo.Run(m, o);
            CliIO.WriteFile(outPath, () => r.Samples.Write(outPath));
            io.Console_.Write(new Text($"{mCount} samples of {m.Size} spins, acceptance {CliIO.Num(r.AcceptanceRate)}, <E>/N = {CliIO.Num(r.Energy.Mean / m.Size)}\nwrote {outPath}\n"));
            return CliApp.Ok;
        });
        return cmd;
    }
}
