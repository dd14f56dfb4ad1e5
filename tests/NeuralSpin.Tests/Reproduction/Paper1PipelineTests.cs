using System.Globalization;
using System.Text.Json.Nodes;
using NUnit.Framework;
using NeuralSpin.Reproduction;
using NeuralSpin.Tests.IO;
using NeuralSpin.Tests.Support;
using Snapshooter.NUnit;
using NeuralSpin.Tests.Training;
using NeuralSpin.Training;
using NeuralSpin.Trajectory;

namespace NeuralSpin.Tests.Reproduction;

/// <summary>The paper-1 reproduction pipeline on a small synthetic problem: training, analysis, summary, report, figures, resume.</summary>
[TestFixture, NonParallelizable]
public class Paper1PipelineTests : TempDirFixture
{
    static Paper1Settings Settings() => new()
    {
        Mode = "test",
        Programs =
        [
            new("standard-lr1e-4", "standard", 1e-4, 3, 3, 0.05),
            new("binarized-lr1e-4", "binarized", 1e-4, 3, 3, 0.10),
            new("standard-lr1e-5", "standard", 1e-5, 3, 30, double.NaN),
        ],
        Widths = [20, 24, 16, 4],
        Convention = TrainingConvention.Parse("sum-c_global"),
        Seed = 3,
    };

