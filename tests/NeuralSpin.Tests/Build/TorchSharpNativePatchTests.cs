using NeuralSpin.Build;
using NUnit.Framework;
using TorchSharp;

namespace NeuralSpin.Tests.Build;

/// <summary>
/// The build step that marks libLibTorchSharp.so's GLIBCXX_3.4.32 need weak (Directory.Build.targets,
/// build/ElfVersionNeedPatcher.cs): it patches the output copy only when the system libstdc++ lacks
/// that version, is idempotent, changes exactly the two vna_flags bytes, and never touches the
/// package cache.
/// </summary>
[TestFixture, NonParallelizable]
public class TorchSharpNativePatchTests
{
    const string Version = "GLIBCXX_3.4.32";
    const ushort VerFlgWeak = 0x2;

    static string OutputCopy => Path.Combine(AppContext.BaseDirectory, "libLibTorchSharp.so");

    static string? CacheCopy()
    {
        string root = Environment.GetEnvironmentVariable("NUGET_PACKAGES")
                      ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        string p = Path.Combine(root, "torchsharp", "0.107.0", "runtimes", "linux-x64", "native", "libLibTorchSharp.so");
        return File.Exists(p) ? p : null;
    }

    static bool SystemHasVersion()
    {
        var lib = ElfVersionNeedPatcher.FindSystemLibStdCxx();
        return lib != null && ElfVersionNeedPatcher.DefinesVersion(lib, Version);
    }

    [Test]
    public void OutputCopy_IsWeak_WhenSystemLibStdCxxLacksTheVersion()
    {
        Assume.That(OperatingSystem.IsLinux(), "ELF patching applies to Linux only");
        Assert.That(File.Exists(OutputCopy), Is.True, $"expected the native library in the test output: {OutputCopy}");
        ushort? flags = ElfVersionNeedPatcher.ReadFlags(File.ReadAllBytes(OutputCopy), Version);
        Assert.That(flags, Is.Not.Null, "TorchSharp 0.107.0's library declares a GLIBCXX_3.4.32 need");
        if (!SystemHasVersion())
            Assert.That(flags!.Value & VerFlgWeak, Is.EqualTo(VerFlgWeak), "the build must weaken the need on this system");
    }

    [Test]
    public void PackageCacheCopy_IsNeverPatched()
    {
        var cache = CacheCopy();
        Assume.That(cache, Is.Not.Null, "TorchSharp package not in the default cache location");
        ushort? flags = ElfVersionNeedPatcher.ReadFlags(File.ReadAllBytes(cache!), Version);
        Assert.That(flags, Is.Not.Null);
        Assert.That(flags!.Value & VerFlgWeak, Is.Zero, "the NuGet cache copy must keep its original (strong) need");
    }

    [Test]
    public void MarkWeak_IsIdempotent_AndChangesOnlyTheFlagBytes()
    {
        var source = CacheCopy() ?? OutputCopy;
        Assume.That(File.Exists(source), Is.True);
        string dir = Directory.CreateTempSubdirectory("ns-elf-").FullName;
        try
        {
            string copy = Path.Combine(dir, "lib.so");
            File.Copy(source, copy);
            byte[] before = File.ReadAllBytes(copy);
            bool alreadyWeak = (ElfVersionNeedPatcher.ReadFlags(before, Version)!.Value & VerFlgWeak) != 0;
            var first = ElfVersionNeedPatcher.MarkWeak(copy, Version);
            Assert.That(first, Is.EqualTo(alreadyWeak ? ElfPatchOutcome.AlreadyWeak : ElfPatchOutcome.Patched));
            byte[] after = File.ReadAllBytes(copy);
            Assert.That(after.Length, Is.EqualTo(before.Length));
            int differing = Enumerable.Range(0, before.Length).Count(i => before[i] != after[i]);
            Assert.That(differing, Is.LessThanOrEqualTo(1), "only the low byte of vna_flags may change");
            Assert.That(ElfVersionNeedPatcher.ReadFlags(after, Version)!.Value & VerFlgWeak, Is.EqualTo(VerFlgWeak));
            Assert.That(ElfVersionNeedPatcher.MarkWeak(copy, Version), Is.EqualTo(ElfPatchOutcome.AlreadyWeak));
            Assert.That(File.ReadAllBytes(copy), Is.EqualTo(after), "a second run must not change the file");
            Assert.That(ElfVersionNeedPatcher.MarkWeak(copy, "GLIBCXX_9.9.99"), Is.EqualTo(ElfPatchOutcome.NotFound));
        }
        finally { Directory.Delete(dir, true); }
    }

