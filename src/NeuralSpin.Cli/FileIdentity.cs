using System.Runtime.InteropServices;

namespace NeuralSpin.Cli;

/// <summary>
/// Whether two paths name the same file: the same (device, inode) after following symbolic links, so that hard
/// links, symbolic links and differently spelled paths of one file are recognised. On Linux the identity comes
/// from glibc's <c>statx</c> (its <c>struct statx</c> has the same layout on every architecture, unlike
/// <c>struct stat</c>); where that is unavailable, or for paths that do not exist, the full paths with the final
/// symbolic link resolved are compared.
/// </summary>
public static class FileIdentity
{
    const int AtFdCwd = -100;
    const uint StatxIno = 0x100;

    [DllImport("libc", EntryPoint = "statx", SetLastError = true)]
    static extern int Statx(int dirfd, [MarshalAs(UnmanagedType.LPUTF8Str)] string path, int flags, uint mask, [Out] byte[] buffer);

    static bool _statxMissing;

    /// <summary>The (device, inode) of the existing file <paramref name="path"/> (links followed), or null when unknown.</summary>
    public static (ulong Device, ulong Inode)? Of(string path)
    {
        if (_statxMissing || !OperatingSystem.IsLinux()) return null;
        var buf = new byte[256];
        try
        {
            if (Statx(AtFdCwd, path, 0, StatxIno, buf) != 0) return null;
        }
        catch (Exception e) when (e is EntryPointNotFoundException or DllNotFoundException)
        {
            _statxMissing = true;
            return null;
        }
        // struct statx: stx_ino at byte 32, stx_dev_major and stx_dev_minor at 136 and 140 (native byte order)
        ulong ino = MemoryMarshal.Read<ulong>(buf.AsSpan(32));
        ulong devMajor = MemoryMarshal.Read<uint>(buf.AsSpan(136)), devMinor = MemoryMarshal.Read<uint>(buf.AsSpan(140));
        return ((devMajor << 32) | devMinor, ino);
    }

    /// <summary>The full path with a final symbolic link resolved (as far as the links go).</summary>
    public static string Canonical(string path)
    {
        string full = Path.GetFullPath(path);
        try
        {
            var target = File.ResolveLinkTarget(full, returnFinalTarget: true);
            if (target != null) full = Path.GetFullPath(target.FullName);
        }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
        return full.TrimEnd(Path.DirectorySeparatorChar) is { Length: > 0 } t ? t : full;
    }

    /// <summary>True when <paramref name="a"/> and <paramref name="b"/> are the same file (see the class remarks).</summary>
    public static bool Same(string a, string b)
    {
        if (File.Exists(a) && File.Exists(b) && Of(a) is { } ia && Of(b) is { } ib) return ia == ib;
        return string.Equals(Canonical(a), Canonical(b), OperatingSystem.IsWindows() || OperatingSystem.IsMacOS()
            ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal);
    }
}
