using System.Runtime.InteropServices;

namespace NeuralSpin.Numerics;

/// <summary>
/// A float64 array in native memory for the large dense matrices of an analysis (the N x N matrix of I - M, the chi
/// recurrence's blocks), freed on <see cref="Dispose"/>. From 2 MB on it is aligned to 2 MB and advised for transparent
/// huge pages (madvise MADV_HUGEPAGE, honoured where the system's setting is "madvise" or "always"): the first touch of
/// the N x N matrix of the 2330-spin example then takes 22 page faults instead of about 10,600, which on a virtual machine
/// cost more than writing the matrix (REPRODUCE.md, "Speed"). Where the advice is refused the buffer works the same with
/// ordinary pages. Uninitialised: every entry is written before it is read.
/// </summary>
internal sealed unsafe class LargePageBuffer : IDisposable
{
    const nuint HugePage = 2 << 20;
    const int MadvHugePage = 14;

    double* _p;
    readonly int _length;

    /// <exception cref="ArgumentOutOfRangeException"><paramref name="length"/> is negative or beyond a span's reach.</exception>
    public LargePageBuffer(long length)
    {
        if (length < 0 || length > int.MaxValue) throw new ArgumentOutOfRangeException(nameof(length), length, "a buffer of 0 to int.MaxValue entries");
        _length = (int)length;
        nuint bytes = (nuint)Math.Max(1, length) * sizeof(double);
        if (bytes >= HugePage)
        {
            nuint rounded = (bytes + HugePage - 1) / HugePage * HugePage;
            _p = (double*)NativeMemory.AlignedAlloc(rounded, HugePage);
            if (OperatingSystem.IsLinux()) _ = MAdvise((IntPtr)_p, rounded, MadvHugePage); // advice only: ignored if refused
        }
        else _p = (double*)NativeMemory.AlignedAlloc(bytes, 64);
    }

    /// <summary>The entries.</summary>
    public Span<double> Span
    {
        get
        {
            ObjectDisposedException.ThrowIf(_p == null, this);
            return new Span<double>(_p, _length);
        }
    }

    public void Dispose()
    {
        if (_p == null) return;
        NativeMemory.AlignedFree(_p);
        _p = null;
    }

    [DllImport("libc", EntryPoint = "madvise")]
    static extern int MAdvise(IntPtr address, nuint length, int advice);
}
