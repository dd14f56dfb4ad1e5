using System.Text.Json.Nodes;
using NUnit.Framework;
using NeuralSpin.Data;
using NeuralSpin.IO;
using NeuralSpin.Tests.IO;
using NeuralSpin.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace NeuralSpin.Tests.Training;

/// <summary>
/// The training conventions (docs/theory.md, "Training conventions"): identifiers, the loss-scale
/// equivalence with the learning rate, their record in run.json (and the reading of older run.json
/// files), per-pixel standardization, and divergence handling.
/// </summary>
[TestFixture, NonParallelizable]
public class TrainingConventionTests : TempDirFixture
{
    [Test]
    public void EveryCandidate_HasADistinctId_ThatParsesBack()
    {
        var ids = TrainingConvention.Candidates.Select(c => c.Id).ToList();
        Assert.That(ids, Is.Unique);
        Assert.That(ids, Has.Count.EqualTo(12), "2 reductions x divided by C or not x 3 input preprocessings");
        foreach (var c in TrainingConvention.Candidates)
            Assert.That(TrainingConvention.Parse(c.Id), Is.EqualTo(c), c.Id);
        var m = new TrainingConvention(LossReduction.Mean, false, 0.5, MnistNormalization.PerPixelStandardized);
        Assert.That(m.Id, Is.EqualTo("mean_pixel_m0.5"));
        Assert.That(TrainingConvention.Parse("mean_pixel_m0.5"), Is.EqualTo(m));
        Assert.That(TrainingConvention.Parse("SUM-C_Global"), Is.EqualTo(new TrainingConvention(LossReduction.Sum, true, 1, MnistNormalization.Standardized)));
    }

    [TestCase("")]
    [TestCase("sum")]
    [TestCase("median-c_global")]
    [TestCase("sum-c_color")]
    [TestCase("sum-c_global_0.5")]
    [TestCase("sum-c_global_mNaN")]
    [TestCase("sum-c_global_m1_x")]
    public void MalformedIds_AreRefused(string text) =>
        Assert.Throws<FormatException>(() => TrainingConvention.Parse(text));

    [Test]
    public void LossScale_AndPyTorchExpression_FollowTheDefinition()
    {
        // l = (1/C)^[divide] sum_j max(..)^2, L = (1/n)^[mean] sum_s l_s: relative to MultiMarginLoss (mean, /C)
        // the factor is n^[sum] C^[not divided].
        Assert.That(new TrainingConvention(LossReduction.Mean, true, 1, MnistNormalization.Standardized).LossScale(32, 10), Is.EqualTo(1));
        Assert.That(new TrainingConvention(LossReduction.Sum, true, 1, MnistNormalization.Standardized).LossScale(32, 10), Is.EqualTo(32));
        Assert.That(new TrainingConvention(LossReduction.Mean, false, 1, MnistNormalization.Standardized).LossScale(32, 10), Is.EqualTo(10));
        Assert.That(new TrainingConvention(LossReduction.Sum, false, 1, MnistNormalization.Standardized).LossScale(32, 10), Is.EqualTo(320));
        Assert.That(new TrainingConvention(LossReduction.Sum, true, 0.5, MnistNormalization.Standardized).PyTorchLoss,
            Is.EqualTo("nn.MultiMarginLoss(p=2, margin=0.5, reduction='sum')(x, y)"));
        Assert.That(new TrainingConvention(LossReduction.Mean, false, 1, MnistNormalization.Standardized).PyTorchLoss,
            Is.EqualTo("C * nn.MultiMarginLoss(p=2, margin=1)(x, y)"));
    }

