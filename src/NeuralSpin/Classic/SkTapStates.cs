using NeuralSpin.Ising;
using NeuralSpin.Numerics;
using NeuralSpin.Tap;

namespace NeuralSpin.Classic;

/// <summary>Settings of <see cref="SkTapStates.Find"/>. All members are optional.</summary>
public sealed record SkTapStateOptions
{
    /// <summary>Monte Carlo runs (each seeding one Newton solve) per instance and temperature. Default 4; at least 1.</summary>
    public int Starts { get; init; } = 4;

    /// <summary>Heat-bath sweeps from the quenched start before averaging. Default 500; at least 0.</summary>
    public int EquilibrationSweeps { get; init; } = 500;

    /// <summary>Sweeps averaged into the seed m_i = mean tanh(beta H_i): short enough to stay inside one state. Default 50; at least 1.</summary>
    public int AverageSweeps { get; init; } = 50;

    /// <summary>Temperature step of the branch following, in units of J. Default 0.01; in (0, 0.1].</summary>
    public double TemperatureStep { get; init; } = 0.01;

    /// <summary>Branches are followed within [LowestTemperature, HighestTemperature] (units of J). Defaults 0.3 and 1.5.</summary>
    public double LowestTemperature { get; init; } = 0.3;

    /// <summary>Upper end of the branch following (units of J).</summary>
    public double HighestTemperature { get; init; } = 1.5;

    /// <summary>Seed of the Monte Carlo runs.</summary>
    public long Seed { get; init; } = 1;
}

/// <summary>A TAP solution on a branch followed in temperature.</summary>
/// <param name="Temperature">T.</param>
/// <param name="Qea">q_EA = (1/N) sum_i m_i^2.</param>
/// <param name="Plefka">Plefka's x_P = 1 - beta^2 J^2 (1/N) sum_i (1 - m_i^2)^2 (the TAP expansion holds where x_P &gt;= 0).</param>
/// <param name="HessianMin">Smallest eigenvalue of the TAP free-energy Hessian (&gt; 0: a local minimum; -&gt; 0 at a fold).</param>
/// <param name="FreeEnergyPerSpin">F_TAP / N (P1 19).</param>
/// <param name="Magnetizations">The solution m.</param>
public sealed record SkTapStatePoint(double Temperature, double Qea, double Plefka, double HessianMin, double FreeEnergyPerSpin, double[] Magnetizations)
{
    /// <summary>A physical TAP state: Plefka's condition holds and the solution is a local minimum of F_TAP.</summary>
    public bool Valid => Plefka >= 0 && HessianMin > 0;
}

/// <summary>How a branch followed in temperature ends.</summary>
public enum SkTapBranchEnd
{
    /// <summary>Newton's method found no solution near the last one even with the smallest step: the state ceases to exist,
    /// typically at a fold where it annihilates with a saddle (the smallest Hessian eigenvalue at the located end,
    /// <see cref="SkTapBranch.LowEndPoint"/> / <see cref="SkTapBranch.HighEndPoint"/>, shows it going to 0).</summary>
    Vanished,
    /// <summary>The solution continued into the paramagnet m = 0.</summary>
    Paramagnet,
    /// <summary>The end of the temperature range was reached.</summary>
    Range,
}

/// <summary>A valid TAP state found at one temperature and followed in T in both directions by Newton's method.</summary>
/// <param name="Instance">Index of the instance in the list given to <see cref="SkTapStates.Find"/>.</param>
/// <param name="FoundAt">The temperature where the Monte Carlo seeded search found it.</param>
/// <param name="SeedCosine">Cosine between the found solution and the Monte Carlo average that seeded it.</param>
/// <param name="Points">The branch, ascending in T.</param>
/// <param name="LowEnd">How the branch ends towards low T.</param>
/// <param name="HighEnd">How the branch ends towards high T.</param>
/// <param name="LowEndPoint">The last solution towards low T: where the state vanishes, located by bisection between the last grid point and
/// the failed one to 1/4096 of a step (so its smallest Hessian eigenvalue shows the fold); otherwise the first point of <paramref name="Points"/>.</param>
/// <param name="HighEndPoint">The same towards high T.</param>
public sealed record SkTapBranch(int Instance, double FoundAt, double SeedCosine, IReadOnlyList<SkTapStatePoint> Points, SkTapBranchEnd LowEnd, SkTapBranchEnd HighEnd,
    SkTapStatePoint LowEndPoint, SkTapStatePoint HighEndPoint)
{
    /// <summary><see cref="Points"/> with the located end points added where they lie beyond the grid (ascending in T).</summary>
    public IReadOnlyList<SkTapStatePoint> WithEnds
    {
        get
        {
            var pts = Points.ToList();
            if (LowEndPoint.Temperature < pts[0].Temperature) pts.Insert(0, LowEndPoint);
            if (HighEndPoint.Temperature > pts[^1].Temperature) pts.Add(HighEndPoint);
            return pts;
        }
    }

    /// <summary>Lowest and highest T of the branch where the state is valid (x_P &gt;= 0, local minimum); NaN when nowhere.</summary>
    public (double Low, double High) ValidRange
    {
        get
        {
            var v = Points.Where(p => p.Valid).Select(p => p.Temperature).ToArray();
            return v.Length == 0 ? (double.NaN, double.NaN) : (v.Min(), v.Max());
        }
    }
}

