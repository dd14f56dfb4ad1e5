using System.Diagnostics;
using System.Globalization;
using NeuralSpin.Reproduction;
using NeuralSpin.Training;
using TorchSharp;
using static TorchSharp.torch;

/// <summary>
/// Where a paper-1 training step spends its time (the tool's own timing; docs/theory.md section 9): the 784-512-512-512-10
/// network of Table 1, batch 32, the convention of <c>reproduce paper1</c>, timed phase by phase (the batch gather, the
/// forward pass, the loss, the backward pass, the SGD update) over the same steps, beside the whole step as the trainer runs
/// it (<see cref="Trainer.Step"/>), the step's matrix products alone (the same shapes, forward and backward: its floor), and the
/// machine's float32 torch.mm rate (2048 x 2048) measured in the same run. libtorch runs every CPU operation synchronously, so a
/// stopwatch around each phase measures it.
/// Run: dotnet run -c Release --project benchmarks/NeuralSpin.Benchmarks -- training-profile [standard|binarized] [steps] [threads,...]
/// </summary>
/// <remarks>
/// The inputs are synthetic (Gaussian pixels, uniform labels; 10,000 samples): the work of a step does not depend on the values.
/// FLOPs of a step (multiply-add = 2): forward 2 B sum_k N_(k-1) N_k, backward twice that (the gradients of the inputs and of the
/// weights), B = 32, i.e. 6 x 32 x 930,816 = 179 MFLOP.
/// </remarks>
static class TrainingProfile
{
    static readonly int[] Widths = [784, 512, 512, 512, 10];
    const int Batch = 32, Samples = 10_000, StepsPerEpoch = 1875;

    public static int Run(string[] args)
    {
        var program = TrainingPrograms.Parse(args.Length > 1 ? args[1] : "standard");
        int steps = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 400;
        var threadCounts = (args.Length > 3 ? args[3] : "1").Split(',').Select(t => int.Parse(t, CultureInfo.InvariantCulture)).ToArray();
        var convention = Paper1Report.Convention;
        Console.WriteLine(FormattableString.Invariant($"training profile: {program.Name()} {string.Join("-", Widths)}, batch {Batch}, convention {convention.Id}, {steps} timed steps per measurement"));
        foreach (int threads in threadCounts)
        {
            set_num_threads(threads);
            Console.WriteLine(FormattableString.Invariant($"\n{threads} libtorch thread(s), load average {Load()} (the machine is shared: compare the rows of one block, not absolute times across runs)"));
            double mm = EnsembleThroughput.MatrixProductRate();
            var (phases, whole) = Profile(program, convention, steps);
            double floor = ProductFloor(steps);
            double phaseSum = phases.Sum(p => p.Seconds);
            const double flop = 6.0 * Batch * (784 * 512 + 512 * 512 + 512 * 512 + 512 * 10);
            Console.WriteLine("| phase | ms per step | share of the phased step |");
            Console.WriteLine("| --- | --- | --- |");
            foreach (var (name, s) in phases)
                Console.WriteLine(FormattableString.Invariant($"| {name} | {1e3 * s / steps:F3} | {s / phaseSum:P1} |"));
            Console.WriteLine(FormattableString.Invariant($"| sum of the phases | {1e3 * phaseSum / steps:F3} | |"));
            Console.WriteLine(FormattableString.Invariant($"| whole step (Trainer.Step) | {1e3 * whole / steps:F3} | |"));
            Console.WriteLine(FormattableString.Invariant($"| its matrix products alone (same shapes) | {1e3 * floor / steps:F3} | {floor / whole:P1} of the whole step |"));
            Console.WriteLine(FormattableString.Invariant($"whole step: {steps * Batch / whole:F0} samples/s, {StepsPerEpoch * whole / steps:F2} s per epoch of 60,000; {flop * steps / whole / 1e9:F1} GFLOP/s = {flop * steps / whole / mm:P1} of the torch.mm rate {mm / 1e9:F1} GFLOP/s (after: {EnsembleThroughput.MatrixProductRate() / 1e9:F1}; load average {Load()})"));
        }
        return 0;
    }

