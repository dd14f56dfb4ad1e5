using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace NeuralSpin.Reporting;

/// <summary>How <see cref="ResultJson"/> writes a result where an output departs from the defaults (flags, combinable).</summary>
[Flags]
public enum ResultJsonStyle
{
    /// <summary>The defaults: a non-finite number is refused; strings escaped by the default encoder (non-ASCII characters and
    /// HTML-sensitive ones such as <c>+</c>, <c>&lt;</c>, <c>&amp;</c> and <c>'</c> as <c>\uXXXX</c>).</summary>
    Default = 0,

    /// <summary>A non-finite number is written as the string <c>"NaN"</c>, <c>"Infinity"</c> or <c>"-Infinity"</c>
    /// (<see cref="JsonNumberHandling.AllowNamedFloatingPointLiterals"/>) instead of being refused.</summary>
    NamedFloatingPointLiterals = 1,

    /// <summary>Strings escaped only where JSON requires it (<see cref="JavaScriptEncoder.UnsafeRelaxedJsonEscaping"/>):
    /// non-ASCII text and HTML-sensitive characters are written as they are.</summary>
    RelaxedEscaping = 2,
}

/// <summary>
/// The one writer of NeuralSpin's JSON result files: a result record (its keys declared with
/// <see cref="JsonPropertyNameAttribute"/>, in declaration order) serialised with the
/// default options (numbers round-trip, nulls kept, a non-finite number refused) unless a <see cref="ResultJsonStyle"/>
/// says otherwise, its <see cref="Provenance"/> added under the key <c>provenance</c>, indented by two spaces, with a
/// final newline.
/// </summary>
public static class ResultJson
{
    static readonly JsonSerializerOptions[] Options = Enumerable.Range(0, 4).Select(k => Create((ResultJsonStyle)k)).ToArray();

    static JsonSerializerOptions Create(ResultJsonStyle style)
    {
        var o = new JsonSerializerOptions { WriteIndented = true };
        if (style.HasFlag(ResultJsonStyle.NamedFloatingPointLiterals)) o.NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals;
        if (style.HasFlag(ResultJsonStyle.RelaxedEscaping)) o.Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping;
        o.MakeReadOnly(populateMissingResolver: true);
        return o;
    }

    /// <summary>The JSON text of <paramref name="result"/> with the provenance of <paramref name="inputs"/> (files; null entries
    /// are skipped), written in <paramref name="style"/>.</summary>
    public static string Text(object result, IEnumerable<string?> inputs, ResultJsonStyle style = ResultJsonStyle.Default)
    {
        ArgumentNullException.ThrowIfNull(result);
        if ((int)style is < 0 or > 3) throw new ArgumentOutOfRangeException(nameof(style), style, "not a combination of the ResultJsonStyle flags");
        if (style == ResultJsonStyle.Default)
            return Provenance.For(inputs).Attach(result).ToJsonString(Options[0]) + "\n";
        var options = Options[(int)style];
        return Provenance.For(inputs).Attach(result, options).ToJsonString(options) + "\n";
    }
}
