using System.Globalization;
using System.Runtime.CompilerServices;
using NUnit.Framework;
using NeuralSpin.Analysis;
using NeuralSpin.IO;
using NeuralSpin.Numerics;
using NeuralSpin.Spectra;
using NeuralSpin.Tap;
using Snapshooter.NUnit;

namespace NeuralSpin.Tests.Golden;

/// <summary>
/// Golden-file tests of the full network analysis (NetworkAnalysis.Run, the `analyze` command): for each
/// case of <see cref="GoldenCases"/>, the stored weights golden/&lt;case&gt;/input.safetensors are analysed
/// with the options of meta.json and every quantity is compared with expected.json, which holds the values of
/// <see cref="IndependentReference"/> (code that shares nothing with the library) and the tolerance of each field
/// (<see cref="GoldenTolerances"/>); then a rounded summary of the library's result goes through Snapshooter for
/// review by eye (a regression guard). The comparisons always read the committed files: regeneration
/// (NEURALSPIN_REGENERATE_GOLDEN=1, see golden/README.md) writes to golden/.regenerated/ for review and never into
/// golden/&lt;case&gt;/. libtorch is process-wide state, hence [NonParallelizable].
/// </summary>
[TestFixture, NonParallelizable]
public sealed class GoldenTests
{
    // ---- tolerances shared with the trained golden cases (GoldenTolerances gives the reasons) ----

    /// <summary>Spectra: 1e-10 of the spectral radius (<see cref="GoldenTolerances.SpectrumRelative"/>).</summary>
    internal const double SpectrumRelative = GoldenTolerances.SpectrumRelative;

    /// <summary>Crossings: 1e-9 relative (<see cref="GoldenTolerances.CrossingRelative"/>).</summary>
    internal const double CrossingRelative = GoldenTolerances.CrossingRelative;

    /// <summary>C_k, lambda_min(R), the replica T_c: 1e-12 relative (<see cref="GoldenTolerances.ManagedSumsRelative"/>).</summary>
    internal const double ManagedSumsRelative = GoldenTolerances.ManagedSumsRelative;

    static readonly Dictionary<string, AnalysisResult> Results = new();

    [OneTimeSetUp]
    public void LogEnvironment() => TestContext.Progress.WriteLine($"[golden] {GoldenFiles.EnvironmentLine()}");

    /// <summary>
    /// The regeneration entry point (ignored unless NEURALSPIN_REGENERATE_GOLDEN=1): writes every case of the table
    /// into golden/.regenerated/&lt;case&gt;/ (emptied first) and reports how each file compares with the committed one,
    /// and which folders of golden/ no case claims. Nothing under golden/&lt;case&gt;/ is written; accepting the new files
    /// is a copy by hand, reviewed with git diff (golden/README.md).
    /// </summary>
    [Test]
    public void Regenerate()
    {
        if (!GoldenFiles.RegenerationRequested)
            Assert.Ignore($"set {GoldenFiles.RegenerateVariable}=1 to regenerate the golden cases into {GoldenFiles.RegeneratedRoot} for review: {GoldenFiles.RegenerateCommand}");
        string root = GoldenFiles.RegeneratedRoot;
        if (Directory.Exists(root)) Directory.Delete(root, recursive: true);
        var report = new List<string>();
        foreach (var c in GoldenCases.All)
        {
            var watch = System.Diagnostics.Stopwatch.StartNew();
            var written = GoldenFiles.Regenerate(c, root);
            foreach (var f in written)
                Assert.That(File.Exists(f) && new FileInfo(f).Length > 0, Is.True, $"regenerated file {f}");
            foreach (var f in GoldenFiles.CompareWithCommitted(c, root))
                report.Add($"{f.File}: {f.Status}");
            TestContext.Progress.WriteLine($"[golden] regenerated {Path.Combine(root, c.Name)} in {watch.Elapsed.TotalSeconds:F1} s");
        }
        var claimed = GoldenCases.Names.Concat(TrainedGoldenCases.All.Select(t => t.Name)).ToHashSet();
        foreach (var d in Directory.GetDirectories(GoldenFiles.GoldenRoot).Select(Path.GetFileName))
            if (d != GoldenFiles.RegeneratedFolder && !claimed.Contains(d!))
                report.Add($"{d}/: no case in the table (delete the folder by hand if the case was removed)");
        TestContext.Out.WriteLine($"regenerated into {root}; compared with the committed golden/:\n" + string.Join("\n", report) +
            $"\nreview: diff -r golden/{GoldenFiles.RegeneratedFolder}/<case> golden/<case>; accept: cp golden/{GoldenFiles.RegeneratedFolder}/<case>/* golden/<case>/, then git diff and the golden tests");
    }

