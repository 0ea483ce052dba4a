using WasmProbe.Wasm.Text;

namespace WasmProbe.Coverage.Reports;

/// <summary>A source line in a report: <see cref="File"/> is either absolute or relative to the report directory.</summary>
public readonly record struct SourceLine(string File, int Line);

/// <summary>Where a module's instructions come from, for reports: pc → source file and line. Two implementations:
/// <see cref="ListingSourceMap"/> (a generated listing of the module, one line per instruction) and, for modules with
/// DWARF line tables, a map to the real sources (see <see cref="SourceMaps.Dwarf"/>).</summary>
public interface ISourceMap
{
    /// <summary>The line of the instruction at <paramref name="pc"/>, or null when it has none (such instructions are
    /// left out of line coverage; their functions and branches still count).</summary>
    SourceLine? Map(int pc);

    /// <summary>Files the report writer must create next to the report, such as a generated listing.</summary>
    IReadOnlyList<GeneratedFile> GeneratedFiles { get; }
}

/// <summary>The "source" of a module without debug info: its <c>wasmprobe disasm</c> listing (see
/// <see cref="Disassembler"/>), written next to the report as <c>&lt;module&gt;.lst</c>; instruction at pc p is the
/// listing line that starts with <c>0x&lt;p&gt;:</c>, so line hits are instruction hits and branch counts sit on the
/// branch instruction's line.</summary>
public sealed class ListingSourceMap : ISourceMap
{
    private readonly Module _module;
    private readonly int[] _pcs;
    private readonly int[] _lines;

    public ListingSourceMap(Module module, string fileName)
    {
        ArgumentNullException.ThrowIfNull(module);
        _module = module;
        FileName = fileName;
        (_pcs, _lines) = Disassembler.InstructionLines(module);
    }

    /// <summary>The listing's file name, relative to the report directory.</summary>
    public string FileName { get; }

    /// <summary>Writes the listing (what <c>wasmprobe disasm</c> prints for the module).</summary>
    public void WriteTo(TextWriter output) => Disassembler.Write(output, _module);

    public SourceLine? Map(int pc) => Array.BinarySearch(_pcs, pc) is int at and >= 0 ? new SourceLine(FileName, _lines[at]) : null;

    public IReadOnlyList<GeneratedFile> GeneratedFiles => [new(FileName, WriteTo)];

    /// <summary>The listing line of an instruction (for tests and tools).</summary>
    public int LineOf(int pc) => Map(pc)?.Line ?? throw new ArgumentException($"no instruction at 0x{pc:x}", nameof(pc));
}

/// <summary>Picks the source map of a module for reports.</summary>
public static class SourceMaps
{
    /// <summary>The hook for DWARF: given a module, a map to its real source lines, or null when the module has no
    /// usable line table. Set by the DWARF support; reports fall back to the listing when it returns null.</summary>
    public static Func<Module, ISourceMap?>? Dwarf { get; set; } = DwarfSourceMap.TryCreate;

    /// <summary>DWARF lines when the module has them (and <paramref name="preferListing"/> is false), else the listing
    /// <paramref name="listingFileName"/>.</summary>
    public static ISourceMap For(Module module, string listingFileName, bool preferListing = false)
    {
        if (!preferListing && module.FindCustomSection(".debug_line") is not null && Dwarf?.Invoke(module) is { } dwarf) return dwarf;
        return new ListingSourceMap(module, listingFileName);
    }
}
