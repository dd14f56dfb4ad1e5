using NeuralSpin.Numerics;
using NeuralSpin.SpinModel;
using NeuralSpin.Tap;

namespace NeuralSpin.Ising;

/// <summary>Settings of <see cref="TapFixedPoints.Find"/>.</summary>
public sealed record TapFixedPointOptions
{
    /// <summary>Number of random starts m0 ~ U(-1, 1)^N. Default 200; must be &gt;= 1.</summary>
    public int Starts { get; init; } = 200;

    /// <summary>Seed of the starts.</summary>
    public int Seed { get; init; }

    /// <summary>Damping gamma of the TAP iteration (<see cref="TapSolverOptions.Damping"/>). Default 0.5. Not used by
    /// <see cref="Sequential"/> updates.</summary>
    public double Damping { get; init; } = 0.5;

    /// <summary>Use the sequential solver <see cref="TapSolver.SolveSequential"/> (exact coordinate descent on the TAP
    /// free energy; <see cref="MaxIterations"/> then counts sweeps) instead of the damped parallel iteration. Default false.</summary>
    public bool Sequential { get; init; }

    /// <summary>Convergence tolerance on max|m(t+1) - m(t)|. Default 1e-10.</summary>
    public double Tolerance { get; init; } = 1e-10;

    /// <summary>Iteration budget per start. Default 5000.</summary>
    public int MaxIterations { get; init; } = 5000;

    /// <summary>Two converged solutions are the same fixed point when max_i |m_i - m'_i| &lt; this. Default 1e-6.</summary>
    public double DistinctTolerance { get; init; } = 1e-6;
}

/// <summary>One distinct TAP fixed point.</summary>
/// <param name="Magnetizations">The magnetizations m_i (of the first start that reached it).</param>
/// <param name="FreeEnergy">The TAP free energy F(m) of docs/theory.md section 3, field term -sum h_i m_i included, at the model's beta.</param>
/// <param name="Count">How many starts converged to it.</param>
public sealed record TapFixedPoint(double[] Magnetizations, double FreeEnergy, int Count)
{
    /// <summary>F / N.</summary>
    public double FreeEnergyPerSpin => FreeEnergy / Magnetizations.Length;
}

/// <summary>The outcome of <see cref="TapFixedPoints.Find"/>.</summary>
/// <param name="FixedPoints">Distinct fixed points, sorted by free energy (lowest first).</param>
/// <param name="Converged">Starts whose iteration converged.</param>
/// <param name="NotConverged">Starts whose iteration did not converge within the budget (not counted in any fixed point).</param>
public sealed record TapFixedPointsResult(IReadOnlyList<TapFixedPoint> FixedPoints, int Converged, int NotConverged)
{
    /// <summary>F / N once per converged start (each fixed point's value repeated <see cref="TapFixedPoint.Count"/> times, in the
    /// order of <see cref="FixedPoints"/>): the sample behind the histogram of TAP free energies (docs/theory.md section 7).</summary>
    public IReadOnlyList<double> StartFreeEnergiesPerSpin => FixedPoints.SelectMany(f => Enumerable.Repeat(f.FreeEnergyPerSpin, f.Count)).ToList();
}

/// <summary>
/// Enumerates TAP solutions of an <see cref="IsingModel"/> by running the damped TAP iteration
/// (<see cref="TapSolver"/>, or its sequential variant with <see cref="TapFixedPointOptions.Sequential"/>; correct Onsager term beta^2 m_i sum_j J_ij^2 (1 - m_j^2), fields h) on a
/// <see cref="DenseCoupling"/> of the model's J from many seeded random starts m0 ~ U(-1, 1), and groups the
/// converged end points into distinct fixed points (max-norm distance below
/// <see cref="TapFixedPointOptions.DistinctTolerance"/>). Each carries its TAP free energy, for a histogram.
/// </summary>
public static class TapFixedPoints
{
    /// <summary>Runs all starts; <paramref name="progress"/> (optional) receives the number of finished starts.</summary>
    public static TapFixedPointsResult Find(IsingModel model, TapFixedPointOptions? options = null, IProgress<int>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        options ??= new TapFixedPointOptions();
        if (options.Starts < 1) throw new ArgumentOutOfRangeException(nameof(options), options.Starts, "at least one start is needed");
        if (!(options.DistinctTolerance > 0)) throw new ArgumentOutOfRangeException(nameof(options), options.DistinctTolerance, "DistinctTolerance must be > 0");
        if (!(model.Beta > 0)) throw new ArgumentException("the TAP free energy needs beta > 0", nameof(model));
        int n = model.Size;
        var j = new DenseCoupling(n, model.CouplingsCopy());
        var h = model.FieldsCopy();
        var rng = new SplitMixSource(options.Seed);
        var points = new List<(double[] M, double F, int Count)>();
        int converged = 0, notConverged = 0;
        for (int k = 0; k < options.Starts; k++)
        {
            var m0 = new double[n];
            for (int i = 0; i < n; i++) m0[i] = 2 * rng.NextDouble() - 1;
            var solverOptions = new TapSolverOptions
            {
                InitialMagnetizations = m0, Fields = h, Damping = options.Sequential ? 0 : options.Damping,
                Tolerance = options.Tolerance, MaxIterations = options.MaxIterations,
            };
            var r = options.Sequential ? TapSolver.SolveSequential(j, model.Beta, solverOptions) : TapSolver.Solve(j, model.Beta, solverOptions);
            progress?.Report(k + 1);
            if (!r.Converged) { notConverged++; continue; }
            converged++;
            int found = -1;
            for (int p = 0; p < points.Count && found < 0; p++)
                if (MaxDistance(points[p].M, r.Magnetizations) < options.DistinctTolerance) found = p;
            if (found >= 0) points[found] = (points[found].M, points[found].F, points[found].Count + 1);
            else points.Add((r.Magnetizations, TapFreeEnergy.Evaluate(j, model.Beta, r.Magnetizations, h), 1));
        }
        var list = points.OrderBy(p => p.F).Select(p => new TapFixedPoint(p.M, p.F, p.Count)).ToList();
        return new TapFixedPointsResult(list, converged, notConverged);
    }

    static double MaxDistance(double[] a, double[] b)
    {
        double d = 0;
        for (int i = 0; i < a.Length; i++) d = Math.Max(d, Math.Abs(a[i] - b[i]));
        return d;
    }
}
