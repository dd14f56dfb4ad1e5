using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using NeuralSpin.Numerics;
using NeuralSpin.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace NeuralSpin.BinaryNets;

/// <summary>
/// The lane kernel of ensemble collection (docs/theory.md section 7, "Many trainings at once"): the scheme of
/// <see cref="LrNetBatchTrainer"/> (same initial fields, training subset, shared permutation with per-network offsets,
/// noise stream and Adam), computed with the networks side by side in the lanes of SIMD vectors. Lane j of a
/// <see cref="Vector512{T}"/> of float (16 lanes; 8 lanes of a <see cref="Vector256{T}"/> where 512-bit vectors are not
/// accelerated) holds network j of a group, so each scalar operation of one LR-net (the moments G and Delta, the noise,
/// the leaky ReLU, softmax cross-entropy, the L2 penalty, their gradients written out by hand, and Adam) is one
/// lane-wise vector operation, with no padding inside a layer however small the layer. Groups are independent and run
/// in parallel.
/// </summary>
/// <remarks>
/// Lanes never exchange values, so network r's fields depend only on its seed, the order seed and the options: the same
/// seed gives the same bits whichever other networks share its group, whichever group and lane it lands in, and however
/// many threads run (a partial last group is padded with inert lanes: zero fields, lane 0's inputs, the noise of key 0;
/// their results are discarded). Against
/// <see cref="LrNetBatchTrainer"/>, which uses libtorch's products, the results agree to float rounding (summation
/// order, fused multiply-adds and the series-or-exponential tanh of <see cref="LaneMath{V, O}.Tanh"/> differ at the level of a float
/// ulp per operation). The noise is the counter-based stream of <see cref="TrainingNoise"/>, computed at every step
/// directly in the lane layout (lane r with network r's key); <see cref="LrNetBatchTrainer"/> draws the same values.
/// Adam follows <see cref="NeuralSpin.Training.AdamOptimizer"/>: m = b1 m + (1 - b1) g, v = b2 v + (1 - b2) g^2,
/// theta -= lr / (1 - b1^t) m / (sqrt(v) / sqrt(1 - b2^t) + eps), with b1 = 0.9, b2 = 0.999, eps = 1e-8.
/// </remarks>
public static class LrNetLaneTrainer
{
    /// <summary>Networks per SIMD vector on this machine (16 with AVX-512, else 8).</summary>
    public static int LaneWidth => Vector512.IsHardwareAccelerated ? Vector512<float>.Count : Vector256<float>.Count;

    /// <summary>
    /// Trains one network per seed in <paramref name="seeds"/> with the scheme of <see cref="LrNetBatchTrainer"/>, in
    /// groups of <see cref="LaneWidth"/> networks run on up to <paramref name="maxDegreeOfParallelism"/> threads
    /// (default <see cref="Environment.ProcessorCount"/>).
    /// </summary>
    public static BatchedTraining[] Train(TrainingData data, LrNetTrainingOptions options, IReadOnlyList<long> seeds, long orderSeed,
        int? maxDegreeOfParallelism = null, CancellationToken cancellationToken = default) =>
        Train(data, options, seeds, orderSeed, maxDegreeOfParallelism, 0, cancellationToken);

