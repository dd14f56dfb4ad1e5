using System.Globalization;
using NeuralSpin.Analysis;
using NeuralSpin.IO;
using NeuralSpin.Reporting;
using NeuralSpin.Trajectory;
using NUnit.Framework;

namespace NeuralSpin.Tests.Trajectory;

/// <summary>
/// TrajectoryAnalyzer on a synthetic run (widths 30-20-10, a growing rank-one ferromagnetic component):
/// trajectory.csv columns and rows, the t = 0 row (tangential touch of its own level c_0, P1 sec. 3.2),
/// growth of T_c, the power-law fit and the plots (P1 Figs. 4-9). Uses libtorch.
/// </summary>
[TestFixture, NonParallelizable]
public sealed class TrajectoryAnalyzerTests
{
    string _root = "";
    string _run = "";
    TrajectoryResult _result = null!;
    double _seconds;

    [OneTimeSetUp]
    public void Analyze()
    {
        _root = Path.Combine(Path.GetTempPath(), "neuralspin-traj-" + Guid.NewGuid().ToString("N"));
        _run = Path.Combine(_root, "run");
        SyntheticRun.Write(_run, withoutValError: [2]);
        var sw = System.Diagnostics.Stopwatch.StartNew();
        var reports = new List<TrajectoryProgress>();
        _result = TrajectoryAnalyzer.Run(_run, new TrajectoryOptions(), new SyncProgress(reports.Add));
        _seconds = sw.Elapsed.TotalSeconds;
        TestContext.Progress.WriteLine($"synthetic trajectory of {_result.Rows.Count} checkpoints analysed in {_seconds:F2} s");
        Assert.That(reports.Select(p => p.Done), Is.Ordered);
        Assert.That(reports[^1].Done, Is.EqualTo(reports[^1].Total));
    }

    [OneTimeTearDown]
    public void Remove()
    {
        if (Directory.Exists(_root)) Directory.Delete(_root, recursive: true);
    }

    string[] CsvLines() => File.ReadAllText(Path.Combine(_run, "trajectory.csv")).Split('\n', StringSplitOptions.RemoveEmptyEntries);

    [Test]
    public void CsvHasExactlyTheColumnsAndOneRowPerCheckpoint()
    {
        var lines = CsvLines();
        // the spin-model columns, then seven per-layer columns for each of the two layers (30-20-10)
        string layerCols(int k) => $"layer{k}_alpha,layer{k}_ks_distance,layer{k}_num_spikes,layer{k}_alpha_weighted,layer{k}_log_spectral_norm,layer{k}_log_frobenius_norm,layer{k}_stable_rank";
        Assert.That(lines[0], Is.EqualTo("epoch,step,val_error,tc,tc_corrected,curve_min_lambda,lambda_max_j,lambda_min_r,lambda_min_r_change,first_level_spacing_ratio,"
                                         + layerCols(0) + "," + layerCols(1)));
        Assert.That(lines.Length - 1, Is.EqualTo(SyntheticRun.DefaultEpochs.Length));
        Assert.That(lines.Skip(1).Select(l => l.Split(',').Length), Is.All.EqualTo(10 + 2 * 7));
        Assert.That(Directory.GetFiles(_run, "trajectory.csv.tmp-*"), Is.Empty);
    }

