using System.Buffers.Binary;
using System.Globalization;
using System.Text;

namespace NeuralSpin.IO;

/// <summary>
/// Reads and writes NumPy <c>.npy</c> arrays (format versions 1.0, 2.0 and 3.0): the magic
/// <c>\x93NUMPY</c>, a version, a header length, a header that is a Python dict literal
/// <c>{'descr': ..., 'fortran_order': ..., 'shape': (...)}</c>, then the raw data. Reading supports
/// floating dtypes <c>f2 f4 f8</c>, integers <c>i1 i2 i4 i8 u1 u2 u4 u8</c> and booleans <c>b1</c>
/// in either byte order, C or Fortran order (converted to row-major), and any number of
/// dimensions; values are converted to float64 (64-bit integers beyond 2^53 lose precision).
/// Writing always produces little-endian float64 (<c>&lt;f8</c>) in C order.
/// </summary>
public static class Npy
{
    static ReadOnlySpan<byte> Magic => [0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y'];

    const int MaxHeaderLength = 1 << 20;

    /// <summary>Reads the array in a <c>.npy</c> file; the tensor is named after the file without its extension.</summary>
    /// <exception cref="WeightFileException">The file is missing, damaged, or of an unsupported dtype.</exception>
    public static NamedTensor Read(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
            if (stream.Length == 0)
                throw new WeightFileException(path, "the file is empty", WeightFileException.ReExport);
            return Read(stream, Path.GetFileNameWithoutExtension(path), path, member: null);
        }
        catch (FileNotFoundException e) { throw SafeTensors.Missing(path, e); }
        catch (DirectoryNotFoundException e) { throw SafeTensors.Missing(path, e); }
        catch (IOException e) { throw new WeightFileException(path, $"could not be read ({e.Message})", "Check that the file is readable.", e); }
        catch (UnauthorizedAccessException e) { throw new WeightFileException(path, $"could not be opened ({e.Message})", "Check the file's permissions.", e); }
    }