/// <summary>The Monte Carlo seeded search at one temperature, over all instances and starts.</summary>
public sealed record SkTapSearch
{
    /// <summary>T.</summary>
    public required double Temperature { get; init; }

    /// <summary>Newton solves (instances x starts).</summary>
    public required int Runs { get; init; }

    /// <summary>Solves that did not converge (no TAP solution near the Monte Carlo state).</summary>
    public required int NotConverged { get; init; }

    /// <summary>Solves that ended at the paramagnet m = 0.</summary>
    public required int Trivial { get; init; }

    /// <summary>Non-trivial solutions with x_P &lt; 0.</summary>
    public required int PlefkaViolated { get; init; }

    /// <summary>Non-trivial solutions with x_P &gt;= 0 that are saddles of F_TAP.</summary>
    public required int Saddles { get; init; }

    /// <summary>Non-trivial solutions with x_P &gt;= 0 that are local minima of F_TAP.</summary>
    public required int Valid { get; init; }

    /// <summary>Instances with at least one valid solution.</summary>
    public required int InstancesWithValid { get; init; }

    /// <summary>Mean q_EA of the lowest-F valid solution of each instance that has one (NaN when none).</summary>
    public required double QeaMean { get; init; }

    /// <summary>Mean x_P of those solutions (NaN when none).</summary>
    public required double PlefkaMean { get; init; }

    /// <summary>Mean cosine between those solutions and their Monte Carlo seeds (NaN when none).</summary>
    public required double SeedCosineMean { get; init; }

    /// <summary>The RS q(T) for comparison.</summary>
    public required double ReplicaSymmetricQ { get; init; }
}

/// <summary>The outcome of <see cref="SkTapStates.Find"/>.</summary>
/// <param name="Instances">Instances searched.</param>
/// <param name="Size">N.</param>
/// <param name="Searches">One summary per temperature of the grid.</param>
/// <param name="Branches">Every distinct valid state found, followed in temperature (by instance, then by discovery).</param>
public sealed record SkTapStateResult(int Instances, int Size, IReadOnlyList<SkTapSearch> Searches, IReadOnlyList<SkTapBranch> Branches);

/// <summary>
/// TAP states of SK instances below T_c (P1 19-20, docs/theory.md sections 3 and 8) found the physical way: a TAP state is the
/// thermal average inside one ergodic component, so a heat-bath Monte Carlo run (<see cref="MonteCarlo"/>) from a quenched
/// configuration (<see cref="SkTapSolutions.Quench"/>) is equilibrated and its improved local averages m_i = &lt;tanh(beta H_i)&gt; over a
/// few sweeps, short against the time to leave the state, seed Newton's method on the TAP equations (<see cref="TapNewton.Solve"/>).
/// Each end point is classified: no convergence, the paramagnet, Plefka's condition violated (x_P &lt; 0), a saddle of F_TAP, or
/// valid (x_P &gt;= 0 and a positive definite Hessian: a local minimum of the valid TAP free energy). Every distinct valid
/// state is then followed in temperature by Newton's method (natural continuation, step <see cref="SkTapStateOptions.TemperatureStep"/>
/// halved down to 1/8 of it, successive solutions required to overlap with cosine &gt; 0.95) until it vanishes, melts
/// into the paramagnet or leaves the range.
/// <para>At h = 0 the damped iteration of <see cref="SkTapSolutions.Scan"/> finds only the paramagnet and random starts of
/// Newton's method almost never land on a state; the Monte Carlo seeds do. On finite instances the valid states are rare:
/// the states that dominate below T_c are marginal (x_P -&gt; 0 and a vanishing Hessian eigenvalue as N grows), so at finite N
/// many lie just outside Plefka's region or have no exact solution near them; the search reports every category.</para>
/// Work is parallel over (instance, temperature) pairs and over instances for the branches; the result does not depend on
/// the degree of parallelism.
/// </summary>
public static class SkTapStates
{
    /// <summary>
    /// A continuation temperature T0 + k step counts as inside the followed range up to this beyond its end: the
    /// temperatures of the grid carry a rounding of a few ulps, which must not drop the range's last point.
    /// </summary>
    const double RangeSlack = 1e-12;

