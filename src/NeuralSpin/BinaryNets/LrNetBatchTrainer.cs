using System.Diagnostics;
using NeuralSpin.Numerics;
using NeuralSpin.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace NeuralSpin.BinaryNets;

/// <summary>One network trained by <see cref="LrNetBatchTrainer.Train"/>.</summary>
/// <param name="Thetas">Trained fields, layer k row-major (out, in).</param>
/// <param name="TrainLoss">Mean penalised loss over the last epoch's steps (NaN with no step).</param>
/// <param name="TestAccuracyMean">Test accuracy of the trained mean network (eps = 0).</param>
/// <param name="TrainCount">Training samples this network used.</param>
public sealed record BatchedTraining(float[][] Thetas, double TrainLoss, double TestAccuracyMean, int TrainCount);

/// <summary>
/// The high-throughput kernel of ensemble collection (docs/theory.md section 7, "Many trainings at once"): K LR-nets
/// (P2 App. A, D; <see cref="LrNet"/>) trained together in float32, every layer of all K networks one batched matrix
/// product (bmm) for the means G and one for the variances Delta, autograd and Adam acting on the stacked (K, out, in)
/// fields. Adam and the loss (a sum of the K networks' own penalised losses) act network by network, so network r's
/// training depends only on its own seed and on the shared order seed: training it alone (K = 1) gives the same fields
/// up to float rounding of the batched products.
/// </summary>
/// <remarks>
/// The scheme (docs/theory.md section 7), for network r with seed s_r and the shared order seed S:
/// <list type="bullet">
/// <item>initial fields theta ~ N(0, initStd^2), layer by layer from libtorch's generator seeded with Stream(s_r, 1)
/// (as <see cref="LrNet"/>);</item>
/// <item>training subset (over-parameterized setting): the first TrainSubset entries of the permutation of stream
/// Stream(s_r, 4), sorted (as <see cref="LrNetTrainer.Train"/>); its size n is the same for all networks;</item>
/// <item>data order: epoch e has one shared permutation pi_e = DataOrder.Permutation(S, e, n) of the positions 0..n-1,
/// and network r draws a uniform offset o_(r,e) in 0..n-1 from SplitMix64 seeded with Stream(s_r, 3) (one draw per
/// epoch); its i-th sample of epoch e is subset_r[pi_e[(o_(r,e) + i) mod n]], in batches of B. Each network thus sees
/// every sample once per epoch in a uniformly random order (a uniform permutation rotated by an independent offset
/// is uniform), and two networks' orders differ unless their offsets coincide (probability 1/n per epoch);</item>
/// <item>noise: eps of step t (counted from 0 over the whole training) is the (B, U) block of normals 0 .. B U - 1 of
/// step t of the counter-based stream of <see cref="TrainingNoise"/> with key Stream(s_r, 2), U = N_1 + ... + N_L:
/// normal b U + u for sample b and unit u (units numbered layer by layer); a step of m &lt; B samples (the last batch
/// of an epoch may be smaller) uses the first m rows. The values are computed by <see cref="TrainingNoise.Fill"/> and
/// copied into the noise tensor, so this kernel and <see cref="LrNetLaneTrainer"/> see the same bits.</item>
/// </list>
/// </remarks>
public static class LrNetBatchTrainer
{
    /// <summary>The shared data-order seed of an ensemble of seed <paramref name="ensembleSeed"/> (stream <see cref="SeedStreams.SharedOrder"/>).</summary>
    public static long SharedOrderSeed(long ensembleSeed) => Seeds.Stream(ensembleSeed, SeedStreams.SharedOrder);

