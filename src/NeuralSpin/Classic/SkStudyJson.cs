using System.Text.Json.Serialization;

namespace NeuralSpin.Classic;

/// <summary>
/// The JSON document of an <see cref="SkStudyResult"/> (<c>neuralspin classic sk --json</c>), written by
/// <see cref="NeuralSpin.Reporting.ResultJson"/>. A quantity that does not exist (a standard error of one instance, a mean
/// over no solutions) is null.
/// </summary>
/// <param name="Coupling">The coupling scale J (J_ij ~ N(0, J^2/N); T_c = J).</param>
/// <param name="Seed">The master seed.</param>
/// <param name="Sizes">The sizes N of the finite-size study, increasing.</param>
/// <param name="Instances">Instances per size.</param>
/// <param name="BetaMax">The upper end of the beta range.</param>
/// <param name="Level">The small level c whose first crossing is reported per instance.</param>
/// <param name="LambdaMinCurves">lambda_min(beta) of instance 0 of every size.</param>
/// <param name="PerSize">The per-size statistics over instances.</param>
/// <param name="BetaAtLevelLargeN">The large-N crossing of the level, (1 - sqrt c)/J.</param>
/// <param name="Extrapolation">The N^(-2/3) extrapolation of T* = 1/beta*, or null with fewer than two sizes.</param>
/// <param name="TapN">The size N of the instance whose TAP solutions are scanned over T.</param>
/// <param name="Tap">The TAP solutions from random starts, per temperature.</param>
/// <param name="TapContinuation">The TAP solutions at zero field by field continuation, per temperature.</param>
/// <param name="TapStates">The TAP states from Monte Carlo seeds, followed in T.</param>
/// <param name="WallSeconds">Wall time of the study in seconds.</param>
public sealed record SkStudyJson(
    [property: JsonPropertyName("coupling")] double Coupling,
    [property: JsonPropertyName("seed")] long Seed,
    [property: JsonPropertyName("sizes")] IReadOnlyList<int> Sizes,
    [property: JsonPropertyName("instances")] int Instances,
    [property: JsonPropertyName("beta_max")] double BetaMax,
    [property: JsonPropertyName("level")] double Level,
    [property: JsonPropertyName("lambda_min_curves")] IReadOnlyList<SkCurveJson> LambdaMinCurves,
    [property: JsonPropertyName("per_size")] IReadOnlyList<SkSizeJson> PerSize,
    [property: JsonPropertyName("beta_at_level_large_n")] double BetaAtLevelLargeN,
    [property: JsonPropertyName("extrapolation")] SkExtrapolationJson? Extrapolation,
    [property: JsonPropertyName("tap_n")] int TapN,
    [property: JsonPropertyName("tap")] IReadOnlyList<SkTapTemperatureJson> Tap,
    [property: JsonPropertyName("tap_continuation")] IReadOnlyList<SkTapContinuationJson> TapContinuation,
    [property: JsonPropertyName("tap_states")] SkTapStatesJson TapStates,
    [property: JsonPropertyName("wall_seconds")] double WallSeconds)
{
    /// <summary>The document of <paramref name="r"/>.</summary>
    public static SkStudyJson From(SkStudyResult r)
    {
        ArgumentNullException.ThrowIfNull(r);
        var s = r.Options;
        var ex = r.FiniteSize.Extrapolation;
        return new(s.Coupling, s.Seed, r.Sizes.ToArray(), s.Instances, s.BetaMax, s.Level,
            r.Curves.Select(c => new SkCurveJson(c.Size, c.Points.Select(p => new SkCurvePointJson(p.Beta, p.Value, SkLinearizedTap.LargeSizeLimit(p.Beta, s.Coupling))).ToList())).ToList(),
            r.FiniteSize.Sizes.Select(x => new SkSizeJson(x.Size, x.Instances, x.MeanBetaStar, Finite(x.BetaStarError), x.MeanTStar, Finite(x.TStarError),
                x.MeanMinimum, Finite(x.MinimumError), x.ReachedLevel, Finite(x.MeanBetaAtLevel), Finite(x.BetaAtLevelError), x.ReachedZero)).ToList(),
            SkLinearizedTap.LargeSizeBetaAtLevel(s.Level, s.Coupling),
            ex is null ? null : new SkExtrapolationJson(ex.TInfinity, Finite(ex.TInfinityError), ex.Slope, Finite(ex.SlopeError), Finite(ex.ChiSquarePerDof),
                ex.Weighted, "N^(-2/3)", s.Coupling),
            s.N,
            r.Tap.Select(x => new SkTapTemperatureJson(x.Temperature, x.Starts, x.Converged, x.NotConverged, x.Distinct, x.NonTrivial, x.QeaLowest, x.QeaMean,
                x.QeaMax, Finite(x.LowestFreeEnergyPerSpin), Finite(x.PlefkaLowest), x.ReplicaSymmetricQ)).ToList(),
            r.Continuation.Select(x => new SkTapContinuationJson(x.Temperature, x.Branches, x.ReachedZeroField, x.NonTrivial, Finite(x.QeaNonTrivial),
                Finite(x.PlefkaNonTrivial), Finite(x.HessianMinNonTrivial), x.Folded, Finite(x.FoldFieldMean), Finite(x.FoldQeaMean), Finite(x.FoldPlefkaMean),
                x.ReplicaSymmetricQ)).ToList(),
            new SkTapStatesJson(r.States.Size, r.States.Instances, s.TapStarts,
                r.States.Searches.Select(x => new SkTapSearchJson(x.Temperature, x.Runs, x.NotConverged, x.Trivial, x.PlefkaViolated, x.Saddles, x.Valid,
                    x.InstancesWithValid, Finite(x.QeaMean), Finite(x.PlefkaMean), Finite(x.SeedCosineMean), x.ReplicaSymmetricQ)).ToList(),
                r.States.Branches.Select(b => new SkTapBranchJson(b.Instance, b.FoundAt, b.SeedCosine, EndName(b.LowEnd), EndName(b.HighEnd),
                    Finite(b.ValidRange.Low), Finite(b.ValidRange.High), b.LowEndPoint.Temperature, b.LowEndPoint.HessianMin,
                    b.HighEndPoint.Temperature, b.HighEndPoint.HessianMin,
                    b.Points.Select(p => new SkTapStatePointJson(p.Temperature, p.Qea, p.Plefka, p.HessianMin, p.FreeEnergyPerSpin, p.Valid)).ToList())).ToList()),
            r.WallSeconds);
    }

    /// <summary>How a branch ends, as the JSON and CSV files name it: <c>vanished</c>, <c>paramagnet</c> or <c>range</c>.</summary>
    public static string EndName(SkTapBranchEnd e) => e switch
    {
        SkTapBranchEnd.Vanished => "vanished",
        SkTapBranchEnd.Paramagnet => "paramagnet",
        _ => "range",
    };

    static double? Finite(double v) => double.IsFinite(v) ? v : null;
}

