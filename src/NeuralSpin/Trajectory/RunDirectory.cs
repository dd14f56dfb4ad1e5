using NeuralSpin.Numerics;
using System.Globalization;
using NeuralSpin.IO;

namespace NeuralSpin.Trajectory;

/// <summary>
/// The layout of a training run directory: <c>RUN_DIR/checkpoints/*.safetensors</c> as the trainer writes them, or
/// checkpoints of other producers in the formats that carry scalar metadata: PyTorch (<c>*.pt</c>, <c>*.pth</c>: a dict
/// with the state dict under a key and scalar entries <c>epoch</c>, <c>step</c>, <c>val_error</c>), ONNX
/// (<c>*.onnx</c> with those keys in metadata_props), Keras (<c>*.h5</c>, <c>*.keras</c>: those keys as attributes of
/// the HDF5 root, as <c>f.attrs["epoch"] = ...</c> writes them) and sharded safetensors (one sub-directory per
/// checkpoint holding <c>model.safetensors.index.json</c>: the keys in the index's <c>metadata</c>, or else the time
/// line of transformers' Trainer in <c>trainer_state.json</c> beside it, <see cref="TrainerStateName"/>).
/// </summary>
public static class RunDirectory
{
    /// <summary>The sub-directory that holds the checkpoints.</summary>
    public const string CheckpointsFolder = "checkpoints";

    /// <summary>The trajectory table written into the run directory.</summary>
    public const string CsvName = "trajectory.csv";

    /// <summary>The sub-directory the plots go to.</summary>
    public const string PlotsFolder = "plots";

    /// <summary>
    /// Lists the checkpoints of a run, sorted by step (then epoch). Only the safetensors headers are read.
    /// <c>epoch</c> and <c>step</c> must be in every checkpoint's metadata; <c>val_error</c> may be
    /// missing or empty (then <see cref="Checkpoint.ValError"/> is null). Two checkpoints with the same
    /// step are an error, and so is a run whose epochs and steps disagree (step 0 at an epoch other than 0, an epoch
    /// that does not increase with the step, or epoch != step / steps_per_epoch where that is recorded).
    /// </summary>
    /// <param name="runDir">The run directory (containing <c>checkpoints/</c>).</param>
    /// <exception cref="RunDirectoryException">The directory or its checkpoints folder is missing, or holds no checkpoint, or steps repeat, or epochs and steps disagree.</exception>
    /// <exception cref="WeightFileException">A checkpoint's header is damaged or its epoch/step metadata are missing or not numbers.</exception>
    public static IReadOnlyList<Checkpoint> ListCheckpoints(string runDir) => Sorted(Files(runDir).Select(Read));

    /// <summary>
    /// Lists the checkpoints of a run like <see cref="ListCheckpoints(string)"/>, except that a file whose header
    /// is damaged or whose epoch/step metadata are missing or not numbers is returned in
    /// <paramref name="unreadable"/>, with the reason, instead of failing the listing (the returned list may
    /// then be empty). The trajectory's <see cref="TrajectoryOptions.SkipBad"/> uses it.
    /// </summary>
    /// <param name="runDir">The run directory (containing <c>checkpoints/</c>).</param>
    /// <param name="unreadable">The files that could not be read, in file-name order.</param>
    /// <exception cref="RunDirectoryException">The directory or its checkpoints folder is missing, or holds no *.safetensors file, or steps repeat among the readable checkpoints.</exception>
    public static IReadOnlyList<Checkpoint> ListCheckpoints(string runDir, out IReadOnlyList<SkippedCheckpoint> unreadable)
    {
        var readable = new List<Checkpoint>();
        var bad = new List<SkippedCheckpoint>();
        foreach (var file in Files(runDir))
        {
            try { readable.Add(Read(file)); }
            catch (WeightFileException e) { bad.Add(new SkippedCheckpoint(file, e.Problem)); }
        }
        unreadable = bad;
        return Sorted(readable);
    }

