using NeuralSpin.IO;
using NeuralSpin.Ising;
using NeuralSpin.Tests.IO;
using NUnit.Framework;

namespace NeuralSpin.Tests.Ising;

/// <summary>Round trips and error messages of <see cref="IsingModelFile"/>, <see cref="Configurations"/> and <see cref="PackedConfigurations"/>.</summary>
[TestFixture]
public class IsingFilesTests : TempDirFixture
{
    const int Seed = 5150;

    static IsingModel Model() => IsingReference.RandomModel(7, new Random(Seed), beta: 0.37);

    static void AssertSameModel(IsingModel expected, IsingModel actual)
    {
        Assert.That(actual.Size, Is.EqualTo(expected.Size));
        Assert.That(actual.Beta, Is.EqualTo(expected.Beta));
        Assert.That(actual.CouplingsCopy(), Is.EqualTo(expected.CouplingsCopy()).AsCollection);
        Assert.That(actual.FieldsCopy(), Is.EqualTo(expected.FieldsCopy()).AsCollection);
    }

    [TestCase("model.npz")]
    [TestCase("model.safetensors")]
    [TestCase("model.txt")]
    public void ModelFile_RoundTripIsExact(string name)
    {
        var model = Model();
        string path = PathOf(name);
        IsingModelFile.Write(path, model);
        AssertSameModel(model, IsingModelFile.Read(path));
        Assert.That(Directory.GetFiles(Dir), Has.Length.EqualTo(1), "no temporary file is left behind");
    }

    [Test]
    public void ModelFile_UnknownExtensionIsRecognisedByContent()
    {
        var model = Model();
        string npz = PathOf("a.npz"), text = PathOf("b.txt");
        IsingModelFile.Write(npz, model);
        IsingModelFile.Write(text, model);
        File.Move(npz, PathOf("a.model"));
        File.Move(text, PathOf("b.model"));
        AssertSameModel(model, IsingModelFile.Read(PathOf("a.model")));
        AssertSameModel(model, IsingModelFile.Read(PathOf("b.model")));
    }

    [Test]
    public void ModelFile_BetaIsOptionalAndScalarBetaIsAccepted()
    {
        string path = PathOf("m.npz");
        Npz.Write(path, [new NamedTensor("J", "<f8", [2, 2], [0, 0.5, 0.5, 0]), new NamedTensor("h", "<f8", [2], [0.1, -0.2])]);
        Assert.That(IsingModelFile.Read(path).Beta, Is.EqualTo(1.0));
        Npz.Write(path, [new NamedTensor("J", "<f8", [2, 2], [0, 0.5, 0.5, 0]), new NamedTensor("h", "<f8", [2], [0.1, -0.2]), new NamedTensor("beta", "<f8", [], [2.5])]);
        Assert.That(IsingModelFile.Read(path).Beta, Is.EqualTo(2.5));
        File.WriteAllText(PathOf("m.txt"), "# two spins\n2\n0 0.5\n0.5, 0\n\n0.1 -0.2\n");
        var m = IsingModelFile.Read(PathOf("m.txt"));
        Assert.That((m.Beta, m.Coupling(0, 1), m.Field(1)), Is.EqualTo((1.0, 0.5, -0.2)));
    }

