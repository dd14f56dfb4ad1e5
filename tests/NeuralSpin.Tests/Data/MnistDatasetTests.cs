using NUnit.Framework;
using NeuralSpin.Data;
using NeuralSpin.Tests.IO;

namespace NeuralSpin.Tests.Data;

public class MnistDatasetTests : TempDirFixture
{
    [TestCase(false)]
    [TestCase(true)]
    public void Loads_the_four_files_raw_or_gzip(bool gzip)
    {
        IdxBytes.WriteFakeMnist(Dir, trainCount: 12, testCount: 5, gzip);
        var ds = MnistDataset.Load(Dir);
        Assert.That(ds.TrainCount, Is.EqualTo(12));
        Assert.That(ds.TestCount, Is.EqualTo(5));
        Assert.That(ds.TrainImages, Is.EqualTo(IdxBytes.Pattern(12 * 784)));
        Assert.That(ds.TestImages.Length, Is.EqualTo(5 * MnistDataset.PixelsPerImage));
        Assert.That(ds.TrainLabels, Is.EqualTo(new byte[] { 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1 }));
    }

    [Test]
    public void Raw_file_is_preferred_to_the_gzip_one()
    {
        IdxBytes.WriteFakeMnist(Dir, 3, 2, gzip: false);
        IdxBytes.Write(Dir, "train-labels-idx1-ubyte", [1, 2, 3], gzip: true);   // garbage, never read
        Assert.That(MnistDataset.FindFile(Dir, "train-labels-idx1-ubyte"), Is.EqualTo(PathOf("train-labels-idx1-ubyte")));
        Assert.That(MnistDataset.Load(Dir).TrainCount, Is.EqualTo(3));
    }

    [Test]
    public void Normalization()
    {
        byte[] px = [0, 255, 51];
        Assert.That(MnistDataset.Normalize(px), Is.EqualTo(new[] { 0f, 1f, 0.2f }).Within(1e-7f));
        var s = MnistDataset.Normalize(px, MnistNormalization.Standardized);
        Assert.That(s[0], Is.EqualTo(-0.1307f / 0.3081f).Within(1e-6f));
        Assert.That(s[1], Is.EqualTo((1 - 0.1307f) / 0.3081f).Within(1e-6f));
        IdxBytes.WriteFakeMnist(Dir, 2, 1);
        var ds = MnistDataset.Load(Dir);
        var f = ds.TrainImagesAsFloat();
        Assert.That(f.Length, Is.EqualTo(2 * 784));
        Assert.That(f[5], Is.EqualTo(ds.TrainImages[5] / 255f));
        Assert.That(ds.TestImagesAsFloat(MnistNormalization.Standardized)[7],
            Is.EqualTo((ds.TestImages[7] / 255f - 0.1307f) / 0.3081f).Within(1e-6f));
    }

    [Test]
    public void Missing_file_names_the_expected_path()
    {
        IdxBytes.WriteFakeMnist(Dir, 3, 2);
        File.Delete(PathOf("t10k-labels-idx1-ubyte"));
        DataAssert.Throws(PathOf("t10k-labels-idx1-ubyte"), () => MnistDataset.Load(Dir), "t10k-labels-idx1-ubyte.gz", "neuralspin data mnist");
    }

    [Test]
    public void Images_that_are_not_28_by_28()
    {
        IdxBytes.WriteFakeMnist(Dir, 3, 2);
        string p = IdxBytes.Write(Dir, "train-images-idx3-ubyte", IdxBytes.Ubyte(3, 28, 27), gzip: false);
        DataAssert.Throws(p, () => MnistDataset.Load(Dir), "28 x 27 pixels");
    }

    [Test]
    public void Labels_file_in_place_of_an_images_file()
    {
        IdxBytes.WriteFakeMnist(Dir, 3, 2);
        string p = IdxBytes.Write(Dir, "t10k-images-idx3-ubyte", IdxBytes.Labels(2), gzip: false);
        DataAssert.Throws(p, () => MnistDataset.Load(Dir), "1 dimension(s) where 3 were expected");
    }

    [Test]
    public void Image_and_label_counts_differ()
    {
        IdxBytes.WriteFakeMnist(Dir, 3, 2);
        string p = IdxBytes.Write(Dir, "train-labels-idx1-ubyte", IdxBytes.Labels(4), gzip: false);
        DataAssert.Throws(p, () => MnistDataset.Load(Dir), "4 labels", "3 images");
    }

    [Test]
    public void Label_outside_0_to_9()
    {
        IdxBytes.WriteFakeMnist(Dir, 3, 2);
        string p = IdxBytes.Write(Dir, "t10k-labels-idx1-ubyte", IdxBytes.Build(0x08, [2], [4, 10]), gzip: false);
        DataAssert.Throws(p, () => MnistDataset.Load(Dir), "label 1 is 10");
    }
}