    /// <summary>As the public overload, with the lane width forced to 8 or 16 (0: <see cref="LaneWidth"/>).</summary>
    internal static BatchedTraining[] Train(TrainingData data, LrNetTrainingOptions options, IReadOnlyList<long> seeds, long orderSeed,
        int? maxDegreeOfParallelism, int laneWidth, CancellationToken cancellationToken)
    {
        if (!LrNetTrainer.CheckInputs(data, options, seeds)) return [];
        if (maxDegreeOfParallelism is < 1) throw new ArgumentOutOfRangeException(nameof(maxDegreeOfParallelism), maxDegreeOfParallelism, "must be at least 1");
        int width = laneWidth == 0 ? LaneWidth : laneWidth;
        if (width != 8 && width != 16) throw new ArgumentOutOfRangeException(nameof(laneWidth), laneWidth, "8 or 16 lanes");
        var results = new BatchedTraining[seeds.Count];
        int groups = (seeds.Count + width - 1) / width;
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = maxDegreeOfParallelism ?? Environment.ProcessorCount, CancellationToken = cancellationToken };
        Parallel.For(0, groups, parallel, g =>
        {
            int first = g * width, count = Math.Min(width, seeds.Count - first);
            var groupSeeds = Enumerable.Range(first, count).Select(i => seeds[i]).ToArray();
            var done = width == 16
                ? LaneGroup<Vector512<float>, Lanes512>.Train(data, options, groupSeeds, orderSeed, cancellationToken)
                : LaneGroup<Vector256<float>, Lanes256>.Train(data, options, groupSeeds, orderSeed, cancellationToken);
            for (int r = 0; r < count; r++) results[first + r] = done[r];
        });
        return results;
    }

    /// <summary>
    /// The gradient of the first step's penalised loss with respect to the fields, per network and layer (row-major
    /// (out, in)), as the kernel computes it (for the comparison with autograd).
    /// </summary>
    internal static float[][][] FirstStepGradients(TrainingData data, LrNetTrainingOptions options, IReadOnlyList<long> seeds, long orderSeed, int laneWidth = 0)
    {
        if (!LrNetTrainer.CheckInputs(data, options, seeds)) return [];
        int width = laneWidth == 0 ? LaneWidth : laneWidth;
        if (seeds.Count > width) throw new ArgumentException("at most one group");
        return width == 16
            ? LaneGroup<Vector512<float>, Lanes512>.FirstStepGradients(data, options, seeds.ToArray(), orderSeed)
            : LaneGroup<Vector256<float>, Lanes256>.FirstStepGradients(data, options, seeds.ToArray(), orderSeed);
    }
}

/// <summary>One group of up to O.Width networks trained in the lanes of the vector type V.</summary>
internal sealed class LaneGroup<V, O> where V : struct where O : struct, ILaneVector<V>
{
    const float Beta1 = 0.9f, Beta2 = 0.999f, AdamEps = 1e-8f;
    static int W { [MethodImpl(MethodImplOptions.AggressiveInlining)] get => O.Width; }

    readonly int _layers, _batch, _units, _count, _n, _d;
    readonly int[] _widths, _unitOffset;
    readonly float[][] _theta, _m, _v, _mu, _s, _dmu, _ds, _act, _act2, _sd;
    readonly float[] _scores, _dzA, _dzB, _gG, _gD, _eps, _y, _rootWidth;
    readonly double[] _lossSums;
    readonly LrNetTrainingOptions _options;
    readonly TrainingData _data;
    readonly int[][] _subsets;
    readonly SplitMixRandom[] _offsetRngs;
    readonly V _noiseK0, _noiseK1;
    long _adamSteps;

