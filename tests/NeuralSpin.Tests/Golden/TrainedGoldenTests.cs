using System.Globalization;
using System.Runtime.CompilerServices;
using NUnit.Framework;
using NeuralSpin.Analysis;
using NeuralSpin.IO;
using NeuralSpin.Numerics;
using NeuralSpin.Spectra;
using NeuralSpin.Tap;
using NeuralSpin.Training;
using Snapshooter.NUnit;

namespace NeuralSpin.Tests.Golden;

/// <summary>
/// Golden-file tests of the analysis of trained networks: for each case of <see cref="TrainedGoldenCases"/>,
/// the committed final checkpoint golden/&lt;case&gt;/checkpoint-final.safetensors is analysed with its own
/// t = 0 checkpoint as the reference (c_0 = the t = 0 curve minimum, the CLI's analyze --reference) and
/// every quantity is compared with expected.json under the tolerances below; a rounded summary goes through
/// Snapshooter. No MNIST is needed. Nothing is rewritten unless NEURALSPIN_REGENERATE_GOLDEN=trained
/// (golden/README.md, "Trained networks"), which retrains every case from its seed on the real MNIST.
/// </summary>
/// <remarks>
/// These networks have 826 and 890 spins, above the curve's dense threshold (700): lambda_min(beta) comes
/// from certified Lanczos, not from LAPACK, which is what the tolerances beyond those of
/// <see cref="GoldenTests"/> account for.
/// </remarks>
[TestFixture, NonParallelizable]
public sealed class TrainedGoldenTests
{
    // ---- tolerances beyond GoldenTests' (golden/README.md repeats them) ----

    /// <summary>
    /// The curve minimum (of the final network, and of the t = 0 network, which is the level c_0) is a Ritz
    /// value from Lanczos stopped at a residual r &lt;= 1e-7 ||I - M|| (CurveOptions.CoarseTolerance). Its error
    /// is at most r (and r^2 / gap for an isolated eigenvalue); another platform's rounding changes the Krylov
    /// path, not that bound. Measured (784-32-10, Lanczos seeds 1 and 7 instead of 12345): level moved 1e-13, curve minimum 3e-15.
    /// 1e-9 absolute is far above the measured and well below any change of the network or of the method.
    /// </summary>
    internal const double LanczosMinimumAbsolute = 1e-9;

    /// <summary>
    /// The minimiser of the Lanczos curve: Brent to 3e-9 relative on values with errors up to
    /// <see cref="LanczosMinimumAbsolute"/>; the curve is flat there, so the location moves by
    /// ~sqrt(value error / curvature) ~ 3e-5 relative at curvature O(1). 1e-4 relative (measured with other Lanczos seeds: 6e-8).
    /// </summary>
    internal const double LanczosMinimumLocationRelative = 1e-4;

    static readonly Dictionary<string, AnalysisResult> Results = new();
    static readonly List<string> Regenerated = new();

    [OneTimeSetUp]
    public void LogEnvironmentAndRegenerateIfAsked()
    {
        TestContext.Progress.WriteLine($"[trained-golden] {GoldenFiles.EnvironmentLine()}");
        if (!TrainedGoldenFiles.RegenerationRequested) return;
        var data = TrainedGoldenFiles.LoadMnist(line => TestContext.Progress.WriteLine($"[trained-golden] {line}"));
        foreach (var c in TrainedGoldenCases.All)
        {
            var watch = System.Diagnostics.Stopwatch.StartNew();
            Regenerated.AddRange(TrainedGoldenFiles.Regenerate(c, data));
            TestContext.Progress.WriteLine($"[trained-golden] regenerated {TrainedGoldenFiles.CaseDir(c.Name)} in {watch.Elapsed.TotalSeconds:F1} s");
        }
    }

    /// <summary>The regeneration entry point (the work is done in the one-time setup, so the comparisons check the new files).</summary>
    [Test]
    public void Regenerate()
    {
        if (!TrainedGoldenFiles.RegenerationRequested)
            Assert.Ignore($"set {GoldenFiles.RegenerateVariable}={TrainedGoldenFiles.RegenerateValue} to retrain the trained golden cases on MNIST: {TrainedGoldenFiles.RegenerateCommand}");
        TestContext.Out.WriteLine("rewrote:\n" + string.Join("\n", Regenerated));
        // every case rewrote its files, and each one is there and not empty
        Assert.That(Regenerated.Count, Is.GreaterThanOrEqualTo(TrainedGoldenCases.All.Length), "at least one file per case");
        foreach (var f in Regenerated)
            Assert.That(File.Exists(f) && new FileInfo(f).Length > 0, Is.True, $"regenerated file {f}");
    }

