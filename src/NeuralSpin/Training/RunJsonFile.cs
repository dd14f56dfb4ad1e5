using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.Json.Serialization;

namespace NeuralSpin.Training;

/// <summary>
/// <c>run.json</c> of a training run directory (<see cref="RunFiles"/>): the configuration, the data's size and SHA-256, the
/// steps, the numeric environment and the creation time. Written by the trainer, indented by two spaces with a final
/// newline; read back by <see cref="RunFiles.ReadRunJson"/>, which requires every key not marked optional here.
/// </summary>
/// <param name="Format">The layout tag, <see cref="RunFiles.RunFormat"/>.</param>
/// <param name="Options">The training options.</param>
/// <param name="Data">The training data's size and fingerprint.</param>
/// <param name="StepsPerEpoch">Optimizer steps per epoch.</param>
/// <param name="TotalSteps">Optimizer steps of the whole run.</param>
/// <param name="Environment">The numeric environment of the start (optional when read; not used to resume).</param>
/// <param name="CreatedUtc">When the run was started, ISO 8601 UTC (optional when read).</param>
public sealed record RunJsonFile(
    [property: JsonPropertyName("format")] string Format,
    [property: JsonPropertyName("options")] RunJsonOptions Options,
    [property: JsonPropertyName("data")] RunJsonData Data,
    [property: JsonPropertyName("steps_per_epoch")] int StepsPerEpoch,
    [property: JsonPropertyName("total_steps")] long TotalSteps,
    [property: JsonPropertyName("environment")] RunJsonEnvironment? Environment = null,
    [property: JsonPropertyName("created_utc")] string? CreatedUtc = null);

/// <summary>The training options in <see cref="RunJsonFile"/> (<see cref="TrainingOptions"/>), written in the order of
/// <see cref="JsonPropertyOrderAttribute"/> (the optional keys among the others).</summary>
/// <param name="Program">The training program's name (<see cref="TrainingPrograms.Parse"/>).</param>
/// <param name="Widths">Layer widths, input first.</param>
/// <param name="Bias">Whether the layers have biases.</param>
/// <param name="LearningRate">SGD learning rate.</param>
/// <param name="Momentum">SGD momentum.</param>
/// <param name="BatchSize">Minibatch size.</param>
/// <param name="Epochs">Epochs of the run.</param>
/// <param name="Margin">The hinge margin (also in <paramref name="Convention"/>; the only trace of the convention in a run.json
/// written before conventions were recorded).</param>
/// <param name="Seed">Seed of the initialisation and the data order.</param>
/// <param name="Threads">libtorch threads (null: the default).</param>
/// <param name="Schedule">Checkpoint schedule (<see cref="CheckpointSchedule"/>).</param>
/// <param name="CheckpointDType">Element type of the checkpoints.</param>
/// <param name="EvaluationBatchSize">Batch size of the evaluations.</param>
/// <param name="ProgressInterval">Steps between progress reports.</param>
/// <param name="Convention">The training convention; absent from a run.json written before conventions were recorded, which
/// was trained with MultiMarginLoss(p=2) (mean, /C) on globally standardized input.</param>
public sealed record RunJsonOptions(
    [property: JsonPropertyName("program"), JsonPropertyOrder(0)] string Program,
    [property: JsonPropertyName("widths"), JsonPropertyOrder(1)] IReadOnlyList<int> Widths,
    [property: JsonPropertyName("bias"), JsonPropertyOrder(2)] bool Bias,
    [property: JsonPropertyName("learning_rate"), JsonPropertyOrder(3)] double LearningRate,
    [property: JsonPropertyName("momentum"), JsonPropertyOrder(4)] double Momentum,
    [property: JsonPropertyName("batch_size"), JsonPropertyOrder(5)] int BatchSize,
    [property: JsonPropertyName("epochs"), JsonPropertyOrder(6)] int Epochs,
    [property: JsonPropertyName("margin"), JsonPropertyOrder(7)] double Margin,
    [property: JsonPropertyName("seed"), JsonPropertyOrder(9)] long Seed,
    [property: JsonPropertyName("schedule"), JsonPropertyOrder(11)] string Schedule,
    [property: JsonPropertyName("checkpoint_dtype"), JsonPropertyOrder(12)] string CheckpointDType,
    [property: JsonPropertyName("evaluation_batch_size"), JsonPropertyOrder(13)] int EvaluationBatchSize,
    [property: JsonPropertyName("progress_interval"), JsonPropertyOrder(14)] int ProgressInterval,
    [property: JsonPropertyName("convention"), JsonPropertyOrder(8)] RunJsonConvention? Convention = null,
    [property: JsonPropertyName("threads"), JsonPropertyOrder(10)] int? Threads = null)
{
    /// <summary>The record of <paramref name="o"/>.</summary>
    public static RunJsonOptions From(TrainingOptions o)
    {
        ArgumentNullException.ThrowIfNull(o);
        return new(o.Program.Name(), o.Widths, o.Bias, o.LearningRate, o.Momentum, o.BatchSize, o.Epochs, o.Convention.Margin, o.Seed, o.Schedule,
            o.CheckpointDType, o.EvaluationBatchSize, o.ProgressInterval, RunJsonConvention.From(o.Convention), o.Threads);
    }

    /// <summary>The training options recorded (not yet validated).</summary>
    /// <exception cref="FormatException">A name or token that is not one of the known ones.</exception>
    public TrainingOptions ToOptions() => new()
    {
        Program = TrainingPrograms.Parse(Program),
        Widths = Widths.ToArray(),
        Bias = Bias,
        LearningRate = LearningRate,
        Momentum = Momentum,
        BatchSize = BatchSize,
        Epochs = Epochs,
        Convention = Convention is { } c
            ? new TrainingConvention(TrainingConvention.ParseReduction(c.Reduction), c.DivideByClasses, c.Margin, TrainingConvention.ParseInput(c.Input))
            : new TrainingConvention(LossReduction.Mean, true, Margin, Data.MnistNormalization.Standardized),
        Seed = Seed,
        Threads = Threads,
        Schedule = Schedule,
        CheckpointDType = CheckpointDType,
        EvaluationBatchSize = EvaluationBatchSize,
        ProgressInterval = ProgressInterval,
    };
}

