using NeuralSpin.Numerics;
using System.Diagnostics;
using NeuralSpin.IO;
using NUnit.Framework;

namespace NeuralSpin.Tests.Fuzzing;

/// <summary>A seed file of a format: its bytes and the extension it is written with.</summary>
public sealed record FuzzSeed(byte[] Bytes, string Extension);

/// <summary>
/// One fuzzed format: valid seed files (written by the project's own writers), how a case is mutated, where the
/// mutated bytes go (a file, or a file inside a run directory) and how they are read. <see cref="Read"/> returns
/// normally when the input was accepted and must then check that what it read is sound (it throws
/// <see cref="FuzzPropertyException"/> otherwise).
/// </summary>
public sealed record FuzzFormat(
    string Name,
    IReadOnlyList<FuzzSeed> Seeds,
    Func<byte[], Random, byte[]> Mutate,
    Action<string> Read)
{
    /// <summary>Writes the case's bytes under <c>caseDir</c>; returns what <see cref="Read"/> takes and the mutated file. Default: one file.</summary>
    public Func<string, byte[], FuzzSeed, (string Target, string File)> Place { get; init; } =
        (dir, bytes, seed) => { string f = Path.Combine(dir, "input" + seed.Extension); File.WriteAllBytes(f, bytes); return (f, f); };

    /// <summary>Other exceptions that are this format's documented bad input (e.g. the trajectory's RunDirectoryException), given the target and the file.</summary>
    public Func<Exception, string, string, bool>? AlsoAccepted { get; init; }
}

/// <summary>A read that succeeded returned something unsound (non-finite values, a shape that does not match the data).</summary>
public sealed class FuzzPropertyException(string message) : Exception(message);

/// <summary>What a fuzz run did: cases, how many inputs were accepted or refused, time, and the violations found.</summary>
public sealed record FuzzReport(string Format, int Cases, int Accepted, int Refused, double Seconds, long MaxAllocated, IReadOnlyList<string> Violations)
{
    /// <summary>The largest growth of the process's resident peak over one case, in bytes (-1 where it cannot be measured).</summary>
    public long MaxResidentGrowth { get; init; } = -1;
}

/// <summary>
/// Runs the mutated cases of a format and checks the property: the read either succeeds with a sound result or
/// throws the format's <see cref="InputFileException"/> subclass naming the file (one paragraph); never another
/// exception type, never past <see cref="CaseTimeout"/>, never allocating more than <see cref="AllocationBound"/>
/// (managed bytes allocated by the reading thread), and never growing the process's resident peak
/// (<see cref="ResidentMemory"/>, where Linux lets it be measured) by more than that bound in two measurements of the case
/// (the peak is the process's, which other threads can raise; a second measurement after a full collection separates them).
/// Every case is reproducible from (format, seed, index); violating inputs are saved under
/// <c>fuzz-failures/</c> in the test's work directory.
/// </summary>
public static class FuzzHarness
{
    /// <summary>Per-case time limit.</summary>
    public static readonly TimeSpan CaseTimeout = TimeSpan.FromSeconds(10);

    /// <summary>Allocation bound of one read: 32 MiB plus 256 bytes per input byte (decoding F16 to double is 4x).</summary>
    public static long AllocationBound(long inputLength) => (32L << 20) + 256 * inputLength;

    /// <summary>The case generator: deterministic for (seed, index).</summary>
    public static Random CaseRandom(int seed, int index) => new(unchecked(seed * 1_000_003 + index * 7919 + 17));