    static AnalysisResult Analyse(string caseName)
    {
        lock (Results)
        {
            if (Results.TryGetValue(caseName, out var r)) return r;
            var meta = GoldenFiles.ReadMeta(caseName);
            var j = WeightFile.Load(GoldenFiles.InputPath(caseName)).ToBondMatrix();
            r = NetworkAnalysis.Run(j, GoldenFiles.Options(meta.Level, meta.BetaMax));
            Results[caseName] = r;
            return r;
        }
    }

    [Test, TestCaseSource(typeof(GoldenCases), nameof(GoldenCases.Names))]
    public void Meta_MatchesCaseTable(string caseName)
    {
        var c = GoldenCases.Get(caseName);
        var m = GoldenFiles.ReadMeta(caseName);
        string hint = $"the case table in GoldenCases.cs changed without regenerating golden/{caseName}: run {GoldenFiles.RegenerateCommand}";
        Assert.Multiple(() =>
        {
            Assert.That(m.Widths, Is.EqualTo(c.Widths), $"{caseName}: widths; {hint}");
            Assert.That(m.C, Is.EqualTo(c.C), $"{caseName}: c; {hint}");
            Assert.That(m.Seed, Is.EqualTo(c.Seed), $"{caseName}: seed; {hint}");
            Assert.That(m.Spike, Is.EqualTo(c.Spike), $"{caseName}: spike; {hint}");
            Assert.That(m.Level, Is.EqualTo(c.Level), $"{caseName}: level; {hint}");
            Assert.That(m.BetaMax, Is.EqualTo(c.BetaMax), $"{caseName}: beta_max; {hint}");
        });
    }

    /// <summary>
    /// Guards against generator drift: the stored F64 weights equal, bit for bit, a fresh
    /// BondMatrix.Sample(widths, c, new Random(seed)). (The analysis tests use the stored file, so they
    /// do not depend on this; if only this fails, the sampler or its RNG/libm changed.)
    /// </summary>
    [Test, TestCaseSource(typeof(GoldenCases), nameof(GoldenCases.Names))]
    public void Input_ReproducesGenerator_Bitwise(string caseName)
    {
        var c = GoldenCases.Get(caseName);
        var loaded = WeightFile.Load(GoldenFiles.InputPath(caseName));
        Assert.That(loaded.Layers.Select(l => l.DType), Is.All.EqualTo("F64"), $"{caseName}: input.safetensors must hold F64 tensors");
        var stored = loaded.ToBondMatrix();
        var fresh = GoldenFiles.Sample(c);
        Assert.That(stored.Widths, Is.EqualTo(c.Widths), $"{caseName}: widths of input.safetensors");
        for (int k = 1; k <= fresh.BlockCount; k++)
        {
            var a = stored.Block(k).ToArray();
            var b = fresh.Block(k).ToArray();
            Assert.That(a, Has.Length.EqualTo(b.Length), $"{caseName}: J^({k}) size");
            for (int i = 0; i < a.Length; i++)
                if (BitConverter.DoubleToInt64Bits(a[i]) != BitConverter.DoubleToInt64Bits(b[i]))
                    Assert.Fail($"{caseName}: J^({k})[{i / c.Widths[k]}, {i % c.Widths[k]}] (flat {i}): stored {a[i].ToString("R", CultureInfo.InvariantCulture)}, sampled now {b[i].ToString("R", CultureInfo.InvariantCulture)}; the generator drifted (regenerate only if the change is intended)");
        }
    }

