using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using NeuralSpin.Cli;
using NeuralSpin.Data;
using NeuralSpin.IO;
using NeuralSpin.Ising;
using NeuralSpin.Tests.Ising;
using NUnit.Framework;

namespace NeuralSpin.Tests.Cli;

/// <summary>Sets an environment variable for the lifetime of the object, restoring the old value.</summary>
sealed class EnvironmentVariable : IDisposable
{
    readonly string _name;
    readonly string? _old;

    public EnvironmentVariable(string name, string? value)
    {
        _name = name;
        _old = Environment.GetEnvironmentVariable(name);
        Environment.SetEnvironmentVariable(name, value);
    }

    public void Dispose() => Environment.SetEnvironmentVariable(_name, _old);
}

/// <summary>Helpers shared by the reliability fixtures.</summary>
public abstract class ReliabilityFixture : CliFixture
{
    protected static void HardLink(string existing, string link)
    {
        var p = Process.Start(new ProcessStartInfo("ln", [existing, link]) { UseShellExecute = false })!;
        p.WaitForExit();
        Assert.That(p.ExitCode, Is.EqualTo(0), "ln failed");
    }

    protected string WriteModel(IsingModel model, string name = "model.npz")
    {
        string p = PathOf(name);
        IsingModelFile.Write(p, model);
        return p;
    }

    protected static IEnumerable<Command> AllCommands(Command c)
    {
        yield return c;
        foreach (var s in c.Subcommands)
            foreach (var x in AllCommands(s)) yield return x;
    }

    protected static string PathOf(Command c)
    {
        var names = new List<string>();
        for (Symbol? s = c; s is Command x; s = x.Parents.FirstOrDefault()) names.Insert(0, x.Name);
        return string.Join(" ", names);
    }

    protected static Command Root() => CliApp.BuildRoot(new CliIO(new StringWriter(), new StringWriter()));
}

/// <summary>Row 1: no output path of a command may be one of its inputs (same file by identity, links included).</summary>
[TestFixture]
public class OutputIsNotInputTests : ReliabilityFixture
{
    [Test]
    public void Analyze_JsonNamingTheWeightsFile_IsRefusedAndTheWeightsAreUnchanged()
    {
        string net = InitNetwork("good.safetensors");
        var before = File.ReadAllBytes(net);
        AssertBadInput(Cli("analyze", net, "--json", net), ["--json", "WEIGHTS", "good.safetensors"]);
        Assert.That(File.ReadAllBytes(net), Is.EqualTo(before));
    }

    [Test]
    public void Analyze_JsonThatIsAHardLinkOfTheWeights_IsRefused()
    {
        string net = InitNetwork("good.safetensors");
        var before = File.ReadAllBytes(net);
        string link = PathOf("link.json");
        HardLink(net, link);
        AssertBadInput(Cli("analyze", net, "--json", link), ["--json", "link.json", "same file"]);
        Assert.That(File.ReadAllBytes(net), Is.EqualTo(before));
    }

    [Test]
    public void Analyze_CurveThatIsASymbolicLinkToTheReference_IsRefused()
    {
        string net = InitNetwork("net.safetensors", seed: 2);
        string reference = InitNetwork("ref.safetensors", seed: 3);
        var before = File.ReadAllBytes(reference);
        string link = PathOf("curve.csv");
        File.CreateSymbolicLink(link, reference);
        AssertBadInput(Cli("analyze", net, "--reference", reference, "--curve", link), ["--curve", "--reference"]);
        Assert.That(File.ReadAllBytes(reference), Is.EqualTo(before));
    }

    [Test]
    public void Analyze_InputNamedThroughAnotherSpellingOfItsPath_IsRefused()
    {
        string net = InitNetwork("good.safetensors");
        string other = Path.Combine(Dir, ".", "sub", "..", "good.safetensors");
        Directory.CreateDirectory(PathOf("sub"));
        AssertBadInput(Cli("analyze", net, "--curve", other), ["--curve", "WEIGHTS"]);
    }

