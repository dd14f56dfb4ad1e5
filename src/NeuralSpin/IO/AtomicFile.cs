using System.Security.Cryptography;
using System.Text;

namespace NeuralSpin.IO;

/// <summary>
/// Writes files so that readers see either the old content or the complete new content, never a
/// partial file: the data go to <c>path + ".tmp-&lt;random&gt;"</c> in the same directory, are flushed
/// to disk, and the temporary file is then renamed over <c>path</c>. If writing fails the temporary
/// file is deleted and <c>path</c> is left as it was.
/// </summary>
public static class AtomicFile
{
    /// <summary>Writes <paramref name="path"/> through <paramref name="write"/>, atomically.</summary>
    /// <param name="path">Destination; its directory must exist.</param>
    /// <param name="write">Writes the whole content to the given stream (which it must not dispose).</param>
    public static void Write(string path, Action<Stream> write)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(write);
        string temp = TempName(path);
        try
        {
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16))
            {
                write(stream);
                stream.Flush(flushToDisk: true);
            }
            File.Move(temp, path, overwrite: true);
        }
        catch
        {
            TryDelete(temp);
            throw;
        }
    }

    /// <summary>Writes <paramref name="bytes"/> to <paramref name="path"/>, atomically.</summary>
    public static void WriteAllBytes(string path, ReadOnlySpan<byte> bytes)
    {
        var copy = bytes.ToArray();
        Write(path, s => s.Write(copy));
    }

    /// <summary>Writes <paramref name="text"/> to <paramref name="path"/> (UTF-8 without a byte-order mark unless <paramref name="encoding"/> says otherwise), atomically.</summary>
    public static void WriteAllText(string path, string text, Encoding? encoding = null)
    {
        ArgumentNullException.ThrowIfNull(text);
        var bytes = (encoding ?? new UTF8Encoding(encoderShouldEmitUTF8Identifier: false)).GetBytes(text);
        byte[] preamble = encoding?.GetPreamble() ?? [];
        Write(path, s =>
        {
            s.Write(preamble);
            s.Write(bytes);
        });
    }

    static string TempName(string path)
    {
        Span<byte> r = stackalloc byte[6];
        RandomNumberGenerator.Fill(r);
        return path + ".tmp-" + Convert.ToHexStringLower(r);
    }

    static void TryDelete(string temp)
    {
        try { File.Delete(temp); }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }
}