    LaneGroup(TrainingData data, LrNetTrainingOptions options, long[] seeds)
    {
        _data = data;
        _options = options;
        _count = seeds.Length;
        _widths = options.Widths.ToArray();
        _layers = _widths.Length - 1;
        _batch = options.BatchSize;
        _d = data.InputDim;
        _unitOffset = new int[_layers];
        for (int l = 0; l < _layers; l++) { _unitOffset[l] = _units; _units += _widths[l + 1]; }
        _subsets = seeds.Select(sd => LrNetTrainer.ChooseSubset(data.TrainCount, options with { Seed = sd })).ToArray();
        _n = _subsets[0].Length;
        float[][] PerLayer(Func<int, int> size) => Enumerable.Range(0, _layers).Select(l => new float[size(l) * W]).ToArray();
        _theta = PerLayer(l => _widths[l] * _widths[l + 1]);
        _m = PerLayer(l => _widths[l] * _widths[l + 1]);
        _v = PerLayer(l => _widths[l] * _widths[l + 1]);
        _mu = PerLayer(l => _widths[l] * _widths[l + 1]);
        _s = PerLayer(l => _widths[l] * _widths[l + 1]);
        _dmu = PerLayer(l => _widths[l] * _widths[l + 1]);
        _ds = PerLayer(l => _widths[l] * _widths[l + 1]);
        _act = PerLayer(l => _batch * _widths[l]);
        _act2 = PerLayer(l => _batch * _widths[l]);
        _sd = PerLayer(l => _batch * _widths[l + 1]);
        int maxWidth = _widths.Max();
        _scores = new float[_batch * _widths[^1] * W];
        _dzA = new float[_batch * maxWidth * W];
        _dzB = new float[_batch * maxWidth * W];
        _gG = new float[_batch * maxWidth * W];
        _gD = new float[_batch * maxWidth * W];
        _rootWidth = _widths.Select(w => (float)Math.Sqrt(w)).ToArray();
        _eps = new float[TrainingNoise.Padded(_batch * _units) * W];
        (_noiseK0, _noiseK1) = TrainingNoise.LaneKeys<V, O>(seeds);
        _y = new float[_batch * W];
        _lossSums = new double[W];
        _offsetRngs = seeds.Select(sd => new SplitMixRandom(Seeds.Stream(sd, SeedStreams.Order))).ToArray();

        // initial fields: layer by layer from libtorch's generator seeded with Stream(s_r, Initialisation), as LrNet
        for (int r = 0; r < _count; r++)
        {
            using var g = new Generator(unchecked((ulong)Seeds.Stream(seeds[r], SeedStreams.Initialisation)), CPU);
            for (int l = 0; l < _layers; l++)
            {
                using var t = torch.empty([_widths[l + 1], _widths[l]], ScalarType.Float32).normal_(0.0, options.InitStd, g);
                var values = t.data<float>().ToArray();
                for (int i = 0; i < values.Length; i++) _theta[l][i * W + r] = values[i];
            }
        }
        UpdateMeans();
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static ref float At(float[] a, int i) => ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(a), i);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static V Ld(float[] a, int vectorIndex) => O.Load(ref At(a, vectorIndex * W));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static void St(float[] a, int vectorIndex, V v) => O.Store(v, ref At(a, vectorIndex * W));

    public static BatchedTraining[] Train(TrainingData data, LrNetTrainingOptions options, long[] seeds, long orderSeed, CancellationToken cancellationToken)
    {
        var group = new LaneGroup<V, O>(data, options, seeds);
        return group.Run(orderSeed, cancellationToken);
    }

    public static float[][][] FirstStepGradients(TrainingData data, LrNetTrainingOptions options, long[] seeds, long orderSeed)
    {
        var group = new LaneGroup<V, O>(data, options, seeds);
        var pi = DataOrder.Permutation(orderSeed, 0, group._n);
        var offsets = group._offsetRngs.Select(rng => (int)rng.NextBelow((ulong)group._n)).ToArray();
        group.DrawNoise(0);
        int m = Math.Min(group._batch, group._n);
        group.Gather(pi, offsets, 0, m);
        group.ForwardBackward(m);
        var grads = new float[group._count][][];
        for (int r = 0; r < group._count; r++) grads[r] = new float[group._layers][];
        for (int l = 0; l < group._layers; l++)
        {
            int size = group._widths[l] * group._widths[l + 1];
            var g = new float[size * W];
            for (int e = 0; e < size; e++) St(g, e, group.FieldGradient(l, e));
            for (int r = 0; r < group._count; r++)
            {
                grads[r][l] = new float[size];
                for (int e = 0; e < size; e++) grads[r][l][e] = g[e * W + r];
            }
        }
        return grads;
    }

