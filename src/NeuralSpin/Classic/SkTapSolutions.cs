using NeuralSpin.Ising;
using NeuralSpin.Numerics;
using NeuralSpin.Tap;

namespace NeuralSpin.Classic;

/// <summary>TAP solutions of one SK instance at one temperature.</summary>

public sealed record SkTapTemperature
{
    /// <summary>T.</summary>
    public required double Temperature { get; init; }

    /// <summary>Random starts tried.</summary>
    public required int Starts { get; init; }

    /// <summary>Starts whose iteration converged.</summary>
    public required int Converged { get; init; }

    /// <summary>Starts that did not converge within the budget (reported, never counted as solutions).</summary>
    public required int NotConverged { get; init; }

    /// <summary>Distinct converged solutions (m and -m count separately).</summary>
    public required int Distinct { get; init; }

    /// <summary>Distinct solutions with q_EA above <see cref="SkTapSolutions.NonTrivialThreshold"/>.</summary>
    public required int NonTrivial { get; init; }

    /// <summary>q_EA = mean_i m_i^2 of the non-trivial solution of lowest TAP free energy (0 when there is none).</summary>
    public required double QeaLowest { get; init; }

    /// <summary>Mean q_EA over the distinct non-trivial solutions (0 when there is none).</summary>
    public required double QeaMean { get; init; }

    /// <summary>Largest q_EA among them (0 when there is none).</summary>
    public required double QeaMax { get; init; }

    /// <summary>The lowest TAP free energy per spin among all solutions (NaN when none converged).</summary>
    public required double LowestFreeEnergyPerSpin { get; init; }

    /// <summary>Plefka's condition x_P = 1 - beta^2 (1/N) sum_i (1 - m_i^2)^2 at the solution of lowest TAP free energy (NaN when none converged): the TAP expansion is valid only where x_P &gt;= 0; at the paramagnet x_P = 1 - beta^2, negative for every T &lt; J.</summary>
    public required double PlefkaLowest { get; init; }

    /// <summary>The RS order parameter q(T) of <see cref="SkReplicaSymmetric"/> for comparison.</summary>
    public required double ReplicaSymmetricQ { get; init; }
}

/// <summary>
/// TAP solutions of an SK instance below and above T_c = J (docs/theory.md sections 3 and 8): at each temperature the
/// damped TAP iteration with the correct Onsager term (<see cref="TapFixedPoints"/> over <see cref="Tap.TapSolver"/>)
/// is run from many random starts; the converged end points are grouped into distinct solutions and each is
/// summarised by its Edwards-Anderson parameter q_EA = (1/N) sum_i m_i^2. Above T_c only the paramagnet m = 0 should
/// survive; below T_c non-trivial solutions with q_EA &gt; 0 appear, to be compared with the replica-symmetric
/// q(T) (<see cref="SkReplicaSymmetric.OrderParameter"/>), which is exact only to leading order in 1 - T/J.
/// Temperatures are independent (computed in parallel); every one uses the same seeded starts, so the result does not
/// depend on the degree of parallelism.
/// </summary>
public static class SkTapSolutions
{
    /// <summary>A solution with q_EA at or below this (the paramagnet up to the iteration tolerance) is trivial.</summary>
    public const double NonTrivialThreshold = 1e-8;

    /// <summary>
    /// A continuation branch counts as having reached a TAP solution at h = 0 when the residual max_i |m_i - tanh(...)| of P1 20
    /// there (<see cref="TapSolver.MapResiduals"/>, exact to rounding also for saturated spins) is below this: two orders above
    /// the Newton polish's 1e-12, far below any residual of a point that is not a solution.
    /// </summary>
    public const double ZeroFieldResidual = 1e-10;

    /// <summary>
    /// Two solutions are the same up to m -&gt; -m when |cos(m, m')| &gt; 1 - 1e-6: distinct TAP solutions of one instance
    /// differ in a finite fraction of the spins, so their cosine stays well below this.
    /// </summary>
    public const double SameStateCosine = 1 - 1e-6;

    /// <summary>q_EA = (1/N) sum_i m_i^2.</summary>
    public static double EdwardsAnderson(IReadOnlyList<double> m)
    {
        double s = 0;
        foreach (var v in m) s += v * v;
        return m.Count == 0 ? 0 : s / m.Count;
    }

