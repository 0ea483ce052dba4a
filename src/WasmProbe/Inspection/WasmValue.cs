using System.Globalization;
using System.Runtime.Intrinsics;

namespace WasmProbe.Inspection;

/// <summary>A typed WebAssembly value with its exact bits (float NaN payloads included). References carry the host
/// object when the engine hands one over, or only their null-ness when read from a guest frame.</summary>
public readonly struct WasmValue : IEquatable<WasmValue>
{
    private readonly ulong _low;
    private readonly ulong _high;
    private readonly object? _reference;
    private readonly State _state;

    private enum State : byte
    {
        Value,
        Null,
        Unavailable,
    }

    private WasmValue(ValType type, ulong low, ulong high = 0, object? reference = null, State state = State.Value) =>
        (Type, _low, _high, _reference, _state) = (type, low, high, reference, state);

    public ValType Type { get; }

    public static WasmValue I32(int value) => new(ValType.I32, (uint)value);
    public static WasmValue I64(long value) => new(ValType.I64, (ulong)value);
    public static WasmValue F32(float value) => new(ValType.F32, BitConverter.SingleToUInt32Bits(value));
    public static WasmValue F32Bits(uint bits) => new(ValType.F32, bits);
    public static WasmValue F64(double value) => new(ValType.F64, BitConverter.DoubleToUInt64Bits(value));
    public static WasmValue F64Bits(ulong bits) => new(ValType.F64, bits);
    public static WasmValue V128(ulong low, ulong high) => new(ValType.V128, low, high);
    public static WasmValue V128(Vector128<byte> value) => new(ValType.V128, value.AsUInt64().GetElement(0), value.AsUInt64().GetElement(1));
    public static WasmValue Null(ValType type) => new(type, 0, state: State.Null);

    /// <summary>A reference with its host object (null object = null reference).</summary>
    public static WasmValue Reference(ValType type, object? value) => new(type, 0, reference: value, state: value is null ? State.Null : State.Value);

    /// <summary>A non-null reference whose target the host cannot see (read from a guest frame).</summary>
    public static WasmValue OpaqueReference(ValType type, bool isNull) => new(type, 0, state: isNull ? State.Null : State.Value);

    /// <summary>A value the debugger could not read (for example an uninitialized non-nullable local).</summary>
    public static WasmValue Unavailable(ValType type) => new(type, 0, state: State.Unavailable);

    public bool IsAvailable => _state != State.Unavailable;
    public bool IsNull => _state == State.Null;

    public int AsInt32() => Type.Kind == ValueKind.I32 ? (int)(uint)_low : throw Mismatch("i32");
    public long AsInt64() => Type.Kind == ValueKind.I64 ? (long)_low : throw Mismatch("i64");
    public float AsSingle() => Type.Kind == ValueKind.F32 ? BitConverter.UInt32BitsToSingle((uint)_low) : throw Mismatch("f32");
    public double AsDouble() => Type.Kind == ValueKind.F64 ? BitConverter.UInt64BitsToDouble(_low) : throw Mismatch("f64");
    public Vector128<byte> AsVector128() => Type.Kind == ValueKind.V128 ? Vector128.Create(_low, _high).AsByte() : throw Mismatch("v128");
    public object? AsReference() => Type.IsRef ? _reference : throw Mismatch("reference");

    /// <summary>The raw bits: the value of an i32/i64, the IEEE bits of an f32/f64, the low half of a v128.</summary>
    public ulong Bits => _low;

    /// <summary>The high half of a v128.</summary>
    public ulong HighBits => _high;

    /// <summary>Converts a CLR value (int, long, float, double, Vector128, WasmValue) to a value of <paramref name="type"/>.</summary>
    public static WasmValue From(object? value, ValType type)
    {
        if (value is WasmValue wasm) return wasm;
        try
        {
            return type.Kind switch
            {
                ValueKind.I32 => I32(value is uint u ? (int)u : Convert.ToInt32(value, CultureInfo.InvariantCulture)),
                ValueKind.I64 => I64(value is ulong ul ? (long)ul : Convert.ToInt64(value, CultureInfo.InvariantCulture)),
                ValueKind.F32 => F32(Convert.ToSingle(value, CultureInfo.InvariantCulture)),
                ValueKind.F64 => F64(Convert.ToDouble(value, CultureInfo.InvariantCulture)),
                ValueKind.V128 => value is Vector128<byte> v ? V128(v) : throw new InvalidCastException(),
                _ => Reference(type, value),
            };
        }
        catch (Exception e) when (e is InvalidCastException or FormatException or OverflowException)
        {
            throw new ArgumentException($"{value ?? "null"} ({value?.GetType().Name ?? "null"}) cannot be passed as {type}", nameof(value), e);
        }
    }

    private InvalidOperationException Mismatch(string wanted) => new($"the value is {Type}, not {wanted}");

    public bool Equals(WasmValue other) =>
        Type == other.Type && _low == other._low && _high == other._high && _state == other._state && Equals(_reference, other._reference);

    public override bool Equals(object? obj) => obj is WasmValue other && Equals(other);
    public override int GetHashCode() => HashCode.Combine(Type, _low, _high, _state);
    public static bool operator ==(WasmValue a, WasmValue b) => a.Equals(b);
    public static bool operator !=(WasmValue a, WasmValue b) => !a.Equals(b);

    /// <summary>The value alone, as the text format would write it (floats round-trip; NaNs show their payload).</summary>
    public string FormatValue() => !IsAvailable ? "unavailable" : Type.Kind switch
    {
        ValueKind.I32 => AsInt32().ToString(CultureInfo.InvariantCulture),
        ValueKind.I64 => AsInt64().ToString(CultureInfo.InvariantCulture),
        ValueKind.F32 => FloatText.Format(AsSingle(), (uint)_low),
        ValueKind.F64 => FloatText.Format(AsDouble(), _low),
        ValueKind.V128 => $"0x{_high:x16}{_low:x16}",
        _ => IsNull ? "null" : _reference?.ToString() ?? "ref",
    };

    public override string ToString() => $"{Type}:{FormatValue()}";
}

/// <summary>Text for floats: shortest round-trip digits, and nan:0x... with the payload for NaNs.</summary>
public static class FloatText
{
    public static string Format(float value, uint bits)
    {
        if (float.IsNaN(value)) return $"{((bits >> 31) != 0 ? "-" : "")}nan:0x{bits & 0x7FFFFF:x}";
        if (float.IsInfinity(value)) return value > 0 ? "inf" : "-inf";
        return value.ToString("R", CultureInfo.InvariantCulture);
    }

    public static string Format(double value, ulong bits)
    {
        if (double.IsNaN(value)) return $"{((bits >> 63) != 0 ? "-" : "")}nan:0x{bits & 0xF_FFFF_FFFF_FFFF:x}";
        if (double.IsInfinity(value)) return value > 0 ? "inf" : "-inf";
        return value.ToString("R", CultureInfo.InvariantCulture);
    }
}
