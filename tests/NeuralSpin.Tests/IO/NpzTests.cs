using NUnit.Framework;
using System.IO.Compression;
using NeuralSpin.IO;

namespace NeuralSpin.Tests.IO;

public class NpzTests : TempDirFixture
{
    string BuildZip(string name, CompressionLevel level, params (string Member, byte[] Bytes)[] members)
    {
        string p = PathOf(name);
        using (var zip = ZipFile.Open(p, ZipArchiveMode.Create))
            foreach (var (member, bytes) in members)
            {
                using var s = zip.CreateEntry(member, level).Open();
                s.Write(bytes);
            }
        return p;
    }

    static byte[] Matrix(double[] values, int rows, int cols) =>
        RawFiles.Npy($"{{'descr': '<f8', 'fortran_order': False, 'shape': ({rows}, {cols}), }}", RawFiles.LittleF64(values));

    [TestCase(CompressionLevel.NoCompression)]
    [TestCase(CompressionLevel.Optimal)]
    public void Stored_and_deflated_members_are_read_and_named_without_the_npy_suffix(CompressionLevel level)
    {
        string p = BuildZip("w.npz", level,
            ("fc1.weight.npy", Matrix([1, 2, 3, 4, 5, 6], 3, 2)),
            ("fc1.bias.npy", RawFiles.Npy("{'descr': '<f4', 'fortran_order': False, 'shape': (3,), }", RawFiles.LittleF32(1, 2, 3))),
            ("notes.txt", "ignored"u8.ToArray()));

        var tensors = Npz.Read(p);

        Assert.That(tensors.Select(t => t.Name), Is.EqualTo(new[] { "fc1.weight", "fc1.bias" }));
        Assert.That(tensors[0].Data, Is.EqualTo(new double[] { 1, 2, 3, 4, 5, 6 }));
        Assert.That(tensors[1].Data, Is.EqualTo(new double[] { 1, 2, 3 }));
    }

    [TestCase(false)]
    [TestCase(true)]
    public void Written_archive_round_trips_exactly_and_stores_or_deflates_as_asked(bool compressed)
    {
        string p = PathOf("out.npz");
        var values = Enumerable.Range(0, 200).Select(i => (i % 7) * 0.125).ToArray();
        Npz.Write(p, [new NamedTensor("a", "F64", [20, 10], values), new NamedTensor("b", "F64", [2], [-1, 1e-310])], compressed);

        var back = Npz.Read(p);
        Assert.That(back.Select(t => t.Name), Is.EqualTo(new[] { "a", "b" }));
        Assert.That(back[0].Data, Is.EqualTo(values));
        Assert.That(back[1].Data, Is.EqualTo(new[] { -1, 1e-310 }));
        using var zip = ZipFile.OpenRead(p);
        var entry = zip.GetEntry("a.npy")!;
        Assert.That(entry.CompressedLength < entry.Length, Is.EqualTo(compressed));
        Assert.That(Directory.GetFiles(Dir), Has.Length.EqualTo(1));
    }

    [Test]
    public void File_that_is_not_a_zip_archive_is_reported()
    {
        string p = WriteBytes("x.npz", new byte[100]);
        ExpectWeightFileError(p, () => Npz.Read(p), "not a readable zip archive");
    }

    [Test]
    public void Damaged_member_is_reported_with_its_name()
    {
        string p = BuildZip("d.npz", CompressionLevel.NoCompression, ("w.npy", Matrix([1, 2, 3, 4], 2, 2)[..^8]));
        ExpectWeightFileError(p, () => Npz.Read(p), "member 'w.npy'", "truncated");
    }

    [Test]
    public void Member_with_bad_magic_is_reported_with_its_name()
    {
        string p = BuildZip("m.npz", CompressionLevel.Optimal, ("w.npy", new byte[64]));
        ExpectWeightFileError(p, () => Npz.Read(p), "member 'w.npy'", "magic");
    }

    [Test]
    public void Missing_file_is_reported()
    {
        string p = PathOf("gone.npz");
        ExpectWeightFileError(p, () => Npz.Read(p), "does not exist");
    }
}
