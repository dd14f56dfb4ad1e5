using System.Globalization;
using System.Text.Json;
using System.Text;
using NeuralSpin.IO;

namespace NeuralSpin.Training;

/// <summary>
/// Layout of a run directory:
/// <list type="bullet">
/// <item><c>run.json</c> (<see cref="RunJsonFile"/>): the configuration (<see cref="TrainingOptions"/>), the data's size and SHA-256,
/// steps per epoch, and the numeric environment (TorchSharp and libtorch versions, threads).</item>
/// <item><c>checkpoints/ckpt-s{step:D9}-e{epoch:0.000000}.safetensors</c>: weights <c>layers.{k}.weight</c>
/// (PyTorch (out, in) orientation; biases <c>layers.{k}.bias</c> if the network has them) with
/// <c>__metadata__</c> (see <see cref="Trainer"/>). The zero-padded step makes the names sort in time order.</item>
/// <item><c>state/state.safetensors</c>: what <see cref="Trainer.Resume"/> needs: weights
/// (<c>model.*</c>), SGD momentum buffers (<c>momentum.*</c>), and in the metadata the step counter and
/// the running loss sums. The data order needs no generator state (<see cref="DataOrder"/>).</item>
/// </list>
/// Every file is written atomically (<see cref="AtomicFile"/>): a crash leaves at most a
/// <c>*.tmp-*</c> file beside the complete previous version, and <see cref="Trainer.Resume"/> removes those.
/// A start writes the t = 0 checkpoint, then the state, then run.json: run.json's presence means "a run that can be
/// resumed"; a directory without it is "not started" (a start cut off by a full disk or a kill), which
/// <see cref="Trainer.Train"/> starts again. <c>RUN_DIR.lock</c> beside the directory is its <see cref="RunLock"/>,
/// held by the trainer for the whole training.
/// </summary>
public static class RunFiles
{
    /// <summary>Format tag of run.json.</summary>
    public const string RunFormat = "neuralspin.training.run/1";
    /// <summary>Format tag in checkpoint metadata.</summary>
    public const string CheckpointFormat = "neuralspin.training.checkpoint/1";
    /// <summary>Format tag in the resume state's metadata.</summary>
    public const string StateFormat = "neuralspin.training.state/1";

    /// <summary>The configuration file.</summary>
    public static string RunJson(string runDir) => Path.Combine(runDir, "run.json");
    /// <summary>The checkpoint folder.</summary>
    public static string CheckpointDirectory(string runDir) => Path.Combine(runDir, "checkpoints");
    /// <summary>The resume-state folder.</summary>
    public static string StateDirectory(string runDir) => Path.Combine(runDir, "state");
    /// <summary>The resume-state file.</summary>
    public static string StateFile(string runDir) => Path.Combine(StateDirectory(runDir), "state.safetensors");

    /// <summary>The checkpoint file name for a step, e.g. <c>ckpt-s000000029-e0.015467.safetensors</c>.</summary>
    public static string CheckpointFileName(long step, double epoch) =>
        $"ckpt-s{step.ToString("D9", CultureInfo.InvariantCulture)}-e{epoch.ToString("0.000000", CultureInfo.InvariantCulture)}.safetensors";

    /// <summary>The complete checkpoint files of a run, in step order (temporary files of interrupted writes are skipped).</summary>
    public static IReadOnlyList<string> ListCheckpoints(string runDir)
    {
        var dir = CheckpointDirectory(runDir);
        if (!Directory.Exists(dir)) return [];
        return Directory.GetFiles(dir, "ckpt-s*.safetensors").Order(StringComparer.Ordinal).ToArray();
    }

    /// <summary>Text of a double that parses back to the same value ("R" format, invariant culture; NaN as <c>NaN</c>).</summary>
    public static string Format(double x) => x.ToString("R", CultureInfo.InvariantCulture);

    internal static double ParseDouble(string s) => double.Parse(s, NumberStyles.Float, CultureInfo.InvariantCulture);

    /// <summary>run.json as written: indented by two spaces, the default escaping.</summary>
    static readonly JsonSerializerOptions Written = new() { WriteIndented = true };

    /// <summary>run.json as read: every key a <see cref="RunJsonFile"/> does not mark optional must be there, a string or list
    /// it does not mark nullable must not be null, and a key may not repeat.</summary>
    static readonly JsonSerializerOptions Reading = new()
    {
        RespectNullableAnnotations = true,
        RespectRequiredConstructorParameters = true,
        AllowDuplicateProperties = false,
    };

    internal static void WriteRunJson(string runDir, TrainingOptions o, TrainingData data, string fingerprint, int stepsPerEpoch, long totalSteps)
    {
        var file = new RunJsonFile(RunFormat, RunJsonOptions.From(o), new RunJsonData(data.TrainCount, data.TestCount, data.InputDim, fingerprint),
            stepsPerEpoch, totalSteps, RunJsonEnvironment.Current(), RunJsonEnvironment.Now());
        AtomicFile.WriteAllText(RunJson(runDir), JsonSerializer.Serialize(file, Written) + "\n");
    }

