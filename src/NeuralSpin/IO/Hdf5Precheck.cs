using System.Text;
using Microsoft.Win32.SafeHandles;

namespace NeuralSpin.IO;

/// <summary>
/// A bounded, read-only check of an HDF5 file's structure, run before the file is handed to PureHDF. PureHDF decodes
/// every message of an object header when it opens the object, and allocates the byte counts the messages claim before
/// reading them (an attribute's data, <c>elements x element size</c> from its dataspace and datatype; a fill value; a
/// link name; a local heap's data segment), so a damaged count in a file of a few KB makes it allocate up to 2 GB.
/// <para>
/// The check walks the file from the superblock (versions 0-3) through every reachable object header (version 1 and
/// version 2 <c>OHDR</c>, with their continuation chunks, <c>OCHK</c> for version 2), following groups by their symbol
/// table (v1 B-tree <c>TREE</c> group nodes and symbol table nodes <c>SNOD</c>; the local heap's data segment is only
/// checked to lie inside the file) and by compact link messages (hard links), the objects that shared messages name,
/// and the global heap collections that attributes of variable-length type (h5py's strings) name. It decodes the messages the way PureHDF does, and refuses a file where a count reaches past its own message
/// (an attribute's data, a datatype, a dataspace, a fill value, a compact layout's data, a link name) or a global heap
/// object past its collection, an address or a block reaches past the end of the file, a B-tree node's level does not descend, an object header chunk or a B-tree
/// or symbol table node is reached twice (a cycle), shared messages nest more than <see cref="MaxSharedDepth"/> deep or
/// in a cycle, a datatype nests more than <see cref="MaxTypeDepth"/> deep, or the structures walked hold more bytes than
/// twice the file (so they overlap). Sizes are computed in 128-bit arithmetic.
/// </para>
/// <para>
/// Every structure is read once (visited sets) and the bytes walked are bounded by the file's size, so the check itself
/// allocates O(file size) and cannot loop. Structures it does not interpret are passed over without judgment: dense
/// attribute and link storage (fractal heaps, v2 B-trees), external and soft links, the superblock extension, global
/// heap objects other than those of variable-length attributes, chunk indexes and raw data, and any message or version PureHDF itself refuses
/// before allocating (it then fails with its own error, which the reader reports as a damaged file).
/// </para>
/// </summary>
internal sealed class Hdf5Precheck : IDisposable
{
    /// <summary>Deepest chain of shared messages (a message stored in another object header) followed.</summary>
    public const int MaxSharedDepth = 8;

    /// <summary>Deepest nesting of datatypes (compound members, arrays, enumerations, variable-length bases).</summary>
    public const int MaxTypeDepth = 32;

    static readonly byte[] Signature = [0x89, (byte)'H', (byte)'D', (byte)'F', (byte)'\r', (byte)'\n', 0x1A, (byte)'\n'];

    readonly SafeFileHandle handle;
    readonly long length;
    readonly byte[] page = new byte[4096];
    long pageStart = -1;
    int pageLength;

    int offsetSize, lengthSize;
    ulong baseAddress;
    long bytesWalked;

    readonly Dictionary<long, List<Message>> headers = [];
    readonly Dictionary<long, List<long>> checkedObjects = [];
    readonly Dictionary<long, int> sharedHeight = [];
    readonly HashSet<long> sharedInProgress = [];
    readonly HashSet<long> chunks = [];
    readonly HashSet<long> nodes = [];
    readonly HashSet<long> reached = [];
    readonly HashSet<long> collections = [];
    readonly Stack<long> pending = new();

    readonly record struct Message(int Type, int Flags, long Start, long End);

    /// <summary>The file's structure is damaged; the message says where.</summary>
    sealed class DamagedException(string problem) : Exception(problem);

    /// <summary>A structure PureHDF refuses (or that is outside the check) before it allocates: not judged.</summary>
    sealed class UnjudgedException : Exception;

