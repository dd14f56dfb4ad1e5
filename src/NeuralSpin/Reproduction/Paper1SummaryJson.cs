using System.Text.Json.Serialization;
using NeuralSpin.Reporting;
using NeuralSpin.Training;

namespace NeuralSpin.Reproduction;

/// <summary>
/// <c>summary.json</c> of a paper-1 reproduction (<see cref="Paper1Pipeline.WriteOutputs"/>), written by <see cref="ResultJson"/>
/// with <see cref="ResultJsonStyle.RelaxedEscaping"/>; numbers that may be missing or non-finite are null.
/// </summary>
/// <param name="Format">The layout tag, <see cref="FormatTag"/>.</param>
/// <param name="Mode">The settings' mode ("quick", "full", ...).</param>
/// <param name="Convention">The training convention of every program.</param>
/// <param name="Seed">Seed of every training.</param>
/// <param name="Widths">Network widths.</param>
/// <param name="Programs">Per program, keyed by its name, in the settings' order.</param>
public sealed record Paper1SummaryJson(
    [property: JsonPropertyName("format")] string Format,
    [property: JsonPropertyName("mode")] string Mode,
    [property: JsonPropertyName("convention")] Paper1ConventionJson Convention,
    [property: JsonPropertyName("seed")] long Seed,
    [property: JsonPropertyName("widths")] IReadOnlyList<int> Widths,
    [property: JsonPropertyName("programs")] IReadOnlyDictionary<string, Paper1ProgramJson> Programs)
{
    /// <summary>The value of <c>format</c>.</summary>
    public const string FormatTag = "neuralspin.paper1.summary/1";

    /// <summary>The summary of <paramref name="outcomes"/> under <paramref name="s"/>.</summary>
    public static Paper1SummaryJson From(IReadOnlyList<Paper1Outcome> outcomes, Paper1Settings s)
    {
        ArgumentNullException.ThrowIfNull(outcomes);
        ArgumentNullException.ThrowIfNull(s);
        var programs = new OrderedDictionary<string, Paper1ProgramJson>(StringComparer.Ordinal);
        foreach (var o in outcomes) programs[o.Program.Name] = Paper1ProgramJson.From(o, s);
        var c = s.Convention;
        return new(FormatTag, s.Mode, new Paper1ConventionJson(c.Id, c.PyTorchLoss, TrainingConvention.InputToken(c.Input), c.Margin), s.Seed, s.Widths, programs);
    }
}

/// <summary>The training convention in <see cref="Paper1SummaryJson"/>.</summary>
/// <param name="Id">Its identifier (<see cref="TrainingConvention.Id"/>).</param>
/// <param name="PyTorchLoss">The equivalent PyTorch loss.</param>
/// <param name="Input">The input normalisation token.</param>
/// <param name="Margin">The hinge margin.</param>
public sealed record Paper1ConventionJson(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("pytorch_loss")] string PyTorchLoss,
    [property: JsonPropertyName("input")] string Input,
    [property: JsonPropertyName("margin")] double Margin);

/// <summary>
/// One program in <see cref="Paper1SummaryJson"/>: its settings and training state. A finished and analysed program is a
/// <see cref="Paper1FinishedProgramJson"/>, whose keys follow these.
/// </summary>
/// <param name="Done">Whether the training finished and was analysed.</param>
/// <param name="Program">The training program.</param>
/// <param name="LearningRate">The learning rate.</param>
/// <param name="PaperEpochs">The paper's epochs.</param>
/// <param name="PaperValidationError">The paper's validation error (null where the paper gives none).</param>
/// <param name="Convention">The training convention's identifier.</param>
/// <param name="Step">Optimizer steps done.</param>
/// <param name="TotalSteps">Steps of the whole program.</param>
[JsonDerivedType(typeof(Paper1FinishedProgramJson))]
public record Paper1ProgramJson(
    [property: JsonPropertyName("done")] bool Done,
    [property: JsonPropertyName("program")] string Program,
    [property: JsonPropertyName("lr")] double LearningRate,
    [property: JsonPropertyName("paper_epochs")] int PaperEpochs,
    [property: JsonPropertyName("paper_val_error")] double? PaperValidationError,
    [property: JsonPropertyName("convention")] string Convention,
    [property: JsonPropertyName("step")] long Step,
    [property: JsonPropertyName("total_steps")] long TotalSteps)
{
    /// <summary>A finite number, else null.</summary>
    internal static double? Finite(double? v) => v is double x && double.IsFinite(x) ? x : null;

    /// <summary>The record of <paramref name="o"/> (a <see cref="Paper1FinishedProgramJson"/> once its trajectory is analysed).</summary>
    public static Paper1ProgramJson From(Paper1Outcome o, Paper1Settings s)
    {
        ArgumentNullException.ThrowIfNull(o);
        ArgumentNullException.ThrowIfNull(s);
        var p = o.Program;
        var head = new Paper1ProgramJson(o.Done, p.Program, p.LearningRate, p.PaperEpochs, Finite(p.PaperValidationError), s.Convention.Id, o.Step, o.TotalSteps);
        return o.Trajectory is { } r ? Paper1FinishedProgramJson.From(head, r) : head;
    }
}

/// <summary>A finished and analysed program in <see cref="Paper1SummaryJson"/>: the keys of <see cref="Paper1ProgramJson"/>,
/// then these, from its trajectory (first and last checkpoint).</summary>
public sealed record Paper1FinishedProgramJson : Paper1ProgramJson
{
    Paper1FinishedProgramJson(Paper1ProgramJson head) : base(head) { }

