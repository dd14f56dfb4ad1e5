using System.Security.Cryptography;

namespace NeuralSpin.Cli;

/// <summary>
/// The output files of one command, written together or not at all. Each file is first written under a
/// temporary name next to its destination (<c>NAME.tmp-XXXX.EXT</c>, so that writers that go by the extension
/// still see it); only when every file has been written are they moved into place. If a write fails, the
/// temporary files are removed and no destination is touched; if a move fails, the files already moved in are
/// removed again and the files they replaced are put back. Failures become <see cref="UsageException"/>s that
/// name the file and say that nothing was written. Disposing an uncommitted set removes its temporary files.
/// </summary>
public sealed class OutputSet : IDisposable
{
    sealed class Item(string path, Action<string>? write, string temp)
    {
        public string Path { get; } = path;
        public Action<string>? Write { get; } = write;
        public string Temp { get; } = temp;
        public bool Written { get; set; }
        public string? Backup { get; set; }
        public bool MovedIn { get; set; }
    }

    readonly List<Item> _items = [];
    readonly List<string> _createdDirs = [];
    bool _done;

    /// <summary>
    /// Test hook: called before each staging write (<c>"write"</c>) and each move into place (<c>"move"</c>) with
    /// the destination path; an exception it returns is thrown there, as a full disk or a failing rename would.
    /// </summary>
    internal static Func<string, string, Exception?>? FaultForTests;

    /// <summary>The destinations, in the order they were added.</summary>
    public IReadOnlyList<string> Paths => _items.Select(i => i.Path).ToList();

    /// <summary>Adds a file written at commit time by <paramref name="writeTo"/>, which gets the temporary path to write.</summary>
    public OutputSet Add(string path, Action<string> writeTo)
    {
        ArgumentNullException.ThrowIfNull(writeTo);
        _items.Add(new Item(path, writeTo, TempName(path)));
        return this;
    }

    /// <summary>Adds a text file (UTF-8 without a byte-order mark).</summary>
    public OutputSet AddText(string path, string text) => Add(path, t => File.WriteAllText(t, text, CliIO.Utf8));

    /// <summary>Adds a binary file.</summary>
    public OutputSet AddBytes(string path, byte[] bytes) => Add(path, t => File.WriteAllBytes(t, bytes));

    /// <summary>
    /// Reserves <paramref name="path"/> for content the caller writes itself before <see cref="Commit"/>: returns
    /// the temporary path to write (its directory is created).
    /// </summary>
    public string Stage(string path)
    {
        var item = new Item(path, null, TempName(path));
        _items.Add(item);
        Run(() => CreateDirectory(item.Path), item.Path);
        item.Written = true;
        return item.Temp;
    }

    /// <summary>Writes every file under its temporary name, then moves them all into place; returns the destinations.</summary>
    public IReadOnlyList<string> Commit()
    {
        if (_done) throw new InvalidOperationException("the output set was already committed");
        foreach (var item in _items.Where(i => i.Write != null))
        {
            Run(() =>
            {
                CreateDirectory(item.Path);
                if (FaultForTests?.Invoke("write", item.Path) is { } fault) throw fault;
                item.Write!(item.Temp);
                item.Written = true;
            }, item.Path);
        }
        foreach (var item in _items)
        {
            Run(() =>
            {
                if (File.Exists(item.Path))
                {
                    string backup = item.Path + ".bak-" + Random();
                    File.Move(item.Path, backup);
                    item.Backup = backup;
                }
                if (FaultForTests?.Invoke("move", item.Path) is { } fault) throw fault;
                File.Move(item.Temp, item.Path);
                item.MovedIn = true;
            }, item.Path);
        }
        foreach (var item in _items.Where(i => i.Backup != null)) TryDelete(item.Backup!);
        _done = true;
        return Paths;
    }

    /// <summary>Removes the temporary files of an uncommitted set.</summary>
    public void Dispose()
    {
        if (!_done) RollBack();
        _done = true;
    }

    void Run(Action action, string path)
    {
        try
        {
            action();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or NotSupportedException)
        {
            RollBack();
            _done = true;
            string others = _items.Count > 1 ? " None of this command's output files were written (those already in place were removed again)." : " Nothing was written.";
            string why = e is DirectoryNotFoundException ? "its directory could not be created or was removed" : e.Message.TrimEnd('.');
            throw new UsageException($"could not write '{path}' ({why}).{others} Check that its directory can be written to and that the disk has room, then run the command again.", e);
        }
    }

    void RollBack()
    {
        foreach (var item in _items)
        {
            if (item.MovedIn) TryDelete(item.Path);
            if (item.Backup != null)
            {
                try { File.Move(item.Backup, item.Path, overwrite: true); }
                catch (IOException) { }
                catch (UnauthorizedAccessException) { }
            }
            TryDelete(item.Temp);
            foreach (var stray in Strays(item.Temp)) TryDelete(stray);
        }
        // directories this set created and left empty
        foreach (var dir in Enumerable.Reverse(_createdDirs))
        {
            try { if (Directory.Exists(dir) && !Directory.EnumerateFileSystemEntries(dir).Any()) Directory.Delete(dir); }
            catch (IOException) { }
            catch (UnauthorizedAccessException) { }
        }
    }

    // temporary files of writers that write atomically themselves (TEMP.tmp-XXXX)
    static IEnumerable<string> Strays(string temp)
    {
        string? dir = Path.GetDirectoryName(Path.GetFullPath(temp));
        if (dir == null || !Directory.Exists(dir)) return [];
        try { return Directory.GetFiles(dir, Path.GetFileName(temp) + ".tmp-*"); }
        catch (IOException) { return []; }
        catch (UnauthorizedAccessException) { return []; }
    }

    void CreateDirectory(string path)
    {
        string? dir = Path.GetDirectoryName(Path.GetFullPath(path));
        if (string.IsNullOrEmpty(dir) || Directory.Exists(dir)) return;
        var missing = new List<string>();
        for (string? d = dir; !string.IsNullOrEmpty(d) && !Directory.Exists(d); d = Path.GetDirectoryName(d)) missing.Insert(0, d);
        Directory.CreateDirectory(dir);
        _createdDirs.AddRange(missing.Where(d => !_createdDirs.Contains(d)));
    }

    static string TempName(string path) => path + ".tmp-" + Random() + Path.GetExtension(path);

    static string Random() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6));

    static void TryDelete(string path)
    {
        try { File.Delete(path); }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }
}
