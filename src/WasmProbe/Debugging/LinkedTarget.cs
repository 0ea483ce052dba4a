using WasmProbe.Caching;
using WasmProbe.Coverage;
using WasmProbe.Engine.Linking;
using WasmProbe.Instrumentation;
using WasmProbe.Wasm.Analysis;
using WasmProbe.Wasm.Dwarf;
using WasmProbe.Wasm.Resolution;

namespace WasmProbe.Debugging;

/// <summary>A linked module as a session debugs it: its decoded module, stack analyses and DWARF, resolved as the
/// guest's are (every problem naming the module), and its breakpoints (in static sessions, what the linked module's
/// static build is made with when the run starts).</summary>
internal sealed class LinkedTarget(LinkedModule link, Module module)
{
    private readonly StackAnalyzer _analyzer = new(module);
    private readonly Dictionary<int, FunctionAnalysis> _analyses = [];

    public LinkedModule Link { get; } = link;
    public Module Module { get; } = module;
    public SourceMap Sources { get; } = new(module);
    public List<Breakpoint> Breakpoints { get; } = [];

    public FunctionAnalysis Analysis(int function)
    {
        if (!_analyses.TryGetValue(function, out var analysis)) _analyses[function] = analysis = _analyzer.Analyze(function);
        return analysis;
    }

    /// <summary>The value, or the problem, as found in this module, as the runtime's exception.</summary>
    public T Resolved<T>(Resolution<T> resolution, string? parameter = null) =>
        resolution.Problem is { } problem ? throw problem.InModule(Link.ToString()).ToException(parameter) : resolution.Value;

    /// <summary>As <see cref="Locations.Check"/> for the guest.</summary>
    public CodeLocation Check(int function, int pc)
    {
        function = Resolved(FunctionResolver.Defined(Module, FunctionResolver.Resolve(Module, function)));
        Resolved(PcResolver.Resolve(Analysis(function), Module.Names.FunctionOrIndex(function), pc));
        return new CodeLocation(function, pc);
    }

    public LineResolution ResolveLine(string file, int line) =>
        Sources.Info.ResolveLine(file, line, location => PcResolver.CanStopAt(Analysis(location.Function), location.Pc));

    /// <summary>The build the module runs in a session of <paramref name="mode"/>, over its coverage build when coverage
    /// is on: in debug sessions a debug build (breakpoints come and go, steps enter it; one build whatever its
    /// breakpoints; its throws stop as the guest's do when <paramref name="reportThrows"/>), in static ones the static
    /// build with its breakpoints, or null without any (it runs as it is).</summary>
    public InstrumentedModule? Build(ModuleCache cache, CoverageInstrumentation? coverage, InstrumentationMode mode, bool reportThrows)
    {
        if (mode == InstrumentationMode.Static && Breakpoints.Count == 0) return null;
        var options = mode == InstrumentationMode.Debug
            ? new InstrumentationOptions { Mode = InstrumentationMode.Debug, ReportThrows = reportThrows, Linked = true }
            : new InstrumentationOptions { Mode = InstrumentationMode.Static, Probes = [.. Breakpoints.Select(b => b.Location)], ReportThrows = false };
        return cache.Instrument(Link.Bytes, coverage is not null, options, () => coverage?.Module ?? Module);
    }
}
