using System.Text.Json;

namespace NeuralSpin.IO;

/// <summary>
/// A model saved as several safetensors shards with an index, as HuggingFace's <c>save_pretrained</c> writes it:
/// <c>model.safetensors.index.json</c> holds <c>{"metadata": {...}, "weight_map": {tensor name: shard file}}</c>, the
/// shards (e.g. <c>model-00001-of-00002.safetensors</c>) lie beside it. Every tensor of the weight map must be in the
/// shard it names, and every tensor of a shard must be in the map; tensors are read lazily from their shard.
/// </summary>
public static class ShardedSafeTensors
{
    /// <summary>The index file's name.</summary>
    public const string IndexName = "model.safetensors.index.json";

    const string Remedy = "Save the model again with save_pretrained(..., safe_serialization=True), or repair the index so that it names every tensor and its shard.";

    /// <summary>Opens a sharded model: <paramref name="path"/> is its directory or its index file.</summary>
    /// <exception cref="WeightFileException">The index or a shard is missing, damaged, or the two disagree.</exception>
    public static ModelFile Open(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        string index = Directory.Exists(path) ? Path.Combine(path, IndexName) : path;
        string dir = Path.GetDirectoryName(Path.GetFullPath(index)) ?? ".";
        byte[] bytes;
        try { bytes = File.ReadAllBytes(index); }
        catch (FileNotFoundException e) { throw SafeTensors.Missing(index, e); }
        catch (IOException e) { throw new WeightFileException(index, $"could not be read ({e.Message})", "Check that the file is readable.", e); }
        catch (UnauthorizedAccessException e) { throw new WeightFileException(index, $"could not be opened ({e.Message})", "Check the file's permissions.", e); }

        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
        try
        {
            string text;
            try { text = new System.Text.UTF8Encoding(false, throwOnInvalidBytes: true).GetString(bytes); }
            catch (System.Text.DecoderFallbackException e) { throw new WeightFileException(index, "it is not valid UTF-8 text", Remedy, e); }
            using var doc = JsonDocument.Parse(text, new JsonDocumentOptions { MaxDepth = 16 });
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("weight_map", out var wm) || wm.ValueKind != JsonValueKind.Object)
                throw new WeightFileException(index, "it is not a safetensors index: it has no \"weight_map\" object mapping tensor names to shard files", Remedy);
            foreach (var p in wm.EnumerateObject())
            {
                if (p.Value.ValueKind != JsonValueKind.String)
                    throw new WeightFileException(index, $"the weight map gives tensor '{p.Name}' a JSON {p.Value.ValueKind.ToString().ToLowerInvariant()}, not a shard file name", Remedy);
                if (!map.TryAdd(p.Name, p.Value.GetString()!))
                    throw new WeightFileException(index, $"the weight map names tensor '{p.Name}' twice", Remedy);
            }
            if (root.TryGetProperty("metadata", out var md) && md.ValueKind == JsonValueKind.Object)
                foreach (var p in md.EnumerateObject())
                    metadata[p.Name] = p.Value.ValueKind == JsonValueKind.String ? p.Value.GetString()! : p.Value.GetRawText();
        }
        catch (JsonException e)
        {
            throw new WeightFileException(index, $"it is not valid JSON (line {(e.LineNumber ?? 0) + 1})", Remedy, e);
        }
        if (map.Count == 0)
            throw new WeightFileException(index, "its weight map is empty", Remedy);

        var tensors = new List<ModelTensor>();
        var shards = map.Values.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        foreach (var shard in shards)
        {
            if (shard.Length == 0 || Path.IsPathRooted(shard) || shard.Split('/', '\\').Contains(".."))
                throw new WeightFileException(index, $"shard name '{shard}' is not a file name beside the index", Remedy);
            if (!File.Exists(Path.Combine(dir, shard)))
                throw new WeightFileException(index, $"shard '{shard}' named by the weight map does not exist beside the index", "Copy every shard of the model into the index's directory.");
        }
        foreach (var shard in shards)
        {
            string shardPath = Path.Combine(dir, shard);
            var (inShard, _) = SafeTensors.Describe(shardPath, shardPath);
            var expected = map.Where(kv => kv.Value == shard).Select(kv => kv.Key).ToHashSet(StringComparer.Ordinal);
            foreach (var t in inShard)
            {
                if (!expected.Remove(t.Name))
                    throw new WeightFileException(index, $"shard '{shard}' holds tensor '{t.Name}', which the weight map {(map.TryGetValue(t.Name, out var other) ? $"puts in shard '{other}'" : "does not list")}", Remedy);
                tensors.Add(t);
            }
            if (expected.Count > 0)
                throw new WeightFileException(index, $"the weight map puts tensor '{expected.Order(StringComparer.Ordinal).First()}' in shard '{shard}', which does not hold it", Remedy);
        }
        return new ModelFile(path, "sharded safetensors", tensors, metadata);
    }
}
