using NUnit.Framework;
using NeuralSpin.Numerics;

namespace NeuralSpin.Tests.Numerics;

/// <summary>Philox-4x32 against the known answers published with Random123 (its kat_vectors file).</summary>
public class Philox4x32Tests
{
    // counter c0..c3, key k0 k1, output x0..x3 (Random123 kat_vectors, philox4x32 with 7 and 10 rounds)
    static IEnumerable<TestCaseData> KnownAnswers()
    {
        yield return new TestCaseData(10, new uint[] { 0, 0, 0, 0, 0, 0 }, new uint[] { 0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8 }).SetArgDisplayNames("10 rounds, zeros");
        yield return new TestCaseData(10, Enumerable.Repeat(0xffffffffu, 6).ToArray(), new uint[] { 0x408f276d, 0x41c83b0e, 0xa20bc7c6, 0x6d5451fd }).SetArgDisplayNames("10 rounds, ones");
        yield return new TestCaseData(10, new uint[] { 0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344, 0xa4093822, 0x299f31d0 },
            new uint[] { 0xd16cfe09, 0x94fdcceb, 0x5001e420, 0x24126ea1 }).SetArgDisplayNames("10 rounds, pi");
        yield return new TestCaseData(7, new uint[] { 0, 0, 0, 0, 0, 0 }, new uint[] { 0x5f6fb709, 0x0d893f64, 0x4f121f81, 0x4f730a48 }).SetArgDisplayNames("7 rounds, zeros");
        yield return new TestCaseData(7, Enumerable.Repeat(0xffffffffu, 6).ToArray(), new uint[] { 0x5207ddc2, 0x45165e59, 0x4d8ee751, 0x8c52f662 }).SetArgDisplayNames("7 rounds, ones");
        yield return new TestCaseData(7, new uint[] { 0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344, 0xa4093822, 0x299f31d0 },
            new uint[] { 0x4dfccaba, 0x190a87f0, 0xc47362ba, 0xb6b5242a }).SetArgDisplayNames("7 rounds, pi");
    }

    [TestCaseSource(nameof(KnownAnswers))]
    public void Block_GivesThePublishedAnswers(int rounds, uint[] input, uint[] expected)
    {
        var x = Philox4x32.Block(input[0], input[1], input[2], input[3], input[4], input[5], rounds);
        Assert.That(new[] { x.X0, x.X1, x.X2, x.X3 }, Is.EqualTo(expected));
        if (rounds == Philox4x32.Rounds)
        {
            var d = Philox4x32.Block(input[0], input[1], input[2], input[3], input[4], input[5]);
            Assert.That(new[] { d.X0, d.X1, d.X2, d.X3 }, Is.EqualTo(expected), "the default is 10 rounds");
        }
    }
}
