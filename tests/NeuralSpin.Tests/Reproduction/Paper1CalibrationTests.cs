using NUnit.Framework;
using NeuralSpin.Data;
using NeuralSpin.Reproduction;
using NeuralSpin.Tests.IO;
using NeuralSpin.Tests.Training;
using NeuralSpin.Training;

namespace NeuralSpin.Tests.Reproduction;

/// <summary>The calibration study of the training convention (REPRODUCE.md, "Paper 1: training convention").</summary>
[TestFixture, NonParallelizable]
public class Paper1CalibrationTests : TempDirFixture
{
    static readonly TrainingConvention A = TrainingConvention.Parse("sum-c_global");
    static readonly TrainingConvention B = TrainingConvention.Parse("mean-c_global");
    static readonly TrainingConvention D = TrainingConvention.Parse("sum_unit");

    static CalibrationCurve Curve(TrainingConvention c, TrainingProgram p, long seed, double at96, double at60, string? diverged = null) =>
        new(new CalibrationRun(c, p, 1e-4, p == TrainingProgram.Standard ? 60 : 10, seed), [0, 9.6, 60], [0.9, at96, at60], diverged);

    [Test]
    public void Score_IsTheLargestLogRatio_OverThePredictedTargets_MeanOverSeeds()
    {
        var curves = new[]
        {
            // A: standard 9.6 -> mean 0.0267 * 1.2, 60 -> mean 0.0189 / 1.1; binarized 9.6 -> 0.0742 exactly
            Curve(A, TrainingProgram.Standard, 1, 0.0267 * 1.1, 0.0189 / 1.1),
            Curve(A, TrainingProgram.Standard, 2, 0.0267 * 1.3, 0.0189 / 1.1),
            Curve(A, TrainingProgram.Binarized, 1, 0.0742, double.NaN),
            // B: only one seed, standard 60 a factor 2 above Table 1
            Curve(B, TrainingProgram.Standard, 1, 0.0267, 0.0378),
            // D diverged
            Curve(D, TrainingProgram.Standard, 1, 0.02, 0.02, "diverged at step 3"),
        };
        var scores = Paper1Calibration.Score(curves, Paper1Calibration.Targets, new HashSet<TrainingConvention> { A });
        Assert.That(scores.Select(s => s.Convention), Is.EqualTo(new[] { A, B, D }), "best first, diverged last");
        var a = scores[0];
        Assert.That(a.Predictions["standard-lr1e-6"]!.Value.Mean, Is.EqualTo(0.0267 * 1.2).Within(1e-15));
        Assert.That(a.Predictions["standard-lr1e-6"]!.Value.Count, Is.EqualTo(2));
        Assert.That(a.Predictions["standard-lr1e-6"]!.Value.Min, Is.EqualTo(0.0267 * 1.1).Within(1e-15));
        Assert.That(a.Score, Is.EqualTo(Math.Log(1.2)).Within(1e-12), "max(|ln 1.2|, |ln(1/1.1)|, 0)");
        Assert.That(a.Finalist && a.WithinOfTable1(0.25));
        Assert.That(scores[1].Score, Is.EqualTo(Math.Log(2)).Within(1e-12));
        Assert.That(scores[1].Predictions["binarized-lr1e-6"], Is.Null, "not run");
        Assert.That(scores[1].WithinOfTable1(0.25), Is.False);
        Assert.That(scores[2].Score, Is.EqualTo(double.PositiveInfinity));
        Assert.That(scores[2].DivergedRuns, Is.EqualTo(1));
    }

    [Test]
    public void Schedule_HoldsEveryTargetEpoch_WithinTheRun()
    {
        Assert.That(Paper1Calibration.Schedule(60, [9.6, 60]).Split(','), Does.Contain("9.6").And.Contain("60").And.Contain("0"));
        Assert.That(Paper1Calibration.Schedule(10, [9.6]).Split(',').Select(double.Parse).Max(), Is.EqualTo(10));
        // the schedule is one the trainer accepts, with a checkpoint exactly at 9.6 epochs of 1875 steps
        var steps = CheckpointSchedule.Parse(Paper1Calibration.Schedule(60, [9.6])).Steps(60, 1875);
        Assert.That(steps, Does.Contain(18000L));
    }

