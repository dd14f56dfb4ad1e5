using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace NeuralSpin.BinaryNets;

/// <summary>
/// Test accuracies of many binary networks of the same widths with one network per SIMD lane (the draws of ensemble
/// collection; docs/theory.md section 7, "The lane layout"): the test inputs are shared by all lanes (broadcast), the
/// weights +-1 sit in the lanes, groups of lanes run in parallel.
/// </summary>
/// <remarks>
/// Each pre-activation is the sum over the inputs in index order of +-a_j (exact products; every partial sum rounded
/// to float as in a sequential float32 dot product), divided by sqrt(N_in); leaky ReLU on hidden layers; the class is
/// the first index of the largest output, as torch.argmax. <see cref="BinaryNetwork.Accuracies"/> computes the same
/// numbers with libtorch's products; the two agree in every correct count (tested).
/// </remarks>
public static class LaneDraws
{
    /// <summary>The test accuracy of each network on (testX: n x N_0 row-major, testY: n labels).</summary>
    public static double[] Accuracies(IReadOnlyList<BinaryNetwork> networks, float[] testX, byte[] testY, int? maxDegreeOfParallelism = null)
    {
        ArgumentNullException.ThrowIfNull(networks);
        ArgumentNullException.ThrowIfNull(testX);
        ArgumentNullException.ThrowIfNull(testY);
        var result = new double[networks.Count];
        if (networks.Count == 0) return result;
        var widths = networks[0].Widths.ToArray();
        foreach (var net in networks)
            if (!net.Widths.SequenceEqual(widths)) throw new ArgumentException("the networks have different widths");
        int n = testY.Length;
        if ((long)n * widths[0] != testX.Length) throw new ArgumentException($"{testX.Length} test inputs for {n} labels of dimension {widths[0]}");
        if (n == 0) { Array.Fill(result, double.NaN); return result; }
        int width = LrNetLaneTrainer.LaneWidth;
        int groups = (networks.Count + width - 1) / width;
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = maxDegreeOfParallelism ?? Environment.ProcessorCount };
        Parallel.For(0, groups, parallel, g =>
        {
            int first = g * width, count = Math.Min(width, networks.Count - first);
            var nets = Enumerable.Range(first, count).Select(i => networks[i]).ToArray();
            var correct = width == 16
                ? Group<Vector512<float>, Lanes512>.Correct(nets, widths, testX, testY)
                : Group<Vector256<float>, Lanes256>.Correct(nets, widths, testX, testY);
            for (int r = 0; r < count; r++) result[first + r] = correct[r] / (double)n;
        });
        return result;
    }

    static class Group<V, O> where V : struct where O : struct, ILaneVector<V>
    {
        static int W { [MethodImpl(MethodImplOptions.AggressiveInlining)] get => O.Width; }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        static V Ld(float[] a, int vectorIndex) => O.Load(ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(a), vectorIndex * W));

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        static void St(float[] a, int vectorIndex, V v) => O.Store(v, ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(a), vectorIndex * W));

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public static int[] Correct(BinaryNetwork[] nets, int[] widths, float[] testX, byte[] testY)
        {
            int layers = widths.Length - 1, d = widths[0], classes = widths[^1], maxWidth = widths.Max();
            // weights in the lane layout (vector e = weight e of every network; unused lanes +1)
            var w = new float[layers][];
            int offset = 0;
            for (int l = 0; l < layers; l++)
            {
                int size = widths[l] * widths[l + 1];
                w[l] = new float[size * W];
                Array.Fill(w[l], 1f);
                for (int r = 0; r < nets.Length; r++)
                {
                    var src = nets[r].Weights;
                    for (int e = 0; e < size; e++) w[l][e * W + r] = src[offset + e];
                }
                offset += size;
            }
            var roots = widths.Select(x => O.Splat((float)Math.Sqrt(x))).ToArray();
            // activations of four test points side by side: point s of the block in rows s * maxWidth .. of cur / nxt
            var cur = new float[4 * maxWidth * W];
            var nxt = new float[4 * maxWidth * W];
            var slope = O.Splat((float)LrNet.LeakySlope);
            V correct = O.Splat(0f);
            int n = testY.Length, t = 0;
            for (; t + 4 <= n; t += 4)
            {
                for (int l = 0; l < layers; l++)
                {
                    int nin = widths[l], nout = widths[l + 1];
                    bool last = l + 1 == layers;
                    int o = 0;
                    for (; o + 5 <= nout; o += 5) Units5x4(w[l], l == 0 ? null : cur, testX, t * d, maxWidth, nin, o, nxt, roots[l], last, slope);
                    for (; o < nout; o++) Units1x4(w[l], l == 0 ? null : cur, testX, t * d, maxWidth, nin, o, nxt, roots[l], last, slope);
                    (cur, nxt) = (nxt, cur);
                }
                for (int s = 0; s < 4; s++)
                    correct = O.Add(correct, LaneMath<V, O>.ArgmaxIs(cur, classes, testY[t + s], s * maxWidth));
            }
            for (; t < n; t++)
            {
                for (int l = 0; l < layers; l++)
                {
                    int nin = widths[l], nout = widths[l + 1];
                    for (int o = 0; o < nout; o++)
                    {
                        V g = O.Splat(0f);
                        int row = o * nin;
                        for (int i = 0; i < nin; i++)
                            g = O.Fma(Ld(w[l], row + i), l == 0 ? O.Splat(testX[t * d + i]) : Ld(cur, i), g);
                        St(nxt, o, Activate(g, roots[l], l + 1 == layers, slope));
                    }
                    (cur, nxt) = (nxt, cur);
                }
                correct = O.Add(correct, LaneMath<V, O>.ArgmaxIs(cur, classes, testY[t]));
            }
            var lanes = new float[W];
            O.Store(correct, ref lanes[0]);
            return lanes.Take(nets.Length).Select(x => (int)x).ToArray();
        }

        /// <summary>
        /// Units o .. o + 4 of one layer for the four test points of a block: inputs from <paramref name="cur"/> (point s at
        /// row s * stride) or, for the first layer (cur null), broadcast from the test inputs at <paramref name="x0"/>;
        /// each sum runs over the inputs in index order.
        /// </summary>
        [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
        static void Units5x4(float[] wl, float[]? cur, float[] testX, int x0, int stride, int nin, int o, float[] nxt, V root, bool last, V slope)
        {
            var zero = O.Splat(0f);
            V a0 = zero, a1 = zero, a2 = zero, a3 = zero, a4 = zero, b0 = zero, b1 = zero, b2 = zero, b3 = zero, b4 = zero;
            V c0 = zero, c1 = zero, c2 = zero, c3 = zero, c4 = zero, d0 = zero, d1 = zero, d2 = zero, d3 = zero, d4 = zero;
            int r0 = o * nin, r1 = r0 + nin, r2 = r1 + nin, r3 = r2 + nin, r4 = r3 + nin;
            for (int i = 0; i < nin; i++)
            {
                V p, q, u, v;
                if (cur is null) { p = O.Splat(testX[x0 + i]); q = O.Splat(testX[x0 + nin + i]); u = O.Splat(testX[x0 + 2 * nin + i]); v = O.Splat(testX[x0 + 3 * nin + i]); }
                else { p = Ld(cur, i); q = Ld(cur, stride + i); u = Ld(cur, 2 * stride + i); v = Ld(cur, 3 * stride + i); }
                var x = Ld(wl, r0 + i); a0 = O.Fma(x, p, a0); b0 = O.Fma(x, q, b0); c0 = O.Fma(x, u, c0); d0 = O.Fma(x, v, d0);
                x = Ld(wl, r1 + i); a1 = O.Fma(x, p, a1); b1 = O.Fma(x, q, b1); c1 = O.Fma(x, u, c1); d1 = O.Fma(x, v, d1);
                x = Ld(wl, r2 + i); a2 = O.Fma(x, p, a2); b2 = O.Fma(x, q, b2); c2 = O.Fma(x, u, c2); d2 = O.Fma(x, v, d2);
                x = Ld(wl, r3 + i); a3 = O.Fma(x, p, a3); b3 = O.Fma(x, q, b3); c3 = O.Fma(x, u, c3); d3 = O.Fma(x, v, d3);
                x = Ld(wl, r4 + i); a4 = O.Fma(x, p, a4); b4 = O.Fma(x, q, b4); c4 = O.Fma(x, u, c4); d4 = O.Fma(x, v, d4);
            }
            St(nxt, o, Activate(a0, root, last, slope)); St(nxt, o + 1, Activate(a1, root, last, slope)); St(nxt, o + 2, Activate(a2, root, last, slope));
            St(nxt, o + 3, Activate(a3, root, last, slope)); St(nxt, o + 4, Activate(a4, root, last, slope));
            St(nxt, stride + o, Activate(b0, root, last, slope)); St(nxt, stride + o + 1, Activate(b1, root, last, slope)); St(nxt, stride + o + 2, Activate(b2, root, last, slope));
            St(nxt, stride + o + 3, Activate(b3, root, last, slope)); St(nxt, stride + o + 4, Activate(b4, root, last, slope));
            St(nxt, 2 * stride + o, Activate(c0, root, last, slope)); St(nxt, 2 * stride + o + 1, Activate(c1, root, last, slope)); St(nxt, 2 * stride + o + 2, Activate(c2, root, last, slope));
            St(nxt, 2 * stride + o + 3, Activate(c3, root, last, slope)); St(nxt, 2 * stride + o + 4, Activate(c4, root, last, slope));
            St(nxt, 3 * stride + o, Activate(d0, root, last, slope)); St(nxt, 3 * stride + o + 1, Activate(d1, root, last, slope)); St(nxt, 3 * stride + o + 2, Activate(d2, root, last, slope));
            St(nxt, 3 * stride + o + 3, Activate(d3, root, last, slope)); St(nxt, 3 * stride + o + 4, Activate(d4, root, last, slope));
        }

        /// <summary>Unit o of one layer for the four test points of a block (as <see cref="Units5x4"/>).</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        static void Units1x4(float[] wl, float[]? cur, float[] testX, int x0, int stride, int nin, int o, float[] nxt, V root, bool last, V slope)
        {
            var zero = O.Splat(0f);
            V a = zero, b = zero, c = zero, d = zero;
            int row = o * nin;
            for (int i = 0; i < nin; i++)
            {
                var x = Ld(wl, row + i);
                if (cur is null)
                {
                    a = O.Fma(x, O.Splat(testX[x0 + i]), a); b = O.Fma(x, O.Splat(testX[x0 + nin + i]), b);
                    c = O.Fma(x, O.Splat(testX[x0 + 2 * nin + i]), c); d = O.Fma(x, O.Splat(testX[x0 + 3 * nin + i]), d);
                }
                else
                {
                    a = O.Fma(x, Ld(cur, i), a); b = O.Fma(x, Ld(cur, stride + i), b);
                    c = O.Fma(x, Ld(cur, 2 * stride + i), c); d = O.Fma(x, Ld(cur, 3 * stride + i), d);
                }
            }
            St(nxt, o, Activate(a, root, last, slope));
            St(nxt, stride + o, Activate(b, root, last, slope));
            St(nxt, 2 * stride + o, Activate(c, root, last, slope));
            St(nxt, 3 * stride + o, Activate(d, root, last, slope));
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        static V Activate(V sum, V root, bool last, V slope)
        {
            var z = O.Div(sum, root);
            return last ? z : O.Max(z, O.Mul(z, slope));
        }
    }
}
