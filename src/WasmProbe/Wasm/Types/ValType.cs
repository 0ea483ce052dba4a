namespace WasmProbe.Wasm.Types;

public enum ValueKind : byte
{
    /// <summary>The type of a value popped in unreachable (stack-polymorphic) code: any type.</summary>
    Unknown = 0,
    I32 = 0x7F,
    I64 = 0x7E,
    F32 = 0x7D,
    F64 = 0x7C,
    V128 = 0x7B,
    Ref = 0x64,
}

/// <summary>A value type: a number, a vector or a (possibly nullable) reference to a heap type.</summary>
public readonly struct ValType : IEquatable<ValType>
{
    public static readonly ValType Unknown = new(ValueKind.Unknown);
    public static readonly ValType I32 = new(ValueKind.I32);
    public static readonly ValType I64 = new(ValueKind.I64);
    public static readonly ValType F32 = new(ValueKind.F32);
    public static readonly ValType F64 = new(ValueKind.F64);
    public static readonly ValType V128 = new(ValueKind.V128);
    public static readonly ValType FuncRef = Ref(HeapType.Func, nullable: true);
    public static readonly ValType ExternRef = Ref(HeapType.Extern, nullable: true);
    public static readonly ValType AnyRef = Ref(HeapType.Any, nullable: true);
    public static readonly ValType ExnRef = Ref(HeapType.Exn, nullable: true);

    private ValType(ValueKind kind, bool nullable = false, long heap = 0) =>
        (Kind, Nullable, HeapCode) = (kind, nullable, heap);

    public ValueKind Kind { get; }
    public bool Nullable { get; }
    private long HeapCode { get; }

    public HeapType Heap => Kind == ValueKind.Ref ? new HeapType(HeapCode) : throw new InvalidOperationException($"{this} is not a reference type");
    public bool IsRef => Kind == ValueKind.Ref;
    public bool IsNumeric => Kind is ValueKind.I32 or ValueKind.I64 or ValueKind.F32 or ValueKind.F64;

    public static ValType Ref(HeapType heap, bool nullable) => new(ValueKind.Ref, nullable, heap.Code);

    public ValType AsNonNullable() => IsRef ? Ref(Heap, nullable: false) : this;

    /// <summary>A lossless 64-bit form, for storing value types among instruction immediates.</summary>
    public long ToBits() => ((long)Kind << 40) | (Nullable ? 1L << 39 : 0) | (HeapCode & 0x7F_FFFF_FFFFL);

    public static ValType FromBits(long bits)
    {
        var kind = (ValueKind)(byte)(bits >> 40);
        if (kind != ValueKind.Ref) return new ValType(kind);
        long heap = (bits << 25) >> 25; // sign-extend the 39-bit heap code
        return new ValType(kind, (bits & (1L << 39)) != 0, heap);
    }

    public bool Equals(ValType other) => Kind == other.Kind && Nullable == other.Nullable && HeapCode == other.HeapCode;
    public override bool Equals(object? obj) => obj is ValType other && Equals(other);
    public override int GetHashCode() => ToBits().GetHashCode();
    public static bool operator ==(ValType a, ValType b) => a.Equals(b);
    public static bool operator !=(ValType a, ValType b) => !a.Equals(b);

    public override string ToString() => Kind switch
    {
        ValueKind.I32 => "i32",
        ValueKind.I64 => "i64",
        ValueKind.F32 => "f32",
        ValueKind.F64 => "f64",
        ValueKind.V128 => "v128",
        ValueKind.Unknown => "unknown",
        _ => Nullable && !Heap.IsConcrete ? Heap + "ref" : Nullable ? $"(ref null {Heap})" : $"(ref {Heap})",
    };
}
