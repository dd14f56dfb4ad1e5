using System.Security.Cryptography;
using System.Text.Json;
using NUnit.Framework;
using NeuralSpin.Tests.Support;

namespace NeuralSpin.Tests.Golden;

/// <summary>
/// The regeneration of the untrained golden cases, into a temporary root: it reproduces the committed files (the same
/// weights byte for byte, the same meta.json apart from the versions in made_with, the same reference values and
/// tolerances in expected.json) and it leaves every committed file under golden/ untouched. So the committed
/// expected.json is what <see cref="IndependentReference"/> computes from the committed input, and regenerating cannot
/// change what GoldenTests compare with.
/// </summary>
[TestFixture, NonParallelizable]
public class GoldenReferenceTests
{
    /// <summary>
    /// The reference run twice on the same input is the same deterministic managed code; 1e-12 relative (spectra: of the
    /// spectral radius) leaves room only for another platform's rounding, not for another method or input.
    /// </summary>
    const double ReproducedRelative = 1e-12;

    /// <summary>The reference's curve minimum is a bisection on the sign of a slope with rounding ~1e-12: 1e-10 relative.</summary>
    const double ReproducedLocationRelative = 1e-10;

    public static IEnumerable<string> Cases => GoldenCases.Names;

    static string TempRoot() => Path.Combine(Path.GetTempPath(), "neuralspin-golden-" + Guid.NewGuid().ToString("N"));

