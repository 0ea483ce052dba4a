namespace WasmProbe.Wasm.Types;

/// <summary>The type of a block, loop, if or try_table: empty, one result, or a function type index.
/// Packs into one long (see <see cref="ToBits"/>) to live among instruction immediates.</summary>
public readonly struct BlockType : IEquatable<BlockType>
{
    private readonly long _bits;

    private BlockType(long bits) => _bits = bits;

    public static BlockType Empty => new(-1);
    public static BlockType Value(ValType type) => new(-type.ToBits());
    public static BlockType Function(int typeIndex) => new(typeIndex);

    public bool IsEmpty => _bits == -1;
    public bool IsFunctionType => _bits >= 0;
    public bool IsValueType => _bits < -1;
    public int TypeIndex => (int)_bits;
    public ValType ValType => ValType.FromBits(-_bits);

    public long ToBits() => _bits;
    public static BlockType FromBits(long bits) => new(bits);

    public bool Equals(BlockType other) => _bits == other._bits;
    public override bool Equals(object? obj) => obj is BlockType other && Equals(other);
    public override int GetHashCode() => _bits.GetHashCode();

    public override string ToString() => IsEmpty ? "" : IsFunctionType ? $"(type {TypeIndex})" : $"(result {ValType})";
}