/// <summary>The training convention in <see cref="RunJsonOptions"/> (<see cref="TrainingConvention"/>); read back from
/// reduction, divide_by_classes, margin and input.</summary>
/// <param name="Id">Its identifier (<see cref="TrainingConvention.Id"/>).</param>
/// <param name="Reduction">"sum" or "mean".</param>
/// <param name="DivideByClasses">Whether the loss is divided by the number of classes.</param>
/// <param name="Margin">The hinge margin.</param>
/// <param name="Input">The input preprocessing token (<see cref="TrainingConvention.InputToken"/>).</param>
/// <param name="PyTorchLoss">The equivalent PyTorch loss (<see cref="TrainingConvention.PyTorchLoss"/>).</param>
public sealed record RunJsonConvention(
    [property: JsonPropertyName("id")] string? Id,
    [property: JsonPropertyName("reduction")] string Reduction,
    [property: JsonPropertyName("divide_by_classes")] bool DivideByClasses,
    [property: JsonPropertyName("margin")] double Margin,
    [property: JsonPropertyName("input")] string Input,
    [property: JsonPropertyName("pytorch_loss")] string? PyTorchLoss)
{
    /// <summary>The record of <paramref name="c"/>.</summary>
    public static RunJsonConvention From(TrainingConvention c)
    {
        ArgumentNullException.ThrowIfNull(c);
        return new(c.Id, c.Reduction == LossReduction.Sum ? "sum" : "mean", c.DivideByClasses, c.Margin, TrainingConvention.InputToken(c.Input), c.PyTorchLoss);
    }
}

/// <summary>The training data in <see cref="RunJsonFile"/>.</summary>
/// <param name="TrainCount">Training examples.</param>
/// <param name="TestCount">Test examples.</param>
/// <param name="InputDim">Input dimension.</param>
/// <param name="Sha256">The data's fingerprint (lower-case hex SHA-256); a resumed run must see the same data.</param>
public sealed record RunJsonData(
    [property: JsonPropertyName("train_count")] int TrainCount,
    [property: JsonPropertyName("test_count")] int TestCount,
    [property: JsonPropertyName("input_dim")] int InputDim,
    [property: JsonPropertyName("sha256")] string Sha256);

/// <summary>The numeric environment of a run's start in <see cref="RunJsonFile"/>.</summary>
/// <param name="TorchSharp">TorchSharp's assembly version (null when unknown).</param>
/// <param name="Libtorch">libtorch's version.</param>
/// <param name="DotNet">The .NET runtime.</param>
/// <param name="Os">The operating system.</param>
/// <param name="Processors">Logical processors.</param>
/// <param name="TorchThreads">libtorch's intra-op threads.</param>
public sealed record RunJsonEnvironment(
    [property: JsonPropertyName("torchsharp")] string? TorchSharp,
    [property: JsonPropertyName("libtorch")] string? Libtorch,
    [property: JsonPropertyName("dotnet")] string? DotNet,
    [property: JsonPropertyName("os")] string? Os,
    [property: JsonPropertyName("processors")] int Processors,
    [property: JsonPropertyName("torch_threads")] int TorchThreads)
{
    /// <summary>This process's environment.</summary>
    public static RunJsonEnvironment Current() => new(
        typeof(global::TorchSharp.torch).Assembly.GetName().Version?.ToString(),
        global::TorchSharp.torch.__version__,
        RuntimeInformation.FrameworkDescription,
        RuntimeInformation.OSDescription,
        System.Environment.ProcessorCount,
        global::TorchSharp.torch.get_num_threads());

    /// <summary>The creation time as run.json records it.</summary>
    internal static string Now() => DateTime.UtcNow.ToString("O", CultureInfo.InvariantCulture);
}
