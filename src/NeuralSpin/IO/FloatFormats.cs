using System.Buffers.Binary;

namespace NeuralSpin.IO;

/// <summary>
/// Conversions between float64 and the 16-bit formats of weight files: IEEE 754 binary16 (half, F16)
/// and bfloat16 (BF16, the upper 16 bits of an IEEE binary32). Narrowing rounds to nearest, ties to
/// even, directly from the double (no intermediate rounding); NaN stays NaN and overflow gives
/// infinity.
/// </summary>
public static class FloatFormats
{
    /// <summary>The value of binary16 bits: subnormals, signed zeros, infinities and NaN included.</summary>
    public static double HalfBitsToDouble(ushort bits)
    {
        int sign = bits >> 15, exp = (bits >> 10) & 0x1F, frac = bits & 0x3FF;
        double magnitude = exp switch
        {
            0 => Math.ScaleB(frac, -24),                           // subnormal or zero: frac * 2^-24
            0x1F => frac == 0 ? double.PositiveInfinity : double.NaN,
            _ => Math.ScaleB(1024 + frac, exp - 25),               // (1 + frac/1024) * 2^(exp-15)
        };
        return sign == 0 ? magnitude : -magnitude;
    }

    /// <summary>The binary16 bits nearest to <paramref name="value"/> (round to nearest, ties to even).</summary>
    public static ushort DoubleToHalfBits(double value)
    {
        ulong d = BitConverter.DoubleToUInt64Bits(value);
        ushort sign = (ushort)((d >> 48) & 0x8000);
        if (double.IsNaN(value)) return (ushort)(sign | 0x7E00);
        double a = Math.Abs(value);
        if (a >= 65520.0) return (ushort)(sign | 0x7C00); // 65504 + half an ulp (32) rounds to infinity
        // Count the value in units of the target's last place: 2^-24 below 2^-14, else 2^(e-10).
        int e = a == 0 ? -25 : Math.ILogB(a);
        int ulpExp = Math.Max(e, -14) - 10;
        double scaled = Math.ScaleB(a, -ulpExp);                // exact: a power-of-two scaling
        double units = Math.Round(scaled, MidpointRounding.ToEven);
        // units is the significand in ulps; for a normal it is in [1024, 2048], 2048 meaning a carry.
        long u = (long)units;
        if (e < -14) return (ushort)(sign | (int)u);                // subnormal (u == 1024 gives the smallest normal)
        int biased = ulpExp + 10 + 15;
        if (u == 2048) { u = 1024; biased++; }
        if (biased >= 0x1F) return (ushort)(sign | 0x7C00);
        return (ushort)(sign | (biased << 10) | (int)(u - 1024));
    }

    /// <summary>The value of bfloat16 bits (the upper half of a binary32).</summary>
    public static double BFloat16BitsToDouble(ushort bits) => BitConverter.UInt32BitsToSingle((uint)bits << 16);

    /// <summary>The bfloat16 bits nearest to <paramref name="value"/> (round to nearest, ties to even).</summary>
    public static ushort DoubleToBFloat16Bits(double value)
    {
        if (double.IsNaN(value))
            return (ushort)(BitConverter.DoubleToUInt64Bits(value) >> 63 << 15 | 0x7FC0);
        float f = (float)value; // correctly rounded to 24 bits
        uint b = BitConverter.SingleToUInt32Bits(f);
        uint low = b & 0xFFFF;
        uint high = b >> 16;
        if (float.IsInfinity(f)) return (ushort)high;
        if (low == 0x8000 && f != value)
        {
            // The float rounding landed on a bfloat16 tie that the double was not on: go towards the double.
            return (ushort)(Math.Abs(value) > Math.Abs(f) ? high + 1 : high);
        }
        return (ushort)((b + 0x7FFF + (high & 1)) >> 16);
    }

