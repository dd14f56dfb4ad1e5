using NeuralSpin.Numerics;
using System.Diagnostics;
using NeuralSpin.Training;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace NeuralSpin.BinaryNets;

/// <summary>Configuration of one LR-net training (P2 App. D).</summary>
public sealed record LrNetTrainingOptions
{
    /// <summary>Layer widths; the paper's deep network is 20-15-15-10 (<see cref="Deep"/>), the shallow one 20-10 (<see cref="Shallow"/>).</summary>
    public IReadOnlyList<int> Widths { get; init; } = Deep;
    /// <summary>Passes over the training set.</summary>
    public int Epochs { get; init; } = 10;
    /// <summary>Adam's learning rate.</summary>
    public double LearningRate { get; init; } = 0.01;
    /// <summary>Strength lambda of the L2 penalty lambda sum theta^2 added to the mean cross-entropy.</summary>
    public double L2 { get; init; } = 1e-4;
    /// <summary>Mini-batch size (the last batch of an epoch may be smaller).</summary>
    public int BatchSize { get; init; } = 100;
    /// <summary>Seed of the run: initial fields, noise, data order and training subset derive from it (<see cref="Seeds.Stream"/>).</summary>
    public long Seed { get; init; }
    /// <summary>Number of training samples used (a seeded random subset), or null for all: e.g. 100 (over-parameterised) vs 10000 (under-parameterised).</summary>
    public int? TrainSubset { get; init; }
    /// <summary>Standard deviation of the Gaussian initial fields theta ~ N(0, s^2).</summary>
    public double InitStd { get; init; } = 1.0;
    /// <summary>Evaluate the accuracies after every epoch (else only after the last).</summary>
    public bool EvaluateEveryEpoch { get; init; } = true;

    /// <summary>The paper's deep architecture 20-15-15-10.</summary>
    public static IReadOnlyList<int> Deep { get; } = [20, 15, 15, 10];
    /// <summary>The paper's shallow architecture 20-10.</summary>
    public static IReadOnlyList<int> Shallow { get; } = [20, 10];

    /// <summary>Throws on an invalid configuration.</summary>
    public void Validate()
    {
        Mlp.CheckWidths(Widths);
        if (Epochs < 0) throw new ArgumentException($"epochs must be >= 0, got {Epochs}");
        if (!(LearningRate > 0) || !double.IsFinite(LearningRate)) throw new ArgumentException($"the learning rate must be positive, got {LearningRate}");
        if (!(L2 >= 0) || !double.IsFinite(L2)) throw new ArgumentException($"the L2 strength must be >= 0, got {L2}");
        if (BatchSize <= 0) throw new ArgumentException($"the batch size must be positive, got {BatchSize}");
        if (TrainSubset is <= 0) throw new ArgumentException($"the training subset must be positive, got {TrainSubset}");
        if (!(InitStd >= 0) || !double.IsFinite(InitStd)) throw new ArgumentException($"the initial field spread must be >= 0, got {InitStd}");
    }
}

/// <summary>Accuracies after one epoch (test accuracies on the whole test set).</summary>
/// <param name="Epoch">1-based epoch just finished (0 = before training).</param>
/// <param name="TrainLoss">Mean penalised loss over the epoch's steps (NaN at epoch 0).</param>
/// <param name="TrainAccuracy">Accuracy of the mean network (eps = 0) on the training samples used.</param>
/// <param name="TestAccuracyMean">Accuracy of the mean network (eps = 0) on the test set.</param>
/// <param name="TestAccuracySampled">Accuracy of the noisy LR-net forward (one eps draw per sample and unit) on the test set: an estimate of the mean accuracy of networks sampled from the fields.</param>
public sealed record LrNetEpoch(int Epoch, double TrainLoss, double TrainAccuracy, double TestAccuracyMean, double TestAccuracySampled);

/// <summary>The outcome of <see cref="LrNetTrainer.Train"/>.</summary>
/// <param name="Widths">Layer widths.</param>
/// <param name="Thetas">Trained fields, layer k row-major (out, in).</param>
/// <param name="History">Accuracies at epoch 0 and after each evaluated epoch.</param>
/// <param name="TrainCount">Training samples used.</param>
/// <param name="Elapsed">Wall time of the training.</param>
public sealed record LrNetTrainingResult(IReadOnlyList<int> Widths, float[][] Thetas, IReadOnlyList<LrNetEpoch> History, int TrainCount, TimeSpan Elapsed)
{
    /// <summary>The last entry of <see cref="History"/>.</summary>
    public LrNetEpoch Final => History[^1];
}

