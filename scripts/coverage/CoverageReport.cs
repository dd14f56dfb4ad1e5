// Summarises coverlet's Cobertura reports of the library: line and branch coverage per folder of src/NeuralSpin,
// and the public members of the library none of whose lines ran. Run by scripts/coverage.sh:
//   dotnet run scripts/coverage/CoverageReport.cs -- <NeuralSpin.dll> <coverage.cobertura.xml>...
// Several reports (one per test project) are merged line by line: a line counts as covered if any report covered
// it; a line's branches count as covered up to the largest number any single report covered (a lower bound).
// "Public" means visible outside the assembly (public or protected, in a visible type). Members without a body of
// their own in source (abstract, interface, auto-property accessors and other compiler-generated members, members
// marked ExcludeFromCodeCoverage) are not listed.
using System.Globalization;
using System.Reflection;
using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using System.Text;
using System.Text.RegularExpressions;
using System.Xml.Linq;

if (args.Length < 2)
{
    Console.Error.WriteLine("usage: CoverageReport.cs <NeuralSpin.dll> <coverage.cobertura.xml>...");
    return 2;
}

var lines = new Dictionary<(string File, int Line), LineInfo>();
// (class, method name) -> the lines of its body, with the signature coverlet reports
var methods = new Dictionary<(string Class, string Name), List<(string Signature, List<(string, int)> Lines)>>();
foreach (var report in args.Skip(1))
{
    var doc = XDocument.Load(report);
    foreach (var cls in doc.Descendants("class"))
    {
        var className = (string)cls.Attribute("name")!;
        var file = Normalise((string)cls.Attribute("filename")!);
        foreach (var method in cls.Element("methods")?.Elements("method") ?? [])
        {
            var key = (className, (string)method.Attribute("name")!);
            var signature = (string)method.Attribute("signature")!;
            if (!methods.TryGetValue(key, out var overloads)) methods[key] = overloads = [];
            var entry = overloads.FirstOrDefault(o => o.Signature == signature);
            if (entry.Lines is null) overloads.Add(entry = (signature, []));
            foreach (var line in method.Element("lines")?.Elements("line") ?? [])
                entry.Lines.Add((file, (int)line.Attribute("number")!));
        }
        foreach (var line in cls.Element("lines")?.Elements("line") ?? [])
        {
            var key = (file, (int)line.Attribute("number")!);
            var hits = long.Parse((string)line.Attribute("hits")!, CultureInfo.InvariantCulture);
            var (covered, total) = Conditions((string?)line.Attribute("condition-coverage"));
            lines[key] = lines.TryGetValue(key, out var old)
                ? new LineInfo(old.Hits + hits, Math.Max(old.BranchesCovered, covered), Math.Max(old.Branches, total))
                : new LineInfo(hits, covered, total);
        }
    }
}

// per folder of src/NeuralSpin
var folders = lines.GroupBy(kv => Folder(kv.Key.File)).OrderBy(g => g.Key, StringComparer.Ordinal).ToList();
Console.WriteLine("Line and branch coverage of the library per folder (src/NeuralSpin/<folder>):");
Console.WriteLine();
Console.WriteLine("| folder | lines | line % | branches | branch % |");
Console.WriteLine("|---|---:|---:|---:|---:|");
void Row(string name, IEnumerable<LineInfo> infos)
{
    var list = infos.ToList();
    int covered = list.Count(l => l.Hits > 0), total = list.Count;
    int bCovered = list.Sum(l => l.BranchesCovered), bTotal = list.Sum(l => l.Branches);
    Console.WriteLine($"| {name} | {covered}/{total} | {Percent(covered, total)} | {bCovered}/{bTotal} | {Percent(bCovered, bTotal)} |");
}
foreach (var folder in folders) Row(folder.Key, folder.Select(kv => kv.Value));
Row("**library**", lines.Values);
Console.WriteLine();

