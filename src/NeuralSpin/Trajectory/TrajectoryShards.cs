using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using NeuralSpin.Analysis;
using NeuralSpin.IO;
using NeuralSpin.Tap;

namespace NeuralSpin.Trajectory;

/// <summary>A checkpoint of the run as a shard file names it: its file name in <c>checkpoints/</c>, step and epoch.</summary>
public sealed record ShardCheckpoint(
    [property: JsonPropertyName("file")] string File,
    [property: JsonPropertyName("step")] long Step,
    [property: JsonPropertyName("epoch")] double Epoch);

/// <summary>A checkpoint a shard left out (<see cref="TrajectoryOptions.SkipBad"/>), by file name, with the reason.</summary>
public sealed record ShardSkipped(
    [property: JsonPropertyName("file")] string File,
    [property: JsonPropertyName("reason")] string Reason);

/// <summary>The full analysis of one checkpoint as a shard file keeps it: the analyze quantities and the two spectra the figures draw.</summary>
public sealed record ShardAnalysis(
    [property: JsonPropertyName("file")] string File,
    [property: JsonPropertyName("analysis")] AnalysisResult Analysis,
    [property: JsonPropertyName("spectrum_j")] double[] SpectrumJ,
    [property: JsonPropertyName("spectrum_tap")] double[] SpectrumTap)
{
    /// <summary>The analysis with its spectra.</summary>
    public AnalysisResult ToResult() => Analysis with { SpectrumJ = SpectrumJ, SpectrumTap = SpectrumTap };
}

/// <summary>The options that decide a shard's numbers; every shard of a trajectory and its merge must have the same.</summary>
public sealed record ShardOptions(
    [property: JsonPropertyName("beta_max")] double BetaMax,
    [property: JsonPropertyName("curve_points")] int CurvePoints,
    [property: JsonPropertyName("skip_bad")] bool SkipBad,
    [property: JsonPropertyName("curve")] CurveOptions Curve)
{
    /// <summary>The shard options of trajectory options (the fit range belongs to the merge).</summary>
    public static ShardOptions From(TrajectoryOptions o) => new(o.BetaMax, o.CurvePoints, o.SkipBad, o.Curve);

    /// <summary>As the command-line options that set them.</summary>
    public string Describe() => $"--beta-max {BetaMax.ToString("R", CultureInfo.InvariantCulture)}{(SkipBad ? " --skip-bad" : "")}" +
                                (CurvePoints != new TrajectoryOptions().CurvePoints || Curve != new CurveOptions()
                                    ? $" (curve points {CurvePoints}, {Curve})" : "");
}

/// <summary>
/// One shard's file <c>RUN_DIR/trajectory-shards/shard-I-of-N.json</c> (<see cref="TrajectoryShards"/>): which run and
/// options it belongs to (every readable checkpoint of the run, the level c_0), and the rows of its checkpoints.
/// </summary>
public sealed record TrajectoryShard
{
    /// <summary>The value of <see cref="Format"/>.</summary>
    public const string FormatName = "neuralspin-trajectory-shard";

    /// <summary>The value of <see cref="Version"/>.</summary>
    public const int CurrentVersion = 1;

    /// <summary>Always <see cref="FormatName"/>.</summary>
    [JsonPropertyName("format")] public string Format { get; init; } = FormatName;

    /// <summary>Always <see cref="CurrentVersion"/>.</summary>
    [JsonPropertyName("version")] public int Version { get; init; } = CurrentVersion;

    /// <summary>This shard's index i (0-based).</summary>
    [JsonPropertyName("shard_index")] public required int ShardIndex { get; init; }

    /// <summary>The number of shards n.</summary>
    [JsonPropertyName("shard_count")] public required int ShardCount { get; init; }

    /// <summary>The options the numbers depend on.</summary>
    [JsonPropertyName("options")] public required ShardOptions Options { get; init; }

    /// <summary>Every readable checkpoint of the run in step order (the same list in every shard): checkpoint k belongs to shard k mod n.</summary>
    [JsonPropertyName("checkpoints")] public required IReadOnlyList<ShardCheckpoint> Checkpoints { get; init; }

    /// <summary>Checkpoint files whose header could not be read (with SkipBad; the same in every shard).</summary>
    [JsonPropertyName("unreadable")] public required IReadOnlyList<ShardSkipped> Unreadable { get; init; }

