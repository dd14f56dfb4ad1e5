namespace NeuralSpin.Ising.Inverse;

/// <summary>The inverse methods of <see cref="InverseIsing.Fit"/> (docs/theory.md section 7).</summary>
public enum InverseMethod
{
    /// <summary>Boltzmann learning with BP moments, started from the TAP inversion (P2's method).</summary>
    BoltzmannBp,

    /// <summary>Pseudolikelihood maximisation, symmetrised.</summary>
    PseudoLikelihood,

    /// <summary>Naive mean-field inversion J = -C^-1 (off-diagonal).</summary>
    MeanField,

    /// <summary>TAP inversion.</summary>
    Tap,
}

/// <summary>Settings of <see cref="InverseIsing.Fit"/>; the defaults are those of <c>neuralspin ising fit</c>.</summary>
public sealed record InverseFitOptions
{
    /// <summary>The method.</summary>
    public InverseMethod Method { get; init; } = InverseMethod.BoltzmannBp;

    /// <summary>L1 penalty on the couplings (pseudolikelihood, Boltzmann learning).</summary>
    public double L1 { get; init; }

    /// <summary>L2 penalty on the couplings (pseudolikelihood, Boltzmann learning); the ridge of the mean-field and TAP inversions.</summary>
    public double L2 { get; init; }

    /// <summary>Learning rate of Boltzmann learning.</summary>
    public double Eta { get; init; } = 0.1;

    /// <summary>Step budget of Boltzmann learning.</summary>
    public int MaxSteps { get; init; } = 2000;

    /// <summary>Boltzmann learning stops when the RMS moment deviation falls below this.</summary>
    public double Tolerance { get; init; } = 1e-6;
}

/// <summary>The outcome of <see cref="InverseIsing.Fit"/>.</summary>
/// <param name="Model">The fitted model (beta = 1).</param>
/// <param name="Options">The settings it ran with.</param>
/// <param name="RmsMomentError">RMS deviation between the data moments and the fitted model's moments (N magnetizations and N(N-1)/2 correlations).</param>
/// <param name="MomentsBy">How the model's moments were computed for that comparison (<see cref="ModelMoments.Estimate"/>).</param>
/// <param name="Converged">Whether the method's own iteration converged (always true for the closed-form inversions).</param>
/// <param name="Steps">Boltzmann-learning steps taken (0 for the other methods).</param>
public sealed record InverseFitResult(IsingModel Model, InverseFitOptions Options, double RmsMomentError, MomentMethod MomentsBy, bool Converged, int Steps);

/// <summary>
/// One call for the inverse Ising problem as <c>neuralspin ising fit</c> solves it: fit (J, h) at beta = 1 to +-1
/// configurations by the chosen method, then measure the RMS deviation between the data moments and the fitted
/// model's (exact for N &lt;= <see cref="ModelMoments.ExactMaxSpins"/>, BP otherwise).
/// </summary>
public static class InverseIsing
{
    /// <summary>Fits a model to <paramref name="spins"/> (samples x <paramref name="nSpins"/>, row-major, entries +-1).</summary>
    /// <exception cref="ArgumentException">No samples, or (mean-field, TAP and Boltzmann learning without a ridge) a singular
    /// connected correlation matrix: the message then contains "not positive definite".</exception>
    public static InverseFitResult Fit(sbyte[] spins, int nSpins, InverseFitOptions? options = null, IProgress<int>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(spins);
        var o = options ?? new InverseFitOptions();
        if (nSpins < 1 || spins.Length == 0 || spins.Length % nSpins != 0)
            throw new ArgumentException($"need at least one sample of {nSpins} spins; got {spins.Length} values", nameof(spins));
        if (!(o.L1 >= 0 && double.IsFinite(o.L1))) throw new ArgumentOutOfRangeException(nameof(options), o.L1, "L1 must be finite and >= 0");
        if (!(o.L2 >= 0 && double.IsFinite(o.L2))) throw new ArgumentOutOfRangeException(nameof(options), o.L2, "L2 must be finite and >= 0");
        if (!(o.Eta > 0 && double.IsFinite(o.Eta))) throw new ArgumentOutOfRangeException(nameof(options), o.Eta, "Eta must be positive and finite");
        if (o.MaxSteps < 0) throw new ArgumentOutOfRangeException(nameof(options), o.MaxSteps, "MaxSteps must be >= 0");
        var mom = SampleMoments.From(spins, nSpins);
        IsingModel fitted;
        bool converged = true;
        int steps = 0;
        switch (o.Method)
        {
            case InverseMethod.MeanField: fitted = MeanFieldInversion.Invert(mom, o.L2); break;
            case InverseMethod.Tap: fitted = TapInversion.Invert(mom, o.L2).Model; break;
            case InverseMethod.PseudoLikelihood:
                var pl = PseudoLikelihood.Fit(spins, nSpins, new PlOptions(L2: o.L2, L1: o.L1));
                fitted = pl.Model;
                converged = pl.Converged;
                break;
            default:
                var init = TapInversion.Invert(mom, o.L2).Model;
                var bl = BoltzmannLearning.Fit(mom.Magnetizations, mom.Correlations, nSpins, ModelMoments.BpPair,
                    new BoltzmannOptions(Eta: o.Eta, L2: o.L2, L1: o.L1, Tolerance: o.Tolerance, MaxSteps: o.MaxSteps, Initial: init));
                fitted = bl.Model;
                converged = bl.Converged;
                steps = bl.Steps;
                break;
        }
        progress?.Report(1);
        var est = ModelMoments.Estimate(fitted);
        double rms = BoltzmannLearning.RmsDeviation(mom.Magnetizations, mom.Correlations, est.Magnetizations, est.Correlations, nSpins);
        return new InverseFitResult(fitted, o, rms, est.Method, converged, steps);
    }
}
