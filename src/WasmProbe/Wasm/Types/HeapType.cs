namespace WasmProbe.Wasm.Types;

/// <summary>A heap type: an abstract one (func, extern, any, ...) or a concrete type index.
/// <see cref="Code"/> is the s33 value of the binary encoding: negative for abstract heap types, the index otherwise.</summary>
public readonly struct HeapType : IEquatable<HeapType>
{
    public static readonly HeapType Func = new(-0x10);
    public static readonly HeapType Extern = new(-0x11);
    public static readonly HeapType Any = new(-0x12);
    public static readonly HeapType Eq = new(-0x13);
    public static readonly HeapType I31 = new(-0x14);
    public static readonly HeapType Struct = new(-0x15);
    public static readonly HeapType Array = new(-0x16);
    public static readonly HeapType Exn = new(-0x17);
    public static readonly HeapType NoExn = new(-0x0C);
    public static readonly HeapType NoFunc = new(-0x0D);
    public static readonly HeapType NoExtern = new(-0x0E);
    public static readonly HeapType None = new(-0x0F);

    public HeapType(long code) => Code = code;

    public long Code { get; }

    public bool IsConcrete => Code >= 0;
    public int TypeIndex => IsConcrete ? (int)Code : throw new InvalidOperationException($"{this} is not a concrete type");

    public static HeapType Concrete(int typeIndex) => new(typeIndex);

    public static bool IsAbstractCode(long code) => code is >= -0x17 and <= -0x0C;

    /// <summary>The single byte of an abstract heap type (0x70 for func, ...).</summary>
    public byte AbstractByte => (byte)(Code + 0x80);

    public bool Equals(HeapType other) => Code == other.Code;
    public override bool Equals(object? obj) => obj is HeapType other && Equals(other);
    public override int GetHashCode() => Code.GetHashCode();
    public static bool operator ==(HeapType a, HeapType b) => a.Code == b.Code;
    public static bool operator !=(HeapType a, HeapType b) => a.Code != b.Code;

    public override string ToString() => Code switch
    {
        -0x10 => "func",
        -0x11 => "extern",
        -0x12 => "any",
        -0x13 => "eq",
        -0x14 => "i31",
        -0x15 => "struct",
        -0x16 => "array",
        -0x17 => "exn",
        -0x0C => "noexn",
        -0x0D => "nofunc",
        -0x0E => "noextern",
        -0x0F => "none",
        _ => Code.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };
}