    /// <summary>The widths of the t = 0 network.</summary>
    [JsonPropertyName("widths")] public required int[] Widths { get; init; }

    /// <summary>The level c_0, the curve minimum of the t = 0 checkpoint, computed by this shard.</summary>
    [JsonPropertyName("level")] public required double Level { get; init; }

    /// <summary>Where the t = 0 curve has its minimum.</summary>
    [JsonPropertyName("level_beta")] public required double LevelBeta { get; init; }

    /// <summary>lambda_min(R) of the t = 0 network, the reference of <see cref="TrajectoryRow.LambdaMinRChange"/>.</summary>
    [JsonPropertyName("lambda_min_r0")] public required double LambdaMinR0 { get; init; }

    /// <summary>The file names of <see cref="Rows"/>, in the same order.</summary>
    [JsonPropertyName("row_files")] public required IReadOnlyList<string> RowFiles { get; init; }

    /// <summary>The rows of this shard's usable checkpoints, in step order.</summary>
    [JsonPropertyName("rows")] public required IReadOnlyList<TrajectoryRow> Rows { get; init; }

    /// <summary>This shard's checkpoints left out by SkipBad (weights unusable or of other widths).</summary>
    [JsonPropertyName("skipped")] public required IReadOnlyList<ShardSkipped> Skipped { get; init; }

    /// <summary>The full analysis of this shard's first row (for shard 0 the t = 0 network), or null without rows.</summary>
    [JsonPropertyName("first")] public ShardAnalysis? First { get; init; }

    /// <summary>The full analysis of this shard's last row, or null without rows.</summary>
    [JsonPropertyName("last")] public ShardAnalysis? Last { get; init; }

    /// <summary>Wall time of this shard.</summary>
    [JsonPropertyName("elapsed_seconds")] public required double ElapsedSeconds { get; init; }
}

/// <summary>A merged trajectory and what its shards cost.</summary>
/// <param name="Result">The trajectory, equal to the one-process <see cref="TrajectoryAnalyzer.Analyze"/>.</param>
/// <param name="ShardCount">The number of shards merged.</param>
/// <param name="ShardSeconds">Each shard's wall time, by shard index.</param>
public sealed record TrajectoryMerge(TrajectoryResult Result, int ShardCount, IReadOnlyList<double> ShardSeconds);

/// <summary>
/// A trajectory computed by n independent processes (e.g. the tasks of a Slurm job array) and merged. The run's
/// readable checkpoints, sorted by step, are numbered k = 0, 1, ...; shard i of n analyses the checkpoints with
/// k mod n = i (the t = 0 checkpoint, k = 0, belongs to shard 0) and writes their rows atomically to
/// <c>RUN_DIR/trajectory-shards/shard-i-of-n.json</c>. Each shard computes the level c_0 itself from the t = 0 checkpoint
/// (one curve minimum, a fraction of one checkpoint's analysis), so the shards never wait for each other.
/// <see cref="Merge"/> checks that all n shards are there and belong together (same run, same options, same c_0, each
/// checkpoint in exactly the shard it belongs to), takes the rows in step order and, as the one-process analysis does,
/// samples the lambda_min(beta) curves of the t = 0 and the last network for Fig. 5 and fits the power laws: its
/// <see cref="TrajectoryResult"/> gives the same trajectory.csv, byte for byte, and the same plots.
/// </summary>
public static class TrajectoryShards
{
    /// <summary>The folder of the shard files in the run directory.</summary>
    public const string Folder = "trajectory-shards";

    /// <summary>The file of shard <paramref name="index"/> of <paramref name="count"/>.</summary>
    public static string FileName(int index, int count) =>
        string.Create(CultureInfo.InvariantCulture, $"shard-{index}-of-{count}.json");

    /// <summary>The path of shard <paramref name="index"/> of <paramref name="count"/> in <paramref name="runDir"/>.</summary>
    public static string PathOf(string runDir, int index, int count) => Path.Combine(runDir, Folder, FileName(index, count));

