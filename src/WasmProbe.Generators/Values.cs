using System.Globalization;
using WasmProbe.Wasm.Resolution;

namespace WasmProbe.Generators;

/// <summary>Converts attribute constants to wasm-typed values at compile time, by the rules documented on
/// ExpectLocalAttribute: i32 takes any integer that fits 32 bits (signed or unsigned), i64 any integer, f32 a float
/// or an integer it holds exactly, f64 a double, float or an integer it holds exactly, v128 a string of 16 hex bytes,
/// and nullable references null.</summary>
internal static class Values
{
    public static ClrKind Kind(ValType type) => type.Kind switch
    {
        ValueKind.I32 => ClrKind.I32,
        ValueKind.I64 => ClrKind.I64,
        ValueKind.F32 => ClrKind.F32,
        ValueKind.F64 => ClrKind.F64,
        ValueKind.V128 => ClrKind.V128,
        _ => ClrKind.Reference,
    };

    /// <summary>Null with <paramref name="error"/> set ("10.5 (double)") when the constant does not convert.</summary>
    public static ValueSpec? Convert(ConstantArg constant, ValType type, out string? error)
    {
        error = null;
        var kind = Kind(type);
        string wasmType = type.ToString();
        object? v = constant.Value;
        switch (kind)
        {
            case ClrKind.I32 when IntegerConstant.Of(v) is { IsLargeUnsigned: false } i && i.Bits >= int.MinValue && i.Bits <= uint.MaxValue:
                return new ValueSpec(kind, unchecked((ulong)i.Bits) & 0xFFFF_FFFF, 0, wasmType);
            case ClrKind.I64 when IntegerConstant.Of(v) is { } i:
                return new ValueSpec(kind, unchecked((ulong)i.Bits), 0, wasmType);
            case ClrKind.F32:
                if (v is float f) return new ValueSpec(kind, SingleBits(f), 0, wasmType);
                if (IntegerConstant.Of(v) is { } fi && (float)fi.ToDouble() is var single && fi.IsExactly(single)) return new ValueSpec(kind, SingleBits(single), 0, wasmType);
                if (v is double d && (double.IsNaN(d) || (double)(float)d == d)) return new ValueSpec(kind, SingleBits((float)d), 0, wasmType);
                break;
            case ClrKind.F64:
                if (v is double dd) return new ValueSpec(kind, unchecked((ulong)BitConverter.DoubleToInt64Bits(dd)), 0, wasmType);
                if (v is float ff) return new ValueSpec(kind, unchecked((ulong)BitConverter.DoubleToInt64Bits(ff)), 0, wasmType);
                if (IntegerConstant.Of(v) is { } di && di.ToDouble() is var x && di.IsExactly(x)) return new ValueSpec(kind, unchecked((ulong)BitConverter.DoubleToInt64Bits(x)), 0, wasmType);
                break;
            case ClrKind.V128:
                if (v is string s && ParseBytes(s, out var bytes) && bytes.Length == 16)
                    return new ValueSpec(kind, BitConverter.ToUInt64(bytes, 0), BitConverter.ToUInt64(bytes, 8), wasmType);
                break;
            case ClrKind.Reference when v is null && constant.TypeName == "null":
                // A non-nullable reference slot never holds null, so an expectation of null could never pass.
                if (!type.Nullable)
                {
                    error = "null (a non-nullable reference is never null)";
                    return null;
                }
                return new ValueSpec(kind, unchecked((ulong)type.ToBits()), 0, wasmType);
        }
        error = Describe(constant);
        return null;
    }

    public static string Describe(ConstantArg constant) => constant.Value switch
    {
        null => constant.TypeName == "null" ? "null" : $"a {constant.TypeName}",
        string s => $"\"{s}\" (string)",
        IFormattable f => $"{f.ToString(null, CultureInfo.InvariantCulture)} ({constant.TypeName})",
        var o => $"{o} ({constant.TypeName})",
    };

    /// <summary>Hex byte pairs, optionally separated by whitespace (an optional 0x prefix on each group is allowed).</summary>
    public static bool ParseBytes(string text, out byte[] bytes)
    {
        var result = new List<byte>();
        bytes = [];
        foreach (string group in text.Split([' ', '\t', '\n', '\r', ',', '_'], StringSplitOptions.RemoveEmptyEntries))
        {
            string g = group.StartsWith("0x", StringComparison.OrdinalIgnoreCase) ? group.Substring(2) : group;
            if (g.Length == 0 || g.Length % 2 != 0) return false;
            for (int i = 0; i < g.Length; i += 2)
            {
                if (!byte.TryParse(g.Substring(i, 2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out byte b)) return false;
                result.Add(b);
            }
        }
        if (result.Count == 0) return false;
        bytes = [.. result];
        return true;
    }

    /// <summary>Little-endian bytes of a typed memory value (ExpectMemory&lt;T&gt;), or null when T is unsupported or
    /// the value is not a T.</summary>
    public static byte[]? MemoryBytes(string typeKeyword, object? value) => (typeKeyword, value) switch
    {
        ("byte", byte b) => [b],
        ("sbyte", sbyte sb) => [unchecked((byte)sb)],
        ("short", short s) => LittleEndian(BitConverter.GetBytes(s)),
        ("ushort", ushort us) => LittleEndian(BitConverter.GetBytes(us)),
        ("int", int i) => LittleEndian(BitConverter.GetBytes(i)),
        ("uint", uint ui) => LittleEndian(BitConverter.GetBytes(ui)),
        ("long", long l) => LittleEndian(BitConverter.GetBytes(l)),
        ("ulong", ulong ul) => LittleEndian(BitConverter.GetBytes(ul)),
        ("float", float f) => LittleEndian(BitConverter.GetBytes(f)),
        ("double", double d) => LittleEndian(BitConverter.GetBytes(d)),
        _ => null,
    };

    public static string MemoryFormat(string typeKeyword) => typeKeyword switch
    {
        "byte" => "Byte",
        "sbyte" => "SByte",
        "short" => "Int16",
        "ushort" => "UInt16",
        "int" => "Int32",
        "uint" => "UInt32",
        "long" => "Int64",
        "ulong" => "UInt64",
        "float" => "Single",
        "double" => "Double",
        _ => "Bytes",
    };

    private static byte[] LittleEndian(byte[] bytes)
    {
        if (!BitConverter.IsLittleEndian) Array.Reverse(bytes);
        return bytes;
    }

    private static ulong SingleBits(float value) => BitConverter.ToUInt32(BitConverter.GetBytes(value), 0);
}
