namespace WasmProbe.Wasm.Types;

public sealed class FunctionType(ValType[] parameters, ValType[] results) : IEquatable<FunctionType>
{
    public static readonly FunctionType Empty = new([], []);

    public ValType[] Parameters { get; } = parameters;
    public ValType[] Results { get; } = results;

    public bool Equals(FunctionType? other) =>
        other is not null && Parameters.SequenceEqual(other.Parameters) && Results.SequenceEqual(other.Results);

    public override bool Equals(object? obj) => Equals(obj as FunctionType);

    public override int GetHashCode()
    {
        int hash = Parameters.Length * 31 + Results.Length;
        foreach (var p in Parameters) hash = hash * 31 + p.GetHashCode();
        foreach (var r in Results) hash = hash * 31 + r.GetHashCode();
        return hash;
    }

    public override string ToString() =>
        $"[{string.Join(" ", Parameters)}] -> [{string.Join(" ", Results)}]";
}

public enum PackedType : byte
{
    None = 0,
    I8 = 0x78,
    I16 = 0x77,
}

/// <summary>A struct field or array element: a storage type (value type or packed i8/i16) and mutability.</summary>
public readonly record struct FieldType(ValType Type, PackedType Packed, bool Mutable)
{
    /// <summary>The type of the field's value on the operand stack (packed fields read as i32).</summary>
    public ValType Unpacked => Packed == PackedType.None ? Type : ValType.I32;

    public override string ToString()
    {
        string storage = Packed switch { PackedType.I8 => "i8", PackedType.I16 => "i16", _ => Type.ToString() };
        return Mutable ? $"(mut {storage})" : storage;
    }
}

public enum CompositeKind : byte
{
    Func = 0x60,
    Struct = 0x5F,
    Array = 0x5E,
}

/// <summary>A function, struct or array type.</summary>
public sealed class CompositeType
{
    private CompositeType(CompositeKind kind, FunctionType? function, FieldType[] fields)
    {
        Kind = kind;
        FunctionOrNull = function;
        Fields = fields;
    }

    public static CompositeType OfFunction(FunctionType type) => new(CompositeKind.Func, type, []);
    public static CompositeType OfStruct(FieldType[] fields) => new(CompositeKind.Struct, null, fields);
    public static CompositeType OfArray(FieldType element) => new(CompositeKind.Array, null, [element]);

    public CompositeKind Kind { get; }
    private FunctionType? FunctionOrNull { get; }

    public FunctionType Function => FunctionOrNull ?? throw new InvalidOperationException($"a {Kind} type is not a function type");

    /// <summary>Struct fields; for an array, its single element type.</summary>
    public FieldType[] Fields { get; }

    public FieldType ArrayElement => Kind == CompositeKind.Array ? Fields[0] : throw new InvalidOperationException($"a {Kind} type is not an array type");

    public override string ToString() => Kind switch
    {
        CompositeKind.Func => $"func {Function}",
        CompositeKind.Struct => $"struct {{{string.Join(", ", Fields)}}}",
        _ => $"array {ArrayElement}",
    };
}

/// <summary>An entry of the type index space.</summary>
/// <param name="HasSubPrefix">Encoded with a 0x50/0x4F prefix (always true when not final or with supertypes).</param>
public sealed record SubType(CompositeType Composite, bool Final, int[] Supertypes, bool HasSubPrefix)
{
    public static SubType Plain(CompositeType composite) => new(composite, Final: true, [], HasSubPrefix: false);
}

/// <summary>A recursion group; <see cref="Explicit"/> when encoded with the 0x4E prefix.</summary>
public sealed record RecGroup(SubType[] Types, bool Explicit);
