namespace NeuralSpin.Data;

/// <summary>How <see cref="MnistDataset"/> turns pixel bytes into floats.</summary>
public enum MnistNormalization
{
    /// <summary><c>pixel / 255</c>, in [0, 1].</summary>
    UnitInterval,

    /// <summary><c>(pixel / 255 - 0.1307) / 0.3081</c>, the usual MNIST standardisation (training-set mean and standard deviation).</summary>
    Standardized,

    /// <summary>
    /// Per-pixel standardization with the training set's statistics: <c>(p/255 - m_j) / s_j</c>, m_j and s_j the
    /// mean and the population standard deviation of pixel j over the training images (s_j = 1 where it is 0).
    /// Needs the training set, so only <see cref="MnistDataset.TrainImagesAsFloat"/> and
    /// <see cref="MnistDataset.TestImagesAsFloat"/> apply it.
    /// </summary>
    PerPixelStandardized,
}

/// <summary>
/// The MNIST training and test sets as read from a directory of the four IDX files
/// (<c>train-images-idx3-ubyte</c>, <c>train-labels-idx1-ubyte</c>, <c>t10k-images-idx3-ubyte</c>,
/// <c>t10k-labels-idx1-ubyte</c>, each raw or with a <c>.gz</c> suffix). Images are kept as bytes,
/// row-major, one 28 x 28 = 784-byte block per image; <see cref="Normalize"/> and the
/// <c>*AsFloat</c> methods give float copies for training code. <see cref="Load"/> checks the
/// structure (shapes, matching counts, labels 0-9) but not the checksums; use
/// <see cref="MnistFetcher.Ensure(string?, Action{string}?)"/> first to obtain verified files.
/// </summary>
public sealed class MnistDataset
{
    /// <summary>Image side in pixels.</summary>
    public const int ImageSide = 28;

    /// <summary>Pixels per image (28 x 28).</summary>
    public const int PixelsPerImage = ImageSide * ImageSide;

    /// <summary>Number of classes (digits 0-9).</summary>
    public const int ClassCount = 10;

    /// <summary>Mean of the training pixels scaled to [0, 1].</summary>
    public const float Mean = 0.1307f;

    /// <summary>Standard deviation of the training pixels scaled to [0, 1].</summary>
    public const float StdDev = 0.3081f;

    /// <summary>Base names of the four files, in the order train images, train labels, test images, test labels.</summary>
    public static IReadOnlyList<string> FileNames { get; } =
        ["train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"];

    MnistDataset(byte[] trainImages, byte[] trainLabels, byte[] testImages, byte[] testLabels)
    {
        TrainImages = trainImages;
        TrainLabels = trainLabels;
        TestImages = testImages;
        TestLabels = testLabels;
    }

    /// <summary>Training images, <see cref="TrainCount"/> x 784 bytes, row-major.</summary>
    public byte[] TrainImages { get; }

    /// <summary>Training labels, one byte (0-9) per image.</summary>
    public byte[] TrainLabels { get; }

    /// <summary>Test images, <see cref="TestCount"/> x 784 bytes, row-major.</summary>
    public byte[] TestImages { get; }

    /// <summary>Test labels, one byte (0-9) per image.</summary>
    public byte[] TestLabels { get; }

    /// <summary>Number of training images (60000 for the real MNIST).</summary>
    public int TrainCount => TrainLabels.Length;

    /// <summary>Number of test images (10000 for the real MNIST).</summary>
    public int TestCount => TestLabels.Length;

    /// <summary>Training images as floats, <see cref="TrainCount"/> x 784, row-major.</summary>
    public float[] TrainImagesAsFloat(MnistNormalization normalization = MnistNormalization.UnitInterval) =>
        normalization == MnistNormalization.PerPixelStandardized
            ? StandardizePerPixel(TrainImages, PixelStatistics(TrainImages))
            : Normalize(TrainImages, normalization);

    /// <summary>Test images as floats, <see cref="TestCount"/> x 784, row-major (per-pixel standardization uses the training set's statistics).</summary>
    public float[] TestImagesAsFloat(MnistNormalization normalization = MnistNormalization.UnitInterval) =>
        normalization == MnistNormalization.PerPixelStandardized
            ? StandardizePerPixel(TestImages, PixelStatistics(TrainImages))
            : Normalize(TestImages, normalization);

    /// <summary>
    /// Mean and population standard deviation of each pixel (scaled to [0, 1]) over the images in
    /// <paramref name="pixels"/> (row-major, 784 bytes per image), accumulated in double precision.
    /// </summary>
    public static (double[] Mean, double[] StdDev) PixelStatistics(ReadOnlySpan<byte> pixels)
    {
        if (pixels.Length == 0 || pixels.Length % PixelsPerImage != 0)
            throw new ArgumentException($"expected a positive multiple of {PixelsPerImage} pixels, got {pixels.Length}", nameof(pixels));
        int n = pixels.Length / PixelsPerImage;
        // Pixels are k / 255 with integer k: the sums of k and k^2 are exact integers, so a pixel that is constant
        // over the set has a deviation of exactly 0 (not a rounding residue that would blow it up).
        var sum = new long[PixelsPerImage];
        var sumSq = new long[PixelsPerImage];
        for (int s = 0; s < n; s++)
        {
            var img = pixels.Slice(s * PixelsPerImage, PixelsPerImage);
            for (int j = 0; j < PixelsPerImage; j++)
            {
                int k = img[j];
                sum[j] += k;
                sumSq[j] += k * k;
            }
        }
        var mean = new double[PixelsPerImage];
        var std = new double[PixelsPerImage];
        for (int j = 0; j < PixelsPerImage; j++)
        {
            mean[j] = sum[j] / (255.0 * n);
            // n^2 Var(k) = n sum k^2 - (sum k)^2, exact in 128-bit integers
            Int128 num = (Int128)n * sumSq[j] - (Int128)sum[j] * sum[j];
            std[j] = num == 0 ? 0 : Math.Sqrt((double)num) / (255.0 * n);
        }
        return (mean, std);
    }

