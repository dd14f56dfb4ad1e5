using System.Globalization;
using System.Text;
using NeuralSpin.IO;

namespace NeuralSpin.Ising;

/// <summary>
/// Reads and writes an <see cref="IsingModel"/> (docs/theory.md section 7: E(s) = -1/2 s^T J s - h^T s).
/// Three formats, chosen by the extension (unknown extensions are recognised by their first bytes):
/// <list type="bullet">
/// <item><c>.npz</c> (numpy.savez) or <c>.safetensors</c> with tensors <c>J</c> (N x N), <c>h</c> (N) and
/// optionally <c>beta</c> (a scalar or a 1-element array; default 1). Other tensors are ignored.</item>
/// <item><c>.txt</c>: the first line is N, optionally followed by beta; then N lines with the rows of J; then
/// one line with h. Numbers are separated by white space or commas; blank lines and text after <c>#</c> are ignored.</item>
/// </list>
/// A model that fails validation (J not square or not N x N with h of length N, asymmetric beyond a relative
/// 1e-9 (<see cref="IsingModel.SymmetryTolerance"/>), a non-zero diagonal, NaN or infinite entries, a missing
/// tensor, a negative beta) is reported as an <see cref="IsingFileException"/>. Writes are atomic
/// (<see cref="AtomicFile"/>) and store float64, so a round trip is exact.
/// </summary>
public static class IsingModelFile
{
    const string ReSave =
        "Save J (symmetric, zero diagonal, N x N), h (N) and optionally beta, e.g. numpy.savez(path, J=J, h=h, beta=beta).";

    /// <summary>The formats this class reads and writes.</summary>
    public enum Format
    {
        /// <summary>NumPy .npz archive.</summary>
        Npz,
        /// <summary>safetensors.</summary>
        SafeTensors,
        /// <summary>Plain text.</summary>
        Text,
    }

    /// <summary>Reads a model from <paramref name="path"/>.</summary>
    /// <exception cref="IsingFileException">The file is missing, unreadable, damaged or holds an invalid model.</exception>
    public static IsingModel Read(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (!File.Exists(path))
            throw new IsingFileException(path, "the file does not exist", "Check the path.");
        var format = FormatOf(path) ?? Sniff(path);
        return InputFileException.Relabel(path, () => format switch
        {
            Format.Npz => FromTensors(path, Npz.Read(path)),
            Format.SafeTensors => FromTensors(path, SafeTensors.Read(path).Tensors),
            _ => ReadText(path),
        },
            (problem, remedy, cause) => new IsingFileException(path, problem, remedy, cause));
    }

    /// <summary>Writes <paramref name="model"/> to <paramref name="path"/> atomically, in the format named by the extension
    /// (<c>.npz</c>, <c>.safetensors</c> or <c>.txt</c>) unless <paramref name="format"/> is given.</summary>
    public static void Write(string path, IsingModel model, Format? format = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(model);
        var f = format ?? FormatOf(path)
            ?? throw new ArgumentException($"cannot tell the model format from '{path}'; use the extension .npz, .safetensors or .txt, or pass a format", nameof(path));
        int n = model.Size;
        switch (f)
        {
            case Format.Npz:
            case Format.SafeTensors:
                NamedTensor[] tensors =
                [
                    new("J", "<f8", [n, n], model.CouplingsCopy()),
                    new("h", "<f8", [n], model.FieldsCopy()),
                    new("beta", "<f8", [1], [model.Beta]),
                ];
                if (f == Format.Npz) Npz.Write(path, tensors);
                else SafeTensors.Write(path, tensors);
                break;
            default:
                AtomicFile.WriteAllText(path, ToText(model));
                break;
        }
    }

    /// <summary>The plain-text form of a model (round-trip exact: numbers are written with "R").</summary>
    public static string ToText(IsingModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        var sb = new StringBuilder();
        var inv = CultureInfo.InvariantCulture;
        sb.Append(model.Size.ToString(inv)).Append(' ').Append(model.Beta.ToString("R", inv)).Append('\n');
        for (int i = 0; i < model.Size; i++)
        {
            for (int j = 0; j < model.Size; j++)
            {
                if (j > 0) sb.Append(' ');
                sb.Append(model.Coupling(i, j).ToString("R", inv));
            }
            sb.Append('\n');
        }
        for (int i = 0; i < model.Size; i++)
        {
            if (i > 0) sb.Append(' ');
            sb.Append(model.Field(i).ToString("R", inv));
        }
        sb.Append('\n');
        return sb.ToString();
    }

    static Format? FormatOf(string path) => Path.GetExtension(path).ToLowerInvariant() switch
    {
        ".npz" => Format.Npz,
        ".safetensors" => Format.SafeTensors,
        ".txt" => Format.Text,
        _ => null,
    };

    static Format Sniff(string path)
    {
        Span<byte> head = stackalloc byte[9];
        int got;
        using (var s = File.OpenRead(path)) got = s.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
        if (got >= 4 && head[0] == (byte)'P' && head[1] == (byte)'K') return Format.Npz;
        if (got == 9 && head[8] == (byte)'{') return Format.SafeTensors;
        return Format.Text;
    }

