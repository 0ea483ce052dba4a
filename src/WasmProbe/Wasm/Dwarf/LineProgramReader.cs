namespace WasmProbe.Wasm.Dwarf;

/// <summary>One row as the line-number state machine emits it, before its address is checked and mapped to a module pc.</summary>
internal struct RawLineRow
{
    public ulong Address;
    public int File;     // the program's file number; -1 when it does not fit an int
    public int Line;     // 0 when the state machine's line does not fit an int
    public int Column;
    public int Discriminator;
    public LineRowFlags Flags;
}

/// <summary>Receives the rows of each sequence (the rows up to and including an end_sequence row).</summary>
internal interface ILineSequenceSink
{
    void Sequence(LineProgram program, RawLineRow[] rows, int count);
}

/// <summary>Decodes line-number programs (DWARF 2-5): the header with its directory and file tables, and the state
/// machine with all standard, extended and special opcodes.</summary>
internal static class LineProgramReader
{
    private const string SectionName = ".debug_line";

    /// <summary>Decodes the unit at <paramref name="offset"/> and returns where the next unit starts.</summary>
    public static int ReadUnit(DwarfSections sections, int offset, Func<int, string?> compilationDirectory, ILineSequenceSink sink, List<LineProgram> programs, ref RawLineRow[] buffer)
    {
        var c = new DwarfCursor(sections.Line, offset, sections.Line.Data.Length);
        int unitEnd = c.UnitLength(out bool is64);
        c.End = unitEnd;
        int versionAt = c.Position;
        int version = c.U16();
        if (version < 2 || version > 5) throw c.Error(versionAt, $"unsupported line table version {version} (2 to 5 are supported)");
        var program = new LineProgram(offset, version, is64) { CompilationDirectory = compilationDirectory(offset) };
        if (version >= 5)
        {
            int addressSizeAt = c.Position;
            program.AddressSize = c.U8();
            if (program.AddressSize is not (1 or 2 or 4 or 8)) throw c.Error(addressSizeAt, $"unsupported address size {program.AddressSize}");
            int segmentSelectorSize = c.U8();
            if (segmentSelectorSize != 0) throw c.Error(addressSizeAt + 1, $"unsupported segment selector size {segmentSelectorSize}");
        }
        int headerLengthAt = c.Position;
        ulong headerLength = c.Offset(is64);
        if (headerLength > (ulong)c.Remaining) throw c.Error(headerLengthAt, $"header length 0x{headerLength:x} runs past the end of the unit");
        int programStart = c.Position + (int)headerLength;
        var header = c;
        header.End = programStart;
        program.MinimumInstructionLength = header.U8();
        if (version >= 4)
        {
            int at = header.Position;
            program.MaximumOperationsPerInstruction = header.U8();
            if (program.MaximumOperationsPerInstruction == 0) throw header.Error(at, "maximum_operations_per_instruction is 0");
        }
        program.DefaultIsStatement = header.U8() != 0;
        program.LineBase = header.S8();
        program.LineRange = header.U8();
        int opcodeBaseAt = header.Position;
        program.OpcodeBase = header.U8();
        if (program.OpcodeBase == 0) throw header.Error(opcodeBaseAt, "opcode_base is 0");
        var standardLengths = new byte[program.OpcodeBase];
        for (int i = 1; i < program.OpcodeBase; i++) standardLengths[i] = header.U8();
        if (version >= 5) ReadV5Tables(sections, ref header, program);
        else ReadV2Tables(ref header, program);
        programs.Add(program);

        Run(sections.Line, program, standardLengths, programStart, unitEnd, sink, ref buffer);
        return unitEnd;
    }

    private static void ReadV2Tables(ref DwarfCursor header, LineProgram program)
    {
        while (true)
        {
            string directory = header.CString();
            if (directory.Length == 0) break;
            program._directories.Add(directory);
        }
        while (true)
        {
            int at = header.Position;
            string name = header.CString();
            if (name.Length == 0) break;
            program._files.Add(FileEntry(program, at, name, (long)Math.Min(header.Uleb(), long.MaxValue), header.Uleb(), header.Uleb(), null, header));
        }
    }