    BatchedTraining[] Run(long orderSeed, CancellationToken cancellationToken)
    {
        long step = 0;
        int lastEpochSteps = 0;
        var offsets = new int[_count];
        for (int epoch = 0; epoch < _options.Epochs; epoch++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var pi = DataOrder.Permutation(orderSeed, epoch, _n);
            for (int r = 0; r < _count; r++) offsets[r] = (int)_offsetRngs[r].NextBelow((ulong)_n);
            Array.Clear(_lossSums);
            lastEpochSteps = 0;
            for (int b0 = 0; b0 < _n; b0 += _batch, step++)
            {
                DrawNoise(step);
                int m = Math.Min(_batch, _n - b0);
                Gather(pi, offsets, b0, m);
                ForwardBackward(m);
                AdamStep();
                lastEpochSteps++;
            }
        }
        var accuracies = MeanNetworkAccuracies();
        var results = new BatchedTraining[_count];
        for (int r = 0; r < _count; r++)
        {
            var fields = new float[_layers][];
            for (int l = 0; l < _layers; l++)
            {
                fields[l] = new float[_widths[l] * _widths[l + 1]];
                for (int e = 0; e < fields[l].Length; e++) fields[l][e] = _theta[l][e * W + r];
            }
            results[r] = new BatchedTraining(fields, lastEpochSteps > 0 ? _lossSums[r] / lastEpochSteps : double.NaN, accuracies[r], _n);
        }
        return results;
    }

    /// <summary>The noise of step <paramref name="step"/> (B U values per network, <see cref="TrainingNoise"/>) in the lane layout.</summary>
    void DrawNoise(long step) => TrainingNoise.FillLanes<V, O>(_eps, _batch * _units, _noiseK0, _noiseK1, step);

    /// <summary>p[index[j]] in lane j (two 8-lane hardware gathers).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static unsafe Vector512<float> Gather16(float* p, Vector512<int> index) =>
        Vector512.Create(Avx2.GatherVector256(p, index.GetLower(), 4), Avx2.GatherVector256(p, index.GetUpper(), 4));

    /// <summary>The inputs and labels of the step starting at position b0 of the epoch, network r's sample in lane r.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    void Gather(int[] pi, int[] offsets, int b0, int m)
    {
        var x0 = _act[0];
        var x2 = _act2[0];
        var trainX = _data.TrainX;
        Span<int> rows = stackalloc int[W];
        for (int i = 0; i < m; i++)
        {
            for (int r = 0; r < _count; r++)
            {
                int pos = offsets[r] + b0 + i;
                if (pos >= _n) pos -= _n;
                if (pos >= _n) pos -= _n;
                int sample = _subsets[r][pi[pos]];
                rows[r] = sample * _d;
                _y[i * W + r] = _data.TrainY[sample];
            }
            // one vector (all lanes) at a time, so that every write fills a whole vector
            int dst = i * _d * W;
            if (W == 16 && Avx2.IsSupported)
            {
                for (int r = _count; r < W; r++) rows[r] = rows[0]; // inert lanes repeat lane 0's input
                var index = Vector512.LoadUnsafe(ref rows[0]);
                unsafe
                {
                    fixed (float* src = trainX)
                    fixed (float* p0 = x0)
                    fixed (float* p2 = x2)
                        for (int c = 0; c < _d; c++, dst += W)
                        {
                            var x = Gather16(src + c, index);
                            x.Store(p0 + dst);
                            (x * x).Store(p2 + dst);
                        }
                }
                continue;
            }
            for (int c = 0; c < _d; c++, dst += W)
                for (int r = 0; r < _count; r++)
                {
                    float x = trainX[rows[r] + c];
                    x0[dst + r] = x;
                    x2[dst + r] = x * x;
                }
        }
    }

    /// <summary>mu = tanh(theta) and s = 1 - mu^2 of every field.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    void UpdateMeans()
    {
        var one = O.Splat(1f);
        for (int l = 0; l < _layers; l++)
        {
            int size = _widths[l] * _widths[l + 1];
            for (int e = 0; e < size; e++)
            {
                var mu = LaneMath<V, O>.Tanh(Ld(_theta[l], e));
                St(_mu[l], e, mu);
                St(_s[l], e, O.Sub(one, O.Mul(mu, mu)));
            }
        }
    }

