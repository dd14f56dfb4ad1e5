using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using NeuralSpin.IO;

namespace NeuralSpin.Reproduction;

/// <summary>A settings file of <c>reproduce paper2</c> could not be read or holds a value that is not allowed.</summary>
public sealed class SettingsFileException : InputFileException
{
    /// <summary>Creates the exception: <paramref name="problem"/> without a final full stop, <paramref name="remedy"/> one or more sentences.</summary>
    public SettingsFileException(string path, string problem, string remedy, Exception? inner = null)
        : base("settings file", path, problem, remedy, inner) { }
}

/// <summary>
/// Overrides of a paper-2 schedule from a JSON file: one object whose keys are the snake_case names of
/// <see cref="Paper2Options"/>' schedule fields (<see cref="Keys"/>), each replacing the value of the schedule it is
/// applied to (<see cref="Paper2Options.Quick"/> or <see cref="Paper2Options.Full"/>); keys left out keep that
/// schedule's value. The architecture (widths), the mode, the seed and the threads are not settings (the command has
/// options for the last two). Every value is checked by <see cref="Validate"/>.
/// </summary>
public static class Paper2Settings
{
    static readonly JsonSerializerOptions Json = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    static readonly string[] NotSettings = ["mode", "deep_widths", "shallow_widths", "seed", "threads"];

    /// <summary>The keys a settings file may hold, in the order of <see cref="Paper2Options"/>.</summary>
    public static IReadOnlyList<string> Keys { get; } =
        JsonSerializer.SerializeToNode(Paper2Options.Quick, Json)!.AsObject().Select(kv => kv.Key).Where(k => !NotSettings.Contains(k)).ToArray();

    /// <summary>Reads <paramref name="path"/> and applies it to <paramref name="schedule"/> (see the class summary).</summary>
    /// <exception cref="SettingsFileException">The file is missing, not a JSON object, has an unknown key or a value of the wrong type or range.</exception>
    public static Paper2Options Apply(Paper2Options schedule, string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        string text;
        try { text = File.ReadAllText(path); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new SettingsFileException(path, $"it cannot be read ({e.Message.TrimEnd('.')})", "Give the path of a readable JSON file.", e);
        }
        return Apply(schedule, text, path);
    }

