using System.Diagnostics;
using System.Globalization;
using NeuralSpin.Analysis;
using NeuralSpin.IO;
using NeuralSpin.Numerics;
using NeuralSpin.Spectra;
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
/// [--grid-points G] [--crossing-only] [--search-too] [--scaling h1,h2,...] [--path dense|matrix-free] [--progress]
/// [--spacing-check h1,h2,...] [--depth D] (hidden layers of the scaling networks, default 3)
/// [--storage f32|f64|both] (the scaling networks drawn straight into float32 blocks, as a network initialised in float32
/// is, the default; or in float64; or both, the float32 one being the float64 draw rounded, with every reported number
/// compared) [--products h] (processor time of the one-pass product J x on 784-h-h-h-10 with float64 and with float32
/// blocks, alternated in one process so that the load falls on both alike)
/// [--cli CLI_DLL] (the `analyze` command itself in fresh processes, against fresh processes' eigenvalue problems)
/// [--repeat R] (timings of the
/// analysis, the minimum and the crossing, default 3, with their median) [--kernels] (products, an inertia count and the
/// two routes to the spectrum of J, one by one)
/// </summary>
public static class AnalysisSpeed
{
    /// <summary>Also time the first crossing by the search alone (the method before the vertex certificate).</summary>
    static bool SearchToo;

    /// <summary>Print the analysis's progress lines (--progress).</summary>
    static bool Progress;

    /// <summary>Time the analysis's kernels one by one (--kernels): products, an inertia count, the spectrum of J.</summary>
    static bool Kernels;

    /// <summary>How often the analysis, the curve minimum and the first crossing are each timed (--repeat, default 3).</summary>
    static int Repeat = 3;

    static double Median(List<double> v)
    {
        var a = v.OrderBy(x => x).ToArray();
        return a.Length % 2 == 1 ? a[a.Length / 2] : 0.5 * (a[a.Length / 2 - 1] + a[a.Length / 2]);
    }

    static string F(double v) => v.ToString("G4", CultureInfo.InvariantCulture);

