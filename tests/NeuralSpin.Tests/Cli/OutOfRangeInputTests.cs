using NeuralSpin.IO;
using NeuralSpin.Ising;
using NUnit.Framework;

namespace NeuralSpin.Tests.Cli;

/// <summary>
/// Option values and file contents that are well-formed but out of range (schedules, sizes that overflow, frozen
/// spins, finite values whose squares overflow, grids past float64): each gives exit 2 with one paragraph naming
/// the option or file and a remedy, never exit 1 "internal error", and writes nothing.
/// </summary>
[TestFixture, NonParallelizable]
public sealed class OutOfRangeInputTests : CliFixture
{
    // Argument errors are raised before MNIST is loaded, so these need no data set.
    [TestCase("every:0.05")]
    [TestCase("every:0")]
    [TestCase("every:-1")]
    [TestCase("foo")]
    [TestCase("")]
    [TestCase("-1,1")]
    [TestCase("NaN")]
    [TestCase("0,2")] // epoch 2 after the last epoch 1
    public void Train_BadCheckpointSchedule_IsExit2(string schedule)
    {
        string run = PathOf("run");
        var r = Cli("train", "--program", "binarized", "--out", run, "--checkpoints", schedule, "--data", PathOf("no-mnist"));
        AssertBadInput(r, ["--checkpoints", "every:K"]);
        Assert.That(Directory.Exists(run), Is.False, "no run directory is created");
    }

    [Test]
    public void Init_BlockTooLargeForAWeightsFile_IsExit2()
    {
        string o = PathOf("w.safetensors");
        var r = Cli("init", "--widths", "50000,50000", "--c", "2", "--seed", "1", "--out", o);
        AssertBadInput(r, ["--widths", "50000 x 50000", "smaller widths"], o);
    }

    [Test]
    public void Init_F32BlockNearTheLimit_NamesTheDType()
    {
        // 30000 x 30000 F64 = 7.2 GB > 2^31 bytes: refused, with the dtype named
        string o = PathOf("w.safetensors");
        var r = Cli("init", "--widths", "30000,30000", "--c", "2", "--seed", "1", "--out", o, "--dtype", "F64");
        AssertBadInput(r, ["--widths", "F64"], o);
    }

    string Model3()
    {
        string p = PathOf("m.txt");
        File.WriteAllText(p, "3\n0 0.5 0.2\n0.5 0 -0.3\n0.2 -0.3 0\n0.1 0 -0.1\n");
        return p;
    }

    [Test]
    public void IsingSample_MoreSpinsThanAnArrayHolds_IsExit2()
    {
        string o = PathOf("s.npy");
        var r = Cli("ising", "sample", "--model", Model3(), "--samples", "2000000000", "--out", o);
        AssertBadInput(r, ["--samples 2000000000", "smaller --samples"], o);
    }

    string Configs(string name, sbyte[,] s)
    {
        int m = s.GetLength(0), n = s.GetLength(1);
        var flat = new sbyte[m * n];
        for (int k = 0; k < m; k++) for (int i = 0; i < n; i++) flat[k * n + i] = s[k, i];
        string p = PathOf(name);
        new Configurations(n, flat).Write(p);
        return p;
    }

    string Frozen()
    {
        var rng = new Random(1);
        var s = new sbyte[50, 5];
        for (int k = 0; k < 50; k++) { s[k, 0] = 1; for (int i = 1; i < 5; i++) s[k, i] = rng.Next(2) == 0 ? (sbyte)-1 : (sbyte)1; }
        return Configs("frozen.npy", s);
    }

    [TestCase("mf")]
    [TestCase("tap")]
    [TestCase("bp")]
    public void IsingFit_FrozenSpin_IsExit2(string method)
    {
        string f = Frozen();
        string o = PathOf("fit.npz"), j = PathOf("fit.json");
        var r = Cli("ising", "fit", "--configs", f, "--method", method, "--out", o, "--json", j);
        AssertBadInput(r, [$"'{f}'", "spin 0", "+1 in all 50 samples", "--l2", "--method pl"], o, j);
    }

    [TestCase("mf")]
    [TestCase("tap")]
    [TestCase("bp")]
    public void IsingFit_OneSample_IsExit2(string method)
    {
        string f = Configs("one.npy", new sbyte[,] { { 1, -1, 1, 1, -1 } });
        string o = PathOf("fit.npz");
        var r = Cli("ising", "fit", "--configs", f, "--method", method, "--out", o);
        AssertBadInput(r, [$"'{f}'", "1 sample", "--l2"], o);
    }

    [Test]
    public void IsingFit_FrozenSpinWithRidge_Works()
    {
        var r = Cli("ising", "fit", "--configs", Frozen(), "--method", "mf", "--l2", "0.01", "--out", PathOf("fit.npz"));
        Assert.That(r.ExitCode, Is.EqualTo(0), r.Stderr);
    }

    string Tensors(string name, params (string Name, int Rows, int Cols, double Scale)[] ts)
    {
        var rng = new Random(2);
        var list = ts.Select(t => new NamedTensor(t.Name, "F64", [t.Rows, t.Cols],
            Enumerable.Range(0, t.Rows * t.Cols).Select(_ => (rng.NextDouble() - 0.5) * t.Scale).ToArray())).ToList();
        string p = PathOf(name);
        SafeTensors.Write(p, list);
        return p;
    }

    [Test]
    public void Analyze_FiniteWeightsWhoseSquaresOverflow_IsExit2()
    {
        string w = Tensors("big.safetensors", ("layers.0.weight", 15, 20, 1e300), ("layers.1.weight", 10, 15, 1e300));
        string j = PathOf("a.json"), c = PathOf("a.csv");
        var r = Cli("analyze", w, "--json", j, "--curve", c);
        AssertBadInput(r, [$"'{w}'", "layers.0.weight", "Rescale"], j, c);
    }

    [Test]
    public void Analyze_HugeBetaMaxWithCurve_IsExit2()
    {
        string w = InitNetwork();
        string c = PathOf("x.csv");
        var r = Cli("analyze", w, "--beta-max", "1e160", "--curve", c);
        AssertBadInput(r, ["--beta-max 1E+160", $"'{w}'", "smaller --beta-max"], c);
    }

    [Test]
    public void ClassicRbm_HugeWeights_IsExit2()
    {
        string w = Tensors("rbm.safetensors", ("W", 8, 4, 1e200));
        string o = PathOf("rbm-out");
        var r = Cli("classic", "rbm", "--weights", w, "--out", o);
        AssertBadInput(r, [$"'{w}'", "W", "Rescale"]);
        Assert.That(Directory.Exists(o) && Directory.EnumerateFileSystemEntries(o).Any(), Is.False, "nothing written");
    }

    [TestCase("1e308")]
    [TestCase("1e100")]
    public void IsingLandscape_HugeXMax_IsExit2(string xMax)
    {
        string refPath = Configs("ref.npy", new sbyte[,] { { 1, -1, 1 } });
        string o = PathOf("l.csv");
        var r = Cli("ising", "landscape", "--model", Model3(), "--reference", refPath, "--x-max", xMax, "--out", o);
        AssertBadInput(r, ["--x-max", "1000000"], o);
    }
}