/// <summary>
/// Trains an <see cref="LrNet"/> (P2 App. A, D): Adam on the fields theta, loss = mean softmax
/// cross-entropy of the noisy forward + lambda sum theta^2, mini-batches in the seeded order of
/// <see cref="DataOrder"/>, no biases.
/// </summary>
/// <remarks>
/// Seeds derived from <see cref="LrNetTrainingOptions.Seed"/> with <see cref="Seeds.Stream"/>:
/// stream 1 initial fields, 2 training noise, 3 data order, 4 training subset, 5 the noise of the
/// sampled test accuracy (a generator of its own per evaluation, so evaluating does not change the
/// training). With the same options and data
/// (and single-threaded libtorch) a training is bitwise reproducible.
/// </remarks>
public static class LrNetTrainer
{
    /// <summary>Seed streams (see the class remarks).</summary>
    public const ulong InitStream = SeedStreams.Initialisation, NoiseStream = SeedStreams.Noise, OrderStream = SeedStreams.Order, SubsetStream = SeedStreams.Subset, EvaluationStream = SeedStreams.Evaluation;

    /// <summary>Trains on <paramref name="data"/> (inputs already PCA-projected, InputDim = Widths[0]).</summary>
    public static LrNetTrainingResult Train(TrainingData data, LrNetTrainingOptions options, IProgress<LrNetEpoch>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        if (data.InputDim != options.Widths[0]) throw new ArgumentException($"the data are {data.InputDim}-dimensional but the network's input width is {options.Widths[0]}");
        int classes = options.Widths[^1];
        if (data.TrainY.Any(y => y >= classes) || data.TestY.Any(y => y >= classes))
            throw new ArgumentException($"a label is outside 0..{classes - 1}");
        var watch = Stopwatch.StartNew();
        int d = data.InputDim;

        int[] subset = ChooseSubset(data.TrainCount, options);
        int n = subset.Length;
        var trainX = new float[(long)n * d];
        var trainY = new long[n];
        for (int r = 0; r < n; r++)
        {
            Array.Copy(data.TrainX, (long)subset[r] * d, trainX, (long)r * d, d);
            trainY[r] = data.TrainY[subset[r]];
        }

        using var net = new LrNet(options.Widths, Seeds.Stream(options.Seed, InitStream), Seeds.Stream(options.Seed, NoiseStream), options.InitStd);
        using var tx = torch.tensor(trainX, [n, d]);
        using var ty = torch.tensor(trainY);
        using var vx = torch.tensor(data.TestX, [data.TestCount, d]);
        using var vy = torch.tensor(data.TestY.Select(b => (long)b).ToArray());
        using var optimizer = new NeuralSpin.Training.AdamOptimizer(net.parameters(), options.LearningRate);
        long orderSeed = Seeds.Stream(options.Seed, OrderStream);

        var history = new List<LrNetEpoch> { Evaluate(net, 0, double.NaN, tx, ty, vx, vy, options.Seed) };
        progress?.Report(history[^1]);
        for (int epoch = 0; epoch < options.Epochs; epoch++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var perm = DataOrder.Permutation(orderSeed, epoch, n);
            using var permT = torch.tensor(perm.Select(i => (long)i).ToArray());
            double lossSum = 0;
            int steps = 0;
            net.train();
            for (int b0 = 0; b0 < n; b0 += options.BatchSize)
            {
                using var scope = NewDisposeScope();
                int m = Math.Min(options.BatchSize, n - b0);
                var idx = permT.narrow(0, b0, m);
                var xb = tx.index_select(0, idx);
                var yb = ty.index_select(0, idx);
                optimizer.ZeroGrad();
                var scores = net.Forward(xb, LrNetNoise.Sampled);
                var loss = nn.functional.cross_entropy(scores, yb);
                if (options.L2 > 0)
                {
                    Tensor penalty = torch.zeros(1);
                    for (int k = 0; k < net.LayerCount; k++) penalty = penalty.add(net.Theta(k).square().sum());
                    loss = loss.add(penalty.MulBy(options.L2).squeeze());
                }
                loss.backward();
                optimizer.Step();
                lossSum += loss.item<float>();
                steps++;
            }
            if (options.EvaluateEveryEpoch || epoch == options.Epochs - 1)
            {
                history.Add(Evaluate(net, epoch + 1, steps > 0 ? lossSum / steps : double.NaN, tx, ty, vx, vy, options.Seed));
                progress?.Report(history[^1]);
            }
        }
        return new LrNetTrainingResult(options.Widths.ToArray(), net.GetThetas(), history, n, watch.Elapsed);
    }