    /// <summary>Plefka's condition x_P = 1 - beta^2 (1/N) sum_i (1 - m_i^2)^2 (J = 1 units: the sum carries J^2 for other scales).</summary>
    public static double Plefka(IReadOnlyList<double> m, double beta, double couplingScale = 1)
    {
        double s = 0;
        foreach (var v in m) { double u = 1 - v * v; s += u * u; }
        return 1 - beta * beta * couplingScale * couplingScale * s / Math.Max(m.Count, 1);
    }

    /// <summary>A zero-temperature quenched state: greedy single-spin-flip descent of H = -1/2 s^T J s - h^T s (sequential sweeps,
    /// flip while s_i (h_i + (J s)_i) &lt; 0) from a uniformly random configuration drawn from <paramref name="rng"/>.</summary>
    public static double[] Quench(SkInstance instance, Random rng)
    {
        ArgumentNullException.ThrowIfNull(instance);
        ArgumentNullException.ThrowIfNull(rng);
        int n = instance.Size;
        var j = instance.Coupling;
        var h = instance.FieldsCopy();
        var s = new double[n];
        for (int i = 0; i < n; i++) s[i] = rng.Next(2) == 0 ? -1 : 1;
        var local = new double[n];
        j.Multiply(s, local);
        bool changed = true;
        while (changed)
        {
            changed = false;
            for (int i = 0; i < n; i++)
            {
                if (s[i] * (h[i] + local[i]) >= 0) continue;
                s[i] = -s[i];
                for (int k = 0; k < n; k++) local[k] += 2 * j[k, i] * s[i];
                changed = true;
            }
        }
        return s;
    }

    /// <summary>
    /// Seeks TAP solutions at h = 0 by field continuation at each temperature: <paramref name="branches"/> quenched states xi_b
    /// (<see cref="Quench"/>, seeded by <see cref="Seeds.Derive"/>(seed, N, b), the same at every temperature) give the
    /// field directions; <see cref="TapNewton.ContinueInField"/> follows each solution from h0 = <paramref name="startField"/> to h0 = 0
    /// through turning points. Every h = 0 end point is checked (P1 20 residual in the tanh form &lt; 1e-10), non-trivial ones are grouped up to
    /// m -&gt; -m and characterised by q_EA, Plefka's x_P and the smallest Hessian eigenvalue; where the branch followed from the
    /// strong field folds, the fold field h* and q_EA, x_P there are recorded. Temperatures run in parallel; results do not
    /// depend on the degree of parallelism. The instance's own fields are ignored (h = h0 xi only).
    /// </summary>
    /// <param name="instance">The instance.</param>
    /// <param name="temperatures">Temperatures T &gt; 0.</param>
    /// <param name="branches">Branches per temperature, at least 1.</param>
    /// <param name="seed">Seed of the quenched states.</param>
    /// <param name="startField">h0 at the start of every branch in units of J, &gt; 0 (default 2, i.e. 2 J: one solution there).</param>
    /// <param name="parallelism">Temperatures computed at once.</param>
    /// <param name="progress">Receives the number of finished temperatures.</param>
    public static IReadOnlyList<SkTapContinuation> ContinueFromQuenchedStates(SkInstance instance, IReadOnlyList<double> temperatures, int branches, long seed,
        double startField = 2, int parallelism = 1, IProgress<int>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(instance);
        ArgumentNullException.ThrowIfNull(temperatures);
        if (temperatures.Any(t => !(t > 0) || !double.IsFinite(t))) throw new ArgumentOutOfRangeException(nameof(temperatures), "temperatures must be positive and finite");
        if (branches < 1) throw new ArgumentOutOfRangeException(nameof(branches), branches, "at least one branch");
        if (parallelism < 1) throw new ArgumentOutOfRangeException(nameof(parallelism), parallelism, "parallelism must be at least 1");
        int n = instance.Size;
        var states = Enumerable.Range(0, branches).Select(b => Quench(instance, new SplitMixSource(Seeds.Derive(seed, n, b)))).ToArray();
        var j = instance.Coupling;
        var result = new SkTapContinuation[temperatures.Count];
        int done = 0;
        // Stryker disable once Initializer : the degree of parallelism changes only the speed; each result is stored at its temperature's index
        Parallel.For(0, temperatures.Count, new ParallelOptions { MaxDegreeOfParallelism = parallelism }, (int ti) =>
        {
            double t = temperatures[ti], beta = 1 / t;
            int reached = 0;
            var nonTrivial = new List<double[]>();
            var folds = new List<TapBranchPoint>();
            foreach (var xi in states)
            {
                var c = TapNewton.ContinueInField(j, beta, xi, startField * instance.CouplingScale);
                if (c.FirstFold is { } fold) folds.Add(fold);
                var z = c.AtZeroField;
                if (z is null || !z.Converged) continue;
                if (TapSolver.MapResiduals(j, beta, default, z.Magnetizations).Max(Math.Abs) >= ZeroFieldResidual) continue;
                reached++;
                if (EdwardsAnderson(z.Magnetizations) <= NonTrivialThreshold) continue;
                if (!nonTrivial.Any(o => SameUpToSign(o, z.Magnetizations))) nonTrivial.Add(z.Magnetizations);
            }
            var best = nonTrivial.OrderBy(m => TapFreeEnergy.Evaluate(j, beta, m)).FirstOrDefault();
            result[ti] = new SkTapContinuation { Temperature = t, Branches = branches, ReachedZeroField = reached, NonTrivial = nonTrivial.Count, QeaNonTrivial = best != null ? EdwardsAnderson(best) : double.NaN, PlefkaNonTrivial = best != null ? Plefka(best, beta, instance.CouplingScale) : double.NaN, HessianMinNonTrivial = best != null ? TapNewton.SmallestHessianEigenvalue(j, beta, best) : double.NaN, Folded = folds.Count, FoldFieldMean = folds.Count > 0 ? folds.Average(f => f.Field) : double.NaN, FoldQeaMean = folds.Count > 0 ? folds.Average(f => EdwardsAnderson(f.Magnetizations)) : double.NaN, FoldPlefkaMean = folds.Count > 0 ? folds.Average(f => Plefka(f.Magnetizations, beta, instance.CouplingScale)) : double.NaN, ReplicaSymmetricQ = SkReplicaSymmetric.OrderParameter(t, instance.CouplingScale) };
            progress?.Report(Interlocked.Increment(ref done));
        });
        return result;
    }

