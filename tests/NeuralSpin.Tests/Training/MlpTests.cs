using NUnit.Framework;
using NeuralSpin.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace NeuralSpin.Tests.Training;

[TestFixture, NonParallelizable]
public class MlpTests
{
    const long InitSeed = 12345;

    [TestCase(TrainingProgram.Binarized)]
    [TestCase(TrainingProgram.Standard)]
    public void KaimingNormal_HasMeanZeroAndVarianceTwoOverFanIn(TrainingProgram program)
    {
        // W ~ N(0, s2) with s2 = 2 / fan_in (docs/theory.md section 1, C_k = 2). For n draws the sample
        // variance has standard error s2 sqrt(2 / n) and the mean s / sqrt(n); bounds of 5 standard
        // errors give a false-failure rate below 6e-7 per check (8 checks per case).
        using var model = Mlp.Create(program, [400, 300, 200, 10], bias: false, InitSeed);
        for (int k = 0; k < model.LayerCount; k++)
        {
            var w = model.Layer(k).weight!.data<float>().ToArray();
            long fanIn = model.Layer(k).weight!.shape[1];
            double s2 = 2.0 / fanIn, n = w.Length;
            double mean = w.Average(v => (double)v);
            double var = w.Sum(v => ((double)v - mean) * ((double)v - mean)) / (n - 1);
            Assert.That(mean, Is.EqualTo(0).Within(5 * Math.Sqrt(s2 / n)), $"layer {k} mean");
            Assert.That(var, Is.EqualTo(s2).Within(5 * s2 * Math.Sqrt(2 / n)), $"layer {k} variance");
        }
    }

    [Test]
    public void SameSeed_GivesSameWeights_OtherSeedOtherWeights()
    {
        using var a = Mlp.Create(TrainingProgram.Standard, [20, 16, 10], false, InitSeed);
        using var b = Mlp.Create(TrainingProgram.Standard, [20, 16, 10], false, InitSeed);
        using var c = Mlp.Create(TrainingProgram.Standard, [20, 16, 10], false, InitSeed + 1);
        var wa = a.Layer(0).weight!.data<float>().ToArray();
        Assert.That(b.Layer(0).weight!.data<float>().ToArray(), Is.EqualTo(wa));
        Assert.That(c.Layer(0).weight!.data<float>().ToArray(), Is.Not.EqualTo(wa));
    }

    [Test]
    public void Parameters_AreNamedLikePyTorchLinearLayers_BiasesStartAtZero()
    {
        using var m = Mlp.Create(TrainingProgram.Binarized, [5, 4, 3], bias: true, InitSeed);
        var names = m.named_parameters().Select(p => $"{p.name} ({string.Join(", ", p.parameter.shape)})").ToArray();
        Assert.That(names, Is.EqualTo(new[] { "layers.0.weight (4, 5)", "layers.0.bias (4)", "layers.1.weight (3, 4)", "layers.1.bias (3)" }));
        Assert.That(m.Layer(0).bias!.data<float>().ToArray(), Is.All.EqualTo(0f));
        using var noBias = Mlp.Create(TrainingProgram.Binarized, [5, 4, 3], bias: false, InitSeed);
        Assert.That(noBias.named_parameters().Count(), Is.EqualTo(2), "no bias by default in the paper's setting");
    }

    [Test]
    public void Binarized_Forward_IsWTimesStepOfPreviousLayer()
    {
        using var m = Mlp.Create(TrainingProgram.Binarized, [3, 2, 2], false, InitSeed);
        using var scope = NewDisposeScope();
        var x = new float[] { 0.5f, -2f, 0f };
        var w0 = m.Layer(0).weight!.data<float>().ToArray();
        var w1 = m.Layer(1).weight!.data<float>().ToArray();
        // Reference by hand: s0 = step(x) = (+1, -1, +1), h = W0 s0, s1 = step(h), out = W1 s1.
        double[] s0 = [1, -1, 1];
        var s1 = new double[2];
        for (int i = 0; i < 2; i++)
        {
            double h = 0;
            for (int j = 0; j < 3; j++) h += w0[i * 3 + j] * s0[j];
            s1[i] = h < 0 ? -1 : 1;
        }
        var expected = new double[2];
        for (int i = 0; i < 2; i++) expected[i] = w1[i * 2] * s1[0] + w1[i * 2 + 1] * s1[1];
        var got = m.forward(torch.tensor(x, [1, 3])).data<float>().ToArray();
        Assert.That(got[0], Is.EqualTo(expected[0]).Within(1e-6));
        Assert.That(got[1], Is.EqualTo(expected[1]).Within(1e-6), "two float32 products of O(1) values");
    }

    [Test]
    public void Standard_Forward_IsReluHiddenLinearOutput()
    {
        using var m = Mlp.Create(TrainingProgram.Standard, [3, 4, 2], false, InitSeed);
        using var scope = NewDisposeScope();
        var x = new float[] { 0.5f, -2f, 0.25f };
        var w0 = m.Layer(0).weight!.data<float>().ToArray();
        var w1 = m.Layer(1).weight!.data<float>().ToArray();
        var h = new double[4];
        for (int i = 0; i < 4; i++)
        {
            for (int j = 0; j < 3; j++) h[i] += w0[i * 3 + j] * x[j];
            h[i] = Math.Max(0, h[i]);
        }
        var got = m.forward(torch.tensor(x, [1, 3])).data<float>().ToArray();
        for (int o = 0; o < 2; o++)
        {
            double e = 0;
            for (int i = 0; i < 4; i++) e += w1[o * 4 + i] * h[i];
            Assert.That(got[o], Is.EqualTo(e).Within(1e-5), "float32 sums of a few O(1) products");
        }
    }
}

[TestFixture, NonParallelizable]
public class TorchGeneratorTests
{
    [Test]
    public void SeededGenerator_DrawsLikePyTorch()
    {
        // PyTorch 2.x: torch.randn(3, generator=torch.Generator().manual_seed(42)) = [0.3367, 0.1288, 0.2345].
        using var g = new Generator(42, CPU);
        using var w = torch.empty(3);
        w.normal_(0, 1, g);
        Assert.That(w.data<float>().ToArray(), Is.EqualTo(new[] { 0.3367f, 0.1288f, 0.2345f }).Within(1e-4f));
    }

    [Test]
    public void KaimingInit_DoesNotDependOnTheGlobalGenerator()
    {
        // Guards against nn.init.normal_, which in TorchSharp 0.107 ignores its generator argument.
        torch.manual_seed(1);
        using var a = Mlp.Create(TrainingProgram.Binarized, [6, 5, 2], false, 99);
        torch.manual_seed(2);
        using var b = Mlp.Create(TrainingProgram.Binarized, [6, 5, 2], false, 99);
        Assert.That(b.Layer(0).weight!.data<float>().ToArray(), Is.EqualTo(a.Layer(0).weight!.data<float>().ToArray()));
    }
}
