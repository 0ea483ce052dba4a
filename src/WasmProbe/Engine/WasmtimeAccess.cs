using WasmProbe.Inspection;

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

    public WasmValue Get() => HostValues.FromHost(global.GetValue(), Type.Type);

    public void Set(WasmValue value)
    {
        if (!Type.Mutable) throw new InvalidOperationException("the global is immutable");
        global.SetValue(HostValues.ToHost(value, Type.Type));
    }
}

internal sealed class WasmtimeTable(Wasmtime.Table table, TableType type) : IGuestTable
{
    public TableType Type { get; } = type;
    public long Length => (long)table.GetSize();

    public WasmValue Get(long index)
    {
        Check(index);
        return HostValues.FromHost(table.GetElement((uint)index), Type.ElementType);
    }

    public void Set(long index, WasmValue value)
    {
        Check(index);
        table.SetElement((uint)index, HostValues.ToHost(value, Type.ElementType));
    }

    public long Grow(long delta, WasmValue initial) => (long)table.Grow(checked((uint)delta), HostValues.ToHost(initial, Type.ElementType));

    private void Check(long index)
    {
        if (index < 0 || index >= Length) throw new ArgumentOutOfRangeException(nameof(index), $"table index {index} is out of range (length {Length})");
    }
}