    public static int Run(string[] args)
    {
        string? weights = null;
        double level = 0.05;
        int grid = 100;
        int[]? scaling = null;
        var path = AnalysisPath.Dense;
        bool crossingOnly = false;
        int[]? spacingCheck = null;
        int depth = 3;
        string storage = "f32";
        string? cli = null;
        bool coldEig = false;
        for (int i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--level": level = double.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--grid-points": grid = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--scaling": scaling = args[++i].Split(',').Select(s => int.Parse(s, CultureInfo.InvariantCulture)).ToArray(); break;
                case "--crossing-only": crossingOnly = true; break;
                case "--kernels": Kernels = true; break;
                case "--repeat": Repeat = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--search-too": SearchToo = true; break;
                case "--progress": Progress = true; break;
                case "--cli": cli = args[++i]; break;
                case "--cold-eig": coldEig = true; break;
                case "--storage": storage = args[++i]; break;
                case "--products": Products(int.Parse(args[++i], CultureInfo.InvariantCulture)); break;
                case "--depth": depth = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--spacing-check": spacingCheck = args[++i].Split(',').Select(s => int.Parse(s, CultureInfo.InvariantCulture)).ToArray(); break;
                case "--path": path = args[++i] == "dense" ? AnalysisPath.Dense : AnalysisPath.MatrixFree; break;
                default: weights = args[i]; break;
            }
        }
        if (cli != null) return CommandLine(cli, weights ?? throw new ArgumentException("--cli needs WEIGHTS"), level);
        TorchLinalg.Configure(1);
        if (coldEig) return ColdEigenvalueProblems(weights ?? throw new ArgumentException("--cold-eig needs WEIGHTS"));
        // loaded as `analyze` loads it: float32 weights into float32 blocks
        if (weights != null) Network(WeightFile.LoadNetwork(weights, null).Bonds, weights, level, grid, crossingOnly);
        if (storage is not ("f32" or "f64" or "both")) throw new ArgumentException($"--storage {storage}: give f32, f64 or both");
        if (scaling != null) Scaling(scaling, level, path, depth, storage);
        if (spacingCheck != null) SpacingCheck(spacingCheck);
        return 0;
    }

    /// <summary>Processor seconds of this process during the last <see cref="Time"/> (all its threads): the work, which
    /// the load of other processes changes far less than the wall time.</summary>
    static double Cpu;

    /// <summary>Processor seconds of one dense eigenvalue problem (the unit on the processor-time basis).</summary>
    static double CpuUnit = double.NaN;

    static double Time(Action a)
    {
        var proc = Process.GetCurrentProcess();
        var cpu0 = proc.TotalProcessorTime;
        var sw = Stopwatch.StartNew();
        a();
        double wall = sw.Elapsed.TotalSeconds;
        proc.Refresh();
        Cpu = (proc.TotalProcessorTime - cpu0).TotalSeconds;
        return wall;
    }

    /// <summary>" (CPU x s = y units)": the last timing on the processor-time basis.</summary>
    static string CpuNote() => $" (processor {F(Cpu)} s = {F(Cpu / CpuUnit)} dense eigenvalue problems)";

    static void Network(BondMatrix j, string name, double level, int grid, bool crossingOnly)
    {
        int n = j.Size;
        Console.WriteLine($"network {name}: widths {string.Join("-", j.Widths)}, N = {n}, level {F(level)}, load average {Load()}");
        var dense = j.ToDenseRowMajor();
        TorchLinalg.SymmetricEigenvalues(dense, n); // warm-up
        double[] specJ = [];
        // the unit: the median of three dense eigenvalue problems, by wall and by processor time
        var walls = new double[3];
        var cpus = new double[3];
        for (int i = 0; i < 3; i++)
        {
            walls[i] = Time(() => specJ = TorchLinalg.SymmetricEigenvalues(dense, n));
            cpus[i] = Cpu;
        }
        Array.Sort(walls);
        Array.Sort(cpus);
        double tEig = walls[1];
        CpuUnit = cpus[1];
        Console.WriteLine($"one dense eigenvalue problem (N = {n}, median of 3): {F(tEig)} s wall (runs {F(walls[0])}-{F(walls[2])} s), {F(CpuUnit)} s processor");

        if (Kernels) KernelTimes(j);
        // each timed Repeat times (the first analysis in a process that has not run one yet: cold code paths), with the
        // median on the processor basis, which the load of other processes moves least
        double tAll = double.NaN;
        if (!crossingOnly)
        {
            var cpuAll = new List<double>();
            for (int r = 0; r < Repeat; r++) { tAll = WholeAnalysis(j, level, tEig); cpuAll.Add(Cpu / CpuUnit); }
            Console.WriteLine($"analysis, processor basis over {Repeat} runs: {string.Join(", ", cpuAll.Select(F))} dense eigenvalue problems (first run cold), median {F(Median(cpuAll))}");
        }
        double normJ = Math.Max(Math.Abs(specJ[0]), Math.Abs(specJ[^1])) * (1 + 1e-12);
        var cpuMin = new List<double>();
        for (int r = 0; r < Repeat; r++) { Minimum(j, tEig, normJ); cpuMin.Add(Cpu / CpuUnit); }
        double tCross = double.NaN;
        var cpuCross = new List<double>();
        for (int r = 0; r < Repeat; r++) { tCross = Crossing(j, level, tEig, normJ); cpuCross.Add(Cpu / CpuUnit); }
        Console.WriteLine($"curve minimum alone, processor basis over {Repeat} runs: {string.Join(", ", cpuMin.Select(F))}, median {F(Median(cpuMin))}");
        Console.WriteLine($"first crossing alone, processor basis over {Repeat} runs: {string.Join(", ", cpuCross.Select(F))}, median {F(Median(cpuCross))}");
        if (grid > 0) Grid(j, dense, level, grid, tAll, tCross);
    }

    /// <summary>
    /// --cli CLI_DLL: the command a user runs, against the unit measured in the same run. Repeat times, alternately:
    /// `dotnet CLI_DLL analyze WEIGHTS --level C0 --json F` in a fresh process (its analysis time from the JSON, its wall
    /// time from outside), and a fresh process of this benchmark (--cold-eig) that loads the weights the same way and
    /// times the dense eigenvalue problem of their size: the process's first (cold, like the one inside a fresh
    /// analysis) and three more (warm). Ratios pair each analysis with the eigenvalue problems measured next to it.
    /// </summary>
    static int CommandLine(string cliDll, string weights, double level)
    {
        Console.WriteLine($"command line: {cliDll} analyze {weights} --level {F(level)}, {Repeat} rounds, load average {Load()}");
        string json = Path.Combine(Path.GetTempPath(), $"neuralspin-bench-{Environment.ProcessId}.json");
        var analysis = new List<double>();
        var total = new List<double>();
        var cold = new List<double>();
        var warm = new List<double>();
        var inPlaceUnit = new List<double>();
        var onTensorUnit = new List<double>();
        for (int r = 0; r < Repeat; r++)
        {
            var sw = Stopwatch.StartNew();
            string outText = RunChild("dotnet", [cliDll, "analyze", weights, "--level", level.ToString("R", CultureInfo.InvariantCulture), "--json", json]);
            total.Add(sw.Elapsed.TotalSeconds);
            using (var doc = System.Text.Json.JsonDocument.Parse(File.ReadAllText(json)))
                analysis.Add(doc.RootElement.GetProperty("elapsed_seconds").GetDouble());
            File.Delete(json);
            string eigText = RunChild(Environment.ProcessPath!, ["analysis-speed", weights, "--cold-eig"]);
            var line = eigText.Split('\n').Single(l => l.StartsWith("cold-eig ", StringComparison.Ordinal)).Split(' ');
            double c = double.Parse(line[1], CultureInfo.InvariantCulture);
            double w = line.Skip(2).Take(3).Select(v => double.Parse(v, CultureInfo.InvariantCulture)).OrderBy(v => v).ElementAt(1);
            double ip = line.Skip(5).Take(3).Select(v => double.Parse(v, CultureInfo.InvariantCulture)).OrderBy(v => v).ElementAt(1);
            double ot = line.Skip(8).Take(3).Select(v => double.Parse(v, CultureInfo.InvariantCulture)).OrderBy(v => v).ElementAt(1);
            onTensorUnit.Add(ot);
            cold.Add(c);
            warm.Add(w);
            inPlaceUnit.Add(ip);
            Console.WriteLine($"round {r + 1}: analyze printed {F(analysis[^1])} s analysis (process {F(total[^1])} s); a fresh process's eigenvalue problem " +
                $"{F(c)} s first, {F(w)} s warm, {F(ot)} s eigvalsh of a tensor, {F(ip)} s in place (medians of three): {F(analysis[^1] / c)} cold units, {F(analysis[^1] / w)} warm units, {F(analysis[^1] / ot)} tensor units, {F(analysis[^1] / ip)} in-place units");
        }
        // "M units (range A-B)" of the analyses over the units of the same rounds
        string Ratio(List<double> unit)
        {
            var r = analysis.Zip(unit, (a, u) => a / u).ToList();
            return $"{F(Median(r))} (range {F(r.Min())}-{F(r.Max())})";
        }
        Console.WriteLine($"median over {Repeat} rounds: analysis {F(Median(analysis))} s, eigenvalue problem {F(Median(cold))} s cold and {F(Median(warm))} s warm; " +
            $"ratio {Ratio(cold)} cold units, {Ratio(warm)} warm units, {Ratio(onTensorUnit)} tensor units (unit median {F(Median(onTensorUnit))} s), " +
            $"{Ratio(inPlaceUnit)} in-place units (unit median {F(Median(inPlaceUnit))} s); load average {Load()}");
        return 0;
    }

    /// <summary>--cold-eig: the dense eigenvalue problem of the network's size in this fresh process by eigvalsh, first and
    /// three more times, then three times by the same LAPACK call in place, then three times by torch.linalg.eigvalsh of a
    /// tensor made beforehand (printed as "cold-eig FIRST W1 W2 W3 I1 I2 I3 T1 T2 T3", seconds).</summary>
    static int ColdEigenvalueProblems(string weights)
    {
        var j = WeightFile.LoadNetwork(weights, null).Bonds;
        var dense = j.ToDenseRowMajor();
        var t = new double[4];
        for (int i = 0; i < 4; i++) t[i] = Time(() => TorchLinalg.SymmetricEigenvalues(dense, j.Size));
        // the same LAPACK call in place on a copy the call may destroy (the copy made outside the timing): the eigenvalue
        // problem without eigvalsh's copies, as the analysis solves its own
        var inPlace = new double[3];
        for (int i = 0; i < 3; i++)
        {
            var copy = (double[])dense.Clone();
            inPlace[i] = Time(() => NeuralSpin.Numerics.TorchLapack.SymmetricEigenvaluesInPlace(j.Size, copy, j.Size));
        }
        // torch.linalg.eigvalsh of a tensor that already holds the matrix (what a libtorch user times: one copy inside)
        var onTensor = new double[3];
        using (var scope = TorchSharp.torch.NewDisposeScope())
        {
            var tensor = TorchSharp.torch.tensor(dense, new long[] { j.Size, j.Size }, TorchSharp.torch.ScalarType.Float64);
            for (int i = 0; i < 3; i++) onTensor[i] = Time(() => TorchSharp.torch.linalg.eigvalsh(tensor).Dispose());
        }
        Console.WriteLine("cold-eig " + string.Join(" ", t.Concat(inPlace).Concat(onTensor).Select(v => v.ToString("R", CultureInfo.InvariantCulture))));
        return 0;
    }

    static string RunChild(string file, string[] arguments)
    {
        var psi = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in arguments) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var err = p.StandardError.ReadToEndAsync();
        string text = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        if (p.ExitCode != 0) throw new InvalidOperationException($"{file} {string.Join(" ", arguments)} exited with {p.ExitCode}: {err.Result}");
        return text;
    }

    static void KernelTimes(BondMatrix j)
    {
        int n = j.Size;
        var x = new double[n];
        var y = new double[n];
        var rng = new SplitMixSource(3);
        for (int i = 0; i < n; i++) x[i] = rng.NextDouble() - 0.5;
        Time(() => j.MultiplyOnePass(x, y));
        Console.WriteLine($"kernel: the process's first product J x: {F(Cpu * 1e3)} ms processor");
        for (int w = 0; w < 50; w++) j.MultiplyOnePass(x, y);
        Time(() => { for (int r = 0; r < 200; r++) j.MultiplyOnePass(x, y); });
        Console.WriteLine($"kernel: one product J x (mean of 200): {F(Cpu / 200 * 1e3)} ms processor = {F(Cpu / 200 / CpuUnit)} units");
        var xs = Enumerable.Range(0, 4).Select(_ => (double[])x.Clone()).ToArray();
        var ys = Enumerable.Range(0, 4).Select(_ => new double[n]).ToArray();
        Time(() => j.MultiplyOnePass(xs, ys));
        Console.WriteLine($"kernel: the process's first four products in one pass: {F(Cpu * 1e3)} ms processor");
        for (int w = 0; w < 50; w++) j.MultiplyOnePass(xs, ys);
        Time(() => { for (int r = 0; r < 50; r++) j.MultiplyOnePass(xs, ys); });
        Console.WriteLine($"kernel: four products in one pass (mean of 50): {F(Cpu / 50 * 1e3)} ms processor");
        using (var chi = new ChiRecurrence(j))
        {
            Time(() => chi.IsPositiveDefinite(0.45, 0.05));
            Console.WriteLine($"kernel: the process's first inertia count: {F(Cpu * 1e3)} ms processor");
            Time(() => { for (int r = 0; r < 5; r++) chi.IsPositiveDefinite(0.45, 0.05); });
            Console.WriteLine($"kernel: one inertia count (mean of 5): {F(Cpu / 5 * 1e3)} ms processor = {F(Cpu / 5 / CpuUnit)} units");
        }
        {
            // the pieces of one count on the widths of this network's first blocks: the product J^(1)^T J^(1), a Cholesky
            // factorisation and a triangular solve of the second block's width
            using var scope = TorchSharp.torch.NewDisposeScope();
            var b1 = TorchLinalg.FromRowMajor(j.BlockCopy(1), j.Widths[0], j.Widths[1]);
            var b2 = TorchLinalg.FromRowMajor(j.BlockCopy(2), j.Widths[1], j.Widths[2]);
            var g = b1.t().matmul(b1);
            var spd = g + TorchSharp.torch.eye(j.Widths[1], dtype: TorchSharp.torch.ScalarType.Float64) * 10;
            var l = TorchSharp.torch.linalg.cholesky(spd);
            Time(() => { for (int r = 0; r < 5; r++) b1.t().matmul(b1).Dispose(); });
            double tG = Cpu / 5;
            Time(() => { for (int r = 0; r < 5; r++) TorchSharp.torch.linalg.cholesky(spd).Dispose(); });
            double tC = Cpu / 5;
            Time(() => { for (int r = 0; r < 5; r++) TorchSharp.torch.linalg.solve_triangular(l, b2, upper: false).Dispose(); });
            double tS = Cpu / 5;
            Console.WriteLine($"kernel: pieces of an inertia count: J^(1)^T J^(1) {F(tG * 1e3)} ms, Cholesky of {j.Widths[1]} {F(tC * 1e3)} ms, triangular solve {F(tS * 1e3)} ms");
        }
        Time(() => { using var c = new ChiRecurrence(j); });
        Console.WriteLine($"kernel: chi recurrence set-up: {F(Cpu * 1e3)} ms processor");
        double[] svd = [];
        Time(() => svd = j.SpectrumFromBipartiteBlock());
        Console.WriteLine($"kernel: spectrum of J from the bipartite block's singular values: {F(Cpu)} s processor = {F(Cpu / CpuUnit)} units");
        (double[] Spectrum, double ErrorBound) gram = default;
        Time(() => gram = j.SpectrumFromGram());
        double gramFirst = Cpu;
        Time(() => gram = j.SpectrumFromGram());
        Console.WriteLine($"kernel: spectrum of J from the Gram matrix, first call {F(gramFirst)} s, second {F(Cpu)} s processor");
        double diff = svd.Zip(gram.Spectrum).Max(p => Math.Abs(p.First - p.Second)), top = svd[^1];
        double smallest = svd.Where(e => e > 0).DefaultIfEmpty(0).Min();
        Console.WriteLine($"kernel: spectrum of J from the Gram matrix: {F(Cpu)} s processor = {F(Cpu / CpuUnit)} units; largest difference " +
            $"{diff / top:G3} ||J||, stated bound {gram.ErrorBound / top:G3} ||J||; smallest positive singular value {smallest / top:G3} ||J||");
        {
            var qs = Enumerable.Range(0, 120).Select(r => Enumerable.Range(0, n).Select(i => Math.Sin(i * (r + 1.0))).ToArray()).ToArray();
            var wv = (double[])x.Clone();
            for (int rep = 0; rep < 20; rep++) for (int i = 0; i < 60; i++) { double c = Blas.Dot(qs[i], wv); Blas.Axpy(-1e-9 * c, qs[i], wv); }
            Time(() => { for (int rep = 0; rep < 200; rep++) for (int i = 0; i < 60; i++) { double c = Blas.Dot(qs[i], wv); Blas.Axpy(-1e-9 * c, qs[i], wv); } });
            Console.WriteLine($"kernel: one Gram-Schmidt pass against 60 vectors: {F(Cpu / 200 * 1e3)} ms");
            Time(() => { for (int rep = 0; rep < 200; rep++) for (int i = 0; i < 120; i++) { double c = Blas.Dot(qs[i], wv); Blas.Axpy(-1e-9 * c, qs[i], wv); } });
            Console.WriteLine($"kernel: one Gram-Schmidt pass against 120 vectors: {F(Cpu / 200 * 1e3)} ms");
        }
        LanczosResult? lr = null;
        Time(() => lr = Lanczos.SmallestEigenpair((u, v) => { for (int i = 0; i < n; i++) v[i] = u[i] * (1.0 + i) / n; }, n, null, new SplitMixSource(5), 0, 120, 0));
        Console.WriteLine($"kernel: Lanczos overhead without products (diagonal operator): {F(Cpu / lr!.MatrixVectorProducts * 1e3)} ms a step over {lr.MatrixVectorProducts} steps");
        long products = 0;
        Time(() => { using var c = new LambdaMinCurve(j, 5.0); c.Evaluate(0.45); products = c.Products; });
        Console.WriteLine($"kernel: the first cold Lanczos point: {F(Cpu)} s processor");
        Time(() => { using var c = new LambdaMinCurve(j, 5.0); c.Evaluate(0.45); products = c.Products; });
        Console.WriteLine($"kernel: one cold Lanczos point: {F(Cpu)} s processor = {F(Cpu / CpuUnit)} units, {products} products ({F(Cpu / products * 1e3)} ms a step)");
    }

    static double WholeAnalysis(BondMatrix j, double level, double tEig)
    {
        var stages = new List<(string Stage, double At, double Cpu)>();
        var proc = Process.GetCurrentProcess();
        double CpuNow() { proc.Refresh(); return proc.TotalProcessorTime.TotalSeconds; }
        var sw = Stopwatch.StartNew();
        double cpu0 = CpuNow();
        AnalysisResult r = null!;
        double tAll = Time(() => r = NetworkAnalysis.Run(j, new AnalysisOptions
        {
            Level = level,
            Progress = s => { if (!s.Contains('(')) stages.Add((s, sw.Elapsed.TotalSeconds, CpuNow() - cpu0)); },
        }));
        stages.Insert(0, ("preparation", 0, 0));
        stages.Add(("end", tAll, Cpu));
        Console.WriteLine($"analysis: {F(tAll)} s = {F(tAll / tEig)} dense eigenvalue problems{CpuNote()}; {r.CurveEvaluations} eigenvalue computations, {r.CurveProducts} products, {r.InertiaCounts} inertia counts");
        for (int i = 0; i + 1 < stages.Count; i++)
            Console.WriteLine($"  {stages[i].Stage}: {F(stages[i + 1].At - stages[i].At)} s wall, processor {F(stages[i + 1].Cpu - stages[i].Cpu)} s = {F((stages[i + 1].Cpu - stages[i].Cpu) / CpuUnit)} units");
        Console.WriteLine($"  results: beta_c(c_0) {r.BetaCCorrected:R}, curve min {r.CurveMinLambda:R} at {r.CurveMinBeta:R}, s0/styp {r.FirstLevelSpacingRatio:R}");
        return tAll;
    }

    static void Minimum(BondMatrix j, double tEig, double normJ)
    {
        CurveMinimum? min = null;
        int evals = 0, inertia = 0;
        double t = Time(() =>
        {
            using var curve = new LambdaMinCurve(j, normJ);
            min = TransitionSearch.GlobalMinimum(curve, 10);
            evals = curve.Evaluations;
            inertia = curve.InertiaCounts;
            if (Environment.GetEnvironmentVariable("NEURALSPIN_SPEED_POINTS") == "1")
                foreach (var p in curve.Points) Console.WriteLine($"    point beta {p.Beta:R} value {p.Value:R} lower {p.LowerBound:R} certified {p.Certified}");
        });
        Console.WriteLine($"curve minimum alone: {F(t)} s = {F(t / tEig)} dense eigenvalue problems{CpuNote()} ({evals} eigenvalue computations, " +
            $"{inertia} inertia counts): {min!.Value:R} at {min.Beta:R}, certified lower bound {min.CertifiedLowerBound:R}");
    }

    static double Crossing(BondMatrix j, double level, double tEig, double normJ)
    {
        double tCross = double.NaN;
        foreach (bool vertex in SearchToo ? new[] { true, false } : new[] { true })
        {
            CrossingResult? crossing = null;
            int evals = 0, inertia = 0;
            double t = Time(() =>
            {
                using var curve = new LambdaMinCurve(j, normJ);
                crossing = TransitionSearch.FirstCrossingDetailed(curve, level, 10, vertexCertificate: vertex);
                evals = curve.Evaluations;
                inertia = curve.InertiaCounts;
                if (Environment.GetEnvironmentVariable("NEURALSPIN_SPEED_POINTS") == "1")
                    foreach (var p in curve.Points) Console.WriteLine($"    point beta {p.Beta:R} value {p.Value:R} lower {p.LowerBound:R} certified {p.Certified}");
            });
            if (vertex) tCross = t;
            Console.WriteLine($"first crossing alone ({(vertex ? "vertex certificate first" : "search alone")}): {F(t)} s = {F(t / tEig)} dense eigenvalue problems{CpuNote()} " +
                $"({evals} eigenvalue computations, {inertia} inertia counts), method {crossing!.Method}, beta_c(c_0) = {crossing.Beta:R}, certified above it from {crossing.CertifiedBelow:R}");
        }
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

    /// <summary>
    /// The estimated typical spacing (kernel-polynomial density, GOE spacing law; docs/theory.md section 6) against the
    /// exact median spacing of the full spectrum of I - M, on Kaiming networks 784-h-h-h-10 at the curve minimum's beta and
    /// at beta = 0.45, with the first spacing ratio both ways.
    /// </summary>
    static void SpacingCheck(int[] hidden)
    {
        Console.WriteLine($"spacing check: networks 784-h-h-h-10 (Kaiming C = 2, seed 1), load average {Load()}");
        foreach (int h in hidden)
        {
            var j = BondMatrix.Sample(new[] { 784, h, h, h, 10 }, new[] { 2.0 }, new SplitMixSource(1));
            using var curve = new LambdaMinCurve(j, null);
            var min = TransitionSearch.MinimumEstimate(curve, 10);
            foreach (double beta in new[] { min.Beta, 0.45 })
            {
                var exact = TorchLinalg.SymmetricEigenvalues(curve.MatrixAt(beta), j.Size);
                double median = LevelSpacing.Median(LevelSpacing.Spacings(exact));
                SpacingEstimate? est = null;
                double t = Time(() => est = SpacingEstimate.At(curve, beta, 12345));
                Console.WriteLine($"  N = {j.Size}, beta {beta:G6}: s_typ exact {median:G6}, estimate {est!.TypicalSpacing:G6} (relative error {F(est.TypicalSpacing / median - 1)}); " +
                    $"s_0 exact {exact[1] - exact[0]:G6}, estimate {est.E1 - est.E0:G6}; ratio exact {(exact[1] - exact[0]) / median:G6}, estimate {est.Ratio:G6}; {F(t)} s");
            }
        }
    }

    static void Scaling(int[] hidden, double level, AnalysisPath path, int depth, string storage)
    {
        var rows = new List<(int N, double T)>();
        Console.WriteLine($"scaling, path {path}, networks 784-(h x {depth})-10 (Kaiming C = 2, seed 1, blocks in {storage}), level {F(level)}, load average {Load()}");
        foreach (int h in hidden)
        {
            var widths = new[] { 784 }.Concat(Enumerable.Repeat(h, depth)).Append(10).ToArray();
            AnalysisResult? r64 = null;
            foreach (bool single in storage == "both" ? new[] { false, true } : new[] { storage == "f32" })
            {
                BondMatrix j = null!;
                double tDraw = Time(() => j = BondMatrix.Sample(widths, new[] { 2.0 }, new SplitMixSource(1), singlePrecision: single));
                Console.WriteLine($"  drew {string.Join("-", widths)} into {(single ? "float32" : "float64")} blocks ({AnalysisCost.FormatBytes(j.BlockBytes)}): {F(tDraw)} s");
                var r = ScalingRun(j, level, path, rows);
                if (!single) r64 = r;
                else if (r64 != null) Compare(r64, r);
                j = null!;
                GC.Collect();
            }
        }
        if (rows.Count >= 2)
        {
            double mx = rows.Average(p => Math.Log(p.N)), my = rows.Average(p => Math.Log(p.T));
            double sxy = rows.Sum(p => (Math.Log(p.N) - mx) * (Math.Log(p.T) - my)), sxx = rows.Sum(p => Math.Pow(Math.Log(p.N) - mx, 2));
            Console.WriteLine($"  fitted exponent: time ~ N^{F(sxy / sxx)}");
        }
    }

    /// <summary>Every reported number of the float64 draw against the float32 one (the same draw rounded): the difference
    /// and the relative difference.</summary>
    static void Compare(AnalysisResult a, AnalysisResult b)
    {
        static string D(double? x, double? y) => x is double u && y is double v
            ? string.Create(CultureInfo.InvariantCulture, $"{u:R} vs {v:R}: difference {v - u:G3}, relative {(v - u) / Math.Abs(u):G3}")
            : $"{x} vs {y}";
        Console.WriteLine("    float64 vs float32 blocks:");
        Console.WriteLine($"      curve minimum    {D(a.CurveMinLambda, b.CurveMinLambda)}");
        Console.WriteLine($"      its beta         {D(a.CurveMinBeta, b.CurveMinBeta)}");
        Console.WriteLine($"      certified lower  {D(a.CurveCertifiedLowerBound, b.CurveCertifiedLowerBound)}");
        Console.WriteLine($"      beta_c           {D(a.BetaC, b.BetaC)}");
        Console.WriteLine($"      beta_c(c_0)      {D(a.BetaCCorrected, b.BetaCCorrected)}");
        Console.WriteLine($"      lambda_max(J)    {D(a.LambdaMaxJ, b.LambdaMaxJ)} (residuals {a.LambdaMaxJResidual:G3}, {b.LambdaMaxJResidual:G3})");
        Console.WriteLine($"      lambda_min(R)    {D(a.LambdaMinR, b.LambdaMinR)}");
        Console.WriteLine($"      T_c replica      {D(a.TcReplica, b.TcReplica)}");
        Console.WriteLine($"      s_0/s_typ        {D(a.FirstLevelSpacingRatio, b.FirstLevelSpacingRatio)}");
        Console.WriteLine($"      s_typ            {D(a.TypicalSpacing, b.TypicalSpacing)}");
    }

    static AnalysisResult ScalingRun(BondMatrix j, double level, AnalysisPath path, List<(int N, double T)> rows)
    {
        {
            var cost = AnalysisCost.Of(j.Widths.ToArray(), bytesPerWeight: j.SinglePrecision ? 4 : 8);
            AnalysisResult? r = null;
            double t = Time(() => r = NetworkAnalysis.Run(j, new AnalysisOptions
            {
                Level = level,
                Path = path,
                EstimateSpacing = path == AnalysisPath.MatrixFree,
                Progress = Progress ? s => Console.WriteLine($"    [{DateTime.Now:HH:mm:ss}] {s}") : null,
            }));
            rows.Add((j.Size, t));
            using var self = Process.GetCurrentProcess();
            Console.WriteLine($"  N = {j.Size}: {F(t)} s wall, {F(Cpu)} s processor ({r!.CurveEvaluations} eigenvalue computations, {r.CurveProducts} products, {r.InertiaCounts} inertia counts; certified {r.Certified}; " +
                $"estimate {F(cost.EstimatedSeconds(path))} s, {AnalysisCost.FormatBytes(cost.Bytes(path))}; peak working set so far {AnalysisCost.FormatBytes(self.PeakWorkingSet64)})");
            Console.WriteLine($"    min {r.CurveMinLambda:R} at {r.CurveMinBeta:R}, beta_c {r.BetaC:R}, beta_c(c_0) {r.BetaCCorrected:R}, lambda_max(J) {r.LambdaMaxJ:R}, " +
                $"s0/styp {r.FirstLevelSpacingRatio:R} (estimated {r.SpacingEstimated}, s_typ {r.TypicalSpacing:R})");
            return r;
        }
    }

    /// <summary>Processor milliseconds per one-pass product J x with float64 and float32 blocks of the same draw, in five
    /// alternating rounds of 20 products each (the median round of each).</summary>
    static void Products(int h)
    {
        var widths = new[] { 784, h, h, h, 10 };
        var f64 = BondMatrix.Sample(widths, new[] { 2.0 }, new SplitMixSource(1));
        var f32 = BondMatrix.Sample(widths, new[] { 2.0 }, new SplitMixSource(1), singlePrecision: true);
        var x = new double[f64.Size];
        var rng = new SplitMixSource(2);
        for (int i = 0; i < x.Length; i++) x[i] = rng.NextDouble() - 0.5;
        var y = new double[x.Length];
        f64.MultiplyOnePass(x, y);
        f32.MultiplyOnePass(x, y); // warm-up
        var t64 = new List<double>();
        var t32 = new List<double>();
        for (int round = 0; round < 5; round++)
            foreach (var (j, list) in new[] { (f64, t64), (f32, t32) })
            {
                double wall = Time(() => { for (int r = 0; r < 20; r++) j.MultiplyOnePass(x, y); });
                list.Add(Cpu / 20 * 1e3);
            }
        t64.Sort();
        t32.Sort();
        Console.WriteLine($"one-pass product on 784-{h}-{h}-{h}-10 ({f64.WeightCount} weights), load average {Load()}: float64 blocks {F(t64[2])} ms, " +
            $"float32 blocks {F(t32[2])} ms processor per product (median of 5 rounds of 20; ranges {F(t64[0])}-{F(t64[4])}, {F(t32[0])}-{F(t32[4])})");
    }

    static string Load() => File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Split(' ')[0] : "?";
}
