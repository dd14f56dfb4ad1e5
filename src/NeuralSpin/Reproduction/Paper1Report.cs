using NeuralSpin.Reporting;
using System.Globalization;
using System.Text;
using NeuralSpin.Data;
using NeuralSpin.Replica;
using NeuralSpin.Training;
using NeuralSpin.Trajectory;

namespace NeuralSpin.Reproduction;

/// <summary>One training program of P1 Table 1 as reproduced: its configuration and the paper's number.</summary>
/// <param name="Name">Run name (also its directory).</param>
/// <param name="Program">"binarized" or "standard".</param>
/// <param name="LearningRate">SGD learning rate.</param>
/// <param name="Epochs">Epochs trained here.</param>
/// <param name="PaperEpochs">Epochs of the paper's run (the program it stands for).</param>
/// <param name="PaperValidationError">Validation error the paper reports (Table 1); NaN for a program the paper does not have.</param>
public sealed record Paper1Program(string Name, string Program, double LearningRate, int Epochs, int PaperEpochs, double PaperValidationError);

/// <summary>One claim of the paper, the number obtained and whether it holds.</summary>
public sealed record Paper1Claim(string Program, string Claim, string Obtained, string Paper, bool? Holds, string Note);

/// <summary>
/// The claims of P1 (secs. 3.2-3.4, Table 1) that a training trajectory can check, evaluated on the
/// trajectories of the reproduced programs, and the Markdown report of them.
/// </summary>
public static class Paper1Report
{
    /// <summary>
    /// The training convention of the reproduction: <c>MultiMarginLoss(p=2, reduction='sum')</c> on globally
    /// standardized input, margin 1 (chosen by the calibration study, REPRODUCE.md "Paper 1: training convention").
    /// </summary>
    public static TrainingConvention Convention { get; } = new(LossReduction.Sum, true, 1.0, MnistNormalization.Standardized);

    /// <summary>Table 1 at lr 1e-4 and 1e-6, in the order the full reproduction trains them (lr 1e-4 first).</summary>
    public static IReadOnlyList<Paper1Program> Table1 { get; } =
    [
        new("standard-lr1e-4", "standard", 1e-4, 60, 60, 0.0189),
        new("binarized-lr1e-4", "binarized", 1e-4, 500, 500, 0.0266),
        new("binarized-lr1e-6", "binarized", 1e-6, 960, 960, 0.0742),
        new("standard-lr1e-6", "standard", 1e-6, 960, 960, 0.0267),
    ];

    /// <summary>
    /// The quick schedule: both programs at lr 1e-4 on a short budget, and the standard program at lr 1e-5, which
    /// by lr x steps shows in 12 epochs what the paper's lr 1e-6 program shows in 120 (the delayed onset of Fig. 8).
    /// </summary>
    public static IReadOnlyList<Paper1Program> Quick { get; } =
    [
        new("standard-lr1e-4", "standard", 1e-4, 12, 60, 0.0189),
        new("binarized-lr1e-4", "binarized", 1e-4, 12, 500, 0.0266),
        new("standard-lr1e-5", "standard", 1e-5, 12, 960, double.NaN),
    ];

    /// <summary>The largest relative change of lambda_min(R) over training that the paper reports (sec. 3.4).</summary>
    public const double LambdaMinRChangeBound = 0.012;

    /// <summary>Relative agreement asked of the finite-size T_c(t = 0) and the replica T_c.</summary>
    public const double ReplicaAgreement = 0.05;

    /// <summary>Agreement asked of a validation error with Table 1 (relative).</summary>
    public const double Table1Agreement = 0.25;

    /// <summary>An early jump of s_0/s_typ: its largest value within the first epoch at least this many times its t = 0 value.</summary>
    public const double SpacingJumpFactor = 3;

    /// <summary>T_c counts as flat while the corrected T_c stays within this fraction of its t = 0 value.</summary>
    public const double FlatTolerance = 0.02;

