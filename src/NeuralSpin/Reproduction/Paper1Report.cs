using System.Globalization;
using System.Text;
using NeuralSpin.Replica;
using NeuralSpin.Trajectory;

namespace NeuralSpin.Reproduction;

/// <summary>One training program of P1 Table 1 as reproduced: its configuration and the paper's number.</summary>
/// <param name="Name">Run name (also its directory).</param>
/// <param name="Program">"binarized" or "standard".</param>
/// <param name="LearningRate">SGD learning rate.</param>
/// <param name="Epochs">Epochs trained here.</param>
/// <param name="PaperEpochs">Epochs of the paper's run.</param>
/// <param name="PaperValidationError">Validation error the paper reports (Table 1).</param>
public sealed record Paper1Program(string Name, string Program, double LearningRate, int Epochs, int PaperEpochs, double PaperValidationError);

/// <summary>One claim of the paper, the number obtained and whether it holds.</summary>
public sealed record Paper1Claim(string Program, string Claim, string Obtained, string Paper, bool? Holds, string Note);

/// <summary>
/// The claims of P1 (secs. 3.2-3.4, Table 1) that a training trajectory can check, evaluated on the
/// trajectories of the reproduced programs, and the Markdown report of them.
/// </summary>
public static class Paper1Report
{
    /// <summary>Table 1 (NOTATION.md section 9) at lr 1e-4 and 1e-6.</summary>
    public static IReadOnlyList<Paper1Program> Table1 { get; } =
    [
        new("binarized-lr1e-4", "binarized", 1e-4, 500, 500, 0.0266),
        new("standard-lr1e-4", "standard", 1e-4, 60, 60, 0.0189),
        new("binarized-lr1e-6", "binarized", 1e-6, 960, 960, 0.0742),
        new("standard-lr1e-6", "standard", 1e-6, 960, 960, 0.0267),
    ];

    /// <summary>The quick schedule: both programs at lr 1e-4 with a short budget.</summary>
    public static IReadOnlyList<Paper1Program> Quick { get; } =
    [
        new("binarized-lr1e-4", "binarized", 1e-4, 30, 500, 0.0266),
        new("standard-lr1e-4", "standard", 1e-4, 15, 60, 0.0189),
    ];

    /// <summary>The largest relative change of lambda_min(R) over training that the paper reports (sec. 3.4).</summary>
    public const double LambdaMinRChangeBound = 0.012;

    /// <summary>Relative agreement asked of the finite-size T_c(t = 0) and the replica T_c.</summary>
    public const double ReplicaAgreement = 0.05;

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

        // T_c grows with training (corrected T_c with c_0 from t = 0; and T_c proper where it exists)
        double? tcc0 = first.TcCorrected, tccN = last.TcCorrected;
        bool? grows = tcc0 is double a && tccN is double b ? b > a : null;
        var series = r.Rows.Select(row => row.TcCorrected).OfType<double>().ToList();
        int decreases = Enumerable.Range(1, Math.Max(0, series.Count - 1)).Count(i => series[i] < series[i - 1]);
        string tcNote = last.Tc is double tcN ? $"T_c (first zero of lambda_min) at the end: {F(tcN)}" : "lambda_min never reaches 0 by the end, so T_c proper does not exist yet";
        claims.Add(new(p.Name, "T_c grows with training (P1 sec. 3.2, Fig. 6)",
            $"corrected T_c: {(tcc0 is double x ? F(x) : "none")} at t = 0 -> {(tccN is double y ? F(y) : "none")} at epoch {F(last.Epoch)}; {decreases} decrease(s) between consecutive checkpoints",
            "T_c increases over training", grows,
            tcNote + (r.TcCorrectedFit is { } fit ? $"; power-law fit T_c ~ t^{F(fit.Exponent, "F3")} over epochs [{F(fit.TMin)}, {F(fit.TMax)}] (R^2 = {F(fit.RSquared, "F3")}, {fit.N} points)" : $"; no power-law fit: {r.TcCorrectedFitNote}")));

        // lambda_min(R) changes little
        double maxChange = r.Rows.Max(row => Math.Abs(row.LambdaMinRChange));
        claims.Add(new(p.Name, "lambda_min(R) = -max_i d_i changes by less than about 1.2 % (P1 sec. 3.4)",
            $"largest relative change {F(100 * maxChange, "F3")} % ({F(first.LambdaMinR)} at t = 0, {F(last.LambdaMinR)} at the end)",
            "< 1.2 %", maxChange < LambdaMinRChangeBound, ""));

        // eigenvalues of J split from the bulk; the largest grows
        double edge0 = r.Initial.SpectrumJ[^1];
        int outliers = r.Final.SpectrumJ.Count(e => e > edge0 * 1.05);
        claims.Add(new(p.Name, "eigenvalues of J split from the bulk and the largest grows (P1 sec. 3.4, Figs. 8-9)",
            $"lambda_max(J) {F(r.Initial.LambdaMaxJ)} -> {F(r.Final.LambdaMaxJ)}; {outliers} eigenvalue(s) of the final J lie more than 5 % beyond the initial bulk edge {F(edge0)}",
            "outliers leave the bulk; lambda_max(J) grows", r.Final.LambdaMaxJ > r.Initial.LambdaMaxJ && outliers > 0, ""));