    /// <summary>The record of a run.json text (<see cref="RunJsonFile"/>; its format is not checked here).</summary>
    static RunJsonFile Parse(string text) =>
        JsonSerializer.Deserialize<RunJsonFile>(text, Reading) ?? throw new FormatException("run.json is null");

    /// <summary>Reads the options and data fingerprint of a run directory; the options are validated (<see cref="TrainingOptions.Validate"/>).</summary>
    /// <exception cref="InvalidDataException">The directory has no run.json (it is not a run).</exception>
    /// <exception cref="RunFileException">run.json is malformed, of another format, or records options that cannot be trained.</exception>
    public static (TrainingOptions Options, string DataSha256, int TrainCount, int TestCount, int InputDim) ReadRunJson(string runDir)
    {
        string path = RunJson(runDir);
        if (!File.Exists(path))
            throw new InvalidDataException($"'{runDir}' is not a training run directory: it has no run.json");
        try
        {
            string text = File.ReadAllText(path);
            using (var doc = JsonDocument.Parse(text))
            {
                string? format = doc.RootElement.TryGetProperty("format", out var f) ? f.GetString() : null;
                if (format != RunFormat)
                    throw new RunFileException(path, $"it has format '{format}', expected '{RunFormat}'", RunFileException.DefaultRemedy);
            }
            var file = Parse(text);
            var options = file.Options.ToOptions();
            options.Validate();
            return (options, file.Data.Sha256, file.Data.TrainCount, file.Data.TestCount, file.Data.InputDim);
        }
        catch (RunFileException) { throw; }
        catch (Exception e) when (e is JsonException or InvalidOperationException or NullReferenceException or FormatException or ArgumentException or OverflowException or InvalidCastException or KeyNotFoundException or DecoderFallbackException)
        {
            throw new RunFileException(path, $"it is malformed: {CleanMessage(e)}", RunFileException.DefaultRemedy, e);
        }
        catch (IOException e)
        {
            throw new RunFileException(path, $"it could not be read ({e.Message})", "Check that the file is readable.", e);
        }
    }

    static string CleanMessage(Exception e) =>
        string.Join(" ", e.Message.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries).Select(x => x.Trim())).TrimEnd('.');

    /// <summary>
    /// Whether the run in <paramref name="runDir"/> has finished: its resume state is at the run's last step
    /// (run.json's total_steps). False when either file is missing or unreadable.
    /// </summary>
    public static bool IsComplete(string runDir) => Progress(runDir) is var (step, total) && step == total;

    /// <summary>The step of the run's resume state and the run's total steps; null when either file is missing or unreadable.</summary>
    public static (long Step, long TotalSteps)? Progress(string runDir)
    {
        try
        {
            if (!File.Exists(RunJson(runDir)) || !File.Exists(StateFile(runDir))) return null;
            long total = Parse(File.ReadAllText(RunJson(runDir))).TotalSteps;
            var meta = SafeTensors.ReadMetadata(StateFile(runDir));
            return meta.TryGetValue("step", out var st) ? (long.Parse(st, CultureInfo.InvariantCulture), total) : null;
        }
        catch (Exception e) when (e is IOException or JsonException or InvalidOperationException or NullReferenceException or FormatException or InputFileException)
        {
            return null;
        }
    }

    /// <summary>
    /// Before a (re)start in a directory without run.json: deletes what an earlier start that was cut off before
    /// writing run.json left (its checkpoints, its state, temporaries), so the new run's files are all its own.
    /// </summary>
    internal static void RemoveUnfinishedStart(string runDir)
    {
        RemoveStaleTemporaries(runDir);
        foreach (var f in ListCheckpoints(runDir)) File.Delete(f);
        if (File.Exists(StateFile(runDir))) File.Delete(StateFile(runDir));
    }

    /// <summary>Deletes temporary files left by interrupted atomic writes in the run's folders.</summary>
    internal static void RemoveStaleTemporaries(string runDir)
    {
        foreach (var dir in new[] { runDir, CheckpointDirectory(runDir), StateDirectory(runDir) })
        {
            if (!Directory.Exists(dir)) continue;
            foreach (var f in Directory.GetFiles(dir, "*.tmp-*"))
            {
                try { File.Delete(f); }
                catch (IOException) { }
                catch (UnauthorizedAccessException) { }
            }
        }
    }
}

/// <summary>
/// A run's run.json could not be read or records no trainable run. The message is one paragraph:
/// "run file '&lt;path&gt;': &lt;problem&gt;. &lt;remedy&gt;". Front ends report it as bad input.
/// </summary>
public sealed class RunFileException : InputFileException
{
    internal const string DefaultRemedy = "run.json is written by the trainer and must not be edited; restore it from a copy, or start the run again in a new directory.";

    /// <summary>Creates the exception from its parts.</summary>
    public RunFileException(string path, string problem, string remedy, Exception? inner = null)
        : base("run file", path, problem, remedy, inner)
    {
    }
}