    [Test]
    public void Run_TrainsAnalysesAndWrites_SummaryAgreesWithTheTrajectories()
    {
        var data = SyntheticData.Separable(256, 128, 7);
        int loads = 0;
        var s = Settings();
        string dir = PathOf("p1");
        var outcomes = Paper1Pipeline.Run(dir, s, _ => { loads++; return data; });
        Assert.That(loads, Is.EqualTo(1));
        Assert.That(outcomes.All(o => o.Done));
        var files = Paper1Pipeline.WriteOutputs(dir, outcomes, s, "test environment");
        Assert.That(files.Select(Path.GetFileName), Is.SupersetOf(new[] { "report.md", "summary.json", "fig3_replica_vs_tap.png", "fig4_validation_error.png",
            "fig5_lambda_min_curves.png", "fig6_evolution_lr1e-4.png", "fig7_tap_spectrum.png", "fig8_evolution_small_lr.png", "fig9_bond_spectrum.png" }));

        // while only the smaller learning rate is done, its program is Fig. 8 and the lr 1e-4 figures are left out (not drawn from it)
        var partial = outcomes.Select(o => o.Program.LearningRate < 1e-4 ? o : o with { Trajectory = null }).ToList();
        Assert.That(NeuralSpin.Reporting.Paper1Figures.Render(partial).Select(f => f.Name),
            Is.EquivalentTo(new[] { "fig3_replica_vs_tap.png", "fig8_evolution_small_lr.png" }));

        var summary = JsonNode.Parse(File.ReadAllText(Path.Combine(dir, "summary.json")))!;
        Assert.That((string?)summary["convention"]!["id"], Is.EqualTo("sum-c_global"));
        foreach (var o in outcomes)
        {
            var p = summary["programs"]![o.Program.Name]!;
            // re-derive from the run's trajectory.csv (written by the analysis) and its checkpoints
            var rows = File.ReadAllLines(Path.Combine(dir, o.Program.Name, "trajectory.csv")).Skip(1).Select(l => l.Split(',')).ToList();
            double? Col(string[] r, int i) => r[i].Length == 0 ? null : double.Parse(r[i], CultureInfo.InvariantCulture);
            Assert.That((double)p["epochs"]!, Is.EqualTo(3));
            Assert.That((double?)p["val_error"], Is.EqualTo(Col(rows[^1], 2)));
            Assert.That((double?)p["tc_start"], Is.EqualTo(Col(rows[0], 3)));
            Assert.That((double?)p["tc_end"], Is.EqualTo(Col(rows[^1], 3)));
            Assert.That((double?)p["tc_corrected_start"], Is.EqualTo(Col(rows[0], 4)));
            Assert.That((double?)p["tc_corrected_end"], Is.EqualTo(Col(rows[^1], 4)));
            Assert.That((double)p["lambda_max_j_start"]!, Is.EqualTo(Col(rows[0], 6)));
            Assert.That((double)p["lambda_max_j_end"]!, Is.EqualTo(Col(rows[^1], 6)));
            Assert.That((double?)p["spacing_ratio_start"], Is.EqualTo(Col(rows[0], 9)));
            Assert.That((double?)p["spacing_ratio_max"], Is.EqualTo(rows.Select(r => Col(r, 9)).OfType<double>().Max()));
            // outliers: eigenvalues of the final J above the initial lambda_max(J), counted from a dense reference
            var w0 = NeuralSpin.IO.WeightFile.Load(NeuralSpin.Training.RunFiles.ListCheckpoints(Path.Combine(dir, o.Program.Name))[0]);
            var w1 = NeuralSpin.IO.WeightFile.Load(NeuralSpin.Training.RunFiles.ListCheckpoints(Path.Combine(dir, o.Program.Name))[^1]);
            var e0 = BondEigenvalues(w0);
            var e1 = BondEigenvalues(w1);
            Assert.That((int)p["outliers_end"]!, Is.EqualTo(e1.Count(e => e > e0.Max())), o.Program.Name);
            Assert.That((string?)p["convention"], Is.EqualTo("sum-c_global"));
        }
        string report = File.ReadAllText(Path.Combine(dir, "report.md"));
        Assert.That(report, Does.Contain("## Table 1 side by side").And.Contain("sum-c_global").And.Contain("nn.MultiMarginLoss(p=2, margin=1, reduction='sum')"));
        Assert.That(report, Does.Contain("at a small learning rate T_c stays nearly constant"), "the lr 1e-5 program gets the delayed-onset claim");

        // the delayed-onset claim on hand-made T_c series (the reference is the first checkpoint after t = 0; the onset
        // is the first later epoch more than 2 % above it): flat at 1/32 and 1/16, onset at 2, still growing at 12
        var small = outcomes.Single(o => o.Program.LearningRate < 1e-4);
        TrajectoryRow Row(double t, double tc) => new(t, (long)(t * 8), null, null, tc, 0.1, 3.6, -4.5, 0, 1);
        var delayed = small.Trajectory! with { Rows = [Row(0, 1.78), Row(1.0 / 64, 1.82), Row(1.0 / 32, 1.83), Row(1.0 / 16, 1.84), Row(2, 1.87), Row(12, 1.90)] };
        Assert.That(Paper1Report.OnsetEpoch(delayed), Is.EqualTo(2));
        Assert.That(Paper1Report.Evaluate(small.Program, delayed).Single(c => c.Claim.StartsWith("at a small learning rate")).Holds, Is.True);
        var immediate = small.Trajectory! with { Rows = [Row(0, 1.78), Row(1.0 / 64, 1.82), Row(1.0 / 32, 1.90), Row(1.0 / 16, 1.95), Row(2, 2.0)] };
        Assert.That(Paper1Report.OnsetEpoch(immediate), Is.EqualTo(1.0 / 32));
        Assert.That(Paper1Report.Evaluate(small.Program, immediate).Single(c => c.Claim.StartsWith("at a small learning rate")).Holds, Is.False, "growth right after the first checkpoint is no delay");
        var stalled = small.Trajectory! with { Rows = [Row(0, 1.78), Row(1.0 / 64, 1.82), Row(1.0 / 32, 1.83), Row(1.0 / 16, 1.84), Row(2, 1.85)] };
        Assert.That(Paper1Report.OnsetEpoch(stalled), Is.Null);
        Assert.That(Paper1Report.Evaluate(small.Program, stalled).Single(c => c.Claim.StartsWith("at a small learning rate")).Holds, Is.False, "flat without growth");

        // a second call trains nothing (data are not even loaded) and gives the same numbers
        var again = Paper1Pipeline.Run(dir, s, _ => throw new AssertionException("finished programs are not trained again"));
        Assert.That(again.Select(o => o.Trajectory!.Rows[^1].LambdaMaxJ), Is.EqualTo(outcomes.Select(o => o.Trajectory!.Rows[^1].LambdaMaxJ)));
    }

