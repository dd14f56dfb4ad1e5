using System.Buffers.Binary;
using NeuralSpin.Ising;
using NeuralSpin.Tests.IO;
using NeuralSpin.Tests.Support;
using NUnit.Framework;
using static NeuralSpin.Tests.Support.ArgumentCheck;

namespace NeuralSpin.Tests.Ising;

/// <summary>
/// <see cref="PackedConfigurations"/> and <see cref="Configurations"/> beyond the round trips of <see cref="IsingFilesTests"/>:
/// the bit layout written out, every misuse of the API and every check of the file header (each damaged alone, in bytes
/// built here from the documented layout), the merge of indexed shards, the empirical moments and the histogram against
/// sums written out, and the int8 .npy header's alignment for many shapes.
/// </summary>
public class PackedConfigurationsContractTests : TempDirFixture
{
    static sbyte[] Spins(int n, params int[] up)
    {
        var s = Enumerable.Repeat((sbyte)-1, n).ToArray();
        foreach (var i in up) s[i] = 1;
        return s;
    }

    // ---- the API ----

    static IEnumerable<TestCaseData> Checks()
    {
        var plain = new PackedConfigurations(3);
        plain.Add(Spins(3, 0));
        var withAccuracy = new PackedConfigurations(3, hasAccuracy: true);
        var withIndices = new PackedConfigurations(3, hasAccuracy: true, hasIndices: true);
        var wide = new PackedConfigurations(70);
        yield return Arg("PackedConfigurations: at least one spin", "spinCount", "configurations need at least one spin", () => _ = new PackedConfigurations(0)).ToCase();
        yield return Arg("PackedConfigurations: indices only with accuracies", "hasIndices", "indices are stored only together with accuracies",
            () => _ = new PackedConfigurations(3, hasAccuracy: false, hasIndices: true)).ToCase();
        yield return Of<InvalidOperationException>("PackedConfigurations.Add(s): not with accuracies", null, "carries accuracies; use Add(s, accuracy)",
            () => withAccuracy.Add(Spins(3))).ToCase();
        yield return Of<InvalidOperationException>("PackedConfigurations.Add(s, a): not without accuracies", null, "carries no accuracies; use Add(s)",
            () => plain.Add(Spins(3), 0.5)).ToCase();
        yield return Of<InvalidOperationException>("PackedConfigurations.Add(s, a): not with indices", null, "carries indices; use Add(s, accuracy, trainingIndex, sampleIndex)",
            () => withIndices.Add(Spins(3), 0.5)).ToCase();
        yield return Of<InvalidOperationException>("PackedConfigurations.Add(s, a, t, k): not without indices", null, "carries no indices",
            () => withAccuracy.Add(Spins(3), 0.5, 1, 2)).ToCase();
        yield return Of<InvalidOperationException>("PackedConfigurations.Add(s, a, t, k): not without accuracies", null, "carries no indices",
            () => plain.Add(Spins(3), 0.5, 1, 2)).ToCase();
        yield return Arg("PackedConfigurations.Add: N spins", null, "a configuration needs 3 spins, got 2", () => plain.Add(Spins(2))).ToCase();
        var zeroInSecondWord = Spins(70);
        zeroInSecondWord[65] = 0;
        yield return Arg("PackedConfigurations.Add: +-1 spins (second word)", null, "spin 65 is 0, not +-1", () => wide.Add(zeroInSecondWord)).ToCase();
        yield return Of<InvalidOperationException>("PackedConfigurations.Accuracy: only with accuracies", null, "carry no accuracies", () => plain.Accuracy(0)).ToCase();
        yield return Of<InvalidOperationException>("PackedConfigurations.TrainingIndex: only with indices", null, "carry no indices", () => withAccuracy.TrainingIndex(0)).ToCase();
        yield return Of<InvalidOperationException>("PackedConfigurations.SampleIndex: only with indices", null, "carry no indices", () => withAccuracy.SampleIndex(0)).ToCase();
        yield return Range("PackedConfigurations.Get: k not negative", "k", "", () => plain.Get(-1, new sbyte[3])).ToCase();
        yield return Range("PackedConfigurations.Get: k below Count", "k", "", () => plain.Get(1, new sbyte[3])).ToCase();
        yield return Arg("PackedConfigurations.Get: N spins", null, "a configuration needs 3 spins, got 4", () => plain.Get(0, new sbyte[4])).ToCase();
        yield return Null("PackedConfigurations.From: configurations", "configurations", () => PackedConfigurations.From(null!)).ToCase();
        yield return Arg("PackedConfigurations.From: one accuracy per configuration", "accuracy", "2 configurations but 3 accuracies",
            () => PackedConfigurations.From(new Configurations(3, Spins(3).Concat(Spins(3, 1)).ToArray()), [0.1, 0.2, 0.3])).ToCase();
        yield return Null("PackedConfigurations.Append: other", "other", () => plain.Append(null!)).ToCase();
        yield return Arg("PackedConfigurations.Append: same N", null, "cannot append 70-spin configurations", () => plain.Append(wide)).ToCase();
        yield return Arg("PackedConfigurations.Append: same accuracy flag", null, "cannot append 3-spin configurations (accuracies: True",
            () => plain.Append(withAccuracy)).ToCase();
        yield return Arg("PackedConfigurations.Append: same index flag", null, "(accuracies: True, indices: True) to 3-spin ones (accuracies: True, indices: False)",
            () => withAccuracy.Append(withIndices)).ToCase();
        yield return Null("PackedConfigurations.Merge: paths", "paths", () => PackedConfigurations.Merge(null!)).ToCase();
        yield return Arg("PackedConfigurations.Merge: at least one file", "paths", "nothing to merge", () => PackedConfigurations.Merge([])).ToCase();
        yield return Null("Configurations: spins", "spins", () => _ = new Configurations(3, null!)).ToCase();
        yield return Arg("Configurations: at least one spin", "spinCount", "configurations need at least one spin", () => _ = new Configurations(0, [])).ToCase();
        yield return Arg("Configurations: whole configurations", "spins", "7 values are not a whole number of 3-spin configurations",
            () => _ = new Configurations(3, new sbyte[7])).ToCase();
        yield return Arg("Configurations: +-1 values", "spins", "value 0 at sample 1, spin 2 is not +-1",
            () => _ = new Configurations(3, [1, 1, 1, -1, -1, 0])).ToCase();
        yield return Of<InvalidOperationException>("Configurations.Histogram: N <= 63", null, "needs N <= 63, got 64",
            () => new Configurations(64, Spins(64)).Histogram()).ToCase();
        yield return Arg("ConfigurationIndex.Of: N <= 63", null, "an index needs N <= 63, got 64", () => ConfigurationIndex.Of(Spins(64))).ToCase();
        yield return Null("Configurations.WriteInt8Npy: values", "values", () => Configurations.WriteInt8Npy("x.npy", null!, 1, 1)).ToCase();
        yield return Arg("Configurations.WriteInt8Npy: rows x columns values", null, "shape (2, 3) needs 6 values, got 5",
            () => Configurations.WriteInt8Npy("x.npy", new sbyte[5], 2, 3)).ToCase();
    }