    [Test]
    public void Run_TrainsBothStages_ReusesFinishedRuns_AndWritesItsFiles()
    {
        // a tiny version of the study on synthetic data: 3 candidates, 1 finalist with 2 seeds
        var settings = new CalibrationSettings
        {
            Candidates = [A, B, TrainingConvention.Parse("sum_global")],
            Widths = [20, 12, 4],
            LearningRate = 1e-2,
            StandardEpochs = 3,
            BinarizedEpochs = 2,
            Finalists = 1,
            Seeds = 2,
            Workers = 2,
            Targets =
            [
                new("standard-end", TrainingProgram.Standard, 3, 0.05, true),
                new("binarized-at-1", TrainingProgram.Binarized, 1, 0.1, false),
            ],
        };
        var data = SyntheticData.Separable(256, 128, 5);
        int calls = 0;
        TrainingData Data(MnistNormalization n) { Interlocked.Increment(ref calls); return data; }
        string root = PathOf("runs");
        var r = Paper1Calibration.Run(root, settings, Data);
        Assert.That(calls, Is.EqualTo(1), "one preprocessing, prepared once");
        int probed = r.Curves.Count(c => c.Run.Program == TrainingProgram.Binarized && c.Run.Seed == settings.Seed);
        Assert.That(probed, Is.EqualTo(r.Scores.Count(x => x.DivergedRuns == 0 && double.IsFinite(x.Score))).And.LessThanOrEqualTo(3), "stage 2: the binarized program for every convention that did not diverge (at most Probes = 4)");
        Assert.That(r.Curves, Has.Count.EqualTo(3 + probed + 2), "stage 1: three candidates; stage 3: the finalist's second seed of both programs");
        Assert.That(r.Scores.Count(s => s.Finalist), Is.EqualTo(1));
        Assert.That(r.Chosen, Is.EqualTo(r.Scores.First(s => s.Finalist).Convention));
        foreach (var c in r.Curves.Where(c => c.Diverged == null))
        {
            Assert.That(c.Epochs[0], Is.EqualTo(0));
            Assert.That(c.Epochs[^1], Is.EqualTo(c.Run.Epochs));
            Assert.That(c.ValErrors[^1], Is.LessThan(c.ValErrors[0]), $"{c.Run.Id} learned");
        }
        var finalist = r.Scores.First(s => s.Finalist);
        Assert.That(finalist.Predictions["standard-end"]!.Value.Count, Is.EqualTo(2));
        Assert.That(finalist.Predictions["binarized-at-1"]!.Value.Count, Is.EqualTo(2));

        // a second call reuses every finished run (no training: the checkpoint files are untouched)
        var stamps = Directory.GetFiles(root, "*.safetensors", SearchOption.AllDirectories).ToDictionary(f => f, File.GetLastWriteTimeUtc);
        var again = Paper1Calibration.Run(root, settings, Data);
        Assert.That(again.Scores.Select(s => (s.Convention, s.Score)), Is.EqualTo(r.Scores.Select(s => (s.Convention, s.Score))));
        foreach (var (f, t) in stamps.Where(kv => kv.Key.Contains("checkpoints")))
            Assert.That(File.GetLastWriteTimeUtc(f), Is.EqualTo(t), f);

        var files = Paper1Calibration.Write(r, PathOf("out"));
        Assert.That(files.Select(Path.GetFileName), Is.EquivalentTo(new[] { "calibration.md", "calibration_curves.csv", "calibration_scores.csv", "calibration_standard.png", "calibration_finalists.png" }));
        var csv = File.ReadAllLines(PathOf("out/calibration_scores.csv"));
        Assert.That(csv, Has.Length.EqualTo(4), "header and three conventions");
        Assert.That(File.ReadAllText(PathOf("out/calibration.md")), Does.Contain(r.Chosen.Id));
    }

    [Test]
    public void DivergedRun_IsRecorded_AndNotTrainedAgain()
    {
        var settings = new CalibrationSettings { Widths = [20, 12, 4], LearningRate = 1e6, StandardEpochs = 2, Targets = [new("s", TrainingProgram.Standard, 2, 0.05, true)] };
        var data = SyntheticData.Random(128, 32, 20, 4, 1);
        var run = new CalibrationRun(TrainingConvention.Parse("sum_global"), TrainingProgram.Standard, 1e6, 2, 1);
        var c = Paper1Calibration.RunOne(PathOf("runs"), run, settings, _ => data);
        Assert.That(c.Diverged, Does.Contain("diverged at step"));
        string marker = Path.Combine(PathOf("runs"), run.Id, "diverged.txt");
        Assert.That(File.Exists(marker));
        var again = Paper1Calibration.RunOne(PathOf("runs"), run, settings, _ => throw new AssertionException("a diverged run is not trained again"));
        Assert.That(again.Diverged, Is.EqualTo(c.Diverged));
    }
}
