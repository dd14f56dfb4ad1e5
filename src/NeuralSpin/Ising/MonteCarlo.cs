using NeuralSpin.Numerics;

namespace NeuralSpin.Ising;

/// <summary>The single-spin update of <see cref="MonteCarlo"/>.</summary>
public enum SpinUpdate
{
    /// <summary>Metropolis: flip s_i with probability min(1, e^{-beta dE}), dE = 2 s_i H_i.</summary>
    Metropolis,
    /// <summary>Heat bath (Glauber): set s_i = +1 with probability 1 / (1 + e^{-2 beta H_i}).</summary>
    HeatBath,
}

/// <summary>The order in which a sweep visits the N spins.</summary>
public enum SweepOrder
{
    /// <summary>N updates of uniformly random spins (detailed balance holds for each update).</summary>
    RandomSequential,
    /// <summary>Spins 0, 1, ..., N-1 (stationary, but Metropolis at beta = 0 or with weak couplings can be periodic: prefer heat bath).</summary>
    Sequential,
}

/// <summary>Options of <see cref="MonteCarlo.Run(IsingModel, MonteCarloOptions, Random)"/>.</summary>
public sealed record MonteCarloOptions
{
    /// <summary>The single-spin update.</summary>
    public SpinUpdate Update { get; init; } = SpinUpdate.HeatBath;

    /// <summary>The visiting order.</summary>
    public SweepOrder Order { get; init; } = SweepOrder.RandomSequential;

    /// <summary>Sweeps discarded before the first sample.</summary>
    public int BurnInSweeps { get; init; } = 1000;

    /// <summary>Sweeps between recorded samples (at least 1).</summary>
    public int Thinning { get; init; } = 1;

    /// <summary>Number of recorded samples.</summary>
    public int Samples { get; init; } = 1000;

    /// <summary>Starting configuration (+-1, length N); null for a uniformly random one.</summary>
    public sbyte[]? Initial { get; init; }

    /// <summary>
    /// Seed of the chain for <see cref="MonteCarlo.Run(IsingModel, MonteCarloOptions)"/>, which draws from a
    /// <see cref="SplitMixSource"/> of it (the overload that takes a <see cref="Random"/> draws from that instead).
    /// </summary>
    public long Seed { get; init; }

    /// <summary>
    /// The settings of a file of samples (<c>neuralspin ising sample</c>): the defaults, but 10 sweeps between recorded
    /// samples, so that the samples a later fit or histogram treats as draws are further apart in the chain than
    /// single sweeps.
    /// </summary>
    public static MonteCarloOptions Sampling { get; } = new() { Thinning = 10 };

    /// <summary>
    /// The memory the samples of one run may take, in bytes (8 GiB; <see cref="SampleBytes"/>): a run keeps its samples
    /// in memory, and <c>neuralspin ising sample</c> refuses a request beyond this or beyond one array of
    /// <see cref="Array.MaxLength"/> spins.
    /// </summary>
    public const long MaxSampleBytes = 8L << 30;

    /// <summary>The bytes <paramref name="samples"/> samples of <paramref name="spins"/> spins take: one int8 per spin and one float64 energy per sample.</summary>
    public static long SampleBytes(int samples, int spins) => (long)samples * (spins + sizeof(double));

    /// <summary>
    /// The most samples of <paramref name="spins"/> spins (at least 1) within one array of <see cref="Array.MaxLength"/>
    /// spins and <see cref="MaxSampleBytes"/> bytes.
    /// </summary>
    public static long MaxSamples(int spins)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(spins, 1);
        return Math.Min(Array.MaxLength / spins, MaxSampleBytes / (spins + sizeof(double)));
    }
}

/// <summary>Running mean and variance (Welford), mergeable.</summary>
public sealed class RunningMoments
{
    double _mean, _m2;

    /// <summary>Number of values added.</summary>
    public long Count { get; private set; }

    /// <summary>Sample mean (NaN when empty).</summary>
    public double Mean => Count == 0 ? double.NaN : _mean;

    /// <summary>Unbiased sample variance (NaN with fewer than two values).</summary>
    public double Variance => Count < 2 ? double.NaN : _m2 / (Count - 1);