// public members whose lines never ran
var uncovered = new List<(string Folder, string Member)>();
using (var stream = File.OpenRead(args[0]))
using (var pe = new PEReader(stream))
{
    var md = pe.GetMetadataReader();
    foreach (var typeHandle in md.TypeDefinitions)
    {
        var type = md.GetTypeDefinition(typeHandle);
        if (!IsVisible(md, type) || IsExcluded(md, type.GetCustomAttributes())) continue;
        var typeName = TypeName(md, typeHandle);
        var typeParams = type.GetGenericParameters().Select(h => md.GetString(md.GetGenericParameter(h).Name)).ToArray();
        foreach (var methodHandle in type.GetMethods())
        {
            var method = md.GetMethodDefinition(methodHandle);
            var access = method.Attributes & MethodAttributes.MemberAccessMask;
            if (access is not (MethodAttributes.Public or MethodAttributes.Family or MethodAttributes.FamORAssem)) continue;
            if ((method.Attributes & MethodAttributes.Abstract) != 0 || method.RelativeVirtualAddress == 0) continue;
            var name = md.GetString(method.Name);
            if (name.StartsWith('<') || IsExcluded(md, method.GetCustomAttributes())) continue;
            var methodParams = method.GetGenericParameters().Select(h => md.GetString(md.GetGenericParameter(h).Name)).ToArray();
            var sig = method.DecodeSignature(new CecilNames(), (typeParams, methodParams));
            var signature = "(" + string.Join(",", sig.ParameterTypes) + ")";
            if (!methods.TryGetValue((typeName, name), out var overloads)) continue; // not instrumented
            // coverlet cuts signatures at the last '(' (modreq(...)); fall back to all overloads of the name
            var match = overloads.Where(o => o.Signature == signature).ToList();
            if (match.Count == 0) match = overloads;
            // iterator and async bodies live in a state machine class named <name>d__N
            var bodyLines = match.SelectMany(o => o.Lines)
                .Concat(methods.Where(m => m.Key.Class.StartsWith(typeName + "/<" + name + ">d__", StringComparison.Ordinal))
                    .SelectMany(m => m.Value.SelectMany(o => o.Lines)))
                .Distinct().ToList();
            if (bodyLines.Count == 0 || bodyLines.Any(l => lines.TryGetValue(l, out var info) && info.Hits > 0)) continue;
            var shown = name.StartsWith("get_", StringComparison.Ordinal) || name.StartsWith("set_", StringComparison.Ordinal) ? "" : signature;
            uncovered.Add((Folder(bodyLines[0].Item1), $"{typeName.Replace('/', '.')}.{Display(name)}{shown}"));
        }
    }
}
Console.WriteLine($"Public members none of whose lines ran: {uncovered.Count}");
foreach (var group in uncovered.Distinct().GroupBy(u => u.Folder).OrderBy(g => g.Key, StringComparer.Ordinal))
{
    Console.WriteLine();
    Console.WriteLine($"{group.Key} ({group.Count()}):");
    foreach (var (_, member) in group.OrderBy(u => u.Member, StringComparer.Ordinal)) Console.WriteLine($"  {member}");
}
return 0;

static string Normalise(string path) => path.Replace('\\', '/');

static string Folder(string file)
{
    const string Root = "src/NeuralSpin/";
    var i = file.LastIndexOf(Root, StringComparison.Ordinal);
    var rel = i >= 0 ? file[(i + Root.Length)..] : file;
    var slash = rel.IndexOf('/');
    return slash < 0 ? "(root)" : rel[..slash];
}

static (int Covered, int Total) Conditions(string? text)
{
    // coverlet writes condition-coverage="50% (1/2)"
    if (text is null) return (0, 0);
    var m = Regex.Match(text, @"\((\d+)/(\d+)\)");
    return m.Success ? (int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture), int.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture)) : (0, 0);
}

static string Percent(int covered, int total) =>
    total == 0 ? "-" : (100.0 * covered / total).ToString("F1", CultureInfo.InvariantCulture);

static string Display(string name) => name switch
{
    ".ctor" => "ctor",
    _ when name.StartsWith("get_", StringComparison.Ordinal) => name[4..] + " { get; }",
    _ when name.StartsWith("set_", StringComparison.Ordinal) => name[4..] + " { set; }",
    _ => name,
};

static string TypeName(MetadataReader md, TypeDefinitionHandle handle)
{
    var type = md.GetTypeDefinition(handle);
    var declaring = type.GetDeclaringType();
    if (!declaring.IsNil) return TypeName(md, declaring) + "/" + md.GetString(type.Name);
    var ns = md.GetString(type.Namespace);
    return ns.Length == 0 ? md.GetString(type.Name) : ns + "." + md.GetString(type.Name);
}

static bool IsVisible(MetadataReader md, TypeDefinition type)
{
    var visibility = type.Attributes & TypeAttributes.VisibilityMask;
    if (visibility == TypeAttributes.Public) return true;
    if (visibility is not (TypeAttributes.NestedPublic or TypeAttributes.NestedFamily or TypeAttributes.NestedFamORAssem)) return false;
    return IsVisible(md, md.GetTypeDefinition(type.GetDeclaringType()));
}

static bool IsExcluded(MetadataReader md, CustomAttributeHandleCollection attributes)
{
    foreach (var handle in attributes)
    {
        var ctor = md.GetCustomAttribute(handle).Constructor;
        string name = ctor.Kind switch
        {
            HandleKind.MemberReference => md.GetMemberReference((MemberReferenceHandle)ctor).Parent is { Kind: HandleKind.TypeReference } p
                ? md.GetString(md.GetTypeReference((TypeReferenceHandle)p).Name) : "",
            HandleKind.MethodDefinition => md.GetString(md.GetTypeDefinition(md.GetMethodDefinition((MethodDefinitionHandle)ctor).GetDeclaringType()).Name),
            _ => "",
        };
        if (name is "CompilerGeneratedAttribute" or "ExcludeFromCodeCoverageAttribute") return true;
    }
    return false;
}

