using System.Reflection;
using System.Text.Json.Serialization;
using System.Text.RegularExpressions;
using NUnit.Framework;
using NeuralSpin.Analysis;

namespace NeuralSpin.Tests.Cli;

/// <summary>The README's table of <c>analyze</c>'s JSON keys follows the result record: every key the record declares
/// (plus <c>provenance</c>) has a row, and every row names a declared key.</summary>
public sealed partial class ReadmeTablesTests
{
    [GeneratedRegex(@"`([a-z_0-9]+)`")]
    private static partial Regex Key();

    [Test]
    public void AnalyzeKeyTable_ListsExactlyTheRecordsKeys()
    {
        var d = new DirectoryInfo(TestContext.CurrentContext.TestDirectory);
        while (d != null && !File.Exists(Path.Combine(d.FullName, "README.md"))) d = d.Parent;
        Assert.That(d, Is.Not.Null, "README.md not found above the test directory");
        var lines = File.ReadAllLines(Path.Combine(d!.FullName, "README.md"));
        int start = Array.FindIndex(lines, l => l.StartsWith("### `analyze", StringComparison.Ordinal));
        Assert.That(start, Is.GreaterThanOrEqualTo(0), "README has an analyze section");
        int header = Array.FindIndex(lines, start, l => l.StartsWith("| key | meaning |", StringComparison.Ordinal));
        Assert.That(header, Is.GreaterThan(start), "the analyze section has a key table");
        var documented = new HashSet<string>();
        for (int i = header + 2; i < lines.Length && lines[i].StartsWith('|'); i++)
        {
            string keyCell = lines[i].Split('|')[1];
            foreach (Match m in Key().Matches(keyCell)) documented.Add(m.Groups[1].Value);
        }
        var declared = typeof(AnalysisResult).GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.GetCustomAttribute<JsonIgnoreAttribute>() == null)
            .Select(p => p.GetCustomAttribute<JsonPropertyNameAttribute>()?.Name ?? p.Name).ToHashSet();
        declared.Add(NeuralSpin.Reporting.Provenance.Key);
        Assert.That(documented, Is.EquivalentTo(declared));
    }
}
