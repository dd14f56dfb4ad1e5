using System.Buffers.Binary;
using System.Text.Json;
using MathNet.Numerics.LinearAlgebra;

namespace NeuralSpin.Tests.Golden;

/// <summary>
/// A slow reference for the network analysis written from the equations of docs/theory.md sections 1, 4 and 6, sharing
/// no code with the library (its own safetensors reader, MathNet's managed dense eigensolver, a naive LDL^T inertia
/// count, bisection and golden section). Only for the golden sizes (a few hundred spins).
/// <list type="bullet">
/// <item>J: the symmetric block-tridiagonal matrix with blocks J^(k) = W^(k)^T (section 1); d_i = sum_j J_ij^2;
/// C_k = N_{k-1} mean_ij (J^(k)_ij)^2; lambda_min(R) = -max_i d_i.</item>
/// <item>lambda_min(beta): smallest eigenvalue of I - beta J + beta^2 diag(d) (section 4), MathNet Evd.</item>
/// <item>the first crossing of a level c: the smallest beta with an eigenvalue of I - M(beta) - c I at or below 0, i.e. a
/// negative pivot in its LDL^T factorisation (Sylvester's law of inertia), located by a grid then bisection.</item>
/// <item>the level spacing: s_0 / median of the consecutive spacings of the full spectrum of I - M (section 6).</item>
/// </list>
/// </summary>
public sealed class IndependentReference
{
    public int[] Widths { get; }
    public int N { get; }
    public double[] J { get; }  // dense row-major N x N
    public double[] D { get; }
    public double[] C { get; }

    public IndependentReference(int[] widths, IReadOnlyList<double[]> blocksJ)
    {
        Widths = widths;
        N = widths.Sum();
        J = new double[N * N];
        C = new double[widths.Length - 1];
        int off = 0;
        for (int k = 1; k < widths.Length; k++)
        {
            int rows = widths[k - 1], cols = widths[k], offNext = off + rows;
            double sq = 0;
            for (int i = 0; i < rows; i++)
                for (int j = 0; j < cols; j++)
                {
                    double v = blocksJ[k - 1][i * cols + j];
                    J[(off + i) * N + offNext + j] = v;
                    J[(offNext + j) * N + off + i] = v;
                    sq += v * v;
                }
            C[k - 1] = rows * sq / ((double)rows * cols);
            off = offNext;
        }
        D = new double[N];
        for (int i = 0; i < N; i++) for (int j = 0; j < N; j++) D[i] += J[i * N + j] * J[i * N + j];
    }

    /// <summary>Reads F64 tensors layers.{k}.weight (W^(k), N_k x N_{k-1}) of a safetensors file with a reader written here.</summary>
    public static IndependentReference FromSafeTensors(string path)
    {
        var bytes = File.ReadAllBytes(path);
        long headerLength = BinaryPrimitives.ReadInt64LittleEndian(bytes);
        using var header = JsonDocument.Parse(bytes.AsMemory(8, (int)headerLength));
        var tensors = header.RootElement.EnumerateObject().Where(p => p.Name.StartsWith("layers.")).OrderBy(p => int.Parse(p.Name.Split('.')[1])).ToList();
        var widths = new List<int>();
        var blocks = new List<double[]>();
        foreach (var t in tensors)
        {
            if (t.Value.GetProperty("dtype").GetString() != "F64") throw new InvalidDataException($"{path}: {t.Name} is not F64");
            var shape = t.Value.GetProperty("shape").EnumerateArray().Select(e => e.GetInt32()).ToArray();
            var offs = t.Value.GetProperty("data_offsets").EnumerateArray().Select(e => e.GetInt64()).ToArray();
            int outN = shape[0], inN = shape[1];
            if (widths.Count == 0) widths.Add(inN);
            widths.Add(outN);
            var jk = new double[inN * outN]; // J^(k) = W^T: row i (input), column o (output)
            long start = 8 + headerLength + offs[0];
            for (int o = 0; o < outN; o++)
                for (int i = 0; i < inN; i++)
                    jk[i * outN + o] = BitConverter.Int64BitsToDouble(BinaryPrimitives.ReadInt64LittleEndian(bytes.AsSpan((int)(start + 8L * (o * inN + i)), 8)));
            blocks.Add(jk);
        }
        return new IndependentReference(widths.ToArray(), blocks);
    }

