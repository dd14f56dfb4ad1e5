using System.Reflection;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using NeuralSpin.Analysis;
using NeuralSpin.IO;
using NeuralSpin.Numerics;
using NeuralSpin.SpinModel;

namespace NeuralSpin.Tests.Golden;

/// <summary>The full-precision expected values of one case, as stored in expected.json.</summary>
public sealed record GoldenExpected(
    int NSpins, int[] Widths, double[] CouplingVarianceC,
    double TcReplica, double? BetaC, double? Tc, double? Level, double? BetaCCorrected, double? TcCorrected,
    double CurveMinBeta, double CurveMinLambda, double LambdaMaxJ, double LambdaMinR,
    double? FirstLevelSpacingRatio, double SpacingBeta, double[] SpectrumJ, double[] SpectrumTap);

/// <summary>The generator and analysis parameters read back from meta.json.</summary>
public sealed record GoldenMeta(int[] Widths, double[] C, int Seed, double? Spike, double? Level, double BetaMax);

/// <summary>How a regenerated file compares with the committed one.</summary>
public sealed record RegeneratedFile(string File, string Status);

/// <summary>
/// Reading and (only on request) writing the files of <c>golden/&lt;case&gt;/</c>: input.safetensors,
/// meta.json and expected.json. Doubles are written in .NET's shortest round-trip form ("R"), so
/// reading them back gives the identical bits. Regeneration never writes into <c>golden/&lt;case&gt;/</c>:
/// it writes under another root (by default <see cref="RegeneratedRoot"/>) for review, and the tests always
/// compare with the committed files.
/// </summary>
public static class GoldenFiles
{
    /// <summary>The environment variable that turns regeneration on (value 1).</summary>
    public const string RegenerateVariable = "NEURALSPIN_REGENERATE_GOLDEN";

    /// <summary>The documented regeneration command (also written into meta.json).</summary>
    public const string RegenerateCommand =
        "NEURALSPIN_REGENERATE_GOLDEN=1 dotnet test tests/NeuralSpin.Tests --filter FullyQualifiedName~NeuralSpin.Tests.Golden.GoldenTests.Regenerate";

    /// <summary>The folder under golden/ that regeneration writes to (ignored by git, golden/.gitignore).</summary>
    public const string RegeneratedFolder = ".regenerated";

    public static bool RegenerationRequested =>
        Environment.GetEnvironmentVariable(RegenerateVariable) == "1";

