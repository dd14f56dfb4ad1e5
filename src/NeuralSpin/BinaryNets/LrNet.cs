using NeuralSpin.Numerics;
using NeuralSpin.Training;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace NeuralSpin.BinaryNets;

/// <summary>How <see cref="LrNet"/> treats the Gaussian noise of the local reparameterisation.</summary>
public enum LrNetNoise
{
    /// <summary>z = G + sqrt(Delta) eps with eps ~ N(0, 1) from the network's generator (training, and the expected accuracy of sampled networks).</summary>
    Sampled,

    /// <summary>z = G, the "mean network" (eps = 0).</summary>
    Mean,
}

/// <summary>
/// The mean-field ("LR-net") network of binary weights of P2 (sec. II and App. A; docs/theory.md
/// section 7, "The binary networks behind the ensembles"; Shayer, Levi and Fetaya 2018): every weight w_ij in {-1, +1} has
/// P(w_ij = +-1) = e^{+-theta_ij} / (2 cosh theta_ij), hence mean mu_ij = tanh theta_ij and variance
/// 1 - mu_ij^2. The pre-activation z_i = N_in^{-1/2} sum_j w_ij a_j is replaced by its central-limit
/// form G_i + sqrt(Delta_i) eps_i with G_i = N_in^{-1/2} sum_j mu_ij a_j,
/// Delta_i = N_in^{-1} sum_j (1 - mu_ij^2) a_j^2 and eps_i ~ N(0, 1) drawn afresh for every sample and
/// unit (local reparameterisation). Hidden units are leaky ReLU with slope 0.1, the output layer is
/// linear (softmax cross-entropy is applied by the trainer); there are no biases.
/// </summary>
/// <remarks>
/// Parameters are float32, named <c>theta{k}</c> with shape (N_{k+1}, N_k) = (out, in), layer k
/// mapping layer k's activity to layer k+1. The noise comes from the network's own generator (seeded
/// at construction), never from libtorch's global one. sqrt(Delta) is taken as sqrt(Delta + 1e-12) so
/// that its gradient stays finite where Delta vanishes (e.g. an all-zero input).
/// </remarks>
public sealed class LrNet : nn.Module<Tensor, Tensor>
{
    /// <summary>Slope of the leaky ReLU for negative arguments (P2 sec. II).</summary>
    public const double LeakySlope = 0.1;

    /// <summary>Added to Delta under the square root.</summary>
    public const double DeltaFloor = 1e-12;

    private readonly Parameter[] _thetas;
    private readonly Generator _noise;

    /// <summary>Creates the network with theta_ij ~ N(0, initStd^2) drawn from a generator seeded with <paramref name="initSeed"/>, and the noise generator seeded with <paramref name="noiseSeed"/>.</summary>
    public LrNet(IReadOnlyList<int> widths, long initSeed, long noiseSeed, double initStd = 1.0) : base(nameof(LrNet))
    {
        Mlp.CheckWidths(widths);
        Widths = widths.ToArray();
        _thetas = new Parameter[widths.Count - 1];
        using var g = new Generator(unchecked((ulong)initSeed), CPU);
        for (int k = 0; k < _thetas.Length; k++)
        {
            var t = torch.empty([widths[k + 1], widths[k]], ScalarType.Float32);
            using (no_grad())
                t.normal_(0.0, initStd, g); // Tensor.normal_ honours the generator (nn.init.normal_ does not in TorchSharp 0.107)
            _thetas[k] = new Parameter(t, requires_grad: true);
            register_parameter($"theta{k}", _thetas[k]);
        }
        _noise = new Generator(unchecked((ulong)noiseSeed), CPU);
        Noise = LrNetNoise.Sampled;
    }

    /// <summary>Creates a network whose fields are the given values (layer k row-major (out, in)); noise seeded with <paramref name="noiseSeed"/>.</summary>
    public static LrNet FromThetas(IReadOnlyList<int> widths, IReadOnlyList<float[]> thetas, long noiseSeed = 0)
    {
        var net = new LrNet(widths, 0, noiseSeed, initStd: 0.0);
        net.SetThetas(thetas);
        return net;
    }

    /// <summary>Layer widths N_0 (input) .. N_L (classes).</summary>
    public IReadOnlyList<int> Widths { get; }

    /// <summary>Number of weight layers L.</summary>
    public int LayerCount => _thetas.Length;

    /// <summary>Total number of binary weights sum_k N_k N_{k+1}.</summary>
    public int WeightCount => WeightCountOf(Widths);

    /// <summary>sum_k N_k N_{k+1} for the given widths.</summary>
    public static int WeightCountOf(IReadOnlyList<int> widths)
    {
        int n = 0;
        for (int k = 0; k + 1 < widths.Count; k++) n = checked(n + widths[k] * widths[k + 1]);
        return n;
    }

    /// <summary>The noise mode of <see cref="forward"/>.</summary>
    public LrNetNoise Noise { get; set; }

    /// <summary>theta of layer k, shape (N_{k+1}, N_k).</summary>
    public Parameter Theta(int k) => _thetas[k];

    /// <summary>Copies of the fields, one row-major (out, in) array per layer.</summary>
    public float[][] GetThetas() => _thetas.Select(t => t.detach().contiguous().data<float>().ToArray()).ToArray();

