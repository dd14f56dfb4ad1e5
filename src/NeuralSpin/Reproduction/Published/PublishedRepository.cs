using System.Globalization;
using NeuralSpin.IO;
using NeuralSpin.Ising;

namespace NeuralSpin.Reproduction.Published;

/// <summary>
/// A file of the published paper-2 layout (<see cref="PublishedRepository"/>) is missing where it is needed or malformed.
/// The message is one paragraph: "published-model file '&lt;path&gt;': &lt;problem&gt;. &lt;remedy&gt;".
/// </summary>
public sealed class PublishedDataException : InputFileException
{
    /// <summary>Creates the exception from its parts.</summary>
    public PublishedDataException(string path, string problem, string remedy, Exception? inner = null)
        : base("published-model file", path, problem, remedy, inner)
    {
    }
}

/// <summary>One weight segment of a network: a name and a range of the network's weight vector.</summary>
/// <param name="Name">LB (input layer), ITER (interior layer), RB (output layer) or FULL (all weights).</param>
/// <param name="Offset">First weight index in the network's weight order.</param>
/// <param name="Count">Number of weights (spins).</param>
public sealed record PublishedSegment(string Name, int Offset, int Count);

/// <summary>A scenario of the published models: a folder of Ising models and its data moments and references.</summary>
/// <param name="Folder">Folder name under data/Ising_model and data/data_moments (under-para, over-para, fashion, shallow).</param>
/// <param name="Code">Folder name of the reference configurations under task/Entropy/ref_sigma (up, op, sl; null for fashion, which has none).</param>
/// <param name="Widths">Layer widths of the network (20-15-15-10 deep, 20-10 shallow).</param>
/// <param name="Label">Description for reports.</param>
public sealed record PublishedScenario(string Folder, string? Code, int[] Widths, string Label)
{
    /// <summary>Weights of the whole network.</summary>
    public int WeightCount => Enumerable.Range(0, Widths.Length - 1).Sum(k => Widths[k] * Widths[k + 1]);

    /// <summary>The segments: each layer (LB, ITER, RB for three layers) and FULL; the shallow network's one layer is FULL.</summary>
    public IReadOnlyList<PublishedSegment> Segments
    {
        get
        {
            if (Widths.Length == 2) return [new("FULL", 0, WeightCount)];
            string[] names = ["LB", "ITER", "RB"];
            var list = new List<PublishedSegment>();
            int o = 0;
            for (int k = 0; k < Widths.Length - 1; k++)
            {
                int c = Widths[k] * Widths[k + 1];
                list.Add(new(Widths.Length == 4 ? names[k] : $"L{k + 1}", o, c));
                o += c;
            }
            list.Add(new("FULL", 0, o));
            return list;
        }
    }
}

/// <summary>A published Ising model of one segment.</summary>
/// <param name="Scenario">Its scenario.</param>
/// <param name="Segment">Its segment.</param>
/// <param name="Method">"bm" (Boltzmann learning with BP moments, data/Ising_model/&lt;scenario&gt;) or "pl" (pseudolikelihood, data/Ising_model/pseudo).</param>
/// <param name="Model">J and h at beta = 1.</param>
/// <param name="Source">The J file read.</param>
public sealed record PublishedModel(PublishedScenario Scenario, PublishedSegment Segment, string Method, IsingModel Model, string Source)
{
    /// <summary>"under-para/LB", "over-para/FULL-pl", ...</summary>
    public string Id => $"{Scenario.Folder}/{Segment.Name}{(Method == "pl" ? "-pl" : "")}";
}

/// <summary>Data moments of a scenario's whole network: m_i and raw &lt;s_i s_j&gt; (diagonal 1), row-major.</summary>
public sealed record PublishedMoments(double[] M, double[] C, string Source)
{
    /// <summary>Number of weights.</summary>
    public int Size => M.Length;

    /// <summary>The block of a segment: (m, C) restricted to [offset, offset + count).</summary>
    public (double[] M, double[] C) Block(PublishedSegment segment)
    {
        ArgumentNullException.ThrowIfNull(segment);
        int n = segment.Count, o = segment.Offset, all = Size;
        var m = M.AsSpan(o, n).ToArray();
        var c = new double[(long)n * n];
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++) c[(long)i * n + j] = C[(long)(o + i) * all + o + j];
        return (m, c);
    }
}

/// <summary>One reference configuration: its energy and test accuracy as published, and the network's weights.</summary>
public sealed record PublishedReference(string Set, int Row, double Energy, double Accuracy, sbyte[] Weights);

/// <summary>A test set: inputs (row-major, <see cref="Features"/> per example) and labels.</summary>
public sealed record PublishedTestSet(float[] X, long[] Y, int Features, string Source)
{
    /// <summary>Number of examples.</summary>
    public int Count => Y.Length;

