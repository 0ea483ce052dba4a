using WasmProbe.Caching;
using WasmProbe.Coverage;
using WasmProbe.Engine;
using WasmProbe.Inspection;
using WasmProbe.Instrumentation;
using WasmProbe.Wasm.Resolution;

namespace WasmProbe.Probes;

/// <summary>A live instance of a probe class's module for imperative tests: call exports, read and write globals and
/// memory between calls. The generated <c>Class.Instance</c> (from <c>Class.Instantiate()</c>) derives from this and
/// adds typed <c>Exports</c> and <c>Globals</c>. Not thread-safe; dispose it when done.
/// With coverage on (<see cref="ProbeModule.Coverage"/>, by default the process's <see cref="CoverageSettings.Enabled"/>),
/// every call is counted: the counters are read when the instance is disposed (or, for one never disposed, when the
/// process exits) and merged per module into the module's collector (<see cref="CoverageCollector.Default"/>), with the
/// probe runs and debug sessions of the same module; an instance is one run, however many calls it took.</summary>
public class ProbeInstance : IGuestState, IDisposable, IPendingCoverage
{
    private readonly GuestInstance _guest;
    private readonly Module _module;
    private readonly InstrumentedModule _instrumented;
    private readonly CoverageRun? _coverage;
    private readonly CoverageCollector? _collector;
    private readonly LinkedCoverage? _linkedCoverage;
    private bool _disposed;

    protected ProbeInstance(ProbeModule module)
    {
        ArgumentNullException.ThrowIfNull(module);
        _module = ModuleCache.Shared.Decode(module.Bytes);
        var options = new InstrumentationOptions { Mode = InstrumentationMode.Static, ReportThrows = false };
        bool coverage = module.CollectsCoverage;
        var instrumentation = coverage ? CoverageInstrumenter.Instrument(module.Bytes, _module, forDebugger: true) : null;
        _instrumented = ModuleCache.Shared.Instrument(module.Bytes, coverage, options, () => instrumentation?.Module ?? _module);
        _guest = new GuestInstance(_instrumented, module.Host, static (_, _) => { }, null, coverLinks: coverage);
        if (instrumentation is not null)
        {
            _coverage = new CoverageRun(instrumentation, System.IO.Path.GetFileName(module.Path), _collector = module.CoverageCollector ?? CoverageCollector.Default);
            _linkedCoverage = new LinkedCoverage(_guest, _collector);
            _collector.Track(this);
        }
        try
        {
            _guest.Instantiate();
        }
        catch (GuestFaultException fault) when (fault.Kind == GuestFaultKind.Exited)
        {
            // A start function that exits ends the instance's run: ExitCode, Stdout and Stderr say how (no export can be
            // called, since instantiation did not finish).
            Ended(fault);
        }
        catch (GuestFaultException fault)
        {
            Ended(fault);
            Dispose();
            throw Trap("instantiation (the start function)", fault);
        }
        catch
        {
            // A link that does not fit, a module Wasmtime rejects, ...: nothing of the instance may outlive it.
            Dispose();
            throw;
        }
    }

    /// <summary>The code the guest passed to WASI's <c>proc_exit</c>, once it has; null while it has not.</summary>
    public int? ExitCode { get; private set; }

    /// <summary>The host directory behind the WASI directory the guest sees at <paramref name="guestPath"/> (for a
    /// <c>{temp}</c> directory, the one made for this instance; it is deleted when the instance is disposed).</summary>
    public string WasiDirectory(string guestPath) => _guest.WasiDirectory(guestPath);

    public Module Module => _module;
    public string Stdout => _guest.Stdout;
    public string Stderr => _guest.Stderr;

    /// <summary>Calls an exported function; a trap throws <see cref="WasmTrapException"/>.</summary>
    public IReadOnlyList<WasmValue> Invoke(string export, params WasmValue[] arguments)
    {
        var type = EntryResolver.Resolve(_module, export, arguments.Length).ValueOrThrow(nameof(export)).Type;
        string call = $"{export}({string.Join(", ", arguments.Select(a => a.FormatValue()))})";
        try
        {
            return _guest.Invoke(export, type.Parameters, type.Results, arguments);
        }
        catch (GuestFaultException fault) when (fault.Kind == GuestFaultKind.Exited && type.Results.Length == 0)
        {
            // The run's outcome: `_start` of a C program whose main returned non-zero, or that called exit().
            Ended(fault);
            return [];
        }
        catch (GuestFaultException fault)
        {
            Ended(fault);
            throw Trap(call, fault);
        }
    }

    private void Ended(GuestFaultException fault)
    {
        if (fault.Kind == GuestFaultKind.Exited) ExitCode = fault.ExitCode;
        _coverage?.AddEnding(fault, [.. fault.ModuleOffsets.Select(_instrumented.PcMap.ToOriginal).Where(pc => pc >= 0)], module: null);
        _linkedCoverage?.AddEnding(fault);
    }

    public GlobalAccess Global(int index)
    {
        index = GlobalResolver.Resolve(_module, index).ValueOrThrow(nameof(index));
        var type = _module.IndexSpaces.Globals[index];
        return new GlobalAccess(index, _module.Names.Global(index), type, _guest.Global(index, type));
    }

    public MemoryAccess GetMemory(int index = 0)
    {
        index = MemoryResolver.Resolve(_module, index).ValueOrThrow(nameof(index));
        return new MemoryAccess(index, _module.IndexSpaces.Memories[index], _guest.Memory(index)!);
    }

    MemoryAccess IGuestState.Memory(int index) => GetMemory(index);

    private static WasmTrapException Trap(string call, GuestFaultException fault) => fault.Kind switch
    {
        GuestFaultKind.Interrupted => new WasmTrapException("interrupt", $"{call} ran past the deadline", fault),
        GuestFaultKind.Exited => new WasmTrapException("exit", $"{call} called proc_exit({fault.ExitCode}) instead of returning a value", fault),
        GuestFaultKind.HostError => new WasmTrapException("host", $"{call}: a host function threw {fault.HostException?.GetType().FullName}: {fault.Message}", fault),
        _ => new WasmTrapException(fault.TrapCode, $"{call} trapped: {fault.TrapCode}: {fault.Message}", fault),
    };

    void IPendingCoverage.CollectCoverage()
    {
        if (_coverage is null || _coverage.Result is not null || _coverage.Error is not null) return;
        _coverage.Collect(_guest.IsInstantiated ? _guest.Memory(_coverage.CounterMemory) : null);
        _linkedCoverage!.Collect();
    }

    /// <summary>Adds the instance's coverage (when on) and releases the guest.</summary>
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        if (_coverage is not null)
        {
            ((IPendingCoverage)this).CollectCoverage();
            _collector!.Untrack(this);
        }
        _guest.Dispose();
        GC.SuppressFinalize(this);
    }
}