    [TestCaseSource(nameof(Checks))]
    public void Misuse_IsRefused(ArgumentCheck check) => check.Verify();

    /// <summary>N = 70 in two words: s_0, s_63, s_64 and s_69 up give word 0 = 2^0 + 2^63 and word 1 = 2^0 + 2^5; unpacked back
    /// exactly; the smallest N = 1 in one word.</summary>
    [Test]
    public void BitLayout_WrittenOut()
    {
        var p = new PackedConfigurations(70);
        p.Add(Spins(70, 0, 63, 64, 69));
        p.Add(Spins(70));
        Assert.That(p.WordsPerSample, Is.EqualTo(2));
        Assert.That(p.Words.ToArray(), Is.EqualTo(new[] { 1UL | 1UL << 63, 1UL | 1UL << 5, 0UL, 0UL }));
        var s = new sbyte[70];
        p.Get(0, s);
        Assert.That(s, Is.EqualTo(Spins(70, 0, 63, 64, 69)));
        p.Get(1, s);
        Assert.That(s, Is.EqualTo(Spins(70)));
        var one = new PackedConfigurations(1);
        one.Add([1]);
        one.Add([-1]);
        Assert.That((one.Count, one.WordsPerSample), Is.EqualTo((2, 1)));
        Assert.That(one.Words.ToArray(), Is.EqualTo(new[] { 1UL, 0UL }));
    }

