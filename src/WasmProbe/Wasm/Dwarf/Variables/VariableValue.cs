using System.Diagnostics.CodeAnalysis;

namespace WasmProbe.Wasm.Dwarf.Variables;

/// <summary>A typed value in a stopped frame: a variable, or a part of one (a member, an element, a pointer's target).
/// Nothing is read from the frame until asked for (<see cref="Bytes"/>, <see cref="Display"/>, <see cref="Children"/>),
/// and where the DWARF or the frame cannot say, the value is <em>unavailable</em> (<see cref="UnavailableReason"/>),
/// never guessed.</summary>
public sealed class VariableValue
{
    /// <summary>At most this many elements of an array or slice are listed in <see cref="Children"/> (all of them are
    /// reachable with <see cref="Element"/>).</summary>
    public const int MaxChildren = 1000;

    private readonly ValueStorage _storage;
    private readonly IFrameState _frame;
    private byte[]? _bytes;
    private string? _readError;
    private bool _read;
    private IReadOnlyList<VariableValue>? _children;
    private string? _display;

    private VariableValue(string name, string expression, DwarfType type, ValueStorage storage, IFrameState frame)
    {
        Name = name;
        Expression = expression;
        Type = type;
        _storage = storage;
        _frame = frame;
    }

    internal static VariableValue Of(string name, DwarfType type, VariableLocation location, IFrameState frame) =>
        new(name, name, type, ValueStorage.Of(location, type.Size, frame), frame) { Location = location };

    /// <summary>The variable's name, a member's name, or <c>[i]</c> for an element, <c>*</c> for a pointer's target.</summary>
    public string Name { get; }

    /// <summary>How to write this value as a path from its variable (<c>items[2].qty</c>, <c>*it</c>).</summary>
    public string Expression { get; }

    public DwarfType Type { get; }

    /// <summary>For a variable: where it is. Null for parts of a variable.</summary>
    public VariableLocation? Location { get; private init; }

    /// <summary>The address of the value in linear memory, when it is in memory.</summary>
    public ulong? Address => _storage.Address;

    /// <summary>Why the value cannot be read; null when it can. For scalars this reads the value.</summary>
    public string? UnavailableReason
    {
        get
        {
            if (_storage.UnavailableReason is { } reason) return reason;
            if (!IsScalar) return null;
            _ = Bytes;
            return _readError;
        }
    }

    public bool IsAvailable => UnavailableReason is null;

    /// <summary>The value's bytes (as many as its type's size); null when unavailable or of unknown size.</summary>
    public byte[]? Bytes
    {
        get
        {
            if (_read) return _bytes;
            _read = true;
            long size = Type.Size;
            if (size < 0 || size > int.MaxValue) _readError = $"the size of {Type.Name} is not known";
            else _bytes = _storage.Read(0, (int)size, out _readError);
            return _bytes;
        }
    }

    internal bool IsScalar => Type.Resolved.Kind is DwarfTypeKind.Base or DwarfTypeKind.Pointer or DwarfTypeKind.Reference or DwarfTypeKind.Enumeration;

    /// <summary>The value as an integer (base types, enums, pointers, bools), sign-extended when its type is signed.</summary>
    public bool TryGetInteger(out long value)
    {
        value = 0;
        var type = Type.Resolved;
        if (!IsScalar || (type.Kind == DwarfTypeKind.Base && type.Encoding == BaseEncoding.Float) || Bytes is not { Length: > 0 and <= 8 } bytes) return false;
        ulong bits = 0;
        for (int i = bytes.Length - 1; i >= 0; i--) bits = bits << 8 | bytes[i];
        int shift = 64 - 8 * bytes.Length;
        value = IsSigned(type) && shift > 0 ? (long)(bits << shift) >> shift : unchecked((long)bits);
        return true;
    }

    /// <summary>The value of a <c>float</c> or <c>double</c>.</summary>
    public bool TryGetFloat(out double value)
    {
        value = 0;
        if (Type.Resolved is not { Kind: DwarfTypeKind.Base, Encoding: BaseEncoding.Float } || Bytes is not { } bytes) return false;
        if (bytes.Length == 4) value = BitConverter.ToSingle(bytes, 0);
        else if (bytes.Length == 8) value = BitConverter.ToDouble(bytes, 0);
        else return false;
        return true;
    }

