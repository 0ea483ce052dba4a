using WasmProbe.Inspection;

namespace WasmProbe.Engine;

/// <summary>Conversions between Wasmtime's boxed values and <see cref="WasmValue"/>.</summary>
internal static class HostValues
{
    public static WasmValue FromHost(object? value, ValType type) => type.Kind switch
    {
        ValueKind.I32 => WasmValue.I32((int)value!),
        ValueKind.I64 => WasmValue.I64((long)value!),
        ValueKind.F32 => WasmValue.F32((float)value!),
        ValueKind.F64 => WasmValue.F64((double)value!),
        ValueKind.V128 => FromV128((Wasmtime.V128)value!),
        _ => WasmValue.Reference(type, value is Wasmtime.Function { IsNull: true } ? null : value),
    };

    private static WasmValue FromV128(Wasmtime.V128 value)
    {
        Span<byte> bytes = stackalloc byte[16];
        value.CopyTo(bytes);
        return WasmValue.V128(BitConverter.ToUInt64(bytes), BitConverter.ToUInt64(bytes[8..]));
    }

    public static object? ToHost(WasmValue value, ValType type)
    {
        if (value.Type.Kind != type.Kind) throw new ArgumentException($"a {value.Type} value cannot be stored where {type} is expected");
        switch (type.Kind)
        {
            case ValueKind.I32: return value.AsInt32();
            case ValueKind.I64: return value.AsInt64();
            case ValueKind.F32: return value.AsSingle();
            case ValueKind.F64: return value.AsDouble();
            case ValueKind.V128:
                Span<byte> bytes = stackalloc byte[16];
                BitConverter.TryWriteBytes(bytes, value.Bits);
                BitConverter.TryWriteBytes(bytes[8..], value.HighBits);
                return new Wasmtime.V128(bytes);
            default:
                return value.IsNull && type.Heap == HeapType.Func ? Wasmtime.Function.Null : value.AsReference();
        }
    }

    public static Wasmtime.ValueBox ToBox(WasmValue value) => value.Type.Kind switch
    {
        ValueKind.I32 => value.AsInt32(),
        ValueKind.I64 => value.AsInt64(),
        ValueKind.F32 => value.AsSingle(),
        ValueKind.F64 => value.AsDouble(),
        ValueKind.V128 => (Wasmtime.V128)ToHost(value, ValType.V128)!,
        _ => value.AsReference() is Wasmtime.Function function ? function
            : value.IsNull && value.Type.Heap == HeapType.Func ? Wasmtime.Function.Null
            : Wasmtime.ValueBox.AsBox(value.AsReference()),
    };
}