    static IEnumerable<TestCaseData> MalformedTensors()
    {
        NamedTensor J(double[] v, params long[] shape) => new("J", "<f8", shape, v);
        NamedTensor H(double[] v) => new("h", "<f8", [v.Length], v);
        yield return new TestCaseData(new[] { J([0, 1, 1.001, 0], 2, 2), H([0, 0]) }, "not symmetric").SetName("Asymmetric");
        yield return new TestCaseData(new[] { J([0.5, 1, 1, 0], 2, 2), H([0, 0]) }, "diagonal").SetName("NonZeroDiagonal");
        yield return new TestCaseData(new[] { J([0, 1, 1, 0], 2, 2), H([0, 0, 0]) }, "h has shape (3,)").SetName("FieldShapeMismatch");
        yield return new TestCaseData(new[] { J([0, 1, 1, 0, 0, 0], 2, 3), H([0, 0]) }, "square").SetName("NonSquareJ");
        yield return new TestCaseData(new[] { J([0, double.NaN, double.NaN, 0], 2, 2), H([0, 0]) }, "finite").SetName("NaNCoupling");
        yield return new TestCaseData(new[] { J([0, 1, 1, 0], 2, 2), H([0, double.PositiveInfinity]) }, "finite").SetName("InfiniteField");
        yield return new TestCaseData(new[] { J([0, 1, 1, 0], 2, 2) }, "no tensor 'h'").SetName("MissingH");
        yield return new TestCaseData(new[] { H([0, 0]) }, "no tensor 'J'").SetName("MissingJ");
        yield return new TestCaseData(new[] { J([0, 1, 1, 0], 2, 2), H([0, 0]), new NamedTensor("beta", "<f8", [2], [1, 2]) }, "beta has shape").SetName("BetaNotScalar");
        yield return new TestCaseData(new[] { J([0, 1, 1, 0], 2, 2), H([0, 0]), new NamedTensor("beta", "<f8", [], [-1]) }, "non-negative").SetName("NegativeBeta");
    }

    [TestCaseSource(nameof(MalformedTensors))]
    public void ModelFile_MalformedNpzAndSafeTensors_AreReported(NamedTensor[] tensors, string fragment)
    {
        string npz = PathOf("bad.npz");
        Npz.Write(npz, tensors);
        ExpectModelError(npz, () => IsingModelFile.Read(npz), fragment);
        string st = PathOf("bad.safetensors");
        SafeTensors.Write(st, tensors);
        ExpectModelError(st, () => IsingModelFile.Read(st), fragment);
    }

    [Test]
    public void ModelFile_AsymmetryWithinTolerance_IsAccepted()
    {
        string path = PathOf("nearly.npz");
        Npz.Write(path, [new NamedTensor("J", "<f8", [2, 2], [0, 1, 1 + 1e-12, 0]), new NamedTensor("h", "<f8", [2], [0, 0])]);
        Assert.That(IsingModelFile.Read(path).Coupling(0, 1), Is.EqualTo(1 + 0.5e-12).Within(1e-15));
    }

    [TestCase("2\n0 1\n1 0\n", "non-empty lines")]
    [TestCase("2\n0 1\n1 0 3\n0 0\n", "row 1 of J has 3 numbers")]
    [TestCase("2\n0 x\n1 0\n0 0\n", "'x' is not a number")]
    [TestCase("2\n0 1\n1 0\n0\n", "h has 1 numbers")]
    [TestCase("2.5\n0 1\n1 0\n0 0\n", "first line")]
    [TestCase("2\n0 1\n2 0\n0 0\n", "not symmetric")]
    [TestCase("", "empty")]
    public void ModelFile_MalformedText_IsReported(string text, string fragment)
    {
        string path = PathOf("bad.txt");
        File.WriteAllText(path, text);
        ExpectModelError(path, () => IsingModelFile.Read(path), fragment);
    }

    [Test]
    public void ModelFile_MissingAndDamagedFiles_AreReported()
    {
        ExpectModelError(PathOf("none.npz"), () => IsingModelFile.Read(PathOf("none.npz")), "does not exist");
        string damaged = WriteBytes("damaged.npz", [1, 2, 3, 4, 5]);
        ExpectModelError(damaged, () => IsingModelFile.Read(damaged), "zip");
    }

    static void ExpectModelError(string path, TestDelegate action, string fragment)
    {
        var e = Assert.Throws<IsingFileException>(action)!;
        Assert.That(e, Is.InstanceOf<InputFileException>());
        Assert.That(e.Path, Is.EqualTo(path));
        Assert.That(e.Message, Does.StartWith($"model file '{path}': "));
        Assert.That(e.Message, Does.Contain(fragment));
    }

