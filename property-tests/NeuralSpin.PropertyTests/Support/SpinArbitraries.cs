using FsCheck;
using FsCheck.Fluent;
using MathNet.Numerics.LinearAlgebra;
using MathNet.Numerics.LinearAlgebra.Factorization;
using NeuralSpin.SpinModel;

namespace NeuralSpin.PropertyTests.Support;

/// <summary>A small layered network: widths, blocks J^(k) (row-major N_{k-1} x N_k), an inverse temperature and a grid parameter.</summary>
public sealed record LayeredCase(int[] Widths, double[][] Blocks, double Beta, int Knob)
{
    public BondMatrix Coupling() => new(Widths, Blocks);

    public override string ToString() =>
        $"widths [{string.Join(",", Widths)}], beta {Beta}, knob {Knob}, blocks [{string.Join(" | ", Blocks.Select(b => string.Join(",", b)))}]";
}

/// <summary>
/// A Kaiming-type layered network drawn by BondMatrix.Sample(widths, c, new Random(seed)) with a planted rank-one outlier
/// theta u v^T in J^(1) (u, v unit, entries NextDouble() - 0.5 of new Random(seed + 1)), a level index and a path switch.
/// </summary>
public sealed record SpikedCase(int[] Widths, double[] C, int Seed, double Theta, int LevelIndex, bool Dense)
{
    public BondMatrix Coupling()
    {
        var j = BondMatrix.Sample(Widths, C, new Random(Seed));
        if (Theta == 0) return j;
        var rng = new Random(Seed + 1);
        var u = Enumerable.Range(0, Widths[0]).Select(_ => rng.NextDouble() - 0.5).ToArray();
        var v = Enumerable.Range(0, Widths[1]).Select(_ => rng.NextDouble() - 0.5).ToArray();
        double nu = Math.Sqrt(u.Sum(x => x * x)), nv = Math.Sqrt(v.Sum(x => x * x));
        var blocks = Enumerable.Range(1, j.BlockCount).Select(j.BlockCopy).ToArray();
        for (int i = 0; i < Widths[0]; i++)
            for (int k = 0; k < Widths[1]; k++) blocks[0][i * Widths[1] + k] += Theta * u[i] / nu * v[k] / nv;
        return new BondMatrix(Widths, blocks);
    }

    public override string ToString() =>
        $"widths [{string.Join(",", Widths)}], C [{string.Join(",", C)}], seed {Seed}, theta {Theta}, level index {LevelIndex}, dense {Dense}";
}

/// <summary>
/// Generators on integer grids scaled to doubles: widths 1..8, depths (layers) 2..5, J entries k/10 for k in -10..10,
/// beta = k/10 for k in 1..20, and a knob in 0..12 (a shift or level index chosen by each property).
/// At most 5 * 8 = 40 spins, so dense MathNet oracles cost well under a millisecond.
/// </summary>
public static class SpinArbitraries
{
    public static Gen<double> Grid(int lo, int hi, double scale) => Gen.Choose(lo, hi).Select(k => k * scale);

    public static Arbitrary<LayeredCase> LayeredCase()
    {
        var gen =
            from depth in Gen.Choose(2, 5)
            from widths in Gen.Choose(1, 8).ArrayOf(depth)
            from blocks in Gen.CollectToArray(Enumerable.Range(1, depth - 1), k => Grid(-10, 10, 0.1).ArrayOf(widths[k - 1] * widths[k]))
            from beta in Grid(1, 20, 0.1)
            from knob in Gen.Choose(0, 12)
            select new LayeredCase(widths, blocks, beta, knob);
        return Arb.From(gen);
    }

    /// <summary>Spiked networks: 3 or 4 layers of 3..30 spins, C_k in {0.5, 1, 2, 4} per block, theta in {0, 2, 3, 5}.</summary>
    public static Arbitrary<SpikedCase> SpikedCase()
    {
        var gen =
            from depth in Gen.Choose(3, 4)
            from widths in Gen.Choose(3, 30).ArrayOf(depth)
            from c in Gen.Elements(0.5, 1.0, 2.0, 4.0).ArrayOf(depth - 1)
            from seed in Gen.Choose(0, 100000)
            from theta in Gen.Elements(0.0, 2.0, 3.0, 5.0)
            from levelIndex in Gen.Choose(0, 3)
            from dense in Gen.Elements(true, false)
            select new SpikedCase(widths, c, seed, theta, levelIndex, dense);
        return Arb.From(gen);
    }
}

/// <summary>Slow, obviously correct references (MathNet managed Evd, naive loops).</summary>
public static class Oracle
{
    /// <summary>Ascending eigenvalues of a symmetric row-major matrix.</summary>
    public static double[] Eigenvalues(double[] rowMajor, int n)
    {
        var evd = Matrix<double>.Build.DenseOfRowMajor(n, n, rowMajor).Evd(Symmetricity.Symmetric);
        return evd.EigenValues.Select(z => z.Real).OrderBy(x => x).ToArray();
    }

    /// <summary>The dense J assembled by naive loops from the blocks (P1 2-4: J^(k) above the diagonal, its transpose below).</summary>
    public static double[] DenseJ(int[] widths, double[][] blocks)
    {
        int n = widths.Sum();
        var a = new double[n * n];
        int o0 = 0;
        for (int k = 1; k < widths.Length; k++)
        {
            int r = widths[k - 1], c = widths[k], o1 = o0 + r;
            for (int i = 0; i < r; i++)
                for (int j = 0; j < c; j++)
                    a[(o0 + i) * n + o1 + j] = a[(o1 + j) * n + o0 + i] = blocks[k - 1][i * c + j];
            o0 = o1;
        }
        return a;
    }

    /// <summary>I - beta J + beta^2 diag(d) - shift I (docs/theory.md section 4), naive loops.</summary>
    public static double[] IdentityMinusM(double[] j, int n, double beta, double shift = 0)
    {
        var a = new double[n * n];
        for (int i = 0; i < n; i++)
        {
            double d = 0;
            for (int k = 0; k < n; k++) d += j[i * n + k] * j[i * n + k];
            for (int k = 0; k < n; k++) a[i * n + k] = -beta * j[i * n + k];
            a[i * n + i] += 1 + beta * beta * d - shift;
        }
        return a;
    }

    public static double LambdaMin(double[] j, int n, double beta) => Eigenvalues(IdentityMinusM(j, n, beta), n)[0];

    /// <summary>The leading principal submatrix of order m.</summary>
    public static double[] Leading(double[] a, int n, int m)
    {
        var b = new double[m * m];
        for (int i = 0; i < m; i++)
            for (int k = 0; k < m; k++) b[i * m + k] = a[i * n + k];
        return b;
    }
}
