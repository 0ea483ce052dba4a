using WasmProbe.Inspection;
using WasmProbe.Wasm.Types;

namespace WasmProbe.Engine;

internal sealed class WasmtimeMemory(Wasmtime.Memory memory) : IGuestMemory
{
    public bool Is64 => memory.Is64Bit;
    public long Length => memory.GetLength();

    public ReadOnlySpan<byte> Read(long address, int length)
    {
        CheckRange(address, length);
        return memory.GetSpan(address, length);
    }

    public void Write(long address, ReadOnlySpan<byte> bytes)
    {
        CheckRange(address, bytes.Length);
        bytes.CopyTo(memory.GetSpan(address, bytes.Length));
    }

    public long Grow(long pages) => memory.Grow(pages);

    private void CheckRange(long address, int length)
    {
        long size = memory.GetLength();
        if (address < 0 || length < 0 || address > size - length)
            throw new ArgumentOutOfRangeException(nameof(address), $"bytes [0x{address:x}, 0x{address + length:x}) are outside the memory (size 0x{size:x})");
    }
}

internal sealed class WasmtimeGlobal(Wasmtime.Global global, GlobalType type) : IGuestGlobal
{
    public GlobalType Type { get; } = type;

    public WasmValue Get() => Values.FromHost(global.GetValue(), Type.Type);

    public void Set(WasmValue value)
    {
        if (!Type.Mutable) throw new InvalidOperationException("the global is immutable");
        global.SetValue(Values.ToHost(value, Type.Type));
    }
}

internal sealed class WasmtimeTable(Wasmtime.Table table, TableType type) : IGuestTable
{
    public TableType Type { get; } = type;
    public long Length => (long)table.GetSize();

    public WasmValue Get(long index)
    {
        Check(index);
        return Values.FromHost(table.GetElement((uint)index), Type.ElementType);
    }

    public void Set(long index, WasmValue value)
    {
        Check(index);
        table.SetElement((uint)index, Values.ToHost(value, Type.ElementType));
    }

    public long Grow(long delta, WasmValue initial) => (long)table.Grow(checked((uint)delta), Values.ToHost(initial, Type.ElementType));

    private void Check(long index)
    {
        if (index < 0 || index >= Length) throw new ArgumentOutOfRangeException(nameof(index), $"table index {index} is out of range (length {Length})");
    }
}

/// <summary>Conversions between Wasmtime's boxed values and <see cref="WasmValue"/>.</summary>
internal static class Values
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