    static AnalysisResult Analyse(string caseName)
    {
        lock (Results)
        {
            if (Results.TryGetValue(caseName, out var r)) return r;
            var meta = TrainedGoldenFiles.ReadMeta(caseName);
            r = TrainedGoldenFiles.Analyse(TrainedGoldenFiles.FinalPath(caseName), TrainedGoldenFiles.InitialPath(caseName), meta.BetaMax);
            Results[caseName] = r;
            return r;
        }
    }

    [Test, TestCaseSource(typeof(TrainedGoldenCases), nameof(TrainedGoldenCases.Names))]
    public void Meta_MatchesCaseTable(string caseName)
    {
        var c = TrainedGoldenCases.Get(caseName);
        var m = TrainedGoldenFiles.ReadMeta(caseName);
        string hint = $"the case table in TrainedGoldenCases.cs changed without regenerating golden/{caseName}: run {TrainedGoldenFiles.RegenerateCommand}";
        Assert.Multiple(() =>
        {
            Assert.That(m.Program, Is.EqualTo(c.Program.Name()), $"{caseName}: program; {hint}");
            Assert.That(m.Widths, Is.EqualTo(c.Widths), $"{caseName}: widths; {hint}");
            Assert.That(m.LearningRate, Is.EqualTo(c.LearningRate), $"{caseName}: learning_rate; {hint}");
            Assert.That(m.Epochs, Is.EqualTo(c.Epochs), $"{caseName}: epochs; {hint}");
            Assert.That(m.Seed, Is.EqualTo(c.Seed), $"{caseName}: seed; {hint}");
            Assert.That(m.Threads, Is.EqualTo(TrainedGoldenCase.Threads), $"{caseName}: threads; {hint}");
            Assert.That(m.BetaMax, Is.EqualTo(c.BetaMax), $"{caseName}: beta_max; {hint}");
        });
    }

    /// <summary>The committed checkpoints are the trainer's files of this case: F32 weights, t = 0 and the last epoch, metadata consistent with the table and expected.json.</summary>
    [Test, TestCaseSource(typeof(TrainedGoldenCases), nameof(TrainedGoldenCases.Names))]
    public void Checkpoints_AreTheRunOfTheCase(string caseName)
    {
        var c = TrainedGoldenCases.Get(caseName);
        var x = TrainedGoldenFiles.ReadExtras(caseName);
        var t0 = WeightFile.Load(TrainedGoldenFiles.InitialPath(caseName));
        var fin = WeightFile.Load(TrainedGoldenFiles.FinalPath(caseName));
        Assert.Multiple(() =>
        {
            foreach (var (label, w, epoch) in new[] { ("t0", t0, 0.0), ("final", fin, (double)c.Epochs) })
            {
                Assert.That(w.Widths, Is.EqualTo(c.Widths), $"{caseName}: {label}: widths");
                Assert.That(w.Layers.Select(l => l.DType), Is.All.EqualTo("F32"), $"{caseName}: {label}: dtype");
                Assert.That(w.Ignored, Is.Empty, $"{caseName}: {label}: no biases");
                Assert.That(w.Metadata["program"], Is.EqualTo(c.Program.Name()), $"{caseName}: {label}: program");
                Assert.That(w.Metadata["seed"], Is.EqualTo(c.Seed.ToString(CultureInfo.InvariantCulture)), $"{caseName}: {label}: seed");
                Assert.That(double.Parse(w.Metadata["lr"], CultureInfo.InvariantCulture), Is.EqualTo(c.LearningRate), $"{caseName}: {label}: lr");
                Assert.That(w.Metadata["threads"], Is.EqualTo("1"), $"{caseName}: {label}: threads");
                Assert.That(double.Parse(w.Metadata["epoch"], CultureInfo.InvariantCulture), Is.EqualTo(epoch), $"{caseName}: {label}: epoch");
            }
            Assert.That(t0.Metadata["step"], Is.EqualTo("0"), $"{caseName}: t0: step");
            Assert.That(fin.Metadata["step"], Is.EqualTo(x.Step.ToString(CultureInfo.InvariantCulture)), $"{caseName}: final: step vs expected.json");
            Assert.That(double.Parse(fin.Metadata["val_error"], CultureInfo.InvariantCulture), Is.EqualTo(x.ValError), $"{caseName}: val_error vs expected.json");
            Assert.That(x.Epoch, Is.EqualTo(c.Epochs), $"{caseName}: epoch in expected.json");
            // "trains visibly": from chance (~0.9) at t = 0 to well below 0.15 in these few epochs
            Assert.That(double.Parse(t0.Metadata["val_error"], CultureInfo.InvariantCulture), Is.GreaterThan(0.8), $"{caseName}: t0 val_error");
            Assert.That(x.ValError, Is.LessThan(0.15), $"{caseName}: final val_error");
        });
    }

