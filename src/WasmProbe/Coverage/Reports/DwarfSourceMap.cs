using WasmProbe.Wasm.Dwarf;

namespace WasmProbe.Coverage.Reports;

/// <summary>Source lines from the module's DWARF line table (<c>.debug_line</c>): an instruction's line is that of the
/// row covering its pc; instructions on line 0 (compiler-generated code) or outside any sequence have no line. Files
/// are the full paths the line table names.</summary>
public sealed class DwarfSourceMap : ISourceMap
{
    private readonly LineTable _lines;

    public DwarfSourceMap(LineTable lines)
    {
        ArgumentNullException.ThrowIfNull(lines);
        _lines = lines;
    }

    /// <summary>The module's line table as a source map, or null when it has none (or it is malformed: then reports use
    /// the listing).</summary>
    public static ISourceMap? TryCreate(Module module)
    {
        try
        {
            var lines = DwarfInfo.ReadLineTable(module);
            return lines.IsEmpty ? null : new DwarfSourceMap(lines);
        }
        catch (DwarfFormatException)
        {
            return null;
        }
    }

    public SourceLine? Map(int pc) => _lines.Locate(pc) is { } location ? new SourceLine(location.File, location.Line) : null;

    public IReadOnlyList<GeneratedFile> GeneratedFiles => [];
}