    /// <summary>Runs the search on every instance at every temperature, then follows each distinct valid state in T.</summary>
    /// <param name="instances">SK instances of one size (their own fields are ignored: h = 0).</param>
    /// <param name="temperatures">Temperatures of the search grid, T &gt; 0.</param>
    /// <param name="options">Starts, sweeps, branch step and range, seed.</param>
    /// <param name="parallelism">Work items computed at once.</param>
    /// <param name="progress">Receives the number of finished (instance, temperature) searches, then of finished instances' branches
    /// (instances x temperatures + instances in all).</param>
    public static SkTapStateResult Find(IReadOnlyList<SkInstance> instances, IReadOnlyList<double> temperatures, SkTapStateOptions? options = null,
        int parallelism = 1, IProgress<int>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(instances);
        ArgumentNullException.ThrowIfNull(temperatures);
        options ??= new SkTapStateOptions();
        if (instances.Count == 0) throw new ArgumentException("at least one instance", nameof(instances));
        int n = instances[0].Size;
        if (instances.Any(x => x.Size != n)) throw new ArgumentException("all instances must have the same size", nameof(instances));
        if (temperatures.Count == 0 || temperatures.Any(t => !(t > 0) || !double.IsFinite(t))) throw new ArgumentOutOfRangeException(nameof(temperatures), "temperatures must be positive and finite");
        if (options.Starts < 1) throw new ArgumentOutOfRangeException(nameof(options), options.Starts, "Starts must be at least 1");
        if (options.EquilibrationSweeps < 0) throw new ArgumentOutOfRangeException(nameof(options), options.EquilibrationSweeps, "EquilibrationSweeps must be >= 0");
        if (options.AverageSweeps < 1) throw new ArgumentOutOfRangeException(nameof(options), options.AverageSweeps, "AverageSweeps must be at least 1");
        if (!(options.TemperatureStep > 0 && options.TemperatureStep <= 0.1)) throw new ArgumentOutOfRangeException(nameof(options), options.TemperatureStep, "TemperatureStep must lie in (0, 0.1]");
        if (!(options.LowestTemperature > 0 && options.HighestTemperature > options.LowestTemperature && double.IsFinite(options.HighestTemperature)))
            throw new ArgumentOutOfRangeException(nameof(options), "need 0 < LowestTemperature < HighestTemperature < infinity");
        if (parallelism < 1) throw new ArgumentOutOfRangeException(nameof(parallelism), parallelism, "parallelism must be at least 1");

        int nt = temperatures.Count;
        var found = new Seeded[instances.Count, nt][];
        int done = 0;
        Parallel.For(0, instances.Count * nt, new ParallelOptions { MaxDegreeOfParallelism = parallelism }, (int k) =>
        {
            int inst = k / nt, ti = k % nt;
            found[inst, ti] = Search(instances[inst], temperatures[ti], options, ti);
            progress?.Report(Interlocked.Increment(ref done));
        });

        var searches = new SkTapSearch[nt];
        for (int ti = 0; ti < nt; ti++)
        {
            double t = temperatures[ti];
            var all = Enumerable.Range(0, instances.Count).SelectMany(i => found[i, ti]).ToArray();
            var best = Enumerable.Range(0, instances.Count)
                .Select(i => found[i, ti].Where(x => x.Kind == Outcome.Valid).OrderBy(x => x.Point!.FreeEnergyPerSpin).FirstOrDefault())
                .Where(x => x != null).Select(x => x!).ToArray();
            searches[ti] = new SkTapSearch { Temperature = t, Runs = all.Length, NotConverged = all.Count(x => x.Kind == Outcome.NotConverged), Trivial = all.Count(x => x.Kind == Outcome.Trivial), PlefkaViolated = all.Count(x => x.Kind == Outcome.PlefkaViolated), Saddles = all.Count(x => x.Kind == Outcome.Saddle), Valid = all.Count(x => x.Kind == Outcome.Valid), InstancesWithValid = best.Length, QeaMean = best.Length > 0 ? best.Average(x => x.Point!.Qea) : double.NaN, PlefkaMean = best.Length > 0 ? best.Average(x => x.Point!.Plefka) : double.NaN, SeedCosineMean = best.Length > 0 ? best.Average(x => x.SeedCosine) : double.NaN, ReplicaSymmetricQ = SkReplicaSymmetric.OrderParameter(t, instances[0].CouplingScale) };
        }

        var branches = new List<SkTapBranch>[instances.Count];
        Parallel.For(0, instances.Count, new ParallelOptions { MaxDegreeOfParallelism = parallelism }, (int inst) =>
        {
            var list = new List<SkTapBranch>();
            for (int ti = 0; ti < nt; ti++)
                foreach (var s in found[inst, ti].Where(x => x.Kind == Outcome.Valid))
                {
                    if (list.Any(b => Covers(instances[inst], b, s.Point!, options.TemperatureStep * instances[inst].CouplingScale))) continue;
                    list.Add(Follow(instances[inst], inst, s, options));
                }
            branches[inst] = list;
            progress?.Report(Interlocked.Increment(ref done));
        });
        return new SkTapStateResult(instances.Count, n, searches, branches.SelectMany(b => b).ToArray());
    }

