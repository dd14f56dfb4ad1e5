using NUnit.Framework;
using NeuralSpin.Data;
using NeuralSpin.IO;
using NeuralSpin.Tests.Support;
using NeuralSpin.Training;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace NeuralSpin.Tests.Training;

/// <summary>
/// <see cref="Trainer.Step"/> against PyTorch itself: the fixtures in <c>tests/fixtures/pytorch/</c> were written
/// by <c>make_training_fixtures.py</c> there (torch 1.13: <c>nn.Linear(bias=False)</c>, <c>torch.relu</c>, a
/// <c>torch.autograd.Function</c> straight-through sign, <c>nn.MultiMarginLoss(p=2)</c> (times C when the
/// convention does not divide by C), <c>torch.optim.SGD(momentum=0.9)</c>) on a 12-10-8-4 network without
/// biases. Each test copies PyTorch's weights and momentum buffers into a C# <see cref="Mlp"/> and a TorchSharp
/// <see cref="MomentumSgd"/>, runs <see cref="Trainer.Step"/> and compares the loss, the gradients, the momentum buffers
/// and the weights with PyTorch's. The tests need no Python: the fixtures are committed.
/// </summary>
/// <remarks>
/// <para>Tolerances. Float32 (unit roundoff u = 2^-24 = 6.0e-8): the longest chain of dependent roundings in one
/// step is about 100 (forward: three dot products of length at most 12, 36; the loss: at most 3 hinge terms
/// per sample, the division by C and the reduction over 16 samples, about 20; backward: the back-propagated
/// errors through two layers, about 20, and the weight gradient, a sum over the 16 samples; the optimizer:
/// 2), so the classical bound gamma_n = n u / (1 - n u) with n = 100 gives 6.0e-6 relative to the size of the
/// summed terms, which are of the order of the largest entry of each tensor. Each float32 tensor is therefore
/// compared elementwise with an absolute tolerance of <see cref="Float32Relative"/> = 1e-5 times its largest
/// |entry| (its scale), the loss relative to itself (measured with torch 1.13 fixtures and libtorch of TorchSharp
/// 0.107: at most 5e-7 of the scale, so a 20-fold margin). Float64 (u = 1.1e-16): the same count bounds one
/// step at about 1e-14 relative; over 300 steps these differences are carried along and amplified by the
/// descent, and the comparison allows <see cref="Float64Relative"/> = 1e-10 of each tensor's scale (measured: the
/// loss within 5e-12 relative, the weights within 7e-13 of their scale, again a 20-fold margin at least).</para>
/// <para>Branch points. The networks are not smooth where a hidden pre-activation z is 0 (ReLU and the sign)
/// or, for the straight-through gradient of the sign, where |z| = 1. Rounding (about 1e-6 for these dot
/// products in float32) could put C# and PyTorch on different sides there, which is an O(1) difference, not
/// a rounding one. The script redraws its data until every hidden pre-activation of every recorded batch is at
/// least 1e-4 (float32) or 1e-6 (float64) away from those points (stored as min_gap; checked here), so both
/// take the same branch everywhere. The squared hinge max(0, v)^2 has a continuous derivative 2 max(0, v), so
/// a hinge term at the edge changes the gradient only by O(rounding) and needs no such guard. The inputs
/// themselves are signed exactly (the same float32 values on both sides).</para>
/// </remarks>
[TestFixture, NonParallelizable]
public class PyTorchOracleTests
{
    static readonly int[] Widths = [12, 10, 8, 4];
    const int LayerCount = 3;

    /// <summary>Float32: 1e-5 of each tensor's scale (gamma_100 = 6e-6 rounded up; see the class remarks).</summary>
    const double Float32Relative = 1e-5;

    /// <summary>Float64 over 300 steps: 1e-10 of each tensor's scale (see the class remarks).</summary>
    const double Float64Relative = 1e-10;

    /// <summary>The smallest distance to a branch point the fixtures guarantee (float32 cases).</summary>
    const double MinGapFloat32 = 1e-4;

    int _threadsBefore;

    // One libtorch thread: these products are tiny, and OpenMP threads only wait for each other on a busy machine.
    [OneTimeSetUp]
    public void OneThread()
    {
        _threadsBefore = torch.get_num_threads();
        torch.set_num_threads(1);
    }

    [OneTimeTearDown]
    public void RestoreThreads() => torch.set_num_threads(_threadsBefore);

