using TorchSharp;
using static TorchSharp.torch;

namespace NeuralSpin.Numerics;

/// <summary>
/// Tensor-scalar operations whose native scalar is held alive until libtorch returns. TorchSharp converts a .NET number
/// to a finalizable <see cref="Scalar"/> that nothing keeps alive once its handle is taken, so the finalizer thread can
/// free it during the call (Training/MomentumSgd's remarks; it crashed long runs and a test run here). These create the
/// same scalar types the implicit conversions would (double to Float64, int and long to Int64), so results are unchanged.
/// </summary>
public static class HeldScalars
{
    /// <summary>t / v.</summary>
    public static Tensor DivBy(this Tensor t, double v) { using var s = v.ToScalar(); return t.div(s); }

    /// <inheritdoc cref="DivBy(Tensor, double)"/>
    public static Tensor DivBy(this Tensor t, int v) { using var s = v.ToScalar(); return t.div(s); }

    /// <inheritdoc cref="DivBy(Tensor, double)"/>
    public static Tensor DivBy(this Tensor t, long v) { using var s = v.ToScalar(); return t.div(s); }

    /// <summary>t * v.</summary>
    public static Tensor MulBy(this Tensor t, double v) { using var s = v.ToScalar(); return t.mul(s); }

    /// <summary>
    /// The alpha 1 of additions, held for the life of the process: <c>Tensor.add(x)</c> without an alpha converts the literal
    /// 1 into a temporary scalar that the finalizer can free during the call (a training run failed in add_Scalar's check).
    /// </summary>
    public static Scalar One { get; } = 1.ToScalar();

    /// <summary>t + v.</summary>
    public static Tensor AddScalar(this Tensor t, double v) { using var s = v.ToScalar(); return t.add(s, One); }

    /// <summary>t + s, with the held alpha <see cref="One"/>.</summary>
    public static Tensor Plus(this Tensor t, Scalar s) => t.add(s, One);

    /// <summary>t + u, with the held alpha <see cref="One"/>.</summary>
    public static Tensor Plus(this Tensor t, Tensor u) => t.add(u, One);
}
