using System.CommandLine;
using System.Globalization;
using NeuralSpin.IO;
using NeuralSpin.SpinModel;
using Spectre.Console;

namespace NeuralSpin.Cli.Commands;

/// <summary>
/// <c>neuralspin init</c>: draws an untrained network from the ensemble J^(k)_ij ~ N(0, C_k/N_{k-1})
/// (docs/theory.md section 1) and saves it as PyTorch-layout weights.
/// </summary>
public static class InitCommand
{
    static readonly string[] DTypes = ["F64", "F32", "F16", "BF16"];

    /// <summary>Builds the command.</summary>
    public static Command Create(CliIO io)
    {
        var widths = ArgParsing.WidthsOption();
        var c = ArgParsing.CouplingVarianceOption();
        var seed = new Option<int>("--seed")
        {
            Description = "Seed of the random generator (System.Random); the same seed gives the same file.",
            Required = true,
            HelpName = "S",
        };
        var output = new Option<string>("--out")
        {
            Description = "Output file to write: .safetensors (or .st) for a safetensors file, .npz for a NumPy archive (F64 only, no metadata). Written atomically.",
            Required = true,
            HelpName = "FILE",
        };
        var dtype = new Option<string>("--dtype")
        {
            Description = "Element type of the stored weights: F64, F32, F16 or BF16 (safetensors only).",
            DefaultValueFactory = _ => "F64",
            HelpName = "F64|F32|F16|BF16",
        };
        var cmd = new Command("init", "Draw an untrained network J^(k)_ij ~ N(0, C_k/N_{k-1}) and save its weights W^(k) = J^(k)^T (layers.{k}.weight) as safetensors or .npz.")
        {
            widths, c, seed, output, dtype,
        };
        cmd.SetAction(parse => Run(io, parse.GetValue(widths)!, parse.GetValue(c)!, parse.GetValue(seed),
            parse.GetValue(output)!, parse.GetValue(dtype)!));
        return cmd;
    }

    /// <summary>
    /// Refuses networks whose weight matrices the readers could not load back: a tensor is limited to
    /// <see cref="int.MaxValue"/> bytes (<see cref="SafeTensors"/>, <see cref="Npy"/>), which also keeps the draw
    /// within one array (before, 50000,50000 overflowed with an internal error).
    /// </summary>
    static void CheckBlockSizes(int[] w, string dtype)
    {
        int itemSize = FloatFormats.SafeTensorsItemSize(dtype);
        for (int k = 0; k + 1 < w.Length; k++)
        {
            long count = (long)w[k] * w[k + 1];
            if (count * itemSize <= int.MaxValue) continue;
            throw new UsageException(string.Create(CultureInfo.InvariantCulture,
                $"--widths {string.Join(",", w)}: block {k + 1} ({w[k]} x {w[k + 1]}) would hold {count:N0} couplings, {count * itemSize:N0} bytes as {dtype}, but a weights file's tensor is limited to {int.MaxValue:N0} bytes (the safetensors and .npy readers refuse larger ones). Give smaller widths (a block of at most {(long)Math.Sqrt(int.MaxValue / (double)itemSize):N0} x {(long)Math.Sqrt(int.MaxValue / (double)itemSize):N0} as {dtype})."));
        }
    }

    static int Run(CliIO io, string widthsText, string cText, int seed, string output, string dtypeText)
    {
        var w = ArgParsing.Widths(widthsText);
        var c = ArgParsing.CouplingVariances(cText, w.Length - 1);
        string dtype = dtypeText.Trim().ToUpperInvariant();
        if (!DTypes.Contains(dtype))
            throw new UsageException($"--dtype '{dtypeText}' is not supported; give one of {string.Join(", ", DTypes)}.");
        CliIO.CheckOutputPath(output, "--out");
        string ext = Path.GetExtension(output).ToLowerInvariant();
        bool npz = ext == ".npz";
        if (!npz && ext is not (".safetensors" or ".st"))
            throw new UsageException($"--out '{output}': the extension must be .safetensors (or .st) for a safetensors file or .npz for a NumPy archive.");
        if (npz && dtype != "F64")
            throw new UsageException($"--out '{output}' is an .npz archive, which init writes as float64 only; drop --dtype {dtype} or write a .safetensors file.");
        CheckBlockSizes(w, dtype);

        // The one seeded System.Random left (see Seeds): init's generator is documented as System.Random(seed) with
        // Box-Muller, and its outputs are bundled (examples/) and golden; .NET has kept the seeded algorithm unchanged
        // since .NET Framework 1.0 for compatibility, and the golden tests would catch a change.
        var bonds = BondMatrix.Sample(w, c, new Random(seed));
        var metadata = new InitMetadata(w, c, seed, dtype).ToSafeTensorsMetadata();
        CliIO.WriteFile(output, () => WeightFile.Save(output, bonds, dtype, npz ? null : metadata));

        var t = new Table().AddColumn("quantity").AddColumn("value");
        t.Title = new TableTitle($"wrote {Markup.Escape(output)}");
        void Row(string q, string v) => t.AddRow(new Text(q), new Text(v));
        Row("widths N_0..N_L", string.Join("-", w));
        Row("C_k", string.Join(", ", c.Select(CliIO.Num)));
        Row("seed", seed.ToString(CultureInfo.InvariantCulture));
        Row("format", npz ? "npz (float64; no metadata)" : $"safetensors, {dtype}; metadata: widths, c, seed");
        Row("tensors", string.Join(", ", Enumerable.Range(0, w.Length - 1).Select(k => $"layers.{k}.weight ({w[k + 1]}, {w[k]})")));
        Row("size", $"{new FileInfo(output).Length.ToString("N0", CultureInfo.InvariantCulture)} bytes");
        io.Console_.Write(t);
        return CliApp.Ok;
    }
}
