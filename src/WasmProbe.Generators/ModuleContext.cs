using WasmProbe.Generators.Model;
using WasmProbe.Wasm.Analysis;
using WasmProbe.Wasm.Binary;
using WasmProbe.Wasm.Dwarf;
using WasmProbe.Wasm.Model;
using WasmProbe.Wasm.Resolution;

namespace WasmProbe.Generators;

/// <summary>The module's declarations (every body empty) for names, types and resolution, and, once the probed
/// functions are known (<see cref="Prepare"/>), a decoding with their bodies for the stack analysis. Pcs in that
/// decoding are shifted (<see cref="ProbedFunction"/> translates).</summary>
internal sealed class ModuleContext(Module module, ModuleImage image)
{
    private readonly Dictionary<int, ProbedFunction> _functions = [];
    private HashSet<int>? _prepared;
    private DecodedModule? _bodies;
    private StackAnalyzer? _analyzer;

    public Module Module { get; } = module;
    public string Path => image.ItemPath;
    public IndexSpaces Spaces => Module.IndexSpaces;

    /// <summary>Decodes the bodies of these functions (function indices; imports and unknown ones are ignored).</summary>
    public void Prepare(IEnumerable<int> functions)
    {
        _prepared = new HashSet<int>(functions.Where(f => f >= Spaces.ImportedFunctionCount && f < Spaces.FunctionCount));
        _bodies = image.WithBodies([.. _prepared.Select(f => f - Spaces.ImportedFunctionCount)]);
        _analyzer = null;
    }

    /// <summary>The analysis of a prepared function, with its pc translation. Throws
    /// <see cref="WasmFormatException"/> (at an original offset) when its body does not decode or validate.</summary>
    public ProbedFunction Analysis(int function)
    {
        if (_functions.TryGetValue(function, out var probed)) return probed;
        if (_prepared is null || !_prepared.Contains(function)) Prepare([.. (_prepared ?? []), function]);
        if (_bodies!.Module is not { } bodies) throw new WasmFormatException(_bodies.ErrorOffset, _bodies.Error ?? "unknown error");
        int shift = _bodies.Shift(function - Spaces.ImportedFunctionCount);
        _analyzer ??= new StackAnalyzer(bodies);
        try
        {
            probed = new ProbedFunction(_analyzer.Analyze(function), shift);
        }
        catch (WasmFormatException e)
        {
            throw new WasmFormatException(e.Offset + shift, e.Reason);
        }
        _functions[function] = probed;
        return probed;
    }

    /// <summary>The module's DWARF compile units and line table, read on first use without decoding bodies (see
    /// <see cref="DwarfInfo.ReadLines"/>); null when that failed (<see cref="DwarfError"/>).</summary>
    public DwarfInfo? Dwarf
    {
        get
        {
            ReadDwarf();
            return _dwarf;
        }
    }

    /// <summary>Why the DWARF could not be read: a <see cref="DwarfFormatException"/>, or a code section whose
    /// layout does not scan.</summary>
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
            _dwarf = DwarfInfo.ReadLines(Module, image.Bytes!);
        }
        catch (WasmFormatException e)
        {
            _dwarfError = e;
        }
    }

    /// <summary>The functions where the lines of these [BreakAtLine] probes start (whether those pcs are reachable
    /// is checked later, with the functions' analyses). Problems are left for the probes' validation to report.</summary>
    public List<int> LineFunctions(IEnumerable<ProbeMethodRequest> probes)
    {
        var functions = new List<int>();
        foreach (var probe in probes)
        {
            if (probe.File?.Value is not string file || probe.Line?.Value is not int line || Dwarf is not { HasLineInfo: true } dwarf) continue;
            IReadOnlyList<int> pcs;
            try
            {
                pcs = dwarf.Lines.PcsForLine(file, line);
            }
            catch (WasmFormatException)
            {
                continue;
            }
            foreach (int pc in pcs)
            {
                int function = dwarf.FunctionIndexAt(pc);
                if (function >= 0) functions.Add(function);
            }
        }
        return functions;
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

    public string? LocalName(int function, int local) => Module.Names.Local(function, local);
}

/// <summary>A function's analysis over the partially decoded module; its instruction offsets are the original pcs
/// minus <see cref="Shift"/>.</summary>
internal sealed class ProbedFunction(FunctionAnalysis analysis, int shift)
{
    public FunctionAnalysis Analysis { get; } = analysis;
    public int Shift { get; } = shift;

    public int IndexOfPc(int pc) => Analysis.IndexOfPc(pc - Shift);
}
