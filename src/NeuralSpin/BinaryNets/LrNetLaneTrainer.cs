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
/// order, fused multiply-adds, products with the reciprocals of sqrt(N) and N, <see cref="LaneMath{V, O}.Exp"/> and the
/// series-or-exponential tanh of <see cref="LaneMath{V, O}.Tanh"/> differ at the level of a float ulp per operation). The
/// products are register-blocked (docs/theory.md section 7, "The lane layout"); with the whole training set the data are
/// permuted once per epoch so that each lane reads consecutive rows, and the next step's rows are prefetched. The noise is the counter-based stream of <see cref="TrainingNoise"/>, computed at every step
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
    readonly float[][] _theta, _m, _v, _mu, _s, _dmu, _ds, _act, _act2, _h;
    readonly float[] _scores, _dzA, _dzB, _gG, _gD, _eps, _y, _invRoot, _invWidth, _halfInvWidth;
    readonly double[] _lossSums;
    readonly LrNetTrainingOptions _options;
    readonly TrainingData _data;
    /// <summary>Each network's training subset, or null when every network uses the whole training set.</summary>
    readonly int[][]? _subsets;
    /// <summary>With the whole training set: the epoch's inputs and labels in the order of the shared permutation (row k = sample pi[k]).</summary>
    readonly float[]? _permutedX;
    readonly float[]? _permutedY;
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
        var subsets = seeds.Select(sd => LrNetTrainer.ChooseSubset(data.TrainCount, options with { Seed = sd })).ToArray();
        _n = subsets[0].Length;
        if (_n == data.TrainCount)
        {
            // every network uses the whole set (the subset is drawn only when it is smaller): position k of the epoch is
            // sample pi[k] for all networks, so the data are permuted once per epoch and each lane then reads
            // consecutive rows of the permuted copy
            _permutedX = new float[(long)_n * _d];
            _permutedY = new float[_n];
        }
        else _subsets = subsets;
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
        _h = PerLayer(l => _batch * _widths[l + 1]);
        int maxWidth = _widths.Max();
        _scores = new float[_batch * _widths[^1] * W];
        _dzA = new float[_batch * maxWidth * W];
        _dzB = new float[_batch * maxWidth * W];
        _gG = new float[_batch * maxWidth * W];
        _gD = new float[_batch * maxWidth * W];
        _invRoot = _widths.Select(w => (float)(1 / Math.Sqrt(w))).ToArray();
        _invWidth = _widths.Select(w => (float)(1.0 / w)).ToArray();
        _halfInvWidth = _widths.Select(w => (float)(0.5 / w)).ToArray();
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
        group.PermuteData(pi);
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
            PermuteData(pi);
            for (int r = 0; r < _count; r++) offsets[r] = (int)_offsetRngs[r].NextBelow((ulong)_n);
            Array.Clear(_lossSums);
            lastEpochSteps = 0;
            for (int b0 = 0; b0 < _n; b0 += _batch, step++)
            {
                DrawNoise(step);
                int m = Math.Min(_batch, _n - b0);
                Gather(pi, offsets, b0, m);
                if (b0 + _batch < _n) Prefetch(pi, offsets, b0 + _batch, Math.Min(_batch, _n - b0 - _batch));
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

    /// <summary>With the whole training set, the epoch's permuted copy of the inputs and labels (<see cref="_permutedX"/>).</summary>
    void PermuteData(int[] pi)
    {
        if (_permutedX is null) return;
        for (int k = 0; k < _n; k++)
        {
            Array.Copy(_data.TrainX, (long)pi[k] * _d, _permutedX, (long)k * _d, _d);
            _permutedY![k] = _data.TrainY[pi[k]];
        }
    }

    /// <summary>
    /// Network r's sample at position b0 + i of the epoch (its offset into the shared permutation, then its subset), as a
    /// row of <see cref="_permutedX"/> with the whole training set, else as a row of the training set.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    int Row(int[] pi, int[] offsets, int r, int b0, int i)
    {
        int pos = offsets[r] + b0 + i;
        if (pos >= _n) pos -= _n;
        if (pos >= _n) pos -= _n;
        return _subsets is null ? pos : _subsets[r][pi[pos]];
    }

    /// <summary>The inputs and labels of the step starting at position b0 of the epoch, network r's sample in lane r.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    void Gather(int[] pi, int[] offsets, int b0, int m)
    {
        var x0 = _act[0];
        var x2 = _act2[0];
        var source = _permutedX ?? _data.TrainX;
        Span<int> rows = stackalloc int[W];
        for (int i = 0; i < m; i++)
        {
            for (int r = 0; r < _count; r++)
            {
                int row = Row(pi, offsets, r, b0, i);
                rows[r] = row * _d;
                _y[i * W + r] = _permutedY is null ? _data.TrainY[row] : _permutedY[row];
            }
            for (int r = _count; r < W; r++) rows[r] = rows[0]; // inert lanes repeat lane 0's input
            // one vector (all lanes) at a time, so that every write fills a whole vector
            int dst = i * _d * W;
            if (Avx2.IsSupported)
            {
                unsafe
                {
                    fixed (float* src = source)
                    fixed (float* p0 = x0)
                    fixed (float* p2 = x2)
                        if (W == 16)
                        {
                            var index = Vector512.LoadUnsafe(ref rows[0]);
                            for (int c = 0; c < _d; c++, dst += W)
                            {
                                var x = Gather16(src + c, index);
                                x.Store(p0 + dst);
                                (x * x).Store(p2 + dst);
                            }
                        }
                        else
                        {
                            var index = Vector256.LoadUnsafe(ref rows[0]);
                            for (int c = 0; c < _d; c++, dst += W)
                            {
                                var x = Avx2.GatherVector256(src + c, index, 4);
                                x.Store(p0 + dst);
                                (x * x).Store(p2 + dst);
                            }
                        }
                }
                continue;
            }
            for (int c = 0; c < _d; c++, dst += W)
                for (int r = 0; r < W; r++)
                {
                    float x = source[rows[r] + c];
                    x0[dst + r] = x;
                    x2[dst + r] = x * x;
                }
        }
    }

    /// <summary>
    /// Asks for the inputs of the step starting at position b0 (m samples per network) to be brought into the L2 cache
    /// while the current step computes, so that <see cref="Gather"/> does not wait for them: with training subsets the rows
    /// of each network's samples, scattered over the training set; with the whole set each network's m consecutive rows
    /// of the permuted copy, one range per lane.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    unsafe void Prefetch(int[] pi, int[] offsets, int b0, int m)
    {
        if (!Sse.IsSupported) return;
        int rowBytes = _d * sizeof(float);
        if (_permutedX is not null)
        {
            fixed (float* src = _permutedX)
            {
                byte* p = (byte*)src;
                for (int r = 0; r < _count; r++)
                {
                    int first = Row(pi, offsets, r, b0, 0), last = Row(pi, offsets, r, b0, m - 1);
                    if (last >= first) PrefetchRange(p + (long)first * rowBytes, (last - first + 1) * rowBytes);
                    else
                    {
                        // the lane's rows wrap around the end of the epoch
                        PrefetchRange(p + (long)first * rowBytes, (_n - first) * rowBytes);
                        PrefetchRange(p, (last + 1) * rowBytes);
                    }
                }
            }
            return;
        }
        fixed (float* src = _data.TrainX)
        {
            byte* p = (byte*)src;
            for (int i = 0; i < m; i++)
                for (int r = 0; r < _count; r++)
                {
                    byte* row = p + (long)Row(pi, offsets, r, b0, i) * rowBytes;
                    Sse.Prefetch1(row);
                    Sse.Prefetch1(row + rowBytes - 1);
                }
        }
    }

    /// <summary>Prefetches the cache lines of [p, p + bytes) into the L2 cache.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static unsafe void PrefetchRange(byte* p, long bytes)
    {
        for (long k = 0; k < bytes; k += 64) Sse.Prefetch1(p + k);
        if (bytes > 0) Sse.Prefetch1(p + bytes - 1);
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
    /// The forward pass of m samples with the step's noise, the loss (added to the epoch's sums) and the gradients with
    /// respect to mu and s of every layer (in _dmu, _ds). The products are register-blocked (two samples by five units in
    /// the forward pass and the input gradients, two units by five inputs in the field gradients, with scalar loops for
    /// what is left over), so that each loaded value feeds several fused multiply-adds; every sum still runs over its
    /// index in order, one accumulator per output.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    void ForwardBackward(int m)
    {
        int classes = _widths[^1];
        var zero = O.Splat(0f);
        // the blocks of units outermost: their fields stay in the L1 cache while the samples stream past
        for (int l = 0; l < _layers; l++)
        {
            int nout = _widths[l + 1], o = 0;
            for (; o + 5 <= nout; o += 5)
            {
                int b = 0;
                for (; b + 1 < m; b += 2) Forward5x2(l, b, o);
                if (b < m)
                    for (int k = 0; k < 5; k++) Forward1(l, b, o + k);
            }
            for (; o < nout; o++)
                for (int b = 0; b < m; b++) Forward1(l, b, o);
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
                var e = LaneMath<V, O>.Exp(O.Sub(z, max));
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
        for (int l = _layers - 1; l >= 0; l--)
        {
            int nin = _widths[l], nout = _widths[l + 1];
            var invRoot = O.Splat(_invRoot[l]);
            float[] h = _h[l];
            // the gradients with respect to the sums behind G and Delta: G = sum / sqrt(N), sqrt(Delta + floor) eps with
            // d sqrt(Delta + floor) / d sum = 1 / (2 N sqrt(Delta + floor)), so gD = dz eps / (2 N sqrt(Delta + floor)) = dz h
            for (int j = 0; j < m * nout; j++)
            {
                var dzj = Ld(dz, j);
                St(_gG, j, O.Mul(dzj, invRoot));
                St(_gD, j, O.Mul(dzj, Ld(h, j)));
            }
            // dmu[o, i] = sum_b gG[b, o] a[b, i], ds[o, i] = sum_b gD[b, o] a[b, i]^2, summed over b in order
            // (the blocks of inputs outermost: their activations stay in the L1 cache while the units' gradients stream past)
            int i0 = 0;
            for (; i0 + 5 <= nin; i0 += 5)
            {
                int o = 0;
                for (; o + 1 < nout; o += 2) Fields2x5(l, m, o, i0);
                if (o < nout) Fields1x5(l, m, o, i0);
            }
            for (; i0 < nin; i0++)
                for (int o = 0; o < nout; o++) Fields1(l, m, o, i0);
            if (l == 0) break;
            // the gradient with respect to the layer's input: da[b, i] = sum_o gG mu + 2 a sum_o gD s (summed over o in
            // order), through the leaky ReLU of the previous layer
            // (the blocks of inputs outermost: their fields stay in the L1 cache while the samples stream past)
            int i1 = 0;
            for (; i1 + 5 <= nin; i1 += 5)
            {
                int b = 0;
                for (; b + 1 < m; b += 2) Inputs2x5(l, dzPrev, b, i1);
                if (b < m)
                    for (int k = 0; k < 5; k++) Inputs1(l, dzPrev, b, i1 + k);
            }
            for (; i1 < nin; i1++)
                for (int b = 0; b < m; b++) Inputs1(l, dzPrev, b, i1);
            (dz, dzPrev) = (dzPrev, dz);
        }
    }

    /// <summary>The sums G and Delta of units o .. o + 4 of layer l for samples b and b + 1, then <see cref="EmitUnit"/>.</summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    void Forward5x2(int l, int b, int o)
    {
        int nin = _widths[l];
        float[] a = _act[l], a2 = _act2[l], mu = _mu[l], s = _s[l];
        var zero = O.Splat(0f);
        V g00 = zero, g01 = zero, g02 = zero, g03 = zero, g04 = zero, g10 = zero, g11 = zero, g12 = zero, g13 = zero, g14 = zero;
        V d00 = zero, d01 = zero, d02 = zero, d03 = zero, d04 = zero, d10 = zero, d11 = zero, d12 = zero, d13 = zero, d14 = zero;
        int x0 = b * nin, r0 = o * nin;
        // one base per row and a shared offset: each load is one addressing mode, no index arithmetic per load
        ref float pa0 = ref At(a, x0 * W);
        ref float pa1 = ref At(a, (x0 + nin) * W);
        ref float pq0 = ref At(a2, x0 * W);
        ref float pq1 = ref At(a2, (x0 + nin) * W);
        ref float pm = ref At(mu, r0 * W);
        ref float ps = ref At(s, r0 * W);
        int row = nin * W;
        for (int i = 0; i < nin; i++)
        {
            int off = i * W;
            var a0 = O.Load(ref Unsafe.Add(ref pa0, off));
            var a1 = O.Load(ref Unsafe.Add(ref pa1, off));
            ref float m0 = ref Unsafe.Add(ref pm, off);
            var w = O.Load(ref m0); g00 = O.Fma(w, a0, g00); g10 = O.Fma(w, a1, g10);
            w = O.Load(ref Unsafe.Add(ref m0, row)); g01 = O.Fma(w, a0, g01); g11 = O.Fma(w, a1, g11);
            w = O.Load(ref Unsafe.Add(ref m0, 2 * row)); g02 = O.Fma(w, a0, g02); g12 = O.Fma(w, a1, g12);
            w = O.Load(ref Unsafe.Add(ref m0, 3 * row)); g03 = O.Fma(w, a0, g03); g13 = O.Fma(w, a1, g13);
            w = O.Load(ref Unsafe.Add(ref m0, 4 * row)); g04 = O.Fma(w, a0, g04); g14 = O.Fma(w, a1, g14);
            var q0 = O.Load(ref Unsafe.Add(ref pq0, off));
            var q1 = O.Load(ref Unsafe.Add(ref pq1, off));
            ref float s0 = ref Unsafe.Add(ref ps, off);
            w = O.Load(ref s0); d00 = O.Fma(w, q0, d00); d10 = O.Fma(w, q1, d10);
            w = O.Load(ref Unsafe.Add(ref s0, row)); d01 = O.Fma(w, q0, d01); d11 = O.Fma(w, q1, d11);
            w = O.Load(ref Unsafe.Add(ref s0, 2 * row)); d02 = O.Fma(w, q0, d02); d12 = O.Fma(w, q1, d12);
            w = O.Load(ref Unsafe.Add(ref s0, 3 * row)); d03 = O.Fma(w, q0, d03); d13 = O.Fma(w, q1, d13);
            w = O.Load(ref Unsafe.Add(ref s0, 4 * row)); d04 = O.Fma(w, q0, d04); d14 = O.Fma(w, q1, d14);
        }
        EmitUnit(l, b, o, g00, d00); EmitUnit(l, b, o + 1, g01, d01); EmitUnit(l, b, o + 2, g02, d02); EmitUnit(l, b, o + 3, g03, d03); EmitUnit(l, b, o + 4, g04, d04);
        EmitUnit(l, b + 1, o, g10, d10); EmitUnit(l, b + 1, o + 1, g11, d11); EmitUnit(l, b + 1, o + 2, g12, d12); EmitUnit(l, b + 1, o + 3, g13, d13); EmitUnit(l, b + 1, o + 4, g14, d14);
    }

    /// <summary>Unit o of layer l for sample b alone.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    void Forward1(int l, int b, int o)
    {
        int nin = _widths[l];
        float[] a = _act[l], a2 = _act2[l], mu = _mu[l], s = _s[l];
        V g = O.Splat(0f), dl = O.Splat(0f);
        int x = b * nin, row = o * nin;
        for (int i = 0; i < nin; i++)
        {
            g = O.Fma(Ld(mu, row + i), Ld(a, x + i), g);
            dl = O.Fma(Ld(s, row + i), Ld(a2, x + i), dl);
        }
        EmitUnit(l, b, o, g, dl);
    }

    /// <summary>
    /// Unit o of layer l for sample b from its sums: G = sum / sqrt(N), Delta = sum / N (multiplied by the float
    /// reciprocals), sqrt(Delta + floor), z = G + sqrt(Delta + floor) eps and the activation; h = eps / (2 N sqrt(Delta + floor))
    /// is kept for the backward pass.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    void EmitUnit(int l, int b, int o, V g, V dl)
    {
        int nout = _widths[l + 1], j = b * nout + o;
        g = O.Mul(g, O.Splat(_invRoot[l]));
        dl = O.Mul(dl, O.Splat(_invWidth[l]));
        var sdev = O.Sqrt(O.Add(dl, O.Splat((float)LrNet.DeltaFloor)));
        var eps = Ld(_eps, b * _units + _unitOffset[l] + o);
        St(_h[l], j, O.Div(O.Mul(eps, O.Splat(_halfInvWidth[l])), sdev));
        var z = O.Fma(sdev, eps, g);
        if (l + 1 == _layers) St(_scores, j, z);
        else
        {
            var act = O.Max(z, O.Mul(z, O.Splat((float)LrNet.LeakySlope)));
            St(_act[l + 1], j, act);
            St(_act2[l + 1], j, O.Mul(act, act));
        }
    }

    /// <summary>dmu and ds of fields (o, i .. i + 4) and (o + 1, i .. i + 4) of layer l, summed over the m samples in order.</summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    void Fields2x5(int l, int m, int o, int i)
    {
        int nin = _widths[l], nout = _widths[l + 1];
        float[] a = _act[l], a2 = _act2[l], gG = _gG, gD = _gD;
        var zero = O.Splat(0f);
        V m00 = zero, m01 = zero, m02 = zero, m03 = zero, m04 = zero, m10 = zero, m11 = zero, m12 = zero, m13 = zero, m14 = zero;
        V s00 = zero, s01 = zero, s02 = zero, s03 = zero, s04 = zero, s10 = zero, s11 = zero, s12 = zero, s13 = zero, s14 = zero;
        // row bases and a running offset per sample: each load is one addressing mode
        ref float pg = ref At(gG, o * W);
        ref float pd = ref At(gD, o * W);
        ref float pa = ref At(a, i * W);
        ref float pq = ref At(a2, i * W);
        int gStep = nout * W, aStep = nin * W;
        for (int b = 0, go = 0, ao = 0; b < m; b++, go += gStep, ao += aStep)
        {
            ref float g = ref Unsafe.Add(ref pg, go);
            var gg0 = O.Load(ref g);
            var gg1 = O.Load(ref Unsafe.Add(ref g, W));
            ref float x = ref Unsafe.Add(ref pa, ao);
            var v = O.Load(ref x); m00 = O.Fma(gg0, v, m00); m10 = O.Fma(gg1, v, m10);
            v = O.Load(ref Unsafe.Add(ref x, W)); m01 = O.Fma(gg0, v, m01); m11 = O.Fma(gg1, v, m11);
            v = O.Load(ref Unsafe.Add(ref x, 2 * W)); m02 = O.Fma(gg0, v, m02); m12 = O.Fma(gg1, v, m12);
            v = O.Load(ref Unsafe.Add(ref x, 3 * W)); m03 = O.Fma(gg0, v, m03); m13 = O.Fma(gg1, v, m13);
            v = O.Load(ref Unsafe.Add(ref x, 4 * W)); m04 = O.Fma(gg0, v, m04); m14 = O.Fma(gg1, v, m14);
            ref float dd = ref Unsafe.Add(ref pd, go);
            var gd0 = O.Load(ref dd);
            var gd1 = O.Load(ref Unsafe.Add(ref dd, W));
            ref float y = ref Unsafe.Add(ref pq, ao);
            v = O.Load(ref y); s00 = O.Fma(gd0, v, s00); s10 = O.Fma(gd1, v, s10);
            v = O.Load(ref Unsafe.Add(ref y, W)); s01 = O.Fma(gd0, v, s01); s11 = O.Fma(gd1, v, s11);
            v = O.Load(ref Unsafe.Add(ref y, 2 * W)); s02 = O.Fma(gd0, v, s02); s12 = O.Fma(gd1, v, s12);
            v = O.Load(ref Unsafe.Add(ref y, 3 * W)); s03 = O.Fma(gd0, v, s03); s13 = O.Fma(gd1, v, s13);
            v = O.Load(ref Unsafe.Add(ref y, 4 * W)); s04 = O.Fma(gd0, v, s04); s14 = O.Fma(gd1, v, s14);
        }
        float[] dmu = _dmu[l], ds = _ds[l];
        int e0 = o * nin + i, e1 = e0 + nin;
        St(dmu, e0, m00); St(dmu, e0 + 1, m01); St(dmu, e0 + 2, m02); St(dmu, e0 + 3, m03); St(dmu, e0 + 4, m04);
        St(dmu, e1, m10); St(dmu, e1 + 1, m11); St(dmu, e1 + 2, m12); St(dmu, e1 + 3, m13); St(dmu, e1 + 4, m14);
        St(ds, e0, s00); St(ds, e0 + 1, s01); St(ds, e0 + 2, s02); St(ds, e0 + 3, s03); St(ds, e0 + 4, s04);
        St(ds, e1, s10); St(ds, e1 + 1, s11); St(ds, e1 + 2, s12); St(ds, e1 + 3, s13); St(ds, e1 + 4, s14);
    }

    /// <summary>dmu and ds of fields (o, i .. i + 4) of layer l (the odd unit left over by <see cref="Fields2x5"/>).</summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    void Fields1x5(int l, int m, int o, int i)
    {
        int nin = _widths[l], nout = _widths[l + 1];
        var zero = O.Splat(0f);
        V m0 = zero, m1 = zero, m2 = zero, m3 = zero, m4 = zero, s0 = zero, s1 = zero, s2 = zero, s3 = zero, s4 = zero;
        ref float pg = ref At(_gG, o * W);
        ref float pd = ref At(_gD, o * W);
        ref float pa = ref At(_act[l], i * W);
        ref float pq = ref At(_act2[l], i * W);
        int gStep = nout * W, aStep = nin * W;
        for (int b = 0, go = 0, ao = 0; b < m; b++, go += gStep, ao += aStep)
        {
            var gg = O.Load(ref Unsafe.Add(ref pg, go));
            ref float x = ref Unsafe.Add(ref pa, ao);
            m0 = O.Fma(gg, O.Load(ref x), m0);
            m1 = O.Fma(gg, O.Load(ref Unsafe.Add(ref x, W)), m1);
            m2 = O.Fma(gg, O.Load(ref Unsafe.Add(ref x, 2 * W)), m2);
            m3 = O.Fma(gg, O.Load(ref Unsafe.Add(ref x, 3 * W)), m3);
            m4 = O.Fma(gg, O.Load(ref Unsafe.Add(ref x, 4 * W)), m4);
            var gd = O.Load(ref Unsafe.Add(ref pd, go));
            ref float y = ref Unsafe.Add(ref pq, ao);
            s0 = O.Fma(gd, O.Load(ref y), s0);
            s1 = O.Fma(gd, O.Load(ref Unsafe.Add(ref y, W)), s1);
            s2 = O.Fma(gd, O.Load(ref Unsafe.Add(ref y, 2 * W)), s2);
            s3 = O.Fma(gd, O.Load(ref Unsafe.Add(ref y, 3 * W)), s3);
            s4 = O.Fma(gd, O.Load(ref Unsafe.Add(ref y, 4 * W)), s4);
        }
        float[] dmu = _dmu[l], ds = _ds[l];
        int e = o * nin + i;
        St(dmu, e, m0); St(dmu, e + 1, m1); St(dmu, e + 2, m2); St(dmu, e + 3, m3); St(dmu, e + 4, m4);
        St(ds, e, s0); St(ds, e + 1, s1); St(ds, e + 2, s2); St(ds, e + 3, s3); St(ds, e + 4, s4);
    }

    /// <summary>dmu and ds of field (o, i) of layer l alone.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    void Fields1(int l, int m, int o, int i)
    {
        int nin = _widths[l], nout = _widths[l + 1];
        float[] a = _act[l], a2 = _act2[l];
        V mm = O.Splat(0f), ss = O.Splat(0f);
        for (int b = 0; b < m; b++)
        {
            mm = O.Fma(Ld(_gG, b * nout + o), Ld(a, b * nin + i), mm);
            ss = O.Fma(Ld(_gD, b * nout + o), Ld(a2, b * nin + i), ss);
        }
        St(_dmu[l], o * nin + i, mm);
        St(_ds[l], o * nin + i, ss);
    }

    /// <summary>The input gradients of inputs i .. i + 4 of layer l for samples b and b + 1 (sums over the units in order), into dzPrev.</summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    void Inputs2x5(int l, float[] dzPrev, int b, int i)
    {
        int nin = _widths[l], nout = _widths[l + 1];
        float[] mu = _mu[l], s = _s[l], gG = _gG, gD = _gD;
        var zero = O.Splat(0f);
        V t00 = zero, t01 = zero, t02 = zero, t03 = zero, t04 = zero, t10 = zero, t11 = zero, t12 = zero, t13 = zero, t14 = zero;
        V u00 = zero, u01 = zero, u02 = zero, u03 = zero, u04 = zero, u10 = zero, u11 = zero, u12 = zero, u13 = zero, u14 = zero;
        ref float pg0 = ref At(gG, b * nout * W);
        ref float pg1 = ref At(gG, (b + 1) * nout * W);
        ref float pd0 = ref At(gD, b * nout * W);
        ref float pd1 = ref At(gD, (b + 1) * nout * W);
        ref float pm = ref At(mu, i * W);
        ref float ps = ref At(s, i * W);
        int rowStep = nin * W;
        for (int o = 0, go = 0, ro = 0; o < nout; o++, go += W, ro += rowStep)
        {
            var gg0 = O.Load(ref Unsafe.Add(ref pg0, go));
            var gg1 = O.Load(ref Unsafe.Add(ref pg1, go));
            ref float w0 = ref Unsafe.Add(ref pm, ro);
            var w = O.Load(ref w0); t00 = O.Fma(gg0, w, t00); t10 = O.Fma(gg1, w, t10);
            w = O.Load(ref Unsafe.Add(ref w0, W)); t01 = O.Fma(gg0, w, t01); t11 = O.Fma(gg1, w, t11);
            w = O.Load(ref Unsafe.Add(ref w0, 2 * W)); t02 = O.Fma(gg0, w, t02); t12 = O.Fma(gg1, w, t12);
            w = O.Load(ref Unsafe.Add(ref w0, 3 * W)); t03 = O.Fma(gg0, w, t03); t13 = O.Fma(gg1, w, t13);
            w = O.Load(ref Unsafe.Add(ref w0, 4 * W)); t04 = O.Fma(gg0, w, t04); t14 = O.Fma(gg1, w, t14);
            var gd0 = O.Load(ref Unsafe.Add(ref pd0, go));
            var gd1 = O.Load(ref Unsafe.Add(ref pd1, go));
            ref float v0 = ref Unsafe.Add(ref ps, ro);
            w = O.Load(ref v0); u00 = O.Fma(gd0, w, u00); u10 = O.Fma(gd1, w, u10);
            w = O.Load(ref Unsafe.Add(ref v0, W)); u01 = O.Fma(gd0, w, u01); u11 = O.Fma(gd1, w, u11);
            w = O.Load(ref Unsafe.Add(ref v0, 2 * W)); u02 = O.Fma(gd0, w, u02); u12 = O.Fma(gd1, w, u12);
            w = O.Load(ref Unsafe.Add(ref v0, 3 * W)); u03 = O.Fma(gd0, w, u03); u13 = O.Fma(gd1, w, u13);
            w = O.Load(ref Unsafe.Add(ref v0, 4 * W)); u04 = O.Fma(gd0, w, u04); u14 = O.Fma(gd1, w, u14);
        }
        float[] a = _act[l];
        int j0 = b * nin + i, j1 = j0 + nin;
        EmitInputGradient(dzPrev, a, j0, t00, u00); EmitInputGradient(dzPrev, a, j0 + 1, t01, u01); EmitInputGradient(dzPrev, a, j0 + 2, t02, u02);
        EmitInputGradient(dzPrev, a, j0 + 3, t03, u03); EmitInputGradient(dzPrev, a, j0 + 4, t04, u04);
        EmitInputGradient(dzPrev, a, j1, t10, u10); EmitInputGradient(dzPrev, a, j1 + 1, t11, u11); EmitInputGradient(dzPrev, a, j1 + 2, t12, u12);
        EmitInputGradient(dzPrev, a, j1 + 3, t13, u13); EmitInputGradient(dzPrev, a, j1 + 4, t14, u14);
    }

    /// <summary>The input gradient of input i of layer l for sample b alone.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    void Inputs1(int l, float[] dzPrev, int b, int i)
    {
        int nin = _widths[l], nout = _widths[l + 1];
        float[] mu = _mu[l], s = _s[l];
        V t = O.Splat(0f), u = O.Splat(0f);
        for (int o = 0; o < nout; o++)
        {
            t = O.Fma(Ld(_gG, b * nout + o), Ld(mu, o * nin + i), t);
            u = O.Fma(Ld(_gD, b * nout + o), Ld(s, o * nin + i), u);
        }
        EmitInputGradient(dzPrev, _act[l], b * nin + i, t, u);
    }

    /// <summary>dz of input unit j (flat index b N + i) from t = sum_o gG mu and u = sum_o gD s: (t + 2 a u) times the leaky ReLU's slope.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static void EmitInputGradient(float[] dzPrev, float[] a, int j, V t, V u)
    {
        var ai = Ld(a, j);
        var da = O.Fma(O.Add(ai, ai), u, t);
        St(dzPrev, j, O.Mul(da, O.Select(O.GreaterThan(ai, O.Splat(0f)), O.Splat(1f), O.Splat((float)LrNet.LeakySlope))));
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
        var invSqrtBias2 = O.Splat((float)(1 / Math.Sqrt(biasCorrection2)));
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
                var denom = O.Fma(O.Sqrt(v), invSqrtBias2, eps);
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