    [Test]
    public void IsingFit_OutThatIsAHardLinkOfTheConfigurations_IsRefused()
    {
        string model = WriteModel(IsingReference.RandomModel(5, new Random(3), scale: 0.5, fieldScale: 0.3, beta: 1));
        string configs = PathOf("c.npy");
        Assert.That(Cli("ising", "sample", "--model", model, "--samples", "50", "--out", configs).ExitCode, Is.EqualTo(0));
        var before = File.ReadAllBytes(configs);
        string link = PathOf("fitted.txt");
        HardLink(configs, link);
        AssertBadInput(Cli("ising", "fit", "--configs", configs, "--method", "mf", "--out", link), ["--out", "--configs"]);
        Assert.That(File.ReadAllBytes(configs), Is.EqualTo(before));
    }

    [Test]
    public void IsingSample_OutNamingTheModel_IsRefused()
    {
        string model = WriteModel(IsingReference.RandomModel(5, new Random(3), scale: 0.5, fieldScale: 0.3, beta: 1), "m.npz");
        var before = File.ReadAllBytes(model);
        AssertBadInput(Cli("ising", "sample", "--model", model, "--samples", "5", "--out", PathOf("m.npz")), ["--out", "--model"]);
        Assert.That(File.ReadAllBytes(model), Is.EqualTo(before));
    }

    [Test]
    public void ClassicRbm_JsonNamingTheWeights_IsRefused()
    {
        string w = PathOf("rbm.npy");
        Npy.Write(w, new NamedTensor("W", "F64", [2, 2], [0.1, -0.2, 0.3, 0.05]));
        var before = File.ReadAllBytes(w);
        AssertBadInput(Cli("classic", "rbm", "--weights", w, "--json", w, "--out", PathOf("o")), ["--json", "--weights"]);
        Assert.That(File.ReadAllBytes(w), Is.EqualTo(before));
    }

    [Test]
    public void FileIdentity_RecognisesHardAndSymbolicLinksAndTellsDifferentFilesApart()
    {
        string a = PathOf("a.txt"), b = PathOf("b.txt"), hard = PathOf("hard.txt"), soft = PathOf("soft.txt");
        File.WriteAllText(a, "a");
        File.WriteAllText(b, "a");
        HardLink(a, hard);
        File.CreateSymbolicLink(soft, a);
        Assert.That(FileIdentity.Of(a), Is.Not.Null, "statx gives the identity on Linux");
        Assert.That(FileIdentity.Same(a, hard), Is.True);
        Assert.That(FileIdentity.Same(a, soft), Is.True);
        Assert.That(FileIdentity.Same(hard, soft), Is.True);
        Assert.That(FileIdentity.Same(a, b), Is.False);
        Assert.That(FileIdentity.Same(PathOf("new.json"), Path.Combine(Dir, "x", "..", "new.json")), Is.True, "paths of files that do not exist yet");
        Assert.That(FileIdentity.Same(PathOf("new.json"), PathOf("other.json")), Is.False);
    }
}

/// <summary>Row 4: numbers are read with the invariant culture and without thousands separators, by every option.</summary>
[TestFixture]
public class InvariantNumberTests : ReliabilityFixture
{
    [TestCase("--beta-max", "2,5", "2.5")]
    [TestCase("--level", "0,05", "0.05")]
    [TestCase("--curve-points", "1,000", "1000")]
    public void Analyze_NumberWithAComma_IsRefusedSuggestingTheIntendedNumber(string option, string value, string suggestion)
    {
        string net = InitNetwork();
        string json = PathOf("out.json");
        AssertBadInput(Cli("analyze", net, option, value, "--json", json), [$"{option} '{value}'", $"{option} {suggestion}"], json);
    }