    /// <summary>
    /// The argument checks shared by <see cref="TrainMany"/> and <see cref="LrNetBatchTrainer.Train"/>: options valid, the
    /// data's width equal to the network's input width, every label a class of the output layer. False when there are
    /// no seeds (nothing to train).
    /// </summary>
    internal static bool CheckInputs(TrainingData data, LrNetTrainingOptions options, IReadOnlyList<long> seeds)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(seeds);
        options.Validate();
        if (seeds.Count == 0) return false;
        if (data.InputDim != options.Widths[0]) throw new ArgumentException($"the data are {data.InputDim}-dimensional but the network's input width is {options.Widths[0]}");
        int classes = options.Widths[^1];
        if (data.TrainY.Any(y => y >= classes) || data.TestY.Any(y => y >= classes))
            throw new ArgumentException($"a label is outside 0..{classes - 1}");
        return true;
    }

    /// <summary>
    /// Trains K = <paramref name="seeds"/>.Count independent LR-nets in one batched computation
    /// (<see cref="LrNet.StackedForward"/>), which costs far less than K calls of <see cref="Train"/> for networks as
    /// small as P2's. Network r is the training of <see cref="Train"/> with Seed = seeds[r]: the same initial fields,
    /// data order and training subset (seed streams 1, 3, 4 of seeds[r]). The noise eps of all K networks comes from one
    /// generator seeded with <paramref name="noiseSeed"/>; with K = 1 and noiseSeed = DeriveSeed(seeds[0], NoiseStream)
    /// it is the noise of <see cref="Train"/>, so the two agree up to float rounding. The loss is the sum of the K
    /// networks' losses (mean cross-entropy + lambda sum theta^2 each) and Adam acts elementwise, so each network's
    /// update depends on its own fields, data and noise only: the trainings are independent.
    /// </summary>
    /// <returns>One result per seed, in order; History holds the evaluation after the last epoch only
    /// (<see cref="LrNetEpoch.TrainLoss"/> = that network's mean penalised loss over the last epoch).</returns>
    public static LrNetTrainingResult[] TrainMany(TrainingData data, LrNetTrainingOptions options, IReadOnlyList<long> seeds, long noiseSeed,
        CancellationToken cancellationToken = default)
    {
        if (!CheckInputs(data, options, seeds)) return [];
        NativeHeap.LimitFragmentation();
        int classes = options.Widths[^1];
        var watch = Stopwatch.StartNew();
        int d = data.InputDim, kNets = seeds.Count, layers = options.Widths.Count - 1;
        var widths = options.Widths;
        var subsets = seeds.Select(sd => ChooseSubset(data.TrainCount, options with { Seed = sd })).ToArray();
        int n = subsets[0].Length;

        var thetas = new Parameter[layers];
        for (int l = 0; l < layers; l++) thetas[l] = new Parameter(torch.empty([kNets, widths[l + 1], widths[l]], ScalarType.Float32), requires_grad: true);
        using (no_grad())
            for (int r = 0; r < kNets; r++)
            {
                // the initial fields of LrNet(widths, DeriveSeed(seeds[r], InitStream), ...): layer by layer from one generator
                using var g = new Generator(unchecked((ulong)Seeds.Stream(seeds[r], InitStream)), CPU);
                for (int l = 0; l < layers; l++)
                {
                    using var t = torch.empty([widths[l + 1], widths[l]], ScalarType.Float32).normal_(0.0, options.InitStd, g);
                    using var slot = thetas[l][r];
                    slot.copy_(t);
                }
            }
        using var noise = new Generator(unchecked((ulong)noiseSeed), CPU);
        using var tx = torch.tensor(data.TrainX, [data.TrainCount, d]);
        using var ty = torch.tensor(data.TrainY.Select(b => (long)b).ToArray());
        using var optimizer = new NeuralSpin.Training.AdamOptimizer(thetas, options.LearningRate);
        var orderSeeds = seeds.Select(sd => Seeds.Stream(sd, OrderStream)).ToArray();
        var flat = new long[(long)kNets * n];
        using var lossSums = torch.zeros(kNets, ScalarType.Float64);
        int steps = 0;
        for (int epoch = 0; epoch < options.Epochs; epoch++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            for (int r = 0; r < kNets; r++)
            {
                var perm = DataOrder.Permutation(orderSeeds[r], epoch, n);
                var sub = subsets[r];
                for (int i = 0; i < n; i++) flat[(long)r * n + i] = sub[perm[i]];
            }
            using var order = torch.tensor(flat, [kNets, n]);
            lossSums.zero_();
            steps = 0;
            for (int b0 = 0; b0 < n; b0 += options.BatchSize)
            {
                using var scope = NewDisposeScope();
                int m = Math.Min(options.BatchSize, n - b0);
                var idx = order.narrow(1, b0, m).reshape(-1);
                var xb = tx.index_select(0, idx).view(kNets, m, d);
                var yb = ty.index_select(0, idx);
                optimizer.ZeroGrad();
                var scores = LrNet.StackedForward(thetas, xb, LrNetNoise.Sampled, noise);
                var perNet = nn.functional.cross_entropy(scores.reshape(kNets * m, classes), yb, reduction: nn.Reduction.None).view(kNets, m).mean([1]);
                if (options.L2 > 0)
                    for (int l = 0; l < layers; l++) perNet = perNet.add(thetas[l].square().sum([1, 2]).MulBy(options.L2));
                perNet.sum().backward();
                optimizer.Step();
                using (no_grad()) lossSums.add_(perNet.detach().to(ScalarType.Float64));
                steps++;
            }
        }
        var losses = options.Epochs > 0 && steps > 0 ? lossSums.DivBy(steps).data<double>().ToArray() : Enumerable.Repeat(double.NaN, kNets).ToArray();

        using var vx = torch.tensor(data.TestX, [data.TestCount, d]);
        using var vy = torch.tensor(data.TestY.Select(b => (long)b).ToArray());
        var results = new LrNetTrainingResult[kNets];
        for (int r = 0; r < kNets; r++)
        {
            var fields = new float[layers][];
            for (int l = 0; l < layers; l++)
            {
                using var slot = thetas[l][r];
                fields[l] = slot.detach().contiguous().data<float>().ToArray();
            }
            using var net = LrNet.FromThetas(widths, fields);
            using var rx = torch.tensor(subsets[r].Select(i => (long)i).ToArray());
            using var sx = tx.index_select(0, rx);
            using var sy = ty.index_select(0, rx);
            var eval = Evaluate(net, options.Epochs, losses[r], sx, sy, vx, vy, seeds[r]);
            results[r] = new LrNetTrainingResult(widths.ToArray(), fields, [eval], n, watch.Elapsed);
        }
        foreach (var t in thetas) t.Dispose();
        return results;
    }

    /// <summary>The training subset of a run: all indices, or the first TrainSubset entries of the permutation of seed stream 4, sorted.</summary>
    internal static int[] ChooseSubset(int trainCount, LrNetTrainingOptions options)
    {
        if (options.TrainSubset is not { } s || s >= trainCount)
            return Enumerable.Range(0, trainCount).ToArray();
        var perm = DataOrder.Permutation(Seeds.Stream(options.Seed, SubsetStream), 0, trainCount);
        var chosen = perm.Take(s).ToArray();
        Array.Sort(chosen);
        return chosen;
    }

    static LrNetEpoch Evaluate(LrNet net, int epoch, double trainLoss, Tensor tx, Tensor ty, Tensor vx, Tensor vy, long seed)
    {
        net.eval();
        using var g = new Generator(unchecked((ulong)Seeds.Stream(Seeds.Stream(seed, EvaluationStream), (ulong)epoch)), CPU);
        return new LrNetEpoch(epoch, trainLoss,
            Accuracy(net, tx, ty, LrNetNoise.Mean),
            Accuracy(net, vx, vy, LrNetNoise.Mean),
            Accuracy(net, vx, vy, LrNetNoise.Sampled, g));
    }

    /// <summary>Fraction of samples whose argmax score equals the label, under the given noise mode.</summary>
    public static double Accuracy(LrNet net, Tensor x, Tensor y, LrNetNoise noise, Generator? generator = null)
    {
        ArgumentNullException.ThrowIfNull(net);
        using var _ = no_grad();
        using var scope = NewDisposeScope();
        long n = y.shape[0];
        if (n == 0) return double.NaN;
        return net.Forward(x, noise, generator).argmax(1).eq(y).sum().item<long>() / (double)n;
    }
}