    static void ExpectConfigurationsError(string path, TestDelegate action, string fragment)
    {
        var e = Assert.Throws<ConfigurationsFileException>(action)!;
        Assert.That(e.Path, Is.EqualTo(path));
        Assert.That(e.Message, Does.StartWith($"configurations file '{path}': "));
        Assert.That(e.Message, Does.Contain(fragment));
    }

    static Configurations RandomConfigurations(int n, int samples, int seed)
    {
        var rng = new Random(seed);
        var s = new sbyte[n * samples];
        for (int k = 0; k < s.Length; k++) s[k] = rng.Next(2) == 0 ? (sbyte)-1 : (sbyte)1;
        return new Configurations(n, s);
    }

    [Test]
    public void Configurations_Int8RoundTrip_AndNumPyCanReadTheFile()
    {
        var c = RandomConfigurations(11, 37, Seed);
        string path = PathOf("s.npy");
        c.Write(path);
        var back = Configurations.Read(path);
        Assert.That((back.SpinCount, back.SampleCount), Is.EqualTo((11, 37)));
        Assert.That(back.Spins, Is.EqualTo(c.Spins).AsCollection);
        var raw = Npy.Read(path);
        Assert.That(raw.DType, Is.EqualTo("|i1"));
        Assert.That(raw.Shape, Is.EqualTo(new long[] { 37, 11 }));
        Assert.That(new FileInfo(path).Length, Is.EqualTo(128 + 37 * 11), "a 64-byte-aligned header, then one byte per spin");
    }

    [Test]
    public void Configurations_FloatArraysOfPlusMinusOne_AreAccepted()
    {
        string path = PathOf("f.npy");
        Npy.Write(path, new NamedTensor("f", "<f8", [2, 3], [1, -1, 1, -1, -1, 1]));
        var c = Configurations.Read(path);
        Assert.That(c.Spins, Is.EqualTo(new sbyte[] { 1, -1, 1, -1, -1, 1 }).AsCollection);
        Assert.That(c.Magnetizations(), Is.EqualTo(new[] { 0.0, -1, 1 }).AsCollection);
    }

    [Test]
    public void Configurations_BadValuesRankOrFile_AreReported()
    {
        string zero = PathOf("zero.npy");
        Npy.Write(zero, new NamedTensor("z", "<f8", [2, 2], [1, 0, 1, -1]));
        ExpectConfigurationsError(zero, () => Configurations.Read(zero), "value 0 at sample 0, spin 1 is not -1 or +1");
        string half = PathOf("half.npy");
        Npy.Write(half, new NamedTensor("z", "<f8", [1, 2], [1, 0.5]));
        ExpectConfigurationsError(half, () => Configurations.Read(half), "value 0.5");
        string rank1 = PathOf("rank1.npy");
        Npy.Write(rank1, new NamedTensor("z", "<f8", [3], [1, -1, 1]));
        ExpectConfigurationsError(rank1, () => Configurations.Read(rank1), "2-D array");
        string rank3 = PathOf("rank3.npy");
        Npy.Write(rank3, new NamedTensor("z", "<f8", [1, 1, 2], [1, -1]));
        ExpectConfigurationsError(rank3, () => Configurations.Read(rank3), "shape (1, 1, 2)");
        ExpectConfigurationsError(PathOf("none.npy"), () => Configurations.Read(PathOf("none.npy")), "does not exist");
        string junk = WriteBytes("junk.npy", [1, 2, 3]);
        ExpectConfigurationsError(junk, () => Configurations.Read(junk), "magic");
    }

