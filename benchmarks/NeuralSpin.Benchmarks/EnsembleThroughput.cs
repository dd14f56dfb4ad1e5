using System.Diagnostics;
using NeuralSpin.BinaryNets;
using NeuralSpin.Numerics;
using NeuralSpin.Training;
using static TorchSharp.torch;

/// <summary>
/// Throughput of ensemble collection (docs/theory.md section 7, "Many trainings at once"): deep 20-15-15-10 trainings per
/// second of the lane kernel (<see cref="LrNetLaneTrainer"/>, the default of <see cref="EnsembleCollector"/>) with K draws
/// each, next to two peaks measured in the same run (a large float32 torch.mm, and a loop of independent lane-wise fused
/// multiply-adds on all threads), the fraction of each that the kernel reaches, and the speedup over the batched
/// TorchSharp kernel (<see cref="LrNetBatchTrainer"/>) timed in the same run on the same networks.
/// Run: dotnet run -c Release --project benchmarks/NeuralSpin.Benchmarks -- ensemble-throughput [trainings] [steps] [draws] [threads] [batched-steps]
/// (steps 0: one epoch of the whole training set, as a collection reads it; else a random subset of steps x 32 samples)
/// </summary>
/// <remarks>
/// The data have MNIST PCA-20's sizes (60,000 training and 10,000 test points of dimension 20, ten classes) but are
/// synthetic (Gaussian points labelled by a random linear teacher), so the run needs no download; the work per step
/// does not depend on the values. Both kernels train the same networks (batch 32, Adam at lr 0.1) for one epoch of
/// steps x 32 samples (the batched kernel for batched-steps x 32, it is much slower); a training of the target size
/// (8 epochs of 60,000 = 15,000 steps) is extrapolated from the measured step rate, which does not depend on the
/// epoch length, after subtracting the fixed part of a training (set-up, subset, mean-network accuracy; timed with
/// zero epochs), which is added back once per training as the collection pays it (with the whole training set). FLOP count per training (multiply-add = 2): forward G and Delta products 2 x 2 x 675 per sample,
/// backward twice the forward; draws 2 x 675 per test point and draw. The draws are timed as the collector runs them.
/// </remarks>
static class EnsembleThroughput
{
    const int Batch = 32;
    const double Weights = 675;