    /// <summary>Eigenvalues of the final J above the initial lambda_max(J) (the bulk edge of the untrained network).</summary>
    public static int Outliers(TrajectoryResult r) => r.Final.SpectrumJ.Count(e => e > r.Initial.LambdaMaxJ);

    /// <summary>
    /// The delayed onset of T_c growth (Fig. 8): taking as reference the corrected T_c at the first checkpoint after
    /// t = 0 (after the jump of the first few steps, which every learning rate shows), the first epoch at which the
    /// corrected T_c exceeds the reference by more than <see cref="FlatTolerance"/>, or null if it never does.
    /// </summary>
    public static double? OnsetEpoch(TrajectoryResult r)
    {
        if (r.Rows.Count < 2 || r.Rows[1].TcCorrected is not double reference) return null;
        return r.Rows.Skip(2).FirstOrDefault(x => x.TcCorrected is double t && t > reference * (1 + FlatTolerance))?.Epoch;
    }

    /// <summary>Evaluates the checkable claims on one program's trajectory.</summary>
    public static IReadOnlyList<Paper1Claim> Evaluate(Paper1Program p, TrajectoryResult r)
    {
        var claims = new List<Paper1Claim>();
        string F(double v, string fmt = "G5") => v.ToString(fmt, CultureInfo.InvariantCulture);
        var first = r.Rows[0];
        var last = r.Rows[^1];

        // T_c(t = 0) vs the replica T_c of these widths with C = 2 (Kaiming-normal)
        double replica = ReplicaHessian.CriticalTemperature(r.Initial.Widths, [2.0]);
        double t0 = 1 / r.Initial.CurveMinBeta;
        double rel0 = t0 / replica - 1;
        claims.Add(new(p.Name, "T_c(t = 0) agrees with the replica T_c for these widths (P1 17, general widths)",
            $"1/beta_min(t=0) = {F(t0)}; replica T_c(C=2) = {F(replica)} ({F(100 * rel0, "F2")} %); replica from the estimated C_k = {F(r.Initial.TcReplica)}",
            "T_c(t=0) close to the replica value", Math.Abs(rel0) <= ReplicaAgreement,
            $"an untrained finite network only nearly touches lambda_min = 0, so its transition is read at the curve minimum (lambda_min = {F(r.Initial.CurveMinLambda)}); agreement asked: {F(100 * ReplicaAgreement, "F0")} %"));

        // the first zero of lambda_min appears; T_c grows (power law where it holds)
        var firstZero = r.Rows.FirstOrDefault(x => x.Tc.HasValue);
        double? tcc0 = first.TcCorrected, tccN = last.TcCorrected;
        bool? grows = tcc0 is double a && tccN is double b ? b > a : null;
        var series = r.Rows.Select(row => row.TcCorrected).OfType<double>().ToList();
        int decreases = Enumerable.Range(1, Math.Max(0, series.Count - 1)).Count(i => series[i] < series[i - 1]);
        claims.Add(new(p.Name, "a true transition appears: lambda_min(beta) reaches 0 (P1 sec. 3.2, Figs. 5-6)",
            firstZero is { } fz ? $"first zero at epoch {F(fz.Epoch)} (T_c = {F(fz.Tc!.Value)}); at the end T_c = {(last.Tc is double tcN ? F(tcN) : "none")}" : "lambda_min never reaches 0 in (0, beta_max]",
            "lambda_min reaches 0 after some training", firstZero is not null && last.Tc is not null,
            "before training the curve only nearly touches 0 (its minimum is the level c_0)"));
        claims.Add(new(p.Name, "T_c grows with training, as a power law over a range (P1 sec. 3.2, Figs. 6, 8)",
            $"corrected T_c: {(tcc0 is double x ? F(x) : "none")} at t = 0 -> {(tccN is double y ? F(y) : "none")} at epoch {F(last.Epoch)}; {decreases} decrease(s) between consecutive checkpoints"
            + (r.TcCorrectedFit is { } fit ? $"; power-law fit T_c ~ t^{F(fit.Exponent, "F3")} over epochs [{F(fit.TMin)}, {F(fit.TMax)}] (R^2 = {F(fit.RSquared, "F3")}, {fit.N} points)" : $"; no power-law fit: {r.TcCorrectedFitNote}"),
            "T_c increases over training", grows, ""));

        // lambda_min(R) changes little
        double maxChange = r.Rows.Max(row => Math.Abs(row.LambdaMinRChange));
        claims.Add(new(p.Name, "lambda_min(R) = -max_i d_i changes by less than about 1.2 % (P1 sec. 3.4)",
            $"largest relative change {F(100 * maxChange, "F3")} % ({F(first.LambdaMinR)} at t = 0, {F(last.LambdaMinR)} at the end)",
            "< 1.2 %", maxChange < LambdaMinRChangeBound, ""));

        // eigenvalues of J split from the bulk; the largest grows
        int outliers = Outliers(r);
        claims.Add(new(p.Name, "eigenvalues of J split from the bulk and the largest grows (P1 sec. 3.4, Figs. 6, 8, 9)",
            $"lambda_max(J) {F(r.Initial.LambdaMaxJ)} -> {F(r.Final.LambdaMaxJ)}; {outliers} eigenvalue(s) of the final J lie above the initial bulk edge {F(r.Initial.LambdaMaxJ)}",
            "outliers leave the bulk; lambda_max(J) grows", r.Final.LambdaMaxJ > r.Initial.LambdaMaxJ && outliers > 0, ""));

        // s_0/s_typ jumps early
        double? s0 = first.FirstLevelSpacingRatio;
        var early = r.Rows.Where(x => x.Epoch > 0 && x.Epoch <= 1 && x.FirstLevelSpacingRatio.HasValue).ToList();
        var earlyMax = early.OrderByDescending(x => x.FirstLevelSpacingRatio!.Value).FirstOrDefault();
        double? sMax = r.Rows.Select(x => x.FirstLevelSpacingRatio).OfType<double>().DefaultIfEmpty(double.NaN).Max();
        claims.Add(new(p.Name, "the normalized first level spacing s_0/s_typ of I - M jumps early in training (P1 sec. 3.3, Figs. 6-8)",
            $"s_0/s_typ {(s0 is double u ? F(u) : "none")} at t = 0; largest within the first epoch {(earlyMax is { } em ? $"{F(em.FirstLevelSpacingRatio!.Value)} at epoch {F(em.Epoch)}" : "none (no checkpoint in (0, 1])")}; largest overall {F(sMax ?? double.NaN)}; at the end {(last.FirstLevelSpacingRatio is double w ? F(w) : "none")}",
            $"a jump early (here: at least {F(SpacingJumpFactor, "F0")} x the t = 0 value within the first epoch)",
            s0 is double s00 && earlyMax is { } e2 ? e2.FirstLevelSpacingRatio!.Value >= SpacingJumpFactor * s00 : null,
            p.LearningRate < 1e-4 ? "a small learning rate delays the jump (Fig. 8), so a program at lr < 1e-4 is expected to fail this" : ""));

        // small learning rate: T_c flat for a while, then growing (Fig. 8)
        if (p.LearningRate < 1e-4 && !(r.Rows.Count >= 3 && r.Rows[1].TcCorrected is double))
            claims.Add(new(p.Name, "at a small learning rate T_c stays nearly constant for a while, then grows (P1 sec. 3.3, Fig. 8)",
                r.Rows.Count < 3 ? $"only {r.Rows.Count} checkpoint(s)" : "no corrected T_c at the first checkpoint after t = 0 (lambda_min does not reach c_0 there)",
                "flat for several epochs, then growing", null, "not judged: needs the corrected T_c at three or more checkpoints"));
        if (p.LearningRate < 1e-4 && r.Rows.Count >= 3 && r.Rows[1].TcCorrected is double reference)
        {
            double? onset = OnsetEpoch(r);
            var flat = r.Rows.Skip(2).Where(x => onset is null || x.Epoch < onset).ToList();
            double? atOnset = onset is double o1 ? r.Rows.First(x => x.Epoch == o1).TcCorrected : null;
            claims.Add(new(p.Name, "at a small learning rate T_c stays nearly constant for a while, then grows (P1 sec. 3.3, Fig. 8)",
                $"after the jump of the first steps (corrected T_c {(tcc0 is double z0 ? F(z0) : "none")} -> {F(reference)} at epoch {F(r.Rows[1].Epoch)}), T_c stays within {F(100 * FlatTolerance, "F0")} % of that for {flat.Count} more checkpoint(s)"
                + (flat.Count > 0 ? $" up to epoch {F(flat[^1].Epoch)}" : "")
                + (onset is double on ? $"; grows from epoch {F(on)} (lr x epochs = {F(on * p.LearningRate, "G3")}) to {(tccN is double z ? F(z) : "none")} at epoch {F(last.Epoch)}" : "; no growth beyond that by the end"),
                "flat for several epochs, then growing",
                onset is double && flat.Count >= 2 && tccN is double zz && atOnset is double ao && zz > ao,
                $"the paper's lr 1e-6 program; here lr {F(p.LearningRate, "G2")} for {p.Epochs} epochs, which by lr x steps is the paper's program at {F(p.Epochs * p.LearningRate / 1e-6, "F0")} epochs"));
        }

        // validation error reached
        if (double.IsFinite(p.PaperValidationError))
            claims.Add(new(p.Name, "validation error reached (Table 1)",
                last.ValError is double ve ? $"{F(ve, "F4")} after {F(last.Epoch)} epochs" : "not recorded",
                $"{F(p.PaperValidationError, "F4")} after {p.PaperEpochs} epochs", p.Epochs >= p.PaperEpochs && last.ValError is double v2 ? Math.Abs(v2 / p.PaperValidationError - 1) <= Table1Agreement : null,
                p.Epochs < p.PaperEpochs ? $"this run trains {p.Epochs} of the paper's {p.PaperEpochs} epochs, so the paper's error is not expected; not judged" : $"holds within {F(100 * Table1Agreement, "F0")} % of the paper's error"));
        return claims;
    }