    /// <summary>expected.json names its origin, the independent reference, and carries a tolerance for every field.</summary>
    [Test, TestCaseSource(typeof(GoldenCases), nameof(GoldenCases.Names))]
    public void Expected_NamesTheReference_AndHasTheCurrentTolerances(string caseName)
    {
        using (var doc = System.Text.Json.JsonDocument.Parse(File.ReadAllText(GoldenFiles.ExpectedPath(caseName))))
            Assert.That(doc.RootElement.GetProperty("origin").GetString(), Is.EqualTo(GoldenTolerances.Origin),
                $"{caseName}: expected.json must come from the independent reference; regenerate: {GoldenFiles.RegenerateCommand}");
        var stored = GoldenTolerances.Read(GoldenFiles.ExpectedPath(caseName));
        var rules = GoldenTolerances.For(GoldenFiles.ReadExpected(caseName));
        Assert.That(stored, Is.EqualTo(rules),
            $"{caseName}: the tolerances stored in expected.json are not those of GoldenTolerances (a rule changed without regenerating and reviewing the files)");
    }

    [Test, TestCaseSource(typeof(GoldenCases), nameof(GoldenCases.Names))]
    public void Analysis_MatchesExpected(string caseName)
    {
        var e = GoldenFiles.ReadExpected(caseName);
        var tol = GoldenTolerances.Read(GoldenFiles.ExpectedPath(caseName)).ToDictionary(t => t.Field, t => t.Tolerance);
        var a = Analyse(caseName);
        var n = caseName;
        GoldenTolerance T(string field) =>
            tol.TryGetValue(field, out var t) ? t : throw new InvalidDataException($"{n}: expected.json has no tolerance for {field}");
        void Scalar(string field, double expected, double actual)
        {
            var t = T(field);
            GoldenAssert.Close(n, field, expected, actual, t.AbsoluteFor(expected), $"{t.Kind} {t.Value.ToString("R", CultureInfo.InvariantCulture)}: {t.Why}");
        }
        void Optional(string field, double? expected, double? actual)
        {
            var t = T(field);
            GoldenAssert.CloseOrBothNull(n, field, expected, actual, t.AbsoluteFor, $"{t.Kind} {t.Value.ToString("R", CultureInfo.InvariantCulture)}: {t.Why}");
        }
        void Entries(string field, double[] expected, double[] actual)
        {
            var t = T(field);
            if (expected.Length != actual.Length) { Assert.Fail($"{n}: {field}: expected {expected.Length} values, actual {actual.Length}"); return; }
            for (int i = 0; i < expected.Length; i++)
                if (!GoldenAssert.Within(expected[i], actual[i], t.AbsoluteFor(expected[i])))
                {
                    GoldenAssert.Close(n, field, expected[i], actual[i], t.AbsoluteFor(expected[i]), $"{t.Kind} {t.Value.ToString("R", CultureInfo.InvariantCulture)}: {t.Why}", i);
                    return;
                }
        }
        Assert.Multiple(() =>
        {
            Assert.That(T("n_spins").Kind, Is.EqualTo("exact"));
            Assert.That(a.NSpins, Is.EqualTo(e.NSpins), $"{n}: n_spins");
            Assert.That(a.Widths, Is.EqualTo(e.Widths), $"{n}: widths");
            Assert.That(a.Level, Is.EqualTo(e.Level), $"{n}: level (given, copied exactly)");
            Entries("coupling_variance_c", e.CouplingVarianceC, a.CouplingVarianceC);
            Scalar("tc_replica", e.TcReplica, a.TcReplica);
            Scalar("lambda_min_r", e.LambdaMinR, a.LambdaMinR);
            Scalar("lambda_max_j", e.LambdaMaxJ, a.LambdaMaxJ);
            Entries("spectrum_j", e.SpectrumJ, a.SpectrumJ);

            Optional("beta_c", e.BetaC, a.BetaC);
            Optional("tc", e.Tc, a.Tc);
            Optional("beta_c_corrected", e.BetaCCorrected, a.BetaCCorrected);
            Optional("tc_corrected", e.TcCorrected, a.TcCorrected);
            Scalar("curve_min_beta", e.CurveMinBeta, a.CurveMinBeta);
            Scalar("curve_min_lambda", e.CurveMinLambda, a.CurveMinLambda);

            // spacing_beta is beta_c(c_0), else beta_c, else the curve minimum (docs/theory.md section 6), on both sides
            Assert.That(e.SpacingBeta, Is.EqualTo(e.BetaCCorrected ?? e.BetaC ?? e.CurveMinBeta), $"{n}: expected.json: spacing_beta is not where docs/theory.md section 6 takes it");
            Assert.That(a.SpacingBeta, Is.EqualTo(a.BetaCCorrected ?? a.BetaC ?? a.CurveMinBeta), $"{n}: spacing_beta is not where NetworkAnalysis takes it");
            Scalar("spacing_beta", e.SpacingBeta, a.SpacingBeta);

            // The library's I - M spectrum is taken at its own spacing_beta. By Weyl's inequality a shift of
            // beta moves every eigenvalue by at most |db| ||J|| + |b_a^2 - b_e^2| max_i d_i (I - M = I - beta J + beta^2 diag(d)),
            // measured here from the actual shift, on top of the stored allowance.
            var tapT = T("spectrum_tap");
            Assert.That(tapT.Kind, Is.EqualTo("absolute+weyl"), $"{n}: spectrum_tap tolerance kind");
            double normJ = Math.Max(Math.Abs(a.SpectrumJ[0]), Math.Abs(a.SpectrumJ[^1]));
            double dMax = -a.LambdaMinR;
            double db = Math.Abs(a.SpacingBeta - e.SpacingBeta);
            double shift = db * normJ + Math.Abs(a.SpacingBeta * a.SpacingBeta - e.SpacingBeta * e.SpacingBeta) * dMax;
            double tapTol = tapT.Value + shift;
            GoldenAssert.AllClose(n, "spectrum_tap", e.SpectrumTap, a.SpectrumTap, tapTol,
                $"{tapT.Value.ToString("R", CultureInfo.InvariantCulture)} plus the Weyl bound {shift.ToString("R", CultureInfo.InvariantCulture)} of the spacing_beta shift");

            // s_0 / s_typ: each spacing and their median move by at most 2 * tapTol, so the ratio r by at most
            // 2 tapTol (1 + r) / (s_typ - 2 tapTol).
            Assert.That(T("first_level_spacing_ratio").Kind, Is.EqualTo("propagated"), $"{n}: first_level_spacing_ratio tolerance kind");
            GoldenAssert.CloseOrBothNull(n, "first_level_spacing_ratio", e.FirstLevelSpacingRatio, a.FirstLevelSpacingRatio,
                r =>
                {
                    double sTyp = LevelSpacing.Median(LevelSpacing.Spacings(e.SpectrumTap));
                    return 2 * tapTol * (1 + r) / (sTyp - 2 * tapTol);
                },
                "propagated from the spectrum_tap tolerance");
        });
    }

