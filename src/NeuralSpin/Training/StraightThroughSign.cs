using NeuralSpin.Numerics;
using TorchSharp;
using static TorchSharp.torch;

namespace NeuralSpin.Training;

/// <summary>
/// The binarized network's activation (P1 28-29, docs/theory.md section 9): forward
/// step(x) = -1 for x &lt; 0 and +1 for x &gt;= 0 (so step(0) = step(-0) = +1), backward the derivative
/// of hard-tanh, i.e. the incoming gradient is passed where |x| &lt;= 1 and zeroed elsewhere.
/// </summary>
/// <remarks>
/// Implemented as x_ste = h + (step(x) - h).detach() with h = clamp(x, -1, 1).
/// <list type="bullet">
/// <item>Forward is exactly +-1 in floating point: h and step(x) have the same sign and |h| &lt;= 1,
/// so fl(s - h) has error at most half an ulp of 1/2 and h + fl(s - h) rounds back to s (checked in the
/// tests over the whole float range, signed zeros and the boundaries).</item>
/// <item>clamp's backward passes the gradient on the closed interval [-1, 1] (libtorch's clamp_backward
/// uses min &lt;= x &lt;= max). TorchSharp 0.107's <c>nn.functional.hardtanh</c> is not used: in this
/// build its gradient was 1 everywhere, also outside [-1, 1].</item>
/// </list>
/// </remarks>
public static class StraightThroughSign
{
    /// <summary>Applies the straight-through sign to every element (any floating dtype).</summary>
    public static Tensor Apply(Tensor x)
    {
        ArgumentNullException.ThrowIfNull(x);
        using var scope = NewDisposeScope();
        var h = x.clamp(MinusOne, One);
        Tensor step;
        using (no_grad())
            step = x.ge(Zero).to(x.dtype).mul(Two).sub(One);
        return h.Plus(step.sub(h).detach()).MoveToOuterDisposeScope();
    }

    /// <summary>The forward value alone, step(x) in {-1, +1}, without autograd.</summary>
    public static Tensor Step(Tensor x)
    {
        ArgumentNullException.ThrowIfNull(x);
        using var _ = no_grad();
        using var scope = NewDisposeScope();
        return x.ge(Zero).to(x.dtype).mul(Two).sub(One).MoveToOuterDisposeScope();
    }

    // Held for the process's life: TorchSharp's implicitly converted Scalars are finalizable temporaries that can be freed
    // while libtorch reads them (MomentumSgd's remarks); these are never collected.
    static readonly Scalar Zero = 0.0.ToScalar(), One = 1.0.ToScalar(), MinusOne = (-1.0).ToScalar(), Two = 2.0.ToScalar();
}
