using NUnit.Framework;
using System.Buffers.Binary;
using System.Text;
using NeuralSpin.IO;

namespace NeuralSpin.Tests.IO;

/// <summary>A fresh temporary directory per test, removed afterwards.</summary>
public abstract class TempDirFixture
{
    protected string Dir { get; private set; } = "";

    [SetUp]
    public void CreateDir()
    {
        Dir = Path.Combine(Path.GetTempPath(), "neuralspin-io-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Dir);
    }

    [TearDown]
    public void RemoveDir()
    {
        if (Directory.Exists(Dir)) Directory.Delete(Dir, recursive: true);
    }

    protected string PathOf(string name) => Path.Combine(Dir, name);

    protected string WriteBytes(string name, byte[] bytes)
    {
        string p = PathOf(name);
        File.WriteAllBytes(p, bytes);
        return p;
    }

    /// <summary>Asserts that <paramref name="action"/> throws a <see cref="WeightFileException"/> naming <paramref name="path"/> and returns it.</summary>
    protected static WeightFileException ExpectWeightFileError(string path, TestDelegate action, params string[] fragments)
    {
        var e = Assert.Throws<WeightFileException>(action)!;
        Assert.That(e.Path, Is.EqualTo(path));
        Assert.That(e.Message, Does.StartWith($"weights file '{path}': "));
        foreach (var f in fragments) Assert.That(e.Message, Does.Contain(f));
        Assert.That(e.Message, Does.Not.Contain("\n"), "the message is one paragraph");
        return e;
    }
}

/// <summary>Builds weight files byte by byte, independently of the library's writers.</summary>
public static class RawFiles
{
    /// <summary>An 8-byte little-endian length, the header text, then the buffer.</summary>
    public static byte[] SafeTensors(string header, byte[] buffer)
    {
        var h = Encoding.UTF8.GetBytes(header);
        var bytes = new byte[8 + h.Length + buffer.Length];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, (ulong)h.Length);
        h.CopyTo(bytes, 8);
        buffer.CopyTo(bytes, 8 + h.Length);
        return bytes;
    }

    /// <summary>A .npy file with the given header dict text, version and raw data.</summary>
    public static byte[] Npy(string dict, byte[] data, int major = 1)
    {
        var ms = new MemoryStream();
        ms.Write([0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y', (byte)major, 0]);
        var h = (major == 3 ? Encoding.UTF8 : Encoding.Latin1).GetBytes(dict + "\n");
        if (major == 1)
        {
            var len = new byte[2];
            BinaryPrimitives.WriteUInt16LittleEndian(len, (ushort)h.Length);
            ms.Write(len);
        }
        else
        {
            var len = new byte[4];
            BinaryPrimitives.WriteUInt32LittleEndian(len, (uint)h.Length);
            ms.Write(len);
        }
        ms.Write(h);
        ms.Write(data);
        return ms.ToArray();
    }

    public static byte[] LittleF64(params double[] v)
    {
        var b = new byte[8 * v.Length];
        for (int i = 0; i < v.Length; i++) BinaryPrimitives.WriteDoubleLittleEndian(b.AsSpan(8 * i), v[i]);
        return b;
    }

    public static byte[] BigF64(params double[] v)
    {
        var b = new byte[8 * v.Length];
        for (int i = 0; i < v.Length; i++) BinaryPrimitives.WriteDoubleBigEndian(b.AsSpan(8 * i), v[i]);
        return b;
    }

    public static byte[] LittleF32(params float[] v)
    {
        var b = new byte[4 * v.Length];
        for (int i = 0; i < v.Length; i++) BinaryPrimitives.WriteSingleLittleEndian(b.AsSpan(4 * i), v[i]);
        return b;
    }

    public static byte[] BigF32(params float[] v)
    {
        var b = new byte[4 * v.Length];
        for (int i = 0; i < v.Length; i++) BinaryPrimitives.WriteSingleBigEndian(b.AsSpan(4 * i), v[i]);
        return b;
    }

    public static byte[] LittleU16(params ushort[] v)
    {
        var b = new byte[2 * v.Length];
        for (int i = 0; i < v.Length; i++) BinaryPrimitives.WriteUInt16LittleEndian(b.AsSpan(2 * i), v[i]);
        return b;
    }
}