/// <summary>lambda_min(beta) of instance 0 of one size.</summary>
/// <param name="N">The size.</param>
/// <param name="Points">The curve, increasing in beta.</param>
public sealed record SkCurveJson(
    [property: JsonPropertyName("n")] int N,
    [property: JsonPropertyName("points")] IReadOnlyList<SkCurvePointJson> Points);

/// <summary>One point of a lambda_min curve.</summary>
/// <param name="Beta">beta.</param>
/// <param name="LambdaMin">lambda_min of the linearized TAP matrix at beta.</param>
/// <param name="LargeNLimit">Its large-N limit (1 - beta J)^2.</param>
public sealed record SkCurvePointJson(
    [property: JsonPropertyName("beta")] double Beta,
    [property: JsonPropertyName("lambda_min")] double LambdaMin,
    [property: JsonPropertyName("large_n_limit")] double LargeNLimit);

/// <summary>The statistics of one size over its instances (<see cref="SkSizeStatistics"/>); a standard error of one instance is null.</summary>
/// <param name="N">The size.</param>
/// <param name="Instances">Instances.</param>
/// <param name="BetaStarMean">Mean curve minimum beta*.</param>
/// <param name="BetaStarSe">Its standard error.</param>
/// <param name="TStarMean">Mean T* = 1/beta*.</param>
/// <param name="TStarSe">Its standard error.</param>
/// <param name="MinMean">Mean of the curve minima lambda_min(beta*).</param>
/// <param name="MinSe">Its standard error.</param>
/// <param name="ReachedLevel">Instances whose curve reaches the level.</param>
/// <param name="BetaAtLevelMean">Mean first crossing of the level over those, or null when none reached it.</param>
/// <param name="BetaAtLevelSe">Its standard error.</param>
/// <param name="ReachedZero">Instances whose curve reaches zero.</param>
public sealed record SkSizeJson(
    [property: JsonPropertyName("n")] int N,
    [property: JsonPropertyName("instances")] int Instances,
    [property: JsonPropertyName("beta_star_mean")] double BetaStarMean,
    [property: JsonPropertyName("beta_star_se")] double? BetaStarSe,
    [property: JsonPropertyName("t_star_mean")] double TStarMean,
    [property: JsonPropertyName("t_star_se")] double? TStarSe,
    [property: JsonPropertyName("min_mean")] double MinMean,
    [property: JsonPropertyName("min_se")] double? MinSe,
    [property: JsonPropertyName("reached_level")] int ReachedLevel,
    [property: JsonPropertyName("beta_at_level_mean")] double? BetaAtLevelMean,
    [property: JsonPropertyName("beta_at_level_se")] double? BetaAtLevelSe,
    [property: JsonPropertyName("reached_zero")] int ReachedZero);