    /// <summary>Bytes per element of a safetensors floating dtype (F64, F32, F16, BF16), or 0 if unsupported.</summary>
    public static int SafeTensorsItemSize(string dtype) => dtype switch
    {
        "F64" => 8,
        "F32" => 4,
        "F16" or "BF16" => 2,
        _ => 0,
    };

    /// <summary>Decodes little-endian elements of a safetensors dtype into <paramref name="dst"/>.</summary>
    internal static void DecodeLittleEndian(string dtype, ReadOnlySpan<byte> src, Span<double> dst)
    {
        switch (dtype)
        {
            case "F64":
                for (int i = 0; i < dst.Length; i++) dst[i] = BinaryPrimitives.ReadDoubleLittleEndian(src[(8 * i)..]);
                break;
            case "F32":
                for (int i = 0; i < dst.Length; i++) dst[i] = BinaryPrimitives.ReadSingleLittleEndian(src[(4 * i)..]);
                break;
            case "F16":
                for (int i = 0; i < dst.Length; i++) dst[i] = HalfBitsToDouble(BinaryPrimitives.ReadUInt16LittleEndian(src[(2 * i)..]));
                break;
            case "BF16":
                for (int i = 0; i < dst.Length; i++) dst[i] = BFloat16BitsToDouble(BinaryPrimitives.ReadUInt16LittleEndian(src[(2 * i)..]));
                break;
            default:
                throw new ArgumentException($"unsupported dtype {dtype}", nameof(dtype));
        }
    }

    /// <summary>Whether every value of a safetensors dtype is a float32 value (F32, F16, BF16), so that it can be held in
    /// float32 exactly.</summary>
    public static bool IsSingleExact(string dtype) => dtype is "F32" or "F16" or "BF16";

    /// <summary>Decodes little-endian elements of F32, F16 or BF16 into float32 (exact: each is a float32 value).</summary>
    internal static void DecodeLittleEndian(string dtype, ReadOnlySpan<byte> src, Span<float> dst)
    {
        switch (dtype)
        {
            case "F32":
                for (int i = 0; i < dst.Length; i++) dst[i] = BinaryPrimitives.ReadSingleLittleEndian(src[(4 * i)..]);
                break;
            case "F16":
                for (int i = 0; i < dst.Length; i++) dst[i] = (float)HalfBitsToDouble(BinaryPrimitives.ReadUInt16LittleEndian(src[(2 * i)..]));
                break;
            case "BF16":
                for (int i = 0; i < dst.Length; i++) dst[i] = BitConverter.UInt32BitsToSingle((uint)BinaryPrimitives.ReadUInt16LittleEndian(src[(2 * i)..]) << 16);
                break;
            default:
                throw new ArgumentException($"dtype {dtype} is not held exactly in float32", nameof(dtype));
        }
    }

    /// <summary>Encodes values as little-endian elements of a safetensors dtype.</summary>
    internal static void EncodeLittleEndian(string dtype, ReadOnlySpan<double> src, Span<byte> dst)
    {
        switch (dtype)
        {
            case "F64":
                for (int i = 0; i < src.Length; i++) BinaryPrimitives.WriteDoubleLittleEndian(dst[(8 * i)..], src[i]);
                break;
            case "F32":
                for (int i = 0; i < src.Length; i++) BinaryPrimitives.WriteSingleLittleEndian(dst[(4 * i)..], (float)src[i]);
                break;
            case "F16":
                for (int i = 0; i < src.Length; i++) BinaryPrimitives.WriteUInt16LittleEndian(dst[(2 * i)..], DoubleToHalfBits(src[i]));
                break;
            case "BF16":
                for (int i = 0; i < src.Length; i++) BinaryPrimitives.WriteUInt16LittleEndian(dst[(2 * i)..], DoubleToBFloat16Bits(src[i]));
                break;
            default:
                throw new ArgumentException($"unsupported dtype {dtype}", nameof(dtype));
        }
    }
}
