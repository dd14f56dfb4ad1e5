using NeuralSpin.Classic;
using NeuralSpin.SpinModel;

namespace NeuralSpin.Tests.Classic;

/// <summary>Fully connected ferromagnets wrapped as <see cref="SkInstance"/>s (scale 1): instances whose TAP solutions are known
/// from a scalar equation, for the TAP-solution and TAP-state tests.</summary>
static class MeanFieldInstances
{
    /// <summary>Curie-Weiss couplings J_ij = J0/N (i != j).</summary>
    public static DenseCoupling CurieWeiss(int n, double j0 = 1) => Blocks(n, j0, j0);

    /// <summary>A Curie-Weiss ferromagnet J_ij = J0/N in the uniform field h.</summary>
    public static SkInstance CurieWeissInstance(int n, double j0, double h) =>
        new(CurieWeiss(n, j0), Enumerable.Repeat(h, n).ToArray(), 1.0, 0, SkField.Zero);

    /// <summary>Two blocks of N/2 spins, J_ij = within/N inside a block and across/N between them, without a field.</summary>
    public static SkInstance TwoBlocks(int n, double within, double across, long seed = 0) =>
        new(Blocks(n, within, across), new double[n], 1.0, seed, SkField.Zero);

    static DenseCoupling Blocks(int n, double within, double across)
    {
        var a = new double[n * n];
        for (int i = 0; i < n; i++)
            for (int k = 0; k < n; k++)
                if (i != k) a[i * n + k] = (i < n / 2 == k < n / 2 ? within : across) / n;
        return new DenseCoupling(n, a);
    }
}
