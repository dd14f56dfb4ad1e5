using NeuralSpin.Cli;
using NeuralSpin.Cli.Commands;
using NeuralSpin.Ising;
using NeuralSpin.Training;
using NUnit.Framework;

namespace NeuralSpin.Tests.Cli;

/// <summary><c>neuralspin ensemble collect|merge</c>. Collection runs libtorch trainings, hence [NonParallelizable];
/// it uses synthetic 20-dimensional blobs through <see cref="EnsembleCommand.RunCollect"/> (the command itself
/// only adds loading MNIST PCA-20).</summary>
[TestFixture, NonParallelizable]
public class EnsembleCommandTests : CliFixture
{
    static TrainingData? _blobs;
    static TrainingData Blobs => _blobs ??= NeuralSpin.Tests.BinaryNets.Synthetic.Blobs(20, 10, 400, 200, separation: 1.0, 4242);

    EnsembleCommand.CollectSettings Settings(string shard, string output) =>
        EnsembleCommand.Parse("20,15,10", 4, 6, 0.3, null, 3, 0.05, shard, 7, output, null);

    [Test]
    public void ShardsMergedByTheCli_EqualTheUnshardedFile_Bytewise()
    {
        var io = new CliIO(new StringWriter(), new StringWriter());
        string whole = PathOf("whole.nspack"), s0 = PathOf("s0.nspack"), s1 = PathOf("s1.nspack"), merged = PathOf("merged.nspack");
        Assert.That(EnsembleCommand.RunCollect(io, Settings("0/1", whole), Blobs), Is.EqualTo(0));
        Assert.That(EnsembleCommand.RunCollect(io, Settings("0/2", s0), Blobs), Is.EqualTo(0));
        Assert.That(EnsembleCommand.RunCollect(io, Settings("1/2", s1), Blobs), Is.EqualTo(0));
        var r = Cli("ensemble", "merge", merged, s1, s0);
        Assert.That(r.ExitCode, Is.EqualTo(0), r.Stderr);
        Assert.That(PackedConfigurations.Read(whole).Count, Is.GreaterThan(0), "the threshold keeps some networks");
        Assert.That(File.ReadAllBytes(merged), Is.EqualTo(File.ReadAllBytes(whole)));
        // the ensemble file is a configurations file for the Ising tools
        var fit = Cli("ising", "fit", "--configs", whole, "--method", "mf", "--l2", "0.1", "--out", PathOf("m.npz"));
        Assert.That(fit.ExitCode, Is.EqualTo(0), fit.Stderr);

        string dup = PathOf("dup.nspack");
        AssertBadInput(Cli("ensemble", "merge", dup, s0, s0), ["occurs more than once"], dup);
    }

    [Test]
    public void KeepPerTraining_KeepsAtMostKPerTraining_TheBestOnes_AndGroupedShardsMergeBytewise()
    {
        // --keep-per-training 1 is P2's "the one with the optimal test accuracy" per training: at most one configuration
        // per training index, and it is the most accurate of that training's draws in the unrestricted ensemble (same
        // seeds, same draws). Grouped trainings (--trainings-per-group 2) sharded 0/2, 1/2 merge into the unsharded file.
        var io = new CliIO(new StringWriter(), new StringWriter());
        string all = PathOf("all.nspack"), best = PathOf("best.nspack");
        Assert.That(EnsembleCommand.RunCollect(io, EnsembleCommand.Parse("20,15,10", 4, 6, 0.3, null, 3, 0.05, "0/1", 7, all, null), Blobs), Is.EqualTo(0));
        Assert.That(EnsembleCommand.RunCollect(io, EnsembleCommand.Parse("20,15,10", 4, 6, 0.3, null, 3, 0.05, "0/1", 7, best, null, keepPerTraining: 1), Blobs), Is.EqualTo(0));
        var a = PackedConfigurations.Read(all);
        var b = PackedConfigurations.Read(best);
        Assert.That(b.Count, Is.GreaterThan(0));
        var perTraining = Enumerable.Range(0, b.Count).GroupBy(b.TrainingIndex).ToList();
        Assert.That(perTraining.All(g => g.Count() == 1), "at most one configuration per training");
        foreach (var g in perTraining)
        {
            double bestInAll = Enumerable.Range(0, a.Count).Where(k => a.TrainingIndex(k) == g.Key).Max(a.Accuracy);
            Assert.That(b.Accuracy(g.Single()), Is.EqualTo(bestInAll), $"training {g.Key} keeps its best draw");
        }

        string whole = PathOf("g-whole.nspack"), s0 = PathOf("g0.nspack"), s1 = PathOf("g1.nspack"), merged = PathOf("g-merged.nspack");
        EnsembleCommand.CollectSettings Grouped(string shard, string o) => EnsembleCommand.Parse("20,15,10", 5, 6, 0.3, null, 3, 0.05, shard, 7, o, null, trainingsPerGroup: 2);
        Assert.That(EnsembleCommand.RunCollect(io, Grouped("0/1", whole), Blobs), Is.EqualTo(0));
        Assert.That(EnsembleCommand.RunCollect(io, Grouped("0/2", s0), Blobs), Is.EqualTo(0));
        Assert.That(EnsembleCommand.RunCollect(io, Grouped("1/2", s1), Blobs), Is.EqualTo(0));
        Assert.That(Cli("ensemble", "merge", merged, s0, s1).ExitCode, Is.EqualTo(0));
        Assert.That(File.ReadAllBytes(merged), Is.EqualTo(File.ReadAllBytes(whole)));
    }

    [Test]
    public void MergeOfANonEnsembleFile_ExitsTwo()
    {
        string plain = PathOf("plain.nspack");
        PackedConfigurations.From(new Configurations(3, [1, -1, 1])).Write(plain);
        string o = PathOf("o.nspack");
        AssertBadInput(Cli("ensemble", "merge", o, plain), ["no (training, sample) indices"], o);
        AssertBadInput(Cli("ensemble", "merge", o, PathOf("missing.nspack")), ["does not exist"], o);
    }

    [TestCase("--shard", "2/2", "--shard")]
    [TestCase("--threshold", "1.5", "--threshold")]
    [TestCase("--widths", "784,10", "--widths")]
    [TestCase("--trainings", "0", "--trainings")]
    [TestCase("--keep-per-training", "0", "--keep-per-training")]
    [TestCase("--trainings-per-group", "0", "--trainings-per-group")]
    [TestCase("--kernel", "fast", "per-training")]
    [TestCase("--keep-all", "--keep-per-training=2", "--keep-all")]
    public void CollectBadOptions_ExitTwo_BeforeAnyWork(string option, string value, string fragment)
    {
        var args = new Dictionary<string, string>
        {
            ["--trainings"] = "2", ["--samples-per-training"] = "3", ["--threshold"] = "0.5", [option] = value,
        };
        string o = PathOf("e.nspack");
        var argv = new List<string> { "ensemble", "collect", "--out", o };
        foreach (var kv in args) { argv.Add(kv.Key); argv.Add(kv.Value); }
        AssertBadInput(Cli([.. argv]), [fragment], o);
    }

    [Test]
    public void Help()
    {
        Assert.That(Cli("ensemble", "collect", "--help").ExitCode, Is.EqualTo(0));
        Assert.That(Cli("ensemble", "merge", "--help").ExitCode, Is.EqualTo(0));
    }
}
