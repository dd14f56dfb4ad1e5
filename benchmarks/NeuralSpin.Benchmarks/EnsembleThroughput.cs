using System.Diagnostics;
using NeuralSpin.BinaryNets;
using NeuralSpin.Numerics;
using NeuralSpin.Training;
using static TorchSharp.torch;

/// <summary>
/// Throughput of ensemble collection (docs/theory.md section 7, "Many trainings at once"): deep 20-15-15-10 trainings per
/// second of <see cref="EnsembleCollector"/> with the batched kernel (K draws each), next to the machine's float32
/// matrix-product rate measured in the same run (a large torch.mm), and the fraction of that rate the kernel reaches.
/// Run: dotnet run -c Release --project benchmarks/NeuralSpin.Benchmarks -- ensemble-throughput [trainings] [epochs] [draws] [train-size] [threads]
/// </summary>
/// <remarks>
/// The data have MNIST PCA-20's sizes (60,000 training and 10,000 test points of dimension 20, ten classes) but are
/// synthetic (Gaussian points labelled by a random linear teacher), so the run needs no download; the work per
/// training does not depend on the values. FLOP count per training (multiply-add = 2): forward G and Delta products
/// 2 x 2 x n_batch x 675 per sample, backward twice the forward, per epoch over n samples; draws 2 x 675 per test
/// point and draw.
/// </remarks>
static class EnsembleThroughput
{
    public static void Run(string[] args)
    {
        int trainings = args.Length > 1 ? int.Parse(args[1]) : 512;
        int epochs = args.Length > 2 ? int.Parse(args[2]) : 8;
        int draws = args.Length > 3 ? int.Parse(args[3]) : 100;
        int trainSize = args.Length > 4 ? int.Parse(args[4]) : 60_000;
        int threads = args.Length > 5 ? int.Parse(args[5]) : Environment.ProcessorCount;
        set_num_threads(threads);
        var data = Synthetic(60_000, 10_000, 20, 10, seed: 7);

        double mmRate = MatrixProductRate();
        Console.WriteLine($"threads {threads}, load average {File.ReadAllText("/proc/loadavg").Split(' ')[0]} (the machine is shared)");
        Console.WriteLine($"float32 torch.mm rate (2048 x 2048): {mmRate / 1e9:F1} GFLOP/s");
        var training = new LrNetTrainingOptions { Widths = LrNetTrainingOptions.Deep, Epochs = epochs, LearningRate = 0.1, TrainSubset = trainSize };
        var seeds = Enumerable.Range(0, trainings).Select(t => EnsembleCollector.TrainingSeed(1, t)).ToArray();
        var watch = Stopwatch.StartNew();
        var results = LrNetBatchTrainer.Train(data, training, seeds, LrNetBatchTrainer.SharedOrderSeed(1));
        double trainSeconds = watch.Elapsed.TotalSeconds;
        watch.Restart();
        using var vx = tensor(data.TestX, [data.TestCount, data.InputDim]);
        using var vy = tensor(data.TestY.Select(b => (long)b).ToArray());
        double best = 0;
        var nets = new BinaryNetwork[draws];
        for (int r = 0; r < trainings; r++)
        {
            var rng = new SplitMixRandom(Seeds.Stream(seeds[r], EnsembleCollector.DrawStream));
            for (int j = 0; j < draws; j++) nets[j] = BinaryNetwork.Sample(LrNetTrainingOptions.Deep, results[r].Thetas, ref rng);
            best += BinaryNetwork.Accuracies(nets, vx, vy).Max();
        }
        double drawSeconds = watch.Elapsed.TotalSeconds;
        double mmRateAfter = MatrixProductRate();

        const double weights = 675;
        double trainFlop = 3 * 2 * 2 * weights * (double)trainSize * epochs, drawFlop = 2 * weights * 10_000.0 * draws;
        double achieved = trainings * (trainFlop + drawFlop) / (trainSeconds + drawSeconds);
        double machine = 0.5 * (mmRate + mmRateAfter);
        Console.WriteLine($"float32 torch.mm rate after: {mmRateAfter / 1e9:F1} GFLOP/s; load average {File.ReadAllText("/proc/loadavg").Split(' ')[0]}");
        Console.WriteLine($"{trainings} deep trainings at once, {epochs} epoch(s) of {trainSize} samples (batch 100): {trainSeconds:F1} s = {trainings * trainFlop / trainSeconds / 1e9:F2} GFLOP/s");
        Console.WriteLine($"{draws} draws each on 10,000 test points: {drawSeconds:F1} s = {trainings * drawFlop / drawSeconds / 1e9:F2} GFLOP/s; mean best-draw accuracy {best / trainings:F3}");
        double perTraining60k8 = (trainSeconds / trainings) * (60_000.0 * 8 / ((double)trainSize * epochs)) + drawSeconds / trainings;
        Console.WriteLine($"kernel rate: {achieved / 1e9:F2} GFLOP/s = {achieved / machine:P1} of the matrix-product rate");
        Console.WriteLine($"trainings per second (8 epochs of 60,000, {draws} draws, scaled from this run's step rate): {1 / perTraining60k8:F3}");
    }

    /// <summary>FLOP/s of a 2048 x 2048 float32 torch.mm (best of 5 after a warm-up).</summary>
    static double MatrixProductRate()
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