    [Test, TestCaseSource(typeof(TrainedGoldenCases), nameof(TrainedGoldenCases.Names))]
    public void Analysis_MatchesExpected(string caseName)
    {
        var e = GoldenFiles.ReadExpected(caseName);
        var x = TrainedGoldenFiles.ReadExtras(caseName);
        var a = Analyse(caseName);
        var n = caseName;
        double rhoJ = Math.Max(Math.Abs(e.SpectrumJ[0]), Math.Abs(e.SpectrumJ[^1]));
        double rhoTap = Math.Max(Math.Abs(e.SpectrumTap[0]), Math.Abs(e.SpectrumTap[^1]));
        const string lapack = "LAPACK backward error, relative to the spectral radius";
        const string crossingRel = "1e-9 relative: crossing bracketed to 1e-10 relative";

        // The trained cases are meant to have both transitions; a regeneration refuses otherwise.
        Assert.That(e.BetaC, Is.Not.Null, $"{n}: expected.json has no beta_c");
        Assert.That(e.BetaCCorrected, Is.Not.Null, $"{n}: expected.json has no beta_c_corrected");
        Assert.That(e.Level, Is.Not.Null, $"{n}: expected.json has no level");

        // beta_c(c_0) is the crossing of the level c_0, itself a Lanczos curve minimum: a shift dc of the level
        // moves the crossing by dc / |lambda_min'(beta)| (simple crossing). The shift is the measured one, the
        // slope is measured at the expected crossing on the final network's curve.
        double dLevel = a.Level is double al ? Math.Abs(al - e.Level!.Value) : 0;
        double slope = CurveSlope(caseName, e.BetaCCorrected!.Value, e.Level!.Value);
        double levelShift = dLevel / slope;
        double CorrectedTol(double betaC) => GoldenTests.CrossingRelative * betaC + levelShift;

        Assert.Multiple(() =>
        {
            Assert.That(a.NSpins, Is.EqualTo(e.NSpins), $"{n}: n_spins");
            Assert.That(a.Widths, Is.EqualTo(e.Widths), $"{n}: widths");
            Assert.That(a.LevelSource, Is.EqualTo(x.LevelSource), $"{n}: level_source");
            GoldenAssert.AllClose(n, "coupling_variance_c", e.CouplingVarianceC, a.CouplingVarianceC,
                GoldenTests.ManagedSumsRelative * e.CouplingVarianceC.Max(), "sums of squares");
            GoldenAssert.CloseRelative(n, "tc_replica", e.TcReplica, a.TcReplica, GoldenTests.ManagedSumsRelative, "managed tridiagonal bisection");
            GoldenAssert.CloseRelative(n, "lambda_min_r", e.LambdaMinR, a.LambdaMinR, GoldenTests.ManagedSumsRelative, "sums of squares");
            GoldenAssert.Close(n, "lambda_max_j", e.LambdaMaxJ, a.LambdaMaxJ, GoldenTests.SpectrumRelative * rhoJ, lapack);
            GoldenAssert.AllClose(n, "spectrum_j", e.SpectrumJ, a.SpectrumJ, GoldenTests.SpectrumRelative * rhoJ, lapack);

            GoldenAssert.CloseOrBothNull(n, "level (t = 0 curve minimum)", e.Level, a.Level, _ => LanczosMinimumAbsolute, "absolute: Lanczos Ritz value at the coarse residual");
            GoldenAssert.CloseOrBothNull(n, "beta_c", e.BetaC, a.BetaC, v => GoldenTests.CrossingRelative * Math.Abs(v), crossingRel);
            GoldenAssert.CloseOrBothNull(n, "tc", e.Tc, a.Tc, v => GoldenTests.CrossingRelative * Math.Abs(v), "1e-9 relative: 1/beta_c");
            GoldenAssert.CloseOrBothNull(n, "beta_c_corrected", e.BetaCCorrected, a.BetaCCorrected, CorrectedTol,
                $"1e-9 relative (crossing) + level shift / slope = {levelShift.ToString("R", CultureInfo.InvariantCulture)}");
            GoldenAssert.CloseOrBothNull(n, "tc_corrected", e.TcCorrected, a.TcCorrected,
                v => v * v * CorrectedTol(1 / v), "1/beta_c_corrected: T^2 times the beta tolerance");
            GoldenAssert.CloseRelative(n, "curve_min_beta", e.CurveMinBeta, a.CurveMinBeta, LanczosMinimumLocationRelative, "minimiser of the Lanczos curve");
            GoldenAssert.Close(n, "curve_min_lambda", e.CurveMinLambda, a.CurveMinLambda, LanczosMinimumAbsolute, "absolute: Lanczos Ritz value at the coarse residual");

            Assert.That(e.SpacingBeta, Is.EqualTo(e.BetaCCorrected), $"{n}: expected.json: spacing_beta is not beta_c(c_0)");
            Assert.That(a.SpacingBeta, Is.EqualTo(a.BetaCCorrected ?? a.BetaC ?? a.CurveMinBeta), $"{n}: spacing_beta is not where NetworkAnalysis takes it");
            GoldenAssert.Close(n, "spacing_beta", e.SpacingBeta, a.SpacingBeta, CorrectedTol(e.SpacingBeta), "taken at beta_c(c_0)");

            // Weyl: a shift db of beta moves every eigenvalue of I - beta J + beta^2 diag(d) by at most
            // |db| ||J|| + |b_a^2 - b_e^2| max_i d_i (measured shift), on top of the LAPACK allowance.
            double normJ = Math.Max(Math.Abs(a.SpectrumJ[0]), Math.Abs(a.SpectrumJ[^1]));
            double dMax = -a.LambdaMinR;
            double db = Math.Abs(a.SpacingBeta - e.SpacingBeta);
            double shift = db * normJ + Math.Abs(a.SpacingBeta * a.SpacingBeta - e.SpacingBeta * e.SpacingBeta) * dMax;
            double tapTol = GoldenTests.SpectrumRelative * rhoTap + shift;
            GoldenAssert.AllClose(n, "spectrum_tap", e.SpectrumTap, a.SpectrumTap, tapTol,
                $"LAPACK allowance plus the Weyl bound {shift.ToString("R", CultureInfo.InvariantCulture)} of the spacing_beta shift");
            GoldenAssert.CloseOrBothNull(n, "first_level_spacing_ratio", e.FirstLevelSpacingRatio, a.FirstLevelSpacingRatio,
                r =>
                {
                    double sTyp = LevelSpacing.Median(LevelSpacing.Spacings(e.SpectrumTap));
                    return 2 * tapTol * (1 + r) / (sTyp - 2 * tapTol);
                },
                "propagated from the spectrum_tap tolerance (each spacing and the median move by at most 2 t)");
        });
    }

