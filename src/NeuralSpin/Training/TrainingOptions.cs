namespace NeuralSpin.Training;

/// <summary>
/// Configuration of a training run; defaults are those of P1 Table 1 (docs/theory.md section 9) except
/// the learning rate and epochs, which the caller chooses (the paper used 1e-4 with 500 / 60 epochs
/// for binarized / standard, and 1e-6 with 960 epochs).
/// </summary>
public sealed record TrainingOptions
{
    /// <summary>Which network and activation (P1 sec. 3.1).</summary>
    public TrainingProgram Program { get; init; } = TrainingProgram.Binarized;
    /// <summary>Widths N_0..N_L; default 784-512-512-512-10.</summary>
    public IReadOnlyList<int> Widths { get; init; } = [784, 512, 512, 512, 10];
    /// <summary>Whether the linear layers have biases (default no; biases are not part of H, docs/theory.md section 1).</summary>
    public bool Bias { get; init; }
    /// <summary>SGD learning rate.</summary>
    public double LearningRate { get; init; } = 1e-4;
    /// <summary>SGD momentum (Table 1: 0.9).</summary>
    public double Momentum { get; init; } = 0.9;
    /// <summary>Mini-batch size (Table 1: 32). The last batch of an epoch is smaller when it does not divide the training set.</summary>
    public int BatchSize { get; init; } = 32;
    /// <summary>Number of epochs.</summary>
    public int Epochs { get; init; } = 1;
    /// <summary>
    /// The loss reduction, division by the number of classes, margin and input preprocessing
    /// (<see cref="TrainingConvention"/>; default <see cref="TrainingConvention.Default"/>). The trainer
    /// applies the loss part; the input preprocessing is recorded (the data passed in must already be
    /// preprocessed that way, as <c>train</c> and <c>reproduce paper1</c> do).
    /// </summary>
    public TrainingConvention Convention { get; init; } = TrainingConvention.Default;
    /// <summary>Seed of the weight initialisation and the data order.</summary>
    public long Seed { get; init; }
    /// <summary>libtorch intra-op threads for the run (null: leave the process setting alone). Use 1 for bitwise reproducibility.</summary>
    public int? Threads { get; init; }
    /// <summary>Checkpoint schedule (see <see cref="CheckpointSchedule"/>).</summary>
    public string Schedule { get; init; } = "default";
    /// <summary>safetensors dtype of the checkpoint weights: F32 (exact for the float32 training) or F64.</summary>
    public string CheckpointDType { get; init; } = "F32";
    /// <summary>Batch size of the validation pass.</summary>
    public int EvaluationBatchSize { get; init; } = 1000;
    /// <summary>Progress is reported every this many steps (and at every checkpoint).</summary>
    public int ProgressInterval { get; init; } = 25;

    /// <summary>Throws <see cref="ArgumentException"/> naming the first invalid option.</summary>
    public void Validate()
    {
        Mlp.CheckWidths(Widths);
        if (!Enum.IsDefined(Program)) throw new ArgumentException($"unknown program {Program}", nameof(Program));
        if (!(LearningRate > 0) || !double.IsFinite(LearningRate)) throw new ArgumentException($"learning rate must be positive and finite, got {LearningRate}", nameof(LearningRate));
        if (!(Momentum >= 0 && Momentum < 1)) throw new ArgumentException($"momentum must be in [0, 1), got {Momentum}", nameof(Momentum));
        if (BatchSize <= 0) throw new ArgumentException($"batch size must be positive, got {BatchSize}", nameof(BatchSize));
        if (Epochs < 0) throw new ArgumentException($"epochs must be non-negative, got {Epochs}", nameof(Epochs));
        ArgumentNullException.ThrowIfNull(Convention);
        Convention.Validate();
        if (Threads is <= 0) throw new ArgumentException($"threads must be positive, got {Threads}", nameof(Threads));
        if (CheckpointDType is not ("F32" or "F64")) throw new ArgumentException($"checkpoint dtype must be F32 or F64, got '{CheckpointDType}'", nameof(CheckpointDType));
        if (EvaluationBatchSize <= 0) throw new ArgumentException($"evaluation batch size must be positive, got {EvaluationBatchSize}", nameof(EvaluationBatchSize));
        if (ProgressInterval <= 0) throw new ArgumentException($"progress interval must be positive, got {ProgressInterval}", nameof(ProgressInterval));
        CheckpointSchedule.Parse(Schedule).Epochs(Epochs);
    }
}

/// <summary>A progress report of a running training (rendered by the CLI; the library prints nothing).</summary>
/// <param name="Step">Optimizer steps done.</param>
/// <param name="TotalSteps">Steps of the whole run.</param>
/// <param name="Epoch">Step / steps per epoch.</param>
/// <param name="TotalEpochs">Epochs of the whole run.</param>
/// <param name="TrainLoss">Mean training loss over the steps since the previous report (NaN before the first step).</param>
/// <param name="SamplesPerSecond">Training throughput since the previous report (optimizer steps only; NaN if unknown).</param>
/// <param name="Eta">Estimated time to the end at that throughput (null if unknown).</param>
/// <param name="ValidationError">Test-set error of the latest checkpoint, if any yet.</param>
public readonly record struct TrainingProgress(
    long Step, long TotalSteps, double Epoch, int TotalEpochs,
    double TrainLoss, double SamplesPerSecond, TimeSpan? Eta, double? ValidationError);

/// <summary>One checkpoint written by a run.</summary>
/// <param name="Path">The safetensors file.</param>
/// <param name="Step">Steps done when it was written.</param>
/// <param name="Epoch">Step / steps per epoch.</param>
/// <param name="ValidationError">Fraction of misclassified test samples (argmax of the scores).</param>
/// <param name="ValidationLoss">Mean hinge loss on the test set.</param>
/// <param name="TrainLoss">Mean training loss over the steps since the previous checkpoint (NaN at step 0).</param>
/// <param name="SamplesPerSecond">Training throughput since the previous checkpoint (NaN at step 0).</param>
public sealed record CheckpointInfo(string Path, long Step, double Epoch, double ValidationError, double ValidationLoss, double TrainLoss, double SamplesPerSecond);

/// <summary>What a call of <see cref="Trainer.Train"/> or <see cref="Trainer.Resume"/> did.</summary>
/// <param name="RunDirectory">The run directory.</param>
/// <param name="Step">Steps done at return.</param>
/// <param name="TotalSteps">Steps of the whole run.</param>
/// <param name="Completed">True when all epochs are done; false when stopped early by <c>stopAfterStep</c>.</param>
/// <param name="Checkpoints">Checkpoints written by this call.</param>
/// <param name="SamplesPerSecond">Training throughput of this call (optimizer steps only; NaN if no step was taken).</param>
public sealed record TrainingResult(string RunDirectory, long Step, long TotalSteps, bool Completed, IReadOnlyList<CheckpointInfo> Checkpoints, double SamplesPerSecond);