    // ---- the file ----

    /// <summary>The documented layout: magic, version 1, flags (1 accuracies, 2 indices), N, reserved 0, the count; words,
    /// accuracies, (training, sample) pairs.</summary>
    static byte[] File(uint version, uint flags, uint n, ulong samples, ulong[] words, double[]? accuracies = null, (int, int)[]? indices = null, int extra = 0)
    {
        var b = new List<byte>("NSPACKCF"u8.ToArray());
        void U32(uint v) { var x = new byte[4]; BinaryPrimitives.WriteUInt32LittleEndian(x, v); b.AddRange(x); }
        void U64(ulong v) { var x = new byte[8]; BinaryPrimitives.WriteUInt64LittleEndian(x, v); b.AddRange(x); }
        U32(version); U32(flags); U32(n); U32(0); U64(samples);
        foreach (var w in words) U64(w);
        foreach (var a in accuracies ?? []) U64(BitConverter.DoubleToUInt64Bits(a));
        foreach (var (t, k) in indices ?? []) { U32((uint)t); U32((uint)k); }
        b.AddRange(new byte[extra]);
        return [.. b];
    }

    /// <summary>A file with indices, as written: 32 + 3 x (8 + 8 + 8) bytes in the documented layout, read back.</summary>
    [Test]
    public void IndexedFile_IsTheDocumentedLayout_AndReadsBack()
    {
        var p = new PackedConfigurations(5, hasAccuracy: true, hasIndices: true);
        p.Add(Spins(5, 1), 0.25, 3, 7);
        p.Add(Spins(5, 0, 4), 0.5, 0, 2);
        p.Add(Spins(5), 0.75, 9, 1);
        string path = PathOf("i.bin");
        p.Write(path);
        var expected = File(1, 3, 5, 3, [2, 17, 0], [0.25, 0.5, 0.75], [(3, 7), (0, 2), (9, 1)]);
        Assert.That(System.IO.File.ReadAllBytes(path), Is.EqualTo(expected));
        var back = PackedConfigurations.Read(path);
        Assert.That((back.SpinCount, back.Count, back.HasAccuracy, back.HasIndices), Is.EqualTo((5, 3, true, true)));
        Assert.That(Enumerable.Range(0, 3).Select(k => (back.Accuracy(k), back.TrainingIndex(k), back.SampleIndex(k))),
            Is.EqualTo(new[] { (0.25, 3, 7), (0.5, 0, 2), (0.75, 9, 1) }));
        Assert.That(back.Words.ToArray(), Is.EqualTo(new ulong[] { 2, 17, 0 }));
        Assert.That(PackedConfigurations.Read(WriteBytes("plain.bin", File(1, 0, 5, 1, [31]))).ToConfigurations().Spins, Is.EqualTo(Spins(5, 0, 1, 2, 3, 4)));
    }

    static void ExpectError(string path, string fragment)
    {
        var e = Assert.Throws<ConfigurationsFileException>(() => PackedConfigurations.Read(path))!;
        Assert.That(e.Path, Is.EqualTo(path));
        Assert.That(e.Message, Does.Contain(fragment));
    }