    /// <summary>
    /// The forward pass of m samples with the step's noise, the loss (added to the epoch's sums)
    /// and the gradients with respect to mu and s of every layer (in _dmu, _ds).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    void ForwardBackward(int m)
    {
        int classes = _widths[^1];
        var slope = O.Splat((float)LrNet.LeakySlope);
        var zero = O.Splat(0f);
        for (int l = 0; l < _layers; l++)
        {
            int nin = _widths[l], nout = _widths[l + 1];
            float[] a = _act[l], a2 = _act2[l], mu = _mu[l], s = _s[l];
            for (int b = 0; b < m; b++)
            {
                int ab = b * nin;
                int o = 0;
                // four outputs at a time: eight independent accumulation chains sharing the loads of a and a^2; each
                // output's sum still runs over i in order
                for (; o + 4 <= nout; o += 4)
                {
                    V g0 = zero, g1 = zero, g2 = zero, g3 = zero, d0 = zero, d1 = zero, d2 = zero, d3 = zero;
                    int r0 = o * nin, r1 = r0 + nin, r2 = r1 + nin, r3 = r2 + nin;
                    for (int i = 0; i < nin; i++)
                    {
                        var ai = Ld(a, ab + i);
                        var qi = Ld(a2, ab + i);
                        g0 = O.Fma(Ld(mu, r0 + i), ai, g0);
                        g1 = O.Fma(Ld(mu, r1 + i), ai, g1);
                        g2 = O.Fma(Ld(mu, r2 + i), ai, g2);
                        g3 = O.Fma(Ld(mu, r3 + i), ai, g3);
                        d0 = O.Fma(Ld(s, r0 + i), qi, d0);
                        d1 = O.Fma(Ld(s, r1 + i), qi, d1);
                        d2 = O.Fma(Ld(s, r2 + i), qi, d2);
                        d3 = O.Fma(Ld(s, r3 + i), qi, d3);
                    }
                    EmitUnit(l, b, o, g0, d0);
                    EmitUnit(l, b, o + 1, g1, d1);
                    EmitUnit(l, b, o + 2, g2, d2);
                    EmitUnit(l, b, o + 3, g3, d3);
                }
                for (; o < nout; o++)
                {
                    V g = zero, dl = zero;
                    int row = o * nin;
                    for (int i = 0; i < nin; i++)
                    {
                        g = O.Fma(Ld(mu, row + i), Ld(a, ab + i), g);
                        dl = O.Fma(Ld(s, row + i), Ld(a2, ab + i), dl);
                    }
                    EmitUnit(l, b, o, g, dl);
                }
            }
        }

        // softmax cross-entropy, mean over the batch; its gradient with respect to the scores in _dzA
        var invM = O.Splat(1f / m);
        var one = O.Splat(1f);
        V ce = zero;
        for (int b = 0; b < m; b++)
        {
            int sb = b * classes;
            var y = Ld(_y, b);
            var max = Ld(_scores, sb);
            for (int c = 1; c < classes; c++) max = O.Max(max, Ld(_scores, sb + c));
            V sum = zero, zy = zero;
            for (int c = 0; c < classes; c++)
            {
                var z = Ld(_scores, sb + c);
                var e = O.Exp(O.Sub(z, max));
                St(_dzA, sb + c, e);
                sum = O.Add(sum, e);
                zy = O.Select(O.Equal(y, O.Splat(c)), z, zy);
            }
            ce = O.Add(ce, O.Sub(O.Add(O.Log(sum), max), zy));
            var inv = O.Div(one, sum);
            for (int c = 0; c < classes; c++)
            {
                var p = O.Mul(Ld(_dzA, sb + c), inv);
                var target = O.Select(O.Equal(y, O.Splat(c)), one, zero);
                St(_dzA, sb + c, O.Mul(O.Sub(p, target), invM));
            }
        }
        var loss = O.Div(ce, O.Splat((float)m));
        if (_options.L2 > 0)
        {
            var l2 = O.Splat((float)_options.L2);
            for (int l = 0; l < _layers; l++)
            {
                int size = _widths[l] * _widths[l + 1];
                V sq = zero;
                for (int e = 0; e < size; e++) { var t = Ld(_theta[l], e); sq = O.Fma(t, t, sq); }
                loss = O.Add(loss, O.Mul(sq, l2));
            }
        }
        Span<float> lossLanes = stackalloc float[W];
        O.Store(loss, ref lossLanes[0]);
        for (int r = 0; r < _count; r++) _lossSums[r] += lossLanes[r];

        // backward, layer by layer from the top: dz of layer l is in `dz`, that of layer l - 1 goes to `dzPrev`
        float[] dz = _dzA, dzPrev = _dzB;
        var half = O.Splat(0.5f);
        var two = O.Splat(2f);
        for (int l = _layers - 1; l >= 0; l--)
        {
            int nin = _widths[l], nout = _widths[l + 1], u0 = _unitOffset[l];
            var rs = O.Splat((float)Math.Sqrt(nin));
            var nf = O.Splat((float)nin);
            float[] a = _act[l], a2 = _act2[l], mu = _mu[l], s = _s[l], sd = _sd[l], dmu = _dmu[l], ds = _ds[l];
            // the gradients with respect to the sums behind G and Delta: G = sum / sqrt(N), sqrt(Delta + floor) eps
            for (int b = 0; b < m; b++)
            {
                int eb = b * _units + u0;
                for (int o = 0; o < nout; o++)
                {
                    var dzo = Ld(dz, b * nout + o);
                    St(_gG, b * nout + o, O.Div(dzo, rs));
                    St(_gD, b * nout + o, O.Div(O.Div(O.Mul(O.Mul(dzo, Ld(_eps, eb + o)), half), Ld(sd, b * nout + o)), nf));
                }
            }
            // dmu[o, i] = sum_b gG[b, o] a[b, i], ds[o, i] = sum_b gD[b, o] a[b, i]^2, summed over b in order
            for (int o = 0; o < nout; o++)
            {
                int row = o * nin, i = 0;
                for (; i + 4 <= nin; i += 4)
                {
                    V m0 = zero, m1 = zero, m2 = zero, m3 = zero, s0 = zero, s1 = zero, s2 = zero, s3 = zero;
                    for (int b = 0; b < m; b++)
                    {
                        var gg = Ld(_gG, b * nout + o);
                        var gd = Ld(_gD, b * nout + o);
                        int ab = b * nin + i;
                        m0 = O.Fma(gg, Ld(a, ab), m0);
                        m1 = O.Fma(gg, Ld(a, ab + 1), m1);
                        m2 = O.Fma(gg, Ld(a, ab + 2), m2);
                        m3 = O.Fma(gg, Ld(a, ab + 3), m3);
                        s0 = O.Fma(gd, Ld(a2, ab), s0);
                        s1 = O.Fma(gd, Ld(a2, ab + 1), s1);
                        s2 = O.Fma(gd, Ld(a2, ab + 2), s2);
                        s3 = O.Fma(gd, Ld(a2, ab + 3), s3);
                    }
                    St(dmu, row + i, m0); St(dmu, row + i + 1, m1); St(dmu, row + i + 2, m2); St(dmu, row + i + 3, m3);
                    St(ds, row + i, s0); St(ds, row + i + 1, s1); St(ds, row + i + 2, s2); St(ds, row + i + 3, s3);
                }
                for (; i < nin; i++)
                {
                    V mm = zero, ss = zero;
                    for (int b = 0; b < m; b++)
                    {
                        mm = O.Fma(Ld(_gG, b * nout + o), Ld(a, b * nin + i), mm);
                        ss = O.Fma(Ld(_gD, b * nout + o), Ld(a2, b * nin + i), ss);
                    }
                    St(dmu, row + i, mm);
                    St(ds, row + i, ss);
                }
            }
            if (l == 0) break;
            // the gradient with respect to the layer's input: da[b, i] = sum_o gG mu + 2 a sum_o gD s (summed over o
            // in order), through the leaky ReLU of the previous layer
            for (int b = 0; b < m; b++)
            {
                int ab = b * nin, gb = b * nout, i = 0;
                for (; i + 4 <= nin; i += 4)
                {
                    V t0 = zero, t1 = zero, t2 = zero, t3 = zero, u0v = zero, u1 = zero, u2 = zero, u3 = zero;
                    for (int o = 0; o < nout; o++)
                    {
                        var gg = Ld(_gG, gb + o);
                        var gd = Ld(_gD, gb + o);
                        int row = o * nin + i;
                        t0 = O.Fma(gg, Ld(mu, row), t0);
                        t1 = O.Fma(gg, Ld(mu, row + 1), t1);
                        t2 = O.Fma(gg, Ld(mu, row + 2), t2);
                        t3 = O.Fma(gg, Ld(mu, row + 3), t3);
                        u0v = O.Fma(gd, Ld(s, row), u0v);
                        u1 = O.Fma(gd, Ld(s, row + 1), u1);
                        u2 = O.Fma(gd, Ld(s, row + 2), u2);
                        u3 = O.Fma(gd, Ld(s, row + 3), u3);
                    }
                    EmitInputGradient(dzPrev, a, ab + i, t0, u0v, two, one, slope, zero);
                    EmitInputGradient(dzPrev, a, ab + i + 1, t1, u1, two, one, slope, zero);
                    EmitInputGradient(dzPrev, a, ab + i + 2, t2, u2, two, one, slope, zero);
                    EmitInputGradient(dzPrev, a, ab + i + 3, t3, u3, two, one, slope, zero);
                }
                for (; i < nin; i++)
                {
                    V t = zero, u = zero;
                    for (int o = 0; o < nout; o++)
                    {
                        t = O.Fma(Ld(_gG, gb + o), Ld(mu, o * nin + i), t);
                        u = O.Fma(Ld(_gD, gb + o), Ld(s, o * nin + i), u);
                    }
                    EmitInputGradient(dzPrev, a, ab + i, t, u, two, one, slope, zero);
                }
            }
            (dz, dzPrev) = (dzPrev, dz);
        }
    }