    /// <summary>
    /// The I - M spectrum recomputed by the library at the stored spacing_beta, independent of how the library's own
    /// spacing_beta moved: only the matrix assembly (P1 23) and the eigensolver are checked, to the stored
    /// spectrum_tap allowance (without its Weyl part).
    /// </summary>
    [Test, TestCaseSource(typeof(GoldenCases), nameof(GoldenCases.Names))]
    public void TapSpectrum_AtStoredSpacingBeta_MatchesExpected(string caseName)
    {
        var e = GoldenFiles.ReadExpected(caseName);
        var j = WeightFile.Load(GoldenFiles.InputPath(caseName)).ToBondMatrix();
        using var curve = new LambdaMinCurve(j);
        var spec = TorchLinalg.SymmetricEigenvalues(curve.MatrixAt(e.SpacingBeta), j.Size);
        var t = GoldenTolerances.Read(GoldenFiles.ExpectedPath(caseName)).Single(x => x.Field == "spectrum_tap").Tolerance;
        GoldenAssert.AllClose(caseName, "spectrum of I - M at the stored spacing_beta", e.SpectrumTap, spec, t.Value,
            "1e-10 x the spectral radius: two backward-stable eigensolvers (LAPACK, MathNet)");
    }

    /// <summary>
    /// A rounded summary (6 significant digits; spectra as count/min/median/max) of what the library
    /// computes now, matched against the committed snapshot in __snapshots__/, reviewed by hand when it changes.
    /// </summary>
    [Test, TestCaseSource(typeof(GoldenCases), nameof(GoldenCases.Names))]
    public void Summary_MatchesSnapshot(string caseName)
    {
        var summary = Summary(caseName, Analyse(caseName));
        Snapshot.Match(summary); // named GoldenTests.Summary_MatchesSnapshot_<case>.snap from the test-case argument
    }

