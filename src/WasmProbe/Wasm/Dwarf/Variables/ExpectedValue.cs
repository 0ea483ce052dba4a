using System.Globalization;
using WasmProbe.Wasm.Resolution;

namespace WasmProbe.Wasm.Dwarf.Variables;

public enum ExpectedValueKind
{
    /// <summary>A signed integer (also C's plain <c>char</c>); <see cref="ExpectedValue.Bits"/> is the value.</summary>
    Signed,
    /// <summary>An unsigned integer; <see cref="ExpectedValue.Bits"/> holds its bits.</summary>
    Unsigned,
    /// <summary>An enum's value, named by <see cref="ExpectedValue.Text"/> when it is one of the enumerators.</summary>
    Enumerator,
    /// <summary>A Unicode scalar (Rust <c>char</c>, C++ <c>char32_t</c>).</summary>
    Character,
    Boolean,
    /// <summary>A <c>float</c> or <c>double</c>: <see cref="ExpectedValue.Bits"/> holds the double's bits.</summary>
    Float,
    /// <summary>A pointer's address (0 for null).</summary>
    Address,
    /// <summary>The text of a C string (a <c>char</c> array or pointer, up to its NUL) or a Rust <c>&amp;str</c>.</summary>
    Text,
}

/// <summary>What an <c>[ExpectVariable]</c> expects, converted to the variable's source type: the source generator
/// converts the attribute's constant with <see cref="Convert"/> (and reports why it cannot), the runtime compares
/// it with the value at the stop (<see cref="Mismatch"/>).</summary>
public sealed record ExpectedValue(ExpectedValueKind Kind, long Bits, string? Text = null)
{
    private const int MaxText = 4096;

    /// <summary>How messages show it: <c>-3</c>, <c>4294967295</c>, <c>RED</c>, <c>'x'</c>, <c>2.5</c>, <c>"text"</c>.</summary>
    public string Display => Kind switch
    {
        ExpectedValueKind.Unsigned => ((ulong)Bits).ToString(CultureInfo.InvariantCulture),
        ExpectedValueKind.Enumerator => Text ?? Bits.ToString(CultureInfo.InvariantCulture),
        ExpectedValueKind.Character => "'" + char.ConvertFromUtf32((int)Bits) + "'",
        ExpectedValueKind.Boolean => Bits != 0 ? "true" : "false",
        ExpectedValueKind.Float => BitConverter.Int64BitsToDouble(Bits).ToString("R", CultureInfo.InvariantCulture),
        ExpectedValueKind.Address => "0x" + Bits.ToString("x8", CultureInfo.InvariantCulture),
        ExpectedValueKind.Text => "\"" + Text + "\"",
        _ => Bits.ToString(CultureInfo.InvariantCulture),
    };

    /// <summary>Null when <paramref name="actual"/> equals this (any NaN matches an expected NaN), else why not:
    /// <c>expected 8 but was 7</c>, <c>expected 8 but it is unavailable (no location at pc 0x1a2)</c>.</summary>
    public string? Mismatch(VariableValue actual)
    {
        if (!actual.IsAvailable) return $"expected {Display} but it is unavailable ({actual.UnavailableReason})";
        bool same = Kind switch
        {
            ExpectedValueKind.Float => actual.TryGetFloat(out double d) && (double.IsNaN(BitConverter.Int64BitsToDouble(Bits)) ? double.IsNaN(d) : d == BitConverter.Int64BitsToDouble(Bits)),
            ExpectedValueKind.Boolean => actual.TryGetInteger(out long b) && (b != 0) == (Bits != 0),
            ExpectedValueKind.Text => actual.TryGetString(MaxText, out string? text) && text == Text,
            _ => actual.TryGetInteger(out long v) && v == Bits,
        };
        return same ? null : $"expected {Display} but was {actual.Display}";
    }

