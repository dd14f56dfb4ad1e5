using NUnit.Framework;
using System.Text;
using NeuralSpin.IO;

namespace NeuralSpin.Tests.IO;

public class AtomicFileTests : TempDirFixture
{
    [Test]
    public void Writer_that_throws_leaves_neither_the_file_nor_a_temporary_file()
    {
        string p = PathOf("result.json");
        Assert.Throws<InvalidOperationException>(() => AtomicFile.Write(p, s =>
        {
            s.Write("partial"u8);
            throw new InvalidOperationException("boom");
        }));
        Assert.That(Directory.GetFileSystemEntries(Dir), Is.Empty);
    }

    [Test]
    public void Writer_that_throws_leaves_an_existing_file_untouched()
    {
        string p = PathOf("result.json");
        File.WriteAllText(p, "previous");
        Assert.Throws<IOException>(() => AtomicFile.Write(p, s =>
        {
            s.Write("new but incomplete"u8);
            throw new IOException("disk full");
        }));
        Assert.That(File.ReadAllText(p), Is.EqualTo("previous"));
        Assert.That(Directory.GetFileSystemEntries(Dir), Is.EqualTo(new[] { p }));
    }

    [Test]
    public void Successful_write_replaces_the_file_and_leaves_no_temporary_file()
    {
        string p = PathOf("out.txt");
        File.WriteAllText(p, "old content that is longer");
        AtomicFile.WriteAllText(p, "new ü");
        Assert.That(File.ReadAllBytes(p), Is.EqualTo(Encoding.UTF8.GetBytes("new ü")), "UTF-8 without a byte-order mark");
        AtomicFile.WriteAllBytes(p, [1, 2, 3]);
        Assert.That(File.ReadAllBytes(p), Is.EqualTo(new byte[] { 1, 2, 3 }));
        Assert.That(Directory.GetFileSystemEntries(Dir), Is.EqualTo(new[] { p }));
    }

    [Test]
    public void Temporary_file_lives_next_to_the_destination_with_a_tmp_suffix()
    {
        string p = PathOf("x.bin");
        string[] during = [];
        AtomicFile.Write(p, _ => during = Directory.GetFiles(Dir));
        Assert.That(during, Has.Length.EqualTo(1));
        Assert.That(Path.GetFileName(during[0]), Does.StartWith("x.bin.tmp-"));
        Assert.That(File.Exists(p), Is.True);
    }

    [Test]
    public void Missing_directory_fails_without_creating_anything()
    {
        string p = Path.Combine(Dir, "no-such-dir", "f.txt");
        Assert.Throws<DirectoryNotFoundException>(() => AtomicFile.WriteAllText(p, "x"));
        Assert.That(Directory.GetFileSystemEntries(Dir), Is.Empty);
    }
}