    /// <summary>The text of a C string (a <c>char</c> array up to its first NUL, or what a <c>char</c> pointer points
    /// at, up to <paramref name="max"/> bytes or a NUL) or of a Rust <c>&amp;str</c>, decoded as UTF-8.</summary>
    public bool TryGetString(int max, [NotNullWhen(true)] out string? text)
    {
        text = null;
        var type = Type.Resolved;
        if (!IsString(type) || !IsAvailable) return false;
        byte[]? bytes;
        if (RustSliceElements() is { } slice) bytes = slice.Length <= max ? slice.Data.ReadUpTo((int)slice.Length) : null;
        else if (type.Kind == DwarfTypeKind.Array) bytes = Bytes;
        else bytes = Dereference() is { IsAvailable: true } target ? target.ReadUpTo(max, toNul: true) : null;
        if (bytes is null) return false;
        int nul = type.Kind == DwarfTypeKind.Array || type.IsPointer ? Array.IndexOf(bytes, (byte)0) : -1;
        text = System.Text.Encoding.UTF8.GetString(bytes, 0, nul >= 0 ? nul : bytes.Length);
        return true;
    }

    /// <summary>Whether <see cref="TryGetString"/> reads the type: C <c>char</c> arrays and pointers, Rust <c>&amp;str</c>.</summary>
    public static bool IsString(DwarfType type)
    {
        var resolved = type.Resolved;
        if (resolved.Language == SourceLanguage.Rust) return IsRustSlice(resolved) && resolved.DeclaredName is "&str" or "&mut str";
        var element = resolved.Kind == DwarfTypeKind.Array && resolved.Dimensions.Count == 1 ? resolved.Target?.Resolved : resolved.IsPointer ? resolved.Target?.Resolved : null;
        return element is { Kind: DwarfTypeKind.Base, Encoding: BaseEncoding.SignedChar or BaseEncoding.UnsignedChar, Size: 1 };
    }

    /// <summary>The value as an integer (see <see cref="TryGetInteger"/>); throws when it is unavailable or not one.</summary>
    public long AsInteger() => TryGetInteger(out long value) ? value
        : throw new InvalidOperationException($"{Expression} ({Type.Name}) is not an available integer: {(IsAvailable ? Display : UnavailableReason)}");

    /// <summary>Whether <paramref name="value"/> is a Unicode scalar value (what a Rust <c>char</c> may hold).</summary>
    public static bool IsUnicodeScalar(long value) => value is >= 0 and <= 0x10FFFF and not (>= 0xD800 and <= 0xDFFF);

    /// <summary>Whether the type's integers are signed (signed base types and chars, enums with such values).</summary>
    public static bool IsSigned(DwarfType type) => type.Resolved switch
    {
        { Kind: DwarfTypeKind.Base, Encoding: BaseEncoding.Signed or BaseEncoding.SignedChar } => true,
        { Kind: DwarfTypeKind.Enumeration } e => e.Target is { Kind: not DwarfTypeKind.Void } underlying ? IsSigned(underlying) : e.Enumerators.Any(x => x.Value < 0),
        _ => false,
    };

    /// <summary>The value formatted as the source language would show it: <c>42</c>, <c>99 'c'</c>, <c>0x00001000</c>,
    /// <c>{qty = 3, tag = {...}}</c>, Rust <c>Some(42)</c>, <c>"hello"</c>; <c>&lt;unavailable&gt;</c> when it cannot be read.</summary>
    public string Display => _display ??= ValueFormatter.Format(this, 0);

    /// <summary>Members of a structure or union (a Rust enum: the fields of its active variant), elements of an array
    /// or Rust slice (the first <see cref="MaxChildren"/>), the target of a pointer; empty for other values.</summary>
    public IReadOnlyList<VariableValue> Children => _children ??= ReadChildren();

