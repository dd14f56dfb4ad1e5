using System.Reflection;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace NeuralSpin.Reporting;

/// <summary>One input file of a result: its path as given, its SHA-256 and its size.</summary>
/// <param name="Path">The path as the caller named it.</param>
/// <param name="Sha256">Lower-case hex SHA-256 of its bytes.</param>
/// <param name="Bytes">Its size in bytes.</param>
public sealed record ProvenanceInput(
    [property: JsonPropertyName("path")] string Path,
    [property: JsonPropertyName("sha256")] string Sha256,
    [property: JsonPropertyName("bytes")] long Bytes);

/// <summary>
/// Where a JSON result came from: the NeuralSpin version and the commit it was built from (from the assembly's
/// informational version, which the build stamps with the source revision), the schema version of the JSON outputs,
/// and the SHA-256 of every input file. Every JSON output of the command line carries it under the key
/// <c>provenance</c>, so a number can be traced back to the code and the exact data that produced it.
/// </summary>
/// <param name="Version">The NeuralSpin version.</param>
/// <param name="Commit">The source revision of the build (empty when the build was not made from a git checkout).</param>
/// <param name="SchemaVersion">The version of the JSON outputs' layout (<see cref="CurrentSchemaVersion"/>).</param>
/// <param name="Inputs">The input files.</param>
public sealed record Provenance(
    [property: JsonPropertyName("neuralspin_version")] string Version,
    [property: JsonPropertyName("commit")] string Commit,
    [property: JsonPropertyName("schema_version")] int SchemaVersion,
    [property: JsonPropertyName("inputs")] IReadOnlyList<ProvenanceInput> Inputs)
{
    /// <summary>The layout version of the JSON outputs; raised when a key is renamed or removed or changes meaning.</summary>
    public const int CurrentSchemaVersion = 1;

    /// <summary>The key under which <see cref="Attach"/> stores the provenance.</summary>
    public const string Key = "provenance";

    /// <summary>The provenance of a result computed by this build from <paramref name="inputs"/> (files; null entries
    /// are skipped; a directory contributes its files in ordinal order of their relative paths).</summary>
    public static Provenance For(IEnumerable<string?> inputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        var info = typeof(Provenance).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "";
        int plus = info.IndexOf('+', StringComparison.Ordinal);
        string version = plus >= 0 ? info[..plus] : info;
        string commit = plus >= 0 ? info[(plus + 1)..] : "";
        var list = new List<ProvenanceInput>();
        foreach (var path in inputs)
        {
            if (path is null) continue;
            if (Directory.Exists(path))
            {
                foreach (var f in Directory.EnumerateFiles(path, "*", SearchOption.AllDirectories)
                             .OrderBy(f => System.IO.Path.GetRelativePath(path, f), StringComparer.Ordinal))
                    list.Add(Hash(f));
            }
            else if (File.Exists(path)) list.Add(Hash(path));
        }
        return new Provenance(version, commit, CurrentSchemaVersion, list);
    }

    static ProvenanceInput Hash(string path)
    {
        using var stream = File.OpenRead(path);
        var sha = SHA256.HashData(stream);
        return new ProvenanceInput(path, Convert.ToHexStringLower(sha), stream.Length);
    }

    /// <summary>
    /// <paramref name="result"/> serialised as a JSON object with this provenance added under <see cref="Key"/> (a result
    /// that does not serialise to an object is wrapped as <c>{"result": ..., "provenance": ...}</c>).
    /// </summary>
    public JsonObject Attach(object result, JsonSerializerOptions? options = null)
    {
        var node = result as JsonNode ?? JsonSerializer.SerializeToNode(result, result.GetType(), options);
        var obj = node is JsonObject o ? o : new JsonObject { ["result"] = node };
        obj.Remove(Key);
        obj[Key] = JsonSerializer.SerializeToNode(this, options);
        return obj;
    }
}
