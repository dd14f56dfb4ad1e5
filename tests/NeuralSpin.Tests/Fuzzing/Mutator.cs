using System.Buffers.Binary;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace NeuralSpin.Tests.Fuzzing;

/// <summary>
/// Deterministic mutations of a valid seed file (a managed mutation fuzzer: no coverage feedback, every case
/// reproducible from (seed, case index)). Generic byte mutations (bit flips, interesting bytes, truncations,
/// deletions, insertions, duplicated and swapped chunks), text-aware ones (numbers replaced by boundary values,
/// comma-separated entries swapped or duplicated: shapes, offsets, dict and JSON entries), binary length fields
/// set to boundary values, and for formats with a JSON part a structural JSON edit (values replaced, removed,
/// duplicated or reordered) with the length field kept consistent.
/// </summary>
public static class Mutator
{
    /// <summary>A little-endian unsigned length field of a format: byte offset and size (2, 4 or 8 bytes), or big-endian.</summary>
    public readonly record struct LengthField(int Offset, int Size, bool BigEndian = false);

    static readonly byte[] InterestingBytes = [0x00, 0xFF, 0x7F, 0x80, 0x01, 0x20, (byte)'9', (byte)'-', (byte)'.', (byte)'"', (byte)',', (byte)'[', (byte)']', (byte)'{', (byte)'}', (byte)'\'', (byte)'e', (byte)'\n'];

    static readonly string[] InterestingNumbers =
        ["0", "-1", "1", "2", "3", "7", "8", "255", "256", "65535", "65536", "2147483647", "2147483648", "-2147483648",
         "4294967295", "4294967296", "9223372036854775807", "9223372036854775808", "18446744073709551616",
         "1e308", "1e309", "-1e308", "1e-320", "-0", "1.5", "0.5", "NaN", "inf", "-inf", "99999999999", "1e10", "100000000"];

    static readonly ulong[] InterestingLengths = [0, 1, 2, 7, 8, 255, 65535, 65536, int.MaxValue, (ulong)int.MaxValue + 1, uint.MaxValue, long.MaxValue, ulong.MaxValue];

    /// <summary>One mutated copy of <paramref name="seed"/>: 1 to 4 mutations drawn from <paramref name="rng"/>.</summary>
    /// <param name="seed">A valid file.</param>
    /// <param name="rng">The case's generator.</param>
    /// <param name="lengths">The format's binary length/dimension fields, if any.</param>
    /// <param name="json">Structural edit of the format's JSON part, if it has one (returns null when not applicable).</param>
    public static byte[] Mutate(byte[] seed, Random rng, IReadOnlyList<LengthField>? lengths = null, Func<byte[], Random, byte[]?>? json = null)
    {
        var b = (byte[])seed.Clone();
        int n = 1 + rng.Next(4);
        for (int k = 0; k < n; k++)
        {
            int op = rng.Next(json != null ? 13 : 11);
            b = op switch
            {
                0 => BitFlip(b, rng),
                1 => SetByte(b, rng, InterestingBytes[rng.Next(InterestingBytes.Length)]),
                2 => b.Length == 0 ? b : b[..rng.Next(b.Length)],
                3 => DeleteRange(b, rng),
                4 => Insert(b, rng),
                5 or 6 => ReplaceNumber(b, rng),
                7 => lengths is { Count: > 0 } ? SetLength(b, rng, lengths[rng.Next(lengths.Count)]) : ReplaceNumber(b, rng),
                8 => SwapEntries(b, rng),
                9 => DuplicateEntry(b, rng),
                10 => SetByte(b, rng, (byte)rng.Next(256)),
                _ => json!(b, rng) ?? BitFlip(b, rng),
            };
        }
        return b;
    }

    static byte[] BitFlip(byte[] b, Random rng)
    {
        if (b.Length == 0) return b;
        b[rng.Next(b.Length)] ^= (byte)(1 << rng.Next(8));
        return b;
    }

    static byte[] SetByte(byte[] b, Random rng, byte value)
    {
        if (b.Length == 0) return b;
        b[rng.Next(b.Length)] = value;
        return b;
    }