    /// <summary>
    /// SGD with momentum is linear in the gradient (b = mu b + g, p = p - lr b), so a loss k times larger is the
    /// same as a learning rate k times larger: sum over a batch of n at lr eta equals mean at lr n eta. Checked in
    /// float64 over 30 steps of a ReLU network; the two paths differ only by the rounding of the division by n
    /// (relative 1e-16 per step), amplified by at most a few orders over 30 steps.
    /// </summary>
    [Test]
    public void SumReduction_EqualsMeanReduction_AtNTimesTheLearningRate()
    {
        const int n = 8;
        var data = SyntheticData.Random(n * 30, 8, 20, 4, 11);
        double[] Run(TrainingConvention c, double lr)
        {
            using var scope = NewDisposeScope();
            var model = Mlp.Create(TrainingProgram.Standard, [20, 16, 12, 4], false, 5);
            model.to(ScalarType.Float64);
            using var opt = new MomentumSgd(model.parameters(), lr, 0.9);
            var x = torch.tensor(data.TrainX.Select(v => (double)v).ToArray(), [data.TrainCount, 20]);
            var y = torch.tensor(data.TrainY.Select(b => (long)b).ToArray());
            for (int s = 0; s < 30; s++)
                Trainer.Step(model, opt, x.narrow(0, s * n, n), y.narrow(0, s * n, n), c);
            var w = model.parameters().SelectMany(p => p.detach().data<double>().ToArray()).ToArray();
            model.Dispose();
            return w;
        }
        var sum = Run(new TrainingConvention(LossReduction.Sum, true, 1, MnistNormalization.Standardized), 0.01);
        var mean = Run(new TrainingConvention(LossReduction.Mean, true, 1, MnistNormalization.Standardized), 0.01 * n);
        var meanNoC = Run(new TrainingConvention(LossReduction.Mean, false, 1, MnistNormalization.Standardized), 0.01 * n / 4);
        var untrained = Run(new TrainingConvention(LossReduction.Sum, true, 1, MnistNormalization.Standardized), 1e-300);
        double scale = sum.Max(Math.Abs);
        Assert.That(mean, Is.EqualTo(sum).Within(1e-11 * scale));
        Assert.That(meanNoC, Is.EqualTo(sum).Within(1e-11 * scale), "no division by C = 4 is a factor 4 on the loss");
        Assert.That(sum.Zip(untrained).Max(t => Math.Abs(t.First - t.Second)), Is.GreaterThan(1e-3 * scale), "the weights moved: the comparison is not vacuous");
    }

    [Test]
    public void RunJson_RecordsTheConvention_AndResumeKeepsIt()
    {
        var data = SyntheticData.Random(64, 16, 20, 4, 3);
        var c = new TrainingConvention(LossReduction.Sum, false, 0.5, MnistNormalization.PerPixelStandardized);
        var options = new TrainingOptions { Program = TrainingProgram.Standard, Widths = [20, 8, 4], LearningRate = 1e-4, Epochs = 2, Threads = 1, Schedule = "0,1,2", Convention = c };
        string run = PathOf("run");
        Trainer.Train(run, data, options, stopAfterStep: 3);
        var json = JsonNode.Parse(File.ReadAllText(RunFiles.RunJson(run)))!["options"]!["convention"]!;
        Assert.That((string?)json["id"], Is.EqualTo("sum_pixel_m0.5"));
        Assert.That((string?)json["pytorch_loss"], Is.EqualTo("C * nn.MultiMarginLoss(p=2, margin=0.5, reduction='sum')(x, y)"));
        Assert.That(RunFiles.ReadRunJson(run).Options.Convention, Is.EqualTo(c));
        Trainer.Resume(run, data);
        var meta = SafeTensors.ReadMetadata(RunFiles.ListCheckpoints(run)[^1]);
        Assert.That(meta["convention"], Is.EqualTo("sum_pixel_m0.5"));
        Assert.That(meta["margin"], Is.EqualTo("0.5"));
    }

    [Test]
    public void RunJson_WithoutAConvention_IsReadAsTheHistoricalOne()
    {
        // run.json files written before conventions were recorded hold only "margin": they were trained with
        // MultiMarginLoss(p=2) (mean, /C) on globally standardized input.
        var data = SyntheticData.Random(64, 16, 20, 4, 3);
        var options = new TrainingOptions { Program = TrainingProgram.Standard, Widths = [20, 8, 4], Epochs = 1, Threads = 1, Schedule = "0,1",
            Convention = new TrainingConvention(LossReduction.Sum, false, 0.75, MnistNormalization.UnitInterval) };
        string run = PathOf("old");
        Trainer.Train(run, data, options, stopAfterStep: 1);
        var root = JsonNode.Parse(File.ReadAllText(RunFiles.RunJson(run)))!.AsObject();
        root["options"]!.AsObject().Remove("convention");
        File.WriteAllText(RunFiles.RunJson(run), root.ToJsonString());
        Assert.That(RunFiles.ReadRunJson(run).Options.Convention,
            Is.EqualTo(new TrainingConvention(LossReduction.Mean, true, 0.75, MnistNormalization.Standardized)));
    }

