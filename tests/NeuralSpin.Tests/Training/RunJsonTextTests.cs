using System.Text.RegularExpressions;
using NUnit.Framework;
using NeuralSpin.Tests.IO;
using NeuralSpin.Tests.Support;
using NeuralSpin.Training;
using Snapshooter.NUnit;

namespace NeuralSpin.Tests.Training;

/// <summary>
/// run.json: the exact text the trainer writes (the machine's environment and the creation time masked), and what is read
/// from run.json files as they exist, in the current layout and in the one written before conventions were recorded.
/// </summary>
[TestFixture, NonParallelizable]
public class RunJsonTextTests : TempDirFixture
{
    [Test]
    public void Written_IsPinned()
    {
        var options = new TrainingOptions
        {
            Program = TrainingProgram.Standard, Widths = [20, 8, 4], LearningRate = 1e-4, Epochs = 2, Seed = 5, Threads = 1, Schedule = "0,1,2",
            Convention = new TrainingConvention(LossReduction.Sum, false, 0.5, NeuralSpin.Data.MnistNormalization.PerPixelStandardized),
        };
        string run = PathOf("run");
        Trainer.Train(run, SyntheticData.Random(64, 16, 20, 4, 3), options, stopAfterStep: 1);
        string text = File.ReadAllText(RunFiles.RunJson(run));
        text = Regex.Replace(text, "\"(torchsharp|libtorch|dotnet|os|processors|torch_threads|created_utc)\": [^\\n]*?(,?)\\n", "\"$1\": \"<masked>\"$2\n");
        Snapshot.Match(PinnedText.Lines(text, Dir));
    }

    const string Current = """
        {
          "format": "neuralspin.training.run/1",
          "options": {
            "program": "standard",
            "widths": [
              20,
              8,
              4
            ],
            "bias": true,
            "learning_rate": 0.0001,
            "momentum": 0.9,
            "batch_size": 16,
            "epochs": 3,
            "margin": 0.5,
            "convention": {
              "id": "sum_pixel_m0.5",
              "reduction": "sum",
              "divide_by_classes": false,
              "margin": 0.5,
              "input": "pixel",
              "pytorch_loss": "C * nn.MultiMarginLoss(p=2, margin=0.5, reduction='sum')(x, y)"
            },
            "seed": 7,
            "threads": null,
            "schedule": "0,1,2,3",
            "checkpoint_dtype": "F64",
            "evaluation_batch_size": 500,
            "progress_interval": 10
          },
          "data": {
            "train_count": 64,
            "test_count": 16,
            "input_dim": 20,
            "sha256": "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff"
          },
          "steps_per_epoch": 4,
          "total_steps": 12,
          "environment": {
            "torchsharp": "0.107.0.0",
            "libtorch": "2.10.0",
            "dotnet": ".NET 10.0.0",
            "os": "Linux",
            "processors": 2,
            "torch_threads": 1
          },
          "created_utc": "2026-01-02T03:04:05.0000000Z"
        }

        """;

    static string Legacy => """
        {"format":"neuralspin.training.run/1","options":{"program":"binarized","widths":[784,512,10],"bias":false,"learning_rate":1E-05,"momentum":0.9,"batch_size":32,"epochs":60,"margin":1,"seed":1,"schedule":"default","checkpoint_dtype":"F32","evaluation_batch_size":1000,"progress_interval":25},"data":{"train_count":60000,"test_count":10000,"input_dim":784,"sha256":"ff"},"steps_per_epoch":1875,"total_steps":112500}
        """;

    static string Describe((TrainingOptions Options, string DataSha256, int TrainCount, int TestCount, int InputDim) r)
    {
        var o = r.Options;
        return string.Join("; ", $"program {o.Program}", $"widths {string.Join("-", o.Widths)}", $"bias {o.Bias}", $"lr {RunFiles.Format(o.LearningRate)}",
            $"momentum {RunFiles.Format(o.Momentum)}", $"batch {o.BatchSize}", $"epochs {o.Epochs}", $"convention {o.Convention.Id} {o.Convention.Reduction} /C {o.Convention.DivideByClasses} margin {RunFiles.Format(o.Convention.Margin)} input {o.Convention.Input}",
            $"seed {o.Seed}", $"threads {(o.Threads is { } t ? t.ToString(System.Globalization.CultureInfo.InvariantCulture) : "null")}", $"schedule {o.Schedule}", $"dtype {o.CheckpointDType}",
            $"eval batch {o.EvaluationBatchSize}", $"progress {o.ProgressInterval}", $"data {r.DataSha256} {r.TrainCount}/{r.TestCount}/{r.InputDim}");
    }

    [Test]
    public void ExistingFiles_AreRead()
    {
        var lines = new List<string>();
        foreach (var (name, text) in new[] { ("current", Current), ("legacy", Legacy) })
        {
            string run = PathOf(name);
            Directory.CreateDirectory(run);
            File.WriteAllText(RunFiles.RunJson(run), text);
            lines.Add($"{name}: {Describe(RunFiles.ReadRunJson(run))}");
        }
        Snapshot.Match(lines.ToArray());
    }
}
