using NUnit.Framework;
using NeuralSpin.Data;
using NeuralSpin.Tests.IO;

namespace NeuralSpin.Tests.Data;

public class IdxTests : TempDirFixture
{
    [TestCase(false)]
    [TestCase(true)]
    public void Reads_images_raw_and_gzip(bool gzip)
    {
        string p = IdxBytes.Write(Dir, "imgs", IdxBytes.Ubyte(3, 28, 28), gzip);
        var a = Idx.Read(p, expectedRank: 3);
        Assert.That(a.Dimensions, Is.EqualTo(new[] { 3, 28, 28 }));
        Assert.That(a.Rank, Is.EqualTo(3));
        Assert.That(a.Path, Is.EqualTo(p));
        Assert.That(a.Data, Is.EqualTo(IdxBytes.Pattern(3 * 784)));
    }

    [TestCase(false)]
    [TestCase(true)]
    public void Reads_labels_raw_and_gzip(bool gzip)
    {
        string p = IdxBytes.Write(Dir, "labels", IdxBytes.Labels(25), gzip);
        var a = Idx.Read(p, expectedRank: 1);
        Assert.That(a.Dimensions, Is.EqualTo(new[] { 25 }));
        Assert.That(a.Data[..12], Is.EqualTo(new byte[] { 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1 }));
    }

    [Test]
    public void Magic_numbers_are_the_MNIST_ones()
    {
        var images = IdxBytes.Ubyte(1, 28, 28);
        var labels = IdxBytes.Labels(1);
        Assert.That(System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(images), Is.EqualTo(Idx.ImagesMagic));
        Assert.That(System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(labels), Is.EqualTo(Idx.LabelsMagic));
    }

    [Test]
    public void Zero_items_is_a_valid_empty_array()
    {
        var a = Idx.Read(IdxBytes.Write(Dir, "none", IdxBytes.Ubyte(0, 28, 28), gzip: false));
        Assert.That(a.Dimensions, Is.EqualTo(new[] { 0, 28, 28 }));
        Assert.That(a.Data, Is.Empty);
    }

    [Test]
    public void Large_gzip_file_grows_its_buffer_correctly()
    {
        // More than the 16 MiB initial gzip buffer, to exercise the growth path.
        string p = IdxBytes.Write(Dir, "big", IdxBytes.Ubyte(22000, 28, 28), gzip: true);
        var a = Idx.Read(p);
        Assert.That(a.Data, Is.EqualTo(IdxBytes.Pattern(22000 * 784)));
    }

    [Test]
    public void Missing_file()
    {
        string p = PathOf("absent");
        DataAssert.Throws(p, () => Idx.Read(p), "does not exist");
    }

    [TestCase(false)]
    [TestCase(true)]
    public void Empty_file(bool gzip)
    {
        string p = IdxBytes.Write(Dir, "empty", [], gzip);
        DataAssert.Throws(p, () => Idx.Read(p), "empty");
    }

    [TestCase(false)]
    [TestCase(true)]
    public void Bad_magic(bool gzip)
    {
        var bytes = IdxBytes.Ubyte(2, 3);
        bytes[0] = 0x50; bytes[1] = 0x4B;   // e.g. a zip file
        string p = IdxBytes.Write(Dir, "bad-magic", bytes, gzip);
        DataAssert.Throws(p, () => Idx.Read(p), "IDX magic number", "504B0802", "not an IDX file");
    }

    [TestCase((byte)0x0D, "float32")]
    [TestCase((byte)0x0C, "int32")]
    [TestCase((byte)0x42, "not an IDX type")]
    public void Unsupported_type_code(byte type, string name)
    {
        string p = IdxBytes.Write(Dir, "typed", IdxBytes.Build(type, [2], [1, 2]), gzip: false);
        DataAssert.Throws(p, () => Idx.Read(p), $"type code is 0x{type:X2} ({name})", "only 0x08");
    }

