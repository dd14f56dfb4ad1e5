using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using NeuralSpin.Cli;
using NeuralSpin.Cli.Commands;
using NeuralSpin.IO;
using NeuralSpin.Ising;
using NeuralSpin.Tests.Classic;
using NeuralSpin.Training;
using NUnit.Framework;
using Snapshooter.NUnit;

namespace NeuralSpin.Tests.Cli;

/// <summary>
/// The exact text of the commands' JSON files (with the CSV files of analyze --curve and ising landscape, and init's safetensors header) on small seeded runs, line by line
/// against committed snapshots in __snapshots__/: keys, their order, number formatting, nulls and indentation. Only
/// what differs between runs and machines is masked: the wall time, the build's version and commit, input hashes and
/// the temporary directory. A change of any other byte is a change of the output format and must be reviewed.
/// </summary>
[TestFixture, NonParallelizable]
public class JsonOutputTextTests : CliFixture
{
    /// <summary>The file's text as its lines (the last one empty: the file ends in a newline), masked.</summary>
    string[] Pinned(string path)
    {
        string text = File.ReadAllText(path);
        string dir = JsonSerializer.Serialize(Dir)[1..^1];
        text = text.Replace(dir, "<dir>");
        text = Regex.Replace(text, "\"(elapsed_seconds|wall_seconds)\": [^,\\n]+", "\"$1\": 0");
        text = Regex.Replace(text, "\"(neuralspin_version|commit|sha256)\": \"[^\"]*\"", "\"$1\": \"<masked>\"");
        return text.Split('\n');
    }

    CliRun Ok(params string[] args)
    {
        var r = Cli(args);
        Assert.That(r.ExitCode, Is.EqualTo(0), r.Stderr);
        return r;
    }

    string WriteModel(IsingModel model, string name = "model.npz")
    {
        string p = PathOf(name);
        IsingModelFile.Write(p, model);
        return p;
    }

    static IsingModel Random6(int seed) => NeuralSpin.Tests.Ising.IsingReference.RandomModel(6, new Random(seed), scale: 0.5, fieldScale: 0.3, beta: 1);

    [Test]
    public void ClassicSk()
    {
        Ok("classic", "sk", "--sizes", "16,32", "--instances", "2", "--n", "16", "--starts", "3", "--branches", "2", "--beta-max", "3",
            "--tap-instances", "2", "--tap-starts", "2", "--out", PathOf("out"), "--json", PathOf("sk.json"));
        Snapshot.Match(Pinned(PathOf("sk.json")));
    }

    [Test]
    public void ClassicCurieWeiss()
    {
        Ok("classic", "curie-weiss", "--temperature", "0.7", "--field", "0.05", "--sizes", "10,200", "--points", "21", "--json", PathOf("cw.json"), "--out", PathOf("cw"));
        Snapshot.Match(Pinned(PathOf("cw.json")));
    }

    [Test]
    public void ClassicCurieWeiss_ZeroFieldBelowTc()
    {
        Ok("classic", "curie-weiss", "--temperature", "0.5", "--coupling", "2", "--points", "5", "--sizes", "4", "--json", PathOf("cw.json"), "--out", PathOf("o"));
        Snapshot.Match(Pinned(PathOf("cw.json")));
    }

    [Test]
    public void ClassicHopfield()
    {
        Ok("classic", "hopfield", "--sizes", "100,200", "--alphas", "0.05,0.15,0.3", "--samples", "3", "--temperatures", "0,0.5,1.5",
            "--phase-size", "100", "--phase-samples", "2", "--burn-in", "5", "--measure", "5", "--no-phase-diagram", "--seed", "7",
            "--out", PathOf("out"), "--json", PathOf("h.json"));
        Snapshot.Match(Pinned(PathOf("h.json")));
    }

    [Test]
    public void ClassicHopfield_PhaseDiagram()
    {
        Ok("classic", "hopfield", "--sizes", "100", "--alphas", "0.05,0.2", "--samples", "2", "--temperatures", "0,0.5",
            "--phase-size", "100", "--phase-samples", "1", "--phase-alphas", "0.05,0.1", "--phase-temperatures", "0.2,0.6",
            "--burn-in", "5", "--measure", "5", "--seed", "3", "--out", PathOf("out"), "--json", PathOf("h.json"));
        Snapshot.Match(Pinned(PathOf("h.json")));
    }

    string WriteRbm(string name)
    {
        var rbm = RbmTests.RandomRbm(8, 3, 99, scale: 0.5);
        string p = PathOf(name);
        Npz.Write(p, [
            new NamedTensor("W", "<f8", [rbm.Visible, rbm.Hidden], rbm.Weights.ToArray()),
            new NamedTensor("b", "<f8", [rbm.Visible], rbm.VisibleBias.ToArray()),
            new NamedTensor("c", "<f8", [rbm.Hidden], rbm.HiddenBias.ToArray()),
        ]);
        return p;
    }

    [Test]
    public void ClassicRbm_Weights()
    {
        Ok("classic", "rbm", "--weights", WriteRbm("rbm.npz"), "--json", PathOf("rbm.json"), "--out", PathOf("o"), "--model-out", PathOf("eff.npz"));
        Snapshot.Match(Pinned(PathOf("rbm.json")));
    }