    public static void Run(string[] args)
    {
        int trainings = args.Length > 1 ? int.Parse(args[1]) : 64;
        int steps = args.Length > 2 ? int.Parse(args[2]) : 300;
        int draws = args.Length > 3 ? int.Parse(args[3]) : 100;
        int threads = args.Length > 4 ? int.Parse(args[4]) : Environment.ProcessorCount;
        int batchedSteps = args.Length > 5 ? int.Parse(args[5]) : 20;
        set_num_threads(threads);
        var data = Synthetic(60_000, 10_000, 20, 10, seed: 7);
        string Load() => File.ReadAllText("/proc/loadavg").Split(' ')[0];

        Console.WriteLine($"threads {threads}, {LrNetLaneTrainer.LaneWidth} lanes per vector (Vector512 accelerated: {System.Runtime.Intrinsics.Vector512.IsHardwareAccelerated}), load average {Load()} (the machine is shared)");
        double mmRate = MatrixProductRate();
        var (fmaRate, fmaCpuRate) = FmaPeak(threads);
        Console.WriteLine($"same-run peaks before: torch.mm (2048 x 2048 float32) {mmRate / 1e9:F1} GFLOP/s, lane FMA loop {fmaRate / 1e9:F1} GFLOP/s");

        var seeds = Enumerable.Range(0, trainings).Select(t => EnsembleCollector.TrainingSeed(1, t)).ToArray();
        // steps = 0: one epoch of the whole training set (1875 steps), the data path of a collection; else a subset of steps x 32
        var lane = new LrNetTrainingOptions { Widths = LrNetTrainingOptions.Deep, Epochs = 1, LearningRate = 0.1, BatchSize = Batch, TrainSubset = steps > 0 ? steps * Batch : null };
        if (steps == 0) steps = (60_000 + Batch - 1) / Batch;
        LrNetLaneTrainer.Train(data, lane with { TrainSubset = 100 * Batch }, seeds.Take(2 * threads * LrNetLaneTrainer.LaneWidth).ToArray(), 1, threads); // warm-up (the JIT's tiers)
        var watch = Stopwatch.StartNew();
        double cpu0 = CpuSeconds();
        var results = LrNetLaneTrainer.Train(data, lane, seeds, LrNetBatchTrainer.SharedOrderSeed(1), threads);
        double laneSeconds = watch.Elapsed.TotalSeconds, laneCpu = CpuSeconds() - cpu0;
        // the fixed part of a training (set-up, subset, mean-network accuracy), timed with zero epochs, is not a step: it
        // is subtracted from the step rate and added once per training of the target size (with the whole training set,
        // as the collection runs it)
        var (fixedSeconds, fixedCpu) = TimeLaneTraining(data, lane with { Epochs = 0 }, seeds, threads);
        var (setupSeconds, setupCpu) = TimeLaneTraining(data, lane with { Epochs = 0, TrainSubset = null }, seeds, threads);
        double laneStepRate = (double)trainings * steps / (laneSeconds - fixedSeconds); // network-steps per second
        double laneStepCpu = (laneCpu - fixedCpu) / ((double)trainings * steps);

        var batched = lane with { TrainSubset = batchedSteps * Batch };
        LrNetBatchTrainer.Train(data, batched with { TrainSubset = 2 * Batch }, seeds.Take(2).ToArray(), 1); // warm-up
        watch.Restart();
        double cpuB = CpuSeconds();
        LrNetBatchTrainer.Train(data, batched, seeds, LrNetBatchTrainer.SharedOrderSeed(1));
        double batchedSeconds = watch.Elapsed.TotalSeconds, batchedCpu = CpuSeconds() - cpuB;
        // its fixed part (set-up, the mean networks' accuracies) timed with zero epochs and subtracted, as for the lane kernel
        watch.Restart();
        cpuB = CpuSeconds();
        LrNetBatchTrainer.Train(data, batched with { Epochs = 0 }, seeds, LrNetBatchTrainer.SharedOrderSeed(1));
        double batchedFixedSeconds = watch.Elapsed.TotalSeconds, batchedFixedCpu = CpuSeconds() - cpuB;
        double batchedStepRate = (double)trainings * batchedSteps / Math.Max(batchedSeconds - batchedFixedSeconds, 1e-9);
        double batchedStepCpu = Math.Max(batchedCpu - batchedFixedCpu, 1e-9) / ((double)trainings * batchedSteps);

        // the draws as EnsembleCollector runs them: K binary networks per trained set of fields, test accuracy of each
        int drawTrainings = Math.Min(trainings, 16);
        EnsembleCollector.DrawAccuracies(data, LrNetTrainingOptions.Deep, results[0].Thetas, seeds[0], draws, out _, EnsembleKernel.Lanes, threads); // warm-up
        watch.Restart();
        cpu0 = CpuSeconds();
        double best = 0;
        for (int r = 0; r < drawTrainings; r++)
        {
            var accs = EnsembleCollector.DrawAccuracies(data, LrNetTrainingOptions.Deep, results[r].Thetas, seeds[r], draws, out _, EnsembleKernel.Lanes, threads);
            best += accs.Max();
        }
        double drawSecondsPerTraining = watch.Elapsed.TotalSeconds / drawTrainings, drawCpuPerTraining = (CpuSeconds() - cpu0) / drawTrainings;
        // the same draws with libtorch's batched products (the draws of the batched kernel), on two trainings
        watch.Restart();
        for (int r = 0; r < 2; r++) EnsembleCollector.DrawAccuracies(data, LrNetTrainingOptions.Deep, results[r].Thetas, seeds[r], draws, out _, EnsembleKernel.Batched);
        double torchDrawSecondsPerTraining = watch.Elapsed.TotalSeconds / 2;
        // the noise of one network-step (B x U = 32 x 40 normals): the counter-based stream the kernels use, and libtorch's
        // normal_ (the kernels' earlier noise source) for comparison
        double streamSecondsPerStep = StreamSecondsPerStep();
        double noiseSecondsPerStep = NoiseSecondsPerStep();

        double mmAfter = MatrixProductRate();
        var (fmaAfter, fmaCpuAfter) = FmaPeak(threads);
        Console.WriteLine($"same-run peaks after: torch.mm {mmAfter / 1e9:F1} GFLOP/s, lane FMA loop {fmaAfter / 1e9:F1} GFLOP/s; load average {Load()}");

        double stepFlop = 3 * 2 * 2 * Weights * Batch, drawFlop = 2 * Weights * 10_000.0 * draws;
        const double targetSteps = 8 * 60_000.0 / Batch;
        double laneTrainSeconds = targetSteps / laneStepRate + setupSeconds / trainings;
        double perTraining = laneTrainSeconds + drawSecondsPerTraining;
        double achieved = (targetSteps * stepFlop + drawFlop) / perTraining;
        double mm = 0.5 * (mmRate + mmAfter), fma = 0.5 * (fmaRate + fmaAfter);
        Console.WriteLine($"lane kernel: {trainings} deep trainings x {steps} steps of {Batch}: {laneSeconds:F2} s ({fixedSeconds:F2} s of it without steps) = {laneStepRate:F0} network-steps/s = {laneStepRate * stepFlop / 1e9:F2} GFLOP/s; set-up and mean-network accuracy with the whole training set {setupCpu / trainings * 1e3:F1} CPU-ms per training");
        Console.WriteLine($"batched kernel (LrNetBatchTrainer): {trainings} x {batchedSteps} steps: {batchedSeconds:F2} s ({batchedFixedSeconds:F2} s of it without steps) = {batchedStepRate:F0} network-steps/s = {batchedStepRate * stepFlop / 1e9:F3} GFLOP/s");
        Console.WriteLine($"speedup of the lane kernel over the batched kernel (same run, training steps): {laneStepRate / batchedStepRate:F1}x");
        Console.WriteLine($"draws: {draws} per training on 10,000 test points: {drawSecondsPerTraining * 1e3:F1} ms per training = {drawFlop / drawSecondsPerTraining / 1e9:F2} GFLOP/s; mean best-draw accuracy {best / drawTrainings:F3}");
        Console.WriteLine($"draws with libtorch's products (batched kernel's): {torchDrawSecondsPerTraining * 1e3:F1} ms per training; lane draws {torchDrawSecondsPerTraining / drawSecondsPerTraining:F1}x faster");
        Console.WriteLine($"noise alone, per thread CPU-second: counter-based stream in the lane layout {1 / streamSecondsPerStep:F0} network-steps, libtorch normal_ {1 / noiseSecondsPerStep:F0} network-steps ({noiseSecondsPerStep / streamSecondsPerStep:F1}x)");
        Console.WriteLine($"per training of 8 epochs of 60,000 (batch {Batch}) + {draws} draws: {laneTrainSeconds * 1e3:F1} ms training + {drawSecondsPerTraining * 1e3:F1} ms draws");
        Console.WriteLine($"kernel rate: {achieved / 1e9:F2} GFLOP/s = {achieved / mm:P1} of the torch.mm rate, {achieved / fma:P1} of the lane FMA peak");
        Console.WriteLine($"trainings per second (8 epochs of 60,000, batch {Batch}, {draws} draws, scaled from this run's step rate): {1 / perTraining:F2}");
        // the same on the basis of this process's CPU time, which does not depend on its share of the shared cores
        double cpuPerTraining = laneStepCpu * targetSteps + setupCpu / trainings + drawCpuPerTraining;
        double cpuRate = (targetSteps * stepFlop + drawFlop) / cpuPerTraining, fmaCpu = 0.5 * (fmaCpuRate + fmaCpuAfter);
        Console.WriteLine($"CPU time: {laneCpu:F2} CPU-s for the lane training ({laneCpu / laneSeconds:F2} cores on average), per training {cpuPerTraining * 1e3:F0} CPU-ms "
            + $"({(laneStepCpu * targetSteps + setupCpu / trainings) * 1e3:F0} training + {drawCpuPerTraining * 1e3:F0} draws); {cpuRate / 1e9:F2} GFLOP per CPU-s = {cpuRate / fmaCpu:P1} of the FMA loop's {fmaCpu / 1e9:F1} GFLOP per CPU-s");
        Console.WriteLine($"speedup over the batched kernel per CPU-second (training steps): {batchedStepCpu / laneStepCpu:F1}x");
        Console.WriteLine($"trainings per second on {threads} whole cores (CPU-time basis): {threads / cpuPerTraining:F2}");
    }

