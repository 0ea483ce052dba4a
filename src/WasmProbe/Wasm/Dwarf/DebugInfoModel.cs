namespace WasmProbe.Wasm.Dwarf;

/// <summary>A range of module pcs, <see cref="Start"/> inclusive, <see cref="End"/> exclusive.</summary>
public readonly record struct PcRange(int Start, int End)
{
    public bool Contains(int pc) => pc >= Start && pc < End;
    public override string ToString() => $"[0x{Start:x}, 0x{End:x})";
}

/// <summary>A compile unit of <c>.debug_info</c> (DW_TAG_compile_unit, partial or skeleton unit).</summary>
public sealed class CompileUnit
{
    internal CompileUnit(int offset, int version, bool is64Bit, int addressSize) =>
        (Offset, Version, Is64Bit, AddressSize) = (offset, version, is64Bit, addressSize);

    /// <summary>Offset of the unit header in <c>.debug_info</c>.</summary>
    public int Offset { get; }
    public int Version { get; }
    public bool Is64Bit { get; }
    public int AddressSize { get; }

    /// <summary>DW_AT_name: the primary source file as the compiler was given it.</summary>
    public string? Name { get; internal set; }

    /// <summary>DW_AT_comp_dir: the compiler's working directory.</summary>
    public string? CompilationDirectory { get; internal set; }

    public string? Producer { get; internal set; }

    /// <summary>DW_AT_language (DW_LANG_*), e.g. 0x0c for C99, 0x1c for Rust, 0x21 for C++14.</summary>
    public int? Language { get; internal set; }

    /// <summary>DW_AT_stmt_list: the offset of the unit's line program in <c>.debug_line</c>.</summary>
    public long? StatementList { get; internal set; }

    /// <summary>The unit's line program (see <see cref="LineTable.Programs"/>), if it has one.</summary>
    public LineProgram? LineProgram { get; internal set; }

    /// <summary>The pcs the unit's code covers (from DW_AT_low_pc/high_pc or DW_AT_ranges), dead code left out.</summary>
    public IReadOnlyList<PcRange> Ranges { get; internal set; } = [];

    /// <summary><see cref="Name"/> joined with <see cref="CompilationDirectory"/>.</summary>
    public string? Path => Name is null ? null : SourcePaths.Join(CompilationDirectory, Name);

    public override string ToString() => Path ?? $"unit at .debug_info+0x{Offset:x}";

    internal DebugInfoReader.UnitContext? Context;
}

/// <summary>A function in the code: a concrete DW_TAG_subprogram (<see cref="IsInlined"/> false) or a
/// DW_TAG_inlined_subroutine, a copy of a function inlined into <see cref="Caller"/> at <see cref="CallSite"/>.</summary>
public sealed class DwarfFunction
{
    internal DwarfFunction(CompileUnit unit, int dieOffset, bool isInlined, DwarfFunction? caller)
    {
        Unit = unit;
        DieOffset = dieOffset;
        IsInlined = isInlined;
        Caller = caller;
        Depth = caller is null ? 0 : caller.Depth + 1;
    }

    public CompileUnit Unit { get; }

    /// <summary>Offset of the DIE in <c>.debug_info</c>.</summary>
    public int DieOffset { get; }

    /// <summary>The source-level name, qualified by enclosing namespaces and types ("ns::Type::method"), found on the
    /// DIE or through DW_AT_specification / DW_AT_abstract_origin; null when the DWARF gives none.</summary>
    public string? Name { get; internal set; }

    /// <summary>DW_AT_linkage_name (the mangled symbol name), if given.</summary>
    public string? LinkageName { get; internal set; }

    /// <summary><see cref="Name"/>, else <see cref="LinkageName"/>, else a placeholder naming the DIE.</summary>
    public string DisplayName => Name ?? LinkageName ?? $"<function at .debug_info+0x{DieOffset:x}>";

    public bool IsInlined { get; }

    /// <summary>For an inlined copy, the function it was inlined into (which may itself be inlined); null otherwise.</summary>
    public DwarfFunction? Caller { get; }

    /// <summary>0 for a concrete function, 1 + the caller's depth for an inlined copy.</summary>
    public int Depth { get; }

    /// <summary>For an inlined copy, where the call was (DW_AT_call_file/line/column); null if not given.</summary>
    public SourceLocation? CallSite { get; internal set; }

    public IReadOnlyList<PcRange> Ranges { get; internal set; } = [];

    /// <summary>The lowest pc of the function (DW_AT_low_pc, or the start of its first range).</summary>
    public int EntryPc => Ranges.Count == 0 ? -1 : Ranges.Min(r => r.Start);

    /// <summary>The functions inlined directly into this one.</summary>
    public IReadOnlyList<DwarfFunction> Inlined => _inlined;

    internal readonly List<DwarfFunction> _inlined = [];
    internal int CallFile = -1;
    internal long Specification = -1, AbstractOrigin = -1;

    public bool Contains(int pc)
    {
        foreach (var range in Ranges)
        {
            if (range.Contains(pc)) return true;
        }
        return false;
    }

    public override string ToString() => IsInlined ? $"{DisplayName} (inlined into {Caller!.DisplayName})" : DisplayName;
}
