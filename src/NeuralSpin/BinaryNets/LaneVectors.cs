using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using NeuralSpin.Numerics;

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
    static abstract V Log(V a);
    static abstract V Abs(V a);
    /// <summary>All-ones lanes where a &gt; b.</summary>
    static abstract V GreaterThan(V a, V b);
    /// <summary>All-ones lanes where a == b.</summary>
    static abstract V Equal(V a, V b);
    /// <summary>mask ? a : b, lane by lane.</summary>
    static abstract V Select(V mask, V a, V b);

    // The operations below read and write the lanes' 32 bits as unsigned integers (the noise generator,
    // LaneMath.Philox and LaneMath.BoxMuller).

    /// <summary>x in every lane's bits.</summary>
    static abstract V SplatBits(uint x);
    static abstract V Xor(V a, V b);
    static abstract V And(V a, V b);
    static abstract V Or(V a, V b);
    /// <summary>a + b modulo 2^32.</summary>
    static abstract V AddBits(V a, V b);
    /// <summary>a - b modulo 2^32.</summary>
    static abstract V SubBits(V a, V b);
    /// <summary>Logical shift right by n bits.</summary>
    static abstract V ShiftRightBits(V a, int n);
    /// <summary>Shift left by n bits.</summary>
    static abstract V ShiftLeftBits(V a, int n);
    /// <summary>The float nearest to the signed 32-bit integer in the bits (exact below 2^24 in magnitude).</summary>
    static abstract V IntToFloat(V a);
    /// <summary>The upper and lower 32 bits of the 64-bit product m a, lane by lane.</summary>
    static abstract void MulHiLo(V a, uint m, out V hi, out V lo);
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
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<float> Log(Vector512<float> a) => Vector512.Log(a);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<float> Abs(Vector512<float> a) => Vector512.Abs(a);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<float> GreaterThan(Vector512<float> a, Vector512<float> b) => Vector512.GreaterThan(a, b);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<float> Equal(Vector512<float> a, Vector512<float> b) => Vector512.Equals(a, b);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<float> Select(Vector512<float> mask, Vector512<float> a, Vector512<float> b) => Vector512.ConditionalSelect(mask, a, b);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<float> SplatBits(uint x) => Vector512.Create(x).AsSingle();
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<float> Xor(Vector512<float> a, Vector512<float> b) => (a.AsUInt32() ^ b.AsUInt32()).AsSingle();
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<float> And(Vector512<float> a, Vector512<float> b) => (a.AsUInt32() & b.AsUInt32()).AsSingle();
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<float> Or(Vector512<float> a, Vector512<float> b) => (a.AsUInt32() | b.AsUInt32()).AsSingle();
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<float> AddBits(Vector512<float> a, Vector512<float> b) => (a.AsUInt32() + b.AsUInt32()).AsSingle();
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<float> SubBits(Vector512<float> a, Vector512<float> b) => (a.AsUInt32() - b.AsUInt32()).AsSingle();
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<float> ShiftRightBits(Vector512<float> a, int n) => Vector512.ShiftRightLogical(a.AsUInt32(), n).AsSingle();
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<float> ShiftLeftBits(Vector512<float> a, int n) => Vector512.ShiftLeft(a.AsUInt32(), n).AsSingle();
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<float> IntToFloat(Vector512<float> a) => Vector512.ConvertToSingle(a.AsInt32());

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void MulHiLo(Vector512<float> a, uint m, out Vector512<float> hi, out Vector512<float> lo)
    {
        var x = a.AsUInt32();
        var mv = Vector512.Create(m);
        if (Avx512F.IsSupported)
        {
            // vpmuludq multiplies the even 32-bit lanes into 64-bit products; the odd lanes after a 32-bit shift
            var even = Avx512F.Multiply(x, mv);
            var odd = Avx512F.Multiply(Vector512.ShiftRightLogical(x.AsUInt64(), 32).AsUInt32(), mv);
            hi = (Vector512.ShiftRightLogical(even, 32) | (odd & Vector512.Create(0xFFFF_FFFF_0000_0000UL))).AsSingle();
            lo = (Vector512.BitwiseAnd(even, Vector512.Create(0xFFFF_FFFFUL)) | Vector512.ShiftLeft(odd, 32)).AsSingle();
            return;
        }
        var (l, u) = Vector512.Widen(x);
        var pl = l * (ulong)m;
        var pu = u * (ulong)m;
        hi = Vector512.Narrow(Vector512.ShiftRightLogical(pl, 32), Vector512.ShiftRightLogical(pu, 32)).AsSingle();
        lo = Vector512.Narrow(pl, pu).AsSingle();
    }
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
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<float> Log(Vector256<float> a) => Vector256.Log(a);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<float> Abs(Vector256<float> a) => Vector256.Abs(a);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<float> GreaterThan(Vector256<float> a, Vector256<float> b) => Vector256.GreaterThan(a, b);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<float> Equal(Vector256<float> a, Vector256<float> b) => Vector256.Equals(a, b);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<float> Select(Vector256<float> mask, Vector256<float> a, Vector256<float> b) => Vector256.ConditionalSelect(mask, a, b);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<float> SplatBits(uint x) => Vector256.Create(x).AsSingle();
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<float> Xor(Vector256<float> a, Vector256<float> b) => (a.AsUInt32() ^ b.AsUInt32()).AsSingle();
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<float> And(Vector256<float> a, Vector256<float> b) => (a.AsUInt32() & b.AsUInt32()).AsSingle();
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<float> Or(Vector256<float> a, Vector256<float> b) => (a.AsUInt32() | b.AsUInt32()).AsSingle();
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<float> AddBits(Vector256<float> a, Vector256<float> b) => (a.AsUInt32() + b.AsUInt32()).AsSingle();
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<float> SubBits(Vector256<float> a, Vector256<float> b) => (a.AsUInt32() - b.AsUInt32()).AsSingle();
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<float> ShiftRightBits(Vector256<float> a, int n) => Vector256.ShiftRightLogical(a.AsUInt32(), n).AsSingle();
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<float> ShiftLeftBits(Vector256<float> a, int n) => Vector256.ShiftLeft(a.AsUInt32(), n).AsSingle();
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<float> IntToFloat(Vector256<float> a) => Vector256.ConvertToSingle(a.AsInt32());

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void MulHiLo(Vector256<float> a, uint m, out Vector256<float> hi, out Vector256<float> lo)
    {
        var x = a.AsUInt32();
        var mv = Vector256.Create(m);
        if (Avx2.IsSupported)
        {
            // vpmuludq multiplies the even 32-bit lanes into 64-bit products; the odd lanes after a 32-bit shift
            var even = Avx2.Multiply(x, mv);
            var odd = Avx2.Multiply(Vector256.ShiftRightLogical(x.AsUInt64(), 32).AsUInt32(), mv);
            hi = (Vector256.ShiftRightLogical(even, 32) | (odd & Vector256.Create(0xFFFF_FFFF_0000_0000UL))).AsSingle();
            lo = (Vector256.BitwiseAnd(even, Vector256.Create(0xFFFF_FFFFUL)) | Vector256.ShiftLeft(odd, 32)).AsSingle();
            return;
        }
        var (l, u) = Vector256.Widen(x);
        var pl = l * (ulong)m;
        var pu = u * (ulong)m;
        hi = Vector256.Narrow(Vector256.ShiftRightLogical(pl, 32), Vector256.ShiftRightLogical(pu, 32)).AsSingle();
        lo = Vector256.Narrow(pl, pu).AsSingle();
    }
}