    private static LineFileEntry FileEntry(LineProgram program, int at, string name, long directoryIndex, ulong time, ulong length, string? md5, DwarfCursor cursor)
    {
        string? directory = program.Directory(directoryIndex);
        if (directory is null && !(directoryIndex == 0 && program.Version < 5))
            throw cursor.Error(at, $"file '{name}' names directory {directoryIndex}, which the header does not define");
        return new LineFileEntry(name, directoryIndex, SourcePaths.Join(directory, name)) { ModificationTime = time, Length = length, Md5 = md5 };
    }

    private static void ReadV5Tables(DwarfSections sections, ref DwarfCursor header, LineProgram program)
    {
        var directoryFormats = ReadFormats(ref header);
        int count = header.UlebInt("directory count");
        if (count > 0 && directoryFormats.Length == 0) throw header.Error("directories are declared but the directory entry format is empty");
        if (count > header.Remaining) throw header.Error($"directory count {count} exceeds the {header.Remaining} bytes left in the header");
        for (int i = 0; i < count; i++)
        {
            int at = header.Position;
            string? path = null;
            foreach (var (content, form) in directoryFormats)
            {
                var value = ReadEntryValue(sections, ref header, form, program.Is64Bit);
                if (content == DwarfLineContent.Path) path = value.Text;
            }
            if (path is null) throw header.Error(at, "directory entry has no DW_LNCT_path");
            program._directories.Add(i == 0 ? SourcePaths.Normalize(path) : path);
            if (i == 0) program.CompilationDirectory = SourcePaths.Normalize(path);
        }
        var fileFormats = ReadFormats(ref header);
        count = header.UlebInt("file name count");
        if (count > 0 && fileFormats.Length == 0) throw header.Error("files are declared but the file entry format is empty");
        if (count > header.Remaining) throw header.Error($"file name count {count} exceeds the {header.Remaining} bytes left in the header");
        for (int i = 0; i < count; i++)
        {
            int at = header.Position;
            string? name = null, md5 = null;
            long directory = 0;
            ulong time = 0, length = 0;
            foreach (var (content, form) in fileFormats)
            {
                var value = ReadEntryValue(sections, ref header, form, program.Is64Bit);
                switch (content)
                {
                    case DwarfLineContent.Path: name = value.Text; break;
                    case DwarfLineContent.DirectoryIndex: directory = (long)Math.Min(value.Number, long.MaxValue); break;
                    case DwarfLineContent.Timestamp: time = value.Number; break;
                    case DwarfLineContent.Size: length = value.Number; break;
                    case DwarfLineContent.Md5:
                        if (value.Block is not { Length: 16 }) throw header.Error(at, "DW_LNCT_MD5 is not a 16-byte value");
                        md5 = Hex(value.Block);
                        break;
                }
            }
            if (name is null) throw header.Error(at, "file entry has no DW_LNCT_path");
            program._files.Add(FileEntry(program, at, name, directory, time, length, md5, header));
        }
    }

    private static (int Content, int Form)[] ReadFormats(ref DwarfCursor header)
    {
        int count = header.U8();
        var formats = new (int, int)[count];
        for (int i = 0; i < count; i++)
        {
            int content = header.UlebInt("content type code");
            int formAt = header.Position;
            int form = header.UlebInt("form code");
            if (!IsEntryForm(form)) throw header.Error(formAt, $"unsupported form 0x{form:x} in a line table entry format");
            formats[i] = (content, form);
        }
        return formats;
    }

    // Every form allowed here takes at least one byte, so an entry count can be checked against the bytes left.
    private static bool IsEntryForm(int form) => form is DwarfForm.String or DwarfForm.LineStrp or DwarfForm.Strp
        or DwarfForm.Udata or DwarfForm.Data1 or DwarfForm.Data2 or DwarfForm.Data4 or DwarfForm.Data8 or DwarfForm.Data16
        or DwarfForm.Block or DwarfForm.Sdata or DwarfForm.Strx1 or DwarfForm.Strx2 or DwarfForm.Strx3 or DwarfForm.Strx4;

    private readonly struct EntryValue(string? text, ulong number, byte[]? block)
    {
        public string? Text { get; } = text;
        public ulong Number { get; } = number;
        public byte[]? Block { get; } = block;
    }