    [Test]
    public void PerPixelStandardization_HandComputed_ZeroDeviationPixelsKeptCentred()
    {
        // three images; pixel 0 takes 0, 255, 255 (mean 2/3, population sd sqrt(2)/3), pixel 1 is always 51
        // (sd 0: centred, not scaled), every other pixel 0.
        var px = new byte[3 * MnistDataset.PixelsPerImage];
        px[MnistDataset.PixelsPerImage] = 255;
        px[2 * MnistDataset.PixelsPerImage] = 255;
        for (int s = 0; s < 3; s++) px[s * MnistDataset.PixelsPerImage + 1] = 51;
        var stats = MnistDataset.PixelStatistics(px);
        Assert.That(stats.Mean[0], Is.EqualTo(2.0 / 3).Within(1e-15));
        Assert.That(stats.StdDev[0], Is.EqualTo(Math.Sqrt(2) / 3).Within(1e-15));
        Assert.That(stats.Mean[1], Is.EqualTo(0.2).Within(1e-15));
        Assert.That(stats.StdDev[1], Is.EqualTo(0).Within(1e-15));
        var z = MnistDataset.StandardizePerPixel(px, stats);
        Assert.That(z[0], Is.EqualTo((float)(-(2.0 / 3) / (Math.Sqrt(2) / 3))).Within(1e-6f));
        Assert.That(z[MnistDataset.PixelsPerImage], Is.EqualTo((float)((1 - 2.0 / 3) / (Math.Sqrt(2) / 3))).Within(1e-6f));
        Assert.That(z[1], Is.EqualTo(0f).Within(1e-7f), "51/255 - mean 0.2: zero up to the rounding of 0.2");
        Assert.That(z[2], Is.EqualTo(0f));
        // another image (a "test" image) is standardized with these statistics
        var other = new byte[MnistDataset.PixelsPerImage];
        other[1] = 102;
        Assert.That(MnistDataset.StandardizePerPixel(other, stats)[1], Is.EqualTo(0.2f).Within(1e-6f), "sd 0: x - mean, unscaled");
        Assert.Throws<ArgumentException>(() => MnistDataset.Normalize(px, MnistNormalization.PerPixelStandardized));
    }

    [Test]
    public void LossBecomesNonFinite_TrainingStops_WithFiniteCheckpointsAndState()
    {
        var data = SyntheticData.Random(256, 32, 20, 4, 9);
        var options = new TrainingOptions
        {
            Program = TrainingProgram.Standard, Widths = [20, 32, 32, 4], LearningRate = 1e6, Epochs = 4, Threads = 1,
            Schedule = "0,1/8,1/4,1/2,1,2,3,4", Convention = new TrainingConvention(LossReduction.Sum, false, 1, MnistNormalization.Standardized),
        };
        string run = PathOf("diverging");
        var e = Assert.Throws<TrainingDivergedException>(() => Trainer.Train(run, data, options))!;
        TestContext.Out.WriteLine(e.Message);
        Assert.That(e.Message, Does.Contain("diverged at step").And.Contain("--lr").And.Contain(run));
        Assert.That(e.Step, Is.GreaterThan(1).And.LessThan(4 * 8), "a learning rate of 1e6 overflows within a few steps");
        foreach (var f in RunFiles.ListCheckpoints(run))
            foreach (var t in SafeTensors.Read(f).Tensors)
                Assert.That(t.Data.All(double.IsFinite), $"{Path.GetFileName(f)} {t.Name} is finite");
        foreach (var t in SafeTensors.Read(RunFiles.StateFile(run)).Tensors)
            Assert.That(t.Data.All(double.IsFinite), $"state {t.Name} is finite");
        Assert.That(long.Parse(SafeTensors.ReadMetadata(RunFiles.StateFile(run))["step"]), Is.LessThan(e.Step));
        // resuming repeats the divergence rather than writing non-finite weights
        Assert.Throws<TrainingDivergedException>(() => Trainer.Resume(run, data));
    }

    [Test]
    public void NonFiniteLoss_StepLeavesTheWeightsAlone()
    {
        using var scope = NewDisposeScope();
        var model = Mlp.Create(TrainingProgram.Standard, [4, 3, 2], false, 1);
        using var opt = new MomentumSgd(model.parameters(), 0.1, 0.9);
        var before = model.parameters().SelectMany(p => p.detach().data<float>().ToArray()).ToArray();
        var x = torch.tensor(new float[] { 1, float.NaN, 0, 0 }, [1, 4]);
        double loss = Trainer.Step(model, opt, x, torch.tensor(new long[] { 1 }), TrainingConvention.Default);
        Assert.That(double.IsNaN(loss));
        Assert.That(model.parameters().SelectMany(p => p.detach().data<float>().ToArray()).ToArray(), Is.EqualTo(before));
        model.Dispose();
    }
}
