using WasmProbe.Caching;
using WasmProbe.Engine;
using WasmProbe.Inspection;
using WasmProbe.Instrumentation;
using WasmProbe.Wasm.Analysis;
using WasmProbe.Wasm.Resolution;

namespace WasmProbe.Debugging;

/// <summary>Debugs one run of a WebAssembly module on Wasmtime. The session starts paused before instantiation, so
/// breakpoints can be set first; each resume returns the next <see cref="StopEvent"/>. While paused, frames (with
/// locals and operand stack), globals, memories and tables can be read and written.
/// Drive it either with the async API (<see cref="ContinueAsync"/>, <see cref="StepIntoAsync"/>, ...; the guest runs
/// on its own thread) or with <see cref="Run"/>, which calls a handler at each stop on the calling thread.</summary>
public sealed partial class DebugSession : IAsyncDisposable, IDisposable
{
    private readonly DebugSessionOptions _options;
    private readonly StackAnalyzer _analyzer;
    private readonly Dictionary<int, FunctionAnalysis> _analyses = [];
    private readonly List<Breakpoint> _breakpoints = [];
    private readonly FunctionType? _entryType;
    private readonly WasmValue[] _arguments;
    private readonly ModuleCache _cache;
    private InstrumentedModule? _instrumented;
    private GuestRun? _run;
    private ThreadStopController? _thread;
    private bool _started;
    private bool _disposed;

    private DebugSession(byte[] wasm, DebugSessionOptions options, string? fileName)
    {
        _wasm = wasm;
        _cache = options.Cache ?? ModuleCache.Shared;
        Module = _cache.Decode(wasm);
        _name = options.ModuleName ?? fileName;
        _options = options;
        _analyzer = new StackAnalyzer(Module);
        ModuleSafety.ThrowIfUnsupported(Module);
        if (options.Entry is { } entry)
        {
            _entryType = EntryResolver.Resolve(Module, entry, options.Arguments.Count).ValueOrThrow(nameof(options)).Type;
            _arguments = [.. options.Arguments.Select((a, i) => WasmValue.From(a, _entryType.Parameters[i]))];
        }
        else
        {
            _arguments = [];
        }
    }

    /// <summary>Decodes and checks <paramref name="wasm"/>; throws <see cref="Wasm.Binary.WasmFormatException"/> for a
    /// malformed module and <see cref="NotSupportedException"/> for one Wasmtime .NET cannot host.</summary>
    public static DebugSession Create(byte[] wasm, DebugSessionOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(wasm);
        return Started(new DebugSession(wasm, options ?? new DebugSessionOptions(), fileName: null));
    }

    /// <summary>Decodes <paramref name="wasm"/> through the cache sessions share, so a session created from the same
    /// bytes does not decode them again. Throws <see cref="Wasm.Binary.WasmFormatException"/> for a malformed module.</summary>
    public static Module Decode(byte[] wasm, DebugSessionOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(wasm);
        return (options?.Cache ?? ModuleCache.Shared).Decode(wasm);
    }

    public static DebugSession Open(string path, DebugSessionOptions? options = null) =>
        Started(new DebugSession(File.ReadAllBytes(path), options ?? new DebugSessionOptions(), Path.GetFileName(path)));

    /// <summary>Debug builds are instrumented at once, so a module the instrumenter cannot handle fails here.</summary>
    private static DebugSession Started(DebugSession session)
    {
        if (session._options.Mode == InstrumentationMode.Debug) session.Instrumented();
        return session;
    }

    public Module Module { get; }

    /// <summary>The module's name in reports: <see cref="DebugSessionOptions.ModuleName"/>, or the file it was opened from.</summary>
    private readonly string? _name;
    private readonly byte[] _wasm;

    /// <summary>The breakpoints, the guest's then the linked modules' (<see cref="Breakpoint.Module"/>).</summary>
    public IReadOnlyList<Breakpoint> Breakpoints => _linked.Count == 0 ? _breakpoints : [.. _breakpoints, .. LinkedBreakpoints];

    /// <summary>The stop the guest is paused at, or the final stop once the run has ended.</summary>
    public StopEvent? LastStop { get; private set; }

    public bool IsFinished => _run?.Final is not null;

    public string Stdout => _run?.Guest.Stdout ?? "";
    public string Stderr => _run?.Guest.Stderr ?? "";