    [Test]
    public void PerLayerColumnsAreTheSpectraOfEachCheckpointsWeights()
    {
        // independent ESD: MathNet's SVD of each checkpoint's layer, lambda = sigma^2 / max(out, in); log10 lambda_max and
        // the stable rank follow in closed form (docs/theory.md section 10)
        var lines = CsvLines().Skip(1).Select(l => l.Split(',')).ToList();
        for (int i = 0; i < lines.Count; i++)
        {
            var w = RunDirectory.LoadWeights(_result.Checkpoints[i]);
            for (int k = 0; k < w.Layers.Count; k++)
            {
                var l = w.Layers[k];
                int rows = (int)l.Shape[0], cols = (int)l.Shape[1];
                var sv = MathNet.Numerics.LinearAlgebra.Matrix<double>.Build.Dense(cols, rows, l.Data).Svd(false).S; // column-major (cols, rows) is W^T
                var ev = sv.Select(x => x * x / Math.Max(rows, cols)).ToArray();
                double lmax = ev.Max(), sum = ev.Sum();
                int c = 10 + 7 * k;
                Assert.That(double.Parse(lines[i][c + 4], CultureInfo.InvariantCulture), Is.EqualTo(Math.Log10(lmax)).Within(1e-9), $"row {i} layer {k} log_spectral_norm");
                Assert.That(double.Parse(lines[i][c + 5], CultureInfo.InvariantCulture), Is.EqualTo(Math.Log10(sum)).Within(1e-9), $"row {i} layer {k} log_frobenius_norm");
                Assert.That(double.Parse(lines[i][c + 6], CultureInfo.InvariantCulture), Is.EqualTo(sum / lmax).Within(1e-7 * sum / lmax), $"row {i} layer {k} stable_rank");
                var alpha = _result.Rows[i].Layers[k].Alpha;
                Assert.That(lines[i][c], Is.EqualTo(alpha is double a ? a.ToString("R", CultureInfo.InvariantCulture) : ""), "alpha round-trips");
            }
        }
    }

    [Test]
    public void CsvRoundTripsTheRowsSortedByStep()
    {
        var lines = CsvLines().Skip(1).Select(l => l.Split(',')).ToList();
        for (int i = 0; i < lines.Count; i++)
        {
            var f = lines[i];
            var r = _result.Rows[i];
            Assert.That(double.Parse(f[0], CultureInfo.InvariantCulture), Is.EqualTo(SyntheticRun.DefaultEpochs[i]));
            Assert.That(long.Parse(f[1], CultureInfo.InvariantCulture), Is.EqualTo((long)Math.Round(SyntheticRun.DefaultEpochs[i] * SyntheticRun.StepsPerEpoch)));
            Assert.That(double.Parse(f[4], CultureInfo.InvariantCulture), Is.EqualTo(r.TcCorrected!.Value), "round-trip");
            Assert.That(double.Parse(f[6], CultureInfo.InvariantCulture), Is.EqualTo(r.LambdaMaxJ));
            Assert.That(double.Parse(f[7], CultureInfo.InvariantCulture), Is.EqualTo(r.LambdaMinR));
        }
        // the epoch-2 checkpoint has no val_error: an empty field, the others a number
        int two = Array.IndexOf(SyntheticRun.DefaultEpochs, 2.0);
        Assert.That(lines[two][2], Is.Empty);
        Assert.That(_result.Rows[two].ValError, Is.Null);
        Assert.That(lines.Where((_, i) => i != two).Select(f => f[2]), Is.All.Not.Empty);
    }

    [Test]
    public void InitialRowIsATangentialTouchOfItsOwnLevel()
    {
        var r0 = _result.Rows[0];
        Assert.That(r0.Step, Is.EqualTo(0));
        Assert.That(r0.LambdaMinRChange, Is.EqualTo(0));
        Assert.That(r0.TcCorrected, Is.Not.Null);
        Assert.That(_result.Level, Is.EqualTo(r0.CurveMinLambda).Within(1e-12));
        var a0 = _result.Initial;
        Assert.That(a0.Level, Is.EqualTo(_result.Level));
        // beta_c(c_0) of the t = 0 network is where its curve touches its own minimum
        Assert.That(Math.Abs(a0.BetaCCorrected!.Value - a0.CurveMinBeta) / a0.CurveMinBeta, Is.LessThan(1e-4));
        Assert.That(r0.TcCorrected!.Value, Is.EqualTo(1 / a0.CurveMinBeta).Within(1e-4 / a0.CurveMinBeta));
    }

    [Test]
    public void RowsMatchADirectAnalysis()
    {
        int i = 5;
        var cp = _result.Checkpoints[i];
        var direct = NetworkAnalysis.Run(WeightFile.Load(cp.Path).ToBondMatrix(), new AnalysisOptions { Level = _result.Level });
        var row = _result.Rows[i];
        Assert.That(row.TcCorrected, Is.EqualTo(direct.TcCorrected));
        Assert.That(row.Tc, Is.EqualTo(direct.Tc));
        Assert.That(row.CurveMinLambda, Is.EqualTo(direct.CurveMinLambda));
        Assert.That(row.FirstLevelSpacingRatio, Is.EqualTo(direct.FirstLevelSpacingRatio));
        double lmr0 = _result.Rows[0].LambdaMinR;
        Assert.That(row.LambdaMinRChange, Is.EqualTo((direct.LambdaMinR - lmr0) / Math.Abs(lmr0)).Within(1e-15));
    }