    [TestCase(5, false)]
    [TestCase(64, true)]
    [TestCase(70, true)]
    public void Packed_RoundTrip(int n, bool accuracies)
    {
        var c = RandomConfigurations(n, 23, Seed + n);
        var acc = Enumerable.Range(0, 23).Select(k => k / 23.0).ToArray();
        var packed = PackedConfigurations.From(c, accuracies ? acc : null);
        Assert.That(packed.WordsPerSample, Is.EqualTo((n + 63) / 64));
        string path = PathOf("p.bin");
        packed.Write(path);
        Assert.That(new FileInfo(path).Length, Is.EqualTo(32 + 23 * 8 * packed.WordsPerSample + (accuracies ? 23 * 8 : 0)));
        var back = PackedConfigurations.Read(path);
        Assert.That((back.SpinCount, back.Count, back.HasAccuracy), Is.EqualTo((n, 23, accuracies)));
        Assert.That(back.ToConfigurations().Spins, Is.EqualTo(c.Spins).AsCollection);
        if (accuracies)
            for (int k = 0; k < 23; k++) Assert.That(back.Accuracy(k), Is.EqualTo(acc[k]));
        // bit i of the word is s_i = +1 (the ConfigurationIndex convention)
        if (n <= 63) Assert.That((long)back.Words[0], Is.EqualTo(ConfigurationIndex.Of(c.Sample(0))));
    }

    [Test]
    public void Packed_MergeConcatenatesInOrder()
    {
        var a = RandomConfigurations(9, 5, 1);
        var b = RandomConfigurations(9, 7, 2);
        PackedConfigurations.From(a, [.. Enumerable.Repeat(0.1, 5)]).Write(PathOf("a.bin"));
        PackedConfigurations.From(b, [.. Enumerable.Repeat(0.2, 7)]).Write(PathOf("b.bin"));
        var merged = PackedConfigurations.Merge([PathOf("a.bin"), PathOf("b.bin")]);
        Assert.That(merged.Count, Is.EqualTo(12));
        Assert.That(merged.ToConfigurations().Spins, Is.EqualTo(a.Spins.Concat(b.Spins)).AsCollection);
        Assert.That(merged.Accuracy(4), Is.EqualTo(0.1));
        Assert.That(merged.Accuracy(5), Is.EqualTo(0.2));
    }

    [Test]
    public void Packed_MergeOfDifferentSizesOrFlags_IsReported()
    {
        PackedConfigurations.From(RandomConfigurations(9, 2, 1)).Write(PathOf("a.bin"));
        PackedConfigurations.From(RandomConfigurations(10, 2, 1)).Write(PathOf("b.bin"));
        PackedConfigurations.From(RandomConfigurations(9, 2, 1), [0.5, 0.5]).Write(PathOf("c.bin"));
        ExpectConfigurationsError(PathOf("b.bin"), () => PackedConfigurations.Merge([PathOf("a.bin"), PathOf("b.bin")]), "10 spins");
        ExpectConfigurationsError(PathOf("c.bin"), () => PackedConfigurations.Merge([PathOf("a.bin"), PathOf("c.bin")]), "accuracies");
    }

    [Test]
    public void Packed_DamagedFiles_AreReported()
    {
        PackedConfigurations.From(RandomConfigurations(5, 3, 1)).Write(PathOf("ok.bin"));
        var bytes = File.ReadAllBytes(PathOf("ok.bin"));
        string truncated = WriteBytes("truncated.bin", bytes[..^4]);
        ExpectConfigurationsError(truncated, () => PackedConfigurations.Read(truncated), "truncated");
        var magic = (byte[])bytes.Clone();
        magic[0] = (byte)'X';
        string badMagic = WriteBytes("magic.bin", magic);
        ExpectConfigurationsError(badMagic, () => PackedConfigurations.Read(badMagic), "NSPACKCF");
        var version = (byte[])bytes.Clone();
        version[8] = 9;
        string badVersion = WriteBytes("version.bin", version);
        ExpectConfigurationsError(badVersion, () => PackedConfigurations.Read(badVersion), "version 9");
        var high = (byte[])bytes.Clone();
        high[32] |= 0x80; // bit 7 of the first word, beyond spin 4
        string badBits = WriteBytes("bits.bin", high);
        ExpectConfigurationsError(badBits, () => PackedConfigurations.Read(badBits), "beyond spin 4");
        ExpectConfigurationsError(PathOf("none.bin"), () => PackedConfigurations.Read(PathOf("none.bin")), "does not exist");
    }
}