    /// <summary>|d lambda_min / d beta| of the final network's curve at <paramref name="beta"/>, by a central difference (values refined near <paramref name="level"/>).</summary>
    static double CurveSlope(string caseName, double beta, double level)
    {
        var j = WeightFile.Load(TrainedGoldenFiles.FinalPath(caseName)).ToBondMatrix();
        using var curve = new LambdaMinCurve(j);
        double h = 1e-4 * beta;
        double s = Math.Abs(curve.Evaluate(beta + h, level: level).Value - curve.Evaluate(beta - h, level: level).Value) / (2 * h);
        Assert.That(s, Is.GreaterThan(1e-3), $"{caseName}: the curve is nearly flat at beta_c(c_0) = {beta}; the crossing is ill-conditioned");
        return s;
    }

    /// <summary>The I - M spectrum recomputed at the stored spacing_beta: matrix assembly (P1 23) and eigensolver only, to LAPACK accuracy.</summary>
    [Test, TestCaseSource(typeof(TrainedGoldenCases), nameof(TrainedGoldenCases.Names))]
    public void TapSpectrum_AtStoredSpacingBeta_MatchesExpected(string caseName)
    {
        var e = GoldenFiles.ReadExpected(caseName);
        var j = WeightFile.Load(TrainedGoldenFiles.FinalPath(caseName)).ToBondMatrix();
        using var curve = new LambdaMinCurve(j);
        var spec = TorchLinalg.SymmetricEigenvalues(curve.MatrixAt(e.SpacingBeta), j.Size);
        double rho = Math.Max(Math.Abs(e.SpectrumTap[0]), Math.Abs(e.SpectrumTap[^1]));
        GoldenAssert.AllClose(caseName, "spectrum of I - M at the stored spacing_beta", e.SpectrumTap, spec, GoldenTests.SpectrumRelative * rho,
            "LAPACK backward error, relative to the spectral radius");
    }

