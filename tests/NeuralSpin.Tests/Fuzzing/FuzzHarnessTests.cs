using System.Runtime.InteropServices;
using NUnit.Framework;

namespace NeuralSpin.Tests.Fuzzing;

/// <summary>
/// The fuzz harness's own property checks (<see cref="FuzzHarness"/>): a reader whose every read touches 96 MiB of native
/// memory (three times the 32 MiB bound) is reported as growing the resident peak, one that allocates that much managed
/// memory as over the allocation bound, and a growth that happens only once (another thread's work in the process, not
/// the input's) is not charged to the input by the second measurement.
/// </summary>
[TestFixture, NonParallelizable]
public sealed class FuzzHarnessTests
{
    const int Big = 96 << 20;

    static void TouchNative(int bytes)
    {
        IntPtr p = Marshal.AllocHGlobal(bytes);
        try
        {
            for (int off = 0; off < bytes; off += 4096) Marshal.WriteByte(p, off, 1);
        }
        finally { Marshal.FreeHGlobal(p); }
    }

    static FuzzFormat Format(string name, Action<string> read) =>
        new(name, [new FuzzSeed([1, 2, 3], ".bin")], (b, _) => b, read);

    [Test]
    public void ResidentGrowthOfEveryRead_IsAViolation()
    {
        Assume.That(ResidentMemory.Available, "the resident peak can be reset and read on this system");
        var r = FuzzHarness.Run(Format("native-hog", _ => TouchNative(Big)), 2, 1);
        Assert.That(r.Violations, Has.Count.EqualTo(2).And.All.Contain("the resident peak grew by"));
    }

    [Test]
    public void ManagedAllocationOverTheBound_IsAViolation()
    {
        var r = FuzzHarness.Run(Format("managed-hog", _ => GC.KeepAlive(new byte[Big])), 1, 1);
        Assert.That(r.Violations, Has.Count.EqualTo(1).And.All.Contain("allocated"));
    }

    [Test]
    public void ResidentGrowthOfOneMeasurementOnly_IsNotChargedToTheInput()
    {
        Assume.That(ResidentMemory.Available, "the resident peak can be reset and read on this system");
        int reads = 0;
        var r = FuzzHarness.Run(Format("transient", _ => { if (reads++ == 0) TouchNative(Big); }), 1, 1);
        Assert.That(reads, Is.EqualTo(2), "the case was measured a second time");
        Assert.That(r.Violations, Is.Empty);
        Assert.That(r.Accepted, Is.EqualTo(1));
    }
}