    private static EntryValue ReadEntryValue(DwarfSections sections, ref DwarfCursor c, int form, bool is64)
    {
        switch (form)
        {
            case DwarfForm.String: return new EntryValue(c.CString(), 0, null);
            case DwarfForm.LineStrp: return new EntryValue(sections.LineStr.StringAt(c.Offset(is64), SectionName), 0, null);
            case DwarfForm.Strp: return new EntryValue(sections.Str.StringAt(c.Offset(is64), SectionName), 0, null);
            case DwarfForm.Strx1:
            case DwarfForm.Strx2:
            case DwarfForm.Strx3:
            case DwarfForm.Strx4:
                throw c.Error($"string index form 0x{form:x} in a line table needs a compile unit's string offsets base, which this reader does not track");
            case DwarfForm.Udata: return new EntryValue(null, c.Uleb(), null);
            case DwarfForm.Sdata: return new EntryValue(null, unchecked((ulong)c.Sleb()), null);
            case DwarfForm.Data1: return new EntryValue(null, c.U8(), null);
            case DwarfForm.Data2: return new EntryValue(null, c.U16(), null);
            case DwarfForm.Data4: return new EntryValue(null, c.U32(), null);
            case DwarfForm.Data8: return new EntryValue(null, c.U64(), null);
            case DwarfForm.Data16: return new EntryValue(null, 0, Block(ref c, 16));
            case DwarfForm.Block:
                int at = c.Position;
                ulong length = c.Uleb();
                if (length > (ulong)c.Remaining) throw c.Error(at, $"block length {length} runs past the end of the header");
                return new EntryValue(null, 0, Block(ref c, (int)length));
            default: throw c.Error($"unsupported form 0x{form:x}");
        }
    }

    private static byte[] Block(ref DwarfCursor c, int length)
    {
        int start = c.Position;
        c.Skip((ulong)length);
        var block = new byte[length];
        Buffer.BlockCopy(c.Data, start, block, 0, length);
        return block;
    }

    private static string Hex(byte[] bytes)
    {
        const string Digits = "0123456789abcdef";
        var chars = new char[bytes.Length * 2];
        for (int i = 0; i < bytes.Length; i++)
        {
            chars[2 * i] = Digits[bytes[i] >> 4];
            chars[2 * i + 1] = Digits[bytes[i] & 15];
        }
        return new string(chars);
    }

