using System.Globalization;

namespace NeuralSpin.Training;

/// <summary>
/// A training run diverged: its loss, or one of its weights, became NaN or infinite. Training stops
/// before the non-finite values reach a checkpoint or the resume state, so the run directory keeps only
/// finite weights. The message names the run, the step and epoch, and suggests a lower learning rate.
/// Front ends report it as bad input (the options chosen cannot be trained).
/// </summary>
public sealed class TrainingDivergedException : InvalidOperationException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="runDirectory">The run directory.</param>
    /// <param name="step">The optimizer step at which the non-finite value appeared (1-based).</param>
    /// <param name="epoch">That step in epochs.</param>
    /// <param name="learningRate">The run's learning rate.</param>
    /// <param name="what">What was found, e.g. "the loss is NaN".</param>
    public TrainingDivergedException(string runDirectory, long step, double epoch, double learningRate, string what)
        : base(string.Create(CultureInfo.InvariantCulture,
            $"training run '{runDirectory}' diverged at step {step} (epoch {epoch:0.####}): {what}. Nothing of that step was saved; the checkpoints and the resume state hold finite weights. Start a new run with a lower learning rate (--lr, now {learningRate:G3}; try {learningRate / 4:G3}) or a gentler training convention"))
    {
        RunDirectory = runDirectory;
        Step = step;
        Epoch = epoch;
    }

    /// <summary>The run directory.</summary>
    public string RunDirectory { get; }

    /// <summary>The step at which training stopped.</summary>
    public long Step { get; }

    /// <summary>That step in epochs.</summary>
    public double Epoch { get; }
}