    /// <summary>
    /// The lane kernel's training alone (deep network, batch 32, one epoch), repeated: CPU time of the process per
    /// network-step (the fixed cost of a training, measured with zero epochs, subtracted) and per training of the target
    /// size. Args: lane-training [trainings] [steps: 0 = the whole training set, 1875 steps] [threads] [repeats].
    /// </summary>
    public static void RunTrainingOnly(string[] args)
    {
        int trainings = args.Length > 1 ? int.Parse(args[1]) : 32;
        int steps = args.Length > 2 ? int.Parse(args[2]) : 300;
        int threads = args.Length > 3 ? int.Parse(args[3]) : 1;
        int repeats = args.Length > 4 ? int.Parse(args[4]) : 3;
        var data = Synthetic(60_000, 10_000, 20, 10, seed: 7);
        var seeds = Enumerable.Range(0, trainings).Select(t => EnsembleCollector.TrainingSeed(1, t)).ToArray();
        var lane = new LrNetTrainingOptions { Widths = LrNetTrainingOptions.Deep, Epochs = 1, LearningRate = 0.1, BatchSize = Batch, TrainSubset = steps > 0 ? steps * Batch : null };
        if (steps == 0) steps = (60_000 + Batch - 1) / Batch;
        LrNetLaneTrainer.Train(data, lane with { TrainSubset = 100 * Batch }, seeds.Take(2 * threads * LrNetLaneTrainer.LaneWidth).ToArray(), 1, threads); // warm-up (the JIT's tiers)
        const double targetSteps = 8 * 60_000.0 / Batch;
        for (int rep = 0; rep < repeats; rep++)
        {
            var (_, fixedCpu) = TimeLaneTraining(data, lane with { Epochs = 0 }, seeds, threads);
            var (wall, cpu) = TimeLaneTraining(data, lane, seeds, threads);
            var (_, productionFixed) = TimeLaneTraining(data, lane with { Epochs = 0, TrainSubset = null }, seeds, threads);
            double perStep = (cpu - fixedCpu) / ((double)trainings * steps);
            Console.WriteLine($"{trainings} trainings x {steps} steps: {wall:F2} s wall, {cpu:F2} CPU-s ({fixedCpu:F2} of it without steps); {perStep * 1e6:F2} CPU-us per network-step; "
                + $"per training of 8 epochs of 60,000: {perStep * targetSteps * 1e3:F0} CPU-ms steps + {productionFixed / trainings * 1e3:F1} CPU-ms set-up and mean-network accuracy");
        }
    }

