using System.Buffers.Binary;
using System.IO.Compression;
using NUnit.Framework;
using NeuralSpin.Data;

namespace NeuralSpin.Tests.Data;

/// <summary>Builds IDX files byte by byte, independently of the library's reader.</summary>
public static class IdxBytes
{
    /// <summary>Magic <c>00 00 type rank</c>, big-endian int32 dimensions, then <paramref name="data"/>.</summary>
    public static byte[] Build(byte type, int[] dims, byte[] data)
    {
        var bytes = new byte[4 + 4 * dims.Length + data.Length];
        bytes[2] = type;
        bytes[3] = (byte)dims.Length;
        for (int i = 0; i < dims.Length; i++) BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(4 + 4 * i), dims[i]);
        data.CopyTo(bytes, 4 + 4 * dims.Length);
        return bytes;
    }

    /// <summary>An unsigned-byte IDX file whose data are <c>(i * 7 + 3) mod 256</c>.</summary>
    public static byte[] Ubyte(params int[] dims)
    {
        long n = 1;
        foreach (var d in dims) n *= d;
        return Build(0x08, dims, Pattern((int)n));
    }

    public static byte[] Pattern(int n)
    {
        var data = new byte[n];
        for (int i = 0; i < n; i++) data[i] = (byte)(i * 7 + 3);
        return data;
    }

    public static byte[] Gzip(byte[] raw)
    {
        using var ms = new MemoryStream();
        using (var gz = new GZipStream(ms, CompressionLevel.Fastest, leaveOpen: true)) gz.Write(raw);
        return ms.ToArray();
    }

    /// <summary>A small fake MNIST set: images (n, 28, 28), labels i mod 10.</summary>
    public static void WriteFakeMnist(string dir, int trainCount, int testCount, bool gzip = false)
    {
        Write(dir, "train-images-idx3-ubyte", Ubyte(trainCount, 28, 28), gzip);
        Write(dir, "train-labels-idx1-ubyte", Labels(trainCount), gzip);
        Write(dir, "t10k-images-idx3-ubyte", Ubyte(testCount, 28, 28), gzip);
        Write(dir, "t10k-labels-idx1-ubyte", Labels(testCount), gzip);
    }

    public static byte[] Labels(int n)
    {
        var l = new byte[n];
        for (int i = 0; i < n; i++) l[i] = (byte)(i % 10);
        return Build(0x08, [n], l);
    }

    public static string Write(string dir, string name, byte[] raw, bool gzip)
    {
        string p = Path.Combine(dir, gzip ? name + ".gz" : name);
        File.WriteAllBytes(p, gzip ? Gzip(raw) : raw);
        return p;
    }
}

public static class DataAssert
{
    /// <summary>Asserts that <paramref name="action"/> throws a one-paragraph <see cref="DataFileException"/> naming <paramref name="path"/>.</summary>
    public static DataFileException Throws(string path, TestDelegate action, params string[] fragments)
    {
        var e = Assert.Throws<DataFileException>(action)!;
        Assert.That(e.Path, Is.EqualTo(path));
        Assert.That(e.Message, Does.StartWith($"data file '{path}': "));
        Assert.That(e.Remedy, Is.Not.Empty);
        foreach (var f in fragments) Assert.That(e.Message, Does.Contain(f));
        Assert.That(e.Message, Does.Not.Contain("\n"), "the message is one paragraph");
        return e;
    }
}