    static IsingModel FromTensors(string path, IReadOnlyList<NamedTensor> tensors)
    {
        NamedTensor? Find(string name) => tensors.FirstOrDefault(t => t.Name == name);
        string have = tensors.Count == 0 ? "no tensors" : "tensors " + string.Join(", ", tensors.Select(t => $"'{t.Name}' {t.ShapeText}"));
        var j = Find("J") ?? throw new IsingFileException(path, $"there is no tensor 'J' (the file holds {have})", ReSave);
        var h = Find("h") ?? throw new IsingFileException(path, $"there is no tensor 'h' (the file holds {have})", ReSave);
        if (j.Rank != 2 || j.Shape[0] != j.Shape[1])
            throw new IsingFileException(path, $"J has shape {j.ShapeText}, but it must be a square N x N matrix", ReSave);
        int n = checked((int)j.Shape[0]);
        if (h.Rank != 1 || h.Shape[0] != n)
            throw new IsingFileException(path, $"h has shape {h.ShapeText}, but J is {n} x {n}, so h must have shape ({n},)", ReSave);
        double beta = 1.0;
        if (Find("beta") is { } b)
        {
            if (b.Data.Length != 1)
                throw new IsingFileException(path, $"beta has shape {b.ShapeText}, but it must be a scalar or hold one value", ReSave);
            beta = b.Data[0];
        }
        return Validated(path, n, j.Data, h.Data, beta, "");
    }

    /// <summary>Checks J, h, beta with messages that name the file, then builds the model.</summary>
    static IsingModel Validated(string path, int n, double[] j, double[] h, double beta, string where)
    {
        if (n < 1) throw new IsingFileException(path, where + "the model has no spins (N = 0)", ReSave);
        if (!double.IsFinite(beta) || beta < 0)
            throw new IsingFileException(path, $"{where}beta is {beta.ToString("R", CultureInfo.InvariantCulture)}, but it must be finite and non-negative", ReSave);
        double scale = 0;
        for (long k = 0; k < j.LongLength; k++)
        {
            if (!double.IsFinite(j[k]))
                throw new IsingFileException(path, $"{where}J[{k / n}, {k % n}] is {j[k].ToString(CultureInfo.InvariantCulture)}; all couplings must be finite", "Fix or regenerate the couplings.");
            scale = Math.Max(scale, Math.Abs(j[k]));
        }
        for (int i = 0; i < n; i++)
            if (!double.IsFinite(h[i]))
                throw new IsingFileException(path, $"{where}h[{i}] is {h[i].ToString(CultureInfo.InvariantCulture)}; all fields must be finite", "Fix or regenerate the fields.");
        for (int i = 0; i < n; i++)
        {
            if (j[(long)i * n + i] != 0)
                throw new IsingFileException(path, $"{where}J[{i}, {i}] = {j[(long)i * n + i].ToString("R", CultureInfo.InvariantCulture)}, but the diagonal of J must be zero (a self-coupling only adds a constant to E for +-1 spins)",
                    "Set the diagonal to zero, e.g. numpy.fill_diagonal(J, 0).");
            for (int k = i + 1; k < n; k++)
            {
                double a = j[(long)i * n + k], c = j[(long)k * n + i];
                if (Math.Abs(a - c) > IsingModel.SymmetryTolerance * scale)
                    throw new IsingFileException(path,
                        $"{where}J is not symmetric: J[{i}, {k}] = {a.ToString("R", CultureInfo.InvariantCulture)} but J[{k}, {i}] = {c.ToString("R", CultureInfo.InvariantCulture)} (tolerance {IsingModel.SymmetryTolerance:G} x max |J|)",
                        "Symmetrize the couplings, e.g. J = (J + J.T) / 2.");
            }
        }
        try
        {
            return new IsingModel(n, j, h, beta);
        }
        catch (ArgumentException e)
        {
            throw new IsingFileException(path, e.Message, ReSave, e);
        }
    }

    static IsingModel ReadText(string path)
    {
        const string textRemedy = "Write the first line as 'N' or 'N beta', then N lines with the rows of J, then one line with h.";
        var lines = new List<(int Line, double[] Values)>();
        int lineNo = 0;
        foreach (var raw in File.ReadLines(path))
        {
            lineNo++;
            string text = raw;
            int hash = text.IndexOf('#');
            if (hash >= 0) text = text[..hash];
            var parts = text.Split([' ', '\t', ',', '\r'], StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length == 0) continue;
            var values = new double[parts.Length];
            for (int k = 0; k < parts.Length; k++)
                if (!double.TryParse(parts[k], NumberStyles.Float, CultureInfo.InvariantCulture, out values[k]))
                    throw new IsingFileException(path, $"line {lineNo}: '{Trim(parts[k])}' is not a number", textRemedy);
            lines.Add((lineNo, values));
        }
        if (lines.Count == 0) throw new IsingFileException(path, "the file is empty", textRemedy);
        var first = lines[0];
        if (first.Values.Length is < 1 or > 2 || first.Values[0] != Math.Floor(first.Values[0]) || first.Values[0] < 1 || first.Values[0] > 1 << 16)
            throw new IsingFileException(path, $"line {first.Line}: the first line must be the number of spins N (a positive integer), optionally followed by beta", textRemedy);
        int n = (int)first.Values[0];
        double beta = first.Values.Length == 2 ? first.Values[1] : 1.0;
        if (lines.Count != n + 2)
            throw new IsingFileException(path, $"N = {n} needs {n} rows of J and one line of h after the first line, but there are {lines.Count - 1} non-empty lines", textRemedy);
        var j = new double[(long)n * n];
        for (int i = 0; i < n; i++)
        {
            var (ln, row) = lines[1 + i];
            if (row.Length != n)
                throw new IsingFileException(path, $"line {ln}: row {i} of J has {row.Length} numbers, but N = {n}", textRemedy);
            row.CopyTo(j, (long)i * n);
        }
        var (hl, h) = lines[n + 1];
        if (h.Length != n)
            throw new IsingFileException(path, $"line {hl}: h has {h.Length} numbers, but N = {n}", textRemedy);
        return Validated(path, n, j, h, beta, "");
    }

    static string Trim(string s) => s.Length <= 40 ? s : s[..37] + "...";
}