    /// <summary>m and m' are the same solution up to the symmetry m -&gt; -m: |cos(m, m')| &gt; <see cref="SameStateCosine"/>.</summary>
    internal static bool SameUpToSign(double[] a, double[] b) => Math.Abs(Cosine(a, b)) > SameStateCosine;

    /// <summary>The cosine m.m' / (|m| |m'|) between two magnetization vectors of equal length (0 when either is zero).</summary>
    public static double Cosine(IReadOnlyList<double> a, IReadOnlyList<double> b)
    {
        if (a.Count != b.Count) throw new ArgumentException($"lengths differ: {a.Count} and {b.Count}", nameof(b));
        double ab = 0, aa = 0, bb = 0;
        for (int i = 0; i < a.Count; i++) { ab += a[i] * b[i]; aa += a[i] * a[i]; bb += b[i] * b[i]; }
        return aa == 0 || bb == 0 ? 0 : ab / Math.Sqrt(aa * bb);
    }

    /// <summary>Finds and summarises the TAP solutions at each temperature.</summary>
    /// <param name="instance">The instance (its fields enter the TAP equations; the RS comparison assumes h = 0).</param>
    /// <param name="temperatures">Temperatures T &gt; 0.</param>
    /// <param name="options">Starts, seed, damping, tolerance and budget of <see cref="TapFixedPoints.Find"/>.</param>
    /// <param name="parallelism">Temperatures computed at once.</param>
    /// <param name="progress">Receives the number of finished temperatures.</param>
    public static IReadOnlyList<SkTapTemperature> Scan(SkInstance instance, IReadOnlyList<double> temperatures, TapFixedPointOptions? options = null,
        int parallelism = 1, IProgress<int>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(instance);
        ArgumentNullException.ThrowIfNull(temperatures);
        if (temperatures.Any(t => !(t > 0) || !double.IsFinite(t))) throw new ArgumentOutOfRangeException(nameof(temperatures), "temperatures must be positive and finite");
        if (parallelism < 1) throw new ArgumentOutOfRangeException(nameof(parallelism), parallelism, "parallelism must be at least 1");
        options ??= new TapFixedPointOptions();
        var result = new SkTapTemperature[temperatures.Count];
        int done = 0;
        // Stryker disable once Initializer : the degree of parallelism changes only the speed; each result is stored at its temperature's index
        Parallel.For(0, temperatures.Count, new ParallelOptions { MaxDegreeOfParallelism = parallelism }, (int i) =>
        {
            double t = temperatures[i];
            var found = TapFixedPoints.Find(instance.ToIsingModel(1 / t), options);
            var nonTrivial = found.FixedPoints.Where(p => EdwardsAnderson(p.Magnetizations) > NonTrivialThreshold).ToList(); // sorted by F
            var qs = nonTrivial.Select(p => EdwardsAnderson(p.Magnetizations)).ToList();
            result[i] = new SkTapTemperature { Temperature = t, Starts = options.Starts, Converged = found.Converged, NotConverged = found.NotConverged, Distinct = found.FixedPoints.Count, NonTrivial = nonTrivial.Count, QeaLowest = qs.Count > 0 ? qs[0] : 0, QeaMean = qs.Count > 0 ? qs.Average() : 0, QeaMax = qs.Count > 0 ? qs.Max() : 0, LowestFreeEnergyPerSpin = found.FixedPoints.Count > 0 ? found.FixedPoints[0].FreeEnergyPerSpin : double.NaN, PlefkaLowest = found.FixedPoints.Count > 0 ? Plefka(found.FixedPoints[0].Magnetizations, 1 / t, instance.CouplingScale) : double.NaN, ReplicaSymmetricQ = SkReplicaSymmetric.OrderParameter(t, instance.CouplingScale) };
            progress?.Report(Interlocked.Increment(ref done));
        });
        return result;
    }
}

