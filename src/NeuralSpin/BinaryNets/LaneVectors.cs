using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace NeuralSpin.BinaryNets;

/// <summary>
/// The lane-wise float32 operations of <see cref="LrNetLaneTrainer"/>: one SIMD vector holds one value of each of
/// <see cref="Width"/> independent networks (lane j = network j of a group). Every operation acts lane by lane, so the
/// value in a lane never depends on another lane's contents.
/// </summary>
internal interface ILaneVector<V> where V : struct
{
    /// <summary>Lanes per vector.</summary>
    static abstract int Width { get; }
    static abstract V Load(ref float p);
    static abstract void Store(V v, ref float p);
    static abstract V Splat(float x);
    static abstract V Add(V a, V b);
    static abstract V Sub(V a, V b);
    static abstract V Mul(V a, V b);
    static abstract V Div(V a, V b);
    /// <summary>a b + c with one rounding.</summary>
    static abstract V Fma(V a, V b, V c);
    static abstract V Max(V a, V b);
    static abstract V Min(V a, V b);
    static abstract V Sqrt(V a);
    static abstract V Exp(V a);
    static abstract V Log(V a);
    static abstract V Abs(V a);
    /// <summary>All-ones lanes where a &gt; b.</summary>
    static abstract V GreaterThan(V a, V b);
    /// <summary>All-ones lanes where a == b.</summary>
    static abstract V Equal(V a, V b);
    /// <summary>mask ? a : b, lane by lane.</summary>
    static abstract V Select(V mask, V a, V b);
}

/// <summary>16 lanes (AVX-512).</summary>
internal readonly struct Lanes512 : ILaneVector<Vector512<float>>
{
    public static int Width => Vector512<float>.Count;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<float> Load(ref float p) => Vector512.LoadUnsafe(ref p);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static void Store(Vector512<float> v, ref float p) => v.StoreUnsafe(ref p);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<float> Splat(float x) => Vector512.Create(x);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<float> Add(Vector512<float> a, Vector512<float> b) => a + b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<float> Sub(Vector512<float> a, Vector512<float> b) => a - b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<float> Mul(Vector512<float> a, Vector512<float> b) => a * b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<float> Div(Vector512<float> a, Vector512<float> b) => a / b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<float> Fma(Vector512<float> a, Vector512<float> b, Vector512<float> c) => Vector512.FusedMultiplyAdd(a, b, c);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<float> Max(Vector512<float> a, Vector512<float> b) => Vector512.Max(a, b);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<float> Min(Vector512<float> a, Vector512<float> b) => Vector512.Min(a, b);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<float> Sqrt(Vector512<float> a) => Vector512.Sqrt(a);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<float> Exp(Vector512<float> a) => Vector512.Exp(a);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<float> Log(Vector512<float> a) => Vector512.Log(a);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<float> Abs(Vector512<float> a) => Vector512.Abs(a);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<float> GreaterThan(Vector512<float> a, Vector512<float> b) => Vector512.GreaterThan(a, b);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<float> Equal(Vector512<float> a, Vector512<float> b) => Vector512.Equals(a, b);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<float> Select(Vector512<float> mask, Vector512<float> a, Vector512<float> b) => Vector512.ConditionalSelect(mask, a, b);
}

