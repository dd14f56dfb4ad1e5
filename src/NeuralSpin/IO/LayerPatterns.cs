using System.IO.Enumeration;

namespace NeuralSpin.IO;

/// <summary>
/// The <c>--layers</c> selection: a list of tensor names and glob patterns (<c>*</c> any run of characters, dots and
/// slashes included; <c>?</c> one character; <c>\</c> escapes). A plain name selects that tensor; a pattern selects
/// every matching tensor among the candidates, in <see cref="LayerNameComparer"/> order. Entries are taken in the order
/// given, and a tensor selected twice is an error.
/// </summary>
public static class LayerPatterns
{
    /// <summary>True if <paramref name="entry"/> is a glob pattern rather than a plain name.</summary>
    public static bool IsPattern(string entry) => entry.AsSpan().IndexOfAny('*', '?') >= 0;

    /// <summary>True if <paramref name="name"/> matches the glob <paramref name="pattern"/> (case-sensitive).</summary>
    public static bool Matches(string pattern, string name) => FileSystemName.MatchesSimpleExpression(pattern, name, ignoreCase: false);

    /// <summary>
    /// Expands the entries over the tensors: plain names are looked up among <paramref name="all"/>, patterns are matched
    /// against the <paramref name="candidates"/> only (the tensors that can be layers).
    /// </summary>
    /// <returns>For each entry, the tensors it selects (a plain name: one, or none if absent).</returns>
    public static List<(string Entry, List<T> Selected)> Expand<T>(IReadOnlyList<string> entries, IEnumerable<T> all, IEnumerable<T> candidates, Func<T, string> name)
    {
        ArgumentNullException.ThrowIfNull(entries);
        var byName = new Dictionary<string, T>(StringComparer.Ordinal);
        foreach (var t in all) byName.TryAdd(name(t), t);
        var cands = candidates.OrderBy(name, LayerNameComparer.Instance).ToList();
        var result = new List<(string, List<T>)>();
        foreach (var e in entries)
        {
            if (IsPattern(e)) result.Add((e, cands.Where(t => Matches(e, name(t))).ToList()));
            else result.Add((e, byName.TryGetValue(e, out var t) ? [t] : []));
        }
        return result;
    }
}
