using System.Globalization;

namespace NeuralSpin.Training;

/// <summary>
/// When a run writes checkpoints, in epochs (fractions allowed). A checkpoint requested at epoch t is
/// written after step round(t * stepsPerEpoch) (round half away from zero); requests that land on the
/// same step give one checkpoint. Whatever the schedule, <see cref="Trainer.Train"/> also writes the t = 0
/// checkpoint (the trajectory analysis needs the untrained network).
/// </summary>
/// <remarks>
/// Specifications accepted by <see cref="Parse"/>:
/// <list type="bullet">
/// <item><c>default</c>: t = 0; the fractions 1/64, 1/32, 1/16, 1/8, 1/4, 1/2 of the first epoch; the
/// integer epochs 1, 2, 3, 5, 8, 13, 20, 30, 50, 80, 120, 200, 300, 500 and from there the 8, 12, 20,
/// 30, 50 pattern times powers of ten (800, 1200, 2000, ...), up to the last epoch; the last epoch is
/// always included.</item>
/// <item>A comma-separated list of epochs, each a decimal number or a fraction a/b, e.g.
/// <c>0,1/64,0.5,1,2,5</c>. Exactly these epochs (each must lie in [0, epochs]).</item>
/// <item><c>every:K</c>: t = 0 and every K-th epoch (K a positive integer), plus the last epoch.</item>
/// </list>
/// </remarks>
public sealed class CheckpointSchedule
{
    private static readonly double[] FirstEpochFractions = [1.0 / 64, 1.0 / 32, 1.0 / 16, 1.0 / 8, 1.0 / 4, 1.0 / 2];
    private static readonly long[] IntegerGridHead = [1, 2, 3, 5, 8, 13, 20, 30, 50, 80, 120, 200, 300, 500];
    private static readonly long[] DecadePattern = [8, 12, 20, 30, 50]; // times 10^k for k >= 2

    private readonly Func<int, double[]> _epochs;

    private CheckpointSchedule(string specification, Func<int, double[]> epochs)
    {
        Specification = specification;
        _epochs = epochs;
    }

    /// <summary>The text the schedule was parsed from.</summary>
    public string Specification { get; }

    /// <summary>Parses a schedule (see the class remarks).</summary>
    /// <exception cref="FormatException">The text is not a valid schedule.</exception>
    public static CheckpointSchedule Parse(string specification)
    {
        ArgumentNullException.ThrowIfNull(specification);
        string s = specification.Trim();
        if (s.Equals("default", StringComparison.OrdinalIgnoreCase))
            return new CheckpointSchedule("default", Default);
        if (s.StartsWith("every:", StringComparison.OrdinalIgnoreCase))
        {
            string k = s["every:".Length..].Trim();
            if (!int.TryParse(k, NumberStyles.None, CultureInfo.InvariantCulture, out int every) || every <= 0)
                throw new FormatException($"checkpoint schedule '{specification}': 'every:K' needs a positive integer K, got '{k}'");
            return new CheckpointSchedule(s, epochs => Every(every, epochs));
        }
        var parts = s.Split(',', StringSplitOptions.TrimEntries);
        if (parts.Length == 0 || parts.All(p => p.Length == 0))
            throw new FormatException("checkpoint schedule is empty; use 'default', 'every:K' or a list of epochs such as '0,0.5,1,2'");
        var list = new List<double>();
        foreach (var p in parts)
        {
            if (p.Length == 0) throw new FormatException($"checkpoint schedule '{specification}' has an empty entry");
            list.Add(ParseEpoch(p, specification));
        }
        var fixedList = list.ToArray();
        return new CheckpointSchedule(s, epochs =>
        {
            foreach (var t in fixedList)
                if (t > epochs)
                    throw new ArgumentException($"checkpoint schedule '{specification}' asks for epoch {t.ToString(CultureInfo.InvariantCulture)}, after the last epoch {epochs}");
            return fixedList;
        });
    }

    static double ParseEpoch(string p, string specification)
    {
        double value;
        int slash = p.IndexOf('/');
        if (slash >= 0)
        {
            if (!double.TryParse(p[..slash], NumberStyles.Float, CultureInfo.InvariantCulture, out double a) ||
                !double.TryParse(p[(slash + 1)..], NumberStyles.Float, CultureInfo.InvariantCulture, out double b) || b == 0)
                throw new FormatException($"checkpoint schedule '{specification}': '{p}' is not a fraction a/b with b != 0");
            value = a / b;
        }
        else if (!double.TryParse(p, NumberStyles.Float, CultureInfo.InvariantCulture, out value))
            throw new FormatException($"checkpoint schedule '{specification}': '{p}' is not a number of epochs");
        if (!double.IsFinite(value) || value < 0)
            throw new FormatException($"checkpoint schedule '{specification}': epoch '{p}' must be finite and non-negative");
        return value;
    }

    /// <summary>The requested checkpoint epochs for a run of <paramref name="epochs"/> epochs, ascending, without duplicates.</summary>
    public IReadOnlyList<double> Epochs(int epochs)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(epochs);
        return _epochs(epochs).Distinct().Order().ToArray();
    }

    /// <summary>The steps after which checkpoints are written (step 0 = before training), ascending, distinct.</summary>
    public IReadOnlyList<long> Steps(int epochs, int stepsPerEpoch)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(stepsPerEpoch);
        return Epochs(epochs).Select(t => StepOf(t, stepsPerEpoch)).Distinct().Order().ToArray();
    }

    /// <summary>round(t * stepsPerEpoch), half away from zero.</summary>
    public static long StepOf(double epoch, int stepsPerEpoch) =>
        (long)Math.Round(epoch * stepsPerEpoch, MidpointRounding.AwayFromZero);

    private static double[] Default(int epochs)
    {
        var list = new List<double> { 0 };
        if (epochs == 0) return [.. list];
        list.AddRange(FirstEpochFractions);
        foreach (long e in IntegerGrid())
        {
            if (e > epochs) break;
            list.Add(e);
        }
        list.Add(epochs);
        return [.. list];
    }

    /// <summary>The integer part of the default grid: 1, 2, 3, 5, 8, 13, 20, ..., 500, 800, 1200, 2000, ...</summary>
    public static IEnumerable<long> IntegerGrid()
    {
        foreach (var e in IntegerGridHead) yield return e;
        for (long scale = 100; scale <= long.MaxValue / 100; scale *= 10)
            foreach (var m in DecadePattern)
                if (m * scale > 500) yield return m * scale;
    }

    private static double[] Every(int k, int epochs)
    {
        var list = new List<double> { 0 };
        for (int e = k; e <= epochs; e += k) list.Add(e);
        list.Add(epochs);
        return [.. list];
    }

    /// <inheritdoc/>
    public override string ToString() => Specification;
}
