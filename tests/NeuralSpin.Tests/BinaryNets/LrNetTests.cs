using NeuralSpin.Numerics;
using NUnit.Framework;
using NeuralSpin.BinaryNets;
using NeuralSpin.Tests.Support;
using TorchSharp;
using static TorchSharp.torch;

namespace NeuralSpin.Tests.BinaryNets;

[TestFixture, NonParallelizable]
public class LrNetTests
{
    const long Seed = 777;

    [Test]
    public void Moments_MatchMonteCarloOverSampledBinaryWeights()
    {
        // One layer 40 -> 4: z = 40^{-1/2} W a with W drawn from P(w) = e^{w theta}/(2 cosh theta).
        // Exactly (no CLT needed): E z_i = G_i, Var z_i = Delta_i. With M draws the sample mean has
        // standard error sqrt(Delta/M) and the sample variance about Delta sqrt(2/M) (kurtosis of a sum
        // of 40 bounded terms is close to Gaussian); bounds of 5 standard errors (6 for the variance)
        // give a false-failure rate below 1e-5 over the 8 checks.
        int[] widths = [40, 4];
        using var net = new LrNet(widths, initSeed: Seed, noiseSeed: Seed + 1, initStd: 1.0);
        var rng = new SplitMixRandom(Seed + 2);
        var a = Enumerable.Range(0, 40).Select(_ => (float)Synthetic.Normal(ref rng)).ToArray();
        using var scope = NewDisposeScope();
        var ta = torch.tensor(a, [1, 40]);
        var (g, delta) = net.Moments(0, ta);
        var gv = g.detach().data<float>().ToArray();
        var dv = delta.detach().data<float>().ToArray();
        // Direct formula check.
        var theta = net.GetThetas()[0];
        for (int i = 0; i < 4; i++)
        {
            double gi = 0, di = 0;
            for (int j = 0; j < 40; j++)
            {
                double mu = Math.Tanh(theta[i * 40 + j]);
                gi += mu * a[j];
                di += (1 - mu * mu) * a[j] * a[j];
            }
            NumericAssert.AreEqual(gi / Math.Sqrt(40), gv[i], 1e-5, 1e-5, $"G_{i} (float32 sums)");
            NumericAssert.AreEqual(di / 40, dv[i], 1e-5, 1e-5, $"Delta_{i} (float32 sums)");
        }
        const int M = 20000;
        var sum = new double[4];
        var sum2 = new double[4];
        var thetas = net.GetThetas();
        for (int m = 0; m < M; m++)
        {
            var b = BinaryNetwork.Sample(widths, thetas, ref rng);
            for (int i = 0; i < 4; i++)
            {
                double z = 0;
                for (int j = 0; j < 40; j++) z += b.Weights[i * 40 + j] * a[j];
                z /= Math.Sqrt(40);
                sum[i] += z;
                sum2[i] += z * z;
            }
        }
        for (int i = 0; i < 4; i++)
        {
            double mean = sum[i] / M, var = sum2[i] / M - mean * mean;
            NumericAssert.AreEqualAbsolute(gv[i], mean, 5 * Math.Sqrt(dv[i] / M), $"E z_{i}");
            NumericAssert.AreEqualAbsolute(dv[i], var, 6 * dv[i] * Math.Sqrt(2.0 / M), $"Var z_{i}");
        }
    }

    [Test]
    public void NoisyForward_OfOneLayer_HasMeanGAndVarianceDelta()
    {
        // The reparameterised output z = G + sqrt(Delta) eps; over M draws 5-SE bounds as above.
        using var net = new LrNet([20, 3], Seed, Seed + 1);
        using var scope = NewDisposeScope();
        var rng = new SplitMixRandom(Seed + 3);
        var a = Enumerable.Range(0, 20).Select(_ => (float)Synthetic.Normal(ref rng)).ToArray();
        const int M = 20000;
        var x = torch.tensor(a, [1, 20]).expand(M, 20).contiguous();
        var z = net.Forward(x, LrNetNoise.Sampled).detach();
        var (g, delta) = net.Moments(0, x.narrow(0, 0, 1));
        var mean = z.mean([0L]).data<float>().ToArray();
        var var = z.var(0).data<float>().ToArray();
        var gv = g.detach().data<float>().ToArray();
        var dv = delta.detach().data<float>().ToArray();
        for (int i = 0; i < 3; i++)
        {
            NumericAssert.AreEqualAbsolute(gv[i], mean[i], 5 * Math.Sqrt(dv[i] / M), $"mean {i}");
            NumericAssert.AreEqualAbsolute(dv[i], var[i], 5 * dv[i] * Math.Sqrt(2.0 / M), $"variance {i}");
        }
        var zm = net.Forward(x.narrow(0, 0, 1), LrNetNoise.Mean).detach().data<float>().ToArray();
        Assert.That(zm, Is.EqualTo(gv), "the mean network outputs G");
    }

    [Test]
    public void Gradients_ReachEveryTheta_AndAreFinite()
    {
        using var net = new LrNet([20, 15, 15, 10], Seed, Seed + 1);
        using var scope = NewDisposeScope();
        using var g = new Generator(5, CPU);
        var x = torch.empty([32, 20]).normal_(0, 1, g);
        var y = torch.arange(32, ScalarType.Int64).remainder(10);
        var loss = nn.functional.cross_entropy(net.forward(x), y);
        loss.backward();
        for (int k = 0; k < net.LayerCount; k++)
        {
            var grad = net.Theta(k).grad;
            Assert.That(grad, Is.Not.Null, $"layer {k}");
            Assert.That(grad!.isfinite().all().item<bool>(), $"layer {k} gradient finite");
            Assert.That(grad.abs().sum().item<float>(), Is.GreaterThan(0f), $"layer {k} gradient non-zero");
        }
        Assert.That(net.named_parameters().Select(p => p.name), Is.EqualTo(new[] { "theta0", "theta1", "theta2" }));
    }

    [Test]
    public void LeakyRelu_GradientIsOneOrSlope()
    {
        using var scope = NewDisposeScope();
        var x = torch.tensor(new float[] { -2f, -0.5f, 0.5f, 3f }).requires_grad_(true);
        LrNet.LeakyRelu(x).sum().backward();
        Assert.That(x.grad!.data<float>().ToArray(), Is.EqualTo(new[] { 0.1f, 0.1f, 1f, 1f }));
    }

    [Test]
    public void SameSeeds_SameInitialFieldsAndNoise()
    {
        using var a = new LrNet([20, 10], 1, 2);
        using var b = new LrNet([20, 10], 1, 2);
        using var c = new LrNet([20, 10], 3, 2);
        Assert.That(b.GetThetas()[0], Is.EqualTo(a.GetThetas()[0]));
        Assert.That(c.GetThetas()[0], Is.Not.EqualTo(a.GetThetas()[0]));
        using var scope = NewDisposeScope();
        var x = torch.ones(4, 20);
        Assert.That(b.Forward(x, LrNetNoise.Sampled).data<float>().ToArray(), Is.EqualTo(a.Forward(x, LrNetNoise.Sampled).data<float>().ToArray()));
    }
}