    static byte[] DeleteRange(byte[] b, Random rng)
    {
        if (b.Length < 2) return b;
        int start = rng.Next(b.Length), len = Math.Min(b.Length - start, 1 + rng.Next(rng.Next(2) == 0 ? 8 : 64));
        return [.. b[..start], .. b[(start + len)..]];
    }

    static byte[] Insert(byte[] b, Random rng)
    {
        int at = rng.Next(b.Length + 1);
        byte[] chunk;
        if (b.Length > 0 && rng.Next(2) == 0)
        {
            int s = rng.Next(b.Length);
            chunk = b[s..Math.Min(b.Length, s + 1 + rng.Next(32))]; // duplicate existing bytes
        }
        else
        {
            chunk = new byte[1 + rng.Next(16)];
            rng.NextBytes(chunk);
        }
        return [.. b[..at], .. chunk, .. b[at..]];
    }

    /// <summary>Runs of ASCII digits (with a leading minus) in the first 64 KiB: the numbers of headers, shapes, offsets and text.</summary>
    static List<(int Start, int Length)> Numbers(byte[] b)
    {
        var list = new List<(int, int)>();
        int limit = Math.Min(b.Length, 1 << 16);
        for (int i = 0; i < limit; i++)
        {
            if (b[i] is < (byte)'0' or > (byte)'9') continue;
            int s = i > 0 && b[i - 1] == '-' ? i - 1 : i;
            int e = i;
            while (e < limit && (b[e] is >= (byte)'0' and <= (byte)'9' || b[e] == '.' || b[e] == 'e' || b[e] == 'E')) e++;
            list.Add((s, e - s));
            i = e;
        }
        return list;
    }

    static byte[] ReplaceNumber(byte[] b, Random rng)
    {
        var nums = Numbers(b);
        if (nums.Count == 0) return BitFlip(b, rng);
        var (s, len) = nums[rng.Next(nums.Count)];
        string repl = rng.Next(4) == 0 ? rng.Next(-5, 100_000).ToString() : InterestingNumbers[rng.Next(InterestingNumbers.Length)];
        return [.. b[..s], .. Encoding.ASCII.GetBytes(repl), .. b[(s + len)..]];
    }

    static byte[] SetLength(byte[] b, Random rng, LengthField f)
    {
        if (f.Offset + f.Size > b.Length) return b;
        ulong v = rng.Next(3) switch
        {
            0 => InterestingLengths[rng.Next(InterestingLengths.Length)],
            1 => (ulong)Math.Max(0, (long)b.Length - f.Offset + rng.Next(-16, 17)),
            _ => (ulong)rng.NextInt64(),
        };
        var span = b.AsSpan(f.Offset, f.Size);
        switch (f.Size)
        {
            case 2: if (f.BigEndian) BinaryPrimitives.WriteUInt16BigEndian(span, (ushort)v); else BinaryPrimitives.WriteUInt16LittleEndian(span, (ushort)v); break;
            case 4: if (f.BigEndian) BinaryPrimitives.WriteUInt32BigEndian(span, (uint)v); else BinaryPrimitives.WriteUInt32LittleEndian(span, (uint)v); break;
            default: if (f.BigEndian) BinaryPrimitives.WriteUInt64BigEndian(span, v); else BinaryPrimitives.WriteUInt64LittleEndian(span, v); break;
        }
        return b;
    }

    /// <summary>Positions of commas in the first 64 KiB (entries of shapes, offsets, dicts, JSON objects, text rows).</summary>
    static List<int> Commas(byte[] b)
    {
        var list = new List<int>();
        for (int i = 0; i < Math.Min(b.Length, 1 << 16); i++) if (b[i] == ',') list.Add(i);
        return list;
    }

    static byte[] SwapEntries(byte[] b, Random rng)
    {
        var c = Commas(b);
        if (c.Count < 3) return ReplaceNumber(b, rng);
        int k = rng.Next(c.Count - 2);
        int a0 = c[k] + 1, a1 = c[k + 1], b0 = c[k + 1] + 1, b1 = c[k + 2];
        return [.. b[..a0], .. b[b0..b1], (byte)',', .. b[a0..a1], .. b[b1..]];
    }

