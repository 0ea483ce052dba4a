using System.Text.Json;
using WasmProbe.Wasm.Dwarf.Variables;

namespace WasmProbe.Cli.Commands;

/// <summary>Source variables in <c>trace --vars</c> output, as JSON values of their source types: integers as numbers
/// (beyond ±2^53 as strings, as for wasm values), floats as numbers, <c>bool</c> as true/false, enums by enumerator
/// name, structures as objects keyed by member name (a Rust enum: <c>variant</c> and the active variant's fields),
/// arrays and Rust slices as arrays (char arrays too, as numbers), <c>&amp;str</c> as a string, pointers as
/// <c>{"address": N}</c>, and anything the compiler kept no location for as <c>"&lt;optimized out&gt;"</c>.</summary>
public static class VariableJson
{
    public const string OptimizedOut = "<optimized out>";
    private const int MaxDepth = 8;

    public static void Write(Utf8JsonWriter json, VariableValue value) => Write(json, value, 0);

    private static void Write(Utf8JsonWriter json, VariableValue value, int depth)
    {
        if (!value.IsAvailable)
        {
            json.WriteStringValue(OptimizedOut);
            return;
        }
        var type = value.Type.Resolved;
        if (type.Kind == DwarfTypeKind.Base) Scalar(json, value, type);
        else if (type.Kind == DwarfTypeKind.Enumeration && value.TryGetInteger(out long tag))
        {
            if (type.Enumerators.FirstOrDefault(e => e.Value == tag) is { } enumerator) json.WriteStringValue(enumerator.Name);
            else ValueText.WriteInteger(json, tag);
        }
        else if (type.IsPointer && value.TryGetInteger(out long address))
        {
            json.WriteStartObject();
            json.WriteNumber("address", (ulong)address & (type.Size == 4 ? 0xFFFF_FFFFUL : ulong.MaxValue));
            json.WriteEndObject();
        }
        else if (depth >= MaxDepth) json.WriteStringValue(value.Display);
        else if (VariableValue.IsRustSlice(type) && VariableValue.IsString(type) && value.TryGetString(VariableValue.MaxChildren, out string? text)) json.WriteStringValue(text);
        else if (type.Kind == DwarfTypeKind.Array || VariableValue.IsRustSlice(type)) Elements(json, value, depth);
        else if (type.IsAggregate)
        {
            json.WriteStartObject();
            if (value.VariantName is { } variant) json.WriteString("variant", variant);
            foreach (var member in value.Children)
            {
                json.WritePropertyName(member.Name);
                Write(json, member, depth + 1);
            }
            json.WriteEndObject();
        }
        else json.WriteStringValue(value.Display);
    }

    private static void Elements(Utf8JsonWriter json, VariableValue value, int depth)
    {
        json.WriteStartArray();
        foreach (var element in value.Children) Write(json, element, depth + 1);
        json.WriteEndArray();
    }

    private static void Scalar(Utf8JsonWriter json, VariableValue value, DwarfType type)
    {
        if (type.Encoding == BaseEncoding.Float)
        {
            if (value.TryGetFloat(out double d) && double.IsFinite(d)) json.WriteNumberValue(d);
            else json.WriteStringValue(value.Display);
        }
        else if (type.Encoding == BaseEncoding.Boolean && value.TryGetInteger(out long b)) json.WriteBooleanValue(b != 0);
        else if (type.Encoding == BaseEncoding.Utf && value.TryGetInteger(out long scalar) && VariableValue.IsUnicodeScalar(scalar))
            json.WriteStringValue(char.ConvertFromUtf32((int)scalar));
        else if (value.TryGetInteger(out long integer))
        {
            if (VariableValue.IsSigned(type)) ValueText.WriteInteger(json, integer);
            else ValueText.WriteInteger(json, (ulong)integer);
        }
        else json.WriteStringValue(value.Display);
    }
}