    /// <summary>The examples, for <see cref="DynamicsStage"/>.</summary>
    public TestExamples Examples => new(X, Y, Features);
}

/// <summary>What was found in a directory of the published layout, and what was not.</summary>
public sealed record PublishedData(string Root, IReadOnlyList<PublishedModel> Models, IReadOnlyDictionary<string, PublishedMoments> Moments,
    IReadOnlyDictionary<string, IReadOnlyList<PublishedReference>> References, PublishedTestSet? TestSet, IReadOnlyList<string> Missing)
{
    /// <summary>The scenarios the directory was read with.</summary>
    public IReadOnlyList<PublishedScenario> Scenarios { get; init; } = PublishedRepository.Scenarios;
}

/// <summary>
/// Reads the layout in which the authors of P2 published their fitted models (docs/theory.md section 7, "Published models"):
/// <c>data/Ising_model/{under-para,over-para,fashion,shallow}/J_S.txt, h_S.txt</c> (S = LB, ITER, RB, FULL; whitespace-separated
/// text, J square and symmetric with zero diagonal), <c>data/Ising_model/pseudo/{up,op}/J_S.npy, h_S.npy</c>,
/// <c>data/data_moments/&lt;scenario&gt;/{mi_data,Ca_data}.{txt,npy}</c> (m and raw correlations of the whole network),
/// <c>task/Entropy/ref_sigma/{up,op,sl}/{El,Em,Eh}_&lt;code&gt;.txt</c> (one configuration a row: energy, test accuracy, then the
/// weights as ±1) and <c>task/DoubleDescent/testPCA50.npy</c> (one example a row: label, then 50 PCA features).
/// Weight order: layer by layer, each layer's (out, in) matrix row-major, as in <see cref="NeuralSpin.BinaryNets.BinaryNetwork"/>.
/// Whatever subset is present is used; a file that is present but malformed is an error naming it.
/// </summary>
public static class PublishedRepository
{
    /// <summary>The PCA features the networks take (the first of the test set's 50).</summary>
    public const int InputFeatures = 20;

    /// <summary>The four scenarios of the layout.</summary>
    public static IReadOnlyList<PublishedScenario> Scenarios { get; } =
    [
        new("under-para", "up", [20, 15, 15, 10], "deep 20-15-15-10, MNIST, under-parameterized ensemble"),
        new("over-para", "op", [20, 15, 15, 10], "deep 20-15-15-10, MNIST, over-parameterized ensemble"),
        new("fashion", null, [20, 15, 15, 10], "deep 20-15-15-10, Fashion-MNIST"),
        new("shallow", "sl", [20, 10], "shallow 20-10, MNIST"),
    ];

    /// <summary>Reference sets, lowest energy first.</summary>
    public static IReadOnlyList<string> ReferenceSets { get; } = ["El", "Em", "Eh"];

    /// <summary>Reads everything present under <paramref name="root"/>; <paramref name="scenarios"/> (default <see cref="Scenarios"/>)
    /// fixes the folders and network widths expected.</summary>
    /// <exception cref="PublishedDataException">The directory is missing or holds no model; or a present file is malformed.</exception>
    public static PublishedData Read(string root, IReadOnlyList<PublishedScenario>? scenarios = null)
    {
        ArgumentNullException.ThrowIfNull(root);
        scenarios ??= Scenarios;
        if (!Directory.Exists(root))
            throw new PublishedDataException(root, "the directory does not exist", "Give a clone of the authors' repository (the directory holding data/ and task/).");
        var missing = new List<string>();
        var models = new List<PublishedModel>();
        var moments = new Dictionary<string, PublishedMoments>();
        var refs = new Dictionary<string, IReadOnlyList<PublishedReference>>();
        foreach (var sc in scenarios)
        {
            foreach (var seg in sc.Segments)
            {
                string j = Path.Combine(root, "data", "Ising_model", sc.Folder, $"J_{seg.Name}.txt"), h = Path.Combine(root, "data", "Ising_model", sc.Folder, $"h_{seg.Name}.txt");
                if (File.Exists(j) && File.Exists(h)) models.Add(new(sc, seg, "bm", ReadModel(j, h, seg.Count, text: true), j));
                else if (File.Exists(j) || File.Exists(h)) missing.Add(Relative(root, File.Exists(j) ? h : j));
            }
            if (sc.Code is { } code && code != "sl")
            {
                var full = sc.Segments.Single(s => s.Name == "FULL");
                string j = Path.Combine(root, "data", "Ising_model", "pseudo", code, "J_FULL.npy"), h = Path.Combine(root, "data", "Ising_model", "pseudo", code, "h_FULL.npy");
                if (File.Exists(j) && File.Exists(h)) models.Add(new(sc, full, "pl", ReadModel(j, h, full.Count, text: false), j));
            }
            var mom = ReadMoments(root, sc);
            if (mom is not null) moments[sc.Folder] = mom;
            if (sc.Code is { } c2)
            {
                var list = new List<PublishedReference>();
                foreach (var set in ReferenceSets)
                {
                    string path = Path.Combine(root, "task", "Entropy", "ref_sigma", c2, $"{set}_{c2}.txt");
                    if (File.Exists(path)) list.AddRange(ReadReferences(path, set, sc.WeightCount));
                    else missing.Add(Relative(root, path));
                }
                if (list.Count > 0) refs[sc.Folder] = list;
            }
        }
        if (models.Count == 0)
            throw new PublishedDataException(Path.Combine(root, "data", "Ising_model"), "holds no published model (no pair J_S.txt, h_S.txt under under-para, over-para, fashion or shallow, nor J_FULL.npy, h_FULL.npy under pseudo/up or pseudo/op)",
                "Give a clone of the authors' repository, or a directory in its layout.");
        string test = Path.Combine(root, "task", "DoubleDescent", "testPCA50.npy");
        PublishedTestSet? testSet = File.Exists(test) ? ReadTestSet(test, scenarios.Max(sc => sc.Widths[0])) : null;
        if (testSet is null) missing.Add(Relative(root, test));
        return new PublishedData(root, models, moments, refs, testSet, missing) { Scenarios = scenarios };
    }

