using System.Text.Json;
using System.Text.RegularExpressions;

namespace NeuralSpin.Tests.Support;

/// <summary>
/// An output file's exact text as lines for a snapshot (the last one empty when the file ends in a newline), with only
/// what differs between runs and machines masked: the temporary directory, wall times, the build's version and commit,
/// input hashes.
/// </summary>
public static class PinnedText
{
    /// <summary>The lines of <paramref name="text"/>, masked; <paramref name="dir"/> is the test's temporary directory.</summary>
    public static string[] Lines(string text, string dir)
    {
        text = text.Replace(JsonSerializer.Serialize(dir)[1..^1], "<dir>").Replace(dir, "<dir>");
        text = Regex.Replace(text, "\"(elapsed_seconds|wall_seconds)\": [^,\\n]+", "\"$1\": 0");
        text = Regex.Replace(text, "\"(neuralspin_version|commit|sha256)\": \"[^\"]*\"", "\"$1\": \"<masked>\"");
        return text.Split('\n');
    }
}
