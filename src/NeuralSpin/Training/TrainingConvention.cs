using System.Globalization;
using NeuralSpin.Data;

namespace NeuralSpin.Training;

/// <summary>How the per-sample hinge losses of a mini-batch are combined (docs/theory.md, "Training conventions").</summary>
public enum LossReduction
{
    /// <summary>Averaged over the batch: PyTorch's <c>reduction='mean'</c>.</summary>
    Mean,

    /// <summary>Summed over the batch: PyTorch's <c>reduction='sum'</c> (a gradient 32 times the mean's at batch 32).</summary>
    Sum,
}

/// <summary>
/// The conventions P1 leaves unstated for its training programs (Table 1): the reduction of the squared
/// multi-class hinge loss over the batch, whether each sample's hinge terms are divided by the number of
/// classes C, the margin, and the input preprocessing. For scores x (n x C) and labels y the loss is
/// <code>
/// l_s = (1/C if DivideByClasses else 1) * sum_{j != y_s} max(0, Margin - x_{s,y_s} + x_{s,j})^2
/// L   = (1/n if Reduction == Mean else 1) * sum_s l_s
/// </code>
/// which is, in PyTorch,
/// <list type="bullet">
/// <item>mean, /C: <c>nn.MultiMarginLoss(p=2, margin=m)(x, y)</c> (the project's historical default);</item>
/// <item>sum, /C: <c>nn.MultiMarginLoss(p=2, margin=m, reduction='sum')(x, y)</c>;</item>
/// <item>mean, no /C: <c>C * nn.MultiMarginLoss(p=2, margin=m)(x, y)</c>;</item>
/// <item>sum, no /C: <c>C * nn.MultiMarginLoss(p=2, margin=m, reduction='sum')(x, y)</c>.</item>
/// </list>
/// The input preprocessing is one of <see cref="MnistNormalization"/>: pixels in [0, 1] (<c>x / 255</c>),
/// one global mean and deviation (<c>(x / 255 - 0.1307) / 0.3081</c>, torchvision's usual
/// <c>Normalize((0.1307,), (0.3081,))</c>), or per-pixel standardization with the training set's
/// per-pixel mean and deviation (<c>(x - m) / s</c> with <c>m = X_train.mean(0)</c>,
/// <c>s = X_train.std(0, unbiased=False)</c>, and s replaced by 1 where it is 0).
/// </summary>
/// <remarks>
/// SGD with momentum is linear in the gradient, so multiplying the loss by a constant k is exactly the
/// same as multiplying the learning rate by k: the reductions differ from the PyTorch default only by
/// the factor <see cref="LossScale"/> (1, C, n, or n C). The input preprocessing and the margin are
/// genuinely different choices.
/// </remarks>
/// <param name="Reduction">Mean or sum over the batch.</param>
/// <param name="DivideByClasses">Whether each sample's hinge terms are divided by C (PyTorch's MultiMarginLoss does).</param>
/// <param name="Margin">The hinge margin (Table 1's entry is garbled; 1 is PyTorch's default).</param>
/// <param name="Input">The input preprocessing.</param>
public sealed record TrainingConvention(LossReduction Reduction, bool DivideByClasses, double Margin, MnistNormalization Input)
{
    /// <summary>
    /// The default of <c>train</c> and of <see cref="TrainingOptions"/>: PyTorch's <c>MultiMarginLoss(p=2)</c>
    /// (mean over the batch, divided by C), margin 1, globally standardized input; also the convention of
    /// runs whose run.json predates recorded conventions.
    /// </summary>
    public static TrainingConvention Default { get; } = new(LossReduction.Mean, true, 1.0, MnistNormalization.Standardized);

    /// <summary>
    /// The candidates of the calibration study: every reduction (mean or sum over the batch, with or
    /// without the division by C) with every input preprocessing, margin 1; twelve in all.
    /// </summary>
    public static IReadOnlyList<TrainingConvention> Candidates { get; } =
        [.. from d in new[] { true, false }
            from r in new[] { LossReduction.Sum, LossReduction.Mean }
            from i in new[] { MnistNormalization.Standardized, MnistNormalization.PerPixelStandardized, MnistNormalization.UnitInterval }
            select new TrainingConvention(r, d, 1.0, i)];

    /// <summary>The factor by which this loss exceeds PyTorch's default <c>MultiMarginLoss(p=2)</c> (mean, /C) for a batch of <paramref name="batchSize"/> and <paramref name="classes"/> classes.</summary>
    public double LossScale(int batchSize, int classes) =>
        (Reduction == LossReduction.Sum ? batchSize : 1.0) * (DivideByClasses ? 1.0 : classes);

