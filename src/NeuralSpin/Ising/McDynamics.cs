using NeuralSpin.Numerics;
namespace NeuralSpin.Ising;

/// <summary>Settings of <see cref="McDynamics.Run"/>.</summary>
public sealed record McDynamicsOptions
{
    /// <summary>Number of sweeps (N single-spin heat-bath updates each, random sequential). Default 100.</summary>
    public int Sweeps { get; init; } = 100;

    /// <summary>Inverse temperature; null means the model's beta.</summary>
    public double? Beta { get; init; }

    /// <summary>Seed of the chain.</summary>
    public int Seed { get; init; }

    /// <summary>Record every this many sweeps (sweep 0, the reference itself, is always recorded). Default 1.</summary>
    public int RecordEvery { get; init; } = 1;

    /// <summary>Optional observable of the current configuration (for example the accuracy of a network with these
    /// weights); NaN is recorded when null.</summary>
    public Func<sbyte[], double>? Observer { get; init; }
}

/// <summary>One recorded point of the dynamics.</summary>
/// <param name="Sweep">Sweeps done (0 = the reference).</param>
/// <param name="EnergyPerSpin">E(s) / N.</param>
/// <param name="Overlap">q = (1/N) sum_i s_i s_i^ref.</param>
/// <param name="Observed">The observer's value, NaN without one.</param>
public readonly record struct McDynamicsPoint(int Sweep, double EnergyPerSpin, double Overlap, double Observed);

/// <summary>
/// Single-spin heat-bath Monte Carlo dynamics (as <see cref="MonteCarlo"/>, P(s_i = +1 | rest) =
/// 1 / (1 + e^{-2 beta H_i}), H_i = h_i + sum_j J_ij s_j) started AT a reference configuration, recording the
/// energy per spin, the overlap with the reference and an optional observable: how fast and how far the chain
/// leaves the reference (e.g. a trained network's weights) at a given temperature.
/// </summary>
public static class McDynamics
{
    /// <summary>Runs the chain and returns the trace.</summary>
    public static IReadOnlyList<McDynamicsPoint> Run(IsingModel model, sbyte[] reference, McDynamicsOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(reference);
        options ??= new McDynamicsOptions();
        int n = model.Size;
        if (reference.Length != n) throw new ArgumentException($"the reference needs {n} spins, got {reference.Length}", nameof(reference));
        for (int i = 0; i < n; i++)
            if (reference[i] is not (1 or -1)) throw new ArgumentException($"reference spin {i} is {reference[i]}, not +-1", nameof(reference));
        if (options.Sweeps < 0) throw new ArgumentOutOfRangeException(nameof(options), options.Sweeps, "Sweeps must be >= 0");
        if (options.RecordEvery < 1) throw new ArgumentOutOfRangeException(nameof(options), options.RecordEvery, "RecordEvery must be >= 1");
        double beta = options.Beta ?? model.Beta;
        if (!(beta >= 0) || !double.IsFinite(beta)) throw new ArgumentOutOfRangeException(nameof(options), beta, "beta must be finite and >= 0");

        var rng = new SplitMixSource(options.Seed);
        var s = (sbyte[])reference.Clone();
        var j = model.Couplings.ToArray();
        var field = new double[n];
        for (int i = 0; i < n; i++) field[i] = model.LocalField(s, i);
        var trace = new List<McDynamicsPoint>();

        void Record(int sweep)
        {
            double q = 0;
            // Stryker disable once Arithmetic : reference spins are +-1, so s_i / r_i = s_i r_i
            for (int i = 0; i < n; i++) q += s[i] * reference[i];
            double obs = options.Observer is { } f ? f((sbyte[])s.Clone()) : double.NaN;
            trace.Add(new McDynamicsPoint(sweep, model.Energy(s) / n, q / n, obs));
        }

        Record(0);
        for (int sweep = 1; sweep <= options.Sweeps; sweep++)
        {
            for (int step = 0; step < n; step++)
            {
                int i = rng.Next(n);
                double pUp = 1 / (1 + Math.Exp(-2 * beta * field[i]));
                // Stryker disable once Equality : a uniform draw exactly at pUp has probability zero
                sbyte target = rng.NextDouble() < pUp ? (sbyte)1 : (sbyte)-1;
                if (target == s[i]) continue;
                s[i] = target;
                // Stryker disable once Arithmetic : target = +-1, so 2 / target = 2 target
                double d = 2 * target;
                var col = j.AsSpan(i * n, n);
                for (int q = 0; q < n; q++) field[q] += d * col[q];
            }
            if (sweep % options.RecordEvery == 0 || sweep == options.Sweeps) Record(sweep);
        }
        return trace;
    }
}
