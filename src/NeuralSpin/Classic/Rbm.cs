using NeuralSpin.Ising;
using NeuralSpin.Numerics;

namespace NeuralSpin.Classic;

/// <summary>
/// A restricted Boltzmann machine with +-1 visible units v (N_v) and +-1 hidden units h (N_h) (papers/002, "Restricted
/// Boltzmann Machines"; docs/theory.md section 8): E(v, h) = -b.v - c.h - v^T W h, P(v, h) = exp(-E)/Z (beta = 1),
/// W of shape N_v x N_h (row-major), b the visible and c the hidden biases.
/// <para>
/// Marginalisation (exact): summing h_mu = +-1 out of exp(b.v + c.h + v^T W h) factorises over mu, giving
/// P(v) = exp(-H_eff(v))/Z with H_eff(v) = -b.v - sum_mu ln(2 cosh(c_mu + x_mu(v))), x_mu(v) = sum_i W_i mu v_i.
/// </para>
/// <para>
/// Small-coupling expansion (<see cref="QuadraticExpansion"/>): with t_mu = tanh c_mu,
/// ln 2cosh(c + x) = ln 2cosh c + t x + (1 - t^2) x^2/2 + O(x^3) (d/dx ln cosh = tanh, d^2/dx^2 = 1 - tanh^2; the
/// x^3 coefficient is -t (1 - t^2)/3, so it vanishes at c = 0 and the error is then O(x^4), coefficient -1/12).
/// Since v_i^2 = 1, x_mu^2 = sum_i W_i mu^2 + sum_{i != j} W_i mu W_j mu v_i v_j, hence
/// H_quad(v) = const - sum_i h_i v_i - 1/2 sum_{i != j} J_ij v_i v_j with
/// h_i = b_i + sum_mu W_i mu t_mu, J_ij = sum_mu (1 - t_mu^2) W_i mu W_j mu (i != j; J = W W^T off the diagonal, the
/// Hopfield form, at c = 0), and const = -sum_mu [ln 2cosh c_mu + (1 - t_mu^2)/2 sum_i W_i mu^2].
/// So H_eff - H_quad = O(W^3) for c != 0 and O(W^4) for c = 0.
/// </para>
/// </summary>
public sealed class Rbm
{
    readonly double[] _w, _b, _c;

    /// <summary>Creates the machine; <paramref name="weights"/> is N_v x N_h row-major.</summary>
    /// <exception cref="ArgumentException">Sizes below 1, shape mismatches, NaN or infinite entries.</exception>
    public Rbm(int visible, int hidden, double[] weights, double[]? visibleBias = null, double[]? hiddenBias = null)
    {
        if (visible < 1 || hidden < 1) throw new ArgumentException($"an RBM needs at least one visible and one hidden unit, got {visible} x {hidden}");
        if (weights.LongLength != (long)visible * hidden) throw new ArgumentException($"W must be {visible} x {hidden} ({(long)visible * hidden} entries), got {weights.LongLength}");
        visibleBias ??= new double[visible];
        hiddenBias ??= new double[hidden];
        if (visibleBias.Length != visible) throw new ArgumentException($"b must have {visible} entries (one per visible unit), got {visibleBias.Length}");
        if (hiddenBias.Length != hidden) throw new ArgumentException($"c must have {hidden} entries (one per hidden unit), got {hiddenBias.Length}");
        for (long k = 0; k < weights.LongLength; k++)
            if (!double.IsFinite(weights[k])) throw new ArgumentException($"W[{k / hidden}, {k % hidden}] is {weights[k]}; weights must be finite");
        for (int i = 0; i < visible; i++)
            if (!double.IsFinite(visibleBias[i])) throw new ArgumentException($"b[{i}] is {visibleBias[i]}; biases must be finite");
        for (int m = 0; m < hidden; m++)
            if (!double.IsFinite(hiddenBias[m])) throw new ArgumentException($"c[{m}] is {hiddenBias[m]}; biases must be finite");
        Visible = visible;
        Hidden = hidden;
        _w = (double[])weights.Clone();
        _b = (double[])visibleBias.Clone();
        _c = (double[])hiddenBias.Clone();
    }

