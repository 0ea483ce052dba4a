using WasmProbe.Wasm.Analysis;
using WasmProbe.Wasm.Binary;
using WasmProbe.Wasm.Dwarf;
using WasmProbe.Wasm.Resolution;

namespace WasmProbe.Generators;

/// <summary>The module (decoded lazily: a body is decoded when a probe's function is analysed) for names, types,
/// resolution and the stack analyses of probed functions.</summary>
/// <param name="sourceTypes">The class's source types, shared by its own and its linked modules' contexts.</param>
/// <param name="linkName">A linked module's name (its messages name functions <c>name!function</c>); null for the class's own.</param>
internal sealed class ModuleContext(Module module, ModuleImage image, SourceTypeMapper? sourceTypes = null, string? linkName = null)
{
    private readonly Dictionary<int, FunctionAnalysis> _functions = [];
    private StackAnalyzer? _analyzer;

    public Module Module { get; } = module;

    /// <summary>The source types the class's views use, generated once for all of them.</summary>
    public SourceTypeMapper SourceTypes { get; } = sourceTypes ?? new();
    public string Path => image.ItemPath;
    public IndexSpaces Spaces => Module.IndexSpaces;

    /// <summary>The analysis of a defined function. Throws <see cref="WasmFormatException"/> (at its offset in the
    /// module) when its body does not decode or validate.</summary>
    public FunctionAnalysis Analysis(int function)
    {
        if (_functions.TryGetValue(function, out var analysis)) return analysis;
        _analyzer ??= new StackAnalyzer(Module);
        return _functions[function] = _analyzer.Analyze(function);
    }

    /// <summary>The module's DWARF compile units and line table, read on first use, decoding only the bodies a lookup
    /// needs (see <see cref="DwarfInfo.ReadLines"/>); null when that failed (<see cref="DwarfError"/>).</summary>
    public DwarfInfo? Dwarf
    {
        get
        {
            ReadDwarf();
            return _dwarf;
        }
    }

    /// <summary>Why the DWARF could not be read (a <see cref="DwarfFormatException"/>).</summary>
    public WasmFormatException? DwarfError
    {
        get
        {
            ReadDwarf();
            return _dwarfError;
        }
    }

    private DwarfInfo? _dwarf;
    private WasmFormatException? _dwarfError;
    private bool _dwarfRead;

    private void ReadDwarf()
    {
        if (_dwarfRead) return;
        _dwarfRead = true;
        try
        {
            _dwarf = DwarfInfo.ReadLines(Module);
        }
        catch (WasmFormatException e)
        {
            _dwarfError = e;
        }
    }

    /// <summary>The function an attribute argument names: an index, or a name read as every front end reads it
    /// (<see cref="FunctionResolver"/>).</summary>
    public Resolution<int> Function(ConstantArg arg) => arg.Value switch
    {
        int index => FunctionResolver.Resolve(Module, index),
        string name => FunctionResolver.Resolve(Module, name),
        _ => new ResolutionProblem(ResolutionStatus.FunctionNotFound, "not a function name or index"),
    };

    public string FunctionName(int function) => Module.Names.FunctionOrIndex(function);

    /// <summary>A function as messages name it: <c>mathlib!lcm</c> in a linked module.</summary>
    public string QualifiedName(string functionName) => linkName is null ? functionName : linkName + "!" + functionName;

    public string? LocalName(int function, int local) => Module.Names.Local(function, local);
}
