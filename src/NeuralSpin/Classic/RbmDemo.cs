using NeuralSpin.Numerics;

namespace NeuralSpin.Classic;

/// <summary>Settings of the RBM demonstration (<see cref="RbmDemo"/>): a seeded random machine and a sweep of its weight scale.</summary>
public sealed record RbmDemoOptions
{
    /// <summary>Visible units N_v of the demo machine (all 2^N_v states are enumerated, so at most <see cref="RbmDeviationOptions.MaxExhaustiveVisible"/>).</summary>
    public int Visible { get; init; } = 12;

    /// <summary>Hidden units N_h of the demo machine.</summary>
    public int Hidden { get; init; } = 3;

    /// <summary>Weight scale s of the reported machine (W -&gt; s W).</summary>
    public double Scale { get; init; } = 0.5;

    /// <summary>Smallest weight scale of the sweep.</summary>
    public double ScaleMin { get; init; } = 0.01;

    /// <summary>Largest weight scale of the sweep.</summary>
    public double ScaleMax { get; init; } = 2.0;

    /// <summary>Log-spaced scales of the sweep (<see cref="Precision.LogGrid"/> from <see cref="ScaleMin"/> to <see cref="ScaleMax"/>).</summary>
    public int Points { get; init; } = 15;

    /// <summary>The most hidden units of the demo machine (<see cref="Hidden"/>): each adds a term to H_eff at every enumerated state.</summary>
    public const int MaxHidden = 1000;

    /// <summary>The fewest scales of the sweep (<see cref="Points"/>): a slope needs two.</summary>
    public const int MinPoints = 2;

    /// <summary>The most scales of the sweep (<see cref="Points"/>): each enumerates the 2^N_v states twice.</summary>
    public const int MaxPoints = 200;

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> naming the first field outside its range.</summary>
    public void Validate()
    {
        static void Check(bool ok, string name, object value, string rule)
        {
            if (!ok) throw new ArgumentOutOfRangeException(name, value, rule);
        }
        Check(Visible is >= 1 and <= RbmDeviationOptions.DefaultMaxExhaustiveVisible, nameof(Visible), Visible, $"between 1 and {RbmDeviationOptions.DefaultMaxExhaustiveVisible} (all 2^N_v states are enumerated)");
        Check(Hidden is >= 1 and <= MaxHidden, nameof(Hidden), Hidden, $"between 1 and {MaxHidden}");
        Check(double.IsFinite(Scale) && Scale > 0, nameof(Scale), Scale, "finite and positive");
        Check(double.IsFinite(ScaleMin) && double.IsFinite(ScaleMax) && ScaleMin > 0 && ScaleMax > ScaleMin, nameof(ScaleMin), ScaleMin, "finite, with 0 < ScaleMin < ScaleMax");
        Check(Points is >= MinPoints and <= MaxPoints, nameof(Points), Points, $"between {MinPoints} and {MaxPoints}");
    }
}

/// <summary>The deviation of the quadratic expansion against the weight scale, with and without hidden biases.</summary>
/// <param name="Scales">The weight scales s (W -&gt; s W), increasing.</param>
/// <param name="Zero">The deviation at each scale of the machine with its hidden biases set to c = 0.</param>
/// <param name="Biased">The deviation at each scale of the machine with its own hidden biases.</param>
/// <param name="SlopeZero">Power-law fit of max |H_eff - H_quad| against s at c = 0 on the small-scale half (expected exponent 4); NaN when fewer than two points qualify.</param>
/// <param name="SlopeBiased">The same fit with the hidden biases (expected exponent 3).</param>
public sealed record RbmScaleSweep(double[] Scales, RbmDeviationResult[] Zero, RbmDeviationResult[] Biased, PowerFit SlopeZero, PowerFit SlopeBiased);

/// <summary>
/// The demonstration of <c>neuralspin classic rbm --demo</c> (docs/theory.md section 8): a seeded random RBM and the
/// deviation of its quadratic expansion swept over the weight scale, which falls as s^4 with c = 0 (the first neglected
/// term is quartic) and as s^3 with hidden biases c != 0 (a cubic term appears).
/// </summary>
public static class RbmDemo
{
    /// <summary>The exponent of the deviation against the weight scale with c = 0: the first neglected term of ln 2cosh is quartic.</summary>
    public const int ExpectedExponentWithoutHiddenBias = 4;