    /// <summary>Standard error of the mean for independent values, sqrt(Variance / Count).</summary>
    public double StandardError => Math.Sqrt(Variance / Count);

    /// <summary>Adds a value.</summary>
    public void Add(double x)
    {
        Count++;
        double d = x - _mean;
        _mean += d / Count;
        _m2 += d * (x - _mean);
    }

    /// <summary>Adds every value of another accumulator (Chan et al.).</summary>
    public void Merge(RunningMoments other)
    {
        if (other.Count == 0) return;
        long n = Count + other.Count;
        double d = other._mean - _mean;
        _m2 += other._m2 + d * d * Count * other.Count / n;
        _mean += d * other.Count / n;
        Count = n;
    }
}

/// <summary>The outcome of <see cref="MonteCarlo.Run(IsingModel, MonteCarloOptions, Random)"/>.</summary>
public sealed class MonteCarloResult
{
    internal MonteCarloResult(Configurations samples, double acceptance, double[] energies, RunningMoments energy, double[] m, double[] c)
    {
        Samples = samples;
        AcceptanceRate = acceptance;
        EnergyTrace = energies;
        Energy = energy;
        Magnetizations = m;
        Correlations = c;
    }

    /// <summary>The recorded configurations (samples x N).</summary>
    public Configurations Samples { get; }

    /// <summary>Fraction of single-spin updates (burn-in included) that changed the spin.</summary>
    public double AcceptanceRate { get; }

    /// <summary>E(s) of each recorded sample, in order.</summary>
    public double[] EnergyTrace { get; }

    /// <summary>Running moments of the recorded energies.</summary>
    public RunningMoments Energy { get; }

    /// <summary>Sample magnetizations.</summary>
    public double[] Magnetizations { get; }

    /// <summary>Sample raw correlations, row-major N x N.</summary>
    public double[] Correlations { get; }

    /// <summary>Standard error of the mean energy from <paramref name="batches"/> batch means (accounts for autocorrelation).</summary>
    public double EnergyStandardError(int batches = 20) => MonteCarlo.BatchMeansStandardError(EnergyTrace, batches);
}

/// <summary>
/// Markov-chain Monte Carlo for an <see cref="IsingModel"/> (docs/theory.md section 7, P(s) proportional to
/// e^{-beta E(s)}): single-spin Metropolis or heat-bath updates with local fields H_i = h_i + sum_j J_ij s_j kept
/// up to date in O(N) per flip. All randomness comes from the caller's <see cref="Random"/>.
/// Tests: chi-square goodness of fit against <see cref="ExactEnumeration"/> at a stated false-failure rate.
/// </summary>
public static class MonteCarlo
{
    /// <summary>Runs the chain on a <see cref="SplitMixSource"/> of <see cref="MonteCarloOptions.Seed"/>.</summary>
    public static MonteCarloResult Run(IsingModel model, MonteCarloOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return Run(model, options, new SplitMixSource(options.Seed));
    }

    /// <summary>Runs the chain: burn-in, then <see cref="MonteCarloOptions.Samples"/> samples every <see cref="MonteCarloOptions.Thinning"/> sweeps.</summary>
    public static MonteCarloResult Run(IsingModel model, MonteCarloOptions options, Random random)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(random);
        if (options.Thinning < 1) throw new ArgumentException("Thinning must be at least 1");
        if (options.BurnInSweeps < 0 || options.Samples < 0) throw new ArgumentException("BurnInSweeps and Samples must be non-negative");
        int n = model.Size;
        // Stryker disable once Equality : the boundary Samples x N = Array.MaxLength needs a 2 GB sample array; tested above it
        if ((long)options.Samples * n > Array.MaxLength)
            throw new ArgumentException($"{options.Samples} samples of {n} spins exceed the largest array ({Array.MaxLength} spins); take fewer samples or thin more");
        var s = new sbyte[n];
        if (options.Initial is { } init)
        {
            if (init.Length != n) throw new ArgumentException($"the initial configuration needs {n} spins, got {init.Length}");
            for (int i = 0; i < n; i++)
                s[i] = init[i] is 1 or -1 ? init[i] : throw new ArgumentException($"initial spin {i} is {init[i]}, not +-1");
        }
        else
            // Stryker disable once Equality : != 0 draws the complementary configuration, uniformly random as well
            for (int i = 0; i < n; i++) s[i] = random.Next(2) == 0 ? (sbyte)-1 : (sbyte)1;

