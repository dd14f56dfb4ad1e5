using System.Buffers.Binary;
using System.IO.Compression;

namespace NeuralSpin.Data;

/// <summary>An array read from an IDX file: its dimensions and its elements in row-major order.</summary>
/// <param name="Path">The file it was read from.</param>
/// <param name="Dimensions">The dimensions from the header, outermost first.</param>
/// <param name="Data">The elements, row-major (for type 0x08, one unsigned byte each).</param>
public sealed record IdxArray(string Path, int[] Dimensions, byte[] Data)
{
    /// <summary>The number of dimensions.</summary>
    public int Rank => Dimensions.Length;
}

/// <summary>
/// Reader of the IDX format used by MNIST (http://yann.lecun.com/exdb/mnist/): a 4-byte magic number
/// <c>00 00 &lt;type&gt; &lt;rank&gt;</c>, <c>rank</c> big-endian int32 dimensions, then the elements in
/// row-major order. Only type 0x08 (unsigned byte) is supported; that is what the MNIST files use
/// (magic 0x00000803 for images of shape (n, 28, 28), 0x00000801 for labels of shape (n)).
/// The file may be raw or gzip-compressed (recognised by its content, not its name). The length must
/// match the header exactly; anything else is a <see cref="DataFileException"/>.
/// </summary>
public static class Idx
{
    /// <summary>The type code for unsigned bytes, the only one supported.</summary>
    public const byte UnsignedByte = 0x08;

    /// <summary>Magic number of an MNIST images file (unsigned bytes, 3 dimensions).</summary>
    public const uint ImagesMagic = 0x00000803;

    /// <summary>Magic number of an MNIST labels file (unsigned bytes, 1 dimension).</summary>
    public const uint LabelsMagic = 0x00000801;

    const string Redownload =
        "Delete it and fetch it again with 'neuralspin data mnist', which downloads and verifies the MNIST files.";

    /// <summary>Reads an IDX file, raw or gzip-compressed.</summary>
    /// <param name="path">The file.</param>
    /// <param name="expectedRank">If given, the number of dimensions the file must have.</param>
    /// <exception cref="DataFileException">The file is missing, unreadable, not IDX, of an unsupported
    /// type, of the wrong rank, truncated or followed by extra bytes.</exception>
    public static IdxArray Read(string path, int? expectedRank = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        FileStream file;
        try
        {
            file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new DataFileException(path, "the file does not exist", "Check the path, or download the data set again.", e);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new DataFileException(path, $"the file cannot be opened ({e.Message})", "Check that it is a readable file.", e);
        }

        using (file)
        {
            long length = file.Length;
            if (length == 0)
                throw new DataFileException(path, "the file is empty (0 bytes)", Redownload);
            bool gzip = length >= 2 && IsGzip(file);
            if (!gzip) return ReadCore(file, path, "", length, expectedRank);
            try
            {
                using var unzipped = new GZipStream(file, CompressionMode.Decompress, leaveOpen: true);
                return ReadCore(unzipped, path, "after gzip decompression, ", null, expectedRank);
            }
            catch (InvalidDataException e)
            {
                throw new DataFileException(path, $"the gzip data are corrupt ({e.Message.TrimEnd('.')})", Redownload, e);
            }
        }
    }

    static bool IsGzip(FileStream file)
    {
        Span<byte> head = stackalloc byte[2];
        file.ReadExactly(head);
        file.Position = 0;
        return head[0] == 0x1F && head[1] == 0x8B;
    }