    /// <summary>Unit o of layer l for sample b from its sums: G, Delta, sqrt(Delta + floor), z and the activation.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    void EmitUnit(int l, int b, int o, V g, V dl)
    {
        int nin = _widths[l], nout = _widths[l + 1];
        g = O.Div(g, O.Splat(_rootWidth[l]));
        dl = O.Div(dl, O.Splat((float)nin));
        var sdev = O.Sqrt(O.Add(dl, O.Splat((float)LrNet.DeltaFloor)));
        St(_sd[l], b * nout + o, sdev);
        var z = O.Add(g, O.Mul(sdev, Ld(_eps, b * _units + _unitOffset[l] + o)));
        if (l + 1 == _layers) St(_scores, b * nout + o, z);
        else
        {
            var act = O.Max(z, O.Mul(z, O.Splat((float)LrNet.LeakySlope)));
            St(_act[l + 1], b * nout + o, act);
            St(_act2[l + 1], b * nout + o, O.Mul(act, act));
        }
    }

    /// <summary>dz of input unit j (flat index b N + i) from t = sum_o gG mu and u = sum_o gD s: (t + 2 a u) times the leaky ReLU's slope.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static void EmitInputGradient(float[] dzPrev, float[] a, int j, V t, V u, V two, V one, V slope, V zero)
    {
        var ai = Ld(a, j);
        var da = O.Fma(O.Mul(two, ai), u, t);
        St(dzPrev, j, O.Mul(da, O.Select(O.GreaterThan(ai, zero), one, slope)));
    }

