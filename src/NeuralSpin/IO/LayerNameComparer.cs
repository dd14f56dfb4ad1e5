namespace NeuralSpin.IO;

/// <summary>
/// Orders tensor names the way a person reads layer numbers: names are split into runs of digits and
/// runs of other characters, digit runs compare as numbers and other runs ordinally, so
/// <c>net.2.weight</c> comes before <c>net.10.weight</c>. Names equal under this rule (e.g.
/// <c>l01</c> and <c>l1</c>) fall back to ordinal order, so the order is total.
/// </summary>
public sealed class LayerNameComparer : IComparer<string>
{
    /// <summary>The single instance.</summary>
    public static LayerNameComparer Instance { get; } = new();

    LayerNameComparer() { }

    /// <inheritdoc />
    public int Compare(string? x, string? y)
    {
        if (ReferenceEquals(x, y)) return 0;
        if (x is null) return -1;
        if (y is null) return 1;
        int i = 0, j = 0;
        while (i < x.Length && j < y.Length)
        {
            bool dx = char.IsAsciiDigit(x[i]), dy = char.IsAsciiDigit(y[j]);
            int ei = RunEnd(x, i, dx), ej = RunEnd(y, j, dy);
            var rx = x.AsSpan(i, ei - i);
            var ry = y.AsSpan(j, ej - j);
            int c = dx && dy ? CompareDigits(rx, ry) : rx.SequenceCompareTo(ry);
            if (c != 0) return Math.Sign(c);
            i = ei;
            j = ej;
        }
        int rest = (x.Length - i).CompareTo(y.Length - j);
        return rest != 0 ? rest : Math.Sign(string.CompareOrdinal(x, y));
    }

    static int RunEnd(string s, int start, bool digits)
    {
        int e = start;
        while (e < s.Length && char.IsAsciiDigit(s[e]) == digits) e++;
        return e;
    }

    static int CompareDigits(ReadOnlySpan<char> a, ReadOnlySpan<char> b)
    {
        a = a.TrimStart('0');
        b = b.TrimStart('0');
        if (a.Length != b.Length) return a.Length.CompareTo(b.Length);
        return a.SequenceCompareTo(b);
    }
}
