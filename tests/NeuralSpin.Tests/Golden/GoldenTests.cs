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
/// with the options of meta.json and every quantity is compared with expected.json under the explicit
/// tolerances below; then a rounded summary goes through Snapshooter for review by eye.
/// Nothing here rewrites a file unless NEURALSPIN_REGENERATE_GOLDEN=1 (see golden/README.md).
/// libtorch is process-wide state, hence [NonParallelizable].
/// </summary>
[TestFixture, NonParallelizable]
public sealed class GoldenTests
{
    // ---- tolerances (golden/README.md repeats them) ----

    /// <summary>
    /// Eigenvalues from LAPACK's symmetric solver (via libtorch) carry a backward error of order
    /// n * eps * ||A|| (about 4e-14 ||A|| at n = 200); 1e-10 of the spectral radius leaves room for another
    /// LAPACK/BLAS build or thread count while still catching any change of the matrix or of the solver.
    /// </summary>
    internal const double SpectrumRelative = 1e-10;

    /// <summary>
    /// beta_c and beta_c(c_0) are bracketed by TransitionSearch.FirstCrossing to 1e-10 relative; the curve
    /// crosses with slope of order 1, so eigenvalue rounding moves the root far less than that.
    /// </summary>
    internal const double CrossingRelative = 1e-9;

    /// <summary>
    /// A minimiser is only determined to about sqrt(eps) ~ 1.5e-8 relative (the curve is flat to second
    /// order there; Brent is polished to 3e-9); 1e-6 is a safe margin across platforms.
    /// </summary>
    internal const double MinimumLocationRelative = 1e-6;

    /// <summary>
    /// The value at the minimum is insensitive to the location to first order: a 1e-6 relative shift in beta
    /// moves it by O(1e-12); plus eigenvalue rounding O(1e-14 ||I - M||).
    /// </summary>
    internal const double MinimumValueAbsolute = 1e-10;

    /// <summary>
    /// C_k (sums of squares), lambda_min(R) = -max_i d_i (sums of at most N squares) and the replica T_c
    /// (managed bisection of an (L+1)x(L+1) tridiagonal to 2e-16, then a square root) are pure managed
    /// arithmetic with errors below N * eps; 1e-12 relative.
    /// </summary>
    internal const double ManagedSumsRelative = 1e-12;

    static readonly Dictionary<string, AnalysisResult> Results = new();
    static readonly List<string> Regenerated = new();

    [OneTimeSetUp]
    public void LogEnvironmentAndRegenerateIfAsked()
    {
        TestContext.Progress.WriteLine($"[golden] {GoldenFiles.EnvironmentLine()}");
        if (!GoldenFiles.RegenerationRequested) return;
        foreach (var c in GoldenCases.All)
        {
            Regenerated.AddRange(GoldenFiles.Regenerate(c));
            TestContext.Progress.WriteLine($"[golden] regenerated {GoldenFiles.CaseDir(c.Name)}");
        }
    }