    /// <summary>Reads one <c>.npy</c> array from a stream (which need not be seekable).</summary>
    /// <param name="stream">Positioned at the magic string; left after the array data.</param>
    /// <param name="name">Name to give the tensor.</param>
    /// <param name="sourcePath">File to name in error messages (defaults to <paramref name="name"/>).</param>
    /// <exception cref="WeightFileException">The data are damaged or of an unsupported dtype.</exception>
    public static NamedTensor Read(Stream stream, string name, string? sourcePath = null)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(name);
        string path = sourcePath ?? name;
        try
        {
            return Read(stream, name, path, member: null);
        }
        catch (IOException e) { throw new WeightFileException(path, $"could not be read ({e.Message})", "Check that the file is readable.", e); }
    }

    internal static NamedTensor Read(Stream stream, string name, string path, string? member)
    {
        string where = member is null ? "" : $"member '{member}': ";
        WeightFileException Fail(string problem, string? remedy = null) =>
            new(path, where + problem, remedy ?? WeightFileException.ReExport);

        Span<byte> pre = stackalloc byte[12];
        int got = ReadFully(stream, pre[..8]);
        if (got < 6 || !pre[..6].SequenceEqual(Magic))
            throw Fail(got == 0 ? "the array is empty (0 bytes)" : "it does not start with the .npy magic string \\x93NUMPY; it is not a NumPy .npy array");
        if (got < 8)
            throw Fail("the .npy preamble is truncated");
        int major = pre[6], minor = pre[7];
        if (major is < 1 or > 3 || minor != 0)
            throw Fail($".npy format version {major}.{minor} is not supported (only 1.0, 2.0 and 3.0)", "Save the array with numpy.save.");
        int lenBytes = major == 1 ? 2 : 4;
        if (ReadFully(stream, pre.Slice(8, lenBytes)) < lenBytes)
            throw Fail("the .npy header length is truncated");
        long headerLength = major == 1 ? BinaryPrimitives.ReadUInt16LittleEndian(pre[8..]) : BinaryPrimitives.ReadUInt32LittleEndian(pre[8..]);
        if (headerLength > MaxHeaderLength)
            throw Fail($"the .npy header length {headerLength} is implausibly large; the file is damaged");
        var headerBytes = new byte[headerLength];
        if (ReadFully(stream, headerBytes) < headerLength)
            throw Fail($"the .npy header ({headerLength} bytes) is truncated; the file is damaged");
        string headerText;
        try
        {
            headerText = major == 3
                ? new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(headerBytes)
                : Encoding.Latin1.GetString(headerBytes);
        }
        catch (DecoderFallbackException)
        {
            throw Fail("the .npy 3.0 header is not valid UTF-8");
        }

        Dictionary<string, object?> header;
        try
        {
            header = PyLiteral.Parse(headerText) as Dictionary<string, object?>
                     ?? throw new FormatException("the header is not a dict");
        }
        catch (FormatException e)
        {
            throw Fail($"the .npy header {Quote(headerText)} cannot be parsed ({e.Message})");
        }

        if (!header.TryGetValue("descr", out var descrObj))
            throw Fail("the .npy header has no 'descr' key");
        if (!header.TryGetValue("fortran_order", out var fortranObj) || fortranObj is not bool fortran)
            throw Fail("the .npy header has no boolean 'fortran_order' key");
        if (!header.TryGetValue("shape", out var shapeObj) || shapeObj is not PyLiteral.Tuple shapeTuple)
            throw Fail("the .npy header has no tuple 'shape' key");
        if (descrObj is not string descr)
            throw Fail("the array has a structured (record) dtype, which is not supported; supported dtypes are " + SupportedText,
                "Save a plain numeric array, e.g. numpy.save(path, weights.astype(numpy.float64)).");

        var shape = new long[shapeTuple.Items.Count];
        long count = 1;
        try
        {
            for (int i = 0; i < shape.Length; i++)
            {
                if (shapeTuple.Items[i] is not long d || d < 0)
                    throw Fail($"the .npy header {Quote(headerText)} has a shape entry that is not a non-negative integer");
                shape[i] = d;
                count = checked(count * d);
            }
        }
        catch (OverflowException)
        {
            throw Fail("the array is too large to load", "Split the weights into smaller arrays.");
        }

        var dtype = ParseDType(descr, Fail);
        if (count > Array.MaxLength || count * dtype.Size > int.MaxValue)
            throw Fail($"the array of shape {ShapeText(shape)} is too large to load", "Split the weights into smaller arrays.");
        int bytes = (int)(count * dtype.Size);
        // The buffer grows with the bytes actually present, so a header that claims a huge shape over a short file
        // is refused without allocating what it claims (a 151-byte file claiming 3 x 10^8 int8 took 300 MB).
        var (raw, have) = ReadAtMost(stream, bytes);
        if (have < bytes)
            throw Fail($"the data are truncated: shape {ShapeText(shape)} of '{descr}' needs {bytes} bytes after the header, but only {have} are present");

        var values = new double[count];
        Decode(dtype, raw, values);
        if (fortran && shape.Length > 1) values = FortranToRowMajor(values, shape);
        return new NamedTensor(name, descr, shape, values);
    }

    /// <summary>Writes a tensor as little-endian float64 (<c>&lt;f8</c>), C order, to a stream.</summary>
    public static void Write(Stream stream, NamedTensor tensor)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(tensor);
        string dict = $"{{'descr': '<f8', 'fortran_order': False, 'shape': {PyShape(tensor.Shape)}, }}";
        // numpy pads with spaces and ends with a newline so that the data start on a 64-byte boundary
        int unpadded = 6 + 2 + 2 + dict.Length + 1;
        bool v2 = unpadded + 63 > 65535 + 10;
        if (v2) unpadded += 2;
        int pad = (64 - unpadded % 64) % 64;
        string headerText = dict + new string(' ', pad) + "\n";
        var header = Encoding.Latin1.GetBytes(headerText);

        Span<byte> pre = stackalloc byte[12];
        Magic.CopyTo(pre);
        pre[6] = (byte)(v2 ? 2 : 1);
        pre[7] = 0;
        int preLength;
        if (v2) { BinaryPrimitives.WriteUInt32LittleEndian(pre[8..], (uint)header.Length); preLength = 12; }
        else { BinaryPrimitives.WriteUInt16LittleEndian(pre[8..], (ushort)header.Length); preLength = 10; }
        stream.Write(pre[..preLength]);
        stream.Write(header);

        const int chunk = 1 << 13;
        var buf = new byte[chunk * 8];
        for (int i = 0; i < tensor.Data.Length; i += chunk)
        {
            int m = Math.Min(chunk, tensor.Data.Length - i);
            FloatFormats.EncodeLittleEndian("F64", tensor.Data.AsSpan(i, m), buf);
            stream.Write(buf, 0, m * 8);
        }
    }

    /// <summary>Writes a tensor as a <c>.npy</c> file (little-endian float64, C order), atomically.</summary>
    public static void Write(string path, NamedTensor tensor)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        AtomicFile.Write(path, s => Write(s, tensor));
    }

    const string SupportedText = "f2, f4, f8, i1, i2, i4, i8, u1, u2, u4, u8 and b1, in either byte order";

    readonly record struct DType(char Kind, int Size, bool BigEndian);

    static DType ParseDType(string descr, Func<string, string?, WeightFileException> fail)
    {
        const string convert = "Convert the array first, e.g. numpy.save(path, weights.astype(numpy.float64)).";
        string d = descr;
        bool big = false;
        if (d.Length > 0 && d[0] is '<' or '>' or '|' or '=')
        {
            big = d[0] == '>' || (d[0] == '=' && !BitConverter.IsLittleEndian);
            d = d[1..];
        }
        if (d is "O" or "O8" or "O4")
            throw fail("the array holds Python objects (dtype 'O'), which cannot be read without unpickling", convert);
        if (d == "?") d = "b1";
        if (d.Length >= 2 && int.TryParse(d.AsSpan(1), NumberStyles.None, CultureInfo.InvariantCulture, out int size))
        {
            char kind = d[0];
            bool ok = kind switch
            {
                'f' => size is 2 or 4 or 8,
                'i' or 'u' => size is 1 or 2 or 4 or 8,
                'b' => size == 1,
                _ => false,
            };
            if (ok) return new DType(kind, size, big);
        }
        throw fail($"the array has dtype '{descr}', which is not supported; supported dtypes are {SupportedText}", convert);
    }

    static void Decode(DType t, byte[] raw, double[] dst)
    {
        var s = raw.AsSpan();
        bool be = t.BigEndian;
        switch (t.Kind, t.Size)
        {
            case ('f', 8):
                for (int i = 0; i < dst.Length; i++) dst[i] = be ? BinaryPrimitives.ReadDoubleBigEndian(s[(8 * i)..]) : BinaryPrimitives.ReadDoubleLittleEndian(s[(8 * i)..]);
                break;
            case ('f', 4):
                for (int i = 0; i < dst.Length; i++) dst[i] = be ? BinaryPrimitives.ReadSingleBigEndian(s[(4 * i)..]) : BinaryPrimitives.ReadSingleLittleEndian(s[(4 * i)..]);
                break;
            case ('f', 2):
                for (int i = 0; i < dst.Length; i++) dst[i] = FloatFormats.HalfBitsToDouble(be ? BinaryPrimitives.ReadUInt16BigEndian(s[(2 * i)..]) : BinaryPrimitives.ReadUInt16LittleEndian(s[(2 * i)..]));
                break;
            case ('i', 1):
                for (int i = 0; i < dst.Length; i++) dst[i] = (sbyte)s[i];
                break;
            case ('u', 1):
                for (int i = 0; i < dst.Length; i++) dst[i] = s[i];
                break;
            case ('b', 1):
                for (int i = 0; i < dst.Length; i++) dst[i] = s[i] != 0 ? 1 : 0;
                break;
            case ('i', 2):
                for (int i = 0; i < dst.Length; i++) dst[i] = be ? BinaryPrimitives.ReadInt16BigEndian(s[(2 * i)..]) : BinaryPrimitives.ReadInt16LittleEndian(s[(2 * i)..]);
                break;
            case ('u', 2):
                for (int i = 0; i < dst.Length; i++) dst[i] = be ? BinaryPrimitives.ReadUInt16BigEndian(s[(2 * i)..]) : BinaryPrimitives.ReadUInt16LittleEndian(s[(2 * i)..]);
                break;
            case ('i', 4):
                for (int i = 0; i < dst.Length; i++) dst[i] = be ? BinaryPrimitives.ReadInt32BigEndian(s[(4 * i)..]) : BinaryPrimitives.ReadInt32LittleEndian(s[(4 * i)..]);
                break;
            case ('u', 4):
                for (int i = 0; i < dst.Length; i++) dst[i] = be ? BinaryPrimitives.ReadUInt32BigEndian(s[(4 * i)..]) : BinaryPrimitives.ReadUInt32LittleEndian(s[(4 * i)..]);
                break;
            case ('i', 8):
                for (int i = 0; i < dst.Length; i++) dst[i] = be ? BinaryPrimitives.ReadInt64BigEndian(s[(8 * i)..]) : BinaryPrimitives.ReadInt64LittleEndian(s[(8 * i)..]);
                break;
            case ('u', 8):
                for (int i = 0; i < dst.Length; i++) dst[i] = be ? BinaryPrimitives.ReadUInt64BigEndian(s[(8 * i)..]) : BinaryPrimitives.ReadUInt64LittleEndian(s[(8 * i)..]);
                break;
            default:
                throw new InvalidOperationException($"dtype {t} passed validation but has no decoder");
        }
    }

    /// <summary>Reorders values stored with the first index fastest (Fortran) into row-major order.</summary>
    static double[] FortranToRowMajor(double[] src, long[] shape)
    {
        int rank = shape.Length;
        var result = new double[src.Length];
        if (src.Length == 0) return result;
        var stride = new long[rank]; // row-major strides
        stride[rank - 1] = 1;
        for (int k = rank - 2; k >= 0; k--) stride[k] = stride[k + 1] * shape[k + 1];
        var index = new long[rank];
        long dst = 0;
        for (long p = 0; p < src.LongLength; p++)
        {
            result[dst] = src[p];
            // advance the multi-index with the first dimension fastest, tracking the row-major offset
            for (int k = 0; k < rank; k++)
            {
                index[k]++;
                dst += stride[k];
                if (index[k] < shape[k]) break;
                dst -= stride[k] * shape[k];
                index[k] = 0;
            }
        }
        return result;
    }

    /// <summary>Reads up to <paramref name="bytes"/> bytes; the buffer is allocated in full only once that many are known to be there.</summary>
    static (byte[] Buffer, int Have) ReadAtMost(Stream s, int bytes)
    {
        if (s.CanSeek)
        {
            long remaining = Math.Max(0, s.Length - s.Position);
            if (remaining < bytes) return ([], (int)remaining);
            var exact = new byte[bytes];
            return (exact, ReadFully(s, exact));
        }
        var buf = new byte[Math.Min(bytes, 1 << 16)];
        int total = 0;
        while (total < bytes)
        {
            if (total == buf.Length) Array.Resize(ref buf, (int)Math.Min(bytes, 2L * buf.Length));
            int n = s.Read(buf.AsSpan(total));
            if (n == 0) break;
            total += n;
        }
        return (buf, total);
    }

    static int ReadFully(Stream s, Span<byte> buffer)
    {
        int total = 0;
        while (total < buffer.Length)
        {
            int n = s.Read(buffer[total..]);
            if (n == 0) break;
            total += n;
        }
        return total;
    }

    static string PyShape(long[] shape) => shape.Length switch
    {
        0 => "()",
        1 => $"({shape[0]},)",
        _ => "(" + string.Join(", ", shape) + ")",
    };

    static string ShapeText(long[] shape) => PyShape(shape);

    /// <summary>
    /// The header as quoted in a message: trimmed, control characters shown as \xNN (a damaged header may hold line
    /// breaks or binary bytes, and the message must stay one printable paragraph), at most 120 characters.
    /// </summary>
    internal static string Quote(string header)
    {
        var sb = new StringBuilder();
        foreach (char c in header.Trim())
        {
            if (char.IsControl(c)) sb.Append(System.Globalization.CultureInfo.InvariantCulture, $"\\x{(int)c:X2}");
            else sb.Append(c);
        }
        string h = sb.ToString();
        return h.Length <= 120 ? $"\"{h}\"" : $"\"{h[..117]}...\"";
    }
}