    private List<VariableValue> ReadChildren()
    {
        var children = new List<VariableValue>();
        if (_storage.UnavailableReason is not null) return children;
        var type = Type.Resolved;
        if (RustSliceElements() is { } slice)
        {
            for (long i = 0; i < Math.Min(slice.Length, MaxChildren); i++) children.Add(SliceElement(slice.Data, i));
        }
        else if (type.IsAggregate)
        {
            foreach (var (member, offset) in VisibleMembers()) children.Add(MemberValue(member, offset));
        }
        else if (type.Kind == DwarfTypeKind.Array)
        {
            long count = type.Dimensions.Count > 0 ? type.Dimensions[0] ?? 0 : 0;
            for (long i = 0; i < Math.Min(count, MaxChildren); i++) children.Add(Element(i)!);
        }
        else if (type.IsPointer && type.Target is { Kind: not DwarfTypeKind.Void } && Dereference() is { } target)
        {
            children.Add(target);
        }
        return children;
    }

    /// <summary>The members shown for an aggregate: its data members, or for a Rust enum the fields of the active
    /// variant (at their offsets from the start of the enum).</summary>
    internal IEnumerable<(DwarfMember Member, long Offset)> VisibleMembers()
    {
        var type = Type.Resolved;
        if (type.VariantPart is null) return type.Members.Select(m => (m, m.ByteOffset));
        if (ActiveVariant() is not { } variant) return [];
        return variant.Type.Resolved.Members.Select(m => (m, variant.ByteOffset + m.ByteOffset));
    }

    /// <summary>For a Rust enum: the name of the variant the discriminant selects (<c>Some</c>); null for other values
    /// or when unreadable.</summary>
    public string? VariantName => ActiveVariant()?.Name;

    /// <summary>For a Rust enum: the member naming the variant the discriminant selects; null when unreadable.</summary>
    internal DwarfMember? ActiveVariant()
    {
        var part = Type.Resolved.VariantPart;
        if (part is null) return null;
        DwarfVariant? chosen = null;
        if (part.Discriminant is { } discriminant)
        {
            if (!MemberValue(discriminant, discriminant.ByteOffset).TryGetInteger(out long tag)) return null;
            long size = discriminant.Type.Size;
            ulong mask = size is > 0 and < 8 ? (1UL << (int)(8 * size)) - 1 : ulong.MaxValue;
            chosen = part.Variants.FirstOrDefault(v => v.DiscriminantValue is { } d && ((ulong)d & mask) == ((ulong)tag & mask));
        }
        chosen ??= part.Variants.FirstOrDefault(v => v.DiscriminantValue is null);
        return chosen?.Members.FirstOrDefault();
    }

    /// <summary>The member named <paramref name="name"/> (of a Rust enum: a field of the active variant); null when
    /// the type has none.</summary>
    public VariableValue? Member(string name)
    {
        if (!Type.Resolved.IsAggregate) return null;
        foreach (var (member, offset) in VisibleMembers())
        {
            if (member.Name == name) return MemberValue(member, offset);
        }
        return null;
    }

    private VariableValue MemberValue(DwarfMember member, long offset)
    {
        string name = member.Name ?? "<anonymous>";
        string expression = Expression + "." + name;
        var storage = _storage.Slice(offset);
        if (member.BitSize > 0) storage = Bitfield(storage, member);
        return new VariableValue(name, expression, member.Type, storage, _frame);
    }

    private static ValueStorage Bitfield(ValueStorage storage, DwarfMember member)
    {
        int bytes = (member.BitOffset + member.BitSize + 7) / 8;
        long size = member.Type.Size;
        if (bytes > 8 || size is < 1 or > 8) return new ValueStorage.Unavailable($"a bitfield of {member.BitSize} bits is not supported");
        var raw = storage.Read(0, bytes, out string? reason);
        if (raw is null) return new ValueStorage.Unavailable(reason!);
        ulong bits = 0;
        for (int i = raw.Length - 1; i >= 0; i--) bits = bits << 8 | raw[i];
        bits = (bits >> member.BitOffset) & (member.BitSize == 64 ? ulong.MaxValue : (1UL << member.BitSize) - 1);
        if (IsSigned(member.Type) && member.BitSize < 64 && (bits >> (member.BitSize - 1) & 1) != 0) bits |= ulong.MaxValue << member.BitSize;
        return new ValueStorage.Bytes([.. BitConverter.GetBytes(bits).Take((int)size)]);
    }