    static double[] Eigenvalues(double[] a, int n) =>
        Matrix<double>.Build.DenseOfRowMajor(n, n, a).Evd(Symmetricity.Symmetric).EigenValues.Select(z => z.Real).OrderBy(x => x).ToArray();

    public double[] SpectrumJ() => Eigenvalues(J, N);

    public double[] IdentityMinusM(double beta, double shift = 0)
    {
        var a = new double[N * N];
        for (int i = 0; i < N; i++)
        {
            for (int j = 0; j < N; j++) a[i * N + j] = -beta * J[i * N + j];
            a[i * N + i] += 1 + beta * beta * D[i] - shift;
        }
        return a;
    }

    public double[] SpectrumTap(double beta) => Eigenvalues(IdentityMinusM(beta), N);

    public double LambdaMin(double beta) => SpectrumTap(beta)[0];

    /// <summary>Number of non-positive pivots of the LDL^T factorisation (no pivoting) of I - M(beta) - c I: 0 iff positive definite.</summary>
    public int NonPositivePivots(double beta, double c)
    {
        var a = IdentityMinusM(beta, c);
        int count = 0;
        for (int k = 0; k < N; k++)
        {
            double p = a[k * N + k];
            if (!(p > 0)) { count++; if (p == 0) p = -1e-300; }
            for (int i = k + 1; i < N; i++)
            {
                double f = a[i * N + k] / p;
                if (f == 0) continue;
                for (int j = k + 1; j <= i; j++) a[i * N + j] -= f * a[j * N + k];
            }
            for (int i = k + 1; i < N; i++) a[k * N + i] = a[i * N + k]; // keep the (unused) upper part symmetric
        }
        return count;
    }

    /// <summary>The smallest beta in (0, betaMax] where I - M(beta) - c I stops being positive definite, or null.</summary>
    public double? FirstCrossing(double c, double betaMax, int grid = 400)
    {
        double prev = 0;
        for (int i = 1; i <= grid; i++)
        {
            double b = betaMax * i / grid;
            if (NonPositivePivots(b, c) > 0)
            {
                double lo = prev, hi = b;
                while (hi - lo > 1e-14 * hi)
                {
                    double mid = 0.5 * (lo + hi);
                    if (NonPositivePivots(mid, c) > 0) hi = mid; else lo = mid;
                }
                return 0.5 * (lo + hi);
            }
            prev = b;
        }
        return null;
    }

    /// <summary>The global minimum of lambda_min on (0, betaMax]: a grid, then golden section on the best cell pair.</summary>
    public (double Beta, double Value) CurveMinimum(double betaMax, int grid = 50)
    {
        int best = 1;
        double bestValue = double.PositiveInfinity;
        for (int i = 1; i <= grid; i++)
        {
            double v = LambdaMin(betaMax * i / grid);
            if (v < bestValue) { bestValue = v; best = i; }
        }
        double lo = betaMax * (best - 1) / grid, hi = betaMax * Math.Min(best + 1, grid) / grid;
        const double g = 0.6180339887498949;
        double x1 = hi - g * (hi - lo), x2 = lo + g * (hi - lo);
        double f1 = LambdaMin(x1), f2 = LambdaMin(x2);
        while (hi - lo > 1e-9 * hi)
        {
            if (f1 < f2) { hi = x2; x2 = x1; f2 = f1; x1 = hi - g * (hi - lo); f1 = LambdaMin(x1); }
            else { lo = x1; x1 = x2; f1 = f2; x2 = lo + g * (hi - lo); f2 = LambdaMin(x2); }
        }
        double xm = 0.5 * (lo + hi), fm = LambdaMin(xm);
        return fm <= bestValue ? (xm, fm) : (betaMax * best / grid, bestValue);
    }

    /// <summary>s_0 / median spacing of the ascending spectrum.</summary>
    public static double? SpacingRatio(double[] ascending)
    {
        var s = new double[ascending.Length - 1];
        for (int i = 0; i < s.Length; i++) s[i] = ascending[i + 1] - ascending[i];
        var sorted = s.OrderBy(x => x).ToArray();
        int m = sorted.Length;
        double med = m % 2 == 1 ? sorted[m / 2] : 0.5 * (sorted[m / 2 - 1] + sorted[m / 2]);
        return med > 0 ? s[0] / med : null;
    }
}