    [Test]
    public void DamagedHeaders_AreReported_EachAlone()
    {
        var ok = File(1, 0, 5, 1, [3]);
        ExpectError(WriteBytes("short-magic.bin", ok[..7]), "does not start with the magic");
        ExpectError(WriteBytes("short-header.bin", ok[..12]), "the 32-byte header is truncated (12 bytes)");
        ExpectError(WriteBytes("header-31.bin", ok[..31]), "the 32-byte header is truncated (31 bytes)");
        ExpectError(WriteBytes("version.bin", File(2, 0, 5, 1, [3])), "format version 2 is not supported (only 1)");
        ExpectError(WriteBytes("flags.bin", File(1, 4, 5, 1, [3])), "unknown flags 0x00000004");
        ExpectError(WriteBytes("indices-alone.bin", File(1, 2, 5, 1, [3], indices: [(0, 0)])), "the header flags indices without accuracies");
        ExpectError(WriteBytes("no-spins.bin", File(1, 0, 0, 1, [3])), "the header gives 0 spins");
        ExpectError(WriteBytes("huge-n.bin", File(1, 0, 0x80000000, 1, [3])), "the header gives 2147483648 spins");
        ExpectError(WriteBytes("huge-count.bin", File(1, 0, 5, ulong.MaxValue, [3])), "implausible 18446744073709551615 configurations");
        ExpectError(WriteBytes("many-words.bin", File(1, 0, 5, (ulong)Array.MaxLength + 1, [3])), $"implausible {(ulong)Array.MaxLength + 1} configurations");
        ExpectError(WriteBytes("long.bin", File(1, 0, 5, 1, [3], extra: 8)), "the file is 48 bytes, but 1 configurations of 5 spins need 40");
        ExpectError(WriteBytes("long-acc.bin", File(1, 1, 5, 1, [3], [0.5], extra: 1)), "the file is 49 bytes, but 1 configurations of 5 spins with accuracies need 48");
        ExpectError(WriteBytes("short-idx.bin", File(1, 3, 5, 1, [3], [0.5])), "with accuracies need 56 (with indices)");
    }

    /// <summary>Bits above spin N - 1 may only be zero in a configuration's last word; N a multiple of 64 has none.</summary>
    [Test]
    public void BitsBeyondN_OnlyInTheLastWord_AreDamage()
    {
        ExpectError(WriteBytes("w1.bin", File(1, 0, 70, 2, [0, 0, 0, 1UL << 6])), "configuration 1 has bits set beyond spin 69");
        ExpectError(WriteBytes("w0.bin", File(1, 0, 70, 1, [0, 1UL << 63])), "configuration 0 has bits set beyond spin 69");
        var full = PackedConfigurations.Read(WriteBytes("full.bin", File(1, 0, 70, 1, [ulong.MaxValue, (1UL << 6) - 1])));
        Assert.That(full.ToConfigurations().Spins, Is.All.EqualTo((sbyte)1), "all 70 bits of spins set is no damage");
        var n64 = PackedConfigurations.Read(WriteBytes("n64.bin", File(1, 0, 64, 1, [ulong.MaxValue])));
        Assert.That(n64.ToConfigurations().Spins, Is.All.EqualTo((sbyte)1));
    }

    /// <summary>Indexed shards merge into (training, sample) order whatever the file order; a repeated pair is reported;
    /// files with and without indices do not merge; a single file merges to itself.</summary>
    [Test]
    public void Merge_OrdersIndexedShards_AndRefusesRepeats()
    {
        string a = WriteBytes("a.bin", File(1, 3, 3, 3, [1, 2, 3], [0.1, 0.2, 0.3], [(2, 0), (0, 1), (2, 5)]));
        string b = WriteBytes("b.bin", File(1, 3, 3, 2, [4, 5], [0.4, 0.5], [(0, 0), (1, 3)]));
        var m = PackedConfigurations.Merge([a, b]);
        Assert.That(Enumerable.Range(0, 5).Select(k => (m.TrainingIndex(k), m.SampleIndex(k))), Is.EqualTo(new[] { (0, 0), (0, 1), (1, 3), (2, 0), (2, 5) }));
        Assert.That(m.Words.ToArray(), Is.EqualTo(new ulong[] { 4, 2, 5, 1, 3 }));
        Assert.That(Enumerable.Range(0, 5).Select(m.Accuracy), Is.EqualTo(new[] { 0.4, 0.2, 0.5, 0.1, 0.3 }));
        Assert.That(PackedConfigurations.Merge([b, a]).Words.ToArray(), Is.EqualTo(m.Words.ToArray()), "file order does not matter");
        string dup = WriteBytes("dup.bin", File(1, 3, 3, 1, [6], [0.6], [(0, 1)]));
        var e = Assert.Throws<ConfigurationsFileException>(() => PackedConfigurations.Merge([a, b, dup]))!;
        Assert.That(e.Message, Does.Contain("training 0, sample 1 occurs more than once"));
        Assert.That(PackedConfigurations.Merge([a, WriteBytes("near.bin", File(1, 3, 3, 1, [6], [0.6], [(0, 2)]))]).Count, Is.EqualTo(4),
            "the same training with another sample is no repeat");
        string plainAcc = WriteBytes("acc.bin", File(1, 1, 3, 1, [6], [0.6]));
        var f = Assert.Throws<ConfigurationsFileException>(() => PackedConfigurations.Merge([a, plainAcc]))!;
        Assert.That(f.Path, Is.EqualTo(plainAcc));
        Assert.That(f.Message, Does.Contain("carries no (training, sample) indices, but"));
        Assert.That(PackedConfigurations.Merge([a]).Words.ToArray(), Is.EqualTo(new ulong[] { 2, 1, 3 }), "one indexed file is sorted too");
        Assert.That(PackedConfigurations.Merge([plainAcc]).Count, Is.EqualTo(1));
    }

