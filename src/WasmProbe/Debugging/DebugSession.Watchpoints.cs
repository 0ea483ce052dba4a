using WasmProbe.Wasm.Resolution;
using WasmProbe.Watchpoints;

namespace WasmProbe.Debugging;

public sealed partial class DebugSession
{
    private readonly List<WriteWatchpoint> _watchpoints = [];
    private readonly List<GlobalWatchpoint> _globalWatchpoints = [];

    public IReadOnlyList<WriteWatchpoint> Watchpoints => _watchpoints;

    /// <summary>Stops (<see cref="WatchpointStop"/>) before every write that touches a byte of
    /// [<paramref name="address"/>, <paramref name="address"/> + <paramref name="length"/>) of memory
    /// <paramref name="memory"/>. Needs <see cref="DebugSessionOptions.WatchWrites"/>; can be called while paused.</summary>
    public WriteWatchpoint AddWatchpoint(long address, long length, int memory = 0)
    {
        ThrowIfDisposed();
        if (!_options.WatchWrites) throw new InvalidOperationException("watchpoints need a session built with DebugSessionOptions.WatchWrites");
        WatchRangeResolver.Resolve(Module, memory, address, length, withinMinimum: false).ValueOrThrow(nameof(address));
        var watchpoint = new WriteWatchpoint(memory, address, length);
        _watchpoints.Add(watchpoint);
        _run?.Watch(watchpoint, enabled: true);
        return watchpoint;
    }

    /// <summary>Watches the bytes of a global source variable or a path into one (<c>config.isInit</c>,
    /// <c>stock[2].qty</c>), found in the module's DWARF as <see cref="Probes.BreakOnWriteAttribute"/> finds it.</summary>
    /// <exception cref="ArgumentException">No DWARF, no such global, or no fixed address (a path through a pointer:
    /// read the pointer at a stop and watch its target by address).</exception>
    public WriteWatchpoint AddWatchpoint(string variable)
    {
        ThrowIfDisposed();
        var range = WatchRangeResolver.ResolveVariable(Dwarf, variable).ValueOrThrow(nameof(variable));
        return AddWatchpoint(range.Address, range.Length);
    }

    /// <summary>Stops (<see cref="GlobalWatchpointStop"/>) before every <c>global.set</c> of a mutable global of a
    /// number type, named as <see cref="Global(string)"/> names it (or by index). Needs
    /// <see cref="DebugSessionOptions.WatchWrites"/>; can be called while paused.</summary>
    public GlobalWatchpoint AddGlobalWatchpoint(string global) => AddGlobalWatchpoint(GlobalResolver.Resolve(Module, global));

    public GlobalWatchpoint AddGlobalWatchpoint(int global) => AddGlobalWatchpoint(GlobalResolver.Resolve(Module, global));

    private GlobalWatchpoint AddGlobalWatchpoint(Resolution<int> global)
    {
        ThrowIfDisposed();
        if (!_options.WatchWrites) throw new InvalidOperationException("watchpoints need a session built with DebugSessionOptions.WatchWrites");
        var watchpoint = new GlobalWatchpoint(WatchRangeResolver.Global(Module, global).ValueOrThrow(nameof(global)));
        _globalWatchpoints.Add(watchpoint);
        _run?.Watch(watchpoint, enabled: true);
        return watchpoint;
    }

    public IReadOnlyList<GlobalWatchpoint> GlobalWatchpoints => _globalWatchpoints;

    public bool RemoveGlobalWatchpoint(GlobalWatchpoint watchpoint)
    {
        ThrowIfDisposed();
        if (!_globalWatchpoints.Remove(watchpoint)) return false;
        _run?.Watch(watchpoint, enabled: false);
        return true;
    }

    public bool RemoveWatchpoint(WriteWatchpoint watchpoint)
    {
        ThrowIfDisposed();
        if (!_watchpoints.Remove(watchpoint)) return false;
        _run?.Watch(watchpoint, enabled: false);
        return true;
    }
}