    [Test]
    public void EveryNumericOptionOfEveryCommand_RefusesADecimalComma()
    {
        var numeric = new[] { typeof(double), typeof(double?), typeof(float), typeof(float?), typeof(int), typeof(int?), typeof(long), typeof(long?) };
        int checkedOptions = 0;
        foreach (var cmd in AllCommands(Root()))
        {
            foreach (var o in cmd.Options.Where(o => numeric.Contains(o.ValueType) && !o.Hidden))
            {
                var args = PathOf(cmd).Split(' ').Skip(1).Append(o.Name).Append("2,5").ToArray();
                var r = Cli(args);
                Assert.That(r.ExitCode, Is.EqualTo(2), $"{string.Join(" ", args)}: {r.Stdout}");
                Assert.That(r.Stderr, Does.Contain($"{o.Name} '2,5'"), string.Join(" ", args));
                bool whole = o.ValueType == typeof(int) || o.ValueType == typeof(int?) || o.ValueType == typeof(long) || o.ValueType == typeof(long?);
                Assert.That(r.Stderr, Does.Contain(whole ? $"{o.Name} 25" : $"{o.Name} 2.5"), string.Join(" ", args));
                checkedOptions++;
            }
        }
        Assert.That(checkedOptions, Is.GreaterThan(60), "the survey covers the numeric options of every command");
    }

    [Test]
    public void NumbersWithADecimalPoint_MeanTheSameUnderACultureWithADecimalComma()
    {
        string net = InitNetwork();
        string json = PathOf("out.json");
        var saved = CultureInfo.CurrentCulture;
        try
        {
            CultureInfo.CurrentCulture = CultureInfo.GetCultureInfo("de-DE");
            var r = Cli("analyze", net, "--level", "0.05", "--beta-max", "2.5", "--json", json);
            Assert.That(r.ExitCode, Is.EqualTo(0), r.Stderr);
        }
        finally
        {
            CultureInfo.CurrentCulture = saved;
        }
        var j = JsonDocument.Parse(File.ReadAllText(json)).RootElement;
        Assert.That(j.GetProperty("level").GetDouble(), Is.EqualTo(0.05));
    }

    [Test]
    public void WholeNumberTooLargeForItsType_IsRefusedWithItsRange()
    {
        AssertBadInput(Cli("analyze", InitNetwork(), "--curve-points", "2147483648"), ["--curve-points '2147483648'", "2147483647"]);
    }
}

/// <summary>Row 6: the outputs of one command appear together or not at all.</summary>
[TestFixture, NonParallelizable]
public class OutputsTogetherTests : ReliabilityFixture
{
    [TearDown]
    public void NoFault() => OutputSet.FaultForTests = null;

    [Test]
    public void Analyze_WhenWritingTheCurveFails_NeitherJsonNorCurveRemains()
    {
        string net = InitNetwork();
        string json = PathOf("a.json"), curve = PathOf("a.csv");
        OutputSet.FaultForTests = (stage, path) => stage == "write" && path == curve ? new IOException("No space left on device") : null;
        AssertBadInput(Cli("analyze", net, "--json", json, "--curve", curve), ["a.csv", "No space left on device"], json, curve);
    }

    [Test]
    public void Analyze_WhenMovingTheCurveInFails_TheJsonAlreadyMovedIsRemovedAndTheOldOneRestored()
    {
        string net = InitNetwork();
        string json = PathOf("a.json"), curve = PathOf("a.csv");
        File.WriteAllText(json, "old");
        OutputSet.FaultForTests = (stage, path) => stage == "move" && path == curve ? new IOException("rename failed") : null;
        var r = Cli("analyze", net, "--json", json, "--curve", curve);
        Assert.That(r.ExitCode, Is.EqualTo(2), r.Stderr);
        Assert.That(File.ReadAllText(json), Is.EqualTo("old"), "the file the run would have replaced is back");
        Assert.That(File.Exists(curve), Is.False);
        Assert.That(Directory.GetFiles(Dir).Select(Path.GetFileName), Is.EquivalentTo(new[] { "a.json", "net.safetensors" }), "no temporary or backup files left");
    }

    [Test]
    public void Analyze_CurveInADirectoryThatCannotBeCreated_LeavesNoJson()
    {
        string net = InitNetwork();
        string json = PathOf("a.json");
        File.WriteAllText(PathOf("file"), "x");
        AssertBadInput(Cli("analyze", net, "--json", json, "--curve", Path.Combine(PathOf("file"), "a.csv")), ["--curve", "is a file"], json);
    }

