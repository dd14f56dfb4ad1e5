using System.Globalization;

namespace NeuralSpin.Cli;

/// <summary>Parsing and validation of the list-valued and range-limited options; failures are <see cref="UsageException"/>s.</summary>
public static class ArgParsing
{
    static string[] Items(string text, string option, string example)
    {
        var items = text.Split(',').Select(s => s.Trim()).ToArray();
        if (items.Length == 0 || items.Any(s => s.Length == 0))
            throw new UsageException($"{option} '{text}' has an empty entry. Give a comma-separated list without spaces or empty items, e.g. {option} {example}.");
        return items;
    }

    /// <summary>The <c>--beta-max B</c> option (default 10) of the commands that search the curve lambda_min(beta).</summary>
    public static System.CommandLine.Option<double> BetaMaxOption() => new("--beta-max")
    {
        Description = "Upper end of the beta range (0, B] searched for the minimum and the transitions.",
        DefaultValueFactory = _ => 10.0,
        HelpName = "B",
    };

    /// <summary>The <c>--threads T</c> option of the commands that do dense linear algebra through libtorch.</summary>
    public static System.CommandLine.Option<int?> LibtorchThreadsOption() => new("--threads")
    {
        Description = $"libtorch intra-op threads (default: $NEURALSPIN_THREADS, else 1, here {NeuralSpin.Numerics.TorchLinalg.DefaultThreads()}); more threads only pay on an otherwise idle machine.",
        HelpName = "T",
    };

    /// <summary>The required <c>--widths N0,N1,...</c> option of the commands that build a layered network.</summary>
    public static System.CommandLine.Option<string> WidthsOption() => new("--widths")
    {
        Description = "Layer widths N_0..N_L, comma-separated, e.g. 784,512,512,512,10.",
        Required = true,
        HelpName = "N0,N1,...",
    };

    /// <summary>The required <c>--c C</c> option (one coupling variance C_k for all blocks, or one per block).</summary>
    public static System.CommandLine.Option<string> CouplingVarianceOption() => new("--c")
    {
        Description = "Coupling variance C_k (J^(k)_ij ~ N(0, C_k/N_{k-1})): one value for all blocks or one per block, comma-separated (Kaiming-normal: 2; PyTorch's default nn.Linear: 1/3).",
        Required = true,
        HelpName = "C",
    };

    /// <summary>Layer widths N_0..N_L: at least two positive integers.</summary>
    public static int[] Widths(string text, string option = "--widths")
    {
        const string example = "784,512,512,512,10";
        var items = Items(text, option, example);
        var w = new int[items.Length];
        for (int i = 0; i < items.Length; i++)
        {
            if (!int.TryParse(items[i], NumberStyles.None, CultureInfo.InvariantCulture, out w[i]) || w[i] < 1)
                throw new UsageException($"{option} '{text}': '{items[i]}' is not a positive integer width. Give the layer widths N_0..N_L as a comma list, e.g. {option} {example}.");
        }
        if (w.Length < 2)
            throw new UsageException($"{option} '{text}' names one layer; a network needs at least two (input and output). Give N_0..N_L, e.g. {option} {example}.");
        return w;
    }

    /// <summary>C_k: one finite non-negative value, or one per block (widths.Length - 1); returned expanded per block.</summary>
    public static double[] CouplingVariances(string text, int blocks, string option = "--c")
    {
        var items = Items(text, option, "2");
        var c = new double[items.Length];
        for (int i = 0; i < items.Length; i++)
        {
            if (!double.TryParse(items[i], NumberStyles.Float, CultureInfo.InvariantCulture, out c[i]) || !double.IsFinite(c[i]) || c[i] < 0)
                throw new UsageException($"{option} '{text}': '{items[i]}' is not a finite non-negative number. Give the coupling variance C (Kaiming-normal: 2, PyTorch default: 1/3 = 0.3333), e.g. {option} 2.");
        }
        if (c.Length == 1) return Enumerable.Repeat(c[0], blocks).ToArray();
        if (c.Length != blocks)
            throw new UsageException($"{option} '{text}' gives {c.Length} values, but the widths define {blocks} layer blocks. Give one value for all blocks or exactly one per block.");
        return c;
    }

    /// <summary>Tensor names for <c>--layers a,b,c</c>.</summary>
    public static string[] Layers(string text) => Items(text, "--layers", "fc1.weight,fc2.weight,fc3.weight");
}
