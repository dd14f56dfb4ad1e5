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
            var cur = new float[maxWidth * W];
            var nxt = new float[maxWidth * W];
            var zero = O.Splat(0f);
            var one = O.Splat(1f);
            var slope = O.Splat((float)LrNet.LeakySlope);
            V correct = zero;
            for (int t = 0; t < testY.Length; t++)
            {
                int xb = t * d;
                for (int l = 0; l < layers; l++)
                {
                    int nin = widths[l], nout = widths[l + 1];
                    float[] wl = w[l];
                    bool last = l + 1 == layers;
                    int o = 0;
                    for (; o + 4 <= nout; o += 4)
                    {
                        V g0 = zero, g1 = zero, g2 = zero, g3 = zero;
                        int r0 = o * nin, r1 = r0 + nin, r2 = r1 + nin, r3 = r2 + nin;
                        for (int i = 0; i < nin; i++)
                        {
                            var ai = l == 0 ? O.Splat(testX[xb + i]) : Ld(cur, i);
                            g0 = O.Fma(Ld(wl, r0 + i), ai, g0);
                            g1 = O.Fma(Ld(wl, r1 + i), ai, g1);
                            g2 = O.Fma(Ld(wl, r2 + i), ai, g2);
                            g3 = O.Fma(Ld(wl, r3 + i), ai, g3);
                        }
                        St(nxt, o, Activate(g0, roots[l], last, slope));
                        St(nxt, o + 1, Activate(g1, roots[l], last, slope));
                        St(nxt, o + 2, Activate(g2, roots[l], last, slope));
                        St(nxt, o + 3, Activate(g3, roots[l], last, slope));
                    }
                    for (; o < nout; o++)
                    {
                        V g = zero;
                        int row = o * nin;
                        for (int i = 0; i < nin; i++)
                            g = O.Fma(Ld(wl, row + i), l == 0 ? O.Splat(testX[xb + i]) : Ld(cur, i), g);
                        St(nxt, o, Activate(g, roots[l], last, slope));
                    }
                    (cur, nxt) = (nxt, cur);
                }
                correct = O.Add(correct, LaneMath<V, O>.ArgmaxIs(cur, classes, testY[t]));
            }
            var lanes = new float[W];
            O.Store(correct, ref lanes[0]);
            return lanes.Take(nets.Length).Select(x => (int)x).ToArray();
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        static V Activate(V sum, V root, bool last, V slope)
        {
            var z = O.Div(sum, root);
            return last ? z : O.Max(z, O.Mul(z, slope));
        }
    }
}
