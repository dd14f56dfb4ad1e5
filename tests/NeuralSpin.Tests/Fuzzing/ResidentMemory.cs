using System.Globalization;

namespace NeuralSpin.Tests.Fuzzing;

/// <summary>
/// The process's resident memory on Linux, from <c>/proc/self/status</c>: <c>VmRSS</c> now and the peak <c>VmHWM</c>,
/// which writing "5" to <c>/proc/self/clear_refs</c> resets to the current resident size (Linux 4.0 and later). It
/// measures what a read really holds in memory, where <see cref="GC.GetAllocatedBytesForCurrentThread"/> also counts
/// pages the managed heap reserved but never touched.
/// </summary>
public static class ResidentMemory
{
    /// <summary>Whether this process can reset and read its peak resident size.</summary>
    public static bool Available { get; } = Probe();

    /// <summary>Resets the peak to the current resident size and returns that size in bytes.</summary>
    public static long ResetPeak()
    {
        File.WriteAllText("/proc/self/clear_refs", "5");
        return Read("VmRSS:");
    }

    /// <summary>The peak resident size since the last <see cref="ResetPeak"/>, in bytes.</summary>
    public static long Peak() => Read("VmHWM:");

    /// <summary>
    /// The growth of the peak resident size while <paramref name="action"/> runs, in bytes (the process's, so other
    /// threads' work counts too: measure in a test that does not run in parallel with others).
    /// </summary>
    public static long PeakGrowth(Action action)
    {
        long before = ResetPeak();
        action();
        return Math.Max(0, Peak() - before);
    }

    static long Read(string key)
    {
        foreach (var line in File.ReadLines("/proc/self/status"))
            if (line.StartsWith(key, StringComparison.Ordinal))
                return long.Parse(line[key.Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture) * 1024;
        throw new InvalidOperationException($"/proc/self/status has no '{key}' line");
    }

    static bool Probe()
    {
        try
        {
            if (!OperatingSystem.IsLinux()) return false;
            ResetPeak();
            return Peak() > 0;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidOperationException or FormatException)
        {
            return false;
        }
    }
}