record struct LineInfo(long Hits, int BranchesCovered, int Branches);

/// <summary>Type names as Mono.Cecil's FullName writes them (coverlet's signatures).</summary>
sealed class CecilNames : ISignatureTypeProvider<string, (string[] Type, string[] Method)>
{
    public string GetPrimitiveType(PrimitiveTypeCode typeCode) => typeCode switch
    {
        PrimitiveTypeCode.Boolean => "System.Boolean", PrimitiveTypeCode.Byte => "System.Byte", PrimitiveTypeCode.SByte => "System.SByte",
        PrimitiveTypeCode.Char => "System.Char", PrimitiveTypeCode.Int16 => "System.Int16", PrimitiveTypeCode.UInt16 => "System.UInt16",
        PrimitiveTypeCode.Int32 => "System.Int32", PrimitiveTypeCode.UInt32 => "System.UInt32", PrimitiveTypeCode.Int64 => "System.Int64",
        PrimitiveTypeCode.UInt64 => "System.UInt64", PrimitiveTypeCode.Single => "System.Single", PrimitiveTypeCode.Double => "System.Double",
        PrimitiveTypeCode.IntPtr => "System.IntPtr", PrimitiveTypeCode.UIntPtr => "System.UIntPtr", PrimitiveTypeCode.Object => "System.Object",
        PrimitiveTypeCode.String => "System.String", PrimitiveTypeCode.TypedReference => "System.TypedReference", PrimitiveTypeCode.Void => "System.Void",
        _ => typeCode.ToString(),
    };
    public string GetTypeFromDefinition(MetadataReader reader, TypeDefinitionHandle handle, byte rawTypeKind)
    {
        var type = reader.GetTypeDefinition(handle);
        var declaring = type.GetDeclaringType();
        if (!declaring.IsNil) return GetTypeFromDefinition(reader, declaring, 0) + "/" + reader.GetString(type.Name);
        var ns = reader.GetString(type.Namespace);
        return ns.Length == 0 ? reader.GetString(type.Name) : ns + "." + reader.GetString(type.Name);
    }
    public string GetTypeFromReference(MetadataReader reader, TypeReferenceHandle handle, byte rawTypeKind)
    {
        var type = reader.GetTypeReference(handle);
        if (type.ResolutionScope.Kind == HandleKind.TypeReference)
            return GetTypeFromReference(reader, (TypeReferenceHandle)type.ResolutionScope, 0) + "/" + reader.GetString(type.Name);
        var ns = reader.GetString(type.Namespace);
        return ns.Length == 0 ? reader.GetString(type.Name) : ns + "." + reader.GetString(type.Name);
    }
    public string GetTypeFromSpecification(MetadataReader reader, (string[] Type, string[] Method) context, TypeSpecificationHandle handle, byte rawTypeKind) =>
        reader.GetTypeSpecification(handle).DecodeSignature(this, context);
    public string GetSZArrayType(string elementType) => elementType + "[]";
    public string GetArrayType(string elementType, ArrayShape shape)
    {
        var dims = new StringBuilder();
        for (var i = 0; i < shape.Rank; i++)
        {
            if (i > 0) dims.Append(',');
            int? lower = i < shape.LowerBounds.Length ? shape.LowerBounds[i] : null;
            int? size = i < shape.Sizes.Length ? shape.Sizes[i] : null;
            if (lower is not null || size is not null) dims.Append(lower).Append("...").Append(size is null ? "" : (lower ?? 0) + size - 1);
        }
        return elementType + "[" + dims + "]";
    }
    public string GetByReferenceType(string elementType) => elementType + "&";
    public string GetPointerType(string elementType) => elementType + "*";
    public string GetPinnedType(string elementType) => elementType + " pinned";
    public string GetGenericInstantiation(string genericType, System.Collections.Immutable.ImmutableArray<string> typeArguments) =>
        genericType + "<" + string.Join(",", typeArguments) + ">";
    public string GetGenericTypeParameter((string[] Type, string[] Method) context, int index) => index < context.Type.Length ? context.Type[index] : "!" + index;
    public string GetGenericMethodParameter((string[] Type, string[] Method) context, int index) => index < context.Method.Length ? context.Method[index] : "!!" + index;
    public string GetModifiedType(string modifier, string unmodifiedType, bool isRequired) =>
        unmodifiedType + (isRequired ? " modreq(" : " modopt(") + modifier + ")";
    public string GetFunctionPointerType(MethodSignature<string> signature) => "method " + signature.ReturnType + " *(" + string.Join(",", signature.ParameterTypes) + ")";
}