    enum Outcome { NotConverged, Trivial, PlefkaViolated, Saddle, Valid }

    sealed record Seeded(Outcome Kind, SkTapStatePoint? Point, double SeedCosine);

    /// <summary>The seed of one start: a quenched configuration equilibrated by heat-bath Monte Carlo at T, then the improved averages
    /// m_i = mean over <see cref="SkTapStateOptions.AverageSweeps"/> sweeps of tanh(beta H_i(s)).</summary>
    internal static double[] MonteCarloSeed(SkInstance instance, double temperature, SkTapStateOptions options, Random rng)
    {
        int n = instance.Size;
        double beta = 1 / temperature;
        var start = SkTapSolutions.Quench(instance, rng).Select(x => (sbyte)x).ToArray();
        var model = new IsingModel(n, instance.Coupling.ToDenseRowMajor(), new double[n], beta);
        var run = MonteCarlo.Run(model, new MonteCarloOptions { BurnInSweeps = options.EquilibrationSweeps, Samples = options.AverageSweeps, Initial = start }, rng);
        var m = new double[n];
        var s = new double[n];
        var field = new double[n];
        for (int k = 0; k < run.Samples.SampleCount; k++)
        {
            var sample = run.Samples.Sample(k);
            for (int i = 0; i < n; i++) s[i] = sample[i];
            instance.Coupling.Multiply(s, field);
            for (int i = 0; i < n; i++) m[i] += Math.Tanh(beta * field[i]);
        }
        const double edge = 1 - 1e-9;
        for (int i = 0; i < n; i++) m[i] = Math.Clamp(m[i] / run.Samples.SampleCount, -edge, edge);
        return m;
    }

    static Seeded[] Search(SkInstance instance, double temperature, SkTapStateOptions options, int temperatureIndex)
    {
        double beta = 1 / temperature;
        var result = new Seeded[options.Starts];
        for (int b = 0; b < options.Starts; b++)
        {
            var rng = new SplitMixSource(Seeds.Derive(Seeds.Derive(options.Seed, instance.Seed, temperatureIndex), instance.Size, b));
            var seed = MonteCarloSeed(instance, temperature, options, rng);
            var r = TapNewton.Solve(instance.Coupling, beta, seed, new TapNewtonOptions { MaxIterations = 30 }); // converging solves took <= 11 steps (320 seeded solves, N = 100, 200, budget 200)
            if (!r.Converged) { result[b] = new Seeded(Outcome.NotConverged, null, double.NaN); continue; }
            var p = Characterise(instance, temperature, r.Magnetizations);
            var kind = p.Qea <= SkTapSolutions.NonTrivialThreshold ? Outcome.Trivial
                : p.Plefka < 0 ? Outcome.PlefkaViolated
                : p.HessianMin > 0 ? Outcome.Valid : Outcome.Saddle;
            result[b] = new Seeded(kind, p, SkTapSolutions.Cosine(seed, r.Magnetizations));
        }
        return result;
    }

    static SkTapStatePoint Characterise(SkInstance instance, double temperature, double[] m)
    {
        double beta = 1 / temperature;
        var j = instance.Coupling;
        return new SkTapStatePoint(temperature, SkTapSolutions.EdwardsAnderson(m), SkTapSolutions.Plefka(m, beta, instance.CouplingScale),
            TapNewton.SmallestHessianEigenvalue(j, beta, m), TapFreeEnergy.Evaluate(j, beta, m) / instance.Size, m);
    }

