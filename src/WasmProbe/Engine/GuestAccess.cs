using WasmProbe.Inspection;

namespace WasmProbe.Engine;

/// <summary>A guest linear memory as the debugger sees it.</summary>
public interface IGuestMemory
{
    bool Is64 { get; }
    long Length { get; }
    ReadOnlySpan<byte> Read(long address, int length);
    void Write(long address, ReadOnlySpan<byte> bytes);

    /// <summary>Grows by <paramref name="pages"/>; returns the previous size in pages.</summary>
    long Grow(long pages);
}

public interface IGuestGlobal
{
    GlobalType Type { get; }
    WasmValue Get();
    void Set(WasmValue value);
}

public interface IGuestTable
{
    TableType Type { get; }
    long Length { get; }
    WasmValue Get(long index);
    void Set(long index, WasmValue value);
    long Grow(long delta, WasmValue initial);
}

/// <summary>How a guest invocation ended other than by returning.</summary>
public enum GuestFaultKind
{
    Trap,
    Interrupted,
    HostError,
    /// <summary>The guest called WASI's <c>proc_exit</c> (<see cref="GuestFaultException.ExitCode"/>).</summary>
    Exited,
}

/// <summary>A trap, deadline interruption, host exception or WASI exit that ended a guest invocation. <see cref="ModuleOffsets"/>
/// are the engine's backtrace, innermost first, as offsets in the module that ran.</summary>
public sealed class GuestFaultException(GuestFaultKind kind, string trapCode, string message, IReadOnlyList<int> moduleOffsets, Exception? hostException)
    : Exception(message, hostException)
{
    public GuestFaultKind Kind { get; } = kind;
    public string TrapCode { get; } = trapCode;
    public IReadOnlyList<int> ModuleOffsets { get; } = moduleOffsets;
    public Exception? HostException { get; } = hostException;

    /// <summary>The code a guest passed to <c>proc_exit</c> (<see cref="GuestFaultKind.Exited"/>); null otherwise.</summary>
    public int? ExitCode { get; init; }
}
