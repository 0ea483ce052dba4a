using WasmProbe.Debugging;
using WasmProbe.Engine;
using WasmProbe.Inspection;
using WasmProbe.Wasm.Model;
using WasmProbe.Wasm.Types;

namespace WasmProbe.Benchmarks.Scale;

/// <summary>The workload run by a debug session in its default <c>Debug</c> mode (the debugger benchmark's (b) on a
/// real guest): idle, or armed by a breakpoint at <paramref name="breakpoint"/>, which the workload never reaches. Each
/// run is a new session over the one debug build the process caches, so its time includes instantiating the guest
/// (a few milliseconds), which a plain run's does not.</summary>
public sealed class DebugSessionRunner(byte[] bytes, RealGuest guest, CodeLocation? breakpoint) : ITimedGuest
{
    public int Stops { get; private set; }

    public object? Invoke()
    {
        var workload = guest.Timed;
        if (workload.Calls != 1) throw new NotSupportedException($"a debug session calls its entry once, and {workload} is {workload.Calls} calls");
        using var session = DebugSession.Create(bytes, new DebugSessionOptions
        {
            Entry = workload.Export,
            Arguments = [.. workload.Arguments.Select(a => (object?)a)],
            ExceptionStops = ExceptionStops.None,
            Coverage = false,
            Host = new GuestOptions { Wasi = guest.Wasi, Deadline = TimeSpan.FromMinutes(5) },
        });
        if (breakpoint is { } at) session.AddBreakpoint(at.Function, at.Pc);
        var end = session.Run(_ => ResumeAction.Continue);
        Stops += session.Breakpoints.Sum(b => b.HitCount);
        var result = end is FinishedStop finished ? finished.Results[0] : throw new InvalidOperationException($"the run ended with {end}");
        return result.Type.Kind switch
        {
            ValueKind.I32 => result.AsInt32(),
            ValueKind.I64 => result.AsInt64(),
            _ => result.ToString(),
        };
    }

    public void Dispose() { }
}
