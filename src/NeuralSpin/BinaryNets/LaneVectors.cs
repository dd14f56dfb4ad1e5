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
    /// tanh, as the rational approximation of Eigen's float tanh (odd degree-13 over even degree-6 polynomial,
    /// arguments clamped to +-7.9053, where tanh rounds to +-1 in float; x itself below |x| = 4e-4): within a few
    /// float ulp of tanh over the whole line (tested against Math.Tanh).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static V Tanh(V a)
    {
        var x = O.Max(O.Min(a, O.Splat(7.90531110763549805f)), O.Splat(-7.90531110763549805f));
        var x2 = O.Mul(x, x);
        var p = O.Fma(x2, O.Splat(-2.76076847742355e-16f), O.Splat(2.00018790482477e-13f));
        p = O.Fma(x2, p, O.Splat(-8.60467152213735e-11f));
        p = O.Fma(x2, p, O.Splat(5.12229709037114e-08f));
        p = O.Fma(x2, p, O.Splat(1.48572235717979e-05f));
        p = O.Fma(x2, p, O.Splat(6.37261928875436e-04f));
        p = O.Fma(x2, p, O.Splat(4.89352455891786e-03f));
        p = O.Mul(x, p);
        var q = O.Fma(x2, O.Splat(1.19825839466702e-06f), O.Splat(1.18534705686654e-04f));
        q = O.Fma(x2, q, O.Splat(2.26843463243900e-03f));
        q = O.Fma(x2, q, O.Splat(4.89352518554385e-03f));
        var t = O.Div(p, q);
        return O.Select(O.GreaterThan(O.Splat(0.0004f), O.Abs(a)), a, t);
    }
}
