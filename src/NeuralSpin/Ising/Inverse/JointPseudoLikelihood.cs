using NeuralSpin.Numerics;
using TorchSharp;
using static TorchSharp.torch;

namespace NeuralSpin.Ising.Inverse;

/// <summary>
/// The sum of all spins' pseudolikelihood objectives (P2 21-22; docs/theory.md section 7) as one objective in the
/// N^2 parameters Theta (row r: J_rj off the diagonal, h_r on it, the layout of <see cref="PlOptions.Initial"/>):
/// L(Theta) = sum_r ell_r(theta_r). The rows are independent, so the minimiser of L is the set of per-spin minimisers,
/// and its value and gradient for all spins come from two dense matrix products over the M x N configurations S:
/// H = S Theta_0^T + 1 h^T (Theta_0: Theta with zero diagonal), E = tanh H - S,
/// dL/dJ_rj = (1/M) (E^T S)_rj + 2 lambda_2 J_rj (j != r), dL/dh_r = (1/M) sum_mu E_mu r,
/// L = (1/M) sum_{mu r} ln(1 + e^{-2 s_r^mu H_r^mu}) + lambda_2 sum_{r != j} J_rj^2, using ln 2cosh H - s H = ln(1 + e^{-2 s H})
/// for s = +-1, evaluated as max(z, 0) + ln(1 + e^{-|z|}) so that no |H| overflows.
/// </summary>
/// <remarks>
/// The products run in float64 through libtorch (thread count as for <see cref="TorchLinalg"/>), in chunks of samples
/// so that no temporary exceeds about <see cref="ChunkElements"/> entries: 2 M N^2 multiply-adds per evaluation.
/// The configurations are copied once into native memory (8 M N bytes).
/// </remarks>
public sealed class JointPlObjective : IDisposable
{
    /// <summary>Entries of one M_chunk x N temporary.</summary>
    public const long ChunkElements = 1L << 22;

    readonly Tensor[] _chunks;
    readonly Tensor _offDiagonal;
    readonly double[] _buffer;
    bool _disposed;

    /// <summary>Copies and validates the configurations (row-major M x <paramref name="nSpins"/>, values +-1).</summary>
    public JointPlObjective(sbyte[] configs, int nSpins, double l2) : this(configs, nSpins, l2, ChunkElements) { }

    /// <summary>As the public constructor, with temporaries of <paramref name="chunkElements"/> entries (tests use a few
    /// rows per chunk to exercise the chunked sums).</summary>
    internal JointPlObjective(sbyte[] configs, int nSpins, double l2, long chunkElements)
    {
        Samples = SampleMoments.ValidateConfigs(configs, nSpins);
        if (!(l2 >= 0)) throw new ArgumentException("penalties must be non-negative");
        Size = nSpins;
        L2 = l2;
        // Stryker disable once Statement : a configuration call (thread count, reproducibility mode) that earlier calls
        // of the library have made too; it changes speed, not values
        TorchLinalg.EnsureConfigured();
        // Stryker disable once Linq : larger chunks (up to all samples in one) change memory, not the sums (the chunked
        // test compares several chunk sizes)
        int rowsPerChunk = (int)Math.Max(1, Math.Min(Samples, chunkElements / nSpins));
        var list = new List<Tensor>();
        for (int start = 0; start < Samples; start += rowsPerChunk)
        {
            int rows = Math.Min(rowsPerChunk, Samples - start);
            var block = new double[(long)rows * nSpins];
            for (long k = 0; k < block.LongLength; k++) block[k] = configs[(long)start * nSpins + k];
            list.Add(torch.tensor(block, new long[] { rows, nSpins }, ScalarType.Float64));
        }
        _chunks = list.ToArray();
        _offDiagonal = torch.ones(nSpins, nSpins, ScalarType.Float64) - torch.eye(nSpins, dtype: ScalarType.Float64);
        _buffer = new double[(long)nSpins * nSpins];
    }

    /// <summary>M.</summary>
    public int Samples { get; }

    /// <summary>N.</summary>
    public int Size { get; }

    /// <summary>lambda_2.</summary>
    public double L2 { get; }

    /// <summary>L(Theta); the gradient (row-major N x N, dL/dh_r on the diagonal) goes into <paramref name="gradient"/>.</summary>
    public double Evaluate(ReadOnlySpan<double> theta, Span<double> gradient) => Evaluate(theta, gradient, null);

    /// <summary>As <see cref="Evaluate(ReadOnlySpan{double}, Span{double})"/>; also writes each spin's ell_r (smooth part,
    /// with its own L2 penalty) into <paramref name="perSpin"/> when given.</summary>
    public double Evaluate(ReadOnlySpan<double> theta, Span<double> gradient, double[]? perSpin)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        int n = Size;
        theta.CopyTo(_buffer);
        using var scope = NewDisposeScope();
        var full = torch.tensor(_buffer, new long[] { n, n }, ScalarType.Float64);
        var h = full.diagonal().clone();
        var w = full * _offDiagonal;
        var wt = w.t();
        var grad = torch.zeros(n, n, ScalarType.Float64);
        var gh = torch.zeros(n, ScalarType.Float64);
        var loss = torch.zeros(n, ScalarType.Float64);
        // explicit scalars held to the end of the method (TorchSharp's implicit Scalars can be freed during a call)
        using var minusTwo = (-2.0).ToScalar();
        using var zero = 0.ToScalar();
        foreach (var s in _chunks)
        {
            using var inner = NewDisposeScope();
            var H = torch.addmm(h.unsqueeze(0), s, wt, 1.0f, 1.0f);
            var e = H.tanh().sub_(s);
            var z = H.mul(s).mul_(minusTwo);
            var sp = z.clamp_min(zero).add_(z.abs().neg_().exp_().log1p_());
            loss.add_(sp.sum(dim: 0));
            gh.add_(e.sum(dim: 0));
            grad.add_(e.t().matmul(s));
        }
        double inv = 1.0 / Samples;
        using var invScalar = inv.ToScalar();
        using var twoL2 = (2 * L2).ToScalar();
        using var l2 = L2.ToScalar();
        grad.mul_(invScalar).mul_(_offDiagonal).add_(w, twoL2);
        grad.add_(torch.diag(gh.mul(invScalar)));
        var penalty = w.square().sum(dim: 1).mul_(l2);
        var total = loss.mul(invScalar).add_(penalty);
        grad.contiguous().data<double>().CopyTo(gradient);
        if (perSpin is not null) total.data<double>().CopyTo(perSpin);
        return total.sum().item<double>();
    }

    /// <summary>Releases the native copies of the configurations.</summary>
    public void Dispose()
    {
        // Stryker disable once Statement : a second Dispose of a TorchSharp tensor is a no-op, so disposing twice is
        // harmless either way; the flag only saves the loop
        if (_disposed) return;
        _disposed = true;
        foreach (var c in _chunks) c.Dispose();
        _offDiagonal.Dispose();
    }
}