    /// <summary>A rounded summary (6 significant digits; spectra as count/min/median/max) matched against the committed snapshot, reviewed by hand when it changes.</summary>
    [Test, TestCaseSource(typeof(TrainedGoldenCases), nameof(TrainedGoldenCases.Names))]
    public void Summary_MatchesSnapshot(string caseName)
    {
        var x = TrainedGoldenFiles.ReadExtras(caseName);
        Snapshot.Match(Summary(caseName, Analyse(caseName), x)); // TrainedGoldenTests.Summary_MatchesSnapshot_<case>.snap
    }

    /// <summary>Every case has its committed snapshot beside this file and no snapshot is left over from a removed case.</summary>
    [Test]
    public void Snapshots_ExistForExactlyTheCases()
    {
        string dir = Path.Combine(SourceDirectory(), "__snapshots__");
        Assert.That(Directory.Exists(dir), Is.True, $"no snapshot folder {dir}");
        var present = Directory.GetFiles(dir, $"{nameof(TrainedGoldenTests)}.*.snap").Select(Path.GetFileName).Order().ToArray();
        var wanted = TrainedGoldenCases.Names.Select(n => $"{nameof(TrainedGoldenTests)}.{nameof(Summary_MatchesSnapshot)}_{n}.snap").Order().ToArray();
        Assert.That(present, Is.EqualTo(wanted), $"snapshot files in {dir}");
    }

    static double Sig4(double x) => double.Parse(x.ToString("G4", CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);

    static string SourceDirectory([CallerFilePath] string path = "") => Path.GetDirectoryName(path)!;

    static object Summary(string caseName, AnalysisResult r, TrainedGoldenExtras x) => new
    {
        @case = caseName,
        widths = r.Widths,
        n_spins = r.NSpins,
        val_error = x.ValError,
        coupling_variance_c = r.CouplingVarianceC.Select(v => GoldenTests.Sig6(v)).ToArray(),
        tc_replica = GoldenTests.Sig6(r.TcReplica),
        beta_c = GoldenTests.Sig6(r.BetaC),
        tc = GoldenTests.Sig6(r.Tc),
        level_source = r.LevelSource,
        level = GoldenTests.Sig6(r.Level),
        beta_c_corrected = GoldenTests.Sig6(r.BetaCCorrected),
        tc_corrected = GoldenTests.Sig6(r.TcCorrected),
        curve_min_beta = Sig4(r.CurveMinBeta), // only 4 digits: the Lanczos minimiser is pinned to 1e-4 relative
        curve_min_lambda = GoldenTests.Sig6(r.CurveMinLambda),
        lambda_max_j = GoldenTests.Sig6(r.LambdaMaxJ),
        lambda_min_r = GoldenTests.Sig6(r.LambdaMinR),
        first_level_spacing_ratio = GoldenTests.Sig6(r.FirstLevelSpacingRatio),
        spacing_beta = GoldenTests.Sig6(r.SpacingBeta),
        spectrum_j = GoldenTests.SpectrumSummary(r.SpectrumJ),
        spectrum_tap = GoldenTests.SpectrumSummary(r.SpectrumTap),
    };
}