/// <summary>
/// TAP solutions of one SK instance at one temperature sought by field continuation (<see cref="Tap.TapNewton.ContinueInField"/>):
/// each branch starts in a strong field h = h0 xi along a zero-temperature quenched state xi and is followed to h0 = 0.
/// </summary>

public sealed record SkTapContinuation
{
    /// <summary>T.</summary>
    public required double Temperature { get; init; }

    /// <summary>Branches followed (one per quenched state).</summary>
    public required int Branches { get; init; }

    /// <summary>Branches that reached h0 = 0 with a TAP solution of residual max_i |m_i - tanh(...)| &lt; <see cref="SkTapSolutions.ZeroFieldResidual"/>.</summary>
    public required int ReachedZeroField { get; init; }

    /// <summary>Distinct h = 0 solutions with q_EA &gt; <see cref="SkTapSolutions.NonTrivialThreshold"/> among them (m and -m identified: overlap |m.m'| / (|m| |m'|) &gt; <see cref="SkTapSolutions.SameStateCosine"/>).</summary>
    public required int NonTrivial { get; init; }

    /// <summary>q_EA of the non-trivial h = 0 solution of lowest TAP free energy (NaN when there is none).</summary>
    public required double QeaNonTrivial { get; init; }

    /// <summary>Plefka's x_P of that solution (NaN when there is none).</summary>
    public required double PlefkaNonTrivial { get; init; }

    /// <summary>Smallest eigenvalue of the TAP free-energy Hessian there (NaN when there is none): &gt; 0 a minimum, &lt; 0 a saddle.</summary>
    public required double HessianMinNonTrivial { get; init; }

    /// <summary>Branches with a turning point: the solution continued from the strong field ceases to exist below a field h* &gt; 0.</summary>
    public required int Folded { get; init; }

    /// <summary>Mean h* over the folded branches (NaN when none folded).</summary>
    public required double FoldFieldMean { get; init; }

    /// <summary>Mean q_EA of the solution at the fold (NaN when none folded).</summary>
    public required double FoldQeaMean { get; init; }

    /// <summary>Mean Plefka x_P at the fold (NaN when none folded).</summary>
    public required double FoldPlefkaMean { get; init; }

    /// <summary>The RS q(T) for comparison.</summary>
    public required double ReplicaSymmetricQ { get; init; }
}