    /// <summary>The constant <paramref name="value"/> (a C# attribute argument: an integer, <c>char</c>, <c>bool</c>,
    /// <c>float</c>, <c>double</c>, <c>string</c> or null) as a value of <paramref name="type"/>; null with
    /// <paramref name="hint"/> (what the type takes) when it does not convert. Integers must fit the type's range, a
    /// float or double must hold the constant exactly, an enum takes an enumerator's name or an integer, a pointer an
    /// address or null, a C string (<c>char</c> array or pointer) or Rust <c>&amp;str</c> a string; a structure, union
    /// or other array takes nothing (expect its members or elements).</summary>
    public static ExpectedValue? Convert(object? value, DwarfType type, out string hint)
    {
        var resolved = type.Resolved;
        hint = "";
        if (value is string text && VariableValue.IsString(resolved)) return new ExpectedValue(ExpectedValueKind.Text, 0, text);
        switch (resolved.Kind)
        {
            case DwarfTypeKind.Base:
                return Base(value, resolved, out hint);
            case DwarfTypeKind.Enumeration:
                if (value is string name)
                {
                    if (resolved.Enumerators.FirstOrDefault(e => e.Name == name) is { } enumerator) return new ExpectedValue(ExpectedValueKind.Enumerator, enumerator.Value, name);
                    hint = $" (its enumerators: {string.Join(", ", resolved.Enumerators.Select(e => e.Name))})";
                    return null;
                }
                if (IntegerConstant.Of(value) is { } tag && FitsEnum(resolved, tag))
                    return new ExpectedValue(ExpectedValueKind.Enumerator, tag.Bits, resolved.Enumerators.FirstOrDefault(e => e.Value == tag.Bits)?.Name);
                hint = $" (an enum takes an enumerator's name as a string: {string.Join(", ", resolved.Enumerators.Select(e => e.Name))})";
                return null;
            case DwarfTypeKind.Pointer or DwarfTypeKind.Reference:
                if (value is null) return new ExpectedValue(ExpectedValueKind.Address, 0);
                if (IntegerConstant.Of(value) is { } address && Fits(address, resolved.Size, signed: false)) return new ExpectedValue(ExpectedValueKind.Address, address.Bits);
                hint = " (a pointer takes an address or null)";
                return null;
            default:
                hint = resolved.IsAggregate || resolved.Kind == DwarfTypeKind.Array
                    ? " (expect its members or elements, e.g. path.member or path[0])"
                    : " (only scalars, enums, pointers and strings are compared)";
                return null;
        }
    }

    private static ExpectedValue? Base(object? value, DwarfType type, out string hint)
    {
        long size = type.Size;
        hint = "";
        switch (type.Encoding)
        {
            case BaseEncoding.Boolean:
                if (value is bool b) return new ExpectedValue(ExpectedValueKind.Boolean, b ? 1 : 0);
                hint = " (a bool takes true or false)";
                return null;
            case BaseEncoding.Float:
                if (FloatValue(value, size) is { } d) return new ExpectedValue(ExpectedValueKind.Float, BitConverter.DoubleToInt64Bits(d));
                hint = size == 4 ? " (a float takes a float, or a double or integer it holds exactly)" : " (a double takes a number it holds exactly)";
                return null;
            case BaseEncoding.Utf:
                long? scalar = value switch
                {
                    char c => c,
                    string { Length: 1 } s when !char.IsSurrogate(s[0]) => s[0],
                    string { Length: 2 } s when char.IsSurrogatePair(s[0], s[1]) => char.ConvertToUtf32(s[0], s[1]),
                    _ => IntegerConstant.Of(value)?.Bits,
                };
                if (scalar is { } code && VariableValue.IsUnicodeScalar(code) && Fits(new IntegerConstant(code, false), size, signed: false))
                    return new ExpectedValue(ExpectedValueKind.Character, code);
                hint = " (a character takes a char, a one-character string or its code)";
                return null;
        }
        bool signed = VariableValue.IsSigned(type);
        var integer = value is char ch ? new IntegerConstant(ch, false) : IntegerConstant.Of(value);
        if (integer is { } i && Fits(i, size, signed)) return new ExpectedValue(signed ? ExpectedValueKind.Signed : ExpectedValueKind.Unsigned, i.Bits);
        hint = size is > 0 and <= 8 ? $" (it takes an integer from {Minimum(size, signed)} to {Maximum(size, signed)})" : "";
        return null;
    }

    private static bool Fits(IntegerConstant value, long size, bool signed)
    {
        if (size is < 1 or > 8) return false;
        if (value.IsLargeUnsigned) return !signed && size == 8;
        if (size == 8) return signed || value.Bits >= 0;
        int bits = (int)size * 8;
        return signed ? value.Bits >= -(1L << (bits - 1)) && value.Bits < 1L << (bits - 1) : value.Bits >= 0 && value.Bits < 1L << bits;
    }

    private static bool FitsEnum(DwarfType type, IntegerConstant value) =>
        Fits(value, type.Size, VariableValue.IsSigned(type)) || (!value.IsLargeUnsigned && type.Enumerators.Any(e => e.Value == value.Bits));

    private static string Minimum(long size, bool signed) => !signed ? "0" : size == 8 ? long.MinValue.ToString(CultureInfo.InvariantCulture) : (-(1L << (int)(size * 8 - 1))).ToString(CultureInfo.InvariantCulture);

    private static string Maximum(long size, bool signed) => size == 8
        ? (signed ? long.MaxValue.ToString(CultureInfo.InvariantCulture) : ulong.MaxValue.ToString(CultureInfo.InvariantCulture))
        : ((1L << (int)(size * 8 - (signed ? 1 : 0))) - 1).ToString(CultureInfo.InvariantCulture);

    private static double? FloatValue(object? value, long size)
    {
        double? d = value switch
        {
            float f => f,
            double x => x,
            _ => IntegerConstant.Of(value)?.ToDouble(),
        };
        if (d is not { } number) return null;
        if (IntegerConstant.Of(value) is { } exact && !exact.IsExactly(number)) return null;
        if (size == 4 && !double.IsNaN(number) && (double)(float)number != number) return null;
        return size is 4 or 8 ? number : null;
    }
}
