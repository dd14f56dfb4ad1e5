using System.Runtime.CompilerServices;
using System.Numerics;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace NeuralSpin;

/// <summary>Small managed dense kernels (SIMD) for matrix-vector products on row-major blocks.</summary>
public static class Blas
{
    /// <summary>y = A x (or (A o A) x when <paramref name="square"/>), A row-major rows x cols; the first cols entries of
    /// <paramref name="x"/> and the first rows entries of <paramref name="y"/> are used.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="a"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="rows"/> or <paramref name="cols"/> is negative.</exception>
    /// <exception cref="ArgumentException"><paramref name="a"/> holds fewer than rows x cols entries, <paramref name="x"/>
    /// fewer than cols or <paramref name="y"/> fewer than rows.</exception>
    public static void Gemv(double[] a, int rows, int cols, ReadOnlySpan<double> x, Span<double> y, bool square)
    {
        ArgumentNullException.ThrowIfNull(a);
        if (rows < 0) throw new ArgumentOutOfRangeException(nameof(rows), rows, "the row count must not be negative");
        if (cols < 0) throw new ArgumentOutOfRangeException(nameof(cols), cols, "the column count must not be negative");
        if (a.LongLength < (long)rows * cols) throw new ArgumentException($"a {rows}x{cols} matrix needs {(long)rows * cols} entries, got {a.LongLength}", nameof(a));
        if (x.Length < cols) throw new ArgumentException($"x needs at least {cols} entries, got {x.Length}", nameof(x));
        if (y.Length < rows) throw new ArgumentException($"y needs at least {rows} entries, got {y.Length}", nameof(y));
        for (int i = 0; i < rows; i++)
            y[i] = square ? DotSquared(a.AsSpan(i * cols, cols), x) : Dot(a.AsSpan(i * cols, cols), x);
    }

    /// <summary>sum_i a_i b_i, or sum_i a_i^2 b_i when <paramref name="square"/>, over the length of <paramref name="a"/>.</summary>
    /// <exception cref="ArgumentException"><paramref name="b"/> is shorter than <paramref name="a"/>.</exception>
    public static double Dot(ReadOnlySpan<double> a, ReadOnlySpan<double> b, bool square) => square ? DotSquared(a, b) : Dot(a, b);

    /// <summary>sum_i a_i b_i (SIMD) over the length of <paramref name="a"/>.</summary>
    /// <exception cref="ArgumentException"><paramref name="b"/> is shorter than <paramref name="a"/>.</exception>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static double Dot(ReadOnlySpan<double> a, ReadOnlySpan<double> b)
    {
        CheckDot(a, b);
        int n = a.Length, i = 0;
        var acc = Vector<double>.Zero;
        var acc2 = Vector<double>.Zero;
        int w = Vector<double>.Count;
        var va = MemoryMarshal.Cast<double, Vector<double>>(a);
        var vb = MemoryMarshal.Cast<double, Vector<double>>(b[..a.Length]);
        int k = 0;
        for (; k + 1 < va.Length; k += 2)
        {
            acc += va[k] * vb[k];
            acc2 += va[k + 1] * vb[k + 1];
        }
        for (; k < va.Length; k++) acc += va[k] * vb[k];
        i = va.Length * w;
        double s = Vector.Sum(acc + acc2);
        for (; i < n; i++) s += a[i] * b[i];
        return s;
    }

    /// <summary>
    /// Returns sum_i a_i b_i and adds alpha a to y in the same pass over <paramref name="a"/> (SIMD): the dot product with
    /// one vector and the update of another by the same row, as in a product with a block and its transpose.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="b"/> or <paramref name="y"/> is shorter than <paramref name="a"/>.</exception>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static double DotAxpy(ReadOnlySpan<double> a, ReadOnlySpan<double> b, double alpha, Span<double> y)
    {
        CheckDot(a, b);
        if (y.Length < a.Length) throw new ArgumentException($"y has {y.Length} entries, fewer than the {a.Length} of a", nameof(y));
        int n = a.Length;
        var va = MemoryMarshal.Cast<double, Vector<double>>(a);
        var vb = MemoryMarshal.Cast<double, Vector<double>>(b[..n]);
        var vy = MemoryMarshal.Cast<double, Vector<double>>(y[..n]);
        var acc = Vector<double>.Zero;
        var valpha = new Vector<double>(alpha);
        for (int k = 0; k < va.Length; k++)
        {
            var ak = va[k];
            acc += ak * vb[k];
            vy[k] += valpha * ak;
        }
        double s = Vector.Sum(acc);
        for (int i = va.Length * Vector<double>.Count; i < n; i++)
        {
            s += a[i] * b[i];
            y[i] += alpha * a[i];
        }
        return s;
    }

