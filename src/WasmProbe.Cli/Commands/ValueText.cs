using System.Globalization;
using System.Runtime.Intrinsics;
using System.Text.Json;
using WasmProbe.Inspection;
using WasmProbe.Wasm.Types;

namespace WasmProbe.Cli.Commands;

/// <summary>Guest values on the command line and in JSON output.</summary>
public static class ValueText
{
    /// <summary>Parses a command-line argument as a value of <paramref name="type"/>: decimal or 0x-hex integers, floats
    /// (also inf, -inf, nan, nan:0x...), v128 as 0x followed by 32 hex digits.</summary>
    public static WasmValue Parse(string text, ValType type)
    {
        try
        {
            return type.Kind switch
            {
                ValueKind.I32 => WasmValue.I32(unchecked((int)ParseInteger(text, 32))),
                ValueKind.I64 => WasmValue.I64(ParseInteger(text, 64)),
                ValueKind.F32 => ParseFloat(text) is { } bits32 ? WasmValue.F32Bits((uint)bits32 | 0x7F800000) : WasmValue.F32(float.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture)),
                ValueKind.F64 => ParseFloat(text) is { } bits64 ? WasmValue.F64Bits(bits64 | 0x7FF0000000000000) : WasmValue.F64(double.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture)),
                ValueKind.V128 when text.StartsWith("0x", StringComparison.OrdinalIgnoreCase) && text.Length == 34 =>
                    WasmValue.V128(ulong.Parse(text[18..], NumberStyles.HexNumber, CultureInfo.InvariantCulture), ulong.Parse(text[2..18], NumberStyles.HexNumber, CultureInfo.InvariantCulture)),
                _ => throw new FormatException(),
            };
        }
        catch (Exception e) when (e is FormatException or OverflowException)
        {
            throw new UsageException($"'{text}' is not a valid {type} argument");
        }
    }

    private static long ParseInteger(string text, int bits)
    {
        bool negative = text.StartsWith('-');
        string digits = negative ? text[1..] : text;
        ulong magnitude = digits.StartsWith("0x", StringComparison.OrdinalIgnoreCase)
            ? ulong.Parse(digits[2..], NumberStyles.HexNumber, CultureInfo.InvariantCulture)
            : ulong.Parse(digits, NumberStyles.None, CultureInfo.InvariantCulture);
        ulong limit = bits == 32 ? uint.MaxValue : ulong.MaxValue;
        if (magnitude > limit || (negative && magnitude > (limit >> 1) + 1)) throw new OverflowException();
        return negative ? -(long)magnitude : (long)magnitude;
    }

    /// <summary>The sign and payload bits of nan, nan:0x.., inf written as text (exponent bits added by the caller), or null.</summary>
    private static ulong? ParseFloat(string text)
    {
        bool negative = text.StartsWith('-');
        string body = negative || text.StartsWith('+') ? text[1..] : text;
        ulong? bits = body switch
        {
            "inf" => 0UL,
            "nan" => null,
            _ when body.StartsWith("nan:0x", StringComparison.Ordinal) => ulong.Parse(body[6..], NumberStyles.HexNumber, CultureInfo.InvariantCulture),
            _ => ulong.MaxValue,
        };
        if (body == "nan") bits = 1UL << 51;
        if (bits == ulong.MaxValue) return null;
        return bits!.Value | (negative ? 1UL << 63 : 0);
    }

    /// <summary>The largest integer every JSON reader holds exactly (2^53 - 1).</summary>
    internal const double SafeInteger = 9007199254740991d;

    /// <summary>A number when it fits 53 bits, else a string (JSON readers hold numbers as doubles).</summary>
    internal static void WriteInteger(Utf8JsonWriter json, long value)
    {
        if (Math.Abs((double)value) <= SafeInteger) json.WriteNumberValue(value);
        else json.WriteStringValue(value.ToString(CultureInfo.InvariantCulture));
    }

    /// <summary>As <see cref="WriteInteger(Utf8JsonWriter, long)"/>, for an unsigned 64-bit value.</summary>
    internal static void WriteInteger(Utf8JsonWriter json, ulong value)
    {
        if (value <= SafeInteger) json.WriteNumberValue(value);
        else json.WriteStringValue(value.ToString(CultureInfo.InvariantCulture));
    }

    private static readonly JsonEncodedText TypeProperty = JsonEncodedText.Encode("type");
    private static readonly JsonEncodedText ValueProperty = JsonEncodedText.Encode("value");

    /// <summary>The type names of numbers and vectors by <see cref="ValueKind"/> (a trace writes one per value).</summary>
    private static readonly JsonEncodedText[] NumberTypes = BuildNumberTypes();

    private static JsonEncodedText[] BuildNumberTypes()
    {
        var names = new JsonEncodedText[256];
        foreach (var type in (ValType[])[ValType.I32, ValType.I64, ValType.F32, ValType.F64, ValType.V128])
            names[(int)type.Kind] = JsonEncodedText.Encode(type.ToString());
        return names;
    }

    /// <summary>{"type":"i32","value":1}: i64 as a number when it fits 53 bits, else a string; floats as numbers, or
    /// "nan:0x..", "inf", "-inf"; v128 as "0x" + 32 hex digits; references as null or "ref".</summary>
    public static void Write(Utf8JsonWriter json, WasmValue value)
    {
        json.WriteStartObject();
        json.WriteString(TypeProperty, value.Type.IsNumeric || value.Type.Kind == ValueKind.V128 ? NumberTypes[(int)value.Type.Kind] : JsonEncodedText.Encode(value.Type.ToString()));
        json.WritePropertyName(ValueProperty);
        switch (value.Type.Kind)
        {
            case ValueKind.I32:
                json.WriteNumberValue(value.AsInt32());
                break;
            case ValueKind.I64:
                WriteInteger(json, value.AsInt64());
                break;
            case ValueKind.F32 when float.IsFinite(value.AsSingle()):
                json.WriteNumberValue(value.AsSingle());
                break;
            case ValueKind.F64 when double.IsFinite(value.AsDouble()):
                json.WriteNumberValue(value.AsDouble());
                break;
            case ValueKind.F32:
            case ValueKind.F64:
            case ValueKind.V128:
                json.WriteStringValue(value.FormatValue());
                break;
            default:
                if (!value.IsAvailable || value.IsNull) json.WriteNullValue();
                else json.WriteStringValue("ref");
                break;
        }
        json.WriteEndObject();
    }
}
