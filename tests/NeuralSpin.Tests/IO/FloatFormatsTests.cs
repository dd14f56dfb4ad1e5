using NUnit.Framework;
using NeuralSpin.IO;

namespace NeuralSpin.Tests.IO;

public class FloatFormatsTests
{
    [TestCase((ushort)0x3C00, 1.0)]
    [TestCase((ushort)0xC000, -2.0)]
    [TestCase((ushort)0x0000, 0.0)]
    [TestCase((ushort)0x3555, 0.333251953125)]
    [TestCase((ushort)0x7BFF, 65504.0)]
    [TestCase((ushort)0x0400, 6.103515625e-05)]          // smallest normal 2^-14
    [TestCase((ushort)0x0001, 5.9604644775390625e-08)]   // smallest subnormal 2^-24
    [TestCase((ushort)0x03FF, 6.097555160522461e-05)]    // largest subnormal 1023 * 2^-24
    [TestCase((ushort)0x8001, -5.9604644775390625e-08)]
    public void Half_bits_decode_to_their_IEEE_binary16_values(ushort bits, double expected)
    {
        Assert.That(FloatFormats.HalfBitsToDouble(bits), Is.EqualTo(expected));
        Assert.That(FloatFormats.DoubleToHalfBits(expected), Is.EqualTo(bits));
    }

    [Test]
    public void Half_infinities_NaN_and_negative_zero_decode_exactly()
    {
        Assert.That(FloatFormats.HalfBitsToDouble(0x7C00), Is.EqualTo(double.PositiveInfinity));
        Assert.That(FloatFormats.HalfBitsToDouble(0xFC00), Is.EqualTo(double.NegativeInfinity));
        Assert.That(double.IsNaN(FloatFormats.HalfBitsToDouble(0x7E00)), Is.True);
        Assert.That(double.IsNaN(FloatFormats.HalfBitsToDouble(0x7C01)), Is.True);
        Assert.That(double.IsNegative(FloatFormats.HalfBitsToDouble(0x8000)), Is.True);
    }

    [Test]
    public void Every_half_bit_pattern_agrees_with_System_Half_and_round_trips()
    {
        for (int b = 0; b <= 0xFFFF; b++)
        {
            double v = FloatFormats.HalfBitsToDouble((ushort)b);
            double reference = (double)BitConverter.UInt16BitsToHalf((ushort)b);
            if (double.IsNaN(reference)) { Assert.That(double.IsNaN(v), Is.True); continue; }
            Assert.That(BitConverter.DoubleToInt64Bits(v), Is.EqualTo(BitConverter.DoubleToInt64Bits(reference)), $"bits 0x{b:X4}");
            Assert.That(FloatFormats.DoubleToHalfBits(v), Is.EqualTo((ushort)b), $"bits 0x{b:X4}");
        }
    }

    [Test]
    public void Narrowing_to_half_rounds_to_nearest_even_from_the_double_without_double_rounding()
    {
        Assert.That(FloatFormats.DoubleToHalfBits(1 + Math.ScaleB(1, -11)), Is.EqualTo((ushort)0x3C00), "tie goes to even");
        Assert.That(FloatFormats.DoubleToHalfBits(1 + 3 * Math.ScaleB(1, -11)), Is.EqualTo((ushort)0x3C02), "tie goes to even");
        // just above a tie; via float32 this would collapse onto the tie and round down
        Assert.That(FloatFormats.DoubleToHalfBits(1 + Math.ScaleB(1, -11) + Math.ScaleB(1, -40)), Is.EqualTo((ushort)0x3C01));
        Assert.That(FloatFormats.DoubleToHalfBits(Math.ScaleB(1, -25)), Is.EqualTo((ushort)0x0000), "half the smallest subnormal ties to zero");
        Assert.That(FloatFormats.DoubleToHalfBits(Math.ScaleB(1.5, -25)), Is.EqualTo((ushort)0x0001));
        Assert.That(FloatFormats.DoubleToHalfBits(65519.99), Is.EqualTo((ushort)0x7BFF));
        Assert.That(FloatFormats.DoubleToHalfBits(65520), Is.EqualTo((ushort)0x7C00), "overflow gives infinity");
        Assert.That(FloatFormats.DoubleToHalfBits(-1e10), Is.EqualTo((ushort)0xFC00));
        Assert.That(FloatFormats.DoubleToHalfBits(double.NaN) & 0x7C00, Is.EqualTo(0x7C00));
        Assert.That(FloatFormats.DoubleToHalfBits(double.NaN) & 0x03FF, Is.Not.Zero);
    }

    [TestCase((ushort)0x3F80, 1.0)]
    [TestCase((ushort)0xC000, -2.0)]
    [TestCase((ushort)0x4049, 3.140625)]
    [TestCase((ushort)0x0001, 9.183549615799121e-41)] // smallest subnormal 2^-133
    [TestCase((ushort)0x7F7F, 3.3895313892515355e+38)]
    public void BFloat16_bits_are_the_upper_half_of_a_float32(ushort bits, double expected)
    {
        Assert.That(FloatFormats.BFloat16BitsToDouble(bits), Is.EqualTo(expected));
        Assert.That(FloatFormats.DoubleToBFloat16Bits(expected), Is.EqualTo(bits));
    }

    [Test]
    public void Narrowing_to_bfloat16_rounds_to_nearest_even_and_keeps_infinities_and_NaN()
    {
        Assert.That(FloatFormats.BFloat16BitsToDouble(0x7F80), Is.EqualTo(double.PositiveInfinity));
        Assert.That(double.IsNaN(FloatFormats.BFloat16BitsToDouble(0x7FC0)), Is.True);
        Assert.That(FloatFormats.DoubleToBFloat16Bits(1 + Math.ScaleB(1, -8)), Is.EqualTo((ushort)0x3F80), "tie goes to even");
        Assert.That(FloatFormats.DoubleToBFloat16Bits(1 + 3 * Math.ScaleB(1, -8)), Is.EqualTo((ushort)0x3F82), "tie goes to even");
        Assert.That(FloatFormats.DoubleToBFloat16Bits(1 + Math.ScaleB(1, -8) + Math.ScaleB(1, -40)), Is.EqualTo((ushort)0x3F81), "no double rounding");
        Assert.That(FloatFormats.DoubleToBFloat16Bits(1e39), Is.EqualTo((ushort)0x7F80));
        Assert.That(FloatFormats.DoubleToBFloat16Bits(double.NegativeInfinity), Is.EqualTo((ushort)0xFF80));
        ushort nan = FloatFormats.DoubleToBFloat16Bits(double.NaN);
        Assert.That(double.IsNaN(FloatFormats.BFloat16BitsToDouble(nan)), Is.True);
    }
}