    [Test]
    public void ClassicRbm_Demo()
    {
        Ok("classic", "rbm", "--demo", "--visible", "6", "--hidden", "2", "--scale-min", "0.001", "--scale-max", "0.03", "--points", "4",
            "--json", PathOf("d.json"), "--out", PathOf("demo"));
        Snapshot.Match(Pinned(PathOf("d.json")));
    }

    [Test]
    public void IsingEnumerate()
    {
        Ok("ising", "enumerate", "--model", WriteModel(Random6(11)), "--beta", "0.8", "--json", PathOf("e.json"));
        Snapshot.Match(Pinned(PathOf("e.json")));
    }

    [Test]
    public void IsingBethe()
    {
        Ok("ising", "bethe", "--model", WriteModel(Random6(12)), "--damping", "0.2", "--max-iterations", "500", "--json", PathOf("b.json"));
        Snapshot.Match(Pinned(PathOf("b.json")));
    }

    [Test]
    public void IsingFit()
    {
        var samples = ExactEnumeration.Sample(Random6(21), 2000, new Random(22));
        samples.Write(PathOf("configs.npy"));
        Ok("ising", "fit", "--configs", PathOf("configs.npy"), "--method", "mf", "--out", PathOf("mf.npz"), "--json", PathOf("mf.json"));
        Snapshot.Match(Pinned(PathOf("mf.json")));
    }

    [Test]
    public void IsingLandscape()
    {
        var model = Random6(41);
        new Configurations(6, ExactEnumeration.Compute(model).GroundState).Write(PathOf("ref.npy"));
        Ok("ising", "landscape", "--model", WriteModel(model), "--reference", PathOf("ref.npy"), "--x-min", "0", "--x-max", "3", "--x-steps", "7",
            "--out", PathOf("land.csv"), "--json", PathOf("land.json"));
        Snapshot.Match(Pinned(PathOf("land.json")).Append("--- land.csv ---").Concat(Pinned(PathOf("land.csv"))).ToArray());
    }

    [Test]
    public void IsingTap()
    {
        Ok("ising", "tap", "--model", WriteModel(Random6(31)), "--beta", "2", "--starts", "20", "--seed", "1", "--json", PathOf("tap.json"));
        Snapshot.Match(Pinned(PathOf("tap.json")));
    }

    [Test]
    public void EnsembleCollect()
    {
        var blobs = NeuralSpin.Tests.BinaryNets.Synthetic.Blobs(20, 10, 400, 200, separation: 1.0, 4242);
        var io = new CliIO(new StringWriter(), new StringWriter());
        // pinned on the batched kernel (the default until the lane kernel became it): the kept count depends on the
        // kernel's float rounding, and this snapshot pins the text of the summary, not a kernel
        var s = EnsembleCommand.Parse("20,15,10", 2, 4, 0.3, null, 2, 0.05, "0/1", 7, PathOf("e.nspack"), PathOf("e.json"), kernel: NeuralSpin.BinaryNets.EnsembleKernel.Batched);
        Assert.That(EnsembleCommand.RunCollect(io, s, blobs), Is.EqualTo(0));
        Snapshot.Match(Pinned(PathOf("e.json")));
    }

    [Test]
    public void AnalyzeCurveCsv()
    {
        Ok("analyze", InitNetwork(), "--curve", PathOf("curve.csv"), "--curve-points", "9", "--json", PathOf("a.json"));
        Snapshot.Match(Pinned(PathOf("a.json")).Append("--- curve.csv ---").Concat(Pinned(PathOf("curve.csv"))).ToArray());
    }

    [Test]
    public void Replica()
    {
        Ok("replica", "--widths", "40,30,20", "--c", "2,1.5", "--json", PathOf("r.json"));
        Snapshot.Match(Pinned(PathOf("r.json")));
    }

    [Test]
    public void Layers()
    {
        // a 30x40 layer with its bias, an all-zero 10x30 layer (log norms -Infinity, written as strings) and a tensor that is not a layer
        var r = new Random(61);
        double[] Gaussian(int n) => Enumerable.Range(0, n).Select(_ => r.NextDouble() * 2 - 1).ToArray();
        string p = PathOf("m.safetensors");
        SafeTensors.Write(p, [
            new NamedTensor("0.weight", "F64", [30, 40], Gaussian(1200)),
            new NamedTensor("0.bias", "F64", [30], Gaussian(30)),
            new NamedTensor("1.weight", "F64", [10, 30], new double[300]),
            new NamedTensor("scale", "F64", [3], [1, 2, 3]),
        ]);
        Ok("layers", p, "--json", PathOf("l.json"));
        Snapshot.Match(Pinned(PathOf("l.json")));
    }

    [Test]
    public void InitSafetensorsHeader()
    {
        Ok("init", "--widths", "5,4,3", "--c", "2,1.5", "--seed", "3", "--dtype", "F32", "--out", PathOf("w.safetensors"));
        var bytes = File.ReadAllBytes(PathOf("w.safetensors"));
        long n = BitConverter.ToInt64(bytes, 0);
        string header = Encoding.UTF8.GetString(bytes, 8, (int)n);
        Snapshot.Match(new[] { header, $"{bytes.Length} bytes", Convert.ToHexStringLower(SHA256.HashData(bytes)) });
    }
}
