using System.Buffers.Binary;
using System.Text.Json;
using MathNet.Numerics.LinearAlgebra;

namespace NeuralSpin.Tests.Golden;

/// <summary>
/// A slow reference for the network analysis written from the equations of docs/theory.md sections 1, 2, 4 and 6,
/// sharing no code with the library (its own safetensors reader, MathNet's managed dense eigensolver, a naive LDL^T
/// inertia count, bisection). Only for the golden sizes (a few hundred spins). It writes the expected values of the
/// untrained golden cases (<see cref="Analyse"/>).
/// <list type="bullet">
/// <item>J: the symmetric block-tridiagonal matrix with blocks J^(k) = W^(k)^T (section 1); d_i = sum_j J_ij^2;
/// C_k = N_{k-1} mean_ij (J^(k)_ij)^2; lambda_min(R) = -max_i d_i.</item>
/// <item>the replica T_c (section 2): T_c^2 = lambda_max(A) of the (L+1) x (L+1) matrix A = D^-1/2 B D^-1/2 with zero
/// diagonal and A_{k-1,k} = C_k sqrt(N_k / N_{k-1}), by MathNet's dense eigensolver.</item>
/// <item>lambda_min(beta): smallest eigenvalue of I - beta J + beta^2 diag(d) (section 4), MathNet Evd.</item>
/// <item>the curve minimum: a grid, then bisection on the sign of d lambda_min / d beta = v^T (-J + 2 beta diag(d)) v
/// (Hellmann-Feynman, v the lowest unit eigenvector) down to 1e-13 relative, so its location is limited by the
/// rounding of that slope (~1e-12), not by the flatness of the curve.</item>
/// <item>the first crossing of a level c: the smallest beta with an eigenvalue of I - M(beta) - c I at or below 0, i.e. a
/// non-positive pivot in its LDL^T factorisation (Sylvester's law of inertia), located by a grid (plus the curve
/// minimum, so that a dip between grid points is not missed) then bisection to 1e-14 relative.</item>
/// <item>the level spacing: s_0 / median of the consecutive spacings of the full spectrum of I - M (section 6), taken at
/// beta_c(c_0) if it exists, else at beta_c, else at the curve minimum.</item>
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

    /// <summary>The reference for a layered bond matrix: its widths and copies of its blocks J^(k) (nothing else of it is used).</summary>
    public static IndependentReference Of(NeuralSpin.SpinModel.BondMatrix j) =>
        new(j.Widths.ToArray(), Enumerable.Range(1, j.BlockCount).Select(j.BlockCopy).ToList());

    /// <summary>Reads F64 or F32 tensors layers.{k}.weight (W^(k), N_k x N_{k-1}) of a safetensors file with a reader written here (F32 widened exactly).</summary>
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
            string dtype = t.Value.GetProperty("dtype").GetString()!;
            if (dtype is not ("F64" or "F32")) throw new InvalidDataException($"{path}: {t.Name} is {dtype}, not F64 or F32");
            int size = dtype == "F64" ? 8 : 4;
            var shape = t.Value.GetProperty("shape").EnumerateArray().Select(e => e.GetInt32()).ToArray();
            var offs = t.Value.GetProperty("data_offsets").EnumerateArray().Select(e => e.GetInt64()).ToArray();
            int outN = shape[0], inN = shape[1];
            if (widths.Count == 0) widths.Add(inN);
            widths.Add(outN);
            var jk = new double[inN * outN]; // J^(k) = W^T: row i (input), column o (output)
            long start = 8 + headerLength + offs[0];
            for (int o = 0; o < outN; o++)
                for (int i = 0; i < inN; i++)
                {
                    var at = bytes.AsSpan((int)(start + (long)size * (o * inN + i)), size);
                    jk[i * outN + o] = size == 8
                        ? BitConverter.Int64BitsToDouble(BinaryPrimitives.ReadInt64LittleEndian(at))
                        : BitConverter.Int32BitsToSingle(BinaryPrimitives.ReadInt32LittleEndian(at));
                }
            blocks.Add(jk);
        }
        return new IndependentReference(widths.ToArray(), blocks);
    }

    static double[] Eigenvalues(double[] a, int n) =>
        Matrix<double>.Build.DenseOfRowMajor(n, n, a).Evd(Symmetricity.Symmetric).EigenValues.Select(z => z.Real).OrderBy(x => x).ToArray();

    /// <summary>The replica T_c of docs/theory.md section 2 with this network's C_k.</summary>
    public double TcReplica() => TcReplica(Widths, C);

    /// <summary>T_c = sqrt(lambda_max(A)), A_{k-1,k} = A_{k,k-1} = C_k sqrt(N_k / N_{k-1}), zero diagonal (docs/theory.md section 2).</summary>
    public static double TcReplica(int[] widths, double[] c)
    {
        int n = widths.Length;
        if (c.Length != n - 1) throw new ArgumentException($"{n - 1} blocks need {n - 1} values of C, got {c.Length}");
        var a = new double[n * n];
        for (int k = 1; k < n; k++)
        {
            double v = c[k - 1] * Math.Sqrt((double)widths[k] / widths[k - 1]);
            a[(k - 1) * n + k] = v;
            a[k * n + k - 1] = v;
        }
        return Math.Sqrt(Eigenvalues(a, n)[^1]);
    }

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

    /// <summary>lambda_min(beta) and its slope v^T (-J + 2 beta diag(d)) v (Hellmann-Feynman; v the lowest unit eigenvector).</summary>
    public (double Value, double Slope) LambdaMinWithSlope(double beta)
    {
        var evd = Matrix<double>.Build.DenseOfRowMajor(N, N, IdentityMinusM(beta)).Evd(Symmetricity.Symmetric);
        int low = 0;
        for (int i = 1; i < N; i++) if (evd.EigenValues[i].Real < evd.EigenValues[low].Real) low = i;
        var v = evd.EigenVectors.Column(low);
        double vJv = 0, vDv = 0;
        for (int i = 0; i < N; i++)
        {
            double row = 0;
            for (int j = 0; j < N; j++) row += J[i * N + j] * v[j];
            vJv += v[i] * row;
            vDv += D[i] * v[i] * v[i];
        }
        return (evd.EigenValues[low].Real, (-vJv + 2 * beta * vDv) / v.DotProduct(v));
    }

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

    /// <summary>
    /// The smallest beta in (0, betaMax] where I - M(beta) - c I stops being positive definite, or null. The candidates
    /// are a grid of <paramref name="grid"/> points and <paramref name="alsoTry"/> (the curve minimum, where a crossing
    /// exists whenever the minimum is at or below c); the first candidate that is not positive definite is bisected against
    /// the one before it.
    /// </summary>
    public double? FirstCrossing(double c, double betaMax, int grid = 400, double? alsoTry = null)
    {
        var candidates = Enumerable.Range(1, grid).Select(i => betaMax * i / grid).ToList();
        if (alsoTry is double extra && extra > 0 && extra <= betaMax) candidates.Add(extra);
        candidates.Sort();
        double prev = 0;
        foreach (double b in candidates)
        {
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

    /// <summary>
    /// The global minimum of lambda_min on (0, betaMax]: the lowest point of a grid, then bisection on the sign of the
    /// slope (<see cref="LambdaMinWithSlope"/>) between its neighbours, to 1e-13 relative. At betaMax with a falling
    /// slope the minimum is the end point.
    /// </summary>
    public (double Beta, double Value) CurveMinimum(double betaMax, int grid = 50)
    {
        int best = 1;
        double bestValue = double.PositiveInfinity;
        for (int i = 1; i <= grid; i++)
        {
            double v = LambdaMin(betaMax * i / grid);
            if (v < bestValue) { bestValue = v; best = i; }
        }
        if (best == grid && LambdaMinWithSlope(betaMax).Slope <= 0) return (betaMax, bestValue);
        double lo = betaMax * (best - 1) / grid, hi = betaMax * Math.Min(best + 1, grid) / grid;
        if (LambdaMinWithSlope(hi).Slope <= 0 || (lo > 0 && LambdaMinWithSlope(lo).Slope >= 0))
            throw new InvalidOperationException($"the slope of lambda_min does not change sign in [{lo}, {hi}] around the lowest grid point");
        for (int iteration = 0; iteration < 200 && hi - lo > 1e-13 * hi; iteration++)
        {
            double mid = 0.5 * (lo + hi);
            if (LambdaMinWithSlope(mid).Slope > 0) hi = mid; else lo = mid;
        }
        double xm = 0.5 * (lo + hi), fm = LambdaMin(xm);
        return fm <= bestValue ? (xm, fm) : (betaMax * best / grid, bestValue);
    }

    /// <summary>
    /// The whole analysis of docs/theory.md for this network, in the fields of expected.json: n_spins, widths, C_k,
    /// the replica T_c, beta_c and beta_c(<paramref name="level"/>) with their T = 1/beta, the curve minimum,
    /// lambda_max(J), lambda_min(R), the spectra of J and of I - M at spacing_beta (beta_c(c_0), else beta_c, else the
    /// curve minimum) and the first level spacing ratio there.
    /// </summary>
    public GoldenExpected Analyse(double? level, double betaMax)
    {
        var specJ = SpectrumJ();
        var (minBeta, minValue) = CurveMinimum(betaMax);
        double? betaC = FirstCrossing(0, betaMax, alsoTry: minBeta);
        double? betaCorr = level is double c0 ? FirstCrossing(c0, betaMax, alsoTry: minBeta) : null;
        double spacingBeta = betaCorr ?? betaC ?? minBeta;
        var tap = SpectrumTap(spacingBeta);
        return new GoldenExpected(N, Widths, C, TcReplica(),
            betaC, betaC is double b ? 1 / b : null, level, betaCorr, betaCorr is double bc ? 1 / bc : null,
            minBeta, minValue, specJ[^1], -D.Max(), SpacingRatio(tap), spacingBeta, specJ, tap);
    }

    /// <summary>s_0 / median spacing of the ascending spectrum.</summary>
    public static double? SpacingRatio(double[] ascending)
    {
        if (ascending.Length < 2) return null;
        var s = new double[ascending.Length - 1];
        for (int i = 0; i < s.Length; i++) s[i] = ascending[i + 1] - ascending[i];
        var sorted = s.OrderBy(x => x).ToArray();
        int m = sorted.Length;
        double med = m % 2 == 1 ? sorted[m / 2] : 0.5 * (sorted[m / 2 - 1] + sorted[m / 2]);
        return med > 0 ? s[0] / med : null;
    }
}