    static string Load() => File.ReadAllText("/proc/loadavg").Split(' ')[0];

    /// <summary>Times the phases of <paramref name="steps"/> steps, then the same number of whole steps (after warm-ups).</summary>
    static ((string Name, double Seconds)[] Phases, double Whole) Profile(TrainingProgram program, TrainingConvention convention, int steps)
    {
        using var gen = new Generator(11, CPU);
        using var x = randn([Samples, Widths[0]], generator: gen);
        using var y = randint(0, Widths[^1], [Samples], dtype: ScalarType.Int64, generator: gen);
        using var model = Mlp.Create(program, Widths, bias: false, initSeed: 1);
        using var sgd = new MomentumSgd(model.parameters(), 1e-4, 0.9);
        var rng = new Random(3);
        long[] Indices() => Enumerable.Range(0, Batch).Select(_ => (long)rng.Next(Samples)).ToArray();

        for (int i = 0; i < 50; i++)
            using (NewDisposeScope()) { var idx = tensor(Indices()); Trainer.Step(model, sgd, x.index_select(0, idx), y.index_select(0, idx), convention); }

        var names = new[] { "batch gather (index_select)", "forward", "loss (+ read to host)", "backward", "SGD update (+ zero grad)" };
        var sec = new double[names.Length];
        var sw = new Stopwatch();
        for (int i = 0; i < steps; i++)
        {
            using var scope = NewDisposeScope();
            var idxHost = Indices();
            sw.Restart();
            var idx = tensor(idxHost);
            var xb = x.index_select(0, idx);
            var yb = y.index_select(0, idx);
            sec[0] += sw.Elapsed.TotalSeconds; sw.Restart();
            var scores = model.forward(xb);
            sec[1] += sw.Elapsed.TotalSeconds; sw.Restart();
            var l = MultiClassHingeLoss.Squared(scores, yb, convention);
            double loss = l.ToDouble();
            sec[2] += sw.Elapsed.TotalSeconds; sw.Restart();
            l.backward();
            sec[3] += sw.Elapsed.TotalSeconds; sw.Restart();
            sgd.Step();
            sgd.ZeroGrad();
            sec[4] += sw.Elapsed.TotalSeconds;
            if (!double.IsFinite(loss)) throw new InvalidOperationException("the profile's training diverged");
        }

        double whole = 0;
        for (int i = 0; i < steps; i++)
        {
            using var scope = NewDisposeScope();
            var idxHost = Indices();
            sw.Restart();
            var idx = tensor(idxHost);
            Trainer.Step(model, sgd, x.index_select(0, idx), y.index_select(0, idx), convention);
            whole += sw.Elapsed.TotalSeconds;
        }
        return (names.Zip(sec).ToArray(), whole);
    }

    /// <summary>The matrix products of <paramref name="steps"/> steps alone: per layer the forward x W^T, and the backward g W and g^T x.</summary>
    static double ProductFloor(int steps)
    {
        using var scope = NewDisposeScope();
        var w = new List<Tensor>();
        var a = new List<Tensor>();
        var g = new List<Tensor>();
        for (int k = 0; k + 1 < Widths.Length; k++)
        {
            w.Add(randn(Widths[k + 1], Widths[k]));
            a.Add(randn(Batch, Widths[k]));
            g.Add(randn(Batch, Widths[k + 1]));
        }
        for (int i = 0; i < 20; i++) Products();
        var sw = Stopwatch.StartNew();
        for (int i = 0; i < steps; i++) Products();
        return sw.Elapsed.TotalSeconds;

        void Products()
        {
            using var inner = NewDisposeScope();
            for (int k = 0; k < w.Count; k++)
            {
                a[k].mm(w[k].t());
                if (k > 0) g[k].mm(w[k]);
                g[k].t().mm(a[k]);
            }
        }
    }
}