    /// <summary>The host directory behind the WASI directory the guest sees at <paramref name="guestPath"/> (a
    /// temporary one is made when the run starts and deleted with the session).</summary>
    public string WasiDirectory(string guestPath) =>
        (_run ?? throw new InvalidOperationException("the guest's directories are opened when the run starts (after the first resume)")).Guest.WasiDirectory(guestPath);

    public FunctionAnalysis Analysis(int function)
    {
        if (!_analyses.TryGetValue(function, out var analysis)) _analyses[function] = analysis = _analyzer.Analyze(function);
        return analysis;
    }

    public FunctionType FunctionType(int function) => Module.IndexSpaces.FunctionTypeOfFunction(function);
    public FunctionType TagType(int tag) => Module.IndexSpaces.TagFunctionType(tag);

    // ----- breakpoints -----

    public Breakpoint AddBreakpoint(string function, int pc) => AddBreakpoint(Module.Names.ResolveFunction(function), pc);

    /// <summary>Sets a breakpoint before the instruction at <paramref name="pc"/> of <paramref name="function"/>.
    /// Throws <see cref="ArgumentException"/> naming the nearest valid pcs when pc is not a reachable instruction.</summary>
    public Breakpoint AddBreakpoint(int function, int pc)
    {
        ThrowIfDisposed();
        var location = Locations.Check(this, function, pc);
        var existing = _breakpoints.FirstOrDefault(b => b.Location == location);
        if (existing is not null) return existing;
        if (_started && _options.Mode == InstrumentationMode.Static)
            throw new InvalidOperationException("a static session's breakpoints are fixed once it runs; use InstrumentationMode.Debug to change them while paused");
        var breakpoint = new Breakpoint(location, Module.Names.FunctionOrIndex(function), _instrumented?.SiteAt(location)?.Id ?? -1);
        _breakpoints.Add(breakpoint);
        _run?.SetBreakpoint(breakpoint, enabled: true);
        return breakpoint;
    }

    /// <summary>Sets a breakpoint that stops every call of <paramref name="function"/> before its first instruction
    /// (<see cref="Probes.OnCallAttribute"/>); its locals are then the arguments.</summary>
    public Breakpoint AddCallBreakpoint(string function) => AddCallBreakpoint(Module.Names.ResolveFunction(function));

    public Breakpoint AddCallBreakpoint(int function)
    {
        ThrowIfDisposed();
        function = FunctionResolver.Defined(Module, FunctionResolver.Resolve(Module, function)).ValueOrThrow();
        return AddBreakpoint(function, PcResolver.Entry(Analysis(function)));
    }

    public bool RemoveBreakpoint(Breakpoint breakpoint)
    {
        ThrowIfDisposed();
        if (breakpoint.Module is not null) return RemoveLinkedBreakpoint(breakpoint);
        if (_started && _options.Mode == InstrumentationMode.Static)
            throw new InvalidOperationException("a static session's breakpoints are fixed once it runs");
        if (!_breakpoints.Remove(breakpoint)) return false;
        _run?.SetBreakpoint(breakpoint, enabled: false);
        return true;
    }

    // ----- running -----

    public Task<StopEvent> ContinueAsync() => ResumeAsync(ResumeAction.Continue);
    public Task<StopEvent> StepIntoAsync() => ResumeAsync(ResumeAction.StepInto);
    public Task<StopEvent> StepOverAsync() => ResumeAsync(ResumeAction.StepOver);
    public Task<StopEvent> StepOutAsync() => ResumeAsync(ResumeAction.StepOut);
    public Task<StopEvent> RunToCompletionAsync() => ResumeAsync(ResumeAction.RunToCompletion);

    public async Task<StopEvent> ResumeAsync(ResumeAction action)
    {
        ThrowIfDisposed();
        if (_run?.Final is { } final) return final;
        CheckStepping(action);
        if (_thread is null && _started) throw new InvalidOperationException("this session is driven by Run; it cannot also be resumed asynchronously");
        _thread ??= new ThreadStopController();
        var run = Start(_thread);
        var stop = await _thread.Resume(action, first => run.Execute(first, _options.Entry, _entryType, _arguments)).ConfigureAwait(false);
        LastStop = stop;
        return stop;
    }