        // spectral weight of I - M near zero drops: s_0/s_typ grows
        double? s0 = first.FirstLevelSpacingRatio, sN = last.FirstLevelSpacingRatio;
        claims.Add(new(p.Name, "the spectral weight of I - M near zero drops: s_0/s_typ grows (P1 sec. 3.3, Figs. 7-8)",
            $"s_0/s_typ {(s0 is double u ? F(u) : "none")} at t = 0 -> {(sN is double w ? F(w) : "none")} at the end",
            "s_0/s_typ grows over training", s0 is double u2 && sN is double w2 ? w2 > u2 : null, ""));

        // validation error reached
        claims.Add(new(p.Name, "validation error reached (Table 1)",
            last.ValError is double ve ? $"{F(ve, "F4")} after {F(last.Epoch)} epochs" : "not recorded",
            $"{F(p.PaperValidationError, "F4")} after {p.PaperEpochs} epochs", p.Epochs >= p.PaperEpochs && last.ValError is double v2 ? v2 <= p.PaperValidationError * 1.25 : null,
            p.Epochs < p.PaperEpochs ? $"this run trains {p.Epochs} of the paper's {p.PaperEpochs} epochs, so the paper's error is not expected; not judged" : "holds if within 25 % of the paper's error"));
        return claims;
    }

    /// <summary>The Markdown report: configuration, per-program tables, claims with verdicts, plots and timings.</summary>
    public static string Render(string title, IReadOnlyList<(Paper1Program Program, TrajectoryResult Result, double TrainSeconds, double AnalysisSeconds)> runs, string environment)
    {
        var sb = new StringBuilder();
        string F(double v, string fmt = "G5") => v.ToString(fmt, CultureInfo.InvariantCulture);
        sb.AppendLine($"# {title}").AppendLine();
        sb.AppendLine("Reproduction of Barney, Winer and Galitski, \"Neural Networks as Spin Models: From Glass to Hidden Order Through Training\" (P1): the two MNIST programs of sec. 3.1 / Table 1 trained with NeuralSpin's TorchSharp trainer, and the spin model of every checkpoint analysed with the level c_0 taken from the run's own t = 0 checkpoint.").AppendLine();
        sb.AppendLine($"Environment: {environment}").AppendLine();
        sb.AppendLine("| run | program | lr | epochs here (paper) | checkpoints | training time | analysis time | final validation error |");
        sb.AppendLine("| --- | --- | --- | --- | --- | --- | --- | --- |");
        foreach (var (p, r, train, analysis) in runs)
            sb.AppendLine($"| {p.Name} | {p.Program} | {F(p.LearningRate, "G2")} | {p.Epochs} ({p.PaperEpochs}) | {r.Rows.Count} | {F(train, "F0")} s | {F(analysis, "F0")} s | {(r.Rows[^1].ValError is double v ? F(v, "F4") : "")} |");
        sb.AppendLine();
        sb.AppendLine("## Claims").AppendLine();
        sb.AppendLine("| run | claim | obtained | paper | holds | note |");
        sb.AppendLine("| --- | --- | --- | --- | --- | --- |");
        foreach (var (p, r, _, _) in runs)
            foreach (var c in Evaluate(p, r))
                sb.AppendLine($"| {c.Program} | {c.Claim} | {c.Obtained} | {c.Paper} | {(c.Holds is bool h ? (h ? "yes" : "**no**") : "not judged")} | {c.Note} |");
        sb.AppendLine();
        foreach (var (p, r, _, _) in runs)
        {
            sb.AppendLine($"## {p.Name}").AppendLine();
            sb.AppendLine($"c_0 = {F(r.Level)} (minimum of lambda_min(beta) at t = 0, at beta = {F(r.LevelBeta)}). Data: `{p.Name}/trajectory.csv`; plots in `{p.Name}/plots/`.").AppendLine();
            sb.AppendLine("| epoch | step | val error | T_c | corrected T_c | min lambda_min | lambda_max(J) | lambda_min(R) | change | s_0/s_typ |");
            sb.AppendLine("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |");
            foreach (var row in r.Rows)
                sb.AppendLine($"| {F(row.Epoch)} | {row.Step} | {(row.ValError is double v ? F(v, "F4") : "")} | {(row.Tc is double t ? F(t) : "")} | {(row.TcCorrected is double tc ? F(tc) : "")} | {F(row.CurveMinLambda)} | {F(row.LambdaMaxJ)} | {F(row.LambdaMinR)} | {F(100 * row.LambdaMinRChange, "F3")} % | {(row.FirstLevelSpacingRatio is double s ? F(s) : "")} |");
            sb.AppendLine();
            var plotDir = Path.Combine(r.RunDir, "plots");
            if (Directory.Exists(plotDir))
                foreach (var png in Directory.GetFiles(plotDir, "*.png").OrderBy(x => x, StringComparer.Ordinal))
                    sb.AppendLine($"![{Path.GetFileNameWithoutExtension(png)}]({p.Name}/plots/{Path.GetFileName(png)})");
            sb.AppendLine();
        }
        return sb.ToString();
    }
}