    /// <summary>Runs the line-number state machine over [start, end), handing each finished sequence to the sink.</summary>
    private static void Run(DwarfSection section, LineProgram program, byte[] standardLengths, int start, int end, ILineSequenceSink sink, ref RawLineRow[] rows)
    {
        byte[] d = section.Data;
        int p = start;
        int count = 0;

        int opcodeBase = program.OpcodeBase;
        int lineBase = program.LineBase;
        int lineRange = program.LineRange;
        ulong minimumLength = (ulong)program.MinimumInstructionLength;
        ulong maxOps = (ulong)program.MaximumOperationsPerInstruction;
        bool defaultIsStmt = program.DefaultIsStatement;
        // Standard opcodes this reader does not know, or whose declared operand counts differ from the specification's,
        // are skipped by their declared counts.
        var known = KnownStandardOpcodes(standardLengths);

        ulong address = 0, opIndex = 0;
        long file = 1, line = 1;
        ulong column = 0;
        bool isStmt = defaultIsStmt;
        LineRowFlags pending = 0; // basic_block, prologue_end, epilogue_begin
        ulong discriminator = 0;

        while (p < end)
        {
            int opcode = d[p++];
            if (opcode >= opcodeBase)
            {
                if (lineRange == 0) throw new DwarfFormatException(SectionName, p - 1, "special opcode used with line_range 0");
                int adjusted = opcode - opcodeBase;
                AdvanceOperations(ref address, ref opIndex, (ulong)(adjusted / lineRange), minimumLength, maxOps);
                line += lineBase + adjusted % lineRange;
                Emit(ref rows, ref count, address, file, line, column, isStmt, pending, discriminator, false);
                pending = 0;
                discriminator = 0;
                continue;
            }
            if (opcode != DwarfLineOpcode.Extended && !known[opcode])
            {
                for (int i = 0; i < standardLengths[opcode]; i++) Uleb(d, ref p, end);
                continue;
            }
            switch (opcode)
            {
                case DwarfLineOpcode.Extended:
                {
                    int at = p - 1;
                    ulong length = Uleb(d, ref p, end);
                    if (length == 0) throw new DwarfFormatException(SectionName, at, "extended opcode with length 0");
                    if (length > (ulong)(end - p)) throw new DwarfFormatException(SectionName, at, $"extended opcode length {length} runs past the end of the unit");
                    int next = p + (int)length;
                    byte sub = d[p++];
                    switch (sub)
                    {
                        case DwarfLineOpcode.EndSequence:
                            Emit(ref rows, ref count, address, file, line, column, isStmt, pending, discriminator, true);
                            sink.Sequence(program, rows, count);
                            count = 0;
                            address = 0;
                            opIndex = 0;
                            file = 1;
                            line = 1;
                            column = 0;
                            isStmt = defaultIsStmt;
                            pending = 0;
                            discriminator = 0;
                            break;
                        case DwarfLineOpcode.SetAddress:
                        {
                            int size = next - p;
                            if (size < 1 || size > 8) throw new DwarfFormatException(SectionName, at, $"DW_LNE_set_address with a {size}-byte operand");
                            if (program.AddressSize == 0) program.AddressSize = size;
                            ulong value = 0;
                            for (int i = size - 1; i >= 0; i--) value = value << 8 | d[p + i];
                            address = value;
                            opIndex = 0;
                            break;
                        }
                        case DwarfLineOpcode.DefineFile:
                        {
                            var c = new DwarfCursor(section, p, next);
                            string name = c.CString();
                            long directory = (long)Math.Min(c.Uleb(), long.MaxValue);
                            ulong time = c.Uleb(), size = c.Uleb();
                            string? dir = program.Directory(directory);
                            program._files.Add(new LineFileEntry(name, directory, SourcePaths.Join(dir, name)) { ModificationTime = time, Length = size });
                            break;
                        }
                        case DwarfLineOpcode.SetDiscriminator:
                            discriminator = Uleb(d, ref p, next);
                            break;
                        default:
                            break; // unknown extended opcodes are skipped by their length
                    }
                    p = next;
                    break;
                }
                case DwarfLineOpcode.Copy:
                    Emit(ref rows, ref count, address, file, line, column, isStmt, pending, discriminator, false);
                    pending = 0;
                    discriminator = 0;
                    break;
                case DwarfLineOpcode.AdvancePc:
                {
                    AdvanceOperations(ref address, ref opIndex, Uleb(d, ref p, end), minimumLength, maxOps);
                    break;
                }
                case DwarfLineOpcode.AdvanceLine:
                    line += Sleb(d, ref p, end);
                    break;
                case DwarfLineOpcode.SetFile:
                    file = (long)Math.Min(Uleb(d, ref p, end), long.MaxValue);
                    break;
                case DwarfLineOpcode.SetColumn:
                    column = Uleb(d, ref p, end);
                    break;
                case DwarfLineOpcode.NegateStmt:
                    isStmt = !isStmt;
                    break;
                case DwarfLineOpcode.SetBasicBlock:
                    pending |= LineRowFlags.BasicBlock;
                    break;
                case DwarfLineOpcode.ConstAddPc:
                {
                    if (lineRange == 0) throw new DwarfFormatException(SectionName, p - 1, "DW_LNS_const_add_pc with line_range 0");
                    AdvanceOperations(ref address, ref opIndex, (ulong)((255 - opcodeBase) / lineRange), minimumLength, maxOps);
                    break;
                }
                case DwarfLineOpcode.FixedAdvancePc:
                    if (end - p < 2) throw new DwarfFormatException(SectionName, p, "DW_LNS_fixed_advance_pc operand runs past the end of the unit");
                    address += (ulong)(d[p] | d[p + 1] << 8);
                    p += 2;
                    opIndex = 0;
                    break;
                case DwarfLineOpcode.SetPrologueEnd:
                    pending |= LineRowFlags.PrologueEnd;
                    break;
                case DwarfLineOpcode.SetEpilogueBegin:
                    pending |= LineRowFlags.EpilogueBegin;
                    break;
                case DwarfLineOpcode.SetIsa:
                    Uleb(d, ref p, end);
                    break;
            }
        }
        // Rows after the last end_sequence do not form a sequence (the producer truncated the program); they are dropped.
    }

