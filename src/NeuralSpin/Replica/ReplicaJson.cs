using System.Text.Json.Serialization;

namespace NeuralSpin.Replica;

/// <summary>
/// The JSON document of the replica-symmetric critical temperature (<see cref="ReplicaHessian.CriticalTemperature"/>;
/// <c>neuralspin replica --json</c>), written by <see cref="NeuralSpin.Reporting.ResultJson"/>.
/// </summary>
/// <param name="Widths">The widths N_0..N_L.</param>
/// <param name="C">The coupling variance C_k of each block.</param>
/// <param name="Tc">The replica-symmetric T_c.</param>
public sealed record ReplicaJson(
    [property: JsonPropertyName("widths")] int[] Widths,
    [property: JsonPropertyName("c")] double[] C,
    [property: JsonPropertyName("tc")] double Tc);
