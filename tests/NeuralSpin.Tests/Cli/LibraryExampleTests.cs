using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using NUnit.Framework;
using NeuralSpin.Analysis;
using NeuralSpin.IO;

namespace NeuralSpin.Tests.Cli;

/// <summary>
/// The README's library example, <c>examples/library/quickstart.cs</c>, runs as a .NET file-based program
/// (<c>dotnet run FILE</c>) and prints what the library gives in this process: the analysis of the bundled network
/// (same file, same options) and a pseudolikelihood fit that recovers the planted coupling.
/// </summary>
[TestFixture, NonParallelizable]
public sealed partial class LibraryExampleTests
{
    static string RepoRoot()
    {
        var d = new DirectoryInfo(TestContext.CurrentContext.TestDirectory);
        while (d != null && !File.Exists(Path.Combine(d.FullName, "Verification.sln"))) d = d.Parent;
        Assert.That(d, Is.Not.Null, "repository root (Verification.sln) not found above the test directory");
        return d!.FullName;
    }

    [GeneratedRegex(@"replica T_c = ([0-9.]+), corrected T_c\(c0 = 0\.05\) = ([0-9.]+)")]
    private static partial Regex AnalysisLine();

    [GeneratedRegex(@"J_01 = ([-0-9.]+)")]
    private static partial Regex FitLine();

    [Test]
    public void QuickStart_RunsAndPrintsTheLibrarysNumbers()
    {
        string root = RepoRoot();
        string script = Path.Combine(root, "examples", "library", "quickstart.cs");
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = Path.GetTempPath() };
        psi.ArgumentList.Add("run");
        psi.ArgumentList.Add(script);
        psi.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        psi.Environment["DOTNET_NOLOGO"] = "1";
        using var p = Process.Start(psi)!;
        var stderr = p.StandardError.ReadToEndAsync();
        string stdout = p.StandardOutput.ReadToEnd();
        Assert.That(p.WaitForExit(TimeSpan.FromMinutes(8)), Is.True, "the example did not finish within 8 minutes");
        Assert.That(p.ExitCode, Is.EqualTo(0), $"dotnet run {script} failed:\n{stdout}\n{stderr.Result}");

        var expected = NetworkAnalysis.Run(WeightFile.Load(Path.Combine(root, "examples", "kaiming-784-512-512-512-10.safetensors")).ToBondMatrix(),
            new AnalysisOptions { Level = 0.05 });
        var m = AnalysisLine().Match(stdout);
        Assert.That(m.Success, Is.True, stdout);
        // printed with 6 decimals: agreement to 5e-7 (+ rounding of the last digit)
        Assert.That(double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture), Is.EqualTo(expected.TcReplica).Within(1e-6));
        Assert.That(double.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture), Is.EqualTo(expected.TcCorrected!.Value).Within(1e-6));

        // pseudolikelihood on 20,000 exact samples: the standard error of one coupling is about 0.01, so 0.05 is 5 sigma
        var f = FitLine().Match(stdout);
        Assert.That(f.Success, Is.True, stdout);
        Assert.That(double.Parse(f.Groups[1].Value, CultureInfo.InvariantCulture), Is.EqualTo(0.6).Within(0.05));
        Assert.That(stdout, Does.Contain("SK: T* at N = 64"));
    }
}