    /// <summary>The Markdown report: configuration, Table 1 side by side, claims with verdicts, per-program tables, figures and timings.</summary>
    public static string Render(string title, IReadOnlyList<Paper1Outcome> outcomes, Paper1Settings s, string environment)
    {
        var sb = new StringBuilder();
        string F(double v, string fmt = "G5") => v.ToString(fmt, CultureInfo.InvariantCulture);
        sb.AppendLine($"# {title}").AppendLine();
        sb.AppendLine("Reproduction of Barney, Winer and Galitski, \"Neural Networks as Spin Models: From Glass to Hidden Order Through Training\" (P1): the MNIST programs of sec. 3.1 / Table 1 trained with NeuralSpin's TorchSharp trainer, and the spin model of every checkpoint analysed with the level c_0 taken from the run's own t = 0 checkpoint.").AppendLine();
        sb.AppendLine($"Training convention: `{s.Convention.Id}`, i.e. `{s.Convention.PyTorchLoss}` on {InputText(s.Convention.Input)} (chosen by the calibration study against Table 1; REPRODUCE.md). Widths {string.Join("-", s.Widths)}, no biases, Kaiming-normal initialisation, SGD with momentum 0.9, batch 32, seed {s.Seed}.").AppendLine();
        sb.AppendLine($"Environment: {environment}").AppendLine();

        sb.AppendLine("## Table 1 side by side").AppendLine();
        sb.AppendLine("| program | lr | epochs (paper) | epochs here | validation error (paper) | validation error here | ratio | training time (this call) | analysis time |");
        sb.AppendLine("| --- | --- | --- | --- | --- | --- | --- | --- | --- |");
        foreach (var o in outcomes)
        {
            var p = o.Program;
            string here = o.Trajectory is { } r && r.Rows[^1].ValError is double v ? F(v, "F4") : "";
            string ratio = o.Trajectory is { } r2 && r2.Rows[^1].ValError is double v2 && double.IsFinite(p.PaperValidationError) ? F(v2 / p.PaperValidationError, "F2") : "";
            string epochsHere = o.Done ? F(o.Trajectory!.Rows[^1].Epoch) : $"{p.Epochs} ({Progress(o)})";
            sb.AppendLine($"| {p.Name} | {F(p.LearningRate, "G2")} | {p.PaperEpochs} | {epochsHere} | {(double.IsFinite(p.PaperValidationError) ? F(p.PaperValidationError, "F4") : "-")} | {here} | {ratio} | {F(o.TrainSeconds, "F0")} s | {F(o.AnalysisSeconds, "F0")} s |");
        }
        sb.AppendLine();

        sb.AppendLine("## Claims").AppendLine();
        sb.AppendLine("| run | claim | obtained | paper | holds | note |");
        sb.AppendLine("| --- | --- | --- | --- | --- | --- |");
        foreach (var o in outcomes.Where(o => o.Done))
            foreach (var c in Evaluate(o.Program, o.Trajectory!))
                sb.AppendLine($"| {c.Program} | {c.Claim} | {c.Obtained} | {c.Paper} | {(c.Holds is bool h ? (h ? "yes" : "**no**") : "not judged")} | {c.Note} |");
        foreach (var o in outcomes.Where(o => !o.Done))
            sb.AppendLine($"| {o.Program.Name} | (all) | training not finished: {Progress(o)} | | not judged | resume with the same command |");
        sb.AppendLine();
        sb.AppendLine("Each claim rests on one seed (the reproduction trains each program once); the calibration study gives the seed spread of the validation errors.").AppendLine();

        sb.AppendLine("## Figures").AppendLine();
        foreach (var (name, what) in Paper1Figures.Descriptions)
            sb.AppendLine($"- `figures/{name}`: {what}");
        sb.AppendLine();

        foreach (var o in outcomes.Where(o => o.Done))
        {
            var p = o.Program;
            var r = o.Trajectory!;
            sb.AppendLine($"## {p.Name}").AppendLine();
            sb.AppendLine($"c_0 = {F(r.Level)} (minimum of lambda_min(beta) at t = 0, at beta = {F(r.LevelBeta)}). Data: `{p.Name}/trajectory.csv`; per-run plots in `{p.Name}/plots/`.").AppendLine();
            sb.AppendLine("| epoch | step | val error | T_c | corrected T_c | min lambda_min | lambda_max(J) | lambda_min(R) | change | s_0/s_typ |");
            sb.AppendLine("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |");
            foreach (var row in r.Rows)
                sb.AppendLine($"| {F(row.Epoch)} | {row.Step} | {(row.ValError is double v ? F(v, "F4") : "")} | {(row.Tc is double t ? F(t) : "")} | {(row.TcCorrected is double tc ? F(tc) : "")} | {F(row.CurveMinLambda)} | {F(row.LambdaMaxJ)} | {F(row.LambdaMinR)} | {F(100 * row.LambdaMinRChange, "F3")} % | {(row.FirstLevelSpacingRatio is double sr ? F(sr) : "")} |");
            sb.AppendLine();
        }
        return sb.ToString();
    }

    static string Progress(Paper1Outcome o) => o.TotalSteps < 0 ? "not started" : $"in progress: step {o.Step} of {o.TotalSteps}";

    static string InputText(MnistNormalization n) => n switch
    {
        MnistNormalization.UnitInterval => "pixels in [0, 1]",
        MnistNormalization.Standardized => "pixels standardized with the global MNIST mean and deviation, (x/255 - 0.1307)/0.3081",
        MnistNormalization.PerPixelStandardized => "pixels standardized per pixel with the training set's mean and deviation",
        _ => n.ToString(),
    };
}