        var j = model.Couplings.ToArray();
        var field = new double[n];
        for (int i = 0; i < n; i++) field[i] = model.LocalField(s, i);
        double beta = model.Beta;
        long accepted = 0, attempted = 0;

        void Sweep()
        {
            for (int step = 0; step < n; step++)
            {
                int i = options.Order == SweepOrder.Sequential ? step : random.Next(n);
                double hi = field[i];
                bool flip;
                if (options.Update == SpinUpdate.Metropolis)
                {
                    // Stryker disable once Arithmetic : s_i = +-1, so 2 / s_i = 2 s_i
                    double de = 2 * s[i] * hi;
                    // Stryker disable once Equality : at dE = 0 the flip is certain either way (a uniform draw is below e^0 = 1);
                    // de < 0 only draws one more number there, the same chain in law; a draw exactly at e^{-beta dE} has
                    // probability zero
                    flip = de <= 0 || random.NextDouble() < Math.Exp(-beta * de);
                }
                else
                {
                    double pUp = 1 / (1 + Math.Exp(-2 * beta * hi));
                    // Stryker disable once Equality : a uniform draw exactly at pUp has probability zero
                    sbyte target = random.NextDouble() < pUp ? (sbyte)1 : (sbyte)-1;
                    flip = target != s[i];
                }
                attempted++;
                if (!flip) continue;
                accepted++;
                s[i] = (sbyte)-s[i];
                // Stryker disable once Arithmetic : s_i = +-1, so 2 / s_i = 2 s_i
                double d = 2 * s[i];
                var col = j.AsSpan(i * n, n);
                for (int q = 0; q < n; q++) field[q] += d * col[q];
            }
        }

        for (int k = 0; k < options.BurnInSweeps; k++) Sweep();
        var spins = new sbyte[options.Samples * n];
        var energies = new double[options.Samples];
        var moments = new RunningMoments();
        for (int k = 0; k < options.Samples; k++)
        {
            for (int t = 0; t < options.Thinning; t++) Sweep();
            s.CopyTo(spins, k * n);
            energies[k] = model.Energy(s); // exact, no drift from incremental updates
            moments.Add(energies[k]);
        }
        var samples = new Configurations(n, spins);
        double[] m = options.Samples > 0 ? samples.Magnetizations() : new double[n];
        double[] c = options.Samples > 0 ? samples.Correlations() : new double[n * n];
        // Stryker disable once Conditional : with no attempt, accepted / attempted is 0 / 0 = NaN as well
        return new MonteCarloResult(samples, attempted == 0 ? double.NaN : (double)accepted / attempted, energies, moments, m, c);
    }

    /// <summary>
    /// Standard error of the mean of a correlated series by batch means: split it into <paramref name="batches"/>
    /// equal consecutive batches (a remainder at the end is dropped) and return sd(batch means) / sqrt(batches).
    /// Valid when a batch is much longer than the autocorrelation time.
    /// </summary>
    public static double BatchMeansStandardError(IReadOnlyList<double> series, int batches = 20)
    {
        ArgumentNullException.ThrowIfNull(series);
        if (batches < 2) throw new ArgumentException("at least two batches are needed");
        int size = series.Count / batches;
        if (size < 1) throw new ArgumentException($"{series.Count} values cannot form {batches} batches");
        var means = new RunningMoments();
        for (int bIdx = 0; bIdx < batches; bIdx++)
        {
            double sum = 0;
            // Stryker disable once Assignment : subtracting negates every batch mean, which leaves their spread unchanged
            for (int k = 0; k < size; k++) sum += series[bIdx * size + k];
            means.Add(sum / size);
        }
        return means.StandardError;
    }
}