/// <summary>Lane-wise functions built from the operations of <see cref="ILaneVector{V}"/>.</summary>
internal static class LaneMath<V, O> where V : struct where O : struct, ILaneVector<V>
{
    /// <summary>
    /// Per lane, 1 where the class <paramref name="label"/> is the argmax of the <paramref name="classes"/> outputs stored
    /// vector after vector in <paramref name="outputs"/> from vector <paramref name="first"/> on (the first of equal maxima,
    /// as torch.argmax), else 0.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static V ArgmaxIs(float[] outputs, int classes, int label, int first = 0)
    {
        int w = O.Width;
        var best = O.Load(ref outputs[first * w]);
        var arg = O.Splat(0f);
        for (int c = 1; c < classes; c++)
        {
            var z = O.Load(ref outputs[(first + c) * w]);
            var gt = O.GreaterThan(z, best);
            best = O.Select(gt, z, best);
            arg = O.Select(gt, O.Splat(c), arg);
        }
        return O.Select(O.Equal(arg, O.Splat(label)), O.Splat(1f), O.Splat(0f));
    }

    /// <summary>
    /// e^x, lane by lane, within about an ulp for x &lt;= 88.7 (the arguments of the kernel are &lt;= 0), 0 for x &lt; -87.3 (where
    /// the float result would be subnormal). x = n ln 2 + r with n the nearest integer to x / ln 2 (rounded by adding
    /// 1.5 2^23, which also leaves n in the low bits) and r reduced in two parts (355/512 exactly, then the float nearest
    /// ln 2 - 355/512), |r| &lt;= 0.347; e^r is its Taylor series through r^7 (the first omitted term is 8e-9 relative, an
    /// eighth of a float ulp), scaled by 2^n built in the exponent bits.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static V Exp(V x)
    {
        var magic = O.Splat(12582912f);
        var low = O.GreaterThan(O.Splat(-87.3f), x);
        x = O.Min(O.Max(x, O.Splat(-87.3f)), O.Splat(88.7f));
        var t = O.Fma(x, O.Splat(1.44269504f), magic);
        var n = O.Sub(t, magic);
        var r = O.Fma(n, O.Splat(-0.693359375f), x);
        r = O.Fma(n, O.Splat(2.12194442e-4f), r);
        var p = O.Fma(r, O.Splat(1f / 5040), O.Splat(1f / 720));
        p = O.Fma(r, p, O.Splat(1f / 120));
        p = O.Fma(r, p, O.Splat(1f / 24));
        p = O.Fma(r, p, O.Splat(1f / 6));
        p = O.Fma(r, p, O.Splat(0.5f));
        p = O.Fma(r, p, O.Splat(1f));
        p = O.Fma(r, p, O.Splat(1f));
        var scale = O.ShiftLeftBits(O.AddBits(O.SubBits(t, magic), O.SplatBits(127)), 23);
        return O.Select(low, O.Splat(0f), O.Mul(p, scale));
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
        var e = Exp(O.Mul(O.Splat(-2f), ax));
        var t = O.Div(O.Sub(one, e), O.Add(one, e));
        var signed = O.Select(O.GreaterThan(O.Splat(0f), a), O.Sub(O.Splat(0f), t), t);
        return O.Select(O.GreaterThan(O.Splat(TanhSeriesLimit), ax), series, signed);
    }