    static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
        RespectNullableAnnotations = true,
        MaxDepth = 16,
    };

    /// <summary>
    /// Analyses shard <paramref name="shardIndex"/> of <paramref name="shardCount"/> of the run and writes its file
    /// atomically (the folder is created). The checks of <see cref="TrajectoryAnalyzer.Analyze"/> apply to this shard's
    /// checkpoints and to the t = 0 checkpoint; whether a run with skipped checkpoints keeps one after t = 0 is decided at the merge.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">Not 0 &lt;= i &lt; n.</exception>
    /// <exception cref="RunDirectoryException">As <see cref="TrajectoryAnalyzer.Analyze"/>.</exception>
    /// <exception cref="WeightFileException">As <see cref="TrajectoryAnalyzer.Analyze"/>.</exception>
    public static TrajectoryShard RunShard(string runDir, int shardIndex, int shardCount, TrajectoryOptions? options = null,
        IProgress<TrajectoryProgress>? progress = null, CancellationToken cancellation = default)
    {
        var shard = Analyze(runDir, shardIndex, shardCount, options, progress, cancellation);
        Write(PathOf(runDir, shardIndex, shardCount), shard);
        return shard;
    }

    /// <summary>Analyses shard <paramref name="shardIndex"/> of <paramref name="shardCount"/>; writes nothing.</summary>
    public static TrajectoryShard Analyze(string runDir, int shardIndex, int shardCount, TrajectoryOptions? options = null,
        IProgress<TrajectoryProgress>? progress = null, CancellationToken cancellation = default)
    {
        if (shardCount < 1 || shardIndex < 0 || shardIndex >= shardCount)
            throw new ArgumentOutOfRangeException(nameof(shardIndex), $"shard {shardIndex}/{shardCount} is not i/n with 0 <= i < n");
        options ??= new TrajectoryOptions();
        TrajectoryAnalyzer.CheckOptions(options);
        var sw = Stopwatch.StartNew();
        var prepared = TrajectoryAnalyzer.Prepare(runDir, options, shardIndex, shardCount, progress, cancellation);
        var part = TrajectoryAnalyzer.AnalyzeCheckpoints(prepared, options, progress, "writing the shard", cancellation);
        ShardAnalysis? Keep(AnalysisResult? r, Checkpoint? cp) => r is null ? null : new(Name(cp!), r, r.SpectrumJ, r.SpectrumTap);
        return new TrajectoryShard
        {
            ShardIndex = shardIndex,
            ShardCount = shardCount,
            Options = ShardOptions.From(options),
            Checkpoints = prepared.Listed.Select(c => new ShardCheckpoint(Name(c), c.Step, c.Epoch)).ToList(),
            Unreadable = prepared.Unreadable.Select(s => new ShardSkipped(Path.GetFileName(s.Path), s.Reason)).ToList(),
            Widths = prepared.Bonds0.Widths.ToArray(),
            Level = prepared.Level,
            LevelBeta = prepared.LevelBeta,
            LambdaMinR0 = TrajectoryAnalyzer.LambdaMinR(prepared.Bonds0),
            RowFiles = prepared.Usable.Select(Name).ToList(),
            Rows = part.Rows,
            Skipped = prepared.Skipped.Select(s => new ShardSkipped(Path.GetFileName(s.Path), s.Reason)).ToList(),
            First = Keep(part.First, prepared.Usable.FirstOrDefault()),
            Last = Keep(part.Last, prepared.Usable.LastOrDefault()),
            ElapsedSeconds = sw.Elapsed.TotalSeconds,
        };
    }

    static string Name(Checkpoint c) => Path.GetFileName(c.Path);

    /// <summary>Writes a shard file atomically (its folder is created).</summary>
    public static void Write(string path, TrajectoryShard shard)
    {
        ArgumentNullException.ThrowIfNull(shard);
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        AtomicFile.WriteAllText(path, JsonSerializer.Serialize(shard, Json) + "\n");
    }

    /// <summary>Reads a shard file.</summary>
    /// <exception cref="RunDirectoryException">The file cannot be read or is not a shard file of this version.</exception>
    public static TrajectoryShard Read(string path)
    {
        const string Again = "Run that shard again ('neuralspin trajectory RUN_DIR --shard I/N').";
        TrajectoryShard? shard;
        try
        {
            using var stream = File.OpenRead(path);
            using var doc = JsonDocument.Parse(stream, new JsonDocumentOptions { MaxDepth = 16 });
            if (doc.RootElement.ValueKind != JsonValueKind.Object
                || !doc.RootElement.TryGetProperty("format", out var f) || f.ValueKind != JsonValueKind.String || f.GetString() != TrajectoryShard.FormatName)
                throw new RunDirectoryException($"'{path}' is not a trajectory shard file (no \"format\": \"{TrajectoryShard.FormatName}\"). {Again}");
            if (!doc.RootElement.TryGetProperty("version", out var v) || v.ValueKind != JsonValueKind.Number || !v.TryGetInt32(out int version)
                || version != TrajectoryShard.CurrentVersion)
                throw new RunDirectoryException($"trajectory shard '{path}' has another format version than {TrajectoryShard.CurrentVersion}. {Again}");
            shard = doc.RootElement.Deserialize<TrajectoryShard>(Json);
        }
        catch (JsonException e)
        {
            throw new RunDirectoryException($"trajectory shard '{path}' is damaged ({e.Message.TrimEnd('.')}). {Again}", e);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new RunDirectoryException($"trajectory shard '{path}' could not be read ({e.Message.TrimEnd('.')}). Check that it is readable.", e);
        }
        if (shard is null || shard.Rows.Count != shard.RowFiles.Count || shard.Rows.Any(r => r is null))
            throw new RunDirectoryException($"trajectory shard '{path}' is damaged (its rows and row files do not match). {Again}");
        return shard;
    }

    /// <summary>
    /// The shard files in <c>RUN_DIR/trajectory-shards/</c> as (i, n, path), in order of i. Files of other names are ignored.
    /// </summary>
    public static IReadOnlyList<(int Index, int Count, string Path)> List(string runDir)
    {
        string folder = Path.Combine(runDir, Folder);
        if (!Directory.Exists(folder)) return [];
        var found = new List<(int, int, string)>();
        foreach (var path in Directory.GetFiles(folder, "shard-*-of-*.json"))
        {
            var parts = Path.GetFileNameWithoutExtension(path).Split('-');
            if (parts.Length == 4 && parts[0] == "shard" && parts[2] == "of"
                && int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out int i)
                && int.TryParse(parts[3], NumberStyles.None, CultureInfo.InvariantCulture, out int n) && n >= 1 && i < n
                && FileName(i, n) == Path.GetFileName(path))
                found.Add((i, n, path));
        }
        return found.OrderBy(x => x.Item2).ThenBy(x => x.Item1).ToList();
    }

    /// <summary>
    /// Merges the shards of the run into the trajectory that <see cref="TrajectoryAnalyzer.Analyze"/> computes in one
    /// process (writes nothing; write <see cref="TrajectoryResult.Rows"/> with <see cref="TrajectoryCsv"/> and render the
    /// plots with <c>TrajectoryPlots</c>). <paramref name="options"/> gives the fit range; its beta_max, curve options
    /// and SkipBad must be the shards'. Loads the t = 0 and the last checkpoint to sample the curves of Fig. 5.
    /// </summary>
    /// <exception cref="RunDirectoryException">No shards; shards of different counts; a shard missing, damaged, of another run,
    /// other options or another c_0; a checkpoint in no shard or in two; the run's checkpoints changed since the shards
    /// were computed; or, with SkipBad, no checkpoint after t = 0 left.</exception>
    public static TrajectoryMerge Merge(string runDir, TrajectoryOptions? options = null, CancellationToken cancellation = default)
    {
        options ??= new TrajectoryOptions();
        TrajectoryAnalyzer.CheckOptions(options);
        var sw = Stopwatch.StartNew();
        // a missing run directory (or a file) is reported as the one-process analysis reports it
        if (!Directory.Exists(runDir)) RunDirectory.ListCheckpoints(runDir);
        string folder = Path.Combine(runDir, Folder);
        string Rerun(int i, int n) => $"'neuralspin trajectory {runDir} --shard {i}/{n}'";
        var files = List(runDir);
        if (files.Count == 0)
            throw new RunDirectoryException(
                $"run directory '{runDir}' holds no trajectory shards ({folder}/shard-I-of-N.json). Run 'neuralspin trajectory {runDir} --shard I/N' for I = 0..N-1 first, then merge.");
        var counts = files.Select(f => f.Count).Distinct().ToList();
        if (counts.Count > 1)
            throw new RunDirectoryException(
                $"'{folder}' holds shards of different splits, n = {string.Join(" and n = ", counts)} ({string.Join(", ", files.Select(f => Path.GetFileName(f.Path)))}). " +
                "Shards of one trajectory share one N; remove the files of the other split (or the whole folder, and run the shards again).");
        int count = counts[0];
        var missing = Enumerable.Range(0, count).Except(files.Select(f => f.Index)).ToList();
        if (missing.Count > 0)
            throw new RunDirectoryException(
                $"{(missing.Count == 1 ? "shard" : "shards")} {string.Join(", ", missing.Select(i => $"{i}/{count}"))} of run directory '{runDir}' {(missing.Count == 1 ? "is" : "are")} missing " +
                $"({string.Join(", ", missing.Select(i => FileName(i, count)))} in {folder}). Run {string.Join(" and ", missing.Select(i => Rerun(i, count)))}, then merge again.");

        var shards = files.Select(f => (f.Path, Shard: Read(f.Path))).ToList();
        cancellation.ThrowIfCancellationRequested();
        var (path0, s0) = shards[0];
        foreach (var (path, s) in shards)
        {
            var (i, n) = (files.First(f => f.Path == path).Index, count);
            if (s.ShardIndex != i || s.ShardCount != n)
                throw new RunDirectoryException($"trajectory shard '{path}' says it is shard {s.ShardIndex}/{s.ShardCount}, not {i}/{n} as its name does. Run {Rerun(i, n)} again.");
            string Differs(string what) =>
                $"trajectory shard '{path}' has {what} than '{path0}': the shards were computed from another state of the run or with other options. " +
                $"Run all {n} shards again with the same options, then merge.";
            if (s.Options != s0.Options) throw new RunDirectoryException(Differs($"other options ({s.Options.Describe()}, not {s0.Options.Describe()})"));
            if (!s.Checkpoints.SequenceEqual(s0.Checkpoints)) throw new RunDirectoryException(Differs("another list of checkpoints"));
            if (!s.Unreadable.Select(u => u.File).SequenceEqual(s0.Unreadable.Select(u => u.File))) throw new RunDirectoryException(Differs("other unreadable checkpoints"));
            if (!s.Widths.SequenceEqual(s0.Widths)) throw new RunDirectoryException(Differs($"other widths ({string.Join("-", s.Widths)}, not {string.Join("-", s0.Widths)})"));
            if (!s.Level.Equals(s0.Level) || !s.LevelBeta.Equals(s0.LevelBeta) || !s.LambdaMinR0.Equals(s0.LambdaMinR0))
                throw new RunDirectoryException(Differs(string.Create(CultureInfo.InvariantCulture,
                    $"another level c_0 = {s.Level:R} at beta = {s.LevelBeta:R} (not {s0.Level:R} at {s0.LevelBeta:R})")));
        }
        var merged = ShardOptions.From(options);
        if (merged != s0.Options)
            throw new RunDirectoryException(
                $"the shards of run directory '{runDir}' were computed with {s0.Options.Describe()}, the merge was asked for {merged.Describe()}. " +
                "Give the merge the same --beta-max and --skip-bad as the shards.");

        // the run as it is now must be the run the shards analysed
        IReadOnlyList<SkippedCheckpoint> unreadable = [];
        IReadOnlyList<Checkpoint> listed = options.SkipBad ? RunDirectory.ListCheckpoints(runDir, out unreadable) : RunDirectory.ListCheckpoints(runDir);
        var now = listed.Select(c => new ShardCheckpoint(Name(c), c.Step, c.Epoch)).ToList();
        if (!now.SequenceEqual(s0.Checkpoints) || !unreadable.Select(u => Path.GetFileName(u.Path)).SequenceEqual(s0.Unreadable.Select(u => u.File)))
        {
            var added = now.Select(c => c.File).Except(s0.Checkpoints.Select(c => c.File)).ToList();
            var gone = s0.Checkpoints.Select(c => c.File).Except(now.Select(c => c.File)).ToList();
            string what = added.Count + gone.Count == 0 ? "their steps, epochs or readability differ"
                : string.Join("; ", new[] { added.Count > 0 ? $"new: {string.Join(", ", added)}" : null, gone.Count > 0 ? $"gone: {string.Join(", ", gone)}" : null }.Where(x => x != null));
            throw new RunDirectoryException(
                $"the checkpoints of run directory '{runDir}' changed since its {count} trajectory shards were computed ({what}). Run all {count} shards again, then merge.");
        }

        // every checkpoint in exactly the shard it belongs to, as a row or as skipped
        var owner = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var (path, s) in shards)
        {
            var done = s.RowFiles.Concat(s.Skipped.Select(x => x.File)).ToList();
            var expected = s0.Checkpoints.Where((_, k) => k % count == s.ShardIndex).Select(c => c.File).ToList();
            foreach (var f in done)
            {
                if (owner.TryGetValue(f, out int other))
                    throw new RunDirectoryException($"checkpoint '{f}' is in trajectory shards {other}/{count} and {s.ShardIndex}/{count}; each checkpoint belongs to one shard. Run the shards again, then merge.");
                owner[f] = s.ShardIndex;
            }
            if (!done.Order(StringComparer.Ordinal).SequenceEqual(expected.Order(StringComparer.Ordinal)))
            {
                var lacking = expected.Except(done).ToList();
                var extra = done.Except(expected).ToList();
                throw new RunDirectoryException(
                    $"trajectory shard '{path}' does not hold exactly its checkpoints (those k with k mod {count} = {s.ShardIndex}): " +
                    string.Join("; ", new[] { lacking.Count > 0 ? $"missing {string.Join(", ", lacking)}" : null, extra.Count > 0 ? $"not its own {string.Join(", ", extra)}" : null }.Where(x => x != null)) +
                    $". Run {Rerun(s.ShardIndex, count)} again, then merge.");
            }
        }

        // rows and left-out checkpoints in step order, as one process has them
        var byFile = listed.ToDictionary(Name, StringComparer.Ordinal);
        var rows = new List<(Checkpoint Checkpoint, TrajectoryRow Row, int Shard)>();
        var skipped = new List<(Checkpoint Checkpoint, string Reason)>();
        foreach (var (_, s) in shards)
        {
            for (int r = 0; r < s.Rows.Count; r++) rows.Add((byFile[s.RowFiles[r]], s.Rows[r], s.ShardIndex));
            skipped.AddRange(s.Skipped.Select(x => (byFile[x.File], x.Reason)));
        }
        rows.Sort((a, b) => a.Checkpoint.Step.CompareTo(b.Checkpoint.Step));
        skipped.Sort((a, b) => a.Checkpoint.Step.CompareTo(b.Checkpoint.Step));
        var allSkipped = unreadable.Concat(skipped.Select(x => new SkippedCheckpoint(x.Checkpoint.Path, x.Reason))).ToList();
        var first = listed[0];
        if (rows.Count == 0 || !ReferenceEquals(rows[0].Checkpoint, first) || s0.First is null || s0.First.File != Name(first))
            throw new RunDirectoryException($"trajectory shard '{path0}' lacks the t = 0 checkpoint '{first.Path}'. Run {Rerun(0, count)} again, then merge.");
        TrajectoryAnalyzer.CheckEnoughLeft(runDir, first, rows.Count, allSkipped);
        if (!rows[0].Row.LambdaMinR.Equals(s0.LambdaMinR0))
            throw new RunDirectoryException($"trajectory shard '{path0}' is damaged (its t = 0 row disagrees with its lambda_min(R) of t = 0). Run {Rerun(0, count)} again, then merge.");
        var lastRow = rows[^1];
        var lastShard = shards[lastRow.Shard].Shard;
        if (lastShard.Last is null || lastShard.Last.File != Name(lastRow.Checkpoint))
            throw new RunDirectoryException($"trajectory shard '{shards[lastRow.Shard].Path}' lacks the analysis of its last checkpoint. Run {Rerun(lastRow.Shard, count)} again, then merge.");

        var bonds0 = TrajectoryAnalyzer.Load(first);
        if (!bonds0.Widths.SequenceEqual(s0.Widths))
            throw new RunDirectoryException($"the t = 0 checkpoint '{first.Path}' has widths {string.Join("-", bonds0.Widths)}, but its shards say {string.Join("-", s0.Widths)}: it changed since. Run all {count} shards again, then merge.");
        var finalBonds = rows.Count == 1 ? bonds0 : TrajectoryAnalyzer.Load(lastRow.Checkpoint);
        cancellation.ThrowIfCancellationRequested();
        var result = TrajectoryAnalyzer.Finish(runDir, options, rows.Select(r => r.Checkpoint).ToList(), allSkipped, rows.Select(r => r.Row).ToList(),
            s0.Level, s0.LevelBeta, bonds0, s0.First.ToResult(), lastShard.Last.ToResult(), finalBonds, sw);
        return new TrajectoryMerge(result, count, shards.Select(s => s.Shard.ElapsedSeconds).ToList());
    }
}
