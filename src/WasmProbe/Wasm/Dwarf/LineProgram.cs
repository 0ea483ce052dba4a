namespace WasmProbe.Wasm.Dwarf;

/// <summary>The header of one line-number program (one unit of <c>.debug_line</c>, usually one per compile unit):
/// its encoding parameters, include directories and file table, as written (DWARF 2 to 5).</summary>
public sealed class LineProgram
{
    internal LineProgram(int offset, int version, bool is64Bit) =>
        (Offset, Version, Is64Bit) = (offset, version, is64Bit);

    /// <summary>Offset of the unit in <c>.debug_line</c> (what a compile unit's DW_AT_stmt_list holds).</summary>
    public int Offset { get; }

    public int Version { get; }

    /// <summary>64-bit DWARF (unit length escape 0xffffffff and 8-byte offsets) rather than 32-bit DWARF.</summary>
    public bool Is64Bit { get; }

    /// <summary>The header's address size (DWARF 5), or the operand size of the first DW_LNE_set_address (earlier
    /// versions); 0 if neither is known.</summary>
    public int AddressSize { get; internal set; }

    public int MinimumInstructionLength { get; internal set; }
    public int MaximumOperationsPerInstruction { get; internal set; } = 1;
    public bool DefaultIsStatement { get; internal set; }
    public int LineBase { get; internal set; }
    public int LineRange { get; internal set; }
    public int OpcodeBase { get; internal set; }

    /// <summary>The compile unit's DW_AT_comp_dir (DWARF 2-4), or directory 0 (DWARF 5); null when unknown.</summary>
    public string? CompilationDirectory { get; internal set; }

    /// <summary>The include directories as written. In DWARF 5, entry 0 is the compilation directory; in earlier
    /// versions entry 0 here is the first written directory, which file entries call directory 1.</summary>
    public IReadOnlyList<string> IncludeDirectories => _directories;

    /// <summary>The file table as written, plus any DW_LNE_define_file entries. Line rows number files from
    /// <see cref="FirstFileNumber"/>.</summary>
    public IReadOnlyList<LineFileEntry> Files => _files;

    /// <summary>The file number of <see cref="Files"/>[0]: 0 in DWARF 5, 1 before.</summary>
    public int FirstFileNumber => Version >= 5 ? 0 : 1;

    internal readonly List<string> _directories = [];
    internal readonly List<LineFileEntry> _files = [];

    /// <summary>The file entry a line row's file number names, or null if out of range.</summary>
    public LineFileEntry? File(long number)
    {
        long index = number - FirstFileNumber;
        return index >= 0 && index < _files.Count ? _files[(int)index] : null;
    }

    /// <summary>The directory a file entry's directory index names, joined with the compilation directory when relative.</summary>
    internal string? Directory(long index)
    {
        if (Version >= 5)
        {
            if (index < 0 || index >= _directories.Count) return null;
            return index == 0 ? _directories[0] : SourcePaths.Join(_directories[0], _directories[(int)index]);
        }
        if (index == 0) return CompilationDirectory;
        if (index < 0 || index > _directories.Count) return null;
        return SourcePaths.Join(CompilationDirectory, _directories[(int)index - 1]);
    }
}

/// <summary>One file entry of a line program. <see cref="Path"/> is the full path: the name joined with its include
/// directory and the compilation directory (unless already absolute), normalized ("." segments removed, ".."
/// resolved lexically, forward slashes kept as written).</summary>
public sealed record LineFileEntry(string Name, long DirectoryIndex, string Path)
{
    public ulong ModificationTime { get; init; }
    public ulong Length { get; init; }

    /// <summary>The DWARF 5 MD5 checksum of the file (DW_LNCT_MD5), as 32 lower-case hex digits.</summary>
    public string? Md5 { get; init; }
}