    /// <summary>N_v.</summary>
    public int Visible { get; }

    /// <summary>N_h.</summary>
    public int Hidden { get; }

    /// <summary>W_i mu.</summary>
    public double Weight(int i, int mu) => _w[(long)i * Hidden + mu];

    /// <summary>W row-major (N_v x N_h).</summary>
    public ReadOnlySpan<double> Weights => _w;

    /// <summary>b.</summary>
    public ReadOnlySpan<double> VisibleBias => _b;

    /// <summary>c.</summary>
    public ReadOnlySpan<double> HiddenBias => _c;

    /// <summary>The same machine with W multiplied by <paramref name="scale"/> (biases kept).</summary>
    public Rbm WithWeightScale(double scale) => new(Visible, Hidden, _w.Select(x => x * scale).ToArray(), _b, _c);

    /// <summary>The same machine with other hidden biases.</summary>
    public Rbm WithHiddenBias(double[] hiddenBias) => new(Visible, Hidden, _w, _b, hiddenBias);

    /// <summary>E(v, h) = -b.v - c.h - v^T W h.</summary>
    public double Energy(ReadOnlySpan<sbyte> v, ReadOnlySpan<sbyte> h)
    {
        CheckVisible(v);
        if (h.Length != Hidden) throw new ArgumentException($"a hidden configuration needs {Hidden} units, got {h.Length}");
        double e = 0;
        for (int m = 0; m < Hidden; m++) e -= _c[m] * h[m];
        for (int i = 0; i < Visible; i++)
        {
            double row = 0;
            for (int m = 0; m < Hidden; m++) row += _w[(long)i * Hidden + m] * h[m];
            e -= v[i] * (_b[i] + row);
        }
        return e;
    }

    /// <summary>x_mu(v) = sum_i W_i mu v_i (without the hidden bias).</summary>
    public double[] HiddenInputs(ReadOnlySpan<sbyte> v)
    {
        CheckVisible(v);
        var x = new double[Hidden];
        for (int i = 0; i < Visible; i++)
            for (int m = 0; m < Hidden; m++) x[m] += _w[(long)i * Hidden + m] * v[i];
        return x;
    }

    /// <summary>H_eff(v) = -b.v - sum_mu ln(2 cosh(c_mu + sum_i W_i mu v_i)) (docs/theory.md section 8), exact.</summary>
    public double EffectiveEnergy(ReadOnlySpan<sbyte> v)
    {
        var x = HiddenInputs(v);
        double e = 0;
        for (int i = 0; i < Visible; i++) e -= _b[i] * v[i];
        for (int m = 0; m < Hidden; m++) e -= LogTwoCosh(_c[m] + x[m]);
        return e;
    }

    /// <summary>
    /// The pairwise model of the small-coupling expansion (see the class remarks): an <see cref="IsingModel"/>
    /// (beta = 1, E = -1/2 v^T J v - h^T v) and the constant, H_quad(v) = constant + E_Ising(v).
    /// </summary>
    public RbmQuadraticModel QuadraticExpansion()
    {
        int n = Visible;
        var j = new double[(long)n * n];
        var h = (double[])_b.Clone();
        var t = _c.Select(Math.Tanh).ToArray();
        var g = t.Select(x => (1 - x) * (1 + x)).ToArray(); // 1 - tanh^2, accurate near |t| = 1
        double constant = 0;
        for (int m = 0; m < Hidden; m++)
        {
            double sq = 0;
            for (int i = 0; i < n; i++) { double w = _w[(long)i * Hidden + m]; sq += w * w; h[i] += w * t[m]; }
            constant -= LogTwoCosh(_c[m]) + 0.5 * g[m] * sq;
        }
        for (int i = 0; i < n; i++)
            for (int k = i + 1; k < n; k++)
            {
                double s = 0;
                for (int m = 0; m < Hidden; m++) s += g[m] * _w[(long)i * Hidden + m] * _w[(long)k * Hidden + m];
                j[(long)i * n + k] = s;
                j[(long)k * n + i] = s;
            }
        return new RbmQuadraticModel(new IsingModel(n, j, h, 1.0), constant);
    }

