using System.Globalization;

namespace WasmProbe.Wasm.Dwarf.Variables;

/// <summary>Spells types as their source language does. C and C++ build a declarator inside out (<c>int *</c>,
/// <c>int[2][3]</c>, <c>int (*)[8]</c>, <c>char *const</c>, <c>int (*)(int)</c>); Rust types carry their names in
/// the DWARF, except arrays (<c>[T; n]</c>) and unnamed pointers.</summary>
internal static class TypeNames
{
    private const int MaxDepth = 24;

    public static string Spell(DwarfType type) =>
        type.Language == SourceLanguage.Rust ? Rust(type, 0) : C(type, "", 0);

    private static string Rust(DwarfType type, int depth)
    {
        if (type.DeclaredName is { } name) return name;
        if (depth >= MaxDepth) return "…";
        return type.Kind switch
        {
            DwarfTypeKind.Void => "()",
            DwarfTypeKind.Array => ArrayOf(type, depth),
            DwarfTypeKind.Pointer => "*const " + Rust(type.Target!, depth + 1),
            DwarfTypeKind.Reference => "&" + Rust(type.Target!, depth + 1),
            DwarfTypeKind.Const or DwarfTypeKind.Volatile or DwarfTypeKind.OtherQualifier or DwarfTypeKind.Typedef => Rust(type.Target!, depth + 1),
            DwarfTypeKind.Function => $"fn({string.Join(", ", type.Parameters.Select(p => Rust(p, depth + 1)))}) -> {Rust(type.Target!, depth + 1)}",
            _ => "<unnamed>",
        };

        static string ArrayOf(DwarfType array, int depth)
        {
            string element = Rust(array.Target!, depth + 1);
            for (int i = array.Dimensions.Count - 1; i >= 0; i--) element = $"[{element}; {Count(array.Dimensions[i])}]";
            return element;
        }
    }

    private static string C(DwarfType type, string declarator, int depth)
    {
        if (depth >= MaxDepth) return Join("…", declarator);
        switch (type.Kind)
        {
            case DwarfTypeKind.Void:
                return Join("void", declarator);
            case DwarfTypeKind.Pointer:
            case DwarfTypeKind.Reference:
            {
                string inner = (type.Kind == DwarfTypeKind.Pointer ? "*" : "&") + declarator;
                var target = type.Target!;
                if (target.Kind is DwarfTypeKind.Array or DwarfTypeKind.Function) inner = "(" + inner + ")";
                return C(target, inner, depth + 1);
            }
            case DwarfTypeKind.Const:
            case DwarfTypeKind.Volatile:
            {
                string qualifier = type.Kind == DwarfTypeKind.Const ? "const" : "volatile";
                var target = type.Target!;
                // A qualified pointer qualifies the declarator (int *const p); anything else the type (const int).
                if (target.IsPointer) return C(target, declarator.Length == 0 ? qualifier : qualifier + " " + declarator, depth + 1);
                return qualifier + " " + C(target, declarator, depth + 1);
            }
            case DwarfTypeKind.OtherQualifier:
                return C(type.Target!, declarator, depth + 1);
            case DwarfTypeKind.Array:
            {
                string dimensions = string.Concat(type.Dimensions.Select(d => "[" + (d is null ? "" : Count(d)) + "]"));
                return C(type.Target!, declarator + dimensions, depth + 1);
            }
            case DwarfTypeKind.Function:
            {
                string parameters = type.Parameters.Count == 0 ? "void" : string.Join(", ", type.Parameters.Select(p => C(p, "", depth + 1)));
                return C(type.Target!, declarator + "(" + parameters + ")", depth + 1);
            }
            default:
                return Join(Tagged(type), declarator);
        }
    }

    /// <summary>C names structures, unions and enums with their keyword; C++ does not need it.</summary>
    private static string Tagged(DwarfType type)
    {
        string? keyword = type.Kind switch
        {
            DwarfTypeKind.Structure => "struct",
            DwarfTypeKind.Class => "class",
            DwarfTypeKind.Union => "union",
            DwarfTypeKind.Enumeration => "enum",
            _ => null,
        };
        if (keyword is null) return type.DeclaredName ?? "<unnamed>";
        if (type.DeclaredName is null) return keyword + " <anonymous>";
        return type.Language == SourceLanguage.C ? keyword + " " + type.DeclaredName : type.DeclaredName;
    }

    private static string Join(string specifier, string declarator) =>
        declarator.Length == 0 ? specifier : declarator[0] == '[' ? specifier + declarator : specifier + " " + declarator;

    private static string Count(long? count) => count is { } n ? n.ToString(CultureInfo.InvariantCulture) : "?";
}