/// <summary>8 lanes (AVX2), the fallback where 512-bit vectors are not accelerated.</summary>
internal readonly struct Lanes256 : ILaneVector<Vector256<float>>
{
    public static int Width => Vector256<float>.Count;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<float> Load(ref float p) => Vector256.LoadUnsafe(ref p);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static void Store(Vector256<float> v, ref float p) => v.StoreUnsafe(ref p);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<float> Splat(float x) => Vector256.Create(x);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<float> Add(Vector256<float> a, Vector256<float> b) => a + b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<float> Sub(Vector256<float> a, Vector256<float> b) => a - b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<float> Mul(Vector256<float> a, Vector256<float> b) => a * b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<float> Div(Vector256<float> a, Vector256<float> b) => a / b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<float> Fma(Vector256<float> a, Vector256<float> b, Vector256<float> c) => Vector256.FusedMultiplyAdd(a, b, c);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<float> Max(Vector256<float> a, Vector256<float> b) => Vector256.Max(a, b);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<float> Min(Vector256<float> a, Vector256<float> b) => Vector256.Min(a, b);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<float> Sqrt(Vector256<float> a) => Vector256.Sqrt(a);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<float> Exp(Vector256<float> a) => Vector256.Exp(a);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<float> Log(Vector256<float> a) => Vector256.Log(a);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<float> Abs(Vector256<float> a) => Vector256.Abs(a);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<float> GreaterThan(Vector256<float> a, Vector256<float> b) => Vector256.GreaterThan(a, b);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<float> Equal(Vector256<float> a, Vector256<float> b) => Vector256.Equals(a, b);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<float> Select(Vector256<float> mask, Vector256<float> a, Vector256<float> b) => Vector256.ConditionalSelect(mask, a, b);
}

/// <summary>Lane-wise functions built from the operations of <see cref="ILaneVector{V}"/>.</summary>
internal static class LaneMath<V, O> where V : struct where O : struct, ILaneVector<V>
{
    /// <summary>
    /// Per lane, 1 where the class <paramref name="label"/> is the argmax of the <paramref name="classes"/> outputs stored
    /// vector after vector in <paramref name="outputs"/> (the first of equal maxima, as torch.argmax), else 0.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static V ArgmaxIs(float[] outputs, int classes, int label)
    {
        int w = O.Width;
        var best = O.Load(ref outputs[0]);
        var arg = O.Splat(0f);
        for (int c = 1; c < classes; c++)
        {
            var z = O.Load(ref outputs[c * w]);
            var gt = O.GreaterThan(z, best);
            best = O.Select(gt, z, best);
            arg = O.Select(gt, O.Splat(c), arg);
        }
        return O.Select(O.Equal(arg, O.Splat(label)), O.Splat(1f), O.Splat(0f));
    }

    /// <summary>Where <see cref="Tanh"/> switches from the series to the exponential form.</summary>
    const float TanhSeriesLimit = 0.55f;

    /// <summary>
    /// tanh, lane by lane, to a few float ulp over the whole line. For |x| &lt; 0.55 the odd Taylor series
    /// tanh x = sum_n 2^2n (2^2n - 1) B_2n x^(2n-1) / (2n)! through x^17 (B_2n the Bernoulli numbers; the first omitted term
    /// is below 5e-9 relative there, a tenth of a float ulp); beyond, tanh |x| = (1 - e) / (1 + e) with e = exp(-2|x|) &lt;= 0.33,
    /// free of cancellation since 1 - e &gt;= 0.67, and the sign restored (e underflows to 0 for large |x|: tanh = +-1).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static V Tanh(V a)
    {
        var x2 = O.Mul(a, a);
        var p = O.Splat((float)(6404582.0 / 10854718875.0));
        p = O.Fma(x2, p, O.Splat((float)(-929569.0 / 638512875.0)));
        p = O.Fma(x2, p, O.Splat((float)(21844.0 / 6081075.0)));
        p = O.Fma(x2, p, O.Splat((float)(-1382.0 / 155925.0)));
        p = O.Fma(x2, p, O.Splat((float)(62.0 / 2835.0)));
        p = O.Fma(x2, p, O.Splat((float)(-17.0 / 315.0)));
        p = O.Fma(x2, p, O.Splat((float)(2.0 / 15.0)));
        p = O.Fma(x2, p, O.Splat((float)(-1.0 / 3.0)));
        p = O.Fma(x2, p, O.Splat(1f));
        var series = O.Mul(a, p);
        var ax = O.Abs(a);
        var one = O.Splat(1f);
        var e = O.Exp(O.Mul(O.Splat(-2f), ax));
        var t = O.Div(O.Sub(one, e), O.Add(one, e));
        var signed = O.Select(O.GreaterThan(O.Splat(0f), a), O.Sub(O.Splat(0f), t), t);
        return O.Select(O.GreaterThan(O.Splat(TanhSeriesLimit), ax), series, signed);
    }
}