/// <summary>The fit T*(N) = T_c + a N^(-2/3) (<see cref="SkExtrapolation"/>).</summary>
/// <param name="TC">The extrapolated T_c.</param>
/// <param name="TCError">Its standard error.</param>
/// <param name="Slope">The slope a.</param>
/// <param name="SlopeError">Its standard error.</param>
/// <param name="Chi2PerDof">chi^2 per degree of freedom of the fit.</param>
/// <param name="Weighted">Whether the fit is weighted by the standard errors.</param>
/// <param name="ScalingVariable">The scaling variable, <c>N^(-2/3)</c>.</param>
/// <param name="ExpectedTC">The expected T_c = J.</param>
public sealed record SkExtrapolationJson(
    [property: JsonPropertyName("t_c")] double TC,
    [property: JsonPropertyName("t_c_error")] double? TCError,
    [property: JsonPropertyName("slope")] double Slope,
    [property: JsonPropertyName("slope_error")] double? SlopeError,
    [property: JsonPropertyName("chi2_per_dof")] double? Chi2PerDof,
    [property: JsonPropertyName("weighted")] bool Weighted,
    [property: JsonPropertyName("scaling_variable")] string ScalingVariable,
    [property: JsonPropertyName("expected_t_c")] double ExpectedTC);

/// <summary>The TAP solutions from random starts at one temperature (<see cref="SkTapTemperature"/>).</summary>
/// <param name="Temperature">T.</param>
/// <param name="Starts">Random starts.</param>
/// <param name="Converged">Starts that converged.</param>
/// <param name="NotConverged">Starts that did not.</param>
/// <param name="Distinct">Distinct solutions.</param>
/// <param name="NonTrivial">Distinct solutions with m != 0.</param>
/// <param name="QEaLowestF">q_EA of the solution of lowest TAP free energy.</param>
/// <param name="QEaMean">Mean q_EA over the distinct solutions.</param>
/// <param name="QEaMax">Largest q_EA.</param>
/// <param name="LowestFPerSpin">The lowest TAP free energy per spin, or null.</param>
/// <param name="PlefkaLowestF">The Plefka parameter x_P of that solution, or null.</param>
/// <param name="RsQ">The replica-symmetric q(T).</param>
public sealed record SkTapTemperatureJson(
    [property: JsonPropertyName("temperature")] double Temperature,
    [property: JsonPropertyName("starts")] int Starts,
    [property: JsonPropertyName("converged")] int Converged,
    [property: JsonPropertyName("not_converged")] int NotConverged,
    [property: JsonPropertyName("distinct")] int Distinct,
    [property: JsonPropertyName("non_trivial")] int NonTrivial,
    [property: JsonPropertyName("q_ea_lowest_f")] double QEaLowestF,
    [property: JsonPropertyName("q_ea_mean")] double QEaMean,
    [property: JsonPropertyName("q_ea_max")] double QEaMax,
    [property: JsonPropertyName("lowest_f_per_spin")] double? LowestFPerSpin,
    [property: JsonPropertyName("plefka_lowest_f")] double? PlefkaLowestF,
    [property: JsonPropertyName("rs_q")] double RsQ);