    [Test]
    public void ClassicCurieWeiss_WhenOneFileFails_NoneOfItsFilesNorTheJsonRemain()
    {
        string outDir = PathOf("cw"), json = PathOf("cw.json");
        OutputSet.FaultForTests = (stage, path) => stage == "write" && Path.GetFileName(path) == "distribution.png" ? new IOException("No space left on device") : null;
        var r = Cli("classic", "curie-weiss", "--temperature", "0.5", "--sizes", "10", "--points", "11", "--out", outDir, "--json", json);
        AssertBadInput(r, ["distribution.png", "No space left on device"], json);
        Assert.That(Directory.Exists(outDir) ? Directory.GetFileSystemEntries(outDir) : [], Is.Empty, "no file of the set remains");
    }

    [Test]
    public void ClassicCurieWeiss_OneOutputNameTakenByADirectory_IsRefusedBeforeAnythingIsWritten()
    {
        string outDir = PathOf("cw"), json = PathOf("cw.json");
        Directory.CreateDirectory(Path.Combine(outDir, "magnetization.png"));
        var r = Cli("classic", "curie-weiss", "--temperature", "0.5", "--sizes", "10", "--points", "11", "--out", outDir, "--json", json);
        AssertBadInput(r, ["magnetization.png", "directory"], json, Path.Combine(outDir, "magnetization.csv"));
    }

    [Test]
    public void OutputSet_WritesEverythingOrNothing()
    {
        string a = PathOf("a.txt"), b = PathOf(Path.Combine("sub", "b.bin"));
        using (var set = new OutputSet())
        {
            set.AddText(a, "A").AddBytes(b, [1, 2]);
            Assert.That(set.Commit(), Is.EqualTo(new[] { a, b }));
        }
        Assert.That(File.ReadAllText(a), Is.EqualTo("A"));
        Assert.That(File.ReadAllBytes(b), Is.EqualTo(new byte[] { 1, 2 }));

        string c = PathOf(Path.Combine("new", "c.txt")), d = PathOf("d.txt");
        using (var set = new OutputSet())
        {
            set.AddText(c, "C").Add(d, _ => throw new IOException("disk full"));
            var e = Assert.Throws<UsageException>(() => set.Commit())!;
            Assert.That(e.Message, Does.Contain("d.txt").And.Contain("disk full"));
        }
        Assert.That(File.Exists(c) || File.Exists(d), Is.False);
        Assert.That(Directory.Exists(PathOf("new")), Is.False, "a directory the set created is removed again");
        Assert.That(Directory.GetFiles(Dir, "*", SearchOption.AllDirectories).Select(Path.GetFileName), Is.EquivalentTo(new[] { "a.txt", "b.bin" }));
    }

    [Test]
    public void OutputSet_StagedFileKeepsItsExtensionAndIsMovedInOnCommit()
    {
        string e = PathOf("ens.bin");
        using var set = new OutputSet();
        string staged = set.Stage(e);
        Assert.That(Path.GetExtension(staged), Is.EqualTo(".bin"));
        File.WriteAllText(staged, "x");
        Assert.That(File.Exists(e), Is.False);
        set.Commit();
        Assert.That(File.ReadAllText(e), Is.EqualTo("x"));
        Assert.That(File.Exists(staged), Is.False);
    }
}

/// <summary>Row 10: upper bounds of --threads and --curve-points.</summary>
[TestFixture, NonParallelizable]
public class UpperBoundTests : ReliabilityFixture
{
    [Test]
    public void Analyze_ThreadsAboveTheProcessorCount_IsRefused()
    {
        string json = PathOf("out.json");
        AssertBadInput(Cli("analyze", InitNetwork(), "--threads", "100000", "--json", json),
            ["--threads 100000", $"{Environment.ProcessorCount} processors", ArgParsing.ForceThreadsVariable], json);
    }

