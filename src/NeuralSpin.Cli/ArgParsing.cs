using System.CommandLine;
using System.CommandLine.Parsing;
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

    /// <summary>
    /// The <c>--beta-max B</c> option of the commands that search the curve lambda_min(beta), with the default of the
    /// library options the command runs (e.g. <see cref="NeuralSpin.Analysis.AnalysisOptions.BetaMax"/>).
    /// </summary>
    public static System.CommandLine.Option<double> BetaMaxOption(double defaultValue) => new("--beta-max")
    {
        Description = "Upper end of the beta range (0, B] searched for the minimum and the transitions.",
        DefaultValueFactory = _ => defaultValue,
        HelpName = "B",
    };

    /// <summary>Environment variable that lifts the upper bound of <c>--threads</c> (and of $NEURALSPIN_THREADS) when set to 1.</summary>
    public const string ForceThreadsVariable = "NEURALSPIN_FORCE_THREADS";

    /// <summary>The largest <c>--curve-points</c> (<see cref="NeuralSpin.Analysis.AnalysisOptions.MaxCurvePoints"/>).</summary>
    public const int MaxCurvePoints = NeuralSpin.Analysis.AnalysisOptions.MaxCurvePoints;

    /// <summary>The <c>--threads T</c> option of the commands that use libtorch (the same text everywhere).</summary>
    public static System.CommandLine.Option<int?> LibtorchThreadsOption() => new("--threads")
    {
        Description = $"libtorch threads, 1 to the number of processors ({Environment.ProcessorCount} here; more only with {ForceThreadsVariable}=1). " +
                      "Default: $NEURALSPIN_THREADS, else 1. More threads only pay on an otherwise idle machine.",
        HelpName = "T",
    };

    /// <summary>
    /// The thread count of <c>--threads</c>: the option, else $NEURALSPIN_THREADS, else 1; at least 1 and at most
    /// <see cref="Environment.ProcessorCount"/> unless <see cref="ForceThreadsVariable"/> is 1.
    /// </summary>
    public static int ThreadCount(int? option, string name = "--threads")
    {
        bool force = Environment.GetEnvironmentVariable(ForceThreadsVariable) == "1";
        int cores = Environment.ProcessorCount;
        if (option is int t)
        {
            if (t < 1) throw new UsageException($"{name} {t} is not allowed: give a positive thread count, at most the {cores} processors of this machine, e.g. {name} 1.");
            if (t > cores && !force)
                throw new UsageException($"{name} {t} is more than the {cores} processors of this machine, which only slows the computation down. Give {name} {cores} or less (or set {ForceThreadsVariable}=1 to oversubscribe on purpose).");
            return t;
        }
        string? env = Environment.GetEnvironmentVariable("NEURALSPIN_THREADS");
        if (string.IsNullOrWhiteSpace(env)) return 1;
        if (!int.TryParse(env, NumberStyles.Integer, CultureInfo.InvariantCulture, out int e) || e < 1)
            throw new UsageException($"the environment variable NEURALSPIN_THREADS='{env}' is not a positive whole number. Set it to a thread count such as 1, or unset it.");
        if (e > cores && !force)
            throw new UsageException($"the environment variable NEURALSPIN_THREADS={e} is more than the {cores} processors of this machine. Set it to {cores} or less, or give {name} (or set {ForceThreadsVariable}=1 to oversubscribe on purpose).");
        return e;
    }

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

    /// <summary>
    /// Makes every numeric option (double, float, int, long, nullable or not) of <paramref name="command"/> and its
    /// subcommands parse its value with the invariant culture and without thousands separators, whatever the
    /// machine's culture: "2.5" is 2.5 everywhere, and "2,5" is refused with the advice to write 2.5 (System.CommandLine
    /// alone reads numbers in the current culture with thousands separators, so "2,5" became 25). Called once on the
    /// whole command tree by <see cref="CliApp.BuildRoot"/>.
    /// </summary>
    public static void InvariantNumbers(Command command)
    {
        foreach (var o in command.Options)
        {
            switch (o)
            {
                case Option<double> x: x.CustomParser = r => Real(r, double.Parse) ?? default; break;
                case Option<double?> x: x.CustomParser = r => Real(r, double.Parse); break;
                case Option<float> x: x.CustomParser = r => Real(r, float.Parse) ?? default; break;
                case Option<float?> x: x.CustomParser = r => Real(r, float.Parse); break;
                case Option<int> x: x.CustomParser = r => Whole(r, int.Parse, int.MinValue, int.MaxValue) ?? default; break;
                case Option<int?> x: x.CustomParser = r => Whole(r, int.Parse, int.MinValue, int.MaxValue); break;
                case Option<long> x: x.CustomParser = r => Whole(r, long.Parse, long.MinValue, long.MaxValue) ?? default; break;
                case Option<long?> x: x.CustomParser = r => Whole(r, long.Parse, long.MinValue, long.MaxValue); break;
            }
        }
        foreach (var c in command.Subcommands) InvariantNumbers(c);
    }

    static string OptionName(ArgumentResult r) =>
        (r.Parent as OptionResult)?.IdentifierToken?.Value ?? (r.Parent as OptionResult)?.Option.Name ?? r.Argument.Name;

    static T? Real<T>(ArgumentResult r, Func<string, NumberStyles, IFormatProvider, T> parse) where T : struct
    {
        if (r.Tokens.Count == 0) return null;
        string text = r.Tokens[0].Value, name = OptionName(r);
        try
        {
            return parse(text, NumberStyles.Float, CultureInfo.InvariantCulture);
        }
        catch (Exception e) when (e is FormatException or OverflowException)
        {
            string? fixedText = Suggestion(text, decimalComma: true);
            r.AddError(fixedText != null
                ? $"{name} '{text}' is not a number as this program reads them: write decimals with a point and no thousands separators, e.g. {name} {fixedText}"
                : $"{name} '{text}' is not a number: give a decimal number with a point, e.g. {name} 0.5 or {name} 1e-4 (no thousands separators)");
            return null;
        }
    }

    static T? Whole<T>(ArgumentResult r, Func<string, NumberStyles, IFormatProvider, T> parse, T min, T max) where T : struct
    {
        if (r.Tokens.Count == 0) return null;
        string text = r.Tokens[0].Value, name = OptionName(r);
        try
        {
            return parse(text, NumberStyles.Integer, CultureInfo.InvariantCulture);
        }
        catch (FormatException)
        {
            string? fixedText = Suggestion(text, decimalComma: false);
            r.AddError(fixedText != null
                ? $"{name} '{text}' is not a whole number as this program reads them: write it without thousands separators, e.g. {name} {fixedText}"
                : $"{name} '{text}' is not a whole number: give digits only, e.g. {name} 10");
            return null;
        }
        catch (OverflowException)
        {
            r.AddError($"{name} '{text}' is out of range: give a whole number between {min} and {max}");
            return null;
        }
    }

    // the number the user probably meant when the text has commas: "2,5" -> "2.5" (decimal comma), "1,000" -> "1000"
    static string? Suggestion(string text, bool decimalComma)
    {
        if (!text.Contains(',')) return null;
        string t = text.Trim();
        int commas = t.Count(ch => ch == ',');
        string guess = decimalComma && commas == 1 && !t.Contains('.') && !System.Text.RegularExpressions.Regex.IsMatch(t, @"^[+-]?\d{1,3},\d{3}$")
            ? t.Replace(',', '.') : t.Replace(",", "");
        if (decimalComma && commas == 1 && !t.Contains('.') && System.Text.RegularExpressions.Regex.IsMatch(t, @"^[+-]?\d{1,3},\d{3}$"))
            return $"{t.Replace(',', '.')} (or {t.Replace(",", "")})";
        bool ok = decimalComma ? double.TryParse(guess, NumberStyles.Float, CultureInfo.InvariantCulture, out _)
                               : long.TryParse(guess, NumberStyles.Integer, CultureInfo.InvariantCulture, out _);
        return ok ? guess : null;
    }

    /// <summary>
    /// A memory size for <c>--memory-limit</c>: a number with an optional unit K, M, G or T (powers of 1000, "B" after
    /// it allowed, case ignored), e.g. 1.5G, 800M, 2000000000. Positive and at most 1000 T.
    /// </summary>
    public static long MemorySize(string text, string option = "--memory-limit")
    {
        string t = text.Trim().ToUpperInvariant();
        if (t.EndsWith('B')) t = t[..^1];
        double unit = 1;
        if (t.Length > 0 && "KMGT".Contains(t[^1]))
        {
            unit = t[^1] switch { 'K' => 1e3, 'M' => 1e6, 'G' => 1e9, _ => 1e12 };
            t = t[..^1];
        }
        if (!double.TryParse(t, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out double v) || !(v * unit >= 1) || v * unit > NeuralSpin.Analysis.MachineMemory.MaxLimitBytes)
            throw new UsageException($"{option} '{text}' is not a memory size: give a positive number with an optional unit K, M, G or T (powers of 1000) and a decimal point, no comma, e.g. {option} 4G or {option} 800M.");
        return (long)(v * unit);
    }

    /// <summary>Tensor names for <c>--layers a,b,c</c>.</summary>
    public static string[] Layers(string text) => Items(text, "--layers", "fc1.weight,fc2.weight,fc3.weight");
}
