namespace NeuralSpin.Ising.Inverse;

/// <summary>How <see cref="ModelMoments"/> computed a model's moments.</summary>
public enum MomentMethod
{
    /// <summary>Exact enumeration of the 2^N states (<see cref="ExactEnumeration"/>).</summary>
    Exact,

    /// <summary>Belief propagation (<see cref="BeliefPropagation"/>; exact on trees, the Bethe approximation on loopy graphs).</summary>
    BeliefPropagation,
}

/// <summary>A model's magnetizations and raw pair correlations (row-major N x N, unit diagonal).</summary>
/// <param name="Magnetizations">m_i = &lt;s_i&gt;.</param>
/// <param name="Correlations">&lt;s_i s_j&gt;, row-major, 1 on the diagonal.</param>
/// <param name="Method">How they were computed.</param>
/// <param name="Converged">False when BP stopped at its sweep budget (the values are then those of the last iterate).</param>
public sealed record ModelMomentEstimate(double[] Magnetizations, double[] Correlations, MomentMethod Method, bool Converged);

/// <summary>
/// The moments of a pairwise Ising model that the inverse methods compare with the data (docs/theory.md section 7):
/// exactly by enumeration up to <see cref="ExactMaxSpins"/> spins, else by belief propagation, whose settings here are
/// those of Boltzmann learning with BP moments (P2's method): damping <see cref="BpDamping"/>, tolerance
/// <see cref="BpTolerance"/>, at most <see cref="BpMaxIterations"/> sweeps. BP gives the correlations of coupled pairs
/// (from the pair marginals); an uncoupled pair gets m_i m_j, the Bethe approximation's value for pairs it does not link.
/// </summary>
public static class ModelMoments
{
    /// <summary>Largest N computed exactly by <see cref="Estimate"/> (2^20 states, well under a second).</summary>
    public const int ExactMaxSpins = 20;

    /// <summary>BP damping of the moment estimate.</summary>
    public const double BpDamping = 0.5;

    /// <summary>BP convergence tolerance (largest change of a cavity field in a sweep).</summary>
    public const double BpTolerance = 1e-10;

    /// <summary>BP sweep budget.</summary>
    public const int BpMaxIterations = 5000;

    /// <summary>The BP settings of the moment estimate.</summary>
    public static BpOptions BpSettings => new() { Damping = BpDamping, Tolerance = BpTolerance, MaxIterations = BpMaxIterations };

    /// <summary>The method <see cref="Estimate"/> uses for <paramref name="spins"/> spins.</summary>
    public static MomentMethod MethodFor(int spins, bool exactIfSmall = true) =>
        exactIfSmall && spins <= ExactMaxSpins ? MomentMethod.Exact : MomentMethod.BeliefPropagation;

    /// <summary>Exact moments for N &lt;= <see cref="ExactMaxSpins"/> (unless <paramref name="exactIfSmall"/> is false), else BP moments.</summary>
    public static ModelMomentEstimate Estimate(IsingModel model, bool exactIfSmall = true)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (MethodFor(model.Size, exactIfSmall) == MomentMethod.Exact)
        {
            var e = ExactEnumeration.Compute(model);
            return new ModelMomentEstimate(e.Magnetizations, e.Correlations, MomentMethod.Exact, true);
        }
        return Bp(model);
    }

    /// <summary>BP moments: m, raw correlations of coupled pairs from the pair marginals, m_i m_j for uncoupled pairs, 1 on the diagonal.</summary>
    public static ModelMomentEstimate Bp(IsingModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        int n = model.Size;
        var bp = BeliefPropagation.Run(model, BpSettings);
        var (m, c) = FromBp(bp);
        return new ModelMomentEstimate(m, c, MomentMethod.BeliefPropagation, bp.Converged);
    }

    /// <summary>The moments of one BP run (<see cref="Bp"/>'s form: m, raw pair correlations of coupled pairs, m_i m_j otherwise, 1 on the diagonal; C row-major N x N).</summary>
    public static (double[] M, double[] C) FromBp(BpResult bp)
    {
        ArgumentNullException.ThrowIfNull(bp);
        var m = bp.Magnetizations;
        int n = m.Length;
        var c = new double[(long)n * n];
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++) c[(long)i * n + j] = i == j ? 1 : m[i] * m[j];
        foreach (var pr in bp.Pairs) { c[(long)pr.I * n + pr.J] = pr.Correlation; c[(long)pr.J * n + pr.I] = pr.Correlation; }
        return (m, c);
    }

    /// <summary><see cref="Bp"/> in the form <see cref="BoltzmannLearning.Fit"/> takes.</summary>
    public static (double[] M, double[] C) BpPair(IsingModel model)
    {
        var r = Bp(model);
        return (r.Magnetizations, r.Correlations);
    }
}