    /// <summary>Runs the guest on this thread, calling <paramref name="handler"/> at every stop (inside the guest's call
    /// to the host, so frames, globals and memory are readable there); returns the final stop.</summary>
    public StopEvent Run(Func<StopEvent, ResumeAction> handler, ResumeAction first = ResumeAction.Continue)
    {
        ThrowIfDisposed();
        if (_started) throw new InvalidOperationException("the session has already run");
        CheckStepping(first);
        var run = Start(new InlineStopController(stop =>
        {
            LastStop = stop;
            var action = handler(stop);
            CheckStepping(action);
            return action;
        }));
        run.Execute(first, _options.Entry, _entryType, _arguments);
        return LastStop = run.Final!;
    }

    private GuestRun Start(IStopController controller)
    {
        if (_run is not null) return _run;
        _started = true;
        var instrumented = Instrumented();
        _run = new GuestRun(instrumented, _options.Host, WithLineSteps(controller), _options.ExceptionStops, _cache.Compiled, LinkedCoverageCollector, LinkedBuild)
        {
            Sources = Sources,
            Coverage = StartCoverage(),
            Analyses = Analysis,
        };
        foreach (var watchpoint in _watchpoints) _run.Watch(watchpoint, enabled: true);
        foreach (var watchpoint in _globalWatchpoints) _run.Watch(watchpoint, enabled: true);
        foreach (var breakpoint in _breakpoints)
        {
            breakpoint.SiteId = instrumented.SiteAt(breakpoint.Location)!.Value.Id;
            _run.SetBreakpoint(breakpoint, enabled: true);
        }
        SetLinkedBreakpoints(_run);
        return _run;
    }

    /// <summary>The instrumented module this session runs (built on first use).</summary>
    internal InstrumentedModule Instrumentation => Instrumented();

    private InstrumentedModule Instrumented()
    {
        if (_instrumented is not null) return _instrumented;
        var options = new InstrumentationOptions
        {
            Mode = _options.Mode,
            Probes = _options.Mode == InstrumentationMode.Static
                ? [.. _breakpoints.Select(b => b.Location).Union(_options.SharedProbes)]
                : [.. _breakpoints.Select(b => b.Location)],
            ReportThrows = _options.ExceptionStops != ExceptionStops.None,
            WatchWrites = _options.WatchWrites,
            EarlyReturns = _options.EarlyReturns && _options.Mode == InstrumentationMode.Debug,
        };
        return _instrumented = _cache.Instrument(_wasm, CollectsCoverage, options, () => CoverageInstrumentation?.Module ?? Module);
    }

    private void CheckStepping(ResumeAction action)
    {
        if (action is ResumeAction.StepInto or ResumeAction.StepOver or ResumeAction.StepOut && _options.Mode != InstrumentationMode.Debug)
            throw new InvalidOperationException("stepping needs a session in InstrumentationMode.Debug");
    }

    // ----- inspection while paused -----

    private GuestRun Paused([System.Runtime.CompilerServices.CallerMemberName] string what = "")
    {
        ThrowIfDisposed();
        return _run is { Frames: not null } run ? run : throw new InvalidOperationException($"{what} is available once the guest has been instantiated (after the first resume)");
    }

    /// <summary>The wasm frames of the current stop, innermost first (for a final trap, its backtrace).</summary>
    public IReadOnlyList<StackFrame> Frames
    {
        get
        {
            if (FinalFrames is { } final) return final;
            var run = Paused();
            if (run.CurrentFrame < 0) return [];
            var frames = run.StopFrames();
            AttachSources(frames);
            return frames;
        }
    }

    /// <summary>The backtrace of a run that ended in a trap, host error or interruption; null otherwise.</summary>
    private IReadOnlyList<StackFrame>? FinalFrames => LastStop switch
    {
        TrapStop trap => trap.Frames,
        HostErrorStop host => host.Frames,
        InterruptedStop interrupted => interrupted.Frames,
        _ => null,
    };

    /// <summary>Where the frames of the current stop are (function and pc; for a caller, its call), innermost first:
    /// <see cref="Frames"/> without reading any values. Locations are in the guest's module: frames of linked modules
    /// (in a final trap's backtrace) are left out.</summary>
    public IReadOnlyList<CodeLocation> Backtrace
    {
        get
        {
            if (FinalFrames is { } final) return [.. final.Where(f => f.Module is null).Select(f => f.Location)];
            var run = Paused();
            return run.CurrentFrame < 0 ? [] : run.StopLocations();
        }
    }

    /// <summary>How many frames the current stop has, the innermost included; null when not known (a static session's
    /// engine backtrace shows at most 20 frames).</summary>
    internal int? StopDepth => PausedAtInstruction().StopDepth();

