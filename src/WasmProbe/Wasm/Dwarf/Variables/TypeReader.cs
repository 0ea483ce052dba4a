using Die = WasmProbe.Wasm.Dwarf.DebugInfoReader.Die;

namespace WasmProbe.Wasm.Dwarf.Variables;

/// <summary>Reads type DIEs into <see cref="DwarfType"/>s, each once (cached by DIE offset), on demand.</summary>
internal sealed class TypeReader(DebugInfoReader info)
{
    private readonly Dictionary<long, DwarfType> _types = [];

    public DebugInfoReader Info { get; } = info;

    /// <summary>The type DIE at an absolute <c>.debug_info</c> offset.</summary>
    /// <exception cref="DwarfFormatException">The offset is not a DIE or the DIE is malformed.</exception>
    public DwarfType TypeAt(long offset)
    {
        lock (_types)
        {
            if (_types.TryGetValue(offset, out var type)) return type;
            type = Read(Info.DieAt(offset));
            _types[offset] = type;
            return type;
        }
    }

    /// <summary>The absolute offset DW_AT_type of <paramref name="die"/> refers to; -1 for none (void).</summary>
    public static long TypeOffset(Die die) =>
        die.TryGet(DwarfAttribute.Type, out var v) ? DebugInfoReader.Reference(die.Unit, v) : -1;

    private DwarfType Read(Die die)
    {
        var language = SourceLanguages.Of(die.Unit.Unit.Language);
        var kind = KindOf(die.Tag);
        var type = new DwarfType(kind, die.Offset, language, this, TypeOffset(die))
        {
            DeclaredName = die.TryGet(DwarfAttribute.Name, out var name) ? Info.String(die.Unit, name) : null,
            IsDeclaration = die.TryGet(DwarfAttribute.Declaration, out var declaration) && declaration.U != 0,
        };
        if (die.TryGet(DwarfAttribute.ByteSize, out var size) && DebugInfoReader.Constant(size, signed: false) is { } bytes and >= 0)
            type.DeclaredSize = bytes;
        else if (kind == DwarfTypeKind.Pointer || kind == DwarfTypeKind.Reference) type.DeclaredSize = die.Unit.AddressSize;
        if (die.TryGet(DwarfAttribute.Encoding, out var encoding)) type.Encoding = EncodingOf(encoding.U);
        switch (kind)
        {
            case DwarfTypeKind.Structure or DwarfTypeKind.Class or DwarfTypeKind.Union:
                ReadMembers(die, type);
                break;
            case DwarfTypeKind.Enumeration:
                type.Enumerators = ReadEnumerators(die, type);
                break;
            case DwarfTypeKind.Array:
                type.Dimensions = ReadDimensions(die);
                break;
            case DwarfTypeKind.Function:
                type._parameterOffsets = [.. Info.Children(die).Where(c => c.Tag == DwarfTag.FormalParameter).Select(TypeOffset)];
                break;
        }
        return type;
    }

    private static DwarfTypeKind KindOf(int tag) => tag switch
    {
        DwarfTag.BaseType => DwarfTypeKind.Base,
        DwarfTag.PointerType => DwarfTypeKind.Pointer,
        DwarfTag.ReferenceType or DwarfTag.RvalueReferenceType => DwarfTypeKind.Reference,
        DwarfTag.Typedef => DwarfTypeKind.Typedef,
        DwarfTag.ConstType => DwarfTypeKind.Const,
        DwarfTag.VolatileType => DwarfTypeKind.Volatile,
        DwarfTag.RestrictType or DwarfTag.AtomicType => DwarfTypeKind.OtherQualifier,
        DwarfTag.ArrayType => DwarfTypeKind.Array,
        DwarfTag.StructureType => DwarfTypeKind.Structure,
        DwarfTag.ClassType => DwarfTypeKind.Class,
        DwarfTag.UnionType => DwarfTypeKind.Union,
        DwarfTag.EnumerationType => DwarfTypeKind.Enumeration,
        DwarfTag.SubroutineType => DwarfTypeKind.Function,
        _ => DwarfTypeKind.Unspecified,
    };

    private static BaseEncoding EncodingOf(ulong encoding) => encoding switch
    {
        DwarfEncoding.Address => BaseEncoding.Address,
        DwarfEncoding.Boolean => BaseEncoding.Boolean,
        DwarfEncoding.Float => BaseEncoding.Float,
        DwarfEncoding.Signed => BaseEncoding.Signed,
        DwarfEncoding.SignedChar => BaseEncoding.SignedChar,
        DwarfEncoding.Unsigned => BaseEncoding.Unsigned,
        DwarfEncoding.UnsignedChar => BaseEncoding.UnsignedChar,
        DwarfEncoding.Utf => BaseEncoding.Utf,
        _ => BaseEncoding.Other,
    };