    // ---------------------------------------------------------------- fixtures

    /// <summary>
    /// tests/fixtures/pytorch/: found by walking up from the test assembly's folder to the directory holding
    /// Verification.sln, as GoldenFiles finds golden/.
    /// </summary>
    static string FixtureDir
    {
        get
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir != null; dir = dir.Parent)
                if (File.Exists(Path.Combine(dir.FullName, "Verification.sln")))
                    return Path.Combine(dir.FullName, "tests", "fixtures", "pytorch");
            throw new DirectoryNotFoundException($"no Verification.sln above {AppContext.BaseDirectory}; cannot locate tests/fixtures/pytorch/");
        }
    }

    sealed class Fixture(string file)
    {
        readonly Dictionary<string, NamedTensor> _byName =
            Npz.Read(Path.Combine(FixtureDir, file)).ToDictionary(t => t.Name, StringComparer.Ordinal);

        public NamedTensor this[string name] => _byName.TryGetValue(name, out var t) ? t
            : throw new KeyNotFoundException($"fixture {file} has no array '{name}' (rerun make_training_fixtures.py?)");

        public double Scalar(string name)
        {
            var t = this[name];
            Assert.That(t.Data, Has.Length.EqualTo(1), $"{name} is a scalar");
            return t.Data[0];
        }
    }

    static readonly Lazy<Fixture> Single = new(() => new Fixture("single_steps.npz"));
    static readonly Lazy<Fixture> Run64 = new(() => new Fixture("standard_run_f64.npz"));
    static readonly Lazy<Fixture> Trajectory = new(() => new Fixture("binarized_trajectory_f32.npz"));

    /// <summary>A fixture array as a tensor of <paramref name="dtype"/> (float32 fixtures hold float32 values, so the conversion is exact).</summary>
    static Tensor ToTensor(NamedTensor t, ScalarType dtype) => ToTensor(t.Data, t.Shape, dtype);

    static Tensor ToTensor(double[] data, long[] shape, ScalarType dtype) => dtype switch
    {
        ScalarType.Float32 => torch.tensor(data.Select(v => (float)v).ToArray(), shape),
        ScalarType.Float64 => torch.tensor(data, shape),
        _ => throw new ArgumentOutOfRangeException(nameof(dtype), dtype, null),
    };

    static Tensor Labels(NamedTensor t) => torch.tensor(t.Data.Select(v => (long)v).ToArray(), t.Shape);

    /// <summary>Slice <paramref name="index"/> of a stacked (steps, out, in) array.</summary>
    static (double[] Data, long[] Shape) Slice(NamedTensor stacked, int index)
    {
        long[] shape = stacked.Shape[1..];
        int n = (int)(shape[0] * shape[1]);
        return (stacked.Data.AsSpan(index * n, n).ToArray(), shape);
    }

    static double[] Values(Tensor t) => t.detach().contiguous().to(ScalarType.Float64).data<double>().ToArray();

    static double Scale(IReadOnlyList<double> v) => v.Max(Math.Abs);

    /// <summary>|actual - expected| &lt;= relative * max|expected| elementwise, shapes equal.</summary>
    static void AssertTensor(double[] expected, long[] expectedShape, Tensor actual, double relative, string what)
    {
        Assert.That(actual.shape, Is.EqualTo(expectedShape), $"{what}: shape");
        NumericAssert.AllEqual(expected, Values(actual), relative * Scale(expected), 0, what);
    }

    static void AssertTensor(NamedTensor expected, Tensor actual, double relative, string what) =>
        AssertTensor(expected.Data, expected.Shape, actual, relative, what);

    /// <summary>Largest |actual - expected| over a tensor.</summary>
    static double MaxDeviation(IReadOnlyList<double> expected, Tensor actual)
    {
        var a = Values(actual);
        double m = 0;
        for (int i = 0; i < a.Length; i++) m = Math.Max(m, Math.Abs(a[i] - expected[i]));
        return m;
    }

    // ---------------------------------------------------------------- the C# side

    /// <summary>
    /// A C# network of <paramref name="program"/> in <paramref name="dtype"/> holding PyTorch's weights, and an
    /// MomentumSgd(lr, momentum) over its parameters whose momentum buffers are PyTorch's (none when
    /// <paramref name="buffer"/> gives null), set as Trainer.LoadState sets them.
    /// </summary>
    static (Mlp Model, MomentumSgd Optimizer) Build(TrainingProgram program, ScalarType dtype, Func<int, Tensor> weight,
        Func<int, Tensor?> buffer, double lr, double momentum)
    {
        var model = Mlp.Create(program, Widths, bias: false, initSeed: 1);
        if (dtype != ScalarType.Float32) model.to(dtype);
        var parameters = model.parameters().ToArray();
        Assert.That(parameters, Has.Length.EqualTo(LayerCount));
        var optimizer = new MomentumSgd(parameters, lr, momentum);
        SetState(model, optimizer, weight, buffer);
        for (int k = 0; k < LayerCount; k++)
            Assert.That(model.Layer(k).weight!.dtype, Is.EqualTo(dtype), $"layer {k} dtype");
        return (model, optimizer);
    }

    /// <summary>Copies weights into the model and replaces the optimizer's momentum buffers (parameter i is layers.{i}.weight).</summary>
    static void SetState(Mlp model, MomentumSgd optimizer, Func<int, Tensor> weight, Func<int, Tensor?> buffer)
    {
        using (no_grad())
        {
            for (int k = 0; k < LayerCount; k++)
            {
                model.Layer(k).weight!.copy_(weight(k));
                optimizer.SetMomentumBuffer(k, buffer(k));
            }
        }
    }

    static Tensor Buffer(MomentumSgd optimizer, int k) =>
        optimizer.MomentumBuffer(k) ?? throw new AssertionException($"layer {k}: the optimizer holds no momentum buffer after the step");

    static TrainingConvention Convention(LossReduction reduction, bool divideByC, double margin) =>
        new(reduction, divideByC, margin, MnistNormalization.Standardized); // the input preprocessing plays no part in Step

    // ---------------------------------------------------------------- a. single float32 steps

    /// <summary>The ten single-step cases: both programs, mean/sum x divided by C or not (margin 1), and mean/C with margin 0.5.</summary>
    public static IEnumerable<TestCaseData> SingleStepCases()
    {
        foreach (var program in new[] { TrainingProgram.Standard, TrainingProgram.Binarized })
            foreach (var (r, d, m) in new[] { (LossReduction.Mean, true, 1.0), (LossReduction.Mean, false, 1.0), (LossReduction.Sum, true, 1.0), (LossReduction.Sum, false, 1.0), (LossReduction.Mean, true, 0.5) })
                yield return new TestCaseData(program, r, d, m).SetArgDisplayNames(program.Name(), Convention(r, d, m).Id);
    }

    static string Prefix(TrainingProgram program, LossReduction r, bool d, double m) =>
        $"{program.Name()}_{(r == LossReduction.Sum ? "sum" : "mean")}{(d ? "-c" : "")}_m{m.ToString("R", System.Globalization.CultureInfo.InvariantCulture)}";

    /// <summary>One recorded PyTorch step rerun by Trainer.Step from the same state (weights and non-zero momentum buffers).</summary>
    sealed class SingleStep : IDisposable
    {
        public readonly string P;
        public readonly Fixture F = Single.Value;
        public readonly Mlp Model;
        public readonly MomentumSgd Optimizer;
        public readonly float Loss;
        readonly DisposeScope _scope;

        public SingleStep(TrainingProgram program, LossReduction r, bool d, double m, double? momentumOverride = null)
        {
            _scope = NewDisposeScope();
            try { (P, Model, Optimizer, Loss) = Run(program, r, d, m, momentumOverride); }
            catch { _scope.Dispose(); throw; }
        }

        (string, Mlp, MomentumSgd, float) Run(TrainingProgram program, LossReduction r, bool d, double m, double? momentumOverride)
        {
            string prefix = Prefix(program, r, d, m);
            Assert.That(F.Scalar($"{prefix}.margin"), Is.EqualTo(m), "fixture margin");
            Assert.That(F.Scalar($"{prefix}.min_gap"), Is.GreaterThanOrEqualTo(MinGapFloat32), "fixture premise: no pre-activation within 1e-4 of a branch point");
            double momentum = momentumOverride ?? F.Scalar($"{prefix}.momentum");
            var (model, optimizer) = Build(program, ScalarType.Float32,
                k => ToTensor(F[$"{prefix}.layers.{k}.weight.before"], ScalarType.Float32),
                k => momentum == 0 ? null : ToTensor(F[$"{prefix}.layers.{k}.buffer.before"], ScalarType.Float32),
                F.Scalar($"{prefix}.lr"), momentum);
            float loss = (float)Trainer.Step(model, optimizer, ToTensor(F[$"{prefix}.x"], ScalarType.Float32), Labels(F[$"{prefix}.y"]), Convention(r, d, m));
            return (prefix, model, optimizer, loss);
        }

        public void Dispose()
        {
            Optimizer.Dispose();
            Model.Dispose();
            _scope.Dispose();
        }
    }

    [TestCaseSource(nameof(SingleStepCases))]
    public void SingleStep_LossAndGradient_AreTheConventionsSquaredHinge_AsMultiMarginLoss(TrainingProgram program, LossReduction r, bool d, double m)
    {
        // L = (1/n if mean) * sum_s (1/C if divided) * sum_{j != y_s} max(0, m - x_{s,y_s} + x_{s,j})^2, which PyTorch
        // computed as [C *] nn.MultiMarginLoss(p=2, margin=m, reduction) on its own forward pass; dL/dW^(k) through
        // ReLU or the straight-through sign. Trainer.Step leaves the gradient in .grad (optimizer.step does not clear it).
        using var s = new SingleStep(program, r, d, m);
        double expectedLoss = s.F.Scalar($"{s.P}.loss");
        TestContext.Out.WriteLine($"{s.P}: loss {expectedLoss:R}, relative deviation {Math.Abs(s.Loss - expectedLoss) / expectedLoss:G3}; gradient deviation / scale: "
            + string.Join(", ", Enumerable.Range(0, LayerCount).Select(k => { var g = s.F[$"{s.P}.layers.{k}.grad"].Data; return (MaxDeviation(g, s.Model.Layer(k).weight!.grad!) / Scale(g)).ToString("G3"); })));
        NumericAssert.AreEqualRelative(expectedLoss, s.Loss, Float32Relative, $"{s.P}: loss");
        for (int k = 0; k < LayerCount; k++)
            AssertTensor(s.F[$"{s.P}.layers.{k}.grad"], s.Model.Layer(k).weight!.grad!, Float32Relative, $"{s.P}: dL/dW layer {k}");
    }

    [TestCaseSource(nameof(SingleStepCases))]
    public void SingleStep_MomentumBuffer_IsMuTimesBufferPlusGradient(TrainingProgram program, LossReduction r, bool d, double m)
    {
        // b' = mu b + g (torch.optim.MomentumSgd, no dampening). First the fixture itself obeys it (PyTorch's b' against
        // mu b + g formed here in float64 from PyTorch's b and g: one float32 multiply-add of rounding), then C#'s b'
        // equals PyTorch's.
        using var s = new SingleStep(program, r, d, m);
        double mu = s.F.Scalar($"{s.P}.momentum");
        for (int k = 0; k < LayerCount; k++)
        {
            var b = s.F[$"{s.P}.layers.{k}.buffer.before"].Data;
            var g = s.F[$"{s.P}.layers.{k}.grad"].Data;
            var after = s.F[$"{s.P}.layers.{k}.buffer.after"];
            var formula = b.Select((v, i) => mu * v + g[i]).ToArray();
            NumericAssert.AllEqual(formula, after.Data, Float32Relative * Scale(formula), 0, $"{s.P}: PyTorch's own b' = mu b + g, layer {k}");
            AssertTensor(after, Buffer(s.Optimizer, k), Float32Relative, $"{s.P}: momentum buffer b' layer {k}");
        }
    }

    [TestCaseSource(nameof(SingleStepCases))]
    public void SingleStep_Weights_ArePMinusLrTimesNewBuffer(TrainingProgram program, LossReduction r, bool d, double m)
    {
        // p' = p - lr b' with b' = mu b + g: the fixture obeys it (checked here in float64 from PyTorch's p and b'),
        // and C#'s p' equals PyTorch's.
        using var s = new SingleStep(program, r, d, m);
        double lr = s.F.Scalar($"{s.P}.lr");
        for (int k = 0; k < LayerCount; k++)
        {
            var p = s.F[$"{s.P}.layers.{k}.weight.before"].Data;
            var bNew = s.F[$"{s.P}.layers.{k}.buffer.after"].Data;
            var after = s.F[$"{s.P}.layers.{k}.weight.after"];
            var formula = p.Select((v, i) => v - lr * bNew[i]).ToArray();
            NumericAssert.AllEqual(formula, after.Data, Float32Relative * Scale(formula), 0, $"{s.P}: PyTorch's own p' = p - lr b', layer {k}");
            AssertTensor(after, s.Model.Layer(k).weight!, Float32Relative, $"{s.P}: weights p' layer {k}");
        }
    }

    [TestCase(TrainingProgram.Standard, LossReduction.Mean, true, 1.0)]
    [TestCase(TrainingProgram.Standard, LossReduction.Sum, false, 1.0)]
    [TestCase(TrainingProgram.Binarized, LossReduction.Mean, true, 1.0)]
    [TestCase(TrainingProgram.Binarized, LossReduction.Sum, false, 1.0)]
    public void SingleStep_WithoutMomentum_MissesThePyTorchWeights_TheFixtureDiscriminates(TrainingProgram program, LossReduction r, bool d, double m)
    {
        // A trainer that ignored the momentum (SGD with momentum 0, or one that lost the buffers: PyTorch's first
        // step sets b = g, the same p - lr g) would give p' = p - lr g instead of p - lr (mu b + g). The fixture's
        // momentum term lr mu b must be far above the tolerance, so the comparison of the weights catches that.
        double worstRatio = double.PositiveInfinity;
        using (var s = new SingleStep(program, r, d, m, momentumOverride: 0))
        {
            for (int k = 0; k < LayerCount; k++)
            {
                var after = s.F[$"{s.P}.layers.{k}.weight.after"];
                double tolerance = Float32Relative * Scale(after.Data);
                double deviation = MaxDeviation(after.Data, s.Model.Layer(k).weight!);
                worstRatio = Math.Min(worstRatio, deviation / tolerance);
                TestContext.Out.WriteLine($"{s.P} layer {k}: without momentum max |p' - p'_torch| = {deviation:G3}, tolerance {tolerance:G3}");
            }
        }
        Assert.That(worstRatio, Is.GreaterThan(100), "without momentum every layer misses PyTorch's weights by more than 100 tolerances");
        using (var s = new SingleStep(program, r, d, m))
            for (int k = 0; k < LayerCount; k++)
                AssertTensor(s.F[$"{s.P}.layers.{k}.weight.after"], s.Model.Layer(k).weight!, Float32Relative, $"{s.P}: with momentum, layer {k}");
    }

    // ---------------------------------------------------------------- b. float64 run of the standard network

    [Test]
    public void StandardRun_Float64_300Steps_NetworkLossAndSgd_FollowPyTorch()
    {
        // 300 steps of b <- mu b + g, p <- p - lr b (lr 0.05, mu 0.9, batch 8, mean/C, margin 1) of the float64
        // standard network (Mlp converted with .to(Float64)) from PyTorch's initial weights and no momentum buffer
        // (the first step sets b = g on both sides), each step by Trainer.Step. The loss of every step, the weights
        // at steps 100, 200, 300 and the final momentum buffers must agree to Float64Relative (of the loss, of each
        // tensor's scale).
        using var scope = NewDisposeScope();
        var f = Run64.Value;
        Assert.That(f.Scalar("min_gap"), Is.GreaterThanOrEqualTo(1e-6), "fixture premise: no ReLU pre-activation within 1e-6 of 0");
        var convention = Convention(LossReduction.Mean, true, f.Scalar("margin"));
        var (model, optimizer) = Build(TrainingProgram.Standard, ScalarType.Float64,
            k => ToTensor(f[$"weights.step0.layers.{k}.weight"], ScalarType.Float64), _ => null, f.Scalar("lr"), f.Scalar("momentum"));
        using var _m = model;
        using var _o = optimizer;
        var trainX = ToTensor(f["train_x"], ScalarType.Float64);
        var trainY = Labels(f["train_y"]);
        var batches = f["batch_index"];
        var expectedLoss = f["loss"].Data;
        int steps = expectedLoss.Length, batch = (int)batches.Shape[1];
        Assert.That(steps, Is.EqualTo(300));

        var loss = new double[steps];
        double worstWeights = 0;
        for (int t = 0; t < steps; t++)
        {
            using var stepScope = NewDisposeScope();
            var idx = torch.tensor(batches.Data.AsSpan(t * batch, batch).ToArray().Select(v => (long)v).ToArray());
            loss[t] = Trainer.Step(model, optimizer, trainX.index_select(0, idx), trainY.index_select(0, idx), convention);
            if ((t + 1) % 100 == 0)
            {
                for (int k = 0; k < LayerCount; k++)
                {
                    var expected = f[$"weights.step{t + 1}.layers.{k}.weight"];
                    worstWeights = Math.Max(worstWeights, MaxDeviation(expected.Data, model.Layer(k).weight!) / Scale(expected.Data));
                    AssertTensor(expected, model.Layer(k).weight!, Float64Relative, $"weights after step {t + 1}, layer {k}");
                }
            }
        }
        double worstLoss = expectedLoss.Select((e, i) => Math.Abs(loss[i] - e) / Math.Abs(e)).Max();
        TestContext.Out.WriteLine($"float64 run: loss {expectedLoss[0]:G6} -> {expectedLoss[^1]:G6}; worst relative deviation: loss {worstLoss:G3}, weights {worstWeights:G3} (of the tensor scale)");
        NumericAssert.AllEqual(expectedLoss, loss, 0, Float64Relative, "float64 loss of each step");
        for (int k = 0; k < LayerCount; k++)
            AssertTensor(f[$"buffers.step300.layers.{k}.weight"], Buffer(optimizer, k), Float64Relative, $"momentum buffer after step 300, layer {k}");
        Assert.That(expectedLoss.TakeLast(20).Average(), Is.LessThan(0.5 * expectedLoss.Take(20).Average()), "the run learns, so the comparison covers a moving trajectory");
    }

    // ---------------------------------------------------------------- the link from Trainer.Train to the oracle

    [TestCase(TrainingProgram.Standard)]
    [TestCase(TrainingProgram.Binarized)]
    public void TrainerTrain_IsTrainerStepWithSgdMomentum_TheUpdateTheOracleChecks(TrainingProgram program)
    {
        // The tests above give Trainer.Step a MomentumSgd(lr, momentum 0.9) built here. Trainer.Train builds its own
        // optimizer; this test checks that its run is exactly Trainer.Step with MomentumSgd(lr, 0.9) over the
        // batches of DataOrder, so what the oracle checks (b' = mu b + g, p' = p - lr b' as in torch.optim.SGD)
        // holds for Train too (a Train that built SGD without momentum, with dampening or with weight decay fails).
        // Same libtorch, one thread on both sides (Threads = 1, and the fixture's OneThread), same operations in the same order: the final weights and momentum
        // buffers must be bitwise equal (the resume state stores them as F32, exactly).
        var f = Trajectory.Value;
        var trainX = f["train_x"].Data.Select(v => (float)v).ToArray();
        var trainY = f["train_y"].Data.Select(v => (byte)v).ToArray();
        var data = new TrainingData(trainX, trainY, trainX, trainY, Widths[0]);
        double mu = f.Scalar("momentum");
        var options = new TrainingOptions
        {
            Program = program, Widths = Widths, LearningRate = f.Scalar("lr"), Momentum = mu, BatchSize = 16, Epochs = 2,
            Seed = 4242, Threads = 1, Schedule = "0,2",
        };
        string run = Directory.CreateTempSubdirectory("neuralspin-oracle-").FullName;
        try
        {
            Trainer.Train(run, data, options);
            var initial = SafeTensors.Read(RunFiles.ListCheckpoints(run)[0]).Tensors.ToDictionary(t => t.Name, StringComparer.Ordinal);
            var final = SafeTensors.Read(RunFiles.StateFile(run)).Tensors.ToDictionary(t => t.Name, StringComparer.Ordinal);

            using var scope = NewDisposeScope();
            var (model, optimizer) = Build(program, ScalarType.Float32,
                k => ToTensor(initial[$"layers.{k}.weight"], ScalarType.Float32), _ => null, options.LearningRate, mu);
            using var _m = model;
            using var _o = optimizer;
            var tx = torch.tensor(trainX, [trainY.Length, Widths[0]]);
            var ty = torch.tensor(trainY.Select(b => (long)b).ToArray());
            int n = trainY.Length, perEpoch = n / options.BatchSize;
            for (int t = 0; t < perEpoch * options.Epochs; t++)
            {
                var order = DataOrder.Permutation(options.Seed, t / perEpoch, n);
                var idx = torch.tensor(order.AsSpan(t % perEpoch * options.BatchSize, options.BatchSize).ToArray().Select(i => (long)i).ToArray());
                Trainer.Step(model, optimizer, tx.index_select(0, idx), ty.index_select(0, idx), TrainingConvention.Default);
            }
            for (int k = 0; k < LayerCount; k++)
            {
                Assert.That(Values(model.Layer(k).weight!), Is.EqualTo(final[$"model.layers.{k}.weight"].Data), $"{program.Name()}: Train's final weights, layer {k}, bitwise");
                Assert.That(Values(Buffer(optimizer, k)), Is.EqualTo(final[$"momentum.layers.{k}.weight"].Data), $"{program.Name()}: Train's final momentum buffer, layer {k}, bitwise");
            }
        }
        finally
        {
            Directory.Delete(run, recursive: true);
        }
    }

    // ---------------------------------------------------------------- c. binarized float32 trajectory, step by step

    [Test]
    public void BinarizedTrajectory_Float32_EveryStepFromPyTorchsState_MatchesPyTorchsNextState()
    {
        // Step t maps PyTorch's state s_t = (W, b) to s_{t+1} by b <- mu b + g, W <- W - lr b, with g through the
        // straight-through sign (forward step(z), backward [|z| <= 1]). A long float32 trajectory of a sign network
        // diverges after the first rounding-induced sign flip, so every step starts from PyTorch's own s_t (weights
        // copied, buffers replaced) and is compared with s_{t+1} at float32 rounding (Float32Relative of each
        // tensor's scale; the loss relative to itself). No hidden pre-activation of the 50 batches lies within 1e-4 of
        // 0 or +-1 (min_gap), so both sides take the same sign and the same straight-through mask.
        using var scope = NewDisposeScope();
        var f = Trajectory.Value;
        Assert.That(f.Scalar("min_gap"), Is.GreaterThanOrEqualTo(MinGapFloat32), "fixture premise: no pre-activation within 1e-4 of 0 or +-1");
        var convention = Convention(LossReduction.Mean, true, f.Scalar("margin"));
        var weights = Enumerable.Range(0, LayerCount).Select(k => f[$"weights.layers.{k}"]).ToArray();
        var buffers = Enumerable.Range(0, LayerCount).Select(k => f[$"buffers.layers.{k}"]).ToArray();
        var expectedLoss = f["loss"].Data;
        int steps = expectedLoss.Length;
        Assert.That(steps, Is.EqualTo(50));
        Assert.That(weights[0].Shape[0], Is.EqualTo(steps + 1), "states s_0 .. s_50");

        Tensor W(int k, int t) { var (d, s) = Slice(weights[k], t); return ToTensor(d, s, ScalarType.Float32); }
        Tensor B(int k, int t) { var (d, s) = Slice(buffers[k], t); return ToTensor(d, s, ScalarType.Float32); }

        var (model, optimizer) = Build(TrainingProgram.Binarized, ScalarType.Float32, k => W(k, 0), k => B(k, 0), f.Scalar("lr"), f.Scalar("momentum"));
        using var _m = model;
        using var _o = optimizer;
        var trainX = ToTensor(f["train_x"], ScalarType.Float32);
        var trainY = Labels(f["train_y"]);
        var batches = f["batch_index"];
        int batch = (int)batches.Shape[1];
        double worst = 0;
        for (int t = 0; t < steps; t++)
        {
            if (t > 0) SetState(model, optimizer, k => W(k, t), k => B(k, t));
            var idx = torch.tensor(batches.Data.AsSpan(t * batch, batch).ToArray().Select(v => (long)v).ToArray());
            float loss = (float)Trainer.Step(model, optimizer, trainX.index_select(0, idx), trainY.index_select(0, idx), convention);
            NumericAssert.AreEqualRelative(expectedLoss[t], loss, Float32Relative, $"step {t}: loss");
            for (int k = 0; k < LayerCount; k++)
            {
                var (wd, ws) = Slice(weights[k], t + 1);
                var (bd, bs) = Slice(buffers[k], t + 1);
                worst = Math.Max(worst, MaxDeviation(wd, model.Layer(k).weight!) / Scale(wd));
                worst = Math.Max(worst, MaxDeviation(bd, Buffer(optimizer, k)) / Scale(bd));
                AssertTensor(bd, bs, Buffer(optimizer, k), Float32Relative, $"step {t}: momentum buffer b' = mu b + g, layer {k}");
                AssertTensor(wd, ws, model.Layer(k).weight!, Float32Relative, $"step {t}: weights p' = p - lr b', layer {k}");
            }
        }
        TestContext.Out.WriteLine($"binarized trajectory: loss {expectedLoss[0]:G6} -> {expectedLoss[^1]:G6}; worst deviation of weights and buffers {worst:G3} of the tensor scale");
    }
}
