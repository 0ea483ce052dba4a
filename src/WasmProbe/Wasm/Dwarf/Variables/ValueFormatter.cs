using System.Globalization;
using System.Text;

namespace WasmProbe.Wasm.Dwarf.Variables;

/// <summary>Formats values the way the source language writes them: C aggregates as <c>{a = 1, b = 2}</c>, Rust ones
/// as <c>Point { x: 1, y: 2 }</c>, <c>[1, 2]</c>, <c>Some(42)</c>, <c>"text"</c>.</summary>
internal static class ValueFormatter
{
    private const int MaxDepth = 3;
    private const int MaxElements = 16;
    private const int MaxString = 64;
    public const string Unavailable = "<unavailable>";

    public static string Format(VariableValue value, int depth)
    {
        if (!value.IsAvailable) return Unavailable;
        var type = value.Type.Resolved;
        bool rust = type.Language == SourceLanguage.Rust;
        switch (type.Kind)
        {
            case DwarfTypeKind.Base: return Scalar(value, type);
            case DwarfTypeKind.Enumeration:
                if (!value.TryGetInteger(out long tag)) return Unavailable;
                return type.Enumerators.FirstOrDefault(e => e.Value == tag)?.Name ?? tag.ToString(CultureInfo.InvariantCulture);
            case DwarfTypeKind.Pointer or DwarfTypeKind.Reference: return Pointer(value, type);
        }
        if (depth >= MaxDepth) return rust && type.Kind == DwarfTypeKind.Array ? "[...]" : "{...}";
        if (value.RustSliceElements() is { } slice)
        {
            if (type.DeclaredName is "&str" or "&mut str") return Quote(slice.Data.ReadUpTo((int)Math.Min(slice.Length, MaxString)), slice.Length > MaxString);
            return "[" + Elements(value, depth, rust) + "]";
        }
        if (type.IsAggregate)
        {
            if (type.VariantPart is not null) return Variant(value, depth);
            var members = value.Children;
            if (!rust) return "{" + string.Join(", ", members.Select(m => $"{m.Name} = {Format(m, depth + 1)}")) + "}";
            return Rust(type.DeclaredName ?? "", members, depth);
        }
        if (type.Kind == DwarfTypeKind.Array)
        {
            string elements = Elements(value, depth, rust);
            return rust ? "[" + elements + "]" : "{" + elements + "}";
        }
        return "<" + value.Type.Name + ">";
    }

    private static string Elements(VariableValue value, int depth, bool rust)
    {
        var elements = value.Children;
        string shown = string.Join(", ", elements.Take(MaxElements).Select(e => Format(e, depth + 1)));
        return elements.Count > MaxElements ? shown + ", ..." : shown;
    }

    private static string Variant(VariableValue value, int depth)
    {
        if (value.ActiveVariant() is not { } variant) return Unavailable;
        return Rust(variant.Name ?? "", value.Children, depth);
    }

    /// <summary>Rust struct syntax: unit-like <c>None</c>, tuple-like <c>Some(42)</c> (fields named __0, __1...), or
    /// <c>Point { x: 3, y: -4 }</c>.</summary>
    private static string Rust(string name, IReadOnlyList<VariableValue> fields, int depth)
    {
        if (fields.Count == 0) return name;
        if (fields.All(f => f.Name.StartsWith("__", StringComparison.Ordinal))) return name + "(" + string.Join(", ", fields.Select(f => Format(f, depth + 1))) + ")";
        return name + " { " + string.Join(", ", fields.Select(f => $"{f.Name}: {Format(f, depth + 1)}")) + " }";
    }

    private static string Scalar(VariableValue value, DwarfType type)
    {
        var bytes = value.Bytes;
        if (bytes is null) return Unavailable;
        switch (type.Encoding)
        {
            case BaseEncoding.Float:
                return bytes.Length switch
                {
                    4 => BitConverter.ToSingle(bytes, 0).ToString("R", CultureInfo.InvariantCulture),
                    8 => BitConverter.ToDouble(bytes, 0).ToString("R", CultureInfo.InvariantCulture),
                    _ => "0x" + Hex(bytes),
                };
            case BaseEncoding.Boolean:
                return bytes.Any(b => b != 0) ? "true" : "false";
            case BaseEncoding.Utf:
                value.TryGetInteger(out long scalar);
                return VariableValue.IsUnicodeScalar(scalar) ? "'" + Escape(char.ConvertFromUtf32((int)scalar)) + "'" : "U+" + scalar.ToString("X4", CultureInfo.InvariantCulture);
        }
        if (!value.TryGetInteger(out long integer)) return "0x" + Hex(bytes);
        string number = VariableValue.IsSigned(type) ? integer.ToString(CultureInfo.InvariantCulture) : ((ulong)integer).ToString(CultureInfo.InvariantCulture);
        if (type.Encoding is BaseEncoding.SignedChar or BaseEncoding.UnsignedChar && bytes.Length == 1)
            return number + " '" + Escape(((char)bytes[0]).ToString()) + "'";
        return number;
    }

    private static string Pointer(VariableValue value, DwarfType type)
    {
        var bytes = value.Bytes;
        if (bytes is null) return Unavailable;
        string address = "0x" + Hex(bytes);
        var pointee = type.Target?.Resolved;
        bool charPointer = pointee is { Kind: DwarfTypeKind.Base, Encoding: BaseEncoding.SignedChar or BaseEncoding.UnsignedChar, Size: 1 } && type.Language != SourceLanguage.Rust;
        if (!charPointer || value.Dereference() is not { IsAvailable: true } target) return address;
        var text = target.ReadUpTo(MaxString + 1);
        int nul = Array.IndexOf(text, (byte)0);
        return address + " " + Quote(nul >= 0 ? [.. text.Take(nul)] : [.. text.Take(MaxString)], nul < 0);
    }

    private static string Hex(byte[] littleEndian)
    {
        var builder = new StringBuilder(littleEndian.Length * 2);
        for (int i = littleEndian.Length - 1; i >= 0; i--) builder.Append(littleEndian[i].ToString("x2", CultureInfo.InvariantCulture));
        return builder.ToString();
    }

    private static string Quote(byte[] utf8, bool truncated) =>
        "\"" + Escape(System.Text.Encoding.UTF8.GetString(utf8)) + "\"" + (truncated ? "..." : "");

    private static string Escape(string text)
    {
        var builder = new StringBuilder(text.Length);
        foreach (char c in text)
        {
            switch (c)
            {
                case '\\': builder.Append("\\\\"); break;
                case '"': builder.Append("\\\""); break;
                case '\'': builder.Append("\\'"); break;
                case '\n': builder.Append("\\n"); break;
                case '\t': builder.Append("\\t"); break;
                case '\0': builder.Append("\\0"); break;
                default:
                    if (c < 0x20 || c == 0x7f) builder.Append("\\x").Append(((int)c).ToString("x2", CultureInfo.InvariantCulture));
                    else builder.Append(c);
                    break;
            }
        }
        return builder.ToString();
    }
}