    [Test]
    public void CriticalTemperatureGrowsAlongTheSyntheticTrajectory()
    {
        var tc = _result.Rows.Select(r => r.TcCorrected!.Value).ToList();
        for (int i = 1; i < tc.Count; i++)
            Assert.That(tc[i], Is.GreaterThan(tc[i - 1]), $"T_c(c_0) at epoch {_result.Rows[i].Epoch}");
        Assert.That(tc[^1], Is.GreaterThan(3 * tc[0]));
        var lmax = _result.Rows.Select(r => r.LambdaMaxJ).ToList();
        Assert.That(lmax[^1], Is.GreaterThan(lmax[0]));
        // trained networks cross zero: T_c exists late in the run and lies below the corrected one
        var last = _result.Rows[^1];
        Assert.That(last.Tc, Is.Not.Null);
        Assert.That(last.Tc!.Value, Is.LessThan(last.TcCorrected!.Value));
        Assert.That(last.CurveMinLambda, Is.LessThan(_result.Level));
    }

    [Test]
    public void PowerLawFitIsReported()
    {
        var fit = _result.TcCorrectedFit;
        Assert.That(fit, Is.Not.Null, _result.TcCorrectedFitNote);
        Assert.That(_result.FitFrom, Is.EqualTo(1), "default: from epoch 1 on");
        Assert.That(fit!.N, Is.EqualTo(SyntheticRun.DefaultEpochs.Count(t => t >= 1)));
        // T_c ~ g(t) ~ sqrt(t) once the rank-one part dominates
        Assert.That(fit.Exponent, Is.InRange(0.2, 0.7));
        Assert.That(fit.RSquared, Is.GreaterThan(0.9));
    }

    [Test]
    public void CurvesForFigureFiveSpanTheMinimum()
    {
        var c0 = _result.InitialCurve;
        Assert.That(c0.Beta[0], Is.EqualTo(0));
        Assert.That(c0.LambdaMin[0], Is.EqualTo(1));
        Assert.That(c0.LambdaMin.Min(), Is.GreaterThanOrEqualTo(_result.Level - 1e-9));
        Assert.That(c0.Beta[^1], Is.GreaterThan(_result.LevelBeta));
        Assert.That(_result.FinalCurve.LambdaMin.Min(), Is.LessThan(_result.Level));
    }

    [Test]
    public void PlotsAreValidPngs()
    {
        var sw = System.Diagnostics.Stopwatch.StartNew();
        var plots = TrajectoryPlots.Render(_result);
        string dir = Path.Combine(_run, "plots");
        var paths = TrajectoryPlots.Write(plots, dir);
        TestContext.Progress.WriteLine($"{plots.Count} plots rendered and written in {sw.Elapsed.TotalSeconds:F2} s to {dir}");
        Assert.That(plots.Select(p => p.Name), Is.EquivalentTo(new[]
            { "validation_error.png", "lambda_min_curve.png", "evolution.png", "tap_spectrum.png", "bond_spectrum.png", "layer_alpha.png" }));
        foreach (var p in paths)
        {
            var bytes = File.ReadAllBytes(p);
            Assert.That(bytes.Take(8), Is.EqualTo(new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A }), p);
            Assert.That(bytes.Length, Is.GreaterThan(15_000), $"{p} is not trivially small");
        }
        Assert.That(Directory.GetFiles(dir, "*.tmp-*"), Is.Empty);
        string keep = Environment.GetEnvironmentVariable("NEURALSPIN_KEEP_PLOTS") ?? "";
        if (keep.Length > 0)
        {
            Directory.CreateDirectory(keep);
            foreach (var p in paths) File.Copy(p, Path.Combine(keep, Path.GetFileName(p)), overwrite: true);
        }
    }

    [Test]
    public void CheckpointsAreSortedByStepNotByName()
    {
        var cps = RunDirectory.ListCheckpoints(_run);
        Assert.That(cps.Select(c => c.Step), Is.Ordered.And.Unique);
        Assert.That(cps.Select(c => c.Epoch), Is.EqualTo(SyntheticRun.DefaultEpochs));
        Assert.That(cps[0].IsInitial);
        Assert.That(cps[0].Metadata["program"], Is.EqualTo("synthetic"));
    }

    sealed class SyncProgress(Action<TrajectoryProgress> report) : IProgress<TrajectoryProgress>
    {
        public void Report(TrajectoryProgress value) => report(value);
    }
}

