using WasmProbe.Watchpoints;

namespace WasmProbe.Debugging;

public sealed partial class DebugSession
{
    private readonly List<WriteWatchpoint> _watchpoints = [];

    public IReadOnlyList<WriteWatchpoint> Watchpoints => _watchpoints;

    /// <summary>Stops (<see cref="WatchpointStop"/>) before every write that touches a byte of
    /// [<paramref name="address"/>, <paramref name="address"/> + <paramref name="length"/>) of memory
    /// <paramref name="memory"/>. Needs <see cref="DebugSessionOptions.WatchWrites"/>; can be called while paused.</summary>
    public WriteWatchpoint AddWatchpoint(long address, long length, int memory = 0)
    {
        ThrowIfDisposed();
        if (!_options.WatchWrites) throw new InvalidOperationException("watchpoints need a session built with DebugSessionOptions.WatchWrites");
        var memories = Module.IndexSpaces.Memories;
        if ((uint)memory >= (uint)memories.Length) throw new ArgumentOutOfRangeException(nameof(memory), memory, $"the module has {memories.Length} memories");
        if (memories[memory].Limits.Is64) throw new ArgumentException($"memory {memory} is 64-bit: only 32-bit memories can be watched", nameof(memory));
        if (length <= 0) throw new ArgumentOutOfRangeException(nameof(length), length, "a watched range needs at least one byte");
        if (address < 0 || address + length > 1L << 32) throw new ArgumentOutOfRangeException(nameof(address), address, "the range lies outside a 32-bit memory");
        var watchpoint = new WriteWatchpoint(memory, address, length);
        _watchpoints.Add(watchpoint);
        _run?.Watch(watchpoint, enabled: true);
        return watchpoint;
    }

    public bool RemoveWatchpoint(WriteWatchpoint watchpoint)
    {
        ThrowIfDisposed();
        if (!_watchpoints.Remove(watchpoint)) return false;
        _run?.Watch(watchpoint, enabled: false);
        return true;
    }
}