    /// <summary>
    /// Trains one network per seed in <paramref name="seeds"/> (in one batched computation; see the class remarks for
    /// the scheme), with the data order shared through <paramref name="orderSeed"/>.
    /// </summary>
    public static BatchedTraining[] Train(TrainingData data, LrNetTrainingOptions options, IReadOnlyList<long> seeds, long orderSeed,
        CancellationToken cancellationToken = default)
    {
        if (!LrNetTrainer.CheckInputs(data, options, seeds)) return [];
        int classes = options.Widths[^1];
        NativeHeap.LimitFragmentation();
        int d = data.InputDim, kNets = seeds.Count, layers = options.Widths.Count - 1, batch = options.BatchSize;
        var widths = options.Widths;
        int units = 0;
        for (int l = 1; l <= layers; l++) units += widths[l];

        var subsets = seeds.Select(sd => LrNetTrainer.ChooseSubset(data.TrainCount, options with { Seed = sd })).ToArray();
        int n = subsets[0].Length;

        var thetas = new TorchSharp.Modules.Parameter[layers];
        for (int l = 0; l < layers; l++) thetas[l] = new TorchSharp.Modules.Parameter(torch.empty([kNets, widths[l + 1], widths[l]], ScalarType.Float32), requires_grad: true);
        var noiseKeys = seeds.Select(TrainingNoise.Key).ToArray();
        var offsetRngs = new SplitMixRandom[kNets];
        using (no_grad())
            for (int r = 0; r < kNets; r++)
            {
                using var g = new Generator(unchecked((ulong)Seeds.Stream(seeds[r], SeedStreams.Initialisation)), CPU);
                for (int l = 0; l < layers; l++)
                {
                    using var t = torch.empty([widths[l + 1], widths[l]], ScalarType.Float32).normal_(0.0, options.InitStd, g);
                    using var slot = thetas[l][r];
                    slot.copy_(t);
                }
                offsetRngs[r] = new SplitMixRandom(Seeds.Stream(seeds[r], SeedStreams.Order));
            }
        try
        {
            using var tx = torch.tensor(data.TrainX, [data.TrainCount, d]);
            using var ty = torch.tensor(data.TrainY.Select(b => (long)b).ToArray());
            using var optimizer = new NeuralSpin.Training.AdamOptimizer(thetas, options.LearningRate);
            var noiseValues = new float[(long)kNets * batch * units];
            using var lossSums = torch.zeros(kNets, ScalarType.Float64);
            var idx = new long[(long)kNets * batch];
            var offsets = new int[kNets];
            long step = 0;
            int lastEpochSteps = 0;
            for (int epoch = 0; epoch < options.Epochs; epoch++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var pi = DataOrder.Permutation(orderSeed, epoch, n);
                for (int r = 0; r < kNets; r++) offsets[r] = (int)offsetRngs[r].NextBelow((ulong)n);
                lossSums.zero_();
                lastEpochSteps = 0;
                for (int b0 = 0; b0 < n; b0 += batch, step++)
                {
                    for (int r = 0; r < kNets; r++)
                        TrainingNoise.Fill(noiseKeys[r], step, noiseValues.AsSpan(r * batch * units, batch * units));
                    using var scope = NewDisposeScope();
                    int m = Math.Min(batch, n - b0);
                    for (int r = 0; r < kNets; r++)
                    {
                        var sub = subsets[r];
                        long o = (long)r * m;
                        int start = offsets[r] + b0;
                        for (int i = 0; i < m; i++)
                        {
                            int pos = start + i;
                            if (pos >= n) pos -= n;
                            if (pos >= n) pos -= n;
                            idx[o + i] = sub[pi[pos]];
                        }
                    }
                    var it = torch.tensor(idx.AsSpan(0, kNets * m).ToArray(), ScalarType.Int64);
                    var xb = tx.index_select(0, it).view(kNets, m, d);
                    var yb = ty.index_select(0, it);
                    var eps = torch.tensor(noiseValues, [kNets, batch, units]).narrow(1, 0, m);
                    optimizer.ZeroGrad();
                    var scores = StackedForward(thetas, xb, eps);
                    var perNet = nn.functional.cross_entropy(scores.reshape(kNets * m, classes), yb, reduction: nn.Reduction.None).view(kNets, m).mean([1]);
                    if (options.L2 > 0)
                        for (int l = 0; l < layers; l++) perNet = perNet.add(thetas[l].square().sum([1, 2]).MulBy(options.L2));
                    perNet.sum().backward();
                    optimizer.Step();
                    using (no_grad()) lossSums.add_(perNet.detach().to(ScalarType.Float64));
                    lastEpochSteps++;
                }
            }
            var losses = lastEpochSteps > 0 ? lossSums.DivBy(lastEpochSteps).data<double>().ToArray() : Enumerable.Repeat(double.NaN, kNets).ToArray();

            var fields = new float[kNets][][];
            for (int r = 0; r < kNets; r++) fields[r] = new float[layers][];
            for (int l = 0; l < layers; l++)
            {
                var all = thetas[l].detach().contiguous().data<float>().ToArray();
                int size = widths[l] * widths[l + 1];
                for (int r = 0; r < kNets; r++) fields[r][l] = all.AsSpan(r * size, size).ToArray();
            }
            var accs = MeanNetworkAccuracies(thetas, data);
            var results = new BatchedTraining[kNets];
            for (int r = 0; r < kNets; r++) results[r] = new BatchedTraining(fields[r], losses[r], accs[r], n);
            return results;
        }
        finally
        {
            foreach (var t in thetas) t.Dispose();
        }
    }

