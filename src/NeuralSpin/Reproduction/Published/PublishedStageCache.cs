using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using NeuralSpin.IO;
using NeuralSpin.Ising;

namespace NeuralSpin.Reproduction.Published;

/// <summary>
/// Makes <see cref="PublishedPipeline"/> resumable: every stage result of every model (Bethe free energy, each landscape, TAP,
/// MC dynamics, Boltzmann learning) is stored as <c>DIR/MODEL/STAGE.json</c> together with the fingerprint of what it was
/// computed from (the model's couplings and fields, the stage's other inputs and its settings). A rerun over the same
/// directory reads a stored result whose fingerprint matches instead of computing it again, and recomputes (and replaces)
/// one whose inputs or settings changed, so an interrupted run continues where it stopped and gives the same results as an
/// uninterrupted one. Each file is written atomically. The stored results are those of the code that computed them: after an
/// upgrade that changes a stage, delete the folder to recompute (<see cref="SchemaVersion"/> changes with the stored layout).
/// </summary>
public sealed class PublishedStageCache
{
    /// <summary>The cache folder inside a <c>--published</c> output directory.</summary>
    public const string FolderName = "cache";

    /// <summary>Version of the stored layout; part of every fingerprint.</summary>
    public const int SchemaVersion = 1;

    static readonly JsonSerializerOptions Json = new()
    {
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        IgnoreReadOnlyProperties = true,
        Converters = { new IsingModelConverter() },
    };

    readonly string? _dir;

    /// <summary>A cache in <paramref name="dir"/> (created when the first result is stored); null stores nothing and computes every stage.</summary>
    public PublishedStageCache(string? dir) => _dir = dir;

    /// <summary>Stage results read from the cache during this run.</summary>
    public int Hits { get; private set; }

    /// <summary>Stage results computed (and stored) during this run.</summary>
    public int Misses { get; private set; }

    /// <summary>
    /// The stored result of <paramref name="stage"/> of model <paramref name="modelId"/> if its fingerprint is
    /// <paramref name="fingerprint"/>; otherwise <paramref name="compute"/>'s result, stored before it is returned.
    /// </summary>
    public T GetOrCompute<T>(string modelId, string stage, string fingerprint, Func<T> compute)
    {
        ArgumentNullException.ThrowIfNull(modelId);
        ArgumentNullException.ThrowIfNull(stage);
        ArgumentNullException.ThrowIfNull(fingerprint);
        ArgumentNullException.ThrowIfNull(compute);
        string? path = _dir is null ? null : Path.Combine(_dir, FileSafe(modelId), FileSafe(stage) + ".json");
        if (path is not null && File.Exists(path))
        {
            try
            {
                var stored = JsonSerializer.Deserialize<Entry<T>>(File.ReadAllText(path), Json);
                if (stored is not null && stored.Fingerprint == fingerprint && stored.Value is not null)
                {
                    Hits++;
                    return stored.Value;
                }
            }
            catch (Exception e) when (e is JsonException or ArgumentException or NotSupportedException)
            {
                // a damaged or foreign file: computed again and replaced below
            }
        }
        var value = compute();
        Misses++;
        if (path is not null)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            AtomicFile.WriteAllText(path, JsonSerializer.Serialize(new Entry<T>(fingerprint, value), Json));
        }
        return value;
    }

    /// <summary>
    /// SHA-256 (hex) of the stored layout's version, the model (size, beta, couplings, fields) and <paramref name="parts"/>:
    /// arrays of numbers by their values, anything else by its invariant text (option records print every setting).
    /// </summary>
    public static string Fingerprint(IsingModel model, params object?[] parts)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(parts);
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        void Text(string s) { sha.AppendData(Encoding.UTF8.GetBytes(s)); sha.AppendData([0]); }
        void Doubles(ReadOnlySpan<double> v) { Text($"double[{v.Length}]"); sha.AppendData(System.Runtime.InteropServices.MemoryMarshal.AsBytes(v)); }
        Text(FormattableString.Invariant($"published-stage-cache v{SchemaVersion}; model {model.Size} beta {model.Beta:R}"));
        Doubles(model.CouplingsCopy());
        Doubles(model.Fields);
        foreach (var p in parts)
            switch (p)
            {
                case null: Text("null"); break;
                case double[] d: Doubles(d); break;
                case IReadOnlyList<double> d: Doubles(d.ToArray()); break;
                case float[] f: Text($"float[{f.Length}]"); sha.AppendData(System.Runtime.InteropServices.MemoryMarshal.AsBytes(f.AsSpan())); break;
                case sbyte[] s: Text($"sbyte[{s.Length}]"); sha.AppendData(System.Runtime.InteropServices.MemoryMarshal.AsBytes(s.AsSpan())); break;
                case long[] l: Text($"long[{l.Length}]"); sha.AppendData(System.Runtime.InteropServices.MemoryMarshal.AsBytes(l.AsSpan())); break;
                case int[] i: Text($"int[{i.Length}]"); sha.AppendData(System.Runtime.InteropServices.MemoryMarshal.AsBytes(i.AsSpan())); break;
                case IFormattable f: Text(f.ToString(null, System.Globalization.CultureInfo.InvariantCulture)); break;
                default: Text(Invariant(p)); break;
            }
        return Convert.ToHexStringLower(sha.GetHashAndReset());
    }

    /// <summary>An object's text under the invariant culture (a record prints its settings with the current culture's number format).</summary>
    static string Invariant(object o)
    {
        var saved = System.Globalization.CultureInfo.CurrentCulture;
        try
        {
            System.Globalization.CultureInfo.CurrentCulture = System.Globalization.CultureInfo.InvariantCulture;
            return o.ToString() ?? "";
        }
        finally { System.Globalization.CultureInfo.CurrentCulture = saved; }
    }

    static string FileSafe(string name) => string.Concat(name.Select(c => char.IsLetterOrDigit(c) || c is '-' or '_' or '.' ? c : '_'));

    sealed record Entry<T>(string Fingerprint, T Value);

    /// <summary>An Ising model as {"n", "beta", "couplings" (row-major N x N), "fields"}.</summary>
    sealed class IsingModelConverter : JsonConverter<IsingModel>
    {
        sealed record Stored(int N, double Beta, double[] Couplings, double[] Fields);

        public override IsingModel? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        {
            var s = JsonSerializer.Deserialize<Stored>(ref reader, Json) ?? throw new JsonException("an Ising model was expected");
            return new IsingModel(s.N, s.Couplings, s.Fields, s.Beta);
        }

        public override void Write(Utf8JsonWriter writer, IsingModel value, JsonSerializerOptions options) =>
            JsonSerializer.Serialize(writer, new Stored(value.Size, value.Beta, value.CouplingsCopy(), value.FieldsCopy()), Json);
    }
}
