using NeuralSpin.Cli;
using NUnit.Framework;

namespace NeuralSpin.Tests.Cli;

/// <summary>The outcome of one in-process CLI run.</summary>
public sealed record CliRun(int ExitCode, string Stdout, string Stderr);

/// <summary>A fresh temporary directory per test and an in-process runner of the CLI.</summary>
public abstract class CliFixture
{
    protected string Dir { get; private set; } = "";

    [SetUp]
    public void CreateDir()
    {
        Dir = Path.Combine(Path.GetTempPath(), "neuralspin-cli-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Dir);
    }

    [TearDown]
    public void RemoveDir()
    {
        if (Directory.Exists(Dir)) Directory.Delete(Dir, recursive: true);
    }

    protected string PathOf(string name) => Path.Combine(Dir, name);

    /// <summary>Runs <c>neuralspin args...</c> through <see cref="CliApp.Run"/>, capturing both streams.</summary>
    protected static CliRun Cli(params string[] args)
    {
        var o = new StringWriter();
        var e = new StringWriter();
        int code = CliApp.Run(args, o, e);
        return new CliRun(code, o.ToString(), e.ToString());
    }

    /// <summary>A small Kaiming network written by <c>init</c>.</summary>
    protected string InitNetwork(string name = "net.safetensors", int seed = 1, string widths = "20,15,10", string c = "2")
    {
        string p = PathOf(name);
        var r = Cli("init", "--widths", widths, "--c", c, "--seed", seed.ToString(), "--out", p);
        Assert.That(r.ExitCode, Is.EqualTo(0), r.Stderr);
        return p;
    }

    /// <summary>
    /// Asserts the bad-input contract: exit code 2, one <c>error: ...</c> paragraph on stderr naming
    /// every fragment, no stack trace, and none of <paramref name="outputs"/> (nor any temporary file next
    /// to them) created.
    /// </summary>
    protected void AssertBadInput(CliRun r, string[] fragments, params string[] outputs)
    {
        Assert.That(r.ExitCode, Is.EqualTo(2), $"stdout: {r.Stdout}\nstderr: {r.Stderr}");
        Assert.That(r.Stderr, Does.StartWith("error: "));
        Assert.That(r.Stderr.TrimEnd('\n', '\r'), Does.Not.Contain("\n"), "one paragraph");
        Assert.That(r.Stderr, Does.Not.Contain("   at "), "no stack trace");
        foreach (var f in fragments) Assert.That(r.Stderr, Does.Contain(f));
        foreach (var o in outputs)
        {
            Assert.That(File.Exists(o), Is.False, $"{o} must not be created");
            string dir = Path.GetDirectoryName(o)!;
            if (Directory.Exists(dir))
                Assert.That(Directory.GetFiles(dir, Path.GetFileName(o) + ".tmp-*"), Is.Empty, "no temporary file left");
        }
    }
}