    // ---- unpacked ensembles ----

    /// <summary>m_i and &lt;s_i s_j&gt; of four 3-spin configurations, (+,+,-), (+,-,-), (-,+,-), (+,+,-), summed by hand:
    /// m = (1/2, 1/2, -1), C_01 = (1 - 1 - 1 + 1)/4 = 0, C_02 = C_12 = (-1 - 1 + 1 - 1)/4 = -1/2; the histogram of their
    /// indices 3, 1, 2, 3.</summary>
    [Test]
    public void Moments_AndHistogram_WrittenOut()
    {
        var c = new Configurations(3, [1, 1, -1, 1, -1, -1, -1, 1, -1, 1, 1, -1]);
        Assert.That(c.SampleCount, Is.EqualTo(4));
        Assert.That(c.Magnetizations(), Is.EqualTo(new[] { 0.5, 0.5, -1 }));
        Assert.That(c.Correlations(), Is.EqualTo(new[] { 1, 0, -0.5, 0, 1, -0.5, -0.5, -0.5, 1 }));
        var hist = c.Histogram();
        Assert.That(hist.OrderBy(kv => kv.Key).Select(kv => (kv.Key, kv.Value)), Is.EqualTo(new[] { (1L, 1), (2L, 1), (3L, 2) }));
        Assert.That(ConfigurationIndex.Of(Spins(63, 62)), Is.EqualTo(1L << 62), "63 spins index");
        Assert.That(ConfigurationIndex.ToSpins(5, 4), Is.EqualTo(new sbyte[] { 1, -1, 1, -1 }));
    }