    /// <summary>The state is on the branch: the branch point nearest in T (within one step), continued to the state's temperature
    /// when it is not exactly there, is the same solution up to m -&gt; -m.</summary>
    static bool Covers(SkInstance instance, SkTapBranch branch, SkTapStatePoint p, double step)
    {
        var q = branch.Points.MinBy(x => Math.Abs(x.Temperature - p.Temperature))!;
        double gap = Math.Abs(q.Temperature - p.Temperature);
        if (gap > step) return false;
        var m = Precision.AlmostEqualRelative(q.Temperature, p.Temperature) ? q.Magnetizations : Advance(instance, q.Magnetizations, q.Temperature, p.Temperature);
        return m != null && SkTapSolutions.SameUpToSign(m, p.Magnetizations);
    }

    static SkTapBranch Follow(SkInstance instance, int index, Seeded start, SkTapStateOptions options)
    {
        var p0 = start.Point!;
        double scale = instance.CouplingScale;
        var (up, upEnd, upLast) = Walk(instance, p0, +1, options.TemperatureStep * scale, options.HighestTemperature * scale);
        var (down, downEnd, downLast) = Walk(instance, p0, -1, options.TemperatureStep * scale, options.LowestTemperature * scale);
        down.Reverse();
        down.Add(p0);
        down.AddRange(up);
        return new SkTapBranch(index, p0.Temperature, start.SeedCosine, down, downEnd, upEnd, downLast, upLast);
    }

    /// <summary>Natural continuation in T: points at T0 + k step (the grid of the branch, so that states found at the search
    /// temperatures coincide with branch points), each from the previous solution; a failed step is retried in up to three halvings
    /// through intermediate temperatures that are not recorded. Where the state vanishes, its end is located by bisection.</summary>
    static (List<SkTapStatePoint> Points, SkTapBranchEnd End, SkTapStatePoint Last) Walk(SkInstance instance, SkTapStatePoint start, int direction, double step, double limit)
    {
        var points = new List<SkTapStatePoint>();
        var m = start.Magnetizations;
        double t = start.Temperature;
        for (int k = 1; ; k++)
        {
            double target = start.Temperature + direction * k * step;
            var last = points.Count > 0 ? points[^1] : start;
            if (direction * (target - limit) > RangeSlack) return (points, SkTapBranchEnd.Range, last);
            var next = Advance(instance, m, t, target);
            if (next == null) return (points, SkTapBranchEnd.Vanished, LocateEnd(instance, last, target));
            if (SkTapSolutions.EdwardsAnderson(next) <= SkTapSolutions.NonTrivialThreshold) return (points, SkTapBranchEnd.Paramagnet, last);
            m = next;
            t = target;
            points.Add(Characterise(instance, t, m));
        }
    }

    /// <summary>Bisection between the last solution and the temperature where continuation failed (12 halvings): the last
    /// temperature where the state was still found, each trial continued from the nearest solution so far.</summary>
    static SkTapStatePoint LocateEnd(SkInstance instance, SkTapStatePoint last, double failed)
    {
        double ok = last.Temperature, bad = failed;
        var m = last.Magnetizations;
        for (int i = 0; i < 12; i++)
        {
            double mid = 0.5 * (ok + bad);
            var next = Advance(instance, m, ok, mid);
            if (next != null && SkTapSolutions.EdwardsAnderson(next) > SkTapSolutions.NonTrivialThreshold) { ok = mid; m = next; }
            else bad = mid;
        }
        return ok == last.Temperature ? last : Characterise(instance, ok, m);
    }

    /// <summary>The solution at <paramref name="target"/> continued from m at T = <paramref name="from"/>, or null.</summary>
    static double[]? Advance(SkInstance instance, double[] m, double from, double target)
    {
        var opts = new TapNewtonOptions { MaxIterations = 50 };
        for (int pieces = 1; pieces <= 8; pieces *= 2)
        {
            var current = m;
            bool ok = true;
            for (int p = 1; p <= pieces && ok; p++)
            {
                double t = from + (target - from) * p / pieces;
                var r = TapNewton.Solve(instance.Coupling, 1 / t, current, opts);
                ok = r.Converged && (SkTapSolutions.EdwardsAnderson(r.Magnetizations) <= SkTapSolutions.NonTrivialThreshold || SkTapSolutions.Cosine(current, r.Magnetizations) > 0.95);
                current = r.Magnetizations;
            }
            if (ok) return current;
        }
        return null;
    }
}
