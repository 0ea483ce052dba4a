namespace WasmProbe.Wasm.Dwarf.Variables;

public enum DwarfTypeKind
{
    Void,
    Base,
    Pointer,
    Reference,
    Typedef,
    Const,
    Volatile,
    /// <summary>restrict or _Atomic: qualifiers that do not change how the value is read.</summary>
    OtherQualifier,
    Array,
    Structure,
    Class,
    Union,
    Enumeration,
    Function,
    /// <summary>DW_TAG_unspecified_type (e.g. C++ <c>decltype(nullptr)</c>) and type DIEs this reader does not model.</summary>
    Unspecified,
}

/// <summary>How the bits of a base type are read (DW_AT_encoding).</summary>
public enum BaseEncoding
{
    Other,
    Signed,
    Unsigned,
    SignedChar,
    UnsignedChar,
    Boolean,
    Float,
    /// <summary>A Unicode code unit or scalar (Rust <c>char</c>, C++ <c>char16_t</c>, <c>char32_t</c>).</summary>
    Utf,
    Address,
}

/// <summary>A type from <c>.debug_info</c>. Referenced types (<see cref="Target"/>, member types) are read when first
/// asked for, so recursive types and big type graphs cost only what is looked at.</summary>
public sealed class DwarfType
{
    private const int MaxChain = 32;

    private readonly TypeReader? _reader;
    private readonly long _targetOffset;
    private DwarfType? _target;
    private string? _name;
    private long? _size;
    private DwarfType? _element;

    internal DwarfType(DwarfTypeKind kind, int dieOffset, SourceLanguage language, TypeReader? reader, long targetOffset)
    {
        Kind = kind;
        DieOffset = dieOffset;
        Language = language;
        _reader = reader;
        _targetOffset = targetOffset;
    }

    private static readonly DwarfType[] Voids = [.. Enum.GetValues(typeof(SourceLanguage)).Cast<SourceLanguage>().Select(l => new DwarfType(DwarfTypeKind.Void, -1, l, null, -1))];

    /// <summary>void (Rust: the unit type), for untyped pointers and functions without a return type.</summary>
    internal static DwarfType Void(SourceLanguage language) => Voids[(int)language];

    public DwarfTypeKind Kind { get; }

    /// <summary>Offset of the type's DIE in <c>.debug_info</c>; -1 for void and for the sub-arrays of a
    /// multi-dimensional array.</summary>
    public int DieOffset { get; }

    internal SourceLanguage Language { get; }

    /// <summary>DW_AT_name as the DWARF gives it; null for unnamed types (C pointers, arrays, anonymous structs).</summary>
    public string? DeclaredName { get; internal set; }

    /// <summary>The type as its source language spells it: C <c>unsigned int</c>, <c>struct item</c>, <c>int *</c>,
    /// <c>int[8]</c>; Rust <c>i32</c>, <c>&amp;str</c>, <c>Option&lt;u32&gt;</c>, <c>[i32; 3]</c>.</summary>
    public string Name => _name ??= TypeNames.Spell(this);

    /// <summary>The size in bytes; -1 when unknown (incomplete types, arrays without bounds).</summary>
    public long Size => _size ??= ComputeSize();

    internal long DeclaredSize { get; set; } = -1;

    public BaseEncoding Encoding { get; internal set; }

    /// <summary>The pointee (pointers, references), the underlying type (typedefs, qualifiers, enums with one), the
    /// element type (arrays) or the return type (functions); void when the DWARF names none.</summary>
    public DwarfType? Target
    {
        get
        {
            if (_target is not null || _reader is null) return _target;
            return _target = _targetOffset < 0 ? Void(Language) : _reader.TypeAt(_targetOffset);
        }
        internal set => _target = value;
    }

    public IReadOnlyList<DwarfMember> Members { get; internal set; } = [];

    /// <summary>For arrays: the element count of each dimension, outermost first; null where it is not known.</summary>
    public IReadOnlyList<long?> Dimensions { get; internal set; } = [];

    public IReadOnlyList<DwarfEnumerator> Enumerators { get; internal set; } = [];

    /// <summary>For a Rust enum (a structure with DW_TAG_variant_part): the discriminant and the variants.</summary>
    public DwarfVariantPart? VariantPart { get; internal set; }

    /// <summary>For function types: the parameter types.</summary>
    public IReadOnlyList<DwarfType> Parameters => _parameters ??= _reader is null ? [] : [.. _parameterOffsets.Select(_reader.TypeAt)];

    internal long[] _parameterOffsets = [];
    private IReadOnlyList<DwarfType>? _parameters;

    /// <summary>A structure, union or enum only declared here (DW_AT_declaration): its members are not known.</summary>
    public bool IsDeclaration { get; internal set; }

    /// <summary>The type with typedefs and qualifiers (const, volatile, restrict, atomic) removed.</summary>
    public DwarfType Resolved
    {
        get
        {
            var type = this;
            for (int hops = 0; hops < MaxChain && type.IsAlias && type.Target is { } target; hops++) type = target;
            return type;
        }
    }

