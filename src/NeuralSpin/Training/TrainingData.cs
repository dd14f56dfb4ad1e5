using System.Runtime.InteropServices;
using System.Security.Cryptography;

namespace NeuralSpin.Training;

/// <summary>
/// A classification data set as plain arrays: inputs row-major (n x <see cref="InputDim"/>), already
/// normalized, and labels 0..C-1. The trainer does not load or normalize data itself.
/// </summary>
public sealed class TrainingData
{
    /// <summary>Wraps the arrays (not copied) and checks their lengths.</summary>
    /// <param name="trainX">Training inputs, n_train x inputDim, row-major.</param>
    /// <param name="trainY">Training labels, n_train.</param>
    /// <param name="testX">Test (validation) inputs, n_test x inputDim, row-major.</param>
    /// <param name="testY">Test labels, n_test.</param>
    /// <param name="inputDim">Features per sample (784 for MNIST).</param>
    public TrainingData(float[] trainX, byte[] trainY, float[] testX, byte[] testY, int inputDim)
    {
        ArgumentNullException.ThrowIfNull(trainX);
        ArgumentNullException.ThrowIfNull(trainY);
        ArgumentNullException.ThrowIfNull(testX);
        ArgumentNullException.ThrowIfNull(testY);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(inputDim);
        if (trainY.Length == 0) throw new ArgumentException("the training set is empty", nameof(trainY));
        if (trainX.LongLength != (long)trainY.Length * inputDim)
            throw new ArgumentException($"trainX holds {trainX.LongLength} values, but {trainY.Length} labels x {inputDim} features need {(long)trainY.Length * inputDim}", nameof(trainX));
        if (testX.LongLength != (long)testY.Length * inputDim)
            throw new ArgumentException($"testX holds {testX.LongLength} values, but {testY.Length} labels x {inputDim} features need {(long)testY.Length * inputDim}", nameof(testX));
        TrainX = trainX;
        TrainY = trainY;
        TestX = testX;
        TestY = testY;
        InputDim = inputDim;
    }

    /// <summary>MNIST as training data: the 60,000 training images and 10,000 test images, 784 pixels each, preprocessed as
    /// <paramref name="input"/> says (docs/theory.md section 9), with their labels.</summary>
    public static TrainingData FromMnist(NeuralSpin.Data.MnistDataset mnist, NeuralSpin.Data.MnistNormalization input)
    {
        ArgumentNullException.ThrowIfNull(mnist);
        return new TrainingData(mnist.TrainImagesAsFloat(input), mnist.TrainLabels, mnist.TestImagesAsFloat(input), mnist.TestLabels,
            NeuralSpin.Data.MnistDataset.PixelsPerImage);
    }

    /// <summary>Training inputs, row-major.</summary>
    public float[] TrainX { get; }
    /// <summary>Training labels.</summary>
    public byte[] TrainY { get; }
    /// <summary>Test inputs, row-major.</summary>
    public float[] TestX { get; }
    /// <summary>Test labels.</summary>
    public byte[] TestY { get; }
    /// <summary>Features per sample.</summary>
    public int InputDim { get; }
    /// <summary>Number of training samples.</summary>
    public int TrainCount => TrainY.Length;
    /// <summary>Number of test samples.</summary>
    public int TestCount => TestY.Length;

    /// <summary>The largest label + 1 over both sets.</summary>
    public int ClassCountLowerBound()
    {
        int m = 0;
        foreach (var y in TrainY) m = Math.Max(m, y);
        foreach (var y in TestY) m = Math.Max(m, y);
        return m + 1;
    }

    /// <summary>SHA-256 (lower-case hex) of the input dimension and the four arrays' bytes; stored in run.json so that a run is resumed only with the same data.</summary>
    public string Fingerprint()
    {
        using var h = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        h.AppendData(BitConverter.GetBytes(InputDim));
        foreach (var (x, y) in new[] { (TrainX, TrainY), (TestX, TestY) })
        {
            h.AppendData(BitConverter.GetBytes(y.LongLength));
            h.AppendData(MemoryMarshal.AsBytes(x.AsSpan()));
            h.AppendData(y);
        }
        return Convert.ToHexStringLower(h.GetHashAndReset());
    }
}
