using System.Collections.Concurrent;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;

namespace NeuralSpin.Training;

/// <summary>
/// An exclusive, advisory lock on a run directory (<c>RUN_DIR.lock</c> beside it), so that several processes
/// (workers of one study, or jobs of a batch system sharing a folder) can take runs from one list without two of
/// them training the same run. The lock is the operating system's lock on the open file: it is released when the
/// holder disposes it or its process dies, so a killed worker never leaves a run blocked. While held, the file
/// holds the holder's <c>pid=</c>, <c>started=</c> (UTC, ISO 8601) and <c>host=</c> lines (<see cref="ReadHolder"/>),
/// so that a refused trainer can name who has the run.
/// </summary>
/// <remarks>
/// On Linux .NET takes the lock with flock(2), which belongs to the open file, not to the process: a second
/// <see cref="TryAcquire"/> in the same process fails too. <see cref="Trainer"/> therefore asks
/// <see cref="IsHeldByThisProcess"/> first, so callers that take the lock and then train (the reproduction pipelines)
/// keep working.
/// </remarks>
public sealed class RunLock : IDisposable
{
    static readonly ConcurrentDictionary<string, int> HeldHere = new(StringComparer.Ordinal);

    readonly FileStream _stream;
    int _disposed;

    RunLock(FileStream stream, string path)
    {
        _stream = stream;
        Path = path;
    }

    /// <summary>The lock file.</summary>
    public string Path { get; }

    /// <summary>The lock file of a run directory: its path with <c>.lock</c> appended.</summary>
    public static string LockPath(string runDir) => System.IO.Path.TrimEndingDirectorySeparator(System.IO.Path.GetFullPath(runDir)) + ".lock";

    /// <summary>Takes the lock of <paramref name="runDir"/>, or returns null at once if another holder has it.</summary>
    public static RunLock? TryAcquire(string runDir)
    {
        string path = LockPath(runDir);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(path)!);
        FileStream fs;
        try
        {
            // FileShare.None takes an exclusive lock on the open file (flock on Unix); a second opener fails at once.
            fs = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException)
        {
            return null;
        }
        try
        {
            var text = string.Create(CultureInfo.InvariantCulture,
                $"pid={Environment.ProcessId}\nstarted={DateTime.UtcNow:O}\nhost={Environment.MachineName}\n");
            fs.SetLength(0);
            fs.Write(Encoding.UTF8.GetBytes(text));
            fs.Flush();
        }
        catch (IOException)
        {
            // the lock holds without its note (e.g. a full disk); ReadHolder then reports an unknown holder
        }
        HeldHere.AddOrUpdate(path, 1, (_, n) => n + 1);
        return new RunLock(fs, path);
    }

    /// <summary>Whether a <see cref="RunLock"/> of this process holds <paramref name="runDir"/> now.</summary>
    public static bool IsHeldByThisProcess(string runDir) => HeldHere.TryGetValue(LockPath(runDir), out int n) && n > 0;

    /// <summary>
    /// The note of the lock's holder (<c>pid=...</c>, <c>started=...</c>, <c>host=...</c> lines), or null when there
    /// is none or it cannot be read. It is read without taking the lock (on Unix through open(2)/read(2), which
    /// flock does not block).
    /// </summary>
    public static string? ReadHolder(string runDir)
    {
        string path = LockPath(runDir);
        try
        {
            byte[] bytes;
            if (OperatingSystem.IsWindows())
                return null; // FileShare.None is mandatory there
            bytes = Posix.ReadSmallFile(path, 4096);
            var text = Encoding.UTF8.GetString(bytes).Trim();
            return text.Length == 0 ? null : text;
        }
        catch (Exception e) when (e is IOException or DllNotFoundException or EntryPointNotFoundException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>The holder's note as one clause, e.g. "process 1234 on host x, started 2026-...Z"; "another process" if unknown.</summary>
    public static string DescribeHolder(string? note)
    {
        if (note is null) return "another process (it left no note of its id)";
        var fields = note.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(l => l.Split('=', 2)).Where(kv => kv.Length == 2).ToDictionary(kv => kv[0], kv => kv[1], StringComparer.Ordinal);
        string pid = fields.GetValueOrDefault("pid", "?"), started = fields.GetValueOrDefault("started", "?"), host = fields.GetValueOrDefault("host", "?");
        return $"process {pid} on host {host}, started {started}";
    }

    /// <summary>Releases the lock (the lock file stays; its note means nothing without an open handle).</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        HeldHere.AddOrUpdate(Path, 0, (_, n) => Math.Max(0, n - 1));
        _stream.Dispose();
    }

    static class Posix
    {
        [DllImport("libc", SetLastError = true, EntryPoint = "open")]
        static extern int Open([MarshalAs(UnmanagedType.LPUTF8Str)] string path, int flags);

        [DllImport("libc", SetLastError = true, EntryPoint = "read")]
        static extern nint Read(int fd, byte[] buffer, nint count);

        [DllImport("libc", EntryPoint = "close")]
        static extern int Close(int fd);

        public static byte[] ReadSmallFile(string path, int max)
        {
            int fd = Open(path, 0 /* O_RDONLY */);
            if (fd < 0) throw new IOException($"open '{path}' failed (errno {Marshal.GetLastPInvokeError()})");
            try
            {
                var buf = new byte[max];
                int total = 0;
                while (total < max)
                {
                    var chunk = new byte[max - total];
                    nint n = Read(fd, chunk, chunk.Length);
                    if (n < 0) throw new IOException($"read '{path}' failed (errno {Marshal.GetLastPInvokeError()})");
                    if (n == 0) break;
                    Array.Copy(chunk, 0, buf, total, (int)n);
                    total += (int)n;
                }
                return buf[..total];
            }
            finally { Close(fd); }
        }
    }
}

/// <summary>
/// A run directory is being trained by another holder of its <see cref="RunLock"/>. The message names the run, the
/// holder (process id, host, start time) and the lock file, and says what to do. Front ends report it as bad input.
/// </summary>
public sealed class RunLockedException : InvalidOperationException
{
    /// <summary>Creates the exception for <paramref name="runDir"/>, whose lock's note is <paramref name="holderNote"/>.</summary>
    public RunLockedException(string runDir, string? holderNote)
        : base($"run directory '{runDir}' is being trained by {RunLock.DescribeHolder(holderNote)} (lock file '{RunLock.LockPath(runDir)}'). Two trainers on one directory would overwrite each other's files; wait for that one to finish (then continue with --resume if it was stopped) or stop it, or give this run another directory")
    {
        RunDirectory = runDir;
        HolderNote = holderNote;
    }

    /// <summary>The run directory.</summary>
    public string RunDirectory { get; }

    /// <summary>The holder's note from the lock file, if any.</summary>
    public string? HolderNote { get; }
}