    /// <summary>d loss / d theta of field e of layer l: (dmu - 2 mu ds)(1 - mu^2) + 2 lambda theta.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    V FieldGradient(int l, int e)
    {
        var mu = Ld(_mu[l], e);
        var g = O.Mul(O.Sub(Ld(_dmu[l], e), O.Mul(O.Mul(O.Splat(2f), mu), Ld(_ds[l], e))), Ld(_s[l], e));
        return _options.L2 > 0 ? O.Fma(O.Splat((float)(2 * _options.L2)), Ld(_theta[l], e), g) : g;
    }

    /// <summary>One Adam step on every field (the formulas of <see cref="NeuralSpin.Training.AdamOptimizer"/>), then the new means.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    void AdamStep()
    {
        long t = ++_adamSteps;
        double biasCorrection1 = 1 - Math.Pow(Beta1Double, t);
        double biasCorrection2 = 1 - Math.Pow(Beta2Double, t);
        var b1 = O.Splat(Beta1);
        var c1 = O.Splat((float)(1 - Beta1Double));
        var b2 = O.Splat(Beta2);
        var c2 = O.Splat((float)(1 - Beta2Double));
        var sqrtBias2 = O.Splat((float)Math.Sqrt(biasCorrection2));
        var step = O.Splat((float)(-(_options.LearningRate / biasCorrection1)));
        var eps = O.Splat(AdamEps);
        var one = O.Splat(1f);
        for (int l = 0; l < _layers; l++)
        {
            int size = _widths[l] * _widths[l + 1];
            float[] theta = _theta[l], mArr = _m[l], vArr = _v[l];
            for (int e = 0; e < size; e++)
            {
                var g = FieldGradient(l, e);
                var m = O.Fma(g, c1, O.Mul(Ld(mArr, e), b1));
                var v = O.Fma(O.Mul(g, g), c2, O.Mul(Ld(vArr, e), b2));
                St(mArr, e, m);
                St(vArr, e, v);
                var denom = O.Add(O.Div(O.Sqrt(v), sqrtBias2), eps);
                var th = O.Fma(step, O.Div(m, denom), Ld(theta, e));
                St(theta, e, th);
                var mu = LaneMath<V, O>.Tanh(th);
                St(_mu[l], e, mu);
                St(_s[l], e, O.Sub(one, O.Mul(mu, mu)));
            }
        }
    }