    /// <summary>Parses an IDX stream; <paramref name="length"/> is its total length when known (raw files).</summary>
    static IdxArray ReadCore(Stream s, string path, string where, long? length, int? expectedRank)
    {
        DataFileException Fail(string problem, string? remedy = null) => new(path, where + problem, remedy ?? Redownload);

        Span<byte> magic = stackalloc byte[4];
        int got = s.ReadAtLeast(magic, 4, throwOnEndOfStream: false);
        if (got == 0)
            throw Fail("the content is empty");
        if (got < 4)
            throw Fail($"the content ends after {got} byte(s), inside the 4-byte IDX magic number");
        if (magic[0] != 0 || magic[1] != 0)
            throw Fail($"the content does not start with an IDX magic number (00 00 <type> <rank>): its first bytes are {Convert.ToHexString(magic)}",
                "It is not an IDX file (nor a gzip-compressed one). " + Redownload);
        byte type = magic[2];
        if (type != UnsignedByte)
            throw Fail($"the IDX type code is 0x{type:X2} ({TypeName(type)}); only 0x08 (unsigned byte) is supported",
                "Convert the file to unsigned bytes, or use the original MNIST files. " + Redownload);
        int rank = magic[3];
        if (rank == 0)
            throw Fail("the IDX header declares 0 dimensions");
        if (expectedRank is int want && rank != want)
            throw Fail($"the IDX header declares {rank} dimension(s) where {want} were expected (magic {Convert.ToHexString(magic)})",
                "Check that the file is the one it is named as (images files have 3 dimensions, labels files 1). " + Redownload);

        var header = new byte[4 * rank];
        got = s.ReadAtLeast(header, header.Length, throwOnEndOfStream: false);
        if (got < header.Length)
            throw Fail($"the content ends inside the IDX header ({4 + got} of {4 + header.Length} header bytes)");
        var dims = new int[rank];
        long count = 1;
        for (int i = 0; i < rank; i++)
        {
            dims[i] = BinaryPrimitives.ReadInt32BigEndian(header.AsSpan(4 * i));
            if (dims[i] < 0)
                throw Fail($"dimension {i} in the IDX header is negative ({dims[i]})");
            count *= dims[i];
            if (count > Array.MaxLength)
                throw Fail($"the IDX header declares dimensions ({Shape(dims[..(i + 1)])}...) too large for one array");
        }

        long headerLength = 4 + header.Length;
        if (length is long total)
        {
            long expected = headerLength + count;
            if (total < expected)
                throw Fail($"the file is truncated: the header declares shape ({Shape(dims)}), {count} data bytes, but only {total - headerLength} follow it");
            if (total > expected)
                throw Fail($"{total - expected} unexpected byte(s) follow the {count} data bytes of shape ({Shape(dims)}) declared by the header");
        }

        // Raw files: the length is verified, so allocate once. Gzip: grow as data arrive, so a bogus
        // header in a tiny file cannot make us allocate gigabytes up front.
        var data = new byte[length is null ? Math.Min(count, 1 << 24) : count];
        long filled = 0;
        while (filled < count)
        {
            if (filled == data.Length)
                Array.Resize(ref data, (int)Math.Min(count, 2L * data.Length));
            int n = s.Read(data, (int)filled, data.Length - (int)filled);
            if (n == 0) break;
            filled += n;
        }
        if (filled < count)
            throw Fail($"the data are truncated: the header declares shape ({Shape(dims)}), {count} data bytes, but only {filled} follow it");

        long extra = 0;
        var probe = new byte[1 << 16];
        for (int n; (n = s.Read(probe)) > 0;) extra += n;
        if (extra > 0)
            throw Fail($"{extra} unexpected byte(s) follow the {count} data bytes of shape ({Shape(dims)}) declared by the header");

        return new IdxArray(path, dims, data);
    }

    static string Shape(ReadOnlySpan<int> dims)
    {
        var parts = new string[dims.Length];
        for (int i = 0; i < dims.Length; i++) parts[i] = dims[i].ToString(System.Globalization.CultureInfo.InvariantCulture);
        return string.Join(" x ", parts);
    }

    static string TypeName(byte type) => type switch
    {
        0x08 => "unsigned byte",
        0x09 => "signed byte",
        0x0B => "int16",
        0x0C => "int32",
        0x0D => "float32",
        0x0E => "float64",
        _ => "not an IDX type",
    };
}
