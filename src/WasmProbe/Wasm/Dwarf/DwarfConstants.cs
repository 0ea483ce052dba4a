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
    public const int Name = 0x03, StmtList = 0x10, LowPc = 0x11, HighPc = 0x12, Language = 0x13, CompDir = 0x1b,
        Inline = 0x20, Producer = 0x25, AbstractOrigin = 0x31, Declaration = 0x3c, Specification = 0x47, Ranges = 0x55,
        CallColumn = 0x57, CallFile = 0x58, CallLine = 0x59, LinkageName = 0x6e, StrOffsetsBase = 0x72, AddrBase = 0x73,
        RnglistsBase = 0x74, MipsLinkageName = 0x2007, GnuRangesBase = 0x2132, GnuAddrBase = 0x2133;
}

internal static class DwarfTag
{
    public const int ClassType = 0x02, LexicalBlock = 0x0b, CompileUnit = 0x11, StructureType = 0x13, UnionType = 0x17,
        InlinedSubroutine = 0x1d, Subprogram = 0x2e, Namespace = 0x39, PartialUnit = 0x3c, SkeletonUnit = 0x4a;
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