    /// <summary>Overwrites the fields (layer k row-major (out, in)).</summary>
    public void SetThetas(IReadOnlyList<float[]> thetas)
    {
        ArgumentNullException.ThrowIfNull(thetas);
        if (thetas.Count != _thetas.Length) throw new ArgumentException($"{thetas.Count} layers of fields for a network of {_thetas.Length} layers");
        using var _ = no_grad();
        for (int k = 0; k < _thetas.Length; k++)
        {
            if (thetas[k].Length != _thetas[k].numel()) throw new ArgumentException($"layer {k}: {thetas[k].Length} fields, expected {_thetas[k].numel()}");
            using var src = torch.tensor(thetas[k], _thetas[k].shape);
            _thetas[k].copy_(src);
        }
    }

    /// <summary>
    /// The moments of layer k's pre-activation given the previous activity <paramref name="a"/>
    /// (batch x N_k): G = N_k^{-1/2} a mu^T and Delta = N_k^{-1} a^2 (1 - mu^2)^T, both batch x N_{k+1}.
    /// </summary>
    public (Tensor G, Tensor Delta) Moments(int k, Tensor a)
    {
        using var scope = NewDisposeScope();
        double nIn = Widths[k];
        var mu = _thetas[k].tanh();
        var g = a.matmul(mu.t()).DivBy(Math.Sqrt(nIn));
        var delta = a.square().matmul(mu.square().neg().AddScalar(1.0).t()).DivBy(nIn);
        return (g.MoveToOuterDisposeScope(), delta.MoveToOuterDisposeScope());
    }

    /// <summary>Output scores (batch x N_L) for inputs (batch x N_0), with the noise of <see cref="Noise"/>.</summary>
    public override Tensor forward(Tensor input) => Forward(input, Noise);

    /// <summary>Output scores with an explicit noise mode; eps comes from <paramref name="generator"/> if given, else from the network's own generator.</summary>
    public Tensor Forward(Tensor input, LrNetNoise noise, Generator? generator = null)
    {
        ArgumentNullException.ThrowIfNull(input);
        using var scope = NewDisposeScope();
        var a = input;
        for (int k = 0; k < _thetas.Length; k++)
        {
            var (g, delta) = Moments(k, a);
            var z = g;
            if (noise == LrNetNoise.Sampled)
            {
                Tensor eps;
                using (no_grad())
                    eps = torch.empty_like(g).normal_(0.0, 1.0, generator ?? _noise);
                z = g.Plus(delta.AddScalar(DeltaFloor).sqrt().mul(eps));
            }
            a = k + 1 < _thetas.Length ? LeakyRelu(z) : z;
        }
        return a.MoveToOuterDisposeScope();
    }

    /// <summary>
    /// The forward pass of K independent networks of the same widths at once (used to train many networks
    /// in one batched computation): <paramref name="thetas"/>[k] has shape (K, N_{k+1}, N_k) and
    /// <paramref name="input"/> shape (K, batch, N_0), network r seeing input[r]. Per network the same
    /// moments as <see cref="Moments"/>, G = N_k^{-1/2} a mu^T and Delta = N_k^{-1} a^2 (1 - mu^2)^T (P2 App. A),
    /// z = G + sqrt(Delta) eps with eps drawn from <paramref name="generator"/> as one (K, batch, N_{k+1})
    /// tensor per layer (Sampled), or z = G (Mean). Returns the output scores, shape (K, batch, N_L).
    /// </summary>
    public static Tensor StackedForward(IReadOnlyList<Tensor> thetas, Tensor input, LrNetNoise noise, Generator? generator)
    {
        ArgumentNullException.ThrowIfNull(thetas);
        ArgumentNullException.ThrowIfNull(input);
        using var scope = NewDisposeScope();
        var a = input;
        for (int k = 0; k < thetas.Count; k++)
        {
            double nIn = thetas[k].shape[2];
            var mu = thetas[k].tanh();
            var z = a.bmm(mu.transpose(1, 2)).DivBy(Math.Sqrt(nIn));
            if (noise == LrNetNoise.Sampled)
            {
                var delta = a.square().bmm(mu.square().neg().AddScalar(1.0).transpose(1, 2)).DivBy(nIn);
                Tensor eps;
                using (no_grad())
                    eps = torch.empty_like(z).normal_(0.0, 1.0, generator);
                z = z.add(delta.AddScalar(DeltaFloor).sqrt().mul(eps));
            }
            a = k + 1 < thetas.Count ? LeakyRelu(z) : z;
        }
        return a.MoveToOuterDisposeScope();
    }

    /// <summary>max(x, 0.1 x): the leaky ReLU of P2 (slope 0.1 for x &lt; 0).</summary>
    public static Tensor LeakyRelu(Tensor x) => x.maximum(x.MulBy(LeakySlope));

    /// <summary>Draws a binary network w = +-1 with P(w = +1) = (1 + tanh theta) / 2 from <paramref name="rng"/> (layer by layer, row-major).</summary>
    public BinaryNetwork Sample(ref SplitMixRandom rng) => BinaryNetwork.Sample(Widths, GetThetas(), ref rng);

    /// <inheritdoc/>
    protected override void Dispose(bool disposing)
    {
        if (disposing) _noise.Dispose();
        base.Dispose(disposing);
    }
}