    /// <summary>
    /// The regeneration entry point. Regeneration itself runs in the fixture's one-time setup, so that the
    /// comparisons below check the freshly written files; this test only reports it, and is ignored otherwise.
    /// </summary>
    [Test]
    public void Regenerate()
    {
        if (!GoldenFiles.RegenerationRequested)
            Assert.Ignore($"set {GoldenFiles.RegenerateVariable}=1 to rewrite golden/ from the case table: {GoldenFiles.RegenerateCommand}");
        TestContext.Out.WriteLine("rewrote:\n" + string.Join("\n", Regenerated));
        // every case rewrote its files, and each one is there and not empty
        Assert.That(Regenerated.Count, Is.GreaterThanOrEqualTo(GoldenCases.All.Length), "at least one file per case");
        foreach (var f in Regenerated)
            Assert.That(File.Exists(f) && new FileInfo(f).Length > 0, Is.True, $"regenerated file {f}");
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

    [Test, TestCaseSource(typeof(GoldenCases), nameof(GoldenCases.Names))]
    public void Analysis_MatchesExpected(string caseName)
    {
        var e = GoldenFiles.ReadExpected(caseName);
        var a = Analyse(caseName);
        var n = caseName;
        double rhoJ = Math.Max(Math.Abs(e.SpectrumJ[0]), Math.Abs(e.SpectrumJ[^1]));
        double rhoTap = Math.Max(Math.Abs(e.SpectrumTap[0]), Math.Abs(e.SpectrumTap[^1]));
        const string lapack = "LAPACK backward error, relative to the spectral radius";
        const string crossing = "crossing bracketed to 1e-10 relative";
        const string crossingRel = "1e-9 relative: " + crossing;
        Assert.Multiple(() =>
        {
            Assert.That(a.NSpins, Is.EqualTo(e.NSpins), $"{n}: n_spins");
            Assert.That(a.Widths, Is.EqualTo(e.Widths), $"{n}: widths");
            Assert.That(a.Level, Is.EqualTo(e.Level), $"{n}: level (given, copied exactly)");
            GoldenAssert.AllClose(n, "coupling_variance_c", e.CouplingVarianceC, a.CouplingVarianceC,
                ManagedSumsRelative * e.CouplingVarianceC.Max(), "sums of squares");
            GoldenAssert.CloseRelative(n, "tc_replica", e.TcReplica, a.TcReplica, ManagedSumsRelative, "managed tridiagonal bisection");
            GoldenAssert.CloseRelative(n, "lambda_min_r", e.LambdaMinR, a.LambdaMinR, ManagedSumsRelative, "sums of squares");
            GoldenAssert.Close(n, "lambda_max_j", e.LambdaMaxJ, a.LambdaMaxJ, SpectrumRelative * rhoJ, lapack);
            GoldenAssert.AllClose(n, "spectrum_j", e.SpectrumJ, a.SpectrumJ, SpectrumRelative * rhoJ, lapack);

            GoldenAssert.CloseOrBothNull(n, "beta_c", e.BetaC, a.BetaC, x => CrossingRelative * Math.Abs(x), crossingRel);
            GoldenAssert.CloseOrBothNull(n, "tc", e.Tc, a.Tc, x => CrossingRelative * Math.Abs(x), "1e-9 relative: 1/beta_c");
            GoldenAssert.CloseOrBothNull(n, "beta_c_corrected", e.BetaCCorrected, a.BetaCCorrected, x => CrossingRelative * Math.Abs(x), crossingRel);
            GoldenAssert.CloseOrBothNull(n, "tc_corrected", e.TcCorrected, a.TcCorrected, x => CrossingRelative * Math.Abs(x), "1e-9 relative: 1/beta_c_corrected");
            GoldenAssert.CloseRelative(n, "curve_min_beta", e.CurveMinBeta, a.CurveMinBeta, MinimumLocationRelative, "a minimiser is determined to ~sqrt(eps)");
            GoldenAssert.Close(n, "curve_min_lambda", e.CurveMinLambda, a.CurveMinLambda, MinimumValueAbsolute, "absolute: second-order in the location, plus eigenvalue rounding");

            // spacing_beta is beta_c(c_0), else beta_c, else the curve minimum (NetworkAnalysis.Run), with that quantity's tolerance
            Assert.That(e.SpacingBeta, Is.EqualTo(e.BetaCCorrected ?? e.BetaC ?? e.CurveMinBeta), $"{n}: expected.json: spacing_beta is not where NetworkAnalysis takes it");
            Assert.That(a.SpacingBeta, Is.EqualTo(a.BetaCCorrected ?? a.BetaC ?? a.CurveMinBeta), $"{n}: spacing_beta is not where NetworkAnalysis takes it");
            bool fromCrossing = e.BetaCCorrected.HasValue || e.BetaC.HasValue;
            GoldenAssert.CloseRelative(n, "spacing_beta", e.SpacingBeta, a.SpacingBeta,
                fromCrossing ? CrossingRelative : MinimumLocationRelative, fromCrossing ? crossing : "taken at the curve minimum");

            // The library's I - M spectrum is taken at its own spacing_beta. By Weyl's inequality a shift of
            // beta moves every eigenvalue by at most |db| ||J|| + |b_a^2 - b_e^2| max_i d_i (I - M = I - beta J + beta^2 diag(d)),
            // measured here from the actual shift, on top of the LAPACK allowance.
            double normJ = Math.Max(Math.Abs(a.SpectrumJ[0]), Math.Abs(a.SpectrumJ[^1]));
            double dMax = -a.LambdaMinR;
            double db = Math.Abs(a.SpacingBeta - e.SpacingBeta);
            double shift = db * normJ + Math.Abs(a.SpacingBeta * a.SpacingBeta - e.SpacingBeta * e.SpacingBeta) * dMax;
            double tapTol = SpectrumRelative * rhoTap + shift;
            GoldenAssert.AllClose(n, "spectrum_tap", e.SpectrumTap, a.SpectrumTap, tapTol,
                $"LAPACK allowance plus the Weyl bound {shift.ToString("R", CultureInfo.InvariantCulture)} of the spacing_beta shift");

            // s_0 / s_typ: each spacing and their median move by at most 2 * tapTol, so the ratio r by at most
            // 2 tapTol (1 + r) / (s_typ - 2 tapTol).
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
    /// The I - M spectrum recomputed at the stored spacing_beta, independent of how the library's own
    /// spacing_beta moved: only the matrix assembly (P1 23) and the eigensolver are checked, to LAPACK accuracy.
    /// </summary>
    [Test, TestCaseSource(typeof(GoldenCases), nameof(GoldenCases.Names))]
    public void TapSpectrum_AtStoredSpacingBeta_MatchesExpected(string caseName)
    {
        var e = GoldenFiles.ReadExpected(caseName);
        var j = WeightFile.Load(GoldenFiles.InputPath(caseName)).ToBondMatrix();
        using var curve = new LambdaMinCurve(j);
        var spec = TorchLinalg.SymmetricEigenvalues(curve.MatrixAt(e.SpacingBeta), j.Size);
        double rho = Math.Max(Math.Abs(e.SpectrumTap[0]), Math.Abs(e.SpectrumTap[^1]));
        GoldenAssert.AllClose(caseName, "spectrum of I - M at the stored spacing_beta", e.SpectrumTap, spec, SpectrumRelative * rho,
            "LAPACK backward error, relative to the spectral radius");
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
