using System.IO.Compression;

namespace NeuralSpin.IO;

/// <summary>
/// CRC-32 (ISO-HDLC, polynomial 0xEDB88320 reflected, as zip uses it) of a zip member, checked against the CRC the
/// archive records, so that a damaged member is refused before a parser (the pickle of a PyTorch file, the HDF5 file of
/// a .keras archive) reads lengths out of it.
/// </summary>
internal static class ZipCrc
{
    static readonly uint[] Table = Build();

    static uint[] Build()
    {
        var t = new uint[256];
        for (uint i = 0; i < 256; i++)
        {
            uint c = i;
            for (int k = 0; k < 8; k++) c = (c & 1) != 0 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
            t[i] = c;
        }
        return t;
    }

    /// <summary>The CRC-32 of <paramref name="data"/> continued from <paramref name="crc"/> (0 to start).</summary>
    public static uint Update(uint crc, ReadOnlySpan<byte> data)
    {
        uint c = ~crc;
        foreach (byte b in data) c = Table[(c ^ b) & 0xFF] ^ (c >> 8);
        return ~c;
    }

    /// <summary>
    /// Reads the member to its end (copying it to <paramref name="copy"/> if given) and checks its length and CRC-32.
    /// </summary>
    /// <exception cref="InvalidDataException">The member's bytes do not match the length or CRC the archive records.</exception>
    public static void Check(ZipArchiveEntry entry, Stream? copy = null)
    {
        using var s = entry.Open();
        var buf = new byte[1 << 16];
        uint crc = 0;
        long total = 0;
        int n;
        while ((n = s.Read(buf, 0, buf.Length)) > 0)
        {
            crc = Update(crc, buf.AsSpan(0, n));
            total += n;
            copy?.Write(buf, 0, n);
            if (total > entry.Length) break;
        }
        if (total != entry.Length)
            throw new InvalidDataException($"member '{entry.FullName}' holds {total} bytes, not the {entry.Length} the archive records");
        if (crc != entry.Crc32)
            throw new InvalidDataException($"member '{entry.FullName}' fails its CRC-32 check (0x{crc:X8}, recorded 0x{entry.Crc32:X8})");
    }
}