    Hdf5Precheck(string path)
    {
        handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.Read);
        length = RandomAccess.GetLength(handle);
    }

    public void Dispose() => handle.Dispose();

    /// <summary>
    /// Checks the HDF5 file at <paramref name="path"/>; returns null when nothing is wrong within the check's reach, else
    /// what is wrong (one sentence without a final full stop). File-system errors propagate.
    /// </summary>
    public static string? Check(string path)
    {
        using var c = new Hdf5Precheck(path);
        try
        {
            c.Run();
            return null;
        }
        catch (DamagedException e) { return e.Message; }
        catch (UnjudgedException) { return null; }
    }

    void Run()
    {
        long sb = FindSuperblock();
        if (sb < 0) return; // not HDF5: PureHDF refuses it
        int version = U8(sb + 8);
        ulong root;
        if (version is 0 or 1)
        {
            offsetSize = U8(sb + 13);
            lengthSize = U8(sb + 14);
            CheckSizes();
            long p = sb + 24 + (version == 1 ? 4 : 0);
            baseAddress = Offset(p);
            root = Offset(p + 4L * offsetSize + offsetSize); // root symbol table entry: link name offset, header address
        }
        else if (version is 2 or 3)
        {
            offsetSize = U8(sb + 9);
            lengthSize = U8(sb + 10);
            CheckSizes();
            baseAddress = Offset(sb + 12);
            root = Offset(sb + 12 + 3L * offsetSize);
        }
        else return;
        if (baseAddress > (ulong)length)
            throw new DamagedException($"the superblock's base address {baseAddress} lies past the end of the file ({length} bytes)");
        Reach(root, "the root group");
        while (pending.Count > 0)
        {
            long h = pending.Pop();
            Height(h, 0);
        }
    }

    void CheckSizes()
    {
        if (offsetSize is not (2 or 4 or 8) || lengthSize is not (2 or 4 or 8)) throw new UnjudgedException();
    }

    /// <summary>Where PureHDF finds the signature: at 0, then 512, 1536, 3584, ... (steps of 512 doubling).</summary>
    long FindSuperblock()
    {
        long pos = 0, step = 512;
        while (pos + 8 <= length)
        {
            bool match = true;
            for (int i = 0; i < 8 && match; i++) match = U8(pos + i) == Signature[i];
            if (match) return pos;
            pos += step;
            step *= 2;
        }
        return -1;
    }

    // ---------------------------------------------------------------- bytes

    int U8(long pos)
    {
        if (pos < 0 || pos >= length)
            throw new DamagedException($"a structure reaches past the end of the file ({length} bytes) at byte {pos}");
        if (pos < pageStart || pos >= pageStart + pageLength)
        {
            pageStart = pos & ~4095L;
            pageLength = RandomAccess.Read(handle, page, pageStart);
            if (pos >= pageStart + pageLength) throw new IOException("the file shrank while it was read");
        }
        return page[pos - pageStart];
    }

    ulong UInt(long pos, int width)
    {
        ulong v = 0;
        for (int i = width - 1; i >= 0; i--) v = (v << 8) | (uint)U8(pos + i);
        return v;
    }

    int U16(long pos) => (int)UInt(pos, 2);
    uint U32(long pos) => (uint)UInt(pos, 4);
    ulong Offset(long pos) => UInt(pos, offsetSize);
    ulong Length(long pos) => UInt(pos, lengthSize);
    bool Undefined(ulong address) => address == (offsetSize == 8 ? ulong.MaxValue : (1UL << (8 * offsetSize)) - 1);

    /// <summary>The file position of <paramref name="address"/>, which must hold <paramref name="size"/> bytes.</summary>
    long Resolve(ulong address, ulong size, string what)
    {
        UInt128 start = (UInt128)baseAddress + address;
        if (start + size > (ulong)length)
            throw new DamagedException($"{what} at address {address} ({size} bytes) reaches past the end of the file ({length} bytes)");
        return (long)start;
    }

    void Walk(long bytes)
    {
        bytesWalked += bytes;
        if (bytesWalked > 2 * length + 4096)
            throw new DamagedException($"its structures hold more than twice the file's {length} bytes, so they overlap");
    }

    static void Need(long pos, long count, long end, string what)
    {
        if (count < 0 || pos > end || count > end - pos)
            throw new DamagedException($"{what} reaches past the end of its object header message");
    }

    // ---------------------------------------------------------------- objects

    void Reach(ulong address, string what)
    {
        if (Undefined(address)) return;
        long h = Resolve(address, 4, what);
        if (reached.Add(h)) pending.Push(h);
    }

    /// <summary>
    /// How deep the chain of shared messages below the object header at <paramref name="h"/> goes (PureHDF decodes a
    /// shared message by opening the header it names, recursively); checks the header's messages on first sight.
    /// </summary>
    int Height(long h, int depth)
    {
        if (sharedHeight.TryGetValue(h, out int known)) return known;
        if (depth > MaxSharedDepth || !sharedInProgress.Add(h))
            throw new DamagedException($"shared messages nest more than {MaxSharedDepth} deep or form a cycle (object header at byte {h})");
        int height = 0;
        foreach (long t in SharedTargets(h))
            height = Math.Max(height, 1 + Height(t, depth + 1));
        sharedInProgress.Remove(h);
        if (height > MaxSharedDepth)
            throw new DamagedException($"shared messages nest more than {MaxSharedDepth} deep (object header at byte {h})");
        sharedHeight[h] = height;
        return height;
    }

    /// <summary>Checks every message of the object header at <paramref name="h"/> (once); returns the headers its shared messages name.</summary>
    List<long> SharedTargets(long h)
    {
        if (checkedObjects.TryGetValue(h, out var done)) return done;
        var targets = new List<long>();
        checkedObjects[h] = targets;
        foreach (var m in Header(h))
        {
            try { CheckMessage(m, targets); }
            catch (UnjudgedException) { }
        }
        return targets;
    }

    /// <summary>The messages of the object header at <paramref name="h"/>, continuation chunks included (parsed once).</summary>
    List<Message> Header(long h)
    {
        if (headers.TryGetValue(h, out var list)) return list;
        list = [];
        headers[h] = list;
        try
        {
            if (U8(h) == 1)
            {
                uint size = U32(h + 8);
                if (size > 0) Chunk(h + 16, size, 1, 8, list);
            }
            else if (U8(h) == 'O' && U8(h + 1) == 'H' && U8(h + 2) == 'D' && U8(h + 3) == 'R')
            {
                if (U8(h + 4) != 2) return list;
                int flags = U8(h + 5);
                long q = h + 6 + ((flags & 0x20) != 0 ? 16 : 0) + ((flags & 0x10) != 0 ? 4 : 0);
                int w = 1 << (flags & 3);
                ulong size0 = UInt(q, w);
                Chunk(q + w, size0, 2, 4 + ((flags & 0x04) != 0 ? 2 : 0), list);
            }
        }
        catch (UnjudgedException) { }
        return list;
    }

    /// <summary>Reads the messages of one chunk and, after them, of the continuation chunks they name.</summary>
    void Chunk(long start, ulong size, int version, int prefix, List<Message> list)
    {
        var continuations = new List<(long Start, ulong Size)>();
        ChunkMessages(start, size, version, prefix, list, continuations);
        for (int i = 0; i < continuations.Count; i++)
        {
            var (s, n) = continuations[i];
            if (version == 1)
                ChunkMessages(s, n, version, prefix, list, continuations);
            else
            {
                if (U8(s) != 'O' || U8(s + 1) != 'C' || U8(s + 2) != 'H' || U8(s + 3) != 'K') continue; // PureHDF refuses
                if (n < 8)
                    throw new DamagedException($"the object header continuation chunk at byte {s} is {n} bytes long, shorter than its signature and checksum");
                ChunkMessages(s + 4, n - 8, version, prefix, list, continuations);
            }
        }
    }

    void ChunkMessages(long start, ulong size, int version, int prefix, List<Message> list, List<(long, ulong)> continuations)
    {
        if ((UInt128)(ulong)start + size > (ulong)length)
            throw new DamagedException($"an object header chunk at byte {start} ({size} bytes) reaches past the end of the file ({length} bytes)");
        if (!chunks.Add(start))
            throw new DamagedException($"the object header chunk at byte {start} is reached twice (a cycle of continuation messages)");
        long pos = start, end = start + (long)size;
        ulong gap = version == 1 ? 0UL : (ulong)prefix;
        while ((ulong)(end - pos) > gap)
        {
            if (end - pos < prefix)
                throw new DamagedException($"an object header message at byte {pos} reaches past its chunk");
            int type = version == 1 ? U16(pos) : U8(pos);
            int dataSize = U16(pos + (version == 1 ? 2 : 1));
            int flags = U8(pos + (version == 1 ? 4 : 3));
            long data = pos + prefix;
            if (dataSize > end - data)
                throw new DamagedException($"the object header message at byte {pos} ({dataSize} bytes) reaches past its chunk");
            Walk(prefix + dataSize);
            var m = new Message(type, flags, data, data + dataSize);
            if (type == 0x10)
            {
                Need(data, offsetSize + lengthSize, m.End, "a continuation message");
                ulong address = Offset(data);
                ulong n = Length(data + offsetSize);
                continuations.Add((Resolve(address, n, "an object header continuation chunk"), n));
            }
            else list.Add(m);
            pos = data + dataSize;
        }
    }

    // ---------------------------------------------------------------- messages

    void CheckMessage(Message m, List<long> targets)
    {
        if ((m.Flags & 0x02) != 0 && m.Type is 0x01 or 0x03 or 0x04 or 0x05 or 0x0B or 0x0C)
        {
            // stored in another object header, which PureHDF opens (and decodes in full) to read it
            var (target, _) = Shared(m.Start, m.End);
            targets.Add(target);
            return;
        }
        switch (m.Type)
        {
            case 0x01: Dataspace(m.Start, m.End); break;
            case 0x03: DatatypeEnd(m.Start, m.End, 0); break;
            case 0x04:
                Need(m.Start, 4, m.End, "an old fill value");
                Need(m.Start + 4, U32(m.Start), m.End, $"an old fill value of {U32(m.Start)} bytes");
                break;
            case 0x05: FillValue(m); break;
            case 0x06: Link(m); break;
            case 0x08: Layout(m); break;
            case 0x0C: Attribute(m, targets); break;
            case 0x11: SymbolTable(m); break;
        }
    }

    /// <summary>A shared message's encoding: the object header it names and where the encoding ends.</summary>
    (long Target, long End) Shared(long p, long end)
    {
        Need(p, 2, end, "a shared message");
        int version = U8(p), type = U8(p + 1);
        if (version is < 1 or > 3 || (version == 3 && type == 1)) throw new UnjudgedException(); // PureHDF refuses
        long a = p + (version == 1 ? 8 : 2);
        Need(a, offsetSize, end, "a shared message");
        ulong address = Offset(a);
        if (Undefined(address)) throw new UnjudgedException();
        return (Resolve(address, 4, "the object header of a shared message"), a + offsetSize);
    }

    /// <summary>Decodes a dataspace as PureHDF does: its element count (null where PureHDF refuses it) and its end.</summary>
    (UInt128? Count, long End) Dataspace(long p, long end)
    {
        Need(p, 4, end, "a dataspace");
        int version = U8(p), rank = U8(p + 1), flags = U8(p + 2);
        int type;
        long q;
        if (version == 1) { type = rank > 0 ? 1 : 0; q = p + 8; }
        else { type = U8(p + 3); q = p + 4; }
        int arrays = 1 + ((flags & 1) != 0 ? 1 : 0) + ((flags & 2) != 0 ? 1 : 0);
        Need(q, (long)arrays * rank * lengthSize, end, $"a dataspace of rank {rank}");
        UInt128? count = null;
        if (version is 1 or 2)
        {
            if (type == 0) count = 1;
            else if (type == 2) count = 0;
            else if (type == 1)
            {
                UInt128 c = 1;
                UInt128 cap = (UInt128)ulong.MaxValue + 1;
                for (int i = 0; i < rank; i++)
                {
                    ulong d = Length(q + (long)i * lengthSize);
                    c = d == 0 ? 0 : (c > cap / d ? cap : c * d); // saturates past 2^64: more than any file holds
                }
                count = c;
            }
        }
        return (count, q + (long)arrays * rank * lengthSize);
    }

    /// <summary>Where the datatype encoded at <paramref name="p"/> ends, decoded as PureHDF does.</summary>
    long DatatypeEnd(long p, long end, int depth)
    {
        if (depth > MaxTypeDepth)
            throw new DamagedException($"a datatype nests more than {MaxTypeDepth} levels deep");
        Need(p, 8, end, "a datatype");
        int cv = U8(p), version = cv >> 4, cls = cv & 0x0F;
        int members = U16(p + 1);
        uint size = U32(p + 4);
        long q = p + 8;
        switch (cls)
        {
            case 0: Need(q, 4, end, "a datatype"); return q + 4;
            case 1: Need(q, 12, end, "a datatype"); return q + 12;
            case 2: Need(q, 2, end, "a datatype"); return q + 2;
            case 3 or 7: return q;
            case 4: Need(q, 4, end, "a datatype"); return q + 4;
            case 5:
                int tag = U8(p + 1);
                Need(q, tag, end, "an opaque datatype's tag");
                return q + tag;
            case 6:
                for (int i = 0; i < members; i++)
                {
                    switch (version)
                    {
                        case 1: q = Name(q, end, pad: true, "a compound member's name") + 32; break;
                        case 2: q = Name(q, end, pad: true, "a compound member's name") + 4; break;
                        case 3:
                            q = Name(q, end, pad: false, "a compound member's name");
                            int bytes = MinByteCount(size);
                            if (bytes is < 1 or > 8) throw new UnjudgedException();
                            q += bytes;
                            break;
                        default: throw new UnjudgedException();
                    }
                    q = DatatypeEnd(q, end, depth + 1);
                }
                return q;
            case 8:
                q = DatatypeEnd(q, end, depth + 1);
                for (int i = 0; i < members; i++) q = Name(q, end, pad: version <= 2, "an enumeration member's name");
                Need(q, (long)members * size, end, $"an enumeration's {members} values of {size} bytes");
                return q + (long)members * size;
            case 9: return DatatypeEnd(q, end, depth + 1);
            case 10:
                Need(q, 1, end, "an array datatype");
                int rank = U8(q);
                q += 1 + (version == 2 ? 3 : 0);
                long dims = 4L * rank * (version == 2 ? 2 : 1);
                Need(q, dims, end, $"an array datatype of rank {rank}");
                return DatatypeEnd(q + dims, end, depth + 1);
            default: throw new UnjudgedException();
        }
    }

    static int MinByteCount(ulong value)
    {
        int bits = 1;
        while ((value >>= 1) != 0) bits++;
        return (bits + 7) / 8;
    }

    /// <summary>A NUL-terminated name at <paramref name="p"/> inside its message; returns where it ends (padded to 8 bytes if asked).</summary>
    long Name(long p, long end, bool pad, string what)
    {
        long q = p;
        while (true)
        {
            if (q >= end) throw new DamagedException($"{what} reaches past the end of its object header message");
            if (U8(q) == 0) break;
            q++;
        }
        long n = q - p + 1;
        q++;
        if (pad) q += (8 - n % 8) % 8;
        return q;
    }

    void FillValue(Message m)
    {
        Need(m.Start, 2, m.End, "a fill value");
        int version = U8(m.Start);
        long sizeAt;
        if (version is 1 or 2)
        {
            Need(m.Start, 4, m.End, "a fill value");
            if (U8(m.Start + 3) != 1) return;
            sizeAt = m.Start + 4;
        }
        else if (version == 3)
        {
            int flags = U8(m.Start + 1);
            if ((flags & 0x10) != 0 || (flags & 0x20) == 0) return;
            sizeAt = m.Start + 2;
        }
        else return;
        Need(sizeAt, 4, m.End, "a fill value");
        uint size = U32(sizeAt);
        Need(sizeAt + 4, size, m.End, $"a fill value of {size} bytes");
    }

    void Layout(Message m)
    {
        Need(m.Start, 8, m.End, "a data layout");
        int version = U8(m.Start);
        if (version is not (1 or 2)) return; // versions 3 and 4 hold a compact size of 16 bits
        int rank = U8(m.Start + 1), cls = U8(m.Start + 2);
        long q = m.Start + 8;
        if (cls is 1 or 2) q += offsetSize;
        else if (cls != 0) return;
        q += 4L * rank;
        if (cls != 0) return;
        Need(q, 4, m.End, "a compact data layout");
        uint size = U32(q);
        Need(q + 4, size, m.End, $"a compact data layout of {size} bytes");
    }

    void Link(Message m)
    {
        Need(m.Start, 2, m.End, "a link");
        int flags = U8(m.Start + 1);
        long q = m.Start + 2;
        int type = 0;
        if ((flags & 0x08) != 0) { Need(q, 1, m.End, "a link"); type = U8(q); q++; }
        if ((flags & 0x04) != 0) q += 8;
        if ((flags & 0x10) != 0) q += 1;
        int w = 1 << (flags & 3);
        Need(q, w, m.End, "a link");
        ulong nameLength = UInt(q, w);
        q += w;
        if (nameLength > (ulong)(m.End - q))
            throw new DamagedException($"a link name of {nameLength} bytes reaches past the end of its object header message");
        q += (long)nameLength;
        if (type != 0) return; // soft, external and user-defined links name no object header here
        Need(q, offsetSize, m.End, "a hard link");
        Reach(Offset(q), "the object of a hard link");
    }

    void SymbolTable(Message m)
    {
        Need(m.Start, 2L * offsetSize, m.End, "a symbol table message");
        ulong tree = Offset(m.Start), heap = Offset(m.Start + offsetSize);
        LocalHeap(heap);
        GroupTree(tree);
    }

    void LocalHeap(ulong address)
    {
        if (Undefined(address)) return;
        long h = Resolve(address, 8 + 2UL * (ulong)lengthSize + (ulong)offsetSize, "a local heap");
        if (U8(h) != 'H' || U8(h + 1) != 'E' || U8(h + 2) != 'A' || U8(h + 3) != 'P') return; // PureHDF refuses
        ulong size = Length(h + 8);
        ulong data = Offset(h + 8 + 2L * lengthSize);
        Resolve(data, size, "a local heap's data segment");
    }

    /// <summary>The v1 B-tree of a group: internal nodes, then the symbol table nodes whose entries name object headers.</summary>
    void GroupTree(ulong root)
    {
        if (Undefined(root)) return;
        var stack = new Stack<(ulong Address, int Level)>();
        stack.Push((root, -1));
        long nodeHeader = 8 + 2L * offsetSize;
        while (stack.Count > 0)
        {
            var (address, expected) = stack.Pop();
            long n = Resolve(address, (ulong)nodeHeader, "a group B-tree node");
            if (U8(n) != 'T' || U8(n + 1) != 'R' || U8(n + 2) != 'E' || U8(n + 3) != 'E') continue; // PureHDF refuses
            int level = U8(n + 5), entries = U16(n + 6);
            if (expected >= 0 && level != expected)
                throw new DamagedException($"the group B-tree node at byte {n} has level {level} where its parent's children have level {expected}");
            if (!nodes.Add(n))
                throw new DamagedException($"the group B-tree node at byte {n} is reached twice (a cycle)");
            long step = lengthSize + offsetSize;
            long size = nodeHeader + entries * step + lengthSize;
            Resolve(address, (ulong)size, $"a group B-tree node of {entries} entries");
            Walk(size);
            for (int i = 0; i < entries; i++)
            {
                ulong child = Offset(n + nodeHeader + i * step + lengthSize);
                if (level > 0) stack.Push((child, level - 1));
                else SymbolTableNode(child);
            }
        }
    }

    void SymbolTableNode(ulong address)
    {
        if (Undefined(address)) return;
        long n = Resolve(address, 8, "a symbol table node");
        if (U8(n) != 'S' || U8(n + 1) != 'N' || U8(n + 2) != 'O' || U8(n + 3) != 'D') return; // PureHDF refuses
        if (!nodes.Add(n))
            throw new DamagedException($"the symbol table node at byte {n} is reached twice (a cycle)");
        int count = U16(n + 6);
        long entry = 2L * offsetSize + 24;
        Resolve(address, (ulong)(8 + count * entry), $"a symbol table node of {count} entries");
        Walk(8 + count * entry);
        for (int i = 0; i < count; i++)
            Reach(Offset(n + 8 + i * entry + offsetSize), "the object of a symbol table entry");
    }

    /// <summary>
    /// An attribute message, decoded as PureHDF decodes it (name up to its NUL, the datatype by its structure, the
    /// version-1 padding from the sizes the message states): the data its dataspace and datatype claim must fit in the
    /// rest of the message.
    /// </summary>
    void Attribute(Message m, List<long> targets)
    {
        long p = m.Start, end = m.End;
        Need(p, 8, end, "an attribute");
        int version = U8(p);
        int flags = version == 1 ? 0 : U8(p + 1);
        int datatypeSize = U16(p + 4), dataspaceSize = U16(p + 6);
        long q = p + 8 + (version == 3 ? 1 : 0);
        long nameStart = q;
        q = Name(q, end, pad: version == 1, "an attribute's name");
        string name = AttributeName(nameStart);

        long datatype;
        if ((flags & 1) != 0)
        {
            (long target, q) = Shared(q, end);
            targets.Add(target);
            datatype = SharedDatatype(target, 0);
        }
        else
        {
            datatype = q;
            q = DatatypeEnd(q, end, 0);
        }
        ulong elementSize = U32(datatype + 4);
        if (version == 1) q += Pad8(datatypeSize);

        UInt128? count;
        if ((flags & 2) != 0)
        {
            (long target, q) = Shared(q, end);
            targets.Add(target);
            count = SharedDataspaceCount(target, 0);
        }
        else (count, q) = Dataspace(q, end);
        if (version == 1) q += Pad8(dataspaceSize);
        if (count is not { } c) return; // PureHDF refuses the dataspace before reading the data

        UInt128 bytes = c * elementSize;
        long room = Math.Max(0, end - q);
        if (q > end || bytes > (ulong)room)
            throw new DamagedException($"attribute '{name}' claims {(c > ulong.MaxValue ? "more than 2^64" : c.ToString())} elements of {elementSize} bytes, but its object header message holds {room} bytes of data");
        if ((U8(datatype) & 0x0F) == 9 && elementSize >= 8 + (ulong)offsetSize)
        {
            // variable-length data (h5py's strings): each element names an object in a global heap collection
            for (long i = 0; i < (long)c; i++)
            {
                long id = q + i * (long)elementSize + 4;
                GlobalHeapCollection(Offset(id), U32(id + offsetSize));
            }
        }
    }

    /// <summary>
    /// A global heap collection that variable-length data names, walked as PureHDF walks it when it reads one of its
    /// objects: every object's size must fit in the collection, and the collection in the file.
    /// </summary>
    void GlobalHeapCollection(ulong address, uint index)
    {
        if ((address == 0 && index == 0) || Undefined(address)) return;
        long hs = 8L + lengthSize;
        long c = Resolve(address, (ulong)hs, "a global heap collection");
        if (!collections.Add(c)) return;
        if (U8(c) != 'G' || U8(c + 1) != 'C' || U8(c + 2) != 'O' || U8(c + 3) != 'L') return; // PureHDF refuses
        ulong size = Length(c + 8);
        if (size < (ulong)hs)
            throw new DamagedException($"the global heap collection at byte {c} is {size} bytes long, shorter than its header");
        Resolve(address, size, "a global heap collection");
        Walk((long)size);
        long pos = c + hs, remaining = (long)size - hs;
        while (remaining > hs)
        {
            if (U16(pos) == 0) break; // free space
            ulong objectSize = Length(pos + 8);
            if (objectSize > (ulong)(remaining - hs) || hs + (long)((objectSize + 7) & ~7UL) > remaining)
                throw new DamagedException($"a global heap object of {objectSize} bytes at byte {pos} reaches past its collection");
            long consumed = hs + (long)((objectSize + 7) & ~7UL);
            remaining -= consumed;
            pos += consumed;
        }
    }

    static int Pad8(int size) => (8 - size % 8) % 8;

    string AttributeName(long p)
    {
        var bytes = new List<byte>();
        for (long q = p; bytes.Count < 64; q++)
        {
            int b = U8(q);
            if (b == 0) break;
            bytes.Add((byte)b);
        }
        return Encoding.UTF8.GetString(bytes.ToArray());
    }

    /// <summary>Where the first datatype message in the object header <paramref name="h"/> starts, as PureHDF resolves a shared datatype.</summary>
    long SharedDatatype(long h, int depth)
    {
        var m = SharedMessage(h, 0x03, depth);
        if ((m.Flags & 0x02) != 0) return SharedDatatype(Shared(m.Start, m.End).Target, depth + 1);
        Need(m.Start, 8, m.End, "a shared datatype");
        return m.Start;
    }

    UInt128? SharedDataspaceCount(long h, int depth)
    {
        var m = SharedMessage(h, 0x01, depth);
        if ((m.Flags & 0x02) != 0) return SharedDataspaceCount(Shared(m.Start, m.End).Target, depth + 1);
        return Dataspace(m.Start, m.End).Count;
    }

    Message SharedMessage(long h, int type, int depth)
    {
        if (depth > MaxSharedDepth)
            throw new DamagedException($"shared messages nest more than {MaxSharedDepth} deep or form a cycle (object header at byte {h})");
        foreach (var m in Header(h))
            if (m.Type == type) return m;
        throw new UnjudgedException(); // PureHDF finds no such message and refuses
    }
}