    /// <summary>
    /// The remainder r(c, u) = ln 2cosh(c + u) - [ln 2cosh c + t u + (1 - t^2) u^2/2], t = tanh c, computed without
    /// cancellation of the leading terms: ln(cosh(c + u)/cosh c) = log1p(2 sinh^2(u/2) + t sinh u). So
    /// H_eff(v) - H_quad(v) = -sum_mu r(c_mu, x_mu(v)) keeps its relative accuracy even when it is 1e-12.
    /// </summary>
    public static double ExpansionRemainder(double c, double u)
    {
        double t = Math.Tanh(c);
        return ExpansionRemainder(c, t, (1 - t) * (1 + t), u);
    }

    /// <summary><see cref="ExpansionRemainder(double, double)"/> with t = tanh c and g = 1 - t^2 precomputed.</summary>
    internal static double ExpansionRemainder(double c, double t, double g, double u)
    {
        // For |u| < 1, y = cosh(c + u)/cosh(c) - 1 = 2 sinh^2(u/2) + t sinh u lies in (e^{-1} - 1, e - 1) and is formed from
        // terms of size <= 1.2 without cancellation, so log1p(y) is accurate to rounding even when y ~ u ~ 1e-6. For |u| >= 1 the
        // remainder is O(1) and the plain difference of ln 2cosh is accurate (while y itself could cancel catastrophically).
        double logRatio;
        if (Math.Abs(u) < 1)
        {
            double sh = Math.Sinh(0.5 * u), ch = Math.Sqrt(1 + sh * sh); // sinh u = 2 sinh(u/2) cosh(u/2)
            logRatio = Elementary.Log1p(2 * sh * (sh + t * ch));
        }
        else logRatio = LogTwoCosh(c + u) - LogTwoCosh(c);
        return logRatio - t * u - 0.5 * g * u * u;
    }

    /// <summary>ln(2 cosh x) = |x| + log1p(e^{-2|x|}), stable for any finite x.</summary>
    public static double LogTwoCosh(double x)
    {
        double a = Math.Abs(x);
        return a + Elementary.Log1p(Math.Exp(-2 * a));
    }

    void CheckVisible(ReadOnlySpan<sbyte> v)
    {
        if (v.Length != Visible) throw new ArgumentException($"a visible configuration needs {Visible} units, got {v.Length}");
    }
}

/// <summary>The quadratic (pairwise) approximation H_quad(v) = <see cref="Constant"/> + E_Ising(v) of an RBM's H_eff.</summary>
/// <param name="Model">J_ij = sum_mu (1 - tanh^2 c_mu) W_i mu W_j mu, h_i = b_i + sum_mu W_i mu tanh c_mu, beta = 1.</param>
/// <param name="Constant">-sum_mu [ln 2cosh c_mu + (1 - tanh^2 c_mu)/2 sum_i W_i mu^2].</param>
public sealed record RbmQuadraticModel(IsingModel Model, double Constant)
{
    /// <summary>H_quad(v) = Constant - 1/2 v^T J v - h^T v.</summary>
    public double Energy(ReadOnlySpan<sbyte> v) => Constant + Model.Energy(v);

    /// <summary>max_ij |J_ij| (0 for a single unit).</summary>
    public double MaxAbsCoupling
    {
        get
        {
            double max = 0;
            for (int i = 0; i < Model.Size; i++) for (int k = 0; k < Model.Size; k++) max = Math.Max(max, Math.Abs(Model.Coupling(i, k)));
            return max;
        }
    }
}