    const double Beta1Double = 0.9, Beta2Double = 0.999;

    /// <summary>Test accuracies of the trained mean networks (eps = 0); the test inputs are shared by all lanes.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    double[] MeanNetworkAccuracies()
    {
        var result = new double[_count];
        int tests = _data.TestCount;
        if (tests == 0) { Array.Fill(result, double.NaN); return result; }
        int maxWidth = _widths.Max(), classes = _widths[^1];
        var cur = new float[maxWidth * W];
        var nxt = new float[maxWidth * W];
        var zero = O.Splat(0f);
        var one = O.Splat(1f);
        var slope = O.Splat((float)LrNet.LeakySlope);
        V correct = zero;
        var testX = _data.TestX;
        for (int t = 0; t < tests; t++)
        {
            int xb = t * _d;
            for (int l = 0; l < _layers; l++)
            {
                int nin = _widths[l], nout = _widths[l + 1];
                var rs = O.Splat((float)Math.Sqrt(nin));
                float[] mu = _mu[l];
                bool last = l + 1 == _layers;
                for (int o = 0; o < nout; o++)
                {
                    V g = zero;
                    int row = o * nin;
                    if (l == 0)
                        for (int i = 0; i < nin; i++) g = O.Fma(Ld(mu, row + i), O.Splat(testX[xb + i]), g);
                    else
                        for (int i = 0; i < nin; i++) g = O.Fma(Ld(mu, row + i), Ld(cur, i), g);
                    g = O.Div(g, rs);
                    St(nxt, o, last ? g : O.Max(g, O.Mul(g, slope)));
                }
                (cur, nxt) = (nxt, cur);
            }
            correct = O.Add(correct, LaneMath<V, O>.ArgmaxIs(cur, classes, _data.TestY[t]));
        }
        Span<float> lanes = stackalloc float[W];
        O.Store(correct, ref lanes[0]);
        for (int r = 0; r < _count; r++) result[r] = lanes[r] / (double)tests;
        return result;
    }
}
