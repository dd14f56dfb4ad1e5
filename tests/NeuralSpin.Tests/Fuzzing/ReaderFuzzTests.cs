using System.Text;
using NeuralSpin.Data;
using NeuralSpin.IO;
using NeuralSpin.Ising;
using NeuralSpin.Tests.Data;
using NeuralSpin.Tests.IO;
using NeuralSpin.Tests.Training;
using NeuralSpin.Training;
using NeuralSpin.Trajectory;
using NUnit.Framework;
using static NeuralSpin.Tests.Fuzzing.Mutator;

namespace NeuralSpin.Tests.Fuzzing;

/// <summary>
/// Mutation fuzzing of every reader of user files: safetensors, .npy, .npz, IDX (MNIST), Ising model files
/// (.npz/.safetensors/.txt), spin configurations (.npy and the packed ensemble format), run.json and a run's
/// checkpoints. Seeds are written by the project's own writers; each case applies 1-4 seeded mutations
/// (<see cref="Mutator"/>) and checks the property of <see cref="FuzzHarness"/>. The fast part runs in CI
/// (<see cref="FastCases"/> per format); <c>[Category("Slow")]</c> runs <see cref="SlowCases"/> per format
/// with other seeds.
/// </summary>
[TestFixture, NonParallelizable]
public sealed class ReaderFuzzTests
{
    public const int FastCases = 600;
    public const int SlowCases = 25_000;
    const int FastSeed = 20261204;

    static readonly Dictionary<string, FuzzFormat> Formats = new();
    static string _seedDir = "";

