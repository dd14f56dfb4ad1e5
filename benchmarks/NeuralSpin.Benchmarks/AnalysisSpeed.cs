using System.Diagnostics;
using System.Globalization;
using NeuralSpin.Analysis;
using NeuralSpin.IO;
using NeuralSpin.Numerics;
using NeuralSpin.SpinModel;
using NeuralSpin.Tap;

namespace NeuralSpin.Benchmarks;

/// <summary>
/// The speed figures of the spin-model analysis, timed in one process so that ratios hold under load (a single
/// measured run each: these take seconds to minutes, beyond BenchmarkDotNet's repetitions):
/// <list type="number">
/// <item>one dense symmetric eigenvalue problem of the network's size (the unit the targets are stated in);</item>
/// <item>the whole analysis with --level, per stage, with eigenvalue computations and inertia counts;</item>
/// <item>the first crossing beta_c(c_0) alone (a fresh curve with ||J|| given);</item>
/// <item>the grid method of the paper: lambda_min of I - M(beta) by a dense eigensolver on G uniform beta values of
/// (0, beta_max] (G = 100 in the paper), beta_c read off as the first grid point at or below the level;</item>
/// <item>with --scaling: the analysis of Kaiming networks 784-h-h-h-10 for the given hidden widths on a chosen path,
/// with the exponent of a least-squares fit of log time against log N.</item>
/// </list>
/// Run: dotnet run -c Release --project benchmarks/NeuralSpin.Benchmarks -- analysis-speed [WEIGHTS] [--level C0]
/// [--grid-points G] [--crossing-only] [--scaling h1,h2,...] [--path dense|matrix-free]
/// </summary>
public static class AnalysisSpeed
{
    static string F(double v) => v.ToString("G4", CultureInfo.InvariantCulture);