    /// <summary>
    /// Philox-4x32-10 lane by lane (<see cref="Philox4x32"/>; docs/theory.md section 7, "The noise stream"): the counter
    /// (c0, c1, c2, c3) is replaced by its output under the key (k0, k1). Each lane has its own counter and key.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Philox(ref V c0, ref V c1, ref V c2, ref V c3, V k0, V k1)
    {
        var w0 = O.SplatBits(Philox4x32.W0);
        var w1 = O.SplatBits(Philox4x32.W1);
        for (int round = 0; round < Philox4x32.Rounds; round++)
        {
            if (round > 0) { k0 = O.AddBits(k0, w0); k1 = O.AddBits(k1, w1); }
            O.MulHiLo(c0, Philox4x32.M0, out var hi0, out var lo0);
            O.MulHiLo(c2, Philox4x32.M1, out var hi1, out var lo1);
            c0 = O.Xor(O.Xor(hi1, c1), k0);
            c2 = O.Xor(O.Xor(hi0, c3), k1);
            c1 = lo1;
            c3 = lo0;
        }
    }

    /// <summary>
    /// ln u for u in (0, 1] (normal floats; the uniforms of <see cref="BoxMuller"/>), within a few float ulp: u = m 2^e with
    /// m in [1/sqrt 2, sqrt 2), ln m = 2 atanh s = 2 (s + s^3/3 + s^5/5 + s^7/7 + s^9/9) with s = (m - 1)/(m + 1),
    /// |s| &lt;= 0.172 (the first omitted term is 2e-9 relative, a thirtieth of a float ulp), and e ln 2 added in two parts
    /// (355/512 exactly times e, then the float nearest ln 2 - 355/512).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static V LnUnit(V u)
    {
        var one = O.Splat(1f);
        var e = O.SubBits(O.ShiftRightBits(u, 23), O.SplatBits(127));
        var m = O.Or(O.And(u, O.SplatBits(0x007F_FFFF)), O.SplatBits(0x3F80_0000)); // the significand, in [1, 2)
        var big = O.GreaterThan(m, O.Splat(1.41421356f));
        m = O.Select(big, O.Mul(m, O.Splat(0.5f)), m);
        var ef = O.Add(O.IntToFloat(e), O.And(big, one));
        var s = O.Div(O.Sub(m, one), O.Add(m, one));
        var s2 = O.Mul(s, s);
        var q = O.Fma(s2, O.Splat(1f / 9), O.Splat(1f / 7));
        q = O.Fma(s2, q, O.Splat(1f / 5));
        q = O.Fma(s2, q, O.Splat(1f / 3));
        var t = O.Add(s, s);
        var lnm = O.Fma(O.Mul(t, s2), q, t);
        return O.Fma(ef, O.Splat(0.693359375f), O.Fma(ef, O.Splat(-2.12194442e-4f), lnm));
    }