    /// <summary>The checkpoint files of a run, in ordinal name order (at least one).</summary>
    static List<string> Files(string runDir)
    {
        ArgumentNullException.ThrowIfNull(runDir);
        if (string.IsNullOrWhiteSpace(runDir))
            throw new RunDirectoryException("the run directory is an empty path. Give the training run's directory, the one containing checkpoints/.");
        if (File.Exists(runDir))
            throw new RunDirectoryException($"run directory '{runDir}' is a file, not a directory. Give the training run's directory, the one containing checkpoints/*.safetensors.");
        if (!Directory.Exists(runDir))
            throw new RunDirectoryException($"run directory '{runDir}' does not exist. Check the path; it should contain checkpoints/*.safetensors written by the trainer.");
        string folder = Path.Combine(runDir, CheckpointsFolder);
        if (!Directory.Exists(folder))
            throw new RunDirectoryException($"run directory '{runDir}' has no '{CheckpointsFolder}' folder. The trainer writes its checkpoints to RUN_DIR/{CheckpointsFolder}/*.safetensors; give that run's directory.");
        var files = Directory.GetFiles(folder, "*.safetensors").Order(StringComparer.Ordinal).ToList();
        if (files.Count == 0)
            files = Directory.GetFiles(folder).Where(f => ForeignExtensions.Contains(Path.GetExtension(f).ToLowerInvariant()))
                .Concat(Directory.GetDirectories(folder).Where(d => File.Exists(Path.Combine(d, ShardedSafeTensors.IndexName))))
                .Order(StringComparer.Ordinal).ToList();
        if (files.Count == 0)
            throw new RunDirectoryException($"'{folder}' holds no *.safetensors checkpoint (nor .pt, .pth, .onnx, .h5 or .keras checkpoints, nor sharded checkpoint directories, with epoch and step metadata). Train the network first, or give the run directory whose {CheckpointsFolder}/ folder holds the checkpoints.");
        return files;
    }

    static List<Checkpoint> Sorted(IEnumerable<Checkpoint> checkpoints)
    {
        var list = checkpoints.OrderBy(c => c.Step).ThenBy(c => c.Epoch).ToList();
        for (int i = 1; i < list.Count; i++)
        {
            if (list[i].Step == list[i - 1].Step)
                throw new RunDirectoryException($"checkpoints '{list[i - 1].Path}' and '{list[i].Path}' both have step {list[i].Step}. Each checkpoint of a run must have its own step; remove the duplicate.");
        }
        CheckConsistent(list);
        return list;
    }