    /// <summary>The exponent of the deviation against the weight scale with hidden biases c != 0: a cubic term appears.</summary>
    public const int ExpectedExponentWithHiddenBias = 3;

    /// <summary>Standard deviation of the visible biases of the demo machine (small against the weights' couplings).</summary>
    public const double VisibleBiasScale = 0.1;

    /// <summary>
    /// Deviations at or below this are left out of the slope fits: H_eff is a sum of N_h terms ln 2cosh of order one,
    /// exact to a few ulps each (1e-15), so a deviation of 1e-13 is already close to the rounding of the comparison
    /// and would bend the fitted power law.
    /// </summary>
    public const double FitFloor = 1e-13;

    /// <summary>
    /// The demo machine at unit scale: W ~ N(0, 1/N_v), b ~ N(0, <see cref="VisibleBiasScale"/>^2), c ~ N(0, 1), drawn in
    /// that order from one <see cref="SplitMixRandom"/> stream of <paramref name="seed"/> (Box-Muller, one cosine per draw).
    /// </summary>
    public static Rbm Machine(int visible, int hidden, int seed)
    {
        if (visible < 1) throw new ArgumentOutOfRangeException(nameof(visible), visible, "at least one visible unit");
        if (hidden < 1 || hidden > RbmDemoOptions.MaxHidden) throw new ArgumentOutOfRangeException(nameof(hidden), hidden, $"between 1 and {RbmDemoOptions.MaxHidden} hidden units");
        var rng = new SplitMixRandom(seed);
        double Normal()
        {
            double u = 1 - rng.NextDouble(), v = rng.NextDouble();
            return Math.Sqrt(-2 * Math.Log(u)) * Math.Cos(2 * Math.PI * v);
        }
        var w = new double[visible * hidden];
        for (int i = 0; i < w.Length; i++) w[i] = Normal() / Math.Sqrt(visible);
        var b = new double[visible];
        for (int i = 0; i < visible; i++) b[i] = VisibleBiasScale * Normal();
        var c = new double[hidden];
        for (int m = 0; m < hidden; m++) c[m] = Normal();
        return new Rbm(visible, hidden, w, b, c);
    }

    /// <summary>The scales of the sweep: <see cref="RbmDemoOptions.Points"/> log-spaced values from ScaleMin to ScaleMax (the options validated first).</summary>
    public static double[] Scales(RbmDemoOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        return Precision.LogGrid(options.ScaleMin, options.ScaleMax, options.Points);
    }

    /// <summary>Work units of <see cref="Sweep"/> for a progress bar: two deviations per scale.</summary>
    public static int WorkUnits(IReadOnlyList<double> scales) => 2 * scales.Count;

    /// <summary>
    /// The deviation of the quadratic expansion of <paramref name="unit"/> scaled by each of <paramref name="scales"/>,
    /// with c = 0 and with its own hidden biases, and the power-law slopes on the small-scale half of the sweep (the
    /// asymptotic regime), from the points whose deviation lies above <see cref="FitFloor"/>. Reports 2 k after the k-th scale.
    /// </summary>
    public static RbmScaleSweep Sweep(Rbm unit, IReadOnlyList<double> scales, RbmDeviationOptions? options = null, IProgress<int>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(unit);
        ArgumentNullException.ThrowIfNull(scales);
        var s = scales.ToArray();
        var zeroC = unit.WithHiddenBias(new double[unit.Hidden]);
        var zero = new RbmDeviationResult[s.Length];
        var biased = new RbmDeviationResult[s.Length];
        for (int i = 0; i < s.Length; i++)
        {
            zero[i] = RbmDeviation.Compute(zeroC.WithWeightScale(s[i]), options);
            progress?.Report(2 * i + 1);
            biased[i] = RbmDeviation.Compute(unit.WithWeightScale(s[i]), options);
            progress?.Report(2 * i + 2);
        }
        int half = Math.Max(2, (s.Length + 1) / 2);
        PowerFit Fit(RbmDeviationResult[] r)
        {
            var idx = Enumerable.Range(0, Math.Min(half, s.Length)).Where(i => r[i].MaxAbsDeviation > FitFloor).ToArray();
            return idx.Length >= 2 ? PowerFit.Fit(idx.Select(i => s[i]).ToArray(), idx.Select(i => r[i].MaxAbsDeviation).ToArray())
                : new PowerFit(double.NaN, double.NaN, double.NaN, [], []);
        }
        return new RbmScaleSweep(s, zero, biased, Fit(zero), Fit(biased));
    }
}
