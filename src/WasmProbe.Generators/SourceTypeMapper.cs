using System.Globalization;
using WasmProbe.Wasm.Dwarf.Variables;

namespace WasmProbe.Generators;

/// <summary>C# types for source types, for typed <c>Variables</c> views: base types by encoding and size (C
/// <c>int</c> → int, <c>unsigned long long</c> → ulong, <c>char</c> → sbyte, <c>_Bool</c> → bool, Rust <c>char</c> →
/// Rune, <c>&amp;str</c> → string), structures and unions → generated views with a property per member, enums →
/// generated C# enums, arrays and Rust slices → SourceArray, pointers and references → SourcePointer; anything else
/// (Rust enums with data, functions, opaque structures, types past <see cref="MaxTypes"/>) stays an untyped
/// VariableValue. Each structure or enum is generated once per probe class (its views share them), named after its
/// source name.</summary>
internal sealed class SourceTypeMapper
{
    /// <summary>Bounds the generated code for modules whose structures reach hundreds of others (SQLite).</summary>
    public const int MaxTypes = 256;

    private const string Probes = "global::WasmProbe.Probes";
    private const string Untyped = "global::WasmProbe.Wasm.Dwarf.Variables.VariableValue";
    private const string Holder = "SourceTypes";

    private readonly Dictionary<int, string> _named = [];
    private readonly HashSet<string> _names = new(StringComparer.Ordinal) { Holder };
    private readonly List<SourceTypeSpec?> _types = [];

    public EquatableArray<SourceTypeSpec> Types => _types.Select(t => t!).ToEquatableArray();

    /// <summary>The C# type and read expression (<c>{0}</c>: the untyped value) of <paramref name="type"/>.</summary>
    public (string Clr, string Read) Map(DwarfType type, int depth = 0)
    {
        var resolved = type.Resolved;
        switch (resolved.Kind)
        {
            case DwarfTypeKind.Base when Base(resolved) is { } scalar:
                return (scalar.Clr, $"{Probes}.SourceValue.{scalar.Reader}({{0}})");
            case DwarfTypeKind.Enumeration when resolved.Enumerators.Count > 0 && Named(resolved, isEnum: true) is { } enumName:
                return (Holder + "." + enumName, $"({Holder}.{enumName})({{0}}).AsInteger()");
            case DwarfTypeKind.Array when resolved.ElementType is { } element:
                return Elements("SourceArray", element, depth);
            case DwarfTypeKind.Structure when VariableValue.IsRustSlice(resolved):
                if (VariableValue.IsString(resolved)) return ("string", $"{Probes}.SourceValue.String({{0}})");
                return resolved.Member("data_ptr")!.Type.Resolved.Target is { } sliceElement ? Elements("SourceArray", sliceElement, depth) : (Untyped, "{0}");
            case DwarfTypeKind.Pointer or DwarfTypeKind.Reference:
                var target = resolved.Target?.Resolved;
                return target is null or { Kind: DwarfTypeKind.Void or DwarfTypeKind.Function } ? ($"{Probes}.SourcePointer<{Untyped}>", $"new {Probes}.SourcePointer<{Untyped}>({{0}}, static x => x)") : Elements("SourcePointer", target, depth);
            case DwarfTypeKind.Structure or DwarfTypeKind.Class or DwarfTypeKind.Union when resolved.VariantPart is null && resolved.Members.Any(m => m.Name is not null)
                && Named(resolved, isEnum: false) is { } structName:
                return (Holder + "." + structName, $"new {Holder}.{structName}({{0}})");
            default:
                return (Untyped, "{0}");
        }
    }

    private (string Clr, string Read) Elements(string view, DwarfType element, int depth)
    {
        var (clr, read) = Map(element, depth + 1);
        string x = "x" + depth.ToString(CultureInfo.InvariantCulture);
        return ($"{Probes}.{view}<{clr}>", $"new {Probes}.{view}<{clr}>({{0}}, static {x} => {string.Format(CultureInfo.InvariantCulture, read, x)})");
    }

    private static (string Clr, string Reader)? Base(DwarfType type) => (type.Encoding, type.Size) switch
    {
        (BaseEncoding.Boolean, _) => ("bool", "Boolean"),
        (BaseEncoding.Float, 4) => ("float", "Single"),
        (BaseEncoding.Float, 8) => ("double", "Double"),
        (BaseEncoding.Utf, 4) => ("global::System.Text.Rune", "Rune"),
        (BaseEncoding.Utf, 2) => ("ushort", "UInt16"),
        (BaseEncoding.Signed or BaseEncoding.SignedChar, 1) => ("sbyte", "SByte"),
        (BaseEncoding.Unsigned or BaseEncoding.UnsignedChar or BaseEncoding.Utf, 1) => ("byte", "Byte"),
        (BaseEncoding.Signed, 2) => ("short", "Int16"),
        (BaseEncoding.Unsigned, 2) => ("ushort", "UInt16"),
        (BaseEncoding.Signed, 4) => ("int", "Int32"),
        (BaseEncoding.Unsigned, 4) => ("uint", "UInt32"),
        (BaseEncoding.Signed, 8) => ("long", "Int64"),
        (BaseEncoding.Unsigned, 8) => ("ulong", "UInt64"),
        _ => null,
    };

    /// <summary>The generated type's name, reserving it (and generating its members) on first use; null past
    /// <see cref="MaxTypes"/>.</summary>
    private string? Named(DwarfType type, bool isEnum)
    {
        if (_named.TryGetValue(type.DieOffset, out var known)) return known;
        if (_types.Count >= MaxTypes) return null;
        string name = Identifiers.Sanitize(LastSegment(type.DeclaredName) ?? (isEnum ? "anonymous_enum" : "anonymous"));
        for (int n = 2; !_names.Add(name); n++) name = Identifiers.Sanitize(LastSegment(type.DeclaredName) ?? "anonymous") + "_" + n.ToString(CultureInfo.InvariantCulture);
        name = Identifiers.Escape(name);
        _named[type.DieOffset] = name;
        int slot = _types.Count;
        _types.Add(null);
        _types[slot] = isEnum
            ? new SourceTypeSpec(name, type.Name, true, EquatableArray<SourceMemberSpec>.Empty,
                Identifiers.Assign(type.Enumerators.Select(e => e.Name).ToList(), "value", [name]).Zip(type.Enumerators, (id, e) => new SourceEnumeratorSpec(id, e.Value)).ToEquatableArray())
            : new SourceTypeSpec(name, type.Name, false, Members(type, name), EquatableArray<SourceEnumeratorSpec>.Empty);
        return name;
    }

    private EquatableArray<SourceMemberSpec> Members(DwarfType type, string typeName)
    {
        var members = type.Members.Where(m => m.Name is not null && !m.IsArtificial).ToList();
        var identifiers = Identifiers.Assign(members.Select(m => m.Name).ToList(), "member", [typeName, "Untyped"]);
        return members.Select((m, i) =>
        {
            var (clr, read) = Map(m.Type);
            return new SourceMemberSpec(m.Name!, identifiers[i], m.Type.Name, clr, string.Format(CultureInfo.InvariantCulture, read, $"{Probes}.SourceValue.Member(Untyped, {Identifiers.Literal(m.Name!)})"));
        }).ToEquatableArray();
    }

    private static string? LastSegment(string? name)
    {
        if (name is null) return null;
        int angle = name.IndexOf('<');
        string head = angle >= 0 ? name.Substring(0, angle) : name;
        int colon = head.LastIndexOf("::", StringComparison.Ordinal);
        return colon >= 0 ? head.Substring(colon + 2) : head;
    }
}
