namespace NeuralSpin.Trajectory;

/// <summary>
/// One checkpoint of a training run: a safetensors file <c>RUN_DIR/checkpoints/*.safetensors</c> with
/// weights <c>layers.{k}.weight</c> (PyTorch (out, in)) and string metadata (<c>__metadata__</c>):
/// <c>epoch</c> (training time t in epochs, fractional allowed), <c>step</c> (optimizer steps),
/// optionally <c>val_error</c>, and whatever else the trainer wrote (<c>lr</c>, <c>seed</c>, <c>program</c>,
/// <c>widths</c>, <c>train_loss</c>, <c>samples_per_second</c>, ...).
/// </summary>
/// <param name="Path">The checkpoint file.</param>
/// <param name="Epoch">Training time t in epochs (0 for the untrained network).</param>
/// <param name="Step">Optimizer steps taken (0 for the untrained network).</param>
/// <param name="ValError">Validation error rate, if recorded.</param>
/// <param name="Metadata">The full string metadata of the file.</param>
public sealed record Checkpoint(string Path, double Epoch, long Step, double? ValError, IReadOnlyDictionary<string, string> Metadata)
{
    /// <summary>True for the untrained network (step 0).</summary>
    public bool IsInitial => Step == 0;
}

/// <summary>
/// A checkpoint that <see cref="TrajectoryOptions.SkipBad"/> left out of a trajectory, and why.
/// </summary>
/// <param name="Path">The checkpoint file.</param>
/// <param name="Reason">What is wrong with it, e.g. "tensor 'layers.1.weight' holds 37 non-finite values, the first a NaN at flat index 3 (row 0, column 3)".</param>
public sealed record SkippedCheckpoint(string Path, string Reason);

/// <summary>
/// A run directory cannot be used: it is missing, holds no checkpoints, lacks the t = 0 checkpoint, or
/// its checkpoints' metadata are inconsistent. The message is one paragraph saying what is wrong and
/// what to do.
/// </summary>
public sealed class RunDirectoryException(string message, Exception? inner = null) : Exception(message, inner);
