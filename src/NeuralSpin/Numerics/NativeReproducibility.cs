using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace NeuralSpin.Numerics;

/// <summary>
/// Bitwise reproducible dense linear algebra. libtorch's CPU kernels (products, Cholesky factorisations, triangular
/// solves, symmetric eigenvalues) run on Intel MKL, whose default code paths may block a computation differently (and so
/// round it differently) for the same matrix depending on where its operands lie in memory. The last digits of a result
/// then depend on what the process allocated before: the same network analysed first in a process and after other work
/// can differ by a few units in the last place, and a quantity read near a flat curve minimum by far more (a sharded
/// trajectory then no longer merges byte for byte into the one-process file). MKL's conditional numerical
/// reproducibility mode (CNR: the variable <c>MKL_CBWR</c>, read by MKL when it initialises, before its first call)
/// removes that dependence: with <c>MKL_CBWR=AUTO</c> the same inputs give the same bits on a given machine and thread
/// count whatever the process did before. Setting it costs nothing measurable here (REPRODUCE.md, "Speed").
/// <para>
/// The variable is put into the process's native environment when this library is loaded, before any libtorch call
/// of the library can initialise MKL; a value already set by the user (another branch, or <c>STRICT</c>) is kept.
/// Results remain tied to the thread count (<see cref="TorchLinalg.Configure"/>; one thread by default) and to the
/// processor's instruction set, as MKL documents.
/// </para>
/// </summary>
public static class NativeReproducibility
{
    /// <summary>The environment variable of MKL's reproducibility mode.</summary>
    public const string Variable = "MKL_CBWR";

    /// <summary>The mode set when the user has set none: the best code path of this processor, reproducibly.</summary>
    public const string DefaultMode = "AUTO";

    /// <summary>
    /// The value of <see cref="Variable"/> in the native environment after this library was loaded: <see cref="DefaultMode"/>
    /// unless the user set another, null where the library could not set it (a platform other than Linux or macOS).
    /// </summary>
    public static string? Mode { get; private set; }

    /// <summary>Sets <see cref="Variable"/> in the native environment unless it is set (runs when the library is loaded).</summary>
#pragma warning disable CA2255 // a module initializer is the one place that runs before every use of libtorch in the library
    [ModuleInitializer]
#pragma warning restore CA2255
    internal static void Initialize()
    {
        if (!OperatingSystem.IsLinux() && !OperatingSystem.IsMacOS()) return;
        string? current = Marshal.PtrToStringUTF8(GetEnv(Variable));
        if (string.IsNullOrEmpty(current))
        {
            // overwrite = 0: a concurrent setter wins; the managed copy too, for child processes started from .NET
            if (SetEnv(Variable, DefaultMode, 0) != 0) return;
            Environment.SetEnvironmentVariable(Variable, DefaultMode);
            current = Marshal.PtrToStringUTF8(GetEnv(Variable));
        }
        Mode = current;
    }

    [DllImport("libc", EntryPoint = "setenv")]
    static extern int SetEnv([MarshalAs(UnmanagedType.LPUTF8Str)] string name, [MarshalAs(UnmanagedType.LPUTF8Str)] string value, int overwrite);

    [DllImport("libc", EntryPoint = "getenv")]
    static extern IntPtr GetEnv([MarshalAs(UnmanagedType.LPUTF8Str)] string name);
}