    [Test]
    public void Analyze_ThreadsAboveTheProcessorCount_AcceptedWhenForced()
    {
        using var force = new EnvironmentVariable(ArgParsing.ForceThreadsVariable, "1");
        var r = Cli("analyze", InitNetwork(), "--threads", (Environment.ProcessorCount + 1).ToString(CultureInfo.InvariantCulture));
        Assert.That(r.ExitCode, Is.EqualTo(0), r.Stderr);
        Assert.That(Cli("analyze", InitNetwork(), "--threads", "1").ExitCode, Is.EqualTo(0), "back to one libtorch thread for the other tests");
    }

    [Test]
    public void ThreadsEnvironmentVariableAboveTheProcessorCount_IsRefused()
    {
        using var env = new EnvironmentVariable("NEURALSPIN_THREADS", "100000");
        AssertBadInput(Cli("analyze", InitNetwork()), ["NEURALSPIN_THREADS", $"{Environment.ProcessorCount} processors"]);
    }

    [TestCase("trajectory", "RUN")]
    [TestCase("classic", "sk")]
    [TestCase("train", "--program")]
    public void EveryThreadsOption_RefusesMoreThreadsThanProcessors(string command, string second)
    {
        var args = command switch
        {
            "trajectory" => new[] { "trajectory", Dir, "--threads", "100000" },
            "classic" => ["classic", "sk", "--threads", "100000", "--out", PathOf("sk")],
            _ => ["train", "--program", "standard", "--threads", "100000", "--out", PathOf("run")],
        };
        AssertBadInput(Cli(args), ["--threads 100000", "processors"]);
    }

    [Test]
    public void Analyze_CurvePointsAboveTheMaximum_IsRefused()
    {
        string curve = PathOf("c.csv");
        AssertBadInput(Cli("analyze", InitNetwork(), "--curve-points", (ArgParsing.MaxCurvePoints + 1).ToString(CultureInfo.InvariantCulture), "--curve", curve),
            ["--curve-points", ArgParsing.MaxCurvePoints.ToString(CultureInfo.InvariantCulture)], curve);
        AssertBadInput(Cli("analyze", InitNetwork(), "--curve-points", "2147483647", "--curve", curve), ["--curve-points 2147483647"], curve);
    }
}

/// <summary>Row 11: output locations are checked before the work, in every command with outputs.</summary>
[TestFixture]
public class OutputLocationCheckedFirstTests : ReliabilityFixture
{
    [Test]
    public void Analyze_JsonWhereNoFileCanBeCreated_IsRefusedBeforeTheWeightsAreRead()
    {
        // the weights file does not exist: a refusal naming --json shows that the output was checked first
        AssertBadInput(Cli("analyze", PathOf("missing.safetensors"), "--json", "/proc/x.json"), ["--json '/proc/x.json'", "cannot be written", "/proc"]);
    }

    [Test]
    public void ClassicCurieWeiss_JsonWhereNoFileCanBeCreated_IsRefusedBeforeTheSweep()
    {
        AssertBadInput(Cli("classic", "curie-weiss", "--temperature", "0.5", "--json", "/proc/x.json", "--out", PathOf("cw")), ["--json '/proc/x.json'", "cannot be written"]);
        Assert.That(Directory.Exists(PathOf("cw")), Is.False);
    }

    static IEnumerable<TestCaseData> Commands()
    {
        yield return new TestCaseData("replica --widths 10,5 --c 2 --json {0}", "--json").SetName("Replica_JsonInProc");
        yield return new TestCaseData("init --widths 10,5 --c 2 --seed 1 --out {0}.safetensors", "--out").SetName("Init_OutInProc");
        yield return new TestCaseData("ising enumerate --model {model} --json {0}", "--json").SetName("IsingEnumerate_JsonInProc");
        yield return new TestCaseData("ising bethe --model {model} --json {0}", "--json").SetName("IsingBethe_JsonInProc");
        yield return new TestCaseData("ising tap --model {model} --json {0}", "--json").SetName("IsingTap_JsonInProc");
        yield return new TestCaseData("ising sample --model {model} --samples 5 --out {0}.npy", "--out").SetName("IsingSample_OutInProc");
        yield return new TestCaseData("ising fit --configs {model} --method mf --out {0}.npz", "--out").SetName("IsingFit_OutInProc");
        yield return new TestCaseData("ensemble merge {0}.ens {model}", "OUT").SetName("EnsembleMerge_OutInProc");
        yield return new TestCaseData("classic hopfield --out {0}", "--out").SetName("ClassicHopfield_OutInProc");
        yield return new TestCaseData("classic sk --out {0}", "--out").SetName("ClassicSk_OutInProc");
        yield return new TestCaseData("classic rbm --demo --out {0}", "--out").SetName("ClassicRbm_OutInProc");
        yield return new TestCaseData("train --program standard --out {0}", "--out").SetName("Train_OutInProc");
    }

