using WasmProbe.Caching;
using WasmProbe.Engine.Linking;
using WasmProbe.Engine.Wasi;
using WasmProbe.Inspection;
using WasmProbe.Instrumentation;
using WasmProbe.Watchpoints;

namespace WasmProbe.Engine;

/// <summary>One instrumented module instantiated in its own Wasmtime store. Everything WasmProbe does with Wasmtime
/// goes through here; callers see <see cref="IGuestMemory"/>, <see cref="IGuestGlobal"/>, <see cref="IGuestTable"/>
/// and <see cref="GuestFaultException"/>. Not thread-safe: use it from one thread at a time.</summary>
public sealed class GuestInstance : IDisposable, IDebugState
{
    private readonly InstrumentedModule _module;
    private readonly GuestOptions _options;
    private readonly Wasmtime.Store _store;
    private readonly Wasmtime.Linker _linker;
    private readonly CompiledModuleCache _compiledModules;
    private CacheLease<CompiledModule>? _compiled;
    private readonly CapturedText _stdout = new();
    private readonly CapturedText _stderr = new();
    private readonly WasiHost? _wasi;
    private readonly LinkedInstances? _links;
    private readonly Action<int, int> _onStop;
    private readonly Action<LinkedInstance, int, int>? _onLinkedStop;
    private Wasmtime.Instance? _instance;
    private Wasmtime.Global? _armed;
    private Wasmtime.Global? _stepLimit;
    private Wasmtime.Global? _frameTop;
    private Wasmtime.Global? _resume;
    private Wasmtime.Global? _throwTag;

    /// <param name="onStop">Called on the guest's thread at every probe with the site id and the frame address.</param>
    public GuestInstance(InstrumentedModule module, GuestOptions options, Action<int, int> onStop)
        : this(module, options, onStop, null)
    {
    }