    /// <summary>Applies the JSON object <paramref name="json"/> (named <paramref name="source"/> in messages) to <paramref name="schedule"/>.</summary>
    /// <exception cref="SettingsFileException">Not a JSON object, an unknown key, or a value of the wrong type or range.</exception>
    public static Paper2Options Apply(Paper2Options schedule, string json, string source)
    {
        ArgumentNullException.ThrowIfNull(schedule);
        ArgumentNullException.ThrowIfNull(json);
        ArgumentNullException.ThrowIfNull(source);
        string keysText = string.Join(", ", Keys);
        JsonObject given;
        try
        {
            given = JsonNode.Parse(json, documentOptions: new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true }) as JsonObject
                ?? throw new SettingsFileException(source, "it is not a JSON object", $"Write one object of settings, e.g. {{\"trainings\": 16, \"epochs\": 2}}; the keys are: {keysText}.");
        }
        catch (JsonException e)
        {
            throw new SettingsFileException(source, $"it is not valid JSON (line {e.LineNumber + 1}: {e.Message.Split(" Path:")[0].TrimEnd('.')})", "Fix the JSON syntax.", e);
        }
        var merged = JsonSerializer.SerializeToNode(schedule, Json)!.AsObject();
        foreach (var (key, value) in given)
        {
            if (!Keys.Contains(key))
                throw new SettingsFileException(source, NotSettings.Contains(key) ? $"'{key}' is not a setting" : $"unknown key '{key}'",
                    NotSettings.Contains(key) ? "The architecture and the mode are fixed; give the seed and the threads as --seed and --threads." : $"The keys are: {keysText}.");
            merged[key] = value?.DeepClone();
        }
        Paper2Options options;
        try { options = JsonSerializer.Deserialize<Paper2Options>(merged, Json)!; }
        catch (JsonException e)
        {
            string key = e.Path is { Length: > 2 } p ? p[2..].Split('[', '.')[0] : "?";
            throw new SettingsFileException(source, $"the value of '{key}' has the wrong type ({given[key]?.ToJsonString() ?? "null"})",
                "Give a number for counts and rates, true or false for switches, and a list of numbers for landscape_xs.", e);
        }
        try { Validate(options); }
        catch (ArgumentException e)
        {
            throw new SettingsFileException(source, e.Message.Split(" (Parameter")[0].TrimEnd('.'), "Change that value.", e);
        }
        return options;
    }

    /// <summary>
    /// Checks every schedule field: counts at least 1 (<c>train_subset</c> and <c>over_param_train_images</c> when given, null
    /// switching them off; <c>mc_landscape_burn_in</c> at least 0, <c>mc_landscape_measure</c>
    /// at least 20 for its 20 batches), <c>keep_per_training</c> at most <c>samples_per_training</c>, <c>mc_record_every</c>
    /// at most <c>mc_sweeps</c>, rates and penalties finite (learning rate and BP tolerance positive, penalties
    /// non-negative), accuracy thresholds in [0, 1], BP damping in [0, 1), and a landscape grid of at least two finite,
    /// strictly increasing values that includes 0.
    /// </summary>
    /// <exception cref="ArgumentException">The first field that is out of range, named by its settings key.</exception>
    public static void Validate(Paper2Options o)
    {
        ArgumentNullException.ThrowIfNull(o);
        static void AtLeast(long value, long min, string key)
        {
            if (value < min) throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"{key} must be at least {min}, got {value}"));
        }
        static void Finite(double value, bool positive, string key)
        {
            if (!double.IsFinite(value) || (positive ? value <= 0 : value < 0))
                throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"{key} must be finite and {(positive ? "positive" : "non-negative")}, got {value}"));
        }
        static void Unit(double value, string key)
        {
            if (!(value >= 0 && value <= 1)) throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"{key} must lie in [0, 1], got {value}"));
        }
        AtLeast(o.Trainings, 1, "trainings");
        AtLeast(o.TrainingsPerGroup, 1, "trainings_per_group");
        AtLeast(o.SamplesPerTraining, 1, "samples_per_training");
        AtLeast(o.KeepPerTraining, 1, "keep_per_training");
        if (o.KeepPerTraining > o.SamplesPerTraining)
            throw new ArgumentException($"keep_per_training ({o.KeepPerTraining}) must not exceed samples_per_training ({o.SamplesPerTraining})");
        AtLeast(o.Epochs, 1, "epochs");
        if (o.TrainSubset is int subset) AtLeast(subset, 1, "train_subset");
        if (o.OverParamTrainImages is int images) AtLeast(images, 1, "over_param_train_images");
        AtLeast(o.OverParamEpochs, 1, "over_param_epochs");
        Finite(o.LearningRate, true, "learning_rate");
        Finite(o.L2, false, "l2");
        AtLeast(o.BatchSize, 1, "batch_size");
        Unit(o.AccuracyThresholdDeep, "accuracy_threshold_deep");
        Unit(o.AccuracyThresholdShallow, "accuracy_threshold_shallow");
        Unit(o.AccuracyThresholdOverParam, "accuracy_threshold_over_param");
        AtLeast(o.MinKept, 1, "min_kept");
        AtLeast(o.MaxFitSamples, 2, "max_fit_samples");
        Finite(o.PlL2, false, "pl_l2");
        AtLeast(o.PlMaxIterations, 1, "pl_max_iterations");
        AtLeast(o.PlWarmMaxIterations, 1, "pl_warm_max_iterations");
        var xs = o.LandscapeXs ?? throw new ArgumentException("landscape_xs must be a list of numbers, got null");
        if (xs.Count < 2 || xs.Any(x => !double.IsFinite(x)) || xs.Zip(xs.Skip(1)).Any(p => !(p.Second > p.First)) || !xs.Contains(0.0))
            throw new ArgumentException("landscape_xs must hold at least two finite, strictly increasing values including 0");
        AtLeast(o.BpMaxIterations, 1, "bp_max_iterations");
        if (!(o.BpDamping >= 0 && o.BpDamping < 1))
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"bp_damping must lie in [0, 1), got {o.BpDamping}"));
        Finite(o.BpTolerance, true, "bp_tolerance");
        AtLeast(o.BpStuckIterations, 1, "bp_stuck_iterations");
        AtLeast(o.BpTotalMessageUpdates, 1, "bp_total_message_updates");
        AtLeast(o.McLandscapeBurnIn, 0, "mc_landscape_burn_in");
        AtLeast(o.McLandscapeMeasure, 20, "mc_landscape_measure");
        AtLeast(o.TapMaxIterations, 1, "tap_max_iterations");
        AtLeast(o.TapStarts, 1, "tap_starts");
        AtLeast(o.McSweeps, 1, "mc_sweeps");
        AtLeast(o.McRecordEvery, 1, "mc_record_every");
        if (o.McRecordEvery > o.McSweeps)
            throw new ArgumentException($"mc_record_every ({o.McRecordEvery}) must not exceed mc_sweeps ({o.McSweeps})");
    }
}