    /// <summary>At a static stop before a <c>br_on_cast</c> exit (<see cref="ReturnStops"/>): whether the top reference matches its target type.</summary>
    internal bool TopCastMatches => PausedAtInstruction().TopCastMatches();

    internal InstrumentationMode Mode => _options.Mode;

    /// <summary>The innermost frame of the current stop with its values (as <c>Frames[0]</c>, without the callers).</summary>
    public StackFrame? TopFrame =>
        FinalFrames is null && Paused() is { CurrentFrame: >= 0 } run ? Attached(run.TopFrame()) : Frames.FirstOrDefault();

    private StackFrame Attached(StackFrame frame)
    {
        AttachSources([frame]);
        return frame;
    }

    /// <summary>A local of the innermost frame at the current stop, without reading the whole backtrace.</summary>
    public WasmValue Local(int index) => PausedAtInstruction().TopLocal(index);

    /// <summary>A local of the innermost frame by name, resolved as <c>[ExpectLocal]</c> resolves it
    /// (<see cref="LocalResolver"/>: a name-section name, <c>local3</c> for an unnamed one, or digits for an index).</summary>
    public WasmValue Local(string name)
    {
        var (module, analysis, function) = StoppedFunction();
        return Local(LocalResolver.Resolve(module, function, analysis(function).Locals, name).ValueOrThrow(nameof(name)));
    }

    /// <summary>A value of the innermost frame's operand stack at the current stop; slot 0 is the bottom.</summary>
    public WasmValue StackSlot(int slot) => PausedAtInstruction().TopStackSlot(slot);

    /// <summary>A source variable (or path, see <see cref="StackFrame.Variable"/>) of the innermost frame at the
    /// current stop, from DWARF.</summary>
    public Wasm.Dwarf.Variables.VariableValue Variable(string path) =>
        (TopFrame ?? throw new InvalidOperationException("the guest is not paused at an instruction")).Variable(path);

    private GuestRun PausedAtInstruction([System.Runtime.CompilerServices.CallerMemberName] string what = "")
    {
        var run = Paused(what);
        return run.CurrentFrame >= 0 ? run : throw new InvalidOperationException("the guest is not paused at an instruction");
    }

    public IReadOnlyList<GlobalAccess> Globals
    {
        get
        {
            var run = Paused();
            var spaces = Module.IndexSpaces;
            return [.. spaces.Globals.Select((type, i) => new GlobalAccess(i, Module.Names.Global(i), type, run.Global(i, type)))];
        }
    }

    public GlobalAccess Global(int index)
    {
        var run = Paused();
        index = GlobalResolver.Resolve(Module, index).ValueOrThrow(nameof(index));
        var type = Module.IndexSpaces.Globals[index];
        return new GlobalAccess(index, Module.Names.Global(index), type, run.Global(index, type));
    }

    /// <summary>A global by name, resolved as <c>[ExpectGlobal]</c> resolves it (<see cref="GlobalResolver"/>).</summary>
    public GlobalAccess Global(string name) => Global(GlobalResolver.Resolve(Module, name).ValueOrThrow(nameof(name)));

    public MemoryAccess Memory(int index = 0)
    {
        var run = Paused();
        index = MemoryResolver.Resolve(Module, index).ValueOrThrow(nameof(index));
        return new MemoryAccess(index, Module.IndexSpaces.Memories[index], run.Memory(index)!);
    }

    public TableAccess Table(int index)
    {
        var run = Paused();
        var spaces = Module.IndexSpaces;
        if ((uint)index >= (uint)spaces.Tables.Length) throw new ArgumentOutOfRangeException(nameof(index), $"table {index} does not exist (the module has {spaces.Tables.Length})");
        return new TableAccess(index, spaces.Tables[index], run.Guest.Table(index, spaces.Tables[index]));
    }

    // ----- disposal -----

    public async ValueTask DisposeAsync()
    {
        if (_disposed) return;
        _disposed = true;
        if (_thread is not null && _run is not null)
        {
            if (_thread.IsPaused)
            {
                _run.Abort();
                _thread.Release(ResumeAction.RunToCompletion);
            }
            if (_thread.Pending is { } pending) await pending.ConfigureAwait(false);
            _thread.Join(TimeSpan.FromSeconds(30));
        }
        _run?.Dispose();
    }

    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();

    internal bool IsGuestThreadAlive => _thread?.IsGuestThreadAlive ?? false;

    private void ThrowIfDisposed() => ObjectDisposedException.ThrowIf(_disposed, this);
}
