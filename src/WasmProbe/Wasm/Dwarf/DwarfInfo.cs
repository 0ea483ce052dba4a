using WasmProbe.Wasm.Binary;
using WasmProbe.Wasm.Dwarf.Variables;

namespace WasmProbe.Wasm.Dwarf;

/// <summary>The DWARF debug information of a module: compile units, the line table and the functions (with inlined
/// copies), all addressed by module pc. Code addresses in wasm DWARF count from the start of the code section's
/// payload, so pc = <see cref="Module.CodeSectionPayloadOffset"/> + address; code the linker removed (tombstone
/// addresses) is left out.
/// <para>Read with <see cref="Read"/>: a module without DWARF gives an empty instance (no line table); malformed DWARF
/// throws <see cref="DwarfFormatException"/>. Thread-safe once read.</para></summary>
public sealed partial class DwarfInfo
{
    private readonly CodeIndex? _code;
    private readonly VariableReader? _variables;
    private readonly DebugInfoReader? _unitsOnly;
    private readonly Dictionary<CompileUnit, FunctionTable> _unitFunctions = [];

    private DwarfInfo(CodeIndex? code, IReadOnlyList<CompileUnit> units, LineTable lines, FunctionTable functions, VariableReader? variables = null, DebugInfoReader? unitsOnly = null)
    {
        _code = code;
        _variables = variables;
        _unitsOnly = unitsOnly;
        CompileUnits = units;
        Lines = lines;
        Functions = functions;
    }

    public static DwarfInfo Empty { get; } = new(null, [], LineTable.Empty, FunctionTable.Empty);

    public IReadOnlyList<CompileUnit> CompileUnits { get; }
    public LineTable Lines { get; }
    public FunctionTable Functions { get; }

    /// <summary>Whether the module has a line table with at least one row in its code.</summary>
    public bool HasLineInfo => !Lines.IsEmpty;

    /// <summary>Whether the module has any custom section whose name starts with <c>.debug_</c>.</summary>
    public static bool HasDwarfSections(Module module) => module.CustomSections.Any(s => s.Name.StartsWith(".debug_", StringComparison.Ordinal));

    /// <summary>Reads <c>.debug_info</c> (with <c>.debug_abbrev</c>, <c>.debug_str</c>, <c>.debug_line_str</c>,
    /// <c>.debug_str_offsets</c>, <c>.debug_addr</c>, <c>.debug_ranges</c>, <c>.debug_rnglists</c>) and every
    /// line-number program of <c>.debug_line</c>.</summary>
    /// <exception cref="DwarfFormatException">The DWARF is malformed.</exception>
    public static DwarfInfo Read(Module module)
    {
        if (!HasDwarfSections(module)) return Empty;
        var sections = new DwarfSections(module);
        var code = new CodeIndex(module);
        var info = new DebugInfoReader(sections, code);
        info.Read();
        var lines = ReadLines(sections, code, info.Units);
        foreach (var function in info.Functions) ResolveCallSites(function);
        return new DwarfInfo(code, info.Units, lines, new FunctionTable(info.Functions), new VariableReader(info));
    }

    /// <summary>Only the line table (compile units' root DIEs are read for their compilation directories).</summary>
    /// <exception cref="DwarfFormatException">The DWARF is malformed.</exception>
    public static LineTable ReadLineTable(Module module)
    {
        if (!HasDwarfSections(module)) return LineTable.Empty;
        var sections = new DwarfSections(module);
        var code = new CodeIndex(module);
        var info = new DebugInfoReader(sections, code, unitsOnly: true);
        info.Read();
        return ReadLines(sections, code, info.Units);
    }

    /// <summary>The compile units (their root DIEs) and the line table, for callers that look at a few functions of
    /// a module decoded lazily (<see cref="Decoding.BodyDecoding.Lazy"/>, as the source generator decodes it): a body
    /// is decoded only when a lookup needs its instruction boundaries (<see cref="ResolveLine"/> decodes the bodies
    /// where the line has rows). <see cref="Functions"/> is empty; <see cref="VariablesAt(int)"/> reads the functions of
    /// the one unit whose code holds the pc, and <see cref="GlobalVariables"/> are read when asked for.</summary>
    /// <exception cref="DwarfFormatException">The DWARF is malformed.</exception>
    /// <exception cref="WasmFormatException">From lookups: a body that does not decode.</exception>
    public static DwarfInfo ReadLines(Module module)
    {
        if (!HasDwarfSections(module)) return Empty;
        var sections = new DwarfSections(module);
        var code = new CodeIndex(module);
        var info = new DebugInfoReader(sections, code, unitsOnly: true);
        info.Read();
        return new DwarfInfo(code, info.Units, ReadLines(sections, code, info.Units), FunctionTable.Empty, new VariableReader(info), info);
    }