    [TestCaseSource(nameof(Commands))]
    public void OutputWhereNoFileCanBeCreated_IsRefusedBeforeTheWork(string line, string option)
    {
        string model = WriteModel(IsingReference.RandomModel(5, new Random(3), scale: 0.5, fieldScale: 0.3, beta: 1));
        var args = line.Replace("{model}", model).Replace("{0}", "/proc/neuralspin-x").Split(' ');
        AssertBadInput(Cli(args), [option, "cannot be written", "/proc"]);
    }
}

/// <summary>Row 14: messages in the user's terms.</summary>
[TestFixture]
public class UserTermsTests : ReliabilityFixture
{
    [Test]
    public void IsingModel_GivenADirectory_SaysItIsADirectoryNotAFile()
    {
        Directory.CreateDirectory(PathOf("models"));
        AssertBadInput(Cli("ising", "enumerate", "--model", PathOf("models"), "--json", PathOf("o.json")), ["--model", "is a directory, not a file"]);
    }

    [Test]
    public void EnsembleMerge_ShardGivenAsADirectory_SaysItIsADirectoryNotAFile()
    {
        Directory.CreateDirectory(PathOf("shards"));
        AssertBadInput(Cli("ensemble", "merge", PathOf("all.ens"), PathOf("shards")), ["is a directory, not a file"]);
    }

    [Test]
    public void NumberThatDoesNotParse_NamesNoDotNetType()
    {
        var r = Cli("analyze", InitNetwork(), "--level", "abc");
        AssertBadInput(r, ["--level 'abc'", "number"]);
        Assert.That(r.Stderr, Does.Not.Contain("System.").And.Not.Contain("Nullable"));
    }

    [Test]
    public void Train_BadLearningRate_NamesTheOptionAndNoParameter()
    {
        var r = Cli("train", "--program", "standard", "--lr", "0", "--out", PathOf("run"));
        AssertBadInput(r, ["--lr", "learning rate"]);
        Assert.That(r.Stderr, Does.Not.Contain("(Parameter").And.Not.Contain("LearningRate"));
    }

    [Test]
    public void UserText_DropsParameterNamesAndTypeNames()
    {
        Assert.That(CliIO.UserText("value must be positive (Parameter 'Epochs')"), Is.EqualTo("value must be positive"));
        Assert.That(CliIO.UserText("Cannot parse argument 'x' for option '--n' as expected type 'System.Nullable`1[System.Int32]'."),
            Is.EqualTo("Cannot parse argument 'x' for option '--n' as a whole number."));
    }

    [Test]
    public void MissingMnist_AdviceNamesTheCliCommandNotALibraryApi()
    {
        Directory.CreateDirectory(PathOf("mnist"));
        var e = Assert.Catch<Exception>(() => MnistDataset.Load(PathOf("mnist")))!;
        Assert.That(e.Message, Does.Contain("neuralspin data mnist").And.Not.Contain("MnistFetcher"));
    }
}

/// <summary>Row 15: long commands print plain periodic progress on stderr when the output is not a terminal.</summary>
[TestFixture, NonParallelizable]
public class PlainProgressTests : ReliabilityFixture
{
    [Test]
    public void Analyze_NotOnATerminal_PrintsPeriodicProgressLinesOnStderr()
    {
        string net = InitNetwork("big.safetensors", widths: "300,300,300");
        using var every = new EnvironmentVariable("NEURALSPIN_PROGRESS_SECONDS", "0.02");
        var r = Cli("analyze", net, "--curve", PathOf("c.csv"), "--curve-points", "400");
        Assert.That(r.ExitCode, Is.EqualTo(0), r.Stderr);
        Assert.That(r.Stderr, Does.Contain("progress: analyze").And.Contain("elapsed"));
        Assert.That(r.Stderr.Split('\n').Where(l => l.Length > 0), Has.All.StartsWith("progress: "));
    }