    private static readonly byte[] ExpectedLengths = [0, 0, 1, 1, 1, 1, 0, 0, 0, 1, 0, 0, 1];

    private static bool[] KnownStandardOpcodes(byte[] lengths)
    {
        var known = new bool[lengths.Length];
        for (int i = 1; i < Math.Min(lengths.Length, ExpectedLengths.Length); i++) known[i] = lengths[i] == ExpectedLengths[i];
        return known;
    }

    /// <summary>The operation advance of special opcodes, DW_LNS_advance_pc and DW_LNS_const_add_pc (DWARF 5, 6.2.5.1):
    /// with one operation per instruction it moves the address only; with VLIW bundles it also moves the op index.</summary>
    private static void AdvanceOperations(ref ulong address, ref ulong opIndex, ulong advance, ulong minimumLength, ulong maxOps)
    {
        if (maxOps == 1)
        {
            address += minimumLength * advance;
            return;
        }
        ulong ops = opIndex + advance;
        address += minimumLength * (ops / maxOps);
        opIndex = ops % maxOps;
    }

    private static void Emit(ref RawLineRow[] rows, ref int count, ulong address, long file, long line, ulong column, bool isStmt, LineRowFlags pending, ulong discriminator, bool endSequence)
    {
        if (count == rows.Length) Array.Resize(ref rows, Math.Max(64, rows.Length * 2));
        ref var row = ref rows[count++];
        row.Address = address;
        row.File = file <= int.MaxValue ? (int)file : -1;
        uint wrapped = unchecked((uint)line); // the state machine's line register is unsigned; DWARF consumers wrap it
        row.Line = wrapped <= int.MaxValue ? (int)wrapped : 0;
        row.Column = column <= int.MaxValue ? (int)column : int.MaxValue;
        row.Discriminator = discriminator <= int.MaxValue ? (int)discriminator : int.MaxValue;
        row.Flags = pending | (isStmt ? LineRowFlags.IsStatement : 0) | (endSequence ? LineRowFlags.EndSequence : 0);
    }

    private static ulong Uleb(byte[] d, ref int p, int end)
    {
        if (p < end && d[p] < 0x80) return d[p++];
        return UlebSlow(d, ref p, end);
    }

    private static ulong UlebSlow(byte[] d, ref int p, int end)
    {
        int start = p;
        ulong result = 0;
        int shift = 0;
        while (true)
        {
            if (p >= end) throw new DwarfFormatException(SectionName, start, "unexpected end of data inside a LEB128 number");
            byte b = d[p++];
            if (shift < 64)
            {
                ulong slice = (ulong)(b & 0x7F);
                if (shift == 63 && slice > 1) throw new DwarfFormatException(SectionName, start, "LEB128 number does not fit 64 bits");
                result |= slice << shift;
            }
            else if ((b & 0x7F) != 0)
            {
                throw new DwarfFormatException(SectionName, start, "LEB128 number does not fit 64 bits");
            }
            if ((b & 0x80) == 0) return result;
            shift += 7;
        }
    }

    private static long Sleb(byte[] d, ref int p, int end)
    {
        if (p < end && d[p] < 0x80)
        {
            byte single = d[p++];
            return (single & 0x40) != 0 ? single - 0x80 : single;
        }
        int start = p;
        long result = 0;
        int shift = 0;
        byte b;
        do
        {
            if (p >= end) throw new DwarfFormatException(SectionName, start, "unexpected end of data inside a LEB128 number");
            b = d[p++];
            if (shift < 64) result |= (long)(b & 0x7F) << shift;
            shift += 7;
        }
        while ((b & 0x80) != 0);
        if (shift < 64 && (b & 0x40) != 0) result |= -1L << shift;
        return result;
    }
}
