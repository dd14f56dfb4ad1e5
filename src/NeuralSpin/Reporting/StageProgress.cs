namespace NeuralSpin.Reporting;

/// <summary>
/// Progress of a study made of stages run one after another: the stage's label, the units done and the units of the
/// stage. A study reports <c>Done = 0</c> when it enters a stage and <c>Done = Total</c> when it leaves it, so a
/// front end can open one bar (or one plain progress line) per stage.
/// </summary>
/// <param name="Stage">What the stage computes, in a few words (shown to the user).</param>
/// <param name="Done">Units finished in this stage.</param>
/// <param name="Total">Units of this stage (at least 1).</param>
public readonly record struct StageProgress(string Stage, int Done, int Total)
{
    /// <summary>
    /// Runs one stage: reports its start and end on <paramref name="progress"/> and hands <paramref name="work"/> an
    /// <see cref="IProgress{T}"/> of finished units that forwards to it.
    /// </summary>
    public static T Run<T>(IProgress<StageProgress>? progress, string stage, int total, Func<IProgress<int>?, T> work)
    {
        ArgumentNullException.ThrowIfNull(work);
        total = Math.Max(total, 1);
        progress?.Report(new StageProgress(stage, 0, total));
        var units = progress is null ? null : new SyncProgress<int>(d => progress.Report(new StageProgress(stage, Math.Min(d, total), total)));
        var result = work(units);
        progress?.Report(new StageProgress(stage, total, total));
        return result;
    }
}