    [Test]
    public void IsingEnumerate_NotOnATerminal_PrintsDoneOutOfTotal()
    {
        var model = IsingReference.RandomModel(24, new Random(5), scale: 0.3, fieldScale: 0.1, beta: 1);
        string path = WriteModel(model);
        using var every = new EnvironmentVariable("NEURALSPIN_PROGRESS_SECONDS", "0.01");
        var r = Cli("ising", "enumerate", "--model", path, "--json", PathOf("e.json"));
        Assert.That(r.ExitCode, Is.EqualTo(0), r.Stderr);
        Assert.That(r.Stderr, Does.Match(@"progress: enumerating 2\^24 states \(chunks\) \d+/64"));
    }

    [Test]
    public void WithoutAnyInterval_AShortRunPrintsNothing()
    {
        var r = Cli("analyze", InitNetwork());
        Assert.That(r.ExitCode, Is.EqualTo(0));
        Assert.That(r.Stderr, Is.Empty);
    }

    [Test]
    public void Line_HasStageDoneTotalElapsedAndEta()
    {
        using var p = new PlainProgress(new StringWriter(), "sweep", 10);
        p.Stage("curve", 8);
        p.Report(2);
        Assert.That(p.Line(), Does.Match(@"^progress: sweep: curve 2/8 \(25%\), elapsed \d+ s, ETA \d+ s$"));
    }
}

/// <summary>Options with the same meaning share their name; every --out says whether it is a file or a directory.</summary>
[TestFixture]
public class OptionNamingTests : ReliabilityFixture
{
    [Test]
    public void EnsembleCollect_LearningRate_IsNamedLrLikeInTrain_WithTheOldNameAsAnAlias()
    {
        var collect = AllCommands(Root()).Single(c => PathOf(c) == "neuralspin ensemble collect");
        var train = AllCommands(Root()).Single(c => PathOf(c) == "neuralspin train");
        Assert.That(collect.Options.Select(o => o.Name), Does.Contain("--lr"));
        Assert.That(train.Options.Select(o => o.Name), Does.Contain("--lr"));
        Assert.That(collect.Options.Single(o => o.Name == "--lr").Aliases, Does.Contain("--learning-rate"));
    }

    [Test]
    public void EnsembleCollect_OldLearningRateName_PrintsANotice()
    {
        var r = Cli("ensemble", "collect", "--trainings", "0", "--samples-per-training", "1", "--threshold", "0.5", "--learning-rate", "0.2", "--out", PathOf("e.ens"));
        Assert.That(r.ExitCode, Is.EqualTo(2));
        Assert.That(r.Stdout, Does.Contain("--learning-rate is now called --lr"));
        Assert.That(r.Stderr, Does.Contain("--trainings 0"));
    }

    [Test]
    public void EveryOutOption_SaysWhetherItIsAFileOrADirectory()
    {
        foreach (var cmd in AllCommands(Root()))
            foreach (var o in cmd.Options.Where(o => o.Name == "--out"))
                Assert.That(o.Description, Does.Contain("file").Or.Contain("directory"), PathOf(cmd));
    }

    [Test]
    public void EveryThreadsOption_StatesItsDefaultAndBoundTheSameWay()
    {
        var expected = ArgParsing.LibtorchThreadsOption().Description;
        // reproduce paper1/paper2 have their own texts (ReproduceCommand is maintained elsewhere)
        foreach (var cmd in AllCommands(Root()).Where(c => !PathOf(c).StartsWith("neuralspin reproduce", StringComparison.Ordinal)))
            foreach (var o in cmd.Options.Where(o => o.Name == "--threads"))
                Assert.That(o.Description, Is.EqualTo(expected), PathOf(cmd));
    }
}
