using System.Buffers.Binary;
using System.Runtime.Intrinsics;
using WasmProbe.Engine;

namespace WasmProbe.Inspection;

/// <summary>A guest memory: size, growth, and little-endian reads and writes of bytes and typed values.</summary>
public sealed class MemoryAccess
{
    private readonly IGuestMemory _memory;

    internal MemoryAccess(int index, MemoryType type, IGuestMemory memory) =>
        (Index, Type, _memory) = (index, type, memory);

    public int Index { get; }
    public MemoryType Type { get; }
    public bool Is64 => Type.Limits.Is64;
    public long Size => _memory.Length;
    public long Pages => _memory.Length / (long)Type.PageSize;

    /// <summary>Grows the memory by <paramref name="pages"/>; returns the previous size in pages.</summary>
    public long Grow(long pages) => _memory.Grow(pages);

    public byte[] Read(long address, int length) => _memory.Read(address, length).ToArray();
    public void Write(long address, ReadOnlySpan<byte> bytes) => _memory.Write(address, bytes);

    public byte ReadByte(long address) => _memory.Read(address, 1)[0];
    public short ReadInt16(long address) => BinaryPrimitives.ReadInt16LittleEndian(_memory.Read(address, 2));
    public int ReadInt32(long address) => BinaryPrimitives.ReadInt32LittleEndian(_memory.Read(address, 4));
    public long ReadInt64(long address) => BinaryPrimitives.ReadInt64LittleEndian(_memory.Read(address, 8));
    public float ReadSingle(long address) => BinaryPrimitives.ReadSingleLittleEndian(_memory.Read(address, 4));
    public double ReadDouble(long address) => BinaryPrimitives.ReadDoubleLittleEndian(_memory.Read(address, 8));
    public Vector128<byte> ReadVector128(long address) => Vector128.Create(_memory.Read(address, 16));

    /// <summary>A NUL-terminated UTF-8 string (C string) starting at <paramref name="address"/>, at most <paramref name="maxLength"/> bytes.</summary>
    public string ReadCString(long address, int maxLength = 1 << 16)
    {
        int length = 0;
        while (length < maxLength && address + length < Size && ReadByte(address + length) != 0) length++;
        return System.Text.Encoding.UTF8.GetString(_memory.Read(address, length));
    }

    public void WriteByte(long address, byte value) => _memory.Write(address, [value]);

    public void WriteInt16(long address, short value)
    {
        Span<byte> bytes = stackalloc byte[2];
        BinaryPrimitives.WriteInt16LittleEndian(bytes, value);
        _memory.Write(address, bytes);
    }

    public void WriteInt32(long address, int value)
    {
        Span<byte> bytes = stackalloc byte[4];
        BinaryPrimitives.WriteInt32LittleEndian(bytes, value);
        _memory.Write(address, bytes);
    }

    public void WriteInt64(long address, long value)
    {
        Span<byte> bytes = stackalloc byte[8];
        BinaryPrimitives.WriteInt64LittleEndian(bytes, value);
        _memory.Write(address, bytes);
    }

    public void WriteSingle(long address, float value) => WriteInt32(address, BitConverter.SingleToInt32Bits(value));
    public void WriteDouble(long address, double value) => WriteInt64(address, BitConverter.DoubleToInt64Bits(value));

    public void WriteVector128(long address, Vector128<byte> value)
    {
        Span<byte> bytes = stackalloc byte[16];
        value.CopyTo(bytes);
        _memory.Write(address, bytes);
    }
}

/// <summary>A guest global (imported, exported or internal).</summary>
public sealed class GlobalAccess
{
    private readonly IGuestGlobal? _global;

    internal GlobalAccess(int index, string? name, GlobalType type, IGuestGlobal? global)
    {
        Index = index;
        Name = name;
        Type = type;
        _global = global;
    }

    public int Index { get; }
    public string? Name { get; }
    public GlobalType Type { get; }

    /// <summary>False for globals of types the host cannot hold (GC references, exnref).</summary>
    public bool IsAccessible => _global is not null;

    public WasmValue Value
    {
        get => Accessible.Get();
        set => Accessible.Set(value);
    }

    private IGuestGlobal Accessible => _global ?? throw new NotSupportedException($"global {Name ?? Index.ToString(System.Globalization.CultureInfo.InvariantCulture)} of type {Type.Type} cannot be read or written from .NET");

    public override string ToString() => $"global {Name ?? Index.ToString(System.Globalization.CultureInfo.InvariantCulture)}: {Type.Type}";
}

/// <summary>A guest table.</summary>
public sealed class TableAccess
{
    private readonly IGuestTable? _table;

    internal TableAccess(int index, TableType type, IGuestTable? table)
    {
        Index = index;
        Type = type;
        _table = table;
    }

    public int Index { get; }
    public TableType Type { get; }
    public bool IsAccessible => _table is not null;
    public long Length => Accessible.Length;
    public WasmValue Get(long index) => Accessible.Get(index);
    public void Set(long index, WasmValue value) => Accessible.Set(index, value);
    public long Grow(long delta, WasmValue initial) => Accessible.Grow(delta, initial);

    private IGuestTable Accessible => _table ?? throw new NotSupportedException($"table {Index} of {Type.ElementType} cannot be accessed from .NET");
}
