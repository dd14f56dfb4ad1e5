using NeuralSpin.SpinModel;
using NeuralSpin.Tap;

namespace NeuralSpin.Tests.Tap;

/// <summary>Independent dense reference computations shared by the TAP tests.</summary>
internal static class TapTestSupport
{
    /// <summary>A layered bond matrix with N(0, 1/N_{k-1}) blocks (C = 1), widths 3-4-2.</summary>
    public static BondMatrix SmallBondMatrix(int seed) => BondMatrix.Sample(new[] { 3, 4, 2 }, new[] { 1.0 }, new Random(seed));

    /// <summary>All-to-all J_ij = j0 / n for i != j, zero diagonal (Curie-Weiss-like ferromagnet).</summary>
    public static DenseCoupling CurieWeiss(int n, double j0)
    {
        var a = new double[n * n];
        for (int i = 0; i < n; i++)
            for (int k = 0; k < n; k++)
                if (i != k) a[i * n + k] = j0 / n;
        return new DenseCoupling(n, a);
    }

    /// <summary>y = A x for a row-major n x n matrix (plain loops, no library code).</summary>
    public static double[] MatVec(double[] a, int n, double[] x)
    {
        var y = new double[n];
        for (int i = 0; i < n; i++)
        {
            double s = 0;
            for (int k = 0; k < n; k++) s += a[i * n + k] * x[k];
            y[i] = s;
        }
        return y;
    }

    /// <summary>M = beta J - beta^2 diag(d) (P1 23), d_i = sum_l J_il^2 summed from the dense matrix.</summary>
    public static double[] ReferenceM(ISymmetricCoupling j, double beta)
    {
        int n = j.Size;
        var a = j.ToDenseRowMajor();
        var m = new double[n * n];
        for (int i = 0; i < n; i++)
        {
            double d = 0;
            for (int k = 0; k < n; k++) d += a[i * n + k] * a[i * n + k];
            for (int k = 0; k < n; k++) m[i * n + k] = beta * a[i * n + k];
            m[i * n + i] -= beta * beta * d;
        }
        return m;
    }

    /// <summary>
    /// Central-difference Jacobian, row-major (row = output i, column = input k), of the TAP map
    /// m -> tanh(beta J m - beta^2 m o ((J o J)(1 - m^2))) (zero fields, m(t-1) = m(t) = m) at m = 0,
    /// evaluated through <see cref="TapSolver.Step"/>.
    /// </summary>
    public static double[] TapMapJacobianAtZero(ISymmetricCoupling j, double beta, double step)
    {
        int n = j.Size;
        var jac = new double[n * n];
        var plus = new double[n];
        var minus = new double[n];
        var outPlus = new double[n];
        var outMinus = new double[n];
        for (int k = 0; k < n; k++)
        {
            Array.Clear(plus); Array.Clear(minus);
            plus[k] = step; minus[k] = -step;
            TapSolver.Step(j, beta, default, plus, plus, outPlus);
            TapSolver.Step(j, beta, default, minus, minus, outMinus);
            for (int i = 0; i < n; i++) jac[i * n + k] = (outPlus[i] - outMinus[i]) / (2 * step);
        }
        return jac;
    }

    /// <summary>Uniform deviates in [-a, a].</summary>
    public static double[] Uniform(Random rng, int n, double a)
    {
        var v = new double[n];
        for (int i = 0; i < n; i++) v[i] = a * (2 * rng.NextDouble() - 1);
        return v;
    }

    /// <summary>N(0, sd^2) deviates.</summary>
    public static double[] Normal(Random rng, int n, double sd)
    {
        var v = new double[n];
        for (int i = 0; i < n; i++) v[i] = sd * Gaussian.Sample(rng);
        return v;
    }
}
