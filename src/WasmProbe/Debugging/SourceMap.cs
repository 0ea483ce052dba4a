using WasmProbe.Wasm.Dwarf;

namespace WasmProbe.Debugging;

/// <summary>A session's view of the module's DWARF, read on first use. Malformed DWARF does not break the debugger:
/// frames just have no source, and the source-level APIs throw the <see cref="DwarfFormatException"/>.</summary>
internal sealed class SourceMap(Module module)
{
    private readonly Lazy<(DwarfInfo? Info, DwarfFormatException? Error)> _dwarf = new(() =>
    {
        try
        {
            return (DwarfInfo.Read(module), null);
        }
        catch (DwarfFormatException error)
        {
            return (null, error);
        }
    });

    private Dictionary<int, int>? _prologues;

    /// <summary>The DWARF; throws when it is malformed.</summary>
    public DwarfInfo Info => _dwarf.Value.Info ?? throw _dwarf.Value.Error!;

    public DwarfInfo? InfoOrNull => _dwarf.Value.Info;

    public SourceLocation? Locate(int pc) => InfoOrNull?.Locate(pc);

    public IReadOnlyList<SourceLocation> Symbolize(int pc) => InfoOrNull?.Symbolize(pc) ?? [];

    public bool IsStatementStart(int pc) => InfoOrNull?.Lines.IsStatementStart(pc) ?? false;

    public bool FunctionHasLines(int function) => Prologues().ContainsKey(function);

    /// <summary>The pc where a function's prologue ends (its first is_stmt row flagged prologue_end), or -1.</summary>
    public int PrologueEnd(int function) => Prologues().TryGetValue(function, out int pc) ? pc : -1;

    /// <summary>Per function with line information: the pc where its prologue ends, or -1 when it has no
    /// prologue_end row.</summary>
    private Dictionary<int, int> Prologues()
    {
        if (_prologues is not null) return _prologues;
        var prologues = new Dictionary<int, int>();
        if (InfoOrNull is { } info)
        {
            var lines = info.Lines;
            for (int i = 0; i < lines.Rows.Count; i++)
            {
                var row = lines.Rows[i];
                if (!row.IsStatement || row.EndSequence || row.Line == 0) continue;
                int pc = lines.StopPc(i);
                int function = pc < 0 ? -1 : module.FunctionAt(pc);
                if (function < 0) continue;
                if (!prologues.TryGetValue(function, out int end)) prologues[function] = end = -1;
                if (row.PrologueEnd && (end < 0 || pc < end)) prologues[function] = pc;
            }
        }
        return _prologues = prologues;
    }
}
