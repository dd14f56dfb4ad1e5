using NeuralSpin.Numerics;
using TorchSharp;
using static TorchSharp.torch;

namespace NeuralSpin.Training;

/// <summary>
/// The L2 (squared) multi-class hinge loss of P1 sec. 3.1 for scores x (n x C) and labels y:
/// l_s = (1/C)? sum_{j != y_s} max(0, margin - x_{s,y_s} + x_{s,j})^2, then the mean or the sum of l_s
/// over the batch (<see cref="TrainingConvention"/>). With mean and the division by C this is PyTorch's
/// <c>MultiMarginLoss(p=2, margin)</c>.
/// </summary>
public static class MultiClassHingeLoss
{
    /// <summary>PyTorch's <c>MultiMarginLoss(p=2, margin)</c>: mean over the batch, each sample divided by C.</summary>
    /// <param name="scores">Scores x, shape (n, C), floating point.</param>
    /// <param name="labels">Class indices y in 0..C-1, shape (n), int64.</param>
    /// <param name="margin">The margin (default 1).</param>
    public static Tensor Squared(Tensor scores, Tensor labels, double margin = 1.0) =>
        Squared(scores, labels, margin, LossReduction.Mean, divideByClasses: true);

    /// <summary>The loss under a given convention, a scalar tensor that carries gradients to <paramref name="scores"/>.</summary>
    /// <param name="scores">Scores x, shape (n, C), floating point.</param>
    /// <param name="labels">Class indices y in 0..C-1, shape (n), int64.</param>
    /// <param name="margin">The margin.</param>
    /// <param name="reduction">Mean or sum over the batch.</param>
    /// <param name="divideByClasses">Whether each sample's sum over j != y is divided by C.</param>
    public static Tensor Squared(Tensor scores, Tensor labels, double margin, LossReduction reduction, bool divideByClasses)
    {
        ArgumentNullException.ThrowIfNull(scores);
        ArgumentNullException.ThrowIfNull(labels);
        if (scores.dim() != 2) throw new ArgumentException($"scores must be 2-D (n, C), got {scores.dim()}-D", nameof(scores));
        if (labels.dim() != 1 || labels.shape[0] != scores.shape[0])
            throw new ArgumentException($"labels must be 1-D of length {scores.shape[0]}", nameof(labels));
        if (!Enum.IsDefined(reduction)) throw new ArgumentOutOfRangeException(nameof(reduction), reduction, null);
        using var scope = NewDisposeScope();
        long c = scores.shape[1];
        // explicit scalars held to the end of the method: an implicitly converted Scalar can be finalized (its native
        // value freed) while libtorch still reads it, which once made a long run fail in masked_fill's toFloat
        using var zero = 0.0.ToScalar();
        using var marginScalar = margin.ToScalar();
        using var classes = ((double)c).ToScalar();
        var y = labels.unsqueeze(1);
        var xy = scores.gather(1, y);
        var violation = scores.sub(xy).Plus(marginScalar).clamp_min(zero);
        var isLabel = arange(c, dtype: ScalarType.Int64, device: scores.device).unsqueeze(0).eq(y);
        var perSample = violation.mul(violation).masked_fill(isLabel, zero).sum(1);
        if (divideByClasses) perSample = perSample.div(classes);
        var loss = reduction == LossReduction.Mean ? perSample.mean() : perSample.sum();
        return loss.MoveToOuterDisposeScope();
    }

    /// <summary>The loss under <paramref name="convention"/> (its margin, reduction and division by C).</summary>
    public static Tensor Squared(Tensor scores, Tensor labels, TrainingConvention convention)
    {
        ArgumentNullException.ThrowIfNull(convention);
        return Squared(scores, labels, convention.Margin, convention.Reduction, convention.DivideByClasses);
    }
}
