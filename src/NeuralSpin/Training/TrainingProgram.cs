namespace NeuralSpin.Training;

/// <summary>The two training programs of P1 sec. 3.1 and Table 1 (docs/theory.md section 9).</summary>
public enum TrainingProgram
{
    /// <summary>
    /// Partially binarized network: forward step(x) = -1 (x &lt; 0), +1 (x &gt;= 0) on the input and
    /// between layers (P1 28), hard-tanh straight-through backward (P1 29); weights stay continuous.
    /// </summary>
    Binarized,

    /// <summary>ReLU hidden units (P1 30), linear output layer (an L2-SVM on the last hidden layer).</summary>
    Standard,
}

/// <summary>Names of <see cref="TrainingProgram"/> values as written in files and on the command line.</summary>
public static class TrainingPrograms
{
    /// <summary>The lower-case name: <c>binarized</c> or <c>standard</c>.</summary>
    public static string Name(this TrainingProgram program) => program switch
    {
        TrainingProgram.Binarized => "binarized",
        TrainingProgram.Standard => "standard",
        _ => throw new ArgumentOutOfRangeException(nameof(program), program, null),
    };

    /// <summary>Parses <c>binarized</c> or <c>standard</c> (case-insensitive).</summary>
    /// <exception cref="FormatException">Any other text.</exception>
    public static TrainingProgram Parse(string text) => text?.Trim().ToLowerInvariant() switch
    {
        "binarized" => TrainingProgram.Binarized,
        "standard" => TrainingProgram.Standard,
        _ => throw new FormatException($"unknown training program '{text}'; use 'binarized' or 'standard'"),
    };
}
