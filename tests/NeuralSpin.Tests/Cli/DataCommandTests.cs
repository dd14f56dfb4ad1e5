using NeuralSpin.Data;
using NUnit.Framework;

namespace NeuralSpin.Tests.Cli;

/// <summary>
/// <c>data mnist --dir PATH</c>: verifies the four MNIST IDX files already in the directory (copied from the cache that
/// MnistFetcher.Ensure fills, so no test fetches) and refuses a path that cannot be a data directory.
/// </summary>
[TestFixture, NonParallelizable]
public sealed class DataCommandTests : CliFixture
{
    [Test, Category("RealMnist")]
    public void Mnist_VerifiesTheFilesThere_AndCountsTheImages()
    {
        string cache = MnistFetcher.Ensure();
        string dir = PathOf("mnist");
        Directory.CreateDirectory(dir);
        foreach (var name in MnistFetcher.Sha256.Keys)
            File.Copy(Path.Combine(cache, name), Path.Combine(dir, name));
        var r = Cli("data", "mnist", "--dir", dir);
        Assert.That(r.ExitCode, Is.EqualTo(0), r.Stderr);
        string said = System.Text.RegularExpressions.Regex.Replace(r.Stdout, @"\s+", " ");
        Assert.That(said, Does.Contain("60000 training and 10000 test images of 28x28 pixels"));
        foreach (var sha in MnistFetcher.Sha256.Values) Assert.That(said, Does.Contain(sha[..16]), "each file's SHA-256 is listed");
        Assert.That(said, Does.Not.Contain("npm"), "nothing is fetched when the files are there");
        Assert.That(Directory.GetFiles(dir).Select(Path.GetFileName), Is.EquivalentTo(MnistFetcher.Sha256.Keys), "nothing else is written");
    }

    [Test]
    public void Mnist_DirThatIsAFile_ExitsWithCode2()
    {
        string file = PathOf("not-a-dir");
        File.WriteAllText(file, "x");
        var r = Cli("data", "mnist", "--dir", file);
        Assert.That(r.ExitCode, Is.EqualTo(2), r.Stdout + r.Stderr);
        Assert.That(r.Stderr, Does.Contain(file).And.Not.Contain("   at "));
    }
}