    static string Relative(string root, string path) => Path.GetRelativePath(root, path);

    /// <summary>Reads J (n x n) and h (n) from text or .npy files; J must be symmetric with a zero diagonal.</summary>
    public static IsingModel ReadModel(string jPath, string hPath, int expected, bool text)
    {
        var (jv, jr, jc) = text ? ReadText(jPath) : ReadNpy(jPath);
        var (hv, _, _) = text ? ReadText(hPath) : ReadNpy(hPath);
        if (jr != expected || jc != expected)
            throw new PublishedDataException(jPath, $"holds a {jr} x {jc} matrix; this segment has {expected} weights, so {expected} x {expected} is expected", "Check that the file belongs to this segment (LB 300, ITER 225, RB 150, FULL 675 or 200 for the shallow network).");
        if (hv.Length != expected)
            throw new PublishedDataException(hPath, $"holds {hv.Length} numbers; {expected} fields are expected (one a line)", "Check that the file belongs to this segment.");
        for (int i = 0; i < expected; i++)
        {
            if (jv[(long)i * expected + i] != 0)
                throw new PublishedDataException(jPath, $"J[{i},{i}] = {jv[(long)i * expected + i].ToString("G6", CultureInfo.InvariantCulture)} is not zero", "The couplings must have a zero diagonal.");
            for (int k = i + 1; k < expected; k++)
            {
                double a = jv[(long)i * expected + k], b = jv[(long)k * expected + i];
                if (Math.Abs(a - b) > IsingModel.SymmetryTolerance * Math.Max(1, Math.Abs(a)))
                    throw new PublishedDataException(jPath, $"J[{i},{k}] = {a.ToString("G6", CultureInfo.InvariantCulture)} differs from J[{k},{i}] = {b.ToString("G6", CultureInfo.InvariantCulture)}", "The couplings must be symmetric.");
            }
        }
        return new IsingModel(expected, jv, hv);
    }

