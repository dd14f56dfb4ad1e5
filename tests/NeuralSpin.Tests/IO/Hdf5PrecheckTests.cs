using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;
using NeuralSpin.IO;
using NeuralSpin.Tests.Fuzzing;
using NUnit.Framework;

namespace NeuralSpin.Tests.IO;

/// <summary>
/// The HDF5 structure check run before PureHDF: valid Keras files pass, an attribute whose dataspace claims more than
/// its message holds is refused, and cycles in continuation chunks and group B-trees are refused without hanging.
/// </summary>
[TestFixture]
public sealed class Hdf5PrecheckTests : TempDirFixture
{
    static IEnumerable<string> ValidKerasFiles()
    {
        string dir = ModelReaderTests.Fixture("");
        foreach (var f in Directory.GetFiles(dir, "*.h5", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
            if (!f.Contains($"{Path.DirectorySeparatorChar}fuzz{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
                yield return Path.GetRelativePath(dir, f);
    }

    [TestCaseSource(nameof(ValidKerasFiles))]
    public void ValidKerasFilesPass(string name) =>
        Assert.That(Hdf5Precheck.Check(ModelReaderTests.Fixture(name)), Is.Null);

    [Test]
    public void TheWeightsOfAKerasArchivePass()
    {
        string h5 = PathOf("model.weights.h5");
        using (var zip = ZipFile.OpenRead(ModelReaderTests.Fixture("mlp.keras")))
            zip.GetEntry(KerasFile.ArchiveWeights)!.ExtractToFile(h5);
        Assert.That(Hdf5Precheck.Check(h5), Is.Null);
    }

    static IEnumerable<string> FuzzedKerasFiles() =>
        Directory.GetFiles(ModelReaderTests.Fixture("fuzz"), "keras-h5-*.h5").Order(StringComparer.Ordinal).Select(Path.GetFileName)!;

    /// <summary>
    /// The fuzzed files that made PureHDF allocate 134 MB - 1.7 GB: four claim a local heap data segment of
    /// 134 MB - 1.7 GB, two an attribute larger than its message, one a message larger than its chunk, one (cut to 3 KB)
    /// names a symbol table node past its end, and two a global heap object of 2.3e16 and 2.8e18 bytes (named by a root
    /// attribute of variable-length strings).
    /// </summary>
    [TestCaseSource(nameof(FuzzedKerasFiles))]
    public void TheFuzzedKerasFilesAreFoundDamaged(string name)
    {
        string? problem = Hdf5Precheck.Check(ModelReaderTests.Fixture(Path.Combine("fuzz", name)));
        TestContext.Out.WriteLine($"{name}: {problem}");
        Assert.That(problem, Does.Contain("reaches past").Or.Contain("claims"));
    }

    /// <summary>
    /// mlp_keras2.h5 with the first dimension of its root attribute <c>layer_names</c> set to 2^40: the attribute
    /// message is found by its name and parsed from its own size fields (version 1: name, datatype and dataspace each
    /// padded to 8 bytes; version 3: unpadded).
    /// </summary>
    [Test]
    public void AnAttributeClaimingMoreThanItsMessageHoldsIsRefusedWithinTheAllocationBound()
    {
        byte[] bytes = File.ReadAllBytes(ModelReaderTests.Fixture("mlp_keras2.h5"));
        int lengthSize = bytes[8] is 0 or 1 ? bytes[14] : bytes[10];
        long dims = LayerNamesDimensions(bytes);
        Assert.That(BinaryPrimitives.ReadUInt64LittleEndian(bytes.AsSpan((int)dims)) & (lengthSize == 8 ? ulong.MaxValue : (1UL << (8 * lengthSize)) - 1),
            Is.InRange(1UL, 1000UL), "the dimension found is the number of layers");
        var edited = (byte[])bytes.Clone();
        BinaryPrimitives.WriteUInt64LittleEndian(edited.AsSpan((int)dims), 1UL << 40);
        string p = WriteBytes("edited.h5", edited);

        Assert.That(Hdf5Precheck.Check(p), Does.Contain("attribute 'layer_names' claims 1099511627776 elements"));
        long before = GC.GetAllocatedBytesForCurrentThread();
        ExpectWeightFileError(p, () => ModelFile.Open(p).Dispose(), "damaged", "layer_names");
        Assert.That(GC.GetAllocatedBytesForCurrentThread() - before, Is.LessThan(FuzzHarness.AllocationBound(edited.Length)));
    }

    /// <summary>The file offset of the first dimension of the attribute <c>layer_names</c>'s dataspace.</summary>
    static long LayerNamesDimensions(byte[] b)
    {
        byte[] name = Encoding.ASCII.GetBytes("layer_names\0");
        for (int at = b.AsSpan().IndexOf(name); at >= 0;)
        {
            foreach (int version in new[] { 1, 3 })
            {
                int start = at - (version == 3 ? 9 : 8);
                if (start < 0 || b[start] != version || BinaryPrimitives.ReadUInt16LittleEndian(b.AsSpan(start + 2)) != name.Length) continue;
                int datatypeSize = BinaryPrimitives.ReadUInt16LittleEndian(b.AsSpan(start + 4));
                int datatype = at + (version == 1 ? Round8(name.Length) : name.Length);
                int dataspace = datatype + (version == 1 ? Round8(datatypeSize) : datatypeSize);
                Assert.That(b[dataspace + 1], Is.EqualTo(1), "layer_names has rank 1");
                return dataspace + (b[dataspace] == 1 ? 8 : 4);
            }
            int next = b.AsSpan(at + 1).IndexOf(name);
            at = next < 0 ? -1 : at + 1 + next;
        }
        Assert.Fail("no attribute message named layer_names");
        return -1;
    }

    static int Round8(int n) => (n + 7) / 8 * 8;

    [Test]
    public void AContinuationChunkThatLeadsBackIsACycle()
    {
        var f = new MinimalHdf5();
        int header = f.ObjectHeaderV1(out int firstChunk, [(0x10, Concat(U64((ulong)0), U64(24)))]);
        f.PatchU64(firstChunk + 8, (ulong)firstChunk); // the continuation names the chunk it is in
        string p = WriteBytes("cycle.h5", f.Finish(header));
        Assert.That(Hdf5Precheck.Check(p), Does.Contain("reached twice"));
        RefusedWithoutHanging(p);
    }

    [Test]
    public void AGroupBTreeNodeThatIsItsOwnChildIsRefused()
    {
        var f = new MinimalHdf5();
        int tree = f.Append(GroupNode(level: 1, children: [0]));
        f.PatchU64(tree + 8 + 16 + 8, (ulong)tree); // child 0 is the node itself
        int header = f.ObjectHeaderV1(out _, [(0x11, Concat(U64((ulong)tree), U64(ulong.MaxValue)))]);
        string p = WriteBytes("tree-cycle.h5", f.Finish(header));
        Assert.That(Hdf5Precheck.Check(p), Does.Contain("level 1 where its parent's children have level 0"));
        RefusedWithoutHanging(p);
    }

    [Test]
    public void ASymbolTableNodeReachedTwiceIsRefused()
    {
        var f = new MinimalHdf5();
        int snod = f.Append([.. "SNOD"u8, 1, 0, 0, 0]);
        int tree = f.Append(GroupNode(level: 0, children: [(ulong)snod, (ulong)snod]));
        int header = f.ObjectHeaderV1(out _, [(0x11, Concat(U64((ulong)tree), U64(ulong.MaxValue)))]);
        string p = WriteBytes("snod-twice.h5", f.Finish(header));
        Assert.That(Hdf5Precheck.Check(p), Does.Contain("symbol table node").And.Contain("reached twice"));
        RefusedWithoutHanging(p);
    }

    void RefusedWithoutHanging(string p)
    {
        Exception? error = null;
        var task = Task.Run(() =>
        {
            try { ModelFile.Open(p).Dispose(); }
            catch (Exception e) { error = e; }
        });
        Assert.That(task.Wait(TimeSpan.FromSeconds(10)), Is.True, "the read ends");
        Assert.That(error, Is.InstanceOf<WeightFileException>());
        Assert.That(error!.Message, Does.Contain("damaged").And.Contain(p));
    }

    /// <summary>A v1 B-tree group node (offsets and lengths of 8 bytes): signature, type 0, level, entries, undefined siblings, keys and children.</summary>
    static byte[] GroupNode(int level, ulong[] children)
    {
        var b = new List<byte>();
        b.AddRange("TREE"u8.ToArray());
        b.Add(0);
        b.Add((byte)level);
        b.AddRange(BitConverter.GetBytes((ushort)children.Length));
        b.AddRange(U64(ulong.MaxValue));
        b.AddRange(U64(ulong.MaxValue));
        foreach (var c in children)
        {
            b.AddRange(U64(0));
            b.AddRange(U64(c));
        }
        b.AddRange(U64(0));
        return [.. b];
    }

    static byte[] U64(ulong v) => BitConverter.GetBytes(v);

    static byte[] Concat(params byte[][] parts) => [.. parts.SelectMany(x => x)];

    /// <summary>
    /// A minimal HDF5 file: superblock version 0 (offsets and lengths of 8 bytes, base address 0) whose root symbol table
    /// entry names one version-1 object header; other structures are appended after it.
    /// </summary>
    sealed class MinimalHdf5
    {
        readonly List<byte> bytes = [];

        public MinimalHdf5()
        {
            bytes.AddRange([0x89, (byte)'H', (byte)'D', (byte)'F', (byte)'\r', (byte)'\n', 0x1A, (byte)'\n']);
            bytes.AddRange([0, 0, 0, 0, 0, 8, 8, 0]);      // versions, sizes of offsets and lengths
            bytes.AddRange([4, 0, 16, 0, 0, 0, 0, 0]);     // group leaf and internal K, consistency flags
            bytes.AddRange(U64(0));                          // base address
            bytes.AddRange(U64(ulong.MaxValue));             // free space
            bytes.AddRange(U64(0));                          // end of file (patched)
            bytes.AddRange(U64(ulong.MaxValue));             // driver information
            bytes.AddRange(U64(0));                          // root entry: link name offset
            bytes.AddRange(U64(0));                          // root entry: object header address (patched)
            bytes.AddRange(new byte[24]);                    // cache type, reserved, scratch pad
        }

        public int Append(byte[] b)
        {
            int at = bytes.Count;
            bytes.AddRange(b);
            return at;
        }

        /// <summary>A version-1 object header with the given messages; <paramref name="firstChunk"/> is where its messages start.</summary>
        public int ObjectHeaderV1(out int firstChunk, (int Type, byte[] Data)[] messages)
        {
            var chunk = new List<byte>();
            foreach (var (type, data) in messages)
            {
                chunk.AddRange(BitConverter.GetBytes((ushort)type));
                chunk.AddRange(BitConverter.GetBytes((ushort)data.Length));
                chunk.AddRange([0, 0, 0, 0]);
                chunk.AddRange(data);
            }
            int at = bytes.Count;
            bytes.AddRange([1, 0]);
            bytes.AddRange(BitConverter.GetBytes((ushort)messages.Length));
            bytes.AddRange(BitConverter.GetBytes(1u));
            bytes.AddRange(BitConverter.GetBytes((uint)chunk.Count));
            bytes.AddRange([0, 0, 0, 0]);
            firstChunk = bytes.Count;
            bytes.AddRange(chunk);
            return at;
        }

        public void PatchU64(int at, ulong v)
        {
            var b = U64(v);
            for (int i = 0; i < 8; i++) bytes[at + i] = b[i];
        }

        public byte[] Finish(int rootHeader)
        {
            PatchU64(40, (ulong)bytes.Count);
            PatchU64(64, (ulong)rootHeader);
            return [.. bytes];
        }
    }
}
