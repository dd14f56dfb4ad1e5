using NeuralSpin.Ising;

namespace NeuralSpin.Classic;

/// <summary>TAP solutions of one SK instance at one temperature.</summary>
/// <param name="Temperature">T.</param>
/// <param name="Starts">Random starts tried.</param>
/// <param name="Converged">Starts whose iteration converged.</param>
/// <param name="NotConverged">Starts that did not converge within the budget (reported, never counted as solutions).</param>
/// <param name="Distinct">Distinct converged solutions (m and -m count separately).</param>
/// <param name="NonTrivial">Distinct solutions with q_EA above <see cref="SkTapSolutions.NonTrivialThreshold"/>.</param>
/// <param name="QeaLowest">q_EA = mean_i m_i^2 of the non-trivial solution of lowest TAP free energy (0 when there is none).</param>
/// <param name="QeaMean">Mean q_EA over the distinct non-trivial solutions (0 when there is none).</param>
/// <param name="QeaMax">Largest q_EA among them (0 when there is none).</param>
/// <param name="LowestFreeEnergyPerSpin">The lowest TAP free energy per spin among all solutions (NaN when none converged).</param>
/// <param name="PlefkaLowest">Plefka's condition x_P = 1 - beta^2 (1/N) sum_i (1 - m_i^2)^2 at the solution of lowest TAP
/// free energy (NaN when none converged): the TAP expansion is valid only where x_P &gt;= 0; at the paramagnet x_P = 1 - beta^2,
/// negative for every T &lt; J.</param>
/// <param name="ReplicaSymmetricQ">The RS order parameter q(T) of <see cref="SkReplicaSymmetric"/> for comparison.</param>
public sealed record SkTapTemperature(double Temperature, int Starts, int Converged, int NotConverged, int Distinct, int NonTrivial,
    double QeaLowest, double QeaMean, double QeaMax, double LowestFreeEnergyPerSpin, double PlefkaLowest, double ReplicaSymmetricQ);

/// <summary>
/// TAP solutions of an SK instance below and above T_c = J (NOTATION.md sections 3 and 8): at each temperature the
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
        Parallel.For(0, temperatures.Count, new ParallelOptions { MaxDegreeOfParallelism = parallelism }, i =>
        {
            double t = temperatures[i];
            var found = TapFixedPoints.Find(instance.ToIsingModel(1 / t), options);
            var nonTrivial = found.FixedPoints.Where(p => EdwardsAnderson(p.M) > NonTrivialThreshold).ToList(); // sorted by F
            var qs = nonTrivial.Select(p => EdwardsAnderson(p.M)).ToList();
            result[i] = new SkTapTemperature(t, options.Starts, found.Converged, found.NotConverged, found.FixedPoints.Count, nonTrivial.Count,
                qs.Count > 0 ? qs[0] : 0, qs.Count > 0 ? qs.Average() : 0, qs.Count > 0 ? qs.Max() : 0,
                found.FixedPoints.Count > 0 ? found.FixedPoints[0].FreeEnergyPerSpin : double.NaN,
                found.FixedPoints.Count > 0 ? Plefka(found.FixedPoints[0].M, 1 / t, instance.CouplingScale) : double.NaN,
                SkReplicaSymmetric.OrderParameter(t, instance.CouplingScale));
            progress?.Report(Interlocked.Increment(ref done));
        });
        return result;
    }
}