    /// <summary>Whitespace-separated numbers, one matrix row a line (a single column is a vector). Returns the values, rows and columns.</summary>
    public static (double[] Values, int Rows, int Columns) ReadText(string path)
    {
        string[] lines;
        try { lines = File.ReadAllLines(path); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new PublishedDataException(path, $"could not be read ({e.Message})", "Check that the file is readable.", e);
        }
        var values = new List<double>();
        int rows = 0, cols = -1;
        for (int l = 0; l < lines.Length; l++)
        {
            var parts = lines[l].Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length == 0) continue;
            if (cols >= 0 && parts.Length != cols)
                throw new PublishedDataException(path, $"line {l + 1} has {parts.Length} numbers, the lines before it {cols}", "Every line must hold one matrix row with the same number of columns.");
            cols = parts.Length;
            foreach (var p in parts)
            {
                if (!double.TryParse(p, NumberStyles.Float, CultureInfo.InvariantCulture, out double v) || !double.IsFinite(v))
                    throw new PublishedDataException(path, $"line {l + 1} holds '{(p.Length > 40 ? p[..40] : p)}', which is not a finite number", "The file must hold whitespace-separated numbers only.");
                values.Add(v);
            }
            rows++;
        }
        if (rows == 0) throw new PublishedDataException(path, "the file is empty", "Restore the file from the authors' repository.");
        return (values.ToArray(), rows, cols);
    }

    /// <summary>A float .npy of rank 1 or 2. Returns the values, rows and columns (a vector is rows x 1).</summary>
    public static (double[] Values, int Rows, int Columns) ReadNpy(string path)
    {
        var t = InputFileException.Relabel(path, () => Npy.Read(path), (problem, remedy, e) => new PublishedDataException(path, problem, remedy, e));
        if (t.Rank is < 1 or > 2)
            throw new PublishedDataException(path, $"holds an array of shape {t.ShapeText}; a vector or a matrix is expected", "Restore the file from the authors' repository.");
        foreach (var v in t.Data)
            if (!double.IsFinite(v)) throw new PublishedDataException(path, "holds a non-finite number", "Restore the file from the authors' repository.");
        return (t.Data, (int)t.Shape[0], t.Rank == 2 ? (int)t.Shape[1] : 1);
    }

    static PublishedMoments? ReadMoments(string root, PublishedScenario sc)
    {
        string dir = Path.Combine(root, "data", "data_moments", sc.Folder);
        string? Find(string name) => new[] { ".txt", ".npy" }.Select(e => Path.Combine(dir, name + e)).FirstOrDefault(File.Exists);
        string? mPath = Find("mi_data"), cPath = Find("Ca_data");
        if (mPath is null || cPath is null) return null;
        var (m, mr, mc) = mPath.EndsWith(".npy", StringComparison.Ordinal) ? ReadNpy(mPath) : ReadText(mPath);
        var (c, cr, cc) = cPath.EndsWith(".npy", StringComparison.Ordinal) ? ReadNpy(cPath) : ReadText(cPath);
        int n = sc.WeightCount;
        if (m.Length != n || (mr != n && mc != n))
            throw new PublishedDataException(mPath, $"holds {m.Length} magnetizations; the {sc.Label} network has {n} weights", "Check that the file belongs to this scenario.");
        if (cr != n || cc != n)
            throw new PublishedDataException(cPath, $"holds a {cr} x {cc} matrix; {n} x {n} raw correlations are expected", "Check that the file belongs to this scenario.");
        foreach (var v in m)
            if (Math.Abs(v) > 1 + 1e-9) throw new PublishedDataException(mPath, $"holds the magnetization {v.ToString("G6", CultureInfo.InvariantCulture)} outside [-1, 1]", "Magnetizations of ±1 weights lie in [-1, 1].");
        for (long k = 0; k < c.LongLength; k++)
            if (Math.Abs(c[k]) > 1 + 1e-9) throw new PublishedDataException(cPath, $"holds the correlation {c[k].ToString("G6", CultureInfo.InvariantCulture)} outside [-1, 1]", "Raw correlations of ±1 weights lie in [-1, 1].");
        return new PublishedMoments(m, c, cPath);
    }

    /// <summary>Reference configurations: one a line, energy, test accuracy, then <paramref name="weights"/> values of ±1.</summary>
    public static IReadOnlyList<PublishedReference> ReadReferences(string path, string set, int weights)
    {
        var (v, rows, cols) = ReadText(path);
        if (cols != weights + 2)
            throw new PublishedDataException(path, $"has {cols} numbers a line; {weights + 2} are expected (energy, test accuracy, then {weights} weights)", "Check that the file belongs to this network.");
        var list = new List<PublishedReference>();
        for (int r = 0; r < rows; r++)
        {
            var w = new sbyte[weights];
            for (int k = 0; k < weights; k++)
            {
                double x = v[(long)r * cols + 2 + k];
                if (x != 1 && x != -1)
                    throw new PublishedDataException(path, $"line {r + 1}, weight {k}, is {x.ToString("G6", CultureInfo.InvariantCulture)}, not ±1", "Weights of the binary networks must be ±1.");
                w[k] = (sbyte)x;
            }
            list.Add(new PublishedReference(set, r, v[(long)r * cols], v[(long)r * cols + 1], w));
        }
        return list;
    }

    /// <summary>The test set: rows of a label in 0..9 then at least <paramref name="features"/> features; the first ones are kept.</summary>
    public static PublishedTestSet ReadTestSet(string path, int features = InputFeatures)
    {
        var (v, rows, cols) = ReadNpy(path);
        if (cols < features + 1)
            throw new PublishedDataException(path, $"has {cols} columns; a label and at least {features} PCA features are expected", "Restore the file from the authors' repository.");
        var x = new float[(long)rows * features];
        var y = new long[rows];
        for (int r = 0; r < rows; r++)
        {
            double label = v[(long)r * cols];
            if (label != Math.Floor(label) || label < 0 || label > 9)
                throw new PublishedDataException(path, $"row {r} has the label {label.ToString("G6", CultureInfo.InvariantCulture)}, not a digit 0-9", "The first column must hold the class labels.");
            y[r] = (long)label;
            for (int k = 0; k < features; k++) x[(long)r * features + k] = (float)v[(long)r * cols + 1 + k];
        }
        return new PublishedTestSet(x, y, features, path);
    }
}