    /// <summary>
    /// The forward pass of K networks (docs/theory.md section 7): for each layer G = N_k^{-1/2} a mu^T and
    /// Delta = N_k^{-1} a^2 (1 - mu^2)^T as batched products, z = G + sqrt(Delta + 1e-12) eps, leaky ReLU on hidden
    /// layers. <paramref name="eps"/> has shape (K, m, U) with the units of all layers side by side.
    /// </summary>
    static Tensor StackedForward(IReadOnlyList<Tensor> thetas, Tensor x, Tensor eps)
    {
        var a = x;
        long u0 = 0;
        for (int k = 0; k < thetas.Count; k++)
        {
            double nIn = thetas[k].shape[2];
            long nOut = thetas[k].shape[1];
            var mu = thetas[k].tanh();
            var muT = mu.transpose(1, 2);
            var g = a.bmm(muT).DivBy(Math.Sqrt(nIn));
            var delta = a.square().bmm(mu.square().neg().AddScalar(1.0).transpose(1, 2)).DivBy(nIn);
            var z = g.add(delta.AddScalar(LrNet.DeltaFloor).sqrt().mul(eps.narrow(2, u0, nOut)));
            u0 += nOut;
            a = k + 1 < thetas.Count ? LrNet.LeakyRelu(z) : z;
        }
        return a;
    }

    /// <summary>Test accuracies of the K mean networks (eps = 0): the shared test set times all networks' first-layer means in one product, batched products for the deeper layers.</summary>
    static double[] MeanNetworkAccuracies(IReadOnlyList<Tensor> thetas, TrainingData data)
    {
        using var _ = no_grad();
        using var scope = NewDisposeScope();
        int kNets = (int)thetas[0].shape[0];
        if (data.TestCount == 0) return Enumerable.Repeat(double.NaN, kNets).ToArray();
        var vx = torch.tensor(data.TestX, [data.TestCount, data.InputDim]);
        var vy = torch.tensor(data.TestY.Select(b => (long)b).ToArray());
        var result = new double[kNets];
        const int chunk = 64;
        for (int c0 = 0; c0 < kNets; c0 += chunk)
        {
            using var inner = NewDisposeScope();
            int m = Math.Min(chunk, kNets - c0);
            Tensor? a = null;
            for (int k = 0; k < thetas.Count; k++)
            {
                var mu = thetas[k].narrow(0, c0, m).tanh();
                long nOut = mu.shape[1], nIn = mu.shape[2];
                Tensor z = k == 0
                    ? vx.mm(mu.reshape(m * nOut, nIn).t()).view(-1, m, nOut).permute(1, 0, 2)
                    : a!.bmm(mu.transpose(1, 2));
                z = z.DivBy(Math.Sqrt(nIn));
                a = k + 1 < thetas.Count ? LrNet.LeakyRelu(z) : z;
            }
            var correct = a!.argmax(2).eq(vy.unsqueeze(0)).sum(1).data<long>().ToArray();
            for (int r = 0; r < m; r++) result[c0 + r] = correct[r] / (double)data.TestCount;
        }
        return result;
    }
}