    /// <summary>
    /// A short identifier, usable as a directory name: reduction (<c>mean</c> or <c>sum</c>, with <c>-c</c> when
    /// divided by C), input (<c>unit</c>, <c>global</c>, <c>pixel</c>), and the margin when it is not 1;
    /// e.g. <c>sum-c_global</c>, <c>mean_pixel_m0.5</c>. <see cref="Parse"/> reads it back.
    /// </summary>
    public string Id =>
        $"{(Reduction == LossReduction.Sum ? "sum" : "mean")}{(DivideByClasses ? "-c" : "")}_{InputToken(Input)}"
        + (Margin == 1.0 ? "" : "_m" + Margin.ToString("R", CultureInfo.InvariantCulture));

    /// <summary>The PyTorch expression of the loss (see the class summary).</summary>
    public string PyTorchLoss
    {
        get
        {
            string m = Margin.ToString("R", CultureInfo.InvariantCulture);
            string core = $"nn.MultiMarginLoss(p=2, margin={m}{(Reduction == LossReduction.Sum ? ", reduction='sum'" : "")})(x, y)";
            return DivideByClasses ? core : "C * " + core;
        }
    }

    /// <summary>The token of an input preprocessing in <see cref="Id"/> and on the command line: <c>unit</c>, <c>global</c> or <c>pixel</c>.</summary>
    public static string InputToken(MnistNormalization input) => input switch
    {
        MnistNormalization.UnitInterval => "unit",
        MnistNormalization.Standardized => "global",
        MnistNormalization.PerPixelStandardized => "pixel",
        _ => throw new ArgumentOutOfRangeException(nameof(input), input, null),
    };

    /// <summary>Parses an input token (<c>unit</c>, <c>global</c>, <c>pixel</c>; case-insensitive).</summary>
    /// <exception cref="FormatException">Any other text.</exception>
    public static MnistNormalization ParseInput(string text) => text?.Trim().ToLowerInvariant() switch
    {
        "unit" => MnistNormalization.UnitInterval,
        "global" => MnistNormalization.Standardized,
        "pixel" or "per-pixel" => MnistNormalization.PerPixelStandardized,
        _ => throw new FormatException($"unknown input preprocessing '{text}'; use unit (x/255), global ((x/255 - 0.1307)/0.3081) or pixel (per-pixel standardization)"),
    };

    /// <summary>Parses a reduction token: <c>mean</c> or <c>sum</c> (case-insensitive).</summary>
    /// <exception cref="FormatException">Any other text.</exception>
    public static LossReduction ParseReduction(string text) => text?.Trim().ToLowerInvariant() switch
    {
        "mean" => LossReduction.Mean,
        "sum" => LossReduction.Sum,
        _ => throw new FormatException($"unknown loss reduction '{text}'; use mean or sum"),
    };

    /// <summary>Parses an <see cref="Id"/> such as <c>sum-c_global</c> or <c>mean_pixel_m0.5</c>.</summary>
    /// <exception cref="FormatException">The text is not an identifier of this form.</exception>
    public static TrainingConvention Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var parts = text.Trim().Split('_');
        if (parts.Length is < 2 or > 3)
            throw new FormatException($"training convention '{text}' is not of the form REDUCTION_INPUT[_mMARGIN], e.g. sum-c_global (reduction mean|sum|mean-c|sum-c; input unit|global|pixel)");
        string red = parts[0].ToLowerInvariant();
        bool perClass = red.EndsWith("-c", StringComparison.Ordinal);
        var reduction = ParseReduction(perClass ? red[..^2] : red);
        var input = ParseInput(parts[1]);
        double margin = 1.0;
        if (parts.Length == 3)
        {
            if (!parts[2].StartsWith('m') || !double.TryParse(parts[2][1..], NumberStyles.AllowDecimalPoint | NumberStyles.AllowExponent, CultureInfo.InvariantCulture, out margin)
                || !double.IsFinite(margin))
                throw new FormatException($"training convention '{text}': the margin part must be m<number>, e.g. m0.5");
        }
        return new TrainingConvention(reduction, perClass, margin, input);
    }

    /// <summary>Throws <see cref="ArgumentException"/> unless the reduction and input are known and the margin is finite and non-negative.</summary>
    public void Validate()
    {
        if (!Enum.IsDefined(Reduction)) throw new ArgumentException($"unknown loss reduction {Reduction}", nameof(Reduction));
        if (!Enum.IsDefined(Input)) throw new ArgumentException($"unknown input preprocessing {Input}", nameof(Input));
        if (!(Margin >= 0) || !double.IsFinite(Margin)) throw new ArgumentException($"margin must be non-negative and finite, got {Margin}", nameof(Margin));
    }

    /// <inheritdoc/>
    public override string ToString() => Id;
}