/// <summary>A paper-2 output directory holds ensembles and fits made with other settings than the run asks for.</summary>
public sealed class Paper2CacheException : InputFileException
{
    /// <summary>Creates the exception for the directory <paramref name="path"/>.</summary>
    public Paper2CacheException(string path, string problem, string remedy) : base("output directory", path, problem, remedy, null) { }
}

/// <summary>
/// The settings a paper-2 cache directory was made with (<c>DIR/settings.json</c>): the ensembles and fitted models stored
/// there are reused by a rerun only if every setting that shapes them is the same; the mode's name and the thread count
/// are not compared.
/// </summary>
public static class Paper2Cache
{
    /// <summary>The file that records the settings, inside the cache directory.</summary>
    public const string FileName = "settings.json";

    static readonly JsonSerializerOptions Json = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower, WriteIndented = true };

    /// <summary>
    /// Claims <paramref name="cacheDir"/> for <paramref name="options"/>: records them if the directory has no record yet,
    /// and checks them against the record otherwise.
    /// </summary>
    /// <exception cref="Paper2CacheException">The record names other settings (the differing keys are listed).</exception>
    public static void Claim(string cacheDir, Paper2Options options)
    {
        if (Check(cacheDir, options)) return;
        Directory.CreateDirectory(cacheDir);
        // atomically with a temporary file of its own: the tasks of an array may claim the same directory at once (same record)
        AtomicFile.WriteAllText(Path.Combine(cacheDir, FileName), Record(options).ToJsonString(Json) + "\n");
    }

    /// <summary>Checks <paramref name="options"/> against the record of <paramref name="cacheDir"/> without writing anything.</summary>
    /// <returns>True if the directory has a record (and it matches); false if it has none.</returns>
    /// <exception cref="Paper2CacheException">The record names other settings (the differing keys are listed) or is not a JSON object.</exception>
    public static bool Check(string cacheDir, Paper2Options options)
    {
        ArgumentNullException.ThrowIfNull(cacheDir);
        ArgumentNullException.ThrowIfNull(options);
        var wanted = Record(options);
        string path = Path.Combine(cacheDir, FileName);
        if (File.Exists(path))
        {
            JsonObject? held = null;
            try { held = JsonNode.Parse(File.ReadAllText(path)) as JsonObject; }
            catch (JsonException) { }
            if (held is null)
                throw new Paper2CacheException(cacheDir, $"its {FileName} is not a JSON object, so the ensembles and fits there cannot be matched to settings",
                    "Give another --out directory, or delete that directory to start over.");
            var differ = wanted.Select(kv => kv.Key).Union(held.Select(kv => kv.Key))
                .Where(k => !JsonNode.DeepEquals(wanted[k], held[k])).ToList();
            if (differ.Count > 0)
                throw new Paper2CacheException(cacheDir,
                    "it holds ensembles and fits made with other settings (" + string.Join("; ", differ.Take(6).Select(k =>
                        $"{k} {held[k]?.ToJsonString() ?? "absent"} there, {wanted[k]?.ToJsonString() ?? "absent"} now")) + (differ.Count > 6 ? $"; {differ.Count - 6} more" : "") + ")",
                    "Give another --out directory, or delete that directory to start over.");
            return true;
        }
        return false;
    }

    /// <summary>The compared record: every option except the mode's name and the thread count.</summary>
    static JsonObject Record(Paper2Options options)
    {
        var o = JsonSerializer.SerializeToNode(options, Json)!.AsObject();
        o.Remove("mode");
        o.Remove("threads");
        return o;
    }
}