    private void ReadMembers(Die die, DwarfType type)
    {
        var members = new List<DwarfMember>();
        foreach (var child in Info.Children(die))
        {
            if (child.Tag == DwarfTag.Member && Member(child) is { } member) members.Add(member);
            else if (child.Tag == DwarfTag.VariantPart) type.VariantPart = ReadVariantPart(child);
        }
        type.Members = members;
    }

    /// <summary>A data member; null for static members (declarations without a place in the value).</summary>
    private DwarfMember? Member(Die die)
    {
        if (die.Has(DwarfAttribute.External) || die.Has(DwarfAttribute.Declaration)) return null;
        string? name = die.TryGet(DwarfAttribute.Name, out var n) ? Info.String(die.Unit, n) : null;
        var member = new DwarfMember(this, name, TypeOffset(die), SourceLanguages.Of(die.Unit.Unit.Language))
        {
            IsArtificial = die.TryGet(DwarfAttribute.Artificial, out var artificial) && artificial.U != 0,
        };
        if (die.TryGet(DwarfAttribute.DataMemberLocation, out var location))
        {
            // A constant offset; the DWARF 2 form, an expression pushing one, is not used by the wasm producers.
            member.ByteOffset = DebugInfoReader.Constant(location, signed: false) ?? 0;
        }
        if (die.TryGet(DwarfAttribute.BitSize, out var bitSize))
        {
            member.BitSize = (int)Math.Min(bitSize.U, 64);
            if (die.TryGet(DwarfAttribute.DataBitOffset, out var dataBitOffset))
            {
                long bits = DebugInfoReader.Constant(dataBitOffset, signed: false) ?? 0;
                member.ByteOffset += bits / 8;
                member.BitOffset = (int)(bits % 8);
            }
            else if (die.TryGet(DwarfAttribute.BitOffset, out var bitOffset))
            {
                // DWARF 2/3 count from the most significant bit of a storage unit of DW_AT_byte_size bytes.
                long storageBits = (die.TryGet(DwarfAttribute.ByteSize, out var storage) ? (long)Math.Min(storage.U, 8) : 4) * 8;
                long lowBit = storageBits - (long)Math.Min(bitOffset.U, 64) - member.BitSize;
                if (lowBit < 0) throw new DwarfFormatException(".debug_info", die.Offset, $"bitfield of {member.BitSize} bits at bit offset {bitOffset.U} does not fit its {storageBits}-bit storage");
                member.ByteOffset += lowBit / 8;
                member.BitOffset = (int)(lowBit % 8);
            }
        }
        return member;
    }

    private DwarfVariantPart ReadVariantPart(Die die)
    {
        long discriminantOffset = die.TryGet(DwarfAttribute.Discr, out var discr) ? DebugInfoReader.Reference(die.Unit, discr) : -1;
        DwarfMember? discriminant = null;
        var variants = new List<DwarfVariant>();
        foreach (var child in Info.Children(die))
        {
            if (child.Tag == DwarfTag.Member && child.Offset == discriminantOffset) discriminant = Member(child);
            else if (child.Tag == DwarfTag.Variant)
            {
                long? value = child.TryGet(DwarfAttribute.DiscrValue, out var v) ? DebugInfoReader.Constant(v, signed: v.Form == DwarfForm.Sdata) : null;
                var members = Info.Children(child).Where(c => c.Tag == DwarfTag.Member).Select(Member).OfType<DwarfMember>().ToList();
                variants.Add(new DwarfVariant(value, members));
            }
        }
        return new DwarfVariantPart(discriminant, variants);
    }

    private List<DwarfEnumerator> ReadEnumerators(Die die, DwarfType type)
    {
        var enumerators = new List<DwarfEnumerator>();
        foreach (var child in Info.Children(die))
        {
            if (child.Tag != DwarfTag.Enumerator || !child.TryGet(DwarfAttribute.ConstValue, out var value)) continue;
            string name = child.TryGet(DwarfAttribute.Name, out var n) ? Info.String(die.Unit, n) ?? "" : "";
            // Data forms carry no sign: the enumerator is negative only when written as sdata.
            if (DebugInfoReader.Constant(value, signed: value.Form == DwarfForm.Sdata) is { } constant) enumerators.Add(new DwarfEnumerator(name, constant));
        }
        return enumerators;
    }

    private List<long?> ReadDimensions(Die die)
    {
        var dimensions = new List<long?>();
        foreach (var child in Info.Children(die))
        {
            if (child.Tag != DwarfTag.SubrangeType) continue;
            long? count = null;
            if (child.TryGet(DwarfAttribute.Count, out var c)) count = DebugInfoReader.Constant(c, signed: false);
            else if (child.TryGet(DwarfAttribute.UpperBound, out var upper) && DebugInfoReader.Constant(upper, signed: upper.Form == DwarfForm.Sdata) is { } high)
            {
                long low = child.TryGet(DwarfAttribute.LowerBound, out var lower) ? DebugInfoReader.Constant(lower, signed: true) ?? 0 : 0;
                count = high - low + 1;
            }
            dimensions.Add(count is >= 0 ? count : null);
        }
        return dimensions;
    }
}
