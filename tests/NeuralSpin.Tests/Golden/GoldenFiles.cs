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
public sealed record GoldenMeta(int[] Widths, double[] C, int Seed, double? Level, double BetaMax);

/// <summary>
/// Reading and (only on request) writing the files of <c>golden/&lt;case&gt;/</c>: input.safetensors,
/// meta.json and expected.json. Doubles are written in .NET's shortest round-trip form ("R"), so
/// reading them back gives the identical bits.
/// </summary>
public static class GoldenFiles
{
    /// <summary>The environment variable that turns regeneration on (value 1).</summary>
    public const string RegenerateVariable = "NEURALSPIN_REGENERATE_GOLDEN";

    /// <summary>The documented regeneration command (also written into meta.json).</summary>
    public const string RegenerateCommand =
        "NEURALSPIN_REGENERATE_GOLDEN=1 dotnet test tests/NeuralSpin.Tests --filter FullyQualifiedName~Golden";

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

    public static string CaseDir(string name) => Path.Combine(GoldenRoot, name);
    public static string InputPath(string name) => Path.Combine(CaseDir(name), "input.safetensors");
    public static string MetaPath(string name) => Path.Combine(CaseDir(name), "meta.json");
    public static string ExpectedPath(string name) => Path.Combine(CaseDir(name), "expected.json");

    /// <summary>The network of a case drawn afresh from its generator parameters.</summary>
    public static BondMatrix Sample(GoldenCase c) => BondMatrix.Sample(c.Widths, c.C, new Random(c.Seed));

    /// <summary>The analysis options of a case (everything else at the library defaults).</summary>
    public static AnalysisOptions Options(double? level, double betaMax) => new() { Level = level, BetaMax = betaMax };

    /// <summary>Rewrites input.safetensors, meta.json and expected.json of <paramref name="c"/> from its generator parameters.</summary>
    public static IReadOnlyList<string> Regenerate(GoldenCase c)
    {
        Directory.CreateDirectory(CaseDir(c.Name));
        var bonds = Sample(c);
        var stMeta = new Dictionary<string, string>
        {
            ["generator"] = "BondMatrix.Sample(widths, c, new Random(seed))",
            ["widths"] = string.Join(",", c.Widths),
            ["c"] = string.Join(",", c.C.Select(R)),
            ["seed"] = c.Seed.ToString(System.Globalization.CultureInfo.InvariantCulture),
        };
        WeightFile.Save(InputPath(c.Name), bonds, "F64", stMeta);
        // analyse what was stored, exactly as the comparison tests do
        var loaded = WeightFile.Load(InputPath(c.Name)).ToBondMatrix();
        var result = NetworkAnalysis.Run(loaded, Options(c.Level, c.BetaMax));
        AtomicFile.WriteAllText(MetaPath(c.Name), MetaJson(c));
        AtomicFile.WriteAllText(ExpectedPath(c.Name), ExpectedJson(c, result));
        return [InputPath(c.Name), MetaPath(c.Name), ExpectedPath(c.Name)];
    }

    static string R(double x) => x.ToString("R", System.Globalization.CultureInfo.InvariantCulture);

    static string MetaJson(GoldenCase c) => Write(w =>
    {
        w.WriteString("case", c.Name);
        w.WriteString("description", c.Description);
        w.WriteStartObject("generator");
        w.WriteString("method", "NeuralSpin.SpinModel.BondMatrix.Sample(widths, c, new System.Random(seed)); J^(k)_ij ~ N(0, C_k / N_{k-1}) (docs/theory.md section 1)");
        WriteInts(w, "widths", c.Widths);
        WriteDoubles(w, "c", c.C);
        w.WriteNumber("seed", c.Seed);
        w.WriteEndObject();
        w.WriteStartObject("analysis");
        w.WriteString("method", "NeuralSpin.Analysis.NetworkAnalysis.Run(WeightFile.Load(input.safetensors).ToBondMatrix(), options)");
        WriteNullable(w, "level", c.Level);
        w.WriteNumber("beta_max", c.BetaMax);
        var curve = new NeuralSpin.Tap.CurveOptions();
        w.WriteString("curve_options", $"library defaults (dense threshold {curve.DenseThreshold}, coarse tolerance {R(curve.CoarseTolerance)}, fine tolerance {R(curve.FineTolerance)}, Lanczos seed {curve.Seed})");
        w.WriteEndObject();
        w.WriteStartObject("files");
        w.WriteString("input.safetensors", "the weights W^(k) = J^(k)^T as F64 tensors layers.{k}.weight, written by WeightFile.Save");
        w.WriteString("expected.json", "the analysis result in full precision (shortest round-trip \"R\" doubles); spectra ascending");
        w.WriteEndObject();
        w.WriteStartObject("made_with");
        w.WriteString("command", RegenerateCommand);
        w.WriteString("neuralspin", Informational(typeof(BondMatrix).Assembly));
        w.WriteString("torchsharp", Informational(typeof(TorchSharp.torch).Assembly));
        w.WriteString("dotnet", RuntimeInformation.FrameworkDescription);
        w.WriteString("os", RuntimeInformation.OSDescription);
        w.WriteString("arch", RuntimeInformation.ProcessArchitecture.ToString());
        w.WriteNumber("torch_threads", TorchThreads());
        w.WriteEndObject();
    });

    static string ExpectedJson(GoldenCase c, AnalysisResult r) => Write(w =>
    {
        w.WriteString("case", c.Name);
        w.WriteNumber("n_spins", r.NSpins);
        WriteInts(w, "widths", r.Widths);
        WriteDoubles(w, "coupling_variance_c", r.CouplingVarianceC);
        w.WriteNumber("tc_replica", r.TcReplica);
        WriteNullable(w, "beta_c", r.BetaC);
        WriteNullable(w, "tc", r.Tc);
        WriteNullable(w, "level", r.Level);
        WriteNullable(w, "beta_c_corrected", r.BetaCCorrected);
        WriteNullable(w, "tc_corrected", r.TcCorrected);
        w.WriteNumber("curve_min_beta", r.CurveMinBeta);
        w.WriteNumber("curve_min_lambda", r.CurveMinLambda);
        w.WriteNumber("lambda_max_j", r.LambdaMaxJ);
        w.WriteNumber("lambda_min_r", r.LambdaMinR);
        WriteNullable(w, "first_level_spacing_ratio", r.FirstLevelSpacingRatio);
        w.WriteNumber("spacing_beta", r.SpacingBeta);
        WriteDoubles(w, "spectrum_j", r.SpectrumJ);
        WriteDoubles(w, "spectrum_tap", r.SpectrumTap);
    });

    public static GoldenMeta ReadMeta(string name)
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(MetaPath(name)));
        var g = doc.RootElement.GetProperty("generator");
        var a = doc.RootElement.GetProperty("analysis");
        return new GoldenMeta(Ints(g.GetProperty("widths")), Doubles(g.GetProperty("c")), g.GetProperty("seed").GetInt32(),
            Nullable(a.GetProperty("level")), a.GetProperty("beta_max").GetDouble());
    }

    public static GoldenExpected ReadExpected(string name)
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(ExpectedPath(name)));
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