    [TestCase(false)]
    [TestCase(true)]
    public void Truncated_data(bool gzip)
    {
        var bytes = IdxBytes.Ubyte(2, 28, 28);
        string p = IdxBytes.Write(Dir, "short", bytes[..^5], gzip);
        DataAssert.Throws(p, () => Idx.Read(p), "truncated", "2 x 28 x 28", "1568 data bytes", "only 1563");
    }

    [TestCase(false)]
    [TestCase(true)]
    public void Truncated_header(bool gzip)
    {
        var bytes = IdxBytes.Ubyte(2, 28, 28);
        string p = IdxBytes.Write(Dir, "short-header", bytes[..9], gzip);
        DataAssert.Throws(p, () => Idx.Read(p), "ends inside the IDX header");
    }

    [TestCase(false)]
    [TestCase(true)]
    public void Truncated_magic(bool gzip)
    {
        string p = IdxBytes.Write(Dir, "tiny", [0, 0, 8], gzip);
        DataAssert.Throws(p, () => Idx.Read(p), "inside the 4-byte IDX magic number");
    }

    [TestCase(false)]
    [TestCase(true)]
    public void Trailing_bytes(bool gzip)
    {
        var bytes = IdxBytes.Ubyte(4);
        string p = IdxBytes.Write(Dir, "long", [.. bytes, 9, 9, 9], gzip);
        DataAssert.Throws(p, () => Idx.Read(p), "3 unexpected byte(s) follow the 4 data bytes");
    }

    [Test]
    public void Rank_different_from_the_expected_one()
    {
        string p = IdxBytes.Write(Dir, "labels-not-images", IdxBytes.Labels(5), gzip: false);
        DataAssert.Throws(p, () => Idx.Read(p, expectedRank: 3), "1 dimension(s) where 3 were expected");
    }

    [Test]
    public void Header_dimensions_that_do_not_match_the_length()
    {
        // Declares (3, 28, 28) but carries the data of (2, 28, 28).
        var bytes = IdxBytes.Build(0x08, [3, 28, 28], IdxBytes.Pattern(2 * 784));
        string p = IdxBytes.Write(Dir, "dims", bytes, gzip: false);
        DataAssert.Throws(p, () => Idx.Read(p), "3 x 28 x 28", "2352 data bytes", "only 1568");
    }

    [Test]
    public void Negative_dimension()
    {
        string p = IdxBytes.Write(Dir, "neg", IdxBytes.Build(0x08, [-1], []), gzip: false);
        DataAssert.Throws(p, () => Idx.Read(p), "negative");
    }

    [Test]
    public void Huge_dimensions_in_a_tiny_gzip_file_fail_without_allocating_them()
    {
        string p = IdxBytes.Write(Dir, "huge", IdxBytes.Build(0x08, [50000, 50000], [1, 2, 3]), gzip: true);
        DataAssert.Throws(p, () => Idx.Read(p), "too large");
        p = IdxBytes.Write(Dir, "big", IdxBytes.Build(0x08, [2_000_000_000], [1, 2, 3]), gzip: true);
        DataAssert.Throws(p, () => Idx.Read(p), "truncated", "only 3");
    }

    [Test]
    public void Zero_dimensions()
    {
        string p = IdxBytes.Write(Dir, "scalar", [0, 0, 8, 0], gzip: false);
        DataAssert.Throws(p, () => Idx.Read(p), "0 dimensions");
    }

    [Test]
    public void Corrupt_gzip_stream()
    {
        var gz = IdxBytes.Gzip(IdxBytes.Ubyte(1, 28, 28));
        for (int i = 12; i < gz.Length - 8; i++) gz[i] ^= 0x5A;
        string p = PathOf("corrupt.gz");
        File.WriteAllBytes(p, gz);
        var e = Assert.Throws<DataFileException>(() => Idx.Read(p))!;
        Assert.That(e.Path, Is.EqualTo(p));
        Assert.That(e.Message, Does.Not.Contain("\n"));
    }
}
