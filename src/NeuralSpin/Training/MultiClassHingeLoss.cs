using TorchSharp;
using static TorchSharp.torch;

namespace NeuralSpin.Training;

/// <summary>
/// The L2 (squared) multi-class hinge loss of P1 sec. 3.1, PyTorch's <c>MultiMarginLoss(p=2, margin)</c>
/// with mean reduction: for scores x (n x C) and labels y,
/// loss = (1/n) sum_s (1/C) sum_{j != y_s} max(0, margin - x_{s,y_s} + x_{s,j})^2.
/// </summary>
public static class MultiClassHingeLoss
{
    /// <summary>The mean squared hinge loss, a scalar tensor that carries gradients to <paramref name="scores"/>.</summary>
    /// <param name="scores">Scores x, shape (n, C), floating point.</param>
    /// <param name="labels">Class indices y in 0..C-1, shape (n), int64.</param>
    /// <param name="margin">The margin (Table 1; default 1, see NOTATION.md section 9).</param>
    public static Tensor Squared(Tensor scores, Tensor labels, double margin = 1.0)
    {
        ArgumentNullException.ThrowIfNull(scores);
        ArgumentNullException.ThrowIfNull(labels);
        if (scores.dim() != 2) throw new ArgumentException($"scores must be 2-D (n, C), got {scores.dim()}-D", nameof(scores));
        if (labels.dim() != 1 || labels.shape[0] != scores.shape[0])
            throw new ArgumentException($"labels must be 1-D of length {scores.shape[0]}", nameof(labels));
        using var scope = NewDisposeScope();
        long c = scores.shape[1];
        var y = labels.unsqueeze(1);
        var xy = scores.gather(1, y);
        var violation = scores.sub(xy).add(margin).clamp_min(0);
        var isLabel = arange(c, dtype: ScalarType.Int64, device: scores.device).unsqueeze(0).eq(y);
        var terms = violation.mul(violation).masked_fill(isLabel, 0);
        return terms.sum(1).div(c).mean().MoveToOuterDisposeScope();
    }
}