    static (double Wall, double Cpu) TimeLaneTraining(TrainingData data, LrNetTrainingOptions options, long[] seeds, int threads)
    {
        double cpu0 = CpuSeconds();
        var watch = Stopwatch.StartNew();
        LrNetLaneTrainer.Train(data, options, seeds, LrNetBatchTrainer.SharedOrderSeed(1), threads);
        return (watch.Elapsed.TotalSeconds, CpuSeconds() - cpu0);
    }

    /// <summary>The noise alone: the counter-based stream in the lane layout against libtorch's normal_, CPU-us per network-step. Args: noise [repeats].</summary>
    public static void RunNoiseOnly(string[] args)
    {
        int repeats = args.Length > 1 ? int.Parse(args[1]) : 3;
        set_num_threads(1);
        for (int rep = 0; rep < repeats; rep++)
        {
            double stream = StreamSecondsPerStep(), torchNoise = NoiseSecondsPerStep();
            Console.WriteLine($"per network-step (32 x 40 normals), thread CPU time: stream {stream * 1e6:F3} us, libtorch normal_ {torchNoise * 1e6:F3} us ({torchNoise / stream:F1}x)");
        }
    }

    /// <summary>Seconds per network-step of drawing the noise with libtorch's normal_ (a (4, 32, 40) block per 4 steps, as the kernels drew it before the counter-based stream).</summary>
    static double NoiseSecondsPerStep()
    {
        const int chunk = 4;
        using var g = new TorchSharp.torch.Generator(12345, CPU);
        using var block = empty([chunk, Batch, 40], TorchSharp.torch.ScalarType.Float32);
        for (int i = 0; i < 50; i++) block.normal_(0.0, 1.0, g);
        const int calls = 2000;
        double t0 = ThreadCpuSeconds();
        for (int i = 0; i < calls; i++) block.normal_(0.0, 1.0, g);
        return (ThreadCpuSeconds() - t0) / (calls * chunk);
    }

    /// <summary>
    /// Seconds per network-step of the counter-based noise stream as the lane kernel computes it
    /// (<see cref="TrainingNoise.FillLanes{V, O}"/>: 32 x 40 values per step for a vector of networks at once, divided by the lanes).
    /// </summary>
    static double StreamSecondsPerStep()
    {
        long[] seeds = Enumerable.Range(0, LrNetLaneTrainer.LaneWidth).Select(i => 100L + i).ToArray();
        return LrNetLaneTrainer.LaneWidth == 16 ? StreamSecondsPerStep<System.Runtime.Intrinsics.Vector512<float>, Lanes512>(seeds)
            : StreamSecondsPerStep<System.Runtime.Intrinsics.Vector256<float>, Lanes256>(seeds);
    }

