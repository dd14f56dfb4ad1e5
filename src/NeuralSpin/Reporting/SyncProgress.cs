namespace NeuralSpin.Reporting;

/// <summary>
/// An <see cref="IProgress{T}"/> that calls its action at once, on the reporting thread (System.Progress posts to
/// the thread pool, which reorders reports and races with the end of the work). One type for the library's
/// pipelines and the command line.
/// </summary>
public sealed class SyncProgress<T>(Action<T> report) : IProgress<T>
{
    /// <inheritdoc/>
    public void Report(T value) => report(value);
}
