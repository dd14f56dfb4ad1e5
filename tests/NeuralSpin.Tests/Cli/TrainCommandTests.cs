using NUnit.Framework;

namespace NeuralSpin.Tests.Cli;

/// <summary>
/// <c>neuralspin train</c> and <c>data mnist</c> on the real MNIST (fetched on first use, category
/// RealMnist) with a tiny network, and the command's bad-input contract (no data needed).
/// </summary>
[TestFixture, NonParallelizable]
public class TrainCommandTests : CliFixture
{
    [Test, Category("RealMnist")]
    public void Train_WritesCheckpointsThatAnalyzeReads_AndRefusesToOverwrite()
    {
        string run = PathOf("run");
        var r = Cli("train", "--program", "standard", "--widths", "784,16,10", "--epochs", "1",
            "--checkpoints", "0,0.5,1", "--out", run, "--threads", "1");
        Assert.That(r.ExitCode, Is.EqualTo(0), r.Stderr);
        var ckpts = Directory.GetFiles(Path.Combine(run, "checkpoints"), "*.safetensors").OrderBy(p => p).ToArray();
        Assert.That(ckpts, Has.Length.EqualTo(3), "t = 0, 1/2 and 1 epoch");
        Assert.That(r.Stdout, Does.Contain("done at step 1875/1875"), "60000 / 32 = 1875 steps per epoch");
        var a = Cli("analyze", ckpts[^1], "--json", PathOf("a.json"));
        Assert.That(a.ExitCode, Is.EqualTo(0), a.Stderr);
        Assert.That(System.Text.Json.JsonDocument.Parse(File.ReadAllText(PathOf("a.json"))).RootElement.GetProperty("widths").EnumerateArray().Select(e => e.GetInt32()), Is.EqualTo(new[] { 784, 16, 10 }));
        AssertBadInput(Cli("train", "--program", "standard", "--widths", "784,16,10", "--out", run), ["already holds a training run", "--resume"]);
    }

    [Test, Category("RealMnist")]
    public void Train_Diverging_StopsWithExitCode2_AndWritesNoNonFiniteCheckpoint()
    {
        // lr 1e3 with the summed loss (a gradient 320 times MultiMarginLoss's) overflows within a few steps
        string run = PathOf("div");
        var r = Cli("train", "--program", "standard", "--widths", "784,16,10", "--epochs", "1", "--lr", "1e3",
            "--convention", "sum_global", "--checkpoints", "0,1/1875,2/1875,1", "--out", run, "--threads", "1");
        AssertBadInput(r, ["diverged at step", "--lr"]);
        var files = Directory.GetFiles(Path.Combine(run, "checkpoints"), "*.safetensors");
        Assert.That(files, Is.Not.Empty, "the t = 0 checkpoint was written before training");
        foreach (var f in files)
            foreach (var t in NeuralSpin.IO.SafeTensors.Read(f).Tensors)
                Assert.That(t.Data.All(double.IsFinite), $"{Path.GetFileName(f)}: {t.Name} finite");
    }

    [Test]
    public void Train_BadArguments_ExitWithCode2()
    {
        AssertBadInput(Cli("train", "--out", PathOf("r1")), ["--program"]);
        AssertBadInput(Cli("train", "--program", "quantum", "--out", PathOf("r2")), ["quantum"]);
        AssertBadInput(Cli("train", "--program", "binarized"), ["--out"]);
        AssertBadInput(Cli("train", "--program", "binarized", "--widths", "100,10", "--out", PathOf("r3")), ["784"]);
        AssertBadInput(Cli("train", "--resume", PathOf("nothing")), ["no training run"]);
        AssertBadInput(Cli("train", "--resume", PathOf("a"), "--out", PathOf("b")), ["not both"]);
        AssertBadInput(Cli("train", "--program", "standard", "--threads", "0", "--out", PathOf("r4")), ["--threads"]);
        AssertBadInput(Cli("train", "--program", "standard", "--convention", "sum-c_fancy", "--out", PathOf("r5")), ["fancy", "unit", "global", "pixel"]);
        AssertBadInput(Cli("train", "--program", "standard", "--convention", "sum-c_global", "--reduction", "mean", "--out", PathOf("r6")), ["not both"]);
        AssertBadInput(Cli("train", "--program", "standard", "--reduction", "median", "--out", PathOf("r7")), ["median", "mean or sum"]);
        AssertBadInput(Cli("train", "--program", "standard", "--input", "raw", "--out", PathOf("r8")), ["raw"]);
        AssertBadInput(Cli("train", "--program", "standard", "--margin", "-1", "--out", PathOf("r9")), ["margin"]);
        Assert.That(Directory.Exists(PathOf("r1")) || Directory.Exists(PathOf("r3")), Is.False, "nothing is created for bad input");
    }
}
