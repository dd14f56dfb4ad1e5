using System.Globalization;
using System.Text;

namespace NeuralSpin.IO;

/// <summary>
/// A parser for the Python literals found in <c>.npy</c> headers: dicts, tuples, lists, strings
/// (single or double quoted, with backslash escapes), integers, <c>True</c>, <c>False</c> and
/// <c>None</c>. Dicts become <see cref="Dictionary{TKey,TValue}"/> keyed by string, tuples
/// <see cref="Tuple"/>, lists <see cref="List{T}"/>, integers <see cref="long"/>.
/// Anything else raises <see cref="FormatException"/>.
/// </summary>
internal sealed class PyLiteral
{
    /// <summary>A parsed Python tuple.</summary>
    public sealed record Tuple(IReadOnlyList<object?> Items);

    readonly string _s;
    int _i;
    int _depth;

    PyLiteral(string s) => _s = s;

    /// <summary>Parses one literal, allowing surrounding whitespace only.</summary>
    public static object? Parse(string text)
    {
        var p = new PyLiteral(text);
        var v = p.Value();
        p.SkipSpace();
        if (p._i != p._s.Length) throw p.Error("unexpected text after the literal");
        return v;
    }

    FormatException Error(string what) => new($"{what} at character {_i}");

    void SkipSpace()
    {
        while (_i < _s.Length && char.IsWhiteSpace(_s[_i])) _i++;
    }

    char Peek()
    {
        SkipSpace();
        if (_i >= _s.Length) throw Error("unexpected end of header");
        return _s[_i];
    }

    object? Value()
    {
        if (++_depth > 32) throw Error("nesting too deep");
        try
        {
            char c = Peek();
            return c switch
            {
                '{' => Dict(),
                '(' => new Tuple(Sequence('(', ')')),
                '[' => Sequence('[', ']'),
                '\'' or '"' => Str(),
                _ when c == '-' || c == '+' || char.IsAsciiDigit(c) => Int(),
                _ when char.IsAsciiLetter(c) => Word(),
                _ => throw Error($"unexpected character '{c}'"),
            };
        }
        finally { _depth--; }
    }

    Dictionary<string, object?> Dict()
    {
        _i++; // {
        var d = new Dictionary<string, object?>(StringComparer.Ordinal);
        while (true)
        {
            if (Peek() == '}') { _i++; return d; }
            if (Value() is not string key) throw Error("dict key is not a string");
            if (Peek() != ':') throw Error("expected ':'");
            _i++;
            var v = Value();
            if (!d.TryAdd(key, v)) throw Error($"key '{key}' repeated");
            char c = Peek();
            if (c == ',') { _i++; continue; }
            if (c != '}') throw Error("expected ',' or '}'");
        }
    }

    List<object?> Sequence(char open, char close)
    {
        _i++; // open
        var items = new List<object?>();
        while (true)
        {
            if (Peek() == close) { _i++; return items; }
            items.Add(Value());
            char c = Peek();
            if (c == ',') { _i++; continue; }
            if (c != close) throw Error($"expected ',' or '{close}'");
        }
    }

    string Str()
    {
        char q = _s[_i++];
        var sb = new StringBuilder();
        while (true)
        {
            if (_i >= _s.Length) throw Error("unterminated string");
            char c = _s[_i++];
            if (c == q) return sb.ToString();
            if (c == '\\')
            {
                if (_i >= _s.Length) throw Error("unterminated string");
                char e = _s[_i++];
                sb.Append(e switch { 'n' => '\n', 't' => '\t', 'r' => '\r', '0' => '\0', _ => e });
            }
            else sb.Append(c);
        }
    }

    long Int()
    {
        int start = _i;
        if (_s[_i] is '-' or '+') _i++;
        while (_i < _s.Length && char.IsAsciiDigit(_s[_i])) _i++;
        if (_i < _s.Length && _s[_i] is 'L' or 'l') _i++; // Python 2 long suffix in old headers
        var digits = _s.AsSpan(start, _i - start).TrimEnd("Ll");
        if (!long.TryParse(digits, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long v))
            throw Error($"'{digits}' is not an integer");
        return v;
    }

    object? Word()
    {
        int start = _i;
        while (_i < _s.Length && (char.IsAsciiLetterOrDigit(_s[_i]) || _s[_i] == '_')) _i++;
        return _s[start.._i] switch
        {
            "True" => true,
            "False" => false,
            "None" => null,
            var w => throw Error($"unknown name '{w}'"),
        };
    }
}
