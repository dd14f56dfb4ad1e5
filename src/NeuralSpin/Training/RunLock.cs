namespace NeuralSpin.Training;

/// <summary>
/// An exclusive, advisory lock on a run directory (<c>RUN_DIR.lock</c> beside it), so that several processes
/// (workers of one study, or jobs of a batch system sharing a folder) can take runs from one list without two of
/// them training the same run. The lock is the operating system's lock on the open file: it is released when the
/// holder disposes it or its process dies, so a killed worker never leaves a run blocked.
/// </summary>
public sealed class RunLock : IDisposable
{
    readonly FileStream _stream;

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
        try
        {
            // FileShare.None takes an exclusive lock on the open file (flock on Unix); a second opener fails at once.
            var fs = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            return new RunLock(fs, path);
        }
        catch (IOException)
        {
            return null;
        }
    }

    /// <summary>Releases the lock (the empty lock file stays; it means nothing without an open handle).</summary>
    public void Dispose() => _stream.Dispose();
}
