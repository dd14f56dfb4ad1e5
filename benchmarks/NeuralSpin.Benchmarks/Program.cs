using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Engines;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using NeuralSpin.Analysis;
using NeuralSpin.Numerics;
using NeuralSpin.SpinModel;
using NeuralSpin.Tap;

if (args is ["large-model", var largeDir, ..])
{
    LargeModel.Write(largeDir, args.Length > 2 ? int.Parse(args[2]) : 6, args.Length > 3 ? int.Parse(args[3]) : 4096);
    return 0;
}
if (args.Length > 0 && args[0] == "analysis-speed") return NeuralSpin.Benchmarks.AnalysisSpeed.Run(args[1..]);
// ensemble-throughput: the tool's own timing of the lane ensemble kernel against same-run peaks (torch.mm, a lane FMA loop) and the batched kernel (EnsembleThroughput.cs)
if (args.Length > 0 && args[0] == "ensemble-throughput") { EnsembleThroughput.Run(args); return 0; }
// lane-training: the lane kernel's training alone, CPU time per network-step (for profiling; EnsembleThroughput.cs)
if (args.Length > 0 && args[0] == "lane-training") { EnsembleThroughput.RunTrainingOnly(args); return 0; }
// noise: the counter-based training noise in the lane layout against libtorch's normal_ (EnsembleThroughput.cs)
if (args.Length > 0 && args[0] == "noise") { EnsembleThroughput.RunNoiseOnly(args); return 0; }
// training-profile: where a paper-1 training step spends its time, phase by phase, against its matrix products alone (TrainingProfile.cs)
if (args.Length > 0 && args[0] == "training-profile") return TrainingProfile.Run(args);

BenchmarkSwitcher.FromAssembly(typeof(SpinModelBenchmarks).Assembly).Run(args,
    // in process: the benchmark runs inside this build's output, whose libLibTorchSharp.so the build has
    // patched (Directory.Build.targets); a separately generated project would carry an unpatched copy
    // NEURALSPIN_BENCH_JOB=once: a single measured call without pilot or warm-up, for cases that take minutes
    DefaultConfig.Instance.AddJob((Environment.GetEnvironmentVariable("NEURALSPIN_BENCH_JOB") == "once"
            ? Job.Default.WithStrategy(RunStrategy.Monitoring).WithLaunchCount(1).WithWarmupCount(0).WithIterationCount(1)
                .WithInvocationCount(1).WithUnrollFactor(1).WithId("once")
            : Job.ShortRun.WithId("short")).WithToolchain(InProcessEmitToolchain.Instance))
        .WithOptions(ConfigOptions.JoinSummary | ConfigOptions.DisableOptimizationsValidator));
return 0;

/// <summary>
/// Kernels of the analysis at the size of the paper's network (784-512-512-512-10, N = 2330,
/// Kaiming-normal C = 2). Run: dotnet run -c Release --project benchmarks/NeuralSpin.Benchmarks -- --filter '*'
/// </summary>
[MemoryDiagnoser]
public class SpinModelBenchmarks
{
    BondMatrix _j = null!;
    ChiRecurrence _chi = null!;
    double[] _x = null!, _y = null!, _dense = null!;

    [GlobalSetup]
    public void Setup()
    {
        TorchLinalg.Configure(1);
        _j = BondMatrix.Sample(new[] { 784, 512, 512, 512, 10 }, new[] { 2.0 }, new Random(1));
        _chi = new ChiRecurrence(_j);
        _x = Enumerable.Range(0, _j.Size).Select(i => Math.Sin(i)).ToArray();
        _y = new double[_j.Size];
        _dense = _j.ToDenseRowMajor();
    }

    [GlobalCleanup]
    public void Cleanup() => _chi.Dispose();

    /// <summary>One block-sparse product J x.</summary>
    [Benchmark]
    public void BondMatrixMultiply() => _j.Multiply(_x, _y);

    /// <summary>Positive-definiteness of I - M(0.5) from the chi recurrence (docs/theory.md section 5).</summary>
    [Benchmark]
    public bool ChiRecurrencePositiveDefinite() => _chi.IsPositiveDefinite(0.5, 0.0);

    /// <summary>Full inertia and log-determinant from the chi recurrence.</summary>
    [Benchmark]
    public Inertia ChiRecurrenceInertia() => _chi.Evaluate(0.6, 0.0);

    /// <summary>Dense float64 eigenvalues of J (libtorch).</summary>
    [Benchmark]
    public double[] DenseEigenvaluesOfJ() => TorchLinalg.SymmetricEigenvalues(_dense, _j.Size);

    /// <summary>One certified lambda_min(beta) from a cold start (Lanczos + inertia count).</summary>
    [Benchmark]
    public double CertifiedLambdaMinColdStart()
    {
        using var curve = new LambdaMinCurve(_j, 3.7);
        return curve.Evaluate(0.55, certify: true).Value;
    }

    /// <summary>The whole analysis with a level (curve minimum, beta_c, corrected beta_c, spectra).</summary>
    [Benchmark]
    public AnalysisResult AnalyzeWithLevel() => NetworkAnalysis.Run(_j, new AnalysisOptions { Level = 0.05 });
}