    /// <summary>SHA-256 of every committed file under golden/ (the review folder .regenerated/ excluded), by relative path.</summary>
    static SortedDictionary<string, string> CommittedHashes()
    {
        string root = GoldenFiles.GoldenRoot;
        var hashes = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var f in Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories))
        {
            string rel = Path.GetRelativePath(root, f);
            if (rel.StartsWith(GoldenFiles.RegeneratedFolder + Path.DirectorySeparatorChar, StringComparison.Ordinal)) continue;
            hashes[rel] = Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(f)));
        }
        return hashes;
    }

    [TestCaseSource(nameof(Cases))]
    public void Regeneration_IntoATemporaryRoot_ReproducesTheCommittedFiles_AndLeavesGoldenUntouched(string name)
    {
        var c = GoldenCases.Get(name);
        var before = CommittedHashes();
        string root = TempRoot();
        try
        {
            var written = GoldenFiles.Regenerate(c, root);
            Assert.That(written.Select(Path.GetFullPath), Is.All.StartsWith(Path.GetFullPath(root)), "regeneration writes only under its output root");
            Assert.That(CommittedHashes(), Is.EqualTo(before), "regeneration changed a committed file under golden/");

            var status = GoldenFiles.CompareWithCommitted(c, root).ToDictionary(f => Path.GetFileName(f.File), f => f.Status);
            Assert.That(status["input.safetensors"], Is.EqualTo("identical"), $"{name}: the generator no longer gives the committed weights");
            Assert.That(status["meta.json"], Does.StartWith("identical"), $"{name}: meta.json");

            var committed = GoldenFiles.ReadExpected(name);
            var fresh = GoldenFiles.ReadExpectedFile(Path.Combine(root, name, "expected.json"));
            AssertReproduced(committed, fresh);
            Assert.That(GoldenTolerances.Read(Path.Combine(root, name, "expected.json")), Is.EqualTo(GoldenTolerances.Read(GoldenFiles.ExpectedPath(name))), "tolerances");
            TestContext.Out.WriteLine($"{name}: expected.json {status["expected.json"]}");
        }
        finally
        {
            if (Directory.Exists(root)) Directory.Delete(root, recursive: true);
        }
    }

    static void AssertReproduced(GoldenExpected e, GoldenExpected f)
    {
        Assert.That(f.NSpins, Is.EqualTo(e.NSpins), "n_spins");
        Assert.That(f.Widths, Is.EqualTo(e.Widths), "widths");
        Assert.That(f.Level, Is.EqualTo(e.Level), "level");
        double rJ = Math.Max(Math.Abs(e.SpectrumJ[0]), Math.Abs(e.SpectrumJ[^1]));
        double rTap = Math.Max(Math.Abs(e.SpectrumTap[0]), Math.Abs(e.SpectrumTap[^1]));
        NumericAssert.AllEqual(e.CouplingVarianceC, f.CouplingVarianceC, 0, ReproducedRelative, "coupling_variance_c");
        NumericAssert.AreEqualRelative(e.TcReplica, f.TcReplica, ReproducedRelative, "tc_replica");
        NumericAssert.AreEqualRelative(e.LambdaMinR, f.LambdaMinR, ReproducedRelative, "lambda_min_r");
        NumericAssert.AreEqualAbsolute(e.LambdaMaxJ, f.LambdaMaxJ, ReproducedRelative * rJ, "lambda_max_j");
        NumericAssert.AllEqual(e.SpectrumJ, f.SpectrumJ, ReproducedRelative * rJ, 0, "spectrum_j");
        Same(e.BetaC, f.BetaC, ReproducedRelative, "beta_c");
        Same(e.Tc, f.Tc, ReproducedRelative, "tc");
        Same(e.BetaCCorrected, f.BetaCCorrected, ReproducedRelative, "beta_c_corrected");
        Same(e.TcCorrected, f.TcCorrected, ReproducedRelative, "tc_corrected");
        NumericAssert.AreEqualRelative(e.CurveMinBeta, f.CurveMinBeta, ReproducedLocationRelative, "curve_min_beta");
        NumericAssert.AreEqualAbsolute(e.CurveMinLambda, f.CurveMinLambda, ReproducedRelative, "curve_min_lambda");
        bool fromCrossing = e.BetaCCorrected.HasValue || e.BetaC.HasValue;
        NumericAssert.AreEqualRelative(e.SpacingBeta, f.SpacingBeta, fromCrossing ? ReproducedRelative : ReproducedLocationRelative, "spacing_beta");
        // the spectrum of I - M at a spacing_beta that may differ by db moves by at most |db| ||J|| + |b^2 - b'^2| max d (Weyl)
        double db = Math.Abs(e.SpacingBeta - f.SpacingBeta);
        double shift = db * rJ + Math.Abs(e.SpacingBeta * e.SpacingBeta - f.SpacingBeta * f.SpacingBeta) * -e.LambdaMinR;
        NumericAssert.AllEqual(e.SpectrumTap, f.SpectrumTap, ReproducedRelative * rTap + shift, 0, "spectrum_tap");
        Same(e.FirstLevelSpacingRatio, f.FirstLevelSpacingRatio, 1e-8, "first_level_spacing_ratio");
    }

    static void Same(double? expected, double? actual, double relative, string what)
    {
        Assert.That(actual.HasValue, Is.EqualTo(expected.HasValue), $"{what}: committed {expected}, regenerated {actual}");
        if (expected is double v) NumericAssert.AreEqualRelative(v, actual!.Value, relative, what);
    }

    /// <summary>Regeneration refuses to write into the committed golden/ folder, however the path is spelt.</summary>
    [Test]
    public void Regenerate_RefusesTheCommittedRoot()
    {
        var c = GoldenCases.All[0];
        var before = CommittedHashes();
        string root = GoldenFiles.GoldenRoot;
        foreach (var spelt in new[] { root, root + Path.DirectorySeparatorChar, Path.Combine(root, c.Name, "..") })
            Assert.Throws<ArgumentException>(() => GoldenFiles.Regenerate(c, spelt), spelt);
        Assert.That(CommittedHashes(), Is.EqualTo(before));
    }

    /// <summary>
    /// A regenerated expected.json that disagrees with the committed one is reported with the differing field, and the
    /// comparisons keep reading the committed file: a changed value under the review root changes nothing the tests see.
    /// </summary>
    [Test]
    public void ChangedRegeneratedValue_IsReported_AndTheTestsStillReadTheCommittedFile()
    {
        var c = GoldenCases.All.First(x => x.Spike is not null && x.Level is not null);
        string root = TempRoot();
        try
        {
            string dir = Path.Combine(root, c.Name);
            Directory.CreateDirectory(dir);
            foreach (var f in GoldenFiles.CaseFiles) File.Copy(Path.Combine(GoldenFiles.CaseDir(c.Name), f), Path.Combine(dir, f));
            Assert.That(GoldenFiles.CompareWithCommitted(c, root).Select(f => f.Status), Is.All.EqualTo("identical"));

            var committed = GoldenFiles.ReadExpected(c.Name);
            string path = Path.Combine(dir, "expected.json");
            var node = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(path))!;
            node["beta_c_corrected"] = committed.BetaCCorrected!.Value * (1 + 1e-3);
            File.WriteAllText(path, node.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));

            var status = GoldenFiles.CompareWithCommitted(c, root).Single(f => f.File.EndsWith("expected.json")).Status;
            Assert.That(status, Is.EqualTo("differs: beta_c_corrected"));
            Assert.That(GoldenFiles.ReadExpected(c.Name).BetaCCorrected, Is.EqualTo(committed.BetaCCorrected), "the tests read golden/<case>/expected.json");
        }
        finally
        {
            if (Directory.Exists(root)) Directory.Delete(root, recursive: true);
        }
    }
}