/// <summary>The TAP solutions at zero field by field continuation at one temperature (<see cref="SkTapContinuation"/>); means over no branch are null.</summary>
/// <param name="Temperature">T.</param>
/// <param name="Branches">Continuation branches.</param>
/// <param name="ReachedZeroField">Branches that reached h = 0.</param>
/// <param name="NonTrivial">Of those, the ones with m != 0.</param>
/// <param name="QEaNonTrivial">q_EA of the non-trivial solution of lowest free energy.</param>
/// <param name="PlefkaNonTrivial">Its Plefka parameter x_P.</param>
/// <param name="HessianMinNonTrivial">The smallest eigenvalue of its TAP Hessian.</param>
/// <param name="Folded">Branches that passed a fold.</param>
/// <param name="FoldFieldMean">Mean field h* of the first fold.</param>
/// <param name="FoldQEaMean">Mean q_EA at the first fold.</param>
/// <param name="FoldPlefkaMean">Mean x_P at the first fold.</param>
/// <param name="RsQ">The replica-symmetric q(T).</param>
public sealed record SkTapContinuationJson(
    [property: JsonPropertyName("temperature")] double Temperature,
    [property: JsonPropertyName("branches")] int Branches,
    [property: JsonPropertyName("reached_zero_field")] int ReachedZeroField,
    [property: JsonPropertyName("non_trivial")] int NonTrivial,
    [property: JsonPropertyName("q_ea_non_trivial")] double? QEaNonTrivial,
    [property: JsonPropertyName("plefka_non_trivial")] double? PlefkaNonTrivial,
    [property: JsonPropertyName("hessian_min_non_trivial")] double? HessianMinNonTrivial,
    [property: JsonPropertyName("folded")] int Folded,
    [property: JsonPropertyName("fold_field_mean")] double? FoldFieldMean,
    [property: JsonPropertyName("fold_q_ea_mean")] double? FoldQEaMean,
    [property: JsonPropertyName("fold_plefka_mean")] double? FoldPlefkaMean,
    [property: JsonPropertyName("rs_q")] double RsQ);

/// <summary>The TAP states from Monte Carlo seeds (<see cref="SkTapStateResult"/>).</summary>
/// <param name="N">The size of the instances.</param>
/// <param name="Instances">Instances searched.</param>
/// <param name="Starts">Monte Carlo runs per instance and temperature.</param>
/// <param name="Searches">The search at each temperature.</param>
/// <param name="Branches">Each state found, followed in T.</param>
public sealed record SkTapStatesJson(
    [property: JsonPropertyName("n")] int N,
    [property: JsonPropertyName("instances")] int Instances,
    [property: JsonPropertyName("starts")] int Starts,
    [property: JsonPropertyName("searches")] IReadOnlyList<SkTapSearchJson> Searches,
    [property: JsonPropertyName("branches")] IReadOnlyList<SkTapBranchJson> Branches);