    /// <summary>(p/255 - mean_j) / std_j per pixel j (std_j = 0 replaced by 1), as floats.</summary>
    public static float[] StandardizePerPixel(ReadOnlySpan<byte> pixels, (double[] Mean, double[] StdDev) statistics)
    {
        var (mean, std) = statistics;
        if (mean.Length != PixelsPerImage || std.Length != PixelsPerImage)
            throw new ArgumentException($"statistics must have {PixelsPerImage} entries", nameof(statistics));
        if (pixels.Length % PixelsPerImage != 0)
            throw new ArgumentException($"expected a multiple of {PixelsPerImage} pixels, got {pixels.Length}", nameof(pixels));
        var result = new float[pixels.Length];
        for (int i = 0; i < pixels.Length; i++)
        {
            int j = i % PixelsPerImage;
            double s = std[j] > 0 ? std[j] : 1.0;
            result[i] = (float)((pixels[i] / 255.0 - mean[j]) / s);
        }
        return result;
    }

    /// <summary>Converts pixel bytes to floats: <c>p / 255</c>, or <c>(p / 255 - 0.1307) / 0.3081</c>.</summary>
    public static float[] Normalize(ReadOnlySpan<byte> pixels, MnistNormalization normalization = MnistNormalization.UnitInterval)
    {
        // A 256-entry table: every byte maps to exactly the same float wherever it occurs.
        Span<float> table = stackalloc float[256];
        for (int p = 0; p < 256; p++)
        {
            float x = p / 255f;
            table[p] = normalization switch
            {
                MnistNormalization.UnitInterval => x,
                MnistNormalization.Standardized => (x - Mean) / StdDev,
                MnistNormalization.PerPixelStandardized => throw new ArgumentException(
                    "per-pixel standardization needs the training set's statistics: use TrainImagesAsFloat/TestImagesAsFloat or StandardizePerPixel", nameof(normalization)),
                _ => throw new ArgumentOutOfRangeException(nameof(normalization), normalization, null),
            };
        }
        var result = new float[pixels.Length];
        for (int i = 0; i < pixels.Length; i++) result[i] = table[pixels[i]];
        return result;
    }

    /// <summary>
    /// The path of an MNIST file in <paramref name="dir"/>: the raw file if present, else the
    /// <c>.gz</c> one, else null.
    /// </summary>
    public static string? FindFile(string dir, string baseName)
    {
        string raw = Path.Combine(dir, baseName);
        if (File.Exists(raw)) return raw;
        string gz = raw + ".gz";
        return File.Exists(gz) ? gz : null;
    }

    /// <summary>Reads the four MNIST files from <paramref name="dir"/>.</summary>
    /// <exception cref="DataFileException">A file is missing or malformed, an images file does not hold
    /// 28 x 28 images, the image and label counts differ, or a label is outside 0-9.</exception>
    public static MnistDataset Load(string dir)
    {
        ArgumentException.ThrowIfNullOrEmpty(dir);
        var (trainImages, trainLabels) = LoadPair(dir, FileNames[0], FileNames[1]);
        var (testImages, testLabels) = LoadPair(dir, FileNames[2], FileNames[3]);
        return new MnistDataset(trainImages, trainLabels, testImages, testLabels);
    }

    static (byte[] Images, byte[] Labels) LoadPair(string dir, string imagesName, string labelsName)
    {
        var images = Idx.Read(Locate(dir, imagesName), expectedRank: 3);
        if (images.Dimensions[1] != ImageSide || images.Dimensions[2] != ImageSide)
            throw new DataFileException(images.Path,
                $"the images are {images.Dimensions[1]} x {images.Dimensions[2]} pixels, not {ImageSide} x {ImageSide}",
                "MNIST images are 28 x 28; check that this is an MNIST file, or download the data set again.");
        var labels = Idx.Read(Locate(dir, labelsName), expectedRank: 1);
        if (labels.Dimensions[0] != images.Dimensions[0])
            throw new DataFileException(labels.Path,
                $"it holds {labels.Dimensions[0]} labels but '{images.Path}' holds {images.Dimensions[0]} images",
                "The two files come from different data sets or one is damaged; download the data set again.");
        for (int i = 0; i < labels.Data.Length; i++)
            if (labels.Data[i] >= ClassCount)
                throw new DataFileException(labels.Path, $"label {i} is {labels.Data[i]}, outside 0-9",
                    "The file is damaged or not an MNIST labels file; download the data set again.");
        return (images.Data, labels.Data);
    }

    static string Locate(string dir, string baseName) =>
        FindFile(dir, baseName) ?? throw new DataFileException(Path.Combine(dir, baseName),
            $"neither '{baseName}' nor '{baseName}.gz' exists in '{dir}'",
            "Fetch MNIST with 'neuralspin data mnist --dir DIR', or put the four IDX files there.");
}