    /// <summary>
    /// Snapshooter puts snapshots in __snapshots__ beside the test's source file (the path from the PDB,
    /// i.e. wherever this checkout was built). Every case has its snapshot committed there and no
    /// snapshot is left over from a removed case.
    /// </summary>
    [Test]
    public void Snapshots_ExistForExactlyTheCases()
    {
        string dir = Path.Combine(SourceDirectory(), "__snapshots__");
        Assert.That(Directory.Exists(dir), Is.True, $"no snapshot folder {dir}; create the snapshots by running the golden tests once without SNAPSHOOTER_STRICT_MODE, review and commit them");
        var present = Directory.GetFiles(dir, $"{nameof(GoldenTests)}.*.snap").Select(Path.GetFileName).Order().ToArray();
        var wanted = GoldenCases.Names.Select(SnapshotFileName).Order().ToArray();
        Assert.That(present, Is.EqualTo(wanted), $"snapshot files in {dir}");
    }

    static string SnapshotFileName(string caseName) =>
        $"{nameof(GoldenTests)}.{nameof(Summary_MatchesSnapshot)}_{caseName}.snap";

    static string SourceDirectory([CallerFilePath] string path = "") => Path.GetDirectoryName(path)!;

    /// <summary>6 significant digits; values below 1e-9 of <paramref name="scale"/> (rounding noise, e.g. zero modes) become 0.</summary>
    internal static double Sig6(double x, double scale = 0)
    {
        if (Math.Abs(x) <= 1e-9 * scale || x == 0) return 0.0;
        return double.Parse(x.ToString("G6", CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
    }

    internal static double? Sig6(double? x) => x is double v ? Sig6(v) : null;

    internal static object SpectrumSummary(double[] s)
    {
        double rho = Math.Max(Math.Abs(s[0]), Math.Abs(s[^1]));
        return new
        {
            count = s.Length,
            min = Sig6(s[0], rho),
            median = Sig6(LevelSpacing.Median(s), rho),
            max = Sig6(s[^1], rho),
            near_zero = s.Count(x => Math.Abs(x) <= 1e-9 * rho),
        };
    }

    static object Summary(string caseName, AnalysisResult r) => new
    {
        @case = caseName,
        widths = r.Widths,
        n_spins = r.NSpins,
        coupling_variance_c = r.CouplingVarianceC.Select(x => Sig6(x)).ToArray(),
        tc_replica = Sig6(r.TcReplica),
        beta_c = Sig6(r.BetaC),
        tc = Sig6(r.Tc),
        level = r.Level,
        beta_c_corrected = Sig6(r.BetaCCorrected),
        tc_corrected = Sig6(r.TcCorrected),
        curve_min_beta = Sig6(r.CurveMinBeta),
        curve_min_lambda = Sig6(r.CurveMinLambda),
        lambda_max_j = Sig6(r.LambdaMaxJ),
        lambda_min_r = Sig6(r.LambdaMinR),
        first_level_spacing_ratio = Sig6(r.FirstLevelSpacingRatio),
        spacing_beta = Sig6(r.SpacingBeta),
        spectrum_j = SpectrumSummary(r.SpectrumJ),
        spectrum_tap = SpectrumSummary(r.SpectrumTap),
    };
}