/// <summary>Run directories that cannot be analysed: clear errors, nothing written.</summary>
[TestFixture, NonParallelizable]
public sealed class RunDirectoryErrorTests
{
    string _root = "";

    [SetUp]
    public void Create()
    {
        _root = Path.Combine(Path.GetTempPath(), "neuralspin-traj-err-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(_root);
    }

    [TearDown]
    public void Remove()
    {
        if (Directory.Exists(_root)) Directory.Delete(_root, recursive: true);
    }

    void AssertNothingWritten() => Assert.That(File.Exists(Path.Combine(_root, "trajectory.csv")), Is.False);

    [Test]
    public void MissingDirectory()
    {
        var e = Assert.Throws<RunDirectoryException>(() => TrajectoryAnalyzer.Run(Path.Combine(_root, "nope")));
        Assert.That(e!.Message, Does.Contain("does not exist"));
    }

    [Test]
    public void NoCheckpointsFolderOrNoCheckpoints()
    {
        var e = Assert.Throws<RunDirectoryException>(() => TrajectoryAnalyzer.Run(_root));
        Assert.That(e!.Message, Does.Contain("checkpoints"));
        Directory.CreateDirectory(Path.Combine(_root, "checkpoints"));
        e = Assert.Throws<RunDirectoryException>(() => TrajectoryAnalyzer.Run(_root));
        Assert.That(e!.Message, Does.Contain("no *.safetensors"));
        AssertNothingWritten();
    }

    [Test]
    public void NoInitialCheckpoint()
    {
        SyntheticRun.Write(_root, epochs: [1, 2]);
        var e = Assert.Throws<RunDirectoryException>(() => TrajectoryAnalyzer.Run(_root));
        Assert.That(e!.Message, Does.Contain("t = 0").And.Contain("step 0"));
        AssertNothingWritten();
    }

    [Test]
    public void DifferentWidths()
    {
        SyntheticRun.Write(_root, epochs: [0, 1]);
        SyntheticRun.Write(Path.Combine(_root, "other"), epochs: [2], widths: [30, 20, 5]);
        File.Move(Path.Combine(_root, "other", "checkpoints", "epoch-2.safetensors"), Path.Combine(_root, "checkpoints", "epoch-2.safetensors"));
        var e = Assert.Throws<RunDirectoryException>(() => TrajectoryAnalyzer.Run(_root));
        Assert.That(e!.Message, Does.Contain("30-20-5").And.Contain("30-20-10"));
        AssertNothingWritten();
    }

    [Test]
    public void DuplicateSteps()
    {
        var paths = SyntheticRun.Write(_root, epochs: [0, 1]);
        File.Copy(paths[1], Path.Combine(_root, "checkpoints", "copy.safetensors"));
        var e = Assert.Throws<RunDirectoryException>(() => RunDirectory.ListCheckpoints(_root));
        Assert.That(e!.Message, Does.Contain("both have step 1875"));
    }

    [Test]
    public void DamagedCheckpointOrMissingMetadata()
    {
        var paths = SyntheticRun.Write(_root, epochs: [0, 1]);
        var bytes = File.ReadAllBytes(paths[1]);
        File.WriteAllBytes(paths[1], bytes[..(bytes.Length - 40)]);
        var e = Assert.Throws<WeightFileException>(() => TrajectoryAnalyzer.Run(_root));
        Assert.That(e!.Path, Is.EqualTo(paths[1]));
        AssertNothingWritten();

        var w = WeightFile.Load(paths[0]).ToBondMatrix();
        WeightFile.Save(paths[1], w, "F32", new Dictionary<string, string> { ["step"] = "5" });
        e = Assert.Throws<WeightFileException>(() => TrajectoryAnalyzer.Run(_root));
        Assert.That(e!.Message, Does.Contain("'epoch'"));
        AssertNothingWritten();
    }
}
