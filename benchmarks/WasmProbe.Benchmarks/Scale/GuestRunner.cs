using WasmProbe.Caching;
using WasmProbe.Engine;
using WasmProbe.Instrumentation;

namespace WasmProbe.Benchmarks.Scale;

/// <summary>One instance of a module (plain or instrumented) in its own store on the sessions' engine, with WASI if
/// the guest needs it and the <c>wasmprobe.stop</c> import an instrumented module calls at its probes (counted, so a
/// breakpoint that should never be hit can be checked).</summary>
public sealed class GuestRunner : ITimedGuest
{
    private static readonly TimeSpan Deadline = TimeSpan.FromMinutes(5);
    private readonly Wasmtime.Store _store;
    private readonly Wasmtime.Function _function;
    private readonly Wasmtime.ValueBox[] _arguments;
    private readonly Workload _workload;
    private readonly CacheLease<CompiledModule> _compiled;

    public GuestRunner(byte[] bytes, RealGuest guest, Workload workload)
    {
        _workload = workload;
        _compiled = ModuleCache.Shared.Compiled.Rent(bytes);
        _store = new Wasmtime.Store(WasmtimeRuntime.Engine);
        using var linker = new Wasmtime.Linker(WasmtimeRuntime.Engine);
        linker.DefineFunction(HostImports.ModuleName, HostImports.Stop.Name, (int _, int _) => { Stops++; });
        if (guest.Wasi)
        {
            linker.DefineWasi();
            _store.SetWasiConfiguration(new Wasmtime.WasiConfiguration());
        }
        _store.SetEpochDeadline(WasmtimeRuntime.Ticks(Deadline));
        var instance = linker.Instantiate(_store, _compiled.Value.Module);
        _function = instance.GetFunction(workload.Export) ?? throw new InvalidOperationException($"{guest.Name} exports no function '{workload.Export}'");
        _arguments = [.. workload.Arguments.Select(a => (Wasmtime.ValueBox)a)];
    }

    /// <summary>How many times the guest called <c>wasmprobe.stop</c>.</summary>
    public int Stops { get; private set; }

    /// <summary>Runs the workload; returns the last call's result.</summary>
    public object? Invoke()
    {
        _store.SetEpochDeadline(WasmtimeRuntime.Ticks(Deadline));
        object? result = null;
        for (int call = 0; call < _workload.Calls; call++) result = _function.Invoke(_arguments);
        return result;
    }

    public void Dispose()
    {
        _store.Dispose();
        _compiled.Dispose();
    }
}
