namespace NeuralSpin.SpinModel;

/// <summary>
/// A symmetric coupling matrix J with zero diagonal, accessed through products only, so that
/// structured couplings (the block-tridiagonal bond matrix of a layered network, docs/theory.md
/// section 1) never have to be stored densely. Spins are +-1 and H(sigma) = -1/2 sigma^T J sigma.
/// </summary>
public interface ISymmetricCoupling
{
    /// <summary>Number of spins N.</summary>
    int Size { get; }

    /// <summary>y = J x.</summary>
    void Multiply(ReadOnlySpan<double> x, Span<double> y);

    /// <summary>y = (J o J) x, with J o J the elementwise square (used by the TAP reaction term, P1 20).</summary>
    void MultiplySquared(ReadOnlySpan<double> x, Span<double> y);

    /// <summary>d_i = sum_l J_il^2 (docs/theory.md section 1).</summary>
    double[] RowSquareSums();

    /// <summary>The dense N x N matrix (row-major). Only for algorithms that truly need it.</summary>
    double[] ToDenseRowMajor();
}
