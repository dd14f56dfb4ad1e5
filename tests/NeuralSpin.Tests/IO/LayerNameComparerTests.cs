using NUnit.Framework;
using NeuralSpin.IO;

namespace NeuralSpin.Tests.IO;

public class LayerNameComparerTests
{
    static string[] Sorted(params string[] names) => names.Order(LayerNameComparer.Instance).ToArray();

    [Test]
    public void Digit_runs_compare_as_numbers()
    {
        Assert.That(Sorted("net.10.weight", "net.2.weight", "net.0.weight", "net.1.weight"),
            Is.EqualTo(new[] { "net.0.weight", "net.1.weight", "net.2.weight", "net.10.weight" }));
    }

    [Test]
    public void Every_digit_run_counts_not_only_the_first()
    {
        Assert.That(Sorted("block1.fc10", "block1.fc9", "block10.fc1", "block2.fc1"),
            Is.EqualTo(new[] { "block1.fc9", "block1.fc10", "block2.fc1", "block10.fc1" }));
    }

    [Test]
    public void Non_digit_runs_compare_ordinally_and_prefixes_come_first()
    {
        Assert.That(Sorted("fc2", "fc", "encoder.0", "decoder.0"), Is.EqualTo(new[] { "decoder.0", "encoder.0", "fc", "fc2" }));
    }

    [Test]
    public void Numbers_too_long_for_a_long_and_leading_zeros_still_give_a_total_order()
    {
        Assert.That(Sorted("w99999999999999999999999", "w100000000000000000000000", "w5"),
            Is.EqualTo(new[] { "w5", "w99999999999999999999999", "w100000000000000000000000" }));
        var c = LayerNameComparer.Instance;
        Assert.That(c.Compare("l01", "l1"), Is.Not.Zero);
        Assert.That(Math.Sign(c.Compare("l01", "l1")), Is.EqualTo(-Math.Sign(c.Compare("l1", "l01"))));
        Assert.That(c.Compare("l001", "l2"), Is.Negative);
    }
}