    /// <summary>Element <paramref name="index"/> of an array, a Rust slice, or what a pointer points at (pointer
    /// arithmetic); null when the value is none of those. Out of bounds of a known count: null.</summary>
    public VariableValue? Element(long index)
    {
        var type = Type.Resolved;
        if (RustSliceElements() is { } slice)
        {
            return index >= 0 && index < slice.Length ? SliceElement(slice.Data, index) : null;
        }
        if (type.Kind == DwarfTypeKind.Array)
        {
            if (index < 0 || (type.Dimensions.Count > 0 && type.Dimensions[0] is { } count && index >= count)) return null;
            var element = type.ElementType!;
            return new VariableValue($"[{index}]", $"{Expression}[{index}]", element, _storage.Slice(checked(index * Math.Max(element.Size, 0))), _frame);
        }
        if (type.IsPointer && Dereference() is { } target)
        {
            var storage = target._storage.Slice(checked(index * Math.Max(target.Type.Size, 0)));
            return new VariableValue($"[{index}]", $"{Expression}[{index}]", target.Type, storage, _frame);
        }
        return null;
    }

    /// <summary>What a pointer or reference points at; null when the value is not one.</summary>
    public VariableValue? Dereference()
    {
        var type = Type.Resolved;
        if (!type.IsPointer) return null;
        var target = type.Target!;
        string expression = Expression.IndexOfAny(['.', '[', '-', '*']) >= 0 ? $"*({Expression})" : "*" + Expression;
        if (!TryGetInteger(out long address)) return new VariableValue("*", expression, target, new ValueStorage.Unavailable(UnavailableReason ?? "the pointer cannot be read"), _frame);
        var storage = address == 0 ? new ValueStorage.Unavailable("null pointer") : (ValueStorage)new ValueStorage.Memory(_frame, (ulong)address);
        return new VariableValue("*", expression, target, storage, _frame);
    }

    /// <summary>For a Rust slice or <c>&amp;str</c> (a structure of data_ptr and length): where the elements are
    /// and how many; null for other values or when the pair cannot be read.</summary>
    internal (VariableValue Data, long Length)? RustSliceElements()
    {
        var type = Type.Resolved;
        if (!IsRustSlice(type)) return null;
        var data = Member("data_ptr")!.Dereference();
        if (data is null || !Member("length")!.TryGetInteger(out long length) || length < 0) return null;
        return (data, length);
    }

    /// <summary>A Rust slice or <c>&amp;str</c>: a structure of <c>data_ptr</c> and <c>length</c>.</summary>
    public static bool IsRustSlice(DwarfType type) =>
        type.Language == SourceLanguage.Rust && type.Kind == DwarfTypeKind.Structure && type.DeclaredName is { } name
        && name.StartsWith("&", StringComparison.Ordinal) && type.Member("data_ptr")?.Type.Resolved.IsPointer == true && type.Member("length") is not null;

    private VariableValue SliceElement(VariableValue data, long index) =>
        new($"[{index}]", $"{Expression}[{index}]", data.Type, data._storage.Slice(checked(index * Math.Max(data.Type.Size, 0))), _frame);

    /// <summary>Up to <paramref name="max"/> bytes of memory at the value's address (for strings); fewer where memory
    /// ends or, with <paramref name="toNul"/>, before the first NUL.</summary>
    internal byte[] ReadUpTo(int max, bool toNul = false)
    {
        var bytes = new List<byte>();
        for (int i = 0; i < max && _storage.Slice(i).Read(0, 1, out _) is { } b && !(toNul && b[0] == 0); i++) bytes.Add(b[0]);
        return [.. bytes];
    }

    public override string ToString() => $"{Expression} = {Display}";
}