    static byte[] DuplicateEntry(byte[] b, Random rng)
    {
        var c = Commas(b);
        if (c.Count < 2) return Insert(b, rng);
        int k = rng.Next(c.Count - 1);
        int s = c[k], e = c[k + 1];
        return [.. b[..e], .. b[s..e], .. b[e..]];
    }

    // ------------------------------------------------------------------ structural JSON edits

    static readonly Func<JsonNode?>[] InterestingValues =
    [
        () => null, () => JsonValue.Create(0), () => JsonValue.Create(-1), () => JsonValue.Create(1L << 40), () => JsonValue.Create(long.MaxValue),
        () => JsonValue.Create(1e308), () => JsonValue.Create(0.5), () => JsonValue.Create(""), () => JsonValue.Create("F64"), () => JsonValue.Create("NaN"),
        () => JsonValue.Create(true), () => new JsonArray(), () => new JsonArray(JsonValue.Create(0), JsonValue.Create(8)), () => new JsonObject(),
        () => new JsonArray(JsonValue.Create(3), JsonValue.Create(-2)), () => JsonValue.Create(2147483648L),
    ];

    /// <summary>A random structural edit of a JSON document: a value replaced, an entry removed, duplicated or moved.</summary>
    public static byte[]? EditJson(byte[] text, Random rng)
    {
        try { return EditJsonUnchecked(text, rng); }
        catch (Exception e) when (e is InvalidOperationException or ArgumentException or JsonException or FormatException)
        {
            return null; // not a JSON document System.Text.Json can edit (invalid UTF-8, duplicate keys)
        }
    }

    static byte[]? EditJsonUnchecked(byte[] text, Random rng)
    {
        JsonNode? root;
        try { root = JsonNode.Parse(text); }
        catch (JsonException) { return null; }
        if (root is null) return null;
        var slots = new List<(JsonNode Parent, object Key)>();
        void Walk(JsonNode node)
        {
            if (node is JsonObject o) foreach (var kv in o.ToList()) { slots.Add((o, kv.Key)); if (kv.Value != null) Walk(kv.Value); }
            else if (node is JsonArray a) for (int i = 0; i < a.Count; i++) { slots.Add((a, i)); if (a[i] != null) Walk(a[i]!); }
        }
        Walk(root);
        if (slots.Count == 0) return null;
        var (parent, key) = slots[rng.Next(slots.Count)];
        int action = rng.Next(4);
        if (parent is JsonObject obj)
        {
            string k = (string)key;
            var value = obj[k];
            switch (action)
            {
                case 0: obj[k] = InterestingValues[rng.Next(InterestingValues.Length)](); break;
                case 1: obj.Remove(k); break;
                case 2: obj[k + "_" + rng.Next(100)] = value?.DeepClone(); break; // a duplicated entry under a new name
                default: obj.Remove(k); obj[k] = value; break; // moved to the end: reordered entries
            }
        }
        else
        {
            var arr = (JsonArray)parent;
            int i = (int)key;
            switch (action)
            {
                case 0: arr[i] = InterestingValues[rng.Next(InterestingValues.Length)](); break;
                case 1: arr.RemoveAt(i); break;
                case 2: arr.Insert(i, arr[i]?.DeepClone()); break;
                default: { var v = arr[i]; arr.RemoveAt(i); arr.Add(v); break; }
            }
        }
        return Encoding.UTF8.GetBytes(root.ToJsonString());
    }

    /// <summary>A structural edit of a safetensors header, the 8-byte length rewritten to match (so the edit reaches the header checks).</summary>
    public static byte[]? EditSafeTensorsHeader(byte[] file, Random rng)
    {
        if (file.Length < 8) return null;
        ulong n = BinaryPrimitives.ReadUInt64LittleEndian(file);
        if (n > (ulong)(file.Length - 8)) return null;
        var header = file[8..(8 + (int)n)];
        var edited = EditJson(header, rng);
        if (edited is null) return null;
        var len = new byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(len, (ulong)edited.Length);
        return [.. len, .. edited, .. file[(8 + (int)n)..]];
    }
}
