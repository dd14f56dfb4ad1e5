// Marks a symbol-version requirement of an ELF64 shared object as weak (VER_FLG_WEAK).
//
// TorchSharp 0.107.0's libLibTorchSharp.so declares a need for GLIBCXX_3.4.32 (GCC 13's libstdc++)
// only for the dummy symbol _ZSt21ios_base_library_initv, which nothing calls. On systems whose
// libstdc++ stops at an older version (Debian 12), the dynamic loader refuses the library. Setting
// VER_FLG_WEAK (0x2) in the vna_flags of that Vernaux entry of .gnu.version_r turns the hard
// failure into a warning-free load. The build applies this to the copy in the build/publish output
// only (see Directory.Build.targets); the NuGet cache is never touched.
//
// This file is compiled twice: by MSBuild's RoslynCodeTaskFactory (as the task below) and by the
// unit tests (with NEURALSPIN_TESTS defined, the task class is left out).
#nullable enable
using System;
using System.Runtime.InteropServices;
using System.IO;
using System.Text;

namespace NeuralSpin.Build
{
    /// <summary>Outcome of <see cref="ElfVersionNeedPatcher.MarkWeak"/>.</summary>
    public enum ElfPatchOutcome
    {
        /// <summary>The entry was strong and is now weak.</summary>
        Patched,
        /// <summary>The entry was already weak; the file was not written.</summary>
        AlreadyWeak,
        /// <summary>The file has no such version requirement; nothing to do.</summary>
        NotFound,
    }

    /// <summary>Minimal ELF64 little-endian reader/writer for the .gnu.version_r section.</summary>
    public static class ElfVersionNeedPatcher
    {
        const uint ShtGnuVerneed = 0x6ffffffe;
        const ushort VerFlgWeak = 0x2;

        /// <summary>Returns the vna_flags of the Vernaux entry named <paramref name="version"/>, or null.</summary>
        public static ushort? ReadFlags(byte[] elf, string version)
        {
            long at = FindVernaux(elf, version);
            return at < 0 ? (ushort?)null : BitConverter.ToUInt16(elf, (int)at + 4);
        }

        /// <summary>Sets VER_FLG_WEAK on the Vernaux entry named <paramref name="version"/> of the file.</summary>
        /// <remarks>Writes through a temporary file and a rename, so a hard link to another copy
        /// (for example a package cache) is never modified, and a crash leaves the old file whole.</remarks>
        public static ElfPatchOutcome MarkWeak(string path, string version)
        {
            byte[] elf = File.ReadAllBytes(path);
            long at = FindVernaux(elf, version);
            if (at < 0) return ElfPatchOutcome.NotFound;
            ushort flags = BitConverter.ToUInt16(elf, (int)at + 4);
            if ((flags & VerFlgWeak) != 0) return ElfPatchOutcome.AlreadyWeak;
            flags |= VerFlgWeak;
            elf[at + 4] = (byte)(flags & 0xff);
            elf[at + 5] = (byte)(flags >> 8);
            string tmp = path + ".weakpatch.tmp";
            File.WriteAllBytes(tmp, elf);
            // rename over the original (a new inode): other hard links keep the old bytes
            File.Replace(tmp, path, null);
            return ElfPatchOutcome.Patched;
        }

        /// <summary>True when the library file defines the symbol version (searches its version strings).</summary>
        public static bool DefinesVersion(string libraryPath, string version)
        {
            byte[] bytes = File.ReadAllBytes(libraryPath);
            byte[] needle = Encoding.ASCII.GetBytes(version + "\0");
            // A version string preceded by a NUL is a whole entry of a string table.
            for (int i = 1; i + needle.Length <= bytes.Length; i++)
            {
                if (bytes[i] != needle[0] || bytes[i - 1] != 0) continue;
                int j = 1;
                while (j < needle.Length && bytes[i + j] == needle[j]) j++;
                if (j == needle.Length) return true;
            }
            return false;
        }

        /// <summary>The system libstdc++ the dynamic loader would pick, or null when none is found.</summary>
        public static string? FindSystemLibStdCxx()
        {
            string[] candidates =
            {
                "/usr/lib/x86_64-linux-gnu/libstdc++.so.6", "/lib/x86_64-linux-gnu/libstdc++.so.6",
                "/usr/lib/aarch64-linux-gnu/libstdc++.so.6", "/usr/lib64/libstdc++.so.6",
                "/lib64/libstdc++.so.6", "/usr/lib/libstdc++.so.6",
            };
            foreach (var c in candidates) if (File.Exists(c)) return c;
            return null;
        }