    /// <summary>
    /// cos and sin of 2 pi k / 2^24 for the integer k in [0, 2^24) held in the lanes' bits, within a few float ulp. The
    /// reduction is exact: k = n 2^22 + r with n the nearest quarter turn and r in [-2^21, 2^21], so the angle is
    /// n pi/2 + (pi/2) w with w = r / 2^22 in [-1/2, 1/2] (exact in float); sin((pi/2) w) and cos((pi/2) w) are their
    /// Taylor series through w^9 and w^10 (first omitted terms 2.5e-9 and 1.2e-10, below a twentieth of a float ulp),
    /// and the quarter turns swap them and set the signs.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void CosSin2Pi(V k, out V cos, out V sin)
    {
        var n = O.ShiftRightBits(O.AddBits(k, O.SplatBits(1u << 21)), 22); // 0..4
        var w = O.Mul(O.IntToFloat(O.SubBits(k, O.ShiftLeftBits(n, 22))), O.Splat(1f / (1 << 22)));
        var w2 = O.Mul(w, w);
        // (-1)^j (pi/2)^(2j+1) / (2j+1)! and (-1)^j (pi/2)^(2j) / (2j)!
        var sp = O.Fma(w2, O.Splat(1.6044118478735975e-4f), O.Splat(-4.681754135318687e-3f));
        sp = O.Fma(w2, sp, O.Splat(7.969262624616703e-2f));
        sp = O.Fma(w2, sp, O.Splat(-0.6459640975062462f));
        sp = O.Fma(w2, sp, O.Splat(1.5707963267948966f));
        var s = O.Mul(w, sp);
        var cp = O.Fma(w2, O.Splat(-2.5202042373060596e-5f), O.Splat(9.192602748394263e-4f));
        cp = O.Fma(w2, cp, O.Splat(-2.0863480763352957e-2f));
        cp = O.Fma(w2, cp, O.Splat(0.253669507901048f));
        cp = O.Fma(w2, cp, O.Splat(-1.2337005501361697f));
        var c = O.Fma(w2, cp, O.Splat(1f));
        // odd quarter turns swap cos and sin; cos is negative for n mod 4 in {1, 2}, sin for n mod 4 in {2, 3}
        var swap = O.SubBits(O.SplatBits(0), O.And(n, O.SplatBits(1)));
        var two = O.SplatBits(2);
        cos = O.Xor(O.Select(swap, s, c), O.ShiftLeftBits(O.And(O.AddBits(n, O.SplatBits(1)), two), 30));
        sin = O.Xor(O.Select(swap, c, s), O.ShiftLeftBits(O.And(n, two), 30));
    }

    /// <summary>
    /// Two standard normals from two 32-bit words (Box-Muller; docs/theory.md section 7, "The noise stream"):
    /// u = (floor(x0 / 2^8) + 1) / 2^24 in (0, 1], v = floor(x1 / 2^8) / 2^24 in [0, 1), r = sqrt(-2 ln u),
    /// z0 = r cos 2 pi v, z1 = r sin 2 pi v. |z| &lt;= sqrt(48 ln 2) = 5.77.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void BoxMuller(V x0, V x1, out V z0, out V z1)
    {
        var u = O.Mul(O.IntToFloat(O.AddBits(O.ShiftRightBits(x0, 8), O.SplatBits(1))), O.Splat(1f / (1 << 24)));
        var r = O.Sqrt(O.Mul(O.Splat(-2f), LnUnit(u)));
        CosSin2Pi(O.ShiftRightBits(x1, 8), out var c, out var s);
        z0 = O.Mul(r, c);
        z1 = O.Mul(r, s);
    }
}