    static double StreamSecondsPerStep<V, O>(long[] seeds) where V : struct where O : struct, ILaneVector<V>
    {
        const int count = Batch * 40;
        var values = new float[TrainingNoise.Padded(count) * O.Width];
        var (k0, k1) = TrainingNoise.LaneKeys<V, O>(seeds);
        for (int i = 0; i < 200; i++) TrainingNoise.FillLanes<V, O>(values, count, k0, k1, i);
        const int steps = 2000;
        double t0 = ThreadCpuSeconds();
        for (int i = 0; i < steps; i++) TrainingNoise.FillLanes<V, O>(values, count, k0, k1, i);
        return (ThreadCpuSeconds() - t0) / steps / O.Width;
    }

    /// <summary>
    /// FLOP/s of independent Vector512 (else Vector256) fused multiply-adds, 12 accumulator chains per thread on
    /// <paramref name="threads"/> threads at once: the arithmetic peak the lane kernel could reach (best of 3), per
    /// second of wall time and per second of this process's CPU time.
    /// </summary>
    static (double Wall, double PerCpuSecond) FmaPeak(int threads)
    {
        double bestCpu = 0;
        const long iterations = 20_000_000;
        double best = 0;
        for (int rep = 0; rep < 3; rep++)
        {
            var sw = Stopwatch.StartNew();
            double c0 = CpuSeconds();
            var sink = new float[threads];
            Parallel.For(0, threads, new ParallelOptions { MaxDegreeOfParallelism = threads }, t => sink[t] = System.Runtime.Intrinsics.Vector512.IsHardwareAccelerated ? Fma512(iterations) : Fma256(iterations));
            double s = sw.Elapsed.TotalSeconds, c = CpuSeconds() - c0;
            int lanes = System.Runtime.Intrinsics.Vector512.IsHardwareAccelerated ? 16 : 8;
            best = Math.Max(best, threads * iterations * 12.0 * 2 * lanes / s);
            bestCpu = Math.Max(bestCpu, threads * iterations * 12.0 * 2 * lanes / c);
            if (sink.Any(float.IsNaN)) Console.WriteLine("(nan)");
        }
        return (best, bestCpu);
    }

    /// <summary>CPU time of the calling thread so far, seconds (Linux clock_gettime(CLOCK_THREAD_CPUTIME_ID); elsewhere the process's CPU time).</summary>
    static double ThreadCpuSeconds()
    {
        if (!OperatingSystem.IsLinux()) return CpuSeconds();
        ClockGetTime(3, out var t);
        return t.Seconds + t.Nanoseconds * 1e-9;
    }