    /// <param name="compiledModules">Where the compiled module comes from (default: the process's <see cref="ModuleCache.Shared"/>).</param>
    /// <param name="coverLinks">Run the linked modules with coverage counters (<see cref="LinkedInstance.Coverage"/>).</param>
    /// <param name="linkedProbes">The static builds of linked modules with breakpoints, whose probes call
    /// <paramref name="onLinkedStop"/> with the module, the site id and the frame address.</param>
    internal GuestInstance(InstrumentedModule module, GuestOptions options, Action<int, int> onStop, CompiledModuleCache? compiledModules, bool coverLinks = false,
        LinkedProbes? linkedProbes = null, Action<LinkedInstance, int, int>? onLinkedStop = null)
    {
        _module = module;
        _options = options;
        _onStop = onStop;
        _onLinkedStop = onLinkedStop;
        _compiledModules = compiledModules ?? ModuleCache.Shared.Compiled;
        _store = new Wasmtime.Store(WasmtimeRuntime.Engine);
        _linker = new Wasmtime.Linker(WasmtimeRuntime.Engine);
        _linker.DefineFunction(HostImports.ModuleName, HostImports.Stop.Name, onStop);
        if (module.Exports.WatchesWrites)
        {
            _linker.DefineFunction(HostImports.ModuleName, HostImports.Write.Name,
                (int memory, int function, int pc, long address, long length, int kind, long low, long high) =>
                    Watchpoints!.OnWrite(memory, function, pc, address, length, (Wasm.Instructions.MemoryWriteKind)kind, low, high));
            _linker.DefineFunction(HostImports.ModuleName, HostImports.GlobalWrite.Name,
                (int global, int function, int pc, long bits) => GlobalWatchpoints!.OnWrite(global, function, pc, bits));
        }
        try
        {
            if (options.Wasi)
            {
                _wasi = new WasiHost(options, _stdout, _stderr);
                _linker.DefineWasi();
                _store.SetWasiConfiguration(_wasi.Configuration);
            }
            else if (options.WasiOnlySetting is { } setting)
            {
                throw new ArgumentException($"GuestOptions.{setting} is set but Wasi is off: turn on Wasi for the guest to see it", nameof(options));
            }
            else if (options.ConfigureLinker is null && GuestOptions.WasiImportOf(module.Original) is { } wasi)
            {
                throw new ArgumentException($"the module imports WASI ({wasi.ModuleName}::{wasi.Name}) but GuestOptions.Wasi is off: "
                    + "turn it on (Wasi = true on [WasmModule], or on GuestOptions), or define the imports in GuestOptions.ConfigureLinker", nameof(options));
            }
            options.ConfigureLinker?.Invoke(_linker, _store);
            _links = new LinkedInstances(options.Links, module.Original, coverLinks, linkedProbes);
            if (options.ConfigureLinker is null) _links.ThrowIfUnprovided(module.Original, options.Wasi);
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    /// <summary>The host directory behind the WASI directory opened at <paramref name="guestPath"/> (a temporary
    /// directory: where it was created; it is deleted when the instance is disposed).</summary>
    public string WasiDirectory(string guestPath) =>
        (_wasi ?? throw new InvalidOperationException("the guest has no WASI (GuestOptions.Wasi is off)")).HostDirectory(guestPath);

    public string Stdout => _stdout.Text;
    public string Stderr => _stderr.Text;

    public bool IsInstantiated => _instance is not null;

    public IGuestMemory DebugMemory { get; private set; } = null!;

    /// <summary>The linked modules (<see cref="GuestOptions.Links"/>), instantiated with the guest.</summary>
    internal IReadOnlyList<LinkedInstance> Links => _links!.Modules;

    /// <summary>Instantiates (running the start function, which may stop). Faults surface as <see cref="GuestFaultException"/>;
    /// an instrumented module Wasmtime refuses as <see cref="InstrumentedModuleRejectedException"/>.</summary>
    public void Instantiate()
    {
        _compiled ??= Compile();
        ResetDeadline();
        if (_links!.Instantiate(_linker, _store, _compiledModules, Run, _onLinkedStop ?? ((_, _, _) => { })))
            LinkedInstances.DefineStop(_linker, _onStop);
        _instance = Run(() => _linker.Instantiate(_store, _compiled.Value.Module));
        var exports = _module.Exports;
        DebugMemory = new WasmtimeMemory(_instance.GetMemory(exports.DebugMemory)!);
        _armed = _instance.GetGlobal(exports.Armed);
        _stepLimit = _instance.GetGlobal(exports.StepLimit);
        _frameTop = _instance.GetGlobal(exports.FrameTop);
        _resume = _instance.GetGlobal(exports.Resume);
        _throwTag = exports.ThrowTag is { } throwTag ? _instance.GetGlobal(throwTag) : null;
        if (exports.WatchesWrites)
        {
            Watchpoints = new WriteWatchpoints(WatchWindow, Memory, _module.Original.Data);
            GlobalWatchpoints = new GlobalWatchpoints(GlobalWatchFlag, g => Global(g, _module.Original.IndexSpaces.Globals[g]));
        }
    }

    /// <summary>Builds that watch writes, once instantiated: watches of globals.</summary>
    public GlobalWatchpoints? GlobalWatchpoints { get; private set; }

    private IGuestGlobal? GlobalWatchFlag(int global)
    {
        var flags = _module.Exports.GlobalWatchFlags;
        return (uint)global < (uint)flags.Length && flags[global] is { } name ? new WasmtimeGlobal(Instance.GetGlobal(name)!, new GlobalType(ValType.I32, true)) : null;
    }

    /// <summary>Builds that watch writes (<see cref="InstrumentationOptions.WatchWrites"/>), once instantiated.</summary>
    public WriteWatchpoints? Watchpoints { get; private set; }

    private (IGuestGlobal Base, IGuestGlobal Span)? WatchWindow(int memory)
    {
        var windows = _module.Exports.WatchWindows;
        if ((uint)memory >= (uint)windows.Length || windows[memory] is not { } names) return null;
        var type = new GlobalType(ValType.I64, true);
        return (new WasmtimeGlobal(Instance.GetGlobal(names.Base)!, type), new WasmtimeGlobal(Instance.GetGlobal(names.Span)!, type));
    }

    /// <summary>Gives the guest a fresh run budget (call before running and whenever it resumes from a stop).</summary>
    public void ResetDeadline() => _store.SetEpochDeadline(WasmtimeRuntime.Ticks(_options.Deadline));

    public int Armed
    {
        set => _armed!.SetValue(value);
    }

    public uint StepLimit
    {
        set => _stepLimit!.SetValue(unchecked((int)value));
    }

    public int FrameTop => (int)_frameTop!.GetValue()!;

    /// <summary>What a static stop does once the host returns (the guest resets it).</summary>
    public ResumeCode Resume
    {
        set => _resume!.SetValue((int)value);
    }

    /// <summary>The tag a <see cref="ResumeCode.Throw"/> request throws (builds with <see cref="ExportNames.ThrowTag"/>).</summary>
    public int ThrowTag
    {
        set => (_throwTag ?? throw new InvalidOperationException("the build cannot throw at its stops")).SetValue(value);
    }

    public WasmValue[] Invoke(string export, ValType[] parameters, ValType[] results, IReadOnlyList<WasmValue> arguments)
    {
        var function = Instance.GetFunction(export) ?? throw new ArgumentException($"the module exports no function named '{export}'");
        var boxes = new Wasmtime.ValueBox[arguments.Count];
        for (int i = 0; i < boxes.Length; i++) boxes[i] = HostValues.ToBox(arguments[i]);
        ResetDeadline();
        object? returned = Run(() => function.Invoke(boxes));
        if (results.Length == 0) return [];
        if (results.Length == 1) return [HostValues.FromHost(returned, results[0])];
        var values = (object?[])returned!;
        return [.. values.Select((v, i) => HostValues.FromHost(v, results[i]))];
    }

    /// <summary>The module offsets of the guest frames below the current host call, innermost first, as Wasmtime's
    /// backtrace shows them (at most its 20 frames, the trap function's own first). Only from inside a stop, on the
    /// guest's thread, of a static build.</summary>
    public IReadOnlyList<int> CaptureBacktrace()
    {
        var trap = Instance.GetFunction(_module.Exports.Backtrace ?? throw new InvalidOperationException("only static builds capture backtraces"))!;
        return CaptureBacktrace(() => trap.Invoke()).Offsets;
    }

    /// <summary>As <see cref="CaptureBacktrace()"/>, from inside a stop of a linked module's probes: every frame, the
    /// linked modules' and the guest's (whose offsets are the guest's instrumented module's).</summary>
    internal IReadOnlyList<FaultFrame> CaptureBacktrace(LinkedInstance stopped) => CaptureBacktrace(stopped.InvokeBacktrace).Frames;

    private (IReadOnlyList<int> Offsets, IReadOnlyList<FaultFrame> Frames, string Where) CaptureBacktrace(Action trap)
    {
        try
        {
            trap();
        }
        catch (Wasmtime.TrapException e)
        {
            return Backtrace(e.Frames);
        }
        throw new InvalidOperationException("the backtrace function returned instead of trapping");
    }

    private Wasmtime.Instance Instance => _instance ?? throw new InvalidOperationException("the guest has not been instantiated yet");

    public IGuestMemory? Memory(int index) =>
        _module.Exports.Memories[index] is { } name ? new WasmtimeMemory(Instance.GetMemory(name)!) : null;

    public IGuestGlobal? Global(int index, GlobalType type) =>
        _module.Exports.Globals[index] is { } name ? new WasmtimeGlobal(Instance.GetGlobal(name)!, type) : null;

    public IGuestTable? Table(int index, TableType type) =>
        _module.Exports.Tables[index] is { } name ? new WasmtimeTable(Instance.GetTable(name)!, type) : null;

    private CacheLease<CompiledModule> Compile()
    {
        try
        {
            return _compiledModules.Rent(_module.BytesHash, () => _module.Bytes, () => WasmtimeLimits.ThrowIfExceeded(_module));
        }
        catch (Wasmtime.WasmtimeException error) when (WasmtimeLimits.OriginalIsValid(_module))
        {
            throw WasmtimeLimits.Explain(_module, error);
        }
    }

    private T Run<T>(Func<T> action)
    {
        try
        {
            return action();
        }
        catch (Wasmtime.TrapException trap)
        {
            var kind = trap.Type == Wasmtime.TrapCode.Interrupt ? GuestFaultKind.Interrupted : GuestFaultKind.Trap;
            var (offsets, frames, where) = Backtrace(trap.Frames);
            throw new GuestFaultException(kind, TrapCodeName(trap), TrapMessage(trap.Message) + where, offsets, null) { Frames = frames };
        }
        catch (Wasmtime.WasmtimeException error) when (error.ExitCode is int code)
        {
            var (offsets, frames, _) = Backtrace(error.Frames);
            throw new GuestFaultException(GuestFaultKind.Exited, "exit", $"the guest called proc_exit({code})", offsets, null) { ExitCode = code, Frames = frames };
        }
        catch (Wasmtime.WasmtimeException error)
        {
            var host = error.InnerException;
            var (offsets, frames, where) = Backtrace(error.Frames);
            throw new GuestFaultException(host is null ? GuestFaultKind.Trap : GuestFaultKind.HostError, host is null ? "error" : "host",
                host?.Message ?? TrapMessage(error.Message) + where, offsets, host) { Frames = frames };
        }
    }

    /// <summary>An engine backtrace split by module: the guest's offsets (what the instrumented module's pc map
    /// reads), every frame with its module, and, when the innermost frame is in a linked module, the words that say so
    /// (a trap message must not read as if the guest trapped at its own code).</summary>
    private (IReadOnlyList<int> Offsets, IReadOnlyList<FaultFrame> Frames, string Where) Backtrace(IReadOnlyList<Wasmtime.TrapFrame>? engineFrames)
    {
        if (engineFrames is null) return ([], [], "");
        var offsets = new List<int>();
        var frames = new List<FaultFrame>(engineFrames.Count);
        foreach (var frame in engineFrames)
        {
            if (_links?.ModuleOf(frame) is { } linked)
            {
                frames.Add(new FaultFrame(linked.Name, linked.OriginalPc((int)frame.ModuleOffset), frame.FunctionName));
                continue;
            }
            offsets.Add((int)frame.ModuleOffset);
            frames.Add(new FaultFrame(null, (int)frame.ModuleOffset, null));
        }
        string where = frames is [{ LinkedModule: { } name } innermost, ..]
            ? $" (in the linked module {_links!.Modules.First(m => m.Name == name).Link}, function {innermost.FunctionName ?? "?"})"
            : "";
        return (offsets, frames, where);
    }

    /// <summary>An exception the guest threw and nothing caught: Wasmtime reports it as a trap without a trap code
    /// (pinned by WasmtimeTrapTests).</summary>
    internal static bool IsUncaughtException(Wasmtime.TrapException trap) => trap.Type == Wasmtime.TrapCode.Undefined && trap.InnerException is null;

    private static string TrapCodeName(Wasmtime.TrapException trap) => IsUncaughtException(trap)
        ? TrapCodes.UncaughtException
        : trap.Type switch
        {
            Wasmtime.TrapCode.IntegerDivisionByZero => TrapCodes.IntegerDivideByZero,
            Wasmtime.TrapCode.IntegerOverflow => TrapCodes.IntegerOverflow,
            Wasmtime.TrapCode.Unreachable => TrapCodes.Unreachable,
            Wasmtime.TrapCode.MemoryOutOfBounds => TrapCodes.MemoryOutOfBounds,
            Wasmtime.TrapCode.TableOutOfBounds => TrapCodes.TableOutOfBounds,
            Wasmtime.TrapCode.IndirectCallToNull => TrapCodes.IndirectCallToNull,
            Wasmtime.TrapCode.BadSignature => TrapCodes.BadSignature,
            Wasmtime.TrapCode.BadConversionToInteger => TrapCodes.BadConversionToInteger,
            Wasmtime.TrapCode.StackOverflow => TrapCodes.StackOverflow,
            Wasmtime.TrapCode.Interrupt => TrapCodes.Interrupt,
            Wasmtime.TrapCode.NullReference => TrapCodes.NullReference,
            Wasmtime.TrapCode.ArrayOutOfBounds => TrapCodes.ArrayOutOfBounds,
            Wasmtime.TrapCode.CastFailure => TrapCodes.CastFailure,
            Wasmtime.TrapCode.HeapMisaligned => TrapCodes.HeapMisaligned,
            Wasmtime.TrapCode.AllocationTooLarge => TrapCodes.AllocationTooLarge,
            _ => trap.Type.ToString().ToLowerInvariant(),
        };

    /// <summary>Wasmtime's message repeats a backtrace in the instrumented module's numbering; keep only the cause.</summary>
    private static string TrapMessage(string message)
    {
        int cause = message.LastIndexOf("Caused by:", StringComparison.Ordinal);
        string text = cause >= 0 ? message[(cause + "Caused by:".Length)..] : message;
        return text.Trim().Replace("wasm trap: ", "", StringComparison.Ordinal);
    }

    /// <summary>Releases the store, then the compiled module (the cache may free it now).</summary>
    public void Dispose()
    {
        _store.Dispose();
        _compiled?.Dispose();
        _links?.Dispose();
        _wasi?.Dispose();
    }
}
