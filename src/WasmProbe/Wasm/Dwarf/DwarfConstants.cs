namespace WasmProbe.Wasm.Dwarf;

/// <summary>The DWARF constants this reader uses (DWARF 5 numbering, plus the GNU extensions producers emit).</summary>
internal static class DwarfForm
{
    public const int Addr = 0x01, Block2 = 0x03, Block4 = 0x04, Data2 = 0x05, Data4 = 0x06, Data8 = 0x07, String = 0x08,
        Block = 0x09, Block1 = 0x0a, Data1 = 0x0b, Flag = 0x0c, Sdata = 0x0d, Strp = 0x0e, Udata = 0x0f, RefAddr = 0x10,
        Ref1 = 0x11, Ref2 = 0x12, Ref4 = 0x13, Ref8 = 0x14, RefUdata = 0x15, Indirect = 0x16, SecOffset = 0x17,
        Exprloc = 0x18, FlagPresent = 0x19, Strx = 0x1a, Addrx = 0x1b, RefSup4 = 0x1c, StrpSup = 0x1d, Data16 = 0x1e,
        LineStrp = 0x1f, RefSig8 = 0x20, ImplicitConst = 0x21, Loclistx = 0x22, Rnglistx = 0x23, RefSup8 = 0x24,
        Strx1 = 0x25, Strx2 = 0x26, Strx3 = 0x27, Strx4 = 0x28, Addrx1 = 0x29, Addrx2 = 0x2a, Addrx3 = 0x2b, Addrx4 = 0x2c,
        GnuAddrIndex = 0x1f01, GnuStrIndex = 0x1f02, GnuRefAlt = 0x1f20, GnuStrpAlt = 0x1f21;
}

internal static class DwarfAttribute
{
    public const int Sibling = 0x01, Location = 0x02, Name = 0x03, ByteSize = 0x0b, BitOffset = 0x0c, BitSize = 0x0d,
        StmtList = 0x10, LowPc = 0x11, HighPc = 0x12, Language = 0x13, Discr = 0x15, DiscrValue = 0x16, CompDir = 0x1b,
        ConstValue = 0x1c, Inline = 0x20, LowerBound = 0x22, Producer = 0x25, UpperBound = 0x2f, AbstractOrigin = 0x31,
        Artificial = 0x34, Count = 0x37, DataMemberLocation = 0x38, DeclLine = 0x3b, Declaration = 0x3c,
        Encoding = 0x3e, External = 0x3f, FrameBase = 0x40, Specification = 0x47, Type = 0x49, Ranges = 0x55,
        CallColumn = 0x57, CallFile = 0x58, CallLine = 0x59, DataBitOffset = 0x6b, LinkageName = 0x6e,
        StrOffsetsBase = 0x72, AddrBase = 0x73, RnglistsBase = 0x74, LoclistsBase = 0x8c, MipsLinkageName = 0x2007,
        GnuRangesBase = 0x2132, GnuAddrBase = 0x2133;
}

internal static class DwarfTag
{
    public const int ArrayType = 0x01, ClassType = 0x02, EnumerationType = 0x04, FormalParameter = 0x05,
        LexicalBlock = 0x0b, Member = 0x0d, PointerType = 0x0f, ReferenceType = 0x10, CompileUnit = 0x11,
        StructureType = 0x13, SubroutineType = 0x15, Typedef = 0x16, UnionType = 0x17, Variant = 0x19,
        InlinedSubroutine = 0x1d, SubrangeType = 0x21, BaseType = 0x24, ConstType = 0x26, Enumerator = 0x28,
        Subprogram = 0x2e, VariantPart = 0x33, Variable = 0x34, VolatileType = 0x35, RestrictType = 0x37,
        Namespace = 0x39, UnspecifiedType = 0x3b, PartialUnit = 0x3c, RvalueReferenceType = 0x42, AtomicType = 0x47,
        SkeletonUnit = 0x4a;
}

/// <summary>DW_ATE_*: how a base type's bits are to be read.</summary>
internal static class DwarfEncoding
{
    public const int Address = 0x01, Boolean = 0x02, Float = 0x04, Signed = 0x05, SignedChar = 0x06, Unsigned = 0x07,
        UnsignedChar = 0x08, Utf = 0x10;
}

/// <summary>DW_OP_*: the operations of DWARF expressions this evaluator knows.</summary>
internal static class DwarfOp
{
    public const byte Addr = 0x03, Deref = 0x06, Const1u = 0x08, Const1s = 0x09, Const2u = 0x0a, Const2s = 0x0b,
        Const4u = 0x0c, Const4s = 0x0d, Const8u = 0x0e, Const8s = 0x0f, Constu = 0x10, Consts = 0x11, Dup = 0x12,
        Drop = 0x13, Over = 0x14, Pick = 0x15, Swap = 0x16, Rot = 0x17, Abs = 0x19, And = 0x1a, Div = 0x1b,
        Minus = 0x1c, Mod = 0x1d, Mul = 0x1e, Neg = 0x1f, Not = 0x20, Or = 0x21, Plus = 0x22, PlusUconst = 0x23,
        Shl = 0x24, Shr = 0x25, Shra = 0x26, Xor = 0x27, Bra = 0x28, Eq = 0x29, Ge = 0x2a, Gt = 0x2b, Le = 0x2c,
        Lt = 0x2d, Ne = 0x2e, Skip = 0x2f, Lit0 = 0x30, Lit31 = 0x4f, Fbreg = 0x91, Piece = 0x93, DerefSize = 0x94,
        Nop = 0x96, ImplicitValue = 0x9e, StackValue = 0x9f, Addrx = 0xa1, Constx = 0xa2, WasmLocation = 0xed;
}

internal static class DwarfLineOpcode
{
    public const byte Extended = 0, Copy = 1, AdvancePc = 2, AdvanceLine = 3, SetFile = 4, SetColumn = 5, NegateStmt = 6,
        SetBasicBlock = 7, ConstAddPc = 8, FixedAdvancePc = 9, SetPrologueEnd = 10, SetEpilogueBegin = 11, SetIsa = 12;

    public const byte EndSequence = 1, SetAddress = 2, DefineFile = 3, SetDiscriminator = 4;
}

internal static class DwarfLineContent
{
    public const int Path = 1, DirectoryIndex = 2, Timestamp = 3, Size = 4, Md5 = 5;
}