    /// <summary>Epochs trained (the last checkpoint's epoch).</summary>
    [JsonPropertyName("epochs"), JsonPropertyOrder(1)] public required double Epochs { get; init; }
    /// <summary>Validation error at the last checkpoint.</summary>
    [JsonPropertyName("val_error"), JsonPropertyOrder(1)] public required double? ValError { get; init; }
    /// <summary>T_c at the first checkpoint (null without a zero).</summary>
    [JsonPropertyName("tc_start"), JsonPropertyOrder(1)] public required double? TcStart { get; init; }
    /// <summary>T_c at the last checkpoint (null without a zero).</summary>
    [JsonPropertyName("tc_end"), JsonPropertyOrder(1)] public required double? TcEnd { get; init; }
    /// <summary>The corrected T_c at the first checkpoint.</summary>
    [JsonPropertyName("tc_corrected_start"), JsonPropertyOrder(1)] public required double? TcCorrectedStart { get; init; }
    /// <summary>The corrected T_c at the last checkpoint.</summary>
    [JsonPropertyName("tc_corrected_end"), JsonPropertyOrder(1)] public required double? TcCorrectedEnd { get; init; }
    /// <summary>lambda_max(J) of the initial weights.</summary>
    [JsonPropertyName("lambda_max_j_start"), JsonPropertyOrder(1)] public required double LambdaMaxJStart { get; init; }
    /// <summary>lambda_max(J) of the final weights.</summary>
    [JsonPropertyName("lambda_max_j_end"), JsonPropertyOrder(1)] public required double LambdaMaxJEnd { get; init; }
    /// <summary>Eigenvalues of the final J above the initial lambda_max(J), the bulk edge of the untrained network (<see cref="Paper1Report.Outliers"/>).</summary>
    [JsonPropertyName("outliers_end"), JsonPropertyOrder(1)] public required int OutliersEnd { get; init; }
    /// <summary>The first level-spacing ratio at the first checkpoint.</summary>
    [JsonPropertyName("spacing_ratio_start"), JsonPropertyOrder(1)] public required double? SpacingRatioStart { get; init; }
    /// <summary>The largest first level-spacing ratio over the checkpoints.</summary>
    [JsonPropertyName("spacing_ratio_max"), JsonPropertyOrder(1)] public required double? SpacingRatioMax { get; init; }
    /// <summary>The epoch of the first checkpoint with a T_c (null: none).</summary>
    [JsonPropertyName("first_zero_epoch"), JsonPropertyOrder(1)] public required double? FirstZeroEpoch { get; init; }
    /// <summary>The power-law fit of the corrected T_c (null without one).</summary>
    [JsonPropertyName("tc_corrected_fit"), JsonPropertyOrder(1)] public required Paper1PowerLawJson? TcCorrectedFit { get; init; }
    /// <summary>The largest |change| of lambda_min(R) between checkpoints.</summary>
    [JsonPropertyName("lambda_min_r_max_change"), JsonPropertyOrder(1)] public required double LambdaMinRMaxChange { get; init; }
    /// <summary>Checkpoints analysed.</summary>
    [JsonPropertyName("checkpoints"), JsonPropertyOrder(1)] public required int Checkpoints { get; init; }

    /// <summary>The record of a program (<paramref name="head"/>) with its analysed trajectory <paramref name="r"/>.</summary>
    internal static Paper1FinishedProgramJson From(Paper1ProgramJson head, NeuralSpin.Trajectory.TrajectoryResult r)
    {
        var first = r.Rows[0];
        var last = r.Rows[^1];
        return new Paper1FinishedProgramJson(head)
        {
            Epochs = last.Epoch,
            ValError = Finite(last.ValError),
            TcStart = Finite(first.Tc),
            TcEnd = Finite(last.Tc),
            TcCorrectedStart = Finite(first.TcCorrected),
            TcCorrectedEnd = Finite(last.TcCorrected),
            LambdaMaxJStart = r.Initial.LambdaMaxJ,
            LambdaMaxJEnd = r.Final.LambdaMaxJ,
            OutliersEnd = Paper1Report.Outliers(r),
            SpacingRatioStart = Finite(first.FirstLevelSpacingRatio),
            SpacingRatioMax = Finite(r.Rows.Select(x => x.FirstLevelSpacingRatio).OfType<double>().DefaultIfEmpty(double.NaN).Max()),
            FirstZeroEpoch = Finite(r.Rows.FirstOrDefault(x => x.Tc.HasValue)?.Epoch),
            TcCorrectedFit = r.TcCorrectedFit is { } f ? new Paper1PowerLawJson(f.Exponent, f.Prefactor, f.RSquared, f.TMin, f.TMax, f.N) : null,
            LambdaMinRMaxChange = r.Rows.Max(x => Math.Abs(x.LambdaMinRChange)),
            Checkpoints = r.Rows.Count,
        };
    }
}

/// <summary>The power-law fit of the corrected T_c against the epoch (<see cref="NeuralSpin.Trajectory.PowerLaw"/>).</summary>
/// <param name="Exponent">alpha of T_c ~ t^alpha.</param>
/// <param name="Prefactor">The value at t = 1.</param>
/// <param name="RSquared">Coefficient of determination on log-log axes.</param>
/// <param name="TMin">Smallest t used.</param>
/// <param name="TMax">Largest t used.</param>
/// <param name="Points">Number of points used.</param>
public sealed record Paper1PowerLawJson(
    [property: JsonPropertyName("exponent")] double Exponent,
    [property: JsonPropertyName("prefactor")] double Prefactor,
    [property: JsonPropertyName("r_squared")] double RSquared,
    [property: JsonPropertyName("t_min")] double TMin,
    [property: JsonPropertyName("t_max")] double TMax,
    [property: JsonPropertyName("points")] int Points);