    public static FuzzReport Run(FuzzFormat format, int cases, int seed)
    {
        string root = Path.Combine(Path.GetTempPath(), $"neuralspin-fuzz-{format.Name}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(root);
        var violations = new List<string>();
        int accepted = 0, refused = 0;
        long maxAlloc = 0, maxResident = ResidentMemory.Available ? 0 : -1;
        var total = Stopwatch.StartNew();
        try
        {
            for (int i = 0; i < cases; i++)
            {
                var rng = CaseRandom(seed, i);
                var s = format.Seeds[rng.Next(format.Seeds.Count)];
                byte[] bytes = format.Mutate(s.Bytes, rng);
                string caseDir = Path.Combine(root, $"case-{i}");
                Directory.CreateDirectory(caseDir);
                var (target, file) = format.Place(caseDir, bytes, s);

                Exception? error = null;
                long allocated = 0, resident = -1;
                void Measured()
                {
                    long rssBefore = ResidentMemory.Available ? ResidentMemory.ResetPeak() : 0;
                    long before = GC.GetAllocatedBytesForCurrentThread();
                    error = null;
                    try { format.Read(target); }
                    catch (Exception e) { error = e; }
                    allocated = GC.GetAllocatedBytesForCurrentThread() - before;
                    if (ResidentMemory.Available) resident = Math.Max(0, ResidentMemory.Peak() - rssBefore);
                }
                var task = Task.Run(Measured);
                string? problem = null;
                long bound = AllocationBound(bytes.Length);
                if (task.Wait(CaseTimeout) && resident > bound)
                {
                    // the resident peak is the whole process's: another thread of the test process (the collector growing
                    // its heap, a finalizer, another fixture's native pool) can raise it during a case. An input that
                    // makes the reader grow it grows it again; so the case is measured once more after a full
                    // collection and the smaller growth counts (the managed allocation is the reading thread's alone).
                    long first = resident;
                    GC.Collect();
                    GC.WaitForPendingFinalizers();
                    task = Task.Run(Measured);
                    if (task.Wait(CaseTimeout)) resident = Math.Min(first, resident);
                }
                if (!task.IsCompleted)
                    problem = $"no answer within {CaseTimeout.TotalSeconds} s";
                else
                {
                    maxAlloc = Math.Max(maxAlloc, allocated);
                    maxResident = Math.Max(maxResident, resident);
                    if (resident > bound)
                        problem = $"the resident peak grew by {resident:N0} bytes for a {bytes.Length}-byte input (bound {bound:N0})";
                    else if (allocated > bound)
                        problem = $"allocated {allocated:N0} bytes for a {bytes.Length}-byte input (bound {bound:N0})";
                    else if (error is null) accepted++;
                    else if (IsProperRefusal(error, target, file, format)) refused++;
                    else problem = $"{error.GetType().Name}: {error.Message}";
                }
                if (problem != null)
                {
                    string saved = Save(format.Name, seed, i, s.Extension, bytes);
                    violations.Add($"{format.Name} seed {seed} case {i} (saved as {saved}): {problem}");
                    if (violations.Count >= 20) break;
                }
                if (task.IsCompleted) TryDelete(caseDir);
            }
        }
        finally
        {
            TryDelete(root);
        }
        return new FuzzReport(format.Name, cases, accepted, refused, total.Elapsed.TotalSeconds, maxAlloc, violations) { MaxResidentGrowth = maxResident };
    }

    static bool IsProperRefusal(Exception e, string target, string file, FuzzFormat format)
    {
        if (e is InputFileException f)
            return (f.Path == file || f.Path == target) && f.Message.Contains(f.Path, StringComparison.Ordinal)
                   && !f.Message.Contains('\n') && e.GetType() != typeof(InputFileException);
        return format.AlsoAccepted?.Invoke(e, target, file) ?? false;
    }

    static string Save(string format, int seed, int index, string ext, byte[] bytes)
    {
        string dir = Path.Combine(TestContext.CurrentContext.WorkDirectory, "fuzz-failures");
        Directory.CreateDirectory(dir);
        string p = Path.Combine(dir, $"{format}-s{seed}-c{index}{ext}");
        File.WriteAllBytes(p, bytes);
        return p;
    }

    static void TryDelete(string dir)
    {
        try { if (Directory.Exists(dir)) Directory.Delete(dir, true); }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }

    /// <summary>Prints the report and fails on any violation.</summary>
    public static void Check(FuzzReport r)
    {
        TestContext.Out.WriteLine($"fuzz {r.Format}: {r.Cases} cases in {r.Seconds:F2} s ({r.Cases / Math.Max(r.Seconds, 1e-9):F0}/s): {r.Accepted} accepted, {r.Refused} refused, max allocation {r.MaxAllocated:N0} bytes, max resident growth {(r.MaxResidentGrowth < 0 ? "not measured" : r.MaxResidentGrowth.ToString("N0"))} bytes, {r.Violations.Count} violations");
        foreach (var v in r.Violations) TestContext.Out.WriteLine("  " + v);
        Assert.That(r.Violations, Is.Empty, $"{r.Format}: {r.Violations.Count} property violations (first: {r.Violations.FirstOrDefault()})");
    }

    // ------------------------------------------------------------------ soundness checks of accepted reads

    public static void Sound(NamedTensor t, bool finite)
    {
        long product = 1;
        foreach (var d in t.Shape)
        {
            if (d < 0) throw new FuzzPropertyException($"tensor '{t.Name}' has negative dimension {d}");
            product = checked(product * d);
        }
        if (product != t.Data.LongLength) throw new FuzzPropertyException($"tensor '{t.Name}' of shape {t.ShapeText} holds {t.Data.LongLength} values");
        if (finite && !t.Data.All(double.IsFinite)) throw new FuzzPropertyException($"tensor '{t.Name}' holds a non-finite value");
    }

    public static void Sound(LoadedWeights w)
    {
        if (w.Layers.Count == 0) throw new FuzzPropertyException("no layers");
        foreach (var l in w.Layers) { Sound(l, finite: true); if (l.Rank != 2) throw new FuzzPropertyException($"layer '{l.Name}' is not 2-D"); }
        for (int k = 1; k < w.Layers.Count; k++)
            if (w.Layers[k].Shape[1] != w.Layers[k - 1].Shape[0]) throw new FuzzPropertyException("broken chain accepted");
    }
}