    // Kernels on float32 rows (blocks stored in float32, BondMatrix): each float64 vector k of the float64 kernel above is
    // made from floats k w .. (k + 1) w - 1 widened exactly (WidenedAt), and everything after that is the float64 kernel,
    // vector for vector in the same order, so a row of float32 values gives bit for bit the result of the same values
    // stored in float64 (docs/theory.md section 4, "Storage"). The widening is one conversion instruction per vector; an
    // earlier form (Vector.Widen of whole float vectors, with a separate path for an odd last vector) ran 2.3-6.6 times
    // slower than the float64 kernels (REPRODUCE.md, speed section), these as fast as them.

    /// <summary>
    /// sum_i a_i b_i with a row of float32 weights, accumulated in float64: bit for bit
    /// <see cref="Dot(ReadOnlySpan{double}, ReadOnlySpan{double})"/> of the same values in float64.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="b"/> is shorter than <paramref name="a"/>.</exception>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static double Dot(ReadOnlySpan<float> a, ReadOnlySpan<double> b)
    {
        if (b.Length < a.Length) throw new ArgumentException($"b has {b.Length} entries, fewer than the {a.Length} of a", nameof(b));
        int n = a.Length;
        var vb = MemoryMarshal.Cast<double, Vector<double>>(b[..n]);
        ref float a0 = ref MemoryMarshal.GetReference(a);
        var acc = Vector<double>.Zero;
        var acc2 = Vector<double>.Zero;
        int k = 0;
        for (; k + 1 < vb.Length; k += 2)
        {
            acc += WidenedAt(ref a0, k) * vb[k];
            acc2 += WidenedAt(ref a0, k + 1) * vb[k + 1];
        }
        for (; k < vb.Length; k++) acc += WidenedAt(ref a0, k) * vb[k];
        double s = Vector.Sum(acc + acc2);
        for (int i = vb.Length * Vector<double>.Count; i < n; i++) s += a[i] * b[i];
        return s;
    }

    /// <summary>sum_i a_i^2 b_i (float32 a, float64 b), or sum_i a_i b_i; bit for bit the float64 kernel of the same values.</summary>
    /// <exception cref="ArgumentException"><paramref name="b"/> is shorter than <paramref name="a"/>.</exception>
    public static double Dot(ReadOnlySpan<float> a, ReadOnlySpan<double> b, bool square) => square ? DotSquared(a, b) : Dot(a, b);

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    static double DotSquared(ReadOnlySpan<float> a, ReadOnlySpan<double> b)
    {
        if (b.Length < a.Length) throw new ArgumentException($"b has {b.Length} entries, fewer than the {a.Length} of a", nameof(b));
        int n = a.Length;
        var vb = MemoryMarshal.Cast<double, Vector<double>>(b[..n]);
        ref float a0 = ref MemoryMarshal.GetReference(a);
        var acc = Vector<double>.Zero;
        for (int k = 0; k < vb.Length; k++)
        {
            var v = WidenedAt(ref a0, k);
            acc += v * v * vb[k];
        }
        double s = Vector.Sum(acc);
        for (int i = vb.Length * Vector<double>.Count; i < n; i++) s += (double)a[i] * a[i] * b[i];
        return s;
    }

    /// <summary>
    /// Returns sum_i a_i b_i and adds alpha a to y in the same pass, with a row of float32 weights (products and sums in
    /// float64): bit for bit <see cref="DotAxpy(ReadOnlySpan{double}, ReadOnlySpan{double}, double, Span{double})"/> of the
    /// same values in float64, reading half the bytes.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="b"/> or <paramref name="y"/> is shorter than <paramref name="a"/>.</exception>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static double DotAxpy(ReadOnlySpan<float> a, ReadOnlySpan<double> b, double alpha, Span<double> y)
    {
        if (b.Length < a.Length) throw new ArgumentException($"b has {b.Length} entries, fewer than the {a.Length} of a", nameof(b));
        if (y.Length < a.Length) throw new ArgumentException($"y has {y.Length} entries, fewer than the {a.Length} of a", nameof(y));
        int n = a.Length;
        var vb = MemoryMarshal.Cast<double, Vector<double>>(b[..n]);
        var vy = MemoryMarshal.Cast<double, Vector<double>>(y[..n]);
        ref float a0 = ref MemoryMarshal.GetReference(a);
        var acc = Vector<double>.Zero;
        var valpha = new Vector<double>(alpha);
        for (int k = 0; k < vb.Length; k++)
        {
            var ak = WidenedAt(ref a0, k);
            acc += ak * vb[k];
            vy[k] += valpha * ak;
        }
        double s = Vector.Sum(acc);
        for (int i = vb.Length * Vector<double>.Count; i < n; i++)
        {
            s += a[i] * b[i];
            y[i] += alpha * a[i];
        }
        return s;
    }