        static long FindVernaux(byte[] e, string version)
        {
            if (e.Length < 64 || e[0] != 0x7f || e[1] != (byte)'E' || e[2] != (byte)'L' || e[3] != (byte)'F')
                throw new InvalidDataException("not an ELF file");
            if (e[4] != 2 || e[5] != 1)
                throw new InvalidDataException("only 64-bit little-endian ELF files are supported");
            long shoff = (long)BitConverter.ToUInt64(e, 0x28);
            int shentsize = BitConverter.ToUInt16(e, 0x3A);
            int shnum = BitConverter.ToUInt16(e, 0x3C);
            if (shoff <= 0 || shentsize < 64 || shoff + (long)shnum * shentsize > e.Length)
                throw new InvalidDataException("section header table lies outside the file");
            for (int s = 0; s < shnum; s++)
            {
                long sh = shoff + (long)s * shentsize;
                uint type = BitConverter.ToUInt32(e, (int)sh + 4);
                if (type != ShtGnuVerneed) continue;
                long off = (long)BitConverter.ToUInt64(e, (int)sh + 0x18);
                long size = (long)BitConverter.ToUInt64(e, (int)sh + 0x20);
                int link = (int)BitConverter.ToUInt32(e, (int)sh + 0x28);
                int count = (int)BitConverter.ToUInt32(e, (int)sh + 0x2C);
                if (link >= shnum || off + size > e.Length)
                    throw new InvalidDataException(".gnu.version_r lies outside the file");
                long strsh = shoff + (long)link * shentsize;
                long stroff = (long)BitConverter.ToUInt64(e, (int)strsh + 0x18);
                long strsize = (long)BitConverter.ToUInt64(e, (int)strsh + 0x20);
                long vn = off;
                for (int n = 0; n < count; n++)
                {
                    if (vn + 16 > off + size) throw new InvalidDataException("truncated Verneed entry");
                    int cnt = BitConverter.ToUInt16(e, (int)vn + 2);
                    long aux = vn + BitConverter.ToUInt32(e, (int)vn + 8);
                    for (int a = 0; a < cnt; a++)
                    {
                        if (aux + 16 > off + size) throw new InvalidDataException("truncated Vernaux entry");
                        uint name = BitConverter.ToUInt32(e, (int)aux + 8);
                        if (name < strsize && CStringEquals(e, stroff + name, version)) return aux;
                        uint next = BitConverter.ToUInt32(e, (int)aux + 12);
                        if (next == 0) break;
                        aux += next;
                    }
                    uint vnext = BitConverter.ToUInt32(e, (int)vn + 12);
                    if (vnext == 0) break;
                    vn += vnext;
                }
            }
            return -1;
        }

        static bool CStringEquals(byte[] e, long at, string s)
        {
            if (at + s.Length >= e.Length) return false;
            for (int i = 0; i < s.Length; i++) if (e[at + i] != (byte)s[i]) return false;
            return e[at + s.Length] == 0;
        }
    }

#if !NEURALSPIN_TESTS
    /// <summary>MSBuild task: weakens a version need in the given output copies when the system lacks it.</summary>
    public class WeakenElfVersionNeed : Microsoft.Build.Utilities.Task
    {
        [Microsoft.Build.Framework.Required]
        public Microsoft.Build.Framework.ITaskItem[] Files { get; set; } = Array.Empty<Microsoft.Build.Framework.ITaskItem>();

        [Microsoft.Build.Framework.Required]
        public string Version { get; set; } = "";

        /// <summary>Directory that must never be modified (the NuGet package cache).</summary>
        public string ProtectedRoot { get; set; } = "";

        public override bool Execute()
        {
            if (!RuntimeInformation.IsOSPlatform(OSPlatform.Linux)) return true;
            string? lib = ElfVersionNeedPatcher.FindSystemLibStdCxx();
            if (lib != null && ElfVersionNeedPatcher.DefinesVersion(lib, Version))
            {
                Log.LogMessage(Microsoft.Build.Framework.MessageImportance.Low,
                    $"{lib} defines {Version}; no patch needed");
                return true;
            }
            foreach (var item in Files)
            {
                string path = Path.GetFullPath(item.ItemSpec);
                if (ProtectedRoot.Length > 0 && path.StartsWith(Path.GetFullPath(ProtectedRoot), StringComparison.Ordinal))
                {
                    Log.LogWarning($"refusing to patch {path}: it lies in the package cache");
                    continue;
                }
                var outcome = ElfVersionNeedPatcher.MarkWeak(path, Version);
                Log.LogMessage(Microsoft.Build.Framework.MessageImportance.Normal,
                    $"{path}: {Version} {outcome}");
            }
            return true;
        }
    }
#endif
}
