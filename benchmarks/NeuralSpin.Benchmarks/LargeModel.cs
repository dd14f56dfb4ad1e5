using System.Text.Json;
using NeuralSpin.IO;

/// <summary>
/// The synthetic ~100-million-parameter model of the large-model measurement (REPRODUCE.md, "Per-layer spectra of large
/// models"): <c>layers</c> square layers of <c>size</c> x <c>size</c> float32 weights, i.i.d. N(0, 1/size), written as
/// a HuggingFace-style sharded safetensors directory, one layer per shard, so that writing it holds one layer in memory.
/// Run: dotnet run -c Release --project benchmarks/NeuralSpin.Benchmarks -- large-model DIR [LAYERS] [SIZE]
/// (defaults 6 x 4096 x 4096 = 100,663,296 parameters).
/// </summary>
public static class LargeModel
{
    public static void Write(string dir, int layers = 6, int size = 4096, int seed = 1)
    {
        Directory.CreateDirectory(dir);
        var map = new Dictionary<string, string>();
        var rng = new Random(seed);
        double sd = 1 / Math.Sqrt(size);
        for (int k = 0; k < layers; k++)
        {
            var data = new double[(long)size * size];
            for (long i = 0; i < data.LongLength; i += 2)
            {
                // Box-Muller: two standard normals from two uniforms
                double u = 1 - rng.NextDouble(), v = rng.NextDouble();
                double r = Math.Sqrt(-2 * Math.Log(u));
                data[i] = sd * r * Math.Cos(2 * Math.PI * v);
                if (i + 1 < data.LongLength) data[i + 1] = sd * r * Math.Sin(2 * Math.PI * v);
            }
            string shard = $"model-{k + 1:D5}-of-{layers:D5}.safetensors";
            SafeTensors.Write(Path.Combine(dir, shard), [new NamedTensor($"layers.{k}.weight", "F32", [size, size], data)], null, "F32");
            map[$"layers.{k}.weight"] = shard;
            Console.WriteLine($"wrote {shard}");
        }
        File.WriteAllText(Path.Combine(dir, ShardedSafeTensors.IndexName), JsonSerializer.Serialize(new
        {
            metadata = new { total_size = 4L * layers * size * size },
            weight_map = map,
        }));
    }
}
