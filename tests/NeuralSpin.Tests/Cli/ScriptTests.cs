using NUnit.Framework;

namespace NeuralSpin.Tests.Cli;

[TestFixture]
public sealed class ScriptTests
{
    static string RepoRoot()
    {
        var d = new DirectoryInfo(TestContext.CurrentContext.TestDirectory);
        while (d != null && !File.Exists(Path.Combine(d.FullName, "Verification.sln"))) d = d.Parent;
        Assert.That(d, Is.Not.Null, "repository root (Verification.sln) not found above the test directory");
        return d!.FullName;
    }

    [Test]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public void NeuralspinScriptExistsAndIsExecutable()
    {
        string script = Path.Combine(RepoRoot(), "neuralspin");
        Assert.That(File.Exists(script), Is.True);
        var mode = File.GetUnixFileMode(script);
        Assert.That(mode.HasFlag(UnixFileMode.UserExecute), Is.True, $"mode {mode}");
        Assert.That(mode.HasFlag(UnixFileMode.OtherExecute), Is.True, $"mode {mode}");
        string text = File.ReadAllText(script);
        Assert.That(text, Does.StartWith("#!/usr/bin/env bash"));
        Assert.That(text, Does.Contain("NeuralSpin.Cli.dll"));
    }

    [Test]
    public void BundledExampleExists()
    {
        string example = Path.Combine(RepoRoot(), "examples", "kaiming-784-512-512-512-10.safetensors");
        Assert.That(File.Exists(example), Is.True);
        var w = NeuralSpin.IO.WeightFile.Load(example);
        Assert.That(w.Widths, Is.EqualTo(new[] { 784, 512, 512, 512, 10 }));
        Assert.That(w.Metadata["seed"], Is.EqualTo("1"));
    }
}