    internal bool IsAlias => Kind is DwarfTypeKind.Typedef or DwarfTypeKind.Const or DwarfTypeKind.Volatile or DwarfTypeKind.OtherQualifier;

    public bool IsPointer => Kind is DwarfTypeKind.Pointer or DwarfTypeKind.Reference;

    public bool IsAggregate => Kind is DwarfTypeKind.Structure or DwarfTypeKind.Class or DwarfTypeKind.Union;

    /// <summary>For arrays: the type of one element of the outermost dimension (an array of the remaining
    /// dimensions for a multi-dimensional array).</summary>
    public DwarfType? ElementType
    {
        get
        {
            if (Kind != DwarfTypeKind.Array) return null;
            if (Dimensions.Count <= 1) return Target;
            return _element ??= new DwarfType(DwarfTypeKind.Array, -1, Language, null, -1)
            {
                Target = Target,
                Dimensions = [.. Dimensions.Skip(1)],
            };
        }
    }

    /// <summary>The member named <paramref name="name"/>, or null.</summary>
    public DwarfMember? Member(string name)
    {
        foreach (var member in Members)
        {
            if (member.Name == name) return member;
        }
        return null;
    }

    private long ComputeSize()
    {
        if (DeclaredSize >= 0) return DeclaredSize;
        switch (Kind)
        {
            case DwarfTypeKind.Typedef or DwarfTypeKind.Const or DwarfTypeKind.Volatile or DwarfTypeKind.OtherQualifier:
                var resolved = Resolved;
                return resolved.IsAlias ? -1 : resolved.Size;
            case DwarfTypeKind.Array:
                return ArraySize(this, 0);
            default:
                return -1;
        }
    }

    private static long ArraySize(DwarfType array, int depth)
    {
        if (depth >= MaxChain) return -1;
        var element = array.Target?.Resolved;
        if (element is null) return -1;
        long size = element.Kind == DwarfTypeKind.Array && element.DeclaredSize < 0 ? ArraySize(element, depth + 1) : element.Size;
        foreach (var count in array.Dimensions)
        {
            if (count is not { } n || size < 0) return -1;
            if (n != 0 && size > long.MaxValue / n) return -1;
            size *= n;
        }
        return size;
    }

    public override string ToString() => Name;
}

/// <summary>A data member of a structure, class or union (or of a Rust enum variant).</summary>
public sealed class DwarfMember
{
    private readonly TypeReader _reader;
    private readonly long _typeOffset;
    private readonly SourceLanguage _language;
    private DwarfType? _type;

    internal DwarfMember(TypeReader reader, string? name, long typeOffset, SourceLanguage language)
    {
        _reader = reader;
        Name = name;
        _typeOffset = typeOffset;
        _language = language;
    }

    /// <summary>null for anonymous members (an unnamed struct or union inside another).</summary>
    public string? Name { get; }

    public DwarfType Type => _type ??= _typeOffset < 0 ? DwarfType.Void(_language) : _reader.TypeAt(_typeOffset);

    /// <summary>Where the member's storage starts, in bytes from the start of the enclosing value.</summary>
    public long ByteOffset { get; internal set; }

    /// <summary>For a bitfield: its width in bits; 0 otherwise.</summary>
    public int BitSize { get; internal set; }

    /// <summary>For a bitfield: the offset of its lowest bit from bit 0 of the byte at <see cref="ByteOffset"/>
    /// (little-endian numbering, as wasm is little-endian).</summary>
    public int BitOffset { get; internal set; }

    /// <summary>DW_AT_artificial: made up by the compiler (a Rust enum's discriminant, a C++ <c>this</c>).</summary>
    public bool IsArtificial { get; internal set; }

    public override string ToString() => $"{Name}: {Type.Name} at +{ByteOffset}";
}

public sealed record DwarfEnumerator(string Name, long Value);

/// <summary>DW_TAG_variant_part (Rust enums): the member holding the discriminant and the variants it selects.</summary>
public sealed class DwarfVariantPart(DwarfMember? discriminant, IReadOnlyList<DwarfVariant> variants)
{
    /// <summary>null when the DWARF names none (then the default variant, if any, is the value).</summary>
    public DwarfMember? Discriminant { get; } = discriminant;

    public IReadOnlyList<DwarfVariant> Variants { get; } = variants;
}

/// <summary>One DW_TAG_variant: chosen when the discriminant is <see cref="DiscriminantValue"/> (null: the default
/// variant, chosen when no other matches).</summary>
public sealed class DwarfVariant(long? discriminantValue, IReadOnlyList<DwarfMember> members)
{
    public long? DiscriminantValue { get; } = discriminantValue;

    /// <summary>The variant's members; rustc emits one, named for the variant, whose type holds the fields.</summary>
    public IReadOnlyList<DwarfMember> Members { get; } = members;
}