    /// <summary>summary.json exactly as written, for a finished program and an unfinished one (whose paper error is unknown).</summary>
    [Test]
    public void SummaryJson_IsPinned()
    {
        var data = SyntheticData.Separable(256, 64, 7);
        var s = Settings() with { Programs = [Settings().Programs[0], Settings().Programs[2]] };
        string dir = PathOf("p1");
        Paper1Pipeline.Run(dir, s with { Programs = [s.Programs[0]] }, _ => data);
        Trainer.Train(Path.Combine(dir, s.Programs[1].Name), data, Paper1Pipeline.Options(s.Programs[1], s), stopAfterStep: 5);
        var outcomes = Paper1Pipeline.Run(dir, s, _ => data, skipTraining: true);
        Assert.That(outcomes.Select(o => o.Done), Is.EqualTo(new[] { true, false }));
        Paper1Pipeline.WriteOutputs(dir, outcomes, s, "test environment");
        Snapshot.Match(PinnedText.Lines(File.ReadAllText(Path.Combine(dir, "summary.json")), Dir));
    }

    /// <summary>Eigenvalues of the dense bond matrix J: J[a_i, b_j] = W^(k)[j, i] between layers k-1 and k, symmetric (MathNet).</summary>
    static double[] BondEigenvalues(NeuralSpin.IO.LoadedWeights w)
    {
        var widths = w.Widths;
        int n = widths.Sum();
        var j = new double[n * n];
        int off = 0;
        for (int k = 0; k < w.Layers.Count; k++)
        {
            var t = w.Layers[k];
            int nin = widths[k], nout = widths[k + 1];
            for (int o = 0; o < nout; o++)
                for (int i = 0; i < nin; i++)
                {
                    double v = t.Data[o * nin + i];
                    j[(off + i) * n + off + nin + o] = v;
                    j[(off + nin + o) * n + off + i] = v;
                }
            off += nin;
        }
        return Support.DenseReference.Eigenvalues(j, n);
    }

    [Test]
    public void UnfinishedProgram_IsReportedInProgress_AndOtherConventionIsRefused()
    {
        var data = SyntheticData.Separable(256, 64, 7);
        var s = Settings() with { Programs = [new("standard-lr1e-4", "standard", 1e-4, 3, 3, 0.05)] };
        string dir = PathOf("p1");
        Trainer.Train(Path.Combine(dir, "standard-lr1e-4"), data, Paper1Pipeline.Options(s.Programs[0], s), stopAfterStep: 5);
        var partial = Paper1Pipeline.Run(dir, s, _ => data, skipTraining: true);
        Assert.That(partial[0].Done, Is.False);
        Assert.That((partial[0].Step, partial[0].TotalSteps), Is.EqualTo((5L, 24L)));
        var summary = Paper1Pipeline.Summary(partial, s);
        Assert.That((bool)summary["programs"]!["standard-lr1e-4"]!["done"]!, Is.False);
        string report = Paper1Report.Render("t", partial, s, "env");
        Assert.That(report, Does.Contain("in progress: step 5 of 24"));
        var e = Assert.Throws<ArgumentException>(() => Paper1Pipeline.Run(dir, s with { Convention = TrainingConvention.Parse("mean-c_global") }, _ => data))!;
        Assert.That(e.Message, Does.Contain("sum-c_global").And.Contain("mean-c_global"));
        var done = Paper1Pipeline.Run(dir, s, _ => data);
        Assert.That(done[0].Done);
    }
}