    /// <summary>
    /// The epochs and steps of a run's checkpoints (sorted by step) must tell the same time: step 0 exactly at epoch 0,
    /// the epoch strictly increasing with the step, and epoch = step / steps_per_epoch where a checkpoint records
    /// steps_per_epoch (as the trainer does). A run that breaks this was assembled from other runs or edited by hand.
    /// </summary>
    static void CheckConsistent(List<Checkpoint> list)
    {
        const string Fix = "The checkpoints of one run must tell one time line; remove the checkpoints that belong to another run or correct their metadata.";
        foreach (var c in list)
        {
            if ((c.Step == 0) != (c.Epoch == 0))
                throw new RunDirectoryException(string.Create(CultureInfo.InvariantCulture,
                    $"checkpoint '{c.Path}' has step {c.Step} at epoch {c.Epoch:R}, but step 0 (the untrained network) is epoch 0 and no other step is. {Fix}"));
            if (c.Metadata.TryGetValue("steps_per_epoch", out var text)
                && long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out long spe) && spe > 0)
            {
                double expected = c.Step / (double)spe;
                if (!Precision.AlmostEqualRelative(c.Epoch, expected))
                    throw new RunDirectoryException(string.Create(CultureInfo.InvariantCulture,
                        $"checkpoint '{c.Path}' has step {c.Step} and steps_per_epoch {spe}, which make epoch {expected:R}, but its epoch is {c.Epoch:R}. {Fix}"));
            }
        }
        for (int i = 1; i < list.Count; i++)
        {
            Checkpoint a = list[i - 1], b = list[i];
            if (!(b.Epoch > a.Epoch))
                throw new RunDirectoryException(string.Create(CultureInfo.InvariantCulture,
                    $"the epoch does not increase with the step: checkpoint '{a.Path}' has step {a.Step} at epoch {a.Epoch:R}, but '{b.Path}' has the later step {b.Step} at epoch {b.Epoch:R}. {Fix}"));
        }
    }

    /// <summary>Checkpoint file formats of other producers, used when the folder holds no *.safetensors file (sharded checkpoints are directories).</summary>
    public static IReadOnlyList<string> ForeignExtensions { get; } = [".pt", ".pth", ".onnx", ".h5", ".keras"];

    /// <summary>
    /// The file in which transformers' Trainer keeps a checkpoint's time line (<c>checkpoint-STEP/trainer_state.json</c>):
    /// <c>epoch</c>, <c>global_step</c> (the step), and <c>log_history</c>, whose entry at that step with
    /// <c>eval_accuracy</c> gives val_error = 1 - eval_accuracy. Read for a sharded checkpoint whose index metadata has no
    /// epoch and step.
    /// </summary>
    public const string TrainerStateName = "trainer_state.json";

    static bool IsSafeTensors(string path) => string.Equals(Path.GetExtension(path), ".safetensors", StringComparison.OrdinalIgnoreCase);

    static IReadOnlyDictionary<string, string> Metadata(string path)
    {
        if (IsSafeTensors(path)) return SafeTensors.ReadMetadata(path);
        using var m = ModelFile.Open(path);
        string state = Path.Combine(path, TrainerStateName);
        if (Directory.Exists(path) && !(m.Metadata.ContainsKey("epoch") && m.Metadata.ContainsKey("step")) && File.Exists(state))
            return new Dictionary<string, string>(m.Metadata.Concat(TrainerState(state)).DistinctBy(kv => kv.Key), StringComparer.Ordinal);
        return m.Metadata;
    }

    /// <summary>epoch, step and val_error from a Trainer's <see cref="TrainerStateName"/> (invariant text).</summary>
    /// <exception cref="WeightFileException">The file cannot be read or is not a JSON object.</exception>
    static Dictionary<string, string> TrainerState(string path)
    {
        const string Fix = "Give the checkpoint directory as transformers' Trainer wrote it, or put epoch and step into the index's \"metadata\".";
        var md = new Dictionary<string, string>(StringComparer.Ordinal);
        try
        {
            using var doc = System.Text.Json.JsonDocument.Parse(File.ReadAllBytes(path), new System.Text.Json.JsonDocumentOptions { MaxDepth = 16 });
            var root = doc.RootElement;
            if (root.ValueKind != System.Text.Json.JsonValueKind.Object)
                throw new WeightFileException(path, "it is not a JSON object", Fix);
            string? Num(System.Text.Json.JsonElement e, string key) =>
                e.TryGetProperty(key, out var v) && v.ValueKind == System.Text.Json.JsonValueKind.Number ? v.GetRawText() : null;
            if (Num(root, "epoch") is { } epoch) md["epoch"] = epoch;
            if (Num(root, "global_step") is { } step)
            {
                md["step"] = step;
                if (root.TryGetProperty("log_history", out var log) && log.ValueKind == System.Text.Json.JsonValueKind.Array)
                    foreach (var entry in log.EnumerateArray())
                        if (entry.ValueKind == System.Text.Json.JsonValueKind.Object && Num(entry, "step") == step
                            && entry.TryGetProperty("eval_accuracy", out var acc) && acc.ValueKind == System.Text.Json.JsonValueKind.Number)
                            md["val_error"] = (1 - acc.GetDouble()).ToString("R", CultureInfo.InvariantCulture);
            }
        }
        catch (System.Text.Json.JsonException e)
        {
            throw new WeightFileException(path, $"it is not valid JSON (line {(e.LineNumber ?? 0) + 1})", Fix, e);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new WeightFileException(path, $"could not be read ({e.Message})", "Check that the file is readable.", e);
        }
        return md;
    }

    /// <summary>Reads one checkpoint's metadata (header only).</summary>
    /// <exception cref="WeightFileException">The file is damaged or lacks a numeric epoch or step.</exception>
    public static Checkpoint Read(string path)
    {
        var meta = Metadata(path);
        double epoch = Number(path, meta, "epoch");
        double stepValue = Number(path, meta, "step");
        if (stepValue < 0 || stepValue != Math.Floor(stepValue) || stepValue > long.MaxValue)
            throw new WeightFileException(path, $"its metadata 'step' = '{meta["step"]}' is not a non-negative integer", Remedy);
        if (epoch < 0)
            throw new WeightFileException(path, $"its metadata 'epoch' = '{meta["epoch"]}' is negative", Remedy);
        double? valError = null;
        if (meta.TryGetValue("val_error", out var ve) && !string.IsNullOrWhiteSpace(ve))
        {
            if (!double.TryParse(ve, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) || !double.IsFinite(v))
                throw new WeightFileException(path, $"its metadata 'val_error' = '{ve}' is not a finite number", Remedy);
            valError = v;
        }
        return new Checkpoint(path, epoch, (long)stepValue, valError, meta);
    }

    /// <summary>
    /// Reads the weights of a checkpoint as <see cref="WeightFile.Load"/> does (every 2-D tensor a layer, in
    /// numeric name order), but counts non-finite weights: the message names the first tensor that holds any,
    /// how many it holds and where the first one is, and how many the other tensors hold.
    /// </summary>
    /// <param name="checkpoint">The checkpoint (its <see cref="Checkpoint.IsInitial"/> picks the advice).</param>
    /// <exception cref="WeightFileException">The file cannot be read, a weight is NaN or infinite, or the tensors do not make a network.</exception>
    public static LoadedWeights LoadWeights(Checkpoint checkpoint)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        string path = checkpoint.Path;
        IReadOnlyList<NamedTensor> tensors;
        IReadOnlyDictionary<string, string> metadata;
        if (IsSafeTensors(path)) (tensors, metadata) = SafeTensors.Read(path);
        else
        {
            using var m = ModelFile.Open(path);
            (tensors, metadata) = (m.Tensors.Select(t => t.Load()).ToList(), m.Metadata);
        }
        var bad = tensors.Where(t => t.Rank == 2 && ModelTensor.IsFloatingType(t.DType)).OrderBy(t => t.Name, LayerNameComparer.Instance)
            .Select(t => (Tensor: t, Count: t.Data.Count(v => !double.IsFinite(v))))
            .Where(x => x.Count > 0).ToList();
        if (bad.Count > 0)
        {
            var (t, n) = bad[0];
            int i = Array.FindIndex(t.Data, v => !double.IsFinite(v));
            double v = t.Data[i];
            long cols = t.Shape[1];
            string what = double.IsNaN(v) ? "a NaN" : v > 0 ? "+infinity" : "-infinity";
            string problem = $"tensor '{t.Name}' holds {n} non-finite {(n == 1 ? "value" : "values")}, " +
                             $"{(n == 1 ? "" : "the first ")}{what} at flat index {i} (row {i / cols}, column {i % cols})";
            if (bad.Count > 1)
            {
                var others = bad.Skip(1).ToList();
                problem += $", and {string.Join(", ", others.Select(x => $"'{x.Tensor.Name}'"))} {(others.Count == 1 ? "holds" : "hold")} {others.Sum(x => x.Count)} more";
            }
            throw new WeightFileException(path, problem, checkpoint.IsInitial
                ? "The untrained network's weights must be finite; save the run's initial network again as its step-0 checkpoint."
                : "The run diverged before this checkpoint was saved; train it again with a lower learning rate.");
        }
        return WeightFile.Choose(path, tensors, metadata);
    }

    const string Remedy = "Checkpoints of a run carry metadata 'epoch' (training time in epochs), 'step' (optimizer steps, 0 for the untrained network) and optionally 'val_error' (safetensors metadata, PyTorch dict entries, ONNX metadata_props, HDF5 root attributes, or a sharded index's \"metadata\"); re-save the checkpoint with them.";

    static double Number(string path, IReadOnlyDictionary<string, string> meta, string key)
    {
        if (!meta.TryGetValue(key, out var text) || string.IsNullOrWhiteSpace(text))
            throw new WeightFileException(path, $"its metadata has no '{key}' entry", Remedy);
        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) || !double.IsFinite(v))
            throw new WeightFileException(path, $"its metadata '{key}' = '{text}' is not a finite number", Remedy);
        return v;
    }
}