    /// <summary>
    /// The repository's <c>golden/</c> folder: found by walking up from the test assembly's folder to the
    /// directory holding Verification.sln (bin/ lives inside the checkout, so this works from any clone).
    /// </summary>
    public static string GoldenRoot
    {
        get
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir != null; dir = dir.Parent)
                if (File.Exists(Path.Combine(dir.FullName, "Verification.sln")))
                    return Path.Combine(dir.FullName, "golden");
            throw new DirectoryNotFoundException($"no Verification.sln above {AppContext.BaseDirectory}; cannot locate golden/");
        }
    }

    /// <summary>golden/.regenerated: where regeneration writes its files for review.</summary>
    public static string RegeneratedRoot => Path.Combine(GoldenRoot, RegeneratedFolder);

    public static string CaseDir(string name) => Path.Combine(GoldenRoot, name);
    public static string InputPath(string name) => Path.Combine(CaseDir(name), "input.safetensors");
    public static string MetaPath(string name) => Path.Combine(CaseDir(name), "meta.json");
    public static string ExpectedPath(string name) => Path.Combine(CaseDir(name), "expected.json");

    /// <summary>The files of a case, in the order they are written.</summary>
    public static readonly string[] CaseFiles = ["input.safetensors", "meta.json", "expected.json"];

    /// <summary>
    /// The network of a case drawn afresh from its generator parameters: <c>BondMatrix.Sample(widths, c, new Random(seed))</c>,
    /// and, when the case has a <see cref="GoldenCase.Spike"/> theta, plus theta u v^T in J^(1) (N_0 x N_1) with
    /// u = a / |a|, v = b / |b|, where a (N_0 values, then) b (N_1 values) are <c>NextDouble() - 0.5</c> of <c>new Random(seed + 1)</c>.
    /// The outlier lifts lambda_max(J) out of the bulk, so the curve lambda_min(beta) dips below 0 and beta_c exists in an
    /// untrained network (a uniform C only rescales beta, and the bulk alone does not reach 0 at these sizes).
    /// </summary>
    public static BondMatrix Sample(GoldenCase c)
    {
        var b = BondMatrix.Sample(c.Widths, c.C, new Random(c.Seed));
        if (c.Spike is not double theta) return b;
        int n0 = c.Widths[0], n1 = c.Widths[1];
        var rng = new Random(c.Seed + 1);
        var u = Enumerable.Range(0, n0).Select(_ => rng.NextDouble() - 0.5).ToArray();
        var v = Enumerable.Range(0, n1).Select(_ => rng.NextDouble() - 0.5).ToArray();
        double nu = Math.Sqrt(u.Sum(x => x * x)), nv = Math.Sqrt(v.Sum(x => x * x));
        var blocks = Enumerable.Range(1, b.BlockCount).Select(b.BlockCopy).ToArray();
        for (int i = 0; i < n0; i++)
            for (int k = 0; k < n1; k++)
                blocks[0][i * n1 + k] += theta * u[i] / nu * v[k] / nv;
        return new BondMatrix(c.Widths, blocks);
    }

    /// <summary>The generator as written into meta.json and the safetensors metadata.</summary>
    static string GeneratorMethod(GoldenCase c) =>
        "NeuralSpin.SpinModel.BondMatrix.Sample(widths, c, new System.Random(seed)); J^(k)_ij ~ N(0, C_k / N_{k-1}) (docs/theory.md section 1)" +
        (c.Spike is null ? "" : "; plus spike * u v^T in J^(1), u = a/|a|, v = b/|b|, a then b drawn as NextDouble() - 0.5 from new System.Random(seed + 1) (tests/NeuralSpin.Tests/Golden/GoldenFiles.cs, Sample)");

    /// <summary>The analysis options of a case (everything else at the library defaults).</summary>
    public static AnalysisOptions Options(double? level, double betaMax) => new() { Level = level, BetaMax = betaMax };

    /// <summary>
    /// Writes input.safetensors, meta.json and expected.json of <paramref name="c"/> into <c>outputRoot/&lt;case&gt;/</c>:
    /// the weights from the generator (<see cref="Sample"/>, written by WeightFile.Save), and the expected values computed
    /// by <see cref="IndependentReference"/> from the file just written (read with its own reader), with their tolerances.
    /// Refuses to write into <see cref="GoldenRoot"/> itself: the committed files are replaced only by hand, after review.
    /// </summary>
    public static IReadOnlyList<string> Regenerate(GoldenCase c, string outputRoot)
    {
        if (SamePath(outputRoot, GoldenRoot))
            throw new ArgumentException($"regeneration writes for review, never into the committed {GoldenRoot}; use {RegeneratedRoot} or another folder", nameof(outputRoot));
        string dir = Path.Combine(outputRoot, c.Name);
        Directory.CreateDirectory(dir);
        string input = Path.Combine(dir, "input.safetensors"), meta = Path.Combine(dir, "meta.json"), expected = Path.Combine(dir, "expected.json");
        var stMeta = new Dictionary<string, string>
        {
            ["generator"] = c.Spike is null ? "BondMatrix.Sample(widths, c, new Random(seed))" : "BondMatrix.Sample(widths, c, new Random(seed)) + spike u v^T in J^(1) (GoldenFiles.Sample)",
            ["widths"] = string.Join(",", c.Widths),
            ["c"] = string.Join(",", c.C.Select(R)),
            ["seed"] = c.Seed.ToString(System.Globalization.CultureInfo.InvariantCulture),
        };
        if (c.Spike is double theta) stMeta["spike"] = R(theta);
        WeightFile.Save(input, Sample(c), "F64", stMeta);
        var reference = IndependentReference.FromSafeTensors(input).Analyse(c.Level, c.BetaMax);
        AtomicFile.WriteAllText(meta, MetaJson(c));
        AtomicFile.WriteAllText(expected, ExpectedJson(c, reference));
        return [input, meta, expected];
    }

    static bool SamePath(string a, string b) =>
        string.Equals(Path.TrimEndingDirectorySeparator(Path.GetFullPath(a)), Path.TrimEndingDirectorySeparator(Path.GetFullPath(b)), StringComparison.Ordinal);

    /// <summary>
    /// How each file regenerated under <paramref name="outputRoot"/> compares with the committed one: identical, differs
    /// (for meta.json outside "made_with", which records the versions of this run; for expected.json with the fields that
    /// differ), or new (no committed file).
    /// </summary>
    public static IReadOnlyList<RegeneratedFile> CompareWithCommitted(GoldenCase c, string outputRoot)
    {
        var list = new List<RegeneratedFile>();
        foreach (var f in CaseFiles)
        {
            string fresh = Path.Combine(outputRoot, c.Name, f), committed = Path.Combine(CaseDir(c.Name), f);
            string status;
            if (!File.Exists(committed)) status = "new";
            else if (File.ReadAllBytes(fresh).AsSpan().SequenceEqual(File.ReadAllBytes(committed))) status = "identical";
            else if (f.EndsWith(".json"))
            {
                var fields = DifferingFields(committed, fresh, ignore: "made_with");
                status = fields.Count == 0 ? "identical apart from made_with" : "differs: " + string.Join(", ", fields);
            }
            else status = "differs";
            list.Add(new RegeneratedFile(Path.Combine(c.Name, f), status));
        }
        return list;
    }

    /// <summary>Top-level fields of two JSON objects whose values differ (JsonElement.DeepEquals), or that only one has.</summary>
    static List<string> DifferingFields(string pathA, string pathB, string ignore)
    {
        using var a = JsonDocument.Parse(File.ReadAllText(pathA));
        using var b = JsonDocument.Parse(File.ReadAllText(pathB));
        var pa = a.RootElement.EnumerateObject().ToDictionary(p => p.Name, p => p.Value);
        var pb = b.RootElement.EnumerateObject().ToDictionary(p => p.Name, p => p.Value);
        return pa.Keys.Union(pb.Keys)
            .Where(k => k != ignore && (!pa.TryGetValue(k, out var x) || !pb.TryGetValue(k, out var y) || !JsonElement.DeepEquals(x, y)))
            .ToList();
    }

    static string R(double x) => x.ToString("R", System.Globalization.CultureInfo.InvariantCulture);

    static string MetaJson(GoldenCase c) => Write(w =>
    {
        w.WriteString("case", c.Name);
        w.WriteString("description", c.Description);
        w.WriteStartObject("generator");
        w.WriteString("method", GeneratorMethod(c));
        WriteInts(w, "widths", c.Widths);
        WriteDoubles(w, "c", c.C);
        w.WriteNumber("seed", c.Seed);
        WriteNullable(w, "spike", c.Spike);
        w.WriteEndObject();
        w.WriteStartObject("analysis");
        w.WriteString("method", "NeuralSpin.Analysis.NetworkAnalysis.Run(WeightFile.Load(input.safetensors).ToBondMatrix(), options), compared with expected.json");
        WriteNullable(w, "level", c.Level);
        w.WriteNumber("beta_max", c.BetaMax);
        var curve = new NeuralSpin.Tap.CurveOptions();
        w.WriteString("curve_options", $"library defaults (dense threshold {curve.DenseThreshold}, coarse tolerance {R(curve.CoarseTolerance)}, fine tolerance {R(curve.FineTolerance)}, Lanczos seed {curve.Seed})");
        w.WriteEndObject();
        w.WriteStartObject("files");
        w.WriteString("input.safetensors", "the weights W^(k) = J^(k)^T as F64 tensors layers.{k}.weight, written by WeightFile.Save");
        w.WriteString("expected.json", "the expected analysis computed by IndependentReference (tests/NeuralSpin.Tests/Golden/IndependentReference.cs) from input.safetensors, in full precision (shortest round-trip \"R\" doubles; spectra ascending), with the tolerance of each field");
        w.WriteEndObject();
        w.WriteStartObject("made_with");
        w.WriteString("command", RegenerateCommand);
        w.WriteString("neuralspin", Informational(typeof(BondMatrix).Assembly));
        w.WriteString("torchsharp", Informational(typeof(TorchSharp.torch).Assembly));
        w.WriteString("mathnet_numerics", Informational(typeof(MathNet.Numerics.Control).Assembly));
        w.WriteString("dotnet", RuntimeInformation.FrameworkDescription);
        w.WriteString("os", RuntimeInformation.OSDescription);
        w.WriteString("arch", RuntimeInformation.ProcessArchitecture.ToString());
        w.WriteNumber("torch_threads", TorchThreads());
        w.WriteEndObject();
    });

    static string ExpectedJson(GoldenCase c, GoldenExpected e) => Write(w =>
    {
        w.WriteString("case", c.Name);
        w.WriteString("origin", GoldenTolerances.Origin);
        w.WriteNumber("n_spins", e.NSpins);
        WriteInts(w, "widths", e.Widths);
        WriteDoubles(w, "coupling_variance_c", e.CouplingVarianceC);
        w.WriteNumber("tc_replica", e.TcReplica);
        WriteNullable(w, "beta_c", e.BetaC);
        WriteNullable(w, "tc", e.Tc);
        WriteNullable(w, "level", e.Level);
        WriteNullable(w, "beta_c_corrected", e.BetaCCorrected);
        WriteNullable(w, "tc_corrected", e.TcCorrected);
        w.WriteNumber("curve_min_beta", e.CurveMinBeta);
        w.WriteNumber("curve_min_lambda", e.CurveMinLambda);
        w.WriteNumber("lambda_max_j", e.LambdaMaxJ);
        w.WriteNumber("lambda_min_r", e.LambdaMinR);
        WriteNullable(w, "first_level_spacing_ratio", e.FirstLevelSpacingRatio);
        w.WriteNumber("spacing_beta", e.SpacingBeta);
        GoldenTolerances.Write(w, e);
        WriteDoubles(w, "spectrum_j", e.SpectrumJ);
        WriteDoubles(w, "spectrum_tap", e.SpectrumTap);
    });

    public static GoldenMeta ReadMeta(string name)
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(MetaPath(name)));
        var g = doc.RootElement.GetProperty("generator");
        var a = doc.RootElement.GetProperty("analysis");
        return new GoldenMeta(Ints(g.GetProperty("widths")), Doubles(g.GetProperty("c")), g.GetProperty("seed").GetInt32(),
            Nullable(g.GetProperty("spike")), Nullable(a.GetProperty("level")), a.GetProperty("beta_max").GetDouble());
    }

    public static GoldenExpected ReadExpected(string name) => ReadExpectedFile(ExpectedPath(name));

    public static GoldenExpected ReadExpectedFile(string path)
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(path));
        var e = doc.RootElement;
        double D(string p) => e.GetProperty(p).GetDouble();
        double? N(string p) => Nullable(e.GetProperty(p));
        return new GoldenExpected(
            e.GetProperty("n_spins").GetInt32(), Ints(e.GetProperty("widths")), Doubles(e.GetProperty("coupling_variance_c")),
            D("tc_replica"), N("beta_c"), N("tc"), N("level"), N("beta_c_corrected"), N("tc_corrected"),
            D("curve_min_beta"), D("curve_min_lambda"), D("lambda_max_j"), D("lambda_min_r"),
            N("first_level_spacing_ratio"), D("spacing_beta"), Doubles(e.GetProperty("spectrum_j")), Doubles(e.GetProperty("spectrum_tap")));
    }

    /// <summary>The numeric environment, logged once per run.</summary>
    public static string EnvironmentLine() =>
        $"NeuralSpin {Informational(typeof(BondMatrix).Assembly)}; TorchSharp {Informational(typeof(TorchSharp.torch).Assembly)}; " +
        $"{RuntimeInformation.FrameworkDescription}; {RuntimeInformation.OSDescription} {RuntimeInformation.ProcessArchitecture}; torch threads {TorchThreads()}";

    internal static int TorchThreads()
    {
        TorchLinalg.SymmetricEigenvalues([1.0], 1); // configures libtorch's thread count the way the library does
        return TorchSharp.torch.get_num_threads();
    }

    internal static string Informational(Assembly a) =>
        a.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? a.GetName().Version?.ToString() ?? "unknown";

    internal static string Write(Action<Utf8JsonWriter> body)
    {
        using var ms = new MemoryStream();
        using (var w = new Utf8JsonWriter(ms, new JsonWriterOptions { Indented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            w.WriteStartObject();
            body(w);
            w.WriteEndObject();
        }
        return Encoding.UTF8.GetString(ms.ToArray()) + "\n";
    }

    internal static void WriteNullable(Utf8JsonWriter w, string name, double? v)
    {
        if (v is double x) w.WriteNumber(name, x); else w.WriteNull(name);
    }

    internal static void WriteInts(Utf8JsonWriter w, string name, int[] v)
    {
        w.WriteStartArray(name);
        foreach (var x in v) w.WriteNumberValue(x);
        w.WriteEndArray();
    }

    internal static void WriteDoubles(Utf8JsonWriter w, string name, double[] v)
    {
        w.WriteStartArray(name);
        foreach (var x in v) w.WriteNumberValue(x);
        w.WriteEndArray();
    }

    internal static int[] Ints(JsonElement e) => e.EnumerateArray().Select(x => x.GetInt32()).ToArray();
    internal static double[] Doubles(JsonElement e) => e.EnumerateArray().Select(x => x.GetDouble()).ToArray();
    internal static double? Nullable(JsonElement e) => e.ValueKind == JsonValueKind.Null ? null : e.GetDouble();
}