    /// <summary>The int8 .npy header: magic, version 1.0, a little-endian header length, the dict padded with spaces and
    /// ended by a newline so that the data start at a multiple of 64 bytes, for shapes whose dict lengths differ.</summary>
    [TestCase(1, 1)]
    [TestCase(3, 12345)]
    [TestCase(1234567, 1)]
    [TestCase(0, 7)]
    public void Int8NpyHeader_IsAlignedTo64Bytes(int rows, int columns)
    {
        string path = PathOf($"h{rows}x{columns}.npy");
        Configurations.WriteInt8Npy(path, Enumerable.Repeat((sbyte)1, rows * columns).ToArray(), rows, columns);
        var bytes = System.IO.File.ReadAllBytes(path);
        int headerLength = BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(8));
        Assert.That(bytes[..8], Is.EqualTo(new byte[] { 0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y', 1, 0 }));
        Assert.That((10 + headerLength) % 64, Is.EqualTo(0));
        string header = System.Text.Encoding.Latin1.GetString(bytes, 10, headerLength);
        Assert.That(header, Does.EndWith("\n"));
        Assert.That(header.TrimEnd('\n'), Does.EndWith("}").Or.EndWith(" "));
        Assert.That(header.TrimEnd('\n').TrimEnd(' '), Does.EndWith(", }"));
        Assert.That(header.Length - header.TrimEnd('\n').TrimEnd(' ').Length - 1, Is.LessThan(64), "less than one alignment unit of padding");
        Assert.That(header, Does.Contain($"'shape': ({rows}, {columns})"));
        Assert.That(bytes.Length - 10 - headerLength, Is.EqualTo(rows * columns));
    }

    /// <summary>More configurations than one write chunk (4,096) and one read chunk (65,536 words): 40,001 configurations of
    /// 70 spins (two words each) with accuracies and indices, read back exactly; a plain file of the same spins too.</summary>
    [Test]
    public void LargeFiles_RoundTripAcrossChunks()
    {
        const int count = 40_001, n = 70;
        var rng = new Random(5401);
        var p = new PackedConfigurations(n, hasAccuracy: true, hasIndices: true);
        var plain = new PackedConfigurations(n);
        var all = new sbyte[count][];
        for (int k = 0; k < count; k++)
        {
            all[k] = Enumerable.Range(0, n).Select(_ => (sbyte)(rng.Next(2) == 0 ? -1 : 1)).ToArray();
            p.Add(all[k], k / (double)count, k % 7, k);
            plain.Add(all[k]);
        }
        p.Write(PathOf("big.bin"));
        plain.Write(PathOf("big-plain.bin"));
        Assert.That(new FileInfo(PathOf("big.bin")).Length, Is.EqualTo(32 + count * (16 + 8 + 8)));
        var back = PackedConfigurations.Read(PathOf("big.bin"));
        var backPlain = PackedConfigurations.Read(PathOf("big-plain.bin"));
        Assert.That(back.Words.ToArray(), Is.EqualTo(p.Words.ToArray()));
        Assert.That(backPlain.Words.ToArray(), Is.EqualTo(p.Words.ToArray()));
        var s = new sbyte[n];
        foreach (int k in new[] { 0, 4095, 4096, 32767, 32768, count - 1 })
        {
            back.Get(k, s);
            Assert.That(s, Is.EqualTo(all[k]), $"configuration {k}");
            Assert.That((back.Accuracy(k), back.TrainingIndex(k), back.SampleIndex(k)), Is.EqualTo((k / (double)count, k % 7, k)), $"configuration {k}");
        }
    }

    /// <summary>Header values at the edges of what is accepted: the magic alone is a truncated header; one spin and
    /// int.MaxValue spins (with no configurations) are valid; a count whose words reach exactly Array.MaxLength passes the
    /// plausibility check and fails on the file's length, one word more is implausible (also with two words per
    /// configuration), and 2^63 configurations are implausible (their byte count would overflow); a plain file's length
    /// message does not mention indices.</summary>
    [Test]
    public void HeaderEdges()
    {
        ExpectError(WriteBytes("magic-only.bin", "NSPACKCF"u8.ToArray()), "the 32-byte header is truncated (8 bytes)");
        Assert.That(PackedConfigurations.Read(WriteBytes("one.bin", File(1, 0, 1, 2, [1, 0]))).ToConfigurations().Spins, Is.EqualTo(new sbyte[] { 1, -1 }));
        var wide = PackedConfigurations.Read(WriteBytes("widest.bin", File(1, 0, int.MaxValue, 0, [])));
        Assert.That((wide.SpinCount, wide.Count), Is.EqualTo((int.MaxValue, 0)));
        ExpectError(WriteBytes("max-words.bin", File(1, 0, 5, (ulong)Array.MaxLength, [])), $"but {Array.MaxLength} configurations of 5 spins need");
        ExpectError(WriteBytes("max-words-1.bin", File(1, 0, 5, (ulong)Array.MaxLength + 1, [])), "implausible");
        ExpectError(WriteBytes("two-words.bin", File(1, 0, 70, (ulong)Array.MaxLength / 2 + 1, [])), "implausible");
        ExpectError(WriteBytes("two-words-ok.bin", File(1, 0, 70, (ulong)Array.MaxLength / 2, [])), "configurations of 70 spins need");
        ExpectError(WriteBytes("2^63.bin", File(1, 0, 5, 1UL << 63, [])), "implausible 9223372036854775808 configurations");
        var e = Assert.Throws<ConfigurationsFileException>(() => PackedConfigurations.Read(WriteBytes("plain-long.bin", File(1, 0, 5, 1, [3], extra: 8))))!;
        Assert.That(e.Message, Does.Not.Contain("indices"));
    }

    /// <summary>Files that cannot be opened: a missing folder, a folder given as the file, a name longer than the file
    /// system allows; and the path arguments.</summary>
    [Test]
    public void UnreadablePaths_AreReported()
    {
        ExpectError(PathOf("no-such-folder/x.bin"), "the file does not exist");
        ExpectError(Dir, "could not be opened");
        ExpectError(PathOf(new string('x', 300) + ".bin"), "could not be read");
        Assert.That(Assert.Throws<ArgumentNullException>(() => PackedConfigurations.Read(null!))!.ParamName, Is.EqualTo("path"));
        var p = new PackedConfigurations(3);
        Assert.That(Assert.Throws<ArgumentNullException>(() => p.Write(null!))!.ParamName, Is.EqualTo("path"));
        Assert.That(Assert.Throws<ArgumentException>(() => p.Write(""))!.ParamName, Is.EqualTo("path"));
    }

    /// <summary>Indexed shards of 70-spin configurations (two words each) merge with both words of each configuration kept
    /// together.</summary>
    [Test]
    public void Merge_TwoWordConfigurations()
    {
        string a = WriteBytes("wa.bin", File(1, 3, 70, 2, [1, 2, 3, 4], [0.1, 0.2], [(1, 0), (0, 0)]));
        string b = WriteBytes("wb.bin", File(1, 3, 70, 1, [5, 6], [0.3], [(0, 1)]));
        Assert.That(PackedConfigurations.Merge([a, b]).Words.ToArray(), Is.EqualTo(new ulong[] { 3, 4, 5, 6, 1, 2 }));
    }

    /// <summary>Unpacked ensembles: <see cref="Configurations.Read"/> recognises a packed file by its magic; N = 1 and
    /// N = 63 (the largest histogram key) work; a .npy without spins, one wider than int.MaxValue spins and a null path
    /// are refused; a sample index outside [0, M) is refused.</summary>
    [Test]
    public void Configurations_ReadAndIndexEdges()
    {
        var packed = new PackedConfigurations(3);
        packed.Add(Spins(3, 1));
        packed.Write(PathOf("packed.npy"));
        Assert.That(Configurations.Read(PathOf("packed.npy")).Spins, Is.EqualTo(Spins(3, 1)));
        string one = PathOf("one.npy");
        Configurations.WriteInt8Npy(one, [1, -1, -1], 3, 1);
        var c1 = Configurations.Read(one);
        Assert.That((c1.SpinCount, c1.SampleCount), Is.EqualTo((1, 3)));
        var c63 = new Configurations(63, Spins(63, 62).Concat(Spins(63, 62)).ToArray());
        Assert.That(c63.Histogram(), Is.EqualTo(new Dictionary<long, int> { [1L << 62] = 2 }));
        string none = PathOf("none.npy");
        NeuralSpin.IO.Npy.Write(none, new NeuralSpin.IO.NamedTensor("z", "<f8", [3, 0], []));
        var e = Assert.Throws<ConfigurationsFileException>(() => Configurations.Read(none))!;
        Assert.That(e.Message, Does.Contain("there are no spins"));
        string wide = PathOf("wide.npy");
        NeuralSpin.IO.Npy.Write(wide, new NeuralSpin.IO.NamedTensor("z", "<f8", [0, 3_000_000_000], []));
        e = Assert.Throws<ConfigurationsFileException>(() => Configurations.Read(wide))!;
        Assert.That(e.Message, Does.Contain("more than 2147483647 spins per configuration"));
        Assert.That(Assert.Throws<ArgumentNullException>(() => Configurations.Read(null!))!.ParamName, Is.EqualTo("path"));
        var two = new Configurations(2, [1, -1, -1, 1]);
        Assert.That(two.Sample(1).ToArray(), Is.EqualTo(new sbyte[] { -1, 1 }));
        foreach (int k in new[] { -1, 2, int.MaxValue / 2 + 1 })
            Assert.That(Assert.Throws<ArgumentOutOfRangeException>(() => two.Sample(k))!.ParamName, Is.EqualTo("k"), $"k = {k}");
    }
}