    /// <summary>The float64 vector of the floats a[k w .. (k + 1) w), w = Vector&lt;double&gt;.Count, widened exactly; the
    /// caller guarantees that they exist (k &lt; the float64 vector count of a span at least as long as a).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static Vector<double> WidenedAt(ref float a0, int k)
    {
        if (Vector<double>.Count == 4) return Vector256.WidenLower(Vector128.LoadUnsafe(ref a0, (nuint)(4 * k)).ToVector256Unsafe()).AsVector();
        if (Vector<double>.Count == 8) return Vector512.WidenLower(Vector256.LoadUnsafe(ref a0, (nuint)(8 * k)).ToVector512Unsafe()).AsVector();
        if (Vector<double>.Count == 2) return Vector128.WidenLower(Vector64.LoadUnsafe(ref a0, (nuint)(2 * k)).ToVector128Unsafe()).AsVector();
        Span<double> t = stackalloc double[Vector<double>.Count];
        for (int i = 0; i < t.Length; i++) t[i] = Unsafe.Add(ref a0, k * t.Length + i);
        return new Vector<double>(t);
    }

    static void CheckDot(ReadOnlySpan<double> a, ReadOnlySpan<double> b)
    {
        if (b.Length < a.Length) throw new ArgumentException($"b has {b.Length} entries, fewer than the {a.Length} of a", nameof(b));
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    static double DotSquared(ReadOnlySpan<double> a, ReadOnlySpan<double> b)
    {
        CheckDot(a, b);
        int n = a.Length, i = 0;
        var acc = Vector<double>.Zero;
        var va = MemoryMarshal.Cast<double, Vector<double>>(a);
        var vb = MemoryMarshal.Cast<double, Vector<double>>(b[..a.Length]);
        for (int k = 0; k < va.Length; k++) acc += va[k] * va[k] * vb[k];
        i = va.Length * Vector<double>.Count;
        double s = Vector.Sum(acc);
        for (; i < n; i++) s += a[i] * a[i] * b[i];
        return s;
    }

    /// <summary>y += alpha x over the length of <paramref name="x"/>.</summary>
    /// <exception cref="ArgumentException"><paramref name="y"/> is shorter than <paramref name="x"/>.</exception>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Axpy(double alpha, ReadOnlySpan<double> x, Span<double> y)
    {
        if (y.Length < x.Length) throw new ArgumentException($"y has {y.Length} entries, fewer than the {x.Length} of x", nameof(y));
        var vx = MemoryMarshal.Cast<double, Vector<double>>(x);
        var vy = MemoryMarshal.Cast<double, Vector<double>>(y[..x.Length]);
        var va = new Vector<double>(alpha);
        for (int k = 0; k < vx.Length; k++) vy[k] += va * vx[k];
        for (int i = vx.Length * Vector<double>.Count; i < x.Length; i++) y[i] += alpha * x[i];
    }


    public static double Norm(ReadOnlySpan<double> x) => Math.Sqrt(Dot(x, x));

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Scale(double alpha, Span<double> x)
    {
        for (int i = 0; i < x.Length; i++) x[i] *= alpha;
    }
}

/// <summary>Standard normal deviates from a caller-supplied generator (Box-Muller, one value per call).</summary>
public static class Gaussian
{
    /// <summary>One N(0,1) draw from <paramref name="rng"/> (two uniforms consumed).</summary>
    /// <exception cref="ArgumentNullException"><paramref name="rng"/> is null.</exception>
    public static double Sample(Random rng)
    {
        ArgumentNullException.ThrowIfNull(rng);
        double u1 = 1.0 - rng.NextDouble(), u2 = rng.NextDouble();
        return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
    }
}