    private static LineTable ReadLines(DwarfSections sections, CodeIndex code, List<CompileUnit> units)
    {
        if (!sections.Line.Exists) return LineTable.Empty;
        var directories = new Dictionary<long, string?>();
        foreach (var unit in units)
        {
            if (unit.StatementList is { } offset && !directories.ContainsKey(offset)) directories[offset] = unit.CompilationDirectory;
        }
        var builder = new LineTableBuilder(code, sections.Line.Data.Length);
        var programs = new List<LineProgram>();
        var buffer = new RawLineRow[256];
        int position = 0;
        var data = sections.Line.Data;
        while (position < data.Length)
        {
            position = LineProgramReader.ReadUnit(sections, position, offset => directories.TryGetValue(offset, out var dir) ? dir : null, builder, programs, ref buffer);
        }
        var byOffset = programs.ToDictionary(p => (long)p.Offset);
        foreach (var unit in units)
        {
            if (unit.StatementList is { } offset && byOffset.TryGetValue(offset, out var program)) unit.LineProgram = program;
        }
        return builder.Build(programs);
    }

    private static void ResolveCallSites(DwarfFunction function)
    {
        foreach (var inlined in function.Inlined)
        {
            if (inlined.CallSite is { } site)
            {
                var file = inlined.Unit.LineProgram?.File(inlined.CallFile);
                inlined.CallSite = file is null ? null : site with { File = file.Path };
            }
            ResolveCallSites(inlined);
        }
    }

    /// <summary>The variables visible at <paramref name="pc"/> in the innermost source-level frame there (the most
    /// deeply inlined copy, else the concrete function): see <see cref="VariablesAt(DwarfFunction, int)"/>. Empty where
    /// no function covers the pc.</summary>
    /// <exception cref="DwarfFormatException">The function's DIEs are malformed (they are read on first use).</exception>
    public IReadOnlyList<DwarfVariable> VariablesAt(int pc)
    {
        var scopes = ScopesAt(pc);
        return scopes.Count == 0 ? [] : VariablesAt(scopes[0], pc);
    }

    /// <summary>As <see cref="FunctionTable.ScopesAt"/>; read with <see cref="ReadLines(Module)"/>, from the functions
    /// of the unit whose code holds the pc.</summary>
    /// <exception cref="DwarfFormatException">That unit's DIEs are malformed.</exception>
    public IReadOnlyList<DwarfFunction> ScopesAt(int pc)
    {
        if (_unitsOnly is null) return Functions.ScopesAt(pc);
        foreach (var unit in CompileUnits)
        {
            if (unit.Ranges.Count > 0 && !unit.Ranges.Any(r => r.Contains(pc))) continue;
            FunctionTable table;
            lock (_unitFunctions)
            {
                if (!_unitFunctions.TryGetValue(unit, out table!)) _unitFunctions[unit] = table = new FunctionTable(_unitsOnly.FunctionsOf(unit));
            }
            var scopes = table.ScopesAt(pc);
            if (scopes.Count > 0) return scopes;
        }
        return [];
    }

    /// <summary>The variables visible at <paramref name="pc"/> in <paramref name="function"/> (one of
    /// <see cref="FunctionTable.ScopesAt"/>): those of the innermost lexical block first, then of the enclosing blocks
    /// and the function (parameters in declaration order with the locals), then the unit's globals; a name declared
    /// in an inner scope hides the outer ones. Functions inlined into <paramref name="function"/> keep their
    /// variables to themselves.</summary>
    /// <exception cref="DwarfFormatException">The function's DIEs are malformed (they are read on first use).</exception>
    public IReadOnlyList<DwarfVariable> VariablesAt(DwarfFunction function, int pc) => _variables?.VariablesAt(function, pc) ?? [];

    /// <summary>The variables at the compile units' level (globals and file statics), unit by unit in declaration
    /// order, read on first use.</summary>
    /// <exception cref="DwarfFormatException">The units' DIEs are malformed.</exception>
    public IReadOnlyList<DwarfVariable> GlobalVariables => _globalVariables ??= _variables is null
        ? []
        : [.. CompileUnits.Where(u => u.Context is not null).SelectMany(u => _variables.Globals(u.Context!))];

    private IReadOnlyList<DwarfVariable>? _globalVariables;

    /// <summary>The function index (imports first) whose body contains <paramref name="pc"/>, or -1.</summary>
    public int FunctionIndexAt(int pc) => _code?.FunctionAt(pc) ?? -1;

    /// <summary>The source position of <paramref name="pc"/> with the DWARF name of the (innermost inlined) function
    /// there; null without line information for the pc.</summary>
    public SourceLocation? Locate(int pc)
    {
        var position = Lines.Locate(pc);
        if (position is null) return null;
        var scopes = Functions.ScopesAt(pc);
        return scopes.Count == 0 ? position : position with { Function = scopes[0].DisplayName };
    }

    /// <summary>The source-level frames at <paramref name="pc"/>, innermost first: the position in the innermost
    /// inlined function, then each call site it was inlined at, up to the concrete function (one entry when nothing
    /// is inlined there). Empty without line information for the pc.</summary>
    public IReadOnlyList<SourceLocation> Symbolize(int pc)
    {
        var position = Lines.Locate(pc);
        if (position is null) return [];
        var scopes = Functions.ScopesAt(pc);
        if (scopes.Count == 0) return [position];
        var frames = new List<SourceLocation>(scopes.Count) { position with { Function = scopes[0].DisplayName } };
        for (int i = 1; i < scopes.Count; i++)
        {
            var site = scopes[i - 1].CallSite;
            if (site is null) break;
            frames.Add(site with { Function = scopes[i].DisplayName });
        }
        return frames;
    }
}
