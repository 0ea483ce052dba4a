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

/// <summary>One frame of the engine's backtrace: in the guest (<see cref="LinkedModule"/> null; <see cref="Offset"/> in
/// the module that ran, the instrumented one) or in a linked module (its name; <see cref="Offset"/> a pc of its original
/// binary, -1 in code the coverage pass added; <see cref="FunctionName"/> the engine's name of its function).</summary>
public sealed record FaultFrame(string? LinkedModule, int Offset, string? FunctionName);

/// <summary>A trap, deadline interruption, host exception or WASI exit that ended a guest invocation. <see cref="ModuleOffsets"/>
/// are the guest's frames of the engine's backtrace, innermost first, as offsets in the module that ran;
/// <see cref="Frames"/> has every frame, those of linked modules too.</summary>
public sealed class GuestFaultException(GuestFaultKind kind, string trapCode, string message, IReadOnlyList<int> moduleOffsets, Exception? hostException)
    : Exception(message, hostException)
{
    public GuestFaultKind Kind { get; } = kind;
    public string TrapCode { get; } = trapCode;
    public IReadOnlyList<int> ModuleOffsets { get; } = moduleOffsets;

    /// <summary>Every frame of the engine's backtrace, innermost first (the guest's are <see cref="ModuleOffsets"/>).</summary>
    public IReadOnlyList<FaultFrame> Frames { get; init; } = [.. moduleOffsets.Select(o => new FaultFrame(null, o, null))];
    public Exception? HostException { get; } = hostException;

    /// <summary>The code a guest passed to <c>proc_exit</c> (<see cref="GuestFaultKind.Exited"/>); null otherwise.</summary>
    public int? ExitCode { get; init; }
}