/// <summary>The Monte Carlo seeded search at one temperature (<see cref="SkTapSearch"/>); means over no valid state are null.</summary>
/// <param name="Temperature">T.</param>
/// <param name="Runs">Monte Carlo runs, each seeding one Newton solve.</param>
/// <param name="NotConverged">Solves that did not converge.</param>
/// <param name="Trivial">Solves that ended at m = 0.</param>
/// <param name="PlefkaViolated">Solutions with x_P &lt; 0.</param>
/// <param name="Saddles">Solutions that are saddles of F_TAP.</param>
/// <param name="Valid">Valid states (x_P &gt;= 0 and a minimum).</param>
/// <param name="InstancesWithValid">Instances with at least one valid state.</param>
/// <param name="QEaMean">Mean q_EA of the valid states.</param>
/// <param name="PlefkaMean">Their mean x_P.</param>
/// <param name="SeedCosineMean">Their mean cosine with the Monte Carlo seed.</param>
/// <param name="RsQ">The replica-symmetric q(T).</param>
public sealed record SkTapSearchJson(
    [property: JsonPropertyName("temperature")] double Temperature,
    [property: JsonPropertyName("runs")] int Runs,
    [property: JsonPropertyName("not_converged")] int NotConverged,
    [property: JsonPropertyName("trivial")] int Trivial,
    [property: JsonPropertyName("plefka_violated")] int PlefkaViolated,
    [property: JsonPropertyName("saddles")] int Saddles,
    [property: JsonPropertyName("valid")] int Valid,
    [property: JsonPropertyName("instances_with_valid")] int InstancesWithValid,
    [property: JsonPropertyName("q_ea_mean")] double? QEaMean,
    [property: JsonPropertyName("plefka_mean")] double? PlefkaMean,
    [property: JsonPropertyName("seed_cosine_mean")] double? SeedCosineMean,
    [property: JsonPropertyName("rs_q")] double RsQ);

/// <summary>One TAP state followed in T (<see cref="SkTapBranch"/>).</summary>
/// <param name="Instance">The instance it belongs to.</param>
/// <param name="FoundAt">The temperature where it was found.</param>
/// <param name="SeedCosine">Cosine with the Monte Carlo average that seeded it.</param>
/// <param name="LowEnd">How it ends towards low T (<see cref="SkStudyJson.EndName"/>).</param>
/// <param name="HighEnd">How it ends towards high T.</param>
/// <param name="ValidLow">Lowest T where it is valid, or null when nowhere.</param>
/// <param name="ValidHigh">Highest T where it is valid, or null when nowhere.</param>
/// <param name="LowEndTemperature">T of its located low end.</param>
/// <param name="LowEndHessianMin">Smallest Hessian eigenvalue there.</param>
/// <param name="HighEndTemperature">T of its located high end.</param>
/// <param name="HighEndHessianMin">Smallest Hessian eigenvalue there.</param>
/// <param name="Points">The branch on the temperature grid, ascending in T.</param>
public sealed record SkTapBranchJson(
    [property: JsonPropertyName("instance")] int Instance,
    [property: JsonPropertyName("found_at")] double FoundAt,
    [property: JsonPropertyName("seed_cosine")] double SeedCosine,
    [property: JsonPropertyName("low_end")] string LowEnd,
    [property: JsonPropertyName("high_end")] string HighEnd,
    [property: JsonPropertyName("valid_low")] double? ValidLow,
    [property: JsonPropertyName("valid_high")] double? ValidHigh,
    [property: JsonPropertyName("low_end_temperature")] double LowEndTemperature,
    [property: JsonPropertyName("low_end_hessian_min")] double LowEndHessianMin,
    [property: JsonPropertyName("high_end_temperature")] double HighEndTemperature,
    [property: JsonPropertyName("high_end_hessian_min")] double HighEndHessianMin,
    [property: JsonPropertyName("points")] IReadOnlyList<SkTapStatePointJson> Points);

/// <summary>A TAP state at one temperature (<see cref="SkTapStatePoint"/>).</summary>
/// <param name="Temperature">T.</param>
/// <param name="QEa">q_EA.</param>
/// <param name="Plefka">The Plefka parameter x_P.</param>
/// <param name="HessianMin">The smallest eigenvalue of the TAP Hessian.</param>
/// <param name="FPerSpin">The TAP free energy per spin.</param>
/// <param name="Valid">x_P &gt;= 0 and a local minimum.</param>
public sealed record SkTapStatePointJson(
    [property: JsonPropertyName("temperature")] double Temperature,
    [property: JsonPropertyName("q_ea")] double QEa,
    [property: JsonPropertyName("plefka")] double Plefka,
    [property: JsonPropertyName("hessian_min")] double HessianMin,
    [property: JsonPropertyName("f_per_spin")] double FPerSpin,
    [property: JsonPropertyName("valid")] bool Valid);
