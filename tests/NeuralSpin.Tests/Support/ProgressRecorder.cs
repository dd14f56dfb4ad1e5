namespace NeuralSpin.Tests.Support;

/// <summary>Records every value reported, in arrival order (thread-safe, synchronous: unlike <see cref="Progress{T}"/> it posts
/// nothing to a synchronisation context, so the reports are all there when the reporting call returns).</summary>
sealed class ProgressRecorder : IProgress<int>
{
    public readonly List<int> Reports = [];

    public void Report(int value) { lock (Reports) Reports.Add(value); }
}
