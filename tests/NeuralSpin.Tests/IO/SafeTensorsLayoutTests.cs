using NeuralSpin.IO;
using NUnit.Framework;

namespace NeuralSpin.Tests.IO;

/// <summary>
/// The data layout the safetensors format prescribes: the tensors' byte ranges, sorted by offset (the header's
/// order is free), are contiguous from 0 and cover the data buffer exactly. Overlaps, gaps and trailing bytes
/// are refused with the file and the tensors named (they were accepted before).
/// </summary>
[TestFixture]
public sealed class SafeTensorsLayoutTests : TempDirFixture
{
    static readonly byte[] Four = RawFiles.LittleF64(1, 2, 3, 4);

    static string Entry(string name, int count, long begin, long end) =>
        $"\"{name}\": {{\"dtype\": \"F64\", \"shape\": [{count}], \"data_offsets\": [{begin}, {end}]}}";

    string File_(string name, string header, byte[] buffer) => WriteBytes(name, RawFiles.SafeTensors("{" + header + "}", buffer));

    [Test]
    public void HeaderOrderIsFree()
    {
        string p = File_("rev.safetensors", Entry("b", 2, 16, 32) + ", " + Entry("a", 2, 0, 16), Four);
        var (t, _) = SafeTensors.Read(p);
        Assert.That(t.Select(x => x.Name), Is.EqualTo(new[] { "b", "a" }));
        Assert.That(t[0].Data, Is.EqualTo(new double[] { 3, 4 }));
        Assert.That(t[1].Data, Is.EqualTo(new double[] { 1, 2 }));
    }

    [Test]
    public void OverlappingRangesAreRefused()
    {
        string p = File_("overlap.safetensors", Entry("a", 3, 0, 24) + ", " + Entry("b", 2, 16, 32), Four);
        ExpectWeightFileError(p, () => SafeTensors.Read(p), "'a'", "'b'", "overlap");
        ExpectWeightFileError(p, () => SafeTensors.ReadMetadata(p), "overlap");
    }

    [Test]
    public void IdenticalRangesAreRefused()
    {
        string p = File_("same.safetensors", Entry("a", 4, 0, 32) + ", " + Entry("b", 4, 0, 32), Four);
        ExpectWeightFileError(p, () => SafeTensors.Read(p), "'a'", "'b'", "overlap");
    }

    [Test]
    public void AGapBetweenTensorsIsRefused()
    {
        string p = File_("gap.safetensors", Entry("a", 1, 0, 8) + ", " + Entry("b", 2, 16, 32), Four);
        ExpectWeightFileError(p, () => SafeTensors.Read(p), "'a'", "'b'", "gap of 8 bytes");
    }

    [Test]
    public void DataNotStartingAtZeroIsRefused()
    {
        string p = File_("start.safetensors", Entry("a", 3, 8, 32), Four);
        ExpectWeightFileError(p, () => SafeTensors.Read(p), "'a'", "starts at byte 8");
    }

    [Test]
    public void TrailingBytesAreRefused()
    {
        string p = File_("trail.safetensors", Entry("a", 3, 0, 24), Four);
        ExpectWeightFileError(p, () => SafeTensors.Read(p), "'a'", "8 bytes after");
    }

    [Test]
    public void ABufferWithNoTensorsMustBeEmpty()
    {
        string p = File_("none.safetensors", "\"__metadata__\": {\"k\": \"v\"}", Four);
        ExpectWeightFileError(p, () => SafeTensors.Read(p), "32 bytes");
    }

    [Test]
    public void TheLibrarysOwnFilesStillRead()
    {
        string p = PathOf("own.safetensors");
        SafeTensors.Write(p, [new NamedTensor("x", "F64", [2, 2], [1, 2, 3, 4]), new NamedTensor("e", "F64", [0], []), new NamedTensor("y", "F64", [1], [5])]);
        Assert.That(SafeTensors.Read(p).Tensors.Select(t => t.Name), Is.EqualTo(new[] { "x", "e", "y" }));
    }
}