    [OneTimeSetUp]
    public void WriteSeeds()
    {
        _seedDir = Path.Combine(Path.GetTempPath(), "neuralspin-fuzz-seeds-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(_seedDir);
        foreach (var f in BuildFormats(_seedDir)) Formats[f.Name] = f;
    }

    [OneTimeTearDown]
    public void RemoveSeeds()
    {
        if (Directory.Exists(_seedDir)) Directory.Delete(_seedDir, true);
    }

    public static IEnumerable<string> FormatNames =>
        ["safetensors", "npy", "npz", "idx", "ising-model", "configurations-npy", "packed-configurations", "run-json", "checkpoints",
         "pytorch", "onnx", "keras-h5", "keras-archive", "sharded-safetensors"];

    [TestCaseSource(nameof(FormatNames))]
    public void Fast(string format) => FuzzHarness.Check(FuzzHarness.Run(Formats[format], format is "checkpoints" or "keras-h5" or "keras-archive" ? FastCases / 2 : FastCases, FastSeed));

    [TestCaseSource(nameof(FormatNames)), Category("Slow")]
    public void Slow(string format) => FuzzHarness.Check(FuzzHarness.Run(Formats[format], SlowCases, 7));

    static byte[] Bytes(string dir, string name, Action<string> write)
    {
        string p = Path.Combine(dir, name);
        write(p);
        return File.ReadAllBytes(p);
    }

    static NamedTensor T(string name, string dtype, long[] shape, int seed)
    {
        var rng = new Random(seed);
        long n = shape.Aggregate(1L, (a, b) => a * b);
        return new NamedTensor(name, dtype, shape, Enumerable.Range(0, (int)n).Select(_ => rng.NextDouble() - 0.5).ToArray());
    }

    static readonly Dictionary<string, string> Meta = new() { ["format"] = "pt", ["epoch"] = "0.5", ["step"] = "4", ["widths"] = "6,4,3" };

    /// <summary>The formats with their seeds (written into <paramref name="dir"/>), mutations and readers.</summary>
    public static List<FuzzFormat> BuildFormats(string dir)
    {
        var list = new List<FuzzFormat>();

        // safetensors: weights through WeightFile.Load (layers finite, chain) and the raw reader
        var st = new List<FuzzSeed>
        {
            new(Bytes(dir, "a.safetensors", p => SafeTensors.Write(p, [T("layers.0.weight", "F64", [4, 6], 1), T("layers.1.weight", "F64", [3, 4], 2)], Meta, "F64")), ".safetensors"),
            new(Bytes(dir, "b.safetensors", p => SafeTensors.Write(p, [T("fc1.weight", "F32", [4, 6], 3), T("fc1.bias", "F32", [4], 4), T("fc2.weight", "F32", [3, 4], 5)], null, "F32")), ".safetensors"),
            new(Bytes(dir, "c.safetensors", p => SafeTensors.Write(p, [T("w", "F16", [5, 5], 6), T("empty", "F16", [0], 7)], Meta, "F16")), ".safetensors"),
            new(Bytes(dir, "d.safetensors", p => SafeTensors.Write(p, [T("w", "BF16", [2, 3], 8)], null, "BF16")), ".safetensors"),
        };
        list.Add(new FuzzFormat("safetensors", st,
            (b, r) => Mutate(b, r, [new LengthField(0, 8)], EditSafeTensorsHeader),
            p =>
            {
                var (tensors, _) = SafeTensors.Read(p);
                foreach (var t in tensors) FuzzHarness.Sound(t, finite: false);
                SafeTensors.ReadMetadata(p);
                FuzzHarness.Sound(WeightFile.Load(p));
            }));

        // .npy: the raw reader (every dtype it accepts) and WeightFile.Load
        var npy = new List<FuzzSeed>
        {
            new(Bytes(dir, "a.npy", p => Npy.Write(p, T("w", "F64", [4, 6], 9))), ".npy"),
            new(RawFiles.Npy("{'descr': '>f4', 'fortran_order': True, 'shape': (3, 2), }", RawFiles.BigF32(1, 2, 3, 4, 5, 6)), ".npy"),
            new(RawFiles.Npy("{'descr': '<f2', 'fortran_order': False, 'shape': (2, 2), }", RawFiles.LittleU16(0x3C00, 0x4000, 0x4200, 0x4400)), ".npy"),
            new(RawFiles.Npy("{'descr': '<i8', 'fortran_order': False, 'shape': (2,), }", RawFiles.LittleF64(1, 2), 2), ".npy"),
            new(Bytes(dir, "s.npy", p => new Configurations(3, [1, -1, 1, -1, -1, 1]).Write(p)), ".npy"),
        };
        list.Add(new FuzzFormat("npy", npy,
            (b, r) => Mutate(b, r, [new LengthField(8, 2), new LengthField(8, 4)]),
            p =>
            {
                FuzzHarness.Sound(Npy.Read(p), finite: false);
                FuzzHarness.Sound(WeightFile.Load(p));
            }));

        // .npz (stored and deflated archives of .npy members)
        var npz = new List<FuzzSeed>
        {
            new(Bytes(dir, "a.npz", p => Npz.Write(p, [T("layers.0.weight", "F64", [4, 6], 10), T("layers.1.weight", "F64", [3, 4], 11)])), ".npz"),
            new(Bytes(dir, "b.npz", p => Npz.Write(p, [T("J", "F64", [3, 3], 12), T("h", "F64", [3], 13)], compressed: true)), ".npz"),
        };
        list.Add(new FuzzFormat("npz", npz,
            (b, r) => Mutate(b, r, [new LengthField(18, 4), new LengthField(22, 4), new LengthField(26, 2), new LengthField(28, 2), new LengthField(b.Length - 12, 4), new LengthField(b.Length - 6, 2)]),
            p =>
            {
                foreach (var t in Npz.Read(p)) FuzzHarness.Sound(t, finite: false);
                FuzzHarness.Sound(WeightFile.Load(p));
            }));

        // IDX (MNIST's format)
        var idx = new List<FuzzSeed>
        {
            new(IdxBytes.Build(Idx.UnsignedByte, [5, 4, 3], IdxBytes.Pattern(60)), ".idx"),
            new(IdxBytes.Build(Idx.UnsignedByte, [10], IdxBytes.Labels(10)), ".idx"),
        };
        list.Add(new FuzzFormat("idx", idx,
            (b, r) => Mutate(b, r, [new LengthField(0, 4, true), new LengthField(4, 4, true), new LengthField(8, 4, true), new LengthField(12, 4, true)]),
            p =>
            {
                var a = Idx.Read(p);
                long n = a.Dimensions.Aggregate(1L, (x, y) => x * y);
                if (a.Dimensions.Any(d => d < 0) || n != a.Data.LongLength) throw new FuzzPropertyException($"dims ({string.Join(", ", a.Dimensions)}) with {a.Data.Length} bytes");
            }));

        // Ising model files in all three formats
        var model = new IsingModel(3, [0, 0.5, -0.2, 0.5, 0, 0.3, -0.2, 0.3, 0], [0.1, 0, -0.1], 0.8);
        var ising = new List<FuzzSeed>
        {
            new(Bytes(dir, "m.npz", p => IsingModelFile.Write(p, model)), ".npz"),
            new(Bytes(dir, "m.safetensors", p => IsingModelFile.Write(p, model)), ".safetensors"),
            new(Bytes(dir, "m.txt", p => IsingModelFile.Write(p, model)), ".txt"),
            new(Encoding.ASCII.GetBytes("2 1.5\n0, 1 # comment\n1 0\n\n0.5 -0.5\n"), ".txt"),
        };
        list.Add(new FuzzFormat("ising-model", ising,
            (b, r) => Mutate(b, r, [new LengthField(0, 8)], EditSafeTensorsHeader),
            p =>
            {
                var m = IsingModelFile.Read(p);
                if (!(m.Beta >= 0) || !double.IsFinite(m.Beta)) throw new FuzzPropertyException($"beta {m.Beta}");
                var j = m.Couplings.ToArray();
                if (!j.All(double.IsFinite)) throw new FuzzPropertyException("non-finite J accepted");
            }));

        // spin configurations: int8 .npy and the packed ensemble format
        var configs = new Configurations(5, [1, -1, 1, 1, -1, -1, -1, 1, 1, 1, 1, 1, -1, -1, 1]);
        list.Add(new FuzzFormat("configurations-npy",
            [new(Bytes(dir, "c.npy", p => configs.Write(p)), ".npy"), new(RawFiles.Npy("{'descr': '|i1', 'fortran_order': True, 'shape': (2, 2), }", [1, 255, 255, 1]), ".npy")],
            (b, r) => Mutate(b, r, [new LengthField(8, 2)]),
            p =>
            {
                var c = Configurations.Read(p);
                if (c.Spins.Any(s => s is not (1 or -1)) || c.SampleCount * c.SpinCount != c.Spins.Length) throw new FuzzPropertyException("bad spins accepted");
            }));
        var packed = PackedConfigurations.From(configs, [0.1, 0.2, 0.3]);
        var withIdx = new PackedConfigurations(70, hasAccuracy: true, hasIndices: true);
        var rng = new Random(3);
        for (int k = 0; k < 4; k++) withIdx.Add(Enumerable.Range(0, 70).Select(_ => rng.Next(2) == 0 ? (sbyte)-1 : (sbyte)1).ToArray(), 0.5 + k / 10.0, k, 2 * k);
        list.Add(new FuzzFormat("packed-configurations",
            [new(Bytes(dir, "p.nspack", p => packed.Write(p)), ".nspack"), new(Bytes(dir, "q.nspack", p => withIdx.Write(p)), ".nspack")],
            (b, r) => Mutate(b, r, [new LengthField(8, 4), new LengthField(12, 4), new LengthField(16, 4), new LengthField(20, 4), new LengthField(24, 8)]),
            p =>
            {
                var c = PackedConfigurations.Read(p);
                var s = new sbyte[c.SpinCount];
                for (int k = 0; k < c.Count; k++)
                {
                    c.Get(k, s);
                    if (s.Any(x => x is not (1 or -1))) throw new FuzzPropertyException("bad spins accepted");
                    if (c.HasAccuracy && !double.IsFinite(c.Accuracy(k))) throw new FuzzPropertyException("non-finite accuracy accepted");
                }
            }));

        // run.json and checkpoints of a real (tiny, synthetic-data) training run
        string run = Path.Combine(dir, "run");
        Trainer.Train(run, SyntheticData.Separable(96, 32, 5), new TrainingOptions
        {
            Program = TrainingProgram.Standard, Widths = [20, 6, 4], LearningRate = 0.01, Epochs = 2, Seed = 3, Threads = 1, Schedule = "0,1,2",
        });
        list.Add(new FuzzFormat("run-json", [new(File.ReadAllBytes(RunFiles.RunJson(run)), ".json")],
            (b, r) => Mutate(b, r, null, EditJson),
            d =>
            {
                var (o, sha, train, test, dim) = RunFiles.ReadRunJson(d);
                if (!double.IsFinite(o.LearningRate) || sha is null) throw new FuzzPropertyException("unsound options accepted");
            })
        {
            Place = (caseDir, bytes, _) => { File.WriteAllBytes(Path.Combine(caseDir, "run.json"), bytes); return (caseDir, Path.Combine(caseDir, "run.json")); },
        });

        var ckpts = RunFiles.ListCheckpoints(run).ToList();
        var ckptSeeds = ckpts.Select(f => new FuzzSeed(File.ReadAllBytes(f), Path.GetFileName(f))).ToList();
        list.Add(new FuzzFormat("checkpoints", ckptSeeds,
            (b, r) => Mutate(b, r, [new LengthField(0, 8)], EditSafeTensorsHeader),
            d =>
            {
                foreach (var c in RunDirectory.ListCheckpoints(d))
                    FuzzHarness.Sound(RunDirectory.LoadWeights(c));
            })
        {
            // the run's checkpoints, one of them (the seed's) replaced by the mutated bytes
            Place = (caseDir, bytes, seed) =>
            {
                string cd = Path.Combine(caseDir, RunDirectory.CheckpointsFolder);
                Directory.CreateDirectory(cd);
                foreach (var s in ckptSeeds) File.WriteAllBytes(Path.Combine(cd, s.Extension), s.Bytes);
                string f = Path.Combine(cd, seed.Extension);
                File.WriteAllBytes(f, bytes);
                return (caseDir, f);
            },
            AlsoAccepted = (e, d, f) => e is RunDirectoryException && !e.Message.Contains('\n') && (e.Message.Contains(f) || e.Message.Contains(d)),
        });
        AddModelFormats(dir, list);
        return list;
    }

    /// <summary>Reads a model file through every path a command takes: all tensors, the spin-model layers, and the per-layer selection.</summary>
    static void ReadModel(string p)
    {
        using (var m = ModelFile.Open(p))
            foreach (var t in m.Tensors) FuzzHarness.Sound(t.Load(), finite: false);
        try { FuzzHarness.Sound(WeightFile.Load(p)); }
        catch (WeightFileException e) when (e.Message.Contains("not couplings of the fully connected spin model", StringComparison.Ordinal))
        {
            // a conv net (or a mutated matrix that became a kernel): refused by the spin model by design
            if (e.Path != p) throw;
        }
    }

    /// <summary>
    /// The model formats, seeded with the files written by the real producers (tests/fixtures/models, see
    /// make_model_fixtures.py): PyTorch zip files, ONNX (inline and with external data), Keras HDF5 in its three layouts,
    /// the .keras archive, and a sharded safetensors directory whose index is mutated.
    /// </summary>
    static void AddModelFormats(string dir, List<FuzzFormat> list)
    {
        static FuzzSeed F(string name) => new(File.ReadAllBytes(ModelReaderTests.Fixture(name)), Path.GetExtension(name));
        var zipLengths = new List<LengthField> { new(18, 4), new(22, 4), new(26, 2), new(28, 2) };
        list.Add(new FuzzFormat("pytorch", [F("mlp.pt"), F("mlp_f16.pt"), F("mlp_nested.pth"), F("cnn.pt")],
            (b, r) => Mutate(b, r, [.. zipLengths, new LengthField(b.Length - 12, 4), new LengthField(b.Length - 6, 2)]), ReadModel));

        var extData = File.ReadAllBytes(ModelReaderTests.Fixture("mlp_external.onnx.data"));
        list.Add(new FuzzFormat("onnx", [F("mlp.onnx"), F("mlp_nobias.onnx"), F("cnn.onnx"), F("mlp_external.onnx")],
            (b, r) => Mutate(b, r), ReadModel)
        {
            // the external-data file beside every case, as onnx.save_model leaves it
            Place = (caseDir, bytes, seed) =>
            {
                File.WriteAllBytes(Path.Combine(caseDir, "mlp_external.onnx.data"), extData);
                string f = Path.Combine(caseDir, "m.onnx");
                File.WriteAllBytes(f, bytes);
                return (f, f);
            },
        });

        list.Add(new FuzzFormat("keras-h5", [F("mlp_keras2.h5"), F("mlp_keras2_model.h5"), F("mlp.weights.h5"), F("cnn_keras2.h5")],
            (b, r) => Mutate(b, r, [new LengthField(24, 8), new LengthField(40, 8)]), ReadModel));
        list.Add(new FuzzFormat("keras-archive", [F("mlp.keras")],
            (b, r) => Mutate(b, r, [.. zipLengths, new LengthField(b.Length - 12, 4), new LengthField(b.Length - 6, 2)]), ReadModel));

        // sharded safetensors: two shards written by the project's writer, the index mutated as JSON
        var e = Npz.Read(ModelReaderTests.Fixture("expected.npz")).Where(t => t.Name.StartsWith("mlp/", StringComparison.Ordinal))
            .ToDictionary(t => t.Name[4..], t => t with { Name = t.Name[4..] });
        byte[] shard1 = Bytes(dir, "s1.safetensors", p => SafeTensors.Write(p, [e["0.weight"], e["0.bias"], e["2.weight"]], null, "F32"));
        byte[] shard2 = Bytes(dir, "s2.safetensors", p => SafeTensors.Write(p, [e["2.bias"], e["4.weight"], e["4.bias"]], null, "F32"));
        string index = "{\"metadata\": {\"total_size\": 652}, \"weight_map\": {\"0.weight\": \"model-00001-of-00002.safetensors\", \"0.bias\": \"model-00001-of-00002.safetensors\", " +
                       "\"2.weight\": \"model-00001-of-00002.safetensors\", \"2.bias\": \"model-00002-of-00002.safetensors\", \"4.weight\": \"model-00002-of-00002.safetensors\", \"4.bias\": \"model-00002-of-00002.safetensors\"}}";
        list.Add(new FuzzFormat("sharded-safetensors", [new(Encoding.UTF8.GetBytes(index), ".json")],
            (b, r) => Mutate(b, r, null, EditJson), ReadModel)
        {
            Place = (caseDir, bytes, _) =>
            {
                File.WriteAllBytes(Path.Combine(caseDir, "model-00001-of-00002.safetensors"), shard1);
                File.WriteAllBytes(Path.Combine(caseDir, "model-00002-of-00002.safetensors"), shard2);
                string f = Path.Combine(caseDir, ShardedSafeTensors.IndexName);
                File.WriteAllBytes(f, bytes);
                return (caseDir, f);
            },
        });
    }
}
