using System.Runtime.CompilerServices;

namespace NeuralSpin.Tests.Support;

/// <summary>
/// Loads the library's module first, so that its module initializer puts MKL's reproducibility mode into the environment
/// (src/NeuralSpin/Numerics/NativeReproducibility.cs) before any test can reach libtorch directly. Compiled into both test
/// assemblies (the property tests link this file).
/// </summary>
static class NativeReproducibilityInit
{
#pragma warning disable CA2255 // the test assembly's counterpart of the library's module initializer
    [ModuleInitializer]
#pragma warning restore CA2255
    internal static void Initialize() =>
        RuntimeHelpers.RunModuleConstructor(typeof(NeuralSpin.Numerics.NativeReproducibility).Module.ModuleHandle);
}
