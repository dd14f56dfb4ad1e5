namespace NeuralSpin.Ising;

/// <summary>
/// A pairwise Ising model E(s) = -1/2 s^T J s - h^T s on spins s_i = +-1 at inverse temperature beta,
/// P(s) = exp(-beta E(s)) / Z (docs/theory.md section 7; P2 absorbs beta, i.e. beta = 1). J is dense,
/// symmetric and zero on the diagonal; everything is validated on construction.
/// </summary>
public sealed class IsingModel
{
    readonly double[] _j;
    readonly double[] _h;

    /// <summary>Relative asymmetry of J tolerated as rounding (<see cref="NeuralSpin.Numerics.Precision.SymmetryTolerance"/>).</summary>
    public const double SymmetryTolerance = NeuralSpin.Numerics.Precision.SymmetryTolerance;

    /// <summary>Creates the model; J is row-major N x N, h has N entries.</summary>
    /// <exception cref="ArgumentNullException">J or h is null.</exception>
    /// <exception cref="ArgumentException">Shape mismatch, NaN or infinite entries, a non-zero diagonal, or J asymmetric beyond rounding.</exception>
    public IsingModel(int n, double[] couplingsRowMajor, double[] fields, double beta = 1.0)
    {
        ArgumentNullException.ThrowIfNull(couplingsRowMajor);
        ArgumentNullException.ThrowIfNull(fields);
        if (n < 1) throw new ArgumentException("an Ising model needs at least one spin");
        if (couplingsRowMajor.LongLength != (long)n * n) throw new ArgumentException($"J must be {n} x {n} ({(long)n * n} entries), got {couplingsRowMajor.Length}");
        if (fields.Length != n) throw new ArgumentException($"h must have {n} entries, got {fields.Length}");
        if (!double.IsFinite(beta) || beta < 0) throw new ArgumentException($"beta must be finite and non-negative, got {beta}");
        double scale = 0;
        for (long k = 0; k < couplingsRowMajor.LongLength; k++)
        {
            double v = couplingsRowMajor[k];
            if (!double.IsFinite(v)) throw new ArgumentException($"J has a NaN or infinite entry at ({k / n},{k % n})");
            scale = Math.Max(scale, Math.Abs(v));
        }
        for (int i = 0; i < n; i++)
        {
            if (!double.IsFinite(fields[i])) throw new ArgumentException($"h has a NaN or infinite entry at {i}");
            if (couplingsRowMajor[(long)i * n + i] != 0) throw new ArgumentException($"J has a non-zero diagonal entry at ({i},{i})");
            for (int j = i + 1; j < n; j++)
                if (Math.Abs(couplingsRowMajor[(long)i * n + j] - couplingsRowMajor[(long)j * n + i]) > SymmetryTolerance * scale)
                    throw new ArgumentException($"J is not symmetric at ({i},{j}): {couplingsRowMajor[(long)i * n + j]:R} vs {couplingsRowMajor[(long)j * n + i]:R}");
        }
        Size = n;
        Beta = beta;
        _j = (double[])couplingsRowMajor.Clone();
        // store exactly symmetric couplings (the mean of the two triangles)
        for (int i = 0; i < n; i++)
            for (int j = i + 1; j < n; j++)
            {
                double m = 0.5 * (_j[(long)i * n + j] + _j[(long)j * n + i]);
                _j[(long)i * n + j] = m;
                _j[(long)j * n + i] = m;
            }
        _h = (double[])fields.Clone();
    }

    /// <summary>Number of spins N.</summary>
    public int Size { get; }

    /// <summary>Inverse temperature.</summary>
    public double Beta { get; }

    /// <summary>J_ij.</summary>
    /// <exception cref="ArgumentOutOfRangeException">i or j is not a spin index (0 to N - 1).</exception>
    public double Coupling(int i, int j)
    {
        if (i < 0 || i >= Size) throw new ArgumentOutOfRangeException(nameof(i), i, $"a spin index must be in [0, {Size})");
        if (j < 0 || j >= Size) throw new ArgumentOutOfRangeException(nameof(j), j, $"a spin index must be in [0, {Size})");
        return _j[(long)i * Size + j];
    }

    /// <summary>h_i.</summary>
    public double Field(int i) => _h[i];

    /// <summary>J as a read-only row-major view.</summary>
    public ReadOnlySpan<double> Couplings => _j;

    /// <summary>h as a read-only view.</summary>
    public ReadOnlySpan<double> Fields => _h;

    /// <summary>A copy of J (row-major).</summary>
    public double[] CouplingsCopy() => (double[])_j.Clone();

    /// <summary>A copy of h.</summary>
    public double[] FieldsCopy() => (double[])_h.Clone();

    /// <summary>
    /// The largest |E(s)| any configuration can have, sum_i |h_i| + sum_{i&lt;j} |J_ij| (an upper bound, reached when every term
    /// can be made negative at once). Summed in float64, so infinite if the terms overflow.
    /// </summary>
    public double EnergyScale
    {
        get
        {
            double e = 0;
            for (int i = 0; i < Size; i++)
            {
                e += Math.Abs(_h[i]);
                for (int j = i + 1; j < Size; j++) e += Math.Abs(_j[(long)i * Size + j]);
            }
            return e;
        }
    }

    /// <summary>
    /// The largest beta x <see cref="EnergyScale"/> the thermodynamics can be computed with in float64: 1e100. Beyond it
    /// energies, entropies beta (E - F) and their sums overflow or lose every digit; no physical model comes near it
    /// (beta E_max is a few hundred for the models of this project).
    /// </summary>
    public const double MaxReducedEnergyScale = 1e100;

    /// <summary>The same model at another inverse temperature.</summary>
    public IsingModel WithBeta(double beta) => new(Size, _j, _h, beta);

    /// <summary>The same couplings with other fields.</summary>
    public IsingModel WithFields(double[] fields) => new(Size, _j, fields, Beta);

    /// <summary>E(s) = -1/2 s^T J s - h^T s for a configuration of +-1 values.</summary>
    public double Energy(ReadOnlySpan<sbyte> s)
    {
        if (s.Length != Size) throw new ArgumentException($"a configuration needs {Size} spins, got {s.Length}");
        double e = 0;
        for (int i = 0; i < Size; i++)
        {
            double row = 0;
            var ji = _j.AsSpan(i * Size, Size);
            for (int j = i + 1; j < Size; j++)
                // Stryker disable once Arithmetic : spins are +-1, so J_ij / s_j = J_ij s_j
                row += ji[j] * s[j];
            e -= s[i] * (row + _h[i]);
        }
        return e;
    }

    /// <summary>The local field H_i = h_i + sum_j J_ij s_j.</summary>
    public double LocalField(ReadOnlySpan<sbyte> s, int i)
    {
        double f = _h[i];
        var ji = _j.AsSpan(i * Size, Size);
        // Stryker disable once Arithmetic : spins are +-1, so J_ij / s_j = J_ij s_j
        for (int j = 0; j < Size; j++) f += ji[j] * s[j];
        return f;
    }

    /// <summary>The neighbours of spin i (non-zero couplings), for sparse message passing.</summary>
    public int[] Neighbours(int i)
    {
        var list = new List<int>();
        for (int j = 0; j < Size; j++) if (j != i && _j[(long)i * Size + j] != 0) list.Add(j);
        return list.ToArray();
    }
}