    public static int Run(string[] args)
    {
        string? weights = null;
        double level = 0.05;
        int grid = 100;
        int[]? scaling = null;
        var path = AnalysisPath.Dense;
        bool crossingOnly = false;
        for (int i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--level": level = double.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--grid-points": grid = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--scaling": scaling = args[++i].Split(',').Select(s => int.Parse(s, CultureInfo.InvariantCulture)).ToArray(); break;
                case "--crossing-only": crossingOnly = true; break;
                case "--path": path = args[++i] == "dense" ? AnalysisPath.Dense : AnalysisPath.MatrixFree; break;
                default: weights = args[i]; break;
            }
        }
        TorchLinalg.Configure(1);
        if (weights != null) Network(WeightFile.Load(weights).ToBondMatrix(), weights, level, grid, crossingOnly);
        if (scaling != null) Scaling(scaling, level, path);
        return 0;
    }

    static double Time(Action a)
    {
        var sw = Stopwatch.StartNew();
        a();
        return sw.Elapsed.TotalSeconds;
    }

    static void Network(BondMatrix j, string name, double level, int grid, bool crossingOnly)
    {
        int n = j.Size;
        Console.WriteLine($"network {name}: widths {string.Join("-", j.Widths)}, N = {n}, level {F(level)}, load average {Load()}");
        var dense = j.ToDenseRowMajor();
        TorchLinalg.SymmetricEigenvalues(dense, n); // warm-up
        double[] specJ = [];
        double tEig = Time(() => specJ = TorchLinalg.SymmetricEigenvalues(dense, n));
        Console.WriteLine($"one dense eigenvalue problem (N = {n}): {F(tEig)} s");

        double tAll = crossingOnly ? double.NaN : WholeAnalysis(j, level, tEig);
        double normJ = Math.Max(Math.Abs(specJ[0]), Math.Abs(specJ[^1])) * (1 + 1e-12);
        double tCross = Crossing(j, level, tEig, normJ);
        if (grid > 0) Grid(j, dense, level, grid, tAll, tCross);
    }

    static double WholeAnalysis(BondMatrix j, double level, double tEig)
    {
        var stages = new List<(string Stage, double At)>();
        var sw = Stopwatch.StartNew();
        var r = NetworkAnalysis.Run(j, new AnalysisOptions
        {
            Level = level,
            Progress = s => { if (!s.Contains('(')) stages.Add((s, sw.Elapsed.TotalSeconds)); },
        });
        double tAll = sw.Elapsed.TotalSeconds;
        stages.Add(("end", tAll));
        Console.WriteLine($"analysis: {F(tAll)} s = {F(tAll / tEig)} dense eigenvalue problems; {r.CurveEvaluations} eigenvalue computations");
        for (int i = 0; i + 1 < stages.Count; i++)
            Console.WriteLine($"  {stages[i].Stage}: {F(stages[i + 1].At - stages[i].At)} s");
        Console.WriteLine($"  results: beta_c(c_0) {r.BetaCCorrected:R}, curve min {r.CurveMinLambda:R} at {r.CurveMinBeta:R}, s0/styp {r.FirstLevelSpacingRatio:R}");
        return tAll;
    }

    static double Crossing(BondMatrix j, double level, double tEig, double normJ)
    {
        double? crossing = null;
        int evals = 0, inertia = 0;
        double tCross = Time(() =>
        {
            using var curve = new LambdaMinCurve(j, normJ);
            crossing = TransitionSearch.FirstCrossing(curve, level, 10);
            evals = curve.Evaluations;
            inertia = curve.InertiaCounts;
            if (Environment.GetEnvironmentVariable("NEURALSPIN_SPEED_POINTS") == "1")
                foreach (var p in curve.Points) Console.WriteLine($"    point beta {p.Beta:R} value {p.Value:R} lower {p.LowerBound:R} certified {p.Certified}");
        });
        Console.WriteLine($"first crossing alone: {F(tCross)} s = {F(tCross / tEig)} dense eigenvalue problems ({evals} eigenvalue computations, {inertia} inertia counts), beta_c(c_0) = {crossing:R}");
        return tCross;
    }

    static void Grid(BondMatrix j, double[] dense, double level, int grid, double tAll, double tCross)
    {
        int n = j.Size;
        {
            double betaMax = 10;
            var d = j.RowSquareSums();
            double? gridCrossing = null;
            double tGrid = Time(() =>
            {
                for (int g = 1; g <= grid; g++)
                {
                    double beta = betaMax * g / grid;
                    var a = LinearizedTap.DenseFromJ(dense, d, beta);
                    double lmin = TorchLinalg.SymmetricEigenvalues(a, n)[0];
                    if (gridCrossing is null && lmin <= level) gridCrossing = beta;
                }
            });
            Console.WriteLine($"grid method ({grid} dense problems of I - M on (0, {F(betaMax)}]): {F(tGrid)} s, beta_c(c_0) within one grid step: {gridCrossing:R}");
            Console.WriteLine($"ratio grid / ours: whole analysis {F(tGrid / tAll)}, first crossing {F(tGrid / tCross)}");
        }
    }

    static void Scaling(int[] hidden, double level, AnalysisPath path)
    {
        var rows = new List<(int N, double T)>();
        Console.WriteLine($"scaling, path {path}, networks 784-h-h-h-10 (Kaiming C = 2, seed 1), level {F(level)}, load average {Load()}");
        foreach (int h in hidden)
        {
            var j = BondMatrix.Sample(new[] { 784, h, h, h, 10 }, new[] { 2.0 }, new SplitMixSource(1));
            var cost = AnalysisCost.Of(j.Widths.ToArray());
            AnalysisResult? r = null;
            double t = Time(() => r = NetworkAnalysis.Run(j, new AnalysisOptions { Level = level, Path = path }));
            rows.Add((j.Size, t));
            Console.WriteLine($"  N = {j.Size}: {F(t)} s ({r!.CurveEvaluations} eigenvalue computations; estimate {F(cost.EstimatedSeconds(path))} s, {AnalysisCost.FormatBytes(cost.Bytes(path))})");
        }
        if (rows.Count >= 2)
        {
            double mx = rows.Average(p => Math.Log(p.N)), my = rows.Average(p => Math.Log(p.T));
            double sxy = rows.Sum(p => (Math.Log(p.N) - mx) * (Math.Log(p.T) - my)), sxx = rows.Sum(p => Math.Pow(Math.Log(p.N) - mx, 2));
            Console.WriteLine($"  fitted exponent: time ~ N^{F(sxy / sxx)}");
        }
    }

    static string Load() => File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Split(' ')[0] : "?";
}
