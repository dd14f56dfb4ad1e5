using System.Text.Json;

namespace NeuralSpin.Reporting;

/// <summary>
/// The one writer of NeuralSpin's JSON result files: a result record (its keys declared with
/// <see cref="System.Text.Json.Serialization.JsonPropertyNameAttribute"/>, in declaration order) serialised with the
/// default options (numbers round-trip, nulls kept, a non-finite number refused), its <see cref="Provenance"/> added
/// under the key <c>provenance</c>, indented by two spaces, with a final newline.
/// </summary>
public static class ResultJson
{
    static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    /// <summary>The JSON text of <paramref name="result"/> with the provenance of <paramref name="inputs"/> (files; null entries are skipped).</summary>
    public static string Text(object result, IEnumerable<string?> inputs)
    {
        ArgumentNullException.ThrowIfNull(result);
        return Provenance.For(inputs).Attach(result).ToJsonString(Indented) + "\n";
    }
}