    [Test]
    public void MarkWeak_LeavesOtherHardLinksUntouched()
    {
        var source = CacheCopy();
        Assume.That(source, Is.Not.Null);
        string dir = Directory.CreateTempSubdirectory("ns-elf-").FullName;
        try
        {
            string original = Path.Combine(dir, "original.so"), link = Path.Combine(dir, "link.so");
            File.Copy(source!, original);
            var ln = System.Diagnostics.Process.Start("ln", new[] { original, link });
            ln!.WaitForExit();
            Assume.That(ln.ExitCode, Is.Zero, "hard links not supported here");
            ElfVersionNeedPatcher.MarkWeak(link, Version);
            Assert.That(ElfVersionNeedPatcher.ReadFlags(File.ReadAllBytes(original), Version)!.Value & VerFlgWeak, Is.Zero,
                "patching writes a new file; the other hard link (e.g. a package cache) keeps the old bytes");
        }
        finally { Directory.Delete(dir, true); }
    }

    [Test]
    public void MalformedFiles_AreRejected()
    {
        Assert.Throws<InvalidDataException>(() => ElfVersionNeedPatcher.ReadFlags(new byte[10], Version));
        var notElf = new byte[128];
        notElf[0] = (byte)'M'; notElf[1] = (byte)'Z';
        Assert.Throws<InvalidDataException>(() => ElfVersionNeedPatcher.ReadFlags(notElf, Version));
        var elf32 = new byte[128];
        elf32[0] = 0x7f; elf32[1] = (byte)'E'; elf32[2] = (byte)'L'; elf32[3] = (byte)'F'; elf32[4] = 1; elf32[5] = 1;
        Assert.Throws<InvalidDataException>(() => ElfVersionNeedPatcher.ReadFlags(elf32, Version));
        var badTable = (byte[])elf32.Clone();
        badTable[4] = 2;
        BitConverter.GetBytes(100_000UL).CopyTo(badTable, 0x28); // section headers past the end
        BitConverter.GetBytes((ushort)64).CopyTo(badTable, 0x3A);
        BitConverter.GetBytes((ushort)3).CopyTo(badTable, 0x3C);
        Assert.Throws<InvalidDataException>(() => ElfVersionNeedPatcher.ReadFlags(badTable, Version));
    }

    [Test]
    public void DefinesVersion_FindsWholeStringTableEntriesOnly()
    {
        string f = Path.GetTempFileName();
        try
        {
            File.WriteAllBytes(f, "\0GLIBCXX_3.4.30\0GLIBCXX_3.4.321\0"u8.ToArray());
            Assert.That(ElfVersionNeedPatcher.DefinesVersion(f, "GLIBCXX_3.4.30"), Is.True);
            Assert.That(ElfVersionNeedPatcher.DefinesVersion(f, "GLIBCXX_3.4.32"), Is.False, "GLIBCXX_3.4.321 is not GLIBCXX_3.4.32");
            Assert.That(ElfVersionNeedPatcher.DefinesVersion(f, "3.4.30"), Is.False, "entries start after a NUL");
        }
        finally { File.Delete(f); }
    }

    [Test]
    public void Libtorch_Loads_AndComputes()
    {
        using var t = torch.arange(1, 5, torch.float64);
        Assert.That(t.sum().item<double>(), Is.EqualTo(10.0));
    }
}