    [System.Runtime.InteropServices.StructLayout(System.Runtime.InteropServices.LayoutKind.Sequential)]
    struct TimeSpec { public long Seconds; public long Nanoseconds; }

    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "clock_gettime")]
    static extern int ClockGetTime(int clock, out TimeSpec time);

    /// <summary>CPU time of this process so far (all threads), seconds.</summary>
    static double CpuSeconds() => System.Diagnostics.Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds;

    static float Fma512(long iterations)
    {
        var m = System.Runtime.Intrinsics.Vector512.Create(0.999999f);
        var c = System.Runtime.Intrinsics.Vector512.Create(1e-7f);
        System.Runtime.Intrinsics.Vector512<float> a0 = c, a1 = c, a2 = c, a3 = c, a4 = c, a5 = c, a6 = c, a7 = c, a8 = c, a9 = c, a10 = c, a11 = c;
        for (long i = 0; i < iterations; i++)
        {
            a0 = System.Runtime.Intrinsics.Vector512.FusedMultiplyAdd(a0, m, c); a1 = System.Runtime.Intrinsics.Vector512.FusedMultiplyAdd(a1, m, c);
            a2 = System.Runtime.Intrinsics.Vector512.FusedMultiplyAdd(a2, m, c); a3 = System.Runtime.Intrinsics.Vector512.FusedMultiplyAdd(a3, m, c);
            a4 = System.Runtime.Intrinsics.Vector512.FusedMultiplyAdd(a4, m, c); a5 = System.Runtime.Intrinsics.Vector512.FusedMultiplyAdd(a5, m, c);
            a6 = System.Runtime.Intrinsics.Vector512.FusedMultiplyAdd(a6, m, c); a7 = System.Runtime.Intrinsics.Vector512.FusedMultiplyAdd(a7, m, c);
            a8 = System.Runtime.Intrinsics.Vector512.FusedMultiplyAdd(a8, m, c); a9 = System.Runtime.Intrinsics.Vector512.FusedMultiplyAdd(a9, m, c);
            a10 = System.Runtime.Intrinsics.Vector512.FusedMultiplyAdd(a10, m, c); a11 = System.Runtime.Intrinsics.Vector512.FusedMultiplyAdd(a11, m, c);
        }
        return System.Runtime.Intrinsics.Vector512.Sum(a0 + a1 + a2 + a3 + a4 + a5 + a6 + a7 + a8 + a9 + a10 + a11);
    }

    static float Fma256(long iterations)
    {
        var m = System.Runtime.Intrinsics.Vector256.Create(0.999999f);
        var c = System.Runtime.Intrinsics.Vector256.Create(1e-7f);
        System.Runtime.Intrinsics.Vector256<float> a0 = c, a1 = c, a2 = c, a3 = c, a4 = c, a5 = c, a6 = c, a7 = c, a8 = c, a9 = c, a10 = c, a11 = c;
        for (long i = 0; i < iterations; i++)
        {
            a0 = System.Runtime.Intrinsics.Vector256.FusedMultiplyAdd(a0, m, c); a1 = System.Runtime.Intrinsics.Vector256.FusedMultiplyAdd(a1, m, c);
            a2 = System.Runtime.Intrinsics.Vector256.FusedMultiplyAdd(a2, m, c); a3 = System.Runtime.Intrinsics.Vector256.FusedMultiplyAdd(a3, m, c);
            a4 = System.Runtime.Intrinsics.Vector256.FusedMultiplyAdd(a4, m, c); a5 = System.Runtime.Intrinsics.Vector256.FusedMultiplyAdd(a5, m, c);
            a6 = System.Runtime.Intrinsics.Vector256.FusedMultiplyAdd(a6, m, c); a7 = System.Runtime.Intrinsics.Vector256.FusedMultiplyAdd(a7, m, c);
            a8 = System.Runtime.Intrinsics.Vector256.FusedMultiplyAdd(a8, m, c); a9 = System.Runtime.Intrinsics.Vector256.FusedMultiplyAdd(a9, m, c);
            a10 = System.Runtime.Intrinsics.Vector256.FusedMultiplyAdd(a10, m, c); a11 = System.Runtime.Intrinsics.Vector256.FusedMultiplyAdd(a11, m, c);
        }
        return System.Runtime.Intrinsics.Vector256.Sum(a0 + a1 + a2 + a3 + a4 + a5 + a6 + a7 + a8 + a9 + a10 + a11);
    }

    /// <summary>FLOP/s of a 2048 x 2048 float32 torch.mm (best of 5 after a warm-up).</summary>
    internal static double MatrixProductRate()
    {
        const int n = 2048;
        using var a = randn(n, n);
        using var b = randn(n, n);
        using (var w = a.mm(b)) { }
        double best = double.MaxValue;
        for (int i = 0; i < 5; i++)
        {
            var sw = Stopwatch.StartNew();
            using var c = a.mm(b);
            best = Math.Min(best, sw.Elapsed.TotalSeconds);
        }
        return 2.0 * n * n * n / best;
    }

    static TrainingData Synthetic(int train, int test, int dim, int classes, long seed)
    {
        var rng = new SplitMixRandom(seed);
        var teacher = new double[classes * dim];
        for (int i = 0; i < teacher.Length; i++) teacher[i] = Gauss(ref rng);
        (float[] X, byte[] Y) Make(int count, ref SplitMixRandom r)
        {
            var x = new float[count * dim];
            var y = new byte[count];
            for (int s = 0; s < count; s++)
            {
                int best = 0; double bestScore = double.NegativeInfinity;
                for (int i = 0; i < dim; i++) x[s * dim + i] = (float)Gauss(ref r);
                for (int c = 0; c < classes; c++)
                {
                    double z = 0;
                    for (int i = 0; i < dim; i++) z += teacher[c * dim + i] * x[s * dim + i];
                    if (z > bestScore) { bestScore = z; best = c; }
                }
                y[s] = (byte)best;
            }
            return (x, y);
        }
        var (trX, trY) = Make(train, ref rng);
        var (teX, teY) = Make(test, ref rng);
        return new TrainingData(trX, trY, teX, teY, dim);
    }

    static double Gauss(ref SplitMixRandom r) =>
        Math.Sqrt(-2 * Math.Log(1 - r.NextDouble())) * Math.Cos(2 * Math.PI * r.NextDouble());
}
